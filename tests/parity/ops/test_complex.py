"""Parity of complex tensors: the ops of csrc/ops/pointwise/complex.c (real,
imag, view_as_real, view_as_complex, conj, conj_physical, resolve_conj,
polar, complex, angle) and the complex paths of the real kernels
(elementwise.c's DEFC loops, abs/sgn/isreal, sum/mean/prod, mm/matmul via
cgemm/zgemm, conversions, cat/stack, factories), complex64 and complex128,
on the layouts of optest (contiguous, transposed, strided, expanded, empty,
0-dim) with NaN / inf parts.  Tolerances are torch.testing's defaults for
the complex dtypes (per part: complex64 rtol 1.3e-6 / atol 1e-5, complex128
1e-7 / 1e-7): pyts computes with C11 <complex.h> (glibc, <= 2-3 ulp per
part away from the poles), torch with its own complex math, both well
inside those bounds for the moderate inputs here (|z| <= 3*sqrt(2))."""
import numpy as np
import pytest
import torch

from optest import COMPLEX_DTYPES, LAYOUTS, SHAPES, check, covered, make_complex, make_tensor

UNARY = ["neg", "exp", "log", "log2", "log10", "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin",
         "acos", "atan", "sigmoid", "reciprocal", "square", "sgn", "abs", "angle", "isreal", "isnan", "isinf",
         "isfinite", "conj_physical", "logical_not"]
VIEWS = ["real", "imag", "view_as_real"]
BINARY = ["add.Tensor", "sub.Tensor", "mul.Tensor", "div.Tensor", "eq.Tensor", "ne.Tensor", "pow.Tensor_Tensor"]
SCALAR = ["add.Scalar", "mul.Scalar", "div.Scalar", "eq.Scalar", "pow.Tensor_Scalar"]
COVERED = covered(VIEWS, "view_as_complex", "conj", "_conj", "conj_physical", "conj_physical_", "resolve_conj",
                  "polar", "complex", "angle")

# glibc's complex functions near their branch cuts / with huge parts differ from torch's in the last
# bits; where a function's result is ill-conditioned (1 / z near 0, tan near its poles) the relative
# error of either engine grows with the condition number, so those use the inputs' own magnitude bound
SMALL_SHAPES = [(5, 7), (3, 1, 4), (), (0, 3)]


@pytest.mark.parametrize("op", UNARY)
def test_unary(op):
    for dt in COMPLEX_DTYPES:
        for shape in SMALL_SHAPES:
            for layout in LAYOUTS:
                check("aten::" + op, lambda: ((make_complex(shape, dt, layout),), {}),
                      what="%s %s %s" % (dt, shape, layout))


def test_unary_inplace():
    for dt in COMPLEX_DTYPES:
        for op in ("neg_", "exp_", "sqrt_", "sgn_", "conj_physical_", "mul_.Tensor", "add_.Tensor"):
            nargs = 2 if "." in op else 1
            check("aten::" + op, lambda: (tuple(make_complex((4, 5), dt, seed=i) for i in range(nargs)), {}),
                  inplace_arg=0, what=str(dt))
    # abs_ of a complex tensor is refused by torch ("In-place abs is not supported for complex tensors.")
    check("aten::abs_", lambda: ((make_complex((3,), torch.complex64),), {}))


@pytest.mark.parametrize("op", VIEWS)
def test_views(op):
    for dt in COMPLEX_DTYPES:
        for shape in SHAPES:
            for layout in LAYOUTS:
                check("aten::" + op, lambda: ((make_complex(shape, dt, layout),), {}), view_of=0,
                      what="%s %s %s" % (dt, shape, layout))
    # real tensors: real() is the tensor itself, imag() and view_as_real() are refused
    for dt in (torch.float32, torch.int64):
        check("aten::" + op, lambda: ((make_tensor((3, 4), dt),), {}), what=str(dt))


def test_view_as_complex():
    for dt in (torch.float32, torch.float64):
        for shape in [(5, 2), (3, 4, 2), (2,), (0, 2)]:
            check("aten::view_as_complex", lambda: ((make_tensor(shape, dt),), {}), view_of=0, what=str(shape))
        # a transposed batch keeps even strides
        check("aten::view_as_complex", lambda: ((make_tensor((4, 3, 2), dt).transpose(0, 1),), {}), view_of=0)
    # refused: odd strides, last dim not 2 or not stride 1, 0-dim, integer dtype (an odd storage offset
    # cannot cross call_op: a NumPy view starts its own storage; float16 -> complex32, which NumPy cannot
    # hold, is refused by pyts)
    bad = [lambda: make_tensor((3, 3), torch.float32)[:, :2],
           lambda: make_tensor((3, 4), torch.float32),
           lambda: make_tensor((2, 3), torch.float32).t(),
           lambda: make_tensor((), torch.float32),
           lambda: make_tensor((3, 2), torch.int64)]
    for mk in bad:
        check("aten::view_as_complex", lambda: ((mk(),), {}))


