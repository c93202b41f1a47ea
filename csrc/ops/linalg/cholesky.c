/* cholesky.c - the Cholesky family through LAPACK's potrf/potrs/potri
 * (lapack.h): linalg_cholesky (+ _ex), cholesky_solve, cholesky_inverse.
 * Results are Fortran batches, as torch returns them; info codes and errors
 * are torch's. */
#include "ops/linalg/lapack.h"

static const char *PD_MSG = "The factorization could not be completed because the input is not positive-definite (the "
                            "leading minor of order %d is not positive-definite).";

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* Zero the triangle a factor does not use (above the diagonal for L, below for U). */
static void zero_other_triangle(pts_tensor *t, bool upper)
{
    int nd = t->ndim, dt = t->dtype;
    int64_t n = t->sizes[nd - 1], nb = pts_la_nbatch(t);
    for (int64_t b = 0; b < nb; b++) {
        void *p = pts_la_mat(t, b, n * n);
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < n; i++)
                if (upper ? i > j : i < j)
                    pts_la_setz(p, dt, i + j * n, 0);
    }
}

static pts_status cholesky_impl(const char *api, pts_tensor *A, bool upper, bool check, pts_value *rets, bool with_info)
{
    if (A->ndim >= 2 && (A->dtype == PTS_FLOAT16 || A->dtype == PTS_BFLOAT16))
        return pts_err_set(PTS_ERR_TYPE, "\"cholesky_cpu\" not implemented for '%s'", pts_dtype_torch_name(A->dtype));
    PTS_TRY(pts_la_check_matrix_cx("linalg.cholesky", A, "A", true));
    pts_tensor *L = pts_la_copy(A, A->dtype, -1, NULL);
    if (!L)
        return pts_err_last();
    pts_tensor *info = pts_la_info(A->ndim - 2, A->sizes);
    if (!info) {
        release(L);
        return pts_err_last();
    }
    int64_t n = A->sizes[A->ndim - 1], nb = pts_la_nbatch(A);
    int32_t *ip = pts_tensor_data(info);
    for (int64_t b = 0; b < nb && n > 0; b++) {
        int inf = 0;
        pts_la_potrf(A->dtype, upper ? 'U' : 'L', (int)n, pts_la_mat(L, b, n * n), (int)n, &inf);
        ip[b] = inf;
    }
    zero_other_triangle(L, upper);
    pts_status st = check ? pts_la_check_info(api, info, A->ndim > 2, PD_MSG) : PTS_OK;
    if (st) {
        release(L);
        release(info);
        return st;
    }
    rets[0] = pts_ret_tensor(L);
    if (with_info)
        rets[1] = pts_ret_tensor(info);
    else
        release(info);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_cholesky) { return cholesky_impl("linalg.cholesky", a->self, a->upper, true, rets, false); }
PTS_KERNEL(k_linalg_cholesky_ex)
{
    return cholesky_impl("linalg.cholesky_ex", a->self, a->upper, a->check_errors, rets, true);
}

