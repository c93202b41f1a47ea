/* pyconv.c - conversions between pts_value and Python / NumPy. */
#include "python/pyconv.h"

#define NO_IMPORT_ARRAY
#define PY_ARRAY_UNIQUE_SYMBOL pyts_ARRAY_API
#include <numpy/arrayobject.h>

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "value/class.h"
#include "value/type.h"

PyObject *pyts_raise(pts_status st)
{
    PyObject *cls = pyts_Error;
    if (st == PTS_ERR_INTERRUPTED) {
        /* the poll ran Python's signal handlers: their exception (KeyboardInterrupt
         * for Ctrl-C) is already set; otherwise another thread called interrupt */
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_KeyboardInterrupt, pts_err_message()[0] ? pts_err_message() : "interrupted");
        return NULL;
    }
    switch (st) {
    case PTS_ERR_LOAD:
    case PTS_ERR_IO: cls = pyts_LoadError; break;
    case PTS_ERR_SCRIPT: cls = pyts_ScriptError; break;
    case PTS_ERR_UNSUPPORTED: cls = pyts_UnsupportedError; break;
    case PTS_ERR_TYPE: cls = pyts_ArgumentError; break;
    case PTS_ERR_NOMEM: cls = pyts_MemoryError; break;
    case PTS_ERR_VALUE:
    case PTS_ERR_INDEX:
    case PTS_ERR_KEY:
    case PTS_ERR_LIMIT:
    case PTS_ERR_INTERNAL: cls = pyts_ExecutionError; break;
    case PTS_OK:
    case PTS_ERR_INTERRUPTED: cls = pyts_Error; break;
    }
    /* Messages quote bytes from untrusted files (pickle names, source text):
     * not necessarily UTF-8, so undecodable bytes become \xNN escapes instead
     * of turning the error into a UnicodeDecodeError. */
    const char *msg = pts_err_message();
    if (!msg[0])
        msg = pts_status_name(st);
    PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "backslashreplace");
    if (!text)
        return NULL;
    PyErr_SetObject(cls, text);
    Py_DECREF(text);
    return NULL;
}

PyObject *pyts_text(const char *s) { return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "backslashreplace"); }

PyObject *pyts_name(const char *s) { return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape"); }

PyObject *pyts_name_bytes(PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "attribute name must be a str, not %.100s", Py_TYPE(name)->tp_name);
        return NULL;
    }
    return PyUnicode_AsEncodedString(name, "utf-8", "surrogateescape");
}

/* ---- tensors -> numpy ----------------------------------------------------------- */

static void capsule_release_tensor(PyObject *cap)
{
    pts_tensor *t = PyCapsule_GetPointer(cap, "pyts.tensor");
    if (t)
        pts_obj_release(&t->hdr);
}

static int numpy_type_of(int dtype)
{
    switch (dtype) {
    case PTS_UINT8: return NPY_UINT8;
    case PTS_INT8: return NPY_INT8;
    case PTS_INT16: return NPY_INT16;
    case PTS_INT32: return NPY_INT32;
    case PTS_INT64: return NPY_INT64;
    case PTS_FLOAT16: return NPY_FLOAT16;
    case PTS_FLOAT32: return NPY_FLOAT32;
    case PTS_FLOAT64: return NPY_FLOAT64;
    case PTS_COMPLEX64: return NPY_COMPLEX64;
    case PTS_COMPLEX128: return NPY_COMPLEX128;
    case PTS_BOOL: return NPY_BOOL;
    case PTS_UINT16: return NPY_UINT16;
    case PTS_UINT32: return NPY_UINT32;
    case PTS_UINT64: return NPY_UINT64;
    default: return -1;
    }
}

