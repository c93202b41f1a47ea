"""Parity of activations, softmax and dropout (csrc/ops/nn/activation.c):
every activation with its parameters, every dtype, awkward shapes and
layouts, NaN/+-inf; the in-place forms on strided views of a base (which
must change, and be returned); prelu / _prelu_kernel weight shapes, glu
dims, softmax / log_softmax over each dim with dtype=, _softmax with
half_to_float; the dropout family in eval (the input itself comes back, as
in torch) and with p=0 / p=1 in training (deterministic); random training
dropout and rrelu draw torch's numbers bit for bit after both engines are
seeded alike (test_random_training_matches_torch; sizes, layouts and dtypes
in test_random.py)."""
import numpy as np
import pytest
import torch

import pyts
from optest import check
from pyts import _C
from test_nn import ACT, DTYPES, F16, F32, F64, Cases, T, W, assert_table_covers, dname

C = Cases()
SHAPES = [(5, 7), (2, 3, 4, 5), (), (0, 3), (1,), (5, 7, 11)]
LAYOUTS = ["transposed", "strided", "expanded"]

# op -> list of extra positional args / kwargs variants (the first one is used on every dtype/shape)
PARAMS = {
    "relu": [()], "relu6": [()], "selu": [()], "silu": [()], "mish": [()], "hardswish": [()], "hardsigmoid": [()],
    "log_sigmoid": [()],
    "hardtanh": [(), (-0.5, 2.0), (0, 6), (2.0, -1.0), (-2, 2)],
    "leaky_relu": [(), (0.2,), (0,), (-1.5,), (3,)],
    "elu": [(), (0.5,), (1.0, 2.0), (1.0, 1.0, 3.0), (-1.0, 0.5, 0.5)],
    "celu": [(), (0.5,), (2,)],
    "gelu": [(), ({"approximate": "tanh"},), ({"approximate": "none"},), ({"approximate": "bad"},)],
    "softplus": [(), (2.0,), (1.0, 1.0), (0.5, 5), (-1.0, 20)],
    "softshrink": [(), (1.0,), (0,), (-1.0,)],
    "hardshrink": [(), (1.0,), (0,)],
    "threshold": [(0.5, -2.0), (0, 0), (1, 20), (-1.0, float("nan"))],
    "rrelu": [(), (0.1, 0.3), (0.1, 0.3, False)],
    "glu": [(), (0,), (1,), (-2,)],
}
INPLACE = {"relu_": "relu", "relu6_": "relu6", "hardtanh_": "hardtanh", "leaky_relu_": "leaky_relu", "elu_": "elu",
           "selu_": "selu", "celu_": "celu", "gelu_": "gelu", "silu_": "silu", "mish_": "mish",
           "hardswish_": "hardswish", "hardsigmoid_": "hardsigmoid", "threshold_": "threshold", "rrelu_": "rrelu"}


def split(v):
    args = [a for a in v if not isinstance(a, dict)]
    kw = {}
    for a in v:
        if isinstance(a, dict):
            kw.update(a)
    return args, kw


def am(shape, dtype, layout, v, seed=1):
    args, kw = split(v)
    return lambda: ((T(shape, dtype, layout, seed=seed),) + tuple(args), dict(kw))


for op, variants in PARAMS.items():
    v0 = variants[0]
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), am((5, 7), dt, "contig", v0))
    for shape in SHAPES:
        if op == "glu" and (len(shape) == 0 or shape[-1] % 2):
            shape = shape[:-1] + (shape[-1] * 2,) if shape else shape
        C.add(op, "shape-%s" % (shape,), am(shape, F32, "contig", v0))
    for lay in LAYOUTS:
        C.add(op, lay, am((6, 4), F32, lay, v0))
    for i, v in enumerate(variants):
        for dt in (F32, F64, F16):
            C.add(op, "params%d-%s" % (i, dname(dt)), am((6, 8), dt, "contig", v))
        C.add(op, "params%d-int32" % i, am((6, 8), torch.int32, "contig", v))
    # a wide range: exp/log/tanh saturation, thresholds (softplus: beta*x > threshold)
    C.add(op, "range", lambda op=op, v0=v0: ((torch.linspace(-40, 40, 321).reshape(-1)[:320].reshape(40, 8),)
                                              + tuple(split(v0)[0]), split(v0)[1]))
    C.add(op, "range-f64", lambda op=op, v0=v0: ((torch.linspace(-40, 40, 320, dtype=F64).reshape(40, 8),)
                                                  + tuple(split(v0)[0]), split(v0)[1]))
    C.add(op, "range-f16", lambda op=op, v0=v0: ((torch.linspace(-12, 12, 320).half().reshape(40, 8),)
                                                  + tuple(split(v0)[0]), split(v0)[1]))
