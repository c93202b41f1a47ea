"""Parity of pooling (csrc/ops/nn/pool.c): max_pool1d/2d/3d (+ the
with_indices forms, indices compared exactly), avg_pool1d/2d/3d (padding,
ceil_mode incl. windows that start in the padding, count_include_pad,
divisor_override), adaptive avg/max pools with non-divisible and larger
output sizes - every dtype, unbatched, empty-batch, size-1, transposed,
strided and channels-last inputs, NaN/inf in windows, and the refusals
(padding over half the kernel, zero stride, windows larger than the input)."""
import numpy as np
import pytest
import torch

from optest import check
from test_nn import DTYPES, F16, F32, F64, POOL, Cases, T, assert_table_covers, dname

C = Cases()
SHAPE = {1: (2, 3, 11), 2: (2, 3, 7, 9), 3: (2, 3, 5, 7, 6)}
MAXP = {1: "max_pool1d", 2: "max_pool2d", 3: "max_pool3d"}
MAXI = {2: "max_pool2d_with_indices", 3: "max_pool3d_with_indices"}
AVGP = {1: "avg_pool1d", 2: "avg_pool2d", 3: "avg_pool3d"}
AAVG = {1: ["adaptive_avg_pool1d"], 2: ["adaptive_avg_pool2d", "_adaptive_avg_pool2d"],
        3: ["adaptive_avg_pool3d", "_adaptive_avg_pool3d"]}
AMAX = {1: "adaptive_max_pool1d", 2: "adaptive_max_pool2d", 3: "adaptive_max_pool3d"}


def pm(shape, args, dtype=F32, layout="contig", cl=False, kw=None, special=True):
    """maker: pooled input of `shape`, then the op's other arguments."""
    return lambda: ((T(shape, dtype, layout, seed=1, cl=cl, special=special),) + tuple(args), dict(kw or {}))


def dims(v, d):
    return list(v) if isinstance(v, (list, tuple)) else [v] * d


def input_variants(d):
    """(id, shape, layout, cl) of the awkward inputs each pool runs on."""
    s = SHAPE[d]
    yield "contig", s, "contig", False
    yield "transposed", s, "transposed", False
    yield "strided", s, "strided", False
    yield "expanded", s, "expanded", False
    yield "unbatched", s[1:], "contig", False
    yield "empty-batch", (0,) + s[1:], "contig", False
    yield "size1", (1, 1) + (1,) * d, "contig", False
    if d >= 2:
        yield "channels-last", s, "contig", True


# ---- max pools: (kernel, stride, padding, dilation, ceil_mode) ------------------
MAX_PARAMS = [(2, [], 0, 1, False), (3, 2, 1, 1, False), (3, 2, 1, 1, True), (3, 3, 1, 2, True), (2, 2, 1, 1, True),
              (4, 3, 2, 1, True), (1, 1, 0, 1, False), (3, 1, 1, 1, False), (2, 3, 0, 2, True),
              ([3, 2, 2], [2, 1, 3], [1, 0, 1], [1, 2, 1], True)]
MAX_BAD = {"pad-over-half": (2, 2, 2, 1, False), "zero-stride": (2, 0, 0, 1, False), "zero-kernel": (0, 1, 0, 1, False),
           "too-big": (13, 1, 0, 1, False), "zero-dilation": (2, 2, 0, 0, False), "neg-pad": (2, 2, -1, 1, False)}


def max_args(d, k, s, p, dl, ceil):
    return [dims(k, d)[:d], [] if s == [] else dims(s, d)[:d], dims(p, d)[:d], dims(dl, d)[:d], ceil]


for d in (1, 2, 3):
    ops = [MAXP[d]] + ([MAXI[d]] if d in MAXI else [])
    for op in ops:
        for dt in DTYPES:
            C.add(op, "basic-%s" % dname(dt), pm(SHAPE[d], max_args(d, 3, 2, 1, 1, False), dt))
        for j, (vid, shape, lay, cl) in enumerate(input_variants(d)):
            for i, prm in enumerate(MAX_PARAMS):
                if j == 0 or (i + j) % 2 == 0:  # all parameters on contiguous inputs, half on each other layout
                    C.add(op, "%s-%d" % (vid, i), pm(shape, max_args(d, *prm), layout=lay, cl=cl))
        for i, prm in enumerate(MAX_PARAMS):
            C.add(op, "f64-%d" % i, pm(SHAPE[d], max_args(d, *prm), F64, "strided"))
            C.add(op, "int32-%d" % i, pm(SHAPE[d], max_args(d, *prm), torch.int32, "transposed"))
            C.add(op, "f16-%d" % i, pm(SHAPE[d], max_args(d, *prm), F16, cl=d >= 2))
        for name, prm in MAX_BAD.items():
            C.add(op, name, pm(SHAPE[d], max_args(d, *prm)))
        C.add(op, "defaults", pm(SHAPE[d], [[2] * d]))
        C.add(op, "bare-int-kernel", pm(SHAPE[d], [3, 2]))  # int[N] takes a single int
        C.add(op, "kwargs", pm(SHAPE[d], [[3] * d], kw={"ceil_mode": True, "padding": [1] * d}))
        C.add(op, "empty-spatial", pm(SHAPE[d][:2] + (0,) * d, [[1] * d]))
        C.add(op, "bad-dims", pm((3,) * (d + 3), [[2] * d]))
        # all-NaN and all -inf windows
        C.add(op, "nan-inf-windows", lambda d=d: ((torch.tensor([float("nan"), -float("inf"), 1.0, -float("inf")] * 60)
                                                   [:2 * 3 * 2 ** d * 5].reshape((2, 3) + (2,) * (d - 1) + (10,)),
                                                   [2] * d), {}))

