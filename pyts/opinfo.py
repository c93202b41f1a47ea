"""The OpInfo scoreboard: PyTorch's own operator database run through pyts.

    python -m pyts.opinfo [--ops add,nn.functional.relu] [--dtypes float32,int64]
                          [--out docs/opinfo_scoreboard] [--jobs N] [--timeout S] [--max-samples N]
                          [--update]

For each OpInfo of torch.testing._internal.common_methods_invocations.op_db,
each dtype (default: DTYPES, every dtype op_db declares for the CPU that
NumPy can hold) the OpInfo supports on the CPU, and each of its samples in
that dtype, a one-op function is scripted exactly as PyTorch's JIT
consistency test (test_ops_jit.py) does it — jit_metaprogramming_utils.
gen_script_fn_and_args renders `def the_method(i0, ...): return
torch.<op>(i0, <literal args>)` and compiles it with
torch.jit.CompilationUnit — falling back to the method variant and then to
torch.jit.trace with non-tensor arguments baked in.  The function is saved
with torch.jit.save, loaded back by torch.jit.load and by pyts.load, both run
on the same inputs, and the outputs compared with torch.testing's default
tolerances for each output's dtype (exact for integers and bool), or the
OpInfo's own toleranceOverride for the sample dtype on the CPU when it is
looser.  Index outputs torch leaves unspecified among equal values (sort
without stable=True, argsort, topk, kthvalue, mode, median/nanmedian over a
dim; TIE_OPS) pass when they differ from torch's only there: every index
must select torch's value (and, for sort/argsort/topk, be distinct).  Two more
per-op hooks do what torch's own tests of those ops do: OUTPUT_ALIGN compares
singular/eigen vectors up to sign (svd, eigh, ...), and ROUNDING_REFERENCE
judges a few long float32 sums (conv2d, matrix_exp, ...) by pyts._compare's
rounding rule against torch's float64 run when the plain comparison fails.
Verdicts per sample:

  PASS            every output leaf close
  MISMATCH        pyts ran but an output differs (values, shape, dtype, type)
  UNSUPPORTED-OP  pyts has no kernel for an op the function calls
  LOAD-ERROR      pyts could not load/compile the archive (language features)
  RUN-ERROR       pyts loaded it but raised while running where torch did not
  CRASH           the worker process died (signal) or hung past the timeout
  SKIP            not a pyts result: torch itself cannot script/run the
                  sample (a random op, where torch differs from itself
                  between seeds, is compared with both engines seeded with 0)

An op's verdict is PASS when all its tested samples pass, else the most
severe sample verdict (CRASH > MISMATCH > RUN-ERROR > LOAD-ERROR >
UNSUPPORTED-OP), SKIP when no sample could be tested; likewise over its
dtypes.  Each (op, dtype) runs in a worker process; a worker that dies is
replaced and the job resumes after the sample that killed it, so a crash is
a result, not the end of the sweep.  The same sample runner backs the pytest
front end (`pytest --pyts-opinfo`, pyts.pytest_plugin: one test per op and
dtype, through Runner).

Writes <out>.md (one column per dtype, a PASS % line per dtype, the top
failure causes per dtype) and <out>.json (per op and dtype: samples,
verdicts, worst error) and prints the totals per dtype.  With --update the
run's (op, dtype) cells replace those of the existing <out>.json and every
other cell is kept, so a run of a few ops or one dtype refreshes their rows
without a full sweep."""
import argparse
import io
import json
import math
import multiprocessing as mp
import os
import re
import signal
import sys
import time
import traceback
import types
import unittest
import warnings
from multiprocessing.connection import wait as _mp_wait

VERDICTS = ["PASS", "MISMATCH", "UNSUPPORTED-OP", "LOAD-ERROR", "RUN-ERROR", "CRASH", "SKIP"]
SEVERITY = ["CRASH", "MISMATCH", "RUN-ERROR", "LOAD-ERROR", "UNSUPPORTED-OP"]


# ---- op_db ----------------------------------------------------------------------------------

def _stub_expecttest():
    """torch.testing._internal.common_utils imports expecttest (a test-only
    package) for its TestCase base class and ACCEPT flag; where it is not
    installed an in-memory stand-in is enough to build op_db."""
    try:
        import expecttest  # noqa: F401
    except ImportError:
        m = types.ModuleType("expecttest")
        m.ACCEPT = False

        class TestCase(unittest.TestCase):
            def assertExpectedInline(self, *a, **k):  # pragma: no cover
                raise unittest.SkipTest("expecttest is not installed")

        m.TestCase = TestCase
        sys.modules["expecttest"] = m


def load_op_db():
    _stub_expecttest()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.testing._internal.common_methods_invocations import op_db
    return op_db


def op_key(op):
    return op.name + ("." + op.variant_test_name if op.variant_test_name else "")


def select_ops(op_db, names=None):
    """[(index, key)] of the op_db entries to run: all, or those whose name
    or name.variant is in names."""
    out = []
    want = set(names) if names else None
    for i, op in enumerate(op_db):
        k = op_key(op)
        if want is None or k in want or op.name in want:
            out.append((i, k))
    return out


# ---- one sample ---------------------------------------------------------------------------

# every dtype op_db declares for the CPU that NumPy can hold (bfloat16, complex32,
# the float8s and the unsigned ints beyond uint8 have no NumPy dtype or few samples)
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64",
          "complex128"]


def torch_dtype(name):
    import torch

    d = getattr(torch, name, None)
    if not isinstance(d, torch.dtype):
        raise ValueError("not a torch dtype: %r" % name)
    return d


def _tolerance(op, dtype="float32"):
    """(rtol, atol, source) for the samples of op in dtype (a name): the
    CPU toleranceOverride/precisionOverride the OpInfo declares for that
    dtype (the largest; never below torch.testing's defaults for the
    dtype), else (None, None, "default"): each output leaf is then judged by
    torch.testing's defaults for its own dtype (exact for integers and bool),
    as assert_close does."""
    from ._compare import DEFAULT_TOLERANCES

    td = torch_dtype(dtype)
    rtol, atol = DEFAULT_TOLERANCES.get(dtype, (0.0, 0.0))
    src = "default"
    for dec in getattr(op, "decorators", ()) or ():
        if getattr(dec, "device_type", None) not in (None, "cpu"):
            continue
        if getattr(dec, "dtypes", None) and td not in dec.dtypes:
            continue
        for d in getattr(dec, "decorators", ()) or ():
            table = getattr(d, "d", None)
            if not isinstance(table, dict) or td not in table:
                continue
            v = table[td]
            if hasattr(v, "atol"):
                if v.atol > atol or v.rtol > rtol:
                    atol, rtol = max(atol, v.atol), max(rtol, v.rtol)
                    src = "override"
            elif isinstance(v, (int, float)) and v > atol:
                atol, src = float(v), "override"
    if src == "default":
        return None, None, src
    return rtol, atol, src


