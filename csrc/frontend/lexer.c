/* lexer.c - Python-style tokenizer for TorchScript source (see lexer.h).
 *
 * Pipeline position: code/<file>.py text -> tokens -> parser.c.
 *
 * Indentation works like CPython's tokenizer: at the start of each logical
 * line outside brackets the width of the leading whitespace is compared
 * with a stack of widths; a deeper line yields INDENT, a shallower one one
 * DEDENT per popped level (it must land exactly on an outer level).  Blank
 * and comment-only lines produce nothing.  At end of file a NEWLINE closes
 * an unfinished line and the remaining levels are DEDENTed.
 */
#include "frontend/lexer.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const token_names[PTS_TK__COUNT] = {
#define PTS_TOK_NAME(name, text) text,
    PTS_TOKENS(PTS_TOK_NAME)
#undef PTS_TOK_NAME
};

static const unsigned char token_lens[PTS_TK__COUNT] = {
#define PTS_TOK_LEN(name, text) sizeof(text) - 1,
    PTS_TOKENS(PTS_TOK_LEN)
#undef PTS_TOK_LEN
};

const char *pts_tok_name(pts_tok t)
{
    return (unsigned)t < PTS_TK__COUNT ? token_names[t] : "<?>";
}

void pts_lex_init(pts_lexer *lx, pts_arena *arena, const char *path, const char *text, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->path = path ? path : "<source>";
    lx->text = text;
    lx->len = len;
    lx->line = 1;
    lx->arena = arena;
    lx->nindents = 1; /* indents[0] = 0 */
    lx->at_line_start = 1;
}

/* ---- helpers -------------------------------------------------------------- */

static pts_status lex_error(pts_lexer *lx, int line, int col, const char *fmt, ...) PTS_PRINTF(4, 5);

static pts_status lex_error(pts_lexer *lx, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pts_err_set(PTS_ERR_LOAD, "%s:%d:%d: %s", lx->path, line, col, msg);
}

static int cur_col(const pts_lexer *lx) { return (int)(lx->pos - lx->line_start) + 1; }

static int peekc(const pts_lexer *lx, size_t ahead)
{
    size_t p = lx->pos + ahead;
    return p < lx->len ? (unsigned char)lx->text[p] : -1;
}

/* Length of the line break at the current position (\n, \r\n, \r) or 0. */
static size_t newline_len(const pts_lexer *lx)
{
    int c = peekc(lx, 0);
    if (c == '\n')
        return 1;
    if (c == '\r')
        return peekc(lx, 1) == '\n' ? 2 : 1;
    return 0;
}

static void skip_newline(pts_lexer *lx, size_t n)
{
    lx->pos += n;
    lx->line++;
    lx->line_start = lx->pos;
}

static int is_ident_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ident_char(int c) { return is_ident_start(c) || is_digit(c); }

static void describe_char(int c, char *buf, size_t cap)
{
    if (c > 32 && c < 127)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", (unsigned)c);
}

static void start_token(pts_lexer *lx, pts_token *tok, pts_tok kind)
{
    memset(tok, 0, sizeof *tok);
    tok->kind = kind;
    tok->line = lx->line;
    tok->col = cur_col(lx);
    tok->offset = lx->pos;
    tok->end = lx->pos;
}

/* ---- indentation ---------------------------------------------------------- */

/* At the start of a logical line: skip blank/comment lines, measure the
 * indentation of the next real line and queue INDENT/DEDENTs.
 * *indent is set when an INDENT must be emitted. */
