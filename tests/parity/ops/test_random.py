"""Random ops against torch, bit for bit: after pyts.manual_seed(s) and
torch.manual_seed(s) both engines draw identical tensors (exact equality of
the bytes), over sizes 1 ... 10^5 (the fill paths of randn/normal_ switch at
16 elements, randint's draw width at a range of 2^28), several seeds,
contiguous and strided outputs (in-place ops walk a transposed or sliced
tensor in memory order, as torch's TensorIterator), and sequences of calls
(the generator state, and the cached Box-Muller value, advance alike).

fractional_max_pool2d/3d (deterministic given the random_samples its module
draws with torch.rand) are checked alone and inside nn.FractionalMaxPool*.

Each op is called once through pyts._C.call_op (the op suite's coverage
records those calls) and the TorchScript path is checked by scripted
functions and models with dropout in training mode (pyts.testing.assert_parity
seeds both engines)."""
from typing import Optional

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import pyts
from pyts import _C
from pyts.testing import assert_parity

SIZES = [1, 7, 15, 16, 17, 100, 1023, 100000]
SEEDS = [0, 1, 1234, 2**40 + 7, -1]
F32, F64 = torch.float32, torch.float64
CODE = {torch.float32: 6, torch.float64: 7, torch.int64: 4, torch.int32: 3, torch.int16: 2, torch.int8: 1,
        torch.uint8: 0, torch.bool: 11, torch.float16: 5, torch.bfloat16: 15}


def same_bits(t, p, what):
    t = np.ascontiguousarray(t.numpy() if isinstance(t, torch.Tensor) else t)
    p = np.ascontiguousarray(np.asarray(p))
    assert t.shape == p.shape and t.dtype == p.dtype, "%s: %s %s vs pyts %s %s" % (what, t.shape, t.dtype, p.shape, p.dtype)
    if not np.array_equal(t.view(np.uint8), p.view(np.uint8)):
        bad = int((t != p).sum())
        raise AssertionError("%s: %d of %d elements differ (first torch %r pyts %r)"
                             % (what, bad, t.size, t[t != p][:3], p[t != p][:3]))


def both(seed, torch_fn, pyts_fn, what, calls=2):
    """Seed both engines, call each `calls` times (the state advances), compare every result."""
    torch.manual_seed(seed)
    pyts.manual_seed(seed)
    ts = [torch_fn() for _ in range(calls)]
    ps = [pyts_fn() for _ in range(calls)]
    for i, (t, p) in enumerate(zip(ts, ps)):
        if isinstance(t, tuple):
            for j, (a, b) in enumerate(zip(t, p)):
                same_bits(a, b, "%s call %d [%d] seed %d" % (what, i, j, seed))
        else:
            same_bits(t, p, "%s call %d seed %d" % (what, i, seed))


# ---- seeding -----------------------------------------------------------------------------------

def test_manual_seed_and_initial_seed_as_torch():
    for s in [0, 7, 2**32 + 5, 2**63 + 1, 2**64 - 1, -1, -(2**63)]:
        pyts.manual_seed(s)
        torch.manual_seed(s)
        assert pyts.initial_seed() == torch.initial_seed()
    for bad in [2**64, -(2**63) - 1]:
        with pytest.raises(ValueError):
            torch.manual_seed(bad)
        with pytest.raises(ValueError):
            pyts.manual_seed(bad)


def test_seeds_differing_above_32_bits_give_the_same_stream():
    # only the low 32 bits seed the engine, as in torch
    pyts.manual_seed(5)
    a = _C.call_op("aten::rand", [20])
    pyts.manual_seed(5 + 2**40)
    b = _C.call_op("aten::rand", [20])
    same_bits(a, b, "high seed bits")
    torch.manual_seed(5 + 2**40)
    same_bits(torch.rand(20), b, "rand")


# ---- factories over sizes, seeds and dtypes ---------------------------------------------------

@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", ["rand", "randn"])
def test_rand_randn(name, dtype):
    tf = getattr(torch, name)
    for seed in SEEDS[:3]:
        for n in SIZES:
            both(seed, lambda: tf(n, dtype=dtype), lambda: _C.call_op("aten::" + name, [n], dtype=CODE[dtype]),
                 "%s(%d)" % (name, n))
    # shapes, and the cache carried between scalar-path calls (odd counts leave one value cached)
    for seed in SEEDS:
        torch.manual_seed(seed)
        pyts.manual_seed(seed)
        for shape in [(3,), (1,), (2, 8), (5,), (4, 5, 3), (0,), ()]:
            same_bits(tf(shape, dtype=dtype), _C.call_op("aten::" + name, list(shape), dtype=CODE[dtype]),
                      "%s%s seed %d" % (name, shape, seed))


