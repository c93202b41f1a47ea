"""Differential fuzzing of pyts against torch.jit: random, well-typed TorchScript programs.

Each program is one function over ints, floats, bools, strings, lists, a dict and float32
tensors of fixed shapes, with straight-line code, if/else, for and while loops, list and dict
mutation, string methods and tensor ops whose shapes fit.  It returns every variable it holds, so
everything it computed is compared.  torch.jit.script compiles it, torch.jit.save writes it, and
both torch.jit.load and pyts.load run the saved file on the same inputs:

  * values must agree: ints, bools, strings and the structure (tuple/list/dict, lengths, keys)
    exactly, floats and tensors to float32 rounding (rtol 1e-5 / 1e-4: tensor values are small
    integers, so sums and products are exact; only transcendental functions round differently);
    dtypes and shapes exactly;
  * exceptions must agree: torch raises <=> pyts raises a pyts.Error (never a crash, never a
    foreign Python exception).

A difference is a *finding*.  `minimize` deletes statements (innermost first) while the program
still scripts and still differs, and prints the smallest program: that becomes a regression test
(tests/parity/lang/programs.py).

    python tests/fuzz/difffuzz.py --seed 0 --count 500        # run 500 programs, report findings
    python tests/fuzz/difffuzz.py --seed 7 --minutes 30       # long run by hand
    python tests/fuzz/difffuzz.py --seed 3 --show 12          # print program 12 of seed 3

tests/fuzz/test_differential.py runs a fixed seed for a bounded count in CI.
"""
import argparse
import copy
import importlib.util
import math
import os
import random
import sys
import tempfile
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

SHAPES = [(2, 3), (3,), (3, 3)]
INPUTS = [("a", "int"), ("b", "int"), ("x", "float"), ("s", "str"), ("l", "List[int]"),
          ("fl", "List[float]"), ("d", "Dict[str, int]"), ("t", "T23"), ("u", "T3"), ("m", "T33")]
TENSOR_TYPES = {"T23": (2, 3), "T3": (3,), "T33": (3, 3)}
# integer and boolean tensors of shape (3,): indices, masks, counts
INT_TENSORS = {"I3": "int64", "B3": "bool"}
WORDS = ["ab", "xyz", "Hello", "", "a_b", "42", "  pad "]


def is_tensor(ty):
    return ty in TENSOR_TYPES or ty in INT_TENSORS


def py_type(ty):
    return "torch.Tensor" if is_tensor(ty) else ty


