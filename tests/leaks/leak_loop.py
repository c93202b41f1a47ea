"""Load, run and free every committed model in a loop; pyts's live-allocation
counter must come back to its baseline after every round (tests/leaks/run.sh runs
this under valgrind and under LeakSanitizer).

    python tests/leaks/leak_loop.py [ROUNDS]
"""
import gc
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "unit"))

import hardening_corpus as hc  # noqa: E402
import pyts  # noqa: E402


def live():
    return pyts._C.memory_stats()["live_allocations"]


def one_round(names):
    for name in names:
        path = os.path.join(hc.MODELS, name + ".pt")
        for source in (path, open(path, "rb").read()):
            m = pyts.load(source)
            out = m.forward(*hc.model_args(name))
            hc.walk(m)
            del m, out
        # failing loads and runs free everything too
        for vid in range(0, hc.PER_MODEL, 37):
            hc.check_one(hc.bases().index(name) * hc.PER_MODEL + vid, pyts)
    gc.collect()


def main(rounds):
    names = hc.bases()
    one_round(names)  # warm-up: op registry, thread pool, per-thread state
    base = live()
    for r in range(rounds):
        one_round(names)
        now = live()
        if now != base:
            print("leak: round %d: %d allocations live, baseline %d" % (r, now, base))
            return 1
    print("leak_loop: ok, %d rounds of %d models, live allocations stay at %d" % (rounds, len(names), base))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
