/* convert.c - dtype conversion and dtype-converting copies (see convert.h).
 *
 * Element access goes through pts_load_* / pts_store_*; tensor copies run on
 * the broadcasting iterator with a same-dtype memcpy-style fast path.
 */
#include "tensor/convert.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "tensor/iter.h"

/* ---- float16 / bfloat16 ------------------------------------------------------- */

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float pts_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    if (exp == 0x1f)
        return u2f(sign | 0x7f800000u | (man << 13));
    if (exp == 0) {
        if (man == 0)
            return u2f(sign);
        float v = (float)man * 5.9604644775390625e-8f; /* 2^-24 */
        return sign ? -v : v;
    }
    return u2f(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t pts_float_to_half(float f)
{
    uint32_t u = f2u(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) /* NaN */
        return (uint16_t)(sign | 0x7e00);
    if (a >= 0x477ff000u) /* rounds to >= 65520: inf */
        return (uint16_t)(sign | 0x7c00);
    if (a < 0x38800000u) { /* subnormal half (or zero): round at 2^-24 */
        float v = u2f(a) * 16777216.0f; /* exact scaling by 2^24 */
        /* round half to even: nearbyintf under the default rounding mode */
        return (uint16_t)(sign | (uint16_t)nearbyintf(v));
    }
    uint32_t mant_odd = (a >> 13) & 1;
    a += 0xfffu + mant_odd; /* round to nearest even at bit 13 */
    a -= 112u << 23;        /* rebias exponent */
    return (uint16_t)(sign | (a >> 13));
}

float pts_bf16_to_float(uint16_t b) { return u2f((uint32_t)b << 16); }

uint16_t pts_float_to_bf16(float f)
{
    uint32_t u = f2u(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return 0x7fc0;
    u += 0x7fffu + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

/* ---- element access ------------------------------------------------------------ */

/* float -> int64 like x86 cvttsd2si: NaN and out-of-range give INT64_MIN. */
static int64_t f64_to_i64(double v)
{
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)v;
}

/* float -> int32 like the 32-bit cvttsd2si: NaN and out-of-range give INT32_MIN. */
static int32_t f64_to_i32(double v)
{
    if (!(v > -2147483649.0 && v < 2147483648.0))
        return INT32_MIN;
    return (int32_t)v;
}

double pts_load_f64(const void *p, int dtype)
{
    switch (dtype) {
    case PTS_UINT8: return *(const uint8_t *)p;
    case PTS_INT8: return *(const int8_t *)p;
    case PTS_INT16: return *(const int16_t *)p;
    case PTS_INT32: return *(const int32_t *)p;
    case PTS_INT64: return (double)*(const int64_t *)p;
    case PTS_FLOAT16: return pts_half_to_float(*(const uint16_t *)p);
    case PTS_FLOAT32: return *(const float *)p;
    case PTS_FLOAT64: return *(const double *)p;
    case PTS_BOOL: return *(const uint8_t *)p != 0;
    case PTS_BFLOAT16: return pts_bf16_to_float(*(const uint16_t *)p);
    case PTS_COMPLEX64: return *(const float *)p;
    case PTS_COMPLEX128: return *(const double *)p;
    case PTS_UINT16: return *(const uint16_t *)p;
    case PTS_UINT32: return *(const uint32_t *)p;
    case PTS_UINT64: return (double)*(const uint64_t *)p;
    default: return 0.0;
    }
}

int64_t pts_load_i64(const void *p, int dtype)
{
    switch (dtype) {
    case PTS_UINT8: return *(const uint8_t *)p;
    case PTS_INT8: return *(const int8_t *)p;
    case PTS_INT16: return *(const int16_t *)p;
    case PTS_INT32: return *(const int32_t *)p;
    case PTS_INT64: return *(const int64_t *)p;
    case PTS_BOOL: return *(const uint8_t *)p != 0;
    case PTS_UINT16: return *(const uint16_t *)p;
    case PTS_UINT32: return *(const uint32_t *)p;
    case PTS_UINT64: return (int64_t)*(const uint64_t *)p;
    default: return f64_to_i64(pts_load_f64(p, dtype));
    }
}

void pts_store_i64(void *p, int dtype, int64_t v)
{
    switch (dtype) {
    case PTS_UINT8: *(uint8_t *)p = (uint8_t)v; break;
    case PTS_INT8: *(int8_t *)p = (int8_t)v; break;
    case PTS_INT16: *(int16_t *)p = (int16_t)v; break;
    case PTS_INT32: *(int32_t *)p = (int32_t)v; break;
    case PTS_INT64: *(int64_t *)p = v; break;
    case PTS_BOOL: *(uint8_t *)p = v != 0; break;
    case PTS_UINT16: *(uint16_t *)p = (uint16_t)v; break;
    case PTS_UINT32: *(uint32_t *)p = (uint32_t)v; break;
    case PTS_UINT64: *(uint64_t *)p = (uint64_t)v; break;
    default: pts_store_f64(p, dtype, (double)v); break;
    }
}

void pts_elem_accumulate(void *p, const void *q, int dtype, bool mul)
{
    if (dtype == PTS_COMPLEX64 || dtype == PTS_COMPLEX128) {
        double a, b, c, d;
        if (dtype == PTS_COMPLEX64) {
            float x[2], y[2];
            memcpy(x, p, sizeof x);
            memcpy(y, q, sizeof y);
            a = x[0], b = x[1], c = y[0], d = y[1];
        } else {
            double x[2], y[2];
            memcpy(x, p, sizeof x);
            memcpy(y, q, sizeof y);
            a = x[0], b = x[1], c = y[0], d = y[1];
        }
        double re, im;
        if (mul && dtype == PTS_COMPLEX64) { /* in float, as c10::complex<float> multiplies */
            re = (double)((float)a * (float)c - (float)b * (float)d);
            im = (double)((float)a * (float)d + (float)b * (float)c);
        } else if (mul) {
            re = a * c - b * d, im = a * d + b * c;
        } else {
            re = a + c, im = b + d;
        }
        if (dtype == PTS_COMPLEX64) {
            float o[2] = {(float)re, (float)im};
            memcpy(p, o, sizeof o);
        } else {
            double o[2] = {re, im};
            memcpy(p, o, sizeof o);
        }
        return;
    }
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (dtype == PTS_BOOL) {
        bool a = pts_load_i64(p, dtype) != 0, b = pts_load_i64(q, dtype) != 0;
        pts_store_i64(p, dtype, mul ? (a && b) : (a || b));
    } else if (di && di->is_int) {
        uint64_t a = (uint64_t)pts_load_i64(p, dtype), b = (uint64_t)pts_load_i64(q, dtype);
        pts_store_i64(p, dtype, (int64_t)(mul ? a * b : a + b));
    } else {
        double a = pts_load_f64(p, dtype), b = pts_load_f64(q, dtype);
        pts_store_f64(p, dtype, mul ? a * b : a + b);
    }
}

void pts_store_f64(void *p, int dtype, double v)
{
    switch (dtype) {
    case PTS_FLOAT16: *(uint16_t *)p = pts_float_to_half((float)v); break;
    case PTS_FLOAT32: *(float *)p = (float)v; break;
    case PTS_FLOAT64: *(double *)p = v; break;
    case PTS_BFLOAT16: *(uint16_t *)p = pts_float_to_bf16((float)v); break;
    case PTS_BOOL: *(uint8_t *)p = v != 0; break;
    case PTS_COMPLEX64: ((float *)p)[0] = (float)v; ((float *)p)[1] = 0; break;
    case PTS_COMPLEX128: ((double *)p)[0] = v; ((double *)p)[1] = 0; break;
    case PTS_INT8: /* torch's float -> int8/16/32 goes through int32 on x86, then wraps */
    case PTS_INT16:
    case PTS_INT32: pts_store_i64(p, dtype, f64_to_i32(v)); break;
    case PTS_UINT8: /* float -> uint8 goes through int64 on x86, then wraps */
    default: pts_store_i64(p, dtype, f64_to_i64(v)); break;
    }
}

double pts_scalar_f64(pts_value v)
{
    switch (v.tag) {
    case PTS_T_BOOL: return v.u.b;
    case PTS_T_INT: return (double)v.u.i;
    case PTS_T_FLOAT: return v.u.f;
    case PTS_T_COMPLEX: return v.u.c[0];
    default: return 0.0;
    }
}

int64_t pts_scalar_i64(pts_value v)
{
    switch (v.tag) {
    case PTS_T_BOOL: return v.u.b;
    case PTS_T_INT: return v.u.i;
    case PTS_T_FLOAT: return f64_to_i64(v.u.f);
    case PTS_T_COMPLEX: return f64_to_i64(v.u.c[0]);
    default: return 0;
    }
}

static bool dtype_is_intlike(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return di && (di->is_int || dtype == PTS_BOOL);
}

void pts_store_scalar(void *p, int dtype, pts_value v)
{
    if (v.tag == PTS_T_COMPLEX && dtype == PTS_COMPLEX64) {
        ((float *)p)[0] = (float)v.u.c[0];
        ((float *)p)[1] = (float)v.u.c[1];
    } else if (v.tag == PTS_T_COMPLEX && dtype == PTS_COMPLEX128) {
        ((double *)p)[0] = v.u.c[0];
        ((double *)p)[1] = v.u.c[1];
    } else if (v.tag == PTS_T_COMPLEX && dtype == PTS_BOOL) {
        *(uint8_t *)p = v.u.c[0] != 0 || v.u.c[1] != 0;
    } else if (dtype_is_intlike(dtype) && (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL))
        pts_store_i64(p, dtype, pts_scalar_i64(v));
    else
        pts_store_f64(p, dtype, pts_scalar_f64(v));
}

/* c10's checked_convert, as measured on torch 2.x: does number v overflow dtype? */
static bool scalar_overflows(pts_value v, int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di || dtype == PTS_BOOL || v.tag == PTS_T_BOOL)
        return false;
    double lo, hi;
    switch (dtype) {
    case PTS_UINT8: lo = 0, hi = 255; break;
    case PTS_INT8: lo = -128, hi = 127; break;
    case PTS_INT16: lo = -32768, hi = 32767; break;
    case PTS_INT32: lo = -2147483648.0, hi = 2147483647.0; break;
    case PTS_INT64: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
    case PTS_FLOAT16: lo = -65504, hi = 65504; break;
    case PTS_BFLOAT16: lo = -3.3895313892515355e+38, hi = 3.3895313892515355e+38; break;
    case PTS_FLOAT32: lo = -3.4028234663852886e+38, hi = 3.4028234663852886e+38; break;
    default: return false;
    }
    if (v.tag == PTS_T_INT) {
        int64_t i = v.u.i;
        if (dtype == PTS_INT64)
            return false;
        if (dtype == PTS_UINT8) /* negative ints wrap (two's complement) while -i fits */
            return i > 255 || (i < 0 && i < -255);
        return (double)i < lo || (double)i > hi;
    }
    double f = pts_scalar_f64(v);
    if (di->is_float) /* inf and NaN convert; float16 overflows from 65519 on (measured) */
        return isfinite(f) && (dtype == PTS_FLOAT16 ? fabs(f) >= 65519.0 : (f < lo || f > hi));
    return f != f || f < lo || f >= hi + 1; /* truncation toward zero must fit */
}

pts_status pts_scalar_check_fits(pts_value v, int dtype, const char *opname)
{
    if (!scalar_overflows(v, dtype))
        return PTS_OK;
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return pts_err_set(PTS_ERR_VALUE, "%s: value cannot be converted to type %s without overflow", opname,
                       di ? di->name : "?");
}

/* ---- tensor copies --------------------------------------------------------------- */

typedef struct copy_ctx {
    int dst, src;
    size_t isz;
} copy_ctx;

static void copy_same(void *vctx, char **d, const int64_t *s, int64_t n)
{
    const copy_ctx *c = vctx;
    if (s[0] == (int64_t)c->isz && s[1] == (int64_t)c->isz) {
        memmove(d[0], d[1], (size_t)n * c->isz);
        return;
    }
    switch (c->isz) {
    case 4:
        for (int64_t i = 0; i < n; i++)
            memcpy(d[0] + i * s[0], d[1] + i * s[1], 4);
        break;
    case 8:
        for (int64_t i = 0; i < n; i++)
            memcpy(d[0] + i * s[0], d[1] + i * s[1], 8);
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            memcpy(d[0] + i * s[0], d[1] + i * s[1], c->isz);
    }
}

static bool dtype_is_complex(int dtype) { return dtype == PTS_COMPLEX64 || dtype == PTS_COMPLEX128; }

/* The imaginary part of a complex element (0 for real dtypes). */
static double load_imag(const void *p, int dtype)
{
    return dtype == PTS_COMPLEX64 ? ((const float *)p)[1] : dtype == PTS_COMPLEX128 ? ((const double *)p)[1] : 0.0;
}

static void copy_convert(void *vctx, char **d, const int64_t *s, int64_t n)
{
    const copy_ctx *c = vctx;
    if (dtype_is_complex(c->src) || dtype_is_complex(c->dst)) {
        /* as torch: complex -> real keeps the real part, -> bool tests both parts, real -> complex has 0j */
        for (int64_t i = 0; i < n; i++) {
            const char *ps = d[1] + i * s[1];
            char *pd = d[0] + i * s[0];
            double re = pts_load_f64(ps, c->src), im = load_imag(ps, c->src);
            if (c->dst == PTS_BOOL)
                *(uint8_t *)pd = re != 0 || im != 0;
            else if (c->dst == PTS_COMPLEX64)
                ((float *)pd)[0] = (float)re, ((float *)pd)[1] = (float)im;
            else if (c->dst == PTS_COMPLEX128)
                ((double *)pd)[0] = re, ((double *)pd)[1] = im;
            else
                pts_store_f64(pd, c->dst, re);
        }
    } else if (c->src == PTS_FLOAT32 && c->dst == PTS_FLOAT16) {
        for (int64_t i = 0; i < n; i++)
            *(uint16_t *)(d[0] + i * s[0]) = pts_float_to_half(*(const float *)(d[1] + i * s[1]));
    } else if (c->src == PTS_FLOAT16 && c->dst == PTS_FLOAT32) {
        for (int64_t i = 0; i < n; i++)
            *(float *)(d[0] + i * s[0]) = pts_half_to_float(*(const uint16_t *)(d[1] + i * s[1]));
    } else if (c->src == PTS_FLOAT32 && c->dst == PTS_BFLOAT16) {
        for (int64_t i = 0; i < n; i++)
            *(uint16_t *)(d[0] + i * s[0]) = pts_float_to_bf16(*(const float *)(d[1] + i * s[1]));
    } else if (dtype_is_intlike(c->src) && dtype_is_intlike(c->dst)) {
        for (int64_t i = 0; i < n; i++)
            pts_store_i64(d[0] + i * s[0], c->dst, pts_load_i64(d[1] + i * s[1], c->src));
    } else {
        for (int64_t i = 0; i < n; i++)
            pts_store_f64(d[0] + i * s[0], c->dst, pts_load_f64(d[1] + i * s[1], c->src));
    }
}

static bool supported_dtype(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di)
        return false;
    return dtype <= PTS_FLOAT64 || dtype == PTS_BOOL || dtype == PTS_BFLOAT16 || dtype == PTS_COMPLEX64 ||
           dtype == PTS_COMPLEX128 || (dtype >= PTS_UINT16 && dtype <= PTS_UINT64);
}

