// Build and run (from the repository root), one line:
// gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc csrc/core/*.c csrc/value/*.c csrc/tensor/*.c csrc/frontend/*.c tests/c/test_frontend.c -lm -lpthread -o /tmp/test_frontend && /tmp/test_frontend
/* test_frontend.c - lexer, parser, annotations, literals, import and
 * operator collection of the TorchScript frontend.
 *
 * Standalone: the sources it needs are embedded; if the sample files of
 * tests/c/frontend_cases/ are found (directory given as argv[1], default
 * "tests/c/frontend_cases") they are parsed, imported and fuzzed too.
 * Last line: "N passed, N failed"; exit status 1 on any failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "frontend/annot.h"
#include "frontend/arena.h"
#include "frontend/calls.h"
#include "frontend/import.h"
#include "frontend/lexer.h"
#include "frontend/literal.h"
#include "frontend/parser.h"

#include "check.h"

static void check_str(const char *what, const char *got, const char *want, int line)
{
    if (strcmp(got, want) == 0) {
        check_npass++;
        return;
    }
    check_nfail++;
    printf("FAIL line %d: %s\n  input: %s\n  got:   %s\n  want:  %s\n", line, what, what, got, want);
}

/* ---- lexer ------------------------------------------------------------------ */

static void put_escaped(pts_sb *sb, const char *s, size_t n)
{
    pts_sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            pts_sb_printf(sb, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            pts_sb_printf(sb, "\\x%02x", c);
        else
            pts_sb_putc(sb, (char)c);
    }
    pts_sb_putc(sb, '"');
}

/* All tokens of text as "NAME:x = INT:1 NL EOF", or "ERROR <message>". */
static char *lex_all(const char *text, size_t len)
{
    pts_arena *a = pts_arena_new();
    pts_lexer lx;
    pts_sb sb;
    pts_sb_init(&sb);
    pts_lex_init(&lx, a, "t.py", text, len);
    for (int i = 0; i < 100000; i++) {
        pts_token t;
        if (pts_lex_next(&lx, &t)) {
            pts_sb_free(&sb);
            pts_sb_init(&sb);
            pts_sb_printf(&sb, "ERROR %s", pts_err_message());
            break;
        }
        if (i)
            pts_sb_putc(&sb, ' ');
        switch (t.kind) {
        case PTS_TK_NAME: pts_sb_printf(&sb, "NAME:%s", t.str); break;
        case PTS_TK_INT: pts_sb_printf(&sb, "INT:%llu%s", (unsigned long long)t.num.i, t.int_big ? "!" : ""); break;
        case PTS_TK_FLOAT: pts_sb_printf(&sb, "FLOAT:%.17g", t.num.f); break;
        case PTS_TK_IMAG: pts_sb_printf(&sb, "IMAG:%.17g", t.num.f); break;
        case PTS_TK_STRING:
            pts_sb_puts(&sb, "STR:");
            put_escaped(&sb, t.str, t.len);
            break;
        case PTS_TK_NEWLINE: pts_sb_puts(&sb, "NL"); break;
        case PTS_TK_INDENT: pts_sb_puts(&sb, "IN"); break;
        case PTS_TK_DEDENT: pts_sb_puts(&sb, "DE"); break;
        case PTS_TK_EOF: pts_sb_puts(&sb, "EOF"); break;
        default: pts_sb_puts(&sb, pts_tok_name(t.kind)); break;
        }
        if (t.kind == PTS_TK_EOF)
            break;
    }
    pts_arena_free(a);
    return pts_sb_take(&sb);
}

#define LEX(text, want) check_lex(text, want, __LINE__)

static void check_lex(const char *text, const char *want, int line)
{
    char *got = lex_all(text, strlen(text));
    check_str(text, got ? got : "(oom)", want, line);
    pts_free(got);
}

static void test_lexer(void)
{
    LEX("", "EOF");
    LEX("\n\n  \n# only a comment\n", "EOF");
    LEX("x = 1\n", "NAME:x = INT:1 NL EOF");
    LEX("x = 1", "NAME:x = INT:1 NL EOF");
    /* indentation */
    LEX("if a:\n  b\n  c\nd\n", "if NAME:a : NL IN NAME:b NL NAME:c NL DE NAME:d NL EOF");
    LEX("a:\n  b:\n    c\nd", "NAME:a : NL IN NAME:b : NL IN NAME:c NL DE DE NAME:d NL EOF");
    LEX("a:\n  b:\n    c\n", "NAME:a : NL IN NAME:b : NL IN NAME:c NL DE DE EOF");
    LEX("a:\n    b\n    c\n", "NAME:a : NL IN NAME:b NL NAME:c NL DE EOF");
    LEX("a:\n\tb\n", "NAME:a : NL IN NAME:b NL DE EOF");
    LEX("a:\n  b:\n    c\n  d\n", "NAME:a : NL IN NAME:b : NL IN NAME:c NL DE NAME:d NL DE EOF");
    LEX("a\n\n   # c\n  \nb # x\n", "NAME:a NL NAME:b NL EOF");
    LEX("a:\r\n  b\r\n", "NAME:a : NL IN NAME:b NL DE EOF");
    /* implicit and explicit line joining */
    LEX("f(a,\n   b)\n", "NAME:f ( NAME:a , NAME:b ) NL EOF");
    LEX("x = [1,\n\n  # c\n 2]\n", "NAME:x = [ INT:1 , INT:2 ] NL EOF");
    LEX("d = {\n}\n", "NAME:d = { } NL EOF");
    LEX("a = \\\n  1\n", "NAME:a = INT:1 NL EOF");
    LEX("def forward(self: T,\n    x: Tensor) -> Tensor:\n  pass\n",
        "def NAME:forward ( NAME:self : NAME:T , NAME:x : NAME:Tensor ) -> NAME:Tensor : NL IN pass NL DE EOF");
    /* numbers */
    LEX("0 7 0x1F 0o17 0b101 9223372036854775807 9223372036854775808",
        "INT:0 INT:7 INT:31 INT:15 INT:5 INT:9223372036854775807 INT:9223372036854775808! NL EOF");
    LEX("00 0XfF 0B1", "INT:0 INT:255 INT:1 NL EOF");
    LEX("1. 2.5 1e-05 1.0000000000000001e-05 .5 1E3 0.10000000000000001 2e+2",
        "FLOAT:1 FLOAT:2.5 FLOAT:1.0000000000000001e-05 FLOAT:1.0000000000000001e-05 FLOAT:0.5 "
        "FLOAT:1000 FLOAT:0.10000000000000001 FLOAT:200 NL EOF");
    LEX("2.j 1j 1.5J 1e3j", "IMAG:2 IMAG:1 IMAG:1.5 IMAG:1000 NL EOF");
    LEX("1.e3", "FLOAT:1000 NL EOF");
    LEX("x.y 1..2", "NAME:x . NAME:y FLOAT:1 FLOAT:0.20000000000000001 NL EOF");
    LEX("1e", "ERROR t.py:1:1: invalid number literal");
    /* strings */
    LEX("'a' \"b\"", "STR:\"a\" STR:\"b\" NL EOF");
    LEX("\"\\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v\"",
        "STR:\"\\\\ ' \\\" \\x07 \\x08 \\x0c \\x0a \\x0d \\x09 \\x0b\" NL EOF");
    LEX("\"\\101\\0\\001\\377\\x41\\xff\"", "STR:\"A\\x00\\x01\\xffA\\xff\" NL EOF");
    LEX("\"\\u00e9\\u20ac\\U0001F600\"", "STR:\"\\xc3\\xa9\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80\" NL EOF");
    LEX("'it''s'", "STR:\"it\" STR:\"s\" NL EOF");
    LEX("\"\"", "STR:\"\" NL EOF");
    LEX("\"a\\\nb\"", "STR:\"ab\" NL EOF");
    LEX("\"\"\"a\nb\"c\"\"\" x", "STR:\"a\\x0ab\\\"c\" NAME:x NL EOF");
    LEX("'''it's'''", "STR:\"it's\" NL EOF");
    LEX("\"caf\xc3\xa9\"", "STR:\"caf\\xc3\\xa9\" NL EOF");
    /* operators and keywords */
    LEX("-> ** // << >> == != <= >= < > = + - * / % @ & | ^ ~ . , : ; ...",
        "-> ** // << >> == != <= >= < > = + - * / % @ & | ^ ~ . , : ; ... NL EOF");
    LEX("+= -= *= /= //= %= **= @= &= |= ^= <<= >>=", "+= -= *= /= //= %= **= @= &= |= ^= <<= >>= NL EOF");
    LEX("a->b a-b a--b a**-b", "NAME:a -> NAME:b NAME:a - NAME:b NAME:a - - NAME:b NAME:a ** - NAME:b NL EOF");
    LEX("def class if else elif for in while with as return pass raise assert break continue del not and or is "
        "None True False global lambda import from yield",
        "def class if else elif for in while with as return pass raise assert break continue del not and or is "
        "None True False global lambda import from yield NL EOF");
    LEX("definitely classy None_ _if", "NAME:definitely NAME:classy NAME:None_ NAME:_if NL EOF");
    /* errors, with file:line:col */
    LEX("x = 0x\n", "ERROR t.py:1:5: invalid number literal");
    LEX("x = 12ab\n", "ERROR t.py:1:5: invalid number literal");
    LEX("x = 012\n", "ERROR t.py:1:5: leading zeros in decimal integer literals are not permitted");
    LEX("x = 99999999999999999999\n", "ERROR t.py:1:5: integer literal is too large for int64");
    LEX("x = 0x10000000000000000\n", "ERROR t.py:1:5: integer literal is too large for int64");
    LEX("x = 'abc\ny = 1\n", "ERROR t.py:1:5: unterminated string literal");
    LEX("x = \"\"\"abc\n", "ERROR t.py:1:5: unterminated string literal");
    LEX("x = 'a\\q'\n", "ERROR t.py:1:7: invalid escape sequence \\ followed by 'q'");
    LEX("x = '\\x4'\n", "ERROR t.py:1:6: invalid \\x escape: expected 2 hex digits");
    LEX("x = '\\777'\n", "ERROR t.py:1:6: octal escape out of range");
    LEX("x = '\\ud800'\n", "ERROR t.py:1:6: invalid code point in \\u escape");
    LEX("if a:\n    b\n  c\n", "ERROR t.py:3:3: unindent does not match any outer indentation level");
    LEX("x = (1, 2]\n", "ERROR t.py:1:10: closing ']' does not match '(' on line 1");
    LEX("x = 1)\n", "ERROR t.py:1:6: unmatched ')'");
    LEX("x = (1,\n\n", "ERROR t.py:3:1: unexpected end of file: '(' opened on line 1 is never closed");
    LEX("x = $\n", "ERROR t.py:1:5: invalid character '$'");
    LEX("x = ?\n", "ERROR t.py:1:5: invalid character '?'");
    LEX("x = !a\n", "ERROR t.py:1:5: invalid character '!'");
    LEX("x\x01\n", "ERROR t.py:1:2: invalid character byte 0x01");
    LEX("\xc3\xa9 = 1\n", "ERROR t.py:1:1: invalid character byte 0xc3");
    LEX("a = \\ b\n", "ERROR t.py:1:5: unexpected character after line continuation character");
    LEX("a\n  b\n", "NAME:a NL IN NAME:b NL DE EOF"); /* the parser rejects this indent */

    /* embedded NUL bytes are invalid characters, not string ends */
    char *got = lex_all("a\0b", 3);
    CHECK(got && strcmp(got, "ERROR t.py:1:2: invalid character byte 0x00") == 0);
    pts_free(got);

    /* token positions */
    pts_arena *a = pts_arena_new();
    pts_lexer lx;
    const char *src = "class A:\n  x : int\n  def f(self,\n      y):\n    return 'a\\\nb'\n";
    pts_lex_init(&lx, a, "p.py", src, strlen(src));
    int lines[64], cols[64], n = 0;
    pts_token t;
    do {
        if (pts_lex_next(&lx, &t) || n == 64)
            break;
        lines[n] = t.line;
        cols[n] = t.col;
        n++;
    } while (t.kind != PTS_TK_EOF);
    /* class A : NL IN x : int NL def f ( self , y ) : NL IN return STR NL DE DE EOF */
    CHECK(n == 25);
    CHECK(lines[0] == 1 && cols[0] == 1);  /* class */
    CHECK(lines[1] == 1 && cols[1] == 7);  /* A */
    CHECK(lines[5] == 2 && cols[5] == 3);  /* x */
    CHECK(lines[7] == 2 && cols[7] == 7);  /* int */
    CHECK(lines[9] == 3 && cols[9] == 3);  /* def */
    CHECK(lines[14] == 4 && cols[14] == 7); /* y (implicit joining) */
    CHECK(lines[20] == 5 && cols[20] == 12); /* the string starts on line 5 */
    CHECK(lines[21] == 6);                  /* NEWLINE after the continued string */
    pts_arena_free(a);
}

