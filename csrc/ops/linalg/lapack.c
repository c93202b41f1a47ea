/* lapack.c - the LAPACK glue of the linear-algebra families (see lapack.h):
 * the Fortran prototypes of the OpenBLAS LAPACK routines pyts calls, one
 * dtype-generic wrapper per routine pair (workspace queries included), the
 * Fortran-batch layout helpers and torch's argument checks. */
#include "ops/linalg/lapack.h"

#include <cblas.h>
#include <limits.h>

#include "ops/nn/gemm.h"

/* ---- Fortran prototypes (LP64: int is a Fortran INTEGER; a trailing size_t per CHARACTER
 * argument is gfortran's hidden length) ---------------------------------------------------- */

#define LA_PROTOS(T, p)                                                                                              \
    void p##getrf_(const int *m, const int *n, T *a, const int *lda, int *ipiv, int *info);                           \
    void p##getrs_(const char *trans, const int *n, const int *nrhs, const T *a, const int *lda, const int *ipiv,    \
                   T *b, const int *ldb, int *info, size_t);                                                         \
    void p##potrf_(const char *uplo, const int *n, T *a, const int *lda, int *info, size_t);                          \
    void p##potrs_(const char *uplo, const int *n, const int *nrhs, const T *a, const int *lda, T *b, const int *ldb, \
                   int *info, size_t);                                                                               \
    void p##potri_(const char *uplo, const int *n, T *a, const int *lda, int *info, size_t);                          \
    void p##geqrf_(const int *m, const int *n, T *a, const int *lda, T *tau, T *work, const int *lwork, int *info);    \
    void p##orgqr_(const int *m, const int *n, const int *k, T *a, const int *lda, const T *tau, T *work,             \
                   const int *lwork, int *info);                                                                     \
    void p##ormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k, const T *a,         \
                   const int *lda, const T *tau, T *c, const int *ldc, T *work, const int *lwork, int *info, size_t,  \
                   size_t);                                                                                          \
    void p##gesdd_(const char *jobz, const int *m, const int *n, T *a, const int *lda, T *s, T *u, const int *ldu,    \
                   T *vt, const int *ldvt, T *work, const int *lwork, int *iwork, int *info, size_t);                 \
    void p##syevd_(const char *jobz, const char *uplo, const int *n, T *a, const int *lda, T *w, T *work,             \
                   const int *lwork, int *iwork, const int *liwork, int *info, size_t, size_t);                      \
    void p##gelsy_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b, const int *ldb, int *jpvt, \
                   const T *rcond, int *rank, T *work, const int *lwork, int *info);                                 \
    void p##gelsd_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b, const int *ldb, T *s,      \
                   const T *rcond, int *rank, T *work, const int *lwork, int *iwork, int *info);                     \
    void p##gelss_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b, const int *ldb, T *s,      \
                   const T *rcond, int *rank, T *work, const int *lwork, int *info);                                 \
    void p##sytrf_(const char *uplo, const int *n, T *a, const int *lda, int *ipiv, T *work, const int *lwork,        \
                   int *info, size_t);                                                                               \
    void p##sytrs_(const char *uplo, const int *n, const int *nrhs, const T *a, const int *lda, const int *ipiv, T *b, \
                   const int *ldb, int *info, size_t);                                                               \
    void p##gels_(const char *trans, const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b,          \
                  const int *ldb, T *work, const int *lwork, int *info, size_t);

LA_PROTOS(float, s)
LA_PROTOS(double, d)

/* The complex routines with the real ones' argument lists (elements as void *: float/double
 * complex pairs); the others (rwork arguments, unitary names) are declared one by one below. */
#define LA_CPROTOS(p)                                                                                                \
    void p##getrf_(const int *m, const int *n, void *a, const int *lda, int *ipiv, int *info);                        \
    void p##getrs_(const char *trans, const int *n, const int *nrhs, const void *a, const int *lda, const int *ipiv, \
                   void *b, const int *ldb, int *info, size_t);                                                      \
    void p##potrf_(const char *uplo, const int *n, void *a, const int *lda, int *info, size_t);                       \
    void p##potrs_(const char *uplo, const int *n, const int *nrhs, const void *a, const int *lda, void *b,           \
                   const int *ldb, int *info, size_t);                                                               \
    void p##potri_(const char *uplo, const int *n, void *a, const int *lda, int *info, size_t);                       \
    void p##geqrf_(const int *m, const int *n, void *a, const int *lda, void *tau, void *work, const int *lwork,      \
                   int *info);                                                                                       \
    void p##ungqr_(const int *m, const int *n, const int *k, void *a, const int *lda, const void *tau, void *work,    \
                   const int *lwork, int *info);                                                                     \
    void p##unmqr_(const char *side, const char *trans, const int *m, const int *n, const int *k, const void *a,      \
                   const int *lda, const void *tau, void *c, const int *ldc, void *work, const int *lwork, int *info, \
                   size_t, size_t);                                                                                  \
    void p##sytrf_(const char *uplo, const int *n, void *a, const int *lda, int *ipiv, void *work, const int *lwork,  \
                   int *info, size_t);                                                                               \
    void p##sytrs_(const char *uplo, const int *n, const int *nrhs, const void *a, const int *lda, const int *ipiv,  \
                   void *b, const int *ldb, int *info, size_t);                                                      \
    void p##hetrf_(const char *uplo, const int *n, void *a, const int *lda, int *ipiv, void *work, const int *lwork,  \
                   int *info, size_t);                                                                               \
    void p##hetrs_(const char *uplo, const int *n, const int *nrhs, const void *a, const int *lda, const int *ipiv,  \
                   void *b, const int *ldb, int *info, size_t);                                                      \
    void p##gels_(const char *trans, const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b,   \
                  const int *ldb, void *work, const int *lwork, int *info, size_t);

