/* embed.c - writing into a copy of a tensor and finding elements:
 * select_scatter / slice_scatter / diagonal_scatter / as_strided_scatter
 * (the out-of-place inverses of the views: a clone of self with the view's
 * elements replaced by src), masked_scatter, put, argwhere, nonzero_static,
 * isin, embedding_bag.
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
            else
                pts_elem_accumulate(dst, sv, dt, false);
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

/* ---- embedding_bag --------------------------------------------------------------------------- */

/* torch's CPU embedding_bag (the forward-only path a call without autograd takes), with all four
 * results as it returns them:
 *   output       [bags, D]: per bag the sum / mean / max of weight rows (padding_idx skipped;
 *                an empty bag is 0; mean divides by the non-padding count, max takes the first
 *                strictly greater value per column, so a NaN, once taken, stays)
 *   offset2bag   the bag of each index (torch's index_add + cumsum over the offsets it uses);
 *                empty in sum mode on torch's fast path (float32, unit column stride, no padding,
 *                per_sample_weights of unit stride)
 *   bag_size     sum: zeros of offsets' length; mean/max: the non-padding count per bag
 *   max_indices  max: [bags, D] row of each maximum (0 in an empty bag); else bag_size again.
 * Bag b runs from offsets[b] to offsets[b+1], the last bag to the end of indices; on the fast
 * path (as torch) a bag with a following offset stops there even with include_last_offset.
 * Index results are int32 only when indices and offsets both are. */
