"""Parity testing: run one TorchScript file in torch.jit and in pyts, compare
every output, and say which op, which element and by how much they differ.

    >>> from pyts.testing import assert_parity
    >>> result = assert_parity(model.eval(), (torch.randn(1, 3, 64, 64),))
    >>> result.worst_rel

assert_parity exports `model` (an nn.Module, a scripted module or function,
or the path of a .pt file), loads the file with torch.jit.load and with
pyts.load, runs both on the same inputs and compares every leaf of the
(nested tuple / list / dict) outputs with torch.testing.assert_close's rule
and default tolerances.  On a difference it raises ParityError, an
AssertionError whose message lists every failing leaf and, with
localize=True, the first op whose pyts result differs from torch's when both
are fed torch's own intermediate values (see pyts._localize)."""
import os
import shutil
import tempfile
import time
import warnings

import numpy as np

from . import Error, load as pyts_load, manual_seed as pyts_manual_seed, no_grad as pyts_no_grad
from ._compare import LeafResult, compare, compare_trees, to_numpy_tree, torch_to_numpy  # noqa: F401
from ._localize import localize as _localize_run
from ._report import fmt_num, json_safe, tensor_stats, fmt_stats

__all__ = ["assert_parity", "check_parity", "ParityError", "ParityResult", "export_model", "compare_outputs",
           "LeafResult"]


