/* stack.c - the NumPy-style joins and splits and the *_copy forms of views:
 * hstack / vstack / dstack / column_stack, hsplit / vsplit / dsplit,
 * tensor_split, unsafe_split, rot90, diagflat, block_diag, cartesian_prod,
 * combinations, repeat_interleave, _chunk_cat, unfold (the view) and the
 * copies narrow_copy, expand_copy, alias_copy, squeeze_copy, t_copy,
 * transpose_copy, unsqueeze_copy, view_copy, unbind_copy,
 * split_with_sizes_copy, unfold_copy.  Most are torch's own compositions of
 * registered ops (ops/compose.h); the views are made here.
 */
#include "ops/compose.h"
#include "tensor/cplx.h"

/* ---- joins --------------------------------------------------------------------------------- */

/* cat(atleast_Nd(tensors), dim) */
static pts_status stack_nd(const char *atleast, pts_value tensors, int which, pts_value *rets)
{
    pts_value lst;
    pts_value in[1] = {tensors};
    PTS_TRY(pts_call(atleast, 1, in, &lst));
    int64_t dim = which;
    if (which < 0) /* hstack: dim 0 for 1-D tensors, else 1 */
        dim = pts_list_len(lst) > 0 && pts_list_tensor(lst, 0)->ndim == 1 ? 0 : 1;
    pts_value args[2] = {lst, pts_int(dim)};
    pts_status st = pts_call("aten::cat", 2, args, rets);
    pts_value_release(lst);
    return st;
}

PTS_KERNEL(k_hstack) { return stack_nd("aten::atleast_1d.Sequence", a->tensors, -1, rets); }
PTS_KERNEL(k_vstack) { return stack_nd("aten::atleast_2d.Sequence", a->tensors, 0, rets); }
PTS_KERNEL(k_dstack) { return stack_nd("aten::atleast_3d.Sequence", a->tensors, 2, rets); }

/* column_stack: 0-d and 1-d tensors become columns [n, 1], then cat on dim 1 */
PTS_KERNEL(k_column_stack)
{
    int64_t n = pts_list_len(a->tensors);
    if (n == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: column_stack expects a non-empty TensorList", OPN);
    pts_list *l = pts_tensor_list_new(n);
    if (!l)
        return pts_err_last();
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < n && !st; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        pts_tensor *c;
        if (t->ndim <= 1) {
            int64_t shape[2] = {pts_tensor_numel(t), 1};
            pts_value sv = pts_int_list_value(2, shape);
            pts_value args[2] = {pts_tv(t), sv};
            c = pts_call_t("aten::reshape", 2, args);
            pts_value_release(sv);
        } else {
            pts_obj_retain(&t->hdr);
            c = t;
        }
        st = c ? pts_list_append(l, pts_obj_value(&c->hdr)) : pts_err_last();
    }
    pts_value lv = pts_obj_value(&l->hdr);
    if (!st) {
        pts_value args[2] = {lv, pts_int(1)};
        st = pts_call("aten::cat", 2, args, rets);
    }
    pts_value_release(lv);
    return st;
}

/* ---- splits -------------------------------------------------------------------------------- */

/* The narrow view t[start:end] along d (new ref). */
static pts_tensor *narrow_view(pts_tensor *t, int d, int64_t start, int64_t end)
{
    int64_t sizes[PTS_MAX_DIMS];
    memcpy(sizes, t->sizes, sizeof(int64_t) * (size_t)t->ndim);
    sizes[d] = end - start;
    return pts_tensor_view_of(t->storage, t->dtype, t->ndim, sizes, t->strides, t->offset + start * t->strides[d]);
}

