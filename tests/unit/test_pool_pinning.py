"""The thread pool pins its workers and never leaves the caller pinned (csrc/tensor/parallel.c).

Each case runs in a fresh interpreter (the pool is process-wide and starts once): it runs a
convolution big enough to be split over the pool, then reads /proc/self/task/*/status.
The pool's workers are named "pyts-worker" (/proc/.../comm).  Linux only; needs 2 CPUs.
"""
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread affinity is Linux's"),
    pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs in the affinity mask"),
]

PRELUDE = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import pyts
    from pyts import _C

    def cpus(tid):
        for line in open("/proc/self/task/%d/status" % tid):
            if line.startswith("Cpus_allowed_list:"):
                out = set()
                for part in line.split(":")[1].strip().split(","):
                    a, _, b = part.partition("-")
                    out.update(range(int(a), int(b or a) + 1))
                return sorted(out)

    def workers():
        tids = []
        for t in os.listdir("/proc/self/task"):
            with open("/proc/self/task/%s/comm" % t) as f:
                if f.read().strip() == "pyts-worker":
                    tids.append(int(t))
        return tids

    def running_on(tid):
        with open("/proc/self/task/%d/stat" % tid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[36])

    def split_op():
        x = np.ones((1, 64, 56, 56), np.float32)
        w = np.ones((64, 64, 3, 3), np.float32)
        y = _C.call_op("aten::conv2d", x, w, None, [1, 1], [1, 1], [1, 1], 1)
        assert float(y[0, 0, 1, 1]) == 576.0  # 64 channels x 9 taps of ones
""")


def run(body, env=None, affinity=None):
    code = PRELUDE + textwrap.dedent(body)
    e = dict(os.environ)
    e.update(env or {})
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    e["PYTHONPATH"] = root + os.pathsep + e.get("PYTHONPATH", "")
    pre = None
    if affinity is not None:
        pre = lambda: os.sched_setaffinity(0, affinity)  # noqa: E731
    r = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True,
                       timeout=120, preexec_fn=pre)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_workers_pinned_one_cpu_each_caller_keeps_its_mask():
    out = run("""
        pyts.set_num_threads(2)
        before = cpus(os.getpid())
        split_op()
        ws = workers()
        print(json.dumps([before, cpus(os.getpid()), [cpus(t) for t in ws]]))
    """)
    before, after, wmasks = __import__("json").loads(out)
    assert len(wmasks) == 1, wmasks
    assert len(wmasks[0]) == 1 and wmasks[0][0] in before, wmasks
    assert after == before  # the caller is never left pinned


def test_no_pinning_when_disabled():
    out = run("""
        pyts.set_num_threads(2)
        split_op()
        print(json.dumps([cpus(os.getpid()), [cpus(t) for t in workers()]]))
    """, env={"PYTS_PIN_THREADS": "0"})
    mine, wmasks = __import__("json").loads(out)
    assert wmasks == [mine]


def test_no_pinning_with_fewer_cpus_than_threads():
    one = min(os.sched_getaffinity(0))
    out = run("""
        pyts.set_num_threads(3)
        split_op()
        print(json.dumps([cpus(t) for t in workers()]))
    """, affinity={one, max(os.sched_getaffinity(0))})
    wmasks = __import__("json").loads(out)
    assert len(wmasks) == 2
    assert all(len(m) == 2 for m in wmasks), wmasks  # inherited, not narrowed


def test_caller_on_a_workers_cpu_is_moved_off_and_keeps_its_mask():
    out = run("""
        pyts.set_num_threads(2)
        split_op()
        (w,) = workers()
        (wcpu,) = cpus(w)
        full = cpus(os.getpid())
        moved = []
        for _ in range(5):
            os.sched_setaffinity(0, {wcpu})   # put the caller on the worker's CPU...
            os.sched_setaffinity(0, set(full))  # ...and give it its whole mask back: it stays there
            assert running_on(os.getpid()) == wcpu
            split_op()
            moved.append(running_on(os.getpid()) != wcpu)
        print(json.dumps([moved, cpus(os.getpid()) == full]))
    """)
    moved, mask_kept = __import__("json").loads(out)
    assert mask_kept
    # the pool moved the caller before splitting the job (the kernel could move it back
    # in between, but not on most of the tries)
    assert sum(moved) >= 4, moved
