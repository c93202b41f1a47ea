"""Parity of elementwise ops: every dtype, layout and awkward shape; type
promotion with Python scalars and 0-dim tensors; in-place forms (on views,
with the cast and broadcast checks torch makes); refusals where torch has no
kernel (e.g. abs of a bool tensor)."""
import pytest
import torch

from optest import ALL_DTYPES, FLOAT_DTYPES, LAYOUTS, SHAPES, check, covered, make_tensor

UNARY_FLOAT = ["abs", "neg", "sqrt", "rsqrt", "exp", "log", "log2", "log10", "log1p", "expm1", "sin", "cos",
               "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "erfc", "floor", "ceil",
               "round", "trunc", "sign", "reciprocal", "square", "isnan", "isinf", "isfinite", "nan_to_num",
               "logical_not", "bitwise_not"]
INPLACE_UNARY = ["abs_", "neg_", "sqrt_", "exp_", "log_", "sin_", "cos_", "tanh_", "sigmoid_", "floor_", "ceil_",
                 "round_", "trunc_", "reciprocal_", "rsqrt_", "zero_", "nan_to_num_"]
BINARY = ["add.Tensor", "sub.Tensor", "mul.Tensor", "div.Tensor", "remainder.Tensor", "fmod.Tensor",
          "floor_divide", "pow.Tensor_Tensor", "atan2", "maximum", "minimum", "eq.Tensor", "ne.Tensor", "lt.Tensor",
          "le.Tensor", "gt.Tensor", "ge.Tensor", "logical_and", "logical_or", "logical_xor", "bitwise_and.Tensor",
          "bitwise_or.Tensor", "bitwise_xor.Tensor", "true_divide.Tensor", "rsub.Tensor", "__and__.Tensor",
          "__or__.Tensor", "__xor__.Tensor", "clamp_min.Tensor", "clamp_max.Tensor"]
SCALAR = ["add.Scalar", "sub.Scalar", "mul.Scalar", "div.Scalar", "remainder.Scalar", "fmod.Scalar",
          "pow.Tensor_Scalar", "eq.Scalar", "ne.Scalar", "lt.Scalar", "le.Scalar", "gt.Scalar", "ge.Scalar",
          "clamp_min", "clamp_max", "true_divide.Scalar", "rsub.Scalar", "floor_divide.Scalar", "bitwise_and.Scalar",
          "bitwise_or.Scalar", "bitwise_xor.Scalar", "__and__.Scalar", "__or__.Scalar", "__xor__.Scalar"]
SCALAR_SELF = ["remainder.Scalar_Tensor", "pow.Scalar", "bitwise_and.Scalar_Tensor", "bitwise_or.Scalar_Tensor",
               "bitwise_xor.Scalar_Tensor"]
# in-place binary op -> (other is a Tensor, kwargs)
INPLACE_BINARY = {
    "add_.Tensor": (True, {"alpha": 2}), "add_.Scalar": (False, {}), "sub_.Tensor": (True, {}),
    "sub_.Scalar": (False, {"alpha": 0.5}), "mul_.Tensor": (True, {}), "mul_.Scalar": (False, {}),
    "div_.Tensor": (True, {}), "div_.Scalar": (False, {}), "div_.Tensor_mode": (True, {"rounding_mode": "floor"}),
    "div_.Scalar_mode": (False, {"rounding_mode": "trunc"}), "remainder_.Tensor": (True, {}),
    "remainder_.Scalar": (False, {}), "fmod_.Tensor": (True, {}), "fmod_.Scalar": (False, {}),
    "floor_divide_.Tensor": (True, {}), "floor_divide_.Scalar": (False, {}), "pow_.Tensor": (True, {}),
    "pow_.Scalar": (False, {}), "clamp_min_": (False, {}), "clamp_min_.Tensor": (True, {}),
    "clamp_max_": (False, {}), "clamp_max_.Tensor": (True, {}), "copy_": (True, {}), "copy_.Tensor": (True, {}),
    "fill_.Scalar": (False, {}), "fill_.Tensor": (True, {}),
}
TERNARY = ["clamp", "clamp.Tensor", "where.self", "where.ScalarOther", "where.ScalarSelf", "where.Scalar",
           "lerp.Scalar", "lerp.Tensor", "addcmul", "addcdiv", "clamp_", "clamp_.Tensor", "lerp_.Scalar",
           "lerp_.Tensor", "addcmul_", "addcdiv_"]
