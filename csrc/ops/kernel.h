/* kernel.h - what a kernel author needs, in one include.
 *
 * A family file (csrc/ops/<domain>/<name>.c, listed in ops/families.h)
 * includes "ops/kernel.h"; besides it only what it truly needs: "ops/nn/gemm.h"
 * (BLAS, im2col, the nn compute dtypes), "ops/prim/prim.h" (how TorchScript
 * prints and compares values), "tensor/parallel.h" (the thread pool).
 *
 *   arguments   PTS_KERNEL(k_name): the kernel reads its schema's arguments by
 *               name (a->self, a->dim), from the struct tools/gen_op_args.py
 *               generates into ops/op_args.gen.h (included here); pts_arg_*
 *               readers of borrowed argument values, pts_wrap_dim (the one
 *               dim-wrapping rule): ops/args.h, included here
 *   results     pts_ret_tensor / pts_ret_self / pts_ret / pts_ret_as
 *   dtypes      torch's dtype names (pts_dtype_torch_name, from the dtype
 *               table of tensor/tensor.c), pts_not_implemented, pts_check_real
 *   dims        pts_dims_mask (int / int[] / None -> a mask of dims)
 *   views       pts_ret_view, pts_ops_expand_view, pts_tensor_list_new, the
 *               rows layout (pts_rows), pts_unpermute
 *   compute     pts_compute64 (float64 or int64 for a result dtype),
 *               pts_f64 / pts_i64 (the data of such tensors)
 *
 * Kernel contract (ops/registry.c): args are borrowed, exactly the schema's
 * (defaults filled); rets get new references.  On failure return the status
 * with its message set (pts_err_set); the registry then releases whatever
 * is left in rets (they start as None), so set rets only on success, or
 * release and reset them yourself.
 *
 * Many kernels are not hot: they compute in double over a contiguous copy
 * and convert once at the end (float32 results rounded once, well inside
 * torch's float32 tolerance).  The "rows" layout is reduce/reduce.c's: the
 * kept dims first, the reduced (or scanned) dims last, contiguous, so a
 * kernel sees `rows` independent runs of `inner` elements.
 */
#ifndef PTS_OPS_KERNEL_H
#define PTS_OPS_KERNEL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ops/args.h"
#include "ops/op_args.gen.h"
#include "ops/registry.h"
#include "tensor/convert.h"
#include "tensor/iter.h"
#include "tensor/promote.h"
#include "tensor/tensor.h"
#include "value/value.h"

/* The running op's name ("aten::sum"), for messages: kernels have `op`. */
#define OPN (op->schema.name)

/* ---- results ------------------------------------------------------------------------------ */

/* Store a new tensor result (steals t; NULL -> the recorded error). */
PTS_NODISCARD static inline pts_status pts_ret(pts_tensor *t, pts_value *ret)
{
    if (!t)
        return pts_err_last();
    *ret = pts_ret_tensor(t);
    return PTS_OK;
}

/* Convert t (stolen) to dtype and return it in *ret. */
PTS_NODISCARD static inline pts_status pts_ret_as(pts_tensor *t, int dtype, pts_value *ret)
{
    if (!t)
        return pts_err_last();
    if (t->dtype == dtype)
        return pts_ret(t, ret);
    pts_tensor *r = pts_tensor_to_dtype(t, dtype);
    pts_obj_release(&t->hdr);
    return pts_ret(r, ret);
}

/* ---- dtypes ------------------------------------------------------------------------------- */

/* "aten::abs: not implemented for 'Bool'" (torch's ScalarType name). */
static inline pts_status pts_not_implemented(const char *opname, int dtype)
{
    return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", opname, pts_dtype_torch_name(dtype));
}

static inline bool pts_is_float(int dtype) { return pts_dtype_category(dtype) == PTS_CAT_FLOAT; }

/* Is the dtype one pyts computes with (real numbers and bool)? */
PTS_NODISCARD static inline pts_status pts_check_real(const char *opname, int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di || di->itemsize == 0 || di->is_complex || (!di->is_float && !di->is_int && dtype != PTS_BOOL))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dtype %s is not supported", opname, pts_dtype_name(dtype));
    return PTS_OK;
}

/* The compute dtype of the kernels that work in double or int64 for result
 * dtype rd: float64 for a floating rd, int64 (exact) for the others. */
static inline int pts_compute64(int rd) { return pts_is_float(rd) ? PTS_FLOAT64 : PTS_INT64; }

/* The data of a contiguous float64 / int64 tensor. */
static inline double *pts_f64(const pts_tensor *t) { return (double *)pts_tensor_data(t); }
static inline int64_t *pts_i64(const pts_tensor *t) { return (int64_t *)pts_tensor_data(t); }

/* ---- dims --------------------------------------------------------------------------------- */

