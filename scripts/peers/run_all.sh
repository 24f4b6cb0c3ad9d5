#!/usr/bin/env bash
# Regenerates every reference fixture in Tests/Fixtures/ from the reference tools.
# Needs .venv-peers (scripts/peers/setup.sh) and R (scripts/peers/setup.sh --with-r).
# roc.py takes about 2 minutes (pROC bootstraps); contingency.py about 5 minutes (R's FEXACT is retried with larger workspaces).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv-peers/bin/python
swift build --product sinorad >&2
# The synthetic cohort is input data written by SinoRad itself (default seed); the expected
# numbers computed on it come from scipy, R and statsmodels below.
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
.build/debug/sinorad simulate --out "$dir" 2>/dev/null
cp "$dir/cohort.csv" Tests/Fixtures/synthetic_cohort.csv
$PY scripts/peers/group_tests.py
$PY scripts/peers/mnlogit.py
Rscript scripts/peers/firth.R   # about 10 minutes (brglm2's Poisson representation of penguins)
$PY scripts/peers/synthetic_study.py
$PY scripts/peers/contingency.py
PYTHONPATH=.venv-peers/dcurves-lib MPLBACKEND=Agg $PY scripts/peers/metrics.py
$PY scripts/peers/compare_study.py
$PY scripts/peers/readers.py
$PY scripts/peers/roc.py
PYTHONPATH=.venv-peers/dcurves-lib MPLBACKEND=Agg $PY scripts/peers/ties.py
$PY scripts/peers/extratrees.py
$PY scripts/peers/sinonet_layers.py
$PY scripts/peers/sinonet_optim.py
$PY scripts/peers/sinonet_models.py
$PY scripts/peers/sinonet_training.py
$PY scripts/peers/sinonet_gradcam.py
$PY scripts/peers/nifti.py
$PY scripts/peers/nrrd.py
$PY scripts/peers/sha256.py
scripts/peers/prng.sh
$PY scripts/peers/resample.py
$PY scripts/peers/study_configs.py
$PY scripts/peers/wavelet_filters.py --check   # the generated filter bank matches the installed PyWavelets
$PY scripts/peers/radiomics_filters.py
$PY scripts/peers/radiomics_shape.py
$PY scripts/peers/radiomics_params.py
$PY scripts/peers/radiomics_resample.py
$PY scripts/peers/radiomics_classes.py
$PY scripts/peers/radiomics_extract.py   # about 3 minutes (PyRadiomics on 52 cases)
python3 scripts/peers/check_schemas.py
Rscript scripts/peers/r_sample.R
Rscript scripts/peers/glmnet.R
$PY scripts/peers/icc_mrmr.py
$PY scripts/peers/selection_filters.py
Rscript scripts/peers/near_zero_var.R
$PY scripts/peers/svm.py
$PY scripts/peers/xgboost_classifier.py
$PY scripts/peers/selection_pipeline.py
$PY scripts/peers/linear_knn.py
git status --short Tests/Fixtures
