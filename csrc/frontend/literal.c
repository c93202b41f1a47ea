/* literal.c - evaluate constant AST expressions (see literal.h). */
#include "frontend/literal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"

static pts_status not_constant(const pts_ast_expr *e)
{
    pts_sb sb;
    pts_sb_init(&sb);
    pts_ast_print_expr(&sb, e);
    pts_status st = pts_err_set(PTS_ERR_LOAD, "%s:%d: not a constant: %.200s", e->pos.file, e->pos.line,
                                pts_sb_str(&sb));
    pts_sb_free(&sb);
    return st;
}

/* c10 DeviceType codes. */
static const struct {
    const char *name;
    int type;
} device_types[] = {
    {"cpu", 0},  {"cuda", 1},  {"mkldnn", 2}, {"opengl", 3}, {"opencl", 4}, {"ideep", 5},
    {"hip", 6},  {"fpga", 7},  {"maia", 8},   {"xla", 9},    {"vulkan", 10}, {"metal", 11},
    {"xpu", 12}, {"mps", 13},  {"meta", 14},  {"hpu", 15},   {"ve", 16},     {"lazy", 17},
    {"ipu", 18}, {"mtia", 19}, {"privateuseone", 20},
};

pts_status pts_frontend_parse_device(const char *s, size_t n, pts_device *out)
{
    size_t tn = 0;
    while (tn < n && s[tn] != ':')
        tn++;
    int index = -1;
    if (tn < n) {
        if (tn + 1 == n || n - tn - 1 > 4)
            goto bad;
        index = 0;
        for (size_t i = tn + 1; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || (i == tn + 1 && s[i] == '0' && n - tn - 1 > 1))
                goto bad;
            index = index * 10 + (s[i] - '0');
        }
    }
    for (size_t i = 0; i < sizeof device_types / sizeof device_types[0]; i++) {
        if (strlen(device_types[i].name) == tn && memcmp(device_types[i].name, s, tn) == 0) {
            out->type = (int16_t)device_types[i].type;
            out->index = (int16_t)index;
            return PTS_OK;
        }
    }
bad:
    return pts_err_set(PTS_ERR_VALUE, "invalid device string: \"%.*s\"", (int)(n > 100 ? 100 : n), s);
}

/* A numeric constant as a complex (re, im); 0 if e is not numeric. */
static int numeric(const pts_ast_expr *e, double *re, double *im, int *kind)
{
    *re = *im = 0;
    switch (e->kind) {
    case PTS_EX_INT: *re = (double)e->u.i; *kind = 0; return 1;
    case PTS_EX_FLOAT: *re = e->u.f; *kind = 1; return 1;
    case PTS_EX_IMAG: *im = e->u.f; *kind = 2; return 1;
    case PTS_EX_NAME:
        if (strcmp(e->u.name, "inf") == 0) { *re = INFINITY; *kind = 1; return 1; }
        if (strcmp(e->u.name, "nan") == 0) { *re = NAN; *kind = 1; return 1; }
        if (strcmp(e->u.name, "infj") == 0) { *im = INFINITY; *kind = 2; return 1; }
        if (strcmp(e->u.name, "nanj") == 0) { *im = NAN; *kind = 2; return 1; }
        return 0;
    case PTS_EX_UNARY:
        if (e->op != PTS_OP_NEG || !numeric(e->u.unary.operand, re, im, kind) || *kind == 0)
            return 0; /* negated ints are folded by the parser (INT64_MIN stays) */
        *re = -*re;
        *im = -*im;
        return 1;
    default:
        return 0;
    }
}

