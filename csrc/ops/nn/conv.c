/* conv.c - convolutions: conv1d/2d/3d (int and "same"/"valid" padding),
 * conv_transpose1d/2d/3d, convolution, _convolution (traced form).
 *
 * Every entry point fills one conv_params and calls conv_run:
 *  - forward, groups == C_in, 1-2 spatial dims: a direct depthwise loop;
 *  - forward otherwise: per (batch, group), output = W_g @ im2col(x), tiled
 *    over output positions (and output channels when the batch is small)
 *    so the tiles spread over the pool; a 1x1 / stride 1 / no padding
 *    convolution reads the input as the GEMM operand directly;
 *  - transposed: col = W_g^T @ x, then col2im scatters into the output.
 * float16/bfloat16 are computed in float32; integer dtypes (which ATen
 * convolves on CPU: all of them forward, int64 transposed) in a direct
 * int64 loop.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/conv_complex.h"
#include "ops/nn/conv_kernels.h"
#include "ops/nn/conv_plan.h"
#include "ops/nn/conv_winograd.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

_Thread_local const pts_conv_plan *pts_conv_plan_pending;
_Thread_local const pts_conv_plan *pts_conv_plan_done;

_Thread_local const pts_tensor *pts_conv_plan_residual;

const pts_conv_plan *pts_conv_peek_plan(const pts_tensor *w, const pts_tensor *b)
{
    const pts_conv_plan *p = pts_conv_plan_pending;
    return p && p->orig_weight == w && p->orig_bias == b ? p : NULL;
}

typedef struct conv_params {
    int nsp; /* spatial dims, 1..3 */
    int64_t stride[3], pad[3], pad_r[3], dil[3], outpad[3];
    int64_t groups;
    bool transposed;
} conv_params;

/* ---- forward: GEMM over im2col tiles -------------------------------------------- */

typedef struct conv_job {
    bool f64, direct;
    const char *x, *w, *b;
    char *y;
    int64_t Cin, Cout, G, Cin_g, Cout_g, Kc, P, Pin;
    pts_conv_geom geom;
    int64_t pt_size, npt, mt_size, nmt;
    int act;          /* PTS_EPI_*: float32 only (a planned convolution) */
    const float *res; /* planned residual: same layout as y, added before act */
    const pts_convk *fk; /* float32 on our own micro-kernels (conv_kernels.h), or NULL */
    atomic_int failed;
} conv_job;

/* The planned residual add and activation on nm rows of np outputs (row
 * stride ld), in cache (conv_epilogue.c). */
static void conv_epilogue_f32(int act, const float *res, float *C, int64_t nm, int64_t np, int64_t ld)
{
    pts_conv_epilogue_f32(act, res, C, nm, np, ld);
}

static void conv_fill_bias_f32(const conv_job *j, float *C, int64_t c0, int64_t nm, int64_t np)
{
    const float *b = (const float *)j->b;
    for (int64_t m = 0; m < nm; m++) {
        float v = b ? b[c0 + m] : 0.0f;
        for (int64_t p = 0; p < np; p++)
            C[m * j->P + p] = v;
    }
}

static void conv_fill_bias_f64(const conv_job *j, double *C, int64_t c0, int64_t nm, int64_t np)
{
    const double *b = (const double *)j->b;
    for (int64_t m = 0; m < nm; m++) {
        double v = b ? b[c0 + m] : 0.0;
        for (int64_t p = 0; p < np; p++)
            C[m * j->P + p] = v;
    }
}

/* One tile: batch n, group g, output channels [m0, m0+nm), positions [p0, p0+np). */
static void conv_tile(const conv_job *j, int64_t item, void *col)
{
    int64_t pt = item % j->npt, rest = item / j->npt;
    int64_t mt = rest % j->nmt;
    rest /= j->nmt;
    int64_t g = rest % j->G, n = rest / j->G;
    int64_t p0 = pt * j->pt_size, np = j->P - p0 < j->pt_size ? j->P - p0 : j->pt_size;
    int64_t m0 = mt * j->mt_size, nm = j->Cout_g - m0 < j->mt_size ? j->Cout_g - m0 : j->mt_size;
    if (np <= 0 || nm <= 0)
        return;
    int64_t xoff = (n * j->Cin + g * j->Cin_g) * j->Pin, coff = (n * j->Cout + g * j->Cout_g + m0) * j->P + p0;
    int64_t woff = (g * j->Cout_g + m0) * j->Kc, ch = g * j->Cout_g + m0;
    if (j->f64) {
        const double *x = (const double *)j->x + xoff, *B = x + p0;
        double *C = (double *)j->y + coff;
        if (!j->direct) {
            pts_im2col_f64(x, j->Cin_g, &j->geom, p0, np, col);
            B = col;
        }
        conv_fill_bias_f64(j, C, ch, nm, np);
        pts_gemm_f64(false, false, nm, np, j->Kc, 1.0, (const double *)j->w + woff, j->Kc, B, j->direct ? j->Pin : np,
                     1.0, C, j->P);
    } else {
        const float *x = (const float *)j->x + xoff, *B = x + p0;
        float *C = (float *)j->y + coff;
        if (j->fk) {
            pts_convk_tile(j->fk, n, g, m0, nm, p0, np, C - p0, col);
            if (j->act || j->res)
                conv_epilogue_f32(j->act, j->res ? j->res + coff : NULL, C, nm, np, j->P);
            return;
        }
        if (!j->direct) {
            pts_im2col_f32(x, j->Cin_g, &j->geom, p0, np, col);
            B = col;
        }
        conv_fill_bias_f32(j, C, ch, nm, np);
        pts_gemm_f32(false, false, nm, np, j->Kc, 1.0f, (const float *)j->w + woff, j->Kc, B, j->direct ? j->Pin : np,
                     1.0f, C, j->P);
        if (j->act || j->res)
            conv_epilogue_f32(j->act, j->res ? j->res + coff : NULL, C, nm, np, j->P);
    }
}