LA_CPROTOS(c)
LA_CPROTOS(z)

/* complex routines with real workspaces (rwork) or real outputs (s, w) */
void cgesdd_(const char *jobz, const int *m, const int *n, void *a, const int *lda, float *s, void *u, const int *ldu,
             void *vt, const int *ldvt, void *work, const int *lwork, float *rwork, int *iwork, int *info, size_t);
void zgesdd_(const char *jobz, const int *m, const int *n, void *a, const int *lda, double *s, void *u, const int *ldu,
             void *vt, const int *ldvt, void *work, const int *lwork, double *rwork, int *iwork, int *info, size_t);
void cheevd_(const char *jobz, const char *uplo, const int *n, void *a, const int *lda, float *w, void *work,
             const int *lwork, float *rwork, const int *lrwork, int *iwork, const int *liwork, int *info, size_t,
             size_t);
void zheevd_(const char *jobz, const char *uplo, const int *n, void *a, const int *lda, double *w, void *work,
             const int *lwork, double *rwork, const int *lrwork, int *iwork, const int *liwork, int *info, size_t,
             size_t);
void cgelsy_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, int *jpvt,
             const float *rcond, int *rank, void *work, const int *lwork, float *rwork, int *info);
void zgelsy_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, int *jpvt,
             const double *rcond, int *rank, void *work, const int *lwork, double *rwork, int *info);
void cgelsd_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, float *s,
             const float *rcond, int *rank, void *work, const int *lwork, float *rwork, int *iwork, int *info);
void zgelsd_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, double *s,
             const double *rcond, int *rank, void *work, const int *lwork, double *rwork, int *iwork, int *info);
void cgelss_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, float *s,
             const float *rcond, int *rank, void *work, const int *lwork, float *rwork, int *info);
void zgelss_(const int *m, const int *n, const int *nrhs, void *a, const int *lda, void *b, const int *ldb, double *s,
             const double *rcond, int *rank, void *work, const int *lwork, double *rwork, int *info);

/* geev (general eigenproblem): real routines return the eigenvalues as wr/wi and a real VR
 * whose complex pairs are two columns; complex ones return complex w and VR. */
void sgeev_(const char *jobvl, const char *jobvr, const int *n, float *a, const int *lda, float *wr, float *wi,
            float *vl, const int *ldvl, float *vr, const int *ldvr, float *work, const int *lwork, int *info, size_t,
            size_t);
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda, double *wr, double *wi,
            double *vl, const int *ldvl, double *vr, const int *ldvr, double *work, const int *lwork, int *info,
            size_t, size_t);
void cgeev_(const char *jobvl, const char *jobvr, const int *n, void *a, const int *lda, void *w, void *vl,
            const int *ldvl, void *vr, const int *ldvr, void *work, const int *lwork, float *rwork, int *info, size_t,
            size_t);
void zgeev_(const char *jobvl, const char *jobvr, const int *n, void *a, const int *lda, void *w, void *vl,
            const int *ldvl, void *vr, const int *ldvr, void *work, const int *lwork, double *rwork, int *info,
            size_t, size_t);

/* The s, d, c or z routine for dt; the void * arguments convert to any element type. */
#define LA(fn, ...)                       \
    do {                                  \
        pts_blas_init();                  \
        if (dt == PTS_FLOAT32)            \
            s##fn##_(__VA_ARGS__);        \
        else if (dt == PTS_FLOAT64)       \
            d##fn##_(__VA_ARGS__);        \
        else if (dt == PTS_COMPLEX64)     \
            c##fn##_(__VA_ARGS__);        \
        else                              \
            z##fn##_(__VA_ARGS__);        \
    } while (0)
/* The s or d routine only (real dtypes; the complex ones take other arguments). */
#define LAR(fn, ...)                      \
    do {                                  \
        pts_blas_init();                  \
        if (dt == PTS_FLOAT32)            \
            s##fn##_(__VA_ARGS__);        \
        else                              \
            d##fn##_(__VA_ARGS__);        \
    } while (0)
