/* resample.c - resizing and padding: upsample_nearest{1,2,3}d and
 * _upsample_nearest_exact{1,2,3}d, upsample_linear1d / bilinear2d /
 * trilinear3d / bicubic2d (each with its .vec overload), constant_pad_nd,
 * reflection_pad / replication_pad {1,2,3}d, _pad_circular, _pad_enum, pad,
 * pixel_shuffle, pixel_unshuffle, channel_shuffle.
 *
 * Index arithmetic follows ATen's UpSample.h exactly (float scales for
 * nearest, opmath-typed scales and lambdas for the interpolating modes,
 * weights stored in the input dtype, taps summed in order).  Nearest
 * resizing and all paddings are one dtype-agnostic gather: a per-dim table
 * maps output to input indices (-1 = fill value), read through the input's
 * own strides.  The shuffles copy a permuted view of the input.
 */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "tensor/cplx.h"
#include "ops/nn/gemm.h"
#include "tensor/parallel.h"

/* ---- the gather -------------------------------------------------------------------------- */

typedef struct gather_job {
    int nd;
    int64_t osz[PTS_MAX_DIMS], ist[PTS_MAX_DIMS]; /* output sizes, input strides (elements) */
    int64_t *map[PTS_MAX_DIMS];                   /* NULL = identity; -1 = fill */
    const char *x;
    char *y;
    int isz;
    _Alignas(16) char fill[16];
} gather_job;

static void put_elem(char *dst, const char *src, int isz)
{
    switch (isz) {
    case 1: *dst = *src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, (size_t)isz); break;
    }
}

/* Output row r (all but the last dim fixed). */
static void gather_row(const gather_job *j, int64_t r)
{
    int last = j->nd - 1;
    int64_t W = j->osz[last], base = 0;
    char *y = j->y + (size_t)(r * W) * (size_t)j->isz;
    bool fill_row = false;
    for (int d = last - 1; d >= 0; d--) {
        int64_t i = r % j->osz[d];
        r /= j->osz[d];
        int64_t m = j->map[d] ? j->map[d][i] : i;
        if (m < 0)
            fill_row = true;
        base += m * j->ist[d];
    }
    const int64_t *mp = j->map[last];
    int64_t s = j->ist[last];
    for (int64_t k = 0; k < W; k++) {
        int64_t m = mp ? mp[k] : k;
        const char *src = (fill_row || m < 0) ? j->fill : j->x + (size_t)(base + m * s) * (size_t)j->isz;
        put_elem(y + (size_t)k * (size_t)j->isz, src, j->isz);
    }
}

static void gather_range(void *ctx, int64_t b, int64_t e)
{
    for (int64_t r = b; r < e; r++)
        gather_row(ctx, r);
}

/* Gather x through the maps of its last `k` dims (maps[i] for dim nd-k+i,
 * sizes osz_last[i]) into a new tensor (rets[0]).  fill: a number value
 * stored for -1 entries (or NULL). Takes ownership of the maps. */
static pts_status gather_run(pts_tensor *x, int k, int64_t **maps, const int64_t *osz_last, const pts_value *fill,
                             pts_value *rets)
{
    gather_job j;
    memset(&j, 0, sizeof j);
    pts_status st = PTS_OK;
    j.nd = x->ndim;
    j.isz = pts_dtype_get(x->dtype)->itemsize;
    for (int d = 0; d < x->ndim; d++) {
        int m = d - (x->ndim - k);
        j.osz[d] = m >= 0 ? osz_last[m] : x->sizes[d];
        j.ist[d] = x->strides[d];
        j.map[d] = m >= 0 ? maps[m] : NULL;
    }
    if (fill)
        pts_store_scalar(j.fill, x->dtype, *fill);
    pts_tensor *y = pts_tensor_empty(x->dtype, x->ndim, j.osz);
    if (!y) {
        st = pts_err_last();
        goto done;
    }
    j.x = pts_tensor_data(x);
    j.y = pts_tensor_data(y);
    if (x->ndim == 0) {
        put_elem(j.y, j.x, j.isz);
    } else {
        int64_t rows = pts_tensor_numel(y) / (j.osz[x->ndim - 1] ? j.osz[x->ndim - 1] : 1);
        if (pts_tensor_numel(y) > 0)
            pts_parallel_for(rows, j.osz[x->ndim - 1] >= 4096 ? 1 : 4096 / (j.osz[x->ndim - 1] + 1) + 1,
                             gather_range, &j);
    }
    rets[0] = pts_ret_tensor(y);
done:
    for (int i = 0; i < k; i++)
        pts_free(maps[i]);
    return st;
}

static int64_t *new_map(int64_t n)
{
    int64_t *m = pts_malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!m)
        pts_err_nomem("an index map", (size_t)n * sizeof(int64_t));
    return m;
}

/* ---- padding -------------------------------------------------------------------------------- */

/* at::padding_mode's values (the `mode` of _pad_enum) */
typedef enum pad_mode { PAD_REFLECT = 0, PAD_REPLICATE = 1, PAD_CIRCULAR = 2, PAD_CONSTANT = 3 } pad_mode;

static const char *pad_mode_name(pad_mode m)
{
    return m == PAD_CONSTANT ? "constant" : m == PAD_REFLECT ? "reflect" : m == PAD_REPLICATE ? "replicate" : "circular";
}

static int64_t pad_index(pad_mode mode, int64_t i, int64_t in)
{
    switch (mode) {
    case PAD_CONSTANT: return (i >= 0 && i < in) ? i : -1;
    case PAD_REFLECT:
        if (in == 1)
            return 0;
        while (i < 0 || i >= in)
            i = i < 0 ? -i : 2 * (in - 1) - i;
        return i;
    case PAD_REPLICATE: return i < 0 ? 0 : (i >= in ? in - 1 : i);
    case PAD_CIRCULAR: return ((i % in) + in) % in;
    }
    return -1;
}


