/* loss.c - loss functions: elementwise (l1, mse, smooth_l1, huber, kl_div,
 * binary_cross_entropy, binary_cross_entropy_with_logits) and class losses
 * (nll_loss / nll_loss2d / nll_loss_nd, cross_entropy_loss with class
 * indices or probabilities and label smoothing), ctc_loss (both overloads).
 *
 * Inputs are broadcast and copied to contiguous double; the per-element loss
 * is reduced as `reduction` says (0 none, 1 mean, 2 sum) and converted once
 * to the result dtype.
 */
#include "ops/kernel.h"

static void tdrop(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* t broadcast to shape, as a new contiguous double tensor. */
static pts_tensor *bcast_f64(const pts_tensor *t, int nd, const int64_t *shape)
{
    int64_t strides[PTS_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        int td = t->ndim - nd + i;
        strides[i] = td >= 0 && t->sizes[td] == shape[i] ? t->strides[td] : 0;
    }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, nd, shape, strides, t->offset);
    if (!v)
        return NULL;
    pts_tensor *r = pts_tensor_to_dtype(v, PTS_FLOAT64);
    pts_obj_release(&v->hdr);
    return r;
}

static pts_status check_reduction(const char *opname, int64_t red)
{
    if (red < 0 || red > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: %lld is not a valid value for reduction", opname, (long long)red);
    return PTS_OK;
}

/* reduction argument: 0 none, 1 mean, 2 sum */
static double reduce_values(const double *v, int64_t n, int64_t reduction)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += v[i];
    return reduction == 1 ? s / (double)n : s;
}

/* out (double, stolen) reduced by `reduction`, delivered as dtype. */
static pts_status finish(pts_tensor *out, int64_t reduction, int dtype, pts_value *ret)
{
    if (reduction == 0)
        return pts_ret_as(out, dtype, ret);
    double v = reduce_values(pts_f64(out), pts_tensor_numel(out), reduction);
    pts_obj_release(&out->hdr);
    return pts_ret(pts_tensor_from_scalar(pts_float(v), dtype), ret);
}

/* ---- elementwise losses ------------------------------------------------------------------------ */

typedef enum ew_loss { L_L1, L_MSE, L_SMOOTH_L1, L_HUBER, L_KL, L_KL_LOG, L_BCE } ew_loss;

static double ew_value(ew_loss k, double x, double y, double p)
{
    double d = x - y, a = fabs(d);
    switch (k) {
    case L_L1: return a;
    case L_MSE: return d * d;
    case L_SMOOTH_L1: return p == 0 ? a : a < p ? 0.5 * d * d / p : a - 0.5 * p;
    case L_HUBER: return a < p ? 0.5 * d * d : p * (a - 0.5 * p);
    case L_KL: return (y == 0 && !isnan(y) ? 0 : y * log(y)) - y * x; /* xlogy(t, t) - t * x */
    case L_KL_LOG: return exp(y) * (y - x);
    case L_BCE: {
        double lx = log(x), l1x = log1p(-x);
        lx = lx < -100 ? -100 : lx;
        l1x = l1x < -100 ? -100 : l1x;
        return (y - 1) * l1x - y * lx;
    }
    }
    return 0;
}

static pts_status ew_loss_run(const pts_op *op, pts_tensor *x, pts_tensor *y, pts_value *rets, ew_loss k, double p,
                              int64_t reduction, pts_tensor *weight)
{
    PTS_TRY(check_reduction(OPN, reduction));
    int rd;
    pts_value xy[2] = {pts_obj_value(&x->hdr), pts_obj_value(&y->hdr)};
    PTS_TRY(pts_result_type(2, xy, &rd, OPN));
    PTS_TRY(pts_check_real(OPN, rd));
    if (k == L_BCE) {
        if (x->dtype != y->dtype || (weight && weight->dtype != x->dtype))
            return pts_err_set(PTS_ERR_TYPE, "%s: Found dtype %s but expected %s", OPN,
                               pts_dtype_torch_name(x->dtype != y->dtype ? y->dtype : weight->dtype), pts_dtype_torch_name(x->dtype));
        rd = x->dtype;
    }
    if (!pts_is_float(rd) && (k != L_L1 || reduction == 1))
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", OPN, pts_dtype_torch_name(rd));
    pts_tensor *ts[3] = {x, y, weight};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(weight ? 3 : 2, ts, &nd, shape, OPN));
    pts_tensor *a = bcast_f64(x, nd, shape), *b = a ? bcast_f64(y, nd, shape) : NULL;
    pts_tensor *w = b && weight ? bcast_f64(weight, nd, shape) : NULL;
    if (!a || !b || (weight && !w)) {
        pts_obj_release(a ? &a->hdr : NULL);
        pts_obj_release(b ? &b->hdr : NULL);
        return pts_err_last();
    }
    int64_t n = pts_tensor_numel(a);
    double *av = pts_f64(a), *bv = pts_f64(b);
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < n; i++) {
        if (k == L_BCE && !(av[i] >= 0 && av[i] <= 1)) {
            st = pts_err_set(PTS_ERR_VALUE, "%s: all elements of input should be between 0 and 1", OPN);
            break;
        }
        av[i] = ew_value(k, av[i], bv[i], p) * (w ? pts_f64(w)[i] : 1);
    }
    pts_obj_release(&b->hdr);
    pts_obj_release(w ? &w->hdr : NULL);
    if (st) {
        pts_obj_release(&a->hdr);
        return st;
    }
    return finish(a, reduction, rd, rets);
}

