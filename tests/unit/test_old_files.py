"""Archives written by torch 1.13 (Debian's python3-torch), committed with the
values torch computed (tests/data/make_old_fixtures.py): pyts loads them with
the same exactness, no torch needed."""
import json
import os

import numpy as np
import pytest

import pyts

OLD = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "torch113")
NAMES = sorted(f[:-3] for f in os.listdir(OLD) if f.endswith(".pt"))


def expected(name):
    arrays = dict(np.load(os.path.join(OLD, name + ".npz")))
    with open(os.path.join(OLD, name + ".json")) as f:
        meta = json.load(f)
    return arrays, meta


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_matches_torch_1_13(name):
    arrays, _ = expected(name)
    m = pyts.load(os.path.join(OLD, name + ".pt"))
    sd = m.state_dict()
    want = {k[len("state/"):]: v for k, v in arrays.items() if k.startswith("state/")}
    assert list(sd) == list(want)
    for k, v in want.items():
        assert sd[k].dtype == v.dtype and sd[k].shape == v.shape, k
        assert np.ascontiguousarray(sd[k]).tobytes() == np.ascontiguousarray(v).tobytes(), k


def test_attributes_match_torch_1_13():
    _, meta = expected("attrs")
    m = pyts.load(os.path.join(OLD, "attrs.pt"))
    for k, v in meta["attrs"].items():
        got = getattr(m, k)
        if isinstance(got, tuple):
            got = list(got)  # JSON has no tuples
        assert got == v, k
    assert m.file_version == 3


def test_versions_are_read():
    versions = {n: pyts.load(os.path.join(OLD, n + ".pt")).file_version for n in NAMES}
    assert versions["intdiv"] == 4 and versions["intdiv_v3"] == 3
    assert versions["full_nodtype"] == 5 and versions["full_nodtype_v4"] == 4
