/* roi.c - torchvision's region-of-interest pooling: roi_align, roi_pool,
 * ps_roi_align, ps_roi_pool (forward), with torchvision's schema strings.
 *
 * rois are [K, 5] rows (batch index, x1, y1, x2, y2) in input coordinates,
 * scaled by spatial_scale.  Semantics and arithmetic follow torchvision's CPU
 * kernels (torchvision/csrc/ops/cpu), computed in the input's dtype (float
 * or double) in the same order:
 *   roi_align     bins of the (aligned: shifted by -0.5) box; each bin
 *                 averages roi_bin_grid_h x _w bilinear samples
 *                 (sampling_ratio > 0, else ceil(roi size / pooled size));
 *                 a sample outside [-1, size] counts 0, coordinates <= 0
 *                 clamp to 0, and a sample at or past the last row/column
 *                 reads that row/column.  Not aligned: boxes smaller than
 *                 1x1 are made 1x1.
 *   roi_pool      rounded box, bins floor/ceil, max over the bin (empty bin:
 *                 0, argmax -1); also returns the int32 argmax.
 *   ps_roi_align  position-sensitive: output channel c_out of bin (ph, pw)
 *                 reads input channel (c_out * PH + ph) * PW + pw; always
 *                 the -0.5 alignment; returns the int32 channel mapping.
 *   ps_roi_pool   the same with averaging over rounded bins (clipped to
 *                 size - 1, as torchvision clips them).
 */
#include <float.h>
#include <math.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

typedef struct roi_geom {
    int64_t K, C, H, W, PH, PW, Cout;
    double scale;
    int64_t sampling;
    bool aligned;
} roi_geom;

/* The number of samples per bin side: sampling_ratio, or ceil(roi size / pooled size) as an int.
 * A NaN, negative or out-of-int-range size gives no samples (torchvision's (int) conversion gives
 * INT_MIN there on x86, and its loops then do not run); roi_run refuses grids of more than
 * ROI_MAX_SAMPLES samples per bin beforehand. */
#define ROI_MAX_SAMPLES (1 << 26)
static int roi_grid(int64_t sampling, double c)
{
    if (sampling > 0)
        return (int)sampling;
    if (!(c > 0) || c >= 2147483648.0)
        return 0;
    return (int)c;
}

/* round() of a box coordinate as torchvision's int: NaN and values outside the int range become
 * INT_MIN, what its (undefined) conversion gives on x86; the bin clipping absorbs them. */
static int64_t roi_round(double v)
{
    v = round(v);
    if (!(v >= -2147483648.0 && v < 2147483648.0))
        return INT32_MIN;
    return (int64_t)v;
}

/* The four neighbours (offsets in the plane, weights) of a bilinear sample at (y, x) under
 * torchvision's boundary rules; valid = false for a sample that counts 0.  bilinear_T sums
 * w1*v1 + w2*v2 + w3*v3 + w4*v4 in that order. */
