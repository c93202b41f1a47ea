/* matmul.c - matrix products: mm, bmm, matmul, addmm, baddbmm, addmv, mv,
 * dot, linear.
 *
 * Every op reduces to one "batched GEMM" (bgemm below): C[b] = alpha *
 * A[b] @ B[b] + beta * C[b] over broadcast batch dims, where A and B are
 * strided views (no copy when BLAS can read them as they are) and C is a
 * new contiguous tensor.  float32/float64 go to OpenBLAS; float16/bfloat16
 * are computed in float32; integer dtypes use plain int64 loops.
 * complex64/complex128 go to cgemm/zgemm, except small batched products
 * (K*M*N < 400 per matrix) and matrix-vector products, which ATen computes in
 * a plain loop (c10::complex arithmetic, k in order: baddbmm_cpu_kernel, its
 * gemv) and so does pyts, bit for bit.  alpha
 * and beta may be complex numbers (Scalar) for complex dtypes.
 */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

/* ---- views ------------------------------------------------------------------ */

/* A view of t's storage with new sizes/strides/offset (new reference). */
static pts_tensor *view_as(const pts_tensor *t, int ndim, const int64_t *sizes, const int64_t *strides, int64_t offset)
{
    return pts_tensor_view_of(t->storage, t->dtype, ndim, sizes, strides, offset);
}

/* Can BLAS read the matrix (rows x cols, strides rs/cs) as stored?  Sets
 * *trans and *ld. */
static bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool *trans, int64_t *ld)
{
    if ((cs == 1 || cols == 1) && (rows == 1 || rs >= (cols > 1 ? cols : 1))) {
        *trans = false;
        *ld = rows == 1 ? (cols > 1 ? cols : 1) : rs;
        return *ld <= PTS_BLAS_MAX;
    }
    if ((rs == 1 || rows == 1) && (cols == 1 || cs >= (rows > 1 ? rows : 1))) {
        *trans = true;
        *ld = cols == 1 ? (rows > 1 ? rows : 1) : cs;
        return *ld <= PTS_BLAS_MAX;
    }
    return false;
}

/* ---- the batched GEMM --------------------------------------------------------- */

typedef struct bgemm {
    int dtype; /* PTS_FLOAT32, PTS_FLOAT64, PTS_COMPLEX64, PTS_COMPLEX128 or PTS_INT64 */
    int nbd;
    int64_t bsizes[PTS_MAX_DIMS], nb;
    int64_t M, N, K;
    const char *a, *b;
    char *c;
    int64_t abs_[PTS_MAX_DIMS], bbs[PTS_MAX_DIMS]; /* batch strides (elements) */
    int64_t ars, acs, brs, bcs;
    bool ta, tb;
    int64_t lda, ldb;
    double alpha, beta;
    double alpha_im, beta_im; /* imaginary parts (complex dtypes) */
    bool naive;               /* complex: ATen's small-bmm loop (see cplx_naive) */
    char *prod;               /* complex alpha/beta: A@B lands here first ([nb, M, N]) */
    int64_t ialpha, ibeta;
} bgemm;

/* A complex number argument (Scalar): real part and imaginary part. */
typedef struct cscalar {
    double re, im;
} cscalar;

static cscalar cs_of(pts_value v)
{
    cscalar c = {pts_arg_double(v), v.tag == PTS_T_COMPLEX ? v.u.c[1] : 0.0};
    return c;
}

static const cscalar CS_ONE = {1, 0}, CS_ZERO = {0, 0};

static bool cs_zero(cscalar c) { return c.re == 0 && c.im == 0; }

static void bgemm_offsets(const bgemm *g, int64_t bi, int64_t *ao, int64_t *bo)
{
    int64_t a = 0, b = 0;
    for (int d = g->nbd - 1; d >= 0; d--) {
        int64_t i = bi % g->bsizes[d];
        bi /= g->bsizes[d];
        a += i * g->abs_[d];
        b += i * g->bbs[d];
    }
    *ao = a;
    *bo = b;
}

static void bgemm_int(const bgemm *g, const int64_t *A, const int64_t *B, int64_t *C)
{
    for (int64_t i = 0; i < g->M; i++)
        for (int64_t j = 0; j < g->N; j++) {
            int64_t s = 0;
            for (int64_t k = 0; k < g->K; k++)
                s += A[i * g->ars + k * g->acs] * B[k * g->brs + j * g->bcs];
            int64_t c = g->ibeta == 0 ? 0 : g->ibeta * C[i * g->N + j];
            C[i * g->N + j] = c + g->ialpha * s;
        }
}

/* ATen's baddbmm_cpu_kernel for one complex matrix: per (i, j) acc = sum_k
 * A[i,k] * B[k,j] in k order with c10::complex's textbook product, then C =
 * acc (bmm: alpha 1, beta 0), alpha * acc (beta 0) or C * beta + alpha * acc,
 * each operation rounded to the dtype as ATen's complex<float> does. */
#define CPLX_NAIVE(T)                                                                                                  \
    {                                                                                                                  \
        const T *A = (const T *)g->a + 2 * ao, *B = (const T *)g->b + 2 * bo;                                       \
        T *C = (T *)g->c + 2 * co;                                                                                     \
        T ar = (T)g->alpha, ai = (T)g->alpha_im, br = (T)g->beta, bim = (T)g->beta_im;                                \
        bool bmm = ar == 1 && ai == 0 && br == 0 && bim == 0, b0 = br == 0 && bim == 0;                               \
        for (int64_t i = 0; i < g->M; i++)                                                                             \
            for (int64_t j = 0; j < g->N; j++) {                                                                       \
                T sr = 0, si = 0;                                                                                      \
                for (int64_t k = 0; k < g->K; k++) {                                                                   \
                    const T *x = A + 2 * (i * g->ars + k * g->acs), *y = B + 2 * (k * g->brs + j * g->bcs);            \
                    T pr = x[0] * y[0] - x[1] * y[1], pi = x[0] * y[1] + x[1] * y[0];                                  \
                    sr = sr + pr;                                                                                      \
                    si = si + pi;                                                                                      \
                }                                                                                                      \
                T *c = C + 2 * (i * g->N + j);                                                                         \
                if (bmm) {                                                                                             \
                    c[0] = sr;                                                                                         \
                    c[1] = si;                                                                                         \
                    continue;                                                                                          \
                }                                                                                                      \
                T qr = ar * sr - ai * si, qi = ar * si + ai * sr;                                                      \
                if (b0) {                                                                                              \
                    c[0] = qr;                                                                                         \
                    c[1] = qi;                                                                                         \
                } else {                                                                                               \
                    T rr = c[0] * br - c[1] * bim, ri = c[0] * bim + c[1] * br;                                        \
                    c[0] = rr + qr;                                                                                    \
                    c[1] = ri + qi;                                                                                    \
                }                                                                                                      \
            }                                                                                                          \
    }

