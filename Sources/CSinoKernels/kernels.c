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

typedef double v8d __attribute__((vector_size(64)));

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f")))
#else
#define AVX512
#endif

// Unaligned load, store and broadcast for a vector type V compiled for TARGET.
#define VECTOR_ACCESS(LD, ST, SPLAT, V, TARGET)                                                                                          \
    static inline TARGET V LD(const double *p) {                                                                                         \
        V v;                                                                                                                             \
        memcpy(&v, p, sizeof v);                                                                                                         \
        return v;                                                                                                                        \
    }                                                                                                                                    \
    static inline TARGET void ST(double *p, V v) { memcpy(p, &v, sizeof v); }                                                            \
    static inline TARGET V SPLAT(double a) {                                                                                             \
        V v;                                                                                                                             \
        for (unsigned i = 0; i < sizeof v / sizeof a; i++) v[i] = a;                                                                     \
        return v;                                                                                                                        \
    }

VECTOR_ACCESS(ld, st, splat, v4d, AVX2)
VECTOR_ACCESS(ld8, st8, splat8, v8d, AVX512)

static inline double ld1(const double *p) { return *p; }

static inline void st1(double *p, double v) { *p = v; }

static inline double splat1(double a) { return a; }


// A loop over a group's vectors, fully unrolled.
#if defined(__clang__)
#define UNROLLED _Pragma("clang loop unroll(full)")
#else
#define UNROLLED _Pragma("GCC unroll 8")
#endif

// ITK's first four values of a recursion (causal: the line's first element v and the next three
// y1..y3, coefficients n0..n3 and bn1..bn4; anticausal: the last element, then the ones before
// it, m1..m4 and bm1..bm4), each sum left to right as MathEMAMAMAM / MathSMAMAMAM evaluate it.
#define RECURSIVE_GAUSSIAN_START(v, y1, y2, y3, k0, k1, k2, k3, b1, b2, b3, b4, o0, o1, o2, o3)                                          \
    do {                                                                                                                                 \
        o0 = v * k0 + v * k1 + v * k2 + v * k3;                                                                                          \
        o1 = y1 * k0 + v * k1 + v * k2 + v * k3;                                                                                         \
        o2 = y2 * k0 + y1 * k1 + v * k2 + v * k3;                                                                                        \
        o3 = y3 * k0 + y2 * k1 + y1 * k2 + v * k3;                                                                                       \
        o0 = o0 - (v * b1 + v * b2 + v * b3 + v * b4);                                                                                   \
        o1 = o1 - (o0 * d1 + v * b2 + v * b3 + v * b4);                                                                                  \
        o2 = o2 - (o1 * d1 + o0 * d2 + v * b3 + v * b4);                                                                                 \
        o3 = o3 - (o2 * d1 + o1 * d2 + o0 * d3 + v * b4);                                                                                \
    } while (0)

