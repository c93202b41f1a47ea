"""The one comparison core of pyts's parity testing.

Everything in pyts and its test suites that decides whether pyts's output
matches torch's goes through here: pyts.testing.assert_parity (and the
`parity` pytest fixture), the localizer (pyts._localize, one op at a time),
the OpInfo sweep (pyts.opinfo), the op harness (tests/parity/ops/optest.py)
and the model tests.

compare(expected, actual) walks two nested outputs (tuples, lists, dicts;
torch tensors or NumPy arrays, Python scalars, strings and None at the
leaves), torch's value being the reference, and returns one LeafResult per
leaf (or per structural difference), each with its path
("output[1]['boxes']"), shapes and dtypes of both sides, how many elements
mismatch, the greatest absolute and relative differences (index and both
values), the tolerance used and the smallest atol / rtol that would have
passed.  assert_close() raises AssertionError with the text of every failing
leaf.

The closeness rule is torch.testing.assert_close's, asymmetric with torch's
value as the reference:  |actual - expected| <= atol + rtol * |expected|,
evaluated as torch.isclose evaluates it on the CPU (in the tensors' own
floating dtype when both sides have the same one), so a verdict here is
torch.testing's verdict.  Default tolerances are torch.testing's per dtype
(float32: rtol 1.3e-6, atol 1e-5; integers and bool exact).  NaN equals NaN
when equal_nan (both engines producing NaN is parity); inf only an equal
inf; dtype and shape must agree.

Only NumPy is needed; torch tensors are converted when torch is loaded."""
import math
import os
import sys

import numpy as np

from ._report import _dtype_name, fmt_index, fmt_num, json_safe

