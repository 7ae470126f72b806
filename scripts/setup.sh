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
pip install -q --upgrade pip >/dev/null 2>&1 || true
pip install -q "torch==2.13.0"
pip install -q -e ".[test]"
