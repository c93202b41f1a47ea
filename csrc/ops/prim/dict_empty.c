/* dict_empty.c - aten::dict(): an empty Dict(str, Tensor), what a scripted
 * `OrderedDict()` / `dict()` with no arguments becomes (torchvision's
 * IntermediateLayerGetter, the detection backbones). */
#include "ops/kernel.h"
#include "value/type.h"

/* aten::dict() -> Dict(str, Tensor) */
static pts_status k_dict_empty(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    (void)args;
    pts_dict *d = pts_dict_new(pts_type_base(PTS_TY_STR), pts_type_base(PTS_TY_TENSOR));
    if (!d)
        return pts_err_nomem("dict()", sizeof(pts_dict));
    rets[0] = pts_obj_value(&d->hdr);
    return PTS_OK;
}

const pts_op_def pts_ops_dict_empty[] = {
    PTS_OP("aten::dict() -> Dict(str, Tensor)", k_dict_empty),
    {NULL, NULL},
};
