// XGBoost 1.7.4's C API (Debian libxgboost-dev).
#include <xgboost/c_api.h>
