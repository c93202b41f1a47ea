"""Generate real TorchScript pickles for tests/c/unpickle_files.c.

Saves a few modules with torch.jit.save into /tmp/pickle_cases/<case>/, extracts their
data.pkl and constants.pkl, and writes next to each pickle the dump that the C driver must
print for it (<name>.pkl.expect).  The expected dump is made by CPython's own pickle machine
with stub globals (no torch code runs on load), so the comparison checks the C unpickler
against an independent implementation on files written by the installed torch.

Also written per case: enums.txt (qualified names of the archive's Enum classes, which the
C driver cannot know without the code/ folder) and, for pickles that must fail,
<name>.pkl.xfail (a substring of the expected error message).

    python3 tests/c/pickle_cases/gen.py [outdir]      (default /tmp/pickle_cases)
"""
import io
import os
import pickle
import re
import sys
import warnings
import zipfile
from enum import Enum
from typing import Dict, List, Optional, Tuple

warnings.filterwarnings("ignore")
import torch  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pickle_cases"


# ---- modules to save ------------------------------------------------------------------


class Color(Enum):
    RED = 1
    GREEN = 2


class Tag(Enum):
    A = "a"
    B = "b"


@torch.jit.script
class GS(object):
    def __init__(self, a: int):
        self.a = a
        self.t = torch.ones(2)

    def __getstate__(self) -> Tuple[int, torch.Tensor, bool]:
        return (self.a, self.t, True)

    def __setstate__(self, s: Tuple[int, torch.Tensor, bool]) -> None:
        self.a = s[0]
        self.t = s[1]


class Attrs(torch.nn.Module):
    # class-level annotations: values like [] or {} give torch nothing to infer a type from
    le: List[int]
    lli: List[List[int]]
    dd: Dict[str, Dict[int, List[str]]]
    o: Optional[int]
    o2: Optional[List[int]]
    ot: Optional[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(3, 4))
        self.register_buffer("b", torch.arange(6).view(2, 3)[:, 1:])
        self.tied = self.w
        self.view_t = self.w.t()
        self.row = self.w[1]
        self.half = torch.ones(2, 2, dtype=torch.float16)
        self.bf = torch.zeros(3, dtype=torch.bfloat16)
        self.i8 = torch.tensor([-1, 2], dtype=torch.int8)
        self.bools = torch.tensor([True, False])
        self.scalar_t = torch.tensor(3.5)
        self.empty_t = torch.zeros(0, 4)
        self.cplx_t = torch.tensor([1 + 2j])
        self.li: List[int] = [1, 2, 300, -5, 2**40, -(2**63)]
        self.lf: List[float] = [1.5, -0.0, 1e-300, float("inf")]
        self.lb: List[bool] = [True, False]
        self.ls: List[str] = ["a", "b", "héllo"]
        self.lt: List[torch.Tensor] = [torch.zeros(2), self.w]
        self.le: List[int] = []
        self.lli: List[List[int]] = [[1], [], [2, 3]]
        self.d: Dict[str, int] = {"x": 1, "y": -2}
        self.dd: Dict[str, Dict[int, List[str]]] = {"x": {1: ["q"]}, "z": {}}
        self.dt: Dict[str, torch.Tensor] = {"k": self.w}
        self.di: Dict[int, float] = {3: 0.25}
        self.tup: Tuple[int, str, Tuple[float, bool]] = (1, "s", (2.0, False))
        self.o: Optional[int] = None
        self.o2: Optional[List[int]] = [4]
        self.ot = None
        self.c = complex(1, -2)
        self.dev = torch.device("cuda:1")
        self.dev2 = torch.device("cpu")
        self.f = 1.25
        self.s = "it's a \"str\"\n"
        self.col = Color.GREEN
        self.tag = Tag.B
        self.g = GS(3)
        self.ml = torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.ReLU()])
        self.md = torch.nn.ModuleDict({"a": torch.nn.Identity()})

    def forward(self, x):
        return x + self.w.sum() + float(self.col.value) + self.g.a


