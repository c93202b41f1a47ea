/* compile.c - one method/function AST -> register bytecode (interp.h).
 *
 * Pipeline position: frontend (AST in pts_method.def) -> here -> vm.c.
 *
 * Resolved once, here: local names to registers (a register per name per
 * function; parameters first), constants into the pool, CONSTANTS.cN to the
 * unit's table index, `__torch__.…` names to functions/classes/enum members,
 * `torch.X`/`ops.ns.X` to the operator's overload list, attribute and method
 * names to sites whose per-class caches the VM fills.  Special forms
 * (annotate, isinstance, fork, print, ...) are in builtins.c.
 *
 * Expression results go to a destination register; temporaries are
 * allocated stack-wise above the locals and consumed by the instruction that
 * reads them (flag PTS_F_TB), so values die at their last use.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/grow.h"
#include "core/hash.h"
#include "core/sb.h"
#include "frontend/annot.h"
#include "frontend/ast.h"
#include "frontend/literal.h"
#include "interp/compile.h"
#include "ops/prim/prim.h"

/* ---- errors ----------------------------------------------------------------------------- */

pts_status pts_cc_error(cc *c, const pts_ast_pos *pos, pts_status st, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pts_err_set(st, "%s:%d: %s (in %s)", pos ? pos->file : c->code->file, pos ? pos->line : c->line, msg,
                       c->code->qualname);
}

/* ---- emitting ----------------------------------------------------------------------------- */

pts_status pts_cc_emit(cc *c, int op, int a, int b, int cc_, int n, int flags, int *at)
{
    pts_code *k = c->code;
    if (k->ninsns >= PTS_CC_MAX_INSNS)
        return pts_cc_error(c, NULL, PTS_ERR_LIMIT, "function too long (more than %d instructions)", PTS_CC_MAX_INSNS);
    PTS_TRY(pts_grow_int((void **)&k->insns, &c->cap_insns, k->ninsns + 1, sizeof *k->insns, 16, "bytecode"));
    int lcap = c->cap_lines;
    PTS_TRY(pts_grow_int((void **)&k->lines, &lcap, k->ninsns + 1, sizeof *k->lines, 16, "bytecode"));
    c->cap_lines = lcap;
    pts_insn *i = &k->insns[k->ninsns];
    i->op = (uint8_t)op;
    i->flags = (uint8_t)flags;
    i->n = (uint16_t)n;
    i->a = a;
    i->b = b;
    i->c = cc_;
    k->lines[k->ninsns] = c->line;
    if (at)
        *at = k->ninsns;
    k->ninsns++;
    return PTS_OK;
}

void pts_cc_patch(cc *c, int at, int target) { c->code->insns[at].c = target; }
int pts_cc_here(cc *c) { return c->code->ninsns; }

int pts_cc_temp(cc *c)
{
    int r = c->top++;
    if (c->top > c->code->nregs)
        c->code->nregs = c->top;
    return r;
}

bool pts_cc_is_temp(cc *c, int reg) { return reg >= c->reserved_top; }

pts_status pts_cc_const(cc *c, pts_value v /* stolen */, int *idx)
{
    pts_code *k = c->code;
    /* small pool: reuse equal scalar/str constants */
    if (!PTS_TAG_IS_HEAP(v.tag) || v.tag == PTS_T_STR) {
        for (int i = 0; i < k->nconsts; i++) {
            if (k->consts[i].tag == v.tag && pts_value_key_equal(k->consts[i], v) &&
                (v.tag != PTS_T_FLOAT || (1.0 / k->consts[i].u.f) == (1.0 / v.u.f))) {
                pts_value_release(v);
                *idx = i;
                return PTS_OK;
            }
        }
    }
    pts_status st = pts_grow_int((void **)&k->consts, &c->cap_consts, k->nconsts + 1, sizeof *k->consts, 16, "bytecode");
    if (st) {
        pts_value_release(v);
        return st;
    }
    k->consts[k->nconsts] = v;
    *idx = k->nconsts++;
    return PTS_OK;
}

pts_status pts_cc_const_type(cc *c, pts_type *t /* stolen, may be NULL */, int *idx)
{
    if (!t) {
        *idx = -1;
        return PTS_OK;
    }
    return pts_cc_const(c, pts_obj_value(&t->hdr), idx);
}

/* ---- sites --------------------------------------------------------------------------------- */

#define SITE_ADD(c, arr, n, capname, out)                                                   \
    do {                                                                                    \
        PTS_TRY(pts_grow_int((void **)&(c)->code->arr, &(c)->capname, (c)->code->n + 1, sizeof *(c)->code->arr, 16, "bytecode")); \
        memset(&(c)->code->arr[(c)->code->n], 0, sizeof *(c)->code->arr);                  \
        *(out) = (c)->code->n++;                                                            \
    } while (0)

static pts_status record_missing(cc *c, const char *opname, int nargs)
{
    pts_interp_unit *iu = c->iu;
    const char *file = c->code->file ? c->code->file : "?";
    /* called while compiling: the unit lock is held */
    for (int i = 0; i < iu->nmissing; i++) {
        const pts_missing_op *m = &iu->missing[i];
        if (m->line == c->line && m->nargs == nargs && strcmp(m->op, opname) == 0 && strcmp(m->file, file) == 0)
            return PTS_OK;
    }
    PTS_TRY(pts_grow_int((void **)&iu->missing, &iu->cap_missing, iu->nmissing + 1, sizeof *iu->missing, 16, "bytecode"));
    pts_missing_op *m = &iu->missing[iu->nmissing];
    m->op = pts_strdup(opname);
    m->file = pts_strdup(file);
    m->line = c->line;
    m->nargs = nargs;
    m->torch_knows = !pts_ops_torch_refuses(opname);
    if (!m->op || !m->file) {
        pts_free(m->op);
        pts_free(m->file);
        return pts_err_nomem("a missing-operator note", 0);
    }
    iu->nmissing++;
    return PTS_OK;
}

static int upgrade_kind(cc *c, const char *opname)
{
    int64_t v = c->cu->version;
    if (v <= 0)
        return 0;
    if (v < 4 && (strcmp(opname, "aten::div") == 0 || strcmp(opname, "aten::div_") == 0))
        return PTS_UPG_DIV;
    if (v < 5 && strcmp(opname, "aten::full") == 0)
        return PTS_UPG_FULL;
    if ((v < 8 && strcmp(opname, "aten::linspace") == 0) || (v < 9 && strcmp(opname, "aten::logspace") == 0))
        return PTS_UPG_STEPS;
    return 0;
}

pts_status pts_cc_op_site(cc *c, const char *opname, int npos, int nkw, const char *const *kwnames, int *out)
{
    int idx;
    SITE_ADD(c, ops, nops, cap_ops, &idx);
    op_site *s = &c->code->ops[idx];
    s->opname = pts_strdup(opname);
    if (!s->opname)
        return pts_err_nomem("an operator name", strlen(opname));
    s->ovl = pts_ops_overloads(opname, &s->novl);
    s->npos = npos;
    s->nkw = nkw;
    s->line = c->line;
    s->upgrade = upgrade_kind(c, opname);
    if (nkw) {
        s->kwnames = pts_calloc((size_t)nkw, sizeof *s->kwnames);
        if (!s->kwnames)
            return pts_err_nomem("keyword names", 0);
        for (int i = 0; i < nkw; i++)
            if (!(s->kwnames[i] = pts_strdup(kwnames[i])))
                return pts_err_nomem("keyword names", 0);
    }
    if (s->novl == 0)
        PTS_TRY(record_missing(c, opname, npos + nkw));
    *out = idx;
    return PTS_OK;
}

