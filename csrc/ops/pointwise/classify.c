/* classify.c - float classification and decomposition, and small tensor
 * utilities: isposinf / isneginf / isreal, frexp, ldexp, nextafter, equal,
 * fill (out of place), resolve_neg, and the strided factories empty_strided /
 * new_empty_strided / empty_permuted (zero-filled: torch leaves them
 * uninitialized, so any value is torch's behaviour).
 */
#include "ops/compose.h"
#include "tensor/cplx.h"
#include "ops/pointwise/cplx_ops.h"

/* ---- isposinf / isneginf / isreal ------------------------------------------------------------ */

/* which: +1 isposinf, -1 isneginf, 0 isreal (every real dtype: all true) */
static pts_status classify(const pts_op *op, pts_tensor *t, int which, pts_value *rets)
{
    PTS_TRY(pts_check_real(OPN, t->dtype));
    pts_tensor *out = pts_tensor_zeros(PTS_BOOL, t->ndim, t->sizes);
    if (!out)
        return pts_err_last();
    int64_t n = pts_tensor_numel(t);
    bool *o = pts_tensor_data(out);
    if (which == 0) {
        memset(o, 1, (size_t)n);
    } else if (pts_is_float(t->dtype) && n > 0) {
        pts_tensor *c = pts_tensor_to_dtype(t, PTS_FLOAT64);
        if (!c) {
            pts_tdrop(out);
            return pts_err_last();
        }
        const double *p = pts_f64(c);
        for (int64_t i = 0; i < n; i++)
            o[i] = isinf(p[i]) && (p[i] > 0) == (which > 0);
        pts_tdrop(c);
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_isposinf) { return classify(op, a->self, 1, rets); }
PTS_KERNEL(k_isneginf) { return classify(op, a->self, -1, rets); }
PTS_KERNEL(k_isreal)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_isreal(op, a->self, rets);
    return classify(op, a->self, 0, rets);
}

/* ---- frexp, ldexp, nextafter ----------------------------------------------------------------- */

PTS_KERNEL(k_frexp)
{
    pts_tensor *t = a->self;
    if (!pts_is_float(t->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: torch.frexp() only supports floating-point dtypes", OPN);
    pts_tensor *c = pts_tensor_to_dtype(t, PTS_FLOAT64);
    pts_tensor *m = c ? pts_tensor_empty(PTS_FLOAT64, t->ndim, t->sizes) : NULL;
    pts_tensor *e = m ? pts_tensor_empty(PTS_INT32, t->ndim, t->sizes) : NULL;
    if (!e) {
        pts_tdrop(c);
        pts_tdrop(m);
        return pts_err_last();
    }
    int64_t n = pts_tensor_numel(t);
    int32_t *ep = pts_tensor_data(e);
    for (int64_t i = 0; i < n; i++) {
        int ex = 0;
        double v = pts_f64(c)[i];
        pts_f64(m)[i] = frexp(v, &ex);
        ep[i] = isfinite(v) ? ex : 0;
    }
    pts_tdrop(c);
    pts_status st = pts_ret_as(m, t->dtype, &rets[0]);
    if (st) {
        pts_tdrop(e);
        return st;
    }
    return pts_ret(e, &rets[1]);
}

/* ldexp(self, other) = self * 2 ** other in the float dtype of the promoted operands (int -> float32) */
PTS_KERNEL(k_ldexp)
{
    pts_value in[2] = {pts_tv(a->self), pts_tv(a->other)};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    if (pts_dtype_is_complex(common)) { /* ATen's ldexp: mul(self, pow(2.0, other)) */
        pts_value pa[2] = {pts_float(2.0), in[1]};
        pts_tensor *p = pts_call_t("aten::pow.Scalar", 2, pa);
        if (!p)
            return pts_err_last();
        pts_value ma[2] = {in[0], pts_tv(p)};
        pts_status st = pts_call("aten::mul.Tensor", 2, ma, rets);
        pts_tdrop(p);
        return st;
    }
    PTS_TRY(pts_check_real(OPN, common));
    int rd = pts_float_op_dtype(common);
    pts_tensor *x = NULL, *y = NULL;
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_pair(OPN, in[0], in[1], common, PTS_FLOAT64, &x, &y, &nd, shape));
    for (int64_t i = 0, n = pts_tensor_numel(x); i < n; i++)
        pts_f64(x)[i] *= exp2(pts_f64(y)[i]);
    pts_tdrop(y);
    return pts_ret_as(x, rd, rets);
}

/* one step of a 16-bit float (half or bfloat16: bits hx, value fx) towards fy (bits hy) */
static uint16_t next16(uint16_t hx, float fx, uint16_t hy, float fy, bool bf16)
{
    if (isnan(fx) || isnan(fy))
        return bf16 ? 0x7fc0 : 0x7e00;
    if (fx == fy)
        return hy;
    if (fx == 0)
        return fy > 0 ? 0x0001 : 0x8001;
    return (fx < fy) == (fx > 0) ? (uint16_t)(hx + 1) : (uint16_t)(hx - 1);
}

PTS_KERNEL(k_nextafter)
{
    pts_value in[2] = {pts_tv(a->self), pts_tv(a->other)};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    if (!pts_is_float(common))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"nextafter_cpu\" not implemented for '%s'", OPN,
                           pts_dtype_torch_name(common));
    bool half = common == PTS_FLOAT16 || common == PTS_BFLOAT16;
    pts_tensor *x = NULL, *y = NULL;
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_pair(OPN, in[0], in[1], common, half ? common : PTS_FLOAT64, &x, &y, &nd, shape));
    int64_t n = pts_tensor_numel(x);
    pts_tensor *out = pts_tensor_empty(common, nd, shape);
    if (out) {
        for (int64_t i = 0; i < n; i++) {
            if (half) {
                bool bf = common == PTS_BFLOAT16;
                uint16_t hx = ((const uint16_t *)pts_tensor_data(x))[i], hy = ((const uint16_t *)pts_tensor_data(y))[i];
                float fx = bf ? pts_bf16_to_float(hx) : pts_half_to_float(hx);
                float fy = bf ? pts_bf16_to_float(hy) : pts_half_to_float(hy);
                ((uint16_t *)pts_tensor_data(out))[i] = next16(hx, fx, hy, fy, bf);
                continue;
            }
            double u = pts_f64(x)[i], v = pts_f64(y)[i];
            if (common == PTS_FLOAT32)
                ((float *)pts_tensor_data(out))[i] = nextafterf((float)u, (float)v);
            else
                pts_f64(out)[i] = nextafter(u, v);
        }
    }
    pts_tdrop(x);
    pts_tdrop(y);
    return pts_ret(out, rets);
}