/* The same where the complex routine has another name (orgqr -> ungqr). */
#define LA2(fn, cfn, ...)                 \
    do {                                  \
        pts_blas_init();                  \
        if (dt == PTS_FLOAT32)            \
            s##fn##_(__VA_ARGS__);        \
        else if (dt == PTS_FLOAT64)       \
            d##fn##_(__VA_ARGS__);        \
        else if (dt == PTS_COMPLEX64)     \
            c##cfn##_(__VA_ARGS__);       \
        else                              \
            z##cfn##_(__VA_ARGS__);       \
    } while (0)

static bool is_cx(int dt) { return dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128; }
static int isz(int dt) { return dt == PTS_FLOAT32 ? 4 : dt == PTS_COMPLEX128 ? 16 : 8; }

/* A workspace of the size a query (lwork = -1) returned in q (its real part, for complex). */
static void *work_alloc(int dt, const void *q, int *lwork)
{
    double w = pts_la_get(q, dt == PTS_FLOAT32 || dt == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64, 0);
    int n = w < 1 ? 1 : w > INT_MAX / 2 ? INT_MAX / 2 : (int)w + 1;
    *lwork = n;
    void *p = pts_malloc((size_t)n * (size_t)isz(dt));
    if (!p)
        pts_err_nomem("LAPACK workspace", (size_t)n * (size_t)isz(dt));
    return p;
}

/* ---- checks ------------------------------------------------------------------------------- */

pts_status pts_la_check_dtype_cx(const char *api, const pts_tensor *t)
{
    if (is_cx(t->dtype))
        return PTS_OK;
    return pts_la_check_dtype(api, t);
}

pts_status pts_la_check_matrix_cx(const char *api, const pts_tensor *t, const char *name, bool square)
{
    if (t->ndim >= 2 && is_cx(t->dtype)) {
        pts_tensor probe = *t;
        probe.dtype = PTS_FLOAT64;
        return pts_la_check_matrix(api, &probe, name, square);
    }
    return pts_la_check_matrix(api, t, name, square);
}

pts_status pts_la_check_dtype(const char *api, const pts_tensor *t)
{
    if (t->dtype == PTS_FLOAT32 || t->dtype == PTS_FLOAT64)
        return PTS_OK;
    if (t->dtype == PTS_FLOAT16 || t->dtype == PTS_BFLOAT16)
        return pts_err_set(PTS_ERR_TYPE, "%s: Low precision dtypes not supported. Got %s", api,
                           pts_dtype_torch_name(t->dtype));
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    if (di && di->is_complex)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: complex tensors are not supported by pyts", api);
    return pts_err_set(PTS_ERR_TYPE, "%s: Expected a floating point or complex tensor as input. Got %s", api,
                       pts_dtype_torch_name(t->dtype));
}

pts_status pts_la_check_matrix(const char *api, const pts_tensor *t, const char *name, bool square)
{
    if (t->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor %s must have at least 2 dimensions.", api, name);
    PTS_TRY(pts_la_check_dtype(api, t));
    int64_t m = t->sizes[t->ndim - 2], n = t->sizes[t->ndim - 1];
    if (square && m != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s must be batches of square matrices, but they are %lld by %lld matrices",
                           api, name, (long long)m, (long long)n);
    if (m > INT_MAX / 2 || n > INT_MAX / 2 || (m > 0 && n > INT_MAX / m))
        return pts_err_set(PTS_ERR_LIMIT, "%s: a %lld x %lld matrix is too large for LAPACK", api, (long long)m,
                           (long long)n);
    return PTS_OK;
}

pts_status pts_la_check_same_dtype(const char *api, const pts_tensor *x, const char *xn, const pts_tensor *y,
                                   const char *yn)
{
    if (x->dtype == y->dtype)
        return PTS_OK;
    return pts_err_set(PTS_ERR_TYPE, "%s: Expected %s and %s to have the same dtype, but found %s of type %s and %s of "
                                     "type %s instead.", api, xn, yn, xn, pts_dtype_torch_name(x->dtype), yn,
                       pts_dtype_torch_name(y->dtype));
}

/* ---- Fortran batches ---------------------------------------------------------------------- */

int64_t pts_la_nbatch(const pts_tensor *t)
{
    int64_t b = 1;
    for (int i = 0; i < t->ndim - 2; i++)
        b *= t->sizes[i];
    return b;
}

/* column-major strides for [..., m, n] with matrices one after another */
static void fortran_strides(int ndim, const int64_t *sizes, int64_t *strides)
{
    int64_t m = sizes[ndim - 2], n = sizes[ndim - 1];
    strides[ndim - 2] = 1;
    strides[ndim - 1] = m > 1 ? m : 1;
    int64_t s = m * n;
    for (int i = ndim - 3; i >= 0; i--) {
        strides[i] = s > 0 ? s : 1;
        s *= sizes[i];
    }
}

pts_tensor *pts_la_empty(int dtype, int ndim, const int64_t *sizes)
{
    pts_tensor *e = pts_tensor_empty(dtype, ndim, sizes);
    if (!e)
        return NULL;
    int64_t strides[PTS_MAX_DIMS];
    fortran_strides(ndim, sizes, strides);
    pts_tensor *v = pts_tensor_view_of(e->storage, dtype, ndim, sizes, strides, 0);
    pts_obj_release(&e->hdr);
    return v;
}

pts_tensor *pts_la_zeros(int dtype, int ndim, const int64_t *sizes)
{
    pts_tensor *t = pts_la_empty(dtype, ndim, sizes);
    if (t)
        memset(t->storage->data, 0, t->storage->nbytes);
    return t;
}

pts_tensor *pts_la_copy(const pts_tensor *src, int dtype, int nb, const int64_t *bsizes)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int nd = src->ndim;
    if (nb >= 0) {
        /* src viewed with its batch dims broadcast to bsizes */
        nd = nb + 2;
        int sb = src->ndim - 2;
        for (int i = 0; i < nb; i++) {
            int j = i - (nb - sb);
            sizes[i] = bsizes[i];
            strides[i] = j < 0 || src->sizes[j] == 1 ? 0 : src->strides[j];
        }
        for (int k = 0; k < 2; k++) {
            sizes[nb + k] = src->sizes[src->ndim - 2 + k];
            strides[nb + k] = src->strides[src->ndim - 2 + k];
        }
    } else {
        memcpy(sizes, src->sizes, sizeof(int64_t) * (size_t)nd);
        memcpy(strides, src->strides, sizeof(int64_t) * (size_t)nd);
    }
    pts_tensor *v = pts_tensor_view_of(src->storage, src->dtype, nd, sizes, strides, src->offset);
    if (!v)
        return NULL;
    pts_tensor *out = pts_la_empty(dtype, nd, sizes);
    /* complex on either side: the general copy_ (pts_nn_copy_into is real-only) */
    if (out && (is_cx(dtype) || is_cx(src->dtype) ? pts_tensor_copy_into(out, v, "linalg")
                                                  : pts_nn_copy_into(out, v)) != PTS_OK) {
        pts_obj_release(&out->hdr);
        out = NULL;
    }
    pts_obj_release(&v->hdr);
    return out;
}

