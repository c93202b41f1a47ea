"""Write the committed fuzz seeds and models (tests/fuzz/models, tests/fuzz/corpus).

Run with the installed torch (2.x) from the repository root:

    python3 tests/fuzz/make_seeds.py

models/NAME.pt   small archives saved by torch.jit.save, used by fuzz_run (load once,
                 run forward on fuzzer-chosen inputs) and as seeds of the archive targets;
models/NAME.args forward's arguments, one line each: "T d0 d1 ..." a float32 tensor of that
                 shape, "i v" an int (fuzz_run keeps the kind and picks its own values, ints
                 in 0..31 so loops stay short; the fault-injection and corpus tests use them
                 as given).
corpus/<target>/ seeds: whole archives (fuzz_zip, fuzz_load), their data.pkl and
                 constants.pkl records (fuzz_unpickle), their code/ files (fuzz_parse),
                 input descriptions (fuzz_run); named by 16 hex digits.  The corpus also
                 holds inputs found by longer fuzzing runs and minimized with -merge=1
                 (40 hex digits); those stay when this script runs again.  fuzz_unpickle's
                 and fuzz_run's inputs start with the index of a model in models/ sorted by
                 name: adding a model shifts them (harmless, they stay valid inputs).  The torch 1.13 fixtures of tests/data are
                 copied into models/ too, so old-format files are covered.

Everything stays small (a few hundred KB); re-running overwrites the files with the same
content except for the random weights.
"""
import glob
import hashlib
import io
import os
import shutil
import struct
import zipfile
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = os.path.join(HERE, "models")
CORPUS = os.path.join(HERE, "corpus")
torch.manual_seed(6)