/* l1_loss of complex inputs, as torch: (self - target).abs() (real: float32
 * for complex64, each difference and modulus rounded to it), then reduced
 * (in double here) to a real result. */
static pts_status l1_complex(const pts_op *op, pts_tensor *x, pts_tensor *y, int rd, int64_t reduction,
                             pts_value *rets)
{
    pts_tensor *ts[2] = {x, y};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    pts_tensor *c[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < nd; i++) {
            int td = ts[k]->ndim - nd + i;
            strides[i] = td >= 0 && ts[k]->sizes[td] == shape[i] ? ts[k]->strides[td] : 0;
        }
        pts_tensor *v = pts_tensor_view_of(ts[k]->storage, ts[k]->dtype, nd, shape, strides, ts[k]->offset);
        c[k] = v ? pts_tensor_to_dtype(v, PTS_COMPLEX128) : NULL;
        tdrop(v);
        if (!c[k]) {
            tdrop(c[0]);
            return pts_err_last();
        }
    }
    pts_tensor *out = pts_tensor_empty(PTS_FLOAT64, nd, shape);
    if (out) {
        bool f32 = rd == PTS_COMPLEX64;
        const double *u = pts_f64(c[0]), *v = pts_f64(c[1]);
        for (int64_t i = 0, n = pts_tensor_numel(out); i < n; i++) {
            /* torch's complex sub: u + (-1) * v (a NaN or inf part of v spoils both parts) */
            double re = u[2 * i] + (-v[2 * i] - 0.0 * v[2 * i + 1]), im = u[2 * i + 1] + (-v[2 * i + 1] + 0.0 * v[2 * i]);
            if (f32) {
                re = (float)re;
                im = (float)im;
            }
            double m = hypot(re, im);
            pts_f64(out)[i] = f32 ? (double)(float)m : m;
        }
    }
    tdrop(c[0]);
    tdrop(c[1]);
    if (!out)
        return pts_err_last();
    return finish(out, reduction, rd == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64, rets);
}

PTS_KERNEL(k_l1_loss)
{
    int rd;
    pts_value xy[2] = {pts_obj_value(&a->self->hdr), pts_obj_value(&a->target->hdr)};
    PTS_TRY(check_reduction(OPN, a->reduction));
    PTS_TRY(pts_result_type(2, xy, &rd, OPN));
    if (rd == PTS_COMPLEX64 || rd == PTS_COMPLEX128)
        return l1_complex(op, a->self, a->target, rd, a->reduction, rets);
    return ew_loss_run(op, a->self, a->target, rets, L_L1, 0, a->reduction, NULL);
}

PTS_KERNEL(k_mse_loss) { return ew_loss_run(op, a->self, a->target, rets, L_MSE, 0, a->reduction, NULL); }

