/* rnn.c - recurrent networks: aten::lstm, gru, rnn_tanh, rnn_relu over padded
 * sequences (.input) and packed ones (.data: the rows of all sequences at
 * step t, then those of step t+1, with batch_sizes[t] rows each, as
 * _pack_padded_sequence lays them out - nn/rnn_pack.c), and the one-step
 * cells lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell.  Also
 * aten::unsafe_chunk, which traced LSTMCell/GRUCell modules record.
 *
 * Semantics are ATen's (aten/src/ATen/native/RNN.cpp), CPU path:
 *   params   per layer, per direction: w_ih, w_hh[, b_ih, b_hh][, w_hr]
 *            (has_biases; w_hr when the LSTM has a projection, which the
 *            hidden states say: h0's last size != c0's)
 *   gates    LSTM i, f, g, o:  c' = f*c + i*g,  h' = o*tanh(c')  [h' = h' W_hr^T]
 *            GRU  r, z, n:     n = tanh(x_n + r*(h W_hn^T + b_hn)),
 *                              h' = (h - n)*z + n
 *            RNN:              h' = tanh / relu(x W_ih^T + b_ih + h W_hh^T + b_hh)
 *   layers   layer l > 0 reads layer l-1's output (both directions
 *            concatenated on the last dim); the reverse direction runs the
 *            steps backwards; hidden outputs are [layers * dirs, batch, *]
 *   packed   step t updates the first batch_sizes[t] rows of the state; the
 *            rows beyond keep the state of their sequence's last step
 *   dropout  applied between layers only when train and dropout != 0: it is
 *            random, so pyts refuses that case (inference runtime)
 *
 * Computation (in the input's dtype; float16 and bfloat16 in float32 with
 * every intermediate rounded back, as ATen's reduced-precision ops do): per
 * layer and direction one GEMM projects every step's input (x W_ih^T + b_ih
 * for all rows at once); per step one GEMM h W_hh^T + b_hh over the step's
 * rows, then a fused loop forms the gates and updates the state in place
 * (elementwise in the same order and precision as ATen's tensor ops,
 * transcendental functions in double rounded once).  torch runs float32
 * LSTMs without projection through oneDNN, and its GEMMs sum in their own
 * order: results agree to rounding, not bit for bit.
 *
 * Refused although torch computes them (accidents of ATen composing
 * linear/tanh/relu, never produced by nn.RNN): integer relu RNNs, and a 2-D
 * input to rnn_tanh/rnn_relu, which ATen broadcasts over the batch.
 */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"
#include "tensor/vmath.h"

typedef enum rnn_mode { RNN_LSTM, RNN_GRU, RNN_TANH, RNN_RELU } rnn_mode;

static int64_t gate_count(rnn_mode m) { return m == RNN_LSTM ? 4 : m == RNN_GRU ? 3 : 1; }

/* ---- one layer and direction ------------------------------------------------------------- */

/* Weights of one layer and direction: contiguous data of the compute dtype
 * (borrowed from tensors the caller holds); b_ih, b_hh, w_hr may be NULL. */
typedef struct rnn_dir {
    rnn_mode mode;
    bool f64;
    int rd; /* float16 / bfloat16 inputs (computed in float32): every intermediate rounded to it; -1 */
    int64_t in, H, Hout, GH; /* input size, hidden size, output (projected) size, gates * H */
    const void *w_ih, *w_hh, *b_ih, *b_hh, *w_hr;
} rnn_dir;

/* The steps of a sequence: step t has bs[t] rows starting at row off[t] of the input. */
typedef struct rnn_seq {
    int64_t steps, rows, bmax;
    const int64_t *bs, *off;
} rnn_seq;

/* The gate loop of one step over rows [b0, b1). */
typedef struct rnn_step_job {
    const rnn_dir *d;
    const void *xp; /* input gates of the step's rows [bt, GH] */
    void *gh;       /* hidden gates [bt, GH] */
    void *h;        /* state [bt, Hout], updated (unless the LSTM projects: then hfull) */
    void *c;        /* LSTM cell state [bt, H], updated */
    void *hfull;    /* LSTM with projection: o * tanh(c') [bt, H] */
} rnn_step_job;

static double sigm(double x) { return 1.0 / (1.0 + exp(-x)); }
static double relu(double x) { return x > 0 || isnan(x) ? x : 0.0; }

/* T is the storage and elementwise type: each ATen tensor op rounds its
 * result to T, and so does each assignment here; R(v) rounds further to
 * float16/bfloat16 for those inputs (ATen's reduced-precision ops compute
 * in float and round each result). */
