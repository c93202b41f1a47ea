#!/usr/bin/env python3
"""gen_op_args.py - write csrc/ops/op_args.gen.h: named, typed kernel arguments
derived from the schema strings the kernels are registered with.

A kernel written as

    PTS_KERNEL(k_hardtanh)
    {
        ... a->self ... a->min_val ... a->max_val ...
    }

and registered (in the same file) with

    PTS_OP("aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", k_hardtanh),

gets from this generator a `struct k_hardtanh_args` whose fields are the
schema's arguments, named as the schema names them, and an inline
`k_hardtanh_unpack` that fills it from the registry's positional arguments
(already type-checked, defaults filled).  PTS_KERNEL (ops/args.h) expands to
the pts_kernel_fn the table registers plus the body's signature
`(const pts_op *op, const struct k_hardtanh_args *a, pts_value *rets)`.
Renaming or retyping a schema argument therefore changes the struct, and a
kernel still reading the old field fails to compile; a stale header fails
`python3 tools/gen_op_args.py --check` (run by tests/unit/test_op_args.py).

Only kernels written with PTS_KERNEL get a struct.  The generator refuses:
  * a PTS_KERNEL with no literal PTS_OP("...", k) line in its file (no schema,
    or only registered through a macro that builds the schema string);
  * a PTS_KERNEL registered for several schemas whose argument names differ
    (count, order or spelling) - such a kernel stays positional until split;
    where only an argument's type differs between them (Tensor self in one
    overload, Scalar self in another), that field is the raw pts_value;
  * one kernel name converted in two files with different argument lists
    (rename one of the static kernels);
  * vararg schemas.

C types (fields are borrowed, like the positional values):
  Tensor                   pts_tensor *
  Tensor?                  pts_tensor *, NULL for None
  int, SymInt              int64_t
  float                    double
  bool                     bool
  int?, SymInt?, float?, bool?   the value (0 for None) plus `bool has_<name>`
  str                      const char *
  str?                     const char *, NULL for None
  ScalarType               int (the dtype code)
  ScalarType?              int, -1 for None
  anything else            pts_value (Scalar keeps its int/float tag, which
                           matters for type promotion; lists, Device, ...)
A schema name that is a C keyword (or a macro of the C library) gets a
trailing underscore: `default` -> `default_`.

Usage: python3 tools/gen_op_args.py [--check] [--root DIR]
  (no option)  write the header
  --check      exit 1 (with a message) if the committed header is stale or an
               error is found; write nothing
"""
import argparse
import os
import re
import sys

HEADER = os.path.join("csrc", "ops", "op_args.gen.h")
OPS_DIR = os.path.join("csrc", "ops")

C_RESERVED = set("""
auto break case char const continue default do double else enum extern float for goto if inline int
long register restrict return short signed sizeof static struct switch typedef union unsigned void
volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert
_Thread_local bool true false NULL I errno assert EOF NAN INFINITY stdin stdout stderr
""".split())


class GenError(Exception):
    pass


def strip_comments(src):
    """C source without comments (string and char literals kept; newlines kept)."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


LITERAL_OP = re.compile(r'\s*"((?:[^"\\\n]|\\.)*)"\s*,\s*([A-Za-z_]\w*)\s*$')


def op_calls(src):
    """(schema or None, kernel) for each PTS_OP(...) in src: the schema when
    the first argument is one string literal, None otherwise (a macro pasting
    the string together, or a string split over several literals)."""
    for m in re.finditer(r'\bPTS_OP\(', src):
        i, depth = m.end(), 1
        while i < len(src) and depth:
            c = src[i]
            if c in "\"'":
                j = i + 1
                while j < len(src) and src[j] != c:
                    j += 2 if src[j] == "\\" else 1
                i = j
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        inner = src[m.end():i - 1]
        lit = LITERAL_OP.match(inner)
        if lit:
            yield unescape(lit.group(1)), lit.group(2)
        else:
            fn = re.search(r',\s*([A-Za-z_]\w*)\s*$', inner)
            if fn:
                yield None, fn.group(1)


KERNEL = re.compile(r'\bPTS_KERNEL\(\s*([A-Za-z_]\w*)\s*\)')


def unescape(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def split_top(s, sep):
    """Split s at `sep` characters outside brackets and string literals."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        c = s[i]
        if c in "\"'":
            j = i + 1
            while j < len(s) and s[j] != c:
                j += 2 if s[j] == "\\" else 1
            cur.append(s[i:j + 1])
            i = j + 1
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


ALIAS = re.compile(r'\(\s*(?:[a-z]!?(?:\s*->\s*\*)?|\*)\s*\)')


