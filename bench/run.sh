#!/usr/bin/env bash
# Benchmarks SinoRad against the reference tools in the same run and prints the ratios.
# Needs the release build (make build) and the peers' Python environment (scripts/peers/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/table1_select.sh "$@"
