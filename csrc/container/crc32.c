/* crc32.c - see crc32.h.  The folding follows Intel's white paper "Fast CRC Computation for
 * Generic Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009), bit-reflected form:
 * a 128-bit lane x standing for the bytes at some position is moved 512 bits (or 128 bits)
 * further by x.lo * k1 ^ x.hi * k2, with k1 = x^(D+32) mod P and k2 = x^(D-32) mod P
 * (reflected, D the distance) - the CRC of the message is unchanged when the lane is XORed
 * into the bytes D bits later.  What remains is one 16-byte lane plus a tail of under 16
 * bytes: a short message whose CRC (register 0, since the initial value was XORed into the
 * first bytes) zlib computes. */
#include "container/crc32.h"

#include "tensor/parallel.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
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

/* Both folds end here: four 128-bit lanes standing for 64 consecutive bytes are folded into
 * one, then 16-byte blocks of the rest (n < 64 bytes at p) into it; the last 16 folded bytes
 * and the tail of under 16 bytes go to zlib, from register 0 (zlib's crc32(c) is ~raw(~c), so
 * it starts at ~0). */
__attribute__((target("pclmul,sse4.1"))) static uint32_t fold_rest(__m128i x0, __m128i x1, __m128i x2, __m128i x3,
                                                                     const unsigned char *p, size_t n)
{
    const __m128i k128 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL); /* hi: x^(128-32), lo: x^(128+32) */
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
    uint32_t c = (uint32_t)crc32(0xffffffffUL, last, 16);
    return (uint32_t)crc32(c, p, (uInt)n);
}

__attribute__((target("pclmul,sse4.1"))) static uint32_t crc32_clmul(uint32_t crc, const unsigned char *p, size_t n)
{
    /* n >= 64 */
    const __m128i k512 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL); /* hi: x^(512-32), lo: x^(512+32) */
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
    return fold_rest(x0, x1, x2, x3, p, n);
}

/* The same folding, 256 bytes per step: four 512-bit registers (16 lanes of 128 bits) each
 * moved 2048 bits on (k1 = x^(2048+32), k2 = x^(2048-32) mod P, reflected: computed as the
 * 512- and 128-bit constants above are, and checked against them), then the four folded
 * into one 512-bit register by 512-bit steps, whose four lanes go to the 128-bit tail above. */
#define FOLD512(x, k) _mm512_xor_si512(_mm512_clmulepi64_epi128((x), (k), 0x00), _mm512_clmulepi64_epi128((x), (k), 0x11))

__attribute__((target("avx512f,avx512vl,vpclmulqdq,pclmul,sse4.1"))) static uint32_t
crc32_vpclmul(uint32_t crc, const unsigned char *p, size_t n)
{
    /* n >= 256 */
    const __m512i k2048 = _mm512_broadcast_i32x4(_mm_set_epi64x(0x1322d1430LL, 0x11542778aLL));
    const __m512i k512 = _mm512_broadcast_i32x4(_mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL));
    __m512i z0 = _mm512_loadu_si512((const void *)p);
    __m512i z1 = _mm512_loadu_si512((const void *)(p + 64));
    __m512i z2 = _mm512_loadu_si512((const void *)(p + 128));
    __m512i z3 = _mm512_loadu_si512((const void *)(p + 192));
    z0 = _mm512_xor_si512(z0, _mm512_castsi128_si512(_mm_cvtsi32_si128((int)~crc)));
    p += 256;
    n -= 256;
    while (n >= 256) {
        z0 = _mm512_xor_si512(FOLD512(z0, k2048), _mm512_loadu_si512((const void *)p));
        z1 = _mm512_xor_si512(FOLD512(z1, k2048), _mm512_loadu_si512((const void *)(p + 64)));
        z2 = _mm512_xor_si512(FOLD512(z2, k2048), _mm512_loadu_si512((const void *)(p + 128)));
        z3 = _mm512_xor_si512(FOLD512(z3, k2048), _mm512_loadu_si512((const void *)(p + 192)));
        p += 256;
        n -= 256;
    }
    __m512i z = _mm512_xor_si512(FOLD512(z0, k512), z1);
    z = _mm512_xor_si512(FOLD512(z, k512), z2);
    z = _mm512_xor_si512(FOLD512(z, k512), z3);
    while (n >= 64) {
        z = _mm512_xor_si512(FOLD512(z, k512), _mm512_loadu_si512((const void *)p));
        p += 64;
        n -= 64;
    }
    return fold_rest(_mm512_extracti32x4_epi32(z, 0), _mm512_extracti32x4_epi32(z, 1),
                     _mm512_extracti32x4_epi32(z, 2), _mm512_extracti32x4_epi32(z, 3), p, n);
}

