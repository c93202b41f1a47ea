"""Parity of complex64 / complex128 in elementwise math, softmax with a dtype and
the data-movement kernels (issue 14): block_diag, empty_strided, index_add /
index_copy / index_fill, pixel_shuffle / pixel_unshuffle / channel_shuffle,
im2col, nonzero_numpy, and the complex loops of expm1, log1p, logaddexp,
ldexp, float_power, lerp, silu, isclose / allclose, sinc, softmax /
log_softmax with dtype, trapezoid / cumulative_trapezoid, cov / corrcoef, rms_norm,
renorm, logcumsumexp; and float16 logit, whose steps torch rounds to half.

Data movement copies elements, so it is compared exactly.  Math is compared
at torch.testing's complex defaults (per part: complex64 rtol 1.3e-6 / atol
1e-5, complex128 1e-7 / 1e-7), the bound of docs/tolerances.md for a few
roundings of a well-conditioned expression: pyts evaluates torch's formula
(c10/util/complex_math.h, aten/src/ATen/native/cpu) in double and rounds once,
torch in the dtype's own precision; where a formula is ill-conditioned (a
difference of nearly equal numbers) the inputs here stay away from it.
"""
import pytest
import torch

from optest import COMPLEX_DTYPES, LAYOUTS, check, covered, make_complex, make_tensor

COVERED = covered("aten::block_diag", "aten::empty_strided", "aten::new_empty_strided", "aten::index_add",
                  "aten::index_add_", "aten::index_copy", "aten::index_fill.int_Scalar",
                  "aten::index_fill.int_Tensor", "aten::pixel_shuffle", "aten::pixel_unshuffle",
                  "aten::channel_shuffle", "aten::im2col", "aten::nonzero_numpy")

EXACT = dict(rtol=0, atol=0)


def cx(shape, dt, layout="contig", seed=0, special=True):
    return make_complex(shape, dt, layout, seed=seed, special=special)


# ---- data movement: exact ----------------------------------------------------------------------


def test_block_diag():
    for dt in COMPLEX_DTYPES:
        check("aten::block_diag", lambda: (([cx((2, 3), dt), cx((3,), dt, seed=1), cx((), dt, seed=2),
                                             cx((1, 0), dt), cx((3, 2), dt, "transposed", seed=3)],), {}),
              what=str(dt), **EXACT)
        # mixed: a complex block promotes the real ones
        check("aten::block_diag", lambda: (([make_tensor((2, 2), torch.float64), cx((1, 3), dt)],), {}),
              what=str(dt) + " mixed", **EXACT)


