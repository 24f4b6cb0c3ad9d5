#!/usr/bin/env bash
# Creates .venv-peers with the reference tools used to generate test fixtures and run bench/.
# SinoRad itself never needs Python or R at run time.
#   scripts/peers/setup.sh          # Python: scipy, statsmodels, scikit-learn, pandas, torch, nibabel, SimpleITK, pynrrd, PyRadiomics 3.0.1, pingouin, pymrmr, mrmr_selection, xgboost
#   scripts/peers/setup.sh --with-r # also R (base R fisher.test, pROC 1.18, brglm2 0.9, palmerpenguins, jsonlite, glmnet 4.1), as root via apt-get
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv-peers
.venv-peers/bin/pip install -q "scipy==1.17.1" "statsmodels==0.15.0" "scikit-learn==1.9.1" pandas "torch==2.13.0+cpu" safetensors "nibabel==5.4.2" "SimpleITK==2.5.7" "pynrrd==1.1.3"
# PyRadiomics 3.0.1 (radiomics fixtures, bench/radiomics.sh): its 3.1.0 source package has broken
# version metadata, so 3.0.1 is built against the venv's numpy without build isolation.
# scikit-image gives LBP2D, trimesh LBP3D's icosphere.
.venv-peers/bin/pip install -q setuptools wheel "versioneer==0.29" "PyWavelets==1.9.0" "pykwalify==1.8.0" six \
  "scikit-image==0.26.0" "trimesh==5.2.0"
.venv-peers/bin/pip install -q --no-build-isolation "pyradiomics==3.0.1"
# Feature selection and classifiers (SinoSelection, SinoClassifiers): pingouin's ICC, both mRMR
# packages, XGBoost of the Debian library's version. pymrmr builds with Cython, without isolation.
.venv-peers/bin/pip install -q "pingouin==0.7.0" "mrmr_selection==0.2.8" "xgboost==1.7.4" Cython "jsonschema==4.26.0"
.venv-peers/bin/pip install -q --no-build-isolation "pymrmr==0.1.11"
# dcurves (decision curves, metrics.py) pins pandas < 3 through lifelines; kept beside the venv
# (--no-deps) so it cannot change the pandas the other fixtures were made with.
.venv-peers/bin/pip install -q --no-deps --target .venv-peers/dcurves-lib dcurves==1.1.7 \
  lifelines==0.30.3 autograd==1.9.1 autograd-gamma==0.5.0 matplotlib==3.11.2 contourpy==1.3.3 \
  cycler==0.12.1 kiwisolver==1.5.1 pillow==13.0.0 pyparsing==3.3.3 fonttools==4.68.0 mpmath==1.3.0
if [ "${1:-}" = "--with-r" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-base-core r-cran-proc r-cran-brglm2 r-cran-palmerpenguins r-cran-jsonlite r-cran-glmnet
fi
.venv-peers/bin/python -c "import scipy, statsmodels, sklearn; print('scipy', scipy.__version__, 'statsmodels', statsmodels.__version__, 'sklearn', sklearn.__version__)"
