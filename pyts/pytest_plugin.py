"""pytest plugin of pyts (registered through the pytest11 entry point as
"pyts"; without an installed distribution use `-p pyts.pytest_plugin`).

    def test_resnet(parity):
        model = torchvision.models.resnet18().eval()
        parity.check(model, (torch.randn(1, 3, 64, 64),))

    @pytest.mark.parity(rtol=1e-4, atol=1e-4)
    def test_deep(parity): ...

Provides:
- the `parity` fixture: seeds torch, NumPy and random with a per-test seed
  (derived from the test id, so a test sees the same numbers alone, in a
  suite or on any xdist worker), a temporary folder (parity.tmp_path, where
  the exported .pt files are kept for inspection), and parity.check(model,
  inputs, **kw), which runs pyts.testing.assert_parity with the marker's
  tolerances and records the result;
- the marker `@pytest.mark.parity(rtol=..., atol=...)` (or strict=True:
  torch.testing's defaults instead of the rounding rule);
- the option `--pyts-report PATH`: a JSON report, per test, of every check
  (each output leaf's statistics, verdict, first diverging op), and a short
  terminal summary at the end of the run.  Every check made while a test
  runs is recorded, through the fixture or not: pyts.testing.assert_parity
  and check_parity called directly, and `python -m pyts check` run in a
  subprocess (which appends its record to the file named by the
  environment variable PYTS_CHECK_LOG, set for each test);
- the option `--pyts-record DIR`: every parity check of the run also saves
  a golden file DIR/<test id>-<n>.npz (pyts.testing.record's format), which
  pyts.testing.assert_matches_record checks on a machine without torch.

Under pytest-xdist each worker attaches its records to the test reports'
user_properties, which xdist serializes to the controller; the controller
alone writes the report and the summary."""
import json
import os
import random
import zlib

import pytest

RECORD_KEY = "pyts_parity"
FIXTURE_KEY = "pyts_parity_fixture"


def pytest_addoption(parser):
    group = parser.getgroup("pyts", "pyts parity testing")
    group.addoption("--pyts-report", metavar="PATH", default=None, dest="pyts_report",
                    help="write a report of every pyts parity check (per test: output leaves, verdicts, "
                         "first diverging op): PATH.html a self-contained page with an error chart per failing "
                         "check, PATH.md a Markdown summary for CI, any other name JSON")
    group.addoption("--pyts-record", metavar="DIR", default=None, dest="pyts_record",
                    help="save a golden file (archive, inputs, torch's outputs; pyts.testing.assert_matches_record "
                         "checks pyts against it without torch) for every parity check of the run into DIR")
    group.addoption("--pyts-seed", metavar="N", type=int, default=0, dest="pyts_seed",
                    help="base seed mixed into each test's parity seed (default 0)")
    from . import _opinfo_pytest

    _opinfo_pytest.add_options(group)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "parity(rtol=None, atol=None, strict=False): tolerances for pyts parity checks in this test "
        "(strict=True: torch.testing's defaults instead of the rounding rule)"
    )
    config.addinivalue_line("markers", "pyts_opinfo: a test of the OpInfo sweep (--pyts-opinfo)")
    if not config.pluginmanager.has_plugin("pyts-parity-collector"):
        config.pluginmanager.register(_Collector(config), "pyts-parity-collector")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """--pyts-opinfo: add the OpInfo sweep's tests (pyts._opinfo_pytest) before
    -k/-m deselect."""
    if config.getoption("pyts_opinfo", False):
        from . import _opinfo_pytest

        items.extend(_opinfo_pytest.make_items(session, config))


def pytest_unconfigure(config):
    if config.getoption("pyts_opinfo", False):
        from . import _opinfo_pytest

        _opinfo_pytest.close(config)


def _check_log_env():
    from .testing import CHECK_LOG_ENV

    return CHECK_LOG_ENV


def _is_worker(config):
    return hasattr(config, "workerinput")


def seed_for(nodeid, base=0):
    """The seed the parity fixture uses for a test id."""
    return (zlib.crc32(nodeid.encode("utf-8")) ^ (base * 2654435761)) & 0x7FFFFFFF


