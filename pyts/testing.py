"""Parity testing: run one TorchScript file in torch.jit and in pyts, compare
every output, and say which op, which element and by how much they differ.

    >>> from pyts.testing import assert_parity
    >>> result = assert_parity(model.eval(), (torch.randn(1, 3, 64, 64),))
    >>> result.worst_rel

assert_parity exports `model` (an nn.Module, a scripted module or function,
or the path of a .pt file), loads the file with torch.jit.load and with
pyts.load, runs both on the same inputs and compares every leaf of the
(nested tuple / list / dict) outputs with torch.testing.assert_close's rule
and a tolerance derived from the rounding error torch's own float32 run
shows against its float64 run (strict=True: torch.testing's default
tolerances; rtol/atol: yours).  On a difference it raises ParityError, an
AssertionError whose message lists every failing leaf and, with
localize=True, the first op whose pyts result differs from torch's when both
are fed torch's own intermediate values (see pyts._localize)."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import warnings

from typing import Any, Callable, Dict, List, Optional, Union

import numpy as np

from . import Error, load as pyts_load, manual_seed as pyts_manual_seed, no_grad as pyts_no_grad
from ._compare import LeafResult, compare, compare_trees, to_numpy_tree, torch_to_numpy  # noqa: F401
from ._localize import localize as _localize_run
from . import _export_parity as _pt2
from ._report import fmt_num, json_safe, tensor_stats, fmt_stats

__all__ = ["assert_parity", "check_parity", "ParityError", "ParityResult", "export_model", "compare_outputs",
           "LeafResult", "add_check_listener", "remove_check_listener", "float64_reference", "record",
           "assert_matches_record", "check_matches_record"]


class ParityError(AssertionError):
    """pyts and torch.jit disagree.  .result is the ParityResult."""

    def __init__(self, message: str, result: Optional["ParityResult"] = None):
        super().__init__(message)
        self.result = result


class ParityResult:
    """What one parity check found.

    ok: True when every leaf is close and pyts ran; leaves: a LeafResult per
    output leaf (pyts._report); stage/error: where pyts failed ("load" or
    "run") and its message; localization: a pyts._localize.Localization when
    one was run; path, method, export, inputs (descriptions), seconds per
    engine; torch_output / pyts_output: what each engine returned (None
    where it did not run); reference: torch's output of the model run in
    float64 (NumPy leaves; None when not needed or not possible, the reason
    in reference_error); strict: torch.testing's defaults were asked for; unsupported_ops: the UnsupportedOp (op,
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
        self.strict = False
        self.reference_error = None
        self.reference = None
        self.record_path = None
        self.eager_leaves = None
        self.eager_output = None
        self.difference_source = None

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
    def worst_budget(self):
        """The greatest share of the rounding budget used by a leaf judged
        by the rounding rule (below 1 passes), or None."""
        vals = [l.budget for l in self.leaves if l.budget is not None]
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

    def to_dict(self) -> Dict[str, Any]:
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
            "strict": self.strict, "reference_error": self.reference_error, "worst_budget": self.worst_budget,
            "rules": sorted({l.rule for l in self.leaves if l.rule}), "record_path": self.record_path,
            "eager_leaves": None if self.eager_leaves is None else [l.to_dict() for l in self.eager_leaves],
            "difference_source": self.difference_source,
        })

    def report(self) -> str:
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
        elif not n_fail:
            lines.append("pyts parity FAILED: torch.jit's output of %s differs from the eager module's "
                         "(the export, not pyts)" % name)
        else:
            lines.append("pyts parity FAILED: %d of %d output leaves of %s differ from torch.jit" % (
                n_fail, len(self.leaves), name))
        lines.append("  file: %s (export: %s)" % (self.path, self.export or "given file"))
        for i, d in enumerate(self.inputs):
            lines.append("  input %d: %s" % (i, d if isinstance(d, str) else ("Tensor " + fmt_stats(d))))
        if self.eager_leaves is not None:
            bad = [l for l in self.eager_leaves if not l.passed]
            lines.append("  eager vs torch.jit (the export): %s" % (
                "%d of %d output leaves differ" % (len(bad), len(self.eager_leaves)) if bad else
                "all %d output leaves match" % len(self.eager_leaves)))
            lines.append("  torch.jit vs pyts (the runtime): %s" % (
                "pyts could not %s" % self.stage if self.stage else
                "%d of %d output leaves differ" % (len(self.failing), len(self.leaves)) if self.failing else
                "all %d output leaves match" % len(self.leaves)))
            if self.difference_source:
                lines.append("  the difference comes from: %s" % self.difference_source)
            for l in bad:
                lines.extend("    eager " + x for x in l.lines())
        if self.reference_error:
            lines.append("  no float64 reference (%s): torch.testing's defaults judge float32 leaves"
                         % self.reference_error)
        if self.unsupported_ops:
            lines.append("  unsupported operators (pyts lacks them; a run reaching one fails): %d" %
                         len(self.unsupported_ops))
            lines.extend("    %s at %s" % (u.op, u.location) for u in self.unsupported_ops)
        if self.ok:
            for l in self.leaves:
                if l.kind == "tensor" and l.rule == "rounding":
                    lines.append("  %s: %s %s, max abs diff %s, %.3g%% of the rounding budget (alpha %.3g u)" % (
                        l.path, tuple(l.torch_shape), l.torch_dtype, fmt_num(l.worst_abs), 100.0 * l.budget,
                        l.alpha))
                elif l.kind == "tensor":
                    lines.append("  %s: %s %s, max abs diff %s, max rel diff %s (rtol=%s, atol=%s)" % (
                        l.path, tuple(l.torch_shape), l.torch_dtype, fmt_num(l.worst_abs), fmt_num(l.worst_rel),
                        fmt_num(l.rtol), fmt_num(l.atol)))
                else:
                    lines.extend("  " + x for x in l.lines())
            return "\n".join(lines)
        for l in self.failing:
            lines.append("")
            lines.extend(l.lines())
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


