"""Parity of csrc/ops/nn/loss.c: elementwise losses with every reduction,
broadcast targets and weights; nll_loss (1-D, 2-D, 2d, nd) with weights and
ignore_index; cross_entropy_loss with class indices (+ label smoothing) and
with class probabilities; the errors torch raises."""
import pytest
import torch

from optest import LAYOUTS, check, covered, make_tensor

ELEMENTWISE = {
    "l1_loss": [{}],
    "mse_loss": [{}],
    "smooth_l1_loss": [{"beta": 1.0}, {"beta": 0.0}, {"beta": 0.3}, {"beta": -1.0}],
    "huber_loss": [{"delta": 1.0}, {"delta": 0.4}, {"delta": 0.0}],
    "kl_div": [{}, {"log_target": True}],
}
CLASS = ["nll_loss", "nll_loss2d", "nll_loss_nd", "cross_entropy_loss"]
COVERED = covered(ELEMENTWISE, CLASS, "binary_cross_entropy", "binary_cross_entropy_with_logits", "ctc_loss.IntList",
                  "ctc_loss.Tensor")


@pytest.mark.parametrize("op", list(ELEMENTWISE))
def test_elementwise_losses(op):
    for kw in ELEMENTWISE[op]:
        for red in (0, 1, 2):
            for a, b in (((5, 7), (5, 7)), ((3, 1, 4), (5, 1)), ((), ()), ((0, 3), (0, 3)), ((5, 7), (7,))):
                for layout in ("contig", "transposed", "strided"):
                    check("aten::" + op, lambda: ((make_tensor(a, torch.float32, layout, seed=1),
                                                   make_tensor(b, torch.float32, seed=2, low=0.01 if "kl" in op else None)
                                                   , red), dict(kw)), what="%s %s %s red=%d %r" % (a, b, layout, red, kw))
            for dt in (torch.float64, torch.float16, torch.int64):
                # float16: torch rounds x - y to half before squaring / comparing (one half ulp more)
                tol = dict(rtol=4e-3, atol=4e-3) if dt == torch.float16 else {}
                check("aten::" + op, lambda: ((make_tensor((5, 7), dt, seed=1), make_tensor((5, 7), dt, seed=2), red),
                                              dict(kw)), what="%s red=%d %r" % (dt, red, kw), **tol)


@pytest.mark.parametrize("red", [0, 1, 2])
def test_binary_cross_entropy(red):
    for a, b, w in (((5, 7), (5, 7), None), ((5, 7), (5, 7), (7,)), ((), (), None), ((0, 3), (0, 3), None),
                    ((3, 4), (3, 4), (3, 4))):
        for dt in (torch.float32, torch.float64):
            def maker():
                x = make_tensor(a, dt, seed=1, low=0, high=1)
                if x.numel() > 2:
                    x.view(-1)[0], x.view(-1)[1] = 0.0, 1.0
                args = (x, make_tensor(b, dt, seed=2, low=0, high=1),
                        None if w is None else make_tensor(w, dt, seed=3, low=0, high=2), red)
                return args, {}
            check("aten::binary_cross_entropy", maker, what="%s %s %s %s" % (a, b, w, dt))
    check("aten::binary_cross_entropy", lambda: ((make_tensor((5, 7), torch.float32),
                                                  make_tensor((5, 7), torch.float32, low=0, high=1), None, red), {}),
          what="out of range")
    check("aten::binary_cross_entropy", lambda: ((make_tensor((5, 7), torch.float32, low=0, high=1),
                                                  make_tensor((5, 7), torch.float64, low=0, high=1), None, red), {}),
          what="dtype mismatch")


@pytest.mark.parametrize("red", [0, 1, 2])
def test_bce_with_logits(red):
    for a, b, w, pw in (((5, 7), (5, 7), None, None), ((5, 7), (5, 7), (7,), None), ((5, 7), (5, 7), None, (7,)),
                        ((5, 7), (5, 7), (5, 7), (1,)), ((), (), None, None), ((0, 3), (0, 3), None, None),
                        ((5, 7), (7,), None, None), ((7,), (5, 7), None, None)):
        def maker():
            return (make_tensor(a, torch.float32, "contig", seed=1, special=False, low=-30, high=30),
                    make_tensor(b, torch.float32, seed=2, low=0, high=1),
                    None if w is None else make_tensor(w, torch.float32, seed=3, low=0, high=2),
                    None if pw is None else make_tensor(pw, torch.float32, seed=4, low=0, high=3), red), {}
        check("aten::binary_cross_entropy_with_logits", maker, what="%s %s %s %s" % (a, b, w, pw))
    check("aten::binary_cross_entropy_with_logits",
          lambda: ((make_tensor((5, 7), torch.float32), make_tensor((5, 7), torch.float32, low=0, high=1), None, None,
                    red), {}), what="specials")


