"""Higher-order operators in torch.export programs: torch.cond, while_loop
and the wrap_with_set_grad_enabled subgraph a `with torch.no_grad():` block
becomes.  Their branches and bodies are serialized as graphs inside the node
(as_graph arguments); pyts runs them as subgraphs with scopes of their own.

Each model goes through parity.check(..., export="export") (the tester's
default rounding rule), and each branch / iteration count is exercised:
cond with both branches taken, a while_loop running 0, 1 and several times,
nested control flow, a predicate that is a SymBool of a dynamic size.  Plus
the archives pyts must refuse cleanly (a branch with the wrong arity, a
predicate of several elements, an unknown higher-order op)."""
import json
import zipfile

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch._higher_order_ops.while_loop import while_loop
from torch.export import Dim, export, save

import pyts


class Cond(nn.Module):
    """cond on a data-dependent predicate; the true branch closes over a
    Linear (its parameters become operands), both return two tensors."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.register_buffer("shift", torch.tensor([0.5, -1.0, 2.0]))

    def forward(self, x):
        def t(x):
            return self.lin(x).sin(), x.sum(0)

        def f(x):
            return (x.cos() * 2 + self.shift), x.amax(0)

        a, b = torch.cond(x.sum() > 0, t, f, (x,))
        return a + 1, b


class Loop(nn.Module):
    """while_loop: a counter and a tensor carried, n and a parameter as
    additional inputs; runs n times."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([[0.5, -0.25, 0.125], [0.0, 0.75, -0.5], [0.25, 0.0, 0.5]]))

    def forward(self, n, x):
        def c(i, x):
            return i < n

        def b(i, x):
            return i + 1, torch.tanh(x @ self.w) + 1

        i, y = while_loop(c, b, (torch.zeros((), dtype=torch.int64), x))
        return i, y * 2


class Nested(nn.Module):
    """A cond inside the body of a while_loop: the sign of the running sum
    picks the update at each step."""

    def forward(self, n, x):
        def c(i, x):
            return i < n

        def b(i, x):
            y = torch.cond(x.sum() > 0, lambda v: v - 1.5, lambda v: v * 2 + 1, (x,))
            return i + 1, y

        return while_loop(c, b, (torch.zeros((), dtype=torch.int64), x))


