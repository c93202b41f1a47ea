"""Differential fuzzing in CI: a fixed seed, a bounded number of random TorchScript programs
(tests/fuzz/difffuzz.py), each scripted and saved by torch and run by torch.jit.load and by pyts;
any difference in values, dtypes, shapes or in whether the call raises fails the test with the
minimized program.  Long runs by hand: python tests/fuzz/difffuzz.py --seed N --minutes M."""
import os
import sys

import pytest

pytest.importorskip("torch")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difffuzz  # noqa: E402

COUNT = int(os.environ.get("PYTS_DIFFFUZZ_COUNT", "150"))


@pytest.mark.parametrize("seed", [0, 1])
def test_differential_programs(seed, tmp_path):
    ran, refused, findings = difffuzz.run(seed, count=COUNT, tmpdir=str(tmp_path), log=lambda *a: None)
    # the generator writes programs torch accepts: nearly all of them must have been compared
    assert ran >= 0.9 * COUNT, "only %d of %d programs scripted (%d refused)" % (ran, COUNT, refused)
    assert not findings, "\n\n".join("program %d: %s\n%s# inputs: %r" % (f[0], f[3], f[1], f[2]) for f in findings)


def test_fuzzer_detects_a_planted_divergence(tmp_path):
    """The comparison is not vacuous: a program whose result differs between the engines by
    construction (hash() of a tensor is its address, different in each engine) is a finding."""
    src = ("def f(a: int, b: int, x: float, s: str, l: List[int], fl: List[float], d: Dict[str, int], "
           "t: torch.Tensor, u: torch.Tensor, m: torch.Tensor) -> Tuple[int]:\n"
           "    return (hash(t),)\n")
    path, why = difffuzz.script_and_save(src, str(tmp_path))
    assert path, why
    import random
    inputs = difffuzz.make_inputs(random.Random(0))
    assert difffuzz.compare(path, inputs)
