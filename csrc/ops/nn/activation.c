/* activation.c - activation functions and their in-place forms (relu,
 * hardtanh, leaky_relu, elu/selu/celu, gelu, silu, mish, hardswish,
 * hardsigmoid, softplus, shrinks, threshold, rrelu (training: ops/random), prelu, glu,
 * log_sigmoid), softmax / log_softmax, and the dropout family (identity
 * in eval; training mode draws through ops/random/distributions.c).
 *
 * Pointwise ops run one loop per op over contiguous data of the compute
 * type (float32 for float16/bfloat16, which are converted on the way in and
 * out), split over the pool for big tensors.  The formulas are ATen's CPU
 * ones, including NaN behaviour (relu/hardtanh keep NaN).  In-place forms
 * write through views into the base storage.  relu/relu6/hardtanh/threshold
 * also take integer tensors (computed in int64).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/act_f32.h"
#include "ops/nn/gemm.h"
#include "ops/pointwise/cplx_ops.h"
#include "ops/random/rng.h"
#include "tensor/parallel.h"
#include "tensor/vmath.h"

#define SQRT1_2 0.70710678118654752440  /* M_SQRT1_2 (not in ISO C) */
#define GELU_TANH_BETA 0.79788456080286535588 /* sqrt(2 / pi) = M_SQRT2 * M_2_SQRTPI * 0.5 */

typedef enum act_kind {
    ACT_RELU,
    ACT_HARDTANH,   /* p0 = min, p1 = max (relu6: 0, 6) */
    ACT_LEAKY,      /* p0 = negative slope */
    ACT_ELU,        /* p0 = alpha * scale (negcoef), p1 = scale, p2 = input_scale */
    ACT_GELU,
    ACT_GELU_TANH,
    ACT_SILU,
    ACT_MISH,
    ACT_HARDSWISH,
    ACT_HARDSIGMOID,
    ACT_SOFTPLUS,   /* p0 = beta, p1 = threshold */
    ACT_SOFTSHRINK, /* p0 = lambda */
    ACT_HARDSHRINK, /* p0 = lambda */
    ACT_THRESHOLD,  /* p0 = threshold, p1 = value */
    ACT_LOGSIGMOID,
    ACT_MULZERO,    /* v * 0 (dropout with p = 1: NaN for NaN and +-inf) */
} act_kind;

typedef struct act_job {
    act_kind kind;
    int cd;
    double p0, p1, p2;
    const void *x;
    void *y;
    bool inf_nan; /* float32 exact gelu on ATen's vectorized path: +inf gives NaN */
} act_job;

/* One loop per kind: BODY maps v (type T) to the result. */
#define ACT_LOOP(T, BODY)                      \
    for (int64_t i = b; i < e; i++) {          \
        T v = x[i];                            \
        y[i] = (BODY);                         \
    }

