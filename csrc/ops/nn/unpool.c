/* unpool.c - max_unpool2d / max_unpool3d: each (n, c) plane of the input
 * scatters into a zero plane of the output size at the positions that
 * `indices` (max_pool*_with_indices') give, with torch's index checks.
 */
#include "ops/kernel.h"

/* ---- max_unpool ------------------------------------------------------------------------------------ */

/* Each (n, c) plane of self scatters into a zero plane of `osize` elements at `indices`. */
static pts_status unpool(const char *opname, pts_tensor *x, pts_tensor *ind, int sdims, const int64_t *osz,
                         pts_value *ret)
{
    if (ind->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: elements in indices should be type int64 but got: %s", opname,
                           pts_dtype_torch_name(ind->dtype));
    if (x->ndim != sdims + 1 && x->ndim != sdims + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Input to max_unpooling%dd should be a %dd or %dd Tensor, but got a tensor "
                                          "with %d dimensions.", opname, sdims, sdims + 1, sdims + 2, x->ndim);
    bool same = x->ndim == ind->ndim;
    for (int i = 0; same && i < x->ndim; i++)
        same = x->sizes[i] == ind->sizes[i];
    if (!same)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected shape of indices to be same as that of the input tensor", opname);
    for (int i = 0; i < sdims; i++)
        if (osz[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: output_size must be positive", opname);
    PTS_TRY(pts_check_real(opname, x->dtype));
    int lead = x->ndim - sdims;
    int64_t planes = 1, in_plane = 1, out_plane = 1;
    int64_t shape[PTS_MAX_DIMS];
    for (int i = 0; i < lead; i++) {
        planes *= x->sizes[i];
        shape[i] = x->sizes[i];
    }
    for (int i = 0; i < sdims; i++) {
        in_plane *= x->sizes[lead + i];
        out_plane *= osz[i];
        shape[lead + i] = osz[i];
    }
    pts_tensor *xc = pts_tensor_contiguous_copy(x), *ic = xc ? pts_tensor_contiguous_copy(ind) : NULL;
    pts_tensor *out = ic ? pts_tensor_zeros(x->dtype, x->ndim, shape) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    int isz = pts_dtype_get(x->dtype)->itemsize;
    for (int64_t p = 0; !st && p < planes; p++)
        for (int64_t j = 0; j < in_plane; j++) {
            int64_t k = pts_i64(ic)[p * in_plane + j];
            if (k < 0 || k >= out_plane) {
                st = pts_err_set(PTS_ERR_INDEX, "%s: Found an invalid max index: %lld (output volumes are of size %lld",
                                 opname, (long long)k, (long long)out_plane);
                break;
            }
            memcpy((char *)pts_tensor_data(out) + (p * out_plane + k) * isz,
                   (const char *)pts_tensor_data(xc) + (p * in_plane + j) * isz, (size_t)isz);
        }
    pts_obj_release(xc ? &xc->hdr : NULL);
    pts_obj_release(ic ? &ic->hdr : NULL);
    if (st) {
        pts_obj_release(out ? &out->hdr : NULL);
        return st;
    }
    return pts_ret(out, ret);
}

PTS_KERNEL(k_max_unpool2d)
{
    int64_t osz[2];
    int n;
    PTS_TRY(pts_arg_int_list(a->output_size, osz, 2, &n, 2, "output_size"));
    if (n != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: There should be exactly two elements (height, width) in output_size, but "
                                          "got %d elements.", OPN, n);
    return unpool(OPN, a->self, a->indices, 2, osz, rets);
}

PTS_KERNEL(k_max_unpool3d)
{
    int64_t osz[3], st[3], pad[3];
    int n, ns, np;
    PTS_TRY(pts_arg_int_list(a->output_size, osz, 3, &n, 3, "output_size"));
    PTS_TRY(pts_arg_int_list(a->stride, st, 3, &ns, 3, "stride"));
    PTS_TRY(pts_arg_int_list(a->padding, pad, 3, &np, 3, "padding"));
    if (n != 3)
        return pts_err_set(PTS_ERR_VALUE, "%s: There should be exactly three elements (depth, height, width) in "
                                          "output_size, but got: %d elements.", OPN, n);
    for (int i = 0; i < 3; i++)
        if (st[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: strides should be greater than zero, but got stride: %lld", OPN,
                               (long long)st[i]);
    return unpool(OPN, a->self, a->indices, 3, osz, rets);
}

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_unpool[] = {
    PTS_OP("aten::max_unpool2d(Tensor self, Tensor indices, SymInt[2] output_size) -> Tensor", k_max_unpool2d),
    PTS_OP("aten::max_unpool3d(Tensor self, Tensor indices, SymInt[3] output_size, int[3] stride, int[3] padding) -> Tensor", k_max_unpool3d),
    {NULL, NULL},
};
