/* import.c - classes and functions of a code/ file into a compilation unit
 * (see import.h for the class-body forms understood here). */
#include "frontend/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "frontend/annot.h"
#include "frontend/arena.h"
#include "frontend/literal.h"
#include "frontend/parser.h"

static pts_status error_at(const pts_ast_pos *pos, pts_status st, const char *fmt, ...) PTS_PRINTF(3, 4);

static pts_status error_at(const pts_ast_pos *pos, pts_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pts_err_set(st, "%s:%d: %s", pos->file, pos->line, msg);
}

static int is_name(const pts_ast_expr *e, const char *name)
{
    return e->kind == PTS_EX_NAME && strcmp(e->u.name, name) == 0;
}

/* "<prefix>.<name>" into a new pts_malloc'd string. */
static pts_status qualify(const char *prefix, const char *name, char **out)
{
    pts_sb sb;
    pts_sb_init(&sb);
    if (prefix && *prefix) {
        pts_sb_puts(&sb, prefix);
        pts_sb_putc(&sb, '.');
    }
    pts_sb_puts(&sb, name);
    *out = sb.failed ? NULL : pts_sb_take(&sb);
    if (!*out)
        pts_sb_free(&sb);
    return *out ? PTS_OK : pts_err_nomem("a qualified name", strlen(name));
}

/* ---- enum members ----------------------------------------------------------- */

static void enum_destroy(pts_obj *o)
{
    pts_enum *e = (pts_enum *)o;
    pts_obj_release(&e->name->hdr);
    pts_value_release(e->value);
    pts_free(e);
}

/* New enum member of c (steals value). */
static pts_status enum_member_new(pts_class *c, const char *name, pts_value value, pts_value *out)
{
    pts_enum *e = pts_malloc(sizeof *e);
    pts_str *s = pts_str_from_cstr(name);
    if (!e || !s) {
        pts_free(e);
        if (s)
            pts_obj_release(&s->hdr);
        pts_value_release(value);
        return pts_err_nomem("an enum member", sizeof *e);
    }
    pts_obj_init(&e->hdr, PTS_T_ENUM, enum_destroy);
    e->cls = c;
    e->name = s;
    e->value = value;
    *out = pts_obj_value(&e->hdr);
    return PTS_OK;
}

/* ---- class bodies ------------------------------------------------------------ */

/* The names of the list literal `["a", "b", ]`. */
typedef struct name_list {
    int n;
    pts_ast_expr **items;
} name_list;

static pts_status string_list(const pts_ast_stmt *s, const pts_ast_expr *e, name_list *out)
{
    if (e->kind != PTS_EX_LIST && e->kind != PTS_EX_TUPLE)
        return error_at(&s->pos, PTS_ERR_LOAD, "expected a list of names");
    for (int i = 0; i < e->u.seq.n; i++)
        if (e->u.seq.items[i]->kind != PTS_EX_STR)
            return error_at(&s->pos, PTS_ERR_LOAD, "expected a list of names");
    out->n = e->u.seq.n;
    out->items = e->u.seq.items;
    return PTS_OK;
}

typedef struct class_state {
    pts_class *c;
    name_list params, buffers;
} class_state;

static pts_status add_attr(pts_class *c, const pts_ast_stmt *s, const char *name, const pts_ast_expr *annot)
{
    pts_type *t;
    PTS_TRY(pts_frontend_type_from_expr(annot, &t));
    pts_status st = pts_class_add_attr(c, name, t);
    if (st)
        return pts_err_context(st, "%s:%d", s->pos.file, s->pos.line);
    return PTS_OK;
}

static pts_status add_const(pts_class *c, const pts_ast_stmt *s, const char *name, const pts_ast_expr *annot,
                            const pts_ast_expr *value)
{
    pts_type *t;
    pts_value v;
    PTS_TRY(pts_frontend_type_from_expr(annot, &t));
    pts_status st = pts_frontend_eval_literal(value, t, &v);
    if (st) {
        pts_type_release(t);
        return st;
    }
    if (pts_class_const_index(c, name) >= 0) {
        pts_type_release(t);
        pts_value_release(v);
        return error_at(&s->pos, PTS_ERR_LOAD, "constant '%s' defined twice", name);
    }
    return pts_class_add_const(c, name, t, v);
}

/* name : Type | name : Final[T] = value | name : Type = default (NamedTuple) */
static pts_status annotated_line(class_state *cs, const pts_ast_stmt *s)
{
    pts_class *c = cs->c;
    const pts_ast_expr *target = s->u.ann.target;
    if (target->kind != PTS_EX_NAME)
        return error_at(&s->pos, PTS_ERR_LOAD, "unexpected annotation in class body");
    const char *name = target->u.name;
    const pts_ast_expr *final_type = pts_frontend_final_inner(s->u.ann.annotation);
    if (final_type) {
        if (!s->u.ann.value)
            return error_at(&s->pos, PTS_ERR_LOAD, "constant '%s' has no value", name);
        return add_const(c, s, name, final_type, s->u.ann.value);
    }
    PTS_TRY(add_attr(c, s, name, s->u.ann.annotation));
    if (!s->u.ann.value)
        return PTS_OK;
    if (c->kind != PTS_CLS_NAMEDTUPLE)
        return error_at(&s->pos, PTS_ERR_LOAD, "attribute '%s' cannot have a value here", name);
    pts_attr *a = &c->attrs[c->nattrs - 1];
    PTS_TRY(pts_frontend_eval_literal(s->u.ann.value, a->type, &a->default_value));
    a->has_default = true;
    return PTS_OK;
}