def test_conj_resolve():
    # pyts has no lazy conj bit: conj materializes, resolve_conj is the identity on values
    for dt in COMPLEX_DTYPES:
        for shape in SHAPES:
            for layout in LAYOUTS:
                what = "%s %s %s" % (dt, shape, layout)
                for name in ("aten::conj", "aten::_conj"):
                    check(name, lambda: ((make_complex(shape, dt, layout),), {}), what=what,
                          ref=lambda x: torch_conj(x))
                check("aten::resolve_conj", lambda: ((make_complex(shape, dt, layout),), {}), what=what)
    for dt in (torch.float32, torch.int64):  # real tensors are their own conjugate
        for name in ("aten::conj", "aten::conj_physical", "aten::resolve_conj"):
            check(name, lambda: ((make_tensor((3, 4), dt),), {}), view_of=0, what=str(dt))


def torch_conj(x):
    return torch.conj(x).resolve_conj()


@pytest.mark.parametrize("op", BINARY)
def test_binary(op):
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            check("aten::" + op, lambda: ((make_complex((5, 7), dt, layout), make_complex((5, 7), dt, layout, seed=1)), {}),
                  what="%s %s" % (dt, layout))
        # broadcasting, empty, 0-dim
        for sa, sb in [((3, 1, 4), (5, 1)), ((0, 3), (3,)), ((), (2, 3)), ((4,), ())]:
            check("aten::" + op, lambda: ((make_complex(sa, dt), make_complex(sb, dt, seed=1)), {}),
                  what="%s %s %s" % (dt, sa, sb))
    # promotion with real tensors: complex64 with float64 -> complex128; int with complex -> complex
    for other in (torch.float64, torch.float32, torch.int64, torch.bool):
        check("aten::" + op, lambda: ((make_complex((4, 5), torch.complex64), make_tensor((4, 5), other, special=False)),
                                      {}), what=str(other))
        check("aten::" + op, lambda: ((make_tensor((5,), other, special=False), make_complex((4, 5), torch.complex128)),
                                      {}), what=str(other))


@pytest.mark.parametrize("op", SCALAR)
def test_scalar(op):
    for dt in COMPLEX_DTYPES:
        for s in (2, 0.5, -1.5, 1 + 2j, -0.5j, 3):
            check("aten::" + op, lambda: ((make_complex((5, 7), dt, "strided"), s), {}), what="%s %r" % (dt, s))
    # a complex scalar promotes a real tensor to complex (float64 -> complex128)
    for dt in (torch.float32, torch.float64, torch.int64):
        check("aten::" + op, lambda: ((make_tensor((3, 4), dt, special=False), 1 - 2j), {}), what=str(dt))


def test_add_alpha():
    for dt in COMPLEX_DTYPES:
        for alpha in (2, -1.5, 1 + 1j):
            for name in ("aten::add.Tensor", "aten::sub.Tensor"):
                check(name, lambda: ((make_complex((5, 7), dt), make_complex((7,), dt, seed=1)), {"alpha": alpha}),
                      what="%s %r" % (dt, alpha))


def test_polar_complex():
    for dt in (torch.float32, torch.float64):
        for layout in LAYOUTS:
            for name in ("aten::polar", "aten::complex"):
                check(name, lambda: ((make_tensor((5, 7), dt, layout), make_tensor((5, 7), dt, layout, seed=1)), {}),
                      what="%s %s" % (dt, layout))
        for sa, sb in [((3, 1, 4), (5, 1)), ((0, 3), (3,)), ((), (2, 3))]:
            for name in ("aten::polar", "aten::complex"):
                check(name, lambda: ((make_tensor(sa, dt), make_tensor(sb, dt, seed=1)), {}), what=str((sa, sb)))
    # refused: mixed dtypes, integer inputs
    for a, b in [(torch.float32, torch.float64), (torch.int64, torch.int64)]:
        for name in ("aten::polar", "aten::complex"):
            check(name, lambda: ((make_tensor((3,), a), make_tensor((3,), b)), {}), what=str((a, b)))


