/* spectral.c - the SVD and symmetric-eigen family through LAPACK's gesdd and
 * syevd (lapack.h), and what torch builds on them: linalg_svd / _linalg_svd /
 * svd / linalg_svdvals, linalg_eigh / _linalg_eigh / linalg_eigvalsh,
 * linalg_pinv (+ pinverse), linalg_matrix_rank; and least squares
 * (linalg_lstsq: gelsy, gelsd, gelss, gels).  Results are Fortran batches.
 * Singular and eigen vectors are LAPACK's (unique only up to sign, as torch
 * documents).  linalg_eig / linalg_eigvals (complex results, geev) are in
 * eig.c. */
#include "ops/linalg/lapack.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* torch.finfo(dt).eps */
static double eps_of(int dt)
{
    return dt == PTS_FLOAT32 || dt == PTS_COMPLEX64 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
}

static pts_tensor *empty1d(int dt)
{
    int64_t zero = 0;
    return pts_tensor_empty(dt, 1, &zero);
}

static void set_identity(pts_tensor *t)
{
    int nd = t->ndim, dt = t->dtype;
    int64_t m = t->sizes[nd - 2], n = t->sizes[nd - 1], nb = pts_la_nbatch(t);
    for (int64_t b = 0; b < nb; b++)
        for (int64_t i = 0; i < m && i < n; i++)
            pts_la_setz(pts_la_mat(t, b, m * n), dt, i + i * m, 1);
}

/* ---- SVD ----------------------------------------------------------------------------------------------- */

/* S [batch.., k] and, when uv, U [.., m, m or k] and Vh [.., n or k, n] of every matrix of A (new refs). */
static pts_status svd_core(pts_tensor *A, bool uv, bool full, pts_tensor **U, pts_tensor **S, pts_tensor **Vh)
{
    const char *api = "linalg.svd";
    *U = *S = *Vh = NULL;
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", false));
    int nd = A->ndim, dt = A->dtype;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], k = m < n ? m : n, nb = pts_la_nbatch(A);
    int64_t uc = full ? m : k, vr = full ? n : k, s[PTS_MAX_DIMS];
    pts_tensor *f = pts_la_copy(A, dt, -1, NULL);
    if (!f)
        return pts_err_last();
    /* LAPACK fails on NaN (info > 0): torch then names the cause */
    int64_t ne = pts_tensor_numel(f);
    bool finite = true;
    for (int64_t i = 0; i < ne && finite; i++) {
        double complex z = pts_la_getz(pts_tensor_data(f), dt, i);
        finite = isfinite(creal(z)) && isfinite(cimag(z));
    }
    memcpy(s, A->sizes, sizeof(int64_t) * (size_t)nd);
    s[nd - 2] = k;
    int rdt = pts_la_real_dt(dt); /* S is real for complex A too */
    *S = pts_tensor_zeros(rdt, nd - 1, s);
    if (uv) {
        s[nd - 2] = m;
        s[nd - 1] = uc;
        *U = pts_la_zeros(dt, nd, s);
        s[nd - 2] = vr;
        s[nd - 1] = n;
        *Vh = pts_la_zeros(dt, nd, s);
    }
    pts_tensor *info = pts_la_info(nd - 2, A->sizes);
    pts_status st = !*S || (uv && (!*U || !*Vh)) || !info ? pts_err_last() : PTS_OK;
    if (!st && uv && k == 0 && full) { /* nothing to factor: the identity completes the bases */
        set_identity(*U);
        set_identity(*Vh);
    }
    char jobz = !uv ? 'N' : full ? 'A' : 'S';
    double dummy[1] = {0};
    for (int64_t b = 0; !st && b < nb && k > 0; b++) {
        int inf = 0;
        st = pts_la_gesdd(dt, jobz, (int)m, (int)n, pts_la_mat(f, b, m * n), (int)m,
                          (char *)pts_tensor_data(*S) + b * k * pts_dtype_get(rdt)->itemsize,
                          uv ? pts_la_mat(*U, b, m * uc) : (void *)dummy, pts_la_ld(m),
                          uv ? pts_la_mat(*Vh, b, vr * n) : (void *)dummy, pts_la_ld(vr), &inf);
        ((int32_t *)pts_tensor_data(info))[b] = inf;
    }
    for (int64_t b = 0; !st && !finite && b < nb; b++) /* some LAPACKs reject NaN as a bad argument (info < 0) */
        if (((int32_t *)pts_tensor_data(info))[b] != 0) {
            if (nd > 2)
                st = pts_err_set(PTS_ERR_VALUE, "%s: (Batch element %lld): The algorithm failed to converge because the "
                                                "input matrix contained non-finite values.", api, (long long)b);
            else
                st = pts_err_set(PTS_ERR_VALUE, "%s: The algorithm failed to converge because the input matrix contained "
                                                "non-finite values.", api);
        }
    if (!st)
        st = pts_la_check_info(api, info, nd > 2, "The algorithm failed to converge because the input matrix is "
                                                  "ill-conditioned or has too many repeated singular values (error "
                                                  "code: %d).");
    release(info);
    release(f);
    if (st) {
        release(*U);
        release(*S);
        release(*Vh);
        *U = *S = *Vh = NULL;
    }
    return st;
}