__all__ = ["DEFAULT_TOLERANCES", "default_tolerance", "LeafResult", "compare", "assert_close", "compare_trees",
           "compare_leaf", "compare_arrays", "compare_scalars", "structure_problem", "failure_text",
           "torch_to_numpy", "to_numpy_tree", "rounding_allowed", "rounding_pool", "rounding_unusable",
           "ROUNDING_RULE", "ROUNDING_LAMBDA"]

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
    pyts_value (scalars and strings).

    rule: which rule judged the leaf: "rounding" (the rounding-error bound
    derived from torch's float32 vs float64 run, see ROUNDING_RULE),
    "strict" (torch.testing's per-dtype defaults), "given" (the caller's
    rtol/atol) or "exact" (integers, bool, strings: equality).  Under
    "rounding": alpha (the estimated relative rounding spread, in units of
    the unit roundoff u), budget (the greatest |pyts - torch| / allowed over
    the elements: below 1 passes), bound_at_worst (the allowed difference
    at that element) and worst_ratio_index."""

    FIELDS = ("path", "kind", "passed", "problem", "torch_shape", "torch_dtype", "pyts_shape", "pyts_dtype",
              "numel", "mismatched", "max_abs", "max_abs_index", "max_abs_torch", "max_abs_pyts", "max_rel",
              "max_rel_index", "max_rel_torch", "max_rel_pyts", "worst_abs", "worst_rel", "rtol", "atol",
              "tol_source", "need_atol", "need_rtol", "nonfinite", "torch_value", "pyts_value", "rule",
              "alpha", "budget", "bound_at_worst", "worst_ratio_index")

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

    def to_dict(self) -> dict:
        d = {f: getattr(self, f) for f in self.FIELDS}
        d["mismatched_share"] = self.mismatched_share if self.numel is not None else None
        return json_safe(d)

    def __repr__(self):
        return "<LeafResult %s %s>" % (self.path, "ok" if self.passed else "MISMATCH")

    # ---- the message ------------------------------------------------------------
    def describe(self, indent: str = "  ") -> str:
        """Multi-line text for this leaf, in torch.testing's wording (a str;
        lines() gives the list of its lines)."""
        return "\n".join(self.lines(indent))

    def lines(self, indent: str = "  ") -> "list[str]":
        """describe() as a list of lines."""
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
        closeish = bool(self.rtol or self.atol) or self.rule == "rounding"
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

    def text(self, indent: str = "  ") -> str:
        """describe() (the same text; kept for callers of earlier versions)."""
        return self.describe(indent)

    def _allowed(self, tol):
        if self.rule == "rounding":
            return ""
        if not (self.rtol or self.atol):
            return ""
        return " (up to %s allowed)" % fmt_num(tol)

    def _tolerance_lines(self, indent):
        if self.rule == "rounding":
            out = [indent + "Rule: %s" % self.tol_source]
            if self.budget is not None:
                out.append(indent + "Rounding budget used: %.3g%% (|pyts - torch| / allowed, worst at index %s, "
                           "allowed there %s)" % (100.0 * self.budget, fmt_index(self.worst_ratio_index),
                                                  fmt_num(self.bound_at_worst)))
            return out
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


def compare_arrays(path, exp, got, rtol=None, atol=None, equal_nan=True, reference=None, pooled=None):
    """exp: torch's value (ndarray), got: pyts's (ndarray).  Returns a LeafResult.

    reference: torch's float64 value of this leaf (from the model run in
    float64); with rtol/atol None, a float32 leaf is then judged by the
    rounding rule (ROUNDING_RULE); pooled: (sum of squares, count) of the
    normalized rounding errors of every leaf of the output, for leaves too
    small to estimate their own spread."""
    r = LeafResult(path, "tensor")
    exp = np.asarray(exp)
    got = np.asarray(got)
    r.torch_shape, r.torch_dtype = list(exp.shape), _dtype_name(exp)
    r.pyts_shape, r.pyts_dtype = list(got.shape), _dtype_name(got)
    allowed = None
    if rtol is None:
        rtol, atol = default_tolerance(r.torch_dtype, r.pyts_dtype)
        r.tol_source = "torch.testing defaults for %s" % r.torch_dtype if r.torch_dtype == r.pyts_dtype else \
            "torch.testing defaults for %s/%s" % (r.torch_dtype, r.pyts_dtype)
        r.rule = "strict" if rtol or atol else "exact"
        if reference is not None and r.rule == "strict":
            why = rounding_unusable(exp, reference)
            if why:
                r.tol_source += " (no rounding rule: %s)" % why
            elif exp.shape == got.shape:
                allowed, r.alpha, r.tol_source = rounding_allowed(exp, reference, pooled, rtol, atol)
                r.rule = "rounding"
    else:
        r.tol_source = "given"
        r.rule = "given"
    r.rtol, r.atol = float(rtol), float(atol)
    problems = []
    if exp.shape != got.shape:
        r.problem = "The values for attribute 'shape' do not match: %s != %s (torch)." % (
            fmt_index(got.shape), fmt_index(exp.shape))
        return r
    if exp.dtype != got.dtype:
        problems.append("The values for attribute 'dtype' do not match: %s (pyts) != %s (torch)." % (
            r.pyts_dtype, r.torch_dtype))
    # ml_dtypes arrays (bfloat16, float8): compared by value in float32, which holds them exactly
    if is_ml_array(exp):
        exp = exp.astype(np.float32)
    if is_ml_array(got):
        got = got.astype(np.float32)
    r.numel = int(exp.size)
    _elementwise(r, exp, got, r.rtol, r.atol, equal_nan, allowed)
    if problems:
        r.problem = " ".join(problems)
        r.passed = False
    return r


def _isclose_native(exp, got, rtol, atol):
    """The finite-closeness part of torch.isclose(got, exp, rtol, atol) as
    torch computes it on the CPU for two tensors of one floating (or
    complex) dtype: allowed = atol + |rtol * exp|, actual = |got - exp|,
    each op rounded to the dtype (float16 computed in float32, as torch's
    reduced-precision kernels do); close where actual is finite and <=
    allowed."""
    if rtol == 0 and atol == 0:
        return np.zeros(exp.shape, dtype=bool)
    dt = exp.dtype
    real = np.empty(0, dt).real.dtype
    op = np.dtype(np.float32) if dt == np.float16 else dt
    op_real = np.dtype(np.float32) if real == np.float16 else real
    scaled = (op_real.type(rtol) * exp.astype(op)).astype(dt)
    # torch's add takes atol in the tensor's dtype (float16 too); its mul takes rtol in float32
    allowed = (op_real.type(real.type(atol)) + np.abs(scaled).astype(op_real)).astype(real)
    actual = np.abs((got.astype(op) - exp.astype(op)).astype(dt)).astype(real)
    return np.isfinite(actual) & (actual <= allowed)


def _elementwise(r, exp, got, rtol, atol, equal_nan, allowed=None):
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
        if allowed is not None:
            close = equal | (~bad_nonfinite & np.isfinite(diff) & (diff <= allowed))
        elif exp.dtype == got.dtype and exp.dtype.kind in "fc":
            close = equal | _isclose_native(exp, got, rtol, atol)
        else:
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
    if allowed is not None:
        with np.errstate(all="ignore"):
            ratio = np.where(equal, 0.0, diff / allowed)
        ratio = np.where(np.isnan(ratio), np.inf, ratio)
        i = int(np.argmax(ratio.reshape(-1)))
        r.budget = float(ratio.reshape(-1)[i])
        r.worst_ratio_index = _unravel(i, shape)
        r.bound_at_worst = float(allowed.reshape(-1)[i])
        return
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


# ---- the rounding rule ------------------------------------------------------------------------
#
# docs/tolerances.md derives it.  In short: torch runs the model twice, in
# float32 (t, the reference pyts must match) and in float64 (t64, exact to
# ~1e-16, i.e. the true value as far as float32 can tell).  eps = t - t64 is
# torch's own float32 rounding error, observed element by element.  Rounding
# errors of a deep model are modelled, as in Higham & Mary's probabilistic
# analysis, as mean-zero noise whose spread at element i scales with the
# element's magnitude m_i = |t64_i| + mean|t64| (the mean term stands for the
# terms that cancelled into an element near zero).  The relative spread
# alpha = RMS(eps / m) is estimated from torch's errors over the leaf (or the
# whole output when the leaf has fewer than ROUNDING_MIN_ELEMENTS elements),
# never below the unit roundoff u.  One correct engine's error at element i
# is then within E_i = LAMBDA * alpha * m_i except with probability
# ~2e-9 (LAMBDA = 6, a Gaussian tail), and two correct engines differ by at
# most twice that, or by E_i plus torch's own observed error where that is
# larger:  |pyts_i - t_i| <= E_i + max(E_i, |eps_i|).
# With too few elements to estimate alpha, the bound is at least torch.testing's.

ROUNDING_LAMBDA = 6.0
ROUNDING_MIN_ELEMENTS = 64
ROUNDING_DTYPES = ("float32",)
UNIT_ROUNDOFF = {"float32": 2.0 ** -24}
ROUNDING_RULE = ("|pyts - torch| <= E + max(E, |torch - torch64|), E = %g * alpha * (|torch64| + mean|torch64|)"
                 % ROUNDING_LAMBDA)


def rounding_unusable(exp, reference):
    """Why the float64 value `reference` cannot give the rounding rule for
    torch's value `exp` ("" when it can)."""
    exp = np.asarray(exp)
    if not isinstance(reference, np.ndarray):
        return "the float64 run returned %s here" % type(reference).__name__
    if _dtype_name(exp) not in ROUNDING_DTYPES:
        return "rule derived for %s only" % "/".join(ROUNDING_DTYPES)
    if reference.dtype != np.float64:
        return "the float64 run returned %s here" % reference.dtype
    if reference.shape != exp.shape:
        return "the float64 run returned shape %s" % fmt_index(reference.shape)
    return ""


