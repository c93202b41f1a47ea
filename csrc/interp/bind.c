/* bind.c - operator call sites: choose the overload for the actual
 * arguments (torch's two passes: exact match, then with conversions),
 * cache the choice per argument signature (site_cache.h), convert and fill
 * the arguments, apply an upgrader for old files (upgrade.c), run the kernel.
 *
 * Pipeline position: the VM loop (vm.c) calls pts_interp_call_op for every
 * CALL_OP; the overload lists come from the compiler (compile.c) and the
 * registry (ops/registry.h); "does this value fit this type" is value/type.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "interp/interp.h"
#include "interp/profile.h"
#include "tensor/tensor.h"

/* ---- matching ---------------------------------------------------------------------------- */

#define MAX_OP_ARGS 64

static pts_status apply_conv(pts_value v, const pts_type *t, int conv, pts_value *out)
{
    while (t->kind == PTS_TY_OPTIONAL)
        t = t->args[0];
    switch (conv) {
    case PTS_CONV_TO_INT: *out = pts_int(v.tag == PTS_T_BOOL ? v.u.b : v.u.i); return PTS_OK;
    case PTS_CONV_TO_FLOAT: *out = pts_float(v.tag == PTS_T_BOOL ? (double)v.u.b : v.tag == PTS_T_INT ? (double)v.u.i : v.u.f); return PTS_OK;
    case PTS_CONV_TO_DEVICE: {
        const pts_op *op = pts_ops_find("aten::device");
        *out = pts_none();
        if (!op)
            return pts_err_set(PTS_ERR_UNSUPPORTED, "aten::device is missing");
        return op->fn(op, &v, out);
    }
    case PTS_CONV_TO_LIST: {
        int64_t n = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->len : PTS_LIST(v)->len;
        pts_value *it = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->items : PTS_LIST(v)->items;
        pts_list *l = pts_list_new(t->args[0], n);
        if (!l)
            return PTS_ERR_NOMEM;
        pts_value lv = pts_obj_value(&l->hdr);
        for (int64_t i = 0; i < n; i++) {
            pts_value e;
            int c2 = pts_value_conversion(it[i], t->args[0], 0);
            pts_status st = c2 == PTS_CONV_NONE ? (e = pts_value_retain(it[i]), PTS_OK) : apply_conv(it[i], t->args[0], c2, &e);
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
    default: *out = pts_value_retain(v); return PTS_OK;
    }
}

/* Try op against the actuals; fill argmap/conv (per formal).  pass 2 allows conversions. */
static bool try_match(const op_site *s, const pts_op *op, const pts_value *acts, int16_t *argmap, uint8_t *conv,
                      bool pass2)
{
    const pts_schema *sc = &op->schema;
    int npos = s->npos, nkw = s->nkw;
    if (sc->nargs > MAX_OP_ARGS)
        return false;
    int npositional = 0;
    for (int i = 0; i < sc->nargs; i++)
        npositional += !sc->args[i].kwarg_only;
    if (npos > npositional && !sc->is_vararg)
        return false;
    bool used[MAX_OP_ARGS] = {false};
    int pi = 0;
    for (int i = 0; i < sc->nargs; i++) {
        const pts_schema_arg *a = &sc->args[i];
        int src = -1;
        if (!a->kwarg_only && pi < npos) {
            src = pi++;
        } else {
            for (int k = 0; k < nkw; k++)
                if (!used[k] && (strcmp(s->kwnames[k], a->name) == 0 ||
                                 (strcmp(s->kwnames[k], "input") == 0 && strcmp(a->name, "self") == 0))) {
                    src = npos + k;
                    used[k] = true;
                    break;
                }
        }
        if (src < 0) {
            if (s->upgrade == PTS_UPG_STEPS && strcmp(a->name, "steps") == 0) {
                argmap[i] = -3; /* upgrader: steps=None meant 100 */
                conv[i] = PTS_CONV_NONE;
                continue;
            }
            if (!a->has_default)
                return false;
            argmap[i] = -1;
            conv[i] = PTS_CONV_NONE;
            continue;
        }
        int cv = pass2 ? pts_value_conversion(acts[src], a->type, a->fixed_len)
                       : (pts_value_matches_type(acts[src], a->type, a->fixed_len) ? PTS_CONV_NONE : 0);
        if (!cv)
            return false;
        argmap[i] = (int16_t)src;
        conv[i] = (uint8_t)cv;
    }
    for (int k = 0; k < nkw; k++)
        if (!used[k])
            return false;
    if (sc->is_vararg)
        return true;
    return pi == npos;
}

/* Can the signature of the actuals key a cache entry?  Fills key/types. */
static bool make_key(const pts_value *acts, int n, uint32_t *key, const void **types)
{
    for (int i = 0; i < n; i++) {
        pts_value v = acts[i];
        key[i] = v.tag;
        types[2 * i] = types[2 * i + 1] = NULL;
        switch ((pts_tag)v.tag) {
        case PTS_T_LIST:
            if (!PTS_LIST(v)->elem)
                return false;
            types[2 * i] = PTS_LIST(v)->elem;
            break;
        case PTS_T_DICT:
            if (!PTS_DICT(v)->key_type || !PTS_DICT(v)->val_type)
                return false;
            types[2 * i] = PTS_DICT(v)->key_type;
            types[2 * i + 1] = PTS_DICT(v)->val_type;
            break;
        case PTS_T_OBJECT: types[2 * i] = PTS_OBJECT(v)->cls; break;
        case PTS_T_ENUM: types[2 * i] = ((pts_enum *)v.u.o)->cls; break;
        case PTS_T_TUPLE:
        case PTS_T_FUTURE:
        case PTS_T_OPAQUE: return false;
        default: break;
        }
    }
    return true;
}

typedef struct sig_key {
    int n;
    const uint32_t *key;
    const void **types;
} sig_key;

static bool key_equal(const pts_site_entry *se, const void *vkey)
{
    const op_entry *e = (const op_entry *)se;
    const sig_key *k = vkey;
    if (e->nkey != k->n)
        return false;
    for (int i = 0; i < k->n; i++)
        if (e->key[i] != k->key[i] || e->key_types[2 * i] != k->types[2 * i] ||
            e->key_types[2 * i + 1] != k->types[2 * i + 1])
            return false;
    return true;
}

static op_entry *entry_new(const pts_op *op, int n, const uint32_t *key, const void **types, const int16_t *argmap,
                           const uint8_t *conv)
{
    int nf = op->schema.nargs;
    size_t sz = sizeof(op_entry) + (size_t)n * sizeof(uint32_t) + (size_t)(2 * n) * sizeof(void *) +
                (size_t)nf * sizeof(int16_t) + (size_t)nf + 16;
    op_entry *e = pts_calloc(1, sz);
    if (!e)
        return NULL;
    char *p = (char *)(e + 1);
    e->key_types = (const void **)p;
    p += (size_t)(2 * n) * sizeof(void *);
    e->key = (uint32_t *)p;
    p += (size_t)n * sizeof(uint32_t);
    e->argmap = (int16_t *)p;
    p += (size_t)nf * sizeof(int16_t);
    e->conv = (uint8_t *)p;
    e->op = op;
    e->nkey = n;
    memcpy(e->key, key, (size_t)n * sizeof *key);
    memcpy(e->key_types, types, (size_t)(2 * n) * sizeof *types);
    memcpy(e->argmap, argmap, (size_t)nf * sizeof *argmap);
    memcpy(e->conv, conv, (size_t)nf);
    return e;
}

static void describe_args(pts_sb *sb, const pts_value *acts, int n)
{
    for (int i = 0; i < n; i++) {
        char d[160];
        pts_value_describe(acts[i], d, sizeof d);
        pts_sb_printf(sb, "%s%s", i ? ", " : "", d);
    }
}

/* Find the overload for these actuals (cached).  *out_tmp: an uncached entry
 * the caller must free (when the signature cannot be a cache key). */
static pts_status resolve(const pts_code *k, op_site *s, const pts_value *acts, op_entry **out, op_entry **out_tmp)
{
    int n = s->npos + s->nkw;
    uint32_t key[MAX_OP_ARGS];
    const void *types[2 * MAX_OP_ARGS];
    *out_tmp = NULL;
    if (n > MAX_OP_ARGS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many arguments", s->opname);
    bool cacheable = make_key(acts, n, key, types);
    if (cacheable) {
        sig_key k = {n, key, types};
        op_entry *e = (op_entry *)pts_site_cache_find(&s->cache, key_equal, &k);
        if (e) {
            *out = e;
            return PTS_OK;
        }
    }
    int16_t argmap[MAX_OP_ARGS];
    uint8_t conv[MAX_OP_ARGS];
    const pts_op *found = NULL;
    for (int pass = 0; pass < 2 && !found; pass++)
        for (int i = 0; i < s->novl && !found; i++)
            if (try_match(s, s->ovl[i], acts, argmap, conv, pass == 1))
                found = s->ovl[i];
    if (!found) {
        pts_sb sb;
        pts_sb_init(&sb);
        describe_args(&sb, acts, s->npos);
        for (int k = 0; k < s->nkw; k++) {
            char d[160];
            pts_value_describe(acts[s->npos + k], d, sizeof d);
            pts_sb_printf(&sb, "%s%s=%s", s->npos + k ? ", " : "", s->kwnames[k], d);
        }
        pts_status st;
        if (s->novl == 0) /* the model loaded; only a call that reaches the op fails (as below) */
            st = pts_err_set(PTS_ERR_UNSUPPORTED, "pyts does not implement %s (called at %s:%d with %s)", s->opname,
                             k->file, s->line, pts_sb_str(&sb));
        else
            st = pts_err_set(PTS_ERR_UNSUPPORTED,
                             "no overload of %s accepts (%s); pyts has %d overload%s, first: %s", s->opname,
                             pts_sb_str(&sb), s->novl, s->novl == 1 ? "" : "s", s->ovl[0]->schema.text);
        pts_sb_free(&sb);
        return st;
    }
    op_entry *e = entry_new(found, n, key, types, argmap, conv);
    if (!e)
        return pts_err_nomem("an overload cache entry", 0);
    if (!cacheable) {
        *out = e;
        *out_tmp = e;
        return PTS_OK;
    }
    pts_site_cache_add(&s->cache, &e->hdr);
    *out = e;
    return PTS_OK;
}

/* The kernel's arguments, one per formal of the bound overload: the actual
 * (borrowed), its converted copy (owned[i] set), or the default.  Counts the
 * positional formals into *npositional.  On failure nothing stays owned. */
static pts_status fill_args(const op_entry *e, pts_value *acts, pts_value *argv, bool *owned, int *npositional)
{
    const pts_schema *sc = &e->op->schema;
    for (int i = 0; i < sc->nargs; i++) {
        int src = e->argmap[i];
        *npositional += !sc->args[i].kwarg_only;
        if (src == -1) {
            argv[i] = sc->args[i].default_value;
        } else if (src == -3) {
            argv[i] = pts_int(100);
        } else if (e->conv[i] != PTS_CONV_NONE) {
            pts_status st = apply_conv(acts[src], sc->args[i].type, e->conv[i], &argv[i]);
            if (st) {
                for (int j = 0; j < i; j++)
                    if (owned[j])
                        pts_value_release(argv[j]);
                return st;
            }
            owned[i] = true;
        } else {
            argv[i] = acts[src];
        }
    }
    return PTS_OK;
}

/* The call's value from the kernel's rets (stolen): None, the one value, or a tuple. */
static pts_status pack_rets(pts_value *rets, int nrets, pts_value *res)
{
    if (nrets == 0) {
        *res = pts_none();
    } else if (nrets == 1) {
        *res = rets[0];
    } else {
        pts_tuple *t = pts_tuple_new(nrets);
        if (!t) {
            for (int i = 0; i < nrets; i++)
                pts_value_release(rets[i]);
            return PTS_ERR_NOMEM;
        }
        for (int i = 0; i < nrets; i++)
            t->items[i] = rets[i];
        *res = pts_obj_value(&t->hdr);
    }
    return PTS_OK;
}

/* ---- the debug trace (run_api.h) ---------------------------------------------------------------- */

_Thread_local pts_trace_fn pts_tl_trace;
_Thread_local void *pts_tl_trace_ud;

void pts_interp_set_trace(pts_trace_fn fn, void *ud)
{
    pts_tl_trace = fn;
    pts_tl_trace_ud = fn ? ud : NULL;
}

static pts_status call_op(pts_code *k, op_site *s, pts_value *acts, pts_value *res);

static int obj_addr_cmp(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t) * (pts_obj *const *)x, b = (uintptr_t) * (pts_obj *const *)y;
    return (a > b) - (a < b);
}

/* See interp.h.  Shared lists and dicts among the actuals (module state, see
 * value.h "sharing") are locked, in address order, while the call binds and
 * its kernel runs; the other container actuals are shared first, since the
 * kernel may store them into a shared one (append, _set_item, setdefault...). */
pts_status pts_interp_call_op(pts_code *k, op_site *s, pts_value *acts, pts_value *res)
{
    int nacts = s->npos + s->nkw;
    pts_obj *locks[MAX_OP_ARGS];
    int nlocks = 0;
    for (int i = 0; i < nacts && i < MAX_OP_ARGS; i++)
        if (pts_value_is_shared_container(acts[i]))
            locks[nlocks++] = acts[i].u.o;
    if (!nlocks)
        return call_op(k, s, acts, res);
    for (int i = 0; i < nacts; i++)
        pts_value_share(acts[i]);
    qsort(locks, (size_t)nlocks, sizeof *locks, obj_addr_cmp);
    int n = 0;
    for (int i = 0; i < nlocks; i++) /* each distinct container once */
        if (!n || locks[n - 1] != locks[i])
            locks[n++] = locks[i];
    for (int i = 0; i < n; i++)
        pts_obj_lock(locks[i]);
    pts_status st = call_op(k, s, acts, res);
    for (int i = n - 1; i >= 0; i--)
        pts_obj_unlock(locks[i]);
    return st;
}

/* bind (cached), convert, upgrade, run the kernel, pack the results. */
static pts_status call_op(pts_code *k, op_site *s, pts_value *acts, pts_value *res)
{
    op_entry *e = NULL, *tmp = NULL;
    pts_status st = resolve(k, s, acts, &e, &tmp);
    if (st && s->fallback) {
        pts_err_clear();
        return call_op(k, &k->ops[s->fallback - 1], acts, res);
    }
    if (st)
        return st;
    const pts_op *op = e->op;
    const pts_schema *sc = &op->schema;
    pts_value argv[MAX_OP_ARGS + 2];
    bool owned[MAX_OP_ARGS + 2] = {false};
    int nargv = sc->nargs;
    int npositional = 0;
    st = fill_args(e, acts, argv, owned, &npositional);
    if (st) {
        pts_free(tmp);
        return st;
    }
    if (sc->is_vararg) { /* extra positionals as one tuple after the fixed formals */
        int nfixed = npositional;
        int nextra = s->npos > nfixed ? s->npos - nfixed : 0;
        pts_tuple *t = pts_tuple_new(nextra);
        if (!t) {
            st = PTS_ERR_NOMEM;
        } else {
            for (int i = 0; i < nextra; i++)
                t->items[i] = pts_value_retain(acts[nfixed + i]);
            argv[nargv] = pts_obj_value(&t->hdr);
            owned[nargv] = true;
        }
    }
    int nrets = sc->nrets;
    pts_value rets[16];
    if (!st && s->upgrade)
        st = pts_interp_upgrade_call(s, &op, argv, &nargv);
    if (!st && op != e->op) {
        owned[2] = true; /* the upgrader's rounding_mode string */
        sc = &op->schema;
        nrets = sc->nrets;
    }
    if (!st && (nrets > 16 || sc->ret_vararg))
        st = pts_err_set(PTS_ERR_UNSUPPORTED, "%s returns a variable number of values", s->opname);
    if (!st) {
        for (int i = 0; i < nrets; i++)
            rets[i] = pts_none();
        bool prof = pts_prof_enabled();
        int64_t t0 = prof ? pts_prof_now_ns() : 0;
        st = op->fn(op, argv, rets);
        if (prof && !st)
            pts_prof_record(sc->name, sc->overload, k->file, s->line, t0, argv, nargv, rets, nrets);
        if (st) {
            for (int i = 0; i < nrets; i++)
                pts_value_release(rets[i]);
        }
    }
    for (int i = 0; i < nargv + 1 && i < MAX_OP_ARGS + 2; i++)
        if (owned[i])
            pts_value_release(argv[i]);
    pts_free(tmp);
    if (st) {
        if (st != PTS_ERR_SCRIPT)
            pts_err_context(st, "in %s%s%s at %s:%d", sc->name, sc->overload[0] ? "." : "", sc->overload, k->file, s->line);
        return st;
    }
    st = pack_rets(rets, nrets, res);
    if (!st && pts_tl_trace) {
        st = pts_tl_trace(pts_tl_trace_ud, sc->name, NULL, k->file, s->line, *res);
        if (st) {
            pts_value_release(*res);
            *res = pts_none();
        }
    }
    return st;
}
