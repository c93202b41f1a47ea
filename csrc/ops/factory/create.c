/* create.c - tensor factories (zeros, ones, full, empty, *_like, new_*, arange,
 * linspace, logspace, eye, tensor/as_tensor from Python values, scalar_tensor)
 * and dtype conversions (to.*, type_as, detach).
 *
 * Factory dtype rules follow torch: dtype=None gives float32 (the default
 * dtype) except full (dtype of the fill value), *_like / new_* (self's
 * dtype), arange (int64 unless an argument is a float) and tensor(data)
 * (inferred from the data).  Only the CPU device and strided layout exist.
 */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"


/* ---- argument helpers ------------------------------------------------------------------ */

/* Check a factory's device and layout options (pts_none() when the schema
 * has none); *dtype = dtype_arg (the dtype= argument, -1 for None) or `dflt`. */
static pts_status factory_check(const pts_op *op, int dtype_arg, pts_value layout, pts_value device, int dflt, int *dtype)
{
    PTS_TRY(pts_arg_check_device(device, OPN));
    if (layout.tag != PTS_T_NONE && pts_arg_int(layout) != 0)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: pyts supports the strided layout only", OPN);
    *dtype = dtype_arg >= 0 ? dtype_arg : dflt;
    if (!pts_dtype_get(*dtype))
        return pts_err_set(PTS_ERR_VALUE, "%s: unknown dtype code %d", OPN, *dtype);
    return PTS_OK;
}

/* factory_check of a PTS_KERNEL whose schema has dtype, layout and device */
#define FACTORY_OPTS(a, dflt, out) factory_check(op, (a)->dtype, (a)->layout, (a)->device, dflt, out)

