/* conv_kernels.c - float32 convolution as an implicit GEMM on our own
 * micro-kernels (see conv_kernels.h for the layout).  Called by conv.c. */
#include "ops/nn/conv_kernels.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ops/nn/conv_winograd.h"
#include "tensor/parallel.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CONVK_X86 1
#else
#define CONVK_X86 0
#endif

struct pts_convk_packed {
    const pts_sgemm_isa *isa; /* NULL in a holder made for the Winograd filters alone */
    int64_t G, Cout_g, K;
    float *data; /* per group: pts_sgemm_packed_size(isa, Cout_g, K) floats */
    _Atomic(pts_wino_filter *) wino; /* owned: the plan's Winograd filters (conv_winograd.c), or NULL */
};

void pts_convk_packed_free(pts_convk_packed *p)
{
    if (!p)
        return;
    pts_wino_filter_free(atomic_load(&p->wino));
    pts_free(p->data);
    pts_free(p);
}

_Atomic(pts_wino_filter *) *pts_convk_wino_slot(_Atomic(pts_convk_packed *) *slot)
{
    pts_convk_packed *p = atomic_load_explicit(slot, memory_order_acquire);
    if (p)
        return &p->wino;
    pts_convk_packed *mine = pts_malloc(sizeof *mine);
    if (!mine)
        return NULL;
    memset(mine, 0, sizeof *mine);
    atomic_init(&mine->wino, NULL);
    pts_convk_packed *expected = NULL;
    if (atomic_compare_exchange_strong_explicit(slot, &expected, mine, memory_order_acq_rel, memory_order_acquire))
        return &mine->wino;
    pts_free(mine); /* another thread was first */
    return &expected->wino;
}

/* ---- which path ------------------------------------------------------------------------ */

static atomic_int mode_cache; /* 0: not read yet, else mode + 1 */

int pts_convk_mode(void)
{
    int m = atomic_load_explicit(&mode_cache, memory_order_relaxed);
    if (m)
        return m - 1;
    const char *e = getenv("PYTS_CONV_KERNEL");
    m = PTS_CONVK_AUTO;
    if (e && strcmp(e, "blas") == 0)
        m = PTS_CONVK_BLAS;
    else if (e && strcmp(e, "own") == 0)
        m = PTS_CONVK_OWN;
    else if (e && strcmp(e, "wino") == 0)
        m = PTS_CONVK_WINO;
    atomic_store_explicit(&mode_cache, m + 1, memory_order_relaxed);
    return m;
}

int pts_convk_set_mode(int mode)
{
    int old = pts_convk_mode();
    atomic_store_explicit(&mode_cache, mode + 1, memory_order_relaxed);
    return old;
}

/* The default choice (measured with benchmarks/bench_conv.py; docs/performance.md
 * lists each shape): the SIMD kernels, never the portable one. */
static bool wanted(const pts_sgemm_isa *isa, const pts_conv_geom *g, int64_t Cin_g, int64_t Cout_g)
{
    (void)g;
    (void)Cin_g;
    if (strcmp(isa->name, "portable") == 0)
        return false;
    return Cout_g >= 4;
}

/* ---- the transformed input ------------------------------------------------------------- */

/* dst[i] = src[2 * i] for i < n: the stride-2 column gather of the phase split. */
#if CONVK_X86
__attribute__((target("avx512f"))) static void gather2_avx512(float *dst, const float *src, int64_t n)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) { /* reads src[2i .. 2i + 30] */
        __m512 lo = _mm512_loadu_ps(src + 2 * i), hi = _mm512_maskz_loadu_ps(0x7FFF, src + 2 * i + 16);
        _mm512_storeu_ps(dst + i, _mm512_permutex2var_ps(lo, even, hi));
    }
    if (i < n) { /* the last m < 16 outputs read src[2i .. 2i + 2m - 2] */
        uint32_t m = (uint32_t)(n - i), lanes = m >= 16 ? 0xFFFFFFFFu : (1u << (2 * m - 1)) - 1u;
        __m512 lo = _mm512_maskz_loadu_ps((__mmask16)(lanes & 0xFFFF), src + 2 * i);
        __m512 hi = _mm512_maskz_loadu_ps((__mmask16)(lanes >> 16), src + 2 * i + 16);
        _mm512_mask_storeu_ps(dst + i, (__mmask16)((1u << m) - 1u), _mm512_permutex2var_ps(lo, even, hi));
    }
}
#endif

