"""Concurrent calls of methods that mutate module state never corrupt memory.

tests/data/mutator.pt (tests/data/make_mutator_fixture.py; its single-threaded behaviour is
compared with torch in tests/parity/test_concurrency.py): forward(x, k) appends to self.hist
and self.sub.items, pops, assigns self.hist / self.last / self.count, sets and deletes dict
entries and mutates nested lists; total() and keys() iterate over the same state.  8 threads x
1,000 calls on one module, while the main thread reads the attributes from Python.  The
guarantee (docs/architecture.md, Threads): no crash and no corrupted value; an update may be
lost (self.count += 1 from two threads), as in torch.  No torch needed: CI runs this file
against the ASan-built extension too.
"""
import os
import threading

import numpy as np

import pyts

MUTATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "mutator.pt")
THREADS, MUT_CALLS = 8, 1000


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


def test_mutating_and_pure_methods_8_threads_1000_calls():
    """8 threads x 1,000 calls on one module: forward appends to self.hist and
    self.sub.items, pops, assigns self.hist / self.last, sets and deletes dict
    entries, mutates nested lists; total() and keys() iterate over the same
    state; the main thread reads the attributes meanwhile.  Never a crash; every
    value seen is one some thread stored; updates may be lost (count)."""
    m = pyts.load(MUTATOR)
    x = np.ones(3, np.float32)
    bad = []

    def work(t):
        for i in range(MUT_CALLS):
            k = t * MUT_CALLS + i
            if i % 3 == 2:
                total, keys = m.total(), m.keys()
                if not isinstance(total, int) or not all(0 <= int(s) < 50 for s in keys) or keys != sorted(keys):
                    bad.append(("read", t, i, total, keys))
            else:
                n = m.forward(x, k)
                if not 1 <= n <= THREADS * MUT_CALLS:
                    bad.append(("forward", t, i, n))

    errors = []
    reader_stop = threading.Event()

    def reader():  # the Python side reading attributes while methods mutate them
        while not reader_stop.is_set():
            h, seen, items = m.hist, m.seen, m.sub.items
            if not all(0 <= v < THREADS * MUT_CALLS for v in h) or not all(0 <= int(s) < 50 for s in seen):
                errors.append(("attrs", len(h), len(seen)))
            if len(items) > 20 + THREADS:
                errors.append(("items", len(items)))

    r = threading.Thread(target=reader)
    r.start()
    try:
        run_threads(work)
    finally:
        reader_stop.set()
        r.join()
    assert not bad, bad[:5]
    assert not errors, errors[:5]
    calls = THREADS * (MUT_CALLS - MUT_CALLS // 3)
    assert 1 <= m.count <= calls  # lost updates allowed, none invented
    ks = set(range(THREADS * MUT_CALLS))
    assert set(m.hist) <= ks and all(int(s) < 50 for s in m.seen)
    for t in m.sub.items:  # each item is x + k for a k some thread passed
        assert t.shape == (3,) and float(t[0]) - 1 in ks and (t == t[0]).all()
    # the module is still consistent and usable: one more call sees the state it leaves
    n = m.forward(x, 1)
    assert n == len(m.hist) and m.hist[-1] == 1
