#!/usr/bin/env bash
# Set up provenance on a fresh machine: a virtual environment in .venv with the
# CPU build of torch (installed first and pinned: any other spec pulls gigabytes
# of CUDA packages), the package and its test tools.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
# Playwright (in the test extra) must never fetch a browser of its own: the
# browser tests use Debian's chromium, installed below.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pip install -q --upgrade pip >/dev/null 2>&1 || true
pip install -q "torch==2.13.0"
pip install -q -e ".[test]"

# --- Browser for tests/test_browser.py (HTML report, issue 5) -----------------
# Debian's chromium, driven by Playwright.  Installed only if missing; CI runs
# this script as root.  Without root (a developer machine) we only say so: the
# browser tests are then skipped locally, but they fail in CI (CI is set).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/lib/chromium/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
  else
    echo "setup: chromium is missing and we are not root; browser tests will be skipped" \
         "(sudo apt-get install --no-install-recommends chromium)" >&2
  fi
fi
