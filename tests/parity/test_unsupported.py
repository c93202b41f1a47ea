"""A model calling ops pyts lacks: pyts.load raises UnsupportedOperatorError
naming every missing op and the code/ line calling it, in one message."""
import pytest
import torch

import pyts


class UsesMissingOps(torch.nn.Module):
    def forward(self, x):
        y = torch.special.bessel_j0(x)
        z = torch.special.airy_ai(x)
        return y + z


def test_every_missing_op_is_named_at_load(tmp_path):
    path = str(tmp_path / "missing.pt")
    torch.jit.script(UsesMissingOps()).save(path)
    with pytest.raises(pyts.UnsupportedOperatorError, match="the model calls 2 operators that pyts does not implement") \
            as info:
        pyts.load(path)
    msg = str(info.value)
    assert "2 operators" in msg
    assert "aten::special_bessel_j0" in msg and "aten::special_airy_ai" in msg
    assert "code/__torch__" in msg and ".py:" in msg  # where the model calls them
    assert isinstance(info.value, pyts.Error)


def test_supported_ops_lists_schemas():
    ops = pyts.supported_ops()
    assert "aten::relu(Tensor self) -> Tensor" in ops
    assert len(ops) == len(set(ops)) > 500
