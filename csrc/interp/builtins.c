/* builtins.c - compiling calls and the special forms of printed TorchScript.
 *
 *   torch.X(...), ops.ns.X(...), math.X(...)   operator call (CALLOP; the overload is
 *                                             chosen from the argument tags, cached per site)
 *   int() float() bool() str() len() min() ...  builtins that are operators
 *   __torch__.f(...)                          compiled free function (CALLFN)
 *   __torch__.C.m(self, ...)                  a class's method called as a function
 *   __torch__.C.__new__(__torch__.C)          object creation (NEWOBJ)
 *   __torch__.C(...)                          NamedTuple construction / class construction
 *   (x).m(...)                                method call, dispatched on x's class (CALLMETHOD)
 *   annotate(T, e), unchecked_cast(T, e), uninitialized(T), isinstance(v, T),
 *   getattr(o, "name"), fork(f, ...), awaitable(f, ...), torch.wait(fut), print(...)
 *   for ... in range(...) / in a list, tuple, str, dict; enumerate(); comprehensions
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "frontend/annot.h"
#include "frontend/calls.h"
#include "frontend/literal.h"
#include "interp/compile.h"

static bool is_global_name(cc *c, const pts_ast_expr *e, const char *name)
{
    return e->kind == PTS_EX_NAME && strcmp(e->u.name, name) == 0 && pts_cc_local(c, name) < 0;
}

/* Root name of a dotted chain, or NULL. */
static const char *chain_root(const pts_ast_expr *e)
{
    while (e->kind == PTS_EX_ATTR)
        e = e->u.attr.value;
    return e->kind == PTS_EX_NAME ? e->u.name : NULL;
}

/* Evaluate positional then keyword args into consecutive temps starting at *base. */
static pts_status eval_args(cc *c, const pts_ast_expr *e, int first_reg_needed, int *base)
{
    (void)first_reg_needed;
    *base = c->top;
    for (int i = 0; i < e->u.call.nargs; i++)
        pts_cc_temp(c);
    for (int i = 0; i < e->u.call.nkw; i++)
        pts_cc_temp(c);
    for (int i = 0; i < e->u.call.nargs; i++)
        PTS_TRY(pts_cc_expr(c, e->u.call.args[i], *base + i));
    for (int i = 0; i < e->u.call.nkw; i++)
        PTS_TRY(pts_cc_expr(c, e->u.call.kwvalues[i], *base + e->u.call.nargs + i));
    return PTS_OK;
}

