#include "sino_kernels.h"
#include "vector_attributes.h"

#include <string.h>

// The input and output transforms of SinoNet's Winograd F(2x2, 3x3) (Winograd.swift):
// V = B^T d B per 4 x 4 input tile and y = A^T M A per 2 x 2 output tile, eight tiles per
// vector. Only additions, each its own IEEE operation in a fixed order, so the AVX2 build, the
// plain one and a tile-by-tile loop give the same bits.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
// The vector helpers are always inlined, so their by-value vectors never cross an ABI boundary.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));

INLINE v8f load8(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }

// The first `lanes` values at p, zeros after them.
INLINE v8f load_part(const float *p, long lanes) {
    if (lanes == 8) return load8(p);
    float t[8] = {0};
    memcpy(t, p, (size_t)lanes * sizeof(float));
    return load8(t);
}

INLINE void put(float *dst, v8f v, int accumulate) { store8(dst, accumulate ? load8(dst) + v : v); }

INLINE void store_part(float *p, v8f v, long lanes) {
    if (lanes == 8) {
        store8(p, v);
    } else {
        float t[8];
        store8(t, v);
        memcpy(p, t, (size_t)lanes * sizeof(float));
    }
}

// Even and odd lanes of the 16 floats at p: columns p[0], p[2], ... and p[1], p[3], ...
INLINE void deinterleave(const float *p, v8f *even, v8f *odd) {
    v8f lo = load8(p), hi = load8(p + 8);
    *even = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
    *odd = __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
}

INLINE void inputs_body(const float *x, long in_channels, long c0, long c1, long start, long count, long h, long w, long tw,
                        long tc, float *v, float *rows, long padded) {
    long per_image = ((h + 1) / 2) * tw, plane = in_channels * tc;
    for (long c = c0; c < c1; c++) {
        long t = start;
        while (t < start + count) {
            long image = t / per_image, r = t - image * per_image;
            long ty = r / tw, first = r - ty * tw;
            long run = tw - first < start + count - t ? tw - first : start + count - t;
            const float *src = x + (image * in_channels + c) * h * w;
            // The tile row's four image rows, zero-padded: padded index q is image column q - 1.
            for (int i = 0; i < 4; i++) {
                long yy = 2 * ty - 1 + i;
                float *row = rows + i * padded + 1;
                if (yy >= 0 && yy < h)
                    memcpy(row, src + yy * w, (size_t)w * sizeof(float));
                else
                    memset(row, 0, (size_t)w * sizeof(float));
            }
            for (long k = 0; k < run; k += 8) {
                long lanes = run - k < 8 ? run - k : 8, q = 2 * (first + k);
                // d[i][j]: column q + j of row i for eight tiles.
                v8f d[4][4];
                for (int i = 0; i < 4; i++) {
                    deinterleave(rows + i * padded + q, &d[i][0], &d[i][1]);
                    deinterleave(rows + i * padded + q + 2, &d[i][2], &d[i][3]);
                }
                // B^T d: rows r0 - r2, r1 + r2, r2 - r1, r1 - r3 (per column).
                v8f bt[4][4];
                for (int j = 0; j < 4; j++) {
                    bt[0][j] = d[0][j] - d[2][j];
                    bt[1][j] = d[1][j] + d[2][j];
                    bt[2][j] = d[2][j] - d[1][j];
                    bt[3][j] = d[1][j] - d[3][j];
                }
                // (B^T d) B: columns c0 - c2, c1 + c2, c2 - c1, c1 - c3 (per row).
                float *dst = v + c * tc + (t - start) + k;
                for (int i = 0; i < 4; i++) {
                    store_part(dst + (4 * i) * plane, bt[i][0] - bt[i][2], lanes);
                    store_part(dst + (4 * i + 1) * plane, bt[i][1] + bt[i][2], lanes);
                    store_part(dst + (4 * i + 2) * plane, bt[i][2] - bt[i][1], lanes);
                    store_part(dst + (4 * i + 3) * plane, bt[i][1] - bt[i][3], lanes);
                }
            }
            t += run;
        }
    }
}

AVX2 static void inputs_avx2(const float *x, long in_channels, long c0, long c1, long start, long count, long h, long w, long tw,
                             long tc, float *v, float *rows, long padded) {
    inputs_body(x, in_channels, c0, c1, start, count, h, w, tw, tc, v, rows, padded);
}

static void inputs_plain(const float *x, long in_channels, long c0, long c1, long start, long count, long h, long w, long tw,
                         long tc, float *v, float *rows, long padded) {
    inputs_body(x, in_channels, c0, c1, start, count, h, w, tw, tc, v, rows, padded);
}

