/* tensor.c - dtype table, storage and strided tensors (see tensor.h). */
#include "tensor/tensor.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "value/class.h"

/*   name, torch's ScalarType name, storage GLOBAL, size, float complex int signed */
const pts_dtype_info pts_dtype_table[PTS_DTYPE_COUNT] = {
    [PTS_UINT8] = {"uint8", "Byte", "ByteStorage", 1, false, false, true, false},
    [PTS_INT8] = {"int8", "Char", "CharStorage", 1, false, false, true, true},
    [PTS_INT16] = {"int16", "Short", "ShortStorage", 2, false, false, true, true},
    [PTS_INT32] = {"int32", "Int", "IntStorage", 4, false, false, true, true},
    [PTS_INT64] = {"int64", "Long", "LongStorage", 8, false, false, true, true},
    [PTS_FLOAT16] = {"float16", "Half", "HalfStorage", 2, true, false, false, true},
    [PTS_FLOAT32] = {"float32", "Float", "FloatStorage", 4, true, false, false, true},
    [PTS_FLOAT64] = {"float64", "Double", "DoubleStorage", 8, true, false, false, true},
    [PTS_COMPLEX32] = {"complex32", "ComplexHalf", "ComplexHalfStorage", 4, false, true, false, true},
    [PTS_COMPLEX64] = {"complex64", "ComplexFloat", "ComplexFloatStorage", 8, false, true, false, true},
    [PTS_COMPLEX128] = {"complex128", "ComplexDouble", "ComplexDoubleStorage", 16, false, true, false, true},
    [PTS_BOOL] = {"bool", "Bool", "BoolStorage", 1, false, false, false, false},
    [PTS_QINT8] = {"qint8", "QInt8", "QInt8Storage", 1, false, false, false, true},
    [PTS_QUINT8] = {"quint8", "QUInt8", "QUInt8Storage", 1, false, false, false, false},
    [PTS_QINT32] = {"qint32", "QInt32", "QInt32Storage", 4, false, false, false, true},
    [PTS_BFLOAT16] = {"bfloat16", "BFloat16", "BFloat16Storage", 2, true, false, false, true},
    [PTS_QUINT4X2] = {"quint4x2", "QUInt4x2", "QUInt4x2Storage", 1, false, false, false, false},
    [PTS_QUINT2X4] = {"quint2x4", "QUInt2x4", "QUInt2x4Storage", 1, false, false, false, false},
    [PTS_BITS1X8] = {"bits1x8", "Bits1x8", "Bits1x8Storage", 1, false, false, false, false},
    [PTS_BITS2X4] = {"bits2x4", "Bits2x4", "Bits2x4Storage", 1, false, false, false, false},
    [PTS_BITS4X2] = {"bits4x2", "Bits4x2", "Bits4x2Storage", 1, false, false, false, false},
    [PTS_BITS8] = {"bits8", "Bits8", "Bits8Storage", 1, false, false, false, false},
    [PTS_BITS16] = {"bits16", "Bits16", "Bits16Storage", 2, false, false, false, false},
    [PTS_FLOAT8_E5M2] = {"float8_e5m2", "Float8_e5m2", "Float8_e5m2Storage", 1, true, false, false, true},
    [PTS_FLOAT8_E4M3FN] = {"float8_e4m3fn", "Float8_e4m3fn", "Float8_e4m3fnStorage", 1, true, false, false, true},
    [PTS_FLOAT8_E5M2FNUZ] = {"float8_e5m2fnuz", "Float8_e5m2fnuz", "Float8_e5m2fnuzStorage", 1, true, false, false, true},
    [PTS_FLOAT8_E4M3FNUZ] = {"float8_e4m3fnuz", "Float8_e4m3fnuz", "Float8_e4m3fnuzStorage", 1, true, false, false, true},
    [PTS_UINT16] = {"uint16", "UInt16", "UInt16Storage", 2, false, false, true, false},
    [PTS_UINT32] = {"uint32", "UInt32", "UInt32Storage", 4, false, false, true, false},
    [PTS_UINT64] = {"uint64", "UInt64", "UInt64Storage", 8, false, false, true, false},
    [44] = {"float8_e8m0fnu", "Float8_e8m0fnu", "Float8_e8m0fnuStorage", 1, true, false, false, false},
    [45] = {"float4_e2m1fn_x2", "Float4_e2m1fn_x2", "Float4_e2m1fn_x2Storage", 1, true, false, false, false},
};

const char *pts_dtype_name(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return di ? di->name : "?";
}

const char *pts_dtype_torch_name(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return di ? di->torch_name : "?";
}

int pts_dtype_from_storage_name(const char *name)
{
    for (int i = 0; i < PTS_DTYPE_COUNT; i++)
        if (pts_dtype_table[i].storage_name && strcmp(pts_dtype_table[i].storage_name, name) == 0)
            return i;
    return -1;
}

/* ---- storage --------------------------------------------------------------- */

static void storage_destroy(pts_obj *o)
{
    pts_storage *s = (pts_storage *)o;
    if (s->owner == PTS_STORAGE_OWNED)
        pts_data_free(s->data, s->nbytes);
    else if (s->keep_release)
        s->keep_release(s->keep);
    pts_small_free(s, sizeof *s);
}

