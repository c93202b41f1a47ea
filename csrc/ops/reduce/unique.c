/* unique.c - aten::unique_dim: the unique slices of a tensor along a dim
 * (what torch.unique(x, dim=d) calls), unique_dim_consecutive (the same
 * without sorting: runs of equal slices) and unique_consecutive.
 *
 * As ATen's CPU kernel: the slices (rows of the tensor with `dim` moved
 * first, flattened) are sorted lexicographically (`sorted` is ignored: the
 * result is always sorted), equal neighbours merge; inverse indices and
 * counts are always computed (return_inverse / return_counts only say what
 * the caller wants).  The result is the unique rows with `dim` moved back (a
 * view of a contiguous [U, ...] tensor, as ATen's moveaxis).  A zero-sized
 * dim gives an empty result (more than one zero-sized dim is an error).
 */
#include "ops/kernel.h"

typedef struct rowcmp {
    const void *data; /* compute64 rows */
    bool f64;
    int64_t m;
} rowcmp;

static int row_cmp(const rowcmp *c, int64_t a, int64_t b)
{
    for (int64_t i = 0; i < c->m; i++) {
        if (c->f64) {
            double x = ((const double *)c->data)[a * c->m + i], y = ((const double *)c->data)[b * c->m + i];
            if (x < y)
                return -1;
            if (x > y)
                return 1;
        } else {
            int64_t x = ((const int64_t *)c->data)[a * c->m + i], y = ((const int64_t *)c->data)[b * c->m + i];
            if (x < y)
                return -1;
            if (x > y)
                return 1;
        }
    }
    return 0;
}

/* rows equal as at::equal sees them (NaN differs from everything) */
static bool row_eq(const rowcmp *c, int64_t a, int64_t b)
{
    for (int64_t i = 0; i < c->m; i++) {
        if (c->f64) {
            if (!(((const double *)c->data)[a * c->m + i] == ((const double *)c->data)[b * c->m + i]))
                return false;
        } else if (((const int64_t *)c->data)[a * c->m + i] != ((const int64_t *)c->data)[b * c->m + i])
            return false;
    }
    return true;
}

static void merge_sort_rows(const rowcmp *c, int64_t *idx, int64_t *tmp, int64_t n)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = row_cmp(c, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int64_t));
    }
}

