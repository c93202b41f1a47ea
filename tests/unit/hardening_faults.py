"""Fault injection worker of tests/unit/test_hardening.py (SQLite's out-of-memory loop).

    python hardening_faults.py MODEL [path|bytes]

For N = 1, 2, 3, ...: make the Nth allocation of pyts fail (_C._fail_allocation_after(N)),
then load the committed model tests/fuzz/models/MODEL.pt and run its forward on the
arguments of MODEL.args.  Every failure must be a clean pyts.Error (mostly
pyts.OutOfMemoryError, which is also a MemoryError); a run that succeeds although an
allocation failed must still give the right result; and after each N, once every Python
object is gone, pyts's live-allocation counter must be back at its baseline (no leak).  The
loop stops at the first N larger than the number of allocations a whole load + forward
makes: the failure no longer fires.

Prints one line per problem ("! N: ...") and a last line "reached N=<n> allocations=<a>
outcomes=<counts>"; a crash leaves the last "> N" line naming the N that crashed it.
"""
import collections
import faulthandler
import gc
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hardening_corpus  # noqa: E402
import pyts  # noqa: E402
from pyts import _C  # noqa: E402


def live():
    return _C.memory_stats()["live_allocations"]


def allocations():
    return _C.memory_stats()["allocations"]


def same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and \
            np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def copy_out(v):
    """Copy results out of pyts memory so that holding them does not count as live."""
    if isinstance(v, np.ndarray):
        return np.array(v, copy=True)
    if isinstance(v, (list, tuple)):
        return type(v)(copy_out(x) for x in v)
    if isinstance(v, dict):
        return {k: copy_out(x) for k, x in v.items()}
    return v


def main(model, source="bytes"):
    faulthandler.enable()
    path = os.path.join(hardening_corpus.MODELS, model + ".pt")
    with open(path, "rb") as f:
        data = f.read()
    args = hardening_corpus.model_args(model)

    def run():
        m = pyts.load(path if source == "path" else data)
        return copy_out(m.forward(*args))

    ref = run()  # warm-up: op registry, thread pool, per-thread interpreter state
    run()
    gc.collect()
    base = live()
    outcomes = collections.Counter()
    problems = 0
    n = 1
    out = sys.stdout
    while True:
        out.write("> %d\n" % n)
        out.flush()
        before = allocations()
        result, err = None, None
        _C._fail_allocation_after(n)
        try:
            result = run()
        except pyts.Error as e:
            err = e
        except Exception as e:  # noqa: BLE001 - the failure this test looks for
            err = e
        finally:
            _C._fail_allocation_after(0)
        used = allocations() - before
        if err is None:
            outcomes["ok"] += 1
            if not same(result, ref):
                out.write("! %d: succeeded with a wrong result after a failed allocation\n" % n)
                problems += 1
        else:
            outcomes[type(err).__name__] += 1
            if not isinstance(err, pyts.Error):
                out.write("! %d: %s (not a pyts.Error): %s\n" % (n, type(err).__name__, str(err)[:300]))
                problems += 1
            elif not str(err):
                out.write("! %d: %s without a message\n" % (n, type(err).__name__))
                problems += 1
        del result, err
        gc.collect()
        now = live()
        if now != base:
            out.write("! %d: %d allocations leaked (live %d, baseline %d)\n" % (n, now - base, now, base))
            problems += 1
            base = now
        if used < n:  # the whole load + forward made fewer than n allocations: done
            break
        n += 1
    out.write("reached N=%d allocations=%d problems=%d outcomes=%s\n" % (n, used, problems, dict(outcomes)))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "bytes")
