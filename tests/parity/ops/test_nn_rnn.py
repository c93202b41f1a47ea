"""Parity of the recurrent ops (csrc/ops/nn/rnn.c, nn/rnn_pack.c): every
overload torch registers for aten::lstm, gru, rnn_tanh and rnn_relu (.input:
a padded [seq, batch, feature] sequence, batch_first too; .data: a packed
one with its batch_sizes), the four cells, the packing ops, and the two
small ops RNN modules record (unsafe_chunk in traced cells, cpu in a scripted
pad_packed_sequence).

Cases: 1 and 2 layers, one and two directions, with and without biases,
LSTM projections (proj_size), sequence length 1, batch 1, an empty batch,
float64 and float16 (computed in float32, every intermediate rounded to
half as ATen's ops do), non-contiguous inputs, hidden states and weights,
NaN/inf inputs,
train=True where it is deterministic (dropout 0, or a single layer, where
ATen applies no dropout), and the inputs torch refuses.  Tolerances are
torch.testing's float32/float64 defaults: the sizes here are small (the
model suite runs longer sequences).

Not compared here: dropout between layers in training mode (random in
torch, refused by pyts - test_training_dropout_is_refused), and the
accidents of ATen's composition that pyts refuses (integer relu RNNs, 2-D
inputs broadcast over the batch - see the tests at the end)."""
import numpy as np
import pytest
import torch

import pyts
from optest import check, make_tensor
from pyts import _C
from test_nn import F16, F32, F64, Cases

RNN_OPS = ["aten::lstm.input", "aten::lstm.data", "aten::gru.input", "aten::gru.data", "aten::rnn_tanh.input",
           "aten::rnn_tanh.data", "aten::rnn_relu.input", "aten::rnn_relu.data", "aten::lstm_cell",
           "aten::gru_cell", "aten::rnn_tanh_cell", "aten::rnn_relu_cell", "aten::_pack_padded_sequence",
           "aten::_pad_packed_sequence", "aten::unsafe_chunk", "aten::cpu"]
COVERED = sorted(RNN_OPS)

C = Cases()
# float16: both engines compute each GEMM in float32 and round it to half, but torch's half GEMM sums in
# its own order: where the float32 sums differ by a rounding near a half rounding boundary the gate
# differs by one half ulp (2^-11 for values in [0.5, 1)), and the later steps carry it (an expansive
# recurrence, as U(-1, 1) weights make, can amplify it further: these inputs are fixed, and stay within).
# Outputs are bounded by 1 except a relu RNN's and an LSTM's cell state, so atol 1e-3 allows about two
# such ulps; rtol stays torch's float16 default (1e-3, one ulp of relative spacing).
HALF = {"rtol": 1e-3, "atol": 1e-3}
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def X(shape, dtype=F32, layout="contig", seed=1, special=False, scale=1.0):
    """An input: values in [-scale, scale], or with NaN/inf at fixed positions (special)."""
    if special:
        return make_tensor(shape, dtype, layout, seed=seed)
    return make_tensor(shape, dtype, layout, seed=seed, special=False, low=-scale, high=scale)


def params(kind, I, H, L=1, D=1, bias=True, proj=0, dtype=F32, layout="contig", seed=10, scale=1.0):
    """The flat parameter list ATen takes: per layer and direction w_ih, w_hh[, b_ih, b_hh][, w_hr]."""
    G, Ho, out = GATES[kind], proj or H, []
    for l in range(L):
        for d in range(D):
            s = seed + 10 * (l * D + d)
            inp = I if l == 0 else Ho * D
            out += [X((G * H, inp), dtype, layout, s, scale=scale), X((G * H, Ho), dtype, layout, s + 1, scale=scale)]
            if bias:
                out += [X((G * H,), dtype, "contig", s + 2, scale=scale),
                        X((G * H,), dtype, "contig", s + 3, scale=scale)]
            if proj:
                out += [X((Ho, H), dtype, layout, s + 4, scale=scale)]
    return out