pts_status pts_la_broadcast_batch(const char *api, const pts_tensor *x, int xcore, const pts_tensor *y, int ycore,
                                  int *nb, int64_t *bsizes)
{
    int xb = x->ndim - xcore, yb = y->ndim - ycore;
    int n = xb > yb ? xb : yb;
    for (int i = 0; i < n; i++) {
        int jx = i - (n - xb), jy = i - (n - yb);
        int64_t sx = jx < 0 ? 1 : x->sizes[jx], sy = jy < 0 ? 1 : y->sizes[jy];
        if (sx != sy && sx != 1 && sy != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: The size of tensor a (%lld) must match the size of tensor b (%lld) at "
                                              "non-singleton dimension %d", api, (long long)sx, (long long)sy, i);
        bsizes[i] = sx == 1 ? sy : sx;
    }
    *nb = n;
    return PTS_OK;
}

pts_tensor *pts_la_info(int nb, const int64_t *bsizes) { return pts_tensor_zeros(PTS_INT32, nb, bsizes); }

int64_t pts_la_bidx(int64_t b, int nb, const int64_t *bsizes, const pts_tensor *x, int xcore)
{
    int xb = x->ndim - xcore;
    int64_t idx = 0, mul = 1;
    for (int i = nb - 1; i >= 0; i--) {
        int64_t c = b % bsizes[i];
        b /= bsizes[i];
        int j = i - (nb - xb);
        if (j >= 0) {
            if (x->sizes[j] != 1)
                idx += c * mul;
            mul *= x->sizes[j];
        }
    }
    return idx;
}

pts_status pts_la_check_info(const char *api, const pts_tensor *info, bool batched, const char *fmt)
{
    const int32_t *p = pts_tensor_data(info);
    int64_t n = pts_tensor_numel(info);
    for (int64_t b = 0; b < n; b++) {
        if (p[b] == 0)
            continue;
        if (p[b] < 0)
            return pts_err_set(PTS_ERR_INTERNAL, "%s: LAPACK rejected argument %d (a pyts bug)", api, -p[b]);
        char msg[512];
        snprintf(msg, sizeof msg, fmt, p[b], p[b]);
        if (batched)
            return pts_err_set(PTS_ERR_VALUE, "%s: (Batch element %lld): %s", api, (long long)b, msg);
        return pts_err_set(PTS_ERR_VALUE, "%s: %s", api, msg);
    }
    return PTS_OK;
}

pts_tensor *pts_la_view(const pts_tensor *t, int ndim, const int64_t *sizes, const int64_t *strides)
{
    return pts_tensor_view_of(t->storage, t->dtype, ndim, sizes, strides, t->offset);
}

pts_tensor *pts_la_mT(const pts_tensor *t)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int nd = t->ndim;
    memcpy(sizes, t->sizes, sizeof(int64_t) * (size_t)nd);
    memcpy(strides, t->strides, sizeof(int64_t) * (size_t)nd);
    sizes[nd - 2] = t->sizes[nd - 1];
    sizes[nd - 1] = t->sizes[nd - 2];
    strides[nd - 2] = t->strides[nd - 1];
    strides[nd - 1] = t->strides[nd - 2];
    return pts_la_view(t, nd, sizes, strides);
}

