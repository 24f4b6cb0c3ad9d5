#ifndef SINO_KERNELS_H
#define SINO_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

/// Whether this CPU runs the AVX2 kernels below (checked once, at run time).
bool sino_kernels_have_avx2(void);

/// Whether this CPU runs the AVX-512 kernels below (checked once, at run time).
bool sino_kernels_have_avx512(void);

/// ITK's RecursiveSeparableImageFilter::FilterDataArray on `width` lines side by side (element i
/// of line k at x[i * xstride + k]): causal and anticausal 4th-order passes with each lane's
/// operations in ITK's order (separate multiplies and adds, no fused multiply-add), the sum left
/// in s1 (element i of line k at s1[i * width + k]). `c` holds n0..n3, d1..d4, m1..m4,
/// bn1..bn4, bm1..bm4 (20 doubles). The causal pass runs up to element causal_end - 1 (at least
/// 3) and the anticausal one down to element anticausal_start (at most ln - 4): s1 holds the
/// sum, the same bits as the whole lines', from anticausal_start to causal_end - 1 (0 and ln:
/// every element). Lanes run eight per AVX-512 instruction while they last when vector_bits >=
/// 512 (the CPU must have AVX-512), then four per AVX2 instruction when vector_bits >= 256
/// (AVX2), the rest one at a time: the same IEEE operations per lane in every case, the same as
/// SinoRadiomics' Swift loop, so the same bits. Lines that lie side by side in memory (along y
/// or z of an image) are filtered where they are.
void sino_recursive_gaussian_lines(const double *x, long xstride, double *s1, long ln, long width, const double *c, long causal_end,
                                   long anticausal_start, int vector_bits);

/// The lines along x of `rows` image rows (`rowstride` elements apart, `n` elements each)
/// interleaved for the recursive Gaussian: out[i * width + k] = in[min(k, rows - 1) * rowstride + i]
/// for k < width (lanes from rows on repeat the last row), widened to double (exactly); four rows
/// per AVX2 transpose where the CPU has it and width is a multiple of 4.
void sino_lines_from_rows_f64(const double *in, long rowstride, long rows, long n, double *out, long width);
void sino_lines_from_rows_f32(const float *in, long rowstride, long rows, long n, double *out, long width);

/// Back: out[k * rowstride + i] = (float)s[i * width + k] (round to nearest) for k < rows and
/// first <= i <= last (AVX2 transposes where the CPU has it).
void sino_rows_from_lines_f32(const double *s, long width, long rows, long first, long last, float *out, long rowstride);

/// Householder reduction of the row-major symmetric n x n matrix `a` (lower triangle used,
/// destroyed) to tridiagonal form: diagonal in d[0..n), sub-diagonal in e[0..n-1) (e[i] couples
/// i and i + 1), e[n-1] = 0 (SinoRadiomics' SymmetricEigenvalues.tridiagonalise). Four lanes per
/// vector, AVX2 where the CPU has it and vector_bits >= 256, else plain C: the same IEEE
/// operations in the same order either way, so the same bits.
void sino_tridiagonalise(double *a, long n, double *d, double *e, int vector_bits);

/// Sturm counts of the symmetric tridiagonal (d, e) of size n >= 1 at the 24 points x[0..24):
/// how many eigenvalues lie below each, by q = (d_i - x) - e_{i-1}^2 / q with LAPACK dlaebz's
/// pivot guard (-pivmin < q < pivmin becomes -pivmin). AVX2 or plain C as above, the same bits.
void sino_sturm_counts24(const double *d, const double *e, long n, const double *x, double pivmin, int64_t *counts, int vector_bits);

/// GLRLM runs along one angle (`step` cells apart in a padded grid of local level indices: -2
/// outside the kernel, -1 outside the ROI): for the `count` ROI cells in raster order (reversed
/// when step < 0, so each cell's predecessor comes first), run[c] = the run's length so far,
/// counts[level * nr + length - 1] += 1 where a run ends. Returns the number of runs;
/// *multi_element: whether some line holds two ROI cells.
double sino_glrlm_runs(const int32_t *grid, int32_t *run, const long *cells, long count, long step, double *counts, long nr,
                       bool *multi_element);

