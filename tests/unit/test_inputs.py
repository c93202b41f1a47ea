"""Bad and unusual inputs to forward: a clear error or a correct result, never a crash.

Wrong dtype, rank, shape or channel count; Python values that are not tensors; arrays that
are non-contiguous, negatively strided, Fortran-ordered, byte-swapped, misaligned,
read-only, zero-strided or empty; NaN / inf; huge (broadcast) inputs.  Results of unusual
layouts must equal the results of the same values in a plain C-contiguous array.
In-place ops write through to writeable arrays (as torch.from_numpy does) and never into
read-only ones.  The committed models of tests/fuzz/models are used (no torch needed).
"""
import os
import sys

import numpy as np
import pytest

import pyts

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hardening_corpus as hc  # noqa: E402
from test_limits import model  # noqa: E402


def load(name):
    return pyts.load(os.path.join(hc.MODELS, name + ".pt"))


@pytest.fixture(scope="module")
def smallnet():
    return load("smallnet_traced")


X = np.linspace(-1, 1, 2 * 3 * 8 * 8, dtype=np.float32).reshape(2, 3, 8, 8)


# ---- wrong dtype / rank / shape: a clear error naming the op and the problem ---------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64, np.int32, np.uint8, np.int8, np.uint16,
                                   np.bool_, np.complex64])
def test_wrong_dtype(smallnet, dtype):
    with pytest.raises(pyts.ArgumentError, match=r"aten::_convolution.*input type \(\w+\), weight type \(float32\)"):
        smallnet.forward(X.astype(dtype))


@pytest.mark.parametrize("shape,pattern", [
    ((8, 8), "expected 3-D \\(unbatched\\) or 4-D"),
    ((1, 2, 3, 8, 8), "expected 3-D \\(unbatched\\) or 4-D"),
    ((2, 4, 8, 8), "expected input to have 3 channels, but got 4"),
    ((1, 3, 0, 8), "Kernel size can't be greater"),
    ((3, 8, 8), "should contain"),  # conv accepts unbatched input, batch_norm then sees 8 channels
])
def test_wrong_rank_or_shape(smallnet, shape, pattern):
    with pytest.raises(pyts.ExecutionError, match=pattern) as e:
        smallnet.forward(np.ones(shape, np.float32))
    assert "code/__torch__" in str(e.value)  # where in the model


@pytest.mark.parametrize("arg,pattern", [
    (None, "must be Tensor, not NoneType"),
    ("x", "must be Tensor, not str"),
    ([1.0, 2.0], "must be Tensor, not list"),
    (1.5, "must be Tensor, not float"),
    (np.float32(1), "must be Tensor, not float"),
    (b"abcd", "cannot pass a Python bytes"),
    (object(), "cannot pass a Python object"),
    (np.array([object()] * 4), "dtype\\('O'\\) is not supported"),
    (np.zeros(2, "datetime64[s]"), "is not supported"),
    (np.zeros(2, dtype=[("a", "f4")]), "is not supported"),
    (np.ones((1,) * 17, np.float32), "17 dimensions \\(pyts supports at most 16\\)"),
])
def test_not_a_tensor(smallnet, arg, pattern):
    with pytest.raises(pyts.ArgumentError, match=pattern):
        smallnet.forward(arg)


def test_argument_count_and_names(smallnet):
    with pytest.raises(pyts.ArgumentError, match="at most 1 argument"):
        smallnet.forward(X, X)
    with pytest.raises(pyts.ArgumentError, match="missing value for argument 'x'"):
        smallnet.forward()
    with pytest.raises(pyts.ArgumentError, match="missing value for argument 'x'"):
        smallnet.forward(y=X)
    assert smallnet.forward(x=X).shape == (2, 2)
    with pytest.raises(TypeError, match=r"forward\(\) argument 'x' must be Tensor, not NoneType"):  # an ArgumentError
        smallnet.forward(None)


def test_int_arguments():
    cf = load("controlflow")
    x = np.ones(4, np.float32)
    with pytest.raises(pyts.ArgumentError, match="'n' must be int, not Tensor"):
        cf.forward(x, np.ones(3))
    with pytest.raises(pyts.ArgumentError, match="'n' must be int, not float"):
        cf.forward(x, 2.5)
    with pytest.raises(pyts.ArgumentError, match="'n' must be int, not bool"):
        cf.forward(x, True)
    with pytest.raises(pyts.ArgumentError, match="int too large"):
        cf.forward(x, 1 << 70)
    np.testing.assert_array_equal(cf.forward(x, np.int64(3)), cf.forward(x, 3))
    np.testing.assert_array_equal(cf.forward(x, -3), np.zeros(4, np.float32))  # range(-3) is empty


# ---- unusual layouts: same result as a contiguous copy ---------------------------------------------

def _layouts():
    big = np.linspace(-1, 1, 2 * 3 * 16 * 16, dtype=np.float32).reshape(2, 3, 16, 16)
    ro = X.copy()
    ro.setflags(write=False)
    return {
        "fortran": np.asfortranarray(X),
        "every other element": big[:, :, ::2, ::2],
        "negative strides": X[:, :, ::-1, ::-1],
        "transposed back": np.ascontiguousarray(X.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2),
        "read-only": ro,
        "byte-swapped": X.astype(">f4"),
        "zero-strided": np.broadcast_to(X[:1], X.shape),
        "misaligned": _misaligned(X),
        "offset into a buffer": np.frombuffer(b"\0" * 64 + X.tobytes(), np.float32, X.size, 64).reshape(X.shape),
    }


