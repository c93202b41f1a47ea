"""`python -m pyts.opinfo --update`: a run restricted with --ops/--dtypes merges its (op, dtype) cells
into an existing scoreboard JSON (every other cell kept) and rewrites the Markdown from the merged
JSON; the older float32-only scoreboard format is read too."""
import json
import os
import subprocess
import sys

import pyts
from pyts import opinfo


def _result(key, dtype, verdicts, message=None):
    """A per-(op, dtype) result as summarize_op writes it, from one verdict per sample."""
    r = opinfo.new_result(key, dtype)
    for i, v in enumerate(verdicts):
        r["samples"][i] = {"verdict": v, "max_abs": 0.0, "max_rel": 0.0, "message": message if v != "PASS" else None}
    return opinfo.summarize_op(r)


def _board(tmp_path):
    ops = {"add": {"float32": _result("add", "float32", ["PASS", "MISMATCH"], "planted"),
                   "int64": _result("add", "int64", ["MISMATCH"], "planted")},
           "not_an_op_db_op": {"float32": _result("not_an_op_db_op", "float32", ["PASS"])}}
    meta = {"torch": "t", "pyts": "p", "date": "d", "seconds": 10.0, "jobs": 1, "command": "first",
            "dtypes": ["float32", "int64"]}
    out = str(tmp_path / "board")
    opinfo.write_reports(ops, out, meta)
    return out


def test_merge_keeps_other_cells(tmp_path):
    out = _board(tmp_path)
    old_ops, old_meta = opinfo.load_scoreboard(out)
    assert old_meta["dtypes"] == ["float32", "int64"]
    new = {"add": {"bool": _result("add", "bool", ["PASS"]), "int64": _result("add", "int64", ["PASS", "PASS"])}}
    ops, meta = opinfo.merge_results(old_ops, old_meta, new, {"dtypes": ["int64", "bool"], "seconds": 2.5,
                                                              "jobs": 2, "command": "second", "date": "e"})
    assert meta["dtypes"] == ["float32", "int64", "bool"]           # DTYPES order, union of both runs
    assert ops["add"]["int64"]["verdict"] == "PASS" and ops["add"]["int64"]["samples"] == 2
    assert ops["add"]["float32"]["verdict"] == "MISMATCH"            # not re-run: kept
    assert ops["not_an_op_db_op"]["float32"]["verdict"] == "PASS"
    assert [r["command"] for r in meta["runs"]] == ["first", "second"] and meta["seconds"] == 12.5
    per = opinfo.write_reports(ops, out, meta)
    assert per["int64"]["ops_PASS"] == 1 and per["float32"]["ops_PASS"] == 1 and per["bool"]["ops_tested"] == 1
    md = open(out + ".md").read()
    assert "| `add` | MISMATCH 1/2 | PASS | PASS |" in md and "merged from 2 runs" in md


def test_legacy_float32_only_board(tmp_path):
    r = _result("relu", "float32", ["PASS"])
    del r["dtype"]
    p = tmp_path / "old.json"
    p.write_text(json.dumps({"meta": {"seconds": 1.0, "jobs": 2, "command": "old"}, "ops": {"relu": r}}))
    ops, meta = opinfo.load_scoreboard(str(p))
    assert meta["dtypes"] == ["float32"] and ops["relu"]["float32"]["verdict"] == "PASS"
    assert ops["relu"]["float32"]["dtype"] == "float32"


def test_update_command_line(tmp_path):
    """One op in one dtype re-run with --update: its cell replaced, the other cells and rows kept."""
    out = _board(tmp_path)
    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-m", "pyts.opinfo", "--ops", "add", "--dtypes", "int64", "--out", out,
                        "--jobs", "1", "--max-samples", "2", "--quiet", "--update"], capture_output=True, text=True,
                       env=env, timeout=900, cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.load(open(out + ".json"))
    assert doc["meta"]["dtypes"] == ["float32", "int64"]
    add = doc["ops"]["add"]["dtypes"]
    assert add["int64"]["verdict"] == "PASS" and add["int64"]["samples"] == 2     # real run: integers exact
    assert add["float32"]["verdict"] == "MISMATCH" and add["float32"]["samples"] == 2   # planted, kept
    assert doc["ops"]["not_an_op_db_op"]["dtypes"]["float32"]["verdict"] == "PASS"
    assert doc["totals"]["int64"]["ops_PASS"] == 1 and len(doc["meta"]["runs"]) == 2
    md = open(out + ".md").read()
    assert "| `add` | MISMATCH 1/2 | PASS |" in md and "| `not_an_op_db_op` | PASS |  |" in md
    # a board that cannot be read is a clean error, not a traceback
    open(out + ".json", "w").write("{not json")
    r = subprocess.run([sys.executable, "-m", "pyts.opinfo", "--ops", "add", "--dtypes", "int64", "--out", out,
                        "--update"], capture_output=True, text=True, env=env, timeout=900, cwd=root)
    assert r.returncode == 2 and "cannot read" in r.stderr
