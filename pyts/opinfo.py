"""The OpInfo scoreboard: PyTorch's own operator database run through pyts.

    python -m pyts.opinfo [--ops add,nn.functional.relu] [--out docs/opinfo_scoreboard]
                          [--jobs N] [--timeout S] [--max-samples N]

For each OpInfo of torch.testing._internal.common_methods_invocations.op_db
that supports float32 on the CPU, and each of its float32 samples, a one-op
function is scripted exactly as PyTorch's JIT consistency test
(test_ops_jit.py) does it — jit_metaprogramming_utils.gen_script_fn_and_args
renders `def the_method(i0, ...): return torch.<op>(i0, <literal args>)` and
compiles it with torch.jit.CompilationUnit — falling back to the method
variant and then to torch.jit.trace with non-tensor arguments baked in.  The
function is saved with torch.jit.save, loaded back by torch.jit.load and by
pyts.load, both run on the same inputs, and the outputs compared with
torch.testing's default float32 tolerances (or the OpInfo's own
toleranceOverride for float32 on the CPU).  Two per-op hooks do what torch's
own tests of those ops do: OUTPUT_ALIGN compares singular/eigen vectors up to
sign (svd, eigh, ...), and ROUNDING_REFERENCE judges a few long float32 sums
(conv2d, matrix_exp, ...) by pyts._compare's rounding rule against torch's
float64 run when the plain comparison fails.  Verdicts per sample:

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
UNSUPPORTED-OP), SKIP when no sample could be tested.  Each op runs in a
worker process; a worker that dies is replaced and the op resumes after the
sample that killed it, so a crash is a result, not the end of the sweep.

Writes <out>.md (a table) and <out>.json (per op: samples, verdicts, worst
error) and prints the totals."""
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