/* mask of reduced dims from an int / int[] / None argument; None (and [] when
 * empty_all) = every dim.  Repeated dims are an error as in torch. */
PTS_NODISCARD static inline pts_status pts_dims_mask(const char *opname, pts_value dimv, int ndim, bool empty_all, bool *mask)
{
    int64_t dims[PTS_MAX_DIMS];
    int n = 0;
    if (dimv.tag != PTS_T_NONE)
        PTS_TRY(pts_arg_int_list(dimv, dims, PTS_MAX_DIMS, &n, 0, "dim"));
    bool all = dimv.tag == PTS_T_NONE || (n == 0 && empty_all);
    for (int i = 0; i < ndim; i++)
        mask[i] = all;
    for (int i = 0; i < n; i++) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(dims[i], ndim, opname, &d));
        if (ndim > 0) {
            if (mask[d])
                return pts_err_set(PTS_ERR_VALUE, "%s: dim %d appears multiple times in the list of dims", opname, d);
            mask[d] = true;
        }
    }
    return PTS_OK;
}

/* "[2, 3]" into buf (truncated to cap), for shape messages. */
static inline void pts_shape_str(int ndim, const int64_t *sizes, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %lld" : "%lld", (long long)sizes[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "]");
}

/* ---- views and layouts -------------------------------------------------------------------- */

/* A view of t expanded to the n sizes in `want` with torch's expand rules
 * (-1 keeps a size, size-1 dims broadcast with stride 0).  *ret: new ref;
 * errors name `opname`.  (shape/shape.c) */
PTS_NODISCARD pts_status pts_ops_expand_view(const char *opname, const pts_tensor *t, int n, const int64_t *want,
                                             pts_value *ret);

/* A new view of t's storage with the given geometry as *ret (new ref). */
PTS_NODISCARD static inline pts_status pts_ret_view(const pts_tensor *t, int ndim, const int64_t *sizes,
                                                    const int64_t *strides, int64_t offset, pts_value *ret)
{
    return pts_ret(pts_tensor_view_of(t->storage, t->dtype, ndim, sizes, strides, offset), ret);
}

/* An empty Tensor[] list with room for cap tensors; NULL with error set. */
static inline pts_list *pts_tensor_list_new(int64_t cap) { return pts_list_new(pts_type_base(PTS_TY_TENSOR), cap); }

/* The rows layout of t: kept dims first, masked dims last.  *flat: new
 * contiguous tensor of `dtype` (rows x inner elements); out_sizes: the
 * result shape (keepdim: 1 for each masked dim). */
typedef struct pts_rows {
    pts_tensor *flat;
    int64_t rows, inner;
    int out_nd;
    int64_t out_sizes[PTS_MAX_DIMS];
} pts_rows;

PTS_NODISCARD static inline pts_status pts_rows_make(pts_tensor *t, const bool *mask, bool keepdim, int dtype, pts_rows *r)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    r->rows = 1;
    r->inner = 1;
    r->out_nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (mask[i]) {
            if (keepdim)
                r->out_sizes[r->out_nd++] = 1;
            continue;
        }
        r->out_sizes[r->out_nd++] = t->sizes[i];
        sizes[n] = t->sizes[i];
        strides[n++] = t->strides[i];
        r->rows *= t->sizes[i];
    }
    for (int i = 0; i < t->ndim; i++)
        if (mask[i]) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
            r->inner *= t->sizes[i];
        }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, n, sizes, strides, t->offset);
    if (!v)
        return pts_err_last();
    r->flat = pts_tensor_to_dtype(v, dtype);
    pts_obj_release(&v->hdr);
    return r->flat ? PTS_OK : pts_err_last();
}

/* A single scanned dim d: rows layout with d last.  `out` (contiguous, of the
 * same permuted shape; stolen) is turned back into t's dim order as a view: *ret. */
PTS_NODISCARD static inline pts_status pts_unpermute(pts_tensor *out, int ndim, int d, pts_value *ret)
{
    /* out has dims: all of t's except d (in order), then d */
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < ndim; i++) {
        if (i == d)
            continue;
        sizes[i] = out->sizes[k];
        strides[i] = out->strides[k];
        k++;
    }
    if (ndim > 0) {
        sizes[d] = out->sizes[ndim - 1];
        strides[d] = out->strides[ndim - 1];
    }
    pts_tensor *v = pts_tensor_view_of(out->storage, out->dtype, ndim, sizes, strides, out->offset);
    pts_obj_release(&out->hdr);
    return pts_ret(v, ret);
}

/* Shape of t with dim d moved last (sizes only). */
static inline void pts_dim_last_sizes(const pts_tensor *t, int d, int64_t *sizes)
{
    int k = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d)
            sizes[k++] = t->sizes[i];
    if (t->ndim > 0)
        sizes[k] = t->sizes[d];
}

#endif
