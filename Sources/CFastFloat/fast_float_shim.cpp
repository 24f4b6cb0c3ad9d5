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

extern "C" const char *sino_parse_numeric_line(const char *p, const char *limit, long fieldCount, const unsigned char *skip,
                                               long idField, double *out, const char **idStart, const char **idEnd) {
    long o = 0;
    for (long j = 0; j < fieldCount; j++) {
        if (skip[j]) {
            const char *start = p;
            while (p < limit && *p != ',' && *p != '\n') p++;
            const char *end = p;
            if (end > start && p < limit && *p == '\n' && end[-1] == '\r') end--;
            if (j == idField) {
                *idStart = start;
                *idEnd = end;
            }
        } else {
            const bool delimiter = p == limit || *p == ',' || *p == '\n' || *p == '\r';
            double value;
            if (delimiter) {
                value = NAN;
            } else if (limit - p >= 2 && p[0] == 'N' && p[1] == 'A' &&
                       (p + 2 == limit || p[2] == ',' || p[2] == '\n' || p[2] == '\r')) {
                value = NAN;
                p += 2;
            } else {
                const fast_float::from_chars_result result = fast_float::from_chars(p, limit, value);
                if (result.ec != std::errc() || !std::isfinite(value)) return nullptr;
                p = result.ptr;
            }
            out[o++] = value;
        }
        if (j + 1 < fieldCount) {
            if (p < limit && *p == ',') {
                p++;
            } else {
                return nullptr;
            }
        } else {
            if (p == limit) return p;
            if (*p == '\n') return p + 1;
            if (*p == '\r' && p + 1 < limit && p[1] == '\n') return p + 2;
            return nullptr;
        }
    }
    return nullptr;
}
