/* shape_tensor.c - aten::_shape_as_tensor: a tensor's sizes as a 1-D int64
 * tensor (what torch.jit.trace records for `x.shape` used as data, e.g. in
 * torchvision's detection transforms and anchor generators). */
#include "ops/kernel.h"

/* aten::_shape_as_tensor(Tensor self) -> Tensor */
PTS_KERNEL(k_shape_as_tensor)
{
    int64_t n = a->self->ndim;
    pts_tensor *r = pts_tensor_empty(PTS_INT64, 1, &n);
    if (!r)
        return pts_err_last();
    for (int64_t i = 0; i < n; i++)
        pts_i64(r)[i] = a->self->sizes[i];
    rets[0] = pts_ret_tensor(r);
    return PTS_OK;
}

const pts_op_def pts_ops_shape_tensor[] = {
    PTS_OP("aten::_shape_as_tensor(Tensor self) -> Tensor", k_shape_as_tensor),
    {NULL, NULL},
};