pts_status pts_cc_attr_site(cc *c, const char *name, int *out)
{
    int idx;
    SITE_ADD(c, attrs, nattrs, cap_attrs, &idx);
    c->code->attrs[idx].name = pts_strdup(name);
    if (!c->code->attrs[idx].name)
        return pts_err_nomem("an attribute name", strlen(name));
    *out = idx;
    return PTS_OK;
}

pts_status pts_cc_method_site(cc *c, const char *name, int nargs, int *out)
{
    int idx;
    SITE_ADD(c, methods, nmethods, cap_methods, &idx);
    method_site *m = &c->code->methods[idx];
    m->name = pts_strdup(name);
    m->nargs = nargs;
    if (!m->name)
        return pts_err_nomem("a method name", strlen(name));
    *out = idx;
    return PTS_OK;
}

pts_status pts_cc_fn_site(cc *c, pts_method *m, pts_class *cls, pts_class *newcls, bool namedtuple, int *out)
{
    int idx;
    SITE_ADD(c, fns, nfns, cap_fns, &idx);
    fn_site *f = &c->code->fns[idx];
    if (m) {
        pts_sb sb;
        pts_sb_init(&sb);
        if (cls)
            pts_sb_printf(&sb, "%s.%s", cls->qualname, m->name);
        else
            pts_sb_puts(&sb, c->fn_qualname ? c->fn_qualname : m->name);
        f->qualname = pts_sb_take(&sb);
        if (!f->qualname)
            return pts_err_nomem("a function name", 0);
    }
    f->m = m;
    f->cls = cls;
    f->newcls = newcls;
    f->namedtuple = namedtuple;
    *out = idx;
    return PTS_OK;
}

/* ---- locals ----------------------------------------------------------------------------------- */

/* Locals are found through a small hash table (names hash by content, so a
 * literal name finds an interned one): compiling N locals is O(N). */
static unsigned local_hash(const char *name) { return (unsigned)pts_hash_str(name); }

int pts_cc_local(cc *c, const char *name)
{
    if (!c->local_index_cap)
        return -1;
    unsigned mask = (unsigned)c->local_index_cap - 1;
    for (unsigned pos = local_hash(name) & mask;; pos = (pos + 1) & mask) {
        int e = c->local_index[pos];
        if (e == 0)
            return -1;
        if (c->locals[e - 1] == name || strcmp(c->locals[e - 1], name) == 0)
            return e - 1;
    }
}

static void index_local(cc *c, int i)
{
    unsigned mask = (unsigned)c->local_index_cap - 1;
    unsigned pos = local_hash(c->locals[i]) & mask;
    while (c->local_index[pos])
        pos = (pos + 1) & mask;
    c->local_index[pos] = i + 1;
}

static pts_status add_local(cc *c, const char *name)
{
    if (pts_cc_local(c, name) >= 0)
        return PTS_OK;
    if (c->nlocals >= PTS_CC_MAX_LOCALS)
        return pts_cc_error(c, NULL, PTS_ERR_LIMIT, "too many local variables");
    PTS_TRY(pts_grow_int((void **)&c->locals, &c->cap_locals, c->nlocals + 1, sizeof *c->locals, 16, "bytecode"));
    if (2 * (c->nlocals + 1) >= c->local_index_cap) {
        int cap = c->local_index_cap ? 2 * c->local_index_cap : 64;
        int *ni = pts_calloc((size_t)cap, sizeof *ni);
        if (!ni)
            return pts_err_nomem("the local variable index", (size_t)cap * sizeof *ni);
        pts_free(c->local_index);
        c->local_index = ni;
        c->local_index_cap = cap;
        for (int i = 0; i < c->nlocals; i++)
            index_local(c, i);
    }
    c->locals[c->nlocals] = name;
    index_local(c, c->nlocals);
    c->nlocals++;
    return PTS_OK;
}

static pts_status scan_target(cc *c, const pts_ast_expr *t)
{
    if (!t)
        return PTS_OK;
    if (t->kind == PTS_EX_NAME)
        return add_local(c, t->u.name);
    if (t->kind == PTS_EX_TUPLE || t->kind == PTS_EX_LIST)
        for (int i = 0; i < t->u.seq.n; i++)
            PTS_TRY(scan_target(c, t->u.seq.items[i]));
    return PTS_OK;
}

static pts_status scan_block(cc *c, const pts_ast_block *b, int depth);

/* comprehension targets live in expressions */
static pts_status scan_expr(cc *c, const pts_ast_expr *e, int depth)
{
    if (!e || depth > PTS_AST_MAX_HEIGHT + 10)
        return PTS_OK;
    switch (e->kind) {
    case PTS_EX_LISTCOMP:
    case PTS_EX_DICTCOMP:
        PTS_TRY(scan_target(c, e->u.comp.target));
        PTS_TRY(scan_expr(c, e->u.comp.elt, depth + 1));
        PTS_TRY(scan_expr(c, e->u.comp.key, depth + 1));
        PTS_TRY(scan_expr(c, e->u.comp.cond, depth + 1));
        return scan_expr(c, e->u.comp.iter, depth + 1);
    case PTS_EX_CALL:
        for (int i = 0; i < e->u.call.nargs; i++)
            PTS_TRY(scan_expr(c, e->u.call.args[i], depth + 1));
        for (int i = 0; i < e->u.call.nkw; i++)
            PTS_TRY(scan_expr(c, e->u.call.kwvalues[i], depth + 1));
        return PTS_OK;
    case PTS_EX_TUPLE:
    case PTS_EX_LIST:
    case PTS_EX_BOOLOP:
        for (int i = 0; i < e->u.seq.n; i++)
            PTS_TRY(scan_expr(c, e->u.seq.items[i], depth + 1));
        return PTS_OK;
    case PTS_EX_BINARY:
        PTS_TRY(scan_expr(c, e->u.bin.left, depth + 1));
        return scan_expr(c, e->u.bin.right, depth + 1);
    case PTS_EX_IFEXP:
        PTS_TRY(scan_expr(c, e->u.ifexp.cond, depth + 1));
        PTS_TRY(scan_expr(c, e->u.ifexp.then, depth + 1));
        return scan_expr(c, e->u.ifexp.orelse, depth + 1);
    default: return PTS_OK;
    }
}

static pts_status scan_stmt(cc *c, const pts_ast_stmt *s, int depth)
{
    switch (s->kind) {
    case PTS_ST_ASSIGN:
        for (int i = 0; i < s->u.assign.ntargets; i++)
            PTS_TRY(scan_target(c, s->u.assign.targets[i]));
        return scan_expr(c, s->u.assign.value, depth);
    case PTS_ST_ANNASSIGN: PTS_TRY(scan_target(c, s->u.ann.target)); return scan_expr(c, s->u.ann.value, depth);
    case PTS_ST_AUGASSIGN: return scan_target(c, s->u.aug.target);
    case PTS_ST_EXPR:
    case PTS_ST_RETURN: return scan_expr(c, s->u.expr, depth);
    case PTS_ST_IF:
        PTS_TRY(scan_block(c, &s->u.if_.body, depth + 1));
        return scan_block(c, &s->u.if_.orelse, depth + 1);
    case PTS_ST_WHILE: return scan_block(c, &s->u.while_.body, depth + 1);
    case PTS_ST_FOR:
        PTS_TRY(scan_target(c, s->u.for_.target));
        return scan_block(c, &s->u.for_.body, depth + 1);
    case PTS_ST_WITH:
        for (int i = 0; i < s->u.with.n; i++)
            PTS_TRY(scan_target(c, s->u.with.items[i].target));
        return scan_block(c, &s->u.with.body, depth + 1);
    case PTS_ST_DEF:
        for (int i = 0; i < s->u.def.nparams; i++)
            PTS_TRY(add_local(c, s->u.def.params[i].name));
        return scan_block(c, &s->u.def.body, depth + 1);
    default: return PTS_OK;
    }
}