static float bf16_to_float(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    if (exp == 0) {
        if (man == 0) {
            u = sign;
        } else { /* subnormal: renormalize */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            u = sign | (exp << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        u = sign | 0x7f800000u | (man << 13);
    } else {
        u = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* dtypes NumPy lacks (and ml_dtypes does not provide, or is not installed): bfloat16 -> float32,
 * complex32 -> complex64 (exact), others -> raw uint8 */
static PyObject *numpy_converted(pts_tensor *t)
{
    npy_intp dims[PTS_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++)
        dims[i] = (npy_intp)t->sizes[i];
    int ntype = t->dtype == PTS_BFLOAT16 ? NPY_FLOAT32 : t->dtype == PTS_COMPLEX32 ? NPY_COMPLEX64 : NPY_UINT8;
    PyArrayObject *arr = (PyArrayObject *)PyArray_SimpleNew(t->ndim, dims, ntype);
    if (!arr)
        return NULL;
    pts_tensor *c = pts_tensor_contiguous_copy(t);
    if (!c) {
        Py_DECREF(arr);
        return pyts_raise(pts_err_last());
    }
    int64_t n = pts_tensor_numel(c);
    const uint16_t *src = pts_tensor_data(c);
    if (t->dtype == PTS_BFLOAT16) {
        float *dst = PyArray_DATA(arr);
        for (int64_t i = 0; i < n; i++)
            dst[i] = bf16_to_float(src[i]);
    } else if (t->dtype == PTS_COMPLEX32) {
        float *dst = PyArray_DATA(arr);
        for (int64_t i = 0; i < 2 * n; i++)
            dst[i] = half_to_float(src[i]);
    } else {
        memcpy(PyArray_DATA(arr), src, (size_t)n * (size_t)pts_dtype_get(t->dtype)->itemsize);
    }
    pts_obj_release(&c->hdr);
    return (PyObject *)arr;
}

/* ---- ml_dtypes: bfloat16 and the float8s as NumPy dtypes, when the package is installed ----
 * The ml_dtypes package registers NumPy dtypes with the same bit layouts as torch's bfloat16 and
 * float8 types, so such tensors cross both ways without a copy.  It is imported the first time a
 * tensor of one of these dtypes (or an array of a dtype NumPy does not define) crosses; without it
 * (or with the environment variable PYTS_NO_ML_DTYPES set) bfloat16 comes out as float32 and the
 * float8s as raw uint8 bytes, as numpy_converted does. */
static const struct {
    int dtype;
    const char *name;
} ml_names[] = {
    {PTS_BFLOAT16, "bfloat16"},
    {PTS_FLOAT8_E4M3FN, "float8_e4m3fn"},
    {PTS_FLOAT8_E5M2, "float8_e5m2"},
    {PTS_FLOAT8_E4M3FNUZ, "float8_e4m3fnuz"},
    {PTS_FLOAT8_E5M2FNUZ, "float8_e5m2fnuz"},
};
#define ML_COUNT ((int)(sizeof ml_names / sizeof ml_names[0]))
static PyArray_Descr *ml_descr[ML_COUNT]; /* owned for the life of the process; NULL: not available */
static int ml_tried;                      /* the import was attempted (with the GIL held) */

/* Imports ml_dtypes once; never leaves a Python error set.  Returns whether any dtype is known. */
static int ml_load(void)
{
    if (ml_tried)
        goto done;
    const char *off = getenv("PYTS_NO_ML_DTYPES");
    if (off && *off && strcmp(off, "0") != 0) {
        ml_tried = 1;
        goto done;
    }
    PyObject *mod = PyImport_ImportModule("ml_dtypes");
    if (!mod) {
        PyErr_Clear();
        ml_tried = 1;
        goto done;
    }
    for (int i = 0; i < ML_COUNT; i++) {
        PyObject *ty = PyObject_GetAttrString(mod, ml_names[i].name);
        PyArray_Descr *d = NULL;
        if (ty && PyArray_DescrConverter(ty, &d) == NPY_SUCCEED && d && !ml_descr[i])
            ml_descr[i] = d; /* keeps the reference */
        else
            Py_XDECREF(d);
        Py_XDECREF(ty);
        PyErr_Clear();
    }
    Py_DECREF(mod);
    ml_tried = 1;
done:
    for (int i = 0; i < ML_COUNT; i++)
        if (ml_descr[i])
            return 1;
    return 0;
}

/* A new reference to the ml_dtypes descriptor of a pts dtype, or NULL (no error set) when there is none. */
static PyArray_Descr *ml_descr_for(int dtype)
{
    for (int i = 0; i < ML_COUNT; i++) {
        if (ml_names[i].dtype == dtype) {
            if (!ml_load() || !ml_descr[i])
                return NULL;
            Py_INCREF(ml_descr[i]);
            return ml_descr[i];
        }
    }
    return NULL;
}

/* The pts dtype of an array of an ml_dtypes dtype, or -1. */
static int ml_dtype_of(PyArray_Descr *d)
{
    if (d->type_num < NPY_USERDEF || !ml_load())
        return -1;
    for (int i = 0; i < ML_COUNT; i++)
        if (ml_descr[i] && ml_descr[i]->type_num == d->type_num)
            return ml_names[i].dtype;
    return -1;
}

PyObject *pyts_tensor_to_numpy(pts_tensor *t, int readonly)
{
    int ntype = numpy_type_of(t->dtype);
    PyArray_Descr *descr = ntype >= 0 ? PyArray_DescrFromType(ntype) : ml_descr_for(t->dtype);
    if (!descr)
        return PyErr_Occurred() ? NULL : numpy_converted(t);
    npy_intp dims[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int isz = pts_dtype_get(t->dtype)->itemsize;
    for (int i = 0; i < t->ndim; i++) {
        dims[i] = (npy_intp)t->sizes[i];
        strides[i] = (npy_intp)(t->strides[i] * isz);
    }
    int flags = readonly ? 0 : NPY_ARRAY_WRITEABLE;
    PyObject *arr = PyArray_NewFromDescr(&PyArray_Type, descr, t->ndim, dims, strides, pts_tensor_data(t), flags, NULL);
    if (!arr)
        return NULL;
    PyObject *cap = PyCapsule_New(t, "pyts.tensor", capsule_release_tensor);
    if (!cap) {
        Py_DECREF(arr);
        return NULL;
    }
    pts_obj_retain(&t->hdr);
    if (PyArray_SetBaseObject((PyArrayObject *)arr, cap) < 0) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* ---- pts_value -> python ----------------------------------------------------------- */

static PyObject *device_str(pts_value v)
{
    static const char *const names[] = {"cpu", "cuda", "mkldnn", "opengl", "opencl", "ideep", "hip", "fpga",
                                        "maia", "xla", "vulkan", "metal", "xpu", "mps", "meta", "hpu",
                                        "ve", "lazy", "ipu", "mtia", "privateuseone"};
    int ty = v.u.dev.type;
    const char *n = ty >= 0 && ty < (int)(sizeof names / sizeof names[0]) ? names[ty] : "unknown";
    if (v.u.dev.index >= 0)
        return PyUnicode_FromFormat("%s:%d", n, (int)v.u.dev.index);
    return PyUnicode_FromString(n);
}

/* With the GIL held: lock a shared container, letting other threads run while
 * waiting (its holder may be running a kernel that needs the GIL to release a
 * NumPy-backed tensor). */
static void pyts_lock_shared(pts_obj *o)
{
    if (pts_obj_trylock(o))
        return;
    Py_BEGIN_ALLOW_THREADS
    pts_obj_lock(o);
    Py_END_ALLOW_THREADS
}

/* Retained copies of a list's items, or of a dict's live keys and values
 * (k0, v0, k1, v1, ...), read under the container's lock when it is shared.
 * NULL (pyts.OutOfMemoryError set) on failure; free with release_copy. */
static pts_value *copy_items(pts_value v, int64_t *n)
{
    bool shared = pts_value_is_shared_container(v);
    if (shared)
        pyts_lock_shared(v.u.o);
    int64_t m = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : 2 * PTS_DICT(v)->len;
    pts_value *c = pts_malloc((size_t)(m ? m : 1) * sizeof *c);
    if (c) {
        if (v.tag == PTS_T_LIST) {
            for (int64_t i = 0; i < m; i++)
                c[i] = pts_value_retain(PTS_LIST(v)->items[i]);
        } else {
            pts_dict *d = PTS_DICT(v);
            int64_t k = 0;
            for (int64_t i = 0; i < d->nentries; i++)
                if (d->entries[i].live) {
                    c[k++] = pts_value_retain(d->entries[i].key);
                    c[k++] = pts_value_retain(d->entries[i].val);
                }
        }
    }
    if (shared)
        pts_obj_unlock(v.u.o);
    if (!c)
        pyts_raise(pts_err_nomem("a copy of a list or dict", (size_t)m * sizeof *c));
    *n = m;
    return c;
}

static void release_copy(pts_value *c, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        pts_value_release(c[i]);
    pts_free(c);
}

static PyObject *seq_to_python(pts_value *items, int64_t n, int as_tuple)
{
    PyObject *r = as_tuple ? PyTuple_New((Py_ssize_t)n) : PyList_New((Py_ssize_t)n);
    if (!r)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        PyObject *x = pyts_to_python(items[i]);
        if (!x) {
            Py_DECREF(r);
            return NULL;
        }
        if (as_tuple)
            PyTuple_SET_ITEM(r, (Py_ssize_t)i, x);
        else
            PyList_SET_ITEM(r, (Py_ssize_t)i, x);
    }
    return r;
}

PyObject *pyts_to_python(pts_value v)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: Py_RETURN_NONE;
    case PTS_T_BOOL: return PyBool_FromLong(v.u.b);
    case PTS_T_INT: return PyLong_FromLongLong(v.u.i);
    case PTS_T_FLOAT: return PyFloat_FromDouble(v.u.f);
    case PTS_T_COMPLEX: return PyComplex_FromDoubles(v.u.c[0], v.u.c[1]);
    case PTS_T_DEVICE: return device_str(v);
    case PTS_T_STR: return PyUnicode_DecodeUTF8(PTS_STR(v)->data, (Py_ssize_t)PTS_STR(v)->len, "surrogateescape");
    case PTS_T_TENSOR: {
        pts_tensor *t = PTS_TENSOR(v);
        return pyts_tensor_to_numpy(t, t->storage->owner != PTS_STORAGE_OWNED);
    }
    case PTS_T_LIST: {
        int64_t n;
        pts_value *c = copy_items(v, &n);
        if (!c)
            return NULL;
        PyObject *r = seq_to_python(c, n, 0);
        release_copy(c, n);
        return r;
    }
    case PTS_T_TUPLE: return seq_to_python(PTS_TUPLE(v)->items, PTS_TUPLE(v)->len, 1);
    case PTS_T_DICT: {
        int64_t n;
        pts_value *c = copy_items(v, &n);
        if (!c)
            return NULL;
        PyObject *r = PyDict_New();
        for (int64_t i = 0; r && i < n; i += 2) {
            PyObject *k = pyts_to_python(c[i]);
            PyObject *x = k ? pyts_to_python(c[i + 1]) : NULL;
            if (!x || PyDict_SetItem(r, k, x) < 0)
                Py_CLEAR(r);
            Py_XDECREF(k);
            Py_XDECREF(x);
        }
        release_copy(c, n);
        return r;
    }
    case PTS_T_OBJECT: return pyts_object_wrap(v);
    case PTS_T_ENUM: {
        pts_enum *e = (pts_enum *)v.u.o;
        return pyts_to_python(e->value);
    }
    case PTS_T_UNINIT: Py_RETURN_NONE;
    default: break;
    }
    PyErr_Format(pyts_Error, "cannot convert a TorchScript %s to Python", pts_tag_name((pts_tag)v.tag));
    return NULL;
}

/* ---- python -> pts_value -------------------------------------------------------------- */

static int dtype_from_numpy(int ntype)
{
    switch (ntype) {
    case NPY_UINT8: return PTS_UINT8;
    case NPY_INT8: return PTS_INT8;
    case NPY_INT16: return PTS_INT16;
    case NPY_INT32: return PTS_INT32;
    case NPY_INT64: return PTS_INT64;
    case NPY_FLOAT16: return PTS_FLOAT16;
    case NPY_FLOAT32: return PTS_FLOAT32;
    case NPY_FLOAT64: return PTS_FLOAT64;
    case NPY_COMPLEX64: return PTS_COMPLEX64;
    case NPY_COMPLEX128: return PTS_COMPLEX128;
    case NPY_BOOL: return PTS_BOOL;
    case NPY_UINT16: return PTS_UINT16;
    case NPY_UINT32: return PTS_UINT32;
    case NPY_UINT64: return PTS_UINT64;
    default: break;
    }
    if (ntype == NPY_LONGLONG && sizeof(long long) == 8)
        return PTS_INT64;
    if (ntype == NPY_LONG && sizeof(long) == 8)
        return PTS_INT64;
    return -1;
}

static void release_pyobject(void *p)
{
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)p);
    PyGILState_Release(g);
}

static int array_to_tensor(PyArrayObject *arr, pts_value *out)
{
    int dtype = dtype_from_numpy(PyArray_TYPE(arr));
    if (dtype < 0)
        dtype = ml_dtype_of(PyArray_DESCR(arr));
    if (dtype < 0) {
        PyErr_Format(pyts_ArgumentError, "NumPy dtype %R is not supported by pyts", (PyObject *)PyArray_DESCR(arr));
        return -1;
    }
    int nd = PyArray_NDIM(arr);
    if (nd > PTS_MAX_DIMS) {
        PyErr_Format(pyts_ArgumentError, "array with %d dimensions (pyts supports at most %d)", nd, PTS_MAX_DIMS);
        return -1;
    }
    int isz = pts_dtype_get(dtype)->itemsize;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int ok = PyArray_ISALIGNED(arr) && PyArray_ISWRITEABLE(arr) && !PyArray_ISBYTESWAPPED(arr);
    for (int i = 0; i < nd && ok; i++) {
        sizes[i] = PyArray_DIM(arr, i);
        npy_intp s = PyArray_STRIDE(arr, i);
        if (s < 0 || s % isz) /* negative or unaligned strides: copy */
            ok = 0;
        strides[i] = s / isz;
    }
    PyArrayObject *src = arr;
    if (!ok) {
        /* read-only, byte-swapped, misaligned or negatively strided: pyts works on a copy */
        src = (PyArrayObject *)PyArray_NewCopy(arr, NPY_CORDER);
        if (!src) {
            if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
                PyErr_Clear();
                PyErr_Format(pyts_MemoryError,
                             "out of memory copying a NumPy array of %zd elements (%zd bytes): pyts copies arrays "
                             "that are read-only, byte-swapped, misaligned or negatively strided, such as "
                             "np.broadcast_to views",
                             (Py_ssize_t)PyArray_SIZE(arr), (Py_ssize_t)PyArray_NBYTES(arr));
            }
            return -1;
        }
        if (PyArray_ISBYTESWAPPED(src)) {
            PyObject *sw = PyArray_Byteswap(src, 1);
            Py_XDECREF(sw);
        }
        for (int i = 0; i < nd; i++) {
            sizes[i] = PyArray_DIM(src, i);
            strides[i] = PyArray_STRIDE(src, i) / isz;
        }
    } else {
        Py_INCREF(src);
    }
    /* storage spans from the lowest to the highest byte the view touches */
    int64_t extent = 1;
    int empty = 0;
    for (int i = 0; i < nd; i++) {
        if (sizes[i] == 0)
            empty = 1;
        extent += (sizes[i] - 1) * strides[i];
    }
    size_t nbytes = empty ? 0 : (size_t)extent * (size_t)isz;
    pts_storage *s = pts_storage_borrow(PyArray_DATA(src), nbytes, src, release_pyobject, false);
    if (!s)
        return (pyts_raise(pts_err_last()), -1);
    pts_tensor *t = pts_tensor_view_of(s, dtype, nd, sizes, strides, 0);
    pts_obj_release(&s->hdr);
    if (!t)
        return (pyts_raise(pts_err_last()), -1);
    *out = pts_obj_value(&t->hdr);
    return 0;
}

