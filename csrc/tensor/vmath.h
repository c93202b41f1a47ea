/* vmath.h - loops the compiler vectorizes, and math it can vectorize inside them.
 *
 * PTS_SIMD_CLONES before a function with hot loops compiles it three times
 * (x86-64-v4: AVX-512; x86-64-v3: AVX2 + FMA; and the baseline) and picks one at
 * load time by the CPU's features (GCC's target_clones: an ifunc resolved once).
 * The sources stay portable C: the build enables the vectorizer (setup.py and
 * CMakeLists.txt: -ftree-vectorize -fvect-cost-model=dynamic), and -std=c11
 * implies -ffp-contract=off, so no clone fuses a*b+c into an FMA or reorders a
 * sum: every clone returns the same bits as the baseline.  Elsewhere (clang, other
 * architectures, sanitizer builds) the macro is empty and the baseline runs;
 * NEON would be one more entry in the list.
 *
 * pts_vexpf / pts_verff are branch-free float versions of expf / erff written so
 * that a loop calling them vectorizes (libm calls do not):
 *  - pts_vexpf: Cody-Waite reduction by ln 2, a degree-7 Taylor polynomial on
 *    |r| <= ln2/2 (truncation < 6e-9 relative), scaling by 2^k in two steps (no
 *    float -> int conversion, so NaN / inf inputs are defined): within 2 ulp of
 *    the correctly rounded exp over the float range; exp(-inf) = 0, exp(+inf) =
 *    +inf, NaN -> NaN, underflow to subnormals / 0 and overflow to +inf as expf.
 *  - pts_verff: Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7), the
 *    formula ATen's own vectorized float erf uses (Vectorized<float>::erf), on
 *    top of pts_vexpf; erf(+-inf) = +-1, NaN -> NaN.
 *  - pts_vtanhf: 1 - 2 / (1 + exp(2|x|)) with the sign put back, and below
 *    |x| < 0.5, where that form cancels, expm1(2|x|) / (expm1(2|x|) + 2) with
 *    expm1 by its Taylor series: within 3 ulp of tanh over [-20, 20] (measured;
 *    ATen's vectorized float tanh is a few ulp too); tanh(+-inf) = +-1, tanh(-0) = -0, NaN -> NaN.
 */
#ifndef PTS_TENSOR_VMATH_H
#define PTS_TENSOR_VMATH_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(PTS_NO_SIMD_CLONES)
#define PTS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PTS_SIMD_CLONES
#endif

static inline float pts_bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t pts_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float pts_vexpf(float x)
{
    /* clamp to where the result is 0 / +inf anyway; NaN passes (both compares false) */
    x = x > 88.8f ? 88.8f : x;
    x = x < -104.0f ? -104.0f : x;
    const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer in the low bits */
    float kf = x * 1.44269504088896341f + magic;
    int32_t k = (int32_t)(pts_float_bits(kf) - pts_float_bits(magic)); /* round(x / ln 2), from the bits */
    kf -= magic;
    float r = x - kf * 0.693359375f;      /* ln 2 high part (exact product for |k| < 2^12) */
    r = r - kf * -2.12194440e-4f;           /* ln 2 - 0.693359375 */
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t k1 = k / 2, k2 = k - k1; /* 2^k as two normal factors: k in [-150, 128] */
    float s1 = pts_bits_float((uint32_t)(k1 + 127) << 23), s2 = pts_bits_float((uint32_t)(k2 + 127) << 23);
    return p * s1 * s2;
}

static inline float pts_verff(float x)
{
    float ax = x < 0.0f ? -x : x;
    ax = ax > 10.0f ? 10.0f : ax; /* erf is +-1 in float there; keeps x*x finite (NaN passes) */
    float t = 1.0f / (1.0f + 0.3275911f * ax);
    float p = 1.061405429f;
    p = p * t + -1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t + -0.284496736f;
    p = p * t + 0.254829592f;
    p = p * t;
    float y = 1.0f - p * pts_vexpf(-(ax * ax));
    return x < 0.0f ? -y : y;
}

static inline float pts_vtanhf(float x)
{
    float ax = x < 0.0f ? -x : x;
    float y = 2.0f * ax;
    /* |x| < 0.5: tanh = expm1(2|x|) / (expm1(2|x|) + 2), expm1 by its Taylor series to y^11
     * (truncation < 3e-9 relative for y < 1), so nothing cancels */
    float e = 1.0f / 39916800.0f;
    e = e * y + 1.0f / 3628800.0f;
    e = e * y + 1.0f / 362880.0f;
    e = e * y + 1.0f / 40320.0f;
    e = e * y + 1.0f / 5040.0f;
    e = e * y + 1.0f / 720.0f;
    e = e * y + 1.0f / 120.0f;
    e = e * y + 1.0f / 24.0f;
    e = e * y + 1.0f / 6.0f;
    e = e * y + 0.5f;
    e = e * y + 1.0f;
    e = e * y;
    float small = e / (e + 2.0f);
    /* beyond: 1 - 2 / (1 + exp(2|x|)), the result >= 0.46 (exp overflow -> 1) */
    float big = 1.0f - 2.0f / (1.0f + pts_vexpf(y));
    float r = ax < 0.5f ? small : big;
    r = x != x ? x : r; /* NaN */
    /* x's sign onto r (r >= 0 or NaN): -0 stays -0 */
    return pts_bits_float(pts_float_bits(r) | (pts_float_bits(x) & 0x80000000u));
}

#endif