def test_rand_randn_reduced_float_dtypes():
    for dtype in [torch.float16, torch.bfloat16]:
        for name in ["rand", "randn"]:
            for n in [1, 7, 16, 17, 1000]:
                # bfloat16 comes back from pyts as float32 (NumPy has no bfloat16): exact either way
                both(0, lambda: getattr(torch, name)(n, dtype=dtype).float(),
                     lambda: np.asarray(_C.call_op("aten::" + name, [n], dtype=CODE[dtype]), np.float32),
                     "%s(%d, %s)" % (name, n, dtype))


def test_complex_rand_randn():
    """complex64/128: uniform_ / normal_ of view_as_real (std / sqrt(2)), so 2n draws."""
    for dtype, code in [(torch.complex64, 9), (torch.complex128, 10)]:
        for n in [1, 7, 8, 9, 100]:
            for name in ["rand", "randn"]:
                both(0, lambda: getattr(torch, name)(n, dtype=dtype), lambda: _C.call_op("aten::" + name, [n], dtype=code),
                     "%s(%d, %s)" % (name, n, dtype))
        x = torch.zeros(6, 5, dtype=dtype).t()
        both(1, lambda: torch.randn_like(x), lambda: _C.call_op("aten::randn_like", x.numpy()), "randn_like complex .t()")
        both(1, lambda: x.clone().normal_(0.5, 2.0), lambda: _C.call_op("aten::normal_", x.clone().numpy(), 0.5, 2.0),
             "normal_ complex")
        both(1, lambda: x.clone().uniform_(-1.0, 3.0), lambda: _C.call_op("aten::uniform_", x.clone().numpy(), -1.0, 3.0),
             "uniform_ complex")


def test_generator_overloads_default_generator():
    n = 40
    both(3, lambda: torch.rand(n, generator=None), lambda: _C.call_op("aten::rand.generator", [n], generator=None), "rand.generator")
    both(3, lambda: torch.randn(n, generator=None), lambda: _C.call_op("aten::randn.generator", [n], generator=None), "randn.generator")
    both(3, lambda: torch.randint(9, (n,), generator=None),
         lambda: _C.call_op("aten::randint.generator", 9, [n], generator=None), "randint.generator")
    both(3, lambda: torch.randint(-4, 9, (n,), generator=None),
         lambda: _C.call_op("aten::randint.low_generator", -4, 9, [n], generator=None), "randint.low_generator")
    both(3, lambda: torch.randperm(n, generator=None), lambda: _C.call_op("aten::randperm.generator", n, generator=None),
         "randperm.generator")
    x = torch.zeros(3, 5)
    both(3, lambda: torch.rand_like(x), lambda: _C.call_op("aten::rand_like.generator", x.numpy(), generator=None), "rand_like.g")
    both(3, lambda: torch.randn_like(x), lambda: _C.call_op("aten::randn_like.generator", x.numpy(), generator=None), "randn_like.g")
    both(3, lambda: torch.randint_like(x, 7), lambda: _C.call_op("aten::randint_like.generator", x.numpy(), 7, generator=None),
         "randint_like.g")
    both(3, lambda: torch.randint_like(x, 2, 7),
         lambda: _C.call_op("aten::randint_like.low_generator_dtype", x.numpy(), 2, 7, generator=None), "randint_like.low_g")
    h = torch.tensor(11)
    both(3, lambda: torch.randint_like(x, h),
         lambda: _C.call_op("aten::randint_like.Tensor_generator", x.numpy(), h.numpy(), generator=None), "randint_like.T_g")
    with pytest.raises(pyts.Error, match="Generator"):
        _C.call_op("aten::rand.generator", [3], generator=5)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16, torch.uint8, F32, F64],
                         ids=lambda d: str(d).split(".")[1])
