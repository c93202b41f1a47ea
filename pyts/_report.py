"""Comparison core of the parity tester: one output leaf at a time.

pyts.testing walks the two output trees (torch.jit's, the reference, and
pyts's) and hands each leaf pair to compare_leaf(), which returns a
LeafResult: shapes and dtypes of both sides, how many elements mismatch,
the greatest absolute and relative differences (index and both values), the
tolerance used and the smallest tolerances that would have passed.  The
closeness rule is torch.testing.assert_close's, asymmetric with torch's value
as the reference:  |pyts - torch| <= atol + rtol * |torch|;  NaN equals NaN
(both engines producing NaN is parity), inf only an equal inf.

Only NumPy is needed here; torch tensors are converted by the caller."""
import math

import numpy as np

__all__ = ["DEFAULT_TOLERANCES", "default_tolerance", "LeafResult", "compare_leaf", "tensor_stats",
           "fmt_num", "fmt_index", "json_safe"]

# torch/testing/_comparison.py _DTYPE_PRECISIONS (unchanged since torch 1.10);
# every other dtype (ints, bool) compares exactly.
DEFAULT_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex32": (1e-3, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


def default_tolerance(*dtypes):
    """(rtol, atol) torch.testing uses for these dtype names (the larger one
    when they differ).  Python floats count as float64, ints as int64."""
    r = a = 0.0
    for d in dtypes:
        dr, da = DEFAULT_TOLERANCES.get(d, (0.0, 0.0))
        r, a = max(r, dr), max(a, da)
    return r, a


def fmt_num(x):
    """A number as torch.testing prints it (repr of the float/int)."""
    if x is None:
        return "-"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, complex):
        return repr(x)
    try:
        return repr(float(x))
    except (TypeError, ValueError):
        return repr(x)


def fmt_index(idx):
    if idx is None:
        return ""
    return "(" + ", ".join(str(int(i)) for i in idx) + ("," if len(idx) == 1 else "") + ")"


def json_safe(x):
    """Numbers and containers that json.dump writes as standard JSON:
    non-finite floats become the strings "inf", "-inf", "nan"; NumPy scalars
    and tuples become Python numbers and lists."""
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, complex):
        return repr(x)
    if x is None or isinstance(x, str):
        return x
    return repr(x)


def _dtype_name(arr):
    return str(arr.dtype)


def tensor_stats(arr):
    """{'shape', 'dtype', 'min', 'max', 'mean', 'nan', 'inf'} of an ndarray
    (min/max/mean over the finite values)."""
    arr = np.asarray(arr)
    out = {"shape": list(arr.shape), "dtype": _dtype_name(arr)}
    if arr.size == 0:
        return out
    if arr.dtype.kind in "fc":
        a = arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
        finite = np.isfinite(a)
        out["nan"] = int(np.isnan(a).sum())
        out["inf"] = int(np.isinf(a).sum())
        vals = a[finite]
        if arr.dtype.kind == "c":
            vals = np.abs(vals)
        if vals.size:
            out["min"], out["max"], out["mean"] = float(vals.min()), float(vals.max()), float(vals.mean())
    elif arr.dtype.kind in "biu":
        a = arr.astype(np.int64) if arr.dtype.kind != "u" or arr.dtype.itemsize < 8 else arr
        out["min"], out["max"] = int(a.min()), int(a.max())
        out["mean"] = float(a.astype(np.float64).mean())
    return out


def fmt_stats(st):
    """'(1, 3, 8, 8) float32 min -1.2 max 3.4 mean 0.01' from tensor_stats()."""
    s = "%s %s" % (fmt_index(st["shape"]) if st["shape"] else "()", st["dtype"])
    if "min" in st:
        s += " min %.6g max %.6g mean %.6g" % (st["min"], st["max"], st["mean"])
    if st.get("nan"):
        s += " nan %d" % st["nan"]
    if st.get("inf"):
        s += " inf %d" % st["inf"]
    return s


