/* retag.c - list/dict type restoration for archives of version <= 2.
 *
 * Old writers did not emit restore_type_tag, so lists and dicts come back
 * untyped.  As libtorch does (restoreAccurateTypeTags), walk the root object
 * with the static types of its class attributes and set the element / key /
 * value types of every list and dict reached.  Iterative (explicit work
 * stack) and each container is visited once (pointer set), so it is linear
 * and safe on shared or even cyclic values.
 */
#include <string.h>

#include "core/alloc.h"
#include "pickle/pk_vm.h"

typedef struct work {
    pts_type *type; /* borrowed; NULL = an object, use its own class */
    pts_value v;    /* borrowed */
} work;

typedef struct retag {
    work *items;
    size_t n, cap;
    const void **seen; /* open addressing set of container pointers */
    size_t seen_n, seen_cap;
} retag;

static pts_status push_work(retag *r, pts_type *t, pts_value v)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 64, bytes;
        if (pts_mul_overflow_size(nc, sizeof(work), &bytes))
            return pts_err_nomem("type restoration", SIZE_MAX);
        work *ni = pts_realloc(r->items, bytes);
        if (!ni)
            return pts_err_nomem("type restoration", bytes);
        r->items = ni;
        r->cap = nc;
    }
    r->items[r->n].type = t;
    r->items[r->n].v = v;
    r->n++;
    return PTS_OK;
}

static size_t slot_of(const void *p, size_t cap)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= (uintptr_t)0x9e3779b97f4a7c15ULL;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Insert p; *fresh = false if it was there already. */
static pts_status seen_add(retag *r, const void *p, bool *fresh)
{
    if (2 * (r->seen_n + 1) > r->seen_cap) {
        size_t nc = r->seen_cap ? r->seen_cap * 2 : 256;
        const void **ns = pts_calloc(nc, sizeof *ns);
        if (!ns)
            return pts_err_nomem("type restoration", nc * sizeof *ns);
        for (size_t i = 0; i < r->seen_cap; i++) {
            if (!r->seen[i])
                continue;
            size_t s = slot_of(r->seen[i], nc);
            while (ns[s])
                s = (s + 1) & (nc - 1);
            ns[s] = r->seen[i];
        }
        pts_free((void *)r->seen);
        r->seen = ns;
        r->seen_cap = nc;
    }
    size_t s = slot_of(p, r->seen_cap);
    while (r->seen[s] && r->seen[s] != p)
        s = (s + 1) & (r->seen_cap - 1);
    *fresh = !r->seen[s];
    if (*fresh) {
        r->seen[s] = p;
        r->seen_n++;
    }
    return PTS_OK;
}

static void set_type(pts_type **slot, pts_type *t)
{
    pts_type *old = *slot;
    *slot = pts_type_retain(t);
    pts_type_release(old);
}

static pts_status visit_list(retag *r, pts_type *t, pts_list *l)
{
    set_type(&l->elem, t->args[0]);
    for (int64_t i = 0; i < l->len; i++)
        PTS_TRY(push_work(r, t->args[0], l->items[i]));
    return PTS_OK;
}

static pts_status visit_dict(retag *r, pts_type *t, pts_dict *d)
{
    set_type(&d->key_type, t->args[0]);
    set_type(&d->val_type, t->args[1]);
    for (int64_t i = 0; i < d->nentries; i++) {
        if (!d->entries[i].live)
            continue;
        PTS_TRY(push_work(r, t->args[0], d->entries[i].key));
        PTS_TRY(push_work(r, t->args[1], d->entries[i].val));
    }
    return PTS_OK;
}

static pts_status visit_object(retag *r, pts_object *ob)
{
    for (int64_t i = 0; i < ob->nslots && i < ob->cls->nattrs; i++)
        if (ob->cls->attrs[i].type)
            PTS_TRY(push_work(r, ob->cls->attrs[i].type, ob->slots[i]));
    return PTS_OK;
}

/* Which container visit does (type, value) call for?  'l', 'd', 't', 'o' or 0. */
static char match(const work *w)
{
    pts_type *t = w->type;
    pts_tag tag = (pts_tag)w->v.tag;
    if (!t)
        return tag == PTS_T_OBJECT ? 'o' : 0;
    if (t->kind == PTS_TY_LIST && t->nargs == 1 && tag == PTS_T_LIST)
        return 'l';
    if (t->kind == PTS_TY_DICT && t->nargs == 2 && tag == PTS_T_DICT)
        return 'd';
    if (t->kind == PTS_TY_TUPLE && tag == PTS_T_TUPLE)
        return 't';
    if (t->kind == PTS_TY_CLASS && tag == PTS_T_OBJECT)
        return 'o';
    return 0;
}

static pts_status step(retag *r, work w)
{
    if (w.type && w.type->kind == PTS_TY_OPTIONAL) {
        if (w.v.tag != PTS_T_NONE && w.type->nargs == 1)
            return push_work(r, w.type->args[0], w.v);
        return PTS_OK;
    }
    char k = match(&w);
    bool fresh = false;
    if (!k)
        return PTS_OK;
    PTS_TRY(seen_add(r, w.v.u.o, &fresh));
    if (!fresh)
        return PTS_OK;
    switch (k) {
    case 'l': return visit_list(r, w.type, PTS_LIST(w.v));
    case 'd': return visit_dict(r, w.type, PTS_DICT(w.v));
    case 'o': return visit_object(r, PTS_OBJECT(w.v));
    default: {
        pts_tuple *tu = PTS_TUPLE(w.v);
        for (int64_t i = 0; i < tu->len && i < w.type->nargs; i++)
            PTS_TRY(push_work(r, w.type->args[i], tu->items[i]));
        return PTS_OK;
    }
    }
}

pts_status pts_pk_retag(pk_vm *vm, pts_value root)
{
    (void)vm;
    if (root.tag != PTS_T_OBJECT)
        return PTS_OK; /* as libtorch: only an object root has static types to go by */
    retag r;
    memset(&r, 0, sizeof r);
    pts_status st = push_work(&r, NULL, root);
    while (!st && r.n > 0) {
        work w = r.items[--r.n];
        st = step(&r, w);
    }
    pts_free(r.items);
    pts_free((void *)r.seen);
    return st;
}
