"""Parity of the linear-algebra ops (csrc/ops/linalg/matmul.c): mm, bmm, matmul
(every rank combination 1-4 incl. 1-D operands and broadcast batches),
addmm / baddbmm / addmv (beta, alpha, broadcast self, beta=0 dropping NaN in
self), mv, dot, linear (1-3 leading dims, no bias, 1-D weight) - every dtype,
transposed / strided / expanded operands, empty dims, size mismatches."""
import pytest
import torch

from optest import check, to_pyts, torch_op
from pyts import _C
from test_nn import DTYPES, F16, F32, F64, LINALG, Cases, T, W, assert_table_covers, dname

C = Cases()
I64, I32, I16 = torch.int64, torch.int32, torch.int16
LAYOUTS = ["contig", "transposed", "strided", "expanded"]


def mk(*specs, **kw):
    """maker from (shape, dtype, layout, seed) specs; None passes None."""
    def maker():
        return tuple(None if s is None else T(s[0], s[1], s[2] if len(s) > 2 else "contig", seed=s[3] if len(s) > 3 else i)
                     for i, s in enumerate(specs)), dict(kw)
    return maker


# ---- every dtype on one plain case per op (torch's refusals included) --------
BASIC = {
    "mm": [(5, 7), (7, 3)],
    "bmm": [(2, 5, 7), (2, 7, 3)],
    "matmul": [(2, 5, 7), (7, 3)],
    "addmm": [(5, 3), (5, 7), (7, 3)],
    "baddbmm": [(2, 5, 3), (2, 5, 7), (2, 7, 3)],
    "addmv": [(5,), (5, 7), (7,)],
    "addbmm": [(5, 3), (2, 5, 7), (2, 7, 3)],
    "addr": [(5, 3), (5,), (3,)],
    "mv": [(5, 7), (7,)],
    "dot": [(7,), (7,)],
    "linear": [(2, 5, 7), (3, 7), (3,)],
}
for op, shapes in BASIC.items():
    for dt in DTYPES:
        C.add(op, "basic-%s" % dname(dt), mk(*[(s, dt) for s in shapes]))
    # mixed dtypes: torch refuses (expected both to be the same dtype)
    C.add(op, "mixed-dtypes", mk(*[(s, F32 if i else F64) for i, s in enumerate(shapes)]))
    # every layout of every operand (NaN/inf sit in the first elements of each)
    for lay in LAYOUTS[1:]:
        for j in range(len(shapes)):
            C.add(op, "%s-arg%d" % (lay, j), mk(*[(s, F32, lay if i == j else "contig") for i, s in enumerate(shapes)]))
    for dt in (F64, F16):
        C.add(op, "transposed-all-%s" % dname(dt), mk(*[(s, dt, "transposed") for s in shapes]))

# ---- mm / bmm: shapes ---------------------------------------------------------
for a, b in [((1, 1), (1, 1)), ((1, 7), (7, 1)), ((5, 0), (0, 3)), ((0, 7), (7, 3)), ((5, 7), (7, 0)),
             ((13, 11), (11, 17)), ((5, 7), (6, 3)), ((5,), (5, 3)), ((2, 5, 7), (7, 3))]:
    C.add("mm", "shape-%s-%s" % (a, b), mk((a, F32), (b, F32)))
for a, b in [((1, 5, 7), (1, 7, 3)), ((0, 5, 7), (0, 7, 3)), ((3, 0, 7), (3, 7, 2)), ((3, 5, 0), (3, 0, 2)),
             ((3, 5, 7), (2, 7, 3)), ((3, 5, 7), (3, 6, 3)), ((5, 7), (7, 3)), ((2, 1, 5, 7), (2, 1, 7, 3))]:
    C.add("bmm", "shape-%s-%s" % (a, b), mk((a, F32), (b, F32)))
    C.add("bmm", "shape-%s-%s-int64" % (a, b), mk((a, I64), (b, I64)))

