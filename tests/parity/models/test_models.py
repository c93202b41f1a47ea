"""Model parity: torchvision models with seeded random weights, eval(), traced
and (where torch can) scripted, saved, run by torch.jit.load and by pyts on the
same input; every output tensor compared.

Tolerance: a whole network accumulates float32 rounding differences (different
summation order in GEMM/conv, libm vs SLEEF transcendentals) layer after layer;
outputs of order 1 are compared with rtol = atol = 1e-4 (the kernels themselves
are checked at torch.testing's float32 defaults in tests/parity/ops).  Spatial
sizes are reduced where the architecture allows, to keep CI time sensible.

Every comparison goes through pyts.testing.assert_parity (the `parity`
fixture): every output leaf, dtype and shape included, and on a mismatch the
per-leaf report and the first diverging op."""
import os
import subprocess
import warnings

import numpy as np
import pytest
import torch

from pyts._compare import assert_close

torchvision = pytest.importorskip("torchvision")

RTOL = ATOL = 1e-4

# name, input size (H = W), scriptable by torch.jit.script
MODELS = [
    ("resnet18", 64, True),
    ("resnet50", 64, True),
    ("mobilenet_v2", 64, True),
    ("mobilenet_v3_small", 64, True),
    ("squeezenet1_1", 64, True),
    ("densenet121", 64, True),
    ("shufflenet_v2_x1_0", 64, True),
    ("efficientnet_b0", 64, True),
    ("regnet_y_400mf", 64, True),
    ("vgg11", 64, True),
    ("googlenet", 64, False),
    ("mnasnet0_5", 64, True),
    ("convnext_tiny", 64, True),
]


def build(name):
    torch.manual_seed(0)
    kwargs = {"weights": None}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=False)
    return getattr(torchvision.models, name)(**kwargs).eval()


def run_both(parity, path, x):
    """torch.jit.load and pyts.load of `path` on x, every output compared
    (pyts.testing.assert_parity); returns (pyts's output, torch's)."""
    res = parity.check(path, (x,), rtol=RTOL, atol=ATOL)
    return res.pyts_output, res.torch_output


@pytest.mark.parametrize("name,size,scriptable", MODELS, ids=[m[0] for m in MODELS])
@pytest.mark.parametrize("export", ["trace", "script"])
def test_torchvision(name, size, scriptable, export, tmp_path, parity):
    if export == "script" and not scriptable:
        pytest.skip("torch.jit.script does not support %s" % name)
    model = build(name)
    path = str(tmp_path / (name + ".pt"))
    g = torch.Generator().manual_seed(1)
    x1 = torch.randn(1, 3, size, size, generator=g)
    x2 = torch.randn(2, 3, size, size, generator=g)
    with torch.no_grad():
        exported = torch.jit.trace(model, x2, check_trace=False) if export == "trace" else torch.jit.script(model)
    exported.save(path)
    for x in (x1, x2):
        run_both(parity, path, x)


def test_segmentation_dict_output(tmp_path, parity):
    torch.manual_seed(0)
    model = torchvision.models.segmentation.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None,
                                                                          aux_loss=False).eval()
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    path = str(tmp_path / "deeplab.pt")
    with torch.no_grad():
        torch.jit.trace(model, x, strict=False, check_trace=False).save(path)
    got, expected = run_both(parity, path, x)
    assert isinstance(got, dict) and "out" in got


def test_scripted_lraspp_loads_although_interpolate_names_ops_pyts_lacks(tmp_path, parity):
    """Scripted F.interpolate names aten::_upsample_*_aa (antialias=True) and
    other modes' ops in branches this model never takes: torch loads and runs
    it, so does pyts, whether or not it has those ops; any it lacks are listed
    (with their lines) by unsupported_ops and the parity report."""
    import pyts

    torch.manual_seed(0)
    model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None).eval()
    path = str(tmp_path / "lraspp.pt")
    torch.jit.script(model).save(path)
    ops = pyts.load(path).unsupported_ops()
    registered = {s.split("(")[0].split(".")[0] for s in pyts.supported_ops()}
    assert all(u.op not in registered and u.line > 0 for u in ops)
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    res = parity.check(path, (x,), rtol=RTOL, atol=ATOL)
    assert isinstance(res.pyts_output, dict) and set(res.pyts_output) == {"out"}
    assert res.unsupported_ops == ops
    for u in ops:
        assert "%s at %s" % (u.op, u.location) in res.report()


def test_the_seed_resnet18_224(tmp_path, parity):
    """The tutorial: traced resnet18 on ones(1, 3, 224, 224); the first five outputs equal torch's."""
    model = build("resnet18")
    x = torch.ones(1, 3, 224, 224)
    path = str(tmp_path / "traced_resnet_model.pt")
    with torch.no_grad():
        torch.jit.trace(model, x, check_trace=False).save(path)
    got, expected = run_both(parity, path, x)
    assert_close(got[0, :5], expected[0, :5], rtol=1e-4, atol=1e-4)
    binary = os.environ.get("PYTS_RUN_BIN")
    if binary:
        out = subprocess.run([binary, path, "--ones", "1,3,224,224"], capture_output=True, text=True, check=True)
        lines = out.stdout.splitlines()
        assert lines[0] == "ok"
        printed = [float(v) for v in lines[1].split()]
        np.testing.assert_allclose(printed, expected[0, :5].numpy(), atol=1e-4)
