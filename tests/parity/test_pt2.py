"""torch.export archives (.pt2): exported with torch.export.export, saved with
torch.export.save, run by ExportedProgram.module() and by pyts.load(...) on the
same inputs; every output leaf compared.  Plus the archives pyts must refuse
cleanly (truncated, unknown schema version, bad JSON, missing weights).

Tolerances: the small models (a few ops of fan-in <= 72) at torch.testing's
float32 defaults; whole torchvision networks at rtol = atol = 1e-4, the
model-level bound of tests/parity/models/test_models.py (float32 rounding
accumulated over ~20 layers of GEMM/conv with another summation order)."""
import io
import json
import zipfile

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.export import Dim, export, save

import pyts

NET_TOL = dict(rtol=1e-4, atol=1e-4)


def save_pt2(ep, tmp_path, name):
    path = str(tmp_path / (name + ".pt2"))
    save(ep, path)
    return path


def compare(got, want, where="output", **tol):
    """Same nesting (tuple/list/dict) and every tensor leaf close."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, np.ndarray), "%s: pyts gave %s, torch a tensor" % (where, type(got).__name__)
        torch.testing.assert_close(torch.from_numpy(np.array(got)), want.detach(), msg=lambda m: "%s: %s" % (where, m),
                                   **tol)
    elif isinstance(want, (tuple, list)):
        assert isinstance(got, type(want)) and len(got) == len(want), "%s: %r vs %r" % (where, type(got), type(want))
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, "%s[%d]" % (where, i), **tol)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), "%s: keys %r vs %r" % (where, list(got), list(want))
        for k in want:
            compare(got[k], want[k], "%s[%r]" % (where, k), **tol)
    else:
        assert got == want, "%s: %r vs %r" % (where, got, want)


def to_numpy(tree):
    if isinstance(tree, torch.Tensor):
        return tree.numpy()
    if isinstance(tree, (tuple, list)):
        return type(tree)(to_numpy(t) for t in tree)
    if isinstance(tree, dict):
        return {k: to_numpy(v) for k, v in tree.items()}
    return tree


def run_both(path, args, kwargs=None, **tol):
    """torch.export.load(path).module() and pyts.load(path) on the same inputs."""
    kwargs = kwargs or {}
    ref = torch.export.load(path).module()
    with torch.no_grad():
        want = ref(*args, **kwargs)
    got = pyts.load(path)(*to_numpy(args), **to_numpy(kwargs))
    compare(got, want, **tol)
    return got, want


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(4, 8)
        self.l2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.l2(torch.relu(self.l1(x)))


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1)


class Counter(nn.Module):
    """A buffer updated in place at every call, and a tuple output."""

    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.zeros(3))
        self.register_buffer("scale", torch.full((3,), 0.5), persistent=False)

    def forward(self, x):
        self.count.add_(1)
        return x * 2 + self.count * self.scale, x.sum()


class Nested(nn.Module):
    """Keyword arguments, a dict and a tuple in the output, a literal output."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x, pair, *, bias):
        h = self.lin(x) + bias
        return {"h": h, "pair": (pair[0] * pair[1], torch.cat([pair[0], pair[1]], 0))}, h.shape[1]


def seeded(model):
    torch.manual_seed(0)
    m = model()
    with torch.no_grad():  # BatchNorm statistics that are not the identity
        for name, b in m.named_buffers():
            if name.endswith("running_mean"):
                b.uniform_(-0.5, 0.5)
            elif name.endswith("running_var"):
                b.uniform_(0.5, 2.0)
    return m.eval()


def test_mlp(tmp_path):
    m = seeded(MLP)
    x = torch.randn(2, 4)
    path = save_pt2(export(m, (x,)), tmp_path, "mlp")
    run_both(path, (x,))
    p = pyts.load(path)
    assert isinstance(p, pyts.ExportedModule)
    assert p.schema_version[0] == 8 and p.dialect == "TRAINING"
    assert sorted(p.state_dict()) == sorted(m.state_dict())
    for k, v in m.state_dict().items():  # the weights, bit for bit
        np.testing.assert_array_equal(p.state_dict()[k], v.numpy())
    assert p.unsupported_ops() == []


def test_mlp_from_bytes_and_decomposed(tmp_path):
    m = seeded(MLP)
    x = torch.randn(3, 4)
    ep = export(m, (torch.randn(2, 4),), dynamic_shapes={"x": {0: Dim("batch")}}).run_decompositions()
    buf = io.BytesIO()
    save(ep, buf)
    p = pyts.load(buf.getvalue())
    assert p.dialect == "ATEN" and p.archive_prefix == "archive"
    with torch.no_grad():
        compare(p(x.numpy()), ep.module()(x))


