"""Differential fuzzing against torch: random, well-typed TorchScript programs, scripted and
saved by torch, run by torch and by pyts; any difference is a finding (issue 12).

    python3 tools/difffuzz.py --seed 1 --count 500          # run by hand (long)
    python3 tools/difffuzz.py --seed 1 --count 1 --show 17  # print program 17 of seed 1

Each program is a module whose forward(x: Tensor[3, 4], n: int) declares variables of the
types int, float, bool, str, List[int], Dict[str, int] and Tensor, runs statements over them
(assignments, if/else, for and bounded while loops, list and dict mutation, in-place tensor
ops) and returns every variable.  Scalars come from literals and int arithmetic only (never
from tensors), so both engines compute them exactly; ints stay small (products are taken
modulo a constant).  A program is a finding when exactly one engine raises, or when a
returned value differs: ints, bools, strs, lists and dicts exactly (dict order too), floats
bit for bit (or both NaN), tensors in dtype and shape exactly and in value within
torch.testing's float32 defaults (rtol 1.3e-6, atol 1e-5; NaNs equal).
tests/parity/test_difffuzz.py runs a fixed seed in CI.
"""
import argparse
import importlib.util
import math
import os
import random
import sys
import tempfile
import traceback
import warnings

import numpy as np

INT, FLOAT, BOOL, STR, LIST, DICT, TENSOR = "int", "float", "bool", "str", "List[int]", "Dict[str, int]", "Tensor"
TYPES = [INT, FLOAT, BOOL, STR, LIST, DICT, TENSOR]
STRS = ['"a"', '"bc"', '""', '"xyz"', '"A1"', '"b"']


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.vars = {t: [] for t in TYPES}
        self.scoped = {INT: []}  # loop variables visible in the current block
        self.n = 0
        self.lines = []

    # ---- expressions -------------------------------------------------------------------------
    def pick(self, t):
        vs = self.vars[t] + (self.scoped[INT] if t == INT else [])
        return self.r.choice(vs) if vs else None

    def expr(self, t, d=0):
        r = self.r
        v = self.pick(t)
        if v is not None and r.random() < 0.35:
            return v
        leaf = d >= 3 or r.random() < 0.3
        return getattr(self, "e_" + {INT: "int", FLOAT: "float", BOOL: "bool", STR: "str", LIST: "list",
                                     DICT: "dict", TENSOR: "tensor"}[t])(d + 1, leaf)

    def e_int(self, d, leaf):
        r = self.r
        if leaf:
            return str(r.randint(-4, 9))
        a, b = (lambda: self.expr(INT, d)), (lambda: self.expr(INT, d))
        return r.choice([
            lambda: "(%s + %s)" % (a(), b()),
            lambda: "(%s - %s)" % (a(), b()),
            lambda: "((%s * %s) %% %d)" % (a(), b(), r.choice([7, 100, 1000])),
            lambda: "(%s // %d)" % (a(), r.choice([2, 3, -2, 5])),
            lambda: "(%s %% %d)" % (a(), r.choice([3, -4, 10])),
            lambda: "len(%s)" % self.expr(LIST, d),
            lambda: "len(%s)" % self.expr(STR, d),
            lambda: "len(%s)" % self.expr(DICT, d),
            lambda: "min(%s, %s)" % (a(), b()),
            lambda: "max(%s, %s)" % (a(), b()),
            lambda: "abs(%s)" % a(),
            lambda: "%s.get(%s, %s)" % (self.expr(DICT, d), self.expr(STR, d), a()),
            lambda: "%s.count(%s)" % (self.expr(LIST, d), a()),
            lambda: "%s.find(%s)" % (self.expr(STR, d), self.expr(STR, d)),
            lambda: "(%s if %s else %s)" % (a(), self.expr(BOOL, d), b()),
            lambda: self.list_item(d),
            lambda: "int(%s)" % self.expr(FLOAT, d),
            lambda: "len(%s.split(\"b\"))" % self.expr(STR, d),
            lambda: "(%s ^ %s)" % (a(), b()),
            lambda: "(%s << %d)" % (a(), r.randint(0, 3)),
            lambda: "(%s >> %d)" % (a(), r.randint(0, 3)),
            lambda: "round(%s)" % self.expr(FLOAT, d),
        ])()

    def list_item(self, d):
        lv = self.pick(LIST)
        if lv is None:
            return "0"
        return "(%s[%s %% len(%s)] if len(%s) > 0 else 0)" % (lv, self.expr(INT, d), lv, lv)

    def e_float(self, d, leaf):
        r = self.r
        if leaf:
            return repr(round(r.uniform(-3, 3), 2))
        a, b = (lambda: self.expr(FLOAT, d)), (lambda: self.expr(FLOAT, d))
        return r.choice([
            lambda: "(%s + %s)" % (a(), b()),
            lambda: "(%s - %s)" % (a(), b()),
            lambda: "(%s * %s)" % (a(), b()),
            lambda: "(%s / (%s * %s + 1.0))" % (a(), b(), b()),
            lambda: "float(%s)" % self.expr(INT, d),
            lambda: "abs(%s)" % a(),
            lambda: "min(%s, %s)" % (a(), b()),
            lambda: "(%s if %s else %s)" % (a(), self.expr(BOOL, d), b()),
            lambda: "(%s / %s)" % (self.expr(INT, d), self.expr(INT, d)),
            lambda: "(%s ** %d)" % (self.expr(INT, d), r.randint(-1, 3)),
            lambda: "(%s ** 2.0)" % a(),
            lambda: "(%s %% %s)" % (a(), repr(r.choice([1.5, -2.0, 0.7]))),
            lambda: "(%s // %s)" % (a(), repr(r.choice([1.5, -2.0, 0.7]))),
        ])()

    def e_bool(self, d, leaf):
        r = self.r
        if leaf:
            return r.choice(["True", "False"])
        return r.choice([
            lambda: "(%s < %s)" % (self.expr(INT, d), self.expr(INT, d)),
            lambda: "(%s == %s)" % (self.expr(INT, d), self.expr(INT, d)),
            lambda: "(%s <= %s)" % (self.expr(FLOAT, d), self.expr(FLOAT, d)),
            lambda: "(not %s)" % self.expr(BOOL, d),
            lambda: "(%s and %s)" % (self.expr(BOOL, d), self.expr(BOOL, d)),
            lambda: "(%s or %s)" % (self.expr(BOOL, d), self.expr(BOOL, d)),
            lambda: "(%s == %s)" % (self.expr(STR, d), self.expr(STR, d)),
            lambda: "(%s in %s)" % (self.expr(INT, d), self.expr(LIST, d)),
            lambda: "(%s in %s)" % (self.expr(STR, d), self.expr(DICT, d)),
            lambda: "%s.startswith(%s)" % (self.expr(STR, d), self.expr(STR, d)),
            lambda: "(%s == %s)" % (self.expr(LIST, d), self.expr(LIST, d)),
        ])()

    def e_str(self, d, leaf):
        r = self.r
        if leaf:
            return r.choice(STRS)
        return r.choice([
            lambda: "(%s + %s)" % (self.expr(STR, d), self.expr(STR, d)),
            lambda: "str(%s)" % self.expr(INT, d),
            lambda: "%s[:%d]" % (self.expr(STR, d), r.randint(-2, 3)),
            lambda: "%s.upper()" % self.expr(STR, d),
            lambda: "%s.lower()" % self.expr(STR, d),
            lambda: "%s.replace(\"a\", \"b\")" % self.expr(STR, d),
            lambda: "str(%s)" % self.expr(FLOAT, d),
            lambda: "str(%s)" % self.expr(BOOL, d),
            lambda: "%s[::%d]" % (self.expr(STR, d), r.choice([-1, 2, -2])),
            lambda: "%s.strip(\"a\")" % self.expr(STR, d),
        ])()

    def e_list(self, d, leaf):
        r = self.r
        if leaf:
            return "[%s]" % ", ".join(str(r.randint(-3, 9)) for _ in range(r.randint(1, 3)))
        return r.choice([
            lambda: "[%s]" % ", ".join(self.expr(INT, d) for _ in range(r.randint(1, 3))),
            lambda: "(%s + %s)" % (self.expr(LIST, d), self.expr(LIST, d)),
            lambda: "%s[%d:%d]" % (self.expr(LIST, d), r.randint(-3, 2), r.randint(-1, 4)),
            lambda: "sorted(%s)" % self.expr(LIST, d),
            lambda: "[j * %d for j in range(%d)]" % (r.randint(-2, 3), r.randint(0, 4)),
            lambda: "(%s * %d)" % (self.expr(LIST, d), r.randint(0, 2)),
            lambda: "%s[::%d]" % (self.expr(LIST, d), r.choice([-1, 2, -2, 3])),
        ])()

    def e_dict(self, d, leaf):
        r = self.r
        return "{%s}" % ", ".join("%s: %s" % (r.choice(STRS), self.expr(INT, d + 1)) for _ in range(r.randint(1, 3)))

    def e_tensor(self, d, leaf):
        r = self.r
        if leaf:
            return r.choice(["x", "torch.ones(3, 4)", "torch.arange(12.0).reshape(3, 4)"])
        a, b = (lambda: self.expr(TENSOR, d)), (lambda: self.expr(TENSOR, d))
        return r.choice([
            lambda: "(%s + %s)" % (a(), b()),
            lambda: "(%s - %s)" % (a(), b()),
            lambda: "(%s * %s)" % (a(), b()),
            lambda: "(%s * %s)" % (a(), self.expr(FLOAT, d)),
            lambda: "(%s + %s)" % (a(), self.expr(INT, d)),
            lambda: "torch.relu(%s)" % a(),
            lambda: "torch.tanh(%s)" % a(),
            lambda: "torch.sigmoid(%s)" % a(),
            lambda: "%s.abs()" % a(),
            lambda: "torch.clamp(%s, -1.0, 1.0)" % a(),
            lambda: "torch.where(%s > 0.0, %s, %s)" % (a(), b(), b()),
            lambda: "%s.flip([0])" % a(),
            lambda: "torch.cat([%s, %s], 0)[1:4]" % (a(), b()),
            lambda: "torch.softmax(%s, 1)" % a(),
            lambda: "%s.cumsum(0)" % a(),
            lambda: "%s.t().contiguous().t()" % a(),
            lambda: "torch.maximum(%s, %s)" % (a(), b()),
            lambda: "(%s.sum(0, keepdim=True) + %s)" % (a(), b()),
            lambda: "%s.mean(1, keepdim=True).expand(3, 4)" % a(),
            lambda: "torch.sqrt(%s.abs())" % a(),
            lambda: "(%s if %s else %s)" % (a(), self.expr(BOOL, d), b()),
            lambda: "(%s > 0.0).float()" % a(),
            lambda: "%s.long().float()" % a(),
            lambda: "torch.remainder(%s, 1.5)" % a(),
            lambda: "torch.fmod(%s, -1.5)" % a(),
            lambda: "torch.floor_divide(%s, 0.7)" % a(),
            lambda: "%s.round()" % a(),
            lambda: "torch.exp(%s)" % a(),
            lambda: "%s.pow(2)" % a(),
            lambda: "torch.sort(%s, 1)[0]" % a(),
            lambda: "%s.max(1, keepdim=True)[0].expand(3, 4)" % a(),
        ])()

    # ---- statements --------------------------------------------------------------------------
    def emit(self, ind, s):
        self.lines.append("    " * ind + s)

    def declare(self, ind):
        t = self.r.choice(TYPES)
        name = "v%d" % self.n
        self.n += 1
        if t == LIST and self.r.random() < 0.3:
            self.emit(ind, "%s: List[int] = []" % name)
        elif t == DICT and self.r.random() < 0.3:
            self.emit(ind, "%s: Dict[str, int] = {}" % name)
        else:
            self.emit(ind, "%s: %s = %s" % (name, t, self.expr(t)))
        self.vars[t].append(name)

    def stmt(self, ind, depth):
        r = self.r
        kinds = ["assign", "assign", "list", "list", "dict", "tensor"]
        if depth < 2:
            kinds += ["if", "for", "while"]
        k = r.choice(kinds)
        if k == "assign":
            t = r.choice([t for t in TYPES if self.vars[t]] or [INT])
            v = self.pick(t) if self.vars[t] else None
            if v is None or v in self.scoped[INT]:
                return
            if v not in self.vars[t]:
                return
            self.emit(ind, "%s = %s" % (v, self.expr(t)))
        elif k == "list" and self.vars[LIST]:
            lv = r.choice(self.vars[LIST])
            r.choice([
                lambda: self.emit(ind, "%s.append(%s)" % (lv, self.expr(INT))),
                lambda: self.emit(ind, "if len(%s) > 0:\n%s%s.pop()" % (lv, "    " * (ind + 1), lv)),
                lambda: self.emit(ind, "%s.insert(%s, %s)" % (lv, self.expr(INT), self.expr(INT))),
                lambda: self.emit(ind, "%s.reverse()" % lv),
                lambda: self.emit(ind, "%s.sort()" % lv),
                lambda: self.emit(ind, "%s.extend(%s)" % (lv, self.expr(LIST))),
                lambda: self.emit(ind, "if len(%s) > 0:\n%s%s[%s %% len(%s)] = %s" % (
                    lv, "    " * (ind + 1), lv, self.expr(INT), lv, self.expr(INT))),
                lambda: self.emit(ind, "if len(%s) > 6:\n%s%s.clear()" % (lv, "    " * (ind + 1), lv)),
                lambda: self.emit(ind, "if {v} in {l}:\n{i}{l}.remove({v})".format(
                    v=r.choice(["0", "1", "3", "-1"]), l=lv, i="    " * (ind + 1))),
            ])()
        elif k == "dict" and self.vars[DICT]:
            dv = r.choice(self.vars[DICT])
            key = self.expr(STR)
            r.choice([
                lambda: self.emit(ind, "%s[%s] = %s" % (dv, key, self.expr(INT))),
                lambda: self.emit(ind, "if %s in %s:\n%sdel %s[%s]" % (key, dv, "    " * (ind + 1), dv, key)),
            ])()
        elif k == "tensor" and self.vars[TENSOR]:
            tv = r.choice(self.vars[TENSOR])
            self.emit(ind, "%s = %s.clone()" % (tv, tv))
            r.choice([
                lambda: self.emit(ind, "%s.add_(%s)" % (tv, self.expr(FLOAT))),
                lambda: self.emit(ind, "%s.mul_(%s)" % (tv, self.expr(FLOAT))),
                lambda: self.emit(ind, "%s.clamp_(-2.0, 2.0)" % tv),
                lambda: self.emit(ind, "%s[%d] = %s[%d]" % (tv, r.randint(0, 2), tv, r.randint(0, 2))),
                lambda: self.emit(ind, "%s[%d, %d] = %s" % (tv, r.randint(0, 2), r.randint(0, 3), self.expr(FLOAT))),
            ])()
        elif k == "if":
            self.emit(ind, "if %s:" % self.expr(BOOL))
            self.block(ind + 1, depth + 1)
            if r.random() < 0.5:
                self.emit(ind, "else:")
                self.block(ind + 1, depth + 1)
        elif k == "for":
            iv = "i%d" % self.n
            self.n += 1
            self.emit(ind, "for %s in range(%d):" % (iv, r.randint(0, 4)))
            self.scoped[INT].append(iv)
            self.block(ind + 1, depth + 1)
            self.scoped[INT].pop()
        elif k == "while":
            wv = "w%d" % self.n
            self.n += 1
            self.emit(ind, "%s = 0" % wv)
            self.emit(ind, "while %s < %d and %s:" % (wv, r.randint(1, 4), self.expr(BOOL)))
            self.emit(ind + 1, "%s += 1" % wv)
            self.block(ind + 1, depth + 1)

    def block(self, ind, depth):
        n = len(self.lines)
        for _ in range(self.r.randint(1, 3)):
            self.stmt(ind, depth)
        if len(self.lines) == n:
            self.emit(ind, "pass")

    def program(self, nstmts=10):
        self.emit(2, "v_n: int = n")
        self.vars[INT].append("v_n")
        self.emit(2, "v_x: Tensor = x")
        self.vars[TENSOR].append("v_x")
        for _ in range(self.r.randint(3, 6)):
            self.declare(2)
        for _ in range(nstmts):
            if self.r.random() < 0.2:
                self.declare(2)
            else:
                self.stmt(2, 0)
        outs = [v for t in TYPES for v in self.vars[t]]
        self.emit(2, "return (%s,)" % ", ".join(outs))
        return ("import torch\nfrom torch import Tensor\nfrom typing import Dict, List\n\n\n"
                "class M(torch.nn.Module):\n    def forward(self, x: Tensor, n: int):\n" + "\n".join(self.lines) + "\n")


