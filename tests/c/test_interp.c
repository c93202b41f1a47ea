// Build and run (from the repository root), one line:
// gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc $(pkg-config --cflags openblas) $(find csrc -name '*.c' | grep -v 'csrc/python/\|csrc/tools/') tests/c/test_interp.c -lz -lm -lpthread $(pkg-config --libs openblas) -o /tmp/test_interp && /tmp/test_interp
/* test_interp.c - the interpreter on hand-written TorchScript snippets.
 *
 * Each case is a code/__torch__.py text defining `def f(...)`, imported
 * through the frontend into a fresh unit, compiled and run; the result is
 * printed the way TorchScript's str() prints it and compared with the
 * expected text (or the error message must contain the expected text).
 * Last line: "N passed, N failed"; exit status 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "frontend/import.h"
#include "interp/interp.h"
#include "interp/run.h"
#include "interp/run_api.h"
#include "ops/prim/prim.h"
#include "ops/registry.h"
#include "tensor/tensor.h"

#include "check.h"

typedef struct tcase {
    const char *name;
    const char *src;
    const char *expect; /* result as str(), or "!substring" of the error */
} tcase;

static pts_status run_src(const char *src, pts_value *out)
{
    pts_cu *cu = pts_cu_new();
    if (!cu)
        return PTS_ERR_NOMEM;
    size_t n = strlen(src);
    char *text = pts_malloc(n + 1);
    memcpy(text, src, n + 1);
    pts_status st = pts_frontend_import_text(cu, "code/__torch__.py", text, n, "__torch__");
    if (!st)
        st = pts_interp_call_function(cu, "__torch__.f", 0, NULL, out);
    pts_cu_release(cu);
    return st;
}

static void check_case(const tcase *t)
{
    pts_value r = pts_none();
    pts_status st = run_src(t->src, &r);
    pts_sb sb;
    pts_sb_init(&sb);
    bool ok;
    if (t->expect[0] == '!') {
        ok = st != PTS_OK && strstr(pts_err_message(), t->expect + 1) != NULL;
        pts_sb_puts(&sb, st ? pts_err_message() : "(no error)");
        if (!st)
            pts_prim_format_value(&sb, r);
    } else {
        if (st)
            pts_sb_printf(&sb, "error: %s", pts_err_message());
        else
            pts_prim_format_value(&sb, r);
        ok = !st && strcmp(pts_sb_str(&sb), t->expect) == 0;
    }
    if (ok) {
        check_npass++;
    } else {
        check_nfail++;
        printf("FAIL %s\n  expected: %s\n  got:      %s\n", t->name, t->expect, pts_sb_str(&sb));
    }
    pts_value_release(r);
    pts_sb_free(&sb);
    pts_err_clear();
}

