/* promote.h - torch's type promotion: promote_types, result_type with
 * categories (Python scalars and 0-dim tensors only raise the category),
 * can_cast, and the default float dtype (float32).
 *
 * Rules (torch's ResultTypeState): operands fall in three tiers - tensors
 * with dim > 0, 0-dim tensors, and Python scalars ("wrapped numbers": bool ->
 * bool, int -> int64, float -> the default dtype float32, complex -> complex64).
 * The result is the promotion within the highest tier, raised only to a
 * higher category (bool < int < float < complex) by the lower tiers:
 *     int32 tensor + 2.5      -> float32      int32 tensor + int64 0-dim -> int32
 *     float16 tensor + 2.5    -> float16      uint8 tensor + bool        -> uint8
 *     bool tensor + 1         -> int64        float32 [3] + float64 0-dim -> float32
 */
#ifndef PTS_TENSOR_PROMOTE_H
#define PTS_TENSOR_PROMOTE_H

#include <stdbool.h>

#include "core/error.h"
#include "value/value.h"

typedef enum pts_dtype_cat {
    PTS_CAT_BOOL = 0,
    PTS_CAT_INT = 1,
    PTS_CAT_FLOAT = 2,
    PTS_CAT_COMPLEX = 3,
} pts_dtype_cat;

/* Category of a dtype code. */
pts_dtype_cat pts_dtype_category(int dtype);
/* torch.promote_types(a, b); -1 (no error recorded) if torch has no promotion. */
int pts_promote_types(int a, int b);
/* torch.can_cast(from, to): false when `to` is a lower category. */
bool pts_can_cast(int from, int to);
/* The default float dtype (float32) and complex dtype (complex64). */
int pts_default_float_dtype(void);
int pts_default_complex_dtype(void);
/* dtype a Python scalar becomes as a tensor (torch.tensor(v)): bool, int64,
 * float32 (default dtype), complex64; -1 if v is not a number. */
int pts_scalar_default_dtype(pts_value v);
/* Result dtype for n operands: Tensor values (by their dim) and Python
 * numbers (bool/int/float/complex); other values are ignored.
 * Error (PTS_ERR_TYPE naming opname) if no operand has a dtype or promotion fails. */
PTS_NODISCARD pts_status pts_result_type(int n, const pts_value *vals, int *out, const char *opname);
/* Result dtype of float-only math (sqrt, exp, true division...) on dtype:
 * bool / int -> default float (float32), float/complex unchanged. */
int pts_float_op_dtype(int dtype);

#endif
