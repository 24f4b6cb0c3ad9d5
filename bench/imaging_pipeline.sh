#!/usr/bin/env bash
# SinoImaging speed (release test build, all cores): (a) the SYNTHETIC phantom of the default
# 465-patient cohort (128 x 128 x 24 voxels, T2WI + CE-T1WI + ADC + mask); (b) preprocessing
# throughput in single-channel 224 x 224 slices per second (largest-ROI slice +- 1, square crop,
# bilinear resize, z-score in the ROI, flips + rotation + intensity jitter) on 48 phantom
# patients, best of 3 epochs. The ratio compares (b) with ResNet-50 training throughput
# (RESNET50_TRAIN_IMG_S, default 4 images/s: `sinorad cnn bench --arch resnet50 --batch 16
# --mode train` on the project machine; MEASURE_CNN=1 measures it now): preprocessing must
# keep up with training by a wide margin (>= 10x). Also prints (gzip_T2WI, gzip_mask) how long
# reading one phantom .nii.gz takes to inflate through libdeflate and through zlib.
#   bench/imaging_pipeline.sh
#   MEASURE_CNN=1 bench/imaging_pipeline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
swift build -c release --build-tests -Xswiftc -enable-testing >&2
SINORAD_BENCH=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter ImagingBenchmark 2>&1 \
  | grep '^\[bench\]' | tee "$work/imaging.txt" >&2
cnn=${RESNET50_TRAIN_IMG_S:-4}
if [ "${MEASURE_CNN:-0}" = 1 ]; then
  swift build -c release --product sinorad >&2
  cnn=$("$(swift build -c release --show-bin-path)/sinorad" cnn bench --arch resnet50 --batch 16 --mode train \
        --iterations 2 --warmup 1 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_second"])')
fi
phantom=$(awk '$2 == "phantom_465_patients" { print $3 }' "$work/imaging.txt")
slices=$(awk '$2 == "preprocess_augmented" { print $3 }' "$work/imaging.txt")
printf "%-40s %12s\n" measure value
printf "%-40s %12s\n" "phantom, 465 patients (s)" "$phantom"
printf "%-40s %12s\n" "preprocessing + augmentation (slices/s)" "$slices"
printf "%-40s %12s\n" "ResNet-50 training (images/s)" "$cnn"
printf "%-40s %12s\n" "preprocessing / training" "$(awk -v s="$slices" -v c="$cnn" 'BEGIN { printf "%.0fx", s / c }')"
