/* attention.c - scaled dot-product attention and the Transformer fast paths:
 * scaled_dot_product_attention and the CPU forms torch's graphs record
 * (_scaled_dot_product_attention_math, _scaled_dot_product_flash_attention_for_cpu),
 * _masked_softmax / _safe_softmax, _transform_bias_rescale_qkv,
 * _native_multi_head_attention, _transformer_encoder_layer_fwd, and the
 * nested-tensor ops of nn.TransformerEncoder's fast path
 * (_nested_tensor_from_mask[_left_aligned], to_padded_tensor).
 *
 * One core (attn_run) computes, for each (batch..., head) problem,
 * P = softmax(scale * Q K^T + mask) and O = P V as two GEMMs (OpenBLAS,
 * nn/gemm.h) around a fused, numerically stable row softmax (max
 * subtracted; float32 inputs are computed in float, float64 in double,
 * float16/bfloat16 in float).  q, k, v and the mask are read through
 * broadcasting strides over the batch dims: a mask of shape [L, S] or [B, 1,
 * 1, S] is never expanded in memory.  Problems run in parallel on pyts's pool.
 *
 * Masks, as torch reads them:
 *   sdpa, flash     bool: true = take part; float: added to the scores
 *   math            float added; a bool mask is added as 0/1 (torch's math
 *                   kernel adds it as given; sdpa converts bools before)
 *   masked_softmax  (and _native_multi_head_attention) nonzero = masked out
 * Rows with every key masked: 0 (sdpa, math, flash, _safe_softmax: torch's
 * safe softmax), NaN (_masked_softmax, the multi-head fast path).
 *
 * Nested tensors: pyts holds torch's jagged tensor padded, with the valid
 * length of each batch entry in tensor->nested_lengths (tensor/tensor.h).
 * The encoder-layer fast path then equals attention with the keys past each
 * length masked; padded rows are kept at 0 and to_padded_tensor writes the
 * padding value there, so outputs equal torch's, padded positions included.
 */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "ops/compose.h"
#include "ops/kernel.h"
#include "tensor/vmath.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

/* ---- the attention core ------------------------------------------------------------------- */

enum { MASK_NONE, MASK_KEEP_BOOL, MASK_ADD, MASK_OUT_BOOL };

typedef struct attn_job {
    int cd;                       /* PTS_FLOAT32 or PTS_FLOAT64 */
    int nbd;                      /* batch dims of the problem grid */
    int64_t bs[PTS_MAX_DIMS];     /* their sizes */
    int64_t nprob;
    int64_t L, S, E, Ev;
    double scale;
    /* q [.., L, E], k [.., S, E], v [.., S, Ev]: compute dtype, unit last
     * stride; per batch dim the element stride (0 = broadcast) and the
     * head group (grouped-query attention: index / group) */
    const char *q, *k, *v;
    int64_t qs[PTS_MAX_DIMS], ks[PTS_MAX_DIMS], vs[PTS_MAX_DIMS];
    int64_t qld, kld, vld;
    int64_t group; /* applied to k and v at batch dim nbd-1 */
    /* mask over [bs..., L, S] with strides (0 = broadcast) */
    int mask_kind;
    const char *mask;
    int mask_dt;
    int64_t ms[PTS_MAX_DIMS + 2];
    bool causal;
    const int64_t *klen; /* valid keys of batch entry (problem index / klen_div), or NULL */
    int64_t klen_div;
    bool masked_nan; /* a fully masked row gives NaN (else 0) */
    int round_dt;    /* float16/bfloat16 inputs: probabilities rounded to it before P V, as torch's GEMM in that type reads them; else -1 */
    /* outputs: out row i of problem p at out + (p / oh) * oouter + (p % oh) * oinner + i * old */
    char *out;
    int64_t oh, oouter, oinner, old;
    char *probs;  /* NULL, or [nprob, L, S] contiguous */
    char *lse;    /* NULL, or [nprob, L] contiguous, compute dtype */
    atomic_int failed;
} attn_job;

static int64_t batch_offset(const int64_t *bs, int nbd, const int64_t *st, int64_t group, int64_t p)
{
    int64_t off = 0;
    for (int d = nbd - 1; d >= 0; d--) {
        int64_t i = p % bs[d];
        p /= bs[d];
        if (d == nbd - 1 && group > 1)
            i /= group;
        off += i * st[d];
    }
    return off;
}

/* mask value as an addend (MASK_ADD) or flag (bool kinds) */
static double mask_at(const attn_job *j, const char *m)
{
    switch (j->mask_dt) {
    case PTS_BOOL: return *(const uint8_t *)m ? 1.0 : 0.0;
    case PTS_FLOAT32: return *(const float *)m;
    case PTS_FLOAT64: return *(const double *)m;
    default: return pts_load_f64(m, j->mask_dt);
    }
}

#define DEFINE_ATTN(T, GEMM, EXP)                                                                    \
    PTS_SIMD_CLONES static void attn_problem_##T(const attn_job *j, int64_t p, T *sc)              \
    {                                                                                               \
        int64_t L = j->L, S = j->S;                                                                 \
        const T *q = (const T *)j->q + batch_offset(j->bs, j->nbd, j->qs, 1, p);                    \
        const T *k = (const T *)j->k + batch_offset(j->bs, j->nbd, j->ks, j->group, p);             \
        const T *v = (const T *)j->v + batch_offset(j->bs, j->nbd, j->vs, j->group, p);             \
        T *P = j->probs ? (T *)j->probs + p * L * S : sc;                                           \
        GEMM(false, true, L, S, j->E, (T)j->scale, q, j->qld, k, j->kld, 0, P, S);                  \
        const char *mb = NULL;                                                                      \
        size_t isz = j->mask ? pts_dtype_get(j->mask_dt)->itemsize : 0;                             \
        if (j->mask)                                                                                \
            mb = j->mask + batch_offset(j->bs, j->nbd, j->ms, 1, p) * (int64_t)isz;                 \
        int64_t kl = j->klen ? j->klen[p / j->klen_div] : S;                                        \
        for (int64_t i = 0; i < L; i++) {                                                           \
            T *r = P + i * S;                                                                       \
            int64_t lim = kl < S ? kl : S;                                                          \
            if (j->causal && i + 1 < lim)                                                           \
                lim = i + 1;                                                                        \
            for (int64_t s = lim; s < S; s++)                                                       \
                r[s] = (T)-INFINITY;                                                                \
            if (mb) {                                                                               \
                const char *mr = mb + i * j->ms[j->nbd] * (int64_t)isz;                             \
                int64_t mst = j->ms[j->nbd + 1] * (int64_t)isz;                                     \
                for (int64_t s = 0; s < lim; s++) {                                                 \
                    double m = mask_at(j, mr + s * mst);                                            \
                    if (j->mask_kind == MASK_ADD)                                                   \
                        r[s] += (T)m;                                                               \
                    else if ((j->mask_kind == MASK_KEEP_BOOL) == (m == 0))                          \
                        r[s] = (T)-INFINITY;                                                        \
                }                                                                                   \
            }                                                                                       \
            T mx = (T)-INFINITY;                                                                    \
            bool nan = false;                                                                       \
            for (int64_t s = 0; s < S; s++) {                                                       \
                if (r[s] > mx)                                                                      \
                    mx = r[s];                                                                      \
                nan = nan || r[s] != r[s];                                                          \
            }                                                                                       \
            T *lse = j->lse ? (T *)j->lse + p * L + i : NULL;                                       \
            if (mx == (T)-INFINITY && !nan) { /* every key masked */                                \
                for (int64_t s = 0; s < S; s++)                                                     \
                    r[s] = j->masked_nan ? (T)NAN : (T)0;                                           \
                if (lse)                                                                            \
                    *lse = 0;                                                                       \
                continue;                                                                           \
            }                                                                                       \
            T sum = 0;                                                                              \
            for (int64_t s = 0; s < S; s++) /* apart from the sum: this loop vectorizes */          \
                r[s] = EXP(r[s] - mx);                                                              \
            for (int64_t s = 0; s < S; s++)                                                         \
                sum += r[s];                                                                        \
            T inv = (T)1 / sum;                                                                     \
            for (int64_t s = 0; s < S; s++)                                                         \
                r[s] *= inv;                                                                        \
            if (j->round_dt >= 0)                                                                   \
                for (int64_t s = 0; s < S; s++)                                                     \
                    r[s] = (T)pts_nn_round(j->round_dt, (float)r[s]);                               \
            if (lse)                                                                                \
                *lse = mx + (T)log((double)sum);                                                    \
        }                                                                                           \
        T *o = (T *)j->out + (p / j->oh) * j->oouter + (p % j->oh) * j->oinner;                     \
        GEMM(false, false, L, j->Ev, S, 1, P, S, v, j->vld, 0, o, j->old);                           \
    }

