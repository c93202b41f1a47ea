"""The README's commands typed at the repository root (issue 9).

Python puts the current folder first on sys.path for `python -m pyts` and
`python -m pytest`, so at the repository root the source folder pyts/ is what
`import pyts` finds, not the installed package.  `pip install .` therefore also
builds the engine into the source folder (setup.py), and a source folder
without an engine says so in an ImportError instead of a misleading
"circular import"."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC_PKG = os.path.join(ROOT, "pyts")
EXAMPLE = os.path.join("examples", "models", "my_module_model.pt")


def run(args, cwd, env=None):
    e = dict(os.environ)
    e.pop("PYTHONPATH", None)
    e.update(env or {})
    return subprocess.run([sys.executable] + args, cwd=cwd, capture_output=True, text=True, env=e, timeout=300)


def test_source_folder_without_engine_says_how_to_build(tmp_path):
    pkg = tmp_path / "pyts"
    pkg.mkdir()
    for f in glob.glob(os.path.join(SRC_PKG, "*.py")):
        shutil.copy(f, pkg)
    out = run(["-c", "import pyts"], cwd=str(tmp_path))
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: pyts: the compiled engine pyts._C is not built in %s" % pkg), out.stderr
    assert "pip install ." in last and "build_ext --inplace" in last
    assert "circular import" not in out.stderr


def test_python_m_pyts_at_the_source_folder_without_engine_exits_cleanly(tmp_path):
    pkg = tmp_path / "pyts"
    pkg.mkdir()
    for f in glob.glob(os.path.join(SRC_PKG, "*.py")):
        shutil.copy(f, pkg)
    out = run(["-m", "pyts", "run", "x.pt"], cwd=str(tmp_path))
    assert out.returncode == 1
    assert "pyts._C is not built" in out.stderr and "circular import" not in out.stderr


def test_setup_py_builds_the_engine_in_place_too():
    """setup.py's build_ext copies the built extension into the source pyts/."""
    src = open(os.path.join(ROOT, "setup.py")).read()
    if "def run(self)" not in src:
        pytest.fail("setup.py lost its in-place copy of the engine")
    if not glob.glob(os.path.join(SRC_PKG, "_C.*")):
        pytest.skip("no engine in the source folder: pyts was not built from this checkout (pip install . builds one)")
    # the source folder's engine is a complete pyts: the README's main command
    # at the repository root prints ok and the model's outputs
    out = run(["-m", "pyts", "run", EXAMPLE, "--input", "ones:20"], cwd=ROOT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "ok"
    assert len(lines[-1].split()) == 5


def test_readme_main_command_is_the_one_ci_runs_from_the_root():
    readme = open(os.path.join(ROOT, "README.md")).read()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0].strip()
    ci = open(os.path.join(ROOT, ".ci", "run")).read()
    assert block in ci, "the README's main command must be run verbatim by .ci/run"
    # ... from the clone's root: not inside a `cd` subshell
    line = [ln for ln in ci.splitlines() if block in ln][0]
    assert "cd " not in line.split(block)[0], line
