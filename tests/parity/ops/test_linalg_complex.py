"""Parity of the LAPACK families on complex64/complex128 (csrc/ops/linalg/lu.c,
cholesky.c, qr.c, spectral.c, matfn.c, norm.c through lapack.c's c/z routines)
against torch.ops.aten: empty, 1x1, 1xN and batched shapes, transposed and
strided inputs, broadcast batches, and torch's errors and `info` codes.

Tolerances are the rounding bounds of test_linalg_lapack.py (its docstring
derives them from each input's condition number kappa), with the complex unit
roundoff: a complex sum rounds each component once (relative error <= u), a
complex product x*y with torch's/BLAS's textbook formula has relative error
<= sqrt(2) gamma_2 (Higham, Accuracy and Stability, Lemma 3.5), so every
gamma_k of a real bound becomes gamma_k with u replaced by uc = sqrt(2) * 2u /
(1 - 2u) (the larger of the two), i.e. gamma_k(uc) = k uc / (1 - k uc).
Outputs that are exact (pivots, info codes, copies, permutation matrices) are
compared exactly; factors unique only up to a unit phase per column (singular
and eigen vectors, QR's columns) are compared through phase-free quantities:
|U^H U_torch| diagonal, the reconstruction of A, or the projector."""
import math

import numpy as np
import pytest
import torch

import pyts
from optest import torch_op, to_pyts
from pyts import _C

C64, C128 = torch.complex64, torch.complex128
DTS = [C64, C128]
U = {C64: 2.0 ** -24, C128: 2.0 ** -53}


def dname(dt):
    return str(dt).replace("torch.", "")


def uc(dt):
    u = U[dt]
    return math.sqrt(2) * 2 * u / (1 - 2 * u)


def gamma(k, dt):
    ku = k * uc(dt)
    return ku / (1 - ku)


# ---- inputs ------------------------------------------------------------------------------------

def mat(shape, dtype=C128, seed=0, layout="contig", kind="general"):
    """A [..., m, n] complex matrix batch from a seed: `general` (Gaussian real and imaginary
    parts), `hpd` (X X^H + n I), `upper`/`lower` (triangular with a dominant diagonal), `herm`
    (X + X^H); laid out contiguous, `transposed` (a .mT view) or `strided` (every other column)."""
    g = torch.Generator().manual_seed(seed)
    shape = tuple(shape)
    x = torch.complex(torch.randn(shape, generator=g, dtype=torch.float64),
                      torch.randn(shape, generator=g, dtype=torch.float64))
    n = shape[-1]
    if kind == "hpd":
        x = x @ x.mH + n * torch.eye(n, dtype=C128)
    elif kind == "herm":
        x = x + x.mH
    elif kind in ("upper", "lower"):
        x = 0.5 * x + (2 + n) * torch.eye(n, dtype=C128)
        x = x.triu() if kind == "upper" else x.tril()
    x = x.to(dtype)
    if layout == "transposed":
        return x.mT.contiguous().mT
    if layout == "strided":
        wide = torch.zeros(shape[:-1] + (2 * shape[-1],), dtype=dtype)
        wide[..., ::2] = x
        return wide[..., ::2]
    return x


def kappa(a):
    """Largest 2-norm condition number of the matrices of a (complex128; 1 when empty)."""
    a = a.detach().to(C128)
    if a.numel() == 0:
        return 1.0
    s = torch.linalg.svdvals(a)
    k = (s[..., 0] / s[..., -1]).max().item()
    return k if math.isfinite(k) else float("inf")


def amax(x):
    return x.detach().abs().max().item() if x.numel() else 0.0


def solve_tol(A, X, dt):
    """Two backward-stable solves of A (n x n) differ by <= 2 kappa gamma_{3n} ||X|| (elementwise,
    sqrt(n) turning the max-element norm into a 2-norm bound)."""
    n = max(A.shape[-1], 1)
    return 2 * kappa(A) * gamma(3 * n, dt) * math.sqrt(n) * amax(X)


# ---- calling both engines -------------------------------------------------------------------------

def both(name, *args, **kw):
    targs = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    try:
        exp = torch_op(name)(*targs, **kw)
    except Exception as e:  # noqa: BLE001 - torch refusing is a result
        exp = e
    try:
        got = _C.call_op(name, *[to_pyts(a) for a in args], **{k: to_pyts(v) for k, v in kw.items()})
    except pyts.Error as e:
        got = e
    return exp, got