typedef struct xform_job {
    const float *x;
    float *buf;
    int64_t H, W, Hq, Wq, sh, sw, pt, pl; /* image, phase plane, strides, top / left padding */
    int64_t na, nb;                        /* used row / column phases */
    const int64_t *pa, *pb;                /* their phase numbers */
    int64_t CS;                            /* floats per channel in buf */
    bool avx512;                           /* gather stride-2 columns with gather2_avx512 */
} xform_job;

static void xform_range(void *ctx, int64_t begin, int64_t end)
{
    const xform_job *j = ctx;
    for (int64_t plane = begin; plane < end; plane++) {
        const float *src = j->x + plane * j->H * j->W;
        float *dst = j->buf + plane * j->CS;
        for (int64_t ia = 0; ia < j->na; ia++)
            for (int64_t ib = 0; ib < j->nb; ib++, dst += j->Hq * j->Wq) {
                int64_t a = j->pa[ia], b = j->pb[ib];
                /* grid column q reads image column q*sw + b - pl: valid for q in [qlo, qhi) */
                int64_t first = b - j->pl, qlo = first >= 0 ? 0 : (-first + j->sw - 1) / j->sw;
                int64_t qhi = first >= j->W ? 0 : (j->W - first + j->sw - 1) / j->sw;
                if (qhi > j->Wq)
                    qhi = j->Wq;
                if (qlo > qhi)
                    qlo = qhi;
                for (int64_t r = 0; r < j->Hq; r++) {
                    float *row = dst + r * j->Wq;
                    int64_t ih = r * j->sh + a - j->pt;
                    if (ih < 0 || ih >= j->H) {
                        memset(row, 0, sizeof(float) * (size_t)j->Wq);
                        continue;
                    }
                    const float *s = src + ih * j->W + first;
                    for (int64_t q = 0; q < qlo; q++)
                        row[q] = 0.0f;
                    if (j->sw == 1)
                        memcpy(row + qlo, s + qlo, sizeof(float) * (size_t)(qhi - qlo));
#if CONVK_X86
                    else if (j->sw == 2 && j->avx512)
                        gather2_avx512(row + qlo, s + 2 * qlo, qhi - qlo);
#endif
                    else
                        for (int64_t q = qlo; q < qhi; q++)
                            row[q] = s[q * j->sw];
                    for (int64_t q = qhi; q < j->Wq; q++)
                        row[q] = 0.0f;
                }
            }
    }
}

/* ---- weights ---------------------------------------------------------------------------- */

static pts_convk_packed *pack_new(const pts_sgemm_isa *isa, int64_t G, int64_t Cout_g, int64_t K, const float *w)
{
    int64_t per = pts_sgemm_packed_size(isa, Cout_g, K);
    pts_convk_packed *p = pts_malloc(sizeof *p);
    if (!p)
        return NULL;
    p->data = pts_malloc(sizeof(float) * (size_t)(per * G));
    if (!p->data) {
        pts_free(p);
        return NULL;
    }
    atomic_init(&p->wino, NULL);
    p->isa = isa;
    p->G = G;
    p->Cout_g = Cout_g;
    p->K = K;
    for (int64_t g = 0; g < G; g++)
        pts_sgemm_pack_a(isa, Cout_g, K, w + g * Cout_g * K, K, p->data + g * per);
    return p;
}

static bool pack_fits(const pts_convk_packed *p, const pts_sgemm_isa *isa, int64_t G, int64_t Cout_g, int64_t K)
{
    return p && p->isa == isa && p->G == G && p->Cout_g == Cout_g && p->K == K;
}

