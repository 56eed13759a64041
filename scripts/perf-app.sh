#!/usr/bin/env bash
# The desktop app's performance yardsticks against a blank Tauri window built the same way, in
# the same run (../shared/DESIGN.md, "Performance yardsticks"):
#
#   scripts/perf-app.sh                 # build both (release, Tauri CLI, .deb), then measure
#   RUNS=9 IDLE_SECS=8 scripts/perf-app.sh
#   SKIP_BUILD=1 scripts/perf-app.sh    # measure the binaries already in target/release
#   BEFORE_BIN=/tmp/tokendesk-app.before scripts/perf-app.sh
#                                       # also an earlier build of the app (a copy of its release
#                                       # binary), launched in the same rotation: before/after
#                                       # figures under the same load
#
# What it does:
#   * builds the app (ui/dist embedded) and the blank window (bench/blank-window: one <input>,
#     the same Tauri, CSP, window size and release profile) with the Tauri CLI from ui/
#     (`tauri build --bundles deb`), in the same target directory, under `nice -n 10`;
#   * sizes: each release binary and each .deb;
#   * under `xvfb-run -a` and scripts/with-secret-service.sh (one X server, one private D-Bus
#     session with a throwaway unlocked keyring, for every launch of both), launches each
#     program RUNS times, alternating which goes first, after one discarded warm-up launch each,
#     with NO_AT_BRIDGE=1 and fresh XDG config/cache folders per launch;
#   * start-to-interactive: from just before the launch until the program writes
#     "interactive after N ms" on stderr — the page calls the `ui_ready` command once its first
#     form's input exists and is enabled (ui/src/App.svelte; bench/blank-window/dist/ready.js).
#     The line also gives the page's own part (ms since its navigation began), so the table
#     splits the time into native start (GTK, WebKit processes) and the page's work.
#     The app starts as an administrator sees it: one server profile (added with the CLI, its
#     credentials in the keyring), so the first screen is "Find a user" with its username field;
#     practice mode is off (it would start a server the blank window has no counterpart of);
#   * idle memory: IDLE_SECS after interactive, the PSS (/proc/PID/smaps_rollup) of the program
#     and all its descendants (WebKitWebProcess, WebKitNetworkProcess, ...), summed;
#   * prints the medians, the ratios to the blank window and the aims (start <= 1.2x, memory
#     <= 1.15x), and writes them with every single run to $OUT_DIR (default target/perf-app/).
#     With BEFORE_BIN, that binary ("before") takes its turn in every round too (the order
#     rotating), and the table has its column.
# Exit status 0 when measured (a missed aim is reported, not an error); 1 when a step failed.
set -euo pipefail

self=$(readlink -f -- "${BASH_SOURCE[0]}")
repo=$(cd "$(dirname "$self")/.." && pwd)
log() { printf '[perf-app] %s\n' "$*" >&2; }

