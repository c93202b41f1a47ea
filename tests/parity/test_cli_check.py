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
        # an op pyts lacks (to_dense: pyts has no sparse layout): the check fails and localizes it.
        # (Dropout in training mode, then the FFT, used to serve here; pyts has both now.)
        return self.fc(x).to_dense().abs()


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
    assert "Localization (lockstep" in r.stdout and "aten::to_dense" in r.stdout
    doc = json.load(open(report))
    assert doc["verdict"] == "FAIL" and doc["first_diverging_op"]["op"] == "aten::to_dense"


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


# ---- one --input grammar for `run` and `check` -------------------------------------------------

class Twice(torch.nn.Module):
    def forward(self, x):
        return x + x


class FromInt(torch.nn.Module):
    def forward(self, n: int):
        return torch.ones(3) * n


class FromFloat(torch.nn.Module):
    def forward(self, v: float):
        return torch.ones(3) * v


class FromBool(torch.nn.Module):
    def forward(self, b: bool):
        if b:
            return torch.ones(3)
        return torch.zeros(3)


@pytest.fixture(scope="module")
def grammar_models(tmp_path_factory):
    d = tmp_path_factory.mktemp("grammar")
    out = {}
    for name, cls in (("tensor", Twice), ("int", FromInt), ("float", FromFloat), ("bool", FromBool)):
        out[name] = str(d / (name + ".pt"))
        torch.jit.save(torch.jit.script(cls()), out[name])
    out["npy"] = str(d / "x.npy")
    np.save(out["npy"], np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5)
    return out


# (model, --input spec, the argument torch gets)
GRAMMAR = [
    ("tensor", "ones:2,3", lambda m: torch.ones(2, 3)),
    ("tensor", "zeros:4", lambda m: torch.zeros(4)),
    ("tensor", "ones:2,3:int32", lambda m: torch.ones(2, 3, dtype=torch.int32)),
    ("tensor", "zeros:5:float64", lambda m: torch.zeros(5, dtype=torch.float64)),
    ("tensor", "rand:2,6", lambda m: torch.from_numpy(np.random.default_rng(0).random((2, 6)).astype(np.float32))),
    ("tensor", "randn:3,4",
     lambda m: torch.from_numpy(np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32))),
    ("tensor", "NPY", lambda m: torch.from_numpy(np.load(m["npy"]))),
    ("int", "int:3", lambda m: 3),
    ("float", "float:0.5", lambda m: 0.5),
    ("bool", "bool:true", lambda m: True),
    ("bool", "bool:0", lambda m: False),
]


def _spec(spec, m):
    return m["npy"] if spec == "NPY" else spec


@pytest.mark.parametrize("model,spec,arg", GRAMMAR, ids=[g[1] for g in GRAMMAR])
def test_run_accepts_every_input_form(grammar_models, model, spec, arg, capsys):
    from pyts.__main__ import main

    path = grammar_models[model]
    assert main(["run", path, "--input", _spec(spec, grammar_models)]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = torch.jit.load(path)(arg(grammar_models))
    assert lines[0] == "ok" and lines[1] == "output shape: %s" % (tuple(expected.shape),)
    flat = (expected[0] if expected.dim() >= 2 else expected.reshape(-1))[:5].double().numpy()
    np.testing.assert_allclose([float(v) for v in lines[2].split()], flat, atol=1e-4)


@pytest.mark.parametrize("model,spec,arg", GRAMMAR, ids=[g[1] for g in GRAMMAR])
def test_check_accepts_every_input_form(grammar_models, model, spec, arg, capsys):
    from pyts.__main__ import main

    assert main(["check", grammar_models[model], "--input", _spec(spec, grammar_models), "--no-localize"]) == 0
    out = capsys.readouterr().out
    assert "pyts parity OK" in out
    want = arg(grammar_models)
    if isinstance(want, torch.Tensor):
        assert "input 0: Tensor %s %s" % (tuple(want.shape), str(want.dtype).replace("torch.", "")) in out
    else:
        assert "input 0: %s %r" % (type(want).__name__, want) in out


def test_run_and_check_share_one_input_parser():
    import pyts.__main__ as cli

    assert not hasattr(cli, "_parse_check_input") and not hasattr(cli, "_parse_input")
    a = cli.parse_input("randn:2,3", 1)
    assert a.dtype == np.float32 and a.shape == (2, 3)
    np.testing.assert_array_equal(a, np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32))
    assert cli.parse_input("ones::int64").shape == () and cli.parse_input("ones::int64").dtype == np.int64
    for cmd in ("run", "check"):
        help_text = subprocess.run([sys.executable, "-m", "pyts", cmd, "--help"], capture_output=True, text=True,
                                   env=_env(), cwd=os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__))),
                                   check=True).stdout
        for form in ("ones|zeros|rand|randn", "[:dtype]", "int:N", "float:X", "bool:B", "file.npy"):
            assert form in help_text, (cmd, form)


@pytest.mark.parametrize("cmd", ["run", "check"])
@pytest.mark.parametrize("spec,msg", [("bogus:1,2", "cannot understand input 'bogus:1,2'"),
                                      ("ones:2,3:float7", "unknown dtype 'float7'"),
                                      ("ones:2,x", "bad shape in input 'ones:2,x'"),
                                      ("int:x", "cannot understand input 'int:x'"),
                                      ("/nonexistent/x.npy", "cannot read input /nonexistent/x.npy")])
def test_run_and_check_refuse_the_same_bad_inputs(grammar_models, cmd, spec, msg, capsys):
    from pyts.__main__ import main

    assert main([cmd, grammar_models["tensor"], "--input", spec]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pyts %s: " % cmd) and msg in err


class RareMissingOp(torch.nn.Module):
    """Calls aten::to_dense (pyts lacks it: no sparse layout) only for huge inputs."""

    def forward(self, x):
        if bool(x.sum() > 1e9):
            return x.to_dense()
        return torch.relu(x) + 1.0


def test_check_lists_unsupported_ops_and_fails_only_the_run_that_reaches_one(tmp_path):
    path = str(tmp_path / "rare.pt")
    torch.jit.save(torch.jit.script(RareMissingOp().eval()), path)
    (u,) = pyts.load(path).unsupported_ops()
    report = str(tmp_path / "rare.json")
    r = run("check", path, "--input", "ones:2,3", "--report", report)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "pyts parity OK" in r.stdout
    assert "unsupported operators (pyts lacks them; a run reaching one fails): 1\n    aten::to_dense at %s" \
        % u.location in r.stdout
    doc = json.load(open(report))
    assert doc["ok"] and doc["unsupported_ops"] == [{"op": "aten::to_dense", "location": u.location}]
    big = str(tmp_path / "big.npy")
    np.save(big, np.full((2, 3), 1e10, np.float32))
    r = run("check", path, "--input", big, "--no-localize")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "pyts could not run rare.pt.forward: UnsupportedOperatorError: pyts does not implement " \
           "aten::to_dense (called at %s" % u.location in r.stdout
