"""Parity of shape and view ops: results, and storage sharing (a pyts result
shares its input's memory exactly when torch's does), on contiguous,
transposed, step-sliced, expanded, empty and 0-dim inputs; bad arguments
raise in both engines."""
import numpy as np
import pytest
import torch

from optest import ALL_DTYPES, check, covered, make_tensor

T = "transposed"
S = "strided"
E = "expanded"
C = "contig"

# (op, input shape, input layout, args after self, kwargs)
VIEW_CASES = [
    ("view", (5, 7), C, [[35]], {}),
    ("view", (5, 7), C, [[-1, 5]], {}),
    ("view", (2, 3, 4, 5), C, [[6, 1, -1]], {}),
    ("view", (2, 3, 4, 5), S, [[6, 4, 5]], {}),        # merging step-sliced dims: not viewable
    ("view", (2, 3, 4, 5), S, [[2, 12, 5]], {}),       # keeps the sliced last dim: viewable
    ("view", (5, 7), T, [[35]], {}),                   # torch raises
    ("view", (5, 7), E, [[35]], {}),                   # torch raises
    ("view", (5, 7), E, [[5, 7, 1]], {}),
    ("view", (), C, [[1, 1]], {}),
    ("view", (1,), C, [[]], {}),
    ("view", (0, 3), C, [[3, 0, 2]], {}),
    ("view", (0, 3), C, [[-1]], {}),
    ("view", (5, 7), C, [[36]], {}),                   # wrong numel
    ("view", (5, 7), C, [[-1, -1]], {}),
    ("reshape", (5, 7), C, [[7, 5]], {}),
    ("reshape", (5, 7), T, [[35]], {}),                # copies
    ("reshape", (2, 3, 4, 5), S, [[6, -1]], {}),
    ("reshape", (2, 3, 4, 5), S, [[2, 12, 5]], {}),
    ("reshape", (5, 7), E, [[35]], {}),
    ("reshape", (), C, [[1]], {}),
    ("reshape", (0, 3), C, [[0, -1]], {}),           # -1 with zero elements: torch raises
    ("reshape", (5, 7), C, [[4, -1]], {}),
    ("view_as", (5, 7), C, [make_tensor((7, 5), torch.float32)], {}),
    ("reshape_as", (5, 7), T, [make_tensor((35,), torch.float32)], {}),
    ("flatten.using_ints", (2, 3, 4, 5), C, [], {}),
    ("flatten.using_ints", (2, 3, 4, 5), T, [1, 2], {}),
    ("flatten.using_ints", (2, 3, 4, 5), S, [-3, -2], {}),
    ("flatten.using_ints", (), C, [], {}),
    ("flatten.using_ints", (5, 7), C, [1, 0], {}),     # start > end: raises
    ("unflatten.int", (6, 5), C, [0, [2, 3]], {}),
    ("unflatten.int", (6, 5), T, [-1, [5, -1]], {}),
    ("unflatten.int", (6, 5), C, [1, [2, 2]], {}),
    ("permute", (2, 3, 4, 5), C, [[3, 0, 2, 1]], {}),
    ("permute", (2, 3, 4, 5), S, [[-1, -2, 0, 1]], {}),
    ("permute", (5, 7), C, [[0, 0]], {}),
    ("permute", (), C, [[]], {}),
    ("transpose.int", (2, 3, 4, 5), C, [1, -1], {}),
    ("transpose.int", (5, 7), E, [0, 1], {}),
    ("transpose.int", (), C, [0, -1], {}),
    ("transpose.int", (5, 7), C, [0, 2], {}),
    ("swapaxes", (2, 3, 4, 5), S, [0, 3], {}),
    ("t", (5, 7), C, [], {}),
    ("t", (7,), C, [], {}),
    ("t", (), C, [], {}),
    ("t", (2, 3, 4), C, [], {}),
    ("transpose_", (5, 7), S, [0, 1], {}),
    ("t_", (5, 7), T, [], {}),
    ("squeeze", (3, 1, 4), C, [], {}),
    ("squeeze", (1, 1), C, [], {}),
    ("squeeze.dim", (3, 1, 4), C, [1], {}),
    ("squeeze.dim", (3, 1, 4), C, [0], {}),
    ("squeeze.dim", (3, 1, 4), C, [-2], {}),
    ("squeeze.dim", (), C, [0], {}),
    ("squeeze.dims", (1, 3, 1, 4), C, [[0, 2, 3]], {}),
    ("squeeze.dims", (1, 3, 1, 4), C, [[-2]], {}),
    ("squeeze_", (3, 1, 4), C, [], {}),
    ("squeeze_.dim", (3, 1, 4), C, [1], {}),
    ("squeeze_.dims", (1, 3, 1, 4), C, [[0, 2]], {}),
    ("unsqueeze", (5, 7), C, [0], {}),
    ("unsqueeze", (5, 7), T, [-1], {}),
    ("unsqueeze", (5, 7), S, [1], {}),
    ("unsqueeze", (), C, [0], {}),
    ("unsqueeze", (5, 7), C, [3], {}),
    ("unsqueeze_", (5, 7), C, [2], {}),
    ("expand", (3, 1, 4), C, [[2, 3, 5, 4]], {}),
    ("expand", (3, 1, 4), C, [[-1, 6, -1]], {}),
    ("expand", (3, 1, 4), C, [[3, 2, 4]], {"implicit": True}),
    ("expand", (), C, [[2, 3]], {}),
    ("expand", (3, 1, 4), C, [[3, 2, 5]], {}),
    ("expand", (5, 7), T, [[2, 5, 7]], {}),
    ("expand", (3, 1, 4), C, [[0, 4]], {}),
    ("expand_as", (3, 1, 4), C, [make_tensor((2, 3, 5, 4), torch.float32)], {}),
    ("select.int", (2, 3, 4, 5), C, [1, 2], {}),
    ("select.int", (2, 3, 4, 5), S, [-1, -1], {}),
    ("select.int", (5, 7), T, [0, -5], {}),
    ("select.int", (5, 7), C, [0, 5], {}),
    ("select.int", (5, 7), C, [0, -6], {}),
    ("select.int", (5,), C, [0, 0], {}),
    ("select.int", (), C, [0, 0], {}),
    ("slice.Tensor", (5, 7), C, [], {}),
    ("slice.Tensor", (5, 7), C, [1, 1, 6, 2], {}),
    ("slice.Tensor", (5, 7), T, [0, -3, None], {}),
    ("slice.Tensor", (5, 7), S, [1, None, -1, 3], {}),
    ("slice.Tensor", (5, 7), C, [0, 4, 2], {}),
    ("slice.Tensor", (5, 7), C, [0, -100, 100], {}),
    ("slice.Tensor", (0, 3), C, [0, 0, 5], {}),
    ("slice.Tensor", (5, 7), C, [1, 0, 7, 0], {}),     # step 0: raises
    ("slice.Tensor", (5, 7), C, [1, 0, 7, -1], {}),    # negative step: raises
    ("narrow", (5, 7), C, [1, 2, 3], {}),
    ("narrow", (5, 7), T, [0, -3, 2], {}),
    ("narrow", (5, 7), C, [1, 5, 3], {}),
    ("narrow.Tensor", (5, 7), S, [1, torch.tensor(1), 2], {}),
    ("movedim.int", (2, 3, 4, 5), C, [0, -1], {}),
    ("movedim.int", (2, 3, 4, 5), S, [3, 1], {}),
    ("movedim.intlist", (2, 3, 4, 5), C, [[0, 1], [-1, 0]], {}),
    ("movedim.intlist", (2, 3, 4, 5), C, [[0, 0], [1, 2]], {}),
    ("moveaxis.int", (2, 3, 4, 5), T, [1, 2], {}),
    ("moveaxis.intlist", (2, 3, 4, 5), C, [[2], [0]], {}),
    ("alias", (5, 7), S, [], {}),
    ("contiguous", (5, 7), C, [], {}),
    ("contiguous", (5, 7), T, [], {}),
    ("contiguous", (2, 3, 4, 5), S, [], {"memory_format": torch.contiguous_format}),
    ("contiguous", (5, 7), E, [], {}),
    ("clone", (5, 7), C, [], {}),
    ("clone", (5, 7), T, [], {"memory_format": torch.contiguous_format}),
    ("clone", (2, 3, 4, 5), S, [], {"memory_format": torch.preserve_format}),
    ("lift_fresh_copy", (5, 7), C, [], {}),
    ("lift_fresh_copy", (2, 3, 4, 5), S, [], {}),
    ("lift_fresh_copy", (5, 7), T, [], {}),
    ("lift_fresh_copy", (0, 3), C, [], {}),
    ("lift_fresh_copy", (), C, [], {}),
    ("permute_copy", (2, 3, 4, 5), S, [[1, 0, 3, 2]], {}),
]