RUNS=${RUNS:-5}
IDLE_SECS=${IDLE_SECS:-5}
READY_TIMEOUT_SECS=${READY_TIMEOUT_SECS:-60}
target="${CARGO_TARGET_DIR:-$repo/target}"
target=$(mkdir -p "$target" && cd "$target" && pwd)
OUT_DIR=${OUT_DIR:-$target/perf-app}
app_bin="$target/release/tokendesk-app"
blank_bin="$target/release/tokendesk-blank-window"
before_bin=${BEFORE_BIN:-}
cli_bin="$target/release/tokendesk"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ================================================================ inside Xvfb + Secret Service
if [[ ${1:-} == --measure ]]; then
  work=$2
  mkdir -p "$work/config"
  # One server profile, as an administrator has: settings in TOKENDESK_CONFIG_DIR, the two
  # credentials in this session's throwaway keyring. `profile add` sends nothing.
  export TOKENDESK_CONFIG_DIR="$work/config" TOKENDESK_DATA_DIR="$work/data"
  TOKENDESK_AUTH_TOKEN=bench-auth-token TOKENDESK_SECRET_CODE=bench-secret-code \
    "$cli_bin" profile add helpdesk --url https://mfa.example.com --admin helpdesk-admin >/dev/null

  descendants() { # pid -> its descendants, one a line
    ps -e -o pid=,ppid= | awk -v root="$1" '
      { kids[$2] = kids[$2] " " $1 }
      END { n = split(kids[root], q, " "); i = 1
            while (i <= n) { p = q[i++]; print p; m = split(kids[p], more, " ")
                             for (j = 1; j <= m; j++) q[++n] = more[j] } }'
  }
  pss_kb() { awk '/^Pss:/ { print $2; exit }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

  launch() { # name binary run -> one line "name run start_ms reported_ms page_ms pss_kb breakdown"
    local name=$1 bin=$2 run=$3 dir fd line t0 t1 pid reported='' page=nan total=0 parts='' p kb comm
    dir="$work/$name-$run"
    mkdir -p "$dir/config" "$dir/cache"
    mkfifo "$dir/stderr.fifo"
    t0=$EPOCHREALTIME
    XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" NO_AT_BRIDGE=1 NO_COLOR=1 \
      "$bin" >/dev/null 2>"$dir/stderr.fifo" &
    pid=$!
    exec {fd}<"$dir/stderr.fifo"
    # Blocking reads: no polling competes with the program for the CPU.
    while IFS= read -r -t "$READY_TIMEOUT_SECS" -u "$fd" line; do
      printf '%s\n' "$line" >>"$dir/stderr.log"
      if [[ $line == *"interactive after "* ]]; then
        t1=$EPOCHREALTIME
        reported=${line##*interactive after }
        reported=${reported%% ms*}
        if [[ $line == *"(page "* ]]; then page=${line##*(page }; page=${page%% ms*}; fi
        break
      fi
    done
    # Keep draining its stderr so it never blocks on a full pipe.
    cat <&"$fd" >>"$dir/stderr.log" &
    local drain=$!
    exec {fd}<&-
    if [[ -z $reported ]]; then
      log "$name run $run: no 'interactive after' line within ${READY_TIMEOUT_SECS}s; its stderr:"
      cat "$dir/stderr.log" >&2
      kill -TERM "$pid" $(descendants "$pid") 2>/dev/null || true
      return 1
    fi
    sleep "$IDLE_SECS"
    for p in "$pid" $(descendants "$pid"); do
      kb=$(pss_kb "$p")
      comm=$(cat "/proc/$p/comm" 2>/dev/null || echo gone)
      total=$((total + kb))
      parts+="${parts:+,}$comm=$kb"
    done
    # Stop it and whatever it started, by pid.
    local kids
    kids=$(descendants "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" $kids 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    wait "$drain" 2>/dev/null || true
    local start_ms
    start_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    printf '%s %s %s %s %s %s %s\n' "$name" "$run" "$start_ms" "$reported" "$page" "$total" "$parts"
  }

  : >"$work/runs.txt"
  for ((run = 0; run <= RUNS; run++)); do
    # Run 0 is a warm-up of each (page cache, fontconfig cache), not counted. The order
    # alternates (rotates, with a third program) so none always goes first.
    if [[ -n $before_bin ]]; then
      case $((run % 3)) in
        0) order=(app blank before) ;; 1) order=(blank before app) ;; *) order=(before app blank) ;;
      esac
    elif ((run % 2)); then order=(blank app); else order=(app blank); fi
    for name in "${order[@]}"; do
      case $name in app) bin=$app_bin ;; blank) bin=$blank_bin ;; *) bin=$before_bin ;; esac
      line=$(launch "$name" "$bin" "$run")
      log "run $run: $line"
      ((run == 0)) || printf '%s\n' "$line" >>"$work/runs.txt"
    done
  done
  exit 0
fi

# ================================================================ outside
cd "$repo"
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
missing=()
for c in xvfb-run xauth dbus-run-session dbus-send gnome-keyring-daemon node npm pkg-config ps; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "missing: ${missing[*]} -- installing Debian packages (scripts/install-deps.sh base app)"
  scripts/install-deps.sh base app
fi