@pytest.mark.parametrize("decompose", [False, True], ids=["training_ir", "aten_ir"])
def test_convbn_dynamic_batch(tmp_path, decompose):
    m = seeded(ConvBN)
    ep = export(m, (torch.randn(2, 3, 10, 10),), dynamic_shapes={"x": {0: Dim("batch", min=1, max=8)}})
    if decompose:
        ep = ep.run_decompositions()
    path = save_pt2(ep, tmp_path, "convbn")
    g = torch.Generator().manual_seed(1)
    for b in (1, 5):
        run_both(path, (torch.randn(b, 3, 10, 10, generator=g),))
    p = pyts.load(path)
    with pytest.raises(pyts.ExecutionError, match=r"dimension 0 is 9, outside the range \[1, 8\]"):
        p(np.zeros((9, 3, 10, 10), np.float32))
    with pytest.raises(pyts.ExecutionError, match=r"dimension 2 must be 10"):
        p(np.zeros((2, 3, 12, 10), np.float32))
    with pytest.raises(pyts.ArgumentError, match=r"dtype float32"):
        p(np.zeros((2, 3, 10, 10), np.float64))


@pytest.mark.parametrize("decompose", [False, True], ids=["training_ir", "aten_ir"])
def test_buffer_mutation(tmp_path, decompose):
    m = Counter()
    ep = export(m, (torch.randn(3),))
    if decompose:
        ep = ep.run_decompositions()
    path = save_pt2(ep, tmp_path, "counter")
    ref = torch.export.load(path).module()
    p = pyts.load(path)
    x = torch.randn(3)
    for _ in range(3):  # the buffer keeps its new value between calls, in both
        compare(p(x.numpy()), ref(x))
    np.testing.assert_array_equal(p.state_dict()["count"], np.full(3, 3, np.float32))
    np.testing.assert_array_equal(p.state_dict()["scale"], np.full(3, 0.5, np.float32))


def test_nested_inputs_and_outputs(tmp_path):
    m = seeded(Nested)
    g = torch.Generator().manual_seed(2)
    x, a, b, bias = (torch.randn(2, 4, generator=g) for _ in range(4))
    path = save_pt2(export(m, (x, (a, b)), {"bias": bias}), tmp_path, "nested")
    got, _ = run_both(path, (x, (a, b)), {"bias": bias})
    assert got[1] == 4
    p = pyts.load(path)
    with pytest.raises(pyts.ArgumentError, match=r"keyword arguments\['bias'\]: missing"):
        p(x.numpy(), (a.numpy(), b.numpy()))
    with pytest.raises(pyts.ArgumentError, match=r"expected 2 items"):
        p(x.numpy(), (a.numpy(),), bias=bias.numpy())


class Sym(nn.Module):
    """Symbolic sizes: sym_size and _operator nodes, a list-returning op (split),
    an int output computed from a dynamic size."""

    def forward(self, x, y):
        z = torch.cat([x, y], 0)
        a, b = torch.split(z, 3, dim=1)
        return z.t(), a.sum() + b.mean(), z.reshape(z.shape[0] * 2, -1), z.shape[0] // 2


def test_symbolic_sizes(tmp_path):
    n = Dim("n", min=2, max=8)
    ep = export(Sym(), (torch.randn(4, 6), torch.randn(4, 6)), dynamic_shapes={"x": {0: n}, "y": {0: n}})
    path = save_pt2(ep, tmp_path, "sym")
    g = torch.Generator().manual_seed(3)
    for rows in (2, 7):
        got, _ = run_both(path, (torch.randn(rows, 6, generator=g), torch.randn(rows, 6, generator=g)))
        assert got[3] == rows
    p = pyts.load(path)
    with pytest.raises(pyts.ExecutionError, match=r"input 'y' dimension 0 is 3 but input 'x' dimension 0 is 2"):
        p(np.zeros((2, 6), np.float32), np.zeros((3, 6), np.float32))


def test_assert_parity_export(tmp_path):
    from pyts.testing import assert_parity, check_parity

    x = torch.randn(3, 3, 10, 10)
    res = assert_parity(seeded(ConvBN), (x,), export="export")
    assert res.ok and res.export == "export" and res.tensors == 1
    path = save_pt2(export(Counter(), (torch.randn(3),)), tmp_path, "counter")
    res = check_parity(path, (torch.randn(3),))  # a .pt2 path: told apart by content
    assert res.ok and len(res.leaves) == 2


def test_export_checks_reach_the_listeners():
    """An export check is announced like a .pt one, so --pyts-report and the plugin's summary count it
    (they used to print "0 checks" for a run of export tests)."""
    from pyts import testing

    seen = []
    fn = testing.add_check_listener(seen.append)
    try:
        testing.assert_parity(seeded(ConvBN), (torch.randn(2, 3, 6, 6),), export="export")
    finally:
        testing.remove_check_listener(fn)
    assert len(seen) == 1 and seen[0]["export"] == "export" and seen[0]["ok"], seen
    assert seen[0]["seconds_total"] > 0


