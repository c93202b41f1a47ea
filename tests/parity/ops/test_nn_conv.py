"""Parity of convolutions (csrc/ops/nn/conv.c): conv1d/2d/3d with int and
string ("same"/"valid") padding, stride, dilation, groups (incl. depthwise
and channel multipliers), no bias, unbatched and empty-batch inputs;
conv_transpose1d/2d/3d with output_padding; the generic `convolution` and
the `_convolution` forms traced code calls (13 and 12 arguments) - every
dtype, contiguous / transposed / strided / expanded / channels-last inputs,
and the refusals (bad channels, groups, kernel larger than the input...)."""
import numpy as np
import pytest
import torch

import pyts
from optest import assert_same, check
from test_nn import CONV, DTYPES, F16, F32, F64, Cases, T, W, assert_table_covers, dname

C = Cases()


# Tolerance of a float32 convolution: every output is a sum of K products
# (K = input channels per group x kernel elements), which two correct engines
# round in different orders (im2col + OpenBLAS's kernel of the machine, picked
# at run time or forced with OPENBLAS_CORETYPE, against torch's own).  Partial
# sums of K terms of rms s grow like sqrt(k)*s and each addition rounds by up to
# u*|partial sum|, so the difference is a random walk of rms ~u*K*s; five
# standard deviations of the difference of two such walks, 5*sqrt(2)*u*K*s,
# bound it (s ~ 1 for these inputs: |x| <= 3 uniform, rms 1.73; |w| <= 1
# uniform, rms 0.58).  It scales with the reduction length as the error does and
# never falls below torch.testing's float32 defaults.  Measured here: the largest
# difference seen on Haswell, SkylakeX, Zen, Sandybridge and Prescott kernels was
# 2.8e-5 at K = 500 (Sandybridge), against 2.1e-4 allowed.
U32, TERM_RMS = 2.0 ** -24, 1.0


def k_tol(K):
    return {"rtol": 1.3e-6, "atol": max(1e-5, 5 * 2 ** 0.5 * U32 * K * TERM_RMS)}


def reduction_length(op, args):
    """K of a convolution case from its weight: (in channels per group) x kernel
    elements; transposed weights are (in, out/groups, k...), each output summing
    over at most in x kernel products."""
    w = args[1] if len(args) > 1 else None
    if not isinstance(w, torch.Tensor) or w.ndim < 3:
        return 0
    k = 1
    for n in w.shape[2:]:
        k *= n
    transposed = "transpose" in op or (op.endswith("convolution") and len(args) > 6 and args[6] is True)
    return (w.shape[0] if transposed else w.shape[1]) * k


# spatial input size and kernel size per conv dimensionality (odd, unequal sizes)
SPATIAL = {1: (11,), 2: (5, 7), 3: (4, 5, 6)}
KERNEL = {1: (3,), 2: (3, 2), 3: (2, 3, 2)}
NAME = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
TNAME = {1: "conv_transpose1d", 2: "conv_transpose2d.input", 3: "conv_transpose3d.input"}


