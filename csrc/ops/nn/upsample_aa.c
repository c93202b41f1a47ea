/* upsample_aa.c - antialiased 2-D resampling: aten::_upsample_bilinear2d_aa,
 * _upsample_bicubic2d_aa, _upsample_lanczos2d_aa (the plain and .vec
 * forms), what F.interpolate(..., antialias=True) calls.
 *
 * ATen resamples separably, one dim at a time (width first, then height; a
 * dim whose size does not change is skipped), each output sample a weighted
 * sum of a window of input samples.  For output index i with scale s (in /
 * out, 1 / scale_factor when one is given, (in-1)/(out-1) with
 * align_corners):
 *     support = (s >= 1 ? s : 1) * interp_size / 2   (2 linear, 4 cubic, 6 lanczos)
 *     center  = s * (i + 0.5)
 *     window  = [max(int(center - support + 0.5), 0), min(int(center + support + 0.5), in))
 *     w_j     = filter((j - center + 0.5) / max(s, 1)), normalised to sum 1
 * with the filters triangle (1 - |x|), Keys cubic with a = -0.5, and
 * Lanczos-3 (sinc(x) sinc(x/3)).  The weights, the window arithmetic and the
 * sums run in the input's dtype (float for float32), the intermediate
 * (width-resampled) tensor is stored in that dtype, as ATen does.
 */
#include <math.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"

enum { AA_LINEAR, AA_CUBIC, AA_LANCZOS };

static const int aa_interp_size[] = {2, 4, 6};

#define DEFINE_AA(T)                                                                                   \
    static T aa_filter_##T(int kind, T x)                                                             \
    {                                                                                                  \
        if (x < 0)                                                                                     \
            x = -x;                                                                                    \
        if (kind == AA_LINEAR)                                                                         \
            return x < 1 ? (T)(1.0 - x) : (T)0;                                                        \
        if (kind == AA_CUBIC) {                                                                        \
            const T A = (T)-0.5;                                                                       \
            if (x < 1)                                                                                 \
                return ((A + 2) * x - (A + 3)) * x * x + 1;                                            \
            if (x < 2)                                                                                 \
                return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;                                      \
            return 0;                                                                                  \
        }                                                                                              \
        if (x >= 3)                                                                                    \
            return 0;                                                                                  \
        T s1 = x == 0 ? (T)1 : (T)(sin(M_PI * x) / (M_PI * x));                                        \
        T x3 = x / 3;                                                                                  \
        T s3 = x3 == 0 ? (T)1 : (T)(sin(M_PI * x3) / (M_PI * x3));                                     \
        return s1 * s3;                                                                                \
    }                                                                                                  \
                                                                                                       \
    /* weights of out samples along one dim: xmin[i], xsize[i], w[i * maxw + j] */                     \
    static void aa_weights_##T(int kind, int64_t in, int64_t out, T scale, int64_t *xmin,             \
                               int64_t *xsize, T *w, int64_t maxw)                                     \
    {                                                                                                  \
        int isz = aa_interp_size[kind];                                                                \
        T support = scale >= 1.0 ? (T)((isz * 0.5) * scale) : (T)(isz * 0.5);                          \
        T invscale = scale >= 1.0 ? (T)(1.0 / scale) : (T)1.0;                                         \
        for (int64_t i = 0; i < out; i++) {                                                            \
            T center = (T)(scale * (i + 0.5));                                                         \
            int64_t lo = (int64_t)(center - support + 0.5), hi = (int64_t)(center + support + 0.5);    \
            lo = lo > 0 ? lo : 0;                                                                      \
            int64_t n = (hi < in ? hi : in) - lo;                                                      \
            n = n < 0 ? 0 : n > maxw ? maxw : n;                                                       \
            T *wi = w + i * maxw, total = 0;                                                           \
            for (int64_t j = 0; j < n; j++) {                                                          \
                T v = aa_filter_##T(kind, (T)(((T)(j + lo) - center + 0.5) * invscale));               \
                wi[j] = v;                                                                             \
                total += v;                                                                            \
            }                                                                                          \
            if (total != 0)                                                                            \
                for (int64_t j = 0; j < n; j++)                                                        \
                    wi[j] /= total;                                                                    \
            xmin[i] = lo;                                                                              \
            xsize[i] = n;                                                                              \
        }                                                                                              \
    }                                                                                                  \
                                                                                                       \
    /* one dim: src [outer, in, inner] -> dst [outer, out, inner] */                                   \
    static void aa_pass_##T(const T *src, T *dst, int64_t outer, int64_t in, int64_t out, int64_t inner, \
                            const int64_t *xmin, const int64_t *xsize, const T *w, int64_t maxw)       \
    {                                                                                                  \
        (void)in;                                                                                      \
        for (int64_t o = 0; o < outer; o++)                                                            \
            for (int64_t i = 0; i < out; i++) {                                                        \
                const T *wi = w + i * maxw;                                                            \
                const T *s = src + (o * in + xmin[i]) * inner;                                         \
                T *d = dst + (o * out + i) * inner;                                                    \
                for (int64_t k = 0; k < inner; k++) {                                                  \
                    T acc = xsize[i] > 0 ? s[k] * wi[0] : (T)0;                                        \
                    for (int64_t j = 1; j < xsize[i]; j++)                                             \
                        acc += s[j * inner + k] * wi[j];                                               \
                    d[k] = acc;                                                                        \
                }                                                                                      \
            }                                                                                          \
    }

