"""Model parity of recurrent networks: nn.LSTM / nn.GRU / nn.RNN (tanh and
relu) with 1-2 layers, bidirectional, batch_first, proj_size (LSTM),
bias=False, with and without initial states, unbatched inputs; the cells
(LSTMCell / GRUCell / RNNCell) with and without a state; and packed
sequences end to end (pack_padded_sequence with enforce_sorted True and
False -> LSTM/GRU -> pad_packed_sequence); float64 and float16 models.  Each model is exported by
tracing and by scripting and run by torch.jit and pyts on the same inputs
(parity fixture, torch.testing's float32 tolerances: the networks use
torch's default initialization, whose recurrences are contractive, so the
rounding differences of the GEMMs do not grow along the sequence)."""
from typing import Optional, Tuple

import pytest
import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

EXPORTS = ["trace", "script"]


class Run(nn.Module):
    """m(x): the whole output structure (output, hidden state(s))."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor):
        return self.m(x)


class RunH(nn.Module):
    """GRU / RNN with an initial state."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor, h: Tensor):
        return self.m(x, h)


class RunHC(nn.Module):
    """LSTM with an initial state (h0, c0)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor, h: Tensor, c: Tensor):
        return self.m(x, (h, c))


class CellH(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor, h: Tensor):
        return self.m(x, h)


class CellHC(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x: Tensor, h: Tensor, c: Tensor):
        return self.m(x, (h, c))


class CellLoop(nn.Module):
    """An LSTMCell stepped over a sequence in a TorchScript loop (the decoder pattern)."""

    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(5, 7)
        self.out = nn.Linear(7, 3)

    def forward(self, x: Tensor):
        h = torch.zeros(x.size(1), 7)
        c = torch.zeros(x.size(1), 7)
        ys = []
        for t in range(x.size(0)):
            h, c = self.cell(x[t], (h, c))
            ys.append(self.out(h))
        return torch.stack(ys, 0)


class Packed(nn.Module):
    """pack_padded_sequence -> rnn -> pad_packed_sequence, as a text model runs padded batches."""

    def __init__(self, rnn, enforce_sorted: bool, batch_first: bool, total_length: Optional[int] = None):
        super().__init__()
        self.rnn = rnn
        self.enforce_sorted = enforce_sorted
        self.batch_first = batch_first
        self.total_length = total_length

    def forward(self, x: Tensor, lengths: Tensor):
        p = pack_padded_sequence(x, lengths, batch_first=self.batch_first, enforce_sorted=self.enforce_sorted)
        out, hidden = self.rnn(p)
        y, lens = pad_packed_sequence(out, batch_first=self.batch_first, total_length=self.total_length)
        return y, lens, hidden


class PackedLSTMWithState(nn.Module):
    """A packed LSTM given (h0, c0): the module permutes the states to the sorted order and back."""

    def __init__(self, enforce_sorted: bool):
        super().__init__()
        self.rnn = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
        self.enforce_sorted = enforce_sorted

    def forward(self, x: Tensor, lengths: Tensor, h: Tensor, c: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        p = pack_padded_sequence(x, lengths, enforce_sorted=self.enforce_sorted)
        out, (hn, cn) = self.rnn(p, (h, c))
        y, lens = pad_packed_sequence(out)
        return y, lens, hn, cn


def rnn(kind, **kw):
    if kind == "lstm":
        return nn.LSTM(**kw)
    if kind == "gru":
        return nn.GRU(**kw)
    return nn.RNN(nonlinearity=kind.split("_")[1], **kw)


# id, constructor arguments (besides the sizes)
CONFIGS = [
    ("1layer", {}),
    ("2layers", {"num_layers": 2}),
    ("bidirectional", {"bidirectional": True}),
    ("2layers-bidirectional-batch_first", {"num_layers": 2, "bidirectional": True, "batch_first": True}),
    ("no-bias-2layers", {"bias": False, "num_layers": 2}),
    ("no-bias-bidirectional-batch_first", {"bias": False, "bidirectional": True, "batch_first": True}),
]
KINDS = ["lstm", "gru", "rnn_tanh", "rnn_relu"]
I, H, T, B = 5, 8, 7, 3


def inputs(cfg, seq=T, batch=B):
    x = torch.randn(batch, seq, I) if cfg.get("batch_first") else torch.randn(seq, batch, I)
    return x


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("cid,cfg", CONFIGS, ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("kind", KINDS)
def test_rnn_no_state(parity, kind, cid, cfg, export):
    m = rnn(kind, input_size=I, hidden_size=H, **cfg)
    parity.check(Run(m).eval(), (inputs(cfg),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("cid,cfg", CONFIGS, ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("kind", KINDS)
def test_rnn_with_state(parity, kind, cid, cfg, export):
    m = rnn(kind, input_size=I, hidden_size=H, **cfg)
    n = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
    h = torch.randn(n, B, H)
    if kind == "lstm":
        parity.check(RunHC(m).eval(), (inputs(cfg), h, torch.randn(n, B, H)), export=export)
    else:
        parity.check(RunH(m).eval(), (inputs(cfg), h), export=export)


PROJ = [("proj", {}), ("proj-2layers-bidirectional", {"num_layers": 2, "bidirectional": True}),
        ("proj-no-bias-batch_first", {"bias": False, "batch_first": True, "num_layers": 2})]


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("cid,cfg", PROJ, ids=[c[0] for c in PROJ])
def test_lstm_proj_size(parity, cid, cfg, export):
    m = nn.LSTM(I, H, proj_size=3, **cfg)
    parity.check(Run(m).eval(), (inputs(cfg),), export=export)
    n = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
    parity.check(RunHC(m).eval(), (inputs(cfg), torch.randn(n, B, 3), torch.randn(n, B, H)), export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("kind", KINDS)
def test_rnn_shapes(parity, kind, export):
    """Sequence length 1, batch 1, and an unbatched (2-D) input, which the module batches itself."""
    m = rnn(kind, input_size=I, hidden_size=H, num_layers=2, bidirectional=True)
    parity.check(Run(m).eval(), (torch.randn(1, B, I),), export=export)
    parity.check(Run(m).eval(), (torch.randn(T, 1, I),), export=export)
    if export == "script":  # (tracing freezes the batched/unbatched branch: the script covers it)
        parity.check(Run(m).eval(), (torch.randn(T, I),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
def test_lstm_longer_sequence(parity, export):
    """64 steps of a 2-layer bidirectional LSTM at torch's default tolerances: the contractive
    recurrence keeps the per-GEMM rounding differences from accumulating."""
    m = nn.LSTM(16, 32, num_layers=2, bidirectional=True, batch_first=True)
    parity.check(Run(m).eval(), (torch.randn(4, 64, 16),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
def test_rnn_float64(parity, export):
    m = nn.GRU(I, H, num_layers=2, bidirectional=True).double()
    parity.check(Run(m).eval(), (torch.randn(T, B, I, dtype=torch.float64),), export=export)
    m = nn.LSTM(I, H, num_layers=2, proj_size=4).double()
    parity.check(Run(m).eval(), (torch.randn(T, B, I, dtype=torch.float64),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells(parity, kind, bias, export):
    if kind == "lstm":
        m = nn.LSTMCell(I, H, bias=bias)
    elif kind == "gru":
        m = nn.GRUCell(I, H, bias=bias)
    else:
        m = nn.RNNCell(I, H, bias=bias, nonlinearity=kind.split("_")[1])
    x, h = torch.randn(B, I), torch.randn(B, H)
    parity.check(Run(m).eval(), (x,), export=export)
    if kind == "lstm":
        parity.check(CellHC(m).eval(), (x, h, torch.randn(B, H)), export=export)
    else:
        parity.check(CellH(m).eval(), (x, h), export=export)
    if export == "script":  # unbatched: the module adds and removes the batch dim
        parity.check(Run(m).eval(), (torch.randn(I),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
def test_cell_loop(parity, export):
    parity.check(CellLoop().eval(), (torch.randn(6, 2, 5),), export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh"])
def test_packed(parity, kind, enforce_sorted, batch_first, export):
    m = rnn(kind, input_size=4, hidden_size=6, num_layers=2, bidirectional=True, batch_first=batch_first)
    lengths = torch.tensor([7, 5, 5, 2, 1]) if enforce_sorted else torch.tensor([2, 7, 1, 5, 5])
    x = torch.randn(5, 7, 4) if batch_first else torch.randn(7, 5, 4)
    parity.check(Packed(m, enforce_sorted, batch_first).eval(), (x, lengths), export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_lstm_proj_total_length(parity, enforce_sorted, export):
    m = nn.LSTM(4, 6, proj_size=3, bidirectional=True, batch_first=True)
    lengths = torch.tensor([5, 4, 4, 1]) if enforce_sorted else torch.tensor([4, 1, 5, 4])
    parity.check(Packed(m, enforce_sorted, True, total_length=8).eval(), (torch.randn(4, 6, 4), lengths),
                 export=export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_lstm_with_state(parity, enforce_sorted, export):
    lengths = torch.tensor([6, 3, 2]) if enforce_sorted else torch.tensor([3, 6, 2])
    args = (torch.randn(6, 3, 4), lengths, torch.randn(4, 3, 6), torch.randn(4, 3, 6))
    parity.check(PackedLSTMWithState(enforce_sorted).eval(), args, export=export)


# float16 models: computed in float32 with every intermediate rounded to half, as ATen does; the
# GEMMs' float32 sums are ordered differently in the two engines, so a value within float rounding of
# a half rounding boundary can round the other way: one half ulp (2^-11 in [0.5, 1)) that later steps
# carry.  rtol = atol = 1e-3 allows about two such ulps on outputs bounded by 1.
@pytest.mark.parity(rtol=1e-3, atol=1e-3)
@pytest.mark.parametrize("export", EXPORTS)
def test_rnn_float16(parity, export):
    m = nn.LSTM(I, H, num_layers=2, bidirectional=True).half()
    parity.check(Run(m).eval(), (torch.randn(T, B, I).half(),), export=export)
    m = nn.GRU(I, H, num_layers=2, batch_first=True).half()
    parity.check(Run(m).eval(), (torch.randn(B, T, I).half(),), export=export)
    m = nn.LSTMCell(I, H).half()
    parity.check(Run(m).eval(), (torch.randn(B, I).half(),), export=export)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh"])
def test_bidirectional_thread_counts(parity, kind, threads):
    """pyts runs a bidirectional layer's two directions one per pool thread with 2 threads (or more,
    when a step's product is small), else step by step with each step's product split over the
    pool (csrc/ops/nn/rnn.c): each thread count against torch, padded and packed (the packed rows
    shrink along the sequence, differently for each direction)."""
    import pyts

    m = rnn(kind, input_size=I, hidden_size=H, num_layers=2, bidirectional=True)
    before = pyts.get_num_threads()
    pyts.set_num_threads(threads)
    try:
        parity.check(Run(m).eval(), (torch.randn(20, B, I),), export="trace")
        parity.check(Packed(m, False, False).eval(), (torch.randn(20, B, I), torch.tensor([13, 20, 7])),
                     export="script")
    finally:
        pyts.set_num_threads(before)
