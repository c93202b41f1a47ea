/* promote.c - torch's type promotion (see promote.h).
 *
 * The promote_types table is torch.promote_types over the codes 0..15 (taken
 * from torch itself); the tiers and categories follow ResultTypeState in
 * ATen/native/TypeProperties.cpp.
 */
#include "tensor/promote.h"

#include "tensor/tensor.h"

#define NP 16

/* promote[a][b] for codes 0..15 (12..14 quantized: none). */
static const signed char promote[NP][NP] = {
    { 0,  2,  2,  3,  4,  5,  6,  7,  8,  9, 10,  0, -1, -1, -1, 15},
    { 2,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10,  1, -1, -1, -1, 15},
    { 2,  2,  2,  3,  4,  5,  6,  7,  8,  9, 10,  2, -1, -1, -1, 15},
    { 3,  3,  3,  3,  4,  5,  6,  7,  8,  9, 10,  3, -1, -1, -1, 15},
    { 4,  4,  4,  4,  4,  5,  6,  7,  8,  9, 10,  4, -1, -1, -1, 15},
    { 5,  5,  5,  5,  5,  5,  6,  7,  8,  9, 10,  5, -1, -1, -1,  6},
    { 6,  6,  6,  6,  6,  6,  6,  7,  9,  9, 10,  6, -1, -1, -1,  6},
    { 7,  7,  7,  7,  7,  7,  7,  7, 10, 10, 10,  7, -1, -1, -1,  7},
    { 8,  8,  8,  8,  8,  8,  9, 10,  8,  9, 10,  8, -1, -1, -1,  9},
    { 9,  9,  9,  9,  9,  9,  9, 10,  9,  9, 10,  9, -1, -1, -1,  9},
    {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, -1, -1, -1, 10},
    { 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, -1, -1, -1, 15},
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {15, 15, 15, 15, 15,  6,  6,  7,  9,  9, 10, 15, -1, -1, -1, 15},
};

pts_dtype_cat pts_dtype_category(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di || dtype == PTS_BOOL)
        return PTS_CAT_BOOL;
    if (di->is_complex)
        return PTS_CAT_COMPLEX;
    if (di->is_float)
        return PTS_CAT_FLOAT;
    return PTS_CAT_INT;
}

int pts_promote_types(int a, int b)
{
    if (a == b)
        return a;
    if (a < 0 || b < 0 || a >= NP || b >= NP)
        return -1;
    return promote[a][b];
}

bool pts_can_cast(int from, int to)
{
    return pts_dtype_category(from) <= pts_dtype_category(to);
}

int pts_default_float_dtype(void) { return PTS_FLOAT32; }
int pts_default_complex_dtype(void) { return PTS_COMPLEX64; }

int pts_scalar_default_dtype(pts_value v)
{
    switch (v.tag) {
    case PTS_T_BOOL: return PTS_BOOL;
    case PTS_T_INT: return PTS_INT64;
    case PTS_T_FLOAT: return PTS_FLOAT32;
    case PTS_T_COMPLEX: return PTS_COMPLEX64;
    default: return -1;
    }
}

int pts_float_op_dtype(int dtype)
{
    pts_dtype_cat c = pts_dtype_category(dtype);
    return c == PTS_CAT_BOOL || c == PTS_CAT_INT ? PTS_FLOAT32 : dtype;
}

/* promote, treating -2 as "undefined" (no operand in that tier yet). */
static int promote_skip_undef(int a, int b)
{
    if (a == -2)
        return b;
    if (b == -2)
        return a;
    return pts_promote_types(a, b);
}

static bool is_cat(int d, pts_dtype_cat c) { return d >= 0 && pts_dtype_category(d) == c; }

/* combine_categories(higher tier, lower tier) from TypeProperties.cpp */
static int combine_categories(int higher, int lower)
{
    if (is_cat(higher, PTS_CAT_COMPLEX))
        return higher;
    if (is_cat(lower, PTS_CAT_COMPLEX)) {
        if (is_cat(higher, PTS_CAT_FLOAT)) /* preserve the value type of higher */
            return higher == PTS_FLOAT64 ? PTS_COMPLEX128 : PTS_COMPLEX64;
        return lower;
    }
    if (is_cat(higher, PTS_CAT_FLOAT))
        return higher;
    if (higher == PTS_BOOL || is_cat(lower, PTS_CAT_FLOAT))
        return promote_skip_undef(higher, lower);
    if (higher != -2)
        return higher;
    return lower;
}

pts_status pts_result_type(int n, const pts_value *vals, int *out, const char *opname)
{
    int dim_res = -2, zero_res = -2, wrapped_res = -2;
    for (int i = 0; i < n; i++) {
        pts_value v = vals[i];
        if (v.tag == PTS_T_TENSOR) {
            pts_tensor *t = PTS_TENSOR(v);
            if (t->ndim > 0)
                dim_res = promote_skip_undef(dim_res, t->dtype);
            else
                zero_res = promote_skip_undef(zero_res, t->dtype);
        } else if (pts_scalar_default_dtype(v) >= 0) {
            wrapped_res = promote_skip_undef(wrapped_res, pts_scalar_default_dtype(v));
        }
        if (dim_res == -1 || zero_res == -1)
            return pts_err_set(PTS_ERR_TYPE, "%s: promotion of these dtypes is not supported", opname);
    }
    int r = combine_categories(dim_res, combine_categories(zero_res, wrapped_res));
    if (r < 0)
        return pts_err_set(PTS_ERR_TYPE, "%s: cannot determine the result dtype of these operands", opname);
    *out = r;
    return PTS_OK;
}
