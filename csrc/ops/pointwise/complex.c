/* complex.c - complex tensors: the views real / imag / view_as_real /
 * view_as_complex, conj / _conj / conj_physical(_) / resolve_conj, polar,
 * complex, angle, and the complex paths of sgn (math.c) and isreal
 * (classify.c), which call pts_complex_sgn / pts_complex_isreal below.
 *
 * pyts has no lazy conjugate bit (torch's is_conj()): conj() of a complex
 * tensor materializes the conjugate into a new tensor, so resolve_conj is the
 * identity and every complex tensor holds its values.  Results are torch's;
 * only storage sharing differs (a later in-place write through torch's conj
 * view would reach its base, pyts's copy does not).  Arithmetic on complex
 * lives with the real kernels (elementwise.c: DEFC loops).
 */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/pointwise/cplx_ops.h"
#include "tensor/cplx.h"

/* ---- views ------------------------------------------------------------------------------------ */

/* The real (part 0) or imaginary (part 1) numbers of complex t as a real view. */
static pts_status part_view(const pts_tensor *t, int part, bool last_dim, pts_value *ret)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int nd = t->ndim;
    for (int i = 0; i < nd; i++)
        sizes[i] = t->sizes[i], strides[i] = t->strides[i] * 2;
    if (last_dim) {
        if (nd >= PTS_MAX_DIMS)
            return pts_err_set(PTS_ERR_VALUE, "view_as_real: too many dimensions");
        sizes[nd] = 2, strides[nd] = 1, nd++;
    }
    return pts_ret(pts_tensor_view_of(t->storage, pts_dtype_real(t->dtype), nd, sizes, strides, t->offset * 2 + part),
                   ret);
}

PTS_KERNEL(k_real)
{
    if (!pts_dtype_is_complex(a->self->dtype)) {
        rets[0] = pts_ret_tensor_ref(a->self);
        return PTS_OK;
    }
    return part_view(a->self, 0, false, rets);
}

