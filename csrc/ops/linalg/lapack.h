/* lapack.h - the LAPACK glue the linear-algebra families share (lu.c,
 * cholesky.c, qr.c, spectral.c, matfn.c).
 *
 * LAPACK comes from OpenBLAS (Debian's libopenblas carries it; both build
 * systems already link -lopenblas through pkg-config).  lapack.c declares the
 * Fortran routines it calls itself (sgetrf_/dgetrf_, ...: LP64 ints, hidden
 * string lengths) and wraps each pair as one dtype-generic call; nothing else
 * includes LAPACK or cblas prototypes.
 *
 * Layout: LAPACK is column-major.  The kernels work on "Fortran batches":
 * tensors of shape [..., m, n] whose every matrix is column-major (strides 1
 * and m in the last two dims, torch's own layout for LAPACK results) and whose
 * matrices follow each other (matrix b starts at element b*m*n).  Results are
 * returned in that layout, as torch returns them.
 *
 * dtypes: float32 (s routines), float64 (d), complex64 (c) and complex128 (z):
 * the complex routines take the same arguments (orgqr/ormqr are ungqr/unmqr,
 * syevd is heevd, sytrf/sytrs may be hetrf/hetrs; real outputs such as S, W
 * and rwork in the real dtype).  pts_la_check_dtype / pts_la_check_matrix
 * refuse complex with "complex tensors are not supported by pyts"; a kernel
 * with a complex path calls their _cx twins.  The others get torch's messages.
 */
#ifndef PTS_OPS_LINALG_LAPACK_H
#define PTS_OPS_LINALG_LAPACK_H

#include <complex.h>

#include "ops/kernel.h"
#include "tensor/cplx.h" /* CMPLX/CMPLXF where the C library lacks them (clang with glibc) */

/* ---- checks (torch's messages, prefixed with the api name "linalg.inv") ---------------- */

/* float32/float64, else "<api>: Expected a floating point or complex tensor as input. Got Long"
 * / "<api>: Low precision dtypes not supported. Got Half". */
PTS_NODISCARD pts_status pts_la_check_dtype(const char *api, const pts_tensor *t);
/* The same, complex64/complex128 accepted too (for the kernels that have complex paths). */
PTS_NODISCARD pts_status pts_la_check_dtype_cx(const char *api, const pts_tensor *t);
PTS_NODISCARD pts_status pts_la_check_matrix_cx(const char *api, const pts_tensor *t, const char *name, bool square);
/* at least 2 dims ("<api>: The input tensor <name> must have at least 2 dimensions.") and,
 * when square, square ("<api>: <name> must be batches of square matrices, but they are 2 by 3
 * matrices"); also the dtype check, and sizes LAPACK's 32-bit ints hold. */
PTS_NODISCARD pts_status pts_la_check_matrix(const char *api, const pts_tensor *t, const char *name, bool square);
/* Same dtype for two operands ("<api>: Expected <a> and <b> to have the same dtype, but found
 * <a> of type Float and <b> of type Double instead."). */
PTS_NODISCARD pts_status pts_la_check_same_dtype(const char *api, const pts_tensor *x, const char *xn,
                                                 const pts_tensor *y, const char *yn);

/* ---- Fortran batches ---------------------------------------------------------------------- */

/* Number of matrices of a [..., m, n] tensor. */
int64_t pts_la_nbatch(const pts_tensor *t);
/* New uninitialized / zeroed Fortran batch of the given shape (ndim >= 2); NULL with error. */
pts_tensor *pts_la_empty(int dtype, int ndim, const int64_t *sizes);
pts_tensor *pts_la_zeros(int dtype, int ndim, const int64_t *sizes);
/* New Fortran batch holding src's values converted to dtype; when nb >= 0 its batch dims are
 * broadcast to bsizes[0..nb) first (src's batch dims must broadcast to them).  NULL with error. */
