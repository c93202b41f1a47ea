/* pt2_run.c - running a torch.export program read by pt2.c (see pt2.h and
 * docs/pt2.md): the user's arguments flattened with the input pytree spec and
 * checked against what the export saw, the nodes called in file order over
 * numbered value slots (each released after its last use), the builtins and
 * the higher-order operators (cond, while_loop, map, scan, associative_scan,
 * wrap_with_autocast, ...) running their subgraphs, mutated buffers written
 * back, and the output rebuilt with the output spec.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "load/pt2_program.h"
#include "ops/registry.h"
#include "tensor/convert.h"
#include "tensor/promote.h"
#include "tensor/tensor.h"
#include "value/type.h"

/* ---- pytree ----------------------------------------------------------------------------- */

typedef struct leaves {
    pts_value *v; /* borrowed */
    int n, cap;
} leaves;

static const char *spec_type(const json_t *node)
{
    const char *t = json_string_value(json_object_get(node, "type"));
    return t ? t : "";
}

static bool is_seq_type(const char *t)
{
    return !strcmp(t, "builtins.tuple") || !strcmp(t, "builtins.list") || !strcmp(t, "collections.namedtuple") ||
           !strcmp(t, "torch.fx.immutable_collections.immutable_list");
}

static bool is_dict_type(const char *t)
{
    return !strcmp(t, "builtins.dict") || !strcmp(t, "collections.OrderedDict") ||
           !strcmp(t, "torch.fx.immutable_collections.immutable_dict");
}

/* The keys of a dict node: its context is the JSON text of the key list. */
static json_t *dict_keys(const json_t *node)
{
    const char *ctx = json_string_value(json_object_get(node, "context"));
    json_t *k = ctx ? json_loads(ctx, 0, NULL) : NULL;
    if (k && !json_is_array(k)) {
        json_decref(k);
        k = NULL;
    }
    return k;
}

static pts_status key_value(const json_t *k, pts_value *out)
{
    if (json_is_string(k))
        return pts_value_str(json_string_value(k), json_string_length(k), out);
    if (json_is_integer(k)) {
        *out = pts_int(json_integer_value(k));
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_LOAD, "a pytree dict key is neither a string nor an int");
}

static pts_status flatten(const pts_pt2 *p, const json_t *node, pts_value v, const char *where, leaves *out, int depth)
{
    json_t *ch = json_object_get(node, "children_spec");
    const char *t = spec_type(node);
    if (depth > 100)
        return pts_err_set(PTS_ERR_LOAD, "%s: input spec nested too deeply", p->path);
    if (!*t) {
        if (out->n == out->cap) {
            int nc = out->cap ? 2 * out->cap : 8;
            pts_value *nv = pts_realloc(out->v, (size_t)nc * sizeof *nv);
            if (!nv)
                return pts_err_nomem("inputs", 0);
            out->v = nv;
            out->cap = nc;
        }
        out->v[out->n++] = v;
        return PTS_OK;
    }
    size_t nch = json_array_size(ch);
    char sub[256];
    if (is_seq_type(t)) {
        if (v.tag != PTS_T_TUPLE && v.tag != PTS_T_LIST)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected a tuple or list of %zu items, got %s", where, nch,
                               pts_tag_name((pts_tag)v.tag));
        int64_t len = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->len : PTS_LIST(v)->len;
        const pts_value *items = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->items : PTS_LIST(v)->items;
        if (len != (int64_t)nch)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected %zu items as at export, got %lld", where, nch, (long long)len);
        for (size_t i = 0; i < nch; i++) {
            snprintf(sub, sizeof sub, "%.200s[%zu]", where, i);
            PTS_TRY(flatten(p, json_array_get(ch, i), items[i], sub, out, depth + 1));
        }
        return PTS_OK;
    }
    if (is_dict_type(t)) {
        if (v.tag != PTS_T_DICT)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected a dict, got %s", where, pts_tag_name((pts_tag)v.tag));
        json_t *keys = dict_keys(node);
        if (!keys || json_array_size(keys) != nch) {
            json_decref(keys);
            return pts_err_set(PTS_ERR_LOAD, "%s: a dict input spec has a bad key list", p->path);
        }
        pts_status st = PTS_OK;
        for (size_t i = 0; i < nch && !st; i++) {
            pts_value k;
            if ((st = key_value(json_array_get(keys, i), &k)))
                break;
            pts_value *e = pts_dict_get(PTS_DICT(v), k);
            if (k.tag == PTS_T_STR)
                snprintf(sub, sizeof sub, "%.180s['%.60s']", where, PTS_STR(k)->data);
            else
                snprintf(sub, sizeof sub, "%.180s[%lld]", where, (long long)k.u.i);
            pts_value_release(k);
            if (!e)
                st = pts_err_set(PTS_ERR_TYPE, "%s: missing (the program was exported with this key)", sub);
            else
                st = flatten(p, json_array_get(ch, i), *e, sub, out, depth + 1);
        }
        if (!st && PTS_DICT(v)->len != (int64_t)nch)
            st = pts_err_set(PTS_ERR_TYPE, "%s: %lld keys given, the program was exported with %zu", where,
                             (long long)PTS_DICT(v)->len, nch);
        json_decref(keys);
        return st;
    }
    return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: pytree node type '%.80s' is not supported", where, t);
}

/* Rebuild a value from the output spec; leaves taken in order (borrowed,
 * retained).  *out: new reference. */
