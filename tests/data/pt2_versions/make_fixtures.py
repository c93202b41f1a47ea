"""Write the .pt2 fixtures of one torch version (tests/data/pt2_versions/<X.Y>/).

Run with the python of a torch of that version (a separate venv: see
docs/pt2.md, "Archives of older torch"), from the repository root:

    /tmp/venv-t26/bin/python tests/data/pt2_versions/make_fixtures.py

For each program NAME it writes NAME.pt2 (torch.export.save of
torch.export.export) and NAME.npz with the inputs and what that torch's
ExportedProgram.module() computed, call after call (a program with a mutated
buffer is called three times; a dynamic one at several sizes): the tensors of
call i as "c<i>/args/<path>", "c<i>/kwargs/<path>", "c<i>/out/<path>".
NAME.json records each call's nesting (tuples, lists, dicts, ints: see flat()),
the torch version, the schema version of the JSON graph, the dialect and the
archive's records.  Weights are tiny; each archive is a few KB.
"""
import json
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
from torch.export import Dim, export, save

VERSION = ".".join(torch.__version__.split("+")[0].split(".")[:2])
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), VERSION)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(4, 8)
        self.l2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.l2(torch.relu(self.l1(x)))


class ConvNet(nn.Module):
    """conv + BatchNorm (running statistics: buffers) + pool + linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class Counter(nn.Module):
    """A buffer updated in place at every call, a non-persistent buffer, a
    tuple output."""

    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(3))
        self.register_buffer("scale", torch.full((3,), 0.5), persistent=False)

    def forward(self, x):
        self.count.add_(1)
        return x * 2 + self.count * self.scale, x.sum()


class Pytree(nn.Module):
    """A dict and a tuple in, keyword input, dict/tuple/list out, a tensor
    constant (torch.tensor built in forward)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.register_buffer("table", torch.arange(8, dtype=torch.int64).reshape(2, 4))

    def forward(self, inp, pair, *, bias):
        h = self.lin(inp["x"]) + bias + inp["y"]
        a, b = pair
        idx = self.table[0] + 1
        w = torch.tensor([1.0, -2.0, 0.5, 3.0])  # a tensor constant of the program
        return {"h": h * w, "pair": (a * b, torch.cat([a, b], 0))}, [h.sum(1), idx * 2]


class DynSeq(nn.Module):
    """Symbolic batch and sequence sizes: reshape on them, split, a SymInt output."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Linear(6, 6)

    def forward(self, x):
        b, s, d = x.shape
        h = self.emb(x).reshape(b * s, d)
        p, q = torch.split(h, 3, dim=1)
        return (p * q.sigmoid()).reshape(b, s, 3).mean(1), s * 2 + b


class Attn(nn.Module):
    """A masked softmax: -inf in the graph (torch 2.6 wrote it as a bare
    -Infinity token), clamp to +inf, a float scale."""

    def __init__(self):
        super().__init__()
        self.qk = nn.Linear(4, 8)

    def forward(self, x, mask):
        q, k = self.qk(x).chunk(2, dim=-1)
        s = (q @ k.transpose(-1, -2)) * 0.5
        s = s.masked_fill(~mask, float("-inf")).clamp(max=float("inf"))
        return torch.softmax(s, dim=-1) @ k


def flat(tree, prefix, out):
    """Tensors of `tree` into out[<prefix>/<path>]; returns the structure:
    ["tensor", key], ["tuple", [...]], ["list", [...]], ["dict", [[k, ...]]],
    ["int", n], ["float", x], ["bool", b]."""
    if isinstance(tree, torch.Tensor):
        out[prefix] = tree.detach().numpy()
        return ["tensor", prefix]
    if isinstance(tree, (tuple, list)):
        kind = "tuple" if isinstance(tree, tuple) else "list"
        return [kind, [flat(t, "%s/%d" % (prefix, i), out) for i, t in enumerate(tree)]]
    if isinstance(tree, dict):
        return ["dict", [[k, flat(t, "%s/%s" % (prefix, k), out)] for k, t in tree.items()]]
    if isinstance(tree, bool):
        return ["bool", tree]
    if isinstance(tree, int):
        return ["int", tree]
    if isinstance(tree, float):
        return ["float", tree]
    raise TypeError("cannot record a %s" % type(tree).__name__)


def seeded(cls):
    torch.manual_seed(0)
    m = cls()
    with torch.no_grad():
        for name, b in m.named_buffers():
            if b.is_floating_point() and "running" in name:
                b.copy_(torch.rand_like(b) + 0.5)
    return m.eval()


def write(name, model, calls, dynamic_shapes=None, aten=False, **meta):
    """calls: [(args, kwargs)]; the first is the export example.  aten: the
    ATEN dialect (run_decompositions: mutations as outputs)."""
    args, kwargs = calls[0]
    ep = export(model, args, kwargs, dynamic_shapes=dynamic_shapes)
    if aten:
        ep = ep.run_decompositions()
    path = os.path.join(OUT, name + ".pt2")
    save(ep, path)
    mod = torch.export.load(path).module()
    arrays, trees = {}, []
    for i, (a, k) in enumerate(calls):
        tree = dict(args=flat(a, "c%d/args" % i, arrays), kwargs=flat(k, "c%d/kwargs" % i, arrays))
        with torch.no_grad():
            tree["out"] = flat(mod(*a, **k), "c%d/out" % i, arrays)
        trees.append(tree)
    np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sv = None
        for n in names:
            if n.endswith("models/model.json") or n.endswith("serialized_exported_program.json"):
                sv = json.loads(z.read(n))["schema_version"]
    info = dict(torch=torch.__version__, schema_version=sv, dialect=ep.dialect, calls=trees,
                records=sorted(names), **meta)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(1)

    def r(*s):
        return torch.randn(*s, generator=g)

    write("mlp", seeded(MLP), [((r(2, 4),), {})])
    batch = Dim("batch", min=1, max=8)
    write("convnet_dynbatch", seeded(ConvNet), [((r(2, 2, 5, 5),), {}), ((r(3, 2, 5, 5),), {}), ((r(1, 2, 5, 5),), {})],
          dynamic_shapes={"x": {0: batch}})
    x = r(2, 3)
    write("counter", seeded(Counter), [((x,), {}), ((x,), {}), ((x * 3,), {})])
    write("counter_aten", seeded(Counter), [((x,), {}), ((x,), {}), ((x * 3,), {})], aten=True)
    write("pytree", seeded(Pytree),
          [(({"x": r(2, 4), "y": r(2, 4)}, (r(2, 3), r(2, 3))), {"bias": r(4)})])
    mask = torch.tensor([[True, False, True], [True, True, False], [False, True, True]])
    write("attn", seeded(Attn), [((r(2, 3, 4), mask), {})])
    write("dynseq", seeded(DynSeq), [((r(2, 5, 6),), {}), ((r(3, 7, 6),), {}), ((r(1, 2, 6),), {})],
          dynamic_shapes={"x": {0: Dim("b", min=1, max=16), 1: Dim("s", min=2, max=32)}})
    print("wrote", OUT, "with torch", torch.__version__)


if __name__ == "__main__":
    sys.exit(main())
