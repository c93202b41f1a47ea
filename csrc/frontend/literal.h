/* literal.h - constant expressions of the AST to values.
 *
 * Used for class constants (`x : Final[T] = value`), enum members,
 * NamedTuple field defaults, and by the compiler for parameter defaults.
 * Accepted: int / float / imaginary literals (negated ones included),
 * `1. + 2.j` sums, strings, True / False / None, inf / nan / infj / nanj
 * (and their negations), tuples and lists of constants, and
 * torch.device("cpu") / torch.device("cuda:0").
 */
#ifndef PTS_FRONTEND_LITERAL_H
#define PTS_FRONTEND_LITERAL_H

#include <stddef.h>

#include "core/error.h"
#include "frontend/ast.h"
#include "value/type.h"
#include "value/value.h"

/* hint (may be NULL): the declared type; List[T] gives lists their element
 * type.  *out: new reference.  Non-constant input is PTS_ERR_LOAD naming
 * file:line. */
PTS_NODISCARD pts_status pts_frontend_eval_literal(const pts_ast_expr *e, const pts_type *hint, pts_value *out);

/* "cpu", "cuda", "cuda:1", "mps", "meta", ... -> device (index -1 = none).
 * PTS_ERR_VALUE for anything else. */
PTS_NODISCARD pts_status pts_frontend_parse_device(const char *s, size_t n, pts_device *out);

#endif