static pts_status op_call(cc *c, const char *opname, const pts_ast_expr *e, int dst)
{
    int mark = c->top, base, site;
    PTS_TRY(eval_args(c, e, 0, &base));
    PTS_TRY(pts_cc_op_site(c, opname, e->u.call.nargs, e->u.call.nkw, e->u.call.kwnames, &site));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLOP, dst, base, site, e->u.call.nargs + e->u.call.nkw, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

/* int(x) where x is statically a `number` (Scalar): torch binds aten::Int.Scalar, which checks the
 * range (NaN, inf, 1e30 raise), where int(float) binds Int.float, a C++ cast.  pyts binds by the
 * run-time value, a float either way, so the one call whose result torch types as a number,
 * t.item() / torch.item(t), pins the overload here. */
static bool returns_number(const pts_ast_expr *e)
{
    if (e->u.call.nargs != 1 || e->u.call.nkw != 0)
        return false;
    const pts_ast_expr *a = e->u.call.args[0];
    if (a->kind != PTS_EX_CALL || a->u.call.func->kind != PTS_EX_ATTR)
        return false;
    const pts_ast_expr *f = a->u.call.func;
    if (strcmp(f->u.attr.name, "item") != 0)
        return false;
    return a->u.call.nargs == 0 || (a->u.call.nargs == 1 && f->u.attr.value->kind == PTS_EX_NAME &&
                                     strcmp(f->u.attr.value->u.name, "torch") == 0);
}

static pts_status int_of_number(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top, base, site;
    PTS_TRY(eval_args(c, e, 0, &base));
    PTS_TRY(pts_cc_op_site(c, "aten::Int", 1, 0, NULL, &site));
    op_site *s = &c->code->ops[site];
    for (int i = 0; i < s->novl; i++)
        if (strcmp(s->ovl[i]->schema.overload, "Scalar") == 0) {
            s->ovl += i;
            s->novl = 1;
            break;
        }
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLOP, dst, base, site, 1, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status type_arg(cc *c, const pts_ast_expr *e, pts_type **out)
{
    (void)c;
    if (e->kind == PTS_EX_TUPLE) { /* isinstance(x, (A, B)) */
        int n = e->u.seq.n;
        pts_type *args[32];
        if (n > 32)
            return pts_cc_error(c, &e->pos, PTS_ERR_LIMIT, "too many types");
        for (int i = 0; i < n; i++) {
            pts_status st = pts_frontend_type_from_expr(e->u.seq.items[i], &args[i]);
            if (st) {
                for (int k = 0; k < i; k++)
                    pts_type_release(args[k]);
                return st;
            }
        }
        *out = pts_type_new(PTS_TY_UNION, n, args);
        for (int k = 0; k < n; k++)
            pts_type_release(args[k]);
        return *out ? PTS_OK : PTS_ERR_NOMEM;
    }
    return pts_frontend_type_from_expr(e, out);
}

static pts_status need_args(cc *c, const pts_ast_expr *e, const char *what, int lo, int hi)
{
    if (e->u.call.nargs < lo || e->u.call.nargs > hi || e->u.call.nkw)
        return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "%s() takes %d to %d positional arguments", what, lo, hi);
    return PTS_OK;
}

static pts_status annotate_form(cc *c, const pts_ast_expr *e, int dst, bool convert)
{
    PTS_TRY(need_args(c, e, convert ? "annotate" : "unchecked_cast", 2, 2));
    pts_type *t;
    PTS_TRY(pts_frontend_type_from_expr(e->u.call.args[0], &t));
    const pts_ast_expr *v = e->u.call.args[1];
    pts_status st;
    int mark = c->top;
    if (v->kind == PTS_EX_LIST || v->kind == PTS_EX_DICT || v->kind == PTS_EX_TUPLE) {
        st = pts_cc_container(c, v, t, dst);
        pts_type_release(t);
        return st;
    }
    /* annotate(List[List[float]], x.tolist()): prim::tolist, typed by the annotation; annotate(float,
     * x.tolist()) of a 0-d tensor is its number (the CONVERT of a Tensor to int/float below) */
    if (convert && (t->kind == PTS_TY_LIST || t->kind == PTS_TY_INT || t->kind == PTS_TY_FLOAT) && v->kind == PTS_EX_CALL && v->u.call.nargs == 0 && v->u.call.nkw == 0 &&
        v->u.call.func->kind == PTS_EX_ATTR && strcmp(v->u.call.func->u.attr.name, "tolist") == 0)
        v = v->u.call.func->u.attr.value; /* CONVERT of a Tensor to a list type is tolist */
    pts_type_kind k = t->kind;
    if (!convert || !(k == PTS_TY_INT || k == PTS_TY_FLOAT || k == PTS_TY_NUMBER || k == PTS_TY_LIST || k == PTS_TY_DICT)) {
        pts_type_release(t);
        return pts_cc_expr(c, v, dst);
    }
    int tmp, kt;
    st = pts_cc_expr_temp(c, v, &tmp);
    if (!st)
        st = pts_cc_const_type(c, t, &kt);
    else
        pts_type_release(t);
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_CONVERT, dst, tmp, kt, 0, PTS_F_TB, NULL);
    c->top = mark;
    return st;
}

static pts_status isinstance_form(cc *c, const pts_ast_expr *e, int dst)
{
    PTS_TRY(need_args(c, e, "isinstance", 2, 2));
    pts_type *t;
    PTS_TRY(type_arg(c, e->u.call.args[1], &t));
    int mark = c->top, v, k;
    PTS_TRY(pts_cc_const_type(c, t, &k));
    PTS_TRY(pts_cc_expr_temp(c, e->u.call.args[0], &v));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_ISINSTANCE, dst, v, k, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status getattr_form(cc *c, const pts_ast_expr *e, int dst)
{
    PTS_TRY(need_args(c, e, "getattr", 2, 2));
    const pts_ast_expr *n = e->u.call.args[1];
    if (n->kind != PTS_EX_STR)
        return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "getattr() needs a string literal attribute name");
    int mark = c->top, obj, site;
    PTS_TRY(pts_cc_expr_temp(c, e->u.call.args[0], &obj));
    PTS_TRY(pts_cc_attr_site(c, n->u.str.s, &site));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_GETATTR, dst, obj, site, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status print_form(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top, base = c->top;
    for (int i = 0; i < e->u.call.nargs; i++)
        pts_cc_temp(c);
    for (int i = 0; i < e->u.call.nargs; i++)
        PTS_TRY(pts_cc_expr(c, e->u.call.args[i], base + i));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_PRINT, 0, base, 0, e->u.call.nargs, PTS_F_TB, NULL));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, dst, 0, 0, 0, 0, NULL));
    c->top = mark;
    return PTS_OK;
}

/* ---- __torch__ names ---------------------------------------------------------------------- */

static pts_function *find_function(cc *c, const char *q)
{
    pts_function *f = pts_cu_find_function(c->cu, q);
    if (!f && c->cu->import_qualifier) {
        if (c->cu->import_qualifier(c->cu, q))
            pts_err_clear();
        f = pts_cu_find_function(c->cu, q);
    }
    return f;
}

