/* stft.c - the short-time Fourier transform and its inverse on fft.c's
 * transform (pts_fft_dim): stft (the native op torch.stft's TorchScript body
 * calls after its own padding), stft.center (the same with the centre padding
 * done here: reflect, constant, replicate, circular), istft.
 *
 * As in ATen (SpectralOps.cpp): a window shorter than n_fft is zero-padded
 * on both sides (left = (n_fft - win_length) / 2); frame m of stft is
 * input[m * hop .. m * hop + n_fft) times that window (with align_to_window,
 * the window's nonzero part starts at m * hop and there are
 * 1 + (len - win_length) / hop frames); the result is [batch, freq, frames]
 * (freq n_fft / 2 + 1 when onesided), scaled by 1/sqrt(n_fft) when
 * normalized, and view_as_real'd when return_complex is false.  istft inverts
 * each frame (c2r from the first n_fft / 2 + 1 bins, or c2c when
 * return_complex), multiplies by the window, overlap-adds, and divides by the
 * overlap-added squared window, refusing an envelope below 1e-11 ("window
 * overlap add min") as torch does; centre padding and `length` trim or
 * zero-extend as torch.  Everything is computed in double and rounded once
 * (the windowed frames of a float32 stft are rounded to float first, as torch
 * multiplies them in float).  torch's messages carry its argument dump
 * ("stft(torch.FloatTensor[2, 40], n_fft=16, ...) : ..."): reproduced. */
#include <complex.h>

#include "ops/fft/fft.h"
#include "ops/kernel.h"
#include "tensor/cplx.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

static void shape_txt(const pts_tensor *t, char *buf, size_t cap)
{
    pts_shape_str(t->ndim, t->sizes, buf, cap);
}

static const char *opt_b(bool has, bool v) { return !has ? "None" : v ? "1" : "0"; }

typedef struct stft_args {
    pts_tensor *self, *window;
    int64_t n_fft, hop, win;
    bool center;
    const char *pad_mode;
    bool normalized;
    bool has_onesided, onesided, has_rc, rc, has_align, align;
    bool has_length;
    int64_t length;
} stft_args;

/* "stft(torch.FloatTensor[2, 40], n_fft=16, ..., align_to_window=None) : " */
static void stft_prefix(const stft_args *s, int dtype, int ndim, const int64_t *sizes, char *buf, size_t cap)
{
    char sh[128], ws[160];
    pts_shape_str(ndim, sizes, sh, sizeof sh);
    if (s->window) {
        char wsh[96];
        shape_txt(s->window, wsh, sizeof wsh);
        snprintf(ws, sizeof ws, "torch.%sTensor{%s}", pts_dtype_torch_name(s->window->dtype), wsh);
    } else {
        snprintf(ws, sizeof ws, "None");
    }
    snprintf(buf, cap,
             "stft(torch.%sTensor%s, n_fft=%lld, hop_length=%lld, win_length=%lld, window=%s, normalized=%d, "
             "onesided=%s, return_complex=%s, align_to_window=%s) : ",
             pts_dtype_torch_name(dtype), sh, (long long)s->n_fft, (long long)s->hop, (long long)s->win, ws,
             s->normalized ? 1 : 0, opt_b(s->has_onesided, s->onesided), opt_b(s->has_rc, s->rc),
             opt_b(s->has_align, s->align));
}