/* The views of t between the n cut points along d (clamped to the size, as torch). */
static pts_status split_at(pts_tensor *t, int d, int n, const int64_t *cuts, pts_value *rets)
{
    pts_list *l = pts_tensor_list_new(n + 1);
    if (!l)
        return pts_err_last();
    int64_t size = t->sizes[d], prev = 0;
    pts_status st = PTS_OK;
    for (int i = 0; i <= n && !st; i++) { /* each piece is slice(prev, cut) with slice's wrapping and clamping */
        int64_t start = prev, end = i < n ? cuts[i] : size;
        start = start < 0 ? start + size : start;
        end = end < 0 ? end + size : end;
        start = start < 0 ? 0 : start > size ? size : start;
        end = end < 0 ? 0 : end > size ? size : end;
        if (end < start)
            end = start;
        pts_tensor *v = narrow_view(t, d, start, end);
        st = v ? pts_list_append(l, pts_obj_value(&v->hdr)) : pts_err_last();
        prev = i < n ? cuts[i] : size;
    }
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    rets[0] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* `sections` nearly equal views along d: the first size % sections one longer */
static pts_status split_sections(const pts_op *op, pts_tensor *t, int d, int64_t sections, pts_value *rets)
{
    if (sections <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: number of sections must be larger than 0, got %lld", OPN,
                           (long long)sections);
    if (sections > 4096)
        return pts_err_set(PTS_ERR_VALUE, "%s: too many sections (%lld)", OPN, (long long)sections);
    int64_t size = t->sizes[d], base = size / sections, extra = size % sections, pos = 0;
    int64_t *cuts = pts_malloc(sizeof(int64_t) * (size_t)sections);
    if (!cuts)
        return pts_err_nomem("split points", sizeof(int64_t) * (size_t)sections);
    for (int64_t i = 0; i + 1 < sections; i++) {
        pos += base + (i < extra ? 1 : 0);
        cuts[i] = pos;
    }
    pts_status st = split_at(t, d, (int)sections - 1, cuts, rets);
    pts_free(cuts);
    return st;
}

static pts_status split_indices(pts_tensor *t, int d, pts_value idx, pts_value *rets)
{
    int64_t n = pts_list_len(idx);
    int64_t *cuts = pts_malloc(sizeof(int64_t) * (size_t)(n + 1));
    if (!cuts)
        return pts_err_nomem("split points", sizeof(int64_t) * (size_t)(n + 1));
    int k = 0;
    pts_status st = pts_arg_int_list(idx, cuts, (int)n + 1, &k, 0, "indices");
    if (!st)
        st = split_at(t, d, k, cuts, rets);
    pts_free(cuts);
    return st;
}

static pts_status tensor_split_dim(const pts_op *op, pts_tensor *t, int64_t dim, int *d)
{
    if (t->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: tensor_split expected at least a 1-dimensional tensor, but got a tensor "
                                          "with 0 dims", OPN);
    return pts_wrap_dim(dim, t->ndim, OPN, d);
}

PTS_KERNEL(k_tensor_split_sections)
{
    int d = 0;
    PTS_TRY(tensor_split_dim(op, a->self, a->dim, &d));
    return split_sections(op, a->self, d, a->sections, rets);
}

PTS_KERNEL(k_tensor_split_indices)
{
    int d = 0;
    PTS_TRY(tensor_split_dim(op, a->self, a->dim, &d));
    return split_indices(a->self, d, a->indices, rets);
}

PTS_KERNEL(k_tensor_split_tensor)
{
    pts_tensor *s = a->tensor_indices_or_sections;
    int d = 0;
    PTS_TRY(tensor_split_dim(op, a->self, a->dim, &d));
    if (s->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: tensor_indices_or_sections must be a long tensor, got %s", OPN,
                           pts_dtype_torch_name(s->dtype));
    if (s->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: tensor_indices_or_sections must be a zero-dimensional or "
                                          "one-dimensional tensor, but got a tensor with %d dims", OPN, s->ndim);
    if (s->ndim == 0)
        return split_sections(op, a->self, d, pts_load_i64(pts_tensor_data(s), PTS_INT64), rets);
    int64_t n = s->sizes[0];
    int64_t *cuts = pts_malloc(sizeof(int64_t) * (size_t)(n + 1));
    if (!cuts)
        return pts_err_nomem("split points", sizeof(int64_t) * (size_t)(n + 1));
    const int64_t *p = pts_tensor_data(s);
    for (int64_t i = 0; i < n; i++)
        cuts[i] = p[i * s->strides[0]];
    pts_status st = n > 4096 ? pts_err_set(PTS_ERR_VALUE, "%s: too many indices", OPN)
                             : split_at(a->self, d, (int)n, cuts, rets);
    pts_free(cuts);
    return st;
}

/* hsplit / vsplit / dsplit: which = 0 (h), 1 (v), 2 (d) */
static pts_status np_split(const pts_op *op, pts_tensor *t, int which, bool sections, int64_t n, pts_value idx,
                           pts_value *rets)
{
    static const char *names[] = {"hsplit", "vsplit", "dsplit"};
    static const int need[] = {1, 2, 3};
    if (t->ndim < need[which])
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.%s requires a tensor with at least %d dimension, but got a tensor "
                                          "with %d dimensions!", OPN, names[which], need[which], t->ndim);
    int d = which == 0 ? (t->ndim == 1 ? 0 : 1) : which == 1 ? 0 : 2;
    if (!sections)
        return split_indices(t, d, idx, rets);
    if (n == 0 || t->sizes[d] % n != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.%s attempted to split along dimension %d, but the size of the "
                                          "dimension %lld is not divisible by the split_size %lld!", OPN, names[which], d,
                           (long long)t->sizes[d], (long long)n);
    return split_sections(op, t, d, n, rets);
}

PTS_KERNEL(k_hsplit_int) { return np_split(op, a->self, 0, true, a->sections, pts_none(), rets); }
PTS_KERNEL(k_hsplit_array) { return np_split(op, a->self, 0, false, 0, a->indices, rets); }
PTS_KERNEL(k_vsplit_int) { return np_split(op, a->self, 1, true, a->sections, pts_none(), rets); }
PTS_KERNEL(k_vsplit_array) { return np_split(op, a->self, 1, false, 0, a->indices, rets); }
PTS_KERNEL(k_dsplit_int) { return np_split(op, a->self, 2, true, a->sections, pts_none(), rets); }
PTS_KERNEL(k_dsplit_array) { return np_split(op, a->self, 2, false, 0, a->indices, rets); }

