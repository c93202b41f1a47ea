"""Parity of csrc/ops/nn/grid_sample.c: grid_sampler_2d / grid_sampler_3d and the
grid_sampler dispatcher (F.grid_sample) - bilinear, nearest and (2-D) bicubic, padding
zeros / border / reflection, align_corners both ways, grid points inside, on and far
outside the image, exact pixel centres (nearest's ties), NaN/inf in the input and in the
grid, float32 and float64, contiguous, transposed, strided and expanded inputs and grids,
size-1 and empty batches, empty grids, and torch's refusals."""
import itertools

import pytest
import torch

from optest import check, make_tensor

MODES = {0: "bilinear", 1: "nearest", 2: "bicubic"}
PADS = {0: "zeros", 1: "border", 2: "reflection"}
DTS = (torch.float32, torch.float64)


def grid(shape, dt, layout="contig", seed=3, special=False):
    """Points in [-1.6, 1.6]: inside, on the edge and outside the image."""
    return make_tensor(shape, dt, layout, seed=seed, low=-1.6, high=1.6) if not special else \
        make_tensor(shape, dt, layout, seed=seed)


def pixel_grid(nd, size, dt, align):
    """Every pixel centre and every half-way point of an image of `size` (nearest's ties)."""
    axes = []
    for n in reversed(size):
        k = torch.arange(0, 2 * n - 1, dtype=torch.float64) / 2  # pixel coordinates 0, 0.5, ... n-1
        axes.append(k * 2 / (n - 1) - 1 if align and n > 1 else (2 * k + 1) / n - 1)
    mesh = torch.meshgrid(*reversed(axes), indexing="ij")
    g = torch.stack(list(reversed(mesh)), dim=-1).to(dt)
    return g.unsqueeze(0).expand((2,) + tuple(g.shape)).contiguous()


@pytest.mark.parametrize("nd", [2, 3])
def test_grid_sampler(nd):
    op = "aten::grid_sampler_%dd" % nd
    ishape = (2, 3, 4, 5) if nd == 2 else (2, 3, 3, 4, 5)
    gshape = (2, 6, 7, 2) if nd == 2 else (2, 2, 6, 7, 3)
    modes = (0, 1, 2) if nd == 2 else (0, 1)
    for mode, pad, align in itertools.product(modes, PADS, (False, True)):
        for dt in DTS:
            what = "%s %s align=%s %s" % (MODES[mode], PADS[pad], align, dt)
            for il, gl in (("contig", "contig"), ("transposed", "strided"), ("strided", "transposed"),
                           ("expanded", "expanded")):
                check(op, lambda: ((make_tensor(ishape, dt, il, special=False), grid(gshape, dt, gl), mode, pad,
                                    align), {}), what=what + " %s/%s" % (il, gl))
                check("aten::grid_sampler", lambda: ((make_tensor(ishape, dt, il, special=False),
                                                      grid(gshape, dt, gl, seed=5), mode, pad, align), {}),
                      what=what + " %s/%s" % (il, gl))
            # NaN / inf in the image
            check(op, lambda: ((make_tensor(ishape, dt), grid(gshape, dt), mode, pad, align), {}), what=what + " nan image")
            # pixel centres and half-way points, far-outside points (reflection folds them several times)
            check(op, lambda: ((make_tensor(ishape, dt, special=False), pixel_grid(nd, ishape[2:], dt, align), mode, pad,
                                align), {}), what=what + " pixel grid")
            check(op, lambda: ((make_tensor(ishape, dt, special=False),
                                make_tensor(gshape, dt, seed=7, low=-9.0, high=9.0), mode, pad, align), {}),
                  what=what + " far")
            # size-1 images, an empty batch, an empty grid
            one = (2, 3) + (1,) * nd
            check(op, lambda: ((make_tensor(one, dt, special=False), grid(gshape, dt), mode, pad, align), {}),
                  what=what + " size-1 image")
            check(op, lambda: ((make_tensor((0,) + ishape[1:], dt), grid((0,) + gshape[1:], dt), mode, pad, align), {}),
                  what=what + " empty batch")
            check(op, lambda: ((make_tensor(ishape, dt), grid(gshape[:1] + (0,) + gshape[2:], dt), mode, pad, align), {}),
                  what=what + " empty grid")
    for mode, pad, dt in itertools.product(modes, (0, 1, 2), DTS):
        # NaN / inf in the grid
        check(op, lambda: ((make_tensor(ishape, dt, special=False), grid(gshape, dt, special=True), mode, pad, False), {}),
              what="nan grid %s %s %s" % (MODES[mode], PADS[pad], dt))


def test_grid_sampler_refusals():
    f, d = torch.float32, torch.float64
    bad = [
        ("aten::grid_sampler_2d", (make_tensor((1, 2, 3, 3), f), grid((1, 2, 2, 2), d), 0, 0, False)),  # dtypes differ
        ("aten::grid_sampler_2d", (make_tensor((2, 2, 3, 3), f), grid((1, 2, 2, 2), f), 0, 0, False)),  # batch sizes
        ("aten::grid_sampler_2d", (make_tensor((1, 2, 3, 3), f), grid((1, 2, 2, 3), f), 0, 0, False)),  # last dim 3
        ("aten::grid_sampler_2d", (make_tensor((1, 2, 0, 3), f), grid((1, 2, 2, 2), f), 0, 0, False)),  # empty H
        ("aten::grid_sampler_2d", (make_tensor((2, 3, 3), f), grid((2, 2, 2), f), 0, 0, False)),  # 3-D input
        ("aten::grid_sampler_3d", (make_tensor((1, 2, 3, 3, 3), f), grid((1, 2, 2, 2, 3), f), 2, 0, False)),  # bicubic
        ("aten::grid_sampler_3d", (make_tensor((1, 2, 3, 3), f), grid((1, 2, 2, 2), f), 0, 0, False)),  # 4-D input
        ("aten::grid_sampler", (make_tensor((1, 2, 3), f), grid((1, 2, 2), f), 0, 0, False)),  # 3-D input
        ("aten::grid_sampler", (make_tensor((1, 2, 3, 3), f), grid((1, 2, 2, 2, 3), f), 0, 0, False)),  # dims differ
        ("aten::grid_sampler", (make_tensor((1, 2, 3, 3, 3), f), grid((1, 2, 2, 2, 3), f), 2, 0, False)),  # bicubic 3-D
    ]
    for op, args in bad:
        check(op, lambda: (args, {}), what="bad %s" % ([tuple(a.shape) if hasattr(a, "shape") else a for a in args],))
