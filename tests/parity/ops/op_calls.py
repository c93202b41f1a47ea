"""Op suite bookkeeping: which ops the op tests really call (the hooks that
drive it are in tests/parity/conftest.py).

Every call of pyts._C.call_op is seen by a thin wrapper installed here; the
op names called during each test of this folder (setup to teardown) are
recorded per test id.  test_coverage.py counts an op as covered only when
some test of the op suite called it in the same pytest session (not when
its name merely appears in a file).

Where the records live: in this process (CALLS), and under pytest-xdist
also as one JSON line per test in a folder shared by the workers of the run
(named after xdist's testrunuid, in the run's base temporary folder), so that the coverage tests, which are
moved to the end of the run, can wait for every op test of the session on
every worker.  PYTS_OPS_CALLED_OUT=path: at the end of the session, write
{test id: [op names]} there as JSON (test_coverage.py uses it when it has to
run the op suite itself)."""
import json
import os
import tempfile

from pyts import _C

HERE = os.path.dirname(os.path.abspath(__file__))
COVERAGE_FILE = "test_coverage.py"

CALLS = {}          # test id -> sorted op names it called
DESELECTED = []     # op test ids deselected in this session (-k, --deselect)
_current = set()
_call_op = _C.call_op


def _recording_call_op(name, *args, **kwargs):
    _current.add(name)
    return _call_op(name, *args, **kwargs)


_C.call_op = _recording_call_op


def is_op_test(item):
    path = _path(item)
    return os.path.dirname(path) == HERE and os.path.basename(path) != COVERAGE_FILE


def shared_dir(config):
    """The folder where the workers of one xdist run write their records
    (None without xdist): in the run's pytest base temporary folder, the
    parent of every worker's own, which pytest prunes with old runs."""
    wi = getattr(config, "workerinput", None)
    if wi is None:
        return None
    try:
        base = str(config._tmp_path_factory.getbasetemp().parent)
    except AttributeError:
        base = tempfile.gettempdir()
    d = os.path.join(base, "pyts-ops-called-%s" % wi["testrunuid"])
    os.makedirs(d, exist_ok=True)
    return d


def _path(item):
    return os.path.abspath(str(getattr(item, "path", getattr(item, "fspath", ""))))


def coverage_last(items):
    """The coverage tests need every op test's record: run them last."""
    cov = [i for i in items if _path(i) == os.path.join(HERE, COVERAGE_FILE)]
    if cov:
        rest = [i for i in items if i not in cov]
        items[:] = rest + cov


def deselected(items):
    DESELECTED.extend(i.nodeid for i in items if is_op_test(i))


def setup(item):
    _current.clear()


def teardown(item):
    if not is_op_test(item):
        return
    ops = sorted(_current)
    _current.clear()
    CALLS[item.nodeid] = ops
    d = shared_dir(item.config)
    if d is not None:
        with open(os.path.join(d, "%s.jsonl" % item.config.workerinput["workerid"]), "a") as f:
            f.write(json.dumps({"test": item.nodeid, "ops": ops}) + "\n")


def sessionfinish(session):
    if hasattr(session.config, "workerinput"):
        return
    out = os.environ.get("PYTS_OPS_CALLED_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(CALLS, f)