static pts_status check_driver(const char *driver)
{
    if (!driver)
        return PTS_OK;
    return pts_err_set(PTS_ERR_VALUE, "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs "
                                      "with cuSOLVER backend.");
}

PTS_KERNEL(k_linalg_svd)
{
    PTS_TRY(check_driver(a->driver));
    pts_tensor *U, *S, *Vh;
    PTS_TRY(svd_core(a->A, true, a->full_matrices, &U, &S, &Vh));
    rets[0] = pts_ret_tensor(U);
    rets[1] = pts_ret_tensor(S);
    rets[2] = pts_ret_tensor(Vh);
    return PTS_OK;
}

PTS_KERNEL(k__linalg_svd)
{
    PTS_TRY(check_driver(a->driver));
    pts_tensor *U, *S, *Vh;
    PTS_TRY(svd_core(a->A, a->compute_uv, a->full_matrices, &U, &S, &Vh));
    if (!a->compute_uv) {
        U = empty1d(a->A->dtype);
        Vh = empty1d(a->A->dtype);
        if (!U || !Vh) {
            release(U);
            release(Vh);
            release(S);
            return pts_err_last();
        }
    }
    rets[0] = pts_ret_tensor(U);
    rets[1] = pts_ret_tensor(S);
    rets[2] = pts_ret_tensor(Vh);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_svdvals)
{
    PTS_TRY(check_driver(a->driver));
    pts_tensor *U, *S, *Vh;
    PTS_TRY(svd_core(a->A, false, false, &U, &S, &Vh));
    rets[0] = pts_ret_tensor(S);
    return PTS_OK;
}

/* Conjugate every element of t in place (complex dtypes; nothing for real ones). */
static void conj_all(pts_tensor *t)
{
    if (!pts_la_is_cx(t->dtype))
        return;
    int64_t n = pts_tensor_numel(t);
    void *p = pts_tensor_data(t);
    for (int64_t i = 0; i < n; i++)
        pts_la_setz(p, t->dtype, i, conj(pts_la_getz(p, t->dtype, i)));
}

/* svd(self, some, compute_uv) -> U, S, V (V = Vh^H); without uv, zero U [m, m] and V [n, n] */
PTS_KERNEL(k_svd)
{
    pts_tensor *A = a->self, *U, *S, *Vh;
    PTS_TRY(svd_core(A, a->compute_uv, !a->some, &U, &S, &Vh));
    pts_tensor *V = NULL;
    if (a->compute_uv) {
        conj_all(Vh); /* Vh is a fresh Fortran batch: V = conj(Vh)^T */
        V = pts_la_mT(Vh);
        release(Vh);
    } else {
        int nd = A->ndim;
        int64_t s[PTS_MAX_DIMS];
        memcpy(s, A->sizes, sizeof(int64_t) * (size_t)nd);
        s[nd - 1] = s[nd - 2];
        U = pts_la_zeros(A->dtype, nd, s);
        s[nd - 2] = s[nd - 1] = A->sizes[nd - 1];
        V = pts_la_zeros(A->dtype, nd, s);
    }
    if (!U || !V) {
        release(U);
        release(V);
        release(S);
        return pts_err_last();
    }
    rets[0] = pts_ret_tensor(U);
    rets[1] = pts_ret_tensor(S);
    rets[2] = pts_ret_tensor(V);
    return PTS_OK;
}

/* ---- symmetric eigenproblems ------------------------------------------------------------------------ */

