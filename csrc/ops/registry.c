/* registry.c - the operator registry: every op family table of families.h,
 * parsed once at start-up, grouped per symbol in torch's registration order.
 *
 * pts_ops_init walks the family tables, parses each PTS_OP schema (a bad or
 * duplicate schema fails the whole init with a message naming it), ranks the
 * overloads of each symbol by the order of schema_order.inc (generated from
 * the installed torch by tools/gen_schema_order.py) and builds two hash
 * tables: "ns::name.overload" -> op, "ns::name" -> overload list.
 *
 * pts_ops_call binds positional, keyword and default arguments to an op's
 * formals, checks (and where torch would, converts) each actual, and runs
 * the kernel.  Kernel contract: on failure the registry releases whatever the
 * kernel left in rets (rets start as None), so a kernel sets rets only when
 * it succeeds, or releases and resets them itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/grow.h"
#include "core/hash.h"
#include "ops/registry.h"
#include "tensor/tensor.h"
#include "value/class.h"

/* ---- family tables ------------------------------------------------------------ */

#define PTS_FAMILY(name) extern const pts_op_def pts_ops_##name[];
#include "ops/families.h"
#undef PTS_FAMILY

static const pts_op_def *const family_tables[] = {
#define PTS_FAMILY(name) pts_ops_##name,
#include "ops/families.h"
#undef PTS_FAMILY
};

static const char *const family_names[] = {
#define PTS_FAMILY(name) #name,
#include "ops/families.h"
#undef PTS_FAMILY
};

#define NFAMILIES ((int)(sizeof family_tables / sizeof family_tables[0]))

static const char *const torch_order[] = {
#include "ops/schema_order.inc"
};

/* ---- a string -> int hash table (open addressing, keys borrowed) ---------------- */

typedef struct htab {
    const char **keys;
    int *vals;
    size_t cap; /* power of two */
} htab;

static pts_status htab_init(htab *h, size_t n)
{
    h->cap = 16;
    while (h->cap < n * 2)
        h->cap *= 2;
    h->keys = pts_calloc(h->cap, sizeof *h->keys);
    h->vals = pts_calloc(h->cap, sizeof *h->vals);
    if (!h->keys || !h->vals)
        return pts_err_nomem("the operator hash table", h->cap * sizeof *h->keys);
    return PTS_OK;
}

static void htab_free(htab *h)
{
    pts_free(h->keys);
    pts_free(h->vals);
    memset(h, 0, sizeof *h);
}

/* Slot of key: either holding it or the empty slot where it would go. */
static size_t htab_slot(const htab *h, const char *key)
{
    size_t i = (size_t)pts_hash_str(key) & (h->cap - 1);
    while (h->keys[i] && strcmp(h->keys[i], key) != 0)
        i = (i + 1) & (h->cap - 1);
    return i;
}

static int htab_get(const htab *h, const char *key)
{
    if (!h->cap)
        return -1;
    size_t i = htab_slot(h, key);
    return h->keys[i] ? h->vals[i] : -1;
}

/* Insert (table sized in advance so it never fills). Returns the old value or -1. */
static int htab_put(htab *h, const char *key, int val)
{
    size_t i = htab_slot(h, key);
    if (h->keys[i])
        return h->vals[i];
    h->keys[i] = key;
    h->vals[i] = val;
    return -1;
}

/* ---- the registry ---------------------------------------------------------------- */

typedef struct sym_group {
    char *name;
    const pts_op **ops;
    int n, cap;
} sym_group;

typedef struct registry {
    pts_op *ops;
    char **keys; /* "name.overload" per op */
    int nops;
    sym_group *syms;
    int nsyms;
    htab by_key, by_sym;
} registry;

static registry reg;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static pts_status reg_status;
static char reg_msg[1024];

static char *op_key(const pts_schema *s)
{
    size_t n = strlen(s->name) + strlen(s->overload) + 2;
    char *k = pts_malloc(n);
    if (k)
        snprintf(k, n, s->overload[0] ? "%s.%s" : "%s", s->name, s->overload);
    return k;
}

static int count_defs(void)
{
    int n = 0;
    for (int f = 0; f < NFAMILIES; f++)
        for (const pts_op_def *d = family_tables[f]; d->schema; d++)
            n++;
    return n;
}

