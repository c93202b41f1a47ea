/* args.h - reading kernel arguments (borrowed pts_values) and returning
 * results.  Kernels get exactly the schema's arguments, defaults filled, so
 * these only convert; the registry has already checked the types.
 * The arguments part of ops/kernel.h: kernels include kernel.h. */
#ifndef PTS_OPS_ARGS_H
#define PTS_OPS_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "ops/registry.h"
#include "tensor/tensor.h"
#include "value/value.h"

#define PTS_ARG_TENSOR(v) ((pts_tensor *)(v).u.o)
#define PTS_ARG_IS_NONE(v) ((v).tag == PTS_T_NONE)

/* Tensor?: the tensor, or NULL for None */
static inline pts_tensor *pts_arg_opt_tensor(pts_value v) { return v.tag == PTS_T_NONE ? NULL : PTS_ARG_TENSOR(v); }

/* int / SymInt / bool-as-int */
static inline int64_t pts_arg_int(pts_value v) { return v.tag == PTS_T_BOOL ? (int64_t)v.u.b : v.tag == PTS_T_FLOAT ? (int64_t)v.u.f : v.u.i; }
/* float, or int/bool converted */
static inline double pts_arg_double(pts_value v)
{
    return v.tag == PTS_T_FLOAT ? v.u.f : v.tag == PTS_T_BOOL ? (double)v.u.b : v.tag == PTS_T_INT ? (double)v.u.i : v.tag == PTS_T_COMPLEX ? v.u.c[0] : 0.0;
}
static inline bool pts_arg_bool(pts_value v) { return v.tag == PTS_T_BOOL ? v.u.b : v.u.i != 0; }
static inline bool pts_arg_scalar_is_float(pts_value v) { return v.tag == PTS_T_FLOAT; }

/* int[] / int[N] (a single int is broadcast to n_expected when n_expected > 0).
 * Writes at most `cap` values into out, the count into *n.  Error if longer. */
PTS_NODISCARD static inline pts_status pts_arg_int_list(pts_value v, int64_t *out, int cap, int *n, int n_expected, const char *argname)
{
    *n = 0;
    if (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL) {
        int k = n_expected > 0 ? n_expected : 1;
        if (k > cap)
            return pts_err_set(PTS_ERR_VALUE, "argument '%s' has too many elements", argname);
        for (int i = 0; i < k; i++)
            out[i] = pts_arg_int(v);
        *n = k;
        return PTS_OK;
    }
    if (v.tag != PTS_T_LIST && v.tag != PTS_T_TUPLE)
        return pts_err_set(PTS_ERR_TYPE, "argument '%s' must be a list of ints, not %s", argname, pts_tag_name((pts_tag)v.tag));
    int64_t len = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
    pts_value *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
    if (len > cap)
        return pts_err_set(PTS_ERR_VALUE, "argument '%s' has %lld elements (at most %d supported)", argname, (long long)len, cap);
    for (int64_t i = 0; i < len; i++) {
        if (items[i].tag != PTS_T_INT && items[i].tag != PTS_T_BOOL)
            return pts_err_set(PTS_ERR_TYPE, "argument '%s' element %lld must be an int, not %s", argname, (long long)i, pts_tag_name((pts_tag)items[i].tag));
        out[i] = pts_arg_int(items[i]);
    }
    *n = (int)len;
    if (n_expected > 0 && len == 1 && n_expected > 1) { /* int[2] given [k] */
        for (int i = 1; i < n_expected; i++)
            out[i] = out[0];
        *n = n_expected;
    }
    return PTS_OK;
}

/* Return a tensor result (steals t). */
static inline pts_value pts_ret_tensor(pts_tensor *t) { return pts_obj_value(&t->hdr); }

/* ---- shared helpers of the tensor op families (elementwise, reduce, shape, index, create) ---- */

/* Wrap a possibly negative dim into [0, ndim) (a 0-dim tensor accepts -1 and 0):
 * the one dim-wrapping rule of the kernels.  Error as torch, prefixed with
 * opname unless it is NULL: "aten::sum: Dimension out of range (expected to be
 * in range of [-2, 1], but got 2)". */