# ---- matmul: every rank combination, broadcast batches -----------------------
MATMUL = [((7,), (7,)), ((7,), (7, 3)), ((5, 7), (7,)), ((5, 7), (7, 3)), ((2, 5, 7), (7,)), ((7,), (2, 7, 3)),
          ((2, 5, 7), (7, 3)), ((5, 7), (2, 7, 3)), ((2, 5, 7), (2, 7, 3)), ((2, 1, 5, 7), (3, 7, 4)),
          ((3, 1, 5, 7), (1, 4, 7, 2)), ((1, 5, 7), (4, 7, 1)), ((2, 3, 5, 7), (7,)), ((7,), (2, 3, 7, 4)),
          ((0, 5, 7), (7, 3)), ((2, 5, 0), (0, 3)), ((0,), (0,)), ((5, 7), (6,)), ((2, 5, 7), (3, 7, 2)), ((), (7,)),
          ((1, 1), (1, 1)), ((2, 1, 7), (7, 1))]
for a, b in MATMUL:
    C.add("matmul", "ranks-%s-%s" % (a, b), mk((a, F32), (b, F32)))
    C.add("matmul", "ranks-%s-%s-f64-transposed" % (a, b), mk((a, F64, "transposed"), (b, F64, "transposed")))
    C.add("matmul", "ranks-%s-%s-strided-expanded" % (a, b), mk((a, F32, "strided"), (b, F32, "expanded")))
    C.add("matmul", "ranks-%s-%s-int32" % (a, b), mk((a, I32), (b, I32)))

# ---- addmm / baddbmm / addmv: broadcast self, beta, alpha ---------------------
SCALARS = [{}, {"beta": 0}, {"beta": 0.5, "alpha": 2}, {"alpha": 0}, {"beta": 2, "alpha": -1.5}, {"beta": 0, "alpha": 0}]
for self_shape in [(5, 3), (3,), (1, 3), (5, 1), (), (1, 1), (4,), (5, 4)]:
    for kw in SCALARS:
        C.add("addmm", "self%s-%r" % (self_shape, kw), mk((self_shape, F32), ((5, 7), F32), ((7, 3), F32), **kw))
for kw in SCALARS:
    C.add("addmm", "int64-%r" % kw, mk(((5, 3), I64), ((5, 7), I64), ((7, 3), I64), **kw))
    C.add("addmm", "f64-%r" % kw, mk(((5, 3), F64), ((5, 7), F64, "transposed"), ((7, 3), F64), **kw))
    C.add("addmm", "empty-k-%r" % kw, mk(((5, 3), F32), ((5, 0), F32), ((0, 3), F32), **kw))
C.add("addmm", "int-float-beta", mk(((5, 3), I64), ((5, 7), I64), ((7, 3), I64), beta=0.5))
C.add("addmm", "bad-k", mk(((5, 3), F32), ((5, 7), F32), ((6, 3), F32)))
C.add("addmm", "1d-mat", mk(((5, 3), F32), ((7,), F32), ((7, 3), F32)))
for self_shape in [(2, 5, 3), (5, 3), (3,), (1, 5, 1), (), (2, 1, 3), (3, 5, 3)]:
    for kw in SCALARS:
        C.add("baddbmm", "self%s-%r" % (self_shape, kw),
              mk((self_shape, F32), ((2, 5, 7), F32), ((2, 7, 3), F32), **kw))
for kw in SCALARS:
    C.add("baddbmm", "f64-%r" % kw, mk(((2, 5, 3), F64, "strided"), ((2, 5, 7), F64), ((2, 7, 3), F64, "transposed"), **kw))
    C.add("baddbmm", "empty-%r" % kw, mk(((0, 5, 3), F32), ((0, 5, 7), F32), ((0, 7, 3), F32), **kw))
    C.add("baddbmm", "empty-k-%r" % kw, mk(((2, 5, 3), F32), ((2, 5, 0), F32), ((2, 0, 3), F32), **kw))
C.add("baddbmm", "bad-batch", mk(((2, 5, 3), F32), ((2, 5, 7), F32), ((3, 7, 3), F32)))
for self_shape in [(5,), (1,), (), (4,)]:
    for kw in SCALARS:
        C.add("addmv", "self%s-%r" % (self_shape, kw), mk((self_shape, F32), ((5, 7), F32), ((7,), F32), **kw))
for kw in SCALARS:
    C.add("addmv", "f64-%r" % kw, mk(((5,), F64), ((5, 7), F64, "transposed"), ((7,), F64, "strided"), **kw))
    C.add("addmv", "empty-k-%r" % kw, mk(((5,), F32), ((5, 0), F32), ((0,), F32), **kw))
    C.add("addmv", "int16-%r" % kw, mk(((5,), I16), ((5, 7), I16), ((7,), I16), **kw))

