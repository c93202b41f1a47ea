/* fft.c - the discrete Fourier transforms of torch.fft: fft/ifft, rfft/irfft,
 * hfft/ihfft, fft2/ifft2/rfft2/irfft2/hfft2/ihfft2, fftn/ifftn/rfftn/irfftn/hfftn/ihfftn, fftfreq,
 * rfftfreq, fftshift/ifftshift, and the three primitives traces record
 * (_fft_c2c, _fft_r2c, _fft_c2r), with torch's n / s / dim / norm handling.
 *
 * One 1-D complex transform of any length does all the work (docs/fft.md
 * says why pyts has its own rather than FFTW or pocketfft): a recursive
 * mixed-radix decimation in time over the factors 4, 2, 3, 5 and any other
 * small odd factor, with twiddles exp(-2 pi i j / n) computed directly (not
 * by recurrence), and Bluestein's chirp-z algorithm (a convolution by a
 * power-of-two FFT) for lengths with a prime factor above BLUESTEIN_P.  It
 * runs in double for complex64 and complex128 alike; float results are
 * rounded once, so their error is at most torch's (pocketfft in float).
 * A transform over several dims runs the 1-D one along each dim in turn on
 * a contiguous complex128 copy; the lines of a dim are spread over the pool.
 * Real-input transforms are complex ones on the real input (pocketfft's
 * real transforms give the same numbers within rounding); c2r rebuilds the
 * Hermitian-symmetric full spectrum of the last dim and keeps the real part
 * (so the imaginary parts of its zero and Nyquist bins are ignored, as in
 * pocketfft).
 */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "ops/fft/fft.h"
#include "ops/kernel.h"
#include "tensor/cplx.h"
#include "tensor/parallel.h"

typedef double complex cplx;

#define BLUESTEIN_P 13 /* a prime factor above this: Bluestein */
#define MAX_FACTORS 64
#define MAX_SMALL_RADIX (BLUESTEIN_P + 1)

/* ---- the 1-D plan ------------------------------------------------------------------------------ */

typedef struct fft_plan {
    int64_t n;
    int nf;
    int64_t fac[MAX_FACTORS];
    int64_t maxp;
    cplx *tw; /* n twiddles exp(-2 pi i j / n) */
    /* Bluestein: a power-of-two plan of length m, the chirp and the transformed filter */
    struct fft_plan *sub;
    int64_t m;
    cplx *chirp; /* n: exp(-pi i k^2 / n) */
    cplx *filt;  /* m: FFT of the conjugate chirp, wrapped */
} fft_plan;

static void plan_free(fft_plan *p)
{
    if (!p)
        return;
    plan_free(p->sub);
    pts_free(p->tw);
    pts_free(p->chirp);
    pts_free(p->filt);
    pts_free(p);
}

static void exec(const fft_plan *p, cplx *data, cplx *work, int sign);

/* exp(-2 pi i num / den) with the argument reduced exactly (num in [0, den)) */
static cplx unit_root(int64_t num, int64_t den)
{
    /* use symmetry so the angle stays within [0, pi/4] before cos/sin: exact reduction keeps the
     * twiddles correctly rounded (a recurrence would accumulate error with n) */
    int64_t n8 = num * 8;
    double ang = 2.0 * M_PI * (double)num / (double)den;
    if (n8 < den) /* [0, pi/4) */
        return CMPLX(cos(ang), -sin(ang));
    if (n8 < 3 * den) { /* [pi/4, 3pi/4): cos(a) = sin(pi/2 - a) */
        double b = 2.0 * M_PI * (double)(den - 4 * num) / (4.0 * (double)den); /* pi/2 - a */
        return CMPLX(sin(b), -cos(b));
    }
    if (n8 < 5 * den) { /* [3pi/4, 5pi/4): a = pi + c */
        double c = 2.0 * M_PI * (double)(2 * num - den) / (2.0 * (double)den);
        return CMPLX(-cos(c), sin(c));
    }
    if (n8 < 7 * den) { /* [5pi/4, 7pi/4): a = 3pi/2 + e */
        double e = 2.0 * M_PI * (double)(4 * num - 3 * den) / (4.0 * (double)den);
        return CMPLX(sin(e), cos(e));
    }
    double f = 2.0 * M_PI * (double)(den - num) / (double)den; /* 2pi - a */
    return CMPLX(cos(f), sin(f));
}

