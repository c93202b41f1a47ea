"""Localization: the first op whose pyts result differs from torch's when both
are fed the same inputs (lockstep, as torch-mlir's e2e debugging does).

How it works (no change to the C engine is needed):

1. torch's graph of the loaded method is copied and inlined
   (torch._C._jit_pass_inline), so every call into a submodule becomes the
   aten ops it runs, in execution order.
2. The graph is executed node by node with torch's own interpreter: each
   node without blocks is cloned into a one-node graph and run with
   torch._C._jit_interpret_graph on the values torch computed so far;
   prim::If and prim::Loop are walked here, in Python, so control flow is
   followed exactly as torch takes it.  Every intermediate value is
   therefore visible, and the run is exact (same kernels, same inputs).
3. Before torch runs an aten:: node, its inputs are copied to NumPy (pyts's
   inputs must not see torch's in-place writes); after torch has run it, the
   same op is run in pyts through pyts._C.call_op("aten::<name>.<overload>")
   on those copies, and pyts's result is compared with torch's output.

The first node whose results differ beyond tolerance, or that pyts refuses,
is reported with its schema, its line in the archive's code/ (and the Python
line it came from, when the archive has debug info), its module path, and
statistics of its inputs and outputs.  Ops pyts does not register are listed
as UNSUPPORTED: the localization goes on past them with torch's values.
Because every op is fed torch's inputs, errors do not accumulate: a kernel
bug is pinned to its op even in a 100-layer model.

4. pyts's own run, recorded: with the archive's path, pyts loads and runs the
   archive itself with its debug trace on (Object.run_method_traced: every
   operator result, list/dict/string/tuple subscript and attribute store,
   with its code/ file and line), and each recorded value is compared with
   torch's value at the node of the same code/ line and op, execution by
   execution (the k-th time a line's op runs in a loop is matched with the
   k-th time torch runs it; attribute stores, which carry no source range in
   torch, align by attribute name).  The first value that differs, or an
   execution one engine ran and the other did not (a loop's trip count, a
   branch), is reported as "First difference in pyts's run": this is what
   finds bugs of the interpreter (control flow, loops, lists, dicts, strings,
   attributes) that the lockstep replay of single ops cannot see.  The report
   says how many recorded values were compared and which were not (no node
   at that line in torch's graph: torch's compiler specializes some code;
   torch's graph not stepped to its end; pyts's run stopped).

torch's side is stepped through what its interpreter cannot run one node at
a time: nodes without outputs (prim::SetAttr) return None, prim::Uninitialized
stays a marker, lists and dicts an op mutates are written back into the
caller's objects, defaulted method arguments are filled from the schema.
Ops taking "..." arguments (aten::format) and identity tests (aten::__is__)
cannot be replayed through call_op: they are SKIPPED in the lockstep run and
compared in the recorded run; only ops pyts does not register, or refuses,
are UNSUPPORTED."""
import re
import time
import zipfile

import numpy as np

from . import _C, Error, UnsupportedOperatorError
# the comparison core; torch_to_numpy, to_numpy_tree and compare_trees lived here and are still importable
from ._compare import (_Skip, _dtype_codes, compare_trees, structure_problem, to_numpy_tree,  # noqa: F401
                       torch_to_numpy)
from ._report import fmt_stats, json_safe, tensor_stats

__all__ = ["localize", "Localization", "OpEvent"]


def to_pyts(v):
    """A value recorded in torch, as pyts._C.call_op takes it."""
    import torch

    if isinstance(v, torch.Tensor):
        return torch_to_numpy(v)
    if isinstance(v, (list, tuple)):
        return type(v)(to_pyts(x) for x in v) if type(v) in (list, tuple) else tuple(to_pyts(x) for x in v)
    if isinstance(v, dict):
        return {k: to_pyts(x) for k, x in v.items()}
    if isinstance(v, torch.dtype):
        return _dtype_codes()[v]
    if isinstance(v, torch.device):
        return str(v)
    if v is None or isinstance(v, (bool, int, float, complex, str)):
        return v
    if isinstance(v, (torch.memory_format, torch.layout)):
        raise _Skip("a %s argument" % type(v).__name__)
    raise _Skip("a %s argument" % type(v).__name__)


# ---- source locations ---------------------------------------------------------------

_FILE_RE = re.compile(r'File "([^"]+)", line (\d+)')
_FRAME_RE = re.compile(r"^(\S.*?)\((\d+)\): (\S+)$")


def _source_info(node):
    """(code/ file, line, original location string) from node.sourceRange()."""
    try:
        text = node.sourceRange()
    except Exception:  # noqa: BLE001 - older torch
        return None, None, None
    code_file = code_line = origin = None
    for m in _FILE_RE.finditer(text):
        f, line = m.group(1), int(m.group(2))
        if f.startswith("code/") or "/code/__torch__" in f:
            if code_file is None:
                code_file, code_line = f[f.index("code/"):], line
        elif origin is None:
            origin = "%s:%d" % (f, line)
    if origin is None:
        # traced graphs carry the Python stack: "path(line): func" lines,
        # innermost first; the first frame outside torch is the user's line
        frames = [m for m in (_FRAME_RE.match(ln.strip()) for ln in text.splitlines()) if m]
        for m in frames:
            if "/torch/" not in m.group(1).replace("\\", "/"):
                origin = "%s:%s (%s)" % (m.group(1), m.group(2), m.group(3))
                break
        if origin is None and frames:
            origin = "%s:%s (%s)" % (frames[0].group(1), frames[0].group(2), frames[0].group(3))
    return code_file, code_line, origin


