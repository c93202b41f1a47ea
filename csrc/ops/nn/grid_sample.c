/* grid_sample.c - sampling an image at the points of a grid: aten::grid_sampler_2d,
 * grid_sampler_3d and the grid_sampler dispatcher (what F.grid_sample calls).
 *
 * grid[n, ..., :] holds normalized (x, y[, z]) in [-1, 1]; they are unnormalized to pixel
 * coordinates (align_corners: (c + 1) / 2 * (size - 1); else ((c + 1) * size - 1) / 2),
 * moved inside the image by the padding mode (zeros: not moved, out-of-image taps read 0;
 * border: clipped to [0, size - 1]; reflection: reflected about the borders -- the pixel
 * centres with align_corners, the image edges without -- then clipped), and sampled
 * (bilinear: the 4 / 8 neighbours weighted by distance; nearest: round half to even;
 * bicubic, 2-D only: 4 x 4 taps with Keys' cubic, A = -0.75, each tap coordinate moved by
 * the padding mode).
 *
 * The arithmetic follows ATen's CPU kernels in the input's dtype (float for float32), so
 * the rounding points are torch's: 2-D runs GridSamplerKernel.cpp's vectorized form
 * (unnormalize as c * s + (s - 0.5) without align_corners, weights as products of the
 * distances to the far sides, reflection by trunc(|c| / 2span), a NaN coordinate clipped to 0
 * as max_ps(c, 0) does), 3-D the scalar form of
 * GridSampler.cpp (reflection by fmod, coordinates that are not finite or beyond the int
 * range become -100: out of the image). */
#include <limits.h>
#include <math.h>

#include "ops/kernel.h"
#include "tensor/parallel.h"

enum { GS_BILINEAR, GS_NEAREST, GS_BICUBIC };
enum { GS_ZEROS, GS_BORDER, GS_REFLECTION };

typedef struct gs_job {
    const void *in, *grid;
    void *out;
    int nd;                      /* 2 or 3 spatial dims */
    int64_t N, C, isz[3];        /* input sizes: D, H, W (2-D: H, W in isz[1..2], isz[0] = 1) */
    int64_t osz[3];              /* output spatial sizes (2-D: osz[0] = 1) */
    int64_t is[5], gs[5];        /* element strides of input and grid */
    int mode, pad;
    bool align, f32;
} gs_job;

