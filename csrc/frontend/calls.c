/* calls.c - collect the operator names a unit calls (see calls.h).
 *
 * A plain recursive walk over statements and expressions (the parser bounds
 * both depths).  Names already reported are remembered in a scratch arena's
 * intern table.
 */
#include "frontend/calls.h"

#include <stdio.h>
#include <string.h>

#include "frontend/arena.h"

typedef struct walker {
    pts_arena *seen;
    pts_frontend_call_fn fn;
    void *ud;
} walker;

static const struct {
    const char *name, *op;
} builtin_ops[] = {
    {"int", "aten::Int"},   {"float", "aten::Float"},   {"bool", "aten::Bool"}, {"str", "aten::str"},
    {"len", "aten::len"},   {"sorted", "aten::sorted"}, {"print", "prim::Print"},
};

int pts_frontend_op_name(const pts_ast_expr *func, char *buf, size_t cap)
{
    int n = -1;
    if (func->kind == PTS_EX_NAME) {
        for (size_t i = 0; i < sizeof builtin_ops / sizeof builtin_ops[0]; i++)
            if (strcmp(func->u.name, builtin_ops[i].name) == 0)
                n = snprintf(buf, cap, "%s", builtin_ops[i].op);
    } else if (func->kind == PTS_EX_ATTR) {
        const pts_ast_expr *v = func->u.attr.value;
        const char *name = func->u.attr.name;
        if (v->kind == PTS_EX_NAME && strcmp(v->u.name, "torch") == 0) {
            n = snprintf(buf, cap, "aten::%s", name);
        } else if (v->kind == PTS_EX_ATTR && v->u.attr.value->kind == PTS_EX_NAME) {
            const char *root = v->u.attr.value->u.name;
            if (strcmp(root, "ops") == 0)
                n = snprintf(buf, cap, "%s::%s", v->u.attr.name, name);
            else if (strcmp(root, "torch") == 0 && strcmp(v->u.attr.name, "autograd") == 0)
                n = snprintf(buf, cap, "aten::%s", name);
        }
    }
    return n > 0 && (size_t)n < cap;
}

static pts_status walk_expr(walker *w, const pts_ast_expr *e);
static pts_status walk_block(walker *w, const pts_ast_block *b);

static pts_status walk_exprs(walker *w, int n, pts_ast_expr *const *items)
{
    for (int i = 0; i < n; i++)
        PTS_TRY(walk_expr(w, items[i]));
    return PTS_OK;
}

static pts_status report_call(walker *w, const pts_ast_expr *e)
{
    char name[256];
    if (!pts_frontend_op_name(e->u.call.func, name, sizeof name))
        return PTS_OK;
    int added;
    if (!pts_arena_intern_ex(w->seen, name, strlen(name), &added))
        return PTS_ERR_NOMEM;
    return added ? w->fn(w->ud, name, e->pos.file, e->pos.line) : PTS_OK;
}

static pts_status walk_expr(walker *w, const pts_ast_expr *e)
{
    if (!e)
        return PTS_OK;
    switch (e->kind) {
    case PTS_EX_ATTR: return walk_expr(w, e->u.attr.value);
    case PTS_EX_SUBSCRIPT:
        PTS_TRY(walk_expr(w, e->u.sub.value));
        return walk_exprs(w, e->u.sub.n, e->u.sub.index);
    case PTS_EX_SLICE:
        PTS_TRY(walk_expr(w, e->u.slice.lower));
        PTS_TRY(walk_expr(w, e->u.slice.upper));
        return walk_expr(w, e->u.slice.step);
    case PTS_EX_CALL:
        PTS_TRY(report_call(w, e));
        PTS_TRY(walk_expr(w, e->u.call.func));
        PTS_TRY(walk_exprs(w, e->u.call.nargs, e->u.call.args));
        return walk_exprs(w, e->u.call.nkw, e->u.call.kwvalues);
    case PTS_EX_UNARY: return walk_expr(w, e->u.unary.operand);
    case PTS_EX_BINARY:
        PTS_TRY(walk_expr(w, e->u.bin.left));
        return walk_expr(w, e->u.bin.right);
    case PTS_EX_BOOLOP:
    case PTS_EX_TUPLE:
    case PTS_EX_LIST: return walk_exprs(w, e->u.seq.n, e->u.seq.items);
    case PTS_EX_COMPARE: return walk_exprs(w, e->u.cmp.n, e->u.cmp.operands);
    case PTS_EX_IFEXP:
        PTS_TRY(walk_expr(w, e->u.ifexp.cond));
        PTS_TRY(walk_expr(w, e->u.ifexp.then));
        return walk_expr(w, e->u.ifexp.orelse);
    case PTS_EX_DICT:
        PTS_TRY(walk_exprs(w, e->u.dict.n, e->u.dict.keys));
        return walk_exprs(w, e->u.dict.n, e->u.dict.values);
    case PTS_EX_LISTCOMP:
    case PTS_EX_DICTCOMP:
        PTS_TRY(walk_expr(w, e->u.comp.iter));
        PTS_TRY(walk_expr(w, e->u.comp.cond));
        PTS_TRY(walk_expr(w, e->u.comp.key));
        return walk_expr(w, e->u.comp.elt);
    default: return PTS_OK; /* names and constants */
    }
}