static int have_vpclmul(void)
{
    static int cached = -1; /* benign race, as have_clmul's */
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("pclmul");
        const char *e = getenv("PYTS_CRC_ISA");
        if (e && strcmp(e, "vpclmul") != 0)
            v = 0;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
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

int pts_crc32_accelerated(void) { return have_vpclmul() ? 2 : have_clmul(); }

static uint32_t crc32_one(uint32_t crc, const void *p, size_t n)
{
    if (n >= 256 && have_vpclmul())
        return crc32_vpclmul(crc, p, n);
    if (n >= 256 && have_clmul())
        return crc32_clmul(crc, p, n);
    return pts_crc32_portable(crc, p, n);
}

#else

int pts_crc32_accelerated(void) { return 0; }

static uint32_t crc32_one(uint32_t crc, const void *p, size_t n) { return pts_crc32_portable(crc, p, n); }

#endif

/* ---- large buffers: 1 MB pieces on the thread pool, joined with zlib's crc32_combine ------
 * Each thread of the job claims the next unclaimed piece (an atomic counter), so a thread that
 * starts late (its CPU busy) takes fewer pieces instead of holding the others up. */

#define PIECE ((size_t)1 << 20)
#define PAR_MIN (4 * PIECE) /* below, one thread (the job's hand-off costs more than it saves) */
#define MAX_PIECES 1024      /* larger buffers are done 1 GB at a time */

typedef struct {
    const unsigned char *p;
    size_t n;
    int pieces;
    atomic_int next;
    uint32_t crc[MAX_PIECES];
} par_ctx;

static void par_claim(void *vctx, int64_t b, int64_t e)
{
    (void)b, (void)e;
    par_ctx *c = vctx;
    for (;;) {
        int i = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed);
        if (i >= c->pieces)
            return;
        size_t off = (size_t)i * PIECE;
        c->crc[i] = crc32_one(0, c->p + off, c->n - off < PIECE ? c->n - off : PIECE);
    }
}

uint32_t pts_crc32(uint32_t crc, const void *p, size_t n)
{
    const unsigned char *b = p;
    int threads = n >= PAR_MIN ? pts_get_num_threads() : 1;
    if (threads <= 1)
        return crc32_one(crc, p, n);
    par_ctx *c = malloc(sizeof *c);
    if (!c)
        return crc32_one(crc, p, n);
    uLong r = crc;
    while (n > 0) {
        size_t part = n < (size_t)MAX_PIECES * PIECE ? n : (size_t)MAX_PIECES * PIECE;
        c->p = b;
        c->n = part;
        c->pieces = (int)((part + PIECE - 1) / PIECE);
        atomic_init(&c->next, 0);
        pts_parallel_for(threads, 1, par_claim, c);
        for (int i = 0; i < c->pieces; i++) {
            size_t off = (size_t)i * PIECE;
            r = crc32_combine(r, c->crc[i], (z_off_t)(part - off < PIECE ? part - off : PIECE));
        }
        b += part;
        n -= part;
    }
    free(c);
    return (uint32_t)r;
}