static const tcase cases[] = {
    {"int arithmetic", "def f() -> List[int]:\n  return [torch.add(2, 3), torch.sub(2, 5), torch.mul(4, 5), torch.floordiv(-7, 2), torch.remainder(-7, 2), torch.floordiv(7, -2), torch.remainder(7, -2)]\n", "[5, -3, 20, -4, 1, -4, -1]"},
    {"float arithmetic", "def f() -> List[float]:\n  return [torch.div(7, 2), torch.floordiv(-7.5, 2.), torch.remainder(-7.5, 2.), torch.pow(2, -1), torch.add(1, 0.5), torch.neg(2.5)]\n", "[3.5, -4., 0.5, 0.5, 1.5, -2.5]"},
    {"float str", "def f() -> List[str]:\n  return [str(1.), str(0.10000000000000001), str(1.0000000000000001e-05), str(100000000000000000.), str(1e+20), str(-0.), str(inf), str(nan)]\n", "[1., 0.10000000000000001, 1.0000000000000001e-05, 100000000000000000., 1e+20, 0., inf, nan]"},
    {"bit ops", "def f() -> List[int]:\n  return [torch.__and__(5, 3), torch.__or__(5, 8), torch.__xor__(5, 5), torch.__lshift__(1, 4), torch.__rshift__(-16, 2)]\n", "[1, 13, 0, 16, -4]"},
    {"comparisons", "def f() -> List[bool]:\n  return [torch.lt(1, 2), torch.ge(1., 2), torch.eq(\"a\", \"a\"), torch.ne([1, 2], [1, 2]), torch.__not__(True), torch.__is__(None, None), torch.__isnot__(1, None)]\n", "[True, False, True, False, False, True, True]"},
    {"if/else", "def f() -> int:\n  x = 3\n  if torch.gt(x, 2):\n    y = 1\n  else:\n    y = 2\n  return y\n", "1"},
    {"for range", "def f() -> int:\n  acc = 0\n  for i in range(10):\n    acc = torch.add(acc, i)\n  return acc\n", "45"},
    {"while", "def f() -> int:\n  k = 0\n  _1 = True\n  while _1:\n    k = torch.add(k, 1)\n    _1 = torch.lt(k, 5)\n  return k\n", "5"},
    {"break continue", "def f() -> int:\n  acc = 0\n  for i in range(100):\n    if i == 3:\n      continue\n    if i > 6:\n      break\n    acc += i\n  return acc\n", "18"},
    {"list methods", "def f() -> List[int]:\n  l = annotate(List[int], [])\n  _0 = torch.append(l, 3)\n  _1 = torch.append(l, 1)\n  torch.insert(l, 0, 7)\n  torch.sort(l)\n  x = torch.pop(l)\n  torch.append(l, x)\n  torch.reverse(l)\n  return l\n", "[7, 3, 1]"},
    {"list slicing", "def f() -> List[List[int]]:\n  l = [0, 1, 2, 3, 4, 5]\n  return [l[1:3], l[::-1], l[::2], l[-2:], torch.slice(l, 1, -1, 2), l[10:]]\n", "[[1, 2], [5, 4, 3, 2, 1, 0], [0, 2, 4], [4, 5], [1, 3], []]"},
    {"negative index", "def f() -> int:\n  l = [1, 2, 3]\n  return l[-1]\n", "3"},
    {"index error", "def f() -> int:\n  l = [1, 2, 3]\n  return l[3]\n", "!list index out of range"},
    {"dict ops", "def f() -> Dict[str, int]:\n  d = {\"a\": 1}\n  torch._set_item(d, \"b\", 2)\n  torch._set_item(d, \"a\", 3)\n  _0 = torch.pop(d, \"b\")\n  torch._set_item(d, \"c\", _0)\n  return d\n", "{a: 3, c: 2}"},
    {"dict keys/items", "def f() -> List[str]:\n  d = {\"x\": 1, \"y\": 2}\n  r = annotate(List[str], [])\n  _0 = torch.items(d)\n  for _1 in range(torch.len(_0)):\n    k, v, = _0[_1]\n    _2 = torch.append(r, torch.add(k, str(v)))\n  return r\n", "[x1, y2]"},
    {"key error", "def f() -> int:\n  d = {\"x\": 1}\n  return d[\"z\"]\n", "!KeyError: z"},
    {"str methods", "def f() -> List[str]:\n  s = \" Hello World \"\n  return [torch.strip(s), torch.upper(s), torch.lower(s), torch.replace(s, \"o\", \"0\"), torch.join(\"-\", torch.split(torch.strip(s)))]\n", "[Hello World,  HELLO WORLD ,  hello world ,  Hell0 W0rld , Hello-World]"},
    {"format", "def f() -> str:\n  return torch.format(\"{} and {}!\", 1, [1.5, 2.])\n", "1 and [1.5, 2.]!"},
    {"tuple unpack", "def f() -> Tuple[int, int]:\n  a, b = 1, 2\n  a, b = b, a\n  return (a, b)\n", "(2, 1)"},
    {"tuple index", "def f() -> str:\n  t = (1, \"x\")\n  return (t)[1]\n", "x"},
    {"raise", "def f() -> int:\n  ops.prim.RaiseException(\"bad n\", \"builtins.ValueError\")\n  return 1\n", "!builtins.ValueError: bad n"},
    {"raise traceback", "def f() -> int:\n  ops.prim.RaiseException(\"bad n\", \"builtins.ValueError\")\n  return 1\n", "!File \"code/__torch__.py\", line 2, in f"},
    {"assert", "def f() -> int:\n  assert torch.eq(1, 2), \"one is not two\"\n  return 1\n", "!AssertionError: one is not two"},
    {"helper call", "def g(a: int, b: int=10) -> int:\n  return torch.mul(a, b)\ndef f() -> int:\n  return __torch__.g(3, )\n", "30"},
    {"recursion", "def fib(n: int) -> int:\n  if torch.lt(n, 2):\n    return n\n  return torch.add(__torch__.fib(torch.sub(n, 1), ), __torch__.fib(torch.sub(n, 2), ))\ndef f() -> int:\n  return __torch__.fib(15, )\n", "610"},
    {"deep recursion", "def g(n: int) -> int:\n  return torch.add(__torch__.g(torch.add(n, 1), ), 1)\ndef f() -> int:\n  return __torch__.g(0, )\n", "!maximum recursion depth"},
    {"class", "class Acc:\n  total : int\n  def __init__(self: __torch__.Acc, start: int) -> NoneType:\n    self.total = start\n  def add(self: __torch__.Acc, x: int) -> int:\n    self.total = torch.add(self.total, x)\n    return self.total\ndef f() -> int:\n  o = __torch__.Acc.__new__(__torch__.Acc)\n  _0 = (o).__init__(5, )\n  _1 = (o).add(2, )\n  return (o).add(3, )\n", "10"},
    {"namedtuple", "class P(NamedTuple):\n  x : int\n  y : int = 7\ndef f() -> int:\n  p = __torch__.P(1)\n  return torch.add(p.x, p.y)\n", "8"},
    {"enum", "class Color(Enum):\n  RED = 1\n  GREEN = 2\ndef f() -> List[int]:\n  c = __torch__.Color.GREEN\n  return [(c).value, int(torch.eq(c, __torch__.Color.RED))]\n", "[2, 0]"},
    {"enum name", "class Color(Enum):\n  RED = 1\ndef f() -> str:\n  return (__torch__.Color.RED).name\n", "RED"},
    {"isinstance", "def f() -> List[bool]:\n  x = [1, 2]\n  return [isinstance(x, List[int]), isinstance(x, List[str]), isinstance(1, (str, int)), isinstance(None, Optional[int])]\n", "[True, False, True, True]"},
    {"comprehension", "def f() -> List[int]:\n  return [x * x for x in range(6) if x % 2 == 0]\n", "[0, 4, 16]"},
    {"dict comprehension", "def f() -> Dict[str, int]:\n  return {str(i): i for i in range(3)}\n", "{0: 0, 1: 1, 2: 2}"},
    {"and/or", "def f() -> List[bool]:\n  a = True\n  b = False\n  return [a and b, a or b, not a, 1 < 2 < 3, 1 < 3 < 2]\n", "[False, True, False, True, False]"},
    {"ternary", "def f() -> str:\n  x = 5\n  return \"big\" if x > 3 else \"small\"\n", "big"},
    {"augassign", "def f() -> int:\n  x = 1\n  x += 5\n  x *= 3\n  x -= 1\n  return x\n", "17"},
    {"for list", "def f() -> int:\n  s = 0\n  for v in [3, 4, 5]:\n    s += v\n  return s\n", "12"},
    {"for str enumerate", "def f() -> List[str]:\n  r = annotate(List[str], [])\n  for i, c in enumerate(\"ab\"):\n    r.append(str(i) + c)\n  return r\n", "[0a, 1b]"},
    {"fork", "def f() -> int:\n  x = 4\n  def __forked_function() -> int:\n    return torch.mul(x, 3)\n  fut = fork(__forked_function)\n  return torch.wait(fut)\n", "12"},
    {"range helpers", "def f() -> List[int]:\n  r = annotate(List[int], [])\n  n = torch.__range_length(2, 11, 3)\n  for i in range(n):\n    _0 = torch.append(r, torch.__derive_index(i, 2, 3))\n  return r\n", "[2, 5, 8]"},
    {"min max", "def f() -> List[int]:\n  return [ops.prim.min([4, 2, 9]), ops.prim.max(3, 8), min(1, 2)]\n", "[2, 8, 1]"},
    {"math", "def f() -> List[float]:\n  return [torch.sqrt(16), torch.floor(2.5), torch.ceil(2.1), torch.round(2.5), torch.log(torch.exp(1.))]\n", "[4., 2, 3, 2., 1.]"},
    {"conversions", "def f() -> List[str]:\n  return [str(int(\"42\")), str(float(\"2.5\")), str(int(3.9)), str(bool(0)), str(float(2))]\n", "[42, 2.5, 3, False, 2.]"},
    {"del", "def f() -> List[int]:\n  l = [1, 2, 3]\n  del l[0]\n  torch.Delete(l, -1)\n  return l\n", "[2]"},
    {"str in", "def f() -> List[bool]:\n  return [\"ell\" in \"hello\", \"z\" in \"hello\", 2 in [1, 2], \"k\" not in {\"k\": 1}]\n", "[True, False, True, False]"},
    {"uninitialized", "def f() -> int:\n  x = uninitialized(int)\n  if True:\n    x = 3\n  else:\n    pass\n  return x\n", "3"},
    {"getattr", "class M:\n  a : int\n  def __init__(self: __torch__.M) -> NoneType:\n    self.a = 5\ndef f() -> int:\n  m = __torch__.M()\n  return getattr(m, \"a\")\n", "5"},
    {"with", "class Ctx:\n  n : int\n  def __init__(self: __torch__.Ctx) -> NoneType:\n    self.n = 0\n  def __enter__(self: __torch__.Ctx) -> int:\n    self.n = torch.add(self.n, 1)\n    return 10\n  def __exit__(self: __torch__.Ctx, a: Any, b: Any, c: Any) -> NoneType:\n    self.n = torch.add(self.n, 100)\ndef f() -> int:\n  c = __torch__.Ctx()\n  with c as v:\n    w = torch.add(v, 1)\n  return torch.add(w, c.n)\n", "112"},
    {"function alias", "def g(a: int) -> int:\n  return torch.mul(a, 7)\ndef f() -> int:\n  _0 = __torch__.g\n  return _0(6, )\n", "42"},
    {"with exit on error", "class Ctx:\n  n : int\n  def __init__(self: __torch__.Ctx) -> NoneType:\n    self.n = 0\n  def __enter__(self: __torch__.Ctx) -> int:\n    return 1\n  def __exit__(self: __torch__.Ctx, a: Any, b: Any, c: Any) -> NoneType:\n    print(\"exit ran\")\ndef f() -> int:\n  c = __torch__.Ctx()\n  with c:\n    ops.prim.RaiseException(\"inside\", \"builtins.RuntimeError\")\n  return 1\n", "!builtins.RuntimeError: inside"},
    {"uninitialized attribute", "class C:\n  a : int\n  def __init__(self: __torch__.C) -> NoneType:\n    pass\ndef f() -> int:\n  c = __torch__.C()\n  return c.a\n", "!attribute 'a' of __torch__.C is not initialized"},
    {"op error context", "def f() -> int:\n  return torch.floordiv(1, 0)\n", "!in aten::floordiv.int at code/__torch__.py:2: ZeroDivisionError"},
    {"missing op", "def f() -> int:\n  return torch.no_such_op(1)\n", "!pyts does not implement aten::no_such_op (called at code/__torch__.py:2 with int 1)"},
    {"string compare chain", "def f() -> bool:\n  return torch.lt(\"abc\", \"abd\")\n", "True"},
    {"sorted", "def f() -> List[str]:\n  return sorted([\"b\", \"c\", \"a\"])\n", "[a, b, c]"},
    {"list ops", "def f() -> List[int]:\n  a = [1, 2]\n  b = torch.add(a, [3])\n  c = torch.mul(b, 2)\n  return [torch.len(c), torch.index(c, 3), torch.count(c, 1), torch.__contains__(c, 2)]\n", "[6, 2, 2, True]"},
};

