"""The planning pass at load (csrc/interp/plan.c): pyts.load(optimize=True),
the default, folds eval BatchNorm into the convolution before it and applies
a following activation (ReLU, ReLU6, hardswish, SiLU, sigmoid, GELU) in the
convolution's epilogue; optimize=False runs
every op as written.  Both must match torch, and the plan must refuse to fold
when a method assigns or changes in place the attributes feeding it.

The BatchNorm statistics and affine parameters are randomized (a fresh
torchvision model has mean 0, var 1, weight 1, bias 0, where folding is
nearly the identity).  Tolerance: rtol = atol = 1e-4 on outputs of order 1,
as tests/parity/models/test_models.py: folding rounds W * gamma / sqrt(var +
eps) once to float32 instead of torch's separate rounding of invstd, the
scale and the normalized value, a few float32 ulps per layer
(/work/shared/reference/rounding-bounds.md)."""
import numpy as np
import pytest
import torch

import pyts
from pyts._compare import assert_close

torchvision = pytest.importorskip("torchvision")

RTOL = ATOL = 1e-4


def randomize_bn(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
                m.weight.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(n, generator=g) * 0.1)
    return model


def run_pyts(path, x, optimize):
    m = pyts.load(path, optimize=optimize)
    with pyts.no_grad():
        y = m(x.numpy())
    return np.asarray(y), m.plan_stats()


def count(model, cls):
    return sum(isinstance(m, cls) for m in model.modules())


def expected_fused(name, model):
    # conv -> bn -> activation triples, from the architecture
    if name == "resnet18":  # the stem, and conv1 -> bn1 -> relu of each BasicBlock
        return 1 + count(model, torchvision.models.resnet.BasicBlock)
    # Conv2dNormActivation(conv, bn, activation) blocks (ReLU6; ReLU / Hardswish; SiLU); the
    # projection convs are Conv2dNormActivation(conv, bn) with no activation
    return sum(isinstance(m, torchvision.ops.misc.Conv2dNormActivation) and len(m) == 3 for m in model.modules())


def expected_residual(name, model):
    # BasicBlocks without a downsample: bn2 -> add_(out, x) with x there before conv2
    # (with a downsample, identity is computed after bn2, so the add stays); mobilenet_v2's
    # residual adds follow a Sequential, not a BatchNorm
    if name == "resnet18":
        return sum(isinstance(m, torchvision.models.resnet.BasicBlock) and m.downsample is None
                   for m in model.modules())
    return 0


@pytest.mark.parametrize("export", ["trace", "script"])
@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0"])
def test_models_optimize_on_and_off_match_torch(name, export, tmp_path):
    torch.manual_seed(0)
    model = randomize_bn(getattr(torchvision.models, name)(weights=None).eval())
    x = torch.randn(1, 3, 48, 48)
    path = str(tmp_path / ("%s_%s.pt" % (name, export)))
    with torch.no_grad():
        exported = torch.jit.trace(model, x, check_trace=False) if export == "trace" else torch.jit.script(model)
        exported.save(path)
        expected = torch.jit.load(path)(x).numpy()
    off, stats_off = run_pyts(path, x, False)
    on, stats_on = run_pyts(path, x, True)
    assert_close(off, expected, rtol=RTOL, atol=ATOL)
    assert_close(on, expected, rtol=RTOL, atol=ATOL)
    assert stats_off == {"planned": False, "batchnorm_folded": 0, "activation_fused": 0, "residual_fused": 0,
                         "batchnorm_kept": 0}
    assert stats_on["planned"] is True
    assert stats_on["batchnorm_folded"] == count(model, torch.nn.BatchNorm2d)
    residual = expected_residual(name, model)
    assert stats_on["residual_fused"] == residual
    # the blocks call the same ReLU after the residual add (fused too; traced code calls it as
    # `forward1`, whose code is checked to be relu_)
    assert stats_on["activation_fused"] == expected_fused(name, model) + residual
    assert stats_on["batchnorm_kept"] == 0