class Parity:
    """The `parity` fixture's object.  Attributes: seed, tmp_path, rtol and
    atol (from the parity marker, or None), results (ParityResult of each
    check in this test)."""

    def __init__(self, request, tmp_path, seed):
        self._request = request
        self.tmp_path = tmp_path
        self.seed = seed
        self.results = []
        self.rtol = self.atol = None
        self.strict = False
        marker = request.node.get_closest_marker("parity")
        if marker is not None:
            kw = dict(marker.kwargs)
            if marker.args:
                kw.setdefault("rtol", marker.args[0])
                if len(marker.args) > 1:
                    kw.setdefault("atol", marker.args[1])
            self.rtol, self.atol = kw.get("rtol"), kw.get("atol")
            self.strict = bool(kw.get("strict", False))
            if (self.rtol is None) != (self.atol is None):
                raise ValueError("@pytest.mark.parity: give both rtol and atol, or neither (%s)"
                                 % request.node.nodeid)

    def randn(self, *shape, dtype=None):
        """A torch tensor of standard normal values from this test's seed
        stream (torch's global generator, seeded by the fixture)."""
        import torch

        return torch.randn(*shape, dtype=dtype or torch.float32)

    def check(self, model, example_inputs, **kwargs):
        """pyts.testing.assert_parity(model, example_inputs, **kwargs) with
        this test's tolerances (keyword arguments win over the marker) and
        the exported file kept under tmp_path; the result is recorded for
        the report.  Returns the ParityResult; raises ParityError."""
        __tracebackhide__ = True
        from .testing import ParityError, check_parity

        if "rtol" not in kwargs and "atol" not in kwargs and self.rtol is not None:
            kwargs["rtol"], kwargs["atol"] = self.rtol, self.atol
        if self.strict:
            kwargs.setdefault("strict", True)
        workdir = os.path.join(str(self.tmp_path), "check%d" % len(self.results))
        os.makedirs(workdir, exist_ok=True)
        kwargs.setdefault("workdir", workdir)
        # check_parity announces the check; the collector records it on this test
        res = check_parity(model, example_inputs, **kwargs)
        self.results.append(res)
        if not res.ok:
            raise ParityError(res.report(), res)
        return res

    assert_parity = check


@pytest.fixture
def parity(request, tmp_path):
    """Per-test seed (torch, NumPy, random), a temporary folder, and
    .check(model, inputs, **kw) running pyts.testing.assert_parity."""
    seed = seed_for(request.node.nodeid, request.config.getoption("pyts_seed", 0) or 0)
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:  # pragma: no cover
        pass
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover - the check itself will say torch is needed
        pass
    p = Parity(request, tmp_path, seed)
    request.node.user_properties.append((FIXTURE_KEY, seed))
    return p


