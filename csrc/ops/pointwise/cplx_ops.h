/* cplx_ops.h - the complex paths pointwise/complex.c lends to kernels of
 * other pointwise families (sgn in math.c, isreal in classify.c). */
#ifndef PTS_OPS_POINTWISE_CPLX_OPS_H
#define PTS_OPS_POINTWISE_CPLX_OPS_H

#include "ops/kernel.h"

/* sgn / sgn_ of a complex tensor: z / |z|, 0 at 0 (in place when op's self is written). */
PTS_NODISCARD pts_status pts_complex_sgn(const pts_op *op, pts_tensor *t, pts_value *rets);
/* acosh, asinh, atanh, exp2, sinc, expm1, log1p or silu (fn names it) of a complex tensor, as
 * torch's complex kernels (in place when op's self is written). */
PTS_NODISCARD pts_status pts_complex_unary(const pts_op *op, pts_tensor *t, const char *fn, pts_value *rets);
/* isreal of a complex tensor: imaginary part == 0. */
PTS_NODISCARD pts_status pts_complex_isreal(const pts_op *op, pts_tensor *t, pts_value *rets);

/* ATen's _log_add_exp_helper of complex x and y (re, im pairs) in double: *o (logcumsumexp's step). */
void pts_complex_logaddexp(const double *x, const double *y, double *o);

/* The complex functions of several operands. */
typedef enum pts_cx_nary {
    PTS_CX_LOGADDEXP, /* (x, y) */
    PTS_CX_LERP,      /* (self, end, weight) */
    PTS_CX_ISCLOSE,   /* (self, other), params {rtol, atol, equal_nan}: bool result */
} pts_cx_nary;

/* fn over the n (1..3) operands in[] (borrowed tensors, or numbers), broadcast together, computed
 * in the precision of complex dtype cdtype (complex64: float arithmetic, as torch), into a new
 * tensor of out_dtype -- or into in[0] itself when op's self is written (its shape must be the
 * broadcast shape).  rets[0]: new reference. */
PTS_NODISCARD pts_status pts_complex_nary(const pts_op *op, int n, const pts_value *in, int cdtype, int out_dtype,
                                          pts_cx_nary fn, const double *params, pts_value *rets);

#endif