COVERED = covered(UNARY_FLOAT, INPLACE_UNARY, BINARY, SCALAR, SCALAR_SELF, INPLACE_BINARY, TERNARY,
                  "div.Tensor_mode", "div.Scalar_mode", "round.decimals", "round_.decimals")
INT_DIV = ("remainder", "fmod", "floor_divide", "div")


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
@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [torch.int32, torch.bool])
def test_unary_inplace(op, dtype):
    def maker():
        base = make_tensor((4, 6), dtype, seed=3)
        return (base[:, ::2],), {}  # a strided view: the base must change

    check("aten::" + op, maker, inplace_arg=0, what=str(dtype))


@pytest.mark.parametrize("op", INPLACE_UNARY)
def test_unary_inplace_on_expanded(op):
    """An in-place op whose output aliases itself (expand) raises in torch, except fill-like ones."""
    check("aten::" + op, lambda: ((make_tensor((3, 4), torch.float32, "expanded", seed=3),), {}),
          inplace_arg=0 if op == "zero_" else None)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [torch.int64, torch.bool])
def test_unary_kwargs(dtype):
    x = lambda: make_tensor((5, 7), dtype, "transposed", seed=4)  # noqa: E731
    for dec in (0, 1, 2, -1):
        check("aten::round.decimals", lambda: ((x(),), {"decimals": dec}), what="%s decimals=%d" % (dtype, dec))
        check("aten::round_.decimals", lambda: ((x(),), {"decimals": dec}), inplace_arg=0, what=str(dtype))
    for kw in ({"nan": 1.5}, {"posinf": 7.0, "neginf": -8.0}, {"nan": 0.0, "posinf": 1e30, "neginf": -1e30}):
        check("aten::nan_to_num", lambda: ((x(),), dict(kw)), what="%s %r" % (dtype, kw))
        check("aten::nan_to_num_", lambda: ((x(),), dict(kw)), inplace_arg=0, what="%s %r" % (dtype, kw))


BIN_SHAPES = [((5, 7), (5, 7)), ((3, 1, 4), (5, 1)), ((), (2, 3)), ((0, 3), (1, 3)), ((2, 3), ())]


def params_binary():
    for op in BINARY:
        for dt in ALL_DTYPES:
            yield op, dt, dt, (5, 7), (5, 7), "contig"
        for sa, sb in BIN_SHAPES[1:]:
            yield op, torch.float32, torch.float32, sa, sb, "contig"
        for layout in LAYOUTS[1:]:
            yield op, torch.float32, torch.float32, (5, 7), (5, 7), layout
        # mixed dtypes: type promotion (0-dim operands only raise the category)
        yield op, torch.int64, torch.float32, (3, 4), (3, 4), "contig"
        yield op, torch.float16, torch.float64, (3, 4), (), "contig"
        yield op, torch.float64, torch.float16, (), (3, 4), "contig"
        yield op, torch.int32, torch.int64, (3, 4), (), "contig"
        yield op, torch.uint8, torch.int64, (3, 4), (), "contig"
        yield op, torch.bool, torch.int32, (3, 4), (4,), "contig"
        yield op, torch.bool, torch.float64, (3, 4), (), "contig"
        yield op, torch.uint8, torch.int8, (3, 4), (3, 4), "contig"
        yield op, torch.float32, torch.float32, (3, 4), (5, 4), "contig"  # no broadcast: raises


def divisor(b, op, db):
    if op.startswith(INT_DIV) and not db.is_floating_point and db != torch.bool:
        return torch.where(b == 0, torch.ones_like(b), b)  # integer division by zero raises
    return b


@pytest.mark.parametrize("op,da,db,sa,sb,layout", list(params_binary()))
def test_binary(op, da, db, sa, sb, layout):
    def maker():
        b = divisor(make_tensor(sb, db, layout, seed=2), op, db)
        return (make_tensor(sa, da, layout, seed=1), b), {}

    check("aten::" + op, maker, what="%s%s %s%s %s" % (da, sa, db, sb, layout))


def test_integer_division_by_zero():
    for op in ("remainder.Tensor", "fmod.Tensor", "floor_divide", "div.Tensor_mode"):
        kw = {"rounding_mode": "trunc"} if op == "div.Tensor_mode" else {}
        check("aten::" + op, lambda: ((torch.tensor([1, 2, 3]), torch.tensor([1, 0, 2])), dict(kw)))