DEFINE_AA(float)
DEFINE_AA(double)

/* area_pixel_compute_scale in the compute type */
static double aa_scale(int cd, int64_t in, int64_t out, bool align_corners, double user)
{
    if (align_corners) {
        if (out <= 1)
            return 0;
        return cd == PTS_FLOAT64 ? (double)(in - 1) / (double)(out - 1) : (double)((float)(in - 1) / (float)(out - 1));
    }
    if (user > 0)
        return cd == PTS_FLOAT64 ? 1.0 / user : (double)(float)(1.0 / user);
    return cd == PTS_FLOAT64 ? (double)in / (double)out : (double)((float)in / (float)out);
}

/* Resample dim d (2 or 3) of the contiguous compute-dtype x into a new tensor. */
static pts_tensor *aa_dim(int kind, pts_tensor *x, int d, int64_t out, bool align_corners, double user)
{
    int cd = x->dtype;
    int64_t in = x->sizes[d], outer = 1, inner = 1;
    for (int i = 0; i < d; i++)
        outer *= x->sizes[i];
    for (int i = d + 1; i < 4; i++)
        inner *= x->sizes[i];
    int64_t sz[4] = {x->sizes[0], x->sizes[1], x->sizes[2], x->sizes[3]};
    sz[d] = out;
    pts_tensor *y = pts_tensor_empty(cd, 4, sz);
    if (!y)
        return NULL;
    double scale = aa_scale(cd, in, out, align_corners, user);
    int isz = aa_interp_size[kind];
    double support = scale >= 1.0 ? (isz * 0.5) * scale : isz * 0.5;
    if (cd == PTS_FLOAT32)
        support = (float)support;
    int64_t maxw = (int64_t)ceil(support) * 2 + 1;
    int64_t *idx = pts_malloc((size_t)out * 2 * sizeof(int64_t));
    void *w = pts_calloc((size_t)(out * maxw), sizeof(double));
    if (!idx || !w) {
        pts_free(idx);
        pts_free(w);
        pts_obj_release(&y->hdr);
        pts_err_nomem("antialiased upsample weights", (size_t)(out * maxw) * 8);
        return NULL;
    }
    if (cd == PTS_FLOAT64) {
        aa_weights_double(kind, in, out, scale, idx, idx + out, w, maxw);
        aa_pass_double(pts_tensor_data(x), pts_tensor_data(y), outer, in, out, inner, idx, idx + out, w, maxw);
    } else {
        aa_weights_float(kind, in, out, (float)scale, idx, idx + out, w, maxw);
        aa_pass_float(pts_tensor_data(x), pts_tensor_data(y), outer, in, out, inner, idx, idx + out, w, maxw);
    }
    pts_free(idx);
    pts_free(w);
    return y;
}

/* scales[]: the user's scale factors (or <= 0 for none). */
static pts_status aa_run(const char *opn, int kind, pts_tensor *x0, const int64_t *osz, bool align_corners,
                         const double *scales, pts_value *ret)
{
    if (x0->ndim != 4)
        return pts_err_set(PTS_ERR_VALUE, "%s: It is expected input_size equals to 4, but got size %d", opn, x0->ndim);
    for (int i = 0; i < 2; i++)
        if (x0->sizes[2 + i] <= 0 || osz[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE,
                               "%s: Input and output sizes should be greater than 0, but got input (H: %lld, W: %lld) "
                               "output (H: %lld, W: %lld)",
                               opn, (long long)x0->sizes[2], (long long)x0->sizes[3], (long long)osz[0],
                               (long long)osz[1]);
    int dt = x0->dtype;
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64)
        return pts_not_implemented(opn, dt);
    pts_tensor *x = pts_nn_contig(x0, dt);
    if (!x)
        return pts_err_last();
    if (pts_tensor_numel(x) == 0) {
        int64_t sz[4] = {x0->sizes[0], x0->sizes[1], osz[0], osz[1]};
        pts_obj_release(&x->hdr);
        return pts_ret(pts_tensor_empty(dt, 4, sz), ret);
    }
    for (int d = 3; d >= 2; d--) {
        if (osz[d - 2] == x->sizes[d])
            continue;
        pts_tensor *y = aa_dim(kind, x, d, osz[d - 2], align_corners, scales[d - 2]);
        pts_obj_release(&x->hdr);
        if (!y)
            return pts_err_last();
        x = y;
    }
    if (x == x0) { /* nothing resampled: a copy, never the input itself */
        pts_tensor *c = pts_tensor_contiguous_copy(x0);
        pts_obj_release(&x->hdr);
        return pts_ret(c, ret);
    }
    return pts_ret(x, ret);
}

