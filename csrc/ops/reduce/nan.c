/* nan.c - reductions that skip NaN: nansum and nanmean (dim / keepdim /
 * dtype as torch; a float input summed into an int dtype counts NaN as 0).
 * They compute in double (int64 for integer sums) over the rows layout of
 * ops/kernel.h and convert once to the result dtype.
 */
#include "ops/kernel.h"

/* nansum(self, dim?, keepdim, *, dtype?) and nanmean */
static pts_status nan_reduce(const pts_op *op, pts_tensor *t, pts_value dim, bool keepdim, int want, pts_value *rets,
                             bool mean)
{
    PTS_TRY(pts_check_real(OPN, t->dtype));
    int rd;
    if (mean) {
        if (!pts_is_float(t->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: nanmean(): expected input to have floating point or complex dtype but "
                                             "got %s", OPN, pts_dtype_torch_name(t->dtype));
        if (want >= 0 && !pts_is_float(want))
            return pts_err_set(PTS_ERR_TYPE, "%s: nanmean(): could not infer output dtype. Optional dtype must be either a "
                                             "floating point or complex dtype. Got: %s", OPN, pts_dtype_torch_name(want));
        rd = want >= 0 ? want : t->dtype;
    } else {
        rd = want >= 0 ? want : pts_dtype_category(t->dtype) <= PTS_CAT_INT ? PTS_INT64 : t->dtype;
    }
    PTS_TRY(pts_check_real(OPN, rd));
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dim, t->ndim, true, mask));
    bool ints = pts_dtype_category(rd) <= PTS_CAT_INT;
    /* a float input summed into an int dtype: NaN counts as 0, the others are cast one by one */
    bool float_to_int = ints && pts_is_float(t->dtype);
    pts_tensor *src = t;
    if (want >= 0 && want != t->dtype && !float_to_int) { /* torch casts the input to dtype first */
        src = pts_tensor_to_dtype(t, want);
        if (!src)
            return pts_err_last();
    } else {
        pts_obj_retain(&t->hdr);
    }
    pts_rows r;
    pts_status st = pts_rows_make(src, mask, keepdim, ints && !float_to_int ? PTS_INT64 : PTS_FLOAT64, &r);
    pts_obj_release(&src->hdr);
    if (st)
        return st;
    pts_tensor *out = pts_tensor_empty(ints ? PTS_INT64 : PTS_FLOAT64, r.out_nd, r.out_sizes);
    if (!out) {
        pts_obj_release(&r.flat->hdr);
        return pts_err_last();
    }
    for (int64_t i = 0; i < r.rows; i++) {
        if (float_to_int) {
            const double *x = pts_f64(r.flat) + i * r.inner;
            uint64_t s = 0;
            for (int64_t j = 0; j < r.inner; j++)
                if (!isnan(x[j]))
                    s += (uint64_t)(fabs(x[j]) < 9.2e18 ? (int64_t)x[j] : INT64_MIN);
            pts_i64(out)[i] = (int64_t)s;
        } else if (ints) {
            const int64_t *x = pts_i64(r.flat) + i * r.inner;
            uint64_t s = 0;
            for (int64_t j = 0; j < r.inner; j++)
                s += (uint64_t)x[j];
            pts_i64(out)[i] = (int64_t)s;
        } else {
            const double *x = pts_f64(r.flat) + i * r.inner;
            double s = 0;
            int64_t cnt = 0;
            for (int64_t j = 0; j < r.inner; j++)
                if (!isnan(x[j])) {
                    s += x[j];
                    cnt++;
                }
            pts_f64(out)[i] = mean ? s / (double)cnt : s;
        }
    }
    pts_obj_release(&r.flat->hdr);
    return pts_ret_as(out, rd, rets);
}

PTS_KERNEL(k_nansum) { return nan_reduce(op, a->self, a->dim, a->keepdim, a->dtype, rets, false); }
PTS_KERNEL(k_nanmean) { return nan_reduce(op, a->self, a->dim, a->keepdim, a->dtype, rets, true); }

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_nan[] = {
    PTS_OP("aten::nansum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_nansum),
    PTS_OP("aten::nanmean(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_nanmean),
    {NULL, NULL},
};
