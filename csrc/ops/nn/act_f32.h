/* act_f32.h - the float32 formulas of the activations that a convolution's
 * planned epilogue (ops/nn/conv_epilogue.c) applies, shared with the
 * standalone kernels (ops/nn/activation.c; sigmoid: ops/pointwise/elementwise.c,
 * whose tgmath 1 / (1 + exp(-a)) is this expression in float), so that a fused
 * activation gives the very bits of the op it replaces.  -std=c11 keeps
 * -ffp-contract=off: no clone contracts these into FMAs.
 */
#ifndef PTS_OPS_NN_ACT_F32_H
#define PTS_OPS_NN_ACT_F32_H

#include <math.h>

#include "tensor/vmath.h"

#define PTS_GELU_SQRT1_2 0.70710678118654752440     /* M_SQRT1_2 (not in ISO C) */
#define PTS_GELU_TANH_BETA 0.79788456080286535588   /* sqrt(2 / pi) */

/* std::max / std::min as ATen uses them (NaN in the first argument passes). */
static inline float pts_act_max_f32(float a, float b) { return a < b ? b : a; }
static inline float pts_act_min_f32(float a, float b) { return b < a ? b : a; }

static inline float pts_act_hardswish_f32(float v)
{
    return v * pts_act_min_f32(pts_act_max_f32(v + 3.0f, 0.0f), 6.0f) / 6.0f;
}

static inline float pts_act_silu_f32(float v) { return v / (1.0f + pts_vexpf(-v)); }

/* exact gelu; the caller turns +inf into NaN where ATen's vectorized loop does */
static inline float pts_act_gelu_f32(float v) { return v * 0.5f * (1.0f + pts_verff(v * (float)PTS_GELU_SQRT1_2)); }

static inline float pts_act_gelu_tanh_f32(float v)
{
    const float beta = (float)PTS_GELU_TANH_BETA, kappa = (float)0.044715;
    return 0.5f * v * (1.0f + tanhf(beta * (v + kappa * v * v * v)));
}

static inline float pts_act_sigmoid_f32(float v) { return 1.0f / (1.0f + expf(-v)); }

#endif
