/* shape.c - shape and layout ops: views (view, reshape, permute, transpose,
 * squeeze, unsqueeze, expand, select, slice, narrow, split, chunk, unbind,
 * flatten, unflatten, movedim, alias), copies (cat, stack, flip, roll,
 * repeat, contiguous, clone).  The Tensor -> int queries (size, dim, numel,
 * stride) live in prim/prim.c.
 *
 * View ops build a new pts_tensor over the same storage (pts_tensor_view_of),
 * so in-place ops on a view write into the base.  reshape / flatten view when
 * torch's stride rule allows it and copy otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "ops/kernel.h"


/* ---- helpers ------------------------------------------------------------------------------ */

/* New view of t's storage; rets: new ref. */
static pts_status int_list_arg(pts_value v, int64_t *out, int *n, const char *name)
{
    return pts_arg_int_list(v, out, PTS_MAX_DIMS, n, 0, name);
}

/* Resolve one -1 in a requested shape against numel (torch's infer_size). */
static pts_status infer_size(const char *opname, int64_t numel, int nd, int64_t *shape)
{
    int infer = -1;
    int64_t prod = 1;
    for (int i = 0; i < nd; i++) {
        if (shape[i] == -1) {
            if (infer >= 0)
                return pts_err_set(PTS_ERR_VALUE, "%s: only one dimension can be inferred", opname);
            infer = i;
        } else if (shape[i] < 0) {
            return pts_err_set(PTS_ERR_VALUE, "%s: invalid shape dimension %lld", opname, (long long)shape[i]);
        } else {
            prod *= shape[i];
        }
    }
    if (infer >= 0 && prod != 0 && numel % prod == 0) {
        shape[infer] = numel / prod;
        return PTS_OK;
    }
    if (infer < 0 && prod == numel)
        return PTS_OK;
    char b[160];
    pts_shape_str(nd, shape, b, sizeof b);
    return pts_err_set(PTS_ERR_VALUE, "%s: shape '%s' is invalid for input of size %lld", opname, b, (long long)numel);
}

/* torch's computeStride: strides viewing t as shape, or false if impossible. */
static bool compute_stride(const pts_tensor *t, int nd, const int64_t *shape, int64_t *ns)
{
    if (t->ndim == 0) {
        for (int i = 0; i < nd; i++)
            ns[i] = 1;
        return true;
    }
    int64_t numel = pts_tensor_numel(t);
    if (numel == 0) {
        pts_contiguous_strides(nd, shape, ns);
        return true;
    }
    int view_d = nd - 1;
    int64_t chunk = t->strides[t->ndim - 1], tn = 1, vn = 1;
    for (int td = t->ndim - 1; td >= 0; td--) {
        tn *= t->sizes[td];
        if (td == 0 || (t->sizes[td - 1] != 1 && t->strides[td - 1] != tn * chunk)) {
            while (view_d >= 0 && (vn < tn || shape[view_d] == 1)) {
                ns[view_d] = vn * chunk;
                vn *= shape[view_d];
                view_d--;
            }
            if (vn != tn)
                return false;
            if (td > 0) {
                chunk = t->strides[td - 1];
                tn = 1;
                vn = 1;
            }
        }
    }
    return view_d == -1;
}

/* reshape to `shape` (already inferred): a view when possible, else a copy. */
static pts_status reshape_to(const char *opname, pts_tensor *t, int nd, const int64_t *shape, bool view_only,
                             pts_value *ret)
{
    int64_t ns[PTS_MAX_DIMS];
    if (compute_stride(t, nd, shape, ns))
        return pts_ret_view(t, nd, shape, ns, t->offset, ret);
    if (view_only)
        return pts_err_set(PTS_ERR_VALUE, "%s: view size is not compatible with input tensor's size and stride (at least "
                                          "one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
                           opname);
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c)
        return pts_err_last();
    pts_contiguous_strides(nd, shape, ns);
    pts_status st = pts_ret_view(c, nd, shape, ns, 0, ret);
    pts_obj_release(&c->hdr);
    return st;
}

static pts_status reshape_common(const pts_op *op, pts_tensor *t, pts_value shape_v, bool view_only, pts_value *ret)
{
    int64_t shape[PTS_MAX_DIMS];
    int nd;
    PTS_TRY(int_list_arg(shape_v, shape, &nd, "size"));
    PTS_TRY(infer_size(OPN, pts_tensor_numel(t), nd, shape));
    return reshape_to(OPN, t, nd, shape, view_only, ret);
}

static pts_value tensor_list_value(pts_list *l) { return pts_obj_value(&l->hdr); }


/* ---- view ops -------------------------------------------------------------------------------- */

PTS_KERNEL(k_view)
{
    return reshape_common(op, a->self, a->size, true, rets);
}

PTS_KERNEL(k_reshape)
{
    return reshape_common(op, a->self, a->shape, false, rets);
}

PTS_KERNEL(k_view_as)
{
    pts_tensor *o = a->other;
    int64_t shape[PTS_MAX_DIMS];
    memcpy(shape, o->sizes, sizeof shape);
    PTS_TRY(infer_size(OPN, pts_tensor_numel(a->self), o->ndim, shape));
    return reshape_to(OPN, a->self, o->ndim, shape, strcmp(OPN, "aten::view_as") == 0, rets);
}

