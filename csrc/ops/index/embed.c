/* embed.c - writing into a copy of a tensor and finding elements:
 * select_scatter / slice_scatter / diagonal_scatter / as_strided_scatter
 * (the out-of-place inverses of the views: a clone of self with the view's
 * elements replaced by src), masked_scatter, put, argwhere, nonzero_static,
 * isin.
 */
#include <stdlib.h>

#include "ops/compose.h"

/* ---- the view scatters ----------------------------------------------------------------------- */

/* clone(self) (torch's preserve_format), then view(clone, vargs...) <- src (same shape as the view) */
static pts_status view_scatter(const pts_op *op, pts_tensor *self, pts_tensor *src, const char *view_op, int nv,
                               pts_value *vargs, pts_value *rets)
{
    pts_value cargs[1] = {pts_tv(self)};
    pts_tensor *out = pts_call_t("aten::clone", 1, cargs);
    if (!out)
        return pts_err_last();
    vargs[0] = pts_tv(out);
    pts_tensor *v = pts_call_t(view_op, nv, vargs);
    pts_status st = v ? PTS_OK : pts_err_last();
    if (!st) {
        bool same = v->ndim == src->ndim;
        for (int i = 0; same && i < v->ndim; i++)
            same = v->sizes[i] == src->sizes[i];
        if (!same) {
            char a1[96], a2[96];
            pts_shape_str(src->ndim, src->sizes, a1, sizeof a1);
            pts_shape_str(v->ndim, v->sizes, a2, sizeof a2);
            st = pts_err_set(PTS_ERR_VALUE, "%s: expected src to have a size equal to the slice of self. src size = %s, "
                                            "slice size = %s", OPN, a1, a2);
        }
    }
    if (!st)
        st = pts_tensor_copy_into(v, src, OPN);
    pts_tdrop(v);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_select_scatter)
{
    pts_value v[3] = {pts_none(), pts_int(a->dim), pts_int(a->index)};
    return view_scatter(op, a->self, a->src, "aten::select.int", 3, v, rets);
}

PTS_KERNEL(k_slice_scatter)
{
    pts_value v[5] = {pts_none(), pts_int(a->dim), a->has_start ? pts_int(a->start) : pts_none(),
                      a->has_end ? pts_int(a->end) : pts_none(), pts_int(a->step)};
    return view_scatter(op, a->self, a->src, "aten::slice.Tensor", 5, v, rets);
}

PTS_KERNEL(k_diagonal_scatter)
{
    pts_value v[4] = {pts_none(), pts_int(a->offset), pts_int(a->dim1), pts_int(a->dim2)};
    return view_scatter(op, a->self, a->src, "aten::diagonal", 4, v, rets);
}

PTS_KERNEL(k_as_strided_scatter)
{
    pts_value v[4] = {pts_none(), a->size, a->stride, a->has_storage_offset ? pts_int(a->storage_offset) : pts_none()};
    return view_scatter(op, a->self, a->src, "aten::as_strided", 4, v, rets);
}

/* ---- masked_scatter, put --------------------------------------------------------------------- */