class Gen:
    """Random program text.  `scope` maps names to types; statements only assign names that
    exist in the enclosing scope (with their type) or new names at the function's top level,
    so every branch leaves the same set of typed variables behind."""

    def __init__(self, rng):
        self.rng = rng
        self.scope = dict(INPUTS)
        self.counter = 0
        self.loop_vars = []

    # -- helpers ------------------------------------------------------------------------------
    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def vars_of(self, ty):
        return [n for n, t in self.scope.items() if t == ty] + [v for v in self.loop_vars if ty == "int"]

    def fresh(self, prefix="v"):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    # -- expressions ----------------------------------------------------------------------------
    def expr(self, ty, depth=0):
        if ty == "int":
            return self.int_expr(depth)
        if ty == "float":
            return self.float_expr(depth)
        if ty == "bool":
            return self.bool_expr(depth)
        if ty == "str":
            return self.str_expr(depth)
        if ty == "List[int]":
            return self.pick(["[%s, %s]" % (self.int_expr(depth + 1), self.int_expr(depth + 1)), "[]",
                              "%s[1:]" % self.pick(self.vars_of(ty)), "list(range(%d))" % self.rng.randrange(4)])
        if ty == "List[float]":
            return "[%s]" % self.float_expr(depth + 1)
        if ty == "Dict[str, int]":
            return "{%s: %s}" % (self.str_expr(depth + 1), self.int_expr(depth + 1))
        if ty == "Optional[int]":
            return self.pick(["None", self.int_expr(depth + 1),
                              "(None if %s else %s)" % (self.bool_expr(depth + 1), self.int_expr(depth + 1))])
        if ty == "Tuple[int, str]":
            return "(%s, %s)" % (self.int_expr(depth + 1), self.str_expr(depth + 1))
        if ty == "I3":
            return self.itensor_expr(depth)
        if ty == "B3":
            return self.btensor_expr(depth)
        return self.tensor_expr(TENSOR_TYPES[ty], depth)

    def itensor_expr(self, depth=0):
        vs = self.vars_of("I3")
        if depth > 2 or self.rng.random() < 0.25:
            return self.pick(vs) if vs and self.rng.random() < 0.7 else self.pick(["torch.arange(3)", "torch.tensor([2, 0, 1])"])
        e = lambda: self.itensor_expr(depth + 1)  # noqa: E731
        f3 = lambda: self.tensor_expr((3,), depth + 1)  # noqa: E731
        return self.pick([
            lambda: "(%s + %s)" % (e(), e()),
            lambda: "(%s * %s)" % (e(), self.int_expr(depth + 1)),
            lambda: "(%s - %s)" % (e(), e()),
            lambda: "torch.remainder(%s, 3)" % e(),
            lambda: "torch.floor_divide(%s, %s)" % (e(), self.pick(["2", "3", "-2"])),
            lambda: "%s.long()" % f3(),
            lambda: "torch.argsort(%s)" % f3(),
            lambda: "%s.long()" % self.btensor_expr(depth + 1),
            lambda: "torch.clamp(%s, 0, 2)" % e(),
            lambda: "%s.flip([0])" % e(),
            lambda: "torch.cumsum(%s, 0)" % e(),
            lambda: "%s.abs()" % e(),
            lambda: "torch.where(%s, %s, %s)" % (self.btensor_expr(depth + 1), e(), e()),
        ])()

    def btensor_expr(self, depth=0):
        vs = self.vars_of("B3")
        if depth > 2 or self.rng.random() < 0.25:
            return self.pick(vs) if vs and self.rng.random() < 0.7 else "(%s > 0)" % self.tensor_expr((3,), depth + 1)
        e = lambda: self.btensor_expr(depth + 1)  # noqa: E731
        return self.pick([
            lambda: "(%s > %s)" % (self.tensor_expr((3,), depth + 1), self.float_expr(depth + 1)),
            lambda: "(%s == %s)" % (self.itensor_expr(depth + 1), self.itensor_expr(depth + 1)),
            lambda: "(%s & %s)" % (e(), e()),
            lambda: "(%s | %s)" % (e(), e()),
            lambda: "(~%s)" % e(),
            lambda: "torch.logical_xor(%s, %s)" % (e(), e()),
            lambda: "torch.isnan(%s)" % self.tensor_expr((3,), depth + 1),
        ])()

    def int_expr(self, depth=0):
        r = self.rng.random()
        vs = self.vars_of("int")
        if depth > 2 or r < 0.25:
            return self.pick(vs) if vs and self.rng.random() < 0.7 else str(self.rng.randrange(-4, 9))
        e = lambda: self.int_expr(depth + 1)  # noqa: E731
        choices = [
            lambda: "(%s + %s)" % (e(), e()),
            lambda: "(%s - %s)" % (e(), e()),
            lambda: "(%s * %s)" % (e(), e()),
            lambda: "(%s // %s)" % (e(), self.nonzero_int(depth)),
            lambda: "(%s %% %s)" % (e(), self.nonzero_int(depth)),
            lambda: "len(%s)" % self.pick(self.vars_of("List[int]") + self.vars_of("str")),
            lambda: "len(%s)" % self.pick(self.vars_of("Dict[str, int]")),
            lambda: "abs(%s)" % e(),
            lambda: "min(%s, %s)" % (e(), e()),
            lambda: "max(%s, %s)" % (e(), e()),
            lambda: "int(%s)" % self.bounded_float(depth),
            lambda: "(%s if %s else %s)" % (e(), self.bool_expr(depth + 1), e()),
            lambda: self.list_index("List[int]", depth, "0"),
            lambda: "%s.get(%s, %s)" % (self.pick(self.vars_of("Dict[str, int]")), self.str_expr(depth + 1), e()),
            lambda: "%s.find(%s)" % (self.str_expr(depth + 1), self.str_expr(depth + 1)),
            lambda: "%s.count(%s)" % (self.pick(self.vars_of("List[int]")), e()),
            lambda: "%s.size(0)" % self.pick(self.tensor_vars()),
            lambda: "%s.dim()" % self.pick(self.tensor_vars()),
            lambda: "int(%s.sum().item())" % self.pick(self.tensor_vars()),
            lambda: "int(%s.argmax())" % self.pick(self.tensor_vars()),
            lambda: "sum(%s)" % self.pick(self.vars_of("List[int]")),
            lambda: "(%s << %d)" % (e(), self.rng.randrange(4)),
            lambda: "(%s & %s)" % (e(), e()),
            lambda: "(%s ^ %s)" % (e(), e()),
            lambda: "%s[0]" % self.pick(self.vars_of("Tuple[int, str]")) if self.vars_of("Tuple[int, str]") else e(),
            lambda: self.optional_int(depth),
            lambda: "int(%s.sum())" % self.itensor_expr(depth + 1),
            lambda: "int(%s.sum())" % self.btensor_expr(depth + 1),
            lambda: "int(%s[%d])" % (self.itensor_expr(depth + 1), self.rng.randrange(-3, 3)),
            lambda: "sum([%s for %s in %s])" % self.comprehension(depth),
            lambda: "len([c for c in %s])" % self.str_expr(depth + 1),
            lambda: "len(%s.split(%s))" % (self.str_expr(depth + 1), self.pick(["", "', '", "'a'"]).replace("''", "' '")),
            lambda: "%s.numel()" % ("%s[%s]" % (self.tensor_expr((3,), depth + 1), self.btensor_expr(depth + 1))),
        ]
        return self.pick(choices)()

    def optional_int(self, depth):
        if not self.vars_of("Optional[int]"):
            return self.int_expr(depth + 1)
        o = self.pick(self.vars_of("Optional[int]"))
        return "(%s if %s is not None else %s)" % (o, o, self.int_expr(depth + 1))

    def comprehension(self, depth):
        it = self.pick(["range(%d)" % self.rng.randrange(5), self.pick(self.vars_of("List[int]"))])
        v = "q%d" % self.rng.randrange(100)
        return ("(%s * %d + %s)" % (v, self.rng.randrange(-2, 3), self.pick(["1", "0", v])), v, it)

    def nonzero_int(self, depth):
        return "(%s or 3)" % self.int_expr(depth + 1) if self.rng.random() < 0.8 else str(self.pick([2, 3, -2, 5]))

    def bounded_float(self, depth):
        return "max(min(%s, 1000.0), -1000.0)" % self.float_expr(depth + 1)

    def float_expr(self, depth=0):
        r = self.rng.random()
        vs = self.vars_of("float")
        if depth > 2 or r < 0.25:
            return self.pick(vs) if vs and self.rng.random() < 0.6 else repr(self.pick([0.5, -1.25, 3.0, 0.0, 1e-3, 2.5, -7.0]))
        e = lambda: self.float_expr(depth + 1)  # noqa: E731
        choices = [
            lambda: "(%s + %s)" % (e(), e()),
            lambda: "(%s - %s)" % (e(), e()),
            lambda: "(%s * %s)" % (e(), e()),
            lambda: "(%s / %s)" % (e(), e()),
            lambda: "(%s + %s)" % (e(), self.int_expr(depth + 1)),
            lambda: "float(%s)" % self.int_expr(depth + 1),
            lambda: "(%s / %s)" % (self.int_expr(depth + 1), self.int_expr(depth + 1)),
            lambda: "abs(%s)" % e(),
            lambda: "math.sqrt(abs(%s))" % e(),
            lambda: "float(math.floor(%s))" % self.bounded_float(depth),
            lambda: "min(%s, %s)" % (e(), e()),
            lambda: "max(%s, %s)" % (e(), e()),
            lambda: "(%s // %s)" % (e(), e()),
            lambda: "(%s %% %s)" % (e(), e()),
            lambda: "float(%s.sum().item())" % self.pick(self.tensor_vars()),
            lambda: "float(%s.max())" % self.pick(self.tensor_vars()),
            lambda: "float(%s.mean().item())" % self.pick(self.tensor_vars()),
            lambda: self.list_index("List[float]", depth, "0.0"),
            lambda: "(%s ** 2.0)" % self.bounded_float(depth),
        ]
        return self.pick(choices)()

    def bool_expr(self, depth=0):
        if depth > 2 or self.rng.random() < 0.2:
            return self.pick(["True", "False"])
        choices = [
            lambda: "(%s %s %s)" % (self.int_expr(depth + 1), self.pick(["<", "<=", "==", "!=", ">", ">="]), self.int_expr(depth + 1)),
            lambda: "(%s %s %s)" % (self.float_expr(depth + 1), self.pick(["<", ">", "==", "!="]), self.float_expr(depth + 1)),
            lambda: "(%s and %s)" % (self.bool_expr(depth + 1), self.bool_expr(depth + 1)),
            lambda: "(%s or %s)" % (self.bool_expr(depth + 1), self.bool_expr(depth + 1)),
            lambda: "(not %s)" % self.bool_expr(depth + 1),
            lambda: "(%s in %s)" % (self.int_expr(depth + 1), self.pick(self.vars_of("List[int]"))),
            lambda: "(%s in %s)" % (self.str_expr(depth + 1), self.pick(self.vars_of("Dict[str, int]"))),
            lambda: "%s.startswith(%s)" % (self.str_expr(depth + 1), self.str_expr(depth + 1)),
            lambda: "(%s == %s)" % (self.str_expr(depth + 1), self.str_expr(depth + 1)),
            lambda: "bool(%s.sum() > 0)" % self.pick(self.tensor_vars()),
            lambda: "%s.isdigit()" % self.str_expr(depth + 1),
        ]
        return self.pick(choices)()

    def str_expr(self, depth=0):
        vs = self.vars_of("str")
        if depth > 2 or self.rng.random() < 0.3:
            return self.pick(vs) if vs and self.rng.random() < 0.6 else repr(self.pick(WORDS))
        e = lambda: self.str_expr(depth + 1)  # noqa: E731
        choices = [
            lambda: "(%s + %s)" % (e(), e()),
            lambda: "str(%s)" % self.int_expr(depth + 1),
            lambda: "str(%s)" % self.float_expr(depth + 1),
            lambda: "str(%s)" % self.bool_expr(depth + 1),
            lambda: "%s.upper()" % e(),
            lambda: "%s.strip()" % e(),
            lambda: "%s[%d:%d]" % (e(), self.rng.randrange(-3, 3), self.rng.randrange(-3, 5)),
            lambda: "%s.replace(%r, %r)" % (e(), self.pick(["a", "b", " "]), self.pick(["", "Q"])),
            lambda: "%r.join([%s, %s])" % (self.pick([",", "", "-"]), e(), e()),
            lambda: '"{}-{}".format(%s, %s)' % (self.int_expr(depth + 1), e()),
            lambda: "%s.zfill(%d)" % (e(), self.rng.randrange(6)),
            lambda: "%s[1]" % self.pick(self.vars_of("Tuple[int, str]")) if self.vars_of("Tuple[int, str]") else e(),
            lambda: '("%%s=%%d" %% (%s, %s))' % (e(), self.int_expr(depth + 1)),
            lambda: "%r.join(%s.split(%r))" % (self.pick(["-", ""]), e(), self.pick(["a", " "])),
            lambda: "%s.lower()" % e(),
            lambda: "str(%s)" % self.pick(self.vars_of("List[int]")),
        ]
        return self.pick(choices)()

    def list_index(self, ty, depth, default):
        lv = self.pick(self.vars_of(ty))
        return "(%s[%s %% len(%s)] if len(%s) > 0 else %s)" % (lv, self.int_expr(depth + 1), lv, lv, default)

    def tensor_vars(self, shape=None):
        return [n for n, t in self.scope.items() if t in TENSOR_TYPES and (shape is None or TENSOR_TYPES[t] == shape)]

    def tensor_expr(self, shape, depth=0):
        vs = self.tensor_vars(shape)
        if depth > 2 or self.rng.random() < 0.25:
            return self.pick(vs)
        e = lambda: self.tensor_expr(shape, depth + 1)  # noqa: E731
        choices = [
            lambda: "(%s + %s)" % (e(), e()),
            lambda: "(%s - %s)" % (e(), e()),
            lambda: "(%s * %s)" % (e(), e()),
            lambda: "(%s * %s)" % (e(), self.float_expr(depth + 1)),
            lambda: "(%s + %s)" % (e(), self.int_expr(depth + 1)),
            lambda: "torch.relu(%s)" % e(),
            lambda: "torch.clamp(%s, -2.0, 3.0)" % e(),
            lambda: "torch.where(%s > 0, %s, %s)" % (e(), e(), e()),
            lambda: "%s.abs()" % e(),
            lambda: "(-%s)" % e(),
            lambda: "torch.tanh(%s)" % e(),
            lambda: "torch.sigmoid(%s)" % e(),
            lambda: "%s.clone()" % e(),
            lambda: "torch.zeros(%s)" % list(shape),
            lambda: "torch.ones_like(%s)" % e(),
            lambda: "torch.full(%s, %s)" % (list(shape), self.float_expr(depth + 1)),
            lambda: "torch.maximum(%s, %s)" % (e(), e()),
            lambda: "(%s / (%s.abs() + 1.0))" % (e(), e()),
            lambda: "torch.floor(%s / 2)" % e(),
        ]
        if len(shape) == 2 and shape[0] == shape[1]:
            choices += [lambda: "%s.t()" % e(), lambda: "torch.mm(%s, %s)" % (e(), e()),
                        lambda: "torch.triu(%s)" % e()]
        if len(shape) == 2:
            n = shape[1]
            if (n,) in [TENSOR_TYPES[t] for t in TENSOR_TYPES]:
                choices.append(lambda: "(%s + %s)" % (e(), self.tensor_expr((n,), depth + 1)))
            choices.append(lambda: "torch.cat([%s[:1], %s[1:]], 0)" % (e(), e()))
            choices.append(lambda: "%s.flip([1])" % e())
            choices.append(lambda: "torch.softmax(%s, 1)" % e())
            choices.append(lambda: "%s.cumsum(1)" % e())
        if shape == (3,):
            choices += [lambda: "%s.sum(0)" % self.tensor_expr((2, 3), depth + 1),
                        lambda: "%s.sort()[0]" % e(),
                        lambda: "%s[%d]" % (self.tensor_expr((3, 3), depth + 1), self.rng.randrange(-3, 3)),
                        lambda: "torch.mv(%s, %s)" % (self.tensor_expr((3, 3), depth + 1), e())]
        return self.pick(choices)()

    # -- statements -----------------------------------------------------------------------------
    def assignable(self):
        return [n for n, t in self.scope.items() if n not in ("l", "fl", "d")]

    def stmt(self, depth, top):
        r = self.rng.random()
        if top and r < 0.22:  # a new variable
            ty = self.pick(["int", "int", "float", "bool", "str", "List[int]", "T23", "T3", "T33", "I3", "B3",
                            "Optional[int]", "Tuple[int, str]"])
            name = self.fresh()
            line = "%s: %s = %s" % (name, py_type(ty), self.expr(ty))
            self.scope[name] = ty
            return [line]
        if r < 0.45:  # reassign
            name = self.pick(self.assignable())
            ty = self.scope[name]
            if ty == "int" and self.rng.random() < 0.3:
                return ["%s %s %s" % (name, self.pick(["+=", "-=", "*="]), self.int_expr(1))]
            return ["%s = %s" % (name, self.expr(ty))]
        if r < 0.58:
            return self.container_stmt()
        if r < 0.64:
            tv = self.pick(self.tensor_vars())
            return [self.pick(["%s.add_(%s)" % (tv, self.float_expr(1)), "%s.mul_(%s)" % (tv, self.pick(["2.0", "-1.0", "0.5"])),
                               "%s.clamp_(-5.0, 5.0)" % tv, "%s[0] = %s" % (tv, self.float_expr(1)),
                               "%s.relu_()" % tv])]
        if depth >= 2:
            return ["%s = %s" % ("a", self.int_expr(1))]
        if r < 0.78:
            body = self.block(depth + 1)
            other = self.block(depth + 1) if self.rng.random() < 0.6 else None
            lines = ["if %s:" % self.bool_expr()] + ["    " + b for b in body]
            if other:
                lines += ["else:"] + ["    " + b for b in other]
            return lines
        if r < 0.84:
            iv = "i%d" % len(self.loop_vars)
            self.loop_vars.append(iv)
            body = self.block(depth + 1)
            self.loop_vars.pop()
            head = self.pick(["for %s in list(%s):" % (iv, self.pick(self.vars_of("List[int]"))),
                              "for %s in %s.values():" % (iv, self.pick(self.vars_of("Dict[str, int]"))),
                              "for %s in [%s, %s]:" % (iv, self.int_expr(1), self.int_expr(1))])
            flow = []
            if self.rng.random() < 0.4:
                flow = ["if %s:" % self.bool_expr(1), "    " + self.pick(["break", "continue"])]
            return [head] + ["    " + b for b in flow + body]
        if r < 0.87:
            return ["if %s:" % self.bool_expr(1), "    raise ValueError(%s)" % self.str_expr(1)]
        if r < 0.9:
            iv = "i%d" % len(self.loop_vars)
            self.loop_vars.append(iv)
            body = self.block(depth + 1)
            self.loop_vars.pop()
            n = self.pick([str(self.rng.randrange(5)), "min(max(%s, 0), 6)" % self.int_expr(1)])
            return ["for %s in range(%s):" % (iv, n)] + ["    " + b for b in body]
        c = "c%d" % self.counter
        self.counter += 1
        body = self.block(depth + 1)
        return ["%s = 0" % c, "while %s < %d and %s:" % (c, self.rng.randrange(1, 5), self.bool_expr(1)),
                "    %s += 1" % c] + ["    " + b for b in body]

    def container_stmt(self):
        lst = self.pick(self.vars_of("List[int]"))
        choices = [
            lambda: ["%s.append(%s)" % (lst, self.int_expr(1))],
            lambda: ["%s.insert(%s, %s)" % (lst, self.int_expr(1), self.int_expr(1))],
            lambda: ["if len(%s) > 0:" % lst, "    %s.pop()" % lst],
            lambda: ["if len(%s) > 0:" % lst, "    %s[%s %% len(%s)] = %s" % (lst, self.int_expr(1), lst, self.int_expr(1))],
            lambda: ["%s.reverse()" % lst],
            lambda: ["%s.sort()" % lst],
            lambda: ["%s.extend(%s)" % (lst, self.pick(self.vars_of("List[int]")))],
            lambda: ["%s = %s + [%s]" % (lst, lst, self.int_expr(1))] if lst != "l" else ["l.clear()"],
            lambda: ["fl.append(%s)" % self.float_expr(1)],
            lambda: ["d[%s] = %s" % (self.str_expr(1), self.int_expr(1))],
            lambda: ["d.pop(%s, 0)" % self.str_expr(1)],
            lambda: ["d.update({%s: %s})" % (self.str_expr(1), self.int_expr(1))],
        ]
        return self.pick(choices)()

    def block(self, depth):
        lines = []
        for _ in range(self.rng.randrange(1, 4)):
            lines += self.stmt(depth, top=False)
        return lines

    def program(self, name="f"):
        body = []
        for _ in range(self.rng.randrange(3, 12)):
            body += self.stmt(0, top=True)
        names = list(self.scope)
        ret_types = ", ".join(py_type(self.scope[n]) for n in names)
        params = ", ".join("%s: %s" % (n, py_type(t)) for n, t in INPUTS)
        src = ["def %s(%s) -> Tuple[%s]:" % (name, params, ret_types)]
        src += ["    " + line for line in body]
        src.append("    return (%s,)" % ", ".join(names))
        return "\n".join(src) + "\n"


