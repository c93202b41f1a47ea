/* math.c - more elementwise math (inverse hyperbolics, frac, exp2,
 * deg2rad/rad2deg, sinc, logit, sgn, signbit; logaddexp/logaddexp2, hypot,
 * xlogy, copysign, heaviside; fmax/fmin, xlog1py, float_power,
 * isclose/allclose, positive).  The special functions (i0, lgamma,
 * digamma, polygamma, erfinv, mvlgamma) are in special/special.c, the
 * NaN-aware reductions in reduce/nan.c, linalg_vector_norm in
 * linalg/norm.c.
 *
 * The elementwise ops share two drivers (pts_unary_run, binary_run): find the
 * result dtype with torch's promotion, cast the inputs to the common dtype
 * (as TensorIterator does) and then to double, run the op's scalar function
 * over the broadcasting iterator, and convert once to the result dtype.
 */
#include <stdatomic.h>

#include "ops/kernel.h"
#include "ops/pointwise/cplx_ops.h"
#include "ops/pointwise/unary.h"
#include "tensor/cplx.h"

#define PI 3.14159265358979323846

/* ---- scalar functions of the unary ops (p: a parameter) ------------------------------------ */

typedef double (*fn2)(double a, double b);

static double f_acosh(double a, double p) { (void)p; return acosh(a); }
static double f_asinh(double a, double p) { (void)p; return asinh(a); }
static double f_atanh(double a, double p) { (void)p; return atanh(a); }
static double f_frac(double a, double p) { (void)p; return a - trunc(a); }
static double f_exp2(double a, double p) { (void)p; return exp2(a); }
static double f_deg2rad(double a, double p) { (void)p; return a * (PI / 180.0); }
static double f_rad2deg(double a, double p) { (void)p; return a * (180.0 / PI); }
static double f_sinc(double a, double p)
{
    (void)p;
    if (a == 0)
        return 1;
    double x = PI * a;
    return sin(x) / x;
}
static double f_logit(double a, double p) { (void)p; return log(a / (1 - a)); }
static double f_logit_eps(double a, double eps)
{
    double x = a < eps ? eps : (a > 1 - eps ? 1 - eps : a);
    return log(x / (1 - x));
}
/* ATen's logit of float16 / bfloat16: each step (1 - x, the quotient, the log) rounded to the element's
 * dtype, as its scalar and vectorized half kernels compute (eps: clamped to [eps, 1 - eps], both bounds
 * in the dtype) */
static double r_half(double v) { return (double)pts_half_to_float(pts_float_to_half((float)v)); }
static double r_bf16(double v) { return (double)pts_bf16_to_float(pts_float_to_bf16((float)v)); }
static double logit16(double a, double eps, double (*r)(double))
{
    if (eps >= 0) {
        double lo = r(eps), hi = r(1 - lo);
        a = a < lo ? lo : (a > hi ? hi : a);
    }
    return r(log(r(a / r(1 - a))));
}
static double f_logit_half(double a, double eps) { return logit16(a, eps, r_half); }
static double f_logit_bf16(double a, double eps) { return logit16(a, eps, r_bf16); }
static double f_sgn(double a, double p) { (void)p; return (double)((0 < a) - (a < 0)); }
static double f_signbit(double a, double p) { (void)p; return signbit(a) ? 1 : 0; }

/* ---- the unary driver ------------------------------------------------------------------------ */

static void apply1(double *x, int64_t n, pts_unary_fn f, double p)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = f(x[i], p);
}

