"""Parity of csrc/ops/reduce/stats.c: cov, corrcoef, quantile/nanquantile,
histc, trapezoid/trapz/cumulative_trapezoid, sum_to_size, linalg_vecdot,
linalg_diagonal, linalg_vander, linalg_multi_dot, _softmax_backward_data,
native_dropout_backward, _unsafe_masked_index(_put_accumulate), mode,
hash_tensor, histogram, segment_reduce, linalg_tensorinv/tensorsolve."""
import pytest
import torch

from optest import check, make_tensor

FLOATS = [torch.float32, torch.float64]
INTS = [torch.int64, torch.int32]
LAYOUTS = ["contig", "transposed", "strided"]

COVERED = [
    "aten::cov", "aten::corrcoef", "aten::quantile", "aten::quantile.scalar", "aten::nanquantile",
    "aten::nanquantile.scalar", "aten::histc", "aten::trapezoid.x", "aten::trapezoid.dx", "aten::trapz.x",
    "aten::trapz.dx", "aten::cumulative_trapezoid.x", "aten::cumulative_trapezoid.dx", "aten::sum_to_size",
    "aten::linalg_diagonal", "aten::linalg_vecdot", "aten::linalg_vander", "aten::linalg_multi_dot",
    "aten::_softmax_backward_data", "aten::native_dropout_backward", "aten::_unsafe_masked_index",
    "aten::_unsafe_masked_index_put_accumulate", "aten::mode", "aten::hash_tensor", "aten::histogram.bins_tensor",
    "aten::histogram.bin_ct", "aten::segment_reduce", "aten::linalg_tensorinv", "aten::linalg_tensorsolve",
]


def _t(shape, dt=torch.float32, layout="contig", seed=0, **kw):
    return make_tensor(shape, dt, layout, seed=seed, **kw)


def test_cov_corrcoef():
    for dt in FLOATS + INTS:
        for layout in LAYOUTS:
            for shape in ((3, 6), (6,), (1, 5), (4, 1), (2, 0), ()):
                x = lambda: _t(shape, dt, layout, special=False)  # noqa: E731
                for corr in (0, 1, 2):
                    check("aten::cov", lambda: ((x(),), {"correction": corr}), what="%s %s %s %d" % (dt, layout, shape, corr))
                check("aten::corrcoef", lambda: ((x(),), {}), what="%s %s %s" % (dt, layout, shape))
    g = torch.Generator().manual_seed(3)
    fw = torch.randint(0, 4, (6,), generator=g)
    for dt in FLOATS:
        aw = torch.rand(6, generator=g, dtype=torch.float64).to(dt) + 0.5
        for corr in (0, 1):
            check("aten::cov", lambda: ((_t((3, 6), dt, special=False),), {"correction": corr, "fweights": fw}), what="fw %s" % dt)
            check("aten::cov", lambda: ((_t((3, 6), dt, special=False),), {"correction": corr, "aweights": aw}), what="aw %s" % dt)
            check("aten::cov", lambda: ((_t((3, 6), dt, special=False),), {"correction": corr, "fweights": fw, "aweights": aw}),
                  what="fw aw %s" % dt)
    # float64 weights promote a float32 input
    check("aten::cov", lambda: ((_t((3, 6), special=False),), {"aweights": torch.ones(6, dtype=torch.float64)}), what="promote")
    # errors: 3-D, bool, float fweights, int aweights, negative and zero-sum weights, wrong numel
    check("aten::cov", lambda: ((_t((2, 3, 4)),), {}), what="3-D")
    check("aten::cov", lambda: ((_t((2, 3), torch.bool),), {}), what="bool")
    check("aten::cov", lambda: ((_t((2, 3)),), {"fweights": torch.ones(3)}), what="float fweights")
    check("aten::cov", lambda: ((_t((2, 3)),), {"aweights": torch.ones(3, dtype=torch.int64)}), what="int aweights")
    check("aten::cov", lambda: ((_t((2, 3)),), {"fweights": torch.tensor([1, -1, 2])}), what="negative fweights")
    check("aten::cov", lambda: ((_t((2, 3)),), {"aweights": torch.zeros(3)}), what="zero-sum aweights")
    check("aten::cov", lambda: ((_t((2, 3)),), {"fweights": torch.ones(4, dtype=torch.int64)}), what="numel")
    check("aten::corrcoef", lambda: ((_t((2, 3, 4)),), {}), what="3-D")