class LeafResult:
    """The comparison of one output leaf.  Attributes (None where not
    applicable): path, kind ('tensor', 'scalar', 'structure'), passed,
    problem (a one-line reason when the leaf could not be compared element
    by element: shape, dtype, type or structure), torch_shape, torch_dtype,
    pyts_shape, pyts_dtype, numel, mismatched, max_abs / max_abs_index /
    max_abs_torch / max_abs_pyts and max_rel / max_rel_index / ... (over the
    mismatching elements when some mismatch, as torch.testing reports; over
    all elements otherwise), worst_abs and worst_rel (over all elements, for
    summaries), rtol, atol, tol_source, need_atol (smallest atol passing at
    this rtol), need_rtol (smallest rtol passing at this atol), nonfinite
    (NaN/inf placement mismatches, which no tolerance fixes), torch_value /
    pyts_value (scalars and strings)."""

    FIELDS = ("path", "kind", "passed", "problem", "torch_shape", "torch_dtype", "pyts_shape", "pyts_dtype",
              "numel", "mismatched", "max_abs", "max_abs_index", "max_abs_torch", "max_abs_pyts", "max_rel",
              "max_rel_index", "max_rel_torch", "max_rel_pyts", "worst_abs", "worst_rel", "rtol", "atol",
              "tol_source", "need_atol", "need_rtol", "nonfinite", "torch_value", "pyts_value")

    def __init__(self, path, kind):
        for f in self.FIELDS:
            setattr(self, f, None)
        self.path = path
        self.kind = kind
        self.passed = False

    @property
    def mismatched_share(self):
        if not self.numel:
            return 0.0
        return (self.mismatched or 0) / self.numel

    def to_dict(self):
        d = {f: getattr(self, f) for f in self.FIELDS}
        d["mismatched_share"] = self.mismatched_share if self.numel is not None else None
        return json_safe(d)

    def __repr__(self):
        return "<LeafResult %s %s>" % (self.path, "ok" if self.passed else "MISMATCH")

    # ---- the message ------------------------------------------------------------
    def describe(self, indent="  "):
        """Multi-line text for this leaf, in torch.testing's wording."""
        lines = []
        head = "%s: " % self.path
        if self.kind == "structure":
            return [head + (self.problem or "structure differs")]
        if self.kind == "scalar":
            if self.passed:
                return [head + "equal (%s)" % fmt_num(self.torch_value)]
            lines.append(head + ("Scalars are not close!" if self.rtol or self.atol else "Scalars are not equal!"))
            lines.append(indent + "torch: %r (%s)   pyts: %r (%s)" % (
                self.torch_value, self.torch_dtype, self.pyts_value, self.pyts_dtype))
            if self.problem:
                lines.append(indent + self.problem)
            if self.max_abs is not None:
                lines.append(indent + "Absolute difference: %s%s" % (
                    fmt_num(self.max_abs), self._allowed(self.atol)))
                lines.append(indent + "Relative difference: %s%s" % (
                    fmt_num(self.max_rel), self._allowed(self.rtol)))
            lines.extend(self._tolerance_lines(indent))
            return lines
        closeish = bool(self.rtol or self.atol)
        if self.passed:
            lines.append(head + "close" if closeish else head + "equal")
        else:
            lines.append(head + ("Tensor-likes are not close!" if closeish else "Tensor-likes are not equal!"))
        lines.append(indent + "torch: %s %s   pyts: %s %s" % (
            fmt_index(self.torch_shape) if self.torch_shape else "()", self.torch_dtype,
            fmt_index(self.pyts_shape) if self.pyts_shape else "()", self.pyts_dtype))
        if self.problem:
            lines.append(indent + self.problem)
        if self.mismatched is not None:
            lines.append(indent + "Mismatched elements: %d / %d (%.1f%%)" % (
                self.mismatched, self.numel, 100.0 * self.mismatched_share))
        if self.max_abs is not None:
            lines.append(indent + "Greatest absolute difference: %s at index %s (torch %s, pyts %s)%s" % (
                fmt_num(self.max_abs), fmt_index(self.max_abs_index), fmt_num(self.max_abs_torch),
                fmt_num(self.max_abs_pyts), self._allowed(self.atol)))
            lines.append(indent + "Greatest relative difference: %s at index %s (torch %s, pyts %s)%s" % (
                fmt_num(self.max_rel), fmt_index(self.max_rel_index), fmt_num(self.max_rel_torch),
                fmt_num(self.max_rel_pyts), self._allowed(self.rtol)))
        if self.nonfinite:
            lines.append(indent + "NaN/inf placement differs at %d elements (no tolerance fixes that)"
                         % self.nonfinite)
        lines.extend(self._tolerance_lines(indent))
        return lines

    def _allowed(self, tol):
        if not (self.rtol or self.atol):
            return ""
        return " (up to %s allowed)" % fmt_num(tol)

    def _tolerance_lines(self, indent):
        if self.rtol is None:
            return []
        out = [indent + "Tolerance used: rtol=%s, atol=%s (%s)" % (
            fmt_num(self.rtol), fmt_num(self.atol), self.tol_source)]
        if not self.passed and self.need_atol is not None:
            alts = []
            if not self.nonfinite:
                if not math.isinf(self.need_atol):
                    alts.append("atol=%s (with rtol=%s)" % (fmt_num(self.need_atol), fmt_num(self.rtol)))
                if self.need_rtol is not None and not math.isinf(self.need_rtol):
                    alts.append("rtol=%s (with atol=%s)" % (fmt_num(self.need_rtol), fmt_num(self.atol)))
            if alts:
                out.append(indent + "Smallest tolerance that passes: " + " or ".join(alts))
            else:
                out.append(indent + "No tolerance passes (NaN/inf placement differs).")
        return out


