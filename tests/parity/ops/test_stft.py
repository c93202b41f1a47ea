"""Parity of stft / stft.center / istft (csrc/ops/fft/stft.c, on fft.c's transform) against
torch.ops.aten: float32, float64, complex64, complex128 signals (1-D and batched, contiguous,
strided, transposed), windows shorter than n_fft, every pad mode, normalized, onesided,
return_complex both ways, align_to_window, odd and prime n_fft (Bluestein), istft's length
(trim and zero-extension) and its window-envelope check, and torch's errors.

Tolerance: torch.testing's defaults for the result dtype, but never below the FFT rounding
bound of docs/fft.md: one transform of length n differs from the exact one by at most
7 u L ||x||_2 (L the butterfly stages, <= 3 ceil(log2(4n)) + 4 with Bluestein), twice that
between two engines; stft's windowed frame and istft's overlap-add (at most
ceil(n_fft / hop) terms divided by the envelope) add a few roundings more, covered by
the factor 2 of the second engine."""
import math

import pytest
import torch

from optest import check, covered, make_tensor

F32, F64, C64, C128 = torch.float32, torch.float64, torch.complex64, torch.complex128
U = {F32: 2.0 ** -24, F64: 2.0 ** -53, C64: 2.0 ** -24, C128: 2.0 ** -53}


def dname(dt):
    return str(dt).replace("torch.", "")


def sig(shape, dt, layout="contig", seed=0):
    if dt.is_complex:
        r = {C64: F32, C128: F64}[dt]
        return torch.complex(make_tensor(shape, r, layout, seed, special=False),
                             make_tensor(shape, r, layout, seed + 3, special=False))
    return make_tensor(shape, dt, layout, seed, special=False)


def fft_atol(n, dt, scale):
    """2 * 7 u L * scale, scale a bound on the transformed frame's 2-norm"""
    L = 3 * math.ceil(math.log2(4 * max(n, 2))) + 4
    return 2 * 7 * U[dt] * L * scale


def tol(x, n, dt, inverse=False):
    xs = x.detach().abs().max().item() if x.numel() else 0.0
    scale = xs * math.sqrt(n) * (1 if inverse else math.sqrt(n))
    a = fft_atol(n, dt, scale)
    default = {F32: 1e-5, C64: 1e-5, F64: 1e-7, C128: 1e-7}[dt]
    return max(a, default)


CASES = [  # (length, n_fft, hop, win_length, window?)
    (40, 16, None, None, False), (40, 16, 4, 12, True), (37, 15, 5, 15, True), (50, 13, 3, 9, True),
    (64, 64, 16, 64, True), (23, 8, 1, 8, False), (97, 17, 7, 11, True),
]


@pytest.mark.parametrize("dt", [F32, F64, C64, C128], ids=dname)
def test_stft(dt):
    rdt = {C64: F32, C128: F64}.get(dt, dt)
    for L, n, hop, win, use_w in CASES:
        for shape, layout in [((L,), "contig"), ((3, L), "strided"), ((2, L), "transposed")]:
            if layout == "transposed":
                x = lambda: sig((L, 2), dt, "contig", seed=L).t()  # noqa: E731
            else:
                x = lambda: sig(shape, dt, layout, seed=L)  # noqa: E731
            w = (lambda: torch.hann_window(win or n, dtype=rdt) + 0.1) if use_w else (lambda: None)  # noqa: E731
            at = tol(x(), n, dt)
            for norm in (False, True):
                for rc in (True, False):
                    for onesided in ([None, False] if not dt.is_complex else [None]):
                        kw = {"hop_length": hop, "win_length": win, "window": w(), "normalized": norm,
                              "onesided": onesided, "return_complex": rc}
                        what = "%s L=%d n=%d %s %s" % (dt, L, n, layout, kw)
                        check("aten::stft", lambda: ((x(), n), dict(kw, window=w())), rtol=1.3e-6, atol=at,
                              what=what)
                        if win and win < n:
                            check("aten::stft", lambda: ((x(), n), dict(kw, window=w(), align_to_window=True)),
                                  rtol=1.3e-6, atol=at, what=what + " aligned")
            for mode in ("reflect", "constant", "replicate", "circular"):
                check("aten::stft.center", lambda: ((x(), n), {"hop_length": hop, "win_length": win, "window": w(),
                                                                "pad_mode": mode, "return_complex": True}),
                      rtol=1.3e-6, atol=at, what="%s center %s" % (dt, mode))


def test_stft_window_dtypes():
    # a float64 window with a float32 signal: complex128, as torch promotes
    x = lambda: sig((2, 40), F32)  # noqa: E731
    check("aten::stft", lambda: ((x(), 16), {"window": torch.hann_window(16, dtype=F64), "return_complex": True}),
          rtol=1e-7, atol=tol(x(), 16, F32), what="f64 window")
    check("aten::stft", lambda: ((x(), 16), {"window": torch.ones(16, dtype=C64), "return_complex": True}),
          rtol=1.3e-6, atol=tol(x(), 16, F32), what="complex window")


