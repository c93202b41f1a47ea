/* views.c - more shape and view ops: broadcast_to / broadcast_tensors /
 * broadcast_shapes, the matrix-transpose views (mT, mH, numpy_T, matrix_H,
 * adjoint), meshgrid, as_strided, ravel, fliplr / flipud, atleast_Nd, tile,
 * take_along_dim, and aten::Size (the int[] identity that printed code calls
 * around a shape list).  Diagonals and triangles are in diag.c.
 *
 * Views share their input's storage (pts_tensor_view_of), as in shape.c.
 */
#include "ops/compose.h"
#include "tensor/cplx.h"

/* ---- broadcasting -------------------------------------------------------------------------- */

PTS_KERNEL(k_broadcast_to)
{
    int64_t want[PTS_MAX_DIMS];
    int n;
    PTS_TRY(pts_arg_int_list(a->size, want, PTS_MAX_DIMS, &n, 0, "size"));
    return pts_ops_expand_view(OPN, a->self, n, want, rets);
}

PTS_KERNEL(k_broadcast_tensors)
{
    pts_list *in = PTS_LIST(a->tensors);
    int64_t n = in->len;
    pts_tensor **ts = pts_calloc((size_t)(n > 0 ? n : 1), sizeof *ts);
    if (!ts)
        return pts_err_nomem("broadcast_tensors", (size_t)n * sizeof *ts);
    for (int64_t i = 0; i < n; i++)
        ts[i] = PTS_TENSOR(in->items[i]);
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    pts_status st = n > 0 ? pts_broadcast_tensors_shape((int)n, ts, &nd, shape, OPN) : PTS_OK;
    pts_list *out = st ? NULL : pts_tensor_list_new(n);
    if (!st && !out)
        st = pts_err_last();
    for (int64_t i = 0; !st && i < n; i++) {
        pts_value v = pts_none();
        st = pts_ops_expand_view(OPN, ts[i], nd, shape, &v);
        if (!st)
            st = pts_list_append(out, v);
    }
    pts_free(ts);
    if (st) {
        if (out)
            pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_obj_value(&out->hdr);
    return PTS_OK;
}

/* aten::Size(int[] sizes) -> int[]: torch.Size(list) in printed code. */
PTS_KERNEL(k_Size)
{
    rets[0] = pts_value_retain(a->sizes);
    return PTS_OK;
}

/* aten::broadcast_shapes(int[] a, int[] b) -> int[] */
PTS_KERNEL(k_broadcast_shapes)
{
    int64_t sa[PTS_MAX_DIMS], sb[PTS_MAX_DIMS], o[PTS_MAX_DIMS];
    int na, nb, no = 0;
    PTS_TRY(pts_arg_int_list(a->a, sa, PTS_MAX_DIMS, &na, 0, "a"));
    PTS_TRY(pts_arg_int_list(a->b, sb, PTS_MAX_DIMS, &nb, 0, "b"));
    PTS_TRY(pts_broadcast_shapes(na, sa, nb, sb, &no, o, OPN));
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), no);
    if (!l)
        return pts_err_last();
    for (int i = 0; i < no; i++) {
        pts_status st = pts_list_append(l, pts_int(o[i]));
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    rets[0] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* ---- transposes ------------------------------------------------------------------------------ */

static pts_status swap_last_two(const pts_tensor *t, pts_value *ret)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    memcpy(sizes, t->sizes, sizeof sizes);
    memcpy(strides, t->strides, sizeof strides);
    int a = t->ndim - 2, b = t->ndim - 1;
    sizes[a] = t->sizes[b], sizes[b] = t->sizes[a];
    strides[a] = t->strides[b], strides[b] = t->strides[a];
    return pts_ret_view(t, t->ndim, sizes, strides, t->offset, ret);
}

/* The conjugate transpose of a complex t (mH, adjoint, H): the transposed view conjugated by aten::conj.
 * torch's is a view with its lazy conj bit; pyts has none, so the values are materialized (as conj()). */
static pts_status conj_swap_last_two(const pts_tensor *t, pts_value *ret)
{
    pts_value v = pts_none();
    PTS_TRY(swap_last_two(t, &v));
    pts_status st = pts_call("aten::conj", 1, &v, ret);
    pts_value_release(v);
    return st;
}

/* aten::mH and aten::adjoint conjugate complex tensors; mT does not */
static bool conjugates(const pts_op *op, const pts_tensor *t)
{
    return pts_dtype_is_complex(t->dtype) && strcmp(OPN, "aten::mT") != 0;
}

