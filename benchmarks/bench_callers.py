"""Throughput of one loaded module called from several Python threads at once, pyts and torch.jit.

    python benchmarks/bench_callers.py                       # resnet18, 1/2/4 callers, 2 threads
    python benchmarks/bench_callers.py --model mobilenet_v2 --callers 1 2 --seconds 3

The model (a torchvision classifier, seeded random weights, traced) is saved once and loaded by
both engines in this process. For each number of callers, each engine in turn: that many
threads call forward on the same module as fast as they can for --seconds; the line gives
forwards per second and the ratio to one caller. Both engines run with --threads intra-op
threads and release the GIL while a forward runs. pyts: a caller that finds the pool busy with
another caller's op runs its op on its own thread (csrc/tensor/parallel.c). Rounds alternate
the engines (--rounds), with a pause between runs so that neither engine's spinning workers
take a core from the other's run; the medians of the rounds are printed.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def throughput(call, callers, seconds):
    stop = time.perf_counter() + seconds
    counts = [0] * callers
    start = threading.Barrier(callers + 1)

    def body(k):
        start.wait()
        while time.perf_counter() < stop:
            call()
            counts[k] += 1

    ths = [threading.Thread(target=body, args=(k,)) for k in range(callers)]
    for t in ths:
        t.start()
    t0 = time.perf_counter()
    start.wait()
    for t in ths:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--callers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import torch
    import torchvision

    import pyts

    torch.set_num_threads(args.threads)
    pyts.set_num_threads(args.threads)
    torch.manual_seed(0)
    m = getattr(torchvision.models, args.model)(weights=None).eval()
    x = torch.ones(1, 3, args.size, args.size)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.pt")
        torch.jit.trace(m, x).save(path)
        pm = pyts.load(path)
        tm = torch.jit.load(path)
    xn = x.numpy()
    diff = float(np.max(np.abs(pm.forward(xn) - tm(x).detach().numpy())))
    with torch.no_grad():
        engines = {"pyts": lambda: pm.forward(xn), "torch.jit": lambda: tm(x)}
        for f in engines.values():
            for _ in range(3):
                f()
        res = {(e, c): [] for e in engines for c in args.callers}
        for r in range(args.rounds):
            for c in args.callers:
                for e in (list(engines) if r % 2 == 0 else list(engines)[::-1]):
                    res[(e, c)].append(throughput(engines[e], c, args.seconds))
                    time.sleep(0.1)
    print("%s, %d intra-op threads, %d rounds of %.1f s; max |pyts - torch| %.2e; load average %.1f"
          % (args.model, args.threads, args.rounds, args.seconds, diff, os.getloadavg()[0]))
    print("%-10s %8s %14s %10s" % ("engine", "callers", "forwards/s", "x 1 caller"))
    for e in engines:
        one = statistics.median(res[(e, args.callers[0])])
        for c in args.callers:
            v = statistics.median(res[(e, c)])
            print("%-10s %8d %14.1f %10.2f" % (e, c, v, v / one))


if __name__ == "__main__":
    main()