def export_model(model: Any, example_inputs: Any, path: Union[str, "os.PathLike[str]"],
                 export: str = "trace") -> str:
    """Write `model` as a TorchScript file at `path` and return the path.

    model: a path (returned as is), bytes of an archive, a scripted module or
    function (saved), or an nn.Module / function exported with
    torch.jit.trace (export="trace", on example_inputs) or torch.jit.script
    (export="script"), or torch.export.export (export="export": a .pt2 archive).  The model is exported as it is: call .eval() first
    for inference behaviour (dropout, batch norm statistics)."""
    import torch

    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if isinstance(model, (bytes, bytearray)):
        with open(path, "wb") as f:
            f.write(model)
        return path
    if export == "export":  # torch.export.export + torch.export.save: a .pt2 archive
        return _pt2.export_pt2(model, _to_torch(_as_args(example_inputs)), path)
    if export not in ("trace", "script"):
        raise ValueError("export must be 'trace', 'script' or 'export', not %r" % (export,))
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


def compare_outputs(torch_out: Any, pyts_out: Any, rtol: Optional[float] = None, atol: Optional[float] = None,
                    equal_nan: bool = True, path: str = "output", *, reference: Any = None,
                    strict: bool = False) -> List[LeafResult]:
    """LeafResults comparing torch's output (torch values) with pyts's
    (pyts._compare.compare, the comparison core).

    reference: torch's output of the same model run in float64
    (float64_reference); with it, and rtol/atol None, float32 leaves are
    judged by the rounding rule (docs/tolerances.md) instead of
    torch.testing's defaults.  strict=True: torch.testing's defaults even
    when a reference is given."""
    if strict:
        reference = None
    return compare(torch_out, pyts_out, rtol, atol, equal_nan=equal_nan, path=path, reference=reference)


def _to_float64(v):
    """v with float32 tensors (torch or NumPy) turned into float64."""
    import torch

    if isinstance(v, torch.Tensor):
        return v.detach().to(torch.float64) if v.dtype == torch.float32 else v.detach().clone()
    if isinstance(v, np.ndarray):
        return torch.from_numpy(np.array(v, dtype=np.float64 if v.dtype == np.float32 else v.dtype, copy=True))
    if isinstance(v, tuple):
        return tuple(_to_float64(x) for x in v)
    if isinstance(v, list):
        return [_to_float64(x) for x in v]
    if isinstance(v, dict):
        return {k: _to_float64(x) for k, x in v.items()}
    return v


def _has_float32(v):
    if isinstance(v, np.ndarray):
        return v.dtype == np.float32
    if isinstance(v, (tuple, list)):
        return any(_has_float32(x) for x in v)
    if isinstance(v, dict):
        return any(_has_float32(x) for x in v.values())
    return False


