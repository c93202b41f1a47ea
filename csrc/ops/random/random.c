/* random.c - the uniform, normal and integer draws of torch's CPU kernels,
 * bit for bit: uniform_ / rand / rand_like, normal_ / randn / randn_like /
 * normal, random_ / randint / randint_like, randperm.  The generator, its
 * lock and the walk order of an output: rng.h.  Algorithms (torch 2.14.1,
 * x86-64, the AVX2 kernel copy torch picks on any AVX2+FMA CPU):
 * /work/shared/reference/torch-cpu-rng.md.  fma()/fmaf() are written where
 * torch's compiled kernels fuse; the build does not contract a*b+c itself
 * (no -mfma, so the compiler has no FMA instruction to contract into). */
#include <math.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/random/random_impl.h"

/* ---- outputs -------------------------------------------------------------------------------- */

pts_status pts_rng_out_begin(pts_tensor *t, const char *opname, pts_rng_out *o)
{
    memset(o, 0, sizeof *o);
    o->t = t;
    o->n = pts_tensor_numel(t);
    o->isz = pts_dtype_get(t->dtype)->itemsize;
    o->contig = pts_tensor_is_contiguous(t);
    if (o->n == 0)
        return PTS_OK;
    PTS_TRY(pts_check_no_internal_overlap(t, opname));
    PTS_TRY(pts_tensor_make_writable(t));
    o->base = (char *)pts_tensor_data(t);
    if (!o->contig) {
        o->offs = pts_rng_walk_offsets(t, o->n);
        if (!o->offs)
            return pts_err_last();
    }
    return PTS_OK;
}

void pts_rng_out_end(pts_rng_out *o)
{
    pts_free(o->offs);
    o->offs = NULL;
}

/* strides of torch's empty_like(self) (memory_format=preserve): self's own
 * strides when self is non-overlapping and dense, else contiguous */
void pts_rng_like_strides(const pts_tensor *t, int64_t *strides)
{
    int dims[PTS_MAX_DIMS], nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        int k = nd++;
        while (k > 0 && (t->strides[dims[k - 1]] < t->strides[i] ||
                         (t->strides[dims[k - 1]] == t->strides[i] && t->sizes[dims[k - 1]] < t->sizes[i]))) {
            dims[k] = dims[k - 1];
            k--;
        }
        dims[k] = i;
    }
    int64_t expect = 1;
    bool dense = true;
    for (int k = nd - 1; k >= 0; k--) {
        int d = dims[k];
        if (t->sizes[d] == 1)
            continue;
        if (t->strides[d] != expect) {
            dense = false;
            break;
        }
        expect *= t->sizes[d];
    }
    if (dense && pts_tensor_numel(t) > 0) {
        /* torch keeps the strides of size-1 dims too, recomputed densely */
        expect = 1;
        for (int k = nd - 1; k >= 0; k--) {
            strides[dims[k]] = expect;
            expect *= t->sizes[dims[k]] > 1 ? t->sizes[dims[k]] : 1;
        }
        return;
    }
    pts_contiguous_strides(t->ndim, t->sizes, strides);
}

/* A new tensor like self (*_like ops): dtype, memory_format (None / preserve
 * = 1, contiguous = 0). */
pts_status pts_rng_new_like(const char *opname, const pts_tensor *self, int dtype, pts_value memory_format,
                            pts_tensor **out)
{
    int64_t strides[PTS_MAX_DIMS];
    int64_t mf = memory_format.tag == PTS_T_NONE ? 1 : pts_arg_int(memory_format);
    if (mf == 1)
        pts_rng_like_strides(self, strides);
    else if (mf == 0)
        pts_contiguous_strides(self->ndim, self->sizes, strides);
    else
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: memory_format %lld is not supported", opname, (long long)mf);
    /* storage big enough for the dense strides */
    int64_t n = pts_tensor_numel(self);
    pts_storage *st = pts_storage_new((size_t)(n > 0 ? n : 0) * (size_t)pts_dtype_get(dtype)->itemsize);
    if (!st)
        return pts_err_last();
    *out = pts_tensor_view_of(st, dtype, self->ndim, self->sizes, strides, 0);
    pts_obj_release(&st->hdr);
    return *out ? PTS_OK : pts_err_last();
}

/* float value v (computed in float) stored into a floating output element */
static inline void store_float(void *p, int dtype, float v)
{
    switch (dtype) {
    case PTS_FLOAT32: *(float *)p = v; break;
    case PTS_FLOAT64: *(double *)p = v; break;
    case PTS_FLOAT16: *(uint16_t *)p = pts_float_to_half(v); break;
    case PTS_BFLOAT16: *(uint16_t *)p = pts_float_to_bf16(v); break;
    default: pts_store_f64(p, dtype, v); break;
    }
}

