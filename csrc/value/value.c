/* value.c - refcounting and the heap objects of value.h (str, tuple, list,
 * dict, object, enum, opaque).  Tensors live in tensor/ (and so does
 * pts_value_describe, which prints them), types in type.c, classes and units
 * in class.c. */
#include "value/value.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "value/class.h"
#include "value/type.h"

void pts_obj_init(pts_obj *o, pts_tag tag, pts_destroy_fn destroy)
{
    atomic_init(&o->refcnt, 1);
    o->destroy = destroy;
    o->tag = (uint16_t)tag;
    o->flags = 0;
    atomic_init(&o->sync, 0);
}

bool pts_obj_trylock(pts_obj *o)
{
    return !(atomic_fetch_or_explicit(&o->sync, PTS_SYNC_LOCK, memory_order_acquire) & PTS_SYNC_LOCK);
}

void pts_obj_lock(pts_obj *o)
{
    for (unsigned spins = 0;; spins++) {
        if (!(atomic_load_explicit(&o->sync, memory_order_relaxed) & PTS_SYNC_LOCK) && pts_obj_trylock(o))
            return;
        if (spins >= 64)
            sched_yield(); /* the holder may be running a kernel, or be descheduled */
    }
}

void pts_value_share(pts_value v)
{
    if (v.tag != PTS_T_LIST && v.tag != PTS_T_DICT && v.tag != PTS_T_TUPLE && v.tag != PTS_T_OBJECT)
        return;
    if (atomic_fetch_or_explicit(&v.u.o->sync, PTS_SYNC_SHARED, memory_order_acq_rel) & PTS_SYNC_SHARED)
        return; /* already shared: so is everything reachable from it */
    /* not shared until now: no other thread can reach v, its items need no lock */
    switch ((pts_tag)v.tag) {
    case PTS_T_LIST:
        for (int64_t i = 0; i < PTS_LIST(v)->len; i++)
            pts_value_share(PTS_LIST(v)->items[i]);
        break;
    case PTS_T_TUPLE:
        for (int64_t i = 0; i < PTS_TUPLE(v)->len; i++)
            pts_value_share(PTS_TUPLE(v)->items[i]);
        break;
    case PTS_T_DICT:
        for (int64_t i = 0; i < PTS_DICT(v)->nentries; i++)
            if (PTS_DICT(v)->entries[i].live) {
                pts_value_share(PTS_DICT(v)->entries[i].key);
                pts_value_share(PTS_DICT(v)->entries[i].val);
            }
        break;
    default: { /* object: its slots are read under its lock, others may read them already */
        pts_object *ob = PTS_OBJECT(v);
        for (int64_t i = 0; i < ob->nslots; i++) {
            pts_value s;
            pts_object_get_slot(ob, i, &s);
            pts_value_share(s);
            pts_value_release(s);
        }
        break;
    }
    }
}

void pts_obj_release(pts_obj *o)
{
    if (!o)
        return;
    if (atomic_fetch_sub_explicit(&o->refcnt, 1, memory_order_acq_rel) == 1)
        o->destroy(o);
}

const char *pts_tag_name(pts_tag t)
{
    static const char *const names[] = {
        "None", "bool", "int", "float", "complex", "Device", "uninitialized", "str", "Tensor",
        "Storage", "List", "Tuple", "Dict", "Object", "Enum", "Future", "Function", "Type", "Opaque",
    };
    if ((unsigned)t < sizeof names / sizeof names[0])
        return names[t];
    return "?";
}

/* ---- str ---------------------------------------------------------------- */

static void str_destroy(pts_obj *o) { pts_free(o); }

pts_str *pts_str_new(const char *s, size_t n)
{
    pts_str *r = pts_malloc(sizeof *r + n + 1);
    if (!r) {
        pts_err_nomem("a string", n);
        return NULL;
    }
    pts_obj_init(&r->hdr, PTS_T_STR, str_destroy);
    r->len = (int64_t)n;
    r->hash = 0;
    if (n)
        memcpy(r->data, s, n);
    r->data[n] = 0;
    return r;
}

pts_str *pts_str_from_cstr(const char *s) { return pts_str_new(s, strlen(s)); }

pts_status pts_value_str(const char *s, size_t n, pts_value *out)
{
    pts_str *r = pts_str_new(s, n);
    if (!r)
        return PTS_ERR_NOMEM;
    *out = pts_obj_value(&r->hdr);
    return PTS_OK;
}

/* FNV-1a, never 0 (0 marks a string whose hash is not computed yet) */
static uint64_t fnv1a(const void *p, size_t n)
{
    uint64_t h = pts_hash_bytes(p, n);
    return h ? h : 1;
}