PTS_KERNEL(k_flatten)
{
    pts_tensor *t = a->self;
    int s = 0, e = 0;
    PTS_TRY(pts_wrap_dim(a->start_dim, t->ndim, OPN, &s));
    PTS_TRY(pts_wrap_dim(a->end_dim, t->ndim, OPN, &e));
    if (s > e)
        return pts_err_set(PTS_ERR_VALUE, "%s: flatten() has invalid args: start_dim cannot come after end_dim", OPN);
    if (t->ndim == 0) {
        int64_t one = 1;
        return reshape_to(OPN, t, 1, &one, false, rets);
    }
    if (s == e) {
        rets[0] = pts_ret_tensor_ref(t);
        return PTS_OK;
    }
    int64_t shape[PTS_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < s; i++)
        shape[nd++] = t->sizes[i];
    int64_t p = 1;
    for (int i = s; i <= e; i++)
        p *= t->sizes[i];
    shape[nd++] = p;
    for (int i = e + 1; i < t->ndim; i++)
        shape[nd++] = t->sizes[i];
    return reshape_to(OPN, t, nd, shape, false, rets);
}

PTS_KERNEL(k_unflatten)
{
    pts_tensor *t = a->self;
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int64_t sz[PTS_MAX_DIMS];
    int n;
    PTS_TRY(int_list_arg(a->sizes, sz, &n, "sizes"));
    if (n == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: unflatten: sizes must be non-empty", OPN);
    if (t->ndim - 1 + n > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many dimensions", OPN);
    PTS_TRY(infer_size(OPN, t->sizes[d], n, sz));
    int64_t shape[PTS_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < d; i++)
        shape[nd++] = t->sizes[i];
    for (int i = 0; i < n; i++)
        shape[nd++] = sz[i];
    for (int i = d + 1; i < t->ndim; i++)
        shape[nd++] = t->sizes[i];
    return reshape_to(OPN, t, nd, shape, true, rets);
}

static pts_status permute_to(const char *opname, pts_tensor *t, const int64_t *dims, int n, pts_value *ret)
{
    if (n != t->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: permute(sparse_coo): number of dimensions in the tensor input does not match "
                                          "the length of the desired ordering of dimensions i.e. input.dim() = %d is not "
                                          "equal to len(dims) = %d", opname, t->ndim, n);
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    bool seen[PTS_MAX_DIMS] = {false};
    for (int i = 0; i < n; i++) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(dims[i], t->ndim, opname, &d));
        if (seen[d])
            return pts_err_set(PTS_ERR_VALUE, "%s: permute(): duplicate dims are not allowed.", opname);
        seen[d] = true;
        sizes[i] = t->sizes[d];
        strides[i] = t->strides[d];
    }
    return pts_ret_view(t, n, sizes, strides, t->offset, ret);
}

static pts_status permute_run(const pts_op *op, pts_tensor *self, pts_value dimsv, pts_value *rets)
{
    int64_t dims[PTS_MAX_DIMS];
    int n;
    PTS_TRY(int_list_arg(dimsv, dims, &n, "dims"));
    return permute_to(OPN, self, dims, n, rets);
}

PTS_KERNEL(k_permute) { return permute_run(op, a->self, a->dims, rets); }

PTS_KERNEL(k_permute_copy)
{
    pts_value v;
    PTS_TRY(permute_run(op, a->self, a->dims, &v));
    pts_tensor *c = pts_tensor_contiguous_copy(PTS_TENSOR(v));
    pts_value_release(v);
    if (!c)
        return pts_err_last();
    rets[0] = pts_ret_tensor(c);
    return PTS_OK;
}

static pts_status transpose_to(const char *opname, pts_tensor *t, int64_t d0, int64_t d1, pts_value *ret)
{
    int a = 0, b = 0;
    PTS_TRY(pts_wrap_dim(d0, t->ndim, opname, &a));
    PTS_TRY(pts_wrap_dim(d1, t->ndim, opname, &b));
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    memcpy(sizes, t->sizes, sizeof sizes);
    memcpy(strides, t->strides, sizeof strides);
    if (t->ndim > 0) {
        sizes[a] = t->sizes[b], sizes[b] = t->sizes[a];
        strides[a] = t->strides[b], strides[b] = t->strides[a];
    }
    return pts_ret_view(t, t->ndim, sizes, strides, t->offset, ret);
}

PTS_KERNEL(k_transpose) { return transpose_to(OPN, a->self, a->dim0, a->dim1, rets); }
PTS_KERNEL(k_swapaxes) { return transpose_to(OPN, a->self, a->axis0, a->axis1, rets); }

static pts_status t_view(const pts_op *op, pts_tensor *t, pts_value *rets)
{
    if (t->ndim > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: t() expects a tensor with <= 2 dimensions, but self is %dD", OPN, t->ndim);
    return transpose_to(OPN, t, 0, t->ndim < 2 ? 0 : 1, rets);
}

PTS_KERNEL(k_t) { return t_view(op, a->self, rets); }

/* Replace t's metadata by view v's (in-place shape ops). */
static pts_status become(pts_value self, pts_value v, pts_value *rets)
{
    pts_tensor *t = PTS_TENSOR(self), *s = PTS_TENSOR(v);
    t->ndim = s->ndim;
    memcpy(t->sizes, s->sizes, sizeof t->sizes);
    memcpy(t->strides, s->strides, sizeof t->strides);
    t->offset = s->offset;
    pts_value_release(v);
    rets[0] = pts_ret_self(self);
    return PTS_OK;
}

static pts_status squeeze_dims(const char *opname, pts_tensor *t, const bool *mask, pts_value *ret)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (!(mask[i] && t->sizes[i] == 1)) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    (void)opname;
    return pts_ret_view(t, n, sizes, strides, t->offset, ret);
}

