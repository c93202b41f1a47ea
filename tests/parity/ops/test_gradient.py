"""Parity of gradient (all seven overloads) and histogramdd (csrc/ops/reduce/gradient.c)
against torch.ops.aten: every dtype torch accepts (float32, float64, float16, the integers,
complex64, complex128), contiguous / transposed / strided / expanded inputs, NaN and inf,
sizes at the edge_order limit, empty dims that are not differentiated, and torch's errors.
Compared at torch.testing's default tolerances for the result dtype."""
import pytest
import torch

from optest import check, covered, make_tensor

DTS = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int16, torch.int8,
       torch.complex64, torch.complex128]
SHAPES = [(5, 7), (3, 1, 4), (2, 3, 4, 5), (3,), (4, 0, 3)]
LAYOUTS = ["contig", "transposed", "strided", "expanded"]


def dname(dt):
    return str(dt).replace("torch.", "")


def t(shape, dt, layout="contig", seed=0, special=True):
    if dt.is_complex:
        r = {torch.complex64: torch.float32, torch.complex128: torch.float64}[dt]
        return torch.complex(make_tensor(shape, r, layout, seed, special), make_tensor(shape, r, layout, seed + 7,
                                                                                       special))
    return make_tensor(shape, dt, layout, seed, special)


def diff_dims(shape):
    """dims whose size allows both edge orders (>= 3)"""
    return [d for d, s in enumerate(shape) if s >= 3]


@pytest.mark.parametrize("dt", DTS, ids=dname)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_gradient_uniform(dt, layout):
    for shape in SHAPES:
        dims = diff_dims(shape)
        if not dims:
            continue
        x = lambda: t(shape, dt, layout, seed=len(shape))  # noqa: E731
        for edge in (1, 2):
            w = "%s %s %s e%d" % (dt, layout, shape, edge)
            if len(dims) == len(shape):
                check("aten::gradient.scalarint", lambda: ((x(),), {"edge_order": edge}), what=w)
                check("aten::gradient.scalarint", lambda: ((x(),), {"spacing": 2.5, "edge_order": edge}), what=w)
                check("aten::gradient.scalarrayint",
                      lambda: ((x(),), {"spacing": [0.5 + i for i in range(len(shape))], "edge_order": edge}), what=w)
            check("aten::gradient.scalarint", lambda: ((x(),), {"spacing": 3, "dim": dims[-1], "edge_order": edge}),
                  what=w)
            check("aten::gradient.scalarint", lambda: ((x(),), {"dim": -1 - (len(shape) - 1 - dims[0]),
                                                                "edge_order": edge}), what=w)
            check("aten::gradient.scalararray", lambda: ((x(),), {"spacing": 0.75, "dim": dims, "edge_order": edge}),
                  what=w)
            check("aten::gradient.array", lambda: ((x(),), {"dim": dims[::-1], "edge_order": edge}), what=w)
            check("aten::gradient.scalarrayarray",
                  lambda: ((x(),), {"spacing": [2] + [1.25] * (len(dims) - 1), "dim": dims, "edge_order": edge}),
                  what=w)
            check("aten::gradient.scalarrayint", lambda: ((x(),), {"spacing": [-1.5], "dim": dims[0],
                                                                   "edge_order": edge}), what=w)


def coords(n, dt, seed):
    g = torch.Generator().manual_seed(seed)
    if dt.is_floating_point:
        return torch.cumsum(torch.rand(n, generator=g, dtype=torch.float64) + 0.25, 0).to(dt)
    return torch.cumsum(torch.randint(1, 4, (n,), generator=g), 0).to(dt)


@pytest.mark.parametrize("dt", [torch.float32, torch.float64, torch.int64, torch.complex64, torch.complex128],
                         ids=dname)