/* x [B, L] (double; complex: pairs) -> x padded by p on both sides by mode, [B, L + 2p] */
static pts_status pad_center(const double *x, int64_t B, int64_t L, int w, int64_t p, const char *mode, double **out)
{
    int kind = !strcmp(mode, "reflect") ? 0 : !strcmp(mode, "constant") ? 1 : !strcmp(mode, "replicate") ? 2
             : !strcmp(mode, "circular") ? 3 : -1;
    if (kind < 0)
        return pts_err_set(PTS_ERR_VALUE, "Unrecognised padding mode %s", mode);
    if (kind == 0 && p >= L)
        return pts_err_set(PTS_ERR_VALUE,
                           "Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                           "padding (%lld, %lld) at dimension 2 of input [1, %lld, %lld]",
                           (long long)p, (long long)p, (long long)B, (long long)L);
    if (kind == 3 && p > L)
        return pts_err_set(PTS_ERR_VALUE, "Padding value causes wrapping around more than once.");
    if (kind == 2 && L == 0 && p > 0)
        return pts_err_set(PTS_ERR_VALUE, "stft: cannot replicate-pad an empty signal");
    int64_t N = L + 2 * p;
    double *o = pts_malloc(sizeof(double) * (size_t)(B * N * w + 1));
    if (!o)
        return pts_err_nomem("stft padding", sizeof(double) * (size_t)(B * N * w));
    for (int64_t b = 0; b < B; b++)
        for (int64_t j = 0; j < N; j++) {
            int64_t i = j - p; /* source index */
            bool zero = false;
            if (i < 0 || i >= L) {
                if (kind == 0)
                    i = i < 0 ? -i : 2 * (L - 1) - i;
                else if (kind == 1)
                    zero = true;
                else if (kind == 2)
                    i = i < 0 ? 0 : L - 1;
                else
                    i = i < 0 ? i + L : i - L;
            }
            for (int c = 0; c < w; c++)
                o[(b * N + j) * w + c] = zero ? 0.0 : x[(b * L + i) * w + c];
        }
    *out = o;
    return PTS_OK;
}