def float64_reference(model: Any, example_inputs: Any, method: str = "forward") -> Any:
    """torch's output of `model` run in float64 (NumPy leaves): the file (a
    path, or a module/function exported as export_model does) loaded with
    torch.jit.load, its parameters and buffers and its float32 inputs turned
    into float64.  The reference of the rounding rule (compare_outputs's
    `reference`).  Raises what torch raises when the model cannot run in
    float64 (e.g. a dtype fixed in the graph)."""
    import torch

    tmp = None
    try:
        if isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction)) or \
                not isinstance(model, (str, os.PathLike)):
            tmp = tempfile.mkdtemp(prefix="pyts-f64-")
            model = export_model(model, example_inputs, os.path.join(tmp, "model.pt"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            loaded = torch.jit.load(os.fspath(model))
        loaded = loaded.double()
        with torch.no_grad():
            out = getattr(loaded, method)(*_to_float64(_as_args(example_inputs)))
        return to_numpy_tree(out)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- the check -----------------------------------------------------------------------------

def check_parity(model: Any, example_inputs: Any, *, export: str = "trace", method: str = "forward",
                 rtol: Optional[float] = None, atol: Optional[float] = None, localize: bool = True,
                 equal_nan: bool = True, workdir: Optional[str] = None, strict: bool = False, seed: Optional[int] = 0,
                 eager: bool = False) -> ParityResult:
    """Like assert_parity, but returns the ParityResult instead of raising."""
    import torch

    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    t_start = time.perf_counter()
    res = ParityResult()
    res.method, res.rtol, res.atol = method, rtol, atol
    res.strict = bool(strict)
    res.model = _model_name(model)
    args = _as_args(example_inputs)
    res.inputs = [_describe_input(a) for a in args]
    if eager and (isinstance(model, (str, os.PathLike, bytes, bytearray, torch.jit.ScriptModule,
                                     torch.jit.ScriptFunction)) or not callable(model)):
        raise ValueError("eager=True needs the original nn.Module or Python function, not %s"
                         % type(model).__name__)
    if export == "export" or (isinstance(model, (str, os.PathLike)) and _pt2.is_pt2(model)):
        res = _pt2.check_export_parity(res, model, args, _to_torch, _to_numpy, rtol, atol, equal_nan, workdir)
        res.seconds.setdefault("total", time.perf_counter() - t_start)
        _announce_result(res)  # --pyts-report and the plugin's summary count export checks too
        return res
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
        out_p = _pyts_load_and_run(res, path, lambda pm: pm.run_method(method, *_to_numpy(args)), seed)
        if res.stage is None:
            reference = None
            if rtol is None and not strict and _has_float32(expected):
                with _seeded(seed):
                    reference = res.reference = _reference_run(res, path, method, args)
            res.leaves = compare_trees(expected, out_p, "output", rtol, atol, equal_nan, reference=reference)
        if os.environ.get(RECORD_DIR_ENV):
            _record_check(res, path, method, args, expected)
        if eager:
            with _seeded(seed):
                _eager_run(res, model, method, args, expected, path, rtol, atol, equal_nan, strict)
        res.ok = res.stage is None and all(l.passed for l in res.leaves) and \
            all(l.passed for l in res.eager_leaves or ())
        if localize and (res.stage is not None or not all(l.passed for l in res.leaves)):
            res.localization = _localize_run(loaded, method, _to_torch(args), path=path, rtol=rtol, atol=atol)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            if res.path and res.path.startswith(tmp):
                res.path = "<temporary file> " + os.path.basename(res.path)
        res.seconds["total"] = time.perf_counter() - t_start
    _announce_result(res)
    return res


def _announce_result(res):
    if _listeners or os.environ.get(CHECK_LOG_ENV):
        rec = res.to_dict()
        rec["seconds_total"] = res.seconds["total"]
        _announce(rec)


# ---- every check is recorded ----------------------------------------------------------------
#
# Each check_parity call (assert_parity, the parity fixture, `python -m pyts
# check`, ...) is announced to the listeners registered here; the pytest
# plugin registers one while a test runs, so that every check made during a
# test reaches --pyts-report, fixture or not.  A check made in a subprocess
# (a CLI run started by a test) has no listener: it appends its record, one
# JSON line, to the file named by the environment variable PYTS_CHECK_LOG
# (the plugin sets it for the duration of each test and collects the lines).

CHECK_LOG_ENV = "PYTS_CHECK_LOG"
_listeners = []


def add_check_listener(fn: Callable[[Dict[str, Any]], None]) -> Callable[[Dict[str, Any]], None]:
    """Call fn(record) after every parity check of this process; record is
    ParityResult.to_dict() plus "seconds_total".  Returns fn."""
    _listeners.append(fn)
    return fn


def remove_check_listener(fn: Callable[[Dict[str, Any]], None]) -> None:
    """Stop calling fn (registered with add_check_listener)."""
    try:
        _listeners.remove(fn)
    except ValueError:
        pass


def _announce(rec):
    """Hand one check's record to the listeners, or to PYTS_CHECK_LOG when
    this process has none.  A listener's failure never fails the check."""
    if _listeners:
        for fn in list(_listeners):
            try:
                fn(rec)
            except Exception as e:  # noqa: BLE001
                warnings.warn("pyts check listener %r failed: %s" % (fn, e))
        return
    log = os.environ.get(CHECK_LOG_ENV)
    if log:
        import json

        try:
            with open(log, "a") as f:
                f.write(json.dumps(rec) + "\n")
        except OSError as e:
            warnings.warn("pyts could not append to %s=%s: %s" % (CHECK_LOG_ENV, log, e))


def _pyts_load_and_run(res, path, call, seed):
    """Load `path` in pyts and return call(module), seeded like torch's run and under no_grad
    (the same grad mode as torch's: nn.TransformerEncoder takes its fast path only there);
    times, unsupported ops and the output go into res; a pyts.Error sets res.stage ("load" or
    "run"), res.error and res.error_type and returns None."""
    try:
        t0 = time.perf_counter()
        pm = pyts_load(path)
        res.seconds["pyts_load"] = time.perf_counter() - t0
    except Error as e:
        res.stage, res.error, res.error_type = "load", str(e), type(e).__name__
        return None
    res.unsupported_ops = pm.unsupported_ops()
    try:
        t0 = time.perf_counter()
        if seed is not None:
            pyts_manual_seed(seed)
        with pyts_no_grad():
            out = call(pm)
        res.seconds["pyts"] = time.perf_counter() - t0
    except Error as e:
        res.stage, res.error, res.error_type = "run", str(e), type(e).__name__
        return None
    res.pyts_output = out
    return out


@contextlib.contextmanager
def _seeded(seed):
    """torch's default generator seeded with `seed` (None: left alone) inside the block, its state
    restored after: every torch run of one check draws what the pyts run draws."""
    import torch
    state = torch.get_rng_state()
    try:
        if seed is not None:
            torch.manual_seed(seed)
        yield
    finally:
        torch.set_rng_state(state)


def _eager_run(res, model, method, args, expected, path, rtol, atol, equal_nan, strict):
    """eager=True: run the original module/function in torch (eager mode)
    and compare it with torch.jit's output of the exported file
    (res.eager_leaves: torch.jit the reference side, the eager output in the
    place of pyts's), with the same rule as pyts's leaves; res.difference_source says which step a difference comes from."""
    import torch

    t0 = time.perf_counter()
    fn = getattr(model, method) if method != "forward" or not callable(model) else model
    with torch.no_grad():
        out_e = fn(*_to_torch(args))
    res.seconds["eager"] = time.perf_counter() - t0
    res.eager_output = out_e
    ref = None
    if rtol is None and not strict and _has_float32(expected):
        if res.reference is None and res.reference_error is None:
            res.reference = _reference_run(res, path, method, args)
        ref = res.reference
    # torch.jit's output is the reference side (the float64 reference is its
    # model's); in these leaves "pyts" stands for the eager output.  Tracing
    # returns tuples where the module returned lists: not a difference of values
    res.eager_leaves = compare_trees(expected, to_numpy_tree(out_e), "output", rtol, atol, equal_nan,
                                     strict_sequences=False, reference=ref)
    export_bad = not all(l.passed for l in res.eager_leaves)
    runtime_bad = res.stage is not None or not all(l.passed for l in res.leaves)
    res.difference_source = ("export and runtime" if export_bad and runtime_bad else "export" if export_bad
                             else "runtime" if runtime_bad else None)


def _reference_run(res, path, method, args):
    """The float64 reference of the rounding rule, or None (the reason in
    res.reference_error: those leaves fall back to torch.testing's defaults)."""
    t0 = time.perf_counter()
    try:
        ref = float64_reference(path, args, method)
    except Exception as e:  # noqa: BLE001 - the model cannot run in float64: the strict rule judges it
        msg = str(e).strip().splitlines()
        res.reference_error = "%s: %s" % (type(e).__name__, msg[-1] if msg else "")
        ref = None
    res.seconds["torch_float64"] = time.perf_counter() - t0
    return ref


# ---- golden files ----------------------------------------------------------------------------

RECORD_DIR_ENV = "PYTS_RECORD_DIR"
RECORD_NAME_ENV = "PYTS_RECORD_NAME"


def _write_golden(out_path, archive_path, method, args, expected, reference, model_name):
    import torch

    from . import __version__
    from ._golden import write

    with open(archive_path, "rb") as f:
        archive = f.read()
    meta = {"model": model_name, "method": method, "torch": torch.__version__, "pyts": __version__}
    d = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(d, exist_ok=True)
    return write(out_path, archive, _to_numpy(tuple(args)), expected, reference, meta)


def _record_check(res, path, method, args, expected):
    """--pyts-record: save this check's golden file into PYTS_RECORD_DIR
    (named PYTS_RECORD_NAME-<n>.npz).  A check that cannot be recorded
    warns; it never fails the check."""
    d = os.environ[RECORD_DIR_ENV]
    prefix = _safe(os.environ.get(RECORD_NAME_ENV) or res.model)
    try:
        if res.reference is None and res.reference_error is None and _has_float32(expected):
            res.reference = _reference_run(res, path, method, args)
        os.makedirs(d, exist_ok=True)
        n = 0
        while os.path.exists(os.path.join(d, "%s-%d.npz" % (prefix, n))):
            n += 1
        res.record_path = _write_golden(os.path.join(d, "%s-%d.npz" % (prefix, n)), path, method, args, expected,
                                        res.reference, res.model)
    except Exception as e:  # noqa: BLE001
        warnings.warn("pyts could not record %s: %s: %s" % (res.model, type(e).__name__, e))


def record(model: Any, example_inputs: Any, path: Union[str, "os.PathLike[str]"], *, export: str = "trace",
           method: str = "forward") -> str:
    """Save a golden file at `path` (needs torch): the TorchScript archive of
    `model` (a path, a scripted module or function, or a module/function
    exported with `export` as export_model does), the inputs, torch's
    outputs and torch's float64 outputs (for the rounding rule; omitted when
    the model cannot run in float64), in one .npz that NumPy reads without
    pickle.  assert_matches_record(path) checks pyts against it, with no
    torch needed.  Returns path."""
    import torch

    args = _as_args(example_inputs)
    tmp = tempfile.mkdtemp(prefix="pyts-record-")
    try:
        pt = export_model(model, args, os.path.join(tmp, "model.pt"), export)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            loaded = torch.jit.load(pt)
        with torch.no_grad():
            expected = to_numpy_tree(getattr(loaded, method)(*_to_torch(args)))
        reference = None
        if _has_float32(expected):
            try:
                reference = float64_reference(pt, args, method)
            except Exception:  # noqa: BLE001 - the strict rule will judge its float32 leaves
                reference = None
        return _write_golden(os.fspath(path), pt, method, args, expected, reference, _model_name(model))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_matches_record(path: Union[str, "os.PathLike[str]"], *, rtol: Optional[float] = None,
                         atol: Optional[float] = None, strict: bool = False, equal_nan: bool = True) -> ParityResult:
    """Like assert_matches_record, but returns the ParityResult."""
    from ._golden import Golden

    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    t_start = time.perf_counter()
    g = Golden(os.fspath(path))
    res = ParityResult()
    res.method, res.rtol, res.atol, res.strict = g.meta.get("method", "forward"), rtol, atol, bool(strict)
    res.model = g.meta.get("model")
    res.path = os.fspath(path)
    res.export = "golden file (torch %s)" % g.meta.get("torch")
    res.torch_output = g.outputs
    res.reference = None if strict else g.reference
    args = g.inputs if isinstance(g.inputs, tuple) else (g.inputs,)
    res.inputs = [tensor_stats(a) if isinstance(a, np.ndarray) else _describe_value(a) for a in args]
    try:
        t0 = time.perf_counter()
        pm = pyts_load(g.archive)
        res.seconds["pyts_load"] = time.perf_counter() - t0
    except Error as e:
        res.stage, res.error, res.error_type = "load", str(e), type(e).__name__
    else:
        res.unsupported_ops = pm.unsupported_ops()
        try:
            t0 = time.perf_counter()
            with pyts_no_grad():
                out_p = pm.run_method(res.method, *[np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                                                    for a in args])
            res.seconds["pyts"] = time.perf_counter() - t0
            res.pyts_output = out_p
        except Error as e:
            res.stage, res.error, res.error_type = "run", str(e), type(e).__name__
        else:
            if res.reference is None and rtol is None and not strict and _has_float32(g.outputs):
                res.reference_error = "the golden file has no float64 outputs"
            res.leaves = compare_trees(g.outputs, out_p, "output", rtol, atol, equal_nan, reference=res.reference)
    res.ok = res.stage is None and all(l.passed for l in res.leaves)
    res.seconds["total"] = time.perf_counter() - t_start
    if _listeners or os.environ.get(CHECK_LOG_ENV):
        rec = res.to_dict()
        rec["seconds_total"] = res.seconds["total"]
        _announce(rec)
    return res


def assert_matches_record(path: Union[str, "os.PathLike[str]"], *, rtol: Optional[float] = None,
                          atol: Optional[float] = None, strict: bool = False,
                          equal_nan: bool = True) -> ParityResult:
    """Check pyts against a golden file written by record() (or by
    `pytest --pyts-record DIR`): load its archive in pyts, run it on the
    recorded inputs and compare with torch's recorded outputs, with the same
    rules as assert_parity (the rounding rule from the recorded float64
    outputs by default; strict=True: torch.testing's defaults; rtol/atol:
    yours).  Needs no torch.  Raises ParityError; returns the ParityResult."""
    __tracebackhide__ = True
    res = check_matches_record(path, rtol=rtol, atol=atol, strict=strict, equal_nan=equal_nan)
    if not res.ok:
        raise ParityError(res.report(), res)
    return res


def _describe_value(v):
    if isinstance(v, (list, tuple)):
        return "%s of %d" % (type(v).__name__, len(v))
    return "%s %r" % (type(v).__name__, v)


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))[:60] or "model"