def _module_path(node):
    try:
        h = node.getModuleHierarchy()
    except Exception:  # noqa: BLE001
        return None
    if not h:
        return None
    parts = [re.sub(r"\(.*\)$", "", p) for p in h.split(".")]
    return ".".join(p for p in parts if p and p != "SELF") or None


class _CodeFiles:
    """Reads lines of the archive's code/ files (for the report)."""

    def __init__(self, path):
        self.path = path
        self.cache = {}

    def line(self, code_file, line):
        if not self.path or not code_file or not line:
            return None
        if code_file not in self.cache:
            text = None
            try:
                with zipfile.ZipFile(self.path) as z:
                    for name in z.namelist():
                        if name.endswith("/" + code_file) or name == code_file:
                            text = z.read(name).decode("utf-8", "replace").splitlines()
                            break
            except (OSError, zipfile.BadZipFile, TypeError):
                text = None
            self.cache[code_file] = text
        lines = self.cache[code_file]
        if lines and 0 < line <= len(lines):
            return lines[line - 1].strip()
        return None


# ---- the graph, prepared once ------------------------------------------------------------

class _GNode:
    __slots__ = ("node", "kind", "ins", "outs", "blocks", "index", "_graph", "schema", "op_name", "kwnames",
                 "checked", "nondet", "dead", "_extra", "_key")

    def __init__(self, node, index):
        self.node = node
        self.kind = node.kind()
        self.ins = [v.unique() for v in node.inputs()]
        self.outs = [v.unique() for v in node.outputs()]
        self.blocks = [_GBlock(b, index) for b in node.blocks()]
        self.index = index[0]
        index[0] += 1
        self._graph = None
        self._extra = []
        self._key = False
        self.schema = None
        self.op_name = None
        self.kwnames = None
        self.checked = False
        self.nondet = False
        self.dead = all(not v.uses() for v in node.outputs())

    def graph(self):
        """This node alone in a graph (inputs -> node -> outputs)."""
        if self._graph is None:
            import torch

            g = torch._C.Graph()
            vmap = {}
            for v in self.node.inputs():
                if v.unique() not in vmap:
                    nv = g.addInput()
                    nv.setType(v.type())
                    vmap[v.unique()] = nv
            n2 = g.createClone(self.node, lambda v: vmap[v.unique()])
            g.insertNode(n2)
            outs = list(n2.outputs())
            # lists and dicts are mutable: a Python list passed in comes back
            # as a new TorchScript list, so the (possibly mutated) containers
            # are returned too and written back into the caller's objects
            extra = [(u, v) for u, v in vmap.items() if isinstance(v.type(), (torch._C.ListType, torch._C.DictType))]
            rets = outs + [v for _, v in extra]
            if not rets:
                # prim::SetAttr, aten::warn, ...: a function returns one value (None here)
                g.registerOutput(g.insertConstant(None))
            elif len(rets) == 1 and not extra:
                g.registerOutput(rets[0])
            else:
                tup = g.create("prim::TupleConstruct", rets)
                tup.output().setType(torch._C.TupleType([o.type() for o in rets]))
                g.appendNode(tup)
                g.registerOutput(tup.output())
            # a typed function: arguments are converted by the graph's input
            # types (a Python list becomes an int[] / Tensor[], as in a real call)
            fn = torch._C._create_function_from_graph("pyts_step_%d" % self.index, g)
            self._extra = [u for u, _ in extra]
            self._graph = (fn, list(vmap))
        return self._graph


class _GBlock:
    __slots__ = ("ins", "outs", "nodes")

    def __init__(self, block, index):
        self.ins = [v.unique() for v in block.inputs()]
        self.nodes = [_GNode(n, index) for n in block.nodes()]
        self.outs = [v.unique() for v in block.outputs()]


def _prepare_checks(block, registry):
    import torch

    for n in block.nodes:
        for b in n.blocks:
            _prepare_checks(b, registry)
        if n.blocks or n.kind in ("prim::Constant", "prim::GetAttr", "prim::SetAttr"):
            continue
        if not (n.kind.startswith("aten::") or n.kind.startswith("prim::")):
            continue
        try:
            schema = n.node.schema()
        except Exception:  # noqa: BLE001
            schema = "(no schema)"
        if not schema or schema == "(no schema)":
            continue
        name = schema.split("(", 1)[0]
        if n.kind.startswith("prim::") and name not in registry:
            continue  # prim nodes pyts runs inside its interpreter
        n.schema = schema
        n.op_name = name
        n.checked = True
        try:
            n.nondet = bool(n.node.isNondeterministic())
        except Exception:  # noqa: BLE001
            n.nondet = False
        try:
            args = torch._C.parse_schema(schema).arguments
            n.kwnames = [a.name if a.kwarg_only else None for a in args]
        except Exception:  # noqa: BLE001
            n.kwnames = None


# ---- results ---------------------------------------------------------------------------------

