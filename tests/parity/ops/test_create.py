"""Parity of creation and conversion ops: factories with dtype codes and
kwargs (dtype / layout / device / pin_memory / memory_format), *_like and
new_* ops, arange / linspace / logspace edge cases, tensors from Python
numbers and lists, and to / type_as / detach (views where torch aliases)."""
import pytest
import torch

import pyts
from pyts import _C
from optest import ALL_DTYPES, DTYPE_CODES, check, covered, make_tensor, to_pyts, torch_op

C, T, S, E = "contig", "transposed", "strided", "expanded"
FACTORY_KW = {"layout": torch.strided, "device": "cpu", "pin_memory": False}

# (op, args, kwargs) - no tensor inputs
FACTORY_CASES = [
    ("zeros", [[2, 3]], {}),
    ("zeros", [[]], {"dtype": torch.int32}),
    ("zeros", [[0, 4]], {"dtype": torch.bool}),
    ("zeros", [[3]], dict(FACTORY_KW, dtype=torch.float16)),
    ("zeros", [[-1, 2]], {}),                                 # negative size: raises
    ("ones", [[2, 1, 3]], {}),
    ("ones", [[4]], {"dtype": torch.uint8}),
    ("ones", [[2]], dict(FACTORY_KW, dtype=torch.float64)),
    ("full", [[2, 3], 1.5], {}),
    ("full", [[2, 3], 7], {}),                                # int fill: int64
    ("full", [[2], True], {}),                                # bool fill: bool
    ("full", [[3], -3], {"dtype": torch.uint8}),              # wraps to 253
    ("full", [[3], 2.7], {"dtype": torch.int32}),             # truncates
    ("full", [[2, 2], float("nan")], {"dtype": torch.float16}),
    ("full", [[], 4.25], dict(FACTORY_KW)),
    ("scalar_tensor", [3.5], {}),
    ("scalar_tensor", [7], {}),                               # float32 by default, even for ints
    ("scalar_tensor", [True], {"dtype": torch.bool}),
    ("scalar_tensor", [2], dict(FACTORY_KW, dtype=torch.int64)),
    ("eye", [3], {}),
    ("eye", [0], {}),
    ("eye", [4], {"dtype": torch.bool}),
    ("eye.m", [2, 5], {}),
    ("eye.m", [5, 2], dict(FACTORY_KW, dtype=torch.int32)),
    ("eye", [-1], {}),                                        # raises
    ("arange", [5], {}),
    ("arange", [5.5], {}),
    ("arange", [0], {}),
    ("arange", [7], {"dtype": torch.float64}),
    ("arange", [4], dict(FACTORY_KW, dtype=torch.uint8)),
    ("arange", [-3], {}),                                     # raises (bound inconsistent with step)
    ("arange.start", [2, 9], {}),
    ("arange.start", [-1.5, 2.25], {}),
    ("arange.start", [3, 3], {}),
    ("arange.start", [1, 4], {"dtype": torch.float16}),
    ("arange.start_step", [0, 1, 0.1], {}),
    ("arange.start_step", [10, 0, -3], {}),
    ("arange.start_step", [0, 10, 3], {"dtype": torch.int32}),
    ("arange.start_step", [1.0, 2.0, 0.3], {"dtype": torch.float64}),
    ("arange.start_step", [0, 5, 0], {}),                     # zero step: raises
    ("arange.start_step", [0, 5, -1], {}),                    # wrong-sign step: raises
    # an integer dtype with float bounds: torch converts start/step (arange) and start/end
    # (linspace, logspace) to the integer type first, toward zero (found by the int64 OpInfo sweep)
    ("arange.start_step", [-0.9, 2.1, 2.0], {"dtype": torch.int64}),
    ("arange.start_step", [-0.9, 5.1, 0.5], {"dtype": torch.int64}),
    ("arange.start_step", [-3.7, 5.1, 1.5], {"dtype": torch.int8}),
    ("arange.start", [0.5, 5.1], {"dtype": torch.int32}),
    ("linspace", [4.3, -3, 50], {"dtype": torch.int64}),
    ("linspace", [-4.7, 3.9, 7], {"dtype": torch.int16}),
    ("logspace", [0, 1.2, 2], {"dtype": torch.int64}),
    ("logspace", [-0.5, 2.7, 4, 2.0], {"dtype": torch.int32}),
    ("linspace", [0, 1, 5], {}),
    ("linspace", [-2.5, 7, 11], {"dtype": torch.float64}),
    ("linspace", [3, 3, 1], {}),
    ("linspace", [-3, -2, 1], {}),                            # one step is start (found by OpInfo)
    ("linspace", [0, 10, 0], {}),
    ("linspace", [0, 10, 4], {"dtype": torch.int64}),
    ("linspace", [10, -10, 7], {"dtype": torch.int32}),
    ("linspace", [0, 1, 6], dict(FACTORY_KW, dtype=torch.float16)),
    ("linspace", [0, 1, -1], {}),                             # negative steps: raises
    ("logspace", [0, 2, 5], {}),
    ("logspace", [-1, 1, 4, 2.0], {"dtype": torch.float64}),
    ("logspace", [0, 3, 4], {"dtype": torch.int64}),
    ("logspace", [1, 1, 1, 3.0], {}),
    ("logspace", [-3, 0, 1], {}),                             # one step is base**start
    ("logspace", [0, 1, 0], {}),
    ("tensor.float", [2.5], {}),
    ("tensor.float", [2.5], {"dtype": torch.float64}),
    ("tensor.int", [-7], {}),
    ("tensor.int", [300], {"dtype": torch.uint8}),
    ("tensor.bool", [True], {}),
    ("tensor.bool", [False], {"dtype": torch.float32, "device": "cpu", "requires_grad": False}),
    ("tensor", [[1, 2, 3]], {}),
    ("tensor", [[1.5, -2.0]], {}),
    ("tensor", [[True, False]], {}),
    ("tensor", [[[1, 2], [3, 4]]], {}),
    ("tensor", [[[1.0, 2.0], [3.0, 4.0]]], {"dtype": torch.float16}),
    ("tensor", [[1, 2]], {"dtype": torch.float64}),
    ("tensor", [[]], {}),
    ("as_tensor.float", [0.25], {}),
    ("as_tensor.int", [5], {"dtype": torch.int8}),
    ("as_tensor.bool", [True], {"device": "cpu"}),
    ("as_tensor.list", [[1, 2, 3]], {}),
    ("as_tensor.list", [[[0.5], [1.5]]], {"dtype": torch.float64}),
]

