"""Parity of indexing ops: advanced indexing with long / bool / uint8 indices,
negative and out-of-range indices (torch raises -> pyts raises), None
placeholders, broadcasting index tensors; index_put_ (accumulate, in place on
a view), gather/scatter families, masked ops, embedding, take, nonzero."""
import pytest
import torch

from optest import ALL_DTYPES, check, covered, make_tensor

C, T, S, E = "contig", "transposed", "strided", "expanded"
L = torch.int64


def idx(*vals, dtype=L):
    return torch.tensor(vals, dtype=dtype)


def mask(shape, seed=7):
    return make_tensor(shape, torch.bool, seed=seed)


# index.Tensor: (self shape, layout, indices)
INDEX_CASES = [
    ((5, 7), C, lambda: [idx(0, 4, -1, 2)]),
    ((5, 7), T, lambda: [None, idx(6, -7, 3)]),
    ((5, 7), S, lambda: [idx(1, 2), idx(3, -1)]),
    ((2, 3, 4, 5), C, lambda: [idx(1, 0), None, idx(3, 2)]),           # split advanced dims go first
    ((2, 3, 4, 5), S, lambda: [None, idx([0, 2], [1, 1])]),            # 2-d index
    ((2, 3, 4, 5), C, lambda: [idx(1), idx([[0], [2]]), idx(3, 2)]),   # broadcasting index tensors
    ((5, 7), C, lambda: [mask((5, 7))]),
    ((5, 7), T, lambda: [mask((5,))]),
    ((5, 7), C, lambda: [None, mask((7,))]),
    ((5, 7), C, lambda: [mask((5, 7)).to(torch.uint8)]),               # uint8 mask (deprecated, still works)
    ((5, 7), C, lambda: [idx(1, 2, dtype=torch.int32)]),               # int32 indices
    ((5, 7), C, lambda: [idx(1, 2, dtype=torch.int16)]),               # int16 indices: raises
    ((5, 7), C, lambda: [torch.tensor(True)]),                         # 0-dim bool: adds a dim
    ((5, 7), C, lambda: [torch.tensor(3)]),                            # 0-dim index
    ((5, 7), C, lambda: [torch.zeros(0, dtype=L)]),                    # empty index
    ((0, 3), C, lambda: [torch.zeros(0, dtype=L)]),
    ((), C, lambda: [torch.tensor(True)]),
    ((5, 7), E, lambda: [idx(4, 0)]),
    ((5, 7), C, lambda: [idx(5)]),                                     # out of range: raises
    ((5, 7), C, lambda: [idx(-6)]),                                    # out of range: raises
    ((5, 7), C, lambda: [idx(1), idx(1), idx(1)]),                     # too many indices: raises
    ((5, 7), C, lambda: [mask((4, 7))]),                               # mask shape mismatch: raises
    ((5, 7), C, lambda: [torch.tensor([1.0, 2.0])]),                   # float index: raises
    ((5, 7), C, lambda: [idx(1, 2), idx(1, 2, 3)]),                    # indices do not broadcast: raises
    ((3, 4, 5, 6), C, lambda: [None, idx(3, 0, -1)]),                  # trailing full slices: copied as blocks
    ((6, 4, 3, 3), C, lambda: [idx(5, 0, 2, 0)]),
    ((3, 4, 5, 6), T, lambda: [None, idx(3, 0, -1)]),                  # trailing slices not contiguous
    ((3, 4, 5, 6), C, lambda: [idx(2, 0), None, None, idx(1, 5)]),     # split advanced dims, no trailing slice
]

