"""Parity of normalizations (csrc/ops/nn/norm.c): batch_norm in eval (running
stats) and in training (batch stats, with and without running stats - the
running stats are updated in place and compared too), native_batch_norm and
the _native_batch_norm_legit forms with their saved mean/invstd,
instance_norm, group_norm / native_group_norm, layer_norm / native_layer_norm
over 1-3 trailing dims with and without affine - every dtype, 2-d to 5-d and
unbatched inputs, channels-last, float16 inputs with float32 parameters,
NaN/inf in inputs, and the refusals (channel mismatch, groups not dividing C,
one value per channel in training)."""
import pytest
import torch

from optest import check, make_tensor
from test_nn import DTYPES, F16, F32, F64, NORM, Cases, T, W, assert_table_covers, dname

C = Cases()
SHAPES = [(4, 3), (2, 3, 7), (2, 3, 5, 7), (2, 3, 4, 5, 3)]


def V(shape, dtype=F32, seed=11):
    """A running variance: positive."""
    return make_tensor(shape, dtype, seed=seed, special=False, low=0.5, high=2.0)


def bn_args(shape, dtype=F32, pdtype=None, layout="contig", cl=False, affine=True, stats=True, special=True):
    """(input, weight, bias, running_mean, running_var) for C = shape[1]."""
    pdtype = pdtype or dtype
    c = (shape[1],) if len(shape) > 1 else (0,)
    x = T(shape, dtype, layout, seed=1, cl=cl, special=special)
    w, b = (W(c, pdtype, seed=2), W(c, pdtype, seed=3)) if affine else (None, None)
    rm, rv = (W(c, pdtype, seed=4), V(c, pdtype)) if stats else (None, None)
    return x, w, b, rm, rv


def variants():
    """(id, shape, dtype, pdtype, layout, cl) of the inputs the batch/instance norms run on."""
    for s in SHAPES:
        yield "%dd" % len(s), s, F32, None, "contig", False
        yield "%dd-transposed" % len(s), s, F32, None, "transposed", False
        yield "%dd-strided" % len(s), s, F64, None, "strided", False
        yield "%dd-f16-f32params" % len(s), s, F16, F32, "contig", False
        if len(s) >= 4:
            yield "%dd-cl" % len(s), s, F32, None, "contig", True
            yield "%dd-cl-f16" % len(s), s, F16, None, "contig", True
    yield "expanded", (2, 3, 5, 7), F32, None, "expanded", False
    yield "empty-batch", (0, 3, 5, 7), F32, None, "contig", False
    yield "size1", (1, 3, 1, 1), F32, None, "contig", False
    yield "spatial1", (2, 3, 1), F32, None, "contig", False
    yield "bigger", (3, 16, 19, 23), F32, None, "contig", False


def degenerate(shape, training, op):
    """One value per statistics group in training: the output is bias plus
    the rounding noise of x * alpha + beta amplified by 1/sqrt(eps) = 316,
    which in torch depends on its vector-lane layout (torch.nn.functional
    refuses these inputs: "Expected more than 1 value per channel when
    training").  Not compared; the eval-mode cases run them."""
    if not training:
        return False
    per_group = 1
    for s in shape[2:]:
        per_group *= s
    if op != "instance_norm":
        per_group *= shape[0]
    return per_group == 1 and len(shape) >= 2 and shape[0] > 0


def bn_maker(op, shape, dtype, pdtype, layout, cl, affine, stats, training, eps=1e-5, momentum=0.1):
    def maker():
        x, w, b, rm, rv = bn_args(shape, dtype, pdtype, layout, cl, affine, stats)
        if op == "batch_norm":
            return (x, w, b, rm, rv, training, momentum, eps, False), {}
        if op == "native_batch_norm":
            return (x, w, b, rm, rv, training, momentum, eps), {}
        if op == "_native_batch_norm_legit":
            return (x, w, b, rm, rv, training, momentum, eps), {}
        if op == "_native_batch_norm_legit.no_stats":
            return (x, w, b, training, momentum, eps), {}
        if op == "_native_batch_norm_legit_no_training":
            return (x, w, b, rm, rv, momentum, eps), {}
        if op == "instance_norm":
            return (x, w, b, rm, rv, training, momentum, eps, False), {}
        raise AssertionError(op)
    return maker


# (op, training, has running stats, which argument the op updates in place)
BN_MODES = [("batch_norm", False, True, None), ("batch_norm", True, False, None), ("batch_norm", True, True, 3),
            ("native_batch_norm", False, True, None), ("native_batch_norm", True, False, None),
            ("native_batch_norm", True, True, 3),
            ("_native_batch_norm_legit", True, True, 3), ("_native_batch_norm_legit", False, True, None),
            ("_native_batch_norm_legit.no_stats", True, False, None),
            # (_native_batch_norm_legit.no_stats in eval mode crashes torch 2.14 with a segfault: not run)
            ("_native_batch_norm_legit_no_training", False, True, None),
            ("instance_norm", True, False, None), ("instance_norm", True, True, 3), ("instance_norm", False, True, None)]