def test_randint(dtype):
    ranges = [(0, 10), (0, 100)] + ([] if dtype == torch.uint8 else [(-5, 3)])
    if dtype in (torch.int64, F64):
        ranges += [(0, 2**28 - 1), (0, 2**28), (-2**40, 3 * 2**33)]
    if dtype == torch.int32:
        ranges += [(0, 2**28 - 1), (0, 2**28), (-2**31, 2**31 - 1)]
    for seed in SEEDS[:2]:
        for lo, hi in ranges:
            for n in [1, 17, 1023]:
                both(seed, lambda: torch.randint(lo, hi, (n,), dtype=dtype),
                     lambda: _C.call_op("aten::randint.low", lo, hi, [n], dtype=CODE[dtype]), "randint(%d, %d, %d)" % (lo, hi, n))
        both(seed, lambda: torch.randint(13, (4, 6), dtype=dtype), lambda: _C.call_op("aten::randint", 13, [4, 6], dtype=CODE[dtype]),
             "randint(13)")
    both(0, lambda: torch.randint(0, 1000, (100000,)), lambda: _C.call_op("aten::randint.low", 0, 1000, [100000]), "randint 1e5")
    with pytest.raises(pyts.Error):
        _C.call_op("aten::randint.low", 5, 5, [3])


def test_randint_like_and_rand_like_keep_layout():
    base = torch.zeros(6, 10)
    for x in [base, base.t(), base[:, ::2], base[1:, 2:7]]:
        for name in ["rand_like", "randn_like"]:
            both(1, lambda: getattr(torch, name)(x), lambda: _C.call_op("aten::" + name, x.numpy()), name)
            both(1, lambda: getattr(torch, name)(x, memory_format=torch.contiguous_format),
                 lambda: _C.call_op("aten::" + name, x.numpy(), memory_format=0), name + " contiguous")
        both(1, lambda: torch.randint_like(x, 50), lambda: _C.call_op("aten::randint_like", x.numpy(), 50), "randint_like")
        both(1, lambda: torch.randint_like(x, -3, 50), lambda: _C.call_op("aten::randint_like.low_dtype", x.numpy(), -3, 50),
             "randint_like.low_dtype")
        h = torch.tensor(9)
        both(1, lambda: torch.randint_like(x, h), lambda: _C.call_op("aten::randint_like.Tensor", x.numpy(), h.numpy()),
             "randint_like.Tensor")
        both(1, lambda: torch.randn_like(x, dtype=F64), lambda: _C.call_op("aten::randn_like", x.numpy(), dtype=7), "randn_like f64")


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, F32, F64], ids=lambda d: str(d).split(".")[1])
def test_randperm(dtype):
    for seed in SEEDS[:3]:
        for n in [0, 1, 2, 7, 16, 17, 1023] + ([100000] if dtype == torch.int64 else []):
            both(seed, lambda: torch.randperm(n, dtype=dtype), lambda: _C.call_op("aten::randperm", n, dtype=CODE[dtype]),
                 "randperm(%d)" % n)
    with pytest.raises(pyts.Error):
        _C.call_op("aten::randperm", -1)


def test_normal_float_float():
    for seed in SEEDS[:2]:
        for n in [1, 5, 16, 33, 1000]:
            for dtype in [F32, F64]:
                both(seed, lambda: torch.normal(1.5, 0.25, (n,), dtype=dtype),
                     lambda: _C.call_op("aten::normal.float_float", 1.5, 0.25, [n], dtype=CODE[dtype]), "normal(f, f, %d)" % n)


# ---- in-place draws over layouts ----------------------------------------------------------------

def layouts(shape, dtype):
    """(name, maker): fresh zero tensors, contiguous and strided, the same in both engines."""
    r, c = shape
    yield "contig", lambda: torch.zeros(shape, dtype=dtype)
    yield "transposed", lambda: torch.zeros(c, r, dtype=dtype).t()
    yield "step", lambda: torch.zeros(r, 2 * c, dtype=dtype)[:, ::2]
    yield "columns", lambda: torch.zeros(r, c + 3, dtype=dtype)[:, 1:-2]


