/* ast.h - the syntax tree of serialized TorchScript (code/ .py files).
 *
 * Pipeline position: parser.c builds it, import.c reads class bodies from it,
 * the compiler (later) turns each def into bytecode.
 *
 * Two node families, each one struct with a kind enum and a union of
 * per-kind fields: expressions (pts_ast_expr) and statements (pts_ast_stmt).
 * Children are pointers, sequences are (count, array) pairs.  Every node
 * lives in a pts_arena and carries the file, line and column it came from.
 * Names are interned in the arena, so equal names have equal pointers.
 *
 * Annotations (parameter types, `x : T`, the T of annotate(T, e)) are kept
 * as ordinary expressions; annot.h turns them into pts_type.
 *
 * The height of every expression tree is bounded (PTS_AST_MAX_HEIGHT) and
 * so is statement nesting, so recursive walkers cannot overflow the stack.
 */
#ifndef PTS_FRONTEND_AST_H
#define PTS_FRONTEND_AST_H

#include <stddef.h>
#include <stdint.h>

#include "core/sb.h"

#define PTS_AST_MAX_HEIGHT 1000

/* Where a node came from. */
typedef struct pts_ast_pos {
    const char *file; /* arena copy of the file's path */
    int line, col;
} pts_ast_pos;

/* ---- expressions ---------------------------------------------------------- */

/* X(enum suffix, s-expression name) */
#define PTS_AST_EXPRS(X)                                                   \
    X(NAME, "name")         /* u.name */                                   \
    X(INT, "int")           /* u.i */                                      \
    X(FLOAT, "float")       /* u.f */                                      \
    X(IMAG, "imag")         /* u.f: the imaginary part of 2.j */           \
    X(STR, "str")           /* u.str */                                    \
    X(TRUE, "True")                                                        \
    X(FALSE, "False")                                                      \
    X(NONE, "None")                                                        \
    X(ELLIPSIS, "...")                                                     \
    X(ATTR, ".")            /* u.attr: value.name */                       \
    X(SUBSCRIPT, "[]")      /* u.sub: value[i0, i1, ...] */                \
    X(SLICE, "slice")       /* u.slice: lo:hi:step inside a subscript */   \
    X(CALL, "call")         /* u.call */                                   \
    X(UNARY, "unary")       /* op: PTS_OP_NEG/POS/INVERT/NOT; u.unary */   \
    X(BINARY, "binary")     /* op: PTS_OP_ADD..; u.bin */                  \
    X(BOOLOP, "boolop")     /* op: PTS_OP_AND/OR; u.seq (2+ values) */     \
    X(COMPARE, "compare")   /* u.cmp: a < b <= c (chained) */              \
    X(IFEXP, "ifexp")       /* u.ifexp: a if cond else b */                \
    X(TUPLE, "tuple")       /* u.seq */                                    \
    X(LIST, "list")         /* u.seq */                                    \
    X(DICT, "dict")         /* u.dict */                                   \
    X(LISTCOMP, "listcomp") /* u.comp: [elt for target in iter if cond] */ \
    X(DICTCOMP, "dictcomp") /* u.comp: {key: elt for target in iter ...} */

typedef enum pts_ast_ekind {
#define PTS_AST_ENUM(name, text) PTS_EX_##name,
    PTS_AST_EXPRS(PTS_AST_ENUM)
#undef PTS_AST_ENUM
    PTS_EX__COUNT
} pts_ast_ekind;

/* Operators of UNARY, BINARY, BOOLOP, COMPARE and augmented assignment.
 * X(enum suffix, text) */
#define PTS_AST_OPS(X)                                                      \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(FLOORDIV, "//")       \
    X(MOD, "%") X(POW, "**") X(MATMUL, "@") X(LSHIFT, "<<") X(RSHIFT, ">>") \
    X(BITAND, "&") X(BITOR, "|") X(BITXOR, "^")                             \
    X(NEG, "neg") X(POS, "pos") X(INVERT, "~") X(NOT, "not")               \
    X(AND, "and") X(OR, "or")                                              \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=")   \
    X(IN, "in") X(NOTIN, "not in") X(IS, "is") X(ISNOT, "is not")

typedef enum pts_ast_op {
#define PTS_AST_ENUM(name, text) PTS_OP_##name,
    PTS_AST_OPS(PTS_AST_ENUM)
#undef PTS_AST_ENUM
    PTS_OP__COUNT
} pts_ast_op;

typedef struct pts_ast_expr pts_ast_expr;

struct pts_ast_expr {
    pts_ast_ekind kind;
    pts_ast_op op;   /* UNARY, BINARY, BOOLOP */
    int height;      /* 1 + the tallest child's height */
    pts_ast_pos pos;
    union {
        const char *name;                 /* NAME (interned) */
        int64_t i;                        /* INT */
        double f;                         /* FLOAT, IMAG */
        struct { const char *s; size_t len; } str; /* STR: bytes, NUL-terminated */
        struct { pts_ast_expr *value; const char *name; } attr;
        struct { pts_ast_expr *value; int n; pts_ast_expr **index; } sub;
        struct { pts_ast_expr *lower, *upper, *step; } slice; /* each may be NULL */
        struct {
            pts_ast_expr *func;
            int nargs;
            pts_ast_expr **args;
            int nkw;
            const char **kwnames; /* interned */
            pts_ast_expr **kwvalues;
        } call;
        struct { pts_ast_expr *operand; } unary;
        struct { pts_ast_expr *left, *right; } bin;
        struct { int n; pts_ast_expr **items; } seq;  /* TUPLE, LIST, BOOLOP */
        struct { int n; pts_ast_expr **keys, **values; } dict;
        struct { int n; pts_ast_expr **operands; pts_ast_op *ops; } cmp; /* n operands, n-1 ops */
        struct { pts_ast_expr *cond, *then, *orelse; } ifexp;
        struct {
            pts_ast_expr *key;  /* DICTCOMP only */
            pts_ast_expr *elt;  /* the value */
            pts_ast_expr *target, *iter, *cond; /* cond may be NULL */
        } comp;
    } u;
};