class OpEvent:
    """One execution of one op: what torch computed, what pyts computed on
    the same inputs, and the verdict: OK, MISMATCH, UNSUPPORTED (pyts has no
    such op), ERROR (pyts raised), SKIPPED (the inputs cannot cross into pyts)."""

    def __init__(self):
        self.order = None          # position among the ops checked, in execution order
        self.node_index = None     # position of the node in the inlined graph
        self.execution = 1         # how many times this node had run (loops)
        self.op = None             # aten::conv2d
        self.schema = None
        self.verdict = None
        self.nondeterministic = False
        self.code_file = None
        self.code_line = None
        self.code_text = None
        self.origin = None
        self.module_path = None
        self.inputs = []           # [(name, description dict)]
        self.torch_outputs = []    # tensor_stats / value per output
        self.pyts_outputs = []
        self.leaves = []           # LeafResult per output leaf
        self.error = None
        self.score = 0.0           # worst error / tolerance among outputs (for "closest" lists)

    @property
    def location(self):
        if self.code_file:
            return "%s:%s" % (self.code_file, self.code_line)
        return "?"

    def to_dict(self):
        return json_safe({
            "order": self.order, "node_index": self.node_index, "execution": self.execution,
            "op": self.op, "schema": self.schema, "verdict": self.verdict,
            "nondeterministic": self.nondeterministic, "code_file": self.code_file,
            "code_line": self.code_line, "code_text": self.code_text, "origin": self.origin,
            "module_path": self.module_path,
            "inputs": [{"name": n, **d} for n, d in self.inputs],
            "torch_outputs": self.torch_outputs, "pyts_outputs": self.pyts_outputs,
            "leaves": [l.to_dict() for l in self.leaves if not l.passed] or
                      [l.to_dict() for l in self.leaves[:1]],
            "error": self.error,
        })

    def describe(self, indent="  "):
        lines = ["%s  [%s]" % (self.schema or self.op, self.verdict)]
        where = "at %s" % self.location
        if self.code_text:
            where += "    %s" % self.code_text
        lines.append(indent + where)
        if self.origin:
            lines.append(indent + "from %s" % self.origin)
        if self.module_path:
            lines.append(indent + "module: %s" % self.module_path)
        if self.execution > 1:
            lines.append(indent + "execution #%d of this op (inside a loop)" % self.execution)
        if self.nondeterministic:
            lines.append(indent + "nondeterministic op: the two engines draw different random numbers")
        scalars = []
        shown = 0
        for name, d in self.inputs:
            if d.get("type") == "Tensor" or "items" in d:
                if shown < 8:
                    lines.append(indent + "input %s: %s" % (name, _fmt_desc(d)))
                shown += 1
            else:
                scalars.append("%s=%r" % (name, d.get("value")))
        if shown > 8:
            lines.append(indent + "... %d more tensor inputs" % (shown - 8))
        if scalars:
            lines.append(indent + "other inputs: " + ", ".join(scalars))
        for i, d in enumerate(self.torch_outputs):
            lines.append(indent + "output %d torch: %s" % (i, _fmt_desc(d)))
            if i < len(self.pyts_outputs):
                lines.append(indent + "output %d pyts:  %s" % (i, _fmt_desc(self.pyts_outputs[i])))
        if self.error:
            lines.append(indent + "pyts: %s" % self.error)
        for leaf in self.leaves:
            if not leaf.passed:
                lines.extend(indent + l for l in leaf.lines(indent))
        return lines


def _describe_value(v):
    """A small JSON-able description of a value fed to or returned by an op."""
    if isinstance(v, np.ndarray):
        d = tensor_stats(v)
        d["type"] = "Tensor"
        return d
    if isinstance(v, (list, tuple)):
        if len(v) <= 8 and all(not isinstance(x, (np.ndarray, list, tuple, dict)) for x in v):
            return {"type": type(v).__name__, "value": list(v)}
        return {"type": "%s[%d]" % (type(v).__name__, len(v)),
                "items": [_describe_value(x) for x in list(v)[:4]]}
    if isinstance(v, (bool, int, float, str)) or v is None:
        return {"type": type(v).__name__, "value": v}
    return {"type": type(v).__name__, "value": repr(v)[:80]}


def _fmt_desc(d):
    if d.get("type") == "Tensor":
        return "Tensor " + fmt_stats(d)
    if "items" in d:
        return "%s of %s" % (d["type"], ", ".join(_fmt_desc(x) for x in d["items"]))
    return "%s %r" % (d.get("type"), d.get("value"))