SPLIT_CASES = [
    ("split.Tensor", (7, 5), C, [3], {}),
    ("split.Tensor", (7, 5), T, [2, 1], {}),
    ("split.Tensor", (7, 5), C, [10], {}),
    ("split.Tensor", (0, 5), C, [2], {}),
    ("split.Tensor", (7, 5), C, [0], {}),              # split_size 0 on a non-empty dim: raises
    ("split.sizes", (7, 5), C, [[3, 4]], {}),
    ("split.sizes", (7, 5), S, [[1, 0, 4], 1], {}),
    ("split.sizes", (7, 5), C, [[3, 3]], {}),          # sizes do not add up: raises
    ("split", (7, 5), C, [[2, 5]], {}),
    ("split_with_sizes", (7, 5), T, [[2, 2, 1], -1], {}),
    ("chunk", (7, 5), C, [3], {}),
    ("chunk", (7, 5), S, [2, 1], {}),
    ("chunk", (7, 5), C, [10], {}),
    ("chunk", (0, 5), C, [2], {}),
    ("chunk", (7, 5), C, [0], {}),                     # raises
    ("unbind.int", (3, 1, 4), C, [], {}),
    ("unbind.int", (3, 1, 4), T, [-1], {}),
    ("unbind.int", (0, 3), C, [0], {}),
]