DEFINE_ATTN(float, pts_gemm_f32, pts_vexpf) /* tensor/vmath.h: vectorizes, within 2 ulp */
DEFINE_ATTN(double, pts_gemm_f64, exp)

static void attn_range(void *ctx, int64_t begin, int64_t end)
{
    attn_job *j = ctx;
    size_t isz = j->cd == PTS_FLOAT64 ? 8 : 4;
    void *sc = j->probs ? NULL : pts_malloc((size_t)(j->L * j->S + 1) * isz);
    if (!j->probs && !sc) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int64_t p = begin; p < end; p++) {
        if (j->cd == PTS_FLOAT64)
            attn_problem_double(j, p, sc);
        else
            attn_problem_float(j, p, sc);
    }
    pts_free(sc);
}

static pts_status attn_run(attn_job *j)
{
    atomic_init(&j->failed, 0);
    if (!pts_blas_fits(j->L, j->S, j->E, j->Ev) || !pts_blas_fits(j->qld, j->kld, j->vld, j->old))
        return pts_err_set(PTS_ERR_LIMIT, "attention: sizes too large for BLAS");
    if (j->nprob == 0 || j->L == 0)
        return PTS_OK;
    if (j->S == 0) { /* no keys: every row fully masked */
        for (int64_t p = 0; p < j->nprob; p++) {
            char *o = j->out + ((p / j->oh) * j->oouter + (p % j->oh) * j->oinner) * (j->cd == PTS_FLOAT64 ? 8 : 4);
            for (int64_t i = 0; i < j->L; i++)
                for (int64_t e = 0; e < j->Ev; e++) {
                    double val = j->masked_nan ? NAN : 0.0;
                    if (j->cd == PTS_FLOAT64)
                        ((double *)o)[i * j->old + e] = val;
                    else
                        ((float *)o)[i * j->old + e] = (float)val;
                }
            if (j->lse)
                for (int64_t i = 0; i < j->L; i++)
                    pts_store_f64(j->lse + (p * j->L + i) * (j->cd == PTS_FLOAT64 ? 8 : 4), j->cd, 0);
        }
        return PTS_OK;
    }
    pts_blas_init();
    double work = (double)j->L * (double)j->S * (double)(j->E + j->Ev);
    int64_t grain = work >= 65536 ? 1 : (int64_t)(65536 / (work + 1)) + 1;
    pts_parallel_for(j->nprob, grain, attn_range, j);
    if (atomic_load(&j->failed))
        return pts_err_nomem("attention scores", (size_t)(j->L * j->S) * 8);
    return PTS_OK;
}

/* ---- argument plumbing -------------------------------------------------------------------- */

/* Broadcast the batch dims (all but the last two) of q, k, v into j->bs; with
 * gqa the head dim (-3) of k and v may divide q's. */
static pts_status batch_shape(const char *op, const pts_tensor *q, const pts_tensor *k, const pts_tensor *v, bool gqa,
                              attn_job *j)
{
    const pts_tensor *ts[3] = {q, k, v};
    int nbd = 0;
    for (int i = 0; i < 3; i++)
        if (ts[i]->ndim - 2 > nbd)
            nbd = ts[i]->ndim - 2;
    j->nbd = nbd;
    j->group = 1;
    if (gqa && q->ndim >= 3 && k->ndim >= 3 && v->ndim >= 3) {
        int64_t hq = q->sizes[q->ndim - 3], hk = k->sizes[k->ndim - 3], hv = v->sizes[v->ndim - 3];
        if (hk == 0 || hq % hk != 0 || hv != hk)
            return pts_err_set(PTS_ERR_VALUE,
                               "%s: number of heads in key and value must divide the number of heads in query", op);
        j->group = hq / hk;
    }
    for (int d = 0; d < nbd; d++) {
        int64_t size = 1;
        for (int i = 0; i < 3; i++) {
            int td = d - (nbd - (ts[i]->ndim - 2));
            if (td < 0)
                continue;
            int64_t s = ts[i]->sizes[td];
            if (i > 0 && j->group > 1 && d == nbd - 1)
                s *= j->group;
            if (s != 1 && size != 1 && s != size)
                return pts_err_set(PTS_ERR_VALUE,
                                   "%s: The size of tensor a (%lld) must match the size of tensor b (%lld) at non-singleton dimension %d",
                                   op, (long long)size, (long long)s, d);
            if (s != 1)
                size = s;
        }
        j->bs[d] = size;
    }
    j->nprob = 1;
    for (int d = 0; d < nbd; d++)
        j->nprob *= j->bs[d];
    return PTS_OK;
}

/* Batch strides of contiguous t aligned to j's batch dims. */
static void batch_strides(const attn_job *j, const pts_tensor *t, bool grouped, int64_t *st)
{
    int tb = t->ndim - 2;
    for (int d = 0; d < j->nbd; d++) {
        int td = d - (j->nbd - tb);
        int64_t size = td < 0 ? 1 : t->sizes[td];
        bool bc = td < 0 || (size == 1 && (j->bs[d] != 1) && !(grouped && j->group > 1 && d == j->nbd - 1));
        st[d] = bc ? 0 : t->strides[td];
    }
}

/* Mask strides over [bs..., L, S] (right-aligned broadcasting). */
static pts_status mask_strides(const char *op, attn_job *j, const pts_tensor *m)
{
    int n = j->nbd + 2;
    int64_t want[PTS_MAX_DIMS + 2];
    for (int d = 0; d < j->nbd; d++)
        want[d] = j->bs[d];
    want[j->nbd] = j->L;
    want[j->nbd + 1] = j->S;
    if (m->ndim > n)
        goto bad;
    for (int d = 0; d < n; d++) {
        int md = d - (n - m->ndim);
        if (md < 0) {
            j->ms[d] = 0;
            continue;
        }
        if (m->sizes[md] == want[d])
            j->ms[d] = want[d] == 1 ? 0 : m->strides[md];
        else if (m->sizes[md] == 1)
            j->ms[d] = 0;
        else
            goto bad;
    }
    j->mask = (const char *)pts_tensor_data(m);
    j->mask_dt = m->dtype;
    return PTS_OK;
bad:;
    char a[96], b[96];
    pts_shape_str(m->ndim, m->sizes, a, sizeof a);
    pts_shape_str(n, want, b, sizeof b);
    return pts_err_set(PTS_ERR_VALUE, "%s: attn_mask of shape %s cannot be broadcast to the attention shape %s", op, a, b);
}

