"""Parity of the nn op families (csrc/ops/nn/): the shared case machinery of
test_nn_*.py, and the list of every nn op those files cover.

The per-family files (test_nn_linalg, test_nn_conv, test_nn_pool,
test_nn_norm, test_nn_act, test_nn_resample) each build a table of cases
with `Cases.add(op, id, maker, **check_kwargs)` and run it through
optest.check: torch.ops.aten.<op> and pyts._C.call_op on identical fresh
inputs, torch.testing.assert_close defaults per dtype unless a comment at
the case says why not; where torch raises, pyts must raise pyts.Error.

Inputs carry NaN and +-inf at fixed positions (optest.make_tensor) unless a
case says otherwise; layouts are contiguous, transposed, strided (step 2),
expanded and channels-last.  Every op is also run on every dtype (float32,
float64, float16, the ints and bool) so that whatever torch refuses pyts
refuses and whatever torch accepts pyts computes.  bfloat16 is not tested
from Python: NumPy has no bfloat16, so it cannot cross call_op (the kernels
share the float16 code path, converted to float32)."""
import pytest
import torch

from optest import ALL_DTYPES, covered, make_tensor

F32, F64, F16 = torch.float32, torch.float64, torch.float16
DTYPES = ALL_DTYPES


def T(shape, dtype=F32, layout="contig", seed=0, special=True, low=None, high=None, cl=False):
    """make_tensor, optionally converted to channels-last (4-d) / channels-last-3d (5-d) strides."""
    t = make_tensor(shape, dtype, layout, seed=seed, special=special, low=low, high=high)
    if cl:
        t = t.contiguous(memory_format=torch.channels_last if len(shape) == 4 else torch.channels_last_3d)
    return t


def W(shape, dtype=F32, seed=7, layout="contig"):
    """A weight-like tensor: values in [-1, 1], no NaN/inf (those come from the input)."""
    return make_tensor(shape, dtype, layout, seed=seed, special=False, low=-1.0, high=1.0)


class Cases:
    """A table of parity cases, turned into pytest params with unique stable ids."""

    def __init__(self):
        self.params = []
        self.ops = set()
        self._ids = set()

    def add(self, op, cid, maker, **kw):
        op = op if op.startswith("aten::") else "aten::" + op
        base = "%s-%s" % (op[6:], cid)
        pid, i = base, 1
        while pid in self._ids:
            i += 1
            pid = "%s~%d" % (base, i)
        self._ids.add(pid)
        self.ops.add(op)
        self.params.append(pytest.param(op, maker, kw, id=pid))


def dname(dt):
    return str(dt).replace("torch.", "")


# Every op of csrc/ops/nn/*.c, by family file; each family's test file asserts
# that its table exercises all of its ops (test_nn_<family>.py::test_all_ops_have_cases).
LINALG = ["mm", "bmm", "matmul", "addmm", "baddbmm", "addmv", "addbmm", "addr", "mv", "dot", "linear"]
CONV = ["_convolution", "_convolution.deprecated", "convolution", "conv1d", "conv1d.padding", "conv2d",
        "conv2d.padding", "conv3d", "conv3d.padding", "conv_transpose1d", "conv_transpose2d.input",
        "conv_transpose3d.input"]
POOL = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d",
        "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
        "_adaptive_avg_pool2d", "_adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
        "adaptive_max_pool3d"]
NORM = ["batch_norm", "native_batch_norm", "_native_batch_norm_legit_no_training", "_native_batch_norm_legit",
        "_native_batch_norm_legit.no_stats", "instance_norm", "group_norm", "native_group_norm", "layer_norm",
        "native_layer_norm"]
ACT = ["relu", "relu_", "relu6", "relu6_", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "elu", "elu_",
       "selu", "selu_", "celu", "celu_", "gelu", "gelu_", "silu", "silu_", "mish", "mish_", "hardswish",
       "hardswish_", "hardsigmoid", "hardsigmoid_", "softplus", "softshrink", "hardshrink", "threshold",
       "threshold_", "rrelu", "rrelu_", "prelu", "_prelu_kernel", "glu", "log_sigmoid", "softmax.int",
       "log_softmax.int", "_softmax", "_log_softmax", "dropout", "dropout_", "feature_dropout", "feature_dropout_",
       "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_"]
RESAMPLE = ["upsample_nearest1d", "upsample_nearest1d.vec", "upsample_nearest2d", "upsample_nearest2d.vec",
            "upsample_nearest3d", "upsample_nearest3d.vec", "_upsample_nearest_exact1d",
            "_upsample_nearest_exact1d.vec", "_upsample_nearest_exact2d", "_upsample_nearest_exact2d.vec",
            "_upsample_nearest_exact3d", "_upsample_nearest_exact3d.vec", "upsample_linear1d",
            "upsample_linear1d.vec", "upsample_bilinear2d", "upsample_bilinear2d.vec", "upsample_trilinear3d",
            "upsample_trilinear3d.vec", "upsample_bicubic2d", "upsample_bicubic2d.vec", "constant_pad_nd",
            "reflection_pad1d", "reflection_pad2d", "reflection_pad3d", "replication_pad1d", "replication_pad2d",
            "replication_pad3d", "_pad_circular", "_pad_enum", "pad", "pixel_shuffle", "pixel_unshuffle",
            "channel_shuffle", "native_channel_shuffle"]
COVERED = covered(LINALG, CONV, POOL, NORM, ACT, RESAMPLE)


def assert_table_covers(cases, family):
    missing = sorted(set(covered(family)) - cases.ops)
    assert not missing, "ops of the family without a parity case: %s" % missing