/* squeeze(self) (dimv None), squeeze.dim(self, int dim), squeeze.dims(self, int[] dim) and the _ forms */
static pts_status squeeze_run(const pts_op *op, pts_tensor *t, pts_value dimv, pts_value *rets)
{
    bool mask[PTS_MAX_DIMS] = {false};
    if (dimv.tag == PTS_T_NONE) {
        for (int i = 0; i < t->ndim; i++)
            mask[i] = true;
    } else if (dimv.tag == PTS_T_INT) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(pts_arg_int(dimv), t->ndim, OPN, &d));
        mask[d] = t->ndim > 0;
    } else {
        int64_t dims[PTS_MAX_DIMS];
        int n;
        PTS_TRY(int_list_arg(dimv, dims, &n, "dim"));
        for (int i = 0; i < n; i++) {
            int d = 0;
            PTS_TRY(pts_wrap_dim(dims[i], t->ndim, OPN, &d));
            mask[d] = t->ndim > 0;
        }
    }
    pts_value v;
    PTS_TRY(squeeze_dims(OPN, t, mask, &v));
    if (op->schema.args[0].is_write)
        return become(pts_tensor_val(t), v, rets);
    rets[0] = v;
    return PTS_OK;
}

PTS_KERNEL(k_squeeze) { return squeeze_run(op, a->self, pts_none(), rets); }
PTS_KERNEL(k_squeeze_dim) { return squeeze_run(op, a->self, pts_int(a->dim), rets); }
PTS_KERNEL(k_squeeze_dims) { return squeeze_run(op, a->self, a->dim, rets); }

/* t with a size-1 dim inserted at dim: a new view in *v */
static pts_status unsqueeze_view(const pts_op *op, pts_tensor *t, int64_t dim, pts_value *v)
{
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim + 1, OPN, &d));
    if (t->ndim + 1 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many dimensions", OPN);
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    for (int i = 0; i <= t->ndim; i++) {
        if (i == d) {
            sizes[n] = 1;
            strides[n++] = i < t->ndim ? t->sizes[i] * t->strides[i] : 1;
        }
        if (i < t->ndim) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    }
    return pts_ret_view(t, n, sizes, strides, t->offset, v);
}

PTS_KERNEL(k_unsqueeze)
{
    pts_value v;
    PTS_TRY(unsqueeze_view(op, a->self, a->dim, &v));
    if (op->schema.args[0].is_write)
        return become(pts_tensor_val(a->self), v, rets);
    rets[0] = v;
    return PTS_OK;
}

PTS_KERNEL(k_transpose_)
{
    pts_value v;
    PTS_TRY(transpose_to(OPN, a->self, a->dim0, a->dim1, &v));
    return become(pts_tensor_val(a->self), v, rets);
}

PTS_KERNEL(k_t_)
{
    pts_value v;
    PTS_TRY(t_view(op, a->self, &v));
    return become(pts_tensor_val(a->self), v, rets);
}

pts_status pts_ops_expand_view(const char *opname, const pts_tensor *t, int n, const int64_t *want, pts_value *ret)
{
    if (n < t->ndim) {
        return pts_err_set(PTS_ERR_VALUE, "%s: expand: the number of sizes provided (%d) must be greater or equal to the "
                                          "number of dimensions in the tensor (%d)", opname, n, t->ndim);
    }
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    for (int i = n - 1; i >= 0; i--) {
        int td = t->ndim - n + i;
        int64_t ts = td >= 0 ? t->sizes[td] : 1, st = td >= 0 ? t->strides[td] : 0;
        int64_t w = want[i];
        if (w == -1) {
            if (td < 0)
                return pts_err_set(PTS_ERR_VALUE, "%s: The expanded size of the tensor (-1) isn't allowed in a leading, "
                                                  "non-existing dimension %d", opname, i);
            w = ts;
        }
        if (ts != w) {
            if (ts != 1) {
                char a[160], b[160];
                pts_shape_str(n, want, a, sizeof a);
                pts_shape_str(t->ndim, t->sizes, b, sizeof b);
                return pts_err_set(PTS_ERR_VALUE, "%s: The expanded size of the tensor (%lld) must match the existing size "
                                                  "(%lld) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s",
                                   opname, (long long)w, (long long)ts, i, a, b);
            }
            st = 0;
        }
        if (w < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: invalid expanded size %lld", opname, (long long)w);
        sizes[i] = w;
        strides[i] = st;
    }
    return pts_ret_view(t, n, sizes, strides, t->offset, ret);
}

PTS_KERNEL(k_expand)
{
    int64_t want[PTS_MAX_DIMS];
    int n;
    PTS_TRY(int_list_arg(a->size, want, &n, "size"));
    return pts_ops_expand_view(OPN, a->self, n, want, rets);
}

PTS_KERNEL(k_expand_as)
{
    pts_tensor *o = a->other;
    return pts_ops_expand_view(OPN, a->self, o->ndim, o->sizes, rets);
}

static pts_status select_to(const char *opname, pts_tensor *t, int64_t dim, int64_t index, pts_value *ret)
{
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: select() cannot be applied to a 0-dim tensor.", opname);
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, opname, &d));
    int64_t size = t->sizes[d];
    if (index < -size || index >= size) {
        char b[160];
        pts_shape_str(t->ndim, t->sizes, b, sizeof b);
        return pts_err_set(PTS_ERR_INDEX, "%s: select(): index %lld out of range for tensor of size %s at dimension %d",
                           opname, (long long)index, b, d);
    }
    if (index < 0)
        index += size;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    return pts_ret_view(t, n, sizes, strides, t->offset + index * t->strides[d], ret);
}

