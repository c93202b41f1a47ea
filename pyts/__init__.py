"""pyts: a TorchScript runtime written in C, without libtorch.

    >>> import pyts
    >>> m = pyts.load("traced_resnet_model.pt")
    >>> m.state_dict()["fc.weight"].shape
    (1000, 512)

The engine is pyts._C; this package adds the Python-level Module API, the
parity tester (pyts.testing) and the command line (python -m pyts).
"""
try:
    from . import _C
except ImportError:  # the source folder without a built engine (tests/unit/test_packaging.py)
    import glob as _glob
    import os as _os

    _here = _os.path.dirname(_os.path.abspath(__file__))
    if _glob.glob(_os.path.join(_here, "_C.*")):
        raise  # the engine is there but does not load: show the loader's own reason
    raise ImportError(
        "pyts: the compiled engine pyts._C is not built in %s. This folder is pyts's source "
        "(Python imports it first when run from the repository root); build the engine into it with "
        "`pip install .` (which also builds in place) or `python setup.py build_ext --inplace`, "
        "or run from another folder to use an installed pyts." % _here, name="pyts._C"
    ) from None
from ._C import (
    ArgumentError,
    Error,
    ExecutionError,
    LoadError,
    OutOfMemoryError,
    ScriptError,
    UnsupportedOperatorError,
)
from ._profile import Profile, profile
from .module import Module, ModelNotFoundError, UnsupportedOp, load

__version__ = _C.__version__

__all__ = [
    "load",
    "Module",
    "UnsupportedOp",
    "Error",
    "LoadError",
    "ModelNotFoundError",
    "ScriptError",
    "UnsupportedOperatorError",
    "ArgumentError",
    "ExecutionError",
    "OutOfMemoryError",
    "supported_ops",
    "set_num_threads",
    "get_num_threads",
    "set_memory_limit",
    "set_grad_enabled",
    "is_grad_enabled",
    "no_grad",
    "profile",
    "Profile",
    "__version__",
]


def supported_ops():
    """Schema strings of every operator pyts implements, in registry order."""
    return _C.supported_ops()


def set_num_threads(n):
    """Set the number of threads pyts's kernels use (one pool, owned by pyts)."""
    _C.set_num_threads(int(n))


def get_num_threads():
    return _C.get_num_threads()


def set_grad_enabled(mode):
    """Set the grad mode scripts see in this thread (torch.is_grad_enabled()).
    pyts computes no gradients; the mode only steers models that branch on it,
    such as nn.TransformerEncoder's fast path (taken in torch under no_grad)."""
    _C.set_grad_enabled(bool(mode))


def is_grad_enabled():
    return _C.is_grad_enabled()


class no_grad:
    """Context manager: scripts run inside see torch.is_grad_enabled() False,
    as under torch.no_grad()."""

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C.set_grad_enabled(False)
        return self

    def __exit__(self, *exc):
        _C.set_grad_enabled(self._prev)
        return False


def set_memory_limit(nbytes):
    """Cap the tensor memory pyts may hold (bytes); None or 0 removes the cap."""
    _C.set_memory_limit(nbytes)