PTS_NODISCARD static inline pts_status pts_wrap_dim(int64_t dim, int ndim, const char *opname, int *out)
{
    int64_t n = ndim > 0 ? ndim : 1;
    if (dim < -n || dim >= n)
        return pts_err_set(PTS_ERR_INDEX, "%s%sDimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
                           opname ? opname : "", opname ? ": " : "", (long long)-n, (long long)(n - 1), (long long)dim);
    *out = (int)(dim < 0 ? dim + n : dim);
    return PTS_OK;
}

/* ScalarType? argument: the dtype code, or -1 for None. */
static inline int pts_arg_opt_dtype(pts_value v) { return v.tag == PTS_T_NONE ? -1 : (int)pts_arg_int(v); }

/* Device? argument: None or cpu, else "pyts runs on CPU only". */
PTS_NODISCARD static inline pts_status pts_arg_check_device(pts_value v, const char *opname)
{
    if (v.tag == PTS_T_NONE || (v.tag == PTS_T_DEVICE && v.u.dev.type == 0))
        return PTS_OK;
    if (v.tag == PTS_T_STR && strncmp(PTS_STR(v)->data, "cpu", 3) == 0)
        return PTS_OK;
    return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: pyts runs on CPU only", opname);
}

/* In-place ops that torch runs through TensorIterator refuse an output whose
 * elements alias each other (a size > 1 dim with stride 0, e.g. from expand). */
PTS_NODISCARD static inline pts_status pts_check_no_internal_overlap(const pts_tensor *t, const char *opname)
{
    for (int i = 0; i < t->ndim; i++)
        if (t->sizes[i] == 0) /* no element: nothing overlaps (an empty NumPy array has strides 0) */
            return PTS_OK;
    for (int i = 0; i < t->ndim; i++)
        if (t->strides[i] == 0 && t->sizes[i] > 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: unsupported operation: more than one element of the written-to tensor "
                                              "refers to a single memory location. Please clone() the tensor before "
                                              "performing the operation.", opname);
    return PTS_OK;
}

/* Return a new reference to a tensor argument (for ops returning self). */
static inline pts_value pts_ret_self(pts_value v) { return pts_value_retain(v); }
/* A tensor field of a PTS_KERNEL's arguments as a borrowed value (for helpers
 * that take Tensor-or-Scalar values). */
static inline pts_value pts_tensor_val(pts_tensor *t) { return pts_obj_value(&t->hdr); }
/* A new reference to a tensor field of a PTS_KERNEL's arguments (ops returning self). */
static inline pts_value pts_ret_tensor_ref(pts_tensor *t)
{
    pts_obj_retain(&t->hdr);
    return pts_obj_value(&t->hdr);
}

/* ---- kernels with named arguments ----
 *
 *     PTS_KERNEL(k_hardtanh)
 *     {
 *         double lo = pts_arg_double(a->min_val);
 *         ... a->self ...
 *         rets[0] = ...;
 *         return PTS_OK;
 *     }
 *
 * defines the pts_kernel_fn k_hardtanh that the family table registers with
 * PTS_OP("aten::hardtanh(Tensor self, Scalar min_val=-1, ...) -> Tensor", k_hardtanh),
 * and the body as a function of (op, a, rets), where `a` points to a
 * `struct k_hardtanh_args` generated from that schema string by
 * tools/gen_op_args.py into ops/op_args.gen.h (included by ops/kernel.h; the
 * field types are listed in tools/gen_op_args.py).  The fields are borrowed for
 * the call, as the positional values are; rets gets new references.  op, a and
 * rets may go unused. */
#define PTS_KERNEL_UNUSED __attribute__((unused))
#define PTS_KERNEL(name)                                                                                       \
    static pts_status name##_body(const pts_op *op, const struct name##_args *a, pts_value *rets);             \
    static pts_status name(const pts_op *op, pts_value *args, pts_value *rets)                                 \
    {                                                                                                          \
        struct name##_args unpacked;                                                                           \
        name##_unpack(args, &unpacked);                                                                        \
        return name##_body(op, &unpacked, rets);                                                               \
    }                                                                                                          \
    static pts_status name##_body(const pts_op *op PTS_KERNEL_UNUSED, const struct name##_args *a PTS_KERNEL_UNUSED, \
                                  pts_value *rets PTS_KERNEL_UNUSED)

#endif
