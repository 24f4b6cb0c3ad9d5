// libsvm 3.24 (Debian libsvm-dev): the library scikit-learn's SVC wraps.
#include <libsvm/svm.h>