# ---- avg pools: (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override) ----
AVG_PARAMS = [(2, [], 0, False, True, None), (3, 2, 1, False, True, None), (3, 2, 1, False, False, None),
              (3, 2, 1, True, True, None), (3, 2, 1, True, False, None), (2, 2, 1, True, True, None),
              (2, 2, 1, True, False, None), (4, 3, 2, True, True, None), (3, 1, 1, False, True, 5),
              (3, 2, 1, True, False, 2), (1, 1, 0, False, True, None), ([3, 2, 2], [2, 1, 3], [1, 0, 1], True, True, None)]
AVG_BAD = {"pad-over-half": (2, 2, 2, False, True, None), "zero-stride": (2, 0, 0, False, True, None),
           "too-big": (13, 1, 0, False, True, None), "zero-divisor": (2, 2, 0, False, True, 0)}


def avg_args(d, k, s, p, ceil, cip, div):
    a = [dims(k, d)[:d], [] if s == [] else dims(s, d)[:d], dims(p, d)[:d], ceil, cip]
    return a + [div] if d > 1 else a


for d in (1, 2, 3):
    op = AVGP[d]
    for dt in DTYPES:
        C.add(op, "basic-%s" % dname(dt), pm(SHAPE[d], avg_args(d, 3, 2, 1, True, False, None), dt))
    for j, (vid, shape, lay, cl) in enumerate(input_variants(d)):
        for i, prm in enumerate(AVG_PARAMS):
            if (d == 1 and prm[5] is not None) or not (j == 0 or (i + j) % 2 == 0):
                continue
            C.add(op, "%s-%d" % (vid, i), pm(shape, avg_args(d, *prm), layout=lay, cl=cl))
    for i, prm in enumerate(AVG_PARAMS):
        if d == 1 and prm[5] is not None:
            continue
        C.add(op, "f64-%d" % i, pm(SHAPE[d], avg_args(d, *prm), F64, "strided"))
        C.add(op, "int64-%d" % i, pm(SHAPE[d], avg_args(d, *prm), torch.int64, "transposed"))
        C.add(op, "f16-%d" % i, pm(SHAPE[d], avg_args(d, *prm), F16, cl=d >= 2))
    for name, prm in AVG_BAD.items():
        if d == 1 and prm[5] is not None:
            continue
        C.add(op, name, pm(SHAPE[d], avg_args(d, *prm)))
    C.add(op, "defaults", pm(SHAPE[d], [[2] * d]))
    C.add(op, "bare-int-kernel", pm(SHAPE[d], [3, 2]))
    C.add(op, "kwargs", pm(SHAPE[d], [[3] * d], kw={"ceil_mode": True, "padding": [1] * d,
                                                   "count_include_pad": False}))
    C.add(op, "empty-spatial", pm(SHAPE[d][:2] + (0,) * d, [[1] * d]))

# ---- adaptive pools: output sizes (non-divisible, equal, larger, 1) ---------------
AOUT = {1: [4, 11, 1, 13, 5, 3], 2: [(3, 4), (1, 1), (7, 9), (10, 12), (2, 5), (5, 2)],
        3: [(2, 3, 4), (1, 1, 1), (5, 7, 6), (6, 8, 7), (3, 2, 5)]}