class ConvBnRelu(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class ScalesBnInPlace(ConvBnRelu):
    @torch.jit.export
    def rescale(self, s: float):
        self.bn.weight.mul_(s)


class AssignsBnBuffer(ConvBnRelu):
    @torch.jit.export
    def recenter(self, m: torch.Tensor):
        self.bn.running_mean = m


class ChangesBnThroughHelper(ConvBnRelu):
    @torch.jit.export
    def shift(self, d: float):
        self._add(self.bn.bias, d)

    def _add(self, t: torch.Tensor, d: float):
        t.add_(d)


def scripted(cls, tmp_path):
    torch.manual_seed(0)
    m = randomize_bn(cls().eval())
    path = str(tmp_path / (cls.__name__ + ".pt"))
    torch.jit.script(m).save(path)
    return path


def test_plain_module_is_folded_and_fused(tmp_path):
    path = scripted(ConvBnRelu, tmp_path)
    x = torch.randn(2, 3, 9, 7)
    expected = torch.jit.load(path)(x).detach().numpy()
    for optimize in (False, True):
        y, stats = run_pyts(path, x, optimize)
        assert_close(y, expected, rtol=RTOL, atol=ATOL)
    assert stats == {"planned": True, "batchnorm_folded": 1, "activation_fused": 1, "residual_fused": 0,
                     "batchnorm_kept": 0}


@pytest.mark.parametrize("cls,method,arg", [
    (ScalesBnInPlace, "rescale", 1.5),
    (AssignsBnBuffer, "recenter", "tensor"),
    (ChangesBnThroughHelper, "shift", 0.25),
])
def test_module_changing_its_bn_is_not_folded(cls, method, arg, tmp_path):
    path = scripted(cls, tmp_path)
    x = torch.randn(1, 3, 8, 8)
    if arg == "tensor":
        arg = torch.full((8,), 0.5)
    t = torch.jit.load(path)
    before = t(x).detach().numpy()
    with torch.no_grad():
        getattr(t, method)(arg)
        after = t(x).numpy()
    for optimize in (False, True):
        m = pyts.load(path, optimize=optimize)
        with pyts.no_grad():
            assert_close(np.asarray(m(x.numpy())), before, rtol=RTOL, atol=ATOL)
            getattr(m, method)(arg.numpy() if isinstance(arg, torch.Tensor) else arg)
            assert_close(np.asarray(m(x.numpy())), after, rtol=RTOL, atol=ATOL)
        stats = m.plan_stats()
        assert stats["batchnorm_folded"] == 0
        assert stats["batchnorm_kept"] == (1 if optimize else 0)


class Residual(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(8)
        self.relu = torch.nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.bn(self.conv(x))
        out += x
        return self.relu(out)


@pytest.mark.parametrize("export", ["trace", "script"])
def test_residual_add_fused_and_its_shape_checked(export, tmp_path):
    """conv -> bn -> add_(identity) -> relu: the add and the relu run in the
    epilogue; an identity that is not contiguous (the last input) makes the
    kernel decline the plan, and everything runs as written."""
    torch.manual_seed(0)
    model = randomize_bn(Residual().eval())
    x = torch.randn(2, 8, 6, 5)
    path = str(tmp_path / "res.pt")
    with torch.no_grad():
        (torch.jit.trace(model, x, check_trace=False) if export == "trace" else torch.jit.script(model)).save(path)
    t = torch.jit.load(path)
    m = pyts.load(path)
    stats = m.plan_stats()
    assert (stats["batchnorm_folded"], stats["residual_fused"], stats["activation_fused"]) == (1, 1, 1)
    for inp in (x, x[:1], x.transpose(2, 3).contiguous().transpose(2, 3)):
        with torch.no_grad():
            expected = t(inp).numpy()
        with pyts.no_grad():
            assert_close(np.asarray(m(inp.numpy())), expected, rtol=RTOL, atol=ATOL)


def test_conv_called_directly_is_not_changed_by_the_plan(tmp_path):
    """The folded weights apply only at the planned call: the Conv2d submodule
    called on its own gives the plain convolution."""
    path = scripted(ConvBnRelu, tmp_path)
    x = torch.randn(1, 3, 8, 8)
    t = torch.jit.load(path)
    with torch.no_grad():
        expected = t.conv(x).numpy()
    m = pyts.load(path)
    assert m.plan_stats()["batchnorm_folded"] == 1
    with pyts.no_grad():
        m(x.numpy())
        assert_close(np.asarray(m.conv(x.numpy())), expected, rtol=RTOL, atol=ATOL)



ACTIVATIONS = {
    "relu6": lambda: torch.nn.ReLU6(),
    "hardswish": lambda: torch.nn.Hardswish(),
    "hardswish_": lambda: torch.nn.Hardswish(inplace=True),
    "silu_": lambda: torch.nn.SiLU(inplace=True),
    "sigmoid": lambda: torch.nn.Sigmoid(),
    "gelu": lambda: torch.nn.GELU(),
    "gelu_tanh": lambda: torch.nn.GELU(approximate="tanh"),
}


class ConvBnAct(torch.nn.Module):
    """A 3x3 convolution (dense: the GEMM path; groups == channels: the depthwise
    path), BatchNorm and an activation module."""

    def __init__(self, act, depthwise, c=6):
        super().__init__()
        self.conv = torch.nn.Conv2d(c, c, 3, padding=1, groups=c if depthwise else 1)
        self.bn = torch.nn.BatchNorm2d(c)
        self.act = ACTIVATIONS[act]()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


@pytest.mark.parametrize("export", ["trace", "script"])
@pytest.mark.parametrize("depthwise", [False, True], ids=["gemm", "depthwise"])
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_activation_epilogue(act, depthwise, export, tmp_path):
    """Each activation module after a folded conv + BN runs in the epilogue, on both
    convolution paths, and matches torch with the plan on and off.  The input has
    awkward sizes, a batch of 2, and +inf / -inf / NaN pixels: with positive conv
    weights a +inf input gives +inf before the activation, which exact GELU on
    torch's vectorized float path turns into NaN (the epilogue must too)."""
    torch.manual_seed(0)
    model = randomize_bn(ConvBnAct(act, depthwise).eval())
    with torch.no_grad():
        model.conv.weight.abs_()
    x = torch.randn(2, 6, 7, 5) * 3
    x[0, :, 1, 1] = float("inf")
    x[1, 2, 4, 3] = float("-inf")
    x[1, 4, 0, 0] = float("nan")
    path = str(tmp_path / "m.pt")
    with torch.no_grad():
        (torch.jit.trace(model, x, check_trace=False) if export == "trace" else torch.jit.script(model)).save(path)
        t = torch.jit.load(path)
        expected = t(x).numpy()
    for optimize in (False, True):
        y, stats = run_pyts(path, x, optimize)
        assert_close(y, expected, rtol=RTOL, atol=ATOL)
        assert np.array_equal(np.isnan(y), np.isnan(expected))
    assert (stats["batchnorm_folded"], stats["activation_fused"]) == (1, 1)


class ConvBnOps(torch.nn.Module):
    """Activations called as ops on the BatchNorm's result (aten::sigmoid,
    aten::gelu with a constant approximate, aten::silu_ / hardswish_ in place)."""

    def __init__(self):
        super().__init__()
        for i in range(4):
            setattr(self, "conv%d" % i, torch.nn.Conv2d(4, 4, 1))
            setattr(self, "bn%d" % i, torch.nn.BatchNorm2d(4))

    def forward(self, x):
        y = torch.sigmoid(self.bn0(self.conv0(x)))
        y = torch.nn.functional.gelu(self.bn1(self.conv1(y)), approximate="tanh")
        y = torch.ops.aten.silu_(self.bn2(self.conv2(y)))
        return torch.ops.aten.hardswish_(self.bn3(self.conv3(y)))


@pytest.mark.parametrize("export", ["trace", "script"])
def test_activation_ops_fused(export, tmp_path):
    torch.manual_seed(0)
    model = randomize_bn(ConvBnOps().eval())
    x = torch.randn(1, 4, 5, 9)
    path = str(tmp_path / "ops.pt")
    with torch.no_grad():
        (torch.jit.trace(model, x, check_trace=False) if export == "trace" else torch.jit.script(model)).save(path)
        expected = torch.jit.load(path)(x).numpy()
    for optimize in (False, True):
        y, stats = run_pyts(path, x, optimize)
        assert_close(y, expected, rtol=RTOL, atol=ATOL)
    assert (stats["batchnorm_folded"], stats["activation_fused"]) == (4, 4)


def test_lazy_fold_from_many_threads(tmp_path):
    """Folding happens at the first call that takes a plan (not at load); threads
    that call a fresh module at once all wait for that one fold and compute with
    it: every result is bit-identical to a single-threaded call's."""
    import threading
    torch.manual_seed(0)
    model = randomize_bn(torchvision.models.resnet18(weights=None).eval())
    x = torch.randn(1, 3, 32, 32)
    path = str(tmp_path / "r18.pt")
    with torch.no_grad():
        torch.jit.trace(model, x, check_trace=False).save(path)
        expected = torch.jit.load(path)(x).numpy()
    ref = pyts.load(path)
    with pyts.no_grad():
        single = np.asarray(ref(x.numpy()))
    assert_close(single, expected, rtol=RTOL, atol=ATOL)
    for _ in range(3):
        m = pyts.load(path)
        barrier = threading.Barrier(4)
        out = [None] * 4

        def run(i):
            barrier.wait()
            with pyts.no_grad():
                out[i] = np.asarray(m(x.numpy()))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for y in out:
            assert np.array_equal(y, single)