static pts_status scan_block(cc *c, const pts_ast_block *b, int depth)
{
    if (depth > 400)
        return pts_cc_error(c, NULL, PTS_ERR_LIMIT, "statements nested too deeply");
    for (int i = 0; i < b->n; i++)
        PTS_TRY(scan_stmt(c, b->stmts[i], depth));
    return PTS_OK;
}

/* ---- expressions ------------------------------------------------------------------------------- */

pts_status pts_cc_expr_temp(cc *c, const pts_ast_expr *e, int *out)
{
    int t = pts_cc_temp(c);
    PTS_TRY(pts_cc_expr(c, e, t));
    *out = t;
    return PTS_OK;
}

static int flags_for(cc *c, int reg) { return pts_cc_is_temp(c, reg) ? PTS_F_TB : 0; }

static pts_status load_const_value(cc *c, pts_value v /* stolen */, int dst)
{
    int k;
    if (v.tag == PTS_T_NONE)
        return pts_cc_emit(c, PTS_OPC_LOADNONE, dst, 0, 0, 0, 0, NULL);
    if (v.tag == PTS_T_BOOL)
        return pts_cc_emit(c, PTS_OPC_LOADBOOL, dst, 0, v.u.b, 0, 0, NULL);
    if (v.tag == PTS_T_INT && v.u.i >= INT32_MIN && v.u.i <= INT32_MAX)
        return pts_cc_emit(c, PTS_OPC_LOADINT, dst, 0, (int32_t)v.u.i, 0, 0, NULL);
    PTS_TRY(pts_cc_const(c, v, &k));
    return pts_cc_emit(c, PTS_OPC_LOADK, dst, 0, k, 0, 0, NULL);
}

static const char *binop_name(pts_ast_op op)
{
    switch (op) {
    case PTS_OP_ADD: return "aten::add";
    case PTS_OP_SUB: return "aten::sub";
    case PTS_OP_MUL: return "aten::mul";
    case PTS_OP_DIV: return "aten::div";
    case PTS_OP_FLOORDIV: return "aten::floordiv";
    case PTS_OP_MOD: return "aten::remainder";
    case PTS_OP_POW: return "aten::pow";
    case PTS_OP_MATMUL: return "aten::matmul";
    case PTS_OP_LSHIFT: return "aten::__lshift__";
    case PTS_OP_RSHIFT: return "aten::__rshift__";
    case PTS_OP_BITAND: return "aten::__and__";
    case PTS_OP_BITOR: return "aten::__or__";
    case PTS_OP_BITXOR: return "aten::__xor__";
    case PTS_OP_EQ: return "aten::eq";
    case PTS_OP_NE: return "aten::ne";
    case PTS_OP_LT: return "aten::lt";
    case PTS_OP_LE: return "aten::le";
    case PTS_OP_GT: return "aten::gt";
    case PTS_OP_GE: return "aten::ge";
    default: return NULL;
    }
}

/* dst = opname(regs a, b) where a, b are temps (consumed) */
pts_status pts_cc_call_op2(cc *c, const char *opname, int base, int nargs, int dst)
{
    int site;
    PTS_TRY(pts_cc_op_site(c, opname, nargs, 0, NULL, &site));
    return pts_cc_emit(c, PTS_OPC_CALLOP, dst, base, site, nargs, PTS_F_TB, NULL);
}

static pts_status binary(cc *c, const pts_ast_expr *e, int dst)
{
    const char *name = binop_name(e->op);
    if (!name)
        return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "operator %s is not supported", pts_ast_op_name(e->op));
    int mark = c->top;
    int a, b;
    PTS_TRY(pts_cc_expr_temp(c, e->u.bin.left, &a));
    PTS_TRY(pts_cc_expr_temp(c, e->u.bin.right, &b));
    (void)b;
    PTS_TRY(pts_cc_call_op2(c, name, a, 2, dst));
    c->top = mark;
    return PTS_OK;
}

static pts_status unary(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top, a;
    /* negative literals fold */
    if (e->op == PTS_OP_NEG && (e->u.unary.operand->kind == PTS_EX_INT || e->u.unary.operand->kind == PTS_EX_FLOAT)) {
        const pts_ast_expr *o = e->u.unary.operand;
        return load_const_value(c, o->kind == PTS_EX_INT ? pts_int((int64_t)(0 - (uint64_t)o->u.i)) : pts_float(-o->u.f), dst);
    }
    PTS_TRY(pts_cc_expr_temp(c, e->u.unary.operand, &a));
    switch (e->op) {
    case PTS_OP_NOT: PTS_TRY(pts_cc_emit(c, PTS_OPC_NOT, dst, a, 0, 0, PTS_F_TB, NULL)); break;
    case PTS_OP_NEG: PTS_TRY(pts_cc_call_op2(c, "aten::neg", a, 1, dst)); break;
    case PTS_OP_INVERT: PTS_TRY(pts_cc_call_op2(c, "aten::bitwise_not", a, 1, dst)); break;
    case PTS_OP_POS: PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, dst, a, 0, 0, PTS_F_TB, NULL)); break;
    default: return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "unary operator %s", pts_ast_op_name(e->op));
    }
    c->top = mark;
    return PTS_OK;
}

/* a op b for one comparison link; a and b temps (consumed) */
static pts_status compare_link(cc *c, pts_ast_op op, int a, int dst)
{
    switch (op) {
    case PTS_OP_IS: return pts_cc_emit(c, PTS_OPC_IS, dst, a, 0, 2, PTS_F_TB, NULL);
    case PTS_OP_ISNOT: return pts_cc_emit(c, PTS_OPC_ISNOT, dst, a, 0, 2, PTS_F_TB, NULL);
    case PTS_OP_IN:
    case PTS_OP_NOTIN: {
        /* CONTAINS wants (container, item): swap */
        int t = pts_cc_temp(c);
        PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, t, a, 0, 0, PTS_F_TB, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, a, a + 1, 0, 0, PTS_F_TB, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, a + 1, t, 0, 0, PTS_F_TB, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CONTAINS, dst, a, 0, 2, PTS_F_TB, NULL));
        if (op == PTS_OP_NOTIN)
            PTS_TRY(pts_cc_emit(c, PTS_OPC_NOT, dst, dst, 0, 0, 0, NULL));
        return PTS_OK;
    }
    default: {
        const char *name = binop_name(op);
        if (!name)
            return pts_cc_error(c, NULL, PTS_ERR_UNSUPPORTED, "comparison %s", pts_ast_op_name(op));
        return pts_cc_call_op2(c, name, a, 2, dst);
    }
    }
}

static pts_status compare(cc *c, const pts_ast_expr *e, int dst)
{
    int n = e->u.cmp.n;
    int mark = c->top;
    /* result register must not alias an operand temp: use a temp, move at end */
    int res = pts_cc_temp(c);
    int *exits = pts_calloc((size_t)n, sizeof *exits);
    if (!exits)
        return pts_err_nomem("a comparison", 0);
    int nexits = 0;
    pts_status st = PTS_OK;
    int prev = pts_cc_temp(c); /* holds the right operand carried to the next link */
    st = pts_cc_expr(c, e->u.cmp.operands[0], prev);
    for (int i = 0; i < n - 1 && !st; i++) {
        int lm = c->top;
        int a = pts_cc_temp(c), b = pts_cc_temp(c);
        st = pts_cc_emit(c, PTS_OPC_MOVE, a, prev, 0, 0, PTS_F_TB, NULL);
        if (!st)
            st = pts_cc_expr(c, e->u.cmp.operands[i + 1], b);
        if (!st && i + 1 < n - 1)
            st = pts_cc_emit(c, PTS_OPC_MOVE, prev, b, 0, 0, 0, NULL); /* copy for the next link */
        if (!st)
            st = compare_link(c, e->u.cmp.ops[i], a, res);
        if (!st && i + 1 < n - 1)
            st = pts_cc_emit(c, PTS_OPC_JUMPIFNOT, 0, res, -1, 0, 0, &exits[nexits++]);
        c->top = lm;
    }
    for (int i = 0; i < nexits && !st; i++)
        pts_cc_patch(c, exits[i], pts_cc_here(c));
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_CLEAR, prev, 0, 0, 0, 0, NULL);
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_MOVE, dst, res, 0, 0, PTS_F_TB, NULL);
    pts_free(exits);
    c->top = mark;
    return st;
}

