"""Parity of torchvision's operators (csrc/ops/vision/: torchvision::nms,
box_iou_rotated, roi_align, roi_pool, ps_roi_align, ps_roi_pool), registered
with torchvision's schemas and run here through torch.ops.torchvision.* (the
harness's torch_op resolves "torchvision::nms"), and of the aten ops the
detection / segmentation models reach: the antialiased upsamplings
(csrc/ops/nn/upsample_aa.c), unique_dim (csrc/ops/reduce/unique.c),
where(condition) / nonzero_numpy (csrc/ops/index/nonzero_tuple.c) and the
empty aten::dict() (csrc/ops/prim/dict_empty.c).

Cases: empty boxes / rois, tied scores, iou thresholds 0 and 1, aligned both
ways, sampling ratios -1 / 0 / 2, float32 and float64, non-contiguous inputs,
boxes partly outside the feature map.  Default float32 tolerances throughout
(the kernels reproduce torchvision's / ATen's arithmetic in the input dtype)."""
from collections import OrderedDict
from typing import Dict

import pytest
import torch

from optest import check, make_tensor

torchvision = pytest.importorskip("torchvision")  # registers torch.ops.torchvision.*

DTYPES = [torch.float32, torch.float64]


def boxes(n, dtype, seed, layout="contig", size=32.0):
    """n boxes (x1, y1, x2, y2) inside about [0, size], well formed."""
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * size
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * size / 2 + 0.5
    b = torch.cat([xy, xy + wh], 1).to(dtype)
    if layout == "transposed":
        b = b.t().contiguous().t()
    elif layout == "strided":
        b = torch.stack([b, b], 2)[..., 0]
    return b


# ---- nms ------------------------------------------------------------------------------------------

def nms_maker(n, dtype, thr, seed=0, ties=False, layout="contig", scores_layout="contig"):
    def make():
        b = boxes(n, dtype, seed, layout)
        g = torch.Generator().manual_seed(seed + 100)
        s = torch.rand(n, generator=g, dtype=torch.float64).to(dtype)
        if ties:  # few distinct values: ties broken by index, as torchvision's sort does
            s = (s * 3).floor() / 3
        if scores_layout == "strided":
            s = torch.stack([s, s], 1)[:, 0]
        return (b, s, thr), {}
    return make


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("thr", [0.0, 0.3, 0.5, 0.7, 1.0])
@pytest.mark.parametrize("n", [0, 1, 7, 60])
def test_nms(n, thr, dtype):
    check("torchvision::nms", nms_maker(n, dtype, thr))


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_nms_non_contiguous(layout):
    check("torchvision::nms", nms_maker(40, torch.float32, 0.5, seed=3, layout=layout, scores_layout="strided"))


@pytest.mark.parametrize("thr", [0.0, 0.5, 1.0])
def test_nms_ties(thr):
    check("torchvision::nms", nms_maker(50, torch.float32, thr, seed=5, ties=True))


def test_nms_identical_boxes_and_degenerate():
    def make():
        b = torch.tensor([[0, 0, 10, 10], [0, 0, 10, 10], [5, 5, 5, 5], [1, 1, 0, 0], [0, 0, 10, 10.0]])
        s = torch.tensor([0.5, 0.5, 0.9, 0.8, 0.5])
        return (b, s, 0.5), {}
    check("torchvision::nms", make)


def test_nms_errors():
    check("torchvision::nms", lambda: ((torch.zeros(3, 5), torch.zeros(3), 0.5), {}), what="bad box width")
    check("torchvision::nms", lambda: ((torch.zeros(3, 4), torch.zeros(2), 0.5), {}), what="count mismatch")
    check("torchvision::nms", lambda: ((torch.zeros(3, 4), torch.zeros(3).double(), 0.5), {}), what="dtypes")
    check("torchvision::nms", lambda: ((torch.zeros(3, 4).long(), torch.zeros(3).long(), 0.5), {}), what="int64")