def as_list(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def run_ok(name, *args, **kw):
    """Both succeed with the same shapes and dtypes: ([torch tensors], [torch tensors of pyts's])."""
    exp, got = both(name, *args, **kw)
    assert not isinstance(exp, Exception), "%s: torch raised %s" % (name, exp)
    assert not isinstance(got, Exception), "%s: pyts raised %s" % (name, got)
    exp = as_list(exp)
    got = [torch.from_numpy(np.array(np.asarray(g))) for g in as_list(got)]
    assert len(exp) == len(got), "%s: %d results, torch %d" % (name, len(got), len(exp))
    for i, (e, g) in enumerate(zip(exp, got)):
        assert tuple(g.shape) == tuple(e.shape), "%s result %d: shape %s, torch %s" % (name, i, g.shape, tuple(e.shape))
        assert g.dtype == e.dtype, "%s result %d: dtype %s, torch %s" % (name, i, g.dtype, e.dtype)
    return exp, got


def expect_error(name, *args, **kw):
    exp, got = both(name, *args, **kw)
    assert isinstance(exp, Exception), "%s: torch accepted the call" % name
    assert isinstance(got, Exception), "%s: torch raised %r, pyts returned a result" % (name, str(exp)[:200])
    first = str(exp).splitlines()[0]
    assert first in str(got), "%s: torch's message %r not in pyts's %r" % (name, first, str(got))


def agree(name, *args, **kw):
    """torch refuses and pyts too (torch's first line in pyts's message), or both give equal
    results (for the empty inputs this is used on: exact)."""
    exp, got = both(name, *args, **kw)
    if isinstance(exp, Exception):
        assert isinstance(got, Exception), "%s: torch raised %r, pyts returned a result" % (name, str(exp)[:200])
        first = str(exp).splitlines()[0]
        assert first in str(got), "%s: torch's message %r not in pyts's %r" % (name, first, str(got))
        return
    exp, got = run_ok(name, *args, **kw)
    for i, (g, e) in enumerate(zip(got, exp)):
        exact(g, e, "%s result %d" % (name, i))


def close(g, e, atol, what):
    """|pyts - torch| <= atol elementwise (complex modulus; NaN/inf positions equal)."""
    e = e.detach()
    g = g.detach()
    assert g.shape == e.shape, "%s: shape %s, torch %s" % (what, tuple(g.shape), tuple(e.shape))
    if e.numel() == 0:
        return
    e = e.to(torch.complex128) if e.is_complex() or e.is_floating_point() else e.double()
    g = g.to(e.dtype)
    nan = torch.isnan(e)
    assert torch.equal(torch.isnan(g), nan), "%s: NaN positions differ" % what
    inf = torch.isinf(e)
    assert torch.equal(g[inf], e[inf]), "%s: infinities differ" % what
    fin = ~nan & ~inf
    d = (g[fin] - e[fin]).abs()
    worst = d.max().item() if d.numel() else 0.0
    assert worst <= atol, "%s: max |pyts - torch| = %.3g > bound %.3g" % (what, worst, atol)


def exact(g, e, what):
    """Bit-equal values (NaN where torch has NaN)."""
    torch.testing.assert_close(g, e.detach(), rtol=0, atol=0, equal_nan=True, msg=lambda m: "%s: %s" % (what, m))


# ---- LU family: inverse, det, solve --------------------------------------------------------------------

SQUARE = [(0, 0), (1, 1), (4, 4), (2, 3, 4, 4), (3, 0, 0), (6, 6)]
LAYOUTS = ["contig", "transposed", "strided"]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", SQUARE, ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_inverse_and_det(dt, shape, layout):
    A = mat(shape, dt, seed=len(shape) + shape[-1], layout=layout)
    n = max(shape[-1], 1)
    for name in ["aten::linalg_inv", "aten::inverse", "aten::linalg_inv_ex"]:
        exp, got = run_ok(name, A)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), name)
        if name.endswith("_ex"):
            exact(got[1], exp[1], name + " info")
    # det moves by <= n kappa gamma_{3n} relative (tr(A^-1 dA)); slogdet's unit sign by as much
    rel = 2 * n * kappa(A) * gamma(3 * n, dt)
    for name in ["aten::linalg_det", "aten::det", "aten::_linalg_det"]:
        exp, got = run_ok(name, A)
        close(got[0], exp[0], rel * amax(exp[0]), name)
        if name == "aten::_linalg_det":
            close(got[1], exp[1], solve_tol(A, exp[1], dt), name + " LU")
            exact(got[2], exp[2], name + " pivots")
    for name in ["aten::linalg_slogdet", "aten::slogdet", "aten::_linalg_slogdet", "aten::logdet"]:
        exp, got = run_ok(name, A)
        if name == "aten::logdet":   # log(sign) + logabsdet: the phase moves by rel (radians)
            close(got[0], exp[0], 2 * rel, name)
            continue
        close(got[0], exp[0], rel, name + " sign")
        close(got[1], exp[1], rel, name + " logabsdet")