@pytest.mark.parametrize("name", ["aten::quantile", "aten::nanquantile"])
def test_quantile(name):
    modes = ["linear", "lower", "higher", "midpoint", "nearest"]
    for dt in FLOATS:
        for layout in LAYOUTS:
            for special in (False, True):
                for mode in modes:
                    for dim, keep in ((None, False), (None, True), (0, False), (1, True), (-1, False)):
                        q = torch.tensor([0.0, 0.25, 0.5, 0.7, 1.0], dtype=dt)
                        x = lambda: _t((4, 6), dt, layout, special=special)  # noqa: E731
                        check(name, lambda: ((x(), q, dim, keep), {"interpolation": mode}),
                              what="%s %s %s %s %s %s" % (dt, layout, special, mode, dim, keep))
                        check(name, lambda: ((x(), torch.tensor(0.3, dtype=dt), dim, keep), {"interpolation": mode}),
                              what="0-d q %s %s %s %s" % (dt, layout, mode, dim))
                        check(name + ".scalar", lambda: ((x(), 0.62, dim, keep), {"interpolation": mode}),
                              what="scalar %s %s %s %s" % (dt, layout, mode, dim))
    # all-NaN rows (nanquantile: NaN), 0-d and 1-element inputs
    allnan = torch.full((2, 3), float("nan"))
    check(name + ".scalar", lambda: ((allnan.clone(), 0.5, 1), {}), what="all nan")
    check(name + ".scalar", lambda: ((torch.tensor(2.5), 0.5), {}), what="0-d")
    check(name, lambda: ((torch.tensor([2.5]), torch.tensor([0.1, 0.9])), {}), what="1 element")
    # errors: int input, empty input, q out of range, q of another dtype, 2-D q, bad interpolation
    check(name + ".scalar", lambda: ((_t((3,), torch.int64), 0.5), {}), what="int")
    check(name + ".scalar", lambda: ((torch.zeros(0), 0.5), {}), what="empty")
    check(name + ".scalar", lambda: ((_t((3,)), 1.5), {}), what="q > 1")
    check(name, lambda: ((_t((3,)), torch.tensor([0.5], dtype=torch.float64)), {}), what="q dtype")
    check(name, lambda: ((_t((3,)), torch.full((2, 2), 0.5)), {}), what="2-D q")
    check(name + ".scalar", lambda: ((_t((3,)), 0.5), {"interpolation": "cubic"}), what="bad interpolation")


def test_histc():
    for dt in FLOATS:
        for layout in LAYOUTS:
            for bins, lo, hi in ((10, 0, 0), (7, -2, 2), (1, 0, 0), (5, -1.5, 0.5), (4, 1, 1)):
                check("aten::histc", lambda: ((_t((5, 8), dt, layout, special=False), bins, lo, hi), {}),
                      what="%s %s %s %s %s" % (dt, layout, bins, lo, hi))
        # values exactly on the edges, NaN/inf ignored inside a given range, empty and constant inputs
        check("aten::histc", lambda: ((torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0, 1.0], dtype=dt), 4, 0, 1), {}), what="edges")
        check("aten::histc", lambda: ((torch.tensor([float("nan"), float("inf"), 0.5], dtype=dt), 4, 0, 1), {}), what="nan")
        check("aten::histc", lambda: ((torch.zeros(0, dtype=dt), 3), {}), what="empty")
        check("aten::histc", lambda: ((torch.full((4,), 2.0, dtype=dt), 3), {}), what="constant")
    check("aten::histc", lambda: ((_t((4,), torch.int64), 3), {}), what="int")
    check("aten::histc", lambda: ((_t((4,)), 0), {}), what="0 bins")
    check("aten::histc", lambda: ((_t((4,)), 3, 2, 1), {}), what="min > max")