C.add("glu", "odd-size", am((5, 7), F32, "contig", ()))
C.add("glu", "bad-dim", am((4, 6), F32, "contig", (2,)))
C.add("glu", "0d", am((), F32, "contig", ()))
C.add("gelu", "big", am((3, 4099), F32, "contig", ()))
C.add("gelu", "big-tanh", am((3, 4099), F32, "contig", ({"approximate": "tanh"},)))


def inplace_maker(shape, dtype, layout, v, view):
    """An in-place op on a strided view (every other column) of a fresh base, or on the base itself."""
    args, kw = split(v)

    def maker():
        base = T(shape[:-1] + (shape[-1] * 2,), dtype, layout, seed=1)
        x = base[..., ::2] if view else base
        return (x,) + tuple(args), dict(kw)
    return maker


for op, base_op in INPLACE.items():
    for i, v in enumerate(PARAMS[base_op]):
        for dt in (F32, F64, F16):
            C.add(op, "view-params%d-%s" % (i, dname(dt)), inplace_maker((5, 4), dt, "contig", v, True), inplace_arg=0)
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), inplace_maker((5, 4), dt, "contig", PARAMS[base_op][0], False),
              inplace_arg=0)
    C.add(op, "transposed", inplace_maker((5, 4), F32, "transposed", PARAMS[base_op][0], False), inplace_arg=0)
    C.add(op, "view-of-transposed", inplace_maker((5, 4), F32, "transposed", PARAMS[base_op][0], True),
          inplace_arg=0)
    C.add(op, "empty", inplace_maker((0, 4), F32, "contig", PARAMS[base_op][0], True), inplace_arg=0)
    C.add(op, "0d", lambda v=PARAMS[base_op][0]: ((T((), seed=3),) + tuple(split(v)[0]), split(v)[1]),
          inplace_arg=0)
    # expanded (stride-0) input: torch refuses to write into overlapping memory
    C.add(op, "expanded", am((6, 4), F32, "expanded", PARAMS[base_op][0]))


def test_inplace_changes_the_base():
    """relu_ on a strided view writes through into the base array."""
    import numpy as np
    base = T((4, 10), special=False).numpy().copy()
    view = base[:, ::2]
    ref = np.maximum(base, 0)
    out = _C.call_op("aten::relu_", view)
    np.testing.assert_array_equal(base[:, ::2], ref[:, ::2])
    np.testing.assert_array_equal(base[:, 1::2], T((4, 10), special=False).numpy()[:, 1::2])
    assert np.shares_memory(out, base)


# ---- prelu / _prelu_kernel -------------------------------------------------
for op in ("prelu", "_prelu_kernel"):
    for xs, ws in [((2, 3, 5, 7), (3,)), ((2, 3, 5, 7), (1,)), ((2, 3), (3,)), ((2, 3, 4), (1,)), ((7,), (1,)),
                   ((7,), (7,)), ((2, 3, 5), (4,)), ((2, 3, 5), (1, 3)), ((0, 3, 4), (3,)),
                   ((2, 3, 5, 7), ()), ((3,), (3,))]:
        for dt in (F32, F64, F16):
            C.add(op, "%s-%s-%s" % (xs, ws, dname(dt)), lambda xs=xs, ws=ws, dt=dt: ((T(xs, dt, seed=1), W(ws, dt)), {}))
        C.add(op, "%s-%s-transposed" % (xs, ws), lambda xs=xs, ws=ws: ((T(xs, F32, "transposed", seed=1), W(ws)), {}))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), lambda dt=dt: ((T((2, 3, 4), dt, seed=1), T((3,), dt, seed=2)), {}))
    C.add(op, "mixed-dtypes", lambda: ((T((2, 3, 4), F32, seed=1), W((3,), F64)), {}))
    C.add(op, "channels-last", lambda: ((T((2, 3, 5, 7), cl=True), W((3,))), {}))
# (a 0-d input with a [1] weight: prelu returns 0-d; _prelu_kernel broadcasts to [1] in torch, with
# a deprecation warning about resizing its output - only prelu is compared)
C.add("prelu", "0d-input", lambda: ((T((), seed=1), W((1,))), {}))

