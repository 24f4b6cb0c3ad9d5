#!/usr/bin/env bash
# Prints the OpenBLAS core type this CPU can run (SKYLAKEX with AVX-512, HASWELL with AVX2 + FMA)
# when Debian's OpenBLAS would not recognise the CPU and fall back to its slow Prescott kernels;
# prints nothing otherwise. `make test` exports it as OPENBLAS_CORETYPE for the test binary
# (the sinorad binary corrects the same case itself: Sources/sinorad/OpenBLASKernels.swift).
set -euo pipefail
[ -r /proc/cpuinfo ] || exit 0
model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
# A named model (e.g. "Intel(R) Xeon(R) Gold 6248") is one OpenBLAS 0.3.21 knows; the generic
# "Intel(R) Xeon(R) Processor" of newer virtualised Xeons is not.
case "$model" in
  "Intel(R) Xeon(R) Processor") ;;
  *) exit 0 ;;
esac
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2-) "
has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
if has avx512f avx512bw avx512dq avx512vl avx512cd; then echo SKYLAKEX
elif has avx2 fma; then echo HASWELL
fi
