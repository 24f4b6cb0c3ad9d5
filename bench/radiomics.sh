#!/usr/bin/env bash
# Radiomics extraction: `sinorad radiomics extract` (release build, one thread: --jobs 1) vs
# PyRadiomics 3.0.1 with its C extensions (bench/pyradiomics_bench.py, one thread), same files, same
# parameter files, one after the other:
#   (a) every feature class on the Original image, the SYNTHETIC cohort's 465 patients x 3
#       sequences (`sinorad simulate --images`, default 128 x 128 x 24 grid); PyRadiomics runs the
#       first PY_CASES cases (default 150; 0 = all 1395) and its time per case is compared;
#   (b) Original + LoG (sigma 1, 2, 3 mm) + Wavelet (coif1), every class, one case: SinoRad
#       extracts it REPEATS (default 10) and 4 x REPEATS times in two processes (each the fastest
#       of three runs) and the marginal time per case is taken, PyRadiomics the fastest of
#       REPEATS in-process runs (with 5, one slow run of the larger process on a shared machine
#       moved SinoRad's side by up to 20 %);
#   (c) voxel-based glcm and glrlm maps, kernelRadius 1, one ROI (the first patient's T2WI on
#       the reduced 64 x 64 x 12 grid): SinoRad's marginal time per case as in (b) (maps
#       computed and written, to /dev/shm where it exists), PyRadiomics once, in-process (maps
#       in memory).
# Columns: seconds per case for each side, ratio = PyRadiomics / SinoRad (above 1: SinoRad
# faster), peak resident memory (MiB) of each process. Data are cached in BENCH_DATA.
#   bench/radiomics.sh                  all three
#   CASES="b c" bench/radiomics.sh      only (b) and (c)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh (or set PYTHON)" >&2; exit 1; }
"$PY" -c "import radiomics" 2>/dev/null || { echo "PyRadiomics is not installed in $PY: run scripts/peers/setup.sh" >&2; exit 1; }
CASES=${CASES:-"a b c"}
PY_CASES=${PY_CASES:-150}
REPEATS=${REPEATS:-10}
DATA=${BENCH_DATA:-/tmp/sinorad-radiomics-bench}
swift build -c release --product sinorad >&2
BIN=$(swift build -c release --show-bin-path)/sinorad
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$DATA"
[ -f "$DATA/full/images/$(ls "$DATA/full/images" 2>/dev/null | head -1)/mask.nii.gz" ] 2>/dev/null || "$BIN" simulate --out "$DATA/full" --images >&2
[ -d "$DATA/reduced/images" ] || "$BIN" simulate --out "$DATA/reduced" --images --image-grid reduced --patients 30 >&2
batch="$DATA/full/cases.csv"
if [ ! -f "$batch" ]; then
  { echo "Image,Mask"; for p in $(ls "$DATA/full/images"); do for s in T2WI CE-T1WI ADC; do echo "images/$p/$s.nii.gz,images/$p/mask.nii.gz"; done; done; } > "$batch"
fi
first=$(ls "$DATA/full/images" | head -1)
small=$(ls "$DATA/reduced/images" | head -1)
cat > "$DATA/all_classes.yaml" <<'YAML'
featureClass:
  firstorder:
  shape:
  glcm:
  glrlm:
  glszm:
  gldm:
  ngtdm:
YAML
cat > "$DATA/filters.yaml" <<'YAML'
imageType:
  Original: {}
  LoG:
    sigma: [1.0, 2.0, 3.0]
  Wavelet: {}
featureClass:
  firstorder:
  shape:
  glcm:
  glrlm:
  glszm:
  gldm:
  ngtdm:
YAML
cat > "$DATA/voxel.yaml" <<'YAML'
voxelSetting:
  kernelRadius: 1
featureClass:
  glcm:
  glrlm:
