/* values.c - what the VM loop does to values besides calling operators:
 * truthiness, subscripts, slices, `in`, unpacking, conversions to an
 * annotated type (tolist, int(tensor)), print.  Tensors and strings are
 * handed to their kernels (aten::select.int, aten::slice.*, aten::Bool...),
 * which is why these live in interp/ above ops/ and not in value/.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "interp/interp.h"
#include "ops/prim/prim.h"
#include "tensor/tensor.h"

static const char *tag_name(pts_value v) { return pts_tag_name((pts_tag)v.tag); }

pts_status pts_vm_truthy(pts_value v, bool *out)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_BOOL: *out = v.u.b; return PTS_OK;
    case PTS_T_INT: *out = v.u.i != 0; return PTS_OK;
    case PTS_T_FLOAT: *out = v.u.f != 0; return PTS_OK;
    case PTS_T_NONE: *out = false; return PTS_OK;
    case PTS_T_STR: *out = PTS_STR(v)->len != 0; return PTS_OK;
    case PTS_T_LIST:
    case PTS_T_DICT: {
        bool lk = pts_value_lock_if_shared(v);
        *out = (v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_DICT(v)->len) != 0;
        pts_value_unlock_if(v, lk);
        return PTS_OK;
    }
    case PTS_T_TUPLE: *out = PTS_TUPLE(v)->len != 0; return PTS_OK;
    case PTS_T_TENSOR: {
        const pts_op *op = pts_ops_find("aten::Bool.Tensor");
        pts_value r = pts_none();
        if (!op)
            return pts_err_set(PTS_ERR_UNSUPPORTED, "aten::Bool.Tensor is missing");
        PTS_TRY(op->fn(op, &v, &r));
        *out = r.u.b;
        return PTS_OK;
    }
    default: *out = true; return PTS_OK;
    }
}

static pts_status subscr(pts_value obj, pts_value idx, pts_value *out);

/* obj[idx]; a shared list or dict is read under its lock. */
pts_status pts_vm_subscr(pts_value obj, pts_value idx, pts_value *out)
{
    bool lk = pts_value_lock_if_shared(obj);
    pts_status st = subscr(obj, idx, out);
    pts_value_unlock_if(obj, lk);
    return st;
}

static pts_status subscr(pts_value obj, pts_value idx, pts_value *out)
{
    int64_t i = 0;
    switch ((pts_tag)obj.tag) {
    case PTS_T_LIST:
        if (idx.tag != PTS_T_INT && idx.tag != PTS_T_BOOL)
            break;
        PTS_TRY(pts_prim_norm_index(idx.tag == PTS_T_INT ? idx.u.i : idx.u.b, PTS_LIST(obj)->len, "list", &i));
        *out = pts_value_retain(PTS_LIST(obj)->items[i]);
        return PTS_OK;
    case PTS_T_TUPLE:
        if (idx.tag != PTS_T_INT)
            break;
        PTS_TRY(pts_prim_norm_index(idx.u.i, PTS_TUPLE(obj)->len, "tuple", &i));
        *out = pts_value_retain(PTS_TUPLE(obj)->items[i]);
        return PTS_OK;
    case PTS_T_STR:
        if (idx.tag != PTS_T_INT)
            break;
        PTS_TRY(pts_prim_norm_index(idx.u.i, PTS_STR(obj)->len, "string", &i));
        return pts_value_str(PTS_STR(obj)->data + i, 1, out);
    case PTS_T_DICT: {
        pts_value *v = pts_dict_get(PTS_DICT(obj), idx);
        if (!v) {
            pts_sb sb;
            pts_sb_init(&sb);
            pts_prim_format_value(&sb, idx);
            pts_status st = pts_err_set(PTS_ERR_KEY, "KeyError: %s", pts_sb_str(&sb));
            pts_sb_free(&sb);
            return st;
        }
        *out = pts_value_retain(*v);
        return PTS_OK;
    }
    case PTS_T_TENSOR: {
        if (idx.tag != PTS_T_INT)
            break;
        const pts_op *op = pts_ops_find("aten::select.int");
        if (!op)
            return pts_err_set(PTS_ERR_UNSUPPORTED, "tensor indexing needs aten::select.int");
        pts_value a[3] = {obj, pts_int(0), idx};
        *out = pts_none();
        return op->fn(op, a, out);
    }
    default: break;
    }
    return pts_err_set(PTS_ERR_TYPE, "%s cannot be indexed with %s", tag_name(obj), tag_name(idx));
}

