/* gemm_uk.c - float32 GEMMs of linear / matmul / addmm / bmm on pyts's own
 * AVX-512 micro-kernel (sgemm_kernel.h) where it beats OpenBLAS (see
 * pts_gemm_uk_f32 in gemm.h and docs/performance.md for the rule).
 *
 * The micro-kernel computes register blocks of C = A B with A read by
 * broadcast (any strides) and B read by rows; a linear layer's weight W
 * [N, K] is the big, constant operand and the activations X [M, K] the
 * small one, so the product is computed transposed:
 *
 *     T[N, M] = op(B)^T op(A)^T        (kernel A = op(B)^T read in place,
 *                                        kernel B = op(A)^T packed in
 *                                        panels of NR columns)
 *     C[M, N] = alpha * T^T + beta * C  (beta == 0: C overwritten)
 *
 * so W is streamed once from memory, unpacked, while the packed activations
 * stay in the L2 cache; T is a scratch buffer.  Every element of C is one
 * sum over k in order 0..K-1 (fused multiply-adds), then scaled and added
 * to beta * C as BLAS does.  The pool splits the N rows of T.
 */
#include <string.h>

#include "core/alloc.h"
#include "ops/nn/gemm.h"
#include "ops/nn/sgemm_kernel.h"
#include "tensor/parallel.h"

/* Panels of op(A)^T grouped so that one group (K x NR floats per panel) stays
 * within this many bytes of L2 while every A-panel of the thread's rows
 * sweeps over it. */
#define L2_GROUP_BYTES (512 * 1024)
/* Reduction chunk (see uk_range). */
#define KC 256

typedef struct uk_job {
    const pts_sgemm_isa *isa;
    int64_t M, N, K;
    const float *Ak; /* kernel A = op(B)^T: element (n, k) at Ak[n * a_m + k * a_k] */
    int64_t a_m, a_k;
    const float *P;  /* op(A)^T packed: panel j at P + j * K * NR, element (k, n) at [k * NR + n] */
    const int64_t *boff;
    float *T;        /* [N, M] */
    float alpha, beta;
    float *C;
    int64_t ldc;
    int64_t nblocks; /* ceil(N / MR) */
} uk_job;

static void uk_range(void *ctx, int64_t b0, int64_t b1)
{
    const uk_job *j = ctx;
    int64_t MR = j->isa->mr, NR = j->isa->nr, M = j->M, K = j->K;
    int64_t npanels = (M + NR - 1) / NR;
    int64_t group = L2_GROUP_BYTES / (K * NR * (int64_t)sizeof(float));
    if (group < 1)
        group = 1;
    for (int64_t g0 = 0; g0 < npanels; g0 += group) {
        int64_t g1 = g0 + group < npanels ? g0 + group : npanels;
        for (int64_t b = b0; b < b1; b++) {
            int64_t n0 = b * MR;
            int mr = (int)(j->N - n0 < MR ? j->N - n0 : MR);
            const float *a = j->Ak + n0 * j->a_m;
            for (int64_t p = g0; p < g1; p++) {
                int64_t m0 = p * NR;
                int nr = (int)(M - m0 < NR ? M - m0 : NR);
                const float *pb = j->P + p * K * NR;
                float *t = j->T + n0 * M + m0;
                /* the sum in chunks of KC: each chunk's sum added to the tile, as a blocked BLAS does; one
                 * running sum over all of K grows its rounding error with K (7x OpenBLAS's at K = 4096) */
                int64_t kc = K < KC ? K : KC;
                j->isa->kernel(kc, a, j->a_k, j->a_m, pb, j->boff, NULL, t, M, mr, nr);
                for (int64_t k0 = kc; k0 < K; k0 += KC) {
                    float part[8 * 32];
                    kc = K - k0 < KC ? K - k0 : KC;
                    j->isa->kernel(kc, a + k0 * j->a_k, j->a_k, j->a_m, pb + k0 * NR, j->boff, NULL, part, 32, mr, nr);
                    for (int r = 0; r < mr; r++)
                        for (int c = 0; c < nr; c++)
                            t[r * M + c] += part[r * 32 + c];
                }
            }
        }
    }
    /* C[:, rows of this range] = alpha * T^T + beta * C, in tiles of 8 x 32 */
    int64_t n_lo = b0 * MR, n_hi = b1 * MR < j->N ? b1 * MR : j->N;
    float al = j->alpha, be = j->beta;
    for (int64_t m0 = 0; m0 < M; m0 += 32) {
        int64_t m1 = m0 + 32 < M ? m0 + 32 : M;
        for (int64_t n0 = n_lo; n0 < n_hi; n0 += 8) {
            int64_t n1 = n0 + 8 < n_hi ? n0 + 8 : n_hi;
            for (int64_t m = m0; m < m1; m++) {
                float *c = j->C + m * j->ldc;
                for (int64_t n = n0; n < n1; n++) {
                    float t = j->T[n * M + m];
                    c[n] = be == 0 ? (al == 1 ? t : al * t) : al * t + be * c[n];
                }
            }
        }
    }
}

