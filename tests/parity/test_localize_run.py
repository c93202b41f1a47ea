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


# ---- the HTML / Markdown report ------------------------------------------------------------------

class _Page(__import__("html.parser").parser.HTMLParser):
    """Collects the elements of the page (tag, attributes, text inside)."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("circle", "line", "rect", "polyline", "meta", "br"):
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):   # <line ... />: no content
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        if not any(el["tag"] == tag for el in self.stack):
            return
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"] += data

    def find(self, tag, **attrs):
        return [el for el in self.elements if el["tag"] == tag and all(
            el["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())]


def test_html_report_charts_the_error_and_marks_the_first_divergence(archive, tmp_path):
    from pyts._html import write_report

    loc, where, line, text = _run(archive, tmp_path, "torch.sub(acc[2], acc[1])", "torch.sub(acc[2], acc[3])")
    run = loc.to_dict()["pyts_run"]
    series, first = run["series"], run["first_index"]
    assert first is not None and series[first][1] == where, (first, series)
    # the chart's points are the float tensor values compared; before the planted
    # line they agree (relative error within tolerance), at it they do not
    assert all(p[3] <= p[4] for p in series[:first]) and series[first][3] > series[first][4]
    doc = {"versions": {"pyts": "test"}, "summary": None,
           "tests": [{"nodeid": "planted", "outcome": "failed", "duration": 0.0,
                      "checks": [{"ok": False, "verdict": "FAIL", "model": "Model", "method": "forward",
                                  "leaves": [], "localization": loc.to_dict()}]}]}
    page_path = str(tmp_path / "report.html")
    assert write_report(doc, page_path) == "html"
    with open(page_path, encoding="utf-8") as f:
        page = f.read()
    p = _Page()
    p.feed(page)
    # self-contained: nothing fetched from elsewhere, no script
    assert not p.find("script") and not p.find("link") and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    svg = p.find("svg", id="chart-0")
    assert len(svg) == 1
    err = p.find("polyline", class_="error")
    tol = p.find("polyline", class_="tolerance")
    assert len(err) == len(tol) == 1
    assert len(err[0]["attrs"]["points"].split()) == len(series)
    marks = p.find("g", class_="first-divergence")
    assert len(marks) == 1 and where in marks[0]["text"] and "aten::__getitem__" in marks[0]["text"]
    # the marked x position is the first divergence's point on the error line
    mark_x = float(p.find("line", stroke="#c00000")[0]["attrs"]["x1"])
    pt_x = float(err[0]["attrs"]["points"].split()[first].split(",")[0])
    assert abs(mark_x - pt_x) < 0.2
    # log scale: decade ticks
    ticks = [el["text"] for el in p.find("text", class_="tick")]
    assert ticks and all(t.startswith("1e") for t in ticks)
    assert "First difference in pyts's own run" in page and where in page

    md_path = str(tmp_path / "report.md")
    assert write_report(doc, md_path) == "md"
    md = open(md_path, encoding="utf-8").read()
    assert md.startswith("# pyts parity report") and "| planted | ❌ FAIL |" in md and where in md


def test_cli_check_writes_html_and_markdown(tmp_path):
    import subprocess
    import sys
    import os

    path = str(tmp_path / "lin.pt")
    torch.manual_seed(0)
    torch.jit.trace(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh()), torch.randn(2, 4)).save(path)
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("x.html", "x.md"):
        out = str(tmp_path / name)
        r = subprocess.run([sys.executable, "-m", "pyts", "check", path, "--input", "randn:2,4", "--report", out],
                           capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        text = open(out, encoding="utf-8").read()
        if name.endswith(".html"):
            p = _Page()
            p.feed(text)
            rows = p.find("table", class_="leaves")
            assert len(rows) == 1 and "output" in rows[0]["text"] and "True" in rows[0]["text"]
            assert p.find("td", class_="PASS")
        else:
            assert "✅ PASS" in text and "0 / 1" in text


def test_html_report_renders_in_a_headless_browser(archive, tmp_path):
    """Debian's chromium renders the page: the DOM has the chart and its
    mark, and the screenshot shows the mark's red line inside the chart."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (CI installs Debian's chromium: .ci/run)")
    from PIL import Image

    from pyts._html import write_report

    loc, where, line, text = _run(archive, tmp_path, "torch.sub(acc[2], acc[1])", "torch.sub(acc[2], acc[3])")
    doc = {"versions": {}, "summary": None,
           "tests": [{"nodeid": "planted", "outcome": "failed", "duration": 0.0,
                      "checks": [{"ok": False, "verdict": "FAIL", "model": "Model", "method": "forward",
                                  "leaves": [], "localization": loc.to_dict()}]}]}
    page = tmp_path / "report.html"
    write_report(doc, str(page))
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--window-size=1000,900", "--user-data-dir=%s" % (tmp_path / "profile")]
    dom = subprocess.run(common + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = _Page()
    p.feed(dom.stdout)
    assert p.find("svg", id="chart-0") and p.find("polyline", class_="error")
    marks = p.find("g", class_="first-divergence")
    assert len(marks) == 1 and where in marks[0]["text"]
    shot = tmp_path / "shot.png"
    r = subprocess.run(common + ["--screenshot=%s" % shot, page.as_uri()], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    w, h = img.size
    px = img.load()
    # the mark is drawn in #c00000; look for a vertical run of it (the line), not just text
    columns = {}
    for yy in range(0, h, 2):
        for xx in range(w):
            r_, g_, b_ = px[xx, yy]
            if r_ > 170 and g_ < 40 and b_ < 40:
                columns[xx] = columns.get(xx, 0) + 1
    assert columns and max(columns.values()) >= 40, "no red vertical mark in the screenshot"
