/* sgemm_kernel.c - the float32 GEMM micro-kernels (see sgemm_kernel.h) and
 * their dispatch table: AVX-512 8x32 (16 accumulators), AVX2 + FMA 6x16 (12),
 * portable C 4x8.  The SIMD ones are compiled with target attributes, so
 * the file needs no -m flags and builds with gcc and clang; the table is
 * filled once from __builtin_cpu_supports.  A NEON kernel would be one more
 * function and one more row in isa_table. */
#include "ops/nn/sgemm_kernel.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SGEMM_X86 1
#else
#define SGEMM_X86 0
#endif

/* Row offsets of A: a packed panel (a_k == MR, a_m == 1) is zero-padded to
 * MR rows, so every row is read; a plain matrix is read only at rows < mr
 * (the missing rows repeat the last one and are never stored). */
#define ROW_OFFSETS(MR)                                                            \
    int64_t o[MR];                                                                 \
    bool packed_ = a_k == (MR) && a_m == 1;                                        \
    for (int m_ = 0; m_ < (MR); m_++)                                              \
        o[m_] = packed_ ? m_ : (int64_t)(m_ < mr ? m_ : mr - 1) * a_m;

#define BIAS(m) (bias && (m) < mr ? bias[m] : 0.0f)

/* ---- portable C: 4 x 8 ---------------------------------------------------------------- */

#define P_MR 4
#define P_NR 8

static inline void uk_portable_body(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                    const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr,
                                    bool from_c)
{
    ROW_OFFSETS(P_MR)
    float acc[P_MR][P_NR];
    for (int m = 0; m < P_MR; m++)
        for (int n = 0; n < P_NR; n++)
            acc[m][n] = from_c ? (m < mr && n < nr ? C[m * ldc + n] : 0.0f) : BIAS(m);
    if (nr == P_NR) {
        for (int64_t k = 0; k < K; k++) {
            const float *b = B + boff[k], *a = A + k * a_k;
            for (int m = 0; m < P_MR; m++) {
                float av = a[o[m]];
                for (int n = 0; n < P_NR; n++)
                    acc[m][n] += av * b[n];
            }
        }
    } else {
        for (int64_t k = 0; k < K; k++) {
            const float *b = B + boff[k], *a = A + k * a_k;
            for (int m = 0; m < P_MR; m++) {
                float av = a[o[m]];
                for (int n = 0; n < nr; n++)
                    acc[m][n] += av * b[n];
            }
        }
    }
    for (int m = 0; m < mr; m++)
        for (int n = 0; n < nr; n++)
            C[m * ldc + n] = acc[m][n];
}

static void uk_portable(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B, const int64_t *boff,
                        const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_portable_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, false);
}

static void uk_portable_acc(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B, const int64_t *boff,
                            const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_portable_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, true);
}

#if SGEMM_X86

/* ---- AVX2 + FMA: 6 x 16 (two ymm per row) ----------------------------------------------- */

#define TARGET_AVX2 __attribute__((target("avx2,fma")))

#define A2_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define A2_INIT(m)                                                                 \
    __m256 c##m##0 = _mm256_set1_ps(BIAS(m)), c##m##1 = c##m##0;                   \
    if (from_c && (m) < mr) {                                                      \
        float r_[16] = {0};                                                        \
        memcpy(r_, C + (m) * ldc, sizeof(float) * (size_t)(nr < 16 ? nr : 16));    \
        c##m##0 = _mm256_loadu_ps(r_);                                             \
        c##m##1 = _mm256_loadu_ps(r_ + 8);                                         \
    }
#define A2_STEP(m)                                        \
    {                                                     \
        __m256 av = _mm256_broadcast_ss(a + o[m]);        \
        c##m##0 = _mm256_fmadd_ps(av, b0, c##m##0);       \
        c##m##1 = _mm256_fmadd_ps(av, b1, c##m##1);       \
    }

