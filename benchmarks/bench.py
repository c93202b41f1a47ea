"""Time pyts and torch.jit side by side on the same .pt files, in one run.

    python benchmarks/bench.py                      # default model set, 2 threads
    python benchmarks/bench.py --models resnet18 bert gpt2 lstm fasterrcnn --threads 2 --repeat 15
    python benchmarks/bench.py --files a.pt:1,3,224,224 b.pt:1,3,64,64
    python benchmarks/bench.py --smoke              # every model kind, tiny configs, a few calls (CI)

Models (`--models`; `--list` prints them):
  resnet18, mobilenet_v2, ...   any torchvision classifier, traced, 1x3xSIZExSIZE
  loop                          a 40-step scripted elementwise loop, 1x64
  mlp                           a 3-layer MLP (512-1024-1024-10), traced, 1x512
  bert                          BERT-base (transformers' BertConfig(): 12 layers, hidden 768), random
                                weights, traced through a wrapper returning the last hidden state,
                                batch 1, sequence 128
  gpt2                          GPT-2 small (GPT2Config()), random weights, traced, sequence 64
  lstm                          nn.LSTM(512, 512, num_layers=2, bidirectional=True), traced, 100 steps,
                                batch 1
  fasterrcnn                    torchvision fasterrcnn_mobilenet_v3_large_320_fpn(weights=None,
                                weights_backbone=None), scripted, one 3x320x320 image

For each model: save it once with torch.jit (seeded random weights), load it in both
engines, compare the outputs (every output leaf), warm both up, then time forward calls
alternating pyts / torch (so machine noise hits both alike).  Reported per engine:
min / median / max in ms; the ratio is median(pyts) / median(torch) (lower is better),
with the range of the per-pair ratios (each pyts call over the torch call next to it,
10th-90th percentile).  When an engine's own spread is wide (max over min or the
10-90 % range over the median), the machine was busy and the line says so: rerun, or
trust the min column.  Both engines use the same thread count.  Also times loading
(pyts.load vs torch.jit.load) of the same file, and (`--memory`, on by default) each
engine's peak resident memory, VmHWM of a child process that loads the file and runs
the model twice (VmHWM and not ru_maxrss, which a child inherits from its parent),
reported as the rise over the child's resident size after its imports.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# run from a source checkout with the engine built in place (python setup.py build_ext --inplace)
if os.path.isdir(os.path.join(ROOT, "pyts")) and ROOT not in sys.path:
    import glob

    if glob.glob(os.path.join(ROOT, "pyts", "_C.*")):
        sys.path.insert(0, ROOT)

warnings.filterwarnings("ignore", message=r"`torch\.jit\.[a-z_]+` is deprecated", category=FutureWarning)
# tracing transformers' models warns about Python booleans taken from tensors, scripting
# torchvision's detectors about the (losses, detections) pair: expected, not news
warnings.filterwarnings("ignore", message=r"Converting a tensor to a Python")
warnings.filterwarnings("ignore", message=r"RCNN always returns")
warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers")

DEFAULT_MODELS = ["resnet18", "mobilenet_v2", "loop", "mlp", "bert", "gpt2", "lstm", "fasterrcnn"]
SMOKE_MODELS = ["resnet18", "loop", "mlp", "bert", "gpt2", "lstm", "fasterrcnn"]
# spread thresholds above which the machine is called busy
BUSY_MAX_OVER_MIN = 1.5
BUSY_IQR = 0.25


def _hf_wrapper(model):
    """The model returning only its last hidden state (transformers >= 5 ignores
    torchscript=True, and tracing a dict output is refused)."""
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            return self.m(input_ids=input_ids, return_dict=False)[0]

    return LastHidden(model).eval()


def build_model(name, path, args):
    """Write the model to path; return the inputs as a tuple of numpy arrays / lists of them."""
    import torch

    smoke = args.smoke
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    if name == "loop":
        class Loop(torch.nn.Module):
            def forward(self, x):
                acc = x
                for i in range(40):
                    acc = torch.relu(acc * 0.5 + x) - 0.1
                return acc

        torch.jit.script(Loop()).save(path)
        return (rng.standard_normal((1, 64)).astype(np.float32),)
    if name == "mlp":
        d = (64, 128, 10) if smoke else (512, 1024, 10)
        model = torch.nn.Sequential(torch.nn.Linear(d[0], d[1]), torch.nn.ReLU(), torch.nn.Linear(d[1], d[1]),
                                    torch.nn.ReLU(), torch.nn.Linear(d[1], d[2])).eval()
        x = rng.standard_normal((1, d[0])).astype(np.float32)
        with torch.no_grad():
            torch.jit.trace(model, torch.from_numpy(x)).save(path)
        return (x,)
    if name in ("bert", "gpt2"):
        import transformers

        transformers.logging.set_verbosity_error()
        if name == "bert":
            kw = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128) if smoke else {}
            cfg = transformers.BertConfig(**kw)
            model = transformers.BertModel(cfg, add_pooling_layer=False)
            seq = 16 if smoke else 128
        else:
            kw = dict(n_embd=64, n_layer=2, n_head=4) if smoke else {}
            cfg = transformers.GPT2Config(use_cache=False, **kw)
            model = transformers.GPT2Model(cfg)
            seq = 16 if smoke else 64
        wrapped = _hf_wrapper(model.eval())
        ids = rng.integers(0, cfg.vocab_size, (1, seq)).astype(np.int64)
        with torch.no_grad():
            torch.jit.trace(wrapped, (torch.from_numpy(ids),)).save(path)
        return (ids,)
    if name == "lstm":
        hidden, steps = (32, 10) if smoke else (512, 100)

        class BiLSTM(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = torch.nn.LSTM(hidden, hidden, num_layers=2, bidirectional=True)

            def forward(self, x):
                return self.rnn(x)[0]

        model = BiLSTM().eval()
        x = rng.standard_normal((steps, 1, hidden)).astype(np.float32)
        with torch.no_grad():
            torch.jit.trace(model, torch.from_numpy(x)).save(path)
        return (x,)
    if name == "fasterrcnn":
        from torchvision.models import detection

        size = 128 if smoke else 320
        kw = dict(min_size=size, max_size=size, rpn_pre_nms_top_n_test=50, rpn_post_nms_top_n_test=50) if smoke else {}
        model = detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, **kw).eval()
        torch.jit.script(model).save(path)
        return ([rng.random((3, size, size), dtype=np.float32)],)
    import torchvision

    size = 64 if smoke else args.size
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = rng.standard_normal((1, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        torch.jit.trace(model, torch.from_numpy(x)).save(path)
    return (x,)


def _to_torch(v):
    import torch

    if isinstance(v, np.ndarray):
        return torch.from_numpy(v)
    if isinstance(v, (list, tuple)):
        return type(v)(_to_torch(e) for e in v)
    return v


def _leaves(v, out):
    """Flatten an output (tensors, arrays, tuples, lists, dicts) into a list of numpy arrays."""
    if isinstance(v, dict):
        for k in v:
            _leaves(v[k], out)
    elif isinstance(v, (list, tuple)):
        for e in v:
            _leaves(e, out)
    elif hasattr(v, "numpy") and not isinstance(v, np.ndarray):
        out.append(v.detach().numpy())
    elif isinstance(v, np.ndarray):
        out.append(v)
    return out


def max_abs_diff(ours, ref):
    a, b = _leaves(ours, []), _leaves(ref, [])
    if len(a) != len(b) or any(x.shape != y.shape for x, y in zip(a, b)):
        return float("nan")
    d = [float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) for x, y in zip(a, b) if x.size]
    return max(d) if d else 0.0


def _pct(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def spread_note(ts):
    lo, med, hi = min(ts), statistics.median(ts), max(ts)
    iqr = (_pct(ts, 0.9) - _pct(ts, 0.1)) / med if med > 0 else 0.0
    return hi / lo > BUSY_MAX_OVER_MIN or iqr > BUSY_IQR


_MEM_CHILD = r"""
import sys, time, pickle, warnings
warnings.filterwarnings("ignore")
engine, path, inputs_path, root = sys.argv[1:5]
if root:
    sys.path.insert(0, root)
