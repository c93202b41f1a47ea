/* scatter.c - reducing scatters and indexed updates: scatter_reduce.two
 * (sum / prod / mean / amax / amin, include_self), index_reduce (prod /
 * mean / amax / amin), index_add / index_copy / index_fill (+ in place).
 * searchsorted / bucketize are in search.c, max_unpool in nn/unpool.c.
 *
 * The scatters first list (destination, source) element pairs, then fold
 * them into a contiguous copy of self: double for floating dtypes, int64
 * for integer ones, so integer results stay exact.
 */
#include "ops/kernel.h"
#include "tensor/cplx.h"

typedef enum red_op { RO_SUM, RO_PROD, RO_MEAN, RO_AMAX, RO_AMIN } red_op;

static pts_status parse_reduce(const char *opname, const char *s, bool allow_sum, red_op *r)
{
    if (allow_sum && strcmp(s, "sum") == 0)
        *r = RO_SUM;
    else if (strcmp(s, "prod") == 0)
        *r = RO_PROD;
    else if (strcmp(s, "mean") == 0)
        *r = RO_MEAN;
    else if (strcmp(s, "amax") == 0)
        *r = RO_AMAX;
    else if (strcmp(s, "amin") == 0)
        *r = RO_AMIN;
    else if (allow_sum)
        return pts_err_set(PTS_ERR_VALUE, "%s: reduce argument must be either sum, prod, mean, amax or amin, got %s",
                           opname, s);
    else
        return pts_err_set(PTS_ERR_VALUE, "%s: index_reduce(): Expected reduce to be one of prod, mean, amax or amin but "
                                          "got %s.", opname, s);
    return PTS_OK;
}

/* Fold src elements into out (contiguous copy of self, same dtype): pairs dst[i] (element of out), sp[i]
 * (element offset in src's storage view). */
static pts_status fold(pts_tensor *out, const pts_tensor *src, const int64_t *dst, const int64_t *sp, int64_t n,
                       red_op r, bool include_self)
{
    int64_t total = pts_tensor_numel(out);
    bool ints = !pts_is_float(out->dtype);
    int isz = pts_dtype_get(out->dtype)->itemsize, ssz = pts_dtype_get(src->dtype)->itemsize;
    double *acc = pts_calloc((size_t)(total ? total : 1), sizeof *acc);
    int64_t *acci = pts_calloc((size_t)(total ? total : 1), sizeof *acci);
    int64_t *cnt = pts_calloc((size_t)(total ? total : 1), sizeof *cnt);
    uint8_t *seen = pts_calloc((size_t)(total ? total : 1), 1);
    if (!acc || !acci || !cnt || !seen) {
        pts_free(acc);
        pts_free(acci);
        pts_free(cnt);
        pts_free(seen);
        return pts_err_nomem("scatter_reduce buffers", (size_t)total * 25);
    }
    char *ob = pts_tensor_data(out);
    const char *sb = pts_tensor_data(src);
    for (int64_t i = 0; i < n; i++) {
        int64_t o = dst[i];
        if (!seen[o]) {
            seen[o] = 1;
            if (include_self) {
                acc[o] = pts_load_f64(ob + o * isz, out->dtype);
                acci[o] = pts_load_i64(ob + o * isz, out->dtype);
                cnt[o] = 1;
            } else {
                double id = r == RO_PROD ? 1 : r == RO_AMAX ? -INFINITY : r == RO_AMIN ? INFINITY : 0;
                acc[o] = id;
                acci[o] = r == RO_PROD ? 1 : r == RO_AMAX ? INT64_MIN : r == RO_AMIN ? INT64_MAX : 0;
            }
        }
        cnt[o]++;
        if (ints) {
            int64_t v = pts_load_i64(sb + sp[i] * ssz, src->dtype), a = acci[o];
            acci[o] = r == RO_SUM || r == RO_MEAN ? (int64_t)((uint64_t)a + (uint64_t)v)
                      : r == RO_PROD              ? (int64_t)((uint64_t)a * (uint64_t)v)
                      : r == RO_AMAX              ? (v > a ? v : a)
                                                  : (v < a ? v : a);
        } else {
            double v = pts_load_f64(sb + sp[i] * ssz, src->dtype), a = acc[o];
            if (r == RO_SUM || r == RO_MEAN)
                acc[o] = a + v;
            else if (r == RO_PROD)
                acc[o] = a * v;
            else if (isnan(v) || isnan(a))
                acc[o] = isnan(a) ? a : v;
            else
                acc[o] = r == RO_AMAX ? (v > a ? v : a) : (v < a ? v : a);
        }
    }
    for (int64_t o = 0; o < total; o++) {
        if (!seen[o])
            continue;
        if (r == RO_MEAN) { /* cnt counts self when include_self */
            int64_t c = cnt[o];
            if (ints) {
                int64_t a = acci[o], q = a / c, m = a % c;
                acci[o] = (m != 0 && ((m < 0) != (c < 0))) ? q - 1 : q; /* floor division */
            } else {
                acc[o] /= (double)c;
            }
        }
        if (ints)
            pts_store_i64(ob + o * isz, out->dtype, acci[o]);
        else
            pts_store_f64(ob + o * isz, out->dtype, acc[o]);
    }
    pts_free(acc);
    pts_free(acci);
    pts_free(cnt);
    pts_free(seen);
    return PTS_OK;
}

