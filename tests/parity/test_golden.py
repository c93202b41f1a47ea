"""Golden files (pyts.testing.record / assert_matches_record, pytest
--pyts-record DIR): torch's outputs saved with the archive and the inputs
in one .npz, checked by pyts on a machine without torch.  The torch-free
check runs in a subprocess in which `import torch` fails."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import pyts
from pyts.testing import ParityError, assert_matches_record, check_matches_record, record

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x, k: int):
        y = torch.relu(self.conv(x))
        z = self.fc(y.mean((2, 3)))
        return z * k, {"features": y, "argmax": z.argmax(-1)}, y.shape[1]


def _golden(tmp_path, name="net.npz"):
    torch.manual_seed(0)
    path = str(tmp_path / name)
    record(torch.jit.script(Net().eval()), (torch.randn(2, 3, 10, 10), 3), path)
    return path


def test_record_writes_one_npz_without_pickle(tmp_path):
    path = _golden(tmp_path)
    with np.load(path, allow_pickle=False) as z:
        files = set(z.files)
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
        archive = z["archive"].tobytes()
    assert {"archive", "meta", "in0", "out0", "ref0"} <= files
    assert archive[:2] == b"PK"  # the TorchScript zip
    assert meta["format"] == "pyts-golden" and meta["method"] == "forward" and meta["torch"] == torch.__version__
    # the recorded outputs are torch's
    torch.manual_seed(0)
    m = torch.jit.script(Net().eval())
    x = torch.randn(2, 3, 10, 10)
    with torch.no_grad():
        want = m(x, 3)
    from pyts._golden import Golden

    g = Golden(path)
    np.testing.assert_array_equal(g.inputs[0], x.numpy())
    assert g.inputs[1] == 3
    np.testing.assert_array_equal(g.outputs[0], want[0].numpy())
    np.testing.assert_array_equal(g.outputs[1]["argmax"], want[1]["argmax"].numpy())
    assert g.outputs[2] == 8 and g.reference[0].dtype == np.float64


def test_assert_matches_record_passes_and_names_its_rules(tmp_path):
    res = assert_matches_record(_golden(tmp_path))
    assert res.ok and len(res.leaves) == 4
    assert [l.rule for l in res.leaves] == ["rounding", "rounding", "exact", "exact"]
    assert "golden file" in res.export
    assert [l.rule for l in assert_matches_record(_golden(tmp_path), strict=True).leaves] == [
        "strict", "strict", "exact", "exact"]


def _tamper(path, n, factor):
    """Scale the largest element of recorded output n (and of its float64
    value: torch's own rounding error stays what it was) by factor."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    index = int(np.argmax(np.abs(arrays["out%d" % n])))
    for entry in ("out%d" % n, "ref%d" % n):
        a = arrays[entry].copy()
        a.reshape(-1)[index] *= factor
        arrays[entry] = a
    np.savez_compressed(path, **arrays)


def test_a_changed_output_fails(tmp_path):
    path = _golden(tmp_path)
    _tamper(path, 1, 1.001)  # one element of "features" off by 0.1 %
    res = check_matches_record(path)
    assert not res.ok and [l.passed for l in res.leaves] == [True, False, True, True]
    assert res.failing[0].mismatched == 1 and res.failing[0].rule == "rounding"
    with pytest.raises(ParityError, match="Tensor-likes are not close"):
        assert_matches_record(path)


def test_not_a_golden_file(tmp_path):
    p = str(tmp_path / "x.npz")
    np.savez(p, a=np.zeros(3))
    with pytest.raises(ValueError, match="not a pyts golden file"):
        assert_matches_record(p)


NO_TORCH = r'''
import sys
sys.modules["torch"] = None          # `import torch` raises ImportError from here on
try:
    import torch
except ImportError:
    pass
else:
    raise SystemExit("torch imported")
from pyts.testing import ParityError, assert_matches_record
res = assert_matches_record(sys.argv[1])
print("OK", [l.rule for l in res.leaves], res.worst_budget < 1)
try:
    assert_matches_record(sys.argv[2])
except ParityError as e:
    print("FAILED", e.result.failing[0].path)
assert sys.modules["torch"] is None
'''


def test_checked_without_torch(tmp_path):
    good = _golden(tmp_path)
    bad = _golden(tmp_path, "bad.npz")
    _tamper(bad, 0, 1.01)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", NO_TORCH, good, bad], capture_output=True, text=True, env=env,
                          cwd=str(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK ['rounding', 'rounding', 'exact', 'exact'] True" in proc.stdout
    assert "FAILED output[0]" in proc.stdout


pytest_plugins = ["pytester"]

INNER = '''
import torch
from pyts.testing import assert_parity


def test_direct():
    torch.manual_seed(0)
    assert_parity(torch.nn.Linear(6, 4).eval(), (torch.randn(3, 6),))


def test_fixture(parity):
    parity.check(torch.nn.Sequential(torch.nn.Linear(6, 6), torch.nn.Tanh()).eval(), (parity.randn(2, 6),))
    parity.check(torch.nn.Linear(6, 2).eval(), (parity.randn(2, 6),))
'''


def test_pytest_records_every_check(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    pytester.makepyfile(test_inner=INNER)
    d = pytester.path / "golden"
    args = [] if any(ep.value.startswith("pyts.pytest_plugin") for ep in _entry_points()) else \
        ["-p", "pyts.pytest_plugin"]
    result = pytester.runpytest_subprocess(*args, "--pyts-record", str(d), "-p", "no:cacheprovider",
                                           "-W", "ignore::FutureWarning", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)
    files = sorted(os.listdir(d))
    assert files == ["test_inner.py-test_direct-0.npz", "test_inner.py-test_fixture-0.npz",
                     "test_inner.py-test_fixture-1.npz"]
    for f in files:
        res = assert_matches_record(str(d / f))
        assert res.ok and res.leaves[0].rule == "rounding"


def _entry_points():
    from importlib import metadata

    try:
        return metadata.entry_points(group="pytest11")
    except TypeError:  # Python < 3.10
        return metadata.entry_points().get("pytest11", [])