def _round_up(x):
    """x nudged up a little so that the closeness test, recomputed in floating
    point, passes with it."""
    if x <= 0 or math.isinf(x) or math.isnan(x):
        return max(x, 0.0) if not math.isnan(x) else x
    return float(np.nextafter(np.nextafter(x * (1 + 1e-12), np.inf), np.inf))


def _unravel(flat_index, shape):
    if not shape:
        return ()
    return tuple(int(i) for i in np.unravel_index(int(flat_index), shape))


def compare_arrays(path, exp, got, rtol=None, atol=None, equal_nan=True):
    """exp: torch's value (ndarray), got: pyts's (ndarray).  Returns a LeafResult."""
    r = LeafResult(path, "tensor")
    exp = np.asarray(exp)
    got = np.asarray(got)
    r.torch_shape, r.torch_dtype = list(exp.shape), _dtype_name(exp)
    r.pyts_shape, r.pyts_dtype = list(got.shape), _dtype_name(got)
    if rtol is None:
        rtol, atol = default_tolerance(r.torch_dtype, r.pyts_dtype)
        r.tol_source = "torch.testing defaults for %s" % r.torch_dtype if r.torch_dtype == r.pyts_dtype else \
            "torch.testing defaults for %s/%s" % (r.torch_dtype, r.pyts_dtype)
    else:
        r.tol_source = "given"
    r.rtol, r.atol = float(rtol), float(atol)
    problems = []
    if exp.shape != got.shape:
        r.problem = "The values for attribute 'shape' do not match: %s != %s (torch)." % (
            fmt_index(got.shape), fmt_index(exp.shape))
        return r
    if exp.dtype != got.dtype:
        problems.append("The values for attribute 'dtype' do not match: %s (pyts) != %s (torch)." % (
            r.pyts_dtype, r.torch_dtype))
    r.numel = int(exp.size)
    _elementwise(r, exp, got, r.rtol, r.atol, equal_nan)
    if problems:
        r.problem = " ".join(problems)
        r.passed = False
    return r


def _elementwise(r, exp, got, rtol, atol, equal_nan):
    if exp.size == 0:
        r.mismatched = 0
        r.passed = True
        r.worst_abs = r.worst_rel = 0.0
        return
    kinds = exp.dtype.kind + got.dtype.kind
    if "c" in kinds:
        e = exp.astype(np.complex128)
        g = got.astype(np.complex128)
    elif kinds in ("bb",):
        e = exp.astype(np.int64)
        g = got.astype(np.int64)
    elif "f" in kinds or exp.dtype.itemsize >= 8 and "u" in kinds:
        e = exp.astype(np.float64)
        g = got.astype(np.float64)
    else:
        e = exp.astype(np.int64)
        g = got.astype(np.int64)
    with np.errstate(all="ignore"):
        if e.dtype.kind == "i":
            diff = np.abs(g.astype(np.float64) - e.astype(np.float64))
            ref = np.abs(e.astype(np.float64))
            equal = g == e
            bad_nonfinite = np.zeros(e.shape, dtype=bool)
        else:
            diff = np.abs(g - e).astype(np.float64)
            ref = np.abs(e).astype(np.float64)
            equal = g == e
            if equal_nan:
                if e.dtype.kind == "c":
                    equal |= (np.isnan(e.real) | np.isnan(e.imag)) & (np.isnan(g.real) | np.isnan(g.imag))
                else:
                    equal |= np.isnan(e) & np.isnan(g)
            fin_e, fin_g = np.isfinite(e), np.isfinite(g)
            bad_nonfinite = ~equal & ~(fin_e & fin_g)
        close = equal | (~bad_nonfinite & (diff <= atol + rtol * ref))
        rel = diff / ref
        diff = np.where(equal, 0.0, diff)
        rel = np.where(equal, 0.0, rel)
    mism = ~close
    r.mismatched = int(mism.sum())
    r.nonfinite = int(bad_nonfinite.sum())
    r.passed = r.mismatched == 0
    shape = exp.shape
    flat_e, flat_g = e.reshape(-1), g.reshape(-1)

    def pick(values, mask):
        v = np.where(mask, values, -np.inf).reshape(-1)
        # NaN (nan vs number) sorts first, as torch reports it
        nan = np.isnan(v)
        i = int(np.flatnonzero(nan)[0]) if nan.any() else int(np.argmax(v))
        return i, float(values.reshape(-1)[i])

    def py(x):
        x = x.item()
        return x

    mask = mism if r.mismatched else np.ones(shape, dtype=bool)
    i, r.max_abs = pick(diff, mask)
    r.max_abs_index, r.max_abs_torch, r.max_abs_pyts = _unravel(i, shape), py(flat_e[i]), py(flat_g[i])
    i, r.max_rel = pick(rel, mask)
    r.max_rel_index, r.max_rel_torch, r.max_rel_pyts = _unravel(i, shape), py(flat_e[i]), py(flat_g[i])
    if r.mismatched:
        _, r.worst_abs = pick(diff, np.ones(shape, dtype=bool))
        _, r.worst_rel = pick(rel, np.ones(shape, dtype=bool))
    else:
        r.worst_abs, r.worst_rel = r.max_abs, r.max_rel
    # smallest tolerances that pass
    if r.nonfinite:
        r.need_atol = r.need_rtol = math.inf
        return
    neq = ~equal
    if not neq.any():
        r.need_atol = r.need_rtol = 0.0
        return
    with np.errstate(all="ignore"):
        r.need_atol = _round_up(max(float(np.max(np.where(neq, diff - rtol * ref, 0.0))), 0.0))
        over = neq & (diff > atol)
        if over.any():
            nr = float(np.max(np.where(over, (diff - atol) / ref, 0.0)))
            r.need_rtol = math.inf if math.isnan(nr) else _round_up(nr)
        else:
            r.need_rtol = 0.0