/* ---- LAPACK --------------------------------------------------------------------------------- */

void pts_la_getrf(int dt, int m, int n, void *a, int lda, int *ipiv, int *info)
{
    LA(getrf, &m, &n, a, &lda, ipiv, info);
}

void pts_la_getrs(int dt, char trans, int n, int nrhs, const void *a, int lda, const int *ipiv, void *b, int ldb,
                  int *info)
{
    LA(getrs, &trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, info, 1);
}

void pts_la_potrf(int dt, char uplo, int n, void *a, int lda, int *info) { LA(potrf, &uplo, &n, a, &lda, info, 1); }

void pts_la_potrs(int dt, char uplo, int n, int nrhs, const void *a, int lda, void *b, int ldb, int *info)
{
    LA(potrs, &uplo, &n, &nrhs, a, &lda, b, &ldb, info, 1);
}

void pts_la_potri(int dt, char uplo, int n, void *a, int lda, int *info) { LA(potri, &uplo, &n, a, &lda, info, 1); }

pts_status pts_la_sytrf(int dt, bool herm, char uplo, int n, void *a, int lda, int *ipiv, int *info)
{
    double q[2] = {0, 0};
    int lw = -1;
    if (herm && is_cx(dt))
        LA2(sytrf, hetrf, &uplo, &n, a, &lda, ipiv, (void *)q, &lw, info, 1);
    else
        LA(sytrf, &uplo, &n, a, &lda, ipiv, (void *)q, &lw, info, 1);
    void *w = work_alloc(dt, q, &lw);
    if (!w)
        return pts_err_last();
    if (herm && is_cx(dt))
        LA2(sytrf, hetrf, &uplo, &n, a, &lda, ipiv, w, &lw, info, 1);
    else
        LA(sytrf, &uplo, &n, a, &lda, ipiv, w, &lw, info, 1);
    pts_free(w);
    return PTS_OK;
}

void pts_la_sytrs(int dt, bool herm, char uplo, int n, int nrhs, const void *a, int lda, const int *ipiv, void *b,
                  int ldb, int *info)
{
    if (herm && is_cx(dt))
        LA2(sytrs, hetrs, &uplo, &n, &nrhs, a, &lda, ipiv, b, &ldb, info, 1);
    else
        LA(sytrs, &uplo, &n, &nrhs, a, &lda, ipiv, b, &ldb, info, 1);
}

pts_status pts_la_geqrf(int dt, int m, int n, void *a, int lda, void *tau, int *info)
{
    double q[2] = {0, 0};
    int lw = -1;
    LA(geqrf, &m, &n, a, &lda, tau, (void *)q, &lw, info);
    void *w = work_alloc(dt, q, &lw);
    if (!w)
        return pts_err_last();
    LA(geqrf, &m, &n, a, &lda, tau, w, &lw, info);
    pts_free(w);
    return PTS_OK;
}

pts_status pts_la_orgqr(int dt, int m, int n, int k, void *a, int lda, const void *tau, int *info)
{
    double q[2] = {0, 0};
    int lw = -1;
    LA2(orgqr, ungqr, &m, &n, &k, a, &lda, tau, (void *)q, &lw, info);
    void *w = work_alloc(dt, q, &lw);
    if (!w)
        return pts_err_last();
    LA2(orgqr, ungqr, &m, &n, &k, a, &lda, tau, w, &lw, info);
    pts_free(w);
    return PTS_OK;
}

pts_status pts_la_ormqr(int dt, char side, char trans, int m, int n, int k, const void *a, int lda, const void *tau,
                        void *c, int ldc, int *info)
{
    double q[2] = {0, 0};
    int lw = -1;
    if (trans == 'T' && is_cx(dt)) /* Q^H for complex (unmqr) */
        trans = 'C';
    LA2(ormqr, unmqr, &side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, (void *)q, &lw, info, 1, 1);
    void *w = work_alloc(dt, q, &lw);
    if (!w)
        return pts_err_last();
    LA2(ormqr, unmqr, &side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, w, &lw, info, 1, 1);
    pts_free(w);
    return PTS_OK;
}