static pts_status walk_stmt(walker *w, const pts_ast_stmt *s)
{
    switch (s->kind) {
    case PTS_ST_EXPR:
    case PTS_ST_RETURN:
    case PTS_ST_RAISE: return walk_expr(w, s->u.expr);
    case PTS_ST_ASSIGN:
        PTS_TRY(walk_exprs(w, s->u.assign.ntargets, s->u.assign.targets));
        return walk_expr(w, s->u.assign.value);
    case PTS_ST_ANNASSIGN:
        PTS_TRY(walk_expr(w, s->u.ann.target));
        return walk_expr(w, s->u.ann.value);
    case PTS_ST_AUGASSIGN:
        PTS_TRY(walk_expr(w, s->u.aug.target));
        return walk_expr(w, s->u.aug.value);
    case PTS_ST_IF:
        PTS_TRY(walk_expr(w, s->u.if_.cond));
        PTS_TRY(walk_block(w, &s->u.if_.body));
        return walk_block(w, &s->u.if_.orelse);
    case PTS_ST_WHILE:
        PTS_TRY(walk_expr(w, s->u.while_.cond));
        return walk_block(w, &s->u.while_.body);
    case PTS_ST_FOR:
        PTS_TRY(walk_expr(w, s->u.for_.iter));
        return walk_block(w, &s->u.for_.body);
    case PTS_ST_WITH:
        for (int i = 0; i < s->u.with.n; i++)
            PTS_TRY(walk_expr(w, s->u.with.items[i].expr));
        return walk_block(w, &s->u.with.body);
    case PTS_ST_ASSERT:
        PTS_TRY(walk_expr(w, s->u.assert_.test));
        return walk_expr(w, s->u.assert_.msg);
    case PTS_ST_DEL: return walk_exprs(w, s->u.del.n, s->u.del.targets);
    case PTS_ST_DEF:
        for (int i = 0; i < s->u.def.nparams; i++)
            PTS_TRY(walk_expr(w, s->u.def.params[i].def));
        return walk_block(w, &s->u.def.body);
    case PTS_ST_CLASS: return walk_block(w, &s->u.class_.body);
    default: return PTS_OK;
    }
}

static pts_status walk_block(walker *w, const pts_ast_block *b)
{
    for (int i = 0; i < b->n; i++)
        PTS_TRY(walk_stmt(w, b->stmts[i]));
    return PTS_OK;
}

/* Run `body` with a fresh walker. */
typedef pts_status (*walk_fn)(walker *w, const void *arg);

static pts_status with_walker(walk_fn body, const void *arg, pts_frontend_call_fn fn, void *ud)
{
    walker w;
    w.seen = pts_arena_new();
    if (!w.seen)
        return PTS_ERR_NOMEM;
    w.fn = fn;
    w.ud = ud;
    pts_status st = body(&w, arg);
    pts_arena_free(w.seen);
    return st;
}

static pts_status walk_unit(walker *w, const void *arg)
{
    pts_cu *cu = (pts_cu *)arg;
    for (int i = 0; i < cu->nclasses; i++) {
        const pts_class *c = cu->classes[i];
        for (int j = 0; j < c->nmethods; j++)
            if (c->methods[j].def)
                PTS_TRY(walk_stmt(w, c->methods[j].def));
    }
    for (int i = 0; i < cu->nfunctions; i++)
        if (cu->functions[i]->m.def)
            PTS_TRY(walk_stmt(w, cu->functions[i]->m.def));
    return PTS_OK;
}

static pts_status walk_one(walker *w, const void *arg) { return walk_stmt(w, arg); }
static pts_status walk_module(walker *w, const void *arg)
{
    return walk_block(w, &((const pts_ast_module *)arg)->body);
}

pts_status pts_frontend_collect_calls(pts_cu *cu, pts_frontend_call_fn fn, void *ud)
{
    return with_walker(walk_unit, cu, fn, ud);
}

pts_status pts_frontend_collect_calls_stmt(const pts_ast_stmt *s, pts_frontend_call_fn fn, void *ud)
{
    return with_walker(walk_one, s, fn, ud);
}

pts_status pts_frontend_collect_calls_module(const pts_ast_module *m, pts_frontend_call_fn fn, void *ud)
{
    return with_walker(walk_module, m, fn, ud);
}
