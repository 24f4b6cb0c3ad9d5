#!/usr/bin/env bash
# Radiomics selection + LASSO CV + SVM grid search: `sinorad radiomics model --classifier svm`
# (release) vs bench/selection_reference.py (scikit-learn, scipy, statsmodels and R glmnet
# through Rscript, one thread each, as a statistician runs them), in the same run, on the same
# table: the SYNTHETIC cohort's 465 patients x about 3,400 PyRadiomics features (Original + LoG
# 1, 2, 3 mm + Wavelet, every class, T2WI, CE-T1WI and ADC; extracted once into BENCH_DATA).
# SinoRad runs twice per repeat: on one thread (--threads 1, one OpenBLAS thread) and as a user
# runs it (every core, the default). REPEATS runs each (default 3); prints the seconds of each
# run, the median ratios (reference / SinoRad) and the features each side kept per step.
#   bench/selection.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv-peers/bin/python}
[ -x "$PY" ] || { echo "no Python environment at $PY: run scripts/peers/setup.sh --with-r" >&2; exit 1; }
command -v Rscript > /dev/null || { echo "R is needed (scripts/peers/setup.sh --with-r)" >&2; exit 1; }
REPEATS=${REPEATS:-3}
DATA=${BENCH_DATA:-/tmp/sinorad-selection-bench}
ONE_THREAD=(env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1)
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
one_times=(); all_times=(); reference_times=(); one_ratios=(); all_ratios=()
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'; }
for r in $(seq "$REPEATS"); do
  s1=$(seconds "${ONE_THREAD[@]}" "$BIN" radiomics model "$DATA/features.csv" --cohort "$DATA/cohort.csv" --classifier svm --threads 1 --out-dir "$DATA/sinorad" 2> "$DATA/sinorad.log")
  sa=$(seconds "$BIN" radiomics model "$DATA/features.csv" --cohort "$DATA/cohort.csv" --classifier svm --out-dir "$DATA/sinorad-all" 2> /dev/null)
  cmp -s "$DATA/sinorad/predictions.csv" "$DATA/sinorad-all/predictions.csv" || { echo "the predictions depend on the thread count" >&2; exit 1; }
  line=$("${ONE_THREAD[@]}" "$PY" -W ignore bench/selection_reference.py "$DATA/features.csv" "$DATA/cohort.csv" "$DATA/reference")
  t=${line%% *}
  one_times+=("$s1"); all_times+=("$sa"); reference_times+=("$t")
  one_ratios+=("$(awk -v s="$s1" -v t="$t" 'BEGIN { print t / s }')"); all_ratios+=("$(awk -v s="$sa" -v t="$t" 'BEGIN { print t / s }')")
  printf "run %d: sinorad %6.2f s on 1 thread (%4.1fx), %6.2f s on %d cores (%4.1fx)   reference %6.2f s\n" "$r" "$s1" \
    "$(awk -v s="$s1" -v t="$t" 'BEGIN { print t / s }')" "$sa" "$(nproc)" "$(awk -v s="$sa" -v t="$t" 'BEGIN { print t / s }')" "$t"
done
median() { printf "%s\n" "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
m1=$(median "${one_times[@]}"); ma=$(median "${all_times[@]}"); mt=$(median "${reference_times[@]}")
printf "median: reference %.2f s; sinorad %.2f s on 1 thread, ratio %.1fx; %.2f s on %d cores, ratio %.1fx\n" "$mt" "$m1" \
  "$(awk -v s="$m1" -v t="$mt" 'BEGIN { print t / s }')" "$ma" "$(nproc)" "$(awk -v s="$ma" -v t="$mt" 'BEGIN { print t / s }')"
# Each run's own ratio pairs runs a few seconds apart, which a shared machine's drift between
# runs moves least: their median is the figure to quote.
printf "median of the runs' ratios: %.1fx on 1 thread (%.1f-%.1f), %.1fx on %d cores (%.1f-%.1f)\n" "$(median "${one_ratios[@]}")" \
  "$(printf "%s\n" "${one_ratios[@]}" | sort -g | head -1)" "$(printf "%s\n" "${one_ratios[@]}" | sort -g | tail -1)" "$(median "${all_ratios[@]}")" "$(nproc)" \
  "$(printf "%s\n" "${all_ratios[@]}" | sort -g | head -1)" "$(printf "%s\n" "${all_ratios[@]}" | sort -g | tail -1)"
echo "reference kept: ${line#* }"
echo "sinorad kept: $(grep -o 'selected [0-9]* feature(s)' "$DATA/sinorad.log")"
awk -F, 'NR > 1 { n[$1]++; if ($3 == "yes") k[$1]++ } END { for (s in n) printf "  %s: %d of %d\n", s, k[s], n[s] }' "$DATA/sinorad/selection.csv"
