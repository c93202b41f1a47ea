"""Operator upgraders for files older than the operator-set version that
changed an op's schema: torch 2.14 loads such files through its upgraders,
and pyts must give the same results.  The files are made the way an old
writer printed them: today's printed code with the argument the old schema
lacked dropped, and the version record lowered (torch <= 1.10 printed
`torch.linspace(a, b)` with steps=None meaning 100, and `torch.gelu(x)`
without `approximate`).  Division and full() use committed torch 1.13 files
(tests/parity/lang/test_old_versions.py)."""
import zipfile

import torch

import pyts
from pyts._compare import assert_close


def rewrite(src, dst, version, edit):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("version"):
                data = b"%d\n" % version
            elif item.filename.endswith(".py"):
                data = edit(data.decode()).encode()
            zout.writestr(item.filename, data)


class Spaces(torch.nn.Module):
    def forward(self, a: float, b: float):
        return torch.linspace(a, b, 100), torch.logspace(a, b, 100)


class Gelu(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.gelu(x)


def both(path, *args):
    want = torch.jit.load(path)(*args)
    got = pyts.load(path).forward(*[a.numpy() if isinstance(a, torch.Tensor) else a for a in args])
    return got, want


def test_linspace_logspace_steps_default_to_100_below_version_8(tmp_path):
    src, old = str(tmp_path / "spaces.pt"), str(tmp_path / "spaces_v7.pt")
    torch.jit.script(Spaces()).save(src)
    rewrite(src, old, 7, lambda code: code.replace(", 100)", ")"))
    with zipfile.ZipFile(old) as z:
        code = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".py"))
    assert "torch.linspace(a, b)" in code and "torch.logspace(a, b)" in code
    got, want = both(old, -1.0, 2.0)
    for g, w in zip(got, want):
        assert g.shape == (100,)
        assert_close(g, w)


def test_gelu_without_approximate_below_version_10(tmp_path):
    src, old = str(tmp_path / "gelu.pt"), str(tmp_path / "gelu_v9.pt")
    torch.jit.script(Gelu()).save(src)
    rewrite(src, old, 9, lambda code: code)
    x = torch.linspace(-4, 4, 33)
    got, want = both(old, x)
    assert_close(got, want)