PTS_KERNEL(k_select)
{
    return select_to(OPN, a->self, a->dim, a->index, rets);
}

/* narrow view [start, start+len) along d (already validated). */
static pts_status narrow_view(const pts_tensor *t, int d, int64_t start, int64_t len, int64_t step, pts_value *ret)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    memcpy(sizes, t->sizes, sizeof sizes);
    memcpy(strides, t->strides, sizeof strides);
    sizes[d] = len;
    strides[d] = t->strides[d] * step;
    return pts_ret_view(t, t->ndim, sizes, strides, t->offset + (len > 0 ? start * t->strides[d] : 0), ret);
}

PTS_KERNEL(k_slice)
{
    pts_tensor *t = a->self;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: slice() cannot be applied to a 0-dim tensor.", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int64_t size = t->sizes[d], step = a->step;
    if (step <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: slice step must be positive", OPN);
    int64_t start = a->has_start ? a->start : 0;
    int64_t end = a->has_end ? a->end : size;
    if (start < 0)
        start += size;
    if (end < 0)
        end += size;
    start = start < 0 ? 0 : start > size ? size : start;
    end = end < start ? start : end > size ? size : end;
    int64_t len = (end - start + step - 1) / step;
    return narrow_view(t, d, start, len, step, rets);
}

PTS_KERNEL(k_narrow)
{
    pts_tensor *t = a->self;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: narrow() cannot be applied to a 0-dim tensor.", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int64_t start;
    if (a->start.tag == PTS_T_TENSOR /* narrow.Tensor */) {
        pts_value s;
        PTS_TRY(pts_tensor_item(PTS_TENSOR(a->start), &s));
        start = pts_arg_int(s);
    } else {
        start = pts_arg_int(a->start);
    }
    int64_t len = a->length, size = t->sizes[d];
    if (start < -size || start > size)
        return pts_err_set(PTS_ERR_INDEX, "%s: start out of range (expected to be in range of [%lld, %lld], but got %lld)",
                           OPN, (long long)-size, (long long)size, (long long)start);
    if (start < 0)
        start += size;
    if (len < 0 || start + len > size)
        return pts_err_set(PTS_ERR_VALUE, "%s: start (%lld) + length (%lld) exceeds dimension size (%lld).", OPN,
                           (long long)start, (long long)len, (long long)size);
    return narrow_view(t, d, start, len, 1, rets);
}

/* Split along d into pieces of the given sizes -> List[Tensor]. */
static pts_status split_sizes(const char *opname, pts_tensor *t, int d, const int64_t *sizes, int64_t n, pts_value *ret)
{
    pts_list *l = pts_tensor_list_new(n);
    if (!l)
        return pts_err_last();
    int64_t start = 0;
    for (int64_t i = 0; i < n; i++) {
        pts_value v;
        pts_status st = narrow_view(t, d, start, sizes[i], 1, &v);
        if (!st)
            st = pts_list_append(l, v);
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
        start += sizes[i];
    }
    (void)opname;
    *ret = tensor_list_value(l);
    return PTS_OK;
}

static pts_status split_even(const char *opname, pts_tensor *t, int64_t split, int64_t dim, pts_value *ret)
{
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: split expects at least a 1-dimensional tensor", opname);
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, opname, &d));
    int64_t size = t->sizes[d];
    if (split < 0 || (split == 0 && size != 0))
        return pts_err_set(PTS_ERR_VALUE, "%s: split_size can only be 0 if dimension size is 0, but got dimension size of %lld",
                           opname, (long long)size);
    int64_t n = split == 0 ? 1 : (size + split - 1) / split;
    if (n == 0)
        n = 1;
    int64_t *sz = pts_calloc((size_t)n, sizeof *sz);
    if (!sz)
        return pts_err_nomem("split sizes", (size_t)n * 8);
    for (int64_t i = 0; i < n; i++)
        sz[i] = split == 0 ? 0 : (i == n - 1 ? size - split * (n - 1) : split);
    pts_status st = split_sizes(opname, t, d, sz, n, ret);
    pts_free(sz);
    return st;
}

