#!/usr/bin/env bash
# Coverage-guided fuzzing of TokenDesk's parsers (cargo-fuzz + libFuzzer, nightly Rust).
#
#   fuzz/run.sh smoke                  # every target for a few seconds (make fuzz-smoke, make test)
#   fuzz/run.sh long [SECS] [TARGET..] # each target up to SECS (default 900) or FUZZ_RUNS
#                                      # executions (default 10 million), one at a time (make fuzz)
#   fuzz/run.sh cmin [TARGET..]        # minimise fuzz/corpus/<target>/ (the named seeds are kept)
#   fuzz/run.sh list                   # the targets
#
# Installs what is missing: the nightly toolchain (rustup, minimal profile) and cargo-fuzz
# (cargo install --locked). When nightly cannot be had (no rustup, no network) the smoke run
# is skipped with a message, not failed; `long` fails.
#
# Builds with `--sanitizer none --debug-assertions`: the code under test is safe Rust, so
# AddressSanitizer adds cost and no finding; debug assertions catch integer overflow.
# Build output goes to $CARGO_TARGET_DIR when set, else fuzz/target. Runs under nice.
# Long runs add what they find to fuzz/corpus/<target>/ (minimise with `cargo fuzz cmin`);
# crashes land in fuzz/artifacts/<target>/ and make the run fail.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
NICE=(nice -n "${FUZZ_NICE:-19}")
SMOKE_SECS=${FUZZ_SMOKE_SECS:-2}
BUILD_FLAGS=(--sanitizer none --debug-assertions --fuzz-dir "$here")

log() { printf '[fuzz] %s\n' "$*" >&2; }

mode=${1:-smoke}
[ $# -gt 0 ] && shift

targets() { sed -n 's/^name = "\(.*\)"$/\1/p' "$here/Cargo.toml" | grep -v '^tokendesk-fuzz$'; }

# The nightly toolchain and cargo-fuzz; returns 1 when nightly cannot be had.
ensure_tools() {
  if ! command -v rustup >/dev/null 2>&1; then
    log "rustup not found: cargo-fuzz needs a nightly Rust from rustup (https://rustup.rs)"
    return 1
  fi
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    log "installing the nightly toolchain (rustup toolchain install nightly --profile minimal)"
    rustup toolchain install nightly --profile minimal >&2 || {
      log "could not install the nightly toolchain (offline?)"
      return 1
    }
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    "${NICE[@]}" cargo install cargo-fuzz --locked >&2 || {
      log "could not install cargo-fuzz (offline?)"
      return 1
    }
  fi
}

build() {
  log "building the fuzz targets (nightly; the first build takes several minutes)"
  "${NICE[@]}" cargo +nightly fuzz build "${BUILD_FLAGS[@]}" >&2
  bin_dir="$CARGO_TARGET_DIR/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
}

# run TARGET SCRATCH_DIR LIBFUZZER_ARGS... : new inputs go to SCRATCH_DIR (smoke) or the corpus.
run_one() {
  local t=$1 out=$2
  shift 2
  mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
  local corpora=("$here/corpus/$t")
  [ "$out" != "$here/corpus/$t" ] && corpora=("$out" "$here/corpus/$t")
  # The built binary itself: `cargo fuzz run` would re-check the build for every target.
  "${NICE[@]}" "$bin_dir/$t" -artifact_prefix="$here/artifacts/$t/" -print_final_stats=1 \
    "$@" "${corpora[@]}"
}

case "$mode" in
  list) targets ;;
  smoke)
    if ! ensure_tools; then
      log "SKIPPED: no nightly Rust toolchain (and none could be installed); the fuzz smoke run needs one"
      exit 0
    fi
    build
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    start=$(date +%s)
    for t in $(targets); do
      mkdir -p "$scratch/$t"
      if ! run_one "$t" "$scratch/$t" -max_total_time="$SMOKE_SECS" >"$scratch/$t.log" 2>&1; then
        tail -40 "$scratch/$t.log" >&2
        log "$t: FAILED (a crash input is in fuzz/artifacts/$t/)"
        exit 1
      fi
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log")
      log "$t: ok, ${runs:-?} executions"
    done
    log "smoke: every target ran clean in $(($(date +%s) - start)) s"
    ;;
  long)
    secs=${1:-900}
    [ $# -gt 0 ] && shift
    runs=${FUZZ_RUNS:-10000000}
    ensure_tools || { log "cannot fuzz without a nightly toolchain"; exit 1; }
    build
    list=("$@")
    [ ${#list[@]} -eq 0 ] && mapfile -t list < <(targets)
    mkdir -p "$here/logs"
    failed=0
    for t in "${list[@]}"; do
      log "$t: up to $runs executions or $secs s"
      s=$(date +%s)
      rc=0
      run_one "$t" "$here/corpus/$t" -max_total_time="$secs" -runs="$runs" >"$here/logs/$t.log" 2>&1 || rc=$?
      grep -E '^#[0-9]+ +DONE|^stat::|ERROR|panicked' "$here/logs/$t.log" >&2 || true
      if [ "$rc" != 0 ]; then
        tail -40 "$here/logs/$t.log" >&2
        log "$t: FAILED (exit $rc; the crash input is in fuzz/artifacts/$t/)"
        failed=1
      fi
      n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$here/logs/$t.log")
      r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$here/logs/$t.log")
      c=$(find "$here/corpus/$t" -type f | wc -l)
      printf '%s\t%s execs\t%s exec/s\t%s s\tcorpus %s\n' "$t" "$n" "$r" "$(($(date +%s) - s))" "$c" |
        tee -a "$here/logs/summary.tsv"
    done
    exit "$failed"
    ;;
  cmin)
    ensure_tools || { log "cannot minimise without a nightly toolchain"; exit 1; }
    build
    list=("$@")
    [ ${#list[@]} -eq 0 ] && mapfile -t list < <(targets)
    for t in "${list[@]}"; do
      dir="$here/corpus/$t"
      [ -d "$dir" ] || continue
      new=$(mktemp -d "$here/corpus/.$t.XXXXXX")
      # The hand-written seeds (named, not a 40-hex hash) stay; found inputs are kept only
      # when they add coverage beyond them.
      find "$dir" -maxdepth 1 -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' \
        -exec cp {} "$new/" \;
      before=$(find "$dir" -type f | wc -l)
      "${NICE[@]}" "$bin_dir/$t" -set_cover_merge=1 "$new" "$dir" >"$new.log" 2>&1 || {
        tail -20 "$new.log" >&2
        rm -rf "$new" "$new.log"
        exit 1
      }
      rm -rf "$dir" "$new.log"
      mv "$new" "$dir"
      log "$t: corpus $before -> $(find "$dir" -type f | wc -l) files"
    done
    ;;
  *) echo "usage: $0 smoke | long [SECS] [TARGET...] | cmin [TARGET...] | list" >&2; exit 2 ;;
esac