def conv_maker(d, n=2, cin=4, cout=6, groups=1, k=None, dtype=F32, layout="contig", cl=False, bias=True,
               args=(), kw=None, transposed=False, spatial=None, unbatched=False, wlayout="contig"):
    k = k or KERNEL[d]
    spatial = spatial or SPATIAL[d]
    xs = ((cin,) if unbatched else (n, cin)) + tuple(spatial)
    ws = ((cin, cout // groups) if transposed else (cout, cin // groups)) + tuple(k)
    bs = (cout,)

    def maker():
        x = T(xs, dtype, layout, seed=1, cl=cl)
        w = W(ws, dtype, layout=wlayout)
        b = W(bs, dtype, seed=3) if bias else None
        return (x, w, b) + tuple(args), dict(kw or {})
    return maker


# ---- every dtype, every layout, on each op's plain case ----------------------
for d in (1, 2, 3):
    for op in (NAME[d], TNAME[d]):
        tr = op.startswith("conv_t")
        for dt in DTYPES:
            C.add(op, "basic-%s" % dname(dt), conv_maker(d, dtype=dt, transposed=tr))
        for lay in ("transposed", "strided", "expanded"):
            C.add(op, lay, conv_maker(d, layout=lay, transposed=tr))
            C.add(op, lay + "-f64", conv_maker(d, layout=lay, transposed=tr, dtype=F64))
            C.add(op, "weight-" + lay, conv_maker(d, wlayout=lay, transposed=tr))
        if d >= 2:
            C.add(op, "channels-last", conv_maker(d, cl=True, transposed=tr))
            C.add(op, "channels-last-f16", conv_maker(d, cl=True, transposed=tr, dtype=F16))
        C.add(op, "no-bias", conv_maker(d, bias=False, transposed=tr))
        C.add(op, "empty-batch", conv_maker(d, n=0, transposed=tr))
        C.add(op, "unbatched", conv_maker(d, unbatched=True, transposed=tr))
        C.add(op, "batch1-cin1", conv_maker(d, n=1, cin=1, cout=3, transposed=tr))
        C.add(op, "size1-spatial", conv_maker(d, spatial=(1,) * d, k=(1,) * d, transposed=tr))
        C.add(op, "mixed-dtypes", lambda d=d, tr=tr: ((T((2, 4) + SPATIAL[d], F64),
                                                      W(((4, 6) if tr else (6, 4)) + KERNEL[d])), {}))
        C.add(op, "bad-weight-dims", lambda d=d: ((T((2, 4) + SPATIAL[d]), W((6, 4))), {}))
        C.add(op, "bad-input-dims", lambda d=d: ((T((2, 2, 4) + SPATIAL[d]), W((6, 4) + KERNEL[d])), {}))
        C.add(op, "bad-bias", lambda d=d, tr=tr: ((T((2, 4) + SPATIAL[d]), W(((4, 6) if tr else (6, 4)) + KERNEL[d]),
                                                   W((5,))), {}))

# ---- conv1d/2d/3d parameters: (stride, padding, dilation, groups, cin, cout) ----
PARAMS = [
    (2, 0, 1, 1, 4, 6), (1, 1, 1, 1, 4, 6), (3, 2, 1, 1, 4, 6), (1, 0, 2, 1, 4, 6), (2, 1, 2, 1, 4, 6),
    (1, 1, 1, 2, 4, 6), (1, 1, 1, 4, 4, 4), (2, 1, 1, 4, 4, 8), (1, 0, 1, 3, 3, 3), (1, 2, 2, 2, 4, 2),
    ("mixed", "mixed", "mixed", 1, 4, 6),
]


def per_dim(v, d, base):
    return [base[i % len(base)] for i in range(d)] if v == "mixed" else [v] * d


for d in (1, 2, 3):
    for st, pad, dil, g, cin, cout in PARAMS:
        args = [per_dim(st, d, [1, 2, 3]), per_dim(pad, d, [0, 2, 1]), per_dim(dil, d, [2, 1, 1]), g]
        cid = "s%s-p%s-d%s-g%d-%d-%d" % (st, pad, dil, g, cin, cout)
        C.add(NAME[d], cid, conv_maker(d, cin=cin, cout=cout, groups=g, args=args))
        C.add(NAME[d], cid + "-nobias-strided", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, bias=False,
                                                           layout="strided"))
        if d >= 2:
            C.add(NAME[d], cid + "-cl", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, cl=True))
        if d == 2:
            C.add(NAME[d], cid + "-f64", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, dtype=F64))
            C.add(NAME[d], cid + "-f16", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, dtype=F16))
    # single ints where the schema has lists; kwargs
    # torch.ops takes SymInt[N] arguments as lists only (a 1-element list is repeated)
    C.add(NAME[d], "kwargs", conv_maker(d, kw={"stride": [2], "padding": [1] * d, "groups": 2}))
    # refusals: groups not dividing channels, padding < 0, stride 0, kernel bigger than the padded input
    C.add(NAME[d], "bad-groups", conv_maker(d, cin=4, cout=6, groups=1, args=[[1] * d, [0] * d, [1] * d, 3]))
    C.add(NAME[d], "bad-groups-out", conv_maker(d, cin=4, cout=6, groups=2, args=[[1] * d, [0] * d, [1] * d, 4]))
    C.add(NAME[d], "neg-padding", conv_maker(d, args=[[1] * d, [-1] * d]))
    C.add(NAME[d], "zero-stride", conv_maker(d, args=[[0] * d]))
    C.add(NAME[d], "zero-dilation", conv_maker(d, args=[[1] * d, [0] * d, [0] * d]))
    C.add(NAME[d], "kernel-too-big", conv_maker(d, k=(7,) * d, spatial=(5,) * d))
    C.add(NAME[d], "kernel-fits-padded", conv_maker(d, k=(7,) * d, spatial=(5,) * d, args=[[1] * d, [1] * d]),
          **k_tol(4 * 7 ** d))
    C.add(NAME[d], "wrong-list-len", conv_maker(d, args=[[1] * (d + 1)]))
    # string padding
    for pad in ("same", "valid"):
        op = NAME[d] + ".padding"
        for dil in (1, 2):
            for k in (KERNEL[d], (4,) * d, (1,) * d, (5,) * d):
                C.add(op, "%s-k%s-d%d" % (pad, k, dil), conv_maker(d, k=k, args=[[1] * d, pad, [dil] * d]))
        C.add(op, pad + "-groups", conv_maker(d, groups=2, args=[[1] * d, pad, [1] * d, 2]))
        C.add(op, pad + "-nobias-cl", conv_maker(d, bias=False, cl=d >= 2, args=[[1] * d, pad]))
        C.add(op, pad + "-stride2", conv_maker(d, args=[[2] * d, pad]))  # torch refuses "same" with stride > 1
        C.add(op, pad + "-unbatched", conv_maker(d, unbatched=True, args=[[1] * d, pad]))
        C.add(op, pad + "-empty", conv_maker(d, n=0, args=[[1] * d, pad]))
        for dt in DTYPES:
            C.add(op, "%s-%s" % (pad, dname(dt)), conv_maker(d, dtype=dt, args=[[1] * d, pad]))
    C.add(NAME[d] + ".padding", "bad-string", conv_maker(d, args=[[1] * d, "full"]))

