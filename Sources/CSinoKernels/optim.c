#include "sino_kernels.h"

#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Every fused multiply-add below is written out; nothing else may be contracted into one.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

// One element of torch.optim.SGD's update (sino_kernels.h); `fmaf` rounds once on every CPU.
static inline void sgd_element(float *p, const float *g, float *b, long i, const sino_sgd_settings *s) {
    float d = g[i];
    if (s->use_decay) d = fmaf(p[i], s->decay, d);
    if (s->momentum_mode != 0) {
        const float buffer = s->momentum_mode == 1 ? d : fmaf(d, s->keep, b[i] * s->momentum);
        b[i] = buffer;
        d = s->nesterov ? fmaf(buffer, s->momentum, d) : buffer;
    }
    p[i] = fmaf(d, s->negative_rate, p[i]);
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void sgd_avx512(float *p, const float *g, float *b, long n, const sino_sgd_settings *s) {
    const __m512 decay = _mm512_set1_ps(s->decay), mu = _mm512_set1_ps(s->momentum);
    const __m512 keep = _mm512_set1_ps(s->keep), rate = _mm512_set1_ps(s->negative_rate);
    for (long i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        const __m512 pv = _mm512_maskz_loadu_ps(m, p + i);
        __m512 d = _mm512_maskz_loadu_ps(m, g + i);
        if (s->use_decay) d = _mm512_fmadd_ps(pv, decay, d);
        if (s->momentum_mode != 0) {
            __m512 buffer = d;
            if (s->momentum_mode == 2) buffer = _mm512_fmadd_ps(d, keep, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, b + i), mu));
            _mm512_mask_storeu_ps(b + i, m, buffer);
            d = s->nesterov ? _mm512_fmadd_ps(buffer, mu, d) : buffer;
        }
        _mm512_mask_storeu_ps(p + i, m, _mm512_fmadd_ps(d, rate, pv));
    }
}

__attribute__((target("avx2,fma"))) static void sgd_avx2(float *p, const float *g, float *b, long n, const sino_sgd_settings *s) {
    const __m256 decay = _mm256_set1_ps(s->decay), mu = _mm256_set1_ps(s->momentum);
    const __m256 keep = _mm256_set1_ps(s->keep), rate = _mm256_set1_ps(s->negative_rate);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 pv = _mm256_loadu_ps(p + i);
        __m256 d = _mm256_loadu_ps(g + i);
        if (s->use_decay) d = _mm256_fmadd_ps(pv, decay, d);
        if (s->momentum_mode != 0) {
            __m256 buffer = d;
            if (s->momentum_mode == 2) buffer = _mm256_fmadd_ps(d, keep, _mm256_mul_ps(_mm256_loadu_ps(b + i), mu));
            _mm256_storeu_ps(b + i, buffer);
            d = s->nesterov ? _mm256_fmadd_ps(buffer, mu, d) : buffer;
        }
        _mm256_storeu_ps(p + i, _mm256_fmadd_ps(d, rate, pv));
    }
    for (; i < n; i++) sgd_element(p, g, b, i, s);
}
#endif

// One element of torch.optim.AdamW's update (sino_kernels.h).
static inline void adamw_element(float *p, const float *g, float *m, float *v, float *vmax, long i, const sino_adamw_settings *s) {
    float param = p[i];
    if (s->use_decay) param = param * s->decay;
    const float grad = g[i];
    const float difference = grad - m[i];
    const float mean = s->small ? fmaf(s->w, difference, m[i]) : fmaf(s->w_minus_one, difference, grad);
    m[i] = mean;
    const float square = fmaf(s->c2 * grad, grad, v[i] * s->b2);
    v[i] = square;
    float second = square;
    if (s->amsgrad) {
        const float a = vmax[i];
        second = (isnan(a) || isnan(square)) ? NAN : (square >= a ? square : a);
        vmax[i] = second;
    }
    const float denominator = sqrtf(second) / s->correction2_root + s->epsilon;
    p[i] = param + (s->step_size * mean) / denominator;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void adamw_avx512(float *p, const float *g, float *m, float *v, float *vmax, long n,
                                                           const sino_adamw_settings *s) {
    const __m512 decay = _mm512_set1_ps(s->decay), w = _mm512_set1_ps(s->small ? s->w : s->w_minus_one);
    const __m512 b2 = _mm512_set1_ps(s->b2), c2 = _mm512_set1_ps(s->c2), epsilon = _mm512_set1_ps(s->epsilon);
    const __m512 step = _mm512_set1_ps(s->step_size), root = _mm512_set1_ps(s->correction2_root), nan = _mm512_set1_ps(NAN);
    for (long i = 0; i < n; i += 16) {
        const __mmask16 k = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 param = _mm512_maskz_loadu_ps(k, p + i);
        if (s->use_decay) param = _mm512_mul_ps(param, decay);
        const __m512 grad = _mm512_maskz_loadu_ps(k, g + i), old = _mm512_maskz_loadu_ps(k, m + i);
        const __m512 difference = _mm512_sub_ps(grad, old);
        const __m512 mean = _mm512_fmadd_ps(w, difference, s->small ? old : grad);
        _mm512_mask_storeu_ps(m + i, k, mean);
        const __m512 square = _mm512_fmadd_ps(_mm512_mul_ps(c2, grad), grad, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, v + i), b2));
        _mm512_mask_storeu_ps(v + i, k, square);
        __m512 second = square;
        if (s->amsgrad) {
            const __m512 a = _mm512_maskz_loadu_ps(k, vmax + i);
            // a > square ? a : square (MAXPS), NaN where either is NaN.
            const __mmask16 unordered = _mm512_cmp_ps_mask(a, square, _CMP_UNORD_Q);
            second = _mm512_mask_mov_ps(_mm512_max_ps(a, square), unordered, nan);
            _mm512_mask_storeu_ps(vmax + i, k, second);
        }
        const __m512 denominator = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(second), root), epsilon);
        _mm512_mask_storeu_ps(p + i, k, _mm512_add_ps(param, _mm512_div_ps(_mm512_mul_ps(step, mean), denominator)));
    }
}

