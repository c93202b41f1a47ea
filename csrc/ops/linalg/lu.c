/* lu.c - the LU family, through LAPACK's getrf/getrs (lapack.h): inverse,
 * det/slogdet/logdet, linalg_solve (+ _ex), the triangular solves (BLAS trsm),
 * linalg_lu_factor (+ _ex), linalg_lu, lu_unpack, lu_solve / linalg_lu_solve.
 * Results are Fortran batches (column-major matrices), as torch returns them;
 * errors and `info` codes are torch's (LAPACK's info, first failing batch). */
#include "ops/linalg/lapack.h"
#include "ops/nn/gemm.h"

static const char *INV_MSG = "The diagonal element %d is zero, the inversion could not be completed because the input "
                             "matrix is singular.";
static const char *SOLVE_MSG = "The solver failed because the input matrix is singular.";
static const char *LU_MSG = "U[%d,%d] is zero and using it on lu_solve would result in a division by zero. If you still "
                            "want to perform the factorization, consider calling linalg.lu(A, pivot) or "
                            "linalg.lu_factor_ex(A, pivot)";

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* LU-factor every matrix of the Fortran batch lu in place: *piv (int32 [batch..., min(m,n)], 1-based
 * as LAPACK's) and *info (int32 [batch...]) are new references. */
static pts_status lu_factor(pts_tensor *lu, pts_tensor **piv, pts_tensor **info)
{
    int nd = lu->ndim, dt = lu->dtype;
    int64_t m = lu->sizes[nd - 2], n = lu->sizes[nd - 1], k = m < n ? m : n;
    int64_t psz[PTS_MAX_DIMS];
    memcpy(psz, lu->sizes, sizeof(int64_t) * (size_t)(nd - 2));
    psz[nd - 2] = k;
    *piv = pts_tensor_zeros(PTS_INT32, nd - 1, psz);
    *info = pts_la_info(nd - 2, lu->sizes);
    if (!*piv || !*info) {
        release(*piv);
        release(*info);
        *piv = *info = NULL;
        return pts_err_last();
    }
    int32_t *pp = pts_tensor_data(*piv), *ip = pts_tensor_data(*info);
    int64_t nb = pts_la_nbatch(lu);
    for (int64_t b = 0; b < nb && m > 0 && n > 0; b++) {
        int inf = 0;
        pts_la_getrf(dt, (int)m, (int)n, pts_la_mat(lu, b, m * n), pts_la_ld(m), pp + b * k, &inf);
        ip[b] = inf;
    }
    return PTS_OK;
}

/* A's LU: the Fortran copy, pivots, info (new refs), after the square-matrix checks. */
static pts_status lu_of(const char *api, pts_tensor *A, bool square, pts_tensor **lu, pts_tensor **piv,
                        pts_tensor **info)
{
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", square));
    *lu = pts_la_copy(A, A->dtype, -1, NULL);
    if (!*lu)
        return pts_err_last();
    pts_status st = lu_factor(*lu, piv, info);
    if (st) {
        release(*lu);
        *lu = NULL;
    }
    return st;
}

/* ---- inverse ---------------------------------------------------------------------------------------- */

static pts_status inv_impl(const char *api, pts_tensor *A, bool check, pts_value *rets, bool with_info)
{
    pts_tensor *lu = NULL, *piv = NULL, *info = NULL, *X = NULL;
    PTS_TRY(lu_of(api, A, true, &lu, &piv, &info));
    pts_status st = PTS_OK;
    int nd = A->ndim, dt = A->dtype;
    int64_t n = A->sizes[nd - 1], nb = pts_la_nbatch(A);
    X = pts_la_zeros(dt, nd, A->sizes);
    if (!X) {
        st = pts_err_last();
        goto done;
    }
    for (int64_t b = 0; b < nb && n > 0; b++) {
        void *x = pts_la_mat(X, b, n * n);
        for (int64_t i = 0; i < n; i++)
            pts_la_setz(x, dt, i + i * n, 1);
        int inf = 0;
        pts_la_getrs(dt, 'N', (int)n, (int)n, pts_la_mat(lu, b, n * n), (int)n,
                     (int32_t *)pts_tensor_data(piv) + b * n, x, (int)n, &inf);
    }
    if (check && (st = pts_la_check_info(with_info ? "linalg.inv_ex" : api, info, nd > 2, INV_MSG)))
        goto done;
    rets[0] = pts_ret_tensor(X);
    X = NULL;
    if (with_info) {
        rets[1] = pts_ret_tensor(info);
        info = NULL;
    }
done:
    release(lu);
    release(piv);
    release(info);
    release(X);
    return st;
}

PTS_KERNEL(k_linalg_inv_ex) { return inv_impl("linalg.inv", a->A, a->check_errors, rets, true); }
PTS_KERNEL(k_linalg_inv) { return inv_impl("linalg.inv", a->A, true, rets, false); }
PTS_KERNEL(k_inverse) { return inv_impl("linalg.inv", a->self, true, rets, false); }

/* ---- det, slogdet, logdet ---------------------------------------------------------------------------- */

/* det (want_log false) or (sign, logabsdet) of every matrix of A; the LU and pivots go to rets[2..3]
 * (rets[1..2] for det) when `lu_rets`. */
static pts_status det_impl(const char *api, pts_tensor *A, bool want_log, bool lu_rets, pts_value *rets)
{
    pts_tensor *lu = NULL, *piv = NULL, *info = NULL, *d = NULL, *l = NULL;
    /* torch factors A^T unless A already is column-major (det(A^T) = det(A), and the copy
     * LAPACK needs is then free): so do we, so that the LU and pivots returned match; complex
     * matrices are factored as they are (torch limits the trick to real ones) */
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", true));
    pts_tensor *src = pts_la_mT(A);
    if (!src)
        return pts_err_last();
    if (pts_tensor_is_contiguous(src) || pts_la_is_cx(A->dtype)) { /* torch: real matrices only */
        release(src);
        pts_obj_retain(&A->hdr);
        src = A;
    }
    pts_status st0 = lu_of(api, src, true, &lu, &piv, &info);
    release(src);
    PTS_TRY(st0);
    pts_status st = PTS_OK;
    int nd = A->ndim, dt = A->dtype;
    int64_t n = A->sizes[nd - 1], nb = pts_la_nbatch(A);
    d = pts_tensor_empty(dt, nd - 2, A->sizes);
    l = want_log ? pts_tensor_empty(pts_la_real_dt(dt), nd - 2, A->sizes) : NULL;
    if (!d || (want_log && !l)) {
        st = pts_err_last();
        goto done;
    }
    const int32_t *pp = pts_tensor_data(piv);
    for (int64_t b = 0; b < nb && pts_la_is_cx(dt); b++) {
        /* complex: det = prod(diag U) * (-1)^swaps; slogdet: sign = prod(d/|d|) * (-1)^swaps (0 for a
         * zero d, as torch's sgn), logabsdet = sum(log|d|) in the real dtype */
        const void *u = pts_la_mat(lu, b, n * n);
        double complex p = 1, sg = 1;
        double logabs = 0;
        int swaps = 0;
        for (int64_t i = 0; i < n; i++) {
            double complex v = pts_la_getz(u, dt, i + i * n);
            swaps += pp[b * n + i] != i + 1;
            if (dt == PTS_COMPLEX64) {
                p = (double complex)((float complex)p * (float complex)v);
                float av = cabsf((float complex)v);
                sg = (double complex)((float complex)sg * (av == 0 ? 0 : (float complex)v / av));
                logabs = (float)(logabs + logf(av));
            } else {
                p *= v;
                double av = cabs(v);
                sg *= av == 0 ? 0 : v / av;
                logabs += log(av);
            }
        }
        if (swaps % 2) {
            p = -p;
            sg = -sg;
        }
        pts_la_setz(pts_tensor_data(d), dt, b, want_log ? sg : p);
        if (want_log)
            pts_la_set(pts_tensor_data(l), pts_la_real_dt(dt), b, logabs);
    }
    for (int64_t b = 0; b < nb && !pts_la_is_cx(dt); b++) {
        const void *u = pts_la_mat(lu, b, n * n);
        double sign = 1, logabs = 0;
        for (int64_t i = 0; i < n; i++) {
            double v = pts_la_get(u, dt, i + i * n);
            if (pp[b * n + i] != i + 1)
                sign = -sign;
            sign *= v > 0 ? 1 : v < 0 ? -1 : v == 0 ? 0 : v;
            logabs += log(fabs(v));
        }
        if (want_log) {
            pts_la_set(pts_tensor_data(d), dt, b, sign);
            pts_la_set(pts_tensor_data(l), dt, b, logabs);
        } else {
            /* the product in the input's precision, as torch's prod of the diagonal */
            double p = 1;
            for (int64_t i = 0; i < n; i++) {
                p *= pts_la_get(u, dt, i + i * n);
                if (dt == PTS_FLOAT32)
                    p = (float)p;
            }
            int swaps = 0;
            for (int64_t i = 0; i < n; i++)
                swaps += pp[b * n + i] != i + 1;
            pts_la_set(pts_tensor_data(d), dt, b, swaps % 2 ? -p : p);
        }
    }
    int k = 0;
    rets[k++] = pts_ret_tensor(d);
    d = NULL;
    if (want_log) {
        rets[k++] = pts_ret_tensor(l);
        l = NULL;
    }
    if (lu_rets) {
        rets[k++] = pts_ret_tensor(lu);
        rets[k++] = pts_ret_tensor(piv);
        lu = piv = NULL;
    }
done:
    release(lu);
    release(piv);
    release(info);
    release(d);
    release(l);
    return st;
}

PTS_KERNEL(k_linalg_det) { return det_impl("linalg.det", a->A, false, false, rets); }
PTS_KERNEL(k_det) { return det_impl("linalg.det", a->self, false, false, rets); }
PTS_KERNEL(k__linalg_det) { return det_impl("linalg.det", a->A, false, true, rets); }
PTS_KERNEL(k_linalg_slogdet) { return det_impl("linalg.slogdet", a->A, true, false, rets); }
PTS_KERNEL(k_slogdet) { return det_impl("linalg.slogdet", a->self, true, false, rets); }
PTS_KERNEL(k__linalg_slogdet) { return det_impl("linalg.slogdet", a->A, true, true, rets); }

/* logdet = logabsdet where the sign is not -1 (NaN there); -inf for a singular matrix */
PTS_KERNEL(k_logdet)
{
    pts_value r[2] = {pts_none(), pts_none()};
    PTS_TRY(det_impl("logdet", a->self, true, false, r));
    pts_tensor *s = PTS_TENSOR(r[0]), *l = PTS_TENSOR(r[1]);
    int64_t n = pts_tensor_numel(l);
    if (pts_la_is_cx(s->dtype)) {
        /* complex: log(sign) + logabsdet, a complex result (torch) */
        int dt = s->dtype;
        pts_tensor *o = pts_tensor_empty(dt, l->ndim, l->sizes);
        if (!o) {
            pts_value_release(r[0]);
            pts_value_release(r[1]);
            return pts_err_last();
        }
        for (int64_t i = 0; i < n; i++) {
            double complex sg = pts_la_getz(pts_tensor_data(s), dt, i);
            double la = pts_la_get(pts_tensor_data(l), l->dtype, i);
            double complex v = dt == PTS_COMPLEX64 ? (double complex)(clogf((float complex)sg) + (float)la) : clog(sg) + la;
            /* torch adds logabsdet as alpha * logabsdet with alpha = 1 + 0i: an infinite
             * logabsdet (a singular matrix) gets the imaginary part 0 * inf = NaN */
            if (isinf(la))
                v = CMPLX(la, NAN);
            pts_la_setz(pts_tensor_data(o), dt, i, v);
        }
        pts_value_release(r[0]);
        pts_value_release(r[1]);
        rets[0] = pts_ret_tensor(o);
        return PTS_OK;
    }
    for (int64_t i = 0; i < n; i++)
        if (pts_la_get(pts_tensor_data(s), l->dtype, i) == -1)
            pts_la_set(pts_tensor_data(l), l->dtype, i, NAN);
    pts_value_release(r[0]);
    rets[0] = r[1];
    return PTS_OK;
}

/* ---- linalg_solve ------------------------------------------------------------------------------------ */

/* torch's rule: B is a (batch of) vector(s) when it is 1-D or has A's shape without its last dim */
static bool is_vector_rhs(const pts_tensor *A, const pts_tensor *B)
{
    if (B->ndim == 1)
        return true;
    if (B->ndim != A->ndim - 1)
        return false;
    for (int i = 0; i < B->ndim; i++)
        if (B->sizes[i] != A->sizes[i])
            return false;
    return true;
}

/* B as a matrix (a vector gets a trailing dim of 1): a new view */
static pts_tensor *as_matrix(const pts_tensor *B, bool vector)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    memcpy(sizes, B->sizes, sizeof(int64_t) * (size_t)B->ndim);
    memcpy(strides, B->strides, sizeof(int64_t) * (size_t)B->ndim);
    int nd = B->ndim;
    if (vector) {
        sizes[nd] = 1;
        strides[nd] = 1;
        nd++;
    }
    return pts_la_view(B, nd, sizes, strides);
}