/// GLSZM zones of a padded grid of levels (0 on the border and outside the ROI; cleared as the
/// zones are found): for each of the `roi_count` ROI cells in order not yet in a zone, the zone
/// of its level through the `na` offsets `steps`, found depth first with `stack` (room for
/// roi_count + 1 cells). zones[z] = slot[level] << 32 | size; returns the number of zones,
/// *max_size the largest.
long sino_glszm_zones(int32_t *levels, const long *roi, long roi_count, const long *steps, long na, const int32_t *slot, long *stack,
                      long *zones, long *max_size);

/// Rearranges n NaN-free values so that each of the `count` positions in `targets` (ascending,
/// each in 0..<n) holds the value a full ascending sort would put there (quickselect on every
/// target at once, branch-free three-way partitions).
void sino_select(double *a, long n, const long *targets, long count);

/// sum_i a_i b_i in the widest vectors this CPU has (AVX-512, AVX2 or plain C, chosen once);
/// the lanes' partial sums are added in a fixed order, so the result depends on the CPU only.
double sino_glmnet_dot(const double *a, const double *b, long n);

/// sum_i (v_i x_i) x_i, in the same vectors as sino_glmnet_dot.
double sino_glmnet_weighted_squares(const double *v, const double *x, long n);

/// r_i -= (d v_i) x_i, each multiply and the subtraction rounded on their own.
void sino_glmnet_subtract_scaled_product(double *r, double d, const double *v, const double *x, long n);

/// One coordinate pass of glmnet's lognet2n / lognetn (one class) over `columns` (count of
/// them), in their order: for each column k of the column-major n x p `x`,
/// u = x_k' r + xv_k beta_k, beta_k soft-thresholded at penalty_k al1 and divided by
/// xv_k + penalty_k al2, and for a change d the residual r -= d v x_k. Returns the largest
/// xv_k d^2. With `fillXV`, each column's xv_k is first set to sino_glmnet_weighted_squares(v,
/// x_k) (the same bits as computing them all before the pass; x_k is then read while in cache). With `entered` non-null (a pass that may add variables), a changed column not yet
/// entered is marked and appended to `joined` (*joinedCount of them); when `active` plus those
/// would pass `pmax`, *overflow is set and the pass stops there, as glmnet's does.
double sino_glmnet_pass(const double *x, long n, const long *columns, long count, double *r, const double *v,
                        double *beta, double *xv, bool fillXV, const double *penalty, double al1, double al2,
                        bool *entered, long active, long pmax, long *joined, long *joinedCount, bool *overflow);

/// order[i] = the index of the i-th smallest of the n values (none NaN), stably (equal values
/// keep their input order; -0 sorts just before +0). A radix sort of the values' bits; `keys`
/// (2n) and `scratch` (n) are the caller's scratch space.
void sino_sort_order(const double *values, long n, long *order, uint64_t *keys, long *scratch);

/// What a screened coordinate pass keeps between passes, for one class's residual r.
typedef struct {
    /// ||x_k||_2 of every column.
    const double *xnorm;
    /// |x_k' r| when it was last computed (+infinity before), and `drift` then.
    double *gLast;
    double *tLast;
    /// An upper bound on the distance r has moved since the start, summed over its changes.
    double drift;
    /// The largest weight v_i of the pass's class (bounds each update's movement).
    double vmax;
    /// xv_k is current when xvStamp[k] == epoch (the caller moves epoch when v changes).
    long *xvStamp;
    long epoch;
    /// Scratch space for as many indices as a pass has columns.
    long *scratch;
    /// Visits passed over and products computed (for the bench's counts).
    long skipped;
    long computed;
} sino_glmnet_screen;

/// sino_glmnet_pass (without fillXV) for a class whose screen `s` is kept between passes: a
/// zero coefficient whose |x_k' r| is bounded below penalty_k al1 (its last computed value plus
/// ||x_k|| times the residual's movement since, with room for rounding) is passed over, as it
/// would stay zero; xv_k is computed with the current v (epoch) only for a column whose
/// coefficient is not zero or changes. The betas, r, the entered variables and the returned
/// value are the same bits as sino_glmnet_pass's with every xv_k current; the caller adds the
/// residual's other movements (the intercept, a new r) to s->drift.
double sino_glmnet_screened_pass(const double *x, long n, const long *columns, long count, double *r, const double *v,
                                 double *beta, double *xv, sino_glmnet_screen *s, const double *penalty, double al1,
                                 double al2, bool *entered, long active, long pmax, long *joined, long *joinedCount,
                                 bool *overflow);