def _is_lambda(f):
    return callable(f) and getattr(f, "__name__", "") == "<lambda>"


def _clone(x):
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().clone()
    if isinstance(x, (list, tuple)):
        return type(x)(_clone(v) for v in x)
    return x


def _export(op, sample):
    """(archive bytes, tensors, how) or raise _TorchSkip."""
    import torch
    from torch.testing._internal.jit_metaprogramming_utils import gen_script_fn_and_args, \
        partial_apply_nontensors

    errors = []
    func = op.get_op()
    method = op.get_method()
    tries = []
    if op.supports_scripting and not isinstance(func, torch._ops.OpOverload):
        if func is not None and not _is_lambda(func):
            tries.append("function")
        if method is not None and not _is_lambda(method):
            tries.append("method")
    for kind in tries:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn, tensors = gen_script_fn_and_args(op.name, kind, sample.input, *sample.args, **sample.kwargs)
                buf = io.BytesIO()
                torch.jit.save(fn, buf)
            return buf.getvalue(), tensors, "script:" + kind
        except Exception as e:  # noqa: BLE001 - torch cannot script this form
            errors.append("script %s: %s" % (kind, _first_line(e)))
    if op.supports_tracing and func is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn_t, split = partial_apply_nontensors(func, (sample.input,) + tuple(sample.args), sample.kwargs)
                tensors = getattr(split, "all_tensors", split)
                with torch.no_grad():
                    traced = torch.jit.trace(fn_t, tuple(_clone(tensors)), check_trace=False, strict=False)
                buf = io.BytesIO()
                torch.jit.save(traced, buf)
            return buf.getvalue(), list(tensors), "trace"
        except Exception as e:  # noqa: BLE001
            errors.append("trace: %s" % _first_line(e))
    raise _TorchSkip("torch cannot export: " + ("; ".join(errors) if errors else "no scriptable variant"))


class _TorchSkip(Exception):
    pass


def _first_line(e):
    s = str(e).strip()
    lines = [ln for ln in s.splitlines() if ln.strip()]
    if not lines:
        return type(e).__name__
    # TorchScript errors end with the real message
    for ln in reversed(lines):
        if "Error" in ln or "error" in ln:
            return ln.strip()[:300]
    return lines[0].strip()[:300]


def _same(a, b):
    """Are two torch results identical (NaN equal to NaN), by the comparison core?"""
    from pyts._compare import compare

    return all(l.passed for l in compare(a, b, 0.0, 0.0, equal_nan=True))


# ops whose results are uninitialized memory (torch.empty & co.)
UNINITIALIZED = {"empty", "empty_like", "empty_permuted", "empty_strided", "new_empty", "new_empty_strided"}


def _column_signs(exp, got):
    """+-1 per column of got (vectors along axis -2) that gives each column the sign of torch's:
    judged at the entry where torch's column is largest in magnitude."""
    import numpy as np

    i = np.argmax(np.abs(np.nan_to_num(exp)), axis=-2)[..., None, :]
    s = np.sign(np.take_along_axis(exp, i, axis=-2)) * np.sign(np.take_along_axis(got, i, axis=-2))
    return np.where(s == 0, 1, np.nan_to_num(s, nan=1.0)).astype(got.dtype)


def _align_vectors(layout, svd=False):
    """Singular and eigen vectors are unique only up to sign (complex: a unit phase, aligned as
    _align_phases does): each LAPACK picks its own (torch's
    OpInfo tests of svd / eigh never compare two LAPACKs: they check reconstructions and
    gradients).  pyts's vectors are flipped to torch's signs, the same flip applied to the
    paired vector (U's column k and V's column k / Vh's row k), so the comparison still checks
    the pairing.  svd: only the k = len(S) vectors that belong to a singular value are kept (the
    rest of full_matrices' U / V span a null space in no particular basis), as OpInfo's own
    svd samples do (their output_process_fn_grad "uniformize").  layout: per output, "c"
    vectors in columns, "r" in rows, None not a vector."""
    def align(exp, got):
        import numpy as np

        if not isinstance(got, (list, tuple)) or len(got) != len(layout) or len(exp) != len(layout):
            return exp, got
        exp, got = [np.asarray(x) for x in exp], [np.asarray(x) for x in got]
        if svd:
            k = exp[1].shape[-1]
            for x in (exp, got):
                for i, how in enumerate(layout):
                    if how == "c":
                        x[i] = x[i][..., :k]
                    elif how == "r":
                        x[i] = x[i][..., :k, :]
        first = layout.index("c")
        e, g = exp[first], got[first]
        if e.shape != g.shape or e.size == 0 or e.dtype.kind not in "fc":
            return tuple(exp), tuple(got)
        if e.dtype.kind == "c":
            # complex vectors are unique up to a unit phase: column k of pyts's times the unit
            # factor <g_k, e_k> / |<g_k, e_k>| that best aligns it with torch's; a paired row
            # (Vh's row k) gets the conjugate factor, so U diag(S) Vh is unchanged
            p = np.sum(np.conj(g) * e, axis=-2, keepdims=True)
            a = np.abs(p)
            s = np.where(a > 0, p / np.where(a > 0, a, 1), 1).astype(g.dtype)
        else:
            s = _column_signs(e, g)
        for i, how in enumerate(layout):
            if how is not None and got[i].shape == exp[i].shape:
                got[i] = got[i] * (s if how == "c" else np.conj(np.swapaxes(s, -1, -2)))
        return tuple(exp), tuple(got)
    return align


