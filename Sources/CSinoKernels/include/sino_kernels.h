#ifndef SINO_KERNELS_H
#define SINO_KERNELS_H

#include <stdbool.h>

/// Whether this CPU runs the AVX2 kernels below (checked once, at run time).
bool sino_kernels_have_avx2(void);

/// ITK's RecursiveSeparableImageFilter::FilterDataArray on `width` interleaved lines (a
/// multiple of 4; element i of line k at i * width + k), causal and anticausal 4th-order passes
/// with each lane's operations in ITK's order (separate multiplies and adds, no fused
/// multiply-add), the sum left in s1, the anticausal part in s2. `c` holds n0..n3, d1..d4,
/// m1..m4, bn1..bn4, bm1..bm4 (20 doubles). The same IEEE operations as SinoRadiomics' Swift
/// loop, four lanes per AVX2 instruction. Only call it when sino_kernels_have_avx2().
void sino_recursive_gaussian_lines_avx2(const double *x, double *s1, double *s2, long ln, long width, const double *c);

#endif
