/* parser.c - recursive descent from tokens to the AST (see parser.h).
 *
 * One function per grammar rule, the rule in a comment above it.  Every
 * function returns a pts_status and writes its node through an out pointer;
 * all nodes are allocated in the arena, so an error simply abandons them.
 *
 * Precedence, loosest first (Python's, which is what the source of every
 * TorchScript program was written in; torch's own parser differs only in
 * giving `and`/`or` one level and `~` the level of `not`, and printed code
 * never contains those operators):
 *     a if c else b          test
 *     or                     or_test
 *     and                    and_test
 *     not                    not_test
 *     < > == >= <= != in not in is is not   (chained)  comparison
 *     |  ^  &  << >>  + -  * / // % @        binary (left associative)
 *     - + ~ (unary)          unary
 *     **                     power (right associative; -x ** 2 is -(x ** 2),
 *                            2 ** -1 is 2 ** (-1))
 *     x.a  x[i]  f(...)      postfix
 *
 * A unary minus applied directly to a number literal is folded into the
 * literal (`-5` is INT -5), which also makes -9223372036854775808 valid.
 */
#include "frontend/parser.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/lexer.h"

typedef struct parser {
    pts_lexer lx;
    pts_arena *arena;
    const char *path; /* arena copy */
    pts_token t;      /* current token */
    pts_token ahead;  /* lookahead, valid if has_ahead */
    int has_ahead;
    size_t last_end;  /* end offset of the last consumed token */
    int depth;        /* brackets + blocks being parsed */
} parser;

/* A growable array in the arena (old buffers are left to the arena). */
typedef struct vec {
    void *data;
    int n, cap;
} vec;

/* ---- tokens --------------------------------------------------------------- */

static pts_status next(parser *p)
{
    if (p->t.kind != PTS_TK_INDENT && p->t.kind != PTS_TK_DEDENT && p->t.kind != PTS_TK_EOF)
        p->last_end = p->t.end;
    if (p->has_ahead) {
        p->t = p->ahead;
        p->has_ahead = 0;
        return PTS_OK;
    }
    return pts_lex_next(&p->lx, &p->t);
}

static pts_status peek(parser *p, pts_tok *kind)
{
    if (!p->has_ahead) {
        PTS_TRY(pts_lex_next(&p->lx, &p->ahead));
        p->has_ahead = 1;
    }
    *kind = p->ahead.kind;
    return PTS_OK;
}

static void describe(const pts_token *t, char *buf, size_t cap)
{
    switch (t->kind) {
    case PTS_TK_NAME: snprintf(buf, cap, "name '%.60s'", t->str); break;
    case PTS_TK_INT:
    case PTS_TK_FLOAT:
    case PTS_TK_IMAG: snprintf(buf, cap, "a number"); break;
    case PTS_TK_STRING: snprintf(buf, cap, "a string"); break;
    case PTS_TK_NEWLINE: snprintf(buf, cap, "end of line"); break;
    case PTS_TK_INDENT: snprintf(buf, cap, "an indent"); break;
    case PTS_TK_DEDENT: snprintf(buf, cap, "a dedent"); break;
    case PTS_TK_EOF: snprintf(buf, cap, "end of file"); break;
    default: snprintf(buf, cap, "'%s'", pts_tok_name(t->kind)); break;
    }
}

static pts_status error_at(parser *p, int line, int col, const char *fmt, ...) PTS_PRINTF(4, 5);

static pts_status error_at(parser *p, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pts_err_set(PTS_ERR_LOAD, "%s:%d:%d: %s", p->path, line, col, msg);
}

/* "expected X, found Y" at the current token. */
static pts_status expected(parser *p, const char *what)
{
    char found[128];
    describe(&p->t, found, sizeof found);
    return error_at(p, p->t.line, p->t.col, "expected %s, found %s", what, found);
}

static pts_status expect(parser *p, pts_tok kind)
{
    if (p->t.kind != kind) {
        char what[32];
        snprintf(what, sizeof what, "'%s'", pts_tok_name(kind));
        if (kind == PTS_TK_NEWLINE)
            snprintf(what, sizeof what, "end of line");
        return expected(p, what);
    }
    return next(p);
}

static int accept(parser *p, pts_tok kind, pts_status *st)
{
    if (p->t.kind != kind)
        return 0;
    *st = next(p);
    return 1;
}

static pts_status too_deep(parser *p, int line)
{
    return pts_err_set(PTS_ERR_LIMIT, "%s:%d: expression nested too deeply", p->path, line);
}

static pts_status enter(parser *p)
{
    if (++p->depth > PTS_PARSE_MAX_DEPTH) {
        p->depth--;
        return too_deep(p, p->t.line);
    }
    return PTS_OK;
}

static void leave(parser *p) { p->depth--; }

/* The status of an allocation failure already recorded (never PTS_OK). */
static pts_status failed(void)
{
    pts_status st = pts_err_last();
    return st != PTS_OK ? st : PTS_ERR_NOMEM;
}

/* ---- allocation ------------------------------------------------------------ */

static void *vec_push(parser *p, vec *v, size_t elsize)
{
    if (v->n == v->cap) {
        if (v->cap >= INT_MAX / 2) {
            pts_err_set(PTS_ERR_LIMIT, "%s: too many items in one list", p->path);
            return NULL;
        }
        int ncap = v->cap ? v->cap * 2 : 4;
        void *nd = pts_arena_grow(p->arena, v->data, (size_t)v->n, (size_t)ncap, elsize);
        if (!nd)
            return NULL;
        v->data = nd;
        v->cap = ncap;
    }
    return (char *)v->data + (size_t)v->n++ * elsize;
}

static pts_status push_expr(parser *p, vec *v, pts_ast_expr *e)
{
    pts_ast_expr **slot = vec_push(p, v, sizeof *slot);
    if (!slot)
        return failed();
    *slot = e;
    return PTS_OK;
}

static pts_status push_stmt(parser *p, vec *v, pts_ast_stmt *s)
{
    pts_ast_stmt **slot = vec_push(p, v, sizeof *slot);
    if (!slot)
        return failed();
    *slot = s;
    return PTS_OK;
}

static pts_ast_block block_of(const vec *v)
{
    pts_ast_block b;
    b.n = v->n;
    b.stmts = v->data;
    return b;
}

static pts_ast_pos pos_of(parser *p, const pts_token *t)
{
    pts_ast_pos pos;
    pos.file = p->path;
    pos.line = t->line;
    pos.col = t->col;
    return pos;
}

/* New expression node at the position of token t (height 1). */
static pts_status new_expr(parser *p, pts_ast_ekind kind, pts_ast_pos pos, pts_ast_expr **out)
{
    pts_ast_expr *e = pts_arena_alloc(p->arena, sizeof *e);
    if (!e)
        return failed();
    e->kind = kind;
    e->pos = pos;
    e->height = 1;
    *out = e;
    return PTS_OK;
}

