/* stats.c - statistics and small composites of the OpInfo tail: cov,
 * corrcoef, quantile/nanquantile, histc, trapezoid/trapz/cumulative_trapezoid,
 * sum_to_size, linalg_vecdot/diagonal/vander/multi_dot, _softmax_backward_data,
 * native_dropout_backward, _unsafe_masked_index(_put_accumulate), mode,
 * hash_tensor, histogram, segment_reduce, linalg_tensorinv/tensorsolve.
 * The composites (cov and corrcoef among them) call the registered kernels of
 * the ops torch writes them with (ops/compose.h); quantile, histc, histogram,
 * mode and segment_reduce compute in double over contiguous copies, rounding
 * to the input's dtype where torch's arithmetic does.
 */
#include <stdlib.h>

#include "ops/compose.h"

/* ---- a scope of temporaries for composites -------------------------------------------------- */

/* Values a composite made (new references), released together by sc_drop. */
typedef struct sc {
    pts_value v[24];
    int n;
} sc;

static void sc_drop(sc *s)
{
    for (int i = 0; i < s->n; i++)
        pts_value_release(s->v[i]);
    s->n = 0;
}

/* Keep a tensor (stolen) in the scope; NULL passes through (error set). */
static pts_tensor *sc_t(sc *s, pts_tensor *t)
{
    if (t && s->n < (int)(sizeof s->v / sizeof s->v[0]))
        s->v[s->n++] = pts_obj_value(&t->hdr);
    else if (t) {
        pts_obj_release(&t->hdr);
        pts_err_set(PTS_ERR_INTERNAL, "composite scope is full");
        return NULL;
    }
    return t;
}

/* Keep a value (stolen; None = failure with the error set). */
static pts_value sc_v(sc *s, pts_value v)
{
    if (v.tag != PTS_T_NONE && s->n < (int)(sizeof s->v / sizeof s->v[0]))
        s->v[s->n++] = v;
    return v;
}

/* dst = the tensor result of op `name` on the listed arguments (kept in scope s); NULL: goto fail */
#define CALL(s, dst, name, ...)                                                                  \
    do {                                                                                         \
        pts_value args_[] = {__VA_ARGS__};                                                       \
        dst = sc_t(s, pts_call_t(name, (int)(sizeof args_ / sizeof args_[0]), args_));          \
        if (!dst)                                                                                \
            goto fail;                                                                           \
    } while (0)

/* An int list value of n ints kept in scope (goto fail when out of memory). */
#define ILIST(s, dst, n, p)                                                                      \
    do {                                                                                         \
        dst = sc_v(s, pts_int_list_value(n, p));                                                 \
        if (dst.tag == PTS_T_NONE)                                                               \
            goto fail;                                                                           \
    } while (0)

/* Return t (a scope member) as the result: a new reference. */
static pts_status sc_ret(pts_tensor *t, pts_value *rets)
{
    rets[0] = pts_ret_tensor_ref(t);
    return PTS_OK;
}

/* v rounded to dtype dt (float dtypes) */
static double rnd_to(double v, int dt)
{
    if (dt == PTS_FLOAT32)
        return (double)(float)v;
    if (dt == PTS_FLOAT16)
        return (double)pts_half_to_float(pts_float_to_half((float)v));
    if (dt == PTS_BFLOAT16)
        return (double)pts_bf16_to_float(pts_float_to_bf16((float)v));
    return v;
}

/* A new tensor of dtype dt and the given shape filled with the scalar v (NULL: error set). */
static pts_tensor *filled(int dt, int nd, const int64_t *shape, pts_value v)
{
    pts_tensor *t = pts_tensor_empty(dt, nd, shape), *one = t ? pts_tensor_from_scalar(v, dt) : NULL;
    if (!one) {
        pts_tdrop(t);
        return NULL;
    }
    size_t isz = (size_t)pts_dtype_get(dt)->itemsize;
    int64_t m = pts_tensor_numel(t);
    for (int64_t i = 0; i < m; i++)
        memcpy((char *)pts_tensor_data(t) + (size_t)i * isz, pts_tensor_data(one), isz);
    pts_tdrop(one);
    return t;
}

/* ---- cov / corrcoef ------------------------------------------------------------------------ */

/* The covariance of the rows (variables) of a 1-D or 2-D input over its columns (observations),
 * composed as torch does (so float32 rounds where torch's does): w = fweights * aweights,
 * avg = sum(x w, 1) / sum(w), norm = sum(w) - correction (* sum(w aw) / sum(w) with aweights;
 * <= 0 -> 0, an inf/nan result), c = (x - avg) @ ((x - avg) w)^H / norm, squeezed (^H: the
 * conjugate transpose, ^T for real x).
 * *out: new reference. */
