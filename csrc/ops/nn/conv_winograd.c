/* conv_winograd.c - float32 3x3 stride-1 convolution by Winograd F(2x2, 3x3)
 * (conv_winograd.h).
 *
 * The output is cut into 2x2 tiles; tile (ty, tx) reads the 4x4 input patch
 * d at rows 2ty - pad_top + [0, 4), columns 2tx - pad_left + [0, 4) (zeros
 * outside the image).  With
 *
 *     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 *     G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
 *     A^T = [1 1 1 0; 0 1 -1 -1]
 *
 * the tile is Y = A^T [ sum_c (G g_c G^T) .* (B^T d_c B) ] A: for each of the
 * 16 elements e of the 4x4 transformed domain, M_e = U_e V_e is a GEMM of the
 * transformed filters U_e (Cout x Cin) with the transformed inputs V_e
 * (Cin x tiles), run on our micro-kernels (sgemm_kernel.h: AVX-512, AVX2 +
 * FMA or portable C, chosen at run time); 16 x Cin multiply-adds per tile
 * and output channel instead of 36 x Cin (2.25x fewer).  The transforms are
 * plain C loops over the tiles of a tile row, compiled per ISA
 * (PTS_SIMD_CLONES).
 *
 * Work: blocks of tb tiles (in raster order) of one image, each transformed
 * into a per-thread V (16 x Cin x tb floats) and multiplied into a per-thread
 * M (16 x ms x tb) for a share of ms output channels, then transformed back,
 * written with the bias, and given the planned epilogue (residual add,
 * activation: pts_conv_epilogue_f32) while in cache.  When an image has too
 * few blocks for the threads, the output channels are split too (each share
 * transforms the input block again: Cin x 16 additions per tile, against
 * 16 x Cin x ms multiply-adds).
 *
 * Rounding (float32, unit roundoff u = 2^-24; probabilistic model of
 * /work/shared/reference/rounding-bounds.md and tests/parity/ops/test_nn_conv.py,
 * which allow 5 sqrt(2) u K s for K = 9 Cin products of rms s, i.e. about 7
 * standard deviations of the difference of two direct sums, each of rms
 * u K s / sqrt(2)):
 *  - the transforms multiply only by 0, +-1, +-1/2 (exact), so each
 *    transformed value carries 2 roundings (V: two additions of input pairs;
 *    U: two sums of three halves per dimension, at most 4 roundings): a
 *    relative error of at most 4u on U_e and 2u on V_e;
 *  - each M_e is a sum of Cin products U_e V_e: with V entries of rms 2 s_x
 *    (4 inputs) and U entries of rms s_g, 0.87 s_g, 0.75 s_g (corner, edge,
 *    centre), the products have rms 2 s, 1.73 s, 1.5 s, and M_e's rounding
 *    error has rms u Cin s_e / sqrt(2);
 *  - an output is a sum of 9 of the M_e (two stages of 3-term sums, 4
 *    roundings of values of size ~ sqrt(Cin) s) plus the bias (1 rounding).
 * Summed in quadrature, the 9 GEMM terms give rms u Cin s sqrt(4 + 4*3 +
 * 4*2.25) / sqrt(2) = 5 u Cin s / sqrt(2), the transforms add O(u sqrt(Cin) s)
 * (about 10 u sqrt(Cin) s), and the direct reference has 9 u Cin s / sqrt(2):
 * the difference has rms ~ sqrt(25 + 81) / sqrt(2) u Cin s = 7.3 u Cin s +
 * O(u sqrt(Cin) s), against the 63.6 u Cin s the conv tests allow (and the
 * 1e-5 floor covers the O(sqrt(Cin)) terms for small Cin).  F(4x4, 3x3)
 * (coefficients up to 8 and 5/4, 36 elements) was not tried.
 */
#include "ops/nn/conv_winograd.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ops/nn/conv_plan.h"
#include "tensor/parallel.h"
#include "tensor/vmath.h"

struct pts_wino_filter {
    const pts_sgemm_isa *isa;
    int64_t Cout, Cin, per; /* per: floats of one packed U_e */
    float *data;            /* 16 packed U_e (pts_sgemm_pack_a layout) */
};

