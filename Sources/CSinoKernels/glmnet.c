#include "sino_kernels.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// glmnet's coordinate descent (SinoSelection/GLMNet): the dot products and the residual update
// of one pass, in the widest vectors this CPU has (AVX-512, AVX2 or plain C, chosen once at run
// time). The update r_i -= (d v_i) x_i keeps its three separate roundings (no fused
// multiply-add); a dot product's sum is split over vector lanes, so its last bits depend on the
// CPU's vector width, never on threads or on the data's alignment.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

typedef double (*dot_fn)(const double *, const double *, long);
typedef void (*update_fn)(double *, double, const double *, const double *, long);

static double dot_plain(const double *a, const double *b, long n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

static double weighted_squares_plain(const double *v, const double *x, long n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += v[i] * x[i] * x[i];
        s1 += v[i + 1] * x[i + 1] * x[i + 1];
        s2 += v[i + 2] * x[i + 2] * x[i + 2];
        s3 += v[i + 3] * x[i + 3] * x[i + 3];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; i < n; i++) s += v[i] * x[i] * x[i];
    return s;
}

static void update_plain(double *r, double d, const double *v, const double *x, long n) {
    for (long i = 0; i < n; i++) r[i] -= d * v[i] * x[i];
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx512f")))

static AVX2 double dot_avx2(const double *a, const double *b, long n) {
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    __m256d s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i)));
        s1 = _mm256_add_pd(s1, _mm256_mul_pd(_mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4)));
        s2 = _mm256_add_pd(s2, _mm256_mul_pd(_mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8)));
        s3 = _mm256_add_pd(s3, _mm256_mul_pd(_mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12)));
    }
    for (; i + 4 <= n; i += 4) s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i)));
    __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    double lanes[4];
    _mm256_storeu_pd(lanes, s);
    double t = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; i++) t += a[i] * b[i];
    return t;
}

static AVX2 double weighted_squares_avx2(const double *v, const double *x, long n) {
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256d x0 = _mm256_loadu_pd(x + i), x1 = _mm256_loadu_pd(x + i + 4);
        s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(v + i), x0), x0));
        s1 = _mm256_add_pd(s1, _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(v + i + 4), x1), x1));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(s0, s1));
    double t = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; i++) t += v[i] * x[i] * x[i];
    return t;
}

static AVX2 void update_avx2(double *r, double d, const double *v, const double *x, long n) {
    const __m256d dd = _mm256_set1_pd(d);
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d t = _mm256_mul_pd(_mm256_mul_pd(dd, _mm256_loadu_pd(v + i)), _mm256_loadu_pd(x + i));
        _mm256_storeu_pd(r + i, _mm256_sub_pd(_mm256_loadu_pd(r + i), t));
    }
    for (; i < n; i++) r[i] -= d * v[i] * x[i];
}

static AVX512 double dot_avx512(const double *a, const double *b, long n) {
    __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
    __m512d s2 = _mm512_setzero_pd(), s3 = _mm512_setzero_pd();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_add_pd(s0, _mm512_mul_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i)));
        s1 = _mm512_add_pd(s1, _mm512_mul_pd(_mm512_loadu_pd(a + i + 8), _mm512_loadu_pd(b + i + 8)));
        s2 = _mm512_add_pd(s2, _mm512_mul_pd(_mm512_loadu_pd(a + i + 16), _mm512_loadu_pd(b + i + 16)));
        s3 = _mm512_add_pd(s3, _mm512_mul_pd(_mm512_loadu_pd(a + i + 24), _mm512_loadu_pd(b + i + 24)));
    }
    for (; i + 8 <= n; i += 8) s0 = _mm512_add_pd(s0, _mm512_mul_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i)));
    if (i < n) {
        const __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        s1 = _mm512_add_pd(s1, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, a + i), _mm512_maskz_loadu_pd(m, b + i)));
    }
    const __m512d s = _mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3));
    double lanes[8];
    _mm512_storeu_pd(lanes, s);
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

