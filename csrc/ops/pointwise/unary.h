/* unary.h - the unary driver of pointwise/math.c, shared with
 * special/special.c: a scalar function of (element, parameter) run over a
 * tensor in double, the result converted once to the result dtype. */
#ifndef PTS_OPS_POINTWISE_UNARY_H
#define PTS_OPS_POINTWISE_UNARY_H

#include "ops/kernel.h"

typedef double (*pts_unary_fn)(double a, double p);

typedef enum pts_ukind {
    U_FLOAT,      /* int/bool -> float32 */
    U_FLOAT_ONLY, /* refuse non-float inputs ("frac_cpu" not implemented for 'Long') */
    U_SAME,       /* keep dtype */
    U_BOOL,       /* bool result */
} pts_ukind;

/* Run f(x, p) over t (the op's self); in-place ops (self written) write back
 * into t and return it, the others return a new tensor of the kind's dtype. */
PTS_NODISCARD pts_status pts_unary_run(const pts_op *op, pts_tensor *t, pts_value *rets, pts_unary_fn f, double p,
                                       pts_ukind kind);

#endif
