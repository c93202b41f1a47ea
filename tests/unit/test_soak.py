"""Soak: load and run the committed models in a loop from several threads, and check that
nothing accumulates (issue 12).

4 threads, for PYTS_SOAK_SECONDS (default 15; run it long by hand with a larger value):
each round loads every model of tests/fuzz/models (from the path and from bytes, in turn),
runs forward on its inputs a few times, and drops it; one module loaded up front
(tests/data/mutator.pt) is shared by all threads, whose forward mutates its (bounded) state.
After a warm-up round the test takes a baseline and then checks, at the end:

* the engine's live-allocation counter and its heap and tensor byte counters are back at the
  baseline exactly once the shared module is dropped too;
* resident memory (VmRSS) grew by less than 32 MB (malloc keeps freed memory in its per-thread
  arenas; what matters is that it stops growing, checked as: the second half of the run adds
  less than 16 MB to the first half's peak);
* no file descriptor and no mapping of a model file is left (/proc/self/fd, /proc/self/maps).
"""
import gc
import glob
import os
import threading
import time

import numpy as np
import pytest

import pyts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "tests", "fuzz", "models")
MUTATOR = os.path.join(ROOT, "tests", "data", "mutator.pt")
SECONDS = float(os.environ.get("PYTS_SOAK_SECONDS", "15"))
THREADS = 4

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc (Linux)")


def inputs(name):
    args = []
    for line in open(os.path.join(MODELS, name + ".args")).read().split("\n"):
        if line.startswith("T "):
            shape = [int(d) for d in line.split()[1:]]
            args.append(np.linspace(-1, 1, int(np.prod(shape)), dtype=np.float32).reshape(shape))
        elif line.startswith("i "):
            args.append(int(line.split()[1]))
    return args


def models():
    out = []
    for path in sorted(glob.glob(os.path.join(MODELS, "*.pt"))):
        name = os.path.basename(path)[:-3]
        out.append((path, open(path, "rb").read(), inputs(name)))
    return out


def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def fds():
    return len(os.listdir("/proc/self/fd"))


def model_mappings():
    return [line for line in open("/proc/self/maps") if line.rstrip().endswith(".pt")]


def one_round(k, mods, shared, x3):
    for i, (path, data, args) in enumerate(mods):
        m = pyts.load(path if (i + k) % 2 else data)
        for _ in range(3):
            out = m.forward(*args)
        del out, m
        shared.forward(x3, k * 1000 + i)
        shared.total()


def test_soak_flat_memory_no_fd_or_mapping_left():
    mods = models()
    assert len(mods) >= 8
    x3 = np.ones(3, np.float32)
    shared = pyts.load(MUTATOR)
    for k in range(THREADS):  # warm-up: the op registry, the pool, NumPy's caches
        one_round(k, mods, shared, x3)
    del shared
    gc.collect()
    base = pyts._C.memory_stats()
    base_fds, base_maps = fds(), set(model_mappings())  # (modules other tests keep alive stay)
    shared = pyts.load(MUTATOR)
    rss0 = rss()
    errors, rounds, peaks = [], [0] * THREADS, []
    deadline = time.monotonic() + SECONDS
    half = time.monotonic() + SECONDS / 2

    def work(k):
        try:
            while time.monotonic() < deadline:
                one_round(k, mods, shared, x3)
                rounds[k] += 1
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    ts = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in ts:
        t.start()
    first_half_peak = 0
    while any(t.is_alive() for t in ts):
        time.sleep(0.25)
        r = rss()
        peaks.append(r)
        if time.monotonic() < half:
            first_half_peak = max(first_half_peak, r)
    for t in ts:
        t.join()
    assert not errors, errors[:3]
    gc.collect()
    end = rss()
    print("soak: %d threads x %.0f s, %d rounds (%d model runs); VmRSS %.1f -> %.1f MB (peak %.1f MB)" % (
        THREADS, SECONDS, sum(rounds), sum(rounds) * len(mods) * 3, rss0 / 2**20, end / 2**20, max(peaks) / 2**20))
    assert min(rounds) >= 1
    assert fds() == base_fds
    assert len(set(model_mappings()) - base_maps) == 1  # only the shared module's archive stays mapped
    assert max(peaks) - first_half_peak < 16 << 20, (first_half_peak, max(peaks))
    assert end - rss0 < 32 << 20, (rss0, end)
    # the engine's own counters: once the shared module goes too, exactly the baseline
    del shared
    gc.collect()
    assert set(model_mappings()) == base_maps and fds() == base_fds
    after = pyts._C.memory_stats()
    for key in ("live_allocations", "heap_bytes", "data_bytes"):
        assert after[key] == base[key], (key, base[key], after[key])