/* ---- parser ----------------------------------------------------------------- */

/* Parse text, return the module as an s-expression or "ERROR <message>". */
static char *parse_to_string(const char *path, const char *text, size_t len)
{
    pts_arena *a = pts_arena_new();
    pts_ast_module *m;
    pts_sb sb;
    pts_sb_init(&sb);
    if (!a) {
        pts_sb_puts(&sb, "ERROR oom");
    } else if (pts_frontend_parse(a, path, text, len, &m)) {
        pts_sb_printf(&sb, "ERROR %s", pts_err_message());
    } else {
        pts_ast_print_module(&sb, m);
        if (m->op_version >= 0)
            pts_sb_printf(&sb, " v%lld", (long long)m->op_version);
    }
    pts_arena_free(a);
    return pts_sb_take(&sb);
}

#define PARSE(text, want) check_parse(text, want, __LINE__)

static void check_parse(const char *text, const char *want, int line)
{
    char *got = parse_to_string("t.py", text, strlen(text));
    check_str(text, got ? got : "(oom)", want, line);
    pts_free(got);
}

/* One expression: "x" -> "(module (expr <want>))". */
#define EXPR(text, want) check_expr(text, want, __LINE__)

static void check_expr(const char *text, const char *want, int line)
{
    char src[4096], full[4096];
    snprintf(src, sizeof src, "%s\n", text);
    snprintf(full, sizeof full, "(module (expr %s))", want);
    char *got = parse_to_string("t.py", src, strlen(src));
    check_str(text, got ? got : "(oom)", strncmp(want, "ERROR", 5) == 0 ? want : full, line);
    pts_free(got);
}

static void test_statements(void)
{
    PARSE("", "(module)");
    PARSE("op_version_set = 3\nimport torch\nfrom torch import nn\nx = 1\n", "(module (= x 1)) v3");
    PARSE("import torch\nimport __torch__.a.b\ndef f() -> int:\n  return 1\n",
          "(module (def f () int (block (return 1))))");
    PARSE("x = 1\n", "(module (= x 1))");
    PARSE("a = b = c\n", "(module (= a b c))");
    PARSE("weight = self.weight\n", "(module (= weight (. self weight)))");
    PARSE("a, b = e1, e2\n", "(module (= (tuple a b) (tuple e1 e2)))");
    PARSE("_1, acc0, k = torch.lt(k0, 3), acc1, k0\n",
          "(module (= (tuple _1 acc0 k) (tuple (call (. torch lt) k0 3) acc1 k0)))");
    PARSE("k, v, = _35[_36]\n", "(module (= (tuple k v) ([] _35 _36)))");
    PARSE("_1, = _0\n", "(module (= (tuple _1) _0))");
    PARSE("(a, b), [c, d] = x\n", "(module (= (tuple (tuple a b) (list c d)) x))");
    PARSE("k : Optional[int] = torch.add(o0, 1)\n",
          "(module (ann k ([] Optional int) (call (. torch add) o0 1)))");
    PARSE("m : __torch__.ModIface = md[key]\n", "(module (ann m (. __torch__ ModIface) ([] md key)))");
    PARSE("weight : Tensor\n", "(module (ann weight Tensor))");
    PARSE("self.items = annotate(List[int], [])\n",
          "(module (= (. self items) (call annotate ([] List int) (list))))");
    PARSE("d[k] = v\n", "(module (= ([] d k) v))");
    PARSE("print(s)\n", "(module (expr (call print s)))");
    PARSE("x = 1; y = 2;\n", "(module (= x 1) (= y 2))");
    PARSE("if c:\n  pass\nelse:\n  pass\n", "(module (if c (block (pass)) (block (pass))))");
    PARSE("if c:\n  a = 1\n", "(module (if c (block (= a 1))))");
    PARSE("if a:\n  x\nelif b:\n  y\nelif c:\n  z\nelse:\n  w\n",
          "(module (if a (block (expr x)) (block (if b (block (expr y)) (block (if c (block (expr z)) "
          "(block (expr w))))))))");
    PARSE("if a: b\nelse: c\n", "(module (if a (block (expr b)) (block (expr c))))");
    PARSE("if a:\n  if b:\n    c\n  else:\n    d\nelse:\n  e\n",
          "(module (if a (block (if b (block (expr c)) (block (expr d)))) (block (expr e))))");
    PARSE("for _0 in range(torch.len(scales)):\n  s = scales[_0]\n",
          "(module (for _0 (call range (call (. torch len) scales)) (block (= s ([] scales _0)))))");
    PARSE("for k, v in d.items():\n  pass\n", "(module (for (tuple k v) (call (. d items)) (block (pass))))");
    PARSE("for x in a, b:\n  pass\n", "(module (for x (tuple a b) (block (pass))))");
    PARSE("_1 = True\nwhile _1:\n  _1, acc0 = torch.lt(k, 3), acc1\n",
          "(module (= _1 True) (while _1 (block (= (tuple _1 acc0) (tuple (call (. torch lt) k 3) acc1)))))");
    PARSE("with _21:\n  w = torch.mul(x, 2)\n", "(module (with _21 (block (= w (call (. torch mul) x 2)))))");
    PARSE("with a as b, c:\n  pass\n", "(module (with (as a b) c (block (pass))))");
    PARSE("def __forked_function():\n  return __torch__.helper(x0, 3, )\nfut = fork(__forked_function)\n",
          "(module (def __forked_function () _ (block (return (call (. __torch__ helper) x0 3)))) "
          "(= fut (call fork __forked_function)))");
    PARSE("def f():\n  return\n", "(module (def f () _ (block (return))))");
    PARSE("def f():\n  return (y, _7, s, b)\n", "(module (def f () _ (block (return (tuple y _7 s b)))))");
    PARSE("def f():\n  return a, b\n", "(module (def f () _ (block (return (tuple a b)))))");
    PARSE("pass\nbreak\ncontinue\n", "(module (pass) (break) (continue))");
    PARSE("raise\nraise ValueError(\"x\")\n", "(module (raise) (raise (call ValueError \"x\")))");
    PARSE("assert x\nassert x > 0, \"neg\"\n", "(module (assert x) (assert (> x 0) \"neg\"))");
    PARSE("del l[0]\ndel a, b.c\n", "(module (del ([] l 0)) (del a (. b c)))");
    PARSE("global a, b\n", "(module (global a b))");
    PARSE("x += 1\nx -= 1\nx *= 1\nx /= 1\nx //= 1\nx %= 1\nx **= 1\nx @= 1\nx &= 1\nx |= 1\nx ^= 1\n"
          "x <<= 1\nx >>= 1\nself.n += 1\nl[0] += 1\n",
          "(module (+= x 1) (-= x 1) (*= x 1) (/= x 1) (//= x 1) (%= x 1) (**= x 1) (@= x 1) (&= x 1) "
          "(|= x 1) (^= x 1) (<<= x 1) (>>= x 1) (+= (. self n) 1) (+= ([] l 0) 1))");
    PARSE("def forward(self: __torch__.torch.nn.modules.linear.Linear,\n    input: Tensor) -> Tensor:\n"
          "  return torch.linear(input, self.weight, self.bias)\n",
          "(module (def forward ((self (. (. (. (. (. __torch__ torch) nn) modules) linear) Linear)) "
          "(input Tensor)) Tensor (block (return (call (. torch linear) input (. self weight) (. self bias))))))");
    PARSE("def f(x: Tensor, y: Optional[Tensor]=None, c: int=3) -> Tuple[Tensor, int]:\n  pass\n",
          "(module (def f ((x Tensor) (y ([] Optional Tensor) None) (c int 3)) ([] Tuple Tensor int) "
          "(block (pass))))");
    PARSE("def f(a, *, b: int=1, c=2,):\n  pass\n", "(module (def f (a * (b int 1) (c _ 2)) _ (block (pass))))");
    PARSE("def f(a, *):\n  pass\n", "(module (def f (a *) _ (block (pass))))");
    PARSE("def f(x: List[float]=[1., 2.]) -> None:\n  pass\n",
          "(module (def f ((x ([] List float) (list 1. 2.))) None (block (pass))))");
    PARSE("class SubIface(ModuleInterface):\n  def forward(self, x: Tensor) -> Tensor:\n    pass\n",
          "(module (class SubIface (ModuleInterface) (block (def forward (self (x Tensor)) Tensor (block (pass))))))");
    PARSE("class Color(Enum):\n  RED = 1\n  GREEN = 2\n",
          "(module (class Color (Enum) (block (= RED 1) (= GREEN 2))))");
    PARSE("class A:\n  pass\nclass B():\n  pass\n", "(module (class A () (block (pass))) (class B () (block (pass))))");
    PARSE("class A(Module):\n  __parameters__ = [\"weight\", \"bias\", ]\n  __annotations__ = []\n"
          "  __annotations__[\"0\"] = __torch__.B\n  in_features : Final[int] = 4\n",
          "(module (class A (Module) (block (= __parameters__ (list \"weight\" \"bias\")) (= __annotations__ (list)) "
          "(= ([] __annotations__ \"0\") (. __torch__ B)) (ann in_features ([] Final int) 4))))");
    PARSE("x = 1 # comment\n\n\n# trailing\n", "(module (= x 1))");
}