/* The plan's packing (made now if it has none), or one for this call only. */
static pts_status use_packed(pts_convk *c, _Atomic(pts_convk_packed *) *slot, const float *w)
{
    pts_convk_packed *p = atomic_load_explicit(slot, memory_order_acquire);
    if (!pack_fits(p, c->isa, c->G, c->Cout_g, c->K)) {
        /* (a holder of Winograd filters alone never fits: this call packs its own) */
        pts_convk_packed *mine = pack_new(c->isa, c->G, c->Cout_g, c->K, w);
        if (!mine)
            return pts_err_nomem("packed convolution weights",
                                 sizeof(float) * (size_t)(pts_sgemm_packed_size(c->isa, c->Cout_g, c->K) * c->G));
        pts_convk_packed *expected = NULL;
        if (!p && atomic_compare_exchange_strong_explicit(slot, &expected, mine, memory_order_acq_rel,
                                                          memory_order_acquire)) {
            p = mine; /* the plan owns it now */
        } else if (!p && pack_fits(expected, c->isa, c->G, c->Cout_g, c->K)) {
            pts_convk_packed_free(mine); /* another thread was first */
            p = expected;
        } else {
            c->own_pack = mine; /* the slot holds another grouping: pack for this call */
            p = mine;
        }
    }
    c->A = p->data;
    c->packed = true;
    c->a_k = c->isa->mr;
    c->a_m = 1;
    c->a_group = pts_sgemm_packed_size(c->isa, c->Cout_g, c->K);
    return PTS_OK;
}

/* ---- prepare / release ---------------------------------------------------------------- */

#define MAX_PHASES 64
#define PANEL_KC 256 /* terms per B panel: 256 x 32 floats = 32 KB, in L1 */

pts_status pts_convk_prepare(pts_convk *c, const pts_conv_geom *g, const float *x, int64_t N, int64_t G,
                             int64_t Cin_g, int64_t Cout_g, const float *w, const float *bias,
                             _Atomic(pts_convk_packed *) *slot)
{
    memset(c, 0, sizeof *c);
    int mode = pts_convk_mode();
    if (mode == PTS_CONVK_BLAS)
        return PTS_OK;
    /* 1-D and 2-D only (depth of 1), and at most MAX_PHASES phases per dim */
    if (g->k[0] != 1 || g->in[0] != 1 || g->out[0] != 1 || g->stride[1] > MAX_PHASES || g->stride[2] > MAX_PHASES)
        return PTS_OK;
    const pts_sgemm_isa *isa = pts_sgemm_isa_best();
    if (mode == PTS_CONVK_AUTO && !wanted(isa, g, Cin_g, Cout_g))
        return PTS_OK;
    int64_t kh = g->k[1], kw = g->k[2], sh = g->stride[1], sw = g->stride[2], dh = g->dil[1], dw = g->dil[2];
    int64_t H = g->in[1], W = g->in[2], Ho = g->out[1], Wo = g->out[2];
    int64_t Hq = Ho + (kh - 1) * dh / sh, Wq = Wo + (kw - 1) * dw / sw;
    int64_t K = Cin_g * kh * kw;
    bool direct = sh == 1 && sw == 1 && g->pad[1] == 0 && g->pad[2] == 0 && Hq == H && Wq == W;
    /* the row and column phases some tap reads, numbered in order */
    int64_t ia_of[MAX_PHASES], ib_of[MAX_PHASES], pa[MAX_PHASES], pb[MAX_PHASES], na = 0, nb = 0;
    for (int64_t a = 0; a < sh; a++)
        ia_of[a] = -1;
    for (int64_t b = 0; b < sw; b++)
        ib_of[b] = -1;
    for (int64_t i = 0; i < kh; i++)
        if (ia_of[i * dh % sh] < 0) {
            ia_of[i * dh % sh] = 0;
        }
    for (int64_t j = 0; j < kw; j++)
        if (ib_of[j * dw % sw] < 0)
            ib_of[j * dw % sw] = 0;
    for (int64_t a = 0; a < sh; a++)
        if (ia_of[a] == 0) {
            ia_of[a] = na;
            pa[na++] = a;
        }
    for (int64_t b = 0; b < sw; b++)
        if (ib_of[b] == 0) {
            ib_of[b] = nb;
            pb[nb++] = b;
        }
    int64_t PS = Hq * Wq, CS = direct ? H * W : na * nb * PS;
    c->isa = isa;
    c->K = K;
    c->G = G;
    c->Cout_g = Cout_g;
    c->Wq = Wq;
    c->Wo = Wo;
    c->P = Ho * Wo;
    c->bias = bias;
    c->x_group = Cin_g * CS;
    /* B panels (tile_panels): 1x1 kernels whose input rows lie >= 2 KB apart (each row of the
     * sum on its own page), sums of >= 128 terms, >= 64 output channels to share each panel */
    c->kc = kh * kw == 1 && Ho * Wo >= 512 && K >= 128 && Cout_g >= 64 ? PANEL_KC : 0;
    c->boff = pts_malloc(sizeof(int64_t) * (size_t)(K > 0 ? K : 1));
    c->poff = pts_malloc(sizeof(int64_t) * (size_t)(K > 0 ? K : 1));
    if (!c->boff || !c->poff)
        return pts_err_nomem("a convolution offset table", sizeof(int64_t) * (size_t)K);
    for (int64_t k = 0; k < K; k++)
        c->poff[k] = k * isa->nr;
    for (int64_t ci = 0, k = 0; ci < Cin_g; ci++)
        for (int64_t i = 0; i < kh; i++)
            for (int64_t j = 0; j < kw; j++, k++) {
                int64_t ph = direct ? 0 : ia_of[i * dh % sh] * nb + ib_of[j * dw % sw];
                c->boff[k] = ci * CS + ph * PS + (i * dh / sh) * Wq + j * dw / sw;
            }
    if (direct) {
        c->xin = x;
    } else {
        int64_t planes = N * G * Cin_g;
        c->xbuf = pts_malloc(sizeof(float) * (size_t)(planes * CS > 0 ? planes * CS : 1));
        if (!c->xbuf)
            return pts_err_nomem("a convolution input buffer", sizeof(float) * (size_t)(planes * CS));
        xform_job j = {x, c->xbuf, H, W, Hq, Wq, sh, sw, g->pad[1], g->pad[2], na, nb, pa, pb, CS,
                       strcmp(isa->name, "avx512") == 0};
        int64_t grain = (64 * 1024) / (CS > 0 ? CS : 1);
        pts_parallel_for(planes, grain > 0 ? grain : 1, xform_range, &j);
        c->xin = c->xbuf;
    }
    if (slot)
        return use_packed(c, slot, w);
    c->A = w;
    c->a_k = 1;
    c->a_m = K;
    c->a_group = Cout_g * K;
    return PTS_OK;
}

