"""Parity of attention (csrc/ops/nn/attention.c): scaled_dot_product_attention
and the CPU forms torch's graphs record (_scaled_dot_product_attention_math,
_scaled_dot_product_flash_attention_for_cpu), _safe_softmax and
_masked_softmax, _transform_bias_rescale_qkv, _native_multi_head_attention
(need_weights, average_attn_weights, key-padding / attention / merged masks),
_transformer_encoder_layer_fwd, and the nested-tensor ops of the encoder fast
path (_nested_tensor_from_mask[_left_aligned]; aten::to_padded_tensor, which
only takes a nested tensor, is run on one in tests/parity/models/
test_attention_models.py and checked here to refuse a dense tensor).

Cases: bool and float masks, masks broadcast from [L, S], [1, S], [B, 1, L, S],
is_causal with L < S and L > S, scale, enable_gqa, rows with every key masked
(0 from sdpa / math / flash, NaN from the masked softmax of the multi-head
fast path, as torch), float64 and float16, non-contiguous q/k/v (transposed,
strided, expanded), head dims 1 and 64, sequence lengths 1 and unequal q/k
lengths, batch dims broadcast between q, k and v, 2-D and 3-D inputs, and the
refusals (mask dtype, shapes, causal with a mask, 3-D input to flash).
Default torch.testing tolerances throughout."""
import pytest
import torch

from optest import check, covered, make_tensor
from test_nn import Cases

F32, F64, F16 = torch.float32, torch.float64, torch.float16
A = torch.ops.aten

# full names: test_coverage.py finds the "aten::..." strings of the test files
ATTENTION = ["aten::scaled_dot_product_attention", "aten::_scaled_dot_product_attention_math",
             "aten::_scaled_dot_product_flash_attention_for_cpu", "aten::_safe_softmax", "aten::_masked_softmax",
             "aten::_transform_bias_rescale_qkv", "aten::_native_multi_head_attention",
             "aten::_transformer_encoder_layer_fwd", "aten::_nested_tensor_from_mask",
             "aten::_nested_tensor_from_mask_left_aligned", "aten::to_padded_tensor"]
COVERED = covered(ATTENTION)

C = Cases()


def T(shape, dtype=F32, layout="contig", seed=0, low=-2.0, high=2.0):
    return make_tensor(shape, dtype, layout, seed=seed, special=False, low=low, high=high)


def bool_mask(shape, seed=5, full_rows=()):
    g = torch.Generator().manual_seed(seed)
    m = torch.rand(shape, generator=g) > 0.3
    for r in full_rows:  # a row (index on dim -2) with every key masked out
        m[..., r, :] = False
    return m


def float_mask(shape, dtype=F32, seed=6, full_rows=()):
    m = T(shape, dtype, seed=seed)
    g = torch.Generator().manual_seed(seed)
    m[torch.rand(shape, generator=g) > 0.7] = -float("inf")
    for r in full_rows:
        m[..., r, :] = -float("inf")
    return m


def qkv(qs, ks, vs, dtype=F32, layouts=("contig", "contig", "contig")):
    return T(qs, dtype, layouts[0], 1), T(ks, dtype, layouts[1], 2), T(vs, dtype, layouts[2], 3)


# float16: torch computes the scores, the softmax and both products in half
# precision (each rounding a relative 2**-11 = 4.9e-4), pyts in float32 then
# rounds once.  Scores here are |q.k| * E**-0.5 <= 8 * 4 / sqrt(8) = 11.3, so
# one half rounding moves a score by up to 11.3 * 4.9e-4 = 5.5e-3 and a weight
# by that relative amount; outputs (|v| <= 2, weights summing to 1) then move
# by up to 2 * 5.5e-3 = 1.1e-2 in the worst case, 2e-3 typical (random signs):
# atol 4e-3 with half's rtol 1e-3.
F16_TOL = {"rtol": 1e-3, "atol": 4e-3}