@pytest.mark.parametrize("dt", DTS, ids=dname)
def test_det_singular_and_errors(dt):
    S = torch.tensor([[1 + 1j, 2 + 2j], [2 + 2j, 4 + 4j]], dtype=dt)
    for name in ["aten::linalg_det", "aten::linalg_slogdet", "aten::logdet"]:
        for A in [S, torch.zeros(3, 3, dtype=dt), torch.stack([S, torch.eye(2, dtype=dt)])]:
            exp, got = run_ok(name, A)
            for i in range(len(exp)):
                exact(got[i], exp[i], name)     # 0 and -inf are exact
    expect_error("aten::linalg_inv", S)
    expect_error("aten::linalg_inv", torch.stack([torch.eye(2, dtype=dt), S]))
    expect_error("aten::linalg_inv_ex", S, check_errors=True)
    exp, got = run_ok("aten::linalg_inv_ex", torch.stack([torch.eye(2, dtype=dt), S]))
    exact(got[1], exp[1], "inv_ex info")
    expect_error("aten::linalg_solve", S, torch.ones(2, 1, dtype=dt))
    expect_error("aten::linalg_det", torch.ones(2, 3, dtype=dt))
    # mixed complex/real operands are refused as torch does
    expect_error("aten::linalg_solve", torch.eye(2, dtype=dt), torch.ones(2, 1, dtype=torch.float64))


SOLVE_SHAPES = [((4, 4), (4, 2), True), ((4, 4), (4,), True), ((2, 1, 3, 3), (4, 3, 2), True),
                ((2, 3, 3), (2, 3), True), ((2, 3, 3), (2, 4, 3), False), ((3, 3), (1, 3), False),
                ((0, 0), (0, 2), True), ((1, 1), (1, 5), True), ((3, 3), (3, 0), True)]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("sa,sb,left", SOLVE_SHAPES, ids=str)
@pytest.mark.parametrize("layout", ["contig", "transposed"])
def test_solve(dt, sa, sb, left, layout):
    A = mat(sa, dt, seed=1, layout=layout)
    B = mat(sb, dt, seed=2, layout=layout) if len(sb) >= 2 else mat(sb + (1,), dt, seed=2)[..., 0]
    for name in ["aten::linalg_solve", "aten::linalg_solve_ex", "aten::_linalg_solve_ex"]:
        exp, got = run_ok(name, A, B, left=left)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), name)
        if name != "aten::linalg_solve":
            exact(got[-1], exp[-1], name + " info")
        if name == "aten::_linalg_solve_ex":
            close(got[1], exp[1], solve_tol(A, exp[1], dt), name + " LU")
            exact(got[2], exp[2], name + " pivots")


TRI = [((4, 4), (4, 3)), ((2, 1, 3, 3), (4, 3, 2)), ((0, 0), (0, 2)), ((1, 1), (1, 4)), ((3, 3), (3, 0))]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("sa,sb", TRI, ids=str)
@pytest.mark.parametrize("upper", [True, False])
def test_triangular(dt, sa, sb, upper):
    A = mat(sa, dt, seed=5, kind="upper" if upper else "lower", layout="strided")
    B = mat(sb, dt, seed=6, layout="transposed")
    n = max(sa[-1], 1)
    # triangular substitution: backward error gamma_n per row of A (Higham Thm 8.5)
    def tol(X):
        return 2 * kappa(A) * gamma(n, dt) * math.sqrt(n) * amax(X)
    for unit in [False, True]:
        Au = A if not unit else A.triu(1) + torch.eye(n if sa[-1] else 0, dtype=dt) if upper else \
            A.tril(-1) + torch.eye(n if sa[-1] else 0, dtype=dt)
        exp, got = run_ok("aten::linalg_solve_triangular", Au, B, upper=upper, unitriangular=unit)
        close(got[0], exp[0], tol(exp[0]) * (kappa(Au) / max(kappa(A), 1)), "solve_triangular")
        Bt = B.mT
        exp, got = run_ok("aten::linalg_solve_triangular", Au, Bt, upper=upper, left=False, unitriangular=unit)
        close(got[0], exp[0], tol(exp[0]) * (kappa(Au) / max(kappa(A), 1)), "solve_triangular left=False")
        for transpose in [False, True]:
            exp, got = run_ok("aten::triangular_solve", B, Au, upper=upper, transpose=transpose, unitriangular=unit)
            close(got[0], exp[0], tol(exp[0]) * (kappa(Au) / max(kappa(A), 1)), "triangular_solve")
            exact(got[1], exp[1], "triangular_solve coefficient")