for op, training, stats, upd in BN_MODES:
    tag = "%s-%s" % ("train" if training else "eval", "stats" if stats else "nostats")
    # in-place running-stat updates are compared through inplace_arg (running_mean); running_var below
    kw = {"inplace_arg": upd} if upd is not None else {}
    for i, (vid, shape, dt, pdt, lay, cl) in enumerate(variants()):
        if degenerate(shape, training, op):
            continue
        for affine in (True, False) if i % 2 == 0 or dt != F32 else (True,):
            C.add(op, "%s-%s-affine%d" % (tag, vid, affine),
                  bn_maker(op, shape, dt, pdt, lay, cl, affine, stats, training), **kw)
    for dt in DTYPES:
        C.add(op, "%s-dtype-%s" % (tag, dname(dt)), bn_maker(op, (2, 3, 5), dt, None, "contig", False, True, stats,
                                                             training), **kw)
    C.add(op, "%s-eps-momentum" % tag, bn_maker(op, (2, 3, 5), F32, None, "contig", False, True, stats, training,
                                                eps=1e-2, momentum=0.5), **kw)
    C.add(op, "%s-mixed-f64-params" % tag, bn_maker(op, (2, 3, 5), F32, F64, "contig", False, True, stats,
                                                    training), **kw)
    C.add(op, "%s-1d-input" % tag, bn_maker(op, (5,), F32, None, "contig", False, False, False, training), **kw)
    if not training:
        C.add(op, "%s-one-value-per-channel" % tag, bn_maker(op, (1, 3), F32, None, "contig", False, True, stats,
                                                             training), **kw)


def bad_channels(op):
    def maker():
        args, kw = bn_maker(op, (2, 3, 5), F32, None, "contig", False, True, True, False)()
        args = list(args)
        args[1] = W((4,))
        return tuple(args), kw
    return maker


# (native_batch_norm and _native_batch_norm_legit_no_training do not check the weight's size in
# torch: they read past a short one)
for op in ("batch_norm", "instance_norm"):
    C.add(op, "bad-channels", bad_channels(op))


def test_running_var_updates():
    """The running variance is updated in place too (unbiased batch variance)."""
    import numpy as np
    from pyts import _C
    for op, args in [("aten::batch_norm", (True, 0.3, 1e-5, False)), ("aten::instance_norm", (True, 0.3, 1e-5, False)),
                     ("aten::_native_batch_norm_legit", (True, 0.3, 1e-5)),
                     ("aten::native_batch_norm", (True, 0.3, 1e-5))]:
        tx, tw, tb, trm, trv = bn_args((2, 3, 5, 7), special=False)
        px, pw, pb, prm, prv = bn_args((2, 3, 5, 7), special=False)
        from optest import torch_op
        torch_op(op)(tx, tw, tb, trm, trv, *args)
        _C.call_op(op, px.numpy(), pw.numpy(), pb.numpy(), prm.numpy(), prv.numpy(), *args)
        torch.testing.assert_close(torch.from_numpy(np.asarray(prv.numpy())), trv, msg=lambda m: "%s: %s" % (op, m))
        torch.testing.assert_close(torch.from_numpy(np.asarray(prm.numpy())), trm, msg=lambda m: "%s: %s" % (op, m))


# ---- group norm ---------------------------------------------------------------
def gn_maker(shape, groups, dtype=F32, pdtype=None, layout="contig", cl=False, affine=True, eps=1e-5, native=False):
    pdtype = pdtype or dtype

    def maker():
        x = T(shape, dtype, layout, seed=1, cl=cl)
        c = shape[1] if len(shape) > 1 else 1
        w, b = (W((c,), pdtype, seed=2), W((c,), pdtype, seed=3)) if affine else (None, None)
        if native:
            hw = 1
            for s in shape[2:]:
                hw *= s
            return (x, w, b, shape[0], c, hw, groups, eps), {}
        return (x, groups, w, b, eps, False), {}
    return maker


GN = [((2, 6, 5, 7), 3), ((2, 6, 5, 7), 1), ((2, 6, 5, 7), 6), ((2, 6, 11), 2), ((3, 4), 2), ((2, 4, 3, 5, 3), 2),
      ((0, 6, 5, 7), 3), ((1, 6, 1, 1), 6), ((2, 6, 0), 3), ((2, 32, 13, 11), 8)]