typedef struct attn_spec {
    const char *op;
    pts_tensor *q, *k, *v, *mask;
    int mask_kind;
    bool causal, gqa, masked_nan;
    bool has_scale;
    double scale;
    bool want_probs, want_lse;
} attn_spec;

/* The plain layout: out [batch..., L, Ev] (+ probs [batch..., L, S], lse
 * [batch..., L]) of q's dtype.  rets: out, then probs or lse when asked. */
static pts_status attn_plain(const attn_spec *sp, pts_value *rets)
{
    const char *op = sp->op;
    pts_tensor *q0 = sp->q, *k0 = sp->k, *v0 = sp->v;
    if (q0->ndim < 2 || k0->ndim < 2 || v0->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE,
                           "%s: Expected query, key, and value to all be at least 2 dimensional, but got query.dim: %d key.dim: %d and value.dim: %d instead.",
                           op, q0->ndim, k0->ndim, v0->ndim);
    if (q0->dtype != k0->dtype || q0->dtype != v0->dtype)
        return pts_err_set(PTS_ERR_TYPE,
                           "%s: Expected query, key, and value to have the same dtype, but got query.dtype: %s key.dtype: %s and value.dtype: %s instead.",
                           op, pts_dtype_torch_name(q0->dtype), pts_dtype_torch_name(k0->dtype), pts_dtype_torch_name(v0->dtype));
    int dt = q0->dtype, cd = pts_is_float(dt) ? pts_nn_compute_dtype(dt) : -1;
    if (cd < 0)
        return pts_not_implemented(op, dt);
    attn_job j;
    memset(&j, 0, sizeof j);
    j.cd = cd;
    j.round_dt = -1;
    j.L = q0->sizes[q0->ndim - 2];
    j.E = q0->sizes[q0->ndim - 1];
    j.S = k0->sizes[k0->ndim - 2];
    j.Ev = v0->sizes[v0->ndim - 1];
    if (k0->sizes[k0->ndim - 1] != j.E)
        return pts_err_set(PTS_ERR_VALUE, "%s: query and key must have the same embedding size (got %lld and %lld)", op,
                           (long long)j.E, (long long)k0->sizes[k0->ndim - 1]);
    if (v0->sizes[v0->ndim - 2] != j.S)
        return pts_err_set(PTS_ERR_VALUE, "%s: key and value must have the same sequence length (got %lld and %lld)", op,
                           (long long)j.S, (long long)v0->sizes[v0->ndim - 2]);
    if (sp->mask && sp->causal)
        return pts_err_set(PTS_ERR_VALUE, "%s: Explicit attn_mask should not be set when is_causal=True", op);
    PTS_TRY(batch_shape(op, q0, k0, v0, sp->gqa, &j));
    j.scale = sp->has_scale ? sp->scale : 1.0 / sqrt((double)j.E);
    if (cd == PTS_FLOAT32)
        j.scale = (float)j.scale;
    j.causal = sp->causal;
    j.masked_nan = sp->masked_nan;
    j.mask_kind = sp->mask ? sp->mask_kind : MASK_NONE;
    if (sp->mask)
        PTS_TRY(mask_strides(op, &j, sp->mask));
    int64_t osz[PTS_MAX_DIMS + 2];
    int on = j.nbd + 2;
    if (on > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many dims", op);
    for (int d = 0; d < j.nbd; d++)
        osz[d] = j.bs[d];
    osz[j.nbd] = j.L;
    osz[j.nbd + 1] = j.Ev;
    pts_tensor *q = pts_nn_contig(q0, cd), *k = q ? pts_nn_contig(k0, cd) : NULL, *v = k ? pts_nn_contig(v0, cd) : NULL;
    pts_tensor *out = NULL, *probs = NULL, *lse = NULL;
    pts_status st = PTS_OK;
    if (!v || !(out = pts_tensor_empty(cd, on, osz)))
        goto fail;
    if (sp->want_probs) {
        osz[j.nbd + 1] = j.S;
        if (!(probs = pts_tensor_empty(cd, on, osz)))
            goto fail;
    }
    if (sp->want_lse && !(lse = pts_tensor_empty(cd, on - 1, osz)))
        goto fail;
    j.q = pts_tensor_data(q);
    j.k = pts_tensor_data(k);
    j.v = pts_tensor_data(v);
    batch_strides(&j, q, false, j.qs);
    batch_strides(&j, k, true, j.ks);
    batch_strides(&j, v, true, j.vs);
    j.qld = j.E;
    j.kld = j.E;
    j.vld = j.Ev;
    j.out = pts_tensor_data(out);
    j.oh = 1;
    j.oouter = j.L * j.Ev;
    j.old = j.Ev;
    j.probs = probs ? pts_tensor_data(probs) : NULL;
    j.lse = lse ? pts_tensor_data(lse) : NULL;
    st = attn_run(&j);
    pts_obj_release(&q->hdr);
    pts_obj_release(&k->hdr);
    pts_obj_release(&v->hdr);
    q = k = v = NULL;
    if (st)
        goto done;
    out = pts_nn_cast(out, dt);
    if (!out)
        goto fail;
    if (probs && !(probs = pts_nn_cast(probs, dt)))
        goto fail;
    if (lse && dt != PTS_FLOAT64 && !(lse = pts_nn_cast(lse, PTS_FLOAT32)))
        goto fail;
    rets[0] = pts_ret_tensor(out);
    if (probs)
        rets[1] = pts_ret_tensor(probs);
    if (lse)
        rets[1] = pts_ret_tensor(lse);
    return PTS_OK;
fail:
    st = pts_err_last();
done:
    if (q)
        pts_obj_release(&q->hdr);
    if (k)
        pts_obj_release(&k->hdr);
    if (v)
        pts_obj_release(&v->hdr);
    if (out)
        pts_obj_release(&out->hdr);
    if (probs)
        pts_obj_release(&probs->hdr);
    if (lse)
        pts_obj_release(&lse->hdr);
    return st;
}

static pts_status check_sdpa_mask(const char *op, const pts_tensor *m, int dt, bool allow_bool)
{
    if (m && !((allow_bool && m->dtype == PTS_BOOL) || m->dtype == dt))
        return pts_err_set(PTS_ERR_TYPE,
                           "%s: Expected attn_mask dtype to be bool or to match query dtype, but got attn_mask.dtype: %s and  query.dtype: %s instead.",
                           op, pts_dtype_torch_name(m->dtype), pts_dtype_torch_name(dt));
    return PTS_OK;
}

static pts_status refuse_dropout(const char *op, double p)
{
    if (p > 0)
        return pts_err_set(PTS_ERR_UNSUPPORTED,
                           "%s: dropout_p=%g draws random numbers; pyts cannot reproduce torch's generator", op, p);
    return PTS_OK;
}

/* ---- scaled_dot_product_attention and its CPU forms ----------------------------------------- */

/* Dropout on CPU takes torch's math path: the probabilities, dropout(probs, p, train=True)
 * (aten::dropout, drawing from the seeded generator as torch does), then probs @ value. */
static pts_status sdpa_dropout(const attn_spec *sp0, double p, pts_value *rets)
{
    const pts_tensor *q = sp0->q, *k = sp0->k;
    if (sp0->gqa && q->ndim >= 3 && k->ndim >= 3 && q->sizes[q->ndim - 3] != k->sizes[k->ndim - 3])
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dropout_p=%g with grouped-query attention is not supported",
                           sp0->op, p);
    attn_spec sp = *sp0;
    sp.want_probs = true;
    pts_value r[2] = {pts_none(), pts_none()}, d = pts_none();
    PTS_TRY(attn_plain(&sp, r));
    pts_value_release(r[0]);
    pts_value dargs[3] = {r[1], pts_float(p), pts_bool(true)};
    pts_status st = pts_call("aten::dropout", 3, dargs, &d);
    if (!st) {
        pts_value margs[2] = {d, pts_tv(sp0->v)};
        st = pts_call("aten::matmul", 2, margs, rets);
    }
    pts_value_release(r[1]);
    pts_value_release(d);
    return st;
}