LU_SHAPES = [(4, 4), (3, 5), (5, 3), (2, 3, 4, 4), (0, 3), (1, 1), (1, 4), (2, 0, 0)]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", LU_SHAPES, ids=str)
def test_lu_family(dt, shape):
    A = mat(shape, dt, seed=7, layout="transposed")
    k = max(min(shape[-2:]), 1)
    # LU with partial pivoting: |L||U| <= (1 + gamma_k) |PA| entrywise with |L| <= 1, so each
    # entry of U moves by gamma_k ||A|| (bounded growth on Gaussian inputs; pivots identical)
    tolA = 4 * gamma(k, dt) * k * amax(A)
    for name in ["aten::linalg_lu_factor", "aten::linalg_lu_factor_ex", "aten::_lu_with_info"]:
        exp, got = run_ok(name, A)
        close(got[0], exp[0], tolA, name + " LU")
        exact(got[1], exp[1], name + " pivots")
        if len(exp) > 2:
            exact(got[2], exp[2], name + " info")
    exp, got = run_ok("aten::linalg_lu", A)
    exact(got[0], exp[0], "linalg_lu P")
    close(got[1], exp[1], tolA, "linalg_lu L")
    close(got[2], exp[2], tolA, "linalg_lu U")
    LU, piv = torch.linalg.lu_factor(A)
    for ud, up in [(True, True), (True, False), (False, True)]:
        exp, got = run_ok("aten::lu_unpack", LU, piv, unpack_data=ud, unpack_pivots=up)
        for i in range(3):
            exact(got[i], exp[i], "lu_unpack %d" % i)


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("sa,sb", [((4, 4), (4, 3)), ((2, 1, 3, 3), (4, 3, 2)), ((0, 0), (0, 1)), ((1, 1), (1, 2))],
                         ids=str)
def test_lu_solve(dt, sa, sb):
    A = mat(sa, dt, seed=8)
    LU, piv = torch.linalg.lu_factor(A)
    B = mat(sb, dt, seed=9, layout="strided")
    for left in [True, False]:
        for adjoint in [False, True]:
            Bx = B if left else B.mT
            exp, got = run_ok("aten::linalg_lu_solve", LU, piv, Bx, left=left, adjoint=adjoint)
            close(got[0], exp[0], solve_tol(A, exp[0], dt), "linalg_lu_solve left=%s adjoint=%s" % (left, adjoint))
    if len(sa) == len(sb):
        exp, got = run_ok("aten::lu_solve", B, LU, piv)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), "lu_solve")


# ---- Cholesky, LDL ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (0, 0), (1, 1), (3, 0, 0)], ids=str)
def test_cholesky_family(dt, shape):
    A = mat(shape, dt, seed=11, kind="hpd", layout="transposed")
    n = max(shape[-1], 1)
    # Cholesky: |dA| <= gamma_{n+1} |L||L^H| (Higham Thm 10.3): L moves by kappa gamma_{n+1} ||L||
    for upper in [False, True]:
        for name in ["aten::linalg_cholesky", "aten::linalg_cholesky_ex"]:
            exp, got = run_ok(name, A, upper=upper)
            close(got[0], exp[0], 2 * kappa(A) * gamma(n + 1, dt) * math.sqrt(n) * amax(exp[0]), name)
            if len(exp) > 1:
                exact(got[1], exp[1], name + " info")
        F = torch.linalg.cholesky(A, upper=upper)
        B = mat(shape[:-1] + (2,), dt, seed=12, layout="strided")
        exp, got = run_ok("aten::cholesky_solve", B, F, upper=upper)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), "cholesky_solve")
        exp, got = run_ok("aten::cholesky_inverse", F, upper=upper)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), "cholesky_inverse")
    # broadcast: one factor, a batch of right-hand sides
    if len(shape) == 2:
        F = torch.linalg.cholesky(A)
        B = mat((3,) + shape[:-1] + (2,), dt, seed=13)
        exp, got = run_ok("aten::cholesky_solve", B, F)
        close(got[0], exp[0], solve_tol(A, exp[0], dt), "cholesky_solve broadcast")


@pytest.mark.parametrize("dt", DTS, ids=dname)
def test_cholesky_errors(dt):
    notpd = torch.tensor([[1, 2j], [-2j, 1]], dtype=dt)
    expect_error("aten::linalg_cholesky", notpd)
    expect_error("aten::linalg_cholesky", torch.stack([torch.eye(2, dtype=dt), notpd]))
    exp, got = run_ok("aten::linalg_cholesky_ex", torch.stack([torch.eye(2, dtype=dt), notpd]))
    exact(got[1], exp[1], "cholesky_ex info")
    expect_error("aten::cholesky_solve", torch.ones(2, 1, dtype=dt), torch.eye(2, dtype=torch.float64))


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("hermitian", [False, True])
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (0, 0), (1, 1)], ids=str)
def test_ldl(dt, hermitian, shape):
    A = mat(shape, dt, seed=14, kind="herm")
    if not hermitian:
        A = A + A.mT   # complex symmetric
    n = max(shape[-1], 1)
    for name in ["aten::linalg_ldl_factor", "aten::linalg_ldl_factor_ex"]:
        exp, got = run_ok(name, A, hermitian=hermitian)
        # Bunch-Kaufman: backward stable with growth <= 2.57^(n-1); both engines run LAPACK's
        # algorithm so the pivots agree and the factor moves by that bound
        close(got[0], exp[0], 2 * 2.57 ** (n - 1) * kappa(A) * gamma(3 * n, dt) * math.sqrt(n) * amax(exp[0]), name)
        exact(got[1], exp[1], name + " pivots")
    LD, piv = torch.linalg.ldl_factor(A, hermitian=hermitian)
    B = mat(shape[:-1] + (2,), dt, seed=15, layout="transposed")
    exp, got = run_ok("aten::linalg_ldl_solve", LD, piv, B, hermitian=hermitian)
    close(got[0], exp[0], 2 * 2.57 ** (n - 1) * solve_tol(A, exp[0], dt), "ldl_solve")