void pts_convk_release(pts_convk *c)
{
    pts_free(c->boff);
    pts_free(c->poff);
    pts_free(c->xbuf);
    pts_convk_packed_free(c->own_pack);
    memset(c, 0, sizeof *c);
}

/* ---- tiles ------------------------------------------------------------------------------ */

int64_t pts_convk_scratch(const pts_convk *c, int64_t np)
{
    if (c->kc == 0) {
        if (c->Wq == c->Wo)
            return 0;
        return c->isa->mr * ((np / c->Wo + 2) * c->Wq);
    }
    int64_t MR = c->isa->mr, rows = (c->Cout_g + MR - 1) / MR * MR;
    int64_t cs = c->Wq == c->Wo ? 0 : rows * ((np / c->Wo + 2) * c->Wq);
    return cs + c->kc * c->isa->nr;
}

/* B read in place through the offset table: for each register block of
 * output channels, every column block over the whole sum. */
static void tile_inplace(const pts_convk *c, int64_t n, int64_t g, int64_t m0, int64_t nm, int64_t p0, int64_t np,
                     float *y, float *scratch)
{
    const pts_sgemm_isa *isa = c->isa;
    int64_t MR = isa->mr, NR = isa->nr, Wq = c->Wq, Wo = c->Wo, K = c->K;
    int64_t pl = p0 + np - 1;
    int64_t q0 = p0 / Wo * Wq + p0 % Wo, q1 = pl / Wo * Wq + pl % Wo + 1;
    bool compact = Wq == Wo;
    const float *xb = c->xin + (n * c->G + g) * c->x_group;
    for (int64_t m = m0; m < m0 + nm; m += MR) {
        int mr = (int)(m0 + nm - m < MR ? m0 + nm - m : MR);
        const float *A = c->A + g * c->a_group + m * K; /* a packed panel starts at (m / MR) * MR * K */
        const float *bias = c->bias ? c->bias + g * c->Cout_g + m : NULL;
        float *dst = compact ? y + (m - m0) * c->P + q0 : scratch;
        int64_t ldc = compact ? c->P : q1 - q0;
        for (int64_t q = q0; q < q1; q += NR) {
            int nr = (int)(q1 - q < NR ? q1 - q : NR);
            isa->kernel(K, A, c->a_k, c->a_m, xb + q, c->boff, bias, dst + (q - q0), ldc, mr, nr);
        }
        if (compact)
            continue;
        for (int r = 0; r < mr; r++) { /* drop the grid's extra columns */
            const float *s = scratch + r * ldc;
            float *out = y + (m - m0 + r) * c->P;
            for (int64_t oh = p0 / Wo; oh <= pl / Wo; oh++) {
                int64_t lo = oh == p0 / Wo ? p0 % Wo : 0, hi = oh == pl / Wo ? pl % Wo + 1 : Wo;
                memcpy(out + oh * Wo + lo, s + oh * Wq + lo - q0, sizeof(float) * (size_t)(hi - lo));
            }
        }
    }
}