static void test_expressions(void)
{
    EXPR("x", "x");
    EXPR("__torch__", "__torch__");
    EXPR("3", "3");
    EXPR("-5", "-5");
    EXPR("- 5", "-5");
    EXPR("- -5", "5");
    EXPR("-2.5", "-2.5");
    EXPR("-0.", "-0.");
    EXPR("2.j", "2.j");
    EXPR("-2.j", "-2.j");
    EXPR("9223372036854775807", "9223372036854775807");
    EXPR("-9223372036854775808", "-9223372036854775808");
    EXPR("--9223372036854775808", "(neg -9223372036854775808)");
    EXPR("0.10000000000000001", "0.1");
    EXPR("1.0000000000000001e-05", "1e-05");
    EXPR("1e300", "1e+300");
    EXPR("2.", "2.");
    EXPR("1.+2.j", "(+ 1. 2.j)");
    EXPR("\"a\" 'b' \"c\"", "\"abc\"");
    EXPR("\"a\\n\\001\\\"\"", "\"a\\n\\001\\\"\"");
    EXPR("True", "True");
    EXPR("False", "False");
    EXPR("None", "None");
    EXPR("...", "...");
    EXPR("inf", "inf");
    EXPR("a.b.c", "(. (. a b) c)");
    EXPR("__torch__.Color.RED", "(. (. __torch__ Color) RED)");
    EXPR("x[0]", "([] x 0)");
    EXPR("x[1:3]", "([] x (slice 1 3 _))");
    EXPR("x[:]", "([] x (slice _ _ _))");
    EXPR("x[::2]", "([] x (slice _ _ 2))");
    EXPR("x[1:]", "([] x (slice 1 _ _))");
    EXPR("x[:2]", "([] x (slice _ 2 _))");
    EXPR("x[1:2:3]", "([] x (slice 1 2 3))");
    EXPR("x[1::-1]", "([] x (slice 1 _ -1))");
    EXPR("x[..., None]", "([] x ... None)");
    EXPR("x[0:1, ::2]", "([] x (slice 0 1 _) (slice _ _ 2))");
    EXPR("x[1,]", "([] x (tuple 1))");
    EXPR("d[\"a\"]", "([] d \"a\")");
    EXPR("(torch.size(x))[0]", "([] (call (. torch size) x) 0)");
    EXPR("Tuple[()]", "([] Tuple (tuple))");
    EXPR("Dict[str, List[int]]", "([] Dict str ([] List int))");
    EXPR("f()", "(call f)");
    EXPR("f(a, b)", "(call f a b)");
    EXPR("(lin).forward(x, )", "(call (. lin forward) x)");
    EXPR("torch.sum(x, [0], True, dtype=7)", "(call (. torch sum) x (list 0) True (kw dtype 7))");
    EXPR("torch.zeros([2, 3], dtype=5, layout=None, device=ops.prim.device(x))",
         "(call (. torch zeros) (list 2 3) (kw dtype 5) (kw layout None) (kw device (call (. (. ops prim) device) x)))");
    EXPR("torch.div(x, 2, rounding_mode=\"floor\",)", "(call (. torch div) x 2 (kw rounding_mode \"floor\"))");
    EXPR("__torch__.Acc.__new__(__torch__.Acc)", "(call (. (. __torch__ Acc) __new__) (. __torch__ Acc))");
    EXPR("f(x)(y)[0].z", "(. ([] (call (call f x) y) 0) z)");
    EXPR("getattr(mods, \"0\")", "(call getattr mods \"0\")");
    EXPR("-x", "(neg x)");
    EXPR("+x", "(pos x)");
    EXPR("~x", "(~ x)");
    EXPR("not x", "(not x)");
    EXPR("a + b - c * d / e // f % g @ h ** i",
         "(- (+ a b) (@ (% (// (/ (* c d) e) f) g) (** h i)))");
    EXPR("a << b >> c & d | e ^ f", "(| (& (>> (<< a b) c) d) (^ e f))");
    EXPR("a == b", "(== a b)");
    EXPR("a != b", "(!= a b)");
    EXPR("a < b", "(< a b)");
    EXPR("a <= b", "(<= a b)");
    EXPR("a > b", "(> a b)");
    EXPR("a >= b", "(>= a b)");
    EXPR("a in b", "(in a b)");
    EXPR("a not in b", "(not-in a b)");
    EXPR("a is None", "(is a None)");
    EXPR("a is not None", "(is-not a None)");
    EXPR("a < b <= c == d", "(compare a < b <= c == d)");
    EXPR("a and b", "(and a b)");
    EXPR("a or b or c", "(or a b c)");
    EXPR("a if c else b", "(ifexp c a b)");
    EXPR("()", "(tuple)");
    EXPR("(a)", "a");
    EXPR("(a,)", "(tuple a)");
    EXPR("(a, b)", "(tuple a b)");
    EXPR("a, b", "(tuple a b)");
    EXPR("[]", "(list)");
    EXPR("[a, b, ]", "(list a b)");
    EXPR("{}", "(dict)");
    EXPR("{\"a\": x, \"b\": [1]}", "(dict (\"a\" x) (\"b\" (list 1)))");
    EXPR("{1: 2,}", "(dict (1 2))");
    EXPR("[x * 2 for x in xs]", "(listcomp (* x 2) x xs)");
    EXPR("[x for x in xs if x > 0]", "(listcomp x x xs (> x 0))");
    EXPR("[a for a, b in pairs]", "(listcomp a (tuple a b) pairs)");
    EXPR("{k: v for k, v in d.items()}", "(dictcomp k v (tuple k v) (call (. d items)))");
    EXPR("[x for x in a if b if c else d]", "ERROR t.py:1:20: expected ']', found 'if'");
    EXPR("annotate(List[Optional[Tensor]], [idx])", "(call annotate ([] List ([] Optional Tensor)) (list idx))");
    EXPR("uninitialized(int)", "(call uninitialized int)");
    EXPR("isinstance(v, (int, float))", "(call isinstance v (tuple int float))");
    EXPR("CONSTANTS.c3", "(. CONSTANTS c3)");
    EXPR("ops.prim.RaiseException(\"bad n\", \"builtins.ValueError\")",
         "(call (. (. ops prim) RaiseException) \"bad n\" \"builtins.ValueError\")");
}