def seq_maker(kind, T=5, B=3, I=4, H=6, L=1, bidir=False, batch_first=False, bias=True, proj=0, dtype=F32,
              layout="contig", hlayout="contig", wlayout="contig", special=False, train=False, dropout=0.0,
              hdtype=None, wdtype=None, nparams=None, input_shape=None, wscale=1.0):
    D = 2 if bidir else 1

    def maker():
        shape = input_shape or ((B, T, I) if batch_first else (T, B, I))
        x = X(shape, dtype, layout, special=special)
        hd = hdtype or dtype
        h = X((L * D, B, proj or H), hd, hlayout, seed=2)
        ps = params(kind, I, H, L, D, bias, proj, wdtype or dtype, wlayout, scale=wscale)
        if nparams is not None:
            ps = ps[:nparams]
        hx = [h, X((L * D, B, H), hd, hlayout, seed=3)] if kind == "lstm" else h
        return (x, hx, ps, bias, L, dropout, train, bidir, batch_first), {}
    return maker


def packed_maker(kind, batch_sizes=(3, 3, 2, 1, 1), I=4, H=6, L=1, bidir=False, bias=True, proj=0, dtype=F32,
                 layout="contig", train=False, dropout=0.0, bs_dtype=torch.int64, rows=None, special=False):
    D = 2 if bidir else 1
    B = batch_sizes[0] if batch_sizes else 2

    def maker():
        n = sum(batch_sizes) if rows is None else rows
        data = X((n, I), dtype, layout, special=special)
        bs = torch.tensor(batch_sizes, dtype=bs_dtype)
        h = X((L * D, B, proj or H), dtype, seed=2)
        ps = params(kind, I, H, L, D, bias, proj, dtype)
        hx = [h, X((L * D, B, H), dtype, seed=3)] if kind == "lstm" else h
        return (data, bs, hx, ps, bias, L, dropout, train, bidir), {}
    return maker


for kind in ("lstm", "gru", "rnn_tanh", "rnn_relu"):
    op = "aten::%s.input" % kind
    C.add(op, "basic", seq_maker(kind))
    C.add(op, "2layers", seq_maker(kind, L=2))
    C.add(op, "bidirectional", seq_maker(kind, bidir=True))
    C.add(op, "2layers-bidirectional", seq_maker(kind, L=2, bidir=True))
    C.add(op, "3layers-bidirectional-batch_first", seq_maker(kind, L=3, bidir=True, batch_first=True))
    C.add(op, "batch_first", seq_maker(kind, batch_first=True))
    C.add(op, "no-bias", seq_maker(kind, bias=False))
    C.add(op, "no-bias-2layers-bidirectional", seq_maker(kind, L=2, bidir=True, bias=False))
    C.add(op, "seq1", seq_maker(kind, T=1))
    C.add(op, "seq1-batch_first", seq_maker(kind, T=1, batch_first=True, bidir=True))
    C.add(op, "batch1", seq_maker(kind, B=1, L=2, bidir=True))
    C.add(op, "empty-batch", seq_maker(kind, B=0, L=2, bidir=True))
    C.add(op, "empty-batch-batch_first", seq_maker(kind, B=0, batch_first=True))
    C.add(op, "float64", seq_maker(kind, L=2, bidir=True, dtype=F64))
    C.add(op, "float64-batch_first-no-bias", seq_maker(kind, batch_first=True, bias=False, dtype=F64))
    C.add(op, "float16", seq_maker(kind, L=2, bidir=True, dtype=F16), **HALF)
    C.add(op, "float16-batch_first-no-bias", seq_maker(kind, batch_first=True, bias=False, dtype=F16), **HALF)
    C.add(op, "transposed-input", seq_maker(kind, I=5, layout="transposed"))
    C.add(op, "strided-input-batch_first", seq_maker(kind, batch_first=True, layout="strided"))
    C.add(op, "expanded-input", seq_maker(kind, layout="expanded", bidir=True))
    C.add(op, "strided-hidden", seq_maker(kind, L=2, hlayout="strided"))
    C.add(op, "transposed-weights", seq_maker(kind, I=6, L=2, wlayout="transposed"))
    C.add(op, "hidden1-input1", seq_maker(kind, I=1, H=1, L=2, bidir=True))
    # weights drawn as nn.RNN/LSTM/GRU initialize them, U(-1/sqrt(H), 1/sqrt(H)): with U(-1, 1) a relu
    # RNN's recurrence has a spectral radius near sqrt(H/3) = 2.3 and multiplies the (summation-order)
    # rounding differences of every GEMM by that much per step - the comparison would measure BLAS, not
    # the kernel.  (The small cases above keep U(-1, 1): saturated gates, growing relu states.)
    C.add(op, "wider", seq_maker(kind, T=9, B=4, I=12, H=16, L=2, bidir=True, wscale=0.25))
    C.add(op, "nan-inf-input", seq_maker(kind, special=True))
    C.add(op, "train-no-dropout", seq_maker(kind, L=2, train=True))
    C.add(op, "train-1layer-dropout", seq_maker(kind, train=True, dropout=0.5))  # ATen drops between layers only
    C.add(op, "eval-dropout", seq_maker(kind, L=2, dropout=0.5))
    # refusals
    C.add(op, "empty-sequence", seq_maker(kind, T=0))
    if kind in ("lstm", "gru"):  # (see test_rnn_2d_input_is_refused for the other two)
        C.add(op, "2d-input", seq_maker(kind, input_shape=(5, 4)))
    C.add(op, "mixed-dtype-weights", seq_maker(kind, wdtype=F64))
    C.add(op, "mixed-dtype-hidden", seq_maker(kind, hdtype=F64, dtype=F64, wdtype=F32))
    if kind != "rnn_relu":  # (see test_integer_inputs_are_refused)
        C.add(op, "int-input", seq_maker(kind, dtype=torch.int64))
    C.add(op, "wrong-param-count", seq_maker(kind, nparams=3))
    C.add(op, "too-few-params", seq_maker(kind, L=2, nparams=4))
    # (float64: torch's float32 LSTM goes through oneDNN, which does not check the input size against
    # weight_ih's and returns numbers; its other paths refuse)
    C.add(op, "wrong-input-size", seq_maker(kind, input_shape=(5, 3, 7), dtype=F64))

    op = "aten::%s.data" % kind
    C.add(op, "basic", packed_maker(kind))
    C.add(op, "2layers-bidirectional", packed_maker(kind, L=2, bidir=True))
    C.add(op, "3layers-bidirectional-no-bias", packed_maker(kind, L=3, bidir=True, bias=False))
    C.add(op, "equal-lengths", packed_maker(kind, batch_sizes=(3, 3, 3), bidir=True))
    C.add(op, "one-step", packed_maker(kind, batch_sizes=(4,), bidir=True))
    C.add(op, "batch1", packed_maker(kind, batch_sizes=(1, 1, 1, 1), L=2, bidir=True))
    C.add(op, "steep", packed_maker(kind, batch_sizes=(5, 1, 1, 1, 1, 1), L=2, bidir=True))
    C.add(op, "float64", packed_maker(kind, L=2, bidir=True, dtype=F64))
    C.add(op, "float16", packed_maker(kind, L=2, bidir=True, dtype=F16), **HALF)
    C.add(op, "strided-data", packed_maker(kind, layout="strided", bidir=True))
    C.add(op, "nan-inf-data", packed_maker(kind, special=True, bidir=True))
    C.add(op, "train-no-dropout", packed_maker(kind, L=2, train=True))
    C.add(op, "int32-batch_sizes", packed_maker(kind, bs_dtype=torch.int32))
    C.add(op, "short-data", packed_maker(kind, rows=7))

