/* loss_margin.c - the margin and embedding losses: margin_ranking_loss,
 * hinge_embedding_loss, soft_margin_loss, poisson_nll_loss,
 * cosine_embedding_loss, triplet_margin_loss, multi_margin_loss,
 * multilabel_margin_loss.
 *
 * As loss.c: the operands are broadcast and copied to contiguous double, the
 * per-element loss is reduced as `reduction` says (0 none, 1 mean, 2 sum)
 * and converted once to the result dtype (the float dtype of the promoted
 * operands).
 */
#include "ops/compose.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* torch: 0 none, 1 mean, any other value sum */
static pts_status check_reduction(const char *opname, int64_t red)
{
    (void)opname;
    (void)red;
    return PTS_OK;
}

/* n tensors broadcast together, each as a new contiguous double tensor (out[]); *rd: the float
 * dtype of their promoted dtype. */
static pts_status bcast_n(const char *opname, int n, pts_tensor *const *ts, pts_tensor **out, int *rd, int *nd,
                          int64_t *shape)
{
    int common = ts[0]->dtype;
    for (int i = 1; i < n; i++)
        common = pts_promote_types(common, ts[i]->dtype);
    PTS_TRY(pts_check_real(opname, common));
    *rd = pts_float_op_dtype(common);
    PTS_TRY(pts_broadcast_tensors_shape(n, ts, nd, shape, opname));
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    for (int i = 0; i < n; i++) {
        pts_value v = pts_none();
        pts_status st = pts_ops_expand_view(opname, ts[i], *nd, shape, &v);
        if (!st) {
            out[i] = pts_tensor_to_dtype(PTS_TENSOR(v), PTS_FLOAT64);
            pts_value_release(v);
            if (!out[i])
                st = pts_err_last();
        }
        if (st) {
            for (int j = 0; j < i; j++)
                pts_tdrop(out[j]);
            return st;
        }
    }
    return PTS_OK;
}

/* out (double, stolen) reduced as `reduction` says, delivered as dtype */
static pts_status finish(pts_tensor *out, int64_t reduction, int dtype, pts_value *ret)
{
    if (reduction == 0)
        return pts_ret_as(out, dtype, ret);
    int64_t n = pts_tensor_numel(out);
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += pts_f64(out)[i];
    if (reduction == 1)
        s /= (double)n;
    pts_tdrop(out);
    return pts_ret(pts_tensor_from_scalar(pts_float(s), dtype), ret);
}

/* ---- elementwise margin losses ------------------------------------------------------------- */

typedef enum m_loss { M_RANKING, M_HINGE, M_SOFT, M_POISSON } m_loss;

/* v rounded to dtype rd (torch runs these losses as compositions of ops, each rounding to the
 * result dtype: float16 differences otherwise exceed float16 tolerance) */
static double rnd(double v, int rd)
{
    if (rd == PTS_FLOAT32)
        return (double)(float)v;
    if (rd == PTS_FLOAT16)
        return (double)pts_half_to_float(pts_float_to_half((float)v));
    if (rd == PTS_BFLOAT16)
        return (double)pts_bf16_to_float(pts_float_to_bf16((float)v));
    return v;
}

/* per-element loss; v[] the broadcast operands at one element */
static double m_value(m_loss k, const double *v, double margin, bool log_input, bool full, double eps, int rd)
{
    switch (k) {
    case M_RANKING: { /* (x1, x2, target) */
        double r = -v[2] * (v[0] - v[1]) + margin;
        return r > 0 ? r : (isnan(r) ? r : 0);
    }
    case M_HINGE: { /* (self, target) */
        double mc = margin - v[0];
        mc = mc > 0 ? mc : (isnan(mc) ? mc : 0);
        return (v[1] != 1 ? mc : 0) + (v[1] != -1 ? v[0] : 0);
    }
    case M_SOFT: /* (self, target) */
        return log1p(rnd(exp(rnd(-v[0] * v[1], rd)), rd));
    case M_POISSON: { /* (input, target) */
        double x = v[0], t = v[1];
        double l = log_input ? rnd(rnd(exp(x), rd) - rnd(t * x, rd), rd)
                             : rnd(x - rnd(t * rnd(log(rnd(x + eps, rd)), rd), rd), rd);
        if (full && t > 1) {
            double st = rnd(rnd(rnd(t * rnd(log(t), rd), rd) - t, rd) +
                                rnd(0.5 * rnd(log(rnd(2 * 3.14159265358979323846 * t, rd)), rd), rd),
                            rd);
            l = rnd(l + st, rd);
        }
        return l;
    }
    }
    return 0;
}