static pts_status stft_run(stft_args *s, pts_value *rets)
{
    pts_tensor *in = s->self;
    char pre[512];
    int dt = in->dtype;
    bool wc = s->window && pts_dtype_is_complex(s->window->dtype);
    bool cin = pts_dtype_is_complex(dt);
    if (s->center && s->has_align)
        return pts_err_set(PTS_ERR_VALUE, "stft align_to_window should only be set when center = false.");
    if (!s->has_rc && !cin && !wc)
        return pts_err_set(PTS_ERR_VALUE,
                           "stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.");
    stft_prefix(s, dt, in->ndim, in->sizes, pre, sizeof pre);
    if (!pts_is_float(dt) && !cin)
        return pts_err_set(PTS_ERR_TYPE, "%sexpected a tensor of floating point or complex values", pre);
    if (in->ndim != 1 && in->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%sexpected a 1D or 2D tensor", pre);
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64 && !cin)
        return pts_err_set(PTS_ERR_TYPE, "MKL FFT doesn't support tensors of type: %s", pts_dtype_torch_name(dt));
    bool one = in->ndim == 1;
    int64_t B = one ? 1 : in->sizes[0], L0 = in->sizes[in->ndim - 1];
    int w = cin ? 2 : 1;
    /* the input as doubles [B, L0] */
    pts_tensor *xd = pts_tensor_to_dtype(in, cin ? PTS_COMPLEX128 : PTS_FLOAT64);
    if (!xd)
        return pts_err_last();
    double *x = pts_tensor_data(xd), *padded = NULL;
    int64_t L = L0;
    if (s->center) {
        int64_t p = s->n_fft / 2;
        pts_status st = pad_center(x, B, L0, w, p, s->pad_mode, &padded);
        if (st) {
            release(xd);
            return st;
        }
        x = padded;
        L = L0 + 2 * p;
    }
    pts_status st = PTS_OK;
    pts_tensor *frames = NULL, *wd = NULL;
    int64_t n = s->n_fft, hop = s->hop, win = s->win;
    if (s->center) { /* the prefix describes the padded input */
        int64_t sz[2] = {B, L};
        stft_prefix(s, dt, in->ndim, one ? sz + 1 : sz, pre, sizeof pre);
    }
    if (n <= 0 || n > L) {
        st = pts_err_set(PTS_ERR_VALUE, "%sexpected 0 < n_fft < %lld, but got n_fft=%lld", pre, (long long)L,
                         (long long)n);
        goto done;
    }
    if (hop <= 0) {
        st = pts_err_set(PTS_ERR_VALUE, "%sexpected hop_length > 0, but got hop_length=%lld", pre, (long long)hop);
        goto done;
    }
    if (win <= 0 || win > n) {
        st = pts_err_set(PTS_ERR_VALUE, "%sexpected 0 < win_length <= n_fft, but got win_length=%lld", pre,
                         (long long)win);
        goto done;
    }
    if (s->window && (s->window->ndim != 1 || s->window->sizes[0] != win)) {
        char wsh[96];
        shape_txt(s->window, wsh, sizeof wsh);
        st = pts_err_set(PTS_ERR_VALUE, "%sexpected a 1D window tensor of size equal to win_length=%lld, but got "
                         "window with size %s", pre, (long long)win, wsh);
        goto done;
    }
    bool cplx = cin || wc;
    bool onesided = s->has_onesided ? s->onesided : !cplx;
    if (onesided && cplx) {
        st = pts_err_set(PTS_ERR_VALUE, "Cannot have onesided output if window or input is complex");
        goto done;
    }
    if (B == 0) {
        st = pts_err_set(PTS_ERR_VALUE, "stft: an empty batch (torch's FFT refuses it)");
        goto done;
    }
    /* result dtype: the input promoted with the window, made complex */
    int rd = s->window ? pts_promote_types(dt, s->window->dtype) : dt;
    int cd = pts_dtype_to_complex(rd);
    bool round_f = pts_dtype_real(rd) == PTS_FLOAT32;
    /* the padded window (complex pairs) */
    int64_t left = (n - win) / 2;
    double *wv = pts_malloc(sizeof(double) * (size_t)(2 * n));
    if (!wv) {
        st = pts_err_nomem("stft window", sizeof(double) * (size_t)(2 * n));
        goto done;
    }
    memset(wv, 0, sizeof(double) * (size_t)(2 * n));
    if (s->window) {
        wd = pts_tensor_to_dtype(s->window, PTS_COMPLEX128);
        if (!wd) {
            pts_free(wv);
            st = pts_err_last();
            goto done;
        }
        memcpy(wv + 2 * left, pts_tensor_data(wd), sizeof(double) * (size_t)(2 * win));
    } else {
        for (int64_t k = 0; k < win; k++)
            wv[2 * (left + k)] = 1.0;
    }
    bool align = s->has_align && s->align;
    int64_t nf = align ? 1 + (L - win) / hop : 1 + (L - n) / hop;
    int64_t fsz[3] = {B, nf, n};
    frames = pts_tensor_empty(PTS_COMPLEX128, 3, fsz);
    if (!frames) {
        pts_free(wv);
        st = pts_err_last();
        goto done;
    }
    double *f = pts_tensor_data(frames);
    for (int64_t b = 0; b < B; b++)
        for (int64_t m = 0; m < nf; m++)
            for (int64_t k = 0; k < n; k++) {
                int64_t src = align ? m * hop - left + k : m * hop + k;
                double *o = f + 2 * ((b * nf + m) * n + k);
                double wr = wv[2 * k], wi = wv[2 * k + 1];
                if (src < 0 || src >= L || (wr == 0 && wi == 0 && align)) {
                    o[0] = o[1] = 0;
                    continue;
                }
                double xr = x[(b * L + src) * w], xi = cin ? x[(b * L + src) * w + 1] : 0;
                if (cplx) {
                    o[0] = xr * wr - xi * wi;
                    o[1] = xr * wi + xi * wr;
                } else {
                    o[0] = xr * wr;
                    o[1] = 0;
                }
                if (round_f) {
                    o[0] = (double)(float)o[0];
                    o[1] = (double)(float)o[1];
                }
            }
    pts_free(wv);
    st = pts_fft_dim(frames, 2, -1);
    if (st)
        goto done;
    {
        int64_t nfreq = onesided ? n / 2 + 1 : n;
        double scale = s->normalized ? 1.0 / sqrt((double)n) : 1.0;
        int64_t osz[4];
        int od = 0;
        if (!one)
            osz[od++] = B;
        osz[od++] = nfreq;
        osz[od++] = nf;
        pts_tensor *r = pts_tensor_empty(PTS_COMPLEX128, od, osz);
        if (!r) {
            st = pts_err_last();
            goto done;
        }
        double *ro = pts_tensor_data(r);
        for (int64_t b = 0; b < B; b++)
            for (int64_t q = 0; q < nfreq; q++)
                for (int64_t m = 0; m < nf; m++) {
                    const double *v = f + 2 * ((b * nf + m) * n + q);
                    double *o = ro + 2 * ((b * nfreq + q) * nf + m);
                    o[0] = v[0] * scale;
                    o[1] = v[1] * scale;
                }
        pts_tensor *c = pts_tensor_to_dtype(r, cd);
        release(r);
        if (!c) {
            st = pts_err_last();
            goto done;
        }
        if (s->has_rc && !s->rc) { /* view_as_real */
            int64_t vs[5], vst[5];
            for (int i = 0; i < c->ndim; i++)
                vs[i] = c->sizes[i], vst[i] = c->strides[i] * 2;
            vs[c->ndim] = 2, vst[c->ndim] = 1;
            pts_tensor *v = pts_tensor_view_of(c->storage, pts_dtype_real(cd), c->ndim + 1, vs, vst, c->offset * 2);
            release(c);
            if (!v) {
                st = pts_err_last();
                goto done;
            }
            c = v;
        }
        rets[0] = pts_ret_tensor(c);
    }
done:
    release(frames);
    release(wd);
    pts_free(padded);
    release(xd);
    return st;
}