# ---- QR ------------------------------------------------------------------------------------------------

QR_SHAPES = [(5, 3), (3, 5), (4, 4), (2, 3, 4, 2), (0, 3), (3, 0), (1, 4), (1, 1)]


def qr_tol(A, X, dt):
    """Householder QR: backward error gamma_{cmn} with c small (Higham Thm 19.4; c = 1 here, each
    reflector applied once per column); the factors move by kappa times that."""
    m, n = A.shape[-2], A.shape[-1]
    return 2 * kappa(A) * gamma(max(m * n, 1), dt) * math.sqrt(max(m, n, 1)) * max(amax(X), amax(A))


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", QR_SHAPES, ids=str)
def test_qr_family(dt, shape):
    A = mat(shape, dt, seed=21, layout="transposed")
    for mode in ["reduced", "complete", "r"]:
        exp, got = run_ok("aten::linalg_qr", A, mode=mode)
        close(got[0], exp[0], qr_tol(A, exp[0], dt), "linalg_qr Q " + mode)
        close(got[1], exp[1], qr_tol(A, exp[1], dt), "linalg_qr R " + mode)
    exp, got = run_ok("aten::geqrf", A)
    close(got[0], exp[0], qr_tol(A, exp[0], dt), "geqrf a")
    close(got[1], exp[1], qr_tol(A, exp[1], dt), "geqrf tau")
    a, tau = torch.geqrf(A)
    m, n = shape[-2:]
    if m >= n:
        for name in ["aten::linalg_householder_product", "aten::orgqr"]:
            exp, got = run_ok(name, a, tau)
            close(got[0], exp[0], qr_tol(A, exp[0], dt), name)
    C = mat(shape[:-2] + (m, 2), dt, seed=22, layout="strided")
    for left in [True, False]:
        for transpose in [False, True]:
            Cx = C if left else C.mT.contiguous()
            exp, got = run_ok("aten::ormqr", a, tau, Cx, left=left, transpose=transpose)
            close(got[0], exp[0], qr_tol(A, exp[0], dt) * max(amax(C), 1), "ormqr %s %s" % (left, transpose))


# ---- SVD, eigh, pinv, matrix_rank, lstsq ------------------------------------------------------------------

def phase_align(g, e):
    """g's columns times the unit factors <g_k, e_k>/|<g_k, e_k>| (vectors are unique up to a phase)."""
    p = (g.conj() * e).sum(-2, keepdim=True)
    a = p.abs()
    return g * torch.where(a > 0, p / torch.where(a > 0, a, torch.ones_like(a)), torch.ones_like(p))


def spec_tol(A, dt):
    """Singular values / Hermitian eigenvalues move by <= ||dA||_2 (Weyl), ||dA|| <= gamma_{cmn} ||A||
    for the bidiagonal / tridiagonal reduction (c = 1 per reflector)."""
    m, n = A.shape[-2], A.shape[-1]
    return 2 * gamma(max(m * n, 1), dt) * math.sqrt(max(m, n, 1)) * max(amax(A), 1e-300) * max(m, n, 1)


def vec_tol(A, S, dt):
    """Vectors move by ||dA|| / gap (Davis-Kahan), gap the smallest distance between two values
    (and to zero for the singular vectors of a non-square matrix)."""
    S = S.detach().double()
    if S.shape[-1] < 2:
        gap = float("inf")
    else:
        d = (S.unsqueeze(-1) - S.unsqueeze(-2)).abs() + torch.eye(S.shape[-1], dtype=torch.float64) * 1e300
        gap = d.min().item()
    if A.shape[-1] != A.shape[-2] and S.numel():
        gap = min(gap, S.abs().min().item())
    # a unit vector is itself rounded: a few gamma of its length at least (the 1x1 case, no gap)
    floor = 4 * gamma(max(A.shape[-2:]) + 2, dt)
    return max(4 * spec_tol(A, dt) / gap, floor) if gap > 0 else float("inf")