void pts_wino_filter_free(pts_wino_filter *f)
{
    if (!f)
        return;
    pts_free(f->data);
    pts_free(f);
}

/* ---- which shapes ------------------------------------------------------------------- */

bool pts_wino_takes(const pts_conv_geom *g, int64_t N, int64_t G, int64_t Cin, int64_t Cout, bool planned)
{
    int mode = pts_convk_mode();
    if (mode == PTS_CONVK_BLAS || mode == PTS_CONVK_OWN)
        return false;
    if (G != 1 || N <= 0 || Cin <= 0 || Cout <= 0 || g->k[0] != 1 || g->in[0] != 1 || g->out[0] != 1 ||
        g->k[1] != 3 || g->k[2] != 3 || g->stride[1] != 1 || g->stride[2] != 1 || g->dil[1] != 1 ||
        g->dil[2] != 1)
        return false;
    if (mode == PTS_CONVK_WINO)
        return true;
    /* auto: measured with benchmarks/bench_conv.py (docs/performance.md) */
    const pts_sgemm_isa *isa = pts_sgemm_isa_best();
    if (strcmp(isa->name, "portable") == 0)
        return false;
    /* Planned (filters transformed once): faster from 49 tiles (14x14 outputs) while the
     * transformed filters are not too large for the tiles they serve (256->256 at 14x14: 1337
     * weights per tile, faster; 512->512 at 14x14: 5350, no faster; at 7x7 every shape is
     * slower: streaming 16/9 times the weights for 16 tiles).  Unplanned, the filters are
     * transformed at every call (16 Cin Cout floats written, a fresh buffer): only for large
     * images with few weights per tile (64->64 at 56x56: faster; 128->128 at 28x28: no
     * faster).  3 input channels (a stem) are slower; 32 is the smallest count allowed,
     * between the 3 and 64 measured. */
    int64_t tiles = ((g->out[1] + 1) / 2) * ((g->out[2] + 1) / 2);
    if (Cin < 32 || Cout < 32)
        return false;
    if (planned)
        return tiles >= 40 && Cin * Cout <= 2048 * tiles;
    return tiles >= 400 && Cin * Cout <= 100 * tiles;
}

/* ---- filters ------------------------------------------------------------------------ */

typedef struct filt_job {
    const float *w;
    pts_wino_filter *f;
    int64_t mr;
} filt_job;

/* Panels [begin, end) of MR output channels: U_e[co][ci] = (G g G^T)[e]
 * written straight into the packed layout (panel i at i*MR*Cin, element
 * (co, ci) at ci*MR + co%MR; rows past Cout are zeros). */
static void filt_range(void *ctx, int64_t begin, int64_t end)
{
    const filt_job *j = ctx;
    int64_t Cin = j->f->Cin, Cout = j->f->Cout, MR = j->mr;
    for (int64_t pnl = begin; pnl < end; pnl++)
        for (int64_t ci = 0; ci < Cin; ci++) /* r inner: each U_e written MR floats in a row */
            for (int64_t r = 0; r < MR; r++) {
                int64_t co = pnl * MR + r;
                float u[16];
                if (co >= Cout) {
                    memset(u, 0, sizeof u);
                } else {
                    const float *g = j->w + (co * Cin + ci) * 9;
                    float t[4][3];
                    for (int c = 0; c < 3; c++) { /* G g: rows */
                        t[0][c] = g[c];
                        t[1][c] = 0.5f * (g[c] + g[3 + c] + g[6 + c]);
                        t[2][c] = 0.5f * (g[c] - g[3 + c] + g[6 + c]);
                        t[3][c] = g[6 + c];
                    }
                    for (int a = 0; a < 4; a++) { /* (G g) G^T: columns */
                        u[a * 4 + 0] = t[a][0];
                        u[a * 4 + 1] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
                        u[a * 4 + 2] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
                        u[a * 4 + 3] = t[a][2];
                    }
                }
                for (int e = 0; e < 16; e++)
                    j->f->data[e * j->f->per + pnl * MR * Cin + ci * MR + r] = u[e];
            }
}

