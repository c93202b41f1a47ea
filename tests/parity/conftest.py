"""Parity tests need real PyTorch; skip the folder cleanly where it is absent."""
import warnings

import pytest

torch = pytest.importorskip("torch")


def jit_save(module, path, **kwargs):
    with warnings.catch_warnings():
        torch.jit.save(module, str(path), **kwargs)
    return str(path)
