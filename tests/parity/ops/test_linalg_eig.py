"""Parity of linalg_eig / linalg_eigvals (csrc/ops/linalg/eig.c, LAPACK geev)
against torch.ops.aten in float32, float64, complex64 and complex128: empty,
1x1, batched, transposed and strided inputs, matrices with complex pairs and
real spectra, and torch's errors.

Tolerances are derived, never tuned (/work/shared/reference/rounding-bounds.md):
geev is backward stable, so each engine returns the exact eigen-decomposition
of A + dA with ||dA||_2 <= gamma_{3n} sqrt(n) ||A||_2.  By Bauer-Fike an
eigenvalue then moves by at most kappa_2(V) ||dA||_2 (V the eigenvector matrix,
its condition number computed by torch in float64), twice that between two
engines.  A unit eigenvector moves by at most that eigenvalue shift over the
distance to the nearest other eigenvalue (plus the shift itself).  Vectors are
unique only up to a unit complex factor (torch documents it): each of pyts's
columns is multiplied by the phase that best aligns it with torch's before the
comparison, and each pyts vector must have unit norm and satisfy
A v = lambda v within the backward-error bound.  The eigenvalue order is
LAPACK's, the same algorithm in both engines: compared as is."""
import math

import numpy as np
import pytest
import torch

import pyts
from optest import covered
from pyts import _C
from test_linalg_lapack import expect_error, gamma, mat, run_ok

F32, F64, C64, C128 = torch.float32, torch.float64, torch.complex64, torch.complex128
DTS = [F32, F64, C64, C128]
SHAPES = [(0, 0), (1, 1), (4, 4), (2, 3, 5, 5), (3, 0, 0), (0, 3, 3), (7, 7)]
LAYOUTS = ["contig", "transposed", "strided"]


def dname(dt):
    return str(dt).replace("torch.", "")


def real_of(dt):
    return {C64: F32, C128: F64}.get(dt, dt)


def cmat(shape, dt, seed, layout):
    """A real or complex [..., n, n] batch (complex: independent Gaussian real and imaginary parts)."""
    if not dt.is_complex:
        return mat(shape, dt, seed=seed, layout=layout)
    re = mat(shape, real_of(dt), seed=seed, layout="contig")
    im = mat(shape, real_of(dt), seed=seed + 100, layout="contig")
    x = torch.complex(re, im)
    if layout == "transposed":
        return x.mT.contiguous().mT
    if layout == "strided":
        wide = torch.zeros(x.shape[:-1] + (2 * x.shape[-1],), dtype=dt)
        wide[..., ::2] = x
        return wide[..., ::2]
    return x


def bounds(A, dt):
    """(eigenvalue bound, per-value gap [..., n]) from torch's float64 decomposition."""
    n = max(A.shape[-1], 1)
    A64 = A.to(C128)
    if A.numel() == 0:
        return 0.0, None
    w, V = torch.linalg.eig(A64)
    kv = torch.linalg.cond(V).abs().max().item()
    anorm = torch.linalg.matrix_norm(A64, 2).max().item()
    tol = 2 * kv * gamma(3 * n, real_of(dt)) * math.sqrt(n) * anorm
    d = (w.unsqueeze(-1) - w.unsqueeze(-2)).abs() + torch.diag_embed(torch.full(w.shape, float("inf"), dtype=F64))
    return tol, d.min(-1).values


def c(x):
    return torch.from_numpy(np.asarray(x)).to(C128)


def check_values(got, exp, tol, what):
    g, e = c(got), exp.to(C128)
    assert g.shape == e.shape
    if e.numel():
        d = (g - e).abs().max().item()
        assert d <= tol, "%s: max |pyts - torch| = %.3g > bound %.3g" % (what, d, tol)