static AVX512 double weighted_squares_avx512(const double *v, const double *x, long n) {
    __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512d x0 = _mm512_loadu_pd(x + i), x1 = _mm512_loadu_pd(x + i + 8);
        s0 = _mm512_add_pd(s0, _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(v + i), x0), x0));
        s1 = _mm512_add_pd(s1, _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(v + i + 8), x1), x1));
    }
    for (; i + 8 <= n; i += 8) {
        const __m512d x0 = _mm512_loadu_pd(x + i);
        s0 = _mm512_add_pd(s0, _mm512_mul_pd(_mm512_mul_pd(_mm512_loadu_pd(v + i), x0), x0));
    }
    if (i < n) {
        const __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        const __m512d x0 = _mm512_maskz_loadu_pd(m, x + i);
        s1 = _mm512_add_pd(s1, _mm512_mul_pd(_mm512_mul_pd(_mm512_maskz_loadu_pd(m, v + i), x0), x0));
    }
    double lanes[8];
    _mm512_storeu_pd(lanes, _mm512_add_pd(s0, s1));
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/// dot_avx512(r, x_c, n) for four columns at once, r read once for all four: each column's
/// lanes, accumulators and final sum exactly as dot_avx512's, so the bits are the same.
static AVX512 void dot4_avx512(const double *r, const double *const xs[4], long n, double out[4]) {
    __m512d s[4][4];
    for (int c = 0; c < 4; c++)
        for (int a = 0; a < 4; a++) s[c][a] = _mm512_setzero_pd();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512d r0 = _mm512_loadu_pd(r + i), r1 = _mm512_loadu_pd(r + i + 8);
        const __m512d r2 = _mm512_loadu_pd(r + i + 16), r3 = _mm512_loadu_pd(r + i + 24);
        for (int c = 0; c < 4; c++) {
            s[c][0] = _mm512_add_pd(s[c][0], _mm512_mul_pd(r0, _mm512_loadu_pd(xs[c] + i)));
            s[c][1] = _mm512_add_pd(s[c][1], _mm512_mul_pd(r1, _mm512_loadu_pd(xs[c] + i + 8)));
            s[c][2] = _mm512_add_pd(s[c][2], _mm512_mul_pd(r2, _mm512_loadu_pd(xs[c] + i + 16)));
            s[c][3] = _mm512_add_pd(s[c][3], _mm512_mul_pd(r3, _mm512_loadu_pd(xs[c] + i + 24)));
        }
    }
    for (; i + 8 <= n; i += 8) {
        const __m512d r0 = _mm512_loadu_pd(r + i);
        for (int c = 0; c < 4; c++) s[c][0] = _mm512_add_pd(s[c][0], _mm512_mul_pd(r0, _mm512_loadu_pd(xs[c] + i)));
    }
    if (i < n) {
        const __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        const __m512d r0 = _mm512_maskz_loadu_pd(m, r + i);
        for (int c = 0; c < 4; c++) s[c][1] = _mm512_add_pd(s[c][1], _mm512_mul_pd(r0, _mm512_maskz_loadu_pd(m, xs[c] + i)));
    }
    for (int c = 0; c < 4; c++) {
        const __m512d t = _mm512_add_pd(_mm512_add_pd(s[c][0], s[c][1]), _mm512_add_pd(s[c][2], s[c][3]));
        double lanes[8];
        _mm512_storeu_pd(lanes, t);
        out[c] = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }
}

static AVX512 void update_avx512(double *r, double d, const double *v, const double *x, long n) {
    const __m512d dd = _mm512_set1_pd(d);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d t = _mm512_mul_pd(_mm512_mul_pd(dd, _mm512_loadu_pd(v + i)), _mm512_loadu_pd(x + i));
        _mm512_storeu_pd(r + i, _mm512_sub_pd(_mm512_loadu_pd(r + i), t));
    }
    if (i < n) {
        const __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        __m512d t = _mm512_mul_pd(_mm512_mul_pd(dd, _mm512_maskz_loadu_pd(m, v + i)), _mm512_maskz_loadu_pd(m, x + i));
        _mm512_mask_storeu_pd(r + i, m, _mm512_sub_pd(_mm512_maskz_loadu_pd(m, r + i), t));
    }
}

