"""Parity of csrc/ops/shape/stack.c: hstack / vstack / dstack / column_stack,
tensor_split / hsplit / vsplit / dsplit / unsafe_split, rot90, diagflat,
block_diag, cartesian_prod, combinations, repeat_interleave, _chunk_cat,
unfold and the *_copy forms of views."""
import pytest
import torch

from optest import ALL_DTYPES, check, covered, make_tensor

DTS = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.uint8, torch.bool]

# op -> cases; a case is (list of tensor shapes for a Tensor[] argument | a single shape, extra args...)
LIST_OPS = {
    "hstack": [[(3,), (4,)], [(2, 3), (2, 1)], [(2, 3, 4), (2, 0, 4)], [()], [(), ()], [(2, 3), (3, 3)]],
    "vstack": [[(3,), (3,)], [(2, 3), (1, 3)], [()], [(2, 3, 4), (1, 3, 4)], [(3,), (4,)]],
    "dstack": [[(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 4), (2, 3, 1)], [()], [(2, 3), (3, 2)]],
    "column_stack": [[(3,), (3, 2), ()], [(2, 3), (2,)], [(0,), (0, 3)], [(3,), (4,)]],
    "block_diag": [[(2, 3), (1,), (), (2, 2)], [(0, 3), (2,)], [(3, 4)], [(2, 2, 2)]],
    "cartesian_prod": [[(3,), (2,), (4,)], [(3,)], [(0,), (2,)], [(2, 2), (3,)]],
    "_chunk_cat": [[[(6, 4), (3, 4)], 0, 2], [[(2, 5), (2, 7, 2)], 1, 3], [[(4, 3)], -1, 4], [[(2, 0), (2, 3)], 1, 2],
                   [[(2, 3), (3, 3)], 1, 2], [[(3,)], 0, 0]],
}
SELF_OPS = {
    "tensor_split.sections": [[(7, 5), 3], [(7, 5), 2, 1], [(4,), 6], [(5, 7), 0], [(), 2]],
    "tensor_split.indices": [[(7, 5), [1, 4]], [(7, 5), [2, 2, 9], 1], [(6,), [-2, 3]], [(6,), [4, 1]], [(6,), []]],
    "hsplit.int": [[(4, 6), 3], [(6,), 2], [(4, 6), 4], [(), 1]],
    "hsplit.array": [[(4, 6), [1, 3]], [(6,), [2]]],
    "vsplit.int": [[(4, 6), 2], [(6,), 2], [(4, 6, 2), 4]],
    "vsplit.array": [[(4, 6), [1, 3]]],
    "dsplit.int": [[(2, 3, 4), 2], [(2, 3), 1], [(2, 3, 4), 3]],
    "dsplit.array": [[(2, 3, 4), [1, 3]]],
    "unsafe_split.Tensor": [[(7, 5), 3], [(7, 5), 2, 1]],
    "rot90": [[(3, 4), 1], [(3, 4), 2], [(3, 4), 3], [(3, 4), 4], [(3, 4), -1], [(2, 3, 4), 1, [2, 0]],
              [(3, 4), 1, [0, 0]], [(3,), 1], [(3, 4), 1, [0, 1, 2]], [(0, 3), 1]],
    "diagflat": [[(3,)], [(2, 2), 1], [(2, 3), -2], [()], [(0,)]],
    "combinations": [[(4,)], [(4,), 3], [(4,), 2, True], [(3,), 5], [(3,), 0], [(3,), 1], [(0,), 2], [(3, 2)], [(4,), -1],
                     [(3,), 4, True]],
    "unfold": [[(7, 5), 0, 3, 2], [(7, 5), 1, 5, 1], [(7, 5), -1, 2, 3], [(), 0, 1, 1], [(7, 5), 0, 8, 1],
               [(7, 5), 0, 2, 0], [(0, 3), 1, 2, 1]],
    "unfold_copy": [[(7, 5), 0, 3, 2], [(), 0, 1, 1]],
    "narrow_copy": [[(7, 5), 0, 2, 3], [(7, 5), -1, 1, 4], [(7, 5), 0, 6, 3]],
    "expand_copy": [[(3, 1), [2, 3, 4]], [(3, 1), [-1, 2]], [(), [2]]],
    "alias_copy": [[(3, 4)], [()]],
    "squeeze_copy": [[(3, 1, 4)], [()]],
    "squeeze_copy.dim": [[(3, 1, 4), 1], [(3, 1, 4), 0]],
    "squeeze_copy.dims": [[(1, 3, 1), [0, 2]]],
    "t_copy": [[(3, 4)], [(3,)]],
    "transpose_copy.int": [[(2, 3, 4), 0, 2]],
    "unsqueeze_copy": [[(3, 4), 1], [(), 0]],
    "view_copy": [[(3, 4), [4, 3]], [(3, 4), [-1]]],
    "unbind_copy.int": [[(3, 4)], [(3, 4), 1]],
    "split_with_sizes_copy": [[(5, 4), [2, 3]], [(5, 4), [1, 3], 1]],
    "select_copy.int": [[(3, 4), 0, 1], [(3, 4), 1, -1], [(2, 3, 4), 2, 0], [(3,), 0, 2]],
    "slice_copy.Tensor": [[(7, 5)], [(7, 5), 0, 1, 6, 2], [(7, 5), 1, -3], [(7, 5), 0, 0, -1, 2], [(7, 5), 0, 5, 2],
                          [(7, 5), -1, None, None, 3], [(0, 3), 1, 1]],
    "split_copy.Tensor": [[(5, 4), 2], [(5, 4), 3, 1], [(0, 4), 2]],
    "detach_copy": [[(3, 4)], [()], [(0, 2)]],
}
COVERED = covered(LIST_OPS, SELF_OPS, "repeat_interleave.Tensor", "repeat_interleave.self_Tensor",
                  "repeat_interleave.self_int", "tensor_split.tensor_indices_or_sections")


