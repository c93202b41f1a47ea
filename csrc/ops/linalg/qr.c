/* qr.c - the QR family through LAPACK's geqrf/orgqr/ormqr (lapack.h):
 * linalg_qr (reduced, complete, r), geqrf, linalg_householder_product /
 * orgqr, ormqr.  Householder QR as torch computes it (the same LAPACK
 * routines, so the same sign convention: R's diagonal as geqrf leaves it).  Complex
 * dtypes run cgeqrf/cungqr/cunmqr (ormqr's transpose is Q^H, as torch). */
#include "ops/linalg/lapack.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* geqrf of every matrix of the Fortran batch a (in place); *tau: new [batch..., min(m,n)] */
static pts_status geqrf_batch(pts_tensor *a, pts_tensor **tau)
{
    int nd = a->ndim, dt = a->dtype;
    int64_t m = a->sizes[nd - 2], n = a->sizes[nd - 1], k = m < n ? m : n, nb = pts_la_nbatch(a);
    int64_t ts[PTS_MAX_DIMS];
    memcpy(ts, a->sizes, sizeof(int64_t) * (size_t)(nd - 2));
    ts[nd - 2] = k;
    *tau = pts_tensor_zeros(dt, nd - 1, ts);
    if (!*tau)
        return pts_err_last();
    for (int64_t b = 0; b < nb && k > 0; b++) {
        int inf = 0;
        pts_status st = pts_la_geqrf(dt, (int)m, (int)n, pts_la_mat(a, b, m * n), (int)m,
                                     (char *)pts_tensor_data(*tau) + b * k * pts_dtype_get(dt)->itemsize, &inf);
        if (st) {
            release(*tau);
            *tau = NULL;
            return st;
        }
    }
    return PTS_OK;
}

PTS_KERNEL(k_geqrf)
{
    pts_tensor *A = a->self;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "torch.geqrf: input must have at least 2 dimensions.");
    PTS_TRY(pts_la_check_matrix_cx("torch.geqrf", A, "input", false));
    pts_tensor *f = pts_la_copy(A, A->dtype, -1, NULL), *tau = NULL;
    if (!f)
        return pts_err_last();
    pts_status st = geqrf_batch(f, &tau);
    if (st) {
        release(f);
        return st;
    }
    rets[0] = pts_ret_tensor(f);
    rets[1] = pts_ret_tensor(tau);
    return PTS_OK;
}

/* linalg_qr(A, mode): Q [.., m, k or m] and R [.., k or m, n] (k = min(m, n)); mode "r": Q empty */
PTS_KERNEL(k_linalg_qr)
{
    const char *api = "linalg.qr", *mode = a->mode;
    bool complete = strcmp(mode, "complete") == 0, ronly = strcmp(mode, "r") == 0;
    if (!complete && !ronly && strcmp(mode, "reduced") != 0)
        return pts_err_set(PTS_ERR_VALUE, "qr received unrecognized mode '%s' but expected one of 'reduced' (default), "
                                          "'r', or 'complete'", mode);
    pts_tensor *A = a->A;
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", false));
    int nd = A->ndim, dt = A->dtype;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], k = m < n ? m : n, nb = pts_la_nbatch(A);
    int64_t qc = complete ? m : k, rr = complete ? m : k; /* Q's columns, R's rows */
    pts_tensor *f = pts_la_copy(A, dt, -1, NULL), *tau = NULL, *Q = NULL, *R = NULL;
    pts_status st = f ? geqrf_batch(f, &tau) : pts_err_last();
    int64_t s[PTS_MAX_DIMS], zero = 0;
    memcpy(s, A->sizes, sizeof(int64_t) * (size_t)nd);
    if (!st) {
        s[nd - 2] = rr;
        s[nd - 1] = n;
        R = pts_la_zeros(dt, nd, s);
        s[nd - 2] = m;
        s[nd - 1] = qc;
        Q = ronly ? pts_tensor_empty(dt, 1, &zero) : pts_la_zeros(dt, nd, s);
        if (!R || !Q)
            st = pts_err_last();
    }
    for (int64_t b = 0; !st && b < nb; b++) {
        const void *src = pts_la_mat(f, b, m * n);
        void *r = pts_la_mat(R, b, rr * n);
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i <= j && i < rr && i < m; i++)
                pts_la_setz(r, dt, i + j * rr, pts_la_getz(src, dt, i + j * m));
        if (ronly || m == 0 || qc == 0)
            continue;
        void *q = pts_la_mat(Q, b, m * qc);
        for (int64_t j = 0; j < k; j++)
            for (int64_t i = 0; i < m; i++)
                pts_la_setz(q, dt, i + j * m, pts_la_getz(src, dt, i + j * m));
        int inf = 0;
        st = pts_la_orgqr(dt, (int)m, (int)qc, (int)k, q, (int)m,
                          (char *)pts_tensor_data(tau) + b * k * pts_dtype_get(dt)->itemsize, &inf);
    }
    release(f);
    release(tau);
    if (st) {
        release(Q);
        release(R);
        return st;
    }
    rets[0] = pts_ret_tensor(Q);
    rets[1] = pts_ret_tensor(R);
    return PTS_OK;
}

/* The batch dims of x and y (the last xcore / ycore dims excluded) are equal. */
static bool same_batch(const pts_tensor *x, int xcore, const pts_tensor *y, int ycore)
{
    if (x->ndim - xcore != y->ndim - ycore)
        return false;
    for (int i = 0; i < x->ndim - xcore; i++)
        if (x->sizes[i] != y->sizes[i])
            return false;
    return true;
}

