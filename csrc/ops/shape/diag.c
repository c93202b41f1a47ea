/* diag.c - diagonals and triangles: diagonal (a view) and diagonal_copy,
 * diag_embed, diag (vector -> matrix, matrix -> vector), tril / triu and
 * their in-place forms.
 */
#include "ops/kernel.h"

/* ---- diagonals ------------------------------------------------------------------------------- */

/* The diagonal view of t (offset, dims d1 != d2 already wrapped). */
static pts_status diagonal_view(const char *opname, const pts_tensor *t, int64_t offset, int d1, int d2, pts_value *ret)
{
    if (d1 == d2)
        return pts_err_set(PTS_ERR_VALUE, "%s: diagonal dimensions cannot be identical %d, %d", opname, d1, d2);
    int64_t len, off = t->offset;
    if (offset >= 0) {
        len = t->sizes[d1] < t->sizes[d2] - offset ? t->sizes[d1] : t->sizes[d2] - offset;
        off += offset * t->strides[d2];
    } else {
        len = t->sizes[d1] + offset < t->sizes[d2] ? t->sizes[d1] + offset : t->sizes[d2];
        off -= offset * t->strides[d1];
    }
    if (len <= 0) {
        len = 0;
        off = t->offset;
    }
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d1 && i != d2) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    sizes[n] = len;
    strides[n++] = t->strides[d1] + t->strides[d2];
    return pts_ret_view(t, n, sizes, strides, off, ret);
}

PTS_KERNEL(k_diagonal)
{
    pts_tensor *t = a->self;
    int d1 = 0, d2 = 0;
    PTS_TRY(pts_wrap_dim(a->dim1, t->ndim, OPN, &d1));
    PTS_TRY(pts_wrap_dim(a->dim2, t->ndim, OPN, &d2));
    pts_value v = pts_none();
    PTS_TRY(diagonal_view(OPN, t, a->offset, d1, d2, &v));
    if (op->schema.rets[0].alias_set) {
        rets[0] = v;
        return PTS_OK;
    }
    pts_tensor *c = pts_tensor_contiguous_copy(PTS_TENSOR(v));
    pts_value_release(v);
    return pts_ret(c, rets);
}