static void test_precedence(void)
{
    EXPR("-x ** 2", "(neg (** x 2))");
    EXPR("-2 ** 2", "(neg (** 2 2))");
    EXPR("(-2) ** 2", "(** -2 2)");
    EXPR("2 ** -1", "(** 2 -1)");
    EXPR("2 ** -x", "(** 2 (neg x))");
    EXPR("a ** b ** c", "(** a (** b c))");
    EXPR("a + b * c", "(+ a (* b c))");
    EXPR("a * b + c", "(+ (* a b) c)");
    EXPR("a - b - c", "(- (- a b) c)");
    EXPR("a / b * c", "(* (/ a b) c)");
    EXPR("a | b ^ c & d << e + f * g", "(| a (^ b (& c (<< d (+ e (* f g))))))");
    EXPR("a * b + c << d & e ^ f | g", "(| (^ (& (<< (+ (* a b) c) d) e) f) g)");
    EXPR("a < b | c", "(< a (| b c))");
    EXPR("a | b < c", "(< (| a b) c)");
    EXPR("not a == b", "(not (== a b))");
    EXPR("not a and b", "(and (not a) b)");
    EXPR("a or b and c", "(or a (and b c))");
    EXPR("a and b or c and d", "(or (and a b) (and c d))");
    EXPR("not not a", "(not (not a))");
    EXPR("a if b else c if d else e", "(ifexp b a (ifexp d c e))");
    EXPR("a or b if c or d else e", "(ifexp (or c d) (or a b) e)");
    EXPR("~a + b", "(+ (~ a) b)");
    EXPR("-a * b", "(* (neg a) b)");
    EXPR("-a.b[c](d)", "(neg (call ([] (. a b) c) d))");
    EXPR("- - a", "(neg (neg a))");
    EXPR("a + -b", "(+ a (neg b))");
    EXPR("a - -1", "(- a -1)");
    EXPR("a // b % c @ d / e", "(/ (@ (% (// a b) c) d) e)");
    EXPR("a in b == c", "(compare a in b == c)");
    EXPR("a is not b is c", "(compare a is-not b is c)");
    EXPR("a + b in c", "(in (+ a b) c)");
    EXPR("not a in b", "(not (in a b))");
}

static void test_parse_errors(void)
{
    PARSE("x = = 1\n", "ERROR t.py:1:5: expected an expression, found '='");
    PARSE("def f(:\n  pass\n", "ERROR t.py:1:7: expected a parameter name, found ':'");
    PARSE("def (x):\n  pass\n", "ERROR t.py:1:5: expected a function name, found '('");
    PARSE("def f(x, x):\n  pass\n", "ERROR t.py:1:10: duplicate parameter 'x'");
    PARSE("def f(*, *):\n  pass\n", "ERROR t.py:1:10: '*' given twice");
    PARSE("if a\n  b\n", "ERROR t.py:1:5: expected ':', found end of line");
    PARSE("if a:\nb\n", "ERROR t.py:2:1: expected an indented block");
    PARSE("if a:\n", "ERROR t.py:2:1: expected an indented block");
    PARSE("  x = 1\n", "ERROR t.py:1:3: unexpected indent");
    PARSE("x = 1\n  y = 2\n", "ERROR t.py:2:3: unexpected indent");
    PARSE("f(a=1, b)\n", "ERROR t.py:1:8: positional argument follows keyword argument");
    PARSE("f(a=1, a=2)\n", "ERROR t.py:1:8: keyword argument 'a' repeated");
    PARSE("f(*a)\n", "ERROR t.py:1:3: *args and **kwargs in calls are not supported");
    PARSE("1 = x\n", "ERROR t.py:1:1: cannot assign to an expression");
    PARSE("f() = x\n", "ERROR t.py:1:1: cannot assign to a function call");
    PARSE("a, f() = x\n", "ERROR t.py:1:4: cannot assign to a function call");
    PARSE("a + 1 += x\n", "ERROR t.py:1:1: cannot assign to an expression");
    PARSE("a, b : int\n", "ERROR t.py:1:1: cannot annotate an expression");
    PARSE("for f() in x:\n  pass\n", "ERROR t.py:1:5: cannot assign to a function call");
    PARSE("del f()\n", "ERROR t.py:1:5: cannot delete a function call");
    PARSE("x = 9223372036854775808\n", "ERROR t.py:1:5: integer literal is too large for int64");
    PARSE("x = -9223372036854775808 ** 2\n", "ERROR t.py:1:6: integer literal is too large for int64");
    PARSE("import torch\nx = 1\nimport os\n", "ERROR t.py:3:1: import is only allowed at the top of a file");
    PARSE("x = lambda: 1\n", "ERROR t.py:1:5: lambda is not supported");
    PARSE("x = {1, 2}\n", "ERROR t.py:1:7: expected ':' in a dict literal (set literals are not supported)");
    PARSE("x = (a for a in b)\n", "ERROR t.py:1:8: generator expressions are not supported");
    PARSE("@torch.jit.script\ndef f():\n  pass\n", "ERROR t.py:1:1: decorators are not supported");
    PARSE("x[]\n", "ERROR t.py:1:3: expected an index, found ']'");
    PARSE("x.1\n", "ERROR t.py:1:2: expected end of line, found a number"); /* ".1" is a float */
    PARSE("x. y\n", "(module (expr (. x y)))");
    PARSE("x.(y)\n", "ERROR t.py:1:3: expected an attribute name, found '('");
    PARSE("while a:\n  pass\nelse:\n  pass\n", "ERROR t.py:3:1: expected an expression, found 'else'");
    PARSE("x = 1 2\n", "ERROR t.py:1:7: expected end of line, found a number");
    PARSE("x = (1 2)\n", "ERROR t.py:1:8: expected ')', found a number");
    PARSE("class A(B):\n", "ERROR t.py:2:1: expected an indented block");
    PARSE("class:\n  pass\n", "ERROR t.py:1:6: expected a class name, found ':'");
    PARSE("op_version_set = x\n", "ERROR t.py:1:18: expected a version number, found name 'x'");
    PARSE("def f():\n  return 1\n    x\n", "ERROR t.py:3:5: unexpected indent");
    /* the line of a deep error, as in a real file */
    PARSE("class A(Module):\n  x : int\n  def forward(self: __torch__.A) -> int:\n    a = 1\n    b = 2\n"
          "    c = 3\n    d = 4\n    e = 5\n    f = 6\n    g = 7\n    h = 8\n    return (a +)\n",
          "ERROR t.py:12:16: expected an expression, found ')'");
    /* lexer errors come through the parser unchanged */
    PARSE("x = 'abc\n", "ERROR t.py:1:5: unterminated string literal");
}

/* text repeated n times between a prefix and a suffix */
static char *repeat(const char *prefix, const char *unit, int n, const char *mid, const char *unit2, int n2,
                    const char *suffix)
{
    pts_sb sb;
    pts_sb_init(&sb);
    pts_sb_puts(&sb, prefix);
    for (int i = 0; i < n; i++)
        pts_sb_puts(&sb, unit);
    pts_sb_puts(&sb, mid);
    for (int i = 0; i < n2; i++)
        pts_sb_puts(&sb, unit2);
    pts_sb_puts(&sb, suffix);
    return pts_sb_take(&sb);
}

static void check_deep(char *src, const char *want_prefix, int line)
{
    char *got = parse_to_string("code/__torch__/x.py", src, strlen(src));
    if (got && strncmp(got, want_prefix, strlen(want_prefix)) == 0) {
        check_npass++;
    } else {
        check_nfail++;
        printf("FAIL line %d: deep input (%zu bytes)\n  got:  %.200s\n  want: %s...\n", line, strlen(src),
               got ? got : "(oom)", want_prefix);
    }
    pts_free(got);
    pts_free(src);
}

#define DEEP(src, want) check_deep(src, want, __LINE__)

