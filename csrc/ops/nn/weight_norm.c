/* weight_norm.c - weight normalization (torch.nn.utils.weight_norm and
 * parametrizations.weight_norm, as in wav2vec2's positional convolution):
 * norm_except_dim, _weight_norm, _weight_norm_interface.
 *
 * norm_except_dim(v, pow, dim) is the pow-norm of v over every dim but
 * `dim` (kept as size 1), or over all of v when dim == -1 (a 0-d result).
 * _weight_norm(v, g, dim) = v * (g / norm_except_dim(v, 2, dim)); for dim 0
 * and dim v.dim() - 1 torch runs its fused kernel (_weight_norm_interface):
 * v and g of one dtype, g one value per slice, w = v * (g[k] / norm[k]);
 * any other dim (including -1) takes the broadcasting composite, with
 * type promotion between v and g.
 *
 * Norms are summed in double and rounded once to the dtype (torch sums in
 * float: the difference is its summation error); the scale g / norm and
 * the product are rounded to the dtype in torch's order.  float32,
 * float64 and float16 (which, as in torch, never takes the fused kernel);
 * other dtypes get a clean error.
 */
#include "ops/kernel.h"

static pts_status check_float(const char *opname, const pts_tensor *t)
{
    if (t->dtype != PTS_FLOAT32 && t->dtype != PTS_FLOAT64 && t->dtype != PTS_FLOAT16) {
        if (pts_is_float(t->dtype))
            return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dtype %s is not supported (float32, float64 and float16 are)",
                               opname, pts_dtype_torch_name(t->dtype));
        return pts_err_set(PTS_ERR_TYPE, "%s: input dtype should be either floating point or complex. Got %s instead.",
                           opname, pts_dtype_torch_name(t->dtype));
    }
    return PTS_OK;
}

static double pnorm(const double *x, int64_t n, double p)
{
    double s = 0;
    if (p == 0) {
        for (int64_t i = 0; i < n; i++)
            s += x[i] != 0;
        return s;
    }
    if (p == 1) {
        for (int64_t i = 0; i < n; i++)
            s += fabs(x[i]);
        return s;
    }
    if (p == 2) {
        for (int64_t i = 0; i < n; i++)
            s += x[i] * x[i];
        return sqrt(s);
    }
    for (int64_t i = 0; i < n; i++)
        s += pow(fabs(x[i]), p);
    return pow(s, 1 / p);
}

/* The pow-norms of v over every dim but d (d == -1: all dims) as a new
 * contiguous tensor of v's dtype, sizes 1 except d.  The empty cases fail
 * as torch's view(size(d), -1) and vector norm do. */
static pts_tensor *norm_except(const char *opname, pts_tensor *v, int64_t p, int64_t dim)
{
    bool mask[PTS_MAX_DIMS];
    int64_t sizes[PTS_MAX_DIMS];
    int d = -1;
    if (dim != -1) {
        if (v->ndim == 0) {
            pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", opname,
                        (long long)dim);
            return NULL;
        }
        if (pts_wrap_dim(dim, v->ndim, opname, &d) != PTS_OK)
            return NULL;
    }
    int64_t numel = pts_tensor_numel(v);
    if (numel == 0 && d >= 0 && v->sizes[d] == 0) {
        pts_err_set(PTS_ERR_VALUE, "%s: cannot reshape tensor of 0 elements into shape [0, -1] because the "
                                   "unspecified dimension size -1 can be any value and is ambiguous", opname);
        return NULL;
    }
    if (numel == 0 && p < 0) {
        pts_err_set(PTS_ERR_INDEX, "%s: linalg.vector_norm cannot compute the %lld norm on an empty tensor because the "
                                   "operation does not have an identity", opname, (long long)p);
        return NULL;
    }
    for (int i = 0; i < v->ndim; i++) {
        mask[i] = i != d;
        sizes[i] = i == d ? v->sizes[i] : 1;
    }
    pts_rows r;
    if (pts_rows_make(v, mask, true, PTS_FLOAT64, &r) != PTS_OK)
        return NULL;
    pts_tensor *out = pts_tensor_empty(v->dtype, d >= 0 ? v->ndim : 0, sizes);
    if (out) {
        for (int64_t i = 0; i < r.rows; i++) {
            double nv = pnorm(pts_f64(r.flat) + i * r.inner, r.inner, (double)p);
            pts_store_f64((char *)pts_tensor_data(out) + i * pts_dtype_get(v->dtype)->itemsize, v->dtype, nv);
        }
    }
    pts_obj_release(&r.flat->hdr);
    return out;
}

