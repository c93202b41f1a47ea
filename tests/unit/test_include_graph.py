"""The include graph of csrc/ follows the pipeline's layer order (tools/check_includes.py):
no include reaches up a layer, no two rooms include each other, the bindings (api/, python/,
tools/) stand on the engine facade only, and no room has an include cycle among its files."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tools", "check_includes.py")


def test_include_graph_follows_layers():
    r = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_checker_reports_a_back_edge(tmp_path):
    """The checker itself fails on a value -> tensor include and on a loop inside a room."""
    sys.path.insert(0, os.path.dirname(SCRIPT))
    try:
        import check_includes
    finally:
        sys.path.pop(0)
    (tmp_path / "value").mkdir()
    (tmp_path / "tensor").mkdir()
    (tmp_path / "tensor" / "tensor.h").write_text('#include "value/value.h"\n')
    (tmp_path / "value" / "value.h").write_text('#include "value/b.h"\n')
    (tmp_path / "value" / "b.h").write_text('#include "value/value.h"\n')
    (tmp_path / "value" / "value.c").write_text('#include "value/value.h"\n\n#include "tensor/tensor.h"\n')
    errors, _ = check_includes.check(str(tmp_path))
    assert any(e.startswith("value/value.c:3:") and "reaches up into tensor" in e for e in errors), errors
    assert any("include cycle inside value" in e for e in errors), errors