/* eigenvalues W [batch.., n] (ascending) and, when vecs, the eigenvectors V (new refs) */
static pts_status eigh_core(pts_tensor *A, const char *uplo, bool vecs, pts_tensor **W, pts_tensor **V)
{
    const char *api = "linalg.eigh";
    *W = *V = NULL;
    if ((uplo[0] != 'L' && uplo[0] != 'U' && uplo[0] != 'l' && uplo[0] != 'u') || uplo[1])
        return pts_err_set(PTS_ERR_VALUE, "Expected UPLO argument to be 'L' or 'U', but got %s", uplo);
    if (A->ndim >= 2 && A->dtype != PTS_FLOAT32 && A->dtype != PTS_FLOAT64 && !pts_dtype_get(A->dtype)->is_complex)
        return pts_err_set(PTS_ERR_TYPE, "\"linalg_eigh_cpu\" not implemented for '%s'", pts_dtype_torch_name(A->dtype));
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", true));
    int nd = A->ndim, dt = A->dtype;
    int64_t n = A->sizes[nd - 1], nb = pts_la_nbatch(A);
    pts_tensor *f = pts_la_copy(A, dt, -1, NULL);
    int rdt = pts_la_real_dt(dt); /* eigenvalues are real, also for complex Hermitian A */
    pts_tensor *w = f ? pts_tensor_zeros(rdt, nd - 1, A->sizes) : NULL;
    pts_tensor *info = w ? pts_la_info(nd - 2, A->sizes) : NULL;
    pts_status st = info ? PTS_OK : pts_err_last();
    char ul = (uplo[0] == 'U' || uplo[0] == 'u') ? 'U' : 'L';
    for (int64_t b = 0; !st && b < nb && n > 0; b++) {
        int inf = 0;
        st = pts_la_syevd(dt, vecs ? 'V' : 'N', ul, (int)n, pts_la_mat(f, b, n * n), (int)n,
                          (char *)pts_tensor_data(w) + b * n * pts_dtype_get(rdt)->itemsize, &inf);
        ((int32_t *)pts_tensor_data(info))[b] = inf;
    }
    if (!st)
        st = pts_la_check_info(api, info, nd > 2, "The algorithm failed to converge because the input matrix is "
                                                  "ill-conditioned or has too many repeated eigenvalues (error code: "
                                                  "%d).");
    release(info);
    if (st) {
        release(f);
        release(w);
        return st;
    }
    *W = w;
    if (vecs)
        *V = f;
    else
        release(f);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_eigh)
{
    pts_tensor *W, *V;
    PTS_TRY(eigh_core(a->self, a->UPLO, true, &W, &V));
    rets[0] = pts_ret_tensor(W);
    rets[1] = pts_ret_tensor(V);
    return PTS_OK;
}

PTS_KERNEL(k__linalg_eigh)
{
    pts_tensor *W, *V;
    PTS_TRY(eigh_core(a->A, a->UPLO, a->compute_v, &W, &V));
    if (!a->compute_v && !(V = empty1d(a->A->dtype))) {
        release(W);
        return pts_err_last();
    }
    rets[0] = pts_ret_tensor(W);
    rets[1] = pts_ret_tensor(V);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_eigvalsh)
{
    pts_tensor *W, *V;
    PTS_TRY(eigh_core(a->self, a->UPLO, false, &W, &V));
    rets[0] = pts_ret_tensor(W);
    return PTS_OK;
}

/* ---- tolerances of pinv and matrix_rank --------------------------------------------------------------- */

/* atol / rtol as torch takes them: absent, a float, or a tensor broadcast against the batch */
typedef struct tolspec {
    bool has_atol, has_rtol;
    double atol, rtol;
    pts_tensor *atol_t, *rtol_t; /* borrowed; NULL: use the float */
} tolspec;

/* the output batch shape: A's batch broadcast with the tolerance tensors' shapes */
static pts_status tol_batch(const char *api, const pts_tensor *A, const tolspec *ts, int *nb, int64_t *bs)
{
    int n = A->ndim - 2;
    memcpy(bs, A->sizes, sizeof(int64_t) * (size_t)n);
    const pts_tensor *tt[2] = {ts->atol_t, ts->rtol_t};
    for (int t = 0; t < 2; t++) {
        const pts_tensor *x = tt[t];
        if (!x)
            continue;
        if (!pts_is_float(x->dtype) && x->dtype != PTS_BOOL && !pts_dtype_get(x->dtype)->is_int)
            return pts_err_set(PTS_ERR_TYPE, "%s: tolerances must be real tensors", api);
        int nn = x->ndim > n ? x->ndim : n;
        int64_t out[PTS_MAX_DIMS];
        for (int i = 0; i < nn; i++) {
            int j = i - (nn - n), k = i - (nn - x->ndim);
            int64_t a = j < 0 ? 1 : bs[j], b = k < 0 ? 1 : x->sizes[k];
            if (a != b && a != 1 && b != 1)
                return pts_err_set(PTS_ERR_VALUE, "The size of tensor a (%lld) must match the size of tensor b (%lld) at "
                                                  "non-singleton dimension %d", (long long)b, (long long)a, i);
            out[i] = a == 1 ? b : a;
        }
        memcpy(bs, out, sizeof(int64_t) * (size_t)nn);
        n = nn;
    }
    *nb = n;
    return PTS_OK;
}

static double tol_value(const pts_tensor *t, int64_t b, int nb, const int64_t *bs)
{
    int64_t sizes_idx = pts_la_bidx(b, nb, bs, t, 0);
    /* t may be strided: walk its dims */
    int64_t off = 0, rem = sizes_idx;
    for (int i = t->ndim - 1; i >= 0; i--) {
        off += (rem % t->sizes[i]) * t->strides[i];
        rem /= t->sizes[i];
    }
    return pts_load_f64((const char *)pts_tensor_data(t) + off * pts_dtype_get(t->dtype)->itemsize, t->dtype);
}