pts_status pts_tensor_copy_into(pts_tensor *dst, const pts_tensor *src, const char *opname)
{
    if (!supported_dtype(dst->dtype) || !supported_dtype(src->dtype))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: copy between %s and %s is not supported", opname,
                           pts_dtype_get(src->dtype) ? pts_dtype_get(src->dtype)->name : "?",
                           pts_dtype_get(dst->dtype) ? pts_dtype_get(dst->dtype)->name : "?");
    PTS_TRY(pts_tensor_make_writable(dst));
    pts_iter it;
    pts_tensor *ops[2] = {dst, (pts_tensor *)src};
    PTS_TRY(pts_iter_init(&it, 2, ops, opname));
    copy_ctx c = {dst->dtype, src->dtype, (size_t)pts_dtype_get(dst->dtype)->itemsize};
    pts_iter_run(&it, dst->dtype == src->dtype ? copy_same : copy_convert, &c);
    return PTS_OK;
}

pts_tensor *pts_tensor_to_dtype(const pts_tensor *t, int dtype)
{
    pts_tensor *r = pts_tensor_empty(dtype, t->ndim, t->sizes);
    if (!r)
        return NULL;
    if (pts_tensor_copy_into(r, t, "to") != PTS_OK) {
        pts_obj_release(&r->hdr);
        return NULL;
    }
    return r;
}

