"""Parity of csrc/ops/pointwise/math.c: inverse hyperbolics, frac, exp2,
deg2rad/rad2deg, sinc, logit, sgn, signbit, logaddexp(2), hypot, xlogy,
copysign, heaviside (+ in place forms); of csrc/ops/special/special.c: i0,
lgamma, digamma, polygamma, erfinv, mvlgamma;
of csrc/ops/reduce/nan.c: nansum, nanmean; of csrc/ops/linalg/norm.c:
linalg_vector_norm."""
import pytest
import torch

from optest import ALL_DTYPES, LAYOUTS, SHAPES, check, covered, make_tensor

UNARY = ["acosh", "asinh", "atanh", "frac", "exp2", "special_exp2", "deg2rad", "rad2deg", "sinc", "special_sinc",
         "logit", "special_logit", "i0", "special_i0", "lgamma", "special_gammaln", "digamma", "special_digamma",
         "special_psi", "erfinv", "special_erfinv", "sgn", "signbit"]
UNARY_INPLACE = ["acosh_", "asinh_", "atanh_", "frac_", "exp2_", "deg2rad_", "rad2deg_", "sinc_", "logit_", "i0_",
                 "lgamma_", "digamma_", "erfinv_", "sgn_"]
# input ranges that exercise each function's domain
RANGES = {"acosh": (0.5, 8), "atanh": (-1.2, 1.2), "erfinv": (-1.1, 1.1), "logit": (-0.2, 1.2), "i0": (-30, 30),
          "lgamma": (-6, 30), "digamma": (-6, 30), "special_psi": (-6, 30), "exp2": (-20, 20)}
BINARY = ["logaddexp", "logaddexp2", "hypot", "xlogy.Tensor", "special_xlogy", "copysign.Tensor", "heaviside", "fmax",
          "fmin", "special_xlog1py", "float_power.Tensor_Tensor"]
BINARY_INPLACE = ["hypot_", "xlogy_.Tensor", "copysign_.Tensor", "heaviside_", "float_power_.Tensor"]
SCALAR = ["xlogy.Scalar_Other", "xlogy.Scalar_Self", "copysign.Scalar", "xlogy_.Scalar_Other", "copysign_.Scalar",
          "special_xlog1py.other_scalar", "special_xlog1py.self_scalar", "float_power.Tensor_Scalar",
          "float_power.Scalar", "float_power_.Scalar"]
REDUCE = {
    "nansum": [((), {}), ([1], {}), ([[0, -1], True], {}), ([[]], {}), ((), {"dtype": torch.float64}),
               ([[1]], {"dtype": torch.int64})],
    "nanmean": [((), {}), ([1], {}), ([[0, -1], True], {}), ([[]], {}), ((), {"dtype": torch.float64}),
                ((), {"dtype": torch.int64})],
    "linalg_vector_norm": [((), {}), ([1], {}), ([3, [0, -1], True], {}), ([float("inf"), 1], {}),
                           ([float("-inf")], {}), ([0, [1]], {}), ([0.5, None], {}), ([-1.5, 1], {}),
                           ([2, []], {}), ((), {"dtype": torch.float64}), ((), {"dtype": torch.float16}),
                           ((), {"dtype": torch.int64})],
}
COVERED = covered(UNARY, UNARY_INPLACE, BINARY, BINARY_INPLACE, SCALAR, REDUCE, "polygamma", "polygamma_",
                  "isclose", "allclose", "positive",
                  "special_polygamma", "mvlgamma", "mvlgamma_", "special_multigammaln")


def test_mvlgamma():
    for p in (1, 2, 3, 5, 0):
        for dt in (torch.float32, torch.float64, torch.int64):
            for lo in (2.5, 0.5):
                check("aten::mvlgamma", lambda: ((make_tensor((5, 7), dt, low=lo, high=9), p), {}),
                      what="p=%d %s low=%s" % (p, dt, lo))
        check("aten::special_multigammaln", lambda: ((make_tensor((5, 7), torch.float32, low=3, high=9), p), {}))
        check("aten::mvlgamma_", lambda: ((make_tensor((5, 7), torch.float64, low=3, high=9), p), {}), inplace_arg=0)