pts_tensor *pts_la_copy(const pts_tensor *src, int dtype, int nb, const int64_t *bsizes);
/* The broadcast batch shape of two [..., r, c] operands into bsizes (*nb dims);
 * error "<api>: ... cannot be broadcast" as torch. */
PTS_NODISCARD pts_status pts_la_broadcast_batch(const char *api, const pts_tensor *x, int xcore, const pts_tensor *y,
                                                int ycore, int *nb, int64_t *bsizes);
/* Pointer to matrix b of a Fortran batch whose matrices hold `per` elements. */
static inline void *pts_la_mat(const pts_tensor *t, int64_t b, int64_t per)
{
    return (char *)pts_tensor_data(t) + b * per * pts_dtype_get(t->dtype)->itemsize;
}
/* Element i of a float32/float64 buffer, as double, and storing one. */
static inline double pts_la_get(const void *p, int dt, int64_t i)
{
    return dt == PTS_FLOAT32 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}
static inline void pts_la_set(void *p, int dt, int64_t i, double v)
{
    if (dt == PTS_FLOAT32)
        ((float *)p)[i] = (float)v;
    else
        ((double *)p)[i] = v;
}
/* Element i of a buffer of any of the four LAPACK dtypes, as double complex, and storing one
 * (a real dtype stores the real part). */
static inline double complex pts_la_getz(const void *p, int dt, int64_t i)
{
    switch (dt) {
    case PTS_FLOAT32: return (double)((const float *)p)[i];
    case PTS_FLOAT64: return ((const double *)p)[i];
    case PTS_COMPLEX64: return (double complex)((const float complex *)p)[i];
    default: return ((const double complex *)p)[i];
    }
}
static inline void pts_la_setz(void *p, int dt, int64_t i, double complex v)
{
    switch (dt) {
    case PTS_FLOAT32: ((float *)p)[i] = (float)creal(v); break;
    case PTS_FLOAT64: ((double *)p)[i] = creal(v); break;
    case PTS_COMPLEX64: ((float complex *)p)[i] = (float complex)v; break;
    default: ((double complex *)p)[i] = v; break;
    }
}
/* The real dtype of a complex one (float32 for complex64), the dtype itself otherwise. */
static inline int pts_la_real_dt(int dt)
{
    return dt == PTS_COMPLEX64 ? PTS_FLOAT32 : dt == PTS_COMPLEX128 ? PTS_FLOAT64 : dt;
}
static inline bool pts_la_is_cx(int dt) { return dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128; }
/* A new int32 tensor of the batch shape (the `info` result), zeroed. */
pts_tensor *pts_la_info(int nb, const int64_t *bsizes);
/* A view of t with its last two dims swapped (new ref; NULL with error). */
pts_tensor *pts_la_mT(const pts_tensor *t);
/* The index, among the matrices of x (whose last xcore dims are not batch dims), of the
 * matrix that batch element b of the broadcast batch shape bsizes[0..nb) reads. */
int64_t pts_la_bidx(int64_t b, int nb, const int64_t *bsizes, const pts_tensor *x, int xcore);
/* Leading dimension of a column-major matrix with m rows (LAPACK wants >= 1). */
static inline int pts_la_ld(int64_t m) { return m > 1 ? (int)m : 1; }
/* torch's error for a nonzero info (the first one): fmt gets the info value twice (printf
 * arguments); "<api>: (Batch element 3): <message>" when batched.  Negative info: a pyts bug. */
PTS_NODISCARD pts_status pts_la_check_info(const char *api, const pts_tensor *info, bool batched, const char *fmt);
/* A new reference to a view of t with its sizes/strides replaced (same storage and offset). */
pts_tensor *pts_la_view(const pts_tensor *t, int ndim, const int64_t *sizes, const int64_t *strides);

/* ---- LAPACK (dt: PTS_FLOAT32, PTS_FLOAT64 (s/d routines), PTS_COMPLEX64 or PTS_COMPLEX128
 * (c/z routines: ungqr/unmqr for orgqr/ormqr, heevd for syevd; real outputs s, w and real rcond
 * in the real dtype); a, b, ... point to such elements) ------------ */