def _normalized_errors(exp, reference):
    """(eps, m, finite): torch's float32 error, the magnitudes, and where both are finite."""
    t = exp.astype(np.float64)
    with np.errstate(all="ignore"):
        finite = np.isfinite(t) & np.isfinite(reference)
        a = np.abs(np.where(finite, reference, 0.0))
        mean = float(a[finite].mean()) if finite.any() else 0.0
        eps = np.where(finite, t - reference, 0.0)
    return eps, a + mean, finite


def rounding_pool(pairs):
    """(sum of (eps/m)^2, count) over (torch value, float64 value) pairs:
    the pooled spread of an output's leaves."""
    ss, n = 0.0, 0
    for exp, ref in pairs:
        exp = np.asarray(exp)
        if rounding_unusable(exp, ref):
            continue
        eps, m, finite = _normalized_errors(exp, ref)
        with np.errstate(all="ignore"):
            q = np.where(finite & (m > 0), eps / m, 0.0)
        ss += float(np.sum(q * q))
        n += int(np.sum(finite & (m > 0)))
    return ss, n


def rounding_allowed(exp, reference, pooled=None, rtol=0.0, atol=0.0):
    """(allowed, alpha in units of u, description): the per-element allowed
    |pyts - torch| of the rounding rule for torch's float32 value exp and
    its float64 value reference.  Elements not finite in both get
    torch.testing's rtol/atol (exp's dtype)."""
    exp = np.asarray(exp)
    u = UNIT_ROUNDOFF[_dtype_name(exp)]
    eps, m, finite = _normalized_errors(exp, reference)
    ok = finite & (m > 0)
    n = int(ok.sum())
    with np.errstate(all="ignore"):
        q = np.where(ok, eps / m, 0.0)
    ss = float(np.sum(q * q))
    src = "leaf"
    if n < ROUNDING_MIN_ELEMENTS and pooled is not None and pooled[1] >= ROUNDING_MIN_ELEMENTS:
        ss, n, src = pooled[0], pooled[1], "output"
    alpha = math.sqrt(ss / n) if n else 0.0
    alpha = max(alpha, u)
    e = ROUNDING_LAMBDA * alpha * m
    allowed = e + np.maximum(e, np.abs(eps))
    t_abs = np.abs(exp.astype(np.float64))
    default = atol + rtol * t_abs
    allowed = np.where(finite, allowed, default)
    desc = "rounding bound %s, alpha = %.3g u (torch float32 vs float64 over the %s)" % (ROUNDING_RULE, alpha / u, src)
    if n < ROUNDING_MIN_ELEMENTS:
        allowed = np.maximum(allowed, default)
        desc += "; fewer than %d elements: at least torch.testing's rtol=%s, atol=%s" % (
            ROUNDING_MIN_ELEMENTS, fmt_num(rtol), fmt_num(atol))
    return allowed, alpha / u, desc