for native, op in ((False, "group_norm"), (True, "native_group_norm")):
    for shape, g in GN:
        # one value per group with weight/bias: the output is bias plus rounding noise amplified by
        # 1/sqrt(eps), which in torch depends on its vector lanes (see degenerate()): only without affine
        for affine in ((False,) if shape == (1, 6, 1, 1) and g == 6 else (True, False)):
            C.add(op, "%s-g%d-affine%d" % (shape, g, affine), gn_maker(shape, g, affine=affine, native=native))
        C.add(op, "%s-g%d-f64-strided" % (shape, g), gn_maker(shape, g, F64, layout="strided", native=native))
        C.add(op, "%s-g%d-f16" % (shape, g), gn_maker(shape, g, F16, native=native))
        C.add(op, "%s-g%d-f16-f32params" % (shape, g), gn_maker(shape, g, F16, F32, native=native))
        C.add(op, "%s-g%d-transposed" % (shape, g), gn_maker(shape, g, layout="transposed", native=native))
        if len(shape) >= 4 and shape[0] > 0:
            C.add(op, "%s-g%d-cl" % (shape, g), gn_maker(shape, g, cl=True, native=native))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), gn_maker((2, 6, 5), 3, dt, native=native))
    C.add(op, "groups-not-dividing", gn_maker((2, 6, 5), 4, native=native))
    C.add(op, "eps", gn_maker((2, 6, 5), 3, eps=0.5, native=native))
C.add("group_norm", "bad-weight", lambda: ((T((2, 6, 5)), 3, W((4,)), W((4,))), {}))
C.add("group_norm", "1d-input", lambda: ((T((6,)), 3), {}))
C.add("group_norm", "zero-groups", lambda: ((T((2, 6, 5)), 0), {}))


# ---- layer norm ---------------------------------------------------------------
def ln_maker(shape, nd, dtype=F32, pdtype=None, layout="contig", cl=False, affine="both", eps=1e-5, native=False,
             norm_shape=None):
    pdtype = pdtype or dtype
    ns = list(norm_shape or shape[len(shape) - nd:])

    def maker():
        x = T(shape, dtype, layout, seed=1, cl=cl)
        w = W(ns, pdtype, seed=2) if affine in ("both", "weight") else None
        b = W(ns, pdtype, seed=3) if affine in ("both", "bias") else None
        if native:
            return (x, ns, w, b, eps), {}
        return (x, ns, w, b, eps, False), {}
    return maker


LN = [(2, 5, 7), (3, 4), (2, 3, 5, 7), (7,), (0, 5, 7), (2, 1, 1), (4, 3, 2, 5, 3), (5, 1024)]
for native, op in ((False, "layer_norm"), (True, "native_layer_norm")):
    for shape in LN:
        for nd in (1, 2, 3):
            if nd > len(shape):
                continue
            for affine in ("both", "none", "weight", "bias"):
                C.add(op, "%s-nd%d-%s" % (shape, nd, affine), ln_maker(shape, nd, affine=affine, native=native))
            C.add(op, "%s-nd%d-f64-strided" % (shape, nd), ln_maker(shape, nd, F64, layout="strided", native=native))
            C.add(op, "%s-nd%d-f16" % (shape, nd), ln_maker(shape, nd, F16, native=native))
            C.add(op, "%s-nd%d-f16-f32params" % (shape, nd), ln_maker(shape, nd, F16, F32, native=native))
            C.add(op, "%s-nd%d-transposed" % (shape, nd), ln_maker(shape, nd, layout="transposed", native=native))
            C.add(op, "%s-nd%d-expanded" % (shape, nd), ln_maker(shape, nd, layout="expanded", native=native))
            if len(shape) == 4:
                C.add(op, "%s-nd%d-cl" % (shape, nd), ln_maker(shape, nd, cl=True, native=native))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), ln_maker((2, 5, 7), 1, dt, native=native))
    C.add(op, "eps", ln_maker((2, 5, 7), 2, eps=0.3, native=native))
    C.add(op, "shape-mismatch", ln_maker((2, 5, 7), 1, norm_shape=(6,), native=native))
    C.add(op, "too-many-dims", ln_maker((5, 7), 1, norm_shape=(2, 5, 7), native=native))
    C.add(op, "empty-normalized", ln_maker((2, 5, 7), 1, norm_shape=(), affine="none", native=native))
    C.add(op, "zero-size-normalized", ln_maker((2, 5, 0), 1, native=native))
C.add("layer_norm", "bad-weight", lambda: ((T((2, 5, 7)), [7], W((6,)), None), {}))


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_norm(op, maker, kw):
    check(op, maker, **kw)


def test_all_ops_have_cases():
    assert_table_covers(C, NORM)