static pts_class *find_class(cc *c, const char *q)
{
    pts_class *cls = pts_cu_find_class(c->cu, q);
    if (!cls && pts_cu_get_class(c->cu, q, &cls) != PTS_OK) {
        pts_err_clear();
        cls = NULL;
    }
    return cls;
}

/* Call a compiled def with positional/keyword actuals mapped onto its
 * parameters at compile time (defaults filled).  self_reg >= 0: an already
 * evaluated first argument (temp) placed before the actuals. */
static pts_status fn_call(cc *c, const pts_ast_expr *e, pts_method *m, pts_class *cls, int self_reg, int dst)
{
    const pts_ast_stmt *def = m->def;
    if (!def || def->kind != PTS_ST_DEF)
        return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "'%s' has no definition", m->name);
    int np = def->u.def.nparams;
    int given = e->u.call.nargs + (self_reg >= 0);
    if (given > np)
        return pts_cc_error(c, &e->pos, PTS_ERR_TYPE, "%s() takes %d arguments but %d were given", m->name, np, given);
    int mark = c->top, base = c->top;
    for (int i = 0; i < np; i++)
        pts_cc_temp(c);
    int ai = 0;
    for (int i = 0; i < np; i++) {
        const pts_ast_param *p = &def->u.def.params[i];
        if (i == 0 && self_reg >= 0) {
            PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, base, self_reg, 0, 0, PTS_F_TB, NULL));
            continue;
        }
        if (ai < e->u.call.nargs) {
            PTS_TRY(pts_cc_expr(c, e->u.call.args[ai++], base + i));
            continue;
        }
        int kw = -1;
        for (int k = 0; k < e->u.call.nkw; k++)
            if (strcmp(e->u.call.kwnames[k], p->name) == 0)
                kw = k;
        if (kw >= 0) {
            PTS_TRY(pts_cc_expr(c, e->u.call.kwvalues[kw], base + i));
        } else if (p->def) {
            pts_type *t = NULL;
            if (p->annotation)
                PTS_TRY(pts_frontend_type_from_expr(p->annotation, &t));
            pts_value v;
            pts_status st = pts_frontend_eval_literal(p->def, t, &v);
            pts_type_release(t);
            PTS_TRY(st);
            int k;
            PTS_TRY(pts_cc_const(c, v, &k));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADK, base + i, 0, k, 0, 0, NULL));
        } else {
            return pts_cc_error(c, &e->pos, PTS_ERR_TYPE, "%s() missing argument '%s'", m->name, p->name);
        }
    }
    int site;
    PTS_TRY(pts_cc_fn_site(c, m, cls, NULL, false, &site));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLFN, dst, base, site, np, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status namedtuple_call(cc *c, const pts_ast_expr *e, pts_class *cls, int dst)
{
    int n = cls->nattrs, mark = c->top, base = c->top;
    if (e->u.call.nargs > n)
        return pts_cc_error(c, &e->pos, PTS_ERR_TYPE, "%s takes %d fields but %d were given", cls->qualname, n,
                            e->u.call.nargs);
    for (int i = 0; i < n; i++)
        pts_cc_temp(c);
    for (int i = 0; i < n; i++) {
        if (i < e->u.call.nargs) {
            PTS_TRY(pts_cc_expr(c, e->u.call.args[i], base + i));
            continue;
        }
        int kw = -1;
        for (int k = 0; k < e->u.call.nkw; k++)
            if (strcmp(e->u.call.kwnames[k], cls->attrs[i].name) == 0)
                kw = k;
        if (kw >= 0) {
            PTS_TRY(pts_cc_expr(c, e->u.call.kwvalues[kw], base + i));
        } else if (cls->attrs[i].has_default) {
            int k;
            PTS_TRY(pts_cc_const(c, pts_value_retain(cls->attrs[i].default_value), &k));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADK, base + i, 0, k, 0, 0, NULL));
        } else {
            return pts_cc_error(c, &e->pos, PTS_ERR_TYPE, "%s() missing field '%s'", cls->qualname, cls->attrs[i].name);
        }
    }
    int kt;
    PTS_TRY(pts_cc_const_type(c, pts_type_retain(cls->type), &kt));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_TUPLE, dst, base, kt, n, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status new_object(cc *c, pts_class *cls, int dst)
{
    int site;
    PTS_TRY(pts_cc_fn_site(c, NULL, NULL, cls, false, &site));
    return pts_cc_emit(c, PTS_OPC_NEWOBJ, dst, 0, site, 0, 0, NULL);
}