/// update_avx512(r, d, v, x, n) and then dot_avx512(r, y, n) in one sweep of r: each element
/// updated as update_avx512 does, then taken into the same lanes and accumulators as
/// dot_avx512 takes it, so r and the product have the same bits as the two calls.
static AVX512 double update_dot_avx512(double *r, double d, const double *v, const double *x, const double *y, long n) {
    const __m512d dd = _mm512_set1_pd(d);
    __m512d s[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int b = 0; b < 4; b++) {
            const long at = i + 8 * b;
            const __m512d t = _mm512_mul_pd(_mm512_mul_pd(dd, _mm512_loadu_pd(v + at)), _mm512_loadu_pd(x + at));
            const __m512d updated = _mm512_sub_pd(_mm512_loadu_pd(r + at), t);
            _mm512_storeu_pd(r + at, updated);
            s[b] = _mm512_add_pd(s[b], _mm512_mul_pd(updated, _mm512_loadu_pd(y + at)));
        }
    }
    for (; i + 8 <= n; i += 8) {
        const __m512d t = _mm512_mul_pd(_mm512_mul_pd(dd, _mm512_loadu_pd(v + i)), _mm512_loadu_pd(x + i));
        const __m512d updated = _mm512_sub_pd(_mm512_loadu_pd(r + i), t);
        _mm512_storeu_pd(r + i, updated);
        s[0] = _mm512_add_pd(s[0], _mm512_mul_pd(updated, _mm512_loadu_pd(y + i)));
    }
    if (i < n) {
        const __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        const __m512d t = _mm512_mul_pd(_mm512_mul_pd(dd, _mm512_maskz_loadu_pd(m, v + i)), _mm512_maskz_loadu_pd(m, x + i));
        const __m512d updated = _mm512_sub_pd(_mm512_maskz_loadu_pd(m, r + i), t);
        _mm512_mask_storeu_pd(r + i, m, updated);
        s[1] = _mm512_add_pd(s[1], _mm512_mul_pd(updated, _mm512_maskz_loadu_pd(m, y + i)));
    }
    const __m512d total = _mm512_add_pd(_mm512_add_pd(s[0], s[1]), _mm512_add_pd(s[2], s[3]));
    double lanes[8];
    _mm512_storeu_pd(lanes, total);
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
#endif

/// The widest kernels this CPU runs: 2 AVX-512, 1 AVX2, 0 plain C (decided once).
static int vector_level(void) {
    static int level = -1;
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l >= 0) return l;
    l = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) l = 2;
    else if (__builtin_cpu_supports("avx2")) l = 1;
#endif
    __atomic_store_n(&level, l, __ATOMIC_RELAXED);
    return l;
}

static dot_fn chosen_dot(void) {
#if defined(__x86_64__)
    switch (vector_level()) {
    case 2: return dot_avx512;
    case 1: return dot_avx2;
    default: break;
    }
#endif
    return dot_plain;
}

static update_fn chosen_update(void) {
#if defined(__x86_64__)
    switch (vector_level()) {
    case 2: return update_avx512;
    case 1: return update_avx2;
    default: break;
    }
#endif
    return update_plain;
}

double sino_glmnet_dot(const double *a, const double *b, long n) { return chosen_dot()(a, b, n); }

double sino_glmnet_weighted_squares(const double *v, const double *x, long n) {
#if defined(__x86_64__)
    switch (vector_level()) {
    case 2: return weighted_squares_avx512(v, x, n);
    case 1: return weighted_squares_avx2(v, x, n);
    default: break;
    }
#endif
    return weighted_squares_plain(v, x, n);
}

void sino_glmnet_subtract_scaled_product(double *r, double d, const double *v, const double *x, long n) {
    chosen_update()(r, d, v, x, n);
}

/// Whether four columns' products share one sweep of r (dot4_avx512: AVX-512 only).
static inline bool grouped_products(void) {
#if defined(__x86_64__)
    return vector_level() == 2;
#else
    return false;
#endif
}