static void cplx_naive(const bgemm *g, int64_t ao, int64_t bo, int64_t co)
{
    if (g->dtype == PTS_COMPLEX128)
        CPLX_NAIVE(double)
    else
        CPLX_NAIVE(float)
}

static void bgemm_one(const bgemm *g, int64_t bi, bool par)
{
    int64_t ao, bo, co = bi * g->M * g->N;
    bgemm_offsets(g, bi, &ao, &bo);
    if (g->dtype == PTS_FLOAT32) {
        const float *A = (const float *)g->a + ao, *B = (const float *)g->b + bo;
        float *C = (float *)g->c + co;
        (par ? pts_gemm_par_f32 : pts_gemm_f32)(g->ta, g->tb, g->M, g->N, g->K, (float)g->alpha, A, g->lda, B,
                                                g->ldb, (float)g->beta, C, g->N);
    } else if (g->dtype == PTS_FLOAT64) {
        const double *A = (const double *)g->a + ao, *B = (const double *)g->b + bo;
        double *C = (double *)g->c + co;
        (par ? pts_gemm_par_f64 : pts_gemm_f64)(g->ta, g->tb, g->M, g->N, g->K, g->alpha, A, g->lda, B, g->ldb,
                                                g->beta, C, g->N);
    } else if (g->dtype == PTS_COMPLEX64 || g->dtype == PTS_COMPLEX128) {
        bool dbl = g->dtype == PTS_COMPLEX128;
        size_t isz = dbl ? 16 : 8;
        if (g->naive)
            cplx_naive(g, ao, bo, co);
        else if (g->prod) /* complex alpha or beta: the plain product, combined by bgemm_run */
            pts_gemm_cplx(dbl, g->ta, g->tb, g->M, g->N, g->K, 1.0, g->a + (size_t)ao * isz, g->lda,
                          g->b + (size_t)bo * isz, g->ldb, 0.0, g->prod + (size_t)co * isz, g->N);
        else
            pts_gemm_cplx(dbl, g->ta, g->tb, g->M, g->N, g->K, g->alpha, g->a + (size_t)ao * isz, g->lda,
                          g->b + (size_t)bo * isz, g->ldb, g->beta, g->c + (size_t)co * isz, g->N);
    } else {
        bgemm_int(g, (const int64_t *)g->a + ao, (const int64_t *)g->b + bo, (int64_t *)g->c + co);
    }
}

static void bgemm_range(void *ctx, int64_t begin, int64_t end)
{
    for (int64_t i = begin; i < end; i++)
        bgemm_one(ctx, i, false);
}

/* Batch strides of t's leading dims, right-aligned to the nbd output batch
 * dims (0 where t broadcasts). */
static void batch_strides(const pts_tensor *t, int nbd, int64_t *out)
{
    int tb = t->ndim - 2;
    for (int d = 0; d < nbd; d++) {
        int td = d - (nbd - tb);
        out[d] = (td >= 0 && t->sizes[td] != 1) ? t->strides[td] : 0;
    }
}

/* Set up one side: BLAS layout of t, or a contiguous copy (kept in *keep)
 * when BLAS cannot read it.  Integer products read strides directly. */
static pts_status bgemm_side(pts_tensor *t, int dtype, pts_tensor **keep, bool *trans, int64_t *ld)
{
    int64_t r = t->sizes[t->ndim - 2], c = t->sizes[t->ndim - 1];
    *keep = NULL;
    *trans = false;
    *ld = c > 1 ? c : 1;
    if (dtype == PTS_INT64 || blas_layout(r, c, t->strides[t->ndim - 2], t->strides[t->ndim - 1], trans, ld))
        return PTS_OK;
    *trans = false;
    *ld = c > 1 ? c : 1;
    *keep = pts_tensor_contiguous_copy(t);
    return *keep ? PTS_OK : pts_err_last();
}

/* out[batch..., M, N] (contiguous, dtype = compute dtype, holding beta's C
 * when beta != 0) = alpha * a @ b + beta * out.  a: [..., M, K], b: [..., K, N]
 * (already of the compute dtype), batch dims broadcast to bsizes. */
/* C = alpha * P + beta * C elementwise (complex dtypes; beta == 0 ignores C;
 * alpha == 0 skips P, as torch's GEMM skips the product). */
#define CPLX_COMBINE(T)                                                                                                \
    {                                                                                                                  \
        T *C = (T *)g->c;                                                                                              \
        const T *P = (const T *)g->prod;                                                                               \
        T ar = (T)g->alpha, ai = (T)g->alpha_im, br = (T)g->beta, bim = (T)g->beta_im;                                \
        bool a0 = ar == 0 && ai == 0, b0 = br == 0 && bim == 0;                                                        \
        for (int64_t e = 0; e < n; e++) {                                                                              \
            T *c = C + 2 * e;                                                                                          \
            const T *p = P + 2 * e;                                                                                    \
            T rr = 0, ri = 0, qr = 0, qi = 0;                                                                          \
            if (!b0) {                                                                                                 \
                rr = br * c[0] - bim * c[1];                                                                           \
                ri = br * c[1] + bim * c[0];                                                                           \
            }                                                                                                          \
            if (!a0) {                                                                                                 \
                qr = ar * p[0] - ai * p[1];                                                                            \
                qi = ar * p[1] + ai * p[0];                                                                            \
            }                                                                                                          \
            c[0] = a0 ? rr : b0 ? qr : rr + qr;                                                                        \
            c[1] = a0 ? ri : b0 ? qi : ri + qi;                                                                        \
        }                                                                                                              \
    }