def test_batched_nms_paths():
    """torchvision.ops.batched_nms: the coordinate trick and the per-class loop both end in nms."""
    from torchvision.ops import boxes as box_ops
    import pyts

    b, s = boxes(30, torch.float32, 7), torch.rand(30, generator=torch.Generator().manual_seed(8))
    idx = torch.randint(0, 3, (30,), generator=torch.Generator().manual_seed(9))
    for fn in (box_ops._batched_nms_coordinate_trick, box_ops._batched_nms_vanilla):
        f = torch.jit.script(fn)
        exp = f(b, s, idx, 0.4)
        m = pyts.load(_save_fn(f))
        got = torch.from_numpy(m.forward(b.numpy(), s.numpy(), idx.numpy(), 0.4))
        assert torch.equal(got, exp), fn.__name__


def _save_fn(f):
    import tempfile

    class Wrap(torch.nn.Module):
        def __init__(self, fn):
            super().__init__()
            self.fn = fn

        def forward(self, b: torch.Tensor, s: torch.Tensor, i: torch.Tensor, t: float):
            return self.fn(b, s, i, t)

    path = tempfile.mktemp(suffix=".pt")
    torch.jit.script(Wrap(f)).save(path)
    return path


# ---- box_iou_rotated ------------------------------------------------------------------------------

