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

AVX2 void sino_recursive_gaussian_lines_avx2(const double *x, double *s1, double *s2, long ln, long width, const double *c, long causal_end,
                                             long anticausal_start) {
    const long w = width;
    const v4d n0 = splat(c[0]), n1 = splat(c[1]), n2 = splat(c[2]), n3 = splat(c[3]);
    const v4d d1 = splat(c[4]), d2 = splat(c[5]), d3 = splat(c[6]), d4 = splat(c[7]);
    const v4d m1 = splat(c[8]), m2 = splat(c[9]), m3 = splat(c[10]), m4 = splat(c[11]);
    const v4d bn1 = splat(c[12]), bn2 = splat(c[13]), bn3 = splat(c[14]), bn4 = splat(c[15]);
    const v4d bm1 = splat(c[16]), bm2 = splat(c[17]), bm3 = splat(c[18]), bm4 = splat(c[19]);
    for (long k = 0; k < w; k += 4) {
        const v4d v = ld(x + k), x1 = ld(x + w + k), x2 = ld(x + 2 * w + k), x3 = ld(x + 3 * w + k);
        v4d a0 = v * n0 + v * n1 + v * n2 + v * n3;
        v4d a1 = x1 * n0 + v * n1 + v * n2 + v * n3;
        v4d a2 = x2 * n0 + x1 * n1 + v * n2 + v * n3;
        v4d a3 = x3 * n0 + x2 * n1 + x1 * n2 + v * n3;
        a0 = a0 - (v * bn1 + v * bn2 + v * bn3 + v * bn4);
        a1 = a1 - (a0 * d1 + v * bn2 + v * bn3 + v * bn4);
        a2 = a2 - (a1 * d1 + a0 * d2 + v * bn3 + v * bn4);
        a3 = a3 - (a2 * d1 + a1 * d2 + a0 * d3 + v * bn4);
        st(s1 + k, a0);
        st(s1 + w + k, a1);
        st(s1 + 2 * w + k, a2);
        st(s1 + 3 * w + k, a3);
    }
    for (long i = 4; i < causal_end; i++) {
        const long r = i * w;
        for (long k = 0; k < w; k += 4) {
            const long q = r + k;
            v4d s = ld(x + q) * n0 + ld(x + q - w) * n1 + ld(x + q - 2 * w) * n2 + ld(x + q - 3 * w) * n3;
            s = s - (ld(s1 + q - w) * d1 + ld(s1 + q - 2 * w) * d2 + ld(s1 + q - 3 * w) * d3 + ld(s1 + q - 4 * w) * d4);
            st(s1 + q, s);
        }
    }
    const long e = (ln - 1) * w;
    for (long k = 0; k < w; k += 4) {
        const v4d v = ld(x + e + k), xl1 = v, xl2 = ld(x + e - w + k), xl3 = ld(x + e - 2 * w + k);
        v4d b1 = v * m1 + v * m2 + v * m3 + v * m4;
        v4d b2 = xl1 * m1 + v * m2 + v * m3 + v * m4;
        v4d b3 = xl2 * m1 + xl1 * m2 + v * m3 + v * m4;
        v4d b4 = xl3 * m1 + xl2 * m2 + xl1 * m3 + v * m4;
        b1 = b1 - (v * bm1 + v * bm2 + v * bm3 + v * bm4);
        b2 = b2 - (b1 * d1 + v * bm2 + v * bm3 + v * bm4);
        b3 = b3 - (b2 * d1 + b1 * d2 + v * bm3 + v * bm4);
        b4 = b4 - (b3 * d1 + b2 * d2 + b1 * d3 + v * bm4);
        st(s2 + e + k, b1);
        st(s2 + e - w + k, b2);
        st(s2 + e - 2 * w + k, b3);
        st(s2 + e - 3 * w + k, b4);
        st(s1 + e + k, ld(s1 + e + k) + b1);
        st(s1 + e - w + k, ld(s1 + e - w + k) + b2);
        st(s1 + e - 2 * w + k, ld(s1 + e - 2 * w + k) + b3);
        st(s1 + e - 3 * w + k, ld(s1 + e - 3 * w + k) + b4);
    }
    for (long i = ln - 4; i > anticausal_start; i--) {
        const long r = (i - 1) * w;
        for (long k = 0; k < w; k += 4) {
            const long q = r + k;
            v4d s = ld(x + q + w) * m1 + ld(x + q + 2 * w) * m2 + ld(x + q + 3 * w) * m3 + ld(x + q + 4 * w) * m4;
            s = s - (ld(s2 + q + w) * d1 + ld(s2 + q + 2 * w) * d2 + ld(s2 + q + 3 * w) * d3 + ld(s2 + q + 4 * w) * d4);
            st(s2 + q, s);
            st(s1 + q, ld(s1 + q) + s);
        }
    }
}
