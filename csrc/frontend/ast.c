/* ast.c - names of AST kinds and the canonical s-expression printer.
 *
 * Printed forms (one line, children separated by single spaces):
 *   expressions  x  5  2.5  2.j  "s"  True  None  ...
 *                (. value name)  ([] value index...)  (slice lo hi step)
 *                (call func arg... (kw name value)...)
 *                (neg x) (pos x) (~ x) (not x)  (+ a b) ...  (and a b...)
 *                (< a b)  or chained (compare a < b <= c); "not in" and
 *                "is not" print as not-in / is-not
 *                (ifexp cond then else)  (tuple ...)  (list ...)
 *                (dict (k v)...)  (listcomp elt target iter [cond])
 *                (dictcomp key value target iter [cond])
 *   statements   (expr e)  (= target... value)  (ann target type [value])
 *                (+= target value)  (if cond (block ...) [(block ...)])
 *                (while cond (block ...))  (for target iter (block ...))
 *                (with item... (block ...)) where item is e or (as e t)
 *                (return [e])  (pass)  (break)  (continue)  (raise [e])
 *                (assert test [msg])  (del t...)  (global name...)
 *                (def name (param...) ret (block ...)) where param is
 *                  name | (name type) | (name type default), `_` for a
 *                  missing part, `*` marks the start of keyword-only params
 *                (class name (base...) (block ...))
 *   file         (module stmt...)
 * Missing optional children print as `_`.
 */
#include "frontend/ast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const expr_names[PTS_EX__COUNT] = {
#define PTS_AST_NAME(name, text) text,
    PTS_AST_EXPRS(PTS_AST_NAME)
#undef PTS_AST_NAME
};
static const char *const stmt_names[PTS_ST__COUNT] = {
#define PTS_AST_NAME(name, text) text,
    PTS_AST_STMTS(PTS_AST_NAME)
#undef PTS_AST_NAME
};
static const char *const op_names[PTS_OP__COUNT] = {
#define PTS_AST_NAME(name, text) text,
    PTS_AST_OPS(PTS_AST_NAME)
#undef PTS_AST_NAME
};

const char *pts_ast_expr_kind_name(pts_ast_ekind k) { return (unsigned)k < PTS_EX__COUNT ? expr_names[k] : "?"; }
const char *pts_ast_stmt_kind_name(pts_ast_skind k) { return (unsigned)k < PTS_ST__COUNT ? stmt_names[k] : "?"; }
const char *pts_ast_op_name(pts_ast_op op) { return (unsigned)op < PTS_OP__COUNT ? op_names[op] : "?"; }

/* ---- expressions ---------------------------------------------------------- */

/* Shortest %.Ng that reads back to the same double, always with a '.',
 * 'e', "inf" or "nan" in it (torch prints 2.0 as "2."). */
static void put_float(pts_sb *sb, double f)
{
    char buf[64];
    if (isnan(f)) {
        pts_sb_puts(sb, "nan");
        return;
    }
    if (isinf(f)) {
        pts_sb_puts(sb, f < 0 ? "-inf" : "inf");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, f);
        if (strtod(buf, NULL) == f)
            break;
    }
    pts_sb_puts(sb, buf);
    if (!strpbrk(buf, ".eE"))
        pts_sb_putc(sb, '.');
}

static void put_string(pts_sb *sb, const char *s, size_t n)
{
    pts_sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': pts_sb_puts(sb, "\\\\"); break;
        case '"': pts_sb_puts(sb, "\\\""); break;
        case '\n': pts_sb_puts(sb, "\\n"); break;
        case '\t': pts_sb_puts(sb, "\\t"); break;
        case '\r': pts_sb_puts(sb, "\\r"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                pts_sb_printf(sb, "\\%03o", c);
            else
                pts_sb_putc(sb, (char)c);
        }
    }
    pts_sb_putc(sb, '"');
}

static void put_opt(pts_sb *sb, const pts_ast_expr *e)
{
    pts_sb_putc(sb, ' ');
    if (e)
        pts_ast_print_expr(sb, e);
    else
        pts_sb_putc(sb, '_');
}