static pts_status embedding_bag_run(const pts_op *op, pts_tensor *w, pts_tensor *ind, pts_tensor *offs, int64_t mode,
                                    pts_tensor *psw, bool ilo, int64_t pad, pts_value *rets)
{
    if (w->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: weight has to be a 2D Tensor, but got Tensor of dimension %d", OPN, w->ndim);
    if (w->dtype != PTS_FLOAT32 && w->dtype != PTS_FLOAT64)
        return pts_not_implemented(OPN, w->dtype);
    for (int k = 0; k < 2; k++) {
        pts_tensor *t = k ? offs : ind;
        if (t->dtype != PTS_INT64 && t->dtype != PTS_INT32)
            return pts_err_set(PTS_ERR_TYPE, "%s: Expected tensor for argument #%d '%s' to have one of the following scalar "
                                             "types: Long, Int; but got %s instead", OPN, k ? 3 : 2, k ? "offsets" : "indices",
                               pts_dtype_torch_name(t->dtype));
        if (t->ndim != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: %s has to be a 1D Tensor, but got Tensor of dimension %d", OPN,
                               k ? "offsets" : "input", t->ndim);
    }
    if (mode < 0 || mode > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: mode has to be one of sum, mean or max", OPN);
    int64_t nw = w->sizes[0], D = w->sizes[1], nI = ind->sizes[0], nO = offs->sizes[0];
    if (psw) {
        if (mode != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: embedding_bag: per_sample_weights was not None. per_sample_weights is "
                                              "only supported for mode='sum' (got mode='%s'). Please open a feature request "
                                              "on GitHub.", OPN, mode == 1 ? "mean" : "max");
        if (psw->dtype != w->dtype)
            return pts_err_set(PTS_ERR_TYPE, "%s: Expected tensor for argument #1 'per_sample_weights' to have the same type "
                                             "as tensor for argument #1 'weight'; but type %s does not equal %s", OPN,
                               pts_dtype_torch_name(psw->dtype), pts_dtype_torch_name(w->dtype));
        if (psw->ndim != 1 || psw->sizes[0] != nI)
            return pts_err_set(PTS_ERR_VALUE, "%s: expected per_sample_weights to be 1D with as many elements as input", OPN);
    }
    if (ilo && nO < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: include_last_offset: number of offset should be at least 1", OPN);
    int64_t nb = ilo ? nO - 1 : nO;
    int idt = ind->dtype == PTS_INT32 && offs->dtype == PTS_INT32 ? PTS_INT32 : PTS_INT64;
    bool fast = w->dtype == PTS_FLOAT32 && (w->strides[1] == 1 || D <= 1) && pad < 0 &&
                (!psw || psw->strides[0] == 1 || nI <= 1);
    pts_tensor *ic = pts_tensor_as_contiguous(ind, PTS_INT64);
    pts_tensor *oc = ic ? pts_tensor_as_contiguous(offs, PTS_INT64) : NULL;
    pts_tensor *wc = oc ? pts_tensor_to_dtype(w, PTS_FLOAT64) : NULL;
    pts_tensor *pc = wc && psw ? pts_tensor_to_dtype(psw, PTS_FLOAT64) : NULL;
    int64_t *o2b = wc ? pts_malloc(sizeof(int64_t) * (size_t)(nI + 1)) : NULL;
    int64_t *bsz = o2b ? pts_malloc(sizeof(int64_t) * (size_t)(nb + 1)) : NULL;
    int64_t osz[2] = {nb, D};
    pts_tensor *out = bsz ? pts_tensor_zeros(w->dtype, 2, osz) : NULL;
    double *acc = out ? pts_malloc(sizeof(double) * (size_t)(D + 1)) : NULL;
    float *accf = acc ? pts_malloc(sizeof(float) * (size_t)(D + 1)) : NULL; /* float32 sums: in float, as torch */
    int64_t *amax = accf ? pts_malloc(sizeof(int64_t) * (size_t)(nb * D + 1)) : NULL;
    pts_tensor *r1 = NULL, *r2 = NULL, *r3 = NULL;
    pts_status st = amax && (!psw || pc) ? PTS_OK : pts_err_last();
    const int64_t *ip = ic ? pts_i64(ic) : NULL, *op_ = oc ? pts_i64(oc) : NULL;
    for (int64_t i = 0; !st && i < nI; i++)
        if (ip[i] < 0 || ip[i] >= nw)
            st = pts_err_set(PTS_ERR_INDEX, "%s: embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to "
                                            "be %lld", OPN, (long long)ip[i]);
    if (!st && nO > 0 && op_[0] != 0)
        st = pts_err_set(PTS_ERR_VALUE, "%s: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
                                        "start from position 0. However, got %lld", OPN, (long long)op_[0]);
    for (int64_t b = 0; !st && b < nO; b++)
        if (op_[b] > nI || (b > 0 && op_[b] < op_[b - 1]))
            st = pts_err_set(PTS_ERR_VALUE, "%s: offsets must be non-decreasing and at most the input's length %lld, but "
                                            "offsets[%lld] = %lld", OPN, (long long)nI, (long long)b, (long long)op_[b]);
    if (!st) {
        /* offset2bag: index_add of ones at the offsets torch uses (all, or the first nb with
         * include_last_offset), minus one at 0, then a cumulative sum */
        memset(o2b, 0, sizeof(int64_t) * (size_t)(nI + 1));
        for (int64_t b = 0; b < nb; b++)
            o2b[op_[b]]++;
        if (nI + 1 > 0)
            o2b[0]--;
        for (int64_t i = 1; i <= nI; i++)
            o2b[i] += o2b[i - 1];
        const double *wp = pts_f64(wc), *pp = pc ? pts_f64(pc) : NULL;
        int64_t ws0 = D;
        char *outp = pts_tensor_data(out);
        bool f32 = w->dtype == PTS_FLOAT32;
        for (int64_t b = 0; b < nb; b++) {
            int64_t s0 = op_[b], e_slow = b + 1 < nb ? op_[b + 1] : nI, e_fast = b + 1 < nO ? op_[b + 1] : nI;
            int64_t e = mode != 2 && fast ? e_fast : e_slow, cnt = 0;
            for (int64_t j = 0; j < D; j++)
                acc[j] = 0;
            for (int64_t j = 0; j < D; j++)
                accf[j] = 0;
            for (int64_t i = s0; i < e; i++) {
                if (ip[i] == pad)
                    continue;
                const double *row = wp + ip[i] * ws0;
                if (mode == 2) {
                    for (int64_t j = 0; j < D; j++)
                        if (cnt == 0 || row[j] > acc[j]) {
                            acc[j] = row[j];
                            amax[b * D + j] = ip[i];
                        }
                } else if (f32) {
                    float sc = pp ? (float)pp[i] : 1.0f;
                    for (int64_t j = 0; j < D; j++)
                        accf[j] = pp ? fmaf(sc, (float)row[j], accf[j]) : accf[j] + (float)row[j];
                } else {
                    for (int64_t j = 0; j < D; j++)
                        acc[j] += pp ? pp[i] * row[j] : row[j];
                }
                cnt++;
            }
            int64_t nsz = e_slow - s0; /* mean's divisor: the slow path's bag, minus padding */
            for (int64_t i = s0; i < e_slow; i++)
                nsz -= ip[i] == pad;
            bsz[b] = mode == 2 ? cnt : nsz;
            if (mode == 2 && cnt == 0)
                for (int64_t j = 0; j < D; j++)
                    amax[b * D + j] = 0;
            for (int64_t j = 0; j < D; j++) {
                double v = mode == 2 ? (cnt ? acc[j] : 0.0) : f32 ? (double)accf[j] : acc[j];
                if (mode == 1) {
                    if (f32)
                        v = nsz ? (double)((float)v / (float)nsz) : 0.0;
                    else
                        v = nsz ? v / (double)nsz : 0.0;
                }
                pts_store_f64(outp + (size_t)(b * D + j) * pts_dtype_get(w->dtype)->itemsize, w->dtype, v);
            }
        }
        int64_t n1 = mode == 0 && fast ? 0 : nI, n2 = mode == 0 ? nO : nb;
        r1 = pts_tensor_empty(idt, 1, &n1);
        r2 = r1 ? pts_tensor_empty(idt, 1, &n2) : NULL;
        r3 = r2 ? (mode == 2 ? pts_tensor_empty(idt, 2, osz) : pts_tensor_empty(idt, 1, &n2)) : NULL;
        st = r3 ? PTS_OK : pts_err_last();
        for (int64_t i = 0; !st && i < n1; i++)
            pts_store_i64((char *)pts_tensor_data(r1) + (size_t)i * pts_dtype_get(idt)->itemsize, idt, o2b[i]);
        for (int64_t b = 0; !st && b < n2; b++) {
            int64_t v = mode == 0 ? 0 : bsz[b];
            pts_store_i64((char *)pts_tensor_data(r2) + (size_t)b * pts_dtype_get(idt)->itemsize, idt, v);
            if (mode != 2)
                pts_store_i64((char *)pts_tensor_data(r3) + (size_t)b * pts_dtype_get(idt)->itemsize, idt, v);
        }
        for (int64_t k = 0; !st && mode == 2 && k < nb * D; k++)
            pts_store_i64((char *)pts_tensor_data(r3) + (size_t)k * pts_dtype_get(idt)->itemsize, idt, amax[k]);
    }
    pts_tdrop(ic);
    pts_tdrop(oc);
    pts_tdrop(wc);
    pts_tdrop(pc);
    pts_free(o2b);
    pts_free(bsz);
    pts_free(acc);
    pts_free(accf);
    pts_free(amax);
    if (st) {
        pts_tdrop(out);
        pts_tdrop(r1);
        pts_tdrop(r2);
        pts_tdrop(r3);
        return st;
    }
    rets[0] = pts_ret_tensor(out);
    rets[1] = pts_ret_tensor(r1);
    rets[2] = pts_ret_tensor(r2);
    rets[3] = pts_ret_tensor(r3);
    return PTS_OK;
}

PTS_KERNEL(k_embedding_bag)
{
    return embedding_bag_run(op, a->weight, a->indices, a->offsets, a->mode, a->per_sample_weights,
                             a->include_last_offset, -1, rets);
}

PTS_KERNEL(k_embedding_bag_padding_idx)
{
    int64_t nw = a->weight->ndim == 2 ? a->weight->sizes[0] : 0, p = -1;
    if (a->has_padding_idx) {
        p = a->padding_idx;
        if (p < -nw || p >= nw)
            return pts_err_set(PTS_ERR_VALUE, "%s: padding_idx must be within the number of embeddings, -%lld through %lld, "
                                              "but got %lld", OPN, (long long)nw, (long long)(nw - 1), (long long)p);
        if (p < 0)
            p += nw;
    }
    return embedding_bag_run(op, a->weight, a->indices, a->offsets, a->mode, a->per_sample_weights,
                             a->include_last_offset, p, rets);
}

PTS_KERNEL(k_embedding_bag_forward_only)
{
    return embedding_bag_run(op, a->weight, a->indices, a->offsets, a->mode, a->per_sample_weights,
                             a->include_last_offset, a->padding_idx, rets);
}

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
    PTS_OP("aten::embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False) -> (Tensor, Tensor, Tensor, Tensor)", k_embedding_bag),
    PTS_OP("aten::embedding_bag.padding_idx(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq, int mode, bool sparse, Tensor? per_sample_weights, bool include_last_offset, int? padding_idx) -> (Tensor, Tensor, Tensor, Tensor)", k_embedding_bag_padding_idx),
    PTS_OP("aten::_embedding_bag_forward_only(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int padding_idx=-1) -> (Tensor, Tensor, Tensor, Tensor)", k_embedding_bag_forward_only),
    {NULL, NULL},
};
