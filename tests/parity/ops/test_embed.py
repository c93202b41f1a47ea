"""Parity of csrc/ops/index/embed.c (select/slice/diagonal/as_strided_scatter,
masked_scatter, put, argwhere, nonzero_static, isin, embedding_bag) and
csrc/ops/pointwise/classify.c (isposinf/isneginf/isreal, frexp, ldexp,
nextafter, equal, fill, resolve_neg, empty_strided/new_empty_strided/
empty_permuted)."""
import numpy as np
import pytest
import torch

import pyts
from optest import ALL_DTYPES, FLOAT_DTYPES, check, covered, make_tensor
from pyts import _C

DTS = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.uint8, torch.bool]
LAYOUTS = ("contig", "transposed", "strided")

# op -> [(self shape, src shape, extra args...)]
SCATTERS = {
    "select_scatter": [[(3, 4), (4,), 0, 1], [(3, 4), (3,), 1, -1], [(2, 3, 4), (2, 4), 1, 2], [(3, 4), (3,), 0, 0],
                       [(3, 4), (4,), 0, 5], [(3,), (), 0, 1]],
    "slice_scatter": [[(5, 4), (2, 4), 0, 1, 3], [(5, 4), (5, 2), 1, 0, 4, 2], [(5, 4), (5, 4)], [(5, 4), (0, 4), 0, 3, 3],
                      [(5, 4), (3, 4), 0, None, 3], [(5, 4), (4,), 0, 0, 1], [(5, 4), (3, 4), 0, -3]],
    "diagonal_scatter": [[(4, 5), (4,)], [(4, 5), (4,), 1], [(4, 5), (3,), -1], [(2, 3, 4), (2, 3), 0, 1, 2],
                         [(4, 5), (2,)], [(4, 5), (0,), 9]],
    "as_strided_scatter": [[(4, 5), (2, 2), [2, 2], [5, 1]], [(4, 5), (3,), [3], [2], 1], [(4, 5), (2,), [3], [1]],
                           [(4, 5), (4, 5), [4, 5], [5, 1], 0]],
}
COVERED = covered(SCATTERS, "masked_scatter", "put", "argwhere", "nonzero_static", "isin.Tensor_Tensor",
                  "isin.Tensor_Scalar", "isin.Scalar_Tensor", "isposinf", "isneginf", "isreal", "frexp.Tensor",
                  "ldexp.Tensor", "nextafter", "equal", "fill.Scalar", "fill.Tensor", "resolve_neg", "empty_strided",
                  "new_empty_strided", "empty_permuted", "embedding_bag", "embedding_bag.padding_idx",
                  "_embedding_bag_forward_only")


def _params(table):
    for op, variants in table.items():
        for i, v in enumerate(variants):
            yield op, i, v


@pytest.mark.parametrize("op,i,v", list(_params(SCATTERS)))
def test_view_scatters(op, i, v):
    shape, sshape, rest = v[0], v[1], v[2:]
    for dt in DTS:
        for layout in LAYOUTS if op != "as_strided_scatter" else ("contig",):
            check("aten::" + op, lambda: ((make_tensor(shape, dt, layout), make_tensor(sshape, dt, seed=1)) + tuple(rest),
                                          {}), what="%s %s %r" % (dt, layout, v))
    check("aten::" + op, lambda: ((make_tensor(shape, torch.float32), make_tensor(sshape, torch.int64, seed=1)) + tuple(rest),
                                  {}), what="int src %r" % (v,))


def test_masked_scatter():
    cases = [((3, 4), (3, 4), (12,)), ((3, 4), (4,), (20,)), ((4,), (3, 4), (12,)), ((3, 4), (3, 4), (2,)), ((), (), (1,)),
             ((0, 3), (0, 3), (0,)), ((3, 4), (3, 4), (3, 4))]
    for shape, mshape, sshape in cases:
        for dt in DTS:
            for layout in LAYOUTS:
                check("aten::masked_scatter",
                      lambda: ((make_tensor(shape, dt, layout), make_tensor(mshape, torch.bool, layout, seed=2),
                                make_tensor(sshape, dt, seed=3)), {}), what="%s %s %s %s" % (dt, layout, shape, mshape))
    check("aten::masked_scatter", lambda: ((make_tensor((3,), torch.float32), make_tensor((3,), torch.uint8),
                                            make_tensor((3,), torch.float32)), {}), what="uint8 mask")
    check("aten::masked_scatter", lambda: ((make_tensor((3,), torch.float32), make_tensor((3,), torch.bool),
                                            make_tensor((3,), torch.float64)), {}), what="source dtype")


