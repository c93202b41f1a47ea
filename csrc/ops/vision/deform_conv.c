/* deform_conv.c - torchvision::deform_conv2d (forward): a 2-D convolution
 * whose kernel taps are moved by learned offsets (and, with use_mask,
 * scaled by a modulation mask: deformable convolution v2).
 *
 * As torchvision's CPU kernel: for output (b, y, x) and tap (i, j) of input
 * channel c (offset group og = c / (C / offset_groups)), the sample point is
 *     py = y * stride_h - pad_h + i * dilation_h + offset[b, og, 2 (i kw + j)]
 *     px = x * stride_w - pad_w + j * dilation_w + offset[b, og, 2 (i kw + j) + 1]
 * read bilinearly (points at or beyond -1 / size read 0; corners outside the
 * image count 0), times mask[b, og, i kw + j] when use_mask.  These column
 * values are computed in the input's dtype exactly as torchvision's im2col
 * does; the weight products are then summed in double (torchvision uses a
 * BLAS GEMM, whose summation order is its own), rounded once, and the bias is
 * added in the input's dtype.  Weight groups split input and output channels
 * as a grouped convolution does.
 */
#include <math.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"

#define DEFINE_DEFORM(T)                                                                              \
    static T dc_bilinear_##T(const T *in, int64_t H, int64_t W, T h, T w)                            \
    {                                                                                                 \
        if (h <= -1 || H <= h || w <= -1 || W <= w)                                                   \
            return 0;                                                                                 \
        if (h != h || w != w) /* NaN: torchvision's weights are NaN too */                            \
            return h + w;                                                                             \
        int64_t hl = (int64_t)floor(h), wl = (int64_t)floor(w), hh = hl + 1, wh = wl + 1;             \
        T lh = h - hl, lw = w - wl;                                                                   \
        T ih = 1 - lh, iw = 1 - lw;                                                                   \
        T v1 = (hl >= 0 && wl >= 0) ? in[hl * W + wl] : 0;                                            \
        T v2 = (hl >= 0 && wh <= W - 1) ? in[hl * W + wh] : 0;                                        \
        T v3 = (hh <= H - 1 && wl >= 0) ? in[hh * W + wl] : 0;                                        \
        T v4 = (hh <= H - 1 && wh <= W - 1) ? in[hh * W + wh] : 0;                                    \
        T w1 = ih * iw, w2 = ih * lw, w3 = lh * iw, w4 = lh * lw;                                     \
        return w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;                                                 \
    }                                                                                                 \
                                                                                                      \
    /* columns [C * kh * kw][oh * ow] of image b */                                                   \
    static void dc_im2col_##T(const dc_geom *g, int64_t b, const T *in, const T *off, const T *mask,  \
                              T *col)                                                                 \
    {                                                                                                 \
        int64_t P = g->oh * g->ow, cpg = g->C / g->og;                                                \
        for (int64_t c = 0; c < g->C; c++) {                                                          \
            int64_t grp = c / cpg;                                                                    \
            const T *plane = in + (b * g->C + c) * g->H * g->W;                                       \
            const T *op = off + (b * g->og + grp) * 2 * g->kh * g->kw * P;                            \
            const T *mp = mask ? mask + (b * g->og + grp) * g->kh * g->kw * P : NULL;                 \
            for (int64_t i = 0; i < g->kh; i++)                                                       \
                for (int64_t j = 0; j < g->kw; j++) {                                                 \
                    int64_t t = i * g->kw + j;                                                        \
                    T *cr = col + ((c * g->kh + i) * g->kw + j) * P;                                  \
                    for (int64_t y = 0; y < g->oh; y++)                                               \
                        for (int64_t x = 0; x < g->ow; x++) {                                         \
                            int64_t p = y * g->ow + x;                                                \
                            T mv = mp ? mp[t * P + p] : (T)1;                                         \
                            T py = (T)(y * g->sh - g->ph + i * g->dh) + op[2 * t * P + p];            \
                            T px = (T)(x * g->sw - g->pw + j * g->dw) + op[(2 * t + 1) * P + p];      \
                            cr[p] = mv * dc_bilinear_##T(plane, g->H, g->W, py, px);                  \
                        }                                                                             \
                }                                                                                     \
        }                                                                                             \
    }                                                                                                 \
                                                                                                      \
    static void dc_run_##T(const dc_geom *g, const T *in, const T *w, const T *off, const T *mask,     \
                           const T *bias, T *col, T *out)                                             \
    {                                                                                                 \
        int64_t P = g->oh * g->ow, cig = g->C / g->wg, cog = g->O / g->wg, K = cig * g->kh * g->kw;   \
        for (int64_t b = 0; b < g->B; b++) {                                                          \
            dc_im2col_##T(g, b, in, off, mask, col);                                                  \
            for (int64_t o = 0; o < g->O; o++) {                                                      \
                int64_t grp = o / cog;                                                                \
                const T *wr = w + o * K, *cg = col + grp * K * P;                                     \
                T *orow = out + (b * g->O + o) * P;                                                   \
                for (int64_t p = 0; p < P; p++) {                                                     \
                    double acc = 0;                                                                   \
                    for (int64_t k = 0; k < K; k++)                                                   \
                        acc += (double)wr[k] * (double)cg[k * P + p];                                 \
                    orow[p] = (T)acc + bias[o];                                                       \
                }                                                                                     \
            }                                                                                         \
        }                                                                                             \
    }