def _base(op):
    return op.rstrip("_").split(".")[0]


@pytest.mark.parametrize("op", UNARY)
def test_unary(op):
    lo, hi = RANGES.get(op, (None, None))
    for dt in ALL_DTYPES:
        # torch's float16 logit rounds x / (1 - x) to half before the log: one half ulp more
        tol = dict(rtol=1e-2, atol=1e-3) if dt == torch.float16 and "logit" in op else {}
        check("aten::" + op, lambda: ((make_tensor((5, 7), dt, low=lo, high=hi),), {}), what=str(dt), **tol)
    for shape in SHAPES:
        for layout in LAYOUTS:
            check("aten::" + op, lambda: ((make_tensor(shape, torch.float32, layout, low=lo, high=hi),), {}),
                  what="%s %s" % (shape, layout))
    check("aten::" + op, lambda: ((make_tensor((5, 7), torch.float32),), {}), what="specials")


def test_logit_eps():
    for eps in (0.0, 0.1, 0.7, -0.1):
        check("aten::logit", lambda: ((make_tensor((5, 7), torch.float32, low=-0.5, high=1.5), eps), {}),
              what="eps %s" % eps)
        check("aten::logit_", lambda: ((make_tensor((5, 7), torch.float64, low=-0.5, high=1.5), eps), {}),
              inplace_arg=0, what="eps %s" % eps)


@pytest.mark.parametrize("op", UNARY_INPLACE)
def test_unary_inplace(op):
    lo, hi = RANGES.get(_base(op), (None, None))
    for dt in (torch.float32, torch.float64, torch.int64):
        for layout in ("contig", "transposed", "expanded"):
            check("aten::" + op, lambda: ((make_tensor((5, 7), dt, layout, low=lo, high=hi),), {}), inplace_arg=0,
                  what="%s %s" % (dt, layout))


def test_polygamma():
    for n in (0, 1, 2, 3, 5, -1):
        for dt in (torch.float32, torch.float64, torch.int64, torch.bool):
            # integer inputs avoid the poles (0, -1, ...), where float32 and double rounding give unrelated huge values
            lo = 1 if dt in (torch.int64, torch.bool) else -4
            # n >= 2 goes through the Hurwitz zeta series, which torch sums in float32
            tol = dict(rtol=1e-4, atol=1e-5) if n >= 2 and dt != torch.float64 else {}
            check("aten::polygamma", lambda: ((n, make_tensor((5, 7), dt, low=lo, high=12)), {}),
                  what="n=%d %s" % (n, dt), **tol)
            check("aten::special_polygamma", lambda: ((n, make_tensor((5, 7), dt, low=0.2, high=12)), {}),
                  what="n=%d %s" % (n, dt), **tol)
        check("aten::polygamma_", lambda: ((make_tensor((5, 7), torch.float64, low=0.2, high=12), n), {}),
              inplace_arg=0, what="n=%d" % n)


@pytest.mark.parametrize("op", BINARY + BINARY_INPLACE)
def test_binary(op):
    inplace = 0 if "_." in op or op.endswith("_") else None
    for dt in ALL_DTYPES:
        check("aten::" + op, lambda: ((make_tensor((5, 7), dt, seed=1), make_tensor((5, 7), dt, seed=2)), {}),
              inplace_arg=inplace, what=str(dt))
    pairs = [((5, 7), (7,)), ((3, 1, 4), (5, 1)), ((), (2, 3)), ((0, 3), (3,)), ((2, 3), (4,))]
    for a, b in pairs:
        for layout in LAYOUTS:
            check("aten::" + op, lambda: ((make_tensor(a, torch.float32, layout, seed=1),
                                           make_tensor(b, torch.float32, seed=2)), {}),
                  inplace_arg=inplace, what="%s %s %s" % (a, b, layout))
    for da, db in ((torch.float32, torch.float64), (torch.int32, torch.float16), (torch.float16, torch.float32),
                   (torch.int64, torch.int32)):
        check("aten::" + op, lambda: ((make_tensor((5, 7), da, seed=1), make_tensor((), db, seed=2)), {}),
              inplace_arg=inplace, what="%s %s" % (da, db))
    # zeros and infinities in both operands
    vals = [0.0, -0.0, 1.0, -2.0, float("inf"), float("-inf"), float("nan")]
    check("aten::" + op, lambda: ((torch.tensor(vals).view(-1, 1).expand(7, 7).clone(), torch.tensor(vals)), {}),
          inplace_arg=inplace, what="specials")


