#!/usr/bin/env bash
# Run a command inside a private D-Bus session bus with an unlocked, throwaway
# gnome-keyring Secret Service, so credential-store tests use the real store without ever
# touching a real user's keyring.
#
#   scripts/with-secret-service.sh cargo test --workspace
#   scripts/with-secret-service.sh cargo test -p tokendesk-core secrets::
#   scripts/with-secret-service.sh bash          # an interactive shell inside it
#
# What it does:
#   * makes a temporary directory and points XDG_DATA_HOME (where gnome-keyring keeps
#     keyrings/) and XDG_RUNTIME_DIR (D-Bus and keyring control sockets) into it;
#   * dbus-run-session starts a private session bus for the command's lifetime;
#   * gnome-keyring-daemon --unlock reads a password on stdin and creates the "login"
#     keyring from it (it is new every run), which becomes the "default" collection alias;
#   * waits until org.freedesktop.secrets is on the bus and the default collection is
#     unlocked, then runs the command with TOKENDESK_TEST_SECRET_SERVICE=1 in its environment;
#   * afterwards stops the daemon and deletes the directory; the command's exit status is
#     passed through.
# No X display is needed. Set TOKENDESK_KEEP_SECRET_DIR=1 to keep the directory for a look.
set -euo pipefail

self=$(readlink -f -- "${BASH_SOURCE[0]}")
log() { printf '[with-secret-service] %s\n' "$*" >&2; }

# Keyring password: the keyring is created new each run and deleted after; nothing real.
KEYRING_PASSWORD=tokendesk-test
READY_TIMEOUT_TENTHS=${TOKENDESK_SECRET_SERVICE_TIMEOUT_TENTHS:-200}   # 20 s

bus_call() { # dest path interface.method args... -> literal reply on stdout
  local dest=$1 path=$2 method=$3; shift 3
  dbus-send --session --print-reply=literal --reply-timeout=2000 \
    --dest="$dest" "$path" "$method" "$@" 2>/dev/null
}

secrets_ready() {
  # Ask the bus first: calling org.freedesktop.secrets before it has an owner would make the
  # bus auto-start a second daemon from its .service file (with no unlocked login keyring).
  bus_call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets | grep -q true || return 1
  local coll
  coll=$(bus_call org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.ReadAlias string:default) || return 1
  coll=$(printf '%s' "$coll" | tr -d '[:space:]')
  [[ $coll == /org/freedesktop/secrets/collection/* ]] || return 1
  bus_call org.freedesktop.secrets "$coll" org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked | grep -q 'boolean false'
}

# ---------------------------------------------------------------- inside dbus-run-session
if [[ ${1:-} == --inner ]]; then
  shift
  exec 2>&3 3>&-                       # the caller's stderr back (see below)
  dir=$TOKENDESK_SECRET_DIR
  echo $$ >"$dir/inner.pid"
  gkd='' cmd=''
  descendants() { # pid -> its child processes, recursively (by pid, via procps)
    local c
    for c in $(pgrep -P "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
  }
  stop() {
    # The command and everything it started (cargo -> test binaries -> servers), by pid.
    [[ -n $cmd ]] && kill -TERM "$cmd" $(descendants "$cmd") 2>/dev/null || true
    [[ -n $gkd ]] && kill -TERM "$gkd" 2>/dev/null && wait "$gkd" 2>/dev/null || true
  }
  trap 'stop; exit 143' TERM
  trap 'stop; exit 130' INT
  trap 'stop; exit 129' HUP

  printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock \
    --components=secrets --control-directory="$XDG_RUNTIME_DIR/keyring" \
    >"$dir/gnome-keyring.log" 2>&1 &
  gkd=$!
  echo "$gkd" >"$dir/gnome-keyring.pid"

  i=0
  until secrets_ready; do
    if ! kill -0 "$gkd" 2>/dev/null; then
      log "gnome-keyring-daemon exited early; its output:"; cat "$dir/gnome-keyring.log" >&2
      exit 70
    fi
    if (( ++i >= READY_TIMEOUT_TENTHS )); then
      log "Secret Service not ready after $((READY_TIMEOUT_TENTHS / 10)) s; gnome-keyring said:"
      cat "$dir/gnome-keyring.log" >&2; stop; exit 70
    fi
    sleep 0.1
  done

  export GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring" TOKENDESK_TEST_SECRET_SERVICE=1
  # Background + wait so that the traps above can act at once; <&0 keeps the caller's stdin
  # (a non-interactive shell would otherwise give a background job /dev/null).
  "$@" <&0 &
  cmd=$!
  set +e
  wait "$cmd"; rc=$?
  set -e
  cmd=''
  stop
  exit "$rc"
fi

# ---------------------------------------------------------------- outside
if [[ $# -eq 0 ]]; then
  sed -n '2,9p' "$self" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

missing=()
for c in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "not found: ${missing[*]} -- run scripts/install-deps.sh (or: make deps)"
  exit 127
fi
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tokendesk-secret-service.XXXXXX")
mkdir -m 700 "$dir/data" "$dir/run"
child=''

alive_pid() { # pidfile word -> pid, if that process still runs and its command line has word
  local pid args
  pid=$(cat "$1" 2>/dev/null) || return 1
  args=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $args == *"$2"* ]] && printf '%s' "$pid"
}

cleanup() {
  local pid
  if [[ -n $child ]] && kill -0 "$child" 2>/dev/null; then
    if pid=$(alive_pid "$dir/inner.pid" " --inner"); then kill -TERM "$pid" 2>/dev/null || true; fi
    wait "$child" 2>/dev/null || true
  fi
  # The daemon also quits when its bus goes away; make sure before deleting its files.
  if pid=$(alive_pid "$dir/gnome-keyring.pid" gnome-keyring-daemon); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [[ ${TOKENDESK_KEEP_SECRET_DIR:-0} == 1 ]]; then
    log "kept $dir"
  else
    rm -rf -- "$dir"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# Isolate from any desktop session of the caller: our own data, runtime and control dirs.
unset GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
export XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" TOKENDESK_SECRET_DIR="$dir"

# dbus-daemon's own stderr (e.g. the harmless "Failed to set fd limit" as root in a
# container) goes to a log; the command gets the caller's stderr back through fd 3.
exec 3>&2
dbus-run-session -- "$self" --inner "$@" 2>"$dir/dbus.log" <&0 &
child=$!
exec 3>&-
set +e
wait "$child"; rc=$?
set -e
child=''
if [[ ! -e $dir/inner.pid ]]; then
  log "dbus-run-session failed (exit $rc):"; cat "$dir/dbus.log" >&2
fi
exit "$rc"