double sino_glmnet_pass(const double *x, long n, const long *columns, long count, double *r, const double *v,
                        double *beta, double *xv, bool fillXV, const double *penalty, double al1, double al2,
                        bool *entered, long active, long pmax, long *joined, long *joinedCount, bool *overflow) {
    const dot_fn dot = chosen_dot();
    const update_fn update = chosen_update();
    const bool grouped = grouped_products();
    // Most visits find a zero coefficient that stays zero, leaving r as it was: for a run of
    // four such columns, the four products are taken at once (the same bits as one by one) and
    // used while r has not changed.
    double ahead[4];
    long aheadFrom = 0, aheadTo = 0;
    double dlx = 0;
    long added = 0;
    for (long c = 0; c < count; c++) {
        const long k = columns[c];
        const double *xk = x + k * n;
        const double bk = beta[k];
        double g;
        if (c < aheadTo) {
            g = ahead[c - aheadFrom];
            if (fillXV) xv[k] = sino_glmnet_weighted_squares(v, xk, n);
        } else if (grouped && bk == 0 && c + 4 <= count && beta[columns[c + 1]] == 0 && beta[columns[c + 2]] == 0 &&
                   beta[columns[c + 3]] == 0) {
#if defined(__x86_64__)
            const double *const xs[4] = {xk, x + columns[c + 1] * n, x + columns[c + 2] * n, x + columns[c + 3] * n};
            if (fillXV) xv[k] = sino_glmnet_weighted_squares(v, xk, n);
            dot4_avx512(r, xs, n, ahead);
#endif
            aheadFrom = c;
            aheadTo = c + 4;
            g = ahead[0];
        } else {
            if (fillXV) xv[k] = sino_glmnet_weighted_squares(v, xk, n);
            g = dot(r, xk, n);
        }
        const double u = g + xv[k] * bk;
        const double au = fabs(u) - penalty[k] * al1;
        const double updated = au <= 0 ? 0 : (u < 0 ? -au : au) / (xv[k] + penalty[k] * al2);
        beta[k] = updated;
        const double d = updated - bk;
        if (fabs(d) <= 0) continue;
        const double change = xv[k] * d * d;
        if (change > dlx) dlx = change;
        update(r, d, v, xk, n);
        aheadTo = 0;
        if (entered && !entered[k]) {
            if (active + added >= pmax) {
                *overflow = true;
                break;
            }
            entered[k] = true;
            joined[added++] = k;
        }
    }
    *joinedCount = added;
    return dlx;
}

/// Whether column k, zero now, certainly stays zero: |x_k' r| is at most the |x_k' r| last
/// computed plus ||x_k|| times how far r has moved since (Cauchy-Schwarz), and that bound,
/// with room for the rounding of either product, is below its threshold penalty_k al1.
static inline bool stays_zero(const sino_glmnet_screen *s, long k, double threshold) {
    const double bound = s->gLast[k] + s->xnorm[k] * (s->drift - s->tLast[k]);
    return bound * (1 + 1e-9) + 1e-12 * (1 + s->xnorm[k]) < threshold;
}

/// xv_k with this pass's weights v (computed once per epoch).
static inline double current_xv(sino_glmnet_screen *s, double *xv, long k, const double *v, const double *xk, long n) {
    if (s->xvStamp[k] != s->epoch) {
        xv[k] = sino_glmnet_weighted_squares(v, xk, n);
        s->xvStamp[k] = s->epoch;
    }
    return xv[k];
}