/* ---- statements ----------------------------------------------------------- */

#define PTS_AST_STMTS(X)                                                    \
    X(EXPR, "expr")           /* u.expr */                                  \
    X(ASSIGN, "=")            /* u.assign: t1 = t2 = value */               \
    X(ANNASSIGN, "ann")       /* u.ann: target : type [= value] */          \
    X(AUGASSIGN, "aug")       /* u.aug: target op= value */                 \
    X(IF, "if")               /* u.if_: elif is an IF alone in orelse */    \
    X(WHILE, "while")         /* u.while_ */                                \
    X(FOR, "for")             /* u.for_ */                                  \
    X(WITH, "with")           /* u.with */                                  \
    X(RETURN, "return")       /* u.expr (may be NULL) */                    \
    X(PASS, "pass")                                                         \
    X(BREAK, "break")                                                       \
    X(CONTINUE, "continue")                                                 \
    X(RAISE, "raise")         /* u.expr (may be NULL) */                    \
    X(ASSERT, "assert")       /* u.assert_ */                               \
    X(DEL, "del")             /* u.del */                                   \
    X(GLOBAL, "global")       /* u.global */                                \
    X(DEF, "def")             /* u.def */                                   \
    X(CLASS, "class")         /* u.class_ */

typedef enum pts_ast_skind {
#define PTS_AST_ENUM(name, text) PTS_ST_##name,
    PTS_AST_STMTS(PTS_AST_ENUM)
#undef PTS_AST_ENUM
    PTS_ST__COUNT
} pts_ast_skind;

typedef struct pts_ast_stmt pts_ast_stmt;

typedef struct pts_ast_block {
    int n;
    pts_ast_stmt **stmts;
} pts_ast_block;

typedef struct pts_ast_param {
    const char *name;        /* interned */
    pts_ast_expr *annotation; /* may be NULL (interface `self`) */
    pts_ast_expr *def;        /* default value, may be NULL */
    pts_ast_pos pos;
} pts_ast_param;

typedef struct pts_ast_with_item {
    pts_ast_expr *expr;
    pts_ast_expr *target; /* `as` target, may be NULL */
} pts_ast_with_item;

struct pts_ast_stmt {
    pts_ast_skind kind;
    pts_ast_pos pos;
    union {
        pts_ast_expr *expr; /* EXPR, RETURN, RAISE */
        struct { int ntargets; pts_ast_expr **targets; pts_ast_expr *value; } assign;
        struct { pts_ast_expr *target, *annotation, *value; } ann; /* value may be NULL */
        struct { pts_ast_expr *target; pts_ast_op op; pts_ast_expr *value; } aug;
        struct { pts_ast_expr *cond; pts_ast_block body, orelse; } if_;
        struct { pts_ast_expr *cond; pts_ast_block body; } while_;
        struct { pts_ast_expr *target, *iter; pts_ast_block body; } for_;
        struct { int n; pts_ast_with_item *items; pts_ast_block body; } with;
        struct { pts_ast_expr *test, *msg; } assert_; /* msg may be NULL */
        struct { int n; pts_ast_expr **targets; } del;
        struct { int n; const char **names; } global;
        struct {
            const char *name;
            int nparams;
            pts_ast_param *params;
            int kwonly;        /* index of the first keyword-only param (after `*`), or -1 */
            pts_ast_expr *ret; /* `-> T`, may be NULL */
            pts_ast_block body;
            size_t src_begin, src_end; /* byte range of the def in the file */
        } def;
        struct {
            const char *name;
            int nbases;
            pts_ast_expr **bases;
            pts_ast_block body;
            size_t src_begin, src_end; /* byte range: header line start .. last body line end */
        } class_;
    } u;
};

/* A parsed file. */
typedef struct pts_ast_module {
    const char *path;
    int64_t op_version; /* `op_version_set = N` at the top, or -1 */
    pts_ast_block body;
} pts_ast_module;

/* Names for messages and the s-expression printer (static strings). */
const char *pts_ast_expr_kind_name(pts_ast_ekind k);
const char *pts_ast_stmt_kind_name(pts_ast_skind k);
const char *pts_ast_op_name(pts_ast_op op);

/* Canonical one-line s-expression form (used by the tests, and handy when
 * debugging the compiler), e.g. `(call (. torch add) x 1 (kw alpha 2))`.
 * See ast.c for the exact forms. */
void pts_ast_print_expr(pts_sb *sb, const pts_ast_expr *e);
void pts_ast_print_stmt(pts_sb *sb, const pts_ast_stmt *s);
void pts_ast_print_block(pts_sb *sb, const pts_ast_block *b);
void pts_ast_print_module(pts_sb *sb, const pts_ast_module *m);

/* Dotted name of a NAME/ATTR chain ("__torch__.foo.Bar") into sb.
 * Returns 1 if e is such a chain, 0 otherwise (sb untouched). */
int pts_ast_dotted_name(pts_sb *sb, const pts_ast_expr *e);

#endif
