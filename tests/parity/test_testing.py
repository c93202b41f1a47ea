"""pyts.testing.assert_parity: passes on real models, fails with the full
per-leaf report on a model whose outputs truly differ between the engines,
and localizes the first diverging op.

How the failing case is made honest.  No test-only hook changes what either
engine computes: both engines load the same file and run their own kernels.
pyts's float32 kernels for transcendental functions (tanh, sigmoid, erf,
log, ...) are accurate to an ulp or so but are not bit-identical with
torch's SLEEF/libm versions; with rtol = atol = 0 that is a real,
deterministic divergence between the two engines.  The model puts one such
op deep inside 100 layers of ops that are exact in both engines (relu, neg,
sub), so the first op that differs can only be that one, and the
localization must name it, with its schema and its line in code/.  Which
transcendental op is used is chosen at run time: the first candidate whose
pyts kernel (run through pyts._C.call_op) is not bit-identical with torch on
the very values it will receive; if pyts ever matches torch bit for bit on
all candidates, those tests skip rather than pretend."""
import json
import math
import os

import numpy as np
import pytest
import torch

import pyts
from pyts import _C
from pyts._report import compare_leaf
from pyts.testing import ParityError, ParityResult, assert_parity, check_parity

CANDIDATES = [("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("erf", torch.erf), ("log", torch.log),
              ("exp", torch.exp), ("sin", torch.sin), ("cos", torch.cos)]
DEPTH = 100
AT = 73


def _input(seed=0, shape=(4, 16)):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) * 2 + 0.1   # positive, so log is defined


def divergent_op(x):
    """(name, fn) of the first candidate op whose pyts result on x is not
    bit-identical with torch's, or None."""
    for name, fn in CANDIDATES:
        got = _C.call_op("aten::" + name, x.numpy().copy())
        if not np.array_equal(np.asarray(got), fn(x).numpy()):
            return name, fn
    return None


class Exact(torch.nn.Module):
    """relu(x) - relu(-x) == x, computed with ops that are exact in any engine."""

    def forward(self, x):
        return torch.relu(x) - torch.relu(-x)