def test_empty_strided():
    # the values of an empty tensor are unspecified: compare what both engines define (shape,
    # strides through the result's layout, dtype) on an all-zeros-safe path via new_zeros-like checks
    for dt in COMPLEX_DTYPES:
        for size, stride in [((2, 3), (3, 1)), ((0, 4), (4, 1)), ((), ()), ((3, 2), (1, 3))]:
            from pyts import _C
            from optest import to_pyts
            got = _C.call_op("aten::empty_strided", list(size), list(stride), dtype=to_pyts(dt))
            exp = torch.empty_strided(size, stride, dtype=dt)
            assert got.shape == tuple(exp.shape) and str(got.dtype) == str(exp.dtype).split(".")[1]
            assert tuple(s // got.itemsize for s in got.strides) == tuple(exp.stride()) or exp.numel() == 0
            got = _C.call_op("aten::new_empty_strided", to_pyts(cx((2,), dt)), list(size), list(stride))
            assert got.shape == tuple(exp.shape) and str(got.dtype) == str(exp.dtype).split(".")[1]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_index_updates(layout):
    idx = torch.tensor([3, 0, 2])
    for dt in COMPLEX_DTYPES:
        for dim in (0, 1):
            shape = (4, 4)
            sshape = (3, 4) if dim == 0 else (4, 3)
            check("aten::index_copy", lambda: ((cx(shape, dt, layout), dim, idx, cx(sshape, dt, seed=1)), {}),
                  what="%s dim %d" % (dt, dim), **EXACT)
            for alpha in (1, 2.5, complex(0.5, -2)):
                check("aten::index_add", lambda: ((cx(shape, dt, layout), dim, idx, cx(sshape, dt, seed=1)),
                                                  {"alpha": alpha}), what="%s dim %d alpha %s" % (dt, dim, alpha))
            for v in (2, -1.5, complex(1, -3)):
                check("aten::index_fill.int_Scalar", lambda: ((cx(shape, dt, layout), dim, idx, v), {}),
                      what="%s dim %d %s" % (dt, dim, v), **EXACT)
            check("aten::index_fill.int_Tensor",
                  lambda: ((cx(shape, dt, layout), dim, idx, torch.tensor(complex(-2, 0.25), dtype=dt)), {}),
                  what=str(dt), **EXACT)
        # in place, repeated indices accumulate; empty index; 0-dim self
        check("aten::index_add_", lambda: ((cx((5, 3), dt), 0, torch.tensor([1, 1, 4]), cx((3, 3), dt, seed=2)), {}),
              inplace_arg=0, what=str(dt))
        check("aten::index_copy", lambda: ((cx((2, 3), dt), 0, torch.tensor([], dtype=torch.int64),
                                            cx((0, 3), dt)), {}), **EXACT)
        check("aten::index_fill.int_Scalar", lambda: ((cx((), dt), 0, torch.tensor([0]), complex(1, 1)), {}), **EXACT)
        # refused: source of another dtype
        check("aten::index_copy", lambda: ((cx((2, 3), dt), 0, torch.tensor([0]), make_tensor((1, 3), torch.float32)), {}))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_shuffles(layout):
    for dt in COMPLEX_DTYPES:
        for shape, r in [((1, 8, 3, 2), 2), ((2, 9, 1, 1), 3), ((4, 3, 2), 1), ((0, 4, 2, 2), 2)]:
            check("aten::pixel_shuffle", lambda: ((cx(shape, dt, layout), r), {}), what=str(shape), **EXACT)
        for shape, r in [((1, 2, 4, 6), 2), ((3, 6, 3), 3), ((0, 1, 2, 2), 2)]:
            check("aten::pixel_unshuffle", lambda: ((cx(shape, dt, layout), r), {}), what=str(shape), **EXACT)
        for shape, g in [((1, 6, 2, 3), 3), ((2, 4, 5), 2), ((1, 4, 1, 1, 2), 4)]:
            check("aten::channel_shuffle", lambda: ((cx(shape, dt, layout), g), {}), what=str(shape), **EXACT)


def test_im2col():
    for dt in COMPLEX_DTYPES:
        for shape in [(2, 3, 5, 4), (1, 6, 6), (0, 2, 3, 3)]:
            for layout in ("contig", "transposed"):
                check("aten::im2col", lambda: ((cx(shape, dt, layout), [2, 3], [1, 2], [1, 0], [2, 1]), {}),
                      what="%s %s %s" % (dt, shape, layout), **EXACT)


def test_nonzero_numpy():
    for dt in COMPLEX_DTYPES:
        def mk(shape, layout):
            t = cx(shape, dt, layout).clone()
            if t.numel() >= 6:  # zeros, and numbers with one zero part (written through a view)
                f = t.view(-1) if t.is_contiguous() else t.transpose(-1, -2).reshape(-1)
                f[3], f[4], f[5] = 0, complex(0, 2), complex(-1, 0)
                if not t.is_contiguous():
                    t = f.view(t.transpose(-1, -2).shape).transpose(-1, -2)
            return t
        for shape in [(3, 4), (2, 3, 4), (), (0, 3), (7,)]:
            for layout in ("contig", "transposed", "strided"):
                check("aten::nonzero_numpy", lambda: ((mk(shape, layout),), {}), what=str(shape), **EXACT)


# ---- elementwise math: torch's complex formulas ------------------------------------------------

MATH_COVERED = covered("aten::expm1", "aten::log1p", "aten::sinc", "aten::silu", "aten::silu_", "aten::logaddexp",
                       "aten::lerp.Scalar", "aten::lerp.Tensor", "aten::lerp_.Scalar", "aten::isclose",
                       "aten::allclose", "aten::ldexp.Tensor", "aten::float_power.Tensor_Tensor",
                       "aten::float_power.Tensor_Scalar", "aten::float_power.Scalar", "aten::float_power_.Scalar",
                       "aten::softmax.int", "aten::log_softmax.int")
COVERED = sorted(set(COVERED) | set(MATH_COVERED))

MATH_SHAPES = [(5, 7), (3, 1, 4), (), (0, 3), (1, 9)]


def small(shape, dt, layout="contig", seed=0, scale=1.0):
    """finite numbers |re|, |im| <= scale (the region where the formula is well conditioned)"""
    return make_complex(shape, dt, layout, seed=seed, special=False, scale=scale)


@pytest.mark.parametrize("op", ["expm1", "log1p", "sinc", "silu"])
def test_unary_math(op):
    for dt in COMPLEX_DTYPES:
        for shape in MATH_SHAPES:
            for layout in LAYOUTS:
                check("aten::" + op, lambda: ((small(shape, dt, layout, scale=2.0),), {}),
                      what="%s %s %s" % (dt, shape, layout))
        # tiny arguments: log1p's u == 1 and u - 1 == z branches, expm1's cancellation-free form
        tiny = lambda: ((torch.tensor([1e-9 + 1e-9j, 1e-30 - 2e-8j, -3e-5 + 0j, 0j, 2e-3 + 5e-4j], dtype=dt),), {})
        check("aten::" + op, tiny, what=str(dt) + " tiny")
    # in place
    if op == "silu":
        check("aten::silu_", lambda: ((small((4, 3), torch.complex64),), {}), inplace_arg=0)


def test_sinc_large_imaginary():
    # sin(pi z) grows as exp(pi |Im z|): complex64 is computed in float like torch, whose float
    # rounding of pi z is what the result's last bits follow
    for dt in COMPLEX_DTYPES:
        check("aten::sinc", lambda: ((small((6, 5), dt, seed=3, scale=8.0),), {}), what=str(dt))


def test_logaddexp():
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            check("aten::logaddexp", lambda: ((small((4, 5), dt, layout, scale=3.0),
                                               small((4, 5), dt, seed=1, scale=3.0)), {}), what=str(dt))
        # broadcast, empty, special values: NaN parts, -inf and +inf real parts
        check("aten::logaddexp", lambda: ((small((3, 1, 4), dt), small((2, 4), dt, seed=1)), {}))
        check("aten::logaddexp", lambda: ((small((0, 3), dt), small((3,), dt, seed=1)), {}))
        sp = [complex(float("nan"), 1), complex(-float("inf"), 2), complex(float("inf"), 0), complex(1, 2),
              complex(-float("inf"), 0.5), complex(2, float("nan"))]
        check("aten::logaddexp", lambda: ((torch.tensor(sp, dtype=dt).view(-1, 1),
                                           torch.tensor(sp, dtype=dt).view(1, -1)), {}), what=str(dt) + " special")


def test_lerp():
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            for w in (0.25, 0.75, complex(0.3, 0.6), -1.5):
                check("aten::lerp.Scalar", lambda: ((small((4, 5), dt, layout), small((4, 5), dt, seed=1)), {"weight": w}),
                      what="%s %s %s" % (dt, layout, w))
            check("aten::lerp.Tensor", lambda: ((small((4, 5), dt, layout), small((4, 5), dt, seed=1),
                                                 small((4, 5), dt, seed=2)), {}), what="%s %s" % (dt, layout))
        check("aten::lerp.Tensor", lambda: ((small((3, 1, 4), dt), small((2, 4), dt, seed=1), small((4,), dt, seed=2)), {}))
        check("aten::lerp.Scalar", lambda: ((small((0, 4), dt), small((4,), dt, seed=1), 0.5), {}))
        check("aten::lerp_.Scalar", lambda: ((small((3, 4), dt), small((4,), dt, seed=1), complex(0.5, 0.5)), {}),
              inplace_arg=0)
        # refused: end of another dtype
        check("aten::lerp.Scalar", lambda: ((small((3,), dt), make_tensor((3,), torch.float32), 0.5), {}))


def test_isclose_allclose():
    for dt in COMPLEX_DTYPES:
        def pair(layout, eps):
            x = make_complex((5, 6), dt, layout)
            y = (x + eps * small((5, 6), dt, seed=1)).to(dt)
            return x, y
        for layout in LAYOUTS:
            for eps in (0.0, 1e-9, 1e-6, 1e-3):
                for kw in ({}, {"rtol": 1e-3, "atol": 0.0}, {"rtol": 0.0, "atol": 1e-5}, {"equal_nan": True},
                           {"rtol": 0.0, "atol": 0.0}):
                    check("aten::isclose", lambda: (pair(layout, eps), kw), what="%s %s %s %s" % (dt, layout, eps, kw))
                    check("aten::allclose", lambda: (pair(layout, eps), kw), what="%s %s %s %s" % (dt, layout, eps, kw))
        check("aten::isclose", lambda: ((small((2, 1, 3), dt), small((4, 3), dt, seed=1)), {"rtol": 1.0}))
        check("aten::isclose", lambda: ((small((0, 3), dt), small((3,), dt, seed=1)), {}))
        # refused: different dtypes, negative tolerance
        check("aten::isclose", lambda: ((small((3,), dt), make_tensor((3,), torch.float64)), {}))
        check("aten::isclose", lambda: ((small((3,), dt), small((3,), dt)), {"rtol": -1.0}))


def test_ldexp_float_power():
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            check("aten::ldexp.Tensor", lambda: ((small((4, 5), dt, layout, scale=3.0), small((4, 5), dt, seed=1)), {}),
                  what=str(dt))
            check("aten::ldexp.Tensor", lambda: ((small((4, 5), dt, layout), make_tensor((4, 5), torch.int64, seed=1)), {}),
                  what=str(dt) + " int exponent")
            check("aten::float_power.Tensor_Tensor", lambda: ((small((4, 5), dt, layout, scale=2.0),
                                                               small((4, 5), dt, seed=1)), {}), what=str(dt))
        check("aten::ldexp.Tensor", lambda: ((make_tensor((2, 3), torch.float32), small((3,), dt)), {}))
        for e in (2, 0.5, -1, complex(1, 1), 3.5):
            check("aten::float_power.Tensor_Scalar", lambda: ((small((3, 4), dt, scale=2.0), e), {}), what=str(e))
        check("aten::float_power.Tensor_Scalar", lambda: ((make_tensor((3, 4), torch.float32), complex(0, 1)), {}))
        check("aten::float_power.Scalar", lambda: ((complex(1.5, -0.5), small((3, 4), dt)), {}))
        check("aten::float_power.Tensor_Tensor", lambda: ((small((2, 1, 3), dt), make_tensor((4, 3), torch.float32)), {}))
        check("aten::float_power.Tensor_Tensor", lambda: ((small((0, 3), dt), small((3,), dt)), {}))
        # in place: only a complex128 self can hold the complex128 result
        check("aten::float_power_.Scalar", lambda: ((small((3, 4), dt), complex(0.5, 1)), {}),
              inplace_arg=0 if dt == torch.complex128 else None)


def test_softmax_with_dtype():
    for dt in COMPLEX_DTYPES:
        for shape, dim in [((4, 5), 1), ((3, 1, 4), 0), ((0, 3), 1), ((), 0), ((2, 7), -1)]:
            for layout in ("contig", "transposed", "strided"):
                for out in (torch.float64, torch.float32):
                    for op in ("aten::softmax.int", "aten::log_softmax.int"):
                        check(op, lambda: ((make_complex(shape, dt, layout, special=False), dim), {"dtype": out}),
                              what="%s %s %s %s" % (dt, shape, layout, out))
        # refused: a complex input without a real dtype, or a complex dtype
        check("aten::softmax.int", lambda: ((small((3,), dt), 0), {}))
        check("aten::log_softmax.int", lambda: ((small((3,), dt), 0), {"dtype": dt}))


# ---- trapezoid: complex samples and spacings ---------------------------------------------------

COVERED = sorted(set(COVERED) | set(covered("aten::trapezoid.x", "aten::trapz.x", "aten::cumulative_trapezoid.x",
                                            "aten::trapezoid.dx", "aten::cumulative_trapezoid.dx")))


@pytest.mark.parametrize("op", ["aten::trapezoid.x", "aten::trapz.x", "aten::cumulative_trapezoid.x"])
def test_trapezoid_x(op):
    # sums of a few products: within the complex defaults for these short rows
    for dt in COMPLEX_DTYPES:
        for layout in ("contig", "transposed", "strided"):
            check(op, lambda: ((small((4, 5), dt, layout), small((4, 5), dt, seed=1)), {}), what="%s %s" % (dt, layout))
            check(op, lambda: ((small((4, 5), dt, layout), small((4,), dt, seed=1)), {"dim": 0}), what="%s 1-D x" % dt)
        # real spacing with complex samples and the reverse; a single sample; empty rows
        check(op, lambda: ((small((3, 6), dt), make_tensor((6,), torch.float64, special=False)), {}))
        check(op, lambda: ((make_tensor((3, 6), torch.float32, special=False), small((3, 6), dt, seed=1)), {}))
        check(op, lambda: ((small((2, 1), dt), small((2, 1), dt, seed=1)), {}))
        check(op, lambda: ((small((0, 3), dt), small((0, 3), dt, seed=1)), {}))
        # refused: x of the wrong length
        check(op, lambda: ((small((2, 4), dt), small((3,), dt, seed=1)), {}))


def test_trapezoid_dx():
    for dt in COMPLEX_DTYPES:
        for op in ("aten::trapezoid.dx", "aten::cumulative_trapezoid.dx"):
            for dx in (1, 0.5, complex(1, -1)):
                check(op, lambda: ((small((3, 5), dt, "transposed"),), {"dx": dx, "dim": 0}), what="%s %s" % (dt, dx))


# ---- cov / corrcoef: the conjugate transpose -----------------------------------------------------

COVERED = sorted(set(COVERED) | set(covered("aten::cov", "aten::corrcoef")))


def test_cov_corrcoef():
    # a few products summed per element (n <= 7 observations): within the complex defaults
    for dt in COMPLEX_DTYPES:
        real = torch.float64 if dt == torch.complex128 else torch.float32
        for shape in [(3, 7), (7,), (1, 5), (2, 1)]:
            for layout in ("contig", "transposed", "strided"):
                check("aten::corrcoef", lambda: ((small(shape, dt, layout, scale=2.0),), {}), what="%s %s" % (dt, shape))
                for kw in ({}, {"correction": 0}, {"correction": 2}):
                    check("aten::cov", lambda: ((small(shape, dt, layout, scale=2.0),), kw),
                          what="%s %s %s %s" % (dt, shape, layout, kw))
            n = shape[-1]
            fw = torch.arange(1, n + 1)
            aw = torch.linspace(0.5, 2.0, n, dtype=real)
            check("aten::cov", lambda: ((small(shape, dt),), {"fweights": fw, "aweights": aw}), what=str(shape))
        # refused: 3-D input
        check("aten::cov", lambda: ((small((2, 2, 2), dt),), {}))


# ---- rms_norm, renorm --------------------------------------------------------------------------

COVERED = sorted(set(COVERED) | set(covered("aten::rms_norm", "aten::renorm")))


def test_rms_norm():
    # ATen's complex rms_norm: x * rsqrt(mean(x * x) + eps) * weight (x * x, not |x|^2); a mean of a
    # few numbers and one rsqrt: within the complex defaults away from mean(x * x) ~ 0
    for dt in COMPLEX_DTYPES:
        for shape, ns in [((3, 4), [4]), ((2, 3, 5), [3, 5]), ((0, 4), [4]), ((1, 7), [7])]:
            for layout in ("contig", "transposed", "strided"):
                for eps in (None, 1e-5):
                    check("aten::rms_norm", lambda: ((small(shape, dt, layout, scale=2.0), ns, None, eps), {}),
                          what="%s %s %s %s" % (dt, shape, layout, eps))
                check("aten::rms_norm", lambda: ((small(shape, dt, layout, scale=2.0), ns,
                                                  small(tuple(ns), dt, seed=1)), {}), what="%s weight" % dt)
        # refused: normalized_shape that does not match
        check("aten::rms_norm", lambda: ((small((3, 4), dt), [5]), {}))


def test_renorm():
    for dt in COMPLEX_DTYPES:
        for p in (1.0, 2.0, 3.0, float("inf")):
            for dim in (0, 1, -1):
                for layout in ("contig", "transposed", "strided"):
                    check("aten::renorm", lambda: ((small((4, 5), dt, layout, scale=2.0), p, dim, 2.5), {}),
                          what="%s p=%s dim=%d %s" % (dt, p, dim, layout))
        check("aten::renorm", lambda: ((small((2, 3, 4), dt), 2.0, 1, 0.5), {}))
        check("aten::renorm", lambda: ((small((0, 3), dt), 2.0, 1, 0.5), {}))
        # refused: 1-D input, negative maxnorm
        check("aten::renorm", lambda: ((small((4,), dt), 2.0, 0, 1.0), {}))
        check("aten::renorm", lambda: ((small((2, 4), dt), 2.0, 0, -1.0), {}))


# ---- logcumsumexp: _log_add_exp_helper accumulated in complex<double> ---------------------------

COVERED = sorted(set(COVERED) | set(covered("aten::logcumsumexp")))


def test_logcumsumexp():
    for dt in COMPLEX_DTYPES:
        for shape, dim in [((4, 6), 1), ((4, 6), 0), ((3, 1, 5), -1), ((0, 3), 1), ((), 0), ((7,), 0)]:
            for layout in ("contig", "transposed", "strided"):
                check("aten::logcumsumexp", lambda: ((small(shape, dt, layout, scale=3.0),), {"dim": dim}),
                      what="%s %s %s" % (dt, shape, layout))
        # NaN parts poison what follows, -inf real parts are skipped, +inf real parts
        sp = [complex(1, 2), complex(-float("inf"), 0), complex(float("inf"), 0.5), complex(0.5, -1),
              complex(float("nan"), 1), complex(2, 2)]
        check("aten::logcumsumexp", lambda: ((torch.tensor(sp, dtype=dt),), {"dim": 0}), what=str(dt) + " special")
        check("aten::logcumsumexp", lambda: ((torch.tensor(sp[:2] + sp[3:4], dtype=dt),), {"dim": 0}),
              what=str(dt) + " -inf")


# ---- float16 / bfloat16 logit: each step rounded to the element's dtype --------------------------


def test_logit_half_steps():
    # ATen's half kernels round 1 - x, the quotient and the log to float16 each; pyts does the same
    # steps, so the results agree to the bit (a result computed in float and rounded once differs by
    # an ulp in ~1/3 of these inputs)
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(4000, generator=g) * 0.998 + 0.001).to(torch.float16)
    x[:4] = torch.tensor([0.0, 1.0, float("nan"), 0.5])
    for eps in (None, 0.05, 1e-6):
        check("aten::logit", lambda: ((x.clone(),), {"eps": eps}), what="float16 eps=%s" % eps, **EXACT)
        check("aten::logit", lambda: ((x.clone()[:3968].reshape(-1, 31)[:, ::2],), {"eps": eps}),
              what="float16 strided eps=%s" % eps, **EXACT)


