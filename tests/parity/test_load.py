"""Loading parity: pyts sees exactly what torch sees in a .pt archive -
every parameter, buffer and attribute, bit for bit (issue: foundation)."""
import io
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import pytest
import torch

import pyts
from testutil import assert_bits_equal

torch.manual_seed(0)


def check_state_dict(path):
    ours = pyts.load(path)
    theirs = torch.jit.load(path)
    sd_ours = ours.state_dict()
    sd_theirs = theirs.state_dict()
    assert list(sd_ours) == list(sd_theirs)
    for k, v in sd_theirs.items():
        assert_bits_equal(sd_ours[k], v, k)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    return ours, theirs


@pytest.fixture(scope="module")
def resnet18_file(tmp_path_factory):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    m = torchvision.models.resnet18(weights=None).eval()
    path = tmp_path_factory.mktemp("seed") / "traced_resnet_model.pt"
    torch.jit.trace(m, torch.ones(1, 3, 224, 224)).save(str(path))
    return str(path)


class MyModule(torch.nn.Module):
    def __init__(self, N, M):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.rand(N, M))

    def forward(self, input):
        if input.sum() > 0:
            output = self.weight.mv(input)
        else:
            output = self.weight + input
        return output


def test_resnet18_state_dict(resnet18_file):
    ours, theirs = check_state_dict(resnet18_file)
    assert ours.qualified_name == theirs._c.qualified_name
    assert ours.layer1[0].conv1.qualified_name.endswith("Conv2d")
    assert_bits_equal(ours.layer1[0].conv1.weight, getattr(theirs.layer1, "0").conv1.weight, "layer1.0.conv1.weight")
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert ours.training == theirs.training
    assert "forward" in ours.method_names()


def test_resnet18_weights_are_zero_copy_and_read_only(resnet18_file):
    m = pyts.load(resnet18_file)
    w = m.fc.weight
    assert not w.flags.writeable
    assert w.base is not None  # a view on pyts's storage, not a copy


def test_my_module(tmp_path):
    path = str(tmp_path / "my_module_model.pt")
    torch.jit.script(MyModule(10, 20)).save(path)
    ours, theirs = check_state_dict(path)
    assert ours.qualified_name == theirs._c.qualified_name
    assert ours.qualified_name.endswith(".MyModule")
    assert "def forward" in ours.code and "torch.mv" in ours.code


class Color:  # placeholder name space for the enum below
    pass


class AllAttrs(torch.nn.Module):
    i: int
    big: int
    f: float
    neg_zero: float
    b: bool
    s: str
    li: List[int]
    lf: List[float]
    lb: List[bool]
    ls: List[str]
    lli: List[List[int]]
    d: Dict[str, int]
    di: Dict[int, str]
    dt: Dict[str, torch.Tensor]
    t: Tuple[int, str, float]
    opt_none: Optional[int]
    opt_val: Optional[int]
    lt: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.i = -3
        self.big = 2**40 + 7
        self.f = 0.1
        self.neg_zero = -0.0
        self.b = False
        self.s = "héllo wörld"
        self.li = [1, -2, 3]
        self.lf = [0.5, 1e-30]
        self.lb = [True, False]
        self.ls = ["x", ""]
        self.lli = [[1], [2, 3], []]
        self.d = {"b": 2, "a": 1}
        self.di = {3: "three", 1: "one"}
        self.dt = {"t": torch.ones(2)}
        self.t = (1, "two", 3.0)
        self.opt_none = None
        self.opt_val = 5
        self.lt = [torch.zeros(1), torch.arange(3)]
        self.dev = torch.device("cpu")
        self.p = torch.nn.Parameter(torch.randn(2, 3))

    def forward(self, x):
        return x


ATTR_NAMES = ["i", "big", "f", "neg_zero", "b", "s", "li", "lf", "lb", "ls", "lli", "d", "di", "t",
              "opt_none", "opt_val", "training"]