def sdpa_maker(qs, ks, vs, dtype=F32, layouts=("contig",) * 3, mask=None, **kw):
    def make():
        q, k, v = qkv(qs, ks, vs, dtype, layouts)
        m = mask() if mask else None
        return (q, k, v, m), dict(kw)
    return make


# ---- scaled_dot_product_attention and its math form ----------------------------------------

B, H, L, S, E = 2, 3, 5, 7, 8
BASE = [
    ("4d", (B, H, L, E), (B, H, S, E), (B, H, S, E)),
    ("3d", (H, L, E), (H, S, E), (H, S, E)),
    ("2d", (L, E), (S, E), (S, E)),
    ("value-dim-differs", (B, H, L, E), (B, H, S, E), (B, H, S, 6)),
    ("L1", (B, H, 1, E), (B, H, S, E), (B, H, S, E)),
    ("S1", (B, H, L, E), (B, H, 1, E), (B, H, 1, E)),
    ("L-longer", (B, H, 9, E), (B, H, 4, E), (B, H, 4, E)),
    ("head-dim-1", (B, H, L, 1), (B, H, S, 1), (B, H, S, 1)),
    ("head-dim-64", (B, 2, 6, 64), (B, 2, 10, 64), (B, 2, 10, 64)),
    ("batch-broadcast", (B, H, L, E), (1, H, S, E), (B, 1, S, E)),
    ("k-fewer-dims", (B, H, L, E), (S, E), (S, E)),
    ("empty-batch", (0, H, L, E), (0, H, S, E), (0, H, S, E)),
    ("empty-keys", (B, H, L, E), (B, H, 0, E), (B, H, 0, E)),
]
for op in ["scaled_dot_product_attention", "_scaled_dot_product_attention_math"]:
    for cid, qs, ks, vs in BASE:
        C.add(op, cid, sdpa_maker(qs, ks, vs))
    q4, k4, v4 = BASE[0][1:]
    C.add(op, "f64", sdpa_maker(q4, k4, v4, F64))
    C.add(op, "f16", sdpa_maker(q4, k4, v4, F16), **F16_TOL)
    for lay in ["transposed", "strided", "expanded"]:
        C.add(op, "qkv-" + lay, sdpa_maker(q4, k4, v4, layouts=(lay,) * 3))
    C.add(op, "mixed-layouts", sdpa_maker(q4, k4, v4, layouts=("strided", "transposed", "expanded")))
    C.add(op, "scale", sdpa_maker(q4, k4, v4, scale=0.3))
    C.add(op, "scale-negative", sdpa_maker(q4, k4, v4, scale=-0.7))
    C.add(op, "causal", sdpa_maker(q4, k4, v4, is_causal=True))
    C.add(op, "causal-L-longer", sdpa_maker((B, H, 9, E), (B, H, 4, E), (B, H, 4, E), is_causal=True))
    C.add(op, "causal-square-scale", sdpa_maker((B, H, 6, E), (B, H, 6, E), (B, H, 6, E), is_causal=True, scale=2.0))
    C.add(op, "gqa", sdpa_maker((B, 6, L, E), (B, 2, S, E), (B, 2, S, E), enable_gqa=True))
    C.add(op, "gqa-same-heads", sdpa_maker(q4, k4, v4, enable_gqa=True))
    C.add(op, "heads-mismatch-no-gqa", sdpa_maker((B, 6, L, E), (B, 2, S, E), (B, 2, S, E)))
    C.add(op, "gqa-not-dividing", sdpa_maker((B, 5, L, E), (B, 2, S, E), (B, 2, S, E), enable_gqa=True))
    # masks: float (additive) for both; bool masks mean "take part" to sdpa,
    # and are added as 0/1 by the math kernel (torch's own behaviour)
    for mdt in ["bool", "float"]:
        mk = (lambda s, **kw: (lambda: bool_mask(s, **kw))) if mdt == "bool" else \
             (lambda s, **kw: (lambda: float_mask(s, **kw)))
        C.add(op, mdt + "-mask-full", sdpa_maker(q4, k4, v4, mask=mk((B, H, L, S))))
        C.add(op, mdt + "-mask-LS", sdpa_maker(q4, k4, v4, mask=mk((L, S))))
        C.add(op, mdt + "-mask-1S", sdpa_maker(q4, k4, v4, mask=mk((1, S))))
        C.add(op, mdt + "-mask-B1LS", sdpa_maker(q4, k4, v4, mask=mk((B, 1, L, S))))
        C.add(op, mdt + "-mask-B11S", sdpa_maker(q4, k4, v4, mask=mk((B, 1, 1, S))))
        C.add(op, mdt + "-mask-rows-fully-masked", sdpa_maker(q4, k4, v4, mask=mk((B, H, L, S), full_rows=(0, 3))))
        C.add(op, mdt + "-mask-LS-fully-masked", sdpa_maker(q4, k4, v4, mask=mk((L, S), full_rows=(2,))))
        C.add(op, mdt + "-mask-3d-input", sdpa_maker((H, L, E), (H, S, E), (H, S, E), mask=mk((L, S))))
        C.add(op, mdt + "-mask-gqa", sdpa_maker((B, 6, L, E), (B, 2, S, E), (B, 2, S, E), mask=mk((B, 6, L, S)),
                                                enable_gqa=True))
        C.add(op, mdt + "-mask-not-broadcastable", sdpa_maker(q4, k4, v4, mask=mk((3, S))))
        C.add(op, mdt + "-mask-with-causal", sdpa_maker(q4, k4, v4, mask=mk((L, S)), is_causal=True))
    C.add(op, "f64-float-mask", sdpa_maker(q4, k4, v4, F64, mask=lambda: float_mask((L, S), F64)))
    C.add(op, "f16-bool-mask", sdpa_maker(q4, k4, v4, F16, mask=lambda: bool_mask((L, S))), **F16_TOL)
    C.add(op, "int-mask", sdpa_maker(q4, k4, v4, mask=lambda: bool_mask((L, S)).long()))
    C.add(op, "embed-mismatch", sdpa_maker((B, H, L, E), (B, H, S, 4), (B, H, S, E)))
    C.add(op, "dtype-mismatch", lambda: ((T((B, H, L, E)), T((B, H, S, E), F64), T((B, H, S, E))), {}))
    C.add(op, "int-inputs", sdpa_maker((B, H, L, E), (B, H, S, E), (B, H, S, E), torch.int64))
