/* compile.h - the compiler's internal state, shared by compile.c (statements,
 * expressions, assignment) and builtins.c (calls and special forms: op calls,
 * __torch__ functions and classes, annotate, isinstance, fork, print, for
 * loops, comprehensions).  Not a public header. */
#ifndef PTS_INTERP_COMPILE_H
#define PTS_INTERP_COMPILE_H

#include "frontend/ast.h"
#include "interp/interp.h"

#define PTS_CC_MAX_INSNS (1 << 22)
#define PTS_CC_MAX_LOCALS 60000
#define PTS_CC_MAX_WITH 64

/* instruction flags */
#define PTS_F_TB 1 /* operand b (or the n registers from b) are temporaries: consume them */
#define PTS_F_TA 2 /* operand a is a temporary read as input (SETATTR): consume it */

typedef struct pts_cc_jumplist {
    int *at;
    int n, cap;
} pts_cc_jumplist;

typedef struct pts_cc_loop {
    struct pts_cc_loop *prev;
    int with_depth;
    int continue_target;
    pts_cc_jumplist breaks, continues;
} pts_cc_loop;

typedef struct pts_cc_inline_ret {
    int dst;
    int with_depth;
    pts_cc_jumplist jumps;
} pts_cc_inline_ret;

typedef struct cc {
    pts_cu *cu;
    pts_class *cls;
    pts_code *code;
    pts_interp_unit *iu;
    const char **locals;
    int nlocals, cap_locals;
    int *local_index;    /* open-addressing hash of locals: index + 1, 0 = empty */
    int local_index_cap; /* power of two, > 2 * nlocals */
    int top;          /* next free register */
    int reserved_top; /* registers below are locals or held across statements (loops, with) */
    int line;
    int depth;
    int cap_insns, cap_lines, cap_consts, cap_ops, cap_attrs, cap_methods, cap_fns;
    pts_cc_loop *loop;
    int with_depth;
    int with_regs[PTS_CC_MAX_WITH];
    pts_cc_inline_ret *inline_ret;
    const pts_ast_stmt **nested; /* nested defs (fork closures) */
    int nnested, cap_nested;
    const char *fn_qualname; /* qualified name of the free function a CALLFN site is being made for */
    /* locals bound to a compiled function (`_0 = __torch__.torch.nn.functional.relu`) */
    struct pts_cc_alias {
        const char *name;
        pts_method *m;
        pts_class *cls;
        const char *qualname;
    } *aliases;
    int naliases;
} cc;

/* `name = __torch__.f`: remember the function; true if value was such a name. */
PTS_NODISCARD pts_status pts_cc_bind_function_alias(cc *c, const char *name, const pts_ast_expr *value, bool *bound);

PTS_NODISCARD pts_status pts_cc_error(cc *c, const pts_ast_pos *pos, pts_status st, const char *fmt, ...) PTS_PRINTF(4, 5);
PTS_NODISCARD pts_status pts_cc_emit(cc *c, int op, int a, int b, int cc_, int n, int flags, int *at);
void pts_cc_patch(cc *c, int at, int target);
int pts_cc_here(cc *c);
int pts_cc_temp(cc *c);
bool pts_cc_is_temp(cc *c, int reg);
int pts_cc_local(cc *c, const char *name);
PTS_NODISCARD pts_status pts_cc_const(cc *c, pts_value v /* stolen */, int *idx);
PTS_NODISCARD pts_status pts_cc_const_type(cc *c, pts_type *t /* stolen */, int *idx);
PTS_NODISCARD pts_status pts_cc_op_site(cc *c, const char *opname, int npos, int nkw, const char *const *kwnames, int *out);
PTS_NODISCARD pts_status pts_cc_attr_site(cc *c, const char *name, int *out);
PTS_NODISCARD pts_status pts_cc_method_site(cc *c, const char *name, int nargs, int *out);
PTS_NODISCARD pts_status pts_cc_fn_site(cc *c, pts_method *m, pts_class *cls, pts_class *newcls, bool namedtuple, int *out);
PTS_NODISCARD pts_status pts_cc_call_op2(cc *c, const char *opname, int base, int nargs, int dst);
PTS_NODISCARD pts_status pts_cc_jumplist_add(pts_cc_jumplist *l, int at);

PTS_NODISCARD pts_status pts_cc_expr(cc *c, const pts_ast_expr *e, int dst);
PTS_NODISCARD pts_status pts_cc_expr_temp(cc *c, const pts_ast_expr *e, int *out);
PTS_NODISCARD pts_status pts_cc_container(cc *c, const pts_ast_expr *e, const pts_type *hint, int dst);
PTS_NODISCARD pts_status pts_cc_store(cc *c, const pts_ast_expr *target, int src);
PTS_NODISCARD pts_status pts_cc_block(cc *c, const pts_ast_block *b);
PTS_NODISCARD pts_status pts_cc_loop_body(cc *c, const pts_ast_block *body, int continue_target, pts_cc_loop *lp);
void pts_cc_loop_finish(cc *c, pts_cc_loop *lp, int continue_target, int break_target);

/* builtins.c */
PTS_NODISCARD pts_status pts_cc_call(cc *c, const pts_ast_expr *e, int dst);
PTS_NODISCARD pts_status pts_cc_for(cc *c, const pts_ast_stmt *s);
PTS_NODISCARD pts_status pts_cc_comprehension(cc *c, const pts_ast_expr *e, int dst);
PTS_NODISCARD pts_status pts_cc_nested_def(cc *c, const pts_ast_stmt *s);
/* Insert CLEARs after the last read of locals (straight-line regions). */
PTS_NODISCARD pts_status pts_cc_liveness(cc *c);

#endif
