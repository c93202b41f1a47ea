/* annot.h - type annotations (AST expressions) to pts_type.
 *
 * Annotations appear in parameter lists, `-> T`, attribute lines `x : T`,
 * `annotate(T, e)`, `unchecked_cast(T, e)`, `uninitialized(T)` and
 * `isinstance(v, T)`.  The parser keeps them as expressions; this turns one
 * into a type: base names (Tensor, int, float, bool, complex, str, Device,
 * Stream, number, Any, Capsule, None/NoneType, list, tuple, ...), List[T],
 * Dict[K, V], Tuple[T, ...], Tuple[()], Optional[T], Union[...], Final[T]
 * (= T), Future[T], Await[T], RRef[T] and qualified class names
 * `__torch__.a.b.C` (an unresolved class type, bound later by name).
 *
 * The expression is spelled as a type string and handed to pts_type_parse,
 * so annotations and pickled type tags share one table of names.
 */
#ifndef PTS_FRONTEND_ANNOT_H
#define PTS_FRONTEND_ANNOT_H

#include "core/error.h"
#include "frontend/ast.h"
#include "value/type.h"

/* *out: new reference.  Errors (PTS_ERR_LOAD) name the file and line. */
PTS_NODISCARD pts_status pts_frontend_type_from_expr(const pts_ast_expr *e, pts_type **out);

/* If e is `Final[T]`, return T, else NULL. */
const pts_ast_expr *pts_frontend_final_inner(const pts_ast_expr *e);

#endif