static void cplx_combine(const bgemm *g, int64_t n)
{
    if (g->dtype == PTS_COMPLEX128)
        CPLX_COMBINE(double)
    else
        CPLX_COMBINE(float)
}

static pts_status bgemm_run(pts_tensor *a, pts_tensor *b, int nbd, const int64_t *bsizes, pts_tensor *out,
                            cscalar alpha, cscalar beta)
{
    bgemm g;
    memset(&g, 0, sizeof g);
    g.dtype = out->dtype;
    g.nbd = nbd;
    g.nb = 1;
    for (int d = 0; d < nbd; d++) {
        g.bsizes[d] = bsizes[d];
        g.nb *= bsizes[d];
    }
    g.M = a->sizes[a->ndim - 2];
    g.K = a->sizes[a->ndim - 1];
    g.N = b->sizes[b->ndim - 1];
    if (g.nb == 0 || g.M == 0 || g.N == 0)
        return PTS_OK;
    if (!pts_blas_fits(g.M, g.N, g.K, 0))
        return pts_err_set(PTS_ERR_LIMIT, "matrix product too large for BLAS (%lld x %lld x %lld)", (long long)g.M,
                           (long long)g.K, (long long)g.N);
    pts_tensor *ka = NULL, *kb = NULL;
    pts_status st = bgemm_side(a, g.dtype, &ka, &g.ta, &g.lda);
    if (st == PTS_OK)
        st = bgemm_side(b, g.dtype, &kb, &g.tb, &g.ldb);
    if (st == PTS_OK) {
        pts_tensor *A = ka ? ka : a, *B = kb ? kb : b;
        batch_strides(A, nbd, g.abs_);
        batch_strides(B, nbd, g.bbs);
        g.ars = A->strides[A->ndim - 2];
        g.acs = A->strides[A->ndim - 1];
        g.brs = B->strides[B->ndim - 2];
        g.bcs = B->strides[B->ndim - 1];
        g.a = pts_tensor_data(A);
        g.b = pts_tensor_data(B);
        g.c = pts_tensor_data(out);
        g.alpha = alpha.re;
        g.beta = beta.re;
        g.alpha_im = alpha.im;
        g.beta_im = beta.im;
        g.ialpha = (int64_t)alpha.re;
        g.ibeta = (int64_t)beta.re;
        bool cplx = g.dtype == PTS_COMPLEX64 || g.dtype == PTS_COMPLEX128;
        pts_tensor *prod = NULL;
        /* ATen: small bmm/baddbmm and every matrix-vector product (its own gemv
         * loop for complex) accumulate k in order; bigger batches and mm go to BLAS */
        g.naive = cplx && ((nbd > 0 && g.K * g.M * g.N < 400) || (nbd == 0 && g.N == 1));
        if (cplx && !g.naive && (alpha.im != 0 || beta.im != 0)) {
            int64_t psz[3] = {g.nb, g.M, g.N};
            if (!(prod = pts_tensor_zeros(g.dtype, 3, psz))) {
                st = pts_err_last();
                goto out;
            }
            g.prod = pts_tensor_data(prod);
        }
        if (g.nb == 1) {
            bgemm_one(&g, 0, true);
        } else {
            double work = (double)g.M * (double)g.N * (double)(g.K + 1);
            int64_t grain = work >= 65536.0 ? 1 : (int64_t)(65536.0 / work) + 1;
            pts_parallel_for(g.nb, grain, bgemm_range, &g);
        }
        if (prod) {
            cplx_combine(&g, g.nb * g.M * g.N);
            pts_obj_release(&prod->hdr);
        }
    }
out:
    if (ka)
        pts_obj_release(&ka->hdr);
    if (kb)
        pts_obj_release(&kb->hdr);
    return st;
}

/* ---- dtype plumbing --------------------------------------------------------------- */

/* The dtype products are computed in: float32/float64, or int64 for
 * integers; -1 for dtypes matmul does not support. */
static int product_dtype(int dt)
{
    int cd = pts_nn_compute_dtype(dt);
    if (cd >= 0)
        return cd;
    if (dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128) /* cgemm / zgemm */
        return dt;
    const pts_dtype_info *di = pts_dtype_get(dt);
    return di && di->is_int ? PTS_INT64 : -1;
}

static pts_status same_dtype(const char *op, const pts_tensor *a, const pts_tensor *b)
{
    if (a->dtype != b->dtype) {
        const pts_dtype_info *x = pts_dtype_get(a->dtype), *y = pts_dtype_get(b->dtype);
        return pts_err_set(PTS_ERR_TYPE, "%s: expected both arguments to have the same dtype, but got: %s != %s", op,
                           x ? x->name : "?", y ? y->name : "?");
    }
    return PTS_OK;
}

/* A tensor of compute dtype cd with t's values (t itself when it already
 * has it: strides are dealt with by bgemm).  New reference. */
static pts_tensor *as_compute(pts_tensor *t, int cd)
{
    if (t->dtype == cd) {
        pts_obj_retain(&t->hdr);
        return t;
    }
    return pts_nn_contig(t, cd);
}

/* Can init be broadcast to `sizes` (it may not add dims)? */
static bool init_fits(const pts_tensor *init, int ndim, const int64_t *sizes)
{
    if (init->ndim > ndim)
        return false;
    for (int d = 0; d < init->ndim; d++) {
        int64_t s = init->sizes[d], o = sizes[d + ndim - init->ndim];
        if (s != o && s != 1)
            return false;
    }
    return true;
}

/* Output of compute dtype cd with `ndim` sizes; if init is given (beta != 0)
 * it is broadcast into the output first. */