/* Account for a child in e's height; fails when the tree gets too tall. */
static pts_status child(parser *p, pts_ast_expr *e, const pts_ast_expr *c)
{
    if (c && c->height + 1 > e->height) {
        e->height = c->height + 1;
        if (e->height > PTS_AST_MAX_HEIGHT)
            return too_deep(p, e->pos.line);
    }
    return PTS_OK;
}

static pts_status children(parser *p, pts_ast_expr *e, int n, pts_ast_expr **items)
{
    for (int i = 0; i < n; i++)
        PTS_TRY(child(p, e, items[i]));
    return PTS_OK;
}

static pts_status new_stmt(parser *p, pts_ast_skind kind, const pts_token *at, pts_ast_stmt **out)
{
    pts_ast_stmt *s = pts_arena_alloc(p->arena, sizeof *s);
    if (!s)
        return failed();
    s->kind = kind;
    s->pos = pos_of(p, at);
    *out = s;
    return PTS_OK;
}

/* ---- expressions ----------------------------------------------------------- */

static pts_status test(parser *p, pts_ast_expr **out);
static pts_status or_test(parser *p, pts_ast_expr **out);
static pts_status binary(parser *p, int limit, pts_ast_expr **out);
static pts_status unary(parser *p, pts_ast_expr **out);

/* Tuple from the items of v (the position of the first item, or `at`). */
static pts_status make_seq(parser *p, pts_ast_ekind kind, pts_ast_pos at, vec *v, pts_ast_expr **out)
{
    PTS_TRY(new_expr(p, kind, v->n ? ((pts_ast_expr **)v->data)[0]->pos : at, out));
    (*out)->u.seq.n = v->n;
    (*out)->u.seq.items = v->data;
    return children(p, *out, v->n, v->data);
}

/* strings: STRING {STRING}   (adjacent literals concatenate) */
static pts_status strings(parser *p, pts_ast_expr **out)
{
    PTS_TRY(new_expr(p, PTS_EX_STR, pos_of(p, &p->t), out));
    const char *s = p->t.str;
    size_t n = p->t.len;
    PTS_TRY(next(p));
    while (p->t.kind == PTS_TK_STRING) {
        char *joined = pts_arena_alloc(p->arena, n + p->t.len + 1);
        if (!joined)
            return failed();
        memcpy(joined, s, n);
        memcpy(joined + n, p->t.str, p->t.len);
        s = joined;
        n += p->t.len;
        PTS_TRY(next(p));
    }
    (*out)->u.str.s = s;
    (*out)->u.str.len = n;
    return PTS_OK;
}

/* comp_for: 'for' target_list 'in' or_test ['if' or_test]
 * (fills the target/iter/cond of a LISTCOMP or DICTCOMP node) */
static pts_status comp_for(parser *p, pts_ast_expr *e)
{
    pts_status st = PTS_OK;
    PTS_TRY(expect(p, PTS_TK_FOR));
    vec targets = {0};
    pts_ast_pos at = pos_of(p, &p->t);
    do {
        pts_ast_expr *t;
        PTS_TRY(binary(p, 0, &t));
        PTS_TRY(push_expr(p, &targets, t));
    } while (accept(p, PTS_TK_COMMA, &st) && st == PTS_OK && p->t.kind != PTS_TK_IN);
    PTS_TRY(st);
    if (targets.n == 1)
        e->u.comp.target = ((pts_ast_expr **)targets.data)[0];
    else
        PTS_TRY(make_seq(p, PTS_EX_TUPLE, at, &targets, &e->u.comp.target));
    PTS_TRY(expect(p, PTS_TK_IN));
    PTS_TRY(or_test(p, &e->u.comp.iter));
    if (accept(p, PTS_TK_IF, &st)) {
        PTS_TRY(st);
        PTS_TRY(or_test(p, &e->u.comp.cond));
    }
    PTS_TRY(child(p, e, e->u.comp.target));
    PTS_TRY(child(p, e, e->u.comp.iter));
    PTS_TRY(child(p, e, e->u.comp.cond));
    PTS_TRY(child(p, e, e->u.comp.key));
    return child(p, e, e->u.comp.elt);
}

/* paren_atom: '(' [test {',' test} [',']] ')'   -- tuple or grouping */
static pts_status paren_atom(parser *p, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    pts_ast_pos at = pos_of(p, &p->t);
    PTS_TRY(next(p));
    vec items = {0};
    int comma = 0;
    while (p->t.kind != PTS_TK_RPAREN) {
        pts_ast_expr *e;
        PTS_TRY(test(p, &e));
        PTS_TRY(push_expr(p, &items, e));
        if (p->t.kind == PTS_TK_FOR)
            return error_at(p, p->t.line, p->t.col, "generator expressions are not supported");
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
        comma = 1;
    }
    PTS_TRY(expect(p, PTS_TK_RPAREN));
    if (items.n == 1 && !comma) {
        *out = ((pts_ast_expr **)items.data)[0];
        return PTS_OK;
    }
    PTS_TRY(make_seq(p, PTS_EX_TUPLE, at, &items, out));
    (*out)->pos = at;
    return PTS_OK;
}

/* list_atom: '[' [test (comp_for | {',' test} [','])] ']' */
static pts_status list_atom(parser *p, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    pts_ast_pos at = pos_of(p, &p->t);
    PTS_TRY(next(p));
    vec items = {0};
    while (p->t.kind != PTS_TK_RBRACK) {
        pts_ast_expr *e;
        PTS_TRY(test(p, &e));
        if (items.n == 0 && p->t.kind == PTS_TK_FOR) {
            PTS_TRY(new_expr(p, PTS_EX_LISTCOMP, at, out));
            (*out)->u.comp.elt = e;
            PTS_TRY(comp_for(p, *out));
            return expect(p, PTS_TK_RBRACK);
        }
        PTS_TRY(push_expr(p, &items, e));
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
    }
    PTS_TRY(expect(p, PTS_TK_RBRACK));
    PTS_TRY(make_seq(p, PTS_EX_LIST, at, &items, out));
    (*out)->pos = at;
    return PTS_OK;
}

/* dict_atom: '{' [test ':' test (comp_for | {',' test ':' test} [','])] '}' */
static pts_status dict_atom(parser *p, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    pts_ast_pos at = pos_of(p, &p->t);
    PTS_TRY(next(p));
    vec keys = {0}, values = {0};
    PTS_TRY(new_expr(p, PTS_EX_DICT, at, out));
    while (p->t.kind != PTS_TK_RBRACE) {
        pts_ast_expr *k, *v;
        PTS_TRY(test(p, &k));
        if (p->t.kind != PTS_TK_COLON)
            return error_at(p, p->t.line, p->t.col, "expected ':' in a dict literal (set literals are not supported)");
        PTS_TRY(next(p));
        PTS_TRY(test(p, &v));
        if (keys.n == 0 && p->t.kind == PTS_TK_FOR) {
            (*out)->kind = PTS_EX_DICTCOMP;
            (*out)->u.comp.key = k;
            (*out)->u.comp.elt = v;
            PTS_TRY(comp_for(p, *out));
            return expect(p, PTS_TK_RBRACE);
        }
        PTS_TRY(push_expr(p, &keys, k));
        PTS_TRY(push_expr(p, &values, v));
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
    }
    PTS_TRY(expect(p, PTS_TK_RBRACE));
    (*out)->u.dict.n = keys.n;
    (*out)->u.dict.keys = keys.data;
    (*out)->u.dict.values = values.data;
    PTS_TRY(children(p, *out, keys.n, keys.data));
    return children(p, *out, values.n, values.data);
}