def compare_scalars(path, exp, got, rtol=None, atol=None, equal_nan=True):
    """Python scalars/strings/None: torch's exp against pyts's got (numbers
    with the tolerance; anything else equal and of the same type)."""
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
        if type(exp) is int and type(got) is int and r.rtol == 0 and r.atol == 0:
            # exactly, beyond float64's 2**53
            r.passed = exp == got
            r.mismatched = 0 if r.passed else 1
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


def compare_leaf(path, exp, got, rtol=None, atol=None, equal_nan=True, reference=None, pooled=None):
    """Compare one leaf: ndarrays element by element, anything else as a scalar.
    reference/pooled: see compare_arrays (the rounding rule)."""
    if isinstance(exp, np.ndarray) or isinstance(got, np.ndarray):
        if not isinstance(got, np.ndarray):
            if isinstance(got, (int, float, bool)):
                return structure_problem(path, "pyts returned a %s (%r), torch a Tensor %s %s" % (
                    type(got).__name__, got, fmt_index(exp.shape), exp.dtype))
            return structure_problem(path, "pyts returned %s, torch a Tensor" % type(got).__name__)
        if not isinstance(exp, np.ndarray):
            return structure_problem(path, "pyts returned a Tensor %s %s, torch %s (%r)" % (
                fmt_index(got.shape), got.dtype, type(exp).__name__, exp))
        return compare_arrays(path, exp, got, rtol, atol, equal_nan, reference, pooled)
    r = compare_scalars(path, exp, got, rtol, atol, equal_nan)
    if r.rule is None:
        r.rule = "given" if r.tol_source == "given" else ("strict" if r.rtol or r.atol else "exact")
    return r


# torch.dtype -> pyts's ScalarType code (the numbers TorchScript uses)
_DTYPE_CODES = None


def _dtype_codes():
    global _DTYPE_CODES
    if _DTYPE_CODES is None:
        import torch

        _DTYPE_CODES = {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
                        torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.complex64: 9,
                        torch.complex128: 10, torch.bool: 11, torch.bfloat16: 15}
    return _DTYPE_CODES


class _Skip(Exception):
    """A value that cannot cross into pyts (bfloat16 without ml_dtypes, a module object...)."""


# torch dtypes NumPy lacks that the ml_dtypes package provides (same names, same bits)
ML_DTYPE_NAMES = ("bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz")
_ML = []


def ml_dtypes_module():
    """The ml_dtypes module when pyts uses it for bfloat16 and float8 arrays
    (installed, and PYTS_NO_ML_DTYPES not set), else None."""
    if not _ML:
        mod = None
        if os.environ.get("PYTS_NO_ML_DTYPES", "0") in ("", "0"):
            try:
                import ml_dtypes as mod
            except ImportError:
                mod = None
        _ML.append(mod)
    return _ML[0]


def is_ml_array(a):
    """Is a an ndarray of an ml_dtypes dtype (bfloat16, float8_*)?"""
    return isinstance(a, np.ndarray) and a.dtype.name in ML_DTYPE_NAMES and a.dtype.kind == "V"


