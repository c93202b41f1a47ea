/* norm.c - linalg_vector_norm: the p-norm (0, 1, 2, +-inf, any p) of a
 * tensor over dims, computed in double over the rows layout of ops/kernel.h,
 * with torch's dtype rules and its empty-tensor errors for p < 0 and inf.
 */
#include "ops/compose.h"
#include "tensor/cplx.h"

static double vnorm_row(const double *x, int64_t n, double p)
{
    if (p == 0) {
        double c = 0;
        for (int64_t i = 0; i < n; i++)
            c += x[i] != 0;
        return c;
    }
    if (isinf(p)) {
        double m = p > 0 ? 0 : INFINITY;
        for (int64_t i = 0; i < n; i++) {
            double a = fabs(x[i]);
            if (isnan(a))
                return a;
            m = p > 0 ? (a > m ? a : m) : (a < m ? a : m);
        }
        return m;
    }
    double s = 0;
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

/* linalg_vector_norm(self, ord=2, dim?, keepdim, *, dtype?) */
PTS_KERNEL(k_linalg_vector_norm)
{
    pts_tensor *t = a->self;
    double p = pts_arg_double(a->ord);
    int want = a->dtype;
    if (pts_dtype_is_complex(t->dtype)) {
        /* the norm of the moduli, in the real dtype of the (dtype=) complex input, as torch */
        if (want >= 0 && !pts_dtype_is_complex(want))
            return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vector_norm: dtype should be complex for a complex input, but got "
                                             "%s", OPN, pts_dtype_torch_name(want));
        if (want >= 0 && want != t->dtype && pts_promote_types(t->dtype, want) != want)
            return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vector_norm: the dtype of the input (%s) should be convertible "
                                             "without narrowing to the specified dtype (%s)", OPN,
                               pts_dtype_torch_name(t->dtype), pts_dtype_torch_name(want));
        pts_tensor *c = want >= 0 && want != t->dtype ? pts_tensor_to_dtype(t, want) : NULL;
        if (want >= 0 && want != t->dtype && !c)
            return pts_err_last();
        pts_value v = pts_tv(c ? c : t), m = pts_none();
        pts_status st = pts_call("aten::abs", 1, &v, &m);
        pts_tdrop(c);
        if (st)
            return st;
        pts_value args[4] = {m, a->ord, a->dim, pts_bool(a->keepdim)};
        st = pts_call("aten::linalg_vector_norm", 4, args, rets);
        pts_value_release(m);
        return st;
    }
    if (!pts_is_float(t->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                         "Got %s", OPN, pts_dtype_torch_name(t->dtype));
    if (want >= 0 && !pts_is_float(want))
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vector_norm: dtype should be floating point or complex, but got %s",
                           OPN, pts_dtype_torch_name(want));
    if (want >= 0 && want != t->dtype && pts_promote_types(t->dtype, want) != want)
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vector_norm: the dtype of the input (%s) should be convertible "
                                         "without narrowing to the specified dtype (%s)", OPN, pts_dtype_torch_name(t->dtype),
                           pts_dtype_torch_name(want));
    int rd = want >= 0 ? want : t->dtype;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, a->dim, t->ndim, true, mask));
    if (pts_tensor_numel(t) == 0 && (p < 0 || isinf(p))) {
        bool bad = t->ndim == 0;
        for (int i = 0; i < t->ndim; i++)
            bad |= mask[i] && t->sizes[i] == 0;
        if (bad) {
            char ps[32];
            if (isinf(p))
                snprintf(ps, sizeof ps, "%sinf", p < 0 ? "-" : "");
            else
                snprintf(ps, sizeof ps, "%g", p);
            return pts_err_set(PTS_ERR_INDEX, "%s: linalg.vector_norm cannot compute the %s norm on an empty tensor because "
                                              "the operation does not have an identity", OPN, ps);
        }
    }
    pts_tensor *src = t;
    if (rd != t->dtype) {
        src = pts_tensor_to_dtype(t, rd);
        if (!src)
            return pts_err_last();
    } else {
        pts_obj_retain(&t->hdr);
    }
    pts_rows r;
    pts_status st = pts_rows_make(src, mask, a->keepdim, PTS_FLOAT64, &r);
    pts_obj_release(&src->hdr);
    if (st)
        return st;
    pts_tensor *out = pts_tensor_empty(PTS_FLOAT64, r.out_nd, r.out_sizes);
    if (!out) {
        pts_obj_release(&r.flat->hdr);
        return pts_err_last();
    }
    for (int64_t i = 0; i < r.rows; i++)
        pts_f64(out)[i] = vnorm_row(pts_f64(r.flat) + i * r.inner, r.inner, p);
    pts_obj_release(&r.flat->hdr);
    return pts_ret_as(out, rd, rets);
}

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_vector_norm[] = {
    PTS_OP("aten::linalg_vector_norm(Tensor self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_linalg_vector_norm),
    {NULL, NULL},
};