static pts_status split_list(const char *opname, pts_tensor *t, pts_value lv, int64_t dim, pts_value *ret)
{
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: split expects at least a 1-dimensional tensor", opname);
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, opname, &d));
    pts_list *l = PTS_LIST(lv);
    int64_t *sz = pts_calloc((size_t)(l->len ? l->len : 1), sizeof *sz), sum = 0;
    if (!sz)
        return pts_err_nomem("split sizes", (size_t)l->len * 8);
    for (int64_t i = 0; i < l->len; i++) {
        sz[i] = pts_arg_int(l->items[i]);
        sum += sz[i];
        if (sz[i] < 0)
            sum = -1 - t->sizes[d];
    }
    pts_status st;
    if (sum != t->sizes[d])
        st = pts_err_set(PTS_ERR_VALUE, "%s: split_with_sizes expects split_sizes to sum exactly to %lld (input tensor's "
                                        "size at dimension %d), but got split_sizes with sum %lld",
                         opname, (long long)t->sizes[d], d, (long long)sum);
    else
        st = split_sizes(opname, t, d, sz, l->len, ret);
    pts_free(sz);
    return st;
}

/* split.Tensor (SymInt split_size) / split.sizes (SymInt[] split_size) */
PTS_KERNEL(k_split)
{
    if (a->split_size.tag == PTS_T_INT)
        return split_even(OPN, a->self, pts_arg_int(a->split_size), a->dim, rets);
    return split_list(OPN, a->self, a->split_size, a->dim, rets);
}

/* split(int[] split_sizes) / split_with_sizes(SymInt[] split_sizes) */
PTS_KERNEL(k_split_sizes)
{
    if (a->split_sizes.tag == PTS_T_INT)
        return split_even(OPN, a->self, pts_arg_int(a->split_sizes), a->dim, rets);
    return split_list(OPN, a->self, a->split_sizes, a->dim, rets);
}

PTS_KERNEL(k_chunk)
{
    pts_tensor *t = a->self;
    int64_t chunks = a->chunks;
    if (chunks <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: chunk expects `chunks` to be greater than 0, got: %lld", OPN, (long long)chunks);
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: chunk expects at least a 1-dimensional tensor", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int64_t size = t->sizes[d];
    int64_t split = (size + chunks - 1) / chunks;
    if (split == 0 && size == 0) { /* torch: chunks empty tensors into `chunks` empties */
        int64_t *sz = pts_calloc((size_t)chunks, sizeof *sz);
        if (!sz)
            return pts_err_nomem("chunk sizes", (size_t)chunks * 8);
        pts_status st = split_sizes(OPN, t, d, sz, chunks, rets);
        pts_free(sz);
        return st;
    }
    return split_even(OPN, t, split, d, rets);
}

PTS_KERNEL(k_unbind)
{
    pts_tensor *t = a->self;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Dimension specified as 0 but tensor has no dimensions", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    pts_list *l = pts_tensor_list_new(t->sizes[d]);
    if (!l)
        return pts_err_last();
    for (int64_t i = 0; i < t->sizes[d]; i++) {
        pts_value v;
        pts_status st = select_to(OPN, t, d, i, &v);
        if (!st)
            st = pts_list_append(l, v);
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    rets[0] = tensor_list_value(l);
    return PTS_OK;
}

PTS_KERNEL(k_movedim)
{
    pts_tensor *t = a->self;
    int64_t src[PTS_MAX_DIMS], dst[PTS_MAX_DIMS];
    int ns, ndst;
    PTS_TRY(pts_arg_int_list(a->source, src, PTS_MAX_DIMS, &ns, 0, "source"));
    PTS_TRY(pts_arg_int_list(a->destination, dst, PTS_MAX_DIMS, &ndst, 0, "destination"));
    if (ns != ndst)
        return pts_err_set(PTS_ERR_VALUE, "%s: movedim: Invalid source or destination dims: source (%d dims) should "
                                          "contain the same number of dims as destination (%d dims)", OPN, ns, ndst);
    int64_t perm[PTS_MAX_DIMS];
    bool used_src[PTS_MAX_DIMS] = {false}, used_dst[PTS_MAX_DIMS] = {false};
    for (int i = 0; i < t->ndim; i++)
        perm[i] = -1;
    for (int i = 0; i < ns; i++) {
        int s = 0, d = 0;
        PTS_TRY(pts_wrap_dim(src[i], t->ndim, OPN, &s));
        PTS_TRY(pts_wrap_dim(dst[i], t->ndim, OPN, &d));
        if (used_src[s] || used_dst[d])
            return pts_err_set(PTS_ERR_VALUE, "%s: movedim: repeated dim", OPN);
        used_src[s] = used_dst[d] = true;
        perm[d] = s;
    }
    int next = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (perm[i] >= 0)
            continue;
        while (used_src[next])
            next++;
        perm[i] = next++;
    }
    return permute_to(OPN, t, perm, t->ndim, rets);
}

PTS_KERNEL(k_alias)
{
    pts_tensor *t = a->self;
    return pts_ret_view(t, t->ndim, t->sizes, t->strides, t->offset, rets);
}

/* ---- copies ---------------------------------------------------------------------------------- */

PTS_KERNEL(k_contiguous)
{
    pts_tensor *t = a->self;
    if (pts_tensor_is_contiguous(t)) {
        rets[0] = pts_ret_tensor_ref(t);
        return PTS_OK;
    }
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c)
        return pts_err_last();
    rets[0] = pts_ret_tensor(c);
    return PTS_OK;
}

/* a contiguous copy of t */
static pts_status clone_of(pts_tensor *t, pts_value *rets)
{
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c)
        return pts_err_last();
    rets[0] = pts_ret_tensor(c);
    return PTS_OK;
}

