"""Detection and segmentation parity: torchvision's detection models (Faster /
Mask / Keypoint R-CNN, RetinaNet, FCOS, SSD, SSDlite) and segmentation models
(DeepLabV3, LR-ASPP), random weights, eval(), scripted with torch.jit.script
and traced (detection through a wrapper returning a tuple of tensors), run by torch.jit.load and by pyts on the same
image; every output leaf compared: boxes, scores, labels, masks, keypoints
and keypoint scores (detections), "out" / "aux" maps (segmentation).  pyts
runs them without torchvision: the torchvision:: operators (nms, roi_align,
...) are pyts kernels.

Seeding so that detections are informative:
  * random weights leave most BatchNorm layers with running statistics (0, 1)
    that do not match the activations, which then vanish (~1e-8 at the FPN
    outputs of the MobileNet backbone) and every box gets the same score;
    `calibrate` sets the running statistics from batch statistics of two
    random images (cumulative average), so activations stay of order 1 and
    the scores differ;
  * score thresholds are 0 (box_score_thresh / score_thresh), so detections
    are never empty (asserted), and the models keep their 10 best detections
    (box_detections_per_img / detections_per_img) from fewer candidates
    (rpn_pre/post_nms_top_n_test, topk_candidates) - fewer near-equal scores
    compete, and the suite stays fast.

Ordering of near-equal scores.  The outputs are compared element by element,
in the models' own order, with no re-sorting or matching: if pyts ordered two
near-equal scores (or proposals, or heatmap maxima) differently from torch,
the rows would come out exchanged and the comparison fails - deliberately, a
reordering is a real divergence for a user.  What keeps this from being a
coin toss: the weights and the image are fixed (torch.manual_seed(0), image
seeds in IMAGE_SEED), pyts is deterministic, and with these seeds the two
closest final scores are further apart than the measured score error, by a
factor of at least 8 (relative gap / relative score error: Faster R-CNN
MobileNet 7.5e-4 / 1.3e-6, ResNet-50 3.0e-3 / 5.3e-5, Mask R-CNN 4.8e-4 /
5.8e-5, Keypoint R-CNN 3.2e-3 / 9.6e-5, RetinaNet 7.4e-4 / 4.7e-6, FCOS
7.5e-4 / 2.6e-5, SSDlite 4.2e-3 / 4.7e-6, SSD300 8.2e-6 / 1.2e-7); exact
ties are refused by the test (`min_gap`).  Image seed 1 gave Faster R-CNN
ResNet-50 and RetinaNet closer pairs (4.9e-5, 5.6e-6), so they use others.  If a kernel
change ever flips a near-tie, the failure shows exchanged rows (labels and
boxes swapped), and the remedy is another seed, not a wider tolerance.

Tolerances (derivation).  Whole networks accumulate float32 rounding that
differs between engines (GEMM/conv summation order, libm vs SLEEF): as in
tests/parity/models/test_models.py, values of order 1 are compared with
rtol = 1e-4.  Detection outputs are in pixels of a 128..320-pixel image: a
coordinate is computed as anchor/center +- a regressed extent, terms of the
size of the image, so its absolute error is set by the image size, not by
its value (a coordinate of 0.5 is the difference of two numbers near 60):
rtol 1e-4 of an extent up to 10 pixels, i.e. atol = 1e-3, on top of rtol =
1e-4 of the value (measured, ResNet-50 models: boxes and keypoints differ by
at most 1.9e-3 px at coordinates of 48..85 px, i.e. 4e-5 relative).  Masks
and keypoint scores are order-1 values computed from those boxes (mask
pasting, heatmaps resampled into the boxes) and get the same atol (measured
3.6e-4 and 4.7e-4).
Segmentation logits are order 1: rtol = atol = 1e-4."""
import pytest
import torch

torchvision = pytest.importorskip("torchvision")
from torchvision.models import detection, segmentation  # noqa: E402

DET_TOL = dict(rtol=1e-4, atol=1e-3)
SEG_TOL = dict(rtol=1e-4, atol=1e-4)
SMALL = dict(min_size=128, max_size=128)
RCNN = dict(rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_test=100, box_detections_per_img=10, box_score_thresh=0.0)
ONE_STAGE = dict(score_thresh=0.0, detections_per_img=10, topk_candidates=100)

