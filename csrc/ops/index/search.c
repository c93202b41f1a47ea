/* search.c - searchsorted and bucketize: for each value its insertion
 * index along the innermost dim of a sorted (or sorter-ordered) sequence,
 * lower or upper bound (right / side), int64 or int32 indices, NaN sorting
 * last as torch.
 */
#include "ops/kernel.h"

/* ---- searchsorted / bucketize ---------------------------------------------------------------------- */

/* first i in [0, m) with !(b[i] < v) (lower) or b[i] > v (upper); NaN v sorts last */
static int64_t bsearch_bound(const double *b, int64_t m, double v, bool right)
{
    int64_t lo = 0, hi = m;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        bool go_right = right ? !(b[mid] > v) : !(b[mid] >= v);
        if (go_right)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static pts_status search_common(const char *opname, pts_tensor *seq, pts_value selfv, bool out_int32, bool right,
                                pts_value sorter, pts_value *ret)
{
    PTS_TRY(pts_check_real(opname, seq->dtype));
    if (seq->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                                          "boundaries tensor and input value tensor must match, but we got boundaries "
                                          "tensor [] and input value tensor", opname);
    pts_tensor *vt = selfv.tag == PTS_T_TENSOR ? PTS_TENSOR(selfv) : NULL;
    pts_tensor *vals = vt ? pts_tensor_to_dtype(vt, PTS_FLOAT64) : pts_tensor_from_scalar(selfv, PTS_FLOAT64);
    if (!vals)
        return pts_err_last();
    int vnd = vt ? vt->ndim : 0;
    bool one_d = seq->ndim == 1;
    bool ok = one_d || (vnd == seq->ndim);
    for (int i = 0; ok && !one_d && i < seq->ndim - 1; i++)
        ok = vt->sizes[i] == seq->sizes[i];
    pts_tensor *b = ok ? pts_tensor_to_dtype(seq, PTS_FLOAT64) : NULL;
    pts_tensor *srt = ok && !PTS_ARG_IS_NONE(sorter) ? pts_tensor_to_dtype(PTS_TENSOR(sorter), PTS_INT64) : NULL;
    pts_status st = PTS_OK;
    if (!ok)
        st = pts_err_set(PTS_ERR_VALUE, "%s: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                                        "boundaries tensor and input value tensor must match", opname);
    else if (!b || (!PTS_ARG_IS_NONE(sorter) && !srt))
        st = pts_err_last();
    int64_t m = seq->sizes[seq->ndim - 1];
    if (!st && srt) { /* boundaries reordered by the sorter */
        if (pts_tensor_numel(srt) != pts_tensor_numel(b))
            st = pts_err_set(PTS_ERR_VALUE, "%s: boundary and sorter must have the same size", opname);
        pts_tensor *nb = st ? NULL : pts_tensor_empty(PTS_FLOAT64, b->ndim, b->sizes);
        if (!st && !nb)
            st = pts_err_last();
        for (int64_t i = 0, tot = nb ? pts_tensor_numel(nb) : 0; !st && i < tot; i++) {
            int64_t k = pts_i64(srt)[i];
            if (k < 0 || k >= m) {
                st = pts_err_set(PTS_ERR_VALUE, "%s: sorter index out of range", opname);
                break;
            }
            pts_f64(nb)[i] = pts_f64(b)[(i / m) * m + k];
        }
        if (nb) {
            pts_obj_release(&b->hdr);
            b = nb;
        }
    }
    pts_tensor *o = st ? NULL : pts_tensor_empty(PTS_INT64, vnd, vt ? vt->sizes : NULL);
    if (!st && !o)
        st = pts_err_last();
    int64_t n = o ? pts_tensor_numel(o) : 0, inner = vnd ? (vt->sizes[vnd - 1] ? vt->sizes[vnd - 1] : 1) : 1;
    for (int64_t i = 0; !st && i < n; i++) {
        int64_t row = one_d ? 0 : i / inner;
        pts_i64(o)[i] = bsearch_bound(pts_f64(b) + row * m, m, pts_f64(vals)[i], right);
    }
    pts_obj_release(&vals->hdr);
    pts_obj_release(b ? &b->hdr : NULL);
    pts_obj_release(srt ? &srt->hdr : NULL);
    if (st) {
        pts_obj_release(o ? &o->hdr : NULL);
        return st;
    }
    return pts_ret_as(o, out_int32 ? PTS_INT32 : PTS_INT64, ret);
}

/* searchsorted(sorted_sequence, self, *, out_int32, right, side, sorter) */
PTS_KERNEL(k_searchsorted)
{
    bool right = a->right;
    if (a->side) {
        const char *side = a->side;
        if (strcmp(side, "left") != 0 && strcmp(side, "right") != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: side can only be 'left' or 'right' but got %s", OPN, side);
        if (right && strcmp(side, "left") == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: side and right can't be set to opposites, got side of left while "
                                              "right was True", OPN);
        right = strcmp(side, "right") == 0;
    }
    return search_common(OPN, a->sorted_sequence, a->self, a->out_int32, right, a->sorter ? pts_tensor_val(a->sorter) : pts_none(), rets);
}

/* bucketize(self, boundaries (1-D), *, out_int32, right) */
PTS_KERNEL(k_bucketize)
{
    pts_tensor *bd = a->boundaries;
    if (bd->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: boundaries tensor must be 1 dimension, but got dim(%d)", OPN, bd->ndim);
    return search_common(OPN, bd, a->self, a->out_int32, a->right, pts_none(), rets);
}

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_search[] = {
    PTS_OP("aten::searchsorted.Tensor(Tensor sorted_sequence, Tensor self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor", k_searchsorted),
    PTS_OP("aten::searchsorted.Scalar(Tensor sorted_sequence, Scalar self, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None) -> Tensor", k_searchsorted),
    PTS_OP("aten::bucketize.Tensor(Tensor self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor", k_bucketize),
    PTS_OP("aten::bucketize.Scalar(Scalar self, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor", k_bucketize),
    {NULL, NULL},
};