def _tolerance(op):
    """(rtol, atol, source): the float32 CPU toleranceOverride/precisionOverride
    an OpInfo carries (the largest), else torch.testing's float32 defaults."""
    import torch

    rtol, atol, src = 1.3e-6, 1e-5, "default"
    for dec in getattr(op, "decorators", ()) or ():
        if getattr(dec, "device_type", None) not in (None, "cpu"):
            continue
        if getattr(dec, "dtypes", None) and torch.float32 not in dec.dtypes:
            continue
        for d in getattr(dec, "decorators", ()) or ():
            table = getattr(d, "d", None)
            if not isinstance(table, dict) or torch.float32 not in table:
                continue
            v = table[torch.float32]
            if hasattr(v, "atol"):
                if v.atol > atol or v.rtol > rtol:
                    atol, rtol = max(atol, v.atol), max(rtol, v.rtol)
                    src = "override"
            elif isinstance(v, (int, float)) and v > atol:
                atol, src = float(v), "override"
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
    """Singular and eigen vectors are unique only up to sign: each LAPACK picks its own (torch's
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
        if e.shape != g.shape or e.size == 0 or e.dtype.kind != "f":
            return tuple(exp), tuple(got)
        s = _column_signs(e, g)
        for i, how in enumerate(layout):
            if how is not None and got[i].shape == exp[i].shape:
                got[i] = got[i] * (s if how == "c" else np.swapaxes(s, -1, -2))
        return tuple(exp), tuple(got)
    return align


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
    if bad:
        rec["verdict"] = "MISMATCH"
        rec["message"] = " | ".join(" ".join(x.strip() for x in l.lines()[:4]) for l in bad[:2])[:600]
    else:
        rec["verdict"] = "PASS"
    return rec


def _msg(e):
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    s = "%s: %s" % (type(e).__name__, " ".join(lines[:3]))
    return s[:400]


# ---- worker process ---------------------------------------------------------------------------

def _worker_main(conn, max_samples):
    """Receives (op_index, start) and streams ('start', i), ('sample', i,
    rec), ('done', n, note) back; ('quit',) ends it."""
    import torch

    torch.set_num_threads(1)
    import pyts

    pyts.set_num_threads(1)
    op_db = load_op_db()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "quit":
            return
        _, idx, start = msg
        op = op_db[idx]
        note = None
        n = 0
        try:
            if torch.float32 not in op.supported_dtypes("cpu"):
                conn.send(("done", 0, "no float32 CPU support"))
                continue
            rtol, atol, _ = _tolerance(op)
            torch.manual_seed(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                samples = op.sample_inputs("cpu", torch.float32, requires_grad=False)
                for i, s in enumerate(samples):
                    if max_samples is not None and i >= max_samples:
                        break
                    n = i + 1
                    if i < start:
                        continue
                    conn.send(("start", i))
                    _maybe_fault(op_key(op), i)
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


def _maybe_fault(key, i):
    """Test hook of the harness itself (tests/parity/test_opinfo.py):
    PYTS_OPINFO_FAULT="op:sample:segv[,op:sample:hang]" kills the worker
    with SIGSEGV, or makes it hang, at that sample, to check that a crash or a hang is
    recorded as CRASH and the sweep goes on."""
    for spec in os.environ.get("PYTS_OPINFO_FAULT", "").split(","):
        name, _, rest = spec.partition(":")
        idx, _, kind = rest.partition(":")
        if name != key or str(i) != idx:
            continue
        if kind == "hang":
            time.sleep(3600)
        os.kill(os.getpid(), signal.SIGSEGV)


class _Worker:
    def __init__(self, ctx, max_samples):
        self.parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, max_samples), daemon=True)
        self.proc.start()
        child.close()
        self.job = None          # (op_index, key)
        self.current = None      # sample index running
        self.deadline = None

    def send(self, idx, key, start, timeout):
        self.job = (idx, key)
        self.current = None
        self.deadline = time.monotonic() + timeout
        self.parent.send(("run", idx, start))

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


def run_sweep(selection, jobs=2, timeout=60.0, max_samples=None, progress=None):
    """Run the selected (index, key) ops; returns {key: op result dict}."""
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    results = {}
    queue = [(idx, key, 0) for idx, key in selection]
    queue.reverse()
    workers = []
    for _ in range(max(1, min(jobs, len(queue)))):
        workers.append(_Worker(ctx, max_samples))
    t_start = {}

    def result_for(key):
        r = results.get(key)
        if r is None:
            r = results[key] = {"op": key, "samples": {}, "note": None, "n": None, "seconds": 0.0}
        return r

    def dispatch(w):
        if queue:
            idx, key, start = queue.pop()
            t_start.setdefault(key, time.monotonic())
            w.send(idx, key, start, timeout)
        else:
            w.job = None

    for w in workers:
        dispatch(w)
    done_ops = 0
    while any(w.job for w in workers):
        live = [w for w in workers if w.job]
        ready = _mp_wait([w.parent for w in live] + [w.proc.sentinel for w in live], timeout=1.0)
        now = time.monotonic()
        for i, w in enumerate(workers):
            if not w.job:
                continue
            idx, key = w.job
            r = result_for(key)
            died = False
            if w.parent in ready:
                try:
                    while w.parent.poll():
                        msg = w.parent.recv()
                        w.deadline = time.monotonic() + timeout
                        if msg[0] == "start":
                            w.current = msg[1]
                        elif msg[0] == "sample":
                            r["samples"][msg[1]] = msg[2]
                            w.current = None
                        elif msg[0] == "done":
                            r["n"] = msg[1]
                            r["note"] = r["note"] or msg[2]
                            r["seconds"] = time.monotonic() - t_start[key]
                            done_ops += 1
                            if progress:
                                progress(done_ops, len(selection), key, summarize_op(r))
                            dispatch(w)
                            break
                except (EOFError, OSError):
                    died = True
            if not died and w.job and (w.proc.sentinel in ready and not w.proc.is_alive()):
                died = True
            timed_out = not died and w.job and now > w.deadline
            if died or timed_out:
                reason = ("timeout after %gs" % timeout) if timed_out else "worker died: %s" % _signal_name(
                    w.proc.exitcode)
                w.kill()
                if w.current is not None:
                    r["samples"][w.current] = {"verdict": "CRASH", "message": reason}
                    queue.append((idx, key, w.current + 1))
                else:
                    r["note"] = "crash outside a sample (%s)" % reason
                    r["crashed"] = True
                    r["seconds"] = time.monotonic() - t_start[key]
                    done_ops += 1
                    if progress:
                        progress(done_ops, len(selection), key, summarize_op(r))
                nw = _Worker(ctx, max_samples)
                workers[i] = nw
                dispatch(nw)
    for w in workers:
        w.stop()
    return {key: summarize_op(results[key]) for _, key in selection if key in results}


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
        "op": r["op"], "verdict": verdict, "samples": len(samples), "tested": len(tested), "counts": counts,
        "worst_abs": max(abs_) if abs_ else None, "worst_rel": max(rel_) if rel_ else None,
        "exports": exports, "missing_ops": missing, "note": r.get("note"),
        "first_problem": ({"sample": samples.index(first), "verdict": first["verdict"],
                           "message": first.get("message")} if first else None),
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

def totals(ops):
    t = {"ops": len(ops), "ops_tested": sum(1 for o in ops.values() if o["verdict"] != "SKIP")}
    for v in VERDICTS:
        t["ops_" + v] = sum(1 for o in ops.values() if o["verdict"] == v)
    t["ops_some_samples_pass"] = sum(1 for o in ops.values() if o["counts"]["PASS"])
    t["samples"] = sum(o["samples"] for o in ops.values())
    for v in VERDICTS:
        t["samples_" + v] = sum(o["counts"][v] for o in ops.values())
    return t


def missing_kernels(ops):
    """{aten op: [OpInfo names it blocks]}, most blocking first."""
    out = {}
    for key, o in ops.items():
        for m in o["missing_ops"]:
            out.setdefault(m, []).append(key)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _fmt(x):
    if x is None:
        return ""
    if isinstance(x, str):      # "inf" / "nan" from a JSON file
        return x
    if x == 0:
        return "0"
    return "%.2g" % x


def write_reports(ops, out, meta):
    from ._report import json_safe

    t = totals(ops)
    missing = missing_kernels(ops)
    doc = {"meta": meta, "totals": t, "legend": {"per_sample": _CODE},
           "missing_kernels": [{"op": k, "blocks": v} for k, v in missing.items()], "ops": ops}
    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    with open(out + ".json", "w") as f:
        json.dump(json_safe(doc), f, indent=1, sort_keys=True)
        f.write("\n")
    lines = ["# OpInfo scoreboard", ""]
    lines.append("PyTorch's operator database (`op_db`, float32 CPU samples) run through pyts: each sample is "
                 "scripted as a one-op function (as `test_ops_jit.py` does), saved, and run by `torch.jit.load` "
                 "and by `pyts.load`. Generated by `python -m pyts.opinfo`; do not edit by hand.")
    lines.append("")
    lines.append("torch %s, pyts %s, %s, %s s with %d jobs." % (
        meta.get("torch"), meta.get("pyts"), meta.get("date"), meta.get("seconds"), meta.get("jobs")))
    lines.append("")
    lines.append("| | ops | samples |")
    lines.append("|---|---:|---:|")
    for v in VERDICTS:
        lines.append("| %s | %d | %d |" % (v, t["ops_" + v], t["samples_" + v]))
    lines.append("| **total** | %d | %d |" % (t["ops"], t["samples"]))
    lines.append("")
    lines.append("**%d of %d tested ops PASS** (%d ops skipped: torch itself cannot script or run them, "
                 "or no float32 CPU support; random ops are compared with both engines seeded alike); %d ops pass at least one sample." % (
                     t["ops_PASS"], t["ops_tested"], t["ops_SKIP"], t["ops_some_samples_pass"]))
    lines.append("")
    lines.append("Verdicts: PASS (all tested samples close at torch.testing's float32 tolerance or the OpInfo's "
                 "float32 override), MISMATCH, UNSUPPORTED-OP (pyts lacks a kernel), LOAD-ERROR (pyts cannot "
                 "load/compile the archive), RUN-ERROR (pyts raised where torch did not), CRASH (worker died or "
                 "timed out), SKIP (not testable: torch cannot export/run it). An op's verdict is the "
                 "most severe among its samples.")
    lines.append("")
    if missing:
        lines.append("Kernels pyts lacks, by how many OpInfos they block (first %d of %d):" % (
            min(40, len(missing)), len(missing)))
        lines.append("")
        lines.append(", ".join("`%s` (%d)" % (k, len(v)) for k, v in list(missing.items())[:40]))
        lines.append("")
    lines.append("| op | verdict | pass / tested | samples | worst abs | worst rel | note |")
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for key in sorted(ops):
        o = ops[key]
        note = ""
        if o["missing_ops"]:
            note = "missing " + ", ".join(o["missing_ops"][:3])
        elif o["first_problem"] and o["verdict"] != "PASS":
            note = (o["first_problem"].get("message") or "")
        note = note.replace("|", "\\|").replace("\n", " ")
        if len(note) > 140:
            note = note[:137] + "..."
        lines.append("| `%s` | %s | %d / %d | %d | %s | %s | %s |" % (
            key, o["verdict"], o["counts"]["PASS"], o["tested"], o["samples"], _fmt(o["worst_abs"]),
            _fmt(o["worst_rel"]), note))
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    return t


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m pyts.opinfo",
                                description="Run PyTorch's OpInfo database (float32, CPU) through pyts")
    p.add_argument("--ops", help="comma-separated op names (name or name.variant); default: all")
    p.add_argument("--out", default="docs/opinfo_scoreboard", help="output prefix (.md and .json are written)")
    p.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)), help="worker processes")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds a sample may take before it is a CRASH")
    p.add_argument("--max-samples", type=int, default=None, help="samples per op (default: all)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    t0 = time.time()
    import torch

    torch.set_num_threads(1)
    import pyts

    op_db = load_op_db()
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
            print("[%4d/%d] %-45s %-15s %d/%d" % (done, total, key, o["verdict"], o["counts"]["PASS"], o["tested"]),
                  flush=True)

    ops = run_sweep(selection, jobs=args.jobs, timeout=args.timeout, max_samples=args.max_samples,
                    progress=progress)
    seconds = round(time.time() - t0, 1)
    meta = {"torch": torch.__version__, "pyts": pyts.__version__, "date": time.strftime("%Y-%m-%d"),
            "seconds": seconds, "jobs": args.jobs, "max_samples": args.max_samples, "timeout": args.timeout,
            "command": "python -m pyts.opinfo" + (" --ops " + args.ops if args.ops else "")}
    t = write_reports(ops, args.out, meta)
    print("pyts.opinfo: %d of %d tested ops PASS (%d ops, %d SKIP); samples: %d, %s; %.1f s -> %s.md, %s.json" % (
        t["ops_PASS"], t["ops_tested"], t["ops"], t["ops_SKIP"], t["samples"],
        ", ".join("%s %d" % (v, t["samples_" + v]) for v in VERDICTS), seconds, args.out, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