INLINE void outputs_body(const float *m, long tc, long out_channels, long c0, long c1, long start, long count, long h, long w,
                         long tw, const float *bias, float *y, int accumulate) {
    long per_image = ((h + 1) / 2) * tw, plane = out_channels * tc;
    for (long o = c0; o < c1; o++) {
        float b = bias ? bias[o] : 0;
        v8f bv = {b, b, b, b, b, b, b, b};
        long t = start;
        while (t < start + count) {
            long image = t / per_image, r = t - image * per_image;
            long ty = r / tw, first = r - ty * tw;
            long run = tw - first < start + count - t ? tw - first : start + count - t;
            long oy = 2 * ty;
            int below = oy + 1 < h;
            float *top = y + (image * out_channels + o) * h * w + oy * w;
            for (long k = 0; k < run; k += 8) {
                long lanes = run - k < 8 ? run - k : 8;
                const float *src = m + o * tc + (t - start) + k;
                v8f s[16];
                for (int xi = 0; xi < 16; xi++) s[xi] = load_part(src + xi * plane, lanes);
                // A^T M: rows m0 + m1 + m2 and m1 - m2 - m3 (column j is plane 4 r + j).
                v8f a0[4], a1[4];
                for (int j = 0; j < 4; j++) {
                    a0[j] = s[j] + s[4 + j] + s[8 + j];
                    a1[j] = s[4 + j] - s[8 + j] - s[12 + j];
                }
                // (A^T M) A: columns c0 + c1 + c2 and c1 - c2 - c3.
                v8f out0 = a0[0] + a0[1] + a0[2], out1 = a0[1] - a0[2] - a0[3];
                v8f out2 = a1[0] + a1[1] + a1[2], out3 = a1[1] - a1[2] - a1[3];
                if (bias) {
                    out0 += bv;
                    out1 += bv;
                    out2 += bv;
                    out3 += bv;
                }
                long ox = 2 * (first + k);
                if (lanes == 8 && ox + 16 <= w && below) {
                    // Eight whole tiles: each output row is 16 consecutive values.
                    v8f u0 = __builtin_shufflevector(out0, out1, 0, 8, 1, 9, 2, 10, 3, 11);
                    v8f u1 = __builtin_shufflevector(out0, out1, 4, 12, 5, 13, 6, 14, 7, 15);
                    v8f l0 = __builtin_shufflevector(out2, out3, 0, 8, 1, 9, 2, 10, 3, 11);
                    v8f l1 = __builtin_shufflevector(out2, out3, 4, 12, 5, 13, 6, 14, 7, 15);
                    put(top + ox, u0, accumulate);
                    put(top + ox + 8, u1, accumulate);
                    put(top + w + ox, l0, accumulate);
                    put(top + w + ox + 8, l1, accumulate);
                } else {
                    for (long l = 0; l < lanes; l++) {
                        float *dst = top + ox + 2 * l;
                        int right = ox + 2 * l + 1 < w;
                        if (accumulate) {
                            dst[0] += out0[l];
                            if (right) dst[1] += out1[l];
                            if (below) {
                                dst[w] += out2[l];
                                if (right) dst[w + 1] += out3[l];
                            }
                        } else {
                            dst[0] = out0[l];
                            if (right) dst[1] = out1[l];
                            if (below) {
                                dst[w] = out2[l];
                                if (right) dst[w + 1] = out3[l];
                            }
                        }
                    }
                }
            }
            t += run;
        }
    }
}

AVX2 static void outputs_avx2(const float *m, long tc, long out_channels, long c0, long c1, long start, long count, long h, long w,
                              long tw, const float *bias, float *y, int accumulate) {
    outputs_body(m, tc, out_channels, c0, c1, start, count, h, w, tw, bias, y, accumulate);
}

static void outputs_plain(const float *m, long tc, long out_channels, long c0, long c1, long start, long count, long h, long w,
                          long tw, const float *bias, float *y, int accumulate) {
    outputs_body(m, tc, out_channels, c0, c1, start, count, h, w, tw, bias, y, accumulate);
}

static int use_avx2 = -1;

static int avx2(int vector_bits) {
    if (use_avx2 < 0) use_avx2 = sino_kernels_have_avx2() ? 1 : 0;
    return vector_bits >= 256 && use_avx2;
}

void sino_winograd_inputs(const float *x, long in_channels, long c0, long c1, long start, long count, long h, long w, long tc,
                          float *v, float *rows, int vector_bits) {
    long tw = (w + 1) / 2, padded = 2 * tw + 18;
    memset(rows, 0, (size_t)(4 * padded) * sizeof(float));
    if (avx2(vector_bits))
        inputs_avx2(x, in_channels, c0, c1, start, count, h, w, tw, tc, v, rows, padded);
    else
        inputs_plain(x, in_channels, c0, c1, start, count, h, w, tw, tc, v, rows, padded);
}

void sino_winograd_outputs(const float *m, long tc, long out_channels, long c0, long c1, long start, long count, long h, long w,
                           const float *bias, float *y, int accumulate, int vector_bits) {
    long tw = (w + 1) / 2;
    if (avx2(vector_bits))
        outputs_avx2(m, tc, out_channels, c0, c1, start, count, h, w, tw, bias, y, accumulate);
    else
        outputs_plain(m, tc, out_channels, c0, c1, start, count, h, w, tw, bias, y, accumulate);
}