def rotated(n, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    c = torch.rand(n, 2, generator=g, dtype=torch.float64) * 20
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * 10 + 1
    a = (torch.rand(n, 1, generator=g, dtype=torch.float64) - 0.5) * 180
    return torch.cat([c, wh, a], 1).to(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("n,m", [(0, 3), (3, 0), (1, 1), (6, 9)])
def test_box_iou_rotated(n, m, dtype):
    check("torchvision::box_iou_rotated", lambda: ((rotated(n, dtype, 1), rotated(m, dtype, 2)), {}))


def test_box_iou_rotated_same_boxes_and_axis_aligned():
    def make():
        b = torch.tensor([[5, 5, 4, 2, 0], [5, 5, 4, 2, 90], [5, 5, 4, 2, 45], [6, 5, 4, 2, 0], [5, 5, 0, 2, 0.0]])
        return (b, b), {}
    check("torchvision::box_iou_rotated", make)


# ---- roi ops --------------------------------------------------------------------------------------

def rois(k, dtype, seed, batch=2, size=16.0, layout="contig", outside=True):
    g = torch.Generator().manual_seed(seed)
    bi = torch.randint(0, batch, (k, 1), generator=g).to(torch.float64)
    lo = -4.0 if outside else 0.0
    xy = torch.rand(k, 2, generator=g, dtype=torch.float64) * (size - lo) + lo
    wh = torch.rand(k, 2, generator=g, dtype=torch.float64) * size * 0.7
    r = torch.cat([bi, xy, xy + wh], 1)
    if k >= 3:
        r[1, 3:] = r[1, 1:3] + 0.2  # smaller than a pixel
        r[2, 1:] = torch.tensor([size - 1, size - 1, size + 6, size + 5], dtype=torch.float64)  # at / past the edge
    r = r.to(dtype)
    if layout == "strided":
        r = torch.stack([r, r], 2)[..., 0]
    return r


def feat(shape, dtype, layout="contig", seed=4):
    return make_tensor(shape, dtype, layout, seed=seed, special=False)


ALIGN_CASES = [(7, 2, 0.5), (0, 2, 0.5), (5, 1, 1.0), (6, 0, 0.25), (6, -1, 0.5), (6, 2, 2.0)]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("k,sampling,scale", ALIGN_CASES)
def test_roi_align(k, sampling, scale, aligned, dtype):
    check("torchvision::roi_align",
          lambda: ((feat((2, 3, 9, 11), dtype), rois(k, dtype, 1, size=16 / scale), scale, 3, 4, sampling, aligned), {}))


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_roi_align_non_contiguous(layout):
    check("torchvision::roi_align",
          lambda: ((feat((2, 3, 9, 11), torch.float32, layout), rois(6, torch.float32, 2, layout="strided"), 0.5, 2, 2,
                    -1, True), {}))


@pytest.mark.parametrize("pooled", [(1, 1), (2, 5), (7, 7)])
def test_roi_align_pooled_sizes(pooled):
    check("torchvision::roi_align",
          lambda: ((feat((1, 4, 8, 8), torch.float32), rois(5, torch.float32, 3, batch=1, size=8), 1.0, pooled[0],
                    pooled[1], 0, False), {}))


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("sampling", [2, 0])
def test_roi_align_many_rois(sampling, aligned):
    """A detector's shape (many rois, 7x7 bins, several channels): the rois are split over the thread
    pool, each thread with its own table of sample positions and weights."""
    check("torchvision::roi_align",
          lambda: ((feat((2, 16, 12, 10), torch.float32), rois(96, torch.float32, 9, size=24.0), 0.5, 7, 7, sampling,
                    aligned), {}))


@pytest.mark.parametrize("ps", [False, True])
def test_roi_align_dense_sampling(ps):
    """7 x 7 bins of 40 x 40 samples: a roi's table would pass its size limit (2^16 samples), so each
    roi is sampled channel by channel, as before the table existed."""
    op = "torchvision::ps_roi_align" if ps else "torchvision::roi_align"
    extra = () if ps else (True,)
    check(op, lambda: ((feat((1, 49 if ps else 2, 9, 11), torch.float32), rois(3, torch.float32, 10, batch=1), 0.5, 7,
                        7, 40) + extra, {}))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("k,scale", [(7, 0.5), (0, 1.0), (5, 1.0), (6, 0.25)])
def test_roi_pool(k, scale, dtype):
    check("torchvision::roi_pool",
          lambda: ((feat((2, 3, 9, 11), dtype), rois(k, dtype, 5, size=16 / scale), scale, 3, 2), {}))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("k,sampling,scale", ALIGN_CASES)
def test_ps_roi_align(k, sampling, scale, dtype):
    check("torchvision::ps_roi_align",
          lambda: ((feat((2, 12, 9, 11), dtype), rois(k, dtype, 6, size=16 / scale), scale, 2, 3, sampling), {}))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("k,scale", [(7, 0.5), (0, 1.0), (5, 1.0), (6, 0.25)])
def test_ps_roi_pool(k, scale, dtype):
    check("torchvision::ps_roi_pool",
          lambda: ((feat((2, 12, 9, 11), dtype), rois(k, dtype, 7, size=16 / scale), scale, 3, 2), {}))


@pytest.mark.parametrize("op", ["torchvision::ps_roi_pool", "torchvision::roi_pool"])
def test_roi_non_contiguous(op):
    check(op, lambda: ((feat((2, 12, 9, 11), torch.float64, "transposed"), rois(6, torch.float64, 8, layout="strided"),
                        0.5, 2, 3), {}))


def test_roi_errors():
    x = feat((1, 5, 4, 4), torch.float32)
    check("torchvision::ps_roi_pool", lambda: ((x, rois(3, torch.float32, 1, batch=1), 1.0, 2, 2), {}),
          what="channels not a multiple")
    check("torchvision::roi_align", lambda: ((x, rois(3, torch.float64, 1, batch=1), 1.0, 2, 2, 0, False), {}),
          what="dtype mismatch")
    check("torchvision::roi_align", lambda: ((x, torch.zeros(3, 4), 1.0, 2, 2, 0, True), {}), what="bad rois")


# ---- aten ops of the models -----------------------------------------------------------------------

AA = ["aten::_upsample_bilinear2d_aa", "aten::_upsample_bicubic2d_aa", "aten::_upsample_lanczos2d_aa"]
AA_VEC = {"aten::_upsample_bilinear2d_aa": "aten::_upsample_bilinear2d_aa.vec",
          "aten::_upsample_bicubic2d_aa": "aten::_upsample_bicubic2d_aa.vec",
          "aten::_upsample_lanczos2d_aa": "aten::_upsample_lanczos2d_aa.vec"}
AA_SIZES = [(4, 5), (9, 13), (20, 6), (1, 1), (9, 3)]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("out", AA_SIZES, ids=str)
@pytest.mark.parametrize("op", AA)
def test_upsample_aa(op, out, align, dtype):
    check(op, lambda: ((feat((2, 3, 9, 13), dtype), list(out), align), {}))


@pytest.mark.parametrize("op", AA)
@pytest.mark.parametrize("scales", [(0.5, 0.3), (2.0, 1.5), (0.37, 3.1)], ids=str)
def test_upsample_aa_scales(op, scales):
    x = feat((1, 2, 10, 12), torch.float32)
    out = [int(10 * scales[0]), int(12 * scales[1])]
    check(op, lambda: ((x, out, False, scales[0], scales[1]), {}), what="plain")
    check(AA_VEC[op], lambda: ((x, None, False, list(scales)), {}), what="vec scale_factors")
    check(AA_VEC[op], lambda: ((x, out, True, None), {}), what="vec output_size")


@pytest.mark.parametrize("op", AA)
@pytest.mark.parametrize("layout", ["transposed", "strided", "expanded"])
def test_upsample_aa_layouts(op, layout):
    check(op, lambda: ((feat((2, 3, 9, 13), torch.float32, layout), [5, 7], False), {}))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool], ids=str)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_dim(dim, dtype):
    def make():
        g = torch.Generator().manual_seed(3)
        x = torch.randint(0, 2, (6, 5, 3), generator=g).to(dtype)
        return (x, dim, True, True, True), {}
    check("aten::unique_dim", make)