# name: (constructor, keyword arguments, input image size)
DETECTION = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": (detection.fasterrcnn_mobilenet_v3_large_320_fpn, RCNN, 128),
    "fasterrcnn_resnet50_fpn": (detection.fasterrcnn_resnet50_fpn, dict(RCNN, **SMALL), 128),
    "maskrcnn_resnet50_fpn": (detection.maskrcnn_resnet50_fpn, dict(RCNN, **SMALL), 128),
    "keypointrcnn_resnet50_fpn": (detection.keypointrcnn_resnet50_fpn, dict(RCNN, **SMALL), 128),
    "retinanet_resnet50_fpn": (detection.retinanet_resnet50_fpn, dict(ONE_STAGE, **SMALL), 128),
    "fcos_resnet50_fpn": (detection.fcos_resnet50_fpn, dict(ONE_STAGE, **SMALL), 128),
    "ssdlite320_mobilenet_v3_large": (detection.ssdlite320_mobilenet_v3_large, ONE_STAGE, 160),
    "ssd300_vgg16": (detection.ssd300_vgg16, ONE_STAGE, 160),
}
# Keypoint R-CNN places each keypoint at the argmax of its (bicubically upsampled) heatmap, a
# discrete decision: on image seed 1 one heatmap has two maxima within float32 noise of each other
# and the engines pick different ones (a 2-pixel jump of that keypoint).  Seed 2 has no such tie.
IMAGE_SEED = {"keypointrcnn_resnet50_fpn": 2, "fasterrcnn_resnet50_fpn": 3, "retinanet_resnet50_fpn": 8}
# kept out of the slow mark (the others take 10-30 s each on a loaded 2-core machine)
FAST = {"fasterrcnn_mobilenet_v3_large_320_fpn", "ssdlite320_mobilenet_v3_large"}


def calibrate(model, size, images=2, seed=0):
    """BatchNorm running statistics from the batch statistics of `images` random images (cumulative
    average, momentum=None); the model is left in eval mode."""
    model.eval()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # one batch (BatchNorm on 1x1 maps needs more than one value per channel)
        batch = [torch.rand(3, size, size, generator=g) for _ in range(images)]
        model(batch) if hasattr(model, "transform") else model(torch.stack(batch))
    for m in bns:
        m.eval()
    return model


def build(ctor, kwargs, size):
    torch.manual_seed(0)
    model = ctor(weights=None, weights_backbone=None, **kwargs)
    return calibrate(model, size)


def image(size, seed=1):
    return torch.rand(3, size, size, generator=torch.Generator().manual_seed(seed))


def min_gap(scores):
    """The smallest difference between two of torch's final scores (0 for a tie)."""
    s = scores.sort(descending=True).values
    return (s[:-1] - s[1:]).min().item() if s.numel() > 1 else float("inf")


def det_params():
    out = []
    for name in DETECTION:
        marks = [] if name in FAST else [pytest.mark.slow]
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", det_params())
def test_detection_scripted(name, parity):
    ctor, kwargs, size = DETECTION[name]
    model = build(ctor, kwargs, size)
    x = image(size, IMAGE_SEED.get(name, 1))
    with torch.no_grad():
        ref = model([x])[0]
    assert ref["boxes"].shape[0] > 0, "no detections: the seed does not exercise the heads"
    assert min_gap(ref["scores"]) > 0, "tied scores: the order would rest on tie-breaking alone"
    res = parity.check(model, ([x],), export="script", **DET_TOL)
    assert res.ok


class Flat(torch.nn.Module):
    """A detection model as a function of one image returning its first detection dict's tensors
    (sorted by key): torch.jit.trace cannot return a list of dicts."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        d = self.model([x])[0]
        return tuple(d[k] for k in sorted(d))


# tracing a detection model warns at every data-dependent shape / Python value (the trace is
# only valid for this image, which is the one compared)
@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
@pytest.mark.parametrize("name", det_params())
def test_detection_traced(name, parity):
    """Traced (the data-dependent control flow fixed for this image, run on the same image)."""
    ctor, kwargs, size = DETECTION[name]
    model = build(ctor, kwargs, size)
    x = image(size, IMAGE_SEED.get(name, 1))
    parity.check(Flat(model).eval(), (x,), export="trace", **DET_TOL)


# DeepLabV3-ResNet50 (dilated ResNet-50, ASPP): torch's own float32 result differs from the same
# model run in float64 by up to 3.7e-4 on "out" (logits up to 5.6, mean 1.6; 4.7e-5 on "aux") -
# measured with these weights and input.  pyts's float32 rounding is of the same size but
# independent, so pyts - torch can reach about twice that: atol = 1e-3 (measured 6.4e-4).
DEEPLAB_TOL = dict(rtol=1e-4, atol=1e-3)

# name: (constructor, keyword arguments, input size, tolerances)
SEGMENTATION = {
    "deeplabv3_resnet50": (segmentation.deeplabv3_resnet50, dict(aux_loss=True), 64, DEEPLAB_TOL),
    "lraspp_mobilenet_v3_large": (segmentation.lraspp_mobilenet_v3_large, {}, 64, SEG_TOL),
}


@pytest.mark.parametrize("export", ["script", "trace"])
@pytest.mark.parametrize("name", [pytest.param("deeplabv3_resnet50", marks=pytest.mark.slow, id="deeplabv3_resnet50"),
                                  "lraspp_mobilenet_v3_large"])
def test_segmentation(name, export, parity):
    ctor, kwargs, size, tol = SEGMENTATION[name]
    torch.manual_seed(0)
    model = ctor(weights=None, weights_backbone=None, **kwargs)
    calibrate(model, size)
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
    if export == "trace":
        with torch.no_grad():
            traced = torch.jit.trace(model, x, strict=False, check_trace=False)
        parity.check(traced, (x,), **tol)
    else:
        parity.check(model, (x,), export="script", **tol)
