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


# ---- map, scan, associative_scan, autocast, hints_wrapper -----------------------------------------

from torch._higher_order_ops.associative_scan import associative_scan  # noqa: E402
from torch._higher_order_ops.hints_wrap import hints_wrapper  # noqa: E402
from torch._higher_order_ops.map import map as hop_map  # noqa: E402
from torch._higher_order_ops.scan import scan  # noqa: E402


def run_both(path, *args):
    """ExportedProgram.module() and pyts on one archive: the flattened leaves of each."""
    import torch.utils._pytree as pytree

    with torch.no_grad():
        want = pytree.tree_leaves(torch.export.load(path).module()(*args))
    got = pytree.tree_leaves(pyts.load(path)(*[a.numpy() for a in args]))
    assert len(got) == len(want)
    return got, want


def saved(tmp_path, model, args, name, aten=False, **kw):
    ep = export(model, args, **kw)
    if aten:
        ep = ep.run_decompositions()
    path = str(tmp_path / (name + ".pt2"))
    save(ep, path)
    return path


class Map(nn.Module):
    """map over the rows of two tensors; a parameter and an operand as extra inputs; two outputs."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([0.5, -1.0, 2.0, 0.25]))

    def forward(self, xs, zs, y):
        def body(xz, y):
            x, z = xz
            h = (x * y + self.w).sin() + z
            return h, h.sum()

        a, b = hop_map(body, (xs, zs), y)
        return a * 2, b


@pytest.mark.parametrize("aten", [False, True], ids=["training", "aten"])
def test_map(parity, tmp_path, aten):
    args = (torch.randn(3, 4), torch.randn(3, 4), torch.randn(4))
    if not aten:
        parity.check(seeded(Map), args, export="export")
        return
    got, want = run_both(saved(tmp_path, seeded(Map), args, "map", aten=True), *args)
    for g, w in zip(got, want):
        torch.testing.assert_close(torch.from_numpy(g), w)


def test_map_dynamic_length(tmp_path):
    """One archive, the mapped dimension dynamic: run at lengths 1, 2 and 6."""
    args = (torch.randn(3, 4), torch.randn(3, 4), torch.randn(4))
    n = Dim("n", min=1, max=8)
    path = saved(tmp_path, seeded(Map), args, "mapdyn", dynamic_shapes=({0: n}, {0: n}, None))
    for k in (1, 2, 6):
        got, want = run_both(path, torch.randn(k, 4), torch.randn(k, 4), torch.randn(4))
        for g, w in zip(got, want):
            torch.testing.assert_close(torch.from_numpy(g), w)


class Scan(nn.Module):
    """A carry of two tensors, two scanned inputs, a parameter (an additional input); outputs stacked."""

    def __init__(self, reverse):
        super().__init__()
        self.reverse = reverse
        self.w = nn.Parameter(torch.tensor([[0.5, -0.25, 0.125], [0.0, 0.75, -0.5], [0.25, 0.0, 0.5]]))

    def forward(self, h0, c0, xs, gs):
        def step(carry, inp):
            h, c = carry
            x, g = inp
            h2 = torch.tanh(h @ self.w + x)
            c2 = c + g * h2.sum()
            return (h2, c2), (h2 * 2, c2.sum())

        (h, c), (ys, ss) = scan(step, (h0, c0), (xs, gs), reverse=self.reverse)
        return h, c, ys, ss


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_scan(parity, reverse):
    parity.check(seeded(lambda: Scan(reverse)), (torch.randn(2, 3), torch.randn(2), torch.randn(5, 2, 3),
                                                 torch.randn(5, 2)), export="export")


def test_scan_aten_dynamic_length(tmp_path):
    """ATEN IR, the scanned length dynamic: lengths 1, 2 and 7 from one archive."""
    args = (torch.randn(2, 3), torch.randn(2), torch.randn(4, 2, 3), torch.randn(4, 2))
    t = Dim("t", min=1, max=16)
    path = saved(tmp_path, seeded(lambda: Scan(False)), args, "scan", aten=True,
                 dynamic_shapes=(None, None, {0: t}, {0: t}))
    for k in (1, 2, 7):
        got, want = run_both(path, torch.randn(2, 3), torch.randn(2), torch.randn(k, 2, 3), torch.randn(k, 2))
        for g, w in zip(got, want):
            torch.testing.assert_close(torch.from_numpy(g), w)


class AScan(nn.Module):
    """associative_scan of a pair (a running product with a running sum: not commutative), over dim 1."""

    def forward(self, a, b):
        def comb(x, y):
            (xa, xb), (ya, yb) = x, y
            return xa * ya, xb * ya + yb

        return associative_scan(comb, (a, b), dim=1)


@pytest.mark.parametrize("aten", [False, True], ids=["training", "aten"])
def test_associative_scan_lengths(tmp_path, aten):
    """Every length 1 to 9 (odd and even at each level of the recursion), one dynamic archive; the pairings
    are torch's, so the float results agree to rounding of the same operations."""
    t = Dim("t", min=1, max=32)
    path = saved(tmp_path, AScan(), (torch.rand(2, 5) + 0.5, torch.randn(2, 5)), "ascan", aten=aten,
                 dynamic_shapes=({1: t}, {1: t}))
    for k in range(1, 10):
        got, want = run_both(path, torch.rand(2, k) + 0.5, torch.randn(2, k))
        for g, w in zip(got, want):
            torch.testing.assert_close(torch.from_numpy(g), w)