static pts_status aa_plain(const char *opn, int kind, pts_tensor *x, pts_value output_size, bool align_corners,
                           bool has_h, double sh, bool has_w, double sw, pts_value *ret)
{
    int64_t os[2];
    int n = 0;
    PTS_TRY(pts_arg_int_list(output_size, os, 2, &n, 2, "output_size"));
    if (n != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: It is expected output_size equals to 2, but got size %d", opn, n);
    double sc[2] = {has_h ? sh : -1, has_w ? sw : -1};
    return aa_run(opn, kind, x, os, align_corners, sc, ret);
}

static pts_status aa_vec(const char *opn, int kind, pts_tensor *x, pts_value output_size, bool align_corners,
                         pts_value scale_factors, pts_value *ret)
{
    bool has_os = !PTS_ARG_IS_NONE(output_size), has_sf = !PTS_ARG_IS_NONE(scale_factors);
    if (has_os == has_sf)
        return pts_err_set(PTS_ERR_VALUE, "%s: Must specify exactly one of output_size and scale_factors", opn);
    if (x->ndim != 4)
        return pts_err_set(PTS_ERR_VALUE, "%s: It is expected input_size equals to 4, but got size %d", opn, x->ndim);
    int64_t os[2];
    double sc[2] = {-1, -1};
    if (has_os) {
        int n = 0;
        PTS_TRY(pts_arg_int_list(output_size, os, 2, &n, 0, "output_size"));
        if (n != 2)
            return pts_err_set(PTS_ERR_VALUE, "%s: output_size must have 2 elements, got %d", opn, n);
    } else {
        pts_value v = scale_factors;
        int64_t len = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->len : -1;
        if (len != 2)
            return pts_err_set(PTS_ERR_VALUE, "%s: scale_factors must have 2 elements", opn);
        pts_value *it = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
        for (int i = 0; i < 2; i++) {
            sc[i] = pts_arg_double(it[i]);
            os[i] = (int64_t)((double)x->sizes[2 + i] * sc[i]);
        }
    }
    return aa_run(opn, kind, x, os, align_corners, sc, ret);
}

/* aten::_upsample_bilinear2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None,
 *                               float? scales_w=None) -> Tensor  (and bicubic, lanczos) */
PTS_KERNEL(k_upsample_bilinear2d_aa)
{
    return aa_plain(OPN, AA_LINEAR, a->self, a->output_size, a->align_corners, a->has_scales_h, a->scales_h,
                    a->has_scales_w, a->scales_w, &rets[0]);
}
PTS_KERNEL(k_upsample_bicubic2d_aa)
{
    return aa_plain(OPN, AA_CUBIC, a->self, a->output_size, a->align_corners, a->has_scales_h, a->scales_h,
                    a->has_scales_w, a->scales_w, &rets[0]);
}
PTS_KERNEL(k_upsample_lanczos2d_aa)
{
    return aa_plain(OPN, AA_LANCZOS, a->self, a->output_size, a->align_corners, a->has_scales_h, a->scales_h,
                    a->has_scales_w, a->scales_w, &rets[0]);
}

/* aten::_upsample_bilinear2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners,
 *                                   float[]? scale_factors) -> Tensor  (and bicubic, lanczos) */
PTS_KERNEL(k_upsample_bilinear2d_aa_vec)
{
    return aa_vec(OPN, AA_LINEAR, a->input, a->output_size, a->align_corners, a->scale_factors, &rets[0]);
}
PTS_KERNEL(k_upsample_bicubic2d_aa_vec)
{
    return aa_vec(OPN, AA_CUBIC, a->input, a->output_size, a->align_corners, a->scale_factors, &rets[0]);
}
PTS_KERNEL(k_upsample_lanczos2d_aa_vec)
{
    return aa_vec(OPN, AA_LANCZOS, a->input, a->output_size, a->align_corners, a->scale_factors, &rets[0]);
}

const pts_op_def pts_ops_upsample_aa[] = {
    PTS_OP("aten::_upsample_bilinear2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_bilinear2d_aa),
    PTS_OP("aten::_upsample_bilinear2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_bilinear2d_aa_vec),
    PTS_OP("aten::_upsample_bicubic2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_bicubic2d_aa),
    PTS_OP("aten::_upsample_bicubic2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_bicubic2d_aa_vec),
    PTS_OP("aten::_upsample_lanczos2d_aa(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_lanczos2d_aa),
    PTS_OP("aten::_upsample_lanczos2d_aa.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_lanczos2d_aa_vec),
    {NULL, NULL},
};
