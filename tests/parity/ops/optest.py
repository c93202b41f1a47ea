"""The op parity harness: run one aten op overload in torch (torch.ops.aten)
and in pyts (pyts._C.call_op) on identical, freshly made inputs and compare.

Inputs are made twice from the same seed by a `maker` (so in-place ops on
one engine's inputs cannot leak into the other's), with awkward layouts:
contiguous, transposed, sliced with a step, expanded (stride 0), empty,
0-dim.  Floating inputs carry NaN and +-inf at fixed positions.  When torch
refuses a call, pyts must refuse it too (raise pyts.Error)."""
import numpy as np
import torch

import pyts
from pyts import _C
from pyts._compare import compare, failure_text

FLOAT_DTYPES = [torch.float32, torch.float64, torch.float16]
INT_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + [torch.bool]

SHAPES = [(5, 7), (3, 1, 4), (), (0, 3), (2, 3, 4, 5)]
LAYOUTS = ["contig", "transposed", "strided", "expanded"]


def make_tensor(shape, dtype, layout="contig", seed=0, special=True, low=None, high=None):
    """A tensor of `shape` and `dtype` laid out as `layout`, from `seed`."""
    g = torch.Generator().manual_seed(seed)
    shape = tuple(shape)
    if layout == "transposed" and len(shape) >= 2:
        base_shape = shape[:-2] + (shape[-1], shape[-2])
    elif layout == "strided" and len(shape) >= 1:
        base_shape = shape[:-1] + (shape[-1] * 2,)
    elif layout == "expanded" and len(shape) >= 1:
        base_shape = (1,) + shape[1:]
    else:
        base_shape = shape
    if dtype.is_floating_point:
        lo, hi = (-3.0 if low is None else low), (3.0 if high is None else high)
        base = (torch.rand(base_shape, generator=g, dtype=torch.float64) * (hi - lo) + lo).to(dtype)
        if special and base.numel() >= 4 and low is None:
            flat = base.view(-1)
            flat[0], flat[1], flat[2] = float("nan"), float("inf"), -float("inf")
    elif dtype == torch.bool:
        base = torch.randint(0, 2, base_shape, generator=g).bool()
    else:
        info = torch.iinfo(dtype)
        lo = max(info.min, -9 if low is None else int(low))
        hi = min(info.max, 10 if high is None else int(high))
        base = torch.randint(lo, hi, base_shape, generator=g, dtype=torch.int64).to(dtype)
    if layout == "transposed" and len(shape) >= 2:
        t = base.transpose(-1, -2)
    elif layout == "strided" and len(shape) >= 1:
        t = base[..., ::2]
    elif layout == "expanded" and len(shape) >= 1:
        t = base.expand(shape)
    else:
        t = base
    assert tuple(t.shape) == shape
    return t


def to_pyts(x):
    if isinstance(x, torch.Tensor):
        return x.numpy()
    if isinstance(x, (list, tuple)):
        return type(x)(to_pyts(v) for v in x)
    if isinstance(x, torch.dtype):
        return DTYPE_CODES[x]
    if isinstance(x, torch.memory_format):
        return MEMORY_FORMAT_CODES[x]
    if isinstance(x, torch.layout):
        return LAYOUT_CODES[x]
    if isinstance(x, torch.device):
        return str(x)
    return x


DTYPE_CODES = {torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4, torch.float16: 5,
               torch.float32: 6, torch.float64: 7, torch.complex64: 9, torch.complex128: 10, torch.bool: 11,
               torch.bfloat16: 15}
COMPLEX_DTYPES = [torch.complex64, torch.complex128]


def make_complex(shape, dtype, layout="contig", seed=0, special=True, scale=3.0):
    """A complex tensor of `shape` and `dtype` laid out as `layout` (as make_tensor), real and
    imaginary parts uniform in [-scale, scale); with `special`, NaN / inf parts at fixed places."""
    g = torch.Generator().manual_seed(seed)
    shape = tuple(shape)
    if layout == "transposed" and len(shape) >= 2:
        base_shape = shape[:-2] + (shape[-1], shape[-2])
    elif layout == "strided" and len(shape) >= 1:
        base_shape = shape[:-1] + (shape[-1] * 2,)
    elif layout == "expanded" and len(shape) >= 1:
        base_shape = (1,) + shape[1:]
    else:
        base_shape = shape
    parts = (torch.rand(base_shape + (2,), generator=g, dtype=torch.float64) * 2 - 1) * scale
    base = torch.view_as_complex(parts).to(dtype)
    if special and base.numel() >= 4:
        flat = base.view(-1)
        flat[0] = complex(float("nan"), 1.0)
        flat[1] = complex(float("inf"), 0.5)
        flat[2] = complex(-1.0, -float("inf"))
    if layout == "transposed" and len(shape) >= 2:
        t = base.transpose(-1, -2)
    elif layout == "strided" and len(shape) >= 1:
        t = base[..., ::2]
    elif layout == "expanded" and len(shape) >= 1:
        t = base.expand(shape)
    else:
        t = base
    assert tuple(t.shape) == shape
    return t


