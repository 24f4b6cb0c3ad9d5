#!/usr/bin/env bash
# Table 1 + predictor selection: SinoRad (release build) vs Python (scipy + statsmodels) on the
# same synthetic cohorts of 465 and 50,000 patients, in one run; prints the time ratio.
#   bench/table1_select.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
PY=${PYTHON:-.venv-peers/bin/python}
BIN=.build/release/sinorad
[ -x "$BIN" ] || swift build -c release --product sinorad >&2
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh (or set PYTHON)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
best() { sort -g | head -1; }
# Wall-clock seconds of a command (output discarded).
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); "$PY" -c "print(f'{$end - $start:.3f}')"; }
printf "%-10s %12s %12s %8s\n" patients sinorad_s python_s ratio
for n in 465 50000; do
  "$BIN" simulate --out "$work/$n" --patients "$n" --seed 11 2>/dev/null
  csv="$work/$n/cohort.csv"
  s=$(for _ in $(seq "$REPEATS"); do seconds sh -c "'$BIN' table1 '$csv' && '$BIN' select '$csv'"; done | best)
  p=$(for _ in $(seq "$REPEATS"); do seconds "$PY" bench/table1_select.py "$csv"; done | best)
  printf "%-10s %12s %12s %8s\n" "$n" "$s" "$p" "$("$PY" -c "print(f'{$p / $s:.1f}x')")"
done
echo "(best of $REPEATS wall-clock runs each, including process start and CSV reading; ratio = python / sinorad)"