@pytest.mark.parametrize("op", BINARY[:4])
def test_binary_alpha_and_inplace(op):
    name = op.split(".")[0]
    if name in ("add", "sub"):
        for alpha in (2.5, -1, 0):
            check("aten::" + op, lambda: ((make_tensor((3, 4), torch.float32, seed=1),
                                           make_tensor((4,), torch.float32, seed=2)), {"alpha": alpha}),
                  what="alpha %r" % alpha)
        check("aten::" + op, lambda: ((make_tensor((3, 4), torch.int64, seed=1),
                                       make_tensor((4,), torch.int64, seed=2)), {"alpha": 3}), what="int alpha")
        check("aten::" + op, lambda: ((make_tensor((3, 4), torch.int64, seed=1),
                                       make_tensor((4,), torch.int64, seed=2)), {"alpha": 0.5}),
              what="float alpha on ints: raises")
        check("aten::rsub.Tensor", lambda: ((make_tensor((3, 4), torch.float16, seed=1),
                                             make_tensor((4,), torch.float16, seed=2)), {"alpha": 2}), what="rsub")
        check("aten::rsub.Scalar", lambda: ((make_tensor((3, 4), torch.int32, seed=1), 7, 2), {}), what="rsub")
    check("aten::%s_.Tensor" % name,
          lambda: ((make_tensor((4, 6), torch.float32, seed=1)[:, ::2], make_tensor((3,), torch.float32, seed=2)), {}),
          inplace_arg=0, what="in place on a view")


def inplace_other(op, dtype, tensor, shape=(3,)):
    if op.startswith("fill_.Tensor"):
        return make_tensor((), dtype, seed=2)
    if not tensor:
        return -2 if not dtype.is_floating_point else 0.75
    return divisor(make_tensor(shape, dtype, seed=2), op, dtype)


@pytest.mark.parametrize("op", list(INPLACE_BINARY))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.int64, torch.uint8, torch.bool])
def test_binary_inplace(op, dtype):
    tensor, kw = INPLACE_BINARY[op]
    if op.startswith(("sub_", "rsub")) and dtype == torch.bool:
        kw = {}

    def maker():
        self_ = make_tensor((4, 6), dtype, seed=1)[:, ::2]  # in place on a step-sliced view
        return (self_, inplace_other(op, dtype, tensor)), dict(kw)

    check("aten::" + op, maker, inplace_arg=0, what=str(dtype))


@pytest.mark.parametrize("op", [o for o in INPLACE_BINARY if not o.startswith("fill_")])
def test_binary_inplace_refusals(op):
    """In place, the result must be castable to self's dtype, broadcast to self's
    shape, and self must not alias itself (expanded)."""
    tensor, kw = INPLACE_BINARY[op]
    check("aten::" + op, lambda: ((make_tensor((4, 3), torch.int32, seed=1), inplace_other(op, torch.float32, tensor)),
                                  dict(kw)), what="float into int self")
    if tensor:
        check("aten::" + op, lambda: ((make_tensor((1, 3), torch.float32, seed=1),
                                       inplace_other(op, torch.float32, True, (4, 3))), dict(kw)),
              what="other broadcasts self")
    check("aten::" + op, lambda: ((make_tensor((4, 3), torch.float32, "expanded", seed=1),
                                   inplace_other(op, torch.float32, tensor)), dict(kw)), what="expanded self")
    check("aten::" + op, lambda: ((make_tensor((4, 3), torch.float64, seed=1),
                                   inplace_other(op, torch.float16, tensor)), dict(kw)), what="float16 into float64")


SCALARS = [2, -3, 0.5, True, 0]


@pytest.mark.parametrize("op", SCALAR)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int8,
                                   torch.uint8, torch.bool])
@pytest.mark.parametrize("scalar", SCALARS)
def test_tensor_scalar(op, dtype, scalar):
    if op.startswith(INT_DIV) and scalar in (0, False) and not dtype.is_floating_point:
        scalar = 0.0  # integer division by an int zero raises in torch's kernel and in pyts: test float zero
    check("aten::" + op, lambda: ((make_tensor((5, 7), dtype, seed=4), scalar), {}), what="%s %r" % (dtype, scalar))


