"""Parity of csrc/ops/special/bessel.c: torch.special's normal-distribution,
Bessel and Airy functions, erfcx, entr, the orthogonal polynomials and the
regularized incomplete gamma functions, over wide ranges (NaN and +-inf
included), every float dtype and integer inputs (computed as float32).

Tolerances: torch.testing's per-dtype defaults; pyts computes these in
double and rounds once, torch in the tensor's dtype with Cephes-style
approximations (a few ulp), well inside them."""
import numpy as np
import pytest
import torch

from optest import FLOAT_DTYPES, check, covered, make_tensor
from pyts import _C

UNARY = ["special_ndtr", "special_ndtri", "special_log_ndtr", "special_erfcx", "special_entr", "special_i0e",
         "special_i1", "special_i1e", "special_modified_bessel_i0", "special_modified_bessel_i1",
         "special_modified_bessel_k0", "special_modified_bessel_k1", "special_scaled_modified_bessel_k0",
         "special_scaled_modified_bessel_k1", "special_bessel_j0", "special_bessel_j1", "special_bessel_y0",
         "special_bessel_y1", "special_spherical_bessel_j0", "special_airy_ai"]
# (low, high) ranges each unary function is run over, beyond the default [-3, 3] with NaN/inf
RANGES = {
    "special_ndtri": [(0.0, 1.0), (0.0, 1e-6), (0.999, 1.0)],
    "special_log_ndtr": [(-40.0, 40.0), (-400.0, 10.0)],
    "special_erfcx": [(-27.0, 30.0), (20.0, 1e4)],
    "special_ndtr": [(-40.0, 40.0)],
    "special_entr": [(0.0, 50.0)],
    "special_airy_ai": [(-20.0, 5.0), (-100.0, -6.0), (0.0, 110.0)],
}
DEFAULT_RANGES = [(-30.0, 30.0), (0.0, 1e-3), (-700.0, 800.0), (1e3, 1e6)]
POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
         "legendre_polynomial_p"]
GAMMA = ["igamma", "igammac", "special_gammainc", "special_gammaincc"]
# torch evaluates these in half arithmetic for float16 (every intermediate rounded to half: ndtr's
# argument x / sqrt(2) alone carries 2^-11 relative error, amplified by |x phi(x) / Phi(x)| < 8 on the
# [-3, 3] inputs): 8 half ulps
HALF_TOL = dict(rtol=8 * 2.0 ** -11, atol=1e-3)
# torch's float64 kernels of these are less accurate than float64 (measured against SciPy's
# Cephes over [-20, 40]: bessel_j0/j1/y0/y1 up to 8.7e-7 absolute near x = 5 where their rational
# forms meet the Hankel form, airy_ai up to 3e-6 near x = -2.09); pyts's are accurate to ~1e-15, so
# the float64 comparison allows torch's error
F64_TOL = {"special_bessel_j0": dict(rtol=1e-7, atol=1e-6), "special_bessel_j1": dict(rtol=1e-7, atol=1e-6),
           "special_bessel_y0": dict(rtol=1e-7, atol=1e-6), "special_bessel_y1": dict(rtol=1e-7, atol=1e-6),
           "special_airy_ai": dict(rtol=1e-7, atol=4e-6)}
COVERED = covered(UNARY, ["special_" + p + s for p in POLYS for s in ("", ".x_scalar", ".n_scalar")], GAMMA)


@pytest.mark.parametrize("op", UNARY)
def test_unary(op):
    name = "aten::" + op
    for dt in FLOAT_DTYPES:
        tol = HALF_TOL if dt == torch.float16 else F64_TOL.get(op, {}) if dt == torch.float64 else {}
        for layout in ("contig", "transposed", "strided"):
            check(name, lambda: ((make_tensor((5, 7), dt, layout),), {}), what="%s %s" % (dt, layout), **tol)
        for lo, hi in RANGES.get(op, DEFAULT_RANGES):
            if dt == torch.float16 and hi > 6e4:
                continue
            check(name, lambda: ((make_tensor((40, 25), dt, low=lo, high=hi, seed=3),), {}), what="%s [%g, %g]" % (dt, lo, hi),
                  **tol)
    for dt in (torch.int64, torch.uint8, torch.bool):
        check(name, lambda: ((make_tensor((5, 7), dt),), {}), what=str(dt))
    check(name, lambda: ((make_tensor((0, 3), torch.float32),), {}), what="empty")
    check(name, lambda: ((make_tensor((), torch.float64, low=0.1, high=0.9),), {}), what="0-d")
    edges = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, -1e-300, 1e-30, 5.0, 30.0, 700.0, 750.0, float("inf"), -float("inf"),
             float("nan")]
    check(name, lambda: ((torch.tensor(edges, dtype=torch.float64),), {}), what="edges f64", **F64_TOL.get(op, {}))
    check(name, lambda: ((torch.tensor(edges, dtype=torch.float32),), {}), what="edges f32")


