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
    # timeout: generous, the two-dtype subset has taken more than 600 s on an overloaded shared machine
    # cwd: the folder holding the imported pyts (never a source checkout's unbuilt pyts/)
    return subprocess.run([sys.executable, "-m", "pyts.opinfo", *args], capture_output=True, text=True, env=env,
                          timeout=1500, cwd=root)


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("opinfo") / "board")
    r = run("--ops", ",".join(OPS), "--dtypes", "float32,int64", "--out", out, "--jobs", "2", "--max-samples", "6",
            "--quiet", "--timeout", "10", env_extra={"PYTS_OPINFO_FAULT": "cat@float32:2:segv,where@float32:1:hang"})
    assert r.returncode == 0, r.stdout + r.stderr
    return r, json.load(open(out + ".json")), open(out + ".md").read()


def test_subset_scoreboard(subset):
    r, doc, md = subset
    assert doc["meta"]["dtypes"] == ["float32", "int64"]
    assert set(doc["ops"]) == set(OPS)
    for key, o in doc["ops"].items():
        assert o["verdict"] in opinfo.VERDICTS, key
        assert set(o["dtypes"]) == {"float32", "int64"}, key
        for d, res in o["dtypes"].items():
            assert res["verdict"] in opinfo.VERDICTS and res["dtype"] == d, (key, d)
            assert res["samples"] == len(res["per_sample"]) == sum(res["counts"].values())
            assert res["samples"] <= 6
    ops = {k: o["dtypes"]["float32"] for k, o in doc["ops"].items()}
    i64 = {k: o["dtypes"]["int64"] for k, o in doc["ops"].items()}
    # int64 samples: integer results are compared exactly (torch.testing's default for integers)
    assert i64["add"]["verdict"] == "PASS" and i64["add"]["tested"] > 0 and i64["add"]["worst_abs"] == 0
    assert i64["sum"]["verdict"] == "PASS"
    # no fault planted in int64: cat runs clean there
    assert "C" not in i64["cat"]["per_sample"] and i64["cat"]["verdict"] == "PASS"
    # core ops pyts implements
    assert ops["add"]["verdict"] == "PASS" and ops["add"]["tested"] > 0
    assert ops["nn.functional.relu"]["verdict"] == "PASS"
    assert isinstance(ops["add"]["worst_abs"], (int, float))
    # a kernel pyts lacks is named
    svd = ops["linalg.svd"]
    if svd["verdict"] == "UNSUPPORTED-OP":
        assert "aten::linalg_svd" in svd["missing_ops"] and "aten::linalg_svd" in [m["op"] for m in doc["missing_kernels"]]
    t = doc["totals"]["float32"]
    assert t["ops"] == len(OPS) and t["samples"] == sum(o["samples"] for o in ops.values())
    assert doc["totals"]["int64"]["samples"] == sum(o["samples"] for o in i64.values())
    assert t["pass_percent"] == round(100.0 * t["ops_PASS"] / t["ops_tested"], 1)
    assert doc["meta"]["torch"] and doc["meta"]["pyts"] == pyts.__version__
    assert "| `add` | PASS | PASS |" in md and "| float32 | " in md and "| int64 | " in md
    assert "pyts.opinfo: float32: " in r.stdout and "pyts.opinfo: int64: " in r.stdout
    assert "tested ops PASS" in r.stdout


def test_a_crash_is_a_result(subset):
    _, doc, md = subset
    cat = doc["ops"]["cat"]["dtypes"]["float32"]
    assert cat["verdict"] == "CRASH"
    assert cat["per_sample"][2] == "C"
    assert cat["counts"]["CRASH"] == 1
    # the op resumed in a fresh worker after the sample that killed it
    assert len(cat["per_sample"]) == 6 and cat["per_sample"][3:] != ""
    assert "SIGSEGV" in cat["first_problem"]["message"]
    # and the other ops still ran
    assert doc["ops"]["sum"]["dtypes"]["float32"]["tested"] > 0
    assert doc["ops"]["cat"]["verdict"] == "CRASH"
    assert "| `cat` | CRASH " in md