def test_trapezoid():
    for dt in FLOATS + INTS:
        for layout in LAYOUTS:
            for shape, dim in (((4, 5), -1), ((4, 5), 0), ((3, 1), 1), ((3, 0), 1), ((0, 3), 1), ((6,), 0)):
                y = lambda: _t(shape, dt, layout, special=False)  # noqa: E731
                w = "%s %s %s %s" % (dt, layout, shape, dim)
                for name in ("aten::trapezoid.dx", "aten::cumulative_trapezoid.dx"):
                    check(name, lambda: ((y(),), {"dim": dim}), what=w)
                    check(name, lambda: ((y(),), {"dx": 2, "dim": dim}), what=w)
                    check(name, lambda: ((y(),), {"dx": 0.5, "dim": dim}), what=w)
                check("aten::trapz.dx", lambda: ((y(),), {"dx": 0.25, "dim": dim}), what=w)
                n = shape[dim]
                x1 = torch.cumsum(torch.rand(n, generator=torch.Generator().manual_seed(1)), 0)
                xn = make_tensor(shape, torch.float32, "contig", seed=2, special=False)
                xb = make_tensor(shape[:-1] + (1,) if len(shape) > 1 else shape, torch.float64, "contig", seed=3,
                                 special=False)
                for name in ("aten::trapezoid.x", "aten::trapz.x", "aten::cumulative_trapezoid.x"):
                    check(name, lambda: ((y(), x1), {"dim": dim}), what="1-D x " + w)
                    check(name, lambda: ((y(), xn), {"dim": dim}), what="n-D x " + w)
                    check(name, lambda: ((y(), xb), {"dim": dim}), what="broadcast x " + w)
    check("aten::trapezoid.x", lambda: ((_t((4, 5)), torch.arange(4.0)), {}), what="bad 1-D x")
    check("aten::trapezoid.dx", lambda: ((torch.tensor(1.0),), {}), what="0-d")
    check("aten::cumulative_trapezoid.dx", lambda: ((_t((3,)),), {"dim": 2}), what="bad dim")


def test_sum_to_size():
    for dt in FLOATS + INTS + [torch.bool]:
        for layout in LAYOUTS:
            for size in ((3, 4), (1, 4), (3, 1), (1, 1), (4,), (1,), (), (2, 3, 4)):
                check("aten::sum_to_size", lambda: ((_t((2, 3, 4), dt, layout, special=False), list(size)), {}),
                      what="%s %s %s" % (dt, layout, size))
    check("aten::sum_to_size", lambda: ((_t((0, 3)), [1, 3]), {}), what="empty")
    check("aten::sum_to_size", lambda: ((_t((2, 3)), [2]), {}), what="not expandable")
    check("aten::sum_to_size", lambda: ((_t((2, 3)), [1, 2, 3]), {}), what="too many")


def test_linalg_helpers():
    for dt in FLOATS:
        for layout in LAYOUTS:
            for xs, ys, dim in (((3, 4), (3, 4), -1), ((3, 4), (4,), -1), ((2, 1, 4), (3, 4), 0), ((0, 4), (4,), -1),
                                ((5,), (5,), 0)):
                check("aten::linalg_vecdot", lambda: ((_t(xs, dt, layout), _t(ys, dt, seed=1)), {"dim": dim}),
                      what="%s %s %s %s" % (dt, layout, xs, ys))
        check("aten::linalg_vecdot", lambda: ((_t((3, 4), dt), _t((3, 5), dt)), {}), what="bad shapes")
    check("aten::linalg_vecdot", lambda: ((_t((3,), torch.int64), _t((3,), torch.int64)), {}), what="int")
    check("aten::linalg_vecdot", lambda: ((_t((3,)), _t((3,), torch.float64)), {}), what="dtypes")
    for dt in FLOATS + INTS + [torch.bool]:
        for layout in LAYOUTS:
            for off, d1, d2 in ((0, -2, -1), (1, -2, -1), (-2, 0, 2), (0, 2, 0), (5, -2, -1)):
                check("aten::linalg_diagonal", lambda: ((_t((3, 4, 5), dt, layout),), {"offset": off, "dim1": d1, "dim2": d2}),
                      what="%s %s %d %d %d" % (dt, layout, off, d1, d2), view_of=0)
    check("aten::linalg_diagonal", lambda: ((_t((3,)),), {}), what="1-D")
    for dt in FLOATS + INTS:
        for layout in ("contig", "strided"):
            for shape, N in (((4,), None), ((4,), 2), ((3, 5), 3), ((0,), 3), ((), 3), ((2, 0), 4)):
                check("aten::linalg_vander", lambda: ((_t(shape, dt, layout, special=False, low=-2, high=2),), {"N": N}),
                      what="%s %s %s %s" % (dt, layout, shape, N))
    check("aten::linalg_vander", lambda: ((_t((4,)),), {"N": 1}), what="N=1")
    check("aten::linalg_vander", lambda: ((_t((), special=False),), {}), what="0-d, N None")
    check("aten::linalg_vander", lambda: ((_t((4,), torch.bool),), {}), what="bool")
    for dt in FLOATS:
        for layout in ("contig", "transposed"):
            for shapes in (((3, 4), (4, 5)), ((4,), (4, 5), (5, 2)), ((2, 4), (4, 5), (5,)), ((4,), (4, 3), (3,)),
                           ((3, 4), (4, 2), (2, 6), (6, 3)), ((0, 4), (4, 2)), ((3, 0), (0, 2))):
                check("aten::linalg_multi_dot", lambda: (([_t(s, dt, layout if i == 0 else "contig", seed=i, special=False)
                                                          for i, s in enumerate(shapes)],), {}),
                      what="%s %s %s" % (dt, layout, shapes))
    check("aten::linalg_multi_dot", lambda: (([_t((3, 4))],), {}), what="one tensor")
    check("aten::linalg_multi_dot", lambda: (([_t((3, 4)), _t((5, 2))],), {}), what="mismatch")
    check("aten::linalg_multi_dot", lambda: (([_t((3, 4)), _t((4,)), _t((4, 2))],), {}), what="1-D middle")
    check("aten::linalg_multi_dot", lambda: (([_t((3, 4)), _t((4, 2), torch.float64)],), {}), what="dtypes")
    check("aten::linalg_multi_dot", lambda: (([_t((2, 3, 4)), _t((4, 2))],), {}), what="3-D")