class _Collector:
    """Records every parity check made while a test runs (on the test's
    user_properties: in process through pyts.testing's check listener, from
    subprocesses through the PYTS_CHECK_LOG file), gathers the records of
    every test report (on the controller under xdist), writes the JSON
    report and the terminal summary."""

    def __init__(self, config):
        self.config = config
        self.tests = {}
        self._item = None
        self._logdir = None

    # ---- recording (in the process that runs the tests: a worker under xdist) -------------------
    def _record(self, rec):
        item = self._item
        if item is None:
            return
        props = item.user_properties
        rec = dict(rec)
        rec["check"] = sum(1 for k, _ in props if k == RECORD_KEY)
        seed = [v for k, v in props if k == FIXTURE_KEY]
        if seed:
            rec["seed"] = seed[0]
        props.append((RECORD_KEY, rec))

    def _log_path(self, item):
        import tempfile

        if self._logdir is None:
            self._logdir = tempfile.mkdtemp(prefix="pyts-checks-")
        return os.path.join(self._logdir, "%08x.jsonl" % (zlib.crc32(item.nodeid.encode("utf-8"))))

    def _drain(self, item):
        """Move the records subprocesses appended to the log into the test."""
        path = os.environ.get(_check_log_env())
        if not path or not os.path.exists(path):
            return
        try:
            with open(path) as f:
                lines = f.read().splitlines()
            os.remove(path)
        except OSError:
            return
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            rec.setdefault("subprocess", True)
            self._record(rec)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        from . import testing

        env = {_check_log_env(): self._log_path(item)}
        record_dir = self.config.getoption("pyts_record", None)
        if record_dir:
            env[testing.RECORD_DIR_ENV] = os.path.abspath(record_dir)
            env[testing.RECORD_NAME_ENV] = item.nodeid.replace("/", ".").replace("::", "-")
        old_env = {k: os.environ.get(k) for k in env}
        self._item = item
        os.environ.update(env)
        testing.add_check_listener(self._record)
        try:
            yield
        finally:
            testing.remove_check_listener(self._record)
            self._item = None
            for k, v in old_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        if item is self._item:
            self._drain(item)
        yield

    def pytest_unconfigure(self, config):
        if self._logdir is not None:
            import shutil

            shutil.rmtree(self._logdir, ignore_errors=True)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report):
        props = getattr(report, "user_properties", ())
        recs = [v for k, v in props if k == RECORD_KEY]
        seed = [v for k, v in props if k == FIXTURE_KEY]
        entry = self.tests.get(report.nodeid)
        if not recs and not seed and entry is None:
            return
        if entry is None:
            entry = self.tests[report.nodeid] = {"nodeid": report.nodeid, "outcome": None, "checks": {},
                                                 "duration": 0.0, "seed": seed[0] if seed else None}
        for r in recs:
            entry["checks"][r.get("check", len(entry["checks"]))] = r
        entry["duration"] += getattr(report, "duration", 0.0) or 0.0
        if report.when == "call" or report.failed or entry["outcome"] is None:
            if report.when == "call" or report.failed:
                entry["outcome"] = report.outcome
            elif entry["outcome"] is None:
                entry["outcome"] = report.outcome

    # ---- aggregation --------------------------------------------------------------
    def summary(self):
        tests = [self._entry(e) for _, e in sorted(self.tests.items())]
        checks = [c for t in tests for c in t["checks"]]
        worst = None
        failing_ops = {}
        for t in tests:
            for c in t["checks"]:
                for leaf in c.get("leaves") or []:
                    wr = leaf.get("worst_rel")
                    if isinstance(wr, (int, float)) and (worst is None or wr > worst[0]):
                        worst = (wr, t["nodeid"], leaf.get("path"))
                if c.get("ok"):
                    continue
                fd = c.get("first_diverging_op")
                seen = set()
                if fd:
                    key = fd["op"] + ("" if fd.get("verdict") == "MISMATCH" else " [%s]" % fd.get("verdict"))
                    seen.add(key)
                    failing_ops.setdefault(key, []).append("%s (%s)" % (t["nodeid"], fd.get("location")))
                loc = c.get("localization") or {}
                for op, where in (loc.get("unsupported") or {}).items():
                    key = op + " [UNSUPPORTED]"
                    if key not in seen:
                        failing_ops.setdefault(key, []).append("%s (%s)" % (t["nodeid"], where))
        return {
            "tests": len(tests),
            "checks": len(checks),
            "checks_failed": sum(1 for c in checks if not c.get("ok")),
            "tensors_compared": sum(c.get("tensors_compared") or 0 for c in checks),
            "worst_rel": worst[0] if worst else None,
            "worst_rel_at": ("%s %s" % (worst[1], worst[2])) if worst else None,
            "failing_ops": {k: v for k, v in sorted(failing_ops.items())},
        }, tests

    @staticmethod
    def _entry(e):
        return {"nodeid": e["nodeid"], "outcome": e["outcome"], "duration": e["duration"], "seed": e.get("seed"),
                "checks": [e["checks"][k] for k in sorted(e["checks"])]}

    def _versions(self):
        out = {}
        try:
            import pyts

            out["pyts"] = pyts.__version__
        except Exception:  # noqa: BLE001
            pass
        try:
            import torch

            out["torch"] = torch.__version__
        except Exception:  # noqa: BLE001
            pass
        return out

    # ---- output -------------------------------------------------------------------------
    def pytest_sessionfinish(self, session):
        if _is_worker(self.config):
            return
        path = self.config.getoption("pyts_report", None)
        if not path:
            return
        summary, tests = self.summary()
        doc = {"versions": self._versions(), "summary": summary, "tests": tests}
        from ._html import write_report

        # report.html: a self-contained page with charts; report.md: a CI summary; else JSON
        write_report(doc, os.path.abspath(path))

    def pytest_terminal_summary(self, terminalreporter):
        if _is_worker(self.config) or not self.tests:
            return
        from ._report import fmt_num

        s, _ = self.summary()
        tr = terminalreporter
        tr.write_sep("=", "pyts parity")
        tr.write_line("%d tests, %d checks (%d failed), %d tensors compared" % (
            s["tests"], s["checks"], s["checks_failed"], s["tensors_compared"]))
        if s["worst_rel"] is not None:
            tr.write_line("worst relative error: %s at %s" % (fmt_num(s["worst_rel"]), s["worst_rel_at"]))
        if s["failing_ops"]:
            tr.write_line("failing ops:")
            for op, where in s["failing_ops"].items():
                tr.write_line("  %s: %s" % (op, ", ".join(where[:3]) + (" ..." if len(where) > 3 else "")))
        else:
            tr.write_line("failing ops: none")
        path = self.config.getoption("pyts_report", None)
        if path:
            tr.write_line("report: %s" % os.path.abspath(path))