SVD_SHAPES = [(5, 3), (3, 5), (4, 4), (2, 3, 4, 2), (0, 3), (3, 0), (1, 4), (1, 1)]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", SVD_SHAPES, ids=str)
def test_svd_family(dt, shape):
    A = mat(shape, dt, seed=31, layout="strided")
    k = min(shape[-2:])
    exp, got = run_ok("aten::linalg_svdvals", A)
    close(got[0], exp[0], spec_tol(A, dt), "svdvals")
    S = exp[0]
    for full in [False, True]:
        exp, got = run_ok("aten::linalg_svd", A, full_matrices=full)
        close(got[1], exp[1], spec_tol(A, dt), "svd S")
        Ug, Vg = got[0][..., :k], got[2][..., :k, :].mH
        Ue, Ve = exp[0][..., :k], exp[2][..., :k, :].mH
        # the reconstruction and the phase-aligned vectors (U and V share each column's phase)
        close(Ug @ torch.diag_embed(got[1].to(dt)) @ Vg.mH, A, 2 * spec_tol(A, dt), "svd U S Vh")
        if k:
            p = (Ug.conj() * Ue).sum(-2, keepdim=True)
            p = p / p.abs()
            close(Ug * p, Ue, vec_tol(A, S, dt), "svd U")
            close(Vg * p, Ve, vec_tol(A, S, dt), "svd V")
        # full_matrices: U and Vh are unitary
        n_u = got[0].shape[-1]
        close(got[0].mH @ got[0], torch.eye(n_u, dtype=dt).expand(got[0].mH.shape[:-1] + (n_u,)),
              4 * gamma(max(shape[-2:]) ** 2 + 1, dt) * max(shape[-2:]), "U^H U")
    exp, got = run_ok("aten::svd", A, some=True)
    close(got[1], exp[1], spec_tol(A, dt), "svd(legacy) S")
    close(got[0] @ torch.diag_embed(got[1].to(dt)) @ got[2].mH, A, 2 * spec_tol(A, dt), "svd(legacy) U S V^H")
    exp, got = run_ok("aten::_linalg_svd", A, compute_uv=False)
    close(got[1], exp[1], spec_tol(A, dt), "_linalg_svd S")


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (0, 0), (1, 1), (5, 5)], ids=str)
def test_eigh_family(dt, shape):
    A = mat(shape, dt, seed=41, kind="herm", layout="transposed")
    for uplo in ["L", "U"]:
        # only one triangle is read: garbage in the other must not matter
        Ag = A.triu() if uplo == "U" else A.tril()
        exp, got = run_ok("aten::linalg_eigvalsh", Ag, UPLO=uplo)
        close(got[0], exp[0], spec_tol(A, dt), "eigvalsh")
        W = exp[0]
        exp, got = run_ok("aten::linalg_eigh", Ag, UPLO=uplo)
        close(got[0], exp[0], spec_tol(A, dt), "eigh values")
        close(phase_align(got[1], exp[1]), exp[1], vec_tol(A, W, dt), "eigh vectors")
        exp, got = run_ok("aten::_linalg_eigh", Ag, UPLO=uplo, compute_v=False)
        close(got[0], exp[0], spec_tol(A, dt), "_linalg_eigh values")


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 3), (0, 3), (1, 1)], ids=str)
def test_pinv_rank(dt, shape):
    A = mat(shape, dt, seed=51)
    # pinv of a full-rank matrix: a backward-stable SVD perturbs it by kappa^2-free relative
    # kappa gamma bound per element (Wedin): 2 kappa * ||dA||/||A|| * ||A^+||
    rel = 2 * kappa(A) * spec_tol(A, dt) / max(amax(A), 1e-300)
    for name, kw in [("aten::linalg_pinv.atol_rtol_float", {}), ("aten::pinverse", {}),
                     ("aten::linalg_pinv", {"rcond": 1e-10})]:
        exp, got = run_ok(name, A, **kw)
        close(got[0], exp[0], rel * max(amax(exp[0]), 1e-300) * math.sqrt(max(shape[-1], 1)), name)
    exp, got = run_ok("aten::linalg_matrix_rank.atol_rtol_float", A)
    exact(got[0], exp[0], "matrix_rank")
    # a rank-deficient product has its rank found as torch does
    B = mat(shape[:-1] + (1,), dt, seed=52) @ mat(shape[:-2] + (1, shape[-1]), dt, seed=53)
    exp, got = run_ok("aten::linalg_matrix_rank.atol_rtol_float", B)
    exact(got[0], exp[0], "matrix_rank rank 1")
    if shape[-1] == shape[-2]:
        H = mat(shape, dt, seed=54, kind="hpd")
        exp, got = run_ok("aten::linalg_pinv.atol_rtol_float", H, hermitian=True)
        close(got[0], exp[0], 2 * kappa(H) * spec_tol(H, dt) / max(amax(H), 1e-300) * max(amax(exp[0]), 1e-300)
              * math.sqrt(max(shape[-1], 1)), "pinv hermitian")
        exp, got = run_ok("aten::linalg_matrix_rank.atol_rtol_float", H, hermitian=True)
        exact(got[0], exp[0], "matrix_rank hermitian")
    expect_error("aten::linalg_pinv.atol_rtol_float", torch.ones(3, dtype=dt))


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("sa,sb", [((5, 3), (5, 2)), ((2, 4, 3), (2, 4, 1)), ((4, 4), (4,)), ((3, 5), (3, 2))], ids=str)
@pytest.mark.parametrize("driver", ["gelsy", "gelsd", "gelss", "gels"])
def test_lstsq(dt, sa, sb, driver):
    if driver == "gels" and sa[-2] < sa[-1]:
        pytest.skip("gels needs a full-rank tall or square A")
    A = mat(sa, dt, seed=61)
    B = mat(sb, dt, seed=62) if len(sb) > 1 else mat(sb + (1,), dt, seed=62)[..., 0]
    exp, got = run_ok("aten::linalg_lstsq", A, B, driver=driver)
    # least squares: the solution moves by kappa (+ kappa^2 ||r||/(||A|| ||x||)) times the
    # backward error gamma_{cmn} (Higham Thm 20.3); Gaussian A is well conditioned here
    m, n = sa[-2], sa[-1]
    k = kappa(A)
    tol = 4 * (k + k * k) * gamma(max(m * n, 1), dt) * math.sqrt(max(m, n)) * max(amax(exp[0]), amax(B))
    close(got[0], exp[0], tol, "lstsq solution")
    close(got[1], exp[1], tol * max(amax(B), 1) * max(m, 1), "lstsq residuals")
    exact(got[2], exp[2], "lstsq rank")
    close(got[3], exp[3], spec_tol(A, dt), "lstsq singular values")