def _misaligned(a):
    buf = np.zeros(a.nbytes + 1, np.uint8)
    view = np.ndarray(a.shape, np.float32, buf.data, 1)
    view[...] = a
    assert not view.flags.aligned
    return view


@pytest.mark.parametrize("layout", list(_layouts()))
def test_layouts_give_the_same_result(smallnet, layout):
    arr = _layouts()[layout]
    want = smallnet.forward(np.ascontiguousarray(arr, np.float32))
    np.testing.assert_array_equal(smallnet.forward(arr), want)


@pytest.mark.parametrize("name,arr", [
    ("opsmix", np.linspace(-3, 3, 15, dtype=np.float32).reshape(5, 3).T),
    ("opsmix", np.linspace(-3, 3, 30, dtype=np.float32).reshape(3, 10)[:, ::2]),
    ("my_module", np.linspace(-1, 1, 40, dtype=np.float32)[::2]),
    ("my_module", np.linspace(-1, 1, 20, dtype=np.float32)[::-1]),
    ("attrs", np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3).T),
])
def test_layouts_in_other_models(name, arr):
    m = load(name)
    np.testing.assert_array_equal(m.forward(arr), m.forward(np.ascontiguousarray(arr)))


def test_empty_and_tiny_inputs(smallnet):
    assert smallnet.forward(np.ones((0, 3, 8, 8), np.float32)).shape == (0, 2)
    assert smallnet.forward(np.ones((1, 3, 1, 1), np.float32)).shape == (1, 2)
    assert load("opsmix").forward(np.ones((0, 4), np.float32)).dtype == np.float32
    assert load("attrs").forward(np.ones((), np.float32)).shape == ()


# ---- NaN and inf ----------------------------------------------------------------------------------

def test_nan_and_inf_propagate(smallnet):
    for v in (np.nan, np.inf, -np.inf):
        out = smallnet.forward(np.full_like(X, v))
        assert out.shape == (2, 2) and not np.isfinite(out).any(), (v, out)
    at = load("attrs")  # x * 2.5 + (-7)
    x = np.array([[np.nan, np.inf, -np.inf, 1.0]] * 3, np.float32)
    np.testing.assert_array_equal(at.forward(x), x * np.float32(2.5) - 7)
    mm = load("my_module")  # sum(NaN) > 0 is False: the "else" branch (weight + input)
    out = mm.forward(np.full(20, np.nan, np.float32))
    assert out.shape == (10, 20) and np.isnan(out).all()
    out = load("opsmix").forward(np.full((3, 5), np.nan, np.float32))  # nan_to_num first: finite
    assert np.isfinite(out).all()


# ---- in-place ops and input arrays -----------------------------------------------------------------

@pytest.fixture(scope="module")
def add_inplace():
    return pyts.load(model(b"    return torch.add_(x, 1)\n"))


def test_inplace_writes_through_writeable_arrays(add_inplace):
    a = np.zeros(4, np.float32)
    np.testing.assert_array_equal(add_inplace.forward(a, 0), np.ones(4))
    np.testing.assert_array_equal(a, np.ones(4))  # like torch.from_numpy: shared memory
    c = np.zeros(8, np.float32)
    add_inplace.forward(c[::2], 0)
    np.testing.assert_array_equal(c, [1, 0, 1, 0, 1, 0, 1, 0])


@pytest.mark.parametrize("kind", ["read-only", "broadcast", "byte-swapped"])
def test_inplace_never_writes_into_protected_arrays(add_inplace, kind):
    if kind == "read-only":
        a = np.zeros(4, np.float32)
        a.setflags(write=False)
    elif kind == "broadcast":
        a = np.broadcast_to(np.float32(0), (4,))
    else:
        a = np.zeros(4, ">f4")
    before = a.copy()
    np.testing.assert_array_equal(add_inplace.forward(a, 0), np.ones(4))
    np.testing.assert_array_equal(a, before)


def test_inplace_on_self_overlapping_array(add_inplace):
    f = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (4,), (0,))
    with pytest.raises(pyts.ExecutionError, match="more than one element of the written-to tensor"):
        add_inplace.forward(f, 0)


# ---- huge inputs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,shape", [
    ("smallnet_traced", (1 << 20, 3, 1 << 10, 1 << 10)),
    ("my_module", (1 << 40,)),
    ("attrs", (1 << 30, 1 << 30)),
])
def test_huge_broadcast_input_is_a_clean_memory_error(name, shape):
    arr = np.broadcast_to(np.float32(1), shape)  # read-only: pyts would copy 4+ TiB
    with pytest.raises(pyts.OutOfMemoryError, match="out of memory copying a NumPy array"):
        load(name).forward(arr)


def test_huge_zero_strided_writeable_input_fails_in_the_op():
    arr = np.lib.stride_tricks.as_strided(np.ones(1, np.float32), (1 << 40,), (0,))  # writeable, no copy
    pyts.set_memory_limit(1 << 30)
    try:
        with pytest.raises(pyts.OutOfMemoryError, match="memory limit"):
            load("attrs").forward(arr)  # x * f + i needs a 4 TiB result
    finally:
        pyts.set_memory_limit(None)


def test_large_input_works():
    x = np.ones((4, 1 << 20), np.float32)  # 16 MB
    out = load("attrs").forward(x)
    assert out.shape == x.shape and out[0, 0] == np.float32(2.5 - 7)
