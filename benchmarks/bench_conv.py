"""Per-layer timing of pyts's float32 convolutions against torch's F.conv2d.

Shapes: the distinct convolutions of torchvision resnet18, resnet50 and mobilenet_v2 at
224x224, batch 1 (the dense ones; depthwise layers take conv.c's depthwise
path whatever the setting), with bias, padding k//2, random data.  In one
process, per shape, the calls of every path alternate in rotating order:
pyts with each float32 convolution path (`pyts._C._set_conv_kernel`: "blas"
= im2col + OpenBLAS, "own" = our micro-kernels, "auto" = the default
choice), and torch's F.conv2d.  Printed per shape: each engine's min and
median ms, and the ratio of two engines as the median of the per-round
ratios with its 10th-90th percentiles (calls of one round ran back to back,
under the same load).  On a shared machine compare the min columns too.

Compute: each shape's FLOPs (2 per multiply-add) over each path's median time, as GFLOP/s
and as a share of the machine's float32 FMA peak at the same thread count (measured by
benchmarks/peak.c, built on the fly with the system cc; --no-peak skips it). The last
lines sum the 3x3 convolutions of each model (FLOPs x layers over time x layers): issue
16's target is >= 60 % of the peak for resnet18's.

    python benchmarks/bench_conv.py --threads 2 --paths blas,own,torch
    python benchmarks/bench_conv.py --models resnet18 --filter " 3/1"
    python benchmarks/bench_conv.py --models resnet18,resnet50,vgg --filter " 3/1" --paths own,wino --planned

Paths: "wino" is Winograd F(2,3) (conv_winograd.c) for the 3x3 stride-1 shapes. --planned times
pyts on a traced Conv2d + BatchNorm2d + ReLU loaded with pyts.load (the planned convolution:
BatchNorm folded, weights packed / Winograd-transformed once, the ReLU fused), torch on the same
eager conv + bn + relu; without it, pyts calls aten::conv2d (unplanned: the weights are read,
or Winograd-transformed, at every call).
"""
import argparse
import os
import statistics
import sys
import time