/* atom: NAME | INT | FLOAT | IMAG | strings | True | False | None | '...'
 *     | paren_atom | list_atom | dict_atom */
static pts_status atom(parser *p, pts_ast_expr **out)
{
    pts_ast_pos at = pos_of(p, &p->t);
    pts_ast_ekind k;
    switch (p->t.kind) {
    case PTS_TK_LPAREN: return paren_atom(p, out);
    case PTS_TK_LBRACK: return list_atom(p, out);
    case PTS_TK_LBRACE: return dict_atom(p, out);
    case PTS_TK_STRING: return strings(p, out);
    case PTS_TK_NAME:
        PTS_TRY(new_expr(p, PTS_EX_NAME, at, out));
        (*out)->u.name = p->t.str;
        return next(p);
    case PTS_TK_INT:
        if (p->t.int_big)
            return error_at(p, p->t.line, p->t.col, "integer literal is too large for int64");
        PTS_TRY(new_expr(p, PTS_EX_INT, at, out));
        (*out)->u.i = (int64_t)p->t.num.i;
        return next(p);
    case PTS_TK_FLOAT:
    case PTS_TK_IMAG:
        PTS_TRY(new_expr(p, p->t.kind == PTS_TK_FLOAT ? PTS_EX_FLOAT : PTS_EX_IMAG, at, out));
        (*out)->u.f = p->t.num.f;
        return next(p);
    case PTS_TK_TRUE: k = PTS_EX_TRUE; break;
    case PTS_TK_FALSE: k = PTS_EX_FALSE; break;
    case PTS_TK_NONE: k = PTS_EX_NONE; break;
    case PTS_TK_ELLIPSIS: k = PTS_EX_ELLIPSIS; break;
    case PTS_TK_LAMBDA: return error_at(p, p->t.line, p->t.col, "lambda is not supported");
    case PTS_TK_YIELD: return error_at(p, p->t.line, p->t.col, "yield is not supported");
    default: return expected(p, "an expression");
    }
    PTS_TRY(new_expr(p, k, at, out));
    return next(p);
}

/* arglist: [argument {',' argument} [',']] ')'
 * argument: test | NAME '=' test */
static pts_status call_args(parser *p, pts_ast_expr *call)
{
    pts_status st = PTS_OK;
    vec args = {0}, kwnames = {0}, kwvalues = {0};
    while (p->t.kind != PTS_TK_RPAREN) {
        pts_tok after = PTS_TK_EOF;
        if (p->t.kind == PTS_TK_NAME)
            PTS_TRY(peek(p, &after));
        if (p->t.kind == PTS_TK_STAR || p->t.kind == PTS_TK_DSTAR)
            return error_at(p, p->t.line, p->t.col, "*args and **kwargs in calls are not supported");
        if (after == PTS_TK_ASSIGN) {
            const char **name = vec_push(p, &kwnames, sizeof *name);
            if (!name)
                return failed();
            *name = p->t.str;
            for (int i = 0; i + 1 < kwnames.n; i++)
                if (((const char **)kwnames.data)[i] == *name)
                    return error_at(p, p->t.line, p->t.col, "keyword argument '%s' repeated", *name);
            PTS_TRY(next(p));
            PTS_TRY(next(p));
            pts_ast_expr *v;
            PTS_TRY(test(p, &v));
            PTS_TRY(push_expr(p, &kwvalues, v));
        } else {
            int line = p->t.line, col = p->t.col;
            pts_ast_expr *a;
            PTS_TRY(test(p, &a));
            if (p->t.kind == PTS_TK_FOR)
                return error_at(p, p->t.line, p->t.col, "generator expressions are not supported");
            if (kwnames.n)
                return error_at(p, line, col, "positional argument follows keyword argument");
            PTS_TRY(push_expr(p, &args, a));
        }
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
    }
    PTS_TRY(expect(p, PTS_TK_RPAREN));
    call->u.call.nargs = args.n;
    call->u.call.args = args.data;
    call->u.call.nkw = kwnames.n;
    call->u.call.kwnames = kwnames.data;
    call->u.call.kwvalues = kwvalues.data;
    PTS_TRY(children(p, call, args.n, args.data));
    return children(p, call, kwvalues.n, kwvalues.data);
}

/* subscript: test | [test] ':' [test] [':' [test]] */
static pts_status subscript(parser *p, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    pts_ast_expr *lower = NULL;
    pts_ast_pos at = pos_of(p, &p->t);
    if (p->t.kind != PTS_TK_COLON) {
        PTS_TRY(test(p, &lower));
        if (p->t.kind != PTS_TK_COLON) {
            *out = lower;
            return PTS_OK;
        }
    }
    PTS_TRY(new_expr(p, PTS_EX_SLICE, at, out));
    pts_ast_expr *e = *out;
    e->u.slice.lower = lower;
    PTS_TRY(next(p)); /* ':' */
    if (p->t.kind != PTS_TK_COLON && p->t.kind != PTS_TK_COMMA && p->t.kind != PTS_TK_RBRACK)
        PTS_TRY(test(p, &e->u.slice.upper));
    if (accept(p, PTS_TK_COLON, &st)) {
        PTS_TRY(st);
        if (p->t.kind != PTS_TK_COMMA && p->t.kind != PTS_TK_RBRACK)
            PTS_TRY(test(p, &e->u.slice.step));
    }
    PTS_TRY(child(p, e, e->u.slice.lower));
    PTS_TRY(child(p, e, e->u.slice.upper));
    return child(p, e, e->u.slice.step);
}

/* subscriptlist: subscript {',' subscript} [','] ']'
 * (`x[a,]` indexes with the one-element tuple (a,)) */
static pts_status subscripts(parser *p, pts_ast_expr *e)
{
    pts_status st = PTS_OK;
    vec items = {0};
    int trailing = 0;
    if (p->t.kind == PTS_TK_RBRACK)
        return expected(p, "an index");
    while (p->t.kind != PTS_TK_RBRACK) {
        pts_ast_expr *i = NULL;
        PTS_TRY(subscript(p, &i));
        PTS_TRY(push_expr(p, &items, i));
        trailing = 0;
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
        trailing = 1;
    }
    PTS_TRY(expect(p, PTS_TK_RBRACK));
    if (items.n == 1 && trailing) {
        pts_ast_expr *tuple;
        PTS_TRY(make_seq(p, PTS_EX_TUPLE, e->pos, &items, &tuple));
        items.data = NULL;
        items.n = items.cap = 0;
        PTS_TRY(push_expr(p, &items, tuple));
    }
    e->u.sub.n = items.n;
    e->u.sub.index = items.data;
    return children(p, e, items.n, items.data);
}