def test_unique_dim_edge():
    check("aten::unique_dim", lambda: ((torch.zeros(0, 3), 0), {}), what="empty dim")
    check("aten::unique_dim", lambda: ((torch.zeros(3, 0), 0), {}), what="empty other dim")
    check("aten::unique_dim", lambda: ((torch.zeros(0, 0), 0), {}), what="two empty dims")
    check("aten::unique_dim", lambda: ((make_tensor((4, 6), torch.float32, "transposed", seed=2, special=False),
                                        1, False, False, False), {}), what="transposed")


@pytest.mark.parametrize("op", ["aten::where", "aten::nonzero_numpy"])
@pytest.mark.parametrize("shape", [(), (7,), (3, 4), (2, 0, 3), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("dtype", [torch.bool, torch.float32, torch.int64], ids=str)
def test_nonzero_tuple(op, shape, dtype):
    check(op, lambda: ((make_tensor(shape, dtype, seed=5, low=-1, high=2) if dtype != torch.bool
                        else make_tensor(shape, dtype, seed=5),), {}))


def test_empty_dict():
    """aten::dict() (a scripted OrderedDict() / dict() with no arguments): an empty Dict(str, Tensor)."""
    import pyts

    f = torch.jit.script(EmptyDict())
    assert "aten::dict()" in str(f.graph)
    import tempfile

    path = tempfile.mktemp(suffix=".pt")
    f.save(path)
    got = pyts.load(path).forward(torch.ones(2).numpy())
    assert list(got) == ["a"] and (torch.from_numpy(got["a"].__array__()) == 2).all()


class EmptyDict(torch.nn.Module):
    def forward(self, x: torch.Tensor):
        d: Dict[str, torch.Tensor] = OrderedDict()
        d["a"] = x + 1
        return d


# ---- deform_conv2d --------------------------------------------------------------------------------

def deform_maker(dtype=torch.float32, B=2, C=4, O=6, H=7, W=8, k=(3, 3), stride=(1, 1), pad=(1, 1), dil=(1, 1),
                 groups=1, ogroups=1, use_mask=True, layout="contig", offset_scale=2.0):
    def make():
        g = torch.Generator().manual_seed(11)
        x = make_tensor((B, C, H, W), dtype, layout, seed=12, special=False)
        w = (torch.rand(O, C // groups, k[0], k[1], generator=g, dtype=torch.float64) - 0.5).to(dtype)
        oh = (H + 2 * pad[0] - (dil[0] * (k[0] - 1) + 1)) // stride[0] + 1
        ow = (W + 2 * pad[1] - (dil[1] * (k[1] - 1) + 1)) // stride[1] + 1
        off = ((torch.rand(B, 2 * ogroups * k[0] * k[1], oh, ow, generator=g, dtype=torch.float64) - 0.5)
               * 2 * offset_scale).to(dtype)
        mask = (torch.rand(B, ogroups * k[0] * k[1], oh, ow, generator=g, dtype=torch.float64).to(dtype) if use_mask
                else torch.zeros(B, 1, dtype=dtype))
        bias = torch.rand(O, generator=g, dtype=torch.float64).to(dtype)
        return (x, w, off, mask, bias, stride[0], stride[1], pad[0], pad[1], dil[0], dil[1], groups, ogroups,
                use_mask), {}
    return make


DEFORM_CASES = {
    "basic": {},
    "no-mask": {"use_mask": False},
    "f64": {"dtype": torch.float64},
    "stride-dil": {"stride": (2, 1), "dil": (1, 2), "pad": (2, 0)},
    "groups": {"groups": 2, "ogroups": 2},
    "offset-groups": {"ogroups": 4},
    "kernel-1x2": {"k": (1, 2), "pad": (0, 0)},
    "far-offsets": {"offset_scale": 9.0},
    "transposed": {"layout": "transposed"},
    "empty-batch": {"B": 0},
    "bad-offset": {"k": (3, 3), "pad": (0, 0), "H": 2},
}


@pytest.mark.parametrize("case", list(DEFORM_CASES))
def test_deform_conv2d(case):
    check("torchvision::deform_conv2d", deform_maker(**DEFORM_CASES[case]))


@pytest.mark.parametrize("shape", [(), (0,), (3, 1, 4), (2, 3, 4, 5)], ids=str)
def test_shape_as_tensor(shape):
    """aten::_shape_as_tensor: what a traced detection model records for x.shape used as data."""
    check("aten::_shape_as_tensor", lambda: ((make_tensor(shape, torch.float32, seed=1),), {}))


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool], ids=str)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_dim_consecutive(dim, dtype):
    def make():
        x = torch.tensor([[0, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1], [0, 0, 1]]).repeat(1, 2).to(dtype)
        return (x, dim, True, True), {}
    check("aten::unique_dim_consecutive", make)


@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True), (True, True)], ids=str)
@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("shape", [(12,), (4, 3), (0,), (0, 3)], ids=str)
def test_unique_consecutive(shape, dim, flags):
    def make():
        g = torch.Generator().manual_seed(2)
        x = torch.randint(0, 2, shape, generator=g).float()
        if x.numel() > 3:
            x.view(-1)[1] = float("nan")
            x.view(-1)[2] = float("nan")
        return (x, flags[0], flags[1], dim), {}
    check("aten::unique_consecutive", make)


@pytest.mark.parametrize("op,extra", [("torchvision::roi_align", (0, False)), ("torchvision::roi_align", (-1, True)),
                                      ("torchvision::roi_pool", ())], ids=["align", "align-aligned", "pool"])
def test_roi_non_finite_boxes(op, extra):
    """NaN, huge and infinite box coordinates: no samples where torchvision takes none (its int conversion
    of such values gives INT_MIN on x86), never a hang or an out-of-bounds read."""
    def make():
        x = feat((1, 4, 6, 6), torch.float32)
        r = torch.tensor([[0, float("nan"), 1, 3, 3], [0, 1e30, -1e30, 2e30, 5], [0, 1, 1, float("inf"), 2.0]])
        return (x, r, 1.0, 2, 2) + extra, {}
    check(op, make)