@pytest.mark.parametrize("poly", POLYS)
def test_polynomials(poly):
    """torch evaluates the recurrences in the tensor's dtype: pyts the same way, so results are bit-identical."""
    name = "aten::special_" + poly
    g = torch.Generator().manual_seed(1)
    for dt in (torch.float32, torch.float64):
        for lo, hi in ((-9.0, 9.0), (-1.1, 1.1), (-0.1, 1.1)):
            x = (torch.rand(3000, generator=g, dtype=torch.float64) * (hi - lo) + lo).to(dt)
            n = torch.randint(-2, 16, (3000,), generator=g).to(dt)
            exp = getattr(torch.ops.aten, "special_" + poly)(x, n).numpy()
            got = _C.call_op(name, x.numpy(), n.numpy())
            same = (got == exp) | (np.isnan(got) & np.isnan(exp))
            assert same.all(), (poly, dt, lo, hi, x[~torch.from_numpy(same)][:4], n[~torch.from_numpy(same)][:4])
    edge_x = [1.0, -1.0, 0.0, 0.5, float("nan"), float("inf"), -float("inf")]
    edge_n = [0.0, 1.0, 2.0, 7.0, 9.0, 10.0, -1.0, 200.0, 600.0, float("nan"), float("inf")]
    for dt in (torch.float32, torch.float64):
        check(name, lambda: ((torch.tensor(edge_x, dtype=dt)[:, None], torch.tensor(edge_n, dtype=dt)), {}),
              what="edges %s" % dt)
    for xdt, ndt in ((torch.float32, torch.int64), (torch.int64, torch.float32), (torch.int64, torch.int64),
                     (torch.float16, torch.float16), (torch.float32, torch.float64)):
        check(name, lambda: ((make_tensor((5, 7), xdt, "transposed", special=False),
                              make_tensor((7,), ndt, low=0, high=6, seed=2)), {}), what="%s %s" % (xdt, ndt))
    check(name + ".x_scalar", lambda: ((0.3, make_tensor((5, 7), torch.int64, low=0, high=9)), {}), what="x scalar")
    check(name + ".x_scalar", lambda: ((2, make_tensor((5, 7), torch.float64, low=0, high=9)), {}), what="int x scalar")
    check(name + ".n_scalar", lambda: ((make_tensor((5, 7), torch.float32, "strided"), 3), {}), what="n scalar")
    check(name + ".n_scalar", lambda: ((make_tensor((5, 7), torch.float64), 11.0), {}), what="float n scalar")
    check(name, lambda: ((make_tensor((0, 3), torch.float32), make_tensor((3,), torch.float32)), {}), what="empty")
    check(name, lambda: ((make_tensor((2, 3), torch.float32), make_tensor((4,), torch.float32)), {}), what="bad broadcast")


@pytest.mark.parametrize("op", GAMMA)
def test_incomplete_gamma(op):
    name = "aten::" + op
    for dt in (torch.float32, torch.float64):
        for lo, hi in ((0.0, 5.0), (0.0, 50.0), (10.0, 300.0)):
            check(name, lambda: ((make_tensor((30, 20), dt, low=lo, high=hi, seed=4),
                                  make_tensor((30, 20), dt, low=lo, high=hi, seed=5)), {}), what="%s [%g, %g]" % (dt, lo, hi))
        check(name, lambda: ((make_tensor((5, 7), dt, "transposed"), make_tensor((7,), dt, seed=6)), {}),
              what="%s special values" % dt)
    edges = [0.0, 1e-3, 1.0, 2.5, 100.0, float("inf"), -1.0, float("nan")]
    check(name, lambda: ((torch.tensor(edges, dtype=torch.float64)[:, None], torch.tensor(edges, dtype=torch.float64)), {}),
          what="edges")
    check(name, lambda: ((make_tensor((5, 7), torch.int64, low=0, high=5), make_tensor((5, 7), torch.float32, low=0, high=5)),
                         {}), what="int a")
    check(name, lambda: ((make_tensor((5, 7), torch.float16, low=0, high=5), make_tensor((5, 7), torch.float16, low=0, high=5)),
                         {}), what="half")
    check(name, lambda: ((make_tensor((0,), torch.float32), make_tensor((0,), torch.float32)), {}), what="empty")
