/* api.c - the public C API (include/pyts.h) over the engine's internals. */
#include "pyts.h"

#include <string.h>

#include "core/alloc.h"
#include "engine/engine.h"
#include "tensor/tensor.h"
#include "value/class.h"

struct pyts_module {
    pts_loaded *l;
};

struct pyts_value {
    pts_value v; /* owned */
};

PYTS_API const char *pyts_version(void) { return PYTS_VERSION_STRING; }
PYTS_API const char *pyts_errmsg(void) { return pts_err_message(); }

static pyts_value *box(pts_value v) /* steals v */
{
    pyts_value *b = pts_malloc(sizeof *b);
    if (!b) {
        pts_value_release(v);
        pts_err_nomem("a value handle", sizeof *b);
        return NULL;
    }
    b->v = v;
    return b;
}

PYTS_API int pyts_load(const char *path, pyts_module **out) { return pyts_load_flags(path, 0, out); }

PYTS_API int pyts_load_flags(const char *path, int flags, pyts_module **out)
{
    *out = NULL;
    pyts_module *m = pts_malloc(sizeof *m);
    if (!m)
        return pts_err_nomem("a module handle", sizeof *m);
    pts_status st = pts_engine_load_file(path, &m->l);
    if (!st && !(flags & PYTS_LOAD_NO_OPTIMIZE) && (st = pts_engine_plan(m->l)))
        pts_engine_free(m->l);
    if (st) {
        pts_free(m);
        return st;
    }
    *out = m;
    return PYTS_OK;
}

PYTS_API int pyts_load_buffer(const void *data, size_t len, pyts_module **out)
{
    *out = NULL;
    pyts_module *m = pts_malloc(sizeof *m);
    if (!m)
        return pts_err_nomem("a module handle", sizeof *m);
    pts_status st = pts_engine_load_buffer(data, len, NULL, &m->l);
    if (!st && (st = pts_engine_plan(m->l)))
        pts_engine_free(m->l);
    if (st) {
        pts_free(m);
        return st;
    }
    *out = m;
    return PYTS_OK;
}

PYTS_API int pyts_module_plan_stats(const pyts_module *m, int *bn_folded, int *act_fused)
{
    bool planned;
    int kept, residual;
    pts_engine_plan_stats(m->l, &planned, bn_folded, act_fused, &residual, &kept);
    return planned ? 1 : 0;
}

PYTS_API void pyts_module_free(pyts_module *m)
{
    if (!m)
        return;
    pts_engine_free(m->l);
    pts_free(m);
}

PYTS_API int64_t pyts_module_file_version(const pyts_module *m) { return pts_engine_unit(m->l)->version; }

PYTS_API int pyts_module_root(pyts_module *m, pyts_value **out)
{
    *out = box(pts_value_retain(pts_engine_root(m->l)));
    return *out ? PYTS_OK : PYTS_ERR_NOMEM;
}

PYTS_API int pyts_module_extra_count(const pyts_module *m) { return pts_engine_extra_count(m->l); }

PYTS_API int pyts_module_extra_file(const pyts_module *m, int i, const char **name, const void **data, size_t *len)
{
    return pts_engine_extra_file(m->l, i, name, data, len);
}

PYTS_API int pyts_module_unsupported_count(const pyts_module *m) { return pts_engine_unsupported_count(m->l); }

PYTS_API int pyts_module_unsupported_op(const pyts_module *m, int i, const char **op, const char **file, int *line)
{
    return pts_engine_unsupported_op(m->l, i, op, file, line);
}