# (op, self shape, layout, self dtype, args, kwargs) - a tensor input
LIKE_CASES = [
    ("zeros_like", (5, 7), T, torch.float32, [], {}),
    ("zeros_like", (), C, torch.int8, [], {"dtype": torch.float64}),
    ("zeros_like", (0, 3), C, torch.float32, [], dict(FACTORY_KW, memory_format=torch.preserve_format)),
    ("ones_like", (3, 1, 4), E, torch.float16, [], {}),
    ("ones_like", (5, 7), S, torch.bool, [], {"dtype": torch.int32}),
    ("full_like", (5, 7), T, torch.float32, [2.5], {}),
    ("full_like", (5, 7), C, torch.int64, [2.5], {}),               # truncates to the int dtype
    ("full_like", (5, 7), C, torch.uint8, [-1], {}),
    ("full_like", (2, 3), C, torch.float32, [7], {"dtype": torch.int16, "memory_format": torch.contiguous_format}),
    ("new_zeros", (5, 7), T, torch.float64, [[2, 3]], {}),
    ("new_zeros", (5, 7), C, torch.float32, [[]], {"dtype": torch.int64}),
    ("new_ones", (5, 7), C, torch.int32, [[4]], {}),
    ("new_ones", (5, 7), C, torch.float32, [[2, 2]], dict(FACTORY_KW, dtype=torch.bool)),
    ("new_full", (5, 7), S, torch.float16, [[3], 1.25], {}),
    ("new_full", (5, 7), C, torch.int64, [[2, 1], 3], {"dtype": torch.float32}),
    ("type_as", (5, 7), T, torch.float32, [make_tensor((2,), torch.float64)], {}),
    ("type_as", (5, 7), C, torch.float32, [make_tensor((2,), torch.float32)], {}),   # same dtype: returns self
    ("type_as", (5, 7), C, torch.float64, [make_tensor((), torch.int32)], {}),
    ("detach", (5, 7), S, torch.float32, [], {}),
    # detach_ of a view (strided/transposed/expanded layouts) raises in torch ("Can't detach views
    # in-place"), an autograd rule pyts, which keeps no autograd view records, does not enforce: it
    # returns self.  A graph torch ran (an export) never calls it on a view.
    ("detach_", (5, 7), C, torch.float32, [], {}),
    ("detach_", (2, 3, 4), C, torch.int64, [], {}),
    ("detach_", (0, 3), C, torch.bool, [], {}),
    ("detach_", (), C, torch.float64, [], {}),
    ("as_tensor", (5, 7), T, torch.float32, [], {}),
    ("as_tensor", (5, 7), C, torch.float32, [], {"dtype": torch.float64}),
    ("as_tensor", (5, 7), C, torch.int64, [], {"dtype": torch.int64, "device": "cpu"}),
    ("linspace.Tensor_Tensor", (), C, torch.float32, [torch.tensor(5.0), 6], {}),
    ("linspace.Tensor_Scalar", (), C, torch.float64, [2, 4], {}),
    ("linspace.Scalar_Tensor", (), C, torch.float32, [], {}),        # built below: Scalar start, Tensor end
    ("linspace.Tensor_Tensor", (3,), C, torch.float32, [torch.tensor(5.0), 6], {}),  # 1-d start: raises
    ("logspace.Tensor_Tensor", (), C, torch.float32, [torch.tensor(2.0), 3], {}),
    ("logspace.Tensor_Scalar", (), C, torch.float32, [2, 5, 2.0], {}),
    ("logspace.Scalar_Tensor", (), C, torch.float32, [], {}),
]

