/* calls.h - the operators a compilation unit calls.
 *
 * Walks the method and function ASTs of a unit and names every operator
 * they call, as the registry spells it: `torch.X(...)` -> "aten::X",
 * `torch.autograd.X(...)` -> "aten::X", `ops.ns.X(...)` -> "ns::X", and the
 * builtins printed code uses for aten/prim ops: int/float/bool/str ->
 * aten::Int/Float/Bool/str, len -> aten::len, sorted -> aten::sorted,
 * print -> prim::Print.  Used by `pyts info` (list the ops a model calls)
 * and by the loader to name every missing op at once with where it is used.
 */
#ifndef PTS_FRONTEND_CALLS_H
#define PTS_FRONTEND_CALLS_H

#include <stddef.h>

#include "core/error.h"
#include "frontend/ast.h"
#include "value/class.h"

/* Called once per distinct operator, at its first use in walk order
 * (classes in unit order, each class's methods in order, then free
 * functions; statements in source order).  `op` and `file` are borrowed for
 * the duration of the call.  A non-OK return stops the walk and is
 * returned by pts_frontend_collect_calls. */
typedef pts_status (*pts_frontend_call_fn)(void *ud, const char *op, const char *file, int line);

PTS_NODISCARD pts_status pts_frontend_collect_calls(pts_cu *cu, pts_frontend_call_fn fn, void *ud);

/* Same for one def/class statement or a whole parsed file. */
PTS_NODISCARD pts_status pts_frontend_collect_calls_stmt(const pts_ast_stmt *s, pts_frontend_call_fn fn, void *ud);
PTS_NODISCARD pts_status pts_frontend_collect_calls_module(const pts_ast_module *m, pts_frontend_call_fn fn, void *ud);

/* If `func` (the callee of a CALL) names an operator, write its
 * "ns::name" into buf and return 1; else return 0. */
int pts_frontend_op_name(const pts_ast_expr *func, char *buf, size_t cap);

#endif