HEADER = "import math\nfrom typing import Dict, List, Optional, Tuple\n\nimport torch\n\n\n"


def make_inputs(rng):
    """Inputs: small ints, a float, a word, short lists, a dict and integer-valued tensors."""
    g = np.random.default_rng(rng.randrange(2**31))

    def t(shape):
        return g.integers(-3, 4, size=shape).astype(np.float32)

    return [rng.randrange(-5, 9), rng.randrange(-5, 9), rng.choice([0.5, -2.0, 3.25, 0.0]), rng.choice(WORDS),
            [rng.randrange(-3, 6) for _ in range(rng.randrange(4))], [rng.choice([0.5, 1.0, -2.0])],
            {rng.choice(WORDS): rng.randrange(5)}, t((2, 3)), t((3,)), t((3, 3))]


# ---- running both engines ----------------------------------------------------------------------

class Outcome:
    def __init__(self, value=None, error=None):
        self.value, self.error = value, error


def _load_function(src, name, tmpdir):
    path = os.path.join(tmpdir, "prog_%s_%d.py" % (name, abs(hash(src)) % 10**9))
    with open(path, "w") as f:
        f.write(HEADER + src)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, name)


def script_and_save(src, tmpdir, name="f"):
    """(path of the saved .pt, None) or (None, reason torch refused it)."""
    import torch
    try:
        fn = _load_function(src, name, tmpdir)
        scripted = torch.jit.script(fn)
    except Exception as e:  # noqa: BLE001  torch cannot script it: not a finding
        return None, "script: %s" % str(e).strip().splitlines()[0][:200]
    path = os.path.join(tmpdir, "prog_%d.pt" % (abs(hash(src)) % 10**9))
    torch.jit.save(scripted, path)
    return path, None