# ---- transposed: (stride, padding, output_padding, groups, dilation, cin, cout) --
TPARAMS = [(2, 0, 0, 1, 1, 4, 6), (2, 1, 1, 1, 1, 4, 6), (3, 1, 2, 1, 1, 4, 6), (1, 1, 0, 2, 1, 4, 6),
           (2, 0, 1, 4, 1, 4, 4), (1, 0, 0, 1, 2, 4, 6), (2, 2, 1, 2, 2, 4, 2), (2, 0, 1, 1, 1, 1, 1),
           (1, 0, 1, 1, 2, 4, 6), ("mixed", "mixed", 0, 1, "mixed", 4, 6)]
for d in (1, 2, 3):
    for st, pad, op_, g, dil, cin, cout in TPARAMS:
        args = [per_dim(st, d, [1, 2, 3]), per_dim(pad, d, [0, 2, 1]), per_dim(op_, d, [0]), g,
                per_dim(dil, d, [2, 1, 1])]
        cid = "s%s-p%s-op%s-g%d-d%s-%d-%d" % (st, pad, op_, g, dil, cin, cout)
        C.add(TNAME[d], cid, conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True))
        C.add(TNAME[d], cid + "-nobias-transposed",
              conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True, bias=False, layout="transposed"))
        if d == 2:
            C.add(TNAME[d], cid + "-f64", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True,
                                                     dtype=F64))
            C.add(TNAME[d], cid + "-cl", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True,
                                                    cl=True))
            C.add(TNAME[d], cid + "-f16-cl", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True,
                                                        cl=True, dtype=F16))
        # float16: ATen rounds the columns and every col2im addition to float16 (emulated by pyts)
        C.add(TNAME[d], cid + "-f16", conv_maker(d, cin=cin, cout=cout, groups=g, args=args, transposed=True,
                                                 dtype=F16))
    C.add(TNAME[d], "output-padding-too-big", conv_maker(d, transposed=True, args=[[2] * d, [0] * d, [2] * d]))
    C.add(TNAME[d], "bad-groups", conv_maker(d, transposed=True, cin=4, cout=6, groups=2, args=[[1] * d, [0] * d, [0] * d, 3]))
    C.add(TNAME[d], "kwargs", conv_maker(d, transposed=True, kw={"stride": [2] * d, "output_padding": [1], "dilation": [2] * d}))
    C.add(TNAME[d], "negative-output", conv_maker(d, transposed=True, spatial=(2,) * d, k=(1,) * d, args=[[1] * d, [3] * d]))


