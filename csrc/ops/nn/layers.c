/* layers.c - small layers and distances torch writes as compositions:
 * rms_norm, bilinear, pdist (_pdist_forward), renorm, inner, vdot.
 * Computed in double over contiguous copies, rounded once to the result dtype.
 */
#include "ops/compose.h"

/* complex64 / complex128 (tensor/cplx.h is not included: <complex.h>'s I would shadow the names here) */
static bool is_complex_dtype(int dtype) { return dtype == PTS_COMPLEX64 || dtype == PTS_COMPLEX128; }

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

/* rms_norm(input, normalized_shape, weight, eps): x / sqrt(mean(x^2 over the normalized dims) + eps)
 * (* weight); eps None: the dtype's machine epsilon */
/* rms_norm of a complex input, composed as ATen does: x * rsqrt(mean(x * x) + eps) * weight (x * x,
 * not |x|^2); eps None: the machine epsilon of the real dtype */
static pts_status rms_norm_complex(pts_tensor *x, pts_tensor *w, int nn, bool has_eps, double eps,
                                   pts_value *rets)
{
    int64_t dims[PTS_MAX_DIMS];
    for (int i = 0; i < nn; i++)
        dims[i] = x->ndim - nn + i;
    if (!has_eps)
        eps = x->dtype == PTS_COMPLEX128 ? 2.220446049250313e-16 : 1.1920928955078125e-07;
    pts_value dl = pts_int_list_value(nn, dims);
    if (dl.tag == PTS_T_NONE)
        return pts_err_last();
    pts_tensor *sq = NULL, *m = NULL, *y = NULL;
    pts_value a2[2] = {pts_tv(x), pts_tv(x)};
    sq = pts_call_t("aten::mul.Tensor", 2, a2);
    pts_value a3[3] = {pts_tv(sq), dl, pts_bool(true)};
    m = sq ? pts_call_t("aten::mean.dim", 3, a3) : NULL;
    pts_value a4[2] = {pts_tv(m), pts_float(eps)};
    pts_tensor *t = m ? pts_call_t("aten::add.Scalar", 2, a4) : NULL;
    pts_tdrop(m);
    m = t;
    pts_value a5[1] = {pts_tv(m)};
    t = m ? pts_call_t("aten::rsqrt", 1, a5) : NULL;
    pts_tdrop(m);
    m = t;
    pts_value a6[2] = {pts_tv(x), pts_tv(m)};
    y = m ? pts_call_t("aten::mul.Tensor", 2, a6) : NULL;
    if (y && w) {
        pts_value a7[2] = {pts_tv(y), pts_tv(w)};
        t = pts_call_t("aten::mul.Tensor", 2, a7);
        pts_tdrop(y);
        y = t;
    }
    pts_tdrop(sq);
    pts_tdrop(m);
    pts_value_release(dl);
    return pts_ret(y, rets);
}