# ---- matrix functions: norms, cond, matrix_exp, matrix_power, matrix_sqrth, polar ------------------------

@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (0, 3), (1, 1), (3, 0)], ids=str)
def test_matrix_norms(dt, shape):
    A = mat(shape, dt, seed=71, layout="strided")
    n = max(shape[-2:] + (1,))
    for ordv in [1, -1, float("inf"), -float("inf"), 2, -2]:
        if 0 in shape[-2:]:
            agree("aten::linalg_matrix_norm", A, ordv)   # torch refuses some empty reductions
            continue
        exp, got = run_ok("aten::linalg_matrix_norm", A, ordv)
        # sums of n moduli: gamma_{n+2} relative (modulus: sqrt of two squares); 2/-2: Weyl
        tol = spec_tol(A, dt) if abs(ordv) == 2 else gamma(n + 2, dt) * max(amax(exp[0]), 1e-300)
        close(got[0], exp[0], tol, "matrix_norm ord=%s" % ordv)
    for ords in ["fro", "nuc"]:
        exp, got = run_ok("aten::linalg_matrix_norm.str_ord", A, ords, dim=[-1, -2], keepdim=True)
        tol = n * spec_tol(A, dt) if ords == "nuc" else gamma(2 * A.numel() + 2, dt) * max(amax(exp[0]), 1e-300)
        close(got[0], exp[0], tol, "matrix_norm " + ords)
    exp, got = run_ok("aten::linalg_norm", A)
    close(got[0], exp[0], gamma(2 * A.numel() + 2, dt) * max(amax(exp[0]), 1e-300), "linalg_norm (fro)")
    exp, got = run_ok("aten::linalg_norm", A, 3.5, dim=[-1])
    close(got[0], exp[0], gamma(4 * n + 8, dt) * max(amax(exp[0]), 1e-300), "linalg_norm vector p=3.5")
    exp, got = run_ok("aten::linalg_norm.ord_str", A, "nuc", dim=[-2, -1])
    close(got[0], exp[0], n * spec_tol(A, dt), "linalg_norm nuc")
    exp, got = run_ok("aten::nuclear_norm", A)
    close(got[0], exp[0], n * spec_tol(A, dt), "nuclear_norm")
    # the dtype= argument: a wider complex dtype computes in it; a real one is refused as torch
    if dt == C64:
        exp, got = run_ok("aten::linalg_matrix_norm", A, 1, dtype=C128)
        close(got[0], exp[0], gamma(n + 2, C128) * max(amax(exp[0]), 1e-300), "matrix_norm dtype=complex128")
        expect_error("aten::linalg_matrix_norm", A, 1, dtype=torch.float64)
        expect_error("aten::linalg_matrix_norm", A.real.contiguous(), 1, dtype=C128)


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (1, 1), (3, 5)], ids=str)
def test_cond(dt, shape):
    A = mat(shape, dt, seed=81)
    k = kappa(A)
    n = max(shape[-2:])
    for p in [None, 2, -2, 1, -1, float("inf"), -float("inf")]:
        if shape[-1] != shape[-2] and p not in (None, 2, -2):
            expect_error("aten::linalg_cond", A, p)
            continue
        exp, got = run_ok("aten::linalg_cond", A, p)
        # norm(A) norm(A^-1): each factor moves by kappa gamma_{3n} relative (the inverse) or
        # gamma_{n+2} (the sums); the 2-norm ratio by the two extreme singular values' moves
        rel = 4 * n * k * gamma(3 * n + 2, dt)
        close(got[0], exp[0], rel * amax(exp[0]), "cond p=%s" % p)
    for p in ["fro", "nuc"]:
        if shape[-1] == shape[-2]:
            exp, got = run_ok("aten::linalg_cond.p_str", A, p)
            close(got[0], exp[0], 4 * n * n * k * gamma(3 * n + 2, dt) * amax(exp[0]), "cond " + p)


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (0, 0), (1, 1)], ids=str)
def test_matrix_exp_power(dt, shape):
    A = mat(shape, dt, seed=91, layout="transposed") * 0.5
    n = max(shape[-1], 1)
    # matrix_exp: pyts runs Pade 13 in complex128 and rounds once; torch's complex64 result
    # carries its own error, bounded by the condition of exp (<= e^{||A||}) times u per product:
    # 13 products of n-term sums plus the scaling squarings
    nrm = torch.linalg.matrix_norm(A.to(C128), 1).max().item() if A.numel() else 0.0
    tol = 2 * math.exp(2 * nrm) * gamma((n + 2) * 20, dt) * max(nrm, 1.0)
    for name in ["aten::linalg_matrix_exp", "aten::matrix_exp"]:
        exp, got = run_ok(name, A)
        close(got[0], exp[0], tol * max(amax(exp[0]), 1.0), name)
    for p in [0, 1, 2, 3, 5, -1, -2]:
        for name in ["aten::linalg_matrix_power", "aten::matrix_power"]:
            exp, got = run_ok(name, A, p)
            # |p| products of n-term sums (and an inverse for p < 0: kappa gamma_{3n})
            tol = (abs(p) + 1) * gamma(n + 2, dt) * n * (2 * kappa(A) if p < 0 else 1)
            tol *= max(amax(exp[0]), 1.0) * max(amax(A), 1.0) ** 0 * (kappa(A) ** abs(p) if p < 0 else 1)
            close(got[0], exp[0], max(tol, 0.0) * (max(amax(A), 1.0) ** abs(p) if p > 0 else 1), "%s p=%d" % (name, p))
    expect_error("aten::linalg_matrix_power", torch.zeros(2, 2, dtype=dt), -1)   # singular


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)], ids=str)
def test_sqrth_polar(dt, shape):
    H = mat(shape, dt, seed=101, kind="hpd")
    exp, got = run_ok("aten::linalg_matrix_sqrth", H)
    # sqrt of an HPD matrix: eigh's backward error (spec_tol) through sqrt's condition
    # 1 / (2 sqrt(lambda_min)) per eigenvalue, and the vectors' move (vec_tol) times ||X||
    W = torch.linalg.eigvalsh(H.to(C128))
    lmin = W.min().item()
    tol = spec_tol(H, dt) / (2 * math.sqrt(lmin)) + 2 * vec_tol(H, W, dt) * amax(exp[0])
    close(got[0], exp[0], tol * math.sqrt(shape[-1]), "matrix_sqrth")
    A = mat(shape[:-1] + (shape[-1] - (1 if shape[-1] > 1 else 0),), dt, seed=102)
    exp, got = run_ok("aten::linalg_polar", A)
    S = torch.linalg.svdvals(A.to(C128))
    # U = W Vh moves by ||dA|| / sigma_min (polar factor's condition), H by ||dA||
    tol = 4 * spec_tol(A, dt) / S.min().item() * math.sqrt(max(A.shape[-2:]))
    close(got[0], exp[0], tol, "polar U")
    close(got[1], exp[1], 4 * spec_tol(A, dt) * math.sqrt(max(A.shape[-2:])) * max(1.0, S.max().item()), "polar H")