PTS_KERNEL(k_clone) { return clone_of(a->self, rets); }
/* lift_fresh_copy: what torch.export records for a tensor created inside forward (torch.tensor(...)):
   a fresh copy of it, strides preserved as clone's default does. */
PTS_KERNEL(k_lift_fresh_copy) { return clone_of(a->self, rets); }

/* cat: promoted dtype, legacy empty 1-D tensors skipped. */
static pts_status cat_tensors(const char *opname, pts_list *l, int64_t dim, pts_value *ret)
{
    if (l->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected a non-empty list of Tensors", opname);
    int dtype = -1;
    const pts_tensor *ref = NULL;
    for (int64_t i = 0; i < l->len; i++) {
        if (l->items[i].tag != PTS_T_TENSOR)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected a list of Tensors", opname);
        pts_tensor *t = PTS_TENSOR(l->items[i]);
        dtype = dtype < 0 ? t->dtype : pts_promote_types(dtype, t->dtype);
        if (dtype < 0)
            return pts_err_set(PTS_ERR_TYPE, "%s: cannot promote the dtypes of the inputs", opname);
        if (!ref && !(t->ndim == 1 && t->sizes[0] == 0))
            ref = t;
    }
    if (!ref)
        ref = PTS_TENSOR(l->items[0]);
    if (ref->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: zero-dimensional tensor (at position 0) cannot be concatenated", opname);
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, ref->ndim, opname, &d));
    int64_t sizes[PTS_MAX_DIMS];
    memcpy(sizes, ref->sizes, sizeof sizes);
    sizes[d] = 0;
    for (int64_t i = 0; i < l->len; i++) {
        pts_tensor *t = PTS_TENSOR(l->items[i]);
        if (t->ndim == 1 && t->sizes[0] == 0 && ref->ndim != 1)
            continue;
        if (t->ndim != ref->ndim)
            return pts_err_set(PTS_ERR_VALUE, "%s: Tensors must have same number of dimensions: got %d and %d", opname,
                               ref->ndim, t->ndim);
        for (int k = 0; k < t->ndim; k++)
            if (k != d && t->sizes[k] != ref->sizes[k])
                return pts_err_set(PTS_ERR_VALUE, "%s: Sizes of tensors must match except in dimension %d. Expected size "
                                                  "%lld but got size %lld for tensor number %lld in the list.",
                                   opname, d, (long long)ref->sizes[k], (long long)t->sizes[k], (long long)i);
        sizes[d] += t->sizes[d];
    }
    pts_tensor *out = pts_tensor_empty(dtype, ref->ndim, sizes);
    if (!out)
        return pts_err_last();
    int64_t pos = 0;
    for (int64_t i = 0; i < l->len; i++) {
        pts_tensor *t = PTS_TENSOR(l->items[i]);
        if (t->ndim != ref->ndim || t->sizes[d] == 0)
            continue;
        pts_value part;
        pts_status st = narrow_view(out, d, pos, t->sizes[d], 1, &part);
        if (!st) {
            st = pts_tensor_copy_into(PTS_TENSOR(part), t, opname);
            pts_value_release(part);
        }
        if (st) {
            pts_obj_release(&out->hdr);
            return st;
        }
        pos += t->sizes[d];
    }
    *ret = pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_cat)
{
    return cat_tensors(OPN, PTS_LIST(a->tensors), a->dim, rets);
}

PTS_KERNEL(k_stack)
{
    pts_list *l = PTS_LIST(a->tensors);
    if (l->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: stack expects a non-empty TensorList", OPN);
    pts_tensor *t0 = PTS_TENSOR(l->items[0]);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t0->ndim + 1, OPN, &d));
    pts_list *u = pts_tensor_list_new(l->len);
    if (!u)
        return pts_err_last();
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < l->len && !st; i++) {
        pts_tensor *t = PTS_TENSOR(l->items[i]);
        if (t->ndim != t0->ndim || memcmp(t->sizes, t0->sizes, (size_t)t->ndim * sizeof(int64_t)) != 0) {
            char sa[160], sb[160];
            pts_shape_str(t0->ndim, t0->sizes, sa, sizeof sa);
            pts_shape_str(t->ndim, t->sizes, sb, sizeof sb);
            st = pts_err_set(PTS_ERR_VALUE, "%s: stack expects each tensor to be equal size, but got %s at entry 0 and %s "
                                            "at entry %lld", OPN, sa, sb, (long long)i);
            break;
        }
        pts_value v;
        st = unsqueeze_view(op, PTS_TENSOR(l->items[i]), d, &v);
        if (!st)
            st = pts_list_append(u, v);
    }
    if (!st)
        st = cat_tensors(OPN, u, d, rets);
    pts_obj_release(&u->hdr);
    return st;
}

/* Copy with a per-dimension source index map: src = ((flip ? n-1-c : c) - shift) mod src_size. */
typedef struct remap {
    int ndim;
    int64_t out_sizes[PTS_MAX_DIMS], src_sizes[PTS_MAX_DIMS], src_strides[PTS_MAX_DIMS], shift[PTS_MAX_DIMS];
    bool flip[PTS_MAX_DIMS];
} remap;

