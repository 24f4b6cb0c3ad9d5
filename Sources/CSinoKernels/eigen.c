#include "sino_kernels.h"
#include "vector_attributes.h"

#include <math.h>
#include <string.h>

// The symmetric eigenvalue helpers of SinoRadiomics' MCC (SymmetricEigenvalues.swift): every
// multiply, add and divide is its own IEEE operation in a fixed order, four lanes per vector as
// four scalars would run them, so the AVX2 build and the plain one give the same bits.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

typedef double v4d __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));

INLINE v4d load4(const double *p) {
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store4(double *p, v4d v) { memcpy(p, &v, sizeof v); }

INLINE v4d splat4(double a) { return (v4d){a, a, a, a}; }

// Householder reduction of the row-major symmetric n x n `a` (lower triangle) to tridiagonal
// form, as SymmetricEigenvalues.tridiagonalise documents it.
INLINE void tridiagonalise_body(double *a, long n, double *d, double *e) {
    if (n == 0) return;
    for (long i = n - 1; i >= 1; i--) {
        long l = i - 1;
        double *u = a + i * n;
        if (l == 0) {
            e[i] = u[l];
            continue;
        }
        double scale = 0;
        for (long k = 0; k <= l; k++) scale += fabs(u[k]);
        if (scale == 0) {
            e[i] = u[l];
            continue;
        }
        double h = 0;
        for (long k = 0; k <= l; k++) {
            double v = u[k] / scale;
            u[k] = v;
            h += v * v;
        }
        double f = u[l];
        double g0 = f >= 0 ? -sqrt(h) : sqrt(h);
        e[i] = scale * g0;
        h -= f * g0;
        u[l] = f - g0;
        // e = A u / h, row by row: row j gives the dot product with u for e[j] and adds
        // u[j] A[j, k] to e[k], k < j; lane r of the dot product sums the products k = r (mod 4).
        for (long j = 0; j <= l; j++) e[j] = 0;
        for (long j = 0; j <= l; j++) {
            const double *row = a + j * n;
            double uj = u[j];
            v4d acc = splat4(0), ujv = splat4(uj);
            long k = 0;
            for (; k + 4 <= j; k += 4) {
                v4d r = load4(row + k);
                acc += r * load4(u + k);
                store4(e + k, load4(e + k) + r * ujv);
            }
            double s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
            for (; k < j; k++) {
                s0 += row[k] * u[k];
                e[k] += row[k] * uj;
            }
            e[j] += ((s0 + s1) + (s2 + s3)) + row[j] * uj;
        }
        double ff = 0;
        for (long j = 0; j <= l; j++) {
            e[j] /= h;
            ff += e[j] * u[j];
        }
        double hh = ff / (h + h);
        for (long j = 0; j <= l; j++) {
            double fj = u[j];
            double g = e[j] - hh * fj;
            e[j] = g;
            double *row = a + j * n;
            v4d fv = splat4(fj), gv = splat4(g);
            long k = 0;
            for (; k + 4 <= j + 1; k += 4) store4(row + k, load4(row + k) - (fv * load4(e + k) + gv * load4(u + k)));
            for (; k <= j; k++) row[k] = row[k] - (fj * e[k] + g * u[k]);
        }
    }
    for (long k = 0; k < n; k++) d[k] = a[k * n + k];
    for (long k = 1; k < n; k++) e[k - 1] = e[k];
    e[n - 1] = 0;
}

AVX2 static void tridiagonalise_avx2(double *a, long n, double *d, double *e) { tridiagonalise_body(a, n, d, e); }

static void tridiagonalise_plain(double *a, long n, double *d, double *e) { tridiagonalise_body(a, n, d, e); }

// Sturm counts at 24 points, six chains of four lanes (their divisions overlap: one chain waits
// on each division's latency, six cost little more): q = (d_i - x) - e_{i-1}^2 / q with LAPACK's
// pivot guard (-pivmin < q < pivmin becomes -pivmin), counting q < 0.
enum { STURM_CHAINS = 6 };

INLINE void sturm_counts_body(const double *d, const double *e, long n, const double *x, double pivmin, int64_t *counts) {
    v4d guard = splat4(-pivmin), limit = splat4(pivmin), zero = splat4(0);
    v4d xs[STURM_CHAINS], q[STURM_CHAINS];
    v4i c[STURM_CHAINS];
    for (int k = 0; k < STURM_CHAINS; k++) {
        xs[k] = load4(x + 4 * k);
        q[k] = splat4(d[0]) - xs[k];
        v4i m = (q[k] < limit) & (q[k] > guard);
        q[k] = (v4d)(((v4i)q[k] & ~m) | ((v4i)guard & m));
        c[k] = -(q[k] < zero);
    }
    for (long i = 1; i < n; i++) {
        double ei = e[i - 1];
        v4d di = splat4(d[i]), e2 = splat4(ei * ei);
        for (int k = 0; k < STURM_CHAINS; k++) {
            q[k] = (di - xs[k]) - e2 / q[k];
            v4i m = (q[k] < limit) & (q[k] > guard);
            q[k] = (v4d)(((v4i)q[k] & ~m) | ((v4i)guard & m));
            c[k] -= (q[k] < zero);
        }
    }
    for (int k = 0; k < STURM_CHAINS; k++)
        for (int j = 0; j < 4; j++) counts[4 * k + j] = c[k][j];
}

AVX2 static void sturm_counts_avx2(const double *d, const double *e, long n, const double *x, double pivmin, int64_t *counts) {
    sturm_counts_body(d, e, n, x, pivmin, counts);
}

static void sturm_counts_plain(const double *d, const double *e, long n, const double *x, double pivmin, int64_t *counts) {
    sturm_counts_body(d, e, n, x, pivmin, counts);
}

static int use_avx2 = -1;

static bool avx2(int vector_bits) {
    if (use_avx2 < 0) use_avx2 = sino_kernels_have_avx2() ? 1 : 0;
    return vector_bits >= 256 && use_avx2;
}

void sino_tridiagonalise(double *a, long n, double *d, double *e, int vector_bits) {
    if (avx2(vector_bits))
        tridiagonalise_avx2(a, n, d, e);
    else
        tridiagonalise_plain(a, n, d, e);
}

void sino_sturm_counts24(const double *d, const double *e, long n, const double *x, double pivmin, int64_t *counts, int vector_bits) {
    if (avx2(vector_bits))
        sturm_counts_avx2(d, e, n, x, pivmin, counts);
    else
        sturm_counts_plain(d, e, n, x, pivmin, counts);
}
