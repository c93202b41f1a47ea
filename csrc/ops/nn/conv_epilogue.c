/* conv_epilogue.c - the planned epilogue of a float32 convolution
 * (ops/nn/conv_plan.h): the residual add, then the activation, applied to an
 * output tile (GEMM path) or plane (depthwise path) while it is in cache.
 *
 * The activations use the formulas of the standalone kernels
 * (ops/nn/act_f32.h), so a fused activation gives the bits of the op call it
 * replaces.  Compiled per ISA like those kernels (tensor/vmath.h).
 */
#include "ops/nn/act_f32.h"
#include "ops/nn/conv_plan.h"

#define EPI_LOOP(EXPR)                                  \
    for (int64_t m = 0; m < nm; m++) {                  \
        float *row = C + m * ld;                        \
        for (int64_t p = 0; p < np; p++) {              \
            float v = row[p];                           \
            row[p] = (EXPR);                            \
        }                                               \
    }

PTS_SIMD_CLONES void pts_conv_epilogue_f32(int act, const float *res, float *C, int64_t nm, int64_t np, int64_t ld)
{
    if (res)
        for (int64_t m = 0; m < nm; m++)
            for (int64_t p = 0; p < np; p++)
                C[m * ld + p] += res[m * ld + p];
    switch (act) {
    case PTS_EPI_RELU: EPI_LOOP(v < 0.0f ? 0.0f : v) break; /* NaN passes, as torch's relu */
    case PTS_EPI_RELU6: EPI_LOOP(v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v) break;
    case PTS_EPI_HARDSWISH: EPI_LOOP(pts_act_hardswish_f32(v)) break;
    case PTS_EPI_SILU: EPI_LOOP(pts_act_silu_f32(v)) break;
    case PTS_EPI_SIGMOID: EPI_LOOP(pts_act_sigmoid_f32(v)) break;
    case PTS_EPI_GELU_TANH: EPI_LOOP(pts_act_gelu_tanh_f32(v)) break;
    case PTS_EPI_GELU: /* as ATen's vectorized float loop over a contiguous tensor: gelu(+inf) is NaN */
        EPI_LOOP(pts_act_gelu_f32(v)) /* a second loop keeps the first one vectorizable */
        for (int64_t m = 0; m < nm; m++)
            for (int64_t p = 0; p < np; p++)
                if (C[m * ld + p] == INFINITY)
                    C[m * ld + p] = NAN;
        break;
    default: break;
    }
}
