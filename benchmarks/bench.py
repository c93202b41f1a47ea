"""Time pyts, torch.jit and ONNX Runtime side by side on the same models, in one run.

    python benchmarks/bench.py                      # default model set, 2 threads, ORT if installed
    python benchmarks/bench.py --models resnet18 bert gpt2 lstm fasterrcnn --threads 2 --repeat 15
    python benchmarks/bench.py --models resnet18 mobilenet_v2 --batch 1 8 --png ratios.png
    python benchmarks/bench.py --files a.pt:1,3,224,224 b.pt:1,3,64,64
    python benchmarks/bench.py --smoke              # every model kind, tiny configs, a few calls (CI)

Models (`--models`; `--list` prints them):
  resnet18, mobilenet_v2,       any torchvision classifier, traced, 1x3xSIZExSIZE (the default run:
  resnet50, efficientnet_b0     these four)
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

ONNX Runtime (`--ort`; on by default when onnxruntime and onnx import) is a third engine:
the same eager module, same seeded weights, exported with torch.onnx.export(dynamo=False),
its outputs compared with torch.jit's, timed in the same alternating loop (the order
rotates each round) with intra-op threads = --threads, inter-op 1, sequential; pyts/ORT is
reported like pyts/torch. A model the exporter refuses is named, with the reason, and the
run goes on. `--batch 1 8` times each model at each batch size and reports throughput
(samples/s per engine). benchmarks/peak.c, built on the fly with the system cc, measures the
machine's float32 FMA peak (1 and N threads); each model's FLOPs (FlopCounterMode) over each
engine's time give GFLOP/s and the share of that peak. `--png` charts the ratios with their
p10-p90 spread (matplotlib). docs/performance.md, "Benchmark method", says more.
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

DEFAULT_MODELS = ["resnet18", "mobilenet_v2", "resnet50", "efficientnet_b0", "loop", "mlp", "bert", "gpt2", "lstm",
                  "fasterrcnn"]
SMOKE_MODELS = ["resnet18", "efficientnet_b0", "loop", "mlp", "bert", "gpt2", "lstm", "fasterrcnn"]
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


def build_model(name, path, args, batch=1):
    """Write the model, with `batch` samples per call, to path; return (inputs, module): the
    inputs as a tuple of numpy arrays / lists of them, and the eager torch.nn.Module the file
    was made from (same seeded weights), which --ort exports to ONNX and the FLOP count runs."""
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

        model = Loop()
        torch.jit.script(model).save(path)
        return (rng.standard_normal((batch, 64)).astype(np.float32),), model
    if name == "mlp":
        d = (64, 128, 10) if smoke else (512, 1024, 10)
        model = torch.nn.Sequential(torch.nn.Linear(d[0], d[1]), torch.nn.ReLU(), torch.nn.Linear(d[1], d[1]),
                                    torch.nn.ReLU(), torch.nn.Linear(d[1], d[2])).eval()
        x = rng.standard_normal((batch, d[0])).astype(np.float32)
        with torch.no_grad():
            torch.jit.trace(model, torch.from_numpy(x)).save(path)
        return (x,), model
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
        ids = rng.integers(0, cfg.vocab_size, (batch, seq)).astype(np.int64)
        with torch.no_grad():
            torch.jit.trace(wrapped, (torch.from_numpy(ids),)).save(path)
        return (ids,), wrapped
    if name == "lstm":
        hidden, steps = (32, 10) if smoke else (512, 100)

        class BiLSTM(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = torch.nn.LSTM(hidden, hidden, num_layers=2, bidirectional=True)

            def forward(self, x):
                return self.rnn(x)[0]

        model = BiLSTM().eval()
        x = rng.standard_normal((steps, batch, hidden)).astype(np.float32)
        with torch.no_grad():
            torch.jit.trace(model, torch.from_numpy(x)).save(path)
        return (x,), model
    if name == "fasterrcnn":
        from torchvision.models import detection

        size = 128 if smoke else 320
        kw = dict(min_size=size, max_size=size, rpn_pre_nms_top_n_test=50, rpn_post_nms_top_n_test=50) if smoke else {}
        model = detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, **kw).eval()
        torch.jit.script(model).save(path)
        return ([rng.random((3, size, size), dtype=np.float32) for _ in range(batch)],), model
    import torchvision

    size = 64 if smoke else args.size
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = rng.standard_normal((batch, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        torch.jit.trace(model, torch.from_numpy(x)).save(path)
    return (x,), model


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


def ratio_stats(a, b):
    """median(a) / median(b) and the 10th-90th percentiles of the per-pair ratios a[i] / b[i]
    (times taken next to each other in the alternating loop, so under the same load)."""
    if not a or not b:
        raise ValueError("ratio_stats: empty timing list")
    pair = [x / y for x, y in zip(a, b)]
    return statistics.median(a) / statistics.median(b), [_pct(pair, 0.1), _pct(pair, 0.9)]


def min_med_max_ms(ts):
    return [min(ts) * 1e3, statistics.median(ts) * 1e3, max(ts) * 1e3]


def count_flops(module, inputs):
    """Floating-point operations of one forward of the eager module on `inputs` (a multiply-add
    is 2), as torch.utils.flop_counter.FlopCounterMode counts them: convolutions, linear layers,
    matrix products and attention. 0 when it counts none (it does not count the fused LSTM)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        module(*_to_torch(inputs))
    return float(fc.get_total_flops())


