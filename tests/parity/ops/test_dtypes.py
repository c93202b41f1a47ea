"""Dtype coverage of existing kernels found by the OpInfo sweep in every dtype (docs/opinfo.md):
complex paths that dropped the imaginary part or skipped the conjugation (mH / adjoint / H, vdot,
cumsum / cumprod, scatter_add / scatter reduce / index_put and put with accumulate, logsumexp),
and the integer-only ops (bitwise shifts, gcd / lcm, ...) in every integer dtype, with torch's
refusals of the dtypes it has no kernel for.  Tolerances: torch.testing's defaults for each dtype
(exact for integers and bool); the complex scans accumulate in complex128 as torch's acc_type does."""
import pytest
import torch

from optest import COMPLEX_DTYPES, LAYOUTS, check, covered, make_complex, make_tensor

INT_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]

COVERED = covered("mH", "adjoint", "matrix_H", "mT", "vdot", "cumsum", "cumprod", "scatter_add", "scatter.reduce",
                  "scatter.value_reduce", "index_put", "put", "logsumexp")


def test_conj_transposes():
    for dt in COMPLEX_DTYPES:
        for layout in LAYOUTS:
            for name in ("aten::mH", "aten::adjoint", "aten::mT"):
                for shape in [(4, 5), (2, 3, 4), (0, 3)]:
                    # torch's mH is a view with the lazy conj bit: compared by values (resolved)
                    check(name, lambda: ((make_complex(shape, dt, layout),), {}), what="%s %s %s" % (dt, shape, layout),
                          ref=lambda x: torch_op_resolved(name, x))
            check("aten::matrix_H", lambda: ((make_complex((4, 5), dt, layout),), {}), what="%s %s" % (dt, layout),
                  ref=lambda x: x.H.resolve_conj())
    # real tensors: no conjugation; 1-D refused
    for name in ("aten::mH", "aten::adjoint"):
        check(name, lambda: ((make_tensor((3, 4), torch.float32),), {}), view_of=0)
        check(name, lambda: ((make_complex((3,), torch.complex64),), {}))


def torch_op_resolved(name, x):
    return {"aten::mH": lambda: x.mH, "aten::adjoint": lambda: x.adjoint(), "aten::mT": lambda: x.mT}[name]() \
        .resolve_conj()


def test_vdot():
    for dt in COMPLEX_DTYPES:
        for n in (1, 7, 0):
            check("aten::vdot", lambda: ((make_complex((n,), dt, special=False),
                                          make_complex((n,), dt, seed=1, special=False)), {}), what="%s %d" % (dt, n))
        # strided vectors
        check("aten::vdot", lambda: ((make_complex((5, 2), dt, special=False)[:, 0],
                                      make_complex((10,), dt, seed=1, special=False)[::2]), {}))
    check("aten::vdot", lambda: ((make_tensor((6,), torch.float64), make_tensor((6,), torch.float64, seed=1)), {}))
    # mixed dtypes are refused
    check("aten::vdot", lambda: ((make_complex((3,), torch.complex64), make_complex((3,), torch.complex128)), {}))


def test_complex_scans():
    for dt in COMPLEX_DTYPES:
        for shape, dim in [((5, 7), 1), ((3, 1, 4), 0), ((), 0), ((0, 3), 1), ((4, 6), -1)]:
            for layout in LAYOUTS:
                for name in ("aten::cumsum", "aten::cumprod"):
                    check(name, lambda: ((make_complex(shape, dt, layout, scale=1.2), dim), {}),
                          what="%s %s %s" % (dt, shape, layout))
        # NaN / inf parts propagate as torch's
        check("aten::cumsum", lambda: ((make_complex((4, 5), dt), 1), {}))
    # dtype= widening a real input to complex, and complex64 -> complex128
    check("aten::cumsum", lambda: ((make_tensor((4, 5), torch.float32), 1), {"dtype": torch.complex64}))
    check("aten::cumprod", lambda: ((make_complex((4, 5), torch.complex64, scale=1.0), 0), {"dtype": torch.complex128}))


