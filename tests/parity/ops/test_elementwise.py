"""Parity of elementwise ops: every dtype, layout and awkward shape."""
import pytest
import torch

from optest import ALL_DTYPES, FLOAT_DTYPES, LAYOUTS, SHAPES, check, make_tensor

UNARY_FLOAT = ["abs", "neg", "sqrt", "rsqrt", "exp", "log", "log2", "log10", "log1p", "expm1", "sin", "cos",
               "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "erfc", "floor", "ceil",
               "round", "trunc", "sign", "reciprocal", "square", "isnan", "isinf", "isfinite", "nan_to_num",
               "logical_not", "bitwise_not"]
INPLACE_UNARY = ["abs_", "neg_", "sqrt_", "exp_", "log_", "sin_", "cos_", "tanh_", "sigmoid_", "floor_", "ceil_",
                 "round_", "trunc_", "reciprocal_", "rsqrt_", "zero_"]
BINARY = ["add.Tensor", "sub.Tensor", "mul.Tensor", "div.Tensor", "remainder.Tensor", "fmod.Tensor",
          "floor_divide", "pow.Tensor_Tensor", "atan2", "maximum", "minimum", "eq.Tensor", "ne.Tensor", "lt.Tensor",
          "le.Tensor", "gt.Tensor", "ge.Tensor", "logical_and", "logical_or", "logical_xor", "bitwise_and.Tensor",
          "bitwise_or.Tensor", "bitwise_xor.Tensor"]
SCALAR = ["add.Scalar", "sub.Scalar", "mul.Scalar", "div.Scalar", "remainder.Scalar", "fmod.Scalar",
          "pow.Tensor_Scalar", "eq.Scalar", "ne.Scalar", "lt.Scalar", "le.Scalar", "gt.Scalar", "ge.Scalar",
          "clamp_min", "clamp_max"]


def registered(name):
    import pyts

    return any(s.split("(")[0] == "aten::" + name for s in pyts.supported_ops())


def params_unary():
    for op in UNARY_FLOAT:
        for dt in ALL_DTYPES:
            for shape in SHAPES:
                yield op, dt, shape, "contig"
        for layout in LAYOUTS[1:]:
            yield op, torch.float32, (5, 7), layout


@pytest.mark.parametrize("op,dtype,shape,layout", list(params_unary()))
def test_unary(op, dtype, shape, layout):
    check("aten::" + op, lambda: ((make_tensor(shape, dtype, layout),), {}),
          what="%s %s %s" % (dtype, shape, layout))


@pytest.mark.parametrize("op", INPLACE_UNARY)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_unary_inplace(op, dtype):
    def maker():
        base = make_tensor((4, 6), dtype, seed=3)
        return (base[:, ::2],), {}  # a strided view: the base must change

    check("aten::" + op, maker, inplace_arg=0, what=str(dtype))


BIN_SHAPES = [((5, 7), (5, 7)), ((3, 1, 4), (5, 1)), ((), (2, 3)), ((0, 3), (1, 3)), ((2, 3), ())]


def params_binary():
    for op in BINARY:
        for dt in ALL_DTYPES:
            yield op, dt, dt, (5, 7), (5, 7), "contig"
        for sa, sb in BIN_SHAPES[1:]:
            yield op, torch.float32, torch.float32, sa, sb, "contig"
        for layout in LAYOUTS[1:]:
            yield op, torch.float32, torch.float32, (5, 7), (5, 7), layout
        # mixed dtypes: type promotion
        yield op, torch.int64, torch.float32, (3, 4), (3, 4), "contig"
        yield op, torch.float16, torch.float64, (3, 4), (), "contig"
        yield op, torch.bool, torch.int32, (3, 4), (4,), "contig"
        yield op, torch.uint8, torch.int8, (3, 4), (3, 4), "contig"


@pytest.mark.parametrize("op,da,db,sa,sb,layout", list(params_binary()))
def test_binary(op, da, db, sa, sb, layout):
    def maker():
        b = make_tensor(sb, db, layout, seed=2)
        if op.startswith(("remainder", "fmod", "floor_divide", "div")) and not db.is_floating_point and db != torch.bool:
            b = torch.where(b == 0, torch.ones_like(b), b)  # integer division by zero raises
        return (make_tensor(sa, da, layout, seed=1), b), {}

    check("aten::" + op, maker, what="%s%s %s%s %s" % (da, sa, db, sb, layout))


@pytest.mark.parametrize("op", BINARY[:4])
def test_binary_alpha_and_inplace(op):
    name = op.split(".")[0]
    if name in ("add", "sub"):
        check("aten::" + op, lambda: ((make_tensor((3, 4), torch.float32, seed=1),
                                       make_tensor((4,), torch.float32, seed=2)), {"alpha": 2.5}), what="alpha")
    check("aten::%s_.Tensor" % name,
          lambda: ((make_tensor((4, 6), torch.float32, seed=1)[:, ::2], make_tensor((3,), torch.float32, seed=2)), {}),
          inplace_arg=0, what="in place on a view")


SCALARS = [2, -3, 0.5, True]


@pytest.mark.parametrize("op", SCALAR)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int32, torch.uint8, torch.bool])
@pytest.mark.parametrize("scalar", SCALARS)
def test_tensor_scalar(op, dtype, scalar):
    if op.startswith(("remainder", "fmod", "div")) and scalar == 0:
        pytest.skip("division by zero")
    check("aten::" + op, lambda: ((make_tensor((5, 7), dtype, seed=4), scalar), {}), what="%s %r" % (dtype, scalar))


def test_div_rounding_modes():
    for mode in ("trunc", "floor"):
        for dt in (torch.float32, torch.int64):
            def maker():
                b = make_tensor((5, 7), dt, seed=6)
                if not dt.is_floating_point:
                    b = torch.where(b == 0, torch.ones_like(b), b)
                return (make_tensor((5, 7), dt, seed=5), b), {"rounding_mode": mode}

            check("aten::div.Tensor_mode", maker, what="%s %s" % (mode, dt))


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
def test_clamp_where_lerp(dtype):
    x = lambda: make_tensor((5, 7), dtype, seed=7)  # noqa: E731
    check("aten::clamp", lambda: ((x(), -1, 2), {}), what=str(dtype))
    check("aten::clamp", lambda: ((x(), None, 2), {}), what=str(dtype))
    check("aten::clamp.Tensor", lambda: ((x(), make_tensor((7,), dtype, seed=8), None), {}), what=str(dtype))
    check("aten::where.self", lambda: ((make_tensor((5, 7), torch.bool, seed=9), x(),
                                        make_tensor((1, 7), dtype, seed=10)), {}), what=str(dtype))
    check("aten::where.ScalarOther", lambda: ((make_tensor((5, 7), torch.bool, seed=9), x(), 0.5), {}), what=str(dtype))
    if dtype.is_floating_point:
        check("aten::lerp.Scalar", lambda: ((x(), make_tensor((5, 7), dtype, seed=11), 0.3), {}))
        check("aten::addcmul", lambda: ((x(), x(), make_tensor((7,), dtype, seed=12)), {"value": 0.5}))
        check("aten::addcdiv", lambda: ((x(), x(), make_tensor((7,), dtype, seed=12, low=1, high=2)), {"value": 2}))