class Localization:
    """The outcome of the lockstep run.  first: the first OpEvent that is a
    MISMATCH or ERROR (None when every op agrees); problems: the first few
    non-OK events in execution order; unsupported: {op: first location};
    closest: the OK ops closest to their tolerance (where rounding builds up
    when no single op is wrong); counts per verdict; note: why the
    localization stopped early, if it did."""

    def __init__(self):
        self.first = None
        self.problems = []
        self.unsupported = {}
        self.closest = []
        self.counts = {}
        self.checked = 0
        self.note = None
        self.seconds = 0.0
        self.tolerance = None
        # pyts's own run (debug trace) aligned with torch's graph
        self.run_first = None      # RunDivergence or None
        self.run_compared = 0      # values compared
        self.run_recorded = 0      # values pyts's run recorded
        self.run_unmatched = 0     # recorded values torch's graph has no node for (not compared)
        self.run_note = None       # what could not be compared, and why
        # the error chart: [op, location, execution, relative error, relative tolerance] per float
        # tensor value compared, in torch's execution order; run_first_index: the first difference's point
        self.run_series = []
        self.run_first_index = None

    def to_dict(self):
        return json_safe({
            "first_diverging_op": self.first.to_dict() if self.first else None,
            "problems": [e.to_dict() for e in self.problems],
            "unsupported": self.unsupported,
            "closest": [{"op": e.op, "location": e.location, "score": e.score, "max_abs":
                         max((l.worst_abs or 0.0) for l in e.leaves) if e.leaves else None} for e in self.closest],
            "counts": self.counts, "ops_checked": self.checked, "note": self.note,
            "seconds": self.seconds, "tolerance": self.tolerance,
            "pyts_run": {"first_difference": self.run_first.to_dict() if self.run_first else None,
                         "values_recorded": self.run_recorded, "values_compared": self.run_compared,
                         "values_not_compared": self.run_unmatched, "note": self.run_note,
                         "series": self.run_series, "first_index": self.run_first_index},
        })

    def describe(self):
        lines = []
        c = ", ".join("%d %s" % (n, k) for k, n in sorted(self.counts.items()))
        lines.append("Localization (lockstep: each op run in pyts on torch's own inputs; %d op executions: %s; %s):"
                     % (self.checked, c or "none", self.tolerance or "default tolerances"))
        if self.first is not None:
            lines.append("First diverging op #%d: " % self.first.order + self.first.describe()[0])
            lines.extend(self.first.describe()[1:])
        elif self.checked == 0:
            lines.append("No op was compared in lockstep.")
        elif self.unsupported:
            lines.append("No supported op diverges when fed torch's inputs; pyts lacks the ops below.")
        else:
            lines.append("No op diverges when fed torch's inputs.")
        if self.first is None and self.closest:
            lines.append("Ops closest to their tolerance (rounding differences may build up through these):")
            for e in self.closest:
                lines.append("  %s at %s: %.3g x tolerance" % (e.op, e.location, e.score))
        if self.unsupported:
            lines.append("UNSUPPORTED in pyts (not run by call_op; the lockstep run went on with torch's values): " + ", ".join(
                "%s (at %s)" % (k, v) for k, v in self.unsupported.items()))
        others = [e for e in self.problems if e is not self.first and e.verdict != "UNSUPPORTED"]
        if others:
            lines.append("Further ops that differ (first %d):" % len(others))
            for e in others:
                lines.append("  #%d %s at %s [%s]" % (e.order, e.op, e.location, e.verdict))
        if self.note:
            lines.append("Note: " + self.note)
        lines.extend(self._describe_run())
        return lines

    def _describe_run(self):
        if not self.run_recorded and not self.run_note:
            return []
        lines = ["pyts's own run (debug trace of every op result and attribute store, aligned with torch's graph "
                 "by code/ line, op and execution): %d values recorded, %d compared with torch's%s."
                 % (self.run_recorded, self.run_compared,
                    ", %d not compared (no matching node in torch's graph)" % self.run_unmatched
                    if self.run_unmatched else "")]
        if self.run_first is not None:
            d = self.run_first.describe()
            lines.append("First difference in pyts's run: " + d[0])
            lines.extend(d[1:])
        elif self.run_compared:
            lines.append("Every compared value of pyts's run agrees with torch's.")
        if self.run_note:
            lines.append("Not compared: " + self.run_note)
        return lines


# ---- pyts's own run, recorded (the debug trace) -------------------------------------------------

_TRACE_BUDGET = 512 << 20   # bytes of recorded values kept (a deep model at batch 1 needs far less)
_SERIES_MAX = 20000          # points of the error chart (values compared along the run)


