#ifndef SINO_FAST_FLOAT_H
#define SINO_FAST_FLOAT_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Reads the whole of [first, last) as a decimal number with fast_float (Debian
/// `libfast-float-dev`; correctly rounded, as strtod in the C locale). True, with the value in
/// *out, only when every byte was consumed and the value is finite; false otherwise (a '+',
/// hexadecimal, inf, nan, an overflow, trailing bytes), for the caller's slower, complete route.
bool sino_parse_finite_double(const char *first, const char *last, double *out);

#ifdef __cplusplus
}
#endif

#endif
