"""Parity of csrc/ops/fft/fft.c: torch.fft (fft, ifft, rfft, irfft, hfft,
ihfft, fft2, ifft2, rfft2, irfft2, hfft2, ihfft2, fftn, ifftn, rfftn, irfftn,
hfftn, ihfftn, fftfreq,
rfftfreq, fftshift, ifftshift) and the primitives _fft_c2c / _fft_r2c /
_fft_c2r, over complex64 / complex128 and float32 / float64 inputs (integers
are promoted as in torch), non-contiguous layouts, batch dims, every norm,
n / s / dim variants and the errors torch raises.

Inputs carry no NaN / inf: one NaN spreads over a whole transform in both
engines, and which bins an infinity turns into NaN depends on the order of
the butterflies, not on the transform.

Accuracy (test_accuracy_bound): an FFT in precision u has a relative error
in the L2 norm ||y' - y|| / ||y|| <= L * eta with L the number of butterfly
stages and eta the error of one stage (Higham, Accuracy and Stability of
Numerical Algorithms, 2nd ed., thm. 24.2: eta = mu + gamma_4 (sqrt(2) + mu),
about 7 u with correctly rounded twiddles, mu ~ u).  Bluestein's algorithm
(pyts: lengths with a prime factor > 13; pocketfft: large primes) runs
three power-of-two transforms of length <= 4n plus two chirp products, so
L <= 3 * ceil(log2(4n)) + 4 bounds both engines' stage counts.  pyts and
torch (pocketfft) each stay within B = 7 u L ||y||, so their difference is
within 2 B: the test asserts that, per transform, at n = 1, 2, 3, 7, 16,
17, 97, 1000, 1024, 4099."""
import math

import numpy as np
import pytest
import torch

from optest import check, covered, make_complex, make_tensor
from pyts import _C

NORMS = [None, "backward", "forward", "ortho"]
C2C = ["fft_fft", "fft_ifft"]
R2C = ["fft_rfft", "fft_ihfft"]
C2R = ["fft_irfft", "fft_hfft"]
ND_C2C = ["fft_fft2", "fft_ifft2", "fft_fftn", "fft_ifftn"]
ND_R2C = ["fft_rfft2", "fft_rfftn", "fft_ihfft2", "fft_ihfftn"]
ND_C2R = ["fft_irfft2", "fft_irfftn", "fft_hfft2", "fft_hfftn"]
COVERED = covered(C2C, R2C, C2R, ND_C2C, ND_R2C, ND_C2R, "fft_fftfreq", "fft_rfftfreq", "fft_fftshift",
                  "fft_ifftshift", "_fft_c2c", "_fft_r2c", "_fft_c2r")
LAYOUTS = ["contig", "transposed", "strided", "expanded"]


def _input(dt, shape, layout="contig", seed=0):
    if dt.is_complex:
        return make_complex(shape, dt, layout, seed=seed, special=False)
    return make_tensor(shape, dt, layout, seed=seed, special=False)