class Op(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class Deep(torch.nn.Module):
    def __init__(self, fn, depth=DEPTH, at=AT):
        super().__init__()
        self.layers = torch.nn.ModuleList([Op(fn) if i == at else Exact() for i in range(depth)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


@pytest.fixture(scope="module")
def divergent():
    found = divergent_op(_input())
    if found is None:
        pytest.skip("pyts is bit-identical with torch on every candidate op: no real divergence to test with")
    return found


class SmallCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1))
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class Detector(torch.nn.Module):
    """Nested dict / tuple / list outputs, ints and tensors, with control flow."""

    def __init__(self):
        super().__init__()
        self.backbone = torch.nn.Conv2d(3, 4, 3)
        self.head = torch.nn.Linear(4, 6)

    def forward(self, x):
        f = torch.relu(self.backbone(x))
        pooled = f.mean((2, 3))
        boxes = self.head(pooled).view(-1, 3, 2)
        scores = torch.softmax(pooled, dim=1)
        if bool(scores.sum() > 0):
            scores = scores * 2
        out = {"boxes": boxes, "scores": scores}
        return f.shape[1], out, [pooled, torch.argmax(scores, dim=1)]


# ---- passing on real models -----------------------------------------------------------------

def test_small_cnn_traced_passes():
    torch.manual_seed(0)
    res = assert_parity(SmallCNN().eval(), (torch.randn(2, 3, 16, 16),))
    assert isinstance(res, ParityResult) and res.ok
    assert res.export == "trace" and len(res.leaves) == 1
    leaf = res.leaves[0]
    assert leaf.path == "output" and leaf.torch_shape == leaf.pyts_shape == [2, 10]
    assert leaf.torch_dtype == "float32" and leaf.mismatched == 0
    assert (leaf.rtol, leaf.atol) == (1.3e-6, 1e-5)          # torch.testing's float32 defaults
    assert res.worst_abs is not None and res.worst_abs < 1e-5
    json.dumps(res.to_dict(), allow_nan=False)                # standard JSON
    assert "pyts parity OK" in res.report()


def test_nested_outputs_scripted_every_leaf():
    torch.manual_seed(0)
    res = assert_parity(Detector().eval(), (torch.randn(2, 3, 9, 9),), export="script")
    paths = [l.path for l in res.leaves]
    assert paths == ["output[0]", "output[1]['boxes']", "output[1]['scores']", "output[2][0]", "output[2][1]"]
    assert res.leaves[0].kind == "scalar" and res.leaves[0].torch_value == 4
    assert res.leaves[4].torch_dtype == "int64" and (res.leaves[4].rtol, res.leaves[4].atol) == (0.0, 0.0)
    assert res.tensors == 4


def test_saved_file_and_scripted_module(tmp_path):
    torch.manual_seed(0)
    scripted = torch.jit.script(Detector().eval())
    x = torch.randn(1, 3, 8, 8)
    assert assert_parity(scripted, (x,)).ok
    path = str(tmp_path / "det.pt")
    torch.jit.save(scripted, path)
    res = assert_parity(path, x)            # one tensor: a single argument
    assert res.ok and res.path == path and res.export is None


def test_tolerances_must_come_together():
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        assert_parity(SmallCNN().eval(), (torch.randn(1, 3, 8, 8),), rtol=1e-3)


# ---- failing, with the report -----------------------------------------------------------------

def test_mismatch_reports_every_leaf_and_pins_the_op_in_100_layers(divergent):
    name, fn = divergent
    x = _input()
    model = Deep(fn).eval()
    with pytest.raises(ParityError) as info:
        assert_parity(model, (x,), rtol=0, atol=0)
    err = info.value
    assert isinstance(err, AssertionError)
    msg = str(err)
    res = err.result
    assert not res.ok and len(res.failing) == 1
    leaf = res.failing[0]
    # the per-leaf report, torch.testing's wording plus both values and the tolerance that would pass
    assert "output: Tensor-likes are not equal!" in msg
    assert "torch: (4, 16) float32   pyts: (4, 16) float32" in msg
    assert "Mismatched elements: %d / 64 (" % leaf.mismatched in msg
    assert "Greatest absolute difference: " in msg and "(torch " in msg and ", pyts " in msg
    assert "Greatest relative difference: " in msg
    assert "Tolerance used: rtol=0.0, atol=0.0 (given)" in msg
    assert "Smallest tolerance that passes: atol=" in msg
    # the suggested tolerance really is the smallest that passes
    got = torch.from_numpy(pyts.load(_saved(model, x)).forward(x.numpy()))
    exp = model(x)
    torch.testing.assert_close(got, exp, rtol=0, atol=leaf.need_atol)
    with pytest.raises(AssertionError):
        torch.testing.assert_close(got, exp, rtol=0, atol=leaf.need_atol * 0.99)
    # localization: the op deep inside, with schema, code/ line and module path
    loc = res.localization
    first = loc.first
    assert first is not None and first.verdict == "MISMATCH"
    assert first.op == "aten::" + name
    assert first.schema.startswith("aten::%s(Tensor self) -> Tensor" % name)
    # torch's module hierarchy of the inlined call (a ModuleList is not a call, so "73")
    assert first.module_path.split(".")[-1] == str(AT)
    assert first.code_file.startswith("code/__torch__/") and first.code_line > 0
    assert "torch.%s(" % name in first.code_text
    assert first.order == 4 * AT + 1                          # 4 exact ops per layer before it
    assert loc.counts["OK"] >= 4 * AT
    assert "First diverging op #%d: aten::%s(Tensor self) -> Tensor" % (first.order, name) in msg
    assert "at %s:%d" % (first.code_file, first.code_line) in msg
    assert "module: %s" % first.module_path in msg
    assert "input self: Tensor (4, 16) float32 min" in msg
    assert "output 0 torch: Tensor (4, 16) float32" in msg


def _saved(model, x):
    import io

    buf = io.BytesIO()
    torch.jit.save(torch.jit.trace(model, (x,)), buf)
    return buf.getvalue()


def test_all_failing_leaves_are_reported(divergent):
    name, fn = divergent

    class Two(torch.nn.Module):
        def forward(self, x):
            y = fn(x)
            return y, {"k": y * 2.0, "same": torch.relu(x)}

    res = check_parity(Two(), (_input(),), rtol=0, atol=0)
    assert not res.ok
    assert [l.path for l in res.failing] == ["output[0]", "output[1]['k']"]
    msg = res.report()
    assert "output[0]: Tensor-likes are not equal!" in msg and "output[1]['k']: Tensor-likes are not equal!" in msg
    assert "2 of 3 output leaves" in msg
    assert res.localization.first.op == "aten::" + name


def test_localization_follows_loops_and_branches(divergent):
    """A scripted model: the op runs inside a loop, on one iteration only."""
    name, fn = divergent
    src = """
def f(x):
    for i in range(5):
        if i == 3:
            x = torch.%s(x)
        else:
            x = torch.relu(x) - torch.relu(-x)
    return x
""" % name
    cu = torch.jit.CompilationUnit(src)
    with pytest.raises(ParityError) as info:
        assert_parity(cu.f, (_input(),), rtol=0, atol=0)
    first = info.value.result.localization.first
    assert first.op == "aten::" + name and first.execution == 1
    assert first.order == 3 * 5 + 2       # per iteration: aten::eq.int, then relu, neg, relu, sub
    assert "torch.%s(" % name in first.code_text


def test_unsupported_op_is_reported_not_a_crash():
    """Dropout in training mode with the two engines' generators not seeded
    alike (seed=None): the check fails and the localization names the op
    as the first diverging op, nondeterministic (or, were dropout refused,
    lists it as UNSUPPORTED)."""

    class Noisy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(8, 8)
            self.drop = torch.nn.Dropout(0.5)

        def forward(self, x):
            return torch.tanh(self.drop(self.fc(x)))

    torch.manual_seed(0)
    pyts.manual_seed(1)
    with pytest.raises(ParityError) as info:
        # seed=None: the engines' generators are left as they are (not seeded alike)
        assert_parity(Noisy().train(), (torch.randn(4, 8),), seed=None)
    res = info.value.result
    loc = res.localization
    if res.stage == "run":
        assert res.error_type == "UnsupportedOperatorError"
        assert "aten::dropout" in loc.unsupported
        assert "UNSUPPORTED in pyts" in str(info.value) and "aten::dropout" in str(info.value)
    else:
        assert loc.first.op == "aten::dropout" and loc.first.nondeterministic


class UsesMissingOp(torch.nn.Module):
    """torch runs it; pyts loads it (as torch does) but lacks the op it calls."""

    def forward(self, x):
        return torch.fft.fft(x) + 1.0


class BranchToMissingOp(torch.nn.Module):
    """The op pyts lacks sits in a branch this input does not take."""

    def forward(self, x, exotic: bool):
        if exotic:
            return torch.fft.fft(x)
        return torch.tanh(x) + 1.0


def test_a_missing_op_the_run_reaches_is_a_run_failure_listed_in_the_report(tmp_path):
    """A file torch loads and runs, calling an op pyts lacks: pyts loads it too
    (unsupported_ops lists the op); the run reaching the op is a parity failure
    (ParityError, stage "run") naming pyts's exception and the op's line."""
    x = _input()
    with pytest.raises(ParityError, match=r"pyts parity FAILED: pyts could not run UsesMissingOp\.forward: "
                                          r"UnsupportedOperatorError: pyts does not implement "
                                          r"aten::fft_fft \(called at code/__torch__/[\w/]+\.py:\d+") as info:
        assert_parity(UsesMissingOp().eval(), (x,), export="script", localize=False)
    res = info.value.result
    assert not res.ok and res.stage == "run" and res.error_type == "UnsupportedOperatorError"
    assert "aten::fft_fft" in res.error and res.leaves == []
    assert res.pyts_output is None and torch.equal(res.torch_output, torch.fft.fft(x) + 1.0)
    (u,) = res.unsupported_ops
    assert u.op == "aten::fft_fft" and u.location in res.error
    report = str(info.value)
    assert "unsupported operators (pyts lacks them; a run reaching one fails): 1\n    aten::fft_fft at " \
           "%s\n" % u.location in report + "\n"
    d = res.to_dict()
    assert d["unsupported_ops"] == [{"op": u.op, "location": u.location}] and d["stage"] == "run"
    json.dumps(d)


def test_a_missing_op_the_run_does_not_reach_passes_and_is_reported(tmp_path):
    x = _input()
    res = assert_parity(torch.jit.script(BranchToMissingOp().eval()), (x, False), localize=False)
    assert res.ok and res.stage is None and len(res.leaves) == 1
    (u,) = res.unsupported_ops
    assert u.op == "aten::fft_fft"
    assert "pyts parity OK" in res.report()
    assert "unsupported operators (pyts lacks them; a run reaching one fails): 1" in res.report()
    assert "aten::fft_fft at %s" % u.location in res.report()
    assert res.to_dict()["unsupported_ops"] == [{"op": u.op, "location": u.location}]
    # the other branch reaches it: a run failure
    bad = check_parity(torch.jit.script(BranchToMissingOp().eval()), (x, True), localize=False)
    assert not bad.ok and bad.stage == "run" and bad.error_type == "UnsupportedOperatorError"
    assert bad.unsupported_ops == res.unsupported_ops


def test_a_module_pyts_has_every_op_of_reports_none():
    res = assert_parity(torch.nn.Linear(16, 3).eval(), (_input(),), localize=False)
    assert res.unsupported_ops == [] and "unsupported operators" not in res.report()
    assert res.to_dict()["unsupported_ops"] == []


def test_pyts_load_error_is_a_parity_failure(tmp_path, monkeypatch):
    """A file torch loads and runs but pyts refuses to load: a parity
    failure (ParityError, stage "load") naming pyts's exception, not a crash."""
    import pyts.testing as pt

    def refuse(path):
        raise pyts.LoadError("%s: refused for the test" % path)

    monkeypatch.setattr(pt, "pyts_load", refuse)
    x = _input()
    with pytest.raises(ParityError, match=r"pyts parity FAILED: pyts could not load UsesMissingOp\.forward: "
                                          r"LoadError: .*refused for the test") as info:
        assert_parity(UsesMissingOp().eval(), (x,), export="script", localize=False)
    res = info.value.result
    assert not res.ok and res.stage == "load" and res.error_type == "LoadError"
    assert res.leaves == [] and res.unsupported_ops == []
    assert res.pyts_output is None and torch.equal(res.torch_output, torch.fft.fft(x) + 1.0)


def test_file_torch_cannot_load_is_not_a_parity_result(tmp_path):
    path = tmp_path / "bad.pt"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    # torch cannot load it either: that is the caller's problem (torch's own error), not a parity result
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive") as info:
        check_parity(str(path), (torch.ones(1),))
    assert not isinstance(info.value, ParityError)


# ---- the comparison core -------------------------------------------------------------------------

def test_leaf_statistics_follow_torch_testing():
    exp = np.array([[1.0, 2.0, 3.0], [4.0, 6.5, 6.0]], dtype=np.float32)
    got = exp.copy()
    got[1, 1] = 7.0
    r = compare_leaf("output", exp, got)
    assert not r.passed and r.mismatched == 1 and r.numel == 6
    assert r.max_abs == 0.5 and tuple(r.max_abs_index) == (1, 1)
    assert r.max_abs_torch == 6.5 and r.max_abs_pyts == 7.0
    assert math.isclose(r.max_rel, 0.5 / 6.5)
    text = r.describe()
    assert "Mismatched elements: 1 / 6 (16.7%)" in text
    assert "Greatest absolute difference: 0.5 at index (1, 1) (torch 6.5, pyts 7.0) (up to 1e-05 allowed)" in text
    assert "(up to 1.3e-06 allowed)" in text
    # the smallest tolerances that pass, each with the other kept
    torch.testing.assert_close(torch.from_numpy(got), torch.from_numpy(exp), rtol=r.rtol, atol=r.need_atol)
    torch.testing.assert_close(torch.from_numpy(got), torch.from_numpy(exp), rtol=r.need_rtol, atol=r.atol)


def test_leaf_nan_inf_shape_dtype_and_ints():
    a = np.array([1.0, np.nan, np.inf, -np.inf], dtype=np.float32)
    assert compare_leaf("o", a, a.copy()).passed                     # NaN == NaN: parity
    b = a.copy()
    b[2] = -np.inf
    r = compare_leaf("o", a, b)
    assert not r.passed and r.nonfinite == 1 and math.isinf(r.need_atol)
    assert "No tolerance passes" in r.describe()
    r = compare_leaf("o", np.zeros((2, 3), np.float32), np.zeros((3, 2), np.float32))
    assert not r.passed and "attribute 'shape'" in r.problem
    r = compare_leaf("o", np.zeros(3, np.float32), np.zeros(3, np.float64))
    assert not r.passed and "attribute 'dtype'" in r.problem
    r = compare_leaf("o", np.array([1, 2, 3]), np.array([1, 2, 4]))
    assert not r.passed and (r.rtol, r.atol) == (0.0, 0.0)
    assert "Tensor-likes are not equal!" in r.describe()
    assert compare_leaf("o", 3, 3).passed and not compare_leaf("o", 3, 3.0).passed
    assert not compare_leaf("o", np.zeros(2, np.float32), 0.0).passed


# ---- the one comparison core (pyts._compare) -------------------------------------------------------

def test_core_walks_nested_torch_and_numpy_outputs():
    from pyts._compare import compare

    exp = (torch.ones(2, 3), {"boxes": torch.zeros(4, 2, dtype=torch.int64), "name": "x"}, [1.5, None])
    got = (np.ones((2, 3), np.float32), {"boxes": np.zeros((4, 2), np.int64), "name": "x"}, [1.5, None])
    leaves = compare(exp, got)
    assert [l.path for l in leaves] == ["output[0]", "output[1]['boxes']", "output[1]['name']", "output[2][0]",
                                        "output[2][1]"]
    assert all(l.passed for l in leaves)
    got[1]["boxes"][3, 1] = 7
    bad = [l for l in compare(exp, got) if not l.passed]
    assert [l.path for l in bad] == ["output[1]['boxes']"]
    assert bad[0].max_abs_index == (3, 1) and bad[0].max_abs_pyts == 7 and bad[0].max_abs_torch == 0
    assert "output[1]['boxes']: Tensor-likes are not equal!" in bad[0].text()
    # a list where torch has a tuple: a structural difference, unless asked not to care
    assert not all(l.passed for l in compare((torch.ones(1),), [np.ones(1, np.float32)]))
    assert all(l.passed for l in compare((torch.ones(1),), [np.ones(1, np.float32)], strict_sequences=False))
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        compare(torch.ones(1), np.ones(1, np.float32), rtol=1e-3)


def test_core_scalars_exact_when_asked_and_big_ints_exact():
    from pyts._compare import compare

    assert all(l.passed for l in compare(0.1 + 0.2, 0.3))                  # float64 defaults
    assert not all(l.passed for l in compare(0.1 + 0.2, 0.3, exact_scalars=True))
    assert not all(l.passed for l in compare(2 ** 62 + 1, 2 ** 62))       # beyond float64's 2**53
    assert not all(l.passed for l in compare(True, 1))                    # type differs


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
def test_core_verdicts_are_torch_testings_at_the_boundary(dtype):
    """Values placed right at |a - e| == atol + rtol * |e| (where rounding
    decides): every element's verdict is torch.isclose's, so the core passes
    and fails exactly where torch.testing.assert_close does."""
    from pyts._compare import DEFAULT_TOLERANCES, compare

    rtol, atol = DEFAULT_TOLERANCES[str(dtype).replace("torch.", "")]
    g = torch.Generator().manual_seed(0)
    e = (torch.rand(4000, generator=g, dtype=torch.float64) * 8 - 4)
    bound = atol + rtol * e.abs()
    step = torch.rand(4000, generator=g, dtype=torch.float64) * 0.2 + 0.9     # 0.9 .. 1.1 of the bound
    e_t = e.to(dtype)
    a_t = (e + bound * step).to(dtype)
    want = torch.isclose(a_t, e_t, rtol=rtol, atol=atol, equal_nan=True)
    assert 0 < int(want.sum()) < 4000                                    # both outcomes occur
    for cut in (slice(0, 4000), slice(0, 1)):
        leaf, = compare(e_t[cut], a_t[cut].numpy())
        assert leaf.mismatched == int((~want[cut]).sum())
        ok = True
        try:
            torch.testing.assert_close(a_t[cut], e_t[cut])
        except AssertionError:
            ok = False
        assert leaf.passed == ok


def test_public_api_is_typed_and_documented():
    """Every name in pyts.testing.__all__ has a docstring, callables have
    type hints, the package ships py.typed (declared as package data), the
    README names the API, and LeafResult.describe() is text."""
    import inspect

    import pyts.testing as t

    # the repository (pyts itself may be the installed copy in site-packages)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for name in t.__all__:
        obj = getattr(t, name)
        assert inspect.getdoc(obj), name
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            assert sig.return_annotation is not inspect.Signature.empty, name
            assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values()), name
    assert os.path.isfile(os.path.join(os.path.dirname(pyts.__file__), "py.typed"))
    with open(os.path.join(root, "pyproject.toml")) as f:
        assert 'pyts = ["py.typed"]' in f.read()
    with open(os.path.join(root, "README.md")) as f:
        readme = f.read()
    for name in ("compare_outputs", "check_parity", "float64_reference", "record", "assert_matches_record",
                 "strict=True", "--pyts-record"):
        assert name in readme, name
    leaves = t.compare_outputs(torch.ones(3), np.array([1.0, 2.0, 1.0], np.float32))
    text = leaves[0].describe()
    assert isinstance(text, str) and text.startswith("output: Tensor-likes are not close!")
    assert "Mismatched elements: 1 / 3" in text and leaves[0].lines()[0] == text.splitlines()[0]
