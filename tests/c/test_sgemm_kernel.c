// test_sgemm_kernel.c - every float32 GEMM micro-kernel this CPU runs
// (csrc/ops/nn/sgemm_kernel.c: AVX-512, AVX2 + FMA, portable) against a plain
// double-precision loop, and the implicit-GEMM convolution built on them
// (csrc/ops/nn/conv_kernels.c) against a direct loop, for each ISA.
//
// Micro-kernels: random K (0..300), partial register blocks (mr < MR, nr < NR),
// packed and plain A, with and without bias, row tables with gaps, and
// sentinels around C (columns >= nr and rows >= mr must stay untouched) and
// around B (a kernel must not read past column nr: B ends exactly there, and
// ASan builds catch an over-read).  Bound: each output is a sum of K + 1 terms
// of |term| <= 1, rounded at every step in float32: |error| <= (K + 1) * u *
// sum |terms| with u = 2^-24 (fused or not), checked against the double result.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ops/nn/conv_kernels.h"
#include "ops/nn/sgemm_kernel.h"
#include "tensor/parallel.h"

static const char *where = "";
#define CHECK_DETAIL() printf(" [%s]", where)
#include "check.h"

static uint64_t rng = 88172645463325252ull;
static float frand(void) /* uniform in [-1, 1) */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((double)(rng >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static void test_ukernel(const pts_sgemm_isa *isa)
{
    int MR = isa->mr, NR = isa->nr;
    static const int64_t Ks[] = {0, 1, 2, 7, 64, 300};
    const int mrs[] = {1, MR / 2, MR - 1, MR}, nrs[] = {1, NR / 2 - 1, NR / 2 + 1, NR - 1, NR};
    for (size_t ki = 0; ki < sizeof Ks / sizeof Ks[0]; ki++)
        for (int mi = 0; mi < 4; mi++)
            for (int ni = 0; ni < 5; ni++)
                for (int packed = 0; packed < 2; packed++)
                    for (int withbias = 0; withbias < 2; withbias++) {
                        int mr = mrs[mi], nr = nrs[ni];
                        int64_t K = Ks[ki], ldb = NR + 5, ldc = NR + 3, lda = K + 2;
                        float *A = pts_malloc(sizeof(float) * (size_t)(MR * (K + 2) + 1));
                        float *Ap = pts_malloc(sizeof(float) * (size_t)(pts_sgemm_packed_size(isa, mr, K) + 1));
                        /* B: K rows of ldb floats, row k at boff[k] = (K - 1 - k) * ldb (reversed order);
                         * the last row read (k = 0) ends exactly at column nr */
                        float *B = pts_malloc(sizeof(float) * (size_t)((K > 0 ? K - 1 : 0) * ldb + nr));
                        int64_t *boff = pts_malloc(sizeof(int64_t) * (size_t)(K + 1));
                        float *C = pts_malloc(sizeof(float) * (size_t)((MR + 1) * ldc));
                        float bias[64];
                        for (int64_t i = 0; i < mr * lda; i++)
                            A[i] = frand();
                        for (int64_t i = 0; i < (K > 0 ? K - 1 : 0) * ldb + nr; i++)
                            B[i] = frand();
                        for (int64_t k = 0; k < K; k++)
                            boff[k] = (K - 1 - k) * ldb;
                        for (int i = 0; i < MR; i++)
                            bias[i] = frand();
                        for (int64_t i = 0; i < (MR + 1) * ldc; i++)
                            C[i] = 12345.0f;
                        pts_sgemm_pack_a(isa, mr, K, A, lda, Ap);
                        isa->kernel(K, packed ? Ap : A, packed ? MR : 1, packed ? 1 : lda, B, boff,
                                    withbias ? bias : NULL, C, ldc, mr, nr);
                        char buf[160];
                        snprintf(buf, sizeof buf, "%s K=%lld mr=%d nr=%d packed=%d bias=%d", isa->name, (long long)K,
                                 mr, nr, packed, withbias);
                        where = buf;
                        int bad = 0, sentinel = 0;
                        for (int m = 0; m <= MR; m++)
                            for (int64_t n = 0; n < ldc; n++) {
                                float got = C[m * ldc + n];
                                if (m >= mr || n >= nr) {
                                    sentinel += got != 12345.0f;
                                    continue;
                                }
                                double ref = withbias ? bias[m] : 0.0, mag = fabs(ref);
                                for (int64_t k = 0; k < K; k++) {
                                    double t = (double)A[m * lda + k] * B[boff[k] + n];
                                    ref += t;
                                    mag += fabs(t);
                                }
                                bad += !(fabs(got - ref) <= (double)(K + 1) * 0x1p-24 * mag);
                            }
                        CHECK(bad == 0, "%d outputs out of bound", bad);
                        CHECK(sentinel == 0, "%d elements outside the block written", sentinel);
                        /* kernel_acc: the same sum split at k = K / 3, the rest continued from C, gives the
                         * very same bits, and writes nothing outside the block either */
                        float *C2 = pts_malloc(sizeof(float) * (size_t)((MR + 1) * ldc));
                        for (int64_t i = 0; i < (MR + 1) * ldc; i++)
                            C2[i] = 12345.0f;
                        int64_t k1 = K / 3;
                        isa->kernel(k1, packed ? Ap : A, packed ? MR : 1, packed ? 1 : lda, B, boff,
                                    withbias ? bias : NULL, C2, ldc, mr, nr);
                        isa->kernel_acc(K - k1, (packed ? Ap : A) + k1 * (packed ? MR : 1), packed ? MR : 1,
                                        packed ? 1 : lda, B, boff + k1, NULL, C2, ldc, mr, nr);
                        CHECK(memcmp(C, C2, sizeof(float) * (size_t)((MR + 1) * ldc)) == 0,
                              "a sum split at k = %lld and continued with kernel_acc differs", (long long)k1);
                        pts_free(C2);
                        pts_free(A);
                        pts_free(Ap);
                        pts_free(B);
                        pts_free(boff);
                        pts_free(C);
                    }
}

/* out[n][oc][oh][ow] by the definition, in double */
static void conv_ref(const float *x, const float *w, const float *b, double *y, double *mag, int64_t N, int64_t G,
                     int64_t Cin_g, int64_t Cout_g, const pts_conv_geom *g)
{
    int64_t H = g->in[1], W = g->in[2], Ho = g->out[1], Wo = g->out[2], kh = g->k[1], kw = g->k[2];
    for (int64_t n = 0; n < N; n++)
        for (int64_t oc = 0; oc < G * Cout_g; oc++)
            for (int64_t oh = 0; oh < Ho; oh++)
                for (int64_t ow = 0; ow < Wo; ow++) {
                    int64_t grp = oc / Cout_g;
                    double s = b ? b[oc] : 0.0, m = fabs(s);
                    for (int64_t c = 0; c < Cin_g; c++)
                        for (int64_t i = 0; i < kh; i++)
                            for (int64_t j = 0; j < kw; j++) {
                                int64_t ih = oh * g->stride[1] - g->pad[1] + i * g->dil[1];
                                int64_t iw = ow * g->stride[2] - g->pad[2] + j * g->dil[2];
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                                    continue;
                                double t = (double)w[((oc * Cin_g + c) * kh + i) * kw + j] *
                                           x[((n * G + grp) * Cin_g + c) * H * W + ih * W + iw];
                                s += t;
                                m += fabs(t);
                            }
                    int64_t at = ((n * G * Cout_g + oc) * Ho + oh) * Wo + ow;
                    y[at] = s;
                    mag[at] = m;
                }
}

typedef struct convcase {
    int64_t N, G, Cin_g, Cout_g, H, W, kh, kw, sh, sw, ph, pw, dh, dw;
} convcase;

/* With a slot the weights are packed for the best ISA; without, any ISA can
 * run the prepared problem (isa). */
static void test_conv(const convcase *cc, int use_slot, const pts_sgemm_isa *isa)
{
    pts_conv_geom g = {{1, cc->H, cc->W}, {1, 0, 0}, {1, cc->kh, cc->kw}, {1, cc->sh, cc->sw},
                       {0, cc->ph, cc->pw}, {1, cc->dh, cc->dw}};
    g.out[1] = (cc->H + 2 * cc->ph - cc->dh * (cc->kh - 1) - 1) / cc->sh + 1;
    g.out[2] = (cc->W + 2 * cc->pw - cc->dw * (cc->kw - 1) - 1) / cc->sw + 1;
    int64_t Cout = cc->G * cc->Cout_g, P = g.out[1] * g.out[2], K = cc->Cin_g * cc->kh * cc->kw;
    int64_t nx = cc->N * cc->G * cc->Cin_g * cc->H * cc->W, nw = Cout * K, ny = cc->N * Cout * P;
    float *x = pts_malloc(sizeof(float) * (size_t)nx), *w = pts_malloc(sizeof(float) * (size_t)nw);
    float *b = pts_malloc(sizeof(float) * (size_t)Cout), *y = pts_malloc(sizeof(float) * (size_t)ny);
    double *ref = pts_malloc(sizeof(double) * (size_t)ny), *mag = pts_malloc(sizeof(double) * (size_t)ny);
    for (int64_t i = 0; i < nx; i++)
        x[i] = frand();
    for (int64_t i = 0; i < nw; i++)
        w[i] = frand();
    for (int64_t i = 0; i < Cout; i++)
        b[i] = frand();
    conv_ref(x, w, b, ref, mag, cc->N, cc->G, cc->Cin_g, cc->Cout_g, &g);
    _Atomic(pts_convk_packed *) slot = NULL;
    pts_convk c;
    SETUP(pts_convk_prepare(&c, &g, x, cc->N, cc->G, cc->Cin_g, cc->Cout_g, w, b, use_slot ? &slot : NULL));
    CHECK(c.isa != NULL, "PYTS_CONV_KERNEL=own is set: the own kernel must be taken");
    if (c.isa && !use_slot)
        c.isa = isa;
    if (c.isa) {
        int64_t np = 37; /* tiles of awkward sizes, channels in whole register blocks */
        float *scratch = pts_malloc(sizeof(float) * (size_t)(pts_convk_scratch(&c, np) + 1));
        for (int64_t n = 0; n < cc->N; n++)
            for (int64_t grp = 0; grp < cc->G; grp++)
                for (int64_t m0 = 0; m0 < cc->Cout_g; m0 += 2 * c.isa->mr)
                    for (int64_t p0 = 0; p0 < P; p0 += np) {
                        int64_t nm = cc->Cout_g - m0 < 2 * c.isa->mr ? cc->Cout_g - m0 : 2 * c.isa->mr;
                        int64_t npp = P - p0 < np ? P - p0 : np;
                        pts_convk_tile(&c, n, grp, m0, nm, p0, npp, y + ((n * cc->G + grp) * cc->Cout_g + m0) * P,
                                       scratch);
                    }
        int bad = 0;
        for (int64_t i = 0; i < ny; i++)
            bad += !(fabs(y[i] - ref[i]) <= (double)(K + 1) * 0x1p-24 * mag[i]);
        CHECK(bad == 0, "%d of %lld outputs out of bound", bad, (long long)ny);
        pts_free(scratch);
    }
    pts_convk_release(&c);
    pts_convk_packed_free(slot);
    pts_free(x);
    pts_free(w);
    pts_free(b);
    pts_free(y);
    pts_free(ref);
    pts_free(mag);
}

int main(void)
{
    setenv("PYTS_CONV_KERNEL", "own", 1);
    int n = 0;
    const pts_sgemm_isa *all = pts_sgemm_isa_all(&n);
    CHECK(n >= 1 && strcmp(all[n - 1].name, "portable") == 0, "the portable kernel is always there");
    CHECK(pts_sgemm_isa_best() == &all[0], "the best is the first");
    for (int i = 0; i < n; i++) {
        printf("micro-kernel %s %dx%d\n", all[i].name, all[i].mr, all[i].nr);
        test_ukernel(&all[i]);
    }
    static const convcase cases[] = {
        {1, 1, 5, 7, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1},   /* 3x3 s1 p1 */
        {2, 1, 3, 17, 8, 13, 3, 3, 2, 2, 1, 1, 1, 1},  /* 3x3 s2, batch 2, Cout not a multiple of the block */
        {1, 1, 6, 9, 7, 7, 1, 1, 1, 1, 0, 0, 1, 1},    /* 1x1 s1: the input read in place */
        {1, 1, 6, 9, 9, 8, 1, 1, 2, 2, 0, 0, 1, 1},    /* 1x1 s2 */
        {1, 2, 3, 5, 10, 9, 3, 2, 1, 2, 2, 1, 2, 1},   /* groups, dilation, unequal kernel */
        {1, 1, 3, 8, 23, 21, 7, 7, 2, 2, 3, 3, 1, 1},  /* a 7x7 s2 stem */
        {1, 1, 2, 4, 1, 40, 1, 3, 1, 1, 0, 1, 1, 1},   /* 1-D */
        {1, 1, 4, 3, 6, 6, 2, 2, 3, 3, 0, 0, 1, 1},    /* stride larger than the kernel */
    };
    for (int t = 1; t <= 2; t++) {
        pts_set_num_threads(t); /* the input transform runs on the pool */
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            for (int k = -1; k < n; k++) { /* -1: packed weights (best ISA) */
                char buf[64];
                snprintf(buf, sizeof buf, "conv case %zu, %s, %d threads", i, k < 0 ? "packed" : all[k].name, t);
                where = buf;
                test_conv(&cases[i], k < 0, k < 0 ? NULL : &all[k]);
            }
    }
    return check_summary();
}