def _align_phases(exp, got):
    """linalg.eig: each eigenvector (a column of output 1) is unique only up to a unit complex
    factor (geev makes its largest entry real, so a real-input vector can still differ by
    sign between two LAPACKs): pyts's column is multiplied by the unit factor that best
    aligns it with torch's, <g, e> / |<g, e>|.  The values (output 0) are compared as they are."""
    import numpy as np

    if not isinstance(got, (list, tuple)) or len(got) != 2 or len(exp) != 2:
        return exp, got
    e, g = np.asarray(exp[1]), np.asarray(got[1])
    if e.shape != g.shape or e.size == 0 or e.dtype.kind != "c":
        return exp, got
    p = np.sum(np.conj(g) * e, axis=-2, keepdims=True)
    a = np.abs(p)
    p = np.where(a > 0, p / np.where(a > 0, a, 1), 1).astype(g.dtype)
    return tuple(exp), (got[0], g * p)


# Ops whose float32 results are long or ill-conditioned sums (convolution, products in
# matrix_exp's series, cov's centred products, attention) that torch and pyts add in different
# orders (OpenBLAS vs torch's kernels): when a sample differs beyond torch.testing's tolerance,
# it is judged by the rounding rule of pyts._compare (ROUNDING_RULE: the allowed difference
# scaled by torch's own float32 error against its float64 run of the same function), the
# rule the model parity tests use.
ROUNDING_REFERENCE = {"nn.functional.conv2d", "matrix_exp", "cov", "nn.functional.multi_head_attention_forward",
                      "torch.ops.aten._scaled_dot_product_flash_attention_for_cpu"}


def _float64_run(loaded, tensors):
    """torch's result of the same archive with float32 inputs as float64 (NumPy tree), or None."""
    import torch

    from pyts._compare import to_numpy_tree

    def up(x):
        if isinstance(x, torch.Tensor):
            return x.detach().clone().to(torch.float64) if x.dtype == torch.float32 else x.detach().clone()
        if isinstance(x, (list, tuple)):
            return type(x)(up(v) for v in x)
        return x
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with torch.no_grad():
                return to_numpy_tree(loaded(*up(tensors)))
    except Exception:  # noqa: BLE001 - no float64 run: the plain comparison stands
        return None


# op -> f(torch's outputs, pyts's outputs) -> both made comparable (see each function)
OUTPUT_ALIGN = {
    "linalg.eigh": _align_vectors((None, "c")),
    "linalg.eig": _align_phases,
    "linalg.svd": _align_vectors(("c", None, "r"), svd=True),
    "svd": _align_vectors(("c", None, "c"), svd=True),
    "svd_lowrank": _align_vectors(("c", None, "c")),
    "pca_lowrank": _align_vectors(("c", None, "c")),
}


def _blank(tree):
    import numpy as np

    if isinstance(tree, np.ndarray):
        return np.zeros_like(tree)
    if isinstance(tree, (list, tuple)):
        return type(tree)(_blank(x) for x in tree)
    return tree


_MISSING_RE = re.compile(r"((?:aten|prim)::[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)")


def run_sample(op, sample, rtol, atol):
    """One sample: returns a dict with verdict, export, max_abs, max_rel, message."""
    import torch

    import pyts
    from pyts._compare import _Skip, compare_trees, to_numpy_tree
    from pyts._localize import to_pyts

    rec = {"verdict": None}
    try:
        rec["sample"] = describe_sample(sample)
    except Exception:  # noqa: BLE001 - a description is a courtesy
        rec["sample"] = "?"
    try:
        data, tensors, how = _export(op, sample)
    except _TorchSkip as e:
        rec.update(verdict="SKIP", message=str(e))
        return rec
    rec["export"] = how
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = torch.jit.load(io.BytesIO(data))
            with torch.no_grad():
                torch.manual_seed(0)
                expected = loaded(*_clone(tensors))
                torch.manual_seed(1)
                again = loaded(*_clone(tensors))
    except Exception as e:  # noqa: BLE001
        rec.update(verdict="SKIP", message="torch.jit cannot run it: %s" % _first_line(e))
        return rec
    try:
        same = _same(expected, again)
    except Exception:  # noqa: BLE001
        same = True
    # a random op (torch differs from itself between seeds): pyts draws torch's
    # numbers, so it is compared to torch's first run, both seeded with 0
    random = not same
    try:
        exp_np = to_numpy_tree(expected)
        inputs = [to_pyts(t) for t in _clone(tensors)]
    except _Skip as e:
        rec.update(verdict="SKIP", message=str(e))
        return rec
    try:
        m = pyts.load(data)
    except pyts.UnsupportedOperatorError as e:
        rec.update(verdict="UNSUPPORTED-OP", message=_msg(e))
        return rec
    except pyts.Error as e:
        rec.update(verdict="LOAD-ERROR", message=_msg(e))
        return rec
    try:
        # seeded always, as torch's first run was: a random op whose two torch runs happen to
        # agree (fractional_max_pool3d's windows for small sizes) must still draw torch's numbers
        pyts.manual_seed(0)
        if random:
            rec["note"] = "random: both engines seeded with 0"
        got = m.forward(*inputs)
    except pyts.UnsupportedOperatorError as e:
        rec.update(verdict="UNSUPPORTED-OP", message=_msg(e))
        return rec
    except pyts.Error as e:
        rec.update(verdict="RUN-ERROR", message=_msg(e))
        return rec
    if op.name in OUTPUT_ALIGN:
        try:
            exp_np, got = OUTPUT_ALIGN[op.name](exp_np, got)
            rec["note"] = "vectors compared up to sign"
        except Exception:  # noqa: BLE001 - an unexpected layout is compared as it is
            pass
    if op.name in UNINITIALIZED:
        # values are whatever the allocator held: only shapes and dtypes mean anything
        exp_np, got = _blank(exp_np), _blank(got)
        rec["note"] = "values not compared (uninitialized memory)"
    leaves = compare_trees(exp_np, got, "output", rtol, atol, True)
    abs_ = [l.worst_abs for l in leaves if l.worst_abs is not None and not math.isnan(l.worst_abs)]
    rel_ = [l.worst_rel for l in leaves if l.worst_rel is not None and not math.isnan(l.worst_rel)]
    rec["max_abs"] = max(abs_) if abs_ else None
    rec["max_rel"] = max(rel_) if rel_ else None
    bad = [l for l in leaves if not l.passed]
    if bad and op.name in ROUNDING_REFERENCE and not random:
        ref = _float64_run(loaded, tensors)
        if ref is not None:
            leaves = compare_trees(exp_np, got, "output", None, None, True, reference=ref)
            bad = [l for l in leaves if not l.passed]
            rec["note"] = "judged by the rounding rule against torch's float64 run"
    if bad and op.name in TIE_OPS and not sample.kwargs.get("stable") and all(
            l.torch_dtype == "int64" and l.pyts_dtype == "int64" and l.kind == "tensor" for l in bad):
        try:
            ties = _indices_equivalent(op.name, sample.input, exp_np, got)
        except Exception:  # noqa: BLE001 - no verdict from this check: the mismatch stands
            ties = False
        if ties:
            bad = []
            rec["note"] = ("indices differ from torch's only among equal values (whose order torch does "
                           "not specify); every index checked to select torch's values")
    if bad:
        rec["verdict"] = "MISMATCH"
        rec["message"] = " | ".join(" ".join(x.strip() for x in l.lines()[:5]) for l in bad[:2])[:600]
        rec["detail"] = "\n".join(x for l in bad[:3] for x in l.lines())[:4000]
    else:
        rec["verdict"] = "PASS"
    return rec