/* ---- equal, fill, resolve_neg ---------------------------------------------------------------- */

PTS_KERNEL(k_equal)
{
    pts_tensor *x = a->self, *y = a->other;
    bool same = x->ndim == y->ndim;
    for (int i = 0; same && i < x->ndim; i++)
        same = x->sizes[i] == y->sizes[i];
    if (same && pts_tensor_numel(x) > 0) {
        pts_value args[2] = {pts_tv(x), pts_tv(y)};
        pts_tensor *eq = pts_call_t("aten::eq.Tensor", 2, args);
        if (!eq)
            return pts_err_last();
        pts_tensor *c = pts_tensor_as_contiguous(eq, PTS_BOOL);
        pts_tdrop(eq);
        if (!c)
            return pts_err_last();
        const bool *p = pts_tensor_data(c);
        for (int64_t i = 0, n = pts_tensor_numel(c); i < n && same; i++)
            same = p[i];
        pts_tdrop(c);
    }
    rets[0] = pts_bool(same);
    return PTS_OK;
}

static pts_status fill_copy(pts_tensor *t, pts_value v, pts_value *rets)
{
    pts_tensor *out = pts_tensor_empty(t->dtype, t->ndim, t->sizes);
    if (!out)
        return pts_err_last();
    pts_status st = pts_tensor_fill(out, v);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_fill_scalar) { return fill_copy(a->self, a->value, rets); }

PTS_KERNEL(k_fill_tensor)
{
    if (a->value->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: fill_ only supports 0-dimension value tensor but got tensor with %d "
                                          "dimensions.", OPN, a->value->ndim);
    pts_value v = pts_none();
    PTS_TRY(pts_tensor_item(a->value, &v));
    pts_status st = fill_copy(a->self, v, rets);
    pts_value_release(v);
    return st;
}

