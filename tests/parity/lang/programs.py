"""Language-level parity programs: small scripted functions and modules.

Each program is registered with the inputs to call it with; test_lang.py
scripts it, saves it with torch.jit.save, runs the saved file in torch.jit
and in pyts and compares the results exactly (or checks that both raise and
that pyts's message carries the model's text).

    @case((3, 4), (0, -1))           # called as f(3, 4) and f(0, -1)
    def f(a: int, b: int) -> int: ...

    @case((5,), raises="bad n")      # must raise, message containing "bad n"
"""
import cmath
import math
from collections import OrderedDict
from enum import Enum
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

import torch

CASES = []      # (name, fn, [args...], raises)
MODULES = []    # (name, module factory, method, [args...], raises)


def case(*arg_tuples, raises=None):
    def deco(fn):
        CASES.append((fn.__name__, fn, list(arg_tuples) or [()], raises))
        return fn
    return deco


def module_case(*arg_tuples, method="forward", raises=None, name=None):
    def deco(factory):
        MODULES.append((name or factory.__name__, factory, method, list(arg_tuples) or [()], raises))
        return factory
    return deco


# ---- integers ---------------------------------------------------------------------------

@case((7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5))
def int_floordiv_mod(a: int, b: int) -> Tuple[int, int]:
    return a // b, a % b


@case((3, 4), (-3, 4), (2**62, 3))
def int_add_sub_mul(a: int, b: int) -> Tuple[int, int, int]:
    return a + b, a - b, a * b


@case((7, 2), (-7, 2), (1, 3))
def int_true_div(a: int, b: int) -> float:
    return a / b


@case((2, 10), (3, 0), (-2, 3), (2, -2))
def int_pow(a: int, b: int) -> float:
    return a ** b


@case((5, 3), (-5, 3), (12, 10))
def int_bitops(a: int, b: int) -> Tuple[int, int, int, int, int]:
    return a & b, a | b, a ^ b, a << 2, a >> 1


@case((5,), (-5,), (0,))
def int_neg_abs(a: int) -> Tuple[int, int]:
    return -a, abs(a)


@case((3, 4), (4, 3), (4, 4))
def int_compare(a: int, b: int) -> Tuple[bool, bool, bool, bool, bool, bool]:
    return a < b, a <= b, a > b, a >= b, a == b, a != b


@case((1, 2, 3), (3, 2, 1), (1, 3, 2))
def chained_compare(a: int, b: int, c: int) -> bool:
    return a < b < c


@case((1, 0),)
def int_div_zero(a: int, b: int) -> int:
    return a // b


@case((12, 18), (7, 5))
def int_gcd_loop(a: int, b: int) -> int:
    while b != 0:
        a, b = b, a % b
    return a


@case((10,), (0,), (1,))
def factorial_loop(n: int) -> int:
    r = 1
    for i in range(1, n + 1):
        r *= i
    return r


@case((20,), (1,))
def fib_recursive(n: int) -> int:
    a = 0
    b = 1
    for _ in range(n):
        a, b = b, a + b
    return a


@case((255,), (-1,), (0,))
def int_to_strs(a: int) -> List[str]:
    return [str(a), hex(a), bin(a), oct(a)]


@case((65,), (97,))
def chr_ord(a: int) -> Tuple[str, int]:
    c = chr(a)
    return c, ord(c)


@case((3, 7),)
def divmod_int(a: int, b: int) -> Tuple[int, int]:
    return divmod(a, b)


# ---- floats -------------------------------------------------------------------------------