/* postfix: atom {'(' arglist | '[' subscriptlist | '.' NAME} */
static pts_status postfix(parser *p, pts_ast_expr **out)
{
    pts_ast_expr *e = NULL;
    PTS_TRY(atom(p, &e));
    for (;;) {
        pts_ast_expr *n = NULL;
        switch (p->t.kind) {
        case PTS_TK_LPAREN:
            PTS_TRY(next(p));
            PTS_TRY(new_expr(p, PTS_EX_CALL, e->pos, &n));
            n->u.call.func = e;
            PTS_TRY(child(p, n, e));
            PTS_TRY(call_args(p, n));
            break;
        case PTS_TK_LBRACK:
            PTS_TRY(next(p));
            PTS_TRY(new_expr(p, PTS_EX_SUBSCRIPT, e->pos, &n));
            n->u.sub.value = e;
            PTS_TRY(child(p, n, e));
            PTS_TRY(subscripts(p, n));
            break;
        case PTS_TK_DOT:
            PTS_TRY(next(p));
            if (p->t.kind != PTS_TK_NAME)
                return expected(p, "an attribute name");
            PTS_TRY(new_expr(p, PTS_EX_ATTR, e->pos, &n));
            n->u.attr.value = e;
            n->u.attr.name = p->t.str;
            PTS_TRY(child(p, n, e));
            PTS_TRY(next(p));
            break;
        default:
            *out = e;
            return PTS_OK;
        }
        e = n;
    }
}

static pts_status new_binary(parser *p, pts_ast_op op, pts_ast_expr *l, pts_ast_expr *r, pts_ast_expr **out)
{
    PTS_TRY(new_expr(p, PTS_EX_BINARY, l->pos, out));
    (*out)->op = op;
    (*out)->u.bin.left = l;
    (*out)->u.bin.right = r;
    PTS_TRY(child(p, *out, l));
    return child(p, *out, r);
}

/* power: postfix ['**' unary] */
static pts_status power(parser *p, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    PTS_TRY(postfix(p, out));
    if (!accept(p, PTS_TK_DSTAR, &st))
        return PTS_OK;
    PTS_TRY(st);
    pts_ast_expr *r;
    PTS_TRY(enter(p)); /* a ** b ** c ... recurses */
    st = unary(p, &r);
    leave(p);
    PTS_TRY(st);
    return new_binary(p, PTS_OP_POW, *out, r, out);
}

/* -<2^63>: the one literal that only exists negated */
static int is_int_min(parser *p)
{
    pts_tok after;
    if (p->t.kind != PTS_TK_INT || !p->t.int_big || peek(p, &after) != PTS_OK)
        return 0;
    return after != PTS_TK_DSTAR && after != PTS_TK_LPAREN && after != PTS_TK_LBRACK && after != PTS_TK_DOT;
}

/* unary: ('-' | '+' | '~') unary | power */
static pts_status unary(parser *p, pts_ast_expr **out)
{
    pts_ast_op op;
    switch (p->t.kind) {
    case PTS_TK_MINUS: op = PTS_OP_NEG; break;
    case PTS_TK_PLUS: op = PTS_OP_POS; break;
    case PTS_TK_TILDE: op = PTS_OP_INVERT; break;
    default: return power(p, out);
    }
    pts_ast_pos at = pos_of(p, &p->t);
    PTS_TRY(next(p));
    if (op == PTS_OP_NEG && is_int_min(p)) {
        PTS_TRY(new_expr(p, PTS_EX_INT, at, out));
        (*out)->u.i = INT64_MIN;
        return next(p);
    }
    pts_ast_expr *operand;
    PTS_TRY(enter(p));
    pts_status st = unary(p, &operand);
    leave(p);
    PTS_TRY(st);
    if (op == PTS_OP_NEG && ((operand->kind == PTS_EX_INT && operand->u.i != INT64_MIN) ||
                             operand->kind == PTS_EX_FLOAT || operand->kind == PTS_EX_IMAG)) {
        if (operand->kind == PTS_EX_INT)
            operand->u.i = -operand->u.i;
        else
            operand->u.f = -operand->u.f;
        operand->pos = at;
        *out = operand;
        return PTS_OK;
    }
    PTS_TRY(new_expr(p, PTS_EX_UNARY, at, out));
    (*out)->op = op;
    (*out)->u.unary.operand = operand;
    return child(p, *out, operand);
}

/* Binary operators below comparisons: precedence (higher binds tighter). */
static int binary_prec(pts_tok t, pts_ast_op *op)
{
    switch (t) {
    case PTS_TK_PIPE: *op = PTS_OP_BITOR; return 1;
    case PTS_TK_CARET: *op = PTS_OP_BITXOR; return 2;
    case PTS_TK_AMP: *op = PTS_OP_BITAND; return 3;
    case PTS_TK_LSHIFT: *op = PTS_OP_LSHIFT; return 4;
    case PTS_TK_RSHIFT: *op = PTS_OP_RSHIFT; return 4;
    case PTS_TK_PLUS: *op = PTS_OP_ADD; return 5;
    case PTS_TK_MINUS: *op = PTS_OP_SUB; return 5;
    case PTS_TK_STAR: *op = PTS_OP_MUL; return 6;
    case PTS_TK_SLASH: *op = PTS_OP_DIV; return 6;
    case PTS_TK_DSLASH: *op = PTS_OP_FLOORDIV; return 6;
    case PTS_TK_PERCENT: *op = PTS_OP_MOD; return 6;
    case PTS_TK_AT: *op = PTS_OP_MATMUL; return 6;
    default: return 0;
    }
}

/* binary(limit): unary {binop binary(prec(binop))}  for binops with prec > limit
 * binop: '|' | '^' | '&' | '<<' | '>>' | '+' | '-' | '*' | '/' | '//' | '%' | '@' */
static pts_status binary(parser *p, int limit, pts_ast_expr **out)
{
    pts_ast_expr *left;
    PTS_TRY(unary(p, &left));
    pts_ast_op op = PTS_OP_ADD;
    int prec;
    while ((prec = binary_prec(p->t.kind, &op)) > limit) {
        PTS_TRY(next(p));
        pts_ast_expr *right;
        PTS_TRY(binary(p, prec, &right));
        PTS_TRY(new_binary(p, op, left, right, &left));
    }
    *out = left;
    return PTS_OK;
}