def program(seed, index):
    return Gen(random.Random(seed * 1000003 + index)).program()


# ---- running both engines ----------------------------------------------------------------------

def same(a, b, path="out"):
    """None if torch's value a and pyts's value b agree, else a description."""
    import torch
    if isinstance(a, torch.Tensor):
        if not isinstance(b, np.ndarray):
            return "%s: tensor vs %s" % (path, type(b).__name__)
        ta = a.detach().numpy()
        if ta.dtype != b.dtype or ta.shape != b.shape:
            return "%s: %s%s vs %s%s" % (path, ta.dtype, ta.shape, b.dtype, b.shape)
        try:
            torch.testing.assert_close(torch.from_numpy(np.array(b)), a, rtol=1.3e-6, atol=1e-5,
                                       equal_nan=True)
        except AssertionError as e:
            return "%s: %s" % (path, str(e).splitlines()[0:3])
        return None
    if isinstance(a, (tuple, list)):
        if not isinstance(b, (tuple, list)) or len(a) != len(b):
            return "%s: %r vs %r" % (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a.keys()) != list(b.keys()):
            return "%s: %r vs %r" % (path, a, b)
        for k in a:
            d = same(a[k], b[k], "%s[%r]" % (path, k))
            if d:
                return d
        return None
    if type(a) is int and isinstance(b, float) and float(a) == b:
        return None  # torch's peephole folds `x / 1` to x and hands back an int where the type says float
    if isinstance(a, float):
        if isinstance(b, float) and (a == b and math.copysign(1, a) == math.copysign(1, b) or (a != a and b != b)):
            return None
        return "%s: %r vs %r" % (path, a, b)
    if type(a) is not type(b) or a != b:
        return "%s: %r (%s) vs %r (%s)" % (path, a, type(a).__name__, b, type(b).__name__)
    return None