uint64_t pts_str_hash(pts_str *s)
{
    if (!s->hash)
        s->hash = fnv1a(s->data, (size_t)s->len);
    return s->hash;
}

/* ---- tuple -------------------------------------------------------------- */

static void tuple_destroy(pts_obj *o)
{
    pts_tuple *t = (pts_tuple *)o;
    for (int64_t i = 0; i < t->len; i++)
        pts_value_release(t->items[i]);
    pts_type_release(t->type);
    pts_free(t);
}

pts_tuple *pts_tuple_new(int64_t len)
{
    if (len < 0 || (uint64_t)len > (SIZE_MAX - sizeof(pts_tuple)) / sizeof(pts_value)) {
        pts_err_set(PTS_ERR_NOMEM, "tuple of %lld elements is too large", (long long)len);
        return NULL;
    }
    pts_tuple *t = pts_malloc(sizeof *t + (size_t)len * sizeof(pts_value));
    if (!t) {
        pts_err_nomem("a tuple", (size_t)len * sizeof(pts_value));
        return NULL;
    }
    pts_obj_init(&t->hdr, PTS_T_TUPLE, tuple_destroy);
    t->len = len;
    t->type = NULL;
    for (int64_t i = 0; i < len; i++)
        t->items[i] = pts_none();
    return t;
}

/* ---- list --------------------------------------------------------------- */

static void list_destroy(pts_obj *o)
{
    pts_list *l = (pts_list *)o;
    for (int64_t i = 0; i < l->len; i++)
        pts_value_release(l->items[i]);
    pts_free(l->items);
    pts_type_release(l->elem);
    pts_free(l);
}

pts_list *pts_list_new(pts_type *elem, int64_t cap)
{
    pts_list *l = pts_malloc(sizeof *l);
    if (!l) {
        pts_err_nomem("a list", sizeof *l);
        return NULL;
    }
    pts_obj_init(&l->hdr, PTS_T_LIST, list_destroy);
    l->elem = pts_type_retain(elem);
    l->len = 0;
    l->cap = 0;
    l->items = NULL;
    if (cap > 0) {
        l->items = pts_calloc((size_t)cap, sizeof(pts_value));
        if (!l->items) {
            pts_obj_release(&l->hdr);
            pts_err_nomem("a list", (size_t)cap * sizeof(pts_value));
            return NULL;
        }
        l->cap = cap;
    }
    return l;
}

pts_status pts_list_append(pts_list *l, pts_value v)
{
    if (l->len == l->cap) {
        int64_t cap = l->cap ? l->cap * 2 : 4;
        size_t bytes;
        if (pts_mul_overflow_size((size_t)cap, sizeof(pts_value), &bytes)) {
            pts_value_release(v);
            return pts_err_nomem("a list", SIZE_MAX);
        }
        pts_value *ni = pts_realloc(l->items, bytes);
        if (!ni) {
            pts_value_release(v);
            return pts_err_nomem("a list", bytes);
        }
        l->items = ni;
        l->cap = cap;
    }
    l->items[l->len++] = v;
    return PTS_OK;
}

/* ---- hashing / equality of keys -------------------------------------------- */

bool pts_value_key_equal(pts_value a, pts_value b)
{
    if (a.tag != b.tag) {
        /* int/float/bool compare numerically as in Python */
        bool an = a.tag == PTS_T_INT || a.tag == PTS_T_FLOAT || a.tag == PTS_T_BOOL;
        bool bn = b.tag == PTS_T_INT || b.tag == PTS_T_FLOAT || b.tag == PTS_T_BOOL;
        if (an && bn) {
            double x = a.tag == PTS_T_INT ? (double)a.u.i : a.tag == PTS_T_BOOL ? a.u.b : a.u.f;
            double y = b.tag == PTS_T_INT ? (double)b.u.i : b.tag == PTS_T_BOOL ? b.u.b : b.u.f;
            return x == y;
        }
        return false;
    }
    switch ((pts_tag)a.tag) {
    case PTS_T_NONE:
    case PTS_T_UNINIT: return true;
    case PTS_T_BOOL: return a.u.b == b.u.b;
    case PTS_T_INT: return a.u.i == b.u.i;
    case PTS_T_FLOAT: return a.u.f == b.u.f;
    case PTS_T_COMPLEX: return a.u.c[0] == b.u.c[0] && a.u.c[1] == b.u.c[1];
    case PTS_T_DEVICE: return a.u.dev.type == b.u.dev.type && a.u.dev.index == b.u.dev.index;
    case PTS_T_STR: {
        pts_str *x = PTS_STR(a), *y = PTS_STR(b);
        return x->len == y->len && memcmp(x->data, y->data, (size_t)x->len) == 0;
    }
    default: return a.u.o == b.u.o;
    }
}