def conv2d_flops(cin, cout, h, w, k, stride=1, groups=1, padding=None, batch=1):
    """Flops (2 per multiply-add) of a 2-D convolution with a square kernel k, padding k // 2
    by default; the bias adds are not counted (FlopCounterMode does not count them either)."""
    if padding is None:
        padding = k // 2
    ho = (h + 2 * padding - k) // stride + 1
    wo = (w + 2 * padding - k) // stride + 1
    return 2.0 * batch * cout * (cin // groups) * k * k * ho * wo


# ---- the machine's FMA peak (benchmarks/peak.c) -----------------------------------------------

def parse_peak(text):
    """Parse peak.c's output: {'isa': str, 'gflops': {threads: GFLOP/s}}; ValueError if no line."""
    isa, gf = None, {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "isa":
            isa = f[1]
        elif len(f) == 4 and f[0] == "threads" and f[2] == "gflops":
            gf[int(f[1])] = float(f[3])
    if not gf:
        raise ValueError("no 'threads N gflops X' line in peak output: %r" % text[:200])
    return {"isa": isa, "gflops": gf}


def merge_peaks(a, b):
    """Two peak measurements (either may be None) as one: the higher GFLOP/s per thread count
    (load on a shared machine only ever lowers what peak.c measures)."""
    if not a or not b:
        return a or b
    gf = dict(a["gflops"])
    for t, g in b["gflops"].items():
        gf[t] = max(g, gf.get(t, 0.0))
    return {"isa": a["isa"] or b["isa"], "gflops": gf}


def build_peak(out_dir, cc=None):
    """Compile benchmarks/peak.c with the system C compiler (-O2 -march=native); return the
    executable's path. Raises OSError / CalledProcessError when there is no compiler or it fails."""
    cc = cc or os.environ.get("CC", "cc")
    exe = os.path.join(out_dir, "pyts-peak")
    subprocess.run([cc, "-O2", "-march=native", "-std=c11", "-pthread", os.path.join(HERE, "peak.c"), "-o", exe],
                   check=True, capture_output=True, text=True, timeout=120)
    return exe


def measure_peak(threads, seconds=0.2, out_dir=None):
    """The machine's float32 FMA peak: {'isa', 'gflops': {1: .., threads: ..}}, or None (with the
    reason on stderr) when peak.c cannot be built or run."""
    try:
        with tempfile.TemporaryDirectory() as d:
            exe = build_peak(out_dir or d)
            out = subprocess.run([exe, str(threads), str(seconds)], check=True, capture_output=True, text=True,
                                 timeout=300)
        return parse_peak(out.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        detail = getattr(e, "stderr", "") or ""
        print("FMA peak: not measured (%s%s)" % (e, (": " + detail.strip()[:300]) if detail else ""), file=sys.stderr)
        return None


# ---- ONNX Runtime, the optional third engine ---------------------------------------------------

def export_onnx(module, inputs, path):
    """Export the eager module (the same seeded weights as the .pt) to ONNX with torch's
    TorchScript-based exporter (dynamo=False: it needs no onnxscript and works offline)."""
    import torch

    args = tuple(_to_torch(inputs))
    # a failed export prints the whole TorchScript graph: keep it out of the report (the error
    # itself is raised and reported in one line)
    with tempfile.TemporaryFile(mode="w+") as sink, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            with torch.no_grad():
                torch.onnx.export(module, args, path, dynamo=False, opset_version=17)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def ort_session(path, threads):
    """An ONNX Runtime CPU session with the same thread count as the other engines: intra-op
    `threads`, inter-op 1, sequential execution."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def ort_feed(sess, inputs):
    """The session's input dict: the inputs' array leaves, in order, by the graph's input names."""
    leaves = _leaves(inputs, [])
    names = [i.name for i in sess.get_inputs()]
    if len(names) != len(leaves):
        raise ValueError("the ONNX graph has %d inputs, the model takes %d arrays" % (len(names), len(leaves)))
    return dict(zip(names, leaves))


# ---- timing ------------------------------------------------------------------------------------

def rotations(n_engines, i):
    """The order of the engines in round i: rotated by one each round, so each engine runs after
    each other one equally often and a slow period hits all of them alike."""
    e = list(range(n_engines))
    k = i % n_engines
    return e[k:] + e[:k]


def bench_file(path, inputs, args, label, optimize=True, onnx_path=None, flops=None, batch=1, onnx_note=None):
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
    calls = [lambda: pm.forward(*inputs), lambda: tm(*t_inputs)]
    ort_note = onnx_note
    if onnx_path:
        try:
            sess = ort_session(onnx_path, args.threads)
            feed = ort_feed(sess, inputs)
            ort_diff = max_abs_diff(sess.run(None, feed), ref)
            calls.append(lambda: sess.run(None, feed))
        except Exception as e:  # noqa: BLE001  (a model ORT cannot run: say so, go on)
            ort_note = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")
            print("%s: ONNX Runtime failed: %s" % (label, ort_note), file=sys.stderr)
    times = [[] for _ in calls]
    with torch.no_grad():
        # warm-up: torch.jit's profiling executor optimizes the graph after its first calls
        for _ in range(args.warmup):
            for c in calls:
                c()
        for i in range(args.repeat):
            for e in rotations(len(calls), i):
                t0 = time.perf_counter()
                calls[e]()
                times[e].append(time.perf_counter() - t0)
                if args.gap > 0:
                    time.sleep(args.gap / 1e3)
    tp, tt = times[0], times[1]
    ratio, rng_ = ratio_stats(tp, tt)
    row = {
        "model": label,
        "batch": batch,
        "pyts_ms": min_med_max_ms(tp),
        "torch_ms": min_med_max_ms(tt),
        "ratio": ratio,
        "ratio_p10_p90": rng_,
        "busy": spread_note(tp) or spread_note(tt),
        "load_pyts_ms": statistics.median(load_pyts) * 1e3,
        "load_torch_ms": statistics.median(load_torch) * 1e3,
        "load_ratio": statistics.median(load_pyts) / statistics.median(load_torch),
        "max_abs_diff": maxdiff,
        "flops": flops,
    }
    if len(times) == 3:
        to = times[2]
        r, rr = ratio_stats(tp, to)
        row.update({"ort_ms": min_med_max_ms(to), "ratio_ort": r, "ratio_ort_p10_p90": rr,
                    "ort_max_abs_diff": ort_diff})
        row["busy"] = row["busy"] or spread_note(to)
    elif args.ort:
        row["ort_note"] = ort_note or "no ONNX model"
    del pm, tm
    if args.memory:
        row["mem_pyts_mb"] = peak_memory_mb("pyts", path, inputs, args.threads)
        row["mem_torch_mb"] = peak_memory_mb("torch", path, inputs, args.threads)
    return row


def throughput(row, engine):
    """Samples per second of an engine: batch / median seconds per call."""
    ms = row.get(engine + "_ms")
    return row["batch"] / (ms[1] / 1e3) if ms else None


def peak_share(row, engine, peak_gflops, stat=1):
    """(GFLOP/s, share of the FMA peak) of an engine at its median time (stat=1) or its min
    (stat=0); None where unknown."""
    ms = row.get(engine + "_ms")
    if not ms or not row.get("flops"):
        return None
    gfs = row["flops"] / (ms[stat] / 1e3) / 1e9
    return gfs, (gfs / peak_gflops if peak_gflops else None)


def write_png(rows, path, title=""):
    """A bar chart of the ratios pyts/torch.jit (and pyts/ORT) per model with their p10-p90
    per-pair range as error bars. Returns False (and says why) when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print("--png: skipped, matplotlib is not installed (%s); pip install matplotlib" % e, file=sys.stderr)
        return False
    labels = ["%s b%d" % (r["model"], r["batch"]) for r in rows]
    series = [("pyts / torch.jit", "ratio", "ratio_p10_p90"), ("pyts / ONNX Runtime", "ratio_ort", "ratio_ort_p10_p90")]
    series = [s for s in series if any(s[1] in r for r in rows)]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(rows) + 2), 4.5))
    width = 0.8 / max(1, len(series))
    for k, (name, key, rkey) in enumerate(series):
        xs, ys, lo, hi = [], [], [], []
        for i, r in enumerate(rows):
            if key in r:
                xs.append(i + (k - (len(series) - 1) / 2) * width)
                ys.append(r[key])
                lo.append(max(0.0, r[key] - r[rkey][0]))
                hi.append(max(0.0, r[rkey][1] - r[key]))
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=name)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel("median time ratio (lower: pyts faster)")
    ax.set_yscale("log")
    ax.set_title(title or "pyts vs torch.jit / ONNX Runtime; bars: p10-p90 of per-pair ratios", fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _fmt3(v):
    return "%.2f/%.2f/%.2f" % tuple(v) if v else "-"


def report(rows, args, cpu, peak, out=None):
    """Print the tables (to out, default sys.stdout); returns True when some row was BUSY."""
    out = out or sys.stdout
    load = " ".join("%.2f" % v for v in os.getloadavg())
    has_ort = any("ort_ms" in r for r in rows)
    print("cpu: %s (%d logical CPUs); load average %s" % (cpu, os.cpu_count() or 0, load), file=out)
    if peak:
        print("FMA peak (benchmarks/peak.c, %s): %s GFLOP/s" % (
            peak["isa"], ", ".join("%d thread%s %.1f" % (t, "s" if t > 1 else "", g)
                                   for t, g in sorted(peak["gflops"].items()))), file=out)
    print("threads=%d repeat=%d gap=%g ms%s; ms are min / median / max; ratio = median pyts / median other engine "
          "(lower is better), [p10-p90 of per-pair ratios]" % (args.threads, args.repeat, args.gap,
                                                               " (SMOKE: timings meaningless)" if args.smoke else ""),
          file=out)
    hdr = "%-16s %-24s %-24s %6s %-11s" % ("model", "pyts ms", "torch ms", "ratio", "pair range")
    if has_ort:
        hdr += " %-24s %6s %-11s" % ("ORT ms", "/ORT", "pair range")
    hdr += " %9s %9s %6s %10s" % ("load pyts", "load trch", "ratio", "max|diff|")
    if has_ort:
        hdr += " %10s" % "ORT |diff|"
    if args.memory:
        hdr += " %9s %9s" % ("peak pyts", "peak trch")
    print(hdr, file=out)
    busy = False
    for r in rows:
        label = r["model"] if r["batch"] == 1 else "%s b%d" % (r["model"], r["batch"])
        line = "%-16s %-24s %-24s %6.2f %-11s" % (label, _fmt3(r["pyts_ms"]), _fmt3(r["torch_ms"]), r["ratio"],
                                                  "%.2f-%.2f" % tuple(r["ratio_p10_p90"]))
        if has_ort:
            if "ort_ms" in r:
                line += " %-24s %6.2f %-11s" % (_fmt3(r["ort_ms"]), r["ratio_ort"], "%.2f-%.2f" % tuple(r["ratio_ort_p10_p90"]))
            else:
                line += " %-24s %6s %-11s" % ("n/a", "", "")
        line += " %9.2f %9.2f %6.2f %10.2e" % (r["load_pyts_ms"], r["load_torch_ms"], r["load_ratio"], r["max_abs_diff"])
        if has_ort:
            line += " %10s" % ("%.2e" % r["ort_max_abs_diff"] if "ort_max_abs_diff" in r else "-")
        if args.memory:
            line += " %7.0fMB %7.0fMB" % (r["mem_pyts_mb"], r["mem_torch_mb"])
        if r["busy"] and not args.smoke:
            line += "  BUSY"
            busy = True
        print(line, file=out)
    for r in rows:
        if "ort_note" in r:
            print("%s%s: no ONNX Runtime timing (%s)" % (r["model"], " b%d" % r["batch"] if r["batch"] != 1 else "",
                                                        r["ort_note"]), file=out)
    # throughput and compute: samples/s per engine, GFLOP/s and share of the FMA peak
    engines = ["pyts", "torch"] + (["ort"] if has_ort else [])
    peak_n = peak["gflops"].get(args.threads) if peak else None
    print("\nthroughput (samples/s at the median) and compute (GFLOP/s at the median; %% of the %s at the "
          "median | at the min time)" % ("%d-thread FMA peak %.1f GFLOP/s" % (args.threads, peak_n) if peak_n
                                          else "FMA peak: not measured"), file=out)
    hdr = "%-16s %7s" % ("model", "GFLOP") + "".join(" %10s" % ("%s/s" % e) for e in engines)
    hdr += "".join(" %20s" % ("%s GF/s %%peak" % e) for e in engines)
    print(hdr, file=out)
    for r in rows:
        label = r["model"] if r["batch"] == 1 else "%s b%d" % (r["model"], r["batch"])
        line = "%-16s %7s" % (label, "%.3g" % (r["flops"] / 1e9) if r.get("flops") else "-")
        for e in engines:
            t = throughput(r, e)
            line += " %10s" % ("%.1f" % t if t else "-")
        for e in engines:
            ps, pmin = peak_share(r, e, peak_n), peak_share(r, e, peak_n, stat=0)
            line += " %20s" % ("-" if ps is None else "%.1f %s" % (
                ps[0], "%.0f%%|%.0f%%" % (100 * ps[1], 100 * pmin[1]) if ps[1] else ""))
            if ps is not None:
                r["%s_gflops" % e] = ps[0]
                if ps[1] is not None:
                    r["%s_peak_share" % e] = ps[1]
                    r["%s_peak_share_at_min" % e] = pmin[1]
        print(line, file=out)
    return busy


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="*", default=None)
    p.add_argument("--list", action="store_true", help="print the default and smoke model lists and exit")
    p.add_argument("--files", nargs="*", default=[], help="PATH:D0,D1,... pairs (float32 input of that shape)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, nargs="+", default=[1],
                   help="batch sizes (default 1; e.g. --batch 1 8): each model is built and timed at each; "
                        "throughput is batch / median time")
    p.add_argument("--repeat", type=int, default=None, help="timed calls per engine (default 11, smoke 3)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--gap", type=float, default=50.0,
                   help="ms of idle time after each timed call (default 50): the other engines' worker threads "
                        "spin for a while after a call and take a core from the call that follows. Measured "
                        "(schedstat of each thread while the caller slept, 2 threads, the biLSTM): torch.jit's "
                        "OpenMP worker burns ~9 ms of CPU after each call, ONNX Runtime's ~32 ms; with a 10 ms gap "
                        "pyts's LSTM took 28.6 ms at the median in this loop against 14.7 ms alone. 0 restores "
                        "back-to-back timing")
    p.add_argument("--load-repeat", type=int, default=None, help="loads per engine (default 5, smoke 1)")
    p.add_argument("--size", type=int, default=224, help="spatial size for image classifiers")
    p.add_argument("--memory", dest="memory", action="store_true", default=None,
                   help="peak memory per engine (child processes; default on, off with --smoke)")
    p.add_argument("--no-memory", dest="memory", action="store_false")
    p.add_argument("--ort", dest="ort", action="store_true", default=None,
                   help="ONNX Runtime as a third engine (default: on when onnxruntime and onnx import): the same "
                        "module exported to ONNX, intra-op threads = --threads, inter-op 1, sequential")
    p.add_argument("--no-ort", dest="ort", action="store_false")
    p.add_argument("--peak", dest="peak", action="store_true", default=True,
                   help="measure the FMA peak with benchmarks/peak.c (system cc, -march=native) and report "
                        "GFLOP/s as a share of it (default on)")
    p.add_argument("--no-peak", dest="peak", action="store_false")
    p.add_argument("--peak-gflops", type=float, default=None,
                   help="use this as the --threads FMA peak (GFLOP/s) instead of measuring it: peak.c on a busy "
                        "machine measures less than the cores can do, which overstates every share")
    p.add_argument("--png", help="write a chart of the ratios with their spread to this PNG (needs matplotlib)")
    p.add_argument("--smoke", action="store_true",
                   help="tiny configs of every model kind, few calls: checks that the benchmark and the engines "
                        "run (CI); the timings mean nothing")
    p.add_argument("--json", help="also write the rows to this JSON file")
    p.add_argument("--optimize", choices=["on", "off", "both"], default="on",
                   help="pyts.load(optimize=...): the planning pass (BatchNorm folding, fused activations); "
                        "'both' times each model without it (row '<model> -O0') and with it, in one run")
    args = p.parse_args(argv)
    if args.list:
        print("default: " + " ".join(DEFAULT_MODELS))
        print("smoke:   " + " ".join(SMOKE_MODELS))
        print("also: any torchvision classifier by name (traced, 1x3xSIZExSIZE)")
        return 0
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
    if args.ort is None or args.ort:
        try:
            import onnx  # noqa: F401
            import onnxruntime  # noqa: F401
            args.ort = True
        except ImportError as e:
            if args.ort:
                print("--ort: onnxruntime / onnx not installed (%s): pip install \".[bench]\"" % e, file=sys.stderr)
                return 2
            print("ONNX Runtime: skipped, %s (pip install \".[bench]\")" % e, file=sys.stderr)
            args.ort = False

    import torch

    import pyts

    torch.set_num_threads(args.threads)
    pyts.set_num_threads(args.threads)
    peak = measure_peak(args.threads, seconds=0.05 if args.smoke else 0.2) if args.peak else None
    if args.peak_gflops:
        peak = peak or {"isa": "given", "gflops": {}}
        peak["measured"] = dict(peak["gflops"])  # kept in --json; the report uses the given value
        peak["gflops"][args.threads] = args.peak_gflops
        peak["given"] = True
    rows, failed = [], []
    with tempfile.TemporaryDirectory() as d:
        jobs = []
        for name in args.models:
            for batch in args.batch:
                stem = os.path.join(d, "%s_b%d" % (name, batch))
                path = stem + ".pt"
                t0 = time.perf_counter()
                try:
                    inputs, module = build_model(name, path, args, batch)
                except ImportError as e:  # transformers (bert, gpt2) is optional: pip install ".[bench]"
                    print("%s: skipped, %s" % (name, e), file=sys.stderr)
                    break
                print("built %s (batch %d) in %.1f s" % (name, batch, time.perf_counter() - t0), file=sys.stderr)
                try:
                    flops = count_flops(module, inputs) or None
                except Exception as e:  # noqa: BLE001
                    print("%s: FLOPs not counted: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)
                    flops = None
                onnx_path = onnx_note = None
                if args.ort:
                    t0 = time.perf_counter()
                    try:
                        export_onnx(module, inputs, stem + ".onnx")
                        onnx_path = stem + ".onnx"
                        print("exported %s to ONNX in %.1f s" % (name, time.perf_counter() - t0), file=sys.stderr)
                    except Exception as e:  # noqa: BLE001  (a model the exporter refuses: say so, go on)
                        onnx_note = "ONNX export failed: %s: %s" % (
                            type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")
                        print("%s: %s" % (name, onnx_note), file=sys.stderr)
                del module
                jobs.append((path, inputs, name, onnx_path, flops, batch, onnx_note))
        for spec in args.files:
            path, _, dims = spec.partition(":")
            shape = tuple(int(v) for v in dims.split(","))
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            jobs.append((path, (x,), os.path.basename(path), None, None, shape[0] if shape else 1,
                         "--files: no ONNX model"))
        opts = {"on": [True], "off": [False], "both": [False, True]}[args.optimize]
        runs = [(job, label if optimize else label + " -O0", optimize)
                for job in jobs for label in [job[2]] for optimize in opts]
        for (path, inputs, _, onnx_path, flops, batch, onnx_note), label, optimize in runs:
            try:
                rows.append(bench_file(path, inputs, args, label, optimize=optimize, onnx_path=onnx_path,
                                       flops=flops, batch=batch, onnx_note=onnx_note))
            except pyts.Error as e:
                failed.append(label)
                print("%s: pyts failed: %s: %s" % (label, type(e).__name__, str(e).splitlines()[0]), file=sys.stderr)
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    if args.peak and not args.smoke:
        # measured again after the models: the higher of the two (a busy machine only lowers it)
        peak = merge_peaks(peak, measure_peak(args.threads)) if not args.peak_gflops else peak
    busy = report(rows, args, cpu, peak)
    if busy and not args.smoke:
        print("warning: BUSY = wide spread of an engine's times (max/min > %.1f or p10-p90 range > %d%% of the "
              "median): the machine was busy; rerun, or compare the min columns" % (BUSY_MAX_OVER_MIN, BUSY_IQR * 100),
              file=sys.stderr)
    if peak and not peak.get("given") and \
            peak["gflops"].get(args.threads, 0) < 0.9 * args.threads * peak["gflops"].get(1, 0):
        print("warning: the %d-thread FMA peak is below %d x the 1-thread one: the cores were not all free while "
              "peak.c ran (shares of the peak are then overstated)" % (args.threads, args.threads), file=sys.stderr)
    if args.png and rows:
        write_png(rows, args.png, "pyts vs torch.jit%s, %d threads, %s, load %.1f\nmedian ratio; bars: p10-p90 of "
                  "per-pair ratios" % (" / ONNX Runtime" if args.ort else "", args.threads, cpu or "cpu",
                                       os.getloadavg()[0]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": cpu, "threads": args.threads, "loadavg": os.getloadavg(), "peak": peak,
                       "rows": rows}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
