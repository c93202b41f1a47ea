/* distributions.c - bernoulli, exponential_, cauchy_, geometric_,
 * log_normal_, multinomial, and the training-mode dropout family and rrelu
 * (called from ops/nn/activation.c), bit for bit as torch's CPU kernels
 * (rng.h; /work/shared/reference/torch-cpu-rng.md). */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/random/random_impl.h"

static pts_status ret_self(pts_status st, pts_tensor *self, pts_value *rets)
{
    if (st == PTS_OK)
        rets[0] = pts_ret_tensor_ref(self);
    return st;
}

static pts_status check_floating(const char *opname, int dtype, const char *kernel)
{
    if (dtype == PTS_FLOAT32 || dtype == PTS_FLOAT64 || dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16)
        return PTS_OK;
    return pts_err_set(PTS_ERR_TYPE, "%s: \"%s\" not implemented for '%s'", opname, kernel, pts_dtype_torch_name(dtype));
}

static pts_status check_real_out(const char *opname, int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di || di->itemsize == 0 || di->is_complex || !(di->is_float || di->is_int || dtype == PTS_BOOL) ||
        dtype == PTS_UINT16 || dtype == PTS_UINT32 || dtype == PTS_UINT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", opname, pts_dtype_torch_name(dtype));
    return PTS_OK;
}

/* ---- bernoulli ---------------------------------------------------------------------------- */