def test_complex_accumulating_writes():
    for dt in COMPLEX_DTYPES:
        idx = torch.tensor([[0, 1, 0, 2], [2, 2, 0, 1]])
        check("aten::scatter_add", lambda: ((make_complex((3, 4), dt), 0, idx, make_complex((2, 4), dt, seed=1)), {}),
              what=str(dt))
        for red in ("add", "multiply"):
            check("aten::scatter.reduce", lambda: ((make_complex((3, 4), dt, special=False), 0, idx,
                                                    make_complex((2, 4), dt, seed=1, special=False)),
                                                   {"reduce": red}), what="%s %s" % (dt, red))
            check("aten::scatter.value_reduce", lambda: ((make_complex((3, 4), dt, special=False), 0, idx, 1.5 - 2j),
                                                         {"reduce": red}), what="%s %s" % (dt, red))
        rows = torch.tensor([0, 2, 0, 0])
        for acc in (True, False):
            check("aten::index_put", lambda: ((make_complex((3, 4), dt), [rows], make_complex((4, 4), dt, seed=2), acc),
                                              {}), what="%s %s" % (dt, acc))
            check("aten::put", lambda: ((make_complex((3, 4), dt), torch.tensor([0, 5, 5, 11, 0]),
                                         make_complex((5,), dt, seed=3), acc), {}), what="%s %s" % (dt, acc))


def test_complex_logsumexp():
    for dt in COMPLEX_DTYPES:
        for shape, dims in [((5, 7), [1]), ((3, 1, 4), [0, 2]), ((), []), ((0, 3), [1]), ((4, 6), [])]:
            for layout in LAYOUTS:
                for keep in (False, True):
                    check("aten::logsumexp", lambda: ((make_complex(shape, dt, layout, special=False), dims, keep), {}),
                          what="%s %s %s %s" % (dt, shape, layout, keep))
        # NaN and infinite real parts (the row maximum is then taken as 0, as torch does)
        x = lambda: torch.tensor([[1 + 1j, float("inf") + 0j, 2 - 1j], [float("nan") + 0j, 1j, 3 + 0j],  # noqa: E731
                                  [-float("inf") + 1j, -float("inf") + 0j, -float("inf") - 2j]], dtype=dt)
        check("aten::logsumexp", lambda: ((x(), [1]), {}), what=str(dt))


SHIFTS = ["bitwise_left_shift.Tensor", "bitwise_right_shift.Tensor", "__lshift__.Tensor", "__rshift__.Tensor"]
SHIFTS_SCALAR = ["bitwise_left_shift.Tensor_Scalar", "bitwise_right_shift.Tensor_Scalar", "__lshift__.Scalar",
                 "__rshift__.Scalar"]
INTEGRAL = SHIFTS + ["gcd", "lcm"]
COVERED += covered(SHIFTS, SHIFTS_SCALAR, "bitwise_left_shift.Scalar_Tensor", "bitwise_right_shift.Scalar_Tensor",
                   "__ilshift__.Tensor", "__ilshift__.Scalar", "__irshift__.Tensor", "__irshift__.Scalar", "gcd", "gcd_",
                   "lcm", "lcm_")


def int_values(shape, dt, seed=0):
    """Integers over the dtype's whole range, its extremes and 0 / +-1 included."""
    info = torch.iinfo(dt)
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(info.min, info.max, shape, generator=g, dtype=torch.int64).to(dt)
    flat = x.view(-1)
    special = [info.min, info.max, 0, 1, -1 if info.min < 0 else 2, 7]
    flat[:min(len(special), flat.numel())] = torch.tensor(special[:flat.numel()], dtype=torch.int64).to(dt)
    return x