class AScanAdd(nn.Module):
    def forward(self, x):
        return associative_scan(lambda p, q: p + q, x, dim=0)


def test_associative_scan_int(parity):
    """int64: exact, whatever the pairing."""
    parity.check(AScanAdd(), (torch.randint(-50, 50, (11, 3)),), export="export")


class Autocast(nn.Module):
    """torch.autocast("cpu") in forward: a wrap_with_autocast node.  Inside: linear and matmul run in the
    autocast dtype, cat promotes to the widest input, mse_loss runs in float32, an add follows the usual
    promotion; a nested block with enabled=False runs in float32."""

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype
        self.l1 = nn.Linear(6, 8)
        self.l2 = nn.Linear(8, 4)

    def forward(self, x, t):
        with torch.autocast("cpu", dtype=self.dtype):
            h = torch.relu(self.l1(x))
            y = self.l2(h)
            c = torch.cat([y, x[:, :4]], 1)
            loss = nn.functional.mse_loss(y, t)
            with torch.autocast("cpu", enabled=False):
                z = x.float() @ x.float().t()
            s = y + t
        return y, c, loss, z, s, h.dtype == torch.float32


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bfloat16", "float16"])
@pytest.mark.parametrize("aten", [False, True], ids=["training", "aten"])
def test_autocast(tmp_path, dtype, aten):
    """The dtypes come out as torch's; the values agree within the rounding of the low-precision dtype:
    each output went through at most a few roundings to it (2^-8 relative for bfloat16, 2^-11 for float16,
    rounding-bounds.md), on sums of <= 8 products of magnitude ~1."""
    x, t = torch.randn(3, 6), torch.randn(3, 4)
    path = saved(tmp_path, seeded(lambda: Autocast(dtype)), (x, t), "autocast", aten=aten)
    got, want = run_both(path, x, t)
    eps = 2.0 ** -8 if dtype == torch.bfloat16 else 2.0 ** -11
    for i, (g, w) in enumerate(zip(got, want)):
        if not isinstance(w, torch.Tensor):
            assert g == w, i
            continue
        assert str(g.dtype) == str(w.dtype).replace("torch.", ""), (i, g.dtype, w.dtype)
        torch.testing.assert_close(torch.from_numpy(np.asarray(g, np.float64)), w.double(), rtol=4 * eps,
                                   atol=8 * eps * float(w.abs().max()), msg=lambda m: "output %d: %s" % (i, m))


class Hints(nn.Module):
    def forward(self, x):
        def body(x):
            return (x.relu() + 1, x * 2)

        a, b = hints_wrapper(body, (x,), {}, hints={"outer_body": True})
        return a - b


