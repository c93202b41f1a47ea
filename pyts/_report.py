"""Text and JSON helpers of the parity tester: numbers and indices as
torch.testing prints them, tensor statistics, JSON-safe values.  The
comparison itself (LeafResult, compare_leaf, the tolerances) is
pyts._compare, the one comparison core; its names are still importable
from here."""
import math

import numpy as np

__all__ = ["tensor_stats", "fmt_stats", "fmt_num", "fmt_index", "json_safe"]

# the comparison names this module used to define, now in pyts._compare
_MOVED = ("DEFAULT_TOLERANCES", "default_tolerance", "LeafResult", "compare_leaf", "compare_arrays",
          "compare_scalars", "structure_problem")


def __getattr__(name):
    if name in _MOVED:
        from . import _compare

        return getattr(_compare, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


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
    if arr.dtype.kind == "V" and arr.dtype.name.startswith(("bfloat16", "float8")):
        arr = arr.astype(np.float32)  # an ml_dtypes array: float32 holds its values exactly
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