static pts_status unflatten(const pts_pt2 *p, const json_t *node, const pts_value *lv, int nl, int *pos, pts_value *out,
                            int depth)
{
    const char *t = spec_type(node);
    json_t *ch = json_object_get(node, "children_spec");
    size_t nch = json_array_size(ch);
    if (depth > 100)
        return pts_err_set(PTS_ERR_LOAD, "%s: output spec nested too deeply", p->path);
    if (!*t) {
        if (*pos >= nl)
            return pts_err_set(PTS_ERR_LOAD, "%s: the output spec has more leaves than the program has user outputs",
                               p->path);
        *out = pts_value_retain(lv[(*pos)++]);
        return PTS_OK;
    }
    if (!strcmp(t, "builtins.list") || !strcmp(t, "torch.fx.immutable_collections.immutable_list")) {
        pts_list *l = pts_list_new(NULL, (int64_t)nch);
        if (!l)
            return PTS_ERR_NOMEM;
        pts_value r = pts_obj_value(&l->hdr);
        for (size_t i = 0; i < nch; i++) {
            pts_value e;
            pts_status st = unflatten(p, json_array_get(ch, i), lv, nl, pos, &e, depth + 1);
            if (!st)
                st = pts_list_append(l, e);
            if (st) {
                pts_value_release(r);
                return st;
            }
        }
        *out = r;
        return PTS_OK;
    }
    if (is_seq_type(t)) { /* tuple, namedtuple (as a plain tuple) */
        pts_tuple *tu = pts_tuple_new((int64_t)nch);
        if (!tu)
            return PTS_ERR_NOMEM;
        pts_value r = pts_obj_value(&tu->hdr);
        for (size_t i = 0; i < nch; i++) {
            pts_status st = unflatten(p, json_array_get(ch, i), lv, nl, pos, &tu->items[i], depth + 1);
            if (st) {
                pts_value_release(r);
                return st;
            }
        }
        *out = r;
        return PTS_OK;
    }
    if (is_dict_type(t)) {
        json_t *keys = dict_keys(node);
        if (!keys || json_array_size(keys) != nch) {
            json_decref(keys);
            return pts_err_set(PTS_ERR_LOAD, "%s: a dict output spec has a bad key list", p->path);
        }
        pts_dict *d = pts_dict_new(NULL, NULL);
        pts_status st = d ? PTS_OK : PTS_ERR_NOMEM;
        for (size_t i = 0; i < nch && !st; i++) {
            pts_value k, e;
            if ((st = key_value(json_array_get(keys, i), &k)))
                break;
            if ((st = unflatten(p, json_array_get(ch, i), lv, nl, pos, &e, depth + 1))) {
                pts_value_release(k);
                break;
            }
            st = pts_dict_set(d, k, e);
        }
        json_decref(keys);
        if (st) {
            if (d)
                pts_obj_release(&d->hdr);
            return st;
        }
        *out = pts_obj_value(&d->hdr);
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: output pytree node type '%.80s' is not supported", p->path, t);
}

/* ---- running ------------------------------------------------------------------------------ */

static pts_status build(const targ *a, const pts_value *vals, pts_value *out)
{
    if (a->kind == A_LIT) {
        *out = pts_value_retain(a->lit);
        return PTS_OK;
    }
    if (a->kind == A_SLOT) {
        *out = pts_value_retain(vals[a->slot]);
        return PTS_OK;
    }
    if (a->kind == A_GRAPH) /* only higher-order nodes take graphs, in the places check_hop allows */
        return pts_err_set(PTS_ERR_VALUE, "a subgraph is passed where a value is needed");
    pts_list *l = pts_list_new(NULL, a->n);
    if (!l)
        return PTS_ERR_NOMEM;
    for (int i = 0; i < a->n; i++) {
        pts_value e;
        pts_status st = build(&a->items[i], vals, &e);
        if (!st)
            st = pts_list_append(l, e);
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    *out = pts_obj_value(&l->hdr);
    return PTS_OK;
}

static bool num_of(pts_value v, double *d)
{
    if (v.tag == PTS_T_INT)
        *d = (double)v.u.i;
    else if (v.tag == PTS_T_FLOAT)
        *d = v.u.f;
    else if (v.tag == PTS_T_BOOL)
        *d = v.u.b;
    else
        return false;
    return true;
}

/* _operator.* on SymInts (ints), SymFloats and SymBools (comparisons give bools). */
static pts_status run_builtin(const tnode *n, const pts_value *args, pts_value *out)
{
    pts_value a = n->nargs > 0 ? args[0] : pts_none(), b = n->nargs > 1 ? args[1] : pts_none();
    if (n->builtin >= BI_LT) {
        double x, y = 0;
        if (!num_of(a, &x) || (n->builtin != BI_NOT && !num_of(b, &y)))
            goto type_error;
        bool r;
        if (a.tag == PTS_T_INT && b.tag == PTS_T_INT) { /* exact beyond 2^53 */
            int64_t i = a.u.i, j = b.u.i;
            r = n->builtin == BI_LT ? i < j : n->builtin == BI_LE ? i <= j : n->builtin == BI_GT ? i > j
              : n->builtin == BI_GE ? i >= j : n->builtin == BI_EQ ? i == j : n->builtin == BI_NE ? i != j
              : n->builtin == BI_AND ? (i && j) : (i || j);
        } else {
            r = n->builtin == BI_LT ? x < y : n->builtin == BI_LE ? x <= y : n->builtin == BI_GT ? x > y
              : n->builtin == BI_GE ? x >= y : n->builtin == BI_EQ ? x == y : n->builtin == BI_NE ? x != y
              : n->builtin == BI_AND ? (x != 0 && y != 0) : n->builtin == BI_OR ? (x != 0 || y != 0) : x == 0;
        }
        *out = pts_bool(r);
        return PTS_OK;
    }
    if (n->builtin == BI_NEG) {
        if (a.tag == PTS_T_INT && a.u.i != INT64_MIN) {
            *out = pts_int(-a.u.i);
            return PTS_OK;
        }
        double x;
        if (!num_of(a, &x))
            goto type_error;
        *out = pts_float(-x);
        return PTS_OK;
    }
    if (a.tag == PTS_T_INT && b.tag == PTS_T_INT && n->builtin != BI_TRUEDIV) {
        int64_t x = a.u.i, y = b.u.i, r = 0;
        bool ovf = false;
        switch (n->builtin) {
        case BI_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
        case BI_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
        case BI_MUL: ovf = __builtin_mul_overflow(x, y, &r); break;
        case BI_FLOORDIV:
        case BI_MOD:
            if (y == 0)
                return pts_err_set(PTS_ERR_VALUE, "%s: integer division by zero", n->target);
            if (x == INT64_MIN && y == -1) {
                ovf = true;
                break;
            }
            r = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0)))
                r--;
            if (n->builtin == BI_MOD)
                r = x - r * y;
            break;
        }
        if (ovf)
            return pts_err_set(PTS_ERR_VALUE, "%s: integer overflow", n->target);
        *out = pts_int(r);
        return PTS_OK;
    }
    double x, y;
    if (!num_of(a, &x) || !num_of(b, &y))
        goto type_error;
    switch (n->builtin) {
    case BI_ADD: *out = pts_float(x + y); break;
    case BI_SUB: *out = pts_float(x - y); break;
    case BI_MUL: *out = pts_float(x * y); break;
    case BI_TRUEDIV: *out = pts_float(x / y); break;
    case BI_FLOORDIV: *out = pts_float(floor(x / y)); break;
    default: *out = pts_float(fmod(x, y)); break;
    }
    return PTS_OK;
type_error:
    return pts_err_set(PTS_ERR_TYPE, "%s: expected numbers", n->target);
}

static pts_status run_hop(const pts_pt2 *p, const tnode *n, pts_value *vals, int depth, int ac);