/* method call on an evaluated receiver temp `recv` */
static pts_status method_call(cc *c, const pts_ast_expr *e, const char *name, int recv_base, int dst)
{
    /* recv_base holds the receiver; the args follow it */
    int n = e->u.call.nargs, nkw = e->u.call.nkw;
    for (int i = 0; i < n + nkw; i++)
        pts_cc_temp(c);
    for (int i = 0; i < n; i++)
        PTS_TRY(pts_cc_expr(c, e->u.call.args[i], recv_base + 1 + i));
    for (int i = 0; i < nkw; i++)
        PTS_TRY(pts_cc_expr(c, e->u.call.kwvalues[i], recv_base + 1 + n + i));
    int site;
    PTS_TRY(pts_cc_method_site(c, name, n + 1, &site));
    char opname[256];
    snprintf(opname, sizeof opname, "aten::%s", name);
    int nov = 0;
    pts_ops_overloads(opname, &nov);
    if (nov) {
        int os;
        PTS_TRY(pts_cc_op_site(c, opname, n + 1, nkw, e->u.call.kwnames, &os));
        c->code->methods[site].fallback = os + 1;
    } else if (nkw) {
        return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "keyword arguments in a method call are not supported");
    }
    return pts_cc_emit(c, PTS_OPC_CALLMETHOD, dst, recv_base, site, n + 1 + nkw, PTS_F_TB, NULL);
}

static pts_status torch_call(cc *c, const pts_ast_expr *e, const char *q, int dst)
{
    size_t ql = strlen(q);
    /* __torch__.C.__new__(__torch__.C) */
    if (ql > 8 && strcmp(q + ql - 8, ".__new__") == 0) {
        char *cn = pts_strndup(q, ql - 8);
        if (!cn)
            return pts_err_nomem("a name", ql);
        pts_class *cls = find_class(c, cn);
        pts_free(cn);
        if (!cls)
            return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "class '%.*s' is not defined", (int)(ql - 8), q);
        return new_object(c, cls, dst);
    }
    pts_function *f = find_function(c, q);
    if (f) {
        c->fn_qualname = f->qualname;
        pts_status st = fn_call(c, e, &f->m, NULL, -1, dst);
        c->fn_qualname = NULL;
        return st;
    }
    pts_class *cls = find_class(c, q);
    if (cls) {
        if (cls->kind == PTS_CLS_NAMEDTUPLE)
            return namedtuple_call(c, e, cls, dst);
        if (cls->kind == PTS_CLS_CLASS) {
            int mark = c->top, res = pts_cc_temp(c), obj = pts_cc_temp(c), base = pts_cc_temp(c);
            PTS_TRY(new_object(c, cls, obj));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, base, obj, 0, 0, 0, NULL));
            c->top = base + 1;
            PTS_TRY(method_call(c, e, "__init__", base, res));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, res, 0, 0, 0, 0, NULL));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, dst, obj, 0, 0, PTS_F_TB, NULL));
            c->top = mark;
            return PTS_OK;
        }
        return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "cannot call %s", q);
    }
    /* __torch__.C.method(self, ...) */
    const char *dot = strrchr(q, '.');
    char *cn = pts_strndup(q, (size_t)(dot - q));
    if (!cn)
        return pts_err_nomem("a name", ql);
    cls = find_class(c, cn);
    pts_free(cn);
    if (cls) {
        pts_method *m = pts_class_find_method(cls, dot + 1);
        if (m)
            return fn_call(c, e, m, cls, -1, dst);
    }
    return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "'%s' is not defined", q);
}

/* ---- fork ------------------------------------------------------------------------------------ */

pts_status pts_cc_nested_def(cc *c, const pts_ast_stmt *s)
{
    void *np = pts_realloc((void *)c->nested, (size_t)(c->nnested + 1) * sizeof *c->nested);
    if (!np)
        return pts_err_nomem("nested functions", 0);
    c->nested = np;
    c->nested[c->nnested++] = s;
    return PTS_OK;
}

static const pts_ast_stmt *find_nested(cc *c, const char *name)
{
    for (int i = c->nnested - 1; i >= 0; i--)
        if (strcmp(c->nested[i]->u.def.name, name) == 0)
            return c->nested[i];
    return NULL;
}

