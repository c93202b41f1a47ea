/* gemm.c - OpenBLAS wrapper, im2col/col2im and dtype helpers shared by the
 * nn kernels (see gemm.h).  This is the only nn file that includes cblas.h. */
#include "ops/nn/gemm.h"

#include <cblas.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "ops/kernel.h"
#include "tensor/parallel.h"

/* ---- BLAS ----------------------------------------------------------------- */

static atomic_int blas_ready;

void pts_blas_init(void)
{
    if (atomic_load_explicit(&blas_ready, memory_order_acquire))
        return;
    openblas_set_num_threads(1); /* idempotent, so a race here is harmless */
    atomic_store_explicit(&blas_ready, 1, memory_order_release);
}

bool pts_blas_fits(int64_t a, int64_t b, int64_t c, int64_t d)
{
    return a <= PTS_BLAS_MAX && b <= PTS_BLAS_MAX && c <= PTS_BLAS_MAX && d <= PTS_BLAS_MAX;
}

/* BLAS rejects leading dimensions below the stored row length, even when
 * the matrix has a single row; raise them (they are then never stepped). */
static int ld_fix(int64_t ld, int64_t rowlen) { return (int)(ld < rowlen ? (rowlen > 1 ? rowlen : 1) : ld); }

/* C = beta*C when the product is empty (K == 0) or ignored (alpha == 0).
 * BLAS leaves alpha == 0 to the kernel, and some of OpenBLAS's kernels (the
 * SkylakeX/Cooperlake small-matrix ones) still multiply, so a NaN or inf in
 * A or B would reach C; torch skips the product, and so does pyts, on every
 * BLAS.  beta == 0 writes zeros, so NaN in C is not propagated either. */
#define SCALE_C(T)                                                        \
    for (int64_t i = 0; i < M; i++)                                       \
        for (int64_t j = 0; j < N; j++)                                   \
            C[i * ldc + j] = beta == 0 ? (T)0 : (T)(beta * C[i * ldc + j]);

/* A product with one row (M == 1: linear / matmul of a single vector, batch 1) or one column
 * (N == 1) is a matrix-vector product: OpenBLAS's sgemm would pack the whole weight matrix on
 * every call (no GEMV forwarding before 0.3.27), its gemv streams it once.  C is zeroed first
 * when beta == 0, so uninitialized memory (NaN bit patterns) never reaches the result.
 * Returns false when the shape is not a matrix-vector product. */
#define DEFINE_GEMV(T, SUF, GEMV)                                                                                      \
    static bool gemv_##SUF(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T *A, int64_t lda,       \
                           const T *B, int64_t ldb, T beta, T *C, int64_t ldc)                                        \
    {                                                                                                                  \
        if (M == 1 && N > 1) { /* c[N] = op(B)^T a: B is N x K (tb) or K x N */                                          \
            if (beta == 0)                                                                                             \
                for (int64_t j = 0; j < N; j++)                                                                        \
                    C[j] = 0;                                                                                          \
            GEMV(CblasRowMajor, tb ? CblasNoTrans : CblasTrans, tb ? (int)N : (int)K, tb ? (int)K : (int)N, alpha, B,  \
                 ld_fix(ldb, tb ? K : N), A, ta ? ld_fix(lda, 1) : 1, beta, C, 1);                                      \
            return true;                                                                                               \
        }                                                                                                              \
        if (N == 1 && M > 1) { /* c[M] (stride ldc) = op(A) b: A is M x K or K x M (ta) */                             \
            if (beta == 0)                                                                                             \
                for (int64_t i = 0; i < M; i++)                                                                        \
                    C[i * ldc] = 0;                                                                                    \
            GEMV(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (int)K : (int)M, ta ? (int)M : (int)K, alpha, A,  \
                 ld_fix(lda, ta ? M : K), B, tb ? 1 : ld_fix(ldb, 1), beta, C, ld_fix(ldc, 1));                         \
            return true;                                                                                               \
        }                                                                                                              \
        return false;                                                                                                  \
    }

DEFINE_GEMV(float, f32, cblas_sgemv)
DEFINE_GEMV(double, f64, cblas_dgemv)

void pts_gemm_f32(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    if (M == 0 || N == 0)
        return;
    if (K == 0 || alpha == 0) {
        SCALE_C(float)
        return;
    }
    pts_blas_init();
    if (gemv_f32(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc))
        return;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N,
                (int)K, alpha, A, ld_fix(lda, ta ? M : K), B, ld_fix(ldb, tb ? K : N), beta, C, ld_fix(ldc, N));
}