def test_put():
    for dt in DTS:
        for layout in LAYOUTS:
            for acc in (False, True):
                check("aten::put", lambda: ((make_tensor((3, 4), dt, layout), torch.tensor([0, 5, -1, 5, 11]),
                                             make_tensor((5,), dt, seed=4), acc), {}), what="%s %s %s" % (dt, layout, acc))
                check("aten::put", lambda: ((make_tensor((3, 4), dt, layout), torch.tensor([[1, 2], [3, 1]]),
                                             make_tensor((2, 2), dt, "transposed", seed=4), acc), {}),
                      what="2-D index %s %s %s" % (dt, layout, acc))
    bad = [((3, 4), [12], (1,)), ((3, 4), [-13], (1,)), ((3, 4), [1, 2], (1,)), ((0,), [0], (1,))]
    for shape, idx, sshape in bad:
        check("aten::put", lambda: ((make_tensor(shape, torch.float32), torch.tensor(idx), make_tensor(sshape, torch.float32)),
                                    {}), what="bad %s %s" % (shape, idx))
    check("aten::put", lambda: ((make_tensor((3,), torch.float32), torch.tensor([1], dtype=torch.int32),
                                 make_tensor((1,), torch.float32)), {}), what="int32 index")
    check("aten::put", lambda: ((make_tensor((3,), torch.float32), torch.tensor([1]), make_tensor((1,), torch.float64)),
                                {}), what="source dtype")
    check("aten::put", lambda: ((make_tensor((), torch.float32), torch.tensor([0, -1]), make_tensor((2,), torch.float32),
                                 True), {}), what="0-d")


def test_argwhere_nonzero_static():
    for shape in [(5, 7), (3, 1, 4), (), (0, 3), (4,)]:
        for dt in DTS:
            for layout in LAYOUTS:
                check("aten::argwhere", lambda: ((make_tensor(shape, dt, layout),), {}), what="%s %s %s" % (dt, layout, shape))
                for size, fill in ((0, -1), (3, -1), (50, 7)):
                    check("aten::nonzero_static", lambda: ((make_tensor(shape, dt, layout),), {"size": size, "fill_value": fill}),
                          what="%s %s %s %d" % (dt, layout, shape, size))
    check("aten::nonzero_static", lambda: ((make_tensor((3,), torch.float32),), {"size": -1}), what="negative size")


def test_isin():
    for edt in DTS:
        for tdt in (torch.float32, torch.int64, edt):
            for invert in (False, True):
                check("aten::isin.Tensor_Tensor", lambda: ((make_tensor((5, 7), edt, "transposed"),
                                                            make_tensor((6,), tdt, "strided", seed=5)), {"invert": invert}),
                      what="%s %s %s" % (edt, tdt, invert))
        for s in (2, 2.5, True, float("nan"), float("inf")):
            check("aten::isin.Tensor_Scalar", lambda: ((make_tensor((5, 7), edt),  s), {}), what="%s %r" % (edt, s))
            check("aten::isin.Scalar_Tensor", lambda: ((s, make_tensor((5, 7), edt)), {"invert": True}), what="%s %r" % (edt, s))
    check("aten::isin.Tensor_Tensor", lambda: ((make_tensor((0, 3), torch.float32), make_tensor((4,), torch.float32)), {}),
          what="empty elements")
    check("aten::isin.Tensor_Tensor", lambda: ((make_tensor((4,), torch.float32), make_tensor((0,), torch.float32)), {}),
          what="empty test")
    check("aten::isin.Tensor_Tensor", lambda: ((torch.tensor([2**53 + 1, 3]), torch.tensor([2**53, 3])), {}),
          what="large int64")


def test_classify():
    for dt in DTS:
        for shape in [(5, 7), (), (0, 3)]:
            for layout in LAYOUTS:
                for op in ("isposinf", "isneginf", "isreal"):
                    check("aten::" + op, lambda: ((make_tensor(shape, dt, layout),), {}), what="%s %s %s" % (dt, layout, shape))
                check("aten::frexp.Tensor", lambda: ((make_tensor(shape, dt, layout, low=-1e6, high=1e6),), {}),
                      what="%s %s %s" % (dt, layout, shape))
                check("aten::frexp.Tensor", lambda: ((make_tensor(shape, dt, layout),), {}), what="special %s %s" % (dt, shape))
    check("aten::frexp.Tensor", lambda: ((torch.tensor([0.0, -0.0, 1e-40, -3e38, 5e-324], dtype=torch.float64),), {}),
          what="edges f64")
    check("aten::frexp.Tensor", lambda: ((torch.tensor([0.0, -0.0, 1e-40, -3e38]),), {}), what="edges f32")