static pts_status remap_copy(const pts_tensor *src, const remap *m, pts_value *ret)
{
    pts_tensor *out = pts_tensor_empty(src->dtype, m->ndim, m->out_sizes);
    if (!out)
        return pts_err_last();
    int64_t n = pts_tensor_numel(out);
    size_t isz = (size_t)pts_dtype_get(src->dtype)->itemsize;
    const char *sp = pts_tensor_data(src);
    char *op = pts_tensor_data(out);
    int64_t idx[PTS_MAX_DIMS] = {0};
    for (int64_t i = 0; i < n; i++) {
        int64_t off = 0;
        for (int d = 0; d < m->ndim; d++) {
            int64_t c = m->flip[d] ? m->out_sizes[d] - 1 - idx[d] : idx[d];
            c = (c - m->shift[d]) % m->src_sizes[d];
            if (c < 0)
                c += m->src_sizes[d];
            off += c * m->src_strides[d];
        }
        memcpy(op + (size_t)i * isz, sp + off * (int64_t)isz, isz);
        for (int d = m->ndim - 1; d >= 0; d--) {
            if (++idx[d] < m->out_sizes[d])
                break;
            idx[d] = 0;
        }
    }
    *ret = pts_ret_tensor(out);
    return PTS_OK;
}

static void remap_identity(const pts_tensor *t, remap *m)
{
    memset(m, 0, sizeof *m);
    m->ndim = t->ndim;
    for (int i = 0; i < t->ndim; i++) {
        m->out_sizes[i] = m->src_sizes[i] = t->sizes[i];
        m->src_strides[i] = t->strides[i];
    }
}

PTS_KERNEL(k_flip)
{
    pts_tensor *t = a->self;
    int64_t dims[PTS_MAX_DIMS];
    int n;
    PTS_TRY(int_list_arg(a->dims, dims, &n, "dims"));
    remap m;
    remap_identity(t, &m);
    for (int i = 0; i < n; i++) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(dims[i], t->ndim, OPN, &d));
        if (m.flip[d])
            return pts_err_set(PTS_ERR_VALUE, "%s: dims has duplicates, original flip dims size=%d", OPN, n);
        m.flip[d] = true;
    }
    return remap_copy(t, &m, rets);
}

PTS_KERNEL(k_roll)
{
    pts_tensor *t = a->self;
    int64_t shifts[PTS_MAX_DIMS], dims[PTS_MAX_DIMS];
    int ns, nd;
    PTS_TRY(pts_arg_int_list(a->shifts, shifts, PTS_MAX_DIMS, &ns, 0, "shifts"));
    PTS_TRY(pts_arg_int_list(a->dims, dims, PTS_MAX_DIMS, &nd, 0, "dims"));
    if (nd == 0) { /* roll the flattened tensor */
        if (ns != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: `shifts` required to be a single value when `dims` is empty", OPN);
        int64_t numel = pts_tensor_numel(t);
        pts_tensor *c = pts_tensor_contiguous_copy(t);
        if (!c)
            return pts_err_last();
        remap m;
        memset(&m, 0, sizeof m);
        m.ndim = 1;
        m.out_sizes[0] = m.src_sizes[0] = numel;
        m.src_strides[0] = 1;
        m.shift[0] = shifts[0];
        pts_value flat;
        pts_status st = numel == 0 ? PTS_OK : remap_copy(c, &m, &flat);
        if (numel == 0) {
            pts_obj_retain(&c->hdr);
            flat = pts_ret_tensor(c);
        }
        pts_obj_release(&c->hdr);
        if (st)
            return st;
        int64_t strides[PTS_MAX_DIMS];
        pts_contiguous_strides(t->ndim, t->sizes, strides);
        st = pts_ret_view(PTS_TENSOR(flat), t->ndim, t->sizes, strides, 0, rets);
        pts_value_release(flat);
        return st;
    }
    if (ns != nd)
        return pts_err_set(PTS_ERR_VALUE, "%s: shifts and dimensions must align. shifts: %d, dims:%d", OPN, ns, nd);
    remap m;
    remap_identity(t, &m);
    for (int i = 0; i < nd; i++) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(dims[i], t->ndim, OPN, &d));
        m.shift[d] += shifts[i];
    }
    if (pts_tensor_numel(t) == 0)
        return clone_of(t, rets);
    return remap_copy(t, &m, rets);
}