/* the cutoff for output batch b: max(atol, rtol * smax), torch's defaults for absent values */
static double cutoff(const tolspec *ts, int64_t b, int nb, const int64_t *bs, double smax, double def_rtol)
{
    double at = ts->atol_t ? tol_value(ts->atol_t, b, nb, bs) : ts->has_atol ? ts->atol : 0;
    bool has_at = ts->atol_t || ts->has_atol;
    double rt = ts->rtol_t ? tol_value(ts->rtol_t, b, nb, bs) : ts->has_rtol ? ts->rtol : (has_at && at > 0 ? 0 : def_rtol);
    double r = rt * smax;
    return at > r ? at : r;
}

/* singular values (or |eigenvalues|, hermitian) of A, sorted descending per matrix: S [batchA, k]
 * as a contiguous float64 tensor, plus (for pinv) the factors */
typedef struct spectrum {
    pts_tensor *S, *U, *Vh, *W, *V; /* svd: S, U, Vh; hermitian: W (eigenvalues), V */
} spectrum;

static void spectrum_release(spectrum *sp)
{
    release(sp->S);
    release(sp->U);
    release(sp->Vh);
    release(sp->W);
    release(sp->V);
}

static pts_status spectrum_of(pts_tensor *A, bool hermitian, bool vecs, spectrum *sp)
{
    memset(sp, 0, sizeof *sp);
    if (hermitian)
        return eigh_core(A, "L", vecs, &sp->W, &sp->V);
    return svd_core(A, vecs, false, &sp->U, &sp->S, &sp->Vh);
}

/* largest |value| of matrix ab's spectrum */
static double spectrum_max(const spectrum *sp, int64_t ab, int64_t k, int dt)
{
    const pts_tensor *v = sp->S ? sp->S : sp->W;
    double m = 0;
    for (int64_t i = 0; i < k; i++) {
        double x = fabs(pts_la_get(pts_tensor_data(v), pts_la_real_dt(dt), ab * k + i));
        m = x > m || isnan(x) ? x : m;
    }
    return m;
}

static pts_status rank_impl(const char *api, pts_tensor *A, const tolspec *ts, bool hermitian, pts_value *rets)
{
    spectrum sp;
    PTS_TRY(spectrum_of(A, hermitian, false, &sp));
    int nd = A->ndim, dt = A->dtype, nb = 0;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], k = hermitian ? n : (m < n ? m : n), bs[PTS_MAX_DIMS];
    pts_status st = tol_batch(api, A, ts, &nb, bs);
    pts_tensor *R = st ? NULL : pts_tensor_zeros(PTS_INT64, nb, bs);
    if (!st && !R)
        st = pts_err_last();
    int64_t tot = R ? pts_tensor_numel(R) : 0;
    const pts_tensor *v = sp.S ? sp.S : sp.W;
    double def_rtol = eps_of(dt) * (double)(m > n ? m : n);
    for (int64_t b = 0; b < tot; b++) {
        int64_t ab = pts_la_bidx(b, nb, bs, A, 2);
        double c = cutoff(ts, b, nb, bs, spectrum_max(&sp, ab, k, dt), def_rtol);
        int64_t r = 0;
        for (int64_t i = 0; i < k; i++)
            r += fabs(pts_la_get(pts_tensor_data(v), v->dtype, ab * k + i)) > c;
        pts_i64(R)[b] = r;
    }
    spectrum_release(&sp);
    if (st)
        return st;
    rets[0] = pts_ret_tensor(R);
    return PTS_OK;
}

