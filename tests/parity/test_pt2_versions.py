""".pt2 archives written by torch 2.6 to 2.14 (tests/data/pt2_versions/<X.Y>/,
made by make_fixtures.py with each torch in a venv of its own): pyts runs each
and compares with what that torch's ExportedProgram.module() computed, stored
beside the archive (NAME.npz, structure in NAME.json).  No old torch needed.

The layouts differ by version (docs/pt2.md, "Archives of older torch"):
2.6/2.7 write a flat zip (serialized_exported_program.json, torch.save'd
state dict and constants), 2.8 a PT2 archive with torch.save'd payloads,
2.9 on raw weight records with a JSON config.  All write schema major 8.

Tolerance: torch.testing's float32 defaults (rtol 1.3e-6, atol 1e-5).  The
programs are tiny: every reduction has at most 72 terms (conv 2x3x3 = 18,
pool over 25, linear fan-in <= 8, softmax over 3) of magnitudes ~1, so two
correct float32 engines differ by at most about 2 * gamma_72 * sum|a b| ~
1e-5 (rounding-bounds.md), and in practice by ~sqrt(n) u, well inside it.
The reference numbers come from another torch build, so the bound, not an
exact match, is what may be asserted.
"""
import io
import json
import os
import zipfile

import numpy as np
import pytest
import torch

import pyts

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "pt2_versions")
VERSIONS = sorted((d for d in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, d))),
                  key=lambda v: tuple(int(x) for x in v.split(".")))
CASES = [(v, f[:-4]) for v in VERSIONS for f in sorted(os.listdir(os.path.join(ROOT, v))) if f.endswith(".pt2")]

# SCHEMA_VERSION of torch/_export/serde/schema.py in each release
SCHEMA = {"2.6": (8, 2), "2.7": (8, 7), "2.8": (8, 8), "2.9": (8, 14), "2.10": (8, 15), "2.11": (8, 17),
          "2.12": (8, 20), "2.13": (8, 20), "2.14": (8, 20)}


def build(tree, arrays):
    """Rebuild a recorded value (see make_fixtures.flat) with numpy leaves."""
    kind, val = tree
    if kind == "tensor":
        return arrays[val]
    if kind in ("tuple", "list"):
        items = [build(t, arrays) for t in val]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {k: build(t, arrays) for k, t in val}
    return val


def compare(got, tree, arrays, where):
    kind, val = tree
    if kind == "tensor":
        want = arrays[val]
        assert isinstance(got, np.ndarray), "%s: pyts gave %s, torch an array" % (where, type(got).__name__)
        assert got.dtype == want.dtype and got.shape == want.shape, "%s: %s%s vs torch %s%s" % (
            where, got.dtype, got.shape, want.dtype, want.shape)
        torch.testing.assert_close(torch.from_numpy(np.array(got)), torch.from_numpy(want),
                                   msg=lambda m: "%s: %s" % (where, m))
    elif kind in ("tuple", "list"):
        assert isinstance(got, tuple if kind == "tuple" else list) and len(got) == len(val), \
            "%s: %r vs torch %s of %d" % (where, got, kind, len(val))
        for i, (g, t) in enumerate(zip(got, val)):
            compare(g, t, arrays, "%s[%d]" % (where, i))
    elif kind == "dict":
        assert isinstance(got, dict) and list(got) == [k for k, _ in val], "%s: %r" % (where, got)
        for k, t in val:
            compare(got[k], t, arrays, "%s[%r]" % (where, k))
    else:
        assert got == val and type(got).__name__ == kind, "%s: %r vs torch %r" % (where, got, val)


def fixture(version, name):
    base = os.path.join(ROOT, version, name)
    with open(base + ".json") as f:
        meta = json.load(f)
    with np.load(base + ".npz") as z:
        arrays = {k: z[k] for k in z.files}
    return base + ".pt2", meta, arrays


def test_every_version_present():
    """The versions the fixtures cover; each directory's archives were written by that torch."""
    assert {"2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"} <= set(VERSIONS)
    for v in VERSIONS:
        names = [n for vv, n in CASES if vv == v]
        assert {"mlp", "convnet_dynbatch", "counter", "counter_aten", "pytree", "attn", "dynseq"} <= set(names), v
        for n in names:
            _, meta, _ = fixture(v, n)
            assert meta["torch"].startswith(v + "."), (v, n, meta["torch"])


@pytest.mark.parametrize("version,name", CASES, ids=["%s-%s" % c for c in CASES])
def test_archive(version, name):
    path, meta, arrays = fixture(version, name)
    m = pyts.load(path)
    sv = meta["schema_version"]
    assert m.schema_version == (sv["major"], sv["minor"]) == SCHEMA[version]
    assert m.dialect == meta["dialect"]
    for i, call in enumerate(meta["calls"]):  # in order: mutated buffers carry over
        got = m(*build(call["args"], arrays), **build(call["kwargs"], arrays))
        compare(got, call["out"], arrays, "%s %s call %d" % (version, name, i))