static pts_status read_indentation(pts_lexer *lx, int *indent)
{
    *indent = 0;
    for (;;) {
        int width = 0;
        while (lx->pos < lx->len) {
            int c = peekc(lx, 0);
            if (c == ' ')
                width++;
            else if (c == '\t')
                width = (width / 8 + 1) * 8;
            else if (c == '\f')
                width = 0;
            else
                break;
            lx->pos++;
        }
        int c = peekc(lx, 0);
        if (c == '#') {
            while (lx->pos < lx->len && !newline_len(lx))
                lx->pos++;
            c = peekc(lx, 0);
        }
        if (c == -1)
            return PTS_OK; /* end of file: handled by the caller */
        size_t nl = newline_len(lx);
        if (nl) {
            skip_newline(lx, nl); /* blank line */
            continue;
        }
        int top = lx->indents[lx->nindents - 1];
        if (width > top) {
            if (lx->nindents >= PTS_LEX_MAX_INDENT)
                return lex_error(lx, lx->line, cur_col(lx), "too many indentation levels");
            lx->indents[lx->nindents++] = width;
            *indent = 1;
        } else {
            while (width < lx->indents[lx->nindents - 1]) {
                lx->nindents--;
                lx->pending_dedents++;
            }
            if (width != lx->indents[lx->nindents - 1])
                return lex_error(lx, lx->line, cur_col(lx),
                                 "unindent does not match any outer indentation level");
        }
        return PTS_OK;
    }
}

/* Skip spaces, comments and backslash continuations inside a line. */
static pts_status skip_space(pts_lexer *lx)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\f') {
            lx->pos++;
        } else if (c == '#') {
            while (lx->pos < lx->len && !newline_len(lx))
                lx->pos++;
        } else if (c == '\\') {
            int line = lx->line, col = cur_col(lx);
            lx->pos++;
            size_t nl = newline_len(lx);
            if (!nl)
                return lex_error(lx, line, col, "unexpected character after line continuation character");
            skip_newline(lx, nl);
        } else if (lx->nbrackets > 0 && newline_len(lx)) {
            skip_newline(lx, newline_len(lx)); /* implicit line joining */
        } else {
            return PTS_OK;
        }
    }
}

/* ---- numbers -------------------------------------------------------------- */

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* Accumulate digits of `base` into tok->num.i; limit 2^63. */
static pts_status read_int_digits(pts_lexer *lx, pts_token *tok, int base)
{
    const uint64_t limit = (uint64_t)1 << 63;
    uint64_t v = 0;
    int n = 0, overflow = 0;
    for (;;) {
        int d = digit_value(peekc(lx, 0));
        if (d >= base)
            break;
        if (v > (limit - (uint64_t)d) / (uint64_t)base)
            overflow = 1;
        else
            v = v * (uint64_t)base + (uint64_t)d;
        lx->pos++;
        n++;
    }
    if (n == 0)
        return lex_error(lx, tok->line, tok->col, "invalid number literal");
    if (overflow)
        return lex_error(lx, tok->line, tok->col, "integer literal is too large for int64");
    tok->num.i = v;
    tok->int_big = v == limit;
    return PTS_OK;
}

/* strtod on a bounded copy, with the locale's decimal point. */
static pts_status convert_float(pts_lexer *lx, pts_token *tok, size_t b, size_t e)
{
    char buf[512];
    if (e - b >= sizeof buf)
        return lex_error(lx, tok->line, tok->col, "number literal is too long");
    memcpy(buf, lx->text + b, e - b);
    buf[e - b] = 0;
    const struct lconv *lc = localeconv();
    char dp = lc && lc->decimal_point && lc->decimal_point[0] ? lc->decimal_point[0] : '.';
    if (dp != '.') {
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = dp;
    }
    char *endp = NULL;
    tok->num.f = strtod(buf, &endp);
    if (!endp || *endp)
        return lex_error(lx, tok->line, tok->col, "invalid number literal");
    return PTS_OK;
}