def run_torch(path, inputs):
    import torch
    m = torch.jit.load(path)
    args = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else copy.deepcopy(a) for a in inputs]
    try:
        return Outcome(value=m(*args))
    except Exception as e:  # noqa: BLE001
        return Outcome(error=e)


def run_pyts(path, inputs):
    import pyts
    m = pyts.load(path)
    args = [a.copy() if isinstance(a, np.ndarray) else copy.deepcopy(a) for a in inputs]
    try:
        return Outcome(value=m.forward(*args))
    except pyts.Error as e:
        return Outcome(error=e)
    except Exception as e:  # noqa: BLE001  a non-pyts exception is itself a finding
        return Outcome(error=AssertionError("pyts raised a non-pyts exception %s: %s" % (type(e).__name__, e)))


def difference(want, got, where="result"):
    """None if pyts's value `got` matches torch's `want`, else a description."""
    import torch
    if isinstance(want, torch.Tensor):
        if not isinstance(got, np.ndarray):
            return "%s: torch gave a Tensor, pyts %s" % (where, type(got).__name__)
        w = want.detach().numpy()
        if w.dtype != got.dtype or w.shape != got.shape:
            return "%s: torch %s%s, pyts %s%s" % (where, w.dtype, w.shape, got.dtype, got.shape)
        if not np.allclose(got, w, rtol=1e-4, atol=1e-5, equal_nan=True):
            i = np.unravel_index(np.argmax(np.abs(np.nan_to_num(got - w))), w.shape) if w.size else ()
            return "%s: values differ, e.g. at %s torch %r pyts %r" % (where, i, w[i] if w.size else None, got[i] if w.size else None)
        return None
    if isinstance(want, (tuple, list)):
        if type(got) is not type(want) or len(got) != len(want):
            return "%s: torch %r, pyts %r" % (where, want, got)
        for i, (w, g) in enumerate(zip(want, got)):
            d = difference(w, g, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict) or list(want) != list(got):
            return "%s: torch %r, pyts %r" % (where, want, got)
        for k in want:
            d = difference(want[k], got[k], "%s[%r]" % (where, k))
            if d:
                return d
        return None
    if type(want) is int and type(got) is float and float(want) == got:
        # torch's peephole pass rewrites `n / 1` to `n`, leaving an int where the program's type
        # (and pyts) says float: torch's bug, not a divergence of values
        return None
    if isinstance(want, float):
        if not isinstance(got, float):
            return "%s: torch float %r, pyts %s %r" % (where, want, type(got).__name__, got)
        if math.isnan(want) and math.isnan(got):
            return None
        if want == got or math.isclose(want, got, rel_tol=1e-5, abs_tol=1e-6):
            return None
        return "%s: torch %r, pyts %r" % (where, want, got)
    if type(want) is not type(got) or want != got:
        return "%s: torch %s %r, pyts %s %r" % (where, type(want).__name__, want, type(got).__name__, got)
    return None