TARGET_AVX2 static inline __attribute__((always_inline)) void
uk_avx2_body(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B, const int64_t *boff,
             const float *bias, float *C, int64_t ldc, int mr, int nr, bool from_c)
{
    ROW_OFFSETS(6)
    A2_ROWS(A2_INIT)
    if (nr == 16) {
        for (int64_t k = 0; k < K; k++) {
            const float *b = B + boff[k], *a = A + k * a_k;
            __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
            A2_ROWS(A2_STEP)
        }
    } else { /* masked loads never touch columns >= nr */
        int32_t lane[16];
        for (int i = 0; i < 16; i++)
            lane[i] = i < nr ? -1 : 0;
        __m256i k0 = _mm256_loadu_si256((const __m256i *)lane), k1 = _mm256_loadu_si256((const __m256i *)(lane + 8));
        for (int64_t k = 0; k < K; k++) {
            const float *b = B + boff[k], *a = A + k * a_k;
            __m256 b0 = _mm256_maskload_ps(b, k0), b1 = _mm256_maskload_ps(b + 8, k1);
            A2_ROWS(A2_STEP)
        }
    }
    float t[6][16];
#define A2_SAVE(m)                        \
    _mm256_storeu_ps(t[m], c##m##0);      \
    _mm256_storeu_ps(t[m] + 8, c##m##1);
    if (nr == 16) {
        switch (mr) { /* full rows straight to C */
        case 6: _mm256_storeu_ps(C + 5 * ldc, c50); _mm256_storeu_ps(C + 5 * ldc + 8, c51); /* fall through */
        case 5: _mm256_storeu_ps(C + 4 * ldc, c40); _mm256_storeu_ps(C + 4 * ldc + 8, c41); /* fall through */
        case 4: _mm256_storeu_ps(C + 3 * ldc, c30); _mm256_storeu_ps(C + 3 * ldc + 8, c31); /* fall through */
        case 3: _mm256_storeu_ps(C + 2 * ldc, c20); _mm256_storeu_ps(C + 2 * ldc + 8, c21); /* fall through */
        case 2: _mm256_storeu_ps(C + 1 * ldc, c10); _mm256_storeu_ps(C + 1 * ldc + 8, c11); /* fall through */
        case 1: _mm256_storeu_ps(C, c00); _mm256_storeu_ps(C + 8, c01); /* fall through */
        default: break;
        }
        return;
    }
    A2_ROWS(A2_SAVE)
    for (int m = 0; m < mr; m++)
        memcpy(C + m * ldc, t[m], sizeof(float) * (size_t)nr);
}

TARGET_AVX2 static void uk_avx2(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_avx2_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, false);
}

TARGET_AVX2 static void uk_avx2_acc(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                    const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_avx2_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, true);
}

/* ---- AVX-512: 8 x 32 (two zmm per row) --------------------------------------------------- */

#define TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))

#define Z_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define Z_INIT(m)                                                          \
    __m512 c##m##0 = _mm512_set1_ps(BIAS(m)), c##m##1 = c##m##0;           \
    if (from_c && (m) < mr) {                                              \
        c##m##0 = _mm512_maskz_loadu_ps(k0, C + (m) * ldc);                \
        c##m##1 = _mm512_maskz_loadu_ps(k1, C + (m) * ldc + 16);           \
    }
#define Z_STEP(m)                                         \
    {                                                     \
        __m512 av = _mm512_set1_ps(a[o[m]]);              \
        c##m##0 = _mm512_fmadd_ps(av, b0, c##m##0);       \
        c##m##1 = _mm512_fmadd_ps(av, b1, c##m##1);       \
    }