def compare_scalars(path, exp, got, rtol=None, atol=None, equal_nan=True):
    """Python scalars/strings/None: torch's exp against pyts's got."""
    r = LeafResult(path, "scalar")
    r.torch_value, r.pyts_value = exp, got
    r.torch_dtype, r.pyts_dtype = type(exp).__name__, type(got).__name__
    number = (bool, int, float, complex)
    if isinstance(exp, number) and isinstance(got, number) and not isinstance(exp, bool) and not isinstance(got, bool):
        name = {int: "int64", float: "float64", complex: "complex128"}
        d1, d2 = name[type(exp)] if type(exp) in name else "float64", name[type(got)] if type(got) in name else "float64"
        if rtol is None:
            rtol, atol = default_tolerance(d1, d2)
            r.tol_source = "torch.testing defaults for Python %s" % type(exp).__name__
        else:
            r.tol_source = "given"
        r.rtol, r.atol = float(rtol), float(atol)
        tmp = compare_arrays(path, np.asarray(exp, dtype=np.complex128 if isinstance(exp, complex) else np.float64),
                             np.asarray(got, dtype=np.complex128 if isinstance(got, complex) else np.float64),
                             r.rtol, r.atol, equal_nan)
        r.numel, r.mismatched, r.passed = 1, tmp.mismatched, tmp.passed
        r.max_abs, r.max_rel, r.worst_abs, r.worst_rel = tmp.max_abs, tmp.max_rel, tmp.worst_abs, tmp.worst_rel
        r.need_atol, r.need_rtol, r.nonfinite = tmp.need_atol, tmp.need_rtol, tmp.nonfinite
        if type(exp) is not type(got):
            r.problem = "type differs: pyts %s, torch %s" % (type(got).__name__, type(exp).__name__)
            r.passed = False
        return r
    r.numel = 1
    r.passed = type(exp) is type(got) and exp == got
    r.mismatched = 0 if r.passed else 1
    if type(exp) is not type(got):
        r.problem = "type differs: pyts %s, torch %s" % (type(got).__name__, type(exp).__name__)
    return r


def structure_problem(path, message):
    r = LeafResult(path, "structure")
    r.problem = message
    return r


def compare_leaf(path, exp, got, rtol=None, atol=None, equal_nan=True):
    """Compare one leaf: ndarrays element by element, anything else as a scalar."""
    if isinstance(exp, np.ndarray) or isinstance(got, np.ndarray):
        if not isinstance(got, np.ndarray):
            if isinstance(got, (int, float, bool)):
                return structure_problem(path, "pyts returned a %s (%r), torch a Tensor %s %s" % (
                    type(got).__name__, got, fmt_index(exp.shape), exp.dtype))
            return structure_problem(path, "pyts returned %s, torch a Tensor" % type(got).__name__)
        if not isinstance(exp, np.ndarray):
            return structure_problem(path, "pyts returned a Tensor %s %s, torch %s (%r)" % (
                fmt_index(got.shape), got.dtype, type(exp).__name__, exp))
        return compare_arrays(path, exp, got, rtol, atol, equal_nan)
    return compare_scalars(path, exp, got, rtol, atol, equal_nan)
