"""Kernels' named arguments (csrc/ops/op_args.gen.h) stay in step with their
schema strings: the committed header is what tools/gen_op_args.py writes from
today's PTS_OP lines, the generator refuses kernels it cannot describe, and a
renamed schema argument breaks the compile of a kernel reading the old name.
(No torch needed.)"""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "gen_op_args.py")


def run_tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


def test_committed_header_is_fresh():
    r = run_tool("--check")
    assert r.returncode == 0, r.stderr + "\n(regenerate with: python3 tools/gen_op_args.py)"


def make_tree(tmp_path, body):
    ops = tmp_path / "csrc" / "ops"
    ops.mkdir(parents=True)
    (ops / "fam.c").write_text(textwrap.dedent(body))
    return tmp_path


def generate(root):
    return run_tool("--root", str(root))


def test_generated_fields(tmp_path):
    root = make_tree(tmp_path, r'''
        PTS_KERNEL(k_f) { return PTS_OK; }
        const pts_op_def t[] = {
            PTS_OP("aten::f(Tensor(a!) self, Tensor? w, int[2] k=1, int? dim=None, float p=0.5, bool b=False, "
                   "str mode=\"x,y\", str? s=None, ScalarType? dtype=None, Scalar alpha=1, *, bool default=True) -> Tensor", k_f),
            {NULL, NULL},
        };
    ''')
    # the schema continues on a second string literal above: not one literal, so refused
    r = generate(root)
    assert r.returncode == 1 and "not one string literal" in r.stderr
    (root / "csrc" / "ops" / "fam.c").write_text(textwrap.dedent(r'''
        PTS_KERNEL(k_f) { return PTS_OK; }
        const pts_op_def t[] = {
            PTS_OP("aten::f(Tensor(a!) self, Tensor? w, int[2] k=1, int? dim=None, float p=0.5, bool b=False, str mode=\"x,y\", str? s=None, ScalarType? dtype=None, Scalar alpha=1, *, bool default=True) -> Tensor", k_f),
            {NULL, NULL},
        };
    '''))
    r = generate(root)
    assert r.returncode == 0, r.stderr
    text = (root / "csrc" / "ops" / "op_args.gen.h").read_text()
    struct = text[text.index("struct k_f_args {"):text.index("};", text.index("struct k_f_args {"))]
    for field in ["pts_tensor *self;", "pts_tensor *w;", "pts_value k;", "int64_t dim;", "bool has_dim;",
                  "double p;", "bool b;", "const char *mode;", "const char *s;", "int dtype;", "pts_value alpha;",
                  "bool default_;"]:
        assert field in struct, field
    assert "a->default_ = pts_arg_bool(args[10]);" in text
    assert run_tool("--root", str(root), "--check").returncode == 0


@pytest.mark.parametrize("body, message", [
    ("PTS_KERNEL(k_g) { return PTS_OK; }\nconst pts_op_def t[] = {{NULL, NULL}};\n", "without a PTS_OP"),
    ('PTS_KERNEL(k_g) { return PTS_OK; }\nconst pts_op_def t[] = {\n'
     '    PTS_OP("aten::g(Tensor self, int dim) -> Tensor", k_g),\n'
     '    PTS_OP("aten::g.x(Tensor self, int axis) -> Tensor", k_g),\n};\n', "differ"),
    ('#define K(n) PTS_KERNEL(k_##n)\n', "literally"),
    ('#define OPS(name, k) PTS_OP("aten::" name "(Tensor self) -> Tensor", k)\n'
     'PTS_KERNEL(k_g) { return PTS_OK; }\nconst pts_op_def t[] = {\n'
     '    PTS_OP("aten::g(Tensor self) -> Tensor", k_g),\n    OPS("h", k_g),\n};\n', "used at line 5"),
    ('PTS_KERNEL(k_g) { return PTS_OK; }\nstatic pts_status k_h(const pts_op *op, pts_value *args, pts_value *rets)\n'
     '{ return k_g(op, args, rets); }\nconst pts_op_def t[] = {\n'
     '    PTS_OP("aten::g(Tensor self) -> Tensor", k_g),\n    PTS_OP("aten::h(int n) -> Tensor", k_h),\n};\n',
     "direct call"),
])
def test_generator_refuses(tmp_path, body, message):
    r = generate(make_tree(tmp_path, body))
    assert r.returncode == 1
    assert message in r.stderr, r.stderr


def test_overloads_typing_an_argument_differently_get_the_raw_value(tmp_path):
    """add.Tensor / add.Scalar style: one kernel, `other` a Tensor in one overload and a
    Scalar in the other, so its field is the pts_value; `self` agrees and stays typed."""
    root = make_tree(tmp_path, 'PTS_KERNEL(k_g) { return PTS_OK; }\nconst pts_op_def t[] = {\n'
                               '    PTS_OP("aten::g.Tensor(Tensor self, Tensor other, int? dim=None) -> Tensor", k_g),\n'
                               '    PTS_OP("aten::g.Scalar(Tensor self, Scalar other, int dim=0) -> Tensor", k_g),\n};\n')
    r = generate(root)
    assert r.returncode == 0, r.stderr
    text = (root / "csrc" / "ops" / "op_args.gen.h").read_text()
    struct = text[text.index("struct k_g_args {"):text.index("};", text.index("struct k_g_args {"))]
    assert "pts_tensor *self;" in struct and "pts_value other;" in struct and "pts_value dim;" in struct
    assert "has_dim" not in struct
    assert "a->other = args[1];" in text and "a->dim = args[2];" in text


def test_stale_header_fails_check(tmp_path):
    root = make_tree(tmp_path, 'PTS_KERNEL(k_g) { return PTS_OK; }\n'
                               'const pts_op_def t[] = {PTS_OP("aten::g(Tensor self, int dim) -> Tensor", k_g)};\n')
    assert generate(root).returncode == 0
    src = root / "csrc" / "ops" / "fam.c"
    src.write_text(src.read_text().replace("int dim", "int axis"))
    r = run_tool("--root", str(root), "--check")
    assert r.returncode == 1 and "stale" in r.stderr


@pytest.mark.skipif(not shutil.which("cc"), reason="no C compiler")
def test_renamed_schema_argument_breaks_the_kernel(tmp_path):
    """A kernel reading a->min_val compiles against its schema and fails once
    the schema calls the argument something else."""
    kernel = textwrap.dedent(r'''
        #include "ops/op_args.gen.h"
        #include "ops/args.h"
        PTS_KERNEL(k_clampish)
        {
            double lo = pts_arg_double(a->min_val);
            (void)lo;
            rets[0] = pts_ret_tensor_ref(a->self);
            return PTS_OK;
        }
        const pts_op_def t[] = {
            PTS_OP("aten::clampish(Tensor self, Scalar min_val=-1) -> Tensor", k_clampish),
            {NULL, NULL},
        };
    ''')
    root = make_tree(tmp_path, kernel)
    src = root / "csrc" / "ops" / "fam.c"

    def compile_():
        assert generate(root).returncode == 0
        return subprocess.run(["cc", "-std=c11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                               "-I", str(root / "csrc"), "-I", os.path.join(ROOT, "csrc"), str(src)],
                              capture_output=True, text=True)

    r = compile_()
    assert r.returncode == 0, r.stderr
    src.write_text(kernel.replace("Scalar min_val", "Scalar lower"))
    r = compile_()
    assert r.returncode != 0 and "min_val" in r.stderr