def assert_parity(model: Any, example_inputs: Any, *, export: str = "trace", method: str = "forward",
                  rtol: Optional[float] = None, atol: Optional[float] = None, localize: bool = True,
                  equal_nan: bool = True, workdir: Optional[str] = None, strict: bool = False, seed: Optional[int] = 0,
                  eager: bool = False) -> ParityResult:
    """Run `model` in torch.jit and in pyts on `example_inputs` and compare
    every output leaf; raise ParityError (an AssertionError) listing every
    failing leaf, and the first diverging op when localize=True.

    model: nn.Module or function (exported with `export`, "trace" or
    "script"), a scripted module/function (saved as is), or the path of a .pt.
    example_inputs: a tuple of arguments, or one argument (a tensor); torch
    tensors or NumPy arrays, nested in lists/tuples/dicts as the method wants.
    Tolerance, in this order: rtol/atol (both or neither) when given;
    strict=True: torch.testing.assert_close's per dtype (float32: rtol
    1.3e-6, atol 1e-5; integers and bool exact); by default, float32 leaves
    are judged by the rounding rule: torch also runs the model in float64,
    and pyts may differ from torch's float32 output by what two correct
    float32 engines can differ by, given the rounding error torch's own run
    shows (pyts._compare.ROUNDING_RULE; derived in docs/tolerances.md); other
    dtypes, and models that cannot run in float64, get torch.testing's
    defaults.  Each leaf's LeafResult says which rule judged it (.rule,
    .tol_source) and, under the rounding rule, the share of the budget used
    (.budget).  Localization compares each op with torch.testing's defaults
    (or rtol/atol when given).
    equal_nan: NaN in both engines counts as equal (default True).
    eager=True: three engines: also run the original nn.Module / function
    in torch (not exported) and compare it with torch.jit's output (the same
    rules); a difference there fails the check too, and the result says
    whether a difference comes from exporting (eager vs torch.jit:
    .eager_leaves) or from the runtime (torch.jit vs pyts: .leaves), in
    .difference_source ("export", "runtime", "export and runtime" or None).
    workdir: where the .pt is written (a temporary folder by default, removed
    afterwards).
    seed: both engines' default random generators are seeded with it
    (torch.manual_seed / pyts.manual_seed) just before their runs, so models
    drawing random numbers (dropout in training mode, rand, ...) compare bit
    for bit; None leaves them as they are.  torch's generator state is
    restored afterwards.  Returns the ParityResult on success."""
    __tracebackhide__ = True
    res = check_parity(model, example_inputs, export=export, method=method, rtol=rtol, atol=atol,
                       localize=localize, equal_nan=equal_nan, workdir=workdir, seed=seed, strict=strict,
                       eager=eager)
    if not res.ok:
        raise ParityError(res.report(), res)
    return res
