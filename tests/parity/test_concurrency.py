"""Concurrency: one loaded module, 8 Python threads x 200 forward calls each.

pyts releases the GIL while a method runs, so the threads really run the interpreter and
the kernels at the same time (and share pyts's one kernel thread pool).  Every result
must be bit-identical to the single-threaded result for the same input, and close to
torch's.

Thread-safety contract (docs/architecture.md, Threads): any mix of concurrent calls on one
module is memory-safe, including methods that assign attributes and mutate the module's lists
and dicts: each object's slots, and each list or dict reachable from the module, are read and
changed under that container's own lock.  pyts does not serialize whole methods (neither does
torch): `self.n += 1` from two threads may lose an update, as in torch; in-place tensor ops on a
shared buffer race on its numbers, as in torch.  Callers who need every update serialize such
methods themselves (a lock per module, shown below) or load one module per thread.
"""
import os
import threading
import time

import numpy as np
import pytest
import torch
from typing import Dict, List

import pyts
from pyts._compare import assert_close

from conftest import jit_save

THREADS, CALLS = 8, 200


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, stride=2)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv1(x)))
        y = torch.nn.functional.max_pool2d(torch.relu(self.conv2(y)), 2)
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return torch.softmax(self.fc(y), -1)


class Scripted(torch.nn.Module):
    """Control flow, lists and dicts built per call (local state only), a read-only attribute."""

    scale: float

    def __init__(self):
        super().__init__()
        self.scale = 0.5
        self.lin = torch.nn.Linear(6, 6)

    def forward(self, x, n: int):
        parts: List[torch.Tensor] = []
        seen: Dict[int, float] = {}
        y = x
        for i in range(n):
            y = torch.tanh(self.lin(y)) * self.scale + y
            parts.append(y.sum(-1))
            seen[i] = float(y.mean())
        return torch.stack(parts, 0), len(seen)


class Counter(torch.nn.Module):
    """Methods that mutate module state."""

    count: int
    hist: List[int]

    def __init__(self):
        super().__init__()
        self.count = 0
        self.hist = []
        self.register_buffer("acc", torch.zeros(3))

    def forward(self, x):
        self.count += 1
        self.hist.append(self.count)
        self.acc.add_(x)
        return self.acc


def save(mod, path, example=None):
    mod.eval()
    m = torch.jit.trace(mod, example) if example is not None else torch.jit.script(mod)
    return jit_save(m, path)


