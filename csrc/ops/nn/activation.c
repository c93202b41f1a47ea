/* activation.c - activation functions and their in-place forms (relu,
 * hardtanh, leaky_relu, elu/selu/celu, gelu, silu, mish, hardswish,
 * hardsigmoid, softplus, shrinks, threshold, rrelu in eval, prelu, glu,
 * log_sigmoid), softmax / log_softmax, and the dropout family (identity
 * in eval; random training modes are refused).
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

#include "core/alloc.h"
#include "ops/args.h"
#include "ops/nn/gemm.h"
#include "ops/registry.h"
#include "tensor/parallel.h"

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
    static void act_##T(const act_job *j, int64_t b, int64_t e)                                          \
    {                                                                                                     \
        const T *x = j->x;                                                                                \
        T *y = j->y, p0 = (T)j->p0, p1 = (T)j->p1, p2 = (T)j->p2;                                         \
        const T zero = 0, three = 3, six = 6, half = (T)0.5;                                              \
        switch (j->kind) {                                                                                \
        case ACT_RELU: ACT_LOOP(T, v < zero ? zero : v) break;                                            \
        case ACT_HARDTANH: ACT_LOOP(T, hmin_##T(hmax_##T(v, p0), p1)) break;                              \
        case ACT_LEAKY: ACT_LOOP(T, v > zero ? v : v * p0) break;                                         \
        case ACT_ELU: ACT_LOOP(T, v <= zero ? EXPM1(v * p2) * p0 : v * p1) break;                          \
        case ACT_GELU: ACT_LOOP(T, v * half * ((T)1 + ERF(v * (T)SQRT1_2))) break;                      \
        case ACT_GELU_TANH: {                                                                             \
            const T beta = (T)GELU_TANH_BETA, kappa = (T)0.044715;                          \
            ACT_LOOP(T, half * v * ((T)1 + TANH(beta * (v + kappa * v * v * v))))                         \
            break;                                                                                        \
        }                                                                                                 \
        case ACT_SILU: ACT_LOOP(T, v / ((T)1 + EXP(-v))) break;                                           \
        case ACT_MISH: ACT_LOOP(T, v * TANH(LOG1P(EXP(v)))) break;                                        \
        case ACT_HARDSWISH:                                                                               \
            ACT_LOOP(T, v * hmin_##T(hmax_##T(v + three, zero), six) / six) break;                        \
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
static inline float hmax_float(float a, float b) { return a < b ? b : a; }
static inline float hmin_float(float a, float b) { return b < a ? b : a; }
static inline double hmax_double(double a, double b) { return a < b ? b : a; }
static inline double hmin_double(double a, double b) { return b < a ? b : a; }

DEFINE_ACT(float, expf, expm1f, log1pf, tanhf, erff, fabsf)
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


/* Run an activation on args[0]; inplace writes back into it. */
static pts_status act_run(const char *op, act_kind kind, double p0, double p1, double p2, pts_value *args,
                          pts_value *rets, bool inplace)
{
    pts_tensor *x0 = PTS_ARG_TENSOR(args[0]);
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
    if (n > 0)
        pts_parallel_for(n, 32768, act_range, &j);
    if (x)
        pts_obj_release(&x->hdr);
    if (inplace) {
        pts_status st = direct ? PTS_OK : pts_nn_copy_into(x0, y);
        pts_obj_release(&y->hdr);
        if (st != PTS_OK)
            return st;
        rets[0] = pts_value_retain(args[0]);
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

/* Define k_<name> (out of place) for an activation with fixed parameters. */
#define ACT_KERNEL(name, kind, P0, P1, P2, INPLACE)                                 \
    static pts_status k_##name(const pts_op *op, pts_value *args, pts_value *rets) \
    {                                                                               \
        (void)op;                                                                   \
        return act_run(#name, kind, P0, P1, P2, args, rets, INPLACE);              \
    }

ACT_KERNEL(relu, ACT_RELU, 0, 0, 0, false)
ACT_KERNEL(relu_, ACT_RELU, 0, 0, 0, true)
ACT_KERNEL(relu6, ACT_HARDTANH, 0, 6, 0, false)
ACT_KERNEL(relu6_, ACT_HARDTANH, 0, 6, 0, true)
static pts_status hardtanh_run(pts_value *args, pts_value *rets, bool inplace)
{
    double lo = pts_arg_double(args[1]), hi = pts_arg_double(args[2]);
    if (PTS_ARG_TENSOR(args[0])->dtype == PTS_UINT8 && (lo < 0 || hi < 0))
        return pts_err_set(PTS_ERR_VALUE, "cannot do hardtanh on an unsigned type with negative limits");
    return act_run("hardtanh", ACT_HARDTANH, lo, hi, 0, args, rets, inplace);
}

static pts_status k_hardtanh(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return hardtanh_run(args, rets, false); }
static pts_status k_hardtanh_(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return hardtanh_run(args, rets, true); }
ACT_KERNEL(leaky_relu, ACT_LEAKY, pts_arg_double(args[1]), 0, 0, false)
ACT_KERNEL(leaky_relu_, ACT_LEAKY, pts_arg_double(args[1]), 0, 0, true)
ACT_KERNEL(elu, ACT_ELU, pts_arg_double(args[1]) * pts_arg_double(args[2]), pts_arg_double(args[2]), pts_arg_double(args[3]), false)
ACT_KERNEL(elu_, ACT_ELU, pts_arg_double(args[1]) * pts_arg_double(args[2]), pts_arg_double(args[2]), pts_arg_double(args[3]), true)
ACT_KERNEL(selu, ACT_ELU, SELU_ALPHA * SELU_SCALE, SELU_SCALE, 1, false)
ACT_KERNEL(selu_, ACT_ELU, SELU_ALPHA * SELU_SCALE, SELU_SCALE, 1, true)
ACT_KERNEL(celu, ACT_ELU, pts_arg_double(args[1]), 1, 1.0 / pts_arg_double(args[1]), false)
ACT_KERNEL(celu_, ACT_ELU, pts_arg_double(args[1]), 1, 1.0 / pts_arg_double(args[1]), true)
ACT_KERNEL(silu, ACT_SILU, 0, 0, 0, false)
ACT_KERNEL(silu_, ACT_SILU, 0, 0, 0, true)
ACT_KERNEL(mish, ACT_MISH, 0, 0, 0, false)
ACT_KERNEL(mish_, ACT_MISH, 0, 0, 0, true)
ACT_KERNEL(hardswish, ACT_HARDSWISH, 0, 0, 0, false)
ACT_KERNEL(hardswish_, ACT_HARDSWISH, 0, 0, 0, true)
ACT_KERNEL(hardsigmoid, ACT_HARDSIGMOID, 0, 0, 0, false)
ACT_KERNEL(hardsigmoid_, ACT_HARDSIGMOID, 0, 0, 0, true)
ACT_KERNEL(softplus, ACT_SOFTPLUS, pts_arg_double(args[1]), pts_arg_double(args[2]), 0, false)
static pts_status k_softshrink(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    double l = pts_arg_double(args[1]);
    if (!(l >= 0))
        return pts_err_set(PTS_ERR_VALUE, "lambda must be greater or equal to 0, but found to be %g", l);
    return act_run("softshrink", ACT_SOFTSHRINK, l, 0, 0, args, rets, false);
}
ACT_KERNEL(hardshrink, ACT_HARDSHRINK, pts_arg_double(args[1]), 0, 0, false)
static pts_status threshold_run(pts_value *args, pts_value *rets, bool inplace)
{
    int dt = PTS_ARG_TENSOR(args[0])->dtype;
    double th = pts_arg_double(args[1]), v = pts_arg_double(args[2]);
    PTS_TRY(pts_nn_check_int_scalar("threshold", dt, args[1]));
    PTS_TRY(pts_nn_check_int_scalar("threshold", dt, args[2]));
    return act_run("threshold", ACT_THRESHOLD, th, v, 0, args, rets, inplace);
}

static pts_status k_threshold(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return threshold_run(args, rets, false); }
static pts_status k_threshold_(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return threshold_run(args, rets, true); }
ACT_KERNEL(log_sigmoid, ACT_LOGSIGMOID, 0, 0, 0, false)

/* gelu(Tensor self, *, str approximate="none") and gelu_ */
static pts_status gelu_run(pts_value *args, pts_value *rets, bool inplace)
{
    const char *mode = args[1].tag == PTS_T_STR ? PTS_STR(args[1])->data : "none";
    act_kind k;
    if (strcmp(mode, "none") == 0)
        k = ACT_GELU;
    else if (strcmp(mode, "tanh") == 0)
        k = ACT_GELU_TANH;
    else
        return pts_err_set(PTS_ERR_VALUE, "approximate argument must be either none or tanh.");
    return act_run("gelu", k, 0, 0, 0, args, rets, inplace);
}

static pts_status k_gelu(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return gelu_run(args, rets, false); }
static pts_status k_gelu_(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return gelu_run(args, rets, true); }

/* rrelu(self, lower, upper, training, generator): eval = leaky_relu((lower + upper) / 2) */
static pts_status rrelu_run(pts_value *args, pts_value *rets, bool inplace)
{
    if (pts_arg_bool(args[3]))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "rrelu: random ops are not supported (training=True)");
    double slope = (pts_arg_double(args[1]) + pts_arg_double(args[2])) / 2;
    return act_run("rrelu", ACT_LEAKY, slope, 0, 0, args, rets, inplace);
}

static pts_status k_rrelu(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return rrelu_run(args, rets, false); }
static pts_status k_rrelu_(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return rrelu_run(args, rets, true); }

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
static pts_status k_prelu(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    pts_tensor *x = PTS_ARG_TENSOR(args[0]), *w = PTS_ARG_TENSOR(args[1]);
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
static pts_status k__prelu_kernel(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    return prelu_bcast(PTS_ARG_TENSOR(args[0]), PTS_ARG_TENSOR(args[1]), rets);
}

/* ---- glu ---------------------------------------------------------------------------------- */

/* aten::glu(Tensor self, int dim=-1) -> Tensor: first half * sigmoid(second half) */
static pts_status k_glu(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    pts_tensor *x0 = PTS_ARG_TENSOR(args[0]);
    if (x0->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "glu does not support scalars because halving size must be even");
    int dim;
    PTS_TRY(pts_nn_wrap_dim(pts_arg_int(args[1]), x0->ndim, "glu", &dim));
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
            const double *a = (const double *)pts_tensor_data(x) + o * 2 * H, *b = a + H;
            double *r = (double *)pts_tensor_data(y) + o * H;
            for (int64_t i = 0; i < H; i++)
                r[i] = a[i] * (1.0 / (1.0 + exp(-b[i])));
        } else {
            const float *a = (const float *)pts_tensor_data(x) + o * 2 * H, *b = a + H;
            float *r = (float *)pts_tensor_data(y) + o * H;
            for (int64_t i = 0; i < H; i++)
                r[i] = a[i] * (1.0f / (1.0f + expf(-b[i])));
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

DEFINE_SMAX_LINE(float, expf, log)
DEFINE_SMAX_LINE(double, exp, log)

static void smax_range(void *ctx, int64_t b, int64_t e)
{
    const smax_job *j = ctx;
    for (int64_t l = b; l < e; l++) {
        int64_t o = l / j->inner, in = l % j->inner, off = o * j->D * j->inner + in;
        if (j->cd == PTS_FLOAT64)
            smax_line_double(j, (const double *)j->x + off, (double *)j->y + off);
        else
            smax_line_float(j, (const float *)j->x + off, (float *)j->y + off);
    }
}

/* softmax of x0 along dim, result in dtype out_dt (compute in its compute type). */
static pts_status softmax_run(const char *op, pts_tensor *x0, int64_t dim64, int out_dt, bool log, pts_value *rets)
{
    int cd = pts_nn_compute_dtype(out_dt), dim;
    if (cd < 0)
        return pts_nn_bad_dtype(op, out_dt);
    PTS_TRY(pts_nn_wrap_dim(dim64, x0->ndim, op, &dim));
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

/* softmax.int(Tensor self, int dim, ScalarType? dtype=None) / log_softmax.int */
static pts_status k_softmax_int(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    pts_tensor *x = PTS_ARG_TENSOR(args[0]);
    int dt = PTS_ARG_IS_NONE(args[2]) ? x->dtype : (int)pts_arg_int(args[2]);
    return softmax_run("softmax", x, pts_arg_int(args[1]), dt, false, rets);
}

static pts_status k_log_softmax_int(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    pts_tensor *x = PTS_ARG_TENSOR(args[0]);
    int dt = PTS_ARG_IS_NONE(args[2]) ? x->dtype : (int)pts_arg_int(args[2]);
    return softmax_run("log_softmax", x, pts_arg_int(args[1]), dt, true, rets);
}

/* _softmax(Tensor self, int dim, bool half_to_float) / _log_softmax; torch's
 * CPU kernels refuse half_to_float, and so do we. */
static pts_status underscore_softmax(const char *op, pts_value *args, bool log, pts_value *rets)
{
    pts_tensor *x = PTS_ARG_TENSOR(args[0]);
    if (pts_arg_bool(args[2]))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: softmax with half to float conversion is not supported on CPU", op);
    return softmax_run(op, x, pts_arg_int(args[1]), x->dtype, log, rets);
}

static pts_status k__softmax(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return underscore_softmax("_softmax", args, false, rets); }
static pts_status k__log_softmax(const pts_op *op, pts_value *args, pts_value *rets) { (void)op; return underscore_softmax("_log_softmax", args, true, rets); }

/* ---- dropout ---------------------------------------------------------------------------------- */

/* (input, float p, bool train): identity unless training with 0 < p < 1. */
static pts_status dropout_run(const char *op, pts_value *args, pts_value *rets, bool inplace)
{
    pts_tensor *x = PTS_ARG_TENSOR(args[0]);
    double p = pts_arg_double(args[1]);
    bool train = pts_arg_bool(args[2]);
    if (!(p >= 0 && p <= 1))
        return pts_err_set(PTS_ERR_VALUE, "dropout probability has to be between 0 and 1, but got %g", p);
    if (p == 0 || !train || pts_tensor_numel(x) == 0) {
        rets[0] = pts_value_retain(args[0]);
        return PTS_OK;
    }
    if (p == 1) { /* input * 0: NaN for NaN and +-inf; false for bool */
        if (x->dtype != PTS_BOOL)
            return act_run(op, ACT_MULZERO, 0, 0, 0, args, rets, inplace);
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
            rets[0] = pts_value_retain(args[0]);
        return st;
    }
    return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: random ops are not supported (train=True with p=%g)", op, p);
}

#define DROPOUT_KERNEL(name, INPLACE)                                               \
    static pts_status k_##name(const pts_op *op, pts_value *args, pts_value *rets) \
    {                                                                               \
        (void)op;                                                                   \
        return dropout_run(#name, args, rets, INPLACE);                            \
    }

DROPOUT_KERNEL(dropout, false)
DROPOUT_KERNEL(dropout_, true)
DROPOUT_KERNEL(feature_dropout, false)
DROPOUT_KERNEL(feature_dropout_, true)
DROPOUT_KERNEL(alpha_dropout, false)
DROPOUT_KERNEL(alpha_dropout_, true)
DROPOUT_KERNEL(feature_alpha_dropout, false)
DROPOUT_KERNEL(feature_alpha_dropout_, true)

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