PTS_KERNEL(k_rms_norm)
{
    pts_tensor *x = a->input, *w = a->weight;
    int64_t ns[PTS_MAX_DIMS];
    int nn = 0;
    PTS_TRY(pts_arg_int_list(a->normalized_shape, ns, PTS_MAX_DIMS, &nn, 0, "normalized_shape"));
    if (!pts_is_float(x->dtype) && !is_complex_dtype(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: rms_norm only supports floating-point inputs, got %s", OPN,
                           pts_dtype_torch_name(x->dtype));
    bool ok = nn <= x->ndim && nn >= 1;
    for (int i = 0; ok && i < nn; i++)
        ok = ns[i] == x->sizes[x->ndim - nn + i];
    if (!ok)
        return pts_err_set(PTS_ERR_VALUE, "%s: Given normalized_shape of %d dims, expected input with shape [*, ...] "
                                          "matching it", OPN, nn);
    if (w) {
        bool wok = w->ndim == nn;
        for (int i = 0; wok && i < nn; i++)
            wok = w->sizes[i] == ns[i];
        if (!wok)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected weight to be of same shape as normalized_shape", OPN);
    }
    if (is_complex_dtype(x->dtype))
        return rms_norm_complex(x, w, nn, a->has_eps, a->eps, rets);
    /* eps None: the machine epsilon of the compute dtype (float for float32 and narrower) */
    double eps = a->has_eps ? a->eps : x->dtype == PTS_FLOAT64 ? 2.220446049250313e-16 : 1.1920928955078125e-07;
    int64_t inner = 1;
    for (int i = 0; i < nn; i++)
        inner *= ns[i];
    pts_tensor *xf = pts_tensor_to_dtype(x, PTS_FLOAT64);
    pts_tensor *wf = xf && w ? pts_tensor_to_dtype(w, PTS_FLOAT64) : NULL;
    if (!xf || (w && !wf)) {
        pts_tdrop(xf);
        return pts_err_last();
    }
    int64_t rows = inner ? pts_tensor_numel(xf) / inner : 0;
    double *p = pts_f64(xf);
    for (int64_t r = 0; r < rows; r++) {
        double s = 0;
        for (int64_t i = 0; i < inner; i++)
            s += p[r * inner + i] * p[r * inner + i];
        double k = 1 / sqrt(s / (double)inner + eps);
        for (int64_t i = 0; i < inner; i++) {
            /* torch: the normalized value in the input's dtype, then times the weight in it */
            double y = p[r * inner + i] * k;
            if (wf)
                y = rnd_to(rnd_to(y, x->dtype) * pts_f64(wf)[i], x->dtype);
            p[r * inner + i] = y;
        }
    }
    pts_tdrop(wf);
    return pts_ret_as(xf, x->dtype, rets);
}

/* bilinear on integers: torch's integer bmm wraps around, and wrap-around arithmetic is a ring,
 * so the sum in uint64 converted to the dtype is torch's result whatever its order. */
static pts_status bilinear_int(pts_tensor *x1, pts_tensor *x2, pts_tensor *W, pts_tensor *b, int64_t B, int64_t O,
                               int64_t I, int64_t J, const int64_t *shape, pts_value *rets)
{
    int dt = x1->dtype;
    pts_tensor *u = pts_tensor_to_dtype(x1, PTS_INT64), *v = u ? pts_tensor_to_dtype(x2, PTS_INT64) : NULL;
    pts_tensor *wf = v ? pts_tensor_to_dtype(W, PTS_INT64) : NULL;
    pts_tensor *bf = wf && b ? pts_tensor_to_dtype(b, PTS_INT64) : NULL;
    pts_tensor *out = wf && (!b || bf) ? pts_tensor_empty(PTS_INT64, x1->ndim, shape) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    if (!st)
        for (int64_t n = 0; n < B; n++)
            for (int64_t o = 0; o < O; o++) {
                uint64_t s = bf ? (uint64_t)pts_i64(bf)[o] : 0;
                for (int64_t i = 0; i < I; i++) {
                    uint64_t t = 0;
                    for (int64_t j = 0; j < J; j++)
                        t += (uint64_t)pts_i64(wf)[(o * I + i) * J + j] * (uint64_t)pts_i64(v)[n * J + j];
                    s += (uint64_t)pts_i64(u)[n * I + i] * t;
                }
                pts_i64(out)[n * O + o] = (int64_t)s;
            }
    pts_tdrop(u);
    pts_tdrop(v);
    pts_tdrop(wf);
    pts_tdrop(bf);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret_as(out, dt, rets);
}

/* bilinear: y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] (+ b[o]) */
PTS_KERNEL(k_bilinear)
{
    pts_tensor *x1 = a->input1, *x2 = a->input2, *W = a->weight, *b = a->bias;
    if (x1->ndim != x2->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: bilinear(): input dimensions do not match: got %d and %d", OPN, x1->ndim,
                           x2->ndim);
    if (x1->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: bilinear(): inputs must have at least one dimension", OPN);
    for (int i = 0; i < x1->ndim - 1; i++)
        if (x1->sizes[i] != x2->sizes[i])
            return pts_err_set(PTS_ERR_VALUE, "%s: bilinear(): input batch dimensions do not match", OPN);
    if (W->ndim != 3 || W->sizes[1] != x1->sizes[x1->ndim - 1] || W->sizes[2] != x2->sizes[x2->ndim - 1])
        return pts_err_set(PTS_ERR_VALUE, "%s: bilinear(): weight must be [out, in1, in2] matching the inputs", OPN);
    if (b && (b->ndim != 1 || b->sizes[0] != W->sizes[0]))
        return pts_err_set(PTS_ERR_VALUE, "%s: bilinear(): bias size does not match weight size", OPN);
    int dt = x1->dtype;
    if (x2->dtype != dt || W->dtype != dt || (b && b->dtype != dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: expected all tensors to have the same dtype (%s)", OPN,
                           pts_dtype_torch_name(dt));
    if (!pts_is_float(dt) && !pts_dtype_get(dt)->is_int && dt != PTS_BOOL)
        return pts_not_implemented(OPN, dt);
    bool integer = !pts_is_float(dt);
    int64_t O = W->sizes[0], I = W->sizes[1], J = W->sizes[2];
    /* torch's bmm refuses bool, but only when there is something to multiply */
    if (dt == PTS_BOOL && pts_tensor_numel(x1) > 0 && O > 0 && J > 0)
        return pts_err_set(PTS_ERR_TYPE, "\"bmm\" not implemented for 'Bool'");
    int64_t B = I ? pts_tensor_numel(x1) / I : 1;
    if (!I) {
        B = 1;
        for (int i = 0; i < x1->ndim - 1; i++)
            B *= x1->sizes[i];
    }
    int64_t shape[PTS_MAX_DIMS];
    for (int i = 0; i < x1->ndim - 1; i++)
        shape[i] = x1->sizes[i];
    shape[x1->ndim - 1] = O;
    if (integer)
        return bilinear_int(x1, x2, W, b, B, O, I, J, shape, rets);
    pts_tensor *u = pts_tensor_to_dtype(x1, PTS_FLOAT64), *v = u ? pts_tensor_to_dtype(x2, PTS_FLOAT64) : NULL;
    pts_tensor *wf = v ? pts_tensor_to_dtype(W, PTS_FLOAT64) : NULL;
    pts_tensor *bf = wf && b ? pts_tensor_to_dtype(b, PTS_FLOAT64) : NULL;
    pts_tensor *out = wf && (!b || bf) ? pts_tensor_empty(PTS_FLOAT64, x1->ndim, shape) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    if (!st)
        for (int64_t n = 0; n < B; n++)
            for (int64_t o = 0; o < O; o++) {
                double s = bf ? pts_f64(bf)[o] : 0;
                for (int64_t i = 0; i < I; i++) {
                    double t = 0;
                    for (int64_t j = 0; j < J; j++)
                        t += pts_f64(wf)[(o * I + i) * J + j] * pts_f64(v)[n * J + j];
                    s += pts_f64(u)[n * I + i] * t;
                }
                pts_f64(out)[n * O + o] = s;
            }
    pts_tdrop(u);
    pts_tdrop(v);
    pts_tdrop(wf);
    pts_tdrop(bf);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret_as(out, dt, rets);
}

/* pdist: the p-norm distances of the rows i < j of a 2-D input, in row-major pair order */
PTS_KERNEL(k_pdist)
{
    pts_tensor *x = a->self;
    double p = a->p;
    if (x->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: pdist only supports 2D tensors, got: %dD", OPN, x->ndim);
    if (!pts_is_float(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: pdist only supports floating-point dtypes", OPN);
    if (p < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: pdist only supports non-negative p values", OPN);
    if (strcmp(OPN, "aten::_pdist_forward") == 0 && !pts_tensor_is_contiguous(x))
        return pts_err_set(PTS_ERR_VALUE, "%s: _pdist_forward requires contiguous input", OPN);
    int64_t N = x->sizes[0], M = x->sizes[1], K = N > 1 ? N * (N - 1) / 2 : 0;
    pts_tensor *xf = pts_tensor_to_dtype(x, PTS_FLOAT64);
    pts_tensor *out = xf ? pts_tensor_empty(PTS_FLOAT64, 1, &K) : NULL;
    if (!out) {
        pts_tdrop(xf);
        return pts_err_last();
    }
    int64_t k = 0;
    for (int64_t i = 0; i < N; i++)
        for (int64_t j = i + 1; j < N; j++) {
            double s = 0;
            for (int64_t m = 0; m < M; m++) {
                double d = fabs(pts_f64(xf)[i * M + m] - pts_f64(xf)[j * M + m]);
                if (p == 0) { /* torch: min(ceil(d), 1), so NaN propagates */
                    double c = ceil(d);
                    s += 1 < c ? 1 : c;
                }
                else if (isinf(p))
                    s = d > s || isnan(d) ? d : s;
                else if (p == 1)
                    s += d;
                else if (p == 2)
                    s += d * d;
                else
                    s += pow(d, p);
            }
            pts_f64(out)[k++] = p == 0 || p == 1 || isinf(p) ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
        }
    pts_tdrop(xf);
    return pts_ret_as(out, x->dtype, rets);
}

/* renorm: each slice along dim whose p-norm exceeds maxnorm is scaled to maxnorm / (norm + 1e-7) */
PTS_KERNEL(k_renorm)
{
    pts_tensor *x = a->self;
    double p = pts_arg_double(a->p), maxnorm = pts_arg_double(a->maxnorm);
    bool cplx = is_complex_dtype(x->dtype);
    if (!pts_is_float(x->dtype) && !cplx)
        return pts_err_set(PTS_ERR_TYPE, "%s: renorm: expected a floating point input, got %s", OPN,
                           pts_dtype_torch_name(x->dtype));
    if (p <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: renorm: non-positive-norm not supported", OPN);
    if (maxnorm < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: renorm: expected maxnorm to be >= 0 but got %g", OPN, maxnorm);
    if (x->ndim <= 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: renorm: input needs at least 2 dimensions, got %d dimensions", OPN,
                           x->ndim);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, x->ndim, OPN, &d));
    bool mask[PTS_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        mask[i] = i != d;
    pts_rows r;
    int cd = cplx ? PTS_COMPLEX128 : PTS_FLOAT64, per = cplx ? 2 : 1; /* numbers per element */
    PTS_TRY(pts_rows_make(x, mask, false, cd, &r)); /* rows: the indices along d */
    double *v = pts_f64(r.flat);
    double *ks = pts_malloc(sizeof(double) * (size_t)(r.rows + 1));
    pts_tensor *out = ks ? pts_tensor_to_dtype(x, cd) : NULL;
    if (!out) {
        pts_free(ks);
        pts_tdrop(r.flat);
        return pts_err_last();
    }
    for (int64_t i = 0; i < r.rows; i++) {
        double s = 0;
        for (int64_t j = 0; j < r.inner; j++) {
            double e = cplx ? hypot(v[2 * (i * r.inner + j)], v[2 * (i * r.inner + j) + 1]) : fabs(v[i * r.inner + j]);
            s = isinf(p) ? (e > s ? e : s) : s + (p == 1 ? e : p == 2 ? e * e : pow(e, p));
        }
        double norm = isinf(p) || p == 1 ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
        double k = norm > maxnorm ? maxnorm / (norm + 1e-7) : 1;
        /* torch's factor is of the input's dtype */
        ks[i] = x->dtype != PTS_FLOAT64 && x->dtype != PTS_COMPLEX128 ? (double)(float)k : k;
    }
    pts_tdrop(r.flat);
    int64_t after = 1;
    for (int i = d + 1; i < x->ndim; i++)
        after *= x->sizes[i];
    for (int64_t f = 0, n = pts_tensor_numel(out); f < n; f++) {
        double k = ks[(f / after) % x->sizes[d]], *z = pts_f64(out) + per * f;
        if (cplx) { /* times the factor as a complex number k + 0j (the textbook product) */
            double re = z[0] * k - z[1] * 0.0, im = z[0] * 0.0 + z[1] * k;
            z[0] = re, z[1] = im;
        } else {
            z[0] *= k;
        }
    }
    pts_free(ks);
    return pts_ret_as(out, x->dtype, rets);
}

/* inner: the sum over the last dims (a 0-d operand multiplies) */
PTS_KERNEL(k_inner)
{
    pts_tensor *x = a->self, *y = a->other;
    if (x->ndim == 0 || y->ndim == 0) {
        pts_value args[2] = {pts_tv(x), pts_tv(y)};
        return pts_call("aten::mul.Tensor", 2, args, rets);
    }
    if (x->sizes[x->ndim - 1] != y->sizes[y->ndim - 1])
        return pts_err_set(PTS_ERR_VALUE, "%s: inner() the last dimension must match on both input tensors but got "
                                          "shapes [%lld] and [%lld]", OPN, (long long)x->sizes[x->ndim - 1],
                           (long long)y->sizes[y->ndim - 1]);
    int64_t m1 = -1;
    pts_value d1 = pts_int_list_value(1, &m1), d2 = pts_int_list_value(1, &m1);
    pts_value args[4] = {pts_tv(x), pts_tv(y), d1, d2};
    pts_status st = pts_call("aten::tensordot", 4, args, rets);
    pts_value_release(d1);
    pts_value_release(d2);
    return st;
}

/* vdot: dot of two 1-D tensors of one dtype (conjugating the first: real dtypes need not) */
PTS_KERNEL(k_vdot)
{
    if (a->self->dtype != a->other->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: dot : expected both vectors to have same dtype, but found %s and %s", OPN,
                           pts_dtype_torch_name(a->self->dtype), pts_dtype_torch_name(a->other->dtype));
    pts_value args[2] = {pts_tv(a->self), pts_tv(a->other)};
    if (a->self->dtype != PTS_COMPLEX64 && a->self->dtype != PTS_COMPLEX128)
        return pts_call("aten::dot", 2, args, rets);
    /* complex: sum(conj(self) * other), the first vector conjugated */
    pts_value c = pts_none();
    PTS_TRY(pts_call("aten::conj", 1, args, &c));
    args[0] = c;
    pts_status st = pts_call("aten::dot", 2, args, rets);
    pts_value_release(c);
    return st;
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_layers[] = {
    PTS_OP("aten::rms_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor", k_rms_norm),
    PTS_OP("aten::bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor", k_bilinear),
    PTS_OP("aten::pdist(Tensor self, float p=2.) -> Tensor", k_pdist),
    PTS_OP("aten::_pdist_forward(Tensor self, float p=2.) -> Tensor", k_pdist),
    PTS_OP("aten::renorm(Tensor self, Scalar p, int dim, Scalar maxnorm) -> Tensor", k_renorm),
    PTS_OP("aten::inner(Tensor self, Tensor other) -> Tensor", k_inner),
    PTS_OP("aten::vdot(Tensor self, Tensor other) -> Tensor", k_vdot),
    {NULL, NULL},
};