#define DEFINE_ACT(T, EXP, EXPM1, LOG1P, TANH, ERF, FABS)                                                 \
    PTS_SIMD_CLONES static void act_##T(const act_job *j, int64_t b, int64_t e)                          \
    {                                                                                                     \
        const T *x = j->x;                                                                                \
        T *y = j->y, p0 = (T)j->p0, p1 = (T)j->p1, p2 = (T)j->p2;                                         \
        const T zero = 0, three = 3, six = 6;                                                              \
        switch (j->kind) {                                                                                \
        case ACT_RELU: ACT_LOOP(T, v < zero ? zero : v) break;                                            \
        case ACT_HARDTANH: ACT_LOOP(T, hmin_##T(hmax_##T(v, p0), p1)) break;                              \
        case ACT_LEAKY: ACT_LOOP(T, v > zero ? v : v * p0) break;                                         \
        case ACT_ELU: ACT_LOOP(T, v <= zero ? EXPM1(v * p2) * p0 : v * p1) break;                          \
        case ACT_GELU: ACT_LOOP(T, act_gelu_##T(v)) break;                                                \
        case ACT_GELU_TANH: ACT_LOOP(T, act_gelu_tanh_##T(v)) break;                                      \
        case ACT_SILU: ACT_LOOP(T, act_silu_##T(v)) break;                                                \
        case ACT_MISH: ACT_LOOP(T, v * TANH(LOG1P(EXP(v)))) break;                                        \
        case ACT_HARDSWISH: ACT_LOOP(T, act_hardswish_##T(v)) break;                                      \
        case ACT_HARDSIGMOID: ACT_LOOP(T, hmin_##T(hmax_##T(v + three, zero), six) / six) break;          \
        case ACT_SOFTPLUS: ACT_LOOP(T, v * p0 > p1 ? v : LOG1P(EXP(v * p0)) / p0) break;                  \
        case ACT_SOFTSHRINK: ACT_LOOP(T, v > p0 ? v - p0 : (v < -p0 ? v + p0 : v * zero)) break;          \
        case ACT_HARDSHRINK: ACT_LOOP(T, (v >= -p0 && v <= p0) ? zero : v) break;                         \
        case ACT_THRESHOLD: ACT_LOOP(T, v <= p0 ? p1 : v) break;                                          \
        case ACT_LOGSIGMOID: ACT_LOOP(T, (v < zero ? v : zero) - LOG1P(EXP(-FABS(v)))) break;             \
        case ACT_MULZERO: ACT_LOOP(T, v * zero) break;                                                    \
        }                                                                                                 \
    }

/* std::max / std::min as ATen uses them (NaN in the first argument passes). */
#define hmax_float pts_act_max_f32
#define hmin_float pts_act_min_f32
static inline double hmax_double(double a, double b) { return a < b ? b : a; }
static inline double hmin_double(double a, double b) { return b < a ? b : a; }

/* The formulas a planned convolution's epilogue shares (float: ops/nn/act_f32.h). */
#define act_gelu_float pts_act_gelu_f32
#define act_gelu_tanh_float pts_act_gelu_tanh_f32
#define act_silu_float pts_act_silu_f32
#define act_hardswish_float pts_act_hardswish_f32
static inline double act_gelu_double(double v) { return v * 0.5 * (1.0 + erf(v * SQRT1_2)); }
static inline double act_gelu_tanh_double(double v)
{
    const double beta = GELU_TANH_BETA, kappa = 0.044715;
    return 0.5 * v * (1.0 + tanh(beta * (v + kappa * v * v * v)));
}
static inline double act_silu_double(double v) { return v / (1.0 + exp(-v)); }
static inline double act_hardswish_double(double v) { return v * hmin_double(hmax_double(v + 3.0, 0.0), 6.0) / 6.0; }

/* float exp / erf: the vectorizable forms of tensor/vmath.h (within 2 ulp / 1.5e-7, as ATen's
 * vectorized float kernels: Sleef exp, the same A&S erf) */
DEFINE_ACT(float, pts_vexpf, expm1f, log1pf, tanhf, pts_verff, fabsf)
DEFINE_ACT(double, exp, expm1, log1p, tanh, erf, fabs)

/* Integers: relu, hardtanh (clamp) and threshold only. */
static void act_int64(const act_job *j, int64_t b, int64_t e)
{
    const int64_t *x = j->x;
    int64_t *y = j->y;
    for (int64_t i = b; i < e; i++) {
        int64_t v = x[i];
        switch (j->kind) {
        case ACT_RELU: y[i] = v < 0 ? 0 : v; break;
        case ACT_HARDTANH: { /* min(max(v, min_val), max_val), as clamp */
            int64_t t = (double)v < j->p0 ? (int64_t)j->p0 : v;
            y[i] = (double)t > j->p1 ? (int64_t)j->p1 : t;
            break;
        }
        case ACT_MULZERO: y[i] = 0; break;
        case ACT_THRESHOLD: y[i] = (double)v <= j->p0 ? (int64_t)j->p1 : v; break;
        default: y[i] = v; break;
        }
    }
}

static void act_range(void *ctx, int64_t b, int64_t e)
{
    const act_job *j = ctx;
    if (j->cd == PTS_FLOAT32) {
        act_float(j, b, e);
        if (j->inf_nan) {
            const float *x = j->x;
            float *y = j->y;
            for (int64_t i = b; i < e; i++)
                if (x[i] == INFINITY || y[i] == INFINITY) /* y: in place, x was overwritten */
                    y[i] = NAN;
        }
    }
    else if (j->cd == PTS_FLOAT64)
        act_double(j, b, e);
    else
        act_int64(j, b, e);
}

static bool int_ok(act_kind k) { return k == ACT_RELU || k == ACT_HARDTANH || k == ACT_THRESHOLD || k == ACT_MULZERO; }

/* ATen refuses in-place writes into a tensor whose elements share memory
 * (a broadcast dim: stride 0, size > 1). */
static pts_status check_no_overlap(const pts_tensor *t)
{
    for (int d = 0; d < t->ndim && pts_tensor_numel(t) > 0; d++)
        if (t->sizes[d] > 1 && t->strides[d] == 0)
            return pts_err_set(PTS_ERR_VALUE, "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
    return PTS_OK;
}

/* Does ATen run its vectorized gelu loop over t (a contiguous input of more
 * than one element)?  Its float32 erf-based gelu turns +inf into NaN there
 * (but not on the scalar path taken for other layouts). */
static bool vectorized_layout(const pts_tensor *t)
{
    return pts_tensor_numel(t) >= 2 && pts_tensor_is_contiguous(t);
}


/* Run an activation on x0; inplace writes back into it. */
static pts_status act_run(const char *op, act_kind kind, double p0, double p1, double p2, pts_tensor *x0,
                          pts_value *rets, bool inplace)
{
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (cd < 0 && int_ok(kind) && di && di->is_int)
        cd = PTS_INT64;
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    if (inplace) {
        if (kind != ACT_THRESHOLD) /* ATen's threshold_ does not check */
            PTS_TRY(check_no_overlap(x0));
        PTS_TRY(pts_tensor_make_writable(x0));
    }
    int64_t n = pts_tensor_numel(x0);
    /* in place on the tensor itself when it already is contiguous compute data */
    bool direct = inplace && dt == cd && pts_tensor_is_contiguous(x0);
    pts_tensor *x = direct ? NULL : pts_nn_contig(x0, cd), *y = NULL;
    if (!direct && !x)
        return pts_err_last();
    if (direct) {
        y = x0;
        pts_obj_retain(&y->hdr);
    } else if (inplace && x != x0) {
        y = x; /* compute in the private copy, then write back */
        pts_obj_retain(&y->hdr);
    } else if (!(y = pts_tensor_empty(cd, x0->ndim, x0->sizes))) {
        pts_obj_release(&x->hdr);
        return pts_err_last();
    }
    act_job j = {kind, cd, p0, p1, p2, pts_tensor_data(direct ? x0 : x), pts_tensor_data(y),
                 kind == ACT_GELU && dt == PTS_FLOAT32 && vectorized_layout(x0)};
    /* cheap kinds (compares, a multiply) vectorize to well under a ns per element: split
     * them only when each thread gets enough to pay for waking it (tensor/iter.c's grain) */
    bool cheap = kind == ACT_RELU || kind == ACT_HARDTANH || kind == ACT_LEAKY || kind == ACT_THRESHOLD ||
                 kind == ACT_HARDSHRINK || kind == ACT_SOFTSHRINK || kind == ACT_MULZERO || kind == ACT_HARDSIGMOID ||
                 kind == ACT_HARDSWISH;
    if (n > 0)
        pts_parallel_for(n, cheap ? 65536 : 32768, act_range, &j);
    if (x)
        pts_obj_release(&x->hdr);
    if (inplace) {
        pts_status st = direct ? PTS_OK : pts_nn_copy_into(x0, y);
        pts_obj_release(&y->hdr);
        if (st != PTS_OK)
            return st;
        rets[0] = pts_ret_tensor_ref(x0);
        return PTS_OK;
    }
    y = pts_nn_cast(y, dt);
    if (!y)
        return pts_err_last();
    rets[0] = pts_ret_tensor(y);
    return PTS_OK;
}

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* The activations: one kernel per schema, each reading its arguments by name. */
PTS_KERNEL(k_relu) { return act_run("relu", ACT_RELU, 0, 0, 0, a->self, rets, false); }
PTS_KERNEL(k_relu_) { return act_run("relu_", ACT_RELU, 0, 0, 0, a->self, rets, true); }
PTS_KERNEL(k_relu6) { return act_run("relu6", ACT_HARDTANH, 0, 6, 0, a->self, rets, false); }
PTS_KERNEL(k_relu6_) { return act_run("relu6_", ACT_HARDTANH, 0, 6, 0, a->self, rets, true); }

static pts_status hardtanh_run(pts_tensor *self, pts_value min_val, pts_value max_val, pts_value *rets, bool inplace)
{
    double lo = pts_arg_double(min_val), hi = pts_arg_double(max_val);
    if (self->dtype == PTS_UINT8 && (lo < 0 || hi < 0))
        return pts_err_set(PTS_ERR_VALUE, "cannot do hardtanh on an unsigned type with negative limits");
    return act_run("hardtanh", ACT_HARDTANH, lo, hi, 0, self, rets, inplace);
}

PTS_KERNEL(k_hardtanh) { return hardtanh_run(a->self, a->min_val, a->max_val, rets, false); }
PTS_KERNEL(k_hardtanh_) { return hardtanh_run(a->self, a->min_val, a->max_val, rets, true); }
PTS_KERNEL(k_leaky_relu) { return act_run("leaky_relu", ACT_LEAKY, pts_arg_double(a->negative_slope), 0, 0, a->self, rets, false); }
PTS_KERNEL(k_leaky_relu_) { return act_run("leaky_relu_", ACT_LEAKY, pts_arg_double(a->negative_slope), 0, 0, a->self, rets, true); }

/* elu: negcoef = alpha * scale, poscoef = scale, negiptcoef = input_scale */
static pts_status elu_run(const char *op, pts_tensor *self, pts_value alpha, pts_value scale, pts_value input_scale,
                          pts_value *rets, bool inplace)
{
    double al = pts_arg_double(alpha), sc = pts_arg_double(scale);
    return act_run(op, ACT_ELU, al * sc, sc, pts_arg_double(input_scale), self, rets, inplace);
}

PTS_KERNEL(k_elu) { return elu_run("elu", a->self, a->alpha, a->scale, a->input_scale, rets, false); }
PTS_KERNEL(k_elu_) { return elu_run("elu_", a->self, a->alpha, a->scale, a->input_scale, rets, true); }

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

PTS_KERNEL(k_selu) { return act_run("selu", ACT_ELU, SELU_ALPHA * SELU_SCALE, SELU_SCALE, 1, a->self, rets, false); }
PTS_KERNEL(k_selu_) { return act_run("selu_", ACT_ELU, SELU_ALPHA * SELU_SCALE, SELU_SCALE, 1, a->self, rets, true); }
PTS_KERNEL(k_celu)
{
    double al = pts_arg_double(a->alpha);
    return act_run("celu", ACT_ELU, al, 1, 1.0 / al, a->self, rets, false);
}
PTS_KERNEL(k_celu_)
{
    double al = pts_arg_double(a->alpha);
    return act_run("celu_", ACT_ELU, al, 1, 1.0 / al, a->self, rets, true);
}
PTS_KERNEL(k_silu)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128) /* x / (1 + exp(-x)) */
        return pts_complex_unary(op, a->self, "silu", rets);
    return act_run("silu", ACT_SILU, 0, 0, 0, a->self, rets, false);
}
PTS_KERNEL(k_silu_)
{
    if (a->self->dtype == PTS_COMPLEX64 || a->self->dtype == PTS_COMPLEX128)
        return pts_complex_unary(op, a->self, "silu", rets);
    return act_run("silu_", ACT_SILU, 0, 0, 0, a->self, rets, true);
}
PTS_KERNEL(k_mish) { return act_run("mish", ACT_MISH, 0, 0, 0, a->self, rets, false); }
PTS_KERNEL(k_mish_) { return act_run("mish_", ACT_MISH, 0, 0, 0, a->self, rets, true); }
PTS_KERNEL(k_hardswish) { return act_run("hardswish", ACT_HARDSWISH, 0, 0, 0, a->self, rets, false); }
PTS_KERNEL(k_hardswish_) { return act_run("hardswish_", ACT_HARDSWISH, 0, 0, 0, a->self, rets, true); }
PTS_KERNEL(k_hardsigmoid) { return act_run("hardsigmoid", ACT_HARDSIGMOID, 0, 0, 0, a->self, rets, false); }
PTS_KERNEL(k_hardsigmoid_) { return act_run("hardsigmoid_", ACT_HARDSIGMOID, 0, 0, 0, a->self, rets, true); }
PTS_KERNEL(k_softplus)
{
    return act_run("softplus", ACT_SOFTPLUS, pts_arg_double(a->beta), pts_arg_double(a->threshold), 0, a->self, rets, false);
}
PTS_KERNEL(k_softshrink)
{
    double l = pts_arg_double(a->lambd);
    if (!(l >= 0))
        return pts_err_set(PTS_ERR_VALUE, "lambda must be greater or equal to 0, but found to be %g", l);
    return act_run("softshrink", ACT_SOFTSHRINK, l, 0, 0, a->self, rets, false);
}
PTS_KERNEL(k_hardshrink) { return act_run("hardshrink", ACT_HARDSHRINK, pts_arg_double(a->lambd), 0, 0, a->self, rets, false); }

static pts_status threshold_run(pts_tensor *self, pts_value threshold, pts_value value, pts_value *rets, bool inplace)
{
    int dt = self->dtype;
    double th = pts_arg_double(threshold), v = pts_arg_double(value);
    PTS_TRY(pts_nn_check_int_scalar("threshold", dt, threshold));
    PTS_TRY(pts_nn_check_int_scalar("threshold", dt, value));
    return act_run("threshold", ACT_THRESHOLD, th, v, 0, self, rets, inplace);
}

PTS_KERNEL(k_threshold) { return threshold_run(a->self, a->threshold, a->value, rets, false); }
PTS_KERNEL(k_threshold_) { return threshold_run(a->self, a->threshold, a->value, rets, true); }
PTS_KERNEL(k_log_sigmoid) { return act_run("log_sigmoid", ACT_LOGSIGMOID, 0, 0, 0, a->self, rets, false); }

/* gelu(Tensor self, *, str approximate="none") and gelu_ */
static pts_status gelu_run(pts_tensor *self, const char *approximate, pts_value *rets, bool inplace)
{
    act_kind k;
    if (strcmp(approximate, "none") == 0)
        k = ACT_GELU;
    else if (strcmp(approximate, "tanh") == 0)
        k = ACT_GELU_TANH;
    else
        return pts_err_set(PTS_ERR_VALUE, "approximate argument must be either none or tanh.");
    return act_run("gelu", k, 0, 0, 0, self, rets, inplace);
}

PTS_KERNEL(k_gelu) { return gelu_run(a->self, a->approximate, rets, false); }
PTS_KERNEL(k_gelu_) { return gelu_run(a->self, a->approximate, rets, true); }

/* rrelu(self, lower, upper, training, generator): eval = leaky_relu((lower + upper) / 2) */
static pts_status rrelu_run(pts_tensor *self, pts_value lower, pts_value upper, bool training, pts_value generator, pts_value *rets,
                            bool inplace)
{
    if (training)
        return pts_rng_rrelu_train(inplace ? "rrelu_" : "rrelu", self, NULL, pts_arg_double(lower), pts_arg_double(upper),
                                   generator, inplace, rets);
    double slope = (pts_arg_double(lower) + pts_arg_double(upper)) / 2;
    return act_run("rrelu", ACT_LEAKY, slope, 0, 0, self, rets, inplace);
}

PTS_KERNEL(k_rrelu) { return rrelu_run(a->self, a->lower, a->upper, a->training, a->generator, rets, false); }
PTS_KERNEL(k_rrelu_) { return rrelu_run(a->self, a->lower, a->upper, a->training, a->generator, rets, true); }

/* ---- prelu ------------------------------------------------------------------------------ */

/* A view of w broadcast (trailing-aligned) to x's shape, or NULL. */
static pts_tensor *broadcast_to(const pts_tensor *w, const pts_tensor *x)
{
    int64_t st[PTS_MAX_DIMS];
    if (w->ndim > x->ndim)
        goto bad;
    for (int d = 0; d < x->ndim; d++) {
        int wd = d - (x->ndim - w->ndim);
        if (wd < 0 || w->sizes[wd] == 1)
            st[d] = 0;
        else if (w->sizes[wd] == x->sizes[d])
            st[d] = w->strides[wd];
        else
            goto bad;
    }
    return pts_tensor_view_of(w->storage, w->dtype, x->ndim, x->sizes, st, w->offset);
bad:
    pts_err_set(PTS_ERR_VALUE, "prelu: weight cannot be broadcast to the input's shape");
    return NULL;
}

#define DEFINE_PRELU(T)                                                         \
    static void prelu_##T(const T *x, const T *w, T *y, int64_t n)             \
    {                                                                           \
        for (int64_t i = 0; i < n; i++)                                         \
            y[i] = x[i] > 0 ? x[i] : w[i] * x[i];                               \
    }

DEFINE_PRELU(float)
DEFINE_PRELU(double)

/* y = x > 0 ? x : w * x with w broadcast to x (w already shaped for it). */
static pts_status prelu_bcast(pts_tensor *x0, pts_tensor *w0, pts_value *rets)
{
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype("prelu", dt);
    if (w0->dtype != dt)
        return pts_err_set(PTS_ERR_TYPE, "prelu: weight must have the input's dtype");
    pts_tensor *wb = broadcast_to(w0, x0), *x = NULL, *w = NULL, *y = NULL;
    pts_status st = PTS_OK;
    if (!wb || !(x = pts_nn_contig(x0, cd)) || !(w = pts_nn_contig(wb, cd)) ||
        !(y = pts_tensor_empty(cd, x0->ndim, x0->sizes))) {
        st = pts_err_last();
        goto done;
    }
    if (cd == PTS_FLOAT64)
        prelu_double(pts_tensor_data(x), pts_tensor_data(w), pts_tensor_data(y), pts_tensor_numel(x));
    else
        prelu_float(pts_tensor_data(x), pts_tensor_data(w), pts_tensor_data(y), pts_tensor_numel(x));
    y = pts_nn_cast(y, dt);
    if (!y) {
        st = pts_err_last();
        goto done;
    }
    rets[0] = pts_ret_tensor(y);
    y = NULL;
done:
    if (wb)
        pts_obj_release(&wb->hdr);
    if (x)
        pts_obj_release(&x->hdr);
    if (w)
        pts_obj_release(&w->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* aten::prelu(Tensor self, Tensor weight) -> Tensor: weight has 1 or C (= dim 1) elements */
PTS_KERNEL(k_prelu)
{
    pts_tensor *x = a->self, *w = a->weight;
    int64_t nw = pts_tensor_numel(w);
    if (w->ndim > 1)
        return pts_err_set(PTS_ERR_VALUE, "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = %d", w->ndim);
    if (nw != 1 && (x->ndim < 2 ? true : x->sizes[1] != nw))
        return pts_err_set(PTS_ERR_VALUE, "prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = %lld",
                           (long long)nw);
    /* view w as [C, 1, ...] to line up with dim 1 */
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS];
    int nd = x->ndim >= 2 ? x->ndim - 1 : 0;
    for (int d = 0; d < nd; d++) {
        sz[d] = d == 0 ? nw : 1;
        st[d] = d == 0 && w->ndim ? w->strides[0] : 0;
    }
    pts_tensor *wv = pts_tensor_view_of(w->storage, w->dtype, nd, sz, st, w->offset);
    if (!wv)
        return pts_err_last();
    pts_status s = prelu_bcast(x, wv, rets);
    pts_obj_release(&wv->hdr);
    return s;
}

/* aten::_prelu_kernel(Tensor self, Tensor weight) -> Tensor: weight broadcasts */
PTS_KERNEL(k__prelu_kernel) { return prelu_bcast(a->self, a->weight, rets); }

/* ---- glu ---------------------------------------------------------------------------------- */

/* aten::glu(Tensor self, int dim=-1) -> Tensor: first half * sigmoid(second half) */
PTS_KERNEL(k_glu)
{
    pts_tensor *x0 = a->self;
    if (x0->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "glu does not support scalars because halving size must be even");
    int dim = 0;
    PTS_TRY(pts_wrap_dim(a->dim, x0->ndim, "glu", &dim));
    int64_t D = x0->sizes[dim];
    if (D % 2)
        return pts_err_set(PTS_ERR_VALUE, "Halving dimension must be even, but dimension %d is size %lld", dim, (long long)D);
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype("glu", dt);
    int64_t outer = 1, inner = 1, osz[PTS_MAX_DIMS];
    for (int d = 0; d < x0->ndim; d++) {
        osz[d] = d == dim ? D / 2 : x0->sizes[d];
        if (d < dim)
            outer *= x0->sizes[d];
        else if (d > dim)
            inner *= x0->sizes[d];
    }
    pts_tensor *x = pts_nn_contig(x0, cd), *y = x ? pts_tensor_empty(cd, x0->ndim, osz) : NULL;
    if (!y) {
        if (x)
            pts_obj_release(&x->hdr);
        return pts_err_last();
    }
    int64_t H = D / 2 * inner;
    for (int64_t o = 0; o < outer; o++) {
        if (cd == PTS_FLOAT64) {
            const double *p = (const double *)pts_tensor_data(x) + o * 2 * H, *q = p + H;
            double *r = (double *)pts_tensor_data(y) + o * H;
            for (int64_t i = 0; i < H; i++)
                r[i] = p[i] * (1.0 / (1.0 + exp(-q[i])));
        } else {
            const float *p = (const float *)pts_tensor_data(x) + o * 2 * H, *q = p + H;
            float *r = (float *)pts_tensor_data(y) + o * H;
            for (int64_t i = 0; i < H; i++)
                r[i] = p[i] * (1.0f / (1.0f + expf(-q[i])));
        }
    }
    pts_obj_release(&x->hdr);
    y = pts_nn_cast(y, dt);
    if (!y)
        return pts_err_last();
    rets[0] = pts_ret_tensor(y);
    return PTS_OK;
}

/* ---- softmax ---------------------------------------------------------------------------------- */

typedef struct smax_job {
    int cd;
    bool log;
    const void *x;
    void *y;
    int64_t D, inner;
} smax_job;

/* One line of D elements, stride `inner`. Sum in double. */
#define DEFINE_SMAX_LINE(T, EXP, LOG)                                                 \
    static void smax_line_##T(const smax_job *j, const T *x, T *y)                   \
    {                                                                                 \
        int64_t D = j->D, s = j->inner;                                               \
        T m = -INFINITY;                                                              \
        for (int64_t i = 0; i < D; i++)                                               \
            if (!(x[i * s] <= m))                                                     \
                m = x[i * s]; /* NaN wins */                                          \
        double sum = 0;                                                               \
        for (int64_t i = 0; i < D; i++) {                                             \
            T e = EXP(x[i * s] - m);                                                  \
            sum += e;                                                                 \
            if (!j->log)                                                              \
                y[i * s] = e;                                                         \
        }                                                                             \
        if (j->log) {                                                                 \
            T ls = (T)LOG(sum);                                                       \
            for (int64_t i = 0; i < D; i++)                                           \
                y[i * s] = x[i * s] - m - ls;                                         \
        } else {                                                                      \
            T inv = (T)(1.0 / sum);                                                   \
            for (int64_t i = 0; i < D; i++)                                           \
                y[i * s] *= inv;                                                      \
        }                                                                             \
    }

DEFINE_SMAX_LINE(float, pts_vexpf, log)
DEFINE_SMAX_LINE(double, exp, log)

/* A contiguous float line (inner == 1), the common case, in loops that vectorize: the max with
 * a separate NaN flag (NaN wins), the exponentials stored, then their sum in double (four
 * partial sums: each exp is exact in double and the sums carry 29 more bits than the float
 * result, so the order does not show in it), then the scaling. */
PTS_SIMD_CLONES static void smax_line_float_contig(const smax_job *j, const float *x, float *y)
{
    int64_t D = j->D;
    float m = -INFINITY;
    int nan = 0;
    for (int64_t i = 0; i < D; i++) {
        float v = x[i];
        m = v > m ? v : m;
        nan |= v != v;
    }
    if (nan)
        m = NAN;
    for (int64_t i = 0; i < D; i++) /* log_softmax: y is scratch until the last loop */
        y[i] = pts_vexpf(x[i] - m);
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= D; i += 4) {
        s0 += y[i];
        s1 += y[i + 1];
        s2 += y[i + 2];
        s3 += y[i + 3];
    }
    for (; i < D; i++)
        s0 += y[i];
    double sum = (s0 + s1) + (s2 + s3);
    if (j->log) {
        float ls = (float)log(sum);
        for (int64_t k = 0; k < D; k++)
            y[k] = x[k] - m - ls;
    } else {
        float inv = (float)(1.0 / sum);
        for (int64_t k = 0; k < D; k++)
            y[k] *= inv;
    }
}

static void smax_range(void *ctx, int64_t b, int64_t e)
{
    const smax_job *j = ctx;
    for (int64_t l = b; l < e; l++) {
        int64_t o = l / j->inner, in = l % j->inner, off = o * j->D * j->inner + in;
        if (j->cd == PTS_FLOAT64)
            smax_line_double(j, (const double *)j->x + off, (double *)j->y + off);
        else if (j->inner == 1)
            smax_line_float_contig(j, (const float *)j->x + off, (float *)j->y + off);
        else
            smax_line_float(j, (const float *)j->x + off, (float *)j->y + off);
    }
}

/* softmax of x0 along dim, result in dtype out_dt (compute in its compute type). */
static pts_status softmax_run(const char *op, pts_tensor *x0, int64_t dim64, int out_dt, bool log, pts_value *rets)
{
    int cd = pts_nn_compute_dtype(out_dt), dim = 0;
    if (cd < 0)
        return pts_nn_bad_dtype(op, out_dt);
    PTS_TRY(pts_wrap_dim(dim64, x0->ndim, op, &dim));
    int64_t D = x0->ndim ? x0->sizes[dim] : 1, inner = 1, outer = 1;
    for (int d = 0; d < x0->ndim; d++) {
        if (d < dim)
            outer *= x0->sizes[d];
        else if (d > dim)
            inner *= x0->sizes[d];
    }
    pts_tensor *x = pts_nn_contig(x0, cd), *y = x ? pts_tensor_empty(cd, x0->ndim, x0->sizes) : NULL;
    if (!y) {
        if (x)
            pts_obj_release(&x->hdr);
        return pts_err_last();
    }
    smax_job j = {cd, log, pts_tensor_data(x), pts_tensor_data(y), D, inner};
    int64_t lines = outer * inner;
    if (lines > 0 && D > 0)
        pts_parallel_for(lines, D >= 4096 ? 1 : 4096 / (D + 1) + 1, smax_range, &j);
    pts_obj_release(&x->hdr);
    y = pts_nn_cast(y, out_dt);
    if (!y)
        return pts_err_last();
    rets[0] = pts_ret_tensor(y);
    return PTS_OK;
}

/* softmax.int(Tensor self, int dim, ScalarType? dtype=None) / log_softmax.int: ATen converts self
 * to dtype first (a complex self to a real dtype keeps the real parts), then runs _softmax. */
static pts_status softmax_int(const char *opn, pts_tensor *x, int64_t dim, int dtype, bool log, pts_value *rets)
{
    if (dtype < 0 || !(x->dtype == PTS_COMPLEX64 || x->dtype == PTS_COMPLEX128))
        return softmax_run(opn, x, dim, dtype < 0 ? x->dtype : dtype, log, rets);
    if (pts_nn_compute_dtype(dtype) < 0) /* refused before the conversion: a complex dtype */
        return pts_nn_bad_dtype(opn, dtype);
    pts_tensor *c = pts_tensor_to_dtype(x, dtype);
    if (!c)
        return pts_err_last();
    pts_status st = softmax_run(opn, c, dim, dtype, log, rets);
    pts_obj_release(&c->hdr);
    return st;
}

PTS_KERNEL(k_softmax_int) { return softmax_int("softmax", a->self, a->dim, a->dtype, false, rets); }

PTS_KERNEL(k_log_softmax_int) { return softmax_int("log_softmax", a->self, a->dim, a->dtype, true, rets); }

/* _softmax(Tensor self, int dim, bool half_to_float) / _log_softmax; torch's
 * CPU kernels refuse half_to_float, and so do we. */
static pts_status underscore_softmax(const char *op, pts_tensor *x, int64_t dim, bool half_to_float, bool log,
                                     pts_value *rets)
{
    if (half_to_float)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: softmax with half to float conversion is not supported on CPU", op);
    return softmax_run(op, x, dim, x->dtype, log, rets);
}

PTS_KERNEL(k__softmax) { return underscore_softmax("_softmax", a->self, a->dim, a->half_to_float, false, rets); }
PTS_KERNEL(k__log_softmax) { return underscore_softmax("_log_softmax", a->self, a->dim, a->half_to_float, true, rets); }

/* ---- dropout ---------------------------------------------------------------------------------- */

/* (input, float p, bool train): identity unless training with 0 < p < 1. */
static pts_status dropout_run(const char *op, pts_tensor *x, double p, bool train, pts_value *rets, bool inplace,
                              bool feature, bool alpha)
{
    if (!(p >= 0 && p <= 1))
        return pts_err_set(PTS_ERR_VALUE, "dropout probability has to be between 0 and 1, but got %g", p);
    if (p == 0 || !train || pts_tensor_numel(x) == 0) {
        rets[0] = pts_ret_tensor_ref(x);
        return PTS_OK;
    }
    if (p == 1) { /* input * 0: NaN for NaN and +-inf; false for bool */
        if (x->dtype != PTS_BOOL)
            return act_run(op, ACT_MULZERO, 0, 0, 0, x, rets, inplace);
        pts_tensor *z = pts_tensor_zeros(PTS_BOOL, x->ndim, x->sizes);
        if (!z)
            return pts_err_last();
        if (!inplace) {
            rets[0] = pts_ret_tensor(z);
            return PTS_OK;
        }
        pts_status st = check_no_overlap(x);
        if (st == PTS_OK)
            st = pts_tensor_make_writable(x);
        if (st == PTS_OK)
            st = pts_nn_copy_into(x, z);
        pts_obj_release(&z->hdr);
        if (st == PTS_OK)
            rets[0] = pts_ret_tensor_ref(x);
        return st;
    }
    return pts_rng_dropout(op, x, p, feature, alpha, inplace, rets);
}

/* dropout(Tensor input, ...) out of place, dropout_(Tensor(a!) self, ...) in place */
PTS_KERNEL(k_dropout) { return dropout_run("dropout", a->input, a->p, a->train, rets, false, false, false); }
PTS_KERNEL(k_dropout_) { return dropout_run("dropout_", a->self, a->p, a->train, rets, true, false, false); }
PTS_KERNEL(k_feature_dropout) { return dropout_run("feature_dropout", a->input, a->p, a->train, rets, false, true, false); }
PTS_KERNEL(k_feature_dropout_) { return dropout_run("feature_dropout_", a->self, a->p, a->train, rets, true, true, false); }
PTS_KERNEL(k_alpha_dropout) { return dropout_run("alpha_dropout", a->input, a->p, a->train, rets, false, false, true); }
PTS_KERNEL(k_alpha_dropout_) { return dropout_run("alpha_dropout_", a->self, a->p, a->train, rets, true, false, true); }
PTS_KERNEL(k_feature_alpha_dropout) { return dropout_run("feature_alpha_dropout", a->input, a->p, a->train, rets, false, true, true); }
PTS_KERNEL(k_feature_alpha_dropout_) { return dropout_run("feature_alpha_dropout_", a->self, a->p, a->train, rets, true, true, true); }

const pts_op_def pts_ops_activation[] = {
    PTS_OP("aten::relu(Tensor self) -> Tensor", k_relu),
    PTS_OP("aten::relu_(Tensor(a!) self) -> Tensor(a!)", k_relu_),
    PTS_OP("aten::relu6(Tensor self) -> Tensor", k_relu6),
    PTS_OP("aten::relu6_(Tensor(a!) self) -> Tensor(a!)", k_relu6_),
    PTS_OP("aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", k_hardtanh),
    PTS_OP("aten::hardtanh_(Tensor(a!) self, Scalar min_val=-1, Scalar max_val=1) -> Tensor(a!)", k_hardtanh_),
    PTS_OP("aten::leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor", k_leaky_relu),
    PTS_OP("aten::leaky_relu_(Tensor(a!) self, Scalar negative_slope=0.01) -> Tensor(a!)", k_leaky_relu_),
    PTS_OP("aten::elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor", k_elu),
    PTS_OP("aten::elu_(Tensor(a!) self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor(a!)", k_elu_),
    PTS_OP("aten::selu(Tensor self) -> Tensor", k_selu),
    PTS_OP("aten::selu_(Tensor(a!) self) -> Tensor(a!)", k_selu_),
    PTS_OP("aten::celu(Tensor self, Scalar alpha=1.) -> Tensor", k_celu),
    PTS_OP("aten::celu_(Tensor(a!) self, Scalar alpha=1.) -> Tensor(a!)", k_celu_),
    PTS_OP("aten::gelu(Tensor self, *, str approximate=\"none\") -> Tensor", k_gelu),
    PTS_OP("aten::gelu_(Tensor(a!) self, *, str approximate=\"none\") -> Tensor(a!)", k_gelu_),
    PTS_OP("aten::silu(Tensor self) -> Tensor", k_silu),
    PTS_OP("aten::silu_(Tensor(a!) self) -> Tensor(a!)", k_silu_),
    PTS_OP("aten::mish(Tensor self) -> Tensor", k_mish),
    PTS_OP("aten::mish_(Tensor(a!) self) -> Tensor(a!)", k_mish_),
    PTS_OP("aten::hardswish(Tensor self) -> Tensor", k_hardswish),
    PTS_OP("aten::hardswish_(Tensor(a!) self) -> Tensor(a!)", k_hardswish_),
    PTS_OP("aten::hardsigmoid(Tensor self) -> Tensor", k_hardsigmoid),
    PTS_OP("aten::hardsigmoid_(Tensor(a!) self) -> Tensor(a!)", k_hardsigmoid_),
    PTS_OP("aten::softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor", k_softplus),
    PTS_OP("aten::softshrink(Tensor self, Scalar lambd=0.5) -> Tensor", k_softshrink),
    PTS_OP("aten::hardshrink(Tensor self, Scalar lambd=0.5) -> Tensor", k_hardshrink),
    PTS_OP("aten::threshold(Tensor self, Scalar threshold, Scalar value) -> Tensor", k_threshold),
    PTS_OP("aten::threshold_(Tensor(a!) self, Scalar threshold, Scalar value) -> Tensor(a!)", k_threshold_),
    PTS_OP("aten::rrelu(Tensor self, Scalar lower=0.125, Scalar upper=0.33333333333333331, bool training=False, Generator? generator=None) -> Tensor", k_rrelu),
    PTS_OP("aten::rrelu_(Tensor(a!) self, Scalar lower=0.125, Scalar upper=0.33333333333333331, bool training=False, Generator? generator=None) -> Tensor(a!)", k_rrelu_),
    PTS_OP("aten::prelu(Tensor self, Tensor weight) -> Tensor", k_prelu),
    PTS_OP("aten::_prelu_kernel(Tensor self, Tensor weight) -> Tensor", k__prelu_kernel),
    PTS_OP("aten::glu(Tensor self, int dim=-1) -> Tensor", k_glu),
    PTS_OP("aten::log_sigmoid(Tensor self) -> Tensor", k_log_sigmoid),
    PTS_OP("aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", k_softmax_int),
    PTS_OP("aten::log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", k_log_softmax_int),
    PTS_OP("aten::_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", k__softmax),
    PTS_OP("aten::_log_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", k__log_softmax),
    PTS_OP("aten::dropout(Tensor input, float p, bool train) -> Tensor", k_dropout),
    PTS_OP("aten::dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", k_dropout_),
    PTS_OP("aten::feature_dropout(Tensor input, float p, bool train) -> Tensor", k_feature_dropout),
    PTS_OP("aten::feature_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", k_feature_dropout_),
    PTS_OP("aten::alpha_dropout(Tensor input, float p, bool train) -> Tensor", k_alpha_dropout),
    PTS_OP("aten::alpha_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", k_alpha_dropout_),
    PTS_OP("aten::feature_alpha_dropout(Tensor input, float p, bool train) -> Tensor", k_feature_alpha_dropout),
    PTS_OP("aten::feature_alpha_dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)", k_feature_alpha_dropout_),
    {NULL, NULL},
};