# addbmm: a sum over batches (alpha == 0 skips it, beta == 0 ignores self);
# addr: elementwise, so alpha == 0 still gives NaN for a NaN in vec1/vec2 (as torch)
for self_shape in [(5, 3), (3,), (1, 3), (5, 1), (), (4,)]:
    for kw in SCALARS:
        C.add("addbmm", "self%s-%r" % (self_shape, kw), mk((self_shape, F32), ((2, 5, 7), F32), ((2, 7, 3), F32), **kw))
        C.add("addr", "self%s-%r" % (self_shape, kw), mk((self_shape, F32), ((5,), F32), ((3,), F32), **kw))
for kw in SCALARS:
    C.add("addbmm", "f64-%r" % kw, mk(((5, 3), F64, "strided"), ((2, 5, 7), F64, "transposed"), ((2, 7, 3), F64), **kw))
    C.add("addbmm", "empty-batch-%r" % kw, mk(((5, 3), F32), ((0, 5, 7), F32), ((0, 7, 3), F32), **kw))
    C.add("addbmm", "empty-k-%r" % kw, mk(((5, 3), F32), ((2, 5, 0), F32), ((2, 0, 3), F32), **kw))
    C.add("addbmm", "int64-%r" % kw, mk(((5, 3), I64), ((2, 5, 7), I64), ((2, 7, 3), I64), **kw))
    C.add("addbmm", "expanded-%r" % kw, mk(((5, 3), F32, "expanded"), ((2, 5, 7), F32, "expanded"),
                                           ((2, 7, 3), F32, "strided"), **kw))
    C.add("addr", "f64-%r" % kw, mk(((5, 3), F64, "transposed"), ((5,), F64, "strided"), ((3,), F64), **kw))
    C.add("addr", "f16-%r" % kw, mk(((5, 3), F16), ((5,), F16), ((3,), F16), **kw))
    C.add("addr", "empty-%r" % kw, mk(((0, 3), F32), ((0,), F32), ((3,), F32), **kw))
    C.add("addr", "expanded-%r" % kw, mk(((5, 3), F32, "expanded"), ((5,), F32, "expanded"), ((3,), F32), **kw))
for kw in [{}, {"beta": 0}, {"alpha": 0}, {"beta": 2, "alpha": -3}, {"beta": 0.5}, {"alpha": 1.5}]:
    C.add("addr", "int64-%r" % kw, mk(((5, 3), I64), ((5,), I64), ((3,), I64), **kw))
    C.add("addr", "int8-%r" % kw, mk(((5, 3), torch.int8), ((5,), torch.int8), ((3,), torch.int8), **kw))
for kw in [{}, {"beta": False}, {"alpha": False}, {"beta": False, "alpha": True}, {"beta": 2}, {"beta": 0.5}]:
    C.add("addr", "bool-%r" % kw, mk(((5, 3), torch.bool), ((5,), torch.bool), ((3,), torch.bool), **kw))
C.add("addbmm", "bad-batch", mk(((5, 3), F32), ((2, 5, 7), F32), ((3, 7, 3), F32)))
C.add("addbmm", "bad-k", mk(((5, 3), F32), ((2, 5, 7), F32), ((2, 6, 3), F32)))
C.add("addbmm", "2d-batch", mk(((5, 3), F32), ((5, 7), F32), ((2, 7, 3), F32)))
C.add("addbmm", "bad-self", mk(((4, 3), F32), ((2, 5, 7), F32), ((2, 7, 3), F32)))
C.add("addr", "2d-vec", mk(((5, 3), F32), ((5, 1), F32), ((3,), F32)))
C.add("addr", "bad-self", mk(((4, 3), F32), ((5,), F32), ((3,), F32)))

# ---- mv / dot: shapes and mismatches ------------------------------------------
for a, b in [((1, 1), (1,)), ((0, 7), (7,)), ((5, 0), (0,)), ((5, 7), (6,)), ((5, 7), (7, 1)), ((7,), (7,))]:
    C.add("mv", "shape-%s-%s" % (a, b), mk((a, F32), (b, F32)))
for a, b in [((1,), (1,)), ((0,), (0,)), ((7,), (6,)), ((7, 1), (7,)), ((), ())]:
    C.add("dot", "shape-%s-%s" % (a, b), mk((a, F32), (b, F32)))