static pts_tensor *new_out(int cd, int ndim, const int64_t *sizes, pts_tensor *init)
{
    pts_tensor *o = init ? pts_tensor_empty(cd, ndim, sizes) : pts_tensor_zeros(cd, ndim, sizes);
    if (!o || !init)
        return o;
    /* expand init to the output shape */
    int64_t st[PTS_MAX_DIMS];
    if (init->ndim > ndim)
        goto bad;
    for (int d = 0; d < ndim; d++) {
        int id = d - (ndim - init->ndim);
        if (id < 0) {
            st[d] = 0;
        } else if (init->sizes[id] == sizes[d]) {
            st[d] = init->sizes[id] == 1 ? 0 : init->strides[id];
        } else if (init->sizes[id] == 1) {
            st[d] = 0;
        } else {
            goto bad;
        }
    }
    pts_tensor *ex = view_as(init, ndim, sizes, st, init->offset);
    if (!ex)
        goto fail;
    pts_status s = (cd == PTS_COMPLEX64 || cd == PTS_COMPLEX128) ? pts_tensor_copy_into(o, ex, "addmm")
                                                                 : pts_nn_copy_into(o, ex);
    pts_obj_release(&ex->hdr);
    if (s != PTS_OK)
        goto fail;
    return o;
bad:
    pts_err_set(PTS_ERR_VALUE, "the input tensor of the sum cannot be broadcast to the product's shape");
fail:
    pts_obj_release(&o->hdr);
    return NULL;
}

/* Finish: cast the compute-dtype result to dt and store it in rets[0]. */
static pts_status finish(pts_tensor *o, int dt, pts_value *rets)
{
    o = pts_nn_cast(o, dt);
    if (!o)
        return pts_err_last();
    rets[0] = pts_ret_tensor(o);
    return PTS_OK;
}

/* The general product: out = alpha * a @ b + beta * init, where a and b are
 * at least 2-D and batch dims broadcast; drop_m / drop_n remove the M or N
 * dim of the result (1-D operands of matmul). */
static pts_status product(const char *op, pts_tensor *a, pts_tensor *b, pts_tensor *init, cscalar alpha, cscalar beta,
                          bool drop_m, bool drop_n, pts_value *rets)
{
    PTS_TRY(same_dtype(op, a, b));
    if (init) /* torch checks self's dtype and shape even when beta == 0 ignores its values */
        PTS_TRY(same_dtype(op, init, a));
    int dt = a->dtype, cd = product_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    if (a->sizes[a->ndim - 1] != b->sizes[b->ndim - 2])
        return pts_err_set(PTS_ERR_VALUE, "%s: mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)", op,
                           (long long)a->sizes[a->ndim - 2], (long long)a->sizes[a->ndim - 1],
                           (long long)b->sizes[b->ndim - 2], (long long)b->sizes[b->ndim - 1]);
    /* broadcast batch dims */
    int na = a->ndim - 2, nb = b->ndim - 2, nbd = na > nb ? na : nb;
    int64_t bs[PTS_MAX_DIMS + 2];
    for (int d = 0; d < nbd; d++) {
        int ia = d - (nbd - na), ib = d - (nbd - nb);
        int64_t sa = ia >= 0 ? a->sizes[ia] : 1, sb = ib >= 0 ? b->sizes[ib] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: batch dimensions %lld and %lld cannot be broadcast", op,
                               (long long)sa, (long long)sb);
        bs[d] = sa == 1 ? sb : sa;
    }
    bs[nbd] = a->sizes[a->ndim - 2];
    bs[nbd + 1] = b->sizes[b->ndim - 1];
    if (init && !init_fits(init, nbd + 2, bs))
        return pts_err_set(PTS_ERR_VALUE, "%s: the input tensor of the sum cannot be broadcast to the product's shape",
                           op);
    pts_tensor *ca = as_compute(a, cd), *cb = ca ? as_compute(b, cd) : NULL, *ci = NULL;
    pts_tensor *o = NULL;
    pts_status st = PTS_OK;
    if (!cb)
        goto fail;
    if (init && !cs_zero(beta) && !(ci = as_compute(init, cd)))
        goto fail;
    o = new_out(cd, nbd + 2, bs, ci);
    if (!o)
        goto fail;
    st = bgemm_run(ca, cb, nbd, bs, o, alpha, ci ? beta : CS_ZERO);
    if (st != PTS_OK)
        goto done;
    if (drop_m || drop_n) { /* reshape the contiguous result in place */
        int nd = nbd;
        int64_t sz[PTS_MAX_DIMS + 2];
        memcpy(sz, bs, sizeof(int64_t) * (size_t)nbd);
        if (!drop_m)
            sz[nd++] = bs[nbd];
        if (!drop_n)
            sz[nd++] = bs[nbd + 1];
        o->ndim = nd;
        memcpy(o->sizes, sz, sizeof(int64_t) * (size_t)nd);
        pts_contiguous_strides(nd, o->sizes, o->strides);
    }
    st = finish(o, dt, rets);
    o = NULL;
    goto done;
fail:
    st = pts_err_last();
done:
    if (o)
        pts_obj_release(&o->hdr);
    if (ca)
        pts_obj_release(&ca->hdr);
    if (cb)
        pts_obj_release(&cb->hdr);
    if (ci)
        pts_obj_release(&ci->hdr);
    return st;
}

/* t with a size-1 dim inserted at `pos` (view). */
static pts_tensor *unsqueeze(const pts_tensor *t, int pos)
{
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS];
    if (t->ndim >= PTS_MAX_DIMS) {
        pts_err_set(PTS_ERR_LIMIT, "too many dimensions");
        return NULL;
    }
    for (int d = 0, o = 0; d <= t->ndim; d++) {
        if (d == pos) {
            sz[d] = 1;
            st[d] = 1;
            continue;
        }
        sz[d] = t->sizes[o];
        st[d] = t->strides[o];
        o++;
    }
    return view_as(t, t->ndim + 1, sz, st, t->offset);
}

/* product() for operands that may be 1-D vectors (made matrices here). */
static pts_status product_vec(const char *op, pts_tensor *a, pts_tensor *b, pts_tensor *init, cscalar alpha,
                              cscalar beta, pts_value *rets)
{
    bool va = a->ndim == 1, vb = b->ndim == 1;
    pts_tensor *ua = va ? unsqueeze(a, 0) : a, *ub = NULL;
    if (!ua)
        return pts_err_last();
    ub = vb ? unsqueeze(b, 1) : b;
    pts_status st = ub ? product(op, ua, ub, init, alpha, beta, va, vb, rets) : pts_err_last();
    if (va)
        pts_obj_release(&ua->hdr);
    if (vb && ub)
        pts_obj_release(&ub->hdr);
    return st;
}

static pts_status need_dims(const char *op, const char *what, const pts_tensor *t, int nd)
{
    if (t->ndim != nd)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s must be a %d-D tensor (got %d-D)", op, what, nd, t->ndim);
    return PTS_OK;
}