#define DEFINE_GS(T, FLOOR, NEARBYINT, FABS, FMOD, TRUNC)                                                       \
    /* 2-D, GridSamplerKernel.cpp's vectorized arithmetic */                                                    \
    static T gs2_unnorm_##T(T c, int64_t size, bool align)                                                      \
    {                                                                                                           \
        if (align) {                                                                                            \
            T s = (T)(size - 1) / 2;                                                                            \
            return (c + (T)1) * s;                                                                              \
        }                                                                                                       \
        T s = (T)size / 2, z = s - (T)0.5;                                                                      \
        return c * s + z;                                                                                       \
    }                                                                                                           \
    static T gs2_clip_##T(T c, int64_t size)                                                                    \
    {                                                                                                           \
        if (isnan(c)) /* max_ps(c, 0) gives 0 */                                                                \
            return 0;                                                                                           \
        T m = (T)(size - 1);                                                                                    \
        c = c > 0 ? c : (T)0;                                                                                   \
        return c < m ? c : m;                                                                                   \
    }                                                                                                           \
    static T gs2_reflect_##T(T c, int64_t size, bool align)                                                     \
    {                                                                                                           \
        if (align) {                                                                                            \
            if (size <= 1)                                                                                      \
                return 0;                                                                                       \
            T span = (T)(size - 1) * 2, ab = FABS(c);                                                           \
            T flips = TRUNC(ab / span), extra = ab - flips * span, o = span - extra;                            \
            return isnan(extra) || isnan(o) ? extra + o : extra < o ? extra : o;                                \
        }                                                                                                       \
        T span = (T)size * 2, ab = FABS(c + (T)0.5);                                                            \
        T flips = TRUNC(ab / span), extra = ab - flips * span, o = span - extra;                                \
        return (isnan(extra) || isnan(o) ? extra + o : extra < o ? extra : o) - (T)0.5;                         \
    }                                                                                                           \
    static T gs2_coord_##T(T c, int64_t size, int pad, bool align)                                              \
    {                                                                                                           \
        if (pad == GS_BORDER)                                                                                   \
            return gs2_clip_##T(c, size);                                                                       \
        if (pad == GS_REFLECTION)                                                                               \
            return gs2_clip_##T(gs2_reflect_##T(c, size, align), size);                                         \
        return c;                                                                                               \
    }                                                                                                           \
    /* 3-D, GridSampler.h's scalar arithmetic */                                                                \
    static T gs3_reflect_##T(T c, int64_t lo2, int64_t hi2)                                                     \
    {                                                                                                           \
        if (lo2 == hi2)                                                                                         \
            return 0;                                                                                           \
        T mn = (T)lo2 / 2, span = (T)(hi2 - lo2) / 2;                                                           \
        c = FABS(c - mn);                                                                                       \
        T extra = FMOD(c, span);                                                                                \
        T fl = FLOOR(c / span);                                                                                 \
        bool even = !(fl >= (T)1e18) && ((int64_t)fl % 2 == 0);                                                 \
        return even ? extra + mn : span - extra + mn;                                                           \
    }                                                                                                           \
    static T gs3_coord_##T(T c, int64_t size, int pad, bool align)                                              \
    {                                                                                                           \
        c = align ? ((c + 1) / 2) * (T)(size - 1) : ((c + 1) * (T)size - 1) / 2;                                \
        if (pad != GS_ZEROS) {                                                                                  \
            if (pad == GS_REFLECTION)                                                                           \
                c = align ? gs3_reflect_##T(c, 0, 2 * (size - 1)) : gs3_reflect_##T(c, -1, 2 * size - 1);       \
            T m = (T)(size - 1), z = c < 0 ? (T)0 : c; /* std::min(m, std::max(c, 0)) */                      \
            c = z < m ? z : m;                                                                                  \
        }                                                                                                       \
        if (c > (T)(INT_MAX - 1) || c < (T)INT_MIN || !isfinite(c))                                             \
            c = (T)-100;                                                                                        \
        return c;                                                                                               \
    }                                                                                                           \
    static T gs_cubic1_##T(T x, T A) { return ((A + 2) * x - (A + 3)) * x * x + 1; }                           \
    static T gs_cubic2_##T(T x, T A) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; }                      \
    /* the value at integer (x, y) of plane p, or 0 outside (2-D; coordinates already moved) */                \
    static T gs2_at_##T(const gs_job *j, const T *p, T x, T y)                                                  \
    {                                                                                                           \
        if (!(x > -1 && x < (T)j->isz[2] && y > -1 && y < (T)j->isz[1]))                                        \
            return 0;                                                                                           \
        return p[(int64_t)y * j->is[2] + (int64_t)x * j->is[3]];                                                \
    }                                                                                                           \
    static void gs2_point_##T(const gs_job *j, int64_t n, int64_t h, int64_t w)                                 \
    {                                                                                                           \
        const T *g = (const T *)j->grid + n * j->gs[0] + h * j->gs[1] + w * j->gs[2];                           \
        T gx = g[0], gy = g[j->gs[3]];                                                                          \
        int64_t W = j->isz[2], H = j->isz[1];                                                                   \
        T x = gs2_unnorm_##T(gx, W, j->align), y = gs2_unnorm_##T(gy, H, j->align);                             \
        T *o = (T *)j->out + ((n * j->C) * j->osz[1] + h) * j->osz[2] + w;                                      \
        int64_t ostride = j->osz[1] * j->osz[2];                                                                \
        if (j->mode != GS_BICUBIC) {                                                                            \
            x = gs2_coord_##T(x, W, j->pad, j->align);                                                          \
            y = gs2_coord_##T(y, H, j->pad, j->align);                                                          \
        }                                                                                                       \
        if (j->mode == GS_NEAREST) {                                                                            \
            T xr = NEARBYINT(x), yr = NEARBYINT(y);                                                             \
            for (int64_t c = 0; c < j->C; c++)                                                                  \
                o[c * ostride] = gs2_at_##T(j, (const T *)j->in + n * j->is[0] + c * j->is[1], xr, yr);         \
            return;                                                                                             \
        }                                                                                                       \
        T xw = FLOOR(x), yn = FLOOR(y);                                                                         \
        if (j->mode == GS_BILINEAR) {                                                                           \
            T dw = x - xw, de = (T)1 - dw, dn = y - yn, ds = (T)1 - dn;                                         \
            T nw = ds * de, ne = ds * dw, sw = dn * de, se = dn * dw;                                           \
            for (int64_t c = 0; c < j->C; c++) {                                                                \
                const T *p = (const T *)j->in + n * j->is[0] + c * j->is[1];                                    \
                T v = gs2_at_##T(j, p, xw, yn) * nw + gs2_at_##T(j, p, xw + 1, yn) * ne;                        \
                v = v + gs2_at_##T(j, p, xw, yn + 1) * sw;                                                      \
                o[c * ostride] = v + gs2_at_##T(j, p, xw + 1, yn + 1) * se;                                     \
            }                                                                                                   \
            return;                                                                                             \
        }                                                                                                       \
        const T A = (T)-0.75;                                                                                   \
        T tx = x - xw, ty = y - yn, cx[4], cy[4];                                                               \
        cx[0] = gs_cubic2_##T(tx + 1, A), cx[1] = gs_cubic1_##T(tx, A);                                         \
        cx[2] = gs_cubic1_##T(1 - tx, A), cx[3] = gs_cubic2_##T((1 - tx) + 1, A);                               \
        cy[0] = gs_cubic2_##T(ty + 1, A), cy[1] = gs_cubic1_##T(ty, A);                                         \
        cy[2] = gs_cubic1_##T(1 - ty, A), cy[3] = gs_cubic2_##T((1 - ty) + 1, A);                               \
        T xs[4], ys[4];                                                                                         \
        for (int i = 0; i < 4; i++) {                                                                           \
            xs[i] = gs2_coord_##T(xw + (T)(i - 1), W, j->pad, j->align);                                        \
            ys[i] = gs2_coord_##T(yn + (T)(i - 1), H, j->pad, j->align);                                        \
        }                                                                                                       \
        for (int64_t c = 0; c < j->C; c++) {                                                                    \
            const T *p = (const T *)j->in + n * j->is[0] + c * j->is[1];                                        \
            T r[4];                                                                                             \
            for (int i = 0; i < 4; i++) {                                                                       \
                T v = cx[0] * gs2_at_##T(j, p, xs[0], ys[i]) + cx[1] * gs2_at_##T(j, p, xs[1], ys[i]);          \
                v = v + cx[2] * gs2_at_##T(j, p, xs[2], ys[i]);                                                 \
                r[i] = v + cx[3] * gs2_at_##T(j, p, xs[3], ys[i]);                                              \
            }                                                                                                   \
            T v = cy[0] * r[0] + cy[1] * r[1];                                                                  \
            v = v + cy[2] * r[2];                                                                               \
            o[c * ostride] = v + cy[3] * r[3];                                                                  \
        }                                                                                                       \
    }                                                                                                           \
    static void gs3_point_##T(const gs_job *j, int64_t n, int64_t d, int64_t h, int64_t w)                      \
    {                                                                                                           \
        const T *g = (const T *)j->grid + n * j->gs[0] + d * j->gs[1] + h * j->gs[2] + w * j->gs[3];            \
        int64_t D = j->isz[0], H = j->isz[1], W = j->isz[2];                                                    \
        T x = gs3_coord_##T(g[0], W, j->pad, j->align), y = gs3_coord_##T(g[j->gs[4]], H, j->pad, j->align);    \
        T z = gs3_coord_##T(g[2 * j->gs[4]], D, j->pad, j->align);                                             \
        int64_t ostride = j->osz[0] * j->osz[1] * j->osz[2];                                                    \
        T *o = (T *)j->out + n * j->C * ostride + (d * j->osz[1] + h) * j->osz[2] + w;                          \
        if (j->mode == GS_NEAREST) {                                                                            \
            int64_t xi = (int64_t)NEARBYINT(x), yi = (int64_t)NEARBYINT(y), zi = (int64_t)NEARBYINT(z);         \
            bool in = xi >= 0 && xi < W && yi >= 0 && yi < H && zi >= 0 && zi < D;                              \
            for (int64_t c = 0; c < j->C; c++) {                                                                \
                const T *p = (const T *)j->in + n * j->is[0] + c * j->is[1];                                    \
                o[c * ostride] = in ? p[zi * j->is[2] + yi * j->is[3] + xi * j->is[4]] : (T)0;                  \
            }                                                                                                   \
            return;                                                                                             \
        }                                                                                                       \
        int64_t x0 = (int64_t)FLOOR(x), y0 = (int64_t)FLOOR(y), z0 = (int64_t)FLOOR(z);                         \
        T wt[8];                                                                                                \
        int64_t cx[8], cy[8], cz[8];                                                                            \
        for (int k = 0; k < 8; k++) { /* tnw, tne, tsw, tse, bnw, bne, bsw, bse */                             \
            int dx = k & 1, dy = (k >> 1) & 1, dz = (k >> 2) & 1;                                               \
            cx[k] = x0 + dx, cy[k] = y0 + dy, cz[k] = z0 + dz;                                                  \
            /* the distances to the opposite corner, in torch's order */                                      \
            T fx = dx ? x - (T)x0 : (T)(x0 + 1) - x, fy = dy ? y - (T)y0 : (T)(y0 + 1) - y;                     \
            T fz = dz ? z - (T)z0 : (T)(z0 + 1) - z;                                                            \
            wt[k] = fx * fy * fz;                                                                               \
        }                                                                                                       \
        for (int64_t c = 0; c < j->C; c++) {                                                                    \
            const T *p = (const T *)j->in + n * j->is[0] + c * j->is[1];                                        \
            T v = 0;                                                                                            \
            for (int k = 0; k < 8; k++)                                                                         \
                if (cx[k] >= 0 && cx[k] < W && cy[k] >= 0 && cy[k] < H && cz[k] >= 0 && cz[k] < D)              \
                    v += p[cz[k] * j->is[2] + cy[k] * j->is[3] + cx[k] * j->is[4]] * wt[k];                     \
            o[c * ostride] = v;                                                                                 \
        }                                                                                                       \
    }