static fft_plan *plan_new(int64_t n)
{
    fft_plan *p = pts_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = n;
    int64_t r = n, maxp = 1;
    while (r % 4 == 0 && p->nf < MAX_FACTORS)
        p->fac[p->nf++] = 4, r /= 4;
    while (r % 2 == 0 && p->nf < MAX_FACTORS)
        p->fac[p->nf++] = 2, r /= 2;
    for (int64_t f = 3; f * f <= r; f += 2)
        while (r % f == 0 && p->nf < MAX_FACTORS)
            p->fac[p->nf++] = f, r /= f;
    if (r > 1)
        p->fac[p->nf++] = r;
    for (int i = 0; i < p->nf; i++)
        maxp = p->fac[i] > maxp ? p->fac[i] : maxp;
    p->maxp = maxp;
    if (maxp > BLUESTEIN_P) {
        int64_t m = 1;
        while (m < 2 * n - 1)
            m *= 2;
        p->m = m;
        p->sub = plan_new(m);
        p->chirp = pts_malloc(sizeof(cplx) * (size_t)n);
        p->filt = pts_calloc((size_t)m, sizeof(cplx));
        cplx *work = pts_malloc(sizeof(cplx) * (size_t)(2 * m + 8));
        if (!p->sub || !p->chirp || !p->filt || !work) {
            pts_free(work);
            plan_free(p);
            return NULL;
        }
        /* exp(-pi i k^2 / n) = exp(-2 pi i (k^2 mod 2n) / (2n)); k^2 mod 2n kept exactly by
         * (k + 1)^2 = k^2 + 2k + 1 */
        for (int64_t k = 0, r = 0; k < n; k++) {
            p->chirp[k] = unit_root(r, 2 * n);
            r = (r + 2 * k + 1) % (2 * n);
        }
        p->filt[0] = conj(p->chirp[0]);
        for (int64_t k = 1; k < n; k++)
            p->filt[k] = p->filt[m - k] = conj(p->chirp[k]);
        exec(p->sub, p->filt, work, -1);
        pts_free(work);
        return p;
    }
    p->tw = pts_malloc(sizeof(cplx) * (size_t)(n > 0 ? n : 1));
    if (!p->tw) {
        plan_free(p);
        return NULL;
    }
    for (int64_t j = 0; j < n; j++)
        p->tw[j] = unit_root(j, n);
    return p;
}

/* the textbook complex product (C's `*` on complex adds Annex G's NaN recovery calls) */
static inline cplx cmul(cplx a, cplx b)
{
    double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
    return CMPLX(ar * br - ai * bi, ar * bi + ai * br);
}

/* twiddle exp(sign 2 pi i e / N), e in [0, N) */
static inline cplx tw_at(const fft_plan *p, int64_t e, int sign)
{
    cplx w = p->tw[e];
    return sign < 0 ? w : conj(w);
}

/* Out-of-place recursive decimation in time: out[0..n) = DFT of in[0], in[s], ... (n points).
 * t: 2 * maxp + 2 scratch values. */
static void rec(const fft_plan *p, const cplx *in, int64_t s, cplx *out, int64_t n, int fi, int sign, cplx *t)
{
    int64_t f = p->fac[fi], m = n / f, step = p->n / n, pstep = p->n / f;
    if (m == 1) {
        for (int64_t q = 0; q < f; q++)
            out[q] = in[q * s];
    } else {
        for (int64_t q = 0; q < f; q++)
            rec(p, in + q * s, s * f, out + q * m, m, fi + 1, sign, t);
    }
    cplx *y = t + f;
    cplx wf[MAX_SMALL_RADIX]; /* the f-th roots of unity of this stage */
    if (f > 4)
        for (int64_t j = 0; j < f; j++)
            wf[j] = tw_at(p, j * pstep, sign);
    for (int64_t k = 0; k < m; k++) {
        t[0] = out[k];
        for (int64_t q = 1; q < f; q++)
            t[q] = k == 0 ? out[q * m + k] : cmul(out[q * m + k], tw_at(p, q * k * step, sign));
        if (f == 2) {
            out[k] = t[0] + t[1];
            out[k + m] = t[0] - t[1];
            continue;
        }
        if (f == 4) {
            cplx a = t[0] + t[2], b = t[0] - t[2], c = t[1] + t[3], d = t[1] - t[3];
            cplx jd = sign < 0 ? CMPLX(cimag(d), -creal(d)) : CMPLX(-cimag(d), creal(d)); /* -+ i d */
            out[k] = a + c;
            out[k + m] = b + jd;
            out[k + 2 * m] = a - c;
            out[k + 3 * m] = b - jd;
            continue;
        }
        if (f == 3) {
            cplx w = tw_at(p, pstep, sign);
            cplx sum = t[1] + t[2], dif = t[1] - t[2];
            cplx mid = t[0] - 0.5 * sum;
            cplx rot = CMPLX(-cimag(w) * cimag(dif), cimag(w) * creal(dif)); /* i Im(w) dif */
            out[k] = t[0] + sum;
            out[k + m] = mid + rot;
            out[k + 2 * m] = mid - rot;
            continue;
        }
        for (int64_t r = 0; r < f; r++) {
            cplx acc = t[0];
            int64_t j = 0;
            for (int64_t q = 1; q < f; q++) {
                j += r;
                if (j >= f)
                    j -= f;
                acc += cmul(t[q], wf[j]);
            }
            y[r] = acc;
        }
        for (int64_t r = 0; r < f; r++)
            out[k + r * m] = y[r];
    }
}

/* Work space exec needs for plan p (complex elements). */
static int64_t work_size(const fft_plan *p)
{
    if (p->sub)
        return p->m + work_size(p->sub);
    return p->n + 2 * p->maxp + 2;
}

/* In-place unnormalized transform of data[0..n): sign -1 forward, +1 inverse. */
static void exec(const fft_plan *p, cplx *data, cplx *work, int sign)
{
    int64_t n = p->n;
    if (n <= 1)
        return;
    if (p->sub) { /* Bluestein: X_k = w_k * sum_j (x_j w_j) conj(w_{k-j}), w_k = exp(-pi i k^2 / n);
                   * the inverse is conj(forward(conj(x))) */
        int64_t m = p->m;
        cplx *a = work;
        for (int64_t k = 0; k < n; k++)
            a[k] = cmul(sign < 0 ? data[k] : conj(data[k]), p->chirp[k]);
        memset(a + n, 0, sizeof(cplx) * (size_t)(m - n));
        exec(p->sub, a, work + m, -1);
        for (int64_t k = 0; k < m; k++)
            a[k] = cmul(a[k], p->filt[k]);
        exec(p->sub, a, work + m, +1);
        double inv = 1.0 / (double)m;
        for (int64_t k = 0; k < n; k++) {
            cplx v = cmul(a[k], p->chirp[k]) * inv;
            data[k] = sign < 0 ? v : conj(v);
        }
        return;
    }
    cplx *in = work, *t = work + n;
    memcpy(in, data, sizeof(cplx) * (size_t)n);
    rec(p, in, 1, data, n, 0, sign, t);
}

