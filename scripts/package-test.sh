#!/usr/bin/env bash
# Installs the .deb that `make package` built on this machine, checks it, and removes it:
#   1. the package's metadata (dpkg-deb -I) and the .rpm's (rpm -qip/-qlpR), both with the CLI;
#   2. apt-get install ./TokenDesk_<version>_amd64.deb;
#   3. `tokendesk --version` from PATH prints the workspace version;
#   4. the installed app (tokendesk-app from PATH) starts under Xvfb, inside a throwaway
#      Secret Service and HOME, and its window "TokenDesk" is mapped (xdotool + xwininfo);
#   5. its runtime dependencies: the declared Depends must be exactly the packages that
#      dpkg-shlibdeps computes for the installed binaries (the libraries they link directly),
#      and every shared library that ldd loads must resolve and belong (dpkg -S) to a package
#      declared or pulled in by the declared ones (apt-cache depends --recurse);
#   6. apt-get purge, then none of the package's files is left (and no tokendesk on PATH).
# Needs root (apt-get) and the "package" group of scripts/install-deps.sh. Not part of
# `make test` (the release build behind it is too slow on 2 cores): run `make package` first,
# then `make test-package`. DEB=path picks another .deb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[package-test] %s\n' "$*"; }
fail() { printf '[package-test] FAILED: %s\n' "$*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "run as root (it installs and removes a package)"
scripts/install-deps.sh package >/dev/null

bundle=${CARGO_TARGET_DIR:-target}/release/bundle
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
deb=${DEB:-$bundle/deb/TokenDesk_${version}_amd64.deb}
rpm_file=$(ls "$bundle"/rpm/TokenDesk-"$version"-*.rpm 2>/dev/null | head -1 || true)
[[ -f $deb ]] || fail "no $deb: run 'make package' first"
deb=$(readlink -f "$deb")
pkg=$(dpkg-deb -f "$deb" Package)
passed=()

# ---- 1. metadata ---------------------------------------------------------------------------
log "package $pkg from $deb"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p' | sed 's/^/    /'
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\./##')
grep -E 'usr/bin/|\.desktop$|/icons/.*/apps/' <<<"$contents" | sed 's/^/    /' || true
grep -qx 'usr/bin/tokendesk' <<<"$contents" || fail "the .deb has no /usr/bin/tokendesk (the CLI)"
grep -qx 'usr/bin/tokendesk-app' <<<"$contents" || fail "the .deb has no /usr/bin/tokendesk-app"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "deb version $(dpkg-deb -f "$deb" Version) is not $version"
if [[ -n $rpm_file ]]; then
  log "rpm: $rpm_file"
  rpm -qip "$rpm_file" 2>/dev/null | grep -E '^(Name|Version|Release|Architecture|License|Summary|Packager) ' | sed 's/^/    /'
  rpm_files=$(rpm -qlp "$rpm_file" 2>/dev/null)
  grep -qx '/usr/bin/tokendesk' <<<"$rpm_files" || fail "the .rpm has no /usr/bin/tokendesk"
  echo "    requires: $(rpm -qpR "$rpm_file" 2>/dev/null | grep -v '^rpmlib(' | tr '\n' ' ')"
  passed+=(rpm-contents)
else
  log "no .rpm under $bundle/rpm (make package builds one): skipped"
fi
passed+=(deb-contents)

# ---- 2. install ----------------------------------------------------------------------------
dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' &&
  fail "$pkg is already installed; remove it first (apt-get purge $pkg)"
work=$(mktemp -d); app_pid=""; xvfb_pid=""
cleanup() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null || true
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$pkg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
log "apt-get install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" </dev/null 2>&1 |
  grep -vE '^(Reading|Building|Reading state)' | sed 's/^/    /'
dpkg -L "$pkg" >"$work/files"
passed+=(install)

# ---- 3. the CLI from PATH ------------------------------------------------------------------
cli=$(command -v tokendesk) || fail "tokendesk is not on PATH after install"
out=$(tokendesk --version)
log "$cli --version: $out"
[[ $out == *"$version"* ]] || fail "tokendesk --version does not say $version"
passed+=(cli-on-path)

# ---- 4. the app's window under Xvfb --------------------------------------------------------
app=$(command -v tokendesk-app) || fail "tokendesk-app is not on PATH after install"
n=90; while [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1400x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 & xvfb_pid=$!
# Ready when it answers, not when its socket appears (GTK aborts on a display not yet serving).
for _ in $(seq 100); do xwininfo -root -display ":$n" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=":$n"
mkdir -p "$work/home"
log "starting $app on $DISPLAY (HOME and Secret Service throwaway)"
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  scripts/with-secret-service.sh "$app" >"$work/app.log" 2>&1 & app_pid=$!
wid=""; start=$(date +%s%N)
for _ in $(seq 600); do
  wid=$(xdotool search --onlyvisible --name '^TokenDesk$' 2>/dev/null | head -1 || true)
  [[ -n $wid ]] && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; fail "the app exited before showing a window"; }
  sleep 0.1
done
[[ -n $wid ]] || { tail -20 "$work/app.log" >&2; fail "no visible window named TokenDesk within 60 s"; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
info=$(xwininfo -id "$wid")
state=$(sed -n 's/.*Map State: //p' <<<"$info")
geom=$(sed -n 's/.*-geometry //p' <<<"$info")
log "window $wid \"TokenDesk\" after ${ms} ms: $state, $geom"
[[ $state == IsViewable ]] || fail "the window is not viewable ($state)"
if command -v import >/dev/null && import -version >/dev/null 2>&1; then
  import -window root "$work/../tokendesk-package-test.png" 2>/dev/null &&
    log "screenshot: $(readlink -f "$work/../tokendesk-package-test.png")" || true
fi
kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=""
passed+=(app-window)

# ---- 5. runtime dependencies ---------------------------------------------------------------
# Exact: dpkg-shlibdeps (Debian's own tool, from dpkg-dev) on the installed binaries gives the
# packages of the libraries they link directly; the declared Depends must name exactly those.
# Complete: every library ldd loads (directly or not) resolves, and its package is declared or
# pulled in by the declared ones (apt-cache depends --recurse).
declared=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/([^)]*)//; s/|.*//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
log "declared Depends: $(dpkg-deb -f "$deb" Depends)"
mkdir -p "$work/shl/debian"
printf 'Source: x\n\nPackage: x\nArchitecture: any\n' >"$work/shl/debian/control"
shlibs=$(cd "$work/shl" && dpkg-shlibdeps -O /usr/bin/tokendesk-app /usr/bin/tokendesk 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
log "dpkg-shlibdeps:   $shlibs"
computed=$(tr ',' '\n' <<<"$shlibs" | sed 's/([^)]*)//; s/|.*//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
[[ -n $computed ]] || fail "dpkg-shlibdeps computed nothing"
missing=$(comm -13 <(echo "$declared") <(echo "$computed") | tr '\n' ' ')
extra=$(comm -23 <(echo "$declared") <(echo "$computed") | tr '\n' ' ')
[[ -z ${missing// } ]] || fail "linked directly but not declared: $missing"
[[ -z ${extra// } ]] || fail "declared but not linked directly: $extra"
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances $declared 2>/dev/null |
  sed -n 's/^\([^ <][^ :]*\).*/\1/p; s/^ *\(Pre\)\{0,1\}Depends: \([^ <]*\).*/\2/p' | sed 's/:amd64$//' | sort -u)
needed=(); uncovered=()
for bin in /usr/bin/tokendesk-app /usr/bin/tokendesk; do
  missing_libs=$(ldd "$bin" | grep 'not found' || true)
  [[ -z $missing_libs ]] || fail "$bin: libraries not found: $missing_libs"
  while read -r lib; do
    owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null ||
      dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true)
    owner=${owner%%:*}; owner=${owner%%,*}
    [[ -n $owner ]] || fail "$bin: no package owns $lib"
    [[ " ${needed[*]} " == *" $owner "* ]] || needed+=("$owner")
  done < <(ldd "$bin" | awk '/=>/ {print $3} /^\t\// {print $1}' | grep '^/' | sort -u)
done
for p in "${needed[@]}"; do
  grep -qx "$p" <<<"$declared" || grep -qx "$p" <<<"$closure" || uncovered+=("$p")
done
[[ ${#uncovered[@]} -eq 0 ]] || fail "libraries from packages the .deb does not bring: ${uncovered[*]}"
log "runtime deps: Depends = dpkg-shlibdeps' list ($(wc -w <<<"$computed") packages); all ${#needed[@]} packages of the libraries ldd loads are declared or pulled in by them"
passed+=(runtime-deps)

# ---- 6. remove -----------------------------------------------------------------------------
log "apt-get purge $pkg"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$pkg" </dev/null >/dev/null 2>&1
left=()
while read -r f; do
  [[ -e $f && ! -d $f ]] && left+=("$f")
done <"$work/files"
[[ ${#left[@]} -eq 0 ]] || fail "files left after purge: ${left[*]}"
! command -v tokendesk >/dev/null || fail "tokendesk still on PATH after purge: $(command -v tokendesk)"
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'installed' || fail "$pkg still installed"
log "removed: none of its $(wc -l <"$work/files") paths left (folders shared with other packages stay)"
passed+=(remove)

log "OK: ${passed[*]}"
echo "${#passed[@]} passed, 0 failed"