def test_backward_helpers():
    for dt in FLOATS:
        for layout in LAYOUTS:
            for shape, dim in (((3, 5), 1), ((3, 5), 0), ((2, 3, 4), -1), ((0, 4), 1), ((), 0)):
                out = lambda: torch.softmax(_t(shape, dt, special=False, seed=4), dim)  # noqa: E731
                check("aten::_softmax_backward_data", lambda: ((_t(shape, dt, layout, special=False), out(), dim, dt), {}),
                      what="%s %s %s %d" % (dt, layout, shape, dim))
                mask = lambda: _t(shape, torch.bool, seed=5)  # noqa: E731
                check("aten::native_dropout_backward", lambda: ((_t(shape, dt, layout), mask(), 1.25), {}),
                      what="%s %s %s" % (dt, layout, shape))
    # float32 grads of a float16 input (half_to_float)
    check("aten::_softmax_backward_data", lambda: ((_t((3, 4), special=False), torch.softmax(_t((3, 4), seed=1), 1), 1,
                                                    torch.float16), {}), what="half input")
    check("aten::native_dropout_backward", lambda: ((_t((3, 4)), _t((4,), torch.bool), 2.0), {}), what="broadcast mask")
    check("aten::_softmax_backward_data", lambda: ((_t((3, 4)), _t((3, 4)), 2, torch.float32), {}), what="bad dim")


def test_unsafe_masked_index():
    g = torch.Generator().manual_seed(6)
    for dt in FLOATS + INTS + [torch.bool]:
        for layout in LAYOUTS:
            x = lambda: _t((4, 5), dt, layout)  # noqa: E731
            i0 = torch.randint(-6, 9, (3, 1), generator=g)   # some out of bounds: masked off below
            i1 = torch.randint(-7, 10, (1, 2), generator=g).int()
            mask = (i0 >= -4) & (i0 < 4) & (i1 >= -5) & (i1 < 5)
            fill = True if dt == torch.bool else 7
            check("aten::_unsafe_masked_index", lambda: ((x(), mask, [i0, i1], fill), {}), what="%s %s" % (dt, layout))
            m0 = (i0 >= -4) & (i0 < 4)
            check("aten::_unsafe_masked_index", lambda: ((x(), m0, [i0], fill), {}), what="one index %s %s" % (dt, layout))
            check("aten::_unsafe_masked_index", lambda: ((x(), m0.view(3, 1, 1), [None, i1.clamp(-5, 4).view(1, 2)], fill), {}),
                  what="None index %s %s" % (dt, layout))
            if dt != torch.bool:
                vals = lambda: _t((3, 2), dt, seed=7)  # noqa: E731
                check("aten::_unsafe_masked_index_put_accumulate", lambda: ((x(), mask, [i0, i1], vals()), {}),
                      what="%s %s" % (dt, layout))
    # an empty self: every element is masked off and reads `fill`
    check("aten::_unsafe_masked_index", lambda: ((torch.zeros(0, 3), torch.zeros(2, dtype=torch.bool),
                                                  [torch.tensor([0, 5])], 1.5), {}), what="empty self")
    check("aten::_unsafe_masked_index", lambda: ((_t((4, 5)), torch.ones(2, dtype=torch.bool),
                                                  [torch.tensor([0.0, 1.0])], 0), {}), what="float index")