pts_storage *pts_storage_new(size_t nbytes)
{
    pts_storage *s = pts_small_alloc(sizeof *s);
    if (!s) {
        pts_err_nomem("a storage", sizeof *s);
        return NULL;
    }
    pts_obj_init(&s->hdr, PTS_T_STORAGE, storage_destroy);
    s->data = pts_data_alloc(nbytes);
    if (!s->data) {
        pts_small_free(s, sizeof *s);
        pts_err_nomem("tensor data", nbytes);
        return NULL;
    }
    s->nbytes = nbytes;
    s->owner = PTS_STORAGE_OWNED;
    s->keep = NULL;
    s->keep_release = NULL;
    s->readonly = false;
    return s;
}

pts_storage *pts_storage_borrow(void *data, size_t nbytes, void *keep, void (*keep_release)(void *), bool readonly)
{
    pts_storage *s = pts_small_alloc(sizeof *s);
    if (!s) {
        if (keep_release)
            keep_release(keep);
        pts_err_nomem("a storage", sizeof *s);
        return NULL;
    }
    pts_obj_init(&s->hdr, PTS_T_STORAGE, storage_destroy);
    s->data = data;
    s->nbytes = nbytes;
    s->owner = PTS_STORAGE_BORROWED;
    s->keep = keep;
    s->keep_release = keep_release;
    s->readonly = readonly;
    return s;
}

/* ---- tensor ------------------------------------------------------------------ */

static void tensor_destroy(pts_obj *o)
{
    pts_tensor *t = (pts_tensor *)o;
    pts_obj_release(&t->storage->hdr);
    if (t->nested_lengths)
        pts_obj_release(&t->nested_lengths->hdr);
    pts_small_free(t, sizeof *t);
}

void pts_contiguous_strides(int ndim, const int64_t *sizes, int64_t *strides)
{
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= sizes[i] > 1 ? sizes[i] : 1;
    }
}

/* The tensor struct of a view already checked to fit `storage`; takes over the caller's
 * reference to storage (released when the struct cannot be allocated). */
static pts_tensor *tensor_make(pts_storage *storage, int dtype, int ndim, const int64_t *sizes,
                               const int64_t *strides, int64_t offset)
{
    pts_tensor *t = pts_small_alloc(sizeof *t);
    if (!t) {
        pts_obj_release(&storage->hdr);
        pts_err_nomem("a tensor", sizeof *t);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    pts_obj_init(&t->hdr, PTS_T_TENSOR, tensor_destroy);
    t->storage = storage;
    t->offset = offset;
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        t->sizes[i] = sizes[i];
        t->strides[i] = strides[i];
    }
    return t;
}

pts_tensor *pts_tensor_view_of(pts_storage *storage, int dtype, int ndim, const int64_t *sizes,
                               const int64_t *strides, int64_t offset)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di) {
        pts_err_set(PTS_ERR_VALUE, "unknown dtype code %d", dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > PTS_MAX_DIMS) {
        pts_err_set(PTS_ERR_LIMIT, "tensor with %d dimensions (pyts supports at most %d)", ndim, PTS_MAX_DIMS);
        return NULL;
    }
    if (offset < 0) {
        pts_err_set(PTS_ERR_VALUE, "negative storage offset %lld", (long long)offset);
        return NULL;
    }
    /* extent: the highest element index the view touches, +1 (0 if empty) */
    int64_t hi = offset, numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] < 0) {
            pts_err_set(PTS_ERR_VALUE, "negative size %lld in dimension %d", (long long)sizes[i], i);
            return NULL;
        }
        if (strides[i] < 0) {
            pts_err_set(PTS_ERR_VALUE, "negative stride %lld in dimension %d", (long long)strides[i], i);
            return NULL;
        }
        if (pts_mul_overflow_i64(numel, sizes[i], &numel))
            goto too_big;
    }
    if (numel > 0) {
        for (int i = 0; i < ndim; i++) {
            int64_t span;
            if (pts_mul_overflow_i64(sizes[i] - 1, strides[i], &span) || pts_add_overflow_i64(hi, span, &hi))
                goto too_big;
        }
        int64_t nb;
        if (pts_add_overflow_i64(hi, 1, &hi) || pts_mul_overflow_i64(hi, di->itemsize, &nb))
            goto too_big;
        if ((uint64_t)nb > storage->nbytes) {
            pts_err_set(PTS_ERR_VALUE,
                        "tensor view (offset %lld, %d dims) needs %lld bytes but its storage has %zu",
                        (long long)offset, ndim, (long long)nb, storage->nbytes);
            return NULL;
        }
    }
    pts_obj_retain(&storage->hdr);
    return tensor_make(storage, dtype, ndim, sizes, strides, offset);
too_big:
    pts_err_set(PTS_ERR_VALUE, "tensor size overflows (%d dims)", ndim);
    return NULL;
}