/* aten::norm_except_dim(Tensor v, int pow=2, int dim=0) -> Tensor */
PTS_KERNEL(k_norm_except_dim)
{
    PTS_TRY(check_float(OPN, a->v));
    return pts_ret(norm_except(OPN, a->v, a->pow, a->dim), rets);
}

/* ---- the broadcasting composite: w = v * (g / n) -------------------------------------------- */

/* Each of g / n and v * q in double, rounded once to the result dtype:
 * for float32 and float16 results that is the correctly rounded float
 * operation torch performs (53 >= 2 * 24 + 2 bits: no double-rounding). */
static void composite_body(void *ctx, char **data, const int64_t *st, int64_t n)
{
    const int *dt = ctx;
    for (int64_t i = 0; i < n; i++) {
        double v = pts_load_f64(data[1] + i * st[1], *dt), g = pts_load_f64(data[2] + i * st[2], *dt);
        double nv = pts_load_f64(data[3] + i * st[3], *dt);
        char q[8];
        pts_store_f64(q, *dt, g / nv);
        pts_store_f64(data[0] + i * st[0], *dt, v * pts_load_f64(q, *dt));
    }
}

/* v * (g / norm_except_dim(v, 2, dim)) in promote(v, g) (new tensor or NULL). */
static pts_tensor *composite(const char *opname, pts_tensor *v, pts_tensor *g, int64_t dim)
{
    int rd = pts_promote_types(v->dtype, g->dtype);
    pts_tensor *nv = norm_except(opname, v, 2, dim), *vc = NULL, *gc = NULL, *nc = NULL, *out = NULL;
    if (!nv)
        return NULL;
    pts_tensor *ts[3] = {v, g, nv};
    int nd = 0;
    int64_t sizes[PTS_MAX_DIMS];
    if (pts_broadcast_tensors_shape(3, ts, &nd, sizes, opname) != PTS_OK)
        goto done;
    vc = pts_tensor_to_dtype(v, rd);
    gc = vc ? pts_tensor_to_dtype(g, rd) : NULL;
    nc = gc ? pts_tensor_to_dtype(nv, rd) : NULL;
    out = nc ? pts_tensor_empty(rd, nd, sizes) : NULL;
    if (out) {
        pts_iter it;
        pts_tensor *ops[4] = {out, vc, gc, nc};
        if (pts_iter_init(&it, 4, ops, opname) != PTS_OK) {
            pts_obj_release(&out->hdr);
            out = NULL;
        } else {
            pts_iter_run(&it, composite_body, &rd);
        }
    }
done:
    pts_obj_release(&nv->hdr);
    if (vc)
        pts_obj_release(&vc->hdr);
    if (gc)
        pts_obj_release(&gc->hdr);
    if (nc)
        pts_obj_release(&nc->hdr);
    return out;
}

/* ---- the fused kernel (dim 0 or the last dim) ------------------------------------------------- */

/* ATen's fused kernel, for v and g of one dtype: per slice k along d (0 or
 * the last dim), norm[k] = sqrt(sum of squares) and a = g[k] / norm[k] in
 * the accumulation type (float32 for float32 and float16, float64 for
 * float64), w = v * a rounded to v's dtype.  *w: new tensor of v's shape
 * and dtype; *norm: new tensor of g's shape in the accumulation type.
 * (Each step is done in double and rounded once: correctly rounded as
 * ATen's float operations are, except the sum, whose float rounding in
 * ATen is its own.) */
