"""Differential fuzzing against torch, bounded for CI (tools/difffuzz.py; issue 12): random,
well-typed TorchScript programs (control flow, lists, dicts, strings, in-place tensor ops)
scripted and saved by torch, run by both engines on three inputs each; any difference in a
value, a dtype, a shape, or in whether the program raises, fails the test with the program's
seed and index (`python3 tools/difffuzz.py --seed S --show I` prints it).  Run it long by hand
with `python3 tools/difffuzz.py --seed S --count N`.  Findings, minimized, are the regression
tests below.
"""
import os
import sys

import pytest
import torch

import pyts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import difffuzz  # noqa: E402

SEED = 12
PER_CHUNK = 15


@pytest.mark.parametrize("chunk", range(4))
def test_random_programs_agree_with_torch(tmp_path, chunk):
    findings, ran = [], 0
    for i in range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK):
        kind, detail = difffuzz.run_one(difffuzz.program(SEED, i), str(tmp_path), "p%d" % i,
                                        difffuzz.inputs(SEED * 7919 + i))
        ran += kind != "skip"
        if kind == "finding":
            findings.append("seed %d program %d: %s" % (SEED, i, detail))
    assert not findings, "\n".join(findings)
    assert ran >= PER_CHUNK // 2  # the generator writes programs torch accepts


# ---- findings, minimized ----------------------------------------------------------------------

class DivByZero(torch.nn.Module):
    """seed 5 program 37: `a / b` with b == 0 (ints) is inf/nan in torch (IEEE division), and so
    are float / 0.0, float // 0.0 and float % 0.0; pyts raised ZeroDivisionError."""

    def forward(self, a: int, b: int, f: float, g: float):
        return a / b, f / g, f // g, f % g, a / g, f / b, f // b, f % b


class IntDivByZero(torch.nn.Module):
    def forward(self, a: int, b: int):
        return a // b


@pytest.mark.parametrize("args", [(1, 0, 1.0, 0.0), (0, 0, -1.0, -0.0), (-3, 0, 0.0, 0.0), (5, 2, 7.5, 2.0),
                                  (1, 3, 1.0, 0.1), (-7, 2, -1.0, 0.3)])
def test_division_by_zero_of_scalars_is_ieee_as_in_torch(tmp_path, args):
    path = str(tmp_path / "div.pt")
    torch.jit.save(torch.jit.script(DivByZero()), path)
    want, got = torch.jit.load(path)(*args), pyts.load(path).forward(*args)
    assert difffuzz.same(list(want), list(got)) is None, (want, got)


def test_integer_floor_division_by_zero_raises_in_both(tmp_path):
    path = str(tmp_path / "idiv.pt")
    torch.jit.save(torch.jit.script(IntDivByZero()), path)
    with pytest.raises(RuntimeError, match="division by 0"):
        torch.jit.load(path)(1, 0)
    with pytest.raises(pyts.ExecutionError, match="ZeroDivisionError"):
        pyts.load(path).forward(1, 0)


class IntOfFloat(torch.nn.Module):
    """seed 12 programs 7 and 10: int(nan) (and inf, and floats out of int64's range) is
    INT64_MIN in torch (a C++ cast on x86), where pyts raised."""

    def forward(self, f: float):
        return int(f), int(f * 0.5)


@pytest.mark.parametrize("f", [float("nan"), float("inf"), -float("inf"), 1e30, -1e30, 2.9, -2.9, 9.2e18])
def test_int_of_a_float_as_in_torch(tmp_path, f):
    path = str(tmp_path / "int.pt")
    torch.jit.save(torch.jit.script(IntOfFloat()), path)
    assert torch.jit.load(path)(f) == pyts.load(path).forward(f)