typedef struct dc_geom {
    int64_t B, C, H, W, O, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, wg, og;
} dc_geom;

DEFINE_DEFORM(float)
DEFINE_DEFORM(double)

/* torchvision::deform_conv2d(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias,
 *     SymInt stride_h, SymInt stride_w, SymInt pad_h, SymInt pad_w, SymInt dilation_h, SymInt dilation_w,
 *     SymInt groups, SymInt offset_groups, bool use_mask) -> Tensor */
PTS_KERNEL(k_tv_deform_conv2d)
{
    pts_tensor *x = a->input, *w = a->weight, *off = a->offset, *mask = a->mask, *bias = a->bias;
    bool um = a->use_mask;
    if (x->ndim != 4 || off->ndim != 4 || w->ndim != 4 || (um && mask->ndim != 4))
        return pts_err_set(PTS_ERR_VALUE, "%s: input, weight, offset (and mask) must be 4-D", OPN);
    dc_geom g = {x->sizes[0], x->sizes[1], x->sizes[2], x->sizes[3], w->sizes[0], w->sizes[2], w->sizes[3], 0, 0,
                 a->stride_h, a->stride_w, a->pad_h, a->pad_w, a->dilation_h, a->dilation_w, a->groups,
                 a->offset_groups};
    if (g.kh <= 0 || g.kw <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: weight_h: %lld weight_w: %lld", OPN, (long long)g.kh, (long long)g.kw);
    if (g.sh <= 0 || g.sw <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: stride_h: %lld stride_w: %lld", OPN, (long long)g.sh, (long long)g.sw);
    if (g.ph < 0 || g.pw < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: pad_h: %lld pad_w: %lld", OPN, (long long)g.ph, (long long)g.pw);
    if (g.dh <= 0 || g.dw <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: dilation_h: %lld dilation_w: %lld", OPN, (long long)g.dh,
                           (long long)g.dw);
    if (g.wg <= 0 || g.og <= 0 || w->sizes[1] * g.wg != g.C || g.O % g.wg != 0 || g.C % g.og != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: channel counts do not fit groups / offset_groups", OPN);
    g.oh = (g.H + 2 * g.ph - (g.dh * (g.kh - 1) + 1)) / g.sh + 1;
    g.ow = (g.W + 2 * g.pw - (g.dw * (g.kw - 1) + 1)) / g.sw + 1;
    if (off->sizes[1] != g.og * 2 * g.kh * g.kw)
        return pts_err_set(PTS_ERR_VALUE, "%s: offset.shape[1] is not valid: got: %lld expected: %lld", OPN,
                           (long long)off->sizes[1], (long long)(g.og * 2 * g.kh * g.kw));
    if (um && mask->sizes[1] != g.og * g.kh * g.kw)
        return pts_err_set(PTS_ERR_VALUE, "%s: mask.shape[1] is not valid: got: %lld expected: %lld", OPN,
                           (long long)mask->sizes[1], (long long)(g.og * g.kh * g.kw));
    if (off->sizes[0] != g.B)
        return pts_err_set(PTS_ERR_VALUE, "%s: invalid batch size of offset", OPN);
    if (off->sizes[2] != g.oh || off->sizes[3] != g.ow)
        return pts_err_set(PTS_ERR_VALUE, "%s: offset output dims: (%lld, %lld) - computed output dims: (%lld, %lld)",
                           OPN, (long long)off->sizes[2], (long long)off->sizes[3], (long long)g.oh, (long long)g.ow);
    if (mask->ndim < 1 || mask->sizes[0] != g.B)
        return pts_err_set(PTS_ERR_VALUE, "%s: invalid batch size of mask", OPN);
    if (um && (mask->sizes[2] != g.oh || mask->sizes[3] != g.ow))
        return pts_err_set(PTS_ERR_VALUE, "%s: mask output dims do not match the computed output dims", OPN);
    if (g.oh <= 0 || g.ow <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Calculated output size too small - out_h: %lld out_w: %lld", OPN,
                           (long long)g.oh, (long long)g.ow);
    if (pts_tensor_numel(bias) != g.O)
        return pts_err_set(PTS_ERR_VALUE, "%s: bias must have %lld elements", OPN, (long long)g.O);
    int dt = x->dtype;
    if (w->dtype != dt || off->dtype != dt || bias->dtype != dt || (um && mask->dtype != dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: expected all tensors to have the input's dtype", OPN);
    int64_t osz[4] = {g.B, g.O, g.oh, g.ow};
    if (g.B == 0)
        return pts_ret(pts_tensor_zeros(dt, 4, osz), &rets[0]);
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64)
        return pts_not_implemented("deformable_im2col", dt);
    pts_tensor *xc = pts_nn_contig(x, dt), *wc = xc ? pts_nn_contig(w, dt) : NULL;
    pts_tensor *oc = wc ? pts_nn_contig(off, dt) : NULL, *mc = oc && um ? pts_nn_contig(mask, dt) : NULL;
    pts_tensor *bc = oc && (!um || mc) ? pts_nn_contig(bias, dt) : NULL;
    pts_tensor *out = bc ? pts_tensor_empty(dt, 4, osz) : NULL;
    int64_t ncol = g.C * g.kh * g.kw * g.oh * g.ow;
    void *col = out ? pts_malloc((size_t)ncol * (size_t)pts_dtype_get(dt)->itemsize + 1) : NULL;
    pts_status st = PTS_OK;
    if (!out)
        st = pts_err_last();
    else if (!col)
        st = pts_err_nomem("deform_conv2d columns", (size_t)ncol * 8);
    else {
        if (dt == PTS_FLOAT64)
            dc_run_double(&g, pts_tensor_data(xc), pts_tensor_data(wc), pts_tensor_data(oc),
                          mc ? pts_tensor_data(mc) : NULL, pts_tensor_data(bc), col, pts_tensor_data(out));
        else
            dc_run_float(&g, pts_tensor_data(xc), pts_tensor_data(wc), pts_tensor_data(oc),
                         mc ? pts_tensor_data(mc) : NULL, pts_tensor_data(bc), col, pts_tensor_data(out));
        rets[0] = pts_ret_tensor(out);
        out = NULL;
    }
    pts_free(col);
    pts_tensor *all[] = {xc, wc, oc, mc, bc, out};
    for (int i = 0; i < 6; i++)
        if (all[i])
            pts_obj_release(&all[i]->hdr);
    return st;
}

const pts_op_def pts_ops_tv_deform_conv[] = {
    PTS_OP("torchvision::deform_conv2d(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, SymInt stride_h, SymInt stride_w, SymInt pad_h, SymInt pad_w, SymInt dilation_h, SymInt dilation_w, SymInt groups, SymInt offset_groups, bool use_mask) -> Tensor", k_tv_deform_conv2d),
    {NULL, NULL},
};
