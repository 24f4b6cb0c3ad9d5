// Function attributes of the vector kernels that are built twice, once for AVX2 and once plain
// (eigen.c, winograd.c): AVX2 marks the AVX2 build of a body, INLINE a helper always inlined
// into both (so its by-value vectors never cross an ABI boundary).
#ifndef SINO_VECTOR_ATTRIBUTES_H
#define SINO_VECTOR_ATTRIBUTES_H

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))
#else
#define AVX2
#endif
#define INLINE static inline __attribute__((always_inline))

#endif
