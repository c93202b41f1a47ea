/* dict.c - dict operators of printed TorchScript, with Python semantics:
 * insertion-ordered dicts, d[k], get, setdefault, pop, popitem, del, keys /
 * values / items (as lists), update, clear, copy and dict(pairs), for every
 * key type torch registers (str, int, bool, float, Tensor).
 */
#include "ops/kernel.h"
#include "ops/prim/prim.h"

#define L(v) PTS_LIST(v)
#define DI(v) PTS_DICT(v)

static pts_status k_dict_len(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_int(DI(a[0])->len);
    return PTS_OK;
}

static pts_status key_error(pts_value key)
{
    pts_sb sb;
    pts_sb_init(&sb);
    pts_prim_format_value(&sb, key);
    pts_status st = pts_err_set(PTS_ERR_KEY, "KeyError: %s", pts_sb_str(&sb));
    pts_sb_free(&sb);
    return st;
}

static pts_status k_dict_getitem(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_value *v = pts_dict_get(DI(a[0]), a[1]);
    if (!v)
        return key_error(a[1]);
    r[0] = pts_value_retain(*v);
    return PTS_OK;
}

static pts_status k_dict_set_item(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op, (void)r;
    return pts_dict_set(DI(a[0]), pts_value_retain(a[1]), pts_value_retain(a[2]));
}

static pts_status k_dict_contains(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(pts_dict_get(DI(a[0]), a[1]) != NULL);
    return PTS_OK;
}

static pts_status k_dict_get(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_value *v = pts_dict_get(DI(a[0]), a[1]);
    r[0] = v ? pts_value_retain(*v) : pts_none();
    return PTS_OK;
}

static pts_status k_dict_get_default(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_value *v = pts_dict_get(DI(a[0]), a[1]);
    r[0] = pts_value_retain(v ? *v : a[2]);
    return PTS_OK;
}

static pts_status k_dict_setdefault(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_value *v = pts_dict_get(DI(a[0]), a[1]);
    if (!v)
        PTS_TRY(pts_dict_set(DI(a[0]), pts_value_retain(a[1]), pts_value_retain(a[2])));
    r[0] = pts_value_retain(v ? *v : a[2]);
    return PTS_OK;
}

static pts_status k_dict_pop(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (!pts_dict_remove(DI(a[0]), a[1], &r[0]))
        return key_error(a[1]);
    return PTS_OK;
}

static pts_status k_dict_pop_default(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (!pts_dict_remove(DI(a[0]), a[1], &r[0]))
        r[0] = pts_value_retain(a[2]);
    return PTS_OK;
}

static pts_status k_dict_delete(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op, (void)r;
    if (!pts_dict_remove(DI(a[0]), a[1], NULL))
        return key_error(a[1]);
    return PTS_OK;
}

static pts_type *pair_type(pts_dict *d)
{
    if (!d->key_type || !d->val_type)
        return NULL;
    pts_type *args[2] = {d->key_type, d->val_type};
    return pts_type_new(PTS_TY_TUPLE, 2, args);
}

static pts_status make_pair(pts_dict_entry *e, pts_value *out)
{
    pts_tuple *t = pts_tuple_new(2);
    if (!t)
        return PTS_ERR_NOMEM;
    t->items[0] = pts_value_retain(e->key);
    t->items[1] = pts_value_retain(e->val);
    *out = pts_obj_value(&t->hdr);
    return PTS_OK;
}

static pts_status k_dict_popitem(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_dict *d = DI(a[0]);
    for (int64_t i = 0; i < d->nentries; i++) { /* torch pops the first item */
        if (!d->entries[i].live)
            continue;
        PTS_TRY(make_pair(&d->entries[i], &r[0]));
        pts_value key = pts_value_retain(d->entries[i].key);
        pts_dict_remove(d, key, NULL);
        pts_value_release(key);
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_KEY, "popitem(): dictionary is empty");
}

typedef enum { D_KEYS, D_VALUES, D_ITEMS } dict_view;

static pts_status dict_list(pts_dict *d, dict_view what, pts_value *out)
{
    pts_type *elem = what == D_KEYS ? pts_type_retain(d->key_type) : what == D_VALUES ? pts_type_retain(d->val_type) : pair_type(d);
    pts_list *l = pts_list_new(elem, d->len);
    pts_type_release(elem);
    if (!l)
        return PTS_ERR_NOMEM;
    pts_status st = pts_prim_list_reserve(l, d->len);
    for (int64_t i = 0; i < d->nentries && !st; i++) {
        pts_dict_entry *e = &d->entries[i];
        if (!e->live)
            continue;
        if (what == D_ITEMS)
            st = make_pair(e, &l->items[l->len]);
        else
            l->items[l->len] = pts_value_retain(what == D_KEYS ? e->key : e->val);
        if (!st)
            l->len++;
    }
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    *out = pts_obj_value(&l->hdr);
    return PTS_OK;
}

static pts_status k_dict_keys(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return dict_list(DI(a[0]), D_KEYS, &r[0]); }
static pts_status k_dict_values(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return dict_list(DI(a[0]), D_VALUES, &r[0]); }
static pts_status k_dict_items(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return dict_list(DI(a[0]), D_ITEMS, &r[0]); }

static pts_status dict_update(pts_dict *d, pts_dict *o)
{
    int64_t n = o->nentries;
    for (int64_t i = 0; i < n; i++) {
        pts_dict_entry *e = &o->entries[i];
        if (e->live)
            PTS_TRY(pts_dict_set(d, pts_value_retain(e->key), pts_value_retain(e->val)));
    }
    return PTS_OK;
}