def _targets(shape, classes, seed, ignore=None):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(0, classes, shape, generator=g)
    if ignore is not None and t.numel() > 1:
        t.view(-1)[1] = ignore
    return t


CLASS_CASES = [  # (op, input shape, target shape)
    ("nll_loss", (6, 5), (6,)), ("nll_loss", (5,), ()), ("nll_loss", (0, 5), (0,)), ("nll_loss", (2, 5, 3), (2, 3)),
    ("nll_loss2d", (2, 5, 3, 4), (2, 3, 4)), ("nll_loss2d", (6, 5), (6,)),
    ("nll_loss_nd", (2, 5, 3, 4, 2), (2, 3, 4, 2)), ("nll_loss_nd", (6, 5), (6,)), ("nll_loss_nd", (5,), ()),
    ("nll_loss_nd", (6, 5), (5,)),
    ("cross_entropy_loss", (6, 5), (6,)), ("cross_entropy_loss", (5,), ()), ("cross_entropy_loss", (2, 5, 3, 4), (2, 3, 4)),
    ("cross_entropy_loss", (0, 5), (0,)),
]


@pytest.mark.parametrize("case", range(len(CLASS_CASES)))
def test_class_losses(case):
    op, xs, ts = CLASS_CASES[case]
    ce = op == "cross_entropy_loss"
    for red in (0, 1, 2):
        for weighted in (False, True):
            for ignore in (-100, 2):
                for ls in ((0.0, 0.2) if ce else (None,)):
                    def maker():
                        x = make_tensor(xs, torch.float32, "contig", seed=1, special=False)
                        if not ce:
                            x = torch.log_softmax(x, 1 if x.dim() > 1 else 0) if x.numel() else x
                        args = (x, _targets(ts, xs[1] if len(xs) > 1 else xs[0], 2, ignore),
                                make_tensor((xs[1] if len(xs) > 1 else xs[0],), torch.float32, seed=3, low=0.1, high=2)
                                if weighted else None, red, ignore)
                        return (args + (ls,) if ce else args), {}
                    check("aten::" + op, maker, what="%s %s red=%d w=%s ignore=%d ls=%s" % (xs, ts, red, weighted,
                                                                                          ignore, ls))


def test_class_loss_errors():
    x = lambda: make_tensor((6, 5), torch.float32, special=False)
    for op in CLASS:
        check("aten::" + op, lambda: ((x(), torch.tensor([0, 1, 2, 3, 4, 5])), {}), what="out of bounds")
        check("aten::" + op, lambda: ((x(), torch.tensor([0, 1, 2, 3, 4, 1], dtype=torch.int32)), {}), what="int32")
        check("aten::" + op, lambda: ((x(), torch.tensor([0, 1, 2])), {}), what="batch mismatch")
        check("aten::" + op, lambda: ((x(), torch.tensor([0, 1, 2, 3, 4, 1]), torch.ones(3)), {}), what="weight size")
        check("aten::" + op, lambda: ((x(), torch.tensor([0, 1, 2, 3, 4, 1]), None, 1, -100) +
                                      ((0.0,) if op.startswith("cross") else ()), {}), what="ok")


@pytest.mark.parametrize("red", [0, 1, 2])
def test_cross_entropy_probabilities(red):
    for xs in ((6, 5), (5,), (2, 5, 3, 4), (0, 5)):
        for weighted in (False, True):
            for ls in (0.0, 0.3, 1.5):
                def maker():
                    x = make_tensor(xs, torch.float32, "contig", seed=1, special=False)
                    t = torch.softmax(make_tensor(xs, torch.float32, seed=2, special=False), 1 if len(xs) > 1 else 0)
                    w = make_tensor((5,), torch.float32, seed=3, low=0.1, high=2) if weighted else None
                    return (x, t, w, red, -100, ls), {}
                check("aten::cross_entropy_loss", maker, what="%s w=%s ls=%s" % (xs, weighted, ls))