PTS_KERNEL(k_imag)
{
    if (!pts_dtype_is_complex(a->self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: imag is not implemented for tensors with non-complex dtypes.", OPN);
    return part_view(a->self, 1, false, rets);
}

PTS_KERNEL(k_view_as_real)
{
    if (!pts_dtype_is_complex(a->self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: view_as_real is only supported for complex tensors", OPN);
    return part_view(a->self, 0, true, rets);
}

PTS_KERNEL(k_view_as_complex)
{
    pts_tensor *t = a->self;
    if (t->dtype != PTS_FLOAT32 && t->dtype != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE,
                           "%s: view_as_complex is only supported for float and double tensors, but got a tensor of "
                           "scalar type: %s", OPN, pts_dtype_torch_name(t->dtype));
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Input tensor must have one or more dimensions", OPN);
    int nd = t->ndim - 1;
    if (t->sizes[nd] != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Tensor must have a last dimension of size 2", OPN);
    bool empty = pts_tensor_numel(t) == 0;
    if (empty) /* torch's empty tensors are contiguous */
        return pts_ret(pts_tensor_empty(pts_dtype_to_complex(t->dtype), nd, t->sizes), rets);
    if (t->strides[nd] != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Tensor must have a last dimension with stride 1", OPN);
    int64_t strides[PTS_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        if (t->strides[i] % 2 != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Tensor must have a stride divisible by 2 for all but last dimension",
                               OPN);
        strides[i] = t->strides[i] / 2;
    }
    if (t->offset % 2 != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Tensor must have a storage_offset divisible by 2", OPN);
    return pts_ret(pts_tensor_view_of(t->storage, pts_dtype_to_complex(t->dtype), nd, t->sizes, strides, t->offset / 2),
                   rets);
}

/* ---- conj ------------------------------------------------------------------------------------- */

static void conj_c64(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        const float *x = (const float *)(d[1] + i * s[1]);
        float *o = (float *)(d[0] + i * s[0]);
        float re = x[0], im = x[1];
        o[0] = re, o[1] = -im;
    }
}

static void conj_c128(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        const double *x = (const double *)(d[1] + i * s[1]);
        double *o = (double *)(d[0] + i * s[0]);
        double re = x[0], im = x[1];
        o[0] = re, o[1] = -im;
    }
}

/* out = conj(src) elementwise (both complex of one dtype, same shape) */
static pts_status conj_into(pts_tensor *out, pts_tensor *src, const char *opname)
{
    pts_iter it;
    pts_tensor *ops[2] = {out, src};
    PTS_TRY(pts_iter_init(&it, 2, ops, opname));
    pts_iter_run(&it, out->dtype == PTS_COMPLEX64 ? conj_c64 : conj_c128, NULL);
    return PTS_OK;
}

/* conj, _conj, conj_physical: a real tensor is its own conjugate (returned as is, as torch);
 * a complex one is conjugated into a new tensor (pyts has no lazy conj view) */
PTS_KERNEL(k_conj)
{
    pts_tensor *t = a->self;
    if (!pts_dtype_is_complex(t->dtype)) {
        rets[0] = pts_ret_tensor_ref(t);
        return PTS_OK;
    }
    pts_tensor *out = pts_tensor_empty(t->dtype, t->ndim, t->sizes);
    if (!out)
        return pts_err_last();
    pts_status st = conj_into(out, t, OPN);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_conj_physical_)
{
    pts_tensor *t = a->self;
    if (pts_dtype_is_complex(t->dtype)) {
        PTS_TRY(pts_tensor_make_writable(t));
        PTS_TRY(conj_into(t, t, OPN));
    }
    rets[0] = pts_ret_tensor_ref(t);
    return PTS_OK;
}

/* no lazy conj bit: every tensor is already resolved */
PTS_KERNEL(k_resolve_conj)
{
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

/* ---- polar, complex ----------------------------------------------------------------------------- */

static void polar_c64(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        float r = *(const float *)(d[1] + i * s[1]), th = *(const float *)(d[2] + i * s[2]);
        float *o = (float *)(d[0] + i * s[0]);
        o[0] = r * cosf(th), o[1] = r * sinf(th);
    }
}

static void polar_c128(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        double r = *(const double *)(d[1] + i * s[1]), th = *(const double *)(d[2] + i * s[2]);
        double *o = (double *)(d[0] + i * s[0]);
        o[0] = r * cos(th), o[1] = r * sin(th);
    }
}

static void complex_c64(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        float *o = (float *)(d[0] + i * s[0]);
        o[0] = *(const float *)(d[1] + i * s[1]), o[1] = *(const float *)(d[2] + i * s[2]);
    }
}

static void complex_c128(void *ctx, char **d, const int64_t *s, int64_t n)
{
    (void)ctx;
    for (int64_t i = 0; i < n; i++) {
        double *o = (double *)(d[0] + i * s[0]);
        o[0] = *(const double *)(d[1] + i * s[1]), o[1] = *(const double *)(d[2] + i * s[2]);
    }
}

/* Two real tensors of one float dtype, broadcast, into a new complex tensor. */
static pts_status pair_to_complex(const pts_op *op, pts_tensor *x, pts_tensor *y, pts_iter_loop_fn f64,
                                  pts_iter_loop_fn f128, pts_value *rets)
{
    bool ok = (x->dtype == PTS_FLOAT32 || x->dtype == PTS_FLOAT64) && (y->dtype == PTS_FLOAT32 || y->dtype == PTS_FLOAT64);
    if (!ok)
        return pts_err_set(PTS_ERR_TYPE, "%s: Expected both inputs to be Half, Float or Double tensors but got %s and %s",
                           OPN, pts_dtype_torch_name(x->dtype), pts_dtype_torch_name(y->dtype));
    if (x->dtype != y->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: Expected object of scalar type %s but got scalar type %s for second argument",
                           OPN, pts_dtype_torch_name(x->dtype), pts_dtype_torch_name(y->dtype));
    int nd;
    int64_t shape[PTS_MAX_DIMS];
    pts_tensor *in[2] = {x, y};
    PTS_TRY(pts_broadcast_tensors_shape(2, in, &nd, shape, OPN));
    pts_tensor *out = pts_tensor_empty(pts_dtype_to_complex(x->dtype), nd, shape);
    if (!out)
        return pts_err_last();
    pts_iter it;
    pts_tensor *ops[3] = {out, x, y};
    pts_status st = pts_iter_init(&it, 3, ops, OPN);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    pts_iter_run(&it, x->dtype == PTS_FLOAT32 ? f64 : f128, NULL);
    return pts_ret(out, rets);
}

PTS_KERNEL(k_polar) { return pair_to_complex(op, a->abs, a->angle, polar_c64, polar_c128, rets); }
PTS_KERNEL(k_complex) { return pair_to_complex(op, a->real, a->imag, complex_c64, complex_c128, rets); }

/* ---- angle, sgn, isreal ------------------------------------------------------------------------ */

typedef void (*cx_fn)(const double *in, double *out); /* in: re, im; out: re, im */

static void angle_fn(const double *x, double *o) { o[0] = atan2(x[1], x[0]), o[1] = 0; }

/* torch's angle of a real number: NaN stays NaN, negative -> pi, else 0 */
static void angle_real_fn(const double *x, double *o) { o[0] = isnan(x[0]) ? x[0] : x[0] < 0 ? M_PI : 0.0, o[1] = 0; }

static void sgn_fn(const double *x, double *o)
{
    double r = hypot(x[0], x[1]);
    if (r == 0)
        o[0] = 0, o[1] = 0;
    else
        o[0] = x[0] / r, o[1] = x[1] / r;
}

static void isreal_fn(const double *x, double *o) { o[0] = x[1] == 0, o[1] = 0; }

typedef struct cx_ctx {
    cx_fn fn;
    int in_dtype, out_dtype;
} cx_ctx;

static void load2(const char *p, int dtype, double *v)
{
    if (dtype == PTS_COMPLEX64)
        v[0] = ((const float *)p)[0], v[1] = ((const float *)p)[1];
    else if (dtype == PTS_COMPLEX128)
        v[0] = ((const double *)p)[0], v[1] = ((const double *)p)[1];
    else
        v[0] = pts_load_f64(p, dtype), v[1] = 0;
}

static void store2(char *p, int dtype, const double *v)
{
    if (dtype == PTS_COMPLEX64) {
        ((float *)p)[0] = (float)v[0], ((float *)p)[1] = (float)v[1];
    } else if (dtype == PTS_COMPLEX128) {
        ((double *)p)[0] = v[0], ((double *)p)[1] = v[1];
    } else if (dtype == PTS_FLOAT32) {
        *(float *)p = (float)v[0];
    } else if (dtype == PTS_FLOAT64) {
        *(double *)p = v[0];
    } else {
        pts_store_f64(p, dtype, v[0]);
    }
}

/* complex64 is widened to double and each result rounded once to float: as exact as or more
 * than torch's float computation (the tests compare at derived float tolerances) */
static void cx_loop(void *vc, char **d, const int64_t *s, int64_t n)
{
    const cx_ctx *c = vc;
    for (int64_t i = 0; i < n; i++) {
        double x[2], o[2];
        load2(d[1] + i * s[1], c->in_dtype, x);
        c->fn(x, o);
        store2(d[0] + i * s[0], c->out_dtype, o);
    }
}

/* Run fn over t into a new tensor of out_dtype (or into t itself, for an in-place op). */
static pts_status cx_map(const char *opname, pts_tensor *t, int out_dtype, cx_fn fn, bool inplace, pts_value *rets)
{
    pts_tensor *out = inplace ? t : pts_tensor_empty(out_dtype, t->ndim, t->sizes);
    if (!out)
        return pts_err_last();
    if (inplace) {
        PTS_TRY(pts_tensor_make_writable(t));
        pts_obj_retain(&t->hdr);
    }
    pts_iter it;
    pts_tensor *ops[2] = {out, t};
    pts_status st = pts_iter_init(&it, 2, ops, opname);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    cx_ctx c = {fn, t->dtype, out->dtype};
    pts_iter_run(&it, cx_loop, &c);
    return pts_ret(out, rets);
}

PTS_KERNEL(k_angle)
{
    pts_tensor *t = a->self;
    int dt = t->dtype;
    if (pts_dtype_is_complex(dt))
        return cx_map(OPN, t, pts_dtype_real(dt), angle_fn, false, rets);
    PTS_TRY(pts_check_real(OPN, dt));
    return cx_map(OPN, t, pts_float_op_dtype(dt), angle_real_fn, false, rets);
}

pts_status pts_complex_sgn(const pts_op *op, pts_tensor *t, pts_value *rets)
{
    bool inplace = op->schema.nargs > 0 && op->schema.args[0].is_write;
    return cx_map(OPN, t, t->dtype, sgn_fn, inplace, rets);
}

/* the C99 <complex.h> functions torch's std:: ones call on glibc (libstdc++ forwards std::acosh of a
 * complex to __builtin_cacosh), computed in double complex */
static void acosh_fn(const double *x, double *o)
{
    double complex r = cacosh(CMPLX(x[0], x[1]));
    o[0] = creal(r), o[1] = cimag(r);
}

static void asinh_fn(const double *x, double *o)
{
    double complex r = casinh(CMPLX(x[0], x[1]));
    o[0] = creal(r), o[1] = cimag(r);
}

static void atanh_fn(const double *x, double *o)
{
    double complex r = catanh(CMPLX(x[0], x[1]));
    o[0] = creal(r), o[1] = cimag(r);
}

/* torch's exp2 of a complex: exp(ln 2 * z), each part scaled by ln 2 (so exp2(inf + 1j) is inf + infj
 * as in torch, where a complex product would make the imaginary part NaN) */
static void exp2_fn(const double *x, double *o)
{
    double complex r = cexp(CMPLX(M_LN2 * x[0], M_LN2 * x[1]));
    o[0] = creal(r), o[1] = cimag(r);
}

/* torch's sinc: 1 at 0, else sin(pi z) / (pi z) (complex(pi, 0) * z textbook, c10's quotient) */
static void sinc_fn(const double *x, double *o)
{
    if (x[0] == 0 && x[1] == 0) {
        o[0] = 1, o[1] = 0;
        return;
    }
    double complex p = cmul_cd(CMPLX(M_PI, 0.0), CMPLX(x[0], x[1]));
    double complex r = cdiv_cd(csin(p), p);
    o[0] = creal(r), o[1] = cimag(r);
}

/* ---- torch's formulas in the element's precision ------------------------------------------------
 *
 * Where torch's complex formula branches on, or cancels in, its own precision (log1p's u == 1 test,
 * expm1's difference), complex64 is computed with every basic operation rounded to float: an
 * operation on floats computed in double and rounded once to float is the float operation (double
 * has more than 2p + 2 bits), so rnd() after each step gives torch's float arithmetic; the
 * transcendental functions are glibc's double ones rounded to float (within an ulp of the float
 * ones torch calls). */

static inline double rnd(double v, bool f32) { return f32 ? (double)(float)v : v; }

/* (a + bj) * (c + dj), the textbook product of c10::complex */
static void cmul_r(const double *x, const double *y, double *o, bool f32)
{
    double re = rnd(rnd(x[0] * y[0], f32) - rnd(x[1] * y[1], f32), f32);
    double im = rnd(rnd(x[0] * y[1], f32) + rnd(x[1] * y[0], f32), f32);
    o[0] = re, o[1] = im;
}

/* c10::complex's quotient (numpy's algorithm; the pair cdiv_cf / cdiv_cd of tensor/cplx.h) */
static void cdiv_r(const double *x, const double *y, double *o, bool f32)
{
    double a = x[0], b = x[1], c = y[0], d = y[1], ac = fabs(c), ad = fabs(d);
    if (ac >= ad) {
        if (ac == 0 && ad == 0) {
            o[0] = rnd(a / ac, f32), o[1] = rnd(b / ad, f32);
            return;
        }
        double rat = rnd(d / c, f32), scl = rnd(1.0 / rnd(c + rnd(d * rat, f32), f32), f32);
        o[0] = rnd(rnd(a + rnd(b * rat, f32), f32) * scl, f32);
        o[1] = rnd(rnd(b - rnd(a * rat, f32), f32) * scl, f32);
        return;
    }
    double rat = rnd(c / d, f32), scl = rnd(1.0 / rnd(d + rnd(c * rat, f32), f32), f32);
    o[0] = rnd(rnd(rnd(a * rat, f32) + b, f32) * scl, f32);
    o[1] = rnd(rnd(rnd(b * rat, f32) - a, f32) * scl, f32);
}

static void clog_r(const double *x, double *o, bool f32)
{
    double complex r = clog(CMPLX(x[0], x[1]));
    o[0] = rnd(creal(r), f32), o[1] = rnd(cimag(r), f32);
}

static void cexp_r(const double *x, double *o, bool f32)
{
    double complex r = cexp(CMPLX(x[0], x[1]));
    o[0] = rnd(creal(r), f32), o[1] = rnd(cimag(r), f32);
}

/* c10's CPU log1p: u = z + 1; z when u == 1; log(u) when u - 1 == z; else log(u) * (z / (u - 1)) */
static void log1p_r(const double *z, double *o, bool f32)
{
    double u[2] = {rnd(z[0] + 1.0, f32), z[1]};
    if (u[0] == 1 && u[1] == 0) {
        o[0] = z[0], o[1] = z[1];
        return;
    }
    double lu[2], um1[2] = {rnd(u[0] - 1.0, f32), u[1]}, q[2];
    clog_r(u, lu, f32);
    if (um1[0] == z[0] && um1[1] == z[1]) {
        o[0] = lu[0], o[1] = lu[1];
        return;
    }
    cdiv_r(z, um1, q, f32);
    cmul_r(lu, q, o, f32);
}

/* c10's expm1: expm1(x) cos(y) - 2 sin(y/2)^2 + i exp(x) sin(y) */
static void expm1_r(const double *z, double *o, bool f32)
{
    double x = z[0], y = z[1], a = rnd(sin(rnd(y / 2, f32)), f32);
    double er = rnd(rnd(rnd(expm1(x), f32) * rnd(cos(y), f32), f32) - rnd(rnd(2 * a, f32) * a, f32), f32);
    double ei = rnd(rnd(exp(x), f32) * rnd(sin(y), f32), f32);
    o[0] = er, o[1] = ei;
}

/* ATen's CPU silu of a complex: x / (1 + exp(-x)) */
static void silu_r(const double *x, double *o, bool f32)
{
    double nx[2] = {-x[0], -x[1]}, e[2];
    cexp_r(nx, e, f32);
    e[0] = rnd(1.0 + e[0], f32);
    cdiv_r(x, e, o, f32);
}

/* ATen's sinc: 1 at 0, else sin(pi z) / (pi z) in the element's opmath (complex<float> for
 * complex64): pi rounded to the element's precision, the textbook product, csin, c10's quotient */
static void sinc_r(const double *x, double *o, bool f32)
{
    if (x[0] == 0 && x[1] == 0) {
        o[0] = 1, o[1] = 0;
        return;
    }
    double pi[2] = {rnd(M_PI, f32), 0}, p[2], sn[2];
    cmul_r(pi, x, p, f32);
    double complex r = csin(CMPLX(p[0], p[1]));
    sn[0] = rnd(creal(r), f32), sn[1] = rnd(cimag(r), f32);
    cdiv_r(sn, p, o, f32);
}

static void log1p_f(const double *x, double *o) { log1p_r(x, o, false); }
static void log1p_s(const double *x, double *o) { log1p_r(x, o, true); }
static void expm1_f(const double *x, double *o) { expm1_r(x, o, false); }
static void expm1_s(const double *x, double *o) { expm1_r(x, o, true); }
static void silu_f(const double *x, double *o) { silu_r(x, o, false); }
static void silu_s(const double *x, double *o) { silu_r(x, o, true); }
static void sinc_s(const double *x, double *o) { sinc_r(x, o, true); }

pts_status pts_complex_unary(const pts_op *op, pts_tensor *t, const char *fn, pts_value *rets)
{
    static const struct {
        const char *name;
        cx_fn c128, c64; /* complex128, complex64 */
    } fns[] = {{"acosh", acosh_fn, acosh_fn}, {"asinh", asinh_fn, asinh_fn}, {"atanh", atanh_fn, atanh_fn},
               {"exp2", exp2_fn, exp2_fn},    {"sinc", sinc_fn, sinc_s},     {"expm1", expm1_f, expm1_s},
               {"log1p", log1p_f, log1p_s},   {"silu", silu_f, silu_s}};
    cx_fn f = NULL;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (strcmp(fn, fns[i].name) == 0)
            f = t->dtype == PTS_COMPLEX64 ? fns[i].c64 : fns[i].c128;
    if (!f)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: no complex function %s", OPN, fn);
    bool inplace = op->schema.nargs > 0 && op->schema.args[0].is_write;
    return cx_map(OPN, t, t->dtype, f, inplace, rets);
}

pts_status pts_complex_isreal(const pts_op *op, pts_tensor *t, pts_value *rets)
{
    return cx_map(OPN, t, PTS_BOOL, isreal_fn, false, rets);
}

/* ---- logaddexp, lerp, isclose: n operands ---------------------------------------------------- */

static bool cnan(const double *z) { return isnan(z[0]) || isnan(z[1]); }

/* ATen's _log_add_exp_helper of two complex numbers (LogAddExp.h) */
static void logaddexp_r(const double (*in)[2], double *o, const double *p, bool f32)
{
    (void)p;
    const double *x = in[0], *y = in[1], *mn, *mx;
    if (cnan(y))
        mn = mx = y;
    else if (cnan(x))
        mn = mx = x;
    else if (x[0] < y[0])
        mn = x, mx = y;
    else
        mn = y, mx = x;
    if (cnan(mn)) {
        o[0] = o[1] = NAN;
    } else if (!isfinite(mn[0]) && mn[0] == mx[0]) {
        if (mn[0] < 0) {
            o[0] = mn[0], o[1] = mn[1];
        } else { /* log(exp(min) + exp(max)) */
            double e1[2], e2[2], sum[2];
            cexp_r(mn, e1, f32);
            cexp_r(mx, e2, f32);
            sum[0] = rnd(e1[0] + e2[0], f32), sum[1] = rnd(e1[1] + e2[1], f32);
            clog_r(sum, o, f32);
        }
    } else { /* log1p(exp(min - max)) + max */
        double d[2] = {rnd(mn[0] - mx[0], f32), rnd(mn[1] - mx[1], f32)}, e[2], l[2];
        cexp_r(d, e, f32);
        log1p_r(e, l, f32);
        o[0] = rnd(l[0] + mx[0], f32), o[1] = rnd(l[1] + mx[1], f32);
    }
}

/* ATen's vectorized lerp: with w small (|w|^2 < 1/4) w * (end - self) + self, else
 * (w - 1) * (end - self) + end (its scalar form e - (e - s)(1 - w) rounds the same) */
static void lerp_r(const double (*in)[2], double *o, const double *p, bool f32)
{
    (void)p;
    const double *s = in[0], *e = in[1], *w = in[2];
    bool small = rnd(rnd(w[0] * w[0], f32) + rnd(w[1] * w[1], f32), f32) < 0.25;
    double coeff[2] = {small ? w[0] : rnd(w[0] - 1.0, f32), w[1]}, diff[2], m[2];
    diff[0] = rnd(e[0] - s[0], f32), diff[1] = rnd(e[1] - s[1], f32);
    cmul_r(coeff, diff, m, f32);
    const double *base = small ? s : e;
    o[0] = rnd(m[0] + base[0], f32), o[1] = rnd(m[1] + base[1], f32);
}

/* ATen's isclose (TensorCompare.cpp) on complex numbers, p = {rtol, atol, equal_nan}:
 * a == b, or both NaN (equal_nan), or a finite |a - b| <= atol + |rtol * b| */
static void isclose_r(const double (*in)[2], double *o, const double *p, bool f32)
{
    const double *x = in[0], *y = in[1];
    bool close = x[0] == y[0] && x[1] == y[1];
    if (p[2] != 0 && cnan(x) && cnan(y))
        close = true;
    if (!close && (p[0] != 0 || p[1] != 0)) {
        double r[2] = {rnd(p[0], f32), 0}, rb[2];
        cmul_r(r, y, rb, f32);
        double allowed = rnd(rnd(p[1], f32) + rnd(hypot(rb[0], rb[1]), f32), f32);
        double actual = rnd(hypot(rnd(x[0] - y[0], f32), rnd(x[1] - y[1], f32)), f32);
        close = isfinite(actual) && actual <= allowed;
    }
    o[0] = close, o[1] = 0;
}

void pts_complex_logaddexp(const double *x, const double *y, double *o)
{
    const double in[2][2] = {{x[0], x[1]}, {y[0], y[1]}};
    logaddexp_r(in, o, NULL, false);
}

typedef void (*cxn_fn)(const double (*in)[2], double *o, const double *p, bool f32);

typedef struct cxn_ctx {
    cxn_fn fn;
    int n, out_dtype, in_dtype[3];
    const double *params;
    bool f32;
} cxn_ctx;

static void cxn_loop(void *vc, char **d, const int64_t *s, int64_t n)
{
    const cxn_ctx *c = vc;
    for (int64_t i = 0; i < n; i++) {
        double x[3][2], o[2];
        for (int k = 0; k < c->n; k++) {
            load2(d[k + 1] + i * s[k + 1], c->in_dtype[k], x[k]);
            x[k][0] = rnd(x[k][0], c->f32), x[k][1] = rnd(x[k][1], c->f32); /* numbers in the opmath */
        }
        c->fn((const double(*)[2])x, o, c->params, c->f32);
        store2(d[0] + i * s[0], c->out_dtype, o);
    }
}

pts_status pts_complex_nary(const pts_op *op, int n, const pts_value *in, int cdtype, int out_dtype, pts_cx_nary fn,
                            const double *params, pts_value *rets)
{
    static const cxn_fn fns[] = {[PTS_CX_LOGADDEXP] = logaddexp_r, [PTS_CX_LERP] = lerp_r, [PTS_CX_ISCLOSE] = isclose_r};
    if (n < 1 || n > 3)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: %d complex operands", OPN, n);
    pts_tensor *ts[3] = {NULL, NULL, NULL}, *ops[4] = {NULL, NULL, NULL, NULL};
    for (int k = 0; k < n; k++)
        ts[k] = in[k].tag == PTS_T_TENSOR ? PTS_TENSOR(in[k]) : NULL;
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(n, ts, &nd, shape, OPN));
    bool inplace = op->schema.nargs > 0 && op->schema.args[0].is_write && ts[0];
    if (inplace) {
        pts_tensor *self = ts[0];
        bool same = nd == self->ndim;
        for (int i = 0; same && i < nd; i++)
            same = shape[i] == self->sizes[i];
        if (!same) {
            char buf[128];
            pts_tensor_describe(self, buf, sizeof buf);
            return pts_err_set(PTS_ERR_VALUE, "%s: output with shape %s doesn't match the broadcast shape", OPN, buf);
        }
        if (pts_tensor_numel(self) > 0)
            PTS_TRY(pts_check_no_internal_overlap(self, OPN));
        PTS_TRY(pts_tensor_make_writable(self));
        pts_obj_retain(&self->hdr);
        ops[0] = self;
    } else if (!(ops[0] = pts_tensor_empty(out_dtype, nd, shape))) {
        return pts_err_last();
    }
    pts_status st = PTS_OK;
    cxn_ctx c = {fns[fn], n, ops[0]->dtype, {0, 0, 0}, params, cdtype == PTS_COMPLEX64};
    for (int k = 0; k < n && !st; k++) {
        if (ts[k]) {
            pts_obj_retain(&ts[k]->hdr);
            ops[k + 1] = ts[k];
        } else if (!(ops[k + 1] = pts_tensor_from_scalar(in[k], PTS_COMPLEX128))) { /* a number, exactly */
            st = pts_err_last();
        }
        if (!st)
            c.in_dtype[k] = ops[k + 1]->dtype;
    }
    pts_iter it;
    if (!st)
        st = pts_iter_init(&it, n + 1, ops, OPN);
    if (!st)
        pts_iter_run(&it, cxn_loop, &c);
    for (int k = 1; k <= n; k++)
        if (ops[k])
            pts_obj_release(&ops[k]->hdr);
    if (st) {
        pts_obj_release(&ops[0]->hdr);
        return st;
    }
    return pts_ret(ops[0], rets);
}

const pts_op_def pts_ops_complex[] = {
    PTS_OP("aten::real(Tensor(a) self) -> Tensor(a)", k_real),
    PTS_OP("aten::imag(Tensor(a) self) -> Tensor(a)", k_imag),
    PTS_OP("aten::view_as_real(Tensor(a) self) -> Tensor(a)", k_view_as_real),
    PTS_OP("aten::view_as_complex(Tensor(a) self) -> Tensor(a)", k_view_as_complex),
    PTS_OP("aten::conj(Tensor(a) self) -> Tensor(a)", k_conj),
    PTS_OP("aten::_conj(Tensor(a) self) -> Tensor(a)", k_conj),
    PTS_OP("aten::conj_physical(Tensor self) -> Tensor", k_conj),
    PTS_OP("aten::conj_physical_(Tensor(a!) self) -> Tensor(a!)", k_conj_physical_),
    PTS_OP("aten::resolve_conj(Tensor(a) self) -> Tensor(a)", k_resolve_conj),
    PTS_OP("aten::polar(Tensor abs, Tensor angle) -> Tensor", k_polar),
    PTS_OP("aten::complex(Tensor real, Tensor imag) -> Tensor", k_complex),
    PTS_OP("aten::angle(Tensor self) -> Tensor", k_angle),
    {NULL, NULL},
};
