#!/usr/bin/env bash
# Checks the GitHub Actions workflows (.github/workflows/*.yml), offline once installed:
#   check-jsonschema --builtin-schema vendor.github-workflows   (the workflow schema it ships)
#   zizmor --offline                                            (security audits; config in
#                                                                .github/zizmor.yml)
# Both come from PyPI, pinned, into a venv under the cache folder (WORKFLOW_TOOLS_DIR, default
# ${XDG_CACHE_HOME:-~/.cache}/tokendesk/workflow-tools), made once and reused: a second run
# installs nothing and needs no network. python3-venv comes from scripts/install-deps.sh base.
# Exit status: non-zero when either tool finds anything. Used by `make test-workflows`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHECK_JSONSCHEMA_VERSION=0.39.0
ZIZMOR_VERSION=1.32.0
dir=${WORKFLOW_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tokendesk/workflow-tools}
stamp="$dir/.installed-cj$CHECK_JSONSCHEMA_VERSION-zz$ZIZMOR_VERSION"

if [[ ! -f $stamp ]]; then
  echo "check-workflows: installing check-jsonschema $CHECK_JSONSCHEMA_VERSION and zizmor $ZIZMOR_VERSION into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir" || {
    echo "check-workflows: python3 -m venv failed: install python3-venv (scripts/install-deps.sh base)"; exit 1; }
  "$dir/bin/pip" install --quiet --disable-pip-version-check \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" "zizmor==$ZIZMOR_VERSION" </dev/null
  touch "$stamp"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#workflows[@]} -eq 0 ]]; then echo "check-workflows: no workflows found"; exit 1; fi

status=0
echo "== check-jsonschema --builtin-schema vendor.github-workflows ${workflows[*]}"
"$dir/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" || status=1
echo "== zizmor --offline (config .github/zizmor.yml)"
"$dir/bin/zizmor" --offline --no-progress --config .github/zizmor.yml "${workflows[@]}" || status=1
if [[ $status -eq 0 ]]; then echo "check-workflows: OK (${#workflows[@]} workflows)"; else echo "check-workflows: FAILED"; fi
exit $status
