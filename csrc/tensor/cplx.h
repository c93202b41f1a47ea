/* cplx.h - what complex-dtype kernels share: CMPLX/CMPLXF for compilers
 * glibc does not define them for, and the real <-> complex dtype pairs.
 * pyts has no lazy conjugate or negative bit on tensors (torch's is_conj /
 * is_neg): conj() materializes, so every complex tensor holds its values. */
#ifndef PTS_TENSOR_CPLX_H
#define PTS_TENSOR_CPLX_H

#include <complex.h>
#include <math.h>

#include "tensor/tensor.h"

#ifndef CMPLX
/* C11 lays out a complex as T[2] (6.2.5p13): writing the two parts keeps a NaN
 * or -0.0 imaginary part exactly, as CMPLX does and x + y*I would not */
static inline double complex pts_cmplx(double re, double im)
{
    union {
        double complex z;
        double d[2];
    } u;
    u.d[0] = re;
    u.d[1] = im;
    return u.z;
}
#define CMPLX(x, y) pts_cmplx((x), (y))
#endif
#ifndef CMPLXF
static inline float complex pts_cmplxf(float re, float im)
{
    union {
        float complex z;
        float d[2];
    } u;
    u.d[0] = re;
    u.d[1] = im;
    return u.z;
}
#define CMPLXF(x, y) pts_cmplxf((x), (y))
#endif

/* Complex product and quotient as torch computes them (c10::complex and its vectorized kernels):
 * the textbook product with no C11 Annex G recovery of infinities (so (inf+0.5j) * 1 is inf+nanj
 * as in torch), and the quotient of c10::complex (torch's scalar path; its AVX2 path scales by
 * max(|c|, |d|) instead: the two agree within rounding on finite numbers, not on infinities). */
#define CMULDIV(T, R, S, MK)                                                                                           \
    static inline T cmul_##S(T x, T y)                                                                                 \
    {                                                                                                                  \
        R a = creal(x), b = cimag(x), c = creal(y), d = cimag(y);                                                      \
        return MK(a * c - b * d, a * d + b * c);                                                                       \
    }                                                                                                                  \
    static inline T cdiv_##S(T x, T y) /* c10::complex's operator/ (numpy's algorithm) */                            \
    {                                                                                                                  \
        R a = creal(x), b = cimag(x), c = creal(y), d = cimag(y);                                                      \
        R ac = fabs(c), ad = fabs(d);                                                                                  \
        if (ac >= ad) {                                                                                                \
            if (ac == 0 && ad == 0)                                                                                    \
                return MK(a / ac, b / ad);                                                                             \
            R rat = d / c, scl = (R)1.0 / (c + d * rat);                                                               \
            return MK((a + b * rat) * scl, (b - a * rat) * scl);                                                       \
        }                                                                                                              \
        R rat = c / d, scl = (R)1.0 / (d + c * rat);                                                                   \
        return MK((a * rat + b) * scl, (b * rat - a) * scl);                                                           \
    }
CMULDIV(float complex, float, cf, CMPLXF)
CMULDIV(double complex, double, cd, CMPLX)

/* complex64 -> float32, complex128 -> float64; other dtypes unchanged */
static inline int pts_dtype_real(int dtype)
{
    return dtype == PTS_COMPLEX64 ? PTS_FLOAT32 : dtype == PTS_COMPLEX128 ? PTS_FLOAT64 : dtype;
}

/* float64 -> complex128, other floats (and complex64) -> complex64; complex128 unchanged */
static inline int pts_dtype_to_complex(int dtype)
{
    return dtype == PTS_FLOAT64 || dtype == PTS_COMPLEX128 ? PTS_COMPLEX128 : PTS_COMPLEX64;
}

static inline bool pts_dtype_is_complex(int dtype) { return dtype == PTS_COMPLEX64 || dtype == PTS_COMPLEX128; }

#endif
