"""The rounding rule (pyts._compare.ROUNDING_RULE, derived in
docs/tolerances.md): by default assert_parity judges each float32 output
leaf against the rounding error two correct float32 engines can differ by,
estimated from torch's own float32 run against its float64 run.

Both directions are proved on deep models:
- a correct engine passes by default: resnet50 (224x224, the size at which
  torch.testing's defaults failed a correct pyts on another machine),
  wide_resnet50_2, densenet121 and a 24-layer Transformer encoder;
- bugs planted in one layer of the model pyts runs (torch runs the original)
  fail by default (all three in resnet50 and the Transformer, one each in
  wide_resnet50_2 and densenet121, to keep the run short): an off-by-one index (one channel's output shifted by one
  position), a wrong epsilon in one BatchNorm / LayerNorm (1e-3 for 1e-5),
  a dropped bias on one channel (its largest, |b| about 0.1).

The BatchNorm layers get random affine parameters and running statistics
measured on random images (the same for torch and pyts), so that
normalization normalizes, as in a trained network, and a bias can be
dropped.  Budgets ("share of the rounding bound used") are printed
with -s."""
import copy
import os

import numpy as np
import pytest
import torch

import pyts
from pyts.testing import assert_parity, compare_outputs, export_model, float64_reference

torchvision = pytest.importorskip("torchvision")


# ---- planted bugs: each takes a model and returns it with one layer wrong ----------------------

class ShiftOneChannel(torch.nn.Module):
    """Wraps a layer; channel `ch` (dim 1) of its output is read one position
    off along the last dimension (an off-by-one index in a kernel)."""

    def __init__(self, inner, ch):
        super().__init__()
        self.inner = inner
        self.ch = ch

    def forward(self, x):
        y = self.inner(x)
        c = self.ch
        shifted = torch.roll(y[:, c:c + 1], 1, -1)
        return torch.cat([y[:, :c], shifted, y[:, c + 1:]], 1)


def _named(model, cls):
    return [(n, m) for n, m in model.named_modules() if isinstance(m, cls)]


def _set(model, name, new):
    parent, _, leaf = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, leaf, new)