/* ---- API-level checks ------------------------------------------------------------------ */

static void check_module_call(void)
{
    /* a module with a hook, run through pts_run_method */
    const char *src =
        "class M(Module):\n"
        "  __parameters__ = []\n"
        "  __buffers__ = []\n"
        "  __forward_pre_hooks__ = [\"pre\", ]\n"
        "  __forward_hooks__ = [\"post\", ]\n"
        "  count : int\n"
        "  def forward(self: __torch__.M, x: int, y: int=2) -> int:\n"
        "    self.count = torch.add(self.count, 1)\n"
        "    return torch.mul(x, y)\n"
        "  def pre(self: __torch__.M, input: Tuple[int]) -> Tuple[int]:\n"
        "    x, = input\n"
        "    return (torch.add(x, 1),)\n"
        "  def post(self: __torch__.M, input: Tuple[int], output: int) -> int:\n"
        "    return torch.add(output, 1000)\n";
    pts_cu *cu = pts_cu_new();
    size_t n = strlen(src);
    char *text = pts_malloc(n + 1);
    memcpy(text, src, n + 1);
    pts_status st = pts_frontend_import_text(cu, "code/__torch__.py", text, n, "__torch__");
    pts_class *cls = pts_cu_find_class(cu, "__torch__.M");
    if (st || !cls) {
        check_nfail++;
        printf("FAIL module import: %s\n", pts_err_message());
        pts_cu_release(cu);
        return;
    }
    pts_object *o = pts_object_new(cls);
    o->slots[0] = pts_int(0);
    pts_value self = pts_obj_value(&o->hdr), r, a = pts_int(5);
    st = pts_run_method(self, "forward", 1, &a, 0, NULL, NULL, &r);
    CHECK(!st && r.tag == PTS_T_INT && r.u.i == 10, "forward: %s", st ? pts_err_message() : "wrong value");
    st = pts_run_method(self, "__call__", 1, &a, 0, NULL, NULL, &r);
    CHECK(!st && r.tag == PTS_T_INT && r.u.i == 1012,
          "__call__ with hooks: %s %lld", st ? pts_err_message() : "wrong value", (long long)r.u.i);
    const char *kw[] = {"y"};
    pts_value kv = pts_int(3);
    st = pts_run_method(self, "forward", 1, &a, 1, kw, &kv, &r);
    CHECK(!st && r.u.i == 15, "forward kw: %s", pts_err_message());
    pts_value bad;
    SETUP(pts_value_str("x", 1, &bad));
    st = pts_run_method(self, "forward", 1, &bad, 0, NULL, NULL, &r);
    CHECK(st == PTS_ERR_TYPE && strstr(pts_err_message(), "argument 'x' must be int, not str"),
          "type error message: %s", pts_err_message());
    pts_value_release(bad);
    CHECK(o->slots[0].u.i == 3, "state persisted: count=%lld", (long long)o->slots[0].u.i);
    pts_missing_op *missing;
    int nm;
    st = pts_interp_check_ops(cu, &missing, &nm);
    CHECK(!st && nm == 0, "check_ops clean unit");
    pts_interp_free_missing(missing, nm);
    pts_value_release(self);
    pts_cu_release(cu);
}