static void put_list(pts_sb *sb, int n, pts_ast_expr *const *items)
{
    for (int i = 0; i < n; i++) {
        pts_sb_putc(sb, ' ');
        pts_ast_print_expr(sb, items[i]);
    }
}

static void put_op(pts_sb *sb, pts_ast_op op)
{
    if (op == PTS_OP_NOTIN)
        pts_sb_puts(sb, "not-in");
    else if (op == PTS_OP_ISNOT)
        pts_sb_puts(sb, "is-not");
    else
        pts_sb_puts(sb, pts_ast_op_name(op));
}

static void print_compare(pts_sb *sb, const pts_ast_expr *e)
{
    if (e->u.cmp.n == 2) {
        pts_sb_putc(sb, '(');
        put_op(sb, e->u.cmp.ops[0]);
        put_list(sb, 2, e->u.cmp.operands);
        pts_sb_putc(sb, ')');
        return;
    }
    pts_sb_puts(sb, "(compare ");
    pts_ast_print_expr(sb, e->u.cmp.operands[0]);
    for (int i = 1; i < e->u.cmp.n; i++) {
        pts_sb_putc(sb, ' ');
        put_op(sb, e->u.cmp.ops[i - 1]);
        pts_sb_putc(sb, ' ');
        pts_ast_print_expr(sb, e->u.cmp.operands[i]);
    }
    pts_sb_putc(sb, ')');
}

static void print_call(pts_sb *sb, const pts_ast_expr *e)
{
    pts_sb_puts(sb, "(call ");
    pts_ast_print_expr(sb, e->u.call.func);
    put_list(sb, e->u.call.nargs, e->u.call.args);
    for (int i = 0; i < e->u.call.nkw; i++) {
        pts_sb_printf(sb, " (kw %s ", e->u.call.kwnames[i]);
        pts_ast_print_expr(sb, e->u.call.kwvalues[i]);
        pts_sb_putc(sb, ')');
    }
    pts_sb_putc(sb, ')');
}

static void print_comp(pts_sb *sb, const pts_ast_expr *e)
{
    pts_sb_printf(sb, "(%s", expr_names[e->kind]);
    if (e->kind == PTS_EX_DICTCOMP)
        put_opt(sb, e->u.comp.key);
    put_opt(sb, e->u.comp.elt);
    put_opt(sb, e->u.comp.target);
    put_opt(sb, e->u.comp.iter);
    if (e->u.comp.cond)
        put_opt(sb, e->u.comp.cond);
    pts_sb_putc(sb, ')');
}

void pts_ast_print_expr(pts_sb *sb, const pts_ast_expr *e)
{
    switch (e->kind) {
    case PTS_EX_NAME: pts_sb_puts(sb, e->u.name); break;
    case PTS_EX_INT: pts_sb_printf(sb, "%lld", (long long)e->u.i); break;
    case PTS_EX_FLOAT: put_float(sb, e->u.f); break;
    case PTS_EX_IMAG: put_float(sb, e->u.f); pts_sb_putc(sb, 'j'); break;
    case PTS_EX_STR: put_string(sb, e->u.str.s, e->u.str.len); break;
    case PTS_EX_TRUE:
    case PTS_EX_FALSE:
    case PTS_EX_NONE:
    case PTS_EX_ELLIPSIS: pts_sb_puts(sb, expr_names[e->kind]); break;
    case PTS_EX_ATTR:
        pts_sb_puts(sb, "(. ");
        pts_ast_print_expr(sb, e->u.attr.value);
        pts_sb_printf(sb, " %s)", e->u.attr.name);
        break;
    case PTS_EX_SUBSCRIPT:
        pts_sb_puts(sb, "([] ");
        pts_ast_print_expr(sb, e->u.sub.value);
        put_list(sb, e->u.sub.n, e->u.sub.index);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_SLICE:
        pts_sb_puts(sb, "(slice");
        put_opt(sb, e->u.slice.lower);
        put_opt(sb, e->u.slice.upper);
        put_opt(sb, e->u.slice.step);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_CALL: print_call(sb, e); break;
    case PTS_EX_UNARY:
        pts_sb_printf(sb, "(%s ", op_names[e->op]);
        pts_ast_print_expr(sb, e->u.unary.operand);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_BINARY:
        pts_sb_printf(sb, "(%s ", op_names[e->op]);
        pts_ast_print_expr(sb, e->u.bin.left);
        pts_sb_putc(sb, ' ');
        pts_ast_print_expr(sb, e->u.bin.right);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_BOOLOP:
        pts_sb_printf(sb, "(%s", op_names[e->op]);
        put_list(sb, e->u.seq.n, e->u.seq.items);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_COMPARE: print_compare(sb, e); break;
    case PTS_EX_IFEXP:
        pts_sb_puts(sb, "(ifexp");
        put_opt(sb, e->u.ifexp.cond);
        put_opt(sb, e->u.ifexp.then);
        put_opt(sb, e->u.ifexp.orelse);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_TUPLE:
    case PTS_EX_LIST:
        pts_sb_printf(sb, "(%s", expr_names[e->kind]);
        put_list(sb, e->u.seq.n, e->u.seq.items);
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_DICT:
        pts_sb_puts(sb, "(dict");
        for (int i = 0; i < e->u.dict.n; i++) {
            pts_sb_puts(sb, " (");
            pts_ast_print_expr(sb, e->u.dict.keys[i]);
            pts_sb_putc(sb, ' ');
            pts_ast_print_expr(sb, e->u.dict.values[i]);
            pts_sb_putc(sb, ')');
        }
        pts_sb_putc(sb, ')');
        break;
    case PTS_EX_LISTCOMP:
    case PTS_EX_DICTCOMP: print_comp(sb, e); break;
    default: pts_sb_puts(sb, "<?>"); break;
    }
}