def test_a_hang_is_a_crash_after_the_timeout(subset):
    _, doc, _ = subset
    where = doc["ops"]["where"]["dtypes"]["float32"]
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


def test_dtype_tolerances():
    """Per dtype: torch.testing's defaults (None: each leaf by its own dtype)
    unless the OpInfo declares an override for that dtype, never below the
    defaults."""
    import torch

    opinfo._stub_expecttest()
    from torch.testing._internal.common_device_type import tol, toleranceOverride
    from torch.testing._internal.opinfo.core import DecorateInfo

    class Op:
        decorators = [DecorateInfo(toleranceOverride({torch.float16: tol(atol=1e-2, rtol=2e-3),
                                                      torch.float32: tol(atol=1e-7, rtol=1e-8)}))]

    assert opinfo._tolerance(Op(), "float16") == (2e-3, 1e-2, "override")
    # an override below the defaults does not tighten them, and is not used
    assert opinfo._tolerance(Op(), "float32") == (None, None, "default")
    assert opinfo._tolerance(Op(), "int64") == (None, None, "default")
    assert opinfo.parse_dtypes("all") == opinfo.DTYPES
    assert opinfo.parse_dtypes("int8, bool") == ["int8", "bool"]
    with pytest.raises(ValueError):
        opinfo.parse_dtypes("float33")


def test_unknown_dtype_is_refused():
    r = run("--ops", "add", "--dtypes", "float33", "--out", "/nonexistent/x")
    assert r.returncode == 2 and "float33" in r.stderr


def test_tie_order_check():
    """sort/topk/kthvalue indices torch leaves unspecified among equal values:
    another valid answer passes, a wrong one does not."""
    import numpy as np
    import torch

    x = torch.tensor([[3, 1, 3, 2], [5, 5, 0, 5]])
    v, i = torch.sort(x, dim=1)
    ok = i.clone()
    ok[0, 2], ok[0, 3] = i[0, 3], i[0, 2]          # the two 3s swapped
    ok[1, 1], ok[1, 3] = i[1, 3], i[1, 1]          # two of the 5s swapped
    assert opinfo._indices_equivalent("sort", x, (v.numpy(), i.numpy()), (v.numpy(), ok.numpy()))
    assert opinfo._indices_equivalent("argsort", x, i.numpy(), ok.numpy())
    wrong = i.clone()
    wrong[0, 0], wrong[0, 1] = i[0, 1], i[0, 0]    # 1 and 2 swapped: other values
    assert not opinfo._indices_equivalent("sort", x, (v.numpy(), i.numpy()), (v.numpy(), wrong.numpy()))
    dup = i.clone()
    dup[0, 3] = i[0, 2]                            # the same 3 twice: not a permutation
    assert not opinfo._indices_equivalent("sort", x, (v.numpy(), i.numpy()), (v.numpy(), dup.numpy()))
    out = i.clone()
    out[1, 0] = 7                                  # out of range
    assert not opinfo._indices_equivalent("sort", x, (v.numpy(), i.numpy()), (v.numpy(), out.numpy()))
    # kthvalue over dim 0 without keepdim: indices one dim short
    y = torch.tensor([[2, 9], [2, 9], [1, 4]])
    kv, ki = torch.kthvalue(y, 2, dim=0)
    alt = ki.clone()
    alt[0] = 1 - ki[0] if ki[0] in (0, 1) else ki[0]
    assert opinfo._indices_equivalent("kthvalue", y, (kv.numpy(), ki.numpy()), (kv.numpy(), alt.numpy()))
    assert not opinfo._indices_equivalent("kthvalue", y, (kv.numpy(), ki.numpy()),
                                          (kv.numpy(), np.array([2, ki[1].item()])))