static pts_status fork_form(cc *c, const pts_ast_expr *e, int dst)
{
    if (e->u.call.nargs < 1)
        return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "fork() needs a function");
    const pts_ast_expr *fn = e->u.call.args[0];
    int mark = c->top, res = pts_cc_temp(c);
    const pts_ast_stmt *def = fn->kind == PTS_EX_NAME ? find_nested(c, fn->u.name) : NULL;
    if (def) {
        /* run the closure inline: its locals share this frame's registers */
        if (e->u.call.nargs - 1 != def->u.def.nparams)
            return pts_cc_error(c, &e->pos, PTS_ERR_TYPE, "fork(): %s takes %d arguments", def->u.def.name,
                                def->u.def.nparams);
        for (int i = 0; i < def->u.def.nparams; i++) {
            int r = pts_cc_local(c, def->u.def.params[i].name);
            PTS_TRY(pts_cc_expr(c, e->u.call.args[i + 1], r));
        }
        pts_cc_inline_ret ir;
        memset(&ir, 0, sizeof ir);
        ir.dst = res;
        ir.with_depth = c->with_depth;
        pts_cc_inline_ret *saved = c->inline_ret;
        pts_cc_loop *saved_loop = c->loop;
        c->inline_ret = &ir;
        c->loop = NULL;
        int saved_reserved = c->reserved_top;
        c->reserved_top = c->top;
        pts_status st = pts_cc_block(c, &def->u.def.body);
        c->reserved_top = saved_reserved;
        c->inline_ret = saved;
        c->loop = saved_loop;
        if (!st)
            st = pts_cc_emit(c, PTS_OPC_LOADNONE, res, 0, 0, 0, 0, NULL);
        for (int i = 0; i < ir.jumps.n; i++)
            pts_cc_patch(c, ir.jumps.at[i], pts_cc_here(c));
        pts_free(ir.jumps.at);
        PTS_TRY(st);
    } else {
        pts_sb sb;
        pts_sb_init(&sb);
        if (!pts_ast_dotted_name(&sb, fn) || strncmp(pts_sb_str(&sb), "__torch__.", 10) != 0) {
            pts_sb_free(&sb);
            return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "fork() of this callable is not supported");
        }
        pts_function *f = find_function(c, pts_sb_str(&sb));
        pts_sb_free(&sb);
        if (!f)
            return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "fork(): function not found");
        /* a call expression with the remaining args */
        pts_ast_expr call = *e;
        call.u.call.nargs = e->u.call.nargs - 1;
        call.u.call.args = e->u.call.args + 1;
        c->fn_qualname = f->qualname;
        pts_status st = fn_call(c, &call, &f->m, NULL, -1, res);
        c->fn_qualname = NULL;
        PTS_TRY(st);
    }
    PTS_TRY(pts_cc_emit(c, PTS_OPC_MAKEFUTURE, dst, res, 0, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

/* ---- calls ------------------------------------------------------------------------------------- */

static const struct {
    const char *name, *op;
} builtin_ops[] = {
    {"int", "aten::Int"},       {"float", "aten::Float"},   {"bool", "aten::Bool"},   {"str", "aten::str"},
    {"len", "aten::len"},       {"sorted", "aten::sorted"}, {"min", "prim::min"},     {"max", "prim::max"},
    {"abs", "prim::abs"},       {"round", "aten::round"},   {"divmod", "aten::divmod"}, {"list", "aten::list"},
    {"dict", "aten::dict"},     {"ord", "aten::ord"},       {"chr", "aten::chr"},     {"hex", "aten::hex"},
    {"bin", "aten::bin"},       {"oct", "aten::oct"},       {"complex", "aten::Complex"}, {"sum", "aten::sum"},
    {"all", "aten::all"},       {"any", "aten::any"},       {"hash", "aten::hash"},
};

pts_status pts_cc_bind_function_alias(cc *c, const char *name, const pts_ast_expr *value, bool *bound)
{
    *bound = false;
    const char *root = chain_root(value);
    if (!root || strcmp(root, "__torch__") != 0 || pts_cc_local(c, "__torch__") >= 0)
        return PTS_OK;
    pts_sb sb;
    pts_sb_init(&sb);
    if (!pts_ast_dotted_name(&sb, value) || sb.failed) {
        pts_sb_free(&sb);
        return PTS_OK;
    }
    const char *q = pts_sb_str(&sb);
    pts_method *m = NULL;
    pts_class *cls = NULL;
    const char *qual = NULL;
    pts_function *f = find_function(c, q);
    if (f) {
        m = &f->m;
        qual = f->qualname;
    } else {
        const char *dot = strrchr(q, '.');
        char *cn = pts_strndup(q, (size_t)(dot - q));
        cls = cn ? find_class(c, cn) : NULL;
        pts_free(cn);
        if (cls && !pts_cu_find_class(c->cu, q))
            m = pts_class_find_method(cls, dot + 1);
    }
    pts_sb_free(&sb);
    if (!m)
        return PTS_OK;
    void *na = pts_realloc(c->aliases, (size_t)(c->naliases + 1) * sizeof *c->aliases);
    if (!na)
        return pts_err_nomem("function aliases", 0);
    c->aliases = na;
    c->aliases[c->naliases].name = name;
    c->aliases[c->naliases].m = m;
    c->aliases[c->naliases].cls = cls;
    c->aliases[c->naliases].qualname = qual;
    c->naliases++;
    *bound = true;
    return PTS_OK;
}

pts_status pts_cc_call(cc *c, const pts_ast_expr *e, int dst)
{
    const pts_ast_expr *f = e->u.call.func;
    if (f->kind == PTS_EX_NAME)
        for (int i = c->naliases - 1; i >= 0; i--)
            if (strcmp(c->aliases[i].name, f->u.name) == 0) {
                c->fn_qualname = c->aliases[i].qualname;
                pts_status st = fn_call(c, e, c->aliases[i].m, c->aliases[i].cls, -1, dst);
                c->fn_qualname = NULL;
                return st;
            }
    if (f->kind == PTS_EX_NAME && pts_cc_local(c, f->u.name) < 0) {
        const char *n = f->u.name;
        if (strcmp(n, "annotate") == 0)
            return annotate_form(c, e, dst, true);
        if (strcmp(n, "unchecked_cast") == 0)
            return annotate_form(c, e, dst, false);
        if (strcmp(n, "uninitialized") == 0)
            return pts_cc_emit(c, PTS_OPC_LOADUNINIT, dst, 0, 0, 0, 0, NULL);
        if (strcmp(n, "isinstance") == 0)
            return isinstance_form(c, e, dst);
        if (strcmp(n, "getattr") == 0)
            return getattr_form(c, e, dst);
        if (strcmp(n, "fork") == 0 || strcmp(n, "awaitable") == 0)
            return fork_form(c, e, dst);
        if (strcmp(n, "print") == 0)
            return print_form(c, e, dst);
        if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
            if (e->u.call.nargs > 2)
                return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "%s() of more than two values", n);
        }
        if (strcmp(n, "int") == 0 && returns_number(e))
            return int_of_number(c, e, dst);
        for (size_t i = 0; i < sizeof builtin_ops / sizeof builtin_ops[0]; i++)
            if (strcmp(n, builtin_ops[i].name) == 0)
                return op_call(c, builtin_ops[i].op, e, dst);
        if (strcmp(n, "range") == 0)
            return op_call(c, "prim::rangelist", e, dst);
        return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "unknown function '%s'", n);
    }
    const char *root = chain_root(f);
    if (f->kind == PTS_EX_ATTR && root && pts_cc_local(c, root) < 0) {
        if (strcmp(root, "torch") == 0 || strcmp(root, "ops") == 0 || strcmp(root, "math") == 0) {
            char opname[256];
            if (strcmp(root, "math") == 0 && f->u.attr.value->kind == PTS_EX_NAME)
                snprintf(opname, sizeof opname, "aten::%s", f->u.attr.name);
            else if (!pts_frontend_op_name(f, opname, sizeof opname))
                return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "unknown operator namespace");
            if (strcmp(opname, "aten::wait") == 0 || strcmp(opname, "prim::awaitable_wait") == 0) {
                PTS_TRY(need_args(c, e, "wait", 1, 1));
                int mark = c->top, v;
                PTS_TRY(pts_cc_expr_temp(c, e->u.call.args[0], &v));
                PTS_TRY(pts_cc_emit(c, PTS_OPC_WAIT, dst, v, 0, 0, PTS_F_TB, NULL));
                c->top = mark;
                return PTS_OK;
            }
            if (strcmp(opname, "prim::Print") == 0)
                return print_form(c, e, dst);
            return op_call(c, opname, e, dst);
        }
        if (strcmp(root, "__torch__") == 0) {
            pts_sb sb;
            pts_sb_init(&sb);
            if (!pts_ast_dotted_name(&sb, f) || sb.failed) {
                pts_sb_free(&sb);
                return pts_err_nomem("a name", 0);
            }
            pts_status st = torch_call(c, e, pts_sb_str(&sb), dst);
            pts_sb_free(&sb);
            return st;
        }
    }
    if (f->kind == PTS_EX_ATTR) {
        int mark = c->top, recv = pts_cc_temp(c);
        PTS_TRY(pts_cc_expr(c, f->u.attr.value, recv));
        PTS_TRY(method_call(c, e, f->u.attr.name, recv, dst));
        c->top = mark;
        return PTS_OK;
    }
    return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "this kind of call is not supported");
}