/* bernoulli_(self, float p): each element U53d < p, in self's walk order */
static pts_status bernoulli_scalar(const char *opname, pts_tensor *self, double p, pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    PTS_TRY(check_real_out(opname, self->dtype));
    if (!(p >= 0 && p <= 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: bernoulli_ expects p to be in [0, 1], but got p=%g", opname, p);
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    pts_rng_lock(g);
    for (int64_t i = 0; i < o.n; i++)
        pts_store_i64(pts_rng_out_ptr(&o, i), self->dtype, pts_rng_u53d(g) < p);
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return PTS_OK;
}

/* bernoulli_(self, Tensor p): p broadcast to self; U53d < p for float64 p,
 * U24f < float(p) otherwise */
static pts_status bernoulli_tensor(const char *opname, pts_tensor *self, pts_tensor *p, pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    PTS_TRY(check_real_out(opname, self->dtype));
    if (!pts_is_float(p->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"bernoulli_tensor_cpu_p_\" not implemented for '%s'", opname,
                           pts_dtype_torch_name(p->dtype));
    pts_value pv = pts_none();
    PTS_TRY(pts_ops_expand_view(opname, p, self->ndim, self->sizes, &pv));
    pts_tensor *pe = PTS_ARG_TENSOR(pv);
    pts_rng_out o;
    pts_status st = pts_rng_out_begin(self, opname, &o);
    if (st) {
        pts_value_release(pv);
        return st;
    }
    /* p read at the same (memory-order) positions as the output: map each
     * output offset back to its index and then to p's offset */
    int64_t *loff = o.n ? pts_rng_logical_offsets(self, o.n) : NULL;
    int64_t *poff = o.n ? pts_rng_logical_offsets(pe, o.n) : NULL;
    if (o.n && (!loff || !poff)) {
        pts_free(loff);
        pts_free(poff);
        pts_rng_out_end(&o);
        pts_value_release(pv);
        return pts_err_last();
    }
    /* walk order -> logical index: sort by output offset via the walk offsets;
     * the walk visits each element once, so invert logical offsets by a map */
    const char *pd = (const char *)pts_tensor_data(pe);
    int pisz = pts_dtype_get(pe->dtype)->itemsize;
    bool dbl = pe->dtype == PTS_FLOAT64;
    /* build offset -> logical index table over the span of self's offsets */
    int64_t minoff = 0, maxoff = 0;
    for (int64_t i = 0; i < o.n; i++) {
        if (loff[i] < minoff)
            minoff = loff[i];
        if (loff[i] > maxoff)
            maxoff = loff[i];
    }
    int64_t *inv = o.n ? pts_malloc((size_t)(maxoff - minoff + 1) * sizeof(int64_t)) : NULL;
    if (o.n && !inv) {
        pts_free(loff);
        pts_free(poff);
        pts_rng_out_end(&o);
        pts_value_release(pv);
        return pts_err_last();
    }
    for (int64_t i = 0; i < o.n; i++)
        inv[loff[i] - minoff] = i;
    pts_rng_lock(g);
    for (int64_t i = 0; i < o.n; i++) {
        int64_t off = o.offs ? o.offs[i] : i;
        int64_t li = inv[off - minoff];
        const void *pp = pd + poff[li] * pisz;
        bool v;
        if (dbl)
            v = pts_rng_u53d(g) < *(const double *)pp;
        else
            v = pts_rng_u24f(g) < (float)pts_load_f64(pp, pe->dtype);
        pts_store_i64(o.base + off * o.isz, self->dtype, v);
    }
    pts_rng_unlock(g);
    pts_free(inv);
    pts_free(loff);
    pts_free(poff);
    pts_rng_out_end(&o);
    pts_value_release(pv);
    return PTS_OK;
}

PTS_KERNEL(k_bernoulli__float) { return ret_self(bernoulli_scalar(OPN, a->self, a->p, a->generator), a->self, rets); }
PTS_KERNEL(k_bernoulli__Tensor) { return ret_self(bernoulli_tensor(OPN, a->self, a->p, a->generator), a->self, rets); }

/* out = empty_like(self, contiguous), then a bernoulli_ */
static pts_status bernoulli_new(const pts_op *op, pts_tensor *self, pts_tensor *p, double pf, pts_value gen,
                                pts_value *rets)
{
    pts_tensor *t = pts_tensor_empty(self->dtype, self->ndim, self->sizes);
    if (!t)
        return pts_err_last();
    pts_status st = p ? bernoulli_tensor(OPN, t, p, gen) : bernoulli_scalar(OPN, t, pf, gen);
    if (st) {
        pts_obj_release(&t->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

PTS_KERNEL(k_bernoulli) { return bernoulli_new(op, a->self, a->self, 0, a->generator, rets); }
PTS_KERNEL(k_bernoulli_p) { return bernoulli_new(op, a->self, NULL, a->p, a->generator, rets); }
PTS_KERNEL(k_bernoulli_Tensor) { return bernoulli_new(op, a->self, a->p, 0, a->generator, rets); }

/* ---- exponential_, cauchy_, geometric_, log_normal_ ---------------------------------------- */

typedef enum { D_EXP, D_CAUCHY, D_GEOM, D_LOGNORMAL } dist_kind;

static pts_status dist_fill(const char *opname, pts_tensor *self, dist_kind k, double a0, double a1, pts_value gen)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(gen, opname, &g));
    if (k == D_GEOM)
        PTS_TRY(check_real_out(opname, self->dtype));
    else
        PTS_TRY(check_floating(opname, self->dtype, k == D_EXP ? "exponential_cpu" : k == D_CAUCHY ? "cauchy_cpu"
                                                                                                     : "log_normal_cpu"));
    if (k == D_EXP && !(a0 > 0.0))
        return pts_err_set(PTS_ERR_VALUE, "%s: exponential_ expects lambda > 0.0, but found lambda=%g", opname, a0);
    if (k == D_GEOM && !(a0 > 0 && a0 < 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: geometric_ expects p to be in (0, 1), but got p=%g", opname, a0);
    if (k == D_LOGNORMAL && !(a1 > 0.0))
        return pts_err_set(PTS_ERR_VALUE, "%s: log_normal_ expects std > 0.0, but found std=%g", opname, a1);
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    int dt = self->dtype;
    double c = 0;
    if (k == D_EXP)
        c = -1.0 / a0;
    else if (k == D_GEOM)
        c = log1p(-a0);
    pts_rng_lock(g);
    for (int64_t i = 0; i < o.n; i++) {
        double v;
        switch (k) {
        case D_EXP: v = c * log1p(-pts_rng_u53d(g)); break;
        case D_CAUCHY: v = fma(a1, tan(3.14159265358979323846 * (pts_rng_u53d(g) - 0.5)), a0); break;
        case D_GEOM: v = ceil(log(pts_rng_u53d(g)) / c); break;
        default: v = exp(pts_rng_normal_double(g, a0, a1)); break;
        }
        pts_rng_store_double(pts_rng_out_ptr(&o, i), dt, v);
    }
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return PTS_OK;
}

PTS_KERNEL(k_exponential_) { return ret_self(dist_fill(OPN, a->self, D_EXP, a->lambd, 0, a->generator), a->self, rets); }
PTS_KERNEL(k_cauchy_)
{
    return ret_self(dist_fill(OPN, a->self, D_CAUCHY, a->median, a->sigma, a->generator), a->self, rets);
}
PTS_KERNEL(k_geometric_) { return ret_self(dist_fill(OPN, a->self, D_GEOM, a->p, 0, a->generator), a->self, rets); }
PTS_KERNEL(k_log_normal_)
{
    return ret_self(dist_fill(OPN, a->self, D_LOGNORMAL, a->mean, a->std, a->generator), a->self, rets);
}

/* ---- normal with tensor arguments ---------------------------------------------------------- */

/* element i (logical order) of a broadcast view, in float or double math */
static pts_status bcast_offsets(const char *opname, pts_tensor *t, int nd, const int64_t *sizes, int64_t n,
                                pts_value *view, int64_t **offs)
{
    PTS_TRY(pts_ops_expand_view(opname, t, nd, sizes, view));
    *offs = pts_rng_logical_offsets(PTS_ARG_TENSOR(*view), n);
    if (!*offs) {
        pts_value_release(*view);
        *view = pts_none();
        return pts_err_last();
    }
    return PTS_OK;
}

static float round_to(int dtype, float v)
{
    return dtype == PTS_FLOAT16 ? pts_half_to_float(pts_float_to_half(v))
         : dtype == PTS_BFLOAT16 ? pts_bf16_to_float(pts_float_to_bf16(v)) : v;
}

/* out (contiguous, dtype dt) = out * std (if stdt) + mean (if meant), each
 * op rounded in dt: torch's output.mul_(std).add_(mean) */
static pts_status mul_add(const char *opname, pts_tensor *out, pts_tensor *stdt, pts_tensor *meant, double meanf,
                          bool add_meanf)
{
    int64_t n = pts_tensor_numel(out);
    int dt = out->dtype, isz = pts_dtype_get(dt)->itemsize;
    char *d = (char *)pts_tensor_data(out);
    pts_value sv = pts_none(), mv = pts_none();
    int64_t *so = NULL, *mo = NULL;
    pts_status st = PTS_OK;
    if (n == 0)
        return PTS_OK;
    if (stdt)
        st = bcast_offsets(opname, stdt, out->ndim, out->sizes, n, &sv, &so);
    if (!st && meant)
        st = bcast_offsets(opname, meant, out->ndim, out->sizes, n, &mv, &mo);
    if (st == PTS_OK) {
        const char *sd = stdt ? (const char *)pts_tensor_data(PTS_ARG_TENSOR(sv)) : NULL;
        const char *md = meant ? (const char *)pts_tensor_data(PTS_ARG_TENSOR(mv)) : NULL;
        int sdt = stdt ? stdt->dtype : 0, mdt = meant ? meant->dtype : 0;
        int ssz = stdt ? pts_dtype_get(sdt)->itemsize : 0, msz = meant ? pts_dtype_get(mdt)->itemsize : 0;
        for (int64_t i = 0; i < n; i++) {
            void *p = d + i * isz;
            if (dt == PTS_FLOAT64) {
                double v = *(double *)p;
                if (stdt)
                    v = v * pts_load_f64(sd + so[i] * ssz, sdt);
                if (meant)
                    v = v + pts_load_f64(md + mo[i] * msz, mdt);
                else if (add_meanf)
                    v = v + meanf;
                *(double *)p = v;
            } else {
                float v = (float)pts_load_f64(p, dt);
                if (stdt)
                    v = round_to(dt, v * (float)pts_load_f64(sd + so[i] * ssz, sdt));
                if (meant)
                    v = round_to(dt, v + (float)pts_load_f64(md + mo[i] * msz, mdt));
                else if (add_meanf)
                    v = round_to(dt, v + (float)meanf);
                pts_store_f64(p, dt, v);
            }
        }
    }
    pts_free(so);
    pts_free(mo);
    pts_value_release(sv);
    pts_value_release(mv);
    return st;
}

static pts_status broadcast_shape(const char *opname, const pts_tensor *x, const pts_tensor *y, int *nd, int64_t *sizes)
{
    *nd = x->ndim > y->ndim ? x->ndim : y->ndim;
    for (int i = 0; i < *nd; i++) {
        int ix = x->ndim - *nd + i, iy = y->ndim - *nd + i;
        int64_t a = ix >= 0 ? x->sizes[ix] : 1, b = iy >= 0 ? y->sizes[iy] : 1;
        if (a != b && a != 1 && b != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: The size of tensor a (%lld) must match the size of tensor b (%lld) at "
                               "non-singleton dimension %d", opname, (long long)a, (long long)b, i);
        sizes[i] = a == 1 ? b : a;
    }
    return PTS_OK;
}

static pts_status check_std_tensor(const char *opname, pts_tensor *s)
{
    int64_t n = pts_tensor_numel(s);
    int64_t *off = n ? pts_rng_logical_offsets(s, n) : NULL;
    if (n && !off)
        return pts_err_last();
    const char *d = (const char *)pts_tensor_data(s);
    int isz = pts_dtype_get(s->dtype)->itemsize;
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < n; i++)
        if (pts_load_f64(d + off[i] * isz, s->dtype) < 0) {
            st = pts_err_set(PTS_ERR_VALUE, "%s: normal expects all elements of std >= 0.0", opname);
            break;
        }
    pts_free(off);
    return st;
}

/* normal(mean T | float, std T | float) */
static pts_status normal_tensor(const pts_op *op, pts_tensor *meant, double meanf, pts_tensor *stdt, double stdf,
                                pts_value gen, pts_value *rets)
{
    int nd = 0;
    int64_t sizes[PTS_MAX_DIMS];
    int dt;
    if (meant && stdt) {
        PTS_TRY(broadcast_shape(OPN, meant, stdt, &nd, sizes));
        dt = meant->dtype;
    } else {
        pts_tensor *ref = meant ? meant : stdt;
        nd = ref->ndim;
        memcpy(sizes, ref->sizes, sizeof(int64_t) * (size_t)nd);
        dt = ref->dtype;
    }
    if (!pts_is_float(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"normal_kernel_cpu\" not implemented for '%s'", OPN, pts_dtype_torch_name(dt));
    if (!stdt && !(stdf >= 0.0))
        return pts_err_set(PTS_ERR_VALUE, "%s: normal expects std >= 0.0, but found std %g", OPN, stdf);
    if (stdt)
        PTS_TRY(check_std_tensor(OPN, stdt));
    pts_tensor *out = pts_tensor_empty(dt, nd, sizes);
    if (!out)
        return pts_err_last();
    pts_status st = pts_rng_normal_(OPN, out, 0.0, stdt ? 1.0 : stdf, gen);
    if (st == PTS_OK)
        st = mul_add(OPN, out, stdt, meant, meanf, meant == NULL);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_normal_Tensor_float) { return normal_tensor(op, a->mean, 0, NULL, a->std, a->generator, rets); }
PTS_KERNEL(k_normal_float_Tensor) { return normal_tensor(op, NULL, a->mean, a->std, 1.0, a->generator, rets); }
PTS_KERNEL(k_normal_Tensor_Tensor) { return normal_tensor(op, a->mean, 0, a->std, 1.0, a->generator, rets); }
PTS_KERNEL(k_normal_float_float)
{
    int dtype = a->dtype >= 0 ? a->dtype : PTS_FLOAT32;
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    if (a->layout.tag != PTS_T_NONE && pts_arg_int(a->layout) != 0)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: pyts supports the strided layout only", OPN);
    if (!pts_dtype_get(dtype) || !pts_is_float(dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"normal_kernel_cpu\" not implemented for '%s'", OPN, pts_dtype_torch_name(dtype));
    int64_t sizes[PTS_MAX_DIMS];
    int nd = 0;
    PTS_TRY(pts_arg_int_list(a->size, sizes, PTS_MAX_DIMS, &nd, 0, "size"));
    for (int i = 0; i < nd; i++)
        if (sizes[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld", OPN,
                               (long long)sizes[i]);
    pts_tensor *out = pts_tensor_empty(dtype, nd, sizes);
    if (!out)
        return pts_err_last();
    pts_status st = pts_rng_normal_(OPN, out, a->mean, a->std, a->generator);
    if (st) {
        pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

/* ---- multinomial -------------------------------------------------------------------------- */

static int cmp_desc(double a, int64_t ia, double b, int64_t ib)
{
    /* descending by value (NaN first, as torch's topk), ties by index */
    bool na = a != a, nb = b != b;
    if (na != nb)
        return na ? -1 : 1;
    if (a > b)
        return -1;
    if (a < b)
        return 1;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
}

PTS_KERNEL(k_multinomial)
{
    pts_tensor *p = a->self;
    int64_t ns = a->num_samples;
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(a->generator, OPN, &g));
    if (p->ndim != 1 && p->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: prob_dist must be 1 or 2 dim", OPN);
    if (!pts_is_float(p->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: multinomial only supports floating-point dtypes for input, got: %s", OPN,
                           pts_dtype_torch_name(p->dtype));
    if (ns <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: cannot sample n_sample <= 0 samples", OPN);
    int64_t nc = p->sizes[p->ndim - 1];
    int64_t rows = p->ndim == 2 ? p->sizes[0] : 1;
    if (!a->replacement && ns > nc)
        return pts_err_set(PTS_ERR_VALUE, "%s: cannot sample n_sample > prob_dist.size(-1) samples without replacement", OPN);
    if (nc == 0 && rows > 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: number of categories cannot exceed 2^24", OPN);
    int64_t osz[2] = {rows, ns};
    pts_tensor *res = p->ndim == 2 ? pts_tensor_empty(PTS_INT64, 2, osz) : pts_tensor_empty(PTS_INT64, 1, &ns);
    if (!res)
        return pts_err_last();
    int64_t *r = pts_i64(res);
    int64_t n = rows * nc;
    int dt = p->dtype;
    pts_tensor *pc = pts_tensor_to_dtype(p, PTS_FLOAT64); /* exact copy of the values, row-major */
    double *pv = pc ? pts_f64(pc) : NULL;
    double *q = pts_malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    int64_t *idx = pts_malloc((size_t)(nc > 0 ? nc : 1) * sizeof(int64_t));
    pts_status st = (!pc || !q || !idx) ? pts_err_last() : PTS_OK;
    if (st == PTS_OK && (!a->replacement || ns == 1)) {
        bool bad = false;
        for (int64_t i = 0; i < n; i++)
            if (!(pv[i] >= 0) || isinf(pv[i]))
                bad = true;
        if (bad)
            st = pts_err_set(PTS_ERR_VALUE, "%s: probability tensor contains either `inf`, `nan` or element < 0", OPN);
        for (int64_t i = 0; st == PTS_OK && i < rows; i++) {
            double s = 0;
            for (int64_t j = 0; j < nc; j++)
                s += pv[i * nc + j];
            if (s == 0)
                st = pts_err_set(PTS_ERR_VALUE, "%s: invalid multinomial distribution (sum of probabilities <= 0)", OPN);
        }
        if (st == PTS_OK) {
            /* q = empty_like(p).exponential_(1) walks p's memory order */
            pts_tensor *qt = NULL;
            st = pts_rng_new_like(OPN, p, dt, pts_none(), &qt);
            if (st == PTS_OK) {
                pts_rng_out o;
                st = pts_rng_out_begin(qt, OPN, &o);
                if (st == PTS_OK) {
                    pts_rng_lock(g);
                    for (int64_t i = 0; i < o.n; i++)
                        pts_rng_store_double(pts_rng_out_ptr(&o, i), dt, -1.0 * log1p(-pts_rng_u53d(g)));
                    pts_rng_unlock(g);
                    pts_rng_out_end(&o);
                }
            }
            if (st == PTS_OK) {
                pts_tensor *qc = pts_tensor_to_dtype(qt, PTS_FLOAT64);
                if (!qc)
                    st = pts_err_last();
                else {
                    double *qd = pts_f64(qc);
                    for (int64_t i = 0; i < n; i++) {
                        /* p / q rounded in p's dtype */
                        if (dt == PTS_FLOAT64)
                            q[i] = pv[i] / qd[i];
                        else {
                            float v = round_to(dt, (float)pv[i] / (float)qd[i]);
                            q[i] = v;
                        }
                    }
                    pts_obj_release(&qc->hdr);
                }
            }
            if (qt)
                pts_obj_release(&qt->hdr);
        }
        for (int64_t i = 0; st == PTS_OK && i < rows; i++) {
            double *qr = q + i * nc;
            for (int64_t j = 0; j < nc; j++)
                idx[j] = j;
            /* partial selection sort of the ns largest (ns small) or full insertion */
            for (int64_t k = 0; k < ns; k++) {
                int64_t best = k;
                for (int64_t j = k + 1; j < nc; j++)
                    if (cmp_desc(qr[idx[j]], idx[j], qr[idx[best]], idx[best]) < 0)
                        best = j;
                int64_t t = idx[k];
                idx[k] = idx[best];
                idx[best] = t;
                r[i * ns + k] = idx[k];
            }
        }
    } else if (st == PTS_OK) {
        double *cum = q; /* reuse: one row */
        pts_rng_lock(g);
        for (int64_t i = 0; st == PTS_OK && i < rows; i++) {
            double s = 0;
            for (int64_t j = 0; j < nc; j++) {
                double v = pv[i * nc + j];
                if (!(v >= 0)) {
                    st = pts_err_set(PTS_ERR_VALUE, "%s: invalid multinomial distribution (encountering probability entry < 0)", OPN);
                    break;
                }
                if (!isfinite(v)) {
                    st = pts_err_set(PTS_ERR_VALUE, "%s: invalid multinomial distribution (encountering probability entry = infinity or NaN)", OPN);
                    break;
                }
                if (dt == PTS_FLOAT64)
                    s += v;
                else
                    s = (float)((float)s + (float)v);
                cum[j] = s;
            }
            if (st)
                break;
            if (!(s > 0)) {
                st = pts_err_set(PTS_ERR_VALUE, "%s: invalid multinomial distribution (sum of probabilities <= 0)", OPN);
                break;
            }
            for (int64_t j = 0; j < nc; j++)
                cum[j] = dt == PTS_FLOAT64 ? cum[j] / s : (double)((float)cum[j] / (float)s);
            cum[nc - 1] = 1;
            for (int64_t k = 0; k < ns; k++) {
                double u = pts_rng_u53d(g);
                int64_t lo = 0, hi = nc;
                while (hi - lo > 0) {
                    int64_t mid = lo + (hi - lo) / 2;
                    if (cum[mid] < u)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                r[i * ns + k] = lo;
            }
        }
        pts_rng_unlock(g);
    }
    pts_free(q);
    pts_free(idx);
    if (pc)
        pts_obj_release(&pc->hdr);
    if (st) {
        pts_obj_release(&res->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(res);
    return PTS_OK;
}

/* ---- dropout (training) ------------------------------------------------------------------- */

/* y = x * noise (+ b), noise broadcast; elementwise in x's dtype */
pts_status pts_rng_dropout(const char *opname, pts_tensor *x, double p, bool feature, bool alpha, bool inplace,
                           pts_value *ret)
{
    int dt = x->dtype;
    if (!pts_is_float(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: result type Float can't be cast to the desired output type %s", opname,
                           pts_dtype_torch_name(dt));
    if (feature && x->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Feature dropout requires at least 2 dimensions in the input", opname);
    /* the noise: like x (preserved strides), or (N, C, 1, ...) contiguous */
    pts_tensor *noise = NULL;
    pts_status st;
    if (feature) {
        int64_t ns[PTS_MAX_DIMS];
        for (int i = 0; i < x->ndim; i++)
            ns[i] = i < 2 ? x->sizes[i] : 1;
        noise = pts_tensor_empty(dt, x->ndim, ns);
        st = noise ? PTS_OK : pts_err_last();
    } else {
        st = pts_rng_new_like(opname, x, dt, pts_none(), &noise);
    }
    if (st == PTS_OK)
        st = bernoulli_scalar(opname, noise, 1 - p, pts_none());
    int64_t n = pts_tensor_numel(x);
    pts_value nv = pts_none();
    int64_t *noff = NULL, *xoff = NULL;
    if (st == PTS_OK)
        st = bcast_offsets(opname, noise, x->ndim, x->sizes, n, &nv, &noff);
    if (st == PTS_OK) {
        xoff = pts_rng_logical_offsets(x, n);
        if (!xoff)
            st = pts_err_last();
    }
    pts_tensor *out = NULL;
    if (st == PTS_OK) {
        if (inplace) {
            st = pts_check_no_internal_overlap(x, opname);
            if (st == PTS_OK)
                st = pts_tensor_make_writable(x);
            out = x;
        } else {
            out = pts_tensor_empty(dt, x->ndim, x->sizes);
            if (!out)
                st = pts_err_last();
        }
    }
    if (st == PTS_OK) {
        const char *nd = (const char *)pts_tensor_data(PTS_ARG_TENSOR(nv));
        const char *xd = (const char *)pts_tensor_data(x);
        char *od = (char *)pts_tensor_data(out);
        int isz = pts_dtype_get(dt)->itemsize;
        const double al = 1.7580993408473766;
        double ad = 1.0 / sqrt((al * al * p + 1) * (1 - p));
        if (dt == PTS_FLOAT64) {
            double scale = 1.0 / (1 - p), aa = al * ad, aap = al * ad * p;
            for (int64_t i = 0; i < n; i++) {
                double k = *(const double *)(nd + noff[i] * isz), xv = *(const double *)(xd + xoff[i] * isz), y;
                if (alpha) {
                    double b = (k - 1) * aa + aap;
                    y = xv * (k * ad) + b;
                } else {
                    y = xv * (k / (1 - p));
                }
                (void)scale;
                *(double *)(od + (inplace ? xoff[i] : i) * isz) = y;
            }
        } else {
            float omp = (float)(1 - p), aa = (float)(al * ad), aap = (float)(al * ad * p), af = (float)ad;
            for (int64_t i = 0; i < n; i++) {
                float k = (float)pts_load_f64(nd + noff[i] * isz, dt), xv = (float)pts_load_f64(xd + xoff[i] * isz, dt), y;
                if (alpha) {
                    float b = round_to(dt, round_to(dt, (k - 1.0f) * aa) + aap);
                    y = round_to(dt, round_to(dt, xv * round_to(dt, k * af)) + b);
                } else {
                    y = round_to(dt, xv * round_to(dt, k / omp));
                }
                pts_store_f64(od + (inplace ? xoff[i] : i) * isz, dt, y);
            }
        }
    }
    pts_free(noff);
    pts_free(xoff);
    pts_value_release(nv);
    if (noise)
        pts_obj_release(&noise->hdr);
    if (st) {
        if (out && !inplace)
            pts_obj_release(&out->hdr);
        return st;
    }
    *ret = inplace ? pts_ret_tensor_ref(x) : pts_ret_tensor(out);
    return PTS_OK;
}

/* native_dropout(input, p, train?) -> (output, mask) */
PTS_KERNEL(k_native_dropout)
{
    pts_tensor *x = a->input;
    double p = a->p;
    bool train = !a->has_train || a->train;
    int dt = x->dtype;
    int64_t n = pts_tensor_numel(x);
    if (!pts_is_float(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"native_dropout\" not implemented for '%s'", OPN, pts_dtype_torch_name(dt));
    if (train && !(p >= 0 && p <= 1))
        return pts_err_set(PTS_ERR_VALUE, "%s: dropout probability has to be between 0 and 1, but got %g", OPN, p);
    pts_tensor *mask = NULL, *out = NULL;
    pts_status st = pts_rng_new_like(OPN, x, PTS_BOOL, pts_none(), &mask);
    if (st)
        return st;
    if (train && n > 0)
        st = bernoulli_scalar(OPN, mask, 1 - p, pts_none());
    else if (n > 0)
        st = pts_tensor_fill(mask, pts_bool(true));
    int64_t *xoff = NULL, *moff = NULL;
    if (st == PTS_OK && n > 0) {
        xoff = pts_rng_logical_offsets(x, n);
        moff = pts_rng_logical_offsets(mask, n);
        if (!xoff || !moff)
            st = pts_err_last();
    }
    if (st == PTS_OK) {
        out = pts_tensor_empty(dt, x->ndim, x->sizes);
        if (!out)
            st = pts_err_last();
    }
    if (st == PTS_OK && n > 0) {
        double p1m = 1.0 - p;
        double scale = p1m == 0 ? 0.0 : 1.0 / p1m;
        const char *xd = (const char *)pts_tensor_data(x);
        const uint8_t *md = (const uint8_t *)pts_tensor_data(mask);
        char *od = (char *)pts_tensor_data(out);
        int isz = pts_dtype_get(dt)->itemsize;
        for (int64_t i = 0; i < n; i++) {
            bool k = md[moff[i]] != 0;
            if (dt == PTS_FLOAT64) {
                double v = *(const double *)(xd + xoff[i] * isz);
                *(double *)(od + i * isz) = train ? (v * (k ? 1.0 : 0.0)) * scale : v;
            } else {
                float v = (float)pts_load_f64(xd + xoff[i] * isz, dt);
                float y = train ? round_to(dt, round_to(dt, v * (k ? 1.0f : 0.0f)) * (float)scale) : v;
                pts_store_f64(od + i * isz, dt, y);
            }
        }
    }
    pts_free(xoff);
    pts_free(moff);
    if (st) {
        pts_obj_release(&mask->hdr);
        if (out)
            pts_obj_release(&out->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(out);
    rets[1] = pts_ret_tensor(mask);
    return PTS_OK;
}

/* ---- rrelu (training) --------------------------------------------------------------------- */

pts_status pts_rng_rrelu_train(const char *opname, pts_tensor *x, pts_tensor *noise, double lower, double upper,
                               pts_value generator, bool inplace, pts_value *ret)
{
    int dt = x->dtype;
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    if (!pts_is_float(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"rrelu_with_noise_out_cpu\" not implemented for '%s'", opname,
                           pts_dtype_torch_name(dt));
    if (!(lower <= upper))
        return pts_err_set(PTS_ERR_VALUE, "%s: Lower bound should be less than or equal to the upper bound", opname);
    int64_t n = pts_tensor_numel(x);
    if (noise && (pts_tensor_numel(noise) != n || noise->dtype != dt || !pts_tensor_is_contiguous(noise)))
        return pts_err_set(PTS_ERR_VALUE, "%s: noise must be a contiguous tensor of the input's dtype and numel", opname);
    int64_t *xoff = n ? pts_rng_logical_offsets(x, n) : NULL;
    if (n && !xoff)
        return pts_err_last();
    pts_status st = PTS_OK;
    pts_tensor *out = NULL;
    if (inplace) {
        st = pts_check_no_internal_overlap(x, opname);
        if (st == PTS_OK)
            st = pts_tensor_make_writable(x);
        out = x;
    } else {
        out = pts_tensor_empty(dt, x->ndim, x->sizes);
        if (!out)
            st = pts_err_last();
    }
    if (st == PTS_OK && noise)
        st = pts_tensor_make_writable(noise);
    if (st == PTS_OK) {
        int isz = pts_dtype_get(dt)->itemsize;
        char *xd = (char *)pts_tensor_data(x), *od = (char *)pts_tensor_data(out);
        char *nd = noise ? (char *)pts_tensor_data(noise) : NULL;
        /* opmath bounds: float for the float types, then uniform in double (mul, add: not fused) */
        double lo = dt == PTS_FLOAT64 ? lower : (double)(float)lower;
        double hi = dt == PTS_FLOAT64 ? upper : (double)(float)upper;
        double range = hi - lo;
        pts_rng_lock(g);
        for (int64_t i = 0; i < n; i++) {
            void *xp = xd + xoff[i] * isz;
            void *op = od + (inplace ? xoff[i] : i) * isz;
            if (dt == PTS_FLOAT64) {
                double v = *(double *)xp, r = 1.0;
                if (v <= 0) {
                    double m = pts_rng_u53d(g) * range;
                    r = m + lo;
                    v = v * r;
                }
                *(double *)op = v;
                if (nd)
                    *(double *)(nd + i * isz) = r;
            } else {
                float v = (float)pts_load_f64(xp, dt), r = 1.0f;
                if (v <= 0) {
                    double m = pts_rng_u53d(g) * range;
                    r = (float)(m + lo);
                    v = round_to(dt, v * r);
                }
                pts_store_f64(op, dt, v);
                if (nd)
                    pts_store_f64(nd + i * isz, dt, r);
            }
        }
        pts_rng_unlock(g);
    }
    pts_free(xoff);
    if (st) {
        if (out && !inplace)
            pts_obj_release(&out->hdr);
        return st;
    }
    *ret = inplace ? pts_ret_tensor_ref(x) : pts_ret_tensor(out);
    return PTS_OK;
}

PTS_KERNEL(k_rrelu_with_noise)
{
    if (!a->training)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: training=False is not supported (use aten::rrelu)", OPN);
    return pts_rng_rrelu_train(OPN, a->self, a->noise, pts_arg_double(a->lower), pts_arg_double(a->upper), a->generator,
                               false, rets);
}
PTS_KERNEL(k_rrelu_with_noise_)
{
    if (!a->training)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: training=False is not supported (use aten::rrelu_)", OPN);
    return pts_rng_rrelu_train(OPN, a->self, a->noise, pts_arg_double(a->lower), pts_arg_double(a->upper), a->generator,
                               true, rets);
}

const pts_op_def pts_ops_distributions[] = {
    PTS_OP("aten::bernoulli_.Tensor(Tensor(a!) self, Tensor p, *, Generator? generator=None) -> Tensor(a!)", k_bernoulli__Tensor),
    PTS_OP("aten::bernoulli_.float(Tensor(a!) self, float p=0.5, *, Generator? generator=None) -> Tensor(a!)", k_bernoulli__float),
    PTS_OP("aten::bernoulli(Tensor self, *, Generator? generator=None) -> Tensor", k_bernoulli),
    PTS_OP("aten::bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor", k_bernoulli_p),
    PTS_OP("aten::bernoulli.Tensor(Tensor self, Tensor p, *, Generator? generator=None) -> Tensor", k_bernoulli_Tensor),
    PTS_OP("aten::exponential_(Tensor(a!) self, float lambd=1., *, Generator? generator=None) -> Tensor(a!)", k_exponential_),
    PTS_OP("aten::cauchy_(Tensor(a!) self, float median=0., float sigma=1., *, Generator? generator=None) -> Tensor(a!)", k_cauchy_),
    PTS_OP("aten::geometric_(Tensor(a!) self, float p, *, Generator? generator=None) -> Tensor(a!)", k_geometric_),
    PTS_OP("aten::log_normal_(Tensor(a!) self, float mean=1., float std=2., *, Generator? generator=None) -> Tensor(a!)", k_log_normal_),
    PTS_OP("aten::normal.Tensor_float(Tensor mean, float std=1., *, Generator? generator=None) -> Tensor", k_normal_Tensor_float),
    PTS_OP("aten::normal.float_Tensor(float mean, Tensor std, *, Generator? generator=None) -> Tensor", k_normal_float_Tensor),
    PTS_OP("aten::normal.Tensor_Tensor(Tensor mean, Tensor std, *, Generator? generator=None) -> Tensor", k_normal_Tensor_Tensor),
    PTS_OP("aten::normal.float_float(float mean, float std, SymInt[] size, *, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_normal_float_float),
    PTS_OP("aten::multinomial(Tensor self, SymInt num_samples, bool replacement=False, *, Generator? generator=None) -> Tensor", k_multinomial),
    PTS_OP("aten::native_dropout(Tensor input, float p, bool? train) -> (Tensor, Tensor)", k_native_dropout),
    PTS_OP("aten::rrelu_with_noise(Tensor self, Tensor(b!) noise, Scalar lower=0.125, Scalar upper=0.33333333333333331, bool training=False, Generator? generator=None) -> Tensor", k_rrelu_with_noise),
    PTS_OP("aten::rrelu_with_noise_(Tensor(a!) self, Tensor(b!) noise, Scalar lower=0.125, Scalar upper=0.33333333333333331, bool training=False, Generator? generator=None) -> Tensor(a!)", k_rrelu_with_noise_),
    {NULL, NULL},
};
