"""Every registered aten op that takes or returns a Tensor has an op parity
test.  An op counts as covered only when a test of the op suite actually
called it (pyts._C.call_op) in this pytest session: op_calls.py records the
calls of every op test, and moves these tests to the end of the run (under
pytest-xdist they wait for the op tests of the other workers).  When the op
suite is not part of the session (this file alone, or -k), it is run here,
in a subprocess, for its records.  Each test module's COVERED list (kept
next to the tables that drive its tests) must name registered ops.  Ops
owned by other families are listed below with where their tests live."""
import importlib
import json
import os
import re
import subprocess
import sys
import time

import pytest

import pyts
from op_calls import CALLS, DESELECTED, is_op_test, shared_dir

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_OPS = os.path.join(HERE, "..", "..", "..", "csrc", "ops")
MODULES = ["test_elementwise", "test_reduce", "test_shape", "test_index", "test_create", "test_nn"]
MODULES += ["test_views", "test_math", "test_sort", "test_loss", "test_products", "test_scatter"]
MODULES += ["test_stack", "test_embed", "test_bessel", "test_stats", "test_complex", "test_fft"]
MODULES += ["test_linalg_eig", "test_gradient", "test_stft", "test_dtypes"]
MODULES += ["test_complex_products", "test_complex_elem"]

# Ops of the nn families (csrc/ops/nn/*.c, csrc/ops/linalg/matmul.c) registered when this list was
# written: covered by tests/parity/ops/test_nn_*.py (test_nn.COVERED lists
# them; each test_nn_<family>.py checks its case table runs all of its
# family's ops).  Ops added to those files later are picked up from the
# sources as well, and must get a test.
NN_OPS = [
    "aten::_convolution", "aten::_convolution.deprecated", "aten::convolution", "aten::conv1d",
    "aten::conv1d.padding", "aten::conv2d", "aten::conv2d.padding", "aten::conv3d", "aten::conv3d.padding",
    "aten::conv_transpose1d", "aten::conv_transpose2d.input", "aten::conv_transpose3d.input",
    "aten::mm", "aten::bmm", "aten::matmul", "aten::addmm", "aten::baddbmm", "aten::addmv", "aten::mv", "aten::dot",
    "aten::linear",
]
# Tensor-taking ops of csrc/ops/prim/*.c (tensor -> Python value, metadata):
# covered by the language suite (tests/parity/lang/).
PRIM_OPS = [
    "aten::item", "aten::Int.Tensor", "aten::Float.Tensor", "aten::Bool.Tensor", "aten::ScalarImplicit",
    "aten::FloatImplicit", "aten::IntImplicit", "aten::size", "aten::size.int", "aten::sym_size",
    "aten::sym_size.int", "aten::stride", "aten::stride.int", "aten::dim", "aten::numel", "aten::sym_numel",
    "aten::len.Tensor", "aten::is_floating_point", "aten::is_complex", "aten::is_contiguous", "aten::element_size",
    "aten::storage_offset", "aten::get_device",
]

PTS_OP_LINE = re.compile(r'PTS_OP\("(aten::[^"(]+)\(')


def tensor_ops():
    """Full names ("aten::add.Tensor") of registered aten ops whose schema has a Tensor."""
    out = set()
    for s in pyts.supported_ops():
        if s.startswith("aten::") and re.search(r"\bTensor\b", s):
            out.add(s.split("(")[0])
    return out


def _op_modules():
    """The op test modules that define tests (test_nn.py only holds shared tables)."""
    import ast

    out = []
    for f in sorted(os.listdir(HERE)):
        if f.startswith("test_") and f.endswith(".py") and f != "test_coverage.py":
            with open(os.path.join(HERE, f)) as fh:
                tree = ast.parse(fh.read())
            if any(isinstance(n, ast.FunctionDef) and n.name.startswith("test") for n in tree.body):
                out.append(f)
    return out


def _records_of_this_session(session, timeout=3600.0):
    """{test id: ops called} of every op test of this session, or None when
    the session does not run the whole op suite."""
    op_items = [i.nodeid for i in session.items if is_op_test(i)]
    files = {os.path.basename(n.split("::")[0]) for n in op_items}
    if DESELECTED or files != set(_op_modules()):
        return None
    want = set(op_items)
    d = shared_dir(session.config)
    deadline = time.monotonic() + timeout
    while True:
        records = dict(CALLS)
        if d is not None:      # xdist: the other workers' records too
            for f in os.listdir(d):
                with open(os.path.join(d, f)) as fh:
                    for line in fh:
                        if line.endswith("\n"):
                            r = json.loads(line)
                            records[r["test"]] = r["ops"]
        missing = want - set(records)
        if not missing:
            return records
        if d is None or time.monotonic() > deadline:
            raise AssertionError("%d op tests of this session left no record of their calls, e.g. %s" % (
                len(missing), sorted(missing)[:3]))
        time.sleep(1.0)


def _records_from_a_run():
    """Run the op suite in a subprocess (without this file) for its records."""
    import tempfile

    root = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "called.json")
        env = dict(os.environ, PYTS_OPS_CALLED_OUT=out)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        subprocess.run([sys.executable, "-m", "pytest", "-p", "pyts.pytest_plugin", "-p", "no:cacheprovider",
                        "-p", "no:xdist", "-q", "--ignore", os.path.join(HERE, "test_coverage.py"), HERE],
                       env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=7200)
        with open(out) as f:
            return json.load(f)


_CALLED = None


@pytest.fixture
def called_names(request):
    """Op names some op test called in this session (or in a run of the op suite made for it)."""
    global _CALLED
    if _CALLED is None:
        records = _records_of_this_session(request.session)
        if records is None:
            records = _records_from_a_run()
        _CALLED = set()
        for ops in records.values():
            _CALLED.update(ops)
    return _CALLED


