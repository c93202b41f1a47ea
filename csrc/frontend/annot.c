/* annot.c - annotation expressions to types (see annot.h). */
#include "frontend/annot.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"

/* Spell e as a type string; 0 if e cannot be a type. */
static int spell(pts_sb *sb, const pts_ast_expr *e)
{
    switch (e->kind) {
    case PTS_EX_NAME:
    case PTS_EX_ATTR:
        return pts_ast_dotted_name(sb, e);
    case PTS_EX_NONE:
        pts_sb_puts(sb, "None");
        return 1;
    case PTS_EX_SUBSCRIPT:
        if (!pts_ast_dotted_name(sb, e->u.sub.value))
            return 0;
        pts_sb_putc(sb, '[');
        for (int i = 0; i < e->u.sub.n; i++) {
            const pts_ast_expr *a = e->u.sub.index[i];
            if (i)
                pts_sb_puts(sb, ", ");
            if (a->kind == PTS_EX_TUPLE && a->u.seq.n == 0 && e->u.sub.n == 1)
                pts_sb_puts(sb, "()");
            else if (!spell(sb, a))
                return 0;
        }
        pts_sb_putc(sb, ']');
        return 1;
    default:
        return 0;
    }
}

pts_status pts_frontend_type_from_expr(const pts_ast_expr *e, pts_type **out)
{
    pts_sb sb;
    char where[512];
    *out = NULL;
    snprintf(where, sizeof where, "%s:%d", e->pos.file, e->pos.line);
    pts_sb_init(&sb);
    if (!spell(&sb, e)) {
        pts_sb_free(&sb);
        pts_sb_init(&sb);
        pts_ast_print_expr(&sb, e);
        pts_status st = pts_err_set(PTS_ERR_LOAD, "%s: not a type: %.200s", where, pts_sb_str(&sb));
        pts_sb_free(&sb);
        return st;
    }
    if (sb.failed) {
        pts_sb_free(&sb);
        return pts_err_nomem("a type annotation", 0);
    }
    pts_status st = pts_type_parse(pts_sb_str(&sb), sb.len, where, out);
    pts_sb_free(&sb);
    return st;
}

const pts_ast_expr *pts_frontend_final_inner(const pts_ast_expr *e)
{
    if (e->kind != PTS_EX_SUBSCRIPT || e->u.sub.n != 1 || e->u.sub.value->kind != PTS_EX_NAME ||
        strcmp(e->u.sub.value->u.name, "Final") != 0)
        return NULL;
    return e->u.sub.index[0];
}