def test_attributes_of_every_type(tmp_path):
    path = str(tmp_path / "attrs.pt")
    torch.jit.script(AllAttrs()).save(path)
    ours = pyts.load(path)
    theirs = torch.jit.load(path)
    for name in ATTR_NAMES:
        a, e = getattr(ours, name), getattr(theirs, name)
        assert a == e and type(a) is type(e), (name, a, e)
    assert np.signbit(ours.neg_zero)
    assert list(ours.d) == ["b", "a"]  # insertion order kept
    assert list(ours.di) == [3, 1]
    assert_bits_equal(ours.dt["t"], theirs.dt["t"], "dt")
    for a, e in zip(ours.lt, theirs.lt):
        assert_bits_equal(a, e, "lt")
    assert ours.dev == "cpu"
    assert set(ATTR_NAMES) <= set(ours.attribute_names())


DTYPES = [torch.float16, torch.float32, torch.float64, torch.bfloat16, torch.complex64, torch.complex128,
          torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool, torch.uint16,
          torch.uint32, torch.uint64]


class Dtypes(torch.nn.Module):
    def __init__(self):
        super().__init__()
        for i, dt in enumerate(DTYPES):
            if dt.is_floating_point or dt.is_complex:
                t = torch.randn(3, 4, dtype=dt)
                t[0, 0] = float("nan")
                t[0, 1] = float("inf")
                t[0, 2] = -float("inf")
            elif dt == torch.bool:
                t = torch.rand(3, 4) > 0.5
            else:
                info = torch.iinfo(dt)
                t = torch.tensor([info.min, info.max, 0, 1], dtype=dt).repeat(3)[:12].reshape(3, 4)
            self.register_buffer("b%d" % i, t)

    def forward(self, x):
        return x


def test_every_dtype_bit_for_bit(tmp_path):
    path = str(tmp_path / "dtypes.pt")
    torch.jit.script(Dtypes()).save(path)
    check_state_dict(path)


class Views(torch.nn.Module):
    def __init__(self):
        super().__init__()
        base = torch.randn(4, 6)
        self.register_buffer("base", base)
        self.register_buffer("row", base[1])             # offset view
        self.register_buffer("col", base[:, 2])          # strided view
        self.register_buffer("tr", base.t())             # transposed view
        self.register_buffer("step", base[::2, ::3])     # sliced with steps
        self.register_buffer("zero_size", torch.empty(0, 5))
        self.register_buffer("zero_dim", torch.tensor(2.5))
        self.register_buffer("expanded", torch.randn(3, 1).expand(3, 4))
        self.register_buffer("cl", torch.randn(2, 3, 4, 5).to(memory_format=torch.channels_last))
        lin = torch.nn.Linear(4, 4)
        self.a = lin
        self.b = lin                                     # tied submodule
        self.w1 = torch.nn.Parameter(torch.randn(3, 3))
        self.w2 = self.w1                                # tied parameter

    def forward(self, x):
        return x


def test_views_tied_and_awkward_tensors(tmp_path):
    path = str(tmp_path / "views.pt")
    torch.jit.script(Views()).save(path)
    ours, theirs = check_state_dict(path)
    for name in ["row", "col", "tr", "step", "cl", "expanded"]:
        t = getattr(theirs, name)
        a = getattr(ours, name)
        assert a.strides == tuple(s * t.element_size() for s in t.stride()), name
    # views share one storage: the same bytes back both
    base, row = ours.base, ours.row
    assert np.shares_memory(base, row) and np.shares_memory(base, ours.tr)
    assert ours.zero_dim.shape == () and ours.zero_size.shape == (0, 5)
    # tied parameters are the same tensor
    assert ours._obj.slot_identity("w1") == ours._obj.slot_identity("w2")
    # a submodule assigned twice: torch keeps two objects sharing the weights
    assert (theirs.a.weight.data_ptr() == theirs.b.weight.data_ptr()) == np.shares_memory(ours.a.weight, ours.b.weight)