/* "Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)" */
static pts_status check_rhs(const char *api, const pts_tensor *A, const pts_tensor *Bm, bool left)
{
    int64_t am = A->sizes[A->ndim - 2], an = A->sizes[A->ndim - 1];
    int64_t bm = Bm->sizes[Bm->ndim - 2], bn = Bm->sizes[Bm->ndim - 1];
    if (left ? an == bm : am == bn)
        return PTS_OK;
    return pts_err_set(PTS_ERR_VALUE, "%s: Incompatible shapes of A and B for the equation %s (%lldx%lld and %lldx%lld)",
                       api, left ? "AX = B" : "XA = B", (long long)am, (long long)an, (long long)bm, (long long)bn);
}

/* Solve op(A_b) X = B_b for every broadcast batch b with the LU of A (lu, piv: A's own batch):
 * Bm is the right-hand side as a matrix [..., n, k] (already transposed for a right solve);
 * returns the Fortran batch X [bsizes..., n, k] (new ref) or NULL with error set. */
static pts_tensor *lu_solve_batch(const char *api, const pts_tensor *lu, const pts_tensor *piv, const pts_tensor *Bm,
                                  char trans)
{
    int64_t bs[PTS_MAX_DIMS];
    int nb = 0;
    if (pts_la_broadcast_batch(api, lu, 2, Bm, 2, &nb, bs))
        return NULL;
    pts_tensor *X = pts_la_copy(Bm, lu->dtype, nb, bs);
    if (!X)
        return NULL;
    int64_t n = lu->sizes[lu->ndim - 1], k = Bm->sizes[Bm->ndim - 1], tot = pts_la_nbatch(X);
    const int32_t *pp = pts_tensor_data(piv);
    for (int64_t b = 0; b < tot && n > 0 && k > 0; b++) {
        int64_t ab = pts_la_bidx(b, nb, bs, lu, 2);
        int inf = 0;
        pts_la_getrs(lu->dtype, trans, (int)n, (int)k, pts_la_mat(lu, ab, n * n), (int)n, pp + ab * n,
                     pts_la_mat(X, b, n * k), (int)n, &inf);
    }
    return X;
}

