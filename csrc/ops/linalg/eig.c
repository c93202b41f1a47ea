/* eig.c - the general (non-symmetric) eigenproblem through LAPACK's geev
 * (lapack.h: pts_la_geev, s/d/c/z): linalg_eig and linalg_eigvals.
 *
 * Results are complex (complex64 for float32 / complex64 input, complex128 for
 * float64 / complex128), as torch returns them.  Eigenvalues come in LAPACK's
 * order; eigenvectors are LAPACK's right vectors, each of unit 2-norm with its
 * largest component real (geev's normalisation, which torch keeps).  For a real
 * input, geev returns a complex pair (w_j, conj w_j) as two real columns j, j+1
 * of VR; torch (linalg_eig_make_complex_eigenvectors) turns them into
 * v_j = VR[:,j] + i VR[:,j+1] and v_{j+1} = conj(v_j), as below.
 * eigvals runs geev without vectors (jobvr 'N'), as torch does for an input
 * that needs no gradient.  Vectors are a Fortran batch (strides 1, n in the
 * last two dims), values contiguous [..., n].  Inputs holding inf or NaN are
 * refused with torch's message (LAPACK would loop or return garbage; torch's
 * eigvals does not check and crashes in its LAPACK: pyts refuses it too). */
#include <complex.h>

