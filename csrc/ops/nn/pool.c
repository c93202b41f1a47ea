/* pool.c - pooling: max_pool1d/2d/3d (+ _with_indices), avg_pool1d/2d/3d,
 * adaptive_avg_pool1d/2d/3d, adaptive_max_pool1d/2d/3d.
 *
 * One plane loop serves them all: the input is made contiguous [planes,
 * D, H, W] (1-D and 2-D pools use leading spatial dims of size 1), planes
 * (batch x channels) are spread over the pool, and each output position
 * reduces its window [start, end) in every dim.  Window rules, output sizes,
 * divisors and NaN handling follow ATen (Pool.h, AdaptivePooling.h, the CPU
 * kernels): max keeps the last NaN it sees, avg divides the sum by the
 * divisor in one step, adaptive avg divides by each window extent in turn
 * (3-d float16/bfloat16 accumulating in that type, as ATen does).
 * Floats compute in their own width (float16/bfloat16 in float32); max and
 * avg pools of integers compute in int64 (avg truncates like torch).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"
#include "tensor/vmath.h"

typedef enum pool_kind { POOL_MAX, POOL_AVG, POOL_ADAPTIVE_AVG, POOL_ADAPTIVE_MAX } pool_kind;

typedef struct pool_job {
    pool_kind kind;
    int cd; /* compute dtype: PTS_FLOAT32, PTS_FLOAT64 or PTS_INT64 */
    int rdt; /* PTS_FLOAT16/PTS_BFLOAT16: accumulate rounding to it (ATen's 3-d adaptive avg); else -1 */
    bool reduced_acc; /* set rdt for float16/bfloat16 inputs (pool_run) */
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
    bool count_include_pad;
    int64_t divisor; /* 0 = none */
    const void *x;
    void *y;
    int64_t *idx; /* NULL unless indices are wanted */
} pool_job;

/* Window of output o along dim i: [*b, *e) in input coordinates, step *st;
 * *full = the extent counted with padding (avg pools). */
static void pool_window(const pool_job *j, int i, int64_t o, int64_t *b, int64_t *e, int64_t *st, int64_t *full)
{
    if (j->kind == POOL_ADAPTIVE_AVG || j->kind == POOL_ADAPTIVE_MAX) {
        int64_t in = j->in[i], out = j->out[i];
        *b = (o / out) * in + ((o % out) * in) / out; /* start_index */
        *e = 1 + ((o + 1) * in - 1) / out;             /* end_index */
        *st = 1;
        *full = *e - *b;
        return;
    }
    int64_t lo = o * j->s[i] - j->p[i];
    if (j->kind == POOL_MAX) {
        int64_t hi = lo + (j->k[i] - 1) * j->d[i] + 1;
        if (hi > j->in[i])
            hi = j->in[i];
        while (lo < 0)
            lo += j->d[i];
        *b = lo;
        *e = hi;
        *st = j->d[i];
        *full = 0;
        return;
    }
    int64_t hi = lo + j->k[i];
    if (hi > j->in[i] + j->p[i])
        hi = j->in[i] + j->p[i];
    *full = hi - lo;
    *b = lo < 0 ? 0 : lo;
    *e = hi > j->in[i] ? j->in[i] : hi;
    *st = 1;
}

#define IS_NAN_float(v) ((v) != (v))
#define IS_NAN_double(v) ((v) != (v))
#define IS_NAN_int64_t(v) 0
#define NEG_INF_float (-INFINITY)
#define NEG_INF_double (-INFINITY)
#define NEG_INF_int64_t INT64_MIN
#define NAN_float NAN
#define NAN_double NAN
#define NAN_int64_t 0

/* ATen's 3-d adaptive average of float16/bfloat16 sums in the reduced type
 * (rounding after every addition) and divides by each extent in turn. */
static float pool_adaptive_rounded(const pool_job *j, const float *x, int64_t d0, int64_t d1, int64_t h0, int64_t h1,
                                   int64_t w0, int64_t w1)
{
    float sum = 0;
    for (int64_t a = d0; a < d1; a++)
        for (int64_t b = h0; b < h1; b++)
            for (int64_t c = w0; c < w1; c++)
                sum = pts_nn_round(j->rdt, sum + x[(a * j->in[1] + b) * j->in[2] + c]);
    sum = pts_nn_round(j->rdt, sum / (float)(d1 - d0));
    sum = pts_nn_round(j->rdt, sum / (float)(h1 - h0));
    return pts_nn_round(j->rdt, sum / (float)(w1 - w0));
}

/* One plane: x [D*H*W] -> y [oD*oH*oW] (+ indices). Sum type A. */
/* One max-pool window, scalar, in torch's order (row-major, a NaN wins and stays, ties keep the
 * first): sets best and bi (its flat index) from x, H, W and the window d0..d1 step DS, h0..h1
 * step hs, w0..w1 step ws in scope. */