# ops whose index output torch leaves unspecified among equal values (sort without
# stable=True, topk, kthvalue, mode, median/nanmedian over a dim: torch's own docs);
# pyts's indices there are judged by what they select, not by their order
TIE_OPS = {"sort", "argsort", "topk", "kthvalue", "mode", "median", "nanmedian"}


def _indices_equivalent(name, x, exp, got):
    """Do pyts's index outputs select exactly torch's values along the dim
    torch's own indices select them along (distinct indices for sort,
    argsort and topk)?  exp/got: torch's and pyts's outputs (NumPy):
    (values, indices), or indices alone for argsort."""
    import numpy as np
    import torch

    if not isinstance(x, torch.Tensor) or x.ndim == 0:
        return False
    if name == "argsort":
        e_idx, g_idx, e_val = exp, got, None
    else:
        if not (isinstance(exp, (tuple, list)) and isinstance(got, (tuple, list)) and len(exp) == len(got) == 2):
            return False
        (e_val, e_idx), (_, g_idx) = exp, got
    if not (isinstance(e_idx, np.ndarray) and isinstance(g_idx, np.ndarray)) or e_idx.shape != g_idx.shape:
        return False
    e_idx, g_idx = torch.from_numpy(np.array(e_idx)), torch.from_numpy(np.array(g_idx))
    distinct = name in ("sort", "argsort", "topk")

    def same(a, b):
        return a.shape == b.shape and bool(((a == b) | (a.isnan() & b.isnan()) if a.is_floating_point() else
                                             (a == b)).all())

    for d in range(x.ndim):
        ei, gi = e_idx, g_idx
        if ei.ndim == x.ndim - 1:
            ei, gi = ei.unsqueeze(d), gi.unsqueeze(d)
        if ei.ndim != x.ndim:
            return False
        try:
            want = torch.gather(x, d, ei)
        except (RuntimeError, IndexError):
            continue
        if e_val is not None and not same(want, torch.from_numpy(np.array(e_val)).reshape(want.shape)):
            continue
        if bool(((gi < 0) | (gi >= x.shape[d])).any()):
            return False
        if not same(torch.gather(x, d, gi), want):
            return False
        if distinct and gi.shape[d] > 1:
            srt = gi.sort(d).values
            if bool((srt.narrow(d, 1, srt.shape[d] - 1) == srt.narrow(d, 0, srt.shape[d] - 1)).any()):
                return False
        return True
    return False


def _describe(v, depth=0):
    import torch

    if isinstance(v, torch.Tensor):
        d = str(v.dtype).replace("torch.", "")
        shape = "[%s]" % ", ".join(str(x) for x in v.shape)
        extra = "" if v.is_contiguous() or v.numel() <= 1 else " non-contiguous"
        return "Tensor%s %s%s" % (shape, d, extra)
    if isinstance(v, (list, tuple)) and depth < 3:
        inner = ", ".join(_describe(x, depth + 1) for x in list(v)[:8]) + (", ..." if len(v) > 8 else "")
        return ("[%s]" if isinstance(v, list) else "(%s)") % inner
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def describe_sample(sample):
    """One line: the sample's input, args and kwargs (tensors as shape and dtype)."""
    parts = ["input " + _describe(sample.input)]
    if sample.args:
        parts.append("args " + _describe(tuple(sample.args)))
    if sample.kwargs:
        parts.append("kwargs {%s}" % ", ".join("%s: %s" % (k, _describe(v)) for k, v in sample.kwargs.items()))
    return ", ".join(parts)


def _msg(e):
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    s = "%s: %s" % (type(e).__name__, " ".join(lines[:3]))
    return s[:400]


# ---- worker process ---------------------------------------------------------------------------

_OP_DB = None


def _op_db():
    global _OP_DB
    if _OP_DB is None:
        _OP_DB = load_op_db()
    return _OP_DB