/* ---- kernels ------------------------------------------------------------------------- */

/* aten::mm(Tensor self, Tensor mat2) -> Tensor */
PTS_KERNEL(k_mm)
{
    pts_tensor *self = a->self, *mat2 = a->mat2;
    PTS_TRY(need_dims("mm", "self", self, 2));
    PTS_TRY(need_dims("mm", "mat2", mat2, 2));
    return product("mm", self, mat2, NULL, CS_ONE, CS_ZERO, false, false, rets);
}

/* aten::bmm(Tensor self, Tensor mat2) -> Tensor */
PTS_KERNEL(k_bmm)
{
    pts_tensor *self = a->self, *mat2 = a->mat2;
    PTS_TRY(need_dims("bmm", "batch1", self, 3));
    PTS_TRY(need_dims("bmm", "batch2", mat2, 3));
    if (self->sizes[0] != mat2->sizes[0])
        return pts_err_set(PTS_ERR_VALUE, "bmm: batch sizes differ (%lld and %lld)", (long long)self->sizes[0],
                           (long long)mat2->sizes[0]);
    return product("bmm", self, mat2, NULL, CS_ONE, CS_ZERO, false, false, rets);
}

/* Rows of t's leading dims merged into one, if the strides allow it:
 * t [d0.., dn-2, K] -> [R, K] with row stride *rs. */
static bool fold_rows(const pts_tensor *t, int64_t *rows, int64_t *rs)
{
    int64_t r = 1, stride = 0;
    bool have = false;
    for (int d = t->ndim - 2; d >= 0; d--) {
        if (t->sizes[d] == 1)
            continue;
        if (!have) {
            stride = t->strides[d];
            have = true;
        } else if (t->strides[d] != stride * r) {
            return false;
        }
        r *= t->sizes[d];
    }
    if (!have)
        stride = t->sizes[t->ndim - 1];
    *rows = r;
    *rs = r == 0 ? 1 : stride;
    return true;
}

/* a [..., K] (ndim >= 3) @ b [K, N]: one GEMM over the folded rows. */
static pts_status matmul_folded(pts_tensor *a, pts_tensor *b, pts_tensor *init, bool drop_n, pts_value *rets,
                                bool *done)
{
    int64_t rows, rs;
    *done = false;
    if (!fold_rows(a, &rows, &rs))
        return PTS_OK;
    int64_t sz[2] = {rows, a->sizes[a->ndim - 1]}, st[2] = {rs, a->strides[a->ndim - 1]};
    pts_tensor *fa = view_as(a, 2, sz, st, a->offset);
    if (!fa)
        return pts_err_last();
    pts_tensor *fb = b->ndim == 1 ? unsqueeze(b, 1) : b;
    pts_status s = fb ? product("matmul", fa, fb, init, CS_ONE, init ? CS_ONE : CS_ZERO, false, drop_n, rets) : pts_err_last();
    pts_obj_release(&fa->hdr);
    if (fb && fb != b)
        pts_obj_release(&fb->hdr);
    if (s != PTS_OK)
        return s;
    /* reshape [rows(, N)] to [a's leading dims(, N)] */
    pts_tensor *o = PTS_TENSOR(rets[0]);
    int nd = a->ndim - 1;
    for (int d = 0; d < nd; d++)
        o->sizes[d] = a->sizes[d];
    if (!drop_n)
        o->sizes[nd++] = b->sizes[b->ndim - 1];
    o->ndim = nd;
    pts_contiguous_strides(nd, o->sizes, o->strides);
    *done = true;
    return PTS_OK;
}

/* aten::matmul(Tensor self, Tensor other) -> Tensor */
PTS_KERNEL(k_matmul)
{
    pts_tensor *self = a->self, *other = a->other;
    if (self->ndim == 0 || other->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "both arguments to matmul need to be at least 1D, but they are %dD and %dD",
                           self->ndim, other->ndim);
    if (self->ndim >= 3 && other->ndim <= 2) {
        bool done;
        PTS_TRY(matmul_folded(self, other, NULL, other->ndim == 1, rets, &done));
        if (done)
            return PTS_OK;
    }
    return product_vec("matmul", self, other, NULL, CS_ONE, CS_ZERO, rets);
}

/* aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor */
PTS_KERNEL(k_addmm)
{
    cscalar alpha = cs_of(a->alpha), beta = cs_of(a->beta);
    pts_tensor *self = a->self, *mat1 = a->mat1, *mat2 = a->mat2;
    PTS_TRY(need_dims("addmm", "mat1", mat1, 2));
    PTS_TRY(need_dims("addmm", "mat2", mat2, 2));
    return product("addmm", mat1, mat2, self, alpha, beta, false, false, rets);
}

/* aten::baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor */
PTS_KERNEL(k_baddbmm)
{
    pts_tensor *self = a->self, *batch1 = a->batch1, *batch2 = a->batch2;
    PTS_TRY(need_dims("baddbmm", "batch1", batch1, 3));
    PTS_TRY(need_dims("baddbmm", "batch2", batch2, 3));
    if (batch1->sizes[0] != batch2->sizes[0])
        return pts_err_set(PTS_ERR_VALUE, "baddbmm: batch sizes differ (%lld and %lld)", (long long)batch1->sizes[0],
                           (long long)batch2->sizes[0]);
    cscalar calpha = cs_of(a->alpha);
    double alpha = calpha.re;
    PTS_TRY(product("baddbmm", batch1, batch2, self, calpha, cs_of(a->beta), false, false, rets));
    /* ATen computes small floating baddbmm (K*M*N < 400) in a plain loop as
     * beta * self + alpha * acc, so with alpha == 0 a NaN or inf product still
     * gives NaN there; bigger ones go through GEMM, which skips the product. */
    int64_t M = batch1->sizes[1], K = batch1->sizes[2], N = batch2->sizes[2];
    if (alpha != 0 || K == 0 || K * M * N >= 400 || pts_nn_compute_dtype(batch1->dtype) < 0)
        return PTS_OK;
    pts_value prod[1];
    PTS_TRY(product("baddbmm", batch1, batch2, NULL, CS_ONE, CS_ZERO, false, false, prod));
    pts_tensor *p = pts_nn_contig(PTS_TENSOR(prod[0]), PTS_FLOAT64);
    pts_value_release(prod[0]);
    pts_tensor *o = p ? pts_nn_contig(PTS_TENSOR(rets[0]), PTS_FLOAT64) : NULL;
    if (!o) {
        if (p)
            pts_obj_release(&p->hdr);
        return pts_err_last();
    }
    const double *pv = pts_tensor_data(p);
    double *ov = pts_tensor_data(o);
    for (int64_t i = 0, n = pts_tensor_numel(o); i < n; i++)
        if (!isfinite(pv[i]))
            ov[i] = NAN;
    pts_obj_release(&p->hdr);
    int dt = PTS_TENSOR(rets[0])->dtype;
    pts_value_release(rets[0]);
    o = pts_nn_cast(o, dt);
    if (!o)
        return pts_err_last();
    rets[0] = pts_ret_tensor(o);
    return PTS_OK;
}