# torch's math kernel takes a 1-D query (matmul rules) and refuses keys and
# values of different lengths; its sdpa refuses the former and reads past
# the values for the latter (not compared)
C.add("_scaled_dot_product_attention_math", "kv-length-mismatch", sdpa_maker((B, H, L, E), (B, H, S, E), (B, H, 3, E)))
C.add("scaled_dot_product_attention", "1d-input", sdpa_maker((E,), (S, E), (S, E)))
C.add("_scaled_dot_product_attention_math", "float-mask-bool-quirk-LS",
      sdpa_maker(BASE[0][1], BASE[0][2], BASE[0][3], mask=lambda: bool_mask((L, S), full_rows=(1,))))

# ---- flash attention for cpu ---------------------------------------------------------------


def flash_maker(qs, ks, vs, dtype=F32, layouts=("contig",) * 3, mask=None, **kw):
    def make():
        q, k, v = qkv(qs, ks, vs, dtype, layouts)
        if mask:
            kw["attn_mask"] = mask()
        return (q, k, v), dict(kw)
    return make


FL = "_scaled_dot_product_flash_attention_for_cpu"
q4, k4 = (B, H, L, E), (B, H, S, E)
C.add(FL, "basic", flash_maker(q4, k4, k4))
C.add(FL, "f64", flash_maker(q4, k4, k4, F64))
# torch's flash kernel reads q/k/v as if their last dim were contiguous
# (transposed inputs give it garbage): non-contiguous cases keep a unit last stride
C.add(FL, "expanded", flash_maker(q4, k4, k4, layouts=("expanded",) * 3))
C.add(FL, "sliced", lambda: ((T((B, H, 2 * L, E))[:, :, ::2], T((B, 2 * H, S, E))[:, ::2], T((B, H, S, E))), {}))
C.add(FL, "causal", flash_maker(q4, k4, k4, is_causal=True))
C.add(FL, "causal-L-longer", flash_maker((B, H, 9, E), (B, H, 4, E), (B, H, 4, E), is_causal=True))
C.add(FL, "scale", flash_maker(q4, k4, k4, scale=0.25))
C.add(FL, "L1-S1", flash_maker((B, H, 1, E), (B, H, 1, E), (B, H, 1, E)))
C.add(FL, "head-dim-1", flash_maker((B, H, L, 1), (B, H, S, 1), (B, H, S, 1)))
C.add(FL, "head-dim-64", flash_maker((1, 2, 6, 64), (1, 2, 9, 64), (1, 2, 9, 64)))
C.add(FL, "float-mask-LS", flash_maker(q4, k4, k4, mask=lambda: float_mask((L, S))))
C.add(FL, "float-mask-B11S", flash_maker(q4, k4, k4, mask=lambda: float_mask((B, 1, 1, S))))
C.add(FL, "float-mask-fully-masked", flash_maker(q4, k4, k4, mask=lambda: float_mask((B, H, L, S), full_rows=(0, 4))))
C.add(FL, "bool-mask", flash_maker(q4, k4, k4, mask=lambda: bool_mask((L, S))))
C.add(FL, "3d-input", flash_maker((H, L, E), (H, S, E), (H, S, E)))
C.add(FL, "head-size-mismatch", flash_maker(q4, k4, (B, H, S, 6)))