def compare(path, inputs):
    """None when both engines agree on `path` run on `inputs`, else the finding's text."""
    t = run_torch(path, inputs)
    if t.error is not None and "INTERNAL ASSERT FAILED" in str(t.error):
        return None  # a bug of torch's own interpreter, not a divergence of pyts
    p = run_pyts(path, inputs)
    if t.error is not None or p.error is not None:
        if t.error is not None and p.error is not None and not isinstance(p.error, AssertionError):
            return None
        if t.error is None:
            return "pyts raised, torch returned: %s" % str(p.error).splitlines()[0][:300]
        if p.error is None:
            return "torch raised (%s), pyts returned %r" % (str(t.error).strip().splitlines()[-1][:200], p.value)
        return str(p.error)
    return difference(t.value, p.value)


# ---- minimization ------------------------------------------------------------------------------

def _statement_spans(lines):
    """(start, end) line ranges of every statement of the body (compound ones with their block),
    innermost last, excluding the def line and the return line."""
    spans = []
    for i in range(1, len(lines) - 1):
        ind = len(lines[i]) - len(lines[i].lstrip())
        if lines[i].lstrip().startswith(("else:",)):
            continue
        j = i + 1
        while j < len(lines) - 1 and (len(lines[j]) - len(lines[j].lstrip()) > ind or lines[j].lstrip().startswith("else:") and len(lines[j]) - len(lines[j].lstrip()) == ind):
            j += 1
        spans.append((i, j))
    return spans


