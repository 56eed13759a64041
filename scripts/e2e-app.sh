#!/usr/bin/env bash
# End-to-end tests of the real desktop app in a real window: tauri-driver + Debian's
# WebKitWebDriver + WebdriverIO (e2e-app/), under Xvfb, with a throwaway unlocked Secret Service,
# against the app's embedded practice server. Idempotent; from a fresh clone on Debian 12:
#
#   scripts/e2e-app.sh                      # deps, builds, then the tests
#   SCREENSHOT_DIR=/tmp/shots scripts/e2e-app.sh
#
# Steps: Debian packages (scripts/install-deps.sh base app) when a tool is missing; tauri-driver
# 2.x (cargo install) when missing; npm ci of ui/ (when its lock changed) and the UI build
# (ui/dist, which the binary embeds); cargo build -p tokendesk-app --features custom-protocol
# (debug, target/ of the repo or $CARGO_TARGET_DIR); npm ci of e2e-app/ (when its lock changed);
# cargo build -p tokendesk-sim (the canary test's server); then
# xvfb-run -a scripts/with-secret-service.sh node --test e2e-app/*.test.mjs.
# Screenshots go to $SCREENSHOT_DIR (default e2e-app/screenshots/RUN-TIMESTAMP, git-ignored).
# Builds run under `nice -n 19`. E2E_VERBOSE=1 shows tauri-driver's and WebdriverIO's logs. E2E_FILES=e2e-app/app.test.mjs runs one file.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
log() { printf '[e2e-app] %s\n' "$*" >&2; }
start=$(date +%s)

if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
# Where `cargo install` puts tauri-driver (CARGO_INSTALL_ROOT, else ~/.cargo).
cargo_bin="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
case ":$PATH:" in *":$cargo_bin:"*) ;; *) export PATH="$cargo_bin:$PATH" ;; esac

# ---------------------------------------------------------------- Debian packages
missing=()
for c in WebKitWebDriver xvfb-run xauth dbus-run-session dbus-send gnome-keyring-daemon secret-tool node npm pkg-config; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "missing: ${missing[*]} -- installing Debian packages (scripts/install-deps.sh base app)"
  scripts/install-deps.sh base app
fi

# ---------------------------------------------------------------- tauri-driver 2.x
if ! tauri-driver --help >/dev/null 2>&1 ||
  ! cargo install --list 2>/dev/null | grep -q '^tauri-driver v2\.'; then
  log "installing tauri-driver 2.x (cargo install)"
  nice -n 19 cargo install tauri-driver --version '^2' --locked
fi

# ---------------------------------------------------------------- the app, with the UI embedded
# npm ci only when the lock file is newer than the last install (node_modules/.package-lock.json).
npm_ci_if_needed() { # dir
  local dir=$1
  if [[ ! -f $dir/node_modules/.package-lock.json ||
        $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ||
        $dir/package.json -nt $dir/node_modules/.package-lock.json ]]; then
    log "npm ci in $dir"
    nice -n 19 npm --prefix "$dir" ci --no-audit --no-fund
  fi
}
npm_ci_if_needed ui
log "building the UI (ui/dist)"
nice -n 19 npm --prefix ui run build
log "building the app (debug, --features custom-protocol)"
nice -n 19 cargo build -p tokendesk-app --features custom-protocol
app="${CARGO_TARGET_DIR:-$repo/target}/debug/tokendesk-app"
[[ -x $app ]] || { log "not built: $app"; exit 1; }
# The canary test runs its own practice server (an administrator with canary credentials).
log "building the practice server (debug)"
nice -n 19 cargo build -p tokendesk-sim
sim="${CARGO_TARGET_DIR:-$repo/target}/debug/tokendesk-sim"

# ---------------------------------------------------------------- the tests
npm_ci_if_needed e2e-app
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$repo/e2e-app/screenshots/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$SCREENSHOT_DIR"
export TOKENDESK_APP_BINARY=$app TOKENDESK_SIM_BINARY=$sim NO_AT_BRIDGE=1
built=$(date +%s)
log "deps and builds took $((built - start)) s; running the tests (screenshots: $SCREENSHOT_DIR)"

# xvfb outermost (a 24-bit screen larger than the 1200x800 window); inside it a private D-Bus
# session with an unlocked throwaway gnome-keyring, so "Add profile" stores into the real
# Secret Service. tauri-driver is started by the tests (e2e-app/harness.mjs).
set +e
xvfb-run -a -s "-screen 0 1440x900x24" \
  scripts/with-secret-service.sh \
  node --test --test-concurrency=1 --test-reporter=spec ${E2E_FILES:-e2e-app/*.test.mjs}
rc=$?
set -e
end=$(date +%s)
log "tests took $((end - built)) s; whole run $((end - start)) s; exit status $rc"
log "screenshots: $SCREENSHOT_DIR"
exit "$rc"