def _snapshot(v):
    """A copy of a value the trace reported (it may share memory with the run)."""
    if isinstance(v, np.ndarray):
        return np.array(v, copy=True)
    if isinstance(v, list):
        return [_snapshot(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_snapshot(x) for x in v)
    if isinstance(v, dict):
        return {k: _snapshot(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, float, complex, str)):
        return v
    return _NotComparable(type(v).__name__)


class _NotComparable:
    def __init__(self, what):
        self.what = what


def _nbytes(v):
    if isinstance(v, np.ndarray):
        return v.nbytes
    if isinstance(v, (list, tuple)):
        return 64 + sum(_nbytes(x) for x in v)
    if isinstance(v, dict):
        return 64 + sum(_nbytes(x) for x in v.values())
    return 32


class _Trace:
    """pyts's own run of the method with the debug trace on: every op
    result and attribute store, keyed by (code/ file, line, op, attribute)
    and numbered by execution (loop iterations)."""

    def __init__(self):
        self.values = {}       # key -> [value per execution]
        self.order = []        # (key, execution) in pyts's execution order
        self.where = {}        # SetAttr key -> [(file, line) per execution]
        self.bytes = 0
        self.truncated = False
        self.error = None
        self.count = 0

    def __call__(self, op, attr, file, line, value):
        key = (file, line, op, attr)
        if op == "prim::SetAttr":
            # torch's prim::SetAttr nodes carry no source range: attribute
            # stores align by attribute name and execution; pyts knows the line
            key = (None, None, op, attr)
            self.where.setdefault(key, []).append((file, line))
        lst = self.values.setdefault(key, [])
        self.count += 1
        self.order.append((key, len(lst) + 1))
        if self.truncated:
            lst.append(_NotComparable("not kept (the trace's memory budget was used up)"))
            return
        v = _snapshot(value)
        self.bytes += _nbytes(v)
        if self.bytes > _TRACE_BUDGET:
            self.truncated = True
        lst.append(v)


def _record_pyts_run(path, method, inputs):
    """Load the archive in pyts and run method with the trace on."""
    from . import load as pyts_load, no_grad as pyts_no_grad

    tr = _Trace()
    try:
        pm = pyts_load(path, optimize=False)  # op by op: a folded BatchNorm would have no value to align
        memo = {}
        args = []
        for a in inputs:   # one tensor passed twice stays one value (x is y holds in both engines)
            if id(a) not in memo:
                memo[id(a)] = to_pyts(a)
            args.append(memo[id(a)])
        with pyts_no_grad():
            pm._obj.run_method_traced(method, tr, *args)
    except _Skip as e:
        tr.error = "the inputs cannot cross into pyts: %s" % e
    except Exception as e:  # noqa: BLE001 - pyts's errors, or a value the trace could not take: a limit, not a crash
        tr.error = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
    return tr


class RunDivergence:
    """The first value pyts's own run computes differently from torch's
    graph, found by aligning pyts's debug trace with torch's stepped graph by
    code/ line, op and execution number.  kind: DIFFERS (both ran it, the
    values differ), NOT_RUN_IN_PYTS (torch ran this execution, pyts did not:
    control flow went another way), ONLY_IN_PYTS (pyts ran it, torch did not)."""

    def __init__(self, kind, op, attr, code_file, code_line, execution):
        self.kind, self.op, self.attr = kind, op, attr
        self.code_file, self.code_line, self.execution = code_file, code_line, execution
        self.code_text = None
        self.origin = None
        self.module_path = None
        self.torch_value = None
        self.pyts_value = None
        self.leaves = []

    @property
    def location(self):
        return "%s:%s" % (self.code_file, self.code_line)

    @property
    def what(self):
        return "%s .%s" % (self.op, self.attr) if self.attr else self.op

    def to_dict(self):
        return json_safe({
            "kind": self.kind, "op": self.op, "attribute": self.attr, "code_file": self.code_file,
            "code_line": self.code_line, "code_text": self.code_text, "execution": self.execution,
            "origin": self.origin, "module_path": self.module_path,
            "torch": self.torch_value, "pyts": self.pyts_value,
            "leaves": [l.to_dict() for l in self.leaves if not l.passed],
        })

    def describe(self, indent="  "):
        head = {"DIFFERS": "computes a different value",
                "NOT_RUN_IN_PYTS": "was run by torch but not by pyts (control flow differs)",
                "ONLY_IN_PYTS": "was run by pyts but not by torch (control flow differs)"}[self.kind]
        lines = ["%s (execution #%d) %s" % (self.what, self.execution, head)]
        where = indent + "at %s" % self.location
        if self.code_text:
            where += "    %s" % self.code_text
        lines.append(where)
        if self.origin:
            lines.append(indent + "from %s" % self.origin)
        if self.module_path:
            lines.append(indent + "module: %s" % self.module_path)
        if self.torch_value is not None:
            lines.append(indent + "torch: %s" % _fmt_desc(self.torch_value))
        if self.pyts_value is not None:
            lines.append(indent + "pyts:  %s" % _fmt_desc(self.pyts_value))
        for leaf in self.leaves:
            if not leaf.passed:
                lines.extend(indent + l for l in leaf.lines(indent))
        return lines


# ---- the lockstep run ------------------------------------------------------------------

class _Runner:
    def __init__(self, graph_root, env, registry, rtol, atol, code_files, max_problems):
        self.root = graph_root
        self.env = env
        self.registry = registry
        self.rtol, self.atol = rtol, atol
        self.code = code_files
        self.max_problems = max_problems
        self.result = Localization()
        self.runs = {}
        self.varargs = _vararg_ops()
        self.trace = None          # _Trace of pyts's own run, or None
        self.seen = {}             # trace key -> executions torch reached

    def run_block(self, block):
        for n in block.nodes:
            self.run_node(n)

    def run_root(self, root):
        """The top block, dropping each value after its last use so that a
        deep model does not keep every activation alive."""
        last = {}

        def used(n, i):
            for u in n.ins:
                last[u] = i
            for b in n.blocks:
                for u in b.outs:
                    last[u] = i
                for m in b.nodes:
                    used(m, i)

        for i, n in enumerate(root.nodes):
            used(n, i)
        keep = set(root.outs)
        frees = {}
        for u, i in last.items():
            if u not in keep:
                frees.setdefault(i, []).append(u)
        for i, n in enumerate(root.nodes):
            self.run_node(n)
            for u in frees.get(i, ()):
                self.env.pop(u, None)

    def run_node(self, n):
        import torch

        env = self.env
        if n.kind == "prim::If":
            cond = env[n.ins[0]]
            b = n.blocks[0] if bool(cond) else n.blocks[1]
            self.run_block(b)
            for o, v in zip(n.outs, b.outs):
                env[o] = env[v]
            return
        if n.kind == "prim::Loop":
            max_trip, cond = env[n.ins[0]], bool(env[n.ins[1]])
            carried = [env[i] for i in n.ins[2:]]
            body = n.blocks[0]
            i = 0
            while cond and i < max_trip:
                env[body.ins[0]] = i
                for v, x in zip(body.ins[1:], carried):
                    env[v] = x
                self.run_block(body)
                cond = bool(env[body.outs[0]])
                carried = [env[v] for v in body.outs[1:]]
                i += 1
            for o, v in zip(n.outs, carried):
                env[o] = v
            return
        if n.blocks:
            raise _Unsupported("cannot step through %s (a node with blocks)" % n.kind)
        if n.kind == "prim::Constant" and n.dead:
            # e.g. the Function constants left behind by inlining
            for o in n.outs:
                env[o] = None
            return
        args = [env[i] for i in n.ins]
        pargs = perr = None
        if n.checked:
            try:
                pargs = [to_pyts(a) for a in args]
            except _Skip as e:
                perr = e
        if n.kind == "prim::Uninitialized":
            # a placeholder torch never reads (early returns, breaks): it
            # cannot cross into Python, so it stays a marker here
            for o in n.outs:
                env[o] = _UNINIT
            return
        if any(a is _UNINIT for a in args):
            raise _Unsupported("%s reads an uninitialized value" % n.kind)
        fn, order = n.graph()
        outs = fn(*[env[u] for u in order])
        if n._extra:
            outs = tuple(outs)
            for u, new in zip(n._extra, outs[len(n.outs):]):
                _write_back(env[u], new)
            outs = outs[:len(n.outs)]
        elif len(n.outs) == 1:
            outs = (outs,)
        elif len(n.outs) == 0:
            outs = ()
        for o, v in zip(n.outs, outs):
            env[o] = v
        if self.trace is not None:
            self.align(n, args, list(outs))
        if n.checked:
            self.check(n, args, pargs, perr, list(outs))

    def key(self, n):
        if n._key is False:
            code_file, code_line, _ = _source_info(n.node)
            if n.kind == "prim::SetAttr":
                n._key = (None, None, n.kind, n.node.s("name"))
            else:
                n._key = (code_file, code_line, n.kind, None) if code_file else None
        return n._key

    def align(self, n, args, outs):
        """Compare torch's value at this node with pyts's recorded value at
        the same code/ line, op and execution."""
        key = self.key(n)
        if key is None or key not in self.trace.values:
            return
        res = self.result
        k = self.seen.get(key, 0) + 1
        self.seen[key] = k
        recorded = self.trace.values[key]
        if k > len(recorded):
            if self.trace.error is None and res.run_first is None:
                res.run_first = self._divergence("NOT_RUN_IN_PYTS", n, key, k)
                res.run_first_index = len(res.run_series)
            return
        got = recorded[k - 1]
        if isinstance(got, _NotComparable):
            return
        torch_v = args[1] if n.kind == "prim::SetAttr" else (outs[0] if len(outs) == 1 else tuple(outs))
        try:
            exp = to_numpy_tree(torch_v)
        except _Skip:
            return
        if isinstance(got, list) and isinstance(exp, tuple) and not isinstance(torch_v, tuple):
            got = tuple(got)
        leaves = []
        try:
            compare_trees(exp, got, "value", self.rtol, self.atol, True, leaves)
        except Exception:  # noqa: BLE001 - a value the comparison cannot take is not compared
            return
        res.run_compared += 1
        self.add_point(key, k, exp, got, leaves)
        if res.run_first is None and not all(l.passed for l in leaves):
            res.run_first_index = len(res.run_series) - 1
            d = self._divergence("DIFFERS", n, key, k)
            d.leaves = leaves
            d.torch_value = _describe_value(exp)
            d.pyts_value = _describe_value(got)
            res.run_first = d

    def add_point(self, key, k, exp, got, leaves):
        """One point of the error chart: the relative error of a float
        tensor value (max |pyts - torch| / max |torch|) and the relative
        tolerance that judged it ((atol + rtol max |torch|) / max |torch|)."""
        res = self.result
        if len(res.run_series) >= _SERIES_MAX:
            return
        if not (isinstance(exp, np.ndarray) and isinstance(got, np.ndarray) and exp.shape == got.shape
                and exp.size and exp.dtype.kind in "fc"):
            return
        e = exp.astype(np.float64) if exp.dtype.kind == "f" else np.abs(exp)
        g = got.astype(np.float64) if got.dtype.kind == "f" else np.abs(got)
        with np.errstate(all="ignore"):
            scale = float(np.nanmax(np.abs(e))) if np.isfinite(e).any() else 0.0
            diff = np.abs(g - e)
            d = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
        if not np.isfinite(diff).all() and not np.array_equal(np.isnan(e), np.isnan(g)):
            d = float("inf")
        # an all-zero value (x * 0): no relative scale, the differences count as they are
        scale = scale if scale > 0 else 1.0
        leaf = leaves[0] if leaves else None
        rtol = (leaf.rtol or 0.0) if leaf is not None else 0.0
        atol = (leaf.atol or 0.0) if leaf is not None else 0.0
        f, line = self._where(key, k)
        res.run_series.append(["%s .%s" % (key[2], key[3]) if key[3] else key[2], "%s:%s" % (f, line), k,
                               d / scale, (atol + rtol * scale) / scale])

    def _where(self, key, k):
        if key[0] is None:
            w = self.trace.where.get(key) or [(None, None)]
            return w[min(k, len(w)) - 1]
        return key[0], key[1]

    def _divergence(self, kind, n, key, k):
        f, line = self._where(key, k)
        d = RunDivergence(kind, key[2], key[3], f, line, k)
        d.code_text = self.code.line(d.code_file, d.code_line)
        _, _, d.origin = _source_info(n.node)
        d.module_path = _module_path(n.node)
        return d

    def finish_alignment(self, complete):
        """After stepping: executions pyts ran that torch did not (only
        when torch's graph was stepped to its end), and the counts."""
        res, tr = self.result, self.trace
        res.run_recorded = tr.count
        matched = sum(min(self.seen.get(key, 0), len(v)) for key, v in tr.values.items())
        res.run_unmatched = tr.count - matched
        if res.run_first is None and complete and tr.error is None:
            # a site torch's graph has, run more often by pyts (a loop's trip
            # count); sites torch's graph lacks altogether are not evidence:
            # torch's compiler specializes code (e.g. drops `if x is None`
            # tests it can decide), so those are only counted as not compared
            for key, k in tr.order:
                if self.seen.get(key, 0) and k > self.seen[key]:
                    f, line = self._where(key, k)
                    d = RunDivergence("ONLY_IN_PYTS", key[2], key[3], f, line, k)
                    d.code_text = self.code.line(d.code_file, d.code_line)
                    res.run_first = d
                    break
        notes = []
        if tr.error:
            notes.append("pyts's run stopped (%s); values after that point were not recorded" % tr.error)
        if tr.truncated:
            notes.append("the trace kept values up to %d MB; later values were not compared" % (_TRACE_BUDGET >> 20))
        if not complete:
            notes.append("torch's graph could not be stepped to its end (see the note above); values pyts "
                         "computed after that point were not compared with torch's")
        if res.run_unmatched:
            notes.append("%d recorded values have no node at the same code/ line in torch's graph (ops pyts "
                         "and torch lower differently, or executions torch did not reach)" % res.run_unmatched)
        res.run_note = "; ".join(notes) or None

    def check(self, n, args, pargs, perr, outs):
        res = self.result
        count = self.runs.get(n.index, 0) + 1
        self.runs[n.index] = count
        ev = OpEvent()
        ev.order = res.checked + 1
        res.checked += 1
        ev.node_index, ev.execution, ev.op, ev.schema = n.index, count, n.op_name, n.schema
        ev.nondeterministic = n.nondet
        if perr is not None:
            ev.verdict, ev.error = "SKIPPED", str(perr)
        elif n.op_name not in self.registry:
            ev.verdict = "UNSUPPORTED"
            ev.error = "operator %s is not registered in pyts" % n.op_name
        elif n.op_name in ("aten::__is__", "aten::__isnot__"):
            ev.verdict, ev.error = "SKIPPED", "an identity test (copies cannot tell; compared in pyts's own run)"
        elif n.op_name in self.varargs:
            # call_op cannot pass a schema's "..." arguments; the recorded run compares it
            ev.verdict, ev.error = "SKIPPED", "%s takes variable arguments (compared in pyts's own run)" % n.op_name
        else:
            pos, kw = [], {}
            names = n.kwnames
            for i, a in enumerate(pargs):
                if names is not None and i < len(names) and names[i] is not None:
                    kw[names[i]] = a
                else:
                    pos.append(a)
            try:
                got = _C.call_op(n.op_name, *pos, **kw)
            except UnsupportedOperatorError as e:
                # pyts itself refuses this call (e.g. dropout in training mode)
                ev.verdict, ev.error = "UNSUPPORTED", "%s: %s" % (type(e).__name__, e)
            except Error as e:
                ev.verdict, ev.error = "ERROR", "%s: %s" % (type(e).__name__, e)
            else:
                try:
                    exp = [to_numpy_tree(o) for o in outs]
                except _Skip as e:
                    ev.verdict, ev.error = "SKIPPED", str(e)
                else:
                    got_list = [got] if len(exp) == 1 else (list(got) if isinstance(got, (tuple, list)) else [got])
                    if len(exp) == 0:
                        got_list = []
                    leaves = []
                    for i, (e_, g_) in enumerate(zip(exp, got_list)):
                        compare_trees(e_, g_, "output[%d]" % i if len(exp) > 1 else "output",
                                      self.rtol, self.atol, True, leaves)
                    if len(got_list) != len(exp):
                        leaves.append(structure_problem("output", "pyts returned %d values, torch %d" % (
                            len(got_list), len(exp))))
                    ev.leaves = leaves
                    ev.verdict = "OK" if all(l.passed for l in leaves) else "MISMATCH"
                    ev.score = _score(leaves)
                    if ev.verdict != "OK":
                        ev.torch_outputs = [_describe_value(x) for x in exp]
                        ev.pyts_outputs = [_describe_value(x) for x in got_list]
        res.counts[ev.verdict] = res.counts.get(ev.verdict, 0) + 1
        if ev.verdict == "OK":
            if ev.score > 0 and (len(res.closest) < 3 or ev.score > res.closest[-1].score):
                self._locate(n, ev)
                res.closest.append(ev)
                res.closest.sort(key=lambda e: -e.score)
                del res.closest[3:]
            return
        self._locate(n, ev)
        if ev.verdict == "UNSUPPORTED":
            res.unsupported.setdefault(ev.op, ev.location)
        if not ev.inputs:
            names = _arg_names(n)
            ev.inputs = [(names[i] if i < len(names) else "#%d" % i, _describe_value(_np_or(a)))
                         for i, a in enumerate(args)]
        if ev.verdict in ("MISMATCH", "ERROR") and res.first is None:
            res.first = ev
        if len(res.problems) < self.max_problems:
            res.problems.append(ev)

    def _locate(self, n, ev):
        ev.code_file, ev.code_line, ev.origin = _source_info(n.node)
        ev.code_text = self.code.line(ev.code_file, ev.code_line)
        ev.module_path = _module_path(n.node)


class _Unsupported(Exception):
    pass


def _write_back(obj, new):
    """Make the caller's list/dict equal to what the op left in its copy."""
    if isinstance(obj, list) and isinstance(new, list):
        if len(obj) != len(new) or any(a is not b for a, b in zip(obj, new)):
            obj[:] = new
    elif isinstance(obj, dict) and isinstance(new, dict):
        if obj != new or len(obj) != len(new):
            obj.clear()
            obj.update(new)


class _Uninit:
    def __repr__(self):
        return "<uninitialized>"


_UNINIT = _Uninit()


def _np_or(a):
    try:
        return to_numpy_tree(a)
    except _Skip:
        return a


def _arg_names(n):
    import torch

    try:
        return [a.name for a in torch._C.parse_schema(n.schema).arguments]
    except Exception:  # noqa: BLE001
        return []


def _score(leaves):
    """The worst error of the outputs as a multiple of the tolerance."""
    s = 0.0
    for l in leaves:
        if l.kind != "tensor" or not l.numel or l.worst_abs is None:
            continue
        tol = (l.atol or 0.0) + (l.rtol or 0.0) * abs(float(l.max_abs_torch)) \
            if isinstance(l.max_abs_torch, (int, float)) else (l.atol or 0.0)
        if l.worst_abs == 0:
            continue
        s = max(s, l.worst_abs / tol if tol > 0 else float("inf"))
    return s


def _registry():
    return {s.split("(", 1)[0] for s in _C.supported_ops()}


def _vararg_ops():
    return {s.split("(", 1)[0] for s in _C.supported_ops() if "..." in s.split("->", 1)[0]}


def localize(loaded, method, inputs, *, path=None, rtol=None, atol=None, max_problems=10, trace=True,
             pyts_path=None):
    """Run torch's graph of loaded.<method> node by node on inputs (torch
    values) and check each op in pyts.  With trace=True and the archive's
    path, pyts also runs the archive itself with its debug trace on, and
    each value it records is compared with torch's value at the same code/
    line, op and execution (so interpreter bugs, not only kernel bugs, are
    localized).  pyts_path: the archive pyts runs, when it is not path
    (the same code/ lines).  Both engines start from the archive's state: a
    module whose methods update attributes is reloaded from path for torch's
    side.  Returns a Localization."""
    import torch

    t0 = time.perf_counter()
    res = Localization()
    res.tolerance = "rtol=%s, atol=%s" % (rtol, atol) if rtol is not None else \
        "torch.testing default tolerances per dtype"
    if path:
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = torch.jit.load(path)
        except Exception:  # noqa: BLE001 - keep the module given
            pass
    try:
        fn = getattr(loaded, method)
        graph = fn.graph.copy()
        torch._C._jit_pass_inline(graph)
    except Exception as e:  # noqa: BLE001
        res.note = "cannot read torch's graph of %s: %s" % (method, e)
        return res
    registry = _registry()
    try:
        root = _GBlock(_graph_block(graph), [0])
        _prepare_checks(root, registry)
    except Exception as e:  # noqa: BLE001 - a localization limit, never a crash of the check
        res.note = "cannot prepare torch's graph for stepping: %s: %s" % (type(e).__name__, e)
        return res
    env = {}
    gin = root.ins
    values = [loaded._c] + list(inputs)
    if len(values) < len(gin):
        # defaulted arguments (MultiheadAttention's need_weights=True, ...)
        try:
            for a in fn.schema.arguments[len(values):]:
                if not a.has_default_value():
                    break
                values.append(a.default_value)
        except Exception:  # noqa: BLE001
            pass
    if len(values) != len(gin):
        res.note = "the method takes %d inputs, %d given" % (len(gin) - 1, len(inputs))
        return res
    for u, v in zip(gin, values):
        env[u] = v
    runner = _Runner(root, env, registry, rtol, atol, _CodeFiles(path), max_problems)
    runner.result = res
    if trace and path:
        runner.trace = _record_pyts_run(pyts_path or path, method, inputs)
    complete = False
    try:
        # the plain interpreter: no profiling or fusion passes on the one-node graphs
        with torch.no_grad(), torch.jit.optimized_execution(False):
            runner.run_root(root)
        complete = True
    except _Unsupported as e:
        res.note = str(e)
    except Exception as e:  # noqa: BLE001 - torch raising while stepping is a limitation, not a crash
        res.note = "stopped: torch raised while stepping through the graph: %s: %s" % (
            type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
    if runner.trace is not None:
        runner.finish_alignment(complete)
    res.seconds = time.perf_counter() - t0
    return res


def _graph_block(graph):
    """torch._C.Graph exposes its top block through its nodes' owner; a
    Graph has .block() in recent torch."""
    if hasattr(graph, "block"):
        return graph.block()
    for n in graph.nodes():
        return n.owningBlock()
    raise _Unsupported("empty graph")