INPLACE = [
    ("aten::uniform_", "uniform_", ()), ("aten::uniform_", "uniform_", (-3.7, 2.9)), ("aten::uniform_", "uniform_", (1e6, 1e6 + 1)),
    ("aten::normal_", "normal_", ()), ("aten::normal_", "normal_", (1.5, 0.25)),
    ("aten::random_", "random_", ()), ("aten::random_.from", "random_", (-3, 1000)), ("aten::random_.from", "random_", (5, None)),
    ("aten::random_.to", "random_", (2**30,)), ("aten::random_.to", "random_", (7,)),
    ("aten::bernoulli_.float", "bernoulli_", (0.3,)), ("aten::bernoulli_.float", "bernoulli_", ()),
    ("aten::exponential_", "exponential_", ()), ("aten::exponential_", "exponential_", (2.5,)),
    ("aten::cauchy_", "cauchy_", ()), ("aten::cauchy_", "cauchy_", (0.5, 2.0)),
    ("aten::geometric_", "geometric_", (0.3,)), ("aten::log_normal_", "log_normal_", ()),
    ("aten::log_normal_", "log_normal_", (0.5, 0.75)),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
@pytest.mark.parametrize("op,method,args", INPLACE, ids=["%s%s" % (c[0][6:], c[2]) for c in INPLACE])
def test_inplace_draws(op, method, args, dtype):
    for shape in [(1, 1), (3, 5), (4, 4), (5, 20), (40, 33)]:
        for lname, mk in layouts(shape, dtype):
            def tf():
                t = mk()
                getattr(t, method)(*args)
                return t

            def pf():
                t = mk()
                a = t.numpy()
                r = _C.call_op(op, a, *args)
                assert np.shares_memory(r, a) or r is a
                return a

            both(7, tf, pf, "%s%s %s %s" % (method, args, shape, lname))
    for n in [17, 100000]:
        both(0, lambda: getattr(torch.zeros(n, dtype=dtype), method)(*args),
             lambda: _C.call_op(op, np.zeros(n, dtype=np.float32 if dtype == F32 else np.float64), *args), "%s n=%d" % (method, n))


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool],
                         ids=lambda d: str(d).split(".")[1])
def test_inplace_integer_draws(dtype):
    n = 300
    np_dtype = torch.zeros(1, dtype=dtype).numpy().dtype
    cases = [("aten::random_", "random_", ()), ("aten::bernoulli_.float", "bernoulli_", (0.4,))]
    if dtype != torch.bool:
        cases += [("aten::random_.to", "random_", (100,)), ("aten::random_.from", "random_", (3, 50)),
                  ("aten::geometric_", "geometric_", (0.2,))]
    for op, method, args in cases:
        both(11, lambda: getattr(torch.zeros(n, dtype=dtype), method)(*args),
             lambda: _C.call_op(op, np.zeros(n, dtype=np_dtype), *args), "%s%s" % (method, args))


def test_random_full_64_bit_range():
    both(2, lambda: torch.zeros(50, dtype=torch.int64).random_(-2**63, None),
         lambda: _C.call_op("aten::random_.from", np.zeros(50, np.int64), -2**63, None), "random_(-2^63, None)")


def test_bad_arguments_are_refused():
    for op, args in [("aten::normal_", (0.0, -1.0)), ("aten::uniform_", (2.0, 1.0)), ("aten::exponential_", (0.0,)),
                     ("aten::geometric_", (1.5,)), ("aten::log_normal_", (0.0, 0.0)), ("aten::bernoulli_.float", (1.5,)),
                     ("aten::random_.from", (5, 5))]:
        with pytest.raises(pyts.Error):
            _C.call_op(op, np.zeros(3, np.float32), *args)
    with pytest.raises(pyts.Error):
        _C.call_op("aten::normal_", np.zeros(3, np.int64))
    with pytest.raises(pyts.Error):
        _C.call_op("aten::rand", [3], dtype=4)


# ---- bernoulli, normal with tensors, multinomial ----------------------------------------------------