static pts_status k_dict_update(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op, (void)r;
    if (a[0].u.o == a[1].u.o)
        return PTS_OK;
    return dict_update(DI(a[0]), DI(a[1]));
}

static pts_status k_dict_clear(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op, (void)r;
    pts_dict *d = DI(a[0]);
    for (int64_t i = d->nentries - 1; i >= 0; i--) {
        if (!d->entries[i].live)
            continue;
        pts_value key = pts_value_retain(d->entries[i].key);
        pts_dict_remove(d, key, NULL);
        pts_value_release(key);
    }
    return PTS_OK;
}

static pts_status k_dict_copy(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_dict *s = DI(a[0]);
    pts_dict *d = pts_dict_new(s->key_type, s->val_type);
    if (!d)
        return PTS_ERR_NOMEM;
    pts_status st = dict_update(d, s);
    if (st) {
        pts_obj_release(&d->hdr);
        return st;
    }
    r[0] = pts_obj_value(&d->hdr);
    return PTS_OK;
}

/* dict(list of pairs) */
static pts_status k_dict_from_pairs(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l = L(a[0]);
    pts_type *kt = NULL, *vt = NULL;
    if (l->elem && l->elem->kind == PTS_TY_TUPLE && l->elem->nargs == 2) {
        kt = l->elem->args[0];
        vt = l->elem->args[1];
    }
    pts_dict *d = pts_dict_new(kt, vt);
    if (!d)
        return PTS_ERR_NOMEM;
    for (int64_t i = 0; i < l->len; i++) {
        pts_value p = l->items[i];
        pts_status st = PTS_OK;
        if (p.tag != PTS_T_TUPLE || PTS_TUPLE(p)->len != 2)
            st = pts_err_set(PTS_ERR_TYPE, "dict(): element %lld is not a pair", (long long)i);
        else
            st = pts_dict_set(d, pts_value_retain(PTS_TUPLE(p)->items[0]), pts_value_retain(PTS_TUPLE(p)->items[1]));
        if (st) {
            pts_obj_release(&d->hdr);
            return st;
        }
    }
    r[0] = pts_obj_value(&d->hdr);
    return PTS_OK;
}

#define DICT_OPS(K, KT)                                                                                        \
    PTS_OP("aten::len.Dict_" K "(Dict(" KT ", t) self) -> int", k_dict_len),                                        \
    PTS_OP("aten::__getitem__.Dict_" K "(Dict(" KT ", t) self, " KT " key) -> t(*)", k_dict_getitem),          \
    PTS_OP("aten::_set_item." K "(Dict(" KT ", t)(a!) l, " KT "(b -> *) idx, t(c -> *) v) -> ()", k_dict_set_item), \
    PTS_OP("aten::__contains__." K "(Dict(" KT ", t) dict, " KT " key) -> bool", k_dict_contains),             \
    PTS_OP("aten::Delete.Dict_" K "(Dict(" KT ", t)(a!) self, " KT " key) -> ()", k_dict_delete)

#define DICT_OPS2(K, KT)                                                                                       \
    PTS_OP("aten::get." K "(Dict(" KT ", t) self, " KT " key) -> t(*)?", k_dict_get),                          \
    PTS_OP("aten::get.default_" K "(Dict(" KT ", t) self, " KT " key, t default_value) -> t(*)", k_dict_get_default), \
    PTS_OP("aten::setdefault." K "(Dict(" KT ", t)(a!) self, " KT "(b -> *) key, t(c -> *) default_value) -> t(*)", k_dict_setdefault), \
    PTS_OP("aten::pop.Dict_" K "(Dict(" KT ", t)(a!) self, " KT " key) -> t(*)", k_dict_pop),                  \
    PTS_OP("aten::pop.Dict_default_" K "(Dict(" KT ", t)(a!) self, " KT " key, t default_value) -> t(*)", k_dict_pop_default), \
    PTS_OP("aten::popitem." K "(Dict(" KT ", t)(a!) self) -> ((" KT ", t))", k_dict_popitem),                  \
    PTS_OP("aten::keys." K "(Dict(" KT ", t) self) -> " KT "[](*)", k_dict_keys),                               \
    PTS_OP("aten::values." K "(Dict(" KT ", t) self) -> t[](*)", k_dict_values),                                \
    PTS_OP("aten::items." K "(Dict(" KT ", t) self) -> ((" KT ", t)[])", k_dict_items),                        \
    PTS_OP("aten::update." K "(Dict(" KT ", t)(a!) self, Dict(" KT ", t)(a!) to_add) -> ()", k_dict_update),   \
    PTS_OP("aten::clear." K "(Dict(" KT ", t)(a!) self) -> ()", k_dict_clear),                                 \
    PTS_OP("aten::copy.Dict_" K "(Dict(" KT ", t)(a) self) -> Dict(" KT ", t)", k_dict_copy),                  \
    PTS_OP("aten::dict." K "((" KT ", tVal)[] inputs) -> Dict(" KT ", tVal)", k_dict_from_pairs),              \
    PTS_OP("aten::dict.Dict_" K "(Dict(" KT ", t)(a) self) -> Dict(" KT ", t)", k_dict_copy)

const pts_op_def pts_ops_dict[] = {
    DICT_OPS("str", "str"),
    DICT_OPS("int", "int"),
    DICT_OPS("bool", "bool"),
    DICT_OPS("float", "float"),
    DICT_OPS("Tensor", "Tensor"),
    DICT_OPS("complex", "complex"),
    DICT_OPS2("str", "str"),
    DICT_OPS2("int", "int"),
    DICT_OPS2("bool", "bool"),
    DICT_OPS2("float", "float"),
    DICT_OPS2("complex", "complex"),
    {NULL, NULL},
};
