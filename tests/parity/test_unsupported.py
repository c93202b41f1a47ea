"""Ops pyts lacks: a model loads whenever torch loads it.

An op torch has and pyts lacks blocks only the call that reaches it: that call
raises UnsupportedOperatorError naming the op and its code/ line; everything
else loads and runs.  Module.unsupported_ops() lists the missing ops with their
lines up front.  An op torch does not know either fails the load, as it fails
torch.jit.load."""
import io
import re
import zipfile

import numpy as np
import pytest
import torch

import pyts


def _missing(name):
    """An op torch registers and pyts does not (checked, so the tests cannot
    pass vacuously once pyts implements it)."""
    assert not any(s.startswith(name + "(") or s.startswith(name + ".") for s in pyts.supported_ops()), name
    assert torch._C._jit_get_schemas_for_operator(name), name
    return name


class UsesMissingOps(torch.nn.Module):
    def forward(self, x):
        y = x.to_dense()
        z = x.to_sparse()  # (pyts has no sparse layout; torch runs neither here)
        return y + z


def _lines_of(code, text):
    return [i + 1 for i, line in enumerate(code.splitlines()) if text in line]


def test_every_missing_op_is_listed_and_the_load_succeeds(tmp_path):
    dense, sparse = _missing("aten::to_dense"), _missing("aten::to_sparse")
    path = str(tmp_path / "missing.pt")
    torch.jit.script(UsesMissingOps()).save(path)
    m = pyts.load(path)  # torch loads it, so does pyts
    ops = m.unsupported_ops()
    assert [u.op for u in ops] == [dense, sparse]
    code = torch.jit.load(path).code
    for u, text in zip(ops, ("torch.to_dense(", "torch.to_sparse(")):
        assert u.file == "code/__torch__/test_unsupported.py" and u.location == "%s:%d" % (u.file, u.line)
        assert u.line in _lines_of(m.code, text) and u.line > 0
        op, where = u  # a pair
        assert (op, where) == (u.op, u.location)
    assert "torch.to_dense(" in code
    # the forward reaches the first: it raises naming the op and its line
    with pytest.raises(pyts.UnsupportedOperatorError) as info:
        m(np.ones(3, np.float32))
    msg = str(info.value)
    assert "pyts does not implement aten::to_dense" in msg
    assert "(called at %s" % ops[0].location in msg
    assert 'File "%s", line %d, in forward' % (ops[0].file, ops[0].line) in msg
    assert isinstance(info.value, pyts.Error)


class BranchToMissingOp(torch.nn.Module):
    """The untaken branch calls an op pyts lacks (like F.interpolate's
    antialias branch in lraspp_mobilenet_v3_large)."""

    def forward(self, x, exotic: bool):
        if exotic:
            return x.to_dense() * 2.0
        return torch.relu(x) + 1.0


def test_an_untaken_branch_to_a_missing_op_loads_and_runs(tmp_path):
    op = _missing("aten::to_dense")
    path = str(tmp_path / "branch.pt")
    torch.jit.script(BranchToMissingOp()).save(path)
    tm = torch.jit.load(path)
    m = pyts.load(path)
    (u,) = m.unsupported_ops()
    assert u.op == op and u.line in _lines_of(m.code, "torch.to_dense(")
    x = torch.randn(4, 5)
    want = tm(x, False)
    got = m(x.numpy(), False)
    np.testing.assert_allclose(got, want.numpy(), rtol=1.3e-6, atol=1e-5)
    got2 = m(x.numpy(), False)  # and again (the site stays unbound, nothing is cached wrong)
    np.testing.assert_allclose(got2, want.numpy(), rtol=1.3e-6, atol=1e-5)
    # torch runs the other branch; pyts raises there, naming the op and the line
    tm(x, True)
    with pytest.raises(pyts.UnsupportedOperatorError,
                       match=r"pyts does not implement aten::to_dense \(called at %s:%d "
                             % (re.escape(u.file), u.line)) as info:
        m(x.numpy(), True)
    assert 'File "%s", line %d, in forward' % (u.file, u.line) in str(info.value)
    # the module still works afterwards
    np.testing.assert_allclose(m(x.numpy(), False), want.numpy(), rtol=1.3e-6, atol=1e-5)


def test_a_module_without_missing_ops_lists_none(tmp_path):
    path = str(tmp_path / "fine.pt")
    torch.jit.script(torch.nn.Linear(3, 2)).save(path)
    assert pyts.load(path).unsupported_ops() == []


def test_the_list_covers_submodules(tmp_path):
    class Outer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = BranchToMissingOp()

        def forward(self, x):
            return self.inner(x, False)

    path = str(tmp_path / "outer.pt")
    torch.jit.script(Outer()).save(path)
    m = pyts.load(path)
    (u,) = m.unsupported_ops()
    assert u.op == "aten::to_dense" and u.file.startswith("code/__torch__/") and u.file.endswith(".py")
    assert m.inner.unsupported_ops() == [u]
    x = torch.randn(3)
    np.testing.assert_allclose(m(x.numpy()), torch.jit.load(path)(x).numpy(), rtol=1.3e-6, atol=1e-5)


def _rename_op(path, out, old, new):
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zo:
        for n in z.namelist():
            data = z.read(n)
            if re.search(r"/code/.*\.py$", n):
                data = data.replace(old.encode(), new.encode())
            zo.writestr(n, data)


def test_an_op_torch_does_not_know_either_fails_the_load_as_in_torch(tmp_path):
    path, bad = str(tmp_path / "branch.pt"), str(tmp_path / "bad.pt")
    torch.jit.script(BranchToMissingOp()).save(path)
    _rename_op(path, bad, "torch.to_dense(", "torch.no_such_op_anywhere(")
    with pytest.raises(RuntimeError, match="Unknown builtin op: aten::no_such_op_anywhere"):
        torch.jit.load(bad)
    with pytest.raises(pyts.UnsupportedOperatorError,
                       match=r"calls 1 operator that neither torch nor pyts knows .*\n  aten::no_such_op_anywhere "
                             r"\(called with 1 argument\) at code/__torch__/test_unsupported\.py:\d+"):
        pyts.load(bad)
    with open(bad, "rb") as f:
        with pytest.raises(pyts.UnsupportedOperatorError, match="aten::no_such_op_anywhere"):
            pyts.load(io.BytesIO(f.read()))


def test_supported_ops_lists_schemas():
    ops = pyts.supported_ops()
    assert "aten::relu(Tensor self) -> Tensor" in ops
    assert len(ops) == len(set(ops)) > 500


def test_an_extension_op_loads_as_in_torch_with_the_extension(tmp_path):
    """torchvision::qnms is not one of torch's own ops, but torch loads
    a file calling it once torchvision is imported: pyts loads it too (it lacks
    the op) and lists it; only the call reaching it fails."""
    pytest.importorskip("torchvision")
    op = _missing("torchvision::qnms")

    class M(torch.nn.Module):
        def forward(self, x, ask: bool):
            if ask:
                return torch.ops.torchvision.qnms(x, x, 0.5)
            return x * 3

    path = str(tmp_path / "ext.pt")
    torch.jit.script(M()).save(path)
    m = pyts.load(path)
    assert [u.op for u in m.unsupported_ops()] == [op]
    x = torch.tensor([1, 2, 3])
    want = torch.jit.load(path)(x, False)
    np.testing.assert_array_equal(m(x.numpy(), False), want.numpy())
    with pytest.raises(pyts.UnsupportedOperatorError, match="pyts does not implement torchvision::qnms"):
        m(x.numpy(), True)