PTS_KERNEL(k_mT)
{
    pts_tensor *t = a->self;
    if (t->ndim == 0) /* deprecated on 0-D tensors: the identity */
        return pts_ret_view(t, 0, t->sizes, t->strides, t->offset, rets);
    if (t->ndim < 2) {
        const char *what = strcmp(OPN, "aten::adjoint") == 0 ? "tensor.adjoint()" : strcmp(OPN, "aten::mH") == 0 ? "tensor.mH" : "tensor.mT";
        return pts_err_set(PTS_ERR_VALUE, "%s: %s is only supported on matrices or batches of matrices. Got %d-D tensor.",
                           OPN, what, t->ndim);
    }
    return conjugates(op, t) ? conj_swap_last_two(t, rets) : swap_last_two(t, rets);
}

PTS_KERNEL(k_matrix_H)
{
    pts_tensor *t = a->self;
    if (t->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: tensor.H is only supported on matrices (2-D tensors). Got %d-D tensor.", OPN,
                           t->ndim);
    return pts_dtype_is_complex(t->dtype) ? conj_swap_last_two(t, rets) : swap_last_two(t, rets);
}

PTS_KERNEL(k_numpy_T)
{
    pts_tensor *t = a->self;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) {
        sizes[i] = t->sizes[t->ndim - 1 - i];
        strides[i] = t->strides[t->ndim - 1 - i];
    }
    return pts_ret_view(t, t->ndim, sizes, strides, t->offset, rets);
}

/* ---- meshgrid -------------------------------------------------------------------------------- */