/* Parse every def of the given tables into reg.ops; detect duplicates. */
static pts_status load_defs(registry *r, const pts_op_def *const *tables, const char *const *names, int ntables, int total)
{
    r->ops = pts_calloc((size_t)(total ? total : 1), sizeof *r->ops);
    r->keys = pts_calloc((size_t)(total ? total : 1), sizeof *r->keys);
    if (!r->ops || !r->keys)
        return pts_err_nomem("the operator table", (size_t)total * sizeof *r->ops);
    PTS_TRY(htab_init(&r->by_key, (size_t)total));
    for (int f = 0; f < ntables; f++) {
        for (const pts_op_def *d = tables[f]; d->schema; d++) {
            pts_op *op = &r->ops[r->nops];
            pts_status st = pts_schema_parse(d->schema, &op->schema);
            if (st)
                return pts_err_context(st, "op family '%s'", names[f]);
            op->fn = d->fn;
            op->id = r->nops;
            r->keys[r->nops] = op_key(&op->schema);
            if (!r->keys[r->nops])
                return pts_err_nomem("an operator name", 64);
            r->nops++;
            if (!d->fn)
                return pts_err_set(PTS_ERR_INTERNAL, "op family '%s': schema \"%s\" has no kernel", names[f], d->schema);
            int old = htab_put(&r->by_key, r->keys[op->id], op->id);
            if (old >= 0)
                return pts_err_set(PTS_ERR_INTERNAL, "op family '%s': duplicate operator %s: \"%s\" and \"%s\"", names[f],
                                   r->keys[op->id], r->ops[old].schema.text, d->schema);
        }
    }
    return PTS_OK;
}

/* rank: index of the op among its symbol's overloads in torch's order;
 * ops torch does not know come after, in registration order. */
static pts_status assign_ranks(registry *r)
{
    int norder = (int)(sizeof torch_order / sizeof torch_order[0]);
    htab order;
    PTS_TRY(htab_init(&order, (size_t)norder));
    for (int i = 0; i < norder; i++)
        htab_put(&order, torch_order[i], i);
    for (int i = 0; i < r->nops; i++) {
        int g = htab_get(&order, r->keys[i]);
        r->ops[i].rank = g >= 0 ? g : norder + i;
    }
    htab_free(&order);
    return PTS_OK;
}