/* Deliver out: into self for the in-place form, else as the result. */
static pts_status deliver(const pts_op *op, pts_tensor *self, pts_tensor *out, pts_status st, pts_value *rets)
{
    if (!st && op->schema.args[0].is_write) {
        st = pts_tensor_copy_into(self, out, OPN);
        pts_obj_release(&out->hdr);
        if (!st)
            rets[0] = pts_ret_tensor_ref(self);
        return st;
    }
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    return pts_ret(out, rets);
}

/* scatter_reduce.two(self, dim, index, src, reduce, *, include_self) */
PTS_KERNEL(k_scatter_reduce)
{
    pts_tensor *self = a->self, *idx = a->index, *src = a->src;
    red_op r;
    PTS_TRY(parse_reduce(OPN, a->reduce, true, &r));
    bool include_self = a->include_self;
    PTS_TRY(pts_check_real(OPN, self->dtype));
    if (idx->dtype != PTS_INT64 && idx->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: scatter_reduce(): Expected dtype int32/int64 for index", OPN);
    if (self->dtype != src->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: scatter_reduce(): Expected self.dtype to be equal to src.dtype", OPN);
    if (op->schema.args[0].is_write && pts_tensor_numel(self) > 0)
        PTS_TRY(pts_check_no_internal_overlap(self, OPN));
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, self->ndim, OPN, &d));
    int nd = self->ndim ? self->ndim : 1;
    int ind = idx->ndim ? idx->ndim : 1, snd = src->ndim ? src->ndim : 1;
    int64_t n = pts_tensor_numel(idx);
    if (n > 0 && (ind != nd || snd != nd))
        return pts_err_set(PTS_ERR_VALUE, "%s: Index tensor must have the same number of dimensions as self tensor", OPN);
    int64_t one = 1, zero = 0;
    const int64_t *isz = idx->ndim ? idx->sizes : &one, *ssz_ = self->ndim ? self->sizes : &one;
    const int64_t *srcsz = src->ndim ? src->sizes : &one, *srcst = src->ndim ? src->strides : &zero;
    for (int k = 0; n > 0 && k < nd; k++) {
        if (isz[k] > srcsz[k])
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected index %s to be smaller than self apart from dimension %d and to "
                                              "be smaller size than src", OPN, "shape", d);
        if (k != d && isz[k] > ssz_[k])
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected index shape to be smaller than self apart from dimension %d", OPN,
                               d);
    }
    pts_tensor *out = pts_tensor_contiguous_copy(self);
    if (!out)
        return pts_err_last();
    int64_t ost[PTS_MAX_DIMS];
    pts_contiguous_strides(self->ndim, self->sizes, ost);
    if (!self->ndim)
        ost[0] = 1;
    int64_t *dst = pts_calloc((size_t)(n ? n : 1), sizeof *dst), *sp = pts_calloc((size_t)(n ? n : 1), sizeof *sp);
    pts_status st = !dst || !sp ? pts_err_nomem("scatter_reduce offsets", (size_t)n * 16) : PTS_OK;
    pts_tensor *il = st ? NULL : pts_tensor_to_dtype(idx, PTS_INT64); /* contiguous int64 */
    if (!st && !il)
        st = pts_err_last();
    const int64_t *ib = il ? pts_i64(il) : NULL;
    for (int64_t i = 0; !st && i < n; i++) {
        int64_t rem = i, o = 0, s = 0, io = i;
        for (int k = nd - 1; k >= 0; k--) {
            int64_t c = rem % isz[k];
            rem /= isz[k];
            s += c * srcst[k];
            if (k != d)
                o += c * ost[k];
        }
        int64_t v = ib[io];
        int64_t lim = ssz_[d];
        if (v < -lim || v >= lim) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension %d with size %lld", OPN,
                             (long long)v, d, (long long)lim);
            break;
        }
        if (v < 0)
            v += lim;
        dst[i] = o + v * ost[d];
        sp[i] = s;
    }
    if (!st)
        st = fold(out, src, dst, sp, n, r, include_self);
    pts_obj_release(il ? &il->hdr : NULL);
    pts_free(dst);
    pts_free(sp);
    return deliver(op, self, out, st, rets);
}