/* Pad the last len(pad)/2 dims of x (pairs from the last dim backward). */
static pts_status pad_run(const char *op, pts_tensor *x, const int64_t *pad, int npad, pad_mode mode,
                          const pts_value *value, pts_value *rets)
{
    if (npad % 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Padding length must be divisible by 2", op);
    int k = npad / 2;
    if (k > x->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: Padding length should be less than or equal to two times the input dimension but got padding length %d and input of dimension %d",
                           op, npad, x->ndim);
    int64_t *maps[PTS_MAX_DIMS] = {0}, osz[PTS_MAX_DIMS];
    if (mode != PAD_CONSTANT && mode != PAD_CIRCULAR && x->dtype == PTS_BOOL) /* no bool kernels in ATen */
        return pts_nn_bad_dtype(op, x->dtype);
    if (mode == PAD_CONSTANT && value && !PTS_ARG_IS_NONE(*value))
        PTS_TRY(pts_nn_check_int_scalar(op, x->dtype, *value));
    /* ATen's 2-d/3-d reflection pads refuse only when every output size is < 1 */
    bool any_out = false;
    for (int i = 0; i < k && mode == PAD_REFLECT && k >= 2; i++)
        any_out = any_out || x->sizes[x->ndim - k + i] + pad[2 * (k - 1 - i)] + pad[2 * (k - 1 - i) + 1] >= 1;
    for (int i = 0; i < k; i++) {
        int d = x->ndim - k + i; /* dims in order; pad pair index k-1-i */
        int64_t l = pad[2 * (k - 1 - i)], r = pad[2 * (k - 1 - i) + 1], in = x->sizes[d];
        int64_t o = in + l + r;
        const char *bad = NULL;
        if (o < 0 || (o < 1 && mode != PAD_CONSTANT && mode != PAD_CIRCULAR && !(mode == PAD_REFLECT && any_out)))
            bad = "resulted in a non-positive output size";
        else if (mode == PAD_CONSTANT && in + (l < 0 ? l : 0) + (r < 0 ? r : 0) < 0)
            bad = "narrow(): length must be non-negative";
        else if (mode == PAD_REFLECT && (l >= in || r >= in))
            bad = "padding size should be less than the corresponding input dimension";
        else if (mode == PAD_CIRCULAR && (l > in || r > in))
            bad = "padding value causes wrapping around more than once";
        else if (mode != PAD_CONSTANT && in == 0)
            bad = "input dimension is empty";
        if (bad) {
            for (int q = 0; q < i; q++)
                pts_free(maps[q]);
            return pts_err_set(PTS_ERR_VALUE, "%s (%s): dim %d of size %lld with padding (%lld, %lld): %s", op,
                               pad_mode_name(mode), d, (long long)in, (long long)l, (long long)r, bad);
        }
        osz[i] = o;
        if (!(maps[i] = new_map(o))) {
            for (int q = 0; q < i; q++)
                pts_free(maps[q]);
            return PTS_ERR_NOMEM;
        }
        if (mode == PAD_CIRCULAR) { /* ATen crops first, then wraps the cropped run */
            int64_t cl = l < 0 ? -l : 0, cr = r < 0 ? -r : 0, n = in - cl - cr, lp = l > 0 ? l : 0;
            for (int64_t t = 0; t < o; t++)
                maps[i][t] = n > 0 ? cl + (((t - lp) % n) + n) % n : -1;
        } else {
            for (int64_t t = 0; t < o; t++)
                maps[i][t] = pad_index(mode, t - l, in);
        }
    }
    pts_value zero = pts_int(0);
    return gather_run(x, k, maps, osz, value ? value : &zero, rets);
}

static pts_status get_pad(pts_value v, int64_t *pad, int *n)
{
    return pts_arg_int_list(v, pad, 2 * PTS_MAX_DIMS, n, 0, "pad");
}

/* aten::constant_pad_nd(Tensor self, SymInt[] pad, Scalar value=0) -> Tensor */
PTS_KERNEL(k_constant_pad_nd)
{
    int64_t pad[2 * PTS_MAX_DIMS] = {0};
    int n = 0;
    PTS_TRY(get_pad(a->pad, pad, &n));
    return pad_run("constant_pad_nd", a->self, pad, n, PAD_CONSTANT, &a->value, rets);
}

/* {reflection,replication}_pad{k}d(Tensor self, SymInt[2k] padding): input of k+1 or k+2 dims */
static pts_status pad_nd(const char *op, pts_tensor *x, pts_value padding, pts_value *rets, int k, pad_mode mode)
{
    int64_t pad[2 * PTS_MAX_DIMS] = {0};
    int n = 0;
    PTS_TRY(get_pad(padding, pad, &n));
    if (n != 2 * k)
        return pts_err_set(PTS_ERR_VALUE, "%s: padding size is expected to be %d, but got: %d", op, 2 * k, n);
    if (x->ndim != k + 1 && x->ndim != k + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected %dD or %dD (batch mode) tensor for input, but got a %dD tensor", op,
                           k + 1, k + 2, x->ndim);
    return pad_run(op, x, pad, n, mode, NULL, rets);
}

PTS_KERNEL(k_reflection_pad1d) { return pad_nd("reflection_pad1d", a->self, a->padding, rets, 1, PAD_REFLECT); }
PTS_KERNEL(k_reflection_pad2d) { return pad_nd("reflection_pad2d", a->self, a->padding, rets, 2, PAD_REFLECT); }
PTS_KERNEL(k_reflection_pad3d) { return pad_nd("reflection_pad3d", a->self, a->padding, rets, 3, PAD_REFLECT); }
PTS_KERNEL(k_replication_pad1d) { return pad_nd("replication_pad1d", a->self, a->padding, rets, 1, PAD_REPLICATE); }
PTS_KERNEL(k_replication_pad2d) { return pad_nd("replication_pad2d", a->self, a->padding, rets, 2, PAD_REPLICATE); }
PTS_KERNEL(k_replication_pad3d) { return pad_nd("replication_pad3d", a->self, a->padding, rets, 3, PAD_REPLICATE); }

/* aten::_pad_circular(Tensor self, SymInt[] pad) -> Tensor */
PTS_KERNEL(k__pad_circular)
{
    int64_t pad[2 * PTS_MAX_DIMS] = {0};
    int n = 0;
    PTS_TRY(get_pad(a->pad, pad, &n));
    return pad_run("_pad_circular", a->self, pad, n, PAD_CIRCULAR, NULL, rets);
}

/* The checks of aten::pad / _pad_enum (pad, mode, float? value), then the padding. */
static pts_status pad_mode_run(const char *op, pts_tensor *x, pts_value padv, pad_mode mode, bool has_value, double value,
                               pts_value *rets)
{
    int64_t pad[2 * PTS_MAX_DIMS] = {0};
    int n = 0;
    PTS_TRY(get_pad(padv, pad, &n));
    pts_value v = pts_float(value);
    if (mode == PAD_CONSTANT)
        return pad_run(op, x, pad, n, mode, has_value ? &v : NULL, rets);
    if (has_value && value != 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Padding mode \"%s\" doesn't take in value argument", op, pad_mode_name(mode));
    if (n % 2 || n / 2 > 3 || (x->ndim != n / 2 + 1 && x->ndim != n / 2 + 2))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (got %d pads for a %dD input)",
                           op, n, x->ndim);
    return pad_run(op, x, pad, n, mode, NULL, rets);
}