/* unique slices along dim (sorted first unless consecutive); rets[0..2] */
static pts_status unique_dim_run(const char *opn, pts_tensor *x, int64_t dim, bool consecutive, pts_value *rets)
{
    int d = 0;
    PTS_TRY(pts_check_real(opn, x->dtype));
    if (x->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", opn,
                           (long long)dim);
    PTS_TRY(pts_wrap_dim(dim, x->ndim, opn, &d));
    int64_t R = x->sizes[d], M = 1, zero = 0;
    for (int i = 0; i < x->ndim; i++)
        if (i != d)
            M *= x->sizes[i];
    if (R == 0) {
        int nz = 0;
        for (int i = 0; i < x->ndim; i++)
            nz += x->sizes[i] == 0;
        if (nz != 1)
            return pts_err_set(PTS_ERR_VALUE,
                               "%s: Number of zero sized dimensions is more than one, so unique cannot be applied ", opn);
        pts_tensor *o = pts_tensor_empty(x->dtype, x->ndim, x->sizes);
        pts_tensor *inv = o ? pts_tensor_empty(PTS_INT64, 1, &zero) : NULL;
        pts_tensor *cnt = inv ? pts_tensor_empty(PTS_INT64, 1, &zero) : NULL;
        if (!cnt) {
            if (o)
                pts_obj_release(&o->hdr);
            if (inv)
                pts_obj_release(&inv->hdr);
            return pts_err_last();
        }
        rets[0] = pts_ret_tensor(o);
        rets[1] = pts_ret_tensor(inv);
        rets[2] = pts_ret_tensor(cnt);
        return PTS_OK;
    }
    if (M == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: cannot reshape tensor of 0 elements into shape [%lld, -1]", opn,
                           (long long)R);
    /* dim d first */
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS];
    sz[0] = R;
    st[0] = x->strides[d];
    for (int i = 0, k = 1; i < x->ndim; i++)
        if (i != d) {
            sz[k] = x->sizes[i];
            st[k++] = x->strides[i];
        }
    pts_tensor *v = pts_tensor_view_of(x->storage, x->dtype, x->ndim, sz, st, x->offset);
    if (!v)
        return pts_err_last();
    int cd = pts_compute64(x->dtype);
    pts_tensor *rows = pts_tensor_contiguous_copy(v), *keys = rows ? pts_tensor_to_dtype(v, cd) : NULL;
    pts_obj_release(&v->hdr);
    pts_tensor *out = NULL, *inv = NULL, *cnt = NULL;
    int64_t *idx = pts_malloc((size_t)R * 2 * sizeof(int64_t));
    pts_status s = PTS_OK;
    if (!rows || !keys || !(inv = pts_tensor_zeros(PTS_INT64, 1, &R))) {
        s = pts_err_last();
        goto done;
    }
    if (!idx) {
        s = pts_err_nomem("unique_dim", (size_t)R * 16);
        goto done;
    }
    rowcmp c = {pts_tensor_data(keys), cd == PTS_FLOAT64, M};
    for (int64_t i = 0; i < R; i++)
        idx[i] = i;
    if (!consecutive)
        merge_sort_rows(&c, idx, idx + R, R);
    /* group ids in sorted order */
    int64_t U = 0;
    int64_t *grp = idx + R;
    for (int64_t k = 0; k < R; k++) {
        if (k == 0 || !row_eq(&c, idx[k - 1], idx[k]))
            U++;
        grp[k] = U - 1;
        pts_i64(inv)[idx[k]] = U - 1;
    }
    sz[0] = U;
    if (!(out = pts_tensor_empty(x->dtype, x->ndim, sz)) || !(cnt = pts_tensor_zeros(PTS_INT64, 1, &U))) {
        s = pts_err_last();
        goto done;
    }
    size_t rb = (size_t)M * (size_t)pts_dtype_get(x->dtype)->itemsize;
    for (int64_t k = 0; k < R; k++) {
        if (k == 0 || grp[k] != grp[k - 1])
            memcpy((char *)pts_tensor_data(out) + (size_t)grp[k] * rb, (const char *)pts_tensor_data(rows) + (size_t)idx[k] * rb, rb);
        pts_i64(cnt)[grp[k]]++;
    }
    /* move dim 0 back to d: a view */
    {
        int64_t vs[PTS_MAX_DIMS], vt[PTS_MAX_DIMS];
        for (int i = 0, k = 1; i < x->ndim; i++) {
            if (i == d) {
                vs[i] = out->sizes[0];
                vt[i] = out->strides[0];
            } else {
                vs[i] = out->sizes[k];
                vt[i] = out->strides[k++];
            }
        }
        pts_tensor *o = pts_tensor_view_of(out->storage, out->dtype, x->ndim, vs, vt, out->offset);
        if (!o) {
            s = pts_err_last();
            goto done;
        }
        rets[0] = pts_ret_tensor(o);
        rets[1] = pts_ret_tensor(inv);
        rets[2] = pts_ret_tensor(cnt);
        inv = cnt = NULL;
    }
done:
    pts_free(idx);
    if (rows)
        pts_obj_release(&rows->hdr);
    if (keys)
        pts_obj_release(&keys->hdr);
    if (out)
        pts_obj_release(&out->hdr);
    if (inv)
        pts_obj_release(&inv->hdr);
    if (cnt)
        pts_obj_release(&cnt->hdr);
    return s;
}

/* aten::unique_dim(Tensor self, int dim, bool sorted=True, bool return_inverse=False,
 *                  bool return_counts=False) -> (Tensor, Tensor, Tensor) */
