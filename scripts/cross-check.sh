#!/usr/bin/env bash
# Type-checks the core library, the CLI and the practice server for macOS and Windows from
# Linux: `cargo clippy --all-targets -- -D warnings` for x86_64-apple-darwin and
# x86_64-pc-windows-msvc, so the Keychain and Credential Manager code paths (and the tests)
# compile. No macOS SDK or MSVC here, so the C parts (SQLite, ring) are "compiled" by a
# stand-in that writes empty objects: nothing is linked or run (the CI and release workflows
# do that on real runners). Adds the rustup targets when missing. Own target dir
# (CROSS_TARGET_DIR, default ${CARGO_TARGET_DIR:-target}/cross-check).
#   scripts/cross-check.sh [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=("$@"); [[ ${#targets[@]} -gt 0 ]] || targets=(x86_64-apple-darwin x86_64-pc-windows-msvc)
tools=$(mktemp -d); trap 'rm -rf "$tools"' EXIT

cat >"$tools/cc" <<'SH'
#!/bin/sh
# Stand-in C compiler: preprocessing (the cc crate's compiler detection) goes to the host cc;
# every object is an empty host object.
out=""; prev=""; last=""
for a in "$@"; do
  case "$prev" in -o) out=$a ;; esac
  case "$a" in -o?*) out=${a#-o} ;; -Fo?*) out=${a#-Fo} ;; esac
  prev=$a; last=$a
done
case " $* " in *" -E "*) exec cc -E "$last" ;; esac
[ -n "$out" ] || exit 0
exec cc -c -x c /dev/null -o "$out"
SH
cat >"$tools/lib" <<'SH'
#!/bin/sh
# Stand-in for lib.exe (MSVC targets): GNU ar over the empty objects.
out=""; objs=""
for a in "$@"; do
  case "$a" in -out:*|/OUT:*|/out:*) out=${a#*:} ;; -nologo|/NOLOGO) ;; *) objs="$objs $a" ;; esac
done
exec ar crs "$out" $objs
SH
chmod +x "$tools/cc" "$tools/lib"

export CARGO_TARGET_DIR=${CROSS_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/cross-check}
status=0
for t in "${targets[@]}"; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t"
  v=${t//-/_}
  ar_tool=ar; [[ $t == *msvc* ]] && ar_tool="$tools/lib"
  echo "== cargo clippy --target $t (core, CLI, practice server; all targets; -D warnings)"
  if env "CC_$v=$tools/cc" "AR_$v=$ar_tool" nice -n 10 cargo clippy --locked \
      -p tokendesk-core -p tokendesk-cli -p tokendesk-sim --all-targets --target "$t" -- -D warnings; then
    echo "== $t: OK"
  else
    echo "== $t: FAILED"; status=1
  fi
done
exit $status
