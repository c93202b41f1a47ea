"""Parity of csrc/ops/index/scatter.c: scatter_reduce.two (every reduce, with
and without include_self, in place), index_reduce (+ in place), index_add /
index_copy / index_fill; of csrc/ops/index/search.c: searchsorted /
bucketize; and of csrc/ops/nn/unpool.c: max_unpool2d / max_unpool3d."""
import pytest
import torch
import torch.nn.functional as F

from optest import check, covered, make_tensor

COVERED = covered("scatter_reduce.two", "scatter_reduce_.two", "index_reduce", "index_reduce_", "max_unpool2d",
                  "max_unpool3d")
REDUCES = ["sum", "prod", "mean", "amax", "amin"]


def _index(shape, hi, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, hi, shape, generator=g)


@pytest.mark.parametrize("reduce", REDUCES + ["bad"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    cases = [((5, 7), 0, (4, 7), (6, 7)), ((5, 7), 1, (5, 3), (5, 7)), ((5, 7), -1, (2, 2), (3, 4)),
             ((4,), 0, (9,), (9,)), ((5, 7), 0, (0, 7), (0, 7)), ((5, 7), 0, (6, 7), (5, 7))]
    for shape, dim, ishape, sshape in cases:
        for dt in (torch.float32, torch.float64, torch.int64, torch.int32, torch.float16):
            for name in ("aten::scatter_reduce.two", "aten::scatter_reduce_.two"):
                def maker():
                    hi = shape[dim]
                    return (make_tensor(shape, dt, seed=1, low=-3, high=3), dim, _index(ishape, hi, 2),
                            make_tensor(sshape, dt, seed=3, low=-3, high=3), reduce), {"include_self": include_self}
                check(name, maker, inplace_arg=0 if "_." in name else None,
                      what="%s %s dim=%d %s" % (dt, shape, dim, ishape))
    check("aten::scatter_reduce.two", lambda: ((make_tensor((5, 7), torch.float32), 0, torch.full((2, 7), 5),
                                                make_tensor((2, 7), torch.float32), reduce), {}), what="out of bounds")
    check("aten::scatter_reduce.two", lambda: ((make_tensor((5, 7), torch.float32), 0, _index((2, 7), 5, 1).int(),
                                                make_tensor((2, 7), torch.float32), reduce), {}), what="int32 index")
    check("aten::scatter_reduce.two", lambda: ((make_tensor((5, 7), torch.float32), 0, _index((2, 7), 5, 1),
                                                make_tensor((2, 7), torch.float64), reduce), {}), what="dtype mismatch")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin", "sum"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    cases = [((5, 7), 0, 6), ((5, 7), 1, 3), ((5, 7), -1, 9), ((2, 3, 4), 1, 5), ((5, 7), 0, 0)]
    for shape, dim, n in cases:
        sshape = list(shape)
        sshape[dim] = n
        for dt in (torch.float32, torch.float64, torch.int64):
            for name in ("aten::index_reduce", "aten::index_reduce_"):
                def maker():
                    return (make_tensor(shape, dt, "transposed", seed=1, low=-3, high=3), dim,
                            _index((n,), shape[dim], 2), make_tensor(tuple(sshape), dt, seed=3, low=-3, high=3),
                            reduce), {"include_self": include_self}
                check(name, maker, inplace_arg=0 if name.endswith("_") else None, what="%s %s dim=%d" % (dt, shape, dim))
    check("aten::index_reduce", lambda: ((make_tensor((5, 7), torch.float32), 0, torch.tensor([0, 7]),
                                          make_tensor((2, 7), torch.float32), reduce), {}), what="out of range")


def _pooled(shape3d, seed, dims):
    x = make_tensor(shape3d, torch.float32, seed=seed, special=False)
    pool = F.max_pool2d if dims == 2 else F.max_pool3d
    return pool(x, 2, 2, return_indices=True)


def test_max_unpool2d():
    for shape, osz in (((2, 3, 6, 8), [6, 8]), ((3, 5, 7), [5, 7]), ((1, 2, 4, 4), [5, 5])):
        check("aten::max_unpool2d", lambda: (_pooled(shape, 1, 2) + (osz,), {}), what=str(shape))
    check("aten::max_unpool2d", lambda: ((make_tensor((1, 2, 2, 2), torch.float32),
                                          torch.full((1, 2, 2, 2), 99), [4, 4]), {}), what="bad index")
    check("aten::max_unpool2d", lambda: ((make_tensor((1, 2, 2, 2), torch.float32),
                                          torch.zeros((1, 2, 2, 2), dtype=torch.int32), [4, 4]), {}), what="int32")
    check("aten::max_unpool2d", lambda: ((make_tensor((2, 2), torch.float32),
                                          torch.zeros((2, 2), dtype=torch.int64), [4, 4]), {}), what="2-d")


def test_max_unpool3d():
    for shape, osz in (((2, 3, 4, 6, 8), [4, 6, 8]), ((3, 4, 4, 6), [4, 4, 6])):
        check("aten::max_unpool3d", lambda: (_pooled(shape, 1, 3) + (osz, [2, 2, 2], [0, 0, 0]), {}), what=str(shape))
    check("aten::max_unpool3d", lambda: (_pooled((1, 1, 2, 2, 2), 1, 3) + ([2, 2, 2], [0, 2, 2], [0, 0, 0]), {}),
          what="zero stride")


IX_OPS = ["index_add", "index_add_", "index_copy", "index_copy_", "index_fill.int_Scalar", "index_fill.int_Tensor",
          "index_fill_.int_Scalar", "index_fill_.int_Tensor"]
SEARCH = ["searchsorted.Tensor", "searchsorted.Scalar", "bucketize.Tensor", "bucketize.Scalar"]
COVERED = covered(COVERED, IX_OPS, SEARCH)


@pytest.mark.parametrize("op", IX_OPS)
def test_index_update(op):
    inplace = 0 if op.split(".")[0].endswith("_") else None
    fill = op.startswith("index_fill")
    cases = [((5, 7), 0, [0, 2, 4]), ((5, 7), 1, [6, 0, 0]), ((5, 7), -1, [1]), ((2, 3, 4), 1, [2, 0]), ((5,), 0, [3, 1]),
             ((5, 7), 0, []), ((5, 7), 0, [5]), ((5, 7), 0, [-1]), ((), 0, [0])]
    for shape, dim, ix in cases:
        for dt in (torch.float32, torch.int64, torch.bool, torch.float16):
            for idt in (torch.int64, torch.int32):
                def maker():
                    self_ = make_tensor(shape, dt, "transposed" if len(shape) == 2 else "contig", seed=1)
                    idx = torch.tensor(ix, dtype=idt)
                    if fill:
                        v = make_tensor((), dt, seed=3) if op.endswith("Tensor") else (2.5 if dt.is_floating_point else 3)
                        return (self_, dim, idx, v), {}
                    sshape = list(shape) if shape else [1]
                    sshape[dim] = len(ix)
                    src = make_tensor(tuple(sshape) if shape else (), dt, seed=2)
                    return (self_, dim, idx, src), ({"alpha": 2} if op.startswith("index_add") and dt != torch.bool else {})
                check("aten::" + op, maker, inplace_arg=inplace, what="%s %s %s %s %s" % (shape, dim, ix, dt, idt))


@pytest.mark.parametrize("op", SEARCH)
def test_search(op):
    bucket = op.startswith("bucketize")
    scalar = op.endswith("Scalar")
    seqs = [torch.tensor([1.0, 2.0, 2.0, 3.5, 7.0]), torch.tensor([[0.0, 1.0, 5.0], [-2.0, 0.5, 0.5]]),
            torch.tensor([]), torch.tensor([1, 3, 5, 9])]
    for seq in seqs:
        if bucket and seq.dim() != 1:
            continue
        for kw in ({}, {"right": True}, {"out_int32": True}) + (() if bucket else ({"side": "right"}, {"side": "left"},
                                                                                     {"side": "bad"},
                                                                                     {"side": "left", "right": True})):
            for vals in ((2.0, -1.0, float("nan"), 7.0) if scalar else
                         (make_tensor((2, 6), torch.float32, seed=4, low=-3, high=8), torch.tensor([[2.0, 2.5]]),
                          torch.tensor([3, 2, 9]))):
                def maker():
                    s = seq.to(vals.dtype) if isinstance(vals, torch.Tensor) and vals.dtype != seq.dtype and \
                        not seq.dtype.is_floating_point else seq
                    return ((vals, s.clone()) if bucket else (s.clone(), vals)), dict(kw)
                check("aten::" + op, maker, what="%s %s %s" % (seq.tolist(), kw, vals if scalar else tuple(vals.shape)))
    if not bucket and not scalar:
        seq = torch.tensor([5.0, 1.0, 3.0, 2.0])
        check("aten::" + op, lambda: ((seq.clone(), torch.tensor([0.5, 2.0, 4.0, 9.0])),
                                      {"sorter": torch.argsort(seq)}), what="sorter")