def _middle(model, cls):
    mods = _named(model, cls)
    return mods[len(mods) // 2]


def plant_off_by_one(model, cls=torch.nn.Conv2d):
    name, mod = _middle(model, cls)
    _set(model, name, ShiftOneChannel(mod, 1))
    return model


def plant_wrong_eps(model, cls=torch.nn.BatchNorm2d):
    _, mod = _middle(model, cls)
    mod.eps = 1e-3
    return model


def plant_dropped_bias(model, cls=torch.nn.BatchNorm2d):
    # the channel with the largest bias (|b| about 0.1) loses it
    _, mod = _middle(model, cls)
    with torch.no_grad():
        mod.bias[int(mod.bias.abs().argmax())] = 0.0
    return model


def realistic_batchnorm(model, x, seed=0):
    """Random BatchNorm affine parameters, then running statistics measured
    on x (one forward in training mode, cumulative average): normalization
    that normalizes, as in a trained network, the same for torch and pyts."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            with torch.no_grad():
                m.weight.copy_(torch.rand(n, generator=g) * 0.4 + 0.8)
                m.bias.copy_(torch.rand(n, generator=g) * 0.2 - 0.1)
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        model(x)
    return model.eval()


def _both_directions(model, x, plants, tmp_path):
    """assert_parity passes by default; each planted bug fails by default.
    Returns {name: budget used} (1 = the bound)."""
    res = assert_parity(model, (x,), workdir=str(tmp_path))
    assert res.reference_error is None
    assert [l.rule for l in res.leaves] == ["rounding"] * len(res.leaves)
    budgets = {"correct": res.worst_budget}
    assert budgets["correct"] < 1
    worst = max(res.leaves, key=lambda l: l.budget)
    print("\ncorrect engine: max |pyts - torch| %.3g, alpha %.3g u, allowed at the worst-ratio element %.3g" % (
        worst.worst_abs, worst.alpha, worst.bound_at_worst))
    for name, plant in plants:
        bad = plant(copy.deepcopy(model))
        path = export_model(bad, (x,), os.path.join(str(tmp_path), name + ".pt"))
        with pyts.no_grad():
            out = pyts.load(path).forward(x.numpy())
        leaves = compare_outputs(res.torch_output, out, reference=res.reference)
        assert [l.rule for l in leaves] == ["rounding"], name
        assert not all(l.passed for l in leaves), "planted bug %r passed: %s" % (name, leaves[0].text())
        budgets[name] = max(l.budget for l in leaves)
        assert "Rounding budget used" in leaves[0].text()
    print("\nbudgets (|pyts - torch| / allowed, worst element): %s" % {
        k: "%.3g" % v for k, v in budgets.items()})
    return budgets


CNN_PLANTS = [("off_by_one", plant_off_by_one), ("wrong_eps", plant_wrong_eps),
              ("dropped_bias", plant_dropped_bias)]


def _calibration(size, seed):
    return torch.rand(4, 3, size, size, generator=torch.Generator().manual_seed(seed))


@pytest.mark.slow
def test_resnet50_224(tmp_path):
    # the case: torch.testing's defaults failed a correct engine here
    torch.manual_seed(0)
    model = realistic_batchnorm(torchvision.models.resnet50(), _calibration(128, 0))
    _both_directions(model, torch.rand(1, 3, 224, 224), CNN_PLANTS, tmp_path)


@pytest.mark.slow
def test_wide_resnet50_2(tmp_path):
    torch.manual_seed(1)
    model = realistic_batchnorm(torchvision.models.wide_resnet50_2(), _calibration(64, 1))
    _both_directions(model, torch.rand(1, 3, 64, 64), CNN_PLANTS[2:], tmp_path)


@pytest.mark.slow
def test_densenet121(tmp_path):
    torch.manual_seed(2)
    model = realistic_batchnorm(torchvision.models.densenet121(), _calibration(64, 2))
    _both_directions(model, torch.rand(1, 3, 64, 64), CNN_PLANTS[1:2], tmp_path)


class Encoder(torch.nn.Module):
    """A 24-layer Transformer encoder (post-norm, GELU) with a final LayerNorm."""

    def __init__(self, layers=24, d=64):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(d, 4, 2 * d, dropout=0.0, activation="gelu", batch_first=True)
        self.enc = torch.nn.TransformerEncoder(layer, layers, norm=torch.nn.LayerNorm(d),
                                               enable_nested_tensor=False)

    def forward(self, x):
        return self.enc(x)


def _tf_off_by_one(model):
    name, mod = _middle(model, torch.nn.TransformerEncoderLayer)

    class Shifted(torch.nn.Module):
        # feature 5 of this layer's output read one position off along the sequence
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
            y = self.inner(src, src_mask=src_mask, src_key_padding_mask=src_key_padding_mask)
            return torch.cat([y[:, :, :5], torch.roll(y[:, :, 5:6], 1, 1), y[:, :, 6:]], 2)

    _set(model, name, Shifted(mod))
    return model


def _tf_dropped_bias(model):
    _, layer = _middle(model, torch.nn.TransformerEncoderLayer)
    with torch.no_grad():
        layer.linear2.bias[7] = 0.0
    return model


TF_PLANTS = [("off_by_one", _tf_off_by_one),
             ("wrong_eps", lambda m: plant_wrong_eps(m, torch.nn.LayerNorm)),
             ("dropped_bias", _tf_dropped_bias)]


@pytest.mark.slow
def test_transformer_encoder_24_layers(tmp_path):
    torch.manual_seed(3)
    _both_directions(Encoder().eval(), torch.randn(2, 16, 64), TF_PLANTS, tmp_path)


# ---- which rule judged each leaf -------------------------------------------------------------

class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(32, 48)

    def forward(self, x):
        y = self.fc(x)
        return torch.tanh(y), y.argmax(-1), y.sum()


def test_rules_strict_given_and_rounding():
    torch.manual_seed(4)
    x = torch.randn(4, 32)
    res = assert_parity(Small().eval(), (x,))
    rules = {l.path: l.rule for l in res.leaves}
    # float32 tensors: the rounding rule; the int64 argmax: exact.  The 0-dim
    # sum is judged with the spread of the whole output (too few elements of its own)
    assert rules == {"output[0]": "rounding", "output[1]": "exact", "output[2]": "rounding"}
    assert "alpha" in res.leaves[0].tol_source and "over the leaf" in res.leaves[0].tol_source
    assert "over the output" in res.leaves[2].tol_source
    assert 0 <= res.worst_budget < 1
    assert "of the rounding budget" in res.report()
    d = res.to_dict()
    assert d["rules"] == ["exact", "rounding"] and d["leaves"][0]["rule"] == "rounding"
    strict = assert_parity(Small().eval(), (x,), strict=True)
    assert [l.rule for l in strict.leaves] == ["strict", "exact", "strict"]
    assert strict.reference is None and "torch_float64" not in strict.seconds
    assert strict.leaves[0].tol_source == "torch.testing defaults for float32"
    given = assert_parity(Small().eval(), (x,), rtol=1e-3, atol=1e-3)
    assert [l.rule for l in given.leaves] == ["given"] * 3


def test_rounding_rule_is_derived_from_torch_error():
    """compare_outputs with a hand-made reference: the allowed difference is
    E + max(E, |torch - torch64|), E = 6 alpha (|torch64| + mean|torch64|)."""
    rng = np.random.default_rng(0)
    t64 = rng.standard_normal(1000)
    u = 2.0 ** -24
    m = np.abs(t64) + np.abs(t64).mean()
    eps = 3 * u * m * rng.choice([-1.0, 1.0], 1000)  # torch's error: exactly 3u relative to m
    t32 = (t64 + eps).astype(np.float32)
    eps = t32.astype(np.float64) - t64
    alpha = np.sqrt(np.mean((eps / m) ** 2))
    e = 6 * alpha * m
    allowed = e + np.maximum(e, np.abs(eps))
    i = 10
    ok = t32.copy()
    ok[i] = np.float32(t32[i] + 0.9 * allowed[i])
    bad = t32.copy()
    bad[i] = np.float32(t32[i] + 1.1 * allowed[i])
    good = compare_outputs(t32, ok, reference=t64)[0]
    assert good.passed and good.rule == "rounding" and 0.85 < good.budget < 0.95
    assert abs(good.alpha - alpha / u) < 1e-9
    wrong = compare_outputs(t32, bad, reference=t64)[0]
    assert not wrong.passed and wrong.mismatched == 1 and wrong.worst_ratio_index == (i,)
    assert "Tensor-likes are not close!" in wrong.text() and "Rounding budget used" in wrong.text()
    # strict=True ignores the reference; without one, torch.testing's defaults
    assert compare_outputs(t32, bad, reference=t64, strict=True)[0].rule == "strict"
    assert compare_outputs(t32, bad)[0].rule == "strict"


class FixedDtype(torch.nn.Module):
    def forward(self, x):
        return x.to(torch.float32) * 2.0 + 1.0


def test_model_that_cannot_run_in_float64_falls_back():
    """A graph that fixes float32 returns float32 from the 'float64' run: the
    strict rule judges it, and the leaf says why."""
    res = assert_parity(torch.jit.script(FixedDtype()), (torch.randn(3, 70),))
    leaf = res.leaves[0]
    assert leaf.rule == "strict" and "no rounding rule" in leaf.tol_source and "float32" in leaf.tol_source


def test_float64_reference_runs_the_model_in_float64():
    torch.manual_seed(5)
    m = Small().eval()
    x = torch.randn(2, 32)
    ref = float64_reference(m, (x,))
    assert ref[0].dtype == np.float64
    with torch.no_grad():
        want = m.double()(x.double())
    np.testing.assert_array_equal(ref[0], want[0].numpy())