/* diag_embed: the last dim of t becomes the diagonal (offset) of output dims d1, d2. */
static pts_status embed(const char *opname, pts_tensor *t, int64_t offset, int64_t dim1, int64_t dim2, pts_value *ret)
{
    int nd = t->ndim + 1;
    if (nd > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: too many dimensions", opname);
    int d1 = 0, d2 = 0;
    PTS_TRY(pts_wrap_dim(dim1, nd, opname, &d1));
    PTS_TRY(pts_wrap_dim(dim2, nd, opname, &d2));
    if (d1 == d2)
        return pts_err_set(PTS_ERR_VALUE, "%s: diagonal dimensions cannot be identical %lld, %lld", opname, (long long)dim1,
                           (long long)dim2);
    int64_t n = t->ndim ? t->sizes[t->ndim - 1] : 1;
    int64_t m = n + (offset < 0 ? -offset : offset);
    int64_t sizes[PTS_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < nd; i++)
        sizes[i] = (i == d1 || i == d2) ? m : t->sizes[k++];
    pts_tensor *out = pts_tensor_zeros(t->dtype, nd, sizes);
    if (!out)
        return pts_err_last();
    pts_value dv = pts_none();
    pts_status st = diagonal_view(opname, out, offset, d1 < d2 ? d1 : d2, d1 < d2 ? d2 : d1, &dv);
    if (!st) {
        /* the view's last dim is the diagonal, matching t's last dim */
        pts_tensor *src = t;
        pts_tensor *tmp = NULL;
        if (t->ndim == 0) {
            int64_t one = 1, s1 = 0;
            tmp = pts_tensor_view_of(t->storage, t->dtype, 1, &one, &s1, t->offset);
            src = tmp;
        }
        st = src ? pts_tensor_copy_into(PTS_TENSOR(dv), src, opname) : pts_err_last();
        if (tmp)
            pts_obj_release(&tmp->hdr);
        pts_value_release(dv);
    }
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    return pts_ret(out, ret);
}

PTS_KERNEL(k_diag_embed)
{
    return embed(OPN, a->self, a->offset, a->dim1, a->dim2, rets);
}

PTS_KERNEL(k_diag)
{
    pts_tensor *t = a->self;
    int64_t off = a->diagonal;
    if (t->ndim == 1)
        return embed(OPN, t, off, 0, 1, rets);
    if (t->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: diag(): Supports 1D or 2D tensors. Got %dD", OPN, t->ndim);
    pts_value v = pts_none();
    PTS_TRY(diagonal_view(OPN, t, off, 0, 1, &v));
    pts_tensor *c = pts_tensor_contiguous_copy(PTS_TENSOR(v));
    pts_value_release(v);
    return pts_ret(c, rets);
}

/* ---- tril / triu ------------------------------------------------------------------------------ */

/* Zero the elements of t (any strides) above (upper=false: tril) or below the diagonal k. */
static void zero_triangle(pts_tensor *t, int64_t k, bool tril)
{
    int nd = t->ndim;
    int64_t rows = t->sizes[nd - 2], cols = t->sizes[nd - 1];
    int64_t batch = 1;
    for (int i = 0; i < nd - 2; i++)
        batch *= t->sizes[i];
    int isz = pts_dtype_get(t->dtype)->itemsize;
    char *base = pts_tensor_data(t);
    for (int64_t b = 0; b < batch; b++) {
        int64_t off = 0, rem = b;
        for (int i = nd - 3; i >= 0; i--) {
            off += (rem % t->sizes[i]) * t->strides[i];
            rem /= t->sizes[i];
        }
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = 0; c < cols; c++) {
                bool keep = tril ? c - r <= k : c - r >= k;
                if (!keep)
                    memset(base + (off + r * t->strides[nd - 2] + c * t->strides[nd - 1]) * isz, 0, (size_t)isz);
            }
    }
}

static pts_status tri(const pts_op *op, pts_tensor *t, int64_t k, pts_value *rets, bool lower)
{
    if (t->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s: input tensor must have at least 2 dimensions", OPN, lower ? "tril" : "triu");
    if (op->schema.args[0].is_write) {
        PTS_TRY(pts_tensor_make_writable(t));
        zero_triangle(t, k, lower);
        rets[0] = pts_ret_tensor_ref(t);
        return PTS_OK;
    }
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c)
        return pts_err_last();
    zero_triangle(c, k, lower);
    return pts_ret(c, rets);
}

PTS_KERNEL(k_tril) { return tri(op, a->self, a->diagonal, rets, true); }
PTS_KERNEL(k_triu) { return tri(op, a->self, a->diagonal, rets, false); }

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_diag[] = {
    PTS_OP("aten::diagonal(Tensor(a) self, int offset=0, int dim1=0, int dim2=1) -> Tensor(a)", k_diagonal),
    PTS_OP("aten::diagonal_copy(Tensor self, int offset=0, int dim1=0, int dim2=1) -> Tensor", k_diagonal),
    PTS_OP("aten::diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor", k_diag_embed),
    PTS_OP("aten::diag(Tensor self, int diagonal=0) -> Tensor", k_diag),
    PTS_OP("aten::tril(Tensor self, SymInt diagonal=0) -> Tensor", k_tril),
    PTS_OP("aten::triu(Tensor self, SymInt diagonal=0) -> Tensor", k_triu),
    PTS_OP("aten::tril_(Tensor(a!) self, SymInt diagonal=0) -> Tensor(a!)", k_tril),
    PTS_OP("aten::triu_(Tensor(a!) self, SymInt diagonal=0) -> Tensor(a!)", k_triu),
    {NULL, NULL},
};
