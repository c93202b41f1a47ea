/* norm.c - normalization: batch_norm (+ native_batch_norm and the
 * _native_batch_norm_legit forms), layer_norm / native_layer_norm,
 * group_norm / native_group_norm, instance_norm.
 *
 * Statistics (mean, biased variance) are computed in double with two passes
 * over contiguous runs, then rounded to the compute type the way ATen's CPU
 * kernels hold them; the normalization itself is the same affine map ATen
 * applies: batch/instance norm y = x * alpha + beta with alpha = invstd *
 * weight, beta = bias - mean * alpha; group norm y = x * scale + shift with
 * scale = rstd * weight, shift = -scale * mean + bias; layer norm y = (x *
 * rstd - rstd * mean) * weight + bias.  Training-mode batch norm updates
 * the running stats in place (momentum, unbiased variance), as torch does.
 */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

/* ---- moments -------------------------------------------------------------------------- */

/* Group i reads nblocks runs of len elements starting at i*gstride, bstride
 * apart. */
typedef struct moments_job {
    int cd;
    const void *x;
    int64_t nblocks, bstride, len, gstride;
    double *mean, *var;
} moments_job;

#define DEFINE_MOMENTS(T)                                                                  \
    static void moments_##T(const moments_job *j, int64_t g)                              \
    {                                                                                      \
        const T *x = (const T *)j->x + g * j->gstride;                                     \
        double s = 0, q = 0, n = (double)(j->nblocks * j->len);                            \
        for (int64_t b = 0; b < j->nblocks; b++)                                           \
            for (int64_t i = 0; i < j->len; i++)                                           \
                s += x[b * j->bstride + i];                                                \
        double m = s / n;                                                                  \
        for (int64_t b = 0; b < j->nblocks; b++)                                           \
            for (int64_t i = 0; i < j->len; i++) {                                         \
                double d = x[b * j->bstride + i] - m;                                      \
                q += d * d;                                                                \
            }                                                                              \
        j->mean[g] = m;                                                                    \
        j->var[g] = q / n;                                                                 \
    }

DEFINE_MOMENTS(float)
DEFINE_MOMENTS(double)

static void moments_range(void *ctx, int64_t begin, int64_t end)
{
    const moments_job *j = ctx;
    for (int64_t g = begin; g < end; g++) {
        if (j->cd == PTS_FLOAT64)
            moments_double(j, g);
        else
            moments_float(j, g);
    }
}

static void moments(moments_job *j, int64_t ngroups)
{
    int64_t per = j->nblocks * j->len;
    pts_parallel_for(ngroups, per >= 4096 ? 1 : 4096 / (per + 1) + 1, moments_range, j);
}

/* ---- per-plane affine map y = x * a[p] + b[p] --------------------------------------------- */

typedef struct affine_job {
    int cd;
    const void *x, *a, *b; /* a, b: compute-type arrays indexed by plane % na */
    void *y;
    int64_t S, na;
    bool center; /* y = (x - b) * a instead */
} affine_job;

static void affine_range(void *ctx, int64_t begin, int64_t end)
{
    const affine_job *j = ctx;
    for (int64_t p = begin; p < end; p++) {
        int64_t k = p % j->na;
        if (j->cd == PTS_FLOAT64) {
            const double *x = (const double *)j->x + p * j->S, a = ((const double *)j->a)[k], b = ((const double *)j->b)[k];
            double *y = (double *)j->y + p * j->S;
            if (j->center)
                for (int64_t i = 0; i < j->S; i++)
                    y[i] = (x[i] - b) * a;
            else
                for (int64_t i = 0; i < j->S; i++)
                    y[i] = x[i] * a + b;
        } else {
            /* x * a + b with one rounding, as ATen's vectorized (fused multiply-add) loop
             * computes it: the float product is exact in double */
            const float *x = (const float *)j->x + p * j->S;
            double a = ((const float *)j->a)[k], b = ((const float *)j->b)[k];
            float *y = (float *)j->y + p * j->S;
            if (j->center)
                for (int64_t i = 0; i < j->S; i++)
                    y[i] = (x[i] - (float)b) * (float)a;
            else
                for (int64_t i = 0; i < j->S; i++)
                    y[i] = (float)((double)x[i] * a + b);
        }
    }
}

