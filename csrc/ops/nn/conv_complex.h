/* conv_complex.h - complex convolutions (conv_complex.c) for conv.c's entry.
 *
 * torch convolves complex64/complex128 on the CPU as three real
 * convolutions of the real and imaginary parts (Gauss's trick, ATen's
 * complex_convolution); conv.c hands a complex call here with a callback
 * that runs one real convolution with the same parameters.
 */
#ifndef PTS_OPS_NN_CONV_COMPLEX_H
#define PTS_OPS_NN_CONV_COMPLEX_H

#include "core/error.h"
#include "tensor/tensor.h"
#include "value/value.h"

/* One real convolution of conv.c (x, w, b of one real dtype; b may be NULL)
 * with the parameters `params` points at; the result goes to rets[0]. */
typedef pts_status (*pts_conv_real_fn)(pts_tensor *x, pts_tensor *w, pts_tensor *b, const void *params,
                                       pts_value *rets);

/* true if x, w and b (NULL: none) are all of one complex dtype, the calls
 * pts_conv_complex takes (any other mix is left to conv.c's dtype check). */
bool pts_conv_is_complex(const pts_tensor *x, const pts_tensor *w, const pts_tensor *b);

/* conv(W, x, b) = a - b' + i (c - a - b') with a = conv(Wr, xr, br),
 * b' = conv(Wi, xi), c = conv(Wr + Wi, xr + xi, br + bi), each by `run`
 * in the real dtype (float32 for complex64), combined as ATen does
 * (a - b' + i * (c - a - b'), every op rounded to the real dtype).  Borrows
 * x, w, b; the complex result goes to rets[0] (new reference). */
PTS_NODISCARD pts_status pts_conv_complex(pts_tensor *x, pts_tensor *w, pts_tensor *b, const void *params,
                                          pts_conv_real_fn run, pts_value *rets);

/* aten::convolution / _convolution refuse complex in torch (their CPU
 * kernels have no complex dispatch; only conv1d/2d/3d and conv_transpose*
 * decompose it): the same "not implemented" error, naming torch's kernel. */
PTS_NODISCARD pts_status pts_conv_complex_refused(int dtype, int nsp, bool transposed);

#endif
