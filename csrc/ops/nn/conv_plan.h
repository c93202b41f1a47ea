/* conv_plan.h - what the load-time planner (interp/plan.c) hands a
 * convolution: BatchNorm folded into its weight and bias, and an activation
 * applied to each output tile while it is in cache.
 *
 * The planner marks a call of a Conv2d module's forward that is followed by
 * a BatchNorm (then maybe a residual add, then maybe an activation: ReLU, ReLU6,
 * hardswish, SiLU, sigmoid, GELU) on its result.  Just before that
 * call the VM publishes the plan in pts_conv_plan_pending (thread-local);
 * the first float32 batched forward convolution on this thread whose weight
 * and bias arguments are the very tensors the plan was made for (and, for a
 * plan with a residual, whose output has exactly the shape of the float32
 * contiguous tensor in pts_conv_plan_residual) takes it: it runs with the
 * folded tensors and the epilogue, and records it in pts_conv_plan_done.  The VM then skips the BatchNorm and the
 * activation calls only if the plan was taken; otherwise they run as
 * written, so a plan that does not apply can never change a result. */
#ifndef PTS_OPS_NN_CONV_PLAN_H
#define PTS_OPS_NN_CONV_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>

#include "tensor/tensor.h"

enum {
    PTS_EPI_NONE = 0,
    PTS_EPI_RELU,
    PTS_EPI_RELU6,
    PTS_EPI_HARDSWISH,
    PTS_EPI_SILU,
    PTS_EPI_SIGMOID,
    PTS_EPI_GELU,      /* exact (erf); +inf gives NaN, as ATen's vectorized loop: planned only for >= 2 outputs */
    PTS_EPI_GELU_TANH, /* approximate="tanh" */
};

typedef struct pts_conv_plan {
    const pts_tensor *orig_weight; /* identity keys (borrowed): the conv's own weight ... */
    const pts_tensor *orig_bias;   /* ... and bias (NULL when it has none) */
    pts_tensor *weight;            /* owned: weight * gamma / sqrt(var + eps), float32 contiguous */
    pts_tensor *bias;              /* owned: (bias - mean) * gamma / sqrt(var + eps) + beta */
    bool residual;                 /* add pts_conv_plan_residual (the block's identity) before act */
    int act;                       /* PTS_EPI_* applied after the bias (and the residual) */
    /* owned: `weight` packed for our micro-kernel (ops/nn/conv_kernels.h), made
     * at the first call that takes the plan; free with pts_convk_packed_free */
    _Atomic(struct pts_convk_packed *) packed;
} pts_conv_plan;

extern _Thread_local const pts_conv_plan *pts_conv_plan_pending;
extern _Thread_local const pts_conv_plan *pts_conv_plan_done;
extern _Thread_local const pts_tensor *pts_conv_plan_residual; /* borrowed: held in the caller's register */

void pts_convk_packed_free(struct pts_convk_packed *p);

/* The pending plan if it was made for (w, b), else NULL (not taken yet). */
const pts_conv_plan *pts_conv_peek_plan(const pts_tensor *w, const pts_tensor *b);

/* The epilogue on nm rows of np float32 outputs (row stride ld), in place:
 * C += res (when res is not NULL, same layout), then the activation act
 * (PTS_EPI_*) with the standalone kernels' formulas (conv_epilogue.c). */
void pts_conv_epilogue_f32(int act, const float *res, float *C, int64_t nm, int64_t np, int64_t ld);

#endif
