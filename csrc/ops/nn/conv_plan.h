/* conv_plan.h - what the load-time planner (interp/plan.c) hands a
 * convolution: BatchNorm folded into its weight and bias, and an activation
 * applied to each output tile while it is in cache.
 *
 * The planner marks a call of a Conv2d module's forward that is followed by
 * a BatchNorm (and maybe a ReLU / ReLU6) on its result.  Just before that
 * call the VM publishes the plan in pts_conv_plan_pending (thread-local);
 * the first float32 forward convolution on this thread whose weight and
 * bias arguments are the very tensors the plan was made for takes it
 * (pts_conv_take_plan), runs with the folded tensors and the epilogue, and
 * records it in pts_conv_plan_done.  The VM then skips the BatchNorm and the
 * activation calls only if the plan was taken; otherwise they run as
 * written, so a plan that does not apply can never change a result. */
#ifndef PTS_OPS_NN_CONV_PLAN_H
#define PTS_OPS_NN_CONV_PLAN_H

#include <stdbool.h>

#include "tensor/tensor.h"

enum { PTS_EPI_NONE = 0, PTS_EPI_RELU, PTS_EPI_RELU6 };

typedef struct pts_conv_plan {
    const pts_tensor *orig_weight; /* identity keys (borrowed): the conv's own weight ... */
    const pts_tensor *orig_bias;   /* ... and bias (NULL when it has none) */
    pts_tensor *weight;            /* owned: weight * gamma / sqrt(var + eps), float32 contiguous */
    pts_tensor *bias;              /* owned: (bias - mean) * gamma / sqrt(var + eps) + beta */
    int act;                       /* PTS_EPI_* applied after the bias */
} pts_conv_plan;

extern _Thread_local const pts_conv_plan *pts_conv_plan_pending;
extern _Thread_local const pts_conv_plan *pts_conv_plan_done;

/* The pending plan if it was made for (w, b), now marked done; else NULL. */
const pts_conv_plan *pts_conv_take_plan(const pts_tensor *w, const pts_tensor *b);

#endif