def probs(shape, dtype, seed=3):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g, dtype=dtype)


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_bernoulli_tensor_forms(dtype):
    for shape in [(1,), (7,), (16, 17), (300, 333)]:
        P = probs(shape, dtype)
        both(0, lambda: torch.bernoulli(P), lambda: _C.call_op("aten::bernoulli", P.numpy()), "bernoulli(P) %s" % (shape,))
        both(0, lambda: torch.bernoulli(P, 0.25), lambda: _C.call_op("aten::bernoulli.p", P.numpy(), 0.25), "bernoulli.p")
        both(0, lambda: torch.ops.aten.bernoulli.Tensor(P, P.flip(0)),
             lambda: _C.call_op("aten::bernoulli.Tensor", P.numpy(), P.flip(0).numpy()), "bernoulli.Tensor")
        both(0, lambda: torch.zeros(shape).bernoulli_(P), lambda: _C.call_op("aten::bernoulli_.Tensor", np.zeros(shape, np.float32),
                                                                            P.numpy()), "bernoulli_.Tensor")
    # p broadcast, output transposed
    P = probs((1, 5), dtype)
    both(0, lambda: torch.zeros(5, 4).t().bernoulli_(P), lambda: _C.call_op("aten::bernoulli_.Tensor", np.zeros((5, 4), np.float32).T,
                                                                          P.numpy()), "bernoulli_ broadcast")


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_normal_tensor_overloads(dtype):
    for shape in [(1,), (3, 5), (16,), (40, 33)]:
        m = probs(shape, dtype, 1) * 4 - 2
        s = probs(shape, dtype, 2)
        both(0, lambda: torch.normal(m, 0.5), lambda: _C.call_op("aten::normal.Tensor_float", m.numpy(), 0.5), "normal(T, f)")
        both(0, lambda: torch.normal(0.3, s), lambda: _C.call_op("aten::normal.float_Tensor", 0.3, s.numpy()), "normal(f, T)")
        both(0, lambda: torch.normal(m, s), lambda: _C.call_op("aten::normal.Tensor_Tensor", m.numpy(), s.numpy()), "normal(T, T)")
        both(0, lambda: torch.normal(m.t(), s.t()), lambda: _C.call_op("aten::normal.Tensor_Tensor", m.t().numpy(), s.t().numpy()),
             "normal(T.t, T.t)")
    m = probs((4, 1), dtype)
    s = probs((1, 6), dtype)
    both(0, lambda: torch.normal(m, s), lambda: _C.call_op("aten::normal.Tensor_Tensor", m.numpy(), s.numpy()), "normal broadcast")


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_multinomial(dtype):
    for rows in [None, 1, 3]:
        for nc in [1, 5, 100]:
            p = probs((rows or 1, nc), dtype) + 0.01
            if rows is None:
                p = p[0]
            for ns, rep in [(1, False), (1, True), (min(nc, 3), False), (nc, False), (7, True), (50, True)]:
                if not rep and ns > nc:
                    continue
                both(0, lambda: torch.multinomial(p, ns, rep), lambda: _C.call_op("aten::multinomial", p.numpy(), ns, rep),
                     "multinomial(%s, %d, %s)" % (tuple(p.shape), ns, rep))
    with pytest.raises(pyts.Error):
        _C.call_op("aten::multinomial", np.array([0.5, -1.0], np.float32), 1)
    with pytest.raises(pyts.Error):
        _C.call_op("aten::multinomial", np.array([0.5, 0.5], np.float32), 3, False)


# ---- dropout family, rrelu ------------------------------------------------------------------------

def inputs(shape, dtype):
    x = probs(shape, dtype, 5) * 4 - 2
    yield "contig", x
    if len(shape) >= 2:
        yield "transposed", (probs(shape[:-2] + (shape[-1], shape[-2]), dtype, 5) * 4 - 2).transpose(-1, -2)
        yield "step", (probs(shape[:-1] + (shape[-1] * 2,), dtype, 5) * 4 - 2)[..., ::2]