# ---- softmax family ----------------------------------------------------------
for op in ("softmax.int", "log_softmax.int"):
    for shape in [(5, 7), (2, 3, 4, 5), (), (0, 3), (7,), (3, 1, 1), (2, 1025)]:
        for dim in sorted({0, -1, len(shape) - 1, 1 if len(shape) > 1 else 0}):
            C.add(op, "%s-dim%d" % (shape, dim), lambda shape=shape, dim=dim: ((T(shape, seed=1), dim), {}))
            C.add(op, "%s-dim%d-transposed" % (shape, dim),
                  lambda shape=shape, dim=dim: ((T(shape, F32, "transposed", seed=1), dim), {}))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), lambda dt=dt: ((T((5, 7), dt, seed=1), 1), {}))
        C.add(op, "dtype-%s-to-f64" % dname(dt), lambda dt=dt: ((T((5, 7), dt, seed=1), 1), {"dtype": F64}))
        C.add(op, "dtype-%s-to-f32" % dname(dt), lambda dt=dt: ((T((5, 7), dt, seed=1), 0), {"dtype": F32}))
    C.add(op, "f16-to-f16", lambda: ((T((5, 7), F16, seed=1), 1, F16), {}))
    C.add(op, "to-int", lambda: ((T((5, 7), seed=1), 1, torch.int64), {}))
    C.add(op, "bad-dim", lambda: ((T((5, 7), seed=1), 2), {}))
    C.add(op, "strided-f64", lambda: ((T((4, 6, 5), F64, "strided", seed=1), 1), {}))
    C.add(op, "expanded", lambda: ((T((4, 6, 5), F32, "expanded", seed=1), 0), {}))
    C.add(op, "channels-last", lambda: ((T((2, 3, 5, 7), cl=True), 1), {}))
    C.add(op, "all-inf-row", lambda: ((torch.tensor([[float("-inf")] * 3, [float("inf"), 1.0, 2.0],
                                                      [float("inf")] * 3]), 1), {}))
    C.add(op, "big-range", lambda: ((torch.tensor([[1000.0, 0.0, -1000.0], [88.0, 89.0, 90.0]]), 1), {}))
for op in ("_softmax", "_log_softmax"):
    for dt in DTYPES:
        for h2f in (False, True):
            C.add(op, "%s-h2f%d" % (dname(dt), h2f), lambda dt=dt, h2f=h2f: ((T((5, 7), dt, seed=1), 1, h2f), {}))
    for shape in [(2, 3, 4, 5), (), (0, 3), (7,)]:
        C.add(op, "%s" % (shape,), lambda shape=shape: ((T(shape, seed=1), -1, False), {}))
    C.add(op, "transposed", lambda: ((T((5, 7), F32, "transposed", seed=1), 0, False), {}))

# ---- dropout family: eval (identity, the input itself), p = 0 and p = 1 in training ----
for op in ("dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout"):
    for inplace in (False, True):
        name = op + ("_" if inplace else "")
        kw = {"inplace_arg": 0} if inplace else {"view_of": 0}
        for p, train in [(0.5, False), (0.0, False), (1.0, False), (0.0, True), (1.0, True), (0.3, False)]:
            for shape in [(2, 3, 4, 5), (5, 7), (0, 3), ()]:
                C.add(name, "p%s-train%d-%s" % (p, train, shape),
                      lambda shape=shape, p=p, train=train: ((T(shape, seed=1), p, train), {}), **kw)
            C.add(name, "p%s-train%d-strided" % (p, train),
                  lambda p=p, train=train: ((T((4, 6), F32, "strided", seed=1), p, train), {}), **kw)
        for dt in DTYPES:
            C.add(name, "eval-%s" % dname(dt), lambda dt=dt: ((T((5, 7), dt, seed=1), 0.5, False), {}), **kw)
            C.add(name, "p1-train-%s" % dname(dt), lambda dt=dt: ((T((2, 3, 5), dt, seed=1), 1.0, True), {}), **kw)
        C.add(name, "bad-p", lambda: ((T((5, 7), seed=1), 1.5, False), {}), **kw)
        C.add(name, "negative-p", lambda: ((T((5, 7), seed=1), -0.5, True), {}), **kw)


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_act(op, maker, kw):
    check(op, maker, **kw)


@pytest.mark.parametrize("op,args", [
    ("aten::dropout", (0.5, True)), ("aten::dropout_", (0.5, True)), ("aten::feature_dropout", (0.2, True)),
    ("aten::feature_dropout_", (0.2, True)), ("aten::alpha_dropout", (0.5, True)), ("aten::alpha_dropout_", (0.5, True)),
    ("aten::feature_alpha_dropout", (0.7, True)), ("aten::feature_alpha_dropout_", (0.7, True)),
    ("aten::rrelu", (0.1, 0.3, True)), ("aten::rrelu_", (0.1, 0.3, True)),
])
def test_random_training_matches_torch(op, args):
    """Training-mode dropout with 0 < p < 1 and training rrelu draw random
    numbers: after torch.manual_seed(s) and pyts.manual_seed(s) both engines
    draw the same ones, so the results are equal bit for bit."""
    x = T((4, 6, 5), special=False)
    for seed in (0, 3):
        torch.manual_seed(seed)
        torch_out = getattr(getattr(torch.ops.aten, op[6:].split(".")[0]), "default")(x.clone(), *args)
        pyts.manual_seed(seed)
        got = _C.call_op(op, x.numpy().copy(), *args)
        assert torch_out.shape == x.shape
        assert torch.equal(torch.from_numpy(np.array(got)), torch_out)


def test_all_ops_have_cases():
    assert_table_covers(C, ACT)