/* cholesky_solve(B, L, upper): X with (L L^T) X = B (or U^T U), batches broadcast */
PTS_KERNEL(k_cholesky_solve)
{
    pts_tensor *B = a->self, *F = a->input2;
    if (B->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "b should have at least 2 dimensions, but has %d dimensions instead", B->ndim);
    if (F->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "u should have at least 2 dimensions, but has %d dimensions instead", F->ndim);
    if (B->dtype != F->dtype)
        return pts_err_set(PTS_ERR_TYPE, "Expected b and A to have the same dtype, but found b of type %s and A of type %s "
                                         "instead.", pts_dtype_torch_name(B->dtype), pts_dtype_torch_name(F->dtype));
    if (B->dtype != PTS_FLOAT32 && B->dtype != PTS_FLOAT64 && !pts_la_is_cx(B->dtype))
        return pts_err_set(PTS_ERR_TYPE, "\"cholesky_solve_cpu\" not implemented for '%s'", pts_dtype_torch_name(B->dtype));
    int64_t n = F->sizes[F->ndim - 1];
    if (F->sizes[F->ndim - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "A must be batches of square matrices, but they are %lld by %lld matrices",
                           (long long)F->sizes[F->ndim - 2], (long long)n);
    if (B->sizes[B->ndim - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "Incompatible matrix sizes for cholesky_solve: each A matrix is %lld by %lld but "
                                          "each b matrix is %lld by %lld", (long long)n, (long long)n,
                           (long long)B->sizes[B->ndim - 2], (long long)B->sizes[B->ndim - 1]);
    PTS_TRY(pts_la_check_matrix_cx("cholesky_solve", F, "A", true));
    int64_t bs[PTS_MAX_DIMS];
    int nb = 0;
    PTS_TRY(pts_la_broadcast_batch("cholesky_solve", B, 2, F, 2, &nb, bs));
    pts_tensor *Ff = pts_la_copy(F, F->dtype, -1, NULL);
    pts_tensor *X = Ff ? pts_la_copy(B, B->dtype, nb, bs) : NULL;
    if (!X) {
        release(Ff);
        return pts_err_last();
    }
    int64_t k = B->sizes[B->ndim - 1], tot = pts_la_nbatch(X);
    for (int64_t b = 0; b < tot && n > 0 && k > 0; b++) {
        int inf = 0;
        int64_t fb = pts_la_bidx(b, nb, bs, F, 2);
        pts_la_potrs(F->dtype, a->upper ? 'U' : 'L', (int)n, (int)k, pts_la_mat(Ff, fb, n * n), (int)n,
                     pts_la_mat(X, b, n * k), (int)n, &inf);
    }
    release(Ff);
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

/* cholesky_inverse(L, upper): (L L^T)^-1 (or (U^T U)^-1), the full symmetric matrix */
PTS_KERNEL(k_cholesky_inverse)
{
    const char *api = "cholesky_inverse";
    pts_tensor *F = a->self;
    if (F->ndim >= 2 && F->dtype != PTS_FLOAT32 && F->dtype != PTS_FLOAT64 && !pts_dtype_get(F->dtype)->is_complex)
        return pts_err_set(PTS_ERR_TYPE, "\"cholesky_inverse_out_cpu\" not implemented for '%s'",
                           pts_dtype_torch_name(F->dtype));
    PTS_TRY(pts_la_check_matrix_cx(api, F, "A", true));
    pts_tensor *X = pts_la_copy(F, F->dtype, -1, NULL);
    pts_tensor *info = X ? pts_la_info(F->ndim - 2, F->sizes) : NULL;
    if (!info) {
        release(X);
        return pts_err_last();
    }
    int dt = F->dtype;
    int64_t n = F->sizes[F->ndim - 1], nb = pts_la_nbatch(F);
    char uplo = a->upper ? 'U' : 'L';
    for (int64_t b = 0; b < nb && n > 0; b++) {
        int inf = 0;
        void *p = pts_la_mat(X, b, n * n);
        pts_la_potri(dt, uplo, (int)n, p, (int)n, &inf);
        ((int32_t *)pts_tensor_data(info))[b] = inf;
        for (int64_t j = 0; j < n; j++) /* mirror the computed triangle (conjugated: Hermitian) */
            for (int64_t i = j + 1; i < n; i++) {
                if (a->upper)
                    pts_la_setz(p, dt, i + j * n, conj(pts_la_getz(p, dt, j + i * n)));
                else
                    pts_la_setz(p, dt, j + i * n, conj(pts_la_getz(p, dt, i + j * n)));
            }
    }
    pts_status st = pts_la_check_info(api, info, F->ndim > 2, "The diagonal element %d is zero, the inversion could not "
                                                              "be completed because the input matrix is singular.");
    release(info);
    if (st) {
        release(X);
        return st;
    }
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

/* ---- ldl_factor(_ex), ldl_solve: Bunch-Kaufman LDL^T (LAPACK sytrf / sytrs) ---------------------- */

/* LD: sytrf's factor of the lower triangle (a Fortran batch, the strict upper triangle zeroed as
 * torch does), pivots: LAPACK's 1-based ipiv (negative pairs mark 2x2 blocks), info per matrix.
 * Complex: LDL^T (sytrf) or, hermitian, LDL^H (hetrf), as torch; real dtypes ignore hermitian. */
static pts_status ldl_factor(const pts_op *op, pts_tensor *A, bool hermitian, bool check, pts_value *rets, bool ex)
{
    (void)op;
    PTS_TRY(pts_la_check_matrix_cx(ex ? "torch.linalg.ldl_factor_ex" : "torch.linalg.ldl_factor", A, "A", true));
    int64_t n = A->sizes[A->ndim - 1], nbt = pts_la_nbatch(A);
    pts_tensor *LD = pts_la_copy(A, A->dtype, -1, NULL);
    pts_tensor *info = LD ? pts_la_info(A->ndim - 2, A->sizes) : NULL;
    pts_tensor *piv = info ? pts_tensor_empty(PTS_INT32, A->ndim - 1, A->sizes) : NULL;
    pts_status st = piv ? PTS_OK : pts_err_last();
    int *ip = piv ? pts_tensor_data(piv) : NULL, *inf = info ? pts_tensor_data(info) : NULL;
    for (int64_t b = 0; !st && b < nbt && n > 0; b++) {
        void *m = pts_la_mat(LD, b, n * n);
        st = pts_la_sytrf(A->dtype, hermitian, 'L', (int)n, m, (int)n, ip + b * n, &inf[b]);
        for (int64_t j = 1; !st && j < n; j++)
            for (int64_t i = 0; i < j; i++)
                pts_la_setz(m, A->dtype, j * n + i, 0.0);
    }
    if (!st && check)
        st = pts_la_check_info(ex ? "torch.linalg.ldl_factor_ex" : "torch.linalg.ldl_factor", info, A->ndim > 2,
                               "The factorization could not be completed because the input is singular (D(%d,%d) is "
                               "exactly zero)");
    if (st) {
        release(LD);
        release(info);
        release(piv);
        return st;
    }
    rets[0] = pts_ret_tensor(LD);
    rets[1] = pts_ret_tensor(piv);
    if (ex)
        rets[2] = pts_ret_tensor(info);
    else
        release(info);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_ldl_factor_ex) { return ldl_factor(op, a->self, a->hermitian, a->check_errors, rets, true); }
PTS_KERNEL(k_linalg_ldl_factor) { return ldl_factor(op, a->self, a->hermitian, false, rets, false); }

PTS_KERNEL(k_linalg_ldl_solve)
{
    pts_tensor *LD = a->LD, *piv = a->pivots, *B = a->B;
    const char *api = "torch.linalg.ldl_solve";
    PTS_TRY(pts_la_check_matrix_cx(api, LD, "LD", true));
    if (B->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor B must have at least 2 dimensions.", api);
    PTS_TRY(pts_la_check_same_dtype(api, B, "B", LD, "LD"));
    int64_t n = LD->sizes[LD->ndim - 1];
    bool piv_ok = pts_dtype_get(piv->dtype)->is_int && piv->ndim == LD->ndim - 1;
    for (int i = 0; piv_ok && i < piv->ndim; i++)
        piv_ok = piv->sizes[i] == LD->sizes[i];
    if (!piv_ok)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected pivots to be an integer tensor of LD's shape without its last "
                                          "dimension", api);
    if (B->sizes[B->ndim - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: Incompatible shapes of A and B for the equation AX = B (%lldx%lld and "
                                          "%lldx%lld)", api, (long long)n, (long long)n, (long long)B->sizes[B->ndim - 2],
                           (long long)B->sizes[B->ndim - 1]);
    int64_t bs[PTS_MAX_DIMS];
    int nb = 0;
    PTS_TRY(pts_la_broadcast_batch(api, B, 2, LD, 2, &nb, bs));
    pts_tensor *F = pts_la_copy(LD, LD->dtype, -1, NULL);
    pts_tensor *P = F ? pts_tensor_as_contiguous(piv, PTS_INT32) : NULL;
    pts_tensor *X = P ? pts_la_copy(B, B->dtype, nb, bs) : NULL;
    if (!X) {
        release(F);
        release(P);
        return pts_err_last();
    }
    const int *pp = pts_tensor_data(P);
    pts_status st = PTS_OK;
    for (int64_t b = 0; b < pts_la_nbatch(F) * n && !st; b++) /* pivots must be sytrf's: 1..n, or -1..-n */
        if (pp[b] == 0 || pp[b] > n || pp[b] < -n)
            st = pts_err_set(PTS_ERR_VALUE, "%s: invalid pivot %d for matrices of size %lld", api, pp[b], (long long)n);
    int64_t k = B->sizes[B->ndim - 1], tot = pts_la_nbatch(X);
    for (int64_t b = 0; !st && b < tot && n > 0 && k > 0; b++) {
        int inf = 0;
        int64_t fb = pts_la_bidx(b, nb, bs, LD, 2);
        pts_la_sytrs(LD->dtype, a->hermitian, 'L', (int)n, (int)k, pts_la_mat(F, fb, n * n), (int)n, pp + fb * n,
                     pts_la_mat(X, b, n * k), (int)n, &inf);
    }
    release(F);
    release(P);
    if (st) {
        release(X);
        return st;
    }
    rets[0] = pts_ret_tensor(X);
    return PTS_OK;
}

const pts_op_def pts_ops_la_cholesky[] = {
    PTS_OP("aten::linalg_ldl_factor_ex(Tensor self, *, bool hermitian=False, bool check_errors=False) -> (Tensor LD, Tensor pivots, Tensor info)", k_linalg_ldl_factor_ex),
    PTS_OP("aten::linalg_ldl_factor(Tensor self, *, bool hermitian=False) -> (Tensor LD, Tensor pivots)", k_linalg_ldl_factor),
    PTS_OP("aten::linalg_ldl_solve(Tensor LD, Tensor pivots, Tensor B, *, bool hermitian=False) -> Tensor", k_linalg_ldl_solve),
    PTS_OP("aten::linalg_cholesky(Tensor self, *, bool upper=False) -> Tensor", k_linalg_cholesky),
    PTS_OP("aten::linalg_cholesky_ex(Tensor self, *, bool upper=False, bool check_errors=False) -> (Tensor L, Tensor info)", k_linalg_cholesky_ex),
    PTS_OP("aten::cholesky_solve(Tensor self, Tensor input2, bool upper=False) -> Tensor", k_cholesky_solve),
    PTS_OP("aten::cholesky_inverse(Tensor self, bool upper=False) -> Tensor", k_cholesky_inverse),
    {NULL, NULL},
};
