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

pts_status pts_complex_unary(const pts_op *op, pts_tensor *t, const char *fn, pts_value *rets)
{
    cx_fn f = strcmp(fn, "acosh") == 0 ? acosh_fn : strcmp(fn, "asinh") == 0 ? asinh_fn : strcmp(fn, "atanh") == 0 ?
              atanh_fn : strcmp(fn, "exp2") == 0 ? exp2_fn : strcmp(fn, "sinc") == 0 ? sinc_fn : NULL;
    if (!f)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: no complex function %s", OPN, fn);
    bool inplace = op->schema.nargs > 0 && op->schema.args[0].is_write;
    return cx_map(OPN, t, t->dtype, f, inplace, rets);
}

pts_status pts_complex_isreal(const pts_op *op, pts_tensor *t, pts_value *rets)
{
    return cx_map(OPN, t, PTS_BOOL, isreal_fn, false, rets);
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
