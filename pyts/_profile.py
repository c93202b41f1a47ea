"""Where a model's time goes: pyts.profile(module, *inputs).

    >>> prof = pyts.profile(m, x, repeat=5)     # runs m.forward(x): 1 warm-up + 5 recorded calls
    >>> print(prof)                               # per op and per code/ line: time, calls, share, GFLOP/s
    >>> prof.save_chrome_trace("trace.json")      # open in https://ui.perfetto.dev or chrome://tracing

Every operator call the interpreter makes while recording is one event: the op
(aten::conv2d), the call site (code/__torch__/....py:line), start and duration,
the calling thread, and the shapes of its tensor arguments and first tensor
result.  Time spent between op calls (the interpreter itself: attribute
lookups, control flow, argument binding, Python conversion of the inputs and
outputs) is reported as "(outside ops)".  Times are wall-clock: on a busy
machine, profile with repeat > 1 and read the shares rather than the absolute
times.  GFLOP/s is given for the ops whose FLOPs follow from their shapes
(convolutions, linear, matrix products: 2 FLOPs per multiply-add).

The same from the command line: `python -m pyts run model.pt --input ... --profile [--trace out.json]`.

pyts has no load-time planner yet (no folding, fusion or weight pre-packing):
every op listed runs as its own kernel, which is what the table shows.
"""
import json
import time

from . import _C

__all__ = ["profile", "Profile"]


def _shape_list(s):
    """'1x3x8,3x4->1x4' -> ([[1, 3, 8], [3, 4]], [1, 4])."""
    ins, _, out = s.partition("->")

    def one(t):
        if t in ("", "[]"):
            return []
        return [int(v) for v in t.split("x")]

    args = [one(t) for t in ins.split(",") if t] if ins else []
    return args, (one(out) if out else None)


def _prod(xs):
    p = 1
    for v in xs:
        p *= v
    return p


def flops(op, shapes):
    """FLOPs of one call (2 per multiply-add) from its shapes string, or None when unknown."""
    try:
        args, out = _shape_list(shapes)
    except ValueError:
        return None
    if out is None:
        return None
    name = op.split("::")[-1]
    if name in ("linear", "matmul", "mm", "bmm", "mv") and args and args[0]:
        return 2 * _prod(out) * args[0][-1]
    if name in ("addmm", "baddbmm", "addbmm") and len(args) >= 2 and args[1]:
        return 2 * _prod(out) * args[1][-1]
    if name in ("conv1d", "conv2d", "conv3d", "_convolution", "convolution") and len(args) >= 2 and len(args[1]) >= 2:
        return 2 * _prod(out) * _prod(args[1][1:])
    return None