PTS_KERNEL(k_smooth_l1_loss)
{
    if (a->beta < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: smooth_l1_loss does not support negative values for beta.", OPN);
    return ew_loss_run(op, a->self, a->target, rets, L_SMOOTH_L1, a->beta, a->reduction, NULL);
}

PTS_KERNEL(k_huber_loss)
{
    if (!(a->delta > 0))
        return pts_err_set(PTS_ERR_VALUE, "%s: huber_loss does not support non-positive values for delta.", OPN);
    return ew_loss_run(op, a->self, a->target, rets, L_HUBER, a->delta, a->reduction, NULL);
}

PTS_KERNEL(k_kl_div)
{
    return ew_loss_run(op, a->self, a->target, rets, a->log_target ? L_KL_LOG : L_KL, 0, a->reduction, NULL);
}

PTS_KERNEL(k_binary_cross_entropy)
{
    return ew_loss_run(op, a->self, a->target, rets, L_BCE, 0, a->reduction, a->weight);
}

/* (1 - y) x + (1 + (pw - 1) y) (log1p(exp(-|x|)) + max(-x, 0)), times weight */
PTS_KERNEL(k_bce_with_logits)
{
    pts_tensor *x = a->self, *y = a->target, *w = a->weight, *pw = a->pos_weight;
    int64_t red = a->reduction;
    PTS_TRY(check_reduction(OPN, red));
    pts_value vals[4] = {pts_obj_value(&x->hdr), pts_obj_value(&y->hdr), w ? pts_obj_value(&w->hdr) : pts_none(),
                         pw ? pts_obj_value(&pw->hdr) : pts_none()};
    int rd;
    PTS_TRY(pts_result_type(4, vals, &rd, OPN));
    if (!pts_is_float(rd))
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", OPN, pts_dtype_torch_name(rd));
    pts_tensor *ts[4] = {x, y, w, pw};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(4, ts, &nd, shape, OPN));
    /* torch computes (1 - target) * input in place on a target-shaped tensor first */
    int nxy = 0;
    int64_t sxy[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nxy, sxy, OPN));
    bool same = nxy == y->ndim;
    for (int i = 0; same && i < nxy; i++)
        same = sxy[i] == y->sizes[i];
    if (!same) {
        char a[160], b[160];
        pts_shape_str(y->ndim, y->sizes, a, sizeof a);
        pts_shape_str(nxy, sxy, b, sizeof b);
        return pts_err_set(PTS_ERR_VALUE, "%s: output with shape %s doesn't match the broadcast shape %s", OPN, a, b);
    }
    pts_tensor *bx[4] = {NULL, NULL, NULL, NULL};
    pts_status st = PTS_OK;
    for (int i = 0; i < 4 && !st; i++)
        if (ts[i] && !(bx[i] = bcast_f64(ts[i], nd, shape)))
            st = pts_err_last();
    if (!st) {
        int64_t n = pts_tensor_numel(bx[0]);
        double *xv = pts_f64(bx[0]), *yv = pts_f64(bx[1]);
        for (int64_t i = 0; i < n; i++) {
            double a = xv[i], t = yv[i];
            double lw = bx[3] ? (pts_f64(bx[3])[i] - 1) * t + 1 : 1;
            double l = (1 - t) * a + lw * (log1p(exp(-fabs(a))) + (-a > 0 ? -a : 0));
            xv[i] = l * (bx[2] ? pts_f64(bx[2])[i] : 1);
        }
    }
    for (int i = 1; i < 4; i++)
        pts_obj_release(bx[i] ? &bx[i]->hdr : NULL);
    if (st) {
        pts_obj_release(bx[0] ? &bx[0]->hdr : NULL);
        return st;
    }
    return finish(bx[0], red, rd, rets);
}

/* ---- nll_loss and cross_entropy ------------------------------------------------------------------ */

/* Class-index losses over logp (contiguous double, (N, C, d...) or (C)) and
 * target (N, d...) or ().  smooth: label smoothing (cross_entropy). */
typedef struct cls_loss {
    const char *name;
    const double *logp;
    int64_t batch, classes, inner; /* logp[(b * classes + c) * inner + s] */
    const int64_t *target;         /* batch * inner */
    const double *weight;          /* classes or NULL */
    int64_t ignore;
    int64_t reduction;
    double smoothing;
} cls_loss;

static pts_status cls_loss_run(const cls_loss *c, double *out /* batch*inner, or NULL when reduced */, double *total)
{
    double sum = 0, wsum = 0, ssum = 0, swsum = 0;
    for (int64_t b = 0; b < c->batch; b++)
        for (int64_t s = 0; s < c->inner; s++) {
            int64_t t = c->target[b * c->inner + s];
            double l = 0, sl = 0;
            if (t != c->ignore) {
                if (t < 0 || t >= c->classes)
                    return pts_err_set(PTS_ERR_INDEX, "%s: Target %lld is out of bounds.", c->name, (long long)t);
                double w = c->weight ? c->weight[t] : 1;
                l = -w * c->logp[(b * c->classes + t) * c->inner + s];
                wsum += w;
                if (c->smoothing > 0) {
                    for (int64_t k = 0; k < c->classes; k++)
                        sl -= (c->weight ? c->weight[k] : 1) * c->logp[(b * c->classes + k) * c->inner + s];
                    swsum += w;
                }
            }
            sum += l;
            ssum += sl;
            if (out)
                out[b * c->inner + s] = (1 - c->smoothing) * l + sl * (c->smoothing / (double)c->classes);
        }
    if (c->reduction == 1) {
        double nll = sum / wsum;
        double sm = c->smoothing > 0 ? ssum / swsum : 0;
        *total = (1 - c->smoothing) * nll + sm * (c->smoothing / (double)c->classes);
    } else {
        *total = (1 - c->smoothing) * sum + ssum * (c->smoothing / (double)c->classes);
    }
    return PTS_OK;
}