/* double v stored as static_cast<scalar_t>(v) (half / bfloat16 via float, as c10) */
void pts_rng_store_double(void *p, int dtype, double v)
{
    if (dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16)
        store_float(p, dtype, (float)v);
    else
        pts_store_f64(p, dtype, v);
}

static bool is_reduced(int dtype) { return dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16; }
static float round_to(int dtype, float v)
{
    return dtype == PTS_FLOAT16 ? pts_half_to_float(pts_float_to_half(v))
         : dtype == PTS_BFLOAT16 ? pts_bf16_to_float(pts_float_to_bf16(v)) : v;
}

static pts_status check_floating(const char *opname, int dtype, const char *kernel)
{
    if (dtype == PTS_FLOAT32 || dtype == PTS_FLOAT64 || dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16 ||
        dtype == PTS_COMPLEX64 || dtype == PTS_COMPLEX128)
        return PTS_OK;
    if (pts_dtype_get(dtype) && pts_dtype_get(dtype)->is_complex)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dtype %s is not supported", opname, pts_dtype_torch_name(dtype));
    return pts_err_set(PTS_ERR_TYPE, "%s: \"%s\" not implemented for '%s'", opname, kernel, pts_dtype_torch_name(dtype));
}

/* view_as_real(t) of a complex64 / complex128 tensor (new reference, NULL with the error set) */
static pts_tensor *as_real(const pts_tensor *t)
{
    int64_t sizes[PTS_MAX_DIMS + 1], strides[PTS_MAX_DIMS + 1];
    if (t->ndim >= PTS_MAX_DIMS) {
        pts_err_set(PTS_ERR_VALUE, "view_as_real: too many dimensions");
        return NULL;
    }
    for (int i = 0; i < t->ndim; i++) {
        sizes[i] = t->sizes[i];
        strides[i] = t->strides[i] * 2;
    }
    sizes[t->ndim] = 2;
    strides[t->ndim] = 1;
    return pts_tensor_view_of(t->storage, t->dtype == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64, t->ndim + 1, sizes,
                              strides, t->offset * 2);
}

/* ---- uniform_ ------------------------------------------------------------------------------- */

pts_status pts_rng_uniform_(const char *opname, pts_tensor *self, double from, double to, pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    PTS_TRY(check_floating(opname, self->dtype, "check_uniform_bounds"));
    if (self->dtype == PTS_COMPLEX64 || self->dtype == PTS_COMPLEX128) { /* torch: uniform_ of view_as_real */
        pts_tensor *v = as_real(self);
        if (!v)
            return pts_err_last();
        pts_status st = pts_rng_uniform_(opname, v, from, to, generator);
        pts_obj_release(&v->hdr);
        return st;
    }
    if (!(from <= to))
        return pts_err_set(PTS_ERR_VALUE, "%s: uniform_ expects to return a [from, to) range, but found from=%g > to=%g",
                           opname, from, to);
    double maxv = self->dtype == PTS_FLOAT64 ? 1.7976931348623157e308 : self->dtype == PTS_FLOAT16 ? 65504.0
                : self->dtype == PTS_BFLOAT16 ? 3.3895313892515355e+38 : 3.4028234663852886e+38;
    if (!(to - from <= maxv))
        return pts_err_set(PTS_ERR_VALUE, "%s: uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found "
                           "to=%g and from=%g which result in to-from to exceed the limit", opname,
                           pts_dtype_torch_name(self->dtype), to, from);
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    int dt = self->dtype;
    pts_rng_lock(g);
    if (dt == PTS_FLOAT64) {
        double range = to - from;
        for (int64_t i = 0; i < o.n; i++) {
            double v = fma(pts_rng_u53d(g), range, from);
            *(double *)pts_rng_out_ptr(&o, i) = v == to ? from : v;
        }
    } else {
        float f = round_to(dt, (float)from), t = round_to(dt, (float)to);
        float range = t - f;
        for (int64_t i = 0; i < o.n; i++) {
            float v = round_to(dt, fmaf(pts_rng_u24f(g), range, f));
            store_float(pts_rng_out_ptr(&o, i), dt, v == t ? f : v);
        }
    }
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return PTS_OK;
}

/* ---- normal_ -------------------------------------------------------------------------------- */

/* avx_mathfun's log256_ps and sincos256_ps, one lane, with the FMAs GCC
 * placed in torch's AVX2 build */