YAML
# seconds and peak MiB of a whole sinorad process
timed() {
  local start end k
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$DATA/time.txt" "$@" > /dev/null
  end=$(date +%s.%N)
  read -r k < "$DATA/time.txt"
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }') $((k / 1024))"
}
# the fastest of three runs (seconds) and the largest peak MiB: the marginal times below are
# differences of two whole-process times, and one slow run on a shared machine would swamp them
timed3() {
  local best="" mib=0 t m
  for _ in 1 2 3; do
    read -r t m < <(timed "$@")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    [ "$m" -gt "$mib" ] && mib=$m
  done
  echo "$best $mib"
}
# the marginal seconds per case between two batches of REPEATS and 4 x REPEATS cases (each the
# fastest of three runs: process start, parameter file and warm-up cancel) and the larger run's
# peak MiB: marginal BATCH1 BATCH4 EXTRACT-OPTIONS...
marginal() {
  local one=$1 four=$2 s1 s4 mib
  shift 2
  read -r s1 _ < <(timed3 "$BIN" radiomics extract --batch "$one" --jobs 1 "$@" --out "${one%.csv}_out.csv")
  read -r s4 mib < <(timed3 "$BIN" radiomics extract --batch "$four" --jobs 1 "$@" --out "${four%.csv}_out.csv")
  echo "$(awk -v a="$s1" -v b="$s4" -v n="$REPEATS" 'BEGIN { print (b - a) / (3 * n) }') $mib"
}
field() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
row() { printf "%-44s %12.4f %12.4f %9s %10s %10s\n" "$1" "$2" "$3" "$(awk -v s="$2" -v t="$3" 'BEGIN { printf "%.1fx", t / s }')" "$4" "$5"; }
printf "%-44s %12s %12s %9s %10s %10s\n" case sinorad_s pyrad_s ratio sinorad_MiB pyrad_MiB
for c in $CASES; do
  case $c in
  a)
    # Both sides read the files from the page cache: PyRadiomics reads its cases just after
    # SinoRad has, and on a machine that reclaims idle cache (a build in between, DAMON) SinoRad
    # would otherwise read 1.6 GB from the disk.
    cat "$DATA"/full/images/*/*.nii.gz > /dev/null
    read -r s mib < <(timed "$BIN" radiomics extract --batch "$batch" --params "$DATA/all_classes.yaml" --jobs 1 --out "$DATA/a_sinorad.csv")
    n=$(($(wc -l < "$batch") - 1))
    t=$("$PY" bench/pyradiomics_bench.py batch "$batch" "$PY_CASES" "$DATA/all_classes.yaml"); echo "pyradiomics: $t" >&2
    row "(a) Original, all classes, $n cases" "$(awk -v s="$s" -v n="$n" 'BEGIN { print s / n }')" "$(field seconds_per_case <<<"$t")" "$mib" "$(field peak_memory_mib <<<"$t" | cut -d. -f1)"
    ;;
  b)
    img="$DATA/full/images/$first/T2WI.nii.gz"; msk="$DATA/full/images/$first/mask.nii.gz"
    # PyRadiomics' side is timed in-process (imports, the extractor's construction and the first
    # run's warm-up are not counted); SinoRad's as the marginal cost of a case: one process
    # extracting the case REPEATS times, one 4 x REPEATS times (each the fastest of three runs),
    # the difference per extra case (process start, parameter file and warm-up cancel).
    { echo "Image,Mask"; for _ in $(seq "$REPEATS"); do echo "$img,$msk"; done; } > "$DATA/b_cases.csv"
    { echo "Image,Mask"; for _ in $(seq $((4 * REPEATS))); do echo "$img,$msk"; done; } > "$DATA/b_cases4.csv"
    read -r s mib < <(marginal "$DATA/b_cases.csv" "$DATA/b_cases4.csv" --params "$DATA/filters.yaml")
    t=$("$PY" bench/pyradiomics_bench.py case "$img" "$msk" "$DATA/filters.yaml" "$REPEATS"); echo "pyradiomics: $t" >&2
    row "(b) Original+LoG(1,2,3)+Wavelet, one case" "$s" "$(field seconds_per_case <<<"$t")" "$mib" "$(field peak_memory_mib <<<"$t" | cut -d. -f1)"
    ;;
  c)
    img="$DATA/reduced/images/$small/T2WI.nii.gz"; msk="$DATA/reduced/images/$small/mask.nii.gz"
    # As (b): the marginal cost of a case (maps computed and written), from one process
    # extracting the ROI REPEATS times and one 4 x REPEATS times.
    { echo "Image,Mask"; for _ in $(seq "$REPEATS"); do echo "$img,$msk"; done; } > "$DATA/c_cases.csv"
    { echo "Image,Mask"; for _ in $(seq $((4 * REPEATS))); do echo "$img,$msk"; done; } > "$DATA/c_cases4.csv"
    # The maps go to memory-backed files where there is a tmpfs (PyRadiomics' side keeps them in
    # memory): creating 40 files per case on this machine's disk costs about 15 ms per case in
    # the file system, more than computing them. MAPS_DIR chooses another folder.
    maps=${MAPS_DIR:-$([ -w /dev/shm ] && echo /dev/shm/sinorad-radiomics-bench-maps || echo "$DATA/maps")}
    rm -rf "$maps"
    read -r s mib < <(marginal "$DATA/c_cases.csv" "$DATA/c_cases4.csv" --params "$DATA/voxel.yaml" --voxel --out-dir "$maps")
    rm -rf "$maps"
    t=$("$PY" bench/pyradiomics_bench.py voxel "$img" "$msk" "$DATA/voxel.yaml"); echo "pyradiomics: $t" >&2
    row "(c) voxel glcm+glrlm, kernelRadius 1" "$s" "$(field seconds_per_case <<<"$t")" "$mib" "$(field peak_memory_mib <<<"$t" | cut -d. -f1)"
    ;;
  esac
done