static bool ac_eligible(pts_value v)
{
    if (v.tag != PTS_T_TENSOR)
        return false;
    int d = PTS_TENSOR(v)->dtype;
    return pts_dtype_get(d)->is_float && d != PTS_FLOAT64;
}

/* Any float32 tensor among the arguments eligible for autocast (promote policy). */
static bool ac_any_fp32(const pts_value *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (ac_eligible(v[i]) && PTS_TENSOR(v[i])->dtype == PTS_FLOAT32)
            return true;
        if (v[i].tag == PTS_T_LIST && ac_any_fp32(PTS_LIST(v[i])->items, (int)PTS_LIST(v[i])->len))
            return true;
    }
    return false;
}

/* Cast the eligible tensors of *v (a tensor or a list of them; floating and
 * not float64, as torch's autocast cached_cast) to `to`, in place. */
static pts_status ac_cast(pts_value *v, int to)
{
    if (ac_eligible(*v) && PTS_TENSOR(*v)->dtype != to) {
        pts_tensor *t = pts_tensor_to_dtype(PTS_TENSOR(*v), to);
        if (!t)
            return pts_err_last() ? pts_err_last() : PTS_ERR_NOMEM;
        pts_value_release(*v);
        *v = pts_obj_value(&t->hdr);
        return PTS_OK;
    }
    if (v->tag != PTS_T_LIST)
        return PTS_OK;
    pts_list *l = PTS_LIST(*v), *nl = pts_list_new(NULL, l->len);
    if (!nl)
        return PTS_ERR_NOMEM;
    for (int64_t i = 0; i < l->len; i++) {
        pts_value e = pts_value_retain(l->items[i]);
        pts_status st = ac_cast(&e, to);
        if (!st)
            st = pts_list_append(nl, e);
        else
            pts_value_release(e);
        if (st) {
            pts_obj_release(&nl->hdr);
            return st;
        }
    }
    pts_value_release(*v);
    *v = pts_obj_value(&nl->hdr);
    return PTS_OK;
}

static pts_status run_node(const pts_pt2 *p, const tgraph *g, int idx, pts_value *vals, int depth, int ac)
{
    const tnode *n = &g->nodes[idx];
    if (n->hop) {
        pts_status st = run_hop(p, n, vals, depth, ac);
        if (st)
            return pts_err_context(st, "node %d (%s) of %s", idx, n->target, p->path);
        for (int k = 0; k < n->nfree; k++)
            pts_value_clear(&vals[n->free_slots[k]]);
        return PTS_OK;
    }
    if (!n->op && !n->builtin)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "pyts does not implement %s (node %d of %s, %s)", n->target, idx,
                           p->json_name, p->path);
    if (n->builtin == BI_NOOP)
        return PTS_OK;
    pts_value argv[64], rets[64];
    int built = 0;
    pts_status st = PTS_OK;
    for (; built < n->nargs && !st; built++)
        st = build(&n->args[built], vals, &argv[built]);
    if (st) {
        built--;
        goto done;
    }
    if (n->builtin) {
        st = run_builtin(n, argv, &rets[0]);
        if (!st) {
            pts_value_release(vals[n->outs[0]]);
            vals[n->outs[0]] = rets[0];
        }
        goto done;
    }
    if (ac >= 0 && n->ac_policy != AC_NONE) { /* inside wrap_with_autocast: cast as torch's AutocastCPU kernel */
        int to = n->ac_policy == AC_LOWER ? ac
               : n->ac_policy == AC_FP32 ? PTS_FLOAT32
                                         : ac_any_fp32(argv, n->nargs) ? PTS_FLOAT32 : ac;
        for (int k = 0; k < n->nargs && !st; k++)
            st = ac_cast(&argv[k], to);
        if (st)
            goto done;
    }
    int nr = n->op->schema.nrets;
    st = pts_ops_call(n->op, 0, NULL, n->nargs, (const char *const *)n->kwnames, argv, rets);
    if (st)
        goto done;
    if (n->out_list) {
        pts_value l = rets[0];
        int64_t len = l.tag == PTS_T_LIST ? PTS_LIST(l)->len : l.tag == PTS_T_TUPLE ? PTS_TUPLE(l)->len : -1;
        const pts_value *items = l.tag == PTS_T_LIST ? PTS_LIST(l)->items : l.tag == PTS_T_TUPLE ? PTS_TUPLE(l)->items : NULL;
        if (len != n->nlist)
            st = pts_err_set(PTS_ERR_VALUE, "%s returned %lld tensors, the program expects %d", n->target,
                             (long long)len, n->nlist);
        for (int k = 0; !st && k < n->nlist; k++) {
            pts_value_release(vals[n->list_slots[k]]);
            vals[n->list_slots[k]] = pts_value_retain(items[k]);
        }
        pts_value_release(l);
    } else {
        for (int k = 0; k < nr; k++) {
            int s = k < n->nouts ? n->outs[k] : -1;
            if (s >= 0) {
                pts_value_release(vals[s]);
                vals[s] = rets[k];
            } else {
                pts_value_release(rets[k]);
            }
        }
    }
done:
    for (int k = 0; k < built; k++)
        pts_value_release(argv[k]);
    if (st)
        return pts_err_context(st, "node %d (%s) of %s", idx, n->target, p->path);
    for (int k = 0; k < n->nfree; k++)
        pts_value_clear(&vals[n->free_slots[k]]);
    return PTS_OK;
}

/* Run subgraph g on its inputs `in` (borrowed, g->nin of them); out[0..g->nout)
 * (None on entry) receive new references, also on failure (the caller
 * releases them). */
static pts_status run_graph(const pts_pt2 *p, const tgraph *g, const pts_value *in, pts_value *out, int depth, int ac)
{
    pts_value *vals = pts_calloc((size_t)(g->nslots ? g->nslots : 1), sizeof *vals);
    if (!vals)
        return pts_err_nomem("subgraph values", 0);
    pts_status st = PTS_OK;
    for (int i = 0; i < g->nin; i++)
        vals[g->in_slots[i]] = pts_value_retain(in[i]);
    for (int i = 0; i < g->nnodes && !st; i++)
        st = run_node(p, g, i, vals, depth, ac);
    for (int k = 0; k < g->nout && !st; k++)
        st = build(&g->outs[k], vals, &out[k]);
    for (int i = 0; i < g->nslots; i++)
        pts_value_release(vals[i]);
    pts_free(vals);
    return st;
}

/* The truth of a cond / while_loop predicate: a bool (SymBool), an int, or a
 * tensor of one element, as bool(pred) in torch. */