pts_status pts_vm_slice(pts_value *a, pts_value *out)
{
    pts_value obj = a[0];
    if (a[3].tag != PTS_T_INT || (a[1].tag != PTS_T_NONE && a[1].tag != PTS_T_INT) ||
        (a[2].tag != PTS_T_NONE && a[2].tag != PTS_T_INT))
        return pts_err_set(PTS_ERR_TYPE, "slice indices must be integers or None");
    if (obj.tag == PTS_T_TUPLE) {
        int64_t first, count, step = a[3].u.i;
        PTS_TRY(pts_prim_slice_indices(a[1], a[2], step, PTS_TUPLE(obj)->len, &first, &count));
        pts_tuple *t = pts_tuple_new(count);
        if (!t)
            return PTS_ERR_NOMEM;
        for (int64_t i = 0; i < count; i++)
            t->items[i] = pts_value_retain(PTS_TUPLE(obj)->items[first + i * step]);
        *out = pts_obj_value(&t->hdr);
        return PTS_OK;
    }
    const char *name = obj.tag == PTS_T_LIST ? "aten::slice.t" : obj.tag == PTS_T_STR ? "aten::slice.str" : NULL;
    if (obj.tag == PTS_T_TENSOR) {
        const pts_op *op = pts_ops_find("aten::slice.Tensor");
        if (!op)
            return pts_err_set(PTS_ERR_UNSUPPORTED, "tensor slicing needs aten::slice.Tensor");
        pts_value args[5] = {obj, pts_int(0), a[1], a[2], a[3]};
        *out = pts_none();
        return op->fn(op, args, out);
    }
    if (!name)
        return pts_err_set(PTS_ERR_TYPE, "%s cannot be sliced", tag_name(obj));
    const pts_op *op = pts_ops_find(name);
    *out = pts_none();
    bool lk = pts_value_lock_if_shared(obj);
    pts_status st = op->fn(op, a, out);
    pts_value_unlock_if(obj, lk);
    return st;
}

static pts_status contains(pts_value c, pts_value x, bool *out);

/* x in c; a shared list or dict is read under its lock. */
pts_status pts_vm_contains(pts_value c, pts_value x, bool *out)
{
    bool lk = pts_value_lock_if_shared(c);
    pts_status st = contains(c, x, out);
    pts_value_unlock_if(c, lk);
    return st;
}

static pts_status contains(pts_value c, pts_value x, bool *out)
{
    switch ((pts_tag)c.tag) {
    case PTS_T_STR:
        if (x.tag != PTS_T_STR)
            break;
    {
        pts_str *h = PTS_STR(c), *nd = PTS_STR(x);
        *out = false;
        for (int64_t i = 0; i + nd->len <= h->len && !*out; i++)
            *out = memcmp(h->data + i, nd->data, (size_t)nd->len) == 0;
        return PTS_OK;
    }
    case PTS_T_LIST:
    case PTS_T_TUPLE: {
        int64_t n = c.tag == PTS_T_LIST ? PTS_LIST(c)->len : PTS_TUPLE(c)->len;
        pts_value *it = c.tag == PTS_T_LIST ? PTS_LIST(c)->items : PTS_TUPLE(c)->items;
        *out = false;
        for (int64_t i = 0; i < n && !*out; i++)
            *out = pts_prim_equal(it[i], x);
        return PTS_OK;
    }
    case PTS_T_DICT: *out = pts_dict_get(PTS_DICT(c), x) != NULL; return PTS_OK;
    default: break;
    }
    return pts_err_set(PTS_ERR_TYPE, "'in' is not supported for %s in %s", tag_name(x), tag_name(c));
}

static pts_status unpack(pts_value src, int n, pts_value *dst);

/* a, b = src; a shared list is read under its lock. */
pts_status pts_vm_unpack(pts_value src, int n, pts_value *dst)
{
    bool lk = pts_value_lock_if_shared(src);
    pts_status st = unpack(src, n, dst);
    pts_value_unlock_if(src, lk);
    return st;
}