/* ---- transforms over dims of a contiguous complex128 buffer ----------------------------------- */

typedef struct line_job {
    const fft_plan *plan;
    cplx *data;
    int64_t n, inner, wsize;
    int sign;
    pts_status st;
} line_job;

static void lines_range(void *vc, int64_t begin, int64_t end)
{
    line_job *j = vc;
    cplx *buf = pts_malloc(sizeof(cplx) * (size_t)(j->n + j->wsize));
    if (!buf) {
        j->st = PTS_ERR_NOMEM;
        return;
    }
    cplx *work = buf + j->n;
    for (int64_t l = begin; l < end; l++) {
        int64_t o = l / j->inner, i = l % j->inner;
        cplx *base = j->data + o * j->n * j->inner + i;
        for (int64_t k = 0; k < j->n; k++)
            buf[k] = base[k * j->inner];
        exec(j->plan, buf, work, j->sign);
        for (int64_t k = 0; k < j->n; k++)
            base[k * j->inner] = buf[k];
    }
    pts_free(buf);
}

/* Transform t (contiguous complex128, owned by the caller) along dim d in place. */
static pts_status transform_dim(pts_tensor *t, int d, int sign)
{
    int64_t n = t->sizes[d], inner = 1, outer = 1;
    if (n <= 1 || pts_tensor_numel(t) == 0)
        return PTS_OK;
    for (int i = d + 1; i < t->ndim; i++)
        inner *= t->sizes[i];
    for (int i = 0; i < d; i++)
        outer *= t->sizes[i];
    fft_plan *p = plan_new(n);
    if (!p)
        return pts_err_nomem("an FFT plan", (size_t)n * sizeof(cplx));
    line_job j = {p, pts_tensor_data(t), n, inner, work_size(p), sign, PTS_OK};
    int64_t lines = outer * inner;
    int64_t grain = 65536 / (n * 8 + 1) + 1;
    pts_parallel_for(lines, grain, lines_range, &j);
    plan_free(p);
    if (j.st)
        return pts_err_nomem("FFT work space", (size_t)n * sizeof(cplx));
    return PTS_OK;
}

pts_status pts_fft_dim(pts_tensor *t, int d, int sign) { return transform_dim(t, d, sign); }

static void scale_all(pts_tensor *t, double s)
{
    if (s == 1.0)
        return;
    cplx *x = pts_tensor_data(t);
    int64_t n = pts_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        x[i] *= s;
}

/* torch's fft_norm_mode: 0 none, 1 by 1/sqrt(n), 2 by 1/n (n: the product of the signal sizes) */
static double norm_scale(int64_t mode, double n)
{
    return mode == 1 ? 1.0 / sqrt(n) : mode == 2 ? 1.0 / n : 1.0;
}

/* ---- input preparation ---------------------------------------------------------------------------- */

static bool fft_dtype_ok(int dt)
{
    return dt == PTS_FLOAT32 || dt == PTS_FLOAT64 || dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128;
}

/* The complex result dtype for input dtype dt (integers and bool as float32 -> complex64). */
static pts_status result_complex(const char *opname, int dt, int *out)
{
    if (pts_dtype_category(dt) <= PTS_CAT_INT)
        dt = PTS_FLOAT32;
    if (!fft_dtype_ok(dt))
        return pts_err_set(PTS_ERR_TYPE, "%s: Unsupported dtype %s", opname, pts_dtype_torch_name(dt));
    *out = pts_dtype_to_complex(dt);
    return PTS_OK;
}

/* A contiguous complex128 copy of t with dim d resized to want[d] (want[d] < 0: unchanged):
 * trimmed at the end or zero-padded. */
static pts_tensor *load_resized(const pts_tensor *t, const int64_t *want)
{
    int64_t sizes[PTS_MAX_DIMS], common[PTS_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) {
        sizes[i] = want[i] >= 0 ? want[i] : t->sizes[i];
        common[i] = sizes[i] < t->sizes[i] ? sizes[i] : t->sizes[i];
    }
    pts_tensor *out = pts_tensor_zeros(PTS_COMPLEX128, t->ndim, sizes);
    if (!out)
        return NULL;
    pts_tensor *src = pts_tensor_view_of(t->storage, t->dtype, t->ndim, common, t->strides, t->offset);
    pts_tensor *dst = src ? pts_tensor_view_of(out->storage, out->dtype, out->ndim, common, out->strides, 0) : NULL;
    pts_status st = dst ? pts_tensor_copy_into(dst, src, "fft") : pts_err_last();
    if (src)
        pts_obj_release(&src->hdr);
    if (dst)
        pts_obj_release(&dst->hdr);
    if (st) {
        pts_obj_release(&out->hdr);
        return NULL;
    }
    return out;
}

/* ---- the three primitives ------------------------------------------------------------------------- */