pts_status pts_la_gesdd(int dt, char jobz, int m, int n, void *a, int lda, void *s, void *u, int ldu, void *vt,
                        int ldvt, int *info)
{
    int mn = m < n ? m : n;
    int *iw = pts_malloc(sizeof(int) * (size_t)(8 * (mn > 0 ? mn : 1)));
    if (!iw)
        return pts_err_nomem("LAPACK workspace", sizeof(int) * (size_t)(8 * mn));
    double q[2] = {0, 0};
    int lw = -1;
    if (is_cx(dt)) {
        /* rwork: LAPACK's bound, max(5 mn^2 + 5 mn, 2 mx mn + 2 mn^2 + mn) with vectors, 7 mn without */
        int64_t mx = m > n ? m : n, a1 = 5 * (int64_t)mn * mn + 5 * (int64_t)mn,
                a2 = 2 * mx * mn + 2 * (int64_t)mn * mn + mn;
        int64_t lr = jobz == 'N' ? 7 * (int64_t)mn : a1 > a2 ? a1 : a2;
        if (lr < 1)
            lr = 1;
        size_t rb = (size_t)lr * (size_t)(dt == PTS_COMPLEX64 ? 4 : 8);
        void *rw = pts_malloc(rb);
        if (!rw) {
            pts_free(iw);
            return pts_err_nomem("LAPACK workspace", rb);
        }
        pts_blas_init();
        if (dt == PTS_COMPLEX64)
            cgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, q, &lw, rw, iw, info, 1);
        else
            zgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, q, &lw, rw, iw, info, 1);
        void *w = work_alloc(dt, q, &lw);
        if (w) {
            if (dt == PTS_COMPLEX64)
                cgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, rw, iw, info, 1);
            else
                zgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, rw, iw, info, 1);
        }
        pts_free(w);
        pts_free(rw);
        pts_free(iw);
        return w ? PTS_OK : pts_err_last();
    }
    LAR(gesdd, &jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, (void *)q, &lw, iw, info, 1);
    void *w = work_alloc(dt, q, &lw);
    if (!w) {
        pts_free(iw);
        return pts_err_last();
    }
    LAR(gesdd, &jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, iw, info, 1);
    pts_free(w);
    pts_free(iw);
    return PTS_OK;
}

/* heevd: complex Hermitian, w real; rwork and iwork sizes from the query */
static pts_status heevd(int dt, char jobz, char uplo, int n, void *a, int lda, void *w, int *info)
{
    double q[2] = {0, 0}, rq[2] = {0, 0};
    int lw = -1, lrw = -1, liw = -1, iq = 0;
    pts_blas_init();
    if (dt == PTS_COMPLEX64)
        cheevd_(&jobz, &uplo, &n, a, &lda, w, q, &lw, (float *)rq, &lrw, &iq, &liw, info, 1, 1);
    else
        zheevd_(&jobz, &uplo, &n, a, &lda, w, q, &lw, rq, &lrw, &iq, &liw, info, 1, 1);
    int rdt = dt == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64;
    liw = iq > 1 ? iq : 1;
    int *iw = pts_malloc(sizeof(int) * (size_t)liw);
    void *rw = iw ? work_alloc(rdt, rq, &lrw) : NULL;
    void *wk = rw ? work_alloc(dt, q, &lw) : NULL;
    if (!wk) {
        pts_free(iw);
        pts_free(rw);
        return iw ? pts_err_last() : pts_err_nomem("LAPACK workspace", sizeof(int) * (size_t)liw);
    }
    if (dt == PTS_COMPLEX64)
        cheevd_(&jobz, &uplo, &n, a, &lda, w, wk, &lw, rw, &lrw, iw, &liw, info, 1, 1);
    else
        zheevd_(&jobz, &uplo, &n, a, &lda, w, wk, &lw, rw, &lrw, iw, &liw, info, 1, 1);
    pts_free(wk);
    pts_free(rw);
    pts_free(iw);
    return PTS_OK;
}

pts_status pts_la_syevd(int dt, char jobz, char uplo, int n, void *a, int lda, void *w, int *info)
{
    if (is_cx(dt))
        return heevd(dt, jobz, uplo, n, a, lda, w, info);
    double q[2] = {0, 0};
    int lw = -1, liw = -1, iq = 0;
    LAR(syevd, &jobz, &uplo, &n, a, &lda, w, (void *)q, &lw, &iq, &liw, info, 1, 1);
    liw = iq > 1 ? iq : 1;
    int *iw = pts_malloc(sizeof(int) * (size_t)liw);
    if (!iw)
        return pts_err_nomem("LAPACK workspace", sizeof(int) * (size_t)liw);
    void *wk = work_alloc(dt, q, &lw);
    if (!wk) {
        pts_free(iw);
        return pts_err_last();
    }
    LAR(syevd, &jobz, &uplo, &n, a, &lda, w, wk, &lw, iw, &liw, info, 1, 1);
    pts_free(wk);
    pts_free(iw);
    return PTS_OK;
}

