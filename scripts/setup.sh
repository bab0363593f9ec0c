#!/usr/bin/env bash
# Installs what the test suite needs besides Swift: the Python packages of the infrastructure
# checks, the official-client cross-checks and the portals' browser tests (Playwright for Python),
# and Debian's chromium that those tests drive. Called by the README's setup step and by .ci/run, so
# nothing depends on a hand-made install.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install --quiet --root-user-action=ignore -r infra/tests/requirements.txt -r scripts/crosscheck/requirements.txt \
  -r Tests/Browser/requirements.txt
if ! command -v shellcheck >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
  || ! command -v curl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    # chromium (+ its driver) for the browser tests; fonts so screenshots render text the same everywhere.
    # curl for scripts/smoke.sh (tested against ephemgate-dev by infra/tests).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck wrk binutils curl \
      chromium chromium-driver fonts-dejavu-core fonts-liberation >/dev/null
  else
    echo "setup: shellcheck/wrk/chromium/curl not installed and cannot apt-get them; the shellcheck test will be skipped and the browser tests need chromium" >&2
  fi
fi