def _worker_main(conn, max_samples):
    """Receives ("run", op_index, dtype, start) and streams ('start', i),
    ('sample', i, rec), ('done', n, note) back; ('quit',) ends it."""
    import faulthandler

    if not os.environ.get("PYTS_OPINFO_DEBUG"):
        # a crash is reported by the parent (CRASH, with the signal); the
        # traceback an inherited faulthandler would print is noise there
        faulthandler.disable()
    import torch

    torch.set_num_threads(1)
    import pyts

    pyts.set_num_threads(1)
    op_db = _op_db()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "quit":
            return
        _, idx, dtype, start = msg
        op = op_db[idx]
        note = None
        n = 0
        try:
            td = torch_dtype(dtype)
            if td not in op.supported_dtypes("cpu"):
                conn.send(("done", 0, "no %s CPU support" % dtype))
                continue
            rtol, atol, _ = _tolerance(op, dtype)
            torch.manual_seed(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                samples = op.sample_inputs("cpu", td, requires_grad=False)
                for i, s in enumerate(samples):
                    if max_samples is not None and i >= max_samples:
                        break
                    n = i + 1
                    if i < start:
                        continue
                    try:
                        desc = describe_sample(s)
                    except Exception:  # noqa: BLE001 - a description is a courtesy
                        desc = "?"
                    conn.send(("start", i, desc))
                    _maybe_fault(op_key(op), dtype, i)
                    try:
                        rec = run_sample(op, s, rtol, atol)
                    except Exception as e:  # noqa: BLE001 - an unexpected harness error is a result too
                        rec = {"verdict": "SKIP", "message": "harness: %s: %s" % (
                            type(e).__name__, _first_line(e))}
                    conn.send(("sample", i, rec))
        except Exception as e:  # noqa: BLE001 - sample generation failed
            note = "samples: %s: %s" % (type(e).__name__, _first_line(e))
            traceback.print_exc(file=sys.stderr) if os.environ.get("PYTS_OPINFO_DEBUG") else None
        conn.send(("done", n, note))


def _maybe_fault(key, dtype, i):
    """Test hook of the harness itself (tests/parity/test_opinfo.py):
    PYTS_OPINFO_FAULT="op:sample:segv[,op:sample:hang,op@dtype:sample:segv]"
    kills the worker with SIGSEGV, or makes it hang, at that sample (of every
    dtype, or of the one named after @), to check that a crash or a hang is
    recorded as CRASH and the sweep goes on."""
    for spec in os.environ.get("PYTS_OPINFO_FAULT", "").split(","):
        name, _, rest = spec.partition(":")
        idx, _, kind = rest.partition(":")
        name, _, want_dtype = name.partition("@")
        if name != key or str(i) != idx or (want_dtype and want_dtype != dtype):
            continue
        if kind == "hang":
            time.sleep(3600)
        os.kill(os.getpid(), signal.SIGSEGV)


class _Worker:
    """One worker process and the job it runs: a (op, dtype) whose samples
    stream back into a result dict (new_result)."""

    def __init__(self, ctx, max_samples):
        self.parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, max_samples), daemon=True)
        self.proc.start()
        child.close()
        self.job = None          # (op_index, key, dtype)
        self.current = None      # sample index running
        self.current_desc = None  # and its description (describe_sample)
        self.deadline = None
        self.timeout = None

    def send(self, idx, key, dtype, start, timeout):
        self.job = (idx, key, dtype)
        self.current = None
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.parent.send(("run", idx, dtype, start))

    def pump(self, r, readable):
        """Take the messages waiting from the worker into result r.  Returns
        "done" (the job finished), "died" (the process is gone), "timeout"
        (a sample hung) or None (still running)."""
        if readable:
            try:
                while self.parent.poll():
                    msg = self.parent.recv()
                    self.deadline = time.monotonic() + self.timeout
                    if msg[0] == "start":
                        self.current = msg[1]
                        self.current_desc = msg[2] if len(msg) > 2 else None
                    elif msg[0] == "sample":
                        r["samples"][msg[1]] = msg[2]
                        self.current = None
                    elif msg[0] == "done":
                        r["n"] = msg[1]
                        r["note"] = r["note"] or msg[2]
                        return "done"
            except (EOFError, OSError):
                return "died"
        if not self.proc.is_alive():
            return "died"
        if time.monotonic() > self.deadline:
            return "timeout"
        return None

    def crashed(self, r, how):
        """Record a dead or hung worker's job in r ("died"/"timeout"); kills
        the process.  Returns the sample index to resume the job at, or None
        when the crash was outside a sample (the job is over)."""
        reason = ("timeout after %gs" % self.timeout) if how == "timeout" else "worker died: %s" % _signal_name(
            self.proc.exitcode)
        self.kill()
        if self.current is not None:
            r["samples"][self.current] = {"verdict": "CRASH", "message": reason, "sample": self.current_desc}
            return self.current + 1
        r["note"] = "crash outside a sample (%s)" % reason
        r["crashed"] = True
        return None

    def kill(self):
        try:
            self.proc.kill()
        except Exception:  # noqa: BLE001
            pass
        self.proc.join(5)
        try:
            self.parent.close()
        except Exception:  # noqa: BLE001
            pass

    def stop(self):
        try:
            self.parent.send(("quit",))
        except Exception:  # noqa: BLE001
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.kill()


def _signal_name(code):
    if code is None:
        return "unknown"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return "signal %d" % -code
    return "exit status %d" % code


def _context():
    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def new_result(key, dtype):
    return {"op": key, "dtype": dtype, "samples": {}, "note": None, "n": None, "seconds": 0.0}


class Runner:
    """Runs one (op, dtype) at a time in a worker process it keeps between
    jobs (the pytest front end, pyts.pytest_plugin, holds one per pytest
    process).  A worker that dies or hangs is replaced and the job resumes
    after the sample that killed it: the crash is that sample's CRASH."""

    def __init__(self, max_samples=None, timeout=60.0):
        self.ctx = _context()
        self.max_samples = max_samples
        self.timeout = timeout
        self.worker = None

    def run(self, idx, key, dtype):
        """The summary (summarize_op) of op_db[idx] in dtype."""
        r = new_result(key, dtype)
        t0 = time.monotonic()
        start = 0
        while True:
            if self.worker is None:
                self.worker = _Worker(self.ctx, self.max_samples)
            w = self.worker
            w.send(idx, key, dtype, start, self.timeout)
            while True:
                ready = _mp_wait([w.parent, w.proc.sentinel], timeout=1.0)
                state = w.pump(r, w.parent in ready)
                if state is not None:
                    break
            if state == "done":
                w.job = None
                break
            self.worker = None
            start = w.crashed(r, state)
            if start is None:
                break
        r["seconds"] = time.monotonic() - t0
        return summarize_op(r)

    def close(self):
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