/* ---- loops ----------------------------------------------------------------------------------------- */

/* Emit the head of a loop over `iter`; the loop variable lands in a fresh temp
 * stored into `target` each iteration.  *top: where `continue` goes;
 * *exit_at: the instruction to patch with the exit. */
static pts_status loop_head(cc *c, const pts_ast_expr *target, const pts_ast_expr *iter, int *top, int *exit_at)
{
    bool is_range = iter->kind == PTS_EX_CALL && is_global_name(c, iter->u.call.func, "range");
    bool is_enum = iter->kind == PTS_EX_CALL && is_global_name(c, iter->u.call.func, "enumerate");
    int state = c->top;
    if (is_range) {
        int n = iter->u.call.nargs;
        if (n < 1 || n > 3 || iter->u.call.nkw)
            return pts_cc_error(c, &iter->pos, PTS_ERR_LOAD, "range() takes 1 to 3 arguments");
        int cur = pts_cc_temp(c), stop = pts_cc_temp(c), step = pts_cc_temp(c);
        if (n == 1) {
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADINT, cur, 0, 0, 0, 0, NULL));
            PTS_TRY(pts_cc_expr(c, iter->u.call.args[0], stop));
        } else {
            PTS_TRY(pts_cc_expr(c, iter->u.call.args[0], cur));
            PTS_TRY(pts_cc_expr(c, iter->u.call.args[1], stop));
        }
        if (n == 3)
            PTS_TRY(pts_cc_expr(c, iter->u.call.args[2], step));
        else
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADINT, step, 0, 1, 0, 0, NULL));
    } else {
        int it = pts_cc_temp(c), idx = pts_cc_temp(c);
        const pts_ast_expr *src = iter;
        if (is_enum) {
            if (iter->u.call.nargs != 1)
                return pts_cc_error(c, &iter->pos, PTS_ERR_UNSUPPORTED, "enumerate() with a start");
            src = iter->u.call.args[0];
        }
        PTS_TRY(pts_cc_expr(c, src, it));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADINT, idx, 0, 0, 0, 0, NULL));
    }
    c->reserved_top = c->top;
    *top = pts_cc_here(c);
    int var = pts_cc_temp(c);
    PTS_TRY(pts_cc_emit(c, is_range ? PTS_OPC_FORRANGE : PTS_OPC_FORITER, var, state, -1, is_enum, 0, exit_at));
    PTS_TRY(pts_cc_store(c, target, var));
    c->top = var;
    return PTS_OK;
}

