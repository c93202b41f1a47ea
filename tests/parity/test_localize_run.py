"""Localization that reaches the interpreter: pyts's own run, recorded by its
debug trace (every op result and attribute store, with its code/ line and
execution number), aligned with torch's stepped graph.

The planted bugs live in the archive pyts runs: a copy of the archive torch
runs with one code/ line edited in place (same line numbers), so a bug in a
kernel's arguments, a loop's trip count, a list operation or an attribute
update is a bug of "the engine" as far as the comparison can tell.  Each test
asserts that the report names the planted line."""
import re
import warnings
import zipfile
from typing import List

import pytest
import torch

from pyts._localize import localize

warnings.filterwarnings("ignore", category=FutureWarning)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(8)
        self.count = 0

    def forward(self, x):
        self.count += 1
        y = self.norm(x)
        for i in range(3):
            y = y * 1.5 + x
        acc: List[torch.Tensor] = []
        for i in range(4):
            acc.append(y * i)
        z = acc[2] - acc[1]
        return z + self.count


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp("loc") / "model.pt")
    torch.jit.script(Model().eval()).save(path)
    return path


def _plant(src, dst, old, new):
    """Copy the archive, replacing `old` by `new` in the one code/ file
    holding it (on one line: line numbers stay).  Returns (code/ file,
    1-based line)."""
    where = None
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if "/code/" in info.filename and info.filename.endswith(".py") and old.encode() in data:
                text = data.decode()
                assert where is None and text.count(old) == 1, (old, text)
                where = (info.filename[info.filename.index("code/"):], text[:text.index(old)].count("\n") + 1)
                data = text.replace(old, new).encode()
            zout.writestr(info, data)
    assert where is not None
    return where


def _run(archive, tmp_path, old, new):
    planted = str(tmp_path / "planted.pt")
    code_file, line = _plant(archive, planted, old, new)
    loaded = torch.jit.load(archive)
    x = torch.randn(2, 8)
    loc = localize(loaded, "forward", (x,), path=archive, pyts_path=planted)
    text = "\n".join(loc.describe())
    assert loc.note is None, text
    assert loc.run_first is not None, text
    assert loc.run_first.code_file == code_file, text
    return loc, "%s:%d" % (code_file, line), line, text


def test_unplanted_run_agrees(archive):
    loc = localize(torch.jit.load(archive), "forward", (torch.randn(2, 8),), path=archive)
    text = "\n".join(loc.describe())
    assert loc.note is None and loc.first is None and loc.run_first is None, text
    # every value pyts recorded was compared (the attribute store included)
    assert loc.run_compared == loc.run_recorded > 10, text
    assert "Every compared value of pyts's run agrees" in text


def test_planted_kernel_argument_is_named(archive, tmp_path):
    # a wrong epsilon reaching aten::layer_norm
    loc, where, line, text = _run(archive, tmp_path, "torch.layer_norm(input, normalized_shape, weight, bias, eps)",
                                  "torch.layer_norm(input, normalized_shape, weight, bias, 0.5)")
    d = loc.run_first
    assert (d.kind, d.op, d.code_file, d.code_line, d.execution) == \
        ("DIFFERS", "aten::layer_norm", "code/__torch__/torch/nn/functional.py", line, 1), text
    assert "First difference in pyts's run: aten::layer_norm (execution #1)" in text
    assert where in text
    # the lockstep (torch's own arguments) finds no kernel at fault: the
    # difference is in what pyts's run computed, and only the trace sees it
    assert loc.first is None, text


def test_planted_loop_trip_count_is_named(archive, tmp_path):
    loc, where, line, text = _run(archive, tmp_path, "for i in range(3):", "for i in range(2):")
    d = loc.run_first
    # the loop body's first op, on its third execution, ran in torch only
    assert (d.kind, d.op, d.code_line, d.execution) == ("NOT_RUN_IN_PYTS", "aten::mul", line + 1, 3), text
    assert "was run by torch but not by pyts" in text
    assert "%s:%d" % (d.code_file, line + 1) in text


def test_planted_list_op_is_named(archive, tmp_path):
    loc, where, line, text = _run(archive, tmp_path, "torch.sub(acc[2], acc[1])", "torch.sub(acc[2], acc[3])")
    d = loc.run_first
    # acc[2] (execution #1 on that line) agrees; acc[3] instead of acc[1] does not
    assert (d.kind, d.op, d.code_line, d.execution) == ("DIFFERS", "aten::__getitem__", line, 2), text
    assert where in text


def test_planted_attribute_update_is_named(archive, tmp_path):
    loc, where, line, text = _run(archive, tmp_path, "self.count = torch.add(count, 1)",
                                  "self.count = torch.sub(count, 1)")
    d = loc.run_first
    assert (d.kind, d.op, d.attr, d.code_line, d.execution) == ("DIFFERS", "prim::SetAttr", "count", line, 1), text
    assert re.search(r"prim::SetAttr \.count \(execution #1\) computes a different value", text), text
    assert where in text


class _Wrap(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)[0]


class _WhileFormat(torch.nn.Module):
    def forward(self, x):
        i = 0
        while i < 3:
            x = x * 2
            i += 1
        s = "v{}".format(i)
        return x + len(s)


def _models():
    return {
        "gru": (_Wrap(torch.nn.GRU(4, 5)), (torch.randn(3, 1, 4),)),
        "lstm": (_Wrap(torch.nn.LSTM(4, 5, num_layers=2)), (torch.randn(3, 1, 4),)),
        "mha": (torch.nn.MultiheadAttention(8, 2), (torch.randn(3, 1, 8), torch.randn(3, 1, 8), torch.randn(3, 1, 8))),
        "transformer": (torch.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0),
                        (torch.randn(3, 1, 8), torch.randn(2, 1, 8))),
        "while_format": (_WhileFormat(), (torch.randn(3),)),
    }


@pytest.mark.parametrize("name", sorted(_models()))
def test_scripted_models_localize_without_torch_internal_errors(name, tmp_path):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, inputs = _models()[name]
        path = str(tmp_path / ("%s.pt" % name))
        torch.jit.script(model.eval()).save(path)
        loaded = torch.jit.load(path)
    loc = localize(loaded, "forward", inputs, path=path)
    text = "\n".join(loc.describe())
    assert loc.note is None, text
    for bad in ("toPyObject", "Uninitialized", "require a single output", "UNSUPPORTED"):
        assert bad not in text, text
    assert loc.checked > 0 and loc.unsupported == {}, text
    assert loc.first is None and loc.run_first is None, text
    assert loc.run_compared > 0, text