for proj in (2, 3):
    C.add("aten::lstm.input", "proj%d" % proj, seq_maker("lstm", proj=proj))
    C.add("aten::lstm.input", "proj%d-2layers-bidirectional" % proj, seq_maker("lstm", proj=proj, L=2, bidir=True))
    C.add("aten::lstm.input", "proj%d-no-bias-batch_first" % proj,
          seq_maker("lstm", proj=proj, bias=False, batch_first=True, L=2))
    C.add("aten::lstm.input", "proj%d-float64" % proj, seq_maker("lstm", proj=proj, L=2, bidir=True, dtype=F64))
    C.add("aten::lstm.data", "proj%d" % proj, packed_maker("lstm", proj=proj))
    C.add("aten::lstm.data", "proj%d-2layers-bidirectional" % proj, packed_maker("lstm", proj=proj, L=2, bidir=True))
    C.add("aten::lstm.data", "proj%d-no-bias-float64" % proj, packed_maker("lstm", proj=proj, bias=False, dtype=F64))
    C.add("aten::lstm.input", "proj%d-float16" % proj, seq_maker("lstm", proj=proj, L=2, bidir=True, dtype=F16), **HALF)
C.add("aten::lstm.input", "one-hidden-state", lambda: ((X((5, 3, 4)), [X((1, 3, 6))], params("lstm", 4, 6), True, 1,
                                                         0.0, False, False, False), {}))