/* the complex drivers: rwork sized generously from LAPACK's bounds (gelsd: its query) */
static pts_status gels_cx(int dt, char driver, int m, int n, int nrhs, void *a, int lda, void *b, int ldb,
                          double rcond, void *s, int *rank, int *info)
{
    float rc32 = (float)rcond;
    int mn = m < n ? m : n, mx = m > n ? m : n;
    size_t ni = driver == 'y' ? (size_t)(n > 0 ? n : 1) : (size_t)(mn > 0 ? mn : 1) * (3 * 32 + 11) + (size_t)mx;
    int *iw = pts_calloc(ni, sizeof(int));
    if (!iw)
        return pts_err_nomem("LAPACK workspace", ni * sizeof(int));
    /* rwork: gelsy 2n, gelss 5 mn, gelsd 10 mn + 2 mn smlsiz + 8 mn nlvl + 3 smlsiz nrhs + max((smlsiz+1)^2,
     * n (1 + nrhs) + 2 nrhs) with smlsiz 25, nlvl <= 32 (bounded generously) */
    size_t nr = driver == 'y' ? (size_t)(2 * (n > 0 ? n : 1))
              : driver == 's' ? (size_t)(5 * (mn > 0 ? mn : 1))
                              : (size_t)(mn > 0 ? mn : 1) * (10 + 50 + 8 * 32) + 75 * (size_t)(nrhs > 0 ? nrhs : 1) +
                                    26 * 26 + (size_t)(mx + 1) * (size_t)(1 + (nrhs > 0 ? nrhs : 1)) + 2 * (size_t)nrhs;
    size_t rsz = dt == PTS_COMPLEX64 ? 4 : 8;
    void *rw = pts_calloc(nr, rsz);
    if (!rw) {
        pts_free(iw);
        return pts_err_nomem("LAPACK workspace", nr * rsz);
    }
    double q[2] = {0, 0};
    int lw = -1;
    char tr = 'N';
    pts_status st = PTS_OK;
    pts_blas_init();
    for (int pass = 0; pass < 2; pass++) {
        void *w = q;
        if (pass == 1 && !(w = work_alloc(dt, q, &lw))) {
            st = pts_err_last();
            break;
        }
        bool c = dt == PTS_COMPLEX64;
        if (driver == 'y') {
            if (c)
                cgelsy_(&m, &n, &nrhs, a, &lda, b, &ldb, iw, &rc32, rank, w, &lw, rw, info);
            else
                zgelsy_(&m, &n, &nrhs, a, &lda, b, &ldb, iw, &rcond, rank, w, &lw, rw, info);
        } else if (driver == 'd') {
            if (c)
                cgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rc32, rank, w, &lw, rw, iw, info);
            else
                zgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, rw, iw, info);
        } else if (driver == 's') {
            if (c)
                cgelss_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rc32, rank, w, &lw, rw, info);
            else
                zgelss_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, rw, info);
        } else {
            LA(gels, &tr, &m, &n, &nrhs, a, &lda, b, &ldb, w, &lw, info, 1);
        }
        if (pass == 1)
            pts_free(w);
    }
    pts_free(rw);
    pts_free(iw);
    return st;
}

pts_status pts_la_gels(int dt, char driver, int m, int n, int nrhs, void *a, int lda, void *b, int ldb, double rcond,
                       void *s, int *rank, int *info)
{
    if (is_cx(dt))
        return gels_cx(dt, driver, m, n, nrhs, a, lda, b, ldb, rcond, s, rank, info);
    float rc32 = (float)rcond;
    const void *rc = dt == PTS_FLOAT32 ? (const void *)&rc32 : (const void *)&rcond;
    int mn = m < n ? m : n, mx = m > n ? m : n;
    /* integer work: jpvt (gelsy, n) or iwork (gelsd: generous 3*mn*nlvl + 11*mn, nlvl <= 32) */
    size_t ni = driver == 'y' ? (size_t)(n > 0 ? n : 1) : (size_t)(mn > 0 ? mn : 1) * (3 * 32 + 11) + (size_t)mx;
    int *iw = pts_calloc(ni, sizeof(int));
    if (!iw)
        return pts_err_nomem("LAPACK workspace", ni * sizeof(int));
    double q[2] = {0, 0};
    int lw = -1;
    char tr = 'N';
    for (int pass = 0; pass < 2; pass++) {
        void *w = q;
        if (pass == 1) {
            w = work_alloc(dt, q, &lw);
            if (!w) {
                pts_free(iw);
                return pts_err_last();
            }
        }
        if (driver == 'y')
            LAR(gelsy, &m, &n, &nrhs, a, &lda, b, &ldb, iw, rc, rank, w, &lw, info);
        else if (driver == 'd')
            LAR(gelsd, &m, &n, &nrhs, a, &lda, b, &ldb, s, rc, rank, w, &lw, iw, info);
        else if (driver == 's')
            LAR(gelss, &m, &n, &nrhs, a, &lda, b, &ldb, s, rc, rank, w, &lw, info);
        else
            LA(gels, &tr, &m, &n, &nrhs, a, &lda, b, &ldb, w, &lw, info, 1);
        if (pass == 1)
            pts_free(w);
    }
    pts_free(iw);
    return PTS_OK;
}

void pts_la_trsm(int dt, bool left, bool upper, bool trans, bool unit, int m, int n, const void *a, int lda, void *b,
                 int ldb)
{
    if (m == 0 || n == 0)
        return;
    pts_blas_init();
    enum CBLAS_SIDE sd = left ? CblasLeft : CblasRight;
    enum CBLAS_UPLO ul = upper ? CblasUpper : CblasLower;
    enum CBLAS_TRANSPOSE tr = trans ? CblasTrans : CblasNoTrans;
    enum CBLAS_DIAG dg = unit ? CblasUnit : CblasNonUnit;
    static const float one_c[2] = {1.0f, 0.0f};
    static const double one_z[2] = {1.0, 0.0};
    if (dt == PTS_FLOAT32)
        cblas_strsm(CblasColMajor, sd, ul, tr, dg, m, n, 1.0f, a, lda, b, ldb);
    else if (dt == PTS_FLOAT64)
        cblas_dtrsm(CblasColMajor, sd, ul, tr, dg, m, n, 1.0, a, lda, b, ldb);
    else if (dt == PTS_COMPLEX64)
        cblas_ctrsm(CblasColMajor, sd, ul, tr, dg, m, n, one_c, a, lda, b, ldb);
    else
        cblas_ztrsm(CblasColMajor, sd, ul, tr, dg, m, n, one_z, a, lda, b, ldb);
}