/* Q = H_1 ... H_k from the reflectors of input (m x n, m >= n >= k) and tau */
static pts_status householder_product(const char *api, pts_tensor *A, pts_tensor *tau, pts_value *rets)
{
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: input must have at least 2 dimensions.", api);
    if (tau->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: tau must have at least 1 dimension.", api);
    PTS_TRY(pts_la_check_matrix_cx(api, A, "input", false));
    int nd = A->ndim, dt = A->dtype;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], k = tau->sizes[tau->ndim - 1];
    if (m < n)
        return pts_err_set(PTS_ERR_VALUE, "%s: input.shape[-2] must be greater than or equal to input.shape[-1]", api);
    if (n < k)
        return pts_err_set(PTS_ERR_VALUE, "%s: input.shape[-1] must be greater than or equal to tau.shape[-1]", api);
    if (tau->ndim != nd - 1 || !same_batch(A, 2, tau, 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected batch dimensions of tau to be equal to input.shape[:-2]", api);
    if (tau->dtype != dt)
        return pts_err_set(PTS_ERR_TYPE, "%s: tau dtype %s does not match input dtype %s", api,
                           pts_dtype_torch_name(tau->dtype), pts_dtype_torch_name(dt));
    pts_tensor *Q = pts_la_copy(A, dt, -1, NULL);
    pts_tensor *t = Q ? pts_tensor_contiguous_copy(tau) : NULL;
    if (!t) {
        release(Q);
        return pts_err_last();
    }
    int64_t nb = pts_la_nbatch(A);
    pts_status st = PTS_OK;
    for (int64_t b = 0; !st && b < nb && m > 0 && n > 0; b++) {
        int inf = 0;
        st = pts_la_orgqr(dt, (int)m, (int)n, (int)k, pts_la_mat(Q, b, m * n), (int)m,
                          (char *)pts_tensor_data(t) + b * k * pts_dtype_get(dt)->itemsize, &inf);
    }
    release(t);
    if (st) {
        release(Q);
        return st;
    }
    rets[0] = pts_ret_tensor(Q);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_householder_product)
{
    return householder_product("torch.linalg.householder_product", a->input, a->tau, rets);
}
PTS_KERNEL(k_orgqr) { return householder_product("torch.linalg.householder_product", a->self, a->input2, rets); }

/* ormqr(input, tau, other, left, transpose): op(Q) C (left) or C op(Q), Q from input's reflectors */
PTS_KERNEL(k_ormqr)
{
    const char *api = "torch.ormqr";
    pts_tensor *A = a->self, *tau = a->input2, *C = a->input3;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: input must have at least 2 dimensions.", api);
    if (C->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: other must have at least 2 dimensions.", api);
    PTS_TRY(pts_la_check_matrix_cx(api, A, "input", false));
    int nd = A->ndim, dt = A->dtype;
    int64_t nq = A->sizes[nd - 2], k = tau->ndim ? tau->sizes[tau->ndim - 1] : 0;
    int64_t cm = C->sizes[C->ndim - 2], cn = C->sizes[C->ndim - 1];
    if (a->left ? cm != nq : cn != nq)
        return pts_err_set(PTS_ERR_VALUE, "%s: other.shape[%d] must be equal to input.shape[-2]", api, a->left ? -2 : -1);
    if (k > nq)
        return pts_err_set(PTS_ERR_VALUE, "%s: tau.shape[-1] must be less than or equal to input.shape[-2]", api);
    if (k > A->sizes[nd - 1])
        return pts_err_set(PTS_ERR_VALUE, "%s: tau.shape[-1] must be less than or equal to input.shape[-1]", api);
    if (tau->ndim != nd - 1 || !same_batch(A, 2, tau, 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected batch dimensions of tau to be equal to input.shape[:-2]", api);
    if (C->ndim != nd || !same_batch(A, 2, C, 2))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected batch dimensions of other to be equal to input.shape[:-2]", api);
    PTS_TRY(pts_la_check_same_dtype(api, A, "input", tau, "tau"));
    PTS_TRY(pts_la_check_same_dtype(api, A, "input", C, "other"));
    int64_t an = A->sizes[nd - 1];
    pts_tensor *Af = pts_la_copy(A, dt, -1, NULL);
    pts_tensor *t = Af ? pts_tensor_contiguous_copy(tau) : NULL;
    pts_tensor *X = t ? pts_la_copy(C, dt, -1, NULL) : NULL;
    pts_status st = X ? PTS_OK : pts_err_last();
    int64_t nb = pts_la_nbatch(A);
    for (int64_t b = 0; !st && b < nb && cm > 0 && cn > 0; b++) {
        int inf = 0;
        st = pts_la_ormqr(dt, a->left ? 'L' : 'R', a->transpose ? 'T' : 'N', (int)cm, (int)cn, (int)k,
                          pts_la_mat(Af, b, nq * an), pts_la_ld(nq),
                          (char *)pts_tensor_data(t) + b * k * pts_dtype_get(dt)->itemsize, pts_la_mat(X, b, cm * cn),
                          pts_la_ld(cm), &inf);
    }
    release(Af);
    release(t);
    if (st) {
        release(X);
        return st;
    }
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

const pts_op_def pts_ops_la_qr[] = {
    PTS_OP("aten::linalg_qr(Tensor A, str mode=\"reduced\") -> (Tensor Q, Tensor R)", k_linalg_qr),
    PTS_OP("aten::geqrf(Tensor self) -> (Tensor a, Tensor tau)", k_geqrf),
    PTS_OP("aten::linalg_householder_product(Tensor input, Tensor tau) -> Tensor", k_linalg_householder_product),
    PTS_OP("aten::orgqr(Tensor self, Tensor input2) -> Tensor", k_orgqr),
    PTS_OP("aten::ormqr(Tensor self, Tensor input2, Tensor input3, bool left=True, bool transpose=False) -> Tensor", k_ormqr),
    {NULL, NULL},
};