static pts_wino_filter *filter_new(const pts_sgemm_isa *isa, int64_t Cout, int64_t Cin, const float *w)
{
    pts_wino_filter *f = pts_malloc(sizeof *f);
    if (!f)
        return NULL;
    f->isa = isa;
    f->Cout = Cout;
    f->Cin = Cin;
    /* + 16 floats: the 16 U_e do not start at one offset modulo 4 KB (16 write streams in one cache set) */
    f->per = pts_sgemm_packed_size(isa, Cout, Cin) + 16;
    f->data = pts_malloc(sizeof(float) * (size_t)(16 * f->per));
    if (!f->data) {
        pts_free(f);
        return NULL;
    }
    filt_job j = {w, f, isa->mr};
    int64_t panels = (Cout + isa->mr - 1) / isa->mr, grain = (4096 + isa->mr * Cin - 1) / (isa->mr * Cin);
    pts_parallel_for(panels, grain > 0 ? grain : 1, filt_range, &j);
    return f;
}

static bool filter_fits(const pts_wino_filter *f, const pts_sgemm_isa *isa, int64_t Cout, int64_t Cin)
{
    return f && f->isa == isa && f->Cout == Cout && f->Cin == Cin;
}

/* ---- the convolution ---------------------------------------------------------------- */

typedef struct wino_job {
    const pts_sgemm_isa *isa;
    const float *x, *w, *bias, *res;
    const pts_wino_filter *f;
    float *y;
    int64_t Cin, Cout, H, W, Ho, Wo, pt, pl;
    int64_t TX, T;      /* tiles per row, per image */
    int64_t tb, nblk;   /* tiles per block, blocks per image */
    int64_t ms, nms;    /* output channels per share (a multiple of MR), shares */
    int act;
    const int64_t *boff; /* k * tb for k < Cin */
    atomic_int failed;
} wino_job;

/* One row u = x + sy * y of B^T d (sy = +-1, so exact) times B for tiles
 * [0, ns): V[j * vs + t] for the 4 columns j of tile t (u[2t .. 2t+3]). */
static inline void in_cols(const float *restrict x, const float *restrict y, float sy, float *restrict V, int64_t vs,
                           int64_t ns)
{
    float *restrict v0 = V, *restrict v1 = V + vs, *restrict v2 = V + 2 * vs, *restrict v3 = V + 3 * vs;
    for (int64_t t = 0; t < ns; t++) {
        float a = x[2 * t] + sy * y[2 * t], b = x[2 * t + 1] + sy * y[2 * t + 1];
        float c = x[2 * t + 2] + sy * y[2 * t + 2], e = x[2 * t + 3] + sy * y[2 * t + 3];
        v0[t] = a - c;
        v1[t] = b + c;
        v2[t] = c - b;
        v3[t] = b - e;
    }
}

/* Tiles [t0, t0 + ns) of tile row ty (one row segment) of channel plane xs:
 * V[e * vs + i] for i < ns.  rows: 8 * (2 ns + 2) floats of scratch. */
PTS_SIMD_CLONES static void input_segment(const wino_job *j, const float *xs, int64_t ty, int64_t tx0, int64_t ns,
                                          float *V, int64_t vs, float *rows)
{
    int64_t wd = 2 * ns + 2, c0 = 2 * tx0 - j->pl;
    float *d[4];
    for (int i = 0; i < 4; i++) {
        d[i] = rows + i * wd;
        int64_t ih = 2 * ty + i - j->pt;
        if (ih < 0 || ih >= j->H) {
            memset(d[i], 0, sizeof(float) * (size_t)wd);
            continue;
        }
        int64_t lo = c0 < 0 ? -c0 : 0, hi = j->W - c0 < wd ? j->W - c0 : wd;
        if (lo > wd)
            lo = wd;
        if (hi < lo)
            hi = lo;
        for (int64_t k = 0; k < lo; k++)
            d[i][k] = 0.0f;
        memcpy(d[i] + lo, xs + ih * j->W + c0 + lo, sizeof(float) * (size_t)(hi - lo));
        for (int64_t k = hi; k < wd; k++)
            d[i][k] = 0.0f;
    }
    /* row combination i of B^T (x + sy * y, sy = +-1: exact), then the columns of B */
    in_cols(d[0], d[2], -1.0f, V, vs, ns);
    in_cols(d[1], d[2], 1.0f, V + 4 * vs, vs, ns);
    in_cols(d[2], d[1], -1.0f, V + 8 * vs, vs, ns);
    in_cols(d[1], d[3], -1.0f, V + 12 * vs, vs, ns);
}