def test_angle_real():
    for dt in (torch.float32, torch.float64, torch.int64, torch.bool):
        check("aten::angle", lambda: ((make_tensor((5, 7), dt),), {}), what=str(dt))


def test_reductions():
    for dt in COMPLEX_DTYPES:
        for shape in [(5, 7), (3, 1, 4), (), (0, 3)]:
            for layout in LAYOUTS:
                mk = lambda: make_complex(shape, dt, layout, special=False)  # noqa: E731
                what = "%s %s %s" % (dt, shape, layout)
                for name in ("aten::sum", "aten::mean", "aten::prod"):
                    check(name, lambda: ((mk(),), {}), what=what)
                if len(shape) >= 2:
                    check("aten::sum.dim_IntList", lambda: ((mk(), [1], True), {}), what=what)
                    check("aten::mean.dim", lambda: ((mk(), [0, -1]), {}), what=what)
                    check("aten::prod.dim_int", lambda: ((mk(), 1), {}), what=what)
        check("aten::sum", lambda: ((make_complex((4, 5), dt, special=False),), {"dtype": torch.complex128}))


def test_matmul():
    # the rounding of a length-K complex dot product: |error| <= gamma(2K+2) * sum |a||b| per part
    # (torch.testing's complex64 rtol covers it for K <= 9 on inputs of one scale)
    for dt in COMPLEX_DTYPES:
        for layout in ("contig", "transposed", "strided"):
            check("aten::mm", lambda: ((make_complex((4, 6), dt, layout, special=False),
                                        make_complex((6, 5), dt, layout, seed=1, special=False)), {}),
                  what="%s %s" % (dt, layout))
        for sa, sb in [((2, 3, 4), (4, 5)), ((4,), (4, 3)), ((3, 4), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((0, 3), (3, 2))]:
            check("aten::matmul", lambda: ((make_complex(sa, dt, special=False),
                                            make_complex(sb, dt, seed=1, special=False)), {}), what=str((sa, sb)))
        check("aten::bmm", lambda: ((make_complex((3, 2, 4), dt, special=False),
                                     make_complex((3, 4, 5), dt, seed=1, special=False)), {}))
    check("aten::mm", lambda: ((make_complex((2, 3), torch.complex64), make_complex((3, 2), torch.complex128)), {}))


def test_conversions_and_shapes():
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            mk = lambda: make_complex((4, 5), dt, layout)  # noqa: E731
            for to in (torch.complex64, torch.complex128, torch.float32, torch.float64, torch.int64, torch.bool):
                check("aten::to.dtype", lambda: ((mk(), to), {}), what="%s -> %s" % (dt, to))
            check("aten::clone", lambda: ((mk(),), {}))
            check("aten::cat", lambda: (([mk(), make_complex((2, 5), dt)],), {}))
            check("aten::stack", lambda: (([mk(), make_complex((4, 5), dt, seed=3)], 1), {}))
            check("aten::copy_", lambda: ((make_complex((4, 5), dt, seed=5), mk()), {}), inplace_arg=0)
        for src in (torch.float32, torch.int64, torch.bool):  # real -> complex: imaginary part 0
            check("aten::to.dtype", lambda: ((make_tensor((3, 4), src), dt), {}), what="%s -> %s" % (src, dt))
            check("aten::copy_", lambda: ((make_complex((3, 4), dt), make_tensor((3, 4), src)), {}), inplace_arg=0)
        for name, args in [("aten::zeros", ([2, 3],)), ("aten::ones", ([0, 3],)), ("aten::full", ([2, 2], 1 - 2j))]:
            check(name, lambda: (args, {"dtype": dt}), what="%s %s" % (name, dt))
    check("aten::full", lambda: (([3], 2 + 0.5j), {}))  # a complex fill value gives complex64


def test_from_script():
    # complex tensors in and out of a scripted module, zero copy (the NumPy arrays pyts returns)
    import pyts

    class M(torch.nn.Module):
        def forward(self, x, y):
            z = torch.view_as_complex(y)
            return (x * z + x.conj()).abs() + torch.angle(x), torch.view_as_real(x * 2j), x.real, x.imag

    m = torch.jit.script(M())
    x = make_complex((3, 4), torch.complex64, special=False)
    y = make_tensor((3, 4, 2), torch.float32, special=False)
    import io
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    pm = pyts.load(buf.getvalue())
    got = pm.forward(x.numpy(), y.numpy())
    exp = m(x, y)
    for g, e in zip(got, exp):
        np.testing.assert_allclose(np.asarray(g), e.numpy(), rtol=1.3e-6, atol=1e-5)