static pts_status m_run(const pts_op *op, int n, pts_tensor *const *ts, m_loss k, double margin, bool log_input,
                        bool full, double eps, int64_t reduction, pts_value *rets)
{
    PTS_TRY(check_reduction(OPN, reduction));
    pts_tensor *b[3];
    int rd = 0, nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(bcast_n(OPN, n, ts, b, &rd, &nd, shape));
    if (k == M_HINGE) { /* torch's composition keeps an integer dtype (and cannot take its mean) */
        int common = pts_promote_types(ts[0]->dtype, ts[1]->dtype);
        if (!pts_is_float(common)) {
            rd = common;
            if (reduction == 1) {
                for (int j = 0; j < n; j++)
                    pts_tdrop(b[j]);
                return pts_err_set(PTS_ERR_TYPE, "%s: mean(): could not infer output dtype. Input dtype must be either "
                                                 "a floating point or complex dtype. Got: %s", OPN,
                                   pts_dtype_torch_name(common));
            }
        }
    }
    int64_t numel = pts_tensor_numel(b[0]);
    for (int64_t i = 0; i < numel; i++) {
        double v[3];
        for (int j = 0; j < n; j++)
            v[j] = pts_f64(b[j])[i];
        pts_f64(b[0])[i] = m_value(k, v, margin, log_input, full, eps, rd);
    }
    for (int j = 1; j < n; j++)
        pts_tdrop(b[j]);
    return finish(b[0], reduction, rd, rets);
}

PTS_KERNEL(k_margin_ranking_loss)
{
    pts_tensor *ts[3] = {a->input1, a->input2, a->target};
    return m_run(op, 3, ts, M_RANKING, a->margin, false, false, 0, a->reduction, rets);
}

PTS_KERNEL(k_hinge_embedding_loss)
{
    pts_tensor *ts[2] = {a->self, a->target};
    return m_run(op, 2, ts, M_HINGE, a->margin, false, false, 0, a->reduction, rets);
}

PTS_KERNEL(k_soft_margin_loss)
{
    pts_tensor *ts[2] = {a->self, a->target};
    return m_run(op, 2, ts, M_SOFT, 0, false, false, 0, a->reduction, rets);
}

PTS_KERNEL(k_poisson_nll_loss)
{
    pts_tensor *ts[2] = {a->input, a->target};
    return m_run(op, 2, ts, M_POISSON, 0, a->log_input, a->full, a->eps, a->reduction, rets);
}

/* ---- cosine_embedding_loss, triplet_margin_loss --------------------------------------------- */