def torch_to_numpy(t, copy=True, upcast_bfloat16=False):
    """A NumPy copy of tensor t (its values as pyts would hold them).
    bfloat16 and the float8 dtypes have no NumPy dtype: with ml_dtypes
    installed they become ml_dtypes arrays (the same bits, as pyts returns
    them); without it, float32 (exact) with upcast_bfloat16, else _Skip."""
    import torch

    t = t.detach()
    if t.is_conj():
        t = t.resolve_conj()
    if t.is_neg():
        t = t.resolve_neg()
    name = str(t.dtype).replace("torch.", "")
    if name in ML_DTYPE_NAMES:
        ml = ml_dtypes_module()
        if ml is not None and t.layout == torch.strided:
            bits = t.view(torch.int16 if t.element_size() == 2 else torch.uint8).numpy().view(getattr(ml, name))
            return bits.copy(order="K") if copy else bits
        if upcast_bfloat16:
            return t.float().numpy()
        raise _Skip("%s tensors have no NumPy dtype (install ml_dtypes)" % name)
    if t.dtype == torch.complex32:
        t = t.to(torch.complex64)
    if t.layout != torch.strided or t.is_quantized:
        raise _Skip("%s tensors are not supported" % (t.layout if t.layout != torch.strided else "quantized"))
    a = t.numpy()
    return a.copy(order="K") if copy else a


def to_numpy_tree(v, upcast_bfloat16=False):
    """torch's output value with tensors turned into NumPy arrays (for
    comparing with what pyts returns); torch.dtype and torch.device leaves
    become what pyts returns for them."""
    import torch

    if isinstance(v, torch.Tensor):
        return torch_to_numpy(v, copy=False, upcast_bfloat16=upcast_bfloat16)
    if isinstance(v, tuple):
        return tuple(to_numpy_tree(x, upcast_bfloat16) for x in v)
    if isinstance(v, list):
        return [to_numpy_tree(x, upcast_bfloat16) for x in v]
    if isinstance(v, dict):
        return {k: to_numpy_tree(x, upcast_bfloat16) for k, x in v.items()}
    if isinstance(v, torch.dtype):
        return _dtype_codes()[v]
    if isinstance(v, torch.device):
        return str(v)
    return v


def _key_repr(k):
    return repr(k)


def _ref_child(reference, key):
    try:
        return reference[key]
    except (KeyError, IndexError, TypeError):
        return None


def _leaf_pairs(exp, reference, out):
    """(torch leaf, float64 leaf) pairs of two parallel trees."""
    if isinstance(exp, dict):
        for k in exp:
            _leaf_pairs(exp[k], _ref_child(reference, k), out)
    elif isinstance(exp, (tuple, list)):
        for i, e in enumerate(exp):
            _leaf_pairs(e, _ref_child(reference, i), out)
    elif isinstance(exp, np.ndarray) and isinstance(reference, np.ndarray):
        out.append((exp, reference))
    return out