double sino_glmnet_screened_pass(const double *x, long n, const long *columns, long count, double *r, const double *v,
                                 double *beta, double *xv, sino_glmnet_screen *s, const double *penalty, double al1,
                                 double al2, bool *entered, long active, long pmax, long *joined, long *joinedCount,
                                 bool *overflow) {
    const dot_fn dot = chosen_dot();
    const update_fn update = chosen_update();
    const bool grouped = grouped_products();
    long *list = s->scratch;
    double dlx = 0;
    long added = 0;
    long c = 0;
    // One column's change d: the largest xv_k d^2, r updated, the residual's movement bounded,
    // a variable entering recorded (false when that would pass pmax: the pass stops).
    #define APPLY_CHANGE(k, xk, d) APPLY_CHANGE_WITH(k, xk, d, update(r, (d), v, (xk), n))
    #define APPLY_CHANGE_WITH(k, xk, d, UPDATE)                                                    \
        do {                                                                                       \
            const double change = xv[k] * (d) * (d);                                               \
            if (change > dlx) dlx = change;                                                        \
            UPDATE;                                                                                \
            /* ||d v x_k|| <= |d| sqrt(max v * xv_k): sum v_i^2 x_i^2 <= max v sum v_i x_i^2. */  \
            s->drift += fabs(d) * sqrt(s->vmax * xv[k]) * (1 + 1e-12);                             \
            if (entered && !entered[k]) {                                                          \
                if (active + added >= pmax) {                                                      \
                    *overflow = true;                                                              \
                    goto done;                                                                     \
                }                                                                                  \
                entered[k] = true;                                                                 \
                joined[added++] = k;                                                               \
            }                                                                                      \
        } while (0)
    // A nonzero column's update and the next nonzero column's product share one sweep of r.
    long pendingAt = -1;
    double pending = 0;
    while (c < count) {
        const long k = columns[c];
        const double bk = beta[k];
        if (bk != 0) {
            const double *xk = x + k * n;
            const double g = pendingAt == c ? pending : dot(r, xk, n);
            s->computed++;
            s->gLast[k] = fabs(g);
            s->tLast[k] = s->drift;
            const double xvk = current_xv(s, xv, k, v, xk, n);
            const double u = g + xvk * bk;
            const double au = fabs(u) - penalty[k] * al1;
            const double updated = au <= 0 ? 0 : (u < 0 ? -au : au) / (xvk + penalty[k] * al2);
            beta[k] = updated;
            const double d = updated - bk;
            c++;
            if (fabs(d) <= 0) continue;
#if defined(__x86_64__)
            if (grouped && c < count && beta[columns[c]] != 0) {
                const double *xnext = x + columns[c] * n;
                APPLY_CHANGE_WITH(k, xk, d, pending = update_dot_avx512(r, d, v, xk, xnext, n));
                pendingAt = c;
                continue;
            }
#endif
            APPLY_CHANGE(k, xk, d);
            continue;
        }
        // A run of zero coefficients: r stays as it is until one of them enters, so the ones
        // the bound cannot pass over are listed first (no branch per column) and their products
        // taken four at a time; after an entry the rest of the run is looked at again.
        long e = c;
        while (e < count && beta[columns[e]] == 0) e++;
        long m = 0;
        for (long q = c; q < e; q++) {
            const long j = columns[q];
            list[m] = q;
            m += !stays_zero(s, j, penalty[j] * al1);
        }
        s->skipped += (e - c) - m;
        long next = e;
        for (long t = 0; t < m;) {
            double g[4];
            int size = 1;
            if (grouped && t + 4 <= m) {
#if defined(__x86_64__)
                const double *const xs[4] = {x + columns[list[t]] * n, x + columns[list[t + 1]] * n, x + columns[list[t + 2]] * n,
                                             x + columns[list[t + 3]] * n};
                dot4_avx512(r, xs, n, g);
#endif
                size = 4;
            } else {
                g[0] = dot(r, x + columns[list[t]] * n, n);
            }
            bool moved = false;
            for (int a = 0; a < size; a++) {
                const long q = list[t + a];
                const long k = columns[q];
                s->computed++;
                s->gLast[k] = fabs(g[a]);
                s->tLast[k] = s->drift;
                const double u = g[a] + 0.0;
                const double au = fabs(u) - penalty[k] * al1;
                if (au <= 0) continue;
                const double *xk = x + k * n;
                const double xvk = current_xv(s, xv, k, v, xk, n);
                const double updated = (u < 0 ? -au : au) / (xvk + penalty[k] * al2);
                beta[k] = updated;
                APPLY_CHANGE(k, xk, updated);
                next = q + 1;
                moved = true;
                break;
            }
            if (moved) break;
            t += size;
        }
        c = next;
    }
done:
    #undef APPLY_CHANGE
    #undef APPLY_CHANGE_WITH
    *joinedCount = added;
    return dlx;
}