static pts_status truth(pts_value v, const char *what, bool *out)
{
    pts_value x = v;
    if (v.tag == PTS_T_TENSOR) {
        int64_t n = pts_tensor_numel(PTS_TENSOR(v));
        if (n != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: the predicate is a tensor of %lld elements; it must have one",
                               what, (long long)n);
        PTS_TRY(pts_tensor_item(PTS_TENSOR(v), &x));
    }
    switch (x.tag) {
    case PTS_T_BOOL: *out = x.u.b; return PTS_OK;
    case PTS_T_INT: *out = x.u.i != 0; return PTS_OK;
    case PTS_T_FLOAT: *out = x.u.f != 0; return PTS_OK;
    default:
        return pts_err_set(PTS_ERR_TYPE, "%s: the predicate is a %s, not a bool or a one-element tensor", what,
                           pts_tag_name((pts_tag)v.tag));
    }
}

/* Build the items of list template a into in[0..a->n) (new references). */
static pts_status build_items(const targ *a, const pts_value *vals, pts_value *in)
{
    for (int i = 0; i < a->n; i++)
        PTS_TRY(build(&a->items[i], vals, &in[i]));
    return PTS_OK;
}


/* ---- map, scan, associative_scan -------------------------------------------------------------- */

/* Call registered operator `name` on positional arguments (borrowed); *ret: its one result (new ref). */
static pts_status call_aten(const char *name, int npos, pts_value *pos, pts_value *ret)
{
    const pts_op *op = pts_ops_find(name);
    *ret = pts_none();
    if (!op)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "pyts has no %s", name);
    return pts_ops_call(op, npos, pos, 0, NULL, NULL, ret);
}

static pts_status select0(pts_value t, int64_t i, pts_value *out)
{
    pts_value a[3] = {t, pts_int(0), pts_int(i)};
    return call_aten("aten::select.int", 3, a, out);
}

/* t[start:end:step] along dim 0 (end INT64_MAX: to the end). */
static pts_status slice0(pts_value t, int64_t start, int64_t end, int64_t step, pts_value *out)
{
    pts_value a[5] = {t, pts_int(0), pts_int(start), pts_int(end), pts_int(step)};
    return call_aten("aten::slice.Tensor", 5, a, out);
}

/* torch.stack(items, 0) or torch.cat(items, 0); the list is released. */
static pts_status join0(const char *op, pts_list *l, pts_value *out)
{
    pts_value a[2] = {pts_obj_value(&l->hdr), pts_int(0)};
    pts_status st = call_aten(op, 2, a, out);
    pts_obj_release(&l->hdr);
    return st;
}