/* The comparison operator at the current token (consumed), or 0. */
static pts_status comp_op(parser *p, pts_ast_op *op, int *found)
{
    pts_tok after;
    *found = 1;
    switch (p->t.kind) {
    case PTS_TK_LT: *op = PTS_OP_LT; break;
    case PTS_TK_GT: *op = PTS_OP_GT; break;
    case PTS_TK_EQ: *op = PTS_OP_EQ; break;
    case PTS_TK_GE: *op = PTS_OP_GE; break;
    case PTS_TK_LE: *op = PTS_OP_LE; break;
    case PTS_TK_NE: *op = PTS_OP_NE; break;
    case PTS_TK_IN: *op = PTS_OP_IN; break;
    case PTS_TK_IS:
        PTS_TRY(peek(p, &after));
        *op = PTS_OP_IS;
        if (after == PTS_TK_NOT) {
            *op = PTS_OP_ISNOT;
            PTS_TRY(next(p));
        }
        break;
    case PTS_TK_NOT:
        PTS_TRY(peek(p, &after));
        if (after != PTS_TK_IN) {
            *found = 0;
            return PTS_OK;
        }
        *op = PTS_OP_NOTIN;
        PTS_TRY(next(p));
        break;
    default: *found = 0; return PTS_OK;
    }
    return next(p);
}

/* comparison: binary {comp_op binary}
 * comp_op: '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not' 'in' | 'is' | 'is' 'not' */
static pts_status comparison(parser *p, pts_ast_expr **out)
{
    pts_ast_expr *first;
    PTS_TRY(binary(p, 0, &first));
    vec operands = {0}, ops = {0};
    for (;;) {
        pts_ast_op op;
        int found;
        PTS_TRY(comp_op(p, &op, &found));
        if (!found)
            break;
        if (operands.n == 0)
            PTS_TRY(push_expr(p, &operands, first));
        pts_ast_op *slot = vec_push(p, &ops, sizeof *slot);
        if (!slot)
            return failed();
        *slot = op;
        pts_ast_expr *e;
        PTS_TRY(binary(p, 0, &e));
        PTS_TRY(push_expr(p, &operands, e));
    }
    if (operands.n == 0) {
        *out = first;
        return PTS_OK;
    }
    PTS_TRY(new_expr(p, PTS_EX_COMPARE, first->pos, out));
    (*out)->u.cmp.n = operands.n;
    (*out)->u.cmp.operands = operands.data;
    (*out)->u.cmp.ops = ops.data;
    return children(p, *out, operands.n, operands.data);
}

/* not_test: 'not' not_test | comparison */
static pts_status not_test(parser *p, pts_ast_expr **out)
{
    if (p->t.kind != PTS_TK_NOT)
        return comparison(p, out);
    pts_ast_pos at = pos_of(p, &p->t);
    PTS_TRY(next(p));
    pts_ast_expr *operand;
    PTS_TRY(enter(p));
    pts_status st = not_test(p, &operand);
    leave(p);
    PTS_TRY(st);
    PTS_TRY(new_expr(p, PTS_EX_UNARY, at, out));
    (*out)->op = PTS_OP_NOT;
    (*out)->u.unary.operand = operand;
    return child(p, *out, operand);
}

typedef pts_status (*expr_rule)(parser *p, pts_ast_expr **out);

/* One n-ary bool operator level: sub {op sub} */
static pts_status bool_level(parser *p, pts_tok tok, pts_ast_op op, expr_rule sub, pts_ast_expr **out)
{
    pts_ast_expr *first;
    PTS_TRY(sub(p, &first));
    if (p->t.kind != tok) {
        *out = first;
        return PTS_OK;
    }
    vec items = {0};
    PTS_TRY(push_expr(p, &items, first));
    while (p->t.kind == tok) {
        PTS_TRY(next(p));
        pts_ast_expr *e;
        PTS_TRY(sub(p, &e));
        PTS_TRY(push_expr(p, &items, e));
    }
    PTS_TRY(make_seq(p, PTS_EX_BOOLOP, first->pos, &items, out));
    (*out)->op = op;
    return PTS_OK;
}

/* and_test: not_test {'and' not_test} */
static pts_status and_test(parser *p, pts_ast_expr **out)
{
    return bool_level(p, PTS_TK_AND, PTS_OP_AND, not_test, out);
}

/* or_test: and_test {'or' and_test} */
static pts_status or_test(parser *p, pts_ast_expr **out)
{
    return bool_level(p, PTS_TK_OR, PTS_OP_OR, and_test, out);
}

/* test: or_test ['if' or_test 'else' test] */
static pts_status test_body(parser *p, pts_ast_expr **out)
{
    pts_ast_expr *then;
    PTS_TRY(or_test(p, &then));
    if (p->t.kind != PTS_TK_IF) {
        *out = then;
        return PTS_OK;
    }
    PTS_TRY(next(p));
    PTS_TRY(new_expr(p, PTS_EX_IFEXP, then->pos, out));
    pts_ast_expr *e = *out;
    e->u.ifexp.then = then;
    PTS_TRY(or_test(p, &e->u.ifexp.cond));
    PTS_TRY(expect(p, PTS_TK_ELSE));
    PTS_TRY(test(p, &e->u.ifexp.orelse));
    PTS_TRY(child(p, e, e->u.ifexp.then));
    PTS_TRY(child(p, e, e->u.ifexp.cond));
    return child(p, e, e->u.ifexp.orelse);
}

static pts_status test(parser *p, pts_ast_expr **out)
{
    PTS_TRY(enter(p));
    pts_status st = test_body(p, out);
    leave(p);
    return st;
}

/* Does the current token end an expression list? */
static int ends_list(pts_tok t)
{
    switch (t) {
    case PTS_TK_NEWLINE:
    case PTS_TK_SEMI:
    case PTS_TK_ASSIGN:
    case PTS_TK_COLON:
    case PTS_TK_EOF:
    case PTS_TK_RPAREN:
    case PTS_TK_IN:
        return 1;
    default:
        return t >= PTS_TK_PLUS_EQ && t <= PTS_TK_CARET_EQ;
    }
}

/* testlist: test {',' test} [',']   (a tuple if there is a comma)
 * exprlist: binary {',' binary} [',']  (targets of for: stops before 'in') */
static pts_status expr_list(parser *p, int targets_only, pts_ast_expr **out)
{
    pts_status st = PTS_OK;
    pts_ast_pos at = pos_of(p, &p->t);
    pts_ast_expr *first;
    if (targets_only)
        PTS_TRY(binary(p, 0, &first));
    else
        PTS_TRY(test(p, &first));
    if (p->t.kind != PTS_TK_COMMA) {
        *out = first;
        return PTS_OK;
    }
    vec items = {0};
    PTS_TRY(push_expr(p, &items, first));
    while (accept(p, PTS_TK_COMMA, &st)) {
        PTS_TRY(st);
        if (ends_list(p->t.kind))
            break;
        pts_ast_expr *e;
        if (targets_only)
            PTS_TRY(binary(p, 0, &e));
        else
            PTS_TRY(test(p, &e));
        PTS_TRY(push_expr(p, &items, e));
    }
    return make_seq(p, PTS_EX_TUPLE, at, &items, out);
}

