#!/usr/bin/env bash
# ExtraTrees fit + predict_proba: SinoForest (release build, 2 threads) vs scikit-learn
# (n_jobs=2) on the same synthetic data: (a) 465 x 15 with 500 trees, (b) 50,000 x 50 with
# 100 trees. Times exclude process start and CSV reading (best of 3 each); ratio = sklearn / SinoForest.
#   bench/forest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh (or set PYTHON)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PY" bench/forest.py "$work" | tee "$work/sklearn.txt" >&2
swift build -c release --build-tests -Xswiftc -enable-testing >&2
SINORAD_BENCH="$work" swift test -c release -Xswiftc -enable-testing --skip-build --filter ForestBenchmark 2>&1 \
  | grep '^\[bench\]' | tee "$work/sinorad.txt" >&2
printf "%-10s %12s %12s %8s\n" data sinorad_s sklearn_s ratio
for file in small.csv large.csv; do
  s=$(awk -v f="$file" '$2 == f { print $4 }' "$work/sinorad.txt")
  p=$(awk -v f="$file" '$2 == f { print $4 }' "$work/sklearn.txt")
  printf "%-10s %12s %12s %8s\n" "$file" "$s" "$p" "$(awk -v s="$s" -v p="$p" 'BEGIN { printf "%.2fx", p / s }')"
done