/* c2c over dims (a mask), normalized; w (complex128, contiguous) is transformed in place */
static pts_status c2c_dims(pts_tensor *w, const bool *mask, int64_t norm, bool forward)
{
    double n = 1;
    for (int d = 0; d < w->ndim; d++)
        if (mask[d]) {
            PTS_TRY(transform_dim(w, d, forward ? -1 : +1));
            n *= (double)w->sizes[d];
        }
    scale_all(w, norm_scale(norm, n));
    return PTS_OK;
}

/* a dim of t, wrapped; a 0-dim tensor has none (torch's maybe_wrap_dim without wrap_scalar) */
static pts_status fft_wrap_dim(int64_t dim, int ndim, const char *opname, int *out)
{
    if (ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", opname,
                           (long long)dim);
    return pts_wrap_dim(dim, ndim, opname, out);
}

/* dims (int list) -> mask; torch's _fft_* take wrapped, unique dims */
static pts_status dims_to_mask(const char *opname, pts_value dimv, int ndim, bool *mask, int *last)
{
    int64_t dims[PTS_MAX_DIMS];
    int n;
    PTS_TRY(pts_arg_int_list(dimv, dims, PTS_MAX_DIMS, &n, 0, "dim"));
    memset(mask, 0, sizeof(bool) * PTS_MAX_DIMS);
    *last = -1;
    for (int i = 0; i < n; i++) {
        int d = 0;
        PTS_TRY(fft_wrap_dim(dims[i], ndim, opname, &d));
        if (mask[d])
            return pts_err_set(PTS_ERR_VALUE, "%s: FFT dims must be unique", opname);
        mask[d] = true;
        *last = d;
    }
    return PTS_OK;
}

/* finish: w (complex128) converted to dtype and returned (steals w) */
static pts_status ret_as(pts_tensor *w, int dtype, pts_value *rets) { return pts_ret_as(w, dtype, rets); }

/* onesided r2c output: keep the first n/2+1 bins of dim `last` (a contiguous copy) */
static pts_tensor *keep_half(pts_tensor *w, int last)
{
    int64_t sizes[PTS_MAX_DIMS];
    memcpy(sizes, w->sizes, sizeof(int64_t) * (size_t)w->ndim);
    sizes[last] = w->sizes[last] / 2 + 1;
    pts_tensor *v = pts_tensor_view_of(w->storage, w->dtype, w->ndim, sizes, w->strides, w->offset);
    if (!v)
        return NULL;
    pts_tensor *c = pts_tensor_contiguous_copy(v);
    pts_obj_release(&v->hdr);
    return c;
}

