"""Helpers shared by the test suites (imported as `testutil`)."""
import os

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def torch_to_numpy(t):
    """The NumPy array pyts returns for torch tensor t (bfloat16 -> an
    ml_dtypes bfloat16 array when ml_dtypes is installed, else float32;
    complex32 -> complex64, exactly; everything else bit for bit)."""
    import torch

    from pyts._compare import ml_dtypes_module

    t = t.detach()
    if t.dtype == torch.bfloat16:
        ml = ml_dtypes_module()
        return t.view(torch.int16).numpy().view(ml.bfloat16) if ml is not None else t.float().numpy()
    if t.dtype == torch.complex32:
        return t.to(torch.complex64).numpy()
    return t.numpy()


def assert_bits_equal(actual, expected_tensor, what=""):
    """Dtype, shape and every bit equal (NaN payloads included)."""
    expected = torch_to_numpy(expected_tensor) if not isinstance(expected_tensor, np.ndarray) else expected_tensor
    assert isinstance(actual, np.ndarray), "%s: expected an ndarray, got %r" % (what, type(actual))
    assert actual.dtype == expected.dtype, "%s: dtype %s != %s" % (what, actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, "%s: shape %s != %s" % (what, actual.shape, expected.shape)
    a = np.ascontiguousarray(actual).view(np.uint8)
    e = np.ascontiguousarray(expected).view(np.uint8)
    if not np.array_equal(a, e):
        diff = np.flatnonzero(np.ascontiguousarray(actual).ravel() != np.ascontiguousarray(expected).ravel())
        raise AssertionError("%s: values differ at %d of %d elements, first at flat index %s" % (
            what, diff.size, actual.size, diff[:5].tolist()))


