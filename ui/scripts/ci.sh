#!/usr/bin/env bash
# The UI's whole check, idempotent: install, type-check, format, unit/component tests, build,
# then the Playwright run against the e2e build in Debian's chromium.
# Usage: ui/scripts/ci.sh   (from anywhere; SCREENSHOT_DIR picks where screenshots go)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "ci.sh: installing Debian's chromium for the e2e tests" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

npm run check
npm run format:check
npm test
npm run build
npm run test:e2e
echo "ci.sh: all UI checks passed; screenshots in ${SCREENSHOT_DIR:-$(pwd)/test-results/screenshots}"