def compare_trees(exp, got, path, rtol=None, atol=None, equal_nan=True, out=None, *, strict_sequences=True,
                  exact_scalars=False, ordered_keys=False, zero_sign=False, reference=None, pooled=None):
    """Compare torch's value exp (NumPy leaves) with pyts's got, appending one
    LeafResult per leaf (or per structural difference) to out.  Options:
    strict_sequences=False: a list where torch has a tuple (or the reverse)
    is not a difference.  exact_scalars: Python scalars compare exactly
    whatever rtol/atol are (the tolerance is for tensors).  ordered_keys:
    dict keys must also come in torch's order.  zero_sign: a Python float
    0.0 and -0.0 differ.  reference: torch's value of the model run in
    float64 (the same nesting; NumPy leaves): with rtol/atol None, float32
    leaves are judged by the rounding rule (ROUNDING_RULE)."""
    kw = {"strict_sequences": strict_sequences, "exact_scalars": exact_scalars, "ordered_keys": ordered_keys,
          "zero_sign": zero_sign}
    if out is None:
        out = []
        if reference is not None and rtol is None and pooled is None:
            pooled = rounding_pool(_leaf_pairs(exp, reference, []))
    if reference is not None:
        kw["pooled"] = pooled
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            out.append(structure_problem(path, "pyts returned %s, torch a dict" % type(got).__name__))
            return out
        missing = [k for k in exp if k not in got]
        extra = [k for k in got if k not in exp]
        if missing or extra:
            msg = []
            if missing:
                msg.append("Missing keys in pyts's dict: %s" % ", ".join(_key_repr(k) for k in missing))
            if extra:
                msg.append("Additional keys in pyts's dict: %s" % ", ".join(_key_repr(k) for k in extra))
            out.append(structure_problem(path, "; ".join(msg)))
        elif ordered_keys and list(exp) != list(got):
            out.append(structure_problem(path, "The keys come in another order: %s (pyts) != %s (torch)" % (
                list(got), list(exp))))
        for k in exp:
            if k in got:
                compare_trees(exp[k], got[k], "%s[%s]" % (path, _key_repr(k)), rtol, atol, equal_nan, out,
                              reference=_ref_child(reference, k), **kw)
        return out
    if isinstance(exp, (tuple, list)):
        kind = "tuple" if isinstance(exp, tuple) else "list"
        if not isinstance(got, (tuple, list)):
            out.append(structure_problem(path, "pyts returned %s, torch a %s of %d" % (
                type(got).__name__, kind, len(exp))))
            return out
        if len(got) != len(exp):
            out.append(structure_problem(path, "The length of the sequences mismatch: %d (pyts) != %d (torch)" % (
                len(got), len(exp))))
        elif strict_sequences and isinstance(got, tuple) != isinstance(exp, tuple):
            out.append(structure_problem(path, "pyts returned a %s, torch a %s" % (
                "tuple" if isinstance(got, tuple) else "list", kind)))
        for i, (e, g) in enumerate(zip(exp, got)):
            compare_trees(e, g, "%s[%d]" % (path, i), rtol, atol, equal_nan, out,
                          reference=_ref_child(reference, i), **kw)
        return out
    if exact_scalars and not isinstance(exp, np.ndarray) and not isinstance(got, np.ndarray):
        rtol = atol = 0.0
    r = compare_leaf(path, exp, got, rtol, atol, equal_nan, reference if rtol is None else None, pooled)
    if zero_sign and r.passed and type(exp) is float and type(got) is float and exp == 0.0 and \
            math.copysign(1.0, exp) != math.copysign(1.0, got):
        r.passed, r.mismatched = False, 1
        r.problem = "the sign of zero differs: pyts %r, torch %r" % (got, exp)
    out.append(r)
    return out


def as_numpy(v):
    """v with every torch tensor (at any depth) turned into NumPy (bfloat16
    and float8 as ml_dtypes arrays when ml_dtypes is installed, else as
    float32, exactly); anything else as it is.  Needs no torch unless
    torch is already imported (a torch tensor cannot exist otherwise)."""
    if "torch" not in sys.modules:
        return v
    return to_numpy_tree(v, upcast_bfloat16=True)


def compare(expected, actual, rtol=None, atol=None, *, equal_nan=True, path="output", reference=None, **options):
    """LeafResults comparing `actual` (pyts's value) with `expected` (torch's,
    the reference), leaf by leaf.  Both: any nesting of tuples, lists and
    dicts with torch tensors, NumPy arrays, Python scalars, strings or None
    at the leaves.  rtol/atol: both or neither (default: torch.testing's per
    dtype, or, given `reference` -- torch's output of the model run in
    float64 -- the rounding rule for float32 leaves).  options: see
    compare_trees (strict_sequences, exact_scalars, ordered_keys, zero_sign)."""
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    if reference is not None:
        reference = as_numpy(reference)
    return compare_trees(as_numpy(expected), as_numpy(actual), path, rtol, atol, equal_nan, reference=reference,
                         **options)


def failure_text(leaves, header=None):
    """The text of every failing leaf of `leaves` ("" when all pass)."""
    bad = [l for l in leaves if not l.passed]
    if not bad:
        return ""
    lines = [header] if header else []
    for l in bad:
        lines.extend(l.lines())
    return "\n".join(lines)


def assert_close(actual, expected, rtol=None, atol=None, *, equal_nan=True, path="output", **options):
    """compare(expected, actual, ...), raising AssertionError with the text
    of every failing leaf.  Returns the LeafResults when all pass."""
    __tracebackhide__ = True
    leaves = compare(expected, actual, rtol, atol, equal_nan=equal_nan, path=path, **options)
    text = failure_text(leaves)
    if text:
        raise AssertionError(text)
    return leaves