/* number: decimal | 0x hex | 0o oct | 0b bin | float [j] */
static pts_status read_number(pts_lexer *lx, pts_token *tok)
{
    size_t b = lx->pos;
    int c1 = peekc(lx, 1);
    tok->kind = PTS_TK_INT;
    if (peekc(lx, 0) == '0' && (c1 == 'x' || c1 == 'X' || c1 == 'o' || c1 == 'O' || c1 == 'b' || c1 == 'B')) {
        lx->pos += 2;
        int base = (c1 == 'x' || c1 == 'X') ? 16 : (c1 == 'o' || c1 == 'O') ? 8 : 2;
        PTS_TRY(read_int_digits(lx, tok, base));
    } else {
        int is_float = 0;
        size_t digits = lx->pos;
        while (is_digit(peekc(lx, 0)))
            lx->pos++;
        size_t ndigits = lx->pos - digits;
        if (peekc(lx, 0) == '.' && !(peekc(lx, 1) == '.' && peekc(lx, 2) == '.')) {
            is_float = 1;
            lx->pos++;
            while (is_digit(peekc(lx, 0)))
                lx->pos++;
        }
        int c = peekc(lx, 0);
        if (c == 'e' || c == 'E') {
            size_t save = lx->pos;
            lx->pos++;
            if (peekc(lx, 0) == '+' || peekc(lx, 0) == '-')
                lx->pos++;
            if (!is_digit(peekc(lx, 0))) {
                lx->pos = save;
            } else {
                is_float = 1;
                while (is_digit(peekc(lx, 0)))
                    lx->pos++;
            }
        }
        c = peekc(lx, 0);
        if (c == 'j' || c == 'J') {
            PTS_TRY(convert_float(lx, tok, b, lx->pos));
            lx->pos++;
            tok->kind = PTS_TK_IMAG;
        } else if (is_float) {
            PTS_TRY(convert_float(lx, tok, b, lx->pos));
            tok->kind = PTS_TK_FLOAT;
        } else {
            if (ndigits > 1 && lx->text[b] == '0') {
                for (size_t i = b; i < lx->pos; i++)
                    if (lx->text[i] != '0')
                        return lex_error(lx, tok->line, tok->col,
                                         "leading zeros in decimal integer literals are not permitted");
            }
            lx->pos = b;
            PTS_TRY(read_int_digits(lx, tok, 10));
        }
    }
    if (is_ident_char(peekc(lx, 0)))
        return lex_error(lx, tok->line, tok->col, "invalid number literal");
    tok->end = lx->pos;
    return PTS_OK;
}

/* ---- strings -------------------------------------------------------------- */

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Read exactly n hex digits. */
static int read_hex(pts_lexer *lx, int n, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        int d = digit_value(peekc(lx, 0));
        if (d >= 16)
            return 0;
        v = v * 16 + (uint32_t)d;
        lx->pos++;
    }
    *out = v;
    return 1;
}