def shift_counts(shape, dt, seed=1):
    """Shift counts below, inside and beyond the dtype's width (negative ones for signed dtypes)."""
    g = torch.Generator().manual_seed(seed)
    lo = -3 if torch.iinfo(dt).min < 0 else 0
    return torch.randint(lo, min(torch.iinfo(dt).max, 70), shape, generator=g, dtype=torch.int64).to(dt)


def lcm_safe(x):
    """x without the minimum of int32 / int64: torch's lcm divides it by a gcd of -1 in the dtype's
    own C++ type (gcd(INT32_MIN, 3) is -1 in torch) and dies of SIGFPE there."""
    if x.dtype in (torch.int32, torch.int64):
        x = torch.where(x == torch.iinfo(x.dtype).min, torch.iinfo(x.dtype).min + 1, x)
    return x


@pytest.mark.parametrize("op", INTEGRAL)
def test_integral_binary(op):
    name = "aten::" + op
    safe = lcm_safe if op == "lcm" else (lambda x: x)
    for dt in INT_DTYPES:
        def vals(shape, seed=0):
            return safe(int_values(shape, dt, seed))

        def other(shape):
            return shift_counts(shape, dt) if "shift" in op else vals(shape, seed=1)
        # contiguous, transposed, strided, expanded operands over the whole range of the dtype
        for layout, fa, fb in [("contig", lambda x: x, lambda x: x), ("transposed", lambda x: x.t(), lambda x: x.t()),
                               ("strided", lambda x: x[::2, 1::2], lambda x: x[1::2, ::2]),
                               ("expanded", lambda x: x[:1].expand(7, 6), lambda x: x)]:
            check(name, lambda: ((fa(vals((7, 6))), fb(other((7, 6)))), {}), what="%s %s" % (dt, layout))
        # small values (gcd / lcm meaningful), broadcasting, empty, 0-dim
        check(name, lambda: ((make_tensor((3, 1, 4), dt), make_tensor((5, 1), dt, seed=1).abs()), {}), what=str(dt))
        check(name, lambda: ((make_tensor((0, 3), dt), make_tensor((3,), dt, seed=1)), {}), what=str(dt))
        check(name, lambda: ((make_tensor((), dt), make_tensor((2, 3), dt, seed=1).abs()), {}), what=str(dt))
    # promotion between integer dtypes
    check(name, lambda: ((make_tensor((4, 5), torch.int8), make_tensor((5,), torch.int64, seed=1).abs() % 9), {}))
    check(name, lambda: ((make_tensor((4, 5), torch.uint8), make_tensor((5,), torch.int16, seed=1).abs() % 9), {}))
    # torch has no kernel for bool, floats or complex: refused
    for dt in (torch.bool, torch.float32, torch.float64):
        check(name, lambda: ((make_tensor((3,), dt), make_tensor((3,), dt, seed=1)), {}), what=str(dt))
    check(name, lambda: ((make_tensor((3,), torch.int64), make_tensor((3,), torch.float32, seed=1)), {}))


def test_integral_scalars_and_inplace():
    for dt in INT_DTYPES:
        for op in SHIFTS_SCALAR:
            for count in (0, 3, 7, 8, 15, 31, 63, 64, 100):
                check("aten::" + op, lambda: ((int_values((5, 4), dt), count), {}), what="%s %d" % (dt, count))
        for op in ("bitwise_left_shift.Scalar_Tensor", "bitwise_right_shift.Scalar_Tensor"):
            check("aten::" + op, lambda: ((-5, shift_counts((6,), dt)), {}), what=str(dt))
        for op in ("__ilshift__.Tensor", "__irshift__.Tensor", "gcd_", "lcm_"):
            check("aten::" + op, lambda: ((lcm_safe(int_values((4, 5), dt)), shift_counts((4, 5), dt) if "shift" in op
                                           else lcm_safe(int_values((4, 5), dt, seed=3))), {}), inplace_arg=0,
                  what=str(dt))
        for op in ("__ilshift__.Scalar", "__irshift__.Scalar"):
            check("aten::" + op, lambda: ((int_values((4, 5), dt), 3), {}), inplace_arg=0, what=str(dt))
    # a float shift count makes the result float: refused, as torch
    check("aten::__lshift__.Scalar", lambda: ((make_tensor((3,), torch.int32), 1.5), {}))
    # in place into a narrower dtype than the promoted result: refused
    check("aten::gcd_", lambda: ((make_tensor((3,), torch.int8), make_tensor((3,), torch.int64, seed=1)), {}))