PTS_KERNEL(k_masked_scatter)
{
    pts_tensor *self = a->self, *mask = a->mask, *src = a->source;
    if (mask->dtype != PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: masked_scatter_ only supports boolean masks, but got mask with dtype %s",
                           OPN, pts_dtype_torch_name(mask->dtype));
    if (src->dtype != self->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: masked_scatter: expected self and source to have same dtypes but got %s "
                                         "and %s", OPN, pts_dtype_torch_name(self->dtype), pts_dtype_torch_name(src->dtype));
    pts_tensor *ts[2] = {self, mask};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    pts_tensor *out = pts_tensor_empty(self->dtype, nd, shape);
    pts_tensor *m = out ? pts_tensor_empty(PTS_BOOL, nd, shape) : NULL;
    pts_tensor *s = m ? pts_tensor_as_contiguous(src, -1) : NULL;
    pts_status st = s ? PTS_OK : pts_err_last();
    if (!st)
        st = pts_tensor_copy_into(out, self, OPN);
    if (!st)
        st = pts_tensor_copy_into(m, mask, OPN);
    if (!st) {
        int64_t n = pts_tensor_numel(out), ns = pts_tensor_numel(s), k = 0;
        size_t isz = pts_dtype_get(out->dtype)->itemsize;
        const bool *mp = pts_tensor_data(m);
        char *o = pts_tensor_data(out);
        const char *sp = pts_tensor_data(s);
        for (int64_t i = 0; i < n && !st; i++)
            if (mp[i]) {
                if (k >= ns) {
                    st = pts_err_set(PTS_ERR_VALUE, "%s: Number of elements of source < number of ones in mask", OPN);
                    break;
                }
                memcpy(o + (size_t)i * isz, sp + (size_t)(k++) * isz, isz);
            }
    }
    pts_tdrop(m);
    pts_tdrop(s);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_put)
{
    pts_tensor *self = a->self, *index = a->index, *src = a->source;
    if (index->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: put_(): Expected a long tensor for index, but got %s", OPN,
                           pts_dtype_torch_name(index->dtype));
    if (src->dtype != self->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: put_(): self and source expected to have the same dtype, but got "
                                         "self.dtype = %s and source.dtype = %s", OPN, pts_dtype_torch_name(self->dtype),
                           pts_dtype_torch_name(src->dtype));
    int64_t ni = pts_tensor_numel(index), numel = pts_tensor_numel(self);
    if (pts_tensor_numel(src) != ni)
        return pts_err_set(PTS_ERR_VALUE, "%s: put_(): Expected source and index to have the same number of elements, "
                                          "but got source.numel() = %lld, index.numel() = %lld", OPN,
                           (long long)pts_tensor_numel(src), (long long)ni);
    if (numel == 0 && ni > 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: put_(): Tried to put elements into an empty tensor", OPN);
    pts_tensor *out = pts_tensor_contiguous_copy(self);
    pts_tensor *ix = out ? pts_tensor_as_contiguous(index, PTS_INT64) : NULL;
    pts_tensor *s = ix ? pts_tensor_as_contiguous(src, -1) : NULL;
    pts_status st = s ? PTS_OK : pts_err_last();
    if (!st) {
        const int64_t *ip = pts_tensor_data(ix);
        char *o = pts_tensor_data(out);
        const char *sp = pts_tensor_data(s);
        int dt = out->dtype;
        size_t isz = pts_dtype_get(dt)->itemsize;
        bool flt = pts_is_float(dt);
        for (int64_t i = 0; i < ni; i++) {
            int64_t j = ip[i];
            if (j < -numel || j >= numel) {
                st = pts_err_set(PTS_ERR_INDEX, "%s: out of range: tried to access index %lld on a tensor of %lld "
                                                "elements.", OPN, (long long)j, (long long)numel);
                break;
            }
            if (j < 0)
                j += numel;
            char *dst = o + (size_t)j * isz;
            const char *sv = sp + (size_t)i * isz;
            if (!a->accumulate)
                memcpy(dst, sv, isz);
            else if (dt == PTS_BOOL)
                *(bool *)dst = *(bool *)dst || *(const bool *)sv;
            else if (flt)
                pts_store_f64(dst, dt, pts_load_f64(dst, dt) + pts_load_f64(sv, dt));
            else
                pts_store_i64(dst, dt, (int64_t)((uint64_t)pts_load_i64(dst, dt) + (uint64_t)pts_load_i64(sv, dt)));
        }
    }
    pts_tdrop(ix);
    pts_tdrop(s);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    /* the result keeps self's shape (out is its contiguous copy) */
    return pts_ret(out, rets);
}

/* ---- argwhere, nonzero_static ---------------------------------------------------------------- */

PTS_KERNEL(k_argwhere)
{
    pts_value args[1] = {pts_tv(a->self)};
    return pts_call("aten::nonzero", 1, args, rets);
}

PTS_KERNEL(k_nonzero_static)
{
    if (a->size < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: nonzero_static: 'size' must be an non-negative integer", OPN);
    pts_value args[1] = {pts_tv(a->self)};
    pts_tensor *nz = pts_call_t("aten::nonzero", 1, args);
    if (!nz)
        return pts_err_last();
    int64_t nd = a->self->ndim, shape[2] = {a->size, nd}, have = nz->sizes[0];
    pts_tensor *out = pts_tensor_empty(PTS_INT64, 2, shape);
    if (!out) {
        pts_tdrop(nz);
        return pts_err_last();
    }
    pts_tensor *c = pts_tensor_as_contiguous(nz, PTS_INT64);
    pts_tdrop(nz);
    if (!c) {
        pts_tdrop(out);
        return pts_err_last();
    }
    int64_t *o = pts_tensor_data(out);
    const int64_t *p = pts_tensor_data(c);
    for (int64_t i = 0; i < a->size; i++)
        for (int64_t j = 0; j < nd; j++)
            o[i * nd + j] = i < have ? p[i * nd + j] : a->fill_value;
    pts_tdrop(c);
    return pts_ret(out, rets);
}

/* ---- isin ------------------------------------------------------------------------------------ */

static int cmp_f64(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* elements (a tensor or a number) in test (a tensor or a number): a bool tensor of elements' shape */
static pts_status isin_run(const pts_op *op, pts_value elements, pts_value test, bool invert, pts_value *rets)
{
    pts_value in[2] = {elements, test};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    PTS_TRY(pts_check_real(OPN, common));
    for (int i = 0; i < 2; i++)
        if (in[i].tag == PTS_T_BOOL || (in[i].tag == PTS_T_TENSOR && PTS_TENSOR(in[i])->dtype == PTS_BOOL))
            return pts_err_set(PTS_ERR_TYPE, "%s: Unsupported input type encountered for isin(): Bool", OPN);
    bool flt = pts_is_float(common);
    int cd = flt ? PTS_FLOAT64 : PTS_INT64;
    pts_tensor *e = NULL, *t = NULL, *ec = NULL, *tc = NULL;
    /* each side rounded to the common dtype first (as torch's comparison in it), then widened */
    e = elements.tag == PTS_T_TENSOR ? pts_tensor_to_dtype(PTS_TENSOR(elements), common)
                                     : pts_tensor_from_scalar(elements, common);
    t = e ? (test.tag == PTS_T_TENSOR ? pts_tensor_to_dtype(PTS_TENSOR(test), common) : pts_tensor_from_scalar(test, common))
          : NULL;
    ec = t ? pts_tensor_to_dtype(e, cd) : NULL;
    tc = ec ? pts_tensor_to_dtype(t, cd) : NULL;
    pts_tensor *out = tc ? pts_tensor_empty(PTS_BOOL, ec->ndim, ec->sizes) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    if (!st) {
        int64_t n = pts_tensor_numel(ec), m = pts_tensor_numel(tc);
        size_t w = 8;
        if (flt) { /* NaN equals nothing: drop it from the test set */
            double *tp = pts_f64(tc);
            int64_t k = 0;
            for (int64_t i = 0; i < m; i++)
                if (!isnan(tp[i]))
                    tp[k++] = tp[i];
            m = k;
        }
        qsort(pts_tensor_data(tc), (size_t)m, w, flt ? cmp_f64 : cmp_i64);
        bool *o = pts_tensor_data(out);
        for (int64_t i = 0; i < n; i++) {
            const void *key = (const char *)pts_tensor_data(ec) + (size_t)i * w;
            bool found = !(flt && isnan(*(const double *)key)) &&
                         bsearch(key, pts_tensor_data(tc), (size_t)m, w, flt ? cmp_f64 : cmp_i64) != NULL;
            o[i] = found != invert;
        }
    }
    pts_tdrop(e);
    pts_tdrop(t);
    pts_tdrop(ec);
    pts_tdrop(tc);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_isin_tt) { return isin_run(op, pts_tv(a->elements), pts_tv(a->test_elements), a->invert, rets); }
PTS_KERNEL(k_isin_ts) { return isin_run(op, pts_tv(a->elements), a->test_element, a->invert, rets); }
PTS_KERNEL(k_isin_st) { return isin_run(op, a->element, pts_tv(a->test_elements), a->invert, rets); }

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_embed[] = {
    PTS_OP("aten::select_scatter(Tensor self, Tensor src, int dim, SymInt index) -> Tensor", k_select_scatter),
    PTS_OP("aten::slice_scatter(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor", k_slice_scatter),
    PTS_OP("aten::diagonal_scatter(Tensor self, Tensor src, int offset=0, int dim1=0, int dim2=1) -> Tensor", k_diagonal_scatter),
    PTS_OP("aten::as_strided_scatter(Tensor self, Tensor src, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None) -> Tensor", k_as_strided_scatter),
    PTS_OP("aten::masked_scatter(Tensor self, Tensor mask, Tensor source) -> Tensor", k_masked_scatter),
    PTS_OP("aten::put(Tensor self, Tensor index, Tensor source, bool accumulate=False) -> Tensor", k_put),
    PTS_OP("aten::argwhere(Tensor self) -> Tensor", k_argwhere),
    PTS_OP("aten::nonzero_static(Tensor self, *, SymInt size, int fill_value=-1) -> Tensor", k_nonzero_static),
    PTS_OP("aten::isin.Tensor_Tensor(Tensor elements, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor", k_isin_tt),
    PTS_OP("aten::isin.Tensor_Scalar(Tensor elements, Scalar test_element, *, bool assume_unique=False, bool invert=False) -> Tensor", k_isin_ts),
    PTS_OP("aten::isin.Scalar_Tensor(Scalar element, Tensor test_elements, *, bool assume_unique=False, bool invert=False) -> Tensor", k_isin_st),
    {NULL, NULL},
};