@pytest.mark.parametrize("cdt", [torch.float32, torch.float64, torch.int64], ids=dname)
def test_gradient_coordinates(dt, cdt):
    for shape, layout in [((5, 7), "transposed"), ((3, 4, 6), "strided"), ((3, 0, 4), "contig"), ((4,), "contig")]:
        dims = diff_dims(shape)
        x = lambda: t(shape, dt, layout, seed=3)  # noqa: E731
        for edge in (1, 2):
            w = "%s %s %s %s e%d" % (dt, cdt, layout, shape, edge)
            cs = lambda: [coords(shape[d], cdt, d) for d in dims]  # noqa: E731
            check("aten::gradient.tensorarray", lambda: ((x(),), {"spacing": cs(), "dim": dims, "edge_order": edge}),
                  what=w)
            check("aten::gradient.tensorarrayint",
                  lambda: ((x(),), {"spacing": cs()[-1:], "dim": dims[-1], "edge_order": edge}), what=w)
            if len(dims) == len(shape):
                check("aten::gradient.tensorarrayint", lambda: ((x(),), {"spacing": cs(), "edge_order": edge}), what=w)


@pytest.mark.parametrize("dt", [torch.float32, torch.float64, torch.complex64, torch.complex128], ids=dname)
def test_gradient_complex_coordinates(dt):
    for shape, layout in [((5, 7), "transposed"), ((3, 4, 6), "contig")]:
        dims = diff_dims(shape)
        x = lambda: t(shape, dt, layout, seed=4, special=False)  # noqa: E731
        # coordinates of the input's precision (mixed precisions: torch rounds the coefficients' complex64
        # ops in its own vectorized order, which pyts does not reproduce to float64's tolerance)
        cdt = torch.complex128 if dt in (torch.float64, torch.complex128) else torch.complex64
        cs = lambda: [torch.complex(coords(shape[d], torch.float64, d), coords(shape[d], torch.float64, d + 9))  # noqa
                      .to(cdt) for d in dims]
        for edge in (1, 2):
            check("aten::gradient.tensorarray", lambda: ((x(),), {"spacing": cs(), "dim": dims, "edge_order": edge}),
                  what="%s %s e%d" % (dt, shape, edge))


def test_gradient_errors():
    x = lambda dt=torch.float32: t((3, 4), dt)  # noqa: E731
    bad = [
        ("aten::gradient.scalarint", (x(torch.uint8),), {}),
        ("aten::gradient.scalarint", (x(torch.bool),), {}),
        ("aten::gradient.scalarint", (x(),), {"edge_order": 3}),
        ("aten::gradient.scalarint", (x(),), {"edge_order": 0}),
        ("aten::gradient.array", (x(),), {"dim": [0, 0]}),
        ("aten::gradient.array", (x(),), {"dim": [2]}),
        ("aten::gradient.scalarint", (x(),), {"dim": -3}),
        ("aten::gradient.scalarrayint", (x(),), {"spacing": [1.0, 2.0, 3.0]}),
        ("aten::gradient.scalarrayarray", (x(),), {"spacing": [1.0], "dim": [0, 1]}),
        ("aten::gradient.scalarint", (t((2, 4), torch.float32),), {"edge_order": 2}),
        ("aten::gradient.scalarint", (t((1, 4), torch.float32),), {}),
        ("aten::gradient.tensorarray", (x(),), {"spacing": [torch.ones(2, 2)], "dim": [0]}),
    ]
    for name, args, kw in bad:
        check(name, lambda: (tuple(a.clone() for a in args), kw), what="error %s" % kw)


def test_gradient_scalar_tensor():
    # a 0-dim tensor has no dim to differentiate: an empty list
    check("aten::gradient.scalarint", lambda: ((torch.tensor(2.0),), {}), what="0-dim")


HSHAPES = [(7, 2), (5, 3), (2, 4, 3), (6, 1), (0, 2), (3, 0, 2)]


def hist_input(shape, dt, layout, seed, special):
    # values on a coarse grid so that many fall exactly on bin edges
    x = make_tensor(shape, dt, layout, seed, special=special)
    return torch.round(x * 2) / 2 if dt.is_floating_point else x