/* Complex GEMM (cgemm for complex64, zgemm for complex128) with real alpha and beta; A, B, C hold
 * interleaved (re, im) pairs and the leading dimensions count complex elements. */
void pts_gemm_cplx(bool dbl, bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const void *A,
                   int64_t lda, const void *B, int64_t ldb, double beta, void *C, int64_t ldc)
{
    if (M == 0 || N == 0)
        return;
    if (K == 0 || alpha == 0) {
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                for (int p = 0; p < 2; p++) {
                    int64_t k = 2 * (i * ldc + j) + p;
                    if (dbl)
                        ((double *)C)[k] = beta == 0 ? 0.0 : beta * ((double *)C)[k];
                    else
                        ((float *)C)[k] = beta == 0 ? 0.0f : (float)(beta * ((float *)C)[k]);
                }
        return;
    }
    pts_blas_init();
    enum CBLAS_TRANSPOSE a_t = ta ? CblasTrans : CblasNoTrans, b_t = tb ? CblasTrans : CblasNoTrans;
    int ia = (int)ld_fix(lda, ta ? M : K), ib = (int)ld_fix(ldb, tb ? K : N), ic = (int)ld_fix(ldc, N);
    if (dbl) {
        double al[2] = {alpha, 0}, be[2] = {beta, 0};
        cblas_zgemm(CblasRowMajor, a_t, b_t, (int)M, (int)N, (int)K, al, A, ia, B, ib, be, C, ic);
    } else {
        float al[2] = {(float)alpha, 0}, be[2] = {(float)beta, 0};
        cblas_cgemm(CblasRowMajor, a_t, b_t, (int)M, (int)N, (int)K, al, A, ia, B, ib, be, C, ic);
    }
}

void pts_gemm_f64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc)
{
    if (M == 0 || N == 0)
        return;
    if (K == 0 || alpha == 0) {
        SCALE_C(double)
        return;
    }
    pts_blas_init();
    if (gemv_f64(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc))
        return;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N,
                (int)K, alpha, A, ld_fix(lda, ta ? M : K), B, ld_fix(ldb, tb ? K : N), beta, C, ld_fix(ldc, N));
}

/* A GEMM split over M or N into `parts` pieces. */
typedef struct gemm_job {
    bool ta, tb, split_n, f64;
    int64_t M, N, K, lda, ldb, ldc, parts;
    double alpha, beta;
    const void *A, *B;
    void *C;
} gemm_job;

static void gemm_piece(void *ctx, int64_t begin, int64_t end)
{
    const gemm_job *j = ctx;
    int64_t total = j->split_n ? j->N : j->M;
    for (int64_t part = begin; part < end; part++) {
        int64_t lo = total * part / j->parts, hi = total * (part + 1) / j->parts;
        int64_t aoff = 0, boff = 0, coff;
        int64_t m = j->M, n = j->N;
        if (j->split_n) {
            boff = j->tb ? lo * j->ldb : lo;
            coff = lo;
            n = hi - lo;
        } else {
            aoff = j->ta ? lo : lo * j->lda;
            coff = lo * j->ldc;
            m = hi - lo;
        }
        if (j->f64)
            pts_gemm_f64(j->ta, j->tb, m, n, j->K, j->alpha, (const double *)j->A + aoff, j->lda,
                         (const double *)j->B + boff, j->ldb, j->beta, (double *)j->C + coff, j->ldc);
        else
            pts_gemm_f32(j->ta, j->tb, m, n, j->K, (float)j->alpha, (const float *)j->A + aoff, j->lda,
                         (const float *)j->B + boff, j->ldb, (float)j->beta, (float *)j->C + coff, j->ldc);
    }
}

static void gemm_par(gemm_job *j)
{
    if (!j->f64 && j->K > 0 && j->alpha != 0 &&
        pts_gemm_uk_f32(true, j->ta, j->tb, j->M, j->N, j->K, (float)j->alpha, j->A, j->lda, j->B, j->ldb,
                        (float)j->beta, j->C, j->ldc))
        return;
    int nt = pts_get_num_threads();
    double work = (double)j->M * (double)j->N * (double)j->K;
    int64_t big = j->N >= j->M ? j->N : j->M;
    if (nt <= 1 || work < 4.0e5 || big < 2 * nt) {
        j->parts = 1;
        gemm_piece(j, 0, 1);
        return;
    }
    j->split_n = j->N >= j->M;
    j->parts = nt;
    pts_parallel_for(j->parts, 1, gemm_piece, j);
}

void pts_gemm_par_f32(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                      const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    gemm_job j = {ta, tb, false, false, M, N, K, lda, ldb, ldc, 1, alpha, beta, A, B, C};
    gemm_par(&j);
}