static void check_missing_ops(void)
{
    const char *src = "def f(x: Tensor) -> Tensor:\n  y = torch.frobnicate(x)\n  return torch.zorch(y, 1)\n";
    pts_cu *cu = pts_cu_new();
    size_t n = strlen(src);
    char *text = pts_malloc(n + 1);
    memcpy(text, src, n + 1);
    pts_missing_op *missing = NULL;
    int nm = 0;
    pts_status st = pts_frontend_import_text(cu, "code/__torch__.py", text, n, "__torch__");
    if (!st)
        st = pts_interp_check_ops(cu, &missing, &nm);
    CHECK(!st && nm == 2 && !strcmp(missing[0].op, "aten::frobnicate") && !strcmp(missing[0].file, "code/__torch__.py") &&
              missing[0].line == 2 && missing[0].nargs == 1 && !missing[0].torch_knows &&
              !strcmp(missing[1].op, "aten::zorch") && missing[1].line == 3 && missing[1].nargs == 2,
          "check_ops: st=%d n=%d %s", st, nm, nm ? missing[0].op : pts_err_message());
    pts_interp_free_missing(missing, nm);
    /* an op torch registers and pyts lacks is marked torch_knows (the load keeps it, the call fails) */
    const char *src2 = "def g(x: Tensor) -> Tensor:\n  return torch.to_dense(x)\n";
    pts_cu *cu2 = pts_cu_new();
    n = strlen(src2);
    char *text2 = pts_malloc(n + 1);
    memcpy(text2, src2, n + 1);
    missing = NULL;
    nm = 0;
    st = pts_frontend_import_text(cu2, "code/__torch__.py", text2, n, "__torch__");
    if (!st)
        st = pts_interp_check_ops(cu2, &missing, &nm);
    CHECK(!st && nm == 1 && !strcmp(missing[0].op, "aten::to_dense") && missing[0].torch_knows &&
              missing[0].line == 2,
          "check_ops torch_knows: st=%d n=%d %s", st, nm, nm ? missing[0].op : pts_err_message());
    pts_interp_free_missing(missing, nm);
    pts_cu_release(cu2);
    CHECK(pts_ops_torch_knows("aten::add") && pts_ops_torch_knows("aten::to_dense") &&
              !pts_ops_torch_knows("aten::ad") && !pts_ops_torch_knows("aten::frobnicate") &&
              pts_ops_torch_refuses("aten::frobnicate") && pts_ops_torch_refuses("prim::frobnicate") &&
              !pts_ops_torch_refuses("aten::add") && !pts_ops_torch_refuses("torchvision::nms") &&
              !pts_ops_torch_refuses("my_ext::op") && !pts_ops_torch_refuses("noscope"),
          "pts_ops_torch_knows / pts_ops_torch_refuses");
    pts_cu_release(cu);
}

int main(void)
{
    if (pts_ops_init()) {
        printf("registry: %s\n0 passed, 1 failed\n", pts_err_message());
        return 1;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
    check_module_call();
    check_missing_ops();
    return check_summary();
}
