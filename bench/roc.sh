#!/usr/bin/env bash
# DeLong CI + 2,000-replicate stratified bootstrap CI per class on 93 patients x 3 classes
# (Tests/Fixtures/roc_bench_93.csv): SinoRad (release build) vs R pROC 1.18 in the same run;
# prints the time ratio. Times exclude process start and loading (in-process timers).
#   bench/roc.sh [PROC_REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
command -v Rscript >/dev/null || { echo "no Rscript: scripts/peers/setup.sh --with-r" >&2; exit 1; }
# -enable-testing: the test targets use @testable imports, which a release build omits.
swift build -c release --build-tests -Xswiftc -enable-testing >&2
s=$(SINORAD_BENCH=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter ROCBenchmark 2>&1 | sed -n 's/.*\[bench\] roc sinorad_seconds \([0-9.]*\).*/\1/p')
p=$(Rscript bench/roc.R Tests/Fixtures/roc_bench_93.csv "$REPEATS" | sed -n 's/.*proc_seconds \([0-9.]*\).*/\1/p')
[ -n "$s" ] && [ -n "$p" ] || { echo "a side produced no timing" >&2; exit 1; }
printf "%-8s %12s\n" tool seconds
printf "%-8s %12s\n" sinorad "$s" pROC "$p"
awk -v s="$s" -v p="$p" 'BEGIN { printf "ratio (pROC / sinorad): %.0fx\n", p / s }'