static pts_status fused(const char *opname, pts_tensor *v, pts_tensor *g, int64_t dim, pts_tensor **w, pts_tensor **norm)
{
    if (v->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", opname,
                           (long long)dim);
    if (g->dtype != v->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type %s but found %s", opname,
                           pts_dtype_torch_name(v->dtype), pts_dtype_torch_name(g->dtype));
    int d = dim == 0 ? 0 : v->ndim - 1;
    int64_t K = v->sizes[d];
    if (pts_tensor_numel(g) != K)
        return pts_err_set(PTS_ERR_VALUE, "%s: g should have %lld elements (v.size(%d)), not %lld", opname,
                           (long long)K, d, (long long)pts_tensor_numel(g));
    int acc = v->dtype == PTS_FLOAT64 ? PTS_FLOAT64 : PTS_FLOAT32;
    pts_tensor *v64 = NULL, *g64 = NULL, *n64 = NULL, *out = NULL, *nr = NULL;
    double *scale = NULL;
    pts_status st = PTS_OK;
    if (!(v64 = pts_tensor_to_dtype(v, PTS_FLOAT64)) || !(n64 = norm_except(opname, v64, 2, d)) ||
        !(g64 = pts_tensor_to_dtype(g, PTS_FLOAT64)) || !(out = pts_tensor_empty(v->dtype, v->ndim, v->sizes)) ||
        !(nr = pts_tensor_empty(acc, g->ndim, g->sizes))) {
        st = pts_err_last();
        goto done;
    }
    if (!(scale = pts_malloc(sizeof(double) * (size_t)(K ? K : 1)))) {
        st = pts_err_set(PTS_ERR_NOMEM, "%s: out of memory", opname);
        goto done;
    }
    size_t wsz = pts_dtype_get(v->dtype)->itemsize, nsz = pts_dtype_get(acc)->itemsize;
    for (int64_t k = 0; k < K; k++) {
        char tmp[8];
        pts_store_f64((char *)pts_tensor_data(nr) + k * nsz, acc, pts_f64(n64)[k]);
        double nk = pts_load_f64((char *)pts_tensor_data(nr) + k * nsz, acc);
        pts_store_f64(tmp, acc, pts_f64(g64)[k] / nk);
        scale[k] = pts_load_f64(tmp, acc);
    }
    int64_t n = pts_tensor_numel(v), inner = 1;
    for (int i = d + 1; i < v->ndim; i++)
        inner *= v->sizes[i];
    for (int64_t i = 0; i < n; i++)
        pts_store_f64((char *)pts_tensor_data(out) + i * wsz, v->dtype, pts_f64(v64)[i] * scale[(i / inner) % K]);
    *w = out;
    *norm = nr;
    out = nr = NULL;
done:
    pts_free(scale);
    if (n64)
        pts_obj_release(&n64->hdr);
    if (v64)
        pts_obj_release(&v64->hdr);
    if (g64)
        pts_obj_release(&g64->hdr);
    if (out)
        pts_obj_release(&out->hdr);
    if (nr)
        pts_obj_release(&nr->hdr);
    return st;
}

/* torch's choice: the fused kernel for dim 0 and dim v.dim() - 1 (as given, not wrapped). */
static bool is_fused(const pts_tensor *v, int64_t dim) { return dim == 0 || dim == v->ndim - 1; }

/* aten::_weight_norm(Tensor v, Tensor g, int dim=0) -> Tensor */
PTS_KERNEL(k__weight_norm)
{
    PTS_TRY(check_float(OPN, a->v));
    if (!is_fused(a->v, a->dim)) { /* g of any real dtype: promoted with v's */
        PTS_TRY(pts_check_real(OPN, a->g->dtype));
        return pts_ret(composite(OPN, a->v, a->g, a->dim), rets);
    }
    PTS_TRY(check_float(OPN, a->g));
    pts_tensor *w, *norm;
    PTS_TRY(fused(OPN, a->v, a->g, a->dim, &w, &norm));
    pts_obj_release(&norm->hdr);
    return pts_ret(w, rets);
}

/* aten::_weight_norm_interface(Tensor v, Tensor g, int dim=0) -> (Tensor, Tensor) */
PTS_KERNEL(k__weight_norm_interface)
{
    PTS_TRY(check_float(OPN, a->v));
    PTS_TRY(check_float(OPN, a->g));
    if (!is_fused(a->v, a->dim))
        return pts_err_set(PTS_ERR_VALUE, "%s: fused kernels can only be applied for first or last dim (dim %lld of a "
                                          "%d-D tensor)", OPN, (long long)a->dim, a->v->ndim);
    pts_tensor *w, *norm;
    PTS_TRY(fused(OPN, a->v, a->g, a->dim, &w, &norm));
    rets[0] = pts_ret_tensor(w);
    rets[1] = pts_ret_tensor(norm);
    return PTS_OK;
}

const pts_op_def pts_ops_weight_norm[] = {
    PTS_OP("aten::_weight_norm(Tensor v, Tensor g, int dim=0) -> Tensor", k__weight_norm),
    PTS_OP("aten::norm_except_dim(Tensor v, int pow=2, int dim=0) -> Tensor", k_norm_except_dim),
    PTS_OP("aten::_weight_norm_interface(Tensor v, Tensor g, int dim=0) -> (Tensor, Tensor)", k__weight_norm_interface),
    {NULL, NULL},
};
