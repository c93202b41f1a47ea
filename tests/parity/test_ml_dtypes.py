"""bfloat16 and float8 tensors cross pyts as ml_dtypes arrays (exact dtypes,
the same bits, no copy) when ml_dtypes is installed; as float32 (bfloat16)
or raw bytes (float8) without it (PYTS_NO_ML_DTYPES=1 simulates that).
Compared with torch bit for bit: conversions in both directions (inputs
read by a model, buffers and results coming out), and a traced bfloat16
Linear whose products and sums are exact in float32 (small integers and
eighths), so torch's one rounding to bfloat16 is the only one."""
import io
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import pyts

ml_dtypes = pytest.importorskip("ml_dtypes")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
# torch dtype -> (ml_dtypes type, the unsigned int of its width)
KINDS = {
    torch.bfloat16: (ml_dtypes.bfloat16, torch.int16),
    torch.float8_e4m3fn: (ml_dtypes.float8_e4m3fn, torch.uint8),
    torch.float8_e5m2: (ml_dtypes.float8_e5m2, torch.uint8),
    torch.float8_e4m3fnuz: (ml_dtypes.float8_e4m3fnuz, torch.uint8),
    torch.float8_e5m2fnuz: (ml_dtypes.float8_e5m2fnuz, torch.uint8),
}


def to_ml(t):
    mt, bits = KINDS[t.dtype]
    return t.view(bits).numpy().view(mt)


def same_bits(got, t, what):
    mt, bits = KINDS[t.dtype]
    assert isinstance(got, np.ndarray) and got.dtype == np.dtype(mt), (what, type(got), getattr(got, "dtype", None))
    assert got.shape == tuple(t.shape), what
    assert np.array_equal(np.ascontiguousarray(got).view(np.uint8),
                          np.ascontiguousarray(t.contiguous().view(bits).numpy()).view(np.uint8)), what


def values(dtype):
    """Every finite magnitude class of the dtype: normals, subnormals, zeros of
    both signs, the largest value, and inf/NaN where the format has them."""
    f = torch.finfo(dtype)
    v = [0.0, -0.0, 1.0, -1.5, f.max, -f.max, f.tiny, f.smallest_normal / 4, 0.3, -7.25, 100.0]
    if dtype in (torch.bfloat16, torch.float8_e5m2):
        v += [float("inf"), float("-inf"), float("nan")]
    elif dtype != torch.float8_e5m2fnuz and dtype != torch.float8_e4m3fnuz:
        v += [float("nan")]
    return torch.tensor(v, dtype=torch.float32).to(dtype).reshape(2, -1) if len(v) % 2 == 0 else \
        torch.tensor(v + [2.0], dtype=torch.float32).to(dtype).reshape(2, -1)


def load(module):
    buf = io.BytesIO()
    torch.jit.save(module, buf)
    return pyts.load(buf.getvalue())


class Carry(torch.nn.Module):
    """Tensors of the dtype in and out: an input, a view of it, a buffer."""

    def __init__(self, dtype):
        super().__init__()
        self.register_buffer("b", values(dtype))

    def forward(self, x):
        return x, x.t(), self.b, x[:, 1:3]


@pytest.mark.parametrize("dtype", list(KINDS), ids=lambda d: str(d).replace("torch.", ""))
def test_crossing_both_ways(dtype):
    x = values(dtype)
    m = torch.jit.script(Carry(dtype))
    exp = m(x)
    p = load(m)
    got = p.forward(to_ml(x))
    for i, what in enumerate(["input", "transposed view", "buffer", "slice"]):
        same_bits(got[i], exp[i], "%s, %s" % (dtype, what))
    # a strided (non-contiguous) ml_dtypes array as input
    got = p.forward(to_ml(x)[:, ::2])
    same_bits(got[0], x[:, ::2], "strided input")
    same_bits(got[1], x[:, ::2].t(), "strided input, transposed")


class Convert(torch.nn.Module):
    def forward(self, x, y):
        # x: bfloat16 read as float32; y: float32 rounded to bfloat16 (to nearest even)
        return x.float(), y.to(torch.bfloat16)


def test_bfloat16_conversions():
    x = values(torch.bfloat16)
    y = torch.tensor([0.1, -3.3, 1e-3, 57.7, 0.0, -2.5, 1e39, 3e-41]).reshape(2, 4)
    m = torch.jit.script(Convert())
    exp = m(x, y)
    got = load(m).forward(to_ml(x), y.numpy())
    np.testing.assert_array_equal(got[0], exp[0].numpy())  # NaN == NaN; float32 holds every value exactly
    assert got[0].dtype == np.float32
    same_bits(got[1], exp[1], "float32 -> bfloat16")


def test_bfloat16_linear_bit_for_bit():
    torch.manual_seed(0)
    lin = torch.nn.Linear(24, 10)
    with torch.no_grad():
        lin.weight.copy_(torch.randint(-16, 17, (10, 24)).float() / 8)
        lin.bias.copy_(torch.randint(-8, 9, (10,)).float() / 4)
    lin = lin.to(torch.bfloat16)
    x = torch.randint(-4, 5, (5, 24)).to(torch.bfloat16)
    with torch.no_grad():
        tr = torch.jit.trace(lin, (x,))
        exp = tr(x)
    got = load(tr).forward(to_ml(x))
    same_bits(got, exp, "Linear in bfloat16")
    # and through call_op
    got = pyts._C.call_op("aten::linear", to_ml(x), to_ml(lin.weight.detach()), to_ml(lin.bias.detach()))
    same_bits(got, exp, "aten::linear")


def test_parity_helpers_take_bfloat16():
    """pyts.testing turns torch's bfloat16 into the same ml_dtypes arrays pyts
    returns, and judges them at torch.testing's bfloat16 defaults."""
    from pyts.testing import compare, torch_to_numpy

    t = torch.tensor([1.0, 2.5, -3.0], dtype=torch.bfloat16)
    a = torch_to_numpy(t)
    assert a.dtype == np.dtype(ml_dtypes.bfloat16)
    (leaf,) = compare(t, a)
    assert leaf.passed and leaf.torch_dtype == leaf.pyts_dtype == "bfloat16"
    assert (leaf.rtol, leaf.atol) == (1.6e-2, 1e-5)
    bad = a.copy()
    bad[1] = 2.75
    (leaf,) = compare(t, bad)
    assert not leaf.passed and leaf.mismatched == 1


class Buffers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("a", values(torch.bfloat16))
        self.register_buffer("b", values(torch.float8_e4m3fn))

    def forward(self):
        return self.a, self.b


def test_without_ml_dtypes_bfloat16_is_float32(tmp_path):
    """As before ml_dtypes: bfloat16 -> float32 (exact), float8 -> raw uint8 bytes."""
    m = torch.jit.script(Buffers())
    path = str(tmp_path / "m.pt")
    m.save(path)
    code = ("import sys, numpy as np, pyts\n"
            "a, b = pyts.load(sys.argv[1]).forward()\n"
            "np.save(sys.argv[2], a); np.save(sys.argv[3], b)\n")
    env = dict(os.environ, PYTS_NO_ML_DTYPES="1")
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", code, path, str(tmp_path / "a.npy"), str(tmp_path / "b.npy")],
                       capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    a, b = np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy")
    ea, eb = m()
    assert a.dtype == np.float32 and b.dtype == np.uint8
    np.testing.assert_array_equal(a, ea.float().numpy())
    np.testing.assert_array_equal(b, eb.view(torch.uint8).numpy())