static pts_status do_r2c(const char *opname, pts_tensor *self, const bool *mask, int last, int64_t norm, bool onesided,
                         bool forward, pts_value *rets)
{
    if (pts_dtype_is_complex(self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: expects a real-valued input tensor, but got %s", opname,
                           pts_dtype_torch_name(self->dtype));
    int cdt;
    PTS_TRY(result_complex(opname, self->dtype, &cdt));
    int64_t want[PTS_MAX_DIMS];
    for (int i = 0; i < self->ndim; i++)
        want[i] = -1;
    pts_tensor *w = load_resized(self, want);
    if (!w)
        return pts_err_last();
    pts_status st = c2c_dims(w, mask, norm, forward);
    if (!st && onesided && last >= 0) {
        pts_tensor *h = keep_half(w, last);
        pts_obj_release(&w->hdr);
        w = h;
        if (!w)
            return pts_err_last();
    }
    if (st) {
        pts_obj_release(&w->hdr);
        return st;
    }
    return ret_as(w, cdt, rets);
}

/* c2r: the inverse transform over dims whose last one (`last`) holds the half spectrum
 * (n/2+1 bins) of a real signal of length last_n */
static pts_status do_c2r(const char *opname, pts_tensor *self, const bool *mask, int last, int64_t norm, int64_t last_n,
                         bool conj_in, bool forward, pts_value *rets)
{
    int cdt;
    PTS_TRY(result_complex(opname, self->dtype, &cdt));
    if (last_n < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Invalid number of data points (%lld) specified", opname, (long long)last_n);
    int64_t want[PTS_MAX_DIMS];
    for (int i = 0; i < self->ndim; i++)
        want[i] = -1;
    pts_tensor *w = load_resized(self, want);
    if (!w)
        return pts_err_last();
    if (conj_in) {
        cplx *x = pts_tensor_data(w);
        for (int64_t i = 0, n = pts_tensor_numel(w); i < n; i++)
            x[i] = conj(x[i]);
    }
    int sign = forward ? -1 : +1;
    bool other[PTS_MAX_DIMS];
    memcpy(other, mask, sizeof other);
    other[last] = false;
    pts_status st = PTS_OK;
    double n = 1;
    for (int d = 0; d < w->ndim && !st; d++)
        if (other[d]) {
            st = transform_dim(w, d, sign);
            n *= (double)w->sizes[d];
        }
    /* the full Hermitian spectrum along `last`: X[k] = conj(X[n - k]) */
    int64_t full[PTS_MAX_DIMS];
    memcpy(full, w->sizes, sizeof(int64_t) * (size_t)w->ndim);
    full[last] = last_n;
    pts_tensor *f = st ? NULL : pts_tensor_zeros(PTS_COMPLEX128, w->ndim, full);
    if (!st && !f)
        st = pts_err_last();
    if (!st) {
        int64_t inner = 1, outer = 1, h = w->sizes[last];
        for (int i = last + 1; i < w->ndim; i++)
            inner *= w->sizes[i];
        for (int i = 0; i < last; i++)
            outer *= w->sizes[i];
        const cplx *x = pts_tensor_data(w);
        cplx *y = pts_tensor_data(f);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < inner; i++) {
                const cplx *xs = x + o * h * inner + i;
                cplx *ys = y + o * last_n * inner + i;
                for (int64_t k = 0; k < last_n; k++) {
                    int64_t kk = k <= last_n / 2 ? k : last_n - k;
                    cplx v = kk < h ? xs[kk * inner] : 0;
                    ys[k * inner] = k == kk ? v : conj(v);
                }
            }
        st = transform_dim(f, last, sign);
        n *= (double)last_n;
    }
    pts_obj_release(&w->hdr);
    if (st) {
        if (f)
            pts_obj_release(&f->hdr);
        return st;
    }
    scale_all(f, norm_scale(norm, n));
    /* the real part */
    int64_t rsz[PTS_MAX_DIMS], rst[PTS_MAX_DIMS];
    for (int i = 0; i < f->ndim; i++)
        rsz[i] = f->sizes[i], rst[i] = f->strides[i] * 2;
    pts_tensor *re = pts_tensor_view_of(f->storage, PTS_FLOAT64, f->ndim, rsz, rst, 0);
    pts_obj_release(&f->hdr);
    if (!re)
        return pts_err_last();
    return ret_as(re, pts_dtype_real(cdt), rets);
}

PTS_KERNEL(k_fft_c2c)
{
    int cdt, last;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(result_complex(OPN, a->self->dtype, &cdt));
    if (!pts_dtype_is_complex(a->self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: expects a complex input tensor, but got %s", OPN,
                           pts_dtype_torch_name(a->self->dtype));
    PTS_TRY(dims_to_mask(OPN, a->dim, a->self->ndim, mask, &last));
    int64_t want[PTS_MAX_DIMS];
    for (int i = 0; i < a->self->ndim; i++)
        want[i] = -1;
    pts_tensor *w = load_resized(a->self, want);
    if (!w)
        return pts_err_last();
    pts_status st = c2c_dims(w, mask, a->normalization, a->forward);
    if (st) {
        pts_obj_release(&w->hdr);
        return st;
    }
    return ret_as(w, cdt, rets);
}

PTS_KERNEL(k_fft_r2c)
{
    int last;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(dims_to_mask(OPN, a->dim, a->self->ndim, mask, &last));
    return do_r2c(OPN, a->self, mask, last, a->normalization, a->onesided, true, rets);
}

PTS_KERNEL(k_fft_c2r)
{
    int last;
    bool mask[PTS_MAX_DIMS];
    if (!pts_dtype_is_complex(a->self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: expects a complex input tensor, but got %s", OPN,
                           pts_dtype_torch_name(a->self->dtype));
    PTS_TRY(dims_to_mask(OPN, a->dim, a->self->ndim, mask, &last));
    if (last < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: expects at least one dim", OPN);
    if (a->self->sizes[last] != a->last_dim_size / 2 + 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: the last transformed dim holds %lld values, but a signal of %lld needs %lld",
                           OPN, (long long)a->self->sizes[last], (long long)a->last_dim_size,
                           (long long)(a->last_dim_size / 2 + 1));
    return do_c2r(OPN, a->self, mask, last, a->normalization, a->last_dim_size, false, false, rets);
}

/* ---- the torch.fft front ends ------------------------------------------------------------------- */

enum { NORM_NONE = 0, NORM_ROOT = 1, NORM_N = 2 };

/* torch's norm_from_string: the scaling of a forward (or backward) transform */
static pts_status norm_mode(const char *opname, const char *norm, bool forward, int64_t *mode)
{
    if (!norm || strcmp(norm, "backward") == 0)
        *mode = forward ? NORM_NONE : NORM_N;
    else if (strcmp(norm, "forward") == 0)
        *mode = forward ? NORM_N : NORM_NONE;
    else if (strcmp(norm, "ortho") == 0)
        *mode = NORM_ROOT;
    else
        return pts_err_set(PTS_ERR_VALUE, "%s: Invalid normalization mode: \"%s\"", opname, norm);
    return PTS_OK;
}

/* The resolved signal: the dims transformed (in order), their sizes (s), the input resized. */
typedef struct fft_desc {
    int nd;
    int dims[PTS_MAX_DIMS];
    int64_t s[PTS_MAX_DIMS];
    bool mask[PTS_MAX_DIMS];
} fft_desc;

/* torch's canonicalize_fft_shape_and_dim_args: s / dim lists (or None). */
static pts_status describe_n(const char *opname, const pts_tensor *t, pts_value sv, pts_value dimv, fft_desc *dsc)
{
    int64_t sv_[PTS_MAX_DIMS], dv[PTS_MAX_DIMS];
    int ns = -1, ndim = -1;
    memset(dsc, 0, sizeof *dsc);
    if (sv.tag != PTS_T_NONE)
        PTS_TRY(pts_arg_int_list(sv, sv_, PTS_MAX_DIMS, &ns, 0, "s"));
    if (dimv.tag != PTS_T_NONE)
        PTS_TRY(pts_arg_int_list(dimv, dv, PTS_MAX_DIMS, &ndim, 0, "dim"));
    if (ndim >= 0) {
        if (ns >= 0 && ns != ndim)
            return pts_err_set(PTS_ERR_VALUE, "%s: When given, dim and shape arguments must have the same length",
                               opname);
        for (int i = 0; i < ndim; i++) {
            int d = 0;
            PTS_TRY(fft_wrap_dim(dv[i], t->ndim, opname, &d));
            if (dsc->mask[d])
                return pts_err_set(PTS_ERR_VALUE, "%s: FFT dims must be unique", opname);
            dsc->mask[d] = true;
            dsc->dims[i] = d;
        }
        dsc->nd = ndim;
    } else if (ns >= 0) {
        if (ns > t->ndim)
            return pts_err_set(PTS_ERR_VALUE, "%s: Got shape with %d values but input tensor only has %d dimensions.",
                               opname, ns, t->ndim);
        for (int i = 0; i < ns; i++) {
            dsc->dims[i] = t->ndim - ns + i;
            dsc->mask[dsc->dims[i]] = true;
        }
        dsc->nd = ns;
    } else {
        for (int i = 0; i < t->ndim; i++) {
            dsc->dims[i] = i;
            dsc->mask[i] = true;
        }
        dsc->nd = t->ndim;
    }
    for (int i = 0; i < dsc->nd; i++) {
        int64_t v = ns >= 0 ? sv_[i] : -1;
        if (v == -1)
            v = t->sizes[dsc->dims[i]];
        if (v < 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: Invalid number of data points (%lld) specified", opname, (long long)v);
        dsc->s[i] = v;
    }
    return PTS_OK;
}

/* The 1-D forms: n (or None) along one dim. */
static pts_status describe_1(const char *opname, const pts_tensor *t, bool has_n, int64_t n, int64_t dim, fft_desc *dsc)
{
    memset(dsc, 0, sizeof *dsc);
    int d = 0;
    PTS_TRY(fft_wrap_dim(dim, t->ndim, opname, &d));
    if (has_n && n < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Invalid number of data points (%lld) specified", opname, (long long)n);
    dsc->nd = 1;
    dsc->dims[0] = d;
    dsc->mask[d] = true;
    dsc->s[0] = has_n ? n : t->sizes[d];
    if (dsc->s[0] < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Invalid number of data points (%lld) specified", opname,
                           (long long)dsc->s[0]);
    return PTS_OK;
}

/* t resized along the transformed dims to `s` (last: to `last_size` instead when >= 0), as a
 * tensor of dtype `dt` (a new reference) */
static pts_tensor *resized(const pts_tensor *t, const fft_desc *dsc, int64_t last_size, int dt)
{
    int64_t want[PTS_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++)
        want[i] = -1;
    for (int i = 0; i < dsc->nd; i++)
        want[dsc->dims[i]] = dsc->s[i];
    if (last_size >= 0)
        want[dsc->dims[dsc->nd - 1]] = last_size;
    pts_tensor *w = load_resized(t, want);
    if (!w || dt == PTS_COMPLEX128)
        return w;
    pts_tensor *r = pts_tensor_to_dtype(w, dt);
    pts_obj_release(&w->hdr);
    return r;
}

static pts_status front_c2c(const pts_op *op, pts_tensor *self, const fft_desc *dsc, const char *norm, bool forward,
                            pts_value *rets)
{
    int cdt;
    int64_t mode;
    PTS_TRY(result_complex(OPN, self->dtype, &cdt));
    PTS_TRY(norm_mode(OPN, norm, forward, &mode));
    pts_tensor *w = resized(self, dsc, -1, PTS_COMPLEX128);
    if (!w)
        return pts_err_last();
    pts_status st = c2c_dims(w, dsc->mask, mode, forward);
    if (st) {
        pts_obj_release(&w->hdr);
        return st;
    }
    return ret_as(w, cdt, rets);
}

/* rfft / ihfft family: a real input; ihfft conjugates the (backward-normalized) result */
static pts_status front_r2c(const pts_op *op, pts_tensor *self, const fft_desc *dsc, const char *norm, bool forward,
                            pts_value *rets)
{
    int64_t mode;
    if (pts_dtype_is_complex(self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: expects a real input tensor, but got %s", OPN,
                           pts_dtype_torch_name(self->dtype));
    int cdt;
    PTS_TRY(result_complex(OPN, self->dtype, &cdt));
    PTS_TRY(norm_mode(OPN, norm, forward, &mode));
    pts_tensor *x = resized(self, dsc, -1, pts_dtype_real(cdt));
    if (!x)
        return pts_err_last();
    pts_value r = pts_none();
    pts_status st = do_r2c(OPN, x, dsc->mask, dsc->dims[dsc->nd - 1], mode, true, true, &r);
    pts_obj_release(&x->hdr);
    PTS_TRY(st);
    if (!forward) { /* ihfft: conj */
        pts_tensor *t = PTS_TENSOR(r);
        if (pts_tensor_numel(t) > 0) {
            float *f = pts_tensor_data(t);
            double *d = pts_tensor_data(t);
            for (int64_t i = 0, n = pts_tensor_numel(t); i < n; i++) {
                if (t->dtype == PTS_COMPLEX64)
                    f[2 * i + 1] = -f[2 * i + 1];
                else
                    d[2 * i + 1] = -d[2 * i + 1];
            }
        }
    }
    rets[0] = r;
    return PTS_OK;
}

/* irfft / hfft family: the output length along the last dim is its s (or 2 * (size - 1)) */
static pts_status front_c2r(const pts_op *op, pts_tensor *self, fft_desc *dsc, bool last_given, const char *norm,
                            bool forward, pts_value *rets)
{
    int64_t mode;
    PTS_TRY(norm_mode(OPN, norm, forward, &mode));
    int last = dsc->dims[dsc->nd - 1];
    int64_t last_n = last_given ? dsc->s[dsc->nd - 1] : 2 * (self->sizes[last] - 1);
    if (last_n < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Invalid number of data points (%lld) specified", OPN, (long long)last_n);
    dsc->s[dsc->nd - 1] = last_n;
    int cdt;
    PTS_TRY(result_complex(OPN, self->dtype, &cdt));
    pts_tensor *x = resized(self, dsc, last_n / 2 + 1, cdt);
    if (!x)
        return pts_err_last();
    /* hfft: the forward transform of a Hermitian signal is the real inverse transform of its conjugate */
    pts_status st = do_c2r(OPN, x, dsc->mask, last, mode, last_n, forward, false, rets);
    pts_obj_release(&x->hdr);
    return st;
}

PTS_KERNEL(k_fft_fft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_c2c(op, a->self, &dsc, a->norm, true, rets);
}

PTS_KERNEL(k_fft_ifft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_c2c(op, a->self, &dsc, a->norm, false, rets);
}

PTS_KERNEL(k_fft_rfft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_r2c(op, a->self, &dsc, a->norm, true, rets);
}

PTS_KERNEL(k_fft_ihfft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_r2c(op, a->self, &dsc, a->norm, false, rets);
}

PTS_KERNEL(k_fft_irfft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_c2r(op, a->self, &dsc, a->has_n, a->norm, false, rets);
}

PTS_KERNEL(k_fft_hfft)
{
    fft_desc dsc;
    PTS_TRY(describe_1(OPN, a->self, a->has_n, a->n, a->dim, &dsc));
    return front_c2r(op, a->self, &dsc, a->has_n, a->norm, true, rets);
}

PTS_KERNEL(k_fft_fftn)
{
    fft_desc dsc;
    PTS_TRY(describe_n(OPN, a->self, a->s, a->dim, &dsc));
    return front_c2c(op, a->self, &dsc, a->norm, true, rets);
}

PTS_KERNEL(k_fft_ifftn)
{
    fft_desc dsc;
    PTS_TRY(describe_n(OPN, a->self, a->s, a->dim, &dsc));
    return front_c2c(op, a->self, &dsc, a->norm, false, rets);
}

static pts_status need_dims(const pts_op *op, const fft_desc *dsc)
{
    if (dsc->nd < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: must transform at least one axis", OPN);
    return PTS_OK;
}

PTS_KERNEL(k_fft_rfftn)
{
    fft_desc dsc;
    PTS_TRY(describe_n(OPN, a->self, a->s, a->dim, &dsc));
    PTS_TRY(need_dims(op, &dsc));
    return front_r2c(op, a->self, &dsc, a->norm, true, rets);
}

/* irfftn (forward false) and hfftn (forward true: torch's c2c forward over the other dims, conj,
 * c2r -- the conjugate first and inverse transforms throughout, which is the same) */
static pts_status c2r_n(const pts_op *op, pts_tensor *self, pts_value sv, pts_value dimv, const char *norm, bool forward,
                        pts_value *rets)
{
    fft_desc dsc;
    PTS_TRY(describe_n(OPN, self, sv, dimv, &dsc));
    PTS_TRY(need_dims(op, &dsc));
    bool last_given = false;
    if (sv.tag != PTS_T_NONE) {
        int64_t v[PTS_MAX_DIMS];
        int ns;
        PTS_TRY(pts_arg_int_list(sv, v, PTS_MAX_DIMS, &ns, 0, "s"));
        last_given = ns > 0 && v[ns - 1] != -1;
    }
    return front_c2r(op, self, &dsc, last_given, norm, forward, rets);
}

PTS_KERNEL(k_fft_irfftn) { return c2r_n(op, a->self, a->s, a->dim, a->norm, false, rets); }
PTS_KERNEL(k_fft_hfftn) { return c2r_n(op, a->self, a->s, a->dim, a->norm, true, rets); }

/* ihfftn: torch's r2c over the last dim, conj, c2c inverse over the others == conj of the forward
 * transform over all dims (backward-normalized) */
PTS_KERNEL(k_fft_ihfftn)
{
    fft_desc dsc;
    PTS_TRY(describe_n(OPN, a->self, a->s, a->dim, &dsc));
    PTS_TRY(need_dims(op, &dsc));
    return front_r2c(op, a->self, &dsc, a->norm, false, rets);
}

/* ---- fftfreq / rfftfreq ------------------------------------------------------------------------- */

static pts_status freq(const pts_op *op, int64_t n, double d, int dtype, pts_value device, bool half, pts_value *rets)
{
    PTS_TRY(pts_arg_check_device(device, OPN));
    int dt = dtype >= 0 ? dtype : PTS_FLOAT32;
    PTS_TRY(pts_check_real(OPN, dt));
    if (pts_dtype_category(dt) != PTS_CAT_FLOAT) /* torch: arange(n) then mul_ by a float */
        return pts_err_set(PTS_ERR_TYPE, "%s: result type Float can't be cast to the desired output type %s", OPN,
                           pts_dtype_torch_name(dt));
    int64_t len = half ? n / 2 + 1 : n; /* torch: arange(n / 2 + 1) for rfftfreq (C division) */
    if (len < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld: [%lld]", OPN,
                           (long long)len, (long long)len);
    pts_tensor *t = pts_tensor_empty(dt, 1, &len);
    if (!t)
        return pts_err_last();
    double sc = 1.0 / ((double)n * d);
    int isz = pts_dtype_get(dt)->itemsize;
    for (int64_t i = 0; i < len; i++) {
        int64_t k = (!half && i >= (n + 1) / 2) ? i - n : i;
        char *p = (char *)pts_tensor_data(t) + i * isz;
        if (dt == PTS_FLOAT64)
            *(double *)p = (double)k * sc;
        else /* torch: arange in the dtype, then mul_ by the scalar in float (opmath), rounded once */
            pts_store_f64(p, dt, (double)((float)k * (float)sc));
    }
    return pts_ret(t, rets);
}

PTS_KERNEL(k_fft_fftfreq) { return freq(op, a->n, a->d, a->dtype, a->device, false, rets); }
PTS_KERNEL(k_fft_rfftfreq) { return freq(op, a->n, a->d, a->dtype, a->device, true, rets); }

/* ---- fftshift / ifftshift: a roll by size / 2 (fftshift) or (size + 1) / 2 along each dim -------- */

static pts_status shift(const pts_op *op, pts_tensor *t, pts_value dimv, bool inverse, pts_value *rets)
{
    bool mask[PTS_MAX_DIMS];
    memset(mask, 0, sizeof mask);
    if (dimv.tag == PTS_T_NONE) {
        for (int i = 0; i < t->ndim; i++)
            mask[i] = true;
    } else {
        int64_t dv[PTS_MAX_DIMS];
        int nd;
        PTS_TRY(pts_arg_int_list(dimv, dv, PTS_MAX_DIMS, &nd, 0, "dim"));
        for (int i = 0; i < nd; i++) {
            int d = 0;
            PTS_TRY(fft_wrap_dim(dv[i], t->ndim, OPN, &d));
            mask[d] = true;
        }
    }
    bool any = false;
    for (int i = 0; i < t->ndim; i++)
        any = any || mask[i];
    if (!any) /* torch's roll with no dims */
        return pts_err_set(PTS_ERR_VALUE, "%s: `shifts` required", OPN);
    pts_tensor *out = pts_tensor_empty(t->dtype, t->ndim, t->sizes);
    if (!out)
        return pts_err_last();
    int64_t n = pts_tensor_numel(t);
    int isz = pts_dtype_get(t->dtype)->itemsize;
    int64_t idx[PTS_MAX_DIMS] = {0};
    char *o = pts_tensor_data(out);
    const char *base = (const char *)t->storage->data;
    for (int64_t e = 0; e < n; e++) {
        /* output element idx reads input element (idx - shift) mod size */
        int64_t off = t->offset;
        for (int d = 0; d < t->ndim; d++) {
            int64_t sz = t->sizes[d], i = idx[d];
            if (mask[d]) {
                int64_t sh = inverse ? (sz + 1) / 2 : sz / 2;
                i = ((i - sh) % sz + sz) % sz;
            }
            off += i * t->strides[d];
        }
        memcpy(o + e * isz, base + off * isz, (size_t)isz);
        for (int d = t->ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->sizes[d])
                break;
            idx[d] = 0;
        }
    }
    return pts_ret(out, rets);
}

PTS_KERNEL(k_fft_fftshift) { return shift(op, a->self, a->dim, false, rets); }
PTS_KERNEL(k_fft_ifftshift) { return shift(op, a->self, a->dim, true, rets); }

const pts_op_def pts_ops_fft[] = {
    PTS_OP("aten::_fft_c2c(Tensor self, SymInt[] dim, int normalization, bool forward) -> Tensor", k_fft_c2c),
    PTS_OP("aten::_fft_r2c(Tensor self, int[] dim, int normalization, bool onesided) -> Tensor", k_fft_r2c),
    PTS_OP("aten::_fft_c2r(Tensor self, int[] dim, int normalization, SymInt last_dim_size) -> Tensor", k_fft_c2r),
    PTS_OP("aten::fft_fft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_fft),
    PTS_OP("aten::fft_ifft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_ifft),
    PTS_OP("aten::fft_rfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_rfft),
    PTS_OP("aten::fft_irfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_irfft),
    PTS_OP("aten::fft_hfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_hfft),
    PTS_OP("aten::fft_ihfft(Tensor self, SymInt? n=None, int dim=-1, str? norm=None) -> Tensor", k_fft_ihfft),
    PTS_OP("aten::fft_fft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_fftn),
    PTS_OP("aten::fft_ifft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_ifftn),
    PTS_OP("aten::fft_rfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_rfftn),
    PTS_OP("aten::fft_irfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_irfftn),
    PTS_OP("aten::fft_hfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_hfftn),
    PTS_OP("aten::fft_ihfft2(Tensor self, SymInt[1]? s=None, int[1] dim=[-2, -1], str? norm=None) -> Tensor", k_fft_ihfftn),
    PTS_OP("aten::fft_hfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_hfftn),
    PTS_OP("aten::fft_ihfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_ihfftn),
    PTS_OP("aten::fft_fftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_fftn),
    PTS_OP("aten::fft_ifftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_ifftn),
    PTS_OP("aten::fft_rfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_rfftn),
    PTS_OP("aten::fft_irfftn(Tensor self, SymInt[1]? s=None, int[1]? dim=None, str? norm=None) -> Tensor", k_fft_irfftn),
    PTS_OP("aten::fft_fftfreq(int n, float d=1., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_fft_fftfreq),
    PTS_OP("aten::fft_rfftfreq(int n, float d=1., *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_fft_rfftfreq),
    PTS_OP("aten::fft_fftshift(Tensor self, int[1]? dim=None) -> Tensor", k_fft_fftshift),
    PTS_OP("aten::fft_ifftshift(Tensor self, int[1]? dim=None) -> Tensor", k_fft_ifftshift),
    {NULL, NULL},
};
