#!/usr/bin/env bash
# Bulk jobs' yardsticks (issue 12, README "Performance"), measured in one run against the
# practice server on disk (not --memory) with a simulated round trip:
#
#   scripts/perf-bulk.sh                       # release build, 1,000 rows, 50 ms latency
#   ROWS=300 SEQ_ROWS=40 LATENCY=50 scripts/perf-bulk.sh
#   SKIP_BUILD=1 scripts/perf-bulk.sh          # measure the binaries already in target/release
#
# What it prints:
#   * the baseline: `tokendesk token register` run once per row, one after another (what an
#     administrator scripts today), over SEQ_ROWS rows — seconds per row;
#   * the bulk job: `tokendesk bulk run token-register` over ROWS other rows, CONCURRENCY in
#     flight — seconds per row, and the ratio to the baseline (aim: >= 20x);
#   * the server's own ceiling: the practice server's load example (crates/sim/examples/load.rs)
#     in the same run, on disk, CONCURRENCY clients sending register calls with the same
#     latency, ROWS requests in all — its seconds per request, and the share of it the job
#     reaches (aim: >= 90 %);
#   * the theoretical ceiling for comparison: nothing but the round trip (CONCURRENCY / LATENCY
#     rows a second);
#   * peak memory (max RSS) of a dry run over 10,000 and over 100,000 rows: a flat figure means
#     the file is streamed, not held.
# Exit 0 when measured (a missed aim is reported, not an error); 1 when a step failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ROWS=${ROWS:-1000}
SEQ_ROWS=${SEQ_ROWS:-60}
LATENCY=${LATENCY:-50}
CONCURRENCY=${CONCURRENCY:-16}
PORT=${PORT:-8795}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release}

if [[ -z ${SKIP_BUILD:-} ]]; then
  nice -n 10 cargo build --release -q -p tokendesk-cli -p tokendesk-sim
  nice -n 10 cargo build --release -q -p tokendesk-sim --example load
fi
TD="$BIN/tokendesk"
SIM="$BIN/tokendesk-sim"
LOAD="$BIN/examples/load"
for b in "$TD" "$SIM" "$LOAD"; do
  [[ -x $b ]] || { echo "perf-bulk: $b missing" >&2; exit 1; }
done

work=$(mktemp -d)
sim_pid=
cleanup() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

users=$((SEQ_ROWS + ROWS))
"$SIM" --db "$work/sim.sqlite3" --demo --generate-users "$users" --latency "$LATENCY" \
  --port "$PORT" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q baseUrl "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done
grep -q baseUrl "$work/sim.out" || { echo "perf-bulk: the practice server did not start" >&2; cat "$work/sim.err" >&2; exit 1; }

export TOKENDESK_CONFIG_DIR="$work/cfg" TOKENDESK_DATA_DIR="$work/data"
export TOKENDESK_AUTH_TOKEN=practice-auth-token TOKENDESK_SECRET_CODE=practice-secret-code
"$TD" profile add perf --url "http://127.0.0.1:$PORT" --admin practice-admin --no-store >/dev/null

phone() { printf '+6019%07d' "$1"; }
now() { date +%s.%N; }

# Baseline: one CLI run per row, in sequence.
start=$(now)
for i in $(seq 1 "$SEQ_ROWS"); do
  "$TD" token register --user "$(printf 'user%05d' "$i")" --sms "$(phone "$i")" >/dev/null
done
seq_secs=$(echo "$(now) - $start" | bc -l)
seq_per_row=$(echo "$seq_secs / $SEQ_ROWS" | bc -l)

# The bulk job over the other rows.
{
  echo "user,sms,ticket"
  for i in $(seq $((SEQ_ROWS + 1)) "$users"); do
    echo "$(printf 'user%05d' "$i"),$(phone "$i"),T-$i"
  done
} >"$work/rows.csv"
start=$(now)
"$TD" --json bulk run token-register "$work/rows.csv" --concurrency "$CONCURRENCY" >"$work/bulk.json" 2>"$work/bulk.err" || true
bulk_secs=$(echo "$(now) - $start" | bc -l)
ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["ok"])' "$work/bulk.json")
[[ $ok -eq $ROWS ]] || { echo "perf-bulk: only $ok of $ROWS rows ok" >&2; cat "$work/bulk.json" >&2; exit 1; }
bulk_per_row=$(echo "$bulk_secs / $ROWS" | bc -l)
theory_per_row=$(echo "$LATENCY / 1000 / $CONCURRENCY" | bc -l)

# The server's own ceiling right after: its load example (its own server, on disk, in a
# temporary folder), CONCURRENCY clients sending register calls with the same latency.
"$LOAD" --clients "$CONCURRENCY" --requests "$ROWS" --latency "$LATENCY" --calls register \
  >"$work/load.out" 2>"$work/load.err" || { echo "perf-bulk: the load example failed" >&2; cat "$work/load.err" >&2; exit 1; }
read -r load_rate load_failures < <(awk '$1 == "register" { print $3, $7 }' "$work/load.out") || true
[[ -n ${load_rate:-} && ${load_failures:-1} -eq 0 ]] || { echo "perf-bulk: the load example's register calls did not all succeed" >&2; cat "$work/load.out" >&2; exit 1; }
ceiling_per_row=$(echo "1 / $load_rate" | bc -l)

# Peak memory of dry runs over 10,000 and 100,000 rows.
big() {
  { echo "user,sms"; for i in $(seq 1 "$1"); do echo "$(printf 'user%05d' $((i % users + 1))),$(phone "$i")"; done; } >"$work/big.csv"
  /usr/bin/time -f %M "$TD" bulk run token-register "$work/big.csv" --dry-run >/dev/null 2>"$work/time.err" || true
  tail -1 "$work/time.err"
}
rss_10k=$(big 10000)
rss_100k=$(big 100000)

printf '\nBulk jobs, %d ms simulated round trip, concurrency %d, practice server on disk\n' "$LATENCY" "$CONCURRENCY"
printf '  one CLI run per row (%d rows):   %.3f s/row\n' "$SEQ_ROWS" "$seq_per_row"
printf '  bulk run token-register (%d rows): %.4f s/row  -> %.1fx the baseline (aim >= 20x)\n' \
  "$ROWS" "$bulk_per_row" "$(echo "$seq_per_row / $bulk_per_row" | bc -l)"
printf '  server ceiling (load example, %d clients, register, %d requests): %.4f s/row  -> the job reaches %.0f%% of it (aim >= 90%%)\n' \
  "$CONCURRENCY" "$ROWS" "$ceiling_per_row" "$(echo "100 * $ceiling_per_row / $bulk_per_row" | bc -l)"
printf '  theoretical ceiling (latency / concurrency): %.4f s/row  -> the job reaches %.0f%% of it\n' \
  "$theory_per_row" "$(echo "100 * $theory_per_row / $bulk_per_row" | bc -l)"
printf '  dry run peak RSS: %d KiB at 10,000 rows, %d KiB at 100,000 rows (%.2fx)\n' \
  "$rss_10k" "$rss_100k" "$(echo "$rss_100k / $rss_10k" | bc -l)"