CPLX_UNARY = ["acosh", "asinh", "atanh", "exp2", "sinc"]
COVERED += covered(CPLX_UNARY, [n + "_" for n in CPLX_UNARY if n != "exp2"], "exp2_", "sinc_")


@pytest.mark.parametrize("op", CPLX_UNARY)
def test_complex_unary(op):
    """glibc's C99 functions (torch's std:: ones forward to them), complex64 computed in double and
    rounded once: within torch.testing's complex tolerances of torch's float computation."""
    for dt in COMPLEX_DTYPES:
        for shape in [(5, 7), (3, 1, 4), (), (0, 3)]:
            for layout in LAYOUTS:
                check("aten::" + op, lambda: ((make_complex(shape, dt, layout),), {}), what="%s %s %s" % (dt, shape, layout))
        check("aten::" + op + "_", lambda: ((make_complex((4, 5), dt),), {}), inplace_arg=0, what=str(dt))
        # the zero of sinc, and the branch points of the inverse hyperbolics
        check("aten::" + op, lambda: ((torch.tensor([0j, 1 + 0j, -1 + 0j, 1j, -1j, 0.5 - 0.5j], dtype=dt),), {}),
              what=str(dt))


COVERED += covered("var", "var.dim", "var.correction", "std", "std.correction", "var_mean.correction",
                   "std_mean.correction", "linalg_vector_norm", "norm.ScalarOpt_dim", "norm.Scalar")


def test_complex_var_std_norm():
    """var of a complex tensor is var(real) + var(imag) (real result), std its root, the mean complex;
    norms are the norms of the moduli."""
    for dt in COMPLEX_DTYPES:
        for shape, dims in [((5, 7), [1]), ((3, 1, 4), [0, 2]), ((), None), ((0, 3), [0]), ((4, 6), None)]:
            for layout in LAYOUTS:
                mk = lambda: make_complex(shape, dt, layout, special=False)  # noqa: E731
                what = "%s %s %s" % (dt, shape, layout)
                check("aten::var", lambda: ((mk(),), {}), what=what)
                check("aten::std", lambda: ((mk(), False), {}), what=what)
                for name in ("aten::var.correction", "aten::std.correction", "aten::var_mean.correction",
                             "aten::std_mean.correction"):
                    check(name, lambda: ((mk(), dims), {"correction": 0, "keepdim": True}), what=what)
                    check(name, lambda: ((mk(), dims), {}), what=what)
                for ordv in (2, 1, float("inf"), 0, 3.5):
                    check("aten::linalg_vector_norm", lambda: ((mk(), ordv, dims), {}), what="%s %r" % (what, ordv))
                check("aten::norm.Scalar", lambda: ((mk(), 2), {}), what=what)
                if dims:
                    check("aten::norm.ScalarOpt_dim", lambda: ((mk(), 1, dims, True), {}), what=what)
        check("aten::var.dim", lambda: ((make_complex((4, 5), dt), [1], True, False), {}), what=str(dt))  # NaN / inf
        check("aten::linalg_vector_norm", lambda: ((make_complex((4, 5), dt), 2), {}), what=str(dt))
    # dtype= widening complex64 to complex128; a real dtype for a complex input is refused
    check("aten::linalg_vector_norm", lambda: ((make_complex((4, 5), torch.complex64), 2), {"dtype": torch.complex128}))
    check("aten::linalg_vector_norm", lambda: ((make_complex((4, 5), torch.complex64), 2), {"dtype": torch.float32}))