@pytest.mark.parametrize("op", SCALAR_SELF)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.int64, torch.uint8, torch.bool])
@pytest.mark.parametrize("scalar", [2, -3, 0.5, True])
def test_scalar_tensor(op, dtype, scalar):
    def maker():
        t = make_tensor((5, 7), dtype, seed=4, low=0 if op.startswith("pow") and not dtype.is_floating_point else None)
        return (scalar, divisor(t, op, dtype)), {}

    check("aten::" + op, maker, what="%s %r" % (dtype, scalar))


@pytest.mark.parametrize("exp", [0, 1, 2, 3, -1, -2, 0.5, -0.5, 2.5, True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.int64, torch.uint8, torch.bool])
def test_pow_exponents(exp, dtype):
    check("aten::pow.Tensor_Scalar", lambda: ((make_tensor((5, 7), dtype, "strided", seed=5), exp), {}),
          what="%s ** %r" % (dtype, exp))


def test_div_rounding_modes():
    for mode in ("trunc", "floor", None, "round"):
        for dt in (torch.float32, torch.float16, torch.int64, torch.uint8, torch.bool):
            def maker():
                b = divisor(make_tensor((5, 7), dt, seed=6), "div", dt)
                return (make_tensor((5, 7), dt, seed=5), b), {"rounding_mode": mode}

            check("aten::div.Tensor_mode", maker, what="%s %s" % (mode, dt))
            check("aten::div.Scalar_mode", lambda: ((make_tensor((5, 7), dt, seed=5), -2), {"rounding_mode": mode}),
                  what="%s %s" % (mode, dt))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.float64, torch.int64, torch.uint8, torch.bool])
def test_clamp_where_lerp(dtype):
    x = lambda: make_tensor((5, 7), dtype, seed=7)  # noqa: E731
    check("aten::clamp", lambda: ((x(), -1, 2), {}), what=str(dtype))
    check("aten::clamp", lambda: ((x(), None, 2), {}), what=str(dtype))
    check("aten::clamp", lambda: ((x(), 0.5, None), {}), what=str(dtype))
    check("aten::clamp", lambda: ((x(), 3, -1), {}), what="min > max " + str(dtype))
    check("aten::clamp", lambda: ((x(), None, None), {}), what="no bounds: raises")
    check("aten::clamp.Tensor", lambda: ((x(), make_tensor((7,), dtype, seed=8), None), {}), what=str(dtype))
    check("aten::clamp.Tensor", lambda: ((x(), None, make_tensor((5, 1), dtype, seed=8)), {}), what=str(dtype))
    check("aten::clamp.Tensor", lambda: ((x(), make_tensor((7,), dtype, seed=8), make_tensor((), dtype, seed=9)), {}),
          what=str(dtype))
    check("aten::clamp_", lambda: ((x(), -1, 2), {}), inplace_arg=0, what=str(dtype))
    check("aten::clamp_.Tensor", lambda: ((x(), make_tensor((7,), dtype, seed=8), None), {}), inplace_arg=0,
          what=str(dtype))
    check("aten::where.self", lambda: ((make_tensor((5, 7), torch.bool, seed=9), x(),
                                        make_tensor((1, 7), dtype, seed=10)), {}), what=str(dtype))
    check("aten::where.self", lambda: ((make_tensor((5, 1), torch.bool, seed=9), x(),
                                        make_tensor((), torch.float64, seed=10)), {}), what=str(dtype))
    check("aten::where.ScalarOther", lambda: ((make_tensor((5, 7), torch.bool, seed=9), x(), 0.5), {}), what=str(dtype))
    check("aten::where.ScalarSelf", lambda: ((make_tensor((5, 7), torch.bool, seed=9), -2, x()), {}), what=str(dtype))
    check("aten::where.Scalar", lambda: ((make_tensor((5, 7), torch.bool, "transposed", seed=9), 1, 2.5), {}))
    check("aten::where.Scalar", lambda: ((make_tensor((5, 7), torch.bool, seed=9), True, 3), {}))
    check("aten::where.self", lambda: ((x(), x(), x()), {}), what="non-bool condition " + str(dtype))
    for op in ("lerp.Scalar", "lerp_.Scalar"):
        check("aten::" + op, lambda: ((x(), make_tensor((5, 7), dtype, seed=11), 0.3), {}),
              inplace_arg=0 if op.endswith("_.Scalar") else None, what=str(dtype))
        check("aten::" + op, lambda: ((x(), make_tensor((7,), dtype, seed=11), 0.7), {}),
              inplace_arg=0 if op.endswith("_.Scalar") else None, what=str(dtype))
    for op in ("lerp.Tensor", "lerp_.Tensor"):
        check("aten::" + op, lambda: ((x(), make_tensor((5, 7), dtype, seed=11), make_tensor((7,), dtype, seed=12)),
                                      {}), inplace_arg=0 if op.endswith("_.Tensor") else None, what=str(dtype))
    for op in ("addcmul", "addcmul_", "addcdiv", "addcdiv_"):
        ip = 0 if op.endswith("_") else None
        check("aten::" + op, lambda: ((x(), x(), make_tensor((7,), dtype, seed=12, low=1, high=3)), {"value": 0.5}),
              inplace_arg=ip, what=str(dtype))
        check("aten::" + op, lambda: ((x(), x(), make_tensor((7,), dtype, seed=12, low=1, high=3)), {"value": 2}),
              inplace_arg=ip, what=str(dtype))
        check("aten::" + op, lambda: ((x(), make_tensor((), dtype, seed=13),
                                       make_tensor((5, 1), dtype, seed=12, low=1, high=3)), {}),
              inplace_arg=ip, what=str(dtype))


