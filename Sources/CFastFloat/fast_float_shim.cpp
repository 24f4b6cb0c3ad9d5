#include "sino_fast_float.h"

#include <cmath>
#include <fast_float/fast_float.h>

extern "C" bool sino_parse_finite_double(const char *first, const char *last, double *out) {
    double value = 0;
    const fast_float::from_chars_result result = fast_float::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last || !std::isfinite(value)) return false;
    *out = value;
    return true;
}
