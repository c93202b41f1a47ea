"""Parity of reductions: full and per-dim (dim lists, negative dims, keepdim),
dtype= kwargs, every dtype torch accepts (and refusals where it does not),
empty and 0-dim inputs, non-contiguous layouts, NaN/inf propagation."""
import pytest
import torch

from optest import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS, check, covered, make_tensor

SHAPES = [(5, 7), (3, 1, 4), (), (0, 3), (2, 3, 4, 5)]

# op -> list of (args after self, kwargs) variants, used on (2, 3, 4, 5)-style inputs
DIM_VARIANTS = {
    "sum.dim_IntList": [([1], {}), ([[0, 2]], {}), ([[-1]], {"keepdim": True}), ([[]], {}), ([None], {}),
                        ([-2, True], {}), ([[1, -1]], {"dtype": torch.float64})],
    "sum": [((), {}), ((), {"dtype": torch.float64}), ((), {"dtype": torch.int64})],
    "mean": [((), {}), ((), {"dtype": torch.float64})],
    "mean.dim": [([1], {}), ([[0, -1]], {"keepdim": True}), ([None], {}), ([[]], {}), ([[2]], {"dtype": torch.float64})],
    "prod": [((), {}), ((), {"dtype": torch.float64})],
    "prod.dim_int": [([1], {}), ([-1, True], {}), ([0], {"dtype": torch.float64})],
    "amax": [((), {}), ([1], {}), ([[0, -1]], {"keepdim": True}), ([[]], {})],
    "amin": [((), {}), ([1], {}), ([[0, -1]], {"keepdim": True}), ([[]], {})],
    "max": [((), {})],
    "min": [((), {})],
    "max.dim": [([1], {}), ([-1, True], {})],
    "min.dim": [([1], {}), ([-1, True], {})],
    "argmax": [((), {}), ([1], {}), ([-1, True], {}), ([None, True], {})],
    "argmin": [((), {}), ([1], {}), ([-1, True], {}), ([None, True], {})],
    "var": [((), {}), ([False], {})],
    "std": [((), {}), ([False], {})],
    "var.dim": [([1], {}), ([[0, -1], False, True], {}), ([None], {})],
    "std.dim": [([1], {}), ([[0, -1], False, True], {}), ([None], {})],
    "var.correction": [((), {}), ([[1]], {"correction": 0}), ([[0, 2]], {"correction": 2, "keepdim": True}),
                       ([None], {"correction": 1.5})],
    "std.correction": [((), {}), ([[1]], {"correction": 0}), ([[0, 2]], {"correction": 2, "keepdim": True})],
    "var_mean": [((), {}), ([False], {})],
    "std_mean": [((), {}), ([False], {})],
    "var_mean.dim": [([1], {}), ([[0, -1], False, True], {})],
    "std_mean.dim": [([1], {}), ([[0, -1], False, True], {})],
    "var_mean.correction": [((), {}), ([[1]], {"correction": 0, "keepdim": True})],
    "std_mean.correction": [((), {}), ([[1]], {"correction": 0, "keepdim": True})],
    "norm.Scalar": [((), {}), ([1], {}), ([3], {}), ([float("inf")], {}), ([float("-inf")], {}), ([0], {}),
                    ([0.5], {})],
    "norm.ScalarOpt_dim": [([2, [1]], {}), ([1, [0, -1], True], {}), ([None, [-1]], {}),
                           ([float("inf"), [1]], {}), ([0, [1]], {}), ([3, [1]], {})],
    "norm.ScalarOpt_dim_dtype": [([2, [1], False], {"dtype": torch.float64})],
    "norm.ScalarOpt_dtype": [([2], {"dtype": torch.float64}), ([1], {"dtype": torch.float64})],
    "logsumexp": [([1], {}), ([[0, -1], True], {})],  # dim=[] raises in torch 2.x ("output with shape [] doesn't match"): not tested
    "all": [((), {})],
    "any": [((), {})],
    "all.dim": [([1], {}), ([-1, True], {})],
    "any.dim": [([1], {}), ([-1, True], {})],
    "all.dims": [((), {}), ([[0, 2]], {}), ([[-1], True], {}), ([None], {})],
    "any.dims": [((), {}), ([[0, 2]], {}), ([[-1], True], {}), ([None], {})],
    "cumsum": [([1], {}), ([-1], {}), ([0], {"dtype": torch.float64}), ([1], {"dtype": torch.int64})],
    "cumprod": [([1], {}), ([-1], {}), ([0], {"dtype": torch.float64})],
    "max.other": [],
    "min.other": [],
}
COVERED = covered(DIM_VARIANTS)


def first_variant(op):
    """The simplest argument set of op that makes sense for any shape."""
    if op in ("max.other", "min.other"):
        return None
    args, kw = DIM_VARIANTS[op][0]
    if op in ("logsumexp",):
        return [-1], kw
    if op in ("sum.dim_IntList", "mean.dim", "prod.dim_int", "max.dim", "min.dim", "all.dim", "any.dim",
              "cumsum", "cumprod", "var.dim", "std.dim", "var_mean.dim", "std_mean.dim"):
        return ([[-1]] if "IntList" in op or op.startswith(("mean", "var", "std")) else [-1]), kw
    return args, kw