void pts_gemm_par_f64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
                      const double *B, int64_t ldb, double beta, double *C, int64_t ldc)
{
    gemm_job j = {ta, tb, false, true, M, N, K, lda, ldb, ldc, 1, alpha, beta, A, B, C};
    gemm_par(&j);
}

/* ---- im2col / col2im --------------------------------------------------------- */

/* Output positions j in [0, run) whose input index base + j*s lies in [0, n):
 * [*lo, *hi). */
static void valid_run(int64_t base, int64_t s, int64_t n, int64_t run, int64_t *lo, int64_t *hi)
{
    int64_t l = base >= 0 ? 0 : (-base + s - 1) / s;
    int64_t h = base >= n ? 0 : (n - base + s - 1) / s;
    if (h > run)
        h = run;
    if (l > h)
        l = h;
    *lo = l;
    *hi = h;
}

/* Walk output positions [p0, p0+ncols) row by row (runs along the width);
 * BODY sees: dst (col row cursor), run, id/ih (input depth/row index, may be
 * out of range), iw0 (input column of the run's first element). */
#define WALK_RUNS(...)                                                                    \
    for (int64_t c = 0; c < C; c++)                                                       \
        for (int64_t kd = 0; kd < g->k[0]; kd++)                                          \
            for (int64_t kh = 0; kh < g->k[1]; kh++)                                      \
                for (int64_t kw = 0; kw < g->k[2]; kw++) {                                \
                    int64_t row = ((c * g->k[0] + kd) * g->k[1] + kh) * g->k[2] + kw;     \
                    int64_t p = p0, end = p0 + ncols, plane = g->out[1] * g->out[2];      \
                    int64_t od = p / plane, oh = (p % plane) / g->out[2], ow = p % g->out[2]; \
                    int64_t cur = row * ncols;                                            \
                    while (p < end) {                                                     \
                        int64_t run = g->out[2] - ow < end - p ? g->out[2] - ow : end - p; \
                        int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dil[0];      \
                        int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];      \
                        int64_t iw0 = ow * g->stride[2] - g->pad[2] + kw * g->dil[2];     \
                        int64_t plane_off = c * pin;                                      \
                        __VA_ARGS__                                                       \
                        cur += run;                                                       \
                        p += run;                                                         \
                        ow = 0;                                                           \
                        if (++oh == g->out[1]) {                                          \
                            oh = 0;                                                       \
                            od++;                                                         \
                        }                                                                 \
                    }                                                                     \
                }

#define DEFINE_IM2COL(T, SUF)                                                                          \
    void pts_im2col_##SUF(const T *image, int64_t C, const pts_conv_geom *g, int64_t p0, int64_t ncols, T *col) \
    {                                                                                                  \
        int64_t pin = pts_conv_geom_pin(g), sw = g->stride[2];                                         \
        WALK_RUNS({                                                                                    \
            T *dst = col + cur;                                                                        \
            if (id < 0 || id >= g->in[0] || ih < 0 || ih >= g->in[1]) {                                \
                memset(dst, 0, (size_t)run * sizeof(T));                                               \
            } else {                                                                                   \
                const T *src = image + plane_off + (id * g->in[1] + ih) * g->in[2];                    \
                int64_t lo, hi;                                                                        \
                valid_run(iw0, sw, g->in[2], run, &lo, &hi);                                           \
                for (int64_t j = 0; j < lo; j++)                                                       \
                    dst[j] = 0;                                                                        \
                if (sw == 1)                                                                           \
                    memcpy(dst + lo, src + iw0 + lo, (size_t)(hi - lo) * sizeof(T));                   \
                else                                                                                   \
                    for (int64_t j = lo; j < hi; j++)                                                  \
                        dst[j] = src[iw0 + j * sw];                                                    \
                for (int64_t j = hi; j < run; j++)                                                     \
                    dst[j] = 0;                                                                        \
            }                                                                                          \
        })                                                                                             \
    }

#define DEFINE_COL2IM(T, SUF)                                                                 \
    void pts_col2im_##SUF(const T *col, int64_t C, const pts_conv_geom *g, T *image)          \
    {                                                                                         \
        int64_t pin = pts_conv_geom_pin(g), sw = g->stride[2];                                \
        int64_t p0 = 0, ncols = pts_conv_geom_pout(g);                                        \
        WALK_RUNS({                                                                           \
            if (id >= 0 && id < g->in[0] && ih >= 0 && ih < g->in[1]) {                       \
                const T *src = col + cur;                                                     \
                T *dst = image + plane_off + (id * g->in[1] + ih) * g->in[2];                 \
                int64_t lo, hi;                                                               \
                valid_run(iw0, sw, g->in[2], run, &lo, &hi);                                  \
                for (int64_t j = lo; j < hi; j++)                                             \
                    dst[iw0 + j * sw] += src[j];                                              \
            }                                                                                 \
        })                                                                                    \
    }