/* index_reduce(self, dim, index (1-D), source, reduce, *, include_self) */
PTS_KERNEL(k_index_reduce)
{
    pts_tensor *self = a->self, *idx = a->index, *src = a->source;
    red_op r;
    PTS_TRY(parse_reduce(OPN, a->reduce, false, &r));
    bool include_self = a->include_self;
    PTS_TRY(pts_check_real(OPN, self->dtype));
    if (idx->dtype != PTS_INT64 && idx->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: index_reduce_(): Expected dtype int32/int64 for index but got: %s", OPN,
                           pts_dtype_torch_name(idx->dtype));
    if (idx->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: index_reduce_(): Index is supposed to be a vector, but got dim: %d with type: "
                                          "%s and size: ", OPN, idx->ndim, pts_dtype_torch_name(idx->dtype));
    if (self->dtype != src->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: index_reduce_(): self (%s) and source (%s) must have the same scalar type",
                           OPN, pts_dtype_torch_name(self->dtype), pts_dtype_torch_name(src->dtype));
    if (op->schema.args[0].is_write && pts_tensor_numel(self) > 0)
        PTS_TRY(pts_check_no_internal_overlap(self, OPN));
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, self->ndim, OPN, &d));
    int64_t n = pts_tensor_numel(idx);
    int sd = src->ndim ? src->ndim : 1, nd = self->ndim ? self->ndim : 1;
    int64_t one = 1, zero = 0;
    const int64_t *ssz_ = self->ndim ? self->sizes : &one, *srcsz = src->ndim ? src->sizes : &one;
    const int64_t *srcst = src->ndim ? src->strides : &zero;
    bool ok = sd == nd && srcsz[d] == n;
    for (int k = 0; ok && k < nd; k++)
        ok = k == d || srcsz[k] == ssz_[k];
    if (!ok)
        return pts_err_set(PTS_ERR_VALUE, "%s: index_reduce_(): source and self must have the same shape apart from the "
                                          "indexed dimension, and index length must match the source size there", OPN);
    pts_tensor *out = pts_tensor_contiguous_copy(self);
    if (!out)
        return pts_err_last();
    int64_t ost[PTS_MAX_DIMS];
    pts_contiguous_strides(self->ndim, self->sizes, ost);
    if (!self->ndim)
        ost[0] = 1;
    int64_t total = pts_tensor_numel(src);
    int64_t *dst = pts_calloc((size_t)(total ? total : 1), sizeof *dst), *sp = pts_calloc((size_t)(total ? total : 1), sizeof *sp);
    pts_status st = !dst || !sp ? pts_err_nomem("index_reduce offsets", (size_t)total * 16) : PTS_OK;
    int isz = pts_dtype_get(idx->dtype)->itemsize;
    for (int64_t i = 0; !st && i < total; i++) {
        int64_t rem = i, o = 0, s = 0, pos = 0;
        for (int k = nd - 1; k >= 0; k--) {
            int64_t c = rem % srcsz[k];
            rem /= srcsz[k];
            s += c * srcst[k];
            if (k == d)
                pos = c;
            else
                o += c * ost[k];
        }
        int64_t v = pts_load_i64((const char *)pts_tensor_data(idx) + pos * (idx->ndim ? idx->strides[0] : 0) * isz,
                                 idx->dtype);
        if (v < -ssz_[d] || v >= ssz_[d]) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: index out of range in self", OPN);
            break;
        }
        if (v < 0)
            v += ssz_[d];
        dst[i] = o + v * ost[d];
        sp[i] = s;
    }
    if (!st)
        st = fold(out, src, dst, sp, total, r, include_self);
    pts_free(dst);
    pts_free(sp);
    return deliver(op, self, out, st, rets);
}