static inline uint32_t nonfinite_bits(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return (u & 0x7f800000u) == 0x7f800000u;
}

/* Output channel row: tiles [0, ns) of M (element e at M[e * msz + t]) to
 * two output rows o0, o1 (2 ns floats each) with the bias.  Written with one
 * pointer per element so that the loop vectorizes over t.  Returns nonzero
 * when some output is infinite or NaN. */
PTS_SIMD_CLONES static uint32_t output_segment(const float *M, int64_t msz, int64_t ns, float bias, float *restrict o0,
                                           float *restrict o1)
{
    const float *restrict m0 = M, *restrict m1 = M + msz, *restrict m2 = M + 2 * msz, *restrict m3 = M + 3 * msz;
    const float *restrict m4 = M + 4 * msz, *restrict m5 = M + 5 * msz, *restrict m6 = M + 6 * msz,
                          *restrict m7 = M + 7 * msz;
    const float *restrict m8 = M + 8 * msz, *restrict m9 = M + 9 * msz, *restrict m10 = M + 10 * msz,
                          *restrict m11 = M + 11 * msz;
    const float *restrict m12 = M + 12 * msz, *restrict m13 = M + 13 * msz, *restrict m14 = M + 14 * msz,
                          *restrict m15 = M + 15 * msz;
    uint32_t bad = 0;
    for (int64_t t = 0; t < ns; t++) {
        /* A^T M: rows */
        float s00 = m0[t] + m4[t] + m8[t], s01 = m1[t] + m5[t] + m9[t];
        float s02 = m2[t] + m6[t] + m10[t], s03 = m3[t] + m7[t] + m11[t];
        float s10 = m4[t] - m8[t] - m12[t], s11 = m5[t] - m9[t] - m13[t];
        float s12 = m6[t] - m10[t] - m14[t], s13 = m7[t] - m11[t] - m15[t];
        /* (A^T M) A: columns */
        float y00 = (s00 + s01 + s02) + bias, y01 = (s01 - s02 - s03) + bias;
        float y10 = (s10 + s11 + s12) + bias, y11 = (s11 - s12 - s13) + bias;
        o0[2 * t] = y00;
        o0[2 * t + 1] = y01;
        o1[2 * t] = y10;
        o1[2 * t + 1] = y11;
        bad |= nonfinite_bits(y00) | nonfinite_bits(y01) | nonfinite_bits(y10) | nonfinite_bits(y11);
    }
    return bad;
}

/* Outputs [ow, ow + wd) of row oh, channel co, image n, as a direct sum (the
 * padded taps multiplied by zeros, as the direct kernel's padded buffer does):
 * a tile with an infinite or NaN output is recomputed so, since the
 * transforms' differences make inf - inf = NaN where the direct sum has inf. */
static void direct_row(const wino_job *j, int64_t n, int64_t co, int64_t oh, int64_t ow, int64_t wd, float *out)
{
    for (int64_t c = 0; c < wd; c++) {
        float acc = j->bias ? j->bias[co] : 0.0f;
        for (int64_t ci = 0; ci < j->Cin; ci++) {
            const float *xs = j->x + (n * j->Cin + ci) * j->H * j->W, *w = j->w + (co * j->Cin + ci) * 9;
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 3; k++) {
                    int64_t ih = oh + i - j->pt, iw = ow + c + k - j->pl;
                    float v = ih >= 0 && ih < j->H && iw >= 0 && iw < j->W ? xs[ih * j->W + iw] : 0.0f;
                    acc += w[i * 3 + k] * v;
                }
        }
        out[c] = acc;
    }
}

typedef struct wino_scratch {
    float *V, *M, *rows, *orow;
} wino_scratch;

