/* index.c - indexing ops: advanced indexing (index.Tensor, index_put[_]) with
 * long and bool masks, index_select, gather, scatter[_] (src / value /
 * reduce), scatter_add[_], masked_fill[_], masked_select, embedding, take,
 * nonzero.
 *
 * Advanced indexing is done in two steps: index_offsets computes, for every
 * element of the result, the element offset it reads in self (masks become
 * long indices via nonzero, index tensors broadcast together, the indexed
 * block goes where torch puts it); index then gathers and index_put
 * scatters through the same offsets.
 */
#include <stdio.h>
#include <string.h>

#include "ops/kernel.h"


/* ---- helpers ---------------------------------------------------------------------------- */

static size_t isz_of(const pts_tensor *t) { return (size_t)pts_dtype_get(t->dtype)->itemsize; }

/* Element offset (in elements, from the view's data) of logical flat position i. */
static int64_t elem_offset(const pts_tensor *t, int64_t i)
{
    int64_t off = 0;
    for (int d = t->ndim - 1; d >= 0; d--) {
        off += (i % t->sizes[d]) * t->strides[d];
        i /= t->sizes[d];
    }
    return off;
}

static bool is_index_dtype(int dtype) { return pts_dtype_category(dtype) == PTS_CAT_INT || dtype == PTS_BOOL; }

/* Contiguous int64 copy (or self) of an int64 or int32 index tensor (the
 * index dtypes torch accepts; take wants int64 only and checks first). */
static pts_tensor *long_index(const char *opname, pts_tensor *t)
{
    if (t->dtype != PTS_INT64 && t->dtype != PTS_INT32) {
        pts_err_set(PTS_ERR_TYPE, "%s: expected an int64 or int32 index tensor, got %s", opname,
                    pts_dtype_get(t->dtype) ? pts_dtype_get(t->dtype)->name : "?");
        return NULL;
    }
    return pts_tensor_as_contiguous(t, PTS_INT64);
}

/* Index v must be in [0, size) (index_select, embedding, gather, scatter:
 * torch refuses negative indices there). */
static pts_status check_index(const char *opname, int64_t v, int64_t size, int dim)
{
    if (v < 0 || v >= size)
        return pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension %d with size %lld", opname,
                           (long long)v, dim, (long long)size);
    return PTS_OK;
}

/* Wrap index v into [0, size) or fail like torch (negative indices count from the end). */
static pts_status wrap_index(const char *opname, int64_t *v, int64_t size, int dim)
{
    if (*v < -size || *v >= size)
        return pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension %d with size %lld", opname,
                           (long long)*v, dim, (long long)size);
    if (*v < 0)
        *v += size;
    return PTS_OK;
}

/* nonzero(t): [n, ndim] int64 coordinates of the nonzero elements, row-major. */
static pts_tensor *nonzero_of(const pts_tensor *t)
{
    int64_t numel = pts_tensor_numel(t), count = 0;
    size_t isz = isz_of(t);
    const char *base = pts_tensor_data(t);
    for (int64_t i = 0; i < numel; i++)
        count += pts_load_f64(base + elem_offset(t, i) * (int64_t)isz, t->dtype) != 0;
    int64_t sizes[2] = {count, t->ndim};
    pts_tensor *r = pts_tensor_empty(PTS_INT64, 2, sizes);
    if (!r)
        return NULL;
    int64_t *o = pts_tensor_data(r), k = 0;
    for (int64_t i = 0; i < numel; i++) {
        if (pts_load_f64(base + elem_offset(t, i) * (int64_t)isz, t->dtype) == 0)
            continue;
        int64_t rem = i;
        for (int d = t->ndim - 1; d >= 0; d--) {
            o[k * t->ndim + d] = rem % t->sizes[d];
            rem /= t->sizes[d];
        }
        k++;
    }
    return r;
}

/* ---- advanced indexing ------------------------------------------------------------------ */

typedef struct adv {
    int nidx;                       /* entries after expanding masks (<= self.ndim) */
    pts_tensor *idx[PTS_MAX_DIMS];  /* long index per self dim, NULL = full slice (owned) */
    int out_nd;
    int64_t out_sizes[PTS_MAX_DIMS];
    int64_t *offsets;               /* per block of the result: offset into self of its first element (owned) */
    int64_t numel;
    /* The result in blocks of `inner` elements: its trailing dims that are full slices of
     * self's trailing dims, contiguous in self (inner = 1 when there are none).  Block n is
     * result elements [n * inner, (n + 1) * inner), self's elements offsets[n] + [0, inner). */
    int64_t inner, nblocks;
} adv;

