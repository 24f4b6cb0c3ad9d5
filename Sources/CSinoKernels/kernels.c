#include "sino_kernels.h"

#include <string.h>

// Every multiply and add is its own IEEE operation, as in ITK and SinoRadiomics' Swift code:
// no contraction into fused multiply-adds, whatever the target.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

typedef double v4d __attribute__((vector_size(32)));

bool sino_kernels_have_avx2(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))
#else
#define AVX2
#endif

static inline AVX2 v4d ld(const double *p) {
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline AVX2 void st(double *p, v4d v) { memcpy(p, &v, sizeof v); }

static inline AVX2 v4d splat(double a) { return (v4d){a, a, a, a}; }

typedef double v8d __attribute__((vector_size(64)));

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f")))
#else
#define AVX512
#endif

static inline AVX512 v8d ld8(const double *p) {
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline AVX512 void st8(double *p, v8d v) { memcpy(p, &v, sizeof v); }

static inline AVX512 v8d splat8(double a) { return (v8d){a, a, a, a, a, a, a, a}; }

static inline double ld1(const double *p) { return *p; }

static inline void st1(double *p, double v) { *p = v; }

static inline double splat1(double a) { return a; }

// The recursive Gaussian on the lanes k0 <= k < k1 (steps of the vector's width), one text
// for every vector width (and plain doubles): every lane's operations are the same, in the same
// order. Element i of lane k is x[i * xs + k] in the input, s1[i * w + k] and s2[i * w + k] in
// the sums.
#define RECURSIVE_GAUSSIAN_LANES(NAME, TARGET, V, LD, ST, SPLAT, STEP)                                                                   \
    static TARGET void NAME(const double *x, long xs, double *s1, double *s2, long ln, long w, const double *c, long causal_end,         \
                            long anticausal_start, long k0, long k1) {                                                                   \
        const V n0 = SPLAT(c[0]), n1 = SPLAT(c[1]), n2 = SPLAT(c[2]), n3 = SPLAT(c[3]);                                                  \
        const V d1 = SPLAT(c[4]), d2 = SPLAT(c[5]), d3 = SPLAT(c[6]), d4 = SPLAT(c[7]);                                                  \
        const V m1 = SPLAT(c[8]), m2 = SPLAT(c[9]), m3 = SPLAT(c[10]), m4 = SPLAT(c[11]);                                                \
        const V bn1 = SPLAT(c[12]), bn2 = SPLAT(c[13]), bn3 = SPLAT(c[14]), bn4 = SPLAT(c[15]);                                          \
        const V bm1 = SPLAT(c[16]), bm2 = SPLAT(c[17]), bm3 = SPLAT(c[18]), bm4 = SPLAT(c[19]);                                          \
        for (long k = k0; k < k1; k += STEP) {                                                                                           \
            const V v = LD(x + k), x1 = LD(x + xs + k), x2 = LD(x + 2 * xs + k), x3 = LD(x + 3 * xs + k);                              \
            V a0 = v * n0 + v * n1 + v * n2 + v * n3;                                                                                    \
            V a1 = x1 * n0 + v * n1 + v * n2 + v * n3;                                                                                   \
            V a2 = x2 * n0 + x1 * n1 + v * n2 + v * n3;                                                                                  \
            V a3 = x3 * n0 + x2 * n1 + x1 * n2 + v * n3;                                                                                 \
            a0 = a0 - (v * bn1 + v * bn2 + v * bn3 + v * bn4);                                                                           \
            a1 = a1 - (a0 * d1 + v * bn2 + v * bn3 + v * bn4);                                                                           \
            a2 = a2 - (a1 * d1 + a0 * d2 + v * bn3 + v * bn4);                                                                           \
            a3 = a3 - (a2 * d1 + a1 * d2 + a0 * d3 + v * bn4);                                                                           \
            ST(s1 + k, a0);                                                                                                              \
            ST(s1 + w + k, a1);                                                                                                          \
            ST(s1 + 2 * w + k, a2);                                                                                                      \
            ST(s1 + 3 * w + k, a3);                                                                                                      \
        }                                                                                                                                \
        for (long i = 4; i < causal_end; i++) {                                                                                          \
            const double *xi = x + i * xs;                                                                                               \
            const long r = i * w;                                                                                                        \
            for (long k = k0; k < k1; k += STEP) {                                                                                       \
                const long q = r + k;                                                                                                    \
                V s = LD(xi + k) * n0 + LD(xi - xs + k) * n1 + LD(xi - 2 * xs + k) * n2 + LD(xi - 3 * xs + k) * n3;                      \
                s = s - (LD(s1 + q - w) * d1 + LD(s1 + q - 2 * w) * d2 + LD(s1 + q - 3 * w) * d3 + LD(s1 + q - 4 * w) * d4);             \
                ST(s1 + q, s);                                                                                                           \
            }                                                                                                                            \
        }                                                                                                                                \
        const long e = (ln - 1) * w;                                                                                                     \
        const double *xe = x + (ln - 1) * xs;                                                                                            \
        for (long k = k0; k < k1; k += STEP) {                                                                                           \
            const V v = LD(xe + k), xl1 = v, xl2 = LD(xe - xs + k), xl3 = LD(xe - 2 * xs + k);                                          \
            V b1 = v * m1 + v * m2 + v * m3 + v * m4;                                                                                    \
            V b2 = xl1 * m1 + v * m2 + v * m3 + v * m4;                                                                                  \
            V b3 = xl2 * m1 + xl1 * m2 + v * m3 + v * m4;                                                                                \
            V b4 = xl3 * m1 + xl2 * m2 + xl1 * m3 + v * m4;                                                                              \
            b1 = b1 - (v * bm1 + v * bm2 + v * bm3 + v * bm4);                                                                           \
            b2 = b2 - (b1 * d1 + v * bm2 + v * bm3 + v * bm4);                                                                           \
            b3 = b3 - (b2 * d1 + b1 * d2 + v * bm3 + v * bm4);                                                                           \
            b4 = b4 - (b3 * d1 + b2 * d2 + b1 * d3 + v * bm4);                                                                           \
            ST(s2 + e + k, b1);                                                                                                          \
            ST(s2 + e - w + k, b2);                                                                                                      \
            ST(s2 + e - 2 * w + k, b3);                                                                                                  \
            ST(s2 + e - 3 * w + k, b4);                                                                                                  \
            ST(s1 + e + k, LD(s1 + e + k) + b1);                                                                                         \
            ST(s1 + e - w + k, LD(s1 + e - w + k) + b2);                                                                                 \
            ST(s1 + e - 2 * w + k, LD(s1 + e - 2 * w + k) + b3);                                                                         \
            ST(s1 + e - 3 * w + k, LD(s1 + e - 3 * w + k) + b4);                                                                         \
        }                                                                                                                                \
        for (long i = ln - 4; i > anticausal_start; i--) {                                                                               \
            const double *xi = x + (i - 1) * xs;                                                                                         \
            const long r = (i - 1) * w;                                                                                                  \
            for (long k = k0; k < k1; k += STEP) {                                                                                       \
                const long q = r + k;                                                                                                    \
                V s = LD(xi + xs + k) * m1 + LD(xi + 2 * xs + k) * m2 + LD(xi + 3 * xs + k) * m3 + LD(xi + 4 * xs + k) * m4;             \
                s = s - (LD(s2 + q + w) * d1 + LD(s2 + q + 2 * w) * d2 + LD(s2 + q + 3 * w) * d3 + LD(s2 + q + 4 * w) * d4);             \
                ST(s2 + q, s);                                                                                                           \
                ST(s1 + q, LD(s1 + q) + s);                                                                                              \
            }                                                                                                                            \
        }                                                                                                                                \
    }

RECURSIVE_GAUSSIAN_LANES(recursive_gaussian_lanes1, , double, ld1, st1, splat1, 1)

// The same lines, a group of G vectors of lanes at a time run along the whole line with the
// recursion's last inputs and outputs held in registers: each element's input is loaded once and
// its sum stored once (the row-at-a-time loops above reload eight neighbours per element).
// The same operations in the same order, so the same bits; the anticausal part is not stored
// in s2 (only s1's sums are read).
#define RECURSIVE_GAUSSIAN_GROUP(NAME, TARGET, V, LD, ST, SPLAT, G)                                                                      \
    static TARGET void NAME(const double *x, long xs, double *s1, long ln, long w, const double *c, long causal_end,                     \
                            long anticausal_start, long k) {                                                                             \
        const long L = (long)(sizeof(V) / sizeof(double));                                                                              \
        const V n0 = SPLAT(c[0]), n1 = SPLAT(c[1]), n2 = SPLAT(c[2]), n3 = SPLAT(c[3]);                                                  \
        const V d1 = SPLAT(c[4]), d2 = SPLAT(c[5]), d3 = SPLAT(c[6]), d4 = SPLAT(c[7]);                                                  \
        const V m1 = SPLAT(c[8]), m2 = SPLAT(c[9]), m3 = SPLAT(c[10]), m4 = SPLAT(c[11]);                                                \
        const V bn1 = SPLAT(c[12]), bn2 = SPLAT(c[13]), bn3 = SPLAT(c[14]), bn4 = SPLAT(c[15]);                                          \
        const V bm1 = SPLAT(c[16]), bm2 = SPLAT(c[17]), bm3 = SPLAT(c[18]), bm4 = SPLAT(c[19]);                                          \
        V xa[G], xb[G], xc[G], sa[G], sb[G], sc[G], sd[G];                                                                               \
        for (int g = 0; g < G; g++) {                                                                                                    \
            const long o = k + g * L;                                                                                                    \
            const V v = LD(x + o), x1 = LD(x + xs + o), x2 = LD(x + 2 * xs + o), x3 = LD(x + 3 * xs + o);                              \
            V a0 = v * n0 + v * n1 + v * n2 + v * n3;                                                                                    \
            V a1 = x1 * n0 + v * n1 + v * n2 + v * n3;                                                                                   \
            V a2 = x2 * n0 + x1 * n1 + v * n2 + v * n3;                                                                                  \
            V a3 = x3 * n0 + x2 * n1 + x1 * n2 + v * n3;                                                                                 \
            a0 = a0 - (v * bn1 + v * bn2 + v * bn3 + v * bn4);                                                                           \
            a1 = a1 - (a0 * d1 + v * bn2 + v * bn3 + v * bn4);                                                                           \
            a2 = a2 - (a1 * d1 + a0 * d2 + v * bn3 + v * bn4);                                                                           \
            a3 = a3 - (a2 * d1 + a1 * d2 + a0 * d3 + v * bn4);                                                                           \
            ST(s1 + o, a0);                                                                                                              \
            ST(s1 + w + o, a1);                                                                                                          \
            ST(s1 + 2 * w + o, a2);                                                                                                      \
            ST(s1 + 3 * w + o, a3);                                                                                                      \
            xa[g] = x3, xb[g] = x2, xc[g] = x1;                                                                                          \
            sa[g] = a3, sb[g] = a2, sc[g] = a1, sd[g] = a0;                                                                              \
        }                                                                                                                                \
        for (long i = 4; i < causal_end; i++) {                                                                                          \
            const double *xi = x + i * xs + k;                                                                                           \
            double *si = s1 + i * w + k;                                                                                                 \
            for (int g = 0; g < G; g++) {                                                                                                \
                const V xn = LD(xi + g * L);                                                                                             \
                V t = xn * n0 + xa[g] * n1 + xb[g] * n2 + xc[g] * n3;                                                                    \
                t = t - (sa[g] * d1 + sb[g] * d2 + sc[g] * d3 + sd[g] * d4);                                                             \
                ST(si + g * L, t);                                                                                                       \
                xc[g] = xb[g], xb[g] = xa[g], xa[g] = xn;                                                                                \
                sd[g] = sc[g], sc[g] = sb[g], sb[g] = sa[g], sa[g] = t;                                                                  \
            }                                                                                                                            \
        }                                                                                                                                \
        /* Anticausal: xa..xd hold x at rows i..i+3, sa..sd the anticausal values there. */                                              \
        V xd[G];                                                                                                                         \
        const long e = (ln - 1) * w;                                                                                                     \
        const double *xe = x + (ln - 1) * xs;                                                                                            \
        for (int g = 0; g < G; g++) {                                                                                                    \
            const long o = k + g * L;                                                                                                    \
            const V v = LD(xe + o), xl1 = v, xl2 = LD(xe - xs + o), xl3 = LD(xe - 2 * xs + o);                                          \
            V b1 = v * m1 + v * m2 + v * m3 + v * m4;                                                                                    \
            V b2 = xl1 * m1 + v * m2 + v * m3 + v * m4;                                                                                  \
            V b3 = xl2 * m1 + xl1 * m2 + v * m3 + v * m4;                                                                                \
            V b4 = xl3 * m1 + xl2 * m2 + xl1 * m3 + v * m4;                                                                              \
            b1 = b1 - (v * bm1 + v * bm2 + v * bm3 + v * bm4);                                                                           \
            b2 = b2 - (b1 * d1 + v * bm2 + v * bm3 + v * bm4);                                                                           \
            b3 = b3 - (b2 * d1 + b1 * d2 + v * bm3 + v * bm4);                                                                           \
            b4 = b4 - (b3 * d1 + b2 * d2 + b1 * d3 + v * bm4);                                                                           \
            ST(s1 + e + o, LD(s1 + e + o) + b1);                                                                                         \
            ST(s1 + e - w + o, LD(s1 + e - w + o) + b2);                                                                                 \
            ST(s1 + e - 2 * w + o, LD(s1 + e - 2 * w + o) + b3);                                                                         \
            ST(s1 + e - 3 * w + o, LD(s1 + e - 3 * w + o) + b4);                                                                         \
            xa[g] = LD(xe - 3 * xs + o), xb[g] = xl3, xc[g] = xl2, xd[g] = v;                                                            \
            sa[g] = b4, sb[g] = b3, sc[g] = b2, sd[g] = b1;                                                                              \
        }                                                                                                                                \
        for (long i = ln - 4; i > anticausal_start; i--) {                                                                               \
            double *si = s1 + (i - 1) * w + k;                                                                                           \
            const double *xi = x + (i - 1) * xs + k;                                                                                     \
            for (int g = 0; g < G; g++) {                                                                                                \
                V t = xa[g] * m1 + xb[g] * m2 + xc[g] * m3 + xd[g] * m4;                                                                 \
                t = t - (sa[g] * d1 + sb[g] * d2 + sc[g] * d3 + sd[g] * d4);                                                             \
                ST(si + g * L, LD(si + g * L) + t);                                                                                      \
                xd[g] = xc[g], xc[g] = xb[g], xb[g] = xa[g], xa[g] = LD(xi + g * L);                                                     \
                sd[g] = sc[g], sc[g] = sb[g], sb[g] = sa[g], sa[g] = t;                                                                  \
            }                                                                                                                            \
        }                                                                                                                                \
    }

RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group8x3, AVX512, v8d, ld8, st8, splat8, 3)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group8x1, AVX512, v8d, ld8, st8, splat8, 1)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group4x3, AVX2, v4d, ld, st, splat, 3)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group4x1, AVX2, v4d, ld, st, splat, 1)