PTS_KERNEL(k_scaled_dot_product_attention)
{
    PTS_TRY(check_sdpa_mask(OPN, a->attn_mask, a->query->dtype, true));
    if (a->dropout_p < 0 || a->dropout_p > 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: dropout probability has to be between 0 and 1, but got %g", OPN,
                           a->dropout_p);
    attn_spec sp = {OPN, a->query, a->key, a->value, a->attn_mask, 0, a->is_causal, a->enable_gqa, false,
                    a->has_scale, a->scale, false, false};
    sp.mask_kind = a->attn_mask && a->attn_mask->dtype == PTS_BOOL ? MASK_KEEP_BOOL : MASK_ADD;
    if (a->dropout_p > 0)
        return sdpa_dropout(&sp, a->dropout_p, rets);
    return attn_plain(&sp, rets);
}

PTS_KERNEL(k_sdpa_math)
{
    PTS_TRY(refuse_dropout(OPN, a->dropout_p));
    attn_spec sp = {OPN, a->query, a->key, a->value, a->attn_mask, MASK_ADD, a->is_causal, a->enable_gqa, false,
                    a->has_scale, a->scale, true, false};
    return attn_plain(&sp, rets);
}

PTS_KERNEL(k_sdpa_flash_cpu)
{
    if (a->query->ndim != 4 || a->key->ndim != 4 || a->value->ndim != 4)
        return pts_err_set(PTS_ERR_VALUE,
                           "%s: scaled_dot_product_attention_flash_attention: Accept only 4 dims inputs shape of {B, H, T, K}",
                           OPN);
    if (a->key->sizes[3] != a->query->sizes[3] || a->value->sizes[3] != a->query->sizes[3])
        return pts_err_set(PTS_ERR_VALUE, "%s: scaled_dot_product_attention_flash_attention: Q/K/V should have the same head size", OPN);
    if (a->attn_mask && a->attn_mask->dtype != a->query->dtype)
        return pts_err_set(PTS_ERR_TYPE,
                           "%s: scaled_dot_product_attention_flash_attention: Attention mask is the same data type as query",
                           OPN);
    PTS_TRY(refuse_dropout(OPN, a->dropout_p));
    attn_spec sp = {OPN, a->query, a->key, a->value, a->attn_mask, MASK_ADD, a->is_causal, false, false,
                    a->has_scale, a->scale, false, true};
    return attn_plain(&sp, rets);
}

/* ---- softmax with masks ------------------------------------------------------------------- */

/* Softmax over rows of length S of x (as [rows, S]) with an optional mask,
 * by the same fused row loop: an identity GEMM is avoided by computing the
 * rows directly. */
#define DEFINE_MSOFTMAX(T, EXP)                                                                     \
    static void msoftmax_##T(T *r, int64_t S, const uint8_t *mk, int64_t mst, bool masked_nan)      \
    {                                                                                               \
        T mx = (T)-INFINITY;                                                                        \
        bool nan = false;                                                                           \
        for (int64_t s = 0; s < S; s++) {                                                           \
            if (mk && mk[s * mst])                                                                  \
                r[s] = (T)-INFINITY;                                                                \
            if (r[s] > mx)                                                                          \
                mx = r[s];                                                                          \
            nan = nan || r[s] != r[s];                                                              \
        }                                                                                           \
        if (mx == (T)-INFINITY && !nan) {                                                           \
            for (int64_t s = 0; s < S; s++)                                                         \
                r[s] = masked_nan ? (T)NAN : (T)0;                                                  \
            return;                                                                                 \
        }                                                                                           \
        T sum = 0;                                                                                  \
        for (int64_t s = 0; s < S; s++) {                                                           \
            r[s] = EXP(r[s] - mx);                                                                  \
            sum += r[s];                                                                            \
        }                                                                                           \
        T inv = (T)1 / sum;                                                                         \
        for (int64_t s = 0; s < S; s++)                                                             \
            r[s] *= inv;                                                                            \
    }

DEFINE_MSOFTMAX(float, expf)
DEFINE_MSOFTMAX(double, exp)

/* x's softmax over dim (a new tensor of out_dt); mask (bool, true = masked
 * out) read with strides ms over x's dims, or NULL. */
static pts_status masked_softmax(const char *op, pts_tensor *x, int dim, const pts_tensor *mask, const int64_t *ms,
                                 bool masked_nan, int out_dt, pts_value *ret)
{
    int cd = pts_nn_compute_dtype(x->dtype);
    bool mk[PTS_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        mk[i] = i == dim;
    pts_rows r;
    PTS_TRY(pts_rows_make(x, mk, false, cd, &r));
    /* mask strides in the rows layout: kept dims in order, then dim */
    int64_t kms[PTS_MAX_DIMS], ksz[PTS_MAX_DIMS];
    int nk = 0;
    for (int i = 0; i < x->ndim; i++)
        if (i != dim) {
            ksz[nk] = x->sizes[i];
            kms[nk++] = ms ? ms[i] : 0;
        }
    const uint8_t *mb = mask ? (const uint8_t *)pts_tensor_data(mask) : NULL;
    int64_t mst = ms && x->ndim ? ms[dim] : 0;
    for (int64_t row = 0; row < r.rows; row++) {
        int64_t off = 0, rem = row;
        for (int d = nk - 1; d >= 0; d--) {
            off += (rem % ksz[d]) * kms[d];
            rem /= ksz[d];
        }
        if (cd == PTS_FLOAT64)
            msoftmax_double(pts_f64(r.flat) + row * r.inner, r.inner, mb ? mb + off : NULL, mst, masked_nan);
        else
            msoftmax_float((float *)pts_tensor_data(r.flat) + row * r.inner, r.inner, mb ? mb + off : NULL, mst,
                           masked_nan);
    }
    pts_tensor *flat = r.flat;
    if (x->ndim == 0)
        return pts_ret_as(flat, out_dt, ret);
    pts_value v;
    pts_tensor *cast = pts_nn_cast(flat, out_dt);
    if (!cast)
        return pts_err_last();
    (void)op;
    PTS_TRY(pts_unpermute(cast, x->ndim, dim, &v));
    *ret = v;
    return PTS_OK;
}

PTS_KERNEL(k_safe_softmax)
{
    int dt = a->dtype >= 0 ? a->dtype : a->self->dtype;
    if (!pts_is_float(dt) || !pts_is_float(a->self->dtype))
        return pts_not_implemented(OPN, dt);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, a->self->ndim, OPN, &d));
    pts_tensor *x = a->self;
    pts_tensor *conv = NULL;
    if (a->dtype >= 0 && a->dtype != x->dtype) {
        if (!(conv = pts_tensor_to_dtype(x, a->dtype)))
            return pts_err_last();
        x = conv;
    }
    pts_status st = masked_softmax(OPN, x, d, NULL, NULL, false, dt, rets);
    if (conv)
        pts_obj_release(&conv->hdr);
    return st;
}