# ---- linear: leading dims, bias, 1-D weight -----------------------------------
for x in [(7,), (5, 7), (2, 5, 7), (2, 3, 5, 7), (0, 7), (2, 0, 7), (1, 1, 7)]:
    for w, b in [((3, 7), (3,)), ((3, 7), None), ((1, 7), (1,)), ((7,), None), ((7,), ()), ((3, 7), (1,)),
                 ((7,), (1,)), ((3, 7), (1, 3)), ((7,), (3,)), ((3, 7), (1, 1, 3))]:
        for lay in ("contig", "strided"):
            C.add("linear", "x%s-%s-w%s-b%s" % (x, lay, w, b),
                  mk((x, F32, lay), (w, F32), None if b is None else (b, F32)))
    C.add("linear", "x%s-f64-transposed" % (x,), mk((x, F64, "transposed"), ((3, 7), F64, "transposed"), ((3,), F64)))
C.add("linear", "bad-in", mk(((5, 7), F32), ((3, 6), F32), ((3,), F32)))
C.add("linear", "bad-bias", mk(((5, 7), F32), ((3, 7), F32), ((4,), F32)))


# ---- large K: long reductions, judged by their rounding-error bound ----------
# A float32 dot product of K terms, summed in any order, is off the exact value
# by about lambda*sqrt(K)*u*sum|a_k*b_k| (Higham & Mary's probabilistic bound;
# u = 2^-24, lambda = 5 makes a failure by chance negligible over millions of
# elements).  OpenBLAS's kernels (Haswell, SkylakeX, Zen, ... picked at run time
# or forced with OPENBLAS_CORETYPE) and torch's BLAS sum in different orders, so
# the two engines may differ by twice that bound, element by element, and by no
# more.  Measured here (AMD EPYC, OpenBLAS 0.3.21 forced to Haswell, SkylakeX,
# Sandybridge, Prescott): the largest difference uses 0.1-0.6 % of the bound,
# though under SkylakeX pyts's error against the float64 product is 13x torch's
# at K=4099 (5.9e-4): legitimate rounding of that kernel's summation order, not
# a bug.  A wrong product (a dropped, doubled or misplaced term, a wrong
# transpose) is off by ~|a_k*b_k| ~ 1 per term, above the bound (~0.1 at
# K=4099 for these |x| <= 3, |w| <= 1 inputs).  The bound grows with the
# reduction length as the error does; no machine's rounding is written into it.
U32, LAMBDA = 2.0 ** -24, 5.0


def long_reduction_cases():
    def x(K):
        return T((4, 3, K), F32, seed=1, special=False)
    return {  # case: (op, K, maker)
        "matmul-4099": ("aten::matmul", 4099, lambda: (x(4099), W((4099, 33)))),
        "linear-4099": ("aten::linear", 4099, lambda: (x(4099), W((33, 4099)), W((33,)))),
        "mm-1000": ("aten::mm", 1000, lambda: (x(1000)[0], W((1000, 33)))),
        "bmm-1000": ("aten::bmm", 1000, lambda: (x(1000), W((4, 1000, 33)))),
        "addmm-4099": ("aten::addmm", 4099, lambda: (W((3, 33)), x(4099)[0], W((4099, 33)))),
        "addmm-beta-alpha-4099": ("aten::addmm", 4099, lambda: (W((3, 33)), x(4099)[0], W((4099, 33)), {"beta": 0.5, "alpha": 2.0})),
        "matmul-20000": ("aten::matmul", 20000, lambda: (x(20000)[:, :1], W((20000, 9)))),
        # float32 products of >= 4e5 multiply-adds with M, N >= 16 and K <= 4096 run on pyts's
        # AVX-512 micro-kernel where the CPU has it (ops/nn/gemm_uk.c): rows and columns not
        # multiples of its 8 x 32 block, K across its 256-term reduction chunks, every transpose
        "linear-uk-1000": ("aten::linear", 1000, lambda: (T((3, 23, 1000), F32, seed=1, special=False), W((70, 1000)),
                                                          W((70,)))),
        "mm-uk-tt-513": ("aten::mm", 513, lambda: (T((513, 41), F32, seed=1, special=False).T, W((67, 513)).T)),
        "mm-uk-nn-4096": ("aten::mm", 4096, lambda: (T((17, 4096), F32, seed=1, special=False), W((4096, 33)))),
        "addmm-uk-beta-alpha-300": ("aten::addmm", 300, lambda: (W((1, 130)), T((77, 300), F32, seed=1, special=False),
                                                                  W((130, 300)).T, {"beta": 0.5, "alpha": 2.0})),
        "mm-uk-transposed-300": ("aten::mm", 300, lambda: (T((45, 300), F32, "transposed", seed=1, special=False),
                                                            W((300, 37), F32, layout="transposed"))),
        "mm-uk-strided-300": ("aten::mm", 300, lambda: (T((45, 300), F32, "strided", seed=1, special=False),
                                                         W((300, 37), F32, layout="strided"))),
    }