def test_stft_errors():
    x = sig((2, 40), F32)
    bad = [
        ((x, 16), {}),
        ((x.long(), 16), {"return_complex": True}),
        ((x.half(), 16), {"return_complex": True}),
        ((torch.randn(2, 2, 40), 16), {"return_complex": True}),
        ((x, 50), {"return_complex": True}),
        ((x, 0), {"return_complex": True}),
        ((x, 16, 0), {"return_complex": True}),
        ((x, 16, 4, 20), {"return_complex": True}),
        ((x, 16, 4, 12, torch.ones(13)), {"return_complex": True}),
        ((x, 16, 4, 12, torch.ones(12, 1)), {"return_complex": True}),
        ((x.cfloat(), 16), {"onesided": True, "return_complex": True}),
        ((torch.randn(0, 40), 16), {"return_complex": True}),
        ((torch.randn(2, 0), 16), {"return_complex": True}),
    ]
    for args, kw in bad:
        check("aten::stft", lambda: (args, kw), what="error %s" % (kw,))
    for args, kw in [((x, 16), {"pad_mode": "foo", "return_complex": True}),
                     ((torch.randn(2, 5), 16), {"return_complex": True}),
                     ((torch.randn(2, 5), 16), {"pad_mode": "circular", "return_complex": True}),
                     ((x, 16), {"align_to_window": True, "return_complex": True})]:
        check("aten::stft.center", lambda: (args, kw), what="error %s" % (kw,))


ICASES = [  # (length, n_fft, hop, win_length, center)
    (40, 16, 4, 16, True), (40, 16, 4, 12, False), (37, 15, 5, 15, True), (64, 64, 16, 64, False),
    (50, 13, 3, 9, True),
]


@pytest.mark.parametrize("dt", [F32, F64], ids=dname)
def test_istft_roundtrip(dt):
    """istft of torch's stft (a window without zeros, so the envelope check passes)."""
    cdt = {F32: C64, F64: C128}[dt]
    for L, n, hop, win, center in ICASES:
        w = lambda: torch.hann_window(win, dtype=dt) + 0.2  # noqa: E731
        for batch in [(), (3,)]:
            x = sig(batch + (L,), dt, seed=L)
            spec = torch.stft(x, n, hop, win, w(), center=center, return_complex=True)
            at = tol(spec, n, cdt, inverse=True)
            for norm in (False, True):
                s = torch.stft(x, n, hop, win, w(), center=center, normalized=norm, return_complex=True)
                for length in (None, L, L - 3, L + 5):
                    kw = {"hop_length": hop, "win_length": win, "window": w(), "center": center, "normalized": norm,
                          "length": length}
                    check("aten::istft", lambda: ((s.clone(), n), dict(kw, window=w())), rtol=1.3e-6, atol=at,
                          what="%s L=%d n=%d %s" % (dt, L, n, kw))
                # two-sided spectrum, real and complex outputs; strided input
                s2 = torch.stft(x, n, hop, win, w(), center=center, normalized=norm, onesided=False,
                                return_complex=True)
                for rc in (False, True):
                    check("aten::istft", lambda: ((s2.clone(), n), {"hop_length": hop, "win_length": win,
                                                                   "window": w(), "center": center,
                                                                   "normalized": norm, "onesided": False,
                                                                   "return_complex": rc}),
                          rtol=1.3e-6, atol=at, what="two-sided rc=%s" % rc)
                st = s.transpose(-1, -2).contiguous().transpose(-1, -2)
                check("aten::istft", lambda: ((st.clone(), n), {"hop_length": hop, "win_length": win, "window": w(),
                                                               "center": center, "normalized": norm}),
                      rtol=1.3e-6, atol=at, what="transposed")


def test_istft_errors():
    w = torch.hann_window(12)
    y = torch.stft(sig((2, 40), F32), 16, 4, 12, w, return_complex=True)
    bad = [
        ((y.real.contiguous(), 16, 4, 12, w), {}),
        ((y, 16, 4, 12, torch.zeros(12)), {}),
        ((y, 16, 4, 12, w), {}),                       # hann's zero at the centred edge: envelope check
        ((y, 16, 4, 12, w), {"center": False}),
        ((y, 15, 4, 12, w), {}),
        ((y, 16, 4, 12, w), {"onesided": False}),
        ((y, 16, 13, 12, w), {}),
        ((y, 16, 4, 17, torch.ones(17)), {}),
        ((y, 16, 4, 12, torch.ones(11)), {}),
        ((y, 16, 4, 12, w + 1), {"return_complex": True}),
        ((y[:, :, :0], 16, 4, 12, w), {}),
    ]
    for args, kw in bad:
        check("aten::istft", lambda: (tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in args), kw),
              what="error %s" % (kw,))


def test_stft_scripted():
    """torch.stft's TorchScript body (centre padding by F.pad, then aten::stft) and torch.istft."""
    import io

    import numpy as np

    import pyts

    class M(torch.nn.Module):
        def forward(self, x, w):
            s = torch.stft(x, 16, 4, 12, w, center=True, pad_mode="reflect", return_complex=True)
            return s, torch.istft(s, 16, 4, 12, w, length=x.shape[-1])

    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(M()), buf)
    m = pyts.load(buf.getvalue())
    x, w = sig((2, 50), F64), torch.hann_window(12, dtype=F64) + 0.2
    exp = M()(x, w)
    got = m.forward(x.numpy(), w.numpy())
    for e, g in zip(exp, got):
        np.testing.assert_allclose(np.asarray(g), e.numpy(), rtol=1e-7, atol=tol(e, 16, C128))


COVERED = covered(["stft", "stft.center", "istft"])
