"""Parity of csrc/ops/shape/views.c and diag.c: broadcast_to / broadcast_tensors,
matrix-transpose views (mT, mH, numpy_T, matrix_H, adjoint), meshgrid,
as_strided, diagonal / diag / diag_embed, tril / triu (+ in place)."""
import pytest
import torch

from optest import ALL_DTYPES, LAYOUTS, check, covered, make_tensor
import pyts
from pyts import _C

VIEWS = {
    "broadcast_to": [[(3, 1, 4), [2, 3, 5, 4]], [(3, 1, 4), [-1, 6, -1]], [(), [2, 3]], [(3, 4), [4]],
                     [(0, 3), [2, 0, 3]], [(3, 4), [-1, 3, 4]]],
    "mT": [[(5, 7)], [(2, 3, 4)], [(3,)], [()]],
    "mT.a": [[(2, 3, 4)]],
    "mH": [[(5, 7)], [(3,)]],
    "mH.a": [[(5, 7)]],
    "adjoint": [[(2, 3, 4)], [(3,)]],
    "numpy_T": [[(5, 7)], [(2, 3, 4)], [()], [(3,)]],
    "numpy_T.a": [[(2, 3, 4)]],
    "matrix_H": [[(5, 7)], [(2, 3, 4)]],
    "matrix_H.a": [[(5, 7)]],
    "diagonal": [[(5, 7)], [(5, 7), 2], [(5, 7), -3], [(5, 7), 9], [(2, 3, 4), 1, 2, 0], [(2, 3, 4), 0, -1, -2],
                 [(2, 3, 4), 0, 1, 1], [(3,)], [(0, 3), 1]],
    "diagonal_copy": [[(5, 7), 1], [(2, 3, 4), -1, 0, 2]],
    "as_strided": [[(5, 7), [3, 3], [7, 1]], [(5, 7), [2, 2], [1, 7], 3], [(5, 7), [4, 4], [0, 2]],
                   [(5, 7), [10, 10], [7, 1]], [(5, 7), [2], [1, 1]], [(5, 7), [2, 2], [-1, 1]], [(5, 7), [], [], 4]],
    "as_strided_copy": [[(5, 7), [3, 3], [7, 1]]],
    "ravel": [[(5, 7)], [()], [(0, 3)], [(2, 3, 4)]],
    "atleast_1d": [[()], [(3,)], [(5, 7)]],
    "atleast_2d": [[()], [(3,)], [(5, 7)], [(2, 3, 4)]],
    "atleast_3d": [[()], [(3,)], [(5, 7)], [(2, 3, 4)], [(0, 3)]],
}
COPIES = {
    "diag": [[(5,)], [(5,), 2], [(5,), -1], [(5, 7)], [(5, 7), 3], [(5, 7), -8], [(2, 3, 4)], [()], [(0,)]],
    "diag_embed": [[(5,)], [(2, 3)], [(2, 3), 1], [(2, 3), -2, 0, 2], [(2, 3), 0, 1, 1], [()]],
    "tril": [[(5, 7)], [(5, 7), 2], [(5, 7), -2], [(2, 3, 4), 1], [(3,)], [(0, 4)]],
    "triu": [[(5, 7)], [(5, 7), 2], [(5, 7), -9], [(2, 3, 4), -1], [(3,)]],
    "tril_": [[(5, 7)], [(2, 3, 4), 1]],
    "triu_": [[(5, 7), -1], [(2, 3, 4), 1]],
    "fliplr": [[(5, 7)], [(2, 3, 4)], [(3,)], [(0, 3)]],
    "flipud": [[(5, 7)], [(3,)], [()], [(0, 3)]],
    "tile": [[(5, 7), [2, 1]], [(3,), [2, 2]], [(2, 3, 4), [2]], [(), [3]], [(5, 7), []], [(0, 3), [2, 2]],
             [(5, 7), [-1, 1]], [(2, 3), [0, 2]]],
}
LISTS = ["broadcast_tensors", "meshgrid", "meshgrid.indexing", "Size", "broadcast_shapes", "atleast_1d.Sequence",
         "atleast_2d.Sequence", "atleast_3d.Sequence", "take_along_dim"]
COVERED = covered(VIEWS, COPIES, LISTS)


def _params(table):
    for op, variants in table.items():
        for i, v in enumerate(variants):
            yield op, i, v


@pytest.mark.parametrize("op,i,v", list(_params(VIEWS)))
def test_views(op, i, v):
    shape, rest = v[0], v[1:]
    for layout in ("contig", "transposed", "strided"):
        check("aten::" + op, lambda: ((make_tensor(shape, torch.float32, layout),) + tuple(rest), {}),
              view_of=0, what="%s %s %r" % (layout, shape, rest))
    check("aten::" + op, lambda: ((make_tensor(shape, torch.int64),) + tuple(rest), {}), view_of=0,
          what="int64 %s %r" % (shape, rest))