void pts_la_gemm(int dt, bool ta, bool tb, int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                 int ldc)
{
    if (m == 0 || n == 0)
        return;
    if (k == 0) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                pts_la_setz(c, dt, i + (int64_t)j * ldc, 0);
        return;
    }
    pts_blas_init();
    /* complex: a transposed operand is conjugate-transposed (A^H) */
    enum CBLAS_TRANSPOSE t = is_cx(dt) ? CblasConjTrans : CblasTrans;
    enum CBLAS_TRANSPOSE x = ta ? t : CblasNoTrans, y = tb ? t : CblasNoTrans;
    static const float one_c[2] = {1.0f, 0.0f}, zero_c[2] = {0.0f, 0.0f};
    static const double one_z[2] = {1.0, 0.0}, zero_z[2] = {0.0, 0.0};
    if (dt == PTS_FLOAT32)
        cblas_sgemm(CblasColMajor, x, y, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    else if (dt == PTS_FLOAT64)
        cblas_dgemm(CblasColMajor, x, y, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
    else if (dt == PTS_COMPLEX64)
        cblas_cgemm(CblasColMajor, x, y, m, n, k, one_c, a, lda, b, ldb, zero_c, c, ldc);
    else
        cblas_zgemm(CblasColMajor, x, y, m, n, k, one_z, a, lda, b, ldb, zero_z, c, ldc);
}

pts_status pts_la_geev(int dt, char jobvr, int n, void *a, int lda, void *wr, void *wi, void *vr, int ldvr, int *info)
{
    char jobvl = 'N';
    int ldvl = 1, lw = -1;
    double q[4] = {0, 0, 0, 0};
    pts_blas_init();
    if (dt == PTS_FLOAT32 || dt == PTS_FLOAT64) {
        if (dt == PTS_FLOAT32)
            sgeev_(&jobvl, &jobvr, &n, a, &lda, wr, wi, NULL, &ldvl, vr, &ldvr, (float *)q, &lw, info, 1, 1);
        else
            dgeev_(&jobvl, &jobvr, &n, a, &lda, wr, wi, NULL, &ldvl, vr, &ldvr, q, &lw, info, 1, 1);
        void *w = work_alloc(dt, q, &lw);
        if (!w)
            return pts_err_last();
        if (dt == PTS_FLOAT32)
            sgeev_(&jobvl, &jobvr, &n, a, &lda, wr, wi, NULL, &ldvl, vr, &ldvr, w, &lw, info, 1, 1);
        else
            dgeev_(&jobvl, &jobvr, &n, a, &lda, wr, wi, NULL, &ldvl, vr, &ldvr, w, &lw, info, 1, 1);
        pts_free(w);
        return PTS_OK;
    }
    /* complex: work holds complex elements (2 reals each), rwork 2n reals */
    int rdt = dt == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64, rs = isz(rdt);
    void *rw = pts_malloc((size_t)(2 * (n > 0 ? n : 1)) * (size_t)rs);
    if (!rw)
        return pts_err_nomem("LAPACK workspace", (size_t)(2 * n) * (size_t)rs);
    if (dt == PTS_COMPLEX64)
        cgeev_(&jobvl, &jobvr, &n, a, &lda, wr, NULL, &ldvl, vr, &ldvr, q, &lw, rw, info, 1, 1);
    else
        zgeev_(&jobvl, &jobvr, &n, a, &lda, wr, NULL, &ldvl, vr, &ldvr, q, &lw, rw, info, 1, 1);
    double wq = pts_la_get(q, rdt, 0);
    lw = wq < 1 ? 1 : wq > INT_MAX / 4 ? INT_MAX / 4 : (int)wq + 1;
    void *w = pts_malloc((size_t)lw * 2 * (size_t)rs);
    if (!w) {
        pts_free(rw);
        return pts_err_nomem("LAPACK workspace", (size_t)lw * 2 * (size_t)rs);
    }
    if (dt == PTS_COMPLEX64)
        cgeev_(&jobvl, &jobvr, &n, a, &lda, wr, NULL, &ldvl, vr, &ldvr, w, &lw, rw, info, 1, 1);
    else
        zgeev_(&jobvl, &jobvr, &n, a, &lda, wr, NULL, &ldvl, vr, &ldvr, w, &lw, rw, info, 1, 1);
    pts_free(w);
    pts_free(rw);
    (void)wi;
    return PTS_OK;
}