# index_put / index_put_: (self shape, layout, indices, values shape, accumulate)
PUT_CASES = [
    ((5, 7), C, lambda: [idx(0, -1, 2)], (7,), False),
    ((5, 7), S, lambda: [None, idx(6, 0)], (5, 2), False),
    ((5, 7), C, lambda: [idx(1, 1, 1, 3)], (7,), True),               # duplicates accumulate
    ((5, 7), T, lambda: [idx(0, 2), idx(-1, 4)], (), True),
    ((2, 3, 4, 5), C, lambda: [idx(1, 0), None, idx(3, 2)], (3,), False),
    ((5, 7), C, lambda: [mask((5, 7))], (), False),
    ((5, 7), C, lambda: [mask((5,))], (7,), True),
    ((5, 7), C, lambda: [idx(1, 3)], (2, 7), False),
    ((5, 7), C, lambda: [idx(9)], (7,), False),                        # out of range: raises
    ((5, 7), C, lambda: [idx(1, 3)], (3, 7), False),                   # values do not broadcast: raises
    ((6, 4, 3, 3), C, lambda: [idx(5, 0, 2)], (3, 4, 3, 3), False),    # values of the result's shape, as they are
    ((3, 4, 5, 6), C, lambda: [None, idx(3, 1, 3)], (3, 3, 5, 6), True),  # accumulate block by block, duplicates
    ((3, 4, 5, 6), T, lambda: [None, idx(2, 0)], (5, 6), False),      # trailing slices not contiguous
    ((3, 4, 5, 6), S, lambda: [idx(2, -3)], (2, 4, 5, 6), True),
]

GATHER_CASES = [  # (op, self shape, layout, args maker, kwargs)
    ("index_select", (5, 7), C, lambda: [0, idx(4, 0, -1 + 5, 2)], {}),
    ("index_select", (5, 7), T, lambda: [-1, idx(6, 6, 0)], {}),
    ("index_select", (2, 3, 4, 5), S, lambda: [2, idx(3, 1, dtype=torch.int32)], {}),
    ("index_select", (5, 7), C, lambda: [1, torch.tensor(3)], {}),
    ("index_select", (), C, lambda: [0, idx(0)], {}),
    ("index_select", (5, 7), C, lambda: [0, torch.zeros(0, dtype=L)], {}),
    ("index_select", (5, 7), C, lambda: [0, idx(-1)], {}),             # negative: raises
    ("index_select", (5, 7), C, lambda: [0, idx(5)], {}),              # out of range: raises
    ("index_select", (5, 7), C, lambda: [2, idx(0)], {}),              # bad dim: raises
    ("index_select", (5, 7), C, lambda: [0, idx([0, 1])], {}),         # 2-d index: raises
    ("gather", (5, 7), C, lambda: [1, idx([0, 6, 2], [1, 1, 1])], {}),
    ("gather", (5, 7), T, lambda: [0, idx([4, 0], [3, 3], [0, 1])], {}),
    ("gather", (2, 3, 4, 5), S, lambda: [-1, make_tensor((2, 3, 4, 2), L, seed=4, low=0, high=5)], {}),
    ("gather", (5, 7), E, lambda: [1, idx([0], [6])], {"sparse_grad": False}),
    ("gather", (), C, lambda: [0, torch.tensor(0)], {}),
    ("gather", (5, 7), C, lambda: [1, idx([7])], {}),                  # out of range: raises
    ("gather", (5, 7), C, lambda: [1, idx([-1])], {}),                 # negative: raises
    ("gather", (5, 7), C, lambda: [1, idx([[1]])], {}),                # rank mismatch: raises
    ("gather", (5, 7), C, lambda: [1, idx([0, 1], [1, 2]).to(torch.int32)], {}),
    ("gather", (5, 7), C, lambda: [1, idx([0, 1], [1, 2]).to(torch.int16)], {}),  # int16 index: raises
    ("take", (5, 7), C, lambda: [idx(0, 34, -1, -35, 17)], {}),
    ("take", (5, 7), T, lambda: [idx([1, 2], [3, 33])], {}),
    ("take", (), C, lambda: [idx(0, -1)], {}),
    ("take", (5, 7), C, lambda: [idx(35)], {}),                        # out of range: raises
    ("take", (5, 7), C, lambda: [idx(3, dtype=torch.int32)], {}),      # int32 index: raises
    ("embedding", (10, 4), C, lambda: [idx([1, 9, 0], [-0, 3, 3])], {}),
    ("embedding", (10, 4), T, lambda: [idx(2, 2, 7)], {"padding_idx": 2}),
    ("embedding", (10, 4), C, lambda: [torch.tensor(5)], {}),
    ("embedding", (10, 4), C, lambda: [idx(1, 3, dtype=torch.int32)], {}),
    ("embedding", (10, 4), C, lambda: [idx(10)], {}),                  # out of range: raises
    ("embedding", (10, 4), C, lambda: [idx(-1)], {}),                  # negative: raises
    ("embedding", (10, 4), C, lambda: [idx(1, dtype=torch.uint8)], {}),  # uint8 indices: raises
    ("masked_select", (5, 7), C, lambda: [mask((5, 7))], {}),
    ("masked_select", (5, 7), T, lambda: [mask((7,))], {}),
    ("masked_select", (3, 1, 4), S, lambda: [mask((2, 1, 4))], {}),    # broadcasts both ways
    ("masked_select", (), C, lambda: [torch.tensor(True)], {}),
    ("masked_select", (5, 7), C, lambda: [mask((5, 7)).to(torch.uint8)], {}),  # uint8 mask: raises
    ("masked_fill.Scalar", (5, 7), C, lambda: [mask((5, 7)), -2.5], {}),
    ("masked_fill.Scalar", (5, 7), T, lambda: [mask((7,)), 3], {}),
    ("masked_fill.Scalar", (5, 7), E, lambda: [mask((5, 7)), True], {}),
    ("masked_fill.Scalar", (5, 7), C, lambda: [mask((5, 7)).to(torch.uint8), 1], {}),  # uint8 mask: raises
    ("masked_fill.Tensor", (5, 7), S, lambda: [mask((5, 1)), torch.tensor(7.5)], {}),
    ("masked_fill.Tensor", (5, 7), C, lambda: [mask((5, 7)), torch.tensor([1.0])], {}),  # 1-d value: raises
    ("nonzero", (5, 7), C, lambda: [], {}),
    ("nonzero", (2, 3, 4, 5), T, lambda: [], {}),
    ("nonzero", (0, 3), C, lambda: [], {}),
    ("nonzero", (), C, lambda: [], {}),
]