/* pinv = V diag(1/s, cut) U^T (svd) or V diag(1/w, cut) V^T (hermitian) */
static pts_status pinv_impl(const char *api, pts_tensor *A, const tolspec *ts, bool hermitian, pts_value *rets)
{
    /* the rcond overloads check the rank first; the atol/rtol ones index dim -2 */
    if (A->ndim < 2 && ts->atol_t == NULL && ts->has_atol && ts->atol == 0 && (ts->has_rtol || ts->rtol_t)) {
        char shape[128];
        pts_shape_str(A->ndim, A->sizes, shape, sizeof shape);
        return pts_err_set(PTS_ERR_TYPE, "%s(%s{%s}): expected a tensor with 2 or more dimensions of float, double, cfloat "
                                         "or cdouble types", api, pts_dtype_torch_name(A->dtype), shape);
    }
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_INDEX, "Dimension out of range (expected to be in range of [-1, 0], but got -2)");
    if (A->dtype != PTS_FLOAT32 && A->dtype != PTS_FLOAT64 && !pts_la_is_cx(A->dtype)) {
        char shape[128];
        pts_shape_str(A->ndim, A->sizes, shape, sizeof shape);
        return pts_err_set(PTS_ERR_TYPE, "%s(%s{%s}): expected a tensor with 2 or more dimensions of float, double, cfloat "
                                         "or cdouble types", api, pts_dtype_torch_name(A->dtype), shape);
    }
    int nd = A->ndim, dt = A->dtype, nb = 0;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], bs[PTS_MAX_DIMS];
    if (hermitian)
        PTS_TRY(pts_la_check_matrix_cx("linalg.eigh", A, "A", true));
    PTS_TRY(tol_batch(api, A, ts, &nb, bs));
    bs[nb] = n;
    bs[nb + 1] = m;
    pts_tensor *X = pts_la_zeros(dt, nb + 2, bs);
    if (!X)
        return pts_err_last();
    if (m == 0 || n == 0) {
        rets[0] = pts_ret_tensor(X);
        return PTS_OK;
    }
    spectrum sp;
    pts_status st = spectrum_of(A, hermitian, true, &sp);
    if (st) {
        release(X);
        return st;
    }
    int64_t k = hermitian ? n : (m < n ? m : n), tot = pts_la_nbatch(X);
    double def_rtol = eps_of(dt) * (double)(m > n ? m : n);
    double *tmp = pts_malloc(sizeof(double) * (size_t)(n * k));
    double complex *ztmp = pts_la_is_cx(dt) ? pts_malloc(sizeof(double complex) * (size_t)(n * k)) : NULL;
    if (!tmp || (pts_la_is_cx(dt) && !ztmp)) {
        pts_free(tmp);
        spectrum_release(&sp);
        release(X);
        return pts_err_nomem(api, sizeof(double complex) * (size_t)(n * k));
    }
    int rdt = pts_la_real_dt(dt);
    /* complex: X (n x m) = sum_i V[:, i] (1/s_i) U[:, i]^H with V = Vh^H (or the eigenvectors, twice) */
    for (int64_t b = 0; b < tot && ztmp; b++) {
        int64_t ab = pts_la_bidx(b, nb, bs, A, 2);
        double c = cutoff(ts, b, nb, bs, spectrum_max(&sp, ab, k, dt), def_rtol);
        const void *vals = (const char *)pts_tensor_data(sp.S ? sp.S : sp.W) + ab * k * pts_dtype_get(rdt)->itemsize;
        const void *Um = hermitian ? pts_la_mat(sp.V, ab, n * n) : pts_la_mat(sp.U, ab, m * k);
        const void *Vm = hermitian ? Um : pts_la_mat(sp.Vh, ab, k * n);
        for (int64_t i = 0; i < k; i++) {
            double s = pts_la_get(vals, rdt, i);
            double inv = fabs(s) > c ? 1 / s : 0;
            for (int64_t r = 0; r < n; r++) {
                double complex v = hermitian ? pts_la_getz(Vm, dt, r + i * n) : conj(pts_la_getz(Vm, dt, i + r * k));
                ztmp[r + i * n] = v * inv;
            }
        }
        void *x = pts_la_mat(X, b, n * m);
        for (int64_t j = 0; j < m; j++)
            for (int64_t r = 0; r < n; r++) {
                double complex acc = 0;
                for (int64_t i = 0; i < k; i++)
                    acc += ztmp[r + i * n] * conj(pts_la_getz(Um, dt, j + i * m));
                pts_la_setz(x, dt, r + j * n, acc);
            }
    }
    /* real: X (n x m) = sum_i V[:, i] (1/s_i) U[:, i]^T with V = Vh^T (or the eigenvectors, twice) */
    for (int64_t b = 0; b < tot && !ztmp; b++) {
        int64_t ab = pts_la_bidx(b, nb, bs, A, 2);
        double c = cutoff(ts, b, nb, bs, spectrum_max(&sp, ab, k, dt), def_rtol);
        const void *vals = (const char *)pts_tensor_data(sp.S ? sp.S : sp.W) + ab * k * pts_dtype_get(dt)->itemsize;
        const void *Um = hermitian ? pts_la_mat(sp.V, ab, n * n) : pts_la_mat(sp.U, ab, m * k);
        const void *Vm = hermitian ? Um : pts_la_mat(sp.Vh, ab, k * n); /* Vh: k x n, column-major */
        for (int64_t i = 0; i < k; i++) {
            double s = pts_la_get(vals, dt, i);
            double inv = fabs(s) > c ? 1 / s : 0;
            for (int64_t r = 0; r < n; r++) {
                double v = hermitian ? pts_la_get(Vm, dt, r + i * n) : pts_la_get(Vm, dt, i + r * k);
                tmp[r + i * n] = v * inv;
            }
        }
        void *x = pts_la_mat(X, b, n * m);
        for (int64_t j = 0; j < m; j++)
            for (int64_t r = 0; r < n; r++) {
                double acc = 0;
                for (int64_t i = 0; i < k; i++)
                    acc += tmp[r + i * n] * pts_la_get(Um, dt, j + i * m);
                pts_la_set(x, dt, r + j * n, acc);
            }
    }
    pts_free(tmp);
    pts_free(ztmp);
    spectrum_release(&sp);
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