PTS_KERNEL(k_masked_softmax)
{
    pts_tensor *x = a->self, *m = a->mask;
    if (m->dtype != PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: Mask should be a boolean tensor", OPN);
    if (!pts_is_float(x->dtype))
        return pts_not_implemented(OPN, x->dtype);
    int d = x->ndim ? x->ndim - 1 : 0;
    if (a->has_dim)
        PTS_TRY(pts_wrap_dim(a->dim, x->ndim, OPN, &d));
    int64_t ms[PTS_MAX_DIMS];
    int n = x->ndim;
    if (a->has_mask_type && a->mask_type == 1 && n == 4 && m->ndim == 2 && m->sizes[0] == x->sizes[0] &&
        m->sizes[1] == x->sizes[3]) { /* key padding mask [B, S] of scores [B, H, L, S] */
        ms[0] = m->sizes[0] == 1 ? 0 : m->strides[0];
        ms[1] = ms[2] = 0;
        ms[3] = m->sizes[1] == 1 ? 0 : m->strides[1];
    } else {
        if (m->ndim > n)
            return pts_err_set(PTS_ERR_VALUE, "%s: Mask shape should match input shape", OPN);
        for (int i = 0; i < n; i++) {
            int md = i - (n - m->ndim);
            if (md < 0 || (m->sizes[md] == 1 && x->sizes[i] != 1)) {
                ms[i] = 0;
            } else if (m->sizes[md] == x->sizes[i]) {
                ms[i] = m->strides[md];
            } else {
                return pts_err_set(PTS_ERR_VALUE, "%s: Mask shape should match input shape", OPN);
            }
        }
    }
    return masked_softmax(OPN, x, d, m, ms, true, x->dtype, rets);
}

/* ---- the multi-head attention fast path --------------------------------------------------- */

/* Call a registered op by exact name: args positional, every argument given. */
static pts_status call_op(const char *name, pts_value *args, pts_value *rets)
{
    const pts_op *o = pts_ops_find(name);
    if (!o)
        return pts_err_set(PTS_ERR_INTERNAL, "attention: %s is not registered", name);
    for (int i = 0; i < o->schema.nrets; i++)
        rets[i] = pts_none();
    pts_status st = o->fn(o, args, rets);
    if (st)
        for (int i = 0; i < o->schema.nrets; i++)
            pts_value_clear(&rets[i]);
    return st;
}

static pts_value tv(pts_tensor *t) { return t ? pts_obj_value(&t->hdr) : pts_none(); }

/* x @ w^T (+ b): aten::linear.  New reference or NULL with error set. */
static pts_tensor *linear(pts_tensor *x, pts_tensor *w, pts_tensor *b)
{
    pts_value args[3] = {tv(x), tv(w), tv(b)}, r;
    if (call_op("aten::linear", args, &r))
        return NULL;
    return PTS_TENSOR(r);
}

/* A contiguous view [rows, cols] of the rows [r0, r0 + n) of w (a 2-D parameter). */
static pts_tensor *rows_of(pts_tensor *w, int64_t r0, int64_t n)
{
    int64_t sizes[2] = {n, w->sizes[1]}, strides[2] = {w->strides[0], w->strides[1]};
    return pts_tensor_view_of(w->storage, w->dtype, 2, sizes, strides, w->offset + r0 * w->strides[0]);
}

typedef struct mha_args {
    const char *op;
    pts_tensor *query, *key, *value;
    int64_t embed_dim, num_head;
    pts_tensor *qkv_weight, *qkv_bias, *proj_weight, *proj_bias, *mask;
    bool need_weights, average;
    bool has_mask_type;
    int64_t mask_type;
} mha_args;

/* q/k/v transform: dst[b, h, t, :] = (src[b, t, c0 + h*dh + :] + bias[b0 + h*dh + :]) * mul,
 * in the compute dtype (mul rounded to it, as torch's scalar_t). */
static void split_heads(const pts_tensor *src, int64_t ld, int64_t c0, const pts_tensor *bias, int64_t b0, int64_t B,
                        int64_t T, int64_t H, int64_t dh, double mul, pts_tensor *dst)
{
    int64_t bst = bias->ndim ? bias->strides[0] : 0;
    const char *bp = (const char *)pts_tensor_data(bias);
    size_t bsz = pts_dtype_get(bias->dtype)->itemsize;
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < H; h++)
            for (int64_t t = 0; t < T; t++)
                for (int64_t e = 0; e < dh; e++) {
                    int64_t c = h * dh + e;
                    int64_t si = (b * T + t) * ld + c0 + c, di = ((b * H + h) * T + t) * dh + e;
                    double bv = pts_load_f64(bp + (b0 + c) * bst * (int64_t)bsz, bias->dtype);
                    if (dst->dtype == PTS_FLOAT64) {
                        pts_f64(dst)[di] = (pts_f64(src)[si] + bv) * mul;
                    } else {
                        float s = ((const float *)pts_tensor_data(src))[si] + (float)bv;
                        ((float *)pts_tensor_data(dst))[di] = mul == 1 ? s : s * (float)mul;
                    }
                }
}

/* rets[0] = [B, T, D] output, rets[1] = weights or None.  klen: valid lengths
 * of a nested query (keys past them masked), or NULL. */