@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
def test_tensor_constants_and_traced_inputs(tmp_path):
    class WithConst(torch.nn.Module):
        def forward(self, x):
            return x + torch.tensor([1.0, 2.0, 3.0])

    path = str(tmp_path / "const.pt")
    torch.jit.trace(WithConst(), torch.ones(3)).save(path)
    h = pyts.load(path)._handle
    consts = h.constants()
    assert len(consts) == 1
    np.testing.assert_array_equal(consts[0], np.array([1.0, 2.0, 3.0], dtype=np.float32))


def test_extra_files_buffer_and_dotted_names(tmp_path):
    m = torch.jit.script(MyModule(3, 4))
    buf = io.BytesIO()
    torch.jit.save(m, buf, _extra_files={"meta.json": b'{"a": 1}', "blob.bin": bytes(range(256))})
    data = buf.getvalue()
    for source in (data, io.BytesIO(data), bytearray(data), memoryview(data)):
        ours = pyts.load(source)
        assert ours.archive_prefix == "archive"
        assert ours.extra_files == {"meta.json": b'{"a": 1}', "blob.bin": bytes(range(256))}
        assert_bits_equal(ours.weight, m.weight, "weight")
    path = str(tmp_path / "my.model.v2.pt")
    m.save(path)
    ours = pyts.load(path)
    assert ours.archive_prefix == "my.model.v2"
    assert_bits_equal(ours.weight, m.weight, "weight")
    ours = pyts.load(open(path, "rb"))
    assert_bits_equal(ours.weight, m.weight, "weight")


def test_values_outlive_the_module(resnet18_file):
    m = pyts.load(resnet18_file)
    w = m.fc.weight
    expected = w.copy()
    del m
    import gc

    gc.collect()
    np.testing.assert_array_equal(w, expected)


# ---- the errors a newcomer meets first (issue 9) -----------------------------

def test_missing_file_is_a_file_not_found_error_with_the_systems_text(tmp_path):
    missing = str(tmp_path / "nope.pt")
    with pytest.raises(FileNotFoundError, match=r"^\[Errno 2\] No such file or directory: '.*nope\.pt'$") as ei:
        pyts.load(missing)
    e = ei.value
    assert isinstance(e, pyts.LoadError) and isinstance(e, pyts.ModelNotFoundError)
    assert e.errno == 2 and e.filename == missing and e.strerror == "No such file or directory"
    # the engine's own message (C API, pyts-run) carries the system's text too, not a bare errno
    with pytest.raises(pyts.LoadError, match=r"nope\.pt: cannot open: No such file or directory \(errno 2\)$"):
        pyts._C.load(missing)


TORCH_SAVE_HINT = (r"this is a torch\.save file \(pickled Python objects and tensors, no TorchScript code/\), "
                   r"not a TorchScript archive\. pyts runs files written by torch\.jit\.save: .*"
                   r"torch\.jit\.script\(model\)\.save\(\"model\.pt\"\) or torch\.jit\.trace\(model, example_inputs\)")


@pytest.mark.parametrize("what", ["state_dict", "checkpoint", "whole_module", "tensor"])
def test_torch_save_checkpoint_is_named_as_such(tmp_path, what):
    model = torch.nn.Linear(3, 2)
    obj = {"state_dict": model.state_dict(), "checkpoint": {"model": model.state_dict(), "epoch": 3},
           "whole_module": model, "tensor": torch.ones(4)}[what]
    path = str(tmp_path / ("%s.pt" % what))
    torch.save(obj, path)
    with pytest.raises(pyts.LoadError, match=TORCH_SAVE_HINT):
        pyts.load(path)


def test_legacy_torch_save_file_is_named_as_such(tmp_path):
    path = str(tmp_path / "legacy.pt")
    torch.save({"w": torch.ones(3)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(pyts.LoadError, match=r"at offset 0: this is a legacy torch\.save file \(a pickle, written with "
                                             r"_use_new_zipfile_serialization=False\), not a TorchScript archive\."):
        pyts.load(path)


def test_a_torchscript_archive_is_not_mistaken_for_a_checkpoint(tmp_path):
    path = str(tmp_path / "m.pt")
    torch.jit.script(torch.nn.Linear(3, 2)).save(path)
    m = pyts.load(path)
    assert m.weight.shape == (2, 3)