/* batch (3-D) as the matrix [rows, B * inner] whose row r holds batch b's row
 * r at columns b*inner.. (a contiguous copy): transpose_first puts dim 1
 * first ([M, B, K] -> [M, B*K]); otherwise dims stay ([B, K, N] -> [B*K, N]). */
static pts_tensor *fold_batch(const pts_tensor *t, bool transpose_first)
{
    int64_t sz[3], st[3];
    int order[3] = {transpose_first ? 1 : 0, transpose_first ? 0 : 1, 2};
    for (int d = 0; d < 3; d++) {
        sz[d] = t->sizes[order[d]];
        st[d] = t->strides[order[d]];
    }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, 3, sz, st, t->offset);
    pts_tensor *c = v ? pts_tensor_contiguous_copy(v) : NULL;
    if (v)
        pts_obj_release(&v->hdr);
    if (!c)
        return NULL;
    int64_t rows = transpose_first ? sz[0] : sz[0] * sz[1], cols = transpose_first ? sz[1] * sz[2] : sz[2];
    c->ndim = 2;
    c->sizes[0] = rows;
    c->sizes[1] = cols;
    pts_contiguous_strides(2, c->sizes, c->strides);
    return c;
}

/* aten::addbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor
 * beta * self + alpha * sum_b batch1[b] @ batch2[b]: one GEMM over the
 * concatenated reduction (B*K terms), so alpha == 0 skips the product and
 * beta == 0 ignores self, as torch does (NaN or inf in them never reaches the
 * result). */
PTS_KERNEL(k_addbmm)
{
    pts_tensor *self = a->self, *batch1 = a->batch1, *batch2 = a->batch2;
    PTS_TRY(need_dims("addbmm", "batch1", batch1, 3));
    PTS_TRY(need_dims("addbmm", "batch2", batch2, 3));
    if (batch1->sizes[0] != batch2->sizes[0])
        return pts_err_set(PTS_ERR_VALUE, "batch1 and batch2 must have same number of batches, got %lld and %lld",
                           (long long)batch1->sizes[0], (long long)batch2->sizes[0]);
    if (batch1->sizes[2] != batch2->sizes[1])
        return pts_err_set(PTS_ERR_VALUE, "Incompatible matrix sizes for bmm (%lldx%lld and %lldx%lld)",
                           (long long)batch1->sizes[1], (long long)batch1->sizes[2], (long long)batch2->sizes[1],
                           (long long)batch2->sizes[2]);
    PTS_TRY(same_dtype("addbmm", batch1, batch2));
    pts_tensor *m1 = fold_batch(batch1, true), *m2 = m1 ? fold_batch(batch2, false) : NULL;
    pts_status st = m2 ? product("addbmm", m1, m2, self, cs_of(a->alpha), cs_of(a->beta), false, false, rets)
                       : pts_err_last();
    if (m1)
        pts_obj_release(&m1->hdr);
    if (m2)
        pts_obj_release(&m2->hdr);
    return st;
}

/* Element (i, j) of t broadcast to [n, m] (t has at most 2 dims). */
static const char *at2(const pts_tensor *t, int64_t i, int64_t j)
{
    int64_t off = t->offset;
    if (t->ndim == 2)
        off += (t->sizes[0] == 1 ? 0 : i * t->strides[0]) + (t->sizes[1] == 1 ? 0 : j * t->strides[1]);
    else if (t->ndim == 1)
        off += t->sizes[0] == 1 ? 0 : j * t->strides[0];
    return (const char *)t->storage->data + off * (int64_t)pts_dtype_get(t->dtype)->itemsize;
}

/* addr for complex64/complex128, ATen's addr_kernel in the dtype's own
 * precision, op by op: (alpha * vec1[i]) * vec2[j], plus beta * self[i, j]
 * unless beta == 0 (which ignores self), with c10::complex's product. */
#define ADDR_CPLX(T)                                                                                                   \
    {                                                                                                                  \
        const T *x = pts_tensor_data(x1), *y = pts_tensor_data(y1);                                                    \
        T *o = pts_tensor_data(r);                                                                                     \
        T ar = (T)alpha.re, ai = (T)alpha.im, br = (T)beta.re, bi = (T)beta.im;                                        \
        for (int64_t i = 0; i < n; i++)                                                                                \
            for (int64_t j = 0; j < m; j++) {                                                                          \
                const T *xv = x + 2 * i, *yv = y + 2 * j, *sv = (const T *)at2(s1, i, j);                              \
                T tr = ar * xv[0] - ai * xv[1], ti = ar * xv[1] + ai * xv[0];                                          \
                T ur = tr * yv[0] - ti * yv[1], ui = tr * yv[1] + ti * yv[0];                                          \
                if (!bzero) {                                                                                          \
                    T wr = br * sv[0] - bi * sv[1], wi = br * sv[1] + bi * sv[0];                                      \
                    ur = wr + ur;                                                                                      \
                    ui = wi + ui;                                                                                      \
                }                                                                                                      \
                o[2 * (i * m + j)] = ur;                                                                               \
                o[2 * (i * m + j) + 1] = ui;                                                                           \
            }                                                                                                          \
    }