static void test_depth(void)
{
    const char *too_deep = "ERROR code/__torch__/x.py:1: expression nested too deeply";
    DEEP(repeat("x = ", "(", 10000, "1", ")", 10000, "\n"), too_deep);
    DEEP(repeat("x = ", "[", 10000, "1", "]", 10000, "\n"), too_deep);
    DEEP(repeat("x = ", "{1: ", 10000, "1", "}", 10000, "\n"), too_deep);
    DEEP(repeat("x = ", "f(", 10000, "1", ")", 10000, "\n"), too_deep);
    DEEP(repeat("x = ", "a[", 10000, "1", "]", 10000, "\n"), too_deep);
    DEEP(repeat("x = ", "-", 10000, "1", "", 0, "\n"), too_deep);
    DEEP(repeat("x = ", "~", 10000, "1", "", 0, "\n"), too_deep);
    DEEP(repeat("x = ", "not ", 10000, "a", "", 0, "\n"), too_deep);
    DEEP(repeat("x = a", " ** a", 10000, "", "", 0, "\n"), too_deep);
    DEEP(repeat("x = ", "a if b else ", 10000, "c", "", 0, "\n"), too_deep);
    DEEP(repeat("x = ", "lambda", 0, "a", " + a", 100000, "\n"), too_deep);
    DEEP(repeat("x = a", ".b", 100000, "", "", 0, "\n"), too_deep);
    DEEP(repeat("x = a", "[0]", 100000, "", "", 0, "\n"), too_deep);
    DEEP(repeat("x = a", "()", 100000, "", "", 0, "\n"), too_deep);
    DEEP(repeat("if a:\n", " pass\nelif a:\n", 10000, " pass\n", "", 0, ""), "ERROR code/__torch__/x.py:");
    DEEP(repeat("x = ", "(", 10000, "", "", 0, ""), too_deep); /* unclosed */
    /* well-formed but deep blocks: limited by the lexer's indentation stack */
    {
        pts_sb sb;
        pts_sb_init(&sb);
        for (int i = 0; i < 5000; i++) {
            for (int j = 0; j < i; j++)
                pts_sb_putc(&sb, ' ');
            pts_sb_puts(&sb, "if a:\n");
        }
        DEEP(pts_sb_take(&sb), "ERROR code/__torch__/x.py:");
    }
    /* comfortably deep is fine */
    DEEP(repeat("x = ", "(", 150, "1", ")", 150, "\n"), "(module (= x 1))");
    DEEP(repeat("x = ", "-", 150, "1", "", 0, "\n"), "(module (= x 1))");
    DEEP(repeat("x = a", " + a", 500, "", "", 0, "\n"), "(module (= x (+ (+ (+");
    DEEP(repeat("x = ", "f(", 150, "1", ")", 150, "\n"), "(module (= x (call f (call f");
    /* the error names the line of the nesting */
    DEEP(repeat("a = 1\nb = 2\n\nx = ", "(", 1000, "1", ")", 1000, "\n"),
         "ERROR code/__torch__/x.py:4: expression nested too deeply");
}

/* ---- annotations and literals ------------------------------------------------- */

/* Parse "x : <annot>\n" and return the annotation node. */
static const pts_ast_expr *annot_of(pts_arena *a, const char *annot)
{
    char src[512];
    snprintf(src, sizeof src, "x : %s\n", annot);
    pts_ast_module *m;
    if (pts_frontend_parse(a, "a.py", src, strlen(src), &m) || m->body.n != 1 ||
        m->body.stmts[0]->kind != PTS_ST_ANNASSIGN)
        return NULL;
    return m->body.stmts[0]->u.ann.annotation;
}

#define TYPE(annot, want) check_type(annot, want, __LINE__)

static void check_type(const char *annot, const char *want, int line)
{
    pts_arena *a = pts_arena_new();
    const pts_ast_expr *e = annot_of(a, annot);
    char got[512];
    pts_type *t = NULL;
    if (!e)
        snprintf(got, sizeof got, "PARSE %s", pts_err_message());
    else if (pts_frontend_type_from_expr(e, &t))
        snprintf(got, sizeof got, "ERROR %s", pts_err_message());
    else
        pts_type_str(t, got, sizeof got);
    if (t && t->kind == PTS_TY_CLASS && t->cls != NULL)
        snprintf(got, sizeof got, "class type bound too early");
    pts_type_release(t);
    pts_arena_free(a);
    check_str(annot, got, want, line);
}

static void test_types(void)
{
    TYPE("Tensor", "Tensor");
    TYPE("int", "int");
    TYPE("float", "float");
    TYPE("bool", "bool");
    TYPE("complex", "complex");
    TYPE("str", "str");
    TYPE("Device", "Device");
    TYPE("number", "number");
    TYPE("Any", "Any");
    TYPE("NoneType", "NoneType");
    TYPE("None", "NoneType");
    TYPE("List[int]", "List[int]");
    TYPE("List[List[Tensor]]", "List[List[Tensor]]");
    TYPE("Dict[str, List[int]]", "Dict[str, List[int]]");
    TYPE("Tuple[int, float, str]", "Tuple[int, float, str]");
    TYPE("Tuple[()]", "Tuple[()]");
    TYPE("Tuple[int]", "Tuple[int]");
    TYPE("Optional[Tensor]", "Optional[Tensor]");
    TYPE("Union[int, str, None]", "Union[int, str, NoneType]");
    TYPE("Final[int]", "int");
    TYPE("Future[Tensor]", "Future[Tensor]");
    TYPE("Await[int]", "Await[int]");
    TYPE("RRef[Tensor]", "RRef[Tensor]");
    TYPE("__torch__.torchvision.models.resnet.BasicBlock", "__torch__.torchvision.models.resnet.BasicBlock");
    TYPE("Optional[__torch__.Point]", "Optional[__torch__.Point]");
    TYPE("List[__torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d]",
         "List[__torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d]");
    TYPE("Foo", "ERROR a.py:1: bad type string \"Foo\" at character 3: unknown type name");
    TYPE("List[1]", "ERROR a.py:1: not a type: ([] List 1)");
    TYPE("f(x)", "ERROR a.py:1: not a type: (call f x)");

    pts_arena *a = pts_arena_new();
    const pts_ast_expr *fin = annot_of(a, "Final[Tuple[int, str]]");
    CHECK(fin && pts_frontend_final_inner(fin) && pts_frontend_final_inner(fin)->kind == PTS_EX_SUBSCRIPT);
    const pts_ast_expr *notfin = annot_of(a, "Optional[int]");
    CHECK(notfin && pts_frontend_final_inner(notfin) == NULL);
    pts_arena_free(a);
}

/* Parse "x = <text>" and evaluate the value with an optional type hint. */
static pts_status eval_text(const char *text, const char *hint, pts_value *out)
{
    char src[512];
    snprintf(src, sizeof src, "x = %s\n", text);
    pts_arena *a = pts_arena_new();
    pts_ast_module *m;
    pts_type *t = NULL;
    pts_status st = pts_frontend_parse(a, "l.py", src, strlen(src), &m);
    if (!st && hint)
        st = pts_type_parse(hint, strlen(hint), "hint", &t);
    if (!st)
        st = pts_frontend_eval_literal(m->body.stmts[0]->u.assign.value, t, out);
    pts_type_release(t);
    pts_arena_free(a);
    return st;
}

static void test_literals(void)
{
    pts_value v;
    CHECK(eval_text("3", NULL, &v) == PTS_OK && v.tag == PTS_T_INT && v.u.i == 3);
    CHECK(eval_text("-9223372036854775808", NULL, &v) == PTS_OK && v.tag == PTS_T_INT && v.u.i == INT64_MIN);
    CHECK(eval_text("-2.5", NULL, &v) == PTS_OK && v.tag == PTS_T_FLOAT && v.u.f == -2.5);
    CHECK(eval_text("1.0000000000000001e-05", NULL, &v) == PTS_OK && v.tag == PTS_T_FLOAT && v.u.f == 1e-05);
    CHECK(eval_text("-inf", NULL, &v) == PTS_OK && v.tag == PTS_T_FLOAT && isinf(v.u.f) && v.u.f < 0);
    CHECK(eval_text("nan", NULL, &v) == PTS_OK && v.tag == PTS_T_FLOAT && isnan(v.u.f));
    CHECK(eval_text("2.j", NULL, &v) == PTS_OK && v.tag == PTS_T_COMPLEX && v.u.c[0] == 0 && v.u.c[1] == 2);
    CHECK(eval_text("1.+2.j", NULL, &v) == PTS_OK && v.tag == PTS_T_COMPLEX && v.u.c[0] == 1 && v.u.c[1] == 2);
    CHECK(eval_text("-1.-2.j", NULL, &v) == PTS_OK && v.tag == PTS_T_COMPLEX && v.u.c[0] == -1 && v.u.c[1] == -2);
    CHECK(eval_text("infj", NULL, &v) == PTS_OK && v.tag == PTS_T_COMPLEX && isinf(v.u.c[1]));
    CHECK(eval_text("True", NULL, &v) == PTS_OK && v.tag == PTS_T_BOOL && v.u.b);
    CHECK(eval_text("None", NULL, &v) == PTS_OK && v.tag == PTS_T_NONE);
    CHECK(eval_text("torch.device(\"cpu\")", NULL, &v) == PTS_OK && v.tag == PTS_T_DEVICE && v.u.dev.type == 0 &&
          v.u.dev.index == -1);
    CHECK(eval_text("torch.device(\"cuda:1\")", NULL, &v) == PTS_OK && v.tag == PTS_T_DEVICE && v.u.dev.type == 1 &&
          v.u.dev.index == 1);
    CHECK(eval_text("torch.device(\"gpu\")", NULL, &v) == PTS_ERR_VALUE &&
          strstr(pts_err_message(), "l.py:1") && strstr(pts_err_message(), "invalid device string: \"gpu\""));
    CHECK(eval_text("\"a\\n\"", NULL, &v) == PTS_OK && v.tag == PTS_T_STR && PTS_STR(v)->len == 2 &&
          memcmp(PTS_STR(v)->data, "a\n", 2) == 0);
    pts_value_release(v);
    CHECK(eval_text("(1, -2.5, \"a\")", "Tuple[int, float, str]", &v) == PTS_OK && v.tag == PTS_T_TUPLE &&
          PTS_TUPLE(v)->len == 3 && PTS_TUPLE(v)->items[0].u.i == 1 && PTS_TUPLE(v)->items[1].u.f == -2.5 &&
          PTS_TUPLE(v)->items[2].tag == PTS_T_STR);
    pts_value_release(v);
    CHECK(eval_text("[1, 2]", "List[int]", &v) == PTS_OK && v.tag == PTS_T_LIST && PTS_LIST(v)->len == 2 &&
          PTS_LIST(v)->elem && PTS_LIST(v)->elem->kind == PTS_TY_INT);
    pts_value_release(v);
    CHECK(eval_text("((1, 2), [])", NULL, &v) == PTS_OK && v.tag == PTS_T_TUPLE &&
          PTS_TUPLE(v)->items[0].tag == PTS_T_TUPLE && PTS_TUPLE(v)->items[1].tag == PTS_T_LIST);
    pts_value_release(v);
    CHECK(eval_text("x", NULL, &v) == PTS_ERR_LOAD && strcmp(pts_err_message(), "l.py:1: not a constant: x") == 0);
    CHECK(eval_text("(1, f(2))", NULL, &v) == PTS_ERR_LOAD &&
          strcmp(pts_err_message(), "l.py:1: not a constant: (call f 2)") == 0);
    CHECK(eval_text("-x", NULL, &v) == PTS_ERR_LOAD);
    CHECK(eval_text("1 + 2", NULL, &v) == PTS_ERR_LOAD);

    pts_device d;
    CHECK(pts_frontend_parse_device("cpu", 3, &d) == PTS_OK && d.type == 0 && d.index == -1);
    CHECK(pts_frontend_parse_device("cuda:0", 6, &d) == PTS_OK && d.type == 1 && d.index == 0);
    CHECK(pts_frontend_parse_device("mps", 3, &d) == PTS_OK && d.type == 13);
    CHECK(pts_frontend_parse_device("meta", 4, &d) == PTS_OK && d.type == 14);
    CHECK(pts_frontend_parse_device("cuda:", 5, &d) == PTS_ERR_VALUE);
    CHECK(pts_frontend_parse_device("cuda:01", 7, &d) == PTS_ERR_VALUE);
    CHECK(pts_frontend_parse_device("cuda:x", 6, &d) == PTS_ERR_VALUE);
    CHECK(pts_frontend_parse_device("", 0, &d) == PTS_ERR_VALUE);
}

