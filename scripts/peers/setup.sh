#!/usr/bin/env bash
# Creates .venv-peers with the reference tools used to generate test fixtures and run bench/.
# SinoRad itself never needs Python or R at run time.
#   scripts/peers/setup.sh          # Python: scipy, statsmodels, scikit-learn, pandas
#   scripts/peers/setup.sh --with-r # also R (base R fisher.test, pROC 1.18), as root via apt-get
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv-peers
.venv-peers/bin/pip install -q "scipy==1.17.1" "statsmodels==0.15.0" "scikit-learn==1.9.1" pandas
if [ "${1:-}" = "--with-r" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-base-core r-cran-proc
fi
.venv-peers/bin/python -c "import scipy, statsmodels, sklearn; print('scipy', scipy.__version__, 'statsmodels', statsmodels.__version__, 'sklearn', sklearn.__version__)"