/* Pack op(A)^T: panel p, element (k, n) = op(A)[p * NR + n, k] (columns past M are left unset:
 * the kernel never reads them). */
typedef struct pack_job {
    int64_t M, K, NR;
    const float *A;
    int64_t lda;
    bool ta;
    float *P;
} pack_job;

static void pack_range(void *ctx, int64_t p0, int64_t p1)
{
    const pack_job *j = ctx;
    int64_t NR = j->NR, K = j->K;
    for (int64_t p = p0; p < p1; p++) {
        int64_t m0 = p * NR, nr = j->M - m0 < NR ? j->M - m0 : NR;
        float *dst = j->P + p * K * NR;
        if (j->ta) { /* op(A)[m, k] = A[k * lda + m]: rows of the panel are contiguous in A */
            for (int64_t k = 0; k < K; k++)
                memcpy(dst + k * NR, j->A + k * j->lda + m0, (size_t)nr * sizeof(float));
        } else { /* op(A)[m, k] = A[m * lda + k] */
            for (int64_t n = 0; n < nr; n++) {
                const float *src = j->A + (m0 + n) * j->lda;
                for (int64_t k = 0; k < K; k++)
                    dst[k * NR + n] = src[k];
            }
        }
    }
}

bool pts_gemm_uk_f32(bool par, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                     int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    const pts_sgemm_isa *isa = pts_sgemm_isa_best();
    if (strcmp(isa->name, "avx512") != 0 || isa->mr > 8 || isa->nr > 32 || !pts_gemm_uk_wins(M, N, K))
        return false;
    int64_t MR = isa->mr, NR = isa->nr;
    int64_t npanels = (M + NR - 1) / NR;
    size_t nP = (size_t)(npanels * K * NR), nT = (size_t)(M * N);
    float *buf = pts_malloc((nP + nT) * sizeof(float) + (size_t)K * sizeof(int64_t));
    if (!buf)
        return false; /* BLAS needs no scratch */
    float *P = buf, *T = buf + nP;
    int64_t *boff = (int64_t *)(T + nT);
    for (int64_t k = 0; k < K; k++)
        boff[k] = k * NR;
    pack_job pj = {M, K, NR, A, lda, ta, P};
    if (par)
        pts_parallel_for(npanels, 1, pack_range, &pj);
    else
        pack_range(&pj, 0, npanels);
    uk_job j = {isa, M, N, K, B, tb ? ldb : 1, tb ? 1 : ldb, P, boff, T, alpha, beta, C, ldc, (N + MR - 1) / MR};
    if (par)
        pts_parallel_for(j.nblocks, 1, uk_range, &j);
    else
        uk_range(&j, 0, j.nblocks);
    pts_free(buf);
    return true;
}

/* Measured against OpenBLAS 0.3.21 (which runs its Haswell AVX2 kernels on this Zen 5 CPU) on
 * linear layers at 2 threads, interleaved calls: 0.5-0.9x its time for M in 64..150 rows and K
 * up to 4096 (BERT, GPT-2, the LSTM's input projections, detector heads); beyond K = 4096 the
 * packed activations no longer fit L2 with a 32-column panel and the two were even (K = 12544),
 * so BLAS keeps those; below 4e5 multiply-adds the product runs on one thread anyway and the
 * two are within noise. */
bool pts_gemm_uk_wins(int64_t M, int64_t N, int64_t K)
{
    return M >= 16 && N >= 16 && K <= 4096 && (double)M * (double)N * (double)K >= 4.0e5;
}
