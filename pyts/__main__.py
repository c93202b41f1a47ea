"""Command line: python -m pyts <command> ...

    python -m pyts info model.pt          module tree, parameters, methods, ops (and the ones pyts lacks), version
    python -m pyts run model.pt --input ones:1,3,224,224 [--input ...]
                                          run forward (like the tutorial's example-app)
    python -m pyts check model.pt --input ones:1,3,224,224 [--input x.npy] [--method forward]
                     [--rtol R --atol A] [--report out.json] [--no-localize]
                                          run torch.jit and pyts on the same inputs and compare
                                          every output (exit 0: parity, 1: mismatch, 2: usage)
"""
import argparse
import os
import sys

import numpy as np

from . import Error, ExportedModule, load


def _fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0


def _tree(mod, name, depth, out, max_depth):
    nparams = sum(1 for _ in mod.named_parameters(recurse=False))
    label = mod.original_name
    line = "%s%s%s" % ("  " * depth, (name + ": ") if name else "", label)
    if nparams:
        line += "  (%d param tensors)" % nparams
    out.append(line)
    if depth >= max_depth:
        kids = list(mod.named_children())
        if kids:
            out.append("%s  ... %d submodules" % ("  " * depth, len(kids)))
        return
    for cname, child in mod.named_children():
        _tree(child, cname, depth + 1, out, max_depth)


def _info_program(path, m):
    """python -m pyts info of a torch.export archive (.pt2)."""
    major, minor = m.schema_version
    state = m.state_dict()
    lines = ["file: %s" % path, "torch.export program: schema %d.%d, %s IR, archive prefix %s" % (
        major, minor, m.dialect, m.archive_prefix)]
    lines.append("state: %d tensors, %s" % (len(state), _fmt_bytes(sum(v.nbytes for v in state.values()))))
    if m.extra_files:
        lines.append("extra files: %s" % ", ".join(sorted(m.extra_files)))
    unsupported = m.unsupported_ops()
    lines.append("unsupported operators: %d" % len(unsupported))
    for u in unsupported:
        lines.append("  %s at %s" % (u.op, u.location))
    print("\n".join(lines))
    return 0


def cmd_info(args):
    m = load(args.model)
    if isinstance(m, ExportedModule):
        return _info_program(args.model, m)
    lines = []
    lines.append("file: %s" % args.model)
    lines.append("archive prefix: %s, file version: %d" % (m.archive_prefix, m.file_version))
    lines.append("root: %s" % m.qualified_name)
    params = list(m.named_parameters())
    buffers = list(m.named_buffers())
    pcount = sum(int(np.prod(p.shape)) for _, p in params)
    pbytes = sum(p.nbytes for _, p in params)
    bbytes = sum(b.nbytes for _, b in buffers)
    lines.append("parameters: %d tensors, %d values, %s" % (len(params), pcount, _fmt_bytes(pbytes)))
    lines.append("buffers: %d tensors, %s" % (len(buffers), _fmt_bytes(bbytes)))
    lines.append("methods: %s" % ", ".join(m.method_names()))
    if m.extra_files:
        lines.append("extra files: %s" % ", ".join(sorted(m.extra_files)))
    lines.append("module tree:")
    _tree(m, "", 1, lines, args.depth)
    ops = m._handle.called_ops()
    if ops:
        names = sorted({op for op, _file, _line in ops})
        lines.append("operators called (%d): %s" % (len(names), ", ".join(names)))
    # ops pyts lacks: the model loaded, but a call reaching one of these fails
    unsupported = m.unsupported_ops()
    lines.append("unsupported operators: %d" % len(unsupported))
    for u in unsupported:
        lines.append("  %s at %s" % (u.op, u.location))
    print("\n".join(lines))
    return 0


_DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


class _UsageError(Exception):
    pass