static void tol_from_opt_tensors(tolspec *ts, pts_tensor *atol, pts_tensor *rtol)
{
    memset(ts, 0, sizeof *ts);
    ts->atol_t = atol;
    ts->rtol_t = rtol;
}

PTS_KERNEL(k_linalg_pinv_atol_rtol_tensor)
{
    tolspec ts;
    tol_from_opt_tensors(&ts, a->atol, a->rtol);
    return pinv_impl("linalg.pinv", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_pinv_atol_rtol_float)
{
    tolspec ts = {a->has_atol, a->has_rtol, a->atol, a->rtol, NULL, NULL};
    return pinv_impl("linalg.pinv", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_pinv)
{
    tolspec ts = {true, true, 0.0, a->rcond, NULL, NULL};
    return pinv_impl("linalg.pinv", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_pinv_rcond_tensor)
{
    tolspec ts = {true, false, 0.0, 0.0, NULL, a->rcond};
    return pinv_impl("linalg.pinv", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_pinverse)
{
    tolspec ts = {true, true, 0.0, a->rcond, NULL, NULL};
    return pinv_impl("linalg.pinv", a->self, &ts, false, rets);
}

PTS_KERNEL(k_linalg_matrix_rank_atol_rtol_tensor)
{
    tolspec ts;
    tol_from_opt_tensors(&ts, a->atol, a->rtol);
    return rank_impl("linalg.matrix_rank", a->input, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_matrix_rank_atol_rtol_float)
{
    tolspec ts = {a->has_atol, a->has_rtol, a->atol, a->rtol, NULL, NULL};
    return rank_impl("linalg.matrix_rank", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_matrix_rank)
{
    tolspec ts = {true, true, a->tol, 0.0, NULL, NULL};
    return rank_impl("linalg.matrix_rank", a->self, &ts, a->hermitian, rets);
}

PTS_KERNEL(k_linalg_matrix_rank_tol_tensor)
{
    tolspec ts = {true, true, 0.0, 0.0, a->tol, NULL};
    return rank_impl("linalg.matrix_rank", a->input, &ts, a->hermitian, rets);
}

/* ---- least squares ------------------------------------------------------------------------------------- */

PTS_KERNEL(k_linalg_lstsq)
{
    const char *api = "torch.linalg.lstsq";
    pts_tensor *A = a->self, *B = a->b;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: input must have at least 2 dimensions.", api);
    if (B->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: other must have at least 1 dimension.", api);
    if (A->dtype != B->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: Expected input and other to have the same dtype, but got input's dtype %s "
                                         "and other's dtype %s", api, pts_dtype_torch_name(A->dtype),
                           pts_dtype_torch_name(B->dtype));
    if (A->dtype != PTS_FLOAT32 && A->dtype != PTS_FLOAT64 && !pts_la_is_cx(A->dtype))
        return pts_err_set(PTS_ERR_TYPE, "This function doesn't handle types other than float and double");
    if (A->ndim < B->ndim || A->ndim - B->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: input.dim() must be greater or equal to other.dim() and (input.dim() - "
                                          "other.dim()) <= 1", api);
    bool vector = A->ndim - 1 == B->ndim;
    int nd = A->ndim, dt = A->dtype, rdt = pts_la_real_dt(dt); /* residuals, singular values: real */
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1];
    if ((vector ? B->sizes[B->ndim - 1] : B->sizes[B->ndim - 2]) != m)
        return pts_err_set(PTS_ERR_VALUE, vector ? "%s: input.size(-2) should match other.size(-1)"
                                                 : "%s: input.size(-2) should match other.size(-2)", api);
    char drv = 'y';
    if (a->driver) {
        const char *d = a->driver;
        drv = strcmp(d, "gelsy") == 0 ? 'y' : strcmp(d, "gelsd") == 0 ? 'd' : strcmp(d, "gelss") == 0 ? 's'
            : strcmp(d, "gels") == 0 ? 'g' : 0;
        if (!drv)
            return pts_err_set(PTS_ERR_VALUE, "%s: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)", api);
    }
    PTS_TRY(pts_la_check_matrix_cx(api, A, "A", false));
    /* B as [..., m, k] */
    int64_t sz[PTS_MAX_DIMS], st_[PTS_MAX_DIMS];
    memcpy(sz, B->sizes, sizeof(int64_t) * (size_t)B->ndim);
    memcpy(st_, B->strides, sizeof(int64_t) * (size_t)B->ndim);
    int bnd = B->ndim;
    if (vector) {
        sz[bnd] = 1;
        st_[bnd] = 1;
        bnd++;
    }
    pts_tensor *Bm = pts_tensor_view_of(B->storage, B->dtype, bnd, sz, st_, B->offset);
    if (!Bm)
        return pts_err_last();
    int64_t k = Bm->sizes[bnd - 1], mx = m > n ? m : n, mn = m < n ? m : n, bs[PTS_MAX_DIMS];
    int nb = 0;
    pts_status st = pts_la_broadcast_batch(api, A, 2, Bm, 2, &nb, bs);
    pts_tensor *Bc = st ? NULL : pts_la_copy(Bm, dt, nb, bs), *X = NULL, *Af = NULL, *rank = NULL, *sv = NULL,
               *res = NULL;
    release(Bm);
    if (!st && !Bc)
        st = pts_err_last();
    if (!st) {
        memcpy(sz, bs, sizeof(int64_t) * (size_t)nb);
        sz[nb] = mx;
        sz[nb + 1] = k;
        X = pts_la_zeros(dt, nb + 2, sz);
        Af = pts_la_copy(A, dt, -1, NULL);
        rank = drv == 'g' ? pts_tensor_empty(PTS_INT64, 1, (int64_t[]){0}) : pts_tensor_zeros(PTS_INT64, nd - 2, A->sizes);
        memcpy(sz, A->sizes, sizeof(int64_t) * (size_t)(nd - 2));
        sz[nd - 2] = mn;
        sv = drv == 'd' || drv == 's' ? pts_tensor_zeros(rdt, nd - 1, sz) : empty1d(rdt);
        if (!X || !Af || !rank || !sv)
            st = pts_err_last();
    }
    int64_t tot = X ? pts_la_nbatch(X) : 0;
    double rcond = a->has_rcond ? a->rcond : eps_of(dt) * (double)mx;
    void *work_a = NULL;
    if (!st && !(work_a = pts_malloc((size_t)(m * n > 0 ? m * n : 1) * (size_t)pts_dtype_get(dt)->itemsize)))
        st = pts_err_nomem(api, (size_t)(m * n) * 8);
    bool full_rank = true;
    for (int64_t b = 0; !st && b < tot; b++) {
        int64_t ab = pts_la_bidx(b, nb, bs, A, 2);
        void *x = pts_la_mat(X, b, mx * k);
        const void *bb = pts_la_mat(Bc, b, m * k);
        for (int64_t j = 0; j < k; j++)
            for (int64_t i = 0; i < m; i++)
                pts_la_setz(x, dt, i + j * mx, pts_la_getz(bb, dt, i + j * m));
        int r = 0, inf = 0;
        if (m > 0 && n > 0 && k > 0) {
            memcpy(work_a, pts_la_mat(Af, ab, m * n), (size_t)(m * n) * (size_t)pts_dtype_get(dt)->itemsize);
            void *s = drv == 'd' || drv == 's' ? (char *)pts_tensor_data(sv) + ab * mn * pts_dtype_get(rdt)->itemsize : NULL;
            double sdummy[1];
            st = pts_la_gels(dt, drv, (int)m, (int)n, (int)k, work_a, (int)m, x, (int)mx, rcond, s ? s : (void *)sdummy,
                             &r, &inf);
            if (!st && inf > 0 && drv == 'g')
                st = pts_err_set(PTS_ERR_VALUE, "%s: The least squares solution could not be computed because the input "
                                                "matrix does not have full rank (error code: %d).", api, inf);
            if (!st && inf > 0)
                st = pts_err_set(PTS_ERR_VALUE, "%s: The algorithm failed to converge because the input matrix is "
                                                "ill-conditioned or has too many repeated singular values (error code: %d).",
                                 api, inf);
        } else if (m > 0 && n > 0 && k > 0 && drv != 'g') {
            /* no right-hand side: the rank and singular values still come from A */
            memcpy(work_a, pts_la_mat(Af, ab, m * n), (size_t)(m * n) * (size_t)pts_dtype_get(dt)->itemsize);
            void *s = drv == 'd' || drv == 's' ? (char *)pts_tensor_data(sv) + ab * mn * pts_dtype_get(rdt)->itemsize : NULL;
            double sdummy[1];
            void *xb = pts_malloc((size_t)mx * (size_t)pts_dtype_get(dt)->itemsize);
            if (!xb) {
                st = pts_err_nomem(api, (size_t)mx * 8);
                break;
            }
            memset(xb, 0, (size_t)mx * (size_t)pts_dtype_get(dt)->itemsize);
            st = pts_la_gels(dt, drv, (int)m, (int)n, 1, work_a, (int)m, xb, (int)mx, rcond, s ? s : (void *)sdummy, &r,
                             &inf);
            pts_free(xb);
        }
        if (drv != 'g')
            pts_i64(rank)[ab] = r;
        if (drv != 'g' && r != n)
            full_rank = false;
    }
    pts_free(work_a);
    /* residuals: the squared norms of the rows past n, when m > n, for gels/gelsd/gelss and full rank */
    if (!st) {
        bool want = m > n && drv != 'y' && full_rank;
        if (want) {
            memcpy(sz, bs, sizeof(int64_t) * (size_t)nb);
            sz[nb] = k;
            res = pts_tensor_zeros(rdt, nb + 1, sz);
        } else {
            res = empty1d(rdt);
        }
        if (!res)
            st = pts_err_last();
        for (int64_t b = 0; !st && want && b < tot; b++) {
            const void *x = pts_la_mat(X, b, mx * k);
            for (int64_t j = 0; j < k; j++) {
                double s = 0;
                for (int64_t i = n; i < m; i++) {
                    double complex v = pts_la_getz(x, dt, i + j * mx);
                    s += creal(v) * creal(v) + cimag(v) * cimag(v);
                }
                pts_la_set(pts_tensor_data(res), rdt, b * k + j, s);
            }
        }
    }
    pts_tensor *sol = NULL;
    if (!st) {
        /* the first n rows of each [mx, k] block; a vector again in the vector case */
        int64_t vs[PTS_MAX_DIMS], vt[PTS_MAX_DIMS];
        memcpy(vs, X->sizes, sizeof(int64_t) * (size_t)X->ndim);
        memcpy(vt, X->strides, sizeof(int64_t) * (size_t)X->ndim);
        vs[nb] = n;
        sol = pts_la_view(X, vector ? nb + 1 : nb + 2, vs, vt);
        if (!sol)
            st = pts_err_last();
    }
    release(Bc);
    release(X);
    release(Af);
    if (st) {
        release(rank);
        release(sv);
        release(res);
        release(sol);
        return st;
    }
    rets[0] = pts_ret_tensor(sol);
    rets[1] = pts_ret_tensor(res);
    rets[2] = pts_ret_tensor(rank);
    rets[3] = pts_ret_tensor(sv);
    return PTS_OK;
}

const pts_op_def pts_ops_la_spectral[] = {
    PTS_OP("aten::linalg_svd(Tensor A, bool full_matrices=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)", k_linalg_svd),
    PTS_OP("aten::_linalg_svd(Tensor A, bool full_matrices=False, bool compute_uv=True, *, str? driver=None) -> (Tensor U, Tensor S, Tensor Vh)", k__linalg_svd),
    PTS_OP("aten::svd(Tensor self, bool some=True, bool compute_uv=True) -> (Tensor U, Tensor S, Tensor V)", k_svd),
    PTS_OP("aten::linalg_svdvals(Tensor A, *, str? driver=None) -> Tensor", k_linalg_svdvals),
    PTS_OP("aten::linalg_eigh(Tensor self, str UPLO=\"L\") -> (Tensor eigenvalues, Tensor eigenvectors)", k_linalg_eigh),
    PTS_OP("aten::_linalg_eigh(Tensor A, str UPLO=\"L\", bool compute_v=True) -> (Tensor eigenvalues, Tensor eigenvectors)", k__linalg_eigh),
    PTS_OP("aten::linalg_eigvalsh(Tensor self, str UPLO=\"L\") -> Tensor", k_linalg_eigvalsh),
    PTS_OP("aten::linalg_pinv.atol_rtol_tensor(Tensor self, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False) -> Tensor", k_linalg_pinv_atol_rtol_tensor),
    PTS_OP("aten::linalg_pinv.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor", k_linalg_pinv_atol_rtol_float),
    PTS_OP("aten::linalg_pinv(Tensor self, float rcond, bool hermitian=False) -> Tensor", k_linalg_pinv),
    PTS_OP("aten::linalg_pinv.rcond_tensor(Tensor self, Tensor rcond, bool hermitian=False) -> Tensor", k_linalg_pinv_rcond_tensor),
    PTS_OP("aten::pinverse(Tensor self, float rcond=1.0000000000000001e-15) -> Tensor", k_pinverse),
    PTS_OP("aten::linalg_matrix_rank.atol_rtol_tensor(Tensor input, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False) -> Tensor", k_linalg_matrix_rank_atol_rtol_tensor),
    PTS_OP("aten::linalg_matrix_rank.atol_rtol_float(Tensor self, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor", k_linalg_matrix_rank_atol_rtol_float),
    PTS_OP("aten::linalg_matrix_rank(Tensor self, float tol, bool hermitian=False) -> Tensor", k_linalg_matrix_rank),
    PTS_OP("aten::linalg_matrix_rank.tol_tensor(Tensor input, Tensor tol, bool hermitian=False) -> Tensor", k_linalg_matrix_rank_tol_tensor),
    PTS_OP("aten::linalg_lstsq(Tensor self, Tensor b, float? rcond=None, *, str? driver=None) -> (Tensor solution, Tensor residuals, Tensor rank, Tensor singular_values)", k_linalg_lstsq),
    {NULL, NULL},
};
