"""Write the committed torch 1.13 fixtures (tests/data/torch113/).

Run with Debian's python3-torch (1.13), which only Debian's own python3 sees:

    apt-get install python3-torch
    /usr/bin/python3 tests/data/make_old_fixtures.py

For each archive NAME.pt it writes NAME.npz beside it with what torch 1.13
computed: every state_dict entry under "state/<key>", the attributes listed
in NAME.json, and for models with an input, "input_<i>" and "output".
Tests load these with pyts alone (no torch needed) and compare exactly.
"""
import json
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch113")
torch.manual_seed(113)


class Attrs(torch.nn.Module):
    i: int
    f: float
    s: str

    def __init__(self):
        super().__init__()
        self.li: List[int] = [1, 2, 3]
        self.lf: List[float] = [0.5, -1.0]
        self.ls: List[str] = ["a", "bc"]
        self.d: Dict[str, int] = {"x": 1, "y": 2}
        self.t: Tuple[int, str] = (3, "three")
        self.opt: Optional[int] = None
        self.i = -7
        self.f = 2.5
        self.b = True
        self.s = "hello"
        self.w = torch.nn.Parameter(torch.randn(3, 4))
        self.register_buffer("buf", torch.arange(6, dtype=torch.int64).reshape(2, 3))
        self.register_buffer("h16", torch.randn(5).half())
        self.register_buffer("dbl", torch.randn(2, 2, dtype=torch.float64))
        self.register_buffer("flags", torch.tensor([True, False, True]))
        self.register_buffer("u8", torch.tensor([0, 7, 255], dtype=torch.uint8))
        self.register_buffer("view_t", self.w.detach().t())  # non-contiguous view of w's storage
        self.register_buffer("scalar", torch.tensor(3.25))
        self.register_buffer("empty", torch.zeros(0, 4))

    def forward(self, x):
        return x * self.f + self.i


class IntDiv(torch.nn.Module):
    """Integer division: files below version 4 truncate (upgrader div_0_3)."""

    def forward(self, a, b):
        return a / b


class FullNoDtype(torch.nn.Module):
    """full() without dtype: files below version 5 make a float tensor (full_0_4)."""

    def forward(self, n: int):
        return torch.full([2, n], 3)


class SmallNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.fc(y)


class ControlFlow(torch.nn.Module):
    def forward(self, x, n: int):
        acc = torch.zeros_like(x)
        for i in range(n):
            if i % 2 == 0:
                acc = acc + x
            else:
                acc = acc - 0.5 * x
        return acc


def save(name, module, inputs=None, attrs=()):
    path = os.path.join(OUT, name + ".pt")
    module.save(path)
    arrays = {}
    loaded = torch.jit.load(path)
    for k, v in loaded.state_dict().items():
        arrays["state/" + k] = v.detach().numpy()
    meta = {"attrs": {}}
    for a in attrs:
        meta["attrs"][a] = getattr(loaded, a)
    if inputs is not None:
        for i, x in enumerate(inputs):
            if isinstance(x, torch.Tensor):
                arrays["input_%d" % i] = x.numpy()
            else:
                meta.setdefault("scalar_inputs", {})[str(i)] = x
        out = loaded(*inputs)
        arrays["output"] = out.detach().numpy()
        meta["num_inputs"] = len(inputs)
    np.savez(os.path.join(OUT, name + ".npz"), **arrays)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def with_version(name, new_name, version, expected):
    """Rewrite an archive's version record, as an older writer would have
    produced it (torch <= 1.5 wrote version 3 for div, <= 1.6 version 4 for
    full); `expected` is the old semantics computed explicitly."""
    import zipfile

    src = os.path.join(OUT, name + ".pt")
    dst = os.path.join(OUT, new_name + ".pt")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("/version"):
                data = b"%d\n" % version
            zout.writestr(item.filename.replace(name + "/", new_name + "/", 1), data, compress_type=item.compress_type)
    arrays = dict(np.load(os.path.join(OUT, name + ".npz")))
    arrays["output"] = expected
    np.savez(os.path.join(OUT, new_name + ".npz"), **arrays)
    with open(os.path.join(OUT, name + ".json")) as f:
        meta = json.load(f)
    meta["version"] = version
    with open(os.path.join(OUT, new_name + ".json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    save("attrs", torch.jit.script(Attrs()), attrs=["i", "f", "b", "s", "li", "lf", "ls", "d", "t", "opt", "training"])
    save("intdiv", torch.jit.script(IntDiv()), [torch.tensor([7, -7, 9]), torch.tensor([2, 2, -4])])
    save("full_nodtype", torch.jit.script(FullNoDtype()), [3])
    net = SmallNet().eval()
    x = torch.randn(2, 3, 8, 8)
    save("smallnet_traced", torch.jit.trace(net, x), [x])
    save("controlflow", torch.jit.script(ControlFlow()), [torch.randn(3), 5])
    a, b = torch.tensor([7, -7, 9]), torch.tensor([2, 2, -4])
    with_version("intdiv", "intdiv_v3", 3, torch.div(a, b, rounding_mode="trunc").numpy())
    with_version("full_nodtype", "full_nodtype_v4", 4, torch.full([2, 3], 3.0).numpy())
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
