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
        y = torch.relu(self.fc(x))
        if self.training:  # only a training-mode run reaches the op pyts lacks
            return torch.poisson(y)
        return y


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


def test_direct_call():
    # no fixture: assert_parity called directly is recorded too
    from pyts.testing import assert_parity, check_parity

    assert_parity(Net().eval(), (torch.randn(1, 3, 5, 5),))
    assert check_parity(torch.jit.script(Noisy().eval()), (torch.randn(2, 8),), localize=False).ok


def test_cli_subprocess(tmp_path):
    # a CLI check run in a subprocess while the test runs is recorded
    import subprocess
    import sys

    path = str(tmp_path / "net.pt")
    torch.jit.save(torch.jit.trace(Net().eval(), torch.randn(1, 3, 5, 5), strict=False), path)
    proc = subprocess.run([sys.executable, "-m", "pyts", "check", path, "--input", "randn:1,3,5,5"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
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
    result.assert_outcomes(passed=5, failed=1, errors=1)
    assert "give both rtol and atol" in result.stdout.str()
    out = result.stdout.str()
    # the terminal summary
    assert "pyts parity" in out
    assert "6 tests, 6 checks (1 failed), 9 tensors compared" in out, out
    assert "worst relative error: " in out
    assert "failing ops:" in out and "aten::poisson" in out
    assert "report: %s" % report_path in out
    # the failing test's message is the parity report
    assert "ParityError" in out and "UNSUPPORTED in pyts" in out
    # the JSON report
    doc = json.loads(open(report_path).read())
    assert doc["versions"]["pyts"] == pyts.__version__
    s = doc["summary"]
    assert (s["tests"], s["checks"], s["checks_failed"], s["tensors_compared"]) == (6, 6, 1, 9)
    assert any(k.startswith("aten::poisson") for k in s["failing_ops"])
    tests = {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}
    assert set(tests) == {"test_net", "test_marker_tolerances", "test_noisy", "test_seed_is_per_test",
                          "test_direct_call", "test_cli_subprocess"}
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
    direct = tests["test_direct_call"]
    assert direct["outcome"] == "passed" and direct["seed"] is None
    assert [c["check"] for c in direct["checks"]] == [0, 1]
    assert [c["model"] for c in direct["checks"]] == ["Net", "Noisy"]
    assert all(c["verdict"] == "PASS" for c in direct["checks"])
    cli = tests["test_cli_subprocess"]
    assert len(cli["checks"]) == 1 and cli["checks"][0]["subprocess"] is True
    assert cli["checks"][0]["model"] == "net.pt" and cli["checks"][0]["verdict"] == "PASS"
    assert cli["checks"][0]["leaves"][0]["torch_shape"] == [1, 3]
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


def test_report_as_html_page(inner):
    """--pyts-report *.html writes the self-contained page instead of JSON:
    a summary row per check, the failing check's localization."""
    from html.parser import HTMLParser

    path = str(inner.path / "parity.html")
    result = inner.runpytest_subprocess(*_plugin_args(), "--pyts-report", path, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1, errors=1)
    page = open(path, encoding="utf-8").read()

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self.tags, self._in = [], [], None

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            if tag == "td":
                self._in = [dict(attrs).get("class"), ""]

        def handle_endtag(self, tag):
            if tag == "td" and self._in is not None:
                self.cells.append(tuple(self._in))
                self._in = None

        def handle_data(self, data):
            if self._in is not None:
                self._in[1] += data

    p = Cells()
    p.feed(page)
    assert page.startswith("<!DOCTYPE html>") and "script" not in p.tags
    verdicts = [text for cls, text in p.cells if cls in ("PASS", "FAIL")]
    assert sorted(verdicts) == ["FAIL"] + ["PASS"] * 5, verdicts
    assert "6 checks, 1 failed." in page
    assert "aten::poisson" in page and "localization" in page