static int seq_from_python(PyObject *o, pts_value *out)
{
    int is_tuple = PyTuple_Check(o);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject **items = PySequence_Fast_ITEMS(o);
    if (is_tuple) {
        pts_tuple *t = pts_tuple_new(n);
        if (!t)
            return (pyts_raise(pts_err_last()), -1);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (pyts_from_python(items[i], &t->items[i]) < 0) {
                pts_obj_release(&t->hdr);
                return -1;
            }
        }
        *out = pts_obj_value(&t->hdr);
        return 0;
    }
    pts_list *l = pts_list_new(NULL, n);
    if (!l)
        return (pyts_raise(pts_err_last()), -1);
    int kinds = 0; /* bit per tag */
    for (Py_ssize_t i = 0; i < n; i++) {
        pts_value v;
        if (pyts_from_python(items[i], &v) < 0) {
            pts_obj_release(&l->hdr);
            return -1;
        }
        kinds |= 1 << (v.tag < 31 ? v.tag : 31);
        if (pts_list_append(l, v)) {
            pts_obj_release(&l->hdr);
            return (pyts_raise(pts_err_last()), -1);
        }
    }
    /* element type from the items, as TorchScript would infer it */
    pts_type *elem = NULL;
    if (kinds == (1 << PTS_T_INT)) elem = pts_type_base(PTS_TY_INT);
    else if (kinds == (1 << PTS_T_FLOAT)) elem = pts_type_base(PTS_TY_FLOAT);
    else if (kinds == (1 << PTS_T_BOOL)) elem = pts_type_base(PTS_TY_BOOL);
    else if (kinds == (1 << PTS_T_STR)) elem = pts_type_base(PTS_TY_STR);
    else if (kinds == (1 << PTS_T_TENSOR)) elem = pts_type_base(PTS_TY_TENSOR);
    else if (kinds == ((1 << PTS_T_TENSOR) | (1 << PTS_T_NONE))) {
        pts_type *a = pts_type_base(PTS_TY_TENSOR);
        elem = pts_type_new(PTS_TY_OPTIONAL, 1, &a);
        l->elem = elem;
        elem = NULL;
    }
    if (elem)
        l->elem = pts_type_retain(elem);
    *out = pts_obj_value(&l->hdr);
    return 0;
}