def check_vectors(A, w, V, exp_V, tol, gap, dt, what):
    """Phase-aligned columns against torch's; unit norm; residual of A v = w v."""
    g, e = c(V), exp_V.to(C128)
    if e.numel() == 0:
        return
    ph = (g.conj() * e).sum(-2, keepdim=True)
    ph = torch.where(ph.abs() > 0, ph / ph.abs(), torch.ones_like(ph))
    d = (g * ph - e).abs().amax(-2)
    bound = tol / gap.clamp_min(1e-300) + tol
    assert (d <= bound).all(), "%s: aligned vectors differ by %.3g (bound %.3g)" % (what, d.max().item(),
                                                                                 bound.min().item())
    n = A.shape[-1]
    nrm = (torch.linalg.vector_norm(g, dim=-2) - 1).abs().max().item()
    assert nrm <= 2 * gamma(3 * n, real_of(dt)) * n, "%s: not unit norm (%g)" % (what, nrm)
    res = (A.to(C128) @ g - g * c(w).unsqueeze(-2)).abs().max().item()
    anorm = torch.linalg.matrix_norm(A.to(C128), 2).max().item()
    assert res <= 4 * gamma(3 * n, real_of(dt)) * math.sqrt(n) * anorm, "%s: residual %g" % (what, res)


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_eig(dt, shape, layout):
    A = cmat(shape, dt, seed=31 + len(shape), layout=layout)
    tol, gap = bounds(A, dt)
    exp, got = run_ok("aten::linalg_eig", A)
    check_values(got[0], exp[0], tol, "eig values")
    check_vectors(A, got[0], got[1], exp[1], tol, gap, dt, "eig vectors")
    exp, got = run_ok("aten::linalg_eigvals", A)
    check_values(got[0], exp[0], tol, "eigvals")


@pytest.mark.parametrize("dt", DTS, ids=dname)
def test_eig_known_spectra(dt):
    """A rotation (a complex pair), a diagonal (real spectrum, exact), a triangular matrix and a
    block with both kinds, batched together."""
    rot = torch.tensor([[0.0, -2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    diag = torch.diag(torch.tensor([4.0, -1.0, 0.5]))
    tri = torch.tensor([[1.0, 2.0, 3.0], [0.0, -2.0, 1.0], [0.0, 0.0, 5.0]])
    mixed = torch.tensor([[1.0, 1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, -4.0]])
    A = torch.stack([rot, diag, tri, mixed]).to(dt)
    tol, gap = bounds(A, dt)
    exp, got = run_ok("aten::linalg_eig", A)
    check_values(got[0], exp[0], tol, "eig values")
    check_vectors(A, got[0], got[1], exp[1], tol, gap, dt, "eig vectors")
    exp, got = run_ok("aten::linalg_eigvals", A)
    check_values(got[0], exp[0], tol, "eigvals")


def test_eig_errors():
    bad = [torch.ones(2, 3), torch.ones(3), torch.ones(3, 3, dtype=torch.int64), torch.ones(3, 3, dtype=torch.half)]
    for b in bad:
        expect_error("aten::linalg_eig", b)
        expect_error("aten::linalg_eigvals", b)
    nonfinite = [torch.tensor([[float("nan"), 1.0], [1.0, 1.0]]), torch.tensor([[1.0, float("inf")], [1.0, 1.0]]),
                 torch.ones(2, 2, 2, dtype=C64) * float("nan")]
    for b in nonfinite:
        expect_error("aten::linalg_eig", b)
        # torch's eigvals does not check and crashes inside its LAPACK (SIGSEGV in ?gebal with a NaN):
        # pyts refuses it with eig's message instead
        with pytest.raises(pyts.Error, match="should not contain infs or NaNs"):
            _C.call_op("aten::linalg_eigvals", b.numpy())


def test_eig_scripted():
    """torch.linalg.eig / eigvals as TorchScript spells them."""
    import io

    import pyts

    class M(torch.nn.Module):
        def forward(self, x):
            w, v = torch.linalg.eig(x)
            return w, v, torch.linalg.eigvals(x)

    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(M()), buf)
    m = pyts.load(buf.getvalue())
    A = cmat((2, 4, 4), F64, seed=5, layout="contig")
    exp = M()(A)
    got = m.forward(A.numpy())
    tol, gap = bounds(A, F64)
    check_values(got[0], exp[0], tol, "scripted eig values")
    check_vectors(A, got[0], got[1], exp[1], tol, gap, F64, "scripted eig vectors")
    check_values(got[2], exp[2], tol, "scripted eigvals")


COVERED = covered(["linalg_eig", "linalg_eigvals"])