/* which: 0 nll_loss (1-2 dims), 1 nll_loss2d (4 dims), 2 nll_loss_nd / cross_entropy */
static pts_status check_nll_shapes(const char *opname, const pts_tensor *x, const pts_tensor *t, int which)
{
    if (which == 0 && (x->ndim < 1 || x->ndim > 2))
        return pts_err_set(PTS_ERR_VALUE, "%s: input tensor should be 1D or 2D", opname);
    if (which == 1 && x->ndim != 4)
        return pts_err_set(PTS_ERR_VALUE, "%s: only batches of spatial inputs supported (4D tensors), but got input of "
                                          "dimension: %d", opname, x->ndim);
    if (x->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected 1 or more dimensions (got %d)", opname, x->ndim);
    if (t->dtype != PTS_INT64 && t->dtype != PTS_UINT8)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected target dtype to be Long or Byte, but got %s", opname,
                           pts_dtype_torch_name(t->dtype));
    bool ok;
    if (x->ndim == 1) {
        ok = t->ndim == 0 || (t->ndim == 1 && t->sizes[0] == 1 && which == 0);
        if (which != 0)
            ok = t->ndim == 0;
    } else {
        ok = t->ndim == x->ndim - 1 && t->sizes[0] == x->sizes[0];
        for (int i = 2; ok && i < x->ndim; i++)
            ok = t->sizes[i - 1] == x->sizes[i];
    }
    if (!ok) {
        char a[160], b[160];
        pts_shape_str(x->ndim, x->sizes, a, sizeof a);
        pts_shape_str(t->ndim, t->sizes, b, sizeof b);
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected input batch_size and target batch_size to match (input %s, "
                                          "target %s)", opname, a, b);
    }
    return PTS_OK;
}