# bfloat16 has no NumPy dtype, so it cannot cross call_op as an array: the
# Python op tests skip it (the C kernels share the float16 code path).
MEMORY_FORMAT_CODES = {torch.contiguous_format: 0, torch.preserve_format: 1, torch.channels_last: 2,
                       torch.channels_last_3d: 3}
LAYOUT_CODES = {torch.strided: 0}


def covered(*names):
    """The sorted list of full op names ("aten::add.Tensor") a test module
    exercises: each module exports it as COVERED for test_coverage.py."""
    out = set()
    for n in names:
        if isinstance(n, str):
            out.add(n if n.startswith("aten::") else "aten::" + n)
        else:
            out |= set(covered(*n))
    return sorted(out)


def torch_op(name):
    """'aten::add.Tensor' -> torch.ops.aten.add.Tensor"""
    ns, rest = name.split("::")
    base, _, overload = rest.partition(".")
    packet = getattr(getattr(torch.ops, ns), base)
    return getattr(packet, overload or "default")


def _as_arrays(got, exp):
    """pyts's result with an array wherever torch's has a tensor (call_op may
    hand back a NumPy scalar or a 0-dim array)."""
    if isinstance(exp, torch.Tensor) and not isinstance(got, np.ndarray):
        return np.array(got)
    if isinstance(exp, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(exp):
        return type(got)(_as_arrays(g, e) for g, e in zip(got, exp))
    return got


def assert_same(got, exp, what, rtol=None, atol=None):
    """pyts's result `got` against torch's `exp`, by the comparison core
    (pyts._compare, the rule of torch.testing.assert_close): tensors of the
    same shape and dtype, close at torch.testing's per-dtype tolerances or
    the given rtol/atol (both or neither), NaN equal to NaN; Python scalars
    equal (exactly) and of the same type; a list may stand for a tuple."""
    __tracebackhide__ = True
    leaves = compare(exp, _as_arrays(got, exp), rtol, atol, equal_nan=True, path=what, strict_sequences=False,
                     exact_scalars=True)
    text = failure_text(leaves)
    assert not text, text


def _leaves(x):
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from _leaves(v)
    else:
        yield x


def _shares(a, b):
    """Do torch tensors a and b use the same storage?"""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def check_views(got, exp, tin, pin, label):
    """Where torch's result is a view of its input, pyts's must be a view of
    its input too (and a copy where torch copies): a later in-place write then
    behaves the same in both engines."""
    for i, (g, e) in enumerate(zip(_leaves(got), _leaves(exp))):
        if not isinstance(e, torch.Tensor) or e.numel() == 0 or tin.numel() == 0:
            continue
        t_shares = _shares(e, tin)
        p_shares = bool(np.shares_memory(np.asarray(g), pin.numpy()))
        assert t_shares == p_shares, "%s output %d: torch %s its input's storage, pyts %s" % (
            label, i, "shares" if t_shares else "does not share", "does" if p_shares else "does not")


def check(name, maker, rtol=None, atol=None, inplace_arg=None, what="", view_of=None, ref=None):
    """maker() -> (args, kwargs), called twice; compares results (and the
    mutated argument of an in-place op, which must also be returned).
    view_of=i: the result must share storage with argument i exactly when
    torch's does (view ops).  ref: the torch reference when torch.ops cannot
    take the arguments (aten::tensor with a Python list)."""
    targs, tkw = maker()
    pargs, pkw = maker()
    label = "%s %s" % (name, what)
    terr = perr = None
    try:
        exp = (ref or torch_op(name))(*targs, **tkw)
    except Exception as e:  # noqa: BLE001 - torch refusing is a result
        terr = e
    try:
        got = _C.call_op(name, *[to_pyts(a) for a in pargs], **{k: to_pyts(v) for k, v in pkw.items()})
    except pyts.Error as e:
        perr = e
    if terr is not None:
        assert perr is not None, "%s: torch raised %s: %s, but pyts returned %r" % (
            label, type(terr).__name__, str(terr).splitlines()[0], got)
        return
    assert perr is None, "%s: pyts raised %s: %s" % (label, type(perr).__name__, perr)
    assert_same(got, exp, label, rtol, atol)
    # every other tensor argument ends as torch leaves it (an out-of-place kernel that scans in
    # place must never write into its input)
    for i, (pa, ta) in enumerate(zip(list(pargs) + [pkw[k] for k in sorted(pkw)], list(targs) + [tkw[k] for k in sorted(tkw)])):
        if i != inplace_arg and not name.split("::")[-1].split(".")[0].endswith("_") and isinstance(ta, torch.Tensor) and isinstance(pa, torch.Tensor) and ta.dtype != torch.bfloat16:
            assert_same(pa.numpy(), ta, label + " (argument %d after the call)" % i, rtol, atol)
    if inplace_arg is not None:
        assert_same(pargs[inplace_arg].numpy(), targs[inplace_arg], label + " (mutated input)", rtol, atol)
        check_views(got, exp, targs[inplace_arg], pargs[inplace_arg], label + " (returns self)")
    if view_of is not None:
        check_views(got, exp, targs[view_of], pargs[view_of], label)