static pts_status testlist(parser *p, pts_ast_expr **out) { return expr_list(p, 0, out); }

/* ---- statements ------------------------------------------------------------- */

static pts_status statement(parser *p, vec *out);

/* target: NAME | postfix '.' NAME | postfix '[' ... ']' | '(' targets ')' | '[' targets ']' */
static pts_status check_target(parser *p, const pts_ast_expr *e, int allow_seq, const char *what)
{
    switch (e->kind) {
    case PTS_EX_NAME:
    case PTS_EX_ATTR:
    case PTS_EX_SUBSCRIPT:
        return PTS_OK;
    case PTS_EX_TUPLE:
    case PTS_EX_LIST:
        if (allow_seq) {
            for (int i = 0; i < e->u.seq.n; i++)
                PTS_TRY(check_target(p, e->u.seq.items[i], allow_seq, what));
            return PTS_OK;
        }
        break;
    default:
        break;
    }
    return error_at(p, e->pos.line, e->pos.col, "cannot %s %s", what,
                    e->kind == PTS_EX_CALL ? "a function call" : "an expression");
}

static int aug_op(pts_tok t, pts_ast_op *op)
{
    static const pts_ast_op ops[] = {
        PTS_OP_ADD, PTS_OP_SUB, PTS_OP_MUL, PTS_OP_DIV, PTS_OP_FLOORDIV, PTS_OP_MOD, PTS_OP_POW,
        PTS_OP_MATMUL, PTS_OP_LSHIFT, PTS_OP_RSHIFT, PTS_OP_BITAND, PTS_OP_BITOR, PTS_OP_BITXOR,
    };
    if (t < PTS_TK_PLUS_EQ || t > PTS_TK_CARET_EQ)
        return 0;
    *op = ops[t - PTS_TK_PLUS_EQ];
    return 1;
}

/* expr_stmt: testlist (':' test ['=' testlist] | augop testlist | {'=' testlist}) */
static pts_status expr_stmt(parser *p, pts_ast_stmt **out)
{
    pts_token start = p->t;
    pts_ast_expr *first;
    PTS_TRY(testlist(p, &first));
    pts_ast_op op;
    if (p->t.kind == PTS_TK_COLON) {
        PTS_TRY(check_target(p, first, 0, "annotate"));
        PTS_TRY(next(p));
        PTS_TRY(new_stmt(p, PTS_ST_ANNASSIGN, &start, out));
        (*out)->u.ann.target = first;
        PTS_TRY(test(p, &(*out)->u.ann.annotation));
        if (p->t.kind == PTS_TK_ASSIGN) {
            PTS_TRY(next(p));
            PTS_TRY(testlist(p, &(*out)->u.ann.value));
        }
        return PTS_OK;
    }
    if (aug_op(p->t.kind, &op)) {
        PTS_TRY(check_target(p, first, 0, "assign to"));
        PTS_TRY(next(p));
        PTS_TRY(new_stmt(p, PTS_ST_AUGASSIGN, &start, out));
        (*out)->u.aug.target = first;
        (*out)->u.aug.op = op;
        return testlist(p, &(*out)->u.aug.value);
    }
    if (p->t.kind != PTS_TK_ASSIGN) {
        PTS_TRY(new_stmt(p, PTS_ST_EXPR, &start, out));
        (*out)->u.expr = first;
        return PTS_OK;
    }
    vec targets = {0};
    pts_ast_expr *value = first;
    while (p->t.kind == PTS_TK_ASSIGN) {
        PTS_TRY(check_target(p, value, 1, "assign to"));
        PTS_TRY(push_expr(p, &targets, value));
        PTS_TRY(next(p));
        PTS_TRY(testlist(p, &value));
    }
    PTS_TRY(new_stmt(p, PTS_ST_ASSIGN, &start, out));
    (*out)->u.assign.ntargets = targets.n;
    (*out)->u.assign.targets = targets.data;
    (*out)->u.assign.value = value;
    return PTS_OK;
}

/* small_stmt: 'pass' | 'break' | 'continue' | 'return' [testlist] | 'raise' [test]
 *           | 'assert' test [',' test] | 'del' exprlist | 'global' NAME {',' NAME}
 *           | expr_stmt */
static pts_status small_stmt(parser *p, pts_ast_stmt **out)
{
    pts_status st = PTS_OK;
    pts_token start = p->t;
    switch (p->t.kind) {
    case PTS_TK_PASS:
    case PTS_TK_BREAK:
    case PTS_TK_CONTINUE:
        PTS_TRY(new_stmt(p, p->t.kind == PTS_TK_PASS ? PTS_ST_PASS
                                : p->t.kind == PTS_TK_BREAK ? PTS_ST_BREAK : PTS_ST_CONTINUE,
                         &start, out));
        return next(p);
    case PTS_TK_RETURN:
    case PTS_TK_RAISE:
        PTS_TRY(new_stmt(p, p->t.kind == PTS_TK_RETURN ? PTS_ST_RETURN : PTS_ST_RAISE, &start, out));
        PTS_TRY(next(p));
        if (p->t.kind == PTS_TK_NEWLINE || p->t.kind == PTS_TK_SEMI || p->t.kind == PTS_TK_EOF)
            return PTS_OK;
        if ((*out)->kind == PTS_ST_RAISE)
            return test(p, &(*out)->u.expr);
        return testlist(p, &(*out)->u.expr);
    case PTS_TK_ASSERT:
        PTS_TRY(new_stmt(p, PTS_ST_ASSERT, &start, out));
        PTS_TRY(next(p));
        PTS_TRY(test(p, &(*out)->u.assert_.test));
        if (accept(p, PTS_TK_COMMA, &st)) {
            PTS_TRY(st);
            PTS_TRY(test(p, &(*out)->u.assert_.msg));
        }
        return PTS_OK;
    case PTS_TK_DEL: {
        PTS_TRY(new_stmt(p, PTS_ST_DEL, &start, out));
        PTS_TRY(next(p));
        vec targets = {0};
        do {
            if (ends_list(p->t.kind) && targets.n)
                break;
            pts_ast_expr *e;
            PTS_TRY(binary(p, 0, &e));
            PTS_TRY(check_target(p, e, 1, "delete"));
            PTS_TRY(push_expr(p, &targets, e));
        } while (accept(p, PTS_TK_COMMA, &st) && st == PTS_OK);
        PTS_TRY(st);
        (*out)->u.del.n = targets.n;
        (*out)->u.del.targets = targets.data;
        return PTS_OK;
    }
    case PTS_TK_GLOBAL: {
        PTS_TRY(new_stmt(p, PTS_ST_GLOBAL, &start, out));
        PTS_TRY(next(p));
        vec names = {0};
        do {
            if (p->t.kind != PTS_TK_NAME)
                return expected(p, "a name");
            const char **slot = vec_push(p, &names, sizeof *slot);
            if (!slot)
                return failed();
            *slot = p->t.str;
            PTS_TRY(next(p));
        } while (accept(p, PTS_TK_COMMA, &st) && st == PTS_OK);
        PTS_TRY(st);
        (*out)->u.global.n = names.n;
        (*out)->u.global.names = names.data;
        return PTS_OK;
    }
    case PTS_TK_IMPORT:
    case PTS_TK_FROM:
        return error_at(p, p->t.line, p->t.col, "import is only allowed at the top of a file");
    default:
        return expr_stmt(p, out);
    }
}