/* aten::pad(Tensor self, SymInt[] pad, str mode="constant", float? value=None) -> Tensor */
PTS_KERNEL(k_pad)
{
    const char *m = a->mode;
    pad_mode mode;
    if (strcmp(m, "constant") == 0)
        mode = PAD_CONSTANT;
    else if (strcmp(m, "reflect") == 0)
        mode = PAD_REFLECT;
    else if (strcmp(m, "replicate") == 0)
        mode = PAD_REPLICATE;
    else if (strcmp(m, "circular") == 0)
        mode = PAD_CIRCULAR;
    else
        return pts_err_set(PTS_ERR_VALUE, "Unrecognised padding mode %s", m);
    return pad_mode_run("pad", a->self, a->pad, mode, a->has_value, a->value, rets);
}

/* aten::_pad_enum(Tensor self, SymInt[] pad, int mode, float? value=None) -> Tensor */
PTS_KERNEL(k__pad_enum)
{
    int64_t m = a->mode;
    if (m < 0 || m > 3)
        return pts_err_set(PTS_ERR_VALUE, "_pad_enum: unknown padding mode %lld", (long long)m);
    return pad_mode_run("_pad_enum", a->self, a->pad, (pad_mode)m, a->has_value, a->value, rets);
}

/* ---- upsampling: sizes and scales ------------------------------------------------------------- */

typedef struct up_args {
    int k;               /* spatial dims */
    int64_t out[3];      /* output spatial sizes */
    double scale[3];     /* user scales, or -1 = none */
    bool align_corners;
} up_args;