/* resolve_neg: pyts has no lazy negation bit, so self itself */
PTS_KERNEL(k_resolve_neg)
{
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

/* ---- strided factories ----------------------------------------------------------------------- */

static pts_status strided_new(const pts_op *op, int dtype, pts_value sizev, pts_value stridev, pts_value device,
                              pts_value *rets)
{
    PTS_TRY(pts_arg_check_device(device, OPN));
    if (!pts_dtype_is_complex(dtype)) /* zeros of any element size */
        PTS_TRY(pts_check_real(OPN, dtype));
    int64_t size[PTS_MAX_DIMS], stride[PTS_MAX_DIMS];
    int n = 0, m = 0;
    PTS_TRY(pts_arg_int_list(sizev, size, PTS_MAX_DIMS, &n, 0, "size"));
    PTS_TRY(pts_arg_int_list(stridev, stride, PTS_MAX_DIMS, &m, 0, "stride"));
    if (n != m)
        return pts_err_set(PTS_ERR_VALUE, "%s: mismatch in length of strides and shape", OPN);
    int64_t extent = 1;
    for (int i = 0; i < n; i++) {
        if (size[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld: [%lld]", OPN,
                               (long long)size[i], (long long)size[i]);
        if (stride[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: negative strides are not supported", OPN);
        if (size[i] == 0)
            extent = 0;
    }
    if (extent)
        for (int i = 0; i < n; i++)
            extent += (size[i] - 1) * stride[i];
    pts_tensor *base = pts_tensor_zeros(dtype, 1, &extent);
    if (!base)
        return pts_err_last();
    pts_tensor *v = pts_tensor_view_of(base->storage, dtype, n, size, stride, 0);
    pts_tdrop(base);
    return pts_ret(v, rets);
}

PTS_KERNEL(k_empty_strided)
{
    return strided_new(op, a->dtype >= 0 ? a->dtype : pts_default_float_dtype(), a->size, a->stride, a->device, rets);
}

PTS_KERNEL(k_new_empty_strided)
{
    return strided_new(op, a->dtype >= 0 ? a->dtype : a->self->dtype, a->size, a->stride, a->device, rets);
}

/* empty_permuted(size, physical_layout): memory laid out in the order of physical_layout */
PTS_KERNEL(k_empty_permuted)
{
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    int dtype = a->dtype >= 0 ? a->dtype : pts_default_float_dtype();
    int64_t size[PTS_MAX_DIMS], perm[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0, m = 0;
    PTS_TRY(pts_arg_int_list(a->size, size, PTS_MAX_DIMS, &n, 0, "size"));
    PTS_TRY(pts_arg_int_list(a->physical_layout, perm, PTS_MAX_DIMS, &m, 0, "physical_layout"));
    if (n != m)
        return pts_err_set(PTS_ERR_VALUE, "%s: Number of dimensions in size does not match the length of the "
                                          "physical_layout; i.e. len(size) = %d is not equal to len(physical_layout) = %d",
                           OPN, n, m);
    bool seen[PTS_MAX_DIMS] = {false};
    for (int i = 0; i < n; i++) {
        if (perm[i] < 0 || perm[i] >= n || seen[perm[i]])
            return pts_err_set(PTS_ERR_VALUE, "%s: physical_layout must be a permutation of the dimensions", OPN);
        seen[perm[i]] = true;
        if (size[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld", OPN,
                               (long long)size[i]);
    }
    int64_t s = 1;
    for (int i = n - 1; i >= 0; i--) {
        strides[perm[i]] = s;
        s *= size[perm[i]] > 1 ? size[perm[i]] : 1;
    }
    int64_t total = 1;
    for (int i = 0; i < n; i++)
        total *= size[i];
    pts_tensor *base = pts_tensor_zeros(dtype, 1, &total);
    if (!base)
        return pts_err_last();
    pts_tensor *v = pts_tensor_view_of(base->storage, dtype, n, size, strides, 0);
    pts_tdrop(base);
    return pts_ret(v, rets);
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_classify[] = {
    PTS_OP("aten::isposinf(Tensor self) -> Tensor", k_isposinf),
    PTS_OP("aten::isneginf(Tensor self) -> Tensor", k_isneginf),
    PTS_OP("aten::isreal(Tensor self) -> Tensor", k_isreal),
    PTS_OP("aten::frexp.Tensor(Tensor self) -> (Tensor mantissa, Tensor exponent)", k_frexp),
    PTS_OP("aten::ldexp.Tensor(Tensor self, Tensor other) -> Tensor", k_ldexp),
    PTS_OP("aten::nextafter(Tensor self, Tensor other) -> Tensor", k_nextafter),
    PTS_OP("aten::equal(Tensor self, Tensor other) -> bool", k_equal),
    PTS_OP("aten::fill.Scalar(Tensor self, Scalar value) -> Tensor", k_fill_scalar),
    PTS_OP("aten::fill.Tensor(Tensor self, Tensor value) -> Tensor", k_fill_tensor),
    PTS_OP("aten::resolve_neg(Tensor(a) self) -> Tensor(a)", k_resolve_neg),
    PTS_OP("aten::empty_strided(SymInt[] size, SymInt[] stride, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_empty_strided),
    PTS_OP("aten::new_empty_strided(Tensor self, SymInt[] size, SymInt[] stride, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_new_empty_strided),
    PTS_OP("aten::empty_permuted(SymInt[] size, int[] physical_layout, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_empty_permuted),
    {NULL, NULL},
};
