"""Parity of csrc/ops/reduce/sort.c: sort / argsort (+ stable) / msort, topk,
kthvalue, median / nanmedian (all and per dim), cummax / cummin.  Inputs
without ties unless the op defines the order of ties (stable sorts, cummax)."""
import pytest
import torch

from optest import ALL_DTYPES, FLOAT_DTYPES, LAYOUTS, SHAPES, check, covered, make_tensor

VARIANTS = {
    "sort": [((), {}), ([0], {}), ([-1, True], {}), ([1], {"descending": True})],
    "sort.stable": [((), {"stable": True}), ((), {"stable": True, "dim": 0, "descending": True}),
                    ((), {"stable": None, "dim": 1})],
    "argsort": [((), {}), ([0, True], {})],
    "argsort.stable": [((), {"stable": True}), ((), {"stable": True, "dim": 0, "descending": True})],
    "msort": [((), {})],
    "topk": [([2], {}), ([3, 0], {}), ([1, -1, False], {}), ([0], {}), ([9], {}), ([-1], {})],
    "kthvalue": [([2], {}), ([3, 0, True], {}), ([1, -1], {}), ([0], {}), ([9], {})],
    "median": [((), {})],
    "nanmedian": [((), {})],
    "median.dim": [([1], {}), ([0, True], {}), ([-1], {})],
    "nanmedian.dim": [([1], {}), ([0, True], {}), ([-1], {})],
    "cummax": [([0], {}), ([1], {}), ([-1], {})],
    "cummin": [([0], {}), ([1], {}), ([-1], {})],
}
COVERED = covered(VARIANTS, "aminmax", "logcumsumexp", "_unique2")
ORDER_OF_TIES = ("sort.stable", "argsort.stable", "cummax", "cummin", "msort")


def distinct(shape, dtype, layout="contig", seed=0, nan=True):
    """Values without ties (a permutation), with NaN/inf for floats."""
    g = torch.Generator().manual_seed(seed)
    n = 1
    for s in shape:
        n *= s
    v = torch.randperm(max(n, 1), generator=g)[:n].double() - n // 2
    if dtype.is_floating_point:
        v = v * 0.37
        if nan and n >= 4:
            v[0], v[1], v[2] = float("nan"), float("inf"), -float("inf")
    elif dtype == torch.uint8:
        v = v + n // 2
    t = v.to(dtype).reshape(shape)
    if layout == "transposed" and len(shape) >= 2:
        t = t.transpose(-1, -2).contiguous().transpose(-1, -2)
    elif layout == "strided" and shape:
        t = torch.stack([t, t], -1).select(-1, 0)
    return t


def params():
    for op, variants in VARIANTS.items():
        for i in range(len(variants)):
            yield op, i


@pytest.mark.parametrize("op,i", list(params()))
def test_sort_ops(op, i):
    args, kw = VARIANTS[op][i]
    for dt in [torch.float32, torch.float64, torch.float16, torch.int64, torch.int16, torch.uint8]:
        for layout in ("contig", "transposed", "strided"):
            check("aten::" + op, lambda: ((distinct((5, 7), dt, layout),) + tuple(args), dict(kw)),
                  what="%s %s %r %r" % (dt, layout, args, kw))
    for shape in [(3, 1, 4), (0, 3), (2, 3, 4, 5), (), (6,)]:
        a = args if shape not in ((), (6,)) or not args or args[0] in (0, -1, 1, 2) else ()
        if shape in ((), (6,)) and op in ("topk", "kthvalue"):
            a = [1]
        elif shape in ((), (6,)) and a and a[0] == 1 and op.endswith(".dim"):
            a = [0]
        elif shape in ((), (6,)) and op in ("cummax", "cummin"):
            a = [0]
        check("aten::" + op, lambda: ((distinct(shape, torch.float32, nan=False),) + tuple(a), dict(kw)),
              what="%s %r %r" % (shape, a, kw))


@pytest.mark.parametrize("op", ORDER_OF_TIES)
def test_ties(op):
    args, kw = VARIANTS[op][min(1, len(VARIANTS[op]) - 1)]
    for dt in (torch.float32, torch.int64, torch.bool):
        check("aten::" + op, lambda: ((make_tensor((6, 9), dt, low=-2, high=2) if dt != torch.bool
                                       else make_tensor((6, 9), dt),) + tuple(args), dict(kw)), what=str(dt))


def test_median_nan_and_bool():
    def maker(nan_only=False):
        x = distinct((4, 6), torch.float32, nan=False)
        x[1, 2] = x[1, 4] = float("nan")
        x[3] = float("nan")  # an all-NaN row: nanmedian's index there is nth_element's choice, not compared
        return (x[:3] if nan_only else x,), {}
    for op, extra in (("median", ()), ("nanmedian", ()), ("median.dim", (1,)), ("nanmedian.dim", (1,)),
                      ("median.dim", (0,)), ("nanmedian.dim", (0,))):
        check("aten::" + op, lambda: (maker(op.startswith("nan") and extra)[0] + extra, {}), what=str(extra))
        check("aten::" + op, lambda: ((make_tensor((3, 4), torch.bool),) + extra, {}), what="bool")
        check("aten::" + op, lambda: ((make_tensor((0, 4), torch.float32),) + extra, {}), what="empty")


def test_aminmax():
    for kw in ({}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"keepdim": True}, {"dim": 0}):
        for dt in (torch.float32, torch.float64, torch.int64, torch.uint8, torch.bool, torch.float16):
            check("aten::aminmax", lambda: ((make_tensor((5, 7), dt, "transposed"),), dict(kw)), what="%s %s" % (dt, kw))
        for shape in ((), (0, 3), (3, 0), (2, 3, 4)):
            check("aten::aminmax", lambda: ((make_tensor(shape, torch.float32),), dict(kw)), what="%s %s" % (shape, kw))


def test_logcumsumexp():
    for dim in (0, 1, -1, 2):
        for dt in (torch.float32, torch.float64, torch.int64, torch.float16):
            check("aten::logcumsumexp", lambda: ((make_tensor((5, 7), dt, "transposed"), dim), {}),
                  what="%s %s" % (dt, dim), **({"rtol": 2e-3, "atol": 2e-3} if dt == torch.float16 else {}))
    vals = [float("-inf"), 0.0, float("inf"), float("nan"), -1.0, float("-inf"), 3.0]
    check("aten::logcumsumexp", lambda: ((torch.tensor(vals), 0), {}), what="specials")
    check("aten::logcumsumexp", lambda: ((torch.full((4,), float("-inf")), 0), {}), what="all -inf")
    for shape in ((), (0, 3)):
        check("aten::logcumsumexp", lambda: ((make_tensor(shape, torch.float32), 0), {}), what=str(shape))


def test_unique2():
    for flags in ((True, False, False), (True, True, False), (True, False, True), (True, True, True), (False, True, True)):
        for dt in (torch.float32, torch.int64, torch.bool, torch.uint8, torch.float16):
            check("aten::_unique2", lambda: ((make_tensor((5, 7), dt, "transposed", low=-3, high=3),) + flags, {}),
                  what="%s %s" % (dt, flags))
        for shape in ((), (0,), (0, 3), (2, 3, 4)):
            check("aten::_unique2", lambda: ((make_tensor(shape, torch.float32, low=-2, high=2),) + flags, {}),
                  what="%s %s" % (shape, flags))
        check("aten::_unique2", lambda: ((torch.tensor([2.0, float("nan"), 1.0, float("nan"), 2.0]),) + flags, {}),
              what="nan")