COPY_CASES = [  # ops that return new tensors: (op, shape, layout, args, kwargs)
    ("flip", (2, 3, 4, 5), C, [[0, -1]], {}),
    ("flip", (5, 7), T, [[1]], {}),
    ("flip", (5, 7), E, [[0, 1]], {}),
    ("flip", (), C, [[0]], {}),
    ("flip", (5, 7), C, [[]], {}),
    ("flip", (5, 7), C, [[0, 0]], {}),
    ("roll", (5, 7), C, [[2]], {}),                      # flattened
    ("roll", (5, 7), T, [[-3], [1]], {}),
    ("roll", (2, 3, 4, 5), S, [[1, 9], [0, -1]], {}),
    ("roll", (0, 3), C, [[1], [0]], {}),
    ("roll", (5, 7), C, [[1, 2], [0]], {}),              # lengths differ: raises
    ("repeat", (3, 1, 4), C, [[2, 3, 1]], {}),
    ("repeat", (5, 7), T, [[2, 1, 2]], {}),
    ("repeat", (), C, [[3, 2]], {}),
    ("repeat", (5, 7), E, [[1, 0]], {}),
    ("repeat", (5, 7), C, [[2]], {}),                    # fewer repeats than dims: raises
]

VIEW_OPS = {c[0] for c in VIEW_CASES + SPLIT_CASES} - {"clone", "lift_fresh_copy", "permute_copy"}
LIST_OPS = ("cat", "concat", "concatenate", "stack")
COVERED = covered([c[0] for c in VIEW_CASES + SPLIT_CASES + COPY_CASES], LIST_OPS)
DTYPES = [torch.float32] + [d for d in ALL_DTYPES if d != torch.float32]


def params(cases):
    seen = set()
    for i, (op, shape, layout, args, kw) in enumerate(cases):
        yield i, torch.float32
        if op not in seen:  # every dtype for the first case of each op
            seen.add(op)
            for dt in DTYPES[1:]:
                yield i, dt