PTS_KERNEL(k_unique_dim) { return unique_dim_run(OPN, a->self, a->dim, false, rets); }

/* aten::unique_dim_consecutive(Tensor self, int dim, bool return_inverse=False,
 *                              bool return_counts=False) -> (Tensor, Tensor, Tensor) */
PTS_KERNEL(k_unique_dim_consecutive) { return unique_dim_run(OPN, a->self, a->dim, true, rets); }

/* aten::unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False,
 *                          int? dim=None) -> (Tensor, Tensor, Tensor)
 * Without a dim (or dim 0 of a 1-D tensor): runs of equal values of the flattened tensor (NaN
 * never equals its neighbour); inverse indices shaped as self when asked for, counts when asked
 * for, else empty.  With a dim: unique_dim_consecutive. */
PTS_KERNEL(k_unique_consecutive)
{
    pts_tensor *x = a->self;
    if (a->has_dim && !(a->dim == 0 && x->ndim == 1))
        return unique_dim_run(OPN, x, a->dim, true, rets);
    PTS_TRY(pts_check_real(OPN, x->dtype));
    int64_t n = pts_tensor_numel(x), zero = 0, U = 0;
    int cd = pts_compute64(x->dtype);
    pts_tensor *keys = pts_tensor_to_dtype(x, cd), *vals = keys ? pts_tensor_contiguous_copy(x) : NULL;
    pts_tensor *out = NULL, *inv = NULL, *cnt = NULL;
    pts_status s = PTS_OK;
    if (!vals) {
        s = pts_err_last();
        goto done;
    }
    rowcmp c = {pts_tensor_data(keys), cd == PTS_FLOAT64, 1};
    for (int64_t i = 0; i < n; i++)
        U += i == 0 || !row_eq(&c, i - 1, i);
    int64_t isz = pts_dtype_get(x->dtype)->itemsize, osz = n > 0 ? U : 0;
    if (!(out = pts_tensor_empty(x->dtype, 1, &osz)) ||
        !(inv = a->return_inverse ? pts_tensor_empty(PTS_INT64, x->ndim, x->sizes)
                                           : pts_tensor_empty(PTS_INT64, 1, &zero)) ||
        !(cnt = n > 0 && a->return_counts ? pts_tensor_zeros(PTS_INT64, 1, &U) : pts_tensor_empty(PTS_INT64, 1, &zero))) {
        s = pts_err_last();
        goto done;
    }
    for (int64_t i = 0, g = -1; i < n; i++) {
        if (i == 0 || !row_eq(&c, i - 1, i)) {
            g++;
            memcpy((char *)pts_tensor_data(out) + g * isz, (const char *)pts_tensor_data(vals) + i * isz, (size_t)isz);
        }
        if (a->return_inverse)
            pts_i64(inv)[i] = g;
        if (a->return_counts)
            pts_i64(cnt)[g]++;
    }
    rets[0] = pts_ret_tensor(out);
    rets[1] = pts_ret_tensor(inv);
    rets[2] = pts_ret_tensor(cnt);
    out = inv = cnt = NULL;
done:
    if (keys)
        pts_obj_release(&keys->hdr);
    if (vals)
        pts_obj_release(&vals->hdr);
    if (out)
        pts_obj_release(&out->hdr);
    if (inv)
        pts_obj_release(&inv->hdr);
    if (cnt)
        pts_obj_release(&cnt->hdr);
    return s;
}

const pts_op_def pts_ops_unique[] = {
    PTS_OP("aten::unique_dim(Tensor self, int dim, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> (Tensor, Tensor, Tensor)", k_unique_dim),
    PTS_OP("aten::unique_dim_consecutive(Tensor self, int dim, bool return_inverse=False, bool return_counts=False) -> (Tensor, Tensor, Tensor)", k_unique_dim_consecutive),
    PTS_OP("aten::unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None) -> (Tensor, Tensor, Tensor)", k_unique_consecutive),
    {NULL, NULL},
};