/* The result of a left solve (X) or a right one (X^T), a vector again in the vector case: new ref. */
static pts_tensor *solve_result(pts_tensor *X, bool left, bool vector)
{
    pts_tensor *r = left ? (pts_obj_retain(&X->hdr), X) : pts_la_mT(X);
    if (r && vector) {
        pts_tensor *v = pts_la_view(r, r->ndim - 1, r->sizes, r->strides);
        release(r);
        r = v;
    }
    return r;
}

/* result, LU, pivots, info of linalg.solve (what _linalg_solve_ex returns) */
static pts_status solve_impl(const char *api, const char *err_api, pts_tensor *A, pts_tensor *B, bool left, bool check,
                             pts_tensor **out)
{
    const char *sapi = "linalg.solve";
    PTS_TRY(pts_la_check_matrix_cx(sapi, A, "A", true));
    PTS_TRY(pts_la_check_same_dtype(sapi, A, "A", B, "B"));
    bool vector = is_vector_rhs(A, B);
    if (!vector && B->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor B must have at least 2 dimensions.", sapi);
    pts_tensor *Bm = as_matrix(B, vector);
    if (!Bm)
        return pts_err_last();
    pts_status st = check_rhs(sapi, A, Bm, left);
    if (!st && vector && !left)
        st = pts_err_set(PTS_ERR_VALUE, "%s: Vector broadcasting of the left hand side is not supported for left=False. "
                                        "In this case linalg.solve is equivalent to B / A.squeeze(-1)", sapi);
    pts_tensor *lu = NULL, *piv = NULL, *info = NULL, *X = NULL, *R = NULL;
    if (!st && !left) {
        pts_tensor *t = pts_la_mT(Bm);
        release(Bm);
        Bm = t;
        st = Bm ? PTS_OK : pts_err_last();
    }
    if (!st)
        st = lu_of(sapi, A, true, &lu, &piv, &info);
    if (!st && !(X = lu_solve_batch(sapi, lu, piv, Bm, left ? 'N' : 'T')))
        st = pts_err_last();
    if (!st && check)
        st = pts_la_check_info(err_api, info, A->ndim > 2, SOLVE_MSG);
    if (!st && !(R = solve_result(X, left, vector)))
        st = pts_err_last();
    (void)api;
    release(Bm);
    release(X);
    if (st) {
        release(lu);
        release(piv);
        release(info);
        return st;
    }
    out[0] = R;
    out[1] = lu;
    out[2] = piv;
    out[3] = info;
    return PTS_OK;
}

static pts_status solve_rets(pts_tensor **o, pts_value *rets, int n)
{
    static const int pick2[] = {0, 3}, pick1[] = {0};
    static const int pick4[] = {0, 1, 2, 3};
    const int *pick = n == 1 ? pick1 : n == 2 ? pick2 : pick4;
    bool used[4] = {false, false, false, false};
    for (int i = 0; i < n; i++) {
        rets[i] = pts_ret_tensor(o[pick[i]]);
        used[pick[i]] = true;
    }
    for (int i = 0; i < 4; i++)
        if (!used[i])
            release(o[i]);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_solve)
{
    pts_tensor *o[4];
    PTS_TRY(solve_impl("linalg.solve", "torch.linalg.solve", a->A, a->B, a->left, true, o));
    return solve_rets(o, rets, 1);
}

PTS_KERNEL(k_linalg_solve_ex)
{
    pts_tensor *o[4];
    PTS_TRY(solve_impl("linalg.solve_ex", "torch.linalg.solve_ex", a->A, a->B, a->left, a->check_errors, o));
    return solve_rets(o, rets, 2);
}

PTS_KERNEL(k__linalg_solve_ex)
{
    pts_tensor *o[4];
    PTS_TRY(solve_impl("linalg.solve_ex", "torch.linalg.solve_ex", a->A, a->B, a->left, a->check_errors, o));
    return solve_rets(o, rets, 4);
}

/* ---- triangular solves (BLAS trsm; no singularity check, as torch) ------------------------------------- */

/* X with op(A) X = B (left) or X op(A) = B; *coef (when asked): A broadcast to the batch (triangular_solve) */
static pts_status trsm_impl(const char *api, pts_tensor *A, pts_tensor *B, bool upper, bool left, bool trans, bool unit,
                            pts_tensor **out, pts_tensor **coef)
{
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor A must have at least 2 dimensions.", api);
    if (B->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor B must have at least 2 dimensions.", api);
    /* torch computes in A's dtype (B is copied into it, a complex B into a real A losing its
     * imaginary part as copy_ does); triangular_solve wants equal dtypes */
    int dt = A->dtype;
    if (coef && A->dtype != B->dtype)
        return pts_err_set(PTS_ERR_TYPE, "Expected b and A to have the same dtype, but found b of type %s and A of type %s "
                                         "instead.", pts_dtype_torch_name(B->dtype), pts_dtype_torch_name(A->dtype));
    if (!pts_is_float(dt) && !pts_la_is_cx(dt))
        return pts_err_set(PTS_ERR_TYPE, "\"triangular_solve_cpu\" not implemented for '%s'", pts_dtype_torch_name(dt));
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", true));
    PTS_TRY(check_rhs(api, A, B, left));
    int64_t bs[PTS_MAX_DIMS];
    int nb = 0;
    PTS_TRY(pts_la_broadcast_batch(api, A, 2, B, 2, &nb, bs));
    pts_tensor *Af = pts_la_copy(A, dt, coef ? nb : -1, bs);
    if (!Af)
        return pts_err_last();
    pts_tensor *X = pts_la_copy(B, dt, nb, bs);
    if (!X) {
        release(Af);
        return pts_err_last();
    }
    int64_t n = A->sizes[A->ndim - 1], m = X->sizes[nb], k = X->sizes[nb + 1], tot = pts_la_nbatch(X);
    for (int64_t b = 0; b < tot; b++) {
        int64_t ab = coef ? b : pts_la_bidx(b, nb, bs, A, 2);
        pts_la_trsm(dt, left, upper, trans, unit, (int)m, (int)k, pts_la_mat(Af, ab, n * n), pts_la_ld(n),
                    pts_la_mat(X, b, m * k), pts_la_ld(m));
    }
    *out = X;
    if (coef)
        *coef = Af;
    else
        release(Af);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_solve_triangular)
{
    pts_tensor *X = NULL;
    PTS_TRY(trsm_impl("linalg.solve_triangular", a->self, a->B, a->upper, a->left, false, a->unitriangular, &X, NULL));
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

PTS_KERNEL(k_triangular_solve)
{
    pts_tensor *X = NULL, *M = NULL;
    PTS_TRY(trsm_impl("linalg.solve_triangular", a->A, a->self, a->upper, true, a->transpose, a->unitriangular, &X, &M));
    rets[0] = pts_ret_tensor(X);
    rets[1] = pts_ret_tensor(M);
    return PTS_OK;
}

/* ---- LU factorization ---------------------------------------------------------------------------------- */

static pts_status lu_factor_impl(const char *api, const char *err_api, pts_tensor *A, bool pivot, bool check,
                                 pts_tensor **lu, pts_tensor **piv, pts_tensor **info)
{
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [%lld] "
                                          "instead", (long long)(A->ndim ? A->sizes[0] : 0));
    if (A->dtype != PTS_FLOAT32 && A->dtype != PTS_FLOAT64 && !pts_dtype_get(A->dtype)->is_complex)
        return pts_err_set(PTS_ERR_TYPE, "\"lu_cpu\" not implemented for '%s'", pts_dtype_torch_name(A->dtype));
    PTS_TRY(pts_la_check_dtype_cx(api, A));
    if (!pivot)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "linalg.lu_factor: LU without pivoting is not implemented on the CPU");
    PTS_TRY(lu_of(api, A, false, lu, piv, info));
    if (check) {
        pts_status st = pts_la_check_info(err_api, *info, A->ndim > 2, LU_MSG);
        if (st) {
            release(*lu);
            release(*piv);
            release(*info);
            return st;
        }
    }
    return PTS_OK;
}

PTS_KERNEL(k_linalg_lu_factor_ex)
{
    pts_tensor *lu, *piv, *info;
    PTS_TRY(lu_factor_impl("linalg.lu_factor_ex", "torch.linalg.lu_factor_ex", a->A, a->pivot, a->check_errors, &lu,
                           &piv, &info));
    rets[0] = pts_ret_tensor(lu);
    rets[1] = pts_ret_tensor(piv);
    rets[2] = pts_ret_tensor(info);
    return PTS_OK;
}

/* the legacy torch.lu: linalg_lu_factor_ex without its error check (check_errors is ignored, as torch does) */
PTS_KERNEL(k__lu_with_info)
{
    pts_tensor *lu, *piv, *info;
    PTS_TRY(lu_factor_impl("linalg.lu_factor", "torch.linalg.lu_factor", a->self, a->pivot, false, &lu, &piv, &info));
    rets[0] = pts_ret_tensor(lu);
    rets[1] = pts_ret_tensor(piv);
    rets[2] = pts_ret_tensor(info);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_lu_factor)
{
    pts_tensor *lu, *piv, *info;
    PTS_TRY(lu_factor_impl("linalg.lu_factor", "torch.linalg.lu_factor", a->A, a->pivot, true, &lu, &piv, &info));
    release(info);
    rets[0] = pts_ret_tensor(lu);
    rets[1] = pts_ret_tensor(piv);
    return PTS_OK;
}

/* P, L, U of a factored batch (P: [.., m, m], L: [.., m, k], U: [.., k, n]); either part may be
 * skipped (then an empty 1-D tensor, as torch). */
static pts_status unpack(const pts_tensor *lu, const pts_tensor *piv, bool data, bool pivots, pts_value *rets)
{
    int nd = lu->ndim, dt = lu->dtype;
    int64_t m = lu->sizes[nd - 2], n = lu->sizes[nd - 1], k = m < n ? m : n, nb = pts_la_nbatch(lu);
    int64_t s[PTS_MAX_DIMS], zero = 0;
    memcpy(s, lu->sizes, sizeof(int64_t) * (size_t)nd);
    pts_tensor *P = NULL, *L = NULL, *U = NULL;
    if (pivots) {
        s[nd - 2] = m;
        s[nd - 1] = m;
        P = pts_la_zeros(dt, nd, s);
    } else {
        P = pts_tensor_empty(dt, 1, &zero);
    }
    if (data) {
        s[nd - 2] = m;
        s[nd - 1] = k;
        L = pts_la_zeros(dt, nd, s);
        s[nd - 2] = k;
        s[nd - 1] = n;
        U = pts_la_zeros(dt, nd, s);
    } else {
        L = pts_tensor_empty(dt, 1, &zero);
        U = pts_tensor_empty(dt, 1, &zero);
    }
    int64_t *perm = pts_malloc(sizeof(int64_t) * (size_t)(m > 0 ? m : 1));
    if (!P || !L || !U || !perm) {
        release(P);
        release(L);
        release(U);
        pts_free(perm);
        return perm ? pts_err_last() : pts_err_nomem("lu_unpack", sizeof(int64_t) * (size_t)m);
    }
    const int32_t *pp = pts_tensor_data(piv);
    for (int64_t b = 0; b < nb; b++) {
        const void *src = pts_la_mat(lu, b, m * n);
        if (data) {
            void *l = pts_la_mat(L, b, m * k), *u = pts_la_mat(U, b, k * n);
            for (int64_t j = 0; j < k; j++)
                for (int64_t i = 0; i < m; i++)
                    pts_la_setz(l, dt, i + j * m, i == j ? 1 : i > j ? pts_la_getz(src, dt, i + j * m) : 0);
            for (int64_t j = 0; j < n; j++)
                for (int64_t i = 0; i < k && i <= j; i++)
                    pts_la_setz(u, dt, i + j * k, pts_la_getz(src, dt, i + j * m));
        }
        if (pivots) {
            for (int64_t i = 0; i < m; i++)
                perm[i] = i;
            for (int64_t i = 0; i < k; i++) {
                int64_t j = pp[b * k + i] - 1, t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            void *p = pts_la_mat(P, b, m * m);
            for (int64_t j = 0; j < m; j++)
                pts_la_setz(p, dt, perm[j] + j * m, 1);
        }
    }
    pts_free(perm);
    rets[0] = pts_ret_tensor(P);
    rets[1] = pts_ret_tensor(L);
    rets[2] = pts_ret_tensor(U);
    return PTS_OK;
}

/* pivots must be int32 of LU's batch shape with min(m, n) entries in [1, m] */
static pts_status check_pivots(const char *api, const pts_tensor *lu, const pts_tensor *piv, const char *range_msg)
{
    if (piv->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.", api);
    int64_t m = lu->sizes[lu->ndim - 2], n = lu->sizes[lu->ndim - 1], k = m < n ? m : n;
    bool ok = piv->ndim == lu->ndim - 1 && piv->sizes[piv->ndim - 1] == k;
    for (int i = 0; ok && i < lu->ndim - 2; i++)
        ok = piv->sizes[i] == lu->sizes[i];
    if (!ok)
        return pts_err_set(PTS_ERR_VALUE, "%s: Number of pivots per batch should be same as the dimension of the matrix",
                           api);
    int64_t np = pts_tensor_numel(piv);
    const int32_t *pp = pts_tensor_data(piv);
    for (int64_t i = 0; i < np; i++)
        if (pp[i] < 1 || pp[i] > m)
            return pts_err_set(PTS_ERR_VALUE, "%s", range_msg);
    return PTS_OK;
}

static const char *UNPACK_RANGE = "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you "
                                  "properly pass the result of lu_factor?";

PTS_KERNEL(k_lu_unpack)
{
    const char *api = "torch.lu_unpack";
    PTS_TRY(pts_la_check_matrix_cx(api, a->LU_data, "LU_data", false));
    if (a->LU_pivots->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.", api);
    pts_tensor *lu = pts_la_copy(a->LU_data, a->LU_data->dtype, -1, NULL);
    if (!lu)
        return pts_err_last();
    pts_tensor *piv = pts_nn_contig(a->LU_pivots, PTS_INT32);
    pts_status st = piv ? check_pivots(api, lu, piv, UNPACK_RANGE) : pts_err_last();
    if (!st)
        st = unpack(lu, piv, a->unpack_data, a->unpack_pivots, rets);
    release(piv);
    release(lu);
    return st;
}

PTS_KERNEL(k_linalg_lu)
{
    pts_tensor *lu, *piv, *info;
    PTS_TRY(lu_factor_impl("linalg.lu", "torch.linalg.lu", a->A, a->pivot, false, &lu, &piv, &info));
    pts_status st = unpack(lu, piv, true, true, rets);
    release(lu);
    release(piv);
    release(info);
    return st;
}

/* Conjugate every element of the Fortran batch t in place (complex dtypes). */
static void conj_all(pts_tensor *t)
{
    int64_t n = pts_tensor_numel(t);
    void *p = pts_tensor_data(t);
    for (int64_t i = 0; i < n; i++)
        pts_la_setz(p, t->dtype, i, conj(pts_la_getz(p, t->dtype, i)));
}

/* X with op(A) X = B / X op(A) = B from A's LU (linalg.lu_solve) */
static pts_status lu_solve_impl(pts_tensor *LU, pts_tensor *pivots, pts_tensor *B, bool left, bool adjoint,
                                pts_value *rets)
{
    const char *api = "linalg.lu_solve";
    PTS_TRY(pts_la_check_matrix_cx("torch.linalg.lu_solve", LU, "A", true));
    if (B->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor B must have at least 2 dimensions.", api);
    PTS_TRY(pts_la_check_same_dtype(api, LU, "LU", B, "B"));
    if (pivots->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: pivots should be a Tensor of scalar type torch.int32", api);
    int64_t n = LU->sizes[LU->ndim - 1];
    if (pivots->ndim < 1 || pivots->sizes[pivots->ndim - 1] != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: Number of pivots per batch should be same as the dimension of the matrix",
                           api);
    PTS_TRY(check_rhs(api, LU, B, left));
    pts_tensor *lu = pts_la_copy(LU, LU->dtype, -1, NULL);
    /* the pivots broadcast to LU's batch (torch expands them) */
    pts_tensor *piv = NULL;
    if (lu) {
        int64_t ps[PTS_MAX_DIMS];
        memcpy(ps, LU->sizes, sizeof(int64_t) * (size_t)(LU->ndim - 1));
        pts_value pv = pts_none();
        if (pts_ops_expand_view(api, pivots, LU->ndim - 1, ps, &pv) == PTS_OK) {
            piv = pts_nn_contig(PTS_TENSOR(pv), PTS_INT32);
            pts_value_release(pv);
        }
    }
    pts_status st = lu && piv ? PTS_OK : pts_err_last();
    if (!st)
        st = check_pivots(api, lu, piv, "Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you "
                                        "properly pass the result of lu_factor?");
    pts_tensor *Bm = NULL, *X = NULL, *R = NULL;
    if (!st && !(Bm = left ? (pts_obj_retain(&B->hdr), B) : pts_la_mT(B)))
        st = pts_err_last();
    /* left: op(A) X = B; right: X op(A) = B <=> op(A)^T X^T = B^T.  Complex: op = ^H (getrs 'C'),
     * and X A^H = B <=> conj(A) X^T = B^T <=> A conj(X^T) = conj(B^T): conjugate before and after */
    bool cx = pts_la_is_cx(LU->dtype), conj_rl = cx && !left && adjoint;
    char trans = (left != adjoint) ? 'N' : 'T';
    if (cx && left && adjoint)
        trans = 'C';
    if (!st && conj_rl && !(X = pts_la_copy(Bm, LU->dtype, -1, NULL)))
        st = pts_err_last();
    if (!st && conj_rl) {
        conj_all(X);
        release(Bm);
        Bm = X;
        X = NULL;
    }
    if (!st && !(X = lu_solve_batch(api, lu, piv, Bm, trans)))
        st = pts_err_last();
    if (!st && conj_rl)
        conj_all(X);
    if (!st && !(R = solve_result(X, left, false)))
        st = pts_err_last();
    if (!st)
        rets[0] = pts_ret_tensor(R);
    release(Bm);
    release(X);
    release(lu);
    release(piv);
    return st;
}

PTS_KERNEL(k_linalg_lu_solve) { return lu_solve_impl(a->LU, a->pivots, a->B, a->left, a->adjoint, rets); }
PTS_KERNEL(k_lu_solve) { return lu_solve_impl(a->LU_data, a->LU_pivots, a->self, true, false, rets); }

/* ---- the table ------------------------------------------------------------------------------------------ */

const pts_op_def pts_ops_la_lu[] = {
    PTS_OP("aten::linalg_inv_ex(Tensor A, *, bool check_errors=False) -> (Tensor inverse, Tensor info)", k_linalg_inv_ex),
    PTS_OP("aten::linalg_inv(Tensor A) -> Tensor", k_linalg_inv),
    PTS_OP("aten::inverse(Tensor self) -> Tensor", k_inverse),
    PTS_OP("aten::linalg_det(Tensor A) -> Tensor", k_linalg_det),
    PTS_OP("aten::det(Tensor self) -> Tensor", k_det),
    PTS_OP("aten::_linalg_det(Tensor A) -> (Tensor result, Tensor LU, Tensor pivots)", k__linalg_det),
    PTS_OP("aten::linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet)", k_linalg_slogdet),
    PTS_OP("aten::slogdet(Tensor self) -> (Tensor sign, Tensor logabsdet)", k_slogdet),
    PTS_OP("aten::_linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet, Tensor LU, Tensor pivots)", k__linalg_slogdet),
    PTS_OP("aten::logdet(Tensor self) -> Tensor", k_logdet),
    PTS_OP("aten::linalg_solve(Tensor A, Tensor B, *, bool left=True) -> Tensor", k_linalg_solve),
    PTS_OP("aten::linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False) -> (Tensor result, Tensor info)", k_linalg_solve_ex),
    PTS_OP("aten::_linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False) -> (Tensor result, Tensor LU, Tensor pivots, Tensor info)", k__linalg_solve_ex),
    PTS_OP("aten::linalg_solve_triangular(Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False) -> Tensor", k_linalg_solve_triangular),
    PTS_OP("aten::triangular_solve(Tensor self, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False) -> (Tensor solution, Tensor cloned_coefficient)", k_triangular_solve),
    PTS_OP("aten::linalg_lu_factor_ex(Tensor A, *, bool pivot=True, bool check_errors=False) -> (Tensor LU, Tensor pivots, Tensor info)", k_linalg_lu_factor_ex),
    PTS_OP("aten::linalg_lu_factor(Tensor A, *, bool pivot=True) -> (Tensor LU, Tensor pivots)", k_linalg_lu_factor),
    PTS_OP("aten::_lu_with_info(Tensor self, bool pivot=True, bool check_errors=True) -> (Tensor LU, Tensor pivots, Tensor info)", k__lu_with_info),
    PTS_OP("aten::linalg_lu(Tensor A, *, bool pivot=True) -> (Tensor P, Tensor L, Tensor U)", k_linalg_lu),
    PTS_OP("aten::lu_unpack(Tensor LU_data, Tensor LU_pivots, bool unpack_data=True, bool unpack_pivots=True) -> (Tensor P, Tensor L, Tensor U)", k_lu_unpack),
    PTS_OP("aten::linalg_lu_solve(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, bool adjoint=False) -> Tensor", k_linalg_lu_solve),
    PTS_OP("aten::lu_solve(Tensor self, Tensor LU_data, Tensor LU_pivots) -> Tensor", k_lu_solve),
    {NULL, NULL},
};