#include "ops/linalg/lapack.h"
#include "tensor/cplx.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* W [batch.., n] and, when vecs, V [batch.., n, n] (new refs) */
static pts_status eig_core(const pts_tensor *A, bool vecs, pts_tensor **W, pts_tensor **V)
{
    const char *api = vecs ? "linalg.eig" : "linalg.eigvals";
    *W = *V = NULL;
    int dt = A->dtype;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor A must have at least 2 dimensions.", api);
    int nd = A->ndim;
    int64_t n = A->sizes[nd - 1];
    if (A->sizes[nd - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: A must be batches of square matrices, but they are %lld by %lld matrices",
                           api, (long long)A->sizes[nd - 2], (long long)n);
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64 && !pts_dtype_is_complex(dt)) {
        if (pts_is_float(dt))
            return pts_err_set(PTS_ERR_TYPE, "\"linalg_eig_out_cpu\" not implemented for '%s'",
                               pts_dtype_torch_name(dt));
        return pts_err_set(PTS_ERR_TYPE, "Unknown Complex ScalarType for %s", pts_dtype_torch_name(dt));
    }
    if (n > 46340)
        return pts_err_set(PTS_ERR_VALUE, "%s: matrix too large for LAPACK's 32-bit sizes", api);
    bool cplx = pts_dtype_is_complex(dt);
    int cdt = pts_dtype_to_complex(dt), rdt = pts_dtype_real(dt);
    pts_tensor *c = pts_tensor_to_dtype(A, dt); /* contiguous, row-major */
    if (!c)
        return pts_err_last();
    int64_t nb = pts_la_nbatch(A), per = n * n, tot = nb * per;
    /* torch checks the whole input first */
    const void *cd = pts_tensor_data(c);
    int64_t nreal = cplx ? 2 * tot : tot;
    for (int64_t i = 0; i < nreal; i++) {
        double x = rdt == PTS_FLOAT32 ? (double)((const float *)cd)[i] : ((const double *)cd)[i];
        if (!isfinite(x)) {
            release(c);
            return pts_err_set(PTS_ERR_VALUE, "torch.%s: input tensor should not contain infs or NaNs.", api);
        }
    }
    pts_tensor *w = pts_tensor_empty(cdt, nd - 1, A->sizes);
    pts_tensor *v = w && vecs ? pts_la_empty(cdt, nd, A->sizes) : NULL;
    pts_tensor *info = w && (v || !vecs) ? pts_la_info(nd - 2, A->sizes) : NULL;
    int es = pts_dtype_get(dt)->itemsize;
    /* per matrix: a (column-major copy), wr, wi, vr (real) */
    size_t wbytes = (size_t)(per + 2 * n + (vecs ? per : 0) + 2) * (size_t)es;
    char *buf = info ? pts_malloc(wbytes) : NULL;
    pts_status st = buf ? PTS_OK : info ? pts_err_nomem("linalg.eig workspace", wbytes) : pts_err_last();
    char *am = buf, *wr = am + per * es, *wi = wr + n * es, *vr = wi + n * es;
    for (int64_t b = 0; !st && b < nb && n > 0; b++) {
        const char *src = (const char *)cd + b * per * es;
        for (int64_t i = 0; i < n; i++) /* row-major -> column-major */
            for (int64_t j = 0; j < n; j++)
                memcpy(am + (i + j * n) * es, src + (i * n + j) * es, (size_t)es);
        int inf = 0;
        st = pts_la_geev(cplx ? dt : rdt, vecs ? 'V' : 'N', (int)n, am, (int)n, wr, wi, vecs ? vr : NULL,
                         vecs ? (int)n : 1, &inf);
        ((int32_t *)pts_tensor_data(info))[b] = inf;
        if (st || inf)
            continue;
        char *wo = (char *)pts_tensor_data(w) + b * n * 2 * (int64_t)pts_dtype_get(rdt)->itemsize;
        char *vo = vecs ? (char *)pts_tensor_data(v) + b * per * 2 * (int64_t)pts_dtype_get(rdt)->itemsize : NULL;
        if (cplx) {
            memcpy(wo, wr, (size_t)(n * es));
            if (vecs)
                memcpy(vo, vr, (size_t)(per * es));
            continue;
        }
        /* real geev -> complex values and vectors (torch's pairing of VR's columns) */
        for (int64_t j = 0; j < n; j++) {
            pts_la_set(wo, rdt, 2 * j, pts_la_get(wr, rdt, j));
            pts_la_set(wo, rdt, 2 * j + 1, pts_la_get(wi, rdt, j));
        }
        if (!vecs)
            continue;
        for (int64_t j = 0; j < n; j++) {
            bool pair = pts_la_get(wi, rdt, j) != 0 && j + 1 < n;
            for (int64_t i = 0; i < n; i++) {
                double re = pts_la_get(vr, rdt, i + j * n);
                double im = pair ? pts_la_get(vr, rdt, i + (j + 1) * n) : 0.0;
                pts_la_set(vo, rdt, 2 * (i + j * n), re);
                pts_la_set(vo, rdt, 2 * (i + j * n) + 1, im);
                if (pair) {
                    pts_la_set(vo, rdt, 2 * (i + (j + 1) * n), re);
                    pts_la_set(vo, rdt, 2 * (i + (j + 1) * n) + 1, -im);
                }
            }
            if (pair)
                j++;
        }
    }
    pts_free(buf);
    release(c);
    if (!st)
        st = pts_la_check_info(api, info, nd > 2,
                               "The algorithm failed to converge because the input matrix is ill-conditioned or has "
                               "too many repeated eigenvalues (error code: %d).");
    release(info);
    if (st) {
        release(w);
        release(v);
        return st;
    }
    *W = w;
    *V = v;
    return PTS_OK;
}

PTS_KERNEL(k_linalg_eig)
{
    pts_tensor *W, *V;
    PTS_TRY(eig_core(a->self, true, &W, &V));
    rets[0] = pts_ret_tensor(W);
    rets[1] = pts_ret_tensor(V);
    return PTS_OK;
}

PTS_KERNEL(k_linalg_eigvals)
{
    pts_tensor *W, *V;
    PTS_TRY(eig_core(a->self, false, &W, &V));
    rets[0] = pts_ret_tensor(W);
    return PTS_OK;
}

const pts_op_def pts_ops_la_eig[] = {
    PTS_OP("aten::linalg_eig(Tensor self) -> (Tensor eigenvalues, Tensor eigenvectors)", k_linalg_eig),
    PTS_OP("aten::linalg_eigvals(Tensor self) -> Tensor", k_linalg_eigvals),
    {NULL, NULL},
};