PYTS_API int pyts_module_run(pyts_module *m, const char *name, int nargs, pyts_value *const *args, pyts_value **out)
{
    enum { MAXA = 64 };
    pts_value a[MAXA];
    *out = NULL;
    if (nargs < 0 || nargs > MAXA)
        return pts_err_set(PTS_ERR_TYPE, "pyts_module_run: %d arguments (at most %d)", nargs, MAXA);
    for (int i = 0; i < nargs; i++)
        a[i] = args[i]->v;
    pts_value r;
    pts_status st;
    if (pts_engine_is_program(m->l)) { /* a torch.export program (.pt2): forward is the graph */
        if (strcmp(name, "forward") != 0 && strcmp(name, "__call__") != 0)
            return pts_err_set(PTS_ERR_KEY, "a torch.export program has only forward, not '%s'", name);
        st = pts_engine_run_program(m->l, nargs, a, 0, NULL, NULL, &r);
    } else {
        st = pts_engine_run_method(pts_engine_root(m->l), name, nargs, a, 0, NULL, NULL, &r);
    }
    if (st)
        return st;
    *out = box(r);
    return *out ? PYTS_OK : PYTS_ERR_NOMEM;
}

PYTS_API int pyts_set_num_threads(int n)
{
    if (n < 1)
        return pts_err_set(PTS_ERR_VALUE, "pyts_set_num_threads: n must be >= 1, got %d", n);
    pts_engine_set_num_threads(n);
    return PYTS_OK;
}

PYTS_API void pyts_manual_seed(uint64_t seed) { pts_engine_manual_seed(seed); }
PYTS_API uint64_t pyts_initial_seed(void) { return pts_engine_initial_seed(); }
PYTS_API void pyts_set_memory_limit(int64_t bytes) { pts_engine_set_memory_limit(bytes < 0 ? 0 : bytes); }
PYTS_API void pyts_set_time_limit(double seconds) { pts_engine_set_time_limit(seconds); }
PYTS_API double pyts_set_thread_time_limit(double seconds) { return pts_engine_set_thread_time_limit(seconds); }
PYTS_API void pyts_interrupt(void) { pts_engine_interrupt(); }

PYTS_API void pyts_value_free(pyts_value *v)
{
    if (!v)
        return;
    pts_value_release(v->v);
    pts_free(v);
}

PYTS_API pyts_kind pyts_value_kind(const pyts_value *v)
{
    return v->v.tag <= PTS_T_ENUM ? (pyts_kind)v->v.tag : PYTS_OTHER;
}

PYTS_API int64_t pyts_value_int(const pyts_value *v)
{
    switch (v->v.tag) {
    case PTS_T_INT: return v->v.u.i;
    case PTS_T_BOOL: return v->v.u.b;
    case PTS_T_FLOAT: return (int64_t)v->v.u.f;
    default: return 0;
    }
}

PYTS_API double pyts_value_float(const pyts_value *v)
{
    switch (v->v.tag) {
    case PTS_T_FLOAT: return v->v.u.f;
    case PTS_T_INT: return (double)v->v.u.i;
    case PTS_T_BOOL: return v->v.u.b;
    default: return 0.0;
    }
}

PYTS_API const char *pyts_value_str(const pyts_value *v)
{
    return v->v.tag == PTS_T_STR ? PTS_STR(v->v)->data : NULL;
}

PYTS_API int64_t pyts_value_len(const pyts_value *v)
{
    switch (v->v.tag) {
    case PTS_T_LIST:
    case PTS_T_DICT: { /* a shared container is read under its lock (value.h, sharing) */
        bool lk = pts_value_lock_if_shared(v->v);
        int64_t n = v->v.tag == PTS_T_LIST ? PTS_LIST(v->v)->len : PTS_DICT(v->v)->len;
        pts_value_unlock_if(v->v, lk);
        return n;
    }
    case PTS_T_TUPLE: return PTS_TUPLE(v->v)->len;
    case PTS_T_STR: return PTS_STR(v->v)->len;
    default: return 0;
    }
}