static pts_status mha_run(const mha_args *m, const int64_t *klen, pts_value *rets)
{
    const char *op = m->op;
    pts_tensor *q0 = m->query, *k0 = m->key, *v0 = m->value;
    int64_t D = m->embed_dim, H = m->num_head;
    if (m->mask && klen)
        return pts_err_set(PTS_ERR_VALUE, "%s: NestedTensor with mask is not supported yet", op);
    if (q0->ndim != 3)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected 3-D `query`, got %d-D tensor", op, q0->ndim);
    if (q0->sizes[2] != D)
        return pts_err_set(PTS_ERR_VALUE, "%s: passed-in embed_dim %lld didn't match last dim of query %lld", op,
                           (long long)D, (long long)q0->sizes[2]);
    if (k0->ndim != 3 || v0->ndim != 3)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected 3-D `key` and `value`", op);
    for (int i = 0; i < 3; i++)
        if (q0->sizes[i] != k0->sizes[i] || k0->sizes[i] != v0->sizes[i])
            return pts_err_set(PTS_ERR_VALUE, "%s: expected `query`/`key`/`value` shapes to match", op);
    if (m->qkv_weight->ndim != 2 || m->qkv_weight->sizes[0] != 3 * D || m->qkv_weight->sizes[1] != D)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected `qkv_weight` of shape [3 * embed_dim, embed_dim]", op);
    if (m->qkv_bias->ndim != 1 || m->qkv_bias->sizes[0] != 3 * D)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected `qkv_bias` of shape [3 * embed_dim]", op);
    if (H <= 0 || D % H != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: `embed_dim` must divide evenly by `num_heads`", op);
    int dt = q0->dtype, cd = pts_is_float(dt) ? pts_nn_compute_dtype(dt) : -1;
    if (cd < 0)
        return pts_not_implemented(op, dt);
    int64_t B = q0->sizes[0], T = q0->sizes[1], dh = D / H;
    if (B * T * D == 0) {
        pts_tensor *e = pts_tensor_empty(dt, 3, q0->sizes);
        if (!e)
            return pts_err_last();
        rets[0] = pts_ret_tensor(e);
        rets[1] = pts_none();
        return PTS_OK;
    }
    pts_status st = PTS_OK;
    pts_tensor *proj[3] = {NULL, NULL, NULL}, *qkv[3] = {NULL, NULL, NULL}, *ctx = NULL, *probs = NULL, *mk = NULL;
    pts_tensor *srcs[3] = {q0, k0, v0};
    /* projections, without bias (added by the head split, as torch's
     * _transform_bias_rescale_qkv does) */
    for (int i = 0; i < 3; i++) {
        pts_tensor *w = rows_of(m->qkv_weight, i * D, D);
        pts_tensor *p = w ? linear(srcs[i], w, NULL) : NULL;
        if (w)
            pts_obj_release(&w->hdr);
        if (!p || !(proj[i] = pts_nn_contig(p, cd))) {
            if (p)
                pts_obj_release(&p->hdr);
            goto fail;
        }
        pts_obj_release(&p->hdr);
        int64_t hs[4] = {B, H, T, dh};
        if (!(qkv[i] = pts_tensor_empty(cd, 4, hs)))
            goto fail;
        double mul = 1;
        if (i == 0)
            mul = cd == PTS_FLOAT32 ? (double)(float)(1.0 / sqrt((double)dh)) : 1.0 / sqrt((double)dh);
        split_heads(proj[i], D, 0, m->qkv_bias, i * D, B, T, H, dh, mul, qkv[i]);
    }
    int64_t cs[3] = {B, T, D};
    if (!(ctx = pts_tensor_empty(cd, 3, cs)))
        goto fail;
    if (m->need_weights) {
        int64_t ps[4] = {B, H, T, T};
        if (!(probs = pts_tensor_empty(cd, 4, ps)))
            goto fail;
    }
    attn_job j;
    memset(&j, 0, sizeof j);
    j.cd = cd;
    j.round_dt = -1;
    j.nbd = 2;
    j.bs[0] = B;
    j.bs[1] = H;
    j.nprob = B * H;
    j.L = j.S = T;
    j.E = j.Ev = dh;
    j.scale = 1;
    j.group = 1;
    j.q = pts_tensor_data(qkv[0]);
    j.k = pts_tensor_data(qkv[1]);
    j.v = pts_tensor_data(qkv[2]);
    j.qs[0] = j.ks[0] = j.vs[0] = H * T * dh;
    j.qs[1] = j.ks[1] = j.vs[1] = T * dh;
    j.qld = j.kld = j.vld = dh;
    j.masked_nan = true;
    j.klen = klen;
    j.klen_div = H;
    if (m->mask) {
        /* nonzero = masked out (torch converts a float mask to bool) */
        pts_tensor *mm = m->mask;
        if (mm->dtype != PTS_BOOL) {
            if (!(mk = pts_tensor_to_dtype(mm, PTS_BOOL)))
                goto fail;
            mm = mk;
        }
        j.mask_kind = MASK_OUT_BOOL;
        if (m->has_mask_type && m->mask_type == 1 && mm->ndim == 2) {
            if (mm->sizes[0] != B || mm->sizes[1] != T) {
                st = pts_err_set(PTS_ERR_VALUE, "%s: key padding mask must have shape [%lld, %lld]", op, (long long)B,
                                 (long long)T);
                goto done;
            }
            j.ms[0] = mm->strides[0];
            j.ms[1] = j.ms[2] = 0;
            j.ms[3] = mm->strides[1];
            j.mask = pts_tensor_data(mm);
            j.mask_dt = PTS_BOOL;
        } else if ((st = mask_strides(op, &j, mm))) {
            goto done;
        }
    }
    j.out = pts_tensor_data(ctx);
    j.oh = H;
    j.oouter = T * D;
    j.oinner = dh;
    j.old = D;
    j.probs = probs ? pts_tensor_data(probs) : NULL;
    if ((st = attn_run(&j)))
        goto done;
    pts_tensor *ctx_dt = pts_nn_cast(ctx, dt);
    ctx = NULL;
    if (!ctx_dt)
        goto fail;
    pts_tensor *out = linear(ctx_dt, m->proj_weight, m->proj_bias);
    pts_obj_release(&ctx_dt->hdr);
    if (!out)
        goto fail;
    pts_value w = pts_none();
    if (probs) {
        if (m->average) {
            int64_t as[3] = {B, T, T};
            pts_tensor *avg = pts_tensor_empty(cd, 3, as);
            if (!avg) {
                pts_obj_release(&out->hdr);
                goto fail;
            }
            for (int64_t b = 0; b < B; b++)
                for (int64_t i = 0; i < T * T; i++) {
                    if (cd == PTS_FLOAT64) {
                        double s = 0;
                        for (int64_t h = 0; h < H; h++)
                            s += pts_f64(probs)[(b * H + h) * T * T + i];
                        pts_f64(avg)[b * T * T + i] = s / (double)H;
                    } else {
                        float s = 0;
                        const float *pp = (const float *)pts_tensor_data(probs);
                        for (int64_t h = 0; h < H; h++)
                            s += pp[(b * H + h) * T * T + i];
                        ((float *)pts_tensor_data(avg))[b * T * T + i] = s / (float)H;
                    }
                }
            pts_obj_release(&probs->hdr);
            probs = avg;
        }
        pts_tensor *pc = pts_nn_cast(probs, dt);
        probs = NULL;
        if (!pc) {
            pts_obj_release(&out->hdr);
            goto fail;
        }
        w = pts_ret_tensor(pc);
    }
    rets[0] = pts_ret_tensor(out);
    rets[1] = w;
    goto done;
fail:
    st = pts_err_last();
done:
    for (int i = 0; i < 3; i++) {
        if (proj[i])
            pts_obj_release(&proj[i]->hdr);
        if (qkv[i])
            pts_obj_release(&qkv[i]->hdr);
    }
    if (ctx)
        pts_obj_release(&ctx->hdr);
    if (probs)
        pts_obj_release(&probs->hdr);
    if (mk)
        pts_obj_release(&mk->hdr);
    return st;
}

static const int64_t *nested_lengths(const pts_tensor *t)
{
    return t->nested_lengths ? (const int64_t *)pts_tensor_data(t->nested_lengths) : NULL;
}

static void zero_padding(pts_tensor *x, const int64_t *len);

/* Make the tensor in *v (a new [B, T, ...] result) nested with like's
 * lengths: contiguous, padded rows zeroed, nested_lengths shared. */
static pts_status nest_like(const pts_tensor *like, pts_value *v)
{
    pts_tensor *x = PTS_TENSOR(*v);
    if (!pts_tensor_is_contiguous(x) || x->nested_lengths) {
        pts_tensor *c = pts_tensor_contiguous_copy(x);
        if (!c)
            return pts_err_last();
        pts_value_clear(v);
        *v = pts_ret_tensor(c);
        x = c;
    }
    zero_padding(x, nested_lengths(like));
    pts_obj_retain(&like->nested_lengths->hdr);
    x->nested_lengths = like->nested_lengths;
    return PTS_OK;
}

PTS_KERNEL(k_native_multi_head_attention)
{
    mha_args m = {OPN, a->query, a->key, a->value, a->embed_dim, a->num_head, a->qkv_weight, a->qkv_bias,
                  a->proj_weight, a->proj_bias, a->mask, a->need_weights, a->average_attn_weights,
                  a->has_mask_type, a->mask_type};
    const int64_t *len = nested_lengths(a->query);
    PTS_TRY(mha_run(&m, len, rets));
    if (len && rets[0].tag == PTS_T_TENSOR) /* a nested query gives a nested output */
        return nest_like(a->query, &rets[0]);
    return PTS_OK;
}

/* _transform_bias_rescale_qkv: q = (q + bq) / sqrt(dh), k + bk, v + bv as [B, H, T, dh] */
PTS_KERNEL(k_transform_bias_rescale_qkv)
{
    pts_tensor *x = a->qkv;
    if (x->ndim != 3 || x->sizes[2] % 3 != 0 || a->num_heads <= 0 || (x->sizes[2] / 3) % a->num_heads != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected qkv of shape [B, T, 3 * D] with D divisible by num_heads", OPN);
    if (a->qkv_bias->ndim != 1 || a->qkv_bias->sizes[0] != x->sizes[2])
        return pts_err_set(PTS_ERR_VALUE, "%s: expected qkv_bias of shape [3 * D]", OPN);
    int dt = x->dtype, cd = pts_is_float(dt) ? pts_nn_compute_dtype(dt) : -1;
    if (cd < 0)
        return pts_not_implemented(OPN, dt);
    int64_t B = x->sizes[0], T = x->sizes[1], D = x->sizes[2] / 3, H = a->num_heads, dh = D / H;
    pts_tensor *src = pts_nn_contig(x, cd);
    if (!src)
        return pts_err_last();
    pts_tensor *outs[3] = {NULL, NULL, NULL};
    int64_t hs[4] = {B, H, T, dh};
    for (int i = 0; i < 3; i++) {
        if (!(outs[i] = pts_tensor_empty(cd, 4, hs)))
            break;
        double mul = 1;
        if (i == 0)
            mul = cd == PTS_FLOAT32 ? (double)(float)(1.0 / sqrt((double)dh)) : 1.0 / sqrt((double)dh);
        split_heads(src, 3 * D, i * D, a->qkv_bias, i * D, B, T, H, dh, mul, outs[i]);
        if (!(outs[i] = pts_nn_cast(outs[i], dt)))
            break;
    }
    pts_obj_release(&src->hdr);
    if (!outs[0] || !outs[1] || !outs[2]) {
        for (int i = 0; i < 3; i++)
            if (outs[i])
                pts_obj_release(&outs[i]->hdr);
        return pts_err_last();
    }
    for (int i = 0; i < 3; i++)
        rets[i] = pts_ret_tensor(outs[i]);
    return PTS_OK;
}

/* ---- the encoder-layer fast path ---------------------------------------------------------- */

static pts_tensor *layer_norm(pts_tensor *x, int64_t D, pts_tensor *w, pts_tensor *b, double eps)
{
    pts_list *shape = pts_list_new(pts_type_base(PTS_TY_INT), 1);
    if (!shape)
        return NULL;
    if (pts_list_append(shape, pts_int(D))) {
        pts_obj_release(&shape->hdr);
        return NULL;
    }
    pts_value args[6] = {tv(x), pts_obj_value(&shape->hdr), tv(w), tv(b), pts_float(eps), pts_bool(true)}, r;
    pts_status st = call_op("aten::layer_norm", args, &r);
    pts_obj_release(&shape->hdr);
    return st ? NULL : PTS_TENSOR(r);
}

/* x + y (new tensor) */
static pts_tensor *add(pts_tensor *x, pts_tensor *y)
{
    pts_value args[3] = {tv(x), tv(y), pts_int(1)}, r;
    return call_op("aten::add.Tensor", args, &r) ? NULL : PTS_TENSOR(r);
}

static pts_tensor *activation(pts_tensor *x, bool gelu)
{
    pts_value r;
    if (gelu) {
        pts_str *s = pts_str_new("none", 4);
        if (!s)
            return NULL;
        pts_value args[2] = {tv(x), pts_obj_value(&s->hdr)};
        pts_status st = call_op("aten::gelu", args, &r);
        pts_obj_release(&s->hdr);
        return st ? NULL : PTS_TENSOR(r);
    }
    pts_value args[1] = {tv(x)};
    return call_op("aten::relu", args, &r) ? NULL : PTS_TENSOR(r);
}

/* Replace x (released) by expr's result; on error go to fail. */
#define STEP(x, expr)                                                                                \
    do {                                                                                             \
        pts_tensor *next_ = (expr);                                                                  \
        pts_obj_release(&(x)->hdr);                                                                  \
        (x) = next_;                                                                                 \
        if (!(x))                                                                                    \
            goto fail;                                                                               \
    } while (0)

/* Zero the rows [len, T) of each batch entry of the padded nested tensor x (contiguous). */
static void zero_padding(pts_tensor *x, const int64_t *len)
{
    int64_t B = x->sizes[0], T = x->sizes[1], row = pts_tensor_numel(x) / (B * T != 0 ? B * T : 1);
    size_t isz = pts_dtype_get(x->dtype)->itemsize;
    for (int64_t b = 0; b < B; b++) {
        int64_t l = len[b] < T ? len[b] : T;
        memset((char *)pts_tensor_data(x) + (size_t)((b * T + l) * row) * isz, 0, (size_t)((T - l) * row) * isz);
    }
}

PTS_KERNEL(k_transformer_encoder_layer_fwd)
{
    pts_tensor *src = a->src;
    const int64_t *len = nested_lengths(src);
    if (pts_tensor_numel(src) == 0) {
        pts_tensor *c = pts_tensor_contiguous_copy(src);
        if (!c)
            return pts_err_last();
        rets[0] = pts_ret_tensor(c);
        return len ? nest_like(src, &rets[0]) : PTS_OK;
    }
    int64_t D = a->embed_dim;
    pts_tensor *x = src, *pre = NULL;
    pts_obj_retain(&x->hdr);
    if (a->norm_first)
        STEP(x, layer_norm(x, D, a->norm_weight_1, a->norm_bias_1, a->eps));
    mha_args m = {OPN, x, x, x, D, a->num_heads, a->qkv_weight, a->qkv_bias, a->proj_weight, a->proj_bias,
                  a->mask, false, true, a->has_mask_type, a->mask_type};
    pts_value r[2] = {pts_none(), pts_none()};
    pts_status st = mha_run(&m, len, r);
    pts_obj_release(&x->hdr);
    if (st)
        return st;
    x = PTS_TENSOR(r[0]);
    STEP(x, add(x, src));
    if (!a->norm_first)
        STEP(x, layer_norm(x, D, a->norm_weight_1, a->norm_bias_1, a->eps));
    pre = x;
    pts_obj_retain(&pre->hdr);
    if (a->norm_first)
        STEP(x, layer_norm(x, D, a->norm_weight_2, a->norm_bias_2, a->eps));
    STEP(x, linear(x, a->ffn_weight_1, a->ffn_bias_1));
    STEP(x, activation(x, a->use_gelu));
    STEP(x, linear(x, a->ffn_weight_2, a->ffn_bias_2));
    STEP(x, add(x, pre));
    pts_obj_release(&pre->hdr);
    pre = NULL;
    if (!a->norm_first)
        STEP(x, layer_norm(x, D, a->norm_weight_2, a->norm_bias_2, a->eps));
    rets[0] = pts_ret_tensor(x);
    if (len) /* a nested src gives a nested output (padded rows zero) */
        return nest_like(src, &rets[0]);
    return PTS_OK;
fail:
    if (pre)
        pts_obj_release(&pre->hdr);
    return pts_err_last();
}

/* ---- nested tensors ------------------------------------------------------------------------ */

/* Lengths (count of true) of the rows of a 2-D bool mask; *aligned: every
 * row is trues then falses. */
static pts_status mask_lengths(const char *op, const pts_tensor *t, const pts_tensor *m, pts_tensor **lens,
                               bool *aligned)
{
    if (m->ndim != 2 || m->dtype != PTS_BOOL)
        return pts_err_set(PTS_ERR_VALUE, "%s: expected a 2-D bool mask [batch, seq]", op);
    if (t->ndim < 2 || t->sizes[0] != m->sizes[0] || t->sizes[1] != m->sizes[1])
        return pts_err_set(PTS_ERR_VALUE, "%s: mask of shape [%lld, %lld] does not match the tensor's first two dims", op,
                           (long long)m->sizes[0], (long long)m->sizes[1]);
    int64_t B = m->sizes[0], S = m->sizes[1];
    if (lens && !(*lens = pts_tensor_empty(PTS_INT64, 1, &B)))
        return pts_err_last();
    *aligned = true;
    const uint8_t *mb = pts_tensor_data(m);
    for (int64_t b = 0; b < B; b++) {
        int64_t n = 0;
        bool seen_false = false;
        for (int64_t s = 0; s < S; s++) {
            bool v = mb[b * m->strides[0] + s * m->strides[1]] != 0;
            if (v) {
                n++;
                if (seen_false)
                    *aligned = false;
            } else {
                seen_false = true;
            }
        }
        if (lens)
            pts_i64(*lens)[b] = n;
    }
    return PTS_OK;
}

PTS_KERNEL(k_nested_tensor_from_mask_left_aligned)
{
    bool aligned;
    PTS_TRY(mask_lengths(OPN, a->t, a->mask, NULL, &aligned));
    rets[0] = pts_bool(aligned);
    return PTS_OK;
}

PTS_KERNEL(k_nested_tensor_from_mask)
{
    pts_tensor *lens = NULL;
    bool aligned;
    PTS_TRY(mask_lengths(OPN, a->t, a->mask, &lens, &aligned));
    if (a->mask_check && !aligned) {
        pts_obj_release(&lens->hdr);
        return pts_err_set(PTS_ERR_VALUE, "%s: Mask must be left-aligned without gaps", OPN);
    }
    pts_tensor *x = pts_tensor_contiguous_copy(a->t);
    if (!x) {
        pts_obj_release(&lens->hdr);
        return pts_err_last();
    }
    zero_padding(x, pts_i64(lens));
    x->nested_lengths = lens;
    rets[0] = pts_ret_tensor(x);
    return PTS_OK;
}

PTS_KERNEL(k_to_padded_tensor)
{
    pts_tensor *x = a->self;
    if (!x->nested_lengths)
        return pts_err_set(PTS_ERR_VALUE, "%s: to_padded_tensor: expected a nested tensor", OPN);
    const int64_t *len = nested_lengths(x);
    int64_t B = x->sizes[0], T = x->sizes[1], maxlen = 0;
    for (int64_t b = 0; b < B; b++)
        if (len[b] > maxlen)
            maxlen = len[b];
    int64_t sizes[PTS_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        sizes[i] = x->sizes[i];
    sizes[1] = maxlen;
    if (a->output_size.tag != PTS_T_NONE) {
        int64_t want[PTS_MAX_DIMS];
        int n = 0;
        PTS_TRY(pts_arg_int_list(a->output_size, want, PTS_MAX_DIMS, &n, 0, "output_size"));
        if (n != x->ndim)
            return pts_err_set(PTS_ERR_VALUE, "%s: Length of output_size does not match NestedTensor dims. Broadcasting is not supported.", OPN);
        for (int i = 0; i < n; i++) {
            if (want[i] < sizes[i])
                return pts_err_set(PTS_ERR_VALUE, "%s: Value in output_size is less than NestedTensor padded size. Truncation is not supported.", OPN);
            sizes[i] = want[i];
        }
    }
    pts_tensor *out = pts_tensor_empty(x->dtype, x->ndim, sizes);
    if (!out)
        return pts_err_last();
    int64_t n = pts_tensor_numel(out);
    size_t isz = pts_dtype_get(x->dtype)->itemsize;
    char *ob = pts_tensor_data(out);
    for (int64_t i = 0; i < n; i++)
        pts_store_f64(ob + (size_t)i * isz, x->dtype, a->padding);
    /* copy the valid part: out[b, t, inner...] = x[b, t, inner...] for t < len[b] */
    int64_t xi[PTS_MAX_DIMS];
    int64_t xn = pts_tensor_numel(x);
    memset(xi, 0, sizeof xi);
    const char *xb = pts_tensor_data(x);
    for (int64_t e = 0; e < xn; e++) {
        if (xi[1] < len[xi[0]] && xi[1] < T) {
            int64_t xo = 0, oo = 0;
            for (int d = 0; d < x->ndim; d++) {
                xo += xi[d] * x->strides[d];
                oo += xi[d] * out->strides[d];
            }
            memcpy(ob + (size_t)oo * isz, xb + (size_t)xo * isz, isz);
        }
        for (int d = x->ndim - 1; d >= 0; d--) {
            if (++xi[d] < x->sizes[d])
                break;
            xi[d] = 0;
        }
    }
    rets[0] = pts_ret_tensor(out);
    return PTS_OK;
}

const pts_op_def pts_ops_attention[] = {
    PTS_OP("aten::scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0., bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor", k_scaled_dot_product_attention),
    PTS_OP("aten::_scaled_dot_product_attention_math(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0., bool is_causal=False, Tensor? dropout_mask=None, *, float? scale=None, bool enable_gqa=False) -> (Tensor, Tensor)", k_sdpa_math),
    PTS_OP("aten::_scaled_dot_product_flash_attention_for_cpu(Tensor query, Tensor key, Tensor value, float dropout_p=0., bool is_causal=False, *, Tensor? attn_mask=None, float? scale=None) -> (Tensor output, Tensor logsumexp)", k_sdpa_flash_cpu),
    PTS_OP("aten::_safe_softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", k_safe_softmax),
    PTS_OP("aten::_masked_softmax(Tensor self, Tensor mask, int? dim=None, int? mask_type=None) -> Tensor", k_masked_softmax),
    PTS_OP("aten::_transform_bias_rescale_qkv(Tensor qkv, Tensor qkv_bias, int num_heads) -> (Tensor, Tensor, Tensor)", k_transform_bias_rescale_qkv),
    PTS_OP("aten::_native_multi_head_attention(Tensor query, Tensor key, Tensor value, int embed_dim, int num_head, Tensor qkv_weight, Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias, Tensor? mask=None, bool need_weights=True, bool average_attn_weights=True, int? mask_type=None) -> (Tensor, Tensor)", k_native_multi_head_attention),
    PTS_OP("aten::_transformer_encoder_layer_fwd(Tensor src, int embed_dim, int num_heads, Tensor qkv_weight, Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias, bool use_gelu, bool norm_first, float eps, Tensor norm_weight_1, Tensor norm_bias_1, Tensor norm_weight_2, Tensor norm_bias_2, Tensor ffn_weight_1, Tensor ffn_bias_1, Tensor ffn_weight_2, Tensor ffn_bias_2, Tensor? mask=None, int? mask_type=None) -> Tensor", k_transformer_encoder_layer_fwd),
    PTS_OP("aten::_nested_tensor_from_mask(Tensor t, Tensor mask, bool mask_check=True) -> Tensor", k_nested_tensor_from_mask),
    PTS_OP("aten::_nested_tensor_from_mask_left_aligned(Tensor t, Tensor mask) -> bool", k_nested_tensor_from_mask_left_aligned),
    PTS_OP("aten::to_padded_tensor(Tensor self, float padding, SymInt[]? output_size=None) -> Tensor", k_to_padded_tensor),
    {NULL, NULL},
};