for d in (1, 2, 3):
    for op in AAVG[d] + [AMAX[d]]:
        for dt in DTYPES:
            C.add(op, "basic-%s" % dname(dt), pm(SHAPE[d], [dims(AOUT[d][0], d)], dt))
        for vid, shape, lay, cl in input_variants(d):
            for o in AOUT[d]:
                C.add(op, "%s-%s" % (vid, o), pm(shape, [dims(o, d)], layout=lay, cl=cl))
        for o in AOUT[d]:
            C.add(op, "f64-%s" % (o,), pm(SHAPE[d], [dims(o, d)], F64, "strided"))
            C.add(op, "f16-%s" % (o,), pm(SHAPE[d], [dims(o, d)], F16, cl=d >= 2))
            C.add(op, "int64-%s" % (o,), pm(SHAPE[d], [dims(o, d)], torch.int64))
        C.add(op, "zero-output", pm(SHAPE[d], [[0] * d]))
        C.add(op, "negative-output", pm(SHAPE[d], [[-1] * d]))
        C.add(op, "wrong-len", pm(SHAPE[d], [[2] * (d + 1)]))
        C.add(op, "empty-spatial", pm(SHAPE[d][:2] + (0,) * d, [[1] * d]))
        C.add(op, "bad-dims", pm((3,) * (d + 3), [[2] * d]))
# big planes (the threaded paths)
C.add("max_pool2d", "big", pm((2, 64, 56, 57), [[3, 3], [2, 2], [1, 1]], special=True))
C.add("max_pool2d", "big-cl", pm((2, 64, 56, 57), [[3, 3], [2, 2], [1, 1]], cl=True))
C.add("avg_pool2d", "big-cl", pm((2, 64, 56, 57), [[3, 3], [2, 2], [1, 1], True, False], cl=True))
C.add("adaptive_avg_pool2d", "big-global", pm((2, 512, 7, 9), [[1, 1]], special=False))
C.add("adaptive_avg_pool2d", "big-global-cl", pm((2, 512, 7, 9), [[1, 1]], cl=True, special=False))
# the float32 global average (pool.c gap_sum_f32): planes of several 512-element blocks plus a
# partial block and a scalar tail, strided / channels-last / batch > 1 / float16 inputs, an
# offset that makes the sum's rounding matter, and the 1-d / 3-d / _adaptive forms
for op in ("adaptive_avg_pool2d", "_adaptive_avg_pool2d"):
    C.add(op, "global-wide", pm((3, 5, 37, 41), [[1, 1]], special=False))
    C.add(op, "global-wide-strided", pm((2, 4, 37, 41), [[1, 1]], layout="strided", special=False))
    C.add(op, "global-wide-cl", pm((2, 4, 29, 33), [[1, 1]], cl=True, special=False))
    C.add(op, "global-wide-special", pm((2, 4, 23, 45), [[1, 1]], special=True))
    C.add(op, "global-wide-f16", pm((2, 4, 29, 33), [[1, 1]], F16, special=False))
    C.add(op, "global-empty-batch", pm((0, 4, 37, 41), [[1, 1]]))
# (adaptive_avg_pool2d only: it is ATen's mean, a cascade sum; _adaptive_avg_pool2d's kernel adds in
# one float, 2e-6 off the exact mean here, over float32's tolerance)
C.add("adaptive_avg_pool2d", "global-offset", lambda: ((torch.randn(2, 3, 57, 61, generator=torch.Generator()
                                                                    .manual_seed(3)) + 1000.0, [1, 1]), {}))
C.add("adaptive_avg_pool1d", "global-wide", pm((2, 5, 1500), [[1]], special=False))
C.add("adaptive_avg_pool3d", "global-wide", pm((2, 3, 5, 17, 19), [[1, 1, 1]], special=False))
C.add("adaptive_avg_pool3d", "global-wide-f16", pm((2, 3, 5, 17, 19), [[1, 1, 1]], F16, special=False))


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_pool(op, maker, kw):
    check(op, maker, **kw)


def test_all_ops_have_cases():
    assert_table_covers(C, POOL)


# ---- the float32 2-d max pool's row-then-column path (pool.c maxpool2d_plane_f32) ----
# It takes the max down each window's rows, then across its columns; windows whose max is
# ±0 or NaN are redone in row-major order.  Its results must have torch's bits: which zero
# (sign) and which NaN (payload) a window keeps depends on that order.
ZERO_NAN_PARAMS = [(3, 2, 1, 1, False), (3, 2, 1, 1, True), (2, 1, 0, 1, False), (3, 1, 1, 2, False),
                   ([3, 2], [1, 2], [1, 1], [2, 1], True), (1, 1, 0, 1, False), ([2, 5], [3, 2], [1, 2], 1, True)]


def _zero_nan_input(shape, seed):
    g = torch.Generator().manual_seed(seed)
    pick = torch.randint(0, 6, shape, generator=g)
    vals = torch.tensor([0.0, -0.0, -1.0, 0.5, float("nan"), -float("nan")])
    x = vals[pick]
    bits = x.view(torch.int32)
    bits[x.isnan()] |= torch.randint(1, 1 << 20, shape, generator=g, dtype=torch.int32)[x.isnan()]  # NaN payloads
    return x


