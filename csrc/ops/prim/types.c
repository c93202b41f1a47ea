/* types.c - the scalar-type and identity builtins of TorchScript that are not tensor ops:
 * torch.promote_types / can_cast / result_type on Python scalars, torch.get_autocast_dtype, id()
 * and prim::rangelist.  ScalarTypes are their int codes.  (torch.jit.script drops is_vulkan_available
 * and sym_constrain_range calls from the code it saves: they never reach a .pt file.) */
#include "ops/kernel.h"
#include "ops/prim/prim.h"

PTS_KERNEL(k_promote_types)
{
    int r = pts_promote_types((int)a->type1, (int)a->type2);
    if (r < 0)
        return pts_err_set(PTS_ERR_VALUE, "Promotion for %s and %s types is not supported", pts_dtype_name((int)a->type1),
                           pts_dtype_name((int)a->type2));
    rets[0] = pts_int(r);
    return PTS_OK;
}

PTS_KERNEL(k_can_cast)
{
    rets[0] = pts_bool(pts_can_cast((int)a->from_, (int)a->to));
    return PTS_OK;
}

/* both operands are Python numbers ("wrapped numbers"): bool, int64, the default float dtype,
 * the default complex dtype, promoted */
PTS_KERNEL(k_result_type_scalars)
{
    int x = pts_scalar_default_dtype(a->scalar1), y = pts_scalar_default_dtype(a->scalar2);
    if (x < 0 || y < 0)
        return pts_err_set(PTS_ERR_TYPE, "result_type: expected numbers");
    rets[0] = pts_int(pts_promote_types(x, y));
    return PTS_OK;
}

/* torch's autocast defaults: bfloat16 on the CPU, float16 on CUDA and the others */
PTS_KERNEL(k_get_autocast_dtype)
{
    rets[0] = pts_int(strcmp(a->device_type, "cpu") == 0 ? PTS_BFLOAT16 : PTS_FLOAT16);
    return PTS_OK;
}

/* id(x): the object's address (an identity, not reproducible across engines), 0 for None */
PTS_KERNEL(k_id)
{
    pts_value v = a->x;
    rets[0] = pts_int(v.tag == PTS_T_NONE ? 0 : (int64_t)(intptr_t)v.u.o);
    return PTS_OK;
}

PTS_KERNEL(k_rangelist)
{
    int64_t n = a->n;
    if (n < 0) /* torch reserves n elements first: std::length_error */
        return pts_err_set(PTS_ERR_VALUE, "vector::reserve");
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), n);
    if (!l)
        return pts_err_nomem("a range list", (size_t)n * sizeof(pts_value));
    for (int64_t i = 0; i < n; i++) {
        pts_status st = pts_list_append(l, pts_int(i));
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    rets[0] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

const pts_op_def pts_ops_types[] = {
    PTS_OP("aten::promote_types(ScalarType type1, ScalarType type2) -> ScalarType", k_promote_types),
    PTS_OP("aten::can_cast(ScalarType from_, ScalarType to) -> bool", k_can_cast),
    PTS_OP("aten::result_type.Scalar_Scalar(Scalar scalar1, Scalar scalar2) -> ScalarType", k_result_type_scalars),
    PTS_OP("aten::get_autocast_dtype(str device_type) -> ScalarType", k_get_autocast_dtype),
    PTS_OP("prim::id(AnyClassType? x) -> int", k_id),
    PTS_OP("prim::rangelist(int n) -> int[]", k_rangelist),
    {NULL, NULL},
};