def test_dynamic_range_enforced_in_old_archives():
    """The range constraints of a 2.6 and a 2.8 archive are honoured as in 2.14's."""
    for v in ("2.6", "2.8"):
        m = pyts.load(os.path.join(ROOT, v, "convnet_dynbatch.pt2"))
        with pytest.raises(pyts.ExecutionError, match=r"dimension 0 is 9, outside the range \[1, 8\]"):
            m(np.zeros((9, 2, 5, 5), np.float32))
        with pytest.raises(pyts.ExecutionError, match="dimension 1 must be 2"):
            m(np.zeros((2, 3, 5, 5), np.float32))


def test_state_of_pickled_payloads():
    """Weights and constants of the torch.save'd payloads (2.6, 2.8) are the same tensors as the raw
    records of 2.14 wrote for the same seeded module."""
    want = pyts.load(os.path.join(ROOT, "2.14", "pytree.pt2")).state_dict()
    for v in ("2.6", "2.8"):
        got = pyts.load(os.path.join(ROOT, v, "pytree.pt2")).state_dict()
        assert sorted(got) == sorted(want), v
        for k in want:
            np.testing.assert_array_equal(got[k], want[k], err_msg="%s %s" % (v, k))


# ---- archives pyts must refuse cleanly ------------------------------------------------------------


def rewrite(path, change):
    """A copy of the zip at `path` with change(name, data) -> data (None: drop the record)."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return out.getvalue()


def load_bytes(tmp_path, data, name="bad.pt2"):
    p = tmp_path / name
    p.write_bytes(data)
    return pyts.load(str(p))


def test_schema_major_7_names_the_version(tmp_path):
    """A graph of schema major 7 (torch <= 2.5) is refused naming the version and the torch that wrote it."""
    def change(name, data):
        if name == "serialized_exported_program.json":
            d = json.loads(data.replace(b"-Infinity", b'"-Infinity"'))
            d["schema_version"] = {"major": 7, "minor": 3}
            d["torch_version"] = "2.5.1"
            return json.dumps(d)
        return data
    with pytest.raises(pyts.LoadError, match=r"schema version 7\.3; pyts reads major version 8 .*written by torch 2\.5\.1"):
        load_bytes(tmp_path, rewrite(os.path.join(ROOT, "2.6", "mlp.pt2"), change))


@pytest.mark.parametrize("version,record", [("2.6", "serialized_state_dict.pt"), ("2.8", "mlp/data/weights/model.pt")])
def test_bad_pickled_payload(tmp_path, version, record):
    src = os.path.join(ROOT, version, "mlp.pt2")
    with zipfile.ZipFile(src) as z:
        good = z.read(record)
    inner_pkl = [n for n in zipfile.ZipFile(io.BytesIO(good)).namelist() if n.endswith("data.pkl")][0]
    short = record.split("/", 1)[1] if version == "2.8" else record

    # not a zip at all; a truncated zip
    for bad in (b"not a zip", good[: len(good) // 2]):
        with pytest.raises(pyts.LoadError, match=short):
            load_bytes(tmp_path, rewrite(src, lambda n, d: bad if n == record else d))

    # a weight record of the inner archive missing
    def drop_storage(n, d):
        if n != record:
            return d
        return rewrite(io.BytesIO(good), lambda nn, dd: None if "/data/0" in nn else dd)
    with pytest.raises(pyts.LoadError, match="data/0"):
        load_bytes(tmp_path, rewrite(src, drop_storage))

    # a pickle that is not a dict of tensors; a forbidden global
    for pkl, msg in ((b"\x80\x02]q\x00.", "not a dict of tensors"),
                     (b"\x80\x02}q\x00X\x01\x00\x00\x00aK\x01s.", "'a' is a int"),
                     (b"\x80\x02cos\nsystem\nq\x00.", "forbidden global 'os.system'")):
        def swap(n, d, pkl=pkl):
            if n != record:
                return d
            return rewrite(io.BytesIO(good), lambda nn, dd: pkl if nn == inner_pkl else dd)
        with pytest.raises(pyts.LoadError, match=msg):
            load_bytes(tmp_path, rewrite(src, swap))


def test_legacy_without_state_dict_names_the_weight(tmp_path):
    """A 2.6 archive whose serialized_state_dict.pt is gone: the first parameter is named as missing."""
    data = rewrite(os.path.join(ROOT, "2.6", "mlp.pt2"), lambda n, d: None if n == "serialized_state_dict.pt" else d)
    with pytest.raises(pyts.LoadError, match="'l1.weight' is in the signature but not in the weights"):
        load_bytes(tmp_path, data)


def test_flat_zip_needs_the_legacy_first_record(tmp_path):
    """Only torch 2.6/2.7's zip may lack the top-level folder: another flat zip is refused as before."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("version", "8.2")
        z.writestr("serialized_exported_program.json", "{}")
    with pytest.raises(pyts.LoadError, match="not inside a top-level folder"):
        load_bytes(tmp_path, out.getvalue())


def test_parity_check_of_an_old_archive(tmp_path):
    """pyts.testing.check_parity takes a 2.6 archive for a .pt2 (by content) and runs it with the
    installed torch's torch.export.load, which still reads that layout."""
    from pyts.testing import check_parity

    path, meta, arrays = fixture("2.6", "mlp")
    res = check_parity(path, (torch.from_numpy(arrays["c0/args/0"]),))
    assert res.ok and len(res.leaves) == 1, res