def minimize(src, inputs, tmpdir, budget=300):
    """Delete statements while the program still scripts and still differs from torch."""
    lines = src.rstrip("\n").split("\n")
    changed, tries = True, 0
    while changed and tries < budget:
        changed = False
        for (i, j) in sorted(_statement_spans(lines), key=lambda s: s[0] - s[1]):
            cand = lines[:i] + lines[j:]
            # a block left empty gets a pass
            cand = [c for c in cand]
            for k in range(len(cand) - 1):
                if cand[k].rstrip().endswith(":"):
                    ind = len(cand[k]) - len(cand[k].lstrip())
                    nxt = cand[k + 1]
                    if len(nxt) - len(nxt.lstrip()) <= ind:
                        cand.insert(k + 1, " " * (ind + 4) + "pass")
            text = "\n".join(cand) + "\n"
            tries += 1
            path, _ = script_and_save(text, tmpdir)
            if path and compare(path, inputs):
                lines, changed = cand, True
                break
            if tries >= budget:
                break
    return "\n".join(lines) + "\n"


# ---- driver ------------------------------------------------------------------------------------

def run(seed, count=None, minutes=None, tmpdir=None, do_minimize=True, log=print):
    """Generate and check programs; returns (programs run, programs torch refused, findings),
    findings as (index, source, inputs, text)."""
    rng = random.Random(seed)
    own = tmpdir is None
    tmp = tempfile.TemporaryDirectory() if own else None
    tmpdir = tmp.name if own else tmpdir
    deadline = time.time() + 60 * minutes if minutes else None
    ran = refused = 0
    findings = []
    i = 0
    try:
        while (count is None or i < count) and (deadline is None or time.time() < deadline):
            prng = random.Random(rng.randrange(2**63))
            src = Gen(prng).program()
            inputs = make_inputs(prng)
            path, why = script_and_save(src, tmpdir)
            if path is None:
                refused += 1
            else:
                ran += 1
                diff = compare(path, inputs)
                if diff:
                    small = minimize(src, inputs, tmpdir) if do_minimize else src
                    findings.append((i, small, inputs, diff))
                    log("finding in program %d: %s\n%s" % (i, diff, small))
            i += 1
    finally:
        if own:
            tmp.cleanup()
    return ran, refused, findings


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=None)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--show", type=int, default=None, help="print program N of the seed and its inputs")
    ap.add_argument("--no-minimize", action="store_true")
    args = ap.parse_args(argv)
    if args.show is not None:
        rng = random.Random(args.seed)
        for i in range(args.show + 1):
            prng = random.Random(rng.randrange(2**63))
            src = Gen(prng).program()
            inputs = make_inputs(prng)
        print(HEADER + src)
        print("# inputs:", inputs)
        return 0
    if args.count is None and args.minutes is None:
        args.count = 200
    t0 = time.time()
    ran, refused, findings = run(args.seed, args.count, args.minutes, do_minimize=not args.no_minimize)
    print("%d programs run by both engines (%d more refused by torch.jit.script), %d findings, %.0f s"
          % (ran, refused, len(findings), time.time() - t0))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    sys.exit(main())