/* __parameters__ = [...] and friends, __annotations__["0"] = T, enum members */
static pts_status assign_line(class_state *cs, const pts_ast_stmt *s)
{
    pts_class *c = cs->c;
    if (s->u.assign.ntargets != 1)
        return error_at(&s->pos, PTS_ERR_LOAD, "unexpected assignment in class body");
    const pts_ast_expr *t = s->u.assign.targets[0];
    const pts_ast_expr *v = s->u.assign.value;
    if (is_name(t, "__parameters__"))
        return string_list(s, v, &cs->params);
    if (is_name(t, "__buffers__"))
        return string_list(s, v, &cs->buffers);
    if (is_name(t, "__forward_pre_hooks__") || is_name(t, "__forward_hooks__")) {
        name_list hooks = {0, NULL};
        PTS_TRY(string_list(s, v, &hooks));
        for (int i = 0; i < hooks.n; i++)
            PTS_TRY(pts_class_add_hook(c, is_name(t, "__forward_pre_hooks__"), hooks.items[i]->u.str.s));
        return PTS_OK;
    }
    if (is_name(t, "__annotations__"))
        return PTS_OK; /* `__annotations__ = []` */
    if (t->kind == PTS_EX_SUBSCRIPT && is_name(t->u.sub.value, "__annotations__") && t->u.sub.n == 1 &&
        t->u.sub.index[0]->kind == PTS_EX_STR)
        return add_attr(c, s, t->u.sub.index[0]->u.str.s, v);
    if (c->kind == PTS_CLS_ENUM && t->kind == PTS_EX_NAME) {
        pts_value raw, member;
        if (pts_class_const_index(c, t->u.name) >= 0)
            return error_at(&s->pos, PTS_ERR_LOAD, "enum member '%s' defined twice", t->u.name);
        PTS_TRY(pts_frontend_eval_literal(v, NULL, &raw));
        PTS_TRY(enum_member_new(c, t->u.name, raw, &member));
        return pts_class_add_const(c, t->u.name, pts_type_retain(c->type), member);
    }
    return error_at(&s->pos, PTS_ERR_LOAD, "unexpected assignment in class body");
}

static pts_status mark_params(pts_class *c, const name_list *names, bool param)
{
    for (int i = 0; i < names->n; i++) {
        const char *name = names->items[i]->u.str.s;
        if (pts_class_attr_index(c, name) >= 0) /* torch ignores undeclared names */
            PTS_TRY(pts_class_mark_param(c, name, param, !param));
    }
    return PTS_OK;
}

static pts_status class_body(class_state *cs, const pts_ast_block *body)
{
    for (int i = 0; i < body->n; i++) {
        const pts_ast_stmt *s = body->stmts[i];
        switch (s->kind) {
        case PTS_ST_ANNASSIGN: PTS_TRY(annotated_line(cs, s)); break;
        case PTS_ST_ASSIGN: PTS_TRY(assign_line(cs, s)); break;
        case PTS_ST_DEF:
            if (pts_class_find_method(cs->c, s->u.def.name))
                return error_at(&s->pos, PTS_ERR_LOAD, "method '%s' defined twice", s->u.def.name);
            PTS_TRY(pts_class_add_method(cs->c, s->u.def.name, (void *)s, s->pos.line, NULL));
            break;
        case PTS_ST_PASS: break;
        case PTS_ST_EXPR:
            if (s->u.expr->kind == PTS_EX_STR)
                break; /* docstring */
            /* fall through */
        default:
            return error_at(&s->pos, PTS_ERR_LOAD, "unexpected %s statement in class body",
                            pts_ast_stmt_kind_name(s->kind));
        }
    }
    PTS_TRY(mark_params(cs->c, &cs->params, true));
    return mark_params(cs->c, &cs->buffers, false);
}

static pts_status class_kind(const pts_ast_stmt *s, pts_class_kind *kind)
{
    static const struct {
        const char *name;
        pts_class_kind kind;
    } bases[] = {
        {"Module", PTS_CLS_MODULE},       {"NamedTuple", PTS_CLS_NAMEDTUPLE},
        {"Enum", PTS_CLS_ENUM},           {"Interface", PTS_CLS_INTERFACE},
        {"ModuleInterface", PTS_CLS_MODULE_INTERFACE},
    };
    *kind = PTS_CLS_CLASS;
    if (s->u.class_.nbases == 0)
        return PTS_OK;
    const pts_ast_expr *b = s->u.class_.bases[0];
    if (s->u.class_.nbases == 1 && b->kind == PTS_EX_NAME) {
        for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
            if (strcmp(b->u.name, bases[i].name) == 0) {
                *kind = bases[i].kind;
                return PTS_OK;
            }
        }
    }
    return error_at(&s->pos, PTS_ERR_UNSUPPORTED, "class %s: class inheritance is not supported",
                    s->u.class_.name);
}

