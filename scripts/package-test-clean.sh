#!/usr/bin/env bash
# The .deb that `make package` built, on a clean Debian 12: does it declare every runtime
# dependency it needs? On this build machine the -dev packages bring every library along, so
# scripts/package-test.sh can only compare Depends with dpkg-shlibdeps; here the package goes
# into a minimal Debian 12 (debootstrap --variant=minbase: no X, no GTK, no -dev package) and
# apt-get must pull in everything from Depends alone:
#   1. apt-get install ./TokenDesk_<version>_amd64.deb in a throwaway copy of the minimal system;
#   2. no -dev package was needed (none is installed afterwards);
#   3. every shared library of /usr/bin/tokendesk-app and /usr/bin/tokendesk resolves (ldd);
#   4. `tokendesk --version` runs there;
#   5. the app starts there and maps its window "TokenDesk" on an Xvfb display of this machine
#      (only the X socket is shared: the chroot gets nothing else from the host).
# The minimal system is made once (about 200 MB, 2 minutes from deb.debian.org) and kept in
# PACKAGE_CHROOT (default /var/cache/tokendesk/bookworm-minbase); each run works on a copy.
# Needs root (debootstrap, chroot, mount). Not part of `make test`: `make package` first, then
# `make test-package-clean`. DEB=path picks another .deb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[package-test-clean] %s\n' "$*"; }
fail() { printf '[package-test-clean] FAILED: %s\n' "$*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap, chroot and mount need it)"
scripts/install-deps.sh package >/dev/null
for c in debootstrap Xvfb xdotool xwininfo; do
  command -v "$c" >/dev/null || fail "$c is missing (scripts/install-deps.sh package installs it)"
done

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
deb=${DEB:-${CARGO_TARGET_DIR:-target}/release/bundle/deb/TokenDesk_${version}_amd64.deb}
[[ -f $deb ]] || fail "no $deb: run 'make package' first"
deb=$(readlink -f "$deb")
base=${PACKAGE_CHROOT:-/var/cache/tokendesk/bookworm-minbase}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [[ ! -x $base/usr/bin/apt-get ]]; then
  log "making a minimal Debian 12 in $base (debootstrap --variant=minbase bookworm $mirror)"
  rm -rf "$base.partial"
  mkdir -p "$(dirname "$base")"
  debootstrap --variant=minbase bookworm "$base.partial" "$mirror" >/dev/null
  mv "$base.partial" "$base"
fi

work=$(mktemp -d /var/tmp/tokendesk-clean-XXXXXX)
root="$work/root"
mounts=()
app_pid=""; xvfb_pid=""
cleanup() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null || true
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
log "a throwaway copy of $base"
cp -a "$base" "$root"
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
mount -t sysfs sysfs "$root/sys" && mounts+=("$root/sys")
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

# ---- 1. install from Depends alone -----------------------------------------------------------
cp "$deb" "$root/tmp/"
before=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)
log "apt-get install $(basename "$deb") (from $mirror)"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "/tmp/$(basename "$deb")" </dev/null >"$work/install.log" 2>&1 ||
  { tail -30 "$work/install.log" >&2; fail "apt-get install failed on a clean Debian 12"; }
after=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)
log "installed: the package and $((after - before - 1)) dependencies (the minimal system had $before)"

# ---- 2. no -dev package ----------------------------------------------------------------------
dev=$(in_root dpkg-query -W -f='${Package}\n' | grep -E -- '-dev$' || true)
[[ -z $dev ]] || fail "-dev packages came along: $(tr '\n' ' ' <<<"$dev")"

# ---- 2b. fonts: a webview without any font draws boxes ---------------------------------------
fonts=$(in_root sh -c 'find /usr/share/fonts -type f \( -name "*.ttf" -o -name "*.otf" -o -name "*.pfb" \) 2>/dev/null | wc -l')
[[ $fonts -gt 0 ]] || fail "no font came with the package's dependencies"
log "fonts on the clean system after the install: $fonts files"

# ---- 3. every library resolves ---------------------------------------------------------------
bins=(/usr/bin/tokendesk-app)
[[ -x $root/usr/bin/tokendesk ]] && bins+=(/usr/bin/tokendesk)
for b in "${bins[@]}"; do
  missing=$(in_root ldd "$b" | grep 'not found' || true)
  [[ -z $missing ]] || fail "$b on a clean system: $missing"
done
log "ldd: every library of ${bins[*]} resolves"

# ---- 4. the CLI -------------------------------------------------------------------------------
if [[ -x $root/usr/bin/tokendesk ]]; then
  out=$(in_root tokendesk --version)
  [[ $out == *"$version"* ]] || fail "tokendesk --version said: $out"
  log "tokendesk --version: $out"
else
  log "no /usr/bin/tokendesk in this .deb (built without the CLI): skipped"
fi

# ---- 5. the app's window ---------------------------------------------------------------------
n=90; while [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1400x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 & xvfb_pid=$!
for _ in $(seq 100); do xwininfo -root -display ":$n" >/dev/null 2>&1 && break; sleep 0.1; done
xwininfo -root -display ":$n" >/dev/null 2>&1 || { cat "$work/xvfb.log" >&2; fail "Xvfb :$n did not start"; }
mkdir -p "$root/tmp/.X11-unix" "$root/root/home"
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix" && mounts+=("$root/tmp/.X11-unix")
log "starting /usr/bin/tokendesk-app in the clean system on :$n"
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root/home LANG=C.UTF-8 DISPLAY=":$n" \
  NO_AT_BRIDGE=1 XDG_CONFIG_HOME=/root/home/.config XDG_DATA_HOME=/root/home/.local/share \
  /usr/bin/tokendesk-app >"$work/app.log" 2>&1 & app_pid=$!
wid=""
for _ in $(seq 600); do
  wid=$(DISPLAY=":$n" xdotool search --onlyvisible --name '^TokenDesk$' 2>/dev/null | head -1 || true)
  [[ -n $wid ]] && break
  kill -0 "$app_pid" 2>/dev/null || { tail -30 "$work/app.log" "$work/xvfb.log" >&2; fail "the app exited before showing a window"; }
  sleep 0.1
done
[[ -n $wid ]] || { tail -30 "$work/app.log" >&2; fail "no visible window named TokenDesk within 60 s"; }
state=$(DISPLAY=":$n" xwininfo -id "$wid" | sed -n 's/.*Map State: //p')
[[ $state == IsViewable ]] || fail "the window is not viewable ($state)"
sleep 2
kill -0 "$app_pid" 2>/dev/null || { tail -30 "$work/app.log" >&2; fail "the app died after mapping its window"; }
log "window $wid \"TokenDesk\": $state, and the app still running 2 s later"
log "ok: $(basename "$deb") installs and runs on a minimal Debian 12 from its Depends alone"