class Conj(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c = torch.tensor([1 + 2j]).conj()

    def forward(self, x):
        return x


def unicode_fn(x: torch.Tensor) -> str:
    return "héllo wörld"


def traced_const(x):
    return x + torch.tensor([1.0, 2.0, 3.0])


# ---- a reference unpickler: CPython's pickle with inert stubs ---------------------------


class Obj:
    qualname = "?"

    def __setstate__(self, state):
        self.state = state


class EnumVal:
    def __init__(self, qualname, value):
        self.qualname, self.value = qualname, value


class Typed:
    def __init__(self, type_str, value):
        self.type_str, self.value = type_str, value


class TensorRec:
    def __init__(self, storage, offset, size, stride, requires_grad, hooks, meta=None):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride


class StorageRec:
    def __init__(self, dtype, key, numel):
        self.dtype, self.key, self.numel = dtype, key, numel


class DeviceRec:
    def __init__(self, s):
        self.s = s


def storage_dtype(name):
    return str(getattr(torch, name).dtype).replace("torch.", "")


class RefUnpickler(pickle._Unpickler):
    """The pure-Python pickle machine; REDUCE also takes a bare argument, as torch writes enums."""

    def __init__(self, data, enums):
        super().__init__(io.BytesIO(data))
        self.enums = enums
        self.classes = {}

    def load_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        self.stack[-1] = func(*args) if isinstance(args, tuple) else func(args)

    dispatch = dict(pickle._Unpickler.dispatch)
    dispatch[pickle.REDUCE[0]] = load_reduce

    def find_class(self, module, name):
        qual = module + "." + name
        if module.startswith("__torch__"):
            if qual in self.enums:
                return lambda v: EnumVal(qual, v)
            if qual not in self.classes:
                self.classes[qual] = type(name, (Obj,), {"qualname": qual})
            return self.classes[qual]
        if qual == "torch._utils._rebuild_tensor_v2":
            return TensorRec
        if qual == "collections.OrderedDict":
            return lambda *a: None
        if qual == "torch.device":
            return DeviceRec
        if qual == "builtins.complex":
            return complex
        if module == "torch" and name.endswith("Storage"):
            return storage_dtype(name)
        lists = {"build_intlist": "int", "build_doublelist": "float", "build_boollist": "bool",
                 "build_tensorlist": "Tensor"}
        if module == "torch.jit._pickle" and name in lists:
            return lambda l: Typed("List[%s]" % lists[name], l)
        if qual == "torch.jit._pickle.restore_type_tag":
            return lambda c, t: Typed(t, c)
        raise pickle.UnpicklingError("forbidden global " + qual)

    def persistent_load(self, pid):
        assert pid[0] == "storage"
        return StorageRec(pid[1], pid[2], pid[4])


def fmt_float(f):
    return "%.17g" % f


def fmt_str(s):
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if 32 <= b < 127 and b not in (34, 92) else "\\x%02x" % b)
    return '"' + "".join(out) + '"'


def dump(v, seen, out, indent=0):
    pad = "  " * indent
    key = id(v.value) if isinstance(v, Typed) else id(v)
    if isinstance(v, (Typed, Obj, TensorRec, list, dict)):
        if key in seen:
            out.append("@%d" % seen[key])
            return
        seen[key] = len(seen)
    if v is None:
        out.append("None")
    elif isinstance(v, bool):
        out.append("True" if v else "False")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(fmt_float(v))
    elif isinstance(v, complex):
        out.append("complex(%s, %s)" % (fmt_float(v.real), fmt_float(v.imag)))
    elif isinstance(v, str):
        out.append(fmt_str(v))
    elif isinstance(v, DeviceRec):
        out.append("device(%s)" % v.s)
    elif isinstance(v, EnumVal):
        out.append("enum %s(" % v.qualname)
        dump(v.value, seen, out, indent)
        out.append(")")
    elif isinstance(v, TensorRec):
        s = v.storage
        out.append("tensor(%s, [%s], [%s], off=%d, key=%s, numel=%d)" % (
            s.dtype, ", ".join(map(str, v.size)), ", ".join(map(str, v.stride)), v.offset, s.key, s.numel))
    elif isinstance(v, tuple):
        out.append("(")
        for x in v:
            out.append("\n" + pad + "  ")
            dump(x, seen, out, indent + 1)
            out.append(",")
        out.append(")")
    elif isinstance(v, Typed) or isinstance(v, (list, dict)):
        t = v.type_str if isinstance(v, Typed) else ("List[?]" if isinstance(v, list) else "Dict[?]")
        c = v.value if isinstance(v, Typed) else v
        dump_container(t, c, seen, out, indent)
    elif isinstance(v, Obj):
        st = v.__dict__.get("state")
        if isinstance(st, dict):
            out.append(v.qualname + " {")
            for k, x in st.items():
                out.append("\n" + pad + "  " + k + " = ")
                dump(x, seen, out, indent + 1)
            out.append("}")
        else:
            out.append(v.qualname + " state ")
            dump(st, seen, out, indent)
    else:
        raise TypeError(type(v))