/* ---- statements ----------------------------------------------------------- */

static void put_block(pts_sb *sb, const pts_ast_block *b)
{
    pts_sb_putc(sb, ' ');
    pts_ast_print_block(sb, b);
}

static void print_def(pts_sb *sb, const pts_ast_stmt *s)
{
    pts_sb_printf(sb, "(def %s (", s->u.def.name);
    for (int i = 0; i < s->u.def.nparams; i++) {
        const pts_ast_param *p = &s->u.def.params[i];
        if (i)
            pts_sb_putc(sb, ' ');
        if (i == s->u.def.kwonly)
            pts_sb_puts(sb, "* ");
        if (!p->annotation && !p->def) {
            pts_sb_puts(sb, p->name);
            continue;
        }
        pts_sb_printf(sb, "(%s", p->name);
        put_opt(sb, p->annotation);
        if (p->def)
            put_opt(sb, p->def);
        pts_sb_putc(sb, ')');
    }
    if (s->u.def.kwonly >= 0 && s->u.def.kwonly == s->u.def.nparams)
        pts_sb_puts(sb, s->u.def.nparams ? " *" : "*");
    pts_sb_putc(sb, ')');
    put_opt(sb, s->u.def.ret);
    put_block(sb, &s->u.def.body);
    pts_sb_putc(sb, ')');
}

static void print_with(pts_sb *sb, const pts_ast_stmt *s)
{
    pts_sb_puts(sb, "(with");
    for (int i = 0; i < s->u.with.n; i++) {
        const pts_ast_with_item *it = &s->u.with.items[i];
        pts_sb_putc(sb, ' ');
        if (it->target) {
            pts_sb_puts(sb, "(as ");
            pts_ast_print_expr(sb, it->expr);
            pts_sb_putc(sb, ' ');
            pts_ast_print_expr(sb, it->target);
            pts_sb_putc(sb, ')');
        } else {
            pts_ast_print_expr(sb, it->expr);
        }
    }
    put_block(sb, &s->u.with.body);
    pts_sb_putc(sb, ')');
}