static pts_status loop_tail(cc *c, int state, int top, int exit_at, int *exit_pos)
{
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, top, 0, 0, NULL));
    pts_cc_patch(c, exit_at, pts_cc_here(c));
    if (exit_pos)
        *exit_pos = pts_cc_here(c);
    for (int r = state; r < c->reserved_top; r++)
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, r, 0, 0, 0, 0, NULL));
    return PTS_OK;
}

pts_status pts_cc_for(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top, saved_reserved = c->reserved_top, top, exit_at;
    pts_status st = loop_head(c, s->u.for_.target, s->u.for_.iter, &top, &exit_at);
    pts_cc_loop lp;
    memset(&lp, 0, sizeof lp);
    if (!st)
        st = pts_cc_loop_body(c, &s->u.for_.body, top, &lp);
    int brk = 0;
    if (!st)
        st = loop_tail(c, mark, top, exit_at, &brk); /* breaks land on the CLEARs of the loop state */
    pts_cc_loop_finish(c, &lp, top, brk);
    c->reserved_top = saved_reserved;
    c->top = mark;
    return st;
}

pts_status pts_cc_comprehension(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top, saved_reserved = c->reserved_top;
    int res = pts_cc_temp(c);
    bool isdict = e->kind == PTS_EX_DICTCOMP;
    PTS_TRY(pts_cc_emit(c, isdict ? PTS_OPC_DICT : PTS_OPC_LIST, res, res, -1, 0, 0, NULL));
    c->reserved_top = c->top;
    int state = c->top, top, exit_at, jskip = -1;
    PTS_TRY(loop_head(c, e->u.comp.target, e->u.comp.iter, &top, &exit_at));
    int lm = c->top;
    if (e->u.comp.cond) {
        int cond;
        PTS_TRY(pts_cc_expr_temp(c, e->u.comp.cond, &cond));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMPIFNOT, 0, cond, top, 0, PTS_F_TB, &jskip));
        c->top = lm;
    }
    int base = pts_cc_temp(c);
    PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, base, res, 0, 0, 0, NULL));
    if (isdict) {
        pts_cc_temp(c);
        pts_cc_temp(c);
        PTS_TRY(pts_cc_expr(c, e->u.comp.key, base + 1));
        PTS_TRY(pts_cc_expr(c, e->u.comp.elt, base + 2));
    } else {
        pts_cc_temp(c);
        PTS_TRY(pts_cc_expr(c, e->u.comp.elt, base + 1));
    }
    int r = pts_cc_temp(c);
    PTS_TRY(pts_cc_call_op2(c, isdict ? "aten::_set_item" : "aten::append", base, isdict ? 3 : 2, r));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, r, 0, 0, 0, 0, NULL));
    c->top = lm;
    PTS_TRY(loop_tail(c, state, top, exit_at, NULL));
    c->reserved_top = saved_reserved;
    PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, dst, res, 0, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