# ---- cells ----------------------------------------------------------------------------------
def cell_maker(kind, B=3, I=4, H=6, bias="both", dtype=F32, layout="contig", hlayout="contig", wlayout="contig",
               special=False, input_shape=None, hshape=None, wdtype=None, wrong_w=False):
    G = GATES[kind.replace("_cell", "")]

    def maker():
        x = X(input_shape or (B, I), dtype, layout, special=special)
        hs = hshape or (B, H)
        h = X(hs, dtype, hlayout, seed=2)
        w_ih = X((G * H + (1 if wrong_w else 0), I), wdtype or dtype, wlayout, seed=3)
        w_hh = X((G * H, H), wdtype or dtype, wlayout, seed=4)
        b_ih = X((G * H,), dtype, seed=5) if bias in ("both", "ih") else None
        b_hh = X((G * H,), dtype, seed=6) if bias in ("both", "hh") else None
        hx = [h, X(hs, dtype, hlayout, seed=7)] if kind == "lstm_cell" else h
        return (x, hx, w_ih, w_hh, b_ih, b_hh), {}
    return maker


for kind in ("lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"):
    op = "aten::" + kind
    C.add(op, "basic", cell_maker(kind))
    for bias in ("none", "ih", "hh"):
        C.add(op, "bias-%s" % bias, cell_maker(kind, bias=bias))
    C.add(op, "batch1", cell_maker(kind, B=1))
    C.add(op, "empty-batch", cell_maker(kind, B=0))
    C.add(op, "float64", cell_maker(kind, dtype=F64))
    C.add(op, "float64-no-bias", cell_maker(kind, dtype=F64, bias="none"))
    C.add(op, "float16", cell_maker(kind, dtype=F16), **HALF)
    C.add(op, "float16-no-bias-wider", cell_maker(kind, B=5, I=24, H=32, dtype=F16, bias="none"), **HALF)
    C.add(op, "transposed-input", cell_maker(kind, I=5, layout="transposed"))
    C.add(op, "strided-hidden", cell_maker(kind, hlayout="strided"))
    C.add(op, "expanded-input-hidden", cell_maker(kind, layout="expanded", hlayout="expanded"))
    C.add(op, "transposed-weights", cell_maker(kind, I=6, wlayout="transposed"))
    C.add(op, "wider", cell_maker(kind, B=5, I=24, H=32))
    C.add(op, "nan-inf-input", cell_maker(kind, special=True))
    # refusals
    C.add(op, "1d-input", cell_maker(kind, input_shape=(4,), hshape=(6,)))
    C.add(op, "wrong-input-size", cell_maker(kind, input_shape=(3, 5)))
    C.add(op, "wrong-hidden-batch", cell_maker(kind, hshape=(2, 6)))
    C.add(op, "wrong-hidden-size", cell_maker(kind, hshape=(3, 5)))
    C.add(op, "wrong-weight-rows", cell_maker(kind, wrong_w=True))
    C.add(op, "mixed-dtype", cell_maker(kind, wdtype=F64))
    if kind in ("lstm_cell", "gru_cell"):  # (see test_integer_inputs_are_refused)
        C.add(op, "int", cell_maker(kind, dtype=torch.int64))
C.add("aten::lstm_cell", "one-hidden-state", lambda: ((X((3, 4)), [X((3, 6))], X((24, 4)), X((24, 6))), {}))


# ---- packing ----------------------------------------------------------------------------------
def pack_maker(shape, lengths, batch_first=False, dtype=F32, layout="contig", ldtype=torch.int64):
    def maker():
        return (make_tensor(shape, dtype, layout, seed=1), torch.tensor(lengths, dtype=ldtype), batch_first), {}
    return maker


