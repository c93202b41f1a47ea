"""Video classification parity: torchvision's s3d, mc3_18, r2plus1d_18 and
r3d_18 (3-D convolutions, 3-D batch norm, 3-D max/adaptive/average pooling,
the (2+1)-D factorised convolutions), random weights, eval(), scripted with
torch.jit.script and traced, run by torch.jit.load and by pyts on the same
clip; the logits compared.

Input sizes.  The ResNet-3D family ends in an adaptive average pool, so a
small clip (4 frames of 32 x 32) exercises every layer.  S3D ends in a fixed
AvgPool3d((2, 7, 7)) after a temporal stride of 8 and a spatial stride of 32,
so it needs at least 16 frames of 224 x 224 — its real input size.

Tolerance: as for the image models (tests/parity/models/test_models.py),
whole networks accumulate float32 rounding that differs between engines
(convolution summation order), outputs of order 0.1..1 are compared with
rtol = atol = 1e-4; the kernels themselves are held to torch.testing's
float32 defaults in tests/parity/ops."""
import pytest
import torch

torchvision = pytest.importorskip("torchvision")
from torchvision.models import video  # noqa: E402

RTOL = ATOL = 1e-4

# name: clip shape (N, C, T, H, W)
VIDEO = {
    "r3d_18": (1, 3, 4, 32, 32),
    "mc3_18": (1, 3, 4, 32, 32),
    "r2plus1d_18": (1, 3, 4, 32, 32),
    "s3d": (1, 3, 16, 224, 224),
}


@pytest.mark.parametrize("export", ["script", "trace"])
@pytest.mark.parametrize("name", sorted(VIDEO))
def test_video(name, export, tmp_path, parity):
    torch.manual_seed(0)
    model = getattr(video, name)(weights=None).eval()
    x = torch.randn(*VIDEO[name], generator=torch.Generator().manual_seed(3))
    path = str(tmp_path / (name + ".pt"))
    with torch.no_grad():
        exported = torch.jit.script(model) if export == "script" else torch.jit.trace(model, x, check_trace=False)
    exported.save(path)
    res = parity.check(path, (x,), rtol=RTOL, atol=ATOL)
    # the logits are informative: not all equal (random weights with BatchNorm statistics (0, 1)
    # could make them vanish), so the comparison above is not of near-constant outputs
    out = res.torch_output
    assert out.shape == (VIDEO[name][0], 400) and float(out.std()) > 1e-3