pts_tensor *pts_tensor_as_contiguous(pts_tensor *t, int dtype)
{
    if (dtype < 0)
        dtype = t->dtype;
    if (dtype == t->dtype && pts_tensor_is_contiguous(t)) {
        pts_obj_retain(&t->hdr);
        return t;
    }
    return pts_tensor_to_dtype(t, dtype);
}

pts_tensor *pts_tensor_from_scalar(pts_value v, int dtype)
{
    pts_tensor *t = pts_tensor_empty(dtype, 0, NULL);
    if (t)
        pts_store_scalar(pts_tensor_data(t), dtype, v);
    return t;
}

pts_status pts_tensor_fill(pts_tensor *t, pts_value v)
{
    PTS_TRY(pts_scalar_check_fits(v, t->dtype, "fill_"));
    pts_tensor *s = pts_tensor_from_scalar(v, t->dtype);
    if (!s)
        return pts_err_last();
    pts_status st = pts_tensor_copy_into(t, s, "fill_");
    pts_obj_release(&s->hdr);
    return st;
}

pts_status pts_tensor_item(const pts_tensor *t, pts_value *out)
{
    if (pts_tensor_numel(t) != 1)
        return pts_err_set(PTS_ERR_VALUE, "a Tensor with %lld elements cannot be converted to Scalar",
                           (long long)pts_tensor_numel(t));
    const void *p = pts_tensor_data(t);
    if (t->dtype == PTS_BOOL)
        *out = pts_bool(*(const uint8_t *)p != 0);
    else if (dtype_is_intlike(t->dtype))
        *out = pts_int(pts_load_i64(p, t->dtype));
    else if (t->dtype == PTS_COMPLEX64)
        *out = pts_complex(((const float *)p)[0], ((const float *)p)[1]);
    else if (t->dtype == PTS_COMPLEX128)
        *out = pts_complex(((const double *)p)[0], ((const double *)p)[1]);
    else
        *out = pts_float(pts_load_f64(p, t->dtype));
    return PTS_OK;
}

pts_status pts_tensor_make_writable(pts_tensor *t)
{
    pts_storage *s = t->storage;
    if (!s->readonly)
        return PTS_OK;
    void *copy = pts_data_alloc(s->nbytes);
    if (!copy)
        return pts_err_nomem("a private copy of read-only tensor data", s->nbytes);
    memcpy(copy, s->data, s->nbytes);
    if (s->owner == PTS_STORAGE_BORROWED && s->keep_release)
        s->keep_release(s->keep);
    else if (s->owner == PTS_STORAGE_OWNED)
        pts_data_free(s->data, s->nbytes);
    s->data = copy;
    s->owner = PTS_STORAGE_OWNED;
    s->keep = NULL;
    s->keep_release = NULL;
    s->readonly = false;
    return PTS_OK;
}