static void wino_item(const wino_job *j, int64_t item, const wino_scratch *s)
{
    int64_t mi = item % j->nms, rest = item / j->nms, blk = rest % j->nblk, n = rest / j->nblk;
    int64_t t0 = blk * j->tb, t1 = t0 + j->tb < j->T ? t0 + j->tb : j->T, nt = t1 - t0;
    int64_t m0 = mi * j->ms, m1 = m0 + j->ms < j->Cout ? m0 + j->ms : j->Cout, nm = m1 - m0;
    if (nt <= 0 || nm <= 0)
        return;
    const pts_sgemm_isa *isa = j->isa;
    int64_t Cin = j->Cin, tb = j->tb, MR = isa->mr, NR = isa->nr, HW = j->H * j->W, P = j->Ho * j->Wo;
    /* input transform: V[e][c][t - t0] */
    for (int64_t c = 0; c < Cin; c++) {
        const float *xs = j->x + (n * Cin + c) * HW;
        for (int64_t t = t0; t < t1;) {
            int64_t ty = t / j->TX, tx0 = t % j->TX, ns = j->TX - tx0 < t1 - t ? j->TX - tx0 : t1 - t;
            input_segment(j, xs, ty, tx0, ns, s->V + c * tb + (t - t0), Cin * tb, s->rows);
            t += ns;
        }
    }
    /* 16 GEMMs: M[e][m][t] = sum_c U_e[m0 + m][c] V[e][c][t] */
    int64_t msz = j->ms * tb;
    for (int e = 0; e < 16; e++) {
        const float *Ue = j->f->data + e * j->f->per, *Ve = s->V + e * Cin * tb;
        float *Me = s->M + e * msz;
        for (int64_t m = 0; m < nm; m += MR) {
            int mr = (int)(nm - m < MR ? nm - m : MR);
            const float *A = Ue + (m0 + m) * Cin; /* m0 + m is a multiple of MR: a panel's start */
            for (int64_t q = 0; q < nt; q += NR) {
                int nr = (int)(nt - q < NR ? nt - q : NR);
                isa->kernel(Cin, A, MR, 1, Ve + q, j->boff, NULL, Me + m * tb + q, tb, mr, nr);
            }
        }
    }
    /* output transform, bias, epilogue, one tile-row segment at a time */
    for (int64_t t = t0; t < t1;) {
        int64_t ty = t / j->TX, tx0 = t % j->TX, ns = j->TX - tx0 < t1 - t ? j->TX - tx0 : t1 - t;
        int64_t oh = 2 * ty, ow = 2 * tx0, wd = j->Wo - ow < 2 * ns ? j->Wo - ow : 2 * ns;
        int64_t nrow = j->Ho - oh < 2 ? 1 : 2;
        float *o0 = s->orow, *o1 = s->orow + 2 * ns;
        for (int64_t m = 0; m < nm; m++) {
            int64_t co = m0 + m;
            uint32_t bad = output_segment(s->M + m * tb + (t - t0), msz, ns, j->bias ? j->bias[co] : 0.0f, o0, o1);
            float *dst = j->y + (n * j->Cout + co) * P + oh * j->Wo + ow;
            if (bad) {
                direct_row(j, n, co, oh, ow, wd, dst);
                if (nrow == 2)
                    direct_row(j, n, co, oh + 1, ow, wd, dst + j->Wo);
                continue;
            }
            memcpy(dst, o0, sizeof(float) * (size_t)wd);
            if (nrow == 2)
                memcpy(dst + j->Wo, o1, sizeof(float) * (size_t)wd);
        }
        if (j->act || j->res)
            for (int64_t r = 0; r < nrow; r++) {
                int64_t off = (n * j->Cout + m0) * P + (oh + r) * j->Wo + ow;
                pts_conv_epilogue_f32(j->act, j->res ? j->res + off : NULL, j->y + off, nm, wd, P);
            }
        t += ns;
    }
}