def test_mode():
    for dt in FLOATS + INTS + [torch.int8, torch.uint8, torch.bool]:
        for layout in LAYOUTS:
            for shape, dim in (((4, 9), -1), ((4, 9), 0), ((2, 3, 6), 1), ((5,), 0), ((), 0), ((0, 4), 1), ((3, 1), 1)):
                for keep in (False, True):
                    # few distinct values: ties and repeats
                    r = (lambda t: t.round()) if dt.is_floating_point else (lambda t: t)
                    check("aten::mode", lambda: ((r(_t(shape, dt, layout, low=0, high=3, special=False)), dim, keep), {}),
                          what="%s %s %s %d %s" % (dt, layout, shape, dim, keep))
    check("aten::mode", lambda: ((torch.zeros(2, 0), 1), {}), what="empty dim")
    check("aten::mode", lambda: ((_t((2, 3)), 2), {}), what="bad dim")


def test_hash_tensor():
    for dt in FLOATS + INTS + [torch.int8, torch.uint8, torch.bool, torch.float16]:
        for layout in LAYOUTS:
            for shape, dim, keep in (((4, 5), [], False), ((4, 5), [1], False), ((4, 5), [0], True), ((2, 3, 4), [0, 2], False),
                                     ((0, 3), [0], False), ((0, 3), [1], False), ((0, 3), [], False), ((), [], False)):
                check("aten::hash_tensor", lambda: ((_t(shape, dt, layout),), {"dim": dim, "keepdim": keep}),
                      what="%s %s %s %s %s" % (dt, layout, shape, dim, keep))
    check("aten::hash_tensor", lambda: ((_t((3,)),), {"mode": 1}), what="mode 1")


def test_histogram():
    for dt in FLOATS:
        for layout in LAYOUTS:
            x = lambda: _t((5, 6), dt, layout, special=False)  # noqa: E731
            w = lambda: _t((5, 6), dt, seed=1, special=False)  # noqa: E731
            for density in (False, True):
                for bins, rng in ((10, None), (1, None), (7, [-1.0, 2.0]), (3, [5.0, 5.0])):
                    check("aten::histogram.bin_ct", lambda: ((x(), bins), {"range": rng, "density": density}),
                          what="%s %s %s %s %s" % (dt, layout, bins, rng, density))
                    check("aten::histogram.bin_ct", lambda: ((x(), bins), {"range": rng, "weight": w(), "density": density}),
                          what="weight %s %s %s %s %s" % (dt, layout, bins, rng, density))
                edges = torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.5], dtype=dt)
                check("aten::histogram.bins_tensor", lambda: ((x(), edges), {"density": density}), what="edges %s %s" % (dt, layout))
                check("aten::histogram.bins_tensor", lambda: ((x(), edges), {"weight": w(), "density": density}),
                      what="edges weight %s %s" % (dt, layout))
        check("aten::histogram.bin_ct", lambda: ((torch.zeros(0, dtype=dt), 4), {}), what="empty")
        check("aten::histogram.bin_ct", lambda: ((torch.full((3,), 2.0, dtype=dt), 4), {}), what="constant")
        check("aten::histogram.bins_tensor", lambda: ((torch.tensor([0.0, 1.0, 2.0, 2.0], dtype=dt), torch.tensor([0.0, 1.0, 2.0], dtype=dt)),
                                                      {}), what="right edge")
    check("aten::histogram.bin_ct", lambda: ((_t((4,), torch.int64), 3), {}), what="int")
    check("aten::histogram.bin_ct", lambda: ((_t((4,)), 0), {}), what="0 bins")
    check("aten::histogram.bin_ct", lambda: ((_t((4,)), 3), {"range": [2.0, 1.0]}), what="min > max")
    check("aten::histogram.bin_ct", lambda: ((_t((4,)), 3), {"weight": _t((3,))}), what="weight shape")
    check("aten::histogram.bins_tensor", lambda: ((_t((4,)), torch.tensor([0.0, 1.0], dtype=torch.float64)), {}), what="bins dtype")
    check("aten::histogram.bins_tensor", lambda: ((_t((4,)), torch.zeros(2, 2)), {}), what="2-D bins")


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
def test_segment_reduce(reduce):
    lengths = torch.tensor([2, 0, 3, 1])
    offsets = torch.tensor([0, 2, 2, 5, 6])
    for dt in FLOATS + [torch.float16]:
        for layout in LAYOUTS:
            for init in (None, 2.5):
                x = lambda: _t((6, 3), dt, layout, special=False)  # noqa: E731
                for seg in (lengths, lengths.int()):
                    check("aten::segment_reduce", lambda: ((x(), reduce), {"lengths": seg, "initial": init}),
                          what="%s %s %s %s" % (dt, layout, init, seg.dtype))
                check("aten::segment_reduce", lambda: ((x(), reduce), {"offsets": offsets, "initial": init}),
                      what="offsets %s %s %s" % (dt, layout, init))
                # 2-D lengths: segments along axis 1 of each row
                l2 = torch.tensor([[1, 2, 0], [3, 0, 0]])
                check("aten::segment_reduce", lambda: ((_t((2, 3, 4), dt, layout), reduce), {"lengths": l2, "axis": 1, "initial": init}),
                      what="2-D lengths %s %s %s" % (dt, layout, init))
        check("aten::segment_reduce", lambda: ((torch.tensor([1.0, float("nan"), 3.0], dtype=dt), reduce),
                                               {"lengths": torch.tensor([2, 1])}), what="nan")
        check("aten::segment_reduce", lambda: ((torch.zeros(0, 2, dtype=dt), reduce), {"lengths": torch.tensor([0, 0])}), what="empty")
    x = _t((6, 3))
    check("aten::segment_reduce", lambda: ((x.clone(), reduce), {"lengths": torch.tensor([2, 2])}), what="bad sum")
    check("aten::segment_reduce", lambda: ((x.clone(), reduce), {"lengths": torch.tensor([7, -1])}), what="negative")
    check("aten::segment_reduce", lambda: ((x.clone(), reduce), {"lengths": lengths, "axis": 1}), what="axis")
    check("aten::segment_reduce", lambda: ((x.clone(), reduce), {}), what="no lengths")
    check("aten::segment_reduce", lambda: ((x.clone(), "median"), {"lengths": lengths}), what="bad reduce")
    check("aten::segment_reduce", lambda: ((_t((6,), torch.int64), reduce), {"lengths": lengths}), what="int data")