pts_tensor *pts_tensor_empty(int dtype, int ndim, const int64_t *sizes)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    if (!di) {
        pts_err_set(PTS_ERR_VALUE, "unknown dtype code %d", dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > PTS_MAX_DIMS) {
        pts_err_set(PTS_ERR_LIMIT, "tensor with %d dimensions (pyts supports at most %d)", ndim, PTS_MAX_DIMS);
        return NULL;
    }
    int64_t numel = 1, nb;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] < 0) {
            pts_err_set(PTS_ERR_VALUE, "negative size %lld in dimension %d", (long long)sizes[i], i);
            return NULL;
        }
        if (pts_mul_overflow_i64(numel, sizes[i], &numel))
            goto too_big;
    }
    if (pts_mul_overflow_i64(numel, di->itemsize, &nb))
        goto too_big;
    int64_t strides[PTS_MAX_DIMS];
    pts_contiguous_strides(ndim, sizes, strides);
    pts_storage *s = pts_storage_new((size_t)nb);
    if (!s)
        return NULL;
    return tensor_make(s, dtype, ndim, sizes, strides, 0); /* a contiguous view of exactly nb bytes fits */
too_big:
    pts_err_set(PTS_ERR_NOMEM, "tensor size overflows (%d dims)", ndim);
    return NULL;
}

pts_tensor *pts_tensor_zeros(int dtype, int ndim, const int64_t *sizes)
{
    pts_tensor *t = pts_tensor_empty(dtype, ndim, sizes);
    if (t)
        memset(t->storage->data, 0, t->storage->nbytes);
    return t;
}

int64_t pts_tensor_numel(const pts_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->sizes[i];
    return n;
}

bool pts_tensor_is_contiguous(const pts_tensor *t)
{
    int64_t s = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->sizes[i] == 0)
            return true;
        if (t->sizes[i] != 1) {
            if (t->strides[i] != s)
                return false;
            s *= t->sizes[i];
        }
    }
    return true;
}

pts_tensor *pts_tensor_contiguous_copy(const pts_tensor *t)
{
    pts_tensor *r = pts_tensor_empty(t->dtype, t->ndim, t->sizes);
    if (!r)
        return NULL;
    int64_t numel = pts_tensor_numel(t);
    if (numel == 0)
        return r;
    size_t isz = (size_t)pts_dtype_get(t->dtype)->itemsize;
    const char *src = pts_tensor_data(t);
    char *dst = pts_tensor_data(r);
    if (pts_tensor_is_contiguous(t)) {
        memcpy(dst, src, (size_t)numel * isz);
        return r;
    }
    int64_t idx[PTS_MAX_DIMS] = {0};
    for (int64_t n = 0; n < numel; n++) {
        int64_t off = 0;
        for (int d = 0; d < t->ndim; d++)
            off += idx[d] * t->strides[d];
        memcpy(dst + (size_t)n * isz, src + off * (int64_t)isz, isz);
        for (int d = t->ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->sizes[d])
                break;
            idx[d] = 0;
        }
    }
    return r;
}

void pts_tensor_describe(const pts_tensor *t, char *buf, size_t cap)
{
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    int n = snprintf(buf, cap, "%s[", di ? di->name : "?");
    for (int i = 0; i < t->ndim && n > 0 && (size_t)n < cap; i++)
        n += snprintf(buf + n, cap - (size_t)n, i ? ", %lld" : "%lld", (long long)t->sizes[i]);
    if (n > 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, "]");
}

/* ---- describe ------------------------------------------------------------- */

void pts_value_describe(pts_value v, char *buf, size_t cap)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: snprintf(buf, cap, "None"); break;
    case PTS_T_BOOL: snprintf(buf, cap, "bool %s", v.u.b ? "True" : "False"); break;
    case PTS_T_INT: snprintf(buf, cap, "int %lld", (long long)v.u.i); break;
    case PTS_T_FLOAT: snprintf(buf, cap, "float %.17g", v.u.f); break;
    case PTS_T_COMPLEX: snprintf(buf, cap, "complex (%g%+gj)", v.u.c[0], v.u.c[1]); break;
    case PTS_T_DEVICE: snprintf(buf, cap, "Device type %d index %d", v.u.dev.type, v.u.dev.index); break;
    case PTS_T_STR: snprintf(buf, cap, "str \"%.60s\"", PTS_STR(v)->data); break;
    case PTS_T_TENSOR: {
        char t[200];
        pts_tensor_describe(PTS_TENSOR(v), t, sizeof t);
        snprintf(buf, cap, "Tensor %s", t);
        break;
    }
    case PTS_T_LIST: snprintf(buf, cap, "List of %lld", (long long)PTS_LIST(v)->len); break;
    case PTS_T_TUPLE: snprintf(buf, cap, "Tuple of %lld", (long long)PTS_TUPLE(v)->len); break;
    case PTS_T_DICT: snprintf(buf, cap, "Dict of %lld", (long long)PTS_DICT(v)->len); break;
    case PTS_T_OBJECT: snprintf(buf, cap, "object of %s", PTS_OBJECT(v)->cls->qualname); break;
    default: snprintf(buf, cap, "%s", pts_tag_name((pts_tag)v.tag)); break;
    }
}