@pytest.mark.parametrize("op", SCALAR)
def test_scalar_forms(op):
    inplace = 0 if "_." in op else None
    for s in (2, 0, -1.5, True, float("inf")):
        for dt in (torch.float32, torch.int64, torch.float16, torch.float64):
            if op.endswith(("Self", "self_scalar", ".Scalar")) and not op.startswith(("copysign", "float_power_")):
                mk = lambda: ((s, make_tensor((5, 7), dt)), {})
            else:
                mk = lambda: ((make_tensor((5, 7), dt), s), {})
            check("aten::" + op, mk, inplace_arg=inplace, what="%s %r" % (dt, s))


def _reduce_params():
    for op, variants in REDUCE.items():
        for i in range(len(variants)):
            yield op, i


@pytest.mark.parametrize("op,i", list(_reduce_params()))
def test_reductions(op, i):
    args, kw = REDUCE[op][i]
    for dt in (torch.float32, torch.float64, torch.float16, torch.int32, torch.bool):
        # float16: torch's reduction over non-adjacent dims stores partial sums in the half output
        tol = dict(rtol=5e-3, atol=2e-3) if dt == torch.float16 else {}
        # inf cast to an integer dtype is undefined (torch's half -> int64 differs from float -> int64)
        special = not (kw.get("dtype") == torch.int64 and dt == torch.float16)
        check("aten::" + op, lambda: ((make_tensor((2, 3, 4, 5), dt, "strided", special=special),) + tuple(args),
                                      dict(kw)), what="%s %r %r" % (dt, args, kw), **tol)
    for shape in SHAPES:
        check("aten::" + op, lambda: ((make_tensor(shape, torch.float32, "contig" if shape else "contig"),)
                                      + tuple(args if not args or shape == (2, 3, 4, 5) else ()), dict(kw)),
              what="%s %r" % (shape, kw))


def test_isclose_allclose():
    vals = [0.0, 1.0, 1.0 + 1e-6, float("inf"), float("-inf"), float("nan"), -2.0]
    for kw in ({}, {"equal_nan": True}, {"rtol": 0.1, "atol": 0.5}, {"rtol": -1.0}, {"atol": -1.0}):
        for op in ("aten::isclose", "aten::allclose"):
            check(op, lambda: ((torch.tensor(vals).view(-1, 1).expand(7, 7).clone(), torch.tensor(vals)), dict(kw)),
                  what=str(kw))
            for dt in (torch.float32, torch.int64, torch.bool, torch.float16):
                check(op, lambda: ((make_tensor((5, 7), dt, seed=1), make_tensor((7,), dt, seed=2)), dict(kw)),
                      what="%s %s" % (dt, kw))
            check(op, lambda: ((make_tensor((5, 7), torch.float32), make_tensor((5, 7), torch.float64)), {}),
                  what="dtype mismatch")
    check("aten::allclose", lambda: ((make_tensor((5, 7), torch.float32), make_tensor((5, 7), torch.float32)), {}),
          what="same")


def test_positive():
    for dt in (torch.float32, torch.int64, torch.bool):
        check("aten::positive", lambda: ((make_tensor((5, 7), dt, "transposed"),), {}), view_of=0, what=str(dt))
