#!/usr/bin/env bash
# Build the CLI (`tokendesk`, crate tokendesk-cli) in release mode and put it where the
# installer bundles look for it: packaging/bin/tokendesk-<target triple>[.exe], the name Tauri's
# `bundle.externalBin` wants (packaging/tauri.package.json lists "packaging/bin/tokendesk").
# The bundlers install it beside the app without the suffix: /usr/bin/tokendesk (deb, rpm),
# TokenDesk.app/Contents/MacOS/tokendesk (macOS), the install folder's tokendesk.exe (Windows).
#
#   scripts/build-cli-sidecar.sh                          # for this machine's triple
#   scripts/build-cli-sidecar.sh universal-apple-darwin   # macOS: aarch64 + x86_64, joined by lipo
#                                                         # (plus the two per-arch files)
#   scripts/build-cli-sidecar.sh x86_64-pc-windows-msvc   # any other triple (rustup target needed)
#
# Runs with bash (3.2 too: macOS) on Linux, macOS and the Windows runners' Git Bash. Honours CARGO_TARGET_DIR,
# CARGO (default cargo) and NICE (e.g. NICE="nice -n 10", used by `make package`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO=${CARGO:-cargo}
read -r -a nice <<<"${NICE:-}"
host=$(rustc -vV | sed -n "s/^host: //p")
triple=${1:-${TAURI_ENV_TARGET_TRIPLE:-$host}}
target_dir=${CARGO_TARGET_DIR:-target}
out=packaging/bin
mkdir -p "$out"

build() { # $1 = triple; prints the path of the built binary
  local t=$1 ext=""
  [[ $t == *windows* ]] && ext=.exe
  if [[ $t == "$host" ]]; then
    ${nice[@]+"${nice[@]}"} "$CARGO" build --release --locked -p tokendesk-cli >&2
    echo "$target_dir/release/tokendesk$ext"
  else
    ${nice[@]+"${nice[@]}"} "$CARGO" build --release --locked -p tokendesk-cli --target "$t" >&2
    echo "$target_dir/$t/release/tokendesk$ext"
  fi
}

if [[ $triple == universal-apple-darwin ]]; then
  arm=$(build aarch64-apple-darwin)
  x86=$(build x86_64-apple-darwin)
  # The universal build runs cargo once per architecture, and the app's build script looks
  # for the sidecar of each; the bundler then takes the lipo'd universal one. All three.
  cp -f "$arm" "$out/tokendesk-aarch64-apple-darwin"
  cp -f "$x86" "$out/tokendesk-x86_64-apple-darwin"
  lipo -create -output "$out/tokendesk-$triple" "$arm" "$x86"
  dest="$out/tokendesk-$triple"
else
  ext=""; [[ $triple == *windows* ]] && ext=.exe
  src=$(build "$triple")
  dest="$out/tokendesk-$triple$ext"
  cp -f "$src" "$dest"
fi
echo "sidecar: $dest ($(wc -c <"$dest") bytes)"
