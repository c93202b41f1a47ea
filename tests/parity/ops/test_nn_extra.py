"""Parity of csrc/ops/nn/extra.c: max_pool1d_with_indices,
max_pool2d_with_indices_backward, im2col, _batch_norm_with_update,
embedding_renorm_."""
import torch

from optest import check, make_tensor

FLOATS = [torch.float32, torch.float64]
LAYOUTS = ["contig", "transposed", "strided"]


def _t(shape, dt=torch.float32, layout="contig", seed=0, **kw):
    return make_tensor(shape, dt, layout, seed=seed, **kw)


def test_max_pool1d_with_indices():
    for dt in FLOATS:
        for layout in LAYOUTS:
            for shape in ((2, 3, 9), (3, 8), (0, 3, 5)):
                for k, s, p, d, ceil in ((3, [], 0, 1, False), (2, 1, 1, 1, False), (3, 2, 1, 2, True), (4, 3, 2, 1, True)):
                    check("aten::max_pool1d_with_indices",
                          lambda: ((_t(shape, dt, layout, special=False), [k], s if s == [] else [s], [p], [d], ceil), {}),
                          what="%s %s %s %s %s %s %s %s" % (dt, layout, shape, k, s, p, d, ceil))
    x = _t((2, 3, 9))
    check("aten::max_pool1d_with_indices", lambda: ((_t((2, 3, 4, 5)), [2]), {}), what="4-D")
    check("aten::max_pool1d_with_indices", lambda: ((x.clone(), [2], [1], [2]), {}), what="padding > k/2")
    check("aten::max_pool1d_with_indices", lambda: ((x.clone(), [0]), {}), what="kernel 0")
    check("aten::max_pool1d_with_indices", lambda: ((x.clone(), [2], [0]), {}), what="stride 0")
    check("aten::max_pool1d_with_indices", lambda: ((_t((2, 3, 2)), [5]), {}), what="output too small")


def test_max_pool2d_with_indices_backward():
    for dt in FLOATS:
        for layout in LAYOUTS:
            for shape in ((2, 3, 7, 6), (3, 5, 5)):
                for k, s, p, d, ceil in (([2, 2], [2, 2], [0, 0], [1, 1], False), ([3, 2], [1, 2], [1, 1], [1, 1], True),
                                         ([3, 3], [2, 1], [1, 0], [2, 1], False)):
                    x = _t(shape, dt, special=False)
                    out, idx = torch.ops.aten.max_pool2d_with_indices(x, k, s, p, d, ceil)
                    grad = make_tensor(out.shape, dt, layout, seed=3)
                    check("aten::max_pool2d_with_indices_backward", lambda: ((grad.clone(), x.clone(), k, s, p, d, ceil, idx.clone()), {}),
                          what="%s %s %s %s %s" % (dt, layout, shape, k, s))
    x = _t((1, 2, 4, 4))
    out, idx = torch.ops.aten.max_pool2d_with_indices(x, [2, 2], [2, 2], [0, 0], [1, 1], False)
    check("aten::max_pool2d_with_indices_backward", lambda: ((out.clone(), _t((1, 2, 4)), [2, 2], [2, 2], [0, 0], [1, 1], False, idx),
                                                             {}), what="dims")
    check("aten::max_pool2d_with_indices_backward", lambda: ((out.clone(), x.clone(), [2, 2], [2, 2], [0, 0], [1, 1], False,
                                                              idx.int()), {}), what="int indices")
    check("aten::max_pool2d_with_indices_backward", lambda: ((out.double(), x.clone(), [2, 2], [2, 2], [0, 0], [1, 1], False,
                                                              idx), {}), what="grad dtype")


