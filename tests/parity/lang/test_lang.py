"""Language parity: every program of programs.py, scripted by torch, saved
with torch.jit.save, then run by torch.jit.load and by pyts on the same
inputs; results must be equal (floats bit-for-bit, NaN == NaN, tensors to
the dtype's tolerance), errors must be errors in both, with the model's
message in pyts's."""
import copy
from typing import Dict, List, Tuple  # noqa: F401  (annotations of scripted helpers)
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pyts = pytest.importorskip("pyts")

import programs  # noqa: E402  (tests/parity/lang is on sys.path under pytest)
from pyts._compare import assert_close  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)


def to_plain(v):
    """torch/pyts results -> comparable Python values (tensors -> numpy)."""
    if isinstance(v, torch.Tensor):
        return v.detach().numpy()
    if isinstance(v, tuple):
        return tuple(to_plain(x) for x in v)
    if isinstance(v, list):
        return [to_plain(x) for x in v]
    if isinstance(v, dict):
        return {to_plain(k): to_plain(x) for k, x in v.items()}
    if hasattr(v, "__array__") and not isinstance(v, (int, float, bool, str)):
        return np.asarray(v)
    return v


def assert_same(got, want, where="result"):
    """pyts's result against torch's, by the comparison core (pyts._compare):
    tensors to the dtype's torch.testing tolerance (shape and dtype equal),
    Python scalars exactly and of the same type (floats bit for bit: NaN ==
    NaN, 0.0 != -0.0), tuples and lists as such, dict keys in torch's
    order."""
    __tracebackhide__ = True
    assert_close(got, want, path=where, exact_scalars=True, ordered_keys=True, zero_sign=True)


def pyts_args(args):
    out = []
    for a in args:
        if isinstance(a, torch.Tensor):
            out.append(a.numpy().copy())
        else:
            out.append(copy.deepcopy(a))
    return out


def run_both(tm, pm, method, arg_sets, raises):
    for args in arg_sets:
        t_args = copy.deepcopy(list(args))
        p_args = pyts_args(args)
        t_exc = p_exc = None
        try:
            want = getattr(tm, method)(*t_args) if method != "__call__" else tm(*t_args)
        except Exception as e:  # noqa: BLE001
            t_exc = e
        try:
            got = pm.run_method(method, *p_args)
        except pyts.Error as e:
            p_exc = e
        if t_exc is not None:
            assert p_exc is not None, f"torch raised {t_exc!r} but pyts returned {got!r}"
            if raises:
                assert raises in str(t_exc), f"torch's message lacks {raises!r}: {t_exc}"
                assert raises in str(p_exc), f"pyts's message lacks {raises!r}: {p_exc}"
            continue
        assert raises is None, f"expected an error containing {raises!r}, torch returned {want!r}"
        assert p_exc is None, f"pyts raised: {p_exc}"
        assert_same(to_plain(got), to_plain(want))


@pytest.mark.parametrize("name,fn,arg_sets,raises", programs.CASES, ids=[c[0] for c in programs.CASES])
def test_function(tmp_path, name, fn, arg_sets, raises):
    scripted = torch.jit.script(fn)
    path = str(tmp_path / f"{name}.pt")
    torch.jit.save(scripted, path)
    tm = torch.jit.load(path)
    pm = pyts.load(path)
    run_both(tm, pm, "forward", arg_sets, raises)


@pytest.mark.parametrize("name,factory,method,arg_sets,raises", programs.MODULES, ids=[m[0] for m in programs.MODULES])
def test_module(tmp_path, name, factory, method, arg_sets, raises):
    scripted = torch.jit.script(factory())
    path = str(tmp_path / f"{name}.pt")
    torch.jit.save(scripted, path)
    tm = torch.jit.load(path)
    pm = pyts.load(path)
    run_both(tm, pm, method, arg_sets, raises)


def test_program_count():
    assert len(programs.CASES) + len(programs.MODULES) >= 150


# ---- beyond return values --------------------------------------------------------------------

def _save_load(tmp_path, obj, name):
    path = str(tmp_path / f"{name}.pt")
    torch.jit.save(torch.jit.script(obj), path)
    return torch.jit.load(path), pyts.load(path)


def test_print_matches_torch(tmp_path, capfd):
    def printer(x: int, f: float, s: str, l: List[int], d: Dict[str, float]) -> int:
        print(x, f, s, l, d, None, True, (1, "a"), [1.5, -0.0], 1e20)
        print("sum:", x + 1)
        return x

    tm, pm = _save_load(tmp_path, printer, "printer")
    capfd.readouterr()
    tm(3, 2.5, "hi", [1, 2], {"k": 0.1})
    want = capfd.readouterr().out
    pm.forward(3, 2.5, "hi", [1, 2], {"k": 0.1})
    got = capfd.readouterr().out
    assert got == want


