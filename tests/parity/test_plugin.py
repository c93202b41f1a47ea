"""The pytest plugin, run inside pytest (pytester): the parity fixture and
marker, the JSON report written by --pyts-report and the terminal summary,
in one process and under pytest-xdist (-n 2), where the records travel from
the workers to the controller in the test reports' user_properties.

The inner suite has passing tests (one checks the marker's tolerances, one
the per-test seed), a marker missing atol (an error at setup), and a failing
test: a model calling aten::poisson, which pyts does not implement, so its
failure, and the op it names, is deterministic."""
import json
import os
from importlib import metadata

import pytest

import pyts

pytest_plugins = ["pytester"]

INNER = '''
import pytest
import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return self.fc(y.mean((2, 3))), {"features": y}


class Noisy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(8, 8)

    def forward(self, x):
        return torch.poisson(torch.relu(self.fc(x)))


def test_net(parity):
    res = parity.check(Net().eval(), (parity.randn(2, 3, 8, 8),))
    assert res.ok and len(res.leaves) == 2
    assert parity.tmp_path.exists()


@pytest.mark.parity(rtol=1e-3, atol=1e-3)
def test_marker_tolerances(parity):
    res = parity.check(Net().eval(), (parity.randn(1, 3, 6, 6),))
    assert (res.leaves[0].rtol, res.leaves[0].atol) == (1e-3, 1e-3)
    assert res.leaves[0].tol_source == "given"


def test_seed_is_per_test(parity):
    import numpy as np
    import random
    from pyts.pytest_plugin import seed_for

    assert parity.seed == seed_for("test_inner.py::test_seed_is_per_test")
    torch.manual_seed(parity.seed)
    a = torch.rand(3)
    np.random.seed(parity.seed)
    random.seed(parity.seed)


def test_noisy(parity):
    parity.check(Noisy().train(), (parity.randn(4, 8),))


@pytest.mark.parity(rtol=1e-3)
def test_bad_marker(parity):
    pass
'''


def _plugin_args():
    """-p pyts.pytest_plugin unless the installed distribution already
    registers the plugin through its pytest11 entry point."""
    try:
        eps = metadata.entry_points(group="pytest11")
    except TypeError:  # Python < 3.10
        eps = metadata.entry_points().get("pytest11", [])
    if any(ep.value.startswith("pyts.pytest_plugin") for ep in eps):
        return []
    return ["-p", "pyts.pytest_plugin"]


@pytest.fixture
def inner(pytester, monkeypatch):
    # the inner pytest (a subprocess) imports the same pyts as this one
    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini("[pytest]\nfilterwarnings =\n    ignore::FutureWarning\n    ignore::DeprecationWarning\n")
    return pytester


def _check(result, report_path):
    result.assert_outcomes(passed=3, failed=1, errors=1)
    assert "give both rtol and atol" in result.stdout.str()
    out = result.stdout.str()
    # the terminal summary
    assert "pyts parity" in out
    assert "4 tests, 3 checks (1 failed), 4 tensors compared" in out
    assert "worst relative error: " in out
    assert "failing ops:" in out and "aten::poisson" in out
    assert "report: %s" % report_path in out
    # the failing test's message is the parity report
    assert "ParityError" in out and "UNSUPPORTED in pyts" in out
    # the JSON report
    doc = json.loads(open(report_path).read())
    assert doc["versions"]["pyts"] == pyts.__version__
    s = doc["summary"]
    assert (s["tests"], s["checks"], s["checks_failed"], s["tensors_compared"]) == (4, 3, 1, 4)
    assert any(k.startswith("aten::poisson") for k in s["failing_ops"])
    tests = {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}
    assert set(tests) == {"test_net", "test_marker_tolerances", "test_noisy", "test_seed_is_per_test"}
    net = tests["test_net"]
    assert net["outcome"] == "passed" and len(net["checks"]) == 1
    check = net["checks"][0]
    assert check["verdict"] == "PASS" and check["model"] == "Net"
    leaves = {l["path"]: l for l in check["leaves"]}
    assert set(leaves) == {"output[0]", "output[1]['features']"}
    f = leaves["output[1]['features']"]
    assert f["torch_shape"] == [2, 4, 6, 6] and f["torch_dtype"] == "float32" and f["passed"]
    assert f["mismatched"] == 0 and f["rtol"] == 1.3e-6 and isinstance(f["worst_abs"], float)
    noisy = tests["test_noisy"]
    assert noisy["outcome"] == "failed"
    nc = noisy["checks"][0]
    assert nc["verdict"] == "FAIL"
    assert nc["first_diverging_op"]["op"] == "aten::poisson"
    assert nc["first_diverging_op"]["location"].startswith("code/__torch__/")
    seeded = tests["test_seed_is_per_test"]
    assert seeded["checks"] == [] and seeded["outcome"] == "passed" and isinstance(seeded["seed"], int)


def test_report_and_summary(inner):
    path = str(inner.path / "parity.json")
    result = inner.runpytest_subprocess(*_plugin_args(), "--pyts-report", path, "-p", "no:cacheprovider")
    _check(result, path)


def test_report_and_summary_under_xdist(inner):
    pytest.importorskip("xdist")
    path = str(inner.path / "parity-xdist.json")
    result = inner.runpytest_subprocess(*_plugin_args(), "-n", "2", "--pyts-report", path,
                                        "-p", "no:cacheprovider")
    _check(result, path)
    assert "2 workers" in result.stdout.str() or "gw1" in result.stdout.str()
