/* conv_kernels.h - float32 forward convolution (1-D / 2-D, any kernel size,
 * stride, dilation, padding, groups) as an implicit GEMM on our own
 * micro-kernels (sgemm_kernel.h), with no im2col.
 *
 * The input of each (batch, group) is copied once into a zero-padded,
 * phase-split buffer: padded row r*sh + a and column q*sw + b go to phase
 * (a, b) at (r, q), each phase plane Hq x Wq with Hq = Ho + (kh-1)*dh/sh and
 * Wq = Wo + (kw-1)*dw/sw.  Then every kernel tap (c, i, j) reads, for the
 * output grid position q = oh*Wq + ow, the element at a fixed offset plus q:
 * the micro-kernel's row table.  The grid is the output with Wq - Wo extra
 * columns per row, which are computed and dropped.  A stride-1, unpadded
 * convolution (1x1 layers) reads the input itself, without the copy.
 *
 * conv.c decides per call (pts_convk_prepare) and runs tiles of output
 * channels x output positions on its pool (pts_convk_tile); it applies the
 * planned epilogue (residual, activation) to each tile afterwards, while it
 * is in cache.  Weights are read in place, or packed once into the
 * micro-kernel's panels and kept with the load-time plan (conv_plan.h),
 * whose weights are proven never to change.
 */
#ifndef PTS_OPS_NN_CONV_KERNELS_H
#define PTS_OPS_NN_CONV_KERNELS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "ops/nn/gemm.h"
#include "ops/nn/sgemm_kernel.h"

/* Weights packed for one ISA and grouping (owned by a conv plan). */
typedef struct pts_convk_packed pts_convk_packed;
void pts_convk_packed_free(pts_convk_packed *p);

typedef struct pts_convk {
    const pts_sgemm_isa *isa;   /* NULL: not taken (the caller runs its BLAS path) */
    const float *A;             /* weights: packed panels or the plain [Cout][K] matrix */
    int64_t a_k, a_m, a_group;  /* element strides along k and m; floats per group */
    bool packed;
    const float *xin;           /* transformed input (or the input itself) */
    int64_t x_group;            /* floats per (batch, group) in xin */
    int64_t *boff;              /* K offsets, owned */
    int64_t *poff;              /* owned: k * NR, the offsets of a B panel's rows */
    int64_t kc;                 /* > 0: B copied in panels of kc x NR (see pts_convk_tile), else read in place */
    int64_t K, G, Cout_g, Wq, Wo, P;
    const float *bias;          /* borrowed, may be NULL */
    float *xbuf;                /* owned transformed input, or NULL */
    pts_convk_packed *own_pack; /* owned packing made for this call only, or NULL */
} pts_convk;

/* Which path a float32 forward convolution takes: PYTS_CONV_KERNEL=blas
 * (always OpenBLAS), own (always ours, on any ISA, for tests: never Winograd),
 * wino (Winograd F(2,3), conv_winograd.h, for every 3x3 stride-1 shape it
 * handles, else as own) or auto (the default: ours on AVX2 / AVX-512 for the
 * shapes docs/performance.md lists, Winograd for the ones it lists). */
enum { PTS_CONVK_AUTO = 0, PTS_CONVK_BLAS, PTS_CONVK_OWN, PTS_CONVK_WINO };
int pts_convk_mode(void);
/* Set the mode for every thread; returns the previous one. */
int pts_convk_set_mode(int mode);

/* The float32 depthwise path (conv.c): 1 = the whole plane as one grid (the
 * default), 0 = row by row (PYTS_DW_KERNEL=rows); returns the previous one. */
int pts_conv_set_dw_kernel(int grid);

/* Prepare c for a float32 convolution of x ([N][G*Cin_g][in...], contiguous)
 * with w ([G*Cout_g][Cin_g][k...], contiguous) and bias (or NULL), or leave
 * c->isa NULL when the own kernel is not used for this shape.  slot: where a
 * plan keeps its packed weights (NULL for an unplanned call: the weights are
 * read in place).  Borrows x, w, bias for the lifetime of c.  Release c with
 * pts_convk_release in every case. */
PTS_NODISCARD pts_status pts_convk_prepare(pts_convk *c, const pts_conv_geom *g, const float *x, int64_t N,
                                           int64_t G, int64_t Cin_g, int64_t Cout_g, const float *w,
                                           const float *bias, _Atomic(pts_convk_packed *) *slot);
void pts_convk_release(pts_convk *c);

/* Floats of scratch pts_convk_tile needs for tiles of up to np positions
 * (and any of the output channels of a group). */
int64_t pts_convk_scratch(const pts_convk *c, int64_t np);
/* Output channels [m0, m0+nm) of group g (m0 a multiple of c->isa->mr),
 * positions [p0, p0+np) of batch n: y points at channel m0, position 0 of
 * that (batch, group) (row stride c->P). */
void pts_convk_tile(const pts_convk *c, int64_t n, int64_t g, int64_t m0, int64_t nm, int64_t p0, int64_t np,
                    float *y, float *scratch);

#endif