# ---- softmaxes -------------------------------------------------------------------------------


def x_with_rows(shape, dtype=F32, full_rows=(), seed=7):
    x = T(shape, dtype, seed=seed, low=-4, high=4)
    for r in full_rows:
        x[..., r, :] = -float("inf")
    return x


for cid, shape, dim, dt, rows in [("rows", (3, 5, 7), -1, F32, ()), ("inf-rows", (3, 5, 7), -1, F32, (1, 4)),
                                  ("dim0", (4, 6), 0, F32, ()), ("f64", (2, 3, 4), 2, F64, (0,)),
                                  ("dim1-inf", (3, 5, 7), 1, F32, (2,)), ("0d", (), 0, F32, ()),
                                  ("empty", (0, 4), -1, F32, ())]:
    C.add("_safe_softmax", cid, lambda shape=shape, dim=dim, dt=dt, rows=rows: (
        (x_with_rows(shape, dt, rows) if len(shape) >= 2 else T(shape, dt), dim), {}))
C.add("_safe_softmax", "dtype-f64", lambda: ((x_with_rows((3, 5), F32, (1,)), -1), {"dtype": F64}))
C.add("_safe_softmax", "transposed", lambda: ((T((5, 7), layout="transposed"), -1), {}))

MS = "_masked_softmax"
C.add(MS, "same-shape", lambda: ((T((3, 5, 7)), ~bool_mask((3, 5, 7))), {}))
C.add(MS, "fully-masked-rows-nan", lambda: ((T((3, 5, 7)), ~bool_mask((3, 5, 7), full_rows=(1, 3))), {}))
C.add(MS, "dim1", lambda: ((T((3, 5, 7)), ~bool_mask((3, 5, 7))), {"dim": 1}))
C.add(MS, "f64", lambda: ((T((2, 4, 6), F64), ~bool_mask((2, 4, 6))), {}))
C.add(MS, "key-padding-type1", lambda: ((T((2, 3, 4, 4)), ~bool_mask((2, 4))), {"dim": -1, "mask_type": 1}))
C.add(MS, "key-padding-type1-full", lambda: ((T((2, 3, 4, 4)), torch.tensor([[True] * 4, [False, True, False, False]])),
                                              {"dim": -1, "mask_type": 1}))