def dump_container(t, c, seen, out, indent):
    pad = "  " * indent
    out.append(t + (" [" if isinstance(c, list) else " {"))
    items = c if isinstance(c, list) else list(c.items())
    for x in items:
        out.append("\n" + pad + "  ")
        if isinstance(c, list):
            dump(x, seen, out, indent + 1)
        else:
            dump(x[0], seen, out, indent + 1)
            out.append(": ")
            dump(x[1], seen, out, indent + 1)
    out.append("]" if isinstance(c, list) else "}")


def reference_dump(data, enums):
    v = RefUnpickler(data, enums).load()
    out = []
    dump(v, {}, out)
    return "".join(out) + "\n"


# ---- saving and extracting -------------------------------------------------------------------


def find_enums(z):
    enums = []
    for n in z.namelist():
        m = re.match(r"[^/]+/code/(__torch__.*)\.py$", n)
        if not m:
            continue
        qual = m.group(1).replace("/", ".")
        for cm in re.finditer(r"^class (\w+)\(Enum\):", z.read(n).decode("utf-8"), re.M):
            enums.append(qual + "." + cm.group(1))
    return enums


def extract(case, module, xfail=None):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    pt = os.path.join(d, case + ".pt")
    torch.jit.save(module, pt)
    z = zipfile.ZipFile(pt)
    enums = find_enums(z)
    with open(os.path.join(d, "enums.txt"), "w") as f:
        f.write("".join(e + "\n" for e in enums))
    for n in z.namelist():
        base = n.split("/", 1)[1]
        if base not in ("data.pkl", "constants.pkl"):
            continue
        data = z.read(n)
        with open(os.path.join(d, base), "wb") as f:
            f.write(data)
        if xfail and base == "data.pkl":
            with open(os.path.join(d, base + ".xfail"), "w") as f:
                f.write(xfail)
        else:
            with open(os.path.join(d, base + ".expect"), "w") as f:
                f.write(reference_dump(data, enums))
    print("wrote", d, "enums:", enums)


def main():
    torch.manual_seed(0)
    extract("attrs", torch.jit.script(Attrs()))
    extract("conj", torch.jit.script(Conj()), xfail="conj bit")
    extract("unicode_const", torch.jit.script(unicode_fn))
    extract("traced_const", torch.jit.trace(traced_const, torch.zeros(3)))
    try:
        import torchvision
        m = torchvision.models.resnet18(weights=None).eval()
        extract("resnet18", torch.jit.trace(m, torch.zeros(1, 3, 224, 224)))
        extract("mobilenet_v3_small", torch.jit.script(torchvision.models.mobilenet_v3_small(weights=None).eval()))
    except ImportError:
        print("torchvision not installed: skipping resnet18")
    try:
        q = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(4, 4)), {torch.nn.Linear})
        extract("quantized", torch.jit.script(q), xfail="TorchBind class '__torch__.torch.classes.quantized.")
    except Exception as e:  # quantized engines are optional in torch builds
        print("skipping quantized case:", e)


if __name__ == "__main__":
    main()