static pts_status eval_number(const pts_ast_expr *e, pts_value *out)
{
    double re, im, re2, im2;
    int kind, kind2;
    if (e->kind == PTS_EX_INT) {
        *out = pts_int(e->u.i);
        return PTS_OK;
    }
    if (numeric(e, &re, &im, &kind)) {
        *out = kind == 2 ? pts_complex(re, im) : pts_float(re);
        return PTS_OK;
    }
    /* 1. + 2.j, 1. - 2.j */
    if (e->kind == PTS_EX_BINARY && (e->op == PTS_OP_ADD || e->op == PTS_OP_SUB) &&
        numeric(e->u.bin.left, &re, &im, &kind) && numeric(e->u.bin.right, &re2, &im2, &kind2) &&
        kind2 == 2) {
        double s = e->op == PTS_OP_ADD ? 1 : -1;
        *out = pts_complex(re + s * re2, im + s * im2);
        return PTS_OK;
    }
    return not_constant(e);
}

static pts_status eval_tuple(const pts_ast_expr *e, const pts_type *hint, pts_value *out)
{
    pts_tuple *t = pts_tuple_new(e->u.seq.n);
    if (!t)
        return pts_err_nomem("a tuple", (size_t)e->u.seq.n);
    for (int i = 0; i < e->u.seq.n; i++) {
        const pts_type *h = hint && hint->kind == PTS_TY_TUPLE && i < hint->nargs ? hint->args[i] : NULL;
        pts_status st = pts_frontend_eval_literal(e->u.seq.items[i], h, &t->items[i]);
        if (st) {
            pts_obj_release(&t->hdr);
            return st;
        }
    }
    *out = pts_obj_value(&t->hdr);
    return PTS_OK;
}

static pts_status eval_list(const pts_ast_expr *e, const pts_type *hint, pts_value *out)
{
    pts_type *elem = hint && hint->kind == PTS_TY_LIST && hint->nargs == 1 ? hint->args[0] : NULL;
    pts_list *l = pts_list_new(elem, e->u.seq.n);
    if (!l)
        return pts_err_nomem("a list", (size_t)e->u.seq.n);
    for (int i = 0; i < e->u.seq.n; i++) {
        pts_value v;
        pts_status st = pts_frontend_eval_literal(e->u.seq.items[i], elem, &v);
        if (!st)
            st = pts_list_append(l, v);
        if (st) {
            pts_obj_release(&l->hdr);
            return st;
        }
    }
    *out = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* torch.device("...") */
static pts_status eval_call(const pts_ast_expr *e, pts_value *out)
{
    const pts_ast_expr *f = e->u.call.func;
    if (f->kind != PTS_EX_ATTR || f->u.attr.value->kind != PTS_EX_NAME ||
        strcmp(f->u.attr.value->u.name, "torch") != 0 || strcmp(f->u.attr.name, "device") != 0 ||
        e->u.call.nargs != 1 || e->u.call.nkw != 0 || e->u.call.args[0]->kind != PTS_EX_STR)
        return not_constant(e);
    const pts_ast_expr *s = e->u.call.args[0];
    pts_device d;
    pts_status st = pts_frontend_parse_device(s->u.str.s, s->u.str.len, &d);
    if (st)
        return pts_err_context(st, "%s:%d", e->pos.file, e->pos.line);
    *out = pts_device_value(d.type, d.index);
    return PTS_OK;
}

pts_status pts_frontend_eval_literal(const pts_ast_expr *e, const pts_type *hint, pts_value *out)
{
    *out = pts_none();
    if (hint && hint->kind == PTS_TY_OPTIONAL && hint->nargs == 1)
        hint = hint->args[0];
    switch (e->kind) {
    case PTS_EX_NONE: return PTS_OK;
    case PTS_EX_TRUE: *out = pts_bool(true); return PTS_OK;
    case PTS_EX_FALSE: *out = pts_bool(false); return PTS_OK;
    case PTS_EX_STR: return pts_value_str(e->u.str.s, e->u.str.len, out);
    case PTS_EX_TUPLE: return eval_tuple(e, hint, out);
    case PTS_EX_LIST: return eval_list(e, hint, out);
    case PTS_EX_CALL: return eval_call(e, out);
    default: return eval_number(e, out);
    }
}
