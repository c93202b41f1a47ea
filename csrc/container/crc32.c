/* crc32.c - see crc32.h.  The folding follows Intel's white paper "Fast CRC Computation for
 * Generic Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009), bit-reflected form:
 * a 128-bit lane x standing for the bytes at some position is moved 512 bits (or 128 bits)
 * further by x.lo * k1 ^ x.hi * k2, with k1 = x^(D+32) mod P and k2 = x^(D-32) mod P
 * (reflected, D the distance) - the CRC of the message is unchanged when the lane is XORed
 * into the bytes D bits later.  What remains is one 16-byte lane plus a tail of under 16
 * bytes: a short message whose CRC (register 0, since the initial value was XORed into the
 * first bytes) zlib computes. */
#include "container/crc32.h"

#include <limits.h>
#include <string.h>
#include <zlib.h>

uint32_t pts_crc32_portable(uint32_t crc, const void *p, size_t n)
{
    const unsigned char *b = p;
    uLong c = crc;
    while (n > 0) {
        uInt chunk = n > UINT_MAX ? UINT_MAX : (uInt)n;
        c = crc32(c, b, chunk);
        b += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define FOLD(x, k) _mm_xor_si128(_mm_clmulepi64_si128((x), (k), 0x00), _mm_clmulepi64_si128((x), (k), 0x11))

__attribute__((target("pclmul,sse4.1"))) static uint32_t crc32_clmul(uint32_t crc, const unsigned char *p, size_t n)
{
    /* n >= 64 */
    const __m128i k512 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL); /* hi: x^(512-32), lo: x^(512+32) */
    const __m128i k128 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL); /* hi: x^(128-32), lo: x^(128+32) */
    __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)~crc)); /* the register starts at ~crc */
    p += 64;
    n -= 64;
    while (n >= 64) {
        x0 = _mm_xor_si128(FOLD(x0, k512), _mm_loadu_si128((const __m128i *)(const void *)p));
        x1 = _mm_xor_si128(FOLD(x1, k512), _mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
        x2 = _mm_xor_si128(FOLD(x2, k512), _mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
        x3 = _mm_xor_si128(FOLD(x3, k512), _mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
        p += 64;
        n -= 64;
    }
    __m128i x = _mm_xor_si128(FOLD(x0, k128), x1);
    x = _mm_xor_si128(FOLD(x, k128), x2);
    x = _mm_xor_si128(FOLD(x, k128), x3);
    while (n >= 16) {
        x = _mm_xor_si128(FOLD(x, k128), _mm_loadu_si128((const __m128i *)(const void *)p));
        p += 16;
        n -= 16;
    }
    unsigned char last[16];
    _mm_storeu_si128((__m128i *)(void *)last, x);
    /* the 16 folded bytes then the tail, from register 0: zlib's crc32(c) is ~raw(~c), so start at ~0 */
    uint32_t c = (uint32_t)crc32(0xffffffffUL, last, 16);
    return (uint32_t)crc32(c, p, (uInt)n);
}

static int have_clmul(void)
{
    static int cached = -1; /* benign race: every thread computes the same value */
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

int pts_crc32_accelerated(void) { return have_clmul(); }

uint32_t pts_crc32(uint32_t crc, const void *p, size_t n)
{
    if (n >= 256 && have_clmul())
        return crc32_clmul(crc, p, n);
    return pts_crc32_portable(crc, p, n);
}

#else

int pts_crc32_accelerated(void) { return 0; }

uint32_t pts_crc32(uint32_t crc, const void *p, size_t n) { return pts_crc32_portable(crc, p, n); }

#endif