@case((7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (0.1, 0.03))
def float_floordiv_mod(a: float, b: float) -> Tuple[float, float]:
    return a // b, a % b


@case((1.5, 2), (-0.5, 3))
def float_int_mix(a: float, b: int) -> Tuple[float, float, float, float, bool]:
    return a + b, b - a, a * b, a / b, a < b


@case((2.0, 0.5), (9.0, 2.0))
def float_pow(a: float, b: float) -> float:
    return a ** b


@case((1.0,), (0.1,), (-0.0,), (1e20,), (1e-5,), (123456789.0,), (1e16,), (1.0 / 3.0,))
def float_str(a: float) -> str:
    return str(a)


@case((2.5,), (3.5,), (-2.5,), (0.49999999999999994,))
def float_round(a: float) -> float:
    return round(a)


@case((2.7,), (-2.7,))
def float_floor_ceil(a: float) -> Tuple[int, int, int]:
    return math.floor(a), math.ceil(a), int(a)


@case((4.0,), (2.0,), (0.5,))
def math_funcs(a: float) -> List[float]:
    return [math.sqrt(a), math.exp(a), math.log(a), math.log10(a), math.sin(a), math.cos(a), math.tan(a),
            math.atan(a), math.tanh(a), math.log1p(a), math.expm1(a), math.fabs(-a), math.log(a, 2.0)]


@case((0.5,),)
def math_funcs2(a: float) -> List[float]:
    return [math.asin(a), math.acos(a), math.sinh(a), math.cosh(a), math.asinh(a), math.atanh(a),
            math.erf(a), math.erfc(a), math.gamma(a + 1.0), math.lgamma(a + 1.0), math.degrees(a), math.radians(a)]


@case((1.0, 2.0), (-1.0, 0.5))
def math_binary(a: float, b: float) -> List[float]:
    return [math.atan2(a, b), math.copysign(a, b), math.fmod(a, b), math.pow(a, 2.0), math.hypot(a, b) if False else 0.0]


@case((float("inf"),), (float("nan"),), (1.0,))
def float_special(a: float) -> Tuple[bool, bool, bool]:
    return math.isnan(a), math.isinf(a), math.isfinite(a)


@case((3.7,), (-3.7,))
def float_to_int(a: float) -> int:
    return int(a)


@case((2,), (0,))
def int_to_float(a: int) -> float:
    return float(a)


@case((1.5, 2.5),)
def min_max_float(a: float, b: float) -> Tuple[float, float]:
    return min(a, b), max(a, b)


@case((1, 2),)
def min_max_int(a: int, b: int) -> Tuple[int, int]:
    return min(a, b), max(a, b)


@case(("42",), ("-7",))
def str_to_int(s: str) -> int:
    return int(s)


@case(("2.5",), ("-1e3",))
def str_to_float(s: str) -> float:
    return float(s)


@case(("abc",), raises="invalid literal")
def str_to_int_bad(s: str) -> int:
    return int(s)


@case((0,), (3,), (0.0,), (2.5,))
def to_bool(a: float) -> bool:
    return bool(a)


@case((True, False), (True, True))
def bool_ops(a: bool, b: bool) -> Tuple[bool, bool, bool, bool]:
    return a and b, a or b, not a, a != b


@case((10,),)
def pi_e(n: int) -> float:
    return math.pi * n + math.e


# ---- strings ---------------------------------------------------------------------------------

@case(("hello", "world"),)
def str_concat(a: str, b: str) -> str:
    return a + " " + b


@case(("Hello World",),)
def str_case(s: str) -> List[str]:
    return [s.upper(), s.lower(), s.swapcase(), s.title(), s.capitalize()]


@case(("  padded  ",), ("x",))
def str_strip(s: str) -> List[str]:
    return [s.strip(), s.lstrip(), s.rstrip(), s.strip(" xp")]


@case(("a,b,,c",), ("",), ("a b  c",))
def str_split(s: str) -> List[List[str]]:
    return [s.split(","), s.split(), s.split(",", 1), s.rsplit(",", 1)]


@case(("a-b-c",),)
def str_join(s: str) -> str:
    return "+".join(s.split("-"))


@case(("hello world",),)
def str_find(s: str) -> List[int]:
    return [s.find("o"), s.rfind("o"), s.find("z"), s.count("o"), s.count("l"), s.index("w")]


@case(("hello",),)
def str_index_missing(s: str) -> int:
    return s.index("z")


@case(("hello",),)
def str_predicates(s: str) -> List[bool]:
    return [s.startswith("he"), s.endswith("lo"), s.isalpha(), s.isdigit(), s.islower(), s.isupper(),
            "123".isdigit(), "a1".isalnum(), "  ".isspace(), "Ab Cd".istitle(), "x_1".isidentifier()]


@case(("hello",),)
def str_replace(s: str) -> List[str]:
    return [s.replace("l", "L"), s.replace("l", "", 1), s.replace("xyz", "q")]


@case(("abcdef",),)
def str_slice(s: str) -> List[str]:
    return [s[1:3], s[::-1], s[::2], s[-2:], s[:-2], s[10:], s[1:-1:2]]


@case(("abc",),)
def str_index(s: str) -> List[str]:
    return [s[0], s[-1], s[1]]


@case(("abc",),)
def str_index_oob(s: str) -> str:
    return s[5]


@case(("ab",),)
def str_len_in(s: str) -> Tuple[int, bool, bool]:
    return len(s), "a" in s, "z" in s


@case(("x",),)
def str_pad(s: str) -> List[str]:
    return [s.center(5, "*"), s.ljust(4, "-"), s.rjust(4), "42".zfill(5), "-42".zfill(5)]


# (the constant "-42".zfill(5) above is folded by torch at script time; these run in the engine:
# TorchScript pads in front of a sign, "00-4", where Python gives "-004")
@case(("-4",), ("+12",), ("ab",), ("",), ("-12345",))
def str_zfill_argument(s: str) -> List[str]:
    return [s.zfill(4), s.zfill(0), s.zfill(len(s) + 1)]


@case(("a,b",),)
def str_partition(s: str) -> Tuple[str, str, str]:
    return s.partition(",")


@case(("line1\nline2\r\nline3",),)
def str_splitlines(s: str) -> List[str]:
    return s.splitlines()


@case(("b", "a"), ("a", "ab"))
def str_compare(a: str, b: str) -> Tuple[bool, bool, bool, bool]:
    return a < b, a > b, a == b, a <= b


@case((3, 2.5, "x"),)
def str_format(a: int, b: float, c: str) -> str:
    return "{} and {} or {}".format(a, b, c)


@case((3, 2.5),)
def f_string(a: int, b: float) -> str:
    return f"a={a} b={b}"


@case(([1, 2], {"k": 1.5}, (1, "x")),)
def str_of_containers(l: List[int], d: Dict[str, float], t: Tuple[int, str]) -> List[str]:
    return [str(l), str(d), str(t), str([True, False]), str([[1], [2, 3]]), str(None)]


@case(("héllo wörld",),)
def str_non_ascii(s: str) -> str:
    return s + "→ünïcode"


@case(("abc",),)
def str_iterate(s: str) -> List[str]:
    out: List[str] = []
    for c in s:
        out.append(c + c)
    return out


@case(("a\tb",),)
def str_expandtabs(s: str) -> str:
    return s.expandtabs()


# ---- lists ---------------------------------------------------------------------------------------

@case(([3, 1, 2],),)
def list_methods(l: List[int]) -> List[int]:
    l.append(5)
    l.insert(0, 9)
    l.sort()
    x = l.pop()
    l.append(x * 2)
    l.reverse()
    l.remove(3)
    return l


@case(([3, 1, 2],),)
def list_pop_index(l: List[int]) -> Tuple[int, int, List[int]]:
    a = l.pop(0)
    b = l.pop(-1)
    return a, b, l


@case(([],),)
def list_pop_empty(l: List[int]) -> int:
    return l.pop()


@case(([0, 1, 2, 3, 4, 5],),)
def list_slicing(l: List[int]) -> List[List[int]]:
    return [l[1:3], l[::-1], l[::2], l[-2:], l[:-2], l[10:], l[1:-1:2], l[5:1:-2]]


@case(([1, 2, 3],),)
def list_negative_index(l: List[int]) -> Tuple[int, int]:
    return l[-1], l[-3]


@case(([1, 2, 3],),)
def list_index_oob(l: List[int]) -> int:
    return l[3]


@case(([1, 2], [3]),)
def list_add_mul(a: List[int], b: List[int]) -> Tuple[List[int], List[int], List[int]]:
    return a + b, a * 2, 3 * b


@case(([1, 2, 3, 2],),)
def list_index_count(l: List[int]) -> Tuple[int, int, bool, bool]:
    return l.index(2), l.count(2), 2 in l, 7 in l


@case(([1, 2],),)
def list_extend_clear(l: List[int]) -> Tuple[List[int], int]:
    l.extend([5, 6])
    n = len(l)
    m = l.copy()
    l.clear()
    return m, n + len(l)


@case(([1, 2, 3],),)
def list_setitem(l: List[int]) -> List[int]:
    l[0] = 10
    l[-1] = 30
    return l


@case(([1, 2, 3],),)
def list_del(l: List[int]) -> List[int]:
    del l[1]
    return l


@case(([5, 2, 8],),)
def list_min_max_sum(l: List[int]) -> Tuple[int, int, int]:
    return min(l), max(l), sum(l)


@case(([2.5, 1.5],),)
def list_float_sum(l: List[float]) -> float:
    return sum(l)


@case((["b", "c", "a"],),)
def list_sorted_str(l: List[str]) -> List[str]:
    return sorted(l)


@case(([3.5, -1.0, 2.0],),)
def list_sort_reverse(l: List[float]) -> List[float]:
    l.sort(reverse=True)
    return l


@case(([1, 2], [1, 2]), ([1], [2]))
def list_eq(a: List[int], b: List[int]) -> Tuple[bool, bool]:
    return a == b, a != b


@case((4,),)
def list_comprehension(n: int) -> List[int]:
    return [i * i for i in range(n)]


@case(([1, 2, 3, 4, 5, 6],),)
def list_comprehension_over_list(l: List[int]) -> List[int]:
    return [x * 2 for x in l]


@case(([[1, 2], [3]],),)
def nested_lists(l: List[List[int]]) -> List[int]:
    out: List[int] = []
    for row in l:
        for v in row:
            out.append(v)
    return out


@case(([1, 2, 3],),)
def list_enumerate(l: List[int]) -> List[int]:
    out: List[int] = []
    for i, v in enumerate(l):
        out.append(i * v)
    return out


@case(([1, 2, 3], [4, 5, 6]),)
def list_zip(a: List[int], b: List[int]) -> List[int]:
    out: List[int] = []
    for x, y in zip(a, b):
        out.append(x + y)
    return out


@case(([1, 2, 3],),)
def list_len_empty(l: List[int]) -> Tuple[int, bool]:
    e: List[int] = []
    return len(l), len(e) == 0


@case(([True, False],),)
def list_any_all(l: List[bool]) -> Tuple[bool, bool]:
    return any(l), all(l)


@case(([1, 2],),)
def list_optional_elements(l: List[int]) -> List[Optional[int]]:
    out: List[Optional[int]] = []
    for v in l:
        out.append(v)
        out.append(None)
    return out


@case(((1, 2, 3),),)
def tuple_index_slice(t: Tuple[int, int, int]) -> Tuple[int, Tuple[int, int]]:
    return t[0], t[1:]


@case(((1, "a"),),)
def tuple_unpack(t: Tuple[int, str]) -> Tuple[str, int]:
    a, b = t
    return b, a


@case((1, 2),)
def swap(a: int, b: int) -> Tuple[int, int]:
    a, b = b, a
    return a, b


@case(([1, 2], ),)
def list_of_tuples(l: List[int]) -> List[Tuple[int, str]]:
    return [(v, str(v)) for v in l]


@case((3,),)
def list_mul_strings(n: int) -> List[str]:
    return ["ab"] * n


# ---- dicts ------------------------------------------------------------------------------------------

@case(({"a": 1, "b": 2},),)
def dict_methods(d: Dict[str, int]) -> Tuple[List[str], List[int], int, Optional[int], int]:
    d["c"] = 3
    x = d.pop("a")
    return list(d.keys()), list(d.values()), x, d.get("z"), d.get("z", 7)


@case(({"a": 1},),)
def dict_items(d: Dict[str, int]) -> List[str]:
    d["b"] = 5
    out: List[str] = []
    for k, v in d.items():
        out.append(k + str(v))
    return out


@case((torch.tensor([1.0, -2.0, 3.5]),),)
def empty_ordered_dict_of_tensors(x: torch.Tensor) -> Dict[str, torch.Tensor]:
    # prints as torch.dict(): aten::dict() -> Dict(str, Tensor) (torchvision's IntermediateLayerGetter)
    out = OrderedDict()
    out["a"] = x + 1.0
    out["b"] = x * 2.0
    out["a"] = out["a"] - out["b"]
    return out


@case(({"x": 1.5},),)
def dict_key_error(d: Dict[str, float]) -> float:
    return d["y"]


@case(({1: "a", 2: "b"},),)
def dict_int_keys(d: Dict[int, str]) -> Tuple[str, bool, bool, int]:
    return d[2], 1 in d, 5 in d, len(d)


@case(({"a": 1},),)
def dict_setdefault_update(d: Dict[str, int]) -> Dict[str, int]:
    d.setdefault("b", 2)
    d.setdefault("a", 100)
    d.update({"c": 3, "a": 10})
    return d


@case(({"a": 1, "b": 2},),)
def dict_del_clear(d: Dict[str, int]) -> Tuple[Dict[str, int], int]:
    del d["a"]
    e = d.copy()
    d.clear()
    return e, len(d)


@case(({"a": 1, "b": 2},),)
def dict_iterate_keys(d: Dict[str, int]) -> int:
    s = 0
    for k in d:
        s += d[k]
    return s


@case((3,),)
def dict_comprehension(n: int) -> Dict[int, int]:
    return {i: i * i for i in range(n)}


@case(({"z": 1, "a": 2, "m": 3},),)
def dict_insertion_order(d: Dict[str, int]) -> List[str]:
    d["b"] = 4
    del d["z"]
    d["z"] = 5
    return list(d.keys())


@case(({"a": [1, 2]},),)
def dict_of_lists(d: Dict[str, List[int]]) -> Dict[str, List[int]]:
    d["a"].append(3)
    d["b"] = [0]
    return d


@case(({"a": 1, "b": 2},),)
def dict_popitem(d: Dict[str, int]) -> Tuple[Tuple[str, int], int]:
    return d.popitem(), len(d)


@case(({"a": 1},),)
def dict_pop_default(d: Dict[str, int]) -> Tuple[int, int]:
    return d.pop("q", 9), d.pop("a", 9)


@case(({"a": 1},),)
def dict_len_after_set(d: Dict[str, int]) -> int:
    d["b"] = 2
    d["a"] = 3
    return len(d)


# ---- control flow -------------------------------------------------------------------------------------

@case((5,), (-5,), (0,))
def if_elif_else(x: int) -> str:
    if x > 0:
        return "pos"
    elif x < 0:
        return "neg"
    else:
        return "zero"


@case((10,),)
def while_loop(n: int) -> int:
    i = 0
    s = 0
    while i < n:
        s += i
        i += 1
    return s


@case((20,),)
def break_continue(n: int) -> List[int]:
    out: List[int] = []
    for i in range(n):
        if i % 3 == 0:
            continue
        if i > 10:
            break
        out.append(i)
    return out


@case((10,),)
def while_break(n: int) -> int:
    i = 0
    while True:
        i += 1
        if i * i > n:
            break
    return i


@case((3, 4),)
def nested_loops(n: int, m: int) -> int:
    s = 0
    for i in range(n):
        for j in range(m):
            if j == 2:
                continue
            s += i * j
    return s


@case((2, 11, 3), (10, 0, -2), (0, 5, 1))
def range_with_step(a: int, b: int, c: int) -> List[int]:
    return [i for i in range(a, b, c)]


@case((7,),)
def early_return_in_loop(n: int) -> int:
    for i in range(100):
        if i * i >= n:
            return i
    return -1


@case((5,), (15,))
def ternary(x: int) -> str:
    return "big" if x > 10 else "small"


@case((3,),)
def augmented_assign(x: int) -> int:
    x += 2
    x *= 3
    x -= 1
    return x


@case((1.5,),)
def augmented_float(x: float) -> float:
    x += 1
    x /= 2
    x **= 2
    return x


@case((None,), (3,))
def optional_arg(x: Optional[int]) -> int:
    if x is None:
        return -1
    return x + 1


@case((None,), (3,))
def optional_is_not(x: Optional[int]) -> bool:
    return x is not None


@case((4,),)
def default_args(x: int, y: int = 10, z: str = "z") -> str:
    return str(x + y) + z


@case((5,),)
def assert_ok(x: int) -> int:
    assert x > 0, "x must be positive"
    return x


@case((-5,), raises="x must be positive")
def assert_fail(x: int) -> int:
    assert x > 0, "x must be positive"
    return x


@case((-1,), raises="bad n")
def raise_value_error(n: int) -> int:
    if n < 0:
        raise ValueError("bad n")
    return n


@case((2,), raises="too big")
def raise_runtime_error(n: int) -> int:
    if n > 1:
        raise RuntimeError("too big: " + str(n))
    return n


@case((5,),)
def raise_not_taken(n: int) -> int:
    if n < 0:
        raise ValueError("bad")
    return n * 2


@case((3, 4),)
def boolean_short_circuit(a: int, b: int) -> bool:
    l: List[int] = []
    return len(l) > 0 and l[0] == a or b > a


@case((True,), (False,))
def not_operator(b: bool) -> bool:
    return not b


@case((3,),)
def isinstance_checks(x: int) -> List[bool]:
    l: List[int] = [x]
    return [isinstance(x, int), isinstance(x, float), isinstance(l, List[int]), isinstance(l, List[str])]


def _helper_add(a: int, b: int = 3) -> int:
    return a + b


@case((4,),)
def call_helper(x: int) -> int:
    return _helper_add(x) + _helper_add(x, 10)


def _inner_helper(n: int) -> int:
    return n * 3


def _outer_helper(n: int) -> int:
    return _inner_helper(n) + 1


@case((10,),)
def call_nested_helpers(n: int) -> int:
    return _outer_helper(n)


@case((5,),)
def uninitialized_paths(n: int) -> int:
    for i in range(n):
        if i == 3:
            return i * 10
    return -1


@case((1,),)
def unused_values(n: int) -> int:
    a = [1, 2, 3]
    b = "unused"
    return n


# ---- classes, NamedTuples, Enums ----------------------------------------------------------------------

class Point(NamedTuple):
    x: int
    y: int


@case((1, 2),)
def namedtuple_fields(a: int, b: int) -> int:
    p = Point(a, b)
    return p.x * 10 + p.y


@case((1, 2),)
def namedtuple_return(a: int, b: int) -> Tuple[int, int]:
    p = Point(x=a, y=b)
    return p


class Color(Enum):
    RED = 1
    GREEN = 2


@case((1,), (2,))
def enum_compare(v: int) -> Tuple[bool, int, str]:
    c = Color.RED
    if v == 2:
        c = Color.GREEN
    return c == Color.RED, c.value, c.name


@torch.jit.script
class Counter(object):
    def __init__(self, start: int):
        self.n = start
        self.hist: List[int] = []

    def bump(self, k: int) -> int:
        self.n += k
        self.hist.append(self.n)
        return self.n


@case((3,),)
def script_class(k: int) -> Tuple[int, List[int]]:
    c = Counter(k)
    c.bump(1)
    c.bump(2)
    return c.n, c.hist


# ---- tensors (simple ops) -------------------------------------------------------------------------------

@case((torch.tensor([1.0, 2.0, 3.0]),),)
def tensor_to_scalars(x: torch.Tensor) -> Tuple[float, int, bool, int, int]:
    s = x.sum()
    return float(s), int(s), bool(s > 5), x.dim(), x.numel()


@case((torch.ones(2, 3),),)
def tensor_sizes(x: torch.Tensor) -> Tuple[List[int], int, int]:
    return x.size(), x.size(1), x.shape[0]


@case((torch.tensor([1.0, -2.0, 3.0]),),)
def tensor_item_compare(x: torch.Tensor) -> str:
    if x.sum() > 0:
        return "positive " + str(x.sum().item())
    return "not"


@case((torch.arange(6.0),),)
def tensor_loop_accumulate(x: torch.Tensor) -> torch.Tensor:
    acc = torch.zeros_like(x)
    for i in range(4):
        acc = acc + x * i
    return acc


@case((torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])),)
def tensor_list_ops(a: torch.Tensor, b: torch.Tensor) -> List[torch.Tensor]:
    l = [a, b]
    l.append(a + b)
    return l


