"""Language parity: every program of programs.py, scripted by torch, saved
with torch.jit.save, then run by torch.jit.load and by pyts on the same
inputs; results must be equal (floats bit-for-bit, NaN == NaN, tensors to
the dtype's tolerance), errors must be errors in both, with the model's
message in pyts's."""
import copy
import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pyts = pytest.importorskip("pyts")

import programs  # noqa: E402  (tests/parity/lang is on sys.path under pytest)

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
    if isinstance(want, np.ndarray):
        got = np.asarray(got)
        assert got.shape == want.shape, f"{where}: shape {got.shape} != {want.shape}"
        torch.testing.assert_close(torch.from_numpy(np.ascontiguousarray(got)),
                                   torch.from_numpy(np.ascontiguousarray(want)), msg=where)
        return
    if isinstance(want, float):
        assert isinstance(got, float), f"{where}: {got!r} is not a float (want {want!r})"
        if math.isnan(want):
            assert math.isnan(got), f"{where}: {got!r} != nan"
        else:
            assert got == want and math.copysign(1, got) == math.copysign(1, want), f"{where}: {got!r} != {want!r}"
        return
    if isinstance(want, bool) or isinstance(want, int) or isinstance(want, str) or want is None:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != {want!r}"
        return
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)), f"{where}: {got!r} is not a sequence"
        assert isinstance(got, tuple) == isinstance(want, tuple), f"{where}: {type(got).__name__} != {type(want).__name__}"
        assert len(got) == len(want), f"{where}: length {len(got)} != {len(want)}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
        return
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: {got!r} is not a dict"
        assert list(got.keys()) == list(want.keys()), f"{where}: keys {list(got)} != {list(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{where}[{k!r}]")
        return
    raise AssertionError(f"{where}: cannot compare {type(want)}")


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