#define DEFINE_STEP(T, SFX, R)                                                                           \
    static void step_##SFX(const rnn_step_job *j, int64_t b0, int64_t b1)                                \
    {                                                                                                    \
        const rnn_dir *d = j->d;                                                                         \
        int64_t H = d->H, GH = d->GH;                                                                    \
        for (int64_t b = b0; b < b1; b++) {                                                              \
            const T *x = (const T *)j->xp + b * GH;                                                      \
            T *g = (T *)j->gh + b * GH;                                                                  \
            if (d->mode == RNN_LSTM) {                                                                   \
                T *c = (T *)j->c + b * H;                                                                \
                T *out = j->hfull ? (T *)j->hfull + b * H : (T *)j->h + b * d->Hout;                    \
                for (int64_t k = 0; k < H; k++) {                                                        \
                    T gi = R(g[k] + x[k]), gf = R(g[H + k] + x[H + k]);                                  \
                    T gg = R(g[2 * H + k] + x[2 * H + k]), go = R(g[3 * H + k] + x[3 * H + k]);          \
                    T i = R((T)sigm(gi)), f = R((T)sigm(gf)), cg = R((T)tanh(gg)), o = R((T)sigm(go));   \
                    T fc = R(f * c[k]), ic = R(i * cg);                                                  \
                    T cy = R(fc + ic);                                                                   \
                    T th = R((T)tanh(cy));                                                               \
                    c[k] = cy;                                                                           \
                    out[k] = R(o * th);                                                                  \
                }                                                                                        \
            } else if (d->mode == RNN_GRU) {                                                             \
                T *h = (T *)j->h + b * H;                                                                \
                for (int64_t k = 0; k < H; k++) {                                                        \
                    T gr = R(g[k] + x[k]), gz = R(g[H + k] + x[H + k]);                                  \
                    T r = R((T)sigm(gr)), z = R((T)sigm(gz));                                            \
                    T hn = R(g[2 * H + k] * r);                                                          \
                    T pre = R(x[2 * H + k] + hn);                                                        \
                    T n = R((T)tanh(pre));                                                               \
                    T diff = R(h[k] - n);                                                                \
                    T dz = R(diff * z);                                                                  \
                    h[k] = R(dz + n);                                                                    \
                }                                                                                        \
            } else {                                                                                     \
                T *h = (T *)j->h + b * H;                                                                \
                bool th = d->mode == RNN_TANH;                                                           \
                for (int64_t k = 0; k < H; k++) {                                                        \
                    T pre = R(g[k] + x[k]);                                                              \
                    h[k] = R((T)(th ? tanh(pre) : relu(pre)));                                           \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    }

/* float32 gates, vectorized (tensor/vmath.h): sigmoid as 1 / (1 + exp(-x)) on pts_vexpf, tanh
 * as pts_vtanhf: within a few float ulp, as ATen's own vectorized float sigmoid / tanh are; the
 * per-element libm calls in double they replace dominated a batch-1 step. */
static inline float vsigmoidf(float x) { return 1.0f / (1.0f + pts_vexpf(-x)); }

static inline float vtanhf(float x) { return pts_vtanhf(x); }

/* The gate loops are kept small, one transcendental function each (two for the LSTM's last
 * one): GCC's if-conversion gives up on a loop body holding all five of the LSTM's, and the
 * loop then stays scalar (-fopt-info-vec: "control flow in loop"). */

/* g[k] = sigmoid(g[k] + x[k]) */
PTS_SIMD_CLONES static void sigmoid_add_f32(int64_t n, float *restrict g, const float *restrict x)
{
    for (int64_t k = 0; k < n; k++)
        g[k] = vsigmoidf(g[k] + x[k]);
}

/* g[k] = tanh(g[k] + x[k]) */
PTS_SIMD_CLONES static void tanh_add_f32(int64_t n, float *restrict g, const float *restrict x)
{
    for (int64_t k = 0; k < n; k++)
        g[k] = vtanhf(g[k] + x[k]);
}

/* c' = f*c + i*g, out = o*tanh(c') from the activated gates */
PTS_SIMD_CLONES static void lstm_cell_f32(int64_t H, const float *restrict i, const float *restrict f,
                                          const float *restrict cg, const float *restrict o, float *restrict c,
                                          float *restrict out)
{
    for (int64_t k = 0; k < H; k++) {
        float cy = f[k] * c[k] + i[k] * cg[k];
        c[k] = cy;
        out[k] = o[k] * vtanhf(cy);
    }
}

/* h' = (h - n)*z + n, n = tanh(x_n + r*g_n), from the activated r, z */
PTS_SIMD_CLONES static void gru_cell_f32(int64_t H, const float *restrict r, const float *restrict z,
                                         const float *restrict gn, const float *restrict xn, float *restrict h)
{
    for (int64_t k = 0; k < H; k++) {
        float n = vtanhf(xn[k] + gn[k] * r[k]);
        h[k] = (h[k] - n) * z[k] + n;
    }
}

/* The hidden gates g (scratch) are overwritten by the activated ones. */
static void step_f32_fast(const rnn_step_job *j, int64_t b0, int64_t b1)
{
    const rnn_dir *d = j->d;
    int64_t H = d->H, GH = d->GH;
    for (int64_t b = b0; b < b1; b++) {
        const float *x = (const float *)j->xp + b * GH;
        float *g = (float *)j->gh + b * GH;
        if (d->mode == RNN_LSTM) {
            sigmoid_add_f32(2 * H, g, x); /* i, f */
            tanh_add_f32(H, g + 2 * H, x + 2 * H);
            sigmoid_add_f32(H, g + 3 * H, x + 3 * H);
            lstm_cell_f32(H, g, g + H, g + 2 * H, g + 3 * H, (float *)j->c + b * H,
                          j->hfull ? (float *)j->hfull + b * H : (float *)j->h + b * d->Hout);
        } else if (d->mode == RNN_GRU) {
            sigmoid_add_f32(2 * H, g, x); /* r, z */
            gru_cell_f32(H, g, g + H, g + 2 * H, x + 2 * H, (float *)j->h + b * H);
        } else {
            tanh_add_f32(H, g, x);
            memcpy((float *)j->h + b * H, g, (size_t)H * sizeof(float));
        }
    }
}

#define ROUND_NONE(v) (v)
#define ROUND_REDUCED(v) pts_nn_round(d->rd, (v))
DEFINE_STEP(float, f32, ROUND_NONE)
DEFINE_STEP(double, f64, ROUND_NONE)
DEFINE_STEP(float, reduced, ROUND_REDUCED)

static void step_range(void *ctx, int64_t b0, int64_t b1)
{
    const rnn_step_job *j = ctx;
    if (j->d->f64)
        step_f64(j, b0, b1);
    else if (j->d->rd >= 0)
        step_reduced(j, b0, b1);
    else if (j->d->mode != RNN_RELU)
        step_f32_fast(j, b0, b1);
    else
        step_f32(j, b0, b1);
}

/* C[M, N] = A[M, K] B[N, K]^T (+ C when acc), all contiguous row-major; split
 * over the pool when par and the product is big (pts_gemm_par_* decides).  par must be
 * false inside a pool job: pts_gemm_par_* asks the pool its size, which waits for the job. */
static void gemm_nt(bool par, bool f64, int64_t M, int64_t N, int64_t K, const void *A, const void *B, bool acc, void *C)
{
    if (!par) {
        if (f64)
            pts_gemm_f64(false, true, M, N, K, 1.0, A, K, B, K, acc ? 1.0 : 0.0, C, N);
        else
            pts_gemm_f32(false, true, M, N, K, 1.0f, A, K, B, K, acc ? 1.0f : 0.0f, C, N);
    } else if (f64)
        pts_gemm_par_f64(false, true, M, N, K, 1.0, A, K, B, K, acc ? 1.0 : 0.0, C, N);
    else
        pts_gemm_par_f32(false, true, M, N, K, 1.0f, A, K, B, K, acc ? 1.0f : 0.0f, C, N);
}

/* Every one of the M rows of C[M, N] = bias (N values), as at::linear's addmm starts. */
static void fill_rows(bool f64, void *C, int64_t M, int64_t N, const void *bias)
{
    size_t es = f64 ? 8 : 4, row = (size_t)N * es;
    for (int64_t m = 0; m < M; m++)
        memcpy((char *)C + (size_t)m * row, bias, row);
}

/* n float32 values rounded to float16/bfloat16 (rd) in place, as a reduced-precision GEMM stores its result. */
static void round_buf(int rd, void *buf, int64_t n)
{
    float *f = buf;
    for (int64_t i = 0; i < n; i++)
        f[i] = pts_nn_round(rd, f[i]);
}

/* Scratch of one layer and direction: the input gates of every step [rows, GH], the hidden
 * gates of one step [bmax, GH] and, for an LSTM with projection, o * tanh(c') [bmax, H]
 * (else NULL).  Layers reuse it: every layer has the same rows, GH and H. */
typedef struct rnn_ws {
    void *xp, *gh, *hfull;
} rnn_ws;

/* Elements of the compute dtype one rnn_ws takes. */
static size_t ws_elems(const rnn_dir *d, const rnn_seq *s)
{
    return (size_t)s->rows * (size_t)d->GH + (size_t)s->bmax * (size_t)d->GH + (d->w_hr ? (size_t)s->bmax * (size_t)d->H : 0);
}

static void ws_carve(const rnn_dir *d, const rnn_seq *s, void *base, rnn_ws *w)
{
    size_t es = d->f64 ? 8 : 4, nxp = (size_t)s->rows * (size_t)d->GH, ngh = (size_t)s->bmax * (size_t)d->GH;
    w->xp = base;
    w->gh = (char *)base + nxp * es;
    w->hfull = d->w_hr ? (char *)base + (nxp + ngh) * es : NULL;
}

/* The input projection of every step at once: xp = X W_ih^T + b_ih, X [rows, in]
 * contiguous; one GEMM over the whole pool. */
static void project(const rnn_dir *d, const rnn_seq *s, const void *X, const rnn_ws *w)
{
    if (d->b_ih)
        fill_rows(d->f64, w->xp, s->rows, d->GH, d->b_ih);
    gemm_nt(true, d->f64, s->rows, d->GH, d->in, X, d->w_ih, d->b_ih != NULL, w->xp);
    if (d->rd >= 0)
        round_buf(d->rd, w->xp, s->rows * d->GH);
}

/* The recurrence of one layer and direction over the projected inputs in w->xp.
 * h [bmax, Hout] and (LSTM) c [bmax, H] hold the initial state and receive the final
 * one; step outputs go to columns [ycol, ycol + Hout) of Y [rows, ldy] when Y is not
 * NULL.  par: each step's GEMMs may be split over the pool; false inside a pool job
 * (directions in parallel), where the GEMMs and gate loops run on the calling thread. */
static void recur(const rnn_dir *d, const rnn_seq *s, bool reverse, void *h, void *c, void *Y, int64_t ldy, int64_t ycol,
                  const rnn_ws *w, bool par)
{
    size_t es = d->f64 ? 8 : 4;
    int64_t GH = d->GH;
    void *gh = w->gh, *hfull = w->hfull;
    for (int64_t k = 0; k < s->steps; k++) {
        int64_t t = reverse ? s->steps - 1 - k : k, bt = s->bs[t];
        if (bt <= 0)
            continue;
        /* h W_hh^T + b_hh over the step's rows */
        if (d->b_hh)
            fill_rows(d->f64, gh, bt, GH, d->b_hh);
        gemm_nt(par, d->f64, bt, GH, d->Hout, h, d->w_hh, d->b_hh != NULL, gh);
        if (d->rd >= 0)
            round_buf(d->rd, gh, bt * GH);
        rnn_step_job j = {d, (const char *)w->xp + (size_t)s->off[t] * (size_t)GH * es, gh, h, c, hfull};
        int64_t per = GH; /* work per row */
        pts_parallel_for(bt, per >= 8192 ? 1 : 8192 / per + 1, step_range, &j);
        if (hfull) { /* the projection h = o * tanh(c) W_hr^T */
            gemm_nt(par, d->f64, bt, d->Hout, d->H, hfull, d->w_hr, false, h);
            if (d->rd >= 0)
                round_buf(d->rd, h, bt * d->Hout);
        }
        if (Y) {
            size_t row = (size_t)d->Hout * es;
            for (int64_t b = 0; b < bt; b++)
                memcpy((char *)Y + ((size_t)(s->off[t] + b) * (size_t)ldy + (size_t)ycol) * es,
                       (const char *)h + (size_t)b * row, row);
        }
    }
}

/* Run one layer and direction over the sequence X [rows, in] (contiguous): project,
 * then recur (arguments as recur's). */
static pts_status run_dir(const rnn_dir *d, const rnn_seq *s, const void *X, bool reverse, void *h, void *c, void *Y,
                          int64_t ldy, int64_t ycol)
{
    size_t es = d->f64 ? 8 : 4, n = ws_elems(d, s) + 1;
    void *buf = pts_malloc(n * es);
    if (!buf)
        return pts_err_nomem("rnn gates", n * es);
    rnn_ws w;
    ws_carve(d, s, buf, &w);
    project(d, s, X, &w);
    recur(d, s, reverse, h, c, Y, ldy, ycol, &w, true);
    pts_free(buf);
    return PTS_OK;
}

/* The recurrences of one layer's directions [d0, d1): direction d's state is
 * h + d * hstride, c + d * cstride, its outputs columns [d * Hout, (d + 1) * Hout) of Y. */
typedef struct rnn_layer_job {
    const rnn_dir *dirs; /* the layer's D directions */
    const rnn_seq *s;
    const rnn_ws *ws;
    char *h, *c;
    size_t hstride, cstride; /* bytes */
    void *Y;
    int64_t ldy;
    bool par; /* false when the directions run in parallel (recur's par) */
} rnn_layer_job;

static void recur_dirs(void *ctx, int64_t d0, int64_t d1)
{
    const rnn_layer_job *j = ctx;
    for (int64_t d = d0; d < d1; d++)
        recur(&j->dirs[d], j->s, d == 1, j->h + (size_t)d * j->hstride, j->c ? j->c + (size_t)d * j->cstride : NULL, j->Y,
              j->ldy, d * j->dirs[d].Hout, &j->ws[d], j->par);
}

/* ---- argument checks ---------------------------------------------------------------------- */

/* The floating dtypes: float32 and float64 computed as such, float16 and
 * bfloat16 in float32 with each result rounded back (*cd: compute dtype). */
static pts_status check_dtype(const char *opn, int dt, int *cd)
{
    *cd = pts_nn_compute_dtype(dt);
    if (*cd >= 0)
        return PTS_OK;
    return pts_not_implemented(opn, dt);
}

static int reduced_of(int dt) { return dt == PTS_FLOAT16 || dt == PTS_BFLOAT16 ? dt : -1; }

static pts_status check_same_dtype(const char *opn, const char *what, const pts_tensor *t, int dt)
{
    if (t && t->dtype != dt)
        return pts_err_set(PTS_ERR_TYPE, "%s: %s has dtype %s but the input is %s (mat1 and mat2 must have the same dtype)",
                           opn, what, pts_dtype_torch_name(t->dtype), pts_dtype_torch_name(dt));
    return PTS_OK;
}

/* t must have exactly the sizes given (n dims). */
static pts_status check_shape(const char *opn, const char *what, const pts_tensor *t, int n, const int64_t *want)
{
    bool ok = t->ndim == n;
    for (int i = 0; ok && i < n; i++)
        ok = t->sizes[i] == want[i];
    if (ok)
        return PTS_OK;
    char got[96], exp[96];
    pts_shape_str(t->ndim, t->sizes, got, sizeof got);
    pts_shape_str(n, want, exp, sizeof exp);
    return pts_err_set(PTS_ERR_VALUE, "%s: %s has shape %s, expected %s", opn, what, got, exp);
}

/* Contiguous tensors held for a call (new references), released together. */
typedef struct held {
    pts_tensor **t;
    int n, cap;
} held;

static void held_release(held *h)
{
    for (int i = 0; i < h->n; i++)
        pts_obj_release(&h->t[i]->hdr);
    pts_free(h->t);
    h->t = NULL;
    h->n = h->cap = 0;
}

/* The data of t (dtype dt) made contiguous; the copy (or a new reference) is held. */
static pts_status held_data(held *h, pts_tensor *t, int dt, const void **data)
{
    if (!t) {
        *data = NULL;
        return PTS_OK;
    }
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        pts_tensor **nt = pts_malloc((size_t)cap * sizeof *nt);
        if (!nt)
            return pts_err_nomem("rnn weights", (size_t)cap * sizeof *nt);
        if (h->n)
            memcpy(nt, h->t, (size_t)h->n * sizeof *nt);
        pts_free(h->t);
        h->t = nt;
        h->cap = cap;
    }
    pts_tensor *c = pts_nn_contig(t, dt);
    if (!c)
        return pts_err_last();
    h->t[h->n++] = c;
    *data = pts_tensor_data(c);
    return PTS_OK;
}

/* ---- the sequence ops --------------------------------------------------------------------- */

typedef struct rnn_call {
    rnn_mode mode;
    pts_tensor *input;       /* .input: [T, B, I] ([B, T, I] when batch_first); .data: [N, I] */
    pts_tensor *batch_sizes; /* .data only */
    pts_tensor *hx, *cx;     /* cx: LSTM */
    pts_value params;
    bool has_biases, train, bidirectional, batch_first;
    int64_t num_layers;
    double dropout;
} rnn_call;

/* The Tensor[] argument v as (items, n). */
static pts_status tensor_items(const char *opn, const char *what, pts_value v, pts_value **items, int64_t *n)
{
    if (v.tag != PTS_T_LIST && v.tag != PTS_T_TUPLE)
        return pts_err_set(PTS_ERR_TYPE, "%s: %s must be a list of tensors", opn, what);
    *n = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
    *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
    for (int64_t i = 0; i < *n; i++)
        if ((*items)[i].tag != PTS_T_TENSOR)
            return pts_err_set(PTS_ERR_TYPE, "%s: %s[%lld] is not a tensor", opn, what, (long long)i);
    return PTS_OK;
}

static pts_status rnn_run(const char *opn, const rnn_call *a, pts_value *rets)
{
    rnn_mode mode = a->mode;
    bool packed = a->batch_sizes != NULL, lstm = mode == RNN_LSTM;
    pts_tensor *x0 = a->input;
    int dt = x0->dtype, cd = -1;
    PTS_TRY(check_dtype(opn, dt, &cd));
    bool f64 = cd == PTS_FLOAT64;
    size_t es = f64 ? 8 : 4;
    int64_t D = a->bidirectional ? 2 : 1, L = a->num_layers;
    if (L < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: num_layers must be at least 1, got %lld", opn, (long long)L);
    if (a->dropout != 0 && a->train && L > 1)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dropout between layers in training mode (train=True, dropout=%g) is "
                                                "random; pyts runs recurrent networks for inference only (call .eval() "
                                                "before exporting, or set dropout=0)", opn, a->dropout);

    /* the hidden states */
    pts_tensor *hx = a->hx, *cx = a->cx;
    if (hx->ndim != 3 || (cx && cx->ndim != 3))
        return pts_err_set(PTS_ERR_VALUE, "%s: the hidden states must be 3-D [num_layers * num_directions, batch, "
                                          "hidden_size], got %d-D", opn, hx->ndim != 3 ? hx->ndim : cx->ndim);
    if (hx->sizes[0] != L * D || (cx && cx->sizes[0] != L * D))
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected more hidden states in stacked_rnn (hidden states have %lld "
                                          "layers * directions, the network %lld)", opn,
                           (long long)(hx->sizes[0] != L * D ? hx->sizes[0] : cx->sizes[0]), (long long)(L * D));
    int64_t B = hx->sizes[1], Hout = hx->sizes[2], H = cx ? cx->sizes[2] : Hout;
    bool proj = lstm && H != Hout;
    if (cx && cx->sizes[1] != B)
        return pts_err_set(PTS_ERR_VALUE, "%s: h0 has batch size %lld but c0 %lld", opn, (long long)B, (long long)cx->sizes[1]);
    PTS_TRY(check_same_dtype(opn, "hx[0]", hx, dt));
    PTS_TRY(check_same_dtype(opn, "hx[1]", cx, dt));

    /* the sequence layout */
    int64_t T, I, rows;
    int64_t *bs = NULL, *off = NULL;
    if (!packed) {
        if (x0->ndim != 3)
            return pts_err_set(PTS_ERR_INDEX, "%s: expected a 3-D input [seq_len, batch, input_size]%s, got %d-D (the "
                                              "module adds the batch dim of an unbatched input)", opn,
                               a->batch_first ? " with batch_first: [batch, seq_len, input_size]" : "", x0->ndim);
        T = x0->sizes[a->batch_first ? 1 : 0];
        int64_t xb = x0->sizes[a->batch_first ? 0 : 1];
        I = x0->sizes[2];
        if (T == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected sequence length to be larger than 0 in RNN", opn);
        if (xb != B)
            return pts_err_set(PTS_ERR_VALUE, "%s: input batch size %lld doesn't match the hidden state's batch size %lld",
                               opn, (long long)xb, (long long)B);
        rows = T * B;
    } else {
        pts_tensor *bst = a->batch_sizes;
        if (bst->ndim != 1 || bst->dtype != PTS_INT64)
            return pts_err_set(PTS_ERR_TYPE, "%s: batch_sizes must be a 1-D int64 tensor, got %d-D %s", opn, bst->ndim,
                               pts_dtype_torch_name(bst->dtype));
        if (x0->ndim != 2)
            return pts_err_set(PTS_ERR_VALUE, "%s: expected packed data of 2 dims [sum(batch_sizes), input_size], got %d-D",
                               opn, x0->ndim);
        T = bst->sizes[0];
        I = x0->sizes[1];
        if (T == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: expected a non-empty batch_sizes", opn);
        rows = 0;
    }
    bs = pts_malloc((size_t)(2 * T) * sizeof *bs);
    if (!bs)
        return pts_err_nomem("rnn steps", (size_t)(2 * T) * sizeof *bs);
    off = bs + T;
    if (!packed) {
        for (int64_t t = 0; t < T; t++) {
            bs[t] = B;
            off[t] = t * B;
        }
    } else {
        pts_tensor *bst = a->batch_sizes;
        const char *p = pts_tensor_data(bst);
        for (int64_t t = 0; t < T; t++) {
            int64_t v = *(const int64_t *)(p + t * bst->strides[0] * 8);
            int64_t prev = t ? bs[t - 1] : B;
            if (v < 1 || v > prev || (t == 0 && v != B)) {
                pts_free(bs);
                return pts_err_set(PTS_ERR_VALUE, "%s: batch_sizes must start at the hidden state's batch size (%lld) and "
                                                  "not increase, all >= 1; got %lld at step %lld", opn, (long long)B,
                                   (long long)v, (long long)t);
            }
            bs[t] = v;
            off[t] = rows;
            rows += v;
        }
        if (x0->sizes[0] != rows) {
            pts_free(bs);
            return pts_err_set(PTS_ERR_VALUE, "%s: packed data has %lld rows but batch_sizes sum to %lld", opn,
                               (long long)x0->sizes[0], (long long)rows);
        }
    }
    rnn_seq seq = {T, rows, B, bs, off};

    /* the parameters */
    pts_value *items = NULL;
    int64_t np = 0;
    pts_status st = tensor_items(opn, "params", a->params, &items, &np);
    int64_t per = (a->has_biases ? 4 : 2) + (proj ? 1 : 0), G = gate_count(mode), GH = G * H;
    if (!st && np % per != 0)
        st = pts_err_set(PTS_ERR_VALUE, "%s: got an incorrect number of RNN parameters", opn);
    if (!st && a->bidirectional && (np / per) % 2 != 0)
        st = pts_err_set(PTS_ERR_VALUE, "%s: Odd number of params or hiddens given to a bidirectional RNN", opn);
    if (!st && np / per != L * D)
        st = pts_err_set(PTS_ERR_VALUE, "%s: Expected more weights in stacked_rnn (%lld parameter groups for %lld layers "
                                        "* directions)", opn, (long long)(np / per), (long long)(L * D));
    if (!st && !pts_blas_fits(rows, GH, I, D * Hout))
        st = pts_err_set(PTS_ERR_VALUE, "%s: sizes too large for BLAS", opn);
    if (st) {
        pts_free(bs);
        return st;
    }

    held hd = {0};
    rnn_dir *dirs = pts_calloc((size_t)(L * D), sizeof *dirs);
    pts_tensor *hy = NULL, *cy = NULL, *X = NULL, *Y = NULL, *Yprev = NULL;
    void *wsbuf = NULL;
    if (!dirs) {
        st = pts_err_nomem("rnn layers", (size_t)(L * D) * sizeof *dirs);
        goto done;
    }
    for (int64_t l = 0; l < L && !st; l++) {
        for (int64_t d = 0; d < D && !st; d++) {
            pts_value *g = items + (l * D + d) * per;
            pts_tensor *w_ih = PTS_TENSOR(g[0]), *w_hh = PTS_TENSOR(g[1]);
            pts_tensor *b_ih = a->has_biases ? PTS_TENSOR(g[2]) : NULL, *b_hh = a->has_biases ? PTS_TENSOR(g[3]) : NULL;
            pts_tensor *w_hr = proj ? PTS_TENSOR(g[per - 1]) : NULL;
            int64_t in = l == 0 ? I : D * Hout;
            char what[48];
            const char *sfx = d ? "_reverse" : "";
            int64_t s_ih[2] = {GH, in}, s_hh[2] = {GH, Hout}, s_b[1] = {GH}, s_hr[2] = {Hout, H};
            snprintf(what, sizeof what, "weight_ih_l%lld%s", (long long)l, sfx);
            st = check_shape(opn, what, w_ih, 2, s_ih);
            if (!st)
                st = check_same_dtype(opn, what, w_ih, dt);
            snprintf(what, sizeof what, "weight_hh_l%lld%s", (long long)l, sfx);
            if (!st)
                st = check_shape(opn, what, w_hh, 2, s_hh);
            if (!st)
                st = check_same_dtype(opn, what, w_hh, dt);
            if (!st && b_ih) {
                snprintf(what, sizeof what, "bias_ih_l%lld%s", (long long)l, sfx);
                st = check_shape(opn, what, b_ih, 1, s_b);
                if (!st)
                    st = check_same_dtype(opn, what, b_ih, dt);
                snprintf(what, sizeof what, "bias_hh_l%lld%s", (long long)l, sfx);
                if (!st)
                    st = check_shape(opn, what, b_hh, 1, s_b);
                if (!st)
                    st = check_same_dtype(opn, what, b_hh, dt);
            }
            if (!st && w_hr) {
                snprintf(what, sizeof what, "weight_hr_l%lld%s", (long long)l, sfx);
                st = check_shape(opn, what, w_hr, 2, s_hr);
                if (!st)
                    st = check_same_dtype(opn, what, w_hr, dt);
            }
            rnn_dir *rd = &dirs[l * D + d];
            rd->mode = mode;
            rd->f64 = f64;
            rd->rd = reduced_of(dt);
            rd->in = in;
            rd->H = H;
            rd->Hout = Hout;
            rd->GH = GH;
            if (!st)
                st = held_data(&hd, w_ih, cd, &rd->w_ih);
            if (!st)
                st = held_data(&hd, w_hh, cd, &rd->w_hh);
            if (!st)
                st = held_data(&hd, b_ih, cd, &rd->b_ih);
            if (!st)
                st = held_data(&hd, b_hh, cd, &rd->b_hh);
            if (!st)
                st = held_data(&hd, w_hr, cd, &rd->w_hr);
        }
    }
    if (st)
        goto done;

    /* the states: hy, cy start as copies of h0, c0 and are updated in place */
    if (!(hy = pts_tensor_to_dtype(hx, cd)) || (cx && !(cy = pts_tensor_to_dtype(cx, cd)))) {
        st = pts_err_last();
        goto done;
    }
    /* layer 0's input, [rows, I] contiguous (time-major for padded input) */
    if (!packed && a->batch_first) {
        int64_t sz[3] = {T, B, I}, sd[3] = {x0->strides[1], x0->strides[0], x0->strides[2]};
        pts_tensor *v = pts_tensor_view_of(x0->storage, dt, 3, sz, sd, x0->offset);
        X = v ? pts_nn_contig(v, cd) : NULL;
        if (v)
            pts_obj_release(&v->hdr);
    } else {
        X = pts_nn_contig(x0, cd);
    }
    if (!X) {
        st = pts_err_last();
        goto done;
    }
    /* the scratch of each direction, reused by every layer */
    size_t wsn = ws_elems(&dirs[0], &seq);
    wsbuf = pts_malloc((size_t)D * wsn * es + es);
    if (!wsbuf) {
        st = pts_err_nomem("rnn gates", (size_t)D * wsn * es + es);
        goto done;
    }
    rnn_ws ws[2];
    for (int64_t d = 0; d < D; d++)
        ws_carve(&dirs[d], &seq, (char *)wsbuf + (size_t)d * wsn * es, &ws[d]);
    /* Two directions with 2 threads run one per thread, each its own serial sequence of
     * per-step GEMMs (GEMVs at batch 1) and gate loops: splitting every step's small product
     * over the pool instead costs a thread handoff per step, more than it saves.  With more
     * threads the directions still run in parallel while a step's product is small; a big
     * one (large batch) is split over the pool step by step. */
    int nt = pts_get_num_threads();
    bool par_dirs = D == 2 && nt >= 2 && (nt == 2 || (double)B * (double)GH * (double)Hout <= 4.0e6);
    const void *layer_in = pts_tensor_data(X);
    for (int64_t l = 0; l < L && !st; l++) {
        int64_t ysz[3] = {T, B, D * Hout}, psz[2] = {rows, D * Hout};
        Y = packed ? pts_tensor_empty(cd, 2, psz) : pts_tensor_empty(cd, 3, ysz);
        if (!Y) {
            st = pts_err_last();
            break;
        }
        const rnn_dir *ld = &dirs[l * D];
        for (int64_t d = 0; d < D; d++) /* each one GEMM over all steps, split over the pool */
            project(&ld[d], &seq, layer_in, &ws[d]);
        size_t k = (size_t)(l * D);
        rnn_layer_job job = {ld, &seq, ws, (char *)pts_tensor_data(hy) + k * (size_t)(B * Hout) * es,
                             cy ? (char *)pts_tensor_data(cy) + k * (size_t)(B * H) * es : NULL, (size_t)(B * Hout) * es,
                             (size_t)(B * H) * es, pts_tensor_data(Y), D * Hout, !par_dirs};
        if (par_dirs)
            pts_parallel_for(D, 1, recur_dirs, &job);
        else
            recur_dirs(&job, 0, D);
        if (Yprev)
            pts_obj_release(&Yprev->hdr);
        Yprev = Y;
        Y = NULL;
        layer_in = pts_tensor_data(Yprev);
    }
    if (st)
        goto done;
    if (cd != dt) { /* back to float16/bfloat16 (the values are representable: exact) */
        Yprev = pts_nn_cast(Yprev, dt);
        hy = pts_nn_cast(hy, dt);
        cy = cy ? pts_nn_cast(cy, dt) : NULL;
        if (!Yprev || !hy || (cx && !cy)) {
            st = pts_err_last();
            goto done;
        }
    }
    if (!packed && a->batch_first) { /* torch returns the time-major result transposed: a view */
        int64_t sz[3] = {B, T, D * Hout}, sd[3] = {D * Hout, B * D * Hout, 1};
        Y = pts_tensor_view_of(Yprev->storage, dt, 3, sz, sd, 0);
        if (!Y) {
            st = pts_err_last();
            goto done;
        }
    } else {
        Y = Yprev;
        Yprev = NULL;
    }
    rets[0] = pts_ret_tensor(Y);
    rets[1] = pts_ret_tensor(hy);
    Y = hy = NULL;
    if (cy) {
        rets[2] = pts_ret_tensor(cy);
        cy = NULL;
    }
done:
    if (Y)
        pts_obj_release(&Y->hdr);
    if (Yprev)
        pts_obj_release(&Yprev->hdr);
    if (X)
        pts_obj_release(&X->hdr);
    if (hy)
        pts_obj_release(&hy->hdr);
    if (cy)
        pts_obj_release(&cy->hdr);
    held_release(&hd);
    pts_free(wsbuf);
    pts_free(dirs);
    pts_free(bs);
    return st;
}

/* LSTM's hx argument: the list [h0, c0]. */
static pts_status lstm_states(const char *opn, pts_value hx, pts_tensor **h, pts_tensor **c)
{
    pts_value *items = NULL;
    int64_t n = 0;
    PTS_TRY(tensor_items(opn, "hx", hx, &items, &n));
    if (n != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: lstm expects two hidden states", opn);
    *h = PTS_TENSOR(items[0]);
    *c = PTS_TENSOR(items[1]);
    return PTS_OK;
}

PTS_KERNEL(k_lstm_input)
{
    rnn_call c = {RNN_LSTM, a->input, NULL, NULL, NULL, a->params, a->has_biases, a->train, a->bidirectional,
                  a->batch_first, a->num_layers, a->dropout};
    PTS_TRY(lstm_states(OPN, a->hx, &c.hx, &c.cx));
    return rnn_run(OPN, &c, rets);
}

PTS_KERNEL(k_lstm_data)
{
    rnn_call c = {RNN_LSTM, a->data, a->batch_sizes, NULL, NULL, a->params, a->has_biases, a->train, a->bidirectional,
                  false, a->num_layers, a->dropout};
    PTS_TRY(lstm_states(OPN, a->hx, &c.hx, &c.cx));
    return rnn_run(OPN, &c, rets);
}

/* The one-hidden-state networks: .input and .data share rnn_run. */
static pts_status one_hidden(const pts_op *op, rnn_mode mode, pts_tensor *input, pts_tensor *batch_sizes, pts_tensor *hx,
                             pts_value params, bool has_biases, int64_t num_layers, double dropout, bool train,
                             bool bidirectional, bool batch_first, pts_value *rets)
{
    rnn_call c = {mode, input, batch_sizes, hx, NULL, params, has_biases, train, bidirectional, batch_first,
                  num_layers, dropout};
    return rnn_run(OPN, &c, rets);
}

PTS_KERNEL(k_gru_input)
{
    return one_hidden(op, RNN_GRU, a->input, NULL, a->hx, a->params, a->has_biases, a->num_layers, a->dropout, a->train,
                      a->bidirectional, a->batch_first, rets);
}

PTS_KERNEL(k_gru_data)
{
    return one_hidden(op, RNN_GRU, a->data, a->batch_sizes, a->hx, a->params, a->has_biases, a->num_layers, a->dropout,
                      a->train, a->bidirectional, false, rets);
}

PTS_KERNEL(k_rnn_tanh_input)
{
    return one_hidden(op, RNN_TANH, a->input, NULL, a->hx, a->params, a->has_biases, a->num_layers, a->dropout, a->train,
                      a->bidirectional, a->batch_first, rets);
}

PTS_KERNEL(k_rnn_tanh_data)
{
    return one_hidden(op, RNN_TANH, a->data, a->batch_sizes, a->hx, a->params, a->has_biases, a->num_layers, a->dropout,
                      a->train, a->bidirectional, false, rets);
}

PTS_KERNEL(k_rnn_relu_input)
{
    return one_hidden(op, RNN_RELU, a->input, NULL, a->hx, a->params, a->has_biases, a->num_layers, a->dropout, a->train,
                      a->bidirectional, a->batch_first, rets);
}

PTS_KERNEL(k_rnn_relu_data)
{
    return one_hidden(op, RNN_RELU, a->data, a->batch_sizes, a->hx, a->params, a->has_biases, a->num_layers, a->dropout,
                      a->train, a->bidirectional, false, rets);
}

/* ---- the cells ---------------------------------------------------------------------------- */

/* One step of a cell: input [B, I], hx [B, H] (and cx [B, H] for the LSTM);
 * w_ih [G*H, I], w_hh [G*H, H], biases [G*H] or NULL.  rets[0] = h' (and
 * rets[1] = c'). Checks in ATen's order and words. */
static pts_status cell_run(const char *opn, rnn_mode mode, pts_tensor *input, pts_tensor *hx, pts_tensor *cx,
                           pts_tensor *w_ih, pts_tensor *w_hh, pts_tensor *b_ih, pts_tensor *b_hh, pts_value *rets)
{
    int dt = input->dtype;
    int64_t G = gate_count(mode);
    if (w_hh->ndim != 2 || w_ih->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: the weights must be 2-D, got weight_ih %d-D and weight_hh %d-D", opn,
                           w_ih->ndim, w_hh->ndim);
    if (input->ndim != 2)
        return pts_err_set(PTS_ERR_INDEX, "%s: expected a 2-D input [batch, input_size], got %d-D (the module adds the "
                                          "batch dim of an unbatched input)", opn, input->ndim);
    int64_t H = w_hh->sizes[1], B = input->sizes[0], I = w_ih->sizes[1];
    if (input->sizes[1] != I)
        return pts_err_set(PTS_ERR_VALUE, "%s: input has inconsistent input_size: got %lld expected %lld", opn,
                           (long long)input->sizes[1], (long long)I);
    if (w_ih->sizes[0] != G * H)
        return pts_err_set(PTS_ERR_VALUE, "%s: weight_ih first dim must be %lld * hidden_size = %lld, but got %lld", opn,
                           (long long)G, (long long)(G * H), (long long)w_ih->sizes[0]);
    if (w_hh->sizes[0] != G * H)
        return pts_err_set(PTS_ERR_VALUE, "%s: weight_hh first dim must be %lld * hidden_size = %lld, but got %lld", opn,
                           (long long)G, (long long)(G * H), (long long)w_hh->sizes[0]);
    pts_tensor *hs[2] = {hx, cx};
    for (int k = 0; k < 2 && hs[k]; k++) {
        if (hs[k]->ndim != 2)
            return pts_err_set(PTS_ERR_INDEX, "%s: hidden%d must be 2-D [batch, hidden_size], got %d-D", opn, k, hs[k]->ndim);
        if (hs[k]->sizes[0] != B)
            return pts_err_set(PTS_ERR_VALUE, "%s: Input batch size %lld doesn't match hidden%d batch size %lld", opn,
                               (long long)B, k, (long long)hs[k]->sizes[0]);
        if (hs[k]->sizes[1] != H)
            return pts_err_set(PTS_ERR_VALUE, "%s: hidden%d has inconsistent hidden_size: got %lld, expected %lld", opn, k,
                               (long long)hs[k]->sizes[1], (long long)H);
    }
    int64_t s_b[1] = {G * H};
    if (b_ih)
        PTS_TRY(check_shape(opn, "b_ih", b_ih, 1, s_b));
    if (b_hh)
        PTS_TRY(check_shape(opn, "b_hh", b_hh, 1, s_b));
    int cd = -1;
    PTS_TRY(check_dtype(opn, dt, &cd));
    PTS_TRY(check_same_dtype(opn, "hx", hx, dt));
    PTS_TRY(check_same_dtype(opn, "cx", cx, dt));
    PTS_TRY(check_same_dtype(opn, "w_ih", w_ih, dt));
    PTS_TRY(check_same_dtype(opn, "w_hh", w_hh, dt));
    PTS_TRY(check_same_dtype(opn, "b_ih", b_ih, dt));
    PTS_TRY(check_same_dtype(opn, "b_hh", b_hh, dt));
    if (!pts_blas_fits(B, G * H, I, H))
        return pts_err_set(PTS_ERR_VALUE, "%s: sizes too large for BLAS", opn);

    rnn_dir d = {mode, cd == PTS_FLOAT64, reduced_of(dt), I, H, H, G * H, NULL, NULL, NULL, NULL, NULL};
    int64_t step_bs = B, step_off = 0;
    rnn_seq seq = {1, B, B, &step_bs, &step_off};
    held hd = {0};
    pts_tensor *h = NULL, *c = NULL;
    const void *X = NULL;
    pts_status st = held_data(&hd, input, cd, &X);
    if (!st)
        st = held_data(&hd, w_ih, cd, &d.w_ih);
    if (!st)
        st = held_data(&hd, w_hh, cd, &d.w_hh);
    if (!st)
        st = held_data(&hd, b_ih, cd, &d.b_ih);
    if (!st)
        st = held_data(&hd, b_hh, cd, &d.b_hh);
    if (!st && (!(h = pts_tensor_to_dtype(hx, cd)) || (cx && !(c = pts_tensor_to_dtype(cx, cd)))))
        st = pts_err_last();
    if (!st)
        st = run_dir(&d, &seq, X, false, pts_tensor_data(h), c ? pts_tensor_data(c) : NULL, NULL, 0, 0);
    if (!st && cd != dt) { /* back to float16/bfloat16: exact */
        h = pts_nn_cast(h, dt);
        c = c ? pts_nn_cast(c, dt) : NULL;
        if (!h || (cx && !c))
            st = pts_err_last();
    }
    held_release(&hd);
    if (st) {
        if (h)
            pts_obj_release(&h->hdr);
        if (c)
            pts_obj_release(&c->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(h);
    if (c)
        rets[1] = pts_ret_tensor(c);
    return PTS_OK;
}

PTS_KERNEL(k_lstm_cell)
{
    pts_tensor *h = NULL, *c = NULL;
    pts_value *items = NULL;
    int64_t n = 0;
    PTS_TRY(tensor_items(OPN, "hx", a->hx, &items, &n));
    if (n != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: lstm_cell expects two hidden states", OPN);
    h = PTS_TENSOR(items[0]);
    c = PTS_TENSOR(items[1]);
    return cell_run(OPN, RNN_LSTM, a->input, h, c, a->w_ih, a->w_hh, a->b_ih, a->b_hh, rets);
}

PTS_KERNEL(k_gru_cell) { return cell_run(OPN, RNN_GRU, a->input, a->hx, NULL, a->w_ih, a->w_hh, a->b_ih, a->b_hh, rets); }

PTS_KERNEL(k_rnn_tanh_cell)
{
    return cell_run(OPN, RNN_TANH, a->input, a->hx, NULL, a->w_ih, a->w_hh, a->b_ih, a->b_hh, rets);
}

PTS_KERNEL(k_rnn_relu_cell)
{
    return cell_run(OPN, RNN_RELU, a->input, a->hx, NULL, a->w_ih, a->w_hh, a->b_ih, a->b_hh, rets);
}

/* ---- unsafe_chunk ------------------------------------------------------------------------- */

/* chunk's views (torch's unsafe_ variant differs only in autograd's version
 * counters): traced LSTMCell / GRUCell split their gates with it. */
PTS_KERNEL(k_unsafe_chunk)
{
    pts_tensor *t = a->self;
    if (a->chunks <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: chunk expects `chunks` to be greater than 0, got: %lld", OPN,
                           (long long)a->chunks);
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: chunk expects at least a 1-dimensional tensor", OPN);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int64_t size = t->sizes[d], split = (size + a->chunks - 1) / a->chunks;
    /* chunks of `split` (the last one shorter); an empty dim gives `chunks` empty pieces */
    int64_t n = split == 0 ? a->chunks : (size + split - 1) / split;
    pts_list *l = pts_tensor_list_new(n);
    if (!l)
        return pts_err_last();
    for (int64_t i = 0; i < n; i++) {
        int64_t sz[PTS_MAX_DIMS];
        memcpy(sz, t->sizes, sizeof sz);
        sz[d] = split == 0 ? 0 : (i == n - 1 ? size - split * i : split);
        pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, t->ndim, sz, t->strides,
                                           t->offset + (split == 0 ? 0 : i * split * t->strides[d]));
        pts_status st = v ? pts_list_append(l, pts_ret_tensor(v)) : pts_err_last();
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    rets[0] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

const pts_op_def pts_ops_rnn[] = {
    PTS_OP("aten::lstm.input(Tensor input, Tensor[] hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first) -> (Tensor, Tensor, Tensor)", k_lstm_input),
    PTS_OP("aten::lstm.data(Tensor data, Tensor batch_sizes, Tensor[] hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional) -> (Tensor, Tensor, Tensor)", k_lstm_data),
    PTS_OP("aten::gru.input(Tensor input, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first) -> (Tensor, Tensor)", k_gru_input),
    PTS_OP("aten::gru.data(Tensor data, Tensor batch_sizes, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional) -> (Tensor, Tensor)", k_gru_data),
    PTS_OP("aten::rnn_tanh.input(Tensor input, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first) -> (Tensor, Tensor)", k_rnn_tanh_input),
    PTS_OP("aten::rnn_tanh.data(Tensor data, Tensor batch_sizes, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional) -> (Tensor, Tensor)", k_rnn_tanh_data),
    PTS_OP("aten::rnn_relu.input(Tensor input, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional, bool batch_first) -> (Tensor, Tensor)", k_rnn_relu_input),
    PTS_OP("aten::rnn_relu.data(Tensor data, Tensor batch_sizes, Tensor hx, Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional) -> (Tensor, Tensor)", k_rnn_relu_data),
    PTS_OP("aten::lstm_cell(Tensor input, Tensor[] hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None) -> (Tensor, Tensor)", k_lstm_cell),
    PTS_OP("aten::gru_cell(Tensor input, Tensor hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None) -> Tensor", k_gru_cell),
    PTS_OP("aten::rnn_tanh_cell(Tensor input, Tensor hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None) -> Tensor", k_rnn_tanh_cell),
    PTS_OP("aten::rnn_relu_cell(Tensor input, Tensor hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None) -> Tensor", k_rnn_relu_cell),
    PTS_OP("aten::unsafe_chunk(Tensor self, int chunks, int dim=0) -> Tensor[]", k_unsafe_chunk),
    {NULL, NULL},
};