@case((torch.tensor([1.0, 2.0]),),)
def tensor_dict_values(a: torch.Tensor) -> Dict[str, torch.Tensor]:
    d = {"x": a}
    d["y"] = a * 2
    return d


@case((torch.tensor([2.0]),),)
def tensor_relu_mul(x: torch.Tensor) -> torch.Tensor:
    return torch.relu(x - 1.0) * 3.0


@case((torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0])),)
def tensor_mv(w: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    return w.mv(v)


@case((torch.tensor([1.0, 2.0]), 3),)
def tensor_scalar_arith(x: torch.Tensor, k: int) -> torch.Tensor:
    return x * k + k - x / 2


@case((torch.tensor([5.0, 6.0]),),)
def optional_tensor(x: torch.Tensor) -> torch.Tensor:
    y: Optional[torch.Tensor] = None
    if bool(x.sum() > 0):
        y = x
    if y is None:
        return x
    return y + 1


@case((torch.tensor([1.0, 2.0, 3.0]),),)
def tensor_dtype_device(x: torch.Tensor) -> Tuple[int, bool, bool]:
    return int(x.dtype == torch.float32), x.is_floating_point(), x.device == torch.device("cpu")


@case((torch.tensor([1, 2, 3]),),)
def tensor_tolist_len(x: torch.Tensor) -> int:
    return len(x)


@case((torch.tensor([4.0, 9.0]),),)
def fork_wait(x: torch.Tensor) -> torch.Tensor:
    fut = torch.jit.fork(torch.sqrt, x)
    return torch.jit.wait(fut) + 1


def _forked_add(x: int, y: int) -> int:
    return x + y


@case((3, 4),)
def fork_script_fn(a: int, b: int) -> int:
    fut = torch.jit.fork(_forked_add, a, b)
    return torch.jit.wait(fut) * 2


# ---- modules -----------------------------------------------------------------------------------------------

class MyModule(torch.nn.Module):
    def __init__(self, N: int, M: int):
        super().__init__()
        torch.manual_seed(0)
        self.weight = torch.nn.Parameter(torch.rand(N, M))

    def forward(self, input):
        if input.sum() > 0:
            output = self.weight.mv(input)
        else:
            output = self.weight + input
        return output


@module_case((torch.ones(4),), (-torch.ones(4),), name="tutorial_mymodule")
def make_mymodule():
    return MyModule(3, 4)


class StateModule(torch.nn.Module):
    log: List[str]

    def __init__(self):
        super().__init__()
        self.count = 0
        self.log = []

    def forward(self, x: int) -> int:
        self.count += x
        self.log.append(str(x))
        return self.count


@module_case((1,), (2,), (3,), name="module_state_persists")
def make_state():
    return StateModule()


class Sub(torch.nn.Module):
    def __init__(self, k: int):
        super().__init__()
        self.k = k

    def forward(self, x: int) -> int:
        return x * self.k


class Outer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Sub(2)
        self.b = Sub(3)
        self.subs = torch.nn.ModuleList([Sub(5), Sub(7)])

    def forward(self, x: int) -> int:
        y = self.a(x) + self.b(x)
        for m in self.subs:
            y = m(y)
        return y

    @torch.jit.export
    def other(self, x: int) -> str:
        return "other " + str(self.a(x))


@module_case((1,), (4,), name="submodules_modulelist")
def make_outer():
    return Outer()


@module_case((2,), method="other", name="exported_method")
def make_outer2():
    return Outer()


class Consts(torch.nn.Module):
    FACTOR: torch.jit.Final[int] = 4

    def __init__(self):
        super().__init__()
        self.name = "consts"
        self.scale = 1.5

    def forward(self, x: int) -> str:
        return self.name + str(x * self.FACTOR * self.scale)


@module_case((3,), name="module_final_constants")
def make_consts():
    return Consts()


class Hooked(torch.nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: int) -> int:
        return x * 10


def _pre(m: Hooked, inp: Tuple[int]) -> Tuple[int]:
    return (inp[0] + 1,)


def _post(m: Hooked, inp: Tuple[int], out: int) -> int:
    return out + 1000


@module_case((5,), method="__call__", name="module_hooks_call")
def make_hooked():
    h = Hooked()
    h.register_forward_pre_hook(_pre)
    h.register_forward_hook(_post)
    return h


class WithCtx(torch.nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: int) -> int:
        c = Ctx(x)
        with c as v:
            y = v * 2
        return y + c.n


@torch.jit.script
class Ctx(object):
    def __init__(self, n: int):
        self.n = n

    def __enter__(self) -> int:
        self.n += 1
        return self.n

    def __exit__(self, a: Any, b: Any, c: Any) -> None:
        self.n += 100


@module_case((1,), name="with_statement")
def make_with():
    return WithCtx()


class Raiser(torch.nn.Module):
    def forward(self, n: int) -> int:
        if n > 3:
            raise ValueError("bad n")
        return n


@module_case((5,), raises="bad n", name="module_raises")
def make_raiser():
    return Raiser()


class DictModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.table: Dict[str, int] = {"a": 1, "b": 2}

    def forward(self, key: str) -> int:
        if key in self.table:
            return self.table[key]
        self.table[key] = len(self.table)
        return -1


@module_case(("a",), ("zz",), ("zz",), name="module_dict_attr")
def make_dictmod():
    return DictModule()


class Rec(torch.nn.Module):
    def forward(self, n: int) -> int:
        return self.double(n) + self.double(n + 1)

    @torch.jit.export
    def double(self, n: int) -> int:
        return n * 2


@module_case((6,), name="method_calls_method")
def make_rec():
    return Rec()


class Interface_impl_A(torch.nn.Module):
    def forward(self, x: int) -> int:
        return x + 1


class SetAttrMod(torch.nn.Module):
    best: Optional[int]

    def __init__(self):
        super().__init__()
        self.best: Optional[int] = None

    def forward(self, x: int) -> int:
        b = self.best
        if b is None:
            self.best = x
        elif x > b:
            self.best = x
        b2 = self.best
        assert b2 is not None
        return b2


@module_case((3,), (1,), (7,), name="optional_attribute_update")
def make_setattr():
    return SetAttrMod()


class Tensors(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("buf", torch.arange(4.0))

    def forward(self, x: torch.Tensor, n: int) -> Tuple[torch.Tensor, List[float]]:
        out: List[float] = []
        y = x
        for i in range(n):
            y = y + self.buf
            out.append(float(y.sum()))
        return y, out


@module_case((torch.ones(4), 3), name="tensor_loop_module")
def make_tensors():
    return Tensors()


# ---- more: error paths ------------------------------------------------------------------------------------

@case(({"a": 1},), raises="KeyError")
def err_dict_missing_key(d: Dict[str, int]) -> int:
    return d["zz"]


@case(([1, 2],), raises="out of range")
def err_list_index(l: List[int]) -> int:
    return l[5]


@case(([1, 2],), raises="not in list")
def err_list_remove_missing(l: List[int]) -> List[int]:
    l.remove(9)
    return l


@case((0,), raises="AssertionError")
def err_assert_no_message(x: int) -> int:
    assert x > 0
    return x


@case((3,), raises="Exception")
def err_raise_exception(x: int) -> int:
    if x > 2:
        raise Exception("generic failure")
    return x


@case((3,), raises="custom 3")
def err_raise_in_helper(x: int) -> int:
    return _raiser(x) + 1


def _raiser(x: int) -> int:
    if x == 3:
        raise RuntimeError("custom " + str(x))
    return x


@case(("x",), raises="could not convert")
def err_float_parse(s: str) -> float:
    return float(s)


@case(([],), raises="empty")
def err_max_empty(l: List[int]) -> int:
    return max(l)


@case((torch.zeros(3),), raises="elements cannot be converted")
def err_tensor_to_int(x: torch.Tensor) -> int:
    return int(x)


# ---- more: language --------------------------------------------------------------------------------------

@case((3,), ("a",))
def union_isinstance(x: Union[int, str]) -> str:
    if isinstance(x, int):
        return "int " + str(x + 1)
    else:
        return "str " + x


@case(([4, 5],),)
def jit_annotate_and_flags(xs: List[int]) -> int:
    return torch.jit.annotate(int, xs[0]) + int(torch.jit.is_scripting()) + int(torch.is_grad_enabled())


@case((torch.tensor([1.0, 2.0, 3.0]),),)
def no_grad_block(x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        y = x * 2
    return y + x[0] + x[1:].sum()


@case((2,), (-2,))
def optional_return(x: int) -> Optional[int]:
    if x > 0:
        return x
    return None


@case(([("a", 1), ("b", 2)],),)
def list_of_tuples_input(l: List[Tuple[str, int]]) -> Dict[str, int]:
    d: Dict[str, int] = {}
    for k, v in l:
        d[k] = v * 10
    return d


@case(({1: [1.5], 2: []},),)
def dict_int_to_list(d: Dict[int, List[float]]) -> List[float]:
    out: List[float] = []
    for k in d.keys():
        out.append(float(k))
        out.extend(d[k])
    return out


@case((["x", "yy", "zzz"],),)
def list_str_lengths(l: List[str]) -> List[int]:
    return [len(s) for s in l]


@case((5,),)
def nested_function_defaults(n: int) -> int:
    return _with_defaults(n) + _with_defaults(n, 1) + _with_defaults(n, c=2)


def _with_defaults(a: int, b: int = 100, c: int = 1000) -> int:
    return a + b + c


@case((3, 4),)
def point_list(a: int, b: int) -> int:
    pts = [Point(a, b), Point(b, a)]
    s = 0
    for p in pts:
        s += p.x * p.y
    return s


class Mood(Enum):
    HAPPY = "happy"
    SAD = "sad"


@case(("happy",), ("sad",))
def enum_str_values(s: str) -> str:
    m = Mood.HAPPY
    if s == Mood.SAD.value:
        m = Mood.SAD
    return m.name + ":" + m.value


@case((3,),)
def class_methods_interact(n: int) -> List[int]:
    c = Counter(n)
    for i in range(3):
        c.bump(i)
    return c.hist


@case((10,),)
def while_with_continue(n: int) -> List[int]:
    out: List[int] = []
    i = 0
    while i < n:
        i += 1
        if i % 2 == 1:
            continue
        out.append(i)
    return out


@case((4,),)
def nested_comprehension(n: int) -> List[List[int]]:
    return [[i * j for j in range(i)] for i in range(n)]


@case((1.5, 3),)
def float_format_mix(a: float, n: int) -> str:
    return "{}|{}|{}".format(a * n, n / 2, [a, float(n)])


@case((7,),)
def int_list_builders(n: int) -> Tuple[List[int], List[int]]:
    evens: List[int] = []
    odds: List[int] = []
    for i in range(n):
        if i % 2 == 0:
            evens.append(i)
        else:
            odds.insert(0, i)
    return evens, odds


@case(("a b c",),)
def str_methods_chain(s: str) -> str:
    return "-".join([w.upper() for w in s.split(" ")]).lower().replace("-", "+")


@case(([3, 1, 2],),)
def sorted_does_not_mutate(l: List[int]) -> Tuple[List[int], List[int]]:
    s = sorted(l)
    return s, l


@case(([1, 2, 3],),)
def list_alias_mutation(l: List[int]) -> List[int]:
    m = l
    m.append(4)
    return l


@case((torch.tensor([[1.0, 2.0], [3.0, 4.0]]),),)
def tensor_shape_logic(x: torch.Tensor) -> Tuple[int, bool, List[int]]:
    s = x.shape
    return len(s), s[0] == s[1], [d * 2 for d in s]


@case((torch.tensor([3.0, 1.0, 2.0]),),)
def tensor_item_loop(x: torch.Tensor) -> List[float]:
    out: List[float] = []
    for i in range(x.size(0)):
        out.append(x[i].item())
    return out


@case((torch.tensor([1.0, 2.0]), 2),)
def tensor_list_accumulate(x: torch.Tensor, n: int) -> torch.Tensor:
    parts: List[torch.Tensor] = []
    for i in range(n):
        parts.append(x * float(i + 1))
    return parts[0] + parts[-1]


@case((2,),)
def fork_closure(n: int) -> int:
    fut = torch.jit.fork(_forked_add, n, 10)
    other = n * 3
    return torch.jit.wait(fut) + other


@case((True,), (False,))
def bool_to_int_str(b: bool) -> Tuple[int, str, float]:
    return int(b), str(b), float(b)


@case((-3,), (3,))
def abs_and_neg_chain(x: int) -> Tuple[int, float, int]:
    return abs(x), abs(float(x)) * -1.0, -(-x)


@case((torch.tensor([[1.5, 2.0], [3.0, -4.0]]),),)
def tensor_tolist_2d(x: torch.Tensor) -> List[List[float]]:
    a: List[List[float]] = x.tolist()
    return a


@case((torch.tensor([3, 4, 5]),),)
def tensor_tolist_int(x: torch.Tensor) -> List[int]:
    return x.tolist()


# ---- where TorchScript's builtins differ from Python's (issue 14 item 5) ----------------------
# Numbers divide as IEEE floats: 1 / 0 is inf in TorchScript (Python raises), float // 0 and
# float % 0 give inf / NaN; int // 0 and divmod by zero still raise (int % 0 is left out: torch
# itself dies of SIGFPE on it).

@case((1, 0), (-3, 0), (0, 0), (7, 2))
def int_true_div_by_zero(a: int, b: int) -> float:
    return a / b


@case((1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (1.0, -0.0), (5.0, 2.0))
def float_div_floordiv_mod_by_zero(a: float, b: float) -> Tuple[float, float, float]:
    return a / b, a // b, a % b


@case((3, 0.0), (0, -0.0))
def int_float_div_by_zero(a: int, b: float) -> Tuple[float, float]:
    return a / b, a % b


@case((1, 0), raises="")
def int_floordiv_by_zero_raises(a: int, b: int) -> int:
    return a // b


@case((1.0, 0.0), raises="")
def float_divmod_by_zero_raises(a: float, b: float) -> float:
    q, r = divmod(a, b)
    return q + r


# "%" formatting (aten::percentFormat): %d %i (a float truncated), %e %E %f %F (through a C float,
# six digits), %c, %s (str() of anything), %%; a single value or a tuple of them.

@case((2.5,), (-0.1,), (1e20,), (float("nan"),), (float("-inf"),))
def percent_format_numbers(x: float) -> str:
    return "%d|%i|%e|%E|%f|%F|%s|%c|%%" % (x, x, x, x, x, x, x, 65)


@case((3.0, 7, "s"), (0.25, -1, ""))
def percent_format_values(x: float, n: int, s: str) -> str:
    return "%s %s %s %s %s %d %c" % (x, [n, 2], (x, s), None, True, n, "z")


@case((7,),)
def percent_format_single_value(x: int) -> str:
    return "v=%s;" % x


@case((7,), raises="Too few arguments")
def percent_format_too_few(x: int) -> str:
    return "%d %d" % (x,)


@case((7,), raises="Too many arguments")
def percent_format_too_many(x: int) -> str:
    return "%d" % (x, x)


@case((7,), raises="not supported")
def percent_format_unsupported_specifier(x: int) -> str:
    return "%x" % (x,)


@case((7,), raises="Incomplete format specifier")
def percent_format_incomplete(x: int) -> str:
    return "abc%" % (x,)


# hash(): libstdc++'s std::hash as torch uses it (ints and bools as is, MurmurHash2-64 of a
# string's bytes and of a double's, 0.0 and -0.0 -> 0), tuples combined as c10::hash_combine.

@case((0,), (-5,), (2**62,))
def hash_int_bool_none(x: int) -> Tuple[int, int, int, int]:
    return hash(x), hash(x > 0), hash(x < 0), hash(None)


@case((1.5,), (0.0,), (-0.0,), (-2.75e-300,), (float("inf"),))
def hash_float(x: float) -> int:
    return hash(x)


@case(("",), ("ab",), ("exactly8",), ("a string longer than sixteen bytes",))
def hash_str(s: str) -> int:
    return hash(s)


@case((3, "ab", 2.5),)
def hash_tuple(n: int, s: str, f: float) -> int:
    return hash((n, s, f)) + hash((n, (s, n)))


# tolist() of a 0-d tensor is its number; an int inside a List[float] argument converts.

@case((torch.tensor([1.5, 2.0]),), (torch.tensor([-3.25]),))
def tensor_tolist_0d(x: torch.Tensor) -> Tuple[float, int]:
    a: float = x.sum().tolist()
    b: int = x.long().sum().tolist()
    return a, b


@case(([1, 2.5],), ([3],), ([],))
def int_in_float_list_argument(x: List[float]) -> float:
    return sum(x) + float(len(x))


@case(({"a": 1, "b": 2.5},),)
def int_in_float_dict_argument(d: Dict[str, float]) -> float:
    return d["a"] + d["b"]


@case(((1, [2, 3]),),)
def int_in_nested_float_argument(t: Tuple[float, List[float]]) -> float:
    return t[0] + t[1][0] + t[1][1]


# Lists of tensors compare elements by bool(a == b) / bool(a < b): one-element tensors compare by
# value (not identity); larger ones are "ambiguous" errors in both engines.

@case((torch.tensor([1.0]), torch.tensor([0.0])), (torch.tensor([2.0]), torch.tensor([2.0])))
def tensor_list_count_index_remove_eq(x: torch.Tensor, y: torch.Tensor) -> Tuple[bool, bool, int, int, int]:
    l = [x, y, x.clone()]
    c = l.count(x)
    i = l.index(y)
    l.remove(y)
    return l == [x, x], l != [y], c, i, len(l)


@case((torch.ones(2), torch.ones(2)), raises="ambiguous")
def tensor_list_eq_ambiguous(x: torch.Tensor, y: torch.Tensor) -> bool:
    return [x] == [y]


@case((torch.tensor([3.0, 1.0, 2.0, 1.0]),),)
def tensor_list_sort(x: torch.Tensor) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
    l = [x[0], x[1], x[2], x[3]]
    s = sorted(l)
    l.sort(reverse=True)
    return l, s


# ---- the complex scalar (issue 14 item 5): arithmetic, cmath, complex(), printing, bit for bit --

COMPLEX_ARGS = [(1 + 2j, 3 - 1j), (-1.5 + 0.0j, 0.25 - 4j), (0j, 1j), (complex(-2.0, -0.0), complex(1e-300, 1e300)),
                (complex(float("inf"), 1.0), 2 + 0j), (complex(float("nan"), 0.0), 1 + 1j)]


@case(*COMPLEX_ARGS)
def complex_issue_examples(a: complex, b: complex) -> Tuple[complex, complex]:
    return a * b + cmath.sqrt(a), a / b - a * a


@case(*COMPLEX_ARGS)
def complex_arithmetic(a: complex, b: complex) -> Tuple[complex, complex, complex, complex, complex, bool, bool]:
    return a + b, a - b, a * b, a / b, a ** b, a == b, a != b


@case((1 + 2j, 0.5, 3), (-3j, -2.0, 0), (complex(0.0, -0.0), 0.0, -7))
def complex_mixed_real(a: complex, x: float, n: int) -> Tuple[complex, complex, complex, complex, complex, complex, complex]:
    return a + x, x * a, a - n, n * a, x - a, a ** x, x ** a


@case((3 - 4j,), (-1 + 0j,), (0j,), (complex(-0.0, -1.0),), (1e10 + 1e-10j,))
def complex_abs_neg_phase_str(a: complex) -> Tuple[float, complex, float, str, bool, bool, bool]:
    return abs(a), -a, cmath.phase(a), str(a), cmath.isnan(a), cmath.isinf(a), cmath.isfinite(a)


@case((0.3 + 0.2j,), (-2 - 0.5j,), (complex(-4.0, 0.0),), (complex(-4.0, -0.0),), (5j,))
def complex_cmath(a: complex) -> List[complex]:
    return [cmath.sqrt(a), cmath.exp(a), cmath.log(a), cmath.log10(a), cmath.sin(a), cmath.cos(a), cmath.tan(a),
            cmath.asin(a), cmath.acos(a), cmath.atan(a), cmath.sinh(a), cmath.cosh(a), cmath.tanh(a),
            cmath.asinh(a), cmath.acosh(a), cmath.atanh(a), cmath.log(a, 2.0), cmath.log(a, 1 + 1j)]


@case((1.5, -2.0), (0.0, 0.0), (-1.0, 3.0))
def complex_construct(x: float, y: float) -> Tuple[complex, complex, complex, str, complex, complex]:
    return complex(x, y), complex(x), complex(int(x), int(y)), str([complex(x, y), complex(1, 2)]), cmath.rect(x, y), sum([complex(x, y), complex(y, x)])


# ---- scalar-type builtins, dicts keyed by complex, id(), prim::rangelist ----------------------

@case((1,), (0,))
def scalar_type_builtins(n: int) -> Tuple[int, bool, bool, int, int, int, int, int]:
    return (torch.promote_types(torch.int32, torch.float16), torch.can_cast(torch.float32, torch.int32),
            torch.can_cast(torch.int8, torch.float64), torch.result_type(2, 3.5), torch.result_type(n, True),
            torch.result_type(1j, n), torch.result_type(n > 0, False), torch.get_autocast_dtype("cpu"))


@case((1 + 1j, 2j), (0j, complex(0.0, -0.0)))
def complex_keyed_dict(a: complex, b: complex) -> Tuple[float, List[complex], bool, complex, int]:
    d = {a: 1.0, b: 2.0}
    d[complex(0, 1)] = 3.0
    e = d.copy()
    e.pop(a)
    return d[a] + d.get(b, 0.0), list(d.keys()), a in d, d.popitem()[0], len(e)


@case((3,), (0,), (-2,))
def rangelist(n: int) -> List[int]:
    return torch.ops.prim.rangelist(n)


class _IdHolder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.sub = torch.nn.Identity()

    def forward(self, n: int) -> Tuple[bool, bool, bool, int]:
        # id() is an address: only its identity relations are comparable across engines
        return id(self) == id(self), id(self) != id(self.sub), id(self) != 0, id(None) + n


@module_case((3,),)
def module_id():
    return _IdHolder()


@case((2.0, 0.5), (-1.0, 3.0))
def polar_scalars(r: float, t: float) -> Tuple[complex, complex]:
    return torch.polar(r, t), cmath.rect(int(r), t)


# ---- found by differential fuzzing (tests/fuzz/difffuzz.py): TorchScript's own float // % divmod
# min max, which are not Python's: a // b is floor(a / b), a % b is fmod(b + fmod(a, b), b), divmod
# moves fmod's remainder by b when a and b differ in sign, min/max are a < b ? a : b / a > b ? a : b

FLOAT_PAIRS = [(1.0, 0.1), (-7.5, 2.0), (7.5, -2.0), (float("inf"), 2.5), (2.5, float("inf")),
               (-2.5, float("inf")), (-0.0, 3.0), (5.0, -0.0), (float("nan"), 1.0), (1.0, float("nan")), (0.3, 0.1)]


@case(*FLOAT_PAIRS)
def fuzz_float_floordiv_mod_minmax(a: float, b: float) -> Tuple[float, float, float, float, float, float]:
    return a // b, a % b, min(a, b), max(a, b), min(b, a), max(b, a)


@case(*[p for p in FLOAT_PAIRS if p[1] != 0])
def fuzz_float_divmod(a: float, b: float) -> Tuple[float, float]:
    q, r = divmod(a, b)
    return q, r


@case((-7, 2), (7, -2), (-9, -4), (5, 9223372036854775807), (-5, 9223372036854775807), (9223372036854775807, 2))
def fuzz_int_mod_divmod(a: int, b: int) -> Tuple[int, int, int, int]:
    q, r = divmod(a, b)
    return a % b, a // b, q, r


@case((1.5, 2), (float("nan"), 1), (2.0, 2))
def fuzz_min_max_mixed(a: float, n: int) -> Tuple[float, float, float, float]:
    return min(a, n), max(a, n), min(n, a), max(n, a)


@case(([1.0, float("nan"), 0.5],), ([float("nan"), 1.0],), ([2.0, float("nan")],))
def fuzz_min_max_float_list(l: List[float]) -> Tuple[float, float]:
    return min(l), max(l)


# differential-fuzzing finding (seed 23, program 152, minimized): cumsum of an int64 tensor that
# is already contiguous scanned in place, so the input came back holding the running sums
@case((torch.tensor([1.0, -2.0, 1.0]),),)
def cumsum_leaves_its_input(u: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    v = torch.arange(3).flip([0])
    d = u.double()
    return v, torch.cumsum(v, 0), d, torch.cumprod(d, 0)


# differential-fuzzing finding (seed 0, program 104): int() of a number that t.item() returned
# (aten::Int.Scalar) checks a floating value against C's 32-bit int range in torch, where int()
# of a float (aten::Int.float) casts to int64 unchecked
@case((torch.tensor([2.9, -1.5]),), (torch.tensor([-7.5, 2147483647.0], dtype=torch.float64),),
      (torch.tensor([-2147483648.0, -2147483649.0]),), (torch.tensor([2**40, 3], dtype=torch.int64),))
def int_of_item_in_range(t: torch.Tensor) -> Tuple[int, int]:
    return int(t[1].item()), int(t[0].item())


@case((torch.tensor([float("nan")]),), (torch.tensor([float("inf")]),), (torch.tensor([-1e30]),),
      (torch.tensor([3e9]),), (torch.tensor([2147483647.0]),), (torch.tensor([2147483648.0], dtype=torch.float64),),
      raises="without overflow")
def int_of_item_out_of_range(t: torch.Tensor) -> int:
    return int(t.sum().item())
