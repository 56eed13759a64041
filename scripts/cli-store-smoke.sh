#!/usr/bin/env bash
# The CLI against the operating system's real credential store, end to end: the Secret Service
# (run inside scripts/with-secret-service.sh), the macOS Keychain or the Windows Credential
# Manager (the CI and release workflows run it on their macOS and Windows runners, where the
# crates' own store tests are Linux-only).
#   scripts/cli-store-smoke.sh PATH/TO/tokendesk PATH/TO/tokendesk-sim
# Starts the practice server on a free-ish loopback port, adds a profile whose auth token and
# secret code go to the store, unsets them, runs `profile test` and `user methods` (the secrets
# now come from the store only), removes the profile (and its store entry) and checks that the
# profile is gone. Config lives in a temporary TOKENDESK_CONFIG_DIR.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 TOKENDESK TOKENDESK_SIM" >&2; exit 2; }
cli=$1 sim=$2
work=$(mktemp -d); sim_pid=""
cleanup() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export TOKENDESK_CONFIG_DIR="$work/config"
port=$((20000 + RANDOM % 20000))
profile="smoke-$$-$RANDOM"
step() { printf '[cli-store-smoke] %s\n' "$*"; }

"$sim" --demo --practice --memory --port "$port" >"$work/sim.out" 2>"$work/sim.err" & sim_pid=$!
for _ in $(seq 300); do [[ -s $work/sim.out ]] && break; sleep 0.1; done
first=$(head -1 "$work/sim.out")
[[ -n $first ]] || { cat "$work/sim.err" >&2; echo "practice server did not start" >&2; exit 1; }
token=$(sed -n 's/.*"authToken":"\([^"]*\)".*/\1/p' <<<"$first")
code=$(sed -n 's/.*"secretCode":"\([^"]*\)".*/\1/p' <<<"$first")
step "practice server on 127.0.0.1:$port"

step "profile add $profile (secrets to the OS store)"
TOKENDESK_AUTH_TOKEN=$token TOKENDESK_SECRET_CODE=$code \
  "$cli" profile add "$profile" --url "http://127.0.0.1:$port" --admin practice-admin
unset TOKENDESK_AUTH_TOKEN TOKENDESK_SECRET_CODE
step "profile test and user methods with the secrets from the store only"
"$cli" --profile "$profile" profile test
"$cli" --profile "$profile" user methods --user carol
step "profile remove (deletes the store entry)"
"$cli" profile remove "$profile" --yes
if "$cli" --profile "$profile" profile test >/dev/null 2>&1; then
  echo "the removed profile still works" >&2; exit 1
fi
step "OK: the store kept and gave back the profile's secrets; remove deleted them without error"
echo "1 passed, 0 failed"