static pts_status boolop(cc *c, const pts_ast_expr *e, int dst)
{
    int n = e->u.seq.n;
    int mark = c->top;
    int res = pts_cc_temp(c);
    int *jumps = pts_calloc((size_t)n, sizeof *jumps);
    if (!jumps)
        return pts_err_nomem("a boolean expression", 0);
    pts_status st = PTS_OK;
    for (int i = 0; i < n && !st; i++) {
        st = pts_cc_expr(c, e->u.seq.items[i], res);
        if (!st && i + 1 < n)
            st = pts_cc_emit(c, e->op == PTS_OP_AND ? PTS_OPC_JUMPIFNOT : PTS_OPC_JUMPIF, 0, res, -1, 0, 0, &jumps[i]);
    }
    for (int i = 0; i + 1 < n && !st; i++)
        pts_cc_patch(c, jumps[i], pts_cc_here(c));
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_MOVE, dst, res, 0, 0, PTS_F_TB, NULL);
    pts_free(jumps);
    c->top = mark;
    return st;
}

static pts_status ifexp(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top, cond, jelse, jend;
    PTS_TRY(pts_cc_expr_temp(c, e->u.ifexp.cond, &cond));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMPIFNOT, 0, cond, -1, 0, PTS_F_TB, &jelse));
    c->top = mark;
    PTS_TRY(pts_cc_expr(c, e->u.ifexp.then, dst));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, -1, 0, 0, &jend));
    pts_cc_patch(c, jelse, pts_cc_here(c));
    PTS_TRY(pts_cc_expr(c, e->u.ifexp.orelse, dst));
    pts_cc_patch(c, jend, pts_cc_here(c));
    return PTS_OK;
}

/* Tuple / list / dict literals.  hint: the annotated type (may be NULL). */
pts_status pts_cc_container(cc *c, const pts_ast_expr *e, const pts_type *hint, int dst)
{
    int mark = c->top;
    int n = e->kind == PTS_EX_DICT ? e->u.dict.n : e->u.seq.n;
    int base = c->top;
    for (int i = 0; i < n; i++) {
        if (e->kind == PTS_EX_DICT) {
            int k = pts_cc_temp(c), v = pts_cc_temp(c);
            PTS_TRY(pts_cc_expr(c, e->u.dict.keys[i], k));
            PTS_TRY(pts_cc_expr(c, e->u.dict.values[i], v));
        } else {
            int r = pts_cc_temp(c);
            PTS_TRY(pts_cc_expr(c, e->u.seq.items[i], r));
        }
    }
    int tk = -1;
    if (hint) {
        const pts_type *h = hint;
        while (h->kind == PTS_TY_OPTIONAL)
            h = h->args[0];
        if ((e->kind == PTS_EX_LIST && h->kind == PTS_TY_LIST) || (e->kind == PTS_EX_DICT && h->kind == PTS_TY_DICT) ||
            (e->kind == PTS_EX_TUPLE && h->kind == PTS_TY_TUPLE))
            PTS_TRY(pts_cc_const_type(c, pts_type_retain((pts_type *)h), &tk));
    }
    int op = e->kind == PTS_EX_DICT ? PTS_OPC_DICT : e->kind == PTS_EX_LIST ? PTS_OPC_LIST : PTS_OPC_TUPLE;
    PTS_TRY(pts_cc_emit(c, op, dst, base, tk, n, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

/* `a.b.c` chains rooted at __torch__ / CONSTANTS as values */
static pts_status dotted_value(cc *c, const pts_ast_expr *e, int dst, bool *done)
{
    *done = false;
    pts_sb sb;
    pts_sb_init(&sb);
    if (!pts_ast_dotted_name(&sb, e) || sb.failed) {
        pts_sb_free(&sb);
        return PTS_OK;
    }
    const char *q = pts_sb_str(&sb);
    pts_status st = PTS_OK;
    if (strncmp(q, "CONSTANTS.c", 11) == 0 && pts_cc_local(c, "CONSTANTS") < 0) {
        char *endp;
        long k = strtol(q + 11, &endp, 10);
        if (*endp || k < 0)
            st = pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "bad constant reference %s", q);
        else
            st = pts_cc_emit(c, PTS_OPC_LOADCONSTTAB, dst, 0, (int)k, 0, 0, NULL);
        *done = true;
    } else if (strncmp(q, "__torch__.", 10) == 0 && pts_cc_local(c, "__torch__") < 0) {
        /* enum member: __torch__.a.Color.RED */
        const char *dot = strrchr(q, '.');
        char *cls_name = pts_strndup(q, (size_t)(dot - q));
        pts_class *cls = NULL;
        if (!cls_name)
            st = pts_err_nomem("a name", 0);
        if (!st && pts_cu_get_class(c->cu, cls_name, &cls) == PTS_OK && cls) {
            int k = pts_class_const_index(cls, dot + 1);
            if (k >= 0) {
                st = load_const_value(c, pts_value_retain(cls->consts[k].value), dst);
                *done = true;
            }
        }
        pts_err_clear();
        pts_free(cls_name);
    } else if ((strcmp(q, "math.pi") == 0 || strcmp(q, "math.e") == 0 || strcmp(q, "math.inf") == 0 ||
                strcmp(q, "math.nan") == 0) && pts_cc_local(c, "math") < 0) {
        double v = q[5] == 'p' ? 3.141592653589793 : q[5] == 'e' ? 2.718281828459045 : q[5] == 'i' ? (double)INFINITY : (double)NAN;
        st = load_const_value(c, pts_float(v), dst);
        *done = true;
    }
    pts_sb_free(&sb);
    return st;
}

static pts_status attr_expr(cc *c, const pts_ast_expr *e, int dst)
{
    bool done;
    PTS_TRY(dotted_value(c, e, dst, &done));
    if (done)
        return PTS_OK;
    int mark = c->top, obj, site;
    PTS_TRY(pts_cc_expr_temp(c, e->u.attr.value, &obj));
    PTS_TRY(pts_cc_attr_site(c, e->u.attr.name, &site));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_GETATTR, dst, obj, site, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status subscript(cc *c, const pts_ast_expr *e, int dst)
{
    int mark = c->top;
    if (e->u.sub.n != 1)
        return pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "multi-dimensional subscripts are not supported");
    const pts_ast_expr *ix = e->u.sub.index[0];
    int base = pts_cc_temp(c);
    PTS_TRY(pts_cc_expr(c, e->u.sub.value, base));
    if (ix->kind == PTS_EX_SLICE) {
        int lo = pts_cc_temp(c), hi = pts_cc_temp(c), st = pts_cc_temp(c);
        if (ix->u.slice.lower)
            PTS_TRY(pts_cc_expr(c, ix->u.slice.lower, lo));
        else
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, lo, 0, 0, 0, 0, NULL));
        if (ix->u.slice.upper)
            PTS_TRY(pts_cc_expr(c, ix->u.slice.upper, hi));
        else
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, hi, 0, 0, 0, 0, NULL));
        if (ix->u.slice.step)
            PTS_TRY(pts_cc_expr(c, ix->u.slice.step, st));
        else
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADINT, st, 0, 1, 0, 0, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_SLICE, dst, base, 0, 4, PTS_F_TB, NULL));
    } else {
        int i = pts_cc_temp(c);
        PTS_TRY(pts_cc_expr(c, ix, i));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_SUBSCR, dst, base, 0, 2, PTS_F_TB, NULL));
    }
    c->top = mark;
    return PTS_OK;
}