/* ---- import -------------------------------------------------------------------- */

/* A module file like the ones torch prints (assembled from real output). */
static const char *const module_src =
    "op_version_set = 8\n"
    "class M(Module):\n"
    "  __parameters__ = [\"weight\", \"bias\", ]\n"
    "  __buffers__ = [\"buf\", ]\n"
    "  __forward_pre_hooks__ = [\"pre\", ]\n"
    "  __forward_hooks__ = [\"post\", \"post2\", ]\n"
    "  weight : Tensor\n"
    "  bias : Optional[Tensor]\n"
    "  buf : Tensor\n"
    "  training : bool\n"
    "  _is_full_backward_hook : NoneType\n"
    "  color : __torch__.Color\n"
    "  sub_i : __torch__.SubIface\n"
    "  __annotations__[\"0\"] = __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d\n"
    "  ninf : Final[float] = -inf\n"
    "  big : Final[float] = 1.0000000000000001e+300\n"
    "  k : Final[int] = 3\n"
    "  tup : Final[Tuple[int, float, str]] = (1, -2.5, \"a\\n\\001\\\"\\'\\\\\")\n"
    "  neg : Final[int] = -9223372036854775808\n"
    "  dev : Final[Device] = torch.device(\"cpu\")\n"
    "  none : Final[None] = None\n"
    "  def forward(self: __torch__.M,\n"
    "    x: Tensor,\n"
    "    c: int=3) -> Tensor:\n"
    "    _0 = torch.add(x, c)\n"
    "    sub_i = self.sub_i\n"
    "    y = torch.mul((sub_i).forward(_0, ), 3)\n"
    "    if torch.gt(c, 2):\n"
    "      ops.prim.RaiseException(\"bad\", \"builtins.ValueError\")\n"
    "    else:\n"
    "      pass\n"
    "    return __torch__.helper(torch.add(y, 1), )\n"
    "  def pre(self: __torch__.M,\n"
    "    inp: Tuple[Tensor]) -> Tuple[Tensor]:\n"
    "    return (torch.neg((inp)[0]),)\n"
    "  def post(self: __torch__.M,\n"
    "    inp: Tuple[Tensor],\n"
    "    out: Tensor) -> Tensor:\n"
    "    return out\n"
    "  def post2(self: __torch__.M,\n"
    "    inp: Tuple[Tensor],\n"
    "    out: Tensor) -> Tensor:\n"
    "    return torch.sum(out, [0], True, dtype=7)\n"
    "class Color(Enum):\n"
    "  RED = 1\n"
    "  GREEN = 2\n"
    "class Mode(Enum):\n"
    "  A = \"a\"\n"
    "class SubIface(ModuleInterface):\n"
    "  def forward(self, x: Tensor) -> Tensor:\n"
    "    pass\n"
    "class Point(NamedTuple):\n"
    "  x : int\n"
    "  y : float = 2.\n"
    "def helper(x: Tensor,\n"
    "    k: int=2) -> Tensor:\n"
    "  return torch.mul(x, k)\n"
    "class Acc:\n"
    "  total : int\n"
    "  items : List[int]\n"
    "  def __init__(self: __torch__.Acc,\n"
    "    start: int) -> NoneType:\n"
    "    self.total = start\n"
    "    self.items = annotate(List[int], [])\n"
    "    return None\n";

static pts_status import_source(pts_cu *cu, const char *path, const char *src, const char *prefix)
{
    size_t n = strlen(src);
    char *text = pts_malloc(n + 1);
    if (!text)
        return pts_err_nomem("test", n);
    memcpy(text, src, n + 1);
    return pts_frontend_import_text(cu, path, text, n, prefix);
}

typedef struct op_list {
    char names[64][64];
    int lines[64];
    int n;
} op_list;

static pts_status collect_op(void *ud, const char *op, const char *file, int line)
{
    op_list *l = ud;
    (void)file;
    if (l->n < 64) {
        snprintf(l->names[l->n], sizeof l->names[0], "%s", op);
        l->lines[l->n] = line;
        l->n++;
    }
    return PTS_OK;
}

static pts_status stop_at_second(void *ud, const char *op, const char *file, int line)
{
    (void)op;
    (void)file;
    (void)line;
    int *n = ud;
    if (++*n == 2)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "stop");
    return PTS_OK;
}

