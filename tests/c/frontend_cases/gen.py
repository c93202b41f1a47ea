"""Save real TorchScript archives and check that pyts's frontend parses and
imports every code/*.py file torch printed into them.

    python3 tests/c/frontend_cases/gen.py [--out /tmp/pyts_frontend_cases]
                                          [--parser /tmp/parse_files]

Scripts a set of modules covering the printed language (control flow with
break/continue/early return, loops over lists/dicts/ranges, dicts, lists,
strings, classes with __init__, NamedTuple, Enum, interfaces, forward hooks,
with-statements, fork/wait, isinstance/Optional refinement, raise/assert,
constants of every literal kind) plus torchvision resnet18 traced and
scripted, saves them under --out, extracts every code/*.py and runs the C
driver tests/c/parse_files.c (build command at its top) over all of them.
Exit status 1 if any file fails.  Needs torch (torchvision optional).
"""
import argparse
import glob
import os
import subprocess
import sys
import warnings
import zipfile
from enum import Enum
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import torch

warnings.filterwarnings("ignore")


class Point(NamedTuple):
    x: int
    y: float


class Color(Enum):
    RED = 1
    GREEN = 2


class Mode(Enum):
    A = "a"
    B = "b"


@torch.jit.interface
class SubIface(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Sub(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1


@torch.jit.script
class Acc:
    def __init__(self, start: int):
        self.total = start
        self.items: List[int] = []

    def add(self, v: int) -> int:
        self.total += v
        self.items.append(v)
        return self.total


@torch.jit.script
class Ctx:
    def __init__(self, n: int):
        self.n = n

    def __enter__(self):
        self.n += 1

    def __exit__(self, a: Any, b: Any, c: Any):
        self.n -= 1


@torch.jit.script
def helper(x: torch.Tensor, k: int = 2) -> torch.Tensor:
    return x * k


class ControlFlow(torch.nn.Module):
    __constants__ = ["k", "tup", "s", "ninf", "dev", "f", "b", "neg", "big"]
    sub_i: SubIface

    def __init__(self):
        super().__init__()
        self.k = 3
        self.tup = (1, -2.5, "a\n\x01\"'\\")
        self.s = "hi"
        self.ninf = float("-inf")
        self.dev = torch.device("cpu")
        self.f = 1e-05
        self.b = True
        self.neg = -9223372036854775807 - 1
        self.big = 1e300
        self.sub_i = Sub()
        self.lin = torch.nn.Linear(2, 3)
        self.seq = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh())
        self.mods = torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.Sigmoid()])
        self.md = torch.nn.ModuleDict({"a": torch.nn.ReLU()})
        self.register_buffer("buf", torch.zeros(2))
        self.color = Color.RED
        self.d: Dict[str, List[int]] = {"a": [1, 2]}
        self.opt: Optional[torch.Tensor] = None

    def forward(self, x: torch.Tensor, c: int = 3, p: Optional[Point] = None) -> Tuple[torch.Tensor, int, str]:
        acc = 0
        for i in range(c):
            if i == 2:
                continue
            if i > 10:
                break
            acc += i
        j = 0
        while j < c and acc < 100:
            j += 1
            acc = acc * 2 if acc % 2 == 0 else acc + 1
        d: Dict[str, int] = {"a": 1, "b": 2}
        for k, v in d.items():
            acc += v + len(k)
        l: List[int] = []
        for e in [1, 2, 3]:
            l.append(e)
        l2 = [e * 2 for e in l]
        dd = {str(e): e for e in l}
        q = Point(1, 2.0)
        if p is not None:
            acc += p.x
        if self.color == Color.RED:
            acc = acc + q.x
        a = Acc(acc)
        a.add(3)
        with Ctx(2):
            acc += 1
        y = self.sub_i(x) * self.k
        y = self.seq(y)
        for m in self.mods:
            y = m(y)
        y = self.md["a"](y)
        if self.opt is not None:
            y = y + self.opt
        if isinstance(x, torch.Tensor):
            y = y[0:1, ::2] if y.dim() > 1 else y
        fut = torch.jit.fork(helper, x, 3)
        z = torch.jit.wait(fut)
        s = "{} and {}".format(acc, self.s)
        if acc < -1000:
            raise ValueError("too small " + str(acc))
        assert acc >= 0, "negative"
        del l[0]
        t: List[float] = x.view(-1).tolist()
        return y + z.sum() + helper(x).sum() + self.lin(torch.ones(2)).sum(), acc + len(l2) + len(dd) + len(t), s

    @torch.jit.export
    def other(self, m: Mode, xs: List[torch.Tensor]) -> Optional[torch.Tensor]:
        if m == Mode.A:
            return torch.cat(xs, 0)
        return None


class Hooked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = torch.nn.Linear(2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x) * 2


def pre_hook(mod: torch.nn.Module, inp: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inp[0] + 1,)


def post_hook(mod: torch.nn.Module, inp: Tuple[torch.Tensor], out: torch.Tensor) -> torch.Tensor:
    return out - 1


class Outer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        h = Hooked()
        h.register_forward_pre_hook(pre_hook)
        h.register_forward_hook(post_hook)
        self.h = h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.h(x)


class Traced(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.gelu(x[:, 1:]) + x.shape[0]


def models():
    yield "controlflow", torch.jit.script(ControlFlow())
    yield "hooks", torch.jit.script(Outer())
    yield "traced", torch.jit.trace(Traced(), torch.ones(2, 3))
    try:
        import torchvision
    except ImportError:
        return
    r = torchvision.models.resnet18().eval()
    yield "resnet18_traced", torch.jit.trace(r, torch.ones(1, 3, 64, 64))
    yield "resnet18_scripted", torch.jit.script(r)
    m = torchvision.models.mobilenet_v3_small().eval()
    yield "mobilenet_v3_scripted", torch.jit.script(m)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/pyts_frontend_cases")
    ap.add_argument("--parser", default="/tmp/parse_files")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    files = []
    for name, m in models():
        path = os.path.join(args.out, name + ".pt")
        m.save(path)
        dest = os.path.join(args.out, name)
        with zipfile.ZipFile(path) as z:
            for entry in z.namelist():
                if "/code/" in entry and entry.endswith(".py"):
                    z.extract(entry, dest)
                    files.append(os.path.join(dest, entry))
        print(f"{name}: saved {path}")
    if not os.path.exists(args.parser):
        print(f"{len(files)} files extracted; build {args.parser} (see tests/c/parse_files.c) to check them")
        return 0
    res = subprocess.run([args.parser] + sorted(files), capture_output=True, text=True)
    bad = [l for l in res.stdout.splitlines() if not l.startswith("ok ")]
    print("\n".join(bad))
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