int pyts_from_python(PyObject *o, pts_value *out)
{
    if (o == Py_None) {
        *out = pts_none();
        return 0;
    }
    if (PyBool_Check(o)) {
        *out = pts_bool(o == Py_True);
        return 0;
    }
    if (PyLong_Check(o)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            PyErr_SetString(pyts_ArgumentError, "int too large for TorchScript (int64)");
            return -1;
        }
        if (x == -1 && PyErr_Occurred())
            return -1;
        *out = pts_int(x);
        return 0;
    }
    if (PyFloat_Check(o)) {
        *out = pts_float(PyFloat_AS_DOUBLE(o));
        return 0;
    }
    if (PyComplex_Check(o)) {
        *out = pts_complex(PyComplex_RealAsDouble(o), PyComplex_ImagAsDouble(o));
        return 0;
    }
    if (PyUnicode_Check(o)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (!s)
            return -1;
        if (pts_value_str(s, (size_t)n, out))
            return (pyts_raise(pts_err_last()), -1);
        return 0;
    }
    if (pyts_object_check(o)) {
        *out = pts_value_retain(pyts_object_value(o));
        return 0;
    }
    if (PyArray_Check(o))
        return array_to_tensor((PyArrayObject *)o, out);
    if (PyArray_IsScalar(o, Generic)) {
        PyObject *a = PyArray_FromScalar(o, NULL);
        if (!a)
            return -1;
        /* NumPy scalars behave as Python numbers */
        PyObject *item = PyArray_ToList((PyArrayObject *)a);
        Py_DECREF(a);
        if (!item)
            return -1;
        int r = pyts_from_python(item, out);
        Py_DECREF(item);
        return r;
    }
    if (PyTuple_Check(o) || PyList_Check(o)) {
        PyObject *f = PySequence_Fast(o, "sequence");
        if (!f)
            return -1;
        int r = seq_from_python(f, out);
        Py_DECREF(f);
        return r;
    }
    if (PyDict_Check(o)) {
        pts_dict *d = pts_dict_new(NULL, NULL);
        if (!d)
            return (pyts_raise(pts_err_last()), -1);
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (PyDict_Next(o, &pos, &k, &v)) {
            pts_value pk, pv;
            if (pyts_from_python(k, &pk) < 0) {
                pts_obj_release(&d->hdr);
                return -1;
            }
            if (pyts_from_python(v, &pv) < 0) {
                pts_value_release(pk);
                pts_obj_release(&d->hdr);
                return -1;
            }
            if (pts_dict_set(d, pk, pv)) {
                pts_obj_release(&d->hdr);
                return (pyts_raise(pts_err_last()), -1);
            }
        }
        *out = pts_obj_value(&d->hdr);
        return 0;
    }
    /* torch.device-like: has .type (str) and .index (int or None) */
    PyObject *tname = PyObject_GetAttrString((PyObject *)Py_TYPE(o), "__name__");
    if (tname) {
        int is_dev = PyUnicode_Check(tname) && PyUnicode_CompareWithASCIIString(tname, "device") == 0;
        Py_DECREF(tname);
        if (is_dev) {
            PyObject *ty = PyObject_GetAttrString(o, "type");
            PyObject *ix = ty ? PyObject_GetAttrString(o, "index") : NULL;
            if (!ix) {
                Py_XDECREF(ty);
                return -1;
            }
            int dt = PyUnicode_CompareWithASCIIString(ty, "cpu") == 0 ? 0 : PyUnicode_CompareWithASCIIString(ty, "cuda") == 0 ? 1 : 14;
            int idx = ix == Py_None ? -1 : (int)PyLong_AsLong(ix);
            Py_DECREF(ty);
            Py_DECREF(ix);
            *out = pts_device_value(dt, idx);
            return 0;
        }
    } else {
        PyErr_Clear();
    }
    /* anything with __array__ (torch tensors on CPU) */
    if (PyObject_HasAttrString(o, "__array__")) {
        PyObject *a = PyArray_FromAny(o, NULL, 0, 0, 0, NULL);
        if (!a)
            return -1;
        int r = array_to_tensor((PyArrayObject *)a, out);
        Py_DECREF(a);
        return r;
    }
    PyErr_Format(pyts_ArgumentError, "cannot pass a Python %.100s to TorchScript", Py_TYPE(o)->tp_name);
    return -1;
}