@pytest.mark.parametrize("dt", [torch.float32, torch.float64], ids=dname)
@pytest.mark.parametrize("layout", ["contig", "transposed", "strided"])
def test_histogramdd(dt, layout):
    for shape in HSHAPES:
        D = shape[-1]
        x = lambda: hist_input(shape, dt, layout, len(shape), False)  # noqa: E731
        wt = lambda: make_tensor(shape[:-1], dt, "contig", 9, special=False, low=0.0, high=2.0)  # noqa: E731
        for density in (False, True):
            for weighted in (False, True):
                kw = lambda: {"weight": wt() if weighted else None, "density": density}  # noqa: E731
                w = "%s %s %s d=%s w=%s" % (dt, layout, shape, density, weighted)
                check("aten::histogramdd", lambda: ((x(), [2 + i for i in range(D)]), kw()), what=w)
                check("aten::histogramdd.int_bins", lambda: ((x(), 3), kw()), what=w)
                check("aten::histogramdd", lambda: ((x(), [4] * D), dict(kw(), range=[-1.0, 2.0] * D)), what=w)
                # sorted edges, and unsorted ones (torch's binary search decides: so must pyts's)
                sorted_bins = lambda: [torch.linspace(-3, 3, 4 + i, dtype=dt) for i in range(D)]  # noqa: E731
                check("aten::histogramdd.TensorList_bins", lambda: ((x(), sorted_bins()), kw()), what=w)
                raw = lambda: [make_tensor((3 + i,), dt, "contig", 20 + i, special=False) for i in range(D)]  # noqa
                check("aten::histogramdd.TensorList_bins", lambda: ((x(), raw()), kw()), what=w + " unsorted")
    # NaN / inf inputs with an explicit range are skipped; without one torch refuses
    xs = lambda: make_tensor((8, 2), dt, layout, 3, special=True)  # noqa: E731
    check("aten::histogramdd", lambda: ((xs(), [3, 2]), {"range": [-3.0, 3.0, -3.0, 3.0]}), what="nan/inf range")
    check("aten::histogramdd", lambda: ((xs(), [3, 2]), {}), what="nan/inf no range")
    # a constant column: the range widened by 0.5 each side
    check("aten::histogramdd", lambda: ((torch.ones(5, 2, dtype=dt), [2, 3]), {}), what="constant")


def test_histogramdd_errors():
    x = lambda: make_tensor((4, 2), torch.float32, special=False)  # noqa: E731
    bad = [
        ("aten::histogramdd", (torch.ones(4), [2]), {}),
        ("aten::histogramdd", (x().long(), [2, 2]), {}),
        ("aten::histogramdd", (x(), [2, 0]), {}),
        ("aten::histogramdd", (x(), [2, 2, 2]), {}),
        ("aten::histogramdd", (x(), [2, 2]), {"range": [0.0, 1.0]}),
        ("aten::histogramdd", (x(), [2, 2]), {"range": [1.0, 0.0, 0.0, 1.0]}),
        ("aten::histogramdd", (x(), [2, 2]), {"weight": torch.ones(3)}),
        ("aten::histogramdd", (x(), [2, 2]), {"weight": torch.ones(4, dtype=torch.float64)}),
        ("aten::histogramdd.int_bins", (x(), 0), {}),
        ("aten::histogramdd.TensorList_bins", (x(), [torch.ones(0), torch.ones(3)]), {}),
        ("aten::histogramdd.TensorList_bins", (x(), [torch.ones(3, dtype=torch.float64), torch.ones(3)]), {}),
        ("aten::histogramdd.TensorList_bins", (x(), [torch.ones(3, 1), torch.ones(3)]), {}),
    ]
    for name, args, kw in bad:
        check(name, lambda: (args, kw), what="error %s" % (kw,))


COVERED = covered(["histogramdd", "histogramdd.int_bins", "histogramdd.TensorList_bins",
                   "gradient.scalarint", "gradient.scalararray", "gradient.array", "gradient.scalarrayint",
                   "gradient.scalarrayarray", "gradient.tensorarrayint", "gradient.tensorarray"])