bool sino_kernels_have_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

void sino_recursive_gaussian_lines_avx2(const double *x, double *s1, double *s2, long ln, long width, const double *c, long causal_end,
                                        long anticausal_start) {
    sino_recursive_gaussian_lines_strided(x, width, s1, s2, ln, width, c, causal_end, anticausal_start, 256);
}

void sino_recursive_gaussian_lines_avx512(const double *x, double *s1, double *s2, long ln, long width, const double *c, long causal_end,
                                          long anticausal_start) {
    sino_recursive_gaussian_lines_strided(x, width, s1, s2, ln, width, c, causal_end, anticausal_start, 512);
}

void sino_recursive_gaussian_lines_strided(const double *x, long xstride, double *s1, double *s2, long ln, long width, const double *c,
                                           long causal_end, long anticausal_start, int vector_bits) {
    long k = 0;
#if defined(__x86_64__)
    if (vector_bits >= 512) {
        for (; k + 24 <= width; k += 24) recursive_gaussian_group8x3(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
        for (; k + 8 <= width; k += 8) recursive_gaussian_group8x1(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
    }
    if (vector_bits >= 256) {
        for (; k + 12 <= width; k += 12) recursive_gaussian_group4x3(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
        for (; k + 4 <= width; k += 4) recursive_gaussian_group4x1(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
    }
#endif
    recursive_gaussian_lanes1(x, xstride, s1, s2, ln, width, c, causal_end, anticausal_start, k, width);
}