static void test_import(void)
{
    pts_cu *cu = pts_cu_new();
    pts_status st = import_source(cu, "code/__torch__.py", module_src, NULL);
    if (st)
        printf("  import: %s\n", pts_err_message());
    CHECK(st == PTS_OK);
    CHECK(cu->nclasses == 6 && cu->nfunctions == 1);
    CHECK(cu->arena != NULL && cu->arena_free != NULL);
    pts_file *f = pts_cu_find_file(cu, "code/__torch__.py");
    CHECK(f && f->ast && ((pts_ast_module *)f->ast)->op_version == 8);
    /* importing again is a no-op */
    CHECK(pts_frontend_import_file(cu, "code/__torch__.py", NULL) == PTS_OK && cu->nclasses == 6);

    pts_class *m = pts_cu_find_class(cu, "__torch__.M");
    CHECK(m != NULL);
    if (m) {
        CHECK(m->kind == PTS_CLS_MODULE);
        CHECK(strcmp(m->file, "code/__torch__.py") == 0 && m->line == 2);
        CHECK(m->nattrs == 8);
        const char *names[] = {"weight", "bias", "buf", "training", "_is_full_backward_hook", "color", "sub_i", "0"};
        for (int i = 0; i < 8 && i < m->nattrs; i++)
            CHECK(strcmp(m->attrs[i].name, names[i]) == 0);
        char ty[256];
        pts_type_str(m->attrs[1].type, ty, sizeof ty);
        CHECK(strcmp(ty, "Optional[Tensor]") == 0);
        pts_type_str(m->attrs[7].type, ty, sizeof ty);
        CHECK(strcmp(ty, "__torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d") == 0);
        CHECK(m->attrs[5].type->kind == PTS_TY_CLASS && m->attrs[5].type->cls == NULL);
        CHECK(m->attrs[0].is_param && !m->attrs[0].is_buffer);
        CHECK(m->attrs[1].is_param);
        CHECK(m->attrs[2].is_buffer && !m->attrs[2].is_param);
        CHECK(!m->attrs[3].is_param && !m->attrs[3].is_buffer);
        CHECK(m->npre_hooks == 1 && strcmp(m->pre_hooks[0], "pre") == 0);
        CHECK(m->nhooks == 2 && strcmp(m->hooks[0], "post") == 0 && strcmp(m->hooks[1], "post2") == 0);
        CHECK(m->nconsts == 7);
        int k = pts_class_const_index(m, "k");
        CHECK(k >= 0 && m->consts[k].value.tag == PTS_T_INT && m->consts[k].value.u.i == 3 &&
              m->consts[k].type->kind == PTS_TY_INT);
        int ninf = pts_class_const_index(m, "ninf");
        CHECK(ninf >= 0 && m->consts[ninf].value.tag == PTS_T_FLOAT && isinf(m->consts[ninf].value.u.f) &&
              m->consts[ninf].value.u.f < 0);
        int big = pts_class_const_index(m, "big");
        CHECK(big >= 0 && m->consts[big].value.u.f == 1e300);
        int neg = pts_class_const_index(m, "neg");
        CHECK(neg >= 0 && m->consts[neg].value.u.i == INT64_MIN);
        int tup = pts_class_const_index(m, "tup");
        CHECK(tup >= 0 && m->consts[tup].value.tag == PTS_T_TUPLE);
        if (tup >= 0 && m->consts[tup].value.tag == PTS_T_TUPLE) {
            pts_tuple *t = PTS_TUPLE(m->consts[tup].value);
            CHECK(t->len == 3 && t->items[2].tag == PTS_T_STR &&
                  strcmp(PTS_STR(t->items[2])->data, "a\n\001\"'\\") == 0);
        }
        int dev = pts_class_const_index(m, "dev");
        CHECK(dev >= 0 && m->consts[dev].value.tag == PTS_T_DEVICE && m->consts[dev].type->kind == PTS_TY_DEVICE);
        int none = pts_class_const_index(m, "none");
        CHECK(none >= 0 && m->consts[none].value.tag == PTS_T_NONE);
        CHECK(m->nmethods == 4);
        pts_method *fw = pts_class_find_method(m, "forward");
        CHECK(fw && fw->line == 22 && fw->def && ((pts_ast_stmt *)fw->def)->kind == PTS_ST_DEF);
        if (fw) {
            pts_ast_stmt *d = fw->def;
            CHECK(d->u.def.nparams == 3 && strcmp(d->u.def.params[2].name, "c") == 0 &&
                  d->u.def.params[2].def && d->u.def.params[2].def->u.i == 3);
            CHECK(d->pos.line == 22 && strcmp(d->pos.file, "code/__torch__.py") == 0);
            CHECK(d->u.def.body.n == 5 && d->u.def.body.stmts[3]->pos.line == 28);
        }
        CHECK(m->source && strncmp(m->source, "class M(Module):\n", 17) == 0);
        size_t sl = m->source ? strlen(m->source) : 0;
        CHECK(sl > 20 && strcmp(m->source + sl - 20, "dtype=7)\n") != 0 &&
              strcmp(m->source + sl - 42, "return torch.sum(out, [0], True, dtype=7)\n") == 0);
    }
    pts_class *color = pts_cu_find_class(cu, "__torch__.Color");
    CHECK(color && color->kind == PTS_CLS_ENUM && color->nconsts == 2 && color->nattrs == 0);
    if (color && color->nconsts == 2) {
        pts_value red = color->consts[0].value;
        CHECK(strcmp(color->consts[0].name, "RED") == 0 && red.tag == PTS_T_ENUM);
        if (red.tag == PTS_T_ENUM) {
            pts_enum *e = (pts_enum *)red.u.o;
            CHECK(e->cls == color && strcmp(e->name->data, "RED") == 0 && e->value.tag == PTS_T_INT &&
                  e->value.u.i == 1);
        }
        CHECK(color->consts[0].type && color->consts[0].type->kind == PTS_TY_CLASS &&
              color->consts[0].type->cls == color);
        CHECK(color->source && strcmp(color->source, "class Color(Enum):\n  RED = 1\n  GREEN = 2\n") == 0);
    }
    pts_class *mode = pts_cu_find_class(cu, "__torch__.Mode");
    CHECK(mode && mode->nconsts == 1 && mode->consts[0].value.tag == PTS_T_ENUM &&
          ((pts_enum *)mode->consts[0].value.u.o)->value.tag == PTS_T_STR);
    pts_class *iface = pts_cu_find_class(cu, "__torch__.SubIface");
    CHECK(iface && iface->kind == PTS_CLS_MODULE_INTERFACE && iface->nmethods == 1);
    pts_class *point = pts_cu_find_class(cu, "__torch__.Point");
    CHECK(point && point->kind == PTS_CLS_NAMEDTUPLE && point->nattrs == 2);
    if (point && point->nattrs == 2) {
        CHECK(!point->attrs[0].has_default);
        CHECK(point->attrs[1].has_default && point->attrs[1].default_value.tag == PTS_T_FLOAT &&
              point->attrs[1].default_value.u.f == 2.0);
    }
    pts_class *acc = pts_cu_find_class(cu, "__torch__.Acc");
    CHECK(acc && acc->kind == PTS_CLS_CLASS && acc->nattrs == 2 && acc->nmethods == 1 &&
          pts_class_find_method(acc, "__init__"));
    pts_function *helper = pts_cu_find_function(cu, "__torch__.helper");
    CHECK(helper && strcmp(helper->m.name, "helper") == 0 && helper->m.line == 55 && helper->m.def &&
          strcmp(helper->file, "code/__torch__.py") == 0);

    /* operators, once each, first use first */
    op_list ops;
    memset(&ops, 0, sizeof ops);
    CHECK(pts_frontend_collect_calls(cu, collect_op, &ops) == PTS_OK);
    const char *want_ops[] = {"aten::add", "aten::mul", "aten::gt", "prim::RaiseException", "aten::neg", "aten::sum"};
    const int want_lines[] = {25, 27, 28, 29, 35, 43};
    CHECK(ops.n == 6);
    for (int i = 0; i < 6 && i < ops.n; i++) {
        CHECK(strcmp(ops.names[i], want_ops[i]) == 0);
        CHECK(ops.lines[i] == want_lines[i]);
    }
    int count = 0;
    CHECK(pts_frontend_collect_calls(cu, stop_at_second, &count) == PTS_ERR_UNSUPPORTED && count == 2);

    /* a second file with a qualifier prefix */
    const char *resnet =
        "class BasicBlock(Module):\n"
        "  __parameters__ = []\n"
        "  __buffers__ = []\n"
        "  training : bool\n"
        "  conv1 : __torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d\n"
        "  def forward(self: __torch__.torchvision.models.resnet.BasicBlock,\n"
        "    argument_1: Tensor) -> Tensor:\n"
        "    conv1 = self.conv1\n"
        "    return (conv1).forward1(argument_1, )\n";
    CHECK(import_source(cu, "code/__torch__/torchvision/models/resnet.py", resnet, NULL) == PTS_OK);
    pts_class *bb = pts_cu_find_class(cu, "__torch__.torchvision.models.resnet.BasicBlock");
    CHECK(bb && bb->nattrs == 2 && strcmp(bb->file, "code/__torch__/torchvision/models/resnet.py") == 0);
    CHECK(import_source(cu, "other.py", "class X:\n  pass\ndef g() -> int:\n  return 1\n", "__torch__.q") == PTS_OK);
    CHECK(pts_cu_find_class(cu, "__torch__.q.X") && pts_cu_find_function(cu, "__torch__.q.g"));
    /* TorchBind declarations are skipped */
    CHECK(import_source(cu, "code/__torch__/torch/classes/quantized.py",
                        "class LinearPackedParamsBase:\n  pass\n", NULL) == PTS_OK);
    CHECK(pts_cu_find_class(cu, "__torch__.torch.classes.quantized.LinearPackedParamsBase") == NULL);
    CHECK(pts_frontend_import_file(cu, "code/none.py", NULL) == PTS_ERR_LOAD &&
          strcmp(pts_err_message(), "code/none.py: no such code file in the archive") == 0);
    pts_cu_release(cu);

    char q[64];
    CHECK(pts_frontend_qualifier_of_path("code/__torch__/torchvision/models/resnet.py", q, sizeof q) &&
          strcmp(q, "__torch__.torchvision.models.resnet") == 0);
    CHECK(pts_frontend_qualifier_of_path("archive/code/__torch__.py", q, sizeof q) && strcmp(q, "__torch__") == 0);
    CHECK(pts_frontend_qualifier_of_path("code/__torch__/torch/nn/modules/conv/___torch_mangle_0.py", q, sizeof q) &&
          strcmp(q, "__torch__.torch.nn.modules.conv.___torch_mangle_0") == 0);
    CHECK(!pts_frontend_qualifier_of_path("code/__torch__/a_very_long_name_indeed_more_than_sixty_four_characters_in_all.py", q, sizeof q));

    /* op names */
    pts_arena *a = pts_arena_new();
    pts_ast_module *mod;
    const char *calls = "torch.add(x)\nops.quantized.conv2d(x)\ntorch.autograd.grad(x)\nint(x)\nprint(x)\n"
                        "(lin).forward(x)\n__torch__.helper(x)\nf(x)\ntorch.a.b(x)\n";
    CHECK(pts_frontend_parse(a, "c.py", calls, strlen(calls), &mod) == PTS_OK);
    const char *want_names[] = {"aten::add", "quantized::conv2d", "aten::grad", "aten::Int", "prim::Print", "", "", "",
                                ""};
    for (int i = 0; i < 9 && i < mod->body.n; i++) {
        char name[64] = "";
        pts_frontend_op_name(mod->body.stmts[i]->u.expr->u.call.func, name, sizeof name);
        CHECK(strcmp(name, want_names[i]) == 0);
    }
    memset(&ops, 0, sizeof ops);
    CHECK(pts_frontend_collect_calls_module(mod, collect_op, &ops) == PTS_OK && ops.n == 5);
    pts_arena_free(a);
}