DEFINE_GS(float, floorf, nearbyintf, fabsf, fmodf, truncf)
DEFINE_GS(double, floor, nearbyint, fabs, fmod, trunc)

/* points [b, e) of the N * oD * oH * oW output points */
static void gs_range(void *ctx, int64_t b, int64_t e)
{
    const gs_job *j = ctx;
    int64_t per = j->osz[0] * j->osz[1] * j->osz[2];
    for (int64_t i = b; i < e; i++) {
        int64_t n = i / per, r = i % per, w = r % j->osz[2], h = (r / j->osz[2]) % j->osz[1], d = r / (j->osz[1] * j->osz[2]);
        if (j->nd == 2) {
            if (j->f32)
                gs2_point_float(j, n, h, w);
            else
                gs2_point_double(j, n, h, w);
        } else if (j->f32) {
            gs3_point_float(j, n, d, h, w);
        } else {
            gs3_point_double(j, n, d, h, w);
        }
    }
}

static pts_status gs_run(const pts_op *op, pts_tensor *input, pts_tensor *grid, int64_t mode, int64_t pad, bool align,
                         int nd, pts_value *rets)
{
    char s1[96], s2[96];
    pts_shape_str(input->ndim, input->sizes, s1, sizeof s1);
    pts_shape_str(grid->ndim, grid->sizes, s2, sizeof s2);
    if (input->dtype != grid->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: grid_sampler(): expected input and grid to have same dtype, but input has %s "
                                         "and grid has %s", OPN, pts_dtype_torch_name(input->dtype),
                           pts_dtype_torch_name(grid->dtype));
    if (nd == 0) {
        if (input->ndim != grid->ndim || (input->ndim != 4 && input->ndim != 5))
            return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): expected 4D or 5D input and grid with same number of "
                                              "dimensions, but got input with sizes %s and grid with sizes %s", OPN, s1, s2);
        nd = input->ndim - 2;
    }
    if (input->ndim != nd + 2 || grid->ndim != nd + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): expected %dD input and grid with same number of dimensions, "
                                          "but got input with sizes %s and grid with sizes %s", OPN, nd + 2, s1, s2);
    if (input->sizes[0] != grid->sizes[0])
        return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): expected grid and input to have same batch size, but got "
                                          "input with sizes %s and grid with sizes %s", OPN, s1, s2);
    if (grid->sizes[nd + 1] != nd)
        return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): expected grid to have size %d in last dimension, but got grid "
                                          "with sizes %s", OPN, nd, s2);
    for (int i = 2; i < nd + 2; i++)
        if (input->sizes[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): expected input to have non-empty spatial dimensions, but "
                                              "input has sizes %s with dimension %d being empty", OPN, s1, i);
    if (mode < 0 || mode > 2 || pad < 0 || pad > 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): interpolation_mode must be 0, 1 or 2 and padding_mode 0, 1 "
                                          "or 2, but got %lld and %lld", OPN, (long long)mode, (long long)pad);
    if (mode == GS_BICUBIC && nd == 3)
        return pts_err_set(PTS_ERR_VALUE, "%s: grid_sampler(): bicubic interpolation only supports 4D input", OPN);
    if (input->dtype != PTS_FLOAT32 && input->dtype != PTS_FLOAT64)
        return pts_not_implemented(OPN, input->dtype);
    gs_job j;
    memset(&j, 0, sizeof j);
    j.nd = nd;
    j.f32 = input->dtype == PTS_FLOAT32;
    j.N = input->sizes[0];
    j.C = input->sizes[1];
    j.isz[0] = j.osz[0] = 1;
    for (int i = 0; i < nd; i++) {
        j.isz[3 - nd + i] = input->sizes[2 + i];
        j.osz[3 - nd + i] = grid->sizes[1 + i];
    }
    for (int i = 0; i < nd + 2; i++) {
        j.is[i] = input->strides[i];
        j.gs[i] = grid->strides[i];
    }
    j.mode = (int)mode;
    j.pad = (int)pad;
    j.align = align;
    int64_t osz[5] = {j.N, j.C, 0, 0, 0};
    for (int i = 0; i < nd; i++)
        osz[2 + i] = grid->sizes[1 + i];
    pts_tensor *out = pts_tensor_empty(input->dtype, nd + 2, osz);
    if (!out)
        return pts_err_last();
    j.in = pts_tensor_data(input);
    j.grid = pts_tensor_data(grid);
    j.out = pts_tensor_data(out);
    int64_t npts = j.N * j.osz[0] * j.osz[1] * j.osz[2];
    if (j.C > 0 && npts > 0)
        pts_parallel_for(npts, 64, gs_range, &j);
    return pts_ret(out, rets);
}

PTS_KERNEL(k_grid_sampler_2d)
{
    return gs_run(op, a->input, a->grid, a->interpolation_mode, a->padding_mode, a->align_corners, 2, rets);
}

PTS_KERNEL(k_grid_sampler_3d)
{
    return gs_run(op, a->input, a->grid, a->interpolation_mode, a->padding_mode, a->align_corners, 3, rets);
}

PTS_KERNEL(k_grid_sampler)
{
    return gs_run(op, a->input, a->grid, a->interpolation_mode, a->padding_mode, a->align_corners, 0, rets);
}

const pts_op_def pts_ops_grid_sample[] = {
    PTS_OP("aten::grid_sampler_2d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor", k_grid_sampler_2d),
    PTS_OP("aten::grid_sampler_3d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor", k_grid_sampler_3d),
    PTS_OP("aten::grid_sampler(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners) -> Tensor", k_grid_sampler),
    {NULL, NULL},
};