# (name, Cin, Cout, H, k, stride, groups, layers of this shape in the model)
RESNET18 = [
    ("3->64 224 7/2", 3, 64, 224, 7, 2, 1, 1), ("64->64 56 3/1", 64, 64, 56, 3, 1, 1, 4),
    ("64->128 56 3/2", 64, 128, 56, 3, 2, 1, 1), ("128->128 28 3/1", 128, 128, 28, 3, 1, 1, 3),
    ("64->128 56 1/2", 64, 128, 56, 1, 2, 1, 1), ("128->256 28 3/2", 128, 256, 28, 3, 2, 1, 1),
    ("256->256 14 3/1", 256, 256, 14, 3, 1, 1, 3), ("128->256 28 1/2", 128, 256, 28, 1, 2, 1, 1),
    ("256->512 14 3/2", 256, 512, 14, 3, 2, 1, 1), ("512->512 7 3/1", 512, 512, 7, 3, 1, 1, 3),
    ("256->512 14 1/2", 256, 512, 14, 1, 2, 1, 1),
]
MOBILENET_V2 = [
    ("3->32 224 3/2", 3, 32, 224, 3, 2, 1, 1), ("32->16 112 1/1", 32, 16, 112, 1, 1, 1, 1),
    ("16->96 112 1/1", 16, 96, 112, 1, 1, 1, 1), ("96->24 56 1/1", 96, 24, 56, 1, 1, 1, 1),
    ("24->144 56 1/1", 24, 144, 56, 1, 1, 1, 2), ("144->24 56 1/1", 144, 24, 56, 1, 1, 1, 1),
    ("144->32 28 1/1", 144, 32, 28, 1, 1, 1, 1), ("32->192 28 1/1", 32, 192, 28, 1, 1, 1, 3),
    ("192->32 28 1/1", 192, 32, 28, 1, 1, 1, 2), ("192->64 14 1/1", 192, 64, 14, 1, 1, 1, 1),
    ("64->384 14 1/1", 64, 384, 14, 1, 1, 1, 4), ("384->64 14 1/1", 384, 64, 14, 1, 1, 1, 3),
    ("384->96 14 1/1", 384, 96, 14, 1, 1, 1, 1), ("96->576 14 1/1", 96, 576, 14, 1, 1, 1, 3),
    ("576->96 14 1/1", 576, 96, 14, 1, 1, 1, 2), ("576->160 7 1/1", 576, 160, 7, 1, 1, 1, 1),
    ("160->960 7 1/1", 160, 960, 7, 1, 1, 1, 3), ("960->160 7 1/1", 960, 160, 7, 1, 1, 1, 2),
    ("960->320 7 1/1", 960, 320, 7, 1, 1, 1, 1), ("320->1280 7 1/1", 320, 1280, 7, 1, 1, 1, 1),
]
RESNET50 = [
    ("3->64 224 7/2", 3, 64, 224, 7, 2, 1, 1), ("64->64 56 1/1", 64, 64, 56, 1, 1, 1, 1),
    ("64->64 56 3/1", 64, 64, 56, 3, 1, 1, 3), ("64->256 56 1/1", 64, 256, 56, 1, 1, 1, 4),
    ("256->64 56 1/1", 256, 64, 56, 1, 1, 1, 2), ("256->128 56 1/1", 256, 128, 56, 1, 1, 1, 1),
    ("128->128 56 3/2", 128, 128, 56, 3, 2, 1, 1), ("128->512 28 1/1", 128, 512, 28, 1, 1, 1, 4),
    ("256->512 56 1/2", 256, 512, 56, 1, 2, 1, 1), ("512->128 28 1/1", 512, 128, 28, 1, 1, 1, 3),
    ("128->128 28 3/1", 128, 128, 28, 3, 1, 1, 3), ("512->256 28 1/1", 512, 256, 28, 1, 1, 1, 1),
    ("256->256 28 3/2", 256, 256, 28, 3, 2, 1, 1), ("256->1024 14 1/1", 256, 1024, 14, 1, 1, 1, 6),
    ("512->1024 28 1/2", 512, 1024, 28, 1, 2, 1, 1), ("1024->256 14 1/1", 1024, 256, 14, 1, 1, 1, 5),
    ("256->256 14 3/1", 256, 256, 14, 3, 1, 1, 5), ("1024->512 14 1/1", 1024, 512, 14, 1, 1, 1, 1),
    ("512->512 14 3/2", 512, 512, 14, 3, 2, 1, 1), ("512->2048 7 1/1", 512, 2048, 7, 1, 1, 1, 3),
    ("1024->2048 14 1/2", 1024, 2048, 14, 1, 2, 1, 1), ("2048->512 7 1/1", 2048, 512, 7, 1, 1, 1, 2),
    ("512->512 7 3/1", 512, 512, 7, 3, 1, 1, 2),
]
# the 3x3 stride-1 shapes of a VGG-16-like net at 224 (Winograd F(2,3) measurements)
VGG = [
    ("3->64 224 3/1", 3, 64, 224, 3, 1, 1, 1), ("64->64 224 3/1", 64, 64, 224, 3, 1, 1, 1),
    ("64->128 112 3/1", 64, 128, 112, 3, 1, 1, 1), ("128->128 112 3/1", 128, 128, 112, 3, 1, 1, 1),
    ("128->256 56 3/1", 128, 256, 56, 3, 1, 1, 1), ("256->256 56 3/1", 256, 256, 56, 3, 1, 1, 2),
    ("256->512 28 3/1", 256, 512, 28, 3, 1, 1, 1), ("512->512 28 3/1", 512, 512, 28, 3, 1, 1, 2),
    ("512->512 14 3/1", 512, 512, 14, 3, 1, 1, 3),
]
MODELS = {"resnet18": RESNET18, "mobilenet_v2": MOBILENET_V2, "resnet50": RESNET50, "vgg": VGG}