/* ---- index_add / index_copy / index_fill -------------------------------------------------------- */

typedef enum ix_kind { IX_ADD, IX_COPY, IX_FILL } ix_kind;

/* element p of complex `dtype` = re + im j */
static void store_complex(char *p, int dtype, double re, double im)
{
    if (dtype == PTS_COMPLEX64)
        ((float *)p)[0] = (float)re, ((float *)p)[1] = (float)im;
    else
        ((double *)p)[0] = re, ((double *)p)[1] = im;
}

/* *dp += alpha * *sp for complex `dtype`, as torch's loop in c10::complex<T>: the textbook product
 * (each partial product rounded in T), then the sum */
static void add_complex(char *dp, const char *sp, int dtype, const double *alpha)
{
    bool one = alpha[0] == 1 && alpha[1] == 0;
    if (dtype == PTS_COMPLEX64) {
        float *x = (float *)dp, yr = ((const float *)sp)[0], yi = ((const float *)sp)[1];
        if (!one) {
            float ar = (float)alpha[0], ai = (float)alpha[1];
            float p1 = ar * yr, p2 = ai * yi, p3 = ar * yi, p4 = ai * yr;
            yr = p1 - p2, yi = p3 + p4;
        }
        x[0] += yr, x[1] += yi;
        return;
    }
    double *x = (double *)dp, yr = ((const double *)sp)[0], yi = ((const double *)sp)[1];
    if (!one) {
        double p1 = alpha[0] * yr, p2 = alpha[1] * yi, p3 = alpha[0] * yi, p4 = alpha[1] * yr;
        yr = p1 - p2, yi = p3 + p4;
    }
    x[0] += yr, x[1] += yi;
}

/* index_add(self, dim, index, source, *, alpha), index_copy(self, dim, index, source),
 * index_fill(self, dim, index, value): slices self.select(dim, index[i]) get source.select(dim, i)
 * added (times alpha) or copied, or the value. */
