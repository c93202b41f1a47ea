/* parser.h - recursive-descent parser for serialized TorchScript.
 *
 * Pipeline position: tokens (lexer.h) -> AST (ast.h) -> import.c / compiler.
 *
 * The grammar is the Python subset that torch's PythonPrint emits (reference
 * notes, section 3) plus the forms a hand-written file may contain (raise,
 * assert, break, continue, del, augmented assignment, elif, for over any
 * iterable, comprehensions, and/or, ternaries).  Operator precedence is
 * Python's (see parser.c).  A legacy `op_version_set = N` line and `import`
 * lines at the top of the file are skipped.
 *
 * Errors are PTS_ERR_LOAD "path:line:col: message"; nesting deeper than
 * PTS_PARSE_MAX_DEPTH brackets/blocks (or an expression taller than
 * PTS_AST_MAX_HEIGHT) is PTS_ERR_LIMIT "path:line: expression nested too
 * deeply" - the parser never overflows the C stack.
 */
#ifndef PTS_FRONTEND_PARSER_H
#define PTS_FRONTEND_PARSER_H

#include <stddef.h>

#include "core/error.h"
#include "frontend/arena.h"
#include "frontend/ast.h"

#define PTS_PARSE_MAX_DEPTH 200

/* Parse text[0..len) of the file `path` (used in messages and node
 * positions).  All nodes live in `arena`; the text is not referenced after
 * the call.  *out is set only on success. */
PTS_NODISCARD pts_status pts_frontend_parse(pts_arena *arena, const char *path, const char *text, size_t len,
                              pts_ast_module **out);

#endif
