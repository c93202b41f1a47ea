/* conv_winograd.h - float32 3x3 stride-1 convolutions (dilation 1, groups 1,
 * 2-D, any padding, batch, image size) by Winograd's minimal filtering
 * F(2x2, 3x3): 16 products per 2x2 output tile and input channel instead of
 * 36, on our own GEMM micro-kernels (sgemm_kernel.h).  See
 * conv_winograd.c for the algorithm and its rounding bound, and
 * docs/performance.md for the shapes the default choice gives it.
 *
 * conv.c asks pts_wino_takes at its float32 dispatch point and, if it says
 * yes, calls pts_wino_run instead of the direct implicit GEMM.
 */
#ifndef PTS_OPS_NN_CONV_WINOGRAD_H
#define PTS_OPS_NN_CONV_WINOGRAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "ops/nn/conv_kernels.h"

/* Transformed filters (16 packed Cout x Cin matrices), owned by a conv
 * plan's packing (conv_kernels.c) or made for one call. */
typedef struct pts_wino_filter pts_wino_filter;
void pts_wino_filter_free(pts_wino_filter *f);
/* Where a plan keeps its Winograd filters: a field of the packing in its
 * slot, made empty now if the slot has none (conv_kernels.c); NULL when out
 * of memory. */
_Atomic(pts_wino_filter *) *pts_convk_wino_slot(_Atomic(pts_convk_packed *) *slot);

/* Whether a float32 forward convolution of this geometry takes the Winograd
 * path: only 3x3, stride 1, dilation 1, groups 1, 2-D; then by the mode
 * (PTS_CONVK_WINO: always; PTS_CONVK_AUTO: the measured shapes, planned
 * says whether its transformed filters are kept; BLAS / OWN: never). */
bool pts_wino_takes(const pts_conv_geom *g, int64_t N, int64_t G, int64_t Cin, int64_t Cout, bool planned);

/* y[N][Cout][Ho][Wo] = conv(x[N][Cin][H][W], w[Cout][Cin][3][3]) + bias (may
 * be NULL), then the planned epilogue: + res (same layout as y, or NULL),
 * then the activation act (PTS_EPI_*), all float32 contiguous.  slot: the
 * plan's packing slot (the transformed filters are made once and kept
 * there), or NULL (transformed for this call). */
PTS_NODISCARD pts_status pts_wino_run(const pts_conv_geom *g, int64_t N, int64_t Cin, int64_t Cout, const float *x,
                                      const float *w, const float *bias, float *y, int act, const float *res,
                                      _Atomic(pts_convk_packed *) *slot);

#endif