pts_status pts_unary_run(const pts_op *op, pts_tensor *t, pts_value *rets, pts_unary_fn f, double p, pts_ukind kind)
{
    PTS_TRY(pts_check_real(OPN, t->dtype));
    int rd = t->dtype;
    if (kind == U_FLOAT)
        rd = pts_float_op_dtype(t->dtype);
    else if (kind == U_FLOAT_ONLY && !pts_is_float(t->dtype))
        return pts_not_implemented(OPN, t->dtype);
    else if (kind == U_BOOL)
        rd = PTS_BOOL;
    bool inplace = op->schema.args[0].is_write;
    if (inplace) {
        if (!pts_can_cast(rd, t->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: result type %s can't be cast to the desired output type %s", OPN,
                               pts_dtype_torch_name(rd), pts_dtype_torch_name(t->dtype));
        if (pts_tensor_numel(t) > 0)
            PTS_TRY(pts_check_no_internal_overlap(t, OPN));
        PTS_TRY(pts_tensor_make_writable(t));
    }
    pts_tensor *x = pts_tensor_to_dtype(t, PTS_FLOAT64);
    if (!x)
        return pts_err_last();
    apply1(pts_f64(x), pts_tensor_numel(x), f, p);
    if (inplace) {
        pts_status st = pts_tensor_copy_into(t, x, OPN);
        pts_obj_release(&x->hdr);
        if (!st)
            rets[0] = pts_ret_self(pts_obj_value(&t->hdr));
        return st;
    }
    return pts_ret_as(x, rd, rets);
}

PTS_KERNEL(k_acosh)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "acosh", rets);
    return pts_unary_run(op, a->self, rets, f_acosh, 0, U_FLOAT);
}
PTS_KERNEL(k_asinh)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "asinh", rets);
    return pts_unary_run(op, a->self, rets, f_asinh, 0, U_FLOAT);
}
PTS_KERNEL(k_atanh)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "atanh", rets);
    return pts_unary_run(op, a->self, rets, f_atanh, 0, U_FLOAT);
}
PTS_KERNEL(k_frac) { return pts_unary_run(op, a->self, rets, f_frac, 0, U_FLOAT_ONLY); }
PTS_KERNEL(k_exp2)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "exp2", rets);
    return pts_unary_run(op, a->self, rets, f_exp2, 0, U_FLOAT);
}
PTS_KERNEL(k_deg2rad) { return pts_unary_run(op, a->self, rets, f_deg2rad, 0, U_FLOAT); }
PTS_KERNEL(k_rad2deg) { return pts_unary_run(op, a->self, rets, f_rad2deg, 0, U_FLOAT); }
PTS_KERNEL(k_sinc)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "sinc", rets);
    return pts_unary_run(op, a->self, rets, f_sinc, 0, U_FLOAT);
}
PTS_KERNEL(k_sgn)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_sgn(op, a->self, rets);
    return pts_unary_run(op, a->self, rets, f_sgn, 0, U_SAME);
}
PTS_KERNEL(k_signbit) { return pts_unary_run(op, a->self, rets, f_signbit, 0, U_BOOL); }

PTS_KERNEL(k_logit)
{
    int dt = a->self->dtype;
    if (dt == PTS_FLOAT16 || dt == PTS_BFLOAT16) /* eps None (or negative: no clamp) -> -1 */
        return pts_unary_run(op, a->self, rets, dt == PTS_FLOAT16 ? f_logit_half : f_logit_bf16,
                             a->has_eps && a->eps >= 0 ? a->eps : -1.0, U_FLOAT);
    if (!a->has_eps)
        return pts_unary_run(op, a->self, rets, f_logit, 0, U_FLOAT);
    return pts_unary_run(op, a->self, rets, f_logit_eps, a->eps, U_FLOAT);
}

/* ---- the binary driver ------------------------------------------------------------------------ */

typedef enum bkind {
    B_FLOAT,      /* int/bool results -> float32 (xlogy, copysign) */
    B_FLOAT_ONLY, /* refuse non-float results (logaddexp, hypot) */
    B_SAME_DTYPE, /* both inputs of one dtype, kept (heaviside) */
    B_PROMOTE,    /* the promoted dtype (fmax, fmin) */
    B_DOUBLE,     /* always float64 (float_power) */
} bkind;

typedef struct bctx {
    fn2 f;
} bctx;

static void loop2(void *vc, char **d, const int64_t *s, int64_t n)
{
    fn2 f = ((bctx *)vc)->f;
    for (int64_t i = 0; i < n; i++)
        *(double *)(d[0] + i * s[0]) = f(*(const double *)(d[1] + i * s[1]), *(const double *)(d[2] + i * s[2]));
}