def _log_probs(shape, dt, layout="contig", seed=0):
    return make_tensor(shape, dt, layout, seed=seed, special=False).log_softmax(-1)


# (T, N, C, input lengths, target lengths, padded targets?): full and short inputs, empty targets, an
# input length of 0 (inf, or 0 for an empty target), targets too long for their input (inf), repeats
CTC = [(12, 4, 6, [12, 9, 5, 0], [4, 3, 0, 0], True), (12, 4, 6, [12, 9, 5, 0], [4, 3, 0, 2], False),
       (7, 3, 5, [7, 3, 7], [3, 3, 6], True), (5, 1, 4, [5], [2], False), (6, 2, 3, [6, 6], [0, 0], True),
       (9, 0, 5, [], [], True)]


@pytest.mark.parametrize("case", range(len(CTC)))
def test_ctc_loss(case):
    """ctc_loss (int lists and tensors of lengths): reductions none / mean / sum, zero_infinity, blank
    first and last, padded 2-D and concatenated 1-D targets (with repeated labels), unbatched input,
    float32 and float64, non-contiguous log_probs and targets."""
    T, N, C, il, tl, padded = CTC[case]
    for dt in (torch.float32, torch.float64):
        for layout in ("contig", "transposed"):
            for blank in (0, C - 1):
                lo, hi = (1, C) if blank == 0 else (0, C - 1)
                g = torch.Generator().manual_seed(case)
                if padded:
                    tg = torch.randint(lo, hi, (N, max(tl + [0]) + 2), generator=g)
                    tg[:, 1] = tg[:, 0]  # a repeated label needs a blank between
                    tg = tg.t().contiguous().t() if layout == "transposed" else tg
                else:
                    tg = torch.randint(lo, hi, (2 * sum(tl),), generator=g)[::2]
                for red in (0, 1, 2):
                    for zi in (False, True):
                        what = "case %d %s %s blank=%d red=%d zi=%s" % (case, dt, layout, blank, red, zi)
                        lp = lambda: _log_probs((T, N, C), dt, "contig" if layout == "contig" else "strided")
                        check("aten::ctc_loss.IntList", lambda: ((lp(), tg.clone(), il, tl, blank, red, zi), {}), what=what)
                        check("aten::ctc_loss.Tensor",
                              lambda: ((lp(), tg.clone(), torch.tensor(il, dtype=torch.int64),
                                        torch.tensor(tl, dtype=torch.int32), blank, red, zi), {}), what=what)
    if N >= 1:  # unbatched: (T, C) log_probs, 1-D target
        for red in (0, 1, 2):
            check("aten::ctc_loss.IntList", lambda: ((_log_probs((T, C), torch.float32), torch.tensor([1, 2, 2]), [T], [3],
                                                      0, red, False), {}), what="unbatched red=%d" % red)
            check("aten::ctc_loss.Tensor", lambda: ((_log_probs((T, C), torch.float64), torch.tensor([1, 2, 2]),
                                                     torch.tensor(T), torch.tensor(3), 0, red, False), {}),
                  what="unbatched red=%d" % red)


def test_ctc_loss_errors():
    lp = lambda: _log_probs((6, 2, 4), torch.float32)
    tg = torch.tensor([[1, 2], [3, 1]])
    bad = [(lp(), tg, [6, 6], [2, 2], 4), (lp(), tg, [6, 6], [2, 2], -1), (lp(), tg, [6], [2, 2], 0),
           (lp(), tg, [6, 6], [2], 0), (lp(), tg, [7, 6], [2, 2], 0), (lp(), tg, [6, 6], [3, 2], 0),
           (lp(), torch.tensor([1, 2, 3]), [6, 6], [2, 2], 0), (lp().to(torch.int64), tg, [6, 6], [2, 2], 0),
           (make_tensor((6,), torch.float32), tg, [6, 6], [2, 2], 0)]
    for i, args in enumerate(bad):
        check("aten::ctc_loss.IntList", lambda: (args, {}), what="bad %d" % i)
    check("aten::ctc_loss.Tensor", lambda: ((lp(), tg, torch.tensor([6.0, 6.0]), torch.tensor([2, 2]), 0), {}),
          what="float lengths")
    check("aten::ctc_loss.IntList", lambda: ((lp(), tg, [6, 6], [2, 2], 0, 3), {}), what="bad reduction")