__attribute__((target("avx2,fma"))) static void adamw_avx2(float *p, const float *g, float *m, float *v, float *vmax, long n,
                                                         const sino_adamw_settings *s) {
    const __m256 decay = _mm256_set1_ps(s->decay), w = _mm256_set1_ps(s->small ? s->w : s->w_minus_one);
    const __m256 b2 = _mm256_set1_ps(s->b2), c2 = _mm256_set1_ps(s->c2), epsilon = _mm256_set1_ps(s->epsilon);
    const __m256 step = _mm256_set1_ps(s->step_size), root = _mm256_set1_ps(s->correction2_root), nan = _mm256_set1_ps(NAN);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 param = _mm256_loadu_ps(p + i);
        if (s->use_decay) param = _mm256_mul_ps(param, decay);
        const __m256 grad = _mm256_loadu_ps(g + i), old = _mm256_loadu_ps(m + i);
        const __m256 difference = _mm256_sub_ps(grad, old);
        const __m256 mean = _mm256_fmadd_ps(w, difference, s->small ? old : grad);
        _mm256_storeu_ps(m + i, mean);
        const __m256 square = _mm256_fmadd_ps(_mm256_mul_ps(c2, grad), grad, _mm256_mul_ps(_mm256_loadu_ps(v + i), b2));
        _mm256_storeu_ps(v + i, square);
        __m256 second = square;
        if (s->amsgrad) {
            const __m256 a = _mm256_loadu_ps(vmax + i);
            second = _mm256_blendv_ps(_mm256_max_ps(a, square), nan, _mm256_cmp_ps(a, square, _CMP_UNORD_Q));
            _mm256_storeu_ps(vmax + i, second);
        }
        const __m256 denominator = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(second), root), epsilon);
        _mm256_storeu_ps(p + i, _mm256_add_ps(param, _mm256_div_ps(_mm256_mul_ps(step, mean), denominator)));
    }
    for (; i < n; i++) adamw_element(p, g, m, v, vmax, i, s);
}
#endif

int sino_optim_vector_level(void) {
#if defined(__x86_64__)
    static int level = -1;
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l < 0) {
        __builtin_cpu_init();
        l = __builtin_cpu_supports("avx512f") ? 2 : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
        __atomic_store_n(&level, l, __ATOMIC_RELAXED);
    }
    return l;
#else
    return 0;
#endif
}

void sino_sgd_update_at(int level, float *p, const float *g, float *b, long n, const sino_sgd_settings *s) {
#if defined(__x86_64__)
    if (level >= 2) return sgd_avx512(p, g, b, n, s);
    if (level == 1) return sgd_avx2(p, g, b, n, s);
#endif
    for (long i = 0; i < n; i++) sgd_element(p, g, b, i, s);
}

void sino_adamw_update_at(int level, float *p, const float *g, float *m, float *v, float *vmax, long n, const sino_adamw_settings *s) {
#if defined(__x86_64__)
    if (level >= 2) return adamw_avx512(p, g, m, v, vmax, n, s);
    if (level == 1) return adamw_avx2(p, g, m, v, vmax, n, s);
#endif
    for (long i = 0; i < n; i++) adamw_element(p, g, m, v, vmax, i, s);
}