static int cmp_rank(const void *a, const void *b)
{
    const pts_op *x = *(const pts_op *const *)a, *y = *(const pts_op *const *)b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static pts_status group_push(sym_group *g, const pts_op *op)
{
    PTS_TRY(pts_grow_int((void **)&g->ops, &g->cap, g->n + 1, sizeof *g->ops, 4, "an overload list"));
    g->ops[g->n++] = op;
    return PTS_OK;
}

/* Group ops per symbol; sort each group by rank; renumber ranks 0..n-1. */
static pts_status build_groups(registry *r)
{
    r->syms = pts_calloc((size_t)(r->nops ? r->nops : 1), sizeof *r->syms);
    if (!r->syms)
        return pts_err_nomem("the symbol table", (size_t)r->nops * sizeof *r->syms);
    PTS_TRY(htab_init(&r->by_sym, (size_t)r->nops));
    for (int i = 0; i < r->nops; i++) {
        const char *name = r->ops[i].schema.name;
        int s = htab_get(&r->by_sym, name);
        if (s < 0) {
            s = r->nsyms++;
            r->syms[s].name = r->ops[i].schema.name;
            htab_put(&r->by_sym, r->syms[s].name, s);
        }
        PTS_TRY(group_push(&r->syms[s], &r->ops[i]));
    }
    for (int s = 0; s < r->nsyms; s++) {
        sym_group *g = &r->syms[s];
        qsort(g->ops, (size_t)g->n, sizeof *g->ops, cmp_rank);
        for (int k = 0; k < g->n; k++)
            ((pts_op *)g->ops[k])->rank = k;
    }
    return PTS_OK;
}

static void registry_free(registry *r)
{
    for (int i = 0; i < r->nops; i++) {
        pts_schema_free(&r->ops[i].schema);
        pts_free(r->keys[i]);
    }
    for (int s = 0; s < r->nsyms; s++)
        pts_free(r->syms[s].ops);
    pts_free(r->ops);
    pts_free(r->keys);
    pts_free(r->syms);
    htab_free(&r->by_key);
    htab_free(&r->by_sym);
    memset(r, 0, sizeof *r);
}

static pts_status registry_build(registry *r, const pts_op_def *const *tables, const char *const *names, int ntables)
{
    int total = 0;
    for (int f = 0; f < ntables; f++)
        for (const pts_op_def *d = tables[f]; d->schema; d++)
            total++;
    pts_status st = load_defs(r, tables, names, ntables, total);
    if (!st)
        st = assign_ranks(r);
    if (!st)
        st = build_groups(r);
    if (st)
        registry_free(r);
    return st;
}

static void init_once(void)
{
    (void)count_defs;
    reg_status = registry_build(&reg, family_tables, family_names, NFAMILIES);
    if (reg_status)
        snprintf(reg_msg, sizeof reg_msg, "%s", pts_err_message());
}

pts_status pts_ops_init(void)
{
    pthread_once(&reg_once, init_once);
    if (reg_status)
        return pts_err_set(reg_status, "%s", reg_msg);
    return PTS_OK;
}

/* Validate a table the way pts_ops_init does, without installing it (tests).
 * Not in registry.h: declared by the tests that use it. */
pts_status pts_ops_validate_table(const pts_op_def *defs);
pts_status pts_ops_validate_table(const pts_op_def *defs)
{
    registry r;
    memset(&r, 0, sizeof r);
    const char *name = "test";
    pts_status st = registry_build(&r, &defs, &name, 1);
    if (!st)
        registry_free(&r);
    return st;
}

const pts_op *const *pts_ops_overloads(const char *name, int *n)
{
    *n = 0;
    if (pts_ops_init())
        return NULL;
    int s = htab_get(&reg.by_sym, name);
    if (s < 0)
        return NULL;
    *n = reg.syms[s].n;
    return reg.syms[s].ops;
}

const pts_op *pts_ops_find(const char *name_dot_overload)
{
    if (pts_ops_init())
        return NULL;
    int i = htab_get(&reg.by_key, name_dot_overload);
    return i < 0 ? NULL : &reg.ops[i];
}

int pts_ops_count(void)
{
    if (pts_ops_init())
        return 0;
    return reg.nops;
}

const pts_op *pts_ops_at(int i)
{
    if (pts_ops_init() || i < 0 || i >= reg.nops)
        return NULL;
    return &reg.ops[i];
}

/* ---- calling an op by name (tests, Python _C.call_op) ----------------------------- */

static pts_status coerce(pts_value v, const pts_type *t, int fixed_len, pts_value *out);

/* A list for formal List[et] from a list/tuple whose items each coerce. */
static pts_status coerce_list(pts_value v, const pts_type *t, pts_value *out)
{
    int64_t n = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
    const pts_value *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
    pts_list *l = pts_list_new(t->args[0], n);
    if (!l)
        return PTS_ERR_NOMEM;
    pts_value lv = pts_obj_value(&l->hdr);
    for (int64_t i = 0; i < n; i++) {
        pts_value e;
        pts_status st = coerce(items[i], t->args[0], 0, &e);
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

/* Accept v for formal t, converting where torch's pass 2 (or its Python
 * binding) would: bool -> int, int/bool -> float, list items one by one,
 * "cpu" -> Device.  *out: new reference.  PTS_ERR_TYPE (no message) if not. */
static pts_status coerce(pts_value v, const pts_type *t, int fixed_len, pts_value *out)
{
    if (pts_value_matches_type(v, t, fixed_len)) {
        *out = pts_value_retain(v);
        return PTS_OK;
    }
    switch (t->kind) {
    case PTS_TY_OPTIONAL: return coerce(v, t->args[0], fixed_len, out);
    case PTS_TY_INT:
        if (v.tag != PTS_T_BOOL)
            break;
        *out = pts_int(v.u.b);
        return PTS_OK;
    case PTS_TY_FLOAT:
        if (v.tag != PTS_T_BOOL && v.tag != PTS_T_INT)
            break;
        *out = pts_float(v.tag == PTS_T_BOOL ? (double)v.u.b : (double)v.u.i);
        return PTS_OK;
    case PTS_TY_NUMBER:
        if (v.tag != PTS_T_BOOL)
            break;
        *out = v; /* kernels see a bool Scalar, as torch's Python API gives them */
        return PTS_OK;
    case PTS_TY_DEVICE:
        if (v.tag != PTS_T_STR || strncmp(PTS_STR(v)->data, "cpu", 3) != 0)
            break;
        *out = pts_device_value(0, -1);
        return PTS_OK;
    case PTS_TY_LIST:
        if (v.tag == PTS_T_LIST || v.tag == PTS_T_TUPLE)
            return coerce_list(v, t, out);
        if (fixed_len > 0 && (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL || v.tag == PTS_T_FLOAT)) {
            pts_value e;
            PTS_TRY(coerce(v, t->args[0], 0, &e));
            *out = e; /* a single number for int[N]: kernels broadcast it */
            return PTS_OK;
        }
        break;
    default: break;
    }
    return PTS_ERR_TYPE;
}

static pts_status arg_error(const pts_op *op, const pts_schema_arg *a, pts_value v)
{
    char want[128], got[128];
    pts_type_str(a->type, want, sizeof want);
    pts_value_describe(v, got, sizeof got);
    return pts_err_set(PTS_ERR_TYPE, "%s%s%s: argument '%s' expected %s but got %s; schema: %s", op->schema.name,
                       op->schema.overload[0] ? "." : "", op->schema.overload, a->name, want, got, op->schema.text);
}

static const char *op_label(const pts_op *op, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", op->schema.name, op->schema.overload[0] ? "." : "", op->schema.overload);
    return buf;
}

/* Find the actual for formal i: positional, keyword, or default.  *v borrowed;
 * *found = false when there is none. */
static pts_status pick_actual(const pts_op *op, int i, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                              pts_value *kwvals, bool *kw_used, pts_value *v)
{
    const pts_schema_arg *a = &op->schema.args[i];
    char lb[160];
    if (i < npos && !a->kwarg_only) {
        *v = pos[i];
        return PTS_OK;
    }
    for (int k = 0; k < nkw; k++) {
        if (strcmp(kwnames[k], a->name) == 0 || (strcmp(kwnames[k], "input") == 0 && strcmp(a->name, "self") == 0)) {
            if (kw_used[k])
                continue;
            if (i < npos)
                return pts_err_set(PTS_ERR_TYPE, "%s: argument '%s' given by position and by keyword; schema: %s",
                                   op_label(op, lb, sizeof lb), a->name, op->schema.text);
            kw_used[k] = true;
            *v = kwvals[k];
            return PTS_OK;
        }
    }
    if (a->has_default) {
        *v = a->default_value;
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_TYPE, "%s: missing argument '%s'; schema: %s", op_label(op, lb, sizeof lb), a->name,
                       op->schema.text);
}

static int count_positional(const pts_schema *s)
{
    int n = 0;
    for (int i = 0; i < s->nargs; i++)
        n += !s->args[i].kwarg_only;
    return n;
}

static void release_values(pts_value *vs, int n)
{
    for (int i = 0; i < n; i++)
        pts_value_clear(&vs[i]);
}

static pts_status bind_args(const pts_op *op, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                            pts_value *kwvals, pts_value *args)
{
    const pts_schema *s = &op->schema;
    char lb[160];
    if (npos > count_positional(s))
        return pts_err_set(PTS_ERR_TYPE, "%s: expected at most %d positional arguments but got %d; schema: %s",
                           op_label(op, lb, sizeof lb), count_positional(s), npos, s->text);
    bool kw_used[64] = {false};
    if (nkw > 64)
        return pts_err_set(PTS_ERR_TYPE, "%s: too many keyword arguments (%d)", op_label(op, lb, sizeof lb), nkw);
    for (int i = 0; i < s->nargs; i++) {
        pts_value v;
        pts_status st = pick_actual(op, i, npos, pos, nkw, kwnames, kwvals, kw_used, &v);
        if (!st && coerce(v, s->args[i].type, s->args[i].fixed_len, &args[i]) != PTS_OK)
            st = arg_error(op, &s->args[i], v);
        if (st) {
            release_values(args, i);
            return st;
        }
    }
    for (int k = 0; k < nkw; k++)
        if (!kw_used[k]) {
            release_values(args, s->nargs);
            return pts_err_set(PTS_ERR_TYPE, "%s: unexpected keyword argument '%s'; schema: %s",
                               op_label(op, lb, sizeof lb), kwnames[k], s->text);
        }
    return PTS_OK;
}

pts_status pts_ops_call(const pts_op *op, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                        pts_value *kwvals, pts_value *rets)
{
    const pts_schema *s = &op->schema;
    char lb[160];
    if (s->is_vararg || s->ret_vararg)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: vararg operators cannot be called by name",
                           op_label(op, lb, sizeof lb));
    pts_value argbuf[16], *args = argbuf;
    if (s->nargs > 16) {
        args = pts_calloc((size_t)s->nargs, sizeof *args);
        if (!args)
            return pts_err_nomem("operator arguments", (size_t)s->nargs * sizeof *args);
    }
    pts_status st = bind_args(op, npos, pos, nkw, kwnames, kwvals, args);
    if (!st) {
        for (int i = 0; i < s->nrets; i++)
            rets[i] = pts_none();
        st = op->fn(op, args, rets);
        if (st)
            release_values(rets, s->nrets);
        release_values(args, s->nargs);
    }
    if (args != argbuf)
        pts_free(args);
    return st;
}

bool pts_ops_torch_knows(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof torch_order / sizeof torch_order[0]; i++) {
        const char *k = torch_order[i];
        if (strncmp(k, name, n) == 0 && (k[n] == '\0' || k[n] == '.'))
            return true;
    }
    return false;
}

bool pts_ops_torch_refuses(const char *name)
{
    const char *sep = strstr(name, "::");
    if (!sep || pts_ops_torch_knows(name))
        return false;
    size_t ns = (size_t)(sep - name) + 2; /* "aten::" */
    for (size_t i = 0; i < sizeof torch_order / sizeof torch_order[0]; i++)
        if (strncmp(torch_order[i], name, ns) == 0)
            return true;
    return false;
}