static pts_status name_expr(cc *c, const pts_ast_expr *e, int dst)
{
    int r = pts_cc_local(c, e->u.name);
    if (r >= 0) {
        if (r == dst)
            return PTS_OK;
        return pts_cc_emit(c, PTS_OPC_MOVE, dst, r, 0, 0, 0, NULL);
    }
    if (strcmp(e->u.name, "inf") == 0)
        return load_const_value(c, pts_float(1.0 / 0.0), dst);
    if (strcmp(e->u.name, "nan") == 0)
        return load_const_value(c, pts_float(NAN), dst);
    if (strcmp(e->u.name, "infj") == 0)
        return load_const_value(c, pts_complex(0, 1.0 / 0.0), dst);
    if (strcmp(e->u.name, "nanj") == 0)
        return load_const_value(c, pts_complex(0, NAN), dst);
    return pts_cc_error(c, &e->pos, PTS_ERR_LOAD, "undefined name '%s'", e->u.name);
}

pts_status pts_cc_expr(cc *c, const pts_ast_expr *e, int dst)
{
    int line = c->line;
    c->line = e->pos.line;
    pts_status st;
    switch (e->kind) {
    case PTS_EX_NAME: st = name_expr(c, e, dst); break;
    case PTS_EX_INT: st = load_const_value(c, pts_int(e->u.i), dst); break;
    case PTS_EX_FLOAT: st = load_const_value(c, pts_float(e->u.f), dst); break;
    case PTS_EX_IMAG: st = load_const_value(c, pts_complex(0, e->u.f), dst); break;
    case PTS_EX_TRUE: st = load_const_value(c, pts_bool(true), dst); break;
    case PTS_EX_FALSE: st = load_const_value(c, pts_bool(false), dst); break;
    case PTS_EX_NONE: st = load_const_value(c, pts_none(), dst); break;
    case PTS_EX_STR: {
        pts_value v;
        st = pts_value_str(e->u.str.s, e->u.str.len, &v);
        if (!st)
            st = load_const_value(c, v, dst);
        break;
    }
    case PTS_EX_ATTR: st = attr_expr(c, e, dst); break;
    case PTS_EX_SUBSCRIPT: st = subscript(c, e, dst); break;
    case PTS_EX_CALL: st = pts_cc_call(c, e, dst); break;
    case PTS_EX_UNARY: st = unary(c, e, dst); break;
    case PTS_EX_BINARY: st = binary(c, e, dst); break;
    case PTS_EX_BOOLOP: st = boolop(c, e, dst); break;
    case PTS_EX_COMPARE: st = compare(c, e, dst); break;
    case PTS_EX_IFEXP: st = ifexp(c, e, dst); break;
    case PTS_EX_TUPLE:
    case PTS_EX_LIST:
    case PTS_EX_DICT: st = pts_cc_container(c, e, NULL, dst); break;
    case PTS_EX_LISTCOMP:
    case PTS_EX_DICTCOMP: st = pts_cc_comprehension(c, e, dst); break;
    default:
        st = pts_cc_error(c, &e->pos, PTS_ERR_UNSUPPORTED, "%s expressions are not supported",
                          pts_ast_expr_kind_name(e->kind));
    }
    c->line = line;
    return st;
}

/* ---- assignment ---------------------------------------------------------------------------------- */

/* Store register src (a temp, consumed) into target. */
pts_status pts_cc_store(cc *c, const pts_ast_expr *t, int src)
{
    int mark = c->top;
    switch (t->kind) {
    case PTS_EX_NAME: {
        int r = pts_cc_local(c, t->u.name);
        if (r < 0)
            return pts_cc_error(c, &t->pos, PTS_ERR_INTERNAL, "no register for '%s'", t->u.name);
        return pts_cc_emit(c, PTS_OPC_MOVE, r, src, 0, 0, flags_for(c, src), NULL);
    }
    case PTS_EX_TUPLE:
    case PTS_EX_LIST: {
        int n = t->u.seq.n, base = c->top;
        for (int i = 0; i < n; i++)
            pts_cc_temp(c);
        PTS_TRY(pts_cc_emit(c, PTS_OPC_UNPACK, base, src, 0, n, flags_for(c, src), NULL));
        for (int i = 0; i < n; i++)
            PTS_TRY(pts_cc_store(c, t->u.seq.items[i], base + i));
        c->top = mark;
        return PTS_OK;
    }
    case PTS_EX_ATTR: {
        int obj, site;
        PTS_TRY(pts_cc_expr_temp(c, t->u.attr.value, &obj));
        PTS_TRY(pts_cc_attr_site(c, t->u.attr.name, &site));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_SETATTR, obj, src, site, 0, PTS_F_TA | flags_for(c, src), NULL));
        c->top = mark;
        return PTS_OK;
    }
    case PTS_EX_SUBSCRIPT: {
        if (t->u.sub.n != 1 || t->u.sub.index[0]->kind == PTS_EX_SLICE)
            return pts_cc_error(c, &t->pos, PTS_ERR_UNSUPPORTED, "slice assignment is not supported");
        int base = pts_cc_temp(c), ix = pts_cc_temp(c), v = pts_cc_temp(c);
        PTS_TRY(pts_cc_expr(c, t->u.sub.value, base));
        PTS_TRY(pts_cc_expr(c, t->u.sub.index[0], ix));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, v, src, 0, 0, flags_for(c, src), NULL));
        int res = pts_cc_temp(c);
        PTS_TRY(pts_cc_call_op2(c, "aten::_set_item", base, 3, res));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, res, 0, 0, 0, 0, NULL));
        c->top = mark;
        return PTS_OK;
    }
    default:
        return pts_cc_error(c, &t->pos, PTS_ERR_UNSUPPORTED, "cannot assign to a %s", pts_ast_expr_kind_name(t->kind));
    }
}

static pts_status assign_value(cc *c, const pts_ast_expr *target, const pts_ast_expr *value, const pts_type *hint)
{
    int mark = c->top;
    /* x = __torch__.f: a function value, resolved now */
    if (target->kind == PTS_EX_NAME && value->kind == PTS_EX_ATTR) {
        bool bound = false;
        PTS_TRY(pts_cc_bind_function_alias(c, target->u.name, value, &bound));
        if (bound)
            return PTS_OK;
    }
    /* x = expr: straight into the local */
    if (target->kind == PTS_EX_NAME && !hint) {
        int r = pts_cc_local(c, target->u.name);
        /* evaluate into a temp first if the value reads the same name in a container build
         * (e.g. x = [x]); simplest: always through a temp for non-trivial values */
        if (value->kind == PTS_EX_NAME || value->kind == PTS_EX_INT || value->kind == PTS_EX_FLOAT ||
            value->kind == PTS_EX_STR || value->kind == PTS_EX_CALL || value->kind == PTS_EX_ATTR)
            return pts_cc_expr(c, value, r);
    }
    /* a, b = e1, e2: evaluate all first */
    if ((target->kind == PTS_EX_TUPLE || target->kind == PTS_EX_LIST) && value->kind == PTS_EX_TUPLE &&
        value->u.seq.n == target->u.seq.n) {
        int n = value->u.seq.n, base = c->top;
        for (int i = 0; i < n; i++)
            pts_cc_temp(c);
        for (int i = 0; i < n; i++)
            PTS_TRY(pts_cc_expr(c, value->u.seq.items[i], base + i));
        for (int i = 0; i < n; i++)
            PTS_TRY(pts_cc_store(c, target->u.seq.items[i], base + i));
        c->top = mark;
        return PTS_OK;
    }
    int t = pts_cc_temp(c);
    if (hint && (value->kind == PTS_EX_LIST || value->kind == PTS_EX_DICT || value->kind == PTS_EX_TUPLE))
        PTS_TRY(pts_cc_container(c, value, hint, t));
    else
        PTS_TRY(pts_cc_expr(c, value, t));
    PTS_TRY(pts_cc_store(c, target, t));
    c->top = mark;
    return PTS_OK;
}