import numpy as np
def hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmHWM", "VmRSS")):
                yield line.split(":")[0], int(line.split()[1])
with open(inputs_path, "rb") as f:
    inputs = pickle.load(f)
if engine == "pyts":
    import pyts
    pyts.set_num_threads(int(sys.argv[5]))
    base = dict(hwm())["VmRSS"]
    m = pyts.load(path)
    for _ in range(2):
        m.forward(*inputs)
else:
    import torch
    try:
        import torchvision  # noqa: F401  (registers torchvision::nms etc. for scripted detectors)
    except ImportError:
        pass
    torch.set_num_threads(int(sys.argv[5]))
    def tt(v):
        if isinstance(v, np.ndarray):
            return torch.from_numpy(v)
        if isinstance(v, (list, tuple)):
            return type(v)(tt(e) for e in v)
        return v
    inputs = tt(inputs)
    base = dict(hwm())["VmRSS"]
    m = torch.jit.load(path)
    with torch.no_grad():
        for _ in range(2):
            m(*inputs)
print(dict(hwm())["VmHWM"] - base)
"""


def peak_memory_mb(engine, path, inputs, threads):
    """Peak resident memory (MB) a fresh process gains loading `path` and running it twice."""
    import pickle

    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
        pickle.dump(inputs, f)
        ipath = f.name
    try:
        root = ROOT if ROOT in sys.path else ""
        out = subprocess.run([sys.executable, "-c", _MEM_CHILD, engine, path, ipath, root, str(threads)],
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            return float("nan")
        return int(out.stdout.split()[-1]) / 1024.0
    finally:
        os.unlink(ipath)


def bench_file(path, inputs, args, label, optimize=True):
    import torch

    import pyts

    t_inputs = _to_torch(inputs)
    load_pyts, load_torch = [], []
    for _ in range(args.load_repeat):
        t0 = time.perf_counter()
        pm = pyts.load(path, optimize=optimize)
        load_pyts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        tm = torch.jit.load(path)
        load_torch.append(time.perf_counter() - t0)
    tm.eval()
    with torch.no_grad():
        ref = tm(*t_inputs)
    ours = pm.forward(*inputs)
    maxdiff = max_abs_diff(ours, ref)
    # warm-up: torch.jit's profiling executor optimizes the graph after its first calls
    for _ in range(args.warmup):
        pm.forward(*inputs)
        with torch.no_grad():
            tm(*t_inputs)
    tp, tt = [], []
    with torch.no_grad():
        for i in range(args.repeat):
            # alternate which engine goes first, so a slow period hits both alike
            order = (0, 1) if i % 2 == 0 else (1, 0)
            for e in order:
                t0 = time.perf_counter()
                if e == 0:
                    pm.forward(*inputs)
                    tp.append(time.perf_counter() - t0)
                else:
                    tm(*t_inputs)
                    tt.append(time.perf_counter() - t0)
                if args.gap > 0:
                    time.sleep(args.gap / 1e3)
    mp, mt = statistics.median(tp), statistics.median(tt)
    pair = [a / b for a, b in zip(tp, tt)]
    row = {
        "model": label,
        "pyts_ms": [min(tp) * 1e3, mp * 1e3, max(tp) * 1e3],
        "torch_ms": [min(tt) * 1e3, mt * 1e3, max(tt) * 1e3],
        "ratio": mp / mt,
        "ratio_p10_p90": [_pct(pair, 0.1), _pct(pair, 0.9)],
        "busy": spread_note(tp) or spread_note(tt),
        "load_pyts_ms": statistics.median(load_pyts) * 1e3,
        "load_torch_ms": statistics.median(load_torch) * 1e3,
        "load_ratio": statistics.median(load_pyts) / statistics.median(load_torch),
        "max_abs_diff": maxdiff,
    }
    del pm, tm
    if args.memory:
        row["mem_pyts_mb"] = peak_memory_mb("pyts", path, inputs, args.threads)
        row["mem_torch_mb"] = peak_memory_mb("torch", path, inputs, args.threads)
    return row


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="*", default=None)
    p.add_argument("--files", nargs="*", default=[], help="PATH:D0,D1,... pairs (float32 input of that shape)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=None, help="timed calls per engine (default 11, smoke 3)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--gap", type=float, default=10.0,
                   help="ms of idle time after each timed call (default 10): torch's OpenMP workers spin "
                        "for a while after a parallel region and take a core from the call that follows "
                        "(resnet18 at 2 threads: pyts 11.6 ms alone, 17.4 ms right after a torch call, "
                        "11.6 ms with a 10 ms gap; with OMP_WAIT_POLICY=PASSIVE, 11.6 ms with no gap but torch "
                        "13.2 -> 18.3 ms). A 10 ms gap costs torch ~4 %% (13.2 -> 13.8 ms); 0 restores the old timing")
    p.add_argument("--load-repeat", type=int, default=None, help="loads per engine (default 5, smoke 1)")
    p.add_argument("--size", type=int, default=224, help="spatial size for image classifiers")
    p.add_argument("--memory", dest="memory", action="store_true", default=None,
                   help="peak memory per engine (child processes; default on, off with --smoke)")
    p.add_argument("--no-memory", dest="memory", action="store_false")
    p.add_argument("--smoke", action="store_true",
                   help="tiny configs of every model kind, few calls: checks that the benchmark and both engines "
                        "run (CI); the timings mean nothing")
    p.add_argument("--json", help="also write the rows to this JSON file")
    p.add_argument("--optimize", choices=["on", "off", "both"], default="on",
                   help="pyts.load(optimize=...): the planning pass (BatchNorm folding, fused activations); "
                        "'both' times each model without it (row '<model> -O0') and with it, in one run")
    args = p.parse_args(argv)
    if args.models is None:
        args.models = SMOKE_MODELS if args.smoke else DEFAULT_MODELS
    if args.repeat is None:
        args.repeat = 3 if args.smoke else 11
    if args.load_repeat is None:
        args.load_repeat = 1 if args.smoke else 5
    if args.memory is None:
        args.memory = not args.smoke
    if args.smoke:
        args.warmup = min(args.warmup, 1)

    import torch

    import pyts

    torch.set_num_threads(args.threads)
    pyts.set_num_threads(args.threads)
    rows, failed = [], []
    with tempfile.TemporaryDirectory() as d:
        jobs = []
        for name in args.models:
            path = os.path.join(d, name + ".pt")
            t0 = time.perf_counter()
            try:
                inputs = build_model(name, path, args)
            except ImportError as e:  # transformers (bert, gpt2) is optional: pip install ".[bench]"
                print("%s: skipped, %s" % (name, e), file=sys.stderr)
                continue
            print("built %s in %.1f s" % (name, time.perf_counter() - t0), file=sys.stderr)
            jobs.append((path, inputs, name))
        for spec in args.files:
            path, _, dims = spec.partition(":")
            shape = tuple(int(v) for v in dims.split(","))
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            jobs.append((path, (x,), os.path.basename(path)))
        opts = {"on": [True], "off": [False], "both": [False, True]}[args.optimize]
        runs = [(path, inputs, label if optimize else label + " -O0", optimize)
                for path, inputs, label in jobs for optimize in opts]
        for path, inputs, label, optimize in runs:
            try:
                rows.append(bench_file(path, inputs, args, label, optimize=optimize))
            except pyts.Error as e:
                failed.append(label)
                print("%s: pyts failed: %s: %s" % (label, type(e).__name__, str(e).splitlines()[0]), file=sys.stderr)
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    print("cpu: %s (%d logical CPUs); load average %s" % (cpu, os.cpu_count() or 0,
                                                         " ".join("%.2f" % v for v in os.getloadavg())))
    print("threads=%d repeat=%d gap=%g ms%s; ms are min / median / max; ratio = median pyts / median torch.jit "
          "(lower is better), [p10-p90 of per-pair ratios]" % (args.threads, args.repeat, args.gap,
                                                               " (SMOKE: timings meaningless)" if args.smoke else ""))
    hdr = "%-14s %-24s %-24s %6s %-13s %9s %9s %6s %10s" % (
        "model", "pyts ms", "torch ms", "ratio", "pair range", "load pyts", "load trch", "ratio", "max|diff|")
    if args.memory:
        hdr += " %9s %9s" % ("peak pyts", "peak trch")
    print(hdr)
    busy = False
    for r in rows:
        line = "%-14s %-24s %-24s %6.2f %-13s %9.2f %9.2f %6.2f %10.2e" % (
            r["model"], "%.2f/%.2f/%.2f" % tuple(r["pyts_ms"]), "%.2f/%.2f/%.2f" % tuple(r["torch_ms"]), r["ratio"],
            "%.2f-%.2f" % tuple(r["ratio_p10_p90"]), r["load_pyts_ms"], r["load_torch_ms"], r["load_ratio"],
            r["max_abs_diff"])
        if args.memory:
            line += " %7.0fMB %7.0fMB" % (r["mem_pyts_mb"], r["mem_torch_mb"])
        if r["busy"] and not args.smoke:
            line += "  BUSY"
            busy = True
        print(line)
    if busy and not args.smoke:
        print("warning: BUSY = wide spread of an engine's times (max/min > %.1f or p10-p90 range > %d%% of the "
              "median): the machine was busy; rerun, or compare the min columns" % (BUSY_MAX_OVER_MIN, BUSY_IQR * 100),
              file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "threads": args.threads, "rows": rows}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