def test_ldexp_nextafter():
    for xdt in (torch.float32, torch.float64, torch.float16, torch.int64):
        for edt in (torch.int64, torch.int32, torch.float32):
            check("aten::ldexp.Tensor", lambda: ((make_tensor((5, 7), xdt, "transposed"), make_tensor((7,), edt, low=-4, high=4,
                                                                                                       seed=6)), {}),
                  what="%s %s" % (xdt, edt))
    for xdt in (torch.float32, torch.float64):
        for ydt in (torch.float32, torch.float64, torch.int64):
            check("aten::nextafter", lambda: ((make_tensor((5, 7), xdt, "transposed"), make_tensor((7,), ydt, seed=7)), {}),
                  what="%s %s" % (xdt, ydt))
    check("aten::nextafter", lambda: ((torch.tensor([0.0, 1.0, float("inf"), -1.0, 0.0]),
                                       torch.tensor([1.0, 1.0, 0.0, float("nan"), -1.0])), {}), what="edges")
    check("aten::nextafter", lambda: ((make_tensor((0, 3), torch.float32), make_tensor((3,), torch.float32)), {}), what="empty")
    check("aten::nextafter", lambda: ((make_tensor((3,), torch.float16), make_tensor((3,), torch.float16)), {}), what="half")
    check("aten::nextafter", lambda: ((make_tensor((3,), torch.int64), make_tensor((3,), torch.int64)), {}), what="int")


def test_equal_fill_resolve_neg():
    pairs = [((5, 7), (5, 7), 0), ((5, 7), (5, 7), 1), ((5, 7), (7,), 0), ((), (), 0), ((0, 3), (0, 3), 0)]
    for xs, ys, seed in pairs:
        for dt in DTS:
            check("aten::equal", lambda: ((make_tensor(xs, dt, "transposed", special=False),
                                           make_tensor(ys, dt, seed=seed, special=False).contiguous()), {}),
                  what="%s %s %s %d" % (dt, xs, ys, seed))
    x = make_tensor((5, 7), torch.float32, special=False)
    check("aten::equal", lambda: ((x.clone(), x.t().contiguous().t()), {}), what="same values other layout")
    check("aten::equal", lambda: ((x.clone(), x.double()), {}), what="other dtype")
    check("aten::equal", lambda: ((torch.tensor([float("nan")]), torch.tensor([float("nan")])), {}), what="nan")
    for dt in DTS:
        for layout in LAYOUTS + ("expanded",):
            for v in (2, 2.7, True, -1):
                check("aten::fill.Scalar", lambda: ((make_tensor((5, 7), dt, layout), v), {}), what="%s %s %r" % (dt, layout, v))
            check("aten::fill.Tensor", lambda: ((make_tensor((5, 7), dt, layout), torch.tensor(3.5)), {}),
                  what="%s %s" % (dt, layout))
            check("aten::resolve_neg", lambda: ((make_tensor((5, 7), dt, layout),), {}), view_of=0, what="%s %s" % (dt, layout))
    check("aten::fill.Tensor", lambda: ((make_tensor((5, 7), torch.float32), torch.tensor([3.5])), {}), what="1-d value")
    check("aten::fill.Scalar", lambda: ((make_tensor((), torch.float32), 1.5), {}), what="0-d")
    check("aten::fill.Scalar", lambda: ((make_tensor((0, 2), torch.int64), 1), {}), what="empty")


def _meta(x):
    return tuple(x.shape), str(x.dtype).replace("torch.", ""), tuple(x.stride())


