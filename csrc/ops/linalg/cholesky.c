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
                    pts_la_set(p, dt, i + j * n, 0);
    }
}

static pts_status cholesky_impl(const char *api, pts_tensor *A, bool upper, bool check, pts_value *rets, bool with_info)
{
    if (A->ndim >= 2 && (A->dtype == PTS_FLOAT16 || A->dtype == PTS_BFLOAT16))
        return pts_err_set(PTS_ERR_TYPE, "\"cholesky_cpu\" not implemented for '%s'", pts_dtype_torch_name(A->dtype));
    PTS_TRY(pts_la_check_matrix("linalg.cholesky", A, "A", true));
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
    if (B->dtype != PTS_FLOAT32 && B->dtype != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE, "\"cholesky_solve_cpu\" not implemented for '%s'", pts_dtype_torch_name(B->dtype));
    int64_t n = F->sizes[F->ndim - 1];
    if (F->sizes[F->ndim - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "A must be batches of square matrices, but they are %lld by %lld matrices",
                           (long long)F->sizes[F->ndim - 2], (long long)n);
    if (B->sizes[B->ndim - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "Incompatible matrix sizes for cholesky_solve: each A matrix is %lld by %lld but "
                                          "each b matrix is %lld by %lld", (long long)n, (long long)n,
                           (long long)B->sizes[B->ndim - 2], (long long)B->sizes[B->ndim - 1]);
    PTS_TRY(pts_la_check_matrix("cholesky_solve", F, "A", true));
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
    PTS_TRY(pts_la_check_matrix(api, F, "A", true));
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
        for (int64_t j = 0; j < n; j++) /* mirror the computed triangle */
            for (int64_t i = j + 1; i < n; i++) {
                if (a->upper)
                    pts_la_set(p, dt, i + j * n, pts_la_get(p, dt, j + i * n));
                else
                    pts_la_set(p, dt, j + i * n, pts_la_get(p, dt, i + j * n));
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

const pts_op_def pts_ops_la_cholesky[] = {
    PTS_OP("aten::linalg_cholesky(Tensor self, *, bool upper=False) -> Tensor", k_linalg_cholesky),
    PTS_OP("aten::linalg_cholesky_ex(Tensor self, *, bool upper=False, bool check_errors=False) -> (Tensor L, Tensor info)", k_linalg_cholesky_ex),
    PTS_OP("aten::cholesky_solve(Tensor self, Tensor input2, bool upper=False) -> Tensor", k_cholesky_solve),
    PTS_OP("aten::cholesky_inverse(Tensor self, bool upper=False) -> Tensor", k_cholesky_inverse),
    {NULL, NULL},
};