/* B copied in panels (c->kc > 0): for each column block of NR positions and
 * each chunk of kc terms of the sum, the kc x NR panel is gathered once into
 * contiguous scratch (it stays in L1) and every register block of output
 * channels runs over it; the chunks after the first continue the sums from
 * C (kernel_acc), so each output is the same sum in the same order as in
 * tile_inplace, bit for bit.  Measured (benchmarks/bench_conv.py shapes,
 * 1 thread, interleaved): 256->64 56x56 0.93x the time of tile_inplace,
 * 512->256 28x28 0.91x; it loses on short sums and few output channels
 * (144->24 56x56 1.66x), which keep tile_inplace. */
void pts_convk_tile(const pts_convk *c, int64_t n, int64_t g, int64_t m0, int64_t nm, int64_t p0, int64_t np,
                    float *y, float *scratch)
{
    if (c->kc == 0) {
        tile_inplace(c, n, g, m0, nm, p0, np, y, scratch);
        return;
    }
    const pts_sgemm_isa *isa = c->isa;
    int64_t MR = isa->mr, NR = isa->nr, Wq = c->Wq, Wo = c->Wo, K = c->K, KC = c->kc;
    int64_t pl = p0 + np - 1;
    int64_t q0 = p0 / Wo * Wq + p0 % Wo, q1 = pl / Wo * Wq + pl % Wo + 1;
    bool compact = Wq == Wo;
    const float *xb = c->xin + (n * c->G + g) * c->x_group;
    float *cbuf = compact ? NULL : scratch;
    float *panel = compact ? scratch : scratch + (c->Cout_g + MR - 1) / MR * MR * ((np / Wo + 2) * Wq);
    int64_t ldc = compact ? c->P : q1 - q0;
    float *dst0 = compact ? y + q0 : cbuf;
    const int64_t *poff = c->poff;
    for (int64_t q = q0; q < q1; q += NR) {
        int nr = (int)(q1 - q < NR ? q1 - q : NR);
        for (int64_t k0 = 0; k0 < K; k0 += KC) {
            int64_t kc = K - k0 < KC ? K - k0 : KC;
            const int64_t *bo = c->boff + k0;
            const float *src = xb + q;
            if (nr == 32 && NR == 32) /* a fixed-size copy the compiler inlines */
                for (int64_t k = 0; k < kc; k++)
                    memcpy(panel + k * 32, src + bo[k], sizeof(float) * 32);
            else
                for (int64_t k = 0; k < kc; k++)
                    memcpy(panel + k * NR, src + bo[k], sizeof(float) * (size_t)nr);
            pts_sgemm_ukernel kern = k0 ? isa->kernel_acc : isa->kernel;
            for (int64_t m = m0; m < m0 + nm; m += MR) {
                int mr = (int)(m0 + nm - m < MR ? m0 + nm - m : MR);
                const float *A = c->A + g * c->a_group + m * K + k0 * c->a_k;
                const float *bias = c->bias ? c->bias + g * c->Cout_g + m : NULL;
                kern(kc, A, c->a_k, c->a_m, panel, poff, bias, dst0 + (m - m0) * ldc + (q - q0), ldc, mr, nr);
            }
        }
    }
    if (compact)
        return;
    for (int64_t r = 0; r < nm; r++) { /* drop the grid's extra columns */
        const float *s = cbuf + r * ldc;
        float *out = y + r * c->P;
        for (int64_t oh = p0 / Wo; oh <= pl / Wo; oh++) {
            int64_t lo = oh == p0 / Wo ? p0 % Wo : 0, hi = oh == pl / Wo ? pl % Wo + 1 : Wo;
            memcpy(out + oh * Wo + lo, s + oh * Wq + lo - q0, sizeof(float) * (size_t)(hi - lo));
        }
    }
}