def layer_flops(cin, cout, h, k, s, g):
    """FLOPs of one layer of the table (square input, padding k // 2), as bench.py counts them."""
    from bench import conv2d_flops

    return conv2d_flops(cin, cout, h, h, k, stride=s, groups=g)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="resnet18,mobilenet_v2")
    ap.add_argument("--paths", default="blas,own,torch", help="pyts paths (auto, blas, own) and/or torch")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=0.4, help="time per shape (all paths together)")
    ap.add_argument("--filter", default="")
    ap.add_argument("--planned", action="store_true",
                    help="time a traced conv + BatchNorm + ReLU loaded with pyts.load (the planned convolution)")
    ap.add_argument("--no-peak", dest="peak", action="store_false", help="do not measure the FMA peak")
    ap.add_argument("--peak-gflops", type=float, default=None,
                    help="use this as the --threads FMA peak instead of measuring it (peak.c measures less on "
                         "a busy machine, which overstates every share)")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, ".."))
    sys.path.insert(0, here)
    from bench import measure_peak
    import torch
    import torch.nn.functional as F
    import pyts
    import pyts._C as C
    torch.set_num_threads(args.threads)
    pyts.set_num_threads(args.threads)
    paths = args.paths.split(",")
    print("load average %.1f, %d threads" % (os.getloadavg()[0], args.threads))
    peak = measure_peak(args.threads) if args.peak and not args.peak_gflops else None
    peak_n = args.peak_gflops or (peak["gflops"].get(args.threads) if peak else None)
    if peak:
        print("FMA peak (benchmarks/peak.c, %s): %s GFLOP/s" % (peak["isa"], ", ".join(
            "%d thread%s %.1f" % (t, "s" if t > 1 else "", g) for t, g in sorted(peak["gflops"].items()))))
    elif peak_n:
        print("FMA peak: %.1f GFLOP/s (given)" % peak_n)
    head = "%-30s %2s" % ("shape", "n") + "".join(" | %s min / med ms" % p for p in paths)
    pairs = [(a, b) for i, a in enumerate(paths) for b in paths[i + 1:]]
    head += "".join(" | %s/%s [p10-p90]" % (b, a) for a, b in pairs)
    head += "".join(" | %s GF/s %%peak" % p for p in paths)
    print(head)
    total = {p: 0.0 for p in paths}
    k3 = {}  # model -> [flops x layers, {path: median s x layers}, {path: min s x layers}] of its 3x3 convolutions
    for model in args.models.split(","):
        for name, cin, cout, h, k, s, g, count in MODELS[model]:
            if args.filter and args.filter not in name:
                continue
            torch.manual_seed(0)
            x = torch.randn(1, cin, h, h)
            w = torch.randn(cout, cin // g, k, k) * 0.1
            b = torch.randn(cout)
            st, pad = [s, s], [k // 2, k // 2]

            pm = None
            if args.planned:
                import tempfile
                net = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, k, s, k // 2, groups=g, bias=False),
                                          torch.nn.BatchNorm2d(cout), torch.nn.ReLU()).eval()
                with torch.no_grad():
                    net[0].weight.copy_(w)
                    net[1].running_mean.uniform_(-0.5, 0.5)
                    net[1].running_var.uniform_(0.5, 2.0)
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "m.pt")
                    torch.jit.trace(net, x).save(path)
                    pm = pyts.load(path)

            def make(p):
                if p == "torch":
                    if pm is not None:
                        return lambda: net(x)
                    return lambda: F.conv2d(x, w, b, st, pad, 1, g)
                if pm is not None:
                    return lambda: (C._set_conv_kernel(p), pm.forward(x))
                return lambda: (C._set_conv_kernel(p), C.call_op("aten::conv2d", x, w, b, st, pad, [1, 1], g))
            calls = {p: make(p) for p in paths}
            times = {p: [] for p in paths}
            with torch.no_grad():
                for f in calls.values():
                    for _ in range(3):
                        f()
                t0 = time.perf_counter()
                for f in calls.values():
                    f()
                once = time.perf_counter() - t0
                rounds = max(11, min(500, int(args.seconds / max(once, 1e-6))))
                for r in range(rounds):
                    order = paths[r % len(paths):] + paths[:r % len(paths)]
                    for p in order:
                        t0 = time.perf_counter()
                        calls[p]()
                        times[p].append(time.perf_counter() - t0)
            line = "%-30s %2d" % (model[:8] + " " + name, count)
            for p in paths:
                med = statistics.median(times[p])
                total[p] += med * count
                line += " | %7.3f / %7.3f" % (min(times[p]) * 1e3, med * 1e3)
            for a, bb in pairs:
                rs = [y / x_ for x_, y in zip(times[a], times[bb])]
                line += " | %5.2f [%.2f-%.2f]" % (statistics.median(rs), pct(rs, 0.1), pct(rs, 0.9))
            fl = layer_flops(cin, cout, h, k, s, g)
            for p in paths:
                gfs = fl / statistics.median(times[p]) / 1e9
                line += " | %6.1f %4s" % (gfs, "%.0f%%" % (100 * gfs / peak_n) if peak_n else "")
            if k == 3 and g == 1:
                acc = k3.setdefault(model, [0.0, {p: 0.0 for p in paths}, {p: 0.0 for p in paths}])
                acc[0] += fl * count
                for p in paths:
                    acc[1][p] += statistics.median(times[p]) * count
                    acc[2][p] += min(times[p]) * count
            print(line, flush=True)
    C._set_conv_kernel("auto")
    print("sum of medians x layers: " + ", ".join("%s %.2f ms" % (p, total[p] * 1e3) for p in paths))
    for model, (fl, med, lo) in k3.items():
        for what, secs in (("median", med), ("min", lo)):
            print("%s 3x3 convolutions (%.2f GFLOP), at the %s times: " % (model, fl / 1e9, what) + ", ".join(
                "%s %.1f GFLOP/s%s" % (p, fl / secs[p] / 1e9, " = %.0f %% of peak" % (
                    100 * fl / secs[p] / 1e9 / peak_n) if peak_n else "") for p in paths if secs[p] > 0))
    print("load average %.1f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