/* meshgrid(tensors[, *, indexing]): ix NULL for the overload without indexing ("ij") */
static pts_status meshgrid_run(const pts_op *op, pts_list *in, const char *ix, pts_value *rets)
{
    int64_t n = in->len;
    bool xy = false;
    if (ix) {
        if (strcmp(ix, "xy") == 0)
            xy = true;
        else if (strcmp(ix, "ij") != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: indexing must be one of \"xy\" or \"ij\", but received: %s", OPN, ix);
    }
    if (n == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: expects a non-empty TensorList", OPN);
    if (n > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: at most %d tensors are supported", OPN, PTS_MAX_DIMS);
    pts_tensor *ts[PTS_MAX_DIMS];
    for (int64_t i = 0; i < n; i++) {
        ts[i] = PTS_TENSOR(in->items[i]);
        if (ts[i]->ndim > 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected 0D or 1D tensor in the tensor list but got: %d-D", OPN, ts[i]->ndim);
        if (ts[i]->dtype != ts[0]->dtype)
            return pts_err_set(PTS_ERR_TYPE, "%s: expects all tensors to have the same dtype", OPN);
    }
    bool swap = xy && n >= 2;
    if (swap) {
        pts_tensor *tmp = ts[0];
        ts[0] = ts[1];
        ts[1] = tmp;
    }
    int64_t shape[PTS_MAX_DIMS];
    for (int64_t i = 0; i < n; i++)
        shape[i] = ts[i]->ndim ? ts[i]->sizes[0] : 1;
    pts_value grids[PTS_MAX_DIMS] = {{0}};
    int made = 0;
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < n && !st; i++) {
        int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
        for (int64_t k = 0; k < n; k++) {
            sizes[k] = shape[k];
            strides[k] = k == i && shape[k] > 1 ? ts[i]->strides[0] : 0;
        }
        st = pts_ret_view(ts[i], (int)n, sizes, strides, ts[i]->offset, &grids[made]);
        if (!st)
            made++;
    }
    if (!st && swap) {
        pts_value g = grids[0];
        grids[0] = grids[1];
        grids[1] = g;
    }
    pts_list *out = st ? NULL : pts_tensor_list_new(n);
    if (!st && !out)
        st = pts_err_last();
    for (int i = 0; i < made; i++) {
        if (!st)
            st = pts_list_append(out, grids[i]);
        else
            pts_value_release(grids[i]);
    }
    if (st) {
        if (out)
            pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_obj_value(&out->hdr);
    return PTS_OK;
}

PTS_KERNEL(k_meshgrid) { return meshgrid_run(op, PTS_LIST(a->tensors), NULL, rets); }
PTS_KERNEL(k_meshgrid_indexing) { return meshgrid_run(op, PTS_LIST(a->tensors), a->indexing, rets); }

/* ---- as_strided ------------------------------------------------------------------------------ */

PTS_KERNEL(k_as_strided)
{
    pts_tensor *t = a->self;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int ns, nst;
    PTS_TRY(pts_arg_int_list(a->size, sizes, PTS_MAX_DIMS, &ns, 0, "size"));
    PTS_TRY(pts_arg_int_list(a->stride, strides, PTS_MAX_DIMS, &nst, 0, "stride"));
    if (ns != nst)
        return pts_err_set(PTS_ERR_VALUE, "%s: mismatch in length of strides and shape", OPN);
    for (int i = 0; i < ns; i++) {
        if (strides[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: as_strided: Negative strides are not supported at the moment", OPN);
        if (sizes[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld", OPN,
                               (long long)sizes[i]);
    }
    int64_t off = a->has_storage_offset ? a->storage_offset : t->offset;
    if (off < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Tensor: invalid storage offset %lld", OPN, (long long)off);
    bool copy = !op->schema.rets[0].alias_set;
    pts_value v = pts_none();
    PTS_TRY(pts_ret_view(t, ns, sizes, strides, off, &v));
    if (!copy) {
        rets[0] = v;
        return PTS_OK;
    }
    pts_tensor *c = pts_tensor_contiguous_copy(PTS_TENSOR(v));
    pts_value_release(v);
    return pts_ret(c, rets);
}

/* ---- ravel, fliplr / flipud, atleast_Nd, tile, take_along_dim ------------------------------------ */

PTS_KERNEL(k_ravel)
{
    pts_tensor *t = a->self;
    int64_t n = pts_tensor_numel(t), one = 1;
    if (pts_tensor_is_contiguous(t))
        return pts_ret_view(t, 1, &n, &one, t->offset, rets);
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c)
        return pts_err_last();
    pts_status st = pts_ret_view(c, 1, &n, &one, 0, rets);
    pts_obj_release(&c->hdr);
    return st;
}

/* a copy of t reversed along dim d */
static pts_status flip_dim(const char *opname, pts_tensor *t, int d, int need, pts_value *ret)
{
    if (t->ndim < need)
        return pts_err_set(PTS_ERR_VALUE, "%s: Input must be >= %d-d.", opname, need);
    int64_t strides[PTS_MAX_DIMS];
    memcpy(strides, t->strides, sizeof strides);
    strides[d] = -t->strides[d];
    int64_t off = t->offset + (t->sizes[d] > 0 ? (t->sizes[d] - 1) * t->strides[d] : 0);
    /* a negative-stride view read once by the copy (never returned) */
    pts_tensor v = *t;
    v.strides[d] = strides[d];
    v.offset = off;
    if (pts_tensor_numel(t) == 0)
        v.offset = t->offset;
    return pts_ret(pts_tensor_contiguous_copy(&v), ret);
}

PTS_KERNEL(k_fliplr)
{
    return flip_dim(OPN, a->self, 1, 2, rets);
}

PTS_KERNEL(k_flipud)
{
    return flip_dim(OPN, a->self, 0, 1, rets);
}

/* the atleast_Nd view of t */
static pts_status atleast(const pts_tensor *t, int n, pts_value *ret)
{
    int64_t sizes[3], strides[3];
    if (t->ndim >= n)
        return pts_ret_view(t, t->ndim, t->sizes, t->strides, t->offset, ret);
    if (t->ndim == 0) {
        for (int i = 0; i < n; i++)
            sizes[i] = 1, strides[i] = 1;
    } else if (t->ndim == 1) { /* (N) -> (1, N) or (1, N, 1) */
        sizes[0] = 1, strides[0] = t->sizes[0] * t->strides[0];
        sizes[1] = t->sizes[0], strides[1] = t->strides[0];
        sizes[2] = 1, strides[2] = 1;
    } else { /* (M, N) -> (M, N, 1) */
        sizes[0] = t->sizes[0], strides[0] = t->strides[0];
        sizes[1] = t->sizes[1], strides[1] = t->strides[1];
        sizes[2] = 1, strides[2] = 1;
    }
    return pts_ret_view(t, n, sizes, strides, t->offset, ret);
}

static int atleast_n(const pts_op *op) { return OPN[14] - '0'; } /* "aten::atleast_2d"[14] */

PTS_KERNEL(k_atleast)
{
    return atleast(a->self, atleast_n(op), rets);
}

PTS_KERNEL(k_atleast_seq)
{
    pts_list *in = PTS_LIST(a->tensors);
    pts_list *out = pts_tensor_list_new(in->len);
    if (!out)
        return pts_err_last();
    for (int64_t i = 0; i < in->len; i++) {
        pts_value v = pts_none();
        pts_status st = atleast(PTS_TENSOR(in->items[i]), atleast_n(op), &v);
        if (!st)
            st = pts_list_append(out, v);
        if (st) {
            pts_obj_release(&out->hdr);
            return st;
        }
    }
    rets[0] = pts_obj_value(&out->hdr);
    return PTS_OK;
}

/* tile: t (padded with leading 1s) repeated `dims` times: an expanded (r0, s0, r1, s1, ...) view copied */
PTS_KERNEL(k_tile)
{
    pts_tensor *t = a->self;
    int64_t reps[PTS_MAX_DIMS];
    int nr;
    PTS_TRY(pts_arg_int_list(a->dims, reps, PTS_MAX_DIMS, &nr, 0, "dims"));
    int nd = nr > t->ndim ? nr : t->ndim;
    if (2 * nd > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: tile supports at most %d dims", OPN, PTS_MAX_DIMS / 2);
    int64_t vs[PTS_MAX_DIMS], vst[PTS_MAX_DIMS], os[PTS_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        int ir = i - (nd - nr), it = i - (nd - t->ndim);
        int64_t r = ir >= 0 ? reps[ir] : 1, sz = it >= 0 ? t->sizes[it] : 1, st = it >= 0 ? t->strides[it] : 0;
        if (r < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld: [%lld]", OPN,
                               (long long)r, (long long)r);
        vs[2 * i] = r, vst[2 * i] = 0;
        vs[2 * i + 1] = sz, vst[2 * i + 1] = st;
        os[i] = r * sz;
    }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, 2 * nd, vs, vst, t->offset);
    pts_tensor *c = v ? pts_tensor_contiguous_copy(v) : NULL;
    pts_obj_release(v ? &v->hdr : NULL);
    if (!c)
        return pts_err_last();
    int64_t cs[PTS_MAX_DIMS];
    pts_contiguous_strides(nd, os, cs);
    pts_status st = pts_ret_view(c, nd, os, cs, 0, rets);
    pts_obj_release(&c->hdr);
    return st;
}

/* take_along_dim(self, indices, dim?): gather along dim after broadcasting the other dims */
PTS_KERNEL(k_take_along_dim)
{
    pts_tensor *t = a->self, *ix = a->indices;
    if (ix->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: torch.take_along_dim(): dtype of indices should be Long but got %s", OPN,
                           pts_dtype_torch_name(ix->dtype));
    pts_tensor *src = t, *idx = ix;
    int64_t n1, one = 1;
    pts_tensor *ft = NULL, *fi = NULL;
    int d = 0;
    bool flat = !a->has_dim;
    if (flat) { /* both flattened */
        ft = pts_tensor_contiguous_copy(t);
        fi = ft ? pts_tensor_contiguous_copy(ix) : NULL;
        if (!fi) {
            pts_obj_release(ft ? &ft->hdr : NULL);
            return pts_err_last();
        }
        n1 = pts_tensor_numel(ft);
        ft->ndim = 1, ft->sizes[0] = n1, ft->strides[0] = 1;
        int64_t n2 = pts_tensor_numel(fi);
        fi->ndim = 1, fi->sizes[0] = n2, fi->strides[0] = 1;
        src = ft, idx = fi;
    } else {
        PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
        if (t->ndim != ix->ndim) {
            return pts_err_set(PTS_ERR_VALUE, "%s: torch.take_along_dim(): input and indices should have the same number "
                                              "of dimensions, but got %d dimensions for input, and %d dimensions for "
                                              "indices", OPN, t->ndim, ix->ndim);
        }
    }
    (void)one;
    int nd = src->ndim;
    int64_t shape[PTS_MAX_DIMS], s_src[PTS_MAX_DIMS], s_idx[PTS_MAX_DIMS];
    pts_status st = PTS_OK;
    for (int i = 0; i < nd && !st; i++) {
        if (i == d) {
            shape[i] = idx->sizes[i];
            continue;
        }
        int64_t a = src->sizes[i], b = idx->sizes[i];
        if (a != b && a != 1 && b != 1)
            st = pts_err_set(PTS_ERR_VALUE, "%s: The size of tensor a (%lld) must match the size of tensor b (%lld) at "
                                            "non-singleton dimension %d", OPN, (long long)a, (long long)b, i);
        shape[i] = a == 1 ? b : a;
    }
    pts_tensor *o = st ? NULL : pts_tensor_empty(src->dtype, nd, shape);
    if (!st && !o)
        st = pts_err_last();
    for (int i = 0; i < nd; i++) {
        s_src[i] = src->sizes[i] == 1 ? 0 : src->strides[i];
        s_idx[i] = idx->sizes[i] == 1 ? 0 : idx->strides[i];
    }
    int isz = pts_dtype_get(src->dtype)->itemsize;
    int64_t n = o ? pts_tensor_numel(o) : 0;
    for (int64_t e = 0; !st && e < n; e++) {
        int64_t rem = e, so = 0, io = 0;
        int64_t coord_d = 0;
        for (int k = nd - 1; k >= 0; k--) {
            int64_t c = rem % shape[k];
            rem /= shape[k];
            io += c * s_idx[k];
            if (k == d)
                coord_d = c;
            else
                so += c * s_src[k];
        }
        (void)coord_d;
        int64_t v = ((const int64_t *)pts_tensor_data(idx))[io];
        int64_t lim = src->sizes[d];
        if (!flat && lim > 0) /* with a dim, torch takes indices modulo the size; flattened, gather checks them */
            v = ((v % lim) + lim) % lim;
        if (v < 0 || v >= lim) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension %d with size %lld", OPN,
                             (long long)v, d, (long long)lim);
            break;
        }
        so += v * src->strides[d];
        memcpy((char *)pts_tensor_data(o) + e * isz, (const char *)pts_tensor_data(src) + so * isz, (size_t)isz);
    }
    pts_obj_release(ft ? &ft->hdr : NULL);
    pts_obj_release(fi ? &fi->hdr : NULL);
    if (st) {
        pts_obj_release(o ? &o->hdr : NULL);
        return st;
    }
    return pts_ret(o, rets);
}

/* ---- the table -------------------------------------------------------------------------------- */

const pts_op_def pts_ops_views[] = {
    PTS_OP("aten::broadcast_to(Tensor(a) self, SymInt[] size) -> Tensor(a)", k_broadcast_to),
    PTS_OP("aten::broadcast_tensors(Tensor[] tensors) -> Tensor[]", k_broadcast_tensors),
    PTS_OP("aten::Size(int[] sizes) -> int[]", k_Size),
    PTS_OP("aten::broadcast_shapes(int[] a, int[] b) -> int[]", k_broadcast_shapes),
    PTS_OP("aten::mT(Tensor(a) self) -> Tensor(a)", k_mT),
    PTS_OP("aten::mT.a(Tensor(a) self) -> Tensor(a)", k_mT),
    PTS_OP("aten::mH(Tensor(a) self) -> Tensor(a)", k_mT),
    PTS_OP("aten::mH.a(Tensor(a) self) -> Tensor(a)", k_mT),
    PTS_OP("aten::adjoint(Tensor(a) self) -> Tensor(a)", k_mT),
    PTS_OP("aten::numpy_T(Tensor(a) self) -> Tensor(a)", k_numpy_T),
    PTS_OP("aten::numpy_T.a(Tensor(a) self) -> Tensor(a)", k_numpy_T),
    PTS_OP("aten::matrix_H(Tensor(a) self) -> Tensor(a)", k_matrix_H),
    PTS_OP("aten::matrix_H.a(Tensor(a) self) -> Tensor(a)", k_matrix_H),
    PTS_OP("aten::meshgrid(Tensor[] tensors) -> Tensor[]", k_meshgrid),
    PTS_OP("aten::meshgrid.indexing(Tensor[] tensors, *, str indexing) -> Tensor[]", k_meshgrid_indexing),
    PTS_OP("aten::as_strided(Tensor(a) self, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None) -> Tensor(a)", k_as_strided),
    PTS_OP("aten::as_strided_copy(Tensor self, SymInt[] size, SymInt[] stride, SymInt? storage_offset=None) -> Tensor", k_as_strided),
    PTS_OP("aten::ravel(Tensor(a) self) -> Tensor(a)", k_ravel),
    PTS_OP("aten::fliplr(Tensor self) -> Tensor", k_fliplr),
    PTS_OP("aten::flipud(Tensor self) -> Tensor", k_flipud),
    PTS_OP("aten::atleast_1d(Tensor self) -> Tensor", k_atleast),
    PTS_OP("aten::atleast_2d(Tensor self) -> Tensor", k_atleast),
    PTS_OP("aten::atleast_3d(Tensor self) -> Tensor", k_atleast),
    PTS_OP("aten::atleast_1d.Sequence(Tensor[] tensors) -> Tensor[]", k_atleast_seq),
    PTS_OP("aten::atleast_2d.Sequence(Tensor[] tensors) -> Tensor[]", k_atleast_seq),
    PTS_OP("aten::atleast_3d.Sequence(Tensor[] tensors) -> Tensor[]", k_atleast_seq),
    PTS_OP("aten::tile(Tensor self, SymInt[] dims) -> Tensor", k_tile),
    PTS_OP("aten::take_along_dim(Tensor self, Tensor indices, int? dim=None) -> Tensor", k_take_along_dim),
    {NULL, NULL},
};