class NoGrad(nn.Module):
    """`with torch.no_grad():` inside forward: a wrap_with_set_grad_enabled node."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)

    def forward(self, x):
        with torch.no_grad():
            y = self.lin(x).relu()
        return y * x.sum()


def seeded(cls):
    torch.manual_seed(0)
    return cls().eval()


@pytest.mark.parametrize("sign", [1, -1], ids=["true_branch", "false_branch"])
def test_cond_both_branches(parity, sign):
    x = torch.rand(4, 3) + 0.1
    model = seeded(Cond)
    assert bool((sign * x).sum() > 0) == (sign > 0)
    parity.check(model, (sign * x,), export="export")


def test_cond_one_archive_both_branches(tmp_path):
    """The same archive runs either branch, picked at run time."""
    model = seeded(Cond)
    path = str(tmp_path / "cond.pt2")
    save(export(model, (torch.rand(4, 3),)), path)
    ref, m = torch.export.load(path).module(), pyts.load(path)
    for x in (torch.rand(4, 3), -torch.rand(4, 3)):
        with torch.no_grad():
            want = ref(x)
        got = m(x.numpy())
        for g, w in zip(got, want):
            torch.testing.assert_close(torch.from_numpy(g), w)


@pytest.mark.parametrize("n", [0, 1, 5], ids=["0_iterations", "1_iteration", "5_iterations"])
def test_while_loop_iterations(parity, n):
    parity.check(seeded(Loop), (torch.tensor(n), torch.randn(2, 3)), export="export")


def test_while_loop_one_archive_many_counts(tmp_path):
    """One archive, n from 0 to 4 at run time: the counter carried out equals n."""
    path = str(tmp_path / "loop.pt2")
    save(export(seeded(Loop), (torch.tensor(3), torch.randn(2, 3))), path)
    ref, m = torch.export.load(path).module(), pyts.load(path)
    x = torch.randn(2, 3)
    for n in range(5):
        with torch.no_grad():
            want_i, want_y = ref(torch.tensor(n), x)
        got_i, got_y = m(np.array(n), x.numpy())
        assert int(got_i) == int(want_i) == n
        torch.testing.assert_close(torch.from_numpy(got_y), want_y)


@pytest.mark.parametrize("n", [0, 3], ids=["0_iterations", "3_iterations"])
def test_cond_inside_while_loop(parity, n):
    x = torch.tensor([[0.5, -0.25], [1.0, -3.0]])  # the sum changes sign across the iterations
    parity.check(seeded(Nested), (torch.tensor(n), x), export="export")


def test_no_grad_block(parity):
    parity.check(seeded(NoGrad), (torch.randn(2, 3),), export="export")


class SizeCond(nn.Module):
    """cond on a SymBool: the dynamic batch size picks the branch."""

    def forward(self, x):
        return torch.cond(x.shape[0] > 4, lambda v: v.sum(0, keepdim=True) * v, lambda v: v - v.mean(), (x,))


def test_cond_on_a_dynamic_size(tmp_path):
    path = str(tmp_path / "sizecond.pt2")
    ep = export(SizeCond(), (torch.randn(3, 2),), dynamic_shapes={"x": {0: Dim("batch", min=1, max=16)}})
    save(ep, path)
    ref, m = torch.export.load(path).module(), pyts.load(path)
    for b in (2, 4, 5, 9):  # both sides of the threshold
        x = torch.randn(b, 2)
        torch.testing.assert_close(torch.from_numpy(m(x.numpy())), ref(x))


# ---- archives pyts must refuse cleanly ----------------------------------------------------------


def edited(tmp_path, src, fn, name="bad.pt2"):
    """A copy of .pt2 `src` whose models/model.json went through fn(dict)."""
    dst = str(tmp_path / name)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith("models/model.json"):
                data = json.dumps(fn(json.loads(data))).encode()
            zout.writestr(info.filename, data)
    return dst


def hop_node(j, target):
    return next(n for n in j["graph_module"]["graph"]["nodes"] if n["target"] == target)


@pytest.fixture
def cond_pt2(tmp_path):
    path = str(tmp_path / "cond.pt2")
    save(export(seeded(Cond), (torch.rand(4, 3),)), path)
    return path


def test_cond_operand_count_mismatch(tmp_path, cond_pt2):
    def drop_operand(j):
        hop_node(j, "torch.ops.higher_order.cond")["inputs"][3]["arg"]["as_tensors"].pop()
        return j
    with pytest.raises(pyts.LoadError, match=r"cond passes \d+ operands but its branches take"):
        pyts.load(edited(tmp_path, cond_pt2, drop_operand))


def test_cond_missing_graph(tmp_path, cond_pt2):
    def no_graph(j):
        del hop_node(j, "torch.ops.higher_order.cond")["inputs"][1]["arg"]["as_graph"]["graph"]
        return j
    with pytest.raises(pyts.LoadError, match="as_graph has no graph object"):
        pyts.load(edited(tmp_path, cond_pt2, no_graph))


def test_bad_node_inside_a_branch(tmp_path, cond_pt2):
    """An error inside a subgraph names the subgraph and its node."""
    def bad_ref(j):
        g = hop_node(j, "torch.ops.higher_order.cond")["inputs"][2]["arg"]["as_graph"]
        g["graph"]["nodes"][0]["inputs"][0]["arg"] = {"as_tensor": {"name": "nosuch"}}
        return j
    with pytest.raises(pyts.LoadError, match=r"subgraph 'false_graph_0' node 0 .*'nosuch' is used before"):
        pyts.load(edited(tmp_path, cond_pt2, bad_ref))


def test_predicate_of_several_elements(tmp_path, cond_pt2):
    def pred_x(j):
        hop_node(j, "torch.ops.higher_order.cond")["inputs"][0]["arg"] = {"as_tensor": {"name": "x"}}
        return j
    m = pyts.load(edited(tmp_path, cond_pt2, pred_x))
    with pytest.raises(pyts.ExecutionError, match="cond: the predicate is a tensor of 12 elements"):
        m(np.ones((4, 3), np.float32))


def test_unknown_higher_order_op(tmp_path, cond_pt2):
    """A higher-order op pyts lacks loads, is listed, and fails when its node runs."""
    def rename(j):
        hop_node(j, "torch.ops.higher_order.cond")["target"] = "torch.ops.higher_order.nosuch"
        return j
    m = pyts.load(edited(tmp_path, cond_pt2, rename))
    assert [u.op for u in m.unsupported_ops()] == ["higher_order.nosuch"]
    with pytest.raises(pyts.UnsupportedOperatorError, match=r"higher_order\.nosuch"):
        m(np.ones((4, 3), np.float32))
