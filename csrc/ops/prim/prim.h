/* prim.h - helpers shared by the non-tensor operator families (csrc/ops/prim/)
 * and the interpreter: printing values the way TorchScript's str()/print()
 * do, Python-style equality and ordering, and list/str index normalization.
 *
 * Pipeline position: ops/ (kernels of aten::str, format, eq, sort...) and
 * interp/ (print, isinstance, the for-loop and comparisons) use these.
 */
#ifndef PTS_OPS_PRIM_H
#define PTS_OPS_PRIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sb.h"
#include "value/type.h"
#include "value/value.h"

/* Append `v` as TorchScript's str() prints it: floats "1.", "0.10000000000000001",
 * strings bare at top level and inside containers, lists "[1, 2]", dicts
 * "{a: 1}", tuples "(1,)", None, True/False, devices "cpu". */
void pts_prim_format_value(pts_sb *sb, pts_value v);
/* Append a float as torch prints it ("1.", "-0.", "inf", "1e+20"). */
void pts_prim_format_float(pts_sb *sb, double d);
/* The text of sb as a new str in *out; frees sb (its OOM flag -> PTS_ERR_NOMEM). */
PTS_NODISCARD pts_status pts_prim_ret_sb(pts_sb *sb, pts_value *out);

/* Python ==: numbers by value (int/float/bool), strings by bytes, lists,
 * tuples and dicts element-wise, tensors by identity, objects by identity,
 * enums by class + value. */
bool pts_prim_equal(pts_value a, pts_value b);
/* Python ordering for sort()/min()/max() of ints, floats, bools, strs,
 * and tuples/lists of them.  Sets *lt = a < b.  PTS_ERR_TYPE if the values
 * cannot be ordered. */
PTS_NODISCARD pts_status pts_prim_less(pts_value a, pts_value b, bool *lt);

/* Normalize a Python index (negative from the end) into [0, len);
 * PTS_ERR_INDEX "<what> index out of range" if it is outside. */
PTS_NODISCARD pts_status pts_prim_norm_index(int64_t idx, int64_t len, const char *what, int64_t *out);
/* Python slice bounds: start/end may be None (borrowed values), step != 0.
 * Computes the first index, the step and the count of selected elements. */
PTS_NODISCARD pts_status pts_prim_slice_indices(pts_value start, pts_value end, int64_t step, int64_t len, int64_t *first,
                                                int64_t *count);

/* Grow l's capacity to at least n elements (its length is unchanged). (list.c) */
PTS_NODISCARD pts_status pts_prim_list_reserve(pts_list *l, int64_t n);
/* A new list with the given element type (borrowed, may be NULL) - NULL on OOM (error set). */
pts_list *pts_prim_list_new(pts_type *elem, int64_t cap);
/* The static element type a value of this runtime tag has (borrowed singleton), or NULL. */
pts_type *pts_prim_type_of_tag(pts_tag tag);

/* Interpreter hooks used by a few prim kernels (grad mode, warnings). */
bool pts_prim_grad_enabled(void);
/* Set the calling thread's grad mode (what torch.is_grad_enabled() returns to scripts):
 * the Python layer mirrors torch.no_grad() around a parity run. */
void pts_prim_set_grad_enabled(bool on);

#endif