/* logp: double copy of x (log-softmaxed over the class dim when `softmax`). */
static pts_status class_loss(const char *opname, pts_tensor *x, pts_tensor *t, pts_tensor *wt, int64_t red, int64_t ignore,
                             double smoothing, bool softmax, pts_value *ret)
{
    PTS_TRY(check_reduction(opname, red));
    if (!pts_is_float(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", opname, pts_dtype_torch_name(x->dtype));
    int64_t classes = x->ndim == 1 ? x->sizes[0] : x->sizes[1];
    pts_tensor *w = NULL;
    if (wt) {
        if (pts_tensor_numel(wt) != classes || wt->ndim != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: weight tensor should be defined either for all %lld classes or no classes "
                                              "but got weight tensor of shape: [%lld]", opname, (long long)classes,
                               (long long)pts_tensor_numel(wt));
        if (!(w = pts_tensor_to_dtype(wt, PTS_FLOAT64)))
            return pts_err_last();
    }
    pts_tensor *lp = pts_tensor_to_dtype(x, PTS_FLOAT64);
    pts_tensor *tg = lp ? pts_tensor_to_dtype(t, PTS_INT64) : NULL;
    if (!lp || !tg) {
        pts_obj_release(w ? &w->hdr : NULL);
        pts_obj_release(lp ? &lp->hdr : NULL);
        return pts_err_last();
    }
    cls_loss c = {opname, pts_f64(lp), x->ndim == 1 ? 1 : x->sizes[0], classes, 1, pts_i64(tg), w ? pts_f64(w) : NULL,
                  ignore, red, smoothing};
    for (int i = 2; i < x->ndim; i++)
        c.inner *= x->sizes[i];
    if (softmax) {
        double *v = pts_f64(lp);
        for (int64_t b = 0; b < c.batch; b++)
            for (int64_t s = 0; s < c.inner; s++) {
                double m = -INFINITY, z = 0;
                for (int64_t k = 0; k < classes; k++) {
                    double e = v[(b * classes + k) * c.inner + s];
                    m = e > m || isnan(e) ? e : m;
                }
                if (isinf(m))
                    m = 0;
                for (int64_t k = 0; k < classes; k++)
                    z += exp(v[(b * classes + k) * c.inner + s] - m);
                double lz = log(z) + m;
                for (int64_t k = 0; k < classes; k++)
                    v[(b * classes + k) * c.inner + s] -= lz;
            }
    }
    int64_t tshape[PTS_MAX_DIMS];
    int tnd = 0;
    if (x->ndim > 1) {
        tshape[tnd++] = c.batch;
        for (int i = 2; i < x->ndim; i++)
            tshape[tnd++] = x->sizes[i];
    }
    pts_tensor *out = red == 0 ? pts_tensor_empty(PTS_FLOAT64, tnd, tshape) : NULL;
    double total = 0;
    pts_status st = red == 0 && !out ? pts_err_last() : cls_loss_run(&c, out ? pts_f64(out) : NULL, &total);
    pts_obj_release(w ? &w->hdr : NULL);
    pts_obj_release(&lp->hdr);
    pts_obj_release(&tg->hdr);
    if (st) {
        pts_obj_release(out ? &out->hdr : NULL);
        return st;
    }
    if (out)
        return pts_ret_as(out, x->dtype, ret);
    return pts_ret(pts_tensor_from_scalar(pts_float(total), x->dtype), ret);
}

/* nll_loss{,2d,_nd}(self, target, weight?, reduction, ignore_index) */
static pts_status nll_common(const char *opname, pts_tensor *x, pts_tensor *t, pts_tensor *weight, int64_t reduction,
                             int64_t ignore_index, pts_value *rets, int which)
{
    PTS_TRY(check_nll_shapes(opname, x, t, which));
    return class_loss(opname, x, t, weight, reduction, ignore_index, 0, false, rets);
}

PTS_KERNEL(k_nll_loss) { return nll_common(OPN, a->self, a->target, a->weight, a->reduction, a->ignore_index, rets, 0); }
PTS_KERNEL(k_nll_loss2d) { return nll_common(OPN, a->self, a->target, a->weight, a->reduction, a->ignore_index, rets, 1); }
PTS_KERNEL(k_nll_loss_nd) { return nll_common(OPN, a->self, a->target, a->weight, a->reduction, a->ignore_index, rets, 2); }

/* cross_entropy with class probabilities (target of input's shape and a float dtype) */
static pts_status ce_probs(const pts_op *op, pts_tensor *x, pts_tensor *t, pts_tensor *wt, int64_t red, double ls,
                           pts_value *rets)
{
    PTS_TRY(check_reduction(OPN, red));
    bool same = x->ndim == t->ndim;
    for (int i = 0; same && i < x->ndim; i++)
        same = x->sizes[i] == t->sizes[i];
    if (!same)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected input batch_size and target batch_size to match", OPN);
    if (t->dtype != x->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type %s but found %s", OPN, pts_dtype_torch_name(x->dtype),
                           pts_dtype_torch_name(t->dtype));
    int64_t classes = x->ndim == 1 ? x->sizes[0] : x->sizes[1];
    int64_t batch = x->ndim == 1 ? 1 : x->sizes[0], inner = 1;
    for (int i = 2; i < x->ndim; i++)
        inner *= x->sizes[i];
    pts_tensor *w = NULL;
    if (wt) {
        if (pts_tensor_numel(wt) != classes || wt->ndim != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: weight tensor should be defined either for all classes or no classes", OPN);
        if (!(w = pts_tensor_to_dtype(wt, PTS_FLOAT64)))
            return pts_err_last();
    }
    pts_tensor *lp = pts_tensor_to_dtype(x, PTS_FLOAT64), *tp = lp ? pts_tensor_to_dtype(t, PTS_FLOAT64) : NULL;
    int64_t tshape[PTS_MAX_DIMS];
    int tnd = 0;
    if (x->ndim > 1) {
        tshape[tnd++] = batch;
        for (int i = 2; i < x->ndim; i++)
            tshape[tnd++] = x->sizes[i];
    }
    pts_tensor *out = tp ? pts_tensor_empty(PTS_FLOAT64, tnd, tshape) : NULL;
    if (!out) {
        pts_obj_release(w ? &w->hdr : NULL);
        pts_obj_release(lp ? &lp->hdr : NULL);
        pts_obj_release(tp ? &tp->hdr : NULL);
        return pts_err_last();
    }
    double *v = pts_f64(lp), *tv = pts_f64(tp), *o = pts_f64(out);
    for (int64_t b = 0; b < batch; b++)
        for (int64_t s = 0; s < inner; s++) {
            double m = -INFINITY, z = 0, l = 0;
            for (int64_t k = 0; k < classes; k++) {
                double e = v[(b * classes + k) * inner + s];
                m = e > m || isnan(e) ? e : m;
            }
            if (isinf(m))
                m = 0;
            for (int64_t k = 0; k < classes; k++)
                z += exp(v[(b * classes + k) * inner + s] - m);
            double lz = log(z) + m;
            for (int64_t k = 0; k < classes; k++) {
                int64_t at = (b * classes + k) * inner + s;
                double tk = tv[at] * (1 - ls) + ls / (double)classes;
                l -= (v[at] - lz) * tk * (w ? pts_f64(w)[k] : 1);
            }
            o[b * inner + s] = l;
        }
    pts_obj_release(w ? &w->hdr : NULL);
    pts_obj_release(&lp->hdr);
    pts_obj_release(&tp->hdr);
    if (red == 0)
        return pts_ret_as(out, x->dtype, rets);
    double sum = reduce_values(o, batch * inner, 2);
    if (red == 1)
        sum = pts_tensor_numel(x) == 0 ? NAN : sum / (double)(batch * inner);
    pts_obj_release(&out->hdr);
    return pts_ret(pts_tensor_from_scalar(pts_float(sum), x->dtype), rets);
}

/* cross_entropy_loss(self, target, weight?, reduction, ignore_index, label_smoothing) */
PTS_KERNEL(k_cross_entropy_loss)
{
    pts_tensor *x = a->self, *t = a->target;
    double ls = a->label_smoothing;
    if (ls < 0 || ls > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: label_smoothing must be between 0.0 and 1.0. Got: %g", OPN, ls);
    if (x->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected 1 or more dimensions (got %d)", OPN, x->ndim);
    if (pts_is_float(t->dtype))
        return ce_probs(op, x, t, a->weight, a->reduction, ls, rets);
    PTS_TRY(check_nll_shapes(OPN, x, t, 2));
    return class_loss(OPN, x, t, a->weight, a->reduction, a->ignore_index, ls, true, rets);
}

/* ---- the table -------------------------------------------------------------------------------------- */


/* ---- ctc_loss -------------------------------------------------------------------------------- */

/* Connectionist temporal classification (Graves et al. 2006), torch's CPU forward
 * (LossCTC.cpp): per batch entry the log-likelihood of its target over all alignments, by the
 * alpha recursion in log space over the extended target (blank, l1, blank, l2, ..., blank):
 *     alpha[t][s] = log(exp(a1 - m) + exp(a2 - m) + exp(a3 - m)) + m + lp[t][l'_s]
 * with a1 = alpha[t-1][s], a2 = alpha[t-1][s-1], a3 = alpha[t-1][s-2] when l'_s differs from
 * l'_(s-2) (else -inf), m their maximum (0 when all are -inf).  The arithmetic runs in the
 * input's dtype (float for float32), as torch's.  An input length of 0 gives 0 for an empty
 * target, else inf. */
#define DEFINE_CTC(T, LOG, EXP)                                                                               \
    static T ctc_one_##T(const T *lp, int64_t sT, int64_t C, int64_t il, const int64_t *tg, int64_t tl, int64_t blank, \
                         T *a, T *b)                                                                          \
    {                                                                                                         \
        const T ninf = (T)-INFINITY;                                                                          \
        if (il == 0)                                                                                          \
            return tl == 0 ? (T)0 : (T)INFINITY;                                                              \
        int64_t S = 2 * tl + 1;                                                                               \
        for (int64_t s = 0; s < S; s++)                                                                       \
            a[s] = ninf;                                                                                      \
        a[0] = lp[blank];                                                                                     \
        if (tl > 0)                                                                                           \
            a[1] = lp[tg[0]];                                                                                 \
        (void)C;                                                                                              \
        for (int64_t t = 1; t < il; t++) {                                                                    \
            const T *row = lp + t * sT;                                                                       \
            for (int64_t s = 0; s < S; s++) {                                                                 \
                int64_t cur = s % 2 ? tg[s / 2] : blank;                                                      \
                T la1 = a[s], m = la1, la2 = ninf, la3 = ninf;                                                \
                if (s > 0) {                                                                                  \
                    la2 = a[s - 1];                                                                           \
                    if (la2 > m)                                                                              \
                        m = la2;                                                                              \
                }                                                                                             \
                if (s > 1 && (s % 2 ? tg[s / 2 - 1] : blank) != cur) {                                        \
                    la3 = a[s - 2];                                                                           \
                    if (la3 > m)                                                                              \
                        m = la3;                                                                              \
                }                                                                                             \
                if (m == ninf)                                                                                \
                    m = 0;                                                                                    \
                b[s] = LOG(EXP(la1 - m) + EXP(la2 - m) + EXP(la3 - m)) + m + row[cur];                        \
            }                                                                                                 \
            T *sw = a;                                                                                        \
            a = b;                                                                                            \
            b = sw;                                                                                           \
        }                                                                                                     \
        if (tl == 0)                                                                                          \
            return -a[0];                                                                                     \
        T l1 = a[2 * tl], l2 = a[2 * tl - 1], m = l1 > l2 ? l1 : l2;                                          \
        if (m == ninf)                                                                                        \
            m = 0;                                                                                            \
        return -(LOG(EXP(l1 - m) + EXP(l2 - m)) + m);                                                         \
    }

DEFINE_CTC(float, logf, expf)
DEFINE_CTC(double, log, exp)

/* lengths argument (int[] or an integral tensor) -> n int64 values (pts_malloc'd, *out) */
static pts_status ctc_lengths(const char *opname, pts_value v, const char *what, int64_t **out, int64_t *n)
{
    *out = NULL;
    if (v.tag == PTS_T_TENSOR) {
        pts_tensor *t = PTS_TENSOR(v);
        if (!pts_dtype_get(t->dtype)->is_int)
            return pts_err_set(PTS_ERR_TYPE, "%s: %s must be integral", opname, what);
        pts_tensor *c = pts_tensor_as_contiguous(t, PTS_INT64);
        if (!c)
            return pts_err_last();
        *n = pts_tensor_numel(c);
        *out = pts_malloc(sizeof(int64_t) * (size_t)(*n + 1));
        if (*out)
            memcpy(*out, pts_tensor_data(c), sizeof(int64_t) * (size_t)*n);
        pts_obj_release(&c->hdr);
        return *out ? PTS_OK : pts_err_last();
    }
    int64_t len = PTS_LIST(v)->len;
    *out = pts_malloc(sizeof(int64_t) * (size_t)(len + 1));
    if (!*out)
        return pts_err_last();
    int got = 0;
    pts_status st = len <= INT32_MAX ? PTS_OK : pts_err_set(PTS_ERR_VALUE, "%s: too many %s", opname, what);
    for (int64_t i = 0; !st && i < len; i++) {
        pts_value it = PTS_LIST(v)->items[i];
        (*out)[i] = pts_arg_int(it);
        got++;
    }
    *n = got;
    return st;
}

static pts_status ctc_run(const pts_op *op, pts_tensor *lp, pts_tensor *targets, pts_value ilv, pts_value tlv,
                          int64_t blank, int64_t reduction, bool zero_inf, pts_value *rets)
{
    bool batched = lp->ndim == 3; /* a reduction other than 1 (mean) or 2 (sum) is none, as torch's */
    if (lp->ndim != 3 && lp->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected 3-dimensional tensor, but got %d-dimensional tensor for argument "
                                          "#1 'log_probs' (while checking arguments for ctc_loss_cpu)", OPN,
                           lp->ndim + (lp->ndim < 3));
    if (lp->dtype != PTS_FLOAT32 && lp->dtype != PTS_FLOAT64)
        return pts_not_implemented(OPN, lp->dtype);
    if (pts_tensor_numel(lp) == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: log_probs tensor must not be empty", OPN);
    if (!pts_dtype_get(targets->dtype)->is_int && !pts_is_float(targets->dtype))
        return pts_not_implemented(OPN, targets->dtype);
    int64_t Tn = lp->sizes[0], N = batched ? lp->sizes[1] : 1, C = lp->sizes[batched ? 2 : 1];
    if (blank < 0 || blank >= C)
        return pts_err_set(PTS_ERR_VALUE, "%s: blank must be in label range", OPN);
    int64_t *il = NULL, *tl = NULL, nil = 0, ntl = 0;
    pts_status st = ctc_lengths(OPN, ilv, "input_lengths", &il, &nil);
    if (!st)
        st = ctc_lengths(OPN, tlv, "target_lengths", &tl, &ntl);
    if (!st && nil != N)
        st = pts_err_set(PTS_ERR_VALUE, "%s: input_lengths must be of size batch_size", OPN);
    if (!st && ntl != N)
        st = pts_err_set(PTS_ERR_VALUE, "%s: target_lengths must be of size batch_size", OPN);
    int64_t maxtl = 0, total = 0;
    for (int64_t b = 0; !st && b < N; b++) {
        if (il[b] < 0 || il[b] > Tn)
            st = pts_err_set(PTS_ERR_VALUE, "%s: Expected input_lengths to have value at most %lld, but got value %lld "
                                            "(while checking arguments for ctc_loss_cpu)", OPN, (long long)Tn, (long long)il[b]);
        else if (tl[b] < 0)
            st = pts_err_set(PTS_ERR_VALUE, "%s: Expected target_lengths to have value at least 0, but got value %lld",
                             OPN, (long long)tl[b]);
        else {
            maxtl = tl[b] > maxtl ? tl[b] : maxtl;
            total += tl[b];
        }
    }
    /* targets: (N, S) padded (batched, 2-D) or the concatenated targets (1-D) */
    bool padded = targets->ndim == 2;
    if (!st && targets->ndim != 1 && !padded)
        st = pts_err_set(PTS_ERR_VALUE, "%s: targets must be 1-D (concatenated) or 2-D (batch, max target length)", OPN);
    if (!st && padded && (targets->sizes[0] < N || targets->sizes[1] < maxtl))
        st = pts_err_set(PTS_ERR_VALUE, "%s: Expected tensor to have size at least %lld at dimension 1, but got size %lld "
                                        "for argument #2 'targets' (while checking arguments for ctc_loss_cpu)", OPN,
                         (long long)maxtl, (long long)targets->sizes[1]);
    if (!st && !padded && targets->sizes[0] != total)
        st = pts_err_set(PTS_ERR_VALUE, "%s: Expected tensor to have size %lld at dimension 0, but got size %lld for "
                                        "argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)", OPN,
                         (long long)total, (long long)targets->sizes[0]);
    pts_tensor *tg = st ? NULL : pts_tensor_as_contiguous(targets, PTS_INT64);
    pts_tensor *x = tg ? pts_tensor_as_contiguous(lp, -1) : NULL;
    int64_t S = 2 * maxtl + 1;
    bool f32 = lp->dtype == PTS_FLOAT32;
    size_t esz = f32 ? sizeof(float) : sizeof(double);
    char *work = x ? pts_malloc(esz * (size_t)(2 * S + 2)) : NULL;
    double *nll = work ? pts_malloc(sizeof(double) * (size_t)(N + 1)) : NULL;
    if (!st && !nll)
        st = pts_err_last();
    const int64_t *tp = tg ? pts_i64(tg) : NULL;
    int64_t off = 0, row = padded ? targets->sizes[1] : 0;
    for (int64_t b = 0; !st && b < N; b++) {
        const int64_t *t0 = tp + (padded ? b * row : off);
        off += tl[b];
        for (int64_t k = 0; !st && k < tl[b]; k++)
            if (t0[k] < 0 || t0[k] >= C)
                st = pts_err_set(PTS_ERR_INDEX, "%s: target %lld of batch entry %lld is out of the label range [0, %lld)",
                                 OPN, (long long)t0[k], (long long)b, (long long)C);
        if (st)
            break;
        /* log_probs[t][b][:] (x is contiguous (T, N, C) or (T, C)) */
        if (f32)
            nll[b] = ctc_one_float((const float *)pts_tensor_data(x) + b * C, N * C, C, il[b], t0, tl[b], blank,
                                   (float *)(void *)work, (float *)(void *)work + S + 1);
        else
            nll[b] = ctc_one_double((const double *)pts_tensor_data(x) + b * C, N * C, C, il[b], t0, tl[b], blank,
                                    (double *)(void *)work, (double *)(void *)work + S + 1);
        if (zero_inf && nll[b] == INFINITY)
            nll[b] = 0;
    }
    pts_tensor *out = NULL;
    if (!st) {
        int64_t shape[1] = {N};
        if (reduction != 1 && reduction != 2) {
            out = pts_tensor_empty(lp->dtype, batched ? 1 : 0, shape);
            for (int64_t b = 0; out && b < N; b++)
                pts_store_f64((char *)pts_tensor_data(out) + (size_t)b * esz, lp->dtype, nll[b]);
        } else {
            /* mean: (loss / clamp_min(target_length, 1)).mean(), each step in the input's dtype */
            double acc = 0;
            for (int64_t b = 0; b < N; b++) {
                double v = nll[b];
                if (reduction == 1)
                    v = f32 ? (double)((float)v / (float)(tl[b] > 1 ? tl[b] : 1)) : v / (double)(tl[b] > 1 ? tl[b] : 1);
                acc += v;
            }
            if (reduction == 1)
                acc = N ? acc / (double)N : NAN;
            out = pts_tensor_empty(lp->dtype, 0, shape);
            if (out)
                pts_store_f64(pts_tensor_data(out), lp->dtype, acc);
        }
        if (!out)
            st = pts_err_last();
    }
    tdrop(tg);
    tdrop(x);
    pts_free(work);
    pts_free(nll);
    pts_free(il);
    pts_free(tl);
    if (st)
        return st;
    return pts_ret(out, rets);
}

PTS_KERNEL(k_ctc_loss_intlist)
{
    return ctc_run(op, a->log_probs, a->targets, a->input_lengths, a->target_lengths, a->blank, a->reduction,
                   a->zero_infinity, rets);
}

PTS_KERNEL(k_ctc_loss_tensor)
{
    return ctc_run(op, a->log_probs, a->targets, pts_tensor_val(a->input_lengths), pts_tensor_val(a->target_lengths),
                   a->blank, a->reduction, a->zero_infinity, rets);
}

const pts_op_def pts_ops_loss[] = {
    PTS_OP("aten::l1_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", k_l1_loss),
    PTS_OP("aten::mse_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", k_mse_loss),
    PTS_OP("aten::smooth_l1_loss(Tensor self, Tensor target, int reduction=1, float beta=1.) -> Tensor", k_smooth_l1_loss),
    PTS_OP("aten::huber_loss(Tensor self, Tensor target, int reduction=1, float delta=1.) -> Tensor", k_huber_loss),
    PTS_OP("aten::kl_div(Tensor self, Tensor target, int reduction=1, *, bool log_target=False) -> Tensor", k_kl_div),
    PTS_OP("aten::binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor", k_binary_cross_entropy),
    PTS_OP("aten::binary_cross_entropy_with_logits(Tensor self, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, int reduction=1) -> Tensor", k_bce_with_logits),
    PTS_OP("aten::nll_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100) -> Tensor", k_nll_loss),
    PTS_OP("aten::nll_loss2d(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100) -> Tensor", k_nll_loss2d),
    PTS_OP("aten::nll_loss_nd(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100) -> Tensor", k_nll_loss_nd),
    PTS_OP("aten::cross_entropy_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100, float label_smoothing=0.) -> Tensor", k_cross_entropy_loss),
    PTS_OP("aten::ctc_loss.IntList(Tensor log_probs, Tensor targets, int[] input_lengths, int[] target_lengths, int blank=0, int reduction=1, bool zero_infinity=False) -> Tensor", k_ctc_loss_intlist),
    PTS_OP("aten::ctc_loss.Tensor(Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, int blank=0, int reduction=1, bool zero_infinity=False) -> Tensor", k_ctc_loss_tensor),
    {NULL, NULL},
};