def test_cli(tmp_path):
    import os
    import subprocess
    import sys

    path = save_pt2(export(seeded(ConvBN), (torch.randn(2, 3, 10, 10),)), tmp_path, "convbn")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = lambda *a: subprocess.run([sys.executable, "-m", "pyts", *a], capture_output=True, text=True, env=env,
                                    cwd=str(tmp_path))
    r = run("check", path, "--input", "ones:2,3,10,10")
    assert r.returncode == 0 and "pyts parity OK" in r.stdout, r.stdout + r.stderr
    r = run("info", path)
    assert r.returncode == 0 and "torch.export program: schema 8." in r.stdout, r.stdout + r.stderr


torchvision = pytest.importorskip("torchvision")


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2"])
def test_torchvision(name, tmp_path):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    g = torch.Generator().manual_seed(1)
    ep = export(model, (torch.randn(2, 3, 64, 64, generator=g),), dynamic_shapes={"x": {0: Dim("batch", max=4)}})
    path = save_pt2(ep, tmp_path, name)
    for b in (1, 3):
        run_both(path, (torch.randn(b, 3, 64, 64, generator=g),), **NET_TOL)


# ---- archives pyts must refuse cleanly --------------------------------------------------


@pytest.fixture(scope="module")
def good_pt2(tmp_path_factory):
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp("pt2") / "good.pt2")
    save(export(MLP().eval(), (torch.randn(2, 4),)), path)
    return path


def rewrite(src, dst, edit):
    """Copy the zip, passing each (name, bytes) through edit (None drops it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            out = edit(info.filename, zin.read(info.filename))
            if out is not None:
                zout.writestr(info.filename, out)
    return dst


def edit_json(suffix, fn):
    def edit(name, data):
        if name.endswith(suffix):
            return json.dumps(fn(json.loads(data))).encode()
        return data
    return edit


def set_major(j):
    j["schema_version"]["major"] = 9
    return j


def bad_weight_cfg(j):
    j["config"]["l1.weight"]["tensor_meta"]["sizes"] = [{"as_int": 80}, {"as_int": 4}]
    return j


CASES = {
    "schema_major": (edit_json("models/model.json", set_major), r"schema version 9\.\d+; pyts reads major version 8"),
    "archive_version": (lambda n, d: b"1" if n.endswith("/archive_version") else d, r"archive_version \"1\""),
    "malformed_json": (lambda n, d: d[: len(d) // 2] if n.endswith("models/model.json") else d,
                       r"models/model.json is not valid JSON"),
    "missing_weight": (lambda n, d: None if n.endswith("data/weights/weight_0") else d,
                       r"weight record 'data/weights/weight_0' .* missing"),
    "weight_too_small": (edit_json("model_weights_config.json", bad_weight_cfg), r"l1\.weight"),
    "no_model_json": (lambda n, d: None if n.endswith("models/model.json") else d, r"no models/model.json"),
    "unknown_target": (lambda n, d: d.replace(b"torch.ops.aten.relu.default", b"torch.ops.aten.relu.nosuch")
                       if n.endswith("models/model.json") else d, None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_archive(good_pt2, tmp_path, case):
    edit, match = CASES[case]
    path = rewrite(good_pt2, str(tmp_path / "bad.pt2"), edit)
    if match is None:  # loads; the node that needs the missing op fails when run
        p = pyts.load(path)
        assert [u.op for u in p.unsupported_ops()] == ["aten::relu.nosuch"]
        with pytest.raises(pyts.UnsupportedOperatorError, match=r"aten\.relu\.nosuch"):
            p(np.zeros((2, 4), np.float32))
        return
    with pytest.raises(pyts.LoadError, match=match):
        pyts.load(path)


def test_truncated(good_pt2):
    data = open(good_pt2, "rb").read()
    for n in (0, 10, len(data) // 3, len(data) - 30):
        with pytest.raises(pyts.LoadError):
            pyts.load(data[:n])


def test_corrupted_variants(good_pt2):
    """Byte mutations of models/model.json and the weights config (rewritten
    with valid CRCs, so they reach the JSON reader and the schema checks), and
    truncations of the file: each variant loads or raises pyts.LoadError; one
    that loads runs or raises a pyts.Error (never a crash).  Deterministic."""
    import random

    data = open(good_pt2, "rb").read()
    with zipfile.ZipFile(good_pt2) as z:
        records = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    targets = [k for k, (n, _) in enumerate(records) if n.endswith(("model.json", "_config.json"))]
    rng = random.Random(13)
    variants = [data[:n] for n in range(0, len(data), max(1, len(data) // 60))]
    for _ in range(300):
        k = rng.choice(targets)
        b = bytearray(records[k][1])
        for _ in range(rng.choice((1, 1, 2, 4))):
            b[rng.randrange(len(b))] = rng.choice(b'"0,9[]{}:-.e' + bytes([rng.randrange(256)]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zout:
            for j, (n, d) in enumerate(records):
                zout.writestr(n, bytes(b) if j == k else d)
        variants.append(buf.getvalue())
    loaded = 0
    for v in variants:
        try:
            p = pyts.load(v)
        except pyts.LoadError:
            continue
        loaded += 1
        try:
            p(np.zeros((2, 4), np.float32))
        except pyts.Error:
            pass
    assert 0 < loaded < len(variants)
