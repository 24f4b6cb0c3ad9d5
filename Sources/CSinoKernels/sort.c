#include "sino_kernels.h"

#include <stdint.h>
#include <string.h>

// A stable least-significant-digit radix sort of doubles by value, 8 bits a pass, on keys whose
// unsigned order is the values' order (sign bit flipped for positives, every bit for negatives:
// -0 comes just before +0, nothing between them). Passes in which every key has the same digit
// are skipped. For SinoStats' ranks and the feature filters' counts of distinct values.

static inline uint64_t sortable_key(double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return (bits >> 63) ? ~bits : (bits | 0x8000000000000000ull);
}

void sino_sort_order(const double *values, long n, long *order, uint64_t *keys, long *indices) {
    if (n <= 0) return;
    size_t counts[8][256];
    memset(counts, 0, sizeof counts);
    uint64_t *k0 = keys, *k1 = keys + n;
    long *i0 = order, *i1 = indices;
    for (long i = 0; i < n; i++) {
        const uint64_t key = sortable_key(values[i]);
        k0[i] = key;
        i0[i] = i;
        for (int d = 0; d < 8; d++) counts[d][(key >> (8 * d)) & 0xff]++;
    }
    for (int d = 0; d < 8; d++) {
        size_t *c = counts[d];
        if (c[(k0[0] >> (8 * d)) & 0xff] == (size_t)n) continue;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            const size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (long i = 0; i < n; i++) {
            const size_t at = c[(k0[i] >> (8 * d)) & 0xff]++;
            k1[at] = k0[i];
            i1[at] = i0[i];
        }
        uint64_t *kt = k0;
        k0 = k1;
        k1 = kt;
        long *it = i0;
        i0 = i1;
        i1 = it;
    }
    if (i0 != order) memcpy(order, i0, sizeof(long) * (size_t)n);
}
