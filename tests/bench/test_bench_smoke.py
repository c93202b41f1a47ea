"""benchmarks/bench.py end to end on tiny models (real torch; ONNX Runtime where installed).

Checks that the smoke path runs every engine, that the outputs agree, and that the numbers
it derives (FLOPs, throughput, per-pair ratios) follow from the definitions. Timings
themselves are never asserted."""
import importlib.util
import json
import os
import sys

import pytest

torch = pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("pyts_bench", os.path.join(ROOT, "benchmarks", "bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _has_ort():
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def test_count_flops_matches_the_layer_formulas(bench):
    conv = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1, groups=2)
    x = torch.randn(2, 8, 11, 11)
    # 11x11, 3x3 stride 2 pad 1 -> 6x6; each output sums 8 / 2 * 9 products
    assert bench.count_flops(conv, (x.numpy(),)) == bench.conv2d_flops(8, 16, 11, 11, 3, stride=2, groups=2,
                                                                       padding=1, batch=2)
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    assert bench.count_flops(mlp, (torch.randn(3, 64).numpy(),)) == 2 * 3 * (64 * 128 + 128 * 10)


def test_smoke_run_all_engines(bench, tmp_path, capsys):
    out = tmp_path / "rows.json"
    argv = ["--smoke", "--models", "mlp", "loop", "--batch", "1", "2", "--no-peak", "--json", str(out)]
    if _has_ort():
        argv.append("--ort")
    assert bench.main(argv) == 0
    data = json.loads(out.read_text())
    rows = {(r["model"], r["batch"]): r for r in data["rows"]}
    assert set(rows) == {("mlp", 1), ("mlp", 2), ("loop", 1), ("loop", 2)}
    for (model, batch), r in rows.items():
        # float32 through three layers / 40 steps: agreement well inside float32 rounding of the sums
        assert r["max_abs_diff"] < 1e-4, (model, batch, r["max_abs_diff"])
        assert len(r["pyts_ms"]) == 3 and r["pyts_ms"][0] <= r["pyts_ms"][1] <= r["pyts_ms"][2]
        assert r["ratio"] == pytest.approx(r["pyts_ms"][1] / r["torch_ms"][1])
        assert bench.throughput(r, "pyts") == pytest.approx(batch / (r["pyts_ms"][1] / 1e3))
        if _has_ort():
            assert r["ort_max_abs_diff"] < 1e-4
            assert r["ratio_ort"] == pytest.approx(r["pyts_ms"][1] / r["ort_ms"][1])
            lo, hi = r["ratio_ort_p10_p90"]
            assert lo <= hi
    # the smoke MLP is 64-128-128-10: 2 flops per multiply-add, times the batch
    per_sample = 2 * (64 * 128 + 128 * 128 + 128 * 10)
    assert rows[("mlp", 1)]["flops"] == per_sample and rows[("mlp", 2)]["flops"] == 2 * per_sample
    assert rows[("loop", 1)]["flops"] is None  # elementwise only: no FLOPs counted
    text = capsys.readouterr().out
    assert "throughput (samples/s" in text and "mlp b2" in text
    if _has_ort():
        assert "ORT ms" in text


@pytest.mark.skipif(not _has_ort(), reason="onnxruntime / onnx not installed")
def test_failed_export_is_reported_and_quiet(bench, tmp_path, capfd):
    class Diff(torch.nn.Module):
        def forward(self, x):
            return torch.diff(x)  # no ONNX symbolic for aten::diff in the TorchScript exporter

    with pytest.raises(Exception) as e:
        bench.export_onnx(Diff(), (torch.randn(4).numpy(),), str(tmp_path / "d.onnx"))
    assert "diff" in str(e.value)
    captured = capfd.readouterr()
    # the exporter's dump of the whole graph stays out of the report
    assert "graph(" not in captured.out + captured.err


@pytest.mark.skipif(not _has_ort(), reason="onnxruntime / onnx not installed")
def test_ort_session_threads_and_feed(bench, tmp_path):
    import numpy as np

    lin = torch.nn.Linear(5, 3).eval()
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    bench.export_onnx(lin, (x,), str(tmp_path / "l.onnx"))
    sess = bench.ort_session(str(tmp_path / "l.onnx"), 2)
    opts = sess.get_session_options()
    assert opts.intra_op_num_threads == 2 and opts.inter_op_num_threads == 1
    got = sess.run(None, bench.ort_feed(sess, (x,)))[0]
    with torch.no_grad():
        ref = lin(torch.from_numpy(x)).numpy()
    # 5 products and 5 adds (bias included) in float32, in any order: each engine is within
    # 6 eps (sum |w x| + |b|) of the exact value (gamma_n bound), so the two within twice that
    w, b = np.abs(lin.weight.detach().numpy()), np.abs(lin.bias.detach().numpy())
    bound = 2 * 6 * np.finfo(np.float32).eps * (np.abs(x) @ w.T + b)
    assert np.all(np.abs(got - ref) <= bound)
    with pytest.raises(ValueError):
        bench.ort_feed(sess, (x, x))


def test_bench_conv_tables_cover_the_models_flops(bench):
    """bench_conv.py's shape tables, FLOPs times layer count, plus the classifier's linear layer,
    add up to FlopCounterMode's count of the whole torchvision model (resnet18 at 224: 3.63 GFLOP):
    the table lists every dense convolution, each as often as the model has it. (mobilenet_v2's
    depthwise layers are not in its table; resnet18 has none.)"""
    import importlib.util

    import numpy as np
    import torchvision

    spec = importlib.util.spec_from_file_location("pyts_bench_conv", os.path.join(ROOT, "benchmarks", "bench_conv.py"))
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        table = sum(conv.layer_flops(cin, cout, h, k, s, g) * n for _, cin, cout, h, k, s, g, n in conv.RESNET18)
    finally:
        sys.path.remove(os.path.join(ROOT, "benchmarks"))
    model = torchvision.models.resnet18(weights=None).eval()
    total = bench.count_flops(model, (np.zeros((1, 3, 224, 224), np.float32),))
    assert table + 2 * 512 * 1000 == total


def test_bench_callers_runs_both_engines_and_they_agree():
    """benchmarks/bench_callers.py end to end on a tiny input: both engines, 1 and 2 callers."""
    import re
    import subprocess

    pytest.importorskip("torchvision")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "bench_callers.py"), "--size", "32",
                        "--seconds", "0.2", "--rounds", "1", "--callers", "1", "2"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    diff = float(re.search(r"max \|pyts - torch\| (\S+);", r.stdout).group(1))
    assert diff < 1e-4  # resnet18 in float32 on a 32x32 input: well inside the sums' rounding
    rows = re.findall(r"^(pyts|torch\.jit)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$", r.stdout, re.M)
    assert [(e, int(c)) for e, c, _, _ in rows] == [("pyts", 1), ("pyts", 2), ("torch.jit", 1), ("torch.jit", 2)]
    assert all(float(v) > 0 for _, _, v, _ in rows)
    assert [float(x) for e, c, _, x in rows if c == "1"] == [1.0, 1.0]
