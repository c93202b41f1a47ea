/* compose.h - composite kernels: a kernel that torch itself writes as a few
 * calls of other aten ops (hstack = atleast_1d + cat, cov = mean, sub, mm ...)
 * calls the registered kernels of those ops by their full names, so the
 * pieces (broadcasting, type promotion, errors) are the ones already tested.
 * Included by family files after ops/kernel.h. */
#ifndef PTS_OPS_COMPOSE_H
#define PTS_OPS_COMPOSE_H

#include "ops/kernel.h"

/* A borrowed value of a tensor (None for NULL), for the pos[] of pts_call. */
static inline pts_value pts_tv(pts_tensor *t) { return t ? pts_obj_value(&t->hdr) : pts_none(); }

/* Call the registered op `name` ("aten::cat", "aten::sum.dim_IntList") with
 * npos positional arguments (borrowed; the rest take their defaults).  *ret:
 * its first result (new reference); other results are released. */
PTS_NODISCARD static inline pts_status pts_call(const char *name, int npos, pts_value *pos, pts_value *ret)
{
    const pts_op *o = pts_ops_find(name);
    if (!o)
        return pts_err_set(PTS_ERR_INTERNAL, "%s is not registered", name);
    pts_value r[8];
    for (int i = 0; i < 8; i++)
        r[i] = pts_none();
    if (o->schema.nrets > 8 || o->schema.nrets < 1)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: cannot compose an op with %d results", name, o->schema.nrets);
    PTS_TRY(pts_ops_call(o, npos, pos, 0, NULL, NULL, r));
    *ret = r[0];
    for (int i = 1; i < o->schema.nrets; i++)
        pts_value_release(r[i]);
    return PTS_OK;
}

/* The same for an op returning a tensor: new reference, or NULL with the error set. */
static inline pts_tensor *pts_call_t(const char *name, int npos, pts_value *pos)
{
    pts_value r = pts_none();
    if (pts_call(name, npos, pos, &r))
        return NULL;
    if (r.tag != PTS_T_TENSOR) {
        pts_value_release(r);
        pts_err_set(PTS_ERR_INTERNAL, "%s did not return a tensor", name);
        return NULL;
    }
    return PTS_TENSOR(r);
}

/* Release a tensor reference (NULL allowed). */
static inline void pts_tdrop(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* A new List[int] value of n ints, or None (error set) when out of memory. */
static inline pts_value pts_int_list_value(int n, const int64_t *v)
{
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), n);
    if (!l)
        return pts_none();
    for (int i = 0; i < n; i++)
        if (pts_list_append(l, pts_int(v[i]))) {
            pts_obj_release(&l->hdr);
            return pts_none();
        }
    return pts_obj_value(&l->hdr);
}

/* A new Tensor[] value holding (retaining) the n tensors, or None (error set). */
static inline pts_value pts_tensor_list_value(int64_t n, pts_tensor *const *ts)
{
    pts_list *l = pts_tensor_list_new(n);
    if (!l)
        return pts_none();
    for (int64_t i = 0; i < n; i++) {
        pts_obj_retain(&ts[i]->hdr);
        if (pts_list_append(l, pts_obj_value(&ts[i]->hdr))) {
            pts_obj_release(&l->hdr);
            return pts_none();
        }
    }
    return pts_obj_value(&l->hdr);
}

/* Tensor i of a Tensor[] argument (borrowed). */
static inline pts_tensor *pts_list_tensor(pts_value v, int64_t i)
{
    return PTS_TENSOR(v.tag == PTS_T_LIST ? PTS_LIST(v)->items[i] : PTS_TUPLE(v)->items[i]);
}
static inline int64_t pts_list_len(pts_value v) { return v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len; }

/* Operands a and b (tensors or numbers) rounded to dtype `common`, broadcast
 * against each other and copied to new contiguous tensors of dtype `cd`
 * (*x, *y: new references).  nd/shape: the broadcast shape. */
PTS_NODISCARD static inline pts_status pts_broadcast_pair(const char *opname, pts_value a, pts_value b, int common, int cd,
                                                          pts_tensor **x, pts_tensor **y, int *nd, int64_t *shape)
{
    pts_value in[2] = {a, b};
    pts_tensor *c[2] = {NULL, NULL}, *out[2] = {NULL, NULL};
    pts_status st = PTS_OK;
    for (int i = 0; i < 2 && !st; i++) {
        if (in[i].tag == PTS_T_TENSOR && PTS_TENSOR(in[i])->dtype == common) {
            c[i] = PTS_TENSOR(in[i]);
            pts_obj_retain(&c[i]->hdr);
        } else {
            c[i] = in[i].tag == PTS_T_TENSOR ? pts_tensor_to_dtype(PTS_TENSOR(in[i]), common)
                                             : pts_tensor_from_scalar(in[i], common);
        }
        if (!c[i])
            st = pts_err_last();
    }
    if (!st)
        st = pts_broadcast_tensors_shape(2, c, nd, shape, opname);
    for (int i = 0; i < 2 && !st; i++) {
        pts_value v = pts_none();
        st = pts_ops_expand_view(opname, c[i], *nd, shape, &v);
        if (!st) {
            out[i] = pts_tensor_to_dtype(PTS_TENSOR(v), cd);
            pts_value_release(v);
            if (!out[i])
                st = pts_err_last();
        }
    }
    pts_tdrop(c[0]);
    pts_tdrop(c[1]);
    if (st) {
        pts_tdrop(out[0]);
        pts_tdrop(out[1]);
        return st;
    }
    *x = out[0];
    *y = out[1];
    return PTS_OK;
}

#endif