def test_triangular_mixed_dtypes():
    """linalg.solve_triangular computes in A's dtype (B copied into it: a complex B into a real A
    loses its imaginary part, as copy_); triangular_solve refuses unequal dtypes; integers are
    refused as torch does."""
    A = mat((3, 3), C64, seed=111, kind="upper")
    Br = torch.randn(3, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(112))
    exp, got = run_ok("aten::linalg_solve_triangular", A, Br, upper=True)
    close(got[0], exp[0], 2 * kappa(A) * gamma(3, C64) * math.sqrt(3) * amax(exp[0]), "complex A, real B")
    exp, got = run_ok("aten::linalg_solve_triangular", torch.eye(3) * 2, Br, upper=True)   # float32 A, float64 B
    exact(got[0], exp[0], "float32 A, float64 B")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch warns that the imaginary part is discarded
        exp, got = run_ok("aten::linalg_solve_triangular", torch.eye(3, dtype=torch.float64) * 2,
                          mat((3, 2), C64, seed=113), upper=True)
    exact(got[0], exp[0], "real A, complex B")
    expect_error("aten::triangular_solve", Br, A)
    expect_error("aten::linalg_solve_triangular", torch.eye(3, dtype=torch.int64), Br, upper=True)
    expect_error("aten::triangular_solve", Br.long(), torch.eye(3, dtype=torch.int64))