static pts_status import_class(pts_cu *cu, const pts_file *f, const char *prefix, const pts_ast_stmt *s)
{
    pts_class_kind kind;
    PTS_TRY(class_kind(s, &kind));
    char *qualname;
    PTS_TRY(qualify(prefix, s->u.class_.name, &qualname));
    pts_class *c;
    pts_status st = pts_cu_add_class(cu, qualname, kind, &c);
    pts_free(qualname);
    if (st)
        return pts_err_context(st, "%s:%d", s->pos.file, s->pos.line);
    size_t b = s->u.class_.src_begin, e = s->u.class_.src_end;
    if (e > f->len || b > e)
        e = b = 0;
    c->file = pts_strdup(f->path);
    c->source = pts_strndup(f->text + b, e - b);
    c->line = s->pos.line;
    if (!c->file || !c->source)
        return pts_err_nomem("a class's source", e - b);
    class_state cs;
    memset(&cs, 0, sizeof cs);
    cs.c = c;
    return class_body(&cs, &s->u.class_.body);
}

static pts_status import_function(pts_cu *cu, const pts_file *f, const char *prefix, const pts_ast_stmt *s)
{
    char *qualname;
    PTS_TRY(qualify(prefix, s->u.def.name, &qualname));
    pts_function *fn;
    pts_status st = pts_cu_add_function(cu, qualname, &fn);
    pts_free(qualname);
    if (st)
        return pts_err_context(st, "%s:%d", s->pos.file, s->pos.line);
    if (!fn->file && !(fn->file = pts_strdup(f->path)))
        return pts_err_nomem("a file name", strlen(f->path));
    fn->m.def = (void *)s;
    fn->m.line = s->pos.line;
    return PTS_OK;
}

/* ---- files ------------------------------------------------------------------ */

int pts_frontend_qualifier_of_path(const char *path, char *buf, size_t cap)
{
    const char *p = path;
    const char *code = strstr(path, "code/");
    if (code && (code == path || code[-1] == '/'))
        p = code + 5;
    size_t n = strlen(p);
    if (n >= 3 && strcmp(p + n - 3, ".py") == 0)
        n -= 3;
    if (n + 1 > cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = p[i] == '/' ? '.' : p[i];
    buf[n] = 0;
    return 1;
}

static pts_status unit_arena(pts_cu *cu, pts_arena **out)
{
    if (!cu->arena) {
        cu->arena = pts_arena_new();
        if (!cu->arena)
            return PTS_ERR_NOMEM;
        cu->arena_free = pts_arena_free_void;
    }
    *out = cu->arena;
    return PTS_OK;
}

static pts_status import_module(pts_cu *cu, const pts_file *f, const char *prefix, const pts_ast_module *m)
{
    int torchbind = strncmp(prefix, "__torch__.torch.classes", 23) == 0 &&
                    (prefix[23] == 0 || prefix[23] == '.');
    for (int i = 0; i < m->body.n; i++) {
        const pts_ast_stmt *s = m->body.stmts[i];
        switch (s->kind) {
        case PTS_ST_CLASS:
            if (!torchbind)
                PTS_TRY(import_class(cu, f, prefix, s));
            break;
        case PTS_ST_DEF: PTS_TRY(import_function(cu, f, prefix, s)); break;
        case PTS_ST_PASS: break;
        default:
            return error_at(&s->pos, PTS_ERR_LOAD,
                            "only class and def statements are allowed at the top level of a file");
        }
    }
    return PTS_OK;
}

pts_status pts_frontend_import_file(pts_cu *cu, const char *path, const char *qualifier_prefix)
{
    pts_file *f = pts_cu_find_file(cu, path);
    if (!f)
        return pts_err_set(PTS_ERR_LOAD, "%s: no such code file in the archive", path);
    if (f->ast)
        return PTS_OK;
    char derived[1024];
    if (!qualifier_prefix) {
        if (!pts_frontend_qualifier_of_path(path, derived, sizeof derived))
            return pts_err_set(PTS_ERR_LOAD, "%s: path is too long", path);
        qualifier_prefix = derived;
    }
    pts_arena *arena;
    PTS_TRY(unit_arena(cu, &arena));
    pts_ast_module *m;
    PTS_TRY(pts_frontend_parse(arena, f->path, f->text, f->len, &m));
    f->ast = m;
    return import_module(cu, f, qualifier_prefix, m);
}

pts_status pts_frontend_import_text(pts_cu *cu, const char *path, char *text, size_t len,
                                    const char *qualifier_prefix)
{
    if (pts_cu_find_file(cu, path)) {
        pts_free(text);
        return pts_frontend_import_file(cu, path, qualifier_prefix);
    }
    PTS_TRY(pts_cu_add_file(cu, path, text, len, NULL));
    return pts_frontend_import_file(cu, path, qualifier_prefix);
}