class Profile:
    """The events of a profiled run and their summaries (by op, by code line)."""

    def __init__(self, events, wall_ns, calls):
        # events: list of dicts op, overload, file, line, start_ns, dur_ns, thread, shapes
        self.events = events
        self.wall_ns = wall_ns  # total wall time of the recorded calls
        self.calls = calls      # number of recorded method calls

    @property
    def op_ns(self):
        return sum(e["dur_ns"] for e in self.events)

    def _group(self, key):
        rows = {}
        for e in self.events:
            k = key(e)
            r = rows.get(k)
            if r is None:
                r = rows[k] = {"key": k, "calls": 0, "ns": 0, "flops": 0, "flops_ns": 0, "ops": set()}
            r["calls"] += 1
            r["ns"] += e["dur_ns"]
            r["ops"].add(e["op"])
            f = flops(e["op"], e["shapes"])
            if f is not None:
                r["flops"] += f
                r["flops_ns"] += e["dur_ns"]
        out = []
        for r in rows.values():
            out.append({
                "key": r["key"],
                "ops": sorted(r["ops"]),
                "calls": r["calls"] / max(1, self.calls),  # per recorded method call
                "total_calls": r["calls"],
                "ms": r["ns"] / 1e6 / max(1, self.calls),
                "share": r["ns"] / self.wall_ns if self.wall_ns else 0.0,
                "gflops": (r["flops"] / r["flops_ns"]) if r["flops_ns"] else None,
            })
        out.sort(key=lambda r: -r["ms"])
        return out

    def by_op(self):
        """Rows per op: key (op name), calls and ms per recorded call, share of the wall time, GFLOP/s."""
        return self._group(lambda e: e["op"])

    def by_line(self):
        """Rows per call site: key ("code/...py:line"), ops there, calls, ms per call, share, GFLOP/s."""
        return self._group(lambda e: "%s:%d" % (e["file"], e["line"]))

    def table(self, by="op", top=25):
        rows = self.by_op() if by == "op" else self.by_line()
        per_call = self.wall_ns / 1e6 / max(1, self.calls)
        lines = []
        head = "op" if by == "op" else "code line"
        lines.append("%-48s %8s %10s %7s %9s%s" % (head, "calls", "ms", "share", "GFLOP/s", "  ops" if by != "op" else ""))
        for r in rows[:top]:
            g = "%9.1f" % r["gflops"] if r["gflops"] is not None else "%9s" % "-"
            calls = int(r["calls"]) if r["calls"] == int(r["calls"]) else round(r["calls"], 2)
            extra = "  " + ",".join(o.split("::")[-1] for o in r["ops"]) if by != "op" else ""
            key = r["key"] if len(r["key"]) <= 48 else "..." + r["key"][-45:]
            lines.append("%-48s %8s %10.3f %6.1f%% %s%s" % (key, calls, r["ms"], 100 * r["share"], g, extra))
        if len(rows) > top:
            rest = rows[top:]
            lines.append("%-48s %8s %10.3f %6.1f%%" % ("(%d more)" % len(rest), "", sum(r["ms"] for r in rest),
                                                   100 * sum(r["share"] for r in rest)))
        outside = max(0, self.wall_ns - self.op_ns) / 1e6 / max(1, self.calls)
        lines.append("%-48s %8s %10.3f %6.1f%%" % ("(outside ops: interpreter, conversions)", "", outside,
                                               100 * outside / per_call if per_call else 0.0))
        lines.append("%-48s %8s %10.3f" % ("(total per call)", "", per_call))
        return "\n".join(lines)

    def __str__(self):
        return "pyts profile: %d recorded call(s), %.3f ms per call\n\nby op:\n%s\n\nby code line:\n%s" % (
            self.calls, self.wall_ns / 1e6 / max(1, self.calls), self.table("op"), self.table("line"))

    def chrome_trace(self):
        """The events as a Chrome-trace dict (complete events, microseconds), Perfetto opens it."""
        if not self.events:
            return {"traceEvents": [], "displayTimeUnit": "ms"}
        t0 = min(e["start_ns"] for e in self.events)
        tids = {}
        evs = []
        for e in self.events:
            tid = tids.setdefault(e["thread"], len(tids) + 1)
            args = {"code": "%s:%d" % (e["file"], e["line"]), "shapes": e["shapes"]}
            f = flops(e["op"], e["shapes"])
            if f is not None and e["dur_ns"] > 0:
                args["GFLOP/s"] = round(f / e["dur_ns"], 2)
            evs.append({"name": e["op"] + ("." + e["overload"] if e["overload"] else ""), "cat": "op", "ph": "X",
                        "ts": (e["start_ns"] - t0) / 1e3, "dur": e["dur_ns"] / 1e3, "pid": 1, "tid": tid,
                        "args": args})
        return {"traceEvents": evs, "displayTimeUnit": "ms"}

    def save_chrome_trace(self, path):
        with open(path, "w") as f:
            json.dump(self.chrome_trace(), f)


def profile(module, *inputs, method="forward", repeat=1, warmup=1, trace=None, **kwargs):
    """Run module.<method>(*inputs, **kwargs) `warmup` times unrecorded, then `repeat` times
    recorded; return a Profile (print it for the tables).  trace: also write a Chrome-trace JSON there.
    The module's outputs are discarded.  Only one profile can record at a time (per process)."""
    if repeat < 1:
        raise ValueError("profile: repeat must be >= 1")
    def run(*a, **k):
        return module.run_method(method, *a, **k)

    for _ in range(max(0, warmup)):
        run(*inputs, **kwargs)
    _C._profile_start()
    try:
        t0 = time.perf_counter_ns()
        for _ in range(repeat):
            run(*inputs, **kwargs)
        wall = time.perf_counter_ns() - t0
    finally:
        _C._profile_stop()
        raw = _C._profile_events()
    keys = ("op", "overload", "file", "line", "start_ns", "dur_ns", "thread", "shapes")
    prof = Profile([dict(zip(keys, r)) for r in raw], wall, repeat)
    if trace:
        prof.save_chrome_trace(trace)
    return prof