#define Z_STORE(m)                                                 \
    if ((m) < mr) {                                                \
        _mm512_mask_storeu_ps(C + (m) * ldc, k0, c##m##0);         \
        _mm512_mask_storeu_ps(C + (m) * ldc + 16, k1, c##m##1);    \
    }

TARGET_AVX512 static inline __attribute__((always_inline)) void
uk_avx512_body(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B, const int64_t *boff,
               const float *bias, float *C, int64_t ldc, int mr, int nr, bool from_c)
{
    ROW_OFFSETS(8)
    /* masked loads (fault-suppressing) and stores: columns >= nr are never touched */
    __mmask16 k0 = (__mmask16)(nr >= 16 ? 0xFFFFu : (1u << nr) - 1u);
    __mmask16 k1 = (__mmask16)(nr >= 32 ? 0xFFFFu : nr > 16 ? (1u << (nr - 16)) - 1u : 0u);
    Z_ROWS(Z_INIT)
    for (int64_t k = 0; k < K; k++) {
        const float *b = B + boff[k], *a = A + k * a_k;
        __m512 b0 = _mm512_maskz_loadu_ps(k0, b), b1 = _mm512_maskz_loadu_ps(k1, b + 16);
        Z_ROWS(Z_STEP)
    }
    Z_ROWS(Z_STORE)
}

TARGET_AVX512 static void uk_avx512(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                    const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_avx512_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, false);
}

TARGET_AVX512 static void uk_avx512_acc(int64_t K, const float *A, int64_t a_k, int64_t a_m, const float *B,
                                        const int64_t *boff, const float *bias, float *C, int64_t ldc, int mr, int nr)
{
    uk_avx512_body(K, A, a_k, a_m, B, boff, bias, C, ldc, mr, nr, true);
}

#endif /* SGEMM_X86 */

/* ---- dispatch ----------------------------------------------------------------------------- */

static const pts_sgemm_isa isa_table[] = {
#if SGEMM_X86
    {"avx512", 8, 32, uk_avx512, uk_avx512_acc},
    {"avx2", 6, 16, uk_avx2, uk_avx2_acc},
#endif
    {"portable", P_MR, P_NR, uk_portable, uk_portable_acc},
};
#define N_ISA ((int)(sizeof isa_table / sizeof isa_table[0]))

static bool isa_runs(const pts_sgemm_isa *isa)
{
#if SGEMM_X86
    if (strcmp(isa->name, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(isa->name, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return strcmp(isa->name, "portable") == 0;
}

static pts_sgemm_isa supported[N_ISA];
static int n_supported;
static const pts_sgemm_isa *best;
static atomic_int init_state; /* 0 not yet, 1 being filled, 2 ready */

/* Fill supported[] and best once; other threads wait for it (a few microseconds). */
static void isa_init(void)
{
    if (atomic_load_explicit(&init_state, memory_order_acquire) == 2)
        return;
    int expected = 0;
    if (!atomic_compare_exchange_strong_explicit(&init_state, &expected, 1, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        while (atomic_load_explicit(&init_state, memory_order_acquire) != 2)
            ;
        return;
    }
    int n = 0;
    for (int i = 0; i < N_ISA; i++)
        if (isa_runs(&isa_table[i]))
            supported[n++] = isa_table[i];
    n_supported = n;
    int pick = 0; /* portable always runs, so n >= 1 */
    const char *want = getenv("PYTS_SGEMM_ISA");
    for (int i = 0; want && i < n; i++)
        if (strcmp(supported[i].name, want) == 0)
            pick = i;
    best = &supported[pick];
    atomic_store_explicit(&init_state, 2, memory_order_release);
}

const pts_sgemm_isa *pts_sgemm_isa_all(int *n)
{
    isa_init();
    *n = n_supported;
    return supported;
}

const pts_sgemm_isa *pts_sgemm_isa_best(void)
{
    isa_init();
    return best;
}

int64_t pts_sgemm_packed_size(const pts_sgemm_isa *isa, int64_t M, int64_t K)
{
    return (M + isa->mr - 1) / isa->mr * isa->mr * K;
}

void pts_sgemm_pack_a(const pts_sgemm_isa *isa, int64_t M, int64_t K, const float *A, int64_t lda, float *out)
{
    int64_t MR = isa->mr;
    for (int64_t i0 = 0; i0 < M; i0 += MR) {
        float *p = out + i0 * K;
        for (int64_t r = 0; r < MR; r++) {
            if (i0 + r < M) {
                const float *row = A + (i0 + r) * lda;
                for (int64_t k = 0; k < K; k++)
                    p[k * MR + r] = row[k];
            } else {
                for (int64_t k = 0; k < K; k++)
                    p[k * MR + r] = 0.0f;
            }
        }
    }
}
