#include "sino_kernels.h"

// The LoG's lines along x: image rows interleaved for the recursive Gaussian (four rows per
// AVX2 transpose where the CPU has it, one element at a time elsewhere: the same values, since
// widening float or double to double and narrowing to float are exact or correctly rounded).

#define LINES_FROM_ROWS_PLAIN(NAME, T)                                                                                                   \
    static void NAME(const T *in, long rowstride, long rows, long n, double *out, long width) {                                          \
        for (long k = 0; k < width; k++) {                                                                                               \
            const T *p = in + (k < rows ? k : rows - 1) * rowstride;                                                                     \
            for (long i = 0; i < n; i++) out[i * width + k] = (double)p[i];                                                              \
        }                                                                                                                                \
    }
LINES_FROM_ROWS_PLAIN(lines_from_rows_f64_plain, double)
LINES_FROM_ROWS_PLAIN(lines_from_rows_f32_plain, float)

static void rows_from_lines_f32_plain(const double *s, long width, long rows, long first, long last, float *out, long rowstride) {
    for (long k = 0; k < rows; k++) {
        for (long i = first; i <= last; i++) out[k * rowstride + i] = (float)s[i * width + k];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

// Rows r0..r3 (four elements each) to columns c0..c3: cj = (r0[j], r1[j], r2[j], r3[j]).
static inline AVX2 void transpose4(__m256d r0, __m256d r1, __m256d r2, __m256d r3, __m256d *c0, __m256d *c1, __m256d *c2, __m256d *c3) {
    const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    *c0 = _mm256_permute2f128_pd(t0, t2, 0x20);
    *c1 = _mm256_permute2f128_pd(t1, t3, 0x20);
    *c2 = _mm256_permute2f128_pd(t0, t2, 0x31);
    *c3 = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// Columns outermost (four at a time), rows inside: the four output rows are written in order
// and the input's lines, a few kilobytes, stay in cache until all their columns are taken.
#define LINES_FROM_ROWS_AVX2(NAME, T, LOAD4)                                                                                             \
    static AVX2 void NAME(const T *in, long rowstride, long rows, long n, double *out, long width) {                                     \
        long i = 0;                                                                                                                      \
        for (; i + 4 <= n; i += 4) {                                                                                                     \
            double *o = out + i * width;                                                                                                 \
            for (long k = 0; k < width; k += 4) {                                                                                        \
                const T *p0 = in + (k < rows ? k : rows - 1) * rowstride + i;                                                            \
                const T *p1 = in + (k + 1 < rows ? k + 1 : rows - 1) * rowstride + i;                                                    \
                const T *p2 = in + (k + 2 < rows ? k + 2 : rows - 1) * rowstride + i;                                                    \
                const T *p3 = in + (k + 3 < rows ? k + 3 : rows - 1) * rowstride + i;                                                    \
                __m256d c0, c1, c2, c3;                                                                                                  \
                transpose4(LOAD4(p0), LOAD4(p1), LOAD4(p2), LOAD4(p3), &c0, &c1, &c2, &c3);                                              \
                _mm256_storeu_pd(o + k, c0);                                                                                             \
                _mm256_storeu_pd(o + width + k, c1);                                                                                     \
                _mm256_storeu_pd(o + 2 * width + k, c2);                                                                                 \
                _mm256_storeu_pd(o + 3 * width + k, c3);                                                                                 \
            }                                                                                                                            \
        }                                                                                                                                \
        for (; i < n; i++) {                                                                                                             \
            for (long k = 0; k < width; k++) out[i * width + k] = (double)in[(k < rows ? k : rows - 1) * rowstride + i];                 \
        }                                                                                                                                \
    }

static inline AVX2 __m256d load4_f64(const double *p) { return _mm256_loadu_pd(p); }

static inline AVX2 __m256d load4_f32(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }

LINES_FROM_ROWS_AVX2(lines_from_rows_f64_avx2, double, load4_f64)
LINES_FROM_ROWS_AVX2(lines_from_rows_f32_avx2, float, load4_f32)

static AVX2 void rows_from_lines_f32_avx2(const double *s, long width, long rows, long first, long last, float *out, long rowstride) {
    long k = 0;
    for (; k + 4 <= rows; k += 4) {
        float *o0 = out + k * rowstride, *o1 = o0 + rowstride, *o2 = o1 + rowstride, *o3 = o2 + rowstride;
        long i = first;
        for (; i + 3 <= last; i += 4) {
            __m256d c0, c1, c2, c3;
            transpose4(_mm256_loadu_pd(s + i * width + k), _mm256_loadu_pd(s + (i + 1) * width + k), _mm256_loadu_pd(s + (i + 2) * width + k),
                       _mm256_loadu_pd(s + (i + 3) * width + k), &c0, &c1, &c2, &c3);
            _mm_storeu_ps(o0 + i, _mm256_cvtpd_ps(c0));
            _mm_storeu_ps(o1 + i, _mm256_cvtpd_ps(c1));
            _mm_storeu_ps(o2 + i, _mm256_cvtpd_ps(c2));
            _mm_storeu_ps(o3 + i, _mm256_cvtpd_ps(c3));
        }
        for (; i <= last; i++) {
            const double *q = s + i * width + k;
            o0[i] = (float)q[0];
            o1[i] = (float)q[1];
            o2[i] = (float)q[2];
            o3[i] = (float)q[3];
        }
    }
    if (k < rows) rows_from_lines_f32_plain(s + k, width, rows - k, first, last, out + k * rowstride, rowstride);
}

static bool use_avx2(void) {
    static int known = -1;
    if (known < 0) known = sino_kernels_have_avx2() ? 1 : 0;
    return known == 1;
}
#else
static bool use_avx2(void) { return false; }
#define lines_from_rows_f64_avx2 lines_from_rows_f64_plain
#define lines_from_rows_f32_avx2 lines_from_rows_f32_plain
#define rows_from_lines_f32_avx2 rows_from_lines_f32_plain
#endif

void sino_lines_from_rows_f64(const double *in, long rowstride, long rows, long n, double *out, long width) {
    if (use_avx2() && width % 4 == 0) {
        lines_from_rows_f64_avx2(in, rowstride, rows, n, out, width);
    } else {
        lines_from_rows_f64_plain(in, rowstride, rows, n, out, width);
    }
}

void sino_lines_from_rows_f32(const float *in, long rowstride, long rows, long n, double *out, long width) {
    if (use_avx2() && width % 4 == 0) {
        lines_from_rows_f32_avx2(in, rowstride, rows, n, out, width);
    } else {
        lines_from_rows_f32_plain(in, rowstride, rows, n, out, width);
    }
}

void sino_rows_from_lines_f32(const double *s, long width, long rows, long first, long last, float *out, long rowstride) {
    if (use_avx2()) {
        rows_from_lines_f32_avx2(s, width, rows, first, last, out, rowstride);
    } else {
        rows_from_lines_f32_plain(s, width, rows, first, last, out, rowstride);
    }
}