/* Routines with workspace return a status (out of memory); LAPACK's own info is *info. */
void pts_la_getrf(int dt, int m, int n, void *a, int lda, int *ipiv, int *info);
void pts_la_getrs(int dt, char trans, int n, int nrhs, const void *a, int lda, const int *ipiv, void *b, int ldb,
                  int *info);
void pts_la_potrf(int dt, char uplo, int n, void *a, int lda, int *info);
void pts_la_potrs(int dt, char uplo, int n, int nrhs, const void *a, int lda, void *b, int ldb, int *info);
void pts_la_potri(int dt, char uplo, int n, void *a, int lda, int *info);
/* Bunch-Kaufman LDL^T of a symmetric matrix (one triangle read) and the solve with it; herm:
 * LDL^H of a Hermitian complex matrix (hetrf/hetrs; no effect on real dtypes). */
PTS_NODISCARD pts_status pts_la_sytrf(int dt, bool herm, char uplo, int n, void *a, int lda, int *ipiv, int *info);
void pts_la_sytrs(int dt, bool herm, char uplo, int n, int nrhs, const void *a, int lda, const int *ipiv, void *b,
                  int ldb, int *info);
PTS_NODISCARD pts_status pts_la_geqrf(int dt, int m, int n, void *a, int lda, void *tau, int *info);
PTS_NODISCARD pts_status pts_la_orgqr(int dt, int m, int n, int k, void *a, int lda, const void *tau, int *info);
PTS_NODISCARD pts_status pts_la_ormqr(int dt, char side, char trans, int m, int n, int k, const void *a, int lda,
                                      const void *tau, void *c, int ldc, int *info);
/* jobz 'A' (full U, VT), 'S' (min(m,n) columns), 'N' (values only). */
PTS_NODISCARD pts_status pts_la_gesdd(int dt, char jobz, int m, int n, void *a, int lda, void *s, void *u, int ldu,
                                      void *vt, int ldvt, int *info);
/* jobz 'V' (vectors into a) or 'N'; uplo 'L' or 'U'. */
PTS_NODISCARD pts_status pts_la_syevd(int dt, char jobz, char uplo, int n, void *a, int lda, void *w, int *info);
/* least squares (driver: 'y' gelsy, 'd' gelsd, 's' gelss, 'g' gels); s: singular values
 * (gelsd/gelss), rank (not for gels). */
PTS_NODISCARD pts_status pts_la_gels(int dt, char driver, int m, int n, int nrhs, void *a, int lda, void *b, int ldb,
                                     double rcond, void *s, int *rank, int *info);
/* General eigenproblem (right vectors only; jobvr 'V' or 'N'), dt float32/float64/complex64/
 * complex128.  Real dt: eigenvalues in wr/wi (n reals each), VR real (a complex pair j, j+1 is
 * VR[:,j] +- i VR[:,j+1]).  Complex dt: w = wr (n complex), VR complex, wi unused.  a is
 * overwritten; vr may be NULL for jobvr 'N' (ldvr >= 1). */
PTS_NODISCARD pts_status pts_la_geev(int dt, char jobvr, int n, void *a, int lda, void *wr, void *wi, void *vr,
                                     int ldvr, int *info);
/* B := op(A)^-1 B (left) or B op(A)^-1 (right), A triangular, column-major (BLAS trsm);
 * op(A) = A^T (not conjugated, also for complex) when trans. */
void pts_la_trsm(int dt, bool left, bool upper, bool trans, bool unit, int m, int n, const void *a, int lda, void *b,
                 int ldb);
/* C = op(A) op(B), column-major (BLAS gemm), C m x n, k the inner size; for complex dtypes
 * op(X) = X^H (conjugate transpose) when transposed. */
void pts_la_gemm(int dt, bool ta, bool tb, int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                 int ldc);

#endif
