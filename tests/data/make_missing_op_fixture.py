"""Write tests/data/missing_op.pt, the fixture of tests/c/test_capi.c for an
operator pyts lacks: forward(x) = x * 2 + 1, except for inputs summing to more
than 1e9, where it calls aten::to_dense (which torch has and pyts, with no sparse
layout, does not).  pyts loads it; pyts_module_unsupported_op lists that call.

Usage (from the repository root): python3 tests/data/make_missing_op_fixture.py
"""
import os

import torch


class MissingOpBranch(torch.nn.Module):
    def forward(self, x):
        if bool(x.sum() > 1e9):
            return x.to_dense()
        return x * 2.0 + 1.0


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "missing_op.pt")
    torch.jit.script(MissingOpBranch()).save(out)
    print(torch.jit.load(out).code)
    print("wrote", out)
