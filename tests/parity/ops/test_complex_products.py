"""Parity of the complex (complex64, complex128) paths of the products,
convolutions, distances and losses: csrc/ops/linalg/matmul.c (mm, bmm,
matmul, addmm/addbmm/baddbmm/addmv/addr with complex alpha and beta, mv,
dot, linear), products.c (trace, outer, kron, cross, linalg_cross,
tensordot, dist, pairwise_distance), einsum.c, nn/conv_complex.c (every
convolution entry point), nn/loss.c (l1_loss) and reduce/stats.c (cov,
corrcoef, linalg_vecdot), on contiguous, transposed, strided, broadcast and
empty operands; and torch's refusals of complex (cdist, cosine_similarity,
mse_loss, mixed complex/real convolutions).

Tolerances are derived from each op's rounding error bound
(/work/shared/reference/rounding-bounds.md), computed from the inputs of the
case itself, never tuned: with u the unit roundoff of the real dtype (2^-24
for complex64, 2^-53 for complex128), a complex product is within sqrt(5) u
|x| |y| of the exact one per part (Brent, Percival, Zimmermann 2007) and a
sum of K complex products within (K + sqrt(5)) u sum |x_i| |y_i| (worst case,
any order); two engines each within a bound differ by at most twice it.
So a product-like result is allowed 2 (K + 3) u S + tiny, S = |A| @ |B| the
product of the moduli (computed in float64).  A convolution (torch's three
real convolutions, Gauss's trick: re = a - b, im = c - a - b) is allowed
2 (3 (K + 1) + 2) u S per part with S = conv(|xr| + |xi|, |Wr| + |Wi|) + |b|,
K = C_in / groups * kernel taps (each of a, b, c is within (K + 1) u S).
Where pyts claims torch's exact arithmetic (ATen's plain loops: small bmm /
baddbmm, matrix-vector products) the test asserts bit equality."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import pyts
from optest import COMPLEX_DTYPES, covered, make_complex, to_pyts
from pyts import _C

COVERED = covered("mm", "bmm", "matmul", "vdot", "conj", "addmm", "addbmm", "baddbmm", "addmv", "addr", "mv", "dot", "linear",
                  "trace", "outer", "kron", "cross", "linalg_cross", "tensordot", "einsum", "dist",
                  "pairwise_distance", "l1_loss", "conv1d", "conv2d", "conv3d", "conv2d.padding", "conv_transpose1d",
                  "conv_transpose2d.input", "conv_transpose3d.input", "convolution", "_convolution", "cov", "corrcoef",
                  "linalg_vecdot", "triplet_margin_loss", "diff", "count_nonzero", "count_nonzero.dim_IntList")


def unit(dt):
    return 2.0 ** -24 if dt in (torch.complex64, torch.float32) else 2.0 ** -53


def tiny(dt):
    return 1e-30 if dt in (torch.complex64, torch.float32) else 1e-300


def cx(shape, dt, layout="contig", seed=0):
    """Complex operand without NaN / inf (their propagation through BLAS is checked elsewhere)."""
    return make_complex(shape, dt, layout, seed=seed, special=False)


def run(name, args, kwargs=None):
    kwargs = kwargs or {}
    ns, rest = name.split("::")
    base, _, ov = rest.partition(".")
    exp = getattr(getattr(torch.ops, ns), base)
    exp = getattr(exp, ov or "default")(*args, **kwargs)
    got = _C.call_op(name, *[to_pyts(a) for a in args], **{k: to_pyts(v) for k, v in kwargs.items()})
    return exp, np.asarray(got)


def assert_within(name, exp, got, bound, what=""):
    """|pyts - torch| <= bound elementwise, per real / imaginary part; same shape and dtype."""
    label = "%s %s" % (name, what)
    e = exp.numpy() if isinstance(exp, torch.Tensor) else np.asarray(exp)
    assert got.shape == e.shape, "%s: shape %s, torch %s" % (label, got.shape, e.shape)
    assert got.dtype == e.dtype, "%s: dtype %s, torch %s" % (label, got.dtype, e.dtype)
    if e.size == 0:
        return
    b = np.broadcast_to(np.asarray(bound, dtype=np.float64), e.shape)
    for part in (np.real, np.imag):
        pe, pg = part(e).astype(np.float64), part(got).astype(np.float64)
        assert np.array_equal(np.isnan(pe), np.isnan(pg)), "%s: NaN at other places" % label
        fin = np.isfinite(pe)
        assert np.array_equal(pe[~fin & ~np.isnan(pe)], pg[~fin & ~np.isnan(pe)]), "%s: inf differs" % label
        err = np.abs(pe - pg)[fin]
        over = err > b[fin]
        assert not over.any(), "%s: difference %g above its bound %g (%d elements)" % (
            label, err[over].max(), b[fin][over][np.argmax(err[over])], over.sum())


def assert_exact(name, exp, got, what=""):
    e, got = np.ascontiguousarray(exp.numpy()), np.ascontiguousarray(got)
    assert got.dtype == e.dtype and got.shape == e.shape, "%s %s" % (name, what)
    assert np.array_equal(e.view(np.float32 if e.dtype == np.complex64 else np.float64),
                          got.view(np.float32 if got.dtype == np.complex64 else np.float64), equal_nan=True), \
        "%s %s: not bit-equal to torch (max diff %g)" % (name, what, np.abs(e - got).max())


def prod_bound(dt, k, s):
    """2 (K + 3) u S: two engines, each a K-term complex dot product."""
    return 2 * (k + 3) * unit(dt) * s + tiny(dt)


def mag(t):
    return t.abs().to(torch.float64)


# ---- matrix products --------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_mm_matmul_layouts(dt):
    for la in ("contig", "transposed", "strided"):
        for lb in ("contig", "transposed"):
            for m, k, n in ((7, 5, 6), (1, 9, 4), (33, 40, 17)):
                a, b = cx((m, k), dt, la, 1), cx((k, n), dt, lb, 2)
                exp, got = run("aten::mm", (a, b))
                assert_within("mm", exp, got, prod_bound(dt, k, (mag(a) @ mag(b)).numpy()), "%s %s %s" % (la, lb, (m, k, n)))
    # matmul: broadcast batch dims, 1-D operands, folded N-D @ 2-D
    for sa, sb in (((2, 1, 4, 5), (3, 5, 6)), ((5,), (2, 5, 3)), ((2, 3, 4, 5), (5,)), ((4, 3, 5), (5, 2)),
                   ((3,), (3,)), ((0, 4, 5), (5, 2)), ((4, 0), (0, 3))):
        a, b = cx(sa, dt, seed=3), cx(sb, dt, seed=4)
        exp, got = run("aten::matmul", (a, b))
        s = torch.matmul(mag(a), mag(b)).numpy()
        assert_within("matmul", exp, got, prod_bound(dt, sa[-1], s), "%s @ %s" % (sa, sb))


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_small_bmm_and_mv_bit_equal(dt):
    # ATen's plain loops (bmm/baddbmm with K*M*N < 400 per matrix, gemv): pyts repeats them exactly
    for la in ("contig", "transposed"):
        a, b = cx((4, 5, 6), dt, la, 5), cx((4, 6, 3), dt, seed=6)
        exp, got = run("aten::bmm", (a, b))
        assert_exact("bmm", exp, got, la)
        c = cx((4, 5, 3), dt, seed=7)
        exp, got = run("aten::baddbmm", (c, a, b), {"beta": 0.5 - 2j, "alpha": 1.5 + 0.25j})
        assert_exact("baddbmm", exp, got, la)
        m, v = cx((37, 11), dt, la, 8), cx((11,), dt, "strided", 9)
        exp, got = run("aten::mv", (m, v))
        assert_exact("mv", exp, got, la)
    # matmul of a matrix with a batch (not folded by torch: bmm), as the OpInfo sample that mismatched
    a, b = cx((5, 10), dt, seed=10), cx((5, 10, 5), dt, seed=11)
    exp, got = run("aten::matmul", (a, b))
    assert_exact("matmul", exp, got, "[5,10] @ [5,10,5]")


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_add_products_complex_scalars(dt):
    u = unit(dt)
    for beta, alpha in ((1, 1), (1 + 2j, 2 + 3j), (0, 0.5j), (-1j, 0)):
        sb, sa = abs(beta), abs(alpha)
        # addmm: self broadcast from a row; beta == 0 ignores self (NaN there must not reach the result)
        self_, m1, m2 = cx((1, 6), dt, seed=1), cx((9, 7), dt, "transposed", 2), cx((7, 6), dt, seed=3)
        if beta == 0:
            self_[0, 0] = complex(float("nan"), 0)
        exp, got = run("aten::addmm", (self_, m1, m2), {"beta": beta, "alpha": alpha})
        s = sa * (mag(m1) @ mag(m2)) + sb * mag(self_)
        assert_within("addmm", exp, got, 2 * (7 + 6) * u * s.numpy() + tiny(dt), str((beta, alpha)))
        # addmv, addbmm and a baddbmm big enough for BLAS
        v, sv = cx((7,), dt, seed=4), cx((9,), dt, seed=5)
        exp, got = run("aten::addmv", (sv, m1, v), {"beta": beta, "alpha": alpha})
        s = sa * (mag(m1) @ mag(v)) + sb * mag(sv)
        assert_within("addmv", exp, got, 2 * (7 + 6) * u * s.numpy() + tiny(dt), str((beta, alpha)))
        b1, b2, s3 = cx((3, 9, 8), dt, seed=6), cx((3, 8, 10), dt, "strided", 7), cx((9, 10), dt, seed=8)
        exp, got = run("aten::addbmm", (s3, b1, b2), {"beta": beta, "alpha": alpha})
        s = sa * torch.einsum("bik,bkj->ij", mag(b1), mag(b2)) + sb * mag(s3)
        assert_within("addbmm", exp, got, 2 * (24 + 6) * u * s.numpy() + tiny(dt), str((beta, alpha)))
        s3b = cx((10,), dt, seed=9)
        exp, got = run("aten::baddbmm", (s3b, b1, b2), {"beta": beta, "alpha": alpha})
        s = sa * torch.bmm(mag(b1), mag(b2)) + sb * mag(s3b)
        assert_within("baddbmm", exp, got, 2 * (8 + 6) * u * s.numpy() + tiny(dt), str((beta, alpha)))
        # addr: elementwise (alpha * x) * y + beta * self
        x, y, sr = cx((5,), dt, seed=10), cx((4,), dt, "strided", 11), cx((5, 1), dt, seed=12)
        exp, got = run("aten::addr", (sr, x, y), {"beta": beta, "alpha": alpha})
        s = sa * torch.outer(mag(x), mag(y)) + sb * mag(sr)
        assert_within("addr", exp, got, 2 * 8 * u * s.numpy() + tiny(dt), str((beta, alpha)))
    # empty: K == 0 gives beta * self, M == 0 an empty result
    self_, m1, m2 = cx((3, 4), dt, seed=13), cx((3, 0), dt), cx((0, 4), dt)
    exp, got = run("aten::addmm", (self_, m1, m2), {"beta": 2 - 1j, "alpha": 3j})
    assert_within("addmm", exp, got, 4 * u * 3 * mag(self_).numpy() + tiny(dt), "K = 0")
    exp, got = run("aten::addr", (cx((0, 4), dt), cx((0,), dt), cx((4,), dt)))
    assert_within("addr", exp, got, 0.0, "empty")


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_linear_dot(dt):
    x, w, b = cx((2, 3, 5), dt, seed=1), cx((4, 5), dt, "transposed", 2), cx((4,), dt, seed=3)
    for args in ((x, w, b), (x, w), (x[0, 0], w, b), (x.transpose(0, 1), w, None)):
        exp, got = run("aten::linear", args)
        s = torch.matmul(mag(args[0]), mag(args[1]).t()) + (mag(args[2]) if len(args) > 2 and args[2] is not None else 0)
        assert_within("linear", exp, got, prod_bound(dt, 5, s.numpy()), str(len(args)))
    a, c = cx((13,), dt, "strided", 4), cx((13,), dt, seed=5)
    exp, got = run("aten::dot", (a, c))
    assert_within("dot", exp, got, prod_bound(dt, 13, float(mag(a) @ mag(c))))
    exp, got = run("aten::vdot", (a, c))
    assert_within("vdot", exp, got, prod_bound(dt, 13, float(mag(a) @ mag(c))))


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_conjugated_operands(dt):
    # torch's conj is a lazy view (the conj bit) that mm / matmul / addmm read as conjugated;
    # pyts materializes aten::conj: the products of conjugated operands must agree
    a, b, c = cx((6, 5), dt, "transposed", 1), cx((5, 4), dt, seed=2), cx((6, 4), dt, seed=3)
    pa = np.asarray(_C.call_op("aten::conj", a.numpy()))
    pb = np.asarray(_C.call_op("aten::conj", b.numpy()))
    s = (mag(a) @ mag(b)).numpy()
    for name, targs, pargs in (("aten::mm", (a.conj(), b), (pa, b.numpy())),
                               ("aten::matmul", (a, b.conj()), (a.numpy(), pb)),
                               ("aten::addmm", (c, a.conj(), b.conj()), (c.numpy(), pa, pb))):
        exp = getattr(torch.ops.aten, name.split("::")[1]).default(*targs, beta=1, alpha=1) if name == "aten::addmm" \
            else getattr(torch.ops.aten, name.split("::")[1]).default(*targs)
        got = np.asarray(_C.call_op(name, *pargs))
        extra = mag(c).numpy() if name == "aten::addmm" else 0
        assert_within(name, exp, got, prod_bound(dt, 5, s + extra), "conjugated")


# ---- elementwise products and reductions (products.c, einsum.c) ---------------------------------------


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_outer_kron_cross(dt):
    u = unit(dt)
    elem = 2 * (math.sqrt(5) + 1) * u  # one complex product (and one add) per element, two engines
    for sa, sb, la in (((5,), (7,), "strided"), ((0,), (3,), "contig"), ((1,), (4,), "contig")):
        a, b = cx(sa, dt, la, 1), cx(sb, dt, seed=2)
        exp, got = run("aten::outer", (a, b))
        assert_within("outer", exp, got, elem * torch.outer(mag(a), mag(b)).numpy() + tiny(dt), str(sa))
    for sa, sb in (((2, 3), (4, 1, 2)), ((3,), (2, 2)), ((0, 2), (2, 3))):
        a, b = cx(sa, dt, "strided", 3), cx(sb, dt, seed=4)  # (torch's kron refuses some transposed operands)
        exp, got = run("aten::kron", (a, b))
        assert_within("kron", exp, got, elem * torch.kron(mag(a), mag(b)).numpy() + tiny(dt), str((sa, sb)))
    for sa, sb, dim in (((5, 3), (5, 3), -1), ((3, 4), (3, 1), 0), ((2, 3, 2), (1, 3, 2), 1), ((0, 3), (0, 3), 1)):
        a, b = cx(sa, dt, seed=5), cx(sb, dt, seed=6)
        # each component is x_j y_k - x_k y_j: two products and a difference, bounded by the
        # sums of the moduli along the dim
        s = (mag(a).sum(dim, keepdim=True) * mag(b).sum(dim, keepdim=True)).expand(
            torch.broadcast_shapes(sa, sb)).numpy()
        exp, got = run("aten::linalg_cross", (a, b), {"dim": dim})
        assert_within("linalg_cross", exp, got, 2 * elem * s + tiny(dt), str((sa, sb)))
        if sa == sb:
            exp, got = run("aten::cross", (a, b), {"dim": dim})
            assert_within("cross", exp, got, 2 * elem * s + tiny(dt), str((sa, sb)))


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_trace_tensordot_einsum(dt):
    for shape, la in (((5, 7), "transposed"), ((4, 4), "strided"), ((0, 3), "contig"), ((1, 6), "contig")):
        t = cx(shape, dt, la, 1)
        exp, got = run("aten::trace", (t,))
        n = min(shape)
        assert_within("trace", exp, got, prod_bound(dt, n, float(mag(t).diagonal().sum())), str(shape))
    a, b = cx((3, 4, 5), dt, "transposed", 2), cx((5, 4, 2), dt, seed=3)
    exp, got = run("aten::tensordot", (a, b, [1, 2], [1, 0]))
    s = torch.tensordot(mag(a), mag(b), ([1, 2], [1, 0])).numpy()
    assert_within("tensordot", exp, got, prod_bound(dt, 20, s))
    exp, got = run("aten::tensordot", (a, cx((0,), dt), [], []))
    assert_within("tensordot", exp, got, 0.0, "empty outer")
    for eq, shapes in (("ij,jk->ik", ((4, 5), (5, 3))), ("bij,bjk->bik", ((2, 3, 4), (2, 4, 5))), ("ii->i", ((4, 4),)),
                       ("i,i->", ((6,), (6,))), ("...j,j", ((2, 3, 4), (4,))), ("ij->", ((0, 3),))):
        ops = [cx(s, dt, seed=10 + i) for i, s in enumerate(shapes)]
        exp, got = run("aten::einsum", (eq, ops))
        s = torch.einsum(eq, [mag(o) for o in ops]).numpy()
        k = max(1, max(max(o.shape) if o.dim() else 1 for o in ops))
        assert_within("einsum", exp, got, prod_bound(dt, k, s), eq)


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_distances_and_l1_loss(dt):
    # the results are real: the norms of the moduli of the differences; each |z| and the sum of
    # n terms of them is within (n + 3) u of exact per engine (power sums: p * that)
    u = unit(dt)
    rdt = torch.float32 if dt == torch.complex64 else torch.float64
    a, b = cx((4, 5), dt, "transposed", 1), cx((5,), dt, seed=2)
    d = mag(a - b)
    for p in (2, 1, 0, 3.5, float("inf"), -float("inf")):
        exp, got = run("aten::dist", (a, b, p))
        assert exp.dtype == rdt
        fin = d.numel() if p not in (0, float("inf"), -float("inf")) else 1
        ref = float(torch.linalg.vector_norm(d, p)) if p != 0 else 0.0
        assert_within("dist", exp, got, 2 * (fin + 4) * max(1.0, abs(p)) * u * max(ref, 1.0) + tiny(dt), "p=%s" % p)
        exp, got = run("aten::pairwise_distance", (a, b), {"p": p, "keepdim": p == 1})
        ref = torch.linalg.vector_norm(d + 1e-6, p if p != 0 else 1, dim=-1, keepdim=p == 1).numpy()
        assert_within("pairwise_distance", exp, got,
                      2 * (5 + 4) * max(1.0, abs(p)) * u * np.maximum(ref, 1.0) + tiny(dt), "p=%s" % p)
    exp, got = run("aten::pairwise_distance", (cx((0, 3), dt), cx((0, 3), dt)))
    assert_within("pairwise_distance", exp, got, 0.0, "empty")
    for red in (0, 1, 2):
        x, y = cx((3, 1, 4), dt, "expanded", 3), cx((2, 4), dt, seed=4)
        exp, got = run("aten::l1_loss", (x, y, red))
        s = mag(x - y).sum().item() if red else mag(x - y).numpy()
        assert_within("l1_loss", exp, got, 2 * (24 + 4) * u * s + tiny(dt), "reduction %d" % red)
    x, y, z = cx((5, 6), dt, seed=5), cx((5, 6), dt, seed=6), cx((5, 6), dt, seed=7)
    exp, got = run("aten::triplet_margin_loss", (x, y, z), {"margin": 1e-6})
    bound = 2 * (6 + 4) * u * float(mag(x - y).sum() + mag(x - z).sum()) + tiny(dt)
    assert_within("triplet_margin_loss", exp, got, bound)


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_cov_corrcoef_vecdot(dt):
    u = unit(dt)
    x = cx((3, 7), dt, "transposed", 1)
    exp, got = run("aten::cov", (x,), {"correction": 1})
    xm = x - x.mean(1, keepdim=True)
    s = (mag(xm) @ mag(xm).t() / 6).numpy() + (mag(x) @ mag(x).t() / 6).numpy()
    assert_within("cov", exp, got, 2 * (7 + 10) * u * s + tiny(dt))
    exp, got = run("aten::cov", (x[0],))
    assert_within("cov", exp, got, 2 * 17 * u * float(s[0, 0]) + tiny(dt), "one variable")
    # corrcoef: entries of modulus <= 1; their relative error grows with the cov's (times the
    # condition of the normalization, <= 3 divisions and a sqrt)
    exp, got = run("aten::corrcoef", (x,))
    assert_within("corrcoef", exp, got, 2 * (7 + 16) * u * 4 + tiny(dt))
    a, b = cx((4, 6), dt, "strided", 2), cx((6,), dt, seed=3)
    exp, got = run("aten::linalg_vecdot", (a, b))
    assert_within("linalg_vecdot", exp, got, prod_bound(dt, 6, (mag(a) @ mag(b)).numpy()))
    exp, got = run("aten::linalg_vecdot", (a, b.expand(4, 6)), {"dim": 0})
    assert_within("linalg_vecdot", exp, got, prod_bound(dt, 4, (mag(a) * mag(b)).sum(0).numpy()), "dim 0")


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_diff_count_nonzero(dt):
    # diff: differences of complex numbers, each part one correctly rounded subtraction per order in
    # both engines, so equal bit for bit (NaN / inf parts included)
    for shape, layout, kw in (((5, 7), "transposed", {"n": 1, "dim": -1}), ((4, 6), "strided", {"n": 3, "dim": 0}),
                              ((6,), "contig", {"n": 2, "dim": 0}), ((0, 3), "contig", {"n": 1, "dim": 1})):
        t = make_complex(shape, dt, layout, seed=1)
        exp, got = run("aten::diff", (t,), kw)
        assert_exact("diff", exp, got, "%s %s %s" % (shape, layout, kw))
    t = make_complex((3, 4), dt, seed=2)
    exp, got = run("aten::diff", (t, 1, 1, make_complex((3, 1), dt, seed=3), make_complex((3, 2), dt, seed=4)))
    assert_exact("diff", exp, got, "prepend / append")
    t = make_complex((4, 5), dt, "transposed", seed=5)
    t[0, 1] = complex(0, 2)  # nonzero: the imaginary part alone
    t[1, 2] = complex(-0.0, 0)
    t[2, :] = 0
    for args, name in (((t,), "aten::count_nonzero"), ((t, 0), "aten::count_nonzero"),
                       ((t, [0, 1]), "aten::count_nonzero.dim_IntList")):
        exp, got = run(name, args)
        assert_exact(name, exp, got) if exp.dtype != torch.int64 else np.testing.assert_array_equal(got, exp.numpy())


# ---- convolutions ---------------------------------------------------------------------------------------


def conv_bound(dt, fn, x, w, b, k, **kw):
    xs = (x.real.abs() + x.imag.abs()).to(torch.float64)
    ws = (w.real.abs() + w.imag.abs()).to(torch.float64)
    bs = None if b is None else mag(b) * 2
    s = fn(xs, ws, bs, **kw).numpy()
    return 2 * (3 * (k + 1) + 2) * unit(dt) * s + tiny(dt)


@pytest.mark.parametrize("dt", COMPLEX_DTYPES)
def test_convolutions(dt):
    # (torch function, aten op, input shape, weight shape, kwargs, K = C_in / groups * taps)
    cases = [
        (F.conv1d, "aten::conv1d", (2, 4, 9), (6, 2, 3), {"stride": [2], "padding": [1], "dilation": [1], "groups": 2}, 6),
        (F.conv2d, "aten::conv2d", (1, 3, 6, 5), (4, 3, 3, 2), {"stride": [1, 2], "padding": [2, 0], "dilation": [1, 1],
                                                               "groups": 1}, 18),
        (F.conv2d, "aten::conv2d", (6, 6, 5), (4, 3, 3, 3), {"stride": [1, 1], "padding": [1, 1], "dilation": [2, 1],
                                                            "groups": 2}, 27),
        (F.conv2d, "aten::conv2d.padding", (1, 2, 5, 5), (2, 2, 2, 3), {"stride": [1, 1], "padding": "same",
                                                                        "dilation": [1, 1], "groups": 1}, 12),
        (F.conv3d, "aten::conv3d", (1, 2, 4, 3, 4), (2, 2, 2, 2, 2), {"stride": [1, 1, 1], "padding": [1, 0, 1],
                                                                      "dilation": [1, 1, 1], "groups": 1}, 16),
        (F.conv_transpose1d, "aten::conv_transpose1d", (2, 4, 5), (4, 3, 3),
         {"stride": [2], "padding": [1], "output_padding": [1], "groups": 1, "dilation": [1]}, 4 * 3),
        (F.conv_transpose2d, "aten::conv_transpose2d.input", (1, 4, 3, 4), (4, 2, 2, 3),
         {"stride": [2, 1], "padding": [0, 1], "output_padding": [1, 0], "groups": 2, "dilation": [1, 1]}, 2 * 6),
        (F.conv_transpose3d, "aten::conv_transpose3d.input", (1, 2, 2, 3, 2), (2, 2, 2, 2, 2),
         {"stride": [2, 2, 2], "padding": [1, 1, 1], "output_padding": [1, 1, 1], "groups": 1,
          "dilation": [1, 1, 1]}, 2 * 8),
    ]
    for fn, name, xs, ws, kw, k in cases:
        for layout, bias in (("contig", True), ("transposed", False)):
            x, w = cx(xs, dt, layout, 1), cx(ws, dt, seed=2)
            b = cx((ws[1] * kw["groups"] if "transpose" in name else ws[0],), dt, seed=3) if bias else None
            exp, got = run(name, (x, w, b), kw)
            pkw = {kk: (vv[0] if isinstance(vv, list) and "1d" in name and kk != "padding" else vv)
                   for kk, vv in kw.items()}
            bound = conv_bound(dt, fn, x, w, b, k, **pkw)
            assert_within(name, exp, got, bound, "%s bias=%s" % (layout, bias))
    # an empty batch
    w, b = cx((3, 2, 3, 3), dt, seed=5), cx((3,), dt, seed=6)
    exp, got = run("aten::conv2d", (cx((0, 2, 5, 5), dt), w, b))
    assert_within("conv2d", exp, got, 0.0, "empty batch")


# ---- torch's refusals -------------------------------------------------------------------------------------


def refused(name, args, kwargs=None):
    kwargs = kwargs or {}
    with pytest.raises(Exception):
        run_torch = getattr(torch.ops.aten, name.split("::")[1].split(".")[0])
        ov = name.partition(".")[2] or "default"
        getattr(run_torch, ov)(*args, **kwargs)
    with pytest.raises(pyts.Error):
        _C.call_op(name, *[to_pyts(a) for a in args], **{k: to_pyts(v) for k, v in kwargs.items()})


def test_refusals():
    a, b = cx((3, 4), torch.complex64), cx((2, 4), torch.complex64)
    refused("aten::cdist", (a, b))
    refused("aten::cosine_similarity", (a, cx((3, 4), torch.complex64, seed=1)))
    refused("aten::mse_loss", (a, cx((3, 4), torch.complex64, seed=1)))
    # complex input with a real weight (and the other way round), mixed complex widths
    x = cx((1, 2, 4, 4), torch.complex64)
    refused("aten::conv2d", (x, torch.ones(2, 2, 3, 3)))
    refused("aten::conv2d", (x.real.contiguous(), cx((2, 2, 3, 3), torch.complex64)))
    refused("aten::conv2d", (x, cx((2, 2, 3, 3), torch.complex128)))
    refused("aten::mm", (a, cx((4, 2), torch.complex128)))
    # torch convolves complex only through conv1d/2d/3d and conv_transpose*: aten::convolution and
    # aten::_convolution refuse it (their CPU kernels have no complex dispatch)
    for nsp in (1, 2, 3):
        for tr in (False, True):
            xc, wc = cx((1, 2) + (4,) * nsp, torch.complex64), cx((2, 2) + (3,) * nsp, torch.complex64)
            refused("aten::convolution", (xc, wc, None, [1] * nsp, [0] * nsp, [1] * nsp, tr, [0] * nsp, 1))
            refused("aten::_convolution", (xc, wc, None, [1] * nsp, [0] * nsp, [1] * nsp, tr, [0] * nsp, 1, False,
                                           False, True, True))
    refused("aten::addmm", (cx((3, 2), torch.complex128), a, cx((4, 2), torch.complex64)))
