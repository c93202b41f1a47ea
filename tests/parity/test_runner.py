"""The command-line runners (python -m pyts run/info, and the C pyts-run when
CI has built it: PYTS_RUN_BIN) and the thread settings."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import pyts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "models", "my_module_model.pt")


def _env():
    # the subprocess imports the same pyts as this test process (pyts need not be pip-installed)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__))) + os.pathsep + \
        env.get("PYTHONPATH", "")
    return env


def torch_first5(path, x):
    out = torch.jit.load(path)(x)
    return (out[0] if out.dim() > 1 else out)[:5].detach().numpy()


def test_python_run_prints_torchs_numbers():
    out = subprocess.run([sys.executable, "-m", "pyts", "run", EXAMPLE, "--input", "ones:20"],
                         capture_output=True, text=True, check=True, cwd="/",
                         env=_env())
    lines = out.stdout.splitlines()
    assert lines[0] == "ok"
    printed = np.array([float(v) for v in lines[-1].split()])
    np.testing.assert_allclose(printed, torch_first5(EXAMPLE, torch.ones(20)), atol=1e-4)


def test_python_info_lists_tree_params_ops():
    out = subprocess.run([sys.executable, "-m", "pyts", "info", EXAMPLE], capture_output=True, text=True,
                         check=True, cwd="/", env=_env()).stdout
    assert "file version: 3" in out and "__torch__.MyModule" in out
    assert "parameters: 1 tensors, 200 values" in out
    assert "methods: forward" in out and "aten::mv" in out


class _RareBranchToMissingOp(torch.nn.Module):
    """Calls an op pyts lacks only for huge inputs."""

    def forward(self, x):
        if bool(x.sum() > 1e9):
            return x.to_dense()
        return torch.relu(x) + 1.0


def _missing_op_model(tmp_path):
    path = str(tmp_path / "rare.pt")
    torch.jit.script(_RareBranchToMissingOp()).save(path)
    (u,) = pyts.load(path).unsupported_ops()
    assert u.op == "aten::to_dense"
    return path, u


def test_python_info_lists_unsupported_ops(tmp_path):
    path, u = _missing_op_model(tmp_path)
    out = subprocess.run([sys.executable, "-m", "pyts", "info", path], capture_output=True, text=True,
                         check=True, cwd="/", env=_env()).stdout
    assert "unsupported operators: 1\n  aten::to_dense at %s\n" % u.location in out + "\n"
    out = subprocess.run([sys.executable, "-m", "pyts", "info", EXAMPLE], capture_output=True, text=True,
                         check=True, cwd="/", env=_env()).stdout
    assert "unsupported operators: 0" in out
    # and it runs: this input does not reach the op
    out = subprocess.run([sys.executable, "-m", "pyts", "run", path, "--input", "ones:3"],
                         capture_output=True, text=True, check=True, cwd="/", env=_env())
    assert out.stdout.splitlines()[0] == "ok"
    np.testing.assert_allclose([float(v) for v in out.stdout.splitlines()[-1].split()], [2.0, 2.0, 2.0])


def test_python_run_bad_file_exit_code(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage" * 10)
    out = subprocess.run([sys.executable, "-m", "pyts", "run", str(bad)], capture_output=True, text=True, cwd="/",
                         env=_env())
    assert out.returncode == 1 and "LoadError" in out.stderr and "bad.pt" in out.stderr


@pytest.mark.skipif(not os.environ.get("PYTS_RUN_BIN"), reason="the C pyts-run is built by CMake in CI (PYTS_RUN_BIN)")
def test_c_pyts_run(tmp_path):
    binary = os.environ["PYTS_RUN_BIN"]
    out = subprocess.run([binary, EXAMPLE, "--ones", "20"], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "ok"
    np.testing.assert_allclose([float(v) for v in lines[1].split()], torch_first5(EXAMPLE, torch.ones(20)),
                               atol=1e-4)
    info = subprocess.run([binary, "--info", EXAMPLE], capture_output=True, text=True, check=True).stdout
    assert "aten::mv" in info and "methods: forward" in info
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x00" * 100)
    r = subprocess.run([binary, str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "bad.pt" in r.stderr
    r = subprocess.run([binary], capture_output=True, text=True)
    assert r.returncode == 2 and "usage" in r.stderr
    r = subprocess.run([binary, EXAMPLE, "--ones", "1,x"], capture_output=True, text=True)
    assert r.returncode == 2
    r = subprocess.run([binary, EXAMPLE, "--ones", "3,3"], capture_output=True, text=True)
    assert r.returncode == 1 and "mv" in r.stderr  # wrong input shape: the failing op is named
    assert "unsupported operators: 0\n" in info


@pytest.mark.skipif(not os.environ.get("PYTS_RUN_BIN"), reason="the C pyts-run is built by CMake in CI (PYTS_RUN_BIN)")
def test_c_pyts_run_info_lists_unsupported_ops_and_runs(tmp_path):
    binary = os.environ["PYTS_RUN_BIN"]
    path, u = _missing_op_model(tmp_path)
    info = subprocess.run([binary, "--info", path], capture_output=True, text=True, check=True).stdout
    assert "unsupported operators: 1\n  aten::to_dense at %s\n" % u.location in info
    out = subprocess.run([binary, path, "--ones", "3"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "ok"
    np.testing.assert_allclose([float(v) for v in out.splitlines()[1].split()], [2.0, 2.0, 2.0])


def run_with_threads(m, x, counts):
    before = pyts.get_num_threads()
    outs = []
    try:
        for n in counts:
            pyts.set_num_threads(n)
            assert pyts.get_num_threads() == n
            outs.append(m.forward(x))
    finally:
        pyts.set_num_threads(before)
    return outs


def test_threads_same_bits_without_gemm(tmp_path):
    """What pyts promises (docs/architecture.md, Threads): ops that do not go
    through BLAS give the same bits whatever the thread count -- work is split
    between threads by output elements (rows of a reduction, planes of a pool
    or a norm, chunks of an elementwise op), never inside one element's sum."""
    class NoGemm(torch.nn.Module):
        def forward(self, x):
            y = torch.relu(x) * 0.5 + torch.sigmoid(x)
            y = torch.nn.functional.layer_norm(y, y.shape[-1:])
            y = torch.nn.functional.group_norm(y, 4)
            y = torch.nn.functional.max_pool2d(y, 3, 2, 1) + torch.nn.functional.avg_pool2d(y, 3, 2, 1)
            y = torch.nn.functional.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
            z = torch.softmax(y, dim=-1) + torch.log_softmax(y, dim=1)
            return z.sum(dim=(2, 3)), z.mean(dim=1), y.amax(dim=-1), torch.cumsum(y, dim=2)
    path = str(tmp_path / "nogemm.pt")
    x = np.random.default_rng(0).standard_normal((2, 16, 96, 97)).astype(np.float32)
    with warnings.catch_warnings():  # group_norm's size check is a Python bool in the trace: expected
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.jit.trace(NoGemm(), torch.from_numpy(x)).save(path)
    m = pyts.load(path)
    one, two = run_with_threads(m, x, [1, 2])
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def test_threads_setting_and_same_results(tmp_path):
    """Convolutions and GEMMs are tiled by thread count, and OpenBLAS may sum a
    tile of another shape in another order (its small-matrix kernels on
    SkylakeX do), so across thread counts they agree within rounding, not to
    the bit: the same promise torch makes.  resnet18's outputs (magnitude ~1)
    after 20 layers of sums of 27 to 4,608 terms: torch.testing's float32
    defaults (rtol 1.3e-6, atol 1e-5) hold them; 1.2e-6 was the largest
    difference seen (SkylakeX kernels)."""
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    path = str(tmp_path / "r18.pt")
    torch.jit.trace(torchvision.models.resnet18(weights=None).eval(), torch.ones(1, 3, 64, 64),
                    check_trace=False).save(path)
    m = pyts.load(path)
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64)).astype(np.float32)
    one, two = run_with_threads(m, x, [1, 2])
    torch.testing.assert_close(torch.from_numpy(two), torch.from_numpy(one))
    # and both are torch's numbers
    exp = torch.jit.load(path)(torch.from_numpy(x)).detach()
    torch.testing.assert_close(torch.from_numpy(one), exp)
    with pytest.raises(ValueError):
        pyts.set_num_threads(0)