class OpsMix(torch.nn.Module):
    """Elementwise, reduce, shape, index and create ops on one input of any shape."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.randn(1))

    def forward(self, x):
        y = torch.nan_to_num(x.float()) * self.scale + 1.0
        z = torch.clamp(y, -3.0, 3.0).abs().sqrt()
        out: List[torch.Tensor] = [z.sum(), z.mean(), y.amax() if y.numel() > 0 else y.sum()]
        if y.dim() >= 1 and y.size(0) > 0:
            out.append(y[0].flatten())
            out.append(y.flip([0]).cumsum(0).flatten()[:5])
            out.append(torch.softmax(y, -1).flatten()[:4])
            v, i = y.max(0)
            out.append(v.flatten() + i.flatten().float())
            out.append(torch.index_select(y, 0, torch.tensor([0])).flatten())
        if y.dim() >= 2:
            t = y.transpose(0, 1).contiguous()
            out.append(t.reshape(-1)[:7])
            out.append(torch.cat([y, y], 1).sum(1))
            out.append(torch.where(y > 0, y, torch.zeros_like(y)).sum(0))
        out.append(torch.arange(3).float() + y.numel())
        return torch.cat([o.reshape(-1) for o in out])


class Point(NamedTuple):
    x: int
    y: float


class Containers(torch.nn.Module):
    """Attributes of many kinds (pickle coverage) and container-heavy code (compiler)."""

    names: List[str]
    table: Dict[str, List[int]]
    pair: Tuple[int, Optional[float]]
    p: Point

    def __init__(self):
        super().__init__()
        self.names = ["a", "bb", "ccc"]
        self.table = {"x": [1, 2], "y": []}
        self.pair = (4, None)
        self.p = Point(1, 2.5)
        self.lin = torch.nn.Linear(3, 2)
        self.register_buffer("mask", torch.tensor([True, False, True]))
        self.register_buffer("ints", torch.arange(12, dtype=torch.int32).reshape(3, 4)[:, 1:])

    def forward(self, x, n: int):
        acc = torch.zeros(2)
        i = 0
        while i < n:
            if i % 3 == 0:
                acc = acc + self.lin(x.reshape(-1)[:3].float() if x.numel() >= 3 else torch.ones(3))
            elif i % 3 == 1:
                acc = acc - float(len(self.table["x"]))
            else:
                acc = acc * self.p.y
            i += 1
        d: Dict[str, int] = {}
        for k in self.names:
            d[k] = len(k) + n
        return acc, d, [s.upper() for s in self.names], self.ints.sum() + self.mask.sum()


ARGS = {
    "opsmix": ["T 3 5"],
    "containers": ["T 6", "i 4"],
    "smallnet_traced": ["T 2 3 8 8"],
    "controlflow": ["T 4", "i 5"],
    "intdiv": ["T 5", "T 5"],
    "intdiv_v3": ["T 5", "T 5"],
    "full_nodtype": ["i 3"],
    "full_nodtype_v4": ["i 3"],
    "attrs": ["T 3 4"],
    "my_module": ["T 20"],
}


def write_args(name):
    with open(os.path.join(MODELS, name + ".args"), "w") as f:
        f.write("\n".join(ARGS[name]) + "\n")


def save(mod, name, script=True, example=None):
    m = torch.jit.script(mod) if script else torch.jit.trace(mod, example)
    path = os.path.join(MODELS, name + ".pt")
    torch.jit.save(m, path)
    write_args(name)
    return path


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def run_input(model_index, dtype, fill, sizes, ints, layout):
    """An input description for fuzz_run (see fuzz_run.c for the layout)."""
    return bytes([model_index, dtype, fill, len(sizes)] + list(sizes) + list(ints) + [layout]) + bytes(range(0, 256, 7))


def main():
    os.makedirs(MODELS, exist_ok=True)
    for f in glob.glob(os.path.join(MODELS, "*")):
        os.remove(f)
    # drop the seeds this script wrote before (16 hex digits); inputs the fuzzers found and
    # `-merge=1` kept (40 hex digits, see docs/hardening.md) stay
    for f in glob.glob(os.path.join(CORPUS, "*", "*")):
        if len(os.path.basename(f)) == 16:
            os.remove(f)
    save(OpsMix(), "opsmix")
    save(Containers(), "containers")
    old = os.path.join(ROOT, "tests", "data", "torch113")
    for name in ["smallnet_traced", "controlflow", "intdiv", "intdiv_v3", "full_nodtype", "full_nodtype_v4", "attrs"]:
        shutil.copy(os.path.join(old, name + ".pt"), os.path.join(MODELS, name + ".pt"))
        write_args(name)
    shutil.copy(os.path.join(ROOT, "examples", "models", "my_module_model.pt"), os.path.join(MODELS, "my_module.pt"))
    write_args("my_module")

    archives = sorted(glob.glob(os.path.join(MODELS, "*.pt")))
    for path in archives:
        data = open(path, "rb").read()
        write("fuzz_zip", data)
        write("fuzz_load", data)
        z = zipfile.ZipFile(io.BytesIO(data))
        for n in z.namelist():
            rec = n.split("/", 1)[1]
            if rec in ("data.pkl", "constants.pkl"):
                # fuzz_unpickle: first byte picks the archive whose classes resolve GLOBALs
                write("fuzz_unpickle", bytes([archives.index(path) % 256]) + z.read(n))
            elif rec.startswith("code/") and rec.endswith(".py"):
                write("fuzz_parse", z.read(n))
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "c", "frontend_cases", "*.py"))):
        if not path.endswith("gen.py"):
            write("fuzz_parse", open(path, "rb").read())

    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(MODELS, "*.pt")))
    # the shape of each model's first tensor argument (none: a 0-dim tensor, unused)
    shapes = {n: next(([int(d) for d in a.split()[1:]] for a in ARGS[n] if a[0] == "T"), []) for n in names}
    for i, n in enumerate(names):
        for dtype, fill, layout in [(0, 0, 0), (0, 1, 1), (0, 2, 2), (3, 1, 0), (2, 7, 3), (1, 3, 4)]:
            write("fuzz_run", run_input(i, dtype, fill, shapes[n], [3, 2], layout))
    print("models:", names)
    for t in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, t))
        print(t, len(files), "files", sum(os.path.getsize(os.path.join(CORPUS, t, f)) for f in files), "bytes")


if __name__ == "__main__":
    main()