#define DEFINE_BILINEAR(T)                                                                            \
    typedef struct roi_pc_##T {                                                                       \
        int64_t p1, p2, p3, p4;                                                                       \
        T w1, w2, w3, w4;                                                                             \
        bool valid;                                                                                   \
    } roi_pc_##T;                                                                                     \
                                                                                                      \
    /* bilinear_T's arithmetic, the plane's values left out */                                        \
    static void roi_pc_make_##T(roi_pc_##T *pc, int64_t H, int64_t W, T y, T x)                      \
    {                                                                                                 \
        if (!(y >= -1.0 && y <= H && x >= -1.0 && x <= W)) {                                          \
            pc->valid = false;                                                                        \
            return;                                                                                   \
        }                                                                                             \
        if (y <= 0)                                                                                   \
            y = 0;                                                                                    \
        if (x <= 0)                                                                                   \
            x = 0;                                                                                    \
        int64_t yl = (int64_t)y, xl = (int64_t)x, yh, xh;                                             \
        if (yl >= H - 1) {                                                                            \
            yh = yl = H - 1;                                                                          \
            y = (T)yl;                                                                                \
        } else                                                                                        \
            yh = yl + 1;                                                                              \
        if (xl >= W - 1) {                                                                            \
            xh = xl = W - 1;                                                                          \
            x = (T)xl;                                                                                \
        } else                                                                                        \
            xh = xl + 1;                                                                              \
        T ly = y - yl, lx = x - xl;                                                                   \
        T hy = 1. - ly, hx = 1. - lx;                                                                 \
        pc->w1 = hy * hx;                                                                             \
        pc->w2 = hy * lx;                                                                             \
        pc->w3 = ly * hx;                                                                             \
        pc->w4 = ly * lx;                                                                             \
        pc->p1 = yl * W + xl;                                                                         \
        pc->p2 = yl * W + xh;                                                                         \
        pc->p3 = yh * W + xl;                                                                         \
        pc->p4 = yh * W + xh;                                                                         \
        pc->valid = true;                                                                             \
    }                                                                                                 \
                                                                                                      \
    static T bilinear_##T(const T *in, int64_t H, int64_t W, T y, T x)                                \
    {                                                                                                 \
        roi_pc_##T pc;                                                                                \
        roi_pc_make_##T(&pc, H, W, y, x);                                                             \
        if (!pc.valid)                                                                                \
            return 0;                                                                                 \
        return pc.w1 * in[pc.p1] + pc.w2 * in[pc.p2] + pc.w3 * in[pc.p3] + pc.w4 * in[pc.p4];         \
    }

/* roi_align computes each roi's sample positions and bilinear weights once (torchvision's
 * pre_calc) and reuses them for every channel: pc[((ph * PW + pw) * gh + iy) * gw + ix] holds
 * the four neighbours' offsets in the plane and their weights, valid = false for a sample that
 * counts 0.  The sum per sample is w1*v1 + w2*v2 + w3*v3 + w4*v4 in that order, as
 * bilinear_T computes it: the same bits as sampling channel by channel.  A roi whose table
 * would pass ROI_PC_MAX entries, or whose table cannot be allocated, is sampled channel by
 * channel instead. */
#define ROI_PC_MAX ((int64_t)1 << 16)