def parse_args(schema):
    """[(type, name)] of a schema's arguments (keyword-only markers dropped)."""
    open_ = schema.find("(")
    if open_ < 0:
        raise GenError("no argument list")
    depth, i = 0, open_
    while i < len(schema):
        c = schema[i]
        if c in "\"'":
            i = schema.index(c, i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                break
        i += 1
    inner = schema[open_ + 1:i].strip()
    out = []
    if not inner:
        return out
    for part in split_top(inner, ","):
        part = part.strip()
        if part == "*":
            continue
        if part == "...":
            raise GenError("vararg schema")
        decl = split_top(part, "=")[0].strip()
        m = re.match(r'^(.*\S)\s+([A-Za-z_]\w*)$', decl)
        if not m:
            raise GenError("cannot read argument %r" % part)
        ty = re.sub(r'\s+', '', ALIAS.sub("", m.group(1)))
        out.append((ty, m.group(2)))
    return out


def fields_of(ty, name):
    """[(c_type, field, unpack_expr_fmt)] for one argument; {v} is the pts_value."""
    f = name + "_" if name in C_RESERVED else name
    has = "has_" + name
    if ty == "Tensor":
        return [("pts_tensor *", f, "PTS_ARG_TENSOR({v})")]
    if ty == "Tensor?":
        return [("pts_tensor *", f, "pts_arg_opt_tensor({v})")]
    if ty in ("int", "SymInt"):
        return [("int64_t", f, "pts_arg_int({v})")]
    if ty == "float":
        return [("double", f, "pts_arg_double({v})")]
    if ty == "bool":
        return [("bool", f, "pts_arg_bool({v})")]
    if ty in ("int?", "SymInt?", "float?", "bool?"):
        ct, conv = {"int": ("int64_t", "pts_arg_int"), "SymInt": ("int64_t", "pts_arg_int"),
                    "float": ("double", "pts_arg_double"), "bool": ("bool", "pts_arg_bool")}[ty[:-1]]
        return [(ct, f, "PTS_ARG_IS_NONE({v}) ? 0 : %s({v})" % conv),
                ("bool", has, "!PTS_ARG_IS_NONE({v})")]
    if ty == "str":
        return [("const char *", f, "PTS_STR({v})->data")]
    if ty == "str?":
        return [("const char *", f, "PTS_ARG_IS_NONE({v}) ? NULL : PTS_STR({v})->data")]
    if ty == "ScalarType":
        return [("int", f, "(int)pts_arg_int({v})")]
    if ty == "ScalarType?":
        return [("int", f, "pts_arg_opt_dtype({v})")]
    return [("pts_value", f, "{v}")]


def scan(root):
    """{kernel: entry} for every PTS_KERNEL under csrc/ops, in a stable order."""
    ops_dir = os.path.join(root, OPS_DIR)
    files = []
    for d, _, names in os.walk(ops_dir):
        files += [os.path.join(d, n) for n in names if n.endswith(".c")]
    files.sort()
    errors, kernels = [], {}
    for path in files:
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        with open(path, encoding="utf-8") as fh:
            src = strip_comments(fh.read())
        wanted = []
        for m in re.finditer(r'\bPTS_KERNEL\(', src):
            if not KERNEL.match(src, m.start()):
                line = src.count("\n", 0, m.start()) + 1
                errors.append("%s:%d: PTS_KERNEL must name its kernel literally (PTS_KERNEL(k_name)), "
                              "not through a macro" % (rel, line))
        for m in KERNEL.finditer(src):
            if m.group(1) not in wanted:
                wanted.append(m.group(1))
        if not wanted:
            continue
        literal, nonliteral = {}, set()
        for schema, fn in op_calls(src):
            if schema is None:
                nonliteral.add(fn)
            else:
                literal.setdefault(fn, []).append(schema)
        # every mention of a converted kernel that is neither its PTS_KERNEL nor
        # a literal PTS_OP: a macro might register it under another schema, or
        # a caller pass it other arguments
        masked = re.sub(r'\bPTS_KERNEL\(\s*\w+\s*\)', "", src)
        masked = re.sub(r'\bPTS_OP\(\s*"(?:[^"\\\n]|\\.)*"\s*,\s*\w+\s*\)', "", masked)
        for k in wanted:
            where = "%s: %s" % (rel, k)
            if k in nonliteral:
                errors.append("%s: registered through a PTS_OP whose schema is not one string literal; "
                              "write it out or keep the kernel positional" % where)
                continue
            other = re.search(r'\b%s\b' % re.escape(k), masked)
            if other:
                line = masked.count("\n", 0, other.start()) + 1
                errors.append("%s: used at line %d other than in PTS_KERNEL(%s) and PTS_OP(\"<schema>\", %s) "
                              "(a macro registering it, or a direct call); keep it positional or call a helper"
                              % (where, line, k, k))
                continue
            if k not in literal:
                errors.append("%s: PTS_KERNEL without a PTS_OP(\"...\", %s) line in the file" % (where, k))
                continue
            parsed = []
            for schema in literal[k]:
                try:
                    parsed.append(parse_args(schema))
                except GenError as e:
                    errors.append("%s: %s in %r" % (where, e, schema))
                    break
            else:
                names0 = [nm for _, nm in parsed[0]]
                bad = [s for s, p in zip(literal[k], parsed) if [nm for _, nm in p] != names0]
                if bad:
                    errors.append("%s: registered for schemas whose arguments differ (%r vs %r); split the "
                                  "kernel or keep it positional" % (where, literal[k][0], bad[0]))
                    continue
                # per argument: its fields when every schema types it alike, else the raw
                # pts_value (e.g. a Tensor in one overload and a Scalar in another)
                argfields = []
                for i, nm in enumerate(names0):
                    variants = [fields_of(p[i][0], nm) for p in parsed]
                    if all(v == variants[0] for v in variants):
                        argfields.append(variants[0])
                    else:
                        argfields.append([("pts_value", nm + "_" if nm in C_RESERVED else nm, "{v}")])
                fields = [fl for af in argfields for fl in af]
                first = [(ct, f) for ct, f, _ in fields]
                names = [f for _, f in first]
                dup = sorted({n for n in names if names.count(n) > 1})
                if dup:
                    errors.append("%s: field names collide: %s" % (where, ", ".join(dup)))
                    continue
                entry = {"file": rel, "schemas": literal[k], "fields": fields, "argfields": argfields}
                if k in kernels:
                    prev = kernels[k]
                    if [(ct, f) for ct, f, _ in prev["fields"]] != first:
                        errors.append("%s: also converted in %s with other arguments; rename one of the two "
                                      "static kernels" % (where, prev["file"]))
                    else:
                        prev["schemas"] += [s for s in entry["schemas"] if s not in prev["schemas"]]
                        prev["file"] += ", " + rel
                    continue
                kernels[k] = entry
    if errors:
        raise GenError("\n".join(errors))
    return kernels


def render(kernels):
    out = ["/* op_args.gen.h - generated by tools/gen_op_args.py from the PTS_OP schema strings; do not edit.",
           " * Regenerate after changing a converted kernel's schema or adding a PTS_KERNEL:",
           " *     python3 tools/gen_op_args.py",
           " * One struct per PTS_KERNEL (see ops/args.h): the schema's arguments, named as",
           " * the schema names them, borrowed like the positional values they come from. */",
           "#ifndef PTS_OPS_OP_ARGS_GEN_H",
           "#define PTS_OPS_OP_ARGS_GEN_H",
           "",
           '#include "ops/args.h"',
           ""]
    for k, e in kernels.items():
        out.append("/* %s */" % e["file"])
        for s in e["schemas"]:
            out.append("/* %s */" % s.replace("*/", "* /"))
        out.append("struct %s_args {" % k)
        if not e["fields"]:
            out.append("    char none_; /* no arguments */")
        for ct, f, _ in e["fields"]:
            out.append("    %s%s%s;" % (ct, "" if ct.endswith("*") else " ", f))
        out.append("};")
        out.append("static inline void %s_unpack(const pts_value *args, struct %s_args *a)" % (k, k))
        out.append("{")
        if not e["fields"]:
            out.append("    (void)args;")
            out.append("    a->none_ = 0;")
        for i, af in enumerate(e["argfields"]):
            for ct, f, expr in af:
                out.append("    a->%s = %s;" % (f, expr.format(v="args[%d]" % i)))
        out.append("}")
        out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed header is stale")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    opt = ap.parse_args(argv)
    try:
        text = render(scan(opt.root))
    except GenError as e:
        print("gen_op_args: error:\n" + str(e), file=sys.stderr)
        return 1
    path = os.path.join(opt.root, HEADER)
    try:
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    except FileNotFoundError:
        old = None
    if opt.check:
        if old != text:
            print("gen_op_args: %s is stale; run python3 tools/gen_op_args.py" % HEADER, file=sys.stderr)
            return 1
        return 0
    if old != text:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print("wrote %s (%d kernels)" % (HEADER, len(kernels_count(text))))
    return 0


def kernels_count(text):
    return re.findall(r'^struct (\w+)_args \{', text, re.M)


if __name__ == "__main__":
    sys.exit(main())