/* ---- call arguments ------------------------------------------------------------------ */

int pyts_args_from_python(PyObject *args, Py_ssize_t skip, PyObject *kwargs, pyts_args *out)
{
    Py_ssize_t npos = PyTuple_GET_SIZE(args) - skip, nkw = kwargs ? PyDict_Size(kwargs) : 0;
    out->npos = out->nkw = 0;
    out->pos = PyMem_Calloc((size_t)(npos + 1), sizeof(pts_value));
    out->kwv = PyMem_Calloc((size_t)(nkw + 1), sizeof(pts_value));
    out->kwn = PyMem_Calloc((size_t)(nkw + 1), sizeof(char *));
    if (!out->pos || !out->kwv || !out->kwn) {
        PyErr_NoMemory();
        return -1;
    }
    for (; out->npos < npos; out->npos++)
        if (pyts_from_python(PyTuple_GET_ITEM(args, out->npos + skip), &out->pos[out->npos]) < 0)
            return -1;
    if (kwargs) {
        PyObject *k, *v;
        Py_ssize_t it = 0;
        while (PyDict_Next(kwargs, &it, &k, &v)) {
            out->kwn[out->nkw] = PyUnicode_AsUTF8(k);
            if (!out->kwn[out->nkw] || pyts_from_python(v, &out->kwv[out->nkw]) < 0)
                return -1;
            out->nkw++;
        }
    }
    return 0;
}

void pyts_args_free(pyts_args *a)
{
    for (Py_ssize_t i = 0; a->pos && i < a->npos; i++)
        pts_value_release(a->pos[i]);
    for (Py_ssize_t i = 0; a->kwv && i < a->nkw; i++)
        pts_value_release(a->kwv[i]);
    PyMem_Free(a->pos);
    PyMem_Free(a->kwv);
    PyMem_Free((void *)a->kwn);
    a->pos = a->kwv = NULL;
    a->kwn = NULL;
    a->npos = a->nkw = 0;
}
