#!/usr/bin/env bash
# Full-size parity with PyTorch: ResNet-50, ResNet-101 and DenseNet-121 at 224 x 224, batch 2.
# Writes the torch references (float64, plus torch's own float32 run) into a temporary folder
# (about 1 GB), then runs SinoNet's FullSizeParity suite (release build) against them and
# prints a line per tensor ([full]) and the worst per network ([compare]).
#   bench/full_parity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh (or set PYTHON)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PY" scripts/peers/sinonet_models.py --full "$work"
swift build -c release --build-tests -Xswiftc -enable-testing >&2
SINORAD_FULL_PARITY="$work" swift test -c release -Xswiftc -enable-testing --skip-build --filter FullSizeParity 2>&1 \
  | grep -E '^\[(full|compare)\]|✘|passed|failed'