def run_one(src, workdir, name, inputs):
    """('ok' | 'skip' | 'finding', detail): script+save with torch, run both."""
    import torch
    import pyts
    path = os.path.join(workdir, name + ".py")
    with open(path, "w") as f:
        f.write(src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sm = torch.jit.script(mod.M())
            pt = os.path.join(workdir, name + ".pt")
            torch.jit.save(sm, pt)
            tm = torch.jit.load(pt)
    except Exception as e:  # noqa: BLE001 - the generator wrote something torch refuses
        return "skip", "torch refuses: %s" % next((ln for ln in str(e).splitlines() if ln.strip()), "")
    m = pyts.load(pt)
    results = []
    for x, n in inputs:
        try:
            want, terr = tm(torch.from_numpy(x.copy()), n), None
        except Exception as e:  # noqa: BLE001
            want, terr = None, e
        try:
            got, perr = m.forward(x.copy(), n), None
        except pyts.Error as e:
            got, perr = None, e
        if (terr is None) != (perr is None):
            return "finding", "n=%d: torch %s, pyts %s" % (
                n, "raised " + str(terr).splitlines()[-1][:200] if terr else "returned",
                "raised " + str(perr).splitlines()[0][:200] if perr else "returned")
        if terr is None:
            d = same(want, got)
            if d:
                return "finding", "n=%d: %s" % (n, d)
        results.append(terr is None)
    return "ok", results


def inputs(seed):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((3, 4)).astype(np.float32), n) for n in (0, 3, -2)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--show", type=int, default=None, help="print program SHOW of --seed and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="say why torch refused a program")
    args = ap.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:  # the source tree's pyts (built in place), as tests/ use it
        sys.path.insert(0, root)
    if args.show is not None:
        print(program(args.seed, args.show))
        return 0
    counts = {"ok": 0, "skip": 0, "finding": 0}
    with tempfile.TemporaryDirectory() as wd:
        for i in range(args.start, args.start + args.count):
            src = program(args.seed, i)
            try:
                kind, detail = run_one(src, wd, "p%d_%d" % (args.seed, i), inputs(args.seed * 7919 + i))
            except Exception:  # noqa: BLE001 - a crash of the harness is a finding too
                kind, detail = "finding", traceback.format_exc()
            counts[kind] += 1
            if kind == "skip" and args.verbose:
                print("skip %d: %s" % (i, detail))
            if kind == "finding":
                print("FINDING seed %d program %d: %s" % (args.seed, i, detail))
    print("programs: %d run, %d skipped (torch refused), %d findings" % (counts["ok"] + counts["finding"],
                                                                         counts["skip"], counts["finding"]))
    return 1 if counts["finding"] else 0


if __name__ == "__main__":
    sys.exit(main())