/* Common checks; `x` has k+2 dims ((k+1) for 1-D... as torch: exactly k+2). */
static pts_status up_check(const char *op, const pts_tensor *x, const up_args *u)
{
    if (x->ndim != u->k + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: It is expected input_size equals to %d, but got size %d", op, u->k + 2, x->ndim);
    for (int i = 0; i < u->k; i++)
        if (x->sizes[2 + i] <= 0 || u->out[i] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Input and output sizes should be greater than 0, but got input size %lld and output size %lld",
                               op, (long long)x->sizes[2 + i], (long long)u->out[i]);
    if (pts_tensor_numel(x) == 0 && x->sizes[1] == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Non-empty %dD data tensor expected", op, u->k + 2);
    return PTS_OK;
}

/* Optional float list -> values (n = 0 for None). */
static pts_status float_list(pts_value v, double *out, int cap, int *n)
{
    *n = 0;
    if (PTS_ARG_IS_NONE(v))
        return PTS_OK;
    if (v.tag != PTS_T_LIST && v.tag != PTS_T_TUPLE)
        return pts_err_set(PTS_ERR_TYPE, "scale_factors must be a list of floats");
    int64_t len = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
    pts_value *it = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
    if (len > cap)
        return pts_err_set(PTS_ERR_VALUE, "too many scale factors (%lld)", (long long)len);
    for (int64_t i = 0; i < len; i++)
        out[i] = pts_arg_double(it[i]);
    *n = (int)len;
    return PTS_OK;
}

/* The .vec form: (input, output_size?, [align_corners,] scale_factors?). */
static pts_status up_vec_args(const char *op, const pts_tensor *x, int k, pts_value osv, pts_value sfv, up_args *u)
{
    u->k = k;
    double sf[PTS_MAX_DIMS] = {0};
    int ns = 0, no = 0;
    int64_t os[PTS_MAX_DIMS] = {0};
    PTS_TRY(float_list(sfv, sf, PTS_MAX_DIMS, &ns));
    if (!PTS_ARG_IS_NONE(osv))
        PTS_TRY(pts_arg_int_list(osv, os, PTS_MAX_DIMS, &no, 0, "output_size"));
    bool has_os = !PTS_ARG_IS_NONE(osv);
    if (has_os == (ns > 0 || !PTS_ARG_IS_NONE(sfv)))
        return pts_err_set(PTS_ERR_VALUE, "%s: Must specify exactly one of output_size and scale_factors", op);
    if (x->ndim < k)
        return pts_err_set(PTS_ERR_VALUE, "%s: input has too few dimensions", op);
    for (int i = 0; i < k; i++) {
        u->scale[i] = -1;
        if (has_os) {
            if (no != k)
                return pts_err_set(PTS_ERR_VALUE, "%s: output_size must have %d elements, got %d", op, k, no);
            u->out[i] = os[i];
        } else {
            if (ns != k)
                return pts_err_set(PTS_ERR_VALUE, "%s: scale_factors must have %d elements, got %d", op, k, ns);
            u->out[i] = (int64_t)((double)x->sizes[x->ndim - k + i] * sf[i]);
            u->scale[i] = sf[i];
        }
    }
    return PTS_OK;
}

/* The plain form: (self, output_size, [align_corners,] scales...). */
static pts_status up_plain_args(const pts_tensor *x, int k, pts_value osv, const double *scales, up_args *u)
{
    (void)x;
    u->k = k;
    int no = 0;
    int64_t os[PTS_MAX_DIMS] = {0};
    PTS_TRY(pts_arg_int_list(osv, os, PTS_MAX_DIMS, &no, k, "output_size"));
    if (no != k)
        return pts_err_set(PTS_ERR_VALUE, "It is expected output_size equals to %d, but got size %d", k, no);
    for (int i = 0; i < k; i++) {
        u->out[i] = os[i];
        u->scale[i] = scales[i];
    }
    return PTS_OK;
}

/* ---- nearest ------------------------------------------------------------------------------------ */

/* compute_scales_value<float>: 1/scale when given, else in/out (in float). */
static float scales_value_f(double scale, int64_t in, int64_t out)
{
    return scale > 0 ? (float)(1.0 / scale) : (float)in / (float)out;
}

static int64_t nearest_idx(int64_t o, int64_t in, int64_t out, double scale, bool exact)
{
    if (!exact) {
        if (out == in)
            return o;
        if (out == 2 * in)
            return o >> 1;
        float s = scales_value_f(scale, in, out);
        int64_t i = (int64_t)floorf((float)o * s);
        return i < in - 1 ? i : in - 1;
    }
    float s = scales_value_f(scale, in, out);
    int64_t i = (int64_t)floorf((float)(((double)o + 0.5) * (double)s));
    return i < in - 1 ? i : in - 1;
}

static pts_status nearest_run(const char *op, pts_tensor *x, const up_args *u, bool exact, pts_value *rets)
{
    /* ATen's nearest kernels take floating types and uint8 only */
    if (pts_nn_compute_dtype(x->dtype) < 0 && x->dtype != PTS_UINT8)
        return pts_nn_bad_dtype(op, x->dtype);
    PTS_TRY(up_check(op, x, u));
    int64_t *maps[3] = {0};
    for (int i = 0; i < u->k; i++) {
        if (!(maps[i] = new_map(u->out[i]))) {
            for (int q = 0; q < i; q++)
                pts_free(maps[q]);
            return PTS_ERR_NOMEM;
        }
        for (int64_t o = 0; o < u->out[i]; o++)
            maps[i][o] = nearest_idx(o, x->sizes[2 + i], u->out[i], u->scale[i], exact);
    }
    return gather_run(x, u->k, maps, u->out, NULL, rets);
}

/* A float? scale of an upsample schema: -1 for None. */
#define SCALE(a, f) ((a)->has_##f ? (a)->f : -1)

/* upsample_nearest{k}d(self, output_size, scales...) and _upsample_nearest_exact{k}d;
 * scales: k values, -1 = none */
static pts_status nearest_plain(const char *op, pts_tensor *x, pts_value output_size, const double *scales,
                                pts_value *rets, int k, bool exact)
{
    up_args u;
    PTS_TRY(up_plain_args(x, k, output_size, scales, &u));
    return nearest_run(op, x, &u, exact, rets);
}

/* the .vec overloads: (input, output_size?, scale_factors?) */
static pts_status nearest_vec(const char *op, pts_tensor *x, pts_value output_size, pts_value scale_factors,
                              pts_value *rets, int k, bool exact)
{
    up_args u;
    PTS_TRY(up_vec_args(op, x, k, output_size, scale_factors, &u));
    return nearest_run(op, x, &u, exact, rets);
}

PTS_KERNEL(k_upsample_nearest1d)
{
    double sc[1] = {SCALE(a, scales)};
    return nearest_plain("upsample_nearest1d", a->self, a->output_size, sc, rets, 1, false);
}
PTS_KERNEL(k_upsample_nearest2d)
{
    double sc[2] = {SCALE(a, scales_h), SCALE(a, scales_w)};
    return nearest_plain("upsample_nearest2d", a->self, a->output_size, sc, rets, 2, false);
}
PTS_KERNEL(k_upsample_nearest3d)
{
    double sc[3] = {SCALE(a, scales_d), SCALE(a, scales_h), SCALE(a, scales_w)};
    return nearest_plain("upsample_nearest3d", a->self, a->output_size, sc, rets, 3, false);
}
PTS_KERNEL(k__upsample_nearest_exact1d)
{
    double sc[1] = {SCALE(a, scales)};
    return nearest_plain("_upsample_nearest_exact1d", a->self, a->output_size, sc, rets, 1, true);
}
PTS_KERNEL(k__upsample_nearest_exact2d)
{
    double sc[2] = {SCALE(a, scales_h), SCALE(a, scales_w)};
    return nearest_plain("_upsample_nearest_exact2d", a->self, a->output_size, sc, rets, 2, true);
}
PTS_KERNEL(k__upsample_nearest_exact3d)
{
    double sc[3] = {SCALE(a, scales_d), SCALE(a, scales_h), SCALE(a, scales_w)};
    return nearest_plain("_upsample_nearest_exact3d", a->self, a->output_size, sc, rets, 3, true);
}
PTS_KERNEL(k_upsample_nearest1d_vec) { return nearest_vec("upsample_nearest1d", a->input, a->output_size, a->scale_factors, rets, 1, false); }
PTS_KERNEL(k_upsample_nearest2d_vec) { return nearest_vec("upsample_nearest2d", a->input, a->output_size, a->scale_factors, rets, 2, false); }
PTS_KERNEL(k_upsample_nearest3d_vec) { return nearest_vec("upsample_nearest3d", a->input, a->output_size, a->scale_factors, rets, 3, false); }
PTS_KERNEL(k__upsample_nearest_exact1d_vec)
{
    return nearest_vec("_upsample_nearest_exact1d", a->input, a->output_size, a->scale_factors, rets, 1, true);
}
PTS_KERNEL(k__upsample_nearest_exact2d_vec)
{
    return nearest_vec("_upsample_nearest_exact2d", a->input, a->output_size, a->scale_factors, rets, 2, true);
}
PTS_KERNEL(k__upsample_nearest_exact3d_vec)
{
    return nearest_vec("_upsample_nearest_exact3d", a->input, a->output_size, a->scale_factors, rets, 3, true);
}

/* ---- linear / cubic interpolation ------------------------------------------------------------ */

/* Per output index along one dim: taps input indices and weights. */
typedef struct interp_dim {
    int64_t n;      /* output size */
    int taps;       /* 2 (linear) or 4 (cubic) */
    int64_t *idx;   /* [n * taps], input indices */
    double *w;      /* [n * taps], weights (rounded to the input dtype) */
} interp_dim;

/* Round v as the dtype `dt` stores it. */
static double round_to(int dt, double v)
{
    switch (dt) {
    case PTS_FLOAT32: return (float)v;
    case PTS_FLOAT16: return pts_half_to_float(pts_float_to_half((float)v));
    case PTS_BFLOAT16: return pts_bf16_to_float(pts_float_to_bf16((float)v));
    default: return v;
    }
}

/* opmath arithmetic: float for float/half/bf16, double for double */
#define OPM(x) (f64 ? (double)(x) : (double)(float)(x))

static void interp_linear_dim(interp_dim *d, int64_t in, int64_t out, bool ac, double scale, int dt, int wdt)
{
    bool f64 = dt == PTS_FLOAT64;
    double ratio;
    if (ac)
        ratio = out > 1 ? OPM(OPM(in - 1) / OPM(out - 1)) : 0;
    else
        ratio = scale > 0 ? OPM(1.0 / scale) : OPM(OPM(in) / OPM(out));
    for (int64_t o = 0; o < out; o++) {
        int64_t i0, i1;
        double l0, l1;
        if (out == in) {
            i0 = i1 = o;
            l0 = 1;
            l1 = 0;
        } else {
            double real = ac ? OPM(ratio * OPM(o)) : OPM(OPM(ratio * OPM(OPM(o) + 0.5)) - 0.5);
            if (!ac && real < 0)
                real = 0;
            i0 = (int64_t)floorf((float)real);
            if (i0 > in - 1)
                i0 = in - 1;
            double lam = OPM(real - OPM(i0));
            lam = lam < 0 ? 0 : lam > 1 ? 1 : lam;
            l1 = round_to(wdt, lam);
            i1 = i0 + (i0 < in - 1 ? 1 : 0);
            l0 = round_to(wdt, OPM(1.0 - l1));
        }
        d->idx[2 * o] = i0;
        d->idx[2 * o + 1] = i1;
        d->w[2 * o] = l0;
        d->w[2 * o + 1] = l1;
    }
}

static void cubic_coeffs(double t, double *c, bool f64)
{
    double A = -0.75, x1 = t, x2 = OPM(1.0 - t);
    /* cubic_convolution2(x1 + 1), cubic_convolution1(x1), cubic_convolution1(x2), cubic_convolution2(x2 + 1) */
    double y = OPM(x1 + 1.0);
    c[0] = OPM(OPM(OPM(OPM(OPM(A * y) - OPM(5 * A)) * y) + OPM(8 * A)) * y) - OPM(4 * A);
    c[1] = OPM(OPM(OPM(OPM(OPM(A + 2) * x1) - OPM(A + 3)) * x1) * x1) + 1;
    c[2] = OPM(OPM(OPM(OPM(OPM(A + 2) * x2) - OPM(A + 3)) * x2) * x2) + 1;
    y = OPM(x2 + 1.0);
    c[3] = OPM(OPM(OPM(OPM(OPM(A * y) - OPM(5 * A)) * y) + OPM(8 * A)) * y) - OPM(4 * A);
}

static void interp_cubic_dim(interp_dim *d, int64_t in, int64_t out, bool ac, double scale, int dt)
{
    bool f64 = dt == PTS_FLOAT64;
    double ratio;
    if (ac)
        ratio = out > 1 ? OPM(OPM(in - 1) / OPM(out - 1)) : 0;
    else
        ratio = scale > 0 ? OPM(1.0 / scale) : OPM(OPM(in) / OPM(out));
    for (int64_t o = 0; o < out; o++) {
        double real = ac ? OPM(ratio * OPM(o)) : OPM(OPM(ratio * OPM(OPM(o) + 0.5)) - 0.5);
        int64_t i0 = (int64_t)floorf((float)real);
        if (i0 > in - 1)
            i0 = in - 1;
        double lam = OPM(real - OPM(i0));
        lam = lam < 0 ? 0 : lam > 1 ? 1 : lam;
        double c[4];
        cubic_coeffs(lam, c, f64);
        for (int t = 0; t < 4; t++) {
            int64_t i = i0 - 1 + t;
            d->idx[4 * o + t] = i < 0 ? 0 : i > in - 1 ? in - 1 : i;
            d->w[4 * o + t] = round_to(dt, c[t]);
        }
    }
}

typedef struct interp_job {
    int k, cd;
    bool product; /* ATen's channels-last linear kernel: sum of value * (product of weights) */
    int64_t in[3], out[3];
    interp_dim dim[3];
    const void *x;
    void *y;
} interp_job;

/* One plane.  Dims are padded to 3 (a leading unit dim has one tap of
 * weight 1, which is exact); each level sums its taps in order, value *
 * weight, as ATen's Interpolate does. */
#define DEFINE_INTERP(T)                                                                         \
    static void interp_plane_##T(const interp_job *j, const T *x, T *y)                         \
    {                                                                                            \
        const interp_dim *D = &j->dim[0], *H = &j->dim[1], *W = &j->dim[2];                      \
        int64_t sh = j->in[2], sd = j->in[1] * j->in[2];                                         \
        if (D->taps == 1 && H->taps == 2 && W->taps == 2 && !j->product) {                       \
            /* bilinear 2-D: the loops below unrolled, the same products and sums in the same    \
             * order: ((x[h0][w0] ww0 + x[h0][w1] ww1) wh0 + (x[h1][w0] ww0 + x[h1][w1] ww1) wh1) wd */ \
            const T *xd = x + D->idx[0] * sd;                                                    \
            T wd = (T)D->w[0];                                                                   \
            for (int64_t oh = 0; oh < j->out[1]; oh++) {                                         \
                const T *x0 = xd + H->idx[2 * oh] * sh, *x1 = xd + H->idx[2 * oh + 1] * sh;      \
                T wh0 = (T)H->w[2 * oh], wh1 = (T)H->w[2 * oh + 1];                              \
                for (int64_t ow = 0; ow < j->out[2]; ow++) {                                     \
                    int64_t i0 = W->idx[2 * ow], i1 = W->idx[2 * ow + 1];                        \
                    T ww0 = (T)W->w[2 * ow], ww1 = (T)W->w[2 * ow + 1];                          \
                    T a0 = x0[i0] * ww0 + x0[i1] * ww1, a1 = x1[i0] * ww0 + x1[i1] * ww1;        \
                    *y++ = (a0 * wh0 + a1 * wh1) * wd;                                           \
                }                                                                                \
            }                                                                                    \
            return;                                                                              \
        }                                                                                        \
        for (int64_t od = 0; od < j->out[0]; od++)                                               \
            for (int64_t oh = 0; oh < j->out[1]; oh++)                                           \
                for (int64_t ow = 0; ow < j->out[2]; ow++) {                                     \
                    T ad = 0, sum = 0;                                                           \
                    for (int td = 0; td < D->taps; td++) {                                       \
                        const T *xd = x + D->idx[od * D->taps + td] * sd;                        \
                        T wd = (T)D->w[od * D->taps + td], ah = 0;                               \
                        for (int th = 0; th < H->taps; th++) {                                   \
                            const T *xh = xd + H->idx[oh * H->taps + th] * sh;                   \
                            T wh = (T)H->w[oh * H->taps + th], aw = 0;                           \
                            for (int tw = 0; tw < W->taps; tw++) {                               \
                                T ww = (T)W->w[ow * W->taps + tw], xv = xh[W->idx[ow * W->taps + tw]]; \
                                if (j->product) {                                                \
                                    T v = xv * (T)((T)(wd * wh) * ww);                           \
                                    sum = (td | th | tw) == 0 ? v : sum + v;                     \
                                    continue;                                                    \
                                }                                                                \
                                T v = xv * ww;                                                   \
                                aw = tw == 0 ? v : aw + v;                                       \
                            }                                                                    \
                            T v = aw * wh;                                                       \
                            ah = th == 0 ? v : ah + v;                                           \
                        }                                                                        \
                        T v = ah * wd;                                                           \
                        ad = td == 0 ? v : ad + v;                                               \
                    }                                                                            \
                    *y++ = j->product ? sum : ad;                                                \
                }                                                                                \
    }

DEFINE_INTERP(float)
DEFINE_INTERP(double)

static void interp_range(void *ctx, int64_t b, int64_t e)
{
    const interp_job *j = ctx;
    int64_t pin = j->in[0] * j->in[1] * j->in[2], pout = j->out[0] * j->out[1] * j->out[2];
    for (int64_t p = b; p < e; p++) {
        if (j->cd == PTS_FLOAT64)
            interp_plane_double(j, (const double *)j->x + p * pin, (double *)j->y + p * pout);
        else
            interp_plane_float(j, (const float *)j->x + p * pin, (float *)j->y + p * pout);
    }
}

/* Does ATen take its channels-last linear kernel (_use_vectorized_kernel_cond)?
 * For bilinear 2-D it does when out_h + out_w <= 128 or the input is channels
 * last with more than 3 channels (trilinear 3-D measured to use the generic
 * kernel in torch 2.14). */
static bool aten_uses_product_form(const pts_tensor *x, const up_args *u)
{
    if (u->k != 2)
        return false;
    int64_t sum = 0, st = 1;
    for (int i = 0; i < u->k; i++)
        sum += u->out[i];
    bool cl = x->sizes[1] > 3 && x->strides[1] == 1; /* channels innermost */
    for (int d = x->ndim - 1; d >= 2 && cl; d--) {
        if (x->sizes[d] != 1 && x->strides[d] != st * x->sizes[1])
            cl = false;
        st *= x->sizes[d];
    }
    return cl || sum <= 128;
}

static pts_status interp_run(const char *op, pts_tensor *x0, const up_args *u, bool cubic, pts_value *rets)
{
    PTS_TRY(up_check(op, x0, u));
    int dt = x0->dtype, cd = pts_nn_compute_dtype(dt);
    if (cd < 0)
        return pts_nn_bad_dtype(op, dt);
    interp_job j;
    memset(&j, 0, sizeof j);
    j.k = u->k;
    j.cd = cd;
    j.product = !cubic && aten_uses_product_form(x0, u);
    pts_status st = PTS_OK;
    pts_tensor *x = NULL, *y = NULL;
    int64_t osz[5] = {x0->sizes[0], x0->sizes[1], 0, 0, 0};
    for (int q = 0; q < 3; q++) {
        int i = q - (3 - u->k); /* spatial dim, or < 0 for a padding unit dim */
        int taps = i < 0 ? 1 : cubic ? 4 : 2;
        j.in[q] = i < 0 ? 1 : x0->sizes[2 + i];
        j.out[q] = i < 0 ? 1 : u->out[i];
        if (i >= 0)
            osz[2 + i] = u->out[i];
        j.dim[q].n = j.out[q];
        j.dim[q].taps = taps;
        j.dim[q].idx = pts_malloc((size_t)(j.out[q] * taps) * sizeof(int64_t));
        j.dim[q].w = pts_malloc((size_t)(j.out[q] * taps) * sizeof(double));
        if (!j.dim[q].idx || !j.dim[q].w) {
            st = pts_err_nomem("interpolation tables", (size_t)j.out[q] * 16 * (size_t)taps);
            goto done;
        }
        if (i < 0) {
            j.dim[q].idx[0] = 0;
            j.dim[q].w[0] = 1;
        } else if (cubic) {
            interp_cubic_dim(&j.dim[q], j.in[q], j.out[q], u->align_corners, u->scale[i], dt);
        } else {
            interp_linear_dim(&j.dim[q], j.in[q], j.out[q], u->align_corners, u->scale[i], dt, j.product ? cd : dt);
        }
    }
    if (!(x = pts_nn_contig(x0, cd)) || !(y = pts_tensor_empty(cd, x0->ndim, osz))) {
        st = pts_err_last();
        goto done;
    }
    j.x = pts_tensor_data(x);
    j.y = pts_tensor_data(y);
    int64_t planes = x0->sizes[0] * x0->sizes[1];
    if (planes > 0)
        pts_parallel_for(planes, 1, interp_range, &j);
    y = pts_nn_cast(y, dt);
    if (!y) {
        st = pts_err_last();
        goto done;
    }
    rets[0] = pts_ret_tensor(y);
    y = NULL;
done:
    for (int i = 0; i < 3; i++) {
        pts_free(j.dim[i].idx);
        pts_free(j.dim[i].w);
    }
    if (x)
        pts_obj_release(&x->hdr);
    if (y)
        pts_obj_release(&y->hdr);
    return st;
}

/* (self, output_size, align_corners, scales...): scales k values, -1 = none */
static pts_status interp_plain(const char *op, pts_tensor *x, pts_value output_size, bool align_corners,
                               const double *scales, pts_value *rets, int k, bool cubic)
{
    up_args u;
    PTS_TRY(up_plain_args(x, k, output_size, scales, &u));
    u.align_corners = align_corners;
    return interp_run(op, x, &u, cubic, rets);
}

/* (input, output_size?, align_corners, scale_factors?) */
static pts_status interp_vec(const char *op, pts_tensor *x, pts_value output_size, bool align_corners,
                             pts_value scale_factors, pts_value *rets, int k, bool cubic)
{
    up_args u;
    PTS_TRY(up_vec_args(op, x, k, output_size, scale_factors, &u));
    u.align_corners = align_corners;
    return interp_run(op, x, &u, cubic, rets);
}

PTS_KERNEL(k_upsample_linear1d)
{
    double sc[1] = {SCALE(a, scales)};
    return interp_plain("upsample_linear1d", a->self, a->output_size, a->align_corners, sc, rets, 1, false);
}
PTS_KERNEL(k_upsample_bilinear2d)
{
    double sc[2] = {SCALE(a, scales_h), SCALE(a, scales_w)};
    return interp_plain("upsample_bilinear2d", a->self, a->output_size, a->align_corners, sc, rets, 2, false);
}
PTS_KERNEL(k_upsample_trilinear3d)
{
    double sc[3] = {SCALE(a, scales_d), SCALE(a, scales_h), SCALE(a, scales_w)};
    return interp_plain("upsample_trilinear3d", a->self, a->output_size, a->align_corners, sc, rets, 3, false);
}
PTS_KERNEL(k_upsample_bicubic2d)
{
    double sc[2] = {SCALE(a, scales_h), SCALE(a, scales_w)};
    return interp_plain("upsample_bicubic2d", a->self, a->output_size, a->align_corners, sc, rets, 2, true);
}
PTS_KERNEL(k_upsample_linear1d_vec)
{
    return interp_vec("upsample_linear1d", a->input, a->output_size, a->align_corners, a->scale_factors, rets, 1, false);
}
PTS_KERNEL(k_upsample_bilinear2d_vec)
{
    return interp_vec("upsample_bilinear2d", a->input, a->output_size, a->align_corners, a->scale_factors, rets, 2, false);
}
PTS_KERNEL(k_upsample_trilinear3d_vec)
{
    return interp_vec("upsample_trilinear3d", a->input, a->output_size, a->align_corners, a->scale_factors, rets, 3, false);
}
PTS_KERNEL(k_upsample_bicubic2d_vec)
{
    return interp_vec("upsample_bicubic2d", a->input, a->output_size, a->align_corners, a->scale_factors, rets, 2, true);
}

/* ---- shuffles ----------------------------------------------------------------------------------- */

/* Copy the view (sizes/strides over x's storage) contiguously, then give
 * the result the shape rsz (same element count). */
static pts_status permuted_copy(pts_tensor *x, int nd, const int64_t *sz, const int64_t *st, int rnd, const int64_t *rsz,
                                pts_value *rets)
{
    pts_tensor *v = pts_tensor_view_of(x->storage, x->dtype, nd, sz, st, x->offset);
    if (!v)
        return pts_err_last();
    pts_tensor *c = pts_tensor_is_contiguous(v)       ? pts_tensor_contiguous_copy(v)
                    : pts_dtype_is_complex(v->dtype) ? pts_tensor_to_dtype(v, v->dtype) /* any element size */
                                                     : pts_nn_contig(v, v->dtype);
    pts_obj_release(&v->hdr);
    if (!c)
        return pts_err_last();
    c->ndim = rnd;
    memcpy(c->sizes, rsz, sizeof(int64_t) * (size_t)rnd);
    pts_contiguous_strides(rnd, c->sizes, c->strides);
    rets[0] = pts_ret_tensor(c);
    return PTS_OK;
}

/* aten::pixel_shuffle(Tensor self, int upscale_factor) -> Tensor: [*, C*r*r, H, W] -> [*, C, H*r, W*r] */
PTS_KERNEL(k_pixel_shuffle)
{
    pts_tensor *x = a->self;
    int64_t r = a->upscale_factor;
    if (x->ndim < 3)
        return pts_err_set(PTS_ERR_VALUE, "pixel_shuffle expects input to have at least 3 dimensions, but got input with %d dimension(s)", x->ndim);
    if (r <= 0)
        return pts_err_set(PTS_ERR_VALUE, "pixel_shuffle expects a positive upscale_factor, but got %lld", (long long)r);
    int L = x->ndim - 3;
    if (L + 6 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "pixel_shuffle: too many dimensions");
    int64_t C = x->sizes[L], H = x->sizes[L + 1], W = x->sizes[L + 2];
    if (C % (r * r))
        return pts_err_set(PTS_ERR_VALUE, "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=%lld is not divisible by %lld",
                           (long long)C, (long long)(r * r));
    int64_t sc = x->strides[L], sh = x->strides[L + 1], sw = x->strides[L + 2], oc = C / (r * r);
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS], rsz[PTS_MAX_DIMS];
    for (int i = 0; i < L; i++) {
        sz[i] = rsz[i] = x->sizes[i];
        st[i] = x->strides[i];
    }
    int64_t s6[6] = {oc, H, r, W, r, 0}, t6[6] = {sc * r * r, sh, sc * r, sw, sc, 0};
    memcpy(sz + L, s6, 5 * sizeof(int64_t));
    memcpy(st + L, t6, 5 * sizeof(int64_t));
    rsz[L] = oc;
    rsz[L + 1] = H * r;
    rsz[L + 2] = W * r;
    return permuted_copy(x, L + 5, sz, st, L + 3, rsz, rets);
}

/* aten::pixel_unshuffle(Tensor self, int downscale_factor) -> Tensor: [*, C, H*r, W*r] -> [*, C*r*r, H, W] */
PTS_KERNEL(k_pixel_unshuffle)
{
    pts_tensor *x = a->self;
    int64_t r = a->downscale_factor;
    if (x->ndim < 3)
        return pts_err_set(PTS_ERR_VALUE, "pixel_unshuffle expects input to have at least 3 dimensions, but got input with %d dimension(s)", x->ndim);
    if (r <= 0)
        return pts_err_set(PTS_ERR_VALUE, "pixel_unshuffle expects a positive downscale_factor, but got %lld", (long long)r);
    int L = x->ndim - 3;
    if (L + 6 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "pixel_unshuffle: too many dimensions");
    int64_t C = x->sizes[L], H = x->sizes[L + 1], W = x->sizes[L + 2];
    if (H % r || W % r)
        return pts_err_set(PTS_ERR_VALUE, "pixel_unshuffle expects height and width to be divisible by downscale_factor (%lld), got %lld x %lld",
                           (long long)r, (long long)H, (long long)W);
    if (pts_tensor_numel(x) == 0) { /* ATen returns a copy of an empty input as it is */
        pts_tensor *y = pts_tensor_empty(x->dtype, x->ndim, x->sizes);
        if (!y)
            return pts_err_last();
        rets[0] = pts_ret_tensor(y);
        return PTS_OK;
    }
    int64_t sc = x->strides[L], sh = x->strides[L + 1], sw = x->strides[L + 2];
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS], rsz[PTS_MAX_DIMS];
    for (int i = 0; i < L; i++) {
        sz[i] = rsz[i] = x->sizes[i];
        st[i] = x->strides[i];
    }
    /* [C, r(h), r(w), H/r, W/r] */
    int64_t s5[5] = {C, r, r, H / r, W / r}, t5[5] = {sc, sh, sw, sh * r, sw * r};
    memcpy(sz + L, s5, sizeof s5);
    memcpy(st + L, t5, sizeof t5);
    rsz[L] = C * r * r;
    rsz[L + 1] = H / r;
    rsz[L + 2] = W / r;
    return permuted_copy(x, L + 5, sz, st, L + 3, rsz, rets);
}