# ---- convolution / _convolution / _convolution.deprecated ---------------------
def generic(op, d, transposed, st, pad, dil, op_, g, cin=4, cout=6, bias=True, extra=(), **mk):
    args = [[st] * d, [pad] * d, [dil] * d, transposed, [op_] * d, g] + list(extra)
    return conv_maker(d, cin=cin, cout=cout, groups=g, transposed=transposed, bias=bias, args=args, **mk)


GENERIC = {"convolution": (), "_convolution": (False, False, True, True),
           "_convolution.deprecated": (False, False, True)}
for op, extra in GENERIC.items():
    for d in (1, 2, 3):
        for tr in (False, True):
            for st, pad, dil, op_, g in [(1, 0, 1, 0, 1), (2, 1, 1, 1 if tr else 0, 2), (1, 2, 2, 0, 1),
                                         (2, 0, 1, 0, 4)]:
                C.add(op, "%dd-tr%d-s%d-p%d-d%d-op%d-g%d" % (d, tr, st, pad, dil, op_, g),
                      generic(op, d, tr, st, pad, dil, op_, g, cin=4, cout=4 if g == 4 else 6, extra=extra))
            C.add(op, "%dd-tr%d-nobias-cl" % (d, tr), generic(op, d, tr, 1, 1, 1, 0, 1, bias=False, extra=extra,
                                                              cl=d >= 2))
            C.add(op, "%dd-tr%d-empty" % (d, tr), generic(op, d, tr, 1, 1, 1, 0, 1, extra=extra, n=0))
            C.add(op, "%dd-tr%d-f64-strided" % (d, tr), generic(op, d, tr, 2, 1, 1, 0, 2, extra=extra, dtype=F64,
                                                                layout="strided"))
        C.add(op, "%dd-output-padding-not-transposed" % d, generic(op, d, False, 2, 0, 1, 1, 1, extra=extra))
    for dt in DTYPES:
        C.add(op, "dtype-%s" % dname(dt), generic(op, 2, False, 1, 1, 1, 0, 1, dtype=dt, extra=extra))

# ---- bigger shapes (the tiled / threaded paths): resnet-like 3x3 and 1x1, depthwise
BIG_TOL = k_tol(64 * 9)
for cl in (False, True):
    C.add("conv2d", "big-3x3-cl%d" % cl, lambda cl=cl: ((T((2, 64, 17, 19), seed=1, cl=cl), W((32, 64, 3, 3)),
                                                          W((32,))) + ([1, 1], [1, 1]), {}), **BIG_TOL)
    C.add("conv2d", "big-1x1-s2-cl%d" % cl, lambda cl=cl: ((T((2, 64, 17, 19), seed=1, cl=cl), W((48, 64, 1, 1)),
                                                             None, [2, 2]), {}), **BIG_TOL)
    C.add("conv2d", "big-depthwise-cl%d" % cl, lambda cl=cl: ((T((2, 64, 17, 19), seed=1, cl=cl), W((64, 1, 3, 3)),
                                                                W((64,)), [2, 2], [1, 1], [1, 1], 64), {}))
    C.add("conv_transpose2d.input", "big-cl%d" % cl,
          lambda cl=cl: ((T((2, 64, 9, 11), seed=1, cl=cl), W((64, 16, 4, 4)), W((16,)), [2, 2], [1, 1]), {}),
          **k_tol(64 * 16))
C.add("conv3d", "big-3x3x3", lambda: ((T((1, 16, 6, 9, 8), seed=1), W((16, 16, 3, 3, 3)), W((16,)), [1, 1, 1],
                                        [1, 1, 1]), {}), **k_tol(16 * 27))