def run_sweep(selection, jobs=2, timeout=60.0, max_samples=None, progress=None, dtypes=("float32",)):
    """Run the selected (index, key) ops in each dtype; returns
    {key: {dtype: op result dict}} (summarize_op)."""
    ctx = _context()
    results = {}
    queue = [(idx, key, d, 0) for idx, key in selection for d in dtypes]
    total = len(queue)
    queue.reverse()
    workers = []
    for _ in range(max(1, min(jobs, len(queue)))):
        workers.append(_Worker(ctx, max_samples))
    t_start = {}

    def result_for(key, dtype):
        r = results.get((key, dtype))
        if r is None:
            r = results[(key, dtype)] = new_result(key, dtype)
        return r

    def dispatch(w):
        if queue:
            idx, key, d, start = queue.pop()
            t_start.setdefault((key, d), time.monotonic())
            w.send(idx, key, d, start, timeout)
        else:
            w.job = None

    for w in workers:
        dispatch(w)
    done = 0
    while any(w.job for w in workers):
        live = [w for w in workers if w.job]
        ready = _mp_wait([w.parent for w in live] + [w.proc.sentinel for w in live], timeout=1.0)
        for i, w in enumerate(workers):
            if not w.job:
                continue
            idx, key, d = w.job
            r = result_for(key, d)
            state = w.pump(r, w.parent in ready)
            if state is None:
                continue
            finished = True
            if state == "done":
                dispatch(w)
            else:
                start = w.crashed(r, state)
                if start is not None:
                    queue.append((idx, key, d, start))
                    finished = False
                nw = _Worker(ctx, max_samples)
                workers[i] = nw
                dispatch(nw)
            if finished:
                r["seconds"] = time.monotonic() - t_start[(key, d)]
                done += 1
                if progress:
                    progress(done, total, "%s %s" % (key, d), summarize_op(r))
    for w in workers:
        w.stop()
    out = {}
    for _, key in selection:
        for d in dtypes:
            if (key, d) in results:
                out.setdefault(key, {})[d] = summarize_op(results[(key, d)])
    return out


def summarize_op(r):
    samples = [r["samples"][i] for i in sorted(r["samples"])]
    counts = {v: 0 for v in VERDICTS}
    for s in samples:
        counts[s["verdict"]] += 1
    tested = [s for s in samples if s["verdict"] != "SKIP"]
    if r.get("crashed"):
        verdict = "CRASH"
    elif not tested:
        verdict = "SKIP"
    elif all(s["verdict"] == "PASS" for s in tested):
        verdict = "PASS"
    else:
        verdict = next(v for v in SEVERITY if counts[v])
    abs_ = [s["max_abs"] for s in samples if s.get("max_abs") is not None]
    rel_ = [s["max_rel"] for s in samples if s.get("max_rel") is not None]
    first = next((s for s in samples if s["verdict"] not in ("PASS", "SKIP")), None)
    if first is None and verdict == "SKIP":
        first = next((s for s in samples), None)
    missing = sorted({m for s in samples if s["verdict"] == "UNSUPPORTED-OP"
                      for m in _MISSING_RE.findall(s.get("message", ""))})
    exports = sorted({s.get("export") for s in samples if s.get("export")})
    out = {
        "op": r["op"], "dtype": r.get("dtype"), "verdict": verdict, "samples": len(samples), "tested": len(tested), "counts": counts,
        "worst_abs": max(abs_) if abs_ else None, "worst_rel": max(rel_) if rel_ else None,
        "exports": exports, "missing_ops": missing, "note": r.get("note"),
        "first_problem": ({"sample": samples.index(first), "verdict": first["verdict"],
                           "message": first.get("message"), "input": first.get("sample"),
                           "detail": first.get("detail")} if first else None),
        "seconds": round(r.get("seconds", 0.0), 3),
        "per_sample": "".join(_CODE[s["verdict"]] for s in samples),
    }
    if r.get("note") and not samples and verdict == "SKIP":
        out["first_problem"] = {"sample": None, "verdict": "SKIP", "message": r["note"]}
    return out


# one letter per sample verdict for the compact per-sample string in the JSON
_CODE = {"PASS": ".", "MISMATCH": "M", "UNSUPPORTED-OP": "U", "LOAD-ERROR": "L", "RUN-ERROR": "R",
         "CRASH": "C", "SKIP": "s"}


# ---- reports --------------------------------------------------------------------------------------

def op_verdict(per_dtype):
    """An op's verdict over its dtypes: PASS when every tested dtype passes,
    SKIP when none was tested, else the most severe."""
    vs = [o["verdict"] for o in per_dtype.values() if o["verdict"] != "SKIP"]
    if not vs:
        return "SKIP"
    if all(v == "PASS" for v in vs):
        return "PASS"
    return next(v for v in SEVERITY if v in vs)


def totals(ops, dtype):
    """Counts over the ops' results in one dtype (ops: {key: {dtype: result}})."""
    rs = [o[dtype] for o in ops.values() if dtype in o]
    t = {"ops": len(rs), "ops_tested": sum(1 for o in rs if o["verdict"] != "SKIP")}
    for v in VERDICTS:
        t["ops_" + v] = sum(1 for o in rs if o["verdict"] == v)
    t["ops_some_samples_pass"] = sum(1 for o in rs if o["counts"]["PASS"])
    t["samples"] = sum(o["samples"] for o in rs)
    for v in VERDICTS:
        t["samples_" + v] = sum(o["counts"][v] for o in rs)
    t["pass_percent"] = round(100.0 * t["ops_PASS"] / t["ops_tested"], 1) if t["ops_tested"] else None
    return t


def missing_kernels(ops):
    """{aten op: [OpInfo names it blocks (in any dtype)]}, most blocking first."""
    out = {}
    for key, o in ops.items():
        for m in sorted({m for r in o.values() for m in r["missing_ops"]}):
            out.setdefault(m, []).append(key)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


_NUM_RE = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def failure_causes(ops, dtype, n=12):
    """[(cause, [ops])] for one dtype: the first problem of each failing op,
    numbers and shapes blanked so alike messages group, most ops first."""
    groups = {}
    for key, o in ops.items():
        r = o.get(dtype)
        if not r or r["verdict"] in ("PASS", "SKIP") or not r["first_problem"]:
            continue
        if r["missing_ops"]:
            cause = "UNSUPPORTED-OP"
        else:
            msg = (r["first_problem"].get("message") or "").split(" | ")[0]
            msg = re.sub(r"\(called at [^)]*\)", "", msg)
            msg = re.sub(r"\bat index \([^)]*\)|\[[^\]]*\]|\([^()]*\)", "", msg)
            cause = "%s: %s" % (r["verdict"], _NUM_RE.sub("N", msg)[:160].strip())
        groups.setdefault(cause, []).append(key)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:n]


def _fmt(x):
    if x is None:
        return ""
    if isinstance(x, str):      # "inf" / "nan" from a JSON file
        return x
    if x == 0:
        return "0"
    return "%.2g" % x