// The recursive Gaussian on the lanes k <= lane < k + G * (the vector's width): a group of G
// vectors of lanes run along the whole line. Only the recursion's last output stays in a register
// (the loop over the group unrolled, so the chain from one output to the next never goes through
// memory); the three before it and the last inputs are loaded again from L1 (causal outputs from
// s1, anticausal ones from a four-row ring), which leaves the registers for four AVX2 vectors in
// flight to hide the chain's latency, without moves to shift a window of registers along. One
// text for every vector width (and plain doubles): every lane's operations are the same, in the
// same order, so the bits are the same whatever the width. Element i of lane k is x[i * xs + k] in the input and
// s1[i * w + k] in the sums.
#define RECURSIVE_GAUSSIAN_GROUP(NAME, TARGET, V, LD, ST, SPLAT, G)                                                                      \
    static TARGET void NAME(const double *x, long xs, double *s1, long ln, long w, const double *c, long causal_end,                     \
                            long anticausal_start, long k) {                                                                             \
        const long L = (long)(sizeof(V) / sizeof(double));                                                                               \
        const V n0 = SPLAT(c[0]), n1 = SPLAT(c[1]), n2 = SPLAT(c[2]), n3 = SPLAT(c[3]);                                                  \
        const V d1 = SPLAT(c[4]), d2 = SPLAT(c[5]), d3 = SPLAT(c[6]), d4 = SPLAT(c[7]);                                                  \
        const V m1 = SPLAT(c[8]), m2 = SPLAT(c[9]), m3 = SPLAT(c[10]), m4 = SPLAT(c[11]);                                                \
        const V bn1 = SPLAT(c[12]), bn2 = SPLAT(c[13]), bn3 = SPLAT(c[14]), bn4 = SPLAT(c[15]);                                          \
        const V bm1 = SPLAT(c[16]), bm2 = SPLAT(c[17]), bm3 = SPLAT(c[18]), bm4 = SPLAT(c[19]);                                          \
        V sa[G];                                                                                                                         \
        UNROLLED for (int g = 0; g < G; g++) {                                                                                           \
            const long o = k + g * L;                                                                                                    \
            const V v = LD(x + o), x1 = LD(x + xs + o), x2 = LD(x + 2 * xs + o), x3 = LD(x + 3 * xs + o);                                \
            V a0, a1, a2, a3;                                                                                                            \
            RECURSIVE_GAUSSIAN_START(v, x1, x2, x3, n0, n1, n2, n3, bn1, bn2, bn3, bn4, a0, a1, a2, a3);                                 \
            ST(s1 + o, a0);                                                                                                              \
            ST(s1 + w + o, a1);                                                                                                          \
            ST(s1 + 2 * w + o, a2);                                                                                                      \
            ST(s1 + 3 * w + o, a3);                                                                                                      \
            sa[g] = a3;                                                                                                                  \
        }                                                                                                                                \
        for (long i = 4; i < causal_end; i++) {                                                                                          \
            const double *xi = x + i * xs + k;                                                                                           \
            double *si = s1 + i * w + k;                                                                                                 \
            UNROLLED for (int g = 0; g < G; g++) {                                                                                       \
                const V xn = LD(xi + g * L);                                                                                             \
                V t = xn * n0 + LD(xi - xs + g * L) * n1 + LD(xi - 2 * xs + g * L) * n2 + LD(xi - 3 * xs + g * L) * n3;                  \
                t = t - (sa[g] * d1 + LD(si - 2 * w + g * L) * d2 + LD(si - 3 * w + g * L) * d3 + LD(si - 4 * w + g * L) * d4);          \
                ST(si + g * L, t);                                                                                                       \
                sa[g] = t;                                                                                                               \
            }                                                                                                                            \
        }                                                                                                                                \
        V ring[4][G];                                                                                                                    \
        /* Anticausal: sa holds the value at row i, ring[r & 3] the one at row r (i <= r <= i + 3). */                                   \
        const long e = (ln - 1) * w;                                                                                                     \
        const double *xe = x + (ln - 1) * xs;                                                                                            \
        UNROLLED for (int g = 0; g < G; g++) {                                                                                           \
            const long o = k + g * L;                                                                                                    \
            const V v = LD(xe + o), xl1 = v, xl2 = LD(xe - xs + o), xl3 = LD(xe - 2 * xs + o);                                           \
            V b1, b2, b3, b4;                                                                                                            \
            RECURSIVE_GAUSSIAN_START(v, xl1, xl2, xl3, m1, m2, m3, m4, bm1, bm2, bm3, bm4, b1, b2, b3, b4);                              \
            ST(s1 + e + o, LD(s1 + e + o) + b1);                                                                                         \
            ST(s1 + e - w + o, LD(s1 + e - w + o) + b2);                                                                                 \
            ST(s1 + e - 2 * w + o, LD(s1 + e - 2 * w + o) + b3);                                                                         \
            ST(s1 + e - 3 * w + o, LD(s1 + e - 3 * w + o) + b4);                                                                         \
            sa[g] = b4, ring[(ln - 4) & 3][g] = b4, ring[(ln - 3) & 3][g] = b3, ring[(ln - 2) & 3][g] = b2, ring[(ln - 1) & 3][g] = b1;  \
        }                                                                                                                                \
        for (long i = ln - 4; i > anticausal_start; i--) {                                                                               \
            double *si = s1 + (i - 1) * w + k;                                                                                           \
            const double *xi = x + (i - 1) * xs + k;                                                                                     \
            UNROLLED for (int g = 0; g < G; g++) {                                                                                       \
                V t = LD(xi + xs + g * L) * m1 + LD(xi + 2 * xs + g * L) * m2 + LD(xi + 3 * xs + g * L) * m3 + LD(xi + 4 * xs + g * L) * m4; \
                t = t - (sa[g] * d1 + ring[(i + 1) & 3][g] * d2 + ring[(i + 2) & 3][g] * d3 + ring[(i + 3) & 3][g] * d4);                \
                ST(si + g * L, LD(si + g * L) + t);                                                                                      \
                ring[(i - 1) & 3][g] = t, sa[g] = t;                                                                                     \
            }                                                                                                                            \
        }                                                                                                                                \
    }

RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group8x3, AVX512, v8d, ld8, st8, splat8, 3)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group8x1, AVX512, v8d, ld8, st8, splat8, 1)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group4x4, AVX2, v4d, ld, st, splat, 4)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group4x2, AVX2, v4d, ld, st, splat, 2)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group4x1, AVX2, v4d, ld, st, splat, 1)
RECURSIVE_GAUSSIAN_GROUP(recursive_gaussian_group1x1, , double, ld1, st1, splat1, 1)

bool sino_kernels_have_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

void sino_recursive_gaussian_lines(const double *x, long xstride, double *s1, long ln, long width, const double *c, long causal_end,
                                   long anticausal_start, int vector_bits) {
    long k = 0;
#if defined(__x86_64__)
    if (vector_bits >= 512) {
        for (; k + 24 <= width; k += 24) recursive_gaussian_group8x3(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
        for (; k + 8 <= width; k += 8) recursive_gaussian_group8x1(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
    }
    if (vector_bits >= 256) {
        for (; k + 16 <= width; k += 16) recursive_gaussian_group4x4(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
        for (; k + 8 <= width; k += 8) recursive_gaussian_group4x2(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
        for (; k + 4 <= width; k += 4) recursive_gaussian_group4x1(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
    }
#endif
    for (; k < width; k++) recursive_gaussian_group1x1(x, xstride, s1, ln, width, c, causal_end, anticausal_start, k);
}
