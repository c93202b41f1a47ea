"""Inputs and outputs cross the Python boundary both ways: None, bool, int,
float, str, lists, tuples, dicts, nested, NumPy arrays of each dtype, and
torch tensors (through __array__, without pyts importing torch)."""
from typing import Dict, List, Optional, Tuple

import numpy as np
import pytest
import torch

import pyts


class Echo(torch.nn.Module):
    def forward(self, a: Optional[int], b: bool, c: float, s: str, l: List[torch.Tensor],
                d: Dict[str, Tuple[int, torch.Tensor]]) -> Tuple[Optional[int], bool, float, str, List[torch.Tensor],
                                                               Dict[str, Tuple[int, torch.Tensor]]]:
        return a, not b, c * 2.0, s + "!", [t * 2 for t in l], d


def test_nested_values_round_trip(tmp_path):
    path = str(tmp_path / "echo.pt")
    torch.jit.script(Echo()).save(path)
    m = pyts.load(path)
    t = torch.arange(6.0).reshape(2, 3)
    args = (None, True, 1.5, "hi", [np.ones(2, np.float32), t.numpy()], {"k": (3, np.zeros(1, np.float32))})
    got = m.forward(*args)
    want = torch.jit.load(path)(None, True, 1.5, "hi", [torch.ones(2), t], {"k": (3, torch.zeros(1))})
    assert got[:4] == want[:4]
    for a, b in zip(got[4], want[4]):
        np.testing.assert_array_equal(a, b.numpy())
    assert got[5]["k"][0] == 3 and isinstance(got, tuple) and isinstance(got[4], list)


class Double(torch.nn.Module):
    def forward(self, x):
        return x * 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8,
                                   np.uint8, np.bool_])
def test_numpy_dtypes(dtype, tmp_path):
    path = str(tmp_path / "double.pt")
    torch.jit.script(Double()).save(path)
    x = (np.arange(12) % 5).astype(dtype).reshape(3, 4)
    got = pyts.load(path).forward(x)
    want = torch.jit.load(path)(torch.from_numpy(x))
    assert got.dtype == want.numpy().dtype
    np.testing.assert_array_equal(got, want.numpy())


def test_torch_tensors_and_strided_inputs(tmp_path):
    path = str(tmp_path / "double.pt")
    torch.jit.script(Double()).save(path)
    m = pyts.load(path)
    t = torch.randn(4, 6)
    np.testing.assert_array_equal(m.forward(t), (t * 2).numpy())          # a torch tensor directly
    np.testing.assert_array_equal(m.forward(t.numpy()[:, ::2]), (t[:, ::2] * 2).numpy())  # strided view
    np.testing.assert_array_equal(m.forward(t.numpy().T), (t.T * 2).numpy())            # transposed
    ro = t.numpy().copy()
    ro.flags.writeable = False
    np.testing.assert_array_equal(m.forward(ro), (t * 2).numpy())                      # read-only input
    with pytest.raises(pyts.ArgumentError, match="cannot pass a Python object to TorchScript"):
        m.forward(object())
    # ArgumentError is a TypeError: wrong count names the method
    with pytest.raises(TypeError, match=r"forward\(\) is missing value for argument 'x'"):
        m.forward()