/* v (tensor or number) cast to `common` and then to double (new ref). */
static pts_tensor *operand_f64(pts_value v, int common)
{
    pts_tensor *c;
    if (v.tag == PTS_T_TENSOR) {
        pts_tensor *t = PTS_TENSOR(v);
        if (t->dtype == common || common == PTS_FLOAT64)
            return pts_tensor_to_dtype(t, PTS_FLOAT64);
        c = pts_tensor_to_dtype(t, common);
    } else {
        c = pts_tensor_from_scalar(v, common);
    }
    if (!c)
        return NULL;
    pts_tensor *r = pts_tensor_to_dtype(c, PTS_FLOAT64);
    pts_obj_release(&c->hdr);
    return r;
}

static pts_status binary_run(const pts_op *op, pts_value a, pts_value b, pts_value *rets, fn2 f, bkind kind,
                             const char *kname)
{
    pts_value in[2] = {a, b};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    PTS_TRY(pts_check_real(OPN, common));
    int rd = common;
    if (kind == B_FLOAT) {
        rd = pts_float_op_dtype(common);
    } else if (kind == B_FLOAT_ONLY) {
        if (!pts_is_float(common))
            return pts_err_set(PTS_ERR_TYPE, "%s: \"%s\" not implemented for '%s'", OPN, kname, pts_dtype_torch_name(common));
    } else if (kind == B_DOUBLE) {
        rd = common = PTS_FLOAT64;
    } else if (kind == B_PROMOTE) {
        /* the promoted dtype, bool included */
    } else if (a.tag == PTS_T_TENSOR && b.tag == PTS_T_TENSOR && PTS_TENSOR(a)->dtype != PTS_TENSOR(b)->dtype) {
        return pts_err_set(PTS_ERR_TYPE, "%s: heaviside is not yet implemented for tensors with different dtypes", OPN);
    }
    pts_tensor *ts[2] = {a.tag == PTS_T_TENSOR ? PTS_TENSOR(a) : NULL, b.tag == PTS_T_TENSOR ? PTS_TENSOR(b) : NULL};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    bool inplace = op->schema.args[0].is_write;
    pts_tensor *self = ts[0];
    if (inplace) {
        bool same = nd == self->ndim;
        for (int i = 0; same && i < nd; i++)
            same = shape[i] == self->sizes[i];
        if (!same) {
            char buf[128];
            pts_tensor_describe(self, buf, sizeof buf);
            return pts_err_set(PTS_ERR_VALUE, "%s: output with shape %s doesn't match the broadcast shape", OPN, buf);
        }
        if (!pts_can_cast(rd, self->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: result type %s can't be cast to the desired output type %s", OPN,
                               pts_dtype_torch_name(rd), pts_dtype_torch_name(self->dtype));
        if (pts_tensor_numel(self) > 0)
            PTS_TRY(pts_check_no_internal_overlap(self, OPN));
        PTS_TRY(pts_tensor_make_writable(self));
    }
    /* integer inputs of float ops are cast straight to the float result */
    int cast_to = pts_dtype_category(common) < PTS_CAT_FLOAT && kind == B_FLOAT ? rd : common;
    pts_tensor *ops[3] = {pts_tensor_empty(PTS_FLOAT64, nd, shape), operand_f64(a, cast_to), operand_f64(b, cast_to)};
    pts_status st = PTS_OK;
    if (!ops[0] || !ops[1] || !ops[2])
        st = pts_err_last();
    pts_iter it;
    if (!st)
        st = pts_iter_init(&it, 3, ops, OPN);
    if (!st) {
        bctx c = {f};
        pts_iter_run(&it, loop2, &c);
    }
    pts_obj_release(ops[1] ? &ops[1]->hdr : NULL);
    pts_obj_release(ops[2] ? &ops[2]->hdr : NULL);
    if (st) {
        pts_obj_release(ops[0] ? &ops[0]->hdr : NULL);
        return st;
    }
    if (inplace) {
        st = pts_tensor_copy_into(self, ops[0], OPN);
        pts_obj_release(&ops[0]->hdr);
        if (!st)
            rets[0] = pts_ret_self(a);
        return st;
    }
    return pts_ret_as(ops[0], rd, rets);
}

static double f_logaddexp(double a, double b)
{
    if (isinf(a) && a == b)
        return a;
    double m = a > b ? a : b;
    if (isnan(a) || isnan(b))
        return NAN;
    return m + log1p(exp(-fabs(a - b)));
}
static double f_logaddexp2(double a, double b)
{
    if (isinf(a) && a == b)
        return a;
    double m = a > b ? a : b;
    if (isnan(a) || isnan(b))
        return NAN;
    return m + log1p(exp2(-fabs(a - b))) / log(2.0);
}
static double f_hypot(double a, double b) { return hypot(a, b); }
static double f_xlogy(double a, double b)
{
    if (isnan(b))
        return NAN;
    if (a == 0)
        return 0;
    return a * log(b);
}
static double f_copysign(double a, double b) { return copysign(a, b); }
static double f_heaviside(double a, double b) { return a == 0 ? b : (double)(a > 0); }

static double f_fmax(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a > b ? a : b; }
static double f_fmin(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a < b ? a : b; }
static double f_xlog1py(double a, double b)
{
    if (isnan(b))
        return NAN;
    if (a == 0)
        return 0;
    return a * log1p(b);
}
static double f_pow(double a, double b) { return pow(a, b); }

PTS_KERNEL(k_fmax)
{
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, f_fmax, B_PROMOTE, NULL);
}
PTS_KERNEL(k_fmin)
{
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, f_fmin, B_PROMOTE, NULL);
}
PTS_KERNEL(k_xlog1py)
{
    return binary_run(op, a->self, a->other, rets, f_xlog1py, B_FLOAT, NULL);
}
static bool complex_value(pts_value v)
{
    return v.tag == PTS_T_COMPLEX || (v.tag == PTS_T_TENSOR && pts_dtype_is_complex(PTS_TENSOR(v)->dtype));
}

