/* fft.h - the one transform of fft.c that other FFT families (stft.c) share. */
#ifndef PTS_OPS_FFT_FFT_H
#define PTS_OPS_FFT_FFT_H

#include "ops/kernel.h"

/* Unnormalized 1-D transform of t (a contiguous complex128 tensor the caller owns) along dim d,
 * in place: sign -1 forward, +1 inverse; any length (mixed radix or Bluestein). */
PTS_NODISCARD pts_status pts_fft_dim(pts_tensor *t, int d, int sign);

#endif