SCATTER_CASES = [  # (op, self shape, layout, args maker, kwargs); scatter indices are unique per target
    ("scatter.src", (5, 7), C, lambda: [0, idx([4, 0, 2], [1, 3, 0]), make_tensor((2, 3), torch.float32, seed=8)], {}),
    ("scatter.src", (5, 7), T, lambda: [1, idx([6, -0, 2]), make_tensor((1, 3), torch.float32, seed=8)], {}),
    ("scatter.value", (5, 7), S, lambda: [1, idx([0, 1], [2, 3]), 2.5], {}),
    ("scatter.value", (5, 7), C, lambda: [0, idx([5]), 1.0], {}),       # out of range: raises
    ("scatter.reduce", (5, 7), C, lambda: [0, idx([1, 1, 1], [1, 1, 0]), make_tensor((2, 3), torch.float32, seed=8)],
     {"reduce": "add"}),
    ("scatter.reduce", (5, 7), T, lambda: [1, idx([2, 2, 2]), make_tensor((1, 3), torch.float32, seed=8)],
     {"reduce": "multiply"}),
    ("scatter.reduce", (5, 7), C, lambda: [1, idx([2]), make_tensor((1, 3), torch.float32, seed=8)],
     {"reduce": "max"}),                                                # not a scatter reduce mode: raises
    ("scatter.value_reduce", (5, 7), C, lambda: [0, idx([1, 1], [0, 1]), 2.0], {"reduce": "add"}),
    ("scatter.value_reduce", (5, 7), S, lambda: [1, idx([3, 3]), -1.5], {"reduce": "multiply"}),
    ("scatter_add", (5, 7), C, lambda: [0, idx([1, 1, 4], [1, 0, 4]), make_tensor((2, 3), torch.float32, seed=8)], {}),
    ("scatter_add", (5, 7), T, lambda: [-1, idx([6, 6]), make_tensor((3, 4), torch.float32, seed=8)], {}),
    ("scatter_add", (5, 7), C, lambda: [0, idx([-1]), make_tensor((1, 1), torch.float32, seed=8)], {}),  # raises
    ("scatter.src", (5, 7), C, lambda: [0, idx([1]), make_tensor((1, 1), torch.float64, seed=8)], {}),  # dtype: raises
]

INPLACE = {"scatter.src": "scatter_.src", "scatter.value": "scatter_.value", "scatter.reduce": "scatter_.reduce",
           "scatter.value_reduce": "scatter_.value_reduce", "scatter_add": "scatter_add_",
           "masked_fill.Scalar": "masked_fill_.Scalar", "masked_fill.Tensor": "masked_fill_.Tensor",
           "index_put": "index_put_"}