static void fill_common(stft_args *s, pts_tensor *self, int64_t n_fft, bool has_hop, int64_t hop, bool has_win,
                        int64_t win, pts_tensor *window)
{
    memset(s, 0, sizeof *s);
    s->self = self;
    s->window = window;
    s->n_fft = n_fft;
    s->hop = has_hop ? hop : n_fft >> 2;
    s->win = has_win ? win : n_fft;
}

PTS_KERNEL(k_stft)
{
    stft_args s;
    fill_common(&s, a->self, a->n_fft, a->has_hop_length, a->hop_length, a->has_win_length, a->win_length,
                a->window);
    s.normalized = a->normalized;
    s.has_onesided = a->has_onesided, s.onesided = a->onesided;
    s.has_rc = a->has_return_complex, s.rc = a->return_complex;
    s.has_align = a->has_align_to_window, s.align = a->align_to_window;
    s.pad_mode = "reflect";
    return stft_run(&s, rets);
}

PTS_KERNEL(k_stft_center)
{
    stft_args s;
    fill_common(&s, a->self, a->n_fft, a->has_hop_length, a->hop_length, a->has_win_length, a->win_length,
                a->window);
    s.center = a->center;
    s.pad_mode = a->pad_mode;
    s.normalized = a->normalized;
    s.has_onesided = a->has_onesided, s.onesided = a->onesided;
    s.has_rc = a->has_return_complex, s.rc = a->return_complex;
    s.has_align = a->has_align_to_window, s.align = a->align_to_window;
    return stft_run(&s, rets);
}

/* ---- istft ------------------------------------------------------------------------------------- */

static void istft_prefix(const stft_args *s, char *buf, size_t cap)
{
    char sh[128], ws[160], ls[32];
    shape_txt(s->self, sh, sizeof sh);
    if (s->window) {
        char wsh[96];
        shape_txt(s->window, wsh, sizeof wsh);
        snprintf(ws, sizeof ws, "torch.%sTensor{%s}", pts_dtype_torch_name(s->window->dtype), wsh);
    } else {
        snprintf(ws, sizeof ws, "None");
    }
    if (s->has_length)
        snprintf(ls, sizeof ls, "%lld", (long long)s->length);
    else
        snprintf(ls, sizeof ls, "None");
    snprintf(buf, cap,
             "istft(CPU%sType%s, n_fft=%lld, hop_length=%lld, win_length=%lld, window=%s, center=%d, normalized=%d, "
             "onesided=%s, length=%s, return_complex=%d)",
             pts_dtype_torch_name(s->self->dtype), sh, (long long)s->n_fft, (long long)s->hop, (long long)s->win, ws,
             s->center ? 1 : 0, s->normalized ? 1 : 0, opt_b(s->has_onesided, s->onesided), ls, s->rc ? 1 : 0);
}