# ---- float32 2-D shapes for both paths: our micro-kernels (csrc/ops/nn/conv_kernels.c,
# the default on AVX2 / AVX-512) and im2col + OpenBLAS; test_conv_paths runs each case under
# both.  Sizes are not multiples of the register blocks (8x32, 6x16, 4x8) on purpose.
# (N, Cin, Cout, H, W, kernel, stride, padding, dilation, groups, channels-last)
PATH_CASES = {
    "1x1-s1": (2, 40, 20, 13, 11, 1, 1, 0, 1, 1, False),
    "1x1-s1-cl": (1, 24, 36, 9, 14, 1, 1, 0, 1, 1, True),
    "1x1-s2": (1, 32, 19, 15, 13, 1, 2, 0, 1, 1, False),
    "3x3-s1-odd": (1, 19, 37, 23, 29, 3, 1, 1, 1, 1, False),
    "3x3-s1-batch3": (3, 8, 17, 7, 9, 3, 1, 1, 1, 1, False),
    "3x3-s2": (2, 16, 24, 15, 17, 3, 2, 1, 1, 1, False),
    "3x3-s2-cl": (1, 16, 40, 16, 16, 3, 2, 1, 1, 1, True),
    "3x3-groups2": (1, 16, 24, 11, 10, 3, 1, 1, 1, 2, False),
    "3x3-groups4-cout-odd": (2, 12, 20, 9, 9, 3, 1, 0, 1, 4, False),
    "3x3-dil2": (1, 9, 14, 12, 13, 3, 1, 2, 2, 1, False),
    "5x3-s3-unpadded": (1, 6, 9, 17, 16, (5, 3), 3, 0, 1, 1, False),
    "7x7-s2-stem": (1, 3, 16, 33, 35, 7, 2, 3, 1, 1, False),
    "1-row": (1, 7, 10, 1, 40, (1, 3), 1, (0, 1), 1, 1, False),
    "cout-large-7x7-map": (1, 64, 72, 7, 7, 3, 1, 1, 1, 1, False),
    # 1x1 layers with >= 512 positions, >= 128 input and >= 64 output channels copy their input
    # in panels of 32 positions x 256 channels (conv_kernels.c, tile_packed): a sum over several
    # chunks, the last one partial, output channels not a multiple of 8, batch 2, stride 2 on odd
    # sizes, groups, channels-last input, 2048 input channels
    "1x1-panels-k300-batch2": (2, 300, 70, 23, 25, 1, 1, 0, 1, 1, False),
    "1x1-panels-s2-odd": (1, 130, 71, 47, 45, 1, 2, 0, 1, 1, False),
    "1x1-panels-cin2048": (1, 2048, 64, 24, 22, 1, 1, 0, 1, 1, False),
    "1x1-panels-groups2": (1, 256, 144, 23, 23, 1, 1, 0, 1, 2, False),
    "1x1-panels-cl": (1, 160, 64, 24, 24, 1, 1, 0, 1, 1, True),
    # stride-2 phase split gathers 16 columns a step: rows longer than one step, odd tail
    "5x5-s2-wide-rows": (1, 5, 12, 19, 70, 5, 2, 2, 1, 1, False),
}