DEFINE_IM2COL(float, f32)
DEFINE_IM2COL(double, f64)
DEFINE_COL2IM(float, f32)
DEFINE_COL2IM(double, f64)

/* ---- dtype conversion and strided copies --------------------------------------- */

int pts_nn_compute_dtype(int dtype)
{
    switch (dtype) {
    case PTS_FLOAT16:
    case PTS_BFLOAT16:
    case PTS_FLOAT32: return PTS_FLOAT32;
    case PTS_FLOAT64: return PTS_FLOAT64;
    default: return -1;
    }
}

float pts_nn_round(int dt, float v)
{
    return dt == PTS_FLOAT16 ? pts_half_to_float(pts_float_to_half(v)) : pts_bf16_to_float(pts_float_to_bf16(v));
}

pts_status pts_nn_bad_dtype(const char *op, int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dtype %s is not supported", op, di ? di->name : "?");
}

static bool is_real_dtype(int dt)
{
    switch (dt) {
    case PTS_UINT8: case PTS_INT8: case PTS_INT16: case PTS_INT32: case PTS_INT64:
    case PTS_UINT16: case PTS_UINT32: case PTS_UINT64: case PTS_BOOL:
    case PTS_FLOAT16: case PTS_BFLOAT16: case PTS_FLOAT32: case PTS_FLOAT64: return true;
    default: return false;
    }
}

static bool is_intlike(int dt) { return dt != PTS_FLOAT16 && dt != PTS_BFLOAT16 && dt != PTS_FLOAT32 && dt != PTS_FLOAT64; }

/* n elements, src stride ss, dst stride ds (elements). */
static void convert_row(const char *src, int sdt, int64_t ss, char *dst, int ddt, int64_t ds, int64_t n)
{
    if (sdt == ddt) {
        size_t isz = (size_t)pts_dtype_get(sdt)->itemsize;
        if (ss == 1 && ds == 1) {
            memcpy(dst, src, (size_t)n * isz);
            return;
        }
        switch (isz) {
        case 1: for (int64_t i = 0; i < n; i++) ((uint8_t *)dst)[i * ds] = ((const uint8_t *)src)[i * ss]; return;
        case 2: for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i * ds] = ((const uint16_t *)src)[i * ss]; return;
        case 4: for (int64_t i = 0; i < n; i++) ((uint32_t *)dst)[i * ds] = ((const uint32_t *)src)[i * ss]; return;
        case 8: for (int64_t i = 0; i < n; i++) ((uint64_t *)dst)[i * ds] = ((const uint64_t *)src)[i * ss]; return;
        default:
            for (int64_t i = 0; i < n; i++)
                memcpy(dst + (size_t)(i * ds) * isz, src + (size_t)(i * ss) * isz, isz);
            return;
        }
    }
    if (sdt == PTS_FLOAT16 && ddt == PTS_FLOAT32) {
        for (int64_t i = 0; i < n; i++) ((float *)dst)[i * ds] = pts_half_to_float(((const uint16_t *)src)[i * ss]);
    } else if (sdt == PTS_BFLOAT16 && ddt == PTS_FLOAT32) {
        for (int64_t i = 0; i < n; i++) ((float *)dst)[i * ds] = pts_bf16_to_float(((const uint16_t *)src)[i * ss]);
    } else if (sdt == PTS_FLOAT32 && ddt == PTS_FLOAT16) {
        for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i * ds] = pts_float_to_half(((const float *)src)[i * ss]);
    } else if (sdt == PTS_FLOAT32 && ddt == PTS_BFLOAT16) {
        for (int64_t i = 0; i < n; i++) ((uint16_t *)dst)[i * ds] = pts_float_to_bf16(((const float *)src)[i * ss]);
    } else if (sdt == PTS_FLOAT32 && ddt == PTS_FLOAT64) {
        for (int64_t i = 0; i < n; i++) ((double *)dst)[i * ds] = ((const float *)src)[i * ss];
    } else if (sdt == PTS_FLOAT64 && ddt == PTS_FLOAT32) {
        for (int64_t i = 0; i < n; i++) ((float *)dst)[i * ds] = (float)((const double *)src)[i * ss];
    } else {
        int64_t si = pts_dtype_get(sdt)->itemsize * ss, di = pts_dtype_get(ddt)->itemsize * ds;
        if (is_intlike(sdt) && is_intlike(ddt))
            for (int64_t i = 0; i < n; i++) pts_store_i64(dst + i * di, ddt, pts_load_i64(src + i * si, sdt));
        else
            for (int64_t i = 0; i < n; i++) pts_store_f64(dst + i * di, ddt, pts_load_f64(src + i * si, sdt));
    }
}

