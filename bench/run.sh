#!/usr/bin/env bash
# Benchmarks SinoRad against the reference tools in the same run and prints the ratios.
# Needs the release build (make build), the peers' Python environment and R with pROC
# (scripts/peers/setup.sh --with-r).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/table1_select.sh "$@"
bench/roc.sh
bench/selection.sh