static pts_status addr_complex(pts_tensor *self, pts_tensor *v1, pts_tensor *v2, int dt, cscalar beta, cscalar alpha,
                               pts_value *rets)
{
    int64_t n = v1->sizes[0], m = v2->sizes[0], sz[2] = {n, m};
    bool bzero = cs_zero(beta);
    pts_tensor *s1 = pts_tensor_as_contiguous(self, dt), *x1 = s1 ? pts_tensor_as_contiguous(v1, dt) : NULL;
    pts_tensor *y1 = x1 ? pts_tensor_as_contiguous(v2, dt) : NULL, *r = y1 ? pts_tensor_empty(dt, 2, sz) : NULL;
    pts_status st = PTS_OK;
    if (!r) {
        st = pts_err_last();
    } else {
        if (dt == PTS_COMPLEX128)
            ADDR_CPLX(double)
        else
            ADDR_CPLX(float)
        rets[0] = pts_ret_tensor(r);
    }
    if (s1)
        pts_obj_release(&s1->hdr);
    if (x1)
        pts_obj_release(&x1->hdr);
    if (y1)
        pts_obj_release(&y1->hdr);
    return st;
}

/* aten::addr(Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor
 * beta * self + alpha * outer(vec1, vec2), elementwise as ATen computes it:
 * (alpha * vec1[i]) * vec2[j], plus beta * self[i, j] unless beta == 0, which
 * ignores self.  alpha == 0 still multiplies (a NaN or inf in vec1 or vec2
 * gives NaN, as in torch).  Floating dtypes compute in their own precision
 * (float16 in float, rounded once); integers in int64 (a float beta or alpha
 * is refused); bool as (beta and self) or (alpha and vec1 and vec2). */
PTS_KERNEL(k_addr)
{
    pts_tensor *self = a->self, *v1 = a->vec1, *v2 = a->vec2;
    if (v1->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "addr: Expected 1-D argument vec1, but got %d-D", v1->ndim);
    if (v2->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "addr: Expected 1-D argument vec2, but got %d-D", v2->ndim);
    int64_t n = v1->sizes[0], m = v2->sizes[0], sz[2] = {n, m};
    if (self->ndim > 2 || !init_fits(self, 2, sz))
        return pts_err_set(PTS_ERR_VALUE, "addr: the input tensor of the sum cannot be broadcast to the outer "
                                          "product's shape [%lld, %lld]", (long long)n, (long long)m);
    /* elementwise, so the operands' dtypes promote (TensorIterator) */
    int dt = pts_promote_types(pts_promote_types(self->dtype, v1->dtype), v2->dtype);
    const pts_dtype_info *di = dt >= 0 ? pts_dtype_get(dt) : NULL;
    if (di && (dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128))
        return addr_complex(self, v1, v2, dt, cs_of(a->beta), cs_of(a->alpha), rets);
    if (!di || di->is_complex || di->itemsize == 0)
        return pts_nn_bad_dtype("addr", dt >= 0 ? dt : self->dtype);
    pts_value bv = a->beta, av = a->alpha;
    bool floating = di->is_float;
    if (dt == PTS_BOOL) {
        if (bv.tag == PTS_T_FLOAT || av.tag == PTS_T_FLOAT)
            return pts_err_set(PTS_ERR_TYPE, "Boolean beta only supported for Boolean results.");
    } else if (!floating && (bv.tag == PTS_T_FLOAT || av.tag == PTS_T_FLOAT)) {
        return pts_err_set(PTS_ERR_TYPE, bv.tag == PTS_T_FLOAT
                                             ? "For integral input tensors, argument beta must not be a floating point number."
                                             : "For integral input tensors, argument alpha must not be a floating point number.");
    }
    /* floating operands as float64 (exact), integers and bool as int64 */
    pts_tensor *o = NULL;
    double beta = pts_arg_double(bv), alpha = pts_arg_double(av);
    int64_t ib = pts_arg_int(bv), ia = pts_arg_int(av);
    pts_tensor *s64 = NULL, *x64 = NULL, *y64 = NULL;
    int wd = floating ? PTS_FLOAT64 : PTS_INT64;
    s64 = pts_nn_contig(self, wd);
    x64 = s64 ? pts_nn_contig(v1, wd) : NULL;
    y64 = x64 ? pts_nn_contig(v2, wd) : NULL;
    pts_tensor *r = y64 ? pts_tensor_empty(wd, 2, sz) : NULL;
    pts_status st = PTS_OK;
    if (!r) {
        st = pts_err_last();
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            if (wd == PTS_FLOAT64) {
                double x = ((const double *)pts_tensor_data(x64))[i], y = ((const double *)pts_tensor_data(y64))[j];
                double s = *(const double *)at2(s64, i, j), v;
                if (dt == PTS_FLOAT32) { /* ATen's float arithmetic, op by op */
                    float t = (float)alpha * (float)x;
                    t = t * (float)y;
                    v = beta == 0 ? t : (float)((float)beta * (float)s) + t;
                } else if (dt != PTS_FLOAT64) { /* float16 / bfloat16: each op rounds to the dtype */
                    float al = pts_nn_round(dt, (float)alpha), be = pts_nn_round(dt, (float)beta);
                    float t = pts_nn_round(dt, al * (float)x);
                    t = pts_nn_round(dt, t * (float)y);
                    v = beta == 0 ? t : pts_nn_round(dt, pts_nn_round(dt, be * (float)s) + t);
                } else {
                    double t = alpha * x * y;
                    v = beta == 0 ? t : beta * s + t;
                }
                ((double *)pts_tensor_data(r))[i * m + j] = v;
            } else {
                int64_t x = ((const int64_t *)pts_tensor_data(x64))[i], y = ((const int64_t *)pts_tensor_data(y64))[j];
                int64_t s = *(const int64_t *)at2(s64, i, j), v;
                if (dt == PTS_BOOL)
                    v = (ib && s) || (ia && x && y);
                else /* wrap-around as ATen's integer arithmetic (done unsigned: no UB) */
                    v = (int64_t)((uint64_t)(ib == 0 ? 0 : (uint64_t)ib * (uint64_t)s) +
                                  (uint64_t)ia * (uint64_t)x * (uint64_t)y);
                ((int64_t *)pts_tensor_data(r))[i * m + j] = v;
            }
        }
    o = pts_nn_cast(r, dt);
    r = NULL;
    if (!o) {
        st = pts_err_last();
        goto done;
    }
    rets[0] = pts_ret_tensor(o);
    o = NULL;
done:
    if (o)
        pts_obj_release(&o->hdr);
    if (r)
        pts_obj_release(&r->hdr);
    if (s64)
        pts_obj_release(&s64->hdr);
    if (x64)
        pts_obj_release(&x64->hdr);
    if (y64)
        pts_obj_release(&y64->hdr);
    return st;
}