def test_ternary_layouts_and_shapes():
    """Broadcasting across three operands, empty and non-contiguous inputs."""
    for layout in ("transposed", "strided", "expanded"):
        for op in ("clamp.Tensor", "where.self", "lerp.Tensor", "addcmul", "addcdiv"):
            def maker():
                a = make_tensor((5, 7), torch.float32, layout, seed=1)
                b = make_tensor((5, 7), torch.float32, layout, seed=2)
                c = make_tensor((5, 7), torch.float32, layout, seed=3, low=1, high=2)
                if op == "where.self":
                    return (a > 0, b, c), {}
                return (a, b, c), {}

            check("aten::" + op, maker, what=layout)
    for sa, sb, sc in (((0, 3), (1, 3), (0, 1)), ((), (2, 1), (3,)), ((3, 1, 4), (5, 1), (1,))):
        check("aten::addcmul", lambda: ((make_tensor(sa, torch.float32, seed=1), make_tensor(sb, torch.float32, seed=2),
                                         make_tensor(sc, torch.float32, seed=3)), {}), what="%s %s %s" % (sa, sb, sc))
        check("aten::where.self", lambda: ((make_tensor(sa, torch.bool, seed=1), make_tensor(sb, torch.float32, seed=2),
                                            make_tensor(sc, torch.int64, seed=3)), {}), what="%s %s %s" % (sa, sb, sc))


@pytest.mark.parametrize("src", ALL_DTYPES)
def test_copy_and_fill(src):
    """copy_ converts and broadcasts into any (strided) destination; fill_ takes a number or a 0-dim tensor."""
    for dst in (torch.float32, torch.int32, torch.bool, torch.float16, torch.uint8):
        check("aten::copy_", lambda: ((make_tensor((4, 6), dst, seed=1)[:, ::2], make_tensor((3,), src, seed=2)), {}),
              inplace_arg=0, what="%s -> %s" % (src, dst))
    check("aten::copy_.Tensor", lambda: ((make_tensor((3, 5), torch.float64, "transposed", seed=1),
                                          make_tensor((3, 5), src, seed=2)), {}), inplace_arg=0, what=str(src))
    check("aten::copy_", lambda: ((make_tensor((3, 5), torch.float32, seed=1), make_tensor((2, 5), src, seed=2)), {}),
          what="shape mismatch: raises")
    for v in (2, -1.5, True, float("nan")):
        check("aten::fill_.Scalar", lambda: ((make_tensor((4, 6), src, seed=1)[::2], v), {}), inplace_arg=0,
              what="%s %r" % (src, v))
    check("aten::fill_.Tensor", lambda: ((make_tensor((4, 6), src, "transposed", seed=1),
                                          make_tensor((), torch.float64, seed=3)), {}), inplace_arg=0, what=str(src))
    check("aten::fill_.Tensor", lambda: ((make_tensor((4, 6), src, seed=1), make_tensor((1,), src, seed=3)), {}),
          what="1-d value: raises")