/* aten::channel_shuffle(Tensor self, SymInt groups) -> Tensor: [N, g, C/g, *] -> [N, C/g, g, *] */
PTS_KERNEL(k_channel_shuffle)
{
    pts_tensor *x = a->self;
    int64_t g = a->groups;
    if (x->ndim < 3)
        return pts_err_set(PTS_ERR_VALUE, "channel_shuffle expects input to have at least 3 dimensions, but got input with %d dims", x->ndim);
    if (g <= 0)
        return pts_err_set(PTS_ERR_VALUE, "Number of groups to divide channels in must be positive. Value of groups:%lld", (long long)g);
    int64_t C = x->sizes[1];
    if (C % g)
        return pts_err_set(PTS_ERR_VALUE, "Number of channels must be divisible by groups. Got %lld channels and %lld groups.",
                           (long long)C, (long long)g);
    if (x->ndim + 1 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "channel_shuffle: too many dimensions");
    int64_t sz[PTS_MAX_DIMS], st[PTS_MAX_DIMS];
    sz[0] = x->sizes[0];
    st[0] = x->strides[0];
    sz[1] = C / g;
    st[1] = x->strides[1];
    sz[2] = g;
    st[2] = x->strides[1] * (C / g);
    for (int i = 2; i < x->ndim; i++) {
        sz[i + 1] = x->sizes[i];
        st[i + 1] = x->strides[i];
    }
    return permuted_copy(x, x->ndim + 1, sz, st, x->ndim, x->sizes, rets);
}