def _well_conditioned(shape, dt, seed):
    """A random tensor whose square-matrix reading is diagonally dominant (invertible)."""
    numel = 1
    for d in shape:
        numel *= d
    n = int(round(numel ** 0.5))
    m = make_tensor((n, n), torch.float64, seed=seed, special=False) + 4 * n * torch.eye(n, dtype=torch.float64)
    return m.reshape(shape).to(dt)


def test_tensorinv_tensorsolve():
    for dt in FLOATS:
        for shape, ind in (((4, 6, 8, 3), 2), ((24, 4, 6), 1), ((2, 3, 6), 2), ((5, 5), 1)):
            a = _well_conditioned(shape, dt, 1)
            check("aten::linalg_tensorinv", lambda: ((a.clone(), ind), {}), what="%s %s %d" % (dt, shape, ind))
            check("aten::linalg_tensorinv", lambda: ((a.clone().transpose(0, -1).contiguous().transpose(0, -1), ind), {}),
                  what="strided %s %s %d" % (dt, shape, ind))
        for shape, bshape, dims in (((2, 3, 6), (2, 3), None), ((6, 4, 2, 3), (6, 4), None), ((3, 2, 6), (2, 3), [0]),
                                    ((4, 4), (4,), None)):
            a = _well_conditioned(shape if dims is None else (2, 6, 3), dt, 2)
            if dims is not None:
                a = a.movedim(2, 0)  # (3, 2, 6): dims=[0] moves it back to the end
            b = make_tensor(bshape, dt, seed=3, special=False)
            check("aten::linalg_tensorsolve", lambda: ((a.clone(), b.clone(), dims), {}), what="%s %s %s" % (dt, shape, dims))
    check("aten::linalg_tensorinv", lambda: ((_t((4, 6, 8, 3)), 0), {}), what="ind 0")
    check("aten::linalg_tensorinv", lambda: ((_t((4, 6, 8)), 1), {}), what="not square")
    check("aten::linalg_tensorinv", lambda: ((torch.zeros(2, 2, 4), 2), {}), what="singular")
    check("aten::linalg_tensorsolve", lambda: ((_t((2, 3, 5)), _t((2, 3))), {}), what="not square")
    check("aten::linalg_tensorsolve", lambda: ((_t((2, 3, 6), torch.int64), _t((2, 3), torch.int64)), {}), what="int")