C.add(MS, "merged-type2", lambda: ((T((2, 3, 4, 4)), ~bool_mask((2, 3, 4, 4))), {"dim": -1, "mask_type": 2}))
C.add(MS, "float-mask", lambda: ((T((3, 5)), T((3, 5))), {}))
# (torch's CPU kernel reads a transposed input as if it were contiguous: not compared)
C.add(MS, "sliced", lambda: ((T((5, 14))[:, ::2], ~bool_mask((5, 7))), {}))

# ---- multi-head attention --------------------------------------------------------------------


def params(D, dtype=F32, seed=20):
    """in/out projections with nn.Linear's init range (+-1/sqrt(D)): scores stay of order 1"""
    w = D ** -0.5
    return (T((3 * D, D), dtype, seed=seed, low=-w, high=w), T((3 * D,), dtype, seed=seed + 1),
            T((D, D), dtype, seed=seed + 2, low=-w, high=w), T((D,), dtype, seed=seed + 3))


def tbr_maker(shape, H, dtype=F32, layout="contig"):
    return lambda: ((T(shape, dtype, layout), T((shape[-1],), dtype, seed=9), H), {})


TBR = "_transform_bias_rescale_qkv"
C.add(TBR, "basic", tbr_maker((2, 5, 24), 2))
C.add(TBR, "heads4-f64", tbr_maker((2, 5, 24), 4, F64))
C.add(TBR, "dh1", tbr_maker((1, 3, 12), 4))
C.add(TBR, "strided", tbr_maker((2, 5, 24), 2, layout="strided"))
C.add(TBR, "not-divisible", tbr_maker((2, 5, 24), 3))


def mha_maker(Bn=2, Tn=6, D=8, Hn=2, dtype=F32, mask=None, cross=False, layout="contig", **kw):
    def make():
        x = T((Bn, Tn, D), dtype, layout, seed=1)
        k = T((Bn, Tn, D), dtype, layout, seed=2) if cross else x
        v = T((Bn, Tn, D), dtype, layout, seed=3) if cross else x
        m = mask() if mask else None
        return (x, k, v, D, Hn) + params(D, dtype) + (m,), dict(kw)
    return make


def kpm(Bn=2, Tn=6, full=False):
    m = torch.zeros(Bn, Tn, dtype=torch.bool)
    m[0, 4:] = True
    m[1, 1] = True
    if full:
        m[1, :] = True
    return m


MHA = "_native_multi_head_attention"
C.add(MHA, "no-mask", mha_maker())
C.add(MHA, "no-weights", mha_maker(need_weights=False))
C.add(MHA, "weights-per-head", mha_maker(average_attn_weights=False))
C.add(MHA, "f64", mha_maker(dtype=F64))
C.add(MHA, "cross", mha_maker(cross=True))
C.add(MHA, "strided", mha_maker(cross=True, layout="strided"))
C.add(MHA, "key-padding", mha_maker(mask=kpm, mask_type=1))
C.add(MHA, "key-padding-no-weights", mha_maker(mask=kpm, mask_type=1, need_weights=False))
C.add(MHA, "key-padding-fully-masked-nan", mha_maker(mask=lambda: kpm(full=True), mask_type=1))
C.add(MHA, "attn-mask-type0", mha_maker(mask=lambda: ~bool_mask((6, 6)), mask_type=0))
C.add(MHA, "merged-mask-type2", mha_maker(mask=lambda: ~bool_mask((2, 2, 6, 6)), mask_type=2))
C.add(MHA, "float-mask-nonzero-masks", mha_maker(mask=lambda: torch.tensor([[0.0, -1.0, 0, 0, 0, 0]] * 2),
                                                 mask_type=1))
