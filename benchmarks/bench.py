"""Time pyts and torch.jit side by side on the same .pt files, in one run.

    python benchmarks/bench.py                      # default model set, 2 threads
    python benchmarks/bench.py --models resnet18 mobilenet_v2 --threads 2 --repeat 15
    python benchmarks/bench.py --files a.pt:1,3,224,224 b.pt:1,3,64,64

For each model: save it once with torch.jit (traced, seeded random weights),
load it in both engines, check the outputs agree, warm both up, then time
forward calls alternating pyts / torch (so machine noise hits both alike) and
report medians and the ratio pyts/torch.  Both engines use the same thread
count.  Also times loading (pyts.load vs torch.jit.load) of the same file.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", message=r"`torch\.jit\.[a-z_]+` is deprecated", category=FutureWarning)


def build_model(name, path, shape):
    import torch
    import torchvision

    torch.manual_seed(0)
    if name == "loop":
        class Loop(torch.nn.Module):
            def forward(self, x):
                acc = x
                for i in range(40):
                    acc = torch.relu(acc * 0.5 + x) - 0.1
                return acc

        torch.jit.script(Loop()).save(path)
        return
    ctor = getattr(torchvision.models, name)
    model = ctor(weights=None).eval()
    with torch.no_grad():
        torch.jit.trace(model, torch.ones(*shape)).save(path)


def time_call(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_file(path, shape, repeat, label):
    import torch

    import pyts

    x_np = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x_t = torch.from_numpy(x_np)
    load_pyts, load_torch = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        pm = pyts.load(path)
        load_pyts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        tm = torch.jit.load(path)
        load_torch.append(time.perf_counter() - t0)
    tm.eval()
    with torch.no_grad():
        ref = tm(x_t)
    ours = pm.forward(x_np)
    ref_np = ref.numpy() if hasattr(ref, "numpy") else np.asarray(ref)
    maxdiff = float(np.max(np.abs(np.asarray(ours) - ref_np))) if ref_np.size else 0.0
    # warm-up
    for _ in range(2):
        pm.forward(x_np)
        with torch.no_grad():
            tm(x_t)
    tp, tt = [], []
    with torch.no_grad():
        for _ in range(repeat):
            tp += time_call(lambda: pm.forward(x_np), 1)
            tt += time_call(lambda: tm(x_t), 1)
    mp, mt = statistics.median(tp), statistics.median(tt)
    return {
        "model": label,
        "pyts_ms": mp * 1e3,
        "torch_ms": mt * 1e3,
        "ratio": mp / mt,
        "load_pyts_ms": statistics.median(load_pyts) * 1e3,
        "load_torch_ms": statistics.median(load_torch) * 1e3,
        "load_ratio": statistics.median(load_pyts) / statistics.median(load_torch),
        "max_abs_diff": maxdiff,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="*", default=["resnet18", "mobilenet_v2", "loop"])
    p.add_argument("--files", nargs="*", default=[], help="PATH:D0,D1,... pairs")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=11)
    p.add_argument("--size", type=int, default=224, help="spatial size for image models")
    args = p.parse_args(argv)

    import torch

    import pyts

    torch.set_num_threads(args.threads)
    pyts.set_num_threads(args.threads)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        jobs = []
        for name in args.models:
            shape = (1, 64) if name == "loop" else (1, 3, args.size, args.size)
            path = os.path.join(d, name + ".pt")
            build_model(name, path, shape)
            jobs.append((path, shape, name))
        for spec in args.files:
            path, _, dims = spec.partition(":")
            jobs.append((path, tuple(int(v) for v in dims.split(",")), os.path.basename(path)))
        for path, shape, label in jobs:
            try:
                rows.append(bench_file(path, shape, args.repeat, label))
            except pyts.Error as e:
                print("%s: pyts failed: %s: %s" % (label, type(e).__name__, str(e).splitlines()[0]), file=sys.stderr)
    print("threads=%d repeat=%d (medians; ratio = pyts / torch.jit, lower is better)" % (args.threads, args.repeat))
    print("%-16s %10s %10s %7s %10s %10s %7s %11s" % ("model", "pyts ms", "torch ms", "ratio", "load pyts", "load torch",
                                                     "ratio", "max|diff|"))
    for r in rows:
        print("%-16s %10.2f %10.2f %7.2f %10.2f %10.2f %7.2f %11.2e" % (
            r["model"], r["pyts_ms"], r["torch_ms"], r["ratio"], r["load_pyts_ms"], r["load_torch_ms"],
            r["load_ratio"], r["max_abs_diff"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