PTS_KERNEL(k_cosine_embedding_loss)
{
    pts_tensor *x1 = a->input1, *x2 = a->input2, *t = a->target;
    PTS_TRY(check_reduction(OPN, a->reduction));
    if (x1->ndim != x2->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: cosine_embedding_loss: expected input1 and input2 to have the same "
                                          "number of dimensions, but got %d and %d", OPN, x1->ndim, x2->ndim);
    if (x1->ndim < 1 || x1->ndim > 2 || t->ndim != x1->ndim - 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: cosine_embedding_loss: expected %d-D target tensor for %d-D input "
                                          "tensors, but got %d-D", OPN, x1->ndim - 1, x1->ndim, t->ndim);
    /* the per-row sums over the last dim, broadcast with the target */
    pts_tensor *ts[2] = {x1, x2}, *b[2];
    int rd = 0, nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(bcast_n(OPN, 2, ts, b, &rd, &nd, shape));
    int64_t D = nd ? shape[nd - 1] : 1, R = D ? pts_tensor_numel(b[0]) / D : 0;
    if (nd >= 1 && D == 0)
        R = nd == 2 ? shape[0] : 1;
    int64_t rshape[1] = {R};
    pts_tensor *cosv = pts_tensor_empty(PTS_FLOAT64, nd - 1, rshape);
    if (!cosv) {
        pts_tdrop(b[0]);
        pts_tdrop(b[1]);
        return pts_err_last();
    }
    for (int64_t r = 0; r < R; r++) {
        double p = 0, m1 = 1e-12, m2 = 1e-12;
        for (int64_t d = 0; d < D; d++) {
            double u = pts_f64(b[0])[r * D + d], v = pts_f64(b[1])[r * D + d];
            p += u * v;
            m1 += u * u;
            m2 += v * v;
        }
        pts_f64(cosv)[r] = p / sqrt(m1 * m2);
    }
    pts_tdrop(b[0]);
    pts_tdrop(b[1]);
    pts_tensor *cs[2] = {cosv, t}, *c[2];
    int rd2 = 0, nd2 = 0;
    int64_t shape2[PTS_MAX_DIMS];
    pts_status st = bcast_n(OPN, 2, cs, c, &rd2, &nd2, shape2);
    pts_tdrop(cosv);
    if (st)
        return st;
    int64_t n = pts_tensor_numel(c[0]);
    for (int64_t i = 0; i < n; i++) {
        double cv = pts_f64(c[0])[i], tv = pts_f64(c[1])[i];
        double neg = cv - a->margin;
        neg = neg > 0 ? neg : (isnan(neg) ? neg : 0);
        pts_f64(c[0])[i] = (tv == 1 ? 1 - cv : 0) + (tv == -1 ? neg : 0);
    }
    pts_tdrop(c[1]);
    int out_dt = pts_promote_types(rd, t->dtype);
    return finish(c[0], a->reduction, pts_float_op_dtype(out_dt), rets);
}

PTS_KERNEL(k_triplet_margin_loss)
{
    pts_tensor *an = a->anchor, *po = a->positive, *ne = a->negative;
    PTS_TRY(check_reduction(OPN, a->reduction));
    if (an->ndim != po->ndim || an->ndim != ne->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: The anchor, positive, and negative tensors are expected to have the "
                                          "same number of dimensions, but got: anchor %dD, positive %dD, and negative %dD "
                                          "inputs", OPN, an->ndim, po->ndim, ne->ndim);
    pts_value args[5] = {pts_tv(an), pts_tv(po), pts_float(a->p), pts_float(a->eps), pts_bool(false)};
    pts_tensor *dp = pts_call_t("aten::pairwise_distance", 5, args);
    args[1] = pts_tv(ne);
    pts_tensor *dn = dp ? pts_call_t("aten::pairwise_distance", 5, args) : NULL;
    pts_tensor *ds = NULL;
    if (dn && a->swap) {
        args[0] = pts_tv(po);
        ds = pts_call_t("aten::pairwise_distance", 5, args);
    }
    if (!dn || (a->swap && !ds)) {
        pts_tdrop(dp);
        pts_tdrop(dn);
        return pts_err_last();
    }
    pts_tensor *ts[3] = {dp, dn, ds ? ds : dn}, *b[3];
    int rd = 0, nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    pts_status st = bcast_n(OPN, 3, ts, b, &rd, &nd, shape);
    pts_tdrop(dp);
    pts_tdrop(dn);
    pts_tdrop(ds);
    if (st)
        return st;
    int64_t n = pts_tensor_numel(b[0]);
    for (int64_t i = 0; i < n; i++) {
        double p = pts_f64(b[0])[i], q = pts_f64(b[1])[i], s = pts_f64(b[2])[i];
        if (a->swap)
            q = isnan(q) || isnan(s) ? NAN : (s < q ? s : q);
        double r = a->margin + p - q;
        pts_f64(b[0])[i] = r > 0 ? r : (isnan(r) ? r : 0);
    }
    pts_tdrop(b[1]);
    pts_tdrop(b[2]);
    return finish(b[0], a->reduction, rd, rets);
}