OP = "aten::_pack_padded_sequence"
C.add(OP, "basic", pack_maker((5, 3, 4), [5, 3, 2]))
C.add(OP, "batch_first", pack_maker((3, 5, 4), [5, 3, 2], batch_first=True))
C.add(OP, "equal-lengths", pack_maker((4, 3, 2), [4, 4, 4]))
C.add(OP, "one-step", pack_maker((1, 3, 2), [1, 1, 1]))
C.add(OP, "batch1", pack_maker((6, 1, 3), [4]))
C.add(OP, "2d", pack_maker((5, 3), [5, 2, 1]))
C.add(OP, "2d-batch_first", pack_maker((3, 5), [5, 2, 1], batch_first=True))
C.add(OP, "4d", pack_maker((5, 3, 2, 3), [5, 3, 3]))
C.add(OP, "longer-than-input", pack_maker((5, 3, 4), [7, 3, 2]))
C.add(OP, "float64-transposed", pack_maker((5, 3, 4), [5, 3, 2], dtype=F64, layout="transposed"))
C.add(OP, "strided-batch_first", pack_maker((3, 5, 4), [5, 4, 1], batch_first=True, layout="strided"))
C.add(OP, "int64", pack_maker((5, 3, 4), [5, 3, 2], dtype=torch.int64))
C.add(OP, "bool", pack_maker((5, 3, 4), [5, 3, 2], dtype=torch.bool))
C.add(OP, "float16", pack_maker((5, 3, 4), [5, 3, 2], dtype=F16))
C.add(OP, "unsorted", pack_maker((5, 3, 4), [3, 5, 2]))
C.add(OP, "zero-length", pack_maker((5, 3, 4), [5, 3, 0]))
C.add(OP, "int32-lengths", pack_maker((5, 3, 4), [5, 3, 2], ldtype=torch.int32))
C.add(OP, "wrong-batch", pack_maker((5, 3, 4), [5, 3]))
C.add(OP, "empty", pack_maker((5, 3, 0), [5, 3, 2]))
C.add(OP, "1d", pack_maker((5,), [5]))


def pad_maker(batch_sizes, feat=(3,), batch_first=False, padding=0.0, total=-1, dtype=F32, layout="contig",
              rows=None, bdtype=torch.int64):
    def maker():
        n = sum(batch_sizes) if rows is None else rows
        return (make_tensor((n,) + tuple(feat), dtype, layout, seed=1), torch.tensor(batch_sizes, dtype=bdtype),
                batch_first, padding, total), {}
    return maker


OP = "aten::_pad_packed_sequence"
C.add(OP, "basic", pad_maker([3, 2, 2, 1]))
C.add(OP, "batch_first", pad_maker([3, 2, 2, 1], batch_first=True))
C.add(OP, "padding-value", pad_maker([3, 2, 2, 1], padding=-7.5))
C.add(OP, "int-padding-value", pad_maker([3, 2, 2, 1], padding=3))
C.add(OP, "total_length", pad_maker([3, 2, 2, 1], total=6, batch_first=True))
C.add(OP, "total_length-equal", pad_maker([3, 2, 2, 1], total=4))
C.add(OP, "total_length-too-small", pad_maker([3, 2, 2, 1], total=3))
C.add(OP, "equal-lengths", pad_maker([2, 2, 2]))
C.add(OP, "one-step", pad_maker([4]))
C.add(OP, "1d-data", pad_maker([3, 2, 1], feat=()))
C.add(OP, "3d-data", pad_maker([3, 2, 1], feat=(2, 3), batch_first=True))
C.add(OP, "float64-transposed", pad_maker([3, 3, 1], feat=(4,), dtype=F64, layout="transposed"))
C.add(OP, "int64-float-padding", pad_maker([3, 2, 1], dtype=torch.int64, padding=2.7))
C.add(OP, "bool", pad_maker([3, 2, 1], dtype=torch.bool, padding=1))
C.add(OP, "longer-data", pad_maker([3, 2, 1], rows=8))
C.add(OP, "short-data", pad_maker([3, 2, 1], rows=5))
C.add(OP, "int32-batch_sizes", pad_maker([3, 2, 1], bdtype=torch.int32))


# ---- unsafe_chunk, cpu ----------------------------------------------------------------------------
def chunk_maker(shape, chunks, dim=0, layout="contig", dtype=F32):
    return lambda: ((make_tensor(shape, dtype, layout, seed=1), chunks, dim), {})


OP = "aten::unsafe_chunk"
for shape, chunks, dim in [((6, 2), 3, 0), ((5, 2), 3, 0), ((4, 12), 4, 1), ((4, 12), 4, -1), ((3, 7), 2, 1),
                           ((2, 3), 5, 1), ((0, 2), 3, 0), ((2, 0), 2, 1), ((8,), 1, 0), ((2, 3, 4), 2, 2)]:
    for layout in ("contig", "transposed"):
        C.add(OP, "%s-%d-%d-%s" % (shape, chunks, dim, layout), chunk_maker(shape, chunks, dim, layout), view_of=0)
C.add(OP, "int64", chunk_maker((4, 6), 3, 1, dtype=torch.int64), view_of=0)
C.add(OP, "0d", chunk_maker((), 2))
C.add(OP, "zero-chunks", chunk_maker((4, 6), 0))
C.add(OP, "bad-dim", chunk_maker((4, 6), 2, 2))