/* unsafe_split: split (torch returns the same views, only without autograd's view tracking) */
PTS_KERNEL(k_unsafe_split)
{
    pts_value args[3] = {pts_tv(a->self), pts_int(a->split_size), pts_int(a->dim)};
    return pts_call("aten::split.Tensor", 3, args, rets);
}

/* ---- rot90, diagflat, block_diag ----------------------------------------------------------- */

PTS_KERNEL(k_rot90)
{
    pts_tensor *t = a->self;
    int64_t dims[PTS_MAX_DIMS];
    int n = 0;
    PTS_TRY(pts_arg_int_list(a->dims, dims, PTS_MAX_DIMS, &n, 0, "dims"));
    if (n != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected total rotation dims == 2, but got dims = %d", OPN, n);
    if (t->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected total dims >= 2, but got total dims = %d", OPN, t->ndim);
    int d0 = 0, d1 = 0;
    PTS_TRY(pts_wrap_dim(dims[0], t->ndim, OPN, &d0));
    PTS_TRY(pts_wrap_dim(dims[1], t->ndim, OPN, &d1));
    if (d0 == d1)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected rotation dims to be different, but got dim0 = %d and dim1 = %d",
                           OPN, d0, d1);
    int64_t k = ((a->k % 4) + 4) % 4;
    if (k == 0) {
        pts_value args[1] = {pts_tv(t)};
        return pts_call("aten::clone", 1, args, rets);
    }
    int64_t fd[2] = {k == 1 ? d1 : d0, d1};
    pts_value fl = pts_int_list_value(k == 2 ? 2 : 1, fd);
    if (fl.tag == PTS_T_NONE)
        return pts_err_last();
    pts_value args[2] = {pts_tv(t), fl};
    pts_tensor *f = pts_call_t("aten::flip", 2, args);
    pts_value_release(fl);
    if (!f)
        return pts_err_last();
    if (k == 2)
        return pts_ret(f, rets);
    pts_value targs[3] = {pts_tv(f), pts_int(d0), pts_int(d1)};
    pts_status st = pts_call("aten::transpose.int", 3, targs, rets);
    pts_tdrop(f);
    return st;
}

PTS_KERNEL(k_diagflat)
{
    int64_t m1 = -1;
    pts_value sv = pts_int_list_value(1, &m1);
    pts_value args[2] = {pts_tv(a->self), sv};
    pts_tensor *flat = pts_call_t("aten::reshape", 2, args);
    pts_value_release(sv);
    if (!flat)
        return pts_err_last();
    pts_value dargs[2] = {pts_tv(flat), pts_int(a->offset)};
    pts_status st = pts_call("aten::diag", 2, dargs, rets);
    pts_tdrop(flat);
    return st;
}

PTS_KERNEL(k_block_diag)
{
    int64_t n = pts_list_len(a->tensors), rows = 0, cols = 0;
    int dt = -1;
    for (int64_t i = 0; i < n; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        if (t->ndim > 2)
            return pts_err_set(PTS_ERR_VALUE, "%s: torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                                              "Input %lld has %d dimensions", OPN, (long long)i, t->ndim);
        if (!pts_dtype_is_complex(t->dtype)) /* complex blocks are copied as they are */
            PTS_TRY(pts_check_real(OPN, t->dtype));
        rows += t->ndim == 2 ? t->sizes[0] : 1;
        cols += t->ndim == 2 ? t->sizes[1] : t->ndim == 1 ? t->sizes[0] : 1;
        dt = dt < 0 ? t->dtype : pts_promote_types(dt, t->dtype);
    }
    if (dt < 0)
        dt = pts_default_float_dtype();
    int64_t shape[2] = {n ? rows : 1, cols};
    if (n == 0)
        shape[0] = 1, shape[1] = 0;
    pts_tensor *out = pts_tensor_zeros(dt, 2, shape);
    if (!out)
        return pts_err_last();
    int64_t r0 = 0, c0 = 0;
    for (int64_t i = 0; i < n; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        int64_t h = t->ndim == 2 ? t->sizes[0] : 1, w = t->ndim == 2 ? t->sizes[1] : t->ndim == 1 ? t->sizes[0] : 1;
        int64_t vs[2] = {h, w}, st2[2] = {out->strides[0], out->strides[1]};
        pts_tensor *dst = pts_tensor_view_of(out->storage, dt, 2, vs, st2, r0 * shape[1] + c0);
        pts_tensor *src = dst ? pts_tensor_view_of(t->storage, t->dtype, 2, vs,
                                                   (int64_t[]){t->ndim == 2 ? t->strides[0] : 0,
                                                               t->ndim == 2 ? t->strides[1] : t->ndim == 1 ? t->strides[0] : 0},
                                                   t->offset)
                              : NULL;
        pts_status st = dst && src ? pts_tensor_copy_into(dst, src, OPN) : pts_err_last();
        pts_tdrop(dst);
        pts_tdrop(src);
        if (st) {
            pts_tdrop(out);
            return st;
        }
        r0 += h;
        c0 += w;
    }
    return pts_ret(out, rets);
}

/* ---- cartesian_prod, combinations ---------------------------------------------------------- */

/* rows of a [count, r] index table -> gather each column from the 1-D tensors */
static pts_status gather_columns(const char *opname, pts_tensor *const *ts, int r, int64_t count, const int64_t *idx,
                                 int dtype, pts_value *rets)
{
    int64_t shape[2] = {count, r};
    pts_tensor *out = pts_tensor_empty(dtype, 2, shape);
    if (!out)
        return pts_err_last();
    size_t isz = pts_dtype_get(dtype)->itemsize;
    char *o = pts_tensor_data(out);
    for (int c = 0; c < r; c++) {
        pts_tensor *t = pts_tensor_as_contiguous(ts[c], dtype);
        if (!t) {
            pts_tdrop(out);
            return pts_err_last();
        }
        const char *s = pts_tensor_data(t);
        for (int64_t i = 0; i < count; i++)
            memcpy(o + (size_t)(i * r + c) * isz, s + (size_t)idx[i * r + c] * isz, isz);
        pts_tdrop(t);
    }
    (void)opname;
    return pts_ret(out, rets);
}

PTS_KERNEL(k_cartesian_prod)
{
    int64_t n = pts_list_len(a->tensors);
    if (n == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: meshgrid expects a non-empty TensorList", OPN);
    pts_tensor *ts[PTS_MAX_DIMS];
    if (n > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: at most %d tensors supported", OPN, PTS_MAX_DIMS);
    int dt = -1;
    int64_t count = 1;
    for (int64_t i = 0; i < n; i++) {
        ts[i] = pts_list_tensor(a->tensors, i);
        if (ts[i]->ndim != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expect a 1D vector, but got shape [%d dims]", OPN, ts[i]->ndim);
        if (dt >= 0 && ts[i]->dtype != dt)
            return pts_err_set(PTS_ERR_TYPE, "%s: meshgrid expects all tensors to have the same dtype", OPN);
        dt = ts[i]->dtype;
        count *= ts[i]->sizes[0];
    }
    if (n == 1) {
        rets[0] = pts_ret_tensor_ref(ts[0]);
        return PTS_OK;
    }
    int64_t *idx = pts_malloc(sizeof(int64_t) * (size_t)(count * n + 1));
    if (!idx)
        return pts_err_nomem("index table", sizeof(int64_t) * (size_t)(count * n + 1));
    for (int64_t i = 0; i < count; i++) {
        int64_t rem = i;
        for (int64_t c = n - 1; c >= 0; c--) {
            idx[i * n + c] = rem % ts[c]->sizes[0];
            rem /= ts[c]->sizes[0];
        }
    }
    pts_status st = gather_columns(OPN, ts, (int)n, count, idx, dt, rets);
    pts_free(idx);
    return st;
}

PTS_KERNEL(k_combinations)
{
    pts_tensor *t = a->self;
    int64_t r = a->r;
    if (t->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expect a 1D vector, but got shape [%d dims]", OPN, t->ndim);
    if (r < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expect a non-negative number, but got %lld", OPN, (long long)r);
    if (r == 0) {
        int64_t z = 0;
        return pts_ret(pts_tensor_empty(t->dtype, 1, &z), rets);
    }
    if (r > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: r = %lld is larger than supported (%d)", OPN, (long long)r, PTS_MAX_DIMS);
    int64_t n = t->sizes[0];
    /* count the tuples first */
    int64_t c[PTS_MAX_DIMS], count = 0;
    bool rep = a->with_replacement;
    for (int pass = 0; pass < 2; pass++) {
        int64_t *idx = NULL;
        if (pass == 1) {
            idx = pts_malloc(sizeof(int64_t) * (size_t)(count * r + 1));
            if (!idx)
                return pts_err_nomem("index table", sizeof(int64_t) * (size_t)(count * r + 1));
        }
        int64_t k = 0;
        for (int i = 0; i < r; i++)
            c[i] = rep ? 0 : i;
        while (n > 0 && c[r - 1] < n) {
            if (pass == 1)
                memcpy(idx + k * r, c, sizeof(int64_t) * (size_t)r);
            k++;
            int i = (int)r - 1; /* next tuple in lexicographic order */
            while (i >= 0) {
                c[i]++;
                int64_t limit = rep ? n : n - (r - 1 - i);
                if (c[i] < limit || i == 0)
                    break;
                i--;
            }
            if (i < 0 || c[0] >= (rep ? n : n - r + 1))
                break;
            for (int j = i + 1; j < r; j++)
                c[j] = rep ? c[j - 1] : c[j - 1] + 1;
        }
        if (pass == 0) {
            count = k;
            continue;
        }
        pts_tensor *cols[PTS_MAX_DIMS];
        for (int i = 0; i < r; i++)
            cols[i] = t;
        pts_status st = gather_columns(OPN, cols, (int)r, count, idx, t->dtype, rets);
        pts_free(idx);
        return st;
    }
    return PTS_OK;
}

/* ---- repeat_interleave --------------------------------------------------------------------- */

/* [0]*r0 + [1]*r1 + ...: the index tensor (dtype of repeats) of repeat_interleave.Tensor */
static pts_tensor *repeat_index(const char *opname, pts_tensor *rep, bool has_out, int64_t out_size)
{
    if (rep->ndim != 1) {
        pts_err_set(PTS_ERR_VALUE, "%s: repeat_interleave only accept 1D vector as repeat", opname);
        return NULL;
    }
    if (rep->dtype != PTS_INT64 && rep->dtype != PTS_INT32) {
        pts_err_set(PTS_ERR_TYPE, "%s: repeats has to be Long or Int tensor", opname);
        return NULL;
    }
    int64_t n = rep->sizes[0], total = 0;
    const char *p = pts_tensor_data(rep);
    size_t isz = pts_dtype_get(rep->dtype)->itemsize;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = pts_load_i64(p + (size_t)(i * rep->strides[0]) * isz, rep->dtype);
        if (r < 0) {
            pts_err_set(PTS_ERR_VALUE, "%s: repeats can not be negative", opname);
            return NULL;
        }
        total += r;
    }
    if (has_out && out_size != total) {
        pts_err_set(PTS_ERR_VALUE, "%s: allocated size does not match required size", opname);
        return NULL;
    }
    pts_tensor *out = pts_tensor_empty(rep->dtype, 1, &total);
    if (!out)
        return NULL;
    char *o = pts_tensor_data(out);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = pts_load_i64(p + (size_t)(i * rep->strides[0]) * isz, rep->dtype);
        for (int64_t j = 0; j < r; j++)
            pts_store_i64(o + (size_t)(k++) * isz, rep->dtype, i);
    }
    return out;
}

PTS_KERNEL(k_repeat_interleave_tensor)
{
    return pts_ret(repeat_index(OPN, a->repeats, a->has_output_size, a->output_size), rets);
}

/* self repeated along dim (flattened when None) by the counts in rep (a 0-d / 1-element rep broadcasts) */
static pts_status repeat_self(const pts_op *op, pts_tensor *self, pts_tensor *rep, bool has_dim, int64_t dim,
                              bool has_out, int64_t out_size, pts_value *rets)
{
    pts_tensor *input;
    int d = 0;
    if (!has_dim) {
        int64_t m1 = -1;
        pts_value sv = pts_int_list_value(1, &m1);
        pts_value args[2] = {pts_tv(self), sv};
        input = pts_call_t("aten::reshape", 2, args);
        pts_value_release(sv);
    } else {
        PTS_TRY(pts_wrap_dim(dim, self->ndim, OPN, &d));
        pts_obj_retain(&self->hdr);
        input = self;
    }
    if (!input)
        return pts_err_last();
    int64_t size = input->ndim ? input->sizes[d] : 1;
    pts_tensor *r = NULL;
    if (rep->ndim == 0 || (rep->ndim == 1 && rep->sizes[0] == 1)) {
        pts_tensor *rv = pts_tensor_view_of(rep->storage, rep->dtype, 1, &size, (int64_t[]){0}, rep->offset);
        r = rv ? pts_tensor_to_dtype(rv, rep->dtype) : NULL;
        pts_tdrop(rv);
    } else if (rep->ndim == 1 && rep->sizes[0] == size) {
        pts_obj_retain(&rep->hdr);
        r = rep;
    } else {
        pts_tdrop(input);
        return pts_err_set(PTS_ERR_VALUE, "%s: repeats must have the same size as input along dim, but got "
                                          "repeats.size(0) = %lld and input.size(%d) = %lld", OPN,
                           (long long)(rep->ndim ? rep->sizes[0] : 1), d, (long long)size);
    }
    pts_tensor *idx = r ? repeat_index(OPN, r, has_out, out_size) : NULL;
    pts_tdrop(r);
    pts_status st;
    if (!idx) {
        st = pts_err_last();
    } else {
        pts_value args[3] = {pts_tv(input), pts_int(d), pts_tv(idx)};
        st = pts_call("aten::index_select", 3, args, rets);
    }
    pts_tdrop(idx);
    pts_tdrop(input);
    return st;
}

PTS_KERNEL(k_repeat_interleave_self_tensor)
{
    return repeat_self(op, a->self, a->repeats, a->has_dim, a->dim, a->has_output_size, a->output_size, rets);
}

PTS_KERNEL(k_repeat_interleave_self_int)
{
    pts_tensor *r = pts_tensor_from_scalar(pts_int(a->repeats), PTS_INT64);
    if (!r)
        return pts_err_last();
    pts_status st = repeat_self(op, a->self, r, a->has_dim, a->dim, a->has_output_size, a->output_size, rets);
    pts_tdrop(r);
    return st;
}

/* ---- _chunk_cat ---------------------------------------------------------------------------- */

/* each tensor [lead..., D, rest...] is padded on D to a multiple of num_chunks, viewed as
 * [lead..., num_chunks, (D / num_chunks) * prod(rest)] and the pieces are catted on dim + 1 */
PTS_KERNEL(k_chunk_cat)
{
    int64_t n = pts_list_len(a->tensors), nc = a->num_chunks;
    if (n == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects a non-empty input tensor list", OPN);
    if (nc < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects positive num_chunks", OPN);
    pts_tensor *t0 = pts_list_tensor(a->tensors, 0);
    if (t0->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects non-scalar input tensors", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t0->ndim, OPN, &d));
    int64_t lead = 1, total = 0;
    for (int i = 0; i < d; i++)
        lead *= t0->sizes[i];
    int dt = t0->dtype;
    for (int64_t i = 0; i < n; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        if (t->ndim < 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects non-scalar input tensors", OPN);
        if (t->ndim <= d)
            return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects the dim to be within every input tensor", OPN);
        if (t->dtype != dt)
            return pts_err_set(PTS_ERR_TYPE, "%s: _chunk_cat expects all input tensors with the same dtype", OPN);
        for (int j = 0; j < d; j++)
            if (t->sizes[j] != t0->sizes[j])
                return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects same sizes of 0,...,dim-1 dimensions for all "
                                                  "tensors", OPN);
        if (pts_tensor_numel(t) == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: _chunk_cat expects non-empty tensor", OPN);
        int64_t rest = 1;
        for (int j = d + 1; j < t->ndim; j++)
            rest *= t->sizes[j];
        total += (t->sizes[d] + nc - 1) / nc * rest;
    }
    int64_t shape[PTS_MAX_DIMS];
    for (int i = 0; i < d; i++)
        shape[i] = t0->sizes[i];
    shape[d] = nc;
    shape[d + 1] = total;
    pts_tensor *out = pts_tensor_zeros(dt, d + 2, shape);
    if (!out)
        return pts_err_last();
    size_t isz = pts_dtype_get(dt)->itemsize;
    char *o = pts_tensor_data(out);
    int64_t col0 = 0;
    for (int64_t i = 0; i < n; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        if (pts_tensor_numel(t) == 0)
            continue;
        pts_tensor *c = pts_tensor_as_contiguous(t, -1);
        if (!c) {
            pts_tdrop(out);
            return pts_err_last();
        }
        int64_t D = t->sizes[d], rest = 1;
        for (int j = d + 1; j < t->ndim; j++)
            rest *= t->sizes[j];
        int64_t cs = (D + nc - 1) / nc, w = cs * rest;
        const char *s = pts_tensor_data(c);
        for (int64_t l = 0; l < lead; l++)
            for (int64_t k = 0; k < nc; k++) {
                int64_t r0 = k * cs, r1 = r0 + cs > D ? D : r0 + cs;
                if (r1 > r0)
                    memcpy(o + (size_t)((l * nc + k) * total + col0) * isz, s + (size_t)((l * D + r0) * rest) * isz,
                           (size_t)((r1 - r0) * rest) * isz);
            }
        col0 += w;
        pts_tdrop(c);
    }
    return pts_ret(out, rets);
}

/* ---- unfold and the *_copy forms ------------------------------------------------------------- */

static pts_status unfold_view(const pts_op *op, pts_tensor *t, int64_t dimension, int64_t size, int64_t step,
                              pts_value *ret)
{
    int d = 0;
    PTS_TRY(pts_wrap_dim(dimension, t->ndim, OPN, &d));
    int64_t max_size = t->ndim == 0 ? 1 : t->sizes[d];
    if (size > max_size)
        return pts_err_set(PTS_ERR_VALUE, "%s: maximum size for tensor at dimension %d is %lld but size is %lld", OPN, d,
                           (long long)max_size, (long long)size);
    if (size < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: size is %lld but must be >= 0", OPN, (long long)size);
    if (step <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: step is %lld but must be > 0", OPN, (long long)step);
    if (t->ndim + 1 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: too many dimensions", OPN);
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    memcpy(sizes, t->sizes, sizeof(int64_t) * (size_t)t->ndim);
    memcpy(strides, t->strides, sizeof(int64_t) * (size_t)t->ndim);
    sizes[t->ndim] = size;
    strides[t->ndim] = t->ndim == 0 ? 1 : t->strides[d];
    if (t->ndim > 0) {
        sizes[d] = (t->sizes[d] - size) / step + 1;
        strides[d] = step * t->strides[d];
    }
    return pts_ret_view(t, t->ndim + 1, sizes, strides, t->offset, ret);
}

PTS_KERNEL(k_unfold) { return unfold_view(op, a->self, a->dimension, a->size, a->step, rets); }

/* clone(contiguous) of a view result */
static pts_status copy_of(pts_status st, pts_value *rets)
{
    if (st)
        return st;
    pts_value v = rets[0];
    if (v.tag == PTS_T_TENSOR) {
        rets[0] = pts_ret_tensor(pts_tensor_contiguous_copy(PTS_TENSOR(v)));
        pts_value_release(v);
        return rets[0].u.o ? PTS_OK : (rets[0] = pts_none(), pts_err_last());
    }
    /* a list of views: copy each */
    pts_list *l = PTS_LIST(v);
    for (int64_t i = 0; i < l->len; i++) {
        pts_tensor *c = pts_tensor_contiguous_copy(PTS_TENSOR(l->items[i]));
        if (!c) {
            pts_value_release(v);
            rets[0] = pts_none();
            return pts_err_last();
        }
        pts_value_release(l->items[i]);
        l->items[i] = pts_ret_tensor(c);
    }
    return PTS_OK;
}

PTS_KERNEL(k_unfold_copy) { return copy_of(unfold_view(op, a->self, a->dimension, a->size, a->step, rets), rets); }

PTS_KERNEL(k_narrow_copy)
{
    pts_value args[4] = {pts_tv(a->self), pts_int(a->dim), pts_int(a->start), pts_int(a->length)};
    return copy_of(pts_call("aten::narrow", 4, args, rets), rets);
}

PTS_KERNEL(k_expand_copy)
{
    pts_value args[2] = {pts_tv(a->self), a->size};
    return copy_of(pts_call("aten::expand", 2, args, rets), rets);
}

PTS_KERNEL(k_alias_copy) { return pts_ret(pts_tensor_contiguous_copy(a->self), rets); }

PTS_KERNEL(k_squeeze_copy)
{
    pts_value args[1] = {pts_tv(a->self)};
    return copy_of(pts_call("aten::squeeze", 1, args, rets), rets);
}

PTS_KERNEL(k_squeeze_copy_dim)
{
    pts_value args[2] = {pts_tv(a->self), pts_int(a->dim)};
    return copy_of(pts_call("aten::squeeze.dim", 2, args, rets), rets);
}

PTS_KERNEL(k_squeeze_copy_dims)
{
    pts_value args[2] = {pts_tv(a->self), a->dim};
    return copy_of(pts_call("aten::squeeze.dims", 2, args, rets), rets);
}

PTS_KERNEL(k_t_copy)
{
    pts_value args[1] = {pts_tv(a->self)};
    return copy_of(pts_call("aten::t", 1, args, rets), rets);
}

PTS_KERNEL(k_transpose_copy)
{
    pts_value args[3] = {pts_tv(a->self), pts_int(a->dim0), pts_int(a->dim1)};
    return copy_of(pts_call("aten::transpose.int", 3, args, rets), rets);
}

PTS_KERNEL(k_unsqueeze_copy)
{
    pts_value args[2] = {pts_tv(a->self), pts_int(a->dim)};
    return copy_of(pts_call("aten::unsqueeze", 2, args, rets), rets);
}

PTS_KERNEL(k_view_copy)
{
    pts_value args[2] = {pts_tv(a->self), a->size};
    return copy_of(pts_call("aten::reshape", 2, args, rets), rets); /* torch copies any layout */
}

PTS_KERNEL(k_unbind_copy)
{
    pts_value args[2] = {pts_tv(a->self), pts_int(a->dim)};
    return copy_of(pts_call("aten::unbind.int", 2, args, rets), rets);
}

PTS_KERNEL(k_split_with_sizes_copy)
{
    pts_value args[3] = {pts_tv(a->self), a->split_sizes, pts_int(a->dim)};
    return copy_of(pts_call("aten::split_with_sizes", 3, args, rets), rets);
}

/* select_copy, slice_copy, split_copy, detach_copy: what torch.export's functional IR
 * (run_decompositions, associative_scan's graph) writes for select/slice/split/detach */
PTS_KERNEL(k_select_copy)
{
    pts_value args[3] = {pts_tv(a->self), pts_int(a->dim), pts_int(a->index)};
    return copy_of(pts_call("aten::select.int", 3, args, rets), rets);
}

PTS_KERNEL(k_slice_copy)
{
    pts_value args[5] = {pts_tv(a->self), pts_int(a->dim), a->has_start ? pts_int(a->start) : pts_none(),
                         a->has_end ? pts_int(a->end) : pts_none(), pts_int(a->step)};
    return copy_of(pts_call("aten::slice.Tensor", 5, args, rets), rets);
}

PTS_KERNEL(k_split_copy)
{
    pts_value args[3] = {pts_tv(a->self), pts_int(a->split_size), pts_int(a->dim)};
    return copy_of(pts_call("aten::split.Tensor", 3, args, rets), rets);
}

PTS_KERNEL(k_detach_copy)
{
    pts_value args[1] = {pts_tv(a->self)};
    return copy_of(pts_call("aten::alias", 1, args, rets), rets);
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_stack[] = {
    PTS_OP("aten::hstack(Tensor[] tensors) -> Tensor", k_hstack),
    PTS_OP("aten::vstack(Tensor[] tensors) -> Tensor", k_vstack),
    PTS_OP("aten::dstack(Tensor[] tensors) -> Tensor", k_dstack),
    PTS_OP("aten::column_stack(Tensor[] tensors) -> Tensor", k_column_stack),
    PTS_OP("aten::tensor_split.sections(Tensor(a -> *) self, SymInt sections, int dim=0) -> Tensor(a)[]", k_tensor_split_sections),
    PTS_OP("aten::tensor_split.indices(Tensor(a -> *) self, SymInt[] indices, int dim=0) -> Tensor(a)[]", k_tensor_split_indices),
    PTS_OP("aten::tensor_split.tensor_indices_or_sections(Tensor(a -> *) self, Tensor tensor_indices_or_sections, int dim=0) -> Tensor(a)[]", k_tensor_split_tensor),
    PTS_OP("aten::hsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]", k_hsplit_int),
    PTS_OP("aten::hsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]", k_hsplit_array),
    PTS_OP("aten::vsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]", k_vsplit_int),
    PTS_OP("aten::vsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]", k_vsplit_array),
    PTS_OP("aten::dsplit.int(Tensor(a -> *) self, int sections) -> Tensor(a)[]", k_dsplit_int),
    PTS_OP("aten::dsplit.array(Tensor(a -> *) self, int[] indices) -> Tensor(a)[]", k_dsplit_array),
    PTS_OP("aten::unsafe_split.Tensor(Tensor self, SymInt split_size, int dim=0) -> Tensor[]", k_unsafe_split),
    PTS_OP("aten::rot90(Tensor self, int k=1, int[] dims=[0, 1]) -> Tensor", k_rot90),
    PTS_OP("aten::diagflat(Tensor self, int offset=0) -> Tensor", k_diagflat),
    PTS_OP("aten::block_diag(Tensor[] tensors) -> Tensor", k_block_diag),
    PTS_OP("aten::cartesian_prod(Tensor[] tensors) -> Tensor", k_cartesian_prod),
    PTS_OP("aten::combinations(Tensor self, int r=2, bool with_replacement=False) -> Tensor", k_combinations),
    PTS_OP("aten::repeat_interleave.Tensor(Tensor repeats, *, SymInt? output_size=None) -> Tensor", k_repeat_interleave_tensor),
    PTS_OP("aten::repeat_interleave.self_Tensor(Tensor self, Tensor repeats, int? dim=None, *, SymInt? output_size=None) -> Tensor", k_repeat_interleave_self_tensor),
    PTS_OP("aten::repeat_interleave.self_int(Tensor self, SymInt repeats, int? dim=None, *, SymInt? output_size=None) -> Tensor", k_repeat_interleave_self_int),
    PTS_OP("aten::_chunk_cat(Tensor[] tensors, int dim, int num_chunks) -> Tensor", k_chunk_cat),
    PTS_OP("aten::unfold(Tensor(a) self, int dimension, int size, int step) -> Tensor(a)", k_unfold),
    PTS_OP("aten::unfold_copy(Tensor self, int dimension, int size, int step) -> Tensor", k_unfold_copy),
    PTS_OP("aten::narrow_copy(Tensor self, int dim, SymInt start, SymInt length) -> Tensor", k_narrow_copy),
    PTS_OP("aten::expand_copy(Tensor self, SymInt[] size, *, bool implicit=False) -> Tensor", k_expand_copy),
    PTS_OP("aten::alias_copy(Tensor self) -> Tensor", k_alias_copy),
    PTS_OP("aten::squeeze_copy(Tensor self) -> Tensor", k_squeeze_copy),
    PTS_OP("aten::squeeze_copy.dim(Tensor self, int dim) -> Tensor", k_squeeze_copy_dim),
    PTS_OP("aten::squeeze_copy.dims(Tensor self, int[] dim) -> Tensor", k_squeeze_copy_dims),
    PTS_OP("aten::t_copy(Tensor self) -> Tensor", k_t_copy),
    PTS_OP("aten::transpose_copy.int(Tensor self, int dim0, int dim1) -> Tensor", k_transpose_copy),
    PTS_OP("aten::unsqueeze_copy(Tensor self, int dim) -> Tensor", k_unsqueeze_copy),
    PTS_OP("aten::view_copy(Tensor self, SymInt[] size) -> Tensor", k_view_copy),
    PTS_OP("aten::unbind_copy.int(Tensor self, int dim=0) -> Tensor[]", k_unbind_copy),
    PTS_OP("aten::split_with_sizes_copy(Tensor self, SymInt[] split_sizes, int dim=0) -> Tensor[]", k_split_with_sizes_copy),
    PTS_OP("aten::select_copy.int(Tensor self, int dim, SymInt index) -> Tensor", k_select_copy),
    PTS_OP("aten::slice_copy.Tensor(Tensor self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor", k_slice_copy),
    PTS_OP("aten::split_copy.Tensor(Tensor self, SymInt split_size, int dim=0) -> Tensor[]", k_split_copy),
    PTS_OP("aten::detach_copy(Tensor self) -> Tensor", k_detach_copy),
    {NULL, NULL},
};
