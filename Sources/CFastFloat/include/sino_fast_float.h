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

/// One line of a plain CSV feature table from `p` (its end at '\n', "\r\n" or `limit`):
/// `fieldCount` fields split at commas; each field with skip[j] == 0 read as a finite number
/// by fast_float (the whole field), empty or `NA` as NaN, and written to out in field order;
/// the others passed over, field `idField`'s bytes returned in [*idStart, *idEnd) (a CR before
/// the line end left out). Returns the start of the next line, or NULL as soon as anything
/// else is met (a field that is not such a number, a field count that differs): the caller's
/// complete route then reads the line.
const char *sino_parse_numeric_line(const char *p, const char *limit, long fieldCount, const unsigned char *skip,
                                    long idField, double *out, const char **idStart, const char **idEnd);

#ifdef __cplusplus
}
#endif

#endif
