"""Three engines (assert_parity(..., eager=True)): the original nn.Module in
torch's eager mode, torch.jit on the exported file, and pyts.  The result
says whether a difference comes from exporting (eager vs torch.jit) or from
the runtime (torch.jit vs pyts)."""
import numpy as np
import pytest
import torch

import pyts.testing as testing
from pyts.testing import ParityError, assert_parity, check_parity


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(16, 8)

    def forward(self, x):
        return [torch.tanh(self.fc(x)), x.sum()]


class Branchy(torch.nn.Module):
    """Tracing bakes in the branch the example input took."""

    def forward(self, x):
        if bool(x.sum() > 0):
            return x * 2.0
        return x + 1.0


def test_three_engines_agree():
    torch.manual_seed(0)
    res = assert_parity(Net().eval(), (torch.randn(4, 16),), eager=True)
    assert res.difference_source is None and len(res.eager_leaves) == 2
    assert all(l.passed for l in res.eager_leaves)
    assert res.eager_leaves[0].rule == "rounding"
    assert "eager vs torch.jit (the export): all 2 output leaves match" in res.report()
    assert res.to_dict()["eager_leaves"][0]["passed"] is True


def test_a_difference_from_exporting():
    model = Branchy()
    with torch.no_grad():
        traced = torch.jit.trace(model, torch.ones(3))   # takes the x * 2 branch for good
    x = -torch.ones(3)                                    # eager takes the other one
    res = check_parity(_TracedAs(model, traced), (x,), eager=True)
    assert not res.ok and res.difference_source == "export"
    assert all(l.passed for l in res.leaves)            # pyts matches torch.jit
    assert not res.eager_leaves[0].passed
    assert res.localization is None                     # nothing to localize in pyts
    with pytest.raises(ParityError, match="differs from the eager module's"):
        assert_parity(_TracedAs(model, traced), (x,), eager=True)


class _TracedAs(torch.nn.Module):
    """An eager module that exports as a given traced module."""

    def __init__(self, eager, traced):
        super().__init__()
        self.eager = eager
        self.traced = traced

    def forward(self, x):
        if torch.jit.is_tracing():
            return self.traced(x)
        return self.eager(x)


def test_a_difference_from_the_runtime(monkeypatch):
    """An engine bug (simulated: pyts's output of one element shifted) is
    attributed to the runtime."""
    real_load = testing.pyts_load

    class Buggy:
        def __init__(self, m):
            self.m = m

        def unsupported_ops(self):
            return self.m.unsupported_ops()

        def run_method(self, name, *args):
            out = self.m.run_method(name, *args)
            out[0] = np.array(out[0], copy=True)
            out[0][0, 0] += 1e-2
            return out

    monkeypatch.setattr(testing, "pyts_load", lambda p: Buggy(real_load(p)))
    torch.manual_seed(1)
    res = check_parity(Net().eval(), (torch.randn(4, 16),), eager=True, localize=False)
    assert not res.ok and res.difference_source == "runtime"
    assert all(l.passed for l in res.eager_leaves) and not res.leaves[0].passed
    assert "the difference comes from: runtime" in res.report()


def test_eager_needs_the_original_model(tmp_path):
    scripted = torch.jit.script(Net().eval())
    with pytest.raises(ValueError, match="eager=True needs the original"):
        check_parity(scripted, (torch.randn(1, 16),), eager=True)
