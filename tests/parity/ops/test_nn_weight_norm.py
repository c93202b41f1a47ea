"""Parity of weight normalization (csrc/ops/nn/weight_norm.c): norm_except_dim
(every dim, dim -1 = all, p = 0, 1, 2, 3, -1), _weight_norm on both of
torch's paths (its fused kernel for dim 0 and the last dim; the
broadcasting composite v * (g / norm) for the other dims and dim -1, with
type promotion) and _weight_norm_interface (w and the norms: float32 for
float16) - every dtype (torch refuses the integers and bool), transposed /
strided / expanded inputs, NaN/inf in v, empty tensors, the wav2vec2
positional-convolution shape, and the inputs torch refuses (dim out of
range, a g that does not broadcast, mixed dtypes on the fused path, a 0-d v).

Not compared: a g with fewer elements than v.size(dim) on the fused path
(torch reads past its end; pyts refuses, test_short_g_is_refused), a
non-contiguous v given to _weight_norm_interface directly (ATen's kernel
reads its storage as if contiguous; _weight_norm makes v contiguous first,
and pyts computes on v's values in both), and a v with v.size(dim) == 0 on
the fused path (torch 2.14 dies of a floating-point exception; pyts
refuses, test_empty_fused_dim_is_refused).
Tolerances: torch.testing's defaults (the norms here sum at most 256
squares: both engines' sums are within a few float32 ulps)."""
import pytest
import torch

import pyts
from optest import check
from pyts import _C
from test_nn import DTYPES, F16, F32, F64, Cases, T, W, dname

OPS = ["aten::norm_except_dim", "aten::_weight_norm", "aten::_weight_norm_interface"]
COVERED = sorted(OPS)

C = Cases()
V3 = (4, 3, 5)

# ---- norm_except_dim -----------------------------------------------------------------------
for dim in (0, 1, 2, -1, -2, -3, 3):
    for p in (2, 1, 0, 3, -1):
        C.add("norm_except_dim", "3d-dim%d-p%d" % (dim, p), lambda dim=dim, p=p: ((T(V3), p, dim), {}))
for layout in ("transposed", "strided", "expanded"):
    for dim in (0, 1, -1):
        C.add("norm_except_dim", "%s-dim%d" % (layout, dim), lambda layout=layout, dim=dim: ((T((3, 6), F32, layout), 2, dim), {}))
for dt in DTYPES:
    C.add("norm_except_dim", "dtype-%s" % dname(dt), lambda dt=dt: ((T(V3, dt), 2, 1), {}))
for shape, p, dim in [((0, 3), 2, 0), ((0, 3), 2, 1), ((3, 0), 2, 0), ((3, 0), 2, 1), ((3, 0), -1, 0),
                      ((3, 0, 2), 2, 1), ((3, 0, 2), 0, -1), ((3, 0, 2), -1, -1), ((), 2, 0), ((), 2, -1),
                      ((5,), 2, 0), ((5,), 1, -1)]:
    C.add("norm_except_dim", "%s-p%d-dim%d" % (shape, p, dim), lambda shape=shape, p=p, dim=dim: ((T(shape), p, dim), {}))
C.add("norm_except_dim", "defaults", lambda: ((T(V3),), {}))


# ---- _weight_norm and _weight_norm_interface -------------------------------------------------
def g_for(shape, dim):
    """The g torch.nn.utils.weight_norm keeps: v's norm shape (size 1 but at dim; 0-d for dim -1)."""
    if not shape or (dim == -1 and len(shape) != 1):
        return ()
    d = dim % len(shape)
    return tuple(s if i == d else 1 for i, s in enumerate(shape))


def wn_maker(shape, dim, vdt=F32, gdt=None, layout="contig", gshape=None, special=True):
    gshape = g_for(shape, dim) if gshape is None else gshape

    def maker():
        return (T(shape, vdt, layout, seed=1, special=special), W(gshape, gdt or vdt, seed=2), dim), {}
    return maker