#define MAX_WINDOW(T, DS)                                                                           \
    do {                                                                                            \
        best = NEG_INF_##T;                                                                         \
        bi = (d0 * H + h0) * W + w0;                                                                \
        for (int64_t a = d0; a < d1; a += (DS))                                                     \
            for (int64_t b = h0; b < h1; b += hs)                                                   \
                for (int64_t c = w0; c < w1; c += ws) {                                             \
                    int64_t i = (a * H + b) * W + c;                                                \
                    T v = x[i];                                                                     \
                    if (v > best || IS_NAN_##T(v)) {                                                \
                        best = v;                                                                   \
                        bi = i;                                                                     \
                    }                                                                               \
                }                                                                                   \
    } while (0)

#define DEFINE_POOL_PLANE(T, A)                                                                     \
    static void pool_plane_##T(const pool_job *j, const T *x, T *y, int64_t *ix)                  \
    {                                                                                               \
        int64_t H = j->in[1], W = j->in[2], o = 0;                                                  \
        for (int64_t od = 0; od < j->out[0]; od++) {                                                \
            int64_t d0, d1, ds, fd;                                                                 \
            pool_window(j, 0, od, &d0, &d1, &ds, &fd);                                              \
            for (int64_t oh = 0; oh < j->out[1]; oh++) {                                            \
                int64_t h0, h1, hs, fh;                                                             \
                pool_window(j, 1, oh, &h0, &h1, &hs, &fh);                                          \
                for (int64_t ow = 0; ow < j->out[2]; ow++, o++) {                                   \
                    int64_t w0, w1, ws, fw;                                                         \
                    pool_window(j, 2, ow, &w0, &w1, &ws, &fw);                                      \
                    if (j->kind == POOL_MAX || j->kind == POOL_ADAPTIVE_MAX) {                      \
                        T best;                                                                     \
                        int64_t bi;                                                                 \
                        MAX_WINDOW(T, ds);                                                          \
                        y[o] = best;                                                                \
                        if (ix)                                                                     \
                            ix[o] = bi;                                                             \
                        continue;                                                                   \
                    }                                                                               \
                    if (d0 >= d1 || h0 >= h1 || w0 >= w1) { /* adaptive: the mean of nothing */    \
                        y[o] = j->kind == POOL_ADAPTIVE_AVG ? NAN_##T : 0;                          \
                        continue;                                                                   \
                    }                                                                               \
                    if (j->rdt >= 0 && j->kind == POOL_ADAPTIVE_AVG) {                              \
                        y[o] = (T)pool_adaptive_rounded(j, (const float *)(const void *)x, d0, d1, h0, \
                                                        h1, w0, w1);                                \
                        continue;                                                                   \
                    }                                                                               \
                    A sum = 0;                                                                      \
                    for (int64_t a = d0; a < d1; a++)                                               \
                        for (int64_t b = h0; b < h1; b++)                                           \
                            for (int64_t c = w0; c < w1; c++)                                       \
                                sum += (A)x[(a * H + b) * W + c];                                   \
                    if (j->kind == POOL_ADAPTIVE_AVG) {                                             \
                        y[o] = (T)(sum / (A)(d1 - d0) / (A)(h1 - h0) / (A)(w1 - w0));               \
                    } else {                                                                        \
                        int64_t div = j->divisor ? j->divisor                                       \
                                      : j->count_include_pad ? fd * fh * fw                         \
                                                             : (d1 - d0) * (h1 - h0) * (w1 - w0);   \
                        y[o] = (T)(sum / (A)div);                                                   \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }

DEFINE_POOL_PLANE(float, double)
DEFINE_POOL_PLANE(double, double)
DEFINE_POOL_PLANE(int64_t, int64_t)

/* ---- max pools: the plane loop's window order, vectorized across output columns ----------
 *
 * Every output of a max pool is ATen's loop over its window in row-major order (depth,
 * rows, columns): best = -inf and index = the window's first element, then each v with
 * v > best or v NaN replaces both (among equal values the first one stays, so which of
 * -0 / +0 is kept follows that order; the last NaN stays).  The outputs of one row whose
 * windows lie inside the input's columns ("interior": ow in [oL, oR)) run that same
 * sequence side by side, MP_BLOCK at a time: for each window row and each column tap, one
 * vector step per block, each lane seeing its own window's elements in ATen's order, so
 * values (bits) and indices are the plane loop's.  Outputs whose window is clipped by the
 * padding, and rows with fewer than MP_BLOCK interior outputs, take the plane loop's code. */
#define MP_BLOCK 16 /* outputs per vector block: one AVX-512 vector of floats */
#define MP_ROW_STACK 2048 /* input rows up to this wide are split by stride phase on the stack */
#define DEFINE_MAXPOOL(T)                                                                                     \
    /* MP_BLOCK interior outputs from ow0 of one output row, one window row (its start rowoff in the plane;   \
     * column c of it is ph[(c % s) * Wp + c / s]), each column tap in turn; the maxima so far in yr / ir */  \
    static inline __attribute__((always_inline)) void mp_block_##T(                                           \
        const T *restrict ph, int64_t Wp, T *restrict yr, int64_t *restrict ir, int64_t rowoff, int64_t ow0,   \
        int64_t s, int64_t d, int64_t p, int64_t kw, bool want_idx)                                           \
    {                                                                                                         \
        for (int64_t t = 0; t < kw; t++) {                                                                    \
            int64_t e = t * d - p, q = ((e % s) + s) % s, m0 = (e - q) / s; /* column ow*s + e = (ow+m0)*s + q */ \
            const T *src = ph + q * Wp + ow0 + m0;                                                            \
            int64_t c0 = rowoff + ow0 * s + e;                                                                \
            for (int l = 0; l < MP_BLOCK; l++) {                                                              \
                T v = src[l], b = yr[ow0 + l];                                                                \
                bool take = (v > b) | IS_NAN_##T(v);                                                          \
                yr[ow0 + l] = take ? v : b;                                                                   \
                if (want_idx)                                                                                 \
                    ir[ow0 + l] = take ? c0 + l * s : ir[ow0 + l];                                            \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
                                                                                                              \
    /* interior outputs [o0, o1) of one row (o1 - o0 >= MP_BLOCK), one window row: whole blocks, then one     \
     * block ending at o1 (its outputs already done see the same elements again, which changes nothing:       \
     * v > v is false, and a NaN replaces itself with the same index) */                                      \
    static inline __attribute__((always_inline)) void mp_span_##T(                                            \
        const T *restrict ph, int64_t Wp, T *restrict yr, int64_t *restrict ir, int64_t rowoff, int64_t o0,    \
        int64_t o1, int64_t s, int64_t d, int64_t p, int64_t kw, bool want_idx)                               \
    {                                                                                                         \
        int64_t ow = o0;                                                                                      \
        for (; ow + MP_BLOCK <= o1; ow += MP_BLOCK)                                                           \
            mp_block_##T(ph, Wp, yr, ir, rowoff, ow, s, d, p, kw, want_idx);                                  \
        if (ow < o1)                                                                                          \
            mp_block_##T(ph, Wp, yr, ir, rowoff, o1 - MP_BLOCK, s, d, p, kw, want_idx);                       \
    }                                                                                                         \
                                                                                                              \
    /* one window row xr [W] into the interior outputs [o0, o1): stride 1 reads the row itself; stride 2      \
     * splits it into its even and odd columns first (a strided load in the tap loop made GCC add a scalar    \
     * epilogue to every block), other strides into their s phases */                                        \
    static inline __attribute__((always_inline)) void mp_row_##T(                                             \
        const T *restrict xr, T *restrict scratch, int64_t W, T *restrict yr, int64_t *restrict ir,            \
        int64_t rowoff, int64_t o0, int64_t o1, int64_t s, int64_t d, int64_t p, int64_t kw)                   \
    {                                                                                                         \
        int64_t Wp = (W + s - 1) / s;                                                                         \
        const T *ph = xr;                                                                                     \
        if (s == 2) {                                                                                         \
            for (int64_t m = 0; m < W / 2; m++) {                                                             \
                scratch[m] = xr[2 * m];                                                                       \
                scratch[Wp + m] = xr[2 * m + 1];                                                              \
            }                                                                                                 \
            if (W % 2)                                                                                        \
                scratch[W / 2] = xr[W - 1];                                                                   \
            ph = scratch;                                                                                     \
        } else if (s > 2) {                                                                                   \
            for (int64_t c = 0; c < W; c++)                                                                   \
                scratch[(c % s) * Wp + c / s] = xr[c];                                                        \
            ph = scratch;                                                                                     \
        }                                                                                                     \
        if (ir) {                                                                                             \
            if (s == 1 && d == 1)                                                                             \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, 1, 1, p, kw, true);                               \
            else if (s == 2 && d == 1)                                                                        \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, 2, 1, p, kw, true);                               \
            else                                                                                              \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, s, d, p, kw, true);                               \
        } else {                                                                                              \
            if (s == 1 && d == 1)                                                                             \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, 1, 1, p, kw, false);                              \
            else if (s == 2 && d == 1)                                                                        \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, 2, 1, p, kw, false);                              \
            else                                                                                              \
                mp_span_##T(ph, Wp, yr, ir, rowoff, o0, o1, s, d, p, kw, false);                              \
        }                                                                                                     \
    }                                                                                                         \
                                                                                                              \
    PTS_SIMD_CLONES static void maxpool_plane_##T(const pool_job *j, const T *x, T *y, int64_t *ix)          \
    {                                                                                                         \
        int64_t H = j->in[1], W = j->in[2], oH = j->out[1], oW = j->out[2];                                   \
        int64_t s = j->s[2], d = j->d[2], p = j->p[2], kw = j->k[2];                                          \
        /* interior columns: ow * s - p >= 0 and ow * s - p + (kw - 1) * d <= W - 1 */                        \
        int64_t oL = (p + s - 1) / s, last = W - 1 + p - (kw - 1) * d;                                        \
        int64_t oR = last >= 0 ? last / s + 1 : 0;                                                            \
        if (oL > oW)                                                                                          \
            oL = oW;                                                                                          \
        if (oR > oW)                                                                                          \
            oR = oW;                                                                                          \
        T scratch[MP_ROW_STACK + 64];                                                                         \
        if (oR - oL < MP_BLOCK || (s > 1 && W + s > MP_ROW_STACK)) /* narrow or very wide rows: the plane loop */ \
            oL = oR = 0;                                                                                      \
        for (int64_t od = 0; od < j->out[0]; od++) {                                                          \
            int64_t d0, d1, dst, fd;                                                                          \
            pool_window(j, 0, od, &d0, &d1, &dst, &fd);                                                       \
            for (int64_t oh = 0; oh < oH; oh++) {                                                             \
                int64_t h0, h1, hs, fh, o = (od * oH + oh) * oW;                                              \
                pool_window(j, 1, oh, &h0, &h1, &hs, &fh);                                                    \
                T *yr = y + o;                                                                                \
                int64_t *ir = ix ? ix + o : NULL;                                                             \
                if (oR > oL) {                                                                                \
                    for (int64_t ow = oL; ow < oR; ow++) {                                                    \
                        yr[ow] = NEG_INF_##T;                                                                 \
                        if (ir)                                                                               \
                            ir[ow] = (d0 * H + h0) * W + ow * s - p;                                          \
                    }                                                                                         \
                    for (int64_t a = d0; a < d1; a += dst)                                                    \
                        for (int64_t b = h0; b < h1; b += hs) {                                               \
                            int64_t rowoff = (a * H + b) * W;                                                 \
                            mp_row_##T(x + rowoff, scratch, W, yr, ir, rowoff, oL, oR, s, d, p, kw);                      \
                        }                                                                                     \
                }                                                                                             \
                for (int64_t ow = 0; ow < oW; ow++) { /* the clipped windows: the plane loop */               \
                    if (ow == oL)                                                                             \
                        ow = oR;                                                                              \
                    if (ow >= oW)                                                                             \
                        break;                                                                                \
                    int64_t w0, w1, ws, fw;                                                                   \
                    pool_window(j, 2, ow, &w0, &w1, &ws, &fw);                                                \
                    T best;                                                                                   \
                    int64_t bi;                                                                               \
                    MAX_WINDOW(T, dst);                                                                       \
                    yr[ow] = best;                                                                            \
                    if (ir)                                                                                   \
                        ir[ow] = bi;                                                                          \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }

DEFINE_MAXPOOL(float)
DEFINE_MAXPOOL(double)
DEFINE_MAXPOOL(int64_t)

/* Float32 adaptive average pool to one output (every dim 1: the global pool of squeeze-and-
 * excitation blocks and classifier heads), one plane of n elements: sums in 16 float lanes over
 * blocks of at most 512 elements (32 additions per lane), each block's lanes added into 16
 * double lanes, then those and the last n % 16 elements in double; the mean is that sum
 * divided by the extents in turn, in double, as the plane loop does.  The plane loop summed in
 * double one element at a time (a chain of dependent additions, 3 ns per element); ATen sums
 * float32 in float (a cascade for adaptive_avg_pool2d's mean, one float running sum in
 * _adaptive_avg_pool2d's kernel), so its error bound is at least this one's. */
#define GAP_LANES 16
PTS_SIMD_CLONES static double gap_sum_f32(const float *restrict x, int64_t n)
{
    double dacc[GAP_LANES] = {0};
    int64_t i = 0;
    while (i + GAP_LANES <= n) {
        int64_t m = n - i < 512 ? n - i : 512;
        m -= m % GAP_LANES;
        float acc[GAP_LANES] = {0};
        for (int64_t k = 0; k < m; k += GAP_LANES)
            for (int l = 0; l < GAP_LANES; l++)
                acc[l] += x[i + k + l];
        for (int l = 0; l < GAP_LANES; l++)
            dacc[l] += (double)acc[l];
        i += m;
    }
    double tot = 0;
    for (int l = 0; l < GAP_LANES; l++)
        tot += dacc[l];
    for (; i < n; i++)
        tot += (double)x[i];
    return tot;
}

static void pool_range(void *ctx, int64_t begin, int64_t end)
{
    const pool_job *j = ctx;
    int64_t pin = j->in[0] * j->in[1] * j->in[2], pout = j->out[0] * j->out[1] * j->out[2];
    if (j->kind == POOL_ADAPTIVE_AVG && j->cd == PTS_FLOAT32 && j->rdt < 0 && pout == 1 && pin > 0) {
        for (int64_t i = begin; i < end; i++)
            ((float *)j->y)[i] = (float)(gap_sum_f32((const float *)j->x + i * pin, pin) / (double)j->in[0] /
                                         (double)j->in[1] / (double)j->in[2]);
        return;
    }
    for (int64_t i = begin; i < end; i++) {
        int64_t *ix = j->idx ? j->idx + i * pout : NULL;
        if (j->kind == POOL_MAX) {
            if (j->cd == PTS_FLOAT32)
                maxpool_plane_float(j, (const float *)j->x + i * pin, (float *)j->y + i * pout, ix);
            else if (j->cd == PTS_FLOAT64)
                maxpool_plane_double(j, (const double *)j->x + i * pin, (double *)j->y + i * pout, ix);
            else
                maxpool_plane_int64_t(j, (const int64_t *)j->x + i * pin, (int64_t *)j->y + i * pout, ix);
        } else if (j->cd == PTS_FLOAT32)
            pool_plane_float(j, (const float *)j->x + i * pin, (float *)j->y + i * pout, ix);
        else if (j->cd == PTS_FLOAT64)
            pool_plane_double(j, (const double *)j->x + i * pin, (double *)j->y + i * pout, ix);
        else
            pool_plane_int64_t(j, (const int64_t *)j->x + i * pin, (int64_t *)j->y + i * pout, ix);
    }
}

/* ---- shapes ----------------------------------------------------------------------------- */

static int64_t div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* ATen's pooling_output_shape (with the ceil_mode "last window starts inside" rule). */
static int64_t pool_out_size(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t dil, bool ceil_mode)
{
    int64_t o = div_floor(in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), s) + 1;
    if (ceil_mode && (o - 1) * s >= in + pad)
        o--;
    return o;
}

/* Integer inputs a pool accepts (as torch's CPU kernels do). */
typedef enum pool_ints { INTS_NONE, INTS_ALL, INTS_INT64 } pool_ints;

/* Compute dtype for a pool of dtype dt, or -1. */
static int pool_cd(int dt, pool_ints ints)
{
    int cd = pts_nn_compute_dtype(dt);
    if (cd >= 0)
        return cd;
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (ints == INTS_ALL && di && di->is_int)
        return PTS_INT64;
    return ints == INTS_INT64 && dt == PTS_INT64 ? PTS_INT64 : -1;
}

/* Run job j on input x0 with nsp spatial dims (j->in/out set for them at
 * offset 3-nsp, leading dims filled here); writes rets[0] (and rets[1] with
 * int64 indices when want_idx). */
static pts_status pool_run(const char *op, pts_tensor *x0, pool_job *j, int nsp, bool want_idx, pool_ints ints,
                           pts_value *rets)
{
    int dt = x0->dtype, cd = pool_cd(dt, ints);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    j->cd = cd;
    j->rdt = j->reduced_acc && (dt == PTS_FLOAT16 || dt == PTS_BFLOAT16) ? dt : -1;
    int lead = x0->ndim - nsp;
    int64_t planes = 1, osz[PTS_MAX_DIMS];
    for (int i = 0; i < lead; i++) {
        planes *= x0->sizes[i];
        osz[i] = x0->sizes[i];
    }
    for (int i = 0; i < nsp; i++)
        osz[lead + i] = j->out[3 - nsp + i];
    pts_tensor *x = pts_nn_contig(x0, cd), *y = NULL, *ix = NULL;
    pts_status st = PTS_OK;
    if (!x || !(y = pts_tensor_empty(cd, x0->ndim, osz)) ||
        (want_idx && !(ix = pts_tensor_empty(PTS_INT64, x0->ndim, osz)))) {
        st = pts_err_last();
        goto done;
    }
    j->x = pts_tensor_data(x);
    j->y = pts_tensor_data(y);
    j->idx = ix ? pts_tensor_data(ix) : NULL;
    if (planes > 0 && pts_tensor_numel(y) > 0)
        pts_parallel_for(planes, 1, pool_range, j);
    y = pts_nn_cast(y, dt);
    if (!y) {
        st = pts_err_last();
        goto done;
    }
    rets[0] = pts_ret_tensor(y);
    y = NULL;
    if (ix) {
        rets[1] = pts_ret_tensor(ix);
        ix = NULL;
    }
done:
    if (x)
        pts_obj_release(&x->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    if (ix)
        pts_obj_release(&ix->hdr);
    return st;
}

/* Input rank check: nsp+1 (unbatched) or nsp+2 dims, non-empty except batch. */
static pts_status pool_check_input(const char *op, const pts_tensor *x, int nsp)
{
    if (x->ndim != nsp + 1 && x->ndim != nsp + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected %dD or %dD input, but got a %dD tensor", op, nsp + 1, nsp + 2,
                           x->ndim);
    for (int i = x->ndim - nsp - 1; i < x->ndim; i++)
        if (i > 0 && x->sizes[i] == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: expected input with non-zero sizes for non-batch dimensions", op);
    if (x->ndim == nsp + 1 && x->sizes[0] == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected input with non-zero sizes for non-batch dimensions", op);
    return PTS_OK;
}

/* int[n] argument: n values, or one repeated; empty allowed when `empty_ok`
 * (then *n_out = 0). */
static pts_status int_arg(pts_value v, int nsp, int64_t *out, const char *name, bool empty_ok, int *n_out)
{
    int n = 0;
    int64_t tmp[PTS_MAX_DIMS] = {0};
    PTS_TRY(pts_arg_int_list(v, tmp, PTS_MAX_DIMS, &n, nsp, name));
    if (n == 0 && empty_ok) {
        *n_out = 0;
        return PTS_OK;
    }
    if (n == 1)
        for (int i = 1; i < nsp; i++)
            tmp[i] = tmp[0];
    else if (n != nsp)
        return pts_err_set(PTS_ERR_VALUE, "%s must either be a single int, or a tuple of %d ints", name, nsp);
    memcpy(out, tmp, sizeof(int64_t) * (size_t)nsp);
    *n_out = nsp;
    return PTS_OK;
}

/* Fill the window geometry of max/avg pools from (kernel, stride, padding,
 * dilation); dil == NULL means 1. */
static pts_status pool_geometry(const char *op, pool_job *j, const pts_tensor *x, int nsp, pts_value kv, pts_value sv,
                                pts_value pv, pts_value *dv, bool ceil_mode)
{
    int64_t k[3] = {0}, s[3] = {0}, p[3] = {0}, d[3] = {1, 1, 1};
    int n = 0;
    PTS_TRY(int_arg(kv, nsp, k, "kernel_size", false, &n));
    PTS_TRY(int_arg(sv, nsp, s, "stride", true, &n));
    if (n == 0)
        memcpy(s, k, sizeof k);
    PTS_TRY(int_arg(pv, nsp, p, "padding", false, &n));
    if (dv)
        PTS_TRY(int_arg(*dv, nsp, d, "dilation", false, &n));
    int off = 3 - nsp;
    for (int i = 0; i < 3; i++) {
        j->in[i] = j->out[i] = j->k[i] = j->s[i] = j->d[i] = 1;
        j->p[i] = 0;
    }
    for (int i = 0; i < nsp; i++) {
        if (k[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: kernel size should be greater than zero, but got %lld", op, (long long)k[i]);
        if (s[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: stride should be greater than zero, but got %lld", op, (long long)s[i]);
        if (d[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: dilation should be greater than zero, but got %lld", op, (long long)d[i]);
        if (p[i] < 0 || p[i] > ((k[i] - 1) * d[i] + 1) / 2 || p[i] > k[i] / 2)
            return pts_err_set(PTS_ERR_VALUE, "%s: pad should be at most half of effective kernel size, but got pad=%lld, kernel_size=%lld and dilation=%lld",
                               op, (long long)p[i], (long long)k[i], (long long)d[i]);
        int64_t in = x->sizes[x->ndim - nsp + i];
        int64_t o = pool_out_size(in, k[i], p[i], s[i], d[i], ceil_mode);
        if (o < 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: given input size %lld, calculated output size %lld is too small", op,
                               (long long)in, (long long)o);
        j->in[off + i] = in;
        j->out[off + i] = o;
        j->k[off + i] = k[i];
        j->s[off + i] = s[i];
        j->p[off + i] = p[i];
        j->d[off + i] = d[i];
    }
    return PTS_OK;
}

/* ---- kernels -------------------------------------------------------------------------------- */

/* max_pool{n}d(self, kernel_size, stride, padding, dilation, ceil_mode) (+ _with_indices) */
static pts_status max_pool(const char *op, pts_tensor *x, pts_value kernel_size, pts_value stride, pts_value padding,
                           pts_value dilation, bool ceil_mode, pts_value *rets, int nsp, bool want_idx)
{
    /* ATen's max_pool1d kernel is floating-point only; the 2-d/3-d ones take integers */
    pool_ints ints = nsp == 1 ? INTS_NONE : INTS_ALL;
    PTS_TRY(pool_check_input(op, x, nsp));
    pool_job j;
    memset(&j, 0, sizeof j);
    j.kind = POOL_MAX;
    PTS_TRY(pool_geometry(op, &j, x, nsp, kernel_size, stride, padding, &dilation, ceil_mode));
    return pool_run(op, x, &j, nsp, want_idx, ints, rets);
}

#define MAX_POOL_ARGS(a) (a)->self, (a)->kernel_size, (a)->stride, (a)->padding, (a)->dilation, (a)->ceil_mode

PTS_KERNEL(k_max_pool1d) { return max_pool("max_pool1d", MAX_POOL_ARGS(a), rets, 1, false); }
PTS_KERNEL(k_max_pool2d) { return max_pool("max_pool2d", MAX_POOL_ARGS(a), rets, 2, false); }
PTS_KERNEL(k_max_pool3d) { return max_pool("max_pool3d", MAX_POOL_ARGS(a), rets, 3, false); }
PTS_KERNEL(k_max_pool2d_with_indices) { return max_pool("max_pool2d_with_indices", MAX_POOL_ARGS(a), rets, 2, true); }
PTS_KERNEL(k_max_pool3d_with_indices) { return max_pool("max_pool3d_with_indices", MAX_POOL_ARGS(a), rets, 3, true); }

/* avg_pool{n}d(self, kernel_size, stride, padding, ceil_mode, count_include_pad[, divisor_override]) */
static pts_status avg_pool(const char *op, pts_tensor *x, pts_value kernel_size, pts_value stride, pts_value padding,
                           bool ceil_mode, bool count_include_pad, bool has_divisor, int64_t divisor, pts_value *rets,
                           int nsp)
{
    PTS_TRY(pool_check_input(op, x, nsp));
    pool_job j;
    memset(&j, 0, sizeof j);
    j.kind = POOL_AVG;
    PTS_TRY(pool_geometry(op, &j, x, nsp, kernel_size, stride, padding, NULL, ceil_mode));
    j.count_include_pad = count_include_pad;
    if (has_divisor) {
        j.divisor = divisor;
        if (j.divisor == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: divisor must be not zero", op);
    }
    if (nsp == 3) { /* ATen's avg_pool3d: no float16/bfloat16, and no kernel larger than the unpadded input */
        if (x->dtype == PTS_FLOAT16 || x->dtype == PTS_BFLOAT16)
            return pts_nn_bad_dtype(op, x->dtype);
        int off = x->ndim - 3;
        if (x->sizes[off] < j.k[0] || x->sizes[off + 1] < j.k[1] || x->sizes[off + 2] < j.k[2])
            return pts_err_set(PTS_ERR_VALUE,
                               "input image (T: %lld H: %lld W: %lld) smaller than kernel size (kT: %lld kH: %lld kW: %lld)",
                               (long long)x->sizes[off], (long long)x->sizes[off + 1], (long long)x->sizes[off + 2],
                               (long long)j.k[0], (long long)j.k[1], (long long)j.k[2]);
    }
    return pool_run(op, x, &j, nsp, false, INTS_INT64, rets);
}

#define AVG_POOL_ARGS(a) (a)->self, (a)->kernel_size, (a)->stride, (a)->padding, (a)->ceil_mode, (a)->count_include_pad

PTS_KERNEL(k_avg_pool1d) { return avg_pool("avg_pool1d", AVG_POOL_ARGS(a), false, 0, rets, 1); }
PTS_KERNEL(k_avg_pool2d)
{
    return avg_pool("avg_pool2d", AVG_POOL_ARGS(a), a->has_divisor_override, a->divisor_override, rets, 2);
}
PTS_KERNEL(k_avg_pool3d)
{
    return avg_pool("avg_pool3d", AVG_POOL_ARGS(a), a->has_divisor_override, a->divisor_override, rets, 3);
}

/* adaptive_{avg,max}_pool{n}d(self, output_size).  mean_ok: adaptive_avg_pool{n}d
 * (not _adaptive_avg_pool{n}d), which ATen computes as a mean over the
 * spatial dims when every output size is 1 (so an empty input gives NaN). */
static pts_status adaptive_pool(const char *op, pts_tensor *x, pts_value output_size, pts_value *rets, int nsp,
                                bool is_max, bool mean_ok)
{
    int64_t os[3] = {0};
    int n = 0;
    PTS_TRY(int_arg(output_size, nsp, os, "output_size", false, &n));
    bool mean = mean_ok && os[0] == 1 && os[1 % nsp] == 1 && os[2 % nsp] == 1;
    if (mean && x->ndim != nsp + 1 && x->ndim != nsp + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected %dD or %dD input, but got a %dD tensor", op, nsp + 1, nsp + 2,
                           x->ndim);
    if (!mean)
        PTS_TRY(pool_check_input(op, x, nsp));
    pool_job j;
    memset(&j, 0, sizeof j);
    j.kind = is_max ? POOL_ADAPTIVE_MAX : POOL_ADAPTIVE_AVG;
    j.reduced_acc = !is_max && !mean && nsp == 3;
    int off = 3 - nsp;
    for (int i = 0; i < 3; i++)
        j.in[i] = j.out[i] = j.k[i] = j.s[i] = j.d[i] = 1;
    for (int i = 0; i < nsp; i++) {
        if (os[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: elements of output_size must be greater than or equal to 0 but received %lld",
                               op, (long long)os[i]);
        j.in[off + i] = x->sizes[x->ndim - nsp + i];
        j.out[off + i] = os[i];
    }
    return pool_run(op, x, &j, nsp, is_max, INTS_NONE, rets);
}

PTS_KERNEL(k_adaptive_avg_pool1d) { return adaptive_pool("adaptive_avg_pool1d", a->self, a->output_size, rets, 1, false, true); }
PTS_KERNEL(k_adaptive_avg_pool2d) { return adaptive_pool("adaptive_avg_pool2d", a->self, a->output_size, rets, 2, false, true); }
PTS_KERNEL(k_adaptive_avg_pool3d) { return adaptive_pool("adaptive_avg_pool3d", a->self, a->output_size, rets, 3, false, true); }
PTS_KERNEL(k__adaptive_avg_pool2d) { return adaptive_pool("_adaptive_avg_pool2d", a->self, a->output_size, rets, 2, false, false); }
PTS_KERNEL(k__adaptive_avg_pool3d) { return adaptive_pool("_adaptive_avg_pool3d", a->self, a->output_size, rets, 3, false, false); }
PTS_KERNEL(k_adaptive_max_pool1d) { return adaptive_pool("adaptive_max_pool1d", a->self, a->output_size, rets, 1, true, false); }
PTS_KERNEL(k_adaptive_max_pool2d) { return adaptive_pool("adaptive_max_pool2d", a->self, a->output_size, rets, 2, true, false); }
PTS_KERNEL(k_adaptive_max_pool3d) { return adaptive_pool("adaptive_max_pool3d", a->self, a->output_size, rets, 3, true, false); }

const pts_op_def pts_ops_pool[] = {
    PTS_OP("aten::max_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=[0], int[1] dilation=[1], bool ceil_mode=False) -> Tensor", k_max_pool1d),
    PTS_OP("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor", k_max_pool2d),
    PTS_OP("aten::max_pool3d(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, int[3] dilation=1, bool ceil_mode=False) -> Tensor", k_max_pool3d),
    PTS_OP("aten::max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", k_max_pool2d_with_indices),
    PTS_OP("aten::max_pool3d_with_indices(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, int[3] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)", k_max_pool3d_with_indices),
    PTS_OP("aten::avg_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=[0], bool ceil_mode=False, bool count_include_pad=True) -> Tensor", k_avg_pool1d),
    PTS_OP("aten::avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor", k_avg_pool2d),
    PTS_OP("aten::avg_pool3d(Tensor self, int[3] kernel_size, int[3] stride=[], int[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor", k_avg_pool3d),
    PTS_OP("aten::adaptive_avg_pool1d(Tensor self, int[1] output_size) -> Tensor", k_adaptive_avg_pool1d),
    PTS_OP("aten::adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor", k_adaptive_avg_pool2d),
    PTS_OP("aten::adaptive_avg_pool3d(Tensor self, SymInt[3] output_size) -> Tensor", k_adaptive_avg_pool3d),
    PTS_OP("aten::_adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor", k__adaptive_avg_pool2d),
    PTS_OP("aten::_adaptive_avg_pool3d(Tensor self, SymInt[3] output_size) -> Tensor", k__adaptive_avg_pool3d),
    PTS_OP("aten::adaptive_max_pool1d(Tensor self, int[1] output_size) -> (Tensor, Tensor)", k_adaptive_max_pool1d),
    PTS_OP("aten::adaptive_max_pool2d(Tensor self, int[2] output_size) -> (Tensor, Tensor)", k_adaptive_max_pool2d),
    PTS_OP("aten::adaptive_max_pool3d(Tensor self, int[3] output_size) -> (Tensor, Tensor)", k_adaptive_max_pool3d),
    {NULL, NULL},
};