static pts_status unpack(pts_value src, int n, pts_value *dst)
{
    int64_t len;
    pts_value *items;
    if (src.tag == PTS_T_TUPLE) {
        len = PTS_TUPLE(src)->len;
        items = PTS_TUPLE(src)->items;
    } else if (src.tag == PTS_T_LIST) {
        len = PTS_LIST(src)->len;
        items = PTS_LIST(src)->items;
    } else {
        return pts_err_set(PTS_ERR_TYPE, "cannot unpack a %s", tag_name(src));
    }
    if (len != n)
        return pts_err_set(PTS_ERR_VALUE, "expected %d values to unpack, got %lld", n, (long long)len);
    for (int i = 0; i < n; i++)
        {
        pts_value old = dst[i];
        dst[i] = pts_value_retain(items[i]);
        pts_value_release(old);
    }
    return PTS_OK;
}

/* Tensor -> nested lists (prim::tolist) following the annotated list type. */
static pts_status tolist(const pts_tensor *x, int dim, int64_t offset, const pts_type *t, pts_value *out)
{
    if (dim == x->ndim) {
        const pts_op *item = pts_ops_find("aten::item");
        pts_tensor view = *x; /* a 0-d view of one element, for aten::item */
        view.hdr.refcnt = 1;
        view.ndim = 0;
        view.offset = offset;
        pts_value tv = pts_obj_value(&view.hdr), v = pts_none();
        if (!item)
            return pts_err_set(PTS_ERR_UNSUPPORTED, "tolist needs aten::item");
        PTS_TRY(item->fn(item, &tv, &v));
        if (t->kind == PTS_TY_FLOAT && v.tag != PTS_T_FLOAT)
            v = pts_float(v.tag == PTS_T_INT ? (double)v.u.i : (double)v.u.b);
        else if (t->kind == PTS_TY_INT && v.tag == PTS_T_BOOL)
            v = pts_int(v.u.b);
        *out = v;
        return PTS_OK;
    }
    if (t->kind != PTS_TY_LIST)
        return pts_err_set(PTS_ERR_TYPE, "tolist(): the annotation has fewer list levels than the tensor has dimensions");
    pts_list *l = pts_list_new(t->args[0], x->sizes[dim]);
    if (!l)
        return PTS_ERR_NOMEM;
    pts_value lv = pts_obj_value(&l->hdr);
    for (int64_t i = 0; i < x->sizes[dim]; i++) {
        pts_value e;
        pts_status st = tolist(x, dim + 1, offset + i * x->strides[dim], t->args[0], &e);
        if (!st)
            st = pts_list_append(l, e);
        if (st) {
            pts_value_release(lv);
            return st;
        }
    }
    *out = lv;
    return PTS_OK;
}

pts_status pts_vm_convert(pts_value v /* stolen */, const pts_type *t, pts_value *out)
{
    if (v.tag == PTS_T_TENSOR && t->kind == PTS_TY_LIST) {
        pts_status st = tolist(PTS_TENSOR(v), 0, PTS_TENSOR(v)->offset, t, out);
        pts_value_release(v);
        return st;
    }
    if (v.tag == PTS_T_TENSOR && (t->kind == PTS_TY_INT || t->kind == PTS_TY_FLOAT || t->kind == PTS_TY_NUMBER)) {
        const char *n = t->kind == PTS_TY_INT ? "aten::IntImplicit" : t->kind == PTS_TY_FLOAT ? "aten::FloatImplicit" : "aten::ScalarImplicit";
        const pts_op *op = pts_ops_find(n);
        *out = pts_none();
        pts_status st = op ? op->fn(op, &v, out) : pts_err_set(PTS_ERR_UNSUPPORTED, "%s is missing", n);
        pts_value_release(v);
        return st;
    }
    if (v.tag == PTS_T_LIST && t->kind == PTS_TY_LIST && !PTS_LIST(v)->elem)
        PTS_LIST(v)->elem = pts_type_retain(t->args[0]);
    if (v.tag == PTS_T_DICT && t->kind == PTS_TY_DICT && !PTS_DICT(v)->key_type && !PTS_DICT(v)->val_type) {
        PTS_DICT(v)->key_type = pts_type_retain(t->args[0]);
        PTS_DICT(v)->val_type = pts_type_retain(t->args[1]);
    }
    *out = v;
    return PTS_OK;
}

void pts_vm_print(pts_value *vals, int n)
{
    pts_sb sb;
    pts_sb_init(&sb);
    for (int i = 0; i < n; i++) {
        if (i)
            pts_sb_putc(&sb, ' ');
        pts_prim_format_value(&sb, vals[i]);
    }
    pts_sb_putc(&sb, '\n');
    fputs(pts_sb_str(&sb), stdout);
    fflush(stdout);
    pts_sb_free(&sb);
}