COVERED = covered("index.Tensor", "index_put", "index_put_", [c[0] for c in GATHER_CASES + SCATTER_CASES],
                  INPLACE.values())
DTYPES = [torch.float32] + [d for d in ALL_DTYPES if d != torch.float32]


def dtype_params(n_cases):
    for i in range(n_cases):
        yield i, torch.float32
    for dt in DTYPES[1:]:
        yield 0, dt


@pytest.mark.parametrize("i,dtype", list(dtype_params(len(INDEX_CASES))))
def test_index(i, dtype):
    shape, layout, ind = INDEX_CASES[i]
    check("aten::index.Tensor", lambda: ((make_tensor(shape, dtype, layout, seed=1), ind()), {}),
          what="%s %s %s case %d" % (dtype, shape, layout, i))


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("i,dtype", list(dtype_params(len(PUT_CASES))))
def test_index_put(i, dtype, inplace):
    shape, layout, ind, vshape, acc = PUT_CASES[i]
    op = "aten::index_put_" if inplace else "aten::index_put"

    def maker():
        return (make_tensor(shape, dtype, layout, seed=1), ind(), make_tensor(vshape, dtype, seed=2), acc), {}

    check(op, maker, inplace_arg=0 if inplace and layout != E else None,
          what="%s %s %s case %d" % (dtype, shape, layout, i))


def test_index_put_dtype_mismatch():
    """values of another dtype: torch raises, so must pyts."""
    check("aten::index_put_", lambda: ((make_tensor((5, 7), torch.float32), [idx(1)],
                                        make_tensor((7,), torch.float64)), {}))


@pytest.mark.parametrize("i,dtype", list(dtype_params(len(GATHER_CASES))))
def test_gather_family(i, dtype):
    op, shape, layout, args, kw = GATHER_CASES[i]
    if op == "embedding" and dtype != torch.float32 and i == 0:
        dtype = torch.float64 if dtype == torch.float64 else dtype
    check("aten::" + op, lambda: ((make_tensor(shape, dtype, layout, seed=1),) + tuple(args()), dict(kw)),
          what="%s %s %s case %d" % (dtype, shape, layout, i))


@pytest.mark.parametrize("i", [i for i, c in enumerate(GATHER_CASES) if c[0] in INPLACE])
def test_masked_fill_inplace(i):
    op, shape, layout, args, kw = GATHER_CASES[i]
    # on an expanded input torch writes through the aliased memory (with a deprecation warning)
    check("aten::" + INPLACE[op], lambda: ((make_tensor(shape, torch.float32, layout, seed=1),) + tuple(args()), kw),
          inplace_arg=0, what="%s %s case %d" % (shape, layout, i))


@pytest.mark.parametrize("op", ["scatter_.value", "scatter_add_", "index_put_"])
def test_inplace_on_expanded(op):
    """scatter_ into an expanded (self-overlapping) tensor raises in torch; index_put_ writes through."""
    args = {"scatter_.value": lambda: [0, idx([[1]]), 2.0],
            "scatter_add_": lambda: [0, idx([[1]]), torch.ones(1, 1)],
            "index_put_": lambda: [[idx(1)], torch.tensor(2.0)]}[op]
    check("aten::" + op, lambda: ((make_tensor((4, 3), torch.float32, E, seed=1),) + tuple(args()), {}),
          inplace_arg=0)


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("i,dtype", list(dtype_params(len(SCATTER_CASES))))
def test_scatter_family(i, dtype, inplace):
    op, shape, layout, args, kw = SCATTER_CASES[i]

    def maker():
        a = [x.to(dtype) if isinstance(x, torch.Tensor) and x.dtype == torch.float32 else x for x in args()]
        return (make_tensor(shape, dtype, layout, seed=1, special=False),) + tuple(a), dict(kw)

    check("aten::" + (INPLACE[op] if inplace else op), maker, inplace_arg=0 if inplace else None,
          what="%s %s %s case %d" % (dtype, shape, layout, i))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_nonzero_dtypes(dtype):
    check("aten::nonzero", lambda: ((make_tensor((4, 6), dtype, T, seed=3),), {}), what=str(dtype))