def _cell(r):
    if r is None:
        return ""
    if r["verdict"] == "PASS":
        return "PASS"
    if r["verdict"] == "SKIP":
        return "SKIP" if r["tested"] or r["samples"] else "–"
    return "%s %d/%d" % (r["verdict"], r["counts"]["PASS"], r["tested"])


def write_reports(ops, out, meta, dtypes=None):
    """ops: {key: {dtype: result}}.  Writes out.json and out.md; returns
    {dtype: totals}."""
    from ._report import json_safe

    dtypes = list(dtypes or meta.get("dtypes") or DTYPES)
    per = {d: totals(ops, d) for d in dtypes}
    missing = missing_kernels(ops)
    doc_ops = {k: {"op": k, "verdict": op_verdict(o), "dtypes": o} for k, o in ops.items()}
    doc = {"meta": dict(meta, dtypes=dtypes), "totals": per, "legend": {"per_sample": _CODE},
           "missing_kernels": [{"op": k, "blocks": v} for k, v in missing.items()], "ops": doc_ops,
           "failure_causes": {d: [{"cause": c, "ops": v} for c, v in failure_causes(ops, d)] for d in dtypes}}
    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    with open(out + ".json", "w") as f:
        json.dump(json_safe(doc), f, indent=1, sort_keys=True)
        f.write("\n")
    lines = ["# OpInfo scoreboard", ""]
    lines.append("PyTorch's operator database (`op_db`, CPU samples in each dtype: %s) run through pyts: each "
                 "sample is scripted as a one-op function (as `test_ops_jit.py` does), saved, and run by "
                 "`torch.jit.load` and by `pyts.load`. Generated by `python -m pyts.opinfo`; do not edit by hand."
                 % ", ".join(dtypes))
    lines.append("")
    if meta.get("runs"):
        lines.append("torch %s, pyts %s, %s; merged from %d runs (`--update`), %s s in total: %s." % (
            meta.get("torch"), meta.get("pyts"), meta.get("date"), len(meta["runs"]), meta.get("seconds"),
            "; ".join("`%s` (%s, %s s, %s jobs)" % (r.get("command"), r.get("date"), r.get("seconds"), r.get("jobs"))
                      for r in meta["runs"])))
    else:
        lines.append("torch %s, pyts %s, %s, %s s with %s jobs." % (
            meta.get("torch"), meta.get("pyts"), meta.get("date"), meta.get("seconds"), meta.get("jobs")))
    lines.append("")
    lines.append("| dtype | PASS % | ops PASS / tested | " + " | ".join(VERDICTS[1:]) + " | samples PASS / total |")
    lines.append("|---|---:|---:|" + "---:|" * (len(VERDICTS) - 1) + "---:|")
    for d in dtypes:
        t = per[d]
        lines.append("| %s | %s | %d / %d | %s | %d / %d |" % (
            d, "%.1f %%" % t["pass_percent"] if t["pass_percent"] is not None else "–", t["ops_PASS"],
            t["ops_tested"], " | ".join(str(t["ops_" + v]) for v in VERDICTS[1:]), t["samples_PASS"],
            t["samples"]))
    lines.append("")
    for d in dtypes:
        t = per[d]
        lines.append("**%s: %d of %d tested ops PASS** (%d ops skipped: torch itself cannot script or run them, "
                     "or no %s CPU support); %d ops pass at least one sample." % (
                         d, t["ops_PASS"], t["ops_tested"], t["ops_SKIP"], d, t["ops_some_samples_pass"]))
    lines.append("")
    lines.append("Verdicts: PASS (all tested samples close at torch.testing's default tolerance for the dtype "
                 "— exact for integers and bool — or the OpInfo's override for that dtype), MISMATCH, "
                 "UNSUPPORTED-OP (pyts lacks a kernel), LOAD-ERROR (pyts cannot load/compile the archive), "
                 "RUN-ERROR (pyts raised where torch did not), CRASH (worker died or timed out), SKIP (not "
                 "testable: torch cannot export/run it; – : the OpInfo declares no CPU support for the dtype). "
                 "A cell is the most severe verdict among the op's samples in that dtype, with samples passed / "
                 "tested; random ops are compared with both engines seeded alike; indices torch leaves "
                 "unspecified among equal values (sort, topk, kthvalue, mode, median) pass when each selects "
                 "torch's value.")
    lines.append("")
    if missing:
        lines.append("Kernels pyts lacks, by how many OpInfos they block (first %d of %d):" % (
            min(40, len(missing)), len(missing)))
        lines.append("")
        lines.append(", ".join("`%s` (%d)" % (k, len(v)) for k, v in list(missing.items())[:40]))
        lines.append("")
    for d in dtypes:
        causes = failure_causes(ops, d, 8)
        if not causes:
            continue
        lines.append("Top failure causes in %s:" % d)
        lines.append("")
        for c, v in causes:
            lines.append("- %d: %s (%s%s)" % (len(v), c.replace("|", "\\|"), ", ".join("`%s`" % x for x in v[:6]),
                                               ", ..." if len(v) > 6 else ""))
        lines.append("")
    lines.append("| op | " + " | ".join(dtypes) + " | worst abs | worst rel | note |")
    lines.append("|---|" + "---|" * len(dtypes) + "---:|---:|---|")
    for key in sorted(ops):
        o = ops[key]
        rs = [o[d] for d in dtypes if d in o]
        note = ""
        missing_here = sorted({m for r in rs for m in r["missing_ops"]})
        bad = next((r for r in rs if r["verdict"] not in ("PASS", "SKIP") and r["first_problem"]), None)
        if missing_here:
            note = "missing " + ", ".join(missing_here[:3])
        elif bad:
            note = "%s: %s" % (bad["dtype"], bad["first_problem"].get("message") or "")
        elif all(r["verdict"] == "SKIP" for r in rs) and rs and rs[0]["first_problem"]:
            note = rs[0]["first_problem"].get("message") or ""
        note = note.replace("|", "\\|").replace("\n", " ")
        if len(note) > 140:
            note = note[:137] + "..."
        abs_ = [r["worst_abs"] for r in rs if isinstance(r["worst_abs"], (int, float))]
        rel_ = [r["worst_rel"] for r in rs if isinstance(r["worst_rel"], (int, float))]
        lines.append("| `%s` | %s | %s | %s | %s |" % (
            key, " | ".join(_cell(o.get(d)) for d in dtypes), _fmt(max(abs_) if abs_ else None),
            _fmt(max(rel_) if rel_ else None), note))
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    return per