/* ---- liveness ---------------------------------------------------------------------------------------- */

/* Locals are only ever read by MOVE (every other instruction reads
 * temporaries), so "release at last use" means: a MOVE whose source local is
 * dead afterwards moves the value out instead of copying it.  Backward
 * liveness over the instruction graph, one bit per local. */

static bool writes_a(int op)
{
    switch (op) {
    case PTS_OPC_LOADK: case PTS_OPC_LOADNONE: case PTS_OPC_LOADINT: case PTS_OPC_LOADBOOL:
    case PTS_OPC_LOADCONSTTAB: case PTS_OPC_LOADUNINIT: case PTS_OPC_MOVE: case PTS_OPC_CALLOP:
    case PTS_OPC_CALLFN: case PTS_OPC_CALLMETHOD: case PTS_OPC_NEWOBJ: case PTS_OPC_GETATTR:
    case PTS_OPC_TUPLE: case PTS_OPC_LIST: case PTS_OPC_DICT: case PTS_OPC_SUBSCR: case PTS_OPC_SLICE:
    case PTS_OPC_CONTAINS: case PTS_OPC_NOT: case PTS_OPC_IS: case PTS_OPC_ISNOT: case PTS_OPC_ISINSTANCE:
    case PTS_OPC_CONVERT: case PTS_OPC_FORRANGE: case PTS_OPC_FORITER: case PTS_OPC_MAKEFUTURE:
    case PTS_OPC_WAIT: case PTS_OPC_CLEAR: return true;
    default: return false;
    }
}

pts_status pts_cc_liveness(cc *c)
{
    pts_code *k = c->code;
    int nl = k->nlocals, n = k->ninsns;
    if (nl == 0 || n == 0 || (size_t)nl * (size_t)n > ((size_t)1 << 27))
        return PTS_OK; /* huge functions: keep release-on-overwrite only */
    int words = (nl + 63) / 64;
    uint64_t *live = pts_calloc((size_t)n * (size_t)words, sizeof *live); /* live-in per instruction */
    uint64_t *out = pts_calloc((size_t)words, sizeof *out);
    if (!live || !out) {
        pts_free(live);
        pts_free(out);
        return pts_err_nomem("liveness", (size_t)n * (size_t)words * 8);
    }
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = n - 1; i >= 0; i--) {
            const pts_insn *in = &k->insns[i];
            int op = in->op;
            memset(out, 0, (size_t)words * sizeof *out);
            int succ[2], ns = 0;
            if (op == PTS_OPC_JUMP) {
                succ[ns++] = in->c;
            } else if (op != PTS_OPC_RETURN && op != PTS_OPC_RAISE && op != PTS_OPC_ASSERTFAIL) {
                if (i + 1 < n)
                    succ[ns++] = i + 1;
                if (op == PTS_OPC_JUMPIF || op == PTS_OPC_JUMPIFNOT || op == PTS_OPC_FORRANGE || op == PTS_OPC_FORITER)
                    succ[ns++] = in->c;
            }
            for (int s = 0; s < ns; s++)
                if (succ[s] >= 0 && succ[s] < n)
                    for (int w = 0; w < words; w++)
                        out[w] |= live[(size_t)succ[s] * words + w];
            /* in = use ∪ (out − def) */
            if (writes_a(op)) {
                int cnt = op == PTS_OPC_UNPACK ? in->n : 1;
                for (int r = in->a; r < in->a + cnt; r++)
                    if (r >= 0 && r < nl)
                        out[r / 64] &= ~((uint64_t)1 << (r % 64));
            }
            if (op == PTS_OPC_UNPACK)
                for (int r = in->a; r < in->a + in->n; r++)
                    if (r >= 0 && r < nl)
                        out[r / 64] &= ~((uint64_t)1 << (r % 64));
            if (op == PTS_OPC_MOVE && in->b < nl && in->b >= 0)
                out[in->b / 64] |= (uint64_t)1 << (in->b % 64);
            uint64_t *cur = &live[(size_t)i * words];
            if (memcmp(cur, out, (size_t)words * sizeof *out) != 0) {
                memcpy(cur, out, (size_t)words * sizeof *out);
                changed = true;
            }
        }
    }
    /* a MOVE from local b is its last use when b is not live after it */
    for (int i = 0; i < n; i++) {
        pts_insn *in = &k->insns[i];
        if (in->op != PTS_OPC_MOVE || in->b >= nl || in->b < 0 || in->a == in->b || (in->flags & PTS_F_TB))
            continue;
        int nxt = i + 1;
        bool live_after = nxt < n && (live[(size_t)nxt * words + in->b / 64] >> (in->b % 64)) & 1;
        if (!live_after)
            in->flags |= PTS_F_TB;
    }
    pts_free(live);
    pts_free(out);
    return PTS_OK;
}
