"""`pytest --pyts-opinfo` (pyts._opinfo_pytest through pyts.pytest_plugin):
the OpInfo sweep as pytest tests, one per (op, dtype).  Run in a subprocess
pytest on a folder with no tests of its own: without the option nothing is
added; with it the selected (op, dtype) pairs become tests, a MISMATCH-like
failure names the sample, the dtype and the problem, and a sample that
kills the worker (the harness's PYTS_OPINFO_FAULT hook sends SIGSEGV; pyts
is not involved) fails that one test while the pytest process goes on with
the next ones.  outcome() maps every verdict to a pytest outcome."""
import os
import re
import subprocess
import sys

import pytest

import pyts
from pyts import _opinfo_pytest, opinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))


def run_pytest(tmp_path, *args, env_extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(env_extra or {})
    (tmp_path / "test_nothing.py").write_text("def test_other():\n    pass\n")
    # -p pyts.pytest_plugin unless an installed pyts registers it by its entry point already
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path),
           "-rA", "-q"]
    try:
        import importlib.metadata as md

        registered = any(e.value == "pyts.pytest_plugin" for e in md.entry_points(group="pytest11"))
    except Exception:  # noqa: BLE001
        registered = False
    if not registered:
        cmd += ["-p", "pyts.pytest_plugin"]
    return subprocess.run(cmd + list(args) + [str(tmp_path)], capture_output=True, text=True, env=env,
                          cwd=str(tmp_path), timeout=900)


def test_without_the_option_nothing_is_added(tmp_path):
    r = run_pytest(tmp_path, "--co")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "test_other" in r.stdout and "opinfo::" not in r.stdout


def test_bad_selection_is_a_usage_error(tmp_path):
    r = run_pytest(tmp_path, "--co", "--pyts-opinfo", "--pyts-opinfo-ops", "add", "--pyts-opinfo-dtypes", "float33")
    assert r.returncode == 4 and "float33" in r.stderr, r.stdout + r.stderr
    r = run_pytest(tmp_path, "--co", "--pyts-opinfo", "--pyts-opinfo-ops", "no_such_op")
    assert r.returncode == 4 and "no_such_op" in r.stderr, r.stdout + r.stderr


def test_sweep_as_tests_and_a_crash_fails_only_its_test(tmp_path):
    r = run_pytest(tmp_path, "--pyts-opinfo", "--pyts-opinfo-ops", "add,nn.functional.relu",
                   "--pyts-opinfo-dtypes", "float32,int64,bool", "--pyts-opinfo-max-samples", "3",
                   "--pyts-opinfo-timeout", "60", "-m", "pyts_opinfo",
                   env_extra={"PYTS_OPINFO_FAULT": "add@float32:1:segv"})
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    status = dict((m.group(2), m.group(1)) for m in re.finditer(r"^(PASSED|FAILED|XFAIL|SKIPPED)\S* (\S+)", r.stdout,
                                                                   re.M))
    # the dtypes each OpInfo declares: add has bool, relu does not (no test is made for it)
    assert set(status) == {"opinfo::add[float32]", "opinfo::add[int64]", "opinfo::add[bool]",
                           "opinfo::nn.functional.relu[float32]", "opinfo::nn.functional.relu[int64]"}, out
    assert status["opinfo::add[float32]"] == "FAILED"
    # the crash killed only the sweep's worker process: the same pytest process ran the rest
    for k in ("opinfo::add[int64]", "opinfo::add[bool]", "opinfo::nn.functional.relu[float32]",
              "opinfo::nn.functional.relu[int64]"):
        assert status[k] == "PASSED", (k, out)
    assert "test_other" not in r.stdout and "1 deselected" in r.stdout
    # the failure names the verdict, the dtype, the sample and the signal
    assert "add [float32]: CRASH (1 of 3 tested samples fail; 2 PASS)" in r.stdout
    assert re.search(r"first failing sample #1 \(CRASH\), dtype float32: input Tensor\[", r.stdout), out
    assert "worker died: SIGSEGV" in r.stdout and "per sample: .C." in r.stdout


def _summary(verdict, **kw):
    counts = {v: 0 for v in opinfo.VERDICTS}
    counts.update(kw.pop("counts", {}))
    res = {"op": "foo", "dtype": "int16", "verdict": verdict, "counts": counts, "tested": sum(
        n for v, n in counts.items() if v != "SKIP"), "missing_ops": [], "per_sample": "", "first_problem": None}
    res.update(kw)
    return res


def test_outcome_of_each_verdict():
    assert _opinfo_pytest.outcome(_summary("PASS", counts={"PASS": 4}))[0] == "pass"
    kind, text = _opinfo_pytest.outcome(_summary("SKIP", counts={"SKIP": 2}, first_problem={
        "message": "torch cannot export: x"}))
    assert kind == "skip" and "torch cannot export" in text
    kind, text = _opinfo_pytest.outcome(_summary("UNSUPPORTED-OP", counts={"UNSUPPORTED-OP": 3},
                                                 missing_ops=["aten::foo"]))
    assert kind == "xfail" and "pyts lacks aten::foo (3 of 3 samples)" in text and "[int16]" in text
    detail = ("output: Tensor-likes are not equal!\n  Greatest absolute difference: 1 at index (2, 0) "
              "(torch 7, pyts 6)")
    for v in ("MISMATCH", "RUN-ERROR", "LOAD-ERROR", "CRASH"):
        kind, text = _opinfo_pytest.outcome(_summary(v, counts={"PASS": 1, v: 2}, per_sample=".xx", first_problem={
            "sample": 1, "verdict": v, "message": "short", "input": "input Tensor[3, 2] int16",
            "detail": detail}))
        assert kind == "fail", v
        assert text.startswith("foo [int16]: %s (2 of 3 tested samples fail; 1 PASS)" % v)
        assert "first failing sample #1 (%s), dtype int16: input Tensor[3, 2] int16" % v in text
        assert "at index (2, 0) (torch 7, pyts 6)" in text
    # an op with a mismatch and unsupported samples fails (the worse verdict wins)
    kind, _ = _opinfo_pytest.outcome(_summary("MISMATCH", counts={"MISMATCH": 1, "UNSUPPORTED-OP": 2}))
    assert kind == "fail"
