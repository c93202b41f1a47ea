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
from .module import ExportedModule, Module, ModelNotFoundError, UnsupportedOp, load

__version__ = _C.__version__

__all__ = [
    "load",
    "Module",
    "ExportedModule",
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
    "manual_seed",
    "initial_seed",
    "set_time_limit",
    "get_time_limit",
    "time_limit",
    "interrupt",
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


def manual_seed(seed):
    """Seed pyts's default random generator as torch.manual_seed(seed) seeds
    torch's CPU generator: afterwards the random ops draw the same numbers as
    torch's (a negative seed is taken as 2**64 + seed, as torch does)."""
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    _C.manual_seed(seed)


def initial_seed():
    """The seed of pyts's default random generator (as torch.initial_seed())."""
    return _C.initial_seed()


def set_memory_limit(nbytes):
    """Cap the memory pyts may hold (bytes): tensor data plus everything else a model
    builds (lists, dicts, strings, objects) and the loaded code.  Over it, the allocation
    fails with OutOfMemoryError and the module stays usable.  None or 0 removes the cap."""
    _C.set_memory_limit(nbytes)


def set_time_limit(seconds):
    """Limit every method call (in every thread) to `seconds` of wall time; a call that
    runs longer stops with ExecutionError("time limit of ... exceeded") and the module
    stays usable.  None or 0 removes the limit.  For one call or one block, use
    `with pyts.time_limit(seconds):`.  Checked between ops: one long op finishes first."""
    if seconds is not None and seconds < 0:
        raise ValueError("set_time_limit: seconds must be >= 0 or None")
    _C.set_time_limit(0.0 if seconds is None else float(seconds))


def get_time_limit():
    """The limit set by set_time_limit (None: none)."""
    return _C.get_time_limit()


class time_limit:
    """Context manager: method calls made by this thread inside the block stop with
    ExecutionError after `seconds` each (None: no limit inside the block, whatever
    set_time_limit says)::

        with pyts.time_limit(0.5):
            y = module.forward(x)
    """

    def __init__(self, seconds):
        if seconds is not None and seconds <= 0:
            raise ValueError("time_limit: seconds must be > 0 or None")
        self.seconds = seconds

    def __enter__(self):
        self._prev = _C._set_thread_time_limit(0.0 if self.seconds is None else float(self.seconds))
        return self

    def __exit__(self, *exc):
        _C._set_thread_time_limit(self._prev)
        return False


def interrupt():
    """Stop every method call in progress, in every thread: each raises KeyboardInterrupt
    (in its own thread).  Ctrl-C needs no call: a method running on the main thread
    raises KeyboardInterrupt within a few milliseconds of SIGINT."""
    _C.interrupt()
