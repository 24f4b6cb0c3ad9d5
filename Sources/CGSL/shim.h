// GSL through OpenBLAS. <cblas.h> comes first and GSL's own CBLAS header is
// masked, so the cblas_* symbols resolve to OpenBLAS (not libgslcblas, ~40x slower)
// and the CBLAS_* enums have one definition across CGSL and CBLAS.
#include <cblas.h>
#define __GSL_CBLAS_H__ 1
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_version.h>

// Swift 6 strict concurrency rejects C globals; reach them through accessors.
static inline const gsl_rng_type *sinorad_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const char *sinorad_gsl_version(void) { return gsl_version; }
