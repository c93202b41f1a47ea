/* cplx_ops.h - the complex paths pointwise/complex.c lends to kernels of
 * other pointwise families (sgn in math.c, isreal in classify.c). */
#ifndef PTS_OPS_POINTWISE_CPLX_OPS_H
#define PTS_OPS_POINTWISE_CPLX_OPS_H

#include "ops/kernel.h"

/* sgn / sgn_ of a complex tensor: z / |z|, 0 at 0 (in place when op's self is written). */
PTS_NODISCARD pts_status pts_complex_sgn(const pts_op *op, pts_tensor *t, pts_value *rets);
/* acosh, asinh, atanh, exp2 or sinc (fn names it) of a complex tensor, as torch's complex kernels
 * (in place when op's self is written). */
PTS_NODISCARD pts_status pts_complex_unary(const pts_op *op, pts_tensor *t, const char *fn, pts_value *rets);
/* isreal of a complex tensor: imaginary part == 0. */
PTS_NODISCARD pts_status pts_complex_isreal(const pts_op *op, pts_tensor *t, pts_value *rets);

#endif