/* simple_stmt: small_stmt {';' small_stmt} [';'] NEWLINE */
static pts_status simple_stmt(parser *p, vec *out)
{
    pts_status st = PTS_OK;
    for (;;) {
        pts_ast_stmt *s = NULL;
        PTS_TRY(small_stmt(p, &s));
        PTS_TRY(push_stmt(p, out, s));
        if (!accept(p, PTS_TK_SEMI, &st))
            break;
        PTS_TRY(st);
        if (p->t.kind == PTS_TK_NEWLINE || p->t.kind == PTS_TK_EOF)
            break;
    }
    if (p->t.kind == PTS_TK_EOF)
        return PTS_OK;
    return expect(p, PTS_TK_NEWLINE);
}

/* suite: ':' (simple_stmt | NEWLINE INDENT stmt {stmt} DEDENT) */
static pts_status suite_body(parser *p, pts_ast_block *out)
{
    vec stmts = {0};
    PTS_TRY(expect(p, PTS_TK_COLON));
    if (p->t.kind != PTS_TK_NEWLINE) {
        PTS_TRY(simple_stmt(p, &stmts));
        *out = block_of(&stmts);
        return PTS_OK;
    }
    PTS_TRY(next(p));
    if (p->t.kind != PTS_TK_INDENT)
        return error_at(p, p->t.line, p->t.col, "expected an indented block");
    PTS_TRY(next(p));
    while (p->t.kind != PTS_TK_DEDENT && p->t.kind != PTS_TK_EOF)
        PTS_TRY(statement(p, &stmts));
    PTS_TRY(next(p));
    *out = block_of(&stmts);
    return PTS_OK;
}

static pts_status suite(parser *p, pts_ast_block *out)
{
    PTS_TRY(enter(p));
    pts_status st = suite_body(p, out);
    leave(p);
    return st;
}

/* if_stmt: 'if' test suite {'elif' test suite} ['else' suite]
 * (each elif becomes an IF that is the only statement of the orelse) */
static pts_status if_stmt(parser *p, pts_ast_stmt **out)
{
    pts_status st = PTS_OK;
    PTS_TRY(new_stmt(p, PTS_ST_IF, &p->t, out));
    pts_ast_stmt *s = *out;
    int levels = 0;
    PTS_TRY(next(p));
    for (;;) {
        PTS_TRY(test(p, &s->u.if_.cond));
        PTS_TRY(suite(p, &s->u.if_.body));
        if (p->t.kind == PTS_TK_ELIF) {
            vec orelse = {0};
            pts_ast_stmt *n = NULL;
            st = enter(p); /* the elif chain nests in the tree */
            if (st)
                break;
            levels++;
            if ((st = new_stmt(p, PTS_ST_IF, &p->t, &n)) || (st = push_stmt(p, &orelse, n)) ||
                (st = next(p)))
                break;
            s->u.if_.orelse = block_of(&orelse);
            s = n;
            continue;
        }
        if (p->t.kind == PTS_TK_ELSE) {
            st = next(p);
            if (!st)
                st = suite(p, &s->u.if_.orelse);
        }
        break;
    }
    p->depth -= levels;
    return st;
}

/* while_stmt: 'while' test suite */
static pts_status while_stmt(parser *p, pts_ast_stmt **out)
{
    PTS_TRY(new_stmt(p, PTS_ST_WHILE, &p->t, out));
    PTS_TRY(next(p));
    PTS_TRY(test(p, &(*out)->u.while_.cond));
    if (p->t.kind == PTS_TK_ELSE)
        return error_at(p, p->t.line, p->t.col, "while ... else is not supported");
    return suite(p, &(*out)->u.while_.body);
}

/* for_stmt: 'for' exprlist 'in' testlist suite */
static pts_status for_stmt(parser *p, pts_ast_stmt **out)
{
    PTS_TRY(new_stmt(p, PTS_ST_FOR, &p->t, out));
    pts_ast_stmt *s = *out;
    PTS_TRY(next(p));
    PTS_TRY(expr_list(p, 1, &s->u.for_.target));
    PTS_TRY(check_target(p, s->u.for_.target, 1, "assign to"));
    PTS_TRY(expect(p, PTS_TK_IN));
    PTS_TRY(testlist(p, &s->u.for_.iter));
    PTS_TRY(suite(p, &s->u.for_.body));
    if (p->t.kind == PTS_TK_ELSE)
        return error_at(p, p->t.line, p->t.col, "for ... else is not supported");
    return PTS_OK;
}

/* with_stmt: 'with' with_item {',' with_item} suite
 * with_item: test ['as' binary] */
static pts_status with_stmt(parser *p, pts_ast_stmt **out)
{
    pts_status st = PTS_OK;
    PTS_TRY(new_stmt(p, PTS_ST_WITH, &p->t, out));
    PTS_TRY(next(p));
    vec items = {0};
    do {
        pts_ast_with_item *it = vec_push(p, &items, sizeof *it);
        if (!it)
            return failed();
        PTS_TRY(test(p, &it->expr));
        if (accept(p, PTS_TK_AS, &st)) {
            PTS_TRY(st);
            PTS_TRY(binary(p, 0, &it->target));
            PTS_TRY(check_target(p, it->target, 1, "assign to"));
        }
    } while (accept(p, PTS_TK_COMMA, &st) && st == PTS_OK);
    PTS_TRY(st);
    (*out)->u.with.n = items.n;
    (*out)->u.with.items = items.data;
    return suite(p, &(*out)->u.with.body);
}

/* Byte offset of the start of the line holding token t. */
static size_t line_start_of(const pts_token *t) { return t->offset - (size_t)(t->col - 1); }

/* param: NAME [':' test] ['=' test] | '*' */
static pts_status param(parser *p, pts_ast_stmt *def, vec *params)
{
    pts_status st = PTS_OK;
    if (p->t.kind == PTS_TK_STAR) {
        if (def->u.def.kwonly >= 0)
            return error_at(p, p->t.line, p->t.col, "'*' given twice");
        def->u.def.kwonly = params->n;
        return next(p);
    }
    if (p->t.kind != PTS_TK_NAME)
        return expected(p, "a parameter name");
    pts_ast_param *prm = vec_push(p, params, sizeof *prm);
    if (!prm)
        return failed();
    prm->name = p->t.str;
    prm->pos = pos_of(p, &p->t);
    for (int i = 0; i + 1 < params->n; i++)
        if (((pts_ast_param *)params->data)[i].name == prm->name)
            return error_at(p, p->t.line, p->t.col, "duplicate parameter '%s'", prm->name);
    PTS_TRY(next(p));
    if (accept(p, PTS_TK_COLON, &st)) {
        PTS_TRY(st);
        PTS_TRY(test(p, &prm->annotation));
    }
    if (accept(p, PTS_TK_ASSIGN, &st)) {
        PTS_TRY(st);
        PTS_TRY(test(p, &prm->def));
    }
    return PTS_OK;
}