class ParityError(AssertionError):
    """pyts and torch.jit disagree.  .result is the ParityResult."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


class ParityResult:
    """What one parity check found.

    ok: True when every leaf is close and pyts ran; leaves: a LeafResult per
    output leaf (pyts._report); stage/error: where pyts failed ("load" or
    "run") and its message; localization: a pyts._localize.Localization when
    one was run; path, method, export, inputs (descriptions), seconds per
    engine; torch_output / pyts_output: what each engine returned (None
    where it did not run); unsupported_ops: the UnsupportedOp (op,
    "code/...py:line") pairs of the loaded file's call sites naming ops pyts
    lacks (the file loads; a run reaching one fails, stage "run",
    UnsupportedOperatorError), [] when pyts has them all or did not load it."""

    def __init__(self):
        self.ok = False
        self.leaves = []
        self.stage = None
        self.error = None
        self.error_type = None
        self.localization = None
        self.path = None
        self.method = "forward"
        self.export = None
        self.model = None
        self.inputs = []
        self.seconds = {}
        self.rtol = self.atol = None
        self.torch_output = self.pyts_output = None
        self.unsupported_ops = []

    # ---- summaries --------------------------------------------------------------
    @property
    def failing(self):
        return [l for l in self.leaves if not l.passed]

    @property
    def tensors(self):
        return sum(1 for l in self.leaves if l.kind == "tensor")

    @property
    def worst_abs(self):
        vals = [l.worst_abs for l in self.leaves if l.worst_abs is not None]
        return max(vals) if vals else None

    @property
    def worst_rel(self):
        vals = [l.worst_rel for l in self.leaves if l.worst_rel is not None and l.worst_rel == l.worst_rel]
        return max(vals) if vals else None

    @property
    def first_diverging_op(self):
        loc = self.localization
        if loc is None:
            return None
        if loc.first is not None:
            return loc.first
        if loc.problems:
            return loc.problems[0]
        return None

    def to_dict(self):
        fd = self.first_diverging_op
        return json_safe({
            "ok": self.ok, "verdict": "PASS" if self.ok else "FAIL", "model": self.model, "path": self.path,
            "method": self.method, "export": self.export, "stage": self.stage, "error": self.error,
            "error_type": self.error_type, "rtol": self.rtol, "atol": self.atol, "inputs": self.inputs,
            "tensors_compared": self.tensors, "worst_abs": self.worst_abs, "worst_rel": self.worst_rel,
            "leaves": [l.to_dict() for l in self.leaves], "seconds": self.seconds,
            "first_diverging_op": ({"op": fd.op, "schema": fd.schema, "location": fd.location,
                                    "code_text": fd.code_text, "origin": fd.origin, "module_path": fd.module_path,
                                    "verdict": fd.verdict} if fd is not None else None),
            "localization": self.localization.to_dict() if self.localization is not None else None,
            "unsupported_ops": [{"op": u.op, "location": u.location} for u in self.unsupported_ops],
        })

    def report(self):
        """The multi-line report (the ParityError message)."""
        lines = []
        name = "%s.%s" % (self.model or "model", self.method)
        n_fail = len(self.failing)
        if self.ok:
            lines.append("pyts parity OK: %s, %d output leaves (%d tensors) match torch.jit" % (
                name, len(self.leaves), self.tensors))
        elif self.stage:
            lines.append("pyts parity FAILED: pyts could not %s %s: %s: %s" % (
                self.stage, name, self.error_type, self.error))
        else:
            lines.append("pyts parity FAILED: %d of %d output leaves of %s differ from torch.jit" % (
                n_fail, len(self.leaves), name))
        lines.append("  file: %s (export: %s)" % (self.path, self.export or "given file"))
        for i, d in enumerate(self.inputs):
            lines.append("  input %d: %s" % (i, d if isinstance(d, str) else ("Tensor " + fmt_stats(d))))
        if self.unsupported_ops:
            lines.append("  unsupported operators (pyts lacks them; a run reaching one fails): %d" %
                         len(self.unsupported_ops))
            lines.extend("    %s at %s" % (u.op, u.location) for u in self.unsupported_ops)
        if self.ok:
            for l in self.leaves:
                if l.kind == "tensor":
                    lines.append("  %s: %s %s, max abs diff %s, max rel diff %s (rtol=%s, atol=%s)" % (
                        l.path, tuple(l.torch_shape), l.torch_dtype, fmt_num(l.worst_abs), fmt_num(l.worst_rel),
                        fmt_num(l.rtol), fmt_num(l.atol)))
                else:
                    lines.extend("  " + x for x in l.describe())
            return "\n".join(lines)
        for l in self.failing:
            lines.append("")
            lines.extend(l.describe())
        if self.localization is not None:
            lines.append("")
            lines.extend(self.localization.describe())
        return "\n".join(lines)

    def __repr__(self):
        return "<ParityResult %s: %d leaves, %d failing>" % ("ok" if self.ok else "FAIL", len(self.leaves),
                                                            len(self.failing))


# ---- export ------------------------------------------------------------------------------

def _as_args(example_inputs):
    if isinstance(example_inputs, tuple):
        return example_inputs
    return (example_inputs,)


def _to_torch(v):
    import torch

    if isinstance(v, torch.Tensor):
        return v.detach().clone()
    if isinstance(v, np.ndarray):
        return torch.from_numpy(np.array(v, copy=True))
    if isinstance(v, tuple):
        return tuple(_to_torch(x) for x in v)
    if isinstance(v, list):
        return [_to_torch(x) for x in v]
    if isinstance(v, dict):
        return {k: _to_torch(x) for k, x in v.items()}
    return v


def _to_numpy(v):
    import torch

    if isinstance(v, torch.Tensor):
        return torch_to_numpy(v)
    if isinstance(v, np.ndarray):
        return np.array(v, copy=True)
    if isinstance(v, tuple):
        return tuple(_to_numpy(x) for x in v)
    if isinstance(v, list):
        return [_to_numpy(x) for x in v]
    if isinstance(v, dict):
        return {k: _to_numpy(x) for k, x in v.items()}
    return v


def _describe_input(v):
    import torch

    if isinstance(v, (torch.Tensor, np.ndarray)):
        a = v.detach().cpu() if isinstance(v, torch.Tensor) else v
        try:
            return tensor_stats(torch_to_numpy(a) if isinstance(a, torch.Tensor) else a)
        except Exception:  # noqa: BLE001
            return "Tensor %s %s" % (tuple(a.shape), a.dtype)
    if isinstance(v, (list, tuple)):
        return "%s of %d" % (type(v).__name__, len(v))
    return "%s %r" % (type(v).__name__, v)


def export_model(model, example_inputs, path, export="trace"):
    """Write `model` as a TorchScript file at `path` and return the path.

    model: a path (returned as is), bytes of an archive, a scripted module or
    function (saved), or an nn.Module / function exported with
    torch.jit.trace (export="trace", on example_inputs) or torch.jit.script
    (export="script").  The model is exported as it is: call .eval() first
    for inference behaviour (dropout, batch norm statistics)."""
    import torch

    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if isinstance(model, (bytes, bytearray)):
        with open(path, "wb") as f:
            f.write(model)
        return path
    if export not in ("trace", "script"):
        raise ValueError("export must be 'trace' or 'script', not %r" % (export,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        if isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction)):
            scripted = model
        elif export == "script":
            scripted = torch.jit.script(model)
        else:
            args = _to_torch(_as_args(example_inputs))
            with torch.no_grad():
                scripted = torch.jit.trace(model, args, check_trace=False, strict=False)
        torch.jit.save(scripted, path)
    return path


def _model_name(model):
    import torch

    if isinstance(model, (str, os.PathLike)):
        return os.path.basename(os.fspath(model))
    if isinstance(model, (bytes, bytearray)):
        return "archive"
    if isinstance(model, torch.jit.ScriptModule):
        try:
            return model.original_name
        except Exception:  # noqa: BLE001
            return type(model).__name__
    return getattr(model, "__name__", None) or type(model).__name__


def compare_outputs(torch_out, pyts_out, rtol=None, atol=None, equal_nan=True, path="output"):
    """LeafResults comparing torch's output (torch values) with pyts's
    (pyts._compare.compare, the comparison core)."""
    return compare(torch_out, pyts_out, rtol, atol, equal_nan=equal_nan, path=path)


# ---- the check -----------------------------------------------------------------------------

def check_parity(model, example_inputs, *, export="trace", method="forward", rtol=None, atol=None,
                 localize=True, equal_nan=True, workdir=None, seed=0):
    """Like assert_parity, but returns the ParityResult instead of raising."""
    import torch

    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    res = ParityResult()
    res.method, res.rtol, res.atol = method, rtol, atol
    res.model = _model_name(model)
    args = _as_args(example_inputs)
    res.inputs = [_describe_input(a) for a in args]
    tmp = None
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
    else:
        res.export = None if isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction, bytes,
                                                bytearray)) else export
        if workdir is None:
            tmp = workdir = tempfile.mkdtemp(prefix="pyts-parity-")
        path = os.path.join(workdir, "%s.pt" % _safe(res.model))
    try:
        path = export_model(model, args, path, export)
        res.path = path
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            loaded = torch.jit.load(path)
        if not hasattr(loaded, method):
            raise ValueError("the model has no method %r" % method)
        t0 = time.perf_counter()
        rng_state = torch.get_rng_state()
        try:
            if seed is not None:  # both engines draw the same random numbers (dropout, rand, ...)
                torch.manual_seed(seed)
            with torch.no_grad():
                out_t = getattr(loaded, method)(*_to_torch(args))
        finally:
            torch.set_rng_state(rng_state)
        res.seconds["torch"] = time.perf_counter() - t0
        res.torch_output = out_t
        expected = to_numpy_tree(out_t)
        try:
            t0 = time.perf_counter()
            pm = pyts_load(path)
            res.seconds["pyts_load"] = time.perf_counter() - t0
        except Error as e:
            res.stage, res.error, res.error_type = "load", str(e), type(e).__name__
        else:
            res.unsupported_ops = pm.unsupported_ops()
            try:
                t0 = time.perf_counter()
                # the same grad mode as torch's run above (models such as
                # nn.TransformerEncoder take their fast path only under no_grad)
                if seed is not None:
                    pyts_manual_seed(seed)
                with pyts_no_grad():
                    out_p = pm.run_method(method, *_to_numpy(args))
                res.seconds["pyts"] = time.perf_counter() - t0
                res.pyts_output = out_p
            except Error as e:
                res.stage, res.error, res.error_type = "run", str(e), type(e).__name__
            else:
                res.leaves = compare_trees(expected, out_p, "output", rtol, atol, equal_nan)
        res.ok = res.stage is None and all(l.passed for l in res.leaves)
        if not res.ok and localize:
            res.localization = _localize_run(loaded, method, _to_torch(args), path=path, rtol=rtol, atol=atol)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            if res.path and res.path.startswith(tmp):
                res.path = "<temporary file> " + os.path.basename(res.path)
    return res


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))[:60] or "model"


def assert_parity(model, example_inputs, *, export="trace", method="forward", rtol=None, atol=None,
                  localize=True, equal_nan=True, workdir=None, seed=0):
    """Run `model` in torch.jit and in pyts on `example_inputs` and compare
    every output leaf; raise ParityError (an AssertionError) listing every
    failing leaf, and the first diverging op when localize=True.

    model: nn.Module or function (exported with `export`, "trace" or
    "script"), a scripted module/function (saved as is), or the path of a .pt.
    example_inputs: a tuple of arguments, or one argument (a tensor); torch
    tensors or NumPy arrays, nested in lists/tuples/dicts as the method wants.
    rtol/atol: both or neither; default: torch.testing.assert_close's per
    dtype (float32: rtol 1.3e-6, atol 1e-5; integers and bool exact).  The
    same tolerance applies to each op during localization.
    equal_nan: NaN in both engines counts as equal (default True).
    workdir: where the .pt is written (a temporary folder by default, removed
    afterwards).
    seed: both engines' default random generators are seeded with it
    (torch.manual_seed / pyts.manual_seed) just before their runs, so models
    drawing random numbers (dropout in training mode, rand, ...) compare bit
    for bit; None leaves them as they are.  torch's generator state is
    restored afterwards.  Returns the ParityResult on success."""
    __tracebackhide__ = True
    res = check_parity(model, example_inputs, export=export, method=method, rtol=rtol, atol=atol,
                       localize=localize, equal_nan=equal_nan, workdir=workdir, seed=seed)
    if not res.ok:
        raise ParityError(res.report(), res)
    return res