def parse_input(spec, index=0):
    """One --input of `run` and `check` (the same grammar for both):

        ones:SHAPE[:DTYPE]  zeros:SHAPE[:DTYPE]   filled tensors (SHAPE: 1,3,224,224; empty: 0-dim)
        rand:SHAPE[:DTYPE]  randn:SHAPE[:DTYPE]   uniform [0, 1) / standard normal, seeded by the
                                                  input's position (index), so runs repeat
        int:N  float:X  bool:B                    a Python scalar argument
        PATH.npy                                  a NumPy array file

    DTYPE: float32, float64, float16, int64, int32, int16, int8, uint8 or
    bool (default float32).  Raises _UsageError (the commands exit 2)."""
    if spec.endswith(".npy"):
        try:
            return np.load(spec, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise _UsageError("cannot read input %s: %s" % (spec, e))
    parts = spec.split(":")
    kind = parts[0]
    if kind in ("int", "float", "bool") and len(parts) == 2:
        try:
            if kind == "bool":
                return parts[1].lower() in ("1", "true", "yes")
            return int(parts[1]) if kind == "int" else float(parts[1])
        except ValueError:
            raise _UsageError("cannot understand input %r" % spec)
    if kind not in ("ones", "zeros", "rand", "randn") or len(parts) > 3:
        raise _UsageError("cannot understand input %r (use ones:1,3,224,224, zeros:..., rand:..., randn:..., "
                          "an optional :dtype, int:N, float:X, bool:B, or a .npy file)" % spec)
    try:
        shape = tuple(int(x) for x in parts[1].split(",") if x.strip()) if len(parts) > 1 else ()
    except ValueError:
        raise _UsageError("bad shape in input %r" % spec)
    dtype = parts[2] if len(parts) > 2 else "float32"
    if dtype not in _DTYPES:
        raise _UsageError("unknown dtype %r in input %r (one of %s)" % (dtype, spec, ", ".join(_DTYPES)))
    rng = np.random.default_rng(index)
    if kind == "ones":
        a = np.ones(shape)
    elif kind == "zeros":
        a = np.zeros(shape)
    elif kind == "rand":
        a = rng.random(shape)
    else:
        a = rng.standard_normal(shape)
    return np.asarray(a).astype(dtype)


INPUT_HELP = ("ones|zeros|rand|randn:1,3,224,224[:dtype] | int:N | float:X | bool:B | file.npy "
              "(repeat once per argument; rand/randn are seeded by position; dtype default float32)")


def _parse_inputs(cmd, specs):
    """The --input list of `cmd` as arguments, or None after printing the usage error."""
    try:
        return tuple(parse_input(s, i) for i, s in enumerate(specs or []))
    except _UsageError as e:
        print("pyts %s: %s" % (cmd, e), file=sys.stderr)
        return None


def cmd_run(args):
    inputs = _parse_inputs("run", args.input)
    if inputs is None:
        return 2
    m = load(args.model)
    print("ok")
    if not args.input:
        return 0
    out = m.forward(*inputs)
    arr = out[0] if isinstance(out, (tuple, list)) else out
    arr = np.asarray(arr)
    flat = arr.reshape(arr.shape[0], -1)[0] if arr.ndim >= 2 else arr.reshape(-1)
    print("output shape: %s" % (tuple(arr.shape),))
    print(" ".join("%.4f" % x for x in flat[: args.count]))
    if args.profile or args.trace:
        from ._profile import profile

        print()
        print(profile(m, *inputs, repeat=args.profile_repeat, warmup=0, trace=args.trace))
        if args.trace:
            print("chrome trace written to %s (open it in https://ui.perfetto.dev)" % args.trace)
    return 0


def cmd_check(args):
    import json
    import os

    if (args.rtol is None) != (args.atol is None):
        print("pyts check: give both --rtol and --atol, or neither", file=sys.stderr)
        return 2
    if not os.path.isfile(args.model):
        print("pyts check: no such file: %s" % args.model, file=sys.stderr)
        return 2
    inputs = _parse_inputs("check", args.input)
    if inputs is None:
        return 2
    try:
        import torch  # noqa: F401
    except ImportError:
        print("pyts check: needs PyTorch (pip install torch) to run the reference", file=sys.stderr)
        return 2
    from .testing import check_parity

    try:
        res = check_parity(args.model, inputs, method=args.method, rtol=args.rtol, atol=args.atol,
                           localize=not args.no_localize)
    except Exception as e:  # noqa: BLE001 - torch could not load or run the model: a usage problem
        msg = str(e).strip().splitlines()
        print("pyts check: torch could not run %s.%s: %s: %s" % (
            args.model, args.method, type(e).__name__, msg[-1] if msg else ""), file=sys.stderr)
        return 2
    print(res.report())
    if args.report:
        from ._html import report_format, write_report

        if report_format(args.report) == "json":
            with open(args.report, "w") as f:
                json.dump(res.to_dict(), f, indent=1)
                f.write("\n")
        else:
            import pyts

            write_report({"versions": {"pyts": pyts.__version__}, "summary": None,
                          "tests": [{"nodeid": "python -m pyts check %s" % args.model,
                                     "outcome": "passed" if res.ok else "failed", "checks": [res.to_dict()]}]},
                         args.report)
    return 0 if res.ok else 1


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m pyts", description="pyts: a TorchScript runtime in C")
    sub = p.add_subparsers(dest="cmd", required=True)
    pi = sub.add_parser("info", help="describe a TorchScript archive")
    pi.add_argument("model")
    pi.add_argument("--depth", type=int, default=3, help="module tree depth to print")
    pi.set_defaults(fn=cmd_info)
    pr = sub.add_parser("run", help="load, print ok, run forward on the given inputs")
    pr.add_argument("model")
    pr.add_argument("--input", action="append", help=INPUT_HELP)
    pr.add_argument("--count", type=int, default=5, help="how many output values to print")
    pr.add_argument("--profile", action="store_true", help="then profile forward: time, calls and share per op and line")
    pr.add_argument("--profile-repeat", type=int, default=3, metavar="N", help="recorded calls for --profile")
    pr.add_argument("--trace", metavar="PATH", help="with --profile: also write a Chrome-trace JSON (Perfetto)")
    pr.set_defaults(fn=cmd_run)
    pc = sub.add_parser("check", help="run torch.jit and pyts on the same inputs and compare every output")
    pc.add_argument("model")
    pc.add_argument("--input", action="append", help=INPUT_HELP)
    pc.add_argument("--method", default="forward")
    pc.add_argument("--rtol", type=float, default=None)
    pc.add_argument("--atol", type=float, default=None)
    pc.add_argument("--report", metavar="PATH", help="also write the result: PATH.html a self-contained page "
                    "(statistics, error chart), PATH.md a Markdown summary, any other name JSON")
    pc.add_argument("--no-localize", action="store_true", help="skip the search for the first diverging op")
    pc.set_defaults(fn=cmd_check)
    args = p.parse_args(argv)
    try:
        rc = args.fn(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return rc
    except Error as e:
        print("pyts: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `python -m pyts check model.pt ... | head`: the reader has gone; end quietly,
        # as a shell tool does on SIGPIPE (and keep Python's exit-time flush quiet)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