static pts_status istft_run(stft_args *s, pts_value *rets)
{
    pts_tensor *in = s->self;
    char pre[512];
    int dt = in->dtype;
    if (!pts_dtype_is_complex(dt))
        return pts_err_set(PTS_ERR_VALUE, "istft requires a complex-valued input tensor matching the output from stft "
                                          "with return_complex=True.");
    istft_prefix(s, pre, sizeof pre);
    int64_t n = s->n_fft, hop = s->hop, win = s->win;
    if (pts_tensor_numel(in) == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s : input tensor cannot be empty.", pre);
    if (in->ndim != 2 && in->ndim != 3)
        return pts_err_set(PTS_ERR_VALUE, "%s : expected a tensor with 3 or 4 dimensions of complex, but got %dD",
                           pre, in->ndim + 1);
    int64_t nframes = in->sizes[in->ndim - 1], fsize = in->sizes[in->ndim - 2];
    int64_t C = in->ndim == 3 ? in->sizes[0] : 1;
    bool onesided = s->has_onesided ? s->onesided : fsize != n;
    if (onesided && n / 2 + 1 != fsize)
        return pts_err_set(PTS_ERR_VALUE, "%s : expected the frequency dimension (3rd to the last) of the input tensor "
                           "to match n_fft / 2 + 1 when onesided=True, but got %lld", pre, (long long)fsize);
    if (!onesided && n != fsize)
        return pts_err_set(PTS_ERR_VALUE, "%s : expected the frequency dimension (3rd to the last) of the input tensor "
                           "to match n_fft when onesided=False, but got %lld", pre, (long long)fsize);
    if (!(0 < hop && hop <= win))
        return pts_err_set(PTS_ERR_VALUE, "%s : expected 0 < hop_length <= win_length", pre);
    if (!(0 < win && win <= n))
        return pts_err_set(PTS_ERR_VALUE, "%s : expected 0 < win_length <= n_fft", pre);
    if (s->window && (s->window->ndim != 1 || s->window->sizes[0] != win))
        return pts_err_set(PTS_ERR_VALUE, "%s : Invalid window shape. window has to be 1D and length of `win_length`",
                           pre);
    bool wc = s->window && pts_dtype_is_complex(s->window->dtype);
    if (s->rc && onesided)
        return pts_err_set(PTS_ERR_VALUE, "Cannot have onesided output if window or input is complex");
    if (!s->rc && wc)
        return pts_err_set(PTS_ERR_VALUE, "Complex windows are incompatible with return_complex=False");
    int rdt = pts_dtype_real(dt);
    int wdt = s->window ? s->window->dtype : rdt;
    int od = pts_promote_types(s->rc ? dt : rdt, wdt);
    bool wround = pts_dtype_real(wdt) == PTS_FLOAT32;
    /* spectra as complex128 [C, nframes, n] (full spectrum), then inverse transforms */
    pts_tensor *xd = pts_tensor_to_dtype(in, PTS_COMPLEX128);
    if (!xd)
        return pts_err_last();
    int64_t fs[3] = {C, nframes, n};
    pts_tensor *fr = pts_tensor_empty(PTS_COMPLEX128, 3, fs);
    pts_tensor *wd = fr && s->window ? pts_tensor_to_dtype(s->window, PTS_COMPLEX128) : NULL;
    double *wv = fr && (wd || !s->window) ? pts_malloc(sizeof(double) * (size_t)(2 * n)) : NULL;
    int64_t expected = n + hop * (nframes - 1);
    double *y = wv ? pts_malloc(sizeof(double) * (size_t)(2 * C * expected + 2)) : NULL;
    double *env = y ? pts_malloc(sizeof(double) * (size_t)(expected + 1)) : NULL;
    pts_status st = env ? PTS_OK : pts_err_nomem("istft", sizeof(double) * (size_t)(2 * C * expected));
    if (st)
        goto done;
    {
        const double *x = pts_tensor_data(xd);
        double *f = pts_tensor_data(fr);
        for (int64_t c = 0; c < C; c++)
            for (int64_t m = 0; m < nframes; m++)
                for (int64_t k = 0; k < n; k++) {
                    double *o = f + 2 * ((c * nframes + m) * n + k);
                    const double *v;
                    if (s->rc) {
                        v = x + 2 * ((c * fsize + k) * nframes + m);
                        o[0] = v[0], o[1] = v[1];
                        continue;
                    }
                    /* c2r: the Hermitian spectrum from bins 0..n/2 */
                    int64_t kk = k <= n / 2 ? k : n - k;
                    v = x + 2 * ((c * fsize + kk) * nframes + m);
                    o[0] = v[0];
                    o[1] = k <= n / 2 ? v[1] : -v[1];
                    if (k == 0 || (n % 2 == 0 && k == n / 2))
                        o[1] = 0;
                }
        st = pts_fft_dim(fr, 2, +1);
        if (st)
            goto done;
        double scale = s->normalized ? 1.0 / sqrt((double)n) : 1.0 / (double)n;
        int64_t left = (n - win) / 2;
        memset(wv, 0, sizeof(double) * (size_t)(2 * n));
        if (wd)
            memcpy(wv + 2 * left, pts_tensor_data(wd), sizeof(double) * (size_t)(2 * win));
        else
            for (int64_t k = 0; k < win; k++)
                wv[2 * (left + k)] = 1.0;
        memset(y, 0, sizeof(double) * (size_t)(2 * C * expected));
        memset(env, 0, sizeof(double) * (size_t)expected);
        for (int64_t m = 0; m < nframes; m++)
            for (int64_t k = 0; k < n; k++) {
                double wr = wv[2 * k], wi = wv[2 * k + 1];
                double p2r = wr * wr - wi * wi; /* window.pow(2) (complex windows: the complex square) */
                env[m * hop + k] += wround ? (double)(float)p2r : p2r;
                for (int64_t c = 0; c < C; c++) {
                    const double *v = f + 2 * ((c * nframes + m) * n + k);
                    double vr = v[0] * scale, vi = s->rc ? v[1] * scale : 0;
                    double *o = y + 2 * (c * expected + m * hop + k);
                    o[0] += vr * wr - vi * wi;
                    o[1] += vr * wi + vi * wr;
                }
            }
        int64_t start = s->center ? n / 2 : 0;
        int64_t end = s->has_length ? start + s->length : s->center ? -(n / 2) : expected;
        /* slice(1, start, end) with slice's wrapping and clamping */
        int64_t ss = start < 0 ? start + expected : start, ee = end < 0 ? end + expected : end;
        ss = ss < 0 ? 0 : ss > expected ? expected : ss;
        ee = ee < 0 ? 0 : ee > expected ? expected : ee;
        if (ee < ss)
            ee = ss;
        double lowest = INFINITY;
        for (int64_t i = ss; i < ee; i++)
            lowest = fabs(env[i]) < lowest ? fabs(env[i]) : lowest;
        if (ee == ss) {
            st = pts_err_set(PTS_ERR_VALUE, "%s : the trimmed signal is empty (torch: min() of an empty tensor)", pre);
            goto done;
        }
        if (lowest < 1e-11) {
            st = pts_err_set(PTS_ERR_VALUE, "%s window overlap add min: 1", pre);
            goto done;
        }
        int64_t outlen = (ee - ss) + (end > expected ? end - expected : 0);
        int64_t osz[2];
        int ond = 0;
        if (in->ndim == 3)
            osz[ond++] = C;
        osz[ond++] = outlen;
        pts_tensor *r = pts_tensor_zeros(PTS_COMPLEX128, ond, osz);
        if (!r) {
            st = pts_err_last();
            goto done;
        }
        double *ro = pts_tensor_data(r);
        for (int64_t c = 0; c < C; c++)
            for (int64_t i = ss; i < ee; i++) {
                double e = env[i];
                ro[2 * (c * outlen + i - ss)] = y[2 * (c * expected + i)] / e;
                ro[2 * (c * outlen + i - ss) + 1] = y[2 * (c * expected + i) + 1] / e;
            }
        pts_tensor *o = pts_tensor_to_dtype(r, od);
        release(r);
        if (!o) {
            st = pts_err_last();
            goto done;
        }
        rets[0] = pts_ret_tensor(o);
    }
done:
    pts_free(env);
    pts_free(y);
    pts_free(wv);
    release(wd);
    release(fr);
    release(xd);
    return st;
}

PTS_KERNEL(k_istft)
{
    stft_args s;
    fill_common(&s, a->self, a->n_fft, a->has_hop_length, a->hop_length, a->has_win_length, a->win_length,
                a->window);
    s.center = a->center;
    s.normalized = a->normalized;
    s.has_onesided = a->has_onesided, s.onesided = a->onesided;
    s.has_rc = true, s.rc = a->return_complex;
    s.has_length = a->has_length, s.length = a->length;
    return istft_run(&s, rets);
}

const pts_op_def pts_ops_stft[] = {
    PTS_OP("aten::stft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool normalized=False, bool? onesided=None, bool? return_complex=None, bool? align_to_window=None) -> Tensor", k_stft),
    PTS_OP("aten::stft.center(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, str pad_mode=\"reflect\", bool normalized=False, bool? onesided=None, bool? return_complex=None, bool? align_to_window=None) -> Tensor", k_stft_center),
    PTS_OP("aten::istft(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, bool center=True, bool normalized=False, bool? onesided=None, int? length=None, bool return_complex=False) -> Tensor", k_istft),
    {NULL, NULL},
};