def test_im2col():
    for dt in FLOATS + [torch.int64, torch.int32, torch.bool]:
        for layout in LAYOUTS:
            for shape in ((2, 3, 6, 7), (3, 5, 4), (0, 2, 4, 4)):
                for k, d, p, s in (([2, 2], [1, 1], [0, 0], [1, 1]), ([3, 2], [1, 2], [1, 0], [2, 1]), ([1, 1], [1, 1], [2, 1], [3, 3])):
                    check("aten::im2col", lambda: ((_t(shape, dt, layout), k, d, p, s), {}),
                          what="%s %s %s %s %s %s %s" % (dt, layout, shape, k, d, p, s))
    x = _t((1, 2, 4, 4))
    check("aten::im2col", lambda: ((x.clone(), [5, 5], [1, 1], [0, 0], [1, 1]), {}), what="kernel too big")
    check("aten::im2col", lambda: ((x.clone(), [0, 2], [1, 1], [0, 0], [1, 1]), {}), what="kernel 0")
    check("aten::im2col", lambda: ((x.clone(), [2, 2], [0, 1], [0, 0], [1, 1]), {}), what="dilation 0")
    check("aten::im2col", lambda: ((x.clone(), [2, 2], [1, 1], [-1, 0], [1, 1]), {}), what="padding < 0")
    check("aten::im2col", lambda: ((x.clone(), [2, 2], [1, 1], [0, 0], [0, 1]), {}), what="stride 0")
    check("aten::im2col", lambda: ((_t((4, 4)), [2, 2], [1, 1], [0, 0], [1, 1]), {}), what="2-D")
    check("aten::im2col", lambda: ((_t((1, 0, 4, 4)), [2, 2], [1, 1], [0, 0], [1, 1]), {}), what="0 channels")


def test_batch_norm_with_update():
    for dt in FLOATS:
        for layout in ("contig", "transposed"):
            for shape in ((4, 3), (2, 3, 5), (2, 3, 4, 4)):
                for affine in (True, False):
                    w = _t((3,), dt, seed=1, special=False) if affine else None
                    b = _t((3,), dt, seed=2, special=False) if affine else None
                    check("aten::_batch_norm_with_update",
                          lambda: ((_t(shape, dt, layout, special=False), w, b, torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt),
                                    0.1, 1e-5), {}), what="%s %s %s %s" % (dt, layout, shape, affine))
                    # the running statistics are updated in place as torch does
                    check("aten::_batch_norm_with_update",
                          lambda: ((_t(shape, dt, special=False), w, b, _t((3,), dt, seed=4, special=False), torch.ones(3, dtype=dt),
                                    0.3, 1e-3), {}), what="running mean %s %s" % (dt, shape), inplace_arg=None)
    check("aten::_batch_norm_with_update", lambda: ((_t((4, 3), torch.int64), None, None, torch.zeros(3), torch.ones(3), 0.1, 1e-5),
                                                    {}), what="int input")


def test_embedding_renorm_():
    idx = torch.tensor([[0, 2, 2], [5, 1, 0]])
    for dt in FLOATS:
        for layout in ("contig", "transposed", "strided"):
            for max_norm, p in ((1.0, 2.0), (0.5, 1.0), (2.0, 3.0), (1.5, float("inf")), (100.0, 2.0)):
                for ix in (idx, idx.int(), torch.zeros(0, dtype=torch.int64)):
                    check("aten::embedding_renorm_", lambda: ((_t((6, 4), dt, layout, special=False), ix, max_norm, p), {}),
                          what="%s %s %s %s %s" % (dt, layout, max_norm, p, ix.dtype), inplace_arg=0)
    check("aten::embedding_renorm_", lambda: ((_t((6, 4)), torch.tensor([6]), 1.0, 2.0), {}), what="out of range")
    check("aten::embedding_renorm_", lambda: ((_t((6, 4)), torch.tensor([1.0]), 1.0, 2.0), {}), what="float index")
    check("aten::embedding_renorm_", lambda: ((_t((6,)), torch.tensor([1]), 1.0, 2.0), {}), what="1-D")