/* funcdef: 'def' NAME '(' [param {',' param} [',']] ')' ['->' test] suite */
static pts_status funcdef(parser *p, pts_ast_stmt **out)
{
    pts_status st = PTS_OK;
    PTS_TRY(new_stmt(p, PTS_ST_DEF, &p->t, out));
    pts_ast_stmt *s = *out;
    s->u.def.src_begin = line_start_of(&p->t);
    s->u.def.kwonly = -1;
    PTS_TRY(next(p));
    if (p->t.kind != PTS_TK_NAME)
        return expected(p, "a function name");
    s->u.def.name = p->t.str;
    PTS_TRY(next(p));
    PTS_TRY(expect(p, PTS_TK_LPAREN));
    vec params = {0};
    while (p->t.kind != PTS_TK_RPAREN) {
        PTS_TRY(param(p, s, &params));
        if (!accept(p, PTS_TK_COMMA, &st))
            break;
        PTS_TRY(st);
    }
    PTS_TRY(expect(p, PTS_TK_RPAREN));
    s->u.def.nparams = params.n;
    s->u.def.params = params.data;
    if (accept(p, PTS_TK_ARROW, &st)) {
        PTS_TRY(st);
        PTS_TRY(test(p, &s->u.def.ret));
    }
    PTS_TRY(suite(p, &s->u.def.body));
    s->u.def.src_end = p->last_end;
    return PTS_OK;
}

/* classdef: 'class' NAME ['(' [test {',' test} [',']] ')'] suite */
static pts_status classdef(parser *p, pts_ast_stmt **out)
{
    pts_status st = PTS_OK;
    PTS_TRY(new_stmt(p, PTS_ST_CLASS, &p->t, out));
    pts_ast_stmt *s = *out;
    s->u.class_.src_begin = line_start_of(&p->t);
    PTS_TRY(next(p));
    if (p->t.kind != PTS_TK_NAME)
        return expected(p, "a class name");
    s->u.class_.name = p->t.str;
    PTS_TRY(next(p));
    vec bases = {0};
    if (accept(p, PTS_TK_LPAREN, &st)) {
        PTS_TRY(st);
        while (p->t.kind != PTS_TK_RPAREN) {
            pts_ast_expr *b;
            PTS_TRY(test(p, &b));
            PTS_TRY(push_expr(p, &bases, b));
            if (!accept(p, PTS_TK_COMMA, &st))
                break;
            PTS_TRY(st);
        }
        PTS_TRY(expect(p, PTS_TK_RPAREN));
    }
    s->u.class_.nbases = bases.n;
    s->u.class_.bases = bases.data;
    PTS_TRY(suite(p, &s->u.class_.body));
    s->u.class_.src_end = p->last_end;
    return PTS_OK;
}

/* stmt: if_stmt | while_stmt | for_stmt | with_stmt | funcdef | classdef | simple_stmt */
static pts_status statement(parser *p, vec *out)
{
    pts_ast_stmt *s = NULL;
    switch (p->t.kind) {
    case PTS_TK_IF: PTS_TRY(if_stmt(p, &s)); break;
    case PTS_TK_WHILE: PTS_TRY(while_stmt(p, &s)); break;
    case PTS_TK_FOR: PTS_TRY(for_stmt(p, &s)); break;
    case PTS_TK_WITH: PTS_TRY(with_stmt(p, &s)); break;
    case PTS_TK_DEF: PTS_TRY(funcdef(p, &s)); break;
    case PTS_TK_CLASS: PTS_TRY(classdef(p, &s)); break;
    case PTS_TK_INDENT: return error_at(p, p->t.line, p->t.col, "unexpected indent");
    case PTS_TK_AT: return error_at(p, p->t.line, p->t.col, "decorators are not supported");
    default: return simple_stmt(p, out);
    }
    return push_stmt(p, out, s);
}

/* ---- the file ------------------------------------------------------------- */

/* header: ['op_version_set' '=' INT NEWLINE] {('import' | 'from') ... NEWLINE} */
static pts_status header(parser *p, pts_ast_module *m)
{
    pts_tok after;
    if (p->t.kind == PTS_TK_NAME && strcmp(p->t.str, "op_version_set") == 0) {
        PTS_TRY(peek(p, &after));
        if (after == PTS_TK_ASSIGN) {
            PTS_TRY(next(p));
            PTS_TRY(next(p));
            if (p->t.kind != PTS_TK_INT || p->t.int_big)
                return expected(p, "a version number");
            m->op_version = (int64_t)p->t.num.i;
            PTS_TRY(next(p));
            PTS_TRY(expect(p, PTS_TK_NEWLINE));
        }
    }
    while (p->t.kind == PTS_TK_IMPORT || p->t.kind == PTS_TK_FROM) {
        while (p->t.kind != PTS_TK_NEWLINE && p->t.kind != PTS_TK_EOF)
            PTS_TRY(next(p));
        if (p->t.kind == PTS_TK_NEWLINE)
            PTS_TRY(next(p));
    }
    return PTS_OK;
}

/* file_input: header {stmt} EOF */
static pts_status file_input(parser *p, pts_ast_module *m)
{
    vec stmts = {0};
    PTS_TRY(header(p, m));
    while (p->t.kind != PTS_TK_EOF) {
        if (p->t.kind == PTS_TK_NEWLINE) {
            PTS_TRY(next(p));
            continue;
        }
        if (p->t.kind == PTS_TK_DEDENT)
            return error_at(p, p->t.line, p->t.col, "unexpected dedent");
        PTS_TRY(statement(p, &stmts));
    }
    m->body = block_of(&stmts);
    return PTS_OK;
}

pts_status pts_frontend_parse(pts_arena *arena, const char *path, const char *text, size_t len,
                              pts_ast_module **out)
{
    parser p;
    memset(&p, 0, sizeof p);
    if (!path)
        path = "<source>";
    p.arena = arena;
    p.path = pts_arena_intern(arena, path, strlen(path));
    if (!p.path)
        return failed();
    pts_ast_module *m = pts_arena_alloc(arena, sizeof *m);
    if (!m)
        return failed();
    m->path = p.path;
    m->op_version = -1;
    pts_lex_init(&p.lx, arena, p.path, text, len);
    PTS_TRY(pts_lex_next(&p.lx, &p.t));
    PTS_TRY(file_input(&p, m));
    *out = m;
    return PTS_OK;
}