/* ---- statements ------------------------------------------------------------------------------------- */

static pts_status block(cc *c, const pts_ast_block *b);

static pts_status emit_with_exits(cc *c, int downto)
{
    for (int d = c->with_depth; d > downto; d--) {
        int obj = c->with_regs[d - 1];
        int mark = c->top;
        int base = pts_cc_temp(c);
        pts_cc_temp(c);
        pts_cc_temp(c);
        pts_cc_temp(c);
        int site, res = pts_cc_temp(c);
        PTS_TRY(pts_cc_emit(c, PTS_OPC_POPWITH, 0, 0, 0, 0, 0, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, base, obj, 0, 0, 0, NULL));
        for (int k = 1; k <= 3; k++)
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, base + k, 0, 0, 0, 0, NULL));
        PTS_TRY(pts_cc_method_site(c, "__exit__", 4, &site));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLMETHOD, res, base, site, 4, PTS_F_TB, NULL));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, res, 0, 0, 0, 0, NULL));
        c->top = mark;
    }
    return PTS_OK;
}

static pts_status ret_stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top;
    if (c->inline_ret) { /* body of a forked closure compiled inline */
        if (s->u.expr)
            PTS_TRY(pts_cc_expr(c, s->u.expr, c->inline_ret->dst));
        else
            PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, c->inline_ret->dst, 0, 0, 0, 0, NULL));
        PTS_TRY(emit_with_exits(c, c->inline_ret->with_depth));
        int j;
        PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, -1, 0, 0, &j));
        return pts_cc_jumplist_add(&c->inline_ret->jumps, j);
    }
    int t = pts_cc_temp(c);
    if (s->u.expr)
        PTS_TRY(pts_cc_expr(c, s->u.expr, t));
    else
        PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, t, 0, 0, 0, 0, NULL));
    PTS_TRY(emit_with_exits(c, 0));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_RETURN, 0, t, 0, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

pts_status pts_cc_jumplist_add(pts_cc_jumplist *l, int at)
{
    PTS_TRY(pts_grow_int((void **)&l->at, &l->cap, l->n + 1, sizeof *l->at, 16, "bytecode"));
    l->at[l->n++] = at;
    return PTS_OK;
}

static void jumplist_patch(cc *c, pts_cc_jumplist *l, int target)
{
    for (int i = 0; i < l->n; i++)
        pts_cc_patch(c, l->at[i], target);
}

static pts_status if_stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top, cond, jelse, jend;
    PTS_TRY(pts_cc_expr_temp(c, s->u.if_.cond, &cond));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMPIFNOT, 0, cond, -1, 0, PTS_F_TB, &jelse));
    c->top = mark;
    PTS_TRY(block(c, &s->u.if_.body));
    if (s->u.if_.orelse.n) {
        PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, -1, 0, 0, &jend));
        pts_cc_patch(c, jelse, pts_cc_here(c));
        PTS_TRY(block(c, &s->u.if_.orelse));
        pts_cc_patch(c, jend, pts_cc_here(c));
    } else {
        pts_cc_patch(c, jelse, pts_cc_here(c));
    }
    return PTS_OK;
}

pts_status pts_cc_loop_body(cc *c, const pts_ast_block *body, int continue_target_or_neg, pts_cc_loop *lp)
{
    lp->prev = c->loop;
    lp->with_depth = c->with_depth;
    lp->continue_target = continue_target_or_neg;
    c->loop = lp;
    pts_status st = block(c, body);
    c->loop = lp->prev;
    return st;
}

void pts_cc_loop_finish(cc *c, pts_cc_loop *lp, int continue_target, int break_target)
{
    jumplist_patch(c, &lp->continues, continue_target);
    jumplist_patch(c, &lp->breaks, break_target);
    pts_free(lp->continues.at);
    pts_free(lp->breaks.at);
}

static pts_status while_stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top, top = pts_cc_here(c), cond, jexit;
    PTS_TRY(pts_cc_expr_temp(c, s->u.while_.cond, &cond));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMPIFNOT, 0, cond, -1, 0, PTS_F_TB, &jexit));
    c->top = mark;
    pts_cc_loop lp;
    memset(&lp, 0, sizeof lp);
    pts_status st = pts_cc_loop_body(c, &s->u.while_.body, top, &lp);
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, top, 0, 0, NULL);
    if (!st)
        pts_cc_patch(c, jexit, pts_cc_here(c));
    pts_cc_loop_finish(c, &lp, top, pts_cc_here(c));
    return st;
}

static pts_status break_continue(cc *c, const pts_ast_stmt *s)
{
    if (!c->loop)
        return pts_cc_error(c, &s->pos, PTS_ERR_LOAD, "'%s' outside a loop", pts_ast_stmt_kind_name(s->kind));
    PTS_TRY(emit_with_exits(c, c->loop->with_depth));
    int j;
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMP, 0, 0, -1, 0, 0, &j));
    return pts_cc_jumplist_add(s->kind == PTS_ST_BREAK ? &c->loop->breaks : &c->loop->continues, j);
}

static pts_status with_stmt(cc *c, const pts_ast_stmt *s)
{
    if (s->u.with.n != 1)
        return pts_cc_error(c, &s->pos, PTS_ERR_UNSUPPORTED, "with statements with several items are not supported");
    if (c->with_depth >= PTS_CC_MAX_WITH)
        return pts_cc_error(c, &s->pos, PTS_ERR_LIMIT, "with statements nested too deeply");
    const pts_ast_with_item *it = &s->u.with.items[0];
    /* the context object lives in a reserved register for the whole block */
    int obj = pts_cc_temp(c);
    int saved_reserved = c->reserved_top;
    c->reserved_top = c->top;
    int mark = c->top;
    PTS_TRY(pts_cc_expr(c, it->expr, obj));
    int base = pts_cc_temp(c), res = pts_cc_temp(c), site;
    PTS_TRY(pts_cc_emit(c, PTS_OPC_MOVE, base, obj, 0, 0, 0, NULL));
    PTS_TRY(pts_cc_method_site(c, "__enter__", 1, &site));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLMETHOD, res, base, site, 1, PTS_F_TB, NULL));
    if (it->target)
        PTS_TRY(pts_cc_store(c, it->target, res));
    else
        PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, res, 0, 0, 0, 0, NULL));
    c->top = mark;
    PTS_TRY(pts_cc_emit(c, PTS_OPC_PUSHWITH, 0, obj, 0, 0, 0, NULL));
    c->with_regs[c->with_depth++] = obj;
    pts_status st = block(c, &s->u.with.body);
    if (!st)
        st = emit_with_exits(c, c->with_depth - 1);
    c->with_depth--;
    if (!st)
        st = pts_cc_emit(c, PTS_OPC_CLEAR, obj, 0, 0, 0, 0, NULL);
    c->reserved_top = saved_reserved;
    c->top = obj;
    return st;
}