def path_case(n, cin, cout, h, w, k, s, p, d, g, cl):
    k = k if isinstance(k, tuple) else (k, k)
    p = list(p) if isinstance(p, tuple) else [p, p]

    def maker():
        return (T((n, cin, h, w), seed=1, cl=cl), W((cout, cin // g) + k), W((cout,), seed=3), [s, s], p, [d, d],
                g), {}
    return maker, k_tol(cin // g * k[0] * k[1])


@pytest.mark.parametrize("path", ["own", "blas"])
@pytest.mark.parametrize("case", sorted(PATH_CASES))
def test_conv_paths(case, path):
    maker, tol = path_case(*PATH_CASES[case])
    old = pyts._C._set_conv_kernel(path)
    try:
        check("aten::conv2d", maker, **tol)
    finally:
        pyts._C._set_conv_kernel(old)


# ---- float32 depthwise (groups == in channels): the whole-plane grid (conv.c dwg_plane_f32, the
# default) and the row-by-row loop compute the same sums in the same order, so they must agree
# bit for bit, and each within the rounding bound of torch.  Strides/dilations differ per dim,
# planes smaller and larger than one vector step, channel multiplier 2, non-contiguous input.
# (N, C, multiplier, H, W, kernel, stride, padding, dilation, layout)
DW_CASES = {
    "3x3-s1-7x7": (1, 24, 1, 7, 7, 3, 1, 1, 1, "contig"),
    "3x3-s2-odd": (2, 5, 1, 15, 13, 3, 2, 1, 1, "contig"),
    "5x5-s2-p2": (1, 6, 1, 9, 11, 5, 2, 2, 1, "transposed"),
    "3x3-dil2-p2": (1, 4, 1, 10, 10, 3, 1, 2, 2, "strided"),
    "mult2-mixed-stride": (1, 3, 2, 12, 9, 3, (2, 1), (1, 0), (1, 2), "contig"),
    "1-row": (1, 6, 1, 1, 17, (1, 3), 1, (0, 1), 1, "contig"),
    "1x1-s3": (1, 4, 1, 8, 8, 1, 3, 0, 1, "contig"),
    "5x5-on-5x5": (3, 4, 1, 5, 5, 5, 1, 2, 1, "contig"),
    "big-plane": (1, 2, 1, 70, 67, 3, 1, 1, 1, "contig"),
    # column stride 2 (dwg_split2: columns taken in pairs): even / odd widths and paddings
    "s2-p0-even": (1, 3, 1, 10, 12, 3, 2, 0, 1, "contig"),
    "s2-p1-even-wide": (2, 4, 1, 12, 40, 3, 2, 1, 1, "transposed"),
    "s2-p2-odd-wide": (1, 3, 1, 9, 37, 5, 2, 2, 1, "strided"),
    "s2-p3-dil2": (1, 2, 2, 8, 21, 3, 2, 3, 2, "contig"),
    "row-s2-w1": (1, 2, 1, 3, 1, (3, 1), 2, (1, 0), 1, "contig"),
}


def _pair(v):
    return list(v) if isinstance(v, tuple) else [v, v]


@pytest.mark.parametrize("case", sorted(DW_CASES))
def test_depthwise_grid_and_rows(case):
    n, c, mult, h, w, k, s, p, d, layout = DW_CASES[case]
    k = k if isinstance(k, tuple) else (k, k)
    x = T((n, c, h, w), seed=1, layout=layout, special=False)
    wt, b = W((c * mult, 1) + k), W((c * mult,), seed=3)
    args = [_pair(s), _pair(p), _pair(d), c]
    exp = torch.nn.functional.conv2d(x, wt, b, *args)
    got = {}
    old = pyts._C._set_conv_kernel("dw-grid")
    try:
        for path in ("dw-grid", "dw-rows"):
            pyts._C._set_conv_kernel(path)
            got[path] = np.ascontiguousarray(pyts._C.call_op("aten::conv2d", x.numpy(), wt.numpy(), b.numpy(), *args))
            assert_same(got[path], exp, "depthwise %s %s" % (case, path), **k_tol(k[0] * k[1]))
    finally:
        pyts._C._set_conv_kernel(old)
    assert np.array_equal(got["dw-grid"].view(np.int32), got["dw-rows"].view(np.int32))


def test_conv_weight_changed_in_place_is_seen():
    """An unplanned convolution reads its weight at every call (nothing is cached
    for it): a weight changed in place between two calls gives torch's new result."""
    x, w, b = T((1, 16, 12, 12), seed=1, special=False), W((24, 16, 3, 3)), W((24,), seed=3)
    for _ in range(2):
        got = pyts._C.call_op("aten::conv2d", x, w, b, [1, 1], [1, 1], [1, 1], 1)
        assert_same(got, torch.nn.functional.conv2d(x, w, b, 1, 1), "conv2d after an in-place change", **k_tol(144))
        w.mul_(-0.5).add_(0.25)


def test_conv_kernel_setting_is_checked():
    with pytest.raises(ValueError):
        pyts._C._set_conv_kernel("fast")


@pytest.mark.parametrize("op,maker,kw", C.params)
def test_conv(op, maker, kw):
    if not kw:  # float32 sums of K products: the tolerance scales with K (k_tol)
        args = maker()[0]
        if isinstance(args[0], torch.Tensor) and args[0].dtype == F32:
            kw = k_tol(reduction_length(op, args))
    check(op, maker, **kw)


def test_all_ops_have_cases():
    assert_table_covers(C, CONV)
