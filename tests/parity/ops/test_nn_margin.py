"""Parity of csrc/ops/nn/loss_margin.c (margin_ranking, hinge_embedding,
soft_margin, poisson_nll, cosine_embedding, triplet_margin, multi_margin,
multilabel_margin losses) and csrc/ops/nn/layers.c (rms_norm, bilinear,
pdist, renorm, inner, vdot), plus special_zeta and polygamma(1, x) of
special.c, gather's empty index and batch_norm's empty 1-D input."""
import pytest
import torch

from optest import check, make_tensor

F32 = [torch.float32, torch.float64]
RED = [0, 1, 2]


def _t(shape, dt=torch.float32, layout="contig", seed=0, **kw):
    return make_tensor(shape, dt, layout, seed=seed, **kw)


def _sign(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randint(0, 2, shape, generator=g) * 2 - 1).float()


@pytest.mark.parametrize("red", RED)
def test_elementwise_margin_losses(red):
    for dt in F32 + [torch.float16]:
        for layout in ("contig", "transposed", "strided"):
            for shapes in (((5, 7), (5, 7), (5, 7)), ((5, 7), (7,), (5, 1)), ((0, 3), (0, 3), (3,)), ((), (), ())):
                x1, x2, t = shapes
                check("aten::margin_ranking_loss", lambda: ((_t(x1, dt, layout), _t(x2, dt, seed=1), _sign(t, 2).to(dt), 0.3, red),
                                                            {}), what="%s %s %s" % (dt, layout, shapes))
                check("aten::hinge_embedding_loss", lambda: ((_t(x1, dt, layout), _sign(t, 3).to(dt), 1.5, red), {}),
                      what="%s %s %s" % (dt, layout, shapes))
                check("aten::soft_margin_loss", lambda: ((_t(x1, dt, layout), _sign(t, 4).to(dt), red), {}),
                      what="%s %s %s" % (dt, layout, shapes))
                for log_input in (True, False):
                    for full in (True, False):
                        check("aten::poisson_nll_loss",
                              lambda: ((_t(x1, dt, layout, low=0.0, high=3.0) if not log_input else _t(x1, dt, layout),
                                        _t(t, dt, seed=5, low=0.0, high=4.0), log_input, full, 1e-8, red), {}),
                              what="%s %s %s %s %s" % (dt, layout, shapes, log_input, full))
    check("aten::margin_ranking_loss", lambda: ((_t((3,)), _t((3,)), _t((4,)), 0.0, red), {}), what="bad broadcast")
    check("aten::hinge_embedding_loss", lambda: ((_t((3,), torch.int64), _t((3,), torch.int64), 1.0, red), {}),
          what="int inputs")


@pytest.mark.parametrize("red", RED)
def test_cosine_triplet(red):
    for dt in F32:
        for layout in ("contig", "transposed"):
            check("aten::cosine_embedding_loss", lambda: ((_t((6, 4), dt, layout), _t((6, 4), dt, seed=1),
                                                           _sign((6,), 2).to(dt), 0.2, red), {}), what="%s %s" % (dt, layout))
            check("aten::cosine_embedding_loss", lambda: ((_t((4,), dt), _t((4,), dt, seed=1), _sign((), 2).to(dt), 0.0, red), {}),
                  what="1-D %s" % dt)
            for p, swap in ((2.0, False), (1.0, True), (3.0, False)):
                check("aten::triplet_margin_loss", lambda: ((_t((6, 4), dt, layout), _t((6, 4), dt, seed=1), _t((6, 4), dt, seed=2),
                                                             1.0, p, 1e-6, swap, red), {}), what="%s %s %s %s" % (dt, layout, p, swap))
            check("aten::triplet_margin_loss", lambda: ((_t((4,), dt), _t((4,), dt, seed=1), _t((4,), dt, seed=2)), {}),
                  what="1-D %s" % dt)
    check("aten::cosine_embedding_loss", lambda: ((_t((6, 4)), _t((6, 4)), _sign((6,), 2).long(), 0.1, red), {}),
          what="int target")
    check("aten::cosine_embedding_loss", lambda: ((_t((0, 4)), _t((0, 4)), _t((0,)), 0.0, red), {}), what="empty")
    check("aten::cosine_embedding_loss", lambda: ((_t((6, 4)), _t((6, 4)), _t((6, 1)), 0.0, red), {}), what="bad target")
    check("aten::cosine_embedding_loss", lambda: ((_t((6, 4)), _t((4,)), _t((6,)), 0.0, red), {}), what="bad dims")
    check("aten::triplet_margin_loss", lambda: ((_t((6, 4)), _t((4,)), _t((6, 4))), {}), what="bad dims")