def test_hints_wrapper(parity):
    parity.check(Hints(), (torch.randn(3, 4),), export="export")


def test_map_bad_operands(tmp_path):
    """A map_impl whose body takes another number of inputs than it passes is refused at load."""
    path = saved(tmp_path, seeded(Map), (torch.randn(3, 4), torch.randn(3, 4), torch.randn(4)), "map")

    def drop(j):
        hop_node(j, "torch.ops.higher_order.map_impl")["inputs"][2]["arg"]["as_tensors"].pop()
        return j
    with pytest.raises(pyts.LoadError, match=r"map_impl passes \d+ inputs and records 2 outputs; its body takes"):
        pyts.load(edited(tmp_path, path, drop, "bad_map.pt2"))


def test_scan_mismatched_lengths(tmp_path):
    """Scanned inputs of different lengths (an edited archive: the second scanned input is c0, of 2 rows
    where xs has 4): a clean error when the node runs."""
    args = (torch.randn(2, 3), torch.randn(2), torch.randn(4, 2, 3), torch.randn(4, 2))
    path = saved(tmp_path, seeded(lambda: Scan(False)), args, "scan")

    def swap(j):
        hop_node(j, "torch.ops.higher_order.scan")["inputs"][2]["arg"]["as_tensors"][1] = {"name": "c0"}
        return j
    m = pyts.load(edited(tmp_path, path, swap, "bad_scan.pt2"))
    with pytest.raises(pyts.ExecutionError, match="scan: operands have 4 and 2 elements along dim 0"):
        m(*[a.numpy() for a in args])


def test_autocast_bad_dtype(tmp_path):
    path = saved(tmp_path, seeded(lambda: Autocast(torch.bfloat16)), (torch.randn(3, 6), torch.randn(3, 4)), "ac")

    def int_dtype(j):
        hop_node(j, "torch.ops.higher_order.wrap_with_autocast")["inputs"][1]["arg"] = {"as_scalar_type": 5}
        return j
    with pytest.raises(pyts.LoadError, match="wrap_with_autocast to int64"):
        pyts.load(edited(tmp_path, path, int_dtype, "bad_ac.pt2"))


from torch._higher_order_ops.out_dtype import out_dtype  # noqa: E402


class OutDtype(nn.Module):
    """out_dtype (quantized matmuls): int8 x int8 accumulated in int32, and bfloat16 operands
    multiplied and returned in float32, an int8 linear in int32."""

    def forward(self, a, b, c, d):
        return (out_dtype(torch.ops.aten.mm.default, torch.int32, a, b),
                out_dtype(torch.ops.aten.mul.Tensor, torch.float32, c, d),
                out_dtype(torch.ops.aten.linear.default, torch.int32, a, b.t()))


def test_out_dtype(parity):
    g = torch.Generator().manual_seed(3)
    a = torch.randint(-128, 128, (5, 64), dtype=torch.int8, generator=g)
    b = torch.randint(-128, 128, (64, 3), dtype=torch.int8, generator=g)
    c, d = torch.randn(4, 3).bfloat16(), torch.randn(4, 3).bfloat16()
    parity.check(OutDtype(), (a, b, c, d), export="export")


def test_out_dtype_unknown_operator(tmp_path):
    args = (torch.ones(2, 3, dtype=torch.int8), torch.ones(3, 2, dtype=torch.int8), torch.ones(1), torch.ones(1))
    path = saved(tmp_path, OutDtype(), args, "od")

    def rename(j):
        hop_node(j, "torch.ops.higher_order.out_dtype")["inputs"][0]["arg"] = {"as_operator": "torch.ops.aten.nosuch.default"}
        return j
    m = pyts.load(edited(tmp_path, path, rename, "bad_od.pt2"))
    assert [u.op for u in m.unsupported_ops()] == ["aten::nosuch"]
    with pytest.raises(pyts.UnsupportedOperatorError, match="out_dtype"):
        m(*[x.numpy() for x in args])