def run_threads(fn):
    """fn(thread_index) in THREADS threads at once; re-raises the first exception."""
    errors = []
    start = threading.Barrier(THREADS)

    def body(k):
        try:
            start.wait()
            fn(k)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    ts = [threading.Thread(target=body, args=(k,)) for k in range(THREADS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def inputs(shape, count=16, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(np.float32) for _ in range(count)]


@pytest.mark.parametrize("pool_threads", [1, 2])
def test_traced_convnet_8_threads(tmp_path, pool_threads):
    torch.manual_seed(0)
    path = save(ConvNet(), tmp_path / "convnet.pt", torch.zeros(2, 3, 16, 16))
    m = pyts.load(path)
    xs = inputs((2, 3, 16, 16))
    old = pyts.get_num_threads()
    pyts.set_num_threads(pool_threads)
    try:
        want = [m.forward(x) for x in xs]
        ref = torch.jit.load(path)
        for x, w in zip(xs, want):
            assert_close(w, ref(torch.from_numpy(x)), rtol=1e-5, atol=1e-6)
        results = [[None] * CALLS for _ in range(THREADS)]

        def work(k):
            for i in range(CALLS):
                results[k][i] = m.forward(xs[(k * 7 + i) % len(xs)])

        run_threads(work)
    finally:
        pyts.set_num_threads(old)
    for k in range(THREADS):
        for i in range(CALLS):
            got, w = results[k][i], want[(k * 7 + i) % len(xs)]
            assert got.tobytes() == w.tobytes(), "thread %d call %d differs from the single-threaded result" % (k, i)


def test_scripted_control_flow_8_threads(tmp_path):
    torch.manual_seed(1)
    path = save(Scripted(), tmp_path / "scripted.pt")
    m = pyts.load(path)
    xs = inputs((4, 6), seed=1)
    want = {(j, n): m.forward(xs[j], n) for j in range(len(xs)) for n in (1, 3, 5)}
    ref = torch.jit.load(path)
    t_out, t_len = ref(torch.from_numpy(xs[0]), 3)
    assert_close(want[(0, 3)][0], t_out, rtol=1e-5, atol=1e-6)
    assert want[(0, 3)][1] == t_len == 3
    bad = []

    def work(k):
        for i in range(CALLS):
            key = ((k + i) % len(xs), (1, 3, 5)[(k * i) % 3])
            out, n = m.forward(xs[key[0]], key[1])
            if out.tobytes() != want[key][0].tobytes() or n != want[key][1]:
                bad.append((k, i, key))

    run_threads(work)
    assert not bad, bad[:5]


def test_threads_each_loading_and_running(tmp_path):
    """Loads, runs and frees in parallel (separate modules, one archive file)."""
    torch.manual_seed(2)
    path = save(ConvNet(), tmp_path / "convnet.pt", torch.zeros(1, 3, 8, 8))
    x = inputs((1, 3, 8, 8), 1, seed=2)[0]
    want = pyts.load(path).forward(x)

    def work(k):
        for i in range(25):
            m = pyts.load(path) if i % 2 else pyts.load(open(path, "rb").read())
            assert m.forward(x).tobytes() == want.tobytes()
            del m

    run_threads(work)


def test_errors_stay_in_their_thread(tmp_path):
    """Each thread's failures carry its own message (the C error state is per thread)."""
    torch.manual_seed(3)
    path = save(ConvNet(), tmp_path / "convnet.pt", torch.zeros(1, 3, 8, 8))
    m = pyts.load(path)
    good = inputs((1, 3, 8, 8), 1, seed=3)[0]
    want = m.forward(good)

    def work(k):
        for i in range(CALLS // 4):
            if (k + i) % 2:
                chans = 4 + k  # each thread its own wrong channel count
                with pytest.raises(pyts.ExecutionError, match="but got %d channels" % chans):
                    m.forward(np.ones((1, chans, 8, 8), np.float32))
            else:
                assert m.forward(good).tobytes() == want.tobytes()

    run_threads(work)


class Handshake(torch.nn.Module):
    """Two mutating methods that can only both finish if they run at the same
    time: meet_a sets self.a and spins until self.b is set, meet_b the
    reverse.  Each gives up after `spins` iterations and returns how many it
    used (== spins: it timed out)."""

    a: int
    b: int

    def __init__(self):
        super().__init__()
        self.a = 0
        self.b = 0

    def forward(self, x):
        return x

    @torch.jit.export
    def meet_a(self, spins: int) -> int:
        self.a = 1
        i = 0
        while self.b == 0 and i < spins:
            i += 1
        return i

    @torch.jit.export
    def meet_b(self, spins: int) -> int:
        self.b = 1
        i = 0
        while self.a == 0 and i < spins:
            i += 1
        return i

    @torch.jit.export
    def reset(self):
        self.a = 0
        self.b = 0


def test_mutating_methods_are_not_serialized(tmp_path):
    """The documented contract: pyts does not serialize methods that mutate
    the module (no lock around a call).  Two threads call meet_a and meet_b,
    each of which assigns to the module and then waits for the other's
    assignment: both return early only if the calls overlap.  Were pyts to
    take a lock around each call, the first would spin until its timeout
    (about 20 s of spinning, calibrated below, ample for the second thread
    to start even on a loaded machine) and the test fails."""
    m = pyts.load(save(Handshake(), tmp_path / "handshake.pt"))
    # calibrate: how many spins take about 20 seconds here (b stays 0: a full timeout)
    probe = 200_000
    t0 = time.perf_counter()
    assert m.meet_a(probe) == probe
    per_spin = (time.perf_counter() - t0) / probe
    budget = max(probe, int(20.0 / per_spin))
    m.reset()
    assert (m.a, m.b) == (0, 0)
    start = threading.Barrier(2)
    used = {}

    def body(name):
        start.wait()
        used[name] = getattr(m, name)(budget)

    ts = [threading.Thread(target=body, args=(n,)) for n in ("meet_a", "meet_b")]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert (m.a, m.b) == (1, 1)
    timed_out = [n for n in ("meet_a", "meet_b") if used[n] >= budget]
    assert not timed_out, "%s waited %d spins (its timeout) for the other call: the calls were serialized" % (
        timed_out, budget)


def test_mutating_methods_under_the_callers_lock_keep_every_update(tmp_path):
    """Callers serialize mutating methods themselves: under the caller's lock every update is kept."""
    path = save(Counter(), tmp_path / "counter.pt")
    m = pyts.load(path)
    lock = threading.Lock()
    one = np.ones(3, np.float32)

    def work(k):
        for i in range(CALLS):
            with lock:
                m.forward(one)

    run_threads(work)
    assert m.count == THREADS * CALLS
    assert m.hist == list(range(1, THREADS * CALLS + 1))
    np.testing.assert_array_equal(m.acc, np.full(3, THREADS * CALLS, np.float32))


def test_concurrent_reads_of_attributes_during_forward(tmp_path):
    torch.manual_seed(4)
    path = save(Scripted(), tmp_path / "scripted.pt")
    m = pyts.load(path)
    x = inputs((4, 6), 1, seed=4)[0]
    want = m.forward(x, 2)[0]
    w = m.lin.weight.copy()

    def work(k):
        for i in range(CALLS):
            if k % 2:
                assert m.forward(x, 2)[0].tobytes() == want.tobytes()
            else:
                assert m.scale == 0.5 and m.lin.weight.tobytes() == w.tobytes()
                assert set(m.state_dict()) == {"lin.weight", "lin.bias"}

    run_threads(work)


MUTATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "mutator.pt")


def test_mutator_fixture_single_threaded_matches_torch():
    """The fixture's methods (tests/data/make_mutator_fixture.py) behave as in torch; the
    8 threads x 1,000 calls on it are tests/unit/test_threads_mutation.py (no torch needed,
    so CI also runs them against the ASan-built extension) and tests/c/test_threads.c."""
    m, ref = pyts.load(MUTATOR), torch.jit.load(MUTATOR)
    x = np.arange(3, dtype=np.float32)
    for k in list(range(0, 300, 7)) + [97, 89 * 2, 194]:
        assert m.forward(x, k) == ref(torch.from_numpy(x), k)
    assert m.total() == ref.total()
    assert m.keys() == ref.keys()
    assert m.hist == list(ref.hist) and m.count == ref.count and m.nested == [list(v) for v in ref.nested]
    assert len(m.sub.items) == len(ref.sub.items)