static void wino_range(void *ctx, int64_t begin, int64_t end)
{
    wino_job *j = ctx;
    int64_t tb = j->tb, ns = tb < j->TX ? tb : j->TX;
    size_t nV = (size_t)(16 * j->Cin * tb), nM = (size_t)(16 * j->ms * tb), nR = (size_t)(8 * (2 * ns + 2)),
           nO = (size_t)(4 * ns);
    float *buf = pts_malloc(sizeof(float) * (nV + nM + nR + nO));
    if (!buf) {
        atomic_store(&j->failed, 1);
        return;
    }
    wino_scratch s = {buf, buf + nV, buf + nV + nM, buf + nV + nM + nR};
    for (int64_t i = begin; i < end; i++)
        wino_item(j, i, &s);
    pts_free(buf);
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

pts_status pts_wino_run(const pts_conv_geom *g, int64_t N, int64_t Cin, int64_t Cout, const float *x, const float *w,
                        const float *bias, float *y, int act, const float *res, _Atomic(pts_convk_packed *) *slot)
{
    const pts_sgemm_isa *isa = pts_sgemm_isa_best();
    wino_job j;
    memset(&j, 0, sizeof j);
    j.isa = isa;
    j.x = x;
    j.w = w;
    j.bias = bias;
    j.res = res;
    j.y = y;
    j.act = act;
    j.Cin = Cin;
    j.Cout = Cout;
    j.H = g->in[1];
    j.W = g->in[2];
    j.Ho = g->out[1];
    j.Wo = g->out[2];
    j.pt = g->pad[1];
    j.pl = g->pad[2];
    j.TX = (j.Wo + 1) / 2;
    j.T = j.TX * ((j.Ho + 1) / 2);
    if (N == 0 || Cout == 0 || j.T == 0)
        return PTS_OK;

    /* the filters: the plan's (made now if it has none), or this call's */
    pts_wino_filter *f = NULL, *mine = NULL;
    _Atomic(pts_wino_filter *) *fs = slot ? pts_convk_wino_slot(slot) : NULL;
    if (fs)
        f = atomic_load_explicit(fs, memory_order_acquire);
    if (!filter_fits(f, isa, Cout, Cin)) {
        mine = filter_new(isa, Cout, Cin, w);
        if (!mine)
            return pts_err_nomem("Winograd filters", sizeof(float) * 16 * (size_t)pts_sgemm_packed_size(isa, Cout, Cin));
        pts_wino_filter *expected = NULL;
        if (fs && !f &&
            atomic_compare_exchange_strong_explicit(fs, &expected, mine, memory_order_acq_rel, memory_order_acquire)) {
            f = mine; /* the plan owns it now */
            mine = NULL;
        } else if (fs && !f && filter_fits(expected, isa, Cout, Cin)) {
            pts_wino_filter_free(mine); /* another thread was first */
            mine = NULL;
            f = expected;
        } else {
            f = mine; /* for this call only */
        }
    }
    j.f = f;

    /* blocks: V and M of one block about 512 KB (L2), a multiple of NR tiles */
    int64_t nt = pts_get_num_threads(), MR = isa->mr, NR = isa->nr, mblocks = ceil_div(Cout, MR);
    int64_t tb = (512 * 1024 / 4) / (16 * (Cin + Cout));
    tb = tb / NR * NR;
    if (tb < NR)
        tb = NR;
    if (tb > j.T)
        tb = j.T;
    int64_t nblk = ceil_div(j.T, tb), outer = N * nblk, nms = 1;
    if (nt > 1 && outer % nt != 0 && outer < 8 * nt) {
        if (mblocks >= nt && outer < 2 * nt) {
            nms = nt; /* few blocks: split the output channels too */
        } else { /* more, smaller blocks: a multiple of the thread count */
            int64_t want = ceil_div(outer, nt) * nt;
            int64_t nb2 = ceil_div(want, N);
            tb = ceil_div(j.T, nb2);
            nblk = ceil_div(j.T, tb);
        }
    }
    j.tb = tb;
    j.nblk = nblk;
    j.ms = ceil_div(mblocks, nms) * MR;
    j.nms = ceil_div(Cout, j.ms);
    int64_t *boff = pts_malloc(sizeof(int64_t) * (size_t)Cin);
    if (!boff) {
        pts_wino_filter_free(mine);
        return pts_err_nomem("a convolution offset table", sizeof(int64_t) * (size_t)Cin);
    }
    for (int64_t k = 0; k < Cin; k++)
        boff[k] = k * tb;
    j.boff = boff;
    atomic_init(&j.failed, 0);
    pts_parallel_for(N * j.nblk * j.nms, 1, wino_range, &j);
    pts_free(boff);
    pts_wino_filter_free(mine);
    if (atomic_load(&j.failed))
        return pts_err_nomem("a Winograd convolution buffer", sizeof(float) * (size_t)(16 * (Cin + j.ms) * tb));
    return PTS_OK;
}
