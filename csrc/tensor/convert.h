/* convert.h - dtype conversion: float16 / bfloat16 <-> float, loading and
 * storing any real dtype as double / int64 with torch's casting rules, and
 * tensor copies between dtypes and strides (copy_ semantics).
 *
 * Casting rules (as c10's static_cast on x86): float -> int truncates toward
 * zero; NaN / out of range give INT64_MIN for int64 and uint8 (which wraps
 * from int64) and INT32_MIN for int8/16/32 (which wrap from int32),
 * int -> narrower int wraps, anything -> bool is (v != 0), float -> half /
 * bfloat16 rounds to nearest even.
 */
#ifndef PTS_TENSOR_CONVERT_H
#define PTS_TENSOR_CONVERT_H

#include <stdint.h>

#include "core/error.h"
#include "tensor/tensor.h"
#include "value/value.h"

float pts_half_to_float(uint16_t h);
uint16_t pts_float_to_half(float f);
float pts_bf16_to_float(uint16_t b);
uint16_t pts_float_to_bf16(float f);

/* Load element p of `dtype` (real dtypes and bool). */
double pts_load_f64(const void *p, int dtype);
int64_t pts_load_i64(const void *p, int dtype);
/* Store v into element p of `dtype`, converting. */
void pts_store_f64(void *p, int dtype, double v);
void pts_store_i64(void *p, int dtype, int64_t v);
/* *p = *p + *q (mul: *p * *q), both elements of `dtype` (any dtype, complex included): integers
 * wrap, bool is (a || b) / (a && b), floats are computed in double and rounded once, complex
 * componentwise (product: torch's textbook formula) -- the accumulation of scatter_add, index_put
 * and put with accumulate=True. */
void pts_elem_accumulate(void *p, const void *q, int dtype, bool mul);
/* Store a Python number (bool/int/float/complex real part) into p of `dtype`
 * exactly as torch.full would (ints stay exact for int64). */
void pts_store_scalar(void *p, int dtype, pts_value v);
/* Error (naming opname) if number v cannot be stored into `dtype` without
 * overflow, as torch's checked Scalar conversion (fill_, full, masked_fill,
 * scatter's value, clamp's bounds): NaN or out-of-range floats into ints,
 * finite floats beyond a float type's range; negative ints wrap into uint8. */
PTS_NODISCARD pts_status pts_scalar_check_fits(pts_value v, int dtype, const char *opname);
/* Number value -> double / int64 (bool, int, float, complex real part). */
double pts_scalar_f64(pts_value v);
int64_t pts_scalar_i64(pts_value v);

/* Copy src into dst (src broadcast to dst's shape), converting dtype; dst may
 * be any strided view (copy_ semantics: writes through into its storage).
 * `opname` names the op in errors. */
PTS_NODISCARD pts_status pts_tensor_copy_into(pts_tensor *dst, const pts_tensor *src, const char *opname);
/* New contiguous tensor of `dtype` with t's values (always a copy). */
pts_tensor *pts_tensor_to_dtype(const pts_tensor *t, int dtype);
/* t itself (new reference) if it is contiguous and of `dtype` (-1 = keep),
 * else a contiguous converted copy. */
pts_tensor *pts_tensor_as_contiguous(pts_tensor *t, int dtype);
/* New 0-dim tensor of `dtype` holding number v. */
pts_tensor *pts_tensor_from_scalar(pts_value v, int dtype);
/* Fill every element of t (any strides) with number v (error if v overflows
 * t's dtype, see pts_scalar_check_fits). */
PTS_NODISCARD pts_status pts_tensor_fill(pts_tensor *t, pts_value v);
/* Read element 0 of a tensor with one element as a number value (int for
 * int/bool dtypes... bool for bool, float for floats).  Error if numel != 1. */
PTS_NODISCARD pts_status pts_tensor_item(const pts_tensor *t, pts_value *out);
/* Make t's storage writable before an in-place op: a read-only (mapped
 * archive) storage gets a private copy of its bytes; every view of that
 * storage sees the copy. */
PTS_NODISCARD pts_status pts_tensor_make_writable(pts_tensor *t);

#endif