for op in ("_weight_norm", "_weight_norm_interface"):
    # dim 0 and the last dim: torch's fused kernel (the only dims _weight_norm_interface takes)
    for dim in (0, 1, 2, -1, -2, 3):
        C.add(op, "3d-dim%d" % dim, wn_maker(V3, dim))
        C.add(op, "3d-dim%d-f16" % dim, wn_maker(V3, dim, F16))
        C.add(op, "3d-dim%d-f64" % dim, wn_maker(V3, dim, F64))
        if op == "_weight_norm":  # (_weight_norm_interface reads a non-contiguous v as if contiguous: not compared)
            C.add(op, "3d-dim%d-f64-strided" % dim, wn_maker(V3, dim, F64, layout="strided"))
            C.add(op, "3d-dim%d-transposed" % dim, wn_maker(V3, dim, layout="transposed"))
            C.add(op, "3d-dim%d-expanded" % dim, wn_maker(V3, dim, layout="expanded"))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), wn_maker(V3, 0, dt))
        C.add(op, "dtype-%s-dim1" % dname(dt), wn_maker(V3, 1, dt))
    for shape, dim in [((6, 5), 0), ((6, 5), 1), ((6, 5), -1), ((5,), 0), ((5,), -1), ((2, 3, 4, 5), 0),
                       ((2, 3, 4, 5), 3), ((2, 3, 4, 5), 2), ((0, 4), 1), ((3, 0), 0), ((), 0),
                       ((), -1)]:
        C.add(op, "%s-dim%d" % (shape, dim), wn_maker(shape, dim))
    # wav2vec2's positional convolution: weight_norm(conv, dim=2) of a [hidden, hidden/groups, kernel] weight
    C.add(op, "wav2vec2-pos-conv", wn_maker((32, 8, 16), 2, special=False))
    C.add(op, "linear-dim0-no-special", wn_maker((16, 24), 0, special=False))
    # g of other shapes: the same number of values (fused) / broadcasting (composite), mixed dtypes
    C.add(op, "g-flat-dim0", wn_maker(V3, 0, gshape=(4,)))
    C.add(op, "g-flat-last", wn_maker(V3, 2, gshape=(5,)))
    C.add(op, "g-scalar-dim1", wn_maker(V3, 1, gshape=()))
    C.add(op, "g-bad-broadcast-dim1", wn_maker(V3, 1, gshape=(3,)))
    C.add(op, "g-f64-dim0", wn_maker(V3, 0, F32, F64))
    C.add(op, "g-f64-dim1", wn_maker(V3, 1, F32, F64))
    C.add(op, "v-f64-g-f32-dim1", wn_maker(V3, 1, F64, F32))
    C.add(op, "v-f16-g-f32-dim0", wn_maker(V3, 0, F16, F32))
    C.add(op, "v-f16-g-f32-dim1", wn_maker(V3, 1, F16, F32))
    for gdt in (torch.int64, torch.int32, torch.bool):
        C.add(op, "g-%s-dim0" % dname(gdt), wn_maker(V3, 0, F32, gdt))
        C.add(op, "g-%s-dim1" % dname(gdt), wn_maker(V3, 1, F32, gdt))
C.add("_weight_norm", "defaults", lambda: ((T((6, 5)), W((6, 1))), {}))


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_weight_norm(op, maker, kw):
    check(op, maker, **kw)


def test_short_g_is_refused():
    """torch's fused kernel reads g[k] for every k < v.size(dim) whatever g's size: pyts refuses."""
    v, g = T(V3).numpy(), W((3,)).numpy()
    for op in ("aten::_weight_norm", "aten::_weight_norm_interface"):
        with pytest.raises(pyts.Error, match="g should have 4 elements"):
            _C.call_op(op, v, g, 0)


def test_empty_fused_dim_is_refused():
    """v.size(dim) == 0 on the fused path: torch divides by zero (SIGFPE); pyts raises as
    norm_except_dim does for that shape (torch: "cannot reshape tensor of 0 elements")."""
    for shape, g, dim in [((0, 4), (0, 1), 0), ((3, 0), (1, 0), 1)]:
        for op in ("aten::_weight_norm", "aten::_weight_norm_interface"):
            with pytest.raises(pyts.Error, match="cannot reshape tensor of 0 elements"):
                _C.call_op(op, T(shape).numpy(), W(g).numpy(), dim)


def test_matches_nn_utils_weight_norm():
    """The weights torch.nn.utils.parametrizations.weight_norm computes from its own parameters."""
    conv = torch.nn.utils.parametrizations.weight_norm(torch.nn.Conv1d(8, 8, 5, groups=2), dim=2)
    p = conv.parametrizations.weight
    got = _C.call_op("aten::_weight_norm", p.original1.detach().numpy(), p.original0.detach().numpy(), 2)
    torch.testing.assert_close(torch.from_numpy(got), conv.weight.detach())


def test_all_ops_have_cases():
    assert sorted(C.ops) == COVERED