#define DEFINE_ROI_ALIGN(T)                                                                           \
    typedef struct roi_align_job_##T {                                                                \
        const roi_geom *g;                                                                            \
        const T *in, *rois;                                                                           \
        T *out;                                                                                       \
        int32_t *map;                                                                                 \
        bool ps;                                                                                      \
    } roi_align_job_##T;                                                                              \
                                                                                                      \
    /* rois [n0, n1); *pc / *cap: this thread's table, grown as needed */                             \
    static void roi_align_rois_##T(const roi_align_job_##T *j, int64_t n0, int64_t n1, roi_pc_##T **pcp, \
                                   int64_t *cap)                                                      \
    {                                                                                                 \
        const roi_geom *g = j->g;                                                                     \
        bool ps = j->ps;                                                                              \
        T ss = (T)g->scale;                                                                           \
        int64_t Co = ps ? g->Cout : g->C;                                                             \
        for (int64_t n = n0; n < n1; n++) {                                                           \
            const T *r = j->rois + 5 * n;                                                             \
            int64_t b = (int64_t)r[0];                                                                \
            T off = (ps || g->aligned) ? (T)0.5 : (T)0.0;                                             \
            T sw = r[1] * ss - off, sh = r[2] * ss - off, ew = r[3] * ss - off, eh = r[4] * ss - off; \
            T rw = ew - sw, rh = eh - sh;                                                             \
            if (!ps && !g->aligned) {                                                                 \
                rw = rw > (T)1 ? rw : (T)1;                                                           \
                rh = rh > (T)1 ? rh : (T)1;                                                           \
            }                                                                                         \
            T bh = rh / (T)g->PH, bw = rw / (T)g->PW;                                                 \
            int gh = roi_grid(g->sampling, ceil(rh / g->PH));                                         \
            int gw = roi_grid(g->sampling, ceil(rw / g->PW));                                         \
            int64_t cnt = (int64_t)gh * gw;                                                           \
            T count = ps ? (T)cnt : (T)(cnt > 1 ? cnt : 1);                                           \
            int64_t need = cnt <= ROI_PC_MAX ? g->PH * g->PW * cnt : ROI_PC_MAX + 1;                  \
            if (need > ROI_PC_MAX)                                                                    \
                need = -1;                                                                            \
            else if (need > *cap) {                                                                   \
                roi_pc_##T *grown = pts_realloc(*pcp, (size_t)need * sizeof **pcp);                   \
                if (grown) {                                                                          \
                    *pcp = grown;                                                                     \
                    *cap = need;                                                                      \
                } else                                                                                \
                    need = -1;                                                                        \
            }                                                                                         \
            roi_pc_##T *pc = need >= 0 ? *pcp : NULL;                                                 \
            if (pc)                                                                                   \
                for (int64_t ph = 0; ph < g->PH; ph++)                                                \
                    for (int64_t pw = 0; pw < g->PW; pw++) {                                          \
                        T hs = ps ? (T)ph * bh + sh : sh + ph * bh;                                   \
                        T ws = ps ? (T)pw * bw + sw : sw + pw * bw;                                   \
                        roi_pc_##T *e = pc + (ph * g->PW + pw) * cnt;                                 \
                        for (int iy = 0; iy < gh; iy++) {                                             \
                            T y = hs + (T)(iy + .5f) * bh / (T)gh;                                    \
                            for (int ix = 0; ix < gw; ix++) {                                         \
                                T x = ws + (T)(ix + .5f) * bw / (T)gw;                                \
                                roi_pc_make_##T(e++, g->H, g->W, y, x);                               \
                            }                                                                         \
                        }                                                                             \
                    }                                                                                 \
            for (int64_t c = 0; c < Co; c++)                                                          \
                for (int64_t ph = 0; ph < g->PH; ph++)                                                \
                    for (int64_t pw = 0; pw < g->PW; pw++) {                                          \
                        int64_t cin = ps ? (c * g->PH + ph) * g->PW + pw : c;                         \
                        const T *plane = j->in + (b * g->C + cin) * g->H * g->W;                      \
                        T acc = 0;                                                                    \
                        if (pc) {                                                                     \
                            const roi_pc_##T *e = pc + (ph * g->PW + pw) * cnt;                       \
                            for (int64_t k = 0; k < cnt; k++, e++)                                    \
                                acc += e->valid ? e->w1 * plane[e->p1] + e->w2 * plane[e->p2] +       \
                                                      e->w3 * plane[e->p3] + e->w4 * plane[e->p4]     \
                                                : (T)0;                                               \
                        } else {                                                                      \
                            T hs = ps ? (T)ph * bh + sh : sh + ph * bh;                               \
                            T ws = ps ? (T)pw * bw + sw : sw + pw * bw;                               \
                            for (int iy = 0; iy < gh; iy++) {                                         \
                                T y = hs + (T)(iy + .5f) * bh / (T)gh;                                \
                                for (int ix = 0; ix < gw; ix++) {                                     \
                                    T x = ws + (T)(ix + .5f) * bw / (T)gw;                            \
                                    acc += bilinear_##T(plane, g->H, g->W, y, x);                     \
                                }                                                                     \
                            }                                                                         \
                        }                                                                             \
                        int64_t o = ((n * Co + c) * g->PH + ph) * g->PW + pw;                         \
                        j->out[o] = acc / count;                                                      \
                        if (j->map)                                                                   \
                            j->map[o] = (int32_t)cin;                                                 \
                    }                                                                                 \
        }                                                                                             \
    }                                                                                                 \
                                                                                                      \
    static void roi_align_range_##T(void *ctx, int64_t n0, int64_t n1)                                \
    {                                                                                                 \
        roi_pc_##T *pc = NULL;                                                                        \
        int64_t cap = 0;                                                                              \
        roi_align_rois_##T(ctx, n0, n1, &pc, &cap);                                                   \
        pts_free(pc);                                                                                 \
    }                                                                                                 \
                                                                                                      \
    /* rois in parallel over the pool */                                                              \
    static void roi_align_##T(const roi_geom *g, const T *in, const T *rois, T *out, int32_t *map,    \
                              bool ps)                                                                \
    {                                                                                                 \
        roi_align_job_##T j = {g, in, rois, out, map, ps};                                            \
        int64_t per = (ps ? g->Cout : g->C) * g->PH * g->PW; /* bins per roi */                       \
        pts_parallel_for(g->K, per >= 256 ? 1 : 256 / (per ? per : 1) + 1, roi_align_range_##T, &j);  \
    }

#define DEFINE_ROI_POOL(T)                                                                            \
    static void roi_pool_##T(const roi_geom *g, const T *in, const T *rois, T *out, int32_t *map,     \
                             bool ps)                                                                 \
    {                                                                                                 \
        T ss = (T)g->scale;                                                                           \
        int64_t Co = ps ? g->Cout : g->C;                                                             \
        for (int64_t n = 0; n < g->K; n++) {                                                          \
            const T *r = rois + 5 * n;                                                                \
            int64_t b = (int64_t)r[0];                                                                \
            int64_t sw = roi_round(r[1] * ss), sh = roi_round(r[2] * ss);                             \
            int64_t ew = roi_round(r[3] * ss), eh = roi_round(r[4] * ss);                             \
            int64_t rw = ew - sw + (ps ? 0 : 1), rh = eh - sh + (ps ? 0 : 1);                         \
            rw = rw > 1 ? rw : 1;                                                                     \
            rh = rh > 1 ? rh : 1;                                                                     \
            T bh = (T)rh / (T)g->PH, bw = (T)rw / (T)g->PW;                                           \
            int64_t hmax = ps ? g->H - 1 : g->H, wmax = ps ? g->W - 1 : g->W;                         \
            for (int64_t ph = 0; ph < g->PH; ph++)                                                    \
                for (int64_t pw = 0; pw < g->PW; pw++) {                                              \
                    int64_t hs = roi_round(floor((T)ph * bh)) + sh, ws = roi_round(floor((T)pw * bw)) + sw; \
                    int64_t he = roi_round(ceil((T)(ph + 1) * bh)) + sh;                              \
                    int64_t we = roi_round(ceil((T)(pw + 1) * bw)) + sw;                              \
                    hs = hs < 0 ? 0 : hs > hmax ? hmax : hs;                                          \
                    he = he < 0 ? 0 : he > hmax ? hmax : he;                                          \
                    ws = ws < 0 ? 0 : ws > wmax ? wmax : ws;                                          \
                    we = we < 0 ? 0 : we > wmax ? wmax : we;                                          \
                    bool empty = he <= hs || we <= ws;                                                \
                    for (int64_t c = 0; c < Co; c++) {                                                \
                        int64_t cin = ps ? (c * g->PH + ph) * g->PW + pw : c;                         \
                        const T *plane = in + (b * g->C + cin) * g->H * g->W;                         \
                        int64_t o = ((n * Co + c) * g->PH + ph) * g->PW + pw;                         \
                        if (ps) {                                                                     \
                            T s = 0;                                                                  \
                            for (int64_t h = hs; h < he; h++)                                         \
                                for (int64_t w = ws; w < we; w++)                                     \
                                    s += plane[h * g->W + w];                                         \
                            T area = (T)((he - hs) * (we - ws));                                      \
                            out[o] = empty ? (T)0 : s / area;                                         \
                            map[o] = (int32_t)cin;                                                    \
                        } else {                                                                      \
                            T mx = empty ? (T)0 : (T)-FLT_MAX;                                        \
                            int32_t mi = -1;                                                          \
                            for (int64_t h = hs; h < he; h++)                                         \
                                for (int64_t w = ws; w < we; w++)                                     \
                                    if (plane[h * g->W + w] > mx) {                                   \
                                        mx = plane[h * g->W + w];                                     \
                                        mi = (int32_t)(h * g->W + w);                                 \
                                    }                                                                 \
                            out[o] = mx;                                                              \
                            map[o] = mi;                                                              \
                        }                                                                             \
                    }                                                                                 \
                }                                                                                     \
        }                                                                                             \
    }