@pytest.mark.parametrize("red", RED)
def test_class_margin_losses(red):
    g = torch.Generator().manual_seed(7)
    for dt in F32:
        for layout in ("contig", "transposed"):
            tgt = torch.randint(0, 5, (6,), generator=g)
            for p, margin in ((1, 1.0), (2, 0.5)):
                check("aten::multi_margin_loss", lambda: ((_t((6, 5), dt, layout), tgt, p, margin, None, red), {}),
                      what="%s %s %s" % (dt, layout, p))
                check("aten::multi_margin_loss", lambda: ((_t((6, 5), dt, layout), tgt, p, margin, _t((5,), dt, seed=3, low=0.0), red),
                                                          {}), what="weight %s %s %s" % (dt, layout, p))
            check("aten::multi_margin_loss", lambda: ((_t((5,), dt), torch.tensor(2), 1, 1.0, None, red), {}), what="1-D")
            mt = torch.tensor([[3, 0, -1, 1, 2], [0, 1, 2, 3, 4], [-1, 2, 3, 0, 0], [4, 4, -1, 0, 0]])
            check("aten::multilabel_margin_loss", lambda: ((_t((4, 5), dt, layout), mt, red), {}), what="%s %s" % (dt, layout))
            check("aten::multilabel_margin_loss", lambda: ((_t((5,), dt), torch.tensor([1, 3, -1, 0, 0]), red), {}), what="1-D")
    check("aten::multi_margin_loss", lambda: ((_t((6, 5)), torch.tensor([0, 1, 2, 3, 4, 5]), 1, 1.0, None, red), {}),
          what="target out of range")
    check("aten::multi_margin_loss", lambda: ((_t((6, 5)), torch.zeros(6, dtype=torch.long), 3, 1.0, None, red), {}), what="p=3")
    check("aten::multi_margin_loss", lambda: ((_t((6, 5)), torch.zeros(5, dtype=torch.long), 1, 1.0, None, red), {}),
          what="bad target size")
    check("aten::multilabel_margin_loss", lambda: ((_t((4, 5)), torch.zeros(4, 4, dtype=torch.long), red), {}), what="bad target")


def test_rms_norm():
    for dt in F32 + [torch.float16]:
        for layout in ("contig", "transposed", "strided"):
            x = lambda: _t((4, 6, 5), dt, layout)
            check("aten::rms_norm", lambda: ((x(), [5]), {}), what="%s %s" % (dt, layout))
            check("aten::rms_norm", lambda: ((x(), [6, 5], _t((6, 5), dt, seed=1), 1e-3), {}), what="weight %s %s" % (dt, layout))
            check("aten::rms_norm", lambda: ((x(), [5], None, 0.5), {}), what="eps %s %s" % (dt, layout))
    check("aten::rms_norm", lambda: ((_t((4, 6)), [5]), {}), what="bad shape")
    check("aten::rms_norm", lambda: ((_t((4, 6)), [6], _t((5,))), {}), what="bad weight")
    check("aten::rms_norm", lambda: ((_t((0, 6)), [6]), {}), what="empty")
    check("aten::rms_norm", lambda: ((_t((4, 6), torch.int64), [6]), {}), what="int")


def test_bilinear_pdist_renorm():
    for dt in F32:
        for layout in ("contig", "transposed"):
            # finite inputs: with infinities the summation order decides between inf and NaN
            check("aten::bilinear", lambda: ((_t((4, 3), dt, layout, special=False), _t((4, 5), dt, seed=1),
                                               _t((2, 3, 5), dt, seed=2), _t((2,), dt, seed=3)), {}), what="%s %s" % (dt, layout))
            check("aten::bilinear", lambda: ((_t((2, 4, 3), dt), _t((2, 4, 5), dt, seed=1), _t((2, 3, 5), dt, seed=2)), {}),
                  what="3-D no bias %s" % dt)
            for p in (2.0, 1.0, 0.0, 3.5, float("inf")):
                check("aten::pdist", lambda: ((_t((6, 4), dt, layout, special=False), p), {}), what="%s %s %s" % (dt, layout, p))
                check("aten::_pdist_forward", lambda: ((_t((5, 3), dt, layout), p), {}), what="%s %s %s" % (dt, layout, p))
                for dim in (0, 1, -1):
                    check("aten::renorm", lambda: ((_t((4, 5), dt, layout, special=False), p if p > 0 else 2, dim, 1.5), {}),
                          what="%s %s %s %d" % (dt, layout, p, dim))
            check("aten::renorm", lambda: ((_t((2, 3, 4), dt), 2, 1, 0.5), {}), what="3-D %s" % dt)
    for dt in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool):
        # integers: torch's bmm wraps around (int8 overflows here), bool is refused
        for layout in ("contig", "transposed", "expanded"):
            check("aten::bilinear", lambda: ((_t((4, 3), dt, layout), _t((4, 5), dt, seed=1),
                                               _t((2, 3, 5), dt, seed=2), _t((2,), dt, seed=3)), {}), what="%s %s" % (dt, layout))
        check("aten::bilinear", lambda: ((_t((2, 4, 3), dt), _t((2, 4, 5), dt, seed=1), _t((2, 3, 5), dt, seed=2)), {}),
              what="3-D no bias %s" % dt)
        check("aten::bilinear", lambda: ((_t((0, 3), dt), _t((0, 5), dt, seed=1), _t((2, 3, 5), dt, seed=2)), {}),
              what="empty %s" % dt)
    check("aten::bilinear", lambda: ((_t((4, 3)), _t((4, 5)), _t((2, 3, 4))), {}), what="bad weight")
    check("aten::bilinear", lambda: ((_t((4, 3)), _t((4, 5), torch.float64), _t((2, 3, 5))), {}), what="mixed dtypes")
    check("aten::pdist", lambda: ((_t((1, 4)),), {}), what="one row")
    check("aten::pdist", lambda: ((_t((0, 4)),), {}), what="no rows")
    check("aten::pdist", lambda: ((_t((4,)),), {}), what="1-D")
    check("aten::pdist", lambda: ((_t((3, 4)), -1.0), {}), what="negative p")
    check("aten::renorm", lambda: ((_t((4,)), 2, 0, 1.0), {}), what="1-D")
    check("aten::renorm", lambda: ((_t((4, 5)), 0, 0, 1.0), {}), what="p=0")
    check("aten::renorm", lambda: ((_t((4, 5), torch.int64), 2, 0, 1.0), {}), what="int")


