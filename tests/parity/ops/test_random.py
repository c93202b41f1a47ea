"""Random ops: registered so models containing them load, refused (with the
op's name) when a call is reached - pyts cannot reproduce torch's generator."""
import pytest
import torch

import pyts
from pyts import _C

from optest import make_tensor

CALLS = [
    ("aten::bernoulli_.float", lambda: (make_tensor((3, 4), torch.float32), 0.5)),
    ("aten::bernoulli_.Tensor", lambda: (make_tensor((3, 4), torch.float32), make_tensor((3, 4), torch.float32))),
    ("aten::bernoulli", lambda: (make_tensor((3, 4), torch.float32),)),
    ("aten::bernoulli.p", lambda: (make_tensor((3, 4), torch.float32), 0.2)),
    ("aten::bernoulli.Tensor", lambda: (make_tensor((3, 4), torch.float32), make_tensor((3, 4), torch.float32))),
    ("aten::uniform_", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::normal_", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::exponential_", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::random_", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::random_.from", lambda: (make_tensor((3,), torch.float32), 0, 5)),
    ("aten::random_.to", lambda: (make_tensor((3,), torch.float32), 5)),
    ("aten::rand", lambda: ([2, 3],)),
    ("aten::randn", lambda: ([2, 3],)),
    ("aten::rand_like", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::randn_like", lambda: (make_tensor((3,), torch.float32),)),
    ("aten::randint", lambda: (5, [2, 3])),
    ("aten::randint.low", lambda: (1, 5, [2, 3])),
    ("aten::randint_like", lambda: (make_tensor((3,), torch.float32), 5)),
    ("aten::randperm", lambda: (5,)),
    ("aten::multinomial", lambda: (make_tensor((4,), torch.float32, low=0.1, high=1.0), 2)),
]
COVERED = [name for name, _ in CALLS]


@pytest.mark.parametrize("name,maker", CALLS, ids=[c[0] for c in CALLS])
def test_random_op_is_refused_by_name(name, maker):
    args = [a.numpy() if isinstance(a, torch.Tensor) else a for a in maker()]
    with pytest.raises(pyts.UnsupportedOperatorError, match=name.replace(".", r"\.") + ".*random"):
        _C.call_op(name, *args)


class StochasticDepth(torch.nn.Module):
    def forward(self, x):
        if self.training:
            return x * torch.empty(x.shape[0], 1).bernoulli_(0.8)
        return x + 1


def test_model_with_random_branch_loads_and_runs_in_eval(tmp_path):
    path = str(tmp_path / "sd.pt")
    m = torch.jit.script(StochasticDepth().eval())
    m.save(path)
    x = torch.ones(2, 3)
    got = pyts.load(path).forward(x.numpy())
    torch.testing.assert_close(torch.from_numpy(got), torch.jit.load(path)(x))