static inline float f32_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static inline uint32_t bits_f32(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static float avx_logf(float u)
{
    float x = u < 0x1p-126f ? 0x1p-126f : u;
    uint32_t b = bits_f32(x);
    float e = (float)((int32_t)(b >> 23) - 127) + 1.0f;
    float m = f32_bits((b & 0x807FFFFFu) | 0x3F000000u);
    if (m < f32_bits(0x3F3504F3u)) { /* SQRTHF */
        e = e - 1.0f;
        x = (m - 1.0f) + m;
    } else {
        x = m - 1.0f;
    }
    float z = x * x;
    static const uint32_t P[9] = {0x3D9021BBu, 0xBDEBD1B8u, 0x3DEF251Au, 0xBDFE5D4Fu, 0x3E11E9BFu,
                                  0xBE2AAE50u, 0x3E4CCEACu, 0xBE7FFFFCu, 0x3EAAAAAAu};
    float y = f32_bits(P[0]);
    for (int k = 1; k <= 8; k++)
        y = fmaf(y, x, f32_bits(P[k]));
    y = y * x;
    float eq1 = e * f32_bits(0xB95E8083u); /* Q1 */
    y = fmaf(y, z, eq1);
    y = y - 0.5f * z;
    x = x + y;
    return fmaf(e, f32_bits(0x3F318000u), x); /* Q2 */
}

static void avx_sincosf(float t, float *sinp, float *cosp)
{
    float x = fabsf(t);
    int32_t j = (int32_t)(x * f32_bits(0x3FA2F983u)); /* FOPI, truncated */
    j = (j + 1) & ~1;
    float y = (float)j;
    x = fmaf(y, f32_bits(0xBF490000u), x); /* DP1 */
    x = fmaf(y, f32_bits(0xB97DA000u), x); /* DP2 */
    x = fmaf(y, f32_bits(0xB3222169u), x); /* DP3 */
    float z = x * x;
    float c = fmaf(fmaf(f32_bits(0x37CCF5CEu), z, f32_bits(0xBAB6061Au)), z, f32_bits(0x3D2AAAA5u));
    c = z * c;
    c = fmaf(z, c, -0.5f * z);
    c = c + 1.0f;
    float s = fmaf(fmaf(f32_bits(0xB94CA1F9u), z, f32_bits(0x3C08839Eu)), z, f32_bits(0xBE2AAAA3u));
    s = z * s;
    s = fmaf(x, s, x);
    float sn = (j & 2) == 0 ? s : c;
    float cs = (j & 2) == 0 ? c : s;
    uint32_t sign_sin = (bits_f32(t) & 0x80000000u) ^ ((j & 4) ? 0x80000000u : 0u);
    uint32_t sign_cos = ((~(uint32_t)(j - 2)) & 4u) ? 0x80000000u : 0u;
    *sinp = f32_bits(bits_f32(sn) ^ sign_sin);
    *cosp = f32_bits(bits_f32(cs) ^ sign_cos);
}

/* normal_fill_16_AVX2: d[0..7] radius from 1 - d[j], angle from d[j + 8] */
static void fill16_float(float *d, float mean, float std)
{
    for (int j = 0; j < 8; j++) {
        float r = sqrtf(-2.0f * avx_logf(1.0f - d[j]));
        float th = f32_bits(0x40C90FDBu) * d[j + 8];
        float s, c;
        avx_sincosf(th, &s, &c);
        d[j] = fmaf(r * c, std, mean);
        d[j + 8] = fmaf(r * s, std, mean);
    }
}

static void fill16_double(double *d, double mean, double std)
{
    for (int j = 0; j < 8; j++) {
        double r = sqrt(-2.0 * log(1.0 - d[j]));
        double th = 2.0 * 3.14159265358979323846 * d[j + 8];
        double c = r * cos(th), s = r * sin(th);
        d[j] = fma(c, std, mean);
        d[j + 8] = fma(s, std, mean);
    }
}

pts_status pts_rng_normal_(const char *opname, pts_tensor *self, double mean, double std, pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    PTS_TRY(check_floating(opname, self->dtype, "normal_kernel_cpu"));
    if (!(std >= 0.0))
        return pts_err_set(PTS_ERR_VALUE, "%s: normal expects std >= 0.0, but found std %g", opname, std);
    if (self->dtype == PTS_COMPLEX64 || self->dtype == PTS_COMPLEX128) { /* torch: view_as_real, std / sqrt(2) */
        pts_tensor *v = as_real(self);
        if (!v)
            return pts_err_last();
        pts_status st = pts_rng_normal_(opname, v, mean, std / sqrt(2.0), generator);
        pts_obj_release(&v->hdr);
        return st;
    }
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    int dt = self->dtype;
    int64_t n = o.n;
    pts_status st = PTS_OK;
    pts_rng_lock(g);
    if (n >= 16 && o.contig && dt == PTS_FLOAT32) {
        float *d = (float *)o.base;
        float m = (float)mean, s = (float)std;
        for (int64_t i = 0; i < n; i++)
            d[i] = pts_rng_u24f(g);
        for (int64_t i = 0; i + 16 <= n; i += 16)
            fill16_float(d + i, m, s);
        if (n % 16) {
            d += n - 16;
            for (int i = 0; i < 16; i++)
                d[i] = pts_rng_u24f(g);
            fill16_float(d, m, s);
        }
    } else if (n >= 16 && o.contig && dt == PTS_FLOAT64) {
        double *d = (double *)o.base;
        for (int64_t i = 0; i < n; i++)
            d[i] = pts_rng_u53d(g);
        for (int64_t i = 0; i + 16 <= n; i += 16)
            fill16_double(d + i, mean, std);
        if (n % 16) {
            d += n - 16;
            for (int i = 0; i < 16; i++)
                d[i] = pts_rng_u53d(g);
            fill16_double(d, mean, std);
        }
    } else if (n >= 16 && o.contig && is_reduced(dt)) {
        float m = (float)mean, s = (float)std, buf[16];
        for (int64_t i = 0; i + 16 <= n; i += 16) {
            for (int k = 0; k < 16; k++)
                buf[k] = pts_rng_u24f(g);
            fill16_float(buf, m, s);
            for (int k = 0; k < 16; k++)
                store_float(o.base + (i + k) * o.isz, dt, buf[k]);
        }
        if (n % 16) {
            for (int k = 0; k < 16; k++)
                buf[k] = pts_rng_u24f(g);
            fill16_float(buf, m, s);
            for (int k = 0; k < 16; k++)
                store_float(o.base + (n - 16 + k) * o.isz, dt, buf[k]);
        }
    } else {
        for (int64_t i = 0; i < n; i++)
            pts_rng_store_double(pts_rng_out_ptr(&o, i), dt, pts_rng_normal_double(g, mean, std));
    }
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return st;
}

/* ---- random_ -------------------------------------------------------------------------------- */

static int float_digits(int dtype)
{
    return dtype == PTS_FLOAT32 ? 24 : dtype == PTS_FLOAT64 ? 53 : dtype == PTS_FLOAT16 ? 11 : dtype == PTS_BFLOAT16 ? 8 : 0;
}

/* static_cast<int64_t>(static_cast<scalar_t>(v)) for a floating dtype */
static int64_t through_dtype(int dtype, int64_t v)
{
    switch (dtype) {
    case PTS_FLOAT32: return (int64_t)(float)v;
    case PTS_FLOAT16: return (int64_t)pts_half_to_float(pts_float_to_half((float)v));
    case PTS_BFLOAT16: return (int64_t)pts_bf16_to_float(pts_float_to_bf16((float)v));
    default: return (int64_t)(double)v;
    }
}

static int highest_bit(uint64_t v)
{
    int n = 0;
    while (v >>= 1)
        n++;
    return n;
}

/* torch's update_from / update_to: bounds moved to values a floating dtype holds */
static int64_t update_from(int dtype, int64_t from)
{
    int64_t fp1 = through_dtype(dtype, from + 1);
    if (fp1 < from) {
        int64_t a = from + 1 < 0 ? -(from + 1) : from + 1;
        from = fp1 + ((int64_t)1 << (highest_bit((uint64_t)a) - float_digits(dtype) + 1));
    }
    return from;
}

static int64_t update_to(int dtype, int64_t to)
{
    int64_t tm1 = through_dtype(dtype, to - 1);
    if (tm1 >= to) {
        int64_t a = to - 1 < 0 ? -(to - 1) : to - 1;
        to = tm1 - ((int64_t)1 << (highest_bit((uint64_t)a) - float_digits(dtype) + 1));
    }
    return to;
}

static void store_int_result(void *p, int dtype, int64_t v)
{
    if (dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16)
        store_float(p, dtype, (float)v);
    else
        pts_store_i64(p, dtype, v);
}

/* the values of [base, base + range) with torch's range rule */
static void draw_from_to(pts_rng *g, pts_rng_out *o, uint64_t range, int64_t base)
{
    int dt = o->t->dtype;
    for (int64_t i = 0; i < o->n; i++) {
        uint64_t r = range >= (1ull << 28) ? pts_rng_u64(g) : (uint64_t)pts_rng_u32(g);
        store_int_result(pts_rng_out_ptr(o, i), dt, (int64_t)(r % range + (uint64_t)base));
    }
}

static pts_status check_random_dtype(const char *opname, int dt)
{
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (!di || di->is_complex || !(di->is_float || di->is_int || dt == PTS_BOOL) || dt == PTS_UINT16 ||
        dt == PTS_UINT32 || dt == PTS_UINT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: random_ is not implemented for '%s'", opname, pts_dtype_torch_name(dt));
    return PTS_OK;
}

/* dtype limits as int64: [lo, hi] */
static void int_limits(int dt, int64_t *lo, int64_t *hi)
{
    switch (dt) {
    case PTS_BOOL: *lo = 0, *hi = 1; break;
    case PTS_UINT8: *lo = 0, *hi = 255; break;
    case PTS_INT8: *lo = -128, *hi = 127; break;
    case PTS_INT16: *lo = -32768, *hi = 32767; break;
    case PTS_INT32: *lo = INT32_MIN, *hi = INT32_MAX; break;
    case PTS_INT64: *lo = INT64_MIN, *hi = INT64_MAX; break;
    default: *hi = (int64_t)1 << float_digits(dt), *lo = -*hi; break;
    }
}

pts_status pts_rng_random_from_to(const char *opname, pts_tensor *self, int64_t from, bool has_to, int64_t to,
                                  pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    int dt = self->dtype;
    PTS_TRY(check_random_dtype(opname, dt));
    bool fl = pts_is_float(dt);
    int64_t lo, hi;
    int_limits(dt, &lo, &hi);
    bool full64 = false;
    uint64_t range = 0;
    if (has_to) {
        if (fl) {
            from = update_from(dt, from);
            to = update_to(dt, to);
        }
        if (!(from < to))
            return pts_err_set(PTS_ERR_VALUE, "%s: random_ expects 'from' to be less than 'to', but got from=%lld >= to=%lld",
                               opname, (long long)from, (long long)to);
        /* torch only warns for a floating dtype */
        if (!fl && (from < lo || from > hi))
            return pts_err_set(PTS_ERR_VALUE, "%s: from is out of bounds for %s", opname, pts_dtype_torch_name(dt));
        if (!fl && (to - 1 < lo || to - 1 > hi))
            return pts_err_set(PTS_ERR_VALUE, "%s: to - 1 is out of bounds for %s", opname, pts_dtype_torch_name(dt));
        range = (uint64_t)to - (uint64_t)from;
    } else if (from != INT64_MIN) {
        if (fl)
            from = update_from(dt, from);
        if (!fl && (from < lo || from > hi))
            return pts_err_set(PTS_ERR_VALUE, "%s: from is out of bounds for %s", opname, pts_dtype_torch_name(dt));
        if (!(from <= hi))
            return pts_err_set(PTS_ERR_VALUE, "%s: random_ expects 'from' casted to dtype to be less than or equal to "
                               "'to_inc' casted to dtype", opname);
        range = (uint64_t)hi - (uint64_t)from + 1;
    } else {
        if (!(dt == PTS_INT64 || dt == PTS_FLOAT64 || dt == PTS_FLOAT32 || dt == PTS_BFLOAT16))
            return pts_err_set(PTS_ERR_VALUE, "%s: random_from_to_impl handles only int64, double, float and bfloat16", opname);
        full64 = true;
    }
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    pts_rng_lock(g);
    if (full64) {
        for (int64_t i = 0; i < o.n; i++)
            store_int_result(pts_rng_out_ptr(&o, i), dt, (int64_t)pts_rng_u64(g));
    } else {
        draw_from_to(g, &o, range, from);
    }
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return PTS_OK;
}

/* random_() with no bounds */
static pts_status random_plain(const char *opname, pts_tensor *self, pts_value generator)
{
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, opname, &g));
    int dt = self->dtype;
    PTS_TRY(check_random_dtype(opname, dt));
    pts_rng_out o;
    PTS_TRY(pts_rng_out_begin(self, opname, &o));
    bool wide = dt == PTS_INT64 || dt == PTS_FLOAT64;
    uint64_t mod = 0;
    int64_t lo, hi;
    int_limits(dt, &lo, &hi);
    if (pts_is_float(dt))
        mod = ((uint64_t)1 << float_digits(dt)) + 1;
    else if (dt != PTS_BOOL)
        mod = (uint64_t)hi + 1;
    pts_rng_lock(g);
    for (int64_t i = 0; i < o.n; i++) {
        uint64_t r = wide ? pts_rng_u64(g) : pts_rng_u32(g);
        int64_t v = dt == PTS_BOOL ? (int64_t)(r & 1) : (int64_t)(r % mod);
        store_int_result(pts_rng_out_ptr(&o, i), dt, v);
    }
    pts_rng_unlock(g);
    pts_rng_out_end(&o);
    return PTS_OK;
}

