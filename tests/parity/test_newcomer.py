"""What a newcomer meets first, following the README (issue 9): the command
line piped into `head`, the README's Python snippets run as written."""
import os
import re
import subprocess
import sys
import textwrap

import pytest
import torch

import pyts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pyts_cwd():
    # run from the imported pyts's folder's parent, so a checkout's pyts/ is what runs
    return os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))


@pytest.mark.parametrize("cmd", ["info", "check"])
def test_cli_piped_into_head_ends_quietly(tmp_path, cmd):
    torch.manual_seed(0)
    layers = []
    for _ in range(60):
        layers += [torch.nn.Linear(8, 8), torch.nn.ReLU()]
    path = str(tmp_path / "deep.pt")
    torch.jit.script(torch.nn.Sequential(*layers)).save(path)
    args = [sys.executable, "-m", "pyts", cmd, path] + (["--input", "ones:1,8", "--rtol", "0", "--atol", "0"]
                                                        if cmd == "check" else ["--depth", "5"])
    # `... | head -1`: read one line, then close the pipe as head does
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=_pyts_cwd())
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    rc = p.wait(timeout=300)
    assert first, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert rc in (0, 1, 141), (rc, err)


def readme_python_blocks():
    text = open(os.path.join(ROOT, "README.md")).read()
    return [textwrap.dedent(b) for b in re.findall(r"^( *)```python\n(.*?)^ *```", text, re.S | re.M)
            for b in [b[1]]]


def test_readme_python_snippets_import_what_they_use():
    """Every name a README Python snippet uses is imported or defined in it
    (pyflakes-style: compile, then look for undefined top-level names)."""
    import builtins
    import symtable
    blocks = readme_python_blocks()
    assert blocks
    for code in blocks:
        table = symtable.symtable(code, "README", "exec")
        defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
        for sub in table.get_children():
            defined.add(sub.get_name())
        used = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
        for child in table.get_children():  # names used inside functions
            used |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        missing = sorted(n for n in used - defined if not hasattr(builtins, n))
        # names the snippet receives from pytest (fixture parameters) are defined by the test's signature
        assert not missing, "README snippet uses %s without importing or defining it:\n%s" % (missing, code)
