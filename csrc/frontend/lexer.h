/* lexer.h - tokens of the serialized TorchScript language (code/ .py files).
 *
 * Python-style: INDENT/DEDENT from leading whitespace (any consistent
 * indentation; torch prints 2 spaces), NEWLINE at the end of each logical
 * line, implicit line joining inside () [] {}, backslash continuation,
 * comments.  Names are interned in the arena; string literals are decoded
 * into the arena (they may contain NUL bytes, so they carry a length).
 *
 * The parser pulls one token at a time (pts_lex_next); the lexer never
 * allocates outside the arena and reports errors as
 * "path:line:col: message" (PTS_ERR_LOAD).
 */
#ifndef PTS_FRONTEND_LEXER_H
#define PTS_FRONTEND_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "frontend/arena.h"

/* X(enum suffix, text).  Keywords are the range PTS_TK_AND..PTS_TK_YIELD
 * (kept alphabetical); operators follow. */
#define PTS_TOKENS(X)                                                        \
    X(EOF, "<eof>") X(NEWLINE, "<newline>") X(INDENT, "<indent>")            \
    X(DEDENT, "<dedent>") X(NAME, "<name>") X(INT, "<int>")                  \
    X(FLOAT, "<float>") X(IMAG, "<imaginary>") X(STRING, "<string>")         \
    /* keywords */                                                           \
    X(AND, "and") X(AS, "as") X(ASSERT, "assert") X(BREAK, "break")          \
    X(CLASS, "class") X(CONTINUE, "continue") X(DEF, "def") X(DEL, "del")    \
    X(ELIF, "elif") X(ELSE, "else") X(FALSE, "False") X(FOR, "for")          \
    X(FROM, "from") X(GLOBAL, "global") X(IF, "if") X(IMPORT, "import")      \
    X(IN, "in") X(IS, "is") X(LAMBDA, "lambda") X(NONE, "None")              \
    X(NOT, "not") X(OR, "or") X(PASS, "pass") X(RAISE, "raise")              \
    X(RETURN, "return") X(TRUE, "True") X(WHILE, "while") X(WITH, "with")    \
    X(YIELD, "yield")                                                        \
    /* brackets and punctuation */                                           \
    X(LPAREN, "(") X(RPAREN, ")") X(LBRACK, "[") X(RBRACK, "]")              \
    X(LBRACE, "{") X(RBRACE, "}") X(COMMA, ",") X(COLON, ":") X(DOT, ".")    \
    X(SEMI, ";") X(ELLIPSIS, "...") X(ARROW, "->") X(ASSIGN, "=")            \
    /* operators */                                                          \
    X(PLUS, "+") X(MINUS, "-") X(STAR, "*") X(SLASH, "/")                    \
    X(DSLASH, "//") X(PERCENT, "%") X(DSTAR, "**") X(AT, "@")                \
    X(LSHIFT, "<<") X(RSHIFT, ">>") X(AMP, "&") X(PIPE, "|") X(CARET, "^")   \
    X(TILDE, "~") X(LT, "<") X(GT, ">") X(LE, "<=") X(GE, ">=")              \
    X(EQ, "==") X(NE, "!=")                                                  \
    /* augmented assignment (same order as the binary operators above) */    \
    X(PLUS_EQ, "+=") X(MINUS_EQ, "-=") X(STAR_EQ, "*=") X(SLASH_EQ, "/=")    \
    X(DSLASH_EQ, "//=") X(PERCENT_EQ, "%=") X(DSTAR_EQ, "**=")               \
    X(AT_EQ, "@=") X(LSHIFT_EQ, "<<=") X(RSHIFT_EQ, ">>=")                   \
    X(AMP_EQ, "&=") X(PIPE_EQ, "|=") X(CARET_EQ, "^=")

typedef enum pts_tok {
#define PTS_TOK_ENUM(name, text) PTS_TK_##name,
    PTS_TOKENS(PTS_TOK_ENUM)
#undef PTS_TOK_ENUM
    PTS_TK__COUNT
} pts_tok;

#define PTS_TK_FIRST_KEYWORD PTS_TK_AND
#define PTS_TK_LAST_KEYWORD PTS_TK_YIELD

typedef struct pts_token {
    pts_tok kind;
    int line, col;        /* 1-based; col counts bytes */
    size_t offset, end;   /* byte range in the text */
    union {
        uint64_t i;       /* INT: magnitude (at most 2^63, see int_big) */
        double f;         /* FLOAT, IMAG (the imaginary part) */
    } num;
    int int_big;          /* INT equal to 2^63: only valid after unary minus */
    const char *str;      /* NAME: interned; STRING: decoded, NUL-terminated */
    size_t len;           /* NAME / STRING length in bytes */
} pts_token;

#define PTS_LEX_MAX_INDENT 100
#define PTS_LEX_MAX_BRACKETS 256

typedef struct pts_lexer {
    const char *path;  /* for messages */
    const char *text;
    size_t len, pos;
    int line;
    size_t line_start; /* offset of the current line's first byte */
    pts_arena *arena;
    int indents[PTS_LEX_MAX_INDENT]; /* indentation stack; indents[0] = 0 */
    int nindents;
    int pending_dedents;
    int at_line_start; /* next token begins a logical line */
    int line_has_tokens; /* a token was produced on this logical line */
    int nbrackets;
    char brackets[PTS_LEX_MAX_BRACKETS];
    int brackets_line[PTS_LEX_MAX_BRACKETS]; /* line of each open bracket */
    int done;          /* EOF returned */
} pts_lexer;

/* Start lexing text[0..len) (need not be NUL-terminated). */
void pts_lex_init(pts_lexer *lx, pts_arena *arena, const char *path, const char *text, size_t len);
/* Produce the next token; after EOF keeps returning EOF. */
PTS_NODISCARD pts_status pts_lex_next(pts_lexer *lx, pts_token *tok);
/* "def", "<name>", ... (static string). */
const char *pts_tok_name(pts_tok t);

#endif
