"""The OpInfo sweep as pytest tests: `pytest --pyts-opinfo` (the hooks are in
pyts.pytest_plugin; this module is imported only when the option is given).

One test per (OpInfo, dtype), named `opinfo::<op>[<dtype>]` and marked
`pyts_opinfo`, for the dtypes the OpInfo declares for the CPU among those
selected.  Each test runs its samples through pyts.opinfo's own sample
runner in a worker process that the pytest process keeps between tests
(pyts.opinfo.Runner): a sample that crashes pyts (a signal) or hangs past
the timeout is that sample's CRASH and fails that test, the worker is
replaced and the pytest process (an xdist worker too) goes on.  Outcomes:

  PASS                       passed
  MISMATCH, RUN-ERROR,
  LOAD-ERROR, CRASH          failed, with the sample (input shapes and
                             dtypes, arguments), the dtype and the worst
                             element (index, torch's and pyts's values)
  UNSUPPORTED-OP             xfailed, naming the aten ops pyts lacks (a known
                             gap, not a wrong answer; it turns into a pass or
                             a failure by itself once the kernel exists)
  SKIP                       skipped (torch itself cannot script or run the
                             samples)

`-m pyts_opinfo` keeps only these tests (the other tests of the given paths
are still collected, then deselected)."""
import pytest

from . import opinfo

MARK = "pyts_opinfo"


def add_options(group):
    group.addoption("--pyts-opinfo", action="store_true", default=False, dest="pyts_opinfo",
                    help="add PyTorch's OpInfo sweep (pyts.opinfo) as tests: one per op and dtype, each sample "
                         "crash-isolated in a worker process; `-m pyts_opinfo` runs only those")
    group.addoption("--pyts-opinfo-ops", metavar="LIST", default=None, dest="pyts_opinfo_ops",
                    help="comma-separated OpInfo names (name or name.variant) for --pyts-opinfo (default: all)")
    group.addoption("--pyts-opinfo-dtypes", metavar="LIST", default="all", dest="pyts_opinfo_dtypes",
                    help="comma-separated dtypes for --pyts-opinfo (default: all = %s)" % ",".join(opinfo.DTYPES))
    group.addoption("--pyts-opinfo-max-samples", metavar="N", type=int, default=None,
                    dest="pyts_opinfo_max_samples", help="samples per op and dtype for --pyts-opinfo (default: all)")
    group.addoption("--pyts-opinfo-timeout", metavar="S", type=float, default=60.0, dest="pyts_opinfo_timeout",
                    help="seconds one sample may take before it is a CRASH (default 60)")


def enabled(config):
    return bool(config.getoption("pyts_opinfo", False))


def cases(config):
    """[(op index, key, dtype)] selected by the options, in op_db order;
    raises pytest.UsageError on an unknown op or dtype."""
    try:
        dtypes = opinfo.parse_dtypes(config.getoption("pyts_opinfo_dtypes"))
    except ValueError as e:
        raise pytest.UsageError("--pyts-opinfo-dtypes: %s" % e)
    text = config.getoption("pyts_opinfo_ops")
    names = [s.strip() for s in text.split(",") if s.strip()] if text else None
    op_db = opinfo._op_db()
    selection = opinfo.select_ops(op_db, names)
    if names:
        known = {k for _, k in selection} | {op_db[i].name for i, _ in selection}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise pytest.UsageError("--pyts-opinfo-ops: unknown OpInfo names: %s" % ", ".join(unknown))
    out = []
    for idx, key in selection:
        supported = {str(d).replace("torch.", "") for d in op_db[idx].supported_dtypes("cpu")}
        out.extend((idx, key, d) for d in dtypes if d in supported)
    return out


class OpInfoItem(pytest.Item):
    def __init__(self, *, op_index, key, dtype, **kw):
        super().__init__(**kw)
        self.op_index, self.key, self.dtype = op_index, key, dtype
        self.add_marker(MARK)

    def runtest(self):
        runner = _runner(self.config)
        res = runner.run(self.op_index, self.key, self.dtype)
        self.user_properties.append(("pyts_opinfo", {
            "op": self.key, "dtype": self.dtype, "verdict": res["verdict"], "per_sample": res["per_sample"]}))
        kind, text = outcome(res)
        if kind == "skip":
            pytest.skip(text)
        if kind == "xfail":
            pytest.xfail(text)
        if kind == "fail":
            raise OpInfoFailure(text)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, OpInfoFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, "opinfo %s [%s]" % (self.key, self.dtype)


class OpInfoFailure(Exception):
    pass


def outcome(res):
    """("pass" | "fail" | "xfail" | "skip", text) for an (op, dtype) summary
    (pyts.opinfo.summarize_op)."""
    v = res["verdict"]
    where = "%s [%s]" % (res["op"], res.get("dtype"))
    c = res["counts"]
    if v == "PASS":
        return "pass", "%s: %d of %d samples PASS" % (where, c["PASS"], res["tested"])
    fp = res.get("first_problem") or {}
    if v == "SKIP":
        return "skip", "%s: %s" % (where, fp.get("message") or res.get("note") or "no sample could be tested")
    if v == "UNSUPPORTED-OP":
        return "xfail", "%s: pyts lacks %s (%d of %d samples)" % (
            where, ", ".join(res["missing_ops"]) or "a kernel", c["UNSUPPORTED-OP"], res["tested"])
    bad = sum(c[x] for x in ("MISMATCH", "RUN-ERROR", "LOAD-ERROR", "CRASH"))
    lines = ["%s: %s (%d of %d tested samples fail; %d PASS)" % (where, v, bad, res["tested"], c["PASS"])]
    if res.get("crashed"):
        lines.append(res.get("note") or "worker crashed outside a sample")
    if fp:
        lines.append("first failing sample #%s (%s), dtype %s: %s" % (
            fp.get("sample"), fp.get("verdict"), res.get("dtype"), fp.get("input") or "?"))
        lines.append(fp.get("detail") or fp.get("message") or "")
    lines.append("per sample: %s  (. PASS, M MISMATCH, U UNSUPPORTED-OP, L LOAD-ERROR, R RUN-ERROR, C CRASH, "
                 "s SKIP)" % res["per_sample"])
    return "fail", "\n".join(lines)


_RUNNER_KEY = pytest.StashKey()


def _runner(config):
    r = config.stash.get(_RUNNER_KEY, None)
    if r is None:
        import torch

        torch.set_num_threads(1)
        r = opinfo.Runner(max_samples=config.getoption("pyts_opinfo_max_samples"),
                          timeout=config.getoption("pyts_opinfo_timeout"))
        config.stash[_RUNNER_KEY] = r
    return r


def close(config):
    r = config.stash.get(_RUNNER_KEY, None)
    if r is not None:
        r.close()
        config.stash[_RUNNER_KEY] = None


def make_items(session, config):
    path = __import__("pathlib").Path(opinfo.__file__)
    items = []
    for idx, key, dtype in cases(config):
        name = "%s[%s]" % (key, dtype)
        items.append(OpInfoItem.from_parent(session, name=name, nodeid="opinfo::" + name, path=path,
                                            op_index=idx, key=key, dtype=dtype))
    return items