# to / conversions: (op, shape, layout, dtype, args, kwargs)
TO_CASES = [
    ("to.dtype", (5, 7), T, torch.float32, [torch.float64], {}),
    ("to.dtype", (5, 7), C, torch.float32, [torch.float32], {}),                    # same dtype: self
    ("to.dtype", (5, 7), C, torch.float32, [torch.float32, False, True], {}),       # copy=True
    ("to.dtype", (5, 7), S, torch.float32, [torch.int32], {}),
    ("to.dtype", (5, 7), C, torch.float32, [torch.uint8], {}),
    ("to.dtype", (5, 7), C, torch.float64, [torch.float16], {}),
    ("to.dtype", (5, 7), C, torch.int64, [torch.bool], {}),
    ("to.dtype", (5, 7), C, torch.bool, [torch.float32], {}),
    ("to.dtype", (5, 7), C, torch.int32, [torch.int8], {}),
    ("to.dtype", (5, 7), T, torch.float32, [torch.float32], {"memory_format": torch.contiguous_format}),
    ("to.device", (5, 7), C, torch.float32, ["cpu", torch.float64], {}),
    ("to.device", (5, 7), C, torch.float32, ["cpu", torch.float32], {}),
    ("to.other", (5, 7), E, torch.float32, [make_tensor((2,), torch.int64)], {}),
    ("to.other", (5, 7), C, torch.float32, [make_tensor((2,), torch.float32)], {"copy": True}),
    ("to.dtype_layout", (5, 7), C, torch.float32, [], {"dtype": torch.float16}),
    ("_to_copy", (5, 7), C, torch.float32, [], {"dtype": torch.bfloat16}),
    ("_to_copy", (5, 7), T, torch.float32, [], {}),
    ("_to_copy", (5, 7), S, torch.float64, [], {"dtype": torch.int32, "device": "cpu"}),
    ("_to_copy", (0, 3), C, torch.int64, [], {"dtype": torch.float32}),
    ("_to_copy", (), C, torch.bool, [], {"dtype": torch.float16, "layout": torch.strided}),
    ("to.dtype_layout", (5, 7), C, torch.float32, [], {"device": "cpu"}),
    ("to.dtype_layout", (5, 7), T, torch.float32, [], {"dtype": torch.float32, "copy": True}),
    ("to.prim_Device", (5, 7), C, torch.float32, ["cpu"], {}),
    ("to.prim_Device", (5, 7), C, torch.float32, [None, 7], {}),     # dtype code 7: float64
    ("to.prim_dtype", (5, 7), C, torch.float32, [4], {}),
    ("to.prim_dtype", (5, 7), C, torch.float32, [None], {}),
    ("to.prim_dtype", (5, 7), C, torch.float32, [6, False, True], {}),
    ("to.prim_other", (5, 7), S, torch.float32, [], {}),
    # not tested: to.prim_other(x, copy=True) - torch 2.x returns a uint8 tensor there (a torch bug)
]

EMPTY_CASES = [
    ("empty.memory_format", [[2, 3]], {}),
    ("empty.memory_format", [[0]], {"dtype": torch.int64}),
    ("empty.memory_format", [[4]], dict(FACTORY_KW, dtype=torch.float16, memory_format=torch.contiguous_format)),
    ("empty_like", (5, 7), {}),
    ("empty_like", (3, 1, 4), {"dtype": torch.bool}),
    ("new_empty", (5, 7), {"size": [2, 2]}),
    ("new_empty", (5, 7), {"size": [3], "dtype": torch.int32}),
]

