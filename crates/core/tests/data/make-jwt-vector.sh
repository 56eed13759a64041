#!/bin/sh
# Computes the SecurID JWT test vector outside Rust, with openssl only: RS256 is RSASSA
# PKCS#1 v1.5 with SHA-256, which is deterministic, so a fixed key, header and claims give a
# fixed token. tests/securid.rs compares core's token with the one this prints.
#   sh crates/core/tests/data/make-jwt-vector.sh
set -eu
dir=$(dirname "$0")
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header='{"typ":"JWT","alg":"RS256"}'
claims='{"sub":"tokendesk-test-access-id","aud":"https://tenant.access.securid.com/AdminInterface/restapi/v1","iat":1700000000,"exp":1700000300}'
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$dir/securid-test-key.pkcs1.pem" | b64url)
printf '%s.%s\n' "$signing_input" "$signature"
