/* sgemm_kernel.h - float32 GEMM micro-kernels of our own, one per ISA,
 * picked at run time by CPU features (AVX-512, AVX2 + FMA, portable C;
 * room for NEON in the same table).
 *
 * A micro-kernel computes one register block of C (mr <= MR rows, nr <= NR
 * columns) over the whole reduction:
 *
 *     C[m * ldc + n] = bias[m] + sum_k A[k * a_k + m * a_m] * B[boff[k] + n]
 *
 * for m < mr, n < nr, the sum taken in order k = 0, 1, ..., K-1 starting from
 * the bias (0 when bias is NULL), with fused multiply-adds on the SIMD ISAs.
 * A is either packed (pts_sgemm_pack_a: a_k = MR, a_m = 1, panels padded
 * with zeros to MR rows) or the plain row-major matrix (a_k = 1, a_m = lda):
 * rows m >= mr are never read from a plain matrix.  Row k of B starts at
 * B + boff[k] (an offset table, so a convolution reads its input in place:
 * implicit GEMM); columns n >= nr are never read nor written.  No alignment
 * is required anywhere.
 */
#ifndef PTS_OPS_NN_SGEMM_KERNEL_H
#define PTS_OPS_NN_SGEMM_KERNEL_H

#include <stdint.h>

typedef void (*pts_sgemm_ukernel)(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                  const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr);

typedef struct pts_sgemm_isa {
    const char *name; /* "avx512", "avx2", "portable" */
    int mr, nr;       /* register block: rows of A / C, columns of B / C */
    pts_sgemm_ukernel kernel;
    /* the same sum continued from C: C[m * ldc + n] += sum_k ..., the products
     * added one by one in k order to the value read from C (bias unused), so
     * a reduction split into consecutive chunks, each continued by this
     * kernel, rounds exactly as one call over the whole of it */
    pts_sgemm_ukernel kernel_acc;
} pts_sgemm_isa;

/* The fastest kernel this CPU runs (chosen once; never NULL).  The
 * environment variable PYTS_SGEMM_ISA=<name> picks a slower one (tests,
 * benchmarks); an unknown or unsupported name is ignored. */
const pts_sgemm_isa *pts_sgemm_isa_best(void);
/* Every kernel compiled in that this CPU runs, fastest first: sets *n,
 * returns a static table (for tests). */
const pts_sgemm_isa *pts_sgemm_isa_all(int *n);

/* Floats a packed copy of an M x K matrix needs for isa: ceil(M/MR)*MR*K. */
int64_t pts_sgemm_packed_size(const pts_sgemm_isa *isa, int64_t M, int64_t K);
/* Pack A (M x K, row stride lda) into panels of MR rows: panel i holds
 * rows [i*MR, i*MR+MR) as out[i*MR*K + k*MR + r] (zeros past row M). */
void pts_sgemm_pack_a(const pts_sgemm_isa *isa, int64_t M, int64_t K, const float *A, int64_t lda, float *out);

#endif