DROPOUTS = [("aten::dropout", torch.dropout), ("aten::feature_dropout", torch.feature_dropout),
            ("aten::alpha_dropout", torch.alpha_dropout), ("aten::feature_alpha_dropout", torch.feature_alpha_dropout)]


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
@pytest.mark.parametrize("op,fn", DROPOUTS, ids=[d[0][6:] for d in DROPOUTS])
def test_dropout_training(op, fn, dtype):
    for shape in [(2, 3), (4, 3, 5), (64, 129)]:
        for lname, x in inputs(shape, dtype):
            for p in [0.5, 0.1, 0.15, 0.123, 0.0, 1.0]:
                both(1, lambda: fn(x, p, True), lambda: _C.call_op(op, x.numpy(), p, True), "%s p=%g %s %s" % (op, p, shape, lname))
                # in place
                def tf():
                    y = x.clone()
                    getattr(torch, fn.__name__ + "_")(y, p, True)
                    return y

                def pf():
                    y = x.clone().numpy()
                    _C.call_op(op + "_", y, p, True)
                    return y
                both(1, tf, pf, "%s_ p=%g %s %s" % (op, p, shape, lname), calls=1)
    x = probs((10,), dtype)
    both(0, lambda: fn(x, 0.5, False), lambda: _C.call_op(op, x.numpy(), 0.5, False), "eval")


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_native_dropout(dtype):
    for shape in [(3,), (4, 3, 5), (64, 129)]:
        for lname, x in inputs(shape, dtype):
            for p in [0.5, 0.15, 0.123, 0.0]:
                both(2, lambda: torch.native_dropout(x, p, True), lambda: _C.call_op("aten::native_dropout", x.numpy(), p, True),
                     "native_dropout p=%g %s %s" % (p, shape, lname))
            both(2, lambda: torch.native_dropout(x, 0.3, False), lambda: _C.call_op("aten::native_dropout", x.numpy(), 0.3, False),
                 "native_dropout eval")


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_rrelu_training(dtype):
    for shape in [(1,), (7,), (16, 17), (100, 1000)]:
        for lname, x in inputs(shape, dtype):
            both(4, lambda: torch.rrelu(x, training=True), lambda: _C.call_op("aten::rrelu", x.numpy(), training=True), "rrelu")
            both(4, lambda: torch.rrelu(x, 0.1, 0.7, True), lambda: _C.call_op("aten::rrelu", x.numpy(), 0.1, 0.7, True), "rrelu b")

            def tf():
                y = x.clone()
                torch.rrelu_(y, 0.2, 0.4, True)
                return y

            def pf():
                y = x.clone().numpy()
                _C.call_op("aten::rrelu_", y, 0.2, 0.4, True)
                return y
            both(4, tf, pf, "rrelu_", calls=1)
        x = probs(shape, dtype, 5) * 4 - 2

        def tnoise():
            noise = torch.zeros(shape, dtype=dtype)
            y = torch.ops.aten.rrelu_with_noise(x, noise, 0.125, 1 / 3, True)
            return y, noise

        def pnoise():
            noise = np.zeros(shape, dtype=x.numpy().dtype)
            y = _C.call_op("aten::rrelu_with_noise", x.numpy(), noise, 0.125, 1 / 3, True)
            return y, noise
        both(4, tnoise, pnoise, "rrelu_with_noise")

        def tnoise_():
            noise = torch.zeros(shape, dtype=dtype)
            y = x.clone()
            torch.ops.aten.rrelu_with_noise_(y, noise, 0.125, 1 / 3, True)
            return y, noise

        def pnoise_():
            noise = np.zeros(shape, dtype=x.numpy().dtype)
            y = x.clone().numpy()
            _C.call_op("aten::rrelu_with_noise_", y, noise, 0.125, 1 / 3, True)
            return y, noise
        both(4, tnoise_, pnoise_, "rrelu_with_noise_", calls=1)


# ---- TorchScript: scripted functions and models ------------------------------------------------------

@torch.jit.script
def draws(x: torch.Tensor, n: int):
    a = torch.rand(n)
    b = torch.randn(n, dtype=torch.float64)
    c = torch.randint(0, 1000, [n])
    d = torch.randperm(n)
    e = torch.rand_like(x) + torch.randn_like(x)
    f = torch.normal(x, 0.5)
    g = x.clone().uniform_(-2.0, 3.0).exponential_()
    h = torch.bernoulli(torch.sigmoid(x))
    i = torch.multinomial(torch.softmax(x.view(-1), 0), 3)
    j = torch.dropout(x, 0.25, True) + torch.randn(3, generator=None)[1]
    k = x.clone().normal_(1.0, 2.0).cauchy_().log_normal_()
    return a, b, c, d, e, f, g, h, i, j, k


@pytest.mark.parametrize("n", [1, 7, 17, 1000])
@pytest.mark.parametrize("seed", [0, 42])
def test_scripted_function_draws_as_torch(n, seed):
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(n))
    assert_parity(draws, (x, n), rtol=0, atol=0, seed=seed)