const pts_op_def pts_ops_resample[] = {
    PTS_OP("aten::upsample_nearest1d(Tensor self, SymInt[1] output_size, float? scales=None) -> Tensor", k_upsample_nearest1d),
    PTS_OP("aten::upsample_nearest1d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k_upsample_nearest1d_vec),
    PTS_OP("aten::upsample_nearest2d(Tensor self, SymInt[2] output_size, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_nearest2d),
    PTS_OP("aten::upsample_nearest2d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k_upsample_nearest2d_vec),
    PTS_OP("aten::upsample_nearest3d(Tensor self, SymInt[3] output_size, float? scales_d=None, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_nearest3d),
    PTS_OP("aten::upsample_nearest3d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k_upsample_nearest3d_vec),
    PTS_OP("aten::_upsample_nearest_exact1d(Tensor self, SymInt[1] output_size, float? scales=None) -> Tensor", k__upsample_nearest_exact1d),
    PTS_OP("aten::_upsample_nearest_exact1d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k__upsample_nearest_exact1d_vec),
    PTS_OP("aten::_upsample_nearest_exact2d(Tensor self, SymInt[2] output_size, float? scales_h=None, float? scales_w=None) -> Tensor", k__upsample_nearest_exact2d),
    PTS_OP("aten::_upsample_nearest_exact2d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k__upsample_nearest_exact2d_vec),
    PTS_OP("aten::_upsample_nearest_exact3d(Tensor self, SymInt[3] output_size, float? scales_d=None, float? scales_h=None, float? scales_w=None) -> Tensor", k__upsample_nearest_exact3d),
    PTS_OP("aten::_upsample_nearest_exact3d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", k__upsample_nearest_exact3d_vec),
    PTS_OP("aten::upsample_linear1d(Tensor self, SymInt[1] output_size, bool align_corners, float? scales=None) -> Tensor", k_upsample_linear1d),
    PTS_OP("aten::upsample_linear1d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_linear1d_vec),
    PTS_OP("aten::upsample_bilinear2d(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_bilinear2d),
    PTS_OP("aten::upsample_bilinear2d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_bilinear2d_vec),
    PTS_OP("aten::upsample_trilinear3d(Tensor self, SymInt[3] output_size, bool align_corners, float? scales_d=None, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_trilinear3d),
    PTS_OP("aten::upsample_trilinear3d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_trilinear3d_vec),
    PTS_OP("aten::upsample_bicubic2d(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", k_upsample_bicubic2d),
    PTS_OP("aten::upsample_bicubic2d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", k_upsample_bicubic2d_vec),
    PTS_OP("aten::constant_pad_nd(Tensor self, SymInt[] pad, Scalar value=0) -> Tensor", k_constant_pad_nd),
    PTS_OP("aten::reflection_pad1d(Tensor self, SymInt[2] padding) -> Tensor", k_reflection_pad1d),
    PTS_OP("aten::reflection_pad2d(Tensor self, SymInt[4] padding) -> Tensor", k_reflection_pad2d),
    PTS_OP("aten::reflection_pad3d(Tensor self, SymInt[6] padding) -> Tensor", k_reflection_pad3d),
    PTS_OP("aten::replication_pad1d(Tensor self, SymInt[2] padding) -> Tensor", k_replication_pad1d),
    PTS_OP("aten::replication_pad2d(Tensor self, SymInt[4] padding) -> Tensor", k_replication_pad2d),
    PTS_OP("aten::replication_pad3d(Tensor self, SymInt[6] padding) -> Tensor", k_replication_pad3d),
    PTS_OP("aten::_pad_circular(Tensor self, SymInt[] pad) -> Tensor", k__pad_circular),
    PTS_OP("aten::_pad_enum(Tensor self, SymInt[] pad, int mode, float? value=None) -> Tensor", k__pad_enum),
    PTS_OP("aten::pad(Tensor self, SymInt[] pad, str mode=\"constant\", float? value=None) -> Tensor", k_pad),
    PTS_OP("aten::pixel_shuffle(Tensor self, int upscale_factor) -> Tensor", k_pixel_shuffle),
    PTS_OP("aten::pixel_unshuffle(Tensor self, int downscale_factor) -> Tensor", k_pixel_unshuffle),
    PTS_OP("aten::channel_shuffle(Tensor self, SymInt groups) -> Tensor", k_channel_shuffle),
    PTS_OP("aten::native_channel_shuffle(Tensor self, SymInt groups) -> Tensor", k_channel_shuffle),
    {NULL, NULL},
};
