#!/usr/bin/env bash
# Install the Debian packages TokenDesk needs, idempotently.
#
#   scripts/install-deps.sh            # group "base": what `make test` / `make run` need now
#   scripts/install-deps.sh app        # group "app": the Tauri desktop app's build/e2e deps
#   scripts/install-deps.sh base app   # several groups
#   scripts/install-deps.sh --check    # report what is missing, install nothing (exit 1 if any)
#
# Only packages that are not installed are installed; `apt-get update` runs only when
# something has to be installed. Safe to run any number of times. Needs root (or sudo).
set -euo pipefail

# ---- package groups ---------------------------------------------------------------------
# base: Rust build (C toolchain for -sys crates), Secret Service for the credential-store
# tests (dbus-run-session, gnome-keyring-daemon, secret-tool to inspect the store), openssl
# and python3 for test helpers (python3-venv: the workflow checkers, scripts/check-workflows.sh), procps (pgrep) for with-secret-service.sh's clean-up.
GROUP_base=(
  build-essential pkg-config
  dbus dbus-x11 gnome-keyring libsecret-tools
  openssl python3 python3-venv
  ca-certificates procps
)
# app: the Tauri 2 desktop app (WebKitGTK 4.1) and its end-to-end harness
# (tauri-driver + webkit2gtk-driver under xvfb-run). See DESIGN.md, "Tests, and how to see the app".
GROUP_app=(
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  librsvg2-dev libayatana-appindicator3-dev libdbus-1-dev
  build-essential pkg-config
  webkit2gtk-driver xvfb xauth dbus-x11 gnome-keyring
)
# package: `make package` / `make test-package` only: rpm (rpm -qip/-qlp to inspect the .rpm;
# Tauri's rpm bundler itself is pure Rust), xdotool (find the installed app's window by name),
# x11-utils (xwininfo), file, dpkg-dev (dpkg-shlibdeps: the exact Depends), debootstrap (make
# test-package-clean: a minimal Debian 12 to install the .deb into). xvfb/xauth are in "app".
GROUP_package=(
  rpm xdotool x11-utils file xvfb xauth dpkg-dev debootstrap
)
# To add a group: define GROUP_<name>=( ... ) above and list it in KNOWN_GROUPS.
KNOWN_GROUPS=(base app package)
# ------------------------------------------------------------------------------------------

log() { printf '[install-deps] %s\n' "$*" >&2; }

check_only=0
groups=()
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    all) groups+=("${KNOWN_GROUPS[@]}") ;;
    *)
      if [[ " ${KNOWN_GROUPS[*]} " == *" $arg "* ]]; then
        groups+=("$arg")
      else
        log "unknown group '$arg' (known: ${KNOWN_GROUPS[*]} all)"; exit 2
      fi ;;
  esac
done
[[ ${#groups[@]} -gt 0 ]] || groups=(base)

# Collect the wanted packages (deduplicated, order kept).
wanted=()
for g in "${groups[@]}"; do
  declare -n list="GROUP_$g"
  for p in "${list[@]}"; do
    [[ " ${wanted[*]} " == *" $p "* ]] || wanted+=("$p")
  done
  unset -n list
done

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == "ii"* ]]
}

missing=()
for p in "${wanted[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "groups [${groups[*]}]: all ${#wanted[@]} packages already installed"
else
  log "groups [${groups[*]}]: missing: ${missing[*]}"
  if [[ $check_only -eq 1 ]]; then exit 1; fi
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
      log "not root and no sudo: install these packages by hand: ${missing[*]}"; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # stdin from /dev/null: never wait for a prompt (CI runs with no stdin).
  "${SUDO[@]}" apt-get update -q </dev/null
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  still=()
  for p in "${missing[@]}"; do is_installed "$p" || still+=("$p"); done
  if [[ ${#still[@]} -gt 0 ]]; then log "still missing after install: ${still[*]}"; exit 1; fi
  log "installed: ${missing[*]}"
fi

# ---- Rust toolchain (rustup; not from apt: Debian 12's rustc is too old) -----------------
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  log "cargo not found (looked on PATH and in ~/.cargo/bin): install Rust with rustup"
  exit 1
fi
for comp in rustfmt clippy; do
  probe=(cargo fmt --version); [[ $comp == clippy ]] && probe=(cargo clippy --version)
  if ! "${probe[@]}" >/dev/null 2>&1; then
    log "rust component '$comp' missing; trying: rustup component add $comp"
    rustup component add "$comp" </dev/null || { log "could not add $comp"; exit 1; }
  fi
done
if [[ $check_only -eq 0 ]]; then log "ok"; fi