#define IMPORT_ERR(src, want) check_import_error(src, want, __LINE__)

static void check_import_error(const char *src, const char *want, int line)
{
    pts_cu *cu = pts_cu_new();
    pts_status st = import_source(cu, "code/__torch__/x.py", src, NULL);
    check_str(src, st ? pts_err_message() : "(no error)", want, line);
    pts_cu_release(cu);
}

static void test_import_errors(void)
{
    IMPORT_ERR("class A(B):\n  pass\n", "code/__torch__/x.py:1: class A: class inheritance is not supported");
    IMPORT_ERR("class A(Module, Enum):\n  pass\n", "code/__torch__/x.py:1: class A: class inheritance is not supported");
    IMPORT_ERR("x = 1\n", "code/__torch__/x.py:1: only class and def statements are allowed at the top level of a file");
    IMPORT_ERR("class A(Module):\n  x : Foo\n",
               "code/__torch__/x.py:2: bad type string \"Foo\" at character 3: unknown type name");
    IMPORT_ERR("class A(Module):\n  x : int\n  x : float\n",
               "code/__torch__/x.py:3: class '__torch__.x.A': attribute 'x' declared twice");
    IMPORT_ERR("class A(Module):\n  k : Final[int]\n", "code/__torch__/x.py:2: constant 'k' has no value");
    IMPORT_ERR("class A(Module):\n  k : Final[int] = f(1)\n", "code/__torch__/x.py:2: not a constant: (call f 1)");
    IMPORT_ERR("class A(Module):\n  k : Final[int] = 1\n  k : Final[int] = 2\n",
               "code/__torch__/x.py:3: constant 'k' defined twice");
    IMPORT_ERR("class A(Module):\n  x : int = 3\n", "code/__torch__/x.py:2: attribute 'x' cannot have a value here");
    IMPORT_ERR("class A(Module):\n  __parameters__ = [1]\n", "code/__torch__/x.py:2: expected a list of names");
    IMPORT_ERR("class A(Module):\n  y = 1\n", "code/__torch__/x.py:2: unexpected assignment in class body");
    IMPORT_ERR("class A(Module):\n  if x:\n    pass\n", "code/__torch__/x.py:2: unexpected if statement in class body");
    IMPORT_ERR("class A(Module):\n  def f(self):\n    pass\n  def f(self):\n    pass\n",
               "code/__torch__/x.py:4: method 'f' defined twice");
    IMPORT_ERR("class A(Enum):\n  R = 1\n  R = 2\n", "code/__torch__/x.py:3: enum member 'R' defined twice");
    IMPORT_ERR("class A:\n  pass\nclass A:\n  pass\n",
               "code/__torch__/x.py:3: class '__torch__.x.A' is defined twice");
    IMPORT_ERR("def f():\n  pass\ndef f():\n  pass\n",
               "code/__torch__/x.py:3: function '__torch__.x.f' is defined twice");
    IMPORT_ERR("class A:\n  x : 1\n", "code/__torch__/x.py:2: not a type: 1");
    IMPORT_ERR("class A(Module):\n  \"doc\"\n  __parameters__ = [\"nope\", ]\n  x : int\n", "(no error)");
    IMPORT_ERR("class A(:\n", "code/__torch__/x.py:1:9: expected an expression, found ':'");
}

/* ---- robustness: prefixes, byte flips, allocation failures ---------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Parse and import text[0..n); any status is fine, crashes and leaks are not. */
static void robust_one(const char *text, size_t n)
{
    pts_arena *a = pts_arena_new();
    pts_ast_module *m;
    if (pts_frontend_parse(a, "code/__torch__/f.py", text, n, &m) == PTS_OK) {
        pts_sb sb;
        pts_sb_init(&sb);
        pts_ast_print_module(&sb, m);
        pts_sb_free(&sb);
        {
            /* the walk over a fuzzed file only has to end cleanly; its status is not the test */
            pts_status walk_st = pts_frontend_collect_calls_module(m, collect_op, &(op_list){0});
            (void)walk_st;
        }
    }
    pts_arena_free(a);
    pts_cu *cu = pts_cu_new();
    char *copy = pts_malloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = 0;
    if (pts_frontend_import_text(cu, "code/__torch__/f.py", copy, n, NULL) == PTS_OK) {
        /* the walk over a fuzzed file only has to end cleanly; its status is not the test */
        pts_status walk_st = pts_frontend_collect_calls(cu, collect_op, &(op_list){0});
        (void)walk_st;
    }
    pts_cu_release(cu);
}

static void fuzz_source(const char *src, size_t len, int flips)
{
    int64_t live = pts_alloc_live();
    for (size_t n = 0; n <= len; n++)
        robust_one(src, n);
    static const char interesting[] = "()[]{}:,.=\n \t\\\"'#-+*0123456789e.jxabNone";
    char *buf = pts_malloc(len + 1);
    for (int i = 0; i < flips && len > 0; i++) {
        memcpy(buf, src, len);
        int k = 1 + (int)(rng() % 4);
        for (int j = 0; j < k; j++) {
            size_t at = (size_t)(rng() % len);
            uint64_t r = rng();
            buf[at] = (r & 1) ? (char)(r >> 8) : interesting[(r >> 8) % (sizeof interesting - 1)];
        }
        size_t n = (rng() % 4 == 0) ? (size_t)(rng() % (len + 1)) : len;
        robust_one(buf, n);
    }
    pts_free(buf);
    CHECK(pts_alloc_live() == live);
}

/* Fail the 1st, 2nd, ... allocation of an import until it succeeds. */
static void alloc_failures(const char *src)
{
    int64_t live = pts_alloc_live();
    int ok = 0, failures = 0, bad_status = 0;
    for (int n = 1; n < 100000 && !ok; n++) {
        pts_cu *cu = pts_cu_new();
        if (!cu)
            break;
        size_t len = strlen(src);
        char *text = pts_malloc(len + 1);
        memcpy(text, src, len + 1);
        pts_alloc_fail_after(n);
        pts_status st = pts_frontend_import_text(cu, "code/__torch__.py", text, len, NULL);
        if (st == PTS_OK) {
            op_list ops = {0};
            st = pts_frontend_collect_calls(cu, collect_op, &ops);
        }
        pts_alloc_fail_after(0);
        if (st == PTS_OK)
            ok = 1;
        else if (st == PTS_ERR_NOMEM)
            failures++;
        else
            bad_status++;
        pts_cu_release(cu);
    }
    printf("  allocation failure injection: %d failing runs before success\n", failures);
    CHECK(ok);
    CHECK(failures > 20);
    CHECK(bad_status == 0);
    CHECK(pts_alloc_live() == live);
}

static char *read_sample(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    pts_sb sb;
    pts_sb_init(&sb);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        pts_sb_putn(&sb, chunk, got);
    fclose(f);
    *len = sb.len;
    return pts_sb_take(&sb);
}

static void test_samples(const char *dir)
{
    static const char *const samples[] = {
        "controlflow.py", "hooks.py", "resnet_traced.py", "functional_scripted.py", "batchnorm_scripted.py",
    };
    int found = 0;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t len;
        char *src = read_sample(dir, samples[i], &len);
        if (!src)
            continue;
        found++;
        pts_cu *cu = pts_cu_new();
        char path[256];
        snprintf(path, sizeof path, "code/%s", samples[i]);
        char *copy = pts_malloc(len + 1);
        memcpy(copy, src, len + 1);
        pts_status st = pts_frontend_import_text(cu, path, copy, len, "__torch__");
        if (st)
            printf("  %s: %s\n", samples[i], pts_err_message());
        CHECK(st == PTS_OK);
        op_list ops = {0};
        CHECK(pts_frontend_collect_calls(cu, collect_op, &ops) == PTS_OK && ops.n > 0);
        pts_cu_release(cu);
        fuzz_source(src, len, 300);
        pts_free(src);
    }
    if (!found)
        printf("note: no sample files in %s (pass the frontend_cases directory as argv[1])\n", dir);
}

static void test_robustness(void)
{
    fuzz_source(module_src, strlen(module_src), 3000);
    const char *odd = "if a:\n  x = (1,\n   2)\n  '''doc\nstring'''\nelse:\n\tpass\nx = -9223372036854775808\n"
                      "y = \"\\u00e9\\x41\\101\" 'a' \\\n  'b'\n";
    fuzz_source(odd, strlen(odd), 2000);
    alloc_failures(module_src);
}

int main(int argc, char **argv)
{
    int64_t live = pts_alloc_live();
    test_lexer();
    test_statements();
    test_expressions();
    test_precedence();
    test_parse_errors();
    test_depth();
    test_types();
    test_literals();
    test_import();
    test_import_errors();
    test_robustness();
    test_samples(argc > 1 ? argv[1] : "tests/c/frontend_cases");
    CHECK(pts_alloc_live() == live);
    return check_summary();
}