tauri=ui/node_modules/.bin/tauri
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  if [[ ! -x $tauri || ! -f ui/node_modules/.package-lock.json ||
        ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
    log "npm ci in ui/"
    nice -n 10 npm --prefix ui ci --no-audit --no-fund
  fi
  b0=$(date +%s)
  # The stock Tauri CLI from the root (README "Building with the Tauri CLI").
  log "building the app: tauri build --bundles deb (release; the UI is built and embedded)"
  nice -n 10 "$tauri" build --bundles deb
  log "building the blank window: tauri build --bundles deb (bench/blank-window)"
  (cd bench/blank-window && nice -n 10 "../../$tauri" build --bundles deb)
  # The CLI adds the benchmark's server profile (tauri build above builds it too, as a
  # default member; this is a no-op then).
  nice -n 10 cargo build --release -p tokendesk-cli
  log "builds took $(($(date +%s) - b0)) s"
fi
for b in "$app_bin" "$blank_bin" "$cli_bin" ${before_bin:+"$before_bin"}; do
  [[ -x $b ]] || { log "not built: $b (run without SKIP_BUILD=1)"; exit 1; }
done

# ---------------------------------------------------------------- sizes
size_of() { stat -c %s "$1"; }
newest() { ls -t "$@" 2>/dev/null | head -n 1; }
deb_dir="$target/release/bundle/deb"
app_deb=$(newest "$deb_dir"/TokenDesk_*.deb)
blank_deb=$(newest "$deb_dir"/"TokenDesk Blank Window"_*.deb)
[[ -n $app_deb && -n $blank_deb ]] || { log "no .deb in $deb_dir (run without SKIP_BUILD=1)"; exit 1; }

# ---------------------------------------------------------------- what else runs
mkdir -p "$OUT_DIR"
work=$(mktemp -d "${TMPDIR:-/tmp}/tokendesk-perf.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy_before=$(ps -e -o pcpu=,comm= --sort=-pcpu | awk '$1 >= 5 { printf "%s%s(%s%%)", sep, $2, $1; sep = ", " }')

# ---------------------------------------------------------------- launches
log "measuring: $RUNS runs each (+1 warm-up), ${IDLE_SECS}s idle before reading memory"
xvfb-run -a -s "-screen 0 1440x900x24" "$repo/scripts/with-secret-service.sh" \
  env BEFORE_BIN="$before_bin" "$self" --measure "$work"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/runs.txt"; }
app_start=$(col app 3 | median); blank_start=$(col blank 3 | median)
app_rep=$(col app 4 | median); blank_rep=$(col blank 4 | median)
app_page=$(col app 5 | median); blank_page=$(col blank 5 | median)
app_native=$(awk '$1 == "app" { print $4 - $5 }' "$work/runs.txt" | median)
blank_native=$(awk '$1 == "blank" { print $4 - $5 }' "$work/runs.txt" | median)
app_pss=$(col app 6 | median); blank_pss=$(col blank 6 | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v aim="$2" 'BEGIN { print (r <= aim) ? "met" : "MISSED" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
start_ratio=$(ratio "$app_start" "$blank_start")
pss_ratio=$(ratio "$app_pss" "$blank_pss")
# With BEFORE_BIN: the earlier build's medians, as a cell each (value and ratio to the blank).
bcell() { :; }
if [[ -n $before_bin ]]; then
  bcol() { awk -v c="$1" '$1 == "before" { print $c }' "$work/runs.txt"; }
  b_start=$(bcol 3 | median); b_rep=$(bcol 4 | median); b_page=$(bcol 5 | median)
  b_native=$(awk '$1 == "before" { print $4 - $5 }' "$work/runs.txt" | median)
  b_pss=$(bcol 6 | median)
  bcell() { # value unit blank-value
    if [[ $2 == MiB ]]; then printf ' %s (%sx) |' "$(mib "$1")" "$(ratio "$1" "$3")"
    else printf ' %s ms (%sx) |' "$1" "$(ratio "$1" "$3")"; fi
  }
fi

{
  echo "TokenDesk desktop app vs a blank Tauri window (medians of $RUNS launches each, after a warm-up)"
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "load average before/after: $load_before / $load_after; busy before: ${busy_before:-nothing}"
  echo
  if [[ -n $before_bin ]]; then
    echo "before: $before_bin"
    echo
    echo "| yardstick | app | blank window | ratio | aim | app before (ratio) |"
    echo "| --- | ---: | ---: | ---: | --- | ---: |"
  else
    echo "| yardstick | app | blank window | ratio | aim |"
    echo "| --- | ---: | ---: | ---: | --- |"
  fi
  echo "| start to interactive (launch to the ready line) | $app_start ms | $blank_start ms | ${start_ratio}x | <= 1.2x: $(verdict "$start_ratio" 1.2) |$(bcell "${b_start:-}" ms "$blank_start")"
  echo "| (the same, as the process reckons it) | $app_rep ms | $blank_rep ms | $(ratio "$app_rep" "$blank_rep")x | |$(bcell "${b_rep:-}" ms "$blank_rep")"
  echo "| of which native: process start to the page's navigation | $app_native ms | $blank_native ms | $(ratio "$app_native" "$blank_native")x | |$(bcell "${b_native:-}" ms "$blank_native")"
  echo "| of which the page: navigation to its form ready | $app_page ms | $blank_page ms | $(ratio "$app_page" "$blank_page")x | |$(bcell "${b_page:-}" ms "$blank_page")"
  echo "| idle memory, PSS of all its processes | $(mib "$app_pss") | $(mib "$blank_pss") | ${pss_ratio}x | <= 1.15x: $(verdict "$pss_ratio" 1.15) |$(bcell "${b_pss:-}" MiB "$blank_pss")"
  echo "| release binary | $(mb "$(size_of "$app_bin")") | $(mb "$(size_of "$blank_bin")") | $(ratio "$(size_of "$app_bin")" "$(size_of "$blank_bin")")x | |"
  echo "| .deb | $(mb "$(size_of "$app_deb")") | $(mb "$(size_of "$blank_deb")") | $(ratio "$(size_of "$app_deb")" "$(size_of "$blank_deb")")x | |"
  echo
  echo "Every run (name, run, start ms, reported ms, page ms, PSS KiB, PSS KiB per process):"
  sed 's/^/  /' "$work/runs.txt"
} | tee "$OUT_DIR/results.md"
log "written: $OUT_DIR/results.md"