def run_case(case, dtype):
    op, shape, layout, args, kw = case

    def maker():
        a = [x.clone() if isinstance(x, torch.Tensor) else x for x in args]
        return (make_tensor(shape, dtype, layout, seed=1),) + tuple(a), dict(kw)

    check("aten::" + op, maker, view_of=0 if op in VIEW_OPS else None,
          what="%s %s %s %r %r" % (dtype, shape, layout, args, kw))


@pytest.mark.parametrize("i,dtype", list(params(VIEW_CASES)))
def test_views(i, dtype):
    run_case(VIEW_CASES[i], dtype)


@pytest.mark.parametrize("i,dtype", list(params(SPLIT_CASES)))
def test_split(i, dtype):
    run_case(SPLIT_CASES[i], dtype)


@pytest.mark.parametrize("i,dtype", list(params(COPY_CASES)))
def test_copies(i, dtype):
    run_case(COPY_CASES[i], dtype)


def test_view_writes_through():
    """A pyts view and its base are one storage: a write to the base shows
    through the view.  (Views of NumPy inputs come back read-only, so the
    opposite direction - an in-place op on a view - is tested in C, in
    tests/c/test_ops.c, and through in-place ops on strided inputs here.)"""
    from pyts import _C

    base = np.arange(35, dtype=np.float32).reshape(5, 7)
    v = _C.call_op("aten::slice.Tensor", base, 1, 1, 6, 2)
    row = _C.call_op("aten::select.int", base, 0, 2)
    base[2] = -1
    assert np.shares_memory(v, base) and (v[2] == -1).all() and (row == -1).all()


# (tensors: list of (shape, dtype, layout)), args, kwargs
LIST_CASES = [
    ([((2, 3), torch.float32, C), ((4, 3), torch.float32, T)], [0], {}),
    ([((2, 3), torch.float32, C), ((2, 5), torch.float32, S)], [-1], {}),
    ([((2, 3), torch.int32, C), ((1, 3), torch.float16, C), ((2, 3), torch.int64, E)], [0], {}),
    ([((2, 3), torch.bool, C), ((2, 3), torch.uint8, C)], [1], {}),
    ([((2, 3), torch.float32, C), ((0,), torch.float32, C)], [0], {}),     # legacy empty 1-d skipped
    ([((0, 3), torch.float32, C), ((2, 3), torch.float32, C)], [0], {}),
    ([((2, 3), torch.float32, C)], [], {}),
    ([((2, 3), torch.float32, C), ((2, 4), torch.float32, C)], [0], {}),    # size mismatch: raises
    ([((2, 3), torch.float32, C), ((2, 3, 1), torch.float32, C)], [0], {}),  # rank mismatch: raises
    ([((2, 3), torch.float32, C), ((2, 3), torch.float32, C)], [2], {}),     # bad dim: raises
    ([((), torch.float32, C), ((), torch.float32, C)], [0], {}),             # 0-dim: cat raises, stack works
    ([], [0], {}),                                                          # empty list: raises
]


@pytest.mark.parametrize("op", LIST_OPS)
@pytest.mark.parametrize("i", range(len(LIST_CASES)))
def test_cat_stack(op, i):
    specs, args, kw = LIST_CASES[i]
    if op == "stack" and i in (0, 1, 2, 4, 5):  # stack needs equal shapes: make them so
        specs = [((2, 3), dt, lay) for _, dt, lay in specs]

    def maker():
        ts = [make_tensor(s, dt, lay, seed=k) for k, (s, dt, lay) in enumerate(specs)]
        return (ts,) + tuple(args), dict(kw)

    check("aten::" + op, maker, what="%r %r" % (specs, args))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_cat_stack_dtypes(dtype):
    for op in ("cat", "stack"):
        check("aten::" + op, lambda: (([make_tensor((3, 4), dtype, T, seed=1), make_tensor((3, 4), dtype, S, seed=2)],
                                        1), {}), what=str(dtype))