/* ---- kernels -------------------------------------------------------------------------------- */

static pts_status ret_self(pts_status st, pts_tensor *self, pts_value *rets)
{
    if (st == PTS_OK)
        rets[0] = pts_ret_tensor_ref(self);
    return st;
}

PTS_KERNEL(k_uniform_) { return ret_self(pts_rng_uniform_(OPN, a->self, a->from, a->to, a->generator), a->self, rets); }
PTS_KERNEL(k_normal_) { return ret_self(pts_rng_normal_(OPN, a->self, a->mean, a->std, a->generator), a->self, rets); }
PTS_KERNEL(k_random_) { return ret_self(random_plain(OPN, a->self, a->generator), a->self, rets); }
PTS_KERNEL(k_random__from)
{
    return ret_self(pts_rng_random_from_to(OPN, a->self, a->from, a->has_to, a->to, a->generator), a->self, rets);
}
PTS_KERNEL(k_random__to)
{
    return ret_self(pts_rng_random_from_to(OPN, a->self, 0, true, a->to, a->generator), a->self, rets);
}

/* factory options: device CPU, strided layout; dtype or the default */
static pts_status factory_opts(const pts_op *op, int dtype_arg, pts_value layout, pts_value device, int dflt, int *dtype)
{
    PTS_TRY(pts_arg_check_device(device, OPN));
    if (layout.tag != PTS_T_NONE && pts_arg_int(layout) != 0)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: pyts supports the strided layout only", OPN);
    *dtype = dtype_arg >= 0 ? dtype_arg : dflt;
    if (!pts_dtype_get(*dtype) || pts_dtype_get(*dtype)->itemsize == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: unknown dtype code %d", OPN, *dtype);
    return PTS_OK;
}

/* a new contiguous tensor of `size` */
static pts_status new_sized(const pts_op *op, pts_value size, int dtype, pts_tensor **out)
{
    int64_t sizes[PTS_MAX_DIMS];
    int nd = 0;
    PTS_TRY(pts_arg_int_list(size, sizes, PTS_MAX_DIMS, &nd, 0, "size"));
    for (int i = 0; i < nd; i++)
        if (sizes[i] < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Trying to create tensor with negative dimension %lld", OPN,
                               (long long)sizes[i]);
    *out = pts_tensor_empty(dtype, nd, sizes);
    return *out ? PTS_OK : pts_err_last();
}

typedef enum { FILL_UNIFORM, FILL_NORMAL, FILL_RANDINT } fill_kind;

/* fill a new tensor t (stolen) and return it */
static pts_status fill_ret(const pts_op *op, pts_tensor *t, fill_kind k, int64_t low, int64_t high, pts_value gen,
                           pts_value *rets)
{
    pts_status st;
    if (k == FILL_UNIFORM)
        st = pts_rng_uniform_(OPN, t, 0.0, 1.0, gen);
    else if (k == FILL_NORMAL)
        st = pts_rng_normal_(OPN, t, 0.0, 1.0, gen);
    else
        st = pts_rng_random_from_to(OPN, t, low, true, high, gen);
    if (st) {
        pts_obj_release(&t->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

static pts_status sized_fill(const pts_op *op, pts_value size, int dtype_arg, pts_value layout, pts_value device,
                             int dflt, fill_kind k, int64_t low, int64_t high, pts_value gen, pts_value *rets)
{
    int dtype = 0;
    pts_tensor *t = NULL;
    PTS_TRY(factory_opts(op, dtype_arg, layout, device, dflt, &dtype));
    if (k != FILL_RANDINT)
        PTS_TRY(check_floating(OPN, dtype, k == FILL_UNIFORM ? "check_uniform_bounds" : "normal_kernel_cpu"));
    PTS_TRY(new_sized(op, size, dtype, &t));
    return fill_ret(op, t, k, low, high, gen, rets);
}

static pts_status like_fill(const pts_op *op, pts_tensor *self, int dtype_arg, pts_value layout, pts_value device,
                            pts_value mf, fill_kind k, int64_t low, int64_t high, pts_value gen, pts_value *rets)
{
    int dtype = 0;
    pts_tensor *t = NULL;
    PTS_TRY(factory_opts(op, dtype_arg, layout, device, self->dtype, &dtype));
    PTS_TRY(pts_rng_new_like(OPN, self, dtype, mf, &t));
    return fill_ret(op, t, k, low, high, gen, rets);
}

#define SZ(a) (a)->size, (a)->dtype, (a)->layout, (a)->device
#define LK(a) (a)->self, (a)->dtype, (a)->layout, (a)->device, (a)->memory_format

PTS_KERNEL(k_rand) { return sized_fill(op, SZ(a), PTS_FLOAT32, FILL_UNIFORM, 0, 0, pts_none(), rets); }
PTS_KERNEL(k_rand_generator) { return sized_fill(op, SZ(a), PTS_FLOAT32, FILL_UNIFORM, 0, 0, a->generator, rets); }
PTS_KERNEL(k_randn) { return sized_fill(op, SZ(a), PTS_FLOAT32, FILL_NORMAL, 0, 0, pts_none(), rets); }
PTS_KERNEL(k_randn_generator) { return sized_fill(op, SZ(a), PTS_FLOAT32, FILL_NORMAL, 0, 0, a->generator, rets); }
PTS_KERNEL(k_randint) { return sized_fill(op, SZ(a), PTS_INT64, FILL_RANDINT, 0, a->high, pts_none(), rets); }
PTS_KERNEL(k_randint_generator) { return sized_fill(op, SZ(a), PTS_INT64, FILL_RANDINT, 0, a->high, a->generator, rets); }
PTS_KERNEL(k_randint_low) { return sized_fill(op, SZ(a), PTS_INT64, FILL_RANDINT, a->low, a->high, pts_none(), rets); }
PTS_KERNEL(k_randint_low_generator)
{
    return sized_fill(op, SZ(a), PTS_INT64, FILL_RANDINT, a->low, a->high, a->generator, rets);
}
PTS_KERNEL(k_rand_like) { return like_fill(op, LK(a), FILL_UNIFORM, 0, 0, pts_none(), rets); }
PTS_KERNEL(k_rand_like_generator) { return like_fill(op, LK(a), FILL_UNIFORM, 0, 0, a->generator, rets); }
PTS_KERNEL(k_randn_like) { return like_fill(op, LK(a), FILL_NORMAL, 0, 0, pts_none(), rets); }
PTS_KERNEL(k_randn_like_generator) { return like_fill(op, LK(a), FILL_NORMAL, 0, 0, a->generator, rets); }
PTS_KERNEL(k_randint_like) { return like_fill(op, LK(a), FILL_RANDINT, 0, a->high, pts_none(), rets); }
PTS_KERNEL(k_randint_like_generator) { return like_fill(op, LK(a), FILL_RANDINT, 0, a->high, a->generator, rets); }
PTS_KERNEL(k_randint_like_low_dtype) { return like_fill(op, LK(a), FILL_RANDINT, a->low, a->high, pts_none(), rets); }
PTS_KERNEL(k_randint_like_low_generator_dtype)
{
    return like_fill(op, LK(a), FILL_RANDINT, a->low, a->high, a->generator, rets);
}

/* randint_like(self, Tensor high): high is a 0-dim int tensor */
static pts_status high_of(const pts_op *op, pts_tensor *high, int64_t *h)
{
    if (high->ndim != 0 || pts_is_float(high->dtype) || pts_dtype_get(high->dtype)->is_complex)
        return pts_err_set(PTS_ERR_VALUE, "%s: high must be a scalar tensor and on CPU (an integer 0-dim tensor)", OPN);
    *h = pts_load_i64(pts_tensor_data(high), high->dtype);
    return PTS_OK;
}
PTS_KERNEL(k_randint_like_Tensor)
{
    int64_t h = 0;
    PTS_TRY(high_of(op, a->high, &h));
    return like_fill(op, LK(a), FILL_RANDINT, 0, h, pts_none(), rets);
}
PTS_KERNEL(k_randint_like_Tensor_generator)
{
    int64_t h = 0;
    PTS_TRY(high_of(op, a->high, &h));
    return like_fill(op, LK(a), FILL_RANDINT, 0, h, a->generator, rets);
}

/* ---- randperm ------------------------------------------------------------------------------- */

static pts_status randperm_run(const pts_op *op, int64_t n, int dtype_arg, pts_value layout, pts_value device,
                               pts_value generator, pts_value *rets)
{
    int dtype = 0;
    pts_rng *g = NULL;
    PTS_TRY(pts_rng_from_arg(generator, OPN, &g));
    PTS_TRY(factory_opts(op, dtype_arg, layout, device, PTS_INT64, &dtype));
    if (n < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: n must be non-negative, got%lld", OPN, (long long)n);
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (di->is_complex || dtype == PTS_BOOL || dtype == PTS_UINT16 || dtype == PTS_UINT32 || dtype == PTS_UINT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"randperm\" not implemented for '%s'", OPN, pts_dtype_torch_name(dtype));
    int64_t lo, hi;
    int_limits(dtype, &lo, &hi);
    if (pts_is_float(dtype) ? n > hi + 1 : n - 1 > hi)
        return pts_err_set(PTS_ERR_VALUE, "%s: n cannot be greater than %lld for %s type.", OPN,
                           (long long)(pts_is_float(dtype) ? hi + 1 : hi + 1), pts_dtype_torch_name(dtype));
    int64_t *p = pts_malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!p)
        return pts_err_last();
    pts_rng_lock(g);
    if (n < 214748364) {
        for (int64_t i = 0; i < n; i++)
            p[i] = i;
        for (int64_t i = 0; i < n - 1; i++) {
            int64_t z = (int64_t)(pts_rng_u32(g) % (uint64_t)(n - i));
            int64_t t = p[i];
            p[i] = p[z + i];
            p[z + i] = t;
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            int64_t z = (int64_t)(pts_rng_u64(g) % (uint64_t)(i + 1));
            p[i] = p[z];
            p[z] = i;
        }
    }
    pts_rng_unlock(g);
    pts_tensor *t = pts_tensor_empty(dtype, 1, &n);
    if (!t) {
        pts_free(p);
        return pts_err_last();
    }
    char *d = (char *)pts_tensor_data(t);
    for (int64_t i = 0; i < n; i++)
        store_int_result(d + i * di->itemsize, dtype, p[i]);
    pts_free(p);
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

PTS_KERNEL(k_randperm) { return randperm_run(op, a->n, a->dtype, a->layout, a->device, pts_none(), rets); }
PTS_KERNEL(k_randperm_generator) { return randperm_run(op, a->n, a->dtype, a->layout, a->device, a->generator, rets); }

/* ---- Generator objects and seeding (TorchScript's torch.Generator, torch.manual_seed) ---------- */

PTS_KERNEL(k_Generator)
{
    PTS_TRY(pts_arg_check_device(a->device, OPN));
    return pts_rng_value_new(a->has_seed ? (uint64_t)a->seed : pts_rng_nondeterministic_seed(), &rets[0]);
}

PTS_KERNEL(k_manual_seed)
{
    (void)rets;
    pts_rng_manual_seed(pts_rng_default(), (uint64_t)a->seed);
    return PTS_OK;
}

/* the Generator argument `self` (None is refused: these take a generator) */
static pts_status gen_arg(const pts_op *op, pts_value v, pts_rng **g)
{
    if (v.tag == PTS_T_NONE)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected a Generator, got None", OPN);
    return pts_rng_from_arg(v, OPN, g);
}

PTS_KERNEL(k_manual_seed_generator)
{
    pts_rng *g = NULL;
    PTS_TRY(gen_arg(op, a->self, &g));
    pts_rng_manual_seed(g, (uint64_t)a->seed);
    rets[0] = pts_value_retain(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_seed)
{
    pts_rng *g = NULL;
    PTS_TRY(gen_arg(op, a->self, &g));
    uint64_t s = pts_rng_nondeterministic_seed();
    pts_rng_manual_seed(g, s);
    rets[0] = pts_int((int64_t)s);
    return PTS_OK;
}

PTS_KERNEL(k_initial_seed)
{
    pts_rng *g = NULL;
    PTS_TRY(gen_arg(op, a->self, &g));
    rets[0] = pts_int((int64_t)pts_rng_initial_seed(g));
    return PTS_OK;
}

const pts_op_def pts_ops_random[] = {
    PTS_OP("aten::Generator(*, Device? device=None, int? seed=None) -> Generator", k_Generator),
    PTS_OP("aten::manual_seed(int seed) -> ()", k_manual_seed),
    PTS_OP("aten::manual_seed.generator(Generator(a!) self, int seed) -> Generator(a!)", k_manual_seed_generator),
    PTS_OP("aten::seed(Generator(a!) self) -> int", k_seed),
    PTS_OP("aten::initial_seed(Generator self) -> int", k_initial_seed),
    PTS_OP("aten::uniform_(Tensor(a!) self, float from=0., float to=1., *, Generator? generator=None) -> Tensor(a!)", k_uniform_),
    PTS_OP("aten::normal_(Tensor(a!) self, float mean=0., float std=1., *, Generator? generator=None) -> Tensor(a!)", k_normal_),
    PTS_OP("aten::random_(Tensor(a!) self, *, Generator? generator=None) -> Tensor(a!)", k_random_),
    PTS_OP("aten::random_.from(Tensor(a!) self, int from, int? to, *, Generator? generator=None) -> Tensor(a!)", k_random__from),
    PTS_OP("aten::random_.to(Tensor(a!) self, int to, *, Generator? generator=None) -> Tensor(a!)", k_random__to),
    PTS_OP("aten::rand(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_rand),
    PTS_OP("aten::rand.generator(SymInt[] size, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_rand_generator),
    PTS_OP("aten::randn(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randn),
    PTS_OP("aten::randn.generator(SymInt[] size, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randn_generator),
    PTS_OP("aten::rand_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_rand_like),
    PTS_OP("aten::rand_like.generator(Tensor self, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_rand_like_generator),
    PTS_OP("aten::randn_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randn_like),
    PTS_OP("aten::randn_like.generator(Tensor self, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randn_like_generator),
    PTS_OP("aten::randint(SymInt high, SymInt[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randint),
    PTS_OP("aten::randint.generator(SymInt high, SymInt[] size, *, Generator? generator, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randint_generator),
    PTS_OP("aten::randint.low(SymInt low, SymInt high, SymInt[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randint_low),
    PTS_OP("aten::randint.low_generator(SymInt low, SymInt high, SymInt[] size, *, Generator? generator, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randint_low_generator),
    PTS_OP("aten::randint_like(Tensor self, SymInt high, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like),
    PTS_OP("aten::randint_like.Tensor(Tensor self, Tensor high, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like_Tensor),
    PTS_OP("aten::randint_like.low_dtype(Tensor self, SymInt low, SymInt high, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like_low_dtype),
    PTS_OP("aten::randint_like.generator(Tensor self, SymInt high, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like_generator),
    PTS_OP("aten::randint_like.Tensor_generator(Tensor self, Tensor high, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like_Tensor_generator),
    PTS_OP("aten::randint_like.low_generator_dtype(Tensor self, SymInt low, SymInt high, *, Generator? generator, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", k_randint_like_low_generator_dtype),
    PTS_OP("aten::randperm(SymInt n, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randperm),
    PTS_OP("aten::randperm.generator(SymInt n, *, Generator? generator, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", k_randperm_generator),
    {NULL, NULL},
};