/* aten::addmv(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor */
PTS_KERNEL(k_addmv)
{
    cscalar alpha = cs_of(a->alpha), beta = cs_of(a->beta);
    pts_tensor *self = a->self, *mat = a->mat, *vec = a->vec;
    PTS_TRY(need_dims("addmv", "mat", mat, 2));
    PTS_TRY(need_dims("addmv", "vec", vec, 1));
    if (self->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "addmv: self must be 0-D or 1-D (got %d-D)", self->ndim);
    /* self as a column [M, 1] (or broadcast scalar) */
    pts_tensor *cs = self->ndim == 1 ? unsqueeze(self, 1) : self;
    if (!cs)
        return pts_err_last();
    pts_tensor *cv = unsqueeze(vec, 1);
    pts_status st = cv ? product("addmv", mat, cv, cs, alpha, beta, false, true, rets)
                       : pts_err_last();
    if (cv)
        pts_obj_release(&cv->hdr);
    if (cs != self)
        pts_obj_release(&cs->hdr);
    return st;
}

/* aten::mv(Tensor self, Tensor vec) -> Tensor */
PTS_KERNEL(k_mv)
{
    pts_tensor *self = a->self, *vec = a->vec;
    PTS_TRY(need_dims("mv", "self", self, 2));
    PTS_TRY(need_dims("mv", "vec", vec, 1));
    return product_vec("mv", self, vec, NULL, CS_ONE, CS_ZERO, rets);
}

/* aten::dot(Tensor self, Tensor tensor) -> Tensor */
PTS_KERNEL(k_dot)
{
    pts_tensor *self = a->self, *tensor = a->tensor;
    if (self->ndim != 1 || tensor->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "1D tensors expected, but got %dD and %dD tensors", self->ndim, tensor->ndim);
    if (self->sizes[0] != tensor->sizes[0])
        return pts_err_set(PTS_ERR_VALUE,
                           "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have the same number of elements, but got %lld and %lld elements respectively",
                           (long long)self->sizes[0], (long long)tensor->sizes[0], (long long)self->sizes[0], (long long)tensor->sizes[0]);
    return product_vec("dot", self, tensor, NULL, CS_ONE, CS_ZERO, rets); /* both dims dropped: 0-d */
}

/* aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor */
PTS_KERNEL(k_linear)
{
    pts_tensor *x = a->input, *w = a->weight, *bias = a->bias;
    if (x->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "linear: input must be at least 1-D");
    if (w->ndim != 2 && w->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "linear: weight must be 1-D or 2-D (got %d-D)", w->ndim);
    /* ATen computes a 2-D input with bias, and a contiguous input with a
     * bias of 1 or more dims, as addmm(bias, input flattened to 2-D,
     * weight.t()): the weight must be 2-D and the bias broadcast to the 2-D
     * product.  Otherwise it adds the bias in place to matmul's result, so
     * the bias may not grow the output's shape. */
    if (bias) {
        bool contig = pts_tensor_numel(x) == 0 || pts_tensor_is_contiguous(x);
        int64_t osz[PTS_MAX_DIMS];
        int ond;
        if (x->ndim == 2 || (contig && bias->ndim >= 1)) {
            if (w->ndim != 2)
                return pts_err_set(PTS_ERR_VALUE, "linear: mat2 must be a matrix, got 1-D tensor");
            osz[0] = 1;
            for (int d = 0; d < x->ndim - 1; d++)
                osz[0] *= x->sizes[d];
            osz[1] = w->sizes[0];
            ond = 2;
        } else {
            ond = x->ndim - 1;
            memcpy(osz, x->sizes, sizeof(int64_t) * (size_t)ond);
            if (w->ndim == 2)
                osz[ond++] = w->sizes[0];
        }
        if (!init_fits(bias, ond, osz))
            return pts_err_set(PTS_ERR_VALUE, "linear: the bias (%d dims) cannot be broadcast to the output", bias->ndim);
    }
    /* weight^T as a view: [K, N] */
    pts_tensor *wt;
    if (w->ndim == 2) {
        int64_t sz[2] = {w->sizes[1], w->sizes[0]}, st[2] = {w->strides[1], w->strides[0]};
        wt = view_as(w, 2, sz, st, w->offset);
    } else {
        pts_obj_retain(&w->hdr);
        wt = w;
    }
    if (!wt)
        return pts_err_last();
    pts_status s;
    bool done = false;
    if (x->ndim >= 3 && wt->ndim == 2 && (!bias || bias->ndim <= 2)) {
        s = matmul_folded(x, wt, bias, false, rets, &done);
        if (s == PTS_OK && !done) {
            pts_tensor *xc = pts_tensor_contiguous_copy(x);
            s = xc ? matmul_folded(xc, wt, bias, false, rets, &done) : pts_err_last();
            if (xc)
                pts_obj_release(&xc->hdr);
        }
    } else {
        s = product_vec("linear", x, wt, bias, CS_ONE, bias ? CS_ONE : CS_ZERO, rets);
    }
    pts_obj_release(&wt->hdr);
    return s;
}

const pts_op_def pts_ops_matmul[] = {
    PTS_OP("aten::mm(Tensor self, Tensor mat2) -> Tensor", k_mm),
    PTS_OP("aten::bmm(Tensor self, Tensor mat2) -> Tensor", k_bmm),
    PTS_OP("aten::matmul(Tensor self, Tensor other) -> Tensor", k_matmul),
    PTS_OP("aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", k_addmm),
    PTS_OP("aten::baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", k_baddbmm),
    PTS_OP("aten::addmv(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor", k_addmv),
    PTS_OP("aten::addbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", k_addbmm),
    PTS_OP("aten::addr(Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", k_addr),
    PTS_OP("aten::mv(Tensor self, Tensor vec) -> Tensor", k_mv),
    PTS_OP("aten::dot(Tensor self, Tensor tensor) -> Tensor", k_dot),
    PTS_OP("aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor", k_linear),
    {NULL, NULL},
};