uint64_t pts_value_hash(pts_value v)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: return 0x9e3779b97f4a7c15ULL;
    case PTS_T_BOOL: return fnv1a(&(int64_t){v.u.b ? 1 : 0}, 8);
    case PTS_T_INT: return fnv1a(&v.u.i, 8);
    case PTS_T_FLOAT: {
        double f = v.u.f;
        if (fabs(f) < 9.2e18 && f == (double)(int64_t)f) /* equal ints hash equal (range first: the cast is UB outside it) */
            return fnv1a(&(int64_t){(int64_t)f}, 8);
        return fnv1a(&f, 8);
    }
    case PTS_T_STR: return pts_str_hash(PTS_STR(v));
    case PTS_T_DEVICE: return fnv1a(&v.u.dev, sizeof v.u.dev);
    case PTS_T_COMPLEX: {
        double c[2] = {v.u.c[0] + 0.0, v.u.c[1] + 0.0}; /* -0.0 + 0.0 == +0.0: 0j and -0j are one key */
        return fnv1a(c, sizeof c);
    }
    default: {
        uintptr_t p = (uintptr_t)v.u.o;
        return fnv1a(&p, sizeof p);
    }
    }
}

/* ---- dict --------------------------------------------------------------- */

static void dict_destroy(pts_obj *o)
{
    pts_dict *d = (pts_dict *)o;
    for (int64_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].live) {
            pts_value_release(d->entries[i].key);
            pts_value_release(d->entries[i].val);
        }
    }
    pts_free(d->entries);
    pts_free(d->index);
    pts_type_release(d->key_type);
    pts_type_release(d->val_type);
    pts_free(d);
}

pts_dict *pts_dict_new(pts_type *key_type, pts_type *val_type)
{
    pts_dict *d = pts_calloc(1, sizeof *d);
    if (!d) {
        pts_err_nomem("a dict", sizeof *d);
        return NULL;
    }
    pts_obj_init(&d->hdr, PTS_T_DICT, dict_destroy);
    d->key_type = pts_type_retain(key_type);
    d->val_type = pts_type_retain(val_type);
    return d;
}

/* Index slot for key: returns slot position; *found set if it holds the key. */
static int64_t dict_probe(pts_dict *d, pts_value key, uint64_t h, bool *found)
{
    int64_t mask = d->index_cap - 1;
    int64_t pos = (int64_t)(h & (uint64_t)mask);
    int64_t first_tomb = -1;
    *found = false;
    for (;;) {
        int64_t e = d->index[pos];
        if (e == 0)
            return first_tomb >= 0 ? first_tomb : pos;
        if (e < 0) {
            if (first_tomb < 0)
                first_tomb = pos;
        } else {
            pts_dict_entry *en = &d->entries[e - 1];
            if (en->hash == h && pts_value_key_equal(en->key, key)) {
                *found = true;
                return pos;
            }
        }
        pos = (pos + 1) & mask;
    }
}

static pts_status dict_rebuild(pts_dict *d, int64_t want_entries)
{
    /* compact entries, grow arrays, rebuild index */
    int64_t cap = 8;
    while (cap < want_entries)
        cap *= 2;
    pts_dict_entry *ne = pts_calloc((size_t)cap, sizeof *ne);
    int64_t icap = cap * 2;
    int64_t *ni = pts_calloc((size_t)icap, sizeof *ni);
    if (!ne || !ni) {
        pts_free(ne);
        pts_free(ni);
        return pts_err_nomem("a dict", (size_t)cap * sizeof *ne);
    }
    int64_t n = 0;
    for (int64_t i = 0; i < d->nentries; i++)
        if (d->entries[i].live)
            ne[n++] = d->entries[i];
    pts_free(d->entries);
    pts_free(d->index);
    d->entries = ne;
    d->cap = cap;
    d->nentries = n;
    d->index = ni;
    d->index_cap = icap;
    for (int64_t i = 0; i < n; i++) {
        bool found;
        int64_t pos = dict_probe(d, ne[i].key, ne[i].hash, &found);
        ni[pos] = i + 1;
    }
    return PTS_OK;
}

