"""The OpInfo scoreboard on a handful of ops (the full sweep is
`python -m pyts.opinfo`, documented in the README): JSON and Markdown
written, verdicts from the fixed set, and a worker that dies or hangs is a
CRASH result for that sample while the sweep goes on (the harness's own
PYTS_OPINFO_FAULT hook kills or hangs the worker; pyts is not involved)."""
import json
import os
import subprocess
import sys

import pytest

import pyts
from pyts import opinfo

OPS = ["add", "nn.functional.relu", "cat", "sum", "where", "linalg.svd"]


def run(*args, env_extra=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.update(env_extra or {})
    # cwd: the folder holding the imported pyts (never a source checkout's unbuilt pyts/)
    return subprocess.run([sys.executable, "-m", "pyts.opinfo", *args], capture_output=True, text=True, env=env,
                          timeout=600, cwd=root)


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("opinfo") / "board")
    r = run("--ops", ",".join(OPS), "--out", out, "--jobs", "2", "--max-samples", "6", "--quiet",
            "--timeout", "10", env_extra={"PYTS_OPINFO_FAULT": "cat:2:segv,where:1:hang"})
    assert r.returncode == 0, r.stdout + r.stderr
    return r, json.load(open(out + ".json")), open(out + ".md").read()


def test_subset_scoreboard(subset):
    r, doc, md = subset
    ops = doc["ops"]
    assert set(ops) == set(OPS)
    for key, o in ops.items():
        assert o["verdict"] in opinfo.VERDICTS, key
        assert o["samples"] == len(o["per_sample"]) == sum(o["counts"].values())
        assert o["samples"] <= 6
    # core ops pyts implements
    assert ops["add"]["verdict"] == "PASS" and ops["add"]["tested"] > 0
    assert ops["nn.functional.relu"]["verdict"] == "PASS"
    assert isinstance(ops["add"]["worst_abs"], (int, float))
    # a kernel pyts lacks is named
    svd = ops["linalg.svd"]
    if svd["verdict"] == "UNSUPPORTED-OP":
        assert "aten::linalg_svd" in svd["missing_ops"] and "aten::linalg_svd" in [m["op"] for m in doc["missing_kernels"]]
    t = doc["totals"]
    assert t["ops"] == len(OPS) and t["samples"] == sum(o["samples"] for o in ops.values())
    assert doc["meta"]["torch"] and doc["meta"]["pyts"] == pyts.__version__
    assert "| `add` | PASS |" in md and "| PASS |" in md
    assert "pyts.opinfo: " in r.stdout and "tested ops PASS" in r.stdout


def test_a_crash_is_a_result(subset):
    _, doc, _ = subset
    cat = doc["ops"]["cat"]
    assert cat["verdict"] == "CRASH"
    assert cat["per_sample"][2] == "C"
    assert cat["counts"]["CRASH"] == 1
    # the op resumed in a fresh worker after the sample that killed it
    assert len(cat["per_sample"]) == 6 and cat["per_sample"][3:] != ""
    assert "SIGSEGV" in cat["first_problem"]["message"]
    # and the other ops still ran
    assert doc["ops"]["sum"]["tested"] > 0


def test_a_hang_is_a_crash_after_the_timeout(subset):
    _, doc, _ = subset
    where = doc["ops"]["where"]
    assert where["per_sample"][1] == "C" and "timeout after 10s" in where["first_problem"]["message"]
    assert where["per_sample"][0] != "C" and len(where["per_sample"]) == 6


def test_op_selection():
    class Op:
        def __init__(self, name, variant=""):
            self.name, self.variant_test_name = name, variant

    db = [Op("add"), Op("max", "binary"), Op("max", "reduction_no_dim"), Op("sum")]
    assert opinfo.select_ops(db, ["max"]) == [(1, "max.binary"), (2, "max.reduction_no_dim")]
    assert opinfo.select_ops(db, ["max.binary", "sum"]) == [(1, "max.binary"), (3, "sum")]
    assert len(opinfo.select_ops(db)) == 4


def test_vectors_aligned_up_to_sign_only():
    """OUTPUT_ALIGN: pyts's singular vectors flipped column by column to torch's signs (the pair
    flipped together), full_matrices' null-space vectors dropped; anything else still differs."""
    import numpy as np

    a = np.random.default_rng(0).standard_normal((2, 3, 5))
    u, s, vh = np.linalg.svd(a, full_matrices=True)
    flip = np.array([1.0, -1.0, -1.0])
    # the pair flipped together, and the two null-space rows of Vh in another basis (here: negated)
    got = (u * flip, s, np.concatenate([vh[..., :3, :] * flip[:, None], -vh[..., 3:, :]], axis=-2))
    e2, g2 = opinfo.OUTPUT_ALIGN["linalg.svd"]((u, s, vh), got)
    assert g2[2].shape == (2, 3, 5) and e2[2].shape == (2, 3, 5)
    for x, y in zip(e2, g2):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
    # a flip of U's column without V's is a real difference: it stays
    bad = (u * flip, s, vh)
    e3, g3 = opinfo.OUTPUT_ALIGN["linalg.svd"]((u, s, vh), bad)
    assert not np.allclose(e3[2], g3[2])
    # eigh: eigenvector columns (output 1)
    w, q = np.linalg.eigh(a[0] @ a[0].T)
    e4, g4 = opinfo.OUTPUT_ALIGN["linalg.eigh"]((w, q), (w, -q))
    np.testing.assert_allclose(e4[1], g4[1], rtol=1e-12, atol=1e-12)