C.add(MHA, "heads4-dh1", mha_maker(D=4, Hn=4))
C.add(MHA, "head-dim-64", mha_maker(Bn=1, Tn=5, D=128, Hn=2, need_weights=False))
C.add(MHA, "T1", mha_maker(Tn=1))
C.add(MHA, "empty", mha_maker(Bn=0))
C.add(MHA, "heads-not-dividing", mha_maker(Hn=3))
C.add(MHA, "2d-query", lambda: ((T((6, 8)), T((6, 8)), T((6, 8)), 8, 2) + params(8), {}))

ENC = "_transformer_encoder_layer_fwd"


def enc_maker(gelu=False, norm_first=False, D=8, Hn=2, F=16, dtype=F32, mask=None, Bn=2, Tn=6, **kw):
    def make():
        x = T((Bn, Tn, D), dtype, seed=1)
        p = params(D, dtype)
        ln = (T((D,), dtype, seed=30, low=0.5, high=1.5), T((D,), dtype, seed=31),
              T((D,), dtype, seed=32, low=0.5, high=1.5), T((D,), dtype, seed=33))
        ffn = (T((F, D), dtype, seed=34, low=-D ** -0.5, high=D ** -0.5), T((F,), dtype, seed=35),
               T((D, F), dtype, seed=36, low=-F ** -0.5, high=F ** -0.5), T((D,), dtype, seed=37))
        m = mask() if mask else None
        return (x, D, Hn) + p + (gelu, norm_first, 1e-5) + ln + ffn + (m,), dict(kw)
    return make


for gelu in (False, True):
    for nf in (False, True):
        C.add(ENC, "gelu%d-norm_first%d" % (gelu, nf), enc_maker(gelu, nf))
C.add(ENC, "f64", enc_maker(dtype=F64))
C.add(ENC, "key-padding", enc_maker(mask=kpm, mask_type=1))
C.add(ENC, "attn-mask", enc_maker(True, True, mask=lambda: ~bool_mask((6, 6)), mask_type=0))
C.add(ENC, "T1", enc_maker(Tn=1))
C.add(ENC, "empty", enc_maker(Bn=0))

# ---- nested tensors from masks ---------------------------------------------------------------


def nt_ref(t, mask, mask_check=True):
    """torch's nested tensor, as pyts holds it: padded back to t's shape with zeros."""
    return A.to_padded_tensor(A._nested_tensor_from_mask(t, mask, mask_check), 0.0, t.size())


LEFT = torch.tensor([[True, True, True, False, False], [True, True, True, True, True], [True, False, False, False, False]])
GAPS = torch.tensor([[True, False, True, False, False], [True, True, True, True, True], [False, True, False, False, False]])
for cid, m in [("left-aligned", LEFT), ("gaps", GAPS), ("all-true", torch.ones(3, 5, dtype=torch.bool))]:
    C.add("_nested_tensor_from_mask_left_aligned", cid, lambda m=m: ((T((3, 5, 4)), m), {}))
    C.add("_nested_tensor_from_mask", cid, lambda m=m: ((T((3, 5, 4)), m), {}), ref=nt_ref)
    C.add("_nested_tensor_from_mask", cid + "-unchecked", lambda m=m: ((T((3, 5, 4)), m, False), {}), ref=nt_ref)
C.add("_nested_tensor_from_mask", "strided-f64", lambda: ((T((3, 5, 4), F64, "strided"), LEFT), {}), ref=nt_ref)
C.add("to_padded_tensor", "dense-refused", lambda: ((T((3, 5, 4)), 0.0), {}))


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_attention(op, maker, kw):
    check(op, maker, **kw)


def test_all_ops_have_cases():
    missing = sorted(set(COVERED) - C.ops)
    assert not missing, "ops without a parity case: %s" % missing