def test_strided_factories():
    """Values of the empty factories are uninitialized in torch: shapes, dtypes and strides must match."""
    cases = [("empty_strided", ([2, 3], [3, 1]), {}), ("empty_strided", ([2, 3], [1, 2]), {"dtype": torch.int64}),
             ("empty_strided", ([0, 3], [3, 1]), {}), ("empty_strided", ([], []), {"dtype": torch.float64}),
             ("empty_strided", ([2, 3], [0, 1]), {}), ("empty_permuted", ([2, 3, 4], [0, 2, 1]), {}),
             ("empty_permuted", ([2, 3, 4], [2, 1, 0]), {"dtype": torch.bool}), ("empty_permuted", ([2, 0, 4], [1, 0, 2]), {}),
             ("empty_permuted", ([], []), {})]
    for op, args, kw in cases:
        exp = getattr(torch.ops.aten, op)(*args, **kw)
        got = _C.call_op("aten::" + op, *args, **{k: {torch.int64: 4, torch.float64: 7, torch.bool: 11}[v] for k, v in kw.items()})
        g = np.asarray(got)
        assert tuple(g.shape) == tuple(exp.shape) and g.dtype == exp.numpy().dtype, (op, args)
        assert tuple(s // g.itemsize for s in g.strides) == tuple(exp.stride()), (op, args, g.strides, exp.stride())
    for dt in (torch.float32, torch.int64):
        src = make_tensor((3,), dt)
        exp = torch.ops.aten.new_empty_strided(src, [2, 3], [1, 2])
        got = np.asarray(_C.call_op("aten::new_empty_strided", src.numpy(), [2, 3], [1, 2]))
        assert got.shape == (2, 3) and got.dtype == exp.numpy().dtype
        assert tuple(s // got.itemsize for s in got.strides) == (1, 2)
    for op, args in (("empty_strided", ([2, 3], [1])), ("empty_permuted", ([2, 3], [0, 0])), ("empty_permuted", ([2], [0, 1]))):
        with pytest.raises(Exception):
            getattr(torch.ops.aten, op)(*args)
        with pytest.raises(pyts.Error):
            _C.call_op("aten::" + op, *args)


# (indices, offsets): bags of several sizes, empty bags (first, middle, last), a single bag, no indices
BAGS = [([1, 2, 4, 5, 4, 3, 2, 9], [0, 4]), ([1, 2, 4, 5, 4, 3, 2, 9], [0, 0, 3, 8, 8]), ([0, 9, 9], [0]),
        ([], [0, 0]), ([3, 3, 3, 7], [0, 1, 2, 3]), ([5, 6], [0, 1, 2])]


def test_embedding_bag():
    """All four results (output, offset2bag, bag_size, max_indices) as torch returns them, for sum /
    mean / max, include_last_offset, padding_idx, per_sample_weights, float32 (torch's fast path
    for a unit column stride) and float64, int32/int64 indices, strided weights, NaN/inf rows."""
    for idx, offs in BAGS:
        for dt in (torch.float32, torch.float64):
            for layout in ("contig", "transposed", "strided"):
                for mode in (0, 1, 2):
                    for ilo in (False, True) if len(offs) > 1 else (False,):  # torch crashes on 0 bags + ilo
                        for it in (torch.int64, torch.int32):
                            mk = lambda: ((make_tensor((10, 3), dt, layout), torch.tensor(idx, dtype=it),
                                           torch.tensor(offs, dtype=it), False, mode, False, None, ilo), {})
                            what = "%s %s %s mode=%d ilo=%s %s" % (idx, offs, dt, mode, ilo, it)
                            check("aten::embedding_bag", mk, what=what)
                            for pad in (None, 2, -1, 9):
                                check("aten::embedding_bag.padding_idx",
                                      lambda: (mk()[0] + (pad,), {}), what=what + " pad=%s" % pad)
                            check("aten::_embedding_bag_forward_only", lambda: (mk()[0] + (3,), {}), what=what)
            for layout in ("contig", "strided"):
                check("aten::embedding_bag",
                      lambda: ((make_tensor((10, 5), dt), torch.tensor(idx), torch.tensor(offs), False, 0, False,
                                make_tensor((len(idx),), dt, layout, seed=3, special=False)), {}),
                      what="per_sample_weights %s %s %s" % (idx, offs, dt))
    w = lambda: make_tensor((10, 3), torch.float32)
    bad = [
        ("int offsets mixed", (w(), torch.tensor([1, 2], dtype=torch.int32), torch.tensor([0]), False, 1)),
        ("index out of range", (w(), torch.tensor([1, 10]), torch.tensor([0]), False, 0)),
        ("negative index", (w(), torch.tensor([1, -1]), torch.tensor([0]), False, 0)),
        ("offsets[0] != 0", (w(), torch.tensor([1, 2]), torch.tensor([1]), False, 0)),
        ("float indices", (w(), torch.tensor([1.0]), torch.tensor([0]), False, 0)),
        ("1-D weight", (torch.ones(4), torch.tensor([1]), torch.tensor([0]), False, 0)),
        ("psw with mean", (w(), torch.tensor([1, 2]), torch.tensor([0]), False, 1, False, torch.ones(2))),
        ("psw dtype", (w(), torch.tensor([1, 2]), torch.tensor([0]), False, 0, False, torch.ones(2, dtype=torch.float64))),
        ("bad mode", (w(), torch.tensor([1, 2]), torch.tensor([0]), False, 3)),
        ("int weight", (torch.ones(4, 2, dtype=torch.int64), torch.tensor([1]), torch.tensor([0]), False, 0)),
    ]
    for what, args in bad:
        check("aten::embedding_bag", lambda: (args, {}), what=what)
    for pad in (10, -11):
        check("aten::embedding_bag.padding_idx",
              lambda: ((w(), torch.tensor([1]), torch.tensor([0]), False, 0, False, None, False, pad), {}),
              what="padding_idx %d" % pad)