/* Copy (converting) between two views of one shape. */
static void copy_strided(int ndim, const int64_t *sizes, const char *src, int sdt, const int64_t *ss, char *dst,
                         int ddt, const int64_t *ds)
{
    for (int d = 0; d < ndim; d++)
        if (sizes[d] == 0)
            return;
    if (ndim == 0) {
        convert_row(src, sdt, 1, dst, ddt, 1, 1);
        return;
    }
    int64_t sisz = pts_dtype_get(sdt)->itemsize, disz = pts_dtype_get(ddt)->itemsize;
    int inner = ndim - 1;
    int64_t idx[PTS_MAX_DIMS] = {0}, so = 0, dof = 0;
    for (;;) {
        convert_row(src + so * sisz, sdt, ss[inner], dst + dof * disz, ddt, ds[inner], sizes[inner]);
        int d = inner - 1;
        for (; d >= 0; d--) {
            so += ss[d];
            dof += ds[d];
            if (++idx[d] < sizes[d])
                break;
            so -= ss[d] * sizes[d];
            dof -= ds[d] * sizes[d];
            idx[d] = 0;
        }
        if (d < 0)
            return;
    }
}

pts_tensor *pts_nn_contig(pts_tensor *t, int dtype)
{
    if (t->dtype == dtype && pts_tensor_is_contiguous(t)) {
        pts_obj_retain(&t->hdr);
        return t;
    }
    if (!is_real_dtype(t->dtype) || !is_real_dtype(dtype)) {
        const pts_dtype_info *a = pts_dtype_get(t->dtype), *b = pts_dtype_get(dtype);
        pts_err_set(PTS_ERR_UNSUPPORTED, "conversion from %s to %s is not supported here", a ? a->name : "?",
                    b ? b->name : "?");
        return NULL;
    }
    pts_tensor *r = pts_tensor_empty(dtype, t->ndim, t->sizes);
    if (!r)
        return NULL;
    copy_strided(t->ndim, t->sizes, pts_tensor_data(t), t->dtype, t->strides, pts_tensor_data(r), dtype, r->strides);
    return r;
}

pts_tensor *pts_nn_cast(pts_tensor *r, int dtype)
{
    if (r->dtype == dtype)
        return r;
    pts_tensor *o = pts_nn_contig(r, dtype);
    pts_obj_release(&r->hdr);
    return o;
}

pts_status pts_nn_copy_into(pts_tensor *dst, const pts_tensor *src)
{
    if (dst->ndim != src->ndim)
        return pts_err_set(PTS_ERR_INTERNAL, "copy between tensors of different ranks");
    for (int d = 0; d < dst->ndim; d++)
        if (dst->sizes[d] != src->sizes[d])
            return pts_err_set(PTS_ERR_INTERNAL, "copy between tensors of different shapes");
    if (!is_real_dtype(dst->dtype) || !is_real_dtype(src->dtype))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "copy between these dtypes is not supported");
    copy_strided(dst->ndim, dst->sizes, pts_tensor_data(src), src->dtype, src->strides, pts_tensor_data(dst),
                 dst->dtype, dst->strides);
    return PTS_OK;
}

/* ATen converts Scalar arguments to an integer input's type with an
 * overflow check. */
pts_status pts_nn_check_int_scalar(const char *op, int dt, pts_value sv)
{
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (!di || !di->is_int || dt == PTS_BOOL)
        return PTS_OK;
    double v = pts_arg_double(sv);
    /* c10::overflows: an integral Scalar may wrap into a uint8 from down to -255; a
     * floating one must lie in [lowest, max] */
    double lo = dt == PTS_UINT8 ? (sv.tag == PTS_T_INT ? -255 : 0) : dt == PTS_INT8 ? -128 : dt == PTS_INT16 ? -32768
              : dt == PTS_INT32 ? -2147483648.0 : -9223372036854775808.0;
    double hi = dt == PTS_UINT8 ? 255 : dt == PTS_INT8 ? 127 : dt == PTS_INT16 ? 32767 : dt == PTS_INT32 ? 2147483647.0
                                                                                                : 9223372036854775807.0;
    if (!(v >= lo && v <= hi))
        return pts_err_set(PTS_ERR_VALUE, "%s: value cannot be converted to type %s without overflow", op, di->name);
    return PTS_OK;
}
