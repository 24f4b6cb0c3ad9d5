#!/usr/bin/env bash
# ResNet-50, ResNet-101 and DenseNet-121 at 224x224, fp32 CPU: SinoNet (`sinorad cnn bench`,
# release build, 2 threads of its own) vs PyTorch (bench/cnn.py, torch.set_num_threads(2)):
# inference batch 1 (latency), inference batch 16 (throughput), training batch 16 (forward +
# loss + backward + SGD step). The two run one after the other per case, never together.
# Each side: WARMUP (default 2) untimed batches, then ITERATIONS (default 3) timed batches;
# batch-1 inference times ITERATIONS_B1 (default 20) batches instead (a batch takes 50-150 ms,
# and the median of three such batches moved by 30 % between runs on the shared machine).
# Columns are MEDIAN ms per batch (the machine is shared; one slow batch must not decide) and
# images/s from it; ratio = torch median ms / SinoNet median ms (above 1: SinoNet faster).
#   bench/cnn.sh                 all three cases
#   CASES="infer:1" bench/cnn.sh only inference batch 1 (training at 224 takes seconds per batch)
#   ARCHS="resnet50" bench/cnn.sh only ResNet-50 (default: resnet50 resnet101 densenet121)
# Peak memory is each process's maximum resident set (ru_maxrss), weights and runtime included.
# OpenBLAS picks its kernels from the CPU unless OPENBLAS_CORETYPE is set (the first line says
# which): `env -u OPENBLAS_CORETYPE bench/cnn.sh` measures with OpenBLAS's own choice.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh (or set PYTHON)" >&2; exit 1; }
ITERATIONS=${ITERATIONS:-3}
ITERATIONS_B1=${ITERATIONS_B1:-20}
WARMUP=${WARMUP:-2}
CASES=${CASES:-"infer:1 infer:16 train:16"}
ARCHS=${ARCHS:-"resnet50 resnet101 densenet121"}
swift build -c release --product sinorad >&2
BIN=$(swift build -c release --show-bin-path)/sinorad
field() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
core=$("$BIN" cnn bench --arch resnet18 --batch 1 --size 32 --mode infer --iterations 1 --warmup 0 --format json | field blas_core)
echo "# SinoNet: 2 threads, OpenBLAS kernels $core (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}); torch: 2 threads"
printf "%-24s %12s %12s %12s %12s %8s %10s %10s\n" case sinonet_ms torch_ms sinonet_img_s torch_img_s ratio sinonet_MiB torch_MiB  # ms: median per batch
for arch in $ARCHS; do
for c in $CASES; do
  mode=${c%%:*}; batch=${c##*:}
  iterations=$ITERATIONS
  [ "$c" = "infer:1" ] && iterations=$ITERATIONS_B1
  s=$(OPENBLAS_NUM_THREADS=2 "$BIN" cnn bench --arch "$arch" --batch "$batch" --mode "$mode" \
        --iterations "$iterations" --warmup "$WARMUP" --format json)
  t=$("$PY" bench/cnn.py "$mode" "$batch" "$iterations" "$WARMUP" 224 "$arch")
  echo "sinonet: $s" >&2; echo "torch:   $t" >&2
  sm=$(field ms_per_batch_median <<<"$s"); tm=$(field ms_per_batch_median <<<"$t")
  printf "%-24s %12.1f %12.1f %12.2f %12.2f %8s %10.0f %10.0f\n" "$arch $mode b$batch" "$sm" "$tm" \
    "$(awk -v b="$batch" -v m="$sm" 'BEGIN { print b * 1000 / m }')" \
    "$(awk -v b="$batch" -v m="$tm" 'BEGIN { print b * 1000 / m }')" \
    "$(awk -v s="$sm" -v t="$tm" 'BEGIN { printf "%.2fx", t / s }')" \
    "$(field peak_memory_mib <<<"$s")" "$(field peak_memory_mib <<<"$t")"
done
done