pts_status pts_dict_set(pts_dict *d, pts_value key, pts_value val)
{
    uint64_t h = pts_value_hash(key);
    if (d->index_cap) {
        bool found;
        int64_t pos = dict_probe(d, key, h, &found);
        if (found) {
            pts_dict_entry *en = &d->entries[d->index[pos] - 1];
            pts_value_release(en->val);
            en->val = val;
            pts_value_release(key);
            return PTS_OK;
        }
    }
    if (d->nentries == d->cap) {
        pts_status st = dict_rebuild(d, d->len * 2 + 1);
        if (st) {
            pts_value_release(key);
            pts_value_release(val);
            return st;
        }
    }
    bool found;
    int64_t pos = dict_probe(d, key, h, &found);
    pts_dict_entry *en = &d->entries[d->nentries];
    en->key = key;
    en->val = val;
    en->hash = h;
    en->live = true;
    d->index[pos] = ++d->nentries;
    d->len++;
    return PTS_OK;
}

pts_value *pts_dict_get(pts_dict *d, pts_value key)
{
    if (!d->index_cap)
        return NULL;
    bool found;
    int64_t pos = dict_probe(d, key, pts_value_hash(key), &found);
    return found ? &d->entries[d->index[pos] - 1].val : NULL;
}

pts_value *pts_dict_get_str(pts_dict *d, const char *key)
{
    /* a temporary str on the stack would need a heap object; compare directly */
    if (!d->index_cap)
        return NULL;
    size_t n = strlen(key);
    uint64_t h = fnv1a(key, n);
    int64_t mask = d->index_cap - 1;
    int64_t pos = (int64_t)(h & (uint64_t)mask);
    for (;;) {
        int64_t e = d->index[pos];
        if (e == 0)
            return NULL;
        if (e > 0) {
            pts_dict_entry *en = &d->entries[e - 1];
            if (en->hash == h && en->key.tag == PTS_T_STR && PTS_STR(en->key)->len == (int64_t)n &&
                memcmp(PTS_STR(en->key)->data, key, n) == 0)
                return &en->val;
        }
        pos = (pos + 1) & mask;
    }
}

int pts_dict_remove(pts_dict *d, pts_value key, pts_value *out)
{
    if (!d->index_cap)
        return 0;
    bool found;
    int64_t pos = dict_probe(d, key, pts_value_hash(key), &found);
    if (!found)
        return 0;
    pts_dict_entry *en = &d->entries[d->index[pos] - 1];
    d->index[pos] = -1;
    en->live = false;
    pts_value_release(en->key);
    if (out)
        *out = en->val;
    else
        pts_value_release(en->val);
    en->key = en->val = pts_none();
    d->len--;
    return 1;
}

/* ---- object ------------------------------------------------------------- */

static void object_destroy(pts_obj *o)
{
    pts_object *ob = (pts_object *)o;
    for (int64_t i = 0; i < ob->nslots; i++)
        pts_value_release(ob->slots[i]);
    pts_cu *cu = ob->cls ? ob->cls->cu : NULL;
    pts_free(ob);
    pts_cu_release(cu);
}

pts_object *pts_object_new(pts_class *cls)
{
    int64_t n = cls->nattrs;
    pts_object *ob = pts_malloc(sizeof *ob + (size_t)n * sizeof(pts_value));
    if (!ob) {
        pts_err_nomem("an object", (size_t)n * sizeof(pts_value));
        return NULL;
    }
    pts_obj_init(&ob->hdr, PTS_T_OBJECT, object_destroy);
    ob->cls = cls;
    ob->nslots = n;
    for (int64_t i = 0; i < n; i++)
        ob->slots[i] = pts_uninit();
    pts_cu_retain(cls->cu);
    return ob;
}

void pts_object_get_slot(pts_object *o, int64_t i, pts_value *out)
{
    pts_obj_lock(&o->hdr);
    *out = pts_value_retain(o->slots[i]);
    pts_obj_unlock(&o->hdr);
}

void pts_object_swap_slot(pts_object *o, int64_t i, pts_value v)
{
    if (pts_obj_is_shared(&o->hdr))
        pts_value_share(v);
    pts_obj_lock(&o->hdr);
    pts_value old = o->slots[i];
    o->slots[i] = v;
    pts_obj_unlock(&o->hdr);
    pts_value_release(old);
}

/* ---- opaque ------------------------------------------------------------- */

static void opaque_destroy(pts_obj *o)
{
    pts_opaque *op = (pts_opaque *)o;
    if (op->free_ptr)
        op->free_ptr(op->ptr);
    pts_free(op);
}

pts_opaque *pts_opaque_new(int kind, void *ptr, void (*free_ptr)(void *))
{
    pts_opaque *op = pts_malloc(sizeof *op);
    if (!op) {
        if (free_ptr)
            free_ptr(ptr);
        pts_err_nomem("an opaque value", sizeof *op);
        return NULL;
    }
    pts_obj_init(&op->hdr, PTS_T_OPAQUE, opaque_destroy);
    op->kind = kind;
    op->ptr = ptr;
    op->free_ptr = free_ptr;
    return op;
}