static pts_status size_arg(pts_value v, int64_t *sizes, int *nd)
{
    PTS_TRY(pts_arg_int_list(v, sizes, PTS_MAX_DIMS, nd, 0, "size"));
    for (int i = 0; i < *nd; i++)
        if (sizes[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "Trying to create tensor with negative dimension %lld: [%lld]",
                               (long long)sizes[i], (long long)sizes[i]);
    return PTS_OK;
}

/* New tensor of shape/dtype filled with v (None = uninitialized = zeros). */
static pts_status make_filled(int dtype, int nd, const int64_t *sizes, pts_value v, pts_value *ret)
{
    pts_tensor *t = v.tag == PTS_T_NONE ? pts_tensor_zeros(dtype, nd, sizes) : pts_tensor_empty(dtype, nd, sizes);
    if (!t)
        return pts_err_last();
    if (v.tag != PTS_T_NONE) {
        pts_status st = pts_tensor_fill(t, v);
        if (st) {
            pts_obj_release(&t->hdr);
            return st;
        }
    }
    *ret = pts_ret_tensor(t);
    return PTS_OK;
}

/* dtype a fill value implies (full with dtype=None). */
static int value_dtype(pts_value v) { return pts_scalar_default_dtype(v) >= 0 ? pts_scalar_default_dtype(v) : PTS_FLOAT32; }

/* ---- zeros / ones / full / empty and friends -------------------------------------------------- */

/* A tensor of `size` filled with `fill` (None: zeros), after the factory options. */
static pts_status sized_factory(const pts_op *op, pts_value size, int dtype_arg, pts_value layout, pts_value device,
                                pts_value fill, int dflt_dtype, pts_value *rets)
{
    int64_t sizes[PTS_MAX_DIMS];
    int nd = 0, dtype = 0;
    PTS_TRY(size_arg(size, sizes, &nd));
    PTS_TRY(factory_check(op, dtype_arg, layout, device, dflt_dtype, &dtype));
    return make_filled(dtype, nd, sizes, fill, rets);
}

#define SIZED_OPTS(a) (a)->size, (a)->dtype, (a)->layout, (a)->device

PTS_KERNEL(k_zeros) { return sized_factory(op, SIZED_OPTS(a), pts_none(), PTS_FLOAT32, rets); }
PTS_KERNEL(k_empty_memory_format) { return sized_factory(op, SIZED_OPTS(a), pts_none(), PTS_FLOAT32, rets); }
PTS_KERNEL(k_ones) { return sized_factory(op, SIZED_OPTS(a), pts_int(1), PTS_FLOAT32, rets); }
PTS_KERNEL(k_full) { return sized_factory(op, SIZED_OPTS(a), a->fill_value, value_dtype(a->fill_value), rets); }
PTS_KERNEL(k_new_zeros) { return sized_factory(op, SIZED_OPTS(a), pts_none(), a->self->dtype, rets); }
PTS_KERNEL(k_new_ones) { return sized_factory(op, SIZED_OPTS(a), pts_int(1), a->self->dtype, rets); }
PTS_KERNEL(k_new_full) { return sized_factory(op, SIZED_OPTS(a), a->fill_value, a->self->dtype, rets); }

/* zeros_like / empty_like / ones_like / full_like(self, [fill_value,] *, dtype, layout, device, ...) */
static pts_status like_factory(const pts_op *op, pts_tensor *t, int dtype_arg, pts_value layout, pts_value device,
                               pts_value fill, pts_value *rets)
{
    int dtype = 0;
    PTS_TRY(factory_check(op, dtype_arg, layout, device, t->dtype, &dtype));
    return make_filled(dtype, t->ndim, t->sizes, fill, rets);
}

#define LIKE_OPTS(a) (a)->self, (a)->dtype, (a)->layout, (a)->device

PTS_KERNEL(k_zeros_like) { return like_factory(op, LIKE_OPTS(a), pts_none(), rets); }
PTS_KERNEL(k_ones_like) { return like_factory(op, LIKE_OPTS(a), pts_int(1), rets); }
PTS_KERNEL(k_full_like) { return like_factory(op, LIKE_OPTS(a), a->fill_value, rets); }

PTS_KERNEL(k_scalar_tensor)
{
    int dtype = 0;
    PTS_TRY(FACTORY_OPTS(a, PTS_FLOAT32, &dtype));
    return make_filled(dtype, 0, NULL, a->s, rets);
}

/* eye(n[, m], *, dtype, layout, device, ...): dtype_arg -1 for None */
static pts_status eye_run(const pts_op *op, int64_t n, int64_t m, int dtype_arg, pts_value layout, pts_value device,
                          pts_value *rets)
{
    if (n < 0 || m < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: n must be greater or equal to 0, got %lld", OPN, (long long)(n < 0 ? n : m));
    int dtype = 0;
    PTS_TRY(factory_check(op, dtype_arg, layout, device, PTS_FLOAT32, &dtype));
    int64_t sizes[2] = {n, m};
    pts_tensor *t = pts_tensor_zeros(dtype, 2, sizes);
    if (!t)
        return pts_err_last();
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < n && i < m; i++)
        pts_store_i64((char *)pts_tensor_data(t) + (i * m + i) * isz, dtype, 1);
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

PTS_KERNEL(k_eye) { return eye_run(op, a->n, a->n, a->dtype, a->layout, a->device, rets); }
PTS_KERNEL(k_eye_m) { return eye_run(op, a->n, a->m, a->dtype, a->layout, a->device, rets); }

/* ---- ranges ------------------------------------------------------------------------------------ */

static bool any_float(pts_value *vs, int n)
{
    for (int i = 0; i < n; i++)
        if (vs[i].tag == PTS_T_FLOAT)
            return true;
    return false;
}

static pts_status arange_common(const pts_op *op, pts_value start, pts_value end, pts_value step, int dtype_arg,
                                pts_value layout, pts_value device, pts_value *rets)
{
    pts_value vs[3] = {start, end, step};
    int dtype = 0;
    PTS_TRY(factory_check(op, dtype_arg, layout, device, any_float(vs, 3) ? PTS_FLOAT32 : PTS_INT64, &dtype));
    if (dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for 'Bool'", OPN);
    double s = pts_scalar_f64(start), e = pts_scalar_f64(end), st = pts_scalar_f64(step);
    if (st == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: step must be nonzero", OPN);
    if (!isfinite(s) || !isfinite(e))
        return pts_err_set(PTS_ERR_VALUE, "%s: unsupported range: %g -> %g", OPN, s, e);
    if ((st > 0 && e < s) || (st < 0 && e > s))
        return pts_err_set(PTS_ERR_VALUE, "%s: upper bound and larger bound inconsistent with step sign", OPN);
    double nd = ceil((e - s) / st);
    if (pts_dtype_category(dtype) <= PTS_CAT_INT && !any_float(vs, 3)) /* exact integer count */
        nd = (double)((pts_scalar_i64(end) - pts_scalar_i64(start) + pts_scalar_i64(step) - (st > 0 ? 1 : -1)) /
                      pts_scalar_i64(step));
    if (nd < 0 || nd > 9.0e18)
        return pts_err_set(PTS_ERR_VALUE, "%s: invalid number of elements %g", OPN, nd);
    int64_t n = (int64_t)nd;
    pts_tensor *t = pts_tensor_empty(dtype, 1, &n);
    if (!t)
        return pts_err_last();
    int isz = pts_dtype_get(dtype)->itemsize;
    char *p = pts_tensor_data(t);
    /* an integer dtype counts in integers: torch converts start and step to it first (toward zero),
     * after sizing the range from the numbers as given */
    bool ints = pts_dtype_category(dtype) <= PTS_CAT_INT;
    int64_t is = ints && any_float(vs, 3) ? (int64_t)trunc(s) : pts_scalar_i64(start);
    int64_t ist = ints && any_float(vs, 3) ? (int64_t)trunc(st) : pts_scalar_i64(step);
    if (ints && any_float(vs, 3) && (fabs(s) >= 9.2e18 || fabs(st) >= 9.2e18))
        return pts_err_set(PTS_ERR_VALUE, "%s: start or step out of the range of int64", OPN);
    for (int64_t i = 0; i < n; i++) {
        if (ints)
            pts_store_i64(p + i * isz, dtype, is + i * ist);
        else
            pts_store_f64(p + i * isz, dtype, s + st * (double)i);
    }
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

#define ARANGE_OPTS(a) (a)->dtype, (a)->layout, (a)->device

PTS_KERNEL(k_arange) { return arange_common(op, pts_int(0), a->end, pts_int(1), ARANGE_OPTS(a), rets); }
PTS_KERNEL(k_arange_start) { return arange_common(op, a->start, a->end, pts_int(1), ARANGE_OPTS(a), rets); }
PTS_KERNEL(k_arange_start_step) { return arange_common(op, a->start, a->end, a->step, ARANGE_OPTS(a), rets); }

/* A Scalar or 0-dim Tensor argument as a number. */
static pts_status number_arg(const pts_op *op, pts_value v, pts_value *out)
{
    if (v.tag != PTS_T_TENSOR) {
        *out = v;
        return PTS_OK;
    }
    if (PTS_TENSOR(v)->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: linspace only supports 0-dimensional start and end tensors, but got tensor "
                                          "with %d dimension(s).", OPN, PTS_TENSOR(v)->ndim);
    return pts_tensor_item(PTS_TENSOR(v), out);
}

/* linspace / logspace (base > 0) */
static pts_status space_common(const pts_op *op, pts_value start, pts_value end, int64_t steps, int dtype_arg,
                               pts_value layout, pts_value device, double base, pts_value *rets)
{
    pts_value s, e;
    PTS_TRY(number_arg(op, start, &s));
    PTS_TRY(number_arg(op, end, &e));
    if (steps < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: number of steps must be non-negative", OPN);
    int dtype = 0;
    PTS_TRY(factory_check(op, dtype_arg, layout, device, PTS_FLOAT32, &dtype));
    if (dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for 'Bool'", OPN);
    pts_tensor *t = pts_tensor_empty(dtype, 1, &steps);
    if (!t)
        return pts_err_last();
    double a = pts_scalar_f64(s), b = pts_scalar_f64(e);
    if (pts_dtype_category(dtype) <= PTS_CAT_INT) {
        /* torch converts start and end to an integer dtype first (toward zero), then steps in double */
        if (!(fabs(a) < 9.2e18 && fabs(b) < 9.2e18)) {
            pts_obj_release(&t->hdr);
            return pts_err_set(PTS_ERR_VALUE, "%s: start or end out of the range of int64", OPN);
        }
        a = trunc(a);
        b = trunc(b);
    }
    double step = steps > 1 ? (b - a) / (double)(steps - 1) : 0;
    int64_t half = steps / 2;
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < steps; i++) {
        /* like torch: the first half counts up from start, the second down from end; one step is start */
        double v = (i < half || steps == 1) ? a + step * (double)i : b - step * (double)(steps - i - 1);
        if (base > 0)
            v = pow(base, v);
        pts_store_f64((char *)pts_tensor_data(t) + i * isz, dtype, v);
    }
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

/* start / end: a Scalar or a 0-dim Tensor, by overload */
PTS_KERNEL(k_linspace) { return space_common(op, a->start, a->end, a->steps, ARANGE_OPTS(a), 0, rets); }

PTS_KERNEL(k_logspace) { return space_common(op, a->start, a->end, a->steps, ARANGE_OPTS(a), a->base, rets); }

/* ---- tensor(data) -------------------------------------------------------------------------------- */

typedef struct data_info {
    int ndim;
    int64_t sizes[PTS_MAX_DIMS];
    int kind; /* 0 bool, 1 int, 2 float (highest seen) */
    int64_t count;
} data_info;

static pts_status scan_data(const pts_op *op, pts_value v, int depth, data_info *di)
{
    if (v.tag == PTS_T_LIST || v.tag == PTS_T_TUPLE) {
        int64_t n = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
        pts_value *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
        if (depth >= PTS_MAX_DIMS)
            return pts_err_set(PTS_ERR_LIMIT, "%s: data nested too deeply", OPN);
        if (depth == di->ndim) {
            di->sizes[di->ndim++] = n;
        } else if (di->sizes[depth] != n) {
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected sequence of length %lld at dim %d (got %lld)", OPN,
                               (long long)di->sizes[depth], depth, (long long)n);
        }
        for (int64_t i = 0; i < n; i++)
            PTS_TRY(scan_data(op, items[i], depth + 1, di));
        return PTS_OK;
    }
    if (depth != di->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: ragged nested data", OPN);
    int k = v.tag == PTS_T_BOOL ? 0 : v.tag == PTS_T_INT ? 1 : v.tag == PTS_T_FLOAT ? 2 : -1;
    if (v.tag == PTS_T_TENSOR && PTS_TENSOR(v)->ndim == 0) /* tensors inside a list are taken as their value */
        k = pts_dtype_category(PTS_TENSOR(v)->dtype) >= PTS_CAT_FLOAT ? 2 : PTS_TENSOR(v)->dtype == PTS_BOOL ? 0 : 1;
    if (k < 0)
        return pts_err_set(PTS_ERR_TYPE, "%s: Input must be of ints, floats, or bools, got %s", OPN,
                           pts_tag_name((pts_tag)v.tag));
    if (k > di->kind)
        di->kind = k;
    di->count++;
    return PTS_OK;
}

static pts_status fill_data(pts_value v, pts_tensor *t, int64_t *pos)
{
    if (v.tag == PTS_T_LIST || v.tag == PTS_T_TUPLE) {
        int64_t n = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
        pts_value *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
        for (int64_t i = 0; i < n; i++)
            PTS_TRY(fill_data(items[i], t, pos));
        return PTS_OK;
    }
    if (v.tag == PTS_T_TENSOR)
        PTS_TRY(pts_tensor_item(PTS_TENSOR(v), &v));
    int isz = pts_dtype_get(t->dtype)->itemsize;
    pts_store_scalar((char *)pts_tensor_data(t) + (*pos)++ * isz, t->dtype, v);
    return PTS_OK;
}

/* tensor(data, *, dtype, device) / as_tensor of Python values: dtype_arg -1 = inferred */
static pts_status tensor_of(const pts_op *op, pts_value data, int dtype_arg, pts_value device, pts_value *rets)
{
    PTS_TRY(pts_arg_check_device(device, OPN));
    data_info di;
    memset(&di, 0, sizeof di);
    PTS_TRY(scan_data(op, data, 0, &di));
    int kinds[3] = {PTS_BOOL, PTS_INT64, PTS_FLOAT32};
    int dtype = dtype_arg >= 0 ? dtype_arg : di.count == 0 ? PTS_FLOAT32 : kinds[di.kind];
    if (!pts_dtype_get(dtype))
        return pts_err_set(PTS_ERR_VALUE, "%s: unknown dtype code %d", OPN, dtype);
    pts_tensor *t = pts_tensor_empty(dtype, di.ndim, di.sizes);
    if (!t)
        return pts_err_last();
    int64_t pos = 0;
    pts_status st = fill_data(data, t, &pos);
    if (st) {
        pts_obj_release(&t->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

/* tensor.bool / .float / .int (t: a bool, float or int) and tensor(t[] data) */
PTS_KERNEL(k_tensor_scalar) { return tensor_of(op, a->t, a->dtype, a->device, rets); }
PTS_KERNEL(k_tensor) { return tensor_of(op, a->data, a->dtype, a->device, rets); }
/* as_tensor.bool / .float / .int and as_tensor.list */
PTS_KERNEL(k_as_tensor_scalar) { return tensor_of(op, a->t, a->dtype, a->device, rets); }
PTS_KERNEL(k_as_tensor_list) { return tensor_of(op, a->data, a->dtype, a->device, rets); }

/* ---- conversions --------------------------------------------------------------------------------- */

/* self converted to dtype (-1 = keep); self itself unless copy or a dtype change. */
static pts_status to_dtype(pts_tensor *t, int dtype, bool copy, pts_value *ret)
{
    if (dtype < 0)
        dtype = t->dtype;
    if (!pts_dtype_get(dtype))
        return pts_err_set(PTS_ERR_VALUE, "aten::to: unknown dtype code %d", dtype);
    if (dtype == t->dtype && !copy) {
        *ret = pts_ret_tensor_ref(t);
        return PTS_OK;
    }
    pts_tensor *r = dtype == t->dtype ? pts_tensor_contiguous_copy(t) : pts_tensor_to_dtype(t, dtype);
    if (!r)
        return pts_err_last();
    *ret = pts_ret_tensor(r);
    return PTS_OK;
}

PTS_KERNEL(k_to_dtype) { return to_dtype(a->self, a->dtype, a->copy, rets); }

PTS_KERNEL(k_to_device)
{
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    return to_dtype(a->self, a->dtype, a->copy, rets);
}

PTS_KERNEL(k_to_other) { return to_dtype(a->self, a->other->dtype, a->copy, rets); }

PTS_KERNEL(k_to_dtype_layout)
{
    int dtype = 0;
    PTS_TRY(FACTORY_OPTS(a, a->self->dtype, &dtype));
    return to_dtype(a->self, dtype, a->copy, rets);
}

/* _to_copy: torch.export's functional IR (run_decompositions) for .to(); always a new tensor */
PTS_KERNEL(k__to_copy)
{
    int dtype = 0;
    PTS_TRY(FACTORY_OPTS(a, a->self->dtype, &dtype));
    return to_dtype(a->self, dtype, true, rets);
}

/* the prim overloads: int? dtype */
PTS_KERNEL(k_to_prim_device)
{
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    return to_dtype(a->self, a->has_dtype ? (int)a->dtype : -1, a->copy, rets);
}

PTS_KERNEL(k_to_prim_dtype) { return to_dtype(a->self, a->has_dtype ? (int)a->dtype : -1, a->copy, rets); }

PTS_KERNEL(k_to_prim_other) { return to_dtype(a->self, -1, a->copy, rets); }

PTS_KERNEL(k_type_as) { return to_dtype(a->self, a->other->dtype, false, rets); }

PTS_KERNEL(k_as_tensor)
{
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    return to_dtype(a->data, a->dtype, false, rets);
}

/* detach_: nothing to drop (pyts records no autograd history); returns self, as torch does.
   torch refuses it on an autograd view ("Can't detach views in-place"); pyts keeps no view
   records and accepts it there too (a graph torch ran, e.g. an export, never does it). */
PTS_KERNEL(k_detach_)
{
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_detach)
{
    pts_tensor *t = a->self;
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, t->ndim, t->sizes, t->strides, t->offset);
    if (!v)
        return pts_err_last();
    rets[0] = pts_ret_tensor(v);
    return PTS_OK;
}

const pts_op_def pts_ops_create[] = {
    PTS_OP("aten::zeros(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_zeros),
    PTS_OP("aten::ones(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_ones),
    PTS_OP("aten::full(SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_full),
    PTS_OP("aten::empty.memory_format(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_empty_memory_format),
    PTS_OP("aten::zeros_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_zeros_like),
    PTS_OP("aten::ones_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_ones_like),
    PTS_OP("aten::full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_full_like),
    PTS_OP("aten::empty_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_zeros_like),
    PTS_OP("aten::new_zeros(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_new_zeros),
    PTS_OP("aten::new_ones(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_new_ones),
    PTS_OP("aten::new_full(Tensor self, SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_new_full),
    PTS_OP("aten::new_empty(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_new_zeros),
    PTS_OP("aten::scalar_tensor(Scalar s, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_scalar_tensor),
    PTS_OP("aten::eye(SymInt n, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_eye),
    PTS_OP("aten::eye.m(SymInt n, SymInt m, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_eye_m),
    PTS_OP("aten::arange(Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_arange),
    PTS_OP("aten::arange.start(Scalar start, Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_arange_start),
    PTS_OP("aten::arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_arange_start_step),
    PTS_OP("aten::linspace.Tensor_Tensor(Tensor start, Tensor end, int steps, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_linspace),
    PTS_OP("aten::linspace.Tensor_Scalar(Tensor start, Scalar end, int steps, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_linspace),
    PTS_OP("aten::linspace.Scalar_Tensor(Scalar start, Tensor end, int steps, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_linspace),
    PTS_OP("aten::linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_linspace),
    PTS_OP("aten::logspace.Tensor_Tensor(Tensor start, Tensor end, int steps, float base=10., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_logspace),
    PTS_OP("aten::logspace.Tensor_Scalar(Tensor start, Scalar end, int steps, float base=10., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_logspace),
    PTS_OP("aten::logspace.Scalar_Tensor(Scalar start, Tensor end, int steps, float base=10., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_logspace),
    PTS_OP("aten::logspace(Scalar start, Scalar end, int steps, float base=10., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_logspace),
    PTS_OP("aten::tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", k_tensor_scalar),
    PTS_OP("aten::tensor.float(float t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", k_tensor_scalar),
    PTS_OP("aten::tensor.int(int t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", k_tensor_scalar),
    PTS_OP("aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", k_tensor),
    PTS_OP("aten::as_tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None) -> Tensor", k_as_tensor_scalar),
    PTS_OP("aten::as_tensor.float(float t, *, ScalarType? dtype=None, Device? device=None) -> Tensor", k_as_tensor_scalar),
    PTS_OP("aten::as_tensor.int(int t, *, ScalarType? dtype=None, Device? device=None) -> Tensor", k_as_tensor_scalar),
    PTS_OP("aten::as_tensor(Tensor(a) data, *, ScalarType? dtype=None, Device? device=None) -> Tensor(b|a)", k_as_tensor),
    PTS_OP("aten::as_tensor.list(t[] data, *, ScalarType? dtype=None, Device? device=None) -> Tensor", k_as_tensor_list),
    PTS_OP("aten::to.device(Tensor(a) self, Device device, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", k_to_device),
    PTS_OP("aten::to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", k_to_dtype),
    PTS_OP("aten::to.other(Tensor(a) self, Tensor other, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", k_to_other),
    PTS_OP("aten::_to_copy(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, MemoryFormat? memory_format=None) -> Tensor", k__to_copy),
    PTS_OP("aten::to.dtype_layout(Tensor(a) self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", k_to_dtype_layout),
    PTS_OP("aten::to.prim_Device(Tensor(a) self, Device? device, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(b|a)", k_to_prim_device),
    PTS_OP("aten::to.prim_dtype(Tensor(a) self, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(b|a)", k_to_prim_dtype),
    PTS_OP("aten::to.prim_other(Tensor(a) self, bool non_blocking=False, bool copy=False) -> Tensor(b|a)", k_to_prim_other),
    PTS_OP("aten::type_as(Tensor self, Tensor other) -> Tensor", k_type_as),
    PTS_OP("aten::detach(Tensor(a) self) -> Tensor(a)", k_detach),
    PTS_OP("aten::detach_(Tensor(a!) self) -> Tensor(a!)", k_detach_),
    {NULL, NULL},
};
