"""python -m pyts check: both engines on the same inputs, the same report as
assert_parity, exit 0 on parity, 1 on a mismatch, 2 on usage errors."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import pyts


def _env():
    # the subprocess imports the same pyts as this test process
    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run(*args):
    # cwd: the folder holding the imported pyts, so `-m pyts` cannot pick up a source checkout's
    # unbuilt pyts/ from the current directory
    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    return subprocess.run([sys.executable, "-m", "pyts", *args], capture_output=True, text=True, env=_env(),
                          timeout=300, cwd=root)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.fc = torch.nn.Linear(4, 5)

    def forward(self, x, scale: float):
        y = torch.relu(self.conv(x)) * scale
        return self.fc(y.mean((2, 3))), y


class Noisy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 6)

    def forward(self, x):
        return torch.nn.functional.dropout(self.fc(x), 0.5, True)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    torch.manual_seed(0)
    net = str(d / "net.pt")
    torch.jit.save(torch.jit.script(Net().eval()), net)
    noisy = str(d / "noisy.pt")
    torch.jit.save(torch.jit.script(Noisy()), noisy)
    x = str(d / "x.npy")
    np.save(x, np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32))
    return {"net": net, "noisy": noisy, "x": x, "dir": d}


def test_check_passes_with_npy_and_scalar_inputs(models):
    report = str(models["dir"] / "ok.json")
    r = run("check", models["net"], "--input", models["x"], "--input", "float:0.5", "--report", report)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "pyts parity OK: net.pt.forward, 2 output leaves (2 tensors) match torch.jit" in r.stdout
    assert "output[0]: (2, 5) float32, max abs diff" in r.stdout
    doc = json.load(open(report))
    assert doc["ok"] and doc["verdict"] == "PASS" and len(doc["leaves"]) == 2
    assert doc["leaves"][1]["torch_shape"] == [2, 4, 6, 6]


def test_check_fails_with_report_and_localization(models):
    report = str(models["dir"] / "fail.json")
    r = run("check", models["noisy"], "--input", "randn:3,6", "--report", report)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "pyts parity FAILED" in r.stdout
    assert "Localization (lockstep" in r.stdout and "aten::dropout" in r.stdout
    doc = json.load(open(report))
    assert doc["verdict"] == "FAIL" and doc["first_diverging_op"]["op"] == "aten::dropout"


def test_check_tolerances_reach_the_comparison(models):
    r = run("check", models["net"], "--input", models["x"], "--input", "float:0.5", "--rtol", "0.5",
            "--atol", "0.5", "--no-localize")
    assert r.returncode == 0 and "(rtol=0.5, atol=0.5)" in r.stdout


@pytest.mark.parametrize("args,msg", [
    (["--input", "bogus:1,2"], "cannot understand input"),
    (["--input", "ones:2,3:float7"], "unknown dtype"),
    (["--input", "ones:2,3,8,8", "--rtol", "1e-3"], "give both --rtol and --atol"),
    (["--input", "ones:1,2"], "torch could not run"),
])
def test_check_usage_errors_exit_2(models, args, msg):
    r = run("check", models["net"], *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert msg in r.stderr


def test_check_missing_file_and_bad_option():
    r = run("check", "/nonexistent/model.pt", "--input", "ones:1")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = run("check")
    assert r.returncode == 2          # argparse: the model is required
