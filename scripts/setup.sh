#!/usr/bin/env bash
# Installs what the test suite needs besides Swift: the Python packages of the infrastructure
# checks (and, as later stages add them, the official-client cross-checks). Called by the README's
# setup step and by .ci/run, so nothing depends on a hand-made install.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install --quiet --root-user-action=ignore -r infra/tests/requirements.txt -r scripts/crosscheck/requirements.txt
if ! command -v shellcheck >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck wrk binutils >/dev/null
  else
    echo "setup: shellcheck/wrk not installed and cannot apt-get them; the shellcheck test will be skipped" >&2
  fi
fi
