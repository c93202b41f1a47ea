"""pyts.profile: per-op events of a run, their tables and the Chrome trace (no torch needed).

The example model (examples/models/my_module_model.pt) runs, for a positive input,
torch.sum, torch.gt, bool(...) then torch.mv(weight, input); for a negative one
torch.add instead of torch.mv.  The expected ops, lines and shapes are read from the
model's own code and state_dict, not from a profile."""
import json
import os
import zipfile

import numpy as np
import pytest

import pyts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "examples", "models", "my_module_model.pt")


def _line_of(code, needle):
    for i, ln in enumerate(code.splitlines(), 1):
        if needle in ln:
            return i
    raise AssertionError(needle)


def test_profile_events_tables_and_trace(tmp_path):
    m = pyts.load(MODEL)
    w = m.state_dict()["weight"]
    x = np.ones(w.shape[1], dtype=np.float32)
    trace = str(tmp_path / "t.json")
    prof = pyts.profile(m, x, repeat=3, warmup=1, trace=trace)
    assert prof.calls == 3
    ops = [e["op"] for e in prof.events]
    assert ops.count("aten::mv") == 3 and ops.count("aten::sum") == 3 and "aten::add" not in ops
    mv = [e for e in prof.events if e["op"] == "aten::mv"]
    # the call site: the module's code file and the line of torch.mv in it
    code = m.code
    assert all(e["file"].startswith("code/") and e["file"].endswith(".py") for e in mv)
    # the recorded line of the archive's own code file is the one calling torch.mv
    assert len({(e["file"], e["line"]) for e in mv}) == 1
    with zipfile.ZipFile(MODEL) as z:
        name = next(n for n in z.namelist() if n.endswith("/" + mv[0]["file"]))
        src = z.read(name).decode().splitlines()
    assert "torch.mv(" in src[mv[0]["line"] - 1]
    assert mv[0]["shapes"] == "%dx%d,%d->%d" % (w.shape[0], w.shape[1], w.shape[1], w.shape[0])
    assert all(e["dur_ns"] >= 0 for e in prof.events)
    by_op = {r["key"]: r for r in prof.by_op()}
    assert by_op["aten::mv"]["calls"] == 1  # per recorded call
    assert by_op["aten::mv"]["gflops"] is not None
    assert 0 <= sum(r["share"] for r in prof.by_op()) <= 1.0 + 1e-9
    lines = prof.by_line()
    assert any(r["ops"] == ["aten::mv"] for r in lines)
    text = str(prof)
    assert "aten::mv" in text and "by code line" in text and "outside ops" in text
    with open(trace) as f:
        tr = json.load(f)
    evs = tr["traceEvents"]
    assert len(evs) == len(prof.events)
    assert all(e["ph"] == "X" and e["dur"] >= 0 and e["ts"] >= 0 for e in evs)
    assert {e["name"] for e in evs} >= {"aten::mv", "aten::sum"}
    assert "torch.mv" in code


def test_profile_other_branch_and_errors():
    m = pyts.load(MODEL)
    w = m.state_dict()["weight"]
    x = -np.ones(w.shape[1], dtype=np.float32)
    prof = pyts.profile(m, x, warmup=0)
    ops = {e["op"] for e in prof.events}
    assert "aten::add" in ops and "aten::mv" not in ops
    with pytest.raises(ValueError):
        pyts.profile(m, x, repeat=0)
    # a failing run stops the recording: the next profile starts cleanly
    with pytest.raises(pyts.Error):
        pyts.profile(m, np.ones((2, 3, 4), dtype=np.float32), warmup=0)
    assert len(pyts.profile(m, x, warmup=0).events) == len(prof.events)


def test_run_profile_command(tmp_path):
    import subprocess
    import sys

    trace = str(tmp_path / "t.json")
    out = subprocess.run([sys.executable, "-m", "pyts", "run", MODEL, "--input", "ones:20", "--profile", "--trace", trace],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "aten::mv" in out.stdout and "by code line" in out.stdout
    with open(trace) as f:
        assert any(e["name"] == "aten::mv" for e in json.load(f)["traceEvents"])