def _params(table):
    for op, variants in table.items():
        for i, v in enumerate(variants):
            yield op, i, v


@pytest.mark.parametrize("op,i,v", list(_params(LIST_OPS)))
def test_list_ops(op, i, v):
    shapes, rest = (v[0], v[1:]) if op == "_chunk_cat" else (v, [])
    for dt in DTS:
        for layout in ("contig", "transposed", "strided"):
            check("aten::" + op, lambda: ([[make_tensor(s, dt, layout, seed=k) for k, s in enumerate(shapes)]] + list(rest),
                                         {}), what="%s %s %s" % (dt, layout, v))
    # mixed dtypes promote where torch promotes
    check("aten::" + op, lambda: ([[make_tensor(s, torch.int32 if k % 2 else torch.float32, seed=k)
                                    for k, s in enumerate(shapes)]] + list(rest), {}), what="mixed %s" % (v,))


@pytest.mark.parametrize("op,i,v", list(_params(SELF_OPS)))
def test_self_ops(op, i, v):
    shape, rest = v[0], v[1:]
    is_view = op.split(".")[0] in ("tensor_split", "hsplit", "vsplit", "dsplit", "unfold")
    for dt in DTS:
        for layout in ("contig", "transposed", "strided", "expanded"):
            check("aten::" + op, lambda: ((make_tensor(shape, dt, layout),) + tuple(rest), {}),
                  view_of=0 if is_view else None, what="%s %s %s %r" % (dt, layout, shape, rest))


def test_tensor_split_tensor():
    for idx in ([1, 4], [3], [], 3, 2, [-1, 9]):
        for dtype in (torch.int64, torch.int32):
            check("aten::tensor_split.tensor_indices_or_sections",
                  lambda: ((make_tensor((7, 5), torch.float32, "transposed"), torch.tensor(idx, dtype=dtype)), {}),
                  view_of=0, what="%r %s" % (idx, dtype))
    check("aten::tensor_split.tensor_indices_or_sections",
          lambda: ((make_tensor((7, 5), torch.float32), torch.tensor([[1, 2]])), {}), what="2-D indices")
    check("aten::tensor_split.tensor_indices_or_sections",
          lambda: ((make_tensor((7, 5), torch.float32), torch.tensor(3), 1), {}), what="dim 1")


def test_repeat_interleave():
    for reps in ([1, 0, 3, 2], [2], [], [0, 0]):
        for dtype in (torch.int64, torch.int32):
            check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor(reps, dtype=dtype),), {}), what="%r" % reps)
    check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor([1, 2]),), {"output_size": 3}), what="output_size")
    check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor([1, 2]),), {"output_size": 4}), what="bad size")
    check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor([1, -2]),), {}), what="negative")
    check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor([1.0, 2.0]),), {}), what="float repeats")
    check("aten::repeat_interleave.Tensor", lambda: ((torch.tensor([[1, 2]]),), {}), what="2-D repeats")
    for dt in DTS:
        for layout in ("contig", "transposed", "expanded"):
            x = lambda: make_tensor((3, 4), dt, layout)
            check("aten::repeat_interleave.self_int", lambda: ((x(), 2), {}), what="%s %s flat" % (dt, layout))
            check("aten::repeat_interleave.self_int", lambda: ((x(), 3, 1), {}), what="%s %s dim 1" % (dt, layout))
            check("aten::repeat_interleave.self_Tensor", lambda: ((x(), torch.tensor([1, 0, 2]), 0), {}),
                  what="%s %s tensor dim 0" % (dt, layout))
            check("aten::repeat_interleave.self_Tensor", lambda: ((x(), torch.tensor([2]), -1), {}),
                  what="%s %s one repeat" % (dt, layout))
            check("aten::repeat_interleave.self_Tensor", lambda: ((x(), torch.tensor(2)), {}),
                  what="%s %s 0-d repeat flat" % (dt, layout))
    check("aten::repeat_interleave.self_Tensor", lambda: ((make_tensor((3, 4), torch.float32), torch.tensor([1, 2]), 0), {}),
          what="size mismatch")
    check("aten::repeat_interleave.self_int", lambda: ((make_tensor((), torch.float32), 3), {}), what="0-d")
    check("aten::repeat_interleave.self_int", lambda: ((make_tensor((0, 2), torch.float32), 3, 1), {}), what="empty")
    check("aten::repeat_interleave.self_int", lambda: ((make_tensor((2, 2), torch.float32), 2, 0), {"output_size": 4}),
          what="output_size")