static void conv_range(void *ctx, int64_t begin, int64_t end)
{
    conv_job *j = ctx;
    void *col = NULL;
    int64_t ncol = j->fk ? pts_convk_scratch(j->fk, j->pt_size) : j->direct ? 0 : j->Kc * j->pt_size;
    if (ncol > 0) {
        size_t isz = j->f64 ? 8 : 4;
        col = pts_malloc((size_t)ncol * isz);
        if (!col) {
            atomic_store(&j->failed, 1);
            return;
        }
    }
    for (int64_t i = begin; i < end; i++)
        conv_tile(j, i, col);
    pts_free(col);
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* Choose tiles: as few as possible (each GEMM call packs its share of the
 * weights again), but at least one per thread, a multiple of the thread
 * count when there are few, and im2col buffers of at most ~8 MB. */
/* Tiles for our own kernel: a few hundred positions each (the tile's input
 * rows and output stay in L2), channels in whole register blocks, and a
 * tile count that is a multiple of the thread count.  When one batch item
 * must be split over the threads, the output channels are split when the
 * weights are large (> 256 KB: each thread then streams only its share of
 * them) or the positions are few, else the positions. */
/* A compact output grid (Wq == Wo: every 1x1 layer) is computed in column
 * blocks of nr positions from each tile's start, and a tile of 196 positions
 * (28x28 split in 4) costs 7 blocks for 6.1 blocks of work.  Tiles of whole
 * blocks instead (the last one partial), their count chosen between half and
 * twice the first choice (at most 512 positions each) to give the busiest
 * thread the fewest blocks (the pool hands each thread a contiguous run of
 * items), then the tile count nearest the first choice: 28x28 at 2 threads takes 2 tiles of 13 and
 * 12 blocks, where 4 tiles of 196 positions gave each thread 14; at 1
 * thread 9 + 9 + 7 blocks for 3 x 9. */
static void conv_plan_own_columns(conv_job *j, int64_t outer, int64_t nt, int64_t nr)
{
    int64_t nb = ceil_div(j->P, nr), best_pt = j->pt_size, best_cost = -1, best_n = 0;
    int64_t lo = j->npt / 2 > 0 ? j->npt / 2 : 1, hi = 2 * j->npt;
    for (int64_t cand = lo; cand <= hi && cand <= nb; cand++) {
        int64_t pt = ceil_div(nb, cand) * nr, n = ceil_div(j->P, pt);
        if (pt > 512 && cand < j->npt)
            continue;
        int64_t items = outer * j->nmt * n, chunk = ceil_div(items, nt < items ? nt : items), cost = 0;
        for (int64_t t0 = 0; t0 < items; t0 += chunk) {
            int64_t c = 0;
            for (int64_t i = t0; i < t0 + chunk && i < items; i++) {
                int64_t p0 = (i % n) * pt;
                c += ceil_div(j->P - p0 < pt ? j->P - p0 : pt, nr);
            }
            cost = c > cost ? c : cost;
        }
        int64_t d = n > j->npt ? n - j->npt : j->npt - n, bd = best_n > j->npt ? best_n - j->npt : j->npt - best_n;
        if (best_cost < 0 || cost < best_cost || (cost == best_cost && d < bd)) {
            best_cost = cost;
            best_pt = pt;
            best_n = n;
        }
    }
    j->pt_size = best_pt;
    j->npt = ceil_div(j->P, best_pt);
}

static void conv_plan_own(conv_job *j, int64_t N)
{
    int64_t nt = pts_get_num_threads(), outer = N * j->G, mr = j->fk->isa->mr, nr = j->fk->isa->nr;
    int64_t npt = ceil_div(j->P, 384), maxpt = ceil_div(j->P, nr), nmt = 1, blocks = ceil_div(j->Cout_g, mr);
    if (nt > 1 && outer * npt < 16 * nt && outer % nt != 0) {
        bool big_w = j->Cout_g * j->Kc * (int64_t)sizeof(float) > 256 * 1024;
        if ((big_w || j->P < 128 * nt) && blocks >= nt) {
            nmt = nt;
        } else {
            while ((outer * npt) % nt != 0 && npt + 1 <= maxpt)
                npt++;
            if (outer * npt < nt)
                nmt = ceil_div(nt, outer * npt);
        }
    }
    if (nmt > blocks)
        nmt = blocks;
    j->mt_size = ceil_div(blocks, nmt) * mr;
    j->nmt = ceil_div(j->Cout_g, j->mt_size);
    j->pt_size = ceil_div(j->P, npt);
    j->npt = ceil_div(j->P, j->pt_size);
    if (j->fk->Wq == j->fk->Wo && j->P > nr)
        conv_plan_own_columns(j, outer, nt, nr);
}

static void conv_plan(conv_job *j, int64_t N)
{
    if (j->fk) {
        conv_plan_own(j, N);
        return;
    }
    int64_t nt = pts_get_num_threads(), isz = j->f64 ? 8 : 4;
    int64_t cap = j->direct ? j->P : (8 * 1024 * 1024 / isz) / (j->Kc > 0 ? j->Kc : 1);
    if (cap < 64)
        cap = 64;
    int64_t outer = N * j->G, npt = ceil_div(j->P, cap), nmt = 1;
    if (nt > 1 && outer * npt < 8 * nt) {
        int64_t want = ceil_div(nt, outer); /* at least one tile per thread */
        if (npt < want)
            npt = want;
        int64_t maxpt = j->P / 32 > 0 ? j->P / 32 : 1;
        while ((outer * npt) % nt != 0 && npt + 1 <= maxpt)
            npt++;
        if (npt > maxpt)
            npt = maxpt;
        if (outer * npt < nt) /* few positions: split output channels too */
            nmt = ceil_div(nt, outer * npt);
    }
    if (nmt > ceil_div(j->Cout_g, 8))
        nmt = ceil_div(j->Cout_g, 8);
    if (nmt < 1)
        nmt = 1;
    j->pt_size = ceil_div(j->P, npt > 0 ? npt : 1);
    j->npt = ceil_div(j->P, j->pt_size > 0 ? j->pt_size : 1);
    j->mt_size = ceil_div(j->Cout_g, nmt);
    j->nmt = ceil_div(j->Cout_g, j->mt_size > 0 ? j->mt_size : 1);
}

static pts_status conv_gemm(conv_job *j, int64_t N)
{
    if (N == 0 || j->G == 0 || j->Cout_g == 0 || j->P == 0)
        return PTS_OK;
    conv_plan(j, N);
    int64_t items = N * j->G * j->nmt * j->npt;
    if (items == 0 || j->Cout_g == 0 || j->P == 0)
        return PTS_OK;
    atomic_init(&j->failed, 0);
    pts_parallel_for(items, 1, conv_range, j);
    if (atomic_load(&j->failed))
        return pts_err_nomem("a convolution buffer", (size_t)(j->fk ? pts_convk_scratch(j->fk, j->pt_size)
                                                                   : j->Kc * j->pt_size) * (j->f64 ? 8 : 4));
    return PTS_OK;
}

/* ---- forward: direct depthwise (groups == C_in, up to 2 spatial dims) ---------------
 * Each input plane is copied once into a zero-padded scratch plane whose
 * columns are split by phase (padded column c goes to phase c % stride,
 * position c / stride), so for consecutive outputs every kernel tap reads a
 * contiguous run.  Outputs are accumulated a vector at a time: bias, then
 * the taps in kernel order. */

#define DW_MAX_TAPS 64

#if defined(__GNUC__)
typedef float dw_vf __attribute__((vector_size(16)));
typedef double dw_vd __attribute__((vector_size(16)));
#define DW_VECTORS 1
#if defined(__x86_64__) && !defined(__AVX2__)
/* an AVX2 copy of the float plane loop, picked at run time */
typedef float dw_vf8 __attribute__((vector_size(32)));
#define DW_AVX2_CLONE 1
#endif
#endif

/* Padded plane rows, padded width and per-phase width. */
static void dw_dims(const pts_conv_geom *g, int64_t *Hp, int64_t *Wp, int64_t *Wq)
{
    int64_t h = g->in[1] + g->pad[1], w = g->in[2] + g->pad[2];
    int64_t hn = (g->out[1] - 1) * g->stride[1] + (g->k[1] - 1) * g->dil[1] + 1;
    int64_t wn = (g->out[2] - 1) * g->stride[2] + (g->k[2] - 1) * g->dil[2] + 1;
    *Hp = h > hn ? h : hn;
    *Wp = w > wn ? w : wn;
    *Wq = (*Wp + g->stride[2] - 1) / g->stride[2];
}

static int64_t dw_scratch(const pts_conv_geom *g)
{
    int64_t Hp, Wp, Wq;
    dw_dims(g, &Hp, &Wp, &Wq);
    return Hp * g->stride[2] * Wq;
}

#define DEFINE_DW_PAD(T, SUF)                                                                  \
    static void dw_pad_##SUF(const pts_conv_geom *g, const T *x, T *buf)                     \
    {                                                                                          \
        int64_t Hp, Wp, Wq, s = g->stride[2], H = g->in[1], W = g->in[2];                      \
        dw_dims(g, &Hp, &Wp, &Wq);                                                             \
        memset(buf, 0, sizeof(T) * (size_t)(Hp * s * Wq));                                     \
        for (int64_t iy = 0; iy < H; iy++) {                                                   \
            T *row = buf + (iy + g->pad[1]) * s * Wq;                                          \
            const T *src = x + iy * W;                                                         \
            if (s == 1) {                                                                      \
                memcpy(row + g->pad[2], src, sizeof(T) * (size_t)W);                           \
                continue;                                                                      \
            }                                                                                  \
            for (int64_t q = 0; q < s; q++) { /* phase q holds input columns pos*s + q - pad */ \
                int64_t first = q - g->pad[2], p0 = first >= 0 ? 0 : (-first + s - 1) / s;         \
                T *dst = row + q * Wq;                                                             \
                for (int64_t p = p0, ix = first + p0 * s; ix < W; p++, ix += s)                    \
                    dst[p] = src[ix];                                                              \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_DW_PAD(float, f32)
DEFINE_DW_PAD(double, f64)

#if DW_VECTORS
/* Two 16-byte accumulators per step (SSE2 / NEON width: native everywhere). */
#define DW_VECTOR_LOOP(T, VT)                                                                  \
    {                                                                                          \
        const int64_t L = (int64_t)(sizeof(VT) / sizeof(T));                                   \
        VT wv[DW_MAX_TAPS];                                                                    \
        for (int64_t t = 0; t < nt; t++)                                                       \
            wv[t] = (VT){0} + w[t];                                                            \
        for (; ox + 2 * L <= OW; ox += 2 * L) {                                                \
            VT a0 = (VT){0} + bias, a1 = a0, v0, v1;                                           \
            for (int64_t t = 0; t < nt; t++) {                                                 \
                memcpy(&v0, tap[t] + ox, sizeof v0);                                           \
                memcpy(&v1, tap[t] + ox + L, sizeof v1);                                       \
                a0 += wv[t] * v0;                                                              \
                a1 += wv[t] * v1;                                                              \
            }                                                                                  \
            memcpy(yr + ox, &a0, sizeof a0);                                                   \
            memcpy(yr + ox + L, &a1, sizeof a1);                                               \
        }                                                                                      \
        for (; ox + L <= OW; ox += L) {                                                        \
            VT a0 = (VT){0} + bias, v0;                                                        \
            for (int64_t t = 0; t < nt; t++) {                                                 \
                memcpy(&v0, tap[t] + ox, sizeof v0);                                           \
                a0 += wv[t] * v0;                                                              \
            }                                                                                  \
            memcpy(yr + ox, &a0, sizeof a0);                                                   \
        }                                                                                      \
    }
#else
#define DW_VECTOR_LOOP(T, VT)
#endif

#define DEFINE_DW_PLANE(T, VT, SUF, ATTR)                                                      \
    ATTR static void dw_plane_##SUF(const pts_conv_geom *g, const T *x, const T *w, T bias, T *y, T *buf) \
    {                                                                                          \
        int64_t Hp, Wp, Wq, sw = g->stride[2], OW = g->out[2], nt = g->k[1] * g->k[2];         \
        const T *tap[DW_MAX_TAPS];                                                             \
        dw_dims(g, &Hp, &Wp, &Wq);                                                             \
        dw_pad_##SUF(g, x, buf);                                                               \
        for (int64_t oy = 0; oy < g->out[1]; oy++) {                                           \
            T *yr = y + oy * OW;                                                               \
            for (int64_t ky = 0; ky < g->k[1]; ky++)                                           \
                for (int64_t kx = 0; kx < g->k[2]; kx++) {                                     \
                    int64_t r = oy * g->stride[1] + ky * g->dil[1], c = kx * g->dil[2];        \
                    tap[ky * g->k[2] + kx] = buf + (r * sw + c % sw) * Wq + c / sw;            \
                }                                                                              \
            int64_t ox = 0;                                                                    \
            DW_VECTOR_LOOP(T, VT)                                                              \
            for (; ox < OW; ox++) {                                                            \
                T acc = bias;                                                                  \
                for (int64_t t = 0; t < nt; t++)                                               \
                    acc += w[t] * tap[t][ox];                                                  \
                yr[ox] = acc;                                                                  \
            }                                                                                  \
        }                                                                                      \
    }

DEFINE_DW_PLANE(float, dw_vf, f32, )
DEFINE_DW_PLANE(double, dw_vd, f64, )
#if DW_AVX2_CLONE
#define dw_pad_f32_avx2 dw_pad_f32
DEFINE_DW_PLANE(float, dw_vf8, f32_avx2, __attribute__((target("avx2"))))
#endif

typedef void (*dw_plane_f32_fn)(const pts_conv_geom *, const float *, const float *, float, float *, float *);

/* The AVX2 copy pays off on rows of 16 outputs or more. */
static dw_plane_f32_fn dw_plane_f32_best(const pts_conv_geom *g)
{
#if DW_AVX2_CLONE
    if (g->out[2] >= 16 && __builtin_cpu_supports("avx2"))
        return dw_plane_f32_avx2;
#endif
    (void)g;
    return dw_plane_f32;
}

/* The float32 plane as one grid.  The padded plane is split by stride phase
 * in both dims (padded row r*sh + a, column c*sw + b go to phase (a, b) at
 * (r, c), phases Wq wide), so kernel tap (ky, kx) of output grid position
 * q = oy*Wq + ox reads its phase at a fixed offset plus q: the whole plane is
 * one run of vector steps (no per-row remainders: a 7x7 output is 63 grid
 * positions, 4 steps of 16 on AVX-512), and the Wq - OW extra columns of
 * each row are dropped when the grid is copied out.  Per output: bias, then
 * the taps in kernel order, each product rounded and added (no FMA: the same
 * arithmetic as dw_plane_f32's, so the same bits). */
#define DWG_STEP 64 /* grid length rounded up to this: two vectors of the widest ISA, no tail */

typedef struct dwg_dims_t {
    int64_t Wq, Hq, n, nround, plen, nph;
} dwg_dims_t;

static dwg_dims_t dwg_dims(const pts_conv_geom *g)
{
    dwg_dims_t d;
    int64_t Hp, Wp, Wq0, sh = g->stride[1], sw = g->stride[2];
    dw_dims(g, &Hp, &Wp, &Wq0);
    d.Wq = (Wp + sw - 1) / sw;
    d.Hq = (Hp + sh - 1) / sh;
    d.n = g->out[1] * d.Wq;
    d.nround = (d.n + DWG_STEP - 1) / DWG_STEP * DWG_STEP;
    int64_t maxoff = ((g->k[1] - 1) * g->dil[1] / sh) * d.Wq + ((g->k[2] - 1) * g->dil[2]) / sw;
    d.plen = d.nround + maxoff > d.Hq * d.Wq ? d.nround + maxoff : d.Hq * d.Wq;
    d.nph = sh * sw;
    return d;
}

/* floats of scratch: the phases, then the grid */
static int64_t dwg_scratch(const pts_conv_geom *g)
{
    dwg_dims_t d = dwg_dims(g);
    return d.nph * d.plen + d.nround;
}

/* One input row src [W] into the two column phases of a stride-2 padded row (padded column
 * 2c + b = input column 2c + b - pad goes to ph<b>[c]).  The columns are taken in pairs
 * (2c, 2c + 1), both read, so the loop vectorizes (even/odd shuffles); the per-phase loop
 * below it read every other element (a strided access GCC leaves scalar), 0.9 us of the
 * 1 us per 28x28 plane of efficientnet_b0's stride-2 depthwise layer. */
static void dwg_split2(float *restrict ph0, float *restrict ph1, const float *restrict src, int64_t W, int64_t pad)
{
    int64_t pc = pad, end = pad + W; /* padded columns [pad, pad + W) */
    if (pc % 2) { /* an odd first column: phase 1 */
        ph1[pc / 2] = src[0];
        pc++;
    }
    int64_t c0 = pc / 2, n = (end - pc) / 2;
    const float *s0 = src + (pc - pad);
    for (int64_t m = 0; m < n; m++) {
        ph0[c0 + m] = s0[2 * m];
        ph1[c0 + m] = s0[2 * m + 1];
    }
    if ((end - pc) % 2) /* an even last column: phase 0 */
        ph0[c0 + n] = s0[2 * n];
}

static void dwg_pad(const pts_conv_geom *g, const dwg_dims_t *d, const float *x, float *buf)
{
    int64_t sh = g->stride[1], sw = g->stride[2], H = g->in[1], W = g->in[2];
    memset(buf, 0, sizeof(float) * (size_t)(d->nph * d->plen));
    for (int64_t iy = 0; iy < H; iy++) {
        int64_t pr = iy + g->pad[1];
        float *rowbase = buf + (pr % sh) * sw * d->plen + (pr / sh) * d->Wq;
        const float *src = x + iy * W;
        if (sw == 1) {
            memcpy(rowbase + g->pad[2], src, sizeof(float) * (size_t)W);
            continue;
        }
        if (sw == 2) {
            dwg_split2(rowbase, rowbase + d->plen, src, W, g->pad[2]);
            continue;
        }
        for (int64_t b = 0; b < sw; b++) { /* phase b holds input columns c*sw + b - pad */
            int64_t first = b - g->pad[2], c0 = first >= 0 ? 0 : (-first + sw - 1) / sw;
            float *dst = rowbase + b * d->plen;
            for (int64_t c = c0, ix = first + c0 * sw; ix < W; c++, ix += sw)
                dst[c] = src[ix];
        }
    }
}

#if DW_VECTORS
#define DEFINE_DWG_GRID(VT, SUF, ATTR)                                                         \
    ATTR static void dwg_grid_##SUF(const float *const *tap, int64_t nt, const float *w, float bias, \
                                    float *grid, int64_t nround)                               \
    {                                                                                          \
        const int64_t L = (int64_t)(sizeof(VT) / sizeof(float));                               \
        VT wv[DW_MAX_TAPS], bv;                                                                \
        for (int64_t i = 0; i < L; i++)                                                        \
            bv[i] = bias;                                                                      \
        for (int64_t t = 0; t < nt; t++)                                                       \
            for (int64_t i = 0; i < L; i++)                                                    \
                wv[t][i] = w[t];                                                               \
        for (int64_t q = 0; q < nround; q += 2 * L) {                                          \
            VT a0 = bv, a1 = bv, v0, v1;                                                       \
            for (int64_t t = 0; t < nt; t++) {                                                 \
                memcpy(&v0, tap[t] + q, sizeof v0);                                            \
                memcpy(&v1, tap[t] + q + L, sizeof v1);                                        \
                a0 += wv[t] * v0;                                                              \
                a1 += wv[t] * v1;                                                              \
            }                                                                                  \
            memcpy(grid + q, &a0, sizeof a0);                                                  \
            memcpy(grid + q + L, &a1, sizeof a1);                                              \
        }                                                                                      \
    }
DEFINE_DWG_GRID(dw_vf, sse, )
#if defined(__x86_64__)
typedef float dwg_vf8 __attribute__((vector_size(32)));
typedef float dwg_vf16 __attribute__((vector_size(64)));
DEFINE_DWG_GRID(dwg_vf8, avx2, __attribute__((target("avx2"))))
DEFINE_DWG_GRID(dwg_vf16, avx512, __attribute__((target("avx512f"))))
#endif
#else
static void dwg_grid_sse(const float *const *tap, int64_t nt, const float *w, float bias, float *grid, int64_t nround)
{
    for (int64_t q = 0; q < nround; q++) {
        float acc = bias;
        for (int64_t t = 0; t < nt; t++)
            acc += w[t] * tap[t][q];
        grid[q] = acc;
    }
}
#endif

typedef void (*dwg_grid_fn)(const float *const *, int64_t, const float *, float, float *, int64_t);

static dwg_grid_fn dwg_grid_best(void)
{
#if DW_VECTORS && defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f"))
        return dwg_grid_avx512;
    if (__builtin_cpu_supports("avx2"))
        return dwg_grid_avx2;
#endif
    return dwg_grid_sse;
}

static void dwg_plane_f32(const pts_conv_geom *g, const dwg_dims_t *d, dwg_grid_fn grid_fn, const float *x,
                          const float *w, float bias, float *y, float *buf)
{
    int64_t sh = g->stride[1], sw = g->stride[2], OW = g->out[2], nt = g->k[1] * g->k[2];
    const float *tap[DW_MAX_TAPS];
    float *grid = buf + d->nph * d->plen;
    dwg_pad(g, d, x, buf);
    for (int64_t ky = 0; ky < g->k[1]; ky++)
        for (int64_t kx = 0; kx < g->k[2]; kx++) {
            int64_t r = ky * g->dil[1], c = kx * g->dil[2];
            tap[ky * g->k[2] + kx] = buf + ((r % sh) * sw + c % sw) * d->plen + (r / sh) * d->Wq + c / sw;
        }
    grid_fn(tap, nt, w, bias, grid, d->nround);
    for (int64_t oy = 0; oy < g->out[1]; oy++)
        memcpy(y + oy * OW, grid + oy * d->Wq, sizeof(float) * (size_t)OW);
}

/* PYTS_DW_KERNEL=rows keeps the row-by-row plane loop (benchmarks, tests) */
static int dw_use_grid = -1;

static bool dw_grid_on(void)
{
    int v = __atomic_load_n(&dw_use_grid, __ATOMIC_RELAXED);
    if (v < 0) {
        const char *e = getenv("PYTS_DW_KERNEL");
        v = !(e && strcmp(e, "rows") == 0);
        __atomic_store_n(&dw_use_grid, v, __ATOMIC_RELAXED);
    }
    return v != 0;
}

int pts_conv_set_dw_kernel(int grid)
{
    int old = dw_grid_on();
    __atomic_store_n(&dw_use_grid, grid ? 1 : 0, __ATOMIC_RELAXED);
    return old;
}

static void depthwise_range(void *ctx, int64_t begin, int64_t end)
{
    conv_job *j = ctx;
    int64_t kprod = pts_conv_geom_kprod(&j->geom);
    bool grid = !j->f64 && dw_grid_on();
    dwg_dims_t gd = dwg_dims(&j->geom);
    void *buf = pts_malloc((size_t)(grid ? dwg_scratch(&j->geom) : dw_scratch(&j->geom)) * (j->f64 ? 8 : 4));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    dw_plane_f32_fn plane_f32 = dw_plane_f32_best(&j->geom);
    dwg_grid_fn grid_fn = dwg_grid_best();
    for (int64_t i = begin; i < end; i++) {
        int64_t n = i / j->Cout, oc = i % j->Cout, ic = oc / j->Cout_g;
        int64_t xoff = (n * j->Cin + ic) * j->Pin, yoff = i * j->P;
        if (j->f64)
            dw_plane_f64(&j->geom, (const double *)j->x + xoff, (const double *)j->w + oc * kprod,
                         j->b ? ((const double *)j->b)[oc] : 0.0, (double *)j->y + yoff, buf);
        else
        {
            if (grid)
                dwg_plane_f32(&j->geom, &gd, grid_fn, (const float *)j->x + xoff, (const float *)j->w + oc * kprod,
                              j->b ? ((const float *)j->b)[oc] : 0.0f, (float *)j->y + yoff, buf);
            else
                plane_f32(&j->geom, (const float *)j->x + xoff, (const float *)j->w + oc * kprod,
                          j->b ? ((const float *)j->b)[oc] : 0.0f, (float *)j->y + yoff, buf);
            if (j->act || j->res)
                conv_epilogue_f32(j->act, j->res ? j->res + yoff : NULL, (float *)j->y + yoff, 1, j->P, j->P);
        }
    }
    pts_free(buf);
}

static pts_status conv_depthwise(conv_job *j, int64_t N)
{
    atomic_init(&j->failed, 0);
    pts_parallel_for(N * j->Cout, 1, depthwise_range, j);
    if (atomic_load(&j->failed))
        return pts_err_nomem("a depthwise convolution buffer",
                             (size_t)(!j->f64 && dw_grid_on() ? dwg_scratch(&j->geom) : dw_scratch(&j->geom)) *
                                 (j->f64 ? 8 : 4));
    return PTS_OK;
}

/* ---- transposed: W^T @ x, then col2im --------------------------------------------------- */

typedef struct convt_job {
    bool f64;
    const char *x, *w, *b;
    char *y;
    int64_t Cin, Cout, G, Cin_g, Cout_g, kprod, Pin, Pout;
    pts_conv_geom geom; /* image = the output, grid = the input */
    int64_t ct_size, nct;
    atomic_int failed;
    int rdt; /* PTS_FLOAT16 / PTS_BFLOAT16: round like ATen's reduced-precision path; else -1 */
    bool rev; /* with rdt: add the columns in ATen's channels-last order */
} convt_job;

/* ATen's is_channels_last_strides_2d: does a 4-d tensor's stride order say
 * channels-last (what suggest_memory_format reports)? */
static bool strides_like_cl2d(const pts_tensor *t)
{
    static const int order[4] = {1, 3, 2, 0};
    int64_t min = 0;
    if (t->ndim != 4 || t->strides[1] == 0)
        return false;
    for (int i = 0; i < 4; i++) {
        int d = order[i];
        if (t->sizes[d] == 0 || t->strides[d] < min || (d == 0 && min == t->strides[1]))
            return false;
        min = t->strides[d];
        if (t->sizes[d] > 1)
            min *= t->sizes[d];
    }
    return true;
}

/* The float16/bfloat16 transposed convolution as ATen does it: the GEMM's
 * columns are stored in the reduced type, col2im adds them into a zeroed
 * output in kernel-offset order, rounding after every addition, and the
 * bias is added (and rounded) last.  Its channels-last col2im walks the
 * input grid first, which for each output element is the reverse kernel
 * order (j->rev). */
static void convt_col2im_rounded(const convt_job *j, float *col, int64_t nc, int64_t oc, float *y)
{
    const pts_conv_geom *g = &j->geom;
    for (int64_t i = 0, n = nc * j->kprod * j->Pin; i < n; i++)
        col[i] = pts_nn_round(j->rdt, col[i]);
    for (int64_t c = 0; c < nc; c++) {
        float *yc = y + c * j->Pout;
        memset(yc, 0, sizeof(float) * (size_t)j->Pout);
        for (int64_t kk0 = 0; kk0 < g->k[0]; kk0++)
            for (int64_t kk1 = 0; kk1 < g->k[1]; kk1++)
                for (int64_t kk2 = 0; kk2 < g->k[2]; kk2++) {
                    int64_t k0 = j->rev ? g->k[0] - 1 - kk0 : kk0, k1 = j->rev ? g->k[1] - 1 - kk1 : kk1;
                    int64_t k2 = j->rev ? g->k[2] - 1 - kk2 : kk2;
                    const float *cc = col + (c * j->kprod + (k0 * g->k[1] + k1) * g->k[2] + k2) * j->Pin;
                    for (int64_t o0 = 0; o0 < g->out[0]; o0++) {
                        int64_t i0 = o0 * g->stride[0] - g->pad[0] + k0 * g->dil[0];
                        if (i0 < 0 || i0 >= g->in[0])
                            continue;
                        for (int64_t o1 = 0; o1 < g->out[1]; o1++) {
                            int64_t i1 = o1 * g->stride[1] - g->pad[1] + k1 * g->dil[1];
                            if (i1 < 0 || i1 >= g->in[1])
                                continue;
                            for (int64_t o2 = 0; o2 < g->out[2]; o2++) {
                                int64_t i2 = o2 * g->stride[2] - g->pad[2] + k2 * g->dil[2];
                                if (i2 < 0 || i2 >= g->in[2])
                                    continue;
                                int64_t r = (i0 * g->in[1] + i1) * g->in[2] + i2;
                                yc[r] = pts_nn_round(j->rdt, yc[r] + cc[(o0 * g->out[1] + o1) * g->out[2] + o2]);
                            }
                        }
                    }
                }
        if (j->b) {
            float bv = ((const float *)j->b)[oc + c];
            for (int64_t p = 0; p < j->Pout; p++)
                yc[p] = pts_nn_round(j->rdt, yc[p] + bv);
        }
    }
}

static void convt_item(const convt_job *j, int64_t item, void *col)
{
    int64_t ct = item % j->nct, rest = item / j->nct, g = rest % j->G, n = rest / j->G;
    int64_t c0 = ct * j->ct_size, nc = j->Cout_g - c0 < j->ct_size ? j->Cout_g - c0 : j->ct_size;
    if (nc <= 0)
        return;
    int64_t ldw = j->Cout_g * j->kprod, M = nc * j->kprod;
    int64_t woff = g * j->Cin_g * ldw + c0 * j->kprod, xoff = (n * j->Cin + g * j->Cin_g) * j->Pin;
    int64_t oc = g * j->Cout_g + c0, yoff = (n * j->Cout + oc) * j->Pout;
    if (j->f64) {
        double *y = (double *)j->y + yoff;
        pts_gemm_f64(true, false, M, j->Pin, j->Cin_g, 1.0, (const double *)j->w + woff, ldw,
                     (const double *)j->x + xoff, j->Pin, 0.0, col, j->Pin);
        for (int64_t c = 0; c < nc; c++) {
            double v = j->b ? ((const double *)j->b)[oc + c] : 0.0;
            for (int64_t p = 0; p < j->Pout; p++)
                y[c * j->Pout + p] = v;
        }
        pts_col2im_f64(col, nc, &j->geom, y);
    } else {
        float *y = (float *)j->y + yoff;
        pts_gemm_f32(true, false, M, j->Pin, j->Cin_g, 1.0f, (const float *)j->w + woff, ldw,
                     (const float *)j->x + xoff, j->Pin, 0.0f, col, j->Pin);
        if (j->rdt >= 0) {
            convt_col2im_rounded(j, col, nc, oc, y);
            return;
        }
        for (int64_t c = 0; c < nc; c++) {
            float v = j->b ? ((const float *)j->b)[oc + c] : 0.0f;
            for (int64_t p = 0; p < j->Pout; p++)
                y[c * j->Pout + p] = v;
        }
        pts_col2im_f32(col, nc, &j->geom, y);
    }
}

static void convt_range(void *ctx, int64_t begin, int64_t end)
{
    convt_job *j = ctx;
    void *col = pts_malloc((size_t)(j->ct_size * j->kprod * j->Pin) * (j->f64 ? 8 : 4));
    if (!col) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int64_t i = begin; i < end; i++)
        convt_item(j, i, col);
    pts_free(col);
}

static pts_status convt_run(convt_job *j, int64_t N)
{
    if (N == 0 || j->Cout_g == 0 || j->Pout == 0)
        return PTS_OK;
    int64_t nt = pts_get_num_threads(), outer = N * j->G;
    int64_t nct = 1;
    if (nt > 1 && outer < 4 * nt)
        nct = ceil_div(4 * nt, outer > 0 ? outer : 1);
    /* keep each column buffer under ~16 MB when channels allow */
    int64_t per_c = j->kprod * j->Pin * (j->f64 ? 8 : 4);
    if (per_c > 0) {
        int64_t cap = (16 << 20) / per_c;
        if (cap < 1)
            cap = 1;
        if (ceil_div(j->Cout_g, nct) > cap)
            nct = ceil_div(j->Cout_g, cap);
    }
    if (nct > j->Cout_g)
        nct = j->Cout_g;
    if (nct < 1)
        nct = 1;
    j->ct_size = ceil_div(j->Cout_g, nct);
    j->nct = ceil_div(j->Cout_g, j->ct_size > 0 ? j->ct_size : 1);
    int64_t items = outer * j->nct;
    if (items == 0 || j->Cout_g == 0 || j->Pout == 0)
        return PTS_OK;
    if (!pts_blas_fits(j->ct_size * j->kprod, j->Pin, j->Cin_g, j->Cout_g * j->kprod))
        return pts_err_set(PTS_ERR_LIMIT, "conv_transpose: problem too large for BLAS");
    atomic_init(&j->failed, 0);
    pts_parallel_for(items, 1, convt_range, j);
    if (atomic_load(&j->failed))
        return pts_err_nomem("a transposed-convolution buffer", (size_t)(j->ct_size * per_c));
    return PTS_OK;
}

/* ---- integers: a direct loop in int64 ------------------------------------------------------
 * ATen convolves integer tensors on CPU (slow_conv2d/3d; transposed only
 * int64).  Sums of products modulo 2^n do not depend on the order or width
 * of the accumulator, so int64 then a truncating cast gives its results. */

typedef struct convi_job {
    const int64_t *x, *w, *b;
    int64_t *y;
    bool transposed;
    int64_t Cin, Cout, Cin_g, Cout_g, kprod;
    pts_conv_geom g; /* forward: image = input; transposed: image = output, grid = input */
} convi_job;

/* One (batch, output channel) plane: i = n * Cout + oc. */
static void convi_plane(const convi_job *j, int64_t i)
{
    const pts_conv_geom *g = &j->g;
    int64_t n = i / j->Cout, oc = i % j->Cout, grp = oc / j->Cout_g, ocg = oc % j->Cout_g;
    int64_t Pimg = pts_conv_geom_pin(g), Pgrid = pts_conv_geom_pout(g);
    int64_t Py = j->transposed ? Pimg : Pgrid, Px = j->transposed ? Pgrid : Pimg;
    int64_t *y = j->y + i * Py;
    for (int64_t p = 0; p < Py; p++)
        y[p] = j->b ? j->b[oc] : 0;
    for (int64_t icg = 0; icg < j->Cin_g; icg++) {
        int64_t ic = grp * j->Cin_g + icg;
        const int64_t *x = j->x + (n * j->Cin + ic) * Px;
        const int64_t *w = j->transposed ? j->w + (ic * j->Cout_g + ocg) * j->kprod
                                         : j->w + (oc * j->Cin_g + icg) * j->kprod;
        for (int64_t o0 = 0; o0 < g->out[0]; o0++)
            for (int64_t o1 = 0; o1 < g->out[1]; o1++)
                for (int64_t o2 = 0; o2 < g->out[2]; o2++) {
                    int64_t q = (o0 * g->out[1] + o1) * g->out[2] + o2;
                    for (int64_t k0 = 0; k0 < g->k[0]; k0++) {
                        int64_t i0 = o0 * g->stride[0] - g->pad[0] + k0 * g->dil[0];
                        if (i0 < 0 || i0 >= g->in[0])
                            continue;
                        for (int64_t k1 = 0; k1 < g->k[1]; k1++) {
                            int64_t i1 = o1 * g->stride[1] - g->pad[1] + k1 * g->dil[1];
                            if (i1 < 0 || i1 >= g->in[1])
                                continue;
                            for (int64_t k2 = 0; k2 < g->k[2]; k2++) {
                                int64_t i2 = o2 * g->stride[2] - g->pad[2] + k2 * g->dil[2];
                                if (i2 < 0 || i2 >= g->in[2])
                                    continue;
                                int64_t r = (i0 * g->in[1] + i1) * g->in[2] + i2;
                                uint64_t wv = (uint64_t)w[(k0 * g->k[1] + k1) * g->k[2] + k2];
                                if (j->transposed) /* wrapping arithmetic, like the int types */
                                    y[r] = (int64_t)((uint64_t)y[r] + wv * (uint64_t)x[q]);
                                else
                                    y[q] = (int64_t)((uint64_t)y[q] + wv * (uint64_t)x[r]);
                            }
                        }
                    }
                }
    }
}

static void convi_range(void *ctx, int64_t begin, int64_t end)
{
    for (int64_t i = begin; i < end; i++)
        convi_plane(ctx, i);
}

/* ---- shapes and the common driver ------------------------------------------------------- */

static pts_status conv_check(const pts_tensor *x, const pts_tensor *w, const pts_tensor *b, const conv_params *p,
                             bool *batched)
{
    int nd = p->nsp + 2;
    if (w->ndim != nd)
        return pts_err_set(PTS_ERR_VALUE, "convolution: expected a %d-D weight for %d spatial dims, got %d-D", nd,
                           p->nsp, w->ndim);
    if (x->ndim != nd && x->ndim != nd - 1)
        return pts_err_set(PTS_ERR_VALUE,
                           "convolution: expected %d-D (unbatched) or %d-D (batched) input to conv%dd, but got input of %d dims",
                           nd - 1, nd, p->nsp, x->ndim);
    *batched = x->ndim == nd;
    if (x->dtype != w->dtype || (b && b->dtype != x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "convolution: input type (%s), weight type (%s)%s%s should be the same",
                           pts_dtype_name(x->dtype), pts_dtype_name(w->dtype), b ? " and bias type " : "", b ? pts_dtype_name(b->dtype) : "");
    if (p->groups <= 0)
        return pts_err_set(PTS_ERR_VALUE, "non-positive groups is not supported");
    for (int i = 0; i < p->nsp; i++) {
        if (p->stride[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "non-positive stride is not supported");
        if (p->dil[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "dilation should be greater than zero");
        if (p->pad[i] < 0 || p->pad_r[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "negative padding is not supported");
        if (p->outpad[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "negative output_padding is not supported");
        if (p->transposed && p->outpad[i] >= p->stride[i] && p->outpad[i] >= p->dil[i])
            return pts_err_set(PTS_ERR_VALUE, "output padding must be smaller than either stride or dilation");
    }
    return PTS_OK;
}

static pts_status conv_run_real(pts_tensor *x, pts_tensor *w, pts_tensor *b, const void *p, pts_value *rets);

/* Output of compute dtype, bias and spatial geometry; then the kernels. */
static pts_status conv_run(pts_tensor *x0, pts_tensor *w0, pts_tensor *b0, const conv_params *p, pts_value *rets)
{
    if (pts_conv_is_complex(x0, w0, b0)) /* three real convolutions: conv_complex.c */
        return pts_conv_complex(x0, w0, b0, p, conv_run_real, rets);
    bool batched = false;
    int act = PTS_EPI_NONE;
    const float *res = NULL;
    /* only batched: the BatchNorm it replaces reads dim 1 as the channels */
    const pts_conv_plan *plan = NULL;
    if (pts_conv_plan_pending && !p->transposed && x0->dtype == PTS_FLOAT32 && w0->dtype == PTS_FLOAT32 &&
        x0->ndim == p->nsp + 2)
        plan = pts_conv_peek_plan(w0, b0);
    PTS_TRY(conv_check(x0, w0, b0, p, &batched));
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt), off = 3 - p->nsp, xb = batched ? 1 : 0;
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (cd < 0 && di && di->is_int && dt != PTS_BOOL && (!p->transposed || dt == PTS_INT64))
        cd = PTS_INT64;
    if (cd < 0)
        return pts_nn_bad_dtype(p->transposed ? "conv_transpose" : "convolution", dt);
    int64_t N = batched ? x0->sizes[0] : 1, Cin = x0->sizes[xb], G = p->groups, Cout, Cin_g, Cout_g;
    if (p->transposed) {
        if (w0->sizes[0] != Cin || Cin % G)
            return pts_err_set(PTS_ERR_VALUE,
                               "conv_transpose: weight of shape [%lld, %lld, ...] and groups=%lld expect input[%lld] channels, got %lld",
                               (long long)w0->sizes[0], (long long)w0->sizes[1], (long long)G, (long long)w0->sizes[0],
                               (long long)Cin);
        Cout_g = w0->sizes[1];
        Cout = Cout_g * G;
        Cin_g = Cin / G;
    } else {
        Cout = w0->sizes[0];
        Cin_g = w0->sizes[1];
        if (Cin_g * G != Cin || Cout % G)
            return pts_err_set(PTS_ERR_VALUE,
                               "Given groups=%lld, weight of size [%lld, %lld, ...], expected input to have %lld channels, but got %lld channels instead",
                               (long long)G, (long long)Cout, (long long)Cin_g, (long long)(Cin_g * G), (long long)Cin);
        Cout_g = Cout / G;
    }
    if (b0 && (b0->ndim != 1 || b0->sizes[0] != Cout))
        return pts_err_set(PTS_ERR_VALUE, "convolution: bias must be 1-D with %lld elements", (long long)Cout);
    pts_conv_geom geom;
    int64_t osz[PTS_MAX_DIMS];
    osz[0] = N;
    osz[1] = Cout;
    for (int i = 0; i < 3; i++) {
        int s = i - off;
        int64_t in = s >= 0 ? x0->sizes[xb + 1 + s] : 1, k = s >= 0 ? w0->sizes[2 + s] : 1, o;
        geom.k[i] = k;
        geom.stride[i] = s >= 0 ? p->stride[s] : 1;
        geom.dil[i] = s >= 0 ? p->dil[s] : 1;
        geom.pad[i] = s >= 0 ? p->pad[s] : 0;
        int64_t ext = geom.dil[i] * (k - 1) + 1;
        if (p->transposed) {
            o = (in - 1) * geom.stride[i] - 2 * geom.pad[i] + ext + (s >= 0 ? p->outpad[s] : 0);
            geom.in[i] = o; /* the image is the output */
            geom.out[i] = in;
        } else {
            int64_t padded = in + geom.pad[i] + (s >= 0 ? p->pad_r[s] : 0);
            if (padded < ext)
                return pts_err_set(PTS_ERR_VALUE,
                                   "Calculated padded input size per channel: (%lld). Kernel size: (%lld). Kernel size can't be greater than actual input size",
                                   (long long)padded, (long long)ext);
            o = (padded - ext) / geom.stride[i] + 1;
            geom.in[i] = in;
            geom.out[i] = o;
        }
        if (o < 1 && !(s < 0))
            return pts_err_set(PTS_ERR_VALUE, "convolution: calculated output size %lld is too small", (long long)o);
        if (s >= 0)
            osz[2 + s] = o;
    }
    if (plan && plan->residual) { /* the identity must be exactly the output's shape, float32, contiguous */
        const pts_tensor *r = pts_conv_plan_residual;
        bool ok = r && r->dtype == PTS_FLOAT32 && r->ndim == 2 + p->nsp && pts_tensor_is_contiguous(r) && !r->nested_lengths;
        for (int i = 0; ok && i < r->ndim; i++)
            ok = r->sizes[i] == osz[i];
        if (!ok)
            plan = NULL; /* not taken: the BatchNorm, the add and the activation run as written */
        else
            res = pts_tensor_data(r);
    }
    if (plan && plan->act == PTS_EPI_GELU && N * Cout * pts_conv_geom_pout(&geom) < 2)
        plan = NULL; /* gelu of a single element takes ATen's scalar path (+inf stays +inf): run as written */
    if (plan) { /* taken: the folded tensors replace the module's own (same shapes) */
        pts_conv_plan_pending = NULL;
        pts_conv_plan_done = plan;
        w0 = plan->weight;
        b0 = plan->bias;
        act = plan->act;
    }
    pts_tensor *x = NULL, *w = NULL, *b = NULL, *y = NULL;
    pts_status st = PTS_OK;
    if (!(x = pts_nn_contig(x0, cd)) || !(w = pts_nn_contig(w0, cd)) || (b0 && !(b = pts_nn_contig(b0, cd))) ||
        !(y = pts_tensor_empty(cd, 2 + p->nsp, osz))) {
        st = pts_err_last();
        goto done;
    }
    int64_t kprod = pts_conv_geom_kprod(&geom);
    if (cd == PTS_INT64) {
        convi_job j = {pts_tensor_data(x), pts_tensor_data(w), b ? pts_tensor_data(b) : NULL, pts_tensor_data(y),
                       p->transposed, Cin, Cout, Cin_g, Cout_g, kprod, geom};
        pts_parallel_for(N * Cout, 1, convi_range, &j);
    } else if (p->transposed) {
        convt_job j = {cd == PTS_FLOAT64, pts_tensor_data(x), pts_tensor_data(w), b ? pts_tensor_data(b) : NULL,
                       pts_tensor_data(y), Cin, Cout, G, Cin_g, Cout_g, kprod, pts_conv_geom_pout(&geom),
                       pts_conv_geom_pin(&geom), geom, 0, 0, 0, -1, false};
        if (dt == PTS_FLOAT16 || dt == PTS_BFLOAT16) {
            j.rdt = dt;
            j.rev = p->nsp == 2 && (strides_like_cl2d(x0) || strides_like_cl2d(w0));
        }
        st = convt_run(&j, N);
    } else {
        conv_job j;
        memset(&j, 0, sizeof j);
        j.f64 = cd == PTS_FLOAT64;
        j.x = pts_tensor_data(x);
        j.w = pts_tensor_data(w);
        j.b = b ? pts_tensor_data(b) : NULL;
        j.y = pts_tensor_data(y);
        j.Cin = Cin;
        j.Cout = Cout;
        j.G = G;
        j.Cin_g = Cin_g;
        j.Cout_g = Cout_g;
        j.Kc = Cin_g * kprod;
        j.P = pts_conv_geom_pout(&geom);
        j.Pin = pts_conv_geom_pin(&geom);
        j.geom = geom;
        j.act = j.f64 ? PTS_EPI_NONE : act;
        j.res = j.f64 ? NULL : res;
        if (Cin_g == 1 && G > 1 && geom.k[0] == 1 && geom.in[0] == 1 && kprod <= DW_MAX_TAPS) {
            if (N * Cout > 0)
                st = conv_depthwise(&j, N);
        } else if (!j.f64 && pts_wino_takes(&geom, N, G, Cin_g, Cout_g, plan != NULL)) { /* conv_winograd.h */
            st = pts_wino_run(&geom, N, Cin, Cout, (const float *)j.x, (const float *)j.w, (const float *)j.b,
                              (float *)j.y, j.act, j.res, plan ? (_Atomic(pts_convk_packed *) *)&plan->packed : NULL);
        } else {
            pts_convk fk;
            memset(&fk, 0, sizeof fk);
            if (!j.f64 && N > 0)
                st = pts_convk_prepare(&fk, &geom, (const float *)j.x, N, G, Cin_g, Cout_g, (const float *)j.w,
                                       (const float *)j.b, plan ? (_Atomic(pts_convk_packed *) *)&plan->packed : NULL);
            j.fk = fk.isa ? &fk : NULL;
            if (st == PTS_OK && !j.fk && !pts_blas_fits(Cout_g, j.P, j.Kc, j.Pin))
                st = pts_err_set(PTS_ERR_LIMIT, "convolution: problem too large for BLAS");
            j.direct = kprod == 1 && geom.stride[0] == 1 && geom.stride[1] == 1 && geom.stride[2] == 1 &&
                       geom.pad[0] == 0 && geom.pad[1] == 0 && geom.pad[2] == 0 && j.P == j.Pin;
            if (st == PTS_OK)
                st = conv_gemm(&j, N);
            pts_convk_release(&fk);
        }
    }
    if (st != PTS_OK)
        goto done;
    if (!batched) { /* drop the batch dim of the contiguous result */
        y->ndim--;
        memmove(y->sizes, y->sizes + 1, sizeof(int64_t) * (size_t)y->ndim);
        pts_contiguous_strides(y->ndim, y->sizes, y->strides);
    }
    y = pts_nn_cast(y, dt);
    if (!y) {
        st = pts_err_last();
        goto done;
    }
    rets[0] = pts_ret_tensor(y);
    y = NULL;
done:
    if (x)
        pts_obj_release(&x->hdr);
    if (w)
        pts_obj_release(&w->hdr);
    if (b)
        pts_obj_release(&b->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* conv_run for conv_complex.c's callback (its parameters are a conv_params). */
static pts_status conv_run_real(pts_tensor *x, pts_tensor *w, pts_tensor *b, const void *p, pts_value *rets)
{
    return conv_run(x, w, b, p, rets);
}

/* ---- argument parsing --------------------------------------------------------------------- */

/* int[] argument with nsp entries (a single value is repeated). */
static pts_status get_ints(pts_value v, int nsp, int64_t *out, const char *name)
{
    int n = 0;
    int64_t tmp[PTS_MAX_DIMS] = {0};
    PTS_TRY(pts_arg_int_list(v, tmp, PTS_MAX_DIMS, &n, nsp, name));
    if (n == 1 && nsp > 1) {
        for (int i = 1; i < nsp; i++)
            tmp[i] = tmp[0];
        n = nsp;
    }
    if (n != nsp)
        return pts_err_set(PTS_ERR_VALUE, "expected %s to be a single integer value or a list of %d values to match the convolution dimensions, but got %s=[%d values]",
                           name, nsp, name, n);
    memcpy(out, tmp, sizeof(int64_t) * (size_t)nsp);
    return PTS_OK;
}

/* Spatial dims from the weight (convolution, _convolution). */
static pts_status nsp_of(const pts_tensor *w, int *nsp)
{
    if (w->ndim < 3 || w->ndim > 5)
        return pts_err_set(PTS_ERR_VALUE, "convolution: weight must be 3-D, 4-D or 5-D (got %d-D)", w->ndim);
    *nsp = w->ndim - 2;
    return PTS_OK;
}

/* (input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...) */
static pts_status conv_general(pts_tensor *x, pts_tensor *w, pts_tensor *bias, pts_value stride, pts_value padding,
                               pts_value dilation, bool transposed, pts_value output_padding, int64_t groups,
                               pts_value *rets)
{
    conv_params p;
    memset(&p, 0, sizeof p);
    PTS_TRY(nsp_of(w, &p.nsp));
    PTS_TRY(get_ints(stride, p.nsp, p.stride, "stride"));
    PTS_TRY(get_ints(padding, p.nsp, p.pad, "padding"));
    PTS_TRY(get_ints(dilation, p.nsp, p.dil, "dilation"));
    p.transposed = transposed;
    PTS_TRY(get_ints(output_padding, p.nsp, p.outpad, "output_padding"));
    p.groups = groups;
    memcpy(p.pad_r, p.pad, sizeof p.pad);
    if (pts_conv_is_complex(x, w, bias)) /* torch's convolution/_convolution refuse complex */
        return pts_conv_complex_refused(x->dtype, p.nsp, transposed);
    return conv_run(x, w, bias, &p, rets);
}

#define CONV_GENERAL_ARGS(a) (a)->input, (a)->weight, (a)->bias, (a)->stride, (a)->padding, (a)->dilation, \
                             (a)->transposed, (a)->output_padding, (a)->groups

/* aten::_convolution(... 13 args) / _convolution.deprecated (12) / convolution (9) */
PTS_KERNEL(k__convolution) { return conv_general(CONV_GENERAL_ARGS(a), rets); }
PTS_KERNEL(k__convolution_deprecated) { return conv_general(CONV_GENERAL_ARGS(a), rets); }
PTS_KERNEL(k_convolution) { return conv_general(CONV_GENERAL_ARGS(a), rets); }

/* conv{1,2,3}d(input, weight, bias, stride, padding, dilation, groups): padding is
 * a list of ints (*padding) or, for the .padding overloads, "same"/"valid" (mode). */
static pts_status conv_nd(pts_tensor *x, pts_tensor *w, pts_tensor *bias, pts_value stride, const pts_value *padding,
                          const char *mode, pts_value dilation, int64_t groups, pts_value *rets, int nsp)
{
    conv_params p;
    memset(&p, 0, sizeof p);
    p.nsp = nsp;
    PTS_TRY(get_ints(stride, nsp, p.stride, "stride"));
    PTS_TRY(get_ints(dilation, nsp, p.dil, "dilation"));
    p.groups = groups;
    if (mode) {
        bool same = strcmp(mode, "same") == 0;
        if (!same && strcmp(mode, "valid") != 0)
            return pts_err_set(PTS_ERR_VALUE, "Invalid padding string: '%s'", mode);
        if (same && w->ndim == nsp + 2) {
            for (int i = 0; i < nsp; i++) {
                if (p.stride[i] != 1)
                    return pts_err_set(PTS_ERR_VALUE, "padding='same' is not supported for strided convolutions");
                int64_t total = p.dil[i] * (w->sizes[2 + i] - 1);
                p.pad[i] = total / 2;
                p.pad_r[i] = total - p.pad[i];
            }
        }
    } else {
        PTS_TRY(get_ints(*padding, nsp, p.pad, "padding"));
        memcpy(p.pad_r, p.pad, sizeof p.pad);
    }
    return conv_run(x, w, bias, &p, rets);
}

PTS_KERNEL(k_conv1d) { return conv_nd(a->input, a->weight, a->bias, a->stride, &a->padding, NULL, a->dilation, a->groups, rets, 1); }
PTS_KERNEL(k_conv2d) { return conv_nd(a->input, a->weight, a->bias, a->stride, &a->padding, NULL, a->dilation, a->groups, rets, 2); }
PTS_KERNEL(k_conv3d) { return conv_nd(a->input, a->weight, a->bias, a->stride, &a->padding, NULL, a->dilation, a->groups, rets, 3); }
PTS_KERNEL(k_conv1d_padding) { return conv_nd(a->input, a->weight, a->bias, a->stride, NULL, a->padding, a->dilation, a->groups, rets, 1); }
PTS_KERNEL(k_conv2d_padding) { return conv_nd(a->input, a->weight, a->bias, a->stride, NULL, a->padding, a->dilation, a->groups, rets, 2); }
PTS_KERNEL(k_conv3d_padding) { return conv_nd(a->input, a->weight, a->bias, a->stride, NULL, a->padding, a->dilation, a->groups, rets, 3); }

/* conv_transpose{1,2,3}d(input, weight, bias, stride, padding, output_padding, groups, dilation) */
static pts_status conv_transpose_nd(pts_tensor *x, pts_tensor *w, pts_tensor *bias, pts_value stride, pts_value padding,
                                    pts_value output_padding, int64_t groups, pts_value dilation, pts_value *rets, int nsp)
{
    conv_params p;
    memset(&p, 0, sizeof p);
    p.nsp = nsp;
    p.transposed = true;
    PTS_TRY(get_ints(stride, nsp, p.stride, "stride"));
    PTS_TRY(get_ints(padding, nsp, p.pad, "padding"));
    PTS_TRY(get_ints(output_padding, nsp, p.outpad, "output_padding"));
    p.groups = groups;
    PTS_TRY(get_ints(dilation, nsp, p.dil, "dilation"));
    memcpy(p.pad_r, p.pad, sizeof p.pad);
    return conv_run(x, w, bias, &p, rets);
}

#define CONV_T_ARGS(a) (a)->input, (a)->weight, (a)->bias, (a)->stride, (a)->padding, (a)->output_padding, \
                       (a)->groups, (a)->dilation

PTS_KERNEL(k_conv_transpose1d) { return conv_transpose_nd(CONV_T_ARGS(a), rets, 1); }
PTS_KERNEL(k_conv_transpose2d_input) { return conv_transpose_nd(CONV_T_ARGS(a), rets, 2); }
PTS_KERNEL(k_conv_transpose3d_input) { return conv_transpose_nd(CONV_T_ARGS(a), rets, 3); }

const pts_op_def pts_ops_conv[] = {
    PTS_OP("aten::_convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups, bool benchmark, bool deterministic, bool cudnn_enabled, bool allow_tf32) -> Tensor", k__convolution),
    PTS_OP("aten::_convolution.deprecated(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, int[] output_padding, SymInt groups, bool benchmark, bool deterministic, bool cudnn_enabled) -> Tensor", k__convolution_deprecated),
    PTS_OP("aten::convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups) -> Tensor", k_convolution),
    PTS_OP("aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], SymInt[1] padding=[0], SymInt[1] dilation=[1], SymInt groups=1) -> Tensor", k_conv1d),
    PTS_OP("aten::conv1d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], str padding=\"valid\", SymInt[1] dilation=[1], SymInt groups=1) -> Tensor", k_conv1d_padding),
    PTS_OP("aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], SymInt[2] padding=[0, 0], SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor", k_conv2d),
    PTS_OP("aten::conv2d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], str padding=\"valid\", SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor", k_conv2d_padding),
    PTS_OP("aten::conv3d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[3] stride=[1, 1, 1], SymInt[3] padding=[0, 0, 0], SymInt[3] dilation=[1, 1, 1], SymInt groups=1) -> Tensor", k_conv3d),
    PTS_OP("aten::conv3d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[3] stride=[1, 1, 1], str padding=\"valid\", SymInt[3] dilation=[1, 1, 1], SymInt groups=1) -> Tensor", k_conv3d_padding),
    PTS_OP("aten::conv_transpose1d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], SymInt[1] padding=[0], SymInt[1] output_padding=[0], SymInt groups=1, SymInt[1] dilation=[1]) -> Tensor", k_conv_transpose1d),
    PTS_OP("aten::conv_transpose2d.input(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], SymInt[2] padding=[0, 0], SymInt[2] output_padding=[0, 0], SymInt groups=1, SymInt[2] dilation=[1, 1]) -> Tensor", k_conv_transpose2d_input),
    PTS_OP("aten::conv_transpose3d.input(Tensor input, Tensor weight, Tensor? bias=None, SymInt[3] stride=[1, 1, 1], SymInt[3] padding=[0, 0, 0], SymInt[3] output_padding=[0, 0, 0], SymInt groups=1, SymInt[3] dilation=[1, 1, 1]) -> Tensor", k_conv_transpose3d_input),
    {NULL, NULL},
};