def test_div_trunc_half_quotient():
    # torch rounds the float16 / bfloat16 quotient to the dtype before truncating it (139.97 -> 140 -> 140);
    # truncating the float quotient differs in ~1 element in 8 of these; bfloat16 cannot cross call_op
    g = torch.Generator().manual_seed(0)
    a = (torch.rand(3000, generator=g) * 1000 - 500).to(torch.float16)
    b = (torch.rand(3000, generator=g) * 4 - 2).to(torch.float16)
    check("aten::div.Tensor_mode", lambda: ((a.clone(), b.clone()), {"rounding_mode": "trunc"}), **EXACT)
    check("aten::div.Tensor_mode", lambda: ((a.clone().view(60, 50)[:, ::2], b.clone()[:25]), {"rounding_mode": "trunc"}),
          what="broadcast strided", **EXACT)
    check("aten::div.Scalar_mode", lambda: ((a.clone(), 2.7), {"rounding_mode": "trunc"}), what="scalar", **EXACT)
    check("aten::div_.Tensor_mode", lambda: ((a.clone(), b.clone()), {"rounding_mode": "trunc"}), inplace_arg=0, **EXACT)
    # a one-element divisor (a number, a 0-dim or a [1] tensor): torch truncates the float quotient
    one = torch.tensor([1.7], dtype=torch.float16)
    check("aten::div.Tensor_mode", lambda: ((a.clone(), one.clone()), {"rounding_mode": "trunc"}), what="[1]", **EXACT)
    check("aten::div.Tensor_mode", lambda: ((a.clone(), one.clone()[0]), {"rounding_mode": "trunc"}), what="0-dim", **EXACT)