@pytest.mark.parametrize("op", C2C + R2C + C2R)
def test_one_dim(op):
    real_only = op in R2C
    dtypes = [torch.float32, torch.float64, torch.int64] + ([] if real_only else [torch.complex64, torch.complex128])
    for dt in dtypes:
        for layout in LAYOUTS:
            # (no empty batch: torch's MKL backend refuses one -- "DFTI ERROR: Inconsistent configuration
            # parameters" -- where pyts returns the empty result; empty signals are refused by both, below)
            for shape in [(5, 7), (3, 1, 4), (2, 3, 4, 5), (6,)]:
                check("aten::" + op, lambda: ((_input(dt, shape, layout),), {}), what="%s %s %s" % (dt, shape, layout))
        for n in (1, 2, 5, 8, 13):
            for dim in (-1, 0):
                check("aten::" + op, lambda: ((_input(dt, (6, 7)),), {"n": n, "dim": dim}),
                      what="%s n=%d dim=%d" % (dt, n, dim))
        for norm in NORMS:
            check("aten::" + op, lambda: ((_input(dt, (4, 9), "transposed"),), {"norm": norm}),
                  what="%s norm=%s" % (dt, norm))
    if real_only:  # a complex input is refused
        check("aten::" + op, lambda: ((_input(torch.complex64, (4,)),), {}))
    # refused: n < 1, a bad norm, a dim out of range, a 0-dim input, an empty signal dim
    for kw in ({"n": 0}, {"n": -2}, {"norm": "sideways"}, {"dim": 2}):
        check("aten::" + op, lambda: ((_input(torch.float32, (3, 4)),), kw), what=str(kw))
    check("aten::" + op, lambda: ((_input(torch.float32, ()),), {}))
    check("aten::" + op, lambda: ((_input(torch.float32, (3, 0)),), {}))
    # an empty batch: torch (MKL) refuses it, pyts gives the empty result of the shape torch's meta kernel gives
    x = _input(torch.float32, (0, 6))
    got = np.asarray(_C.call_op("aten::" + op, x.numpy()))
    exp = getattr(torch.ops.aten, op)(x.to("meta"))
    assert got.shape == tuple(exp.shape) and got.dtype == torch.empty(0, dtype=exp.dtype).numpy().dtype


@pytest.mark.parametrize("op", ND_C2C + ND_R2C + ND_C2R)
def test_n_dim(op):
    real_only = op in ND_R2C
    dtypes = [torch.float32, torch.float64] + ([] if real_only else [torch.complex64, torch.complex128])
    nd = op.endswith("n")
    for dt in dtypes:
        for layout in LAYOUTS:
            for shape in [(5, 7), (3, 4, 6), (2, 3, 4, 5)]:
                check("aten::" + op, lambda: ((_input(dt, shape, layout),), {}), what="%s %s %s" % (dt, shape, layout))
        cases = [{"s": [4, 5]}, {"s": [3, -1]}, {"dim": [0, 2]}, {"s": [6, 2], "dim": [2, 0]}, {"norm": "ortho"},
                 {"norm": "forward"}, {"dim": [-1, 1], "norm": "backward"}]
        if nd:
            cases += [{"s": [5]}, {"dim": [1]}, {"s": [2, 3, 4]}, {"dim": []}]
        for kw in cases:
            check("aten::" + op, lambda: ((_input(dt, (3, 4, 6), "strided"),), kw), what="%s %s" % (dt, kw))
    if real_only:
        check("aten::" + op, lambda: ((_input(torch.complex128, (3, 4)),), {}))
    # refused: dims repeated, s and dim of different lengths, s with a 0, too long an s
    for kw in ({"dim": [0, 0]}, {"s": [3], "dim": [0, 1]}, {"s": [0, 3]}, {"s": [2, 2, 2, 2]}):
        check("aten::" + op, lambda: ((_input(torch.float32, (3, 4, 5)),), kw), what=str(kw))


def test_freq():
    for name in ("aten::fft_fftfreq", "aten::fft_rfftfreq"):
        for n in (1, 2, 7, 10, 33, 0):
            for d in (1.0, 0.1, 2.5):
                check(name, lambda: ((n, d), {}), what="n=%d d=%g" % (n, d))
            for dt in (torch.float64, torch.float16, torch.int64):
                check(name, lambda: ((n,), {"dtype": dt}), what="%d %s" % (n, dt))
        check(name, lambda: ((-1,), {}))
        check(name, lambda: ((-3,), {}))


def test_shift():
    for name in ("aten::fft_fftshift", "aten::fft_ifftshift"):
        for dt in (torch.float32, torch.int64, torch.bool, torch.complex128):
            for layout in LAYOUTS:
                for shape in [(5, 7), (4, 1, 6), (), (0, 3), (2, 3, 4, 5)]:
                    mk = (lambda: make_complex(shape, dt, layout)) if dt.is_complex else \
                        (lambda: make_tensor(shape, dt, layout))
                    check(name, lambda: ((mk(),), {}), what="%s %s %s" % (dt, shape, layout))
            for dim in ([0], [-1], 1, [1, 0]):
                check(name, lambda: ((make_tensor((5, 6, 3), dt if not dt.is_complex else torch.float64),), {"dim": dim}),
                      what="dim=%s" % (dim,))
        check(name, lambda: ((make_tensor((3, 4), torch.float32),), {"dim": [2]}))