/// torch.optim.SGD's per-element constants (SinoNet's SGD): the weight decay, the momentum,
/// 1 - dampening and -lr as Float32; momentum_mode 0 without momentum (`b` unused), 1 on a
/// parameter's first step (the buffer is d), 2 afterwards.
typedef struct {
    float decay, momentum, keep, negative_rate;
    bool use_decay, nesterov;
    int momentum_mode;
} sino_sgd_settings;

/// The optimisers' widest kernels on this CPU: 2 AVX-512, 1 AVX2 + FMA, 0 plain C (decided once).
int sino_optim_vector_level(void);

/// One SGD step over n parameters p with gradients g and momentum buffers b, with the kernels
/// of `level` (sino_optim_vector_level() or lower), element by element as ATen:
/// d = fma(p, decay, g) (with decay), b = fma(d, keep, b * momentum) (or d on the first step),
/// d = fma(b, momentum, d) (Nesterov) or b, p = fma(d, negative_rate, p). Every fma rounds once,
/// so every level gives the same bits.
void sino_sgd_update_at(int level, float *p, const float *g, float *b, long n, const sino_sgd_settings *s);

/// torch.optim.AdamW's per-element constants for one parameter's step (SinoNet's AdamW):
/// decay = 1 - lr wd, w = 1 - beta1 (small: |w| < 0.5, lerp's two forms), b2 = beta2,
/// c2 = 1 - beta2, step_size = -lr / (1 - beta1^t), correction2_root = sqrt(1 - beta2^t).
typedef struct {
    float decay, w, w_minus_one, b2, c2, epsilon, step_size, correction2_root;
    bool use_decay, small, amsgrad;
} sino_adamw_settings;

/// One AdamW step over n parameters (moments m, v and, with amsgrad, vmax) with the kernels of
/// `level` (sino_optim_vector_level() or lower), element by element as ATen: param = p decay,
/// m = lerp(m, g, w) (fma(w, g - m, m), or fma(w - 1, g - m, g) when not small),
/// v = fma(c2 g, g, v b2), vmax = max(vmax, v) (NaN if either is), and
/// p = param + (step_size m) / (sqrt(v or vmax) / correction2_root + epsilon); every level gives
/// the same bits.
void sino_adamw_update_at(int level, float *p, const float *g, float *m, float *v, float *vmax, long n,
                          const sino_adamw_settings *s);

/// SinoNet's Winograd F(2x2, 3x3) input transform (Winograd.swift): for input channels [c0, c1)
/// and the tiles start ..< start + count of x [N, in_channels, h, w] (tiles as in
/// `sino_winograd_outputs`), V[xi][c][t - start] = (B^T d B)[xi] at v[(xi in_channels + c) tc +
/// t - start], d the 4 x 4 input tile around the tile's 2 x 2 outputs (zero beyond the image).
/// `rows` is scratch for 4 (2 ceil(w / 2) + 18) floats. Eight tiles per vector with AVX2, else
/// the plain build: the same bits.
void sino_winograd_inputs(const float *x, long in_channels, long c0, long c1, long start, long count, long h, long w, long tc,
                          float *v, float *rows, int vector_bits);

/// SinoNet's Winograd F(2x2, 3x3) output transform (Winograd.swift): for output channels
/// [c0, c1) and the tiles start ..< start + count (tile t is image t / (th tw), tile row and
/// column within it; th = ceil(h / 2), tw = ceil(w / 2)), y[image, o] (=, or += with
/// `accumulate`) A^T M A (+ bias[o] when bias is not NULL), the parts of a tile beyond the
/// image's edge dropped. M is 16 planes of out_channels rows of tc floats: M[xi][o][t - start]
/// at m[(xi out_channels + o) tc + t - start]. y is [N, out_channels, h, w]. Eight tiles per
/// vector with AVX2 (vector_bits >= 256 on a CPU that has it), else the plain build: the same
/// bits, each sum in the order of A^T M A written out.
void sino_winograd_outputs(const float *m, long tc, long out_channels, long c0, long c1, long start, long count, long h, long w,
                           const float *bias, float *y, int accumulate, int vector_bits);

#endif