COVERED = covered([c[0] for c in FACTORY_CASES + LIKE_CASES + TO_CASES + EMPTY_CASES],
                  "linspace.Tensor_Scalar", "logspace.Tensor_Scalar")


def list_ref(op):
    """torch.ops.aten.tensor cannot take a Python list: torch.tensor is the reference."""
    if op not in ("tensor", "as_tensor.list"):
        return None
    fn = torch.tensor if op == "tensor" else torch.as_tensor

    def ref(data, dtype=None, device=None, requires_grad=False):
        return fn(data, dtype=dtype, device=device)
    return ref


@pytest.mark.parametrize("i", range(len(FACTORY_CASES)))
def test_factories(i):
    op, args, kw = FACTORY_CASES[i]
    check("aten::" + op, lambda: (list(args), dict(kw)), what="%r %r" % (args, kw), ref=list_ref(op))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("op,args", [("zeros", [[2, 3]]), ("ones", [[3]]), ("full", [[2, 2], 3]), ("eye", [3]),
                                     ("arange.start_step", [1, 9, 2]), ("linspace", [0, 5, 6]),
                                     ("scalar_tensor", [1]), ("tensor", [[1, 0, 2]])])
def test_factory_dtypes(op, args, dtype):
    check("aten::" + op, lambda: (list(args), {"dtype": dtype}), what=str(dtype), ref=list_ref(op))


def like_maker(case):
    op, shape, layout, dtype, args, kw = case

    def maker():
        x = make_tensor(shape, dtype, layout, seed=1)
        a = [v.clone() if isinstance(v, torch.Tensor) else v for v in args]
        if op.endswith("Scalar_Tensor"):  # Scalar start, Tensor end (the tensor is `x`)
            return [1.5, x, 5] + a, dict(kw)
        return [x] + a, dict(kw)
    return maker


@pytest.mark.parametrize("i", range(len(LIKE_CASES)))
def test_like_and_tensor_inputs(i):
    op = LIKE_CASES[i][0]
    check("aten::" + op, like_maker(LIKE_CASES[i]), view_of=None if "space" in op else 0,
          what="case %d %r" % (i, LIKE_CASES[i][1:]))


@pytest.mark.parametrize("i", range(len(TO_CASES)))
def test_to(i):
    """Conversions: values, dtypes, and aliasing (to the same dtype without copy=True returns self)."""
    check("aten::" + TO_CASES[i][0], like_maker(TO_CASES[i]), view_of=0, what="case %d %r" % (i, TO_CASES[i][1:]))


@pytest.mark.parametrize("src", ALL_DTYPES)
@pytest.mark.parametrize("dst", ALL_DTYPES)
def test_to_every_dtype_pair(src, dst):
    """Casting rules between every pair (NaN/inf -> int, negative -> uint8, float -> bool, ...)."""
    check("aten::to.dtype", lambda: ((make_tensor((3, 4), src, seed=2, low=-300 if not src.is_floating_point else None,
                                                  high=300 if not src.is_floating_point else None),
                                      dst), {}), what="%s -> %s" % (src, dst))


@pytest.mark.parametrize("i", range(len(EMPTY_CASES)))
def test_empty(i):
    """empty*: uninitialized values, so only the shape and dtype are compared."""
    op, a, kw = EMPTY_CASES[i]
    kw = dict(kw)
    if isinstance(a, tuple):  # *_like / new_*: a is the input shape
        x = make_tensor(a, torch.float32, seed=1)
        size = kw.pop("size", None)
        args = [x] + ([size] if size is not None else [])
    else:
        args = list(a)
    exp = torch_op("aten::" + op)(*args, **kw)
    got = _C.call_op("aten::" + op, *[to_pyts(v) for v in args], **{k: to_pyts(v) for k, v in kw.items()})
    assert tuple(got.shape) == tuple(exp.shape)
    assert str(got.dtype) == str(exp.dtype).replace("torch.", "")


def test_factory_refuses_other_devices():
    # only "cpu" converts to a Device: any other device is refused at the argument
    with pytest.raises(pyts.Error, match=r"aten::zeros: argument 'device' expected Optional\[Device\] but got str "
                                         r"\"cuda\""):
        _C.call_op("aten::zeros", [2], device="cuda")
    with pytest.raises(pyts.Error, match=r"aten::to.device: argument 'device' expected Device but got str \"cuda\""):
        _C.call_op("aten::to.device", make_tensor((2,), torch.float32).numpy(), "cuda", DTYPE_CODES[torch.float32])