static pts_status raise_stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top, msg = pts_cc_temp(c), k;
    const pts_ast_expr *e = s->u.expr;
    const char *cls = "Exception";
    if (!e) {
        PTS_TRY(load_const_value(c, pts_none(), msg));
    } else if (e->kind == PTS_EX_CALL && e->u.call.func->kind == PTS_EX_NAME) {
        cls = e->u.call.func->u.name;
        if (e->u.call.nargs > 0)
            PTS_TRY(pts_cc_expr(c, e->u.call.args[0], msg));
        else
            PTS_TRY(load_const_value(c, pts_none(), msg));
    } else if (e->kind == PTS_EX_NAME && pts_cc_local(c, e->u.name) < 0) {
        cls = e->u.name;
        PTS_TRY(load_const_value(c, pts_none(), msg));
    } else {
        PTS_TRY(pts_cc_expr(c, e, msg));
    }
    char full[256];
    snprintf(full, sizeof full, "builtins.%s", cls);
    pts_value cv;
    PTS_TRY(pts_value_str(full, strlen(full), &cv));
    PTS_TRY(pts_cc_const(c, cv, &k));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_RAISE, 0, msg, k, 0, PTS_F_TB, NULL));
    c->top = mark;
    return PTS_OK;
}

static pts_status assert_stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top, cond, jok;
    PTS_TRY(pts_cc_expr_temp(c, s->u.assert_.test, &cond));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_JUMPIF, 0, cond, -1, 0, PTS_F_TB, &jok));
    c->top = mark;
    if (s->u.assert_.msg) {
        int m;
        PTS_TRY(pts_cc_expr_temp(c, s->u.assert_.msg, &m));
        PTS_TRY(pts_cc_emit(c, PTS_OPC_ASSERTFAIL, 0, m, 0, 0, PTS_F_TB, NULL));
    } else {
        PTS_TRY(pts_cc_emit(c, PTS_OPC_ASSERTFAIL, 0, -1, 0, 0, 0, NULL));
    }
    pts_cc_patch(c, jok, pts_cc_here(c));
    c->top = mark;
    return PTS_OK;
}

static pts_status del_stmt(cc *c, const pts_ast_stmt *s)
{
    for (int i = 0; i < s->u.del.n; i++) {
        const pts_ast_expr *t = s->u.del.targets[i];
        int mark = c->top;
        if (t->kind == PTS_EX_NAME) {
            int r = pts_cc_local(c, t->u.name);
            if (r < 0)
                return pts_cc_error(c, &t->pos, PTS_ERR_LOAD, "undefined name '%s'", t->u.name);
            PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, r, 0, 0, 0, 0, NULL));
        } else if (t->kind == PTS_EX_SUBSCRIPT && t->u.sub.n == 1) {
            int base = pts_cc_temp(c), ix = pts_cc_temp(c), res = pts_cc_temp(c);
            PTS_TRY(pts_cc_expr(c, t->u.sub.value, base));
            PTS_TRY(pts_cc_expr(c, t->u.sub.index[0], ix));
            PTS_TRY(pts_cc_call_op2(c, "aten::Delete", base, 2, res));
            PTS_TRY(pts_cc_emit(c, PTS_OPC_CLEAR, res, 0, 0, 0, 0, NULL));
        } else {
            return pts_cc_error(c, &t->pos, PTS_ERR_UNSUPPORTED, "cannot delete this target");
        }
        c->top = mark;
    }
    return PTS_OK;
}

static pts_status aug_stmt(cc *c, const pts_ast_stmt *s)
{
    /* target op= value  ->  target = op(target, value) (in-place op for tensors) */
    const pts_ast_expr *t = s->u.aug.target;
    const char *name = binop_name(s->u.aug.op);
    if (!name)
        return pts_cc_error(c, &s->pos, PTS_ERR_UNSUPPORTED, "augmented operator %s", pts_ast_op_name(s->u.aug.op));
    int mark = c->top, a = pts_cc_temp(c), b = pts_cc_temp(c), res = pts_cc_temp(c);
    PTS_TRY(pts_cc_expr(c, t, a));
    PTS_TRY(pts_cc_expr(c, s->u.aug.value, b));
    char inplace[64];
    snprintf(inplace, sizeof inplace, "%s_", name);
    int site;
    int nin = 0;
    const pts_op *const *ov = pts_ops_overloads(inplace, &nin);
    (void)ov;
    PTS_TRY(pts_cc_op_site(c, nin ? inplace : name, 2, 0, NULL, &site));
    if (nin) { /* ints/floats have no in-place overloads: fall back to the plain op */
        int fb;
        PTS_TRY(pts_cc_op_site(c, name, 2, 0, NULL, &fb));
        c->code->ops[site].fallback = fb + 1;
    }
    PTS_TRY(pts_cc_emit(c, PTS_OPC_CALLOP, res, a, site, 2, PTS_F_TB, NULL));
    PTS_TRY(pts_cc_store(c, t, res));
    c->top = mark;
    return PTS_OK;
}

static pts_status stmt(cc *c, const pts_ast_stmt *s)
{
    int mark = c->top;
    c->line = s->pos.line;
    pts_status st = PTS_OK;
    switch (s->kind) {
    case PTS_ST_EXPR: {
        if (s->u.expr->kind == PTS_EX_STR)
            break; /* docstring */
        int t = pts_cc_temp(c);
        st = pts_cc_expr(c, s->u.expr, t);
        if (!st)
            st = pts_cc_emit(c, PTS_OPC_CLEAR, t, 0, 0, 0, 0, NULL);
        break;
    }
    case PTS_ST_ASSIGN:
        for (int i = 0; i < s->u.assign.ntargets && !st; i++) {
            if (s->u.assign.ntargets == 1) {
                st = assign_value(c, s->u.assign.targets[0], s->u.assign.value, NULL);
            } else {
                int t = pts_cc_temp(c);
                st = pts_cc_expr(c, s->u.assign.value, t);
                for (int k = 0; k < s->u.assign.ntargets && !st; k++) {
                    int cpy = pts_cc_temp(c);
                    st = pts_cc_emit(c, PTS_OPC_MOVE, cpy, t, 0, 0, 0, NULL);
                    if (!st)
                        st = pts_cc_store(c, s->u.assign.targets[k], cpy);
                }
                if (!st)
                    st = pts_cc_emit(c, PTS_OPC_CLEAR, t, 0, 0, 0, 0, NULL);
                break;
            }
        }
        break;
    case PTS_ST_ANNASSIGN: {
        if (!s->u.ann.value)
            break;
        pts_type *hint = NULL;
        st = pts_frontend_type_from_expr(s->u.ann.annotation, &hint);
        if (!st)
            st = assign_value(c, s->u.ann.target, s->u.ann.value, hint);
        pts_type_release(hint);
        break;
    }
    case PTS_ST_AUGASSIGN: st = aug_stmt(c, s); break;
    case PTS_ST_IF: st = if_stmt(c, s); break;
    case PTS_ST_WHILE: st = while_stmt(c, s); break;
    case PTS_ST_FOR: st = pts_cc_for(c, s); break;
    case PTS_ST_WITH: st = with_stmt(c, s); break;
    case PTS_ST_RETURN: st = ret_stmt(c, s); break;
    case PTS_ST_PASS: break;
    case PTS_ST_BREAK:
    case PTS_ST_CONTINUE: st = break_continue(c, s); break;
    case PTS_ST_RAISE: st = raise_stmt(c, s); break;
    case PTS_ST_ASSERT: st = assert_stmt(c, s); break;
    case PTS_ST_DEL: st = del_stmt(c, s); break;
    case PTS_ST_DEF: st = pts_cc_nested_def(c, s); break;
    default:
        st = pts_cc_error(c, &s->pos, PTS_ERR_UNSUPPORTED, "%s statements are not supported",
                          pts_ast_stmt_kind_name(s->kind));
    }
    c->top = mark;
    return st;
}