/* The common length along dim 0 of the n tensors xs (an error naming `what` otherwise). */
static pts_status length0(const pts_value *xs, int n, const char *what, int64_t *len)
{
    for (int k = 0; k < n; k++) {
        if (xs[k].tag != PTS_T_TENSOR || PTS_TENSOR(xs[k])->ndim < 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: operand %d is not a tensor of at least one dimension", what, k);
        int64_t l = PTS_TENSOR(xs[k])->sizes[0];
        if (k && l != *len)
            return pts_err_set(PTS_ERR_VALUE, "%s: operands have %lld and %lld elements along dim 0", what,
                               (long long)*len, (long long)l);
        *len = l;
    }
    if (*len == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s over 0 elements (torch has no result to stack either)", what);
    return PTS_OK;
}

/* map_impl: out[j] = stack_i(body(x_0[i], ..., x_{nx-1}[i], *pos)[j]) (torch's map_dense). in: nx mapped
 * tensors then np operands (borrowed); out: g->nout new references. */
static pts_status run_map(const pts_pt2 *p, const tgraph *g, int nx, int np, const pts_value *in, pts_value *out,
                          int depth, int ac)
{
    int64_t len = 0;
    PTS_TRY(length0(in, nx, "map_impl", &len));
    pts_value *a = pts_calloc((size_t)(nx + np), sizeof *a), *r = pts_calloc((size_t)g->nout, sizeof *r);
    pts_list **ls = pts_calloc((size_t)g->nout, sizeof *ls);
    pts_status st = a && r && ls ? PTS_OK : pts_err_nomem("map_impl", 0);
    for (int j = 0; j < g->nout && !st; j++)
        if (!(ls[j] = pts_list_new(NULL, len)))
            st = PTS_ERR_NOMEM;
    for (int64_t i = 0; i < len && !st; i++) {
        for (int k = 0; k < nx && !st; k++)
            st = select0(in[k], i, &a[k]);
        for (int k = 0; k < np && !st; k++)
            a[nx + k] = pts_value_retain(in[nx + k]);
        if (!st)
            st = run_graph(p, g, a, r, depth, ac);
        for (int j = 0; j < g->nout; j++) {
            if (!st)
                st = pts_list_append(ls[j], r[j]);
            else
                pts_value_release(r[j]);
            r[j] = pts_none();
        }
        for (int k = 0; k < nx + np; k++)
            pts_value_clear(&a[k]);
    }
    for (int j = 0; j < g->nout && ls; j++) {
        if (!st && ls[j])
            st = join0("aten::stack", ls[j], &out[j]);
        else if (ls[j])
            pts_obj_release(&ls[j]->hdr);
    }
    pts_free(a);
    pts_free(r);
    pts_free(ls);
    return st;
}

/* scan: the carry goes through combine(carry, x_0[i], ..., *additional) for i = 0.. len-1; out = final carry,
 * then each further output of combine stacked over i (torch's generic_scan).  in: ni carried, nx scanned, na
 * additional (borrowed). */
static pts_status run_scan(const pts_pt2 *p, const tgraph *g, int ni, int nx, int na, const pts_value *in,
                           pts_value *out, int depth, int ac)
{
    int64_t len = 0;
    PTS_TRY(length0(in + ni, nx, "scan", &len));
    int ny = g->nout - ni;
    pts_value *a = pts_calloc((size_t)(ni + nx + na), sizeof *a), *r = pts_calloc((size_t)g->nout, sizeof *r);
    pts_list **ls = pts_calloc((size_t)(ny ? ny : 1), sizeof *ls);
    pts_status st = a && r && ls ? PTS_OK : pts_err_nomem("scan", 0);
    for (int j = 0; j < ny && !st; j++)
        if (!(ls[j] = pts_list_new(NULL, len)))
            st = PTS_ERR_NOMEM;
    for (int k = 0; k < ni && !st; k++)
        a[k] = pts_value_retain(in[k]);
    for (int k = 0; k < na && !st; k++)
        a[ni + nx + k] = pts_value_retain(in[ni + nx + k]);
    for (int64_t i = 0; i < len && !st; i++) {
        for (int k = 0; k < nx && !st; k++)
            st = select0(in[ni + k], i, &a[ni + k]);
        if (!st)
            st = run_graph(p, g, a, r, depth, ac);
        for (int k = 0; k < nx; k++)
            pts_value_clear(&a[ni + k]);
        for (int j = 0; j < g->nout; j++) {
            if (st) {
                pts_value_release(r[j]);
            } else if (j < ni) {
                pts_value_release(a[j]);
                a[j] = r[j];
            } else {
                st = pts_list_append(ls[j - ni], r[j]);
            }
            r[j] = pts_none();
        }
    }
    for (int k = 0; k < ni && !st; k++) {
        out[k] = a[k];
        a[k] = pts_none();
    }
    for (int j = 0; j < ny && ls; j++) {
        if (!st && ls[j])
            st = join0("aten::stack", ls[j], &out[ni + j]);
        else if (ls[j])
            pts_obj_release(&ls[j]->hdr);
    }
    for (int k = 0; a && k < ni + nx + na; k++)
        pts_value_release(a[k]);
    pts_free(a);
    pts_free(r);
    pts_free(ls);
    return st;
}

/* Interleave along dim 0: a[0], b[0], a[1], b[1], ... (len(b) is len(a) or len(a) - 1). */
static pts_status interleave0(pts_value a, pts_value b, pts_value *out)
{
    int64_t la = PTS_TENSOR(a)->sizes[0], lb = PTS_TENSOR(b)->sizes[0], n = la + lb;
    pts_list *l = pts_list_new(NULL, 2);
    if (!l)
        return PTS_ERR_NOMEM;
    pts_status st = pts_list_append(l, pts_value_retain(a));
    if (!st)
        st = pts_list_append(l, pts_value_retain(b));
    pts_value both = pts_none();
    if (!st)
        st = join0("aten::cat", l, &both);
    else
        pts_obj_release(&l->hdr);
    if (st)
        return st;
    pts_tensor *idx = pts_tensor_empty(PTS_INT64, 1, &n);
    if (!idx) {
        pts_value_release(both);
        return PTS_ERR_NOMEM;
    }
    int64_t *d = pts_tensor_data(idx);
    for (int64_t j = 0; j < n; j++)
        d[j] = (j % 2) ? la + j / 2 : j / 2;
    pts_value args[3] = {both, pts_int(0), pts_obj_value(&idx->hdr)};
    st = call_aten("aten::index_select", 3, args, out);
    pts_value_release(both);
    pts_obj_release(&idx->hdr);
    return st;
}

/* associative_scan: torch's generic_associative_scan, the same pairings in the same order (combine on the
 * pairs (0,1), (2,3), ...; recurse on their results; combine those with the even elements; interleave).
 * elems: nx tensors of the same length along dim 0 (borrowed); out: nx new references. */
static pts_status run_ascan(const pts_pt2 *p, const tgraph *g, int nx, const pts_value *elems, const pts_value *add,
                            int na, pts_value *out, int depth, int ac, int level)
{
    int64_t n = PTS_TENSOR(elems[0])->sizes[0];
    if (n < 2) {
        for (int k = 0; k < nx; k++)
            out[k] = pts_value_retain(elems[k]);
        return PTS_OK;
    }
    if (level > 64)
        return pts_err_set(PTS_ERR_VALUE, "associative_scan: recursion too deep");
    int nin = 2 * nx + na;
    pts_value *a = pts_calloc((size_t)nin, sizeof *a), *red = pts_calloc((size_t)nx, sizeof *red);
    pts_value *odd = pts_calloc((size_t)nx, sizeof *odd), *even = pts_calloc((size_t)nx, sizeof *even);
    pts_status st = a && red && odd && even ? PTS_OK : pts_err_nomem("associative_scan", 0);
    /* reduced = combine(e[0:-1:2], e[1::2]) */
    for (int k = 0; k < nx && !st; k++) {
        st = slice0(elems[k], 0, -1, 2, &a[k]);
        if (!st)
            st = slice0(elems[k], 1, INT64_MAX, 2, &a[nx + k]);
    }
    for (int k = 0; k < na && !st; k++)
        a[2 * nx + k] = pts_value_retain(add[k]);
    if (!st)
        st = run_graph(p, g, a, red, depth, ac);
    for (int k = 0; a && k < nin; k++)
        pts_value_clear(&a[k]);
    for (int k = 0; k < nx && !st; k++)
        if (red[k].tag != PTS_T_TENSOR || PTS_TENSOR(red[k])->ndim < 1)
            st = pts_err_set(PTS_ERR_VALUE, "associative_scan: the combine graph gave a %s, not a tensor",
                             pts_tag_name((pts_tag)red[k].tag));
    if (!st)
        st = run_ascan(p, g, nx, red, add, na, odd, depth, ac, level + 1);
    /* even = combine(odd[0:-1] if n is even else odd, e[2::2]) */
    for (int k = 0; k < nx && !st; k++) {
        if (n % 2 == 0)
            st = slice0(odd[k], 0, -1, 1, &a[k]);
        else
            a[k] = pts_value_retain(odd[k]);
        if (!st)
            st = slice0(elems[k], 2, INT64_MAX, 2, &a[nx + k]);
    }
    for (int k = 0; k < na && !st; k++)
        a[2 * nx + k] = pts_value_retain(add[k]);
    if (!st)
        st = run_graph(p, g, a, even, depth, ac);
    /* the first element leads; then interleave with odd */
    for (int k = 0; k < nx && !st; k++) {
        pts_value first = pts_none(), full = pts_none();
        if (even[k].tag != PTS_T_TENSOR)
            st = pts_err_set(PTS_ERR_VALUE, "associative_scan: the combine graph gave a %s, not a tensor",
                             pts_tag_name((pts_tag)even[k].tag));
        if (!st)
            st = slice0(elems[k], 0, 1, 1, &first);
        if (!st && pts_tensor_numel(PTS_TENSOR(even[k])) > 0) {
            pts_list *l = pts_list_new(NULL, 2);
            st = l ? pts_list_append(l, pts_value_retain(first)) : PTS_ERR_NOMEM;
            if (!st)
                st = pts_list_append(l, pts_value_retain(even[k]));
            if (!st)
                st = join0("aten::cat", l, &full);
            else if (l)
                pts_obj_release(&l->hdr);
        } else if (!st) {
            full = pts_value_retain(first);
        }
        if (!st)
            st = interleave0(full, odd[k], &out[k]);
        pts_value_release(first);
        pts_value_release(full);
    }
    for (int k = 0; k < nx; k++) {
        if (red)
            pts_value_release(red[k]);
        if (odd)
            pts_value_release(odd[k]);
        if (even)
            pts_value_release(even[k]);
    }
    for (int k = 0; a && k < nin; k++)
        pts_value_release(a[k]);
    pts_free(a);
    pts_free(red);
    pts_free(odd);
    pts_free(even);
    return st;
}

/* A higher-order node (its shape was checked by check_hop at load). */
static pts_status run_hop(const pts_pt2 *p, const tnode *n, pts_value *vals, int depth, int ac)
{
    tgraph *const *G = p->graphs;
    int nin = n->hop == HOP_COND       ? n->args[3].n
              : n->hop == HOP_WHILE    ? n->args[2].n + n->args[3].n
              : n->hop == HOP_MAP      ? n->args[1].n + n->args[2].n
              : n->hop == HOP_SCAN     ? n->args[1].n + n->args[2].n + n->args[3].n
              : n->hop == HOP_ASCAN    ? n->args[1].n + n->args[2].n
              : n->hop == HOP_AUTOCAST ? n->nargs - 5
              : n->hop == HOP_HINTS    ? n->args[1].n
              : n->hop == HOP_OUT_DTYPE ? n->nargs - 2
                                       : n->nargs - 2;
    pts_value *in = pts_calloc((size_t)(nin ? nin : 1), sizeof *in);
    pts_value *res = pts_calloc((size_t)(n->nouts ? n->nouts : 1), sizeof *res);
    pts_status st = (in && res) ? PTS_OK : pts_err_nomem("higher-order node", 0);
    if (st)
        goto done;
    switch (n->hop) {
    case HOP_COND: {
        pts_value pred = pts_none();
        bool b = false;
        st = build(&n->args[0], vals, &pred);
        if (!st)
            st = truth(pred, "cond", &b);
        pts_value_release(pred);
        if (!st)
            st = build_items(&n->args[3], vals, in);
        if (!st)
            st = run_graph(p, G[n->args[b ? 1 : 2].slot], in, res, depth + 1, ac);
        break;
    }
    case HOP_WHILE: {
        const tgraph *cg = G[n->args[0].slot], *bg = G[n->args[1].slot];
        int nc = n->args[2].n;
        st = build_items(&n->args[2], vals, in);
        if (!st)
            st = build_items(&n->args[3], vals, in + nc);
        while (!st) { /* in[0..nc): the carried values of this iteration */
            pts_value r = pts_none();
            bool go = false;
            st = run_graph(p, cg, in, &r, depth + 1, ac);
            if (!st)
                st = truth(r, "while_loop condition", &go);
            pts_value_release(r);
            if (st || !go)
                break;
            st = run_graph(p, bg, in, res, depth + 1, ac);
            for (int k = 0; k < nc; k++) {
                pts_value_release(in[k]);
                in[k] = res[k];
                res[k] = pts_none();
            }
        }
        for (int k = 0; k < nc && !st; k++) {
            res[k] = in[k];
            in[k] = pts_none();
        }
        break;
    }
    case HOP_MAP:
        st = build_items(&n->args[1], vals, in);
        if (!st)
            st = build_items(&n->args[2], vals, in + n->args[1].n);
        if (!st)
            st = run_map(p, G[n->args[0].slot], n->args[1].n, n->args[2].n, in, res, depth + 1, ac);
        break;
    case HOP_SCAN:
        st = build_items(&n->args[1], vals, in);
        if (!st)
            st = build_items(&n->args[2], vals, in + n->args[1].n);
        if (!st)
            st = build_items(&n->args[3], vals, in + n->args[1].n + n->args[2].n);
        if (!st)
            st = run_scan(p, G[n->args[0].slot], n->args[1].n, n->args[2].n, n->args[3].n, in, res, depth + 1, ac);
        break;
    case HOP_ASCAN: {
        int nx = n->args[1].n;
        st = build_items(&n->args[1], vals, in);
        if (!st)
            st = build_items(&n->args[2], vals, in + nx);
        for (int k = 0; k < nx && !st; k++)
            if (in[k].tag != PTS_T_TENSOR || PTS_TENSOR(in[k])->ndim < 1)
                st = pts_err_set(PTS_ERR_VALUE, "associative_scan: operand %d is not a tensor of at least one "
                                 "dimension", k);
            else if (PTS_TENSOR(in[k])->sizes[0] != PTS_TENSOR(in[0])->sizes[0])
                st = pts_err_set(PTS_ERR_VALUE, "associative_scan: operands have %lld and %lld elements along dim 0",
                                 (long long)PTS_TENSOR(in[0])->sizes[0], (long long)PTS_TENSOR(in[k])->sizes[0]);
        if (!st)
            st = run_ascan(p, G[n->args[0].slot], nx, in, in + nx, n->args[2].n, res, depth + 1, ac, 0);
        break;
    }
    case HOP_AUTOCAST: {
        /* torch's CPU autocast: bfloat16 unless a dtype is given; float32 (or any other) disables it; a CUDA
         * autocast leaves CPU tensors alone */
        const char *dev = PTS_STR(n->args[0].lit)->data;
        int inner = ac;
        if (!strcmp(dev, "cpu")) {
            int d = n->args[1].lit.tag == PTS_T_INT ? (int)n->args[1].lit.u.i : PTS_BFLOAT16;
            inner = n->args[2].lit.u.b && (d == PTS_BFLOAT16 || d == PTS_FLOAT16) ? d : -1;
        }
        for (int k = 5; k < n->nargs && !st; k++)
            st = build(&n->args[k], vals, &in[k - 5]);
        if (!st)
            st = run_graph(p, G[n->args[4].slot], in, res, depth + 1, inner);
        break;
    }
    case HOP_OUT_DTYPE: {
        /* torch's out_dtype fallback: the tensor operands cast to the promotion of their dtypes with the output
         * dtype, the operator, the result cast to the output dtype (int8 mm -> int32 is then exact, as
         * torch's _int_mm) */
        int od = (int)n->args[1].lit.u.i, pd = od;
        for (int k = 2; k < n->nargs && !st; k++)
            st = build(&n->args[k], vals, &in[k - 2]);
        for (int k = 0; k < nin && !st; k++)
            if (in[k].tag == PTS_T_TENSOR && (pd = pts_promote_types(pd, PTS_TENSOR(in[k])->dtype)) < 0)
                st = pts_err_set(PTS_ERR_TYPE, "out_dtype: no promotion of %s with %s", pts_dtype_name(od),
                                 pts_dtype_name(PTS_TENSOR(in[k])->dtype));
        for (int k = 0; k < nin && !st; k++)
            if (in[k].tag == PTS_T_TENSOR && PTS_TENSOR(in[k])->dtype != pd) {
                pts_tensor *t = pts_tensor_to_dtype(PTS_TENSOR(in[k]), pd);
                if (!t) {
                    st = pts_err_last() ? pts_err_last() : PTS_ERR_NOMEM;
                    break;
                }
                pts_value_release(in[k]);
                in[k] = pts_obj_value(&t->hdr);
            }
        pts_value r = pts_none();
        if (!st)
            st = pts_ops_call(n->op, nin, in, 0, NULL, NULL, &r);
        if (!st && r.tag == PTS_T_TENSOR && PTS_TENSOR(r)->dtype != od) {
            pts_tensor *t = pts_tensor_to_dtype(PTS_TENSOR(r), od);
            pts_value_release(r);
            r = t ? pts_obj_value(&t->hdr) : pts_none();
            if (!t)
                st = pts_err_last() ? pts_err_last() : PTS_ERR_NOMEM;
        }
        res[0] = r;
        break;
    }
    case HOP_HINTS:
        st = build_items(&n->args[1], vals, in);
        if (!st)
            st = run_graph(p, G[n->args[0].slot], in, res, depth + 1, ac);
        break;
    default: /* wrap_with_set_grad_enabled: pyts keeps no gradients; run the graph */
        for (int k = 2; k < n->nargs && !st; k++)
            st = build(&n->args[k], vals, &in[k - 2]);
        if (!st)
            st = run_graph(p, G[n->args[1].slot], in, res, depth + 1, ac);
        break;
    }
    for (int k = 0; k < n->nouts && !st; k++) {
        int s = n->outs[k];
        if (s < 0)
            continue;
        pts_value_release(vals[s]);
        vals[s] = res[k];
        res[k] = pts_none();
    }
done:
    for (int k = 0; in && k < nin; k++)
        pts_value_release(in[k]);
    for (int k = 0; res && k < n->nouts; k++)
        pts_value_release(res[k]);
    pts_free(in);
    pts_free(res);
    return st;
}

bool pts_pt2_has_loop(const pts_pt2 *p) { return p->has_loop; }

/* The value each free symbol took in this call's inputs (a symbol shared by
 * two inputs, Dim("n") on x and y, must have one value, as torch checks). */
typedef struct symbinding {
    int n;
    const char *name[32];
    int64_t value[32];
    const char *input[32];
    int dim[32];
} symbinding;

static pts_status check_input(const pts_pt2 *p, const tinput *in, pts_value v, symbinding *sb)
{
    if (in->kind == IN_CONST)
        return PTS_OK; /* specialised at export; torch checks equality, the graph does not read it */
    if (!in->check)
        return PTS_OK;
    if (v.tag != PTS_T_TENSOR)
        return pts_err_set(PTS_ERR_TYPE, "%s: input '%s' must be a tensor, got %s", p->path, in->name,
                           pts_tag_name((pts_tag)v.tag));
    const pts_tensor *t = PTS_TENSOR(v);
    if (in->dtype >= 0 && t->dtype != in->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: input '%s' must have dtype %s as at export, got %s", p->path, in->name,
                           pts_dtype_name(in->dtype), pts_dtype_name(t->dtype));
    if (t->ndim != in->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: input '%s' must have %d dimensions as at export, got %d", p->path,
                           in->name, in->ndim, t->ndim);
    for (int d = 0; d < in->ndim; d++) {
        int64_t s = t->sizes[d];
        if (in->dim[d] >= 0 && s != in->dim[d])
            return pts_err_set(PTS_ERR_VALUE,
                               "%s: input '%s' dimension %d must be %lld (it is static in the exported program), got %lld",
                               p->path, in->name, d, (long long)in->dim[d], (long long)s);
        if (in->dim[d] == -1 && (s < in->lo[d] || s > in->hi[d])) {
            char hi[32];
            if (in->hi[d] == INT64_MAX)
                snprintf(hi, sizeof hi, "inf");
            else
                snprintf(hi, sizeof hi, "%lld", (long long)in->hi[d]);
            return pts_err_set(PTS_ERR_VALUE, "%s: input '%s' dimension %d is %lld, outside the range [%lld, %s] of "
                               "symbol %s in the exported program's range constraints", p->path, in->name, d,
                               (long long)s, (long long)in->lo[d], hi, in->sym[d]);
        }
        if (in->dim[d] != -1)
            continue;
        int k = 0;
        while (k < sb->n && strcmp(sb->name[k], in->sym[d]) != 0)
            k++;
        if (k < sb->n && sb->value[k] != s)
            return pts_err_set(PTS_ERR_VALUE, "%s: input '%s' dimension %d is %lld but input '%s' dimension %d is %lld; "
                               "both are symbol %s in the exported program", p->path, in->name, d, (long long)s,
                               sb->input[k], sb->dim[k], (long long)sb->value[k], in->sym[d]);
        if (k == sb->n && k < 32) {
            sb->name[k] = in->sym[d];
            sb->value[k] = s;
            sb->input[k] = in->name;
            sb->dim[k] = d;
            sb->n++;
        }
    }
    return PTS_OK;
}

/* Flatten (args, kwargs) with the in_spec tuple(args_tuple, kwargs_dict). */
static pts_status flatten_inputs(const pts_pt2 *p, int nargs, const pts_value *args, int nkw, const char *const *kwnames,
                                 const pts_value *kwargs, leaves *lv)
{
    json_t *ch = json_object_get(p->in_spec, "children_spec");
    if (strcmp(spec_type(p->in_spec), "builtins.tuple") != 0 || json_array_size(ch) != 2)
        return pts_err_set(PTS_ERR_LOAD, "%s: the input spec is not (args, kwargs)", p->path);
    pts_tuple *at = pts_tuple_new(nargs);
    pts_dict *kd = pts_dict_new(NULL, NULL);
    pts_status st = (at && kd) ? PTS_OK : PTS_ERR_NOMEM;
    for (int i = 0; !st && i < nargs; i++)
        at->items[i] = pts_value_retain(args[i]);
    for (int i = 0; !st && i < nkw; i++) {
        pts_value k;
        st = pts_value_str(kwnames[i], strlen(kwnames[i]), &k);
        if (!st)
            st = pts_dict_set(kd, k, pts_value_retain(kwargs[i]));
    }
    if (!st)
        st = flatten(p, json_array_get(ch, 0), pts_obj_value(&at->hdr), "positional arguments", lv, 0);
    if (!st)
        st = flatten(p, json_array_get(ch, 1), pts_obj_value(&kd->hdr), "keyword arguments", lv, 0);
    /* the leaves borrow from args/kwargs, which outlive the call: drop our containers */
    if (at)
        pts_obj_release(&at->hdr);
    if (kd)
        pts_obj_release(&kd->hdr);
    return st;
}

pts_status pts_pt2_run(pts_pt2 *p, int nargs, const pts_value *args, int nkw, const char *const *kwnames,
                       const pts_value *kwargs, pts_value *out)
{
    *out = pts_none();
    leaves lv = {NULL, 0, 0};
    pts_value *vals = NULL, *user = NULL;
    pts_status st = flatten_inputs(p, nargs, args, nkw, kwnames, kwargs, &lv);
    if (st)
        goto done;
    if (lv.n != p->nuser) {
        st = pts_err_set(PTS_ERR_TYPE, "%s: %d input values given (flattened), the program takes %d", p->path, lv.n,
                         p->nuser);
        goto done;
    }
    vals = pts_calloc((size_t)(p->g.nslots ? p->g.nslots : 1), sizeof *vals);
    user = pts_calloc((size_t)(p->noutputs ? p->noutputs : 1), sizeof *user);
    if (!vals || !user) {
        st = pts_err_nomem("program values", 0);
        goto done;
    }
    symbinding sb;
    sb.n = 0;
    for (int i = 0; i < p->ninputs; i++) {
        const tinput *in = &p->inputs[i];
        pts_value v = in->kind == IN_STATE ? in->value : in->kind == IN_CONST ? in->value : lv.v[in->user_index];
        if ((st = check_input(p, in, v, &sb)))
            goto done;
        if (in->slot >= 0)
            vals[in->slot] = pts_value_retain(v);
    }
    for (int i = 0; i < p->g.nnodes; i++)
        if ((st = run_node(p, &p->g, i, vals, 0, -1)))
            goto done;
    int nu = 0;
    for (int i = 0; i < p->noutputs; i++) {
        const toutput *o = &p->outputs[i];
        if (o->kind == OUT_IGNORE)
            continue;
        pts_value v;
        if ((st = build(&o->arg, vals, &v)))
            goto done;
        if (o->kind == OUT_USER) {
            user[nu++] = v;
            continue;
        }
        const tinput *in = &p->inputs[o->target];
        pts_value dst = in->kind == IN_STATE ? in->value : lv.v[in->user_index];
        const pts_op *copy = pts_ops_find("aten::copy_");
        pts_value cargs[2] = {dst, v}, r;
        st = copy ? pts_ops_call(copy, 2, cargs, 0, NULL, NULL, &r) : pts_err_set(PTS_ERR_UNSUPPORTED, "no aten::copy_");
        pts_value_release(v);
        if (st) {
            st = pts_err_context(st, "%s: writing back mutated '%s'", p->path, in->name);
            goto done;
        }
        pts_value_release(r);
    }
    int pos = 0;
    st = unflatten(p, p->out_spec, user, nu, &pos, out, 0);
    if (!st && pos != nu) {
        pts_value_clear(out);
        st = pts_err_set(PTS_ERR_LOAD, "%s: the output spec has %d leaves but the program has %d user outputs", p->path,
                         pos, nu);
    }
    for (int i = 0; i < nu; i++)
        pts_value_release(user[i]);
done:
    if (vals)
        for (int i = 0; i < p->g.nslots; i++)
            pts_value_release(vals[i]);
    pts_free(vals);
    pts_free(user);
    pts_free(lv.v);
    return st;
}

pts_status pts_pt2_state(const pts_pt2 *p, pts_value *out)
{
    pts_dict *d = pts_dict_new(NULL, NULL);
    if (!d)
        return PTS_ERR_NOMEM;
    for (int i = 0; i < p->ninputs; i++) {
        const tinput *in = &p->inputs[i];
        if (in->kind != IN_STATE)
            continue;
        pts_value k;
        pts_status st = pts_value_str(in->name, strlen(in->name), &k);
        if (!st)
            st = pts_dict_set(d, k, pts_value_retain(in->value));
        if (st) {
            pts_obj_release(&d->hdr);
            return st;
        }
    }
    *out = pts_obj_value(&d->hdr);
    return PTS_OK;
}

pts_status pts_pt2_zero_inputs(const pts_pt2 *p, int *nargs, pts_value **args)
{
    *nargs = 0;
    *args = NULL;
    json_t *ch = json_object_get(p->in_spec, "children_spec");
    json_t *pos = json_array_get(ch, 0), *kw = json_array_get(ch, 1);
    if (json_array_size(ch) != 2 || json_array_size(json_object_get(kw, "children_spec")) != 0 ||
        !is_seq_type(spec_type(pos)))
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: the program takes keyword or nested inputs", p->path);
    json_t *leaves = json_object_get(pos, "children_spec");
    for (size_t i = 0; i < json_array_size(leaves); i++)
        if (*spec_type(json_array_get(leaves, i)))
            return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: the program takes nested inputs", p->path);
    pts_value *a = pts_calloc((size_t)(p->nuser ? p->nuser : 1), sizeof *a);
    if (!a)
        return pts_err_nomem("inputs", 0);
    pts_status st = PTS_OK;
    for (int i = 0; i < p->ninputs && !st; i++) {
        const tinput *in = &p->inputs[i];
        if (in->kind == IN_STATE)
            continue;
        if (in->kind == IN_CONST) {
            a[in->user_index] = pts_value_retain(in->value);
            continue;
        }
        if (!in->check || in->dtype < 0) {
            st = pts_err_set(PTS_ERR_UNSUPPORTED, "%s: input '%s' is not a tensor of known shape", p->path, in->name);
            break;
        }
        int64_t sz[PTS_MAX_DIMS];
        for (int d = 0; d < in->ndim && !st; d++) {
            sz[d] = in->dim[d] >= 0 ? in->dim[d] : in->dim[d] == -1 ? (in->lo[d] > 1 ? in->lo[d] : 1) : -1;
            if (sz[d] < 0 || (in->dim[d] == -1 && sz[d] > in->hi[d]))
                st = pts_err_set(PTS_ERR_UNSUPPORTED, "%s: input '%s' has a derived dimension", p->path, in->name);
        }
        if (st)
            break;
        pts_tensor *t = pts_tensor_zeros(in->dtype, in->ndim, sz);
        if (!t) {
            st = pts_err_last();
            break;
        }
        a[in->user_index] = pts_obj_value(&t->hdr);
    }
    if (st) {
        for (int i = 0; i < p->nuser; i++)
            pts_value_release(a[i]);
        pts_free(a);
        return st;
    }
    *nargs = p->nuser;
    *args = a;
    return PTS_OK;
}