/* One escape sequence after the backslash; appends to out[*n]. */
static pts_status read_escape(pts_lexer *lx, char *out, size_t *n)
{
    int line = lx->line, col = cur_col(lx) - 1;
    size_t nl = newline_len(lx);
    if (nl) { /* backslash-newline: line continuation inside the string */
        skip_newline(lx, nl);
        return PTS_OK;
    }
    int c = peekc(lx, 0);
    lx->pos++;
    uint32_t v;
    switch (c) {
    case '\\': out[(*n)++] = '\\'; return PTS_OK;
    case '\'': out[(*n)++] = '\''; return PTS_OK;
    case '"': out[(*n)++] = '"'; return PTS_OK;
    case 'a': out[(*n)++] = '\a'; return PTS_OK;
    case 'b': out[(*n)++] = '\b'; return PTS_OK;
    case 'f': out[(*n)++] = '\f'; return PTS_OK;
    case 'n': out[(*n)++] = '\n'; return PTS_OK;
    case 'r': out[(*n)++] = '\r'; return PTS_OK;
    case 't': out[(*n)++] = '\t'; return PTS_OK;
    case 'v': out[(*n)++] = '\v'; return PTS_OK;
    case 'x':
        if (!read_hex(lx, 2, &v))
            return lex_error(lx, line, col, "invalid \\x escape: expected 2 hex digits");
        out[(*n)++] = (char)v; /* a byte, as torch's printer writes them */
        return PTS_OK;
    case 'u':
    case 'U':
        if (!read_hex(lx, c == 'u' ? 4 : 8, &v))
            return lex_error(lx, line, col, "invalid \\%c escape: expected %d hex digits", c, c == 'u' ? 4 : 8);
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return lex_error(lx, line, col, "invalid code point in \\%c escape", c);
        *n += put_utf8(out + *n, v);
        return PTS_OK;
    default:
        if (c >= '0' && c <= '7') {
            v = (uint32_t)(c - '0');
            for (int i = 0; i < 2 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7'; i++)
                v = v * 8 + (uint32_t)(peekc(lx, 0) - '0'), lx->pos++;
            if (v > 0xFF)
                return lex_error(lx, line, col, "octal escape out of range");
            out[(*n)++] = (char)v;
            return PTS_OK;
        }
        if (c == -1)
            return lex_error(lx, line, col, "unterminated string literal");
        char d[32];
        describe_char(c, d, sizeof d);
        return lex_error(lx, line, col, "invalid escape sequence \\ followed by %s", d);
    }
}

/* Find the end of the string body starting at lx->pos (just after the
 * opening quote(s)); returns the offset of the closing quote, or len. */
static size_t scan_string_end(const pts_lexer *lx, int q, int triple)
{
    size_t p = lx->pos;
    while (p < lx->len) {
        char c = lx->text[p];
        if (c == '\\') {
            p += (p + 2 < lx->len && lx->text[p + 1] == '\r' && lx->text[p + 2] == '\n') ? 3 : 2;
            continue;
        }
        if (c == q && (!triple || (p + 2 < lx->len && lx->text[p + 1] == q && lx->text[p + 2] == q)))
            return p;
        if ((c == '\n' || c == '\r') && !triple)
            return lx->len;
        p++;
    }
    return lx->len;
}

/* string: '...' | "..." | '''...''' | """...""" */
static pts_status read_string(pts_lexer *lx, pts_token *tok)
{
    int q = peekc(lx, 0);
    int triple = peekc(lx, 1) == q && peekc(lx, 2) == q;
    lx->pos += triple ? 3 : 1;
    size_t stop = scan_string_end(lx, q, triple);
    if (stop >= lx->len)
        return lex_error(lx, tok->line, tok->col, "unterminated string literal");
    /* decoded text is never longer than the source text */
    char *out = pts_arena_alloc(lx->arena, stop - lx->pos + 1);
    if (!out)
        return PTS_ERR_NOMEM;
    size_t n = 0;
    while (lx->pos < stop) {
        size_t nl = newline_len(lx);
        if (nl) { /* only in triple-quoted strings */
            for (size_t i = 0; i < nl; i++)
                out[n++] = lx->text[lx->pos + i];
            skip_newline(lx, nl);
            continue;
        }
        int c = peekc(lx, 0);
        lx->pos++;
        if (c == '\\')
            PTS_TRY(read_escape(lx, out, &n));
        else
            out[n++] = (char)c;
    }
    lx->pos = stop + (triple ? 3 : 1);
    out[n] = 0;
    tok->kind = PTS_TK_STRING;
    tok->str = out;
    tok->len = n;
    tok->end = lx->pos;
    return PTS_OK;
}

/* ---- names and operators ------------------------------------------------- */

static pts_status read_name(pts_lexer *lx, pts_token *tok)
{
    size_t b = lx->pos;
    while (is_ident_char(peekc(lx, 0)))
        lx->pos++;
    size_t n = lx->pos - b;
    const char *s = lx->text + b;
    tok->end = lx->pos;
    for (int k = PTS_TK_FIRST_KEYWORD; k <= PTS_TK_LAST_KEYWORD && n <= 8 && s[0] != '_'; k++) {
        const char *kw = token_names[k];
        if (token_lens[k] == n && kw[0] == s[0] && memcmp(kw, s, n) == 0) {
            tok->kind = (pts_tok)k;
            return PTS_OK;
        }
    }
    tok->kind = PTS_TK_NAME;
    tok->str = pts_arena_intern(lx->arena, s, n);
    tok->len = n;
    return tok->str ? PTS_OK : PTS_ERR_NOMEM;
}

static pts_status open_bracket(pts_lexer *lx, pts_token *tok, char c)
{
    if (lx->nbrackets >= PTS_LEX_MAX_BRACKETS)
        return lex_error(lx, tok->line, tok->col, "too many nested brackets");
    lx->brackets[lx->nbrackets] = c;
    lx->brackets_line[lx->nbrackets] = tok->line;
    lx->nbrackets++;
    return PTS_OK;
}

static pts_status close_bracket(pts_lexer *lx, pts_token *tok, char c)
{
    char want = c == ')' ? '(' : c == ']' ? '[' : '{';
    if (lx->nbrackets == 0)
        return lex_error(lx, tok->line, tok->col, "unmatched '%c'", c);
    char open = lx->brackets[lx->nbrackets - 1];
    if (open != want)
        return lex_error(lx, tok->line, tok->col, "closing '%c' does not match '%c' on line %d", c, open,
                         lx->brackets_line[lx->nbrackets - 1]);
    lx->nbrackets--;
    return PTS_OK;
}

/* The operator starting with c at the current position (longest match):
 * its kind and length, or 0. */
static size_t match_operator(const pts_lexer *lx, int c, pts_tok *kind)
{
    int c1 = peekc(lx, 1), c2 = peekc(lx, 2);
#define OP1(k) return (*kind = PTS_TK_##k, 1)
#define OP2(k) return (*kind = PTS_TK_##k, 2)
#define OP3(k) return (*kind = PTS_TK_##k, 3)
    switch (c) {
    case '(': OP1(LPAREN);
    case ')': OP1(RPAREN);
    case '[': OP1(LBRACK);
    case ']': OP1(RBRACK);
    case '{': OP1(LBRACE);
    case '}': OP1(RBRACE);
    case ',': OP1(COMMA);
    case ':': OP1(COLON);
    case ';': OP1(SEMI);
    case '~': OP1(TILDE);
    case '.': if (c1 == '.' && c2 == '.') OP3(ELLIPSIS); OP1(DOT);
    case '=': if (c1 == '=') OP2(EQ); OP1(ASSIGN);
    case '!': if (c1 == '=') OP2(NE); return 0;
    case '+': if (c1 == '=') OP2(PLUS_EQ); OP1(PLUS);
    case '-': if (c1 == '=') OP2(MINUS_EQ); if (c1 == '>') OP2(ARROW); OP1(MINUS);
    case '%': if (c1 == '=') OP2(PERCENT_EQ); OP1(PERCENT);
    case '@': if (c1 == '=') OP2(AT_EQ); OP1(AT);
    case '&': if (c1 == '=') OP2(AMP_EQ); OP1(AMP);
    case '|': if (c1 == '=') OP2(PIPE_EQ); OP1(PIPE);
    case '^': if (c1 == '=') OP2(CARET_EQ); OP1(CARET);
    case '*':
        if (c1 == '*') { if (c2 == '=') OP3(DSTAR_EQ); OP2(DSTAR); }
        if (c1 == '=') OP2(STAR_EQ);
        OP1(STAR);
    case '/':
        if (c1 == '/') { if (c2 == '=') OP3(DSLASH_EQ); OP2(DSLASH); }
        if (c1 == '=') OP2(SLASH_EQ);
        OP1(SLASH);
    case '<':
        if (c1 == '<') { if (c2 == '=') OP3(LSHIFT_EQ); OP2(LSHIFT); }
        if (c1 == '=') OP2(LE);
        OP1(LT);
    case '>':
        if (c1 == '>') { if (c2 == '=') OP3(RSHIFT_EQ); OP2(RSHIFT); }
        if (c1 == '=') OP2(GE);
        OP1(GT);
    default: return 0;
    }
#undef OP1
#undef OP2
#undef OP3
}

/* An operator or bracket (brackets are tracked for line joining). */
static pts_status read_operator(pts_lexer *lx, pts_token *tok)
{
    int c = peekc(lx, 0);
    size_t n = match_operator(lx, c, &tok->kind);
    if (n == 0) {
        char d[32];
        describe_char(c, d, sizeof d);
        return lex_error(lx, tok->line, tok->col, "invalid character %s", d);
    }
    lx->pos += n;
    tok->end = lx->pos;
    switch (tok->kind) {
    case PTS_TK_LPAREN: return open_bracket(lx, tok, '(');
    case PTS_TK_LBRACK: return open_bracket(lx, tok, '[');
    case PTS_TK_LBRACE: return open_bracket(lx, tok, '{');
    case PTS_TK_RPAREN: return close_bracket(lx, tok, ')');
    case PTS_TK_RBRACK: return close_bracket(lx, tok, ']');
    case PTS_TK_RBRACE: return close_bracket(lx, tok, '}');
    default: return PTS_OK;
    }
}

/* ---- the driver ----------------------------------------------------------- */

static pts_status end_of_file(pts_lexer *lx, pts_token *tok)
{
    if (lx->nbrackets > 0)
        return lex_error(lx, lx->line, cur_col(lx), "unexpected end of file: '%c' opened on line %d is never closed",
                         lx->brackets[lx->nbrackets - 1], lx->brackets_line[lx->nbrackets - 1]);
    if (lx->line_has_tokens) {
        start_token(lx, tok, PTS_TK_NEWLINE);
        lx->line_has_tokens = 0;
        return PTS_OK;
    }
    if (lx->nindents > 1) {
        lx->nindents--;
        start_token(lx, tok, PTS_TK_DEDENT);
        return PTS_OK;
    }
    start_token(lx, tok, PTS_TK_EOF);
    lx->done = 1;
    return PTS_OK;
}

pts_status pts_lex_next(pts_lexer *lx, pts_token *tok)
{
    if (lx->pending_dedents > 0) {
        lx->pending_dedents--;
        start_token(lx, tok, PTS_TK_DEDENT);
        return PTS_OK;
    }
    if (lx->at_line_start && lx->nbrackets == 0 && lx->pos < lx->len) {
        int indent;
        PTS_TRY(read_indentation(lx, &indent));
        lx->at_line_start = 0;
        if (indent) {
            start_token(lx, tok, PTS_TK_INDENT);
            return PTS_OK;
        }
        if (lx->pending_dedents > 0) {
            lx->pending_dedents--;
            start_token(lx, tok, PTS_TK_DEDENT);
            return PTS_OK;
        }
    }
    PTS_TRY(skip_space(lx));
    if (lx->pos >= lx->len)
        return end_of_file(lx, tok);
    start_token(lx, tok, PTS_TK_EOF);
    size_t nl = newline_len(lx);
    if (nl) { /* outside brackets (skip_space joins lines inside them) */
        tok->kind = PTS_TK_NEWLINE;
        skip_newline(lx, nl);
        tok->end = lx->pos;
        lx->at_line_start = 1;
        lx->line_has_tokens = 0;
        return PTS_OK;
    }
    lx->line_has_tokens = 1;
    int c = peekc(lx, 0);
    if (is_digit(c) || (c == '.' && is_digit(peekc(lx, 1))))
        return read_number(lx, tok);
    if (c == '\'' || c == '"')
        return read_string(lx, tok);
    if (is_ident_start(c))
        return read_name(lx, tok);
    return read_operator(lx, tok);
}