/* ---- multi_margin_loss, multilabel_margin_loss ---------------------------------------------- */

/* x as [N, C] rows (0-d and 1-d: one row) */
static pts_status rows_of(const char *opname, pts_tensor *x, int64_t *N, int64_t *C, pts_tensor **flat)
{
    if (x->ndim > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected non-empty vector or matrix with optional 0-dim batch size, but "
                                          "got: [%d dims]", opname, x->ndim);
    *N = x->ndim == 2 ? x->sizes[0] : 1;
    *C = x->ndim == 0 ? 1 : x->sizes[x->ndim - 1];
    *flat = pts_tensor_to_dtype(x, PTS_FLOAT64);
    return *flat ? PTS_OK : pts_err_last();
}

PTS_KERNEL(k_multi_margin_loss)
{
    pts_tensor *x = a->self, *t = a->target, *w = a->weight;
    PTS_TRY(check_reduction(OPN, a->reduction));
    double p = pts_arg_double(a->p), margin = pts_arg_double(a->margin);
    if (p != 1 && p != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: only p == 1 and p == 2 supported", OPN);
    if (!pts_is_float(x->dtype))
        return pts_not_implemented(OPN, x->dtype);
    int64_t N, C;
    if (x->ndim > 2 || (x->ndim == 2 && x->sizes[1] == 0) || (x->ndim == 1 && x->sizes[0] == 0))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected non-empty vector or matrix with optional 0-dim batch size, but "
                                          "got: [%d dims]", OPN, x->ndim);
    N = x->ndim == 2 ? x->sizes[0] : 1;
    C = x->ndim == 0 ? 1 : x->sizes[x->ndim - 1];
    if (pts_tensor_numel(t) != N || t->ndim > 1 || (x->ndim == 2 && t->ndim != 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: inconsistent target size, expected %lld but got [%d dims]", OPN,
                           (long long)N, t->ndim);
    if (t->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type Long but found %s", OPN, pts_dtype_torch_name(t->dtype));
    if (w && (w->ndim != 1 || w->sizes[0] != C))
        return pts_err_set(PTS_ERR_VALUE, "%s: inconsistent weight size, expected %lld", OPN, (long long)C);
    pts_tensor *xf = NULL;
    PTS_TRY(rows_of(OPN, x, &N, &C, &xf));
    pts_tensor *tf = pts_tensor_as_contiguous(t, PTS_INT64);
    pts_tensor *wf = tf && w ? pts_tensor_to_dtype(w, PTS_FLOAT64) : NULL;
    int64_t oshape[1] = {N};
    pts_tensor *out = tf && (!w || wf) ? pts_tensor_empty(PTS_FLOAT64, x->ndim == 2 ? 1 : 0, oshape) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    for (int64_t i = 0; i < N && !st; i++) {
        int64_t y = pts_i64(tf)[i];
        if (y < 0 || y >= C) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: target out of range", OPN);
            break;
        }
        const double *row = pts_f64(xf) + i * C;
        double s = 0;
        for (int64_t j = 0; j < C; j++) {
            if (j == y)
                continue;
            double z = margin - row[y] + row[j];
            if (z > 0) { /* as torch: a NaN term is skipped */
                double h = p == 1 ? z : z * z;
                s += wf ? h * pts_f64(wf)[y] : h;
            }
        }
        pts_f64(out)[i] = s / (double)C;
    }
    pts_tdrop(xf);
    pts_tdrop(tf);
    pts_tdrop(wf);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return finish(out, a->reduction, x->dtype, rets);
}

PTS_KERNEL(k_multilabel_margin_loss)
{
    pts_tensor *x = a->self, *t = a->target;
    PTS_TRY(check_reduction(OPN, a->reduction));
    if (!pts_is_float(x->dtype))
        return pts_not_implemented(OPN, x->dtype);
    if (x->ndim > 2 || (x->ndim == 2 && x->sizes[1] == 0) || (x->ndim == 1 && x->sizes[0] == 0))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected non-empty vector or matrix with optional 0-dim batch size, but "
                                          "got: [%d dims]", OPN, x->ndim);
    bool same = t->ndim == x->ndim;
    for (int i = 0; same && i < t->ndim; i++)
        same = t->sizes[i] == x->sizes[i];
    if (!same)
        return pts_err_set(PTS_ERR_VALUE, "%s: inconsistent target size: target and input should have the same shape",
                           OPN);
    if (t->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type Long but found %s", OPN, pts_dtype_torch_name(t->dtype));
    int64_t N, C;
    pts_tensor *xf = NULL;
    PTS_TRY(rows_of(OPN, x, &N, &C, &xf));
    pts_tensor *tf = pts_tensor_as_contiguous(t, PTS_INT64);
    bool *is_t = tf ? pts_malloc((size_t)C + 1) : NULL;
    int64_t oshape[1] = {N};
    pts_tensor *out = is_t ? pts_tensor_empty(PTS_FLOAT64, x->ndim == 2 ? 1 : 0, oshape) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    for (int64_t i = 0; i < N && !st; i++) {
        const double *row = pts_f64(xf) + i * C;
        const int64_t *tr = pts_i64(tf) + i * C;
        memset(is_t, 0, (size_t)C);
        int64_t nt = 0;
        for (; nt < C && tr[nt] >= 0; nt++) {
            if (tr[nt] >= C) {
                st = pts_err_set(PTS_ERR_INDEX, "%s: target index out of range", OPN);
                break;
            }
            is_t[tr[nt]] = true;
        }
        double s = 0;
        for (int64_t k = 0; k < nt && !st; k++) {
            double xy = row[tr[k]];
            for (int64_t j = 0; j < C; j++) {
                if (is_t[j])
                    continue;
                double z = 1 - xy + row[j];
                if (z > 0)
                    s += z;
            }
        }
        pts_f64(out)[i] = s / (double)C;
    }
    pts_tdrop(xf);
    pts_tdrop(tf);
    pts_free(is_t);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return finish(out, a->reduction, x->dtype, rets);
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_loss_margin[] = {
    PTS_OP("aten::margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> Tensor", k_margin_ranking_loss),
    PTS_OP("aten::hinge_embedding_loss(Tensor self, Tensor target, float margin=1., int reduction=1) -> Tensor", k_hinge_embedding_loss),
    PTS_OP("aten::soft_margin_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", k_soft_margin_loss),
    PTS_OP("aten::poisson_nll_loss(Tensor input, Tensor target, bool log_input, bool full, float eps, int reduction) -> Tensor", k_poisson_nll_loss),
    PTS_OP("aten::cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0., int reduction=1) -> Tensor", k_cosine_embedding_loss),
    PTS_OP("aten::triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1., float p=2., float eps=9.9999999999999995e-07, bool swap=False, int reduction=1) -> Tensor", k_triplet_margin_loss),
    PTS_OP("aten::multi_margin_loss(Tensor self, Tensor target, Scalar p=1, Scalar margin=1, Tensor? weight=None, int reduction=1) -> Tensor", k_multi_margin_loss),
    PTS_OP("aten::multilabel_margin_loss(Tensor self, Tensor target, int reduction=1) -> Tensor", k_multilabel_margin_loss),
    {NULL, NULL},
};
