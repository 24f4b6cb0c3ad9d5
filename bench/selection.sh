#!/usr/bin/env bash
# Radiomics selection + LASSO CV + SVM grid search: `sinorad radiomics model --classifier svm`
# (release, one thread) vs bench/selection_reference.py (scikit-learn, scipy, statsmodels and R
# glmnet through Rscript, one thread each), in the same run, on the same table: the SYNTHETIC
# cohort's 465 patients x about 3,400 PyRadiomics features (Original + LoG 1, 2, 3 mm + Wavelet,
# every class, T2WI, CE-T1WI and ADC; extracted once into BENCH_DATA). REPEATS runs each
# (default 3); prints the seconds of each run, the median ratio (reference / SinoRad) and the
# features each side kept per step.
#   bench/selection.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh --with-r" >&2; exit 1; }
command -v Rscript > /dev/null || { echo "R is needed (scripts/peers/setup.sh --with-r)" >&2; exit 1; }
REPEATS=${REPEATS:-3}
DATA=${BENCH_DATA:-/tmp/sinorad-selection-bench}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
swift build -c release --product sinorad >&2
BIN=$(swift build -c release --show-bin-path)/sinorad
mkdir -p "$DATA"
[ -f "$DATA/cohort.csv" ] || "$BIN" simulate --out "$DATA" --images >&2
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
[ -f "$DATA/features.csv" ] || "$BIN" radiomics extract --images "$DATA/images" --cohort "$DATA/cohort.csv" --params "$DATA/filters.yaml" --jobs 2 --out "$DATA/features.csv" >&2
columns=$(head -1 "$DATA/features.csv" | tr ',' '\n' | wc -l)
echo "table: $(($(wc -l < "$DATA/features.csv") - 1)) patients x $((columns - 1)) features"
sinorad_times=(); reference_times=()
for r in $(seq "$REPEATS"); do
  start=$(date +%s.%N)
  "$BIN" radiomics model "$DATA/features.csv" --cohort "$DATA/cohort.csv" --classifier svm --threads 1 --out-dir "$DATA/sinorad" 2> "$DATA/sinorad.log"
  end=$(date +%s.%N)
  s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  line=$("$PY" bench/selection_reference.py "$DATA/features.csv" "$DATA/cohort.csv" "$DATA/reference")
  t=${line%% *}
  sinorad_times+=("$s"); reference_times+=("$t")
  printf "run %d: sinorad %8.2f s   reference %8.2f s   ratio %.1fx\n" "$r" "$s" "$t" "$(awk -v s="$s" -v t="$t" 'BEGIN { print t / s }')"
done
median() { printf "%s\n" "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ms=$(median "${sinorad_times[@]}"); mt=$(median "${reference_times[@]}")
printf "median: sinorad %.2f s, reference %.2f s, ratio %.1fx\n" "$ms" "$mt" "$(awk -v s="$ms" -v t="$mt" 'BEGIN { print t / s }')"
echo "reference kept: ${line#* }"
echo "sinorad kept: $(grep -o 'selected [0-9]* feature(s)' "$DATA/sinorad.log")"
awk -F, 'NR > 1 { n[$1]++; if ($3 == "yes") k[$1]++ } END { for (s in n) printf "  %s: %d of %d\n", s, k[s], n[s] }' "$DATA/sinorad/selection.csv"