def params_dtypes():
    for op in DIM_VARIANTS:
        for dt in ALL_DTYPES:
            yield op, dt, (5, 7), "contig", True
        for shape in SHAPES[1:]:
            yield op, torch.float32, shape, "contig", True
        yield op, torch.int32, (0, 3), "contig", True
        for layout in LAYOUTS[1:]:
            yield op, torch.float32, (5, 7), layout, False
            yield op, torch.int64, (5, 7), layout, False


def two_inputs(op, dtype, shape, layout, special):
    return (make_tensor(shape, dtype, layout, seed=1, special=special),
            make_tensor(shape[-1:] if shape else (), dtype, seed=2, special=special))


@pytest.mark.parametrize("op,dtype,shape,layout,special", list(params_dtypes()))
def test_reduce_dtypes_shapes(op, dtype, shape, layout, special):
    """Every dtype on (5, 7) with NaN/inf; awkward shapes; non-contiguous."""
    if op in ("max.other", "min.other"):
        check("aten::" + op, lambda: (two_inputs(op, dtype, shape, layout, special), {}),
              what="%s %s %s" % (dtype, shape, layout))
        return
    args, kw = first_variant(op)
    check("aten::" + op, lambda: ((make_tensor(shape, dtype, layout, special=special),) + tuple(args), kw),
          what="%s %s %s %r %r" % (dtype, shape, layout, args, kw))


def params_variants():
    for op, variants in DIM_VARIANTS.items():
        for i, (args, kw) in enumerate(variants):
            yield op, i, torch.float32, True
            yield op, i, torch.float64, False
            yield op, i, torch.int32, False
            yield op, i, torch.bool, False


@pytest.mark.parametrize("op,i,dtype,special", list(params_variants()))
def test_reduce_arguments(op, i, dtype, special):
    """dim lists, negative dims, keepdim, None dims, dtype= and correction= on a 4-d input."""
    args, kw = DIM_VARIANTS[op][i]
    check("aten::" + op, lambda: ((make_tensor((2, 3, 4, 5), dtype, "strided", seed=5, special=special),)
                                  + tuple(args), dict(kw)),
          what="%s %r %r" % (dtype, args, kw))


@pytest.mark.parametrize("op", ["sum.dim_IntList", "mean.dim", "amax", "amin", "max.dim", "argmax", "logsumexp",
                                "cumsum", "var.dim", "prod.dim_int", "all.dim", "any.dims", "norm.ScalarOpt_dim"])
@pytest.mark.parametrize("dim", [3, -4, [0, 0]])
def test_reduce_bad_dims(op, dim):
    """Out-of-range and repeated dims: torch raises, so must pyts."""
    if isinstance(dim, list) and op in ("max.dim", "argmax", "cumsum", "prod.dim_int", "all.dim"):
        dim = 5
    args = ([2, dim] if op.startswith("norm") else [dim])
    check("aten::" + op, lambda: ((make_tensor((2, 3, 4), torch.float32, seed=3),) + tuple(args), {}),
          what="dim=%r" % (dim,))


@pytest.mark.parametrize("op", ["amax", "amin", "max", "min", "argmax", "argmin", "max.dim", "min.dim", "prod",
                                "sum", "mean", "var", "std", "logsumexp", "norm.Scalar", "all", "any", "cumsum"])
def test_reduce_empty_dims(op):
    """Reducing over an empty dim: identity values (sum 0, prod 1, mean NaN) or an error, as torch."""
    for dim in (0, 1):
        def maker():
            x = make_tensor((0, 4), torch.float32, seed=3)
            if op in ("amax", "amin", "argmax", "argmin", "max.dim", "min.dim", "cumsum", "logsumexp"):
                return (x, [dim] if op in ("amax", "amin", "logsumexp") else dim), {}
            return (x,), {}
        check("aten::" + op, maker, what="dim %d" % dim)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.int64, torch.uint8, torch.bool])
def test_reduce_ties_and_nan(dtype):
    """max/min/argmax with repeated values take the first index; NaN wins."""
    def maker():
        x = torch.tensor([[1, 3, 3, 0], [2, 2, 1, 2], [0, 0, 0, 0]], dtype=torch.int64).to(dtype)
        if dtype.is_floating_point:
            x[1, 2] = float("nan")
        return (x, 1), {}
    for op in ("max.dim", "min.dim", "argmax", "argmin"):
        check("aten::" + op, maker, what=str(dtype))


def test_reduce_float16_accuracy():
    """A float16 sum / mean over many elements accumulates in float, as torch."""
    for op, args in (("sum", ()), ("mean", ()), ("sum.dim_IntList", ([1],)), ("cumsum", (1,)), ("norm.Scalar", ()),
                     ("var.dim", ([1],)), ("logsumexp", ([1],))):
        check("aten::" + op, lambda: ((make_tensor((8, 1000), torch.float16, seed=9, special=False, low=0, high=1),)
                                      + args, {}), what="float16 8x1000")