def load_scoreboard(path):
    """A scoreboard JSON (path: prefix or .json file) -> (ops {key: {dtype: result}}, meta).  Reads the
    per-dtype format write_reports writes and the older float32-only one (each op's result directly
    under its key, no "dtypes")."""
    if not path.endswith(".json"):
        path += ".json"
    with open(path) as f:
        doc = json.load(f)
    meta = dict(doc.get("meta") or {})
    ops = {}
    for key, o in (doc.get("ops") or {}).items():
        if isinstance(o.get("dtypes"), dict):
            ops[key] = {d: dict(r) for d, r in o["dtypes"].items()}
        else:  # float32-only scoreboard: the op's result itself
            r = dict(o)
            r.setdefault("dtype", "float32")
            ops[key] = {r["dtype"]: r}
    if "dtypes" not in meta:
        meta["dtypes"] = sorted({d for o in ops.values() for d in o}, key=_dtype_order)
    return ops, meta


def _dtype_order(d):
    return (DTYPES.index(d) if d in DTYPES else len(DTYPES), d)


def merge_results(old_ops, old_meta, new_ops, new_meta):
    """(ops, meta) of a scoreboard updated by a run restricted with --ops/--dtypes: each (op, dtype)
    the new run tested replaces the old row's cell, every other cell stays as it was; the dtypes are
    the union of both runs' (DTYPES order).  meta keeps one entry per contributing run under "runs"
    (command, date, seconds, jobs) and sums their seconds."""
    ops = {k: dict(v) for k, v in old_ops.items()}
    for key, per in new_ops.items():
        ops.setdefault(key, {}).update(per)
    dtypes = sorted(set(old_meta.get("dtypes") or []) | set(new_meta.get("dtypes") or []), key=_dtype_order)
    runs = list(old_meta.get("runs") or [
        {k: old_meta.get(k) for k in ("command", "date", "seconds", "jobs", "dtypes")}])
    runs.append({k: new_meta.get(k) for k in ("command", "date", "seconds", "jobs", "dtypes")})
    meta = dict(old_meta)
    meta.update({k: v for k, v in new_meta.items() if k not in ("seconds", "jobs", "command", "dtypes")})
    meta["dtypes"] = dtypes
    meta["runs"] = runs
    meta["seconds"] = round(sum(r.get("seconds") or 0.0 for r in runs), 1)
    meta["jobs"] = new_meta.get("jobs")
    meta["command"] = "; ".join(r.get("command") or "?" for r in runs)
    return ops, meta


def parse_dtypes(text):
    """A --dtypes value ("float32,int64" or "all") -> [names]; ValueError on
    a name that is not a torch dtype."""
    if not text or text == "all":
        return list(DTYPES)
    out = [s.strip() for s in text.split(",") if s.strip()]
    for d in out:
        torch_dtype(d)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m pyts.opinfo",
                                description="Run PyTorch's OpInfo database (CPU, every dtype) through pyts")
    p.add_argument("--ops", help="comma-separated op names (name or name.variant); default: all")
    p.add_argument("--dtypes", default="all",
                   help="comma-separated dtypes (default: all = %s)" % ",".join(DTYPES))
    p.add_argument("--out", default="docs/opinfo_scoreboard", help="output prefix (.md and .json are written)")
    p.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)), help="worker processes")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds a sample may take before it is a CRASH")
    p.add_argument("--max-samples", type=int, default=None, help="samples per op and dtype (default: all)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--update", action="store_true",
                   help="merge this run's (op, dtype) results into the existing <out>.json (other rows and "
                        "dtypes kept) and rewrite <out>.md from the merged scoreboard")
    args = p.parse_args(argv)
    old_board = None
    if args.update and os.path.exists(args.out + ".json"):
        try:
            old_board = load_scoreboard(args.out)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            print("pyts.opinfo: --update: cannot read %s.json: %s" % (args.out, e), file=sys.stderr)
            return 2
    try:
        dtypes = parse_dtypes(args.dtypes)
    except ValueError as e:
        print("pyts.opinfo: %s" % e, file=sys.stderr)
        return 2
    t0 = time.time()
    import torch

    torch.set_num_threads(1)
    import pyts

    op_db = _op_db()
    names = [s.strip() for s in args.ops.split(",") if s.strip()] if args.ops else None
    selection = select_ops(op_db, names)
    if names:
        known = {k for _, k in selection} | {op_db[i].name for i, _ in selection}
        unknown = [n for n in names if n not in known]
        if unknown:
            print("pyts.opinfo: unknown ops: %s" % ", ".join(unknown), file=sys.stderr)
            return 2
    if not selection:
        print("pyts.opinfo: no ops selected", file=sys.stderr)
        return 2

    def progress(done, total, key, o):
        if not args.quiet:
            print("[%4d/%d] %-55s %-15s %d/%d" % (done, total, key, o["verdict"], o["counts"]["PASS"], o["tested"]),
                  flush=True)

    ops = run_sweep(selection, jobs=args.jobs, timeout=args.timeout, max_samples=args.max_samples,
                    progress=progress, dtypes=dtypes)
    seconds = round(time.time() - t0, 1)
    meta = {"torch": torch.__version__, "pyts": pyts.__version__, "date": time.strftime("%Y-%m-%d"),
            "seconds": seconds, "jobs": args.jobs, "max_samples": args.max_samples, "timeout": args.timeout,
            "dtypes": dtypes,
            "command": "python -m pyts.opinfo" + (" --ops " + args.ops if args.ops else "") + (
                " --dtypes " + args.dtypes if args.dtypes != "all" else "")}
    if old_board is not None:
        ops, meta = merge_results(old_board[0], old_board[1], ops, meta)
    per = write_reports(ops, args.out, meta, meta["dtypes"])
    for d in dtypes:
        t = per[d]
        print("pyts.opinfo: %s: %d of %d tested ops PASS (%d ops, %d SKIP); samples: %d, %s" % (
            d, t["ops_PASS"], t["ops_tested"], t["ops"], t["ops_SKIP"], t["samples"],
            ", ".join("%s %d" % (v, t["samples_" + v]) for v in VERDICTS)))
    print("pyts.opinfo: %.1f s -> %s.md, %s.json" % (seconds, args.out, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