@pytest.mark.parametrize("op,i,v", list(_params(COPIES)))
def test_copies(op, i, v):
    shape, rest = v[0], v[1:]
    inplace = 0 if op.endswith("_") else None
    for dt in ALL_DTYPES:
        for layout in ("contig", "transposed") if dt in (torch.float32, torch.bool) else ("strided",):
            check("aten::" + op, lambda: ((make_tensor(shape, dt, layout),) + tuple(rest), {}), inplace_arg=inplace,
                  what="%s %s %s %r" % (dt, layout, shape, rest))


def test_broadcast_tensors():
    cases = [[(3, 1, 4), (5, 1), ()], [(2, 3), (3,)], [(0, 3), (1, 3)], [(2, 3), (4,)], [(3,)]]
    for shapes in cases:
        def maker():
            return ([make_tensor(s, torch.float32, "strided" if s else "contig", seed=i)
                     for i, s in enumerate(shapes)],), {}
        check("aten::broadcast_tensors", maker, what=str(shapes))


@pytest.mark.parametrize("indexing", [None, "ij", "xy", "bad"])
def test_meshgrid(indexing):
    cases = [[(3,), (4,)], [(3,), (), (2,)], [(5,)], [(0,), (3,)], [(3,), (4,), (2,)], [(2, 2), (3,)], []]
    for shapes in cases:
        def maker():
            return ([make_tensor(s, torch.float32, "strided" if s else "contig", seed=i)
                     for i, s in enumerate(shapes)],), ({} if indexing is None else {"indexing": indexing})
        check("aten::meshgrid" + ("" if indexing is None else ".indexing"), maker, what=str(shapes))


def test_meshgrid_dtype_mismatch():
    check("aten::meshgrid", lambda: (([make_tensor((3,), torch.float32), make_tensor((2,), torch.int64)],), {}))


def test_size():
    assert _C.call_op("aten::Size", [2, 3, 4]) == [2, 3, 4]
    assert _C.call_op("aten::Size", []) == []


def test_broadcast_shapes():
    for a, b in (([2, 1, 4], [3, 1]), ([], [2]), ([0, 3], [1, 3]), ([2, 3], [4])):
        try:
            exp = list(torch.ops.aten.broadcast_shapes(a, b))
        except Exception:  # noqa: BLE001
            with pytest.raises(pyts.Error, match=r"aten::broadcast_shapes: the size of tensor a \(\d+\) must match "
                                                 r"the size of tensor b \(\d+\)"):
                _C.call_op("aten::broadcast_shapes", a, b)
            continue
        assert _C.call_op("aten::broadcast_shapes", a, b) == exp


def test_atleast_sequence():
    for n in (1, 2, 3):
        check("aten::atleast_%dd.Sequence" % n, lambda: (([make_tensor(s, torch.float32, seed=i) for i, s in
                                                           enumerate([(), (3,), (2, 3), (2, 3, 4)])],), {}))


def test_take_along_dim():
    g = torch.Generator().manual_seed(0)
    cases = [((5, 7), (5, 3), 1), ((5, 7), (2, 7), 0), ((5, 7), (5, 3), -1), ((5, 1), (5, 3), 1), ((1, 7), (4, 7), 0),
             ((5, 7), (4,), None), ((5, 7), (2, 3), None), ((2, 3, 4), (2, 3, 2), 2), ((5, 7), (5, 3, 1), 1)]
    for shape, ishape, dim in cases:
        for dt in (torch.float32, torch.int64, torch.bool):
            def maker():
                hi = (shape[dim] if dim is not None else 35)
                idx = torch.randint(-hi, hi, ishape, generator=torch.Generator().manual_seed(1))
                # dim=None: torch's take_along_dim calls view(-1) and raises on transposed inputs; not compared
                layout = "transposed" if len(shape) == 2 and dim is not None else "contig"
                return (make_tensor(shape, dt, layout), idx, dim), {}
            check("aten::take_along_dim", maker, what="%s %s %s %s" % (shape, ishape, dim, dt))
    for v in (9, -9, 15):  # with a dim, torch takes indices modulo the size
        check("aten::take_along_dim", lambda: ((make_tensor((5, 7), torch.float32), torch.full((5, 2), v), 1), {}),
              what="wrapped %d" % v)
    check("aten::take_along_dim", lambda: ((make_tensor((5, 7), torch.float32), torch.full((5, 2), 40)), {}),
          what="flat out of range")
    check("aten::take_along_dim", lambda: ((make_tensor((5, 7), torch.float32), torch.zeros((5, 2), dtype=torch.int32),
                                            1), {}), what="int32")
