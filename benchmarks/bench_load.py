"""Load time only: pyts.load vs torch.jit.load of the same file, alternating,
medians of N runs (works before the interpreter runs anything).

    python benchmarks/bench_load.py [model.pt ...] [--repeat 15]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore", message=r"`torch\.jit\.[a-z_]+` is deprecated", category=FutureWarning)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("files", nargs="*")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args(argv)
    import torch
    import torchvision

    import pyts

    with tempfile.TemporaryDirectory() as d:
        files = list(args.files)
        if not files:
            torch.manual_seed(0)
            path = os.path.join(d, "traced_resnet_model.pt")
            m = torchvision.models.resnet18(weights=None).eval()
            torch.jit.trace(m, torch.ones(1, 3, 224, 224)).save(path)
            files = [path]
        print("%-28s %12s %12s %8s" % ("file", "pyts ms", "torch ms", "ratio"))
        for f in files:
            tp, tt = [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                pm = pyts.load(f)
                pm.state_dict()
                tp.append(time.perf_counter() - t0)
                del pm
                t0 = time.perf_counter()
                tm = torch.jit.load(f)
                tt.append(time.perf_counter() - t0)
                del tm
            mp, mt = statistics.median(tp), statistics.median(tt)
            print("%-28s %12.2f %12.2f %8.3f" % (os.path.basename(f), mp * 1e3, mt * 1e3, mp / mt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