# Family files under csrc/ops/, by owner: the nn kernels (csrc/ops/nn/ and the
# BLAS products of linalg/matmul.c: test_nn_*.py), the prim-level families
# (prim/, random/: the language suite and the reviewed list below), and all the
# other domains (pointwise/, reduce/, shape/, index/, factory/, linalg/ ...:
# the op suites here).
NN_FAMILIES = ["nn", os.path.join("linalg", "matmul.c")]
OTHER_FAMILIES = ["prim", "random"]


def family_files(entries):
    """The .c files of csrc/ops/ named by entries (a file or a whole folder), relative to csrc/ops/."""
    out = []
    for e in entries:
        path = os.path.join(SRC_OPS, e)
        if os.path.isdir(path):
            out += sorted(os.path.join(e, f) for f in os.listdir(path) if f.endswith(".c"))
        elif os.path.exists(path):
            out.append(e)
    return out


def my_families():
    """Every family file of csrc/ops/<domain>/ that is neither nn's nor prim-level."""
    if not os.path.isdir(SRC_OPS):
        return []
    skip = set(family_files(NN_FAMILIES + OTHER_FAMILIES))
    out = []
    for d in sorted(os.listdir(SRC_OPS)):
        if os.path.isdir(os.path.join(SRC_OPS, d)):
            out += [f for f in family_files([d]) if f not in skip]
    return out


def registered_in(files):
    """Op names on the PTS_OP("...") lines of csrc/ops/<file> (None if the sources are not there)."""
    if not files:
        return None
    out = set()
    for f in files:
        path = os.path.join(SRC_OPS, f)
        if not os.path.exists(path):
            return None
        with open(path) as fh:
            out |= set(PTS_OP_LINE.findall(fh.read()))
    return out


def split_owners():
    """(ours, nn, prim): tensor ops of the families tested here, of the nn kernels, and the rest
    (prim ops: tensor metadata, list/dict/str helpers - the language suite's)."""
    ops = tensor_ops()
    nn = (registered_in(family_files(NN_FAMILIES)) or set()) | set(NN_OPS)
    ours = registered_in(my_families())
    if ours is None:  # no sources (installed package): everything not listed as another family's is ours
        ours = ops - nn - set(PRIM_OPS)
    ours &= ops
    return ours, nn & ops, ops - ours - nn


def test_every_tensor_op_has_a_parity_test(called_names):
    ours, _, _ = split_owners()
    assert len(ours) > 300, "the family sources were not parsed (%d ops)" % len(ours)
    missing = sorted(ours - called_names)
    assert not missing, "registered tensor ops without an op parity test:\n  " + "\n  ".join(missing)


def test_covered_names_are_registered():
    """A COVERED entry that is not registered is a typo (or a removed op)."""
    registered = {s.split("(")[0] for s in pyts.supported_ops()}
    stale = sorted(n for m in MODULES for n in importlib.import_module(m).COVERED if n not in registered)
    assert not stale, "COVERED names that are not registered ops: %s" % stale


def test_every_nn_op_has_a_parity_test(called_names):
    """Every tensor op of csrc/ops/nn/ and linalg/matmul.c is run by tests/parity/ops/test_nn_*.py."""
    _, nn, _ = split_owners()
    assert len(nn) >= 128, "the nn sources were not parsed (%d ops)" % len(nn)
    missing = sorted(nn - called_names)
    assert not missing, "registered nn ops without an op parity test (add them to test_nn_*.py):\n  " + \
        "\n  ".join(missing)


# Tensor-taking prim-level queries registered in csrc/ops/prim/*.c and exercised by the
# language suite (tests/parity/lang: x.size(), x.dim(), int(t), t.item(), ...) rather than by an
# op-level case.  A new prim op that takes a Tensor must be added here deliberately, or get a case.
PRIM_BY_LANGUAGE_SUITE = {
    "aten::Bool.Tensor", "aten::Delete.Dict_Tensor", "aten::Float.Tensor", "aten::FloatImplicit",
    "aten::Int.Tensor", "aten::IntImplicit", "aten::ScalarImplicit", "aten::__contains__.Tensor",
    "aten::__getitem__.Dict_Tensor", "aten::_set_item.Tensor", "aten::dim", "aten::element_size",
    "aten::eq.Tensor_list", "aten::get_device", "aten::is_complex", "aten::is_contiguous",
    "aten::is_floating_point", "aten::item", "aten::len.Dict_Tensor", "aten::len.Tensor",
    "aten::ne.Tensor_list", "aten::numel", "aten::size", "aten::size.int", "aten::storage_offset",
    "aten::stride", "aten::stride.int", "aten::sym_numel", "aten::sym_size", "aten::sym_size.int",
    # aten::dict() -> Dict(str, Tensor) takes no argument: a scripted OrderedDict() in torchvision's
    # backbones; run through a scripted function by test_vision.py::test_empty_dict
    "aten::dict",
    # List[Tensor] methods: tensor_list_count_index_remove_eq and tensor_list_sort in
    # tests/parity/lang/programs.py
    "aten::count.Tensor", "aten::index.list_Tensor", "aten::remove.Tensor", "aten::sort.Tensor",
    "aten::sorted.Tensor",
}


def test_prim_tensor_ops_are_accounted_for(called_names):
    """Every tensor-taking prim op has an op case or is on the reviewed list above."""
    _, _, prim = split_owners()
    gap = sorted(prim - called_names - PRIM_BY_LANGUAGE_SUITE)
    assert not gap, "prim ops with a Tensor argument and no test: " + ", ".join(gap)