static void adv_free(adv *a)
{
    for (int i = 0; i < PTS_MAX_DIMS; i++)
        if (a->idx[i])
            pts_obj_release(&a->idx[i]->hdr);
    pts_free(a->offsets);
    memset(a, 0, sizeof *a);
}

/* Expand masks into per-dim long indices. */
static pts_status adv_expand(const char *opname, pts_tensor *self, pts_list *l, adv *a)
{
    int d = 0;
    for (int64_t i = 0; i < l->len; i++) {
        pts_value v = l->items[i];
        if (v.tag == PTS_T_NONE) {
            d++;
            continue;
        }
        if (v.tag != PTS_T_TENSOR)
            return pts_err_set(PTS_ERR_TYPE, "%s: indices must be Tensors or None", opname);
        pts_tensor *t = PTS_TENSOR(v);
        if (!is_index_dtype(t->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: tensors used as indices must be long, int, byte or bool tensors", opname);
        if (t->dtype == PTS_BOOL || t->dtype == PTS_UINT8) {
            if (d + t->ndim > self->ndim)
                return pts_err_set(PTS_ERR_INDEX, "%s: too many indices for tensor of dimension %d", opname, self->ndim);
            for (int k = 0; k < t->ndim; k++)
                if (t->sizes[k] != self->sizes[d + k])
                    return pts_err_set(PTS_ERR_INDEX, "%s: The shape of the mask [%lld] at index %d does not match the "
                                                      "shape of the indexed tensor [%lld] at index %d", opname,
                                       (long long)t->sizes[k], k, (long long)self->sizes[d + k], d + k);
            pts_tensor *nz = nonzero_of(t);
            if (!nz)
                return pts_err_last();
            for (int k = 0; k < t->ndim; k++) { /* column k of nz */
                int64_t sz = nz->sizes[0], st = nz->ndim > 1 ? nz->strides[0] : 1;
                a->idx[d + k] = pts_tensor_view_of(nz->storage, PTS_INT64, 1, &sz, &st, k);
            }
            pts_obj_release(&nz->hdr);
            if (t->ndim == 0) { /* a 0-dim bool: adds a dim of size 0/1 - rare, unsupported */
                return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: 0-dim boolean index is not supported", opname);
            }
            d += t->ndim;
        } else {
            if (d >= self->ndim)
                return pts_err_set(PTS_ERR_INDEX, "%s: too many indices for tensor of dimension %d", opname, self->ndim);
            a->idx[d] = long_index(opname, t);
            if (!a->idx[d])
                return pts_err_last();
            d++;
        }
    }
    a->nidx = d;
    return PTS_OK;
}

/* Result shape; *first = dim where the broadcast block goes in the result. */
static pts_status adv_shape(const char *opname, pts_tensor *self, adv *a, int *bnd, int64_t *bshape, int *first)
{
    PTS_TRY(pts_broadcast_tensors_shape(self->ndim, a->idx, bnd, bshape, opname));
    int lo = -1, hi = -1;
    for (int d = 0; d < self->ndim; d++)
        if (a->idx[d]) {
            if (lo < 0)
                lo = d;
            hi = d;
        }
    bool adjacent = lo >= 0; /* no index tensor (all None): the result is self's shape */
    for (int d = lo; adjacent && d <= hi; d++)
        adjacent = adjacent && a->idx[d];
    *first = adjacent ? lo : 0;
    a->out_nd = 0;
    int nslice = 0;
    for (int d = 0; d < self->ndim; d++)
        nslice += !a->idx[d];
    if (nslice + *bnd > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: result has too many dimensions", opname);
    for (int d = 0; d < *first; d++)
        a->out_sizes[a->out_nd++] = self->sizes[d];
    for (int k = 0; k < *bnd; k++)
        a->out_sizes[a->out_nd++] = bshape[k];
    for (int d = *first; d < self->ndim; d++)
        if (!a->idx[d])
            a->out_sizes[a->out_nd++] = self->sizes[d];
    return PTS_OK;
}

/* Offsets of every block of the result into self (see adv). */
static pts_status adv_offsets(const char *opname, pts_tensor *self, adv *a, int bnd, const int64_t *bshape, int first)
{
    a->numel = 1;
    for (int i = 0; i < a->out_nd; i++)
        a->numel *= a->out_sizes[i];
    /* the trailing full slices, contiguous in self: they end the result's shape too */
    int ntrail = 0;
    a->inner = 1;
    for (int d = self->ndim - 1; d >= 0 && !a->idx[d] && self->strides[d] == a->inner; d--) {
        a->inner *= self->sizes[d];
        ntrail++;
    }
    a->nblocks = a->inner ? a->numel / a->inner : 0;
    int bout_nd = a->out_nd - ntrail; /* the result's dims the blocks run over */
    a->offsets = pts_calloc((size_t)(a->nblocks ? a->nblocks : 1), sizeof *a->offsets);
    if (!a->offsets)
        return pts_err_nomem("index offsets", (size_t)a->nblocks * 8);
    int64_t bstr[PTS_MAX_DIMS][PTS_MAX_DIMS]; /* per index tensor: stride over the broadcast block */
    for (int d = 0; d < self->ndim; d++) {
        if (!a->idx[d])
            continue;
        pts_tensor *t = a->idx[d];
        for (int k = 0; k < bnd; k++) {
            int td = t->ndim - bnd + k;
            bstr[d][k] = td >= 0 && t->sizes[td] != 1 ? t->strides[td] : 0;
        }
    }
    int64_t coord[PTS_MAX_DIMS] = {0};
    for (int64_t n = 0; n < a->nblocks; n++) {
        int64_t off = 0;
        int od = 0;
        for (int d = 0; d < first; d++)
            off += coord[od++] * self->strides[d];
        const int64_t *bc = coord + od;
        od += bnd;
        for (int d = first; d < self->ndim; d++)
            if (!a->idx[d] && od < bout_nd) /* the trailing slices stay at 0 */
                off += coord[od++] * self->strides[d];
        for (int d = 0; d < self->ndim; d++) {
            if (!a->idx[d])
                continue;
            int64_t e = 0;
            for (int k = 0; k < bnd; k++)
                e += bc[k] * bstr[d][k];
            int64_t v = ((const int64_t *)pts_tensor_data(a->idx[d]))[e];
            PTS_TRY(wrap_index(opname, &v, self->sizes[d], d));
            off += v * self->strides[d];
        }
        a->offsets[n] = off;
        for (int k = bout_nd - 1; k >= 0; k--) {
            if (++coord[k] < a->out_sizes[k])
                break;
            coord[k] = 0;
        }
    }
    (void)bshape;
    return PTS_OK;
}

static pts_status adv_build(const char *opname, pts_tensor *self, pts_value indices, adv *a)
{
    memset(a, 0, sizeof *a);
    if (self->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: advanced indexing of a 0-dim tensor is not supported", opname);
    pts_status st = adv_expand(opname, self, PTS_LIST(indices), a);
    int bnd = 0, first = 0;
    int64_t bshape[PTS_MAX_DIMS];
    if (!st)
        st = adv_shape(opname, self, a, &bnd, bshape, &first);
    if (!st)
        st = adv_offsets(opname, self, a, bnd, bshape, first);
    if (st)
        adv_free(a);
    return st;
}

PTS_KERNEL(k_index)
{
    pts_tensor *self = a->self;
    adv ad;
    bool any = false;
    for (int64_t i = 0; i < PTS_LIST(a->indices)->len; i++)
        any = any || PTS_LIST(a->indices)->items[i].tag != PTS_T_NONE;
    if (!any) {
        rets[0] = pts_ret_tensor_ref(self);
        return PTS_OK;
    }
    PTS_TRY(adv_build(OPN, self, a->indices, &ad));
    pts_tensor *out = pts_tensor_empty(self->dtype, ad.out_nd, ad.out_sizes);
    if (!out) {
        adv_free(&ad);
        return pts_err_last();
    }
    size_t isz = isz_of(self), blk = (size_t)ad.inner * isz;
    const char *src = pts_tensor_data(self);
    char *dst = pts_tensor_data(out);
    for (int64_t n = 0; n < ad.nblocks; n++)
        memcpy(dst + (size_t)n * blk, src + ad.offsets[n] * (int64_t)isz, blk);
    adv_free(&ad);
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

/* values broadcast to shape, converted to dtype, contiguous (new ref). */
static pts_tensor *values_as(const char *opname, pts_tensor *v, int dtype, int nd, const int64_t *shape)
{
    pts_tensor *out = pts_tensor_empty(dtype, nd, shape);
    if (!out)
        return NULL;
    if (pts_tensor_copy_into(out, v, opname) != PTS_OK) {
        pts_obj_release(&out->hdr);
        return NULL;
    }
    return out;
}

static pts_status index_put_into(const pts_op *op, pts_tensor *self, pts_value indices, pts_tensor *values, bool acc)
{
    adv a;
    if (values->dtype != self->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: Index put requires the source and destination dtypes match, got %s for the "
                                         "destination and %s for the source.", OPN, pts_dtype_get(self->dtype)->name,
                           pts_dtype_get(values->dtype)->name);
    PTS_TRY(pts_tensor_make_writable(self));
    PTS_TRY(adv_build(OPN, self, indices, &a));
    /* values as the result's shape, contiguous: values itself when it already is one and does not
     * share self's storage (a copy first otherwise, so no write is read back) */
    pts_tensor *v;
    bool same = values->ndim == a.out_nd && values->storage != self->storage && pts_tensor_is_contiguous(values);
    for (int d = 0; same && d < a.out_nd; d++)
        same = values->sizes[d] == a.out_sizes[d];
    if (same) {
        pts_obj_retain(&values->hdr);
        v = values;
    } else {
        v = values_as(OPN, values, self->dtype, a.out_nd, a.out_sizes);
    }
    if (!v) {
        adv_free(&a);
        return pts_err_last();
    }
    size_t isz = isz_of(self);
    char *dst = pts_tensor_data(self);
    const char *src = pts_tensor_data(v);
    int64_t inner = a.inner;
    for (int64_t n = 0; n < a.nblocks; n++) {
        char *p = dst + a.offsets[n] * (int64_t)isz;
        const char *q = src + (size_t)(n * inner) * isz;
        if (!acc)
            memcpy(p, q, (size_t)inner * isz);
        else
            for (int64_t i = 0; i < inner; i++)
                pts_elem_accumulate(p + (size_t)i * isz, q + (size_t)i * isz, self->dtype, false);
    }
    pts_obj_release(&v->hdr);
    adv_free(&a);
    return PTS_OK;
}

PTS_KERNEL(k_index_put_)
{
    PTS_TRY(index_put_into(op, a->self, a->indices, a->values, a->accumulate));
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_index_put)
{
    pts_tensor *c = pts_tensor_contiguous_copy(a->self);
    if (!c)
        return pts_err_last();
    pts_status st = index_put_into(op, c, a->indices, a->values, a->accumulate);
    if (st) {
        pts_obj_release(&c->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(c);
    return PTS_OK;
}

/* ---- index_select / take / embedding ---------------------------------------------------- */

/* self indexed along dim by the flat long index -> out shape: self with dim replaced by index shape. */
static pts_status select_along(const char *opname, bool allow_neg, pts_tensor *self, int d, pts_tensor *index, int ind_nd,
                               const int64_t *ind_sizes, pts_value *ret)
{
    pts_tensor *idx = long_index(opname, index);
    if (!idx)
        return pts_err_last();
    int64_t sizes[PTS_MAX_DIMS];
    int nd = 0;
    if (self->ndim - 1 + ind_nd > PTS_MAX_DIMS) {
        pts_obj_release(&idx->hdr);
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many dimensions", opname);
    }
    for (int i = 0; i < d; i++)
        sizes[nd++] = self->sizes[i];
    for (int i = 0; i < ind_nd; i++)
        sizes[nd++] = ind_sizes[i];
    for (int i = d + 1; i < self->ndim; i++)
        sizes[nd++] = self->sizes[i];
    pts_tensor *out = pts_tensor_empty(self->dtype, nd, sizes);
    if (!out) {
        pts_obj_release(&idx->hdr);
        return pts_err_last();
    }
    int64_t outer = 1, inner = 1, ni = pts_tensor_numel(idx), dsize = self->ndim ? self->sizes[d] : 1;
    for (int i = 0; i < d; i++)
        outer *= self->sizes[i];
    for (int i = d + 1; i < self->ndim; i++)
        inner *= self->sizes[i];
    size_t isz = isz_of(self);
    const int64_t *ix = pts_tensor_data(idx);
    char *dst = pts_tensor_data(out);
    const char *src = pts_tensor_data(self);
    pts_status st = PTS_OK;
    /* self viewed as [outer, dsize, inner] through its strides: use logical positions */
    for (int64_t j = 0; j < ni && !st; j++) {
        int64_t v = ix[j];
        st = allow_neg ? wrap_index(opname, &v, dsize, d) : check_index(opname, v, dsize, d);
        for (int64_t o = 0; o < outer && !st; o++)
            for (int64_t k = 0; k < inner; k++) {
                int64_t lin = (o * dsize + v) * inner + k;
                memcpy(dst + (size_t)((o * ni + j) * inner + k) * isz, src + elem_offset(self, lin) * (int64_t)isz, isz);
            }
    }
    pts_obj_release(&idx->hdr);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    *ret = pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_index_select)
{
    pts_tensor *self = a->self, *index = a->index;
    if (index->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: index_select(): Index is supposed to be a vector", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, self->ndim, OPN, &d));
    int64_t n = pts_tensor_numel(index);
    if (self->ndim == 0) {
        if (n != 1)
            return pts_err_set(PTS_ERR_INDEX, "%s: index_select(): Index to scalar can have only 1 value", OPN);
        return select_along(OPN, false, self, 0, index, 0, NULL, rets);
    }
    return select_along(OPN, false, self, d, index, 1, &n, rets);
}

PTS_KERNEL(k_embedding)
{
    pts_tensor *w = a->weight, *ind = a->indices;
    if (w->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: 'weight' must be 2-D", OPN);
    return select_along(OPN, false, w, 0, ind, ind->ndim, ind->sizes, rets);
}

PTS_KERNEL(k_take)
{
    pts_tensor *self = a->self, *ind = a->index;
    if (ind->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: take(): Expected a long tensor for index, but got %s", OPN,
                           pts_dtype_get(ind->dtype) ? pts_dtype_get(ind->dtype)->name : "?");
    int64_t n = pts_tensor_numel(self), one = 1;
    pts_tensor *flat = pts_tensor_contiguous_copy(self);
    if (!flat)
        return pts_err_last();
    pts_tensor *fv = pts_tensor_view_of(flat->storage, self->dtype, 1, &n, &one, 0);
    pts_obj_release(&flat->hdr);
    if (!fv)
        return pts_err_last();
    pts_status st = select_along(OPN, true, fv, 0, ind, ind->ndim, ind->sizes, rets);
    pts_obj_release(&fv->hdr);
    return st;
}

/* ---- gather / scatter --------------------------------------------------------------------- */

/* For every element of index: offset into `t` with dim d replaced by the index value. */
static pts_status dim_offsets(const char *opname, const pts_tensor *t, int d, const pts_tensor *idx, int64_t *offs)
{
    int64_t n = pts_tensor_numel(idx);
    const int64_t *ix = pts_tensor_data(idx);
    int64_t coord[PTS_MAX_DIMS] = {0};
    for (int64_t i = 0; i < n; i++) {
        int64_t off = 0;
        for (int k = 0; k < t->ndim; k++) {
            int64_t c = coord[k];
            if (k == d) {
                c = ix[i];
                PTS_TRY(check_index(opname, c, t->sizes[k], k));
            }
            off += c * t->strides[k];
        }
        offs[i] = off;
        for (int k = idx->ndim - 1; k >= 0; k--) {
            if (++coord[k] < idx->sizes[k])
                break;
            coord[k] = 0;
        }
    }
    return PTS_OK;
}

static pts_status check_gather_shape(const char *opname, const pts_tensor *self, int d, const pts_tensor *idx)
{
    if (idx->ndim != self->ndim && !(idx->ndim <= 1 && self->ndim <= 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: Index tensor must have the same number of dimensions as input tensor", opname);
    for (int k = 0; k < idx->ndim && k < self->ndim; k++)
        if (k != d && idx->sizes[k] > self->sizes[k])
            return pts_err_set(PTS_ERR_VALUE, "%s: Size does not match at dimension %d expected index [%lld] to be smaller "
                                              "than self [%lld] apart from dimension %d", opname, k,
                               (long long)idx->sizes[k], (long long)self->sizes[k], d);
    return PTS_OK;
}

PTS_KERNEL(k_gather)
{
    pts_tensor *self = a->self;
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, self->ndim, OPN, &d));
    if (pts_tensor_numel(a->index) == 0) /* torch: an empty index of any dtype and shape gives an empty result */
        return pts_ret(pts_tensor_empty(self->dtype, a->index->ndim, a->index->sizes), rets);
    pts_tensor *idx = long_index(OPN, a->index);
    if (!idx)
        return pts_err_last();
    pts_status st = check_gather_shape(OPN, self, d, idx);
    int64_t n = pts_tensor_numel(idx);
    int64_t *offs = st ? NULL : pts_calloc((size_t)(n ? n : 1), sizeof *offs);
    pts_tensor *out = NULL;
    if (!st && !offs)
        st = pts_err_nomem("gather offsets", (size_t)n * 8);
    if (!st)
        st = dim_offsets(OPN, self, d, idx, offs);
    if (!st && !(out = pts_tensor_empty(self->dtype, idx->ndim, idx->sizes)))
        st = pts_err_last();
    if (!st) {
        size_t isz = isz_of(self);
        for (int64_t i = 0; i < n; i++)
            memcpy((char *)pts_tensor_data(out) + (size_t)i * isz, (char *)pts_tensor_data(self) + offs[i] * (int64_t)isz, isz);
        rets[0] = pts_ret_tensor(out);
    }
    pts_free(offs);
    pts_obj_release(&idx->hdr);
    return st;
}

typedef enum scat_mode { SC_SET, SC_ADD, SC_MUL } scat_mode;

/* scatter src (Tensor, positions by index coords) or a scalar value into self (in place). */
static pts_status scatter_into(const char *opname, pts_tensor *self, int64_t dim, pts_tensor *index, pts_value src,
                               scat_mode mode)
{
    PTS_TRY(pts_tensor_make_writable(self));
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, self->ndim, opname, &d));
    pts_tensor *idx = long_index(opname, index);
    if (!idx)
        return pts_err_last();
    pts_status st = check_gather_shape(opname, self, d, idx);
    int64_t n = pts_tensor_numel(idx);
    int64_t *offs = st ? NULL : pts_calloc((size_t)(n ? n : 1), sizeof *offs);
    if (!st && !offs)
        st = pts_err_nomem("scatter offsets", (size_t)n * 8);
    if (!st)
        st = dim_offsets(opname, self, d, idx, offs);
    pts_tensor *s = src.tag == PTS_T_TENSOR ? PTS_TENSOR(src) : NULL;
    if (!st && s && s->dtype != self->dtype)
        st = pts_err_set(PTS_ERR_TYPE, "%s: scatter(): Expected self.dtype to be equal to src.dtype", opname);
    if (!st && !s)
        st = pts_scalar_check_fits(src, self->dtype, opname);
    if (!st && s && s->ndim != idx->ndim && !(s->ndim <= 1 && idx->ndim <= 1))
        st = pts_err_set(PTS_ERR_VALUE, "%s: Index tensor must have the same number of dimensions as src tensor", opname);
    size_t isz = isz_of(self);
    char tmp[16];
    for (int64_t i = 0; !st && i < n; i++) {
        char *p = (char *)pts_tensor_data(self) + offs[i] * (int64_t)isz;
        if (s) { /* src element at the same coordinates as index element i */
            int64_t rem = i, so = 0;
            for (int k = idx->ndim - 1; k >= 0; k--) {
                so += (rem % idx->sizes[k]) * (k < s->ndim ? s->strides[k] : 0);
                rem /= idx->sizes[k];
            }
            const char *sp = (const char *)pts_tensor_data(s) + so * (int64_t)isz_of(s);
            memcpy(tmp, sp, isz); /* src has self's dtype (checked above) */
        } else {
            pts_store_scalar(tmp, self->dtype, src);
        }
        if (mode == SC_SET) {
            memcpy(p, tmp, isz);
        } else {
            pts_elem_accumulate(p, tmp, self->dtype, mode != SC_ADD);
        }
    }
    pts_free(offs);
    pts_obj_release(&idx->hdr);
    return st;
}

static pts_status reduce_mode(const char *opname, const char *s, scat_mode *m)
{
    if (strcmp(s, "add") == 0 || strcmp(s, "sum") == 0)
        *m = SC_ADD;
    else if (strcmp(s, "multiply") == 0 || strcmp(s, "prod") == 0)
        *m = SC_MUL;
    else
        return pts_err_set(PTS_ERR_VALUE, "%s: reduce argument must be either add or multiply, got %s", opname, s);
    return PTS_OK;
}

/* scatter(self, dim, index, src or value[, *, reduce]): reduce NULL for the overloads without it */
static pts_status scatter_common(const pts_op *op, pts_tensor *self0, int64_t dim, pts_tensor *index, pts_value src,
                                 const char *reduce, pts_value *rets, scat_mode mode)
{
    if (reduce)
        PTS_TRY(reduce_mode(OPN, reduce, &mode));
    bool inplace = op->schema.args[0].is_write;
    if (inplace)
        PTS_TRY(pts_check_no_internal_overlap(self0, OPN));
    pts_tensor *self = inplace ? self0 : pts_tensor_contiguous_copy(self0);
    if (!self)
        return pts_err_last();
    pts_status st = scatter_into(OPN, self, dim, index, src, mode);
    if (inplace) {
        if (!st)
            rets[0] = pts_ret_tensor_ref(self0);
        return st;
    }
    if (st) {
        pts_obj_release(&self->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(self);
    return PTS_OK;
}

PTS_KERNEL(k_scatter_value) { return scatter_common(op, a->self, a->dim, a->index, a->value, NULL, rets, SC_SET); }
PTS_KERNEL(k_scatter_src) { return scatter_common(op, a->self, a->dim, a->index, pts_tensor_val(a->src), NULL, rets, SC_SET); }
PTS_KERNEL(k_scatter_value_reduce)
{
    return scatter_common(op, a->self, a->dim, a->index, a->value, a->reduce, rets, SC_SET);
}
PTS_KERNEL(k_scatter_src_reduce)
{
    return scatter_common(op, a->self, a->dim, a->index, pts_tensor_val(a->src), a->reduce, rets, SC_SET);
}
PTS_KERNEL(k_scatter_add)
{
    return scatter_common(op, a->self, a->dim, a->index, pts_tensor_val(a->src), NULL, rets, SC_ADD);
}

/* ---- masks -------------------------------------------------------------------------------- */

typedef struct mfill_ctx {
    size_t isz;
    char val[16];
} mfill_ctx;

static void mfill_loop(void *vctx, char **d, const int64_t *s, int64_t n)
{
    const mfill_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++)
        if (*(const uint8_t *)(d[1] + i * s[1]))
            memcpy(d[0] + i * s[0], c->val, c->isz);
}

static pts_status masked_fill_into(const char *opname, pts_tensor *self, pts_tensor *mask, pts_value value)
{
    if (mask->dtype != PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: masked_fill_ only supports boolean masks, but got mask with dtype %s", opname,
                           pts_dtype_get(mask->dtype)->name);
    if (value.tag == PTS_T_TENSOR) {
        pts_tensor *vt = PTS_TENSOR(value);
        if (vt->ndim != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                                              "with %d dimension(s).", opname, vt->ndim);
        PTS_TRY(pts_tensor_item(vt, &value));
    }
    PTS_TRY(pts_scalar_check_fits(value, self->dtype, opname));
    PTS_TRY(pts_tensor_make_writable(self));
    mfill_ctx c;
    c.isz = isz_of(self);
    pts_store_scalar(c.val, self->dtype, value);
    pts_iter it;
    pts_tensor *ops[2] = {self, mask};
    PTS_TRY(pts_iter_init(&it, 2, ops, opname));
    pts_iter_run(&it, mfill_loop, &c);
    return PTS_OK;
}

/* masked_fill(self, mask, value): value a Scalar or a 0-dim Tensor */
static pts_status masked_fill(const pts_op *op, pts_tensor *self, pts_tensor *mask, pts_value value, pts_value *rets)
{
    if (op->schema.args[0].is_write) {
        PTS_TRY(masked_fill_into(OPN, self, mask, value));
        rets[0] = pts_ret_tensor_ref(self);
        return PTS_OK;
    }
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    pts_tensor *both[2] = {self, mask};
    PTS_TRY(pts_broadcast_tensors_shape(2, both, &nd, shape, OPN));
    pts_tensor *out = values_as(OPN, self, self->dtype, nd, shape);
    if (!out)
        return pts_err_last();
    pts_status st = masked_fill_into(OPN, out, mask, value);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_masked_fill_scalar) { return masked_fill(op, a->self, a->mask, a->value, rets); }
PTS_KERNEL(k_masked_fill_tensor) { return masked_fill(op, a->self, a->mask, pts_tensor_val(a->value), rets); }

PTS_KERNEL(k_masked_select)
{
    pts_tensor *self = a->self, *mask = a->mask;
    if (mask->dtype != PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: masked_select: expected BoolTensor for mask", OPN);
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    pts_tensor *both[2] = {self, mask};
    PTS_TRY(pts_broadcast_tensors_shape(2, both, &nd, shape, OPN));
    pts_tensor *s = values_as(OPN, self, self->dtype, nd, shape);
    pts_tensor *m = s ? values_as(OPN, mask, PTS_BOOL, nd, shape) : NULL;
    if (!m) {
        if (s)
            pts_obj_release(&s->hdr);
        return pts_err_last();
    }
    int64_t n = pts_tensor_numel(s), cnt = 0;
    const uint8_t *mp = pts_tensor_data(m);
    for (int64_t i = 0; i < n; i++)
        cnt += mp[i] != 0;
    pts_tensor *out = pts_tensor_empty(self->dtype, 1, &cnt);
    if (out) {
        size_t isz = isz_of(self);
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++)
            if (mp[i])
                memcpy((char *)pts_tensor_data(out) + (size_t)k++ * isz, (char *)pts_tensor_data(s) + (size_t)i * isz, isz);
    }
    pts_obj_release(&s->hdr);
    pts_obj_release(&m->hdr);
    if (!out)
        return pts_err_last();
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_nonzero)
{
    pts_tensor *r = nonzero_of(a->self);
    if (!r)
        return pts_err_last();
    rets[0] = pts_ret_tensor(r);
    return PTS_OK;
}

const pts_op_def pts_ops_index[] = {
    PTS_OP("aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor", k_index),
    PTS_OP("aten::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)", k_index_put_),
    PTS_OP("aten::index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor", k_index_put),
    PTS_OP("aten::index_select(Tensor self, int dim, Tensor index) -> Tensor", k_index_select),
    PTS_OP("aten::gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor", k_gather),
    PTS_OP("aten::scatter.value(Tensor self, int dim, Tensor index, Scalar value) -> Tensor", k_scatter_value),
    PTS_OP("aten::scatter.src(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", k_scatter_src),
    PTS_OP("aten::scatter.reduce(Tensor self, int dim, Tensor index, Tensor src, *, str reduce) -> Tensor", k_scatter_src_reduce),
    PTS_OP("aten::scatter.value_reduce(Tensor self, int dim, Tensor index, Scalar value, *, str reduce) -> Tensor", k_scatter_value_reduce),
    PTS_OP("aten::scatter_.src(Tensor(a!) self, int dim, Tensor index, Tensor src) -> Tensor(a!)", k_scatter_src),
    PTS_OP("aten::scatter_.value(Tensor(a!) self, int dim, Tensor index, Scalar value) -> Tensor(a!)", k_scatter_value),
    PTS_OP("aten::scatter_.reduce(Tensor(a!) self, int dim, Tensor index, Tensor src, *, str reduce) -> Tensor(a!)", k_scatter_src_reduce),
    PTS_OP("aten::scatter_.value_reduce(Tensor(a!) self, int dim, Tensor index, Scalar value, *, str reduce) -> Tensor(a!)", k_scatter_value_reduce),
    PTS_OP("aten::scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", k_scatter_add),
    PTS_OP("aten::scatter_add_(Tensor(a!) self, int dim, Tensor index, Tensor src) -> Tensor(a!)", k_scatter_add),
    PTS_OP("aten::masked_fill.Scalar(Tensor self, Tensor mask, Scalar value) -> Tensor", k_masked_fill_scalar),
    PTS_OP("aten::masked_fill.Tensor(Tensor self, Tensor mask, Tensor value) -> Tensor", k_masked_fill_tensor),
    PTS_OP("aten::masked_fill_.Scalar(Tensor(a!) self, Tensor mask, Scalar value) -> Tensor(a!)", k_masked_fill_scalar),
    PTS_OP("aten::masked_fill_.Tensor(Tensor(a!) self, Tensor mask, Tensor value) -> Tensor(a!)", k_masked_fill_tensor),
    PTS_OP("aten::masked_select(Tensor self, Tensor mask) -> Tensor", k_masked_select),
    PTS_OP("aten::embedding(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor", k_embedding),
    PTS_OP("aten::take(Tensor self, Tensor index) -> Tensor", k_take),
    PTS_OP("aten::nonzero(Tensor self) -> Tensor", k_nonzero),
    {NULL, NULL},
};