static void affine(affine_job *j, int64_t nplanes)
{
    pts_parallel_for(nplanes, j->S >= 4096 ? 1 : 4096 / (j->S + 1) + 1, affine_range, j);
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* Element i of a 1-D (any strides) tensor as double, or dflt when t is NULL. */
static double elem(const pts_tensor *t, int64_t i, double dflt)
{
    if (!t)
        return dflt;
    int64_t st = t->ndim ? t->strides[t->ndim - 1] : 0;
    return pts_load_f64((const char *)pts_tensor_data(t) + i * st * pts_dtype_get(t->dtype)->itemsize, t->dtype);
}

static void set_elem(pts_tensor *t, int64_t i, double v)
{
    int64_t st = t->ndim ? t->strides[t->ndim - 1] : 0;
    pts_store_f64((char *)pts_tensor_data(t) + i * st * pts_dtype_get(t->dtype)->itemsize, t->dtype, v);
}

static pts_status check_param(const char *op, const char *what, const pts_tensor *t, int64_t n)
{
    if (t && pts_tensor_numel(t) != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s should contain %lld elements not %lld", op, what, (long long)n,
                           (long long)pts_tensor_numel(t));
    if (t && t->ndim > 1) /* elem() walks the last dim only */
        return pts_err_set(PTS_ERR_VALUE, "%s: %s must be 1-D", op, what);
    return PTS_OK;
}

/* ATen's layer and group norms clamp the variance at 0 with std::max, which
 * keeps a NaN (from NaN or inf inputs). */
static double clamp_var(double v) { return v < 0 ? 0 : v; }

/* Their Welford mean turns inf into NaN (inf - inf) as soon as a value
 * follows it: a group with a NaN/inf input (NaN variance) gets a NaN mean;
 * an empty group has mean 0 (and variance 0/0). */
static double welford_mean(double m, double v, int64_t n) { return n == 0 ? 0 : isnan(v) ? NAN : m; }

/* ATen's parameter dtype rule (check_mixed_data_type): the defined
 * parameters have the input's dtype, or the input is float16/bfloat16 and
 * they are all float32 ("mixed": statistics are then float32).  *stats_dt
 * is the dtype of saved statistics. */
static pts_status param_dtypes(const char *op, int dt, pts_tensor *const *ps, int n, int *stats_dt)
{
    bool same = true, all_f32 = true;
    for (int i = 0; i < n; i++) {
        if (!ps[i])
            continue;
        same = same && ps[i]->dtype == dt;
        all_f32 = all_f32 && ps[i]->dtype == PTS_FLOAT32;
    }
    *stats_dt = dt;
    if (same)
        return PTS_OK;
    if ((dt == PTS_FLOAT16 || dt == PTS_BFLOAT16) && all_f32) {
        *stats_dt = PTS_FLOAT32;
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_TYPE, "%s: mixed dtype (CPU): expect parameter to have scalar type of Float", op);
}

/* Round v to the compute type (float32 math for float32/16/bf16 inputs). */
static double to_cd(int cd, double v) { return cd == PTS_FLOAT64 ? v : (double)(float)v; }

static void put_cd(void *arr, int cd, int64_t i, double v)
{
    if (cd == PTS_FLOAT64)
        ((double *)arr)[i] = v;
    else
        ((float *)arr)[i] = (float)v;
}

/* Output of dtype dt from the compute-dtype tensor y (steals y). */
static pts_status ret_cast(pts_tensor *y, int dt, pts_value *ret)
{
    y = pts_nn_cast(y, dt);
    if (!y)
        return pts_err_last();
    *ret = pts_ret_tensor(y);
    return PTS_OK;
}

/* 1-D tensor [n] of dtype dt holding vals (or n == 0). */
static pts_status ret_vec(int dt, int ndim, const int64_t *sizes, const double *vals, pts_value *ret)
{
    pts_tensor *t = pts_tensor_empty(dt, ndim, sizes);
    if (!t)
        return pts_err_last();
    int64_t n = pts_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        pts_store_f64((char *)pts_tensor_data(t) + i * pts_dtype_get(dt)->itemsize, dt, vals[i]);
    *ret = pts_ret_tensor(t);
    return PTS_OK;
}

/* ---- batch norm ----------------------------------------------------------------------------- */

typedef struct bn_args {
    pts_tensor *x, *w, *b, *rm, *rv;
    bool training;
    double momentum, eps;
    bool per_instance; /* instance norm: statistics per (n, c) */
    bool reduced_stats; /* instance norm of float16/bfloat16 without weight/bias: running stats held in that type */
} bn_args;

/* rets[0] = output; if stats, rets[1..2] = save_mean / save_invstd. */
static pts_status bn_run(const char *op, const bn_args *a, bool stats, pts_value *rets)
{
    pts_tensor *x0 = a->x;
    if (x0->ndim < 2) {
        if (x0->ndim == 1 && x0->sizes[0] == 0 && !stats && !a->w && !a->b) { /* as torch: empty 1-D in, empty out */
            rets[0] = pts_ret_tensor(pts_tensor_contiguous_copy(x0));
            return rets[0].u.o ? PTS_OK : (rets[0] = pts_none(), pts_err_last());
        }
        return pts_err_set(PTS_ERR_VALUE, "%s: expected at least 2-D input (got %d-D)", op, x0->ndim);
    }
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    int64_t N = x0->sizes[0], C = x0->sizes[1], S = 1;
    for (int i = 2; i < x0->ndim; i++)
        S *= x0->sizes[i];
    PTS_TRY(check_param(op, "weight", a->w, C));
    PTS_TRY(check_param(op, "bias", a->b, C));
    PTS_TRY(check_param(op, "running_mean", a->rm, C));
    PTS_TRY(check_param(op, "running_var", a->rv, C));
    bool batch_stats = a->training;
    if (!batch_stats && (!a->rm || !a->rv))
        return pts_err_set(PTS_ERR_VALUE, "%s: running_mean must be defined in evaluation mode", op);
    if (batch_stats && N * C * S == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: input tensor must have at least one element", op);
    int sd; /* dtype of save_mean / save_invstd */
    pts_tensor *params[4] = {a->w, a->b, a->rm, a->rv};
    PTS_TRY(param_dtypes(op, dt, params, 4, &sd));
    int pr = a->reduced_stats && (dt == PTS_FLOAT16 || dt == PTS_BFLOAT16) ? dt : -1;
    if (pr >= 0)
        sd = dt;
    int64_t ng = a->per_instance ? N * C : C;
    pts_tensor *x = pts_nn_contig(x0, cd), *y = NULL;
    double *mean = pts_calloc((size_t)(2 * ng + 1), sizeof(double)), *var = mean ? mean + ng : NULL;
    void *al = pts_malloc((size_t)(2 * ng + 1) * 8);
    pts_status st = PTS_OK;
    if (!x || !(y = pts_tensor_empty(cd, x0->ndim, x0->sizes))) {
        st = pts_err_last();
        goto done;
    }
    if (!mean || !al) {
        st = pts_err_nomem("batch norm statistics", (size_t)ng * 16);
        goto done;
    }
    if (batch_stats) {
        moments_job mj = {cd, pts_tensor_data(x), a->per_instance ? 1 : N, C * S, S, S, mean, var};
        moments(&mj, ng);
    }
    /* running stats update (training with running stats) */
    if (batch_stats && a->rm && a->rv) {
        if ((st = pts_tensor_make_writable(a->rm)) != PTS_OK || (st = pts_tensor_make_writable(a->rv)) != PTS_OK)
            goto done;
        int64_t n = a->per_instance ? S : N * S, reps = a->per_instance ? N : 1;
        /* ATen's instance norm with a float16/bfloat16 input and no weight or
         * bias updates per-instance copies of the running stats in that type
         * and averages them in it */
        int rr = a->per_instance ? pr : -1;
        for (int64_t c = 0; c < C && rr >= 0; c++) {
            double m = 0, v = 0, om = pts_nn_round(rr, (float)elem(a->rm, c, 0)), ov = pts_nn_round(rr, (float)elem(a->rv, c, 0));
            for (int64_t r = 0; r < reps; r++) {
                int64_t g = r * C + c;
                m += pts_nn_round(rr, (float)(a->momentum * mean[g] + (1 - a->momentum) * om));
                v += pts_nn_round(rr, (float)(a->momentum * var[g] * (double)n / (double)(n - 1) + (1 - a->momentum) * ov));
            }
            set_elem(a->rm, c, pts_nn_round(rr, (float)(m / (double)reps)));
            set_elem(a->rv, c, pts_nn_round(rr, (float)(v / (double)reps)));
        }
        for (int64_t c = 0; c < C && rr < 0; c++) {
            double m = 0, v = 0;
            for (int64_t r = 0; r < reps; r++) {
                int64_t g = a->per_instance ? r * C + c : c;
                m += mean[g];
                v += var[g] * (double)n / (double)(n - 1);
            }
            set_elem(a->rm, c, a->momentum * (m / (double)reps) + (1 - a->momentum) * elem(a->rm, c, 0));
            set_elem(a->rv, c, a->momentum * (v / (double)reps) + (1 - a->momentum) * elem(a->rv, c, 0));
        }
    }
    /* alpha / beta per statistics group, in the compute type */
    for (int64_t g = 0; g < ng; g++) {
        int64_t c = g % C;
        double m, inv;
        if (batch_stats) { /* save_mean / save_invstd are held in their dtype sd */
            m = mean[g];
            inv = 1.0 / sqrt(var[g] + a->eps);
            if (sd == PTS_FLOAT16 || sd == PTS_BFLOAT16) {
                m = pts_nn_round(sd, (float)m);
                inv = pts_nn_round(sd, (float)inv);
            } else if (sd != PTS_FLOAT64) {
                m = (double)(float)m;
                inv = (double)(float)inv;
            }
            mean[g] = m;
            var[g] = inv; /* from here on: invstd */
            m = to_cd(cd, m);
            inv = to_cd(cd, inv);
        } else {
            m = to_cd(cd, elem(a->rm, c, 0));
            double rv = to_cd(cd, elem(a->rv, c, 0));
            if (pr >= 0) {
                m = pts_nn_round(pr, (float)m);
                rv = pts_nn_round(pr, (float)rv);
            }
            inv = to_cd(cd, 1.0 / to_cd(cd, sqrt(to_cd(cd, rv + to_cd(cd, a->eps)))));
        }
        double alpha = to_cd(cd, inv * to_cd(cd, elem(a->w, c, 1)));
        double beta = to_cd(cd, to_cd(cd, elem(a->b, c, 0)) - to_cd(cd, m * alpha));
        put_cd(al, cd, g, alpha);
        put_cd((char *)al + (size_t)ng * (cd == PTS_FLOAT64 ? 8 : 4), cd, g, beta);
    }
    affine_job aj = {cd, pts_tensor_data(x), al, (char *)al + (size_t)ng * (cd == PTS_FLOAT64 ? 8 : 4),
                     pts_tensor_data(y), S, ng, false};
    if (N * C * S > 0)
        affine(&aj, N * C);
    st = ret_cast(y, dt, &rets[0]);
    y = NULL;
    if (st == PTS_OK && stats) {
        int64_t n = batch_stats ? C : 0;
        if ((st = ret_vec(sd, 1, &n, mean, &rets[1])) == PTS_OK)
            st = ret_vec(sd, 1, &n, var, &rets[2]);
    }
done:
    pts_free(mean);
    pts_free(al);
    if (x)
        pts_obj_release(&x->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* aten::batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var,
 *                  bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor */
PTS_KERNEL(k_batch_norm)
{
    bn_args bn = {a->input, a->weight, a->bias, a->running_mean, a->running_var, a->training, a->momentum, a->eps,
                  false, false};
    if (bn.x->ndim >= 2 && pts_tensor_numel(bn.x) == 0) { /* ATen returns a copy of an empty input, any mode */
        int64_t C = bn.x->sizes[1];
        PTS_TRY(check_param("batch_norm", "weight", bn.w, C));
        PTS_TRY(check_param("batch_norm", "bias", bn.b, C));
        PTS_TRY(check_param("batch_norm", "running_mean", bn.rm, C));
        PTS_TRY(check_param("batch_norm", "running_var", bn.rv, C));
        pts_tensor *y = pts_tensor_empty(bn.x->dtype, bn.x->ndim, bn.x->sizes);
        if (!y)
            return pts_err_last();
        rets[0] = pts_ret_tensor(y);
        return PTS_OK;
    }
    return bn_run("batch_norm", &bn, false, rets);
}

/* aten::native_batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps) */
PTS_KERNEL(k_native_batch_norm)
{
    bn_args bn = {a->input, a->weight, a->bias, a->running_mean, a->running_var, a->training, a->momentum, a->eps,
                  false, false};
    return bn_run("native_batch_norm", &bn, true, rets);
}

/* aten::_native_batch_norm_legit_no_training(input, weight?, bias?, running_mean, running_var, momentum, eps) */
PTS_KERNEL(k__native_batch_norm_legit_no_training)
{
    bn_args bn = {a->input, a->weight, a->bias, a->running_mean, a->running_var, false, a->momentum, a->eps, false, false};
    return bn_run("_native_batch_norm_legit_no_training", &bn, true, rets);
}

/* aten::_native_batch_norm_legit(input, weight?, bias?, running_mean(a!), running_var(b!), training, momentum, eps) */
PTS_KERNEL(k__native_batch_norm_legit)
{
    bn_args bn = {a->input, a->weight, a->bias, a->running_mean, a->running_var, a->training, a->momentum, a->eps,
                  false, false};
    return bn_run("_native_batch_norm_legit", &bn, true, rets);
}

/* aten::_native_batch_norm_legit.no_stats(input, weight?, bias?, training, momentum, eps) */
PTS_KERNEL(k__native_batch_norm_legit_no_stats)
{
    if (!a->training)
        return pts_err_set(PTS_ERR_VALUE, "_native_batch_norm_legit.no_stats: running_mean must be defined in evaluation mode");
    bn_args bn = {a->input, a->weight, a->bias, NULL, NULL, true, a->momentum, a->eps, false, false};
    return bn_run("_native_batch_norm_legit", &bn, true, rets);
}

/* aten::instance_norm(input, weight?, bias?, running_mean?, running_var?, bool use_input_stats,
 *                     float momentum, float eps, bool cudnn_enabled) -> Tensor */
PTS_KERNEL(k_instance_norm)
{
    bn_args bn = {a->input, a->weight, a->bias, a->running_mean, a->running_var, a->use_input_stats, a->momentum,
                  a->eps, true, false};
    /* ATen's instance norm of a float16/bfloat16 input without weight and bias
     * keeps the (repeated) running stats in the input's type */
    bn.reduced_stats = !bn.w && !bn.b;
    if (bn.x->ndim >= 2 && bn.x->sizes[0] == 0) {
        /* ATen repeats weight/bias/stats per instance (none here) and takes
         * weight[0] / bias[0] of the empty result; running stats become the
         * mean over no instances */
        if (bn.w || bn.b)
            return pts_err_set(PTS_ERR_VALUE, "instance_norm: select(): index 0 out of range for tensor of size [0]");
        if (bn.training && bn.rm && bn.rv) {
            PTS_TRY(pts_tensor_make_writable(bn.rm));
            PTS_TRY(pts_tensor_make_writable(bn.rv));
            for (int64_t c = 0; c < bn.x->sizes[1]; c++) {
                set_elem(bn.rm, c, NAN);
                set_elem(bn.rv, c, NAN);
            }
        }
        pts_tensor *y = pts_tensor_empty(bn.x->dtype, bn.x->ndim, bn.x->sizes);
        if (!y)
            return pts_err_last();
        rets[0] = pts_ret_tensor(y);
        return PTS_OK;
    }
    if (!bn.training) { /* running stats: a per-channel batch norm in eval mode */
        bn.per_instance = false;
        if (!bn.rm || !bn.rv)
            return pts_err_set(PTS_ERR_VALUE, "Expected running_mean and running_var to be defined when use_input_stats is false");
    }
    return bn_run("instance_norm", &bn, false, rets);
}

/* ---- group norm ----------------------------------------------------------------------------- */

/* y = group_norm(x [N, C, S]); mean / rstd [N*G] (double) returned through m, r. */
static pts_status gn_run(const char *op, pts_tensor *x0, int64_t N, int64_t C, int64_t S, int64_t G, pts_tensor *w,
                         pts_tensor *b, double eps, pts_tensor **yo, double **mo, int *sdo)
{
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    if (G <= 0 || C % G)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected number of channels in input to be divisible by num_groups, but got input of shape with %lld channels and num_groups=%lld",
                           op, (long long)C, (long long)G);
    if (pts_tensor_numel(x0) != N * C * S)
        return pts_err_set(PTS_ERR_VALUE, "%s: input has %lld elements, expected N*C*HxW = %lld", op,
                           (long long)pts_tensor_numel(x0), (long long)(N * C * S));
    PTS_TRY(check_param(op, "weight", w, C));
    PTS_TRY(check_param(op, "bias", b, C));
    pts_tensor *params[2] = {w, b};
    PTS_TRY(param_dtypes(op, dt, params, 2, sdo));
    if (N > 0 && S <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected HxW to be greater than 0, got %lld", op, (long long)S);
    int64_t D = C / G, ng = N * G;
    pts_tensor *x = pts_nn_contig(x0, cd), *y = NULL;
    double *mean = pts_calloc((size_t)(2 * ng + 1), sizeof(double)), *var = mean ? mean + ng : NULL;
    void *ab = pts_malloc((size_t)(2 * N * C + 1) * 8);
    pts_status st = PTS_OK;
    if (!x || !(y = pts_tensor_empty(cd, x0->ndim, x0->sizes))) {
        st = pts_err_last();
        goto done;
    }
    if (!mean || !ab) {
        st = pts_err_nomem("group norm statistics", (size_t)ng * 16);
        goto done;
    }
    moments_job mj = {cd, pts_tensor_data(x), 1, 0, D * S, D * S, mean, var};
    if (ng > 0)
        moments(&mj, ng);
    size_t half = (size_t)(N * C) * (cd == PTS_FLOAT64 ? 8 : 4);
    for (int64_t i = 0; i < ng; i++) {
        double m = to_cd(cd, welford_mean(mean[i], var[i], D * S)), v = to_cd(cd, var[i]);
        double r = to_cd(cd, 1.0 / to_cd(cd, sqrt(to_cd(cd, clamp_var(v) + to_cd(cd, eps)))));
        mean[i] = m;
        var[i] = r;
        for (int64_t d = 0; d < D; d++) {
            int64_t c = (i % G) * D + d;
            double scale = to_cd(cd, r * to_cd(cd, elem(w, c, 1)));
            double shift = !w && !b ? m : to_cd(cd, to_cd(cd, -scale * m) + to_cd(cd, elem(b, c, 0)));
            put_cd(ab, cd, (i / G) * C + c, scale);
            put_cd((char *)ab + half, cd, (i / G) * C + c, shift);
        }
    }
    /* without weight and bias ATen's result is (x - mean) * rstd */
    affine_job aj = {cd, pts_tensor_data(x), ab, (char *)ab + half, pts_tensor_data(y), S, N * C, !w && !b};
    if (N * C * S > 0)
        affine(&aj, N * C);
    *yo = y;
    y = NULL;
    *mo = mean;
    mean = NULL;
done:
    pts_free(mean);
    pts_free(ab);
    if (x)
        pts_obj_release(&x->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* aten::group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05,
 *                  bool cudnn_enabled=True) -> Tensor */
PTS_KERNEL(k_group_norm)
{
    pts_tensor *x = a->input;
    if (x->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "group_norm: expected at least 2-D input (got %d-D)", x->ndim);
    int64_t S = 1;
    for (int i = 2; i < x->ndim; i++)
        S *= x->sizes[i];
    pts_tensor *y;
    double *m;
    int sd;
    PTS_TRY(gn_run("group_norm", x, x->sizes[0], x->sizes[1], S, a->num_groups, a->weight, a->bias, a->eps, &y, &m, &sd));
    pts_free(m);
    return ret_cast(y, x->dtype, &rets[0]);
}

/* aten::native_group_norm(Tensor input, Tensor? weight, Tensor? bias, SymInt N, SymInt C, SymInt HxW,
 *                         int group, float eps) -> (Tensor, Tensor, Tensor) */
PTS_KERNEL(k_native_group_norm)
{
    pts_tensor *x = a->input, *y;
    int64_t N = a->N, G = a->group;
    double *m;
    int sd;
    PTS_TRY(gn_run("native_group_norm", x, N, a->C, a->HxW, G, a->weight, a->bias, a->eps, &y, &m, &sd));
    pts_status st = ret_cast(y, x->dtype, &rets[0]);
    int64_t sz[2] = {N, G};
    if (st == PTS_OK && (st = ret_vec(sd, 2, sz, m, &rets[1])) == PTS_OK)
        st = ret_vec(sd, 2, sz, m + N * G, &rets[2]);
    pts_free(m);
    return st;
}

/* ---- layer norm ------------------------------------------------------------------------------- */

typedef struct ln_job {
    int cd;
    const void *x, *w, *b; /* w, b: compute-type [Nn] or NULL */
    void *y;
    int64_t Nn;
    const double *mean, *rstd; /* rounded to the compute type */
} ln_job;

#define DEFINE_LN_ROW(T)                                                                          \
    static void ln_row_##T(const ln_job *j, int64_t r)                                           \
    {                                                                                             \
        const T *x = (const T *)j->x + r * j->Nn, *w = j->w, *b = j->b;                            \
        T *y = (T *)j->y + r * j->Nn, scale = (T)j->rstd[r], bias = (T)(-(T)j->rstd[r] * (T)j->mean[r]); \
        for (int64_t i = 0; i < j->Nn; i++)                                                       \
            y[i] = (x[i] * scale + bias) * (w ? w[i] : (T)1) + (b ? b[i] : (T)0);                 \
    }

DEFINE_LN_ROW(float)
DEFINE_LN_ROW(double)

static void ln_range(void *ctx, int64_t begin, int64_t end)
{
    const ln_job *j = ctx;
    for (int64_t r = begin; r < end; r++) {
        if (j->cd == PTS_FLOAT64)
            ln_row_double(j, r);
        else
            ln_row_float(j, r);
    }
}

/* rets[0] = output; if stats, rets[1..2] = mean / rstd shaped [lead..., 1...]. */
static pts_status ln_run(const char *op, pts_tensor *x0, pts_value normalized_shape, pts_tensor *w0, pts_tensor *b0,
                         double eps, bool stats, pts_value *rets)
{
    int64_t ns[PTS_MAX_DIMS] = {0};
    int nn = 0;
    PTS_TRY(pts_arg_int_list(normalized_shape, ns, PTS_MAX_DIMS, &nn, 0, "normalized_shape"));
    if (nn < 1 || nn > x0->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: normalized_shape of %d dims does not fit an input of %d dims", op, nn,
                           x0->ndim);
    int lead = x0->ndim - nn;
    int64_t Nn = 1, M = 1;
    for (int i = 0; i < nn; i++) {
        if (x0->sizes[lead + i] != ns[i])
            return pts_err_set(PTS_ERR_VALUE, "%s: Given normalized_shape does not match the trailing dims of the input", op);
        Nn *= ns[i];
    }
    for (int i = 0; i < lead; i++)
        M *= x0->sizes[i];
    if ((w0 && pts_tensor_numel(w0) != Nn) || (b0 && pts_tensor_numel(b0) != Nn))
        return pts_err_set(PTS_ERR_VALUE, "%s: weight and bias must have normalized_shape's %lld elements", op, (long long)Nn);
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    int sd;
    pts_tensor *params[2] = {w0, b0};
    PTS_TRY(param_dtypes(op, dt, params, 2, &sd));
    pts_tensor *x = pts_nn_contig(x0, cd), *w = NULL, *b = NULL, *y = NULL;
    double *mean = pts_calloc((size_t)(2 * M + 1), sizeof(double)), *var = mean ? mean + M : NULL;
    pts_status st = PTS_OK;
    if (!x || (w0 && !(w = pts_nn_contig(w0, cd))) || (b0 && !(b = pts_nn_contig(b0, cd))) ||
        !(y = pts_tensor_empty(cd, x0->ndim, x0->sizes))) {
        st = pts_err_last();
        goto done;
    }
    if (!mean) {
        st = pts_err_nomem("layer norm statistics", (size_t)M * 16);
        goto done;
    }
    moments_job mj = {cd, pts_tensor_data(x), 1, 0, Nn, Nn, mean, var};
    if (M > 0)
        moments(&mj, M);
    for (int64_t r = 0; r < M; r++) {
        mean[r] = to_cd(cd, welford_mean(mean[r], var[r], Nn));
        double v = to_cd(cd, var[r]);
        var[r] = to_cd(cd, 1.0 / to_cd(cd, sqrt(to_cd(cd, clamp_var(v) + to_cd(cd, eps)))));
    }
    ln_job lj = {cd, pts_tensor_data(x), w ? pts_tensor_data(w) : NULL, b ? pts_tensor_data(b) : NULL,
                 pts_tensor_data(y), Nn, mean, var};
    if (M * Nn > 0)
        pts_parallel_for(M, Nn >= 4096 ? 1 : 4096 / (Nn + 1) + 1, ln_range, &lj);
    st = ret_cast(y, dt, &rets[0]);
    y = NULL;
    if (st == PTS_OK && stats) {
        int64_t sz[PTS_MAX_DIMS];
        for (int i = 0; i < x0->ndim; i++)
            sz[i] = i < lead ? x0->sizes[i] : 1;
        if ((st = ret_vec(sd, x0->ndim, sz, mean, &rets[1])) == PTS_OK)
            st = ret_vec(sd, x0->ndim, sz, var, &rets[2]);
    }
done:
    pts_free(mean);
    if (x)
        pts_obj_release(&x->hdr);
    if (w)
        pts_obj_release(&w->hdr);
    if (b)
        pts_obj_release(&b->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None,
 *                  float eps=1e-05, bool cudnn_enable=True) -> Tensor */
PTS_KERNEL(k_layer_norm)
{
    return ln_run("layer_norm", a->input, a->normalized_shape, a->weight, a->bias, a->eps, false, rets);
}

/* aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps)
 *     -> (Tensor, Tensor, Tensor) */
PTS_KERNEL(k_native_layer_norm)
{
    return ln_run("native_layer_norm", a->input, a->normalized_shape, a->weight, a->bias, a->eps, true, rets);
}

const pts_op_def pts_ops_norm[] = {
    PTS_OP("aten::batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor", k_batch_norm),
    PTS_OP("aten::native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)", k_native_batch_norm),
    PTS_OP("aten::_native_batch_norm_legit_no_training(Tensor input, Tensor? weight, Tensor? bias, Tensor running_mean, Tensor running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor)", k__native_batch_norm_legit_no_training),
    PTS_OP("aten::_native_batch_norm_legit(Tensor input, Tensor? weight, Tensor? bias, Tensor(a!) running_mean, Tensor(b!) running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)", k__native_batch_norm_legit),
    PTS_OP("aten::_native_batch_norm_legit.no_stats(Tensor input, Tensor? weight, Tensor? bias, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)", k__native_batch_norm_legit_no_stats),
    PTS_OP("aten::instance_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool use_input_stats, float momentum, float eps, bool cudnn_enabled) -> Tensor", k_instance_norm),
    PTS_OP("aten::group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1.0000000000000001e-05, bool cudnn_enabled=True) -> Tensor", k_group_norm),
    PTS_OP("aten::native_group_norm(Tensor input, Tensor? weight, Tensor? bias, SymInt N, SymInt C, SymInt HxW, int group, float eps) -> (Tensor, Tensor, Tensor)", k_native_group_norm),
    PTS_OP("aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1.0000000000000001e-05, bool cudnn_enable=True) -> Tensor", k_layer_norm),
    PTS_OP("aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)", k_native_layer_norm),
    {NULL, NULL},
};