static pts_status block(cc *c, const pts_ast_block *b)
{
    if (++c->depth > 400) {
        c->depth--;
        return pts_cc_error(c, NULL, PTS_ERR_LIMIT, "statements nested too deeply");
    }
    pts_status st = PTS_OK;
    for (int i = 0; i < b->n && !st; i++)
        st = stmt(c, b->stmts[i]);
    c->depth--;
    return st;
}

pts_status pts_cc_block(cc *c, const pts_ast_block *b) { return block(c, b); }

/* ---- whole functions -------------------------------------------------------------------------------- */

static pts_status signature(cc *c, const pts_ast_stmt *def)
{
    pts_code *k = c->code;
    int n = def->u.def.nparams;
    k->nparams = n;
    k->param_names = pts_calloc((size_t)(n ? n : 1), sizeof *k->param_names);
    k->param_types = pts_calloc((size_t)(n ? n : 1), sizeof *k->param_types);
    k->defaults = pts_calloc((size_t)(n ? n : 1), sizeof *k->defaults);
    if (!k->param_names || !k->param_types || !k->defaults)
        return pts_err_nomem("a signature", 0);
    for (int i = 0; i < n; i++) {
        const pts_ast_param *p = &def->u.def.params[i];
        k->defaults[i] = pts_uninit();
        if (!(k->param_names[i] = pts_strdup(p->name)))
            return pts_err_nomem("a parameter name", 0);
        if (p->annotation)
            PTS_TRY(pts_frontend_type_from_expr(p->annotation, &k->param_types[i]));
        if (p->def) {
            pts_value v;
            PTS_TRY(pts_frontend_eval_literal(p->def, k->param_types[i], &v));
            k->defaults[i] = v;
        }
        PTS_TRY(add_local(c, p->name));
    }
    if (def->u.def.ret)
        PTS_TRY(pts_frontend_type_from_expr(def->u.def.ret, &k->ret_type));
    return PTS_OK;
}

static pts_status compile_def(cc *c, const pts_ast_stmt *def)
{
    PTS_TRY(signature(c, def));
    PTS_TRY(scan_block(c, &def->u.def.body, 0));
    c->code->nlocals = c->nlocals;
    c->code->nregs = c->nlocals;
    c->top = c->nlocals;
    c->reserved_top = c->nlocals;
    c->line = def->pos.line;
    PTS_TRY(block(c, &def->u.def.body));
    /* falling off the end returns None */
    int t = pts_cc_temp(c);
    PTS_TRY(pts_cc_emit(c, PTS_OPC_LOADNONE, t, 0, 0, 0, 0, NULL));
    PTS_TRY(pts_cc_emit(c, PTS_OPC_RETURN, 0, t, 0, 0, PTS_F_TB, NULL));
    return pts_cc_liveness(c);
}

void pts_code_free(pts_code *k)
{
    if (!k)
        return;
    pts_plan_free(k);
    pts_free(k->name);
    pts_free(k->qualname);
    pts_free(k->file);
    for (int i = 0; i < k->nparams; i++) {
        if (k->param_names)
            pts_free(k->param_names[i]);
        if (k->param_types)
            pts_type_release(k->param_types[i]);
        if (k->defaults)
            pts_value_release(k->defaults[i]);
    }
    pts_free(k->param_names);
    pts_free(k->param_types);
    pts_free(k->defaults);
    pts_type_release(k->ret_type);
    pts_free(k->insns);
    pts_free(k->lines);
    for (int i = 0; i < k->nconsts; i++)
        pts_value_release(k->consts[i]);
    pts_free(k->consts);
    for (int i = 0; i < k->nops; i++) {
        op_site *s = &k->ops[i];
        pts_free(s->opname);
        for (int j = 0; j < s->nkw; j++)
            if (s->kwnames)
                pts_free(s->kwnames[j]);
        pts_free(s->kwnames);
        pts_site_cache_free(&s->cache);
    }
    pts_free(k->ops);
    for (int i = 0; i < k->nattrs; i++) {
        pts_free(k->attrs[i].name);
        pts_site_cache_free(&k->attrs[i].cache);
    }
    pts_free(k->attrs);
    for (int i = 0; i < k->nmethods; i++) {
        pts_free(k->methods[i].name);
        pts_site_cache_free(&k->methods[i].cache);
    }
    pts_free(k->methods);
    for (int i = 0; i < k->nfns; i++)
        pts_free(k->fns[i].qualname);
    pts_free(k->fns);
    pts_free(k);
}

static void unit_free(void *p)
{
    pts_interp_unit *iu = p;
    if (!iu)
        return;
    for (int i = 0; i < iu->ncodes; i++)
        pts_code_free(iu->codes[i]);
    pts_free(iu->codes);
    pts_interp_free_missing(iu->missing, iu->nmissing);
    pthread_mutex_destroy(&iu->lock);
    pts_free(iu);
}

static pthread_mutex_t unit_create_lock = PTHREAD_MUTEX_INITIALIZER;

pts_interp_unit *pts_interp_unit_of(pts_cu *cu)
{
    pthread_mutex_lock(&unit_create_lock);
    pts_interp_unit *iu = cu->compiled_extra;
    if (!iu) {
        iu = pts_calloc(1, sizeof *iu);
        if (iu) {
            pthread_mutex_init(&iu->lock, NULL);
            cu->compiled_extra = iu;
            cu->compiled_extra_free = unit_free;
        } else {
            pts_err_nomem("interpreter state", sizeof *iu);
        }
    }
    pthread_mutex_unlock(&unit_create_lock);
    return iu;
}

pts_status pts_interp_compile(pts_cu *cu, pts_class *cls, pts_method *m, const char *qualname, pts_code **out)
{
    pts_code *done = atomic_load_explicit((_Atomic(pts_code *) *)&m->compiled, memory_order_acquire);
    if (done) {
        *out = done;
        return PTS_OK;
    }
    pts_interp_unit *iu = pts_interp_unit_of(cu);
    if (!iu)
        return PTS_ERR_NOMEM;
    pthread_mutex_lock(&iu->lock);
    if (m->compiled) {
        *out = m->compiled;
        pthread_mutex_unlock(&iu->lock);
        return PTS_OK;
    }
    const pts_ast_stmt *def = m->def;
    pts_status st = PTS_OK;
    pts_code *k = pts_calloc(1, sizeof *k);
    cc c;
    memset(&c, 0, sizeof c);
    if (!k) {
        st = pts_err_nomem("compiled code", sizeof *k);
        goto done;
    }
    if (!def || def->kind != PTS_ST_DEF) {
        st = pts_err_set(PTS_ERR_LOAD, "%s has no source to compile", qualname);
        goto done;
    }
    k->name = pts_strdup(m->name);
    k->qualname = pts_strdup(qualname);
    k->file = pts_strdup(def->pos.file ? def->pos.file : "<unknown>");
    k->line = def->pos.line;
    k->cu = cu;
    k->cls = cls;
    if (!k->name || !k->qualname || !k->file) {
        st = pts_err_nomem("compiled code", 0);
        goto done;
    }
    c.cu = cu;
    c.cls = cls;
    c.code = k;
    c.iu = iu;
    st = compile_def(&c, def);
    if (!st) {
        st = pts_grow_int((void **)&iu->codes, &iu->cap, iu->ncodes + 1, sizeof *iu->codes, 16, "bytecode");
        if (!st) {
            iu->codes[iu->ncodes++] = k;
            atomic_store_explicit((_Atomic(pts_code *) *)&m->compiled, k, memory_order_release);
            *out = k;
            k = NULL;
        }
    }
done:
    pts_free(c.locals);
    pts_free(c.local_index);
    pts_free((void *)c.nested);
    pts_free(c.aliases);
    pts_code_free(k);
    pthread_mutex_unlock(&iu->lock);
    return st;
}