def abs_product(op, args, kw):
    """sum_k |a_k * b_k| for every output element, in float64 (plus |beta*self|
    and |bias|, which add one rounding each)."""
    t = [a.double().abs() if isinstance(a, torch.Tensor) else abs(a) for a in args]
    if op == "aten::linear":
        return torch.matmul(t[0], t[1].T) + t[2]
    if op == "aten::addmm":
        return abs(kw.get("beta", 1)) * t[0] + abs(kw.get("alpha", 1)) * torch.mm(t[1], t[2])
    return torch.matmul(t[0], t[1])


@pytest.mark.parametrize("case", sorted(long_reduction_cases()))
def test_linalg_long_reduction(case):
    op, K, maker = long_reduction_cases()[case]
    args = maker()
    kw = args[-1] if isinstance(args[-1], dict) else {}
    args = args[:-1] if kw else args
    exp = torch_op(op)(*args, **kw)
    got = torch.from_numpy(_C.call_op(op, *[to_pyts(a) for a in args], **kw))
    assert got.shape == exp.shape and got.dtype == exp.dtype
    bound = 2 * LAMBDA * (K ** 0.5) * U32 * abs_product(op, args, kw)
    diff = (got.double() - exp.double()).abs()
    ratio = (diff / bound).max().item()
    worst = int((diff / bound).argmax())
    assert ratio <= 1.0, "%s: |pyts - torch| reaches %.3g of the rounding bound (K=%d): element %d differs by %.3g, bound %.3g" % (
        case, ratio, K, worst, diff.view(-1)[worst].item(), bound.view(-1)[worst].item())


@pytest.mark.parametrize("op", ["linear", "addmm-beta0"])
def test_linalg_uk_special(op):
    """The micro-kernel path (ops/nn/gemm_uk.c) with NaN / inf in the input (and, for addmm with
    beta=0, in self, which torch ignores): NaN and +-inf where torch has them, the finite elements
    within the rounding bound of test_linalg_long_reduction."""
    K = 300
    x = T((2, 33, K), F32, seed=1)  # NaN, inf, -inf in row 0
    if op == "linear":
        name, args, kw = "aten::linear", (x, W((40, K)), W((40,))), {}
    else:
        name, args, kw = "aten::addmm", (T((66, 40), F32, seed=2), x.reshape(66, K), W((K, 40))), {"beta": 0.0}
    exp = torch_op(name)(*args, **kw)
    got = torch.from_numpy(_C.call_op(name, *[to_pyts(a) for a in args], **kw))
    assert got.shape == exp.shape
    assert torch.equal(torch.isnan(got), torch.isnan(exp)) and torch.equal(torch.isposinf(got), torch.isposinf(exp))
    assert torch.equal(torch.isneginf(got), torch.isneginf(exp))
    fin = torch.isfinite(exp)
    assert int(fin.sum()) > 0.9 * exp.numel()
    xs = x.reshape(-1, K).double().abs()
    wt = args[1].double().abs().T if op == "linear" else args[2].double().abs()
    bound = 2 * LAMBDA * (K ** 0.5) * U32 * (xs @ wt + (args[2].double().abs() if op == "linear" else 0))
    diff = (got.double() - exp.double()).abs().reshape(bound.shape)
    assert bool((diff[fin.reshape(bound.shape)] <= bound[fin.reshape(bound.shape)]).all())


# big M/N (split over the pool), float64 and float16 too
for dt in (F32, F64, F16):
    C.add("mm", "big-mn-%s" % dname(dt), lambda dt=dt: ((T((257, 19), dt, seed=1), W((19, 131), dt)), {}))
    C.add("linear", "big-batch-%s" % dname(dt),
          lambda dt=dt: ((T((2, 129, 19), dt, seed=1), W((67, 19), dt), W((67,), dt)), {}))


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_linalg(op, maker, kw):
    check(op, maker, **kw)


def test_all_ops_have_cases():
    assert_table_covers(C, LINALG)
