"""Write the seeds of fuzz_pt2 (tests/fuzz/corpus/fuzz_pt2): small torch.export
archives (.pt2) saved by torch.export.save, each named by 16 hex digits of its
SHA-1.  Run from the repository root with the installed torch (>= 2.9):

    python3 tests/fuzz/make_pt2_seeds.py

The programs cover what the loader reads: parameters, persistent and
non-persistent buffers, a buffer mutated in place (TRAINING IR) and as a
mutation output (ATEN IR), a dynamic batch (range constraints, symbolic sizes,
sym_size and _operator nodes), number literals in Tensor slots, list outputs
(split), keyword and nested inputs, dict/tuple outputs, higher-order ops
(cond, a while_loop with a cond in its body, a no_grad block, map, scan,
associative_scan, an autocast block, hints_wrapper, out_dtype).  All tiny (a
few KB).  The archives of torch 2.6 and 2.8 in tests/data/pt2_versions (the
flat zip of 2.6/2.7, the pickled payloads of 2.6-2.8) are copied in too.
"""
import glob
import hashlib
import io
import os

import torch
import torch.nn as nn
from torch.export import Dim, export, save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_pt2")


class Lin(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(3, 2)

    def forward(self, x):
        return torch.relu(self.l(x)) * 2


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(2))
        self.register_buffer("scale", torch.full((2,), 0.5), persistent=False)

    def forward(self, x):
        self.count.add_(1)
        return x + self.count * self.scale, x.sum()


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 3, padding=1)
        self.bn = nn.BatchNorm2d(2)

    def forward(self, x):
        return torch.flatten(nn.functional.adaptive_avg_pool2d(torch.relu(self.bn(self.c(x))), 1), 1)


class Sym(nn.Module):
    def forward(self, x, y):
        z = torch.cat([x, y], 0)
        a, b = torch.split(z, 3, dim=1)
        return z.t(), a.sum() + b.mean(), z.reshape(z.shape[0] * 2, -1), z.shape[0] // 2


class Nested(nn.Module):
    def forward(self, x, pair, *, bias):
        return {"h": x + bias, "p": (pair[0] * pair[1], pair[0].clamp(min=0))}


class Cond(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)

    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda v: self.l(v), lambda v: v.cos(), (x,))


class Loop(nn.Module):
    def forward(self, n, x):
        from torch._higher_order_ops.while_loop import while_loop

        def body(i, v):
            return i + 1, torch.cond(v.sum() > 0, lambda u: u - 1, lambda u: u * 2, (v,))

        return while_loop(lambda i, v: i < n, body, (torch.zeros((), dtype=torch.int64), x))


class NoGrad(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)

    def forward(self, x):
        with torch.no_grad():
            y = self.l(x)
        return y + 1


class HopMix(nn.Module):
    """map, scan, associative_scan, autocast, hints_wrapper and out_dtype in one program."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)

    def forward(self, xs, a8, b8):
        from torch._higher_order_ops.associative_scan import associative_scan
        from torch._higher_order_ops.hints_wrap import hints_wrapper
        from torch._higher_order_ops.map import map as hop_map
        from torch._higher_order_ops.out_dtype import out_dtype
        from torch._higher_order_ops.scan import scan

        m = hop_map(lambda x: x.sin() * 2, xs)
        c, ys = scan(lambda c, x: (c + x, c * x), xs[0], xs)
        s = associative_scan(lambda p, q: p * q, xs, dim=0)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            h = self.l(m)
        (w,) = hints_wrapper(lambda v: (v.relu(),), (ys,), {}, hints={"k": 1})
        return m, c, s, h.float(), w, out_dtype(torch.ops.aten.mm.default, torch.int32, a8, b8)


def programs():
    torch.manual_seed(0)
    yield export(Lin().eval(), (torch.randn(2, 3),))
    yield export(Counter(), (torch.randn(2),))
    yield export(Counter(), (torch.randn(2),)).run_decompositions()
    ep = export(ConvBN().eval(), (torch.randn(2, 1, 4, 4),), dynamic_shapes={"x": {0: Dim("b", min=1, max=4)}})
    yield ep
    yield ep.run_decompositions()
    n = Dim("n", min=2, max=8)
    yield export(Sym(), (torch.randn(4, 6), torch.randn(4, 6)), dynamic_shapes={"x": {0: n}, "y": {0: n}})
    yield export(Nested(), (torch.randn(2), (torch.randn(2), torch.randn(2))), {"bias": torch.randn(2)})
    yield export(Cond().eval(), (torch.randn(2, 2),))
    yield export(Loop(), (torch.tensor(2), torch.randn(2)))
    yield export(NoGrad().eval(), (torch.randn(2, 2),))
    hop_args = (torch.randn(3, 2), torch.ones(2, 3, dtype=torch.int8), torch.ones(3, 2, dtype=torch.int8))
    yield export(HopMix().eval(), hop_args)
    yield export(HopMix().eval(), hop_args).run_decompositions()


def older_archives():
    """The bytes of the fixtures written by torch 2.6 (the flat zip, torch.save'd payloads, bare
    Infinity) and 2.8 (a PT2 archive with torch.save'd payloads): the layouts 2.9 and later no longer
    write."""
    here = os.path.dirname(os.path.abspath(__file__))
    for version in ("2.6", "2.8"):
        for path in sorted(glob.glob(os.path.join(here, "..", "data", "pt2_versions", version, "*.pt2"))):
            with open(path, "rb") as f:
                yield f.read()


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = []
    for ep in programs():
        buf = io.BytesIO()
        save(ep, buf)
        seeds.append(buf.getvalue())
    for data in seeds + list(older_archives()):
        with open(os.path.join(OUT, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
