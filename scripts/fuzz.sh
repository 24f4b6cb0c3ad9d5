#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser a user's file reaches (docs/RELIABILITY.md): builds
# fuzz/ (libFuzzer + AddressSanitizer, debug) and runs each target for SECONDS (default 60) or
# RUNS executions, whichever comes first, two targets at a time. Seeds come from
# fuzz/corpus/<target>; the growing corpus lives in FUZZ_WORK (default /tmp/sinorad-fuzz) and
# findings (crash, leak, timeout, out-of-memory inputs) go to FUZZ_WORK/findings/<target>.
# Prints one line per target: executions, seconds, findings.
#   scripts/fuzz.sh                 # every target, 60 s each
#   SECONDS_PER_TARGET=1800 scripts/fuzz.sh nifti nrrd
#   RUNS=1000000 scripts/fuzz.sh csv
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-60}
RUNS=${RUNS:--1}
WORK=${FUZZ_WORK:-/tmp/sinorad-fuzz}
JOBS=${JOBS:-2}
(cd fuzz && swift build -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" >&2)
BIN=$PWD/fuzz/.build/debug/sinorad-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(SINORAD_FUZZ_TARGET= "$BIN" 2>&1 | sed -n 's/^  \([a-z-]*\): .*/\1/p')
fi
mkdir -p "$WORK"
export SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp"
run_target() {
  local t=$1 corpus="$WORK/corpus/$1" findings="$WORK/findings/$1"
  mkdir -p "$corpus" "$findings"
  local start end
  start=$(date +%s)
  SINORAD_FUZZ_TARGET=$t "$BIN" "$corpus" "fuzz/corpus/$t" -max_total_time="$SECONDS_PER_TARGET" -runs="$RUNS" \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -print_final_stats=1 -close_fd_mask=1 \
    -artifact_prefix="$findings/" > "$WORK/$t.log" 2>&1 || true
  end=$(date +%s)
  local runs found
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t.log" | tail -1)
  found=$(find "$findings" -type f | wc -l)
  printf "%-12s %10s executions %5d s   findings: %d%s\n" "$t" "${runs:-?}" $((end - start)) "$found" \
    "$( [ "$found" -gt 0 ] && echo " (see $findings, $WORK/$t.log)")"
}
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