@torch.jit.script
def with_generators(x: torch.Tensor, s: int, g0: Optional[torch.Generator] = None):
    g = torch.Generator(seed=s)
    a = torch.rand(5, generator=g)
    b = torch.randn(20, generator=g, dtype=torch.float64)
    g.manual_seed(s + 1)
    c = torch.randint(0, 7, [9], generator=g)
    torch.manual_seed(s)                      # the default generator, inside the script
    d = torch.rand(3, generator=g0)
    e = x.clone().normal_(generator=g) + x.clone().bernoulli_(0.5, generator=g)
    h = torch.Generator(seed=s * 3 + 1)
    f = torch.randperm(10, generator=h)
    return a, b, c, d, e, f, g.initial_seed(), h.initial_seed(), torch.rand(2)


@pytest.mark.parametrize("s", [0, 77, 2**40])
def test_scripted_generator_objects(s):
    """torch.Generator(seed=...) objects in TorchScript: their own streams, seeded as torch's."""
    assert_parity(with_generators, (torch.randn(3, 4), s, None), rtol=0, atol=0, seed=5)


@torch.jit.script
def unseeded_generator(n: int):
    g = torch.Generator()  # torch's compiler folds it into a constant Generator(seed=67280421310721)
    return torch.rand(n, generator=g), g.initial_seed()


def test_unseeded_generator_in_script():
    assert_parity(unseeded_generator, (6,), rtol=0, atol=0)


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.l1 = torch.nn.Linear(12, 32)
        self.l2 = torch.nn.Linear(32, 8)
        for p in self.parameters():
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
        self.drop = torch.nn.Dropout(0.3)
        self.drop2d = torch.nn.Dropout1d(0.2)
        self.alpha = torch.nn.AlphaDropout(0.1)

    def forward(self, x):
        h = self.drop(torch.relu(self.l1(x)))
        h = self.alpha(self.drop2d(h.unsqueeze(0)).squeeze(0))
        return self.l2(h), torch.rrelu(h, training=self.training)


@pytest.mark.parametrize("export", ["trace", "script"])
def test_model_with_dropout_in_train_mode(export):
    x = torch.randn(16, 12, generator=torch.Generator().manual_seed(1))
    m = MLP().train()
    res = assert_parity(m, x, export=export, seed=123)
    # the masks really differ with another seed: the check is not vacuous
    torch.manual_seed(123)
    a = m(x)[0]
    torch.manual_seed(124)
    assert not torch.equal(a, m(x)[0])
    assert res.ok


def test_model_with_dropout_fails_parity_without_common_seed():
    x = torch.randn(16, 12, generator=torch.Generator().manual_seed(1))
    m = MLP().train()
    pyts.manual_seed(99)
    res = pyts.testing.check_parity(m, x, export="script", seed=None, localize=False)
    assert not res.ok


# ---- fractional max pooling: windows from torch.rand samples ------------------------------------------