/* A float_power operand as complex128: a tensor converted (new reference in *own), a number as a
 * complex number. */
static pts_status as_complex128(pts_value v, pts_value *out, pts_tensor **own)
{
    *own = NULL;
    if (v.tag == PTS_T_TENSOR) {
        if (!(*own = pts_tensor_to_dtype(PTS_TENSOR(v), PTS_COMPLEX128)))
            return pts_err_last();
        *out = pts_tensor_val(*own);
    } else {
        *out = v.tag == PTS_T_COMPLEX ? v : pts_complex(pts_scalar_f64(v), 0.0);
    }
    return PTS_OK;
}

/* float_power with a complex operand: ATen's pow of both operands as complex128 (a number
 * exponent stays a Scalar, so pow's special exponents apply); float_power_ needs a complex128 self */
static pts_status float_power_complex(const pts_op *op, pts_value base, pts_value expo, pts_value *rets)
{
    bool inplace = op->schema.args[0].is_write;
    bool scalar_exp = expo.tag != PTS_T_TENSOR;
    if (inplace && PTS_TENSOR(base)->dtype != PTS_COMPLEX128)
        return pts_err_set(PTS_ERR_TYPE, "%s: the base given to float_power_ has dtype %s but the operation's result "
                                         "requires dtype ComplexDouble", OPN, pts_dtype_torch_name(PTS_TENSOR(base)->dtype));
    pts_tensor *ob = NULL, *oe = NULL;
    pts_value args[2];
    pts_status st = inplace ? (args[0] = base, PTS_OK) : as_complex128(base, &args[0], &ob);
    if (!st)
        st = as_complex128(expo, &args[1], &oe);
    if (!st) {
        const char *name = inplace ? (scalar_exp ? "aten::pow_.Scalar" : "aten::pow_.Tensor")
                           : base.tag != PTS_T_TENSOR ? "aten::pow.Scalar"
                           : scalar_exp            ? "aten::pow.Tensor_Scalar"
                                                   : "aten::pow.Tensor_Tensor";
        const pts_op *p = pts_ops_find(name);
        pts_value r[1] = {pts_none()};
        st = p ? pts_ops_call(p, 2, args, 0, NULL, NULL, r) : pts_err_set(PTS_ERR_INTERNAL, "%s is not registered", name);
        if (!st)
            rets[0] = r[0];
    }
    if (ob)
        pts_obj_release(&ob->hdr);
    if (oe)
        pts_obj_release(&oe->hdr);
    return st;
}

