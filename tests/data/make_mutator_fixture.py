"""Write tests/data/mutator.pt, the fixture of the concurrency tests
(tests/c/test_threads.c, tests/parity/test_concurrency.py): a scripted module
whose methods mutate its own state -- an int counter, a list, a dict, a nested
list, a tensor attribute, a submodule's list of tensors -- and pure methods that
read the same state while other threads mutate it.

Usage (from the repository root): python3 tests/data/make_mutator_fixture.py
"""
import os
from typing import Dict, List

import torch


class Holder(torch.nn.Module):
    items: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.items = []

    def forward(self, x):
        return x


class Mutator(torch.nn.Module):
    """forward(x, k) mutates; total() and keys() only read.  Every value stored
    is derived from k, so readers can check what they see."""

    count: int
    hist: List[int]
    seen: Dict[str, int]
    nested: List[List[int]]

    def __init__(self):
        super().__init__()
        self.count = 0
        self.hist = []
        self.seen = {}
        self.nested = [[0], [1]]
        self.last = torch.zeros(3)
        self.sub = Holder()

    def forward(self, x: torch.Tensor, k: int) -> int:
        self.count += 1
        self.hist.append(k)
        self.seen[str(k % 50)] = k
        self.last = x * 2.0
        self.sub.items.append(x + float(k))
        if len(self.sub.items) > 20:
            self.sub.items.pop(0)
        inner = self.nested[k % 2]
        inner.append(k)
        if len(inner) > 40:
            inner.clear()
        if k % 97 == 0:
            self.hist = self.hist[-50:]
        if k % 89 == 0 and str(k % 50) in self.seen:
            del self.seen[str(k % 50)]
        return len(self.hist)

    @torch.jit.export
    def total(self) -> int:
        s = 0
        for v in self.hist:
            s += v
        for key, v in self.seen.items():
            s += v + len(key)
        # forward pops from this list: iterate over a copy (a loop over the list
        # itself indexes it, and may read past its end, in torch too)
        for t in list(self.sub.items):
            s += t.numel()
        for inner in self.nested:
            s += len(inner)
        return s + int(self.last.numel()) + self.count * 0

    @torch.jit.export
    def keys(self) -> List[str]:
        return sorted(self.seen.keys())


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mutator.pt")
    torch.jit.script(Mutator()).save(out)
    print(torch.jit.load(out).code)
    print("wrote", out)