def fmp_cases():
    for nsp in (2, 3):
        shapes = [(1, 7, 9), (2, 3, 11, 13), (3, 25, 30)] if nsp == 2 else [(1, 5, 6, 7), (2, 3, 6, 7, 9)]
        for dtype in (F32, F64):
            for shape in shapes:
                for k in (1, 2, 3):
                    sp = shape[-nsp:]
                    full = [max(1, s - k + (1 if nsp == 2 else 0)) for s in sp]
                    for osz in (full, [max(1, (s - k + 1) // 2) for s in sp], [1] * nsp):
                        yield nsp, dtype, shape, k, osz


def test_fractional_max_pool_ops():
    n = 0
    for nsp, dtype, shape, k, osz in fmp_cases():
        g = torch.Generator().manual_seed(n)
        x = torch.randn(shape, generator=g, dtype=dtype)
        x.view(-1)[3] = float("nan")
        N = shape[0] if len(shape) == nsp + 2 else 1
        smp = torch.rand(N, shape[-nsp - 1], nsp, generator=g, dtype=dtype)
        f = getattr(torch.ops.aten, "fractional_max_pool%dd" % nsp)
        to, ti = f(x, [k] * nsp, osz, smp)
        po, pi = _C.call_op("aten::fractional_max_pool%dd" % nsp, x.numpy(), [k] * nsp, osz, smp.numpy())
        same_bits(to, po, "fractional_max_pool%dd %s k=%d out=%s" % (nsp, shape, k, osz))
        same_bits(ti, pi, "fractional_max_pool%dd indices" % nsp)
        n += 1
    assert n == 90
    # an empty batch (or, unbatched, no channels) is allowed; an empty non-batch dim is refused
    for nsp, shape in ((2, (0, 1, 4, 5)), (2, (0, 4, 5)), (3, (0, 1, 4, 5, 4)), (3, (0, 4, 5, 4)), (2, (1, 0, 4, 5)),
                       (3, (1, 1, 0, 5, 4))):
        x = torch.randn(shape)
        smp = torch.rand(shape[0] if len(shape) == nsp + 2 else 1, shape[-nsp - 1], nsp)
        args = ([2] * nsp, [2] * nsp)
        try:
            to, ti = getattr(torch.ops.aten, "fractional_max_pool%dd" % nsp)(x, *args, smp)
        except RuntimeError:
            with pytest.raises(pyts.Error, match="non-zero size"):
                _C.call_op("aten::fractional_max_pool%dd" % nsp, x.numpy(), *args, smp.numpy())
            continue
        po, pi = _C.call_op("aten::fractional_max_pool%dd" % nsp, x.numpy(), *args, smp.numpy())
        same_bits(to, po, "fractional_max_pool%dd empty %s" % (nsp, shape))
        same_bits(ti, pi, "fractional_max_pool%dd empty %s indices" % (nsp, shape))
    x = torch.randn(1, 1, 6, 6, 6)
    with pytest.raises(pyts.Error, match="too large"):
        _C.call_op("aten::fractional_max_pool3d", x.numpy(), [1, 1, 1], [6, 6, 6], np.zeros((1, 1, 3), np.float32))
    with pytest.raises(pyts.Error, match="too large"):
        _C.call_op("aten::fractional_max_pool2d", x[0].numpy(), [2, 2], [6, 6], np.zeros((1, 1, 2), np.float32))


@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
@pytest.mark.parametrize("export", ["trace", "script"])
def test_fractional_max_pool_modules(export):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.p2 = torch.nn.FractionalMaxPool2d(3, output_ratio=0.5)
            self.p3 = torch.nn.FractionalMaxPool3d(2, output_size=(3, 4, 5), return_indices=True)

        def forward(self, x, y):
            return self.p2(x), self.p3(y)

    x = torch.randn(2, 3, 13, 11, generator=torch.Generator().manual_seed(0))
    y = torch.randn(2, 2, 7, 8, 9, generator=torch.Generator().manual_seed(1))
    assert_parity(Net(), (x, y), export=export, rtol=0, atol=0, seed=9)


class StochasticDepth(torch.nn.Module):
    def forward(self, x):
        if self.training:
            return x * torch.empty(x.shape[0], 1).bernoulli_(0.8)
        return x + 1


@pytest.mark.parametrize("train", [False, True])
def test_stochastic_depth_model(train):
    m = torch.jit.script(StochasticDepth().train(train))
    assert_parity(m, torch.randn(6, 3, generator=torch.Generator().manual_seed(0)), rtol=0, atol=0)


COVERED = [
    "aten::rand", "aten::rand.generator", "aten::randn", "aten::randn.generator", "aten::randint", "aten::randint.generator",
    "aten::randint.low", "aten::randint.low_generator", "aten::randperm", "aten::randperm.generator", "aten::rand_like",
    "aten::rand_like.generator", "aten::randn_like", "aten::randn_like.generator", "aten::randint_like",
    "aten::randint_like.generator", "aten::randint_like.Tensor", "aten::randint_like.Tensor_generator",
    "aten::randint_like.low_dtype", "aten::randint_like.low_generator_dtype", "aten::uniform_", "aten::normal_",
    "aten::random_", "aten::random_.from", "aten::random_.to", "aten::bernoulli_.float", "aten::bernoulli_.Tensor",
    "aten::bernoulli", "aten::bernoulli.p", "aten::bernoulli.Tensor", "aten::exponential_", "aten::cauchy_",
    "aten::geometric_", "aten::log_normal_", "aten::normal.Tensor_float", "aten::normal.float_Tensor",
    "aten::normal.Tensor_Tensor", "aten::normal.float_float", "aten::multinomial", "aten::native_dropout",
    "aten::rrelu_with_noise", "aten::rrelu_with_noise_", "aten::dropout", "aten::dropout_", "aten::feature_dropout",
    "aten::feature_dropout_", "aten::alpha_dropout", "aten::alpha_dropout_", "aten::feature_alpha_dropout",
    "aten::feature_alpha_dropout_", "aten::rrelu", "aten::rrelu_", "aten::fractional_max_pool2d",
    "aten::fractional_max_pool3d",
]
