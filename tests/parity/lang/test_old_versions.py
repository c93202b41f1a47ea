"""Files written by torch 1.13 (tests/data/torch113, with what 1.13 computed
in NAME.npz): pyts runs their forward with the upgraders of old file
versions applied (integer div truncates below version 4, full() without a
dtype makes floats below version 5) and gets torch 1.13's output."""
import json
import os

import numpy as np
import pytest

pyts = pytest.importorskip("pyts")
from pyts._compare import assert_close  # noqa: E402

OLD = os.path.join(os.path.dirname(__file__), "..", "..", "data", "torch113")
NAMES = ["intdiv", "intdiv_v3", "full_nodtype", "full_nodtype_v4", "controlflow", "smallnet_traced"]


@pytest.mark.parametrize("name", NAMES)
def test_forward_matches_torch_1_13(name):
    path = os.path.join(OLD, name + ".pt")
    if not os.path.exists(path):
        pytest.skip("fixture missing")
    with open(os.path.join(OLD, name + ".json")) as f:
        meta = json.load(f)
    ref = np.load(os.path.join(OLD, name + ".npz"))
    scalars = {int(k): v for k, v in meta.get("scalar_inputs", {}).items()}
    args = []
    for i in range(meta.get("num_inputs", 0)):
        args.append(scalars[i] if i in scalars else ref["input_%d" % i])
    m = pyts.load(path)
    out = np.asarray(m.forward(*args))
    want = ref["output"]
    assert out.dtype == want.dtype, (out.dtype, want.dtype)
    assert out.shape == want.shape
    assert_close(out, want, rtol=1.3e-6, atol=1e-5)