# NaN and +-inf in the inputs (make_tensor's specials at elements 0-2 of q or v):
# NaN/inf rows propagate as in torch
def special_maker(op, which, mask=None):
    def make():
        q, k, v = qkv((B, H, L, E), (B, H, S, E), (B, H, S, E))
        sp = make_tensor(q.shape if which == "q" else v.shape, F32, seed=4)
        if which == "q":
            q = sp
        else:
            v = sp
        args = (q, k, v) if op == FL else (q, k, v, mask() if mask else None)
        kw = {"attn_mask": mask()} if op == FL and mask else {}
        return args, kw
    return make


SPECIAL_CASES = []
for op in ["scaled_dot_product_attention", "_scaled_dot_product_attention_math", FL]:
    for which in ["q", "v"]:
        SPECIAL_CASES.append(pytest.param(op, special_maker(op, which), id="%s-special-%s" % (op, which)))
        SPECIAL_CASES.append(pytest.param(op, special_maker(op, which, lambda: float_mask((L, S), full_rows=(0,))),
                                          id="%s-special-%s-masked" % (op, which)))


@pytest.mark.parametrize("op,maker", SPECIAL_CASES)
def test_attention_specials(op, maker):
    check(op, maker)


def test_sdpa_dropout_matches_torch():
    """scaled_dot_product_attention with dropout_p > 0 takes torch's math path on
    CPU (probabilities, dropout from the seeded generator, @ value): after
    torch.manual_seed(s) and pyts.manual_seed(s) the results agree at float
    tolerance (the dropout mask itself bit for bit)."""
    import numpy as _np
    import pyts as _pyts
    from pyts import _C as _c
    from optest import assert_same, make_tensor as _mk

    for dt in (torch.float32, torch.float64):
        for qs, ks, mask, causal, p in (((2, 3, 4, 8), (2, 3, 5, 8), None, False, 0.3),
                                         ((3, 6, 4), (3, 6, 4), None, True, 0.5),
                                         ((2, 2, 4, 8), (2, 2, 4, 8), "bool", False, 0.1),
                                         ((2, 2, 4, 8), (2, 2, 4, 8), "float", False, 1.0),
                                         ((0, 2, 4, 8), (0, 2, 4, 8), None, False, 0.2)):
            q = _mk(qs, dt, "contig", seed=1, special=False)
            k = _mk(ks, dt, "transposed", seed=2, special=False)
            v = _mk(ks, dt, "contig", seed=3, special=False)
            m = None
            if mask == "bool":
                m = torch.rand(qs[-2], ks[-2], generator=torch.Generator().manual_seed(4)) > 0.3
            elif mask == "float":
                m = _mk((qs[-2], ks[-2]), dt, seed=5, special=False)
            for seed in (0, 7):
                torch.manual_seed(seed)
                exp = torch.ops.aten.scaled_dot_product_attention(q, k, v, m, p, causal)
                _pyts.manual_seed(seed)
                got = _c.call_op("aten::scaled_dot_product_attention", q.numpy(), k.numpy(), v.numpy(),
                                 None if m is None else m.numpy(), p, causal)
                assert_same(_np.asarray(got), exp, "sdpa dropout %s %s %s %s seed %d" % (dt, qs, mask, p, seed), None, None)
    # a probability outside [0, 1] is refused as torch refuses it
    q = _mk((2, 3, 4), torch.float32, seed=1, special=False)
    try:
        torch.ops.aten.scaled_dot_product_attention(q, q, q, None, 1.5)
        torch_raised = False
    except RuntimeError:
        torch_raised = True
    try:
        _c.call_op("aten::scaled_dot_product_attention", q.numpy(), q.numpy(), q.numpy(), None, 1.5)
        pyts_raised = False
    except _pyts.Error:
        pyts_raised = True
    assert torch_raised and pyts_raised