static pts_status cov_compute(const char *opn, pts_tensor *x, int64_t correction, pts_tensor *fw, pts_tensor *aw,
                              pts_tensor **out)
{
    if (x->ndim > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: cov(): expected input to have two or fewer dimensions but got an "
                                          "input with %d dimensions", opn, x->ndim);
    if (x->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: cov(): bool dtype is not supported for input", opn);
    bool cplx = x->dtype == PTS_COMPLEX64 || x->dtype == PTS_COMPLEX128; /* torch: mm(x - avg, (..).t().conj()) */
    if (!cplx)
        PTS_TRY(pts_check_real(opn, x->dtype));
    int64_t N = x->ndim < 2 ? pts_tensor_numel(x) : x->sizes[1];
    pts_tensor *ws[2] = {fw, aw};
    for (int k = 0; k < 2; k++) {
        pts_tensor *w = ws[k];
        if (!w)
            continue;
        const char *nm = k ? "aweights" : "fweights";
        if (w->ndim > 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: cov(): expected %s to have one or fewer dimensions but got %s "
                                              "with %d dimensions", opn, nm, nm, w->ndim);
        if (pts_tensor_numel(w) != N)
            return pts_err_set(PTS_ERR_VALUE, "%s: cov(): expected %s to have the same numel as there are "
                                              "observations in the input but got %lld != %lld", opn, nm,
                               (long long)pts_tensor_numel(w), (long long)N);
        if (k == 0 && (pts_is_float(w->dtype) || w->dtype == PTS_BOOL || pts_check_real(opn, w->dtype)))
            return pts_err_set(PTS_ERR_TYPE, "%s: cov(): expected fweights to have integral dtype but got "
                                             "fweights with %s dtype", opn, pts_dtype_torch_name(w->dtype));
        if (k == 1 && !pts_is_float(w->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: cov(): expected aweights to have floating point dtype but got "
                                             "aweights with %s dtype", opn, pts_dtype_torch_name(w->dtype));
        pts_tensor *wf = pts_tensor_to_dtype(w, PTS_FLOAT64);
        if (!wf)
            return pts_err_last();
        bool neg = false;
        for (int64_t j = 0; j < N; j++)
            neg = neg || pts_f64(wf)[j] < 0;
        pts_tdrop(wf);
        if (neg)
            return pts_err_set(PTS_ERR_VALUE, "%s: cov(): %s cannot be negative", opn, nm);
    }
    sc s = {.n = 0};
    pts_tensor *in = x, *w = NULL, *wsum, *avg, *norm, *t, *c;
    pts_value l;
    int64_t one = 1, shape2[2] = {1, -1};
    if (x->ndim < 2) {
        ILIST(&s, l, 2, shape2);
        CALL(&s, in, "aten::view", pts_tv(x), l);
    }
    w = fw;
    if (aw) {
        if (w)
            CALL(&s, w, "aten::mul.Tensor", pts_tv(w), pts_tv(aw));
        else
            w = aw;
    }
    if (w) {
        CALL(&s, wsum, "aten::sum", pts_tv(w));
        pts_tensor *f = pts_tensor_to_dtype(wsum, PTS_FLOAT64);
        if (!f)
            goto fail;
        double v = pts_f64(f)[0];
        pts_tdrop(f);
        if (v == 0) {
            pts_err_set(PTS_ERR_VALUE, "%s: cov(): weights sum to zero, can't be normalized", opn);
            goto fail;
        }
    } else {
        wsum = sc_t(&s, filled(PTS_INT64, 0, NULL, pts_int(N)));
        if (!wsum)
            goto fail;
    }
    t = in;
    if (w)
        CALL(&s, t, "aten::mul.Tensor", pts_tv(in), pts_tv(w));
    ILIST(&s, l, 1, &one);
    CALL(&s, avg, "aten::sum.dim_IntList", pts_tv(t), l);
    CALL(&s, avg, "aten::div.Tensor", pts_tv(avg), pts_tv(wsum));
    if (w && aw && correction) {
        CALL(&s, t, "aten::mul.Tensor", pts_tv(w), pts_tv(aw));
        CALL(&s, t, "aten::sum", pts_tv(t));
        CALL(&s, t, "aten::mul.Scalar", pts_tv(t), pts_int(correction));
        CALL(&s, t, "aten::div.Tensor", pts_tv(t), pts_tv(wsum));
        CALL(&s, norm, "aten::sub.Tensor", pts_tv(wsum), pts_tv(t));
    } else
        CALL(&s, norm, "aten::sub.Scalar", pts_tv(wsum), pts_int(correction));
    {
        pts_tensor *f = pts_tensor_to_dtype(norm, PTS_FLOAT64);
        if (!f)
            goto fail;
        double v = pts_f64(f)[0];
        pts_tdrop(f);
        if (v <= 0) { /* torch warns and divides by zero */
            norm = sc_t(&s, filled(norm->dtype, 0, NULL, pts_int(0)));
            if (!norm)
                goto fail;
        }
    }
    CALL(&s, avg, "aten::unsqueeze", pts_tv(avg), pts_int(1));
    CALL(&s, in, "aten::sub.Tensor", pts_tv(in), pts_tv(avg));
    t = in;
    if (w)
        CALL(&s, t, "aten::mul.Tensor", pts_tv(in), pts_tv(w));
    CALL(&s, t, "aten::t", pts_tv(t));
    if (cplx)
        CALL(&s, t, "aten::conj_physical", pts_tv(t));
    CALL(&s, c, "aten::mm", pts_tv(in), pts_tv(t));
    CALL(&s, c, "aten::div.Tensor", pts_tv(c), pts_tv(norm));
    CALL(&s, c, "aten::squeeze", pts_tv(c));
    pts_obj_retain(&c->hdr);
    *out = c;
    sc_drop(&s);
    return PTS_OK;
fail:
    sc_drop(&s);
    return pts_err_last();
}

PTS_KERNEL(k_cov)
{
    pts_tensor *o = NULL;
    PTS_TRY(cov_compute(OPN, a->self, a->correction, a->fweights, a->aweights, &o));
    return pts_ret(o, rets);
}

/* corrcoef: c / stddev[:, None] / stddev[None, :], clipped to [-1, 1] (one variable: c / c); for a
 * complex c, stddev = sqrt(real(diagonal)) and the real and imaginary parts are clipped apart */
PTS_KERNEL(k_corrcoef)
{
    pts_tensor *c = NULL, *d;
    PTS_TRY(cov_compute(OPN, a->self, 1, NULL, NULL, &c));
    sc s = {.n = 0};
    sc_t(&s, c);
    if (c->ndim == 0)
        CALL(&s, c, "aten::div.Tensor", pts_tv(c), pts_tv(c));
    else {
        int64_t col[2] = {-1, 1}, row[2] = {1, -1};
        pts_value l;
        bool cplx = c->dtype == PTS_COMPLEX64 || c->dtype == PTS_COMPLEX128;
        CALL(&s, d, "aten::diagonal", pts_tv(c));
        if (cplx) /* torch: sqrt(real(diagonal)), then the real and imaginary parts clipped apart */
            CALL(&s, d, "aten::real", pts_tv(d));
        CALL(&s, d, "aten::sqrt", pts_tv(d));
        pts_tensor *v;
        ILIST(&s, l, 2, col);
        CALL(&s, v, "aten::view", pts_tv(d), l);
        CALL(&s, c, "aten::div.Tensor", pts_tv(c), pts_tv(v));
        ILIST(&s, l, 2, row);
        CALL(&s, v, "aten::view", pts_tv(d), l);
        CALL(&s, c, "aten::div.Tensor", pts_tv(c), pts_tv(v));
        if (cplx) {
            pts_tensor *re, *im;
            CALL(&s, re, "aten::real", pts_tv(c));
            CALL(&s, re, "aten::clamp", pts_tv(re), pts_int(-1), pts_int(1));
            CALL(&s, im, "aten::imag", pts_tv(c));
            CALL(&s, im, "aten::clamp", pts_tv(im), pts_int(-1), pts_int(1));
            CALL(&s, c, "aten::complex", pts_tv(re), pts_tv(im));
        } else {
            CALL(&s, c, "aten::clamp", pts_tv(c), pts_int(-1), pts_int(1));
        }
    }
    pts_status st = sc_ret(c, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- quantile / nanquantile ---------------------------------------------------------------- */

static int cmp_nan_last(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    if (isnan(x))
        return isnan(y) ? 0 : 1;
    if (isnan(y))
        return -1;
    return x < y ? -1 : x > y;
}

/* quantile(self, q, dim, keepdim, interpolation) and nanquantile (ignoring NaN) */
PTS_KERNEL(k_quantile)
{
    pts_tensor *x = a->self;
    bool ignore_nan = strncmp(OPN, "aten::nanquantile", 17) == 0;
    const char *fn = ignore_nan ? "nanquantile" : "quantile";
    const char *interp = a->interpolation;
    int mode = strcmp(interp, "linear") == 0 ? 0 : strcmp(interp, "lower") == 0 ? 1 : strcmp(interp, "higher") == 0 ? 2
             : strcmp(interp, "midpoint") == 0 ? 3 : strcmp(interp, "nearest") == 0 ? 4 : -1;
    if (x->dtype != PTS_FLOAT32 && x->dtype != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: %s() input tensor must be either float or double dtype", OPN, fn);
    if (pts_tensor_numel(x) == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s() input tensor must be non-empty", OPN, fn);
    if (mode < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s() interpolation must be one of linear, lower, higher, midpoint "
                                          "or nearest. Got %s", OPN, fn, interp);
    /* q: a float, or a 0-d / 1-D tensor of self's dtype */
    int64_t nq = 1;
    bool qvec = false;
    pts_tensor *qf = NULL;
    if (a->q.tag == PTS_T_TENSOR) {
        pts_tensor *q = PTS_TENSOR(a->q);
        if (q->ndim > 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: %s() q must be a scalar or 1D tensor", OPN, fn);
        if (q->dtype != x->dtype)
            return pts_err_set(PTS_ERR_TYPE, "%s: %s() q tensor must be same dtype as the input tensor", OPN, fn);
        qvec = q->ndim == 1;
        nq = pts_tensor_numel(q);
        qf = pts_tensor_to_dtype(q, PTS_FLOAT64);
        if (!qf)
            return pts_err_last();
    } else {
        int64_t one = 1;
        qf = pts_tensor_empty(PTS_FLOAT64, 1, &one);
        if (!qf)
            return pts_err_last();
        pts_f64(qf)[0] = pts_arg_double(a->q);
    }
    for (int64_t i = 0; i < nq; i++)
        if (!(pts_f64(qf)[i] >= 0 && pts_f64(qf)[i] <= 1)) {
            pts_tdrop(qf);
            return pts_err_set(PTS_ERR_VALUE, "%s: %s() q values must be in the range [0, 1]", OPN, fn);
        }
    bool mask[PTS_MAX_DIMS];
    int d = -1;
    if (a->has_dim) {
        pts_status st = pts_wrap_dim(a->dim, x->ndim, OPN, &d);
        if (st) {
            pts_tdrop(qf);
            return st;
        }
    }
    for (int i = 0; i < x->ndim; i++)
        mask[i] = d < 0 || i == d;
    pts_rows r;
    pts_status st = pts_rows_make(x, mask, a->keepdim, PTS_FLOAT64, &r);
    if (st) {
        pts_tdrop(qf);
        return st;
    }
    int64_t shape[PTS_MAX_DIMS + 1];
    int nd = 0;
    if (qvec)
        shape[nd++] = nq;
    if (d < 0 && !a->keepdim)
        ; /* all dims reduced: 0-d (or [nq]) */
    else
        for (int i = 0; i < r.out_nd; i++)
            shape[nd++] = r.out_sizes[i];
    pts_tensor *out = pts_tensor_empty(PTS_FLOAT64, nd, shape);
    if (!out) {
        pts_tdrop(qf);
        pts_tdrop(r.flat);
        return pts_err_last();
    }
    double *o = pts_f64(out);
    for (int64_t row = 0; row < r.rows; row++) {
        double *v = pts_f64(r.flat) + row * r.inner;
        qsort(v, (size_t)r.inner, sizeof(double), cmp_nan_last);
        int64_t valid = r.inner;
        while (valid > 0 && isnan(v[valid - 1]))
            valid--;
        bool has_nan = valid < r.inner;
        for (int64_t k = 0; k < nq; k++) {
            double q = pts_f64(qf)[k], res;
            if ((has_nan && !ignore_nan) || valid == 0)
                res = NAN;
            else {
                /* torch: ranks in the input's dtype */
                double rank = rnd_to(q * (double)(valid - 1), x->dtype);
                int64_t lo = (int64_t)floor(rank), hi = (int64_t)ceil(rank);
                if (mode == 1)
                    res = v[lo];
                else if (mode == 2)
                    res = v[hi];
                else if (mode == 4) /* torch rounds the unrounded product, half to even */
                    res = v[(int64_t)nearbyint(q * (double)(valid - 1))];
                else {
                    double wgt = mode == 3 ? 0.5 : rnd_to(rank - (double)lo, x->dtype);
                    double s = v[lo], e = v[hi];
                    res = wgt < 0.5 ? s + wgt * (e - s) : e - (e - s) * (1 - wgt);
                }
            }
            o[k * r.rows + row] = res;
        }
    }
    pts_tdrop(qf);
    pts_tdrop(r.flat);
    return pts_ret_as(out, x->dtype, rets);
}

/* ---- histc --------------------------------------------------------------------------------- */

/* histc(self, bins, min, max): counts in bins equal-width bins over [min, max] (min == max: the
 * data's range, widened by 1 on each side when that is empty too); values outside and NaN ignored. */
PTS_KERNEL(k_histc)
{
    pts_tensor *x = a->self;
    int64_t bins = a->bins;
    if (!pts_is_float(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"histogram_cpu\" not implemented for '%s'", OPN,
                           pts_dtype_torch_name(x->dtype));
    if (bins <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.histc(): bins must be > 0, but got %lld", OPN, (long long)bins);
    int dt = x->dtype;
    double lo = rnd_to(pts_arg_double(a->min), dt), hi = rnd_to(pts_arg_double(a->max), dt);
    pts_tensor *xf = pts_tensor_to_dtype(x, PTS_FLOAT64);
    if (!xf)
        return pts_err_last();
    int64_t n = pts_tensor_numel(xf);
    const double *p = pts_f64(xf);
    if (lo == hi && n > 0) {
        bool first = true;
        for (int64_t i = 0; i < n; i++) {
            if (isnan(p[i]))
                continue; /* torch: aminmax; NaN makes the range NaN below */
            if (first || p[i] < lo)
                lo = p[i];
            if (first || p[i] > hi)
                hi = p[i];
            first = false;
        }
        for (int64_t i = 0; i < n; i++)
            if (isnan(p[i]))
                lo = hi = NAN;
    }
    if (lo == hi) {
        lo -= 1;
        hi += 1;
    }
    if (!(isfinite(lo) && isfinite(hi))) {
        pts_tdrop(xf);
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.histc(): range of [%g, %g] is not finite", OPN, lo, hi);
    }
    if (lo > hi) {
        pts_tdrop(xf);
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.histc(): max must be larger than min", OPN);
    }
    pts_tensor *out = pts_tensor_zeros(PTS_FLOAT64, 1, &bins);
    double *edges = out ? pts_malloc(sizeof(double) * (size_t)(bins + 1)) : NULL;
    if (!edges) {
        pts_tdrop(xf);
        pts_tdrop(out);
        return out ? pts_err_set(PTS_ERR_NOMEM, "%s: out of memory", OPN) : pts_err_last();
    }
    /* the bin edges as torch's linspace(lo, hi, bins + 1) in the input's dtype */
    double step = rnd_to((hi - lo) / (double)bins, dt);
    int64_t half = (bins + 1) / 2;
    for (int64_t i = 0; i <= bins; i++)
        edges[i] = i < half ? rnd_to(lo + rnd_to(step * (double)i, dt), dt)
                            : rnd_to(hi - rnd_to(step * (double)(bins - i), dt), dt);
    for (int64_t i = 0; i < n; i++) {
        double e = p[i];
        if (!(e >= edges[0] && e <= edges[bins]))
            continue;
        int64_t pos = (int64_t)rnd_to(rnd_to(rnd_to(e - edges[0], dt) * (double)bins, dt) /
                                      rnd_to(edges[bins] - edges[0], dt), dt);
        if (pos > bins - 1)
            pos = bins - 1;
        if (pos < 0)
            pos = 0;
        /* torch corrects the computed bin against the edges themselves */
        if (e < edges[pos])
            pos--;
        else if (pos + 1 < bins && e >= edges[pos + 1])
            pos++;
        pts_f64(out)[pos] += 1;
    }
    pts_free(edges);
    pts_tdrop(xf);
    return pts_ret_as(out, dt, rets);
}

/* ---- trapezoid / trapz / cumulative_trapezoid ---------------------------------------------- */

/* y's sizes without dim d */
static int drop_dim(const pts_tensor *y, int d, int64_t *shape)
{
    int n = 0;
    for (int i = 0; i < y->ndim; i++)
        if (i != d)
            shape[n++] = y->sizes[i];
    return n;
}

/* x.diff(dim) of a complex x: x[1:] - x[:-1] along dim (what diff computes for n = 1) */
static pts_tensor *complex_diff(sc *s, pts_tensor *x, int64_t dim)
{
    pts_tensor *l, *r, *dx;
    CALL(s, l, "aten::slice.Tensor", pts_tv(x), pts_int(dim), pts_int(0), pts_int(-1));
    CALL(s, r, "aten::slice.Tensor", pts_tv(x), pts_int(dim), pts_int(1));
    CALL(s, dx, "aten::sub.Tensor", pts_tv(r), pts_tv(l));
    return dx;
fail:
    return NULL;
}

/* The spacing tensor of trapezoid.x: x.diff() shaped along dim d of y (1-D x), or x.diff(dim). */
static pts_tensor *trap_dx(sc *s, const char *opn, pts_tensor *y, pts_tensor *x, int64_t dim, int d)
{
    pts_tensor *dx = NULL;
    bool cplx = x->dtype == PTS_COMPLEX64 || x->dtype == PTS_COMPLEX128;
    if (x->ndim == 1) {
        if (x->sizes[0] != y->sizes[d]) {
            pts_err_set(PTS_ERR_VALUE, "%s: trapezoid: There must be one `x` value for each sample point", opn);
            return NULL;
        }
        if (cplx) {
            if (!(dx = complex_diff(s, x, 0)))
                goto fail;
        } else {
            CALL(s, dx, "aten::diff", pts_tv(x));
        }
        int64_t shape[PTS_MAX_DIMS];
        for (int i = 0; i < y->ndim; i++)
            shape[i] = i == d ? x->sizes[0] - 1 : 1;
        pts_value sv;
        ILIST(s, sv, y->ndim, shape);
        CALL(s, dx, "aten::view", pts_tv(dx), sv);
    } else if (cplx) {
        dx = complex_diff(s, x, dim);
    } else {
        CALL(s, dx, "aten::diff", pts_tv(x), pts_int(1), pts_int(dim));
    }
    return dx;
fail:
    return NULL;
}

/* trapezoid.x / trapz.x: ((y[1:] + y[:-1]) * dx).sum(dim) / 2; cumulative_trapezoid.x: cumsum */
PTS_KERNEL(k_trapezoid_x)
{
    pts_tensor *y = a->y, *x = a->x, *l, *r, *t, *dx;
    bool cum = strncmp(OPN, "aten::cumulative", 16) == 0;
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, y->ndim, OPN, &d));
    if (y->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", OPN,
                           (long long)a->dim);
    sc s = {.n = 0};
    if (!cum && y->sizes[d] == 0) {
        int64_t shape[PTS_MAX_DIMS];
        int n = drop_dim(y, d, shape);
        return pts_ret(pts_tensor_zeros(y->dtype, n, shape), rets);
    }
    if (x->ndim != 1 && x->ndim != y->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: trapezoid: x and y must have the same number of dimensions or x "
                                          "must be 1-D", OPN);
    dx = trap_dx(&s, OPN, y, x, a->dim, d);
    if (!dx)
        goto fail;
    CALL(&s, l, "aten::slice.Tensor", pts_tv(y), pts_int(d), pts_int(0), pts_int(-1));
    CALL(&s, r, "aten::slice.Tensor", pts_tv(y), pts_int(d), pts_int(1));
    CALL(&s, t, "aten::add.Tensor", pts_tv(l), pts_tv(r));
    CALL(&s, t, "aten::mul.Tensor", pts_tv(t), pts_tv(dx));
    if (cum)
        CALL(&s, t, "aten::cumsum", pts_tv(t), pts_int(d));
    else {
        int64_t dd = d;
        pts_value dl;
        ILIST(&s, dl, 1, &dd);
        CALL(&s, t, "aten::sum.dim_IntList", pts_tv(t), dl);
    }
    CALL(&s, t, "aten::div.Scalar", pts_tv(t), pts_float(2.0));
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* trapezoid.dx / trapz.dx: (y.sum(dim) - (y[0] + y[-1]) * 0.5) * dx;
 * cumulative_trapezoid.dx: ((y[1:] + y[:-1]) * (dx / 2)).cumsum(dim) */
PTS_KERNEL(k_trapezoid_dx)
{
    pts_tensor *y = a->y, *t, *u, *l, *r;
    bool cum = strncmp(OPN, "aten::cumulative", 16) == 0;
    if (a->dx.tag == PTS_T_COMPLEX)
        return pts_err_set(PTS_ERR_VALUE, "%s: %s: Currently, we only support dx as a real number.", OPN,
                           cum ? "cumulative_trapezoid" : "trapezoid");
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, y->ndim, OPN, &d));
    if (y->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", OPN,
                           (long long)a->dim);
    sc s = {.n = 0};
    if (!cum && y->sizes[d] == 0) {
        int64_t shape[PTS_MAX_DIMS];
        int n = drop_dim(y, d, shape);
        return pts_ret(pts_tensor_zeros(y->dtype, n, shape), rets);
    }
    if (cum) {
        double h = pts_arg_double(a->dx) / 2.0;
        CALL(&s, l, "aten::slice.Tensor", pts_tv(y), pts_int(d), pts_int(0), pts_int(-1));
        CALL(&s, r, "aten::slice.Tensor", pts_tv(y), pts_int(d), pts_int(1));
        CALL(&s, t, "aten::add.Tensor", pts_tv(l), pts_tv(r));
        CALL(&s, t, "aten::mul.Scalar", pts_tv(t), pts_float(h));
        CALL(&s, t, "aten::cumsum", pts_tv(t), pts_int(d));
    } else {
        int64_t dd = d;
        pts_value dl;
        ILIST(&s, dl, 1, &dd);
        CALL(&s, t, "aten::sum.dim_IntList", pts_tv(y), dl);
        CALL(&s, l, "aten::select.int", pts_tv(y), pts_int(d), pts_int(0));
        CALL(&s, r, "aten::select.int", pts_tv(y), pts_int(d), pts_int(-1));
        CALL(&s, u, "aten::add.Tensor", pts_tv(l), pts_tv(r));
        CALL(&s, u, "aten::mul.Scalar", pts_tv(u), pts_float(0.5));
        CALL(&s, t, "aten::sub.Tensor", pts_tv(t), pts_tv(u));
        CALL(&s, t, "aten::mul.Scalar", pts_tv(t), a->dx);
    }
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- sum_to_size --------------------------------------------------------------------------- */

/* sum_to_size(self, size): self summed down to `size` (which self must be expandable from);
 * self itself when it already has that shape */
PTS_KERNEL(k_sum_to_size)
{
    pts_tensor *x = a->self, *t;
    int64_t size[PTS_MAX_DIMS];
    int n = 0;
    PTS_TRY(pts_arg_int_list(a->size, size, PTS_MAX_DIMS, &n, 0, "size"));
    bool ok = n <= x->ndim;
    int lead = x->ndim - n;
    for (int i = 0; ok && i < n; i++)
        ok = size[i] == x->sizes[lead + i] || size[i] == 1;
    if (!ok) {
        char b1[128], b2[128];
        pts_shape_str(n, size, b1, sizeof b1);
        pts_shape_str(x->ndim, x->sizes, b2, sizeof b2);
        return pts_err_set(PTS_ERR_VALUE, "%s: size {%s} is not expandable to size {%s}.", OPN, b1, b2);
    }
    int64_t keep[PTS_MAX_DIMS], drop[PTS_MAX_DIMS];
    int nk = 0, ndr = 0;
    for (int i = 0; i < lead; i++)
        drop[ndr++] = i;
    for (int i = 0; i < n; i++)
        if (size[i] == 1 && x->sizes[lead + i] != 1)
            keep[nk++] = lead + i;
    if (!nk && !ndr) {
        rets[0] = pts_ret_tensor_ref(x);
        return PTS_OK;
    }
    sc s = {.n = 0};
    pts_value l;
    t = x;
    if (nk) {
        ILIST(&s, l, nk, keep);
        CALL(&s, t, "aten::sum.dim_IntList", pts_tv(t), l, pts_bool(true));
    }
    if (ndr) {
        ILIST(&s, l, ndr, drop);
        CALL(&s, t, "aten::sum.dim_IntList", pts_tv(t), l, pts_bool(false));
    }
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- linalg helpers ------------------------------------------------------------------------ */

/* linalg_diagonal(A, offset, dim1, dim2): diagonal with the matrix dims last by default (a view) */
PTS_KERNEL(k_linalg_diagonal)
{
    pts_value args[4] = {pts_tv(a->A), pts_int(a->offset), pts_int(a->dim1), pts_int(a->dim2)};
    return pts_call("aten::diagonal", 4, args, rets);
}

/* linalg_vecdot(x, y, dim): (x.conj() * y).sum(dim) for floating or complex x and y of one dtype */
PTS_KERNEL(k_linalg_vecdot)
{
    pts_tensor *x = a->x, *y = a->y, *t;
    bool cplx = x->dtype == PTS_COMPLEX64 || x->dtype == PTS_COMPLEX128;
    if (!pts_is_float(x->dtype) && !cplx)
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vecdot: Expected a floating point or complex tensor as input. "
                                         "Got %s", OPN, pts_dtype_torch_name(x->dtype));
    if (x->dtype != y->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vecdot: Expected x and y to have the same dtype, but found x "
                                         "of type %s and y of type %s instead", OPN, pts_dtype_torch_name(x->dtype),
                           pts_dtype_torch_name(y->dtype));
    sc s = {.n = 0};
    pts_value l;
    int64_t dim = a->dim;
    if (cplx)
        CALL(&s, x, "aten::conj_physical", pts_tv(x));
    CALL(&s, t, "aten::mul.Tensor", pts_tv(x), pts_tv(y));
    ILIST(&s, l, 1, &dim);
    CALL(&s, t, "aten::sum.dim_IntList", pts_tv(t), l);
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* linalg_vander(x, N): [1, x, x^2, ..., x^(N-1)] along a new last dim, the powers as a cumprod */
PTS_KERNEL(k_linalg_vander)
{
    pts_tensor *x = a->x, *t, *ones;
    if (x->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.vander supports floating point, complex, and integer tensors, "
                                         "but got Bool", OPN);
    /* a 0-d x: one sample (torch reads its sizes as [1]) */
    int64_t N = a->has_N ? a->N : x->ndim ? x->sizes[x->ndim - 1] : 1;
    if (N <= 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: N must be greater than 1.", OPN);
    int64_t shape[PTS_MAX_DIMS + 1];
    sc s = {.n = 0};
    pts_value l, tl;
    if (x->ndim == 0)
        CALL(&s, x, "aten::unsqueeze", pts_tv(x), pts_int(0));
    for (int i = 0; i < x->ndim; i++)
        shape[i] = x->sizes[i];
    shape[x->ndim] = N - 1;
    CALL(&s, t, "aten::unsqueeze", pts_tv(x), pts_int(-1));
    ILIST(&s, l, x->ndim + 1, shape);
    CALL(&s, t, "aten::expand", pts_tv(t), l);
    CALL(&s, t, "aten::cumprod", pts_tv(t), pts_int(-1));
    shape[x->ndim] = 1;
    ones = sc_t(&s, filled(t->dtype, x->ndim + 1, shape, pts_int(1)));
    if (!ones)
        goto fail;
    pts_tensor *parts[2] = {ones, t};
    tl = sc_v(&s, pts_tensor_list_value(2, parts));
    if (tl.tag == PTS_T_NONE)
        goto fail;
    CALL(&s, t, "aten::cat", tl, pts_int(-1));
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* linalg_multi_dot(tensors): the chained matrix product; the first and last may be 1-D */
PTS_KERNEL(k_linalg_multi_dot)
{
    int64_t n = pts_list_len(a->tensors);
    if (n < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: multi_dot(): expected at least 2 tensors but got %lld", OPN,
                           (long long)n);
    int dt = pts_list_tensor(a->tensors, 0)->dtype;
    for (int64_t i = 0; i < n; i++) {
        pts_tensor *t = pts_list_tensor(a->tensors, i);
        bool end = i == 0 || i == n - 1;
        if (t->ndim != 2 && !(end && t->ndim == 1))
            return pts_err_set(PTS_ERR_VALUE, "%s: multi_dot(): tensor %lld must be %s but got %dD", OPN,
                               (long long)i, end ? "1D or 2D" : "2D", t->ndim);
        if (t->dtype != dt)
            return pts_err_set(PTS_ERR_TYPE, "%s: multi_dot(): all tensors must have be the same dtype but tensor 0 "
                                             "is %s and tensor %lld %s", OPN, pts_dtype_torch_name(dt), (long long)i,
                               pts_dtype_torch_name(t->dtype));
    }
    pts_tensor *first = pts_list_tensor(a->tensors, 0), *last = pts_list_tensor(a->tensors, n - 1), *acc, *m;
    sc s = {.n = 0};
    if (first->ndim == 1)
        CALL(&s, acc, "aten::unsqueeze", pts_tv(first), pts_int(0));
    else
        acc = first;
    for (int64_t i = 1; i < n; i++) {
        m = pts_list_tensor(a->tensors, i);
        if (i == n - 1 && m->ndim == 1)
            CALL(&s, m, "aten::unsqueeze", pts_tv(m), pts_int(1));
        if (acc->sizes[1] != m->sizes[0]) {
            pts_err_set(PTS_ERR_VALUE, "%s: multi_dot(): tensors %lld and %lld with shapes [%lld, %lld] and "
                                       "[%lld, %lld] cannot be multiplied", OPN, (long long)(i - 1), (long long)i,
                        (long long)acc->sizes[0], (long long)acc->sizes[1], (long long)m->sizes[0],
                        (long long)m->sizes[1]);
            goto fail;
        }
        CALL(&s, acc, "aten::mm", pts_tv(acc), pts_tv(m));
    }
    if (first->ndim == 1 && last->ndim == 1) {
        pts_value l;
        ILIST(&s, l, 0, NULL);
        CALL(&s, acc, "aten::view", pts_tv(acc), l);
    } else if (first->ndim == 1)
        CALL(&s, acc, "aten::squeeze.dim", pts_tv(acc), pts_int(0));
    else if (last->ndim == 1)
        CALL(&s, acc, "aten::squeeze.dim", pts_tv(acc), pts_int(1));
    pts_status st = sc_ret(acc, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- backward helpers ---------------------------------------------------------------------- */

/* _softmax_backward_data(grad, output, dim, input_dtype): output * (grad - sum(grad * output, dim)) */
PTS_KERNEL(k_softmax_backward_data)
{
    pts_tensor *t, *u;
    int gd = a->grad_output->dtype;
    /* the result has grad's dtype; CPU has no half-to-float mode (float grads of a half input) */
    if (a->output->dtype != gd || (gd == PTS_FLOAT32 && a->input_dtype == PTS_FLOAT16))
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type %s but found %s", OPN, pts_dtype_torch_name(gd),
                           pts_dtype_torch_name(a->output->dtype != gd ? a->output->dtype : a->input_dtype));
    sc s = {.n = 0};
    int64_t dim = a->dim;
    pts_value l;
    CALL(&s, t, "aten::mul.Tensor", pts_tv(a->grad_output), pts_tv(a->output));
    ILIST(&s, l, 1, &dim);
    CALL(&s, t, "aten::sum.dim_IntList", pts_tv(t), l, pts_bool(true));
    CALL(&s, u, "aten::sub.Tensor", pts_tv(a->grad_output), pts_tv(t));
    CALL(&s, u, "aten::mul.Tensor", pts_tv(a->output), pts_tv(u));
    pts_status st = sc_ret(u, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* native_dropout_backward(grad, mask, scale): grad * mask * scale */
PTS_KERNEL(k_native_dropout_backward)
{
    pts_tensor *t;
    sc s = {.n = 0};
    CALL(&s, t, "aten::mul.Tensor", pts_tv(a->grad_output), pts_tv(a->mask));
    CALL(&s, t, "aten::mul.Scalar", pts_tv(t), pts_float(a->scale));
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- masked index -------------------------------------------------------------------------- */

/* indices with each tensor clamped to [-size, size - 1] of its dim of self (a new list in scope) */
static pts_value clamp_indices(sc *s, const char *opn, pts_tensor *self, pts_value indices)
{
    int64_t n = pts_list_len(indices);
    if (n > self->ndim) {
        pts_err_set(PTS_ERR_INDEX, "%s: too many indices for tensor of dimension %d (got %lld)", opn, self->ndim,
                    (long long)n);
        return pts_none();
    }
    pts_list *l = pts_tensor_list_new(n);
    if (!l)
        return pts_none();
    pts_value lv = sc_v(s, pts_obj_value(&l->hdr));
    for (int64_t i = 0; i < n; i++) {
        pts_value it = PTS_LIST(indices)->items[i];
        pts_value nv = pts_none();
        if (it.tag != PTS_T_NONE) {
            pts_tensor *ix = PTS_TENSOR(it);
            if (ix->dtype != PTS_INT64 && ix->dtype != PTS_INT32) {
                pts_err_set(PTS_ERR_INDEX, "%s: _unsafe_masked_index found unexpected index type %s", opn,
                            pts_dtype_torch_name(ix->dtype));
                return pts_none();
            }
            pts_value args[3] = {it, pts_int(-self->sizes[i]), pts_int(self->sizes[i] - 1)};
            pts_tensor *c = pts_call_t("aten::clamp", 3, args);
            if (!c)
                return pts_none();
            nv = pts_obj_value(&c->hdr);
        }
        if (pts_list_append(l, nv)) {
            pts_value_release(nv);
            return pts_none();
        }
    }
    return lv;
}

/* _unsafe_masked_index(self, mask, indices, fill): where(mask, self[clamped indices], fill) */
PTS_KERNEL(k_unsafe_masked_index)
{
    pts_tensor *self = a->self, *t, *nm;
    sc s = {.n = 0};
    pts_value ci = clamp_indices(&s, OPN, self, a->indices);
    if (ci.tag == PTS_T_NONE)
        goto fail;
    if (pts_tensor_numel(self) == 0) {
        /* nothing to read: index a tensor of `fill` (size 1 in the indexed empty dims) */
        int64_t shape[PTS_MAX_DIMS];
        /* torch: sizes past the last index stay 0 */
        int64_t ni = pts_list_len(a->indices);
        for (int i = 0; i < self->ndim; i++)
            shape[i] = i >= ni ? 0 : PTS_LIST(a->indices)->items[i].tag != PTS_T_NONE && self->sizes[i] == 0 ? 1
                                                                                                          : self->sizes[i];
        t = sc_t(&s, filled(self->dtype, self->ndim, shape, a->fill));
        if (!t)
            goto fail;
        CALL(&s, t, "aten::index.Tensor", pts_tv(t), ci);
    } else {
        CALL(&s, t, "aten::index.Tensor", pts_tv(self), ci);
        CALL(&s, nm, "aten::logical_not", pts_tv(a->mask));
        CALL(&s, t, "aten::masked_fill.Scalar", pts_tv(t), pts_tv(nm), a->fill);
    }
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* _unsafe_masked_index_put_accumulate(self, mask, indices, values):
 * index_put(self, clamped indices, values masked to 0, accumulate=True) */
PTS_KERNEL(k_unsafe_masked_index_put_accumulate)
{
    pts_tensor *t, *nm;
    sc s = {.n = 0};
    pts_value ci = clamp_indices(&s, OPN, a->self, a->indices);
    if (ci.tag == PTS_T_NONE)
        goto fail;
    CALL(&s, nm, "aten::logical_not", pts_tv(a->mask));
    CALL(&s, t, "aten::masked_fill.Scalar", pts_tv(a->values), pts_tv(nm), pts_int(0));
    CALL(&s, t, "aten::index_put", pts_tv(a->self), ci, pts_tv(t), pts_bool(true));
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- mode ---------------------------------------------------------------------------------- */

typedef struct mode_el {
    double v;
    int64_t i;
} mode_el;

static int cmp_mode_el(const void *pa, const void *pb)
{
    const mode_el *x = pa, *y = pb;
    if (x->v < y->v)
        return -1;
    if (y->v < x->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i; /* stable: equal values keep their order */
}

/* mode(self, dim, keepdim): the most frequent value of each row (ties: the smallest) and the index
 * of its last occurrence, as torch's CPU kernel (sort, then the first longest run) */
PTS_KERNEL(k_mode)
{
    pts_tensor *x = a->self;
    PTS_TRY(pts_check_real(OPN, x->dtype));
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, x->ndim, OPN, &d));
    if (x->ndim > 0 && x->sizes[d] == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: mode(): Expected reduction dim %d to have non-zero size.", OPN, d);
    bool mask[PTS_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        mask[i] = i == d;
    int cd = pts_is_float(x->dtype) ? PTS_FLOAT64 : PTS_INT64;
    pts_rows r;
    PTS_TRY(pts_rows_make(x, mask, a->keepdim, PTS_FLOAT64, &r));
    pts_tensor *orig = pts_tensor_to_dtype(x, cd); /* exact values for the result */
    pts_tensor *rows_exact = NULL;
    if (orig) {
        pts_rows re;
        if (pts_rows_make(x, mask, a->keepdim, cd, &re) == PTS_OK)
            rows_exact = re.flat;
    }
    pts_tdrop(orig);
    pts_tensor *vals = rows_exact ? pts_tensor_empty(cd, r.out_nd, r.out_sizes) : NULL;
    pts_tensor *idx = vals ? pts_tensor_empty(PTS_INT64, r.out_nd, r.out_sizes) : NULL;
    mode_el *el = idx ? pts_malloc(sizeof(mode_el) * (size_t)(r.inner ? r.inner : 1)) : NULL;
    pts_status st = !idx ? pts_err_last() : !el ? pts_err_set(PTS_ERR_NOMEM, "%s: out of memory", OPN) : PTS_OK;
    size_t isz = 8;
    for (int64_t row = 0; !st && row < r.rows; row++) {
        for (int64_t k = 0; k < r.inner; k++) {
            el[k].v = pts_f64(r.flat)[row * r.inner + k];
            el[k].i = k;
        }
        qsort(el, (size_t)r.inner, sizeof(mode_el), cmp_mode_el);
        int64_t best = 0, bi = 0, run = 0;
        for (int64_t k = 0; k < r.inner; k++) {
            run++;
            if (k == r.inner - 1 || el[k].v != el[k + 1].v) {
                if (run > best) {
                    best = run;
                    bi = el[k].i;
                }
                run = 0;
            }
        }
        memcpy((char *)pts_tensor_data(vals) + (size_t)row * isz,
               (char *)pts_tensor_data(rows_exact) + (size_t)(row * r.inner + bi) * isz, isz);
        pts_i64(idx)[row] = bi;
    }
    pts_free(el);
    pts_tdrop(r.flat);
    pts_tdrop(rows_exact);
    if (st) {
        pts_tdrop(vals);
        pts_tdrop(idx);
        return st;
    }
    st = pts_ret_as(vals, x->dtype, &rets[0]);
    if (st) {
        pts_tdrop(idx);
        return st;
    }
    rets[1] = pts_ret_tensor(idx);
    return PTS_OK;
}

/* ---- hash_tensor --------------------------------------------------------------------------- */

/* hash_tensor(self, dim, keepdim, mode=0): the XOR of the bits of each element as a 64-bit word
 * (floating values as float64, the others as int64), reduced over dim ([] = all), as uint64 */
PTS_KERNEL(k_hash_tensor)
{
    pts_tensor *x = a->self;
    if (a->mode != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: hash_tensor only supports mode=0 (reduction with xor), got %lld",
                           OPN, (long long)a->mode);
    PTS_TRY(pts_check_real(OPN, x->dtype));
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, a->dim, x->ndim, true, mask));
    int64_t nd = 0;
    if (a->dim.tag == PTS_T_LIST || a->dim.tag == PTS_T_TUPLE)
        nd = pts_list_len(a->dim);
    else if (a->dim.tag != PTS_T_NONE)
        nd = 1; /* a single int */
    if (pts_tensor_numel(x) == 0 && nd == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: hash_tensor: Expected reduction dim to be specified for input.numel() "
                                          "== 0. Specify the reduction dim with the 'dim' argument.", OPN);
    for (int i = 0; i < x->ndim; i++)
        if (mask[i] && x->sizes[i] == 0)
            return pts_err_set(PTS_ERR_INDEX, "%s: hash_tensor: Expected reduction dim %d to have non-zero size.",
                               OPN, i);
    int cd = pts_is_float(x->dtype) ? PTS_FLOAT64 : PTS_INT64;
    pts_rows r;
    PTS_TRY(pts_rows_make(x, mask, a->keepdim, cd, &r));
    pts_tensor *out = pts_tensor_empty(PTS_UINT64, r.out_nd, r.out_sizes);
    if (!out) {
        pts_tdrop(r.flat);
        return pts_err_last();
    }
    const uint64_t *p = (const uint64_t *)pts_tensor_data(r.flat);
    uint64_t *o = (uint64_t *)pts_tensor_data(out);
    for (int64_t row = 0; row < r.rows; row++) {
        uint64_t h = 0;
        for (int64_t k = 0; k < r.inner; k++)
            h ^= p[row * r.inner + k];
        o[row] = h;
    }
    pts_tdrop(r.flat);
    return pts_ret(out, rets);
}

/* ---- histogram ----------------------------------------------------------------------------- */

/* histogram(self, bins, range/bins tensor, weight, density) -> (hist, bin_edges): counts (or summed
 * weights) per bin, the last bin closed; density: divided by the total and the bin widths */
static pts_status histogram_impl(const pts_op *op, pts_tensor *x, pts_value bins, pts_value range, pts_tensor *wt,
                                 bool density, pts_value *rets)
{
    int dt = x->dtype;
    if (!pts_is_float(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: torch.histogram: input tensor and bins tensors should have the same "
                                         "dtype, and be floating point; got %s", OPN, pts_dtype_torch_name(dt));
    if (wt && (wt->dtype != dt || wt->ndim != x->ndim || memcmp(wt->sizes, x->sizes, sizeof(int64_t) * (size_t)x->ndim)))
        return pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram: if weight tensor is provided it should have the same "
                                          "shape and dtype as the input tensor", OPN);
    int64_t nb = 0;
    pts_tensor *edges = NULL;
    pts_tensor *xf = pts_tensor_to_dtype(x, PTS_FLOAT64);
    if (!xf)
        return pts_err_last();
    int64_t n = pts_tensor_numel(xf);
    const double *p = pts_f64(xf);
    pts_status st = PTS_OK;
    if (bins.tag == PTS_T_TENSOR) {
        pts_tensor *b = PTS_TENSOR(bins);
        if (b->dtype != dt)
            st = pts_err_set(PTS_ERR_TYPE, "%s: torch.histogram: input tensor and bins tensors should have the same "
                                           "dtype", OPN);
        else if (b->ndim != 1 || b->sizes[0] < 1)
            st = pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram: bins tensor should have one dimension and at least "
                                            "1 entry", OPN);
        else {
            edges = pts_tensor_to_dtype(b, PTS_FLOAT64);
            st = edges ? PTS_OK : pts_err_last();
            nb = b->sizes[0] - 1;
        }
    } else {
        nb = pts_arg_int(bins);
        double lo = 0, hi = 0;
        if (nb <= 0)
            st = pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram(): bins must be > 0, but got %lld", OPN,
                             (long long)nb);
        else if (range.tag != PTS_T_NONE) {
            double rg[2];
            int nr = 0;
            pts_value *items = PTS_LIST(range)->items;
            nr = (int)PTS_LIST(range)->len;
            if (nr != 2)
                st = pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram(): range should have 2 elements", OPN);
            else {
                rg[0] = pts_arg_double(items[0]);
                rg[1] = pts_arg_double(items[1]);
                lo = rg[0];
                hi = rg[1];
            }
        } else if (n == 0) {
            lo = 0;
            hi = 1;
        } else {
            lo = hi = p[0];
            for (int64_t i = 0; i < n; i++) {
                lo = p[i] < lo || isnan(p[i]) ? p[i] : lo;
                hi = p[i] > hi || isnan(p[i]) ? p[i] : hi;
            }
        }
        if (!st && !(isfinite(lo) && isfinite(hi)))
            st = pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram(): range of [%g, %g] is not finite", OPN, lo, hi);
        if (!st && lo > hi)
            st = pts_err_set(PTS_ERR_VALUE, "%s: torch.histogram(): min should not exceed max, but got min %g max %g",
                             OPN, lo, hi);
        if (!st) {
            lo = rnd_to(lo, dt);
            hi = rnd_to(hi, dt);
            if (lo == hi) {
                lo = rnd_to(lo - 0.5, dt);
                hi = rnd_to(hi + 0.5, dt);
            }
            int64_t ne = nb + 1;
            edges = pts_tensor_empty(PTS_FLOAT64, 1, &ne);
            st = edges ? PTS_OK : pts_err_last();
            if (!st) { /* torch's linspace in the input's dtype */
                double step = rnd_to((hi - lo) / (double)nb, dt);
                int64_t half = ne / 2;
                for (int64_t i = 0; i < ne; i++)
                    pts_f64(edges)[i] = i < half ? rnd_to(lo + rnd_to(step * (double)i, dt), dt)
                                                 : rnd_to(hi - rnd_to(step * (double)(nb - i), dt), dt);
            }
        }
    }
    pts_tensor *wf = !st && wt ? pts_tensor_to_dtype(wt, PTS_FLOAT64) : NULL;
    pts_tensor *hist = !st && (!wt || wf) ? pts_tensor_zeros(PTS_FLOAT64, 1, &nb) : NULL;
    if (!st && !hist)
        st = pts_err_last();
    if (!st && nb > 0) {
        const double *e = pts_f64(edges);
        for (int64_t i = 0; i < n; i++) {
            double v = p[i];
            if (!(v >= e[0] && v <= e[nb]))
                continue;
            /* the last edge <= v (upper bound - 1), the right edge falling in the last bin */
            int64_t lo = 0, hi = nb + 1;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (e[mid] <= v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            int64_t pos = lo - 1;
            if (pos >= nb)
                pos = nb - 1;
            if (pos < 0)
                continue;
            /* torch accumulates in the input's dtype, in element order */
            pts_f64(hist)[pos] = rnd_to(pts_f64(hist)[pos] + (wf ? pts_f64(wf)[i] : 1), dt);
        }
        if (density) {
            double tot = 0;
            for (int64_t k = 0; k < nb; k++)
                tot += rnd_to(pts_f64(hist)[k], dt);
            tot = rnd_to(tot, dt);
            for (int64_t k = 0; k < nb; k++)
                pts_f64(hist)[k] = rnd_to(rnd_to(pts_f64(hist)[k], dt) / tot, dt) / rnd_to(e[k + 1] - e[k], dt);
        }
    }
    pts_tdrop(xf);
    pts_tdrop(wf);
    if (st) {
        pts_tdrop(edges);
        pts_tdrop(hist);
        return st;
    }
    st = pts_ret_as(hist, dt, &rets[0]);
    if (st) {
        pts_tdrop(edges);
        return st;
    }
    return pts_ret_as(edges, dt, &rets[1]);
}

PTS_KERNEL(k_histogram_bins)
{
    return histogram_impl(op, a->self, pts_tv(a->bins), pts_none(), a->weight, a->density, rets);
}

PTS_KERNEL(k_histogram_count)
{
    return histogram_impl(op, a->self, pts_int(a->bins), a->range, a->weight, a->density, rets);
}

/* ---- segment_reduce ------------------------------------------------------------------------ */

/* segment_reduce(data, reduce, lengths | offsets, axis, unsafe, initial): reduce ("sum", "mean",
 * "max", "min", "prod") each run of data along axis, the runs given by lengths (or offsets) whose
 * leading dims match data's; accumulated in data's dtype in order, as torch's CPU kernel.
 * An empty run gives `initial` (or the reduction's identity; mean: NaN). */
PTS_KERNEL(k_segment_reduce)
{
    pts_tensor *x = a->data, *len = a->lengths, *offs = a->offsets;
    const char *rn = a->reduce;
    int mode = strcmp(rn, "max") == 0 ? 0 : strcmp(rn, "mean") == 0 ? 1 : strcmp(rn, "min") == 0 ? 2
             : strcmp(rn, "sum") == 0 ? 3 : strcmp(rn, "prod") == 0 ? 4 : -1;
    if (mode < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: reduce argument must be either sum, prod, max, min or mean, got %s",
                           OPN, rn);
    if (!pts_is_float(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"_segment_reduce_cpu\" not implemented for '%s'", OPN,
                           pts_dtype_torch_name(x->dtype));
    if (a->indices)
        return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): indices based reduction is not supported yet.", OPN);
    if (!len && !offs)
        return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): Either lengths or offsets must be defined", OPN);
    pts_tensor *seg = len ? len : offs;
    if (seg->dtype != PTS_INT64 && seg->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: segment_reduce(): Expected lengths or offsets of an integer dtype, got "
                                         "%s", OPN, pts_dtype_torch_name(seg->dtype));
    int axis = 0;
    PTS_TRY(pts_wrap_dim(a->axis, x->ndim, OPN, &axis));
    if (seg->ndim < 1 || axis != seg->ndim - 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): Expected axis to be the last dimension of %s but got "
                                          "%d.", OPN, len ? "lengths" : "offsets", axis);
    for (int i = 0; i < axis; i++)
        if (seg->sizes[i] != x->sizes[i])
            return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): the leading dims of %s must match data's", OPN,
                               len ? "lengths" : "offsets");
    int64_t S = len ? seg->sizes[axis] : seg->sizes[axis] - 1;
    if (S < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): offsets must have at least one entry", OPN);
    int64_t outer = 1, inner = 1, A = x->sizes[axis];
    for (int i = 0; i < axis; i++)
        outer *= x->sizes[i];
    for (int i = axis + 1; i < x->ndim; i++)
        inner *= x->sizes[i];
    pts_tensor *sv = pts_tensor_to_dtype(seg, PTS_INT64);
    if (!sv)
        return pts_err_last();
    int64_t per = seg->sizes[axis];
    /* validation (skipped with unsafe=True, as torch) */
    if (!a->unsafe)
        for (int64_t o = 0; o < outer; o++) {
            const int64_t *q = pts_i64(sv) + o * per;
            int64_t tot = 0;
            bool neg = false;
            if (len) {
                for (int64_t k = 0; k < per; k++) {
                    neg = neg || q[k] < 0;
                    tot += q[k];
                }
            } else {
                for (int64_t k = 0; k + 1 < per; k++)
                    neg = neg || q[k + 1] < q[k];
                tot = per ? q[per - 1] - q[0] : 0;
                neg = neg || (per && q[0] != 0);
            }
            if (neg || tot != A) {
                pts_tdrop(sv);
                return pts_err_set(PTS_ERR_VALUE, "%s: segment_reduce(): Expected all rows of %s along axis to sum to "
                                                  "data.size(%d) (and be non-negative) when !unsafe.", OPN,
                                   len ? "lengths" : "offsets", axis);
            }
        }
    int64_t shape[PTS_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        shape[i] = i == axis ? S : x->sizes[i];
    int dt = x->dtype;
    pts_tensor *xf = pts_tensor_to_dtype(x, PTS_FLOAT64);
    pts_tensor *out = xf ? pts_tensor_empty(PTS_FLOAT64, x->ndim, shape) : NULL;
    if (!out) {
        pts_tdrop(sv);
        pts_tdrop(xf);
        return pts_err_last();
    }
    bool has_init = a->initial.tag != PTS_T_NONE;
    double init = has_init ? rnd_to(pts_arg_double(a->initial), dt)
                           : mode == 0 ? -INFINITY : mode == 2 ? INFINITY : mode == 4 ? 1 : 0;
    for (int64_t o = 0; o < outer; o++) {
        const int64_t *q = pts_i64(sv) + o * per;
        int64_t start = 0;
        for (int64_t k = 0; k < S; k++) {
            int64_t n = len ? q[k] : q[k + 1] - q[k];
            if (!len)
                start = q[k];
            for (int64_t in = 0; in < inner; in++) {
                double acc = init;
                for (int64_t j = start; j < start + n && j < A; j++) {
                    double v = pts_f64(xf)[(o * A + j) * inner + in];
                    if (mode == 0)
                        acc = isnan(v) ? v : (v > acc ? v : acc);
                    else if (mode == 2)
                        acc = isnan(v) ? v : (v < acc ? v : acc);
                    else if (mode == 4)
                        acc = rnd_to(acc * v, dt);
                    else
                        acc = rnd_to(acc + v, dt);
                }
                if (mode == 1) {
                    if (n > 0)
                        acc = rnd_to(acc / (double)n, dt);
                    else if (!has_init)
                        acc = NAN;
                }
                pts_f64(out)[(o * S + k) * inner + in] = acc;
            }
            if (len)
                start += n;
        }
    }
    pts_tdrop(sv);
    pts_tdrop(xf);
    return pts_ret_as(out, dt, rets);
}

/* ---- linalg_tensorinv / linalg_tensorsolve --------------------------------------------------- */

/* linalg_tensorinv(A, ind): inverse of A read as a prod(shape[:ind]) square matrix, shaped
 * shape[ind:] + shape[:ind] */
PTS_KERNEL(k_linalg_tensorinv)
{
    pts_tensor *x = a->self, *t;
    int64_t ind = a->ind;
    if (ind <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected a strictly positive integer for 'ind', but got %lld", OPN,
                           (long long)ind);
    if (ind > x->ndim)
        ind = x->ndim;
    int64_t lead = 1, rest = 1, rshape[PTS_MAX_DIMS];
    int nr = 0;
    for (int i = 0; i < x->ndim; i++) {
        if (i < ind)
            lead *= x->sizes[i];
        else
            rest *= x->sizes[i];
    }
    if (lead != rest)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                                          "prod(self.shape[:ind]), but got %lld != %lld", OPN, (long long)rest,
                           (long long)lead);
    for (int i = (int)ind; i < x->ndim; i++)
        rshape[nr++] = x->sizes[i];
    for (int i = 0; i < (int)ind; i++)
        rshape[nr++] = x->sizes[i];
    sc s = {.n = 0};
    pts_value l;
    int64_t sq[2] = {rest, rest};
    ILIST(&s, l, 2, sq);
    CALL(&s, t, "aten::reshape", pts_tv(x), l);
    CALL(&s, t, "aten::linalg_inv", pts_tv(t));
    ILIST(&s, l, nr, rshape);
    CALL(&s, t, "aten::reshape", pts_tv(t), l);
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* linalg_tensorsolve(A, B, dims): X with tensordot(A, X, X.ndim) == B: A's dims moved to the end,
 * read as a square matrix against B flattened, shaped A.shape[B.ndim:] */
PTS_KERNEL(k_linalg_tensorsolve)
{
    pts_tensor *x = a->self, *b = a->other, *t, *rhs;
    sc s = {.n = 0};
    pts_value l;
    t = x;
    if (a->dims.tag != PTS_T_NONE) {
        int64_t dims[PTS_MAX_DIMS], dest[PTS_MAX_DIMS];
        int nd = 0;
        if (pts_arg_int_list(a->dims, dims, PTS_MAX_DIMS, &nd, 0, "dims"))
            goto fail;
        for (int i = 0; i < nd; i++)
            dest[i] = x->ndim - nd + i;
        pts_value dl, dd;
        ILIST(&s, dl, nd, dims);
        ILIST(&s, dd, nd, dest);
        CALL(&s, t, "aten::movedim.intlist", pts_tv(x), dl, dd);
    }
    int64_t rshape[PTS_MAX_DIMS], rp = 1, bp = pts_tensor_numel(b);
    int nr = 0;
    for (int i = b->ndim; i < t->ndim; i++) {
        rshape[nr++] = t->sizes[i];
        rp *= t->sizes[i];
    }
    if (rp != bp) {
        pts_err_set(PTS_ERR_VALUE, "%s: Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                                   "prod(self.shape[:other.ndim]), but got %lld != %lld", OPN, (long long)rp,
                    (long long)bp);
        goto fail;
    }
    int64_t sq[2] = {rp, rp};
    ILIST(&s, l, 2, sq);
    CALL(&s, t, "aten::reshape", pts_tv(t), l);
    CALL(&s, rhs, "aten::flatten.using_ints", pts_tv(b));
    CALL(&s, t, "aten::linalg_solve", pts_tv(t), pts_tv(rhs));
    ILIST(&s, l, nr, rshape);
    CALL(&s, t, "aten::reshape", pts_tv(t), l);
    pts_status st = sc_ret(t, rets);
    sc_drop(&s);
    return st;
fail:
    sc_drop(&s);
    return pts_err_last();
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_stats[] = {
    PTS_OP("aten::cov(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None) -> Tensor", k_cov),
    PTS_OP("aten::corrcoef(Tensor self) -> Tensor", k_corrcoef),
    PTS_OP("aten::quantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation=\"linear\") -> Tensor", k_quantile),
    PTS_OP("aten::quantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation=\"linear\") -> Tensor", k_quantile),
    PTS_OP("aten::nanquantile(Tensor self, Tensor q, int? dim=None, bool keepdim=False, *, str interpolation=\"linear\") -> Tensor", k_quantile),
    PTS_OP("aten::nanquantile.scalar(Tensor self, float q, int? dim=None, bool keepdim=False, *, str interpolation=\"linear\") -> Tensor", k_quantile),
    PTS_OP("aten::histc(Tensor self, int bins=100, Scalar min=0, Scalar max=0) -> Tensor", k_histc),
    PTS_OP("aten::trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", k_trapezoid_x),
    PTS_OP("aten::trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", k_trapezoid_dx),
    PTS_OP("aten::trapz.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", k_trapezoid_x),
    PTS_OP("aten::trapz.dx(Tensor y, *, float dx=1., int dim=-1) -> Tensor", k_trapezoid_dx),
    PTS_OP("aten::cumulative_trapezoid.x(Tensor y, Tensor x, *, int dim=-1) -> Tensor", k_trapezoid_x),
    PTS_OP("aten::cumulative_trapezoid.dx(Tensor y, *, Scalar dx=1, int dim=-1) -> Tensor", k_trapezoid_dx),
    PTS_OP("aten::sum_to_size(Tensor self, SymInt[] size) -> Tensor", k_sum_to_size),
    PTS_OP("aten::linalg_diagonal(Tensor(a) A, *, int offset=0, int dim1=-2, int dim2=-1) -> Tensor(a)", k_linalg_diagonal),
    PTS_OP("aten::linalg_vecdot(Tensor x, Tensor y, *, int dim=-1) -> Tensor", k_linalg_vecdot),
    PTS_OP("aten::linalg_vander(Tensor x, *, SymInt? N=None) -> Tensor", k_linalg_vander),
    PTS_OP("aten::linalg_multi_dot(Tensor[] tensors) -> Tensor", k_linalg_multi_dot),
    PTS_OP("aten::_softmax_backward_data(Tensor grad_output, Tensor output, int dim, ScalarType input_dtype) -> Tensor", k_softmax_backward_data),
    PTS_OP("aten::native_dropout_backward(Tensor grad_output, Tensor mask, float scale) -> Tensor", k_native_dropout_backward),
    PTS_OP("aten::_unsafe_masked_index(Tensor self, Tensor mask, Tensor?[] indices, Scalar fill) -> Tensor", k_unsafe_masked_index),
    PTS_OP("aten::_unsafe_masked_index_put_accumulate(Tensor self, Tensor mask, Tensor?[] indices, Tensor values) -> Tensor", k_unsafe_masked_index_put_accumulate),
    PTS_OP("aten::mode(Tensor self, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)", k_mode),
    PTS_OP("aten::hash_tensor(Tensor self, int[1] dim=[], *, bool keepdim=False, int mode=0) -> Tensor", k_hash_tensor),
    PTS_OP("aten::histogram.bins_tensor(Tensor self, Tensor bins, *, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor bin_edges)", k_histogram_bins),
    PTS_OP("aten::histogram.bin_ct(Tensor self, int bins=100, *, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor bin_edges)", k_histogram_count),
    PTS_OP("aten::segment_reduce(Tensor data, str reduce, *, Tensor? lengths=None, Tensor? indices=None, Tensor? offsets=None, int axis=0, bool unsafe=False, Scalar? initial=None) -> Tensor", k_segment_reduce),
    PTS_OP("aten::linalg_tensorinv(Tensor self, int ind=2) -> Tensor", k_linalg_tensorinv),
    PTS_OP("aten::linalg_tensorsolve(Tensor self, Tensor other, int[]? dims=None) -> Tensor", k_linalg_tensorsolve),
    {NULL, NULL},
};