def test_inner_vdot():
    for dt in F32 + [torch.int64]:
        for xs, ys in (((3, 4), (5, 4)), ((4,), (4,)), ((2, 3, 4), (4,)), ((), (3, 2)), ((3,), ()), ((0, 4), (2, 4)), ((3, 4), (3, 5))):
            check("aten::inner", lambda: ((_t(xs, dt, special=False), _t(ys, dt, seed=1, special=False)), {}),
                  what="%s %s %s" % (dt, xs, ys))
        check("aten::vdot", lambda: ((_t((5,), dt, "strided", special=False), _t((5,), dt, seed=1, special=False)), {}),
              what=str(dt))
    check("aten::inner", lambda: ((_t((3, 4)), _t((4,), torch.float64)), {}), what="mixed dtypes")
    check("aten::vdot", lambda: ((_t((5,)), _t((5,), torch.float64)), {}), what="mixed dtypes")
    check("aten::vdot", lambda: ((_t((5,)), _t((4,))), {}), what="sizes")
    check("aten::vdot", lambda: ((_t((2, 2)), _t((2, 2))), {}), what="2-D")


def test_zeta_trigamma():
    for dt in F32:
        check("aten::special_zeta", lambda: ((_t((5, 7), dt, low=1.0, high=6.0), _t((7,), dt, seed=1, low=0.1, high=5.0)), {}),
              what=str(dt))
        check("aten::special_zeta", lambda: ((_t((5, 7), dt, "transposed"), _t((7,), dt, seed=1)), {}), what="special %s" % dt)
        check("aten::special_zeta.other_scalar", lambda: ((_t((5, 7), dt, low=1.5, high=4.0), 2.0), {}), what=str(dt))
        check("aten::special_zeta.self_scalar", lambda: ((3, _t((5, 7), dt, low=0.5, high=4.0)), {}), what=str(dt))
    check("aten::special_zeta", lambda: ((_t((4,), torch.int64, low=2, high=5), _t((4,), torch.int64, low=1, high=5)), {}),
          what="int")
    # polygamma(1, x) near the poles: torch's float32 trigamma evaluates sin(pi x) in float
    x = torch.tensor([-3.973021984100342, -0.999, -2.0001, 0.25, 7.5, -5.5], dtype=torch.float32)
    check("aten::polygamma", lambda: ((1, x.clone()), {}), what="trigamma near poles f32")
    check("aten::polygamma", lambda: ((1, x.double()), {}), what="trigamma f64")
    check("aten::polygamma", lambda: ((1, _t((5, 7), torch.float32, low=-10.0, high=10.0)), {}), what="trigamma f32")


def test_gather_empty_index_batch_norm_1d():
    for dt in (torch.uint8, torch.int8, torch.int16, torch.int64):
        check("aten::gather", lambda: ((_t((5,)), 0, torch.zeros(0, dtype=dt)), {}), what="empty %s" % dt)
        check("aten::gather", lambda: ((_t((5,)), 0, torch.zeros(2, 0, dtype=dt)), {}), what="empty 2-D %s" % dt)
    check("aten::gather", lambda: ((_t((5,)), 0, torch.zeros(2, dtype=torch.uint8)), {}), what="non-empty uint8")
    for training in (True, False):
        check("aten::batch_norm", lambda: ((_t((0,)), _t((0,)), _t((0,)), None, None, training, 0.1, 1e-5, False), {}),
              what="empty 1-D with weight %s" % training)
        check("aten::batch_norm", lambda: ((_t((0,)), None, None, _t((0,)), _t((0,)), training, 0.1, 1e-5, False), {}),
              what="empty 1-D %s" % training)
        check("aten::batch_norm", lambda: ((_t((0,)), None, None, None, None, training, 0.1, 1e-5, False), {}),
              what="empty 1-D no stats %s" % training)
        check("aten::batch_norm", lambda: ((_t((5,)), _t((5,)), _t((5,)), _t((5,)), _t((5,)), training, 0.1, 1e-5, False), {}),
              what="1-D %s" % training)
