#include "sino_kernels.h"

#include <stdlib.h>
#include <string.h>

// Several order statistics at once (SinoRadiomics' NumpyMath.select): quickselect with
// median-of-three pivots and a three-way partition written without branches on the values
// (image intensities are as good as random: a branch per comparison mispredicts often), an
// insertion sort below 33 values, a full sort past a depth limit. The value at each target
// position is the one a full ascending sort puts there, whatever the algorithm.

static int compare_doubles(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void insertion_sort(double *a, long n) {
    for (long i = 1; i < n; i++) {
        double v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static double median3(double x, double y, double z) {
    if (x > y) { double t = x; x = y; y = t; }
    if (y > z) y = z;
    return x > y ? x : y;
}

// `scratch` has room for hi - lo values: those below the pivot are written from its front, those
// above it from its back (each value is written to both free ends and kept at one, or neither:
// the two ends never pass each other, and where they meet both writes are the same value).
static void select_range(double *a, long lo, long hi, const long *t, long tlo, long thi, double *scratch, int depth) {
    while (tlo < thi) {
        long n = hi - lo;
        if (n <= 32) {
            insertion_sort(a + lo, n);
            return;
        }
        if (depth-- == 0) {
            qsort(a + lo, (size_t)n, sizeof(double), compare_doubles);
            return;
        }
        double p = median3(a[lo], a[lo + n / 2], a[hi - 1]);
        long nl = 0, nm = 0;
        double *back = scratch + n - 1;
        for (long i = lo; i < hi; i++) {
            double v = a[i];
            scratch[nl] = v;
            nl += v < p;
            back[-nm] = v;
            nm += v > p;
        }
        long ne = n - nl - nm;
        memcpy(a + lo, scratch, (size_t)nl * sizeof(double));
        for (long k = 0; k < ne; k++) a[lo + nl + k] = p;
        memcpy(a + lo + nl + ne, scratch + n - nm, (size_t)nm * sizeof(double));
        long e0 = lo + nl, e1 = e0 + ne;
        long s1 = tlo;
        while (s1 < thi && t[s1] < e0) s1++;
        long s2 = s1;
        while (s2 < thi && t[s2] < e1) s2++;
        if (s1 > tlo) select_range(a, lo, e0, t, tlo, s1, scratch, depth);
        lo = e1;
        tlo = s2;
    }
}

void sino_select(double *a, long n, const long *targets, long count) {
    if (n < 2 || count <= 0) return;
    int depth = 0;
    for (long m = n; m > 0; m >>= 1) depth += 2;
    double *scratch = malloc((size_t)n * sizeof(double));
    if (!scratch) {
        qsort(a, (size_t)n, sizeof(double), compare_doubles);
        return;
    }
    select_range(a, 0, n, targets, 0, count, scratch, depth);
    free(scratch);
}