@pytest.mark.parametrize("layout", ["contig", "transposed", "1d"])
@pytest.mark.parametrize("prm", range(len(ZERO_NAN_PARAMS)))
def test_max_pool2d_f32_zero_nan_bits(prm, layout):
    from pyts import _C
    k, s, p, dl, ceil = ZERO_NAN_PARAMS[prm]
    if layout == "1d":
        x = _zero_nan_input((2, 3, 23), prm)
        args, op = [dims(k, 1)[:1], dims(s, 1)[:1], dims(p, 1)[:1], dims(dl, 1)[:1], ceil], "max_pool1d"
    else:
        x = _zero_nan_input((2, 3, 9, 11), prm)
        if layout == "transposed":
            x = x.transpose(2, 3).contiguous().transpose(2, 3)
        args, op = max_args(2, k, s, p, dl, ceil), "max_pool2d"
    exp = getattr(torch.ops.aten, op)(x, *args)
    got = torch.from_numpy(np.ascontiguousarray(_C.call_op("aten::" + op, x.numpy(), *args)))
    assert torch.equal(got.view(torch.int32), exp.contiguous().view(torch.int32))


# ---- the vectorized max pools (pool.c maxpool_plane_*): rows with at least 16 interior outputs ----
# run ATen's window loop for 16 outputs side by side (stride 2 through an even/odd split of each
# input row), windows clipped by the padding on the plane loop.  Values and indices must keep
# ATen's order: among equal values (ties of ±0 and of equal numbers) the first in row-major order,
# and the last NaN (payload bits compared).  Rows are wide enough for whole blocks plus an
# overlapping last block; dtypes float32 / float64 / int32 (computed in int64).
WIDE_PARAMS = [(3, 2, 1, 1, False), (3, 2, 1, 1, True), (2, 1, 0, 1, False), (3, 1, 1, 2, False),
               ([3, 2], [1, 2], [1, 1], [2, 1], True), ([2, 5], [3, 3], [1, 2], 1, True), (1, 1, 0, 1, False),
               (4, 3, 2, 1, False)]


def _ties_input(shape, seed, dtype):
    g = torch.Generator().manual_seed(seed)
    if dtype == torch.int32:
        return torch.randint(-2, 3, shape, generator=g, dtype=torch.int32)  # many equal values
    return _zero_nan_input(shape, seed).to(dtype)  # float64: NaN payloads move to the high mantissa bits


def _same_bits(got, exp):
    if exp.dtype == torch.float32:
        return torch.equal(got.view(torch.int32), exp.contiguous().view(torch.int32))
    if exp.dtype == torch.float64:
        return torch.equal(got.view(torch.int64), exp.contiguous().view(torch.int64))
    return torch.equal(got, exp)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int32])
@pytest.mark.parametrize("layout", ["contig", "transposed", "batch3"])
@pytest.mark.parametrize("prm", range(len(WIDE_PARAMS)))
def test_max_pool2d_wide_rows_bits_and_indices(prm, layout, dtype):
    from pyts import _C
    k, s, p, dl, ceil = WIDE_PARAMS[prm]
    shape = (3, 2, 7, 71) if layout == "batch3" else (2, 2, 9, 70)
    x = _ties_input(shape, prm, dtype)
    if layout == "transposed":
        x = torch.empty(x.shape[:2] + (x.shape[3], x.shape[2]), dtype=dtype).transpose(2, 3).copy_(x)
    args = max_args(2, k, s, p, dl, ceil)
    for op in ["max_pool2d_with_indices", "max_pool2d"]:
        exp = getattr(torch.ops.aten, op)(x, *args)
        got = _C.call_op("aten::" + op, x.numpy(), *args)
        if op == "max_pool2d":
            exp, got = (exp,), (got,)
        vals = torch.from_numpy(np.ascontiguousarray(got[0]))
        assert _same_bits(vals, exp[0]), op
        if len(exp) > 1:
            assert torch.equal(torch.from_numpy(np.ascontiguousarray(got[1])), exp[1]), op + " indices"


@pytest.mark.parametrize("d", [1, 3])
def test_max_pool_1d_3d_wide_rows_bits(d):
    from pyts import _C
    shape = (2, 3, 67) if d == 1 else (2, 2, 4, 5, 40)
    x = _zero_nan_input(shape, 7 + d)
    for prm in [(3, 2, 1, 1, False), (2, 1, 0, 1, True), (3, 1, 1, 2, False)]:
        args = max_args(d, *prm)
        ops = [MAXP[d]] + ([MAXI[d]] if d in MAXI else [])
        for op in ops:
            exp = getattr(torch.ops.aten, op)(x, *args)
            got = _C.call_op("aten::" + op, x.numpy(), *args)
            if op == MAXP[d]:
                exp, got = (exp,), (got,)
            assert _same_bits(torch.from_numpy(np.ascontiguousarray(got[0])), exp[0]), (op, prm)
            if len(exp) > 1:
                assert torch.equal(torch.from_numpy(np.ascontiguousarray(got[1])), exp[1]), (op, prm)