DEFINE_BILINEAR(float)
DEFINE_BILINEAR(double)
DEFINE_ROI_ALIGN(float)
DEFINE_ROI_ALIGN(double)
DEFINE_ROI_POOL(float)
DEFINE_ROI_POOL(double)

enum { ROI_ALIGN, ROI_POOL, PS_ROI_ALIGN, PS_ROI_POOL };

/* The four ops' common driver.  rets[0] = output; rets[1] = the int32
 * argmax / channel mapping (all but roi_align). */
static pts_status roi_run(const char *opn, int kind, pts_tensor *input, pts_tensor *rois, double scale, int64_t PH,
                          int64_t PW, int64_t sampling, bool aligned, pts_value *rets)
{
    bool ps = kind == PS_ROI_ALIGN || kind == PS_ROI_POOL;
    if (rois->ndim != 2 || rois->sizes[1] != 5)
        return pts_err_set(PTS_ERR_VALUE, "%s: rois must have shape as Tensor[K, 5]", opn);
    if (input->ndim != 4)
        return pts_err_set(PTS_ERR_INDEX, "%s: input must be a 4-D tensor [N, C, H, W]", opn);
    if (input->dtype != rois->dtype)
        return pts_err_set(PTS_ERR_VALUE, "%s: input should have the same type as rois", opn);
    int dt = input->dtype;
    roi_geom g = {rois->sizes[0], input->sizes[1], input->sizes[2], input->sizes[3], PH, PW, 0, scale, sampling, aligned};
    if (ps) {
        if (PH * PW == 0 || g.C % (PH * PW) != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: input channels must be a multiple of pooling height * pooling width", opn);
        g.Cout = g.C / (PH * PW);
    }
    if (PH < 0 || PW < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: negative pooled size", opn);
    int64_t osz[4] = {g.K, ps ? g.Cout : g.C, PH, PW};
    pts_tensor *out = pts_tensor_zeros(dt, 4, osz), *map = NULL;
    if (!out)
        return pts_err_last();
    if (kind != ROI_ALIGN && !(map = pts_tensor_zeros(PTS_INT32, 4, osz))) {
        pts_obj_release(&out->hdr);
        return pts_err_last();
    }
    pts_status st = PTS_OK;
    if (pts_tensor_numel(out) > 0) {
        if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64) {
            st = pts_not_implemented(opn, dt);
            goto fail;
        }
        pts_tensor *x = pts_nn_contig(input, dt), *r = x ? pts_nn_contig(rois, dt) : NULL;
        if (!x || !r) {
            st = pts_err_last();
            if (x)
                pts_obj_release(&x->hdr);
            goto fail;
        }
        /* a batch index outside the input would read out of bounds (torchvision does not check) */
        for (int64_t n = 0; n < g.K; n++) {
            double bi = pts_load_f64((const char *)pts_tensor_data(r) + 5 * n * pts_dtype_get(dt)->itemsize, dt);
            if (!(bi >= 0 && (int64_t)bi < input->sizes[0])) {
                st = pts_err_set(PTS_ERR_INDEX, "%s: roi %lld has batch index %g outside the input's %lld images", opn,
                                 (long long)n, bi, (long long)input->sizes[0]);
                break;
            }
        }
        /* bins sampled by more than ROI_MAX_SAMPLES points (boxes far larger than the map with an
         * adaptive sampling ratio) would run for hours: refused */
        if (st == PTS_OK && (kind == ROI_ALIGN || kind == PS_ROI_ALIGN) && sampling <= 0)
            for (int64_t n = 0; n < g.K; n++) {
                const char *rp = (const char *)pts_tensor_data(r) + 5 * n * pts_dtype_get(dt)->itemsize;
                size_t isz = (size_t)pts_dtype_get(dt)->itemsize;
                double sz[2];
                for (int k = 0; k < 2; k++)
                    sz[k] = (pts_load_f64(rp + (3 + k) * isz, dt) - pts_load_f64(rp + (1 + k) * isz, dt)) * scale;
                double gw = roi_grid(0, ceil(sz[0] / (double)PW)), gh = roi_grid(0, ceil(sz[1] / (double)PH));
                if (gw * gh > ROI_MAX_SAMPLES) {
                    st = pts_err_set(PTS_ERR_UNSUPPORTED, "%s: roi %lld needs %.0f samples per bin (more than %d)",
                                     opn, (long long)n, gw * gh, ROI_MAX_SAMPLES);
                    break;
                }
            }
        if (st == PTS_OK && g.H * g.W == 0)
            st = pts_err_set(PTS_ERR_VALUE, "%s: input has an empty spatial size", opn);
        if (st == PTS_OK) {
            void *xd = pts_tensor_data(x), *rd = pts_tensor_data(r), *od = pts_tensor_data(out);
            int32_t *md = map ? pts_tensor_data(map) : NULL;
            bool f64 = dt == PTS_FLOAT64;
            if (kind == ROI_ALIGN || kind == PS_ROI_ALIGN) {
                if (f64)
                    roi_align_double(&g, xd, rd, od, md, ps);
                else
                    roi_align_float(&g, xd, rd, od, md, ps);
            } else {
                if (f64)
                    roi_pool_double(&g, xd, rd, od, md, ps);
                else
                    roi_pool_float(&g, xd, rd, od, md, ps);
            }
        }
        pts_obj_release(&x->hdr);
        pts_obj_release(&r->hdr);
        if (st != PTS_OK)
            goto fail;
    }
    rets[0] = pts_ret_tensor(out);
    if (map)
        rets[1] = pts_ret_tensor(map);
    return PTS_OK;
fail:
    pts_obj_release(&out->hdr);
    if (map)
        pts_obj_release(&map->hdr);
    return st;
}

/* torchvision::roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height,
 *                        SymInt pooled_width, int sampling_ratio, bool aligned) -> Tensor */
PTS_KERNEL(k_tv_roi_align)
{
    return roi_run(OPN, ROI_ALIGN, a->input, a->rois, a->spatial_scale, a->pooled_height, a->pooled_width,
                   a->sampling_ratio, a->aligned, rets);
}

/* torchvision::roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height,
 *                       SymInt pooled_width) -> (Tensor, Tensor) */
PTS_KERNEL(k_tv_roi_pool)
{
    return roi_run(OPN, ROI_POOL, a->input, a->rois, a->spatial_scale, a->pooled_height, a->pooled_width, 0, false,
                   rets);
}

/* torchvision::ps_roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height,
 *                           SymInt pooled_width, int sampling_ratio) -> (Tensor, Tensor) */
PTS_KERNEL(k_tv_ps_roi_align)
{
    return roi_run(OPN, PS_ROI_ALIGN, a->input, a->rois, a->spatial_scale, a->pooled_height, a->pooled_width,
                   a->sampling_ratio, true, rets);
}

/* torchvision::ps_roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height,
 *                          SymInt pooled_width) -> (Tensor, Tensor) */
PTS_KERNEL(k_tv_ps_roi_pool)
{
    return roi_run(OPN, PS_ROI_POOL, a->input, a->rois, a->spatial_scale, a->pooled_height, a->pooled_width, 0, true,
                   rets);
}

const pts_op_def pts_ops_tv_roi[] = {
    PTS_OP("torchvision::roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, int sampling_ratio, bool aligned) -> Tensor", k_tv_roi_align),
    PTS_OP("torchvision::roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width) -> (Tensor, Tensor)", k_tv_roi_pool),
    PTS_OP("torchvision::ps_roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width, int sampling_ratio) -> (Tensor, Tensor)", k_tv_ps_roi_align),
    PTS_OP("torchvision::ps_roi_pool(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, SymInt pooled_width) -> (Tensor, Tensor)", k_tv_ps_roi_pool),
    {NULL, NULL},
};
