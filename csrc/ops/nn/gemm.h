/* gemm.h - what the nn kernels (conv, pool, norm, activation, resample)
 * and linalg/matmul.c share: the OpenBLAS wrapper, im2col/col2im, and dtype helpers.
 *
 * BLAS runs single-threaded (pts_blas_init sets that once); kernels split
 * big work across pyts's own pool (tensor/parallel.h) and call BLAS from
 * inside it.  Matrices are row-major with element strides.
 *
 * Compute dtypes: the nn kernels compute in float32 or float64.  float16 and
 * bfloat16 inputs are converted to float32 first and the result is
 * converted back (pts_nn_compute_dtype / pts_nn_contig / pts_nn_cast).
 */
#ifndef PTS_OPS_NN_GEMM_H
#define PTS_OPS_NN_GEMM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "tensor/convert.h"
#include "tensor/tensor.h"

/* ---- BLAS ----------------------------------------------------------------- */

/* Make OpenBLAS single-threaded (once, thread-safe). */
void pts_blas_init(void);
/* Largest dimension / leading dimension BLAS accepts (its ints are 32-bit). */
#define PTS_BLAS_MAX 2147483647LL

/* C[M,N] = alpha * op(A)[M,K] op(B)[K,N] + beta * C, row-major; op(X) is X
 * or X^T as ta/tb say; lda/ldb/ldc are row strides of the stored matrices.
 * beta == 0 overwrites C (NaN in C is not propagated); alpha == 0 skips the
 * product (NaN or inf in A or B is not propagated), as torch.  K == 0 is allowed.
 * All sizes must be <= PTS_BLAS_MAX (check with pts_blas_fits). */
void pts_gemm_f32(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
void pts_gemm_f64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
/* Complex64 (dbl false) / complex128 GEMM: pts_gemm_f32's contract on interleaved (re, im) pairs,
 * with real alpha and beta. */
void pts_gemm_cplx(bool dbl, bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const void *A,
                   int64_t lda, const void *B, int64_t ldb, double beta, void *C, int64_t ldc);
/* Same as pts_gemm_*, split over the pyts pool when the product is big. */
void pts_gemm_par_f32(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                      const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
void pts_gemm_par_f64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
                      const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
/* float32 GEMM (pts_gemm_f32's contract) on pyts's AVX-512 micro-kernel (ops/nn/gemm_uk.c),
 * split over the pool when par, if this CPU has AVX-512 and the shape is one where that
 * measurably beats OpenBLAS (pts_gemm_uk_wins); returns false, having done nothing, otherwise.
 * alpha must not be 0 and K must be > 0 (pts_gemm_f32 handles those). */
bool pts_gemm_uk_f32(bool par, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                     int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
/* The shape rule of pts_gemm_uk_f32 (docs/performance.md, "Matrix products"). */
bool pts_gemm_uk_wins(int64_t M, int64_t N, int64_t K);
/* true if every value is <= PTS_BLAS_MAX. */
bool pts_blas_fits(int64_t a, int64_t b, int64_t c, int64_t d);

/* ---- convolution geometry, im2col / col2im -------------------------------- */

/* Up to 3 spatial dims; 1-D and 2-D convolutions use leading dims of size 1
 * (index 0 = depth, 1 = height, 2 = width). */
typedef struct pts_conv_geom {
    int64_t in[3], out[3];   /* spatial sizes of the image and of the output grid */
    int64_t k[3], stride[3], pad[3], dil[3]; /* pad = left/top/front padding */
} pts_conv_geom;

static inline int64_t pts_conv_geom_kprod(const pts_conv_geom *g) { return g->k[0] * g->k[1] * g->k[2]; }
static inline int64_t pts_conv_geom_pin(const pts_conv_geom *g) { return g->in[0] * g->in[1] * g->in[2]; }
static inline int64_t pts_conv_geom_pout(const pts_conv_geom *g) { return g->out[0] * g->out[1] * g->out[2]; }

/* col[(c*kprod + kk) * ncols + (p - p0)] = image[c][input position of output
 * position p under kernel offset kk] (0 outside), for p in [p0, p0 + ncols).
 * image is [C, in...] contiguous. */
void pts_im2col_f32(const float *image, int64_t C, const pts_conv_geom *g, int64_t p0, int64_t ncols, float *col);
void pts_im2col_f64(const double *image, int64_t C, const pts_conv_geom *g, int64_t p0, int64_t ncols, double *col);
/* The adjoint: image[c][...] += col[...] over all output positions
 * (ncols = pts_conv_geom_pout(g)). */
void pts_col2im_f32(const float *col, int64_t C, const pts_conv_geom *g, float *image);
void pts_col2im_f64(const double *col, int64_t C, const pts_conv_geom *g, double *image);

/* ---- dtypes ---------------------------------------------------------------- */

/* float32 for float16/bfloat16/float32, float64 for float64, -1 otherwise. */
int pts_nn_compute_dtype(int dtype);
/* v rounded to float16 (dt == PTS_FLOAT16) or bfloat16 (PTS_BFLOAT16), as a
 * float: for kernels that reproduce ATen's reduced-precision accumulation. */
float pts_nn_round(int dt, float v);
/* The nn kernels' standard error for a dtype they do not handle. */
PTS_NODISCARD pts_status pts_nn_bad_dtype(const char *op, int dtype);

/* Contiguous tensor of dtype `dtype` with t's values: a new reference to t
 * itself when it already is one, else a converted copy.  Any real dtype to
 * any real dtype (bool, ints, floats).  NULL with error set on failure. */
pts_tensor *pts_nn_contig(pts_tensor *t, int dtype);
/* r (contiguous) converted to dtype (steals r; returns r when it matches). */
pts_tensor *pts_nn_cast(pts_tensor *r, int dtype);
/* Copy src's values into the view dst (same shape; any strides and dtypes). */
PTS_NODISCARD pts_status pts_nn_copy_into(pts_tensor *dst, const pts_tensor *src);

/* ATen converts a Scalar argument (a fill value, an activation limit) to an
 * integer input's type with an overflow check (c10::overflows); PTS_OK for
 * non-integer dtypes. */
PTS_NODISCARD pts_status pts_nn_check_int_scalar(const char *op, int dt, pts_value sv);

#endif
