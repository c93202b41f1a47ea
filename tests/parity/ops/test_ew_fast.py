"""Bit-exact parity of the elementwise fast path (ops/pointwise/elementwise.c, ew_fast): a
same-shape contiguous tensor op tensor or tensor op number, already in the compute dtype, runs
its loop without the iterator's setup and without a 0-d tensor for the number.  Each case here
is compared with torch at zero tolerance (add, sub, mul, div, comparisons are correctly rounded
IEEE operations in both engines), next to the layouts the fast path must leave to the general
path (non-contiguous, broadcast, other dtypes), 0-d and empty tensors, in-place forms,
aliasing (x.add_(x), x.mul_(x)) and integer division by zero."""
import pytest
import torch

from optest import check, make_complex, make_tensor

FAST = [torch.float32, torch.float64, torch.int64, torch.complex64, torch.complex128]
OTHER = [torch.float16, torch.int32, torch.uint8, torch.bool]
SHAPES = [(1, 64), (3, 5, 7), (), (0, 4)]
NUMBERS = [0.5, -0.1, 3, True, 1e30]


def mk(shape, dtype, layout="contig", seed=0):
    if dtype.is_complex:
        return make_complex(shape, dtype, layout, seed=seed)
    return make_tensor(shape, dtype, layout, seed=seed)


def exact(dtype):
    return dict(rtol=0, atol=0) if not dtype.is_complex else {}


@pytest.mark.parametrize("dtype", FAST + OTHER)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("layout", ["contig", "transposed", "strided"])
@pytest.mark.parametrize("op", ["add.Scalar", "sub.Scalar", "mul.Scalar", "div.Scalar", "rsub.Scalar",
                                "eq.Scalar", "lt.Scalar"])
def test_tensor_number(op, dtype, shape, layout):
    for num in NUMBERS + ([complex(0.5, -2)] if dtype.is_complex else []):
        if op == "sub.Scalar" and (dtype == torch.bool or num is True):
            continue  # refused by both (tested in test_elementwise)
        if op == "rsub.Scalar" and (dtype == torch.bool or num is True):
            continue
        if op == "lt.Scalar" and (dtype.is_complex or isinstance(num, complex)):
            continue
        check("aten::" + op, lambda: ((mk(shape, dtype, layout, seed=3), num), {}), what="%s %r" % (dtype, num),
              **exact(dtype))


@pytest.mark.parametrize("dtype", FAST + OTHER)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("layout", ["contig", "transposed", "expanded"])
@pytest.mark.parametrize("op", ["add.Tensor", "sub.Tensor", "mul.Tensor", "div.Tensor", "eq.Tensor", "gt.Tensor",
                                "maximum"])
def test_tensor_tensor(op, dtype, shape, layout):
    if dtype == torch.bool and op == "sub.Tensor":
        return
    if dtype.is_complex and op in ("gt.Tensor", "maximum"):
        return
    check("aten::" + op, lambda: ((mk(shape, dtype, "contig", seed=1), mk(shape, dtype, layout, seed=2)), {}),
          what=str(dtype), **exact(dtype))


@pytest.mark.parametrize("dtype", FAST)
def test_broadcast_and_mixed_dtypes_leave_the_fast_path(dtype):
    # other shape (broadcast), other dtype (promotion), 0-d tensor with a sized one (wrapped number)
    check("aten::add.Tensor", lambda: ((mk((4, 5), dtype, seed=1), mk((5,), dtype, seed=2)), {}), **exact(dtype))
    check("aten::mul.Tensor", lambda: ((mk((4, 5), dtype, seed=1), mk((), torch.float64, seed=2)), {}))
    check("aten::mul.Tensor", lambda: ((mk((4, 5), dtype, seed=1), mk((4, 5), torch.float32, seed=2)), {}))
    check("aten::add.Tensor", lambda: ((mk((), dtype, seed=1), mk((), dtype, seed=2)), {"alpha": 2}), **exact(dtype))


@pytest.mark.parametrize("dtype", FAST + [torch.float16, torch.int32])
@pytest.mark.parametrize("layout", ["contig", "transposed"])
@pytest.mark.parametrize("op", ["add_.Scalar", "sub_.Scalar", "mul_.Scalar", "div_.Scalar", "add_.Tensor",
                                "mul_.Tensor", "sub_.Tensor"])
def test_inplace(op, dtype, layout):
    for shape in [(3, 5), (), (0, 2)]:
        if op.endswith("Scalar"):
            def maker():
                return (mk(shape, dtype, layout, seed=5), 0.25), {}
        else:
            def maker():
                return (mk(shape, dtype, layout, seed=5), mk(shape, dtype, "contig", seed=6)), {}
        check("aten::" + op, maker, inplace_arg=0, what="%s %s" % (dtype, shape), **exact(dtype))


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.complex64])
@pytest.mark.parametrize("op", ["add_.Tensor", "mul_.Tensor", "sub_.Tensor"])
def test_inplace_aliasing_self(op, dtype):
    def maker():
        x = mk((4, 6), dtype, seed=7)
        return (x, x), {}
    check("aten::" + op, maker, inplace_arg=0, **exact(dtype))


def test_integer_division_by_zero_and_alpha():
    a = torch.tensor([4, -7, 9])
    check("aten::div.Tensor_mode", lambda: ((a.clone(), torch.tensor([2, 0, 3])), {"rounding_mode": "floor"}))
    check("aten::remainder.Scalar", lambda: ((a.clone(), 0), {}))
    check("aten::add.Tensor", lambda: ((a.clone(), a.clone()), {"alpha": -3}), rtol=0, atol=0)
    check("aten::add.Tensor", lambda: ((mk((6,), torch.float32, seed=8), mk((6,), torch.float32, seed=9)),
                                       {"alpha": 0.3}), rtol=0, atol=0)