PTS_KERNEL(k_float_power)
{
    if (complex_value(a->self) || complex_value(a->exponent))
        return float_power_complex(op, a->self, a->exponent, rets);
    if (op->schema.args[0].is_write && PTS_TENSOR(a->self)->dtype != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: the base given to float_power_ has dtype %s but the operation's result "
                                         "requires dtype Double", OPN, pts_dtype_torch_name(PTS_TENSOR(a->self)->dtype));
    return binary_run(op, a->self, a->exponent, rets, f_pow, B_DOUBLE, NULL);
}

/* isclose: |a - b| <= atol + rtol * |b| (equal values, infinities included, are close) */
static pts_status isclose_common(const pts_op *op, pts_tensor *a, pts_tensor *b, double rtol, double atol,
                                 bool equal_nan, pts_tensor **out)
{
    if (a->dtype != b->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: %s did not match %s", OPN, pts_dtype_torch_name(a->dtype), pts_dtype_torch_name(b->dtype));
    if (!pts_dtype_is_complex(a->dtype))
        PTS_TRY(pts_check_real(OPN, a->dtype));
    if (rtol < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: rtol must be greater than or equal to zero, but got %g", OPN, rtol);
    if (atol < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: atol must be greater than or equal to zero, but got %g", OPN, atol);
    if (pts_dtype_is_complex(a->dtype)) { /* computed in the complex dtype's precision, as ATen */
        pts_value in[2] = {pts_tensor_val(a), pts_tensor_val(b)}, r = pts_none();
        double params[3] = {rtol, atol, equal_nan ? 1.0 : 0.0};
        PTS_TRY(pts_complex_nary(op, 2, in, a->dtype, PTS_BOOL, PTS_CX_ISCLOSE, params, &r));
        *out = PTS_TENSOR(r);
        return PTS_OK;
    }
    pts_tensor *ts[2] = {a, b};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS], sx[PTS_MAX_DIMS], sy[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    for (int i = 0; i < nd; i++) { /* both broadcast to the output shape */
        int ia = i - (nd - a->ndim), ib = i - (nd - b->ndim);
        sx[i] = ia >= 0 && a->sizes[ia] == shape[i] ? a->strides[ia] : 0;
        sy[i] = ib >= 0 && b->sizes[ib] == shape[i] ? b->strides[ib] : 0;
    }
    pts_tensor *ex = pts_tensor_view_of(a->storage, a->dtype, nd, shape, sx, a->offset);
    pts_tensor *ey = ex ? pts_tensor_view_of(b->storage, b->dtype, nd, shape, sy, b->offset) : NULL;
    pts_tensor *cx = ey ? pts_tensor_to_dtype(ex, PTS_FLOAT64) : NULL, *cy = cx ? pts_tensor_to_dtype(ey, PTS_FLOAT64) : NULL;
    pts_tensor *o = cy ? pts_tensor_empty(PTS_BOOL, nd, shape) : NULL;
    pts_status st = o ? PTS_OK : pts_err_last();
    for (int64_t i = 0, n = o ? pts_tensor_numel(o) : 0; !st && i < n; i++) {
        double u = pts_f64(cx)[i], v = pts_f64(cy)[i];
        bool close = u == v || (equal_nan && isnan(u) && isnan(v)) ||
                     (isfinite(u) && isfinite(v) && fabs(u - v) <= atol + rtol * fabs(v));
        ((uint8_t *)pts_tensor_data(o))[i] = close;
    }
    pts_obj_release(ex ? &ex->hdr : NULL);
    pts_obj_release(ey ? &ey->hdr : NULL);
    pts_obj_release(cx ? &cx->hdr : NULL);
    pts_obj_release(cy ? &cy->hdr : NULL);
    if (st)
        return st;
    *out = o;
    return PTS_OK;
}

#define ISCLOSE_ARGS(a) (a)->self, (a)->other, (a)->rtol, (a)->atol, (a)->equal_nan

PTS_KERNEL(k_isclose)
{
    pts_tensor *o = NULL;
    PTS_TRY(isclose_common(op, ISCLOSE_ARGS(a), &o));
    return pts_ret(o, rets);
}

PTS_KERNEL(k_allclose)
{
    pts_tensor *o = NULL;
    PTS_TRY(isclose_common(op, ISCLOSE_ARGS(a), &o));
    bool all = true;
    for (int64_t i = 0, n = pts_tensor_numel(o); i < n && all; i++)
        all = ((uint8_t *)pts_tensor_data(o))[i] != 0;
    pts_obj_release(&o->hdr);
    rets[0] = pts_bool(all);
    return PTS_OK;
}

PTS_KERNEL(k_positive)
{
    pts_tensor *t = a->self;
    if (t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: The `+` operator, on a bool tensor is not supported.", OPN);
    return pts_ret(pts_tensor_view_of(t->storage, t->dtype, t->ndim, t->sizes, t->strides, t->offset), rets);
}

PTS_KERNEL(k_logaddexp)
{
    pts_value in[2] = {pts_tensor_val(a->self), pts_tensor_val(a->other)};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    if (pts_dtype_is_complex(common))
        return pts_complex_nary(op, 2, in, common, common, PTS_CX_LOGADDEXP, NULL, rets);
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, f_logaddexp, B_FLOAT_ONLY, "logaddexp_cpu");
}
PTS_KERNEL(k_logaddexp2)
{
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, f_logaddexp2, B_FLOAT_ONLY, "logaddexp2_cpu");
}
PTS_KERNEL(k_hypot)
{
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, f_hypot, B_FLOAT_ONLY, "hypot_cpu");
}
PTS_KERNEL(k_xlogy)
{
    return binary_run(op, a->self, a->other, rets, f_xlogy, B_FLOAT, NULL);
}
PTS_KERNEL(k_copysign)
{
    return binary_run(op, pts_tensor_val(a->self), a->other, rets, f_copysign, B_FLOAT, NULL);
}
PTS_KERNEL(k_heaviside)
{
    return binary_run(op, pts_tensor_val(a->self), pts_tensor_val(a->values), rets, f_heaviside, B_SAME_DTYPE, NULL);
}

/* ---- the table ------------------------------------------------------------------------------------ */

const pts_op_def pts_ops_math[] = {
    PTS_OP("aten::acosh(Tensor self) -> Tensor", k_acosh),
    PTS_OP("aten::acosh_(Tensor(a!) self) -> Tensor(a!)", k_acosh),
    PTS_OP("aten::asinh(Tensor self) -> Tensor", k_asinh),
    PTS_OP("aten::asinh_(Tensor(a!) self) -> Tensor(a!)", k_asinh),
    PTS_OP("aten::atanh(Tensor self) -> Tensor", k_atanh),
    PTS_OP("aten::atanh_(Tensor(a!) self) -> Tensor(a!)", k_atanh),
    PTS_OP("aten::frac(Tensor self) -> Tensor", k_frac),
    PTS_OP("aten::frac_(Tensor(a!) self) -> Tensor(a!)", k_frac),
    PTS_OP("aten::exp2(Tensor self) -> Tensor", k_exp2),
    PTS_OP("aten::exp2_(Tensor(a!) self) -> Tensor(a!)", k_exp2),
    PTS_OP("aten::special_exp2(Tensor self) -> Tensor", k_exp2),
    PTS_OP("aten::deg2rad(Tensor self) -> Tensor", k_deg2rad),
    PTS_OP("aten::deg2rad_(Tensor(a!) self) -> Tensor(a!)", k_deg2rad),
    PTS_OP("aten::rad2deg(Tensor self) -> Tensor", k_rad2deg),
    PTS_OP("aten::rad2deg_(Tensor(a!) self) -> Tensor(a!)", k_rad2deg),
    PTS_OP("aten::sinc(Tensor self) -> Tensor", k_sinc),
    PTS_OP("aten::sinc_(Tensor(a!) self) -> Tensor(a!)", k_sinc),
    PTS_OP("aten::special_sinc(Tensor self) -> Tensor", k_sinc),
    PTS_OP("aten::logit(Tensor self, float? eps=None) -> Tensor", k_logit),
    PTS_OP("aten::logit_(Tensor(a!) self, float? eps=None) -> Tensor(a!)", k_logit),
    PTS_OP("aten::special_logit(Tensor self, float? eps=None) -> Tensor", k_logit),
    PTS_OP("aten::sgn(Tensor self) -> Tensor", k_sgn),
    PTS_OP("aten::sgn_(Tensor(a!) self) -> Tensor(a!)", k_sgn),
    PTS_OP("aten::signbit(Tensor self) -> Tensor", k_signbit),
    PTS_OP("aten::logaddexp(Tensor self, Tensor other) -> Tensor", k_logaddexp),
    PTS_OP("aten::logaddexp2(Tensor self, Tensor other) -> Tensor", k_logaddexp2),
    PTS_OP("aten::hypot(Tensor self, Tensor other) -> Tensor", k_hypot),
    PTS_OP("aten::hypot_(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_hypot),
    PTS_OP("aten::xlogy.Tensor(Tensor self, Tensor other) -> Tensor", k_xlogy),
    PTS_OP("aten::xlogy.Scalar_Other(Tensor self, Scalar other) -> Tensor", k_xlogy),
    PTS_OP("aten::xlogy.Scalar_Self(Scalar self, Tensor other) -> Tensor", k_xlogy),
    PTS_OP("aten::xlogy_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_xlogy),
    PTS_OP("aten::xlogy_.Scalar_Other(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_xlogy),
    PTS_OP("aten::special_xlogy(Tensor self, Tensor other) -> Tensor", k_xlogy),
    PTS_OP("aten::copysign.Tensor(Tensor self, Tensor other) -> Tensor", k_copysign),
    PTS_OP("aten::copysign.Scalar(Tensor self, Scalar other) -> Tensor", k_copysign),
    PTS_OP("aten::copysign_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_copysign),
    PTS_OP("aten::copysign_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_copysign),
    PTS_OP("aten::heaviside(Tensor self, Tensor values) -> Tensor", k_heaviside),
    PTS_OP("aten::heaviside_(Tensor(a!) self, Tensor values) -> Tensor(a!)", k_heaviside),
    PTS_OP("aten::fmax(Tensor self, Tensor other) -> Tensor", k_fmax),
    PTS_OP("aten::fmin(Tensor self, Tensor other) -> Tensor", k_fmin),
    PTS_OP("aten::special_xlog1py(Tensor self, Tensor other) -> Tensor", k_xlog1py),
    PTS_OP("aten::special_xlog1py.other_scalar(Tensor self, Scalar other) -> Tensor", k_xlog1py),
    PTS_OP("aten::special_xlog1py.self_scalar(Scalar self, Tensor other) -> Tensor", k_xlog1py),
    PTS_OP("aten::float_power.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor", k_float_power),
    PTS_OP("aten::float_power.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor", k_float_power),
    PTS_OP("aten::float_power.Scalar(Scalar self, Tensor exponent) -> Tensor", k_float_power),
    PTS_OP("aten::float_power_.Tensor(Tensor(a!) self, Tensor exponent) -> Tensor(a!)", k_float_power),
    PTS_OP("aten::float_power_.Scalar(Tensor(a!) self, Scalar exponent) -> Tensor(a!)", k_float_power),
    PTS_OP("aten::isclose(Tensor self, Tensor other, float rtol=1.0000000000000001e-05, float atol=1e-08, bool equal_nan=False) -> Tensor", k_isclose),
    PTS_OP("aten::allclose(Tensor self, Tensor other, float rtol=1.0000000000000001e-05, float atol=1e-08, bool equal_nan=False) -> bool", k_allclose),
    PTS_OP("aten::positive(Tensor(a) self) -> Tensor(a)", k_positive),
    {NULL, NULL},
};
