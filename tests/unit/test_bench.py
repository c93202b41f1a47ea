"""benchmarks/bench.py's pure-Python helpers and benchmarks/peak.c (no torch needed).

The expected values are derived by hand (convolution FLOPs from the output size formula,
ratios of chosen timings, peak.c's output format), never taken from a run of the code."""
import importlib.util
import os
import shutil
import struct

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("pyts_bench", os.path.join(ROOT, "benchmarks", "bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_parse_peak(bench):
    text = "isa avx512\nthreads 1 gflops 115.20\nthreads 2 gflops 229.80\n"
    assert bench.parse_peak(text) == {"isa": "avx512", "gflops": {1: 115.2, 2: 229.8}}
    # stray lines are ignored; no isa line gives None
    assert bench.parse_peak("warming up\nthreads 4 gflops 10\n") == {"isa": None, "gflops": {4: 10.0}}
    for bad in ("", "isa avx2\n", "threads x gflops"):
        with pytest.raises(ValueError):
            bench.parse_peak(bad)


def test_merge_peaks_keeps_the_higher(bench):
    a = {"isa": "avx512", "gflops": {1: 100.0, 2: 150.0}}
    b = {"isa": "avx512", "gflops": {1: 90.0, 2: 190.0}}
    assert bench.merge_peaks(a, b) == {"isa": "avx512", "gflops": {1: 100.0, 2: 190.0}}
    assert bench.merge_peaks(None, b) is b and bench.merge_peaks(a, None) is a
    assert bench.merge_peaks(None, None) is None


def test_ratio_stats(bench):
    # every pair has ratio 2: median ratio 2, p10-p90 range [2, 2]
    r, rng = bench.ratio_stats([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])
    assert r == 2.0 and rng == [2.0, 2.0]
    # 11 pairs whose ratios are 0.5, 1.0, ..., 5.5: p10 is the 2nd smallest (index round(0.1*10) = 1),
    # p90 the 2nd largest; the ratio is median(a) / median(b) = 6 / 1
    a = [0.5 * (i + 1) for i in range(11)]
    r, rng = bench.ratio_stats(a, [1.0] * 11)
    assert r == 3.0 and rng == [1.0, 5.0]
    with pytest.raises(ValueError):
        bench.ratio_stats([], [1.0])


def test_min_med_max_and_spread(bench):
    assert bench.min_med_max_ms([0.003, 0.001, 0.002]) == pytest.approx([1.0, 2.0, 3.0])
    assert not bench.spread_note([1.0, 1.01, 1.02, 0.99, 1.0])
    assert bench.spread_note([1.0, 1.0, 1.0, 1.0, 2.0])  # max / min = 2 > 1.5
    # p10-p90 range 0.3 of the median (> 0.25) with max / min 1.35 (< 1.5)
    assert bench.spread_note([1.0, 1.0, 1.05, 1.1, 1.15, 1.15, 1.2, 1.25, 1.3, 1.3, 1.35])


def test_rotations_balance_the_order(bench):
    for n in (2, 3):
        seen = [bench.rotations(n, i) for i in range(n)]
        for order in seen:
            assert sorted(order) == list(range(n))
        # over n rounds each engine is first once, and each position holds each engine once
        for pos in range(n):
            assert sorted(o[pos] for o in seen) == list(range(n))
    assert bench.rotations(3, 4) == [1, 2, 0]


def test_conv2d_flops(bench):
    # resnet18's first layer: 3 -> 64, 7x7 stride 2 pad 3 on 224x224 -> 112x112, 118.0 M multiply-adds
    assert bench.conv2d_flops(3, 64, 224, 224, 7, stride=2) == 2 * 64 * 3 * 49 * 112 * 112
    # 3x3 same-size, and a grouped one: each output sees cin / groups inputs
    assert bench.conv2d_flops(64, 64, 56, 56, 3) == 2 * 64 * 64 * 9 * 56 * 56
    assert bench.conv2d_flops(32, 32, 10, 10, 3, groups=32) == 2 * 32 * 1 * 9 * 100
    # 1x1 stride 2 (downsample 64 -> 128 on 56x56): 28x28 outputs; batch multiplies
    assert bench.conv2d_flops(64, 128, 56, 56, 1, stride=2, batch=8) == 2 * 8 * 128 * 64 * 28 * 28
    # no padding: 5x5 input, 3x3 kernel -> 3x3 output
    assert bench.conv2d_flops(1, 1, 5, 5, 3, padding=0) == 2 * 9 * 9


def test_throughput_and_peak_share(bench):
    row = {"batch": 8, "pyts_ms": [10.0, 20.0, 30.0], "torch_ms": [5.0, 40.0, 90.0], "flops": 4e9}
    assert bench.throughput(row, "pyts") == pytest.approx(400.0)  # 8 samples / 0.020 s
    assert bench.throughput(row, "ort") is None
    gfs, share = bench.peak_share(row, "torch", 200.0)
    assert gfs == pytest.approx(100.0) and share == pytest.approx(0.5)  # 4 GFLOP / 0.040 s
    assert bench.peak_share(row, "pyts", None) == (pytest.approx(200.0), None)
    assert bench.peak_share(row, "torch", 200.0, stat=0) == (pytest.approx(800.0), pytest.approx(4.0))  # min 5 ms
    assert bench.peak_share(dict(row, flops=None), "pyts", 200.0) is None


def _row(bench, model, ort):
    r = {"model": model, "batch": 1, "pyts_ms": [1.0, 2.0, 3.0], "torch_ms": [2.0, 4.0, 6.0], "ratio": 0.5,
         "ratio_p10_p90": [0.4, 0.6], "busy": False, "load_pyts_ms": 1.0, "load_torch_ms": 4.0,
         "load_ratio": 0.25, "max_abs_diff": 1e-6, "flops": 2e9}
    if ort:
        r.update({"ort_ms": [1.0, 1.0, 1.0], "ratio_ort": 2.0, "ratio_ort_p10_p90": [1.5, 2.5],
                  "ort_max_abs_diff": 2e-6})
    else:
        r["ort_note"] = "ONNX export failed: UnsupportedOperatorError: aten::diff"
    return r


def test_report_lists_every_engine_and_the_missing_ones(bench, capsys):
    import argparse
    import io

    rows = [_row(bench, "convnet", True), _row(bench, "detector", False)]
    args = argparse.Namespace(threads=2, repeat=3, gap=10.0, smoke=False, memory=False)
    out = io.StringIO()
    bench.report(rows, args, "Test CPU", {"isa": "avx2", "gflops": {1: 50.0, 2: 100.0}}, out=out)
    text = out.getvalue()
    assert "ORT ms" in text and "/ORT" in text
    assert "detector: no ONNX Runtime timing (ONNX export failed" in text
    assert "1 thread 50.0, 2 threads 100.0 GFLOP/s" in text
    # convnet: 2 GFLOP in 2 ms median = 1000 GFLOP/s for pyts, 1000 % of a 100 GFLOP/s peak;
    # ORT 2 GFLOP in 1 ms = 2000 GFLOP/s
    timing, compute = [ln for ln in text.splitlines() if ln.startswith("convnet")]
    assert "0.50" in timing and "2.00" in timing  # the two ratios
    # GF/s at the median, then the share at the median | at the min time (pyts 1 ms, torch 2 ms, ORT 1 ms)
    assert compute.split()[1:] == ["2", "500.0", "250.0", "1000.0", "1000.0", "1000%|2000%", "500.0",
                                   "500%|1000%", "2000.0", "2000%|2000%"]
    assert rows[0]["ort_peak_share"] == pytest.approx(20.0)


def test_png_chart(bench, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "ratios.png"
    assert bench.write_png([_row(bench, "a", True), _row(bench, "b", False)], str(path), "t")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 300 and height > 200


def test_png_without_matplotlib_says_so(bench, tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert bench.write_png([_row(bench, "a", True)], str(tmp_path / "x.png")) is False
    assert "matplotlib is not installed" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return next((set(ln.split(":", 1)[1].split()) for ln in f if ln.startswith("flags")), set())
    except OSError:
        return set()


@pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="no C compiler")
def test_peak_c_builds_runs_and_matches_the_cpu(bench, tmp_path, monkeypatch):
    import subprocess

    # under the sanitizer job LD_PRELOAD holds libasan: not for the compiler nor peak itself
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    exe = bench.build_peak(str(tmp_path))
    out = subprocess.run([exe, "2", "0.01"], check=True, capture_output=True, text=True, timeout=120).stdout
    peak = bench.parse_peak(out)
    assert set(peak["gflops"]) == {1, 2}
    assert all(g > 0.1 for g in peak["gflops"].values())
    flags = _cpu_flags()
    if "avx512f" in flags:
        assert peak["isa"] == "avx512"
    elif {"avx2", "fma"} <= flags:
        assert peak["isa"] == "avx2"
    # bad arguments: a usage message and exit 2, no crash
    bad = subprocess.run([exe, "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage" in bad.stderr
    # 3 threads: 1, 2 and 3 are measured
    out3 = subprocess.run([exe, "3", "0.005"], check=True, capture_output=True, text=True, timeout=120).stdout
    assert set(bench.parse_peak(out3)["gflops"]) == {1, 2, 3}