static pts_status index_update(const pts_op *op, pts_tensor *self, int64_t dim, pts_tensor *idx, pts_tensor *src,
                                pts_value value, pts_value alpha, pts_value *rets, ix_kind kind)
{
    bool cplx = pts_dtype_is_complex(self->dtype);
    if (!cplx)
        PTS_TRY(pts_check_real(OPN, self->dtype));
    if (kind == IX_FILL && idx->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: index_fill_(): Expected dtype int64 for index.", OPN);
    if (kind == IX_COPY && idx->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: index_copy_(): Expected a long tensor for index, but got %s", OPN,
                           pts_dtype_torch_name(idx->dtype));
    if (kind == IX_ADD && idx->dtype != PTS_INT64 && idx->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: index_add_(): Expected dtype int32/int64 for index", OPN);
    if (idx->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Index is supposed to be a vector", OPN);
    if (src && src->dtype != self->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: self (%s) and source (%s) must have the same scalar type", OPN,
                           pts_dtype_torch_name(self->dtype), pts_dtype_torch_name(src->dtype));
    pts_tensor *fillt = kind == IX_FILL && value.tag == PTS_T_TENSOR ? PTS_TENSOR(value) : NULL;
    if (fillt && fillt->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: index_fill_ only supports a 0-dimensional value tensor, but got tensor "
                                          "with %d dimension(s).", OPN, fillt->ndim);
    if (op->schema.args[0].is_write && pts_tensor_numel(self) > 0)
        PTS_TRY(pts_check_no_internal_overlap(self, OPN));
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, self->ndim, OPN, &d));
    int64_t n = pts_tensor_numel(idx);
    int nd = self->ndim ? self->ndim : 1;
    int64_t one = 1, zero = 0;
    const int64_t *ssz_ = self->ndim ? self->sizes : &one;
    if (src) {
        int sd = src->ndim ? src->ndim : 1;
        const int64_t *srcsz = src->ndim ? src->sizes : &one;
        bool ok = sd == nd && srcsz[d] == n;
        for (int k = 0; ok && k < nd; k++)
            ok = k == d || srcsz[k] == ssz_[k];
        if (!ok)
            return pts_err_set(PTS_ERR_VALUE, "%s: source tensor shape must match self tensor shape, excluding the "
                                              "specified dimension, and index length must match source.size(dim)", OPN);
    }
    pts_tensor *out = pts_tensor_contiguous_copy(self);
    if (!out)
        return pts_err_last();
    int64_t ost[PTS_MAX_DIMS];
    pts_contiguous_strides(self->ndim, self->sizes, ost);
    if (!self->ndim)
        ost[0] = 1;
    int osz = pts_dtype_get(out->dtype)->itemsize, isz = pts_dtype_get(idx->dtype)->itemsize;
    bool ints = !pts_is_float(out->dtype) && !cplx;
    if (kind == IX_ADD && alpha.tag == PTS_T_FLOAT && ints) {
        pts_obj_release(&out->hdr);
        return pts_err_set(PTS_ERR_TYPE, "%s: For integral input tensors, argument alpha must not be a floating point "
                                         "number.", OPN);
    }
    char fillv[16] = {0};
    double calpha[2] = {0, 0}; /* alpha of a complex index_add */
    if (cplx) {
        pts_value av = alpha;
        calpha[0] = av.tag == PTS_T_COMPLEX ? av.u.c[0] : pts_scalar_f64(av);
        calpha[1] = av.tag == PTS_T_COMPLEX ? av.u.c[1] : 0.0;
    }
    if (kind == IX_FILL && cplx) { /* a complex self takes the value's real and imaginary parts */
        pts_value fv = value;
        if (fillt) {
            pts_status fst = pts_tensor_item(fillt, &fv);
            if (fst) {
                pts_obj_release(&out->hdr);
                return fst;
            }
        }
        store_complex(fillv, out->dtype, fv.tag == PTS_T_COMPLEX ? fv.u.c[0] : pts_scalar_f64(fv),
                      fv.tag == PTS_T_COMPLEX ? fv.u.c[1] : 0.0);
    } else if (kind == IX_FILL) {
        if (fillt)
            pts_store_f64(fillv, out->dtype, pts_load_f64(pts_tensor_data(fillt), fillt->dtype));
        else
            pts_store_scalar(fillv, out->dtype, value);
        if (fillt && !pts_is_float(fillt->dtype))
            pts_store_i64(fillv, out->dtype, pts_load_i64(pts_tensor_data(fillt), fillt->dtype));
    }
    int64_t slice = 1; /* elements of one slice of self along d */
    for (int k = 0; k < nd; k++)
        if (k != d)
            slice *= ssz_[k];
    pts_status st = PTS_OK;
    const int64_t *srcsz = src && src->ndim ? src->sizes : &one, *srcst = src && src->ndim ? src->strides : &zero;
    int ssz = src ? pts_dtype_get(src->dtype)->itemsize : 0;
    for (int64_t i = 0; !st && i < n; i++) {
        int64_t v = pts_load_i64((const char *)pts_tensor_data(idx) + i * (idx->ndim ? idx->strides[0] : 0) * isz,
                                 idx->dtype);
        if (kind == IX_FILL && v < 0)
            v += ssz_[d];
        if (v < 0 || v >= ssz_[d]) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension %d with size %lld", OPN,
                             (long long)pts_load_i64((const char *)pts_tensor_data(idx) +
                                                     i * (idx->ndim ? idx->strides[0] : 0) * isz, idx->dtype),
                             d, (long long)ssz_[d]);
            break;
        }
        for (int64_t e = 0; e < slice; e++) {
            int64_t rem = e, o = v * ost[d], so = i * (src ? srcst[d] : 0);
            for (int k = nd - 1; k >= 0; k--) {
                if (k == d)
                    continue;
                int64_t c = rem % ssz_[k];
                rem /= ssz_[k];
                o += c * ost[k];
                so += c * srcst[k];
            }
            char *dp = (char *)pts_tensor_data(out) + o * osz;
            if (kind == IX_FILL) {
                memcpy(dp, fillv, (size_t)osz);
            } else {
                const char *sp = (const char *)pts_tensor_data(src) + so * ssz;
                if (kind == IX_COPY)
                    memcpy(dp, sp, (size_t)osz);
                else if (cplx)
                    add_complex(dp, sp, out->dtype, calpha);
                else if (ints)
                    pts_store_i64(dp, out->dtype, (int64_t)((uint64_t)pts_load_i64(dp, out->dtype) +
                                                            (uint64_t)pts_load_i64(sp, src->dtype) *
                                                                (uint64_t)pts_scalar_i64(alpha)));
                else
                    pts_store_f64(dp, out->dtype, pts_load_f64(dp, out->dtype) +
                                                      pts_load_f64(sp, src->dtype) * pts_scalar_f64(alpha));
            }
        }
    }
    (void)srcsz;
    return deliver(op, self, out, st, rets);
}