def test_wrong_argument_type_names_parameter(tmp_path):
    def typed(count: int, name: str) -> str:
        return name + str(count)

    _, pm = _save_load(tmp_path, typed, "typed")
    with pytest.raises(pyts.Error, match="count") as ei:
        pm.forward("three", "x")
    assert "count" in str(ei.value) and "int" in str(ei.value)
    with pytest.raises(pyts.Error, match="argument") as ei:
        pm.forward(1, 2, 3)
    assert "argument" in str(ei.value)


def test_script_error_is_script_error_with_traceback(tmp_path):
    class Bad(torch.nn.Module):
        def forward(self, n: int) -> int:
            if n > 1:
                raise ValueError("bad n: " + str(n))
            return n

    _, pm = _save_load(tmp_path, Bad(), "bad")
    with pytest.raises(pyts.ScriptError, match="bad n: 5") as ei:
        pm.forward(5)
    msg = str(ei.value)
    assert "bad n: 5" in msg
    assert 'File "code/__torch__' in msg and "in forward" in msg


def test_keyword_arguments_and_defaults(tmp_path):
    class Kw(torch.nn.Module):
        def forward(self, a: int, b: int = 2, c: str = "c") -> str:
            return str(a * b) + c

    tm, pm = _save_load(tmp_path, Kw(), "kw")
    assert pm.forward(3) == tm(3)
    assert pm.forward(3, c="z") == tm(3, c="z")
    assert pm.forward(a=1, b=5) == tm(a=1, b=5)


class _Stateful(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.k = 3
        self.name = "st"

    def forward(self, x: int) -> str:
        return self.name + str(x * self.k)

    @torch.jit.export
    def __getstate__(self) -> Tuple[int, str, bool]:
        return (self.k, self.name, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[int, str, bool]) -> None:
        self.k = state[0] * 10
        self.name = state[1] + "!"
        self.training = state[2]


def test_setstate_runs_at_load(tmp_path):
    path = str(tmp_path / "st.pt")
    torch.jit.save(torch.jit.script(_Stateful()), path)
    tm = torch.jit.load(path)
    pm = pyts.load(path)
    try:
        got = pm.forward(2)
    except pyts.Error as e:  # the loader must run the deferred __setstate__ calls (pts_interp_run_setstate)
        pytest.xfail(f"__setstate__ not run at load: {e}")
    assert got == tm(2)


def _tensor_print_cases():
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    return [
        torch.tensor(1.5), torch.tensor(3), torch.tensor(True), torch.tensor(-0.0), torch.tensor(1e20),
        torch.tensor(1e-7), torch.tensor(123456789.0), torch.tensor(0.1, dtype=torch.float64),
        torch.arange(6.0).reshape(2, 3), r(3, 4), r(2, 3, 4) * 1e6, r(2, 2, 2, 3) * 1e-5, r(1, 1, 1),
        r(1, 2, 3) * 1e5, r(1, 2, 30) * 1e6, r(2, 30), r(3, 30), torch.arange(30.0).reshape(3, 10).t(),
        torch.tensor([1.0, float("nan"), float("inf"), -float("inf")]), torch.tensor([float("nan")]),
        torch.tensor([], dtype=torch.float32), torch.zeros(0, 3), torch.zeros(2, 0, 3),
        torch.arange(12).reshape(3, 4), torch.tensor([True, False]), torch.tensor([1e-10, 1.0]),
        torch.tensor([123456789.0, 1.0]), torch.tensor([1e6, 2.5e6]), torch.tensor([1.5e-7, 3e-7]),
        torch.tensor([[1.5e17, 3e17]]), torch.tensor([1.5, 2.5e20]), torch.tensor([1e-120, 1.0], dtype=torch.float64),
        r(4).double(), torch.tensor([-0.0, 0.0]), torch.tensor([100000.0, 2.5]), torch.arange(-5, 5, dtype=torch.int8),
        torch.tensor([255], dtype=torch.uint8), torch.tensor([0.1, 0.2], dtype=torch.float16),
        torch.tensor([2**40, -3], dtype=torch.int64), r(2, 3, 4)[:, ::2, 1:],
    ]


def test_str_and_print_of_tensors_match_torch(tmp_path, capfd):
    """str(tensor) and print(tensor) in a script use torch's C++ printer: per-matrix format
    (integer, fixed with a common scale, scientific), column blocks past 80 characters,
    "(i,j,.,.) = " slices with the first index fastest, and the type line."""
    def show(t: torch.Tensor) -> str:
        print(t)
        return str(t)

    tm, pm = _save_load(tmp_path, show, "show")
    for t in _tensor_print_cases():
        capfd.readouterr()
        want = tm(t)
        want_out = capfd.readouterr().out
        got = pm.forward(t.numpy())
        got_out = capfd.readouterr().out
        assert got == want, (t.dtype, tuple(t.shape))
        assert got_out == want_out, (t.dtype, tuple(t.shape))