PTS_KERNEL(k_repeat)
{
    pts_tensor *t = a->self;
    int64_t reps[PTS_MAX_DIMS];
    int n;
    PTS_TRY(int_list_arg(a->repeats, reps, &n, "repeats"));
    if (n < t->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: Number of dimensions of repeat dims can not be smaller than number of "
                                          "dimensions of tensor", OPN);
    remap m;
    memset(&m, 0, sizeof m);
    m.ndim = n;
    bool empty = false;
    for (int i = 0; i < n; i++) {
        int td = t->ndim - n + i;
        if (reps[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld", OPN, (long long)reps[i]);
        m.src_sizes[i] = td >= 0 ? t->sizes[td] : 1;
        m.src_strides[i] = td >= 0 ? t->strides[td] : 0;
        m.out_sizes[i] = m.src_sizes[i] * reps[i];
        empty = empty || m.out_sizes[i] == 0;
    }
    if (empty) {
        pts_tensor *o = pts_tensor_empty(t->dtype, n, m.out_sizes);
        if (!o)
            return pts_err_last();
        rets[0] = pts_ret_tensor(o);
        return PTS_OK;
    }
    return remap_copy(t, &m, rets);
}

const pts_op_def pts_ops_shape[] = {
    PTS_OP("aten::view(Tensor(a) self, SymInt[] size) -> Tensor(a)", k_view),
    PTS_OP("aten::reshape(Tensor(a) self, SymInt[] shape) -> Tensor(a)", k_reshape),
    PTS_OP("aten::view_as(Tensor(a) self, Tensor other) -> Tensor(a)", k_view_as),
    PTS_OP("aten::reshape_as(Tensor(a) self, Tensor other) -> Tensor(a)", k_view_as),
    PTS_OP("aten::flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)", k_flatten),
    PTS_OP("aten::unflatten.int(Tensor(a) self, int dim, SymInt[] sizes) -> Tensor(a)", k_unflatten),
    PTS_OP("aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)", k_permute),
    PTS_OP("aten::permute_copy(Tensor self, int[] dims) -> Tensor", k_permute_copy),
    PTS_OP("aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", k_transpose),
    PTS_OP("aten::swapaxes(Tensor(a) self, int axis0, int axis1) -> Tensor(a)", k_swapaxes),
    PTS_OP("aten::t(Tensor(a) self) -> Tensor(a)", k_t),
    PTS_OP("aten::transpose_(Tensor(a!) self, int dim0, int dim1) -> Tensor(a!)", k_transpose_),
    PTS_OP("aten::t_(Tensor(a!) self) -> Tensor(a!)", k_t_),
    PTS_OP("aten::squeeze(Tensor(a) self) -> Tensor(a)", k_squeeze),
    PTS_OP("aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)", k_squeeze_dim),
    PTS_OP("aten::squeeze.dims(Tensor(a) self, int[] dim) -> Tensor(a)", k_squeeze_dims),
    PTS_OP("aten::squeeze_(Tensor(a!) self) -> Tensor(a!)", k_squeeze),
    PTS_OP("aten::squeeze_.dim(Tensor(a!) self, int dim) -> Tensor(a!)", k_squeeze_dim),
    PTS_OP("aten::squeeze_.dims(Tensor(a!) self, int[] dim) -> Tensor(a!)", k_squeeze_dims),
    PTS_OP("aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)", k_unsqueeze),
    PTS_OP("aten::unsqueeze_(Tensor(a!) self, int dim) -> Tensor(a!)", k_unsqueeze),
    PTS_OP("aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)", k_expand),
    PTS_OP("aten::expand_as(Tensor(a) self, Tensor other) -> Tensor(a)", k_expand_as),
    PTS_OP("aten::select.int(Tensor(a) self, int dim, SymInt index) -> Tensor(a)", k_select),
    PTS_OP("aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)", k_slice),
    PTS_OP("aten::narrow(Tensor(a) self, int dim, SymInt start, SymInt length) -> Tensor(a)", k_narrow),
    PTS_OP("aten::narrow.Tensor(Tensor(a) self, int dim, Tensor start, SymInt length) -> Tensor(a)", k_narrow),
    PTS_OP("aten::split.Tensor(Tensor(a -> *) self, SymInt split_size, int dim=0) -> Tensor(a)[]", k_split),
    PTS_OP("aten::split.sizes(Tensor(a -> *) self, SymInt[] split_size, int dim=0) -> Tensor(a)[]", k_split),
    PTS_OP("aten::split(Tensor(a -> *) self, int[] split_sizes, int dim=0) -> Tensor(a)[]", k_split_sizes),
    PTS_OP("aten::split_with_sizes(Tensor(a -> *) self, SymInt[] split_sizes, int dim=0) -> Tensor(a)[]", k_split_sizes),
    PTS_OP("aten::chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]", k_chunk),
    PTS_OP("aten::unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]", k_unbind),
    PTS_OP("aten::movedim.int(Tensor(a) self, int source, int destination) -> Tensor(a)", k_movedim),
    PTS_OP("aten::movedim.intlist(Tensor(a) self, int[] source, int[] destination) -> Tensor(a)", k_movedim),
    PTS_OP("aten::moveaxis.int(Tensor(a) self, int source, int destination) -> Tensor(a)", k_movedim),
    PTS_OP("aten::moveaxis.intlist(Tensor(a) self, int[] source, int[] destination) -> Tensor(a)", k_movedim),
    PTS_OP("aten::alias(Tensor(a) self) -> Tensor(a)", k_alias),
    PTS_OP("aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)", k_contiguous),
    PTS_OP("aten::clone(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor", k_clone),
    PTS_OP("aten::lift_fresh_copy(Tensor self) -> Tensor", k_lift_fresh_copy),
    PTS_OP("aten::cat(Tensor[] tensors, int dim=0) -> Tensor", k_cat),
    PTS_OP("aten::concat(Tensor[] tensors, int dim=0) -> Tensor", k_cat),
    PTS_OP("aten::concatenate(Tensor[] tensors, int dim=0) -> Tensor", k_cat),
    PTS_OP("aten::stack(Tensor[] tensors, int dim=0) -> Tensor", k_stack),
    PTS_OP("aten::flip(Tensor self, int[] dims) -> Tensor", k_flip),
    PTS_OP("aten::roll(Tensor self, SymInt[1] shifts, int[1] dims=[]) -> Tensor", k_roll),
    PTS_OP("aten::repeat(Tensor self, SymInt[] repeats) -> Tensor", k_repeat),
    {NULL, NULL},
};