PTS_KERNEL(k_index_add)
{
    return index_update(op, a->self, a->dim, a->index, a->source, pts_none(), a->alpha, rets, IX_ADD);
}
PTS_KERNEL(k_index_copy)
{
    return index_update(op, a->self, a->dim, a->index, a->source, pts_none(), pts_int(1), rets, IX_COPY);
}
PTS_KERNEL(k_index_fill_scalar)
{
    return index_update(op, a->self, a->dim, a->index, NULL, a->value, pts_int(1), rets, IX_FILL);
}
PTS_KERNEL(k_index_fill_tensor)
{
    return index_update(op, a->self, a->dim, a->index, NULL, pts_obj_value(&a->value->hdr), pts_int(1), rets, IX_FILL);
}

/* ---- the table ----------------------------------------------------------------------------------------- */

const pts_op_def pts_ops_scatter[] = {
    PTS_OP("aten::scatter_reduce.two(Tensor self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor", k_scatter_reduce),
    PTS_OP("aten::scatter_reduce_.two(Tensor(a!) self, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) -> Tensor(a!)", k_scatter_reduce),
    PTS_OP("aten::index_reduce(Tensor self, int dim, Tensor index, Tensor source, str reduce, *, bool include_self=True) -> Tensor", k_index_reduce),
    PTS_OP("aten::index_reduce_(Tensor(a!) self, int dim, Tensor index, Tensor source, str reduce, *, bool include_self=True) -> Tensor(a!)", k_index_reduce),
    PTS_OP("aten::index_add(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor", k_index_add),
    PTS_OP("aten::index_add_(Tensor(a!) self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor(a!)", k_index_add),
    PTS_OP("aten::index_copy(Tensor self, int dim, Tensor index, Tensor source) -> Tensor", k_index_copy),
    PTS_OP("aten::index_copy_(Tensor(a!) self, int dim, Tensor index, Tensor source) -> Tensor(a!)", k_index_copy),
    PTS_OP("aten::index_fill.int_Scalar(Tensor self, int dim, Tensor index, Scalar value) -> Tensor", k_index_fill_scalar),
    PTS_OP("aten::index_fill.int_Tensor(Tensor self, int dim, Tensor index, Tensor value) -> Tensor", k_index_fill_tensor),
    PTS_OP("aten::index_fill_.int_Scalar(Tensor(a!) self, int dim, Tensor index, Scalar value) -> Tensor(a!)", k_index_fill_scalar),
    PTS_OP("aten::index_fill_.int_Tensor(Tensor(a!) self, int dim, Tensor index, Tensor value) -> Tensor(a!)", k_index_fill_tensor),
    {NULL, NULL},
};