void pts_ast_print_stmt(pts_sb *sb, const pts_ast_stmt *s)
{
    switch (s->kind) {
    case PTS_ST_EXPR:
    case PTS_ST_RETURN:
    case PTS_ST_RAISE:
        pts_sb_printf(sb, "(%s", stmt_names[s->kind]);
        if (s->u.expr)
            put_opt(sb, s->u.expr);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_ASSIGN:
        pts_sb_puts(sb, "(=");
        put_list(sb, s->u.assign.ntargets, s->u.assign.targets);
        put_opt(sb, s->u.assign.value);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_ANNASSIGN:
        pts_sb_puts(sb, "(ann");
        put_opt(sb, s->u.ann.target);
        put_opt(sb, s->u.ann.annotation);
        if (s->u.ann.value)
            put_opt(sb, s->u.ann.value);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_AUGASSIGN:
        pts_sb_printf(sb, "(%s=", op_names[s->u.aug.op]);
        put_opt(sb, s->u.aug.target);
        put_opt(sb, s->u.aug.value);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_IF:
        pts_sb_puts(sb, "(if");
        put_opt(sb, s->u.if_.cond);
        put_block(sb, &s->u.if_.body);
        if (s->u.if_.orelse.n)
            put_block(sb, &s->u.if_.orelse);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_WHILE:
        pts_sb_puts(sb, "(while");
        put_opt(sb, s->u.while_.cond);
        put_block(sb, &s->u.while_.body);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_FOR:
        pts_sb_puts(sb, "(for");
        put_opt(sb, s->u.for_.target);
        put_opt(sb, s->u.for_.iter);
        put_block(sb, &s->u.for_.body);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_WITH: print_with(sb, s); break;
    case PTS_ST_PASS:
    case PTS_ST_BREAK:
    case PTS_ST_CONTINUE: pts_sb_printf(sb, "(%s)", stmt_names[s->kind]); break;
    case PTS_ST_ASSERT:
        pts_sb_puts(sb, "(assert");
        put_opt(sb, s->u.assert_.test);
        if (s->u.assert_.msg)
            put_opt(sb, s->u.assert_.msg);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_DEL:
        pts_sb_puts(sb, "(del");
        put_list(sb, s->u.del.n, s->u.del.targets);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_GLOBAL:
        pts_sb_puts(sb, "(global");
        for (int i = 0; i < s->u.global.n; i++)
            pts_sb_printf(sb, " %s", s->u.global.names[i]);
        pts_sb_putc(sb, ')');
        break;
    case PTS_ST_DEF: print_def(sb, s); break;
    case PTS_ST_CLASS:
        pts_sb_printf(sb, "(class %s (", s->u.class_.name);
        for (int i = 0; i < s->u.class_.nbases; i++) {
            if (i)
                pts_sb_putc(sb, ' ');
            pts_ast_print_expr(sb, s->u.class_.bases[i]);
        }
        pts_sb_putc(sb, ')');
        put_block(sb, &s->u.class_.body);
        pts_sb_putc(sb, ')');
        break;
    default: pts_sb_puts(sb, "<?>"); break;
    }
}

void pts_ast_print_block(pts_sb *sb, const pts_ast_block *b)
{
    pts_sb_puts(sb, "(block");
    for (int i = 0; i < b->n; i++) {
        pts_sb_putc(sb, ' ');
        pts_ast_print_stmt(sb, b->stmts[i]);
    }
    pts_sb_putc(sb, ')');
}

void pts_ast_print_module(pts_sb *sb, const pts_ast_module *m)
{
    pts_sb_puts(sb, "(module");
    for (int i = 0; i < m->body.n; i++) {
        pts_sb_putc(sb, ' ');
        pts_ast_print_stmt(sb, m->body.stmts[i]);
    }
    pts_sb_putc(sb, ')');
}

/* ---- helpers -------------------------------------------------------------- */

static int dotted(pts_sb *sb, const pts_ast_expr *e)
{
    if (e->kind == PTS_EX_NAME) {
        pts_sb_puts(sb, e->u.name);
        return 1;
    }
    if (e->kind != PTS_EX_ATTR || !dotted(sb, e->u.attr.value))
        return 0;
    pts_sb_putc(sb, '.');
    pts_sb_puts(sb, e->u.attr.name);
    return 1;
}

int pts_ast_dotted_name(pts_sb *sb, const pts_ast_expr *e)
{
    const pts_ast_expr *x = e;
    while (x->kind == PTS_EX_ATTR)
        x = x->u.attr.value;
    if (x->kind != PTS_EX_NAME)
        return 0;
    return dotted(sb, e);
}