def test_primitives():
    for dt in (torch.complex64, torch.complex128):
        for dims in ([1], [0, 1], [2, 0], []):
            for norm in (0, 1, 2):
                for fwd in (True, False):
                    check("aten::_fft_c2c", lambda: ((_input(dt, (3, 4, 5), "transposed"), dims, norm, fwd), {}),
                          what="%s %s %d %s" % (dt, dims, norm, fwd))
        for dims, last in (([1], 6), ([1], 7), ([0, 2], 8), ([2], 1)):
            for norm in (0, 1, 2):
                check("aten::_fft_c2r", lambda: ((_input(dt, (3, 4, 5), "strided"), dims, norm, last), {}),
                      what="%s %s %d %d" % (dt, dims, norm, last))
    for dt in (torch.float32, torch.float64):
        for dims in ([1], [0, 2], [2, 1]):
            for norm in (0, 1, 2):
                for onesided in (True, False):
                    check("aten::_fft_r2c", lambda: ((_input(dt, (3, 4, 5), "transposed"), dims, norm, onesided), {}),
                          what="%s %s %d %s" % (dt, dims, norm, onesided))


def _stages(n):
    return 3 * math.ceil(math.log2(4 * n)) + 4


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 17, 97, 1000, 1024, 4099])
def test_accuracy_bound(n):
    """The difference to torch within the derived bound 2 * 7 u L ||y||_2 (module docstring), per
    transform, with non-contiguous input and batch dims, for c2c, r2c and c2r, in both precisions."""
    for cdt, rdt, u in ((torch.complex64, torch.float32, 2.0 ** -24), (torch.complex128, torch.float64, 2.0 ** -53)):
        bound = 2 * 7 * u * _stages(n)
        x = _input(cdt, (3, n, 2), "contig", seed=n).transpose(1, 2)  # batch (3, 2), signal along the last dim
        r = _input(rdt, (2, 2 * n), "strided", seed=n + 1)
        for name, arg, kw in (("fft_fft", x, {}), ("fft_ifft", x, {"norm": "forward"}), ("fft_rfft", r, {}),
                              ("fft_irfft", x, {"n": n, "norm": "forward"})):
            exp = getattr(torch.ops.aten, name)(arg, **kw)
            got = np.asarray(_C.call_op("aten::" + name, arg.numpy(), **kw))
            assert got.dtype == exp.numpy().dtype and got.shape == tuple(exp.shape), name
            e = exp.numpy().reshape(-1, exp.shape[-1]).astype(np.complex128)
            g = got.reshape(-1, exp.shape[-1]).astype(np.complex128)
            for row in range(e.shape[0]):
                scale = np.linalg.norm(e[row])
                diff = np.linalg.norm(g[row] - e[row])
                assert diff <= bound * scale, "%s n=%d %s row %d: |diff| %.3g > %.3g |y|" % (
                    name, n, cdt, row, diff / scale, bound)


def test_from_script():
    # a scripted spectral filter: rfft, a complex mask product, irfft, fftshift (pyts.load, forward)
    import io

    import pyts

    class Filter(torch.nn.Module):
        def forward(self, x, w):
            spec = torch.fft.rfft(x, dim=-1, norm="ortho")
            y = torch.fft.irfft(spec * torch.view_as_complex(w), n=x.shape[-1], norm="ortho")
            return torch.fft.fftshift(y, dim=[-1]), torch.fft.fft2(x).abs()

    m = torch.jit.script(Filter())
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    pm = pyts.load(buf.getvalue())
    x = _input(torch.float32, (4, 30))
    w = _input(torch.float32, (16, 2), seed=1)
    for g, e in zip(pm.forward(x.numpy(), w.numpy()), m(x, w)):
        np.testing.assert_allclose(np.asarray(g), e.numpy(), rtol=1.3e-6, atol=1e-5)