for dt in (F32, F64, torch.int64, torch.bool):
    C.add("aten::cpu", str(dt).replace("torch.", ""), lambda dt=dt: ((make_tensor((3, 4), dt, seed=1),), {}), view_of=0)
C.add("aten::cpu", "transposed", lambda: ((make_tensor((3, 4), F32, "transposed", seed=1),), {}), view_of=0)
C.add("aten::cpu", "0d", lambda: ((make_tensor((), F32, seed=1),), {}), view_of=0)


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_rnn(op, maker, kw):
    check(op, maker, **kw)


def test_all_ops_have_cases():
    missing = sorted(set(RNN_OPS) - C.ops)
    assert not missing, "ops without a parity case: %s" % missing


def test_schemas_registered():
    """Every overload torch registers for the recurrent ops is registered in pyts (with torch's schema)."""
    ours = set(pyts.supported_ops())
    want = [str(s) for s in torch._C._jit_get_all_schemas()
            if str(s).split("(")[0].split(".")[0] in ("aten::lstm", "aten::gru", "aten::rnn_tanh", "aten::rnn_relu",
                                                     "aten::lstm_cell", "aten::gru_cell", "aten::rnn_tanh_cell",
                                                     "aten::rnn_relu_cell", "aten::_pack_padded_sequence",
                                                     "aten::_pad_packed_sequence")
            and "out0" not in str(s)]
    assert len(want) == 14, want
    missing = [s for s in want if s not in ours]
    assert not missing, missing


def call(op, maker):
    args, kw = maker()
    return _C.call_op(op, *[a.numpy() if isinstance(a, torch.Tensor) else
                            [t.numpy() for t in a] if isinstance(a, list) else a for a in args], **kw)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
def test_training_dropout_is_refused(kind):
    """Dropout between layers in training mode is random in torch: pyts refuses it, saying why."""
    with pytest.raises(pyts.Error, match="dropout"):
        call("aten::%s.input" % kind, seq_maker(kind, L=2, train=True, dropout=0.5))
    with pytest.raises(pyts.Error, match="dropout"):
        call("aten::%s.data" % kind, packed_maker(kind, L=2, train=True, dropout=0.5))


def test_pack_pad_round_trip():
    """pad(pack(x)) restores x where lengths allow and pads elsewhere, as torch's does."""
    x = make_tensor((6, 4, 3), F32, seed=3, special=False)
    lengths = torch.tensor([6, 5, 2, 1])
    data, bs = _C.call_op("aten::_pack_padded_sequence", x.numpy(), lengths.numpy(), False)
    out, lens = _C.call_op("aten::_pad_packed_sequence", data, bs, False, -1.0, 0)
    t_out, t_lens = torch.ops.aten._pad_packed_sequence(*torch.ops.aten._pack_padded_sequence(x, lengths, False),
                                                        False, -1.0, 0)
    np.testing.assert_array_equal(np.asarray(out), t_out.numpy())
    np.testing.assert_array_equal(np.asarray(lens), t_lens.numpy())


@pytest.mark.parametrize("op,maker", [("aten::rnn_relu.input", seq_maker("rnn_relu", dtype=torch.int64)),
                                      ("aten::rnn_relu_cell", cell_maker("rnn_relu_cell", dtype=torch.int64)),
                                      ("aten::rnn_tanh_cell", cell_maker("rnn_tanh_cell", dtype=torch.int32))])
def test_integer_inputs_are_refused(op, maker):
    """torch runs relu RNNs (and one tanh step) on integer tensors with integer GEMMs, as an accident of
    composing linear/relu/tanh; nn.RNN cannot hold integer weights.  pyts refuses, naming the dtype."""
    with pytest.raises(pyts.Error, match="not implemented for"):
        call(op, maker)


@pytest.mark.parametrize("kind", ["rnn_tanh", "rnn_relu"])
def test_rnn_2d_input_is_refused(kind):
    """torch's rnn_tanh/rnn_relu broadcast a 2-D input over the hidden state's batch (an accident of its
    step loop; nn.RNN adds the batch dim of an unbatched input itself): pyts asks for the 3-D input."""
    with pytest.raises(pyts.Error, match="3-D input"):
        call("aten::%s.input" % kind, seq_maker(kind, input_shape=(5, 4)))
