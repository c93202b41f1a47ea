"""Parity of the Winograd F(2x2, 3x3) path of float32 3x3 stride-1 convolutions
(csrc/ops/nn/conv_winograd.c), forced with pyts._C._set_conv_kernel("wino"),
against torch's F.conv2d (oneDNN's direct / implicit GEMM): images smaller than
one tile (1x1, 2x2), odd sizes that leave partial tiles on the right and bottom,
padding 0/1/2, batch 2, channel counts that are not multiples of 16 (nor of the
micro-kernel's 8 rows), bias or none, non-contiguous and channels-last inputs;
then a planned resnet-style block (BatchNorm folded, residual add and ReLU in
the epilogue, transformed filters kept with the plan) with the path forced and
with the default choice.

Tolerance: the conv tests' k_tol(K) for K = 9 Cin products
(tests/parity/ops/test_nn_conv.py), unchanged.  conv_winograd.c derives the
Winograd sum's rounding error: rms ~5 u Cin s / sqrt(2) (nine shorter GEMM sums)
plus O(u sqrt(Cin) s) for the transforms (coefficients 0, +-1, +-1/2 only),
against 9 u Cin s / sqrt(2) for a direct sum, so the difference from torch
stays well inside the 5 sqrt(2) u K s allowed."""
import numpy as np
import pytest
import torch

import pyts
from optest import assert_same, check
from test_nn import T, W
from test_nn_conv import k_tol

# (N, Cin, Cout, H, W, padding, bias, layout, channels_last)
CASES = {
    "1x1-pad1": (1, 3, 5, 1, 1, 1, True, "contig", False),
    "2x2-pad2-batch2": (2, 7, 9, 2, 2, 2, False, "contig", False),
    "3x3-pad0-one-output": (1, 5, 3, 3, 3, 0, True, "contig", False),
    "odd-pad0-batch2": (2, 17, 20, 5, 7, 0, True, "contig", False),
    "odd-pad1-strided": (1, 19, 33, 9, 11, 1, True, "strided", False),
    "pad2-transposed-batch2": (2, 20, 18, 13, 6, 2, False, "transposed", False),
    "channels-last-odd": (1, 24, 40, 15, 17, 1, True, "contig", True),
    "1-row": (1, 6, 10, 1, 40, 1, True, "contig", False),
    "wide-tile-rows": (1, 64, 72, 30, 31, 1, True, "contig", False),
}


def set_kernel(name):
    return pyts._C._set_conv_kernel(name)


@pytest.mark.parametrize("case", sorted(CASES))
def test_winograd_forced(case):
    n, cin, cout, h, w, p, bias, layout, cl = CASES[case]

    def maker():
        return (T((n, cin, h, w), seed=1, layout=layout, cl=cl), W((cout, cin, 3, 3)),
                W((cout,), seed=3) if bias else None, [1, 1], [p, p], [1, 1], 1), {}
    old = set_kernel("wino")
    try:
        check("aten::conv2d", maker, **k_tol(cin * 9))
    finally:
        set_kernel(old)


def test_winograd_is_another_computation():
    """The forced path really runs: its sums differ from the direct kernel's in
    some bits (a different order of roundings), both within the bound of torch."""
    x, w, b = T((1, 32, 12, 13), seed=1, special=False), W((40, 32, 3, 3)), W((40,), seed=3)
    exp = torch.nn.functional.conv2d(x, w, b, 1, 1)
    got = {}
    old = set_kernel("own")
    try:
        for path in ("own", "wino"):
            set_kernel(path)
            got[path] = np.asarray(pyts._C.call_op("aten::conv2d", x, w, b, [1, 1], [1, 1], [1, 1], 1))
            assert_same(got[path], exp, "conv2d " + path, **k_tol(32 * 9))
    finally:
        set_kernel(old)
    assert not np.array_equal(got["own"].view(np.int32), got["wino"].view(np.int32))


class Block(torch.nn.Module):
    """torchvision's BasicBlock without a downsample: conv-bn-relu, conv-bn, + x, relu."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(c)
        self.relu = torch.nn.ReLU(inplace=True)
        self.conv2 = torch.nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(c)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x
        return self.relu(out)


@pytest.mark.parametrize("mode", ["wino", "auto"])
def test_planned_block(mode, tmp_path):
    """BatchNorm folded, residual add and ReLU fused, on the Winograd path (forced,
    or the default choice: 32 channels at 14x14 is one of its planned shapes); a
    second call reuses the plan's transformed filters; a batch of 2 and a 15x13
    image (odd: partial tiles) take the same plan.  Tolerance as
    tests/parity/models/test_plan.py (rtol = atol = 1e-4 on outputs of order 1:
    the fold's extra roundings), which covers the two convolutions' k_tol(288)."""
    from pyts._compare import assert_close
    torch.manual_seed(0)
    model = Block(32).eval()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for bn in (model.bn1, model.bn2):
            bn.running_mean.copy_(torch.randn(32, generator=g) * 0.1)
            bn.running_var.copy_(torch.rand(32, generator=g) * 0.5 + 0.75)
            bn.weight.copy_(torch.rand(32, generator=g) * 0.5 + 0.75)
            bn.bias.copy_(torch.randn(32, generator=g) * 0.1)
    x = torch.randn(1, 32, 14, 14)
    path = str(tmp_path / "block.pt")
    with torch.no_grad():
        torch.jit.trace(model, x, check_trace=False).save(path)
    t = torch.jit.load(path)
    old = set_kernel(mode)
    try:
        m = pyts.load(path)
        stats = m.plan_stats()
        assert (stats["batchnorm_folded"], stats["residual_fused"]) == (2, 1)
        for inp in (x, x, torch.randn(2, 32, 14, 14), torch.randn(1, 32, 15, 13)):
            with torch.no_grad():
                expected = t(inp).numpy()
            with pyts.no_grad():
                assert_close(np.asarray(m(inp.numpy())), expected, rtol=1e-4, atol=1e-4)
    finally:
        set_kernel(old)


def test_conv_kernel_setting_names_wino():
    old = set_kernel("wino")
    try:
        assert set_kernel("own") == "wino"
    finally:
        set_kernel(old)


@pytest.mark.parametrize("special", ["inf", "-inf", "nan", "inf-and-minus-inf"])
def test_winograd_infinite_and_nan_inputs(special):
    """An inf or NaN input reaches the outputs as in torch's direct sum: the input
    transform's differences would turn inf - inf into NaN, so conv_winograd.c
    recomputes a tile with a non-finite output as a direct sum. Weights positive,
    so an output over one +inf is +inf in torch; over +inf and -inf, NaN."""
    g = np.random.default_rng(7)
    x = g.uniform(0.5, 1.5, (1, 8, 9, 10)).astype(np.float32)
    w = g.uniform(0.1, 1.0, (6, 8, 3, 3)).astype(np.float32)
    if special == "inf-and-minus-inf":
        x[0, 2, 4, 4], x[0, 5, 4, 6] = np.inf, -np.inf
    else:
        x[0, 3, 4, 5] = {"inf": np.inf, "-inf": -np.inf, "nan": np.nan}[special]
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).numpy()
    old = set_kernel("wino")
    try:
        got = np.asarray(pyts._C.call_op("aten::conv2d", x, w, None, [1, 1], [1, 1], [1, 1], 1))
    finally:
        set_kernel(old)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.isposinf(got), np.isposinf(want))
    assert np.array_equal(np.isneginf(got), np.isneginf(want))
    assert (~np.isfinite(want)).any()
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], **k_tol(8 * 9))