PYTS_API int pyts_value_item(const pyts_value *v, int64_t i, pyts_value **out)
{
    *out = NULL;
    int64_t n;
    pts_value *items;
    bool lk = pts_value_lock_if_shared(v->v);
    pts_value item = pts_none();
    if (v->v.tag == PTS_T_LIST) {
        n = PTS_LIST(v->v)->len;
        items = PTS_LIST(v->v)->items;
    } else if (v->v.tag == PTS_T_TUPLE) {
        n = PTS_TUPLE(v->v)->len;
        items = PTS_TUPLE(v->v)->items;
    } else {
        return pts_err_set(PTS_ERR_TYPE, "pyts_value_item: value is a %s, not a list or tuple",
                           pts_tag_name((pts_tag)v->v.tag));
    }
    if (i >= 0 && i < n)
        item = pts_value_retain(items[i]);
    pts_value_unlock_if(v->v, lk);
    if (i < 0 || i >= n)
        return pts_err_set(PTS_ERR_INDEX, "pyts_value_item: index %lld out of range (length %lld)", (long long)i,
                           (long long)n);
    *out = box(item);
    return *out ? PYTS_OK : PYTS_ERR_NOMEM;
}

PYTS_API int pyts_value_dict_item(const pyts_value *v, int64_t i, pyts_value **key, pyts_value **val)
{
    *key = *val = NULL;
    if (v->v.tag != PTS_T_DICT)
        return pts_err_set(PTS_ERR_TYPE, "pyts_value_dict_item: value is not a dict");
    pts_dict *d = PTS_DICT(v->v);
    int64_t k = -1;
    bool lk = pts_value_lock_if_shared(v->v);
    for (int64_t e = 0; e < d->nentries; e++) {
        if (d->entries[e].live && ++k == i) {
            pts_value kv = pts_value_retain(d->entries[e].key), vv = pts_value_retain(d->entries[e].val);
            pts_value_unlock_if(v->v, lk);
            *key = box(kv);
            *val = box(vv);
            if (!*key || !*val) {
                pyts_value_free(*key);
                pyts_value_free(*val);
                *key = *val = NULL;
                return PYTS_ERR_NOMEM;
            }
            return PYTS_OK;
        }
    }
    int64_t len = d->len;
    pts_value_unlock_if(v->v, lk);
    return pts_err_set(PTS_ERR_INDEX, "pyts_value_dict_item: index %lld out of range (length %lld)", (long long)i,
                       (long long)len);
}

PYTS_API pyts_value *pyts_value_new_int(int64_t x) { return box(pts_int(x)); }
PYTS_API pyts_value *pyts_value_new_float(double x) { return box(pts_float(x)); }

PYTS_API const char *pyts_object_class(const pyts_value *obj)
{
    return obj->v.tag == PTS_T_OBJECT ? PTS_OBJECT(obj->v)->cls->qualname : NULL;
}

PYTS_API int pyts_object_attr_count(const pyts_value *obj)
{
    return obj->v.tag == PTS_T_OBJECT ? PTS_OBJECT(obj->v)->cls->nattrs : 0;
}

PYTS_API const char *pyts_object_attr_name(const pyts_value *obj, int i, int *flags)
{
    if (obj->v.tag != PTS_T_OBJECT)
        return NULL;
    pts_object *o = PTS_OBJECT(obj->v);
    if (i < 0 || i >= o->cls->nattrs)
        return NULL;
    if (flags) {
        pts_attr *a = &o->cls->attrs[i];
        pts_value s;
        pts_object_get_slot(o, i, &s);
        *flags = (a->is_param ? 1 : 0) | (a->is_buffer ? 2 : 0) |
                 (s.tag == PTS_T_OBJECT && PTS_OBJECT(s)->cls->kind == PTS_CLS_MODULE ? 4 : 0);
        pts_value_release(s);
    }
    return o->cls->attrs[i].name;
}

PYTS_API int pyts_object_attr(const pyts_value *obj, const char *name, pyts_value **out)
{
    *out = NULL;
    if (obj->v.tag != PTS_T_OBJECT)
        return pts_err_set(PTS_ERR_TYPE, "pyts_object_attr: value is a %s, not an object",
                           pts_tag_name((pts_tag)obj->v.tag));
    pts_object *o = PTS_OBJECT(obj->v);
    int i = pts_class_attr_index(o->cls, name);
    if (i >= 0) {
        pts_value s;
        pts_object_get_slot(o, i, &s); /* a running method may assign it */
        *out = box(s);
    } else {
        i = pts_class_const_index(o->cls, name);
        if (i < 0)
            return pts_err_set(PTS_ERR_KEY, "'%s' has no attribute '%s'", o->cls->qualname, name);
        *out = box(pts_value_retain(o->cls->consts[i].value));
    }
    return *out ? PYTS_OK : PYTS_ERR_NOMEM;
}

PYTS_API int pyts_object_method_count(const pyts_value *obj)
{
    return obj->v.tag == PTS_T_OBJECT ? PTS_OBJECT(obj->v)->cls->nmethods : 0;
}

PYTS_API const char *pyts_object_method_name(const pyts_value *obj, int i)
{
    if (obj->v.tag != PTS_T_OBJECT || i < 0 || i >= PTS_OBJECT(obj->v)->cls->nmethods)
        return NULL;
    return PTS_OBJECT(obj->v)->cls->methods[i].name;
}

typedef struct ops_walk {
    pyts_op_fn fn;
    void *ud;
} ops_walk;

static pts_status ops_cb(void *ud, const char *op, const char *file, int line)
{
    ops_walk *w = ud;
    if (w->fn(w->ud, op, file, line))
        return pts_err_set(PTS_ERR_VALUE, "stopped by the callback");
    return PTS_OK;
}

PYTS_API int pyts_module_called_ops(pyts_module *m, pyts_op_fn fn, void *ud)
{
    ops_walk w = {fn, ud};
    return pts_engine_called_ops(m->l, ops_cb, &w);
}

static const pts_tensor *tens(const pyts_value *t) { return t->v.tag == PTS_T_TENSOR ? PTS_TENSOR(t->v) : NULL; }

PYTS_API int pyts_tensor_dtype(const pyts_value *t) { return tens(t) ? tens(t)->dtype : -1; }

PYTS_API const char *pyts_dtype_name(int dtype)
{
    const pts_dtype_info *di = pts_dtype_get(dtype);
    return di ? di->name : "unknown";
}

PYTS_API int pyts_tensor_itemsize(const pyts_value *t) { return tens(t) ? pts_dtype_get(tens(t)->dtype)->itemsize : 0; }
PYTS_API int pyts_tensor_ndim(const pyts_value *t) { return tens(t) ? tens(t)->ndim : -1; }
PYTS_API const int64_t *pyts_tensor_sizes(const pyts_value *t) { return tens(t) ? tens(t)->sizes : NULL; }
PYTS_API const int64_t *pyts_tensor_strides(const pyts_value *t) { return tens(t) ? tens(t)->strides : NULL; }
PYTS_API int64_t pyts_tensor_numel(const pyts_value *t) { return tens(t) ? pts_tensor_numel(tens(t)) : 0; }
PYTS_API void *pyts_tensor_data(const pyts_value *t) { return tens(t) ? pts_tensor_data(tens(t)) : NULL; }

PYTS_API int pyts_tensor_new(int dtype, int ndim, const int64_t *sizes, const void *data, pyts_value **out)
{
    *out = NULL;
    pts_tensor *t = data ? pts_tensor_empty(dtype, ndim, sizes) : pts_tensor_zeros(dtype, ndim, sizes);
    if (!t)
        return pts_err_last();
    if (data)
        memcpy(t->storage->data, data, t->storage->nbytes);
    *out = box(pts_obj_value(&t->hdr));
    return *out ? PYTS_OK : PYTS_ERR_NOMEM;
}

PYTS_API int pyts_tensor_ones(int ndim, const int64_t *sizes, pyts_value **out)
{
    int st = pyts_tensor_new(PYTS_FLOAT32, ndim, sizes, NULL, out);
    if (st)
        return st;
    pts_tensor *t = PTS_TENSOR((*out)->v);
    float *d = t->storage->data;
    int64_t n = pts_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        d[i] = 1.0f;
    return PYTS_OK;
}
