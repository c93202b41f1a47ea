/* elementwise.c - unary, binary and ternary elementwise tensor ops: arithmetic,
 * math functions, comparisons, logical/bitwise ops, clamp, where, lerp,
 * addcmul/addcdiv and their in-place forms.
 *
 * Every op goes through ew_run: find the result dtype with torch's promotion
 * rules, pick a compute dtype (float32 for float16/bfloat16/float32, float64,
 * or int64 for integer and bool results), convert the operands to it, run the
 * op's typed loop over the broadcasting iterator, and convert the result back
 * (float16/bfloat16 are thus computed in float and rounded once per element,
 * as torch does).  Loops are generated per op by the LOOP macros for float,
 * double and int64_t; float math uses <tgmath.h> so float32 stays float.
 * Ops defined for complex tensors (DEFC) also get loops over C11's float
 * complex / double complex, computed in the complex dtype itself with
 * <complex.h> (through tgmath: exp(a) is cexpf for a float complex a); an
 * op without them refuses complex with torch's "not implemented" message.
 */
#include <complex.h>
#include <stdatomic.h>
#include <string.h>
#include <tgmath.h>

#include "ops/kernel.h"
#include "ops/pointwise/cplx_ops.h"
#include "tensor/cplx.h"
#include "tensor/vmath.h"

/* ---- loop context and generated loops -------------------------------------------- */

typedef struct ectx {
    float p1_f, p2_f, p3_f;
    double p1_d, p2_d, p3_d;
    int64_t p1_i, p2_i, p3_i;
    float complex p1_cf, p2_cf, p3_cf;
    double complex p1_cd, p2_cd, p3_cd;
    atomic_int err; /* 1: integer division by zero */
} ectx;

typedef struct ew_loops {
    pts_iter_loop_fn f32, f64, i64;
    pts_iter_loop_fn c64, c128; /* NULL: the op has no complex kernel */
} ew_loops;

#define PARAMS(T, S)                                                                                                   \
    ectx *c = vc;                                                                                                      \
    const T p1 = (T)c->p1_##S, p2 = (T)c->p2_##S, p3 = (T)c->p3_##S;                                                   \
    (void)p1;                                                                                                          \
    (void)p2;                                                                                                          \
    (void)p3;

/* one input: a */
#define LOOP1(NAME, TO, TI, S, EXPR)                                                                                   \
    PTS_SIMD_CLONES static void NAME(void *vc, char **d, const int64_t *s, int64_t n)                                  \
    {                                                                                                                  \
        PARAMS(TI, S)                                                                                                  \
        if (s[0] == sizeof(TO) && s[1] == sizeof(TI)) {                                                                \
            TO *o = (TO *)d[0];                                                                                        \
            const TI *x = (const TI *)d[1];                                                                            \
            for (int64_t i = 0; i < n; i++) {                                                                          \
                TI a = x[i];                                                                                           \
                o[i] = (TO)(EXPR); (void)a; \
            }                                                                                                          \
        } else {                                                                                                       \
            for (int64_t i = 0; i < n; i++) {                                                                          \
                TI a = *(const TI *)(d[1] + i * s[1]);                                                                 \
                *(TO *)(d[0] + i * s[0]) = (TO)(EXPR); (void)a; \
            }                                                                                                          \
        }                                                                                                              \
    }

/* two inputs: a, b (fast paths: all contiguous, b scalar) */
#define LOOP2(NAME, TO, TI, S, EXPR)                                                                                   \
    PTS_SIMD_CLONES static void NAME(void *vc, char **d, const int64_t *s, int64_t n)                                  \
    {                                                                                                                  \
        PARAMS(TI, S)                                                                                                  \
        if (s[0] == sizeof(TO) && s[1] == sizeof(TI) && s[2] == sizeof(TI)) {                                          \
            TO *o = (TO *)d[0];                                                                                        \
            const TI *x = (const TI *)d[1], *y = (const TI *)d[2];                                                     \
            for (int64_t i = 0; i < n; i++) {                                                                          \
                TI a = x[i], b = y[i];                                                                                 \
                o[i] = (TO)(EXPR); (void)a; (void)b; \
            }                                                                                                          \
        } else if (s[0] == sizeof(TO) && s[1] == sizeof(TI) && s[2] == 0) {                                            \
            TO *o = (TO *)d[0];                                                                                        \
            const TI *x = (const TI *)d[1];                                                                            \
            const TI b = *(const TI *)d[2];                                                                            \
            for (int64_t i = 0; i < n; i++) {                                                                          \
                TI a = x[i];                                                                                           \
                o[i] = (TO)(EXPR); (void)a; (void)b; \
            }                                                                                                          \
        } else {                                                                                                       \
            for (int64_t i = 0; i < n; i++) {                                                                          \
                TI a = *(const TI *)(d[1] + i * s[1]), b = *(const TI *)(d[2] + i * s[2]);                             \
                *(TO *)(d[0] + i * s[0]) = (TO)(EXPR); (void)a; (void)b; \
            }                                                                                                          \
        }                                                                                                              \
    }

/* three inputs: a, b, e */
#define LOOP3(NAME, TO, TI, S, EXPR)                                                                                   \
    PTS_SIMD_CLONES static void NAME(void *vc, char **d, const int64_t *s, int64_t n)                                  \
    {                                                                                                                  \
        PARAMS(TI, S)                                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                                              \
            TI a = *(const TI *)(d[1] + i * s[1]), b = *(const TI *)(d[2] + i * s[2]),                                 \
               e = *(const TI *)(d[3] + i * s[3]);                                                                     \
            *(TO *)(d[0] + i * s[0]) = (TO)(EXPR); (void)a; (void)b; (void)e; \
        }                                                                                                              \
    }

/* An op with one float expression (float, double) and one int64 expression. */
#define DEF(K, NAME, TOF, TOI, EF, EI)                                                                                 \
    K(NAME##_f32, 0, float, f, EF)                                                                      \
    K(NAME##_f64, 0, double, d, EF)                                                                                    \
    K(NAME##_i64, 0, int64_t, i, EI)                                                                                   \
    static const ew_loops NAME = {NAME##_f32, NAME##_f64, NAME##_i64, NULL, NULL};

/* The same with a complex expression EC (a, b, e, p1.. are float/double complex). */
#define DEFC(K, NAME, EF, EI, EC)                                                                                      \
    K(NAME##_f32, 0, float, f, EF)                                                                                     \
    K(NAME##_f64, 0, double, d, EF)                                                                                    \
    K(NAME##_i64, 0, int64_t, i, EI)                                                                                   \
    K(NAME##_c64, 0, float complex, cf, EC)                                                                            \
    K(NAME##_c128, 0, double complex, cd, EC)                                                                          \
    static const ew_loops NAME = {NAME##_f32, NAME##_f64, NAME##_i64, NAME##_c64, NAME##_c128};

/* Result types of loops: V = same as input, B = bool (uint8_t) */
#define V_LOOP1(N, X, T, S, E) LOOP1(N, T, T, S, E)
#define V_LOOP2(N, X, T, S, E) LOOP2(N, T, T, S, E)
#define V_LOOP3(N, X, T, S, E) LOOP3(N, T, T, S, E)
#define B_LOOP1(N, X, T, S, E) LOOP1(N, uint8_t, T, S, E)
#define B_LOOP2(N, X, T, S, E) LOOP2(N, uint8_t, T, S, E)

#define UN(NAME, EF, EI) DEF(V_LOOP1, NAME, 0, 0, EF, EI)
#define BIN(NAME, EF, EI) DEF(V_LOOP2, NAME, 0, 0, EF, EI)
#define TERN(NAME, EF, EI) DEF(V_LOOP3, NAME, 0, 0, EF, EI)
#define UNB(NAME, EF, EI) DEF(B_LOOP1, NAME, 0, 0, EF, EI)
#define BINB(NAME, EF, EI) DEF(B_LOOP2, NAME, 0, 0, EF, EI)
#define UNC(NAME, EF, EI, EC) DEFC(V_LOOP1, NAME, EF, EI, EC)
#define BINC(NAME, EF, EI, EC) DEFC(V_LOOP2, NAME, EF, EI, EC)
#define UNBC(NAME, EF, EI, EC) DEFC(B_LOOP1, NAME, EF, EI, EC)
#define BINBC(NAME, EF, EI, EC) DEFC(B_LOOP2, NAME, EF, EI, EC)

/* ---- integer helpers (wrapping, division by zero flagged) ---------------------------- */

#define WADD(a, b) ((int64_t)((uint64_t)(a) + (uint64_t)(b)))
#define WSUB(a, b) ((int64_t)((uint64_t)(a) - (uint64_t)(b)))
#define WMUL(a, b) ((int64_t)((uint64_t)(a) * (uint64_t)(b)))

static inline int64_t idiv_trunc(ectx *c, int64_t a, int64_t b)
{
    if (b == 0) {
        atomic_store(&c->err, 1);
        return 0;
    }
    return b == -1 ? WSUB(0, a) : a / b;
}

static inline int64_t idiv_floor(ectx *c, int64_t a, int64_t b)
{
    if (b == 0) {
        atomic_store(&c->err, 1);
        return 0;
    }
    if (b == -1)
        return WSUB(0, a);
    int64_t q = a / b, r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t imod(ectx *c, int64_t a, int64_t b) /* Python-style remainder */
{
    if (b == 0) {
        atomic_store(&c->err, 1);
        return 0;
    }
    if (b == -1)
        return 0;
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static inline int64_t ifmod(ectx *c, int64_t a, int64_t b) /* C-style remainder */
{
    if (b == 0) {
        atomic_store(&c->err, 1);
        return 0;
    }
    return b == -1 ? 0 : a % b;
}

static inline int64_t ipow(int64_t a, int64_t b)
{
    if (b < 0)
        return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
    int64_t r = 1;
    while (b) {
        if (b & 1)
            r = WMUL(r, a);
        a = WMUL(a, a);
        b >>= 1;
    }
    return r;
}

static inline int64_t iabs(int64_t a) { return a < 0 ? WSUB(0, a) : a; }

/* torch's shifts (c10 bitwise): a count outside [0, width) gives 0 (left) or the sign fill (right).
 * Operands hold values of their (narrower) integer dtype in int64, so shifting in 64 bits and
 * wrapping to the result dtype afterwards gives the same bits for counts up to 63. */
static inline int64_t ishl(int64_t a, int64_t b) { return (b < 0 || b > 63) ? 0 : (int64_t)((uint64_t)a << b); }
static inline int64_t ishr(int64_t a, int64_t b) { return (b < 0 || b > 63) ? (a < 0 ? -1 : 0) : a >> b; }

/* v's low `bits` bits sign-extended (bits 8..63); bits 0 or >= 64: v unchanged */
static inline int64_t iwrap(int64_t v, int64_t bits)
{
    if (bits <= 0 || bits >= 64)
        return v;
    return (int64_t)((uint64_t)v << (64 - bits)) >> (64 - bits);
}

/* torch's calc_gcd in the dtype's own type T: Euclid on std::abs of each operand stored back into T,
 * so |T's minimum| wraps to itself and the result can be negative (gcd(INT32_MIN, 3) is -1 in torch).
 * bits: T's width for the signed dtypes (8, 16, 32, 64), 0 for uint8 */
static inline int64_t igcd(int64_t a, int64_t b, int64_t bits)
{
    a = iwrap(iabs(a), bits), b = iwrap(iabs(b), bits);
    while (a != 0) {
        int64_t c = a;
        a = b % a; /* |b % a| < |a|: in T's range */
        b = c;
    }
    return b;
}

/* torch's calc_lcm: std::abs(a / g * b), computed in int for dtypes narrower than int64 (C++'s
 * integer promotion, wrapping at 32 bits) and in int64_t for int64 */
static inline int64_t ilcm(int64_t a, int64_t b, int64_t bits)
{
    int64_t g = igcd(a, b, bits);
    if (g == 0)
        return 0;
    int64_t w = bits == 64 ? 64 : 32;
    int64_t q = g == -1 ? WSUB(0, a) : a / g;
    return iwrap(iabs(iwrap(WMUL(q, b), w)), w);
}

/* c10::div_floor_floating */
#define DIV_FLOOR(T)                                                                                                   \
    static inline T div_floor_##T(T a, T b)                                                                            \
    {                                                                                                                  \
        if (b == 0)                                                                                                    \
            return a / b;                                                                                              \
        T mod = fmod(a, b);                                                                                            \
        T div = (a - mod) / b;                                                                                         \
        if (mod != 0 && (b < 0) != (mod < 0))                                                                          \
            div -= 1;                                                                                                  \
        if (div == 0)                                                                                                  \
            return copysign((T)0, a / b);                                                                              \
        T fl = floor(div);                                                                                             \
        if (div - fl > (T)0.5)                                                                                         \
            fl += 1;                                                                                                   \
        return fl;                                                                                                     \
    }                                                                                                                  \
    static inline T rem_##T(T a, T b)                                                                                  \
    {                                                                                                                  \
        T mod = fmod(a, b);                                                                                            \
        if (mod != 0 && (b < 0) != (mod < 0))                                                                          \
            mod += b;                                                                                                  \
        return mod;                                                                                                    \
    }                                                                                                                  \
    static inline T round_dec_##T(T a, int64_t dec, T tp)                                                              \
    {                                                                                                                  \
        return dec > 0 ? nearbyint(a * tp) / tp : nearbyint(a / tp) * tp;                                             \
    }                                                                                                                  \
    static inline T lerp_##T(T a, T b, T w)                                                                            \
    {                                                                                                                  \
        return fabs(w) < (T)0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);                                           \
    }                                                                                                                  \
    static inline T fpow_##T(T a, T b)                                                                                 \
    {                                                                                                                  \
        if (b == 2)                                                                                                    \
            return a * a;                                                                                              \
        if (b == 3)                                                                                                    \
            return a * a * a;                                                                                          \
        if (b == (T)0.5)                                                                                               \
            return sqrt(a);                                                                                            \
        if (b == (T)-0.5)                                                                                              \
            return 1 / sqrt(a);                                                                                        \
        if (b == -1)                                                                                                   \
            return 1 / a;                                                                                              \
        if (b == -2)                                                                                                   \
            return 1 / (a * a);                                                                                        \
        return pow(a, b);                                                                                              \
    }                                                                                                                  \
    static inline T sign_##T(T a) { return (T)((0 < a) - (a < 0)); }                                       \
    static inline T nan2num_##T(T a, T nan, T pinf, T ninf)                                                           \
    {                                                                                                                  \
        return isnan(a) ? nan : a == (T)INFINITY ? pinf : a == (T)-INFINITY ? ninf : a;                                 \
    }                                                                                                                  \
    static inline T fmax_nan_##T(T a, T b) { return isnan(a) ? a : isnan(b) ? b : a > b ? a : b; }                  \
    static inline T fmin_nan_##T(T a, T b) { return isnan(a) ? a : isnan(b) ? b : a < b ? a : b; }                  \
    static inline T clamp_##T(T a, T lo, T hi)                                                                         \
    {                                                                                                                  \
        if (isnan(a))                                                                                                  \
            return a;                                                                                                  \
        T t = a < lo ? lo : a;                                                                                         \
        return t > hi ? hi : t;                                                                                        \
    }
DIV_FLOOR(float)
DIV_FLOOR(double)

/* complex pow with torch's special cases of a real exponent (pow_tensor_scalar_optimized_kernel) */
#define CPOW(T, S)                                                                                                     \
    static inline T cpow_##S(T a, T b)                                                                                 \
    {                                                                                                                  \
        if (cimag(b) == 0) {                                                                                           \
            if (creal(b) == 2)                                                                                         \
                return a * a;                                                                                          \
            if (creal(b) == 3)                                                                                         \
                return a * a * a;                                                                                      \
            if (creal(b) == 0.5)                                                                                       \
                return sqrt(a);                                                                                        \
            if (creal(b) == -0.5)                                                                                      \
                return 1 / sqrt(a);                                                                                    \
            if (creal(b) == -1)                                                                                        \
                return 1 / a;                                                                                          \
            if (creal(b) == -2)                                                                                        \
                return 1 / (a * a);                                                                                    \
        }                                                                                                              \
        return pow(a, b);                                                                                              \
    }                                                                                                                  \
    static inline bool cisnan_##S(T a) { return isnan(creal(a)) || isnan(cimag(a)); }                                  \
    static inline bool cisinf_##S(T a) { return isinf(creal(a)) || isinf(cimag(a)); }
CPOW(float complex, cf)
CPOW(double complex, cd)

/* cmul_cf/cd, cdiv_cf/cd: torch's complex product and quotient (tensor/cplx.h) */
#define GC(fn, a) _Generic((a), float complex: fn##_cf, default: fn##_cd)

/* type-generic dispatch of the helpers above by the loop's element type */
#define G(fn, a) _Generic((a), float: fn##_float, default: fn##_double)

/* ---- the op loops ----------------------------------------------------------------- */

BINC(l_add, a + b, WADD(a, b), a + b)
BINC(l_add_alpha, fma(b, p1, a), WADD(a, WMUL(p1, b)), a + GC(cmul, a)(p1, b))
BINC(l_mul, a * b, WMUL(a, b), GC(cmul, a)(a, b))
BINC(l_div, a / b, idiv_trunc(c, a, b), GC(cdiv, a)(a, b))
BIN(l_div_trunc, trunc(a / b), idiv_trunc(c, a, b))
/* float16 / bfloat16 results: ATen's half kernels round the quotient to the dtype before trunc
 * ((a / b).trunc() on Vectorized<Half>), so 139.97 rounded to 140 truncates to 140 -- except when
 * the divisor is one element (iter.is_scalar(2)): then the float quotient is truncated */
static inline float q_half(double q) { return pts_half_to_float(pts_float_to_half((float)q)); }
static inline float q_bf16(double q) { return pts_bf16_to_float(pts_float_to_bf16((float)q)); }
BIN(l_div_trunc_half, trunc(q_half(a / b)), idiv_trunc(c, a, b))
BIN(l_div_trunc_bf16, trunc(q_bf16(a / b)), idiv_trunc(c, a, b))
BIN(l_div_floor, G(div_floor, a)(a, b), idiv_floor(c, a, b))
BIN(l_remainder, G(rem, a)(a, b), imod(c, a, b))
BIN(l_fmod, fmod(a, b), ifmod(c, a, b))
BINC(l_pow, G(fpow, a)(a, b), ipow(a, b), GC(cpow, a)(a, b))
BIN(l_pow_plain, pow(a, b), ipow(a, b)) /* float16/bfloat16: torch calls pow itself (pow(-inf, 0.5) = inf, not sqrt's NaN) */
BIN(l_atan2, atan2(a, b), 0)
BIN(l_maximum, G(fmax_nan, a)(a, b), a > b ? a : b)
BIN(l_minimum, G(fmin_nan, a)(a, b), a < b ? a : b)
BIN(l_clamp_min, G(clamp, a)(a, b, INFINITY), a < b ? b : a)
BIN(l_clamp_max, G(clamp, a)(a, -INFINITY, b), a > b ? b : a)
BIN(l_bit_and, 0, a & b)
BIN(l_bit_or, 0, a | b)
BIN(l_bit_xor, 0, a ^ b)
BIN(l_lshift, 0, ishl(a, b))
BIN(l_rshift, 0, ishr(a, b))
BIN(l_gcd, 0, igcd(a, b, p1))
BIN(l_lcm, 0, ilcm(a, b, p1))
BINBC(l_eq, a == b, a == b, a == b)
BINBC(l_ne, a != b, a != b, a != b)
BINB(l_lt, a < b, a < b)
BINB(l_le, a <= b, a <= b)
BINB(l_gt, a > b, a > b)
BINB(l_ge, a >= b, a >= b)
BINBC(l_land, a != 0 && b != 0, a != 0 && b != 0, a != 0 && b != 0)
BINBC(l_lor, a != 0 || b != 0, a != 0 || b != 0, a != 0 || b != 0)
BINBC(l_lxor, (a != 0) != (b != 0), (a != 0) != (b != 0), (a != 0) != (b != 0))

/* min(max(a, lo), hi): with lo > hi every element becomes hi, as torch */
#define ICLAMP(a, b, e) ((a < b ? b : a) > e ? e : (a < b ? b : a))
TERN(l_clamp, G(clamp, a)(a, b, e), ICLAMP(a, b, e))
TERN(l_clamp_t, (isnan(b) || isnan(e)) ? b + e : G(clamp, a)(a, b, e), ICLAMP(a, b, e))
TERN(l_lerp, G(lerp, a)(a, b, e), 0)
DEFC(V_LOOP3, l_addcmul, a + p1 * b * e, WADD(a, WMUL(WMUL(p1, b), e)), a + p1 * b * e)
DEFC(V_LOOP3, l_addcdiv, a + p1 * b / e, 0, a + p1 * b / e)

UNC(l_neg, -a, WSUB(0, a), -a)
UNC(l_pos, a, a, a)
BINC(l_one, 1, 1, 1)
UN(l_abs, fabs(a), iabs(a))
UNC(l_sqrt, sqrt(a), 0, sqrt(a))
UNC(l_rsqrt, 1 / sqrt(a), 0, GC(cdiv, a)(1, sqrt(a)))
UNC(l_exp, exp(a), 0, exp(a))
UNC(l_log, log(a), 0, log(a))
UNC(l_log2, log2(a), 0, log(a) / log((__typeof__(creal(a)))2))
UNC(l_log10, log10(a), 0, log(a) / log((__typeof__(creal(a)))10))
UN(l_log1p, log1p(a), 0)
UN(l_expm1, expm1(a), 0)
UNC(l_sin, sin(a), 0, sin(a))
UNC(l_cos, cos(a), 0, cos(a))
UNC(l_tan, tan(a), 0, tan(a))
UNC(l_asin, asin(a), 0, asin(a))
UNC(l_acos, acos(a), 0, acos(a))
UNC(l_atan, atan(a), 0, atan(a))
UNC(l_sinh, sinh(a), 0, sinh(a))
UNC(l_cosh, cosh(a), 0, cosh(a))
UNC(l_tanh, tanh(a), 0, tanh(a))
UNC(l_sigmoid, 1 / (1 + exp(-a)), 0, GC(cdiv, a)(1, 1 + exp(-a)))
UN(l_erf, erf(a), 0)
UN(l_erfc, erfc(a), 0)
UN(l_floor, floor(a), a)
UN(l_ceil, ceil(a), a)
UN(l_round, nearbyint(a), a)
UN(l_round_dec, G(round_dec, a)(a, c->p1_i, p2), a)
UN(l_trunc, trunc(a), a)
UN(l_sign, G(sign, a)(a), (a > 0) - (a < 0))
UNC(l_reciprocal, 1 / a, 0, GC(cdiv, a)(1, a))
UNC(l_square, a * a, WMUL(a, a), GC(cmul, a)(a, a))
UN(l_bit_not, 0, ~a)
UN(l_nan_to_num, G(nan2num, a)(a, p1, p2, p3), a)
UNBC(l_isnan, isnan(a), 0, GC(cisnan, a)(a))
UNBC(l_isinf, isinf(a), 0, GC(cisinf, a)(a))
UNBC(l_isfinite, isfinite(a), 1, isfinite(creal(a)) && isfinite(cimag(a)))
UNBC(l_lnot, a == 0, a == 0, a == 0)

/* where: operand 1 is the bool condition, 2 and 3 the values (any element size) */
#define WHERE_LOOP(NAME, T)                                                                                            \
    PTS_SIMD_CLONES static void NAME(void *vc, char **d, const int64_t *s, int64_t n)                                  \
    {                                                                                                                  \
        (void)vc;                                                                                                      \
        for (int64_t i = 0; i < n; i++) {                                                                              \
            bool cnd = *(const uint8_t *)(d[1] + i * s[1]) != 0;                                                       \
            *(T *)(d[0] + i * s[0]) = *(const T *)(d[cnd ? 2 : 3] + i * s[cnd ? 2 : 3]);                               \
        }                                                                                                              \
    }
WHERE_LOOP(where_f32, float)
WHERE_LOOP(where_f64, double)
WHERE_LOOP(where_i64, int64_t)
WHERE_LOOP(where_c64, float complex)
WHERE_LOOP(where_c128, double complex)
static const ew_loops l_where = {where_f32, where_f64, where_i64, where_c64, where_c128};

/* complex -> real loops (abs, angle: spec.real_out); real inputs use the ordinary ones */
LOOP1(l_cabs_c64, float, float complex, cf, hypotf(crealf(a), cimagf(a)))
LOOP1(l_cabs_c128, double, double complex, cd, hypot(creal(a), cimag(a)))
static const ew_loops l_cabs = {NULL, NULL, NULL, l_cabs_c64, l_cabs_c128};

/* ---- the driver ----------------------------------------------------------------------- */

typedef struct ew_spec {
    const char *name;
    int nin;
    pts_value in[3];     /* Tensor or number (borrowed) */
    bool keep_dtype[3];  /* keep this input's dtype (where's condition) instead of converting */
    int result;          /* final dtype of the result */
    int common;          /* dtype the inputs are cast to first (torch's common dtype); 0 = result, set by ew_run */
    bool has_common;     /* `common` was set (comparisons: the promoted dtype, not bool) */
    unsigned opmath_in;  /* bit i: a number / 0-dim input i keeps its full value for float16/bfloat16 results
                          * (torch reads such CPU scalars at opmath precision: mul/div `other`, lerp's weight) */
    bool bool_out;       /* loops write bool */
    bool real_out;       /* complex loops write the real dtype of their complex compute dtype (abs) */
    pts_tensor *inplace; /* write into this tensor (self of an in-place op) */
    const ew_loops *loops;
    ectx ctx;
} ew_spec;

static int compute_dtype(int dtype)
{
    switch (dtype) {
    case PTS_FLOAT16:
    case PTS_BFLOAT16:
    case PTS_FLOAT32: return PTS_FLOAT32;
    case PTS_FLOAT64: return PTS_FLOAT64;
    case PTS_COMPLEX64: return PTS_COMPLEX64;
    case PTS_COMPLEX128: return PTS_COMPLEX128;
    default: {
        const pts_dtype_info *di = pts_dtype_get(dtype);
        return di && (di->is_int || dtype == PTS_BOOL) ? PTS_INT64 : -1;
    }
    }
}

static void release_tensors(pts_tensor **ts, int n)
{
    for (int i = 0; i < n; i++)
        if (ts[i])
            pts_obj_release(&ts[i]->hdr);
}

static bool is_reduced_float(int dtype) { return dtype == PTS_FLOAT16 || dtype == PTS_BFLOAT16; }

/* dtype of an input value: a tensor's, or the dtype a Python number takes */
static int value_dtype(pts_value v) { return v.tag == PTS_T_TENSOR ? PTS_TENSOR(v)->dtype : pts_scalar_default_dtype(v); }

/* Does input i go through the common dtype before the compute dtype?  torch's
 * TensorIterator casts every input to the common dtype (so -3 compared with a
 * uint8 tensor is 253, and a float64 0-dim added to a float16 tensor is
 * rounded to float16 first), except the inputs in sp->opmath_in. */
static bool via_common(const ew_spec *sp, int i, int common, int cd)
{
    pts_value v = sp->in[i];
    if (common == cd || value_dtype(v) == common)
        return false;
    if ((sp->opmath_in >> i & 1u) && is_reduced_float(common) &&
        (v.tag != PTS_T_TENSOR || PTS_TENSOR(v)->ndim == 0))
        return false;
    return true;
}

/* Inputs converted to the compute dtype (new refs in ops[1..]). */
static pts_status prepare_inputs(ew_spec *sp, int cd, pts_tensor **ops)
{
    int common = sp->has_common ? sp->common : sp->result;
    for (int i = 0; i < sp->nin; i++) {
        pts_value v = sp->in[i];
        int want = sp->keep_dtype[i] && v.tag == PTS_T_TENSOR ? PTS_TENSOR(v)->dtype : cd;
        bool two_step = !sp->keep_dtype[i] && via_common(sp, i, common, cd);
        pts_tensor *t;
        if (v.tag == PTS_T_TENSOR) {
            pts_tensor *x = PTS_TENSOR(v);
            if (two_step) {
                pts_tensor *c = pts_tensor_to_dtype(x, common);
                t = c ? pts_tensor_to_dtype(c, want) : NULL;
                if (c)
                    pts_obj_release(&c->hdr);
            } else if (x->dtype == want) {
                pts_obj_retain(&x->hdr);
                t = x;
            } else {
                t = pts_tensor_to_dtype(x, want);
            }
        } else if (two_step) {
            pts_tensor *c = pts_tensor_from_scalar(v, common);
            t = c ? pts_tensor_to_dtype(c, want) : NULL;
            if (c)
                pts_obj_release(&c->hdr);
        } else {
            t = pts_tensor_from_scalar(v, want);
        }
        if (!t)
            return pts_err_last();
        ops[i + 1] = t;
    }
    return PTS_OK;
}

static void set_params(ectx *c, int k, pts_value v)
{
    double d = pts_scalar_f64(v);
    int64_t i = pts_scalar_i64(v);
    double im = v.tag == PTS_T_COMPLEX ? v.u.c[1] : 0.0;
    double complex cd = CMPLX(d, im);
    float complex cf = CMPLXF((float)d, (float)im);
    if (k == 1) {
        c->p1_d = d, c->p1_f = (float)d, c->p1_i = i, c->p1_cd = cd, c->p1_cf = cf;
    } else if (k == 2) {
        c->p2_d = d, c->p2_f = (float)d, c->p2_i = i, c->p2_cd = cd, c->p2_cf = cf;
    } else {
        c->p3_d = d, c->p3_f = (float)d, c->p3_i = i, c->p3_cd = cd, c->p3_cf = cf;
    }
}

static pts_status check_inplace(ew_spec *sp, int nd, const int64_t *shape)
{
    pts_tensor *t = sp->inplace;
    PTS_TRY(pts_check_no_internal_overlap(t, sp->name));
    if (!pts_can_cast(sp->result, t->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: result type %s can't be cast to the desired output type %s", sp->name,
                           pts_dtype_name(sp->result), pts_dtype_name(t->dtype));
    bool same = nd == t->ndim;
    for (int i = 0; same && i < nd; i++)
        same = shape[i] == t->sizes[i];
    if (!same) {
        char b[128];
        pts_tensor_describe(t, b, sizeof b);
        return pts_err_set(PTS_ERR_VALUE, "%s: output with shape %s doesn't match the broadcast shape", sp->name, b);
    }
    return pts_tensor_make_writable(t);
}

/* Run the loops into `out` and then deliver the result (new ref in *ret). */
static pts_status run_into(ew_spec *sp, int cd, pts_tensor **ops, int nd, const int64_t *shape, pts_value *ret)
{
    int loop_out = sp->bool_out ? PTS_BOOL : sp->real_out ? pts_dtype_real(cd) : cd;
    pts_iter_loop_fn fn = cd == PTS_FLOAT32 ? sp->loops->f32 : cd == PTS_FLOAT64 ? sp->loops->f64 :
                          cd == PTS_COMPLEX64 ? sp->loops->c64 : cd == PTS_COMPLEX128 ? sp->loops->c128 : sp->loops->i64;
    if (!fn)
        return pts_not_implemented(sp->name, cd);
    bool direct = sp->inplace && sp->inplace->dtype == loop_out;
    pts_tensor *out = direct ? sp->inplace : pts_tensor_empty(loop_out, nd, shape);
    if (!out)
        return pts_err_last();
    if (direct)
        pts_obj_retain(&out->hdr);
    ops[0] = out;
    pts_iter it;
    PTS_TRY(pts_iter_init(&it, sp->nin + 1, ops, sp->name));
    pts_iter_run(&it, fn, &sp->ctx);
    if (atomic_load(&sp->ctx.err))
        return pts_err_set(PTS_ERR_VALUE, "%s: ZeroDivisionError (integer division by zero)", sp->name);
    if (sp->inplace) {
        if (!direct)
            PTS_TRY(pts_tensor_copy_into(sp->inplace, out, sp->name));
        pts_obj_retain(&sp->inplace->hdr);
        *ret = pts_ret_tensor(sp->inplace);
        return PTS_OK;
    }
    if (out->dtype != sp->result) {
        pts_tensor *r = pts_tensor_to_dtype(out, sp->result);
        if (!r)
            return pts_err_last();
        *ret = pts_ret_tensor(r);
        return PTS_OK;
    }
    pts_obj_retain(&out->hdr);
    *ret = pts_ret_tensor(out);
    return PTS_OK;
}

/* The fast path of ew_run_cd, for the common small-op case: every tensor input is contiguous,
 * already of the compute dtype, and of one and the same shape (no broadcasting), every number
 * input converts straight to the compute dtype (torch's common dtype is the compute dtype), and
 * the loops write the result dtype itself (no float16 rounding, no int32 wrap afterwards); an
 * in-place target must be contiguous and of the loops' output dtype.  Then the iterator of the
 * general path would be one 1-D run (contiguous tensors coalesce; a number's 0-d tensor gets
 * stride 0), so the same loop is called on the same data in the same order, with the number held
 * in a local buffer instead of a 0-d tensor: the bits are those of the general path.
 * Returns false (nothing done) when the case does not apply; else *st is the op's status. */
static bool ew_fast(ew_spec *sp, int cd, pts_value *ret, pts_status *st)
{
    int loop_out = sp->bool_out ? PTS_BOOL : sp->real_out ? pts_dtype_real(cd) : cd;
    int common = sp->has_common ? sp->common : sp->result;
    if (loop_out != sp->result || common != cd)
        return false;
    const pts_tensor *shape_of = NULL;
    for (int i = 0; i < sp->nin; i++) {
        pts_value v = sp->in[i];
        if (sp->keep_dtype[i])
            return false;
        if (v.tag != PTS_T_TENSOR) {
            if (v.tag != PTS_T_INT && v.tag != PTS_T_FLOAT && v.tag != PTS_T_BOOL && v.tag != PTS_T_COMPLEX)
                return false;
            continue;
        }
        const pts_tensor *t = PTS_TENSOR(v);
        if (t->dtype != cd || !pts_tensor_is_contiguous(t))
            return false;
        if (!shape_of) {
            shape_of = t;
        } else {
            if (t->ndim != shape_of->ndim)
                return false;
            for (int d = 0; d < t->ndim; d++)
                if (t->sizes[d] != shape_of->sizes[d])
                    return false;
        }
    }
    if (!shape_of)
        return false;
    pts_tensor *out = sp->inplace;
    if (out) {
        if (out->dtype != loop_out || !pts_tensor_is_contiguous(out) || out->ndim != shape_of->ndim)
            return false;
        for (int d = 0; d < out->ndim; d++)
            if (out->sizes[d] != shape_of->sizes[d])
                return false;
        if ((*st = pts_tensor_make_writable(out)) != PTS_OK)
            return true;
        pts_obj_retain(&out->hdr);
    } else {
        out = pts_tensor_empty(loop_out, shape_of->ndim, shape_of->sizes);
        if (!out) {
            *st = pts_err_last();
            return true;
        }
    }
    pts_iter_loop_fn fn = cd == PTS_FLOAT32 ? sp->loops->f32 : cd == PTS_FLOAT64 ? sp->loops->f64 :
                          cd == PTS_COMPLEX64 ? sp->loops->c64 : cd == PTS_COMPLEX128 ? sp->loops->c128 : sp->loops->i64;
    if (!fn) {
        pts_obj_release(&out->hdr);
        *st = pts_not_implemented(sp->name, cd);
        return true;
    }
    _Alignas(16) unsigned char num[3][16]; /* number inputs in the compute dtype (complex128 at most) */
    pts_iter it;
    it.nops = sp->nin + 1;
    it.ndim = 1;
    it.numel = pts_tensor_numel(out);
    it.shape[0] = it.numel;
    it.data[0] = pts_tensor_data(out);
    it.strides[0][0] = pts_dtype_get(loop_out)->itemsize;
    int64_t isz = pts_dtype_get(cd)->itemsize;
    for (int i = 0; i < sp->nin; i++) {
        pts_value v = sp->in[i];
        if (v.tag == PTS_T_TENSOR) {
            it.data[i + 1] = pts_tensor_data(PTS_TENSOR(v));
            it.strides[0][i + 1] = isz;
        } else {
            pts_store_scalar(num[i], cd, v);
            it.data[i + 1] = (char *)num[i];
            it.strides[0][i + 1] = 0;
        }
    }
    pts_iter_run(&it, fn, &sp->ctx);
    if (atomic_load(&sp->ctx.err)) {
        pts_obj_release(&out->hdr);
        *st = pts_err_set(PTS_ERR_VALUE, "%s: ZeroDivisionError (integer division by zero)", sp->name);
        return true;
    }
    *ret = pts_ret_tensor(out);
    *st = PTS_OK;
    return true;
}

/* The compute dtype: from the result, or (comparisons) from the inputs' common dtype. */
static pts_status ew_run_cd(ew_spec *sp, int cd, pts_value *ret)
{
    if (cd < 0)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: dtype %s is not supported", sp->name, pts_dtype_name(sp->result));
    pts_status fst;
    if (ew_fast(sp, cd, ret, &fst))
        return fst;
    pts_tensor *ops[4] = {NULL, NULL, NULL, NULL};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    pts_tensor *ts[3] = {NULL, NULL, NULL};
    for (int i = 0; i < sp->nin; i++)
        ts[i] = sp->in[i].tag == PTS_T_TENSOR ? PTS_TENSOR(sp->in[i]) : NULL;
    pts_status st = pts_broadcast_tensors_shape(sp->nin, ts, &nd, shape, sp->name);
    if (!st && sp->inplace)
        st = check_inplace(sp, nd, shape);
    if (!st)
        st = prepare_inputs(sp, cd, ops);
    if (!st)
        st = run_into(sp, cd, ops, nd, shape, ret);
    release_tensors(ops, 4);
    return st;
}

static pts_status ew_run(ew_spec *sp, pts_value *ret) { return ew_run_cd(sp, compute_dtype(sp->result), ret); }

static pts_status result_of(ew_spec *sp)
{
    return pts_result_type(sp->nin, sp->in, &sp->result, sp->name);
}

/* ---- op front ends ----------------------------------------------------------------------- */

static ew_spec spec2(const pts_op *op, pts_value a, pts_value b, const ew_loops *loops)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 2;
    sp.in[0] = a;
    sp.in[1] = b;
    sp.loops = loops;
    return sp;
}

static bool is_inplace(const pts_op *op) { return op->schema.nargs > 0 && op->schema.args[0].is_write; }

/* self of an in-place overload (the tensor written), else NULL */
static pts_tensor *inplace_target(const pts_op *op, pts_value self)
{
    return is_inplace(op) ? PTS_TENSOR(self) : NULL;
}

enum { AR_NO_BOOL = 1, AR_OPMATH_OTHER = 2, AR_CHECK_FITS = 4 };

/* Arithmetic keeping the promoted dtype (add, mul, remainder, ...).  flags:
 * AR_NO_BOOL refuses a bool result as torch does ("remainder_cpu" not
 * implemented for 'Bool'); AR_OPMATH_OTHER reads a scalar `other` at full
 * precision (mul, div); AR_CHECK_FITS refuses a scalar `other` that overflows
 * the result dtype (clamp_min / clamp_max, as torch's checked conversion). */
static pts_status arith(const pts_op *op, pts_value self, pts_value other, pts_value *rets, const ew_loops *loops,
                        int flags)
{
    ew_spec sp = spec2(op, self, other, loops);
    sp.inplace = inplace_target(op, self);
    if (flags & AR_OPMATH_OTHER)
        sp.opmath_in = 1u << 1;
    PTS_TRY(result_of(&sp));
    if ((flags & AR_NO_BOOL) && sp.result == PTS_BOOL)
        return pts_not_implemented(sp.name, sp.result);
    if ((flags & AR_CHECK_FITS) && other.tag != PTS_T_TENSOR)
        PTS_TRY(pts_scalar_check_fits(other, sp.result, sp.name));
    return ew_run(&sp, rets);
}

static pts_status check_no_bool_sub(const pts_op *op, pts_value a, pts_value b)
{
    bool ab = (a.tag == PTS_T_TENSOR && PTS_TENSOR(a)->dtype == PTS_BOOL) || a.tag == PTS_T_BOOL;
    bool bb = (b.tag == PTS_T_TENSOR && PTS_TENSOR(b)->dtype == PTS_BOOL) || b.tag == PTS_T_BOOL;
    if (ab && bb)
        return pts_err_set(PTS_ERR_TYPE, "%s: Subtraction, the `-` operator, with two bool tensors is not supported. "
                                         "Use the `^` or `logical_xor()` operator instead.", op->schema.name);
    if (ab || bb)
        return pts_err_set(PTS_ERR_TYPE, "%s: Subtraction, the `-` operator, with a bool tensor is not supported. "
                                         "If you are trying to invert a mask, use the `~` or `logical_not()` operator "
                                         "instead.", op->schema.name);
    return PTS_OK;
}

/* self + alpha * other; sign = -1 for sub */
static pts_status add_common(const pts_op *op, pts_value a, pts_value b, pts_value alpha, int sign, pts_tensor *inplace,
                             pts_value *rets)
{
    ew_spec sp = spec2(op, a, b, &l_add);
    sp.inplace = inplace;
    PTS_TRY(result_of(&sp));
    if (alpha.tag == PTS_T_FLOAT && pts_dtype_category(sp.result) < PTS_CAT_FLOAT)
        return pts_err_set(PTS_ERR_TYPE, "%s: For integral input tensors, argument alpha must not be a floating point number.",
                           op->schema.name);
    double al = pts_scalar_f64(alpha);
    /* complex: torch always computes self + alpha * other (a complex product, even for alpha 1) */
    if (sign < 0 || al != 1 || pts_dtype_is_complex(sp.result)) {
        sp.loops = &l_add_alpha;
        if (alpha.tag == PTS_T_COMPLEX)
            alpha = pts_complex(sign * alpha.u.c[0], sign * alpha.u.c[1]);
        else if (alpha.tag == PTS_T_FLOAT)
            alpha = pts_float(sign * al);
        else
            alpha = pts_int(sign * pts_scalar_i64(alpha));
        set_params(&sp.ctx, 1, alpha);
    }
    return ew_run(&sp, rets);
}

/* self / other as values: a Tensor field is a pts_tensor *, a field typed
 * Tensor in one overload and Scalar in another is already a pts_value */
#define AS_VALUE(x) _Generic((x), pts_tensor *: pts_tensor_val, default: pts_value_id)(x)
static inline pts_value pts_value_id(pts_value v) { return v; }
#define SELF_V(a) AS_VALUE((a)->self)
#define OTHER_V(a) AS_VALUE((a)->other)

PTS_KERNEL(k_add) { return add_common(op, SELF_V(a), a->other, a->alpha, 1, inplace_target(op, SELF_V(a)), rets); }

PTS_KERNEL(k_sub)
{
    PTS_TRY(check_no_bool_sub(op, SELF_V(a), a->other));
    return add_common(op, SELF_V(a), a->other, a->alpha, -1, inplace_target(op, SELF_V(a)), rets);
}

PTS_KERNEL(k_rsub)
{
    PTS_TRY(check_no_bool_sub(op, SELF_V(a), a->other));
    return add_common(op, a->other, SELF_V(a), a->alpha, -1, NULL, rets);
}

PTS_KERNEL(k_mul) { return arith(op, SELF_V(a), a->other, rets, &l_mul, AR_OPMATH_OTHER); }
PTS_KERNEL(k_remainder) { return arith(op, a->self, a->other, rets, &l_remainder, AR_NO_BOOL); } /* self: Tensor or Scalar */
PTS_KERNEL(k_fmod) { return arith(op, SELF_V(a), a->other, rets, &l_fmod, AR_NO_BOOL); }
PTS_KERNEL(k_floor_divide) { return arith(op, SELF_V(a), a->other, rets, &l_div_floor, AR_NO_BOOL | AR_OPMATH_OTHER); }
PTS_KERNEL(k_maximum) { return arith(op, SELF_V(a), pts_tensor_val(a->other), rets, &l_maximum, 0); }
PTS_KERNEL(k_minimum) { return arith(op, SELF_V(a), pts_tensor_val(a->other), rets, &l_minimum, 0); }

/* div with rounding_mode None / "trunc" / "floor"; true division gives a float result. */
static pts_status div_common(const pts_op *op, pts_value self, pts_value other, const char *mode, pts_value *rets)
{
    ew_spec sp = spec2(op, self, other, &l_div);
    sp.inplace = inplace_target(op, self);
    sp.opmath_in = 1u << 1;
    PTS_TRY(result_of(&sp));
    if (!mode) {
        sp.result = pts_float_op_dtype(sp.result);
    } else if (strcmp(mode, "trunc") == 0) {
        bool one = other.tag != PTS_T_TENSOR || pts_tensor_numel(PTS_TENSOR(other)) == 1;
        sp.loops = one                         ? &l_div_trunc
                   : sp.result == PTS_FLOAT16  ? &l_div_trunc_half
                   : sp.result == PTS_BFLOAT16 ? &l_div_trunc_bf16
                                               : &l_div_trunc;
        if (sp.result == PTS_BOOL)
            return pts_not_implemented(sp.name, sp.result);
    } else if (strcmp(mode, "floor") == 0) {
        sp.loops = &l_div_floor;
        if (sp.result == PTS_BOOL)
            return pts_not_implemented(sp.name, sp.result);
    } else {
        return pts_err_set(PTS_ERR_VALUE, "%s: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '%s'",
                           op->schema.name, mode);
    }
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_div) { return div_common(op, SELF_V(a), a->other, NULL, rets); }
PTS_KERNEL(k_div_mode) { return div_common(op, SELF_V(a), a->other, a->rounding_mode, rets); }

PTS_KERNEL(k_atan2)
{
    ew_spec sp = spec2(op, SELF_V(a), pts_tensor_val(a->other), &l_atan2);
    PTS_TRY(result_of(&sp));
    sp.result = pts_float_op_dtype(sp.result);
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_pow)
{
    ew_spec sp = spec2(op, a->self, a->exponent, &l_pow);
    sp.inplace = inplace_target(op, a->self);
    PTS_TRY(result_of(&sp));
    pts_value e = a->exponent;
    if (pts_dtype_category(sp.result) <= PTS_CAT_INT && (e.tag == PTS_T_INT || e.tag == PTS_T_BOOL) && pts_scalar_i64(e) < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Integers to negative integer powers are not allowed.", op->schema.name);
    if (is_reduced_float(sp.result))
        sp.loops = &l_pow_plain;
    if (sp.result == PTS_BOOL) {
        /* torch has no bool pow kernel; a bool tensor to the power True/False is a copy / ones */
        if (e.tag == PTS_T_TENSOR || a->self.tag != PTS_T_TENSOR)
            return pts_not_implemented(sp.name, sp.result);
        sp.loops = e.u.b ? &l_pos : &l_one;
    }
    return ew_run(&sp, rets);
}

/* comparisons: compute in the common dtype, write bool */
static pts_status compare(const pts_op *op, pts_value self, pts_value other, pts_value *rets, const ew_loops *loops)
{
    ew_spec sp = spec2(op, self, other, loops);
    PTS_TRY(result_of(&sp));
    int cd = compute_dtype(sp.result);
    sp.common = sp.result;
    sp.has_common = true;
    sp.result = PTS_BOOL;
    sp.bool_out = true;
    return ew_run_cd(&sp, cd, rets);
}

PTS_KERNEL(k_eq) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_eq); }
PTS_KERNEL(k_ne) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_ne); }
PTS_KERNEL(k_lt) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_lt); }
PTS_KERNEL(k_le) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_le); }
PTS_KERNEL(k_gt) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_gt); }
PTS_KERNEL(k_ge) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_ge); }
PTS_KERNEL(k_logical_and) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_land); }
PTS_KERNEL(k_logical_or) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_lor); }
PTS_KERNEL(k_logical_xor) { return compare(op, SELF_V(a), OTHER_V(a), rets, &l_lxor); }

static pts_status bitwise(const pts_op *op, pts_value self, pts_value other, pts_value *rets, const ew_loops *loops)
{
    ew_spec sp = spec2(op, self, other, loops);
    sp.inplace = inplace_target(op, self);
    PTS_TRY(result_of(&sp));
    if (pts_dtype_category(sp.result) > PTS_CAT_INT)
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s' (bitwise ops need integer or bool tensors)",
                           op->schema.name, pts_dtype_name(sp.result));
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_bitwise_and) { return bitwise(op, SELF_V(a), OTHER_V(a), rets, &l_bit_and); }
PTS_KERNEL(k_bitwise_or) { return bitwise(op, SELF_V(a), OTHER_V(a), rets, &l_bit_or); }
PTS_KERNEL(k_bitwise_xor) { return bitwise(op, SELF_V(a), OTHER_V(a), rets, &l_bit_xor); }

/* Ops torch defines for integer dtypes only (AT_DISPATCH_INTEGRAL_TYPES: no bool, float or complex),
 * refused with the name of torch's kernel: shifts ("lshift_cpu" / "rshift_cpu"), gcd, lcm */
static pts_status integral_only(const pts_op *op, pts_value self, pts_value other, pts_value *rets,
                                const ew_loops *loops, const char *kernel)
{
    ew_spec sp = spec2(op, self, other, loops);
    sp.inplace = inplace_target(op, self);
    PTS_TRY(result_of(&sp));
    if (pts_dtype_category(sp.result) != PTS_CAT_INT || sp.result == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"%s\" not implemented for '%s'", op->schema.name, kernel,
                           pts_dtype_torch_name(sp.result));
    /* the width of the signed result type (the wrap of std::abs in gcd / lcm); 0 for uint8 */
    set_params(&sp.ctx, 1, pts_int(sp.result == PTS_UINT8 ? 0 : 8 * (int64_t)pts_dtype_get(sp.result)->itemsize));
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_lshift) { return integral_only(op, SELF_V(a), OTHER_V(a), rets, &l_lshift, "lshift_cpu"); }
PTS_KERNEL(k_rshift) { return integral_only(op, SELF_V(a), OTHER_V(a), rets, &l_rshift, "rshift_cpu"); }
PTS_KERNEL(k_gcd) { return integral_only(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, &l_gcd, "gcd_cpu"); }
PTS_KERNEL(k_lcm) { return integral_only(op, pts_tensor_val(a->self), pts_tensor_val(a->other), rets, &l_lcm, "lcm_cpu"); }

/* ---- unary ----------------------------------------------------------------------------- */

typedef enum un_kind {
    UN_FLOAT,   /* int/bool -> float32 (sqrt, exp, ...) */
    UN_SAME,    /* keep dtype (neg, sign, nan_to_num) */
    UN_NOBOOL,  /* keep dtype, refuse bool as torch does (abs, floor, ceil, round, trunc) */
    UN_BOOLOUT, /* bool result (isnan, logical_not) */
} un_kind;

static pts_status unary(const pts_op *op, pts_tensor *self, pts_value *rets, const ew_loops *loops, un_kind kind)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 1;
    sp.in[0] = pts_tensor_val(self);
    sp.loops = loops;
    sp.inplace = inplace_target(op, sp.in[0]);
    int dt = self->dtype;
    if (kind == UN_BOOLOUT) {
        sp.result = PTS_BOOL;
        sp.common = dt;
        sp.has_common = true;
        sp.bool_out = true;
        return ew_run_cd(&sp, compute_dtype(dt), rets);
    }
    if (kind == UN_NOBOOL && dt == PTS_BOOL)
        return pts_not_implemented(sp.name, dt);
    sp.result = kind == UN_FLOAT ? pts_float_op_dtype(dt) : dt;
    return ew_run(&sp, rets);
}

/* the unary kernels: one loop table and result rule each */
PTS_KERNEL(k_sqrt) { return unary(op, a->self, rets, &l_sqrt, UN_FLOAT); }
PTS_KERNEL(k_rsqrt) { return unary(op, a->self, rets, &l_rsqrt, UN_FLOAT); }
PTS_KERNEL(k_exp) { return unary(op, a->self, rets, &l_exp, UN_FLOAT); }
PTS_KERNEL(k_log) { return unary(op, a->self, rets, &l_log, UN_FLOAT); }
PTS_KERNEL(k_log2) { return unary(op, a->self, rets, &l_log2, UN_FLOAT); }
PTS_KERNEL(k_log10) { return unary(op, a->self, rets, &l_log10, UN_FLOAT); }
PTS_KERNEL(k_log1p)
{
    if (pts_dtype_is_complex(a->self->dtype))
        return pts_complex_unary(op, a->self, "log1p", rets);
    return unary(op, a->self, rets, &l_log1p, UN_FLOAT);
}
PTS_KERNEL(k_expm1)
{
    if (pts_dtype_is_complex(a->self->dtype))
        return pts_complex_unary(op, a->self, "expm1", rets);
    return unary(op, a->self, rets, &l_expm1, UN_FLOAT);
}
PTS_KERNEL(k_sin) { return unary(op, a->self, rets, &l_sin, UN_FLOAT); }
PTS_KERNEL(k_cos) { return unary(op, a->self, rets, &l_cos, UN_FLOAT); }
PTS_KERNEL(k_tan) { return unary(op, a->self, rets, &l_tan, UN_FLOAT); }
PTS_KERNEL(k_asin) { return unary(op, a->self, rets, &l_asin, UN_FLOAT); }
PTS_KERNEL(k_acos) { return unary(op, a->self, rets, &l_acos, UN_FLOAT); }
PTS_KERNEL(k_atan) { return unary(op, a->self, rets, &l_atan, UN_FLOAT); }
PTS_KERNEL(k_sinh) { return unary(op, a->self, rets, &l_sinh, UN_FLOAT); }
PTS_KERNEL(k_cosh) { return unary(op, a->self, rets, &l_cosh, UN_FLOAT); }
PTS_KERNEL(k_tanh) { return unary(op, a->self, rets, &l_tanh, UN_FLOAT); }
PTS_KERNEL(k_sigmoid) { return unary(op, a->self, rets, &l_sigmoid, UN_FLOAT); }
PTS_KERNEL(k_erf) { return unary(op, a->self, rets, &l_erf, UN_FLOAT); }
PTS_KERNEL(k_erfc) { return unary(op, a->self, rets, &l_erfc, UN_FLOAT); }
PTS_KERNEL(k_reciprocal) { return unary(op, a->self, rets, &l_reciprocal, UN_FLOAT); }
PTS_KERNEL(k_abs)
{
    int dt = a->self->dtype;
    if (!pts_dtype_is_complex(dt))
        return unary(op, a->self, rets, &l_abs, UN_NOBOOL);
    if (is_inplace(op))
        return pts_err_set(PTS_ERR_TYPE, "%s: In-place abs is not supported for complex tensors.", op->schema.name);
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 1;
    sp.in[0] = SELF_V(a);
    sp.loops = &l_cabs;
    sp.result = pts_dtype_real(dt);
    sp.common = dt; /* the input stays complex (not through the real result dtype) */
    sp.has_common = true;
    sp.real_out = true;
    return ew_run_cd(&sp, dt, rets);
}
PTS_KERNEL(k_floor) { return unary(op, a->self, rets, &l_floor, UN_NOBOOL); }
PTS_KERNEL(k_ceil) { return unary(op, a->self, rets, &l_ceil, UN_NOBOOL); }
PTS_KERNEL(k_round) { return unary(op, a->self, rets, &l_round, UN_NOBOOL); }
PTS_KERNEL(k_trunc) { return unary(op, a->self, rets, &l_trunc, UN_NOBOOL); }
PTS_KERNEL(k_sign) { return unary(op, a->self, rets, &l_sign, UN_SAME); }
PTS_KERNEL(k_isnan) { return unary(op, a->self, rets, &l_isnan, UN_BOOLOUT); }
PTS_KERNEL(k_isinf) { return unary(op, a->self, rets, &l_isinf, UN_BOOLOUT); }
PTS_KERNEL(k_isfinite) { return unary(op, a->self, rets, &l_isfinite, UN_BOOLOUT); }
PTS_KERNEL(k_logical_not) { return unary(op, a->self, rets, &l_lnot, UN_BOOLOUT); }

PTS_KERNEL(k_neg)
{
    if (a->self->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: Negation, the `-` operator, on a bool tensor is not supported. If you are "
                                         "trying to invert a mask, use the `~` or `logical_not()` operator instead.",
                           op->schema.name);
    return unary(op, a->self, rets, &l_neg, UN_SAME);
}

PTS_KERNEL(k_bitwise_not)
{
    int dt = a->self->dtype;
    if (dt == PTS_BOOL)
        return unary(op, a->self, rets, &l_lnot, UN_BOOLOUT);
    if (pts_dtype_category(dt) != PTS_CAT_INT)
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", op->schema.name, pts_dtype_name(dt));
    return unary(op, a->self, rets, &l_bit_not, UN_SAME);
}

PTS_KERNEL(k_square)
{
    if (a->self->dtype != PTS_BOOL)
        return unary(op, a->self, rets, &l_square, UN_SAME);
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 1;
    sp.in[0] = SELF_V(a);
    sp.loops = &l_square;
    sp.result = PTS_INT64;
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_round_decimals)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 1;
    sp.in[0] = SELF_V(a);
    sp.inplace = inplace_target(op, SELF_V(a));
    sp.result = a->self->dtype;
    if (pts_dtype_category(sp.result) != PTS_CAT_FLOAT)
        return pts_not_implemented(sp.name, sp.result);
    int64_t dec = a->decimals;
    sp.loops = dec == 0 ? &l_round : &l_round_dec;
    set_params(&sp.ctx, 1, pts_int(dec));
    set_params(&sp.ctx, 2, pts_float(pow(10.0, (double)(dec > 0 ? dec : -dec))));
    return ew_run(&sp, rets);
}

static double dtype_max(int dtype)
{
    switch (dtype) {
    case PTS_FLOAT16: return 65504.0;
    case PTS_BFLOAT16: return 3.3895313892515355e+38;
    case PTS_FLOAT32: return 3.4028234663852886e+38;
    default: return 1.7976931348623157e+308;
    }
}

PTS_KERNEL(k_nan_to_num)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 1;
    sp.in[0] = SELF_V(a);
    sp.inplace = inplace_target(op, SELF_V(a));
    sp.result = a->self->dtype;
    sp.loops = &l_nan_to_num;
    double mx = dtype_max(sp.result);
    set_params(&sp.ctx, 1, pts_float(a->has_nan ? a->nan : 0.0));
    set_params(&sp.ctx, 2, pts_float(a->has_posinf ? a->posinf : mx));
    set_params(&sp.ctx, 3, pts_float(a->has_neginf ? a->neginf : -mx));
    return ew_run(&sp, rets);
}

/* ---- ternary ------------------------------------------------------------------------------- */

/* clamp(self, min?, max?) with Scalar or Tensor bounds. */
PTS_KERNEL(k_clamp)
{
    bool has_lo = a->min.tag != PTS_T_NONE, has_hi = a->max.tag != PTS_T_NONE;
    if (!has_lo && !has_hi)
        return pts_err_set(PTS_ERR_VALUE, "%s: At least one of 'min' or 'max' must not be None", op->schema.name);
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.inplace = inplace_target(op, SELF_V(a));
    sp.in[sp.nin++] = SELF_V(a);
    if (has_lo)
        sp.in[sp.nin++] = a->min;
    if (has_hi)
        sp.in[sp.nin++] = a->max;
    /* Tensor bounds go through torch's clamp / maximum / minimum kernels, which
     * propagate a NaN bound; Scalar bounds compare (a NaN self stays NaN). */
    bool tensor_bounds = (has_lo ? a->min : a->max).tag == PTS_T_TENSOR;
    if (tensor_bounds)
        sp.loops = has_lo && has_hi ? &l_clamp_t : has_lo ? &l_maximum : &l_minimum;
    else
        sp.loops = has_lo && has_hi ? &l_clamp : has_lo ? &l_clamp_min : &l_clamp_max;
    PTS_TRY(result_of(&sp));
    if (sp.result == PTS_BOOL && (!tensor_bounds || (has_lo && has_hi)))
        return pts_not_implemented(sp.name, sp.result);
    for (int i = 1; i < sp.nin && !tensor_bounds; i++)
        PTS_TRY(pts_scalar_check_fits(sp.in[i], sp.result, sp.name));
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_clamp_min)
{
    if (a->min.tag == PTS_T_TENSOR)
        return arith(op, SELF_V(a), a->min, rets, &l_maximum, 0);
    return arith(op, SELF_V(a), a->min, rets, &l_clamp_min, AR_NO_BOOL | AR_CHECK_FITS);
}

PTS_KERNEL(k_clamp_max)
{
    if (a->max.tag == PTS_T_TENSOR)
        return arith(op, SELF_V(a), a->max, rets, &l_minimum, 0);
    return arith(op, SELF_V(a), a->max, rets, &l_clamp_max, AR_NO_BOOL | AR_CHECK_FITS);
}

PTS_KERNEL(k_lerp)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.inplace = inplace_target(op, SELF_V(a));
    sp.nin = 3;
    sp.in[0] = SELF_V(a);
    sp.in[1] = pts_tensor_val(a->end);
    sp.in[2] = a->weight;
    sp.loops = &l_lerp;
    sp.opmath_in = 1u << 2;
    PTS_TRY(pts_result_type(2, sp.in, &sp.result, sp.name));
    if (pts_dtype_is_complex(sp.result)) { /* ATen's complex lerp: self, end and a weight tensor of one dtype */
        int sd = PTS_TENSOR(sp.in[0])->dtype;
        if (a->end->dtype != sd)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected dtype %s for `end` but got dtype %s", sp.name,
                               pts_dtype_torch_name(sd), pts_dtype_torch_name(a->end->dtype));
        if (a->weight.tag == PTS_T_TENSOR && PTS_TENSOR(a->weight)->dtype != sd)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected dtype %s for `weight` but got dtype %s", sp.name,
                               pts_dtype_torch_name(sd), pts_dtype_torch_name(PTS_TENSOR(a->weight)->dtype));
        return pts_complex_nary(op, 3, sp.in, sd, sd, PTS_CX_LERP, NULL, rets);
    }
    if (pts_dtype_category(sp.result) != PTS_CAT_FLOAT)
        return pts_err_set(PTS_ERR_TYPE, "%s: lerp is only implemented for floating point tensors, got %s", sp.name,
                           pts_dtype_name(sp.result));
    return ew_run(&sp, rets);
}

/* addcmul / addcdiv(self, tensor1, tensor2, *, value) */
static pts_status addc(const pts_op *op, pts_tensor *self, pts_tensor *t1, pts_tensor *t2, pts_value value, pts_value *rets,
                       const ew_loops *loops)
{
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 3;
    sp.in[0] = pts_tensor_val(self);
    sp.in[1] = pts_tensor_val(t1);
    sp.in[2] = pts_tensor_val(t2);
    sp.inplace = inplace_target(op, sp.in[0]);
    sp.loops = loops;
    PTS_TRY(result_of(&sp));
    if (loops == &l_addcdiv && pts_dtype_category(sp.result) < PTS_CAT_FLOAT)
        return pts_err_set(PTS_ERR_TYPE, "%s: Integer division with addcdiv is no longer supported", sp.name);
    if (sp.result == PTS_BOOL)
        return pts_not_implemented(sp.name, sp.result);
    set_params(&sp.ctx, 1, value);
    return ew_run(&sp, rets);
}

PTS_KERNEL(k_addcmul) { return addc(op, a->self, a->tensor1, a->tensor2, a->value, rets, &l_addcmul); }
PTS_KERNEL(k_addcdiv) { return addc(op, a->self, a->tensor1, a->tensor2, a->value, rets, &l_addcdiv); }

/* where(condition, self, other) */
PTS_KERNEL(k_where)
{
    pts_tensor *cond = a->condition;
    if (cond->dtype != PTS_BOOL && cond->dtype != PTS_UINT8)
        return pts_err_set(PTS_ERR_TYPE, "%s: where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                           op->schema.name, pts_dtype_name(cond->dtype));
    ew_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = op->schema.name;
    sp.nin = 3;
    sp.in[0] = pts_tensor_val(a->condition);
    sp.in[1] = SELF_V(a);
    sp.in[2] = OTHER_V(a);
    sp.keep_dtype[0] = true;
    sp.loops = &l_where;
    PTS_TRY(pts_result_type(2, sp.in + 1, &sp.result, sp.name));
    return ew_run(&sp, rets);
}

/* ---- copy / fill ------------------------------------------------------------------------------ */

/* copy_(self, src, non_blocking) and copy_.Tensor(self, other) */
static pts_status copy_into_self(const pts_op *op, pts_tensor *self, pts_tensor *src, pts_value *rets)
{
    PTS_TRY(pts_check_no_internal_overlap(self, op->schema.name));
    PTS_TRY(pts_tensor_copy_into(self, src, op->schema.name));
    rets[0] = pts_ret_tensor_ref(self);
    return PTS_OK;
}

PTS_KERNEL(k_copy_) { return copy_into_self(op, a->self, a->src, rets); }
PTS_KERNEL(k_copy_tensor_) { return copy_into_self(op, a->self, a->other, rets); }

PTS_KERNEL(k_fill_)
{
    pts_value v = a->value;
    if (v.tag == PTS_T_TENSOR) {
        pts_tensor *t = PTS_TENSOR(v);
        if (t->ndim != 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: fill_ only supports 0-dimension value tensor but got tensor with %d dimensions.",
                               op->schema.name, t->ndim);
        PTS_TRY(pts_tensor_copy_into(a->self, t, op->schema.name));
    } else {
        PTS_TRY(pts_tensor_fill(a->self, v));
    }
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_zero_)
{
    PTS_TRY(pts_tensor_fill(a->self, pts_int(0)));
    rets[0] = pts_ret_tensor_ref(a->self);
    return PTS_OK;
}

/* ---- the table ----------------------------------------------------------------------------------- */

const pts_op_def pts_ops_pointwise[] = {
    PTS_OP("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", k_add),
    PTS_OP("aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", k_add),
    PTS_OP("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", k_add),
    PTS_OP("aten::add_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)", k_add),
    PTS_OP("aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", k_sub),
    PTS_OP("aten::sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", k_sub),
    PTS_OP("aten::sub_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", k_sub),
    PTS_OP("aten::sub_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)", k_sub),
    PTS_OP("aten::rsub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", k_rsub),
    PTS_OP("aten::rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", k_rsub),
    PTS_OP("aten::mul.Tensor(Tensor self, Tensor other) -> Tensor", k_mul),
    PTS_OP("aten::mul.Scalar(Tensor self, Scalar other) -> Tensor", k_mul),
    PTS_OP("aten::mul_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_mul),
    PTS_OP("aten::mul_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_mul),
    PTS_OP("aten::div.Tensor(Tensor self, Tensor other) -> Tensor", k_div),
    PTS_OP("aten::div.Scalar(Tensor self, Scalar other) -> Tensor", k_div),
    PTS_OP("aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor", k_div_mode),
    PTS_OP("aten::div.Scalar_mode(Tensor self, Scalar other, *, str? rounding_mode) -> Tensor", k_div_mode),
    PTS_OP("aten::div_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_div),
    PTS_OP("aten::div_.Tensor_mode(Tensor(a!) self, Tensor other, *, str? rounding_mode) -> Tensor(a!)", k_div_mode),
    PTS_OP("aten::div_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_div),
    PTS_OP("aten::div_.Scalar_mode(Tensor(a!) self, Scalar other, *, str? rounding_mode) -> Tensor(a!)", k_div_mode),
    PTS_OP("aten::true_divide.Tensor(Tensor self, Tensor other) -> Tensor", k_div),
    PTS_OP("aten::true_divide.Scalar(Tensor self, Scalar other) -> Tensor", k_div),
    PTS_OP("aten::remainder.Tensor(Tensor self, Tensor other) -> Tensor", k_remainder),
    PTS_OP("aten::remainder.Scalar(Tensor self, Scalar other) -> Tensor", k_remainder),
    PTS_OP("aten::remainder.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_remainder),
    PTS_OP("aten::remainder_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_remainder),
    PTS_OP("aten::remainder_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_remainder),
    PTS_OP("aten::fmod.Tensor(Tensor self, Tensor other) -> Tensor", k_fmod),
    PTS_OP("aten::fmod.Scalar(Tensor self, Scalar other) -> Tensor", k_fmod),
    PTS_OP("aten::fmod_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_fmod),
    PTS_OP("aten::fmod_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_fmod),
    PTS_OP("aten::floor_divide(Tensor self, Tensor other) -> Tensor", k_floor_divide),
    PTS_OP("aten::floor_divide.Scalar(Tensor self, Scalar other) -> Tensor", k_floor_divide),
    PTS_OP("aten::floor_divide_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_floor_divide),
    PTS_OP("aten::floor_divide_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_floor_divide),
    PTS_OP("aten::pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor", k_pow),
    PTS_OP("aten::pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor", k_pow),
    PTS_OP("aten::pow.Scalar(Scalar self, Tensor exponent) -> Tensor", k_pow),
    PTS_OP("aten::pow_.Scalar(Tensor(a!) self, Scalar exponent) -> Tensor(a!)", k_pow),
    PTS_OP("aten::pow_.Tensor(Tensor(a!) self, Tensor exponent) -> Tensor(a!)", k_pow),
    PTS_OP("aten::atan2(Tensor self, Tensor other) -> Tensor", k_atan2),
    PTS_OP("aten::maximum(Tensor self, Tensor other) -> Tensor", k_maximum),
    PTS_OP("aten::minimum(Tensor self, Tensor other) -> Tensor", k_minimum),
    PTS_OP("aten::eq.Tensor(Tensor self, Tensor other) -> Tensor", k_eq),
    PTS_OP("aten::eq.Scalar(Tensor self, Scalar other) -> Tensor", k_eq),
    PTS_OP("aten::ne.Tensor(Tensor self, Tensor other) -> Tensor", k_ne),
    PTS_OP("aten::ne.Scalar(Tensor self, Scalar other) -> Tensor", k_ne),
    PTS_OP("aten::lt.Tensor(Tensor self, Tensor other) -> Tensor", k_lt),
    PTS_OP("aten::lt.Scalar(Tensor self, Scalar other) -> Tensor", k_lt),
    PTS_OP("aten::le.Tensor(Tensor self, Tensor other) -> Tensor", k_le),
    PTS_OP("aten::le.Scalar(Tensor self, Scalar other) -> Tensor", k_le),
    PTS_OP("aten::gt.Tensor(Tensor self, Tensor other) -> Tensor", k_gt),
    PTS_OP("aten::gt.Scalar(Tensor self, Scalar other) -> Tensor", k_gt),
    PTS_OP("aten::ge.Tensor(Tensor self, Tensor other) -> Tensor", k_ge),
    PTS_OP("aten::ge.Scalar(Tensor self, Scalar other) -> Tensor", k_ge),
    PTS_OP("aten::logical_and(Tensor self, Tensor other) -> Tensor", k_logical_and),
    PTS_OP("aten::logical_or(Tensor self, Tensor other) -> Tensor", k_logical_or),
    PTS_OP("aten::logical_xor(Tensor self, Tensor other) -> Tensor", k_logical_xor),
    PTS_OP("aten::logical_not(Tensor self) -> Tensor", k_logical_not),
    PTS_OP("aten::bitwise_and.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_and),
    PTS_OP("aten::bitwise_and.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_and),
    PTS_OP("aten::bitwise_and.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_bitwise_and),
    PTS_OP("aten::bitwise_or.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_or),
    PTS_OP("aten::bitwise_or.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_or),
    PTS_OP("aten::bitwise_or.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_bitwise_or),
    PTS_OP("aten::bitwise_xor.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_xor),
    PTS_OP("aten::bitwise_xor.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_xor),
    PTS_OP("aten::bitwise_xor.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_bitwise_xor),
    PTS_OP("aten::bitwise_not(Tensor self) -> Tensor", k_bitwise_not),
    PTS_OP("aten::__and__.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_and),
    PTS_OP("aten::__and__.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_and),
    PTS_OP("aten::__or__.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_or),
    PTS_OP("aten::__or__.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_or),
    PTS_OP("aten::__xor__.Tensor(Tensor self, Tensor other) -> Tensor", k_bitwise_xor),
    PTS_OP("aten::__xor__.Scalar(Tensor self, Scalar other) -> Tensor", k_bitwise_xor),
    PTS_OP("aten::bitwise_left_shift.Tensor(Tensor self, Tensor other) -> Tensor", k_lshift),
    PTS_OP("aten::bitwise_left_shift.Tensor_Scalar(Tensor self, Scalar other) -> Tensor", k_lshift),
    PTS_OP("aten::bitwise_left_shift.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_lshift),
    PTS_OP("aten::__lshift__.Tensor(Tensor self, Tensor other) -> Tensor", k_lshift),
    PTS_OP("aten::__lshift__.Scalar(Tensor self, Scalar other) -> Tensor", k_lshift),
    PTS_OP("aten::__ilshift__.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_lshift),
    PTS_OP("aten::__ilshift__.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_lshift),
    PTS_OP("aten::bitwise_right_shift.Tensor(Tensor self, Tensor other) -> Tensor", k_rshift),
    PTS_OP("aten::bitwise_right_shift.Tensor_Scalar(Tensor self, Scalar other) -> Tensor", k_rshift),
    PTS_OP("aten::bitwise_right_shift.Scalar_Tensor(Scalar self, Tensor other) -> Tensor", k_rshift),
    PTS_OP("aten::__rshift__.Tensor(Tensor self, Tensor other) -> Tensor", k_rshift),
    PTS_OP("aten::__rshift__.Scalar(Tensor self, Scalar other) -> Tensor", k_rshift),
    PTS_OP("aten::__irshift__.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_rshift),
    PTS_OP("aten::__irshift__.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)", k_rshift),
    PTS_OP("aten::gcd(Tensor self, Tensor other) -> Tensor", k_gcd),
    PTS_OP("aten::gcd_(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_gcd),
    PTS_OP("aten::lcm(Tensor self, Tensor other) -> Tensor", k_lcm),
    PTS_OP("aten::lcm_(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_lcm),
    PTS_OP("aten::neg(Tensor self) -> Tensor", k_neg),
    PTS_OP("aten::neg_(Tensor(a!) self) -> Tensor(a!)", k_neg),
    PTS_OP("aten::abs(Tensor self) -> Tensor", k_abs),
    PTS_OP("aten::abs_(Tensor(a!) self) -> Tensor(a!)", k_abs),
    PTS_OP("aten::sqrt(Tensor self) -> Tensor", k_sqrt),
    PTS_OP("aten::sqrt_(Tensor(a!) self) -> Tensor(a!)", k_sqrt),
    PTS_OP("aten::rsqrt(Tensor self) -> Tensor", k_rsqrt),
    PTS_OP("aten::rsqrt_(Tensor(a!) self) -> Tensor(a!)", k_rsqrt),
    PTS_OP("aten::exp(Tensor self) -> Tensor", k_exp),
    PTS_OP("aten::exp_(Tensor(a!) self) -> Tensor(a!)", k_exp),
    PTS_OP("aten::log(Tensor self) -> Tensor", k_log),
    PTS_OP("aten::log_(Tensor(a!) self) -> Tensor(a!)", k_log),
    PTS_OP("aten::log2(Tensor self) -> Tensor", k_log2),
    PTS_OP("aten::log10(Tensor self) -> Tensor", k_log10),
    PTS_OP("aten::log1p(Tensor self) -> Tensor", k_log1p),
    PTS_OP("aten::expm1(Tensor self) -> Tensor", k_expm1),
    PTS_OP("aten::sin(Tensor self) -> Tensor", k_sin),
    PTS_OP("aten::sin_(Tensor(a!) self) -> Tensor(a!)", k_sin),
    PTS_OP("aten::cos(Tensor self) -> Tensor", k_cos),
    PTS_OP("aten::cos_(Tensor(a!) self) -> Tensor(a!)", k_cos),
    PTS_OP("aten::tan(Tensor self) -> Tensor", k_tan),
    PTS_OP("aten::asin(Tensor self) -> Tensor", k_asin),
    PTS_OP("aten::acos(Tensor self) -> Tensor", k_acos),
    PTS_OP("aten::atan(Tensor self) -> Tensor", k_atan),
    PTS_OP("aten::sinh(Tensor self) -> Tensor", k_sinh),
    PTS_OP("aten::cosh(Tensor self) -> Tensor", k_cosh),
    PTS_OP("aten::tanh(Tensor self) -> Tensor", k_tanh),
    PTS_OP("aten::tanh_(Tensor(a!) self) -> Tensor(a!)", k_tanh),
    PTS_OP("aten::sigmoid(Tensor self) -> Tensor", k_sigmoid),
    PTS_OP("aten::sigmoid_(Tensor(a!) self) -> Tensor(a!)", k_sigmoid),
    PTS_OP("aten::erf(Tensor self) -> Tensor", k_erf),
    PTS_OP("aten::erfc(Tensor self) -> Tensor", k_erfc),
    PTS_OP("aten::floor(Tensor self) -> Tensor", k_floor),
    PTS_OP("aten::floor_(Tensor(a!) self) -> Tensor(a!)", k_floor),
    PTS_OP("aten::ceil(Tensor self) -> Tensor", k_ceil),
    PTS_OP("aten::ceil_(Tensor(a!) self) -> Tensor(a!)", k_ceil),
    PTS_OP("aten::round(Tensor self) -> Tensor", k_round),
    PTS_OP("aten::round.decimals(Tensor self, *, int decimals) -> Tensor", k_round_decimals),
    PTS_OP("aten::round_(Tensor(a!) self) -> Tensor(a!)", k_round),
    PTS_OP("aten::round_.decimals(Tensor(a!) self, *, int decimals) -> Tensor(a!)", k_round_decimals),
    PTS_OP("aten::trunc(Tensor self) -> Tensor", k_trunc),
    PTS_OP("aten::trunc_(Tensor(a!) self) -> Tensor(a!)", k_trunc),
    PTS_OP("aten::sign(Tensor self) -> Tensor", k_sign),
    PTS_OP("aten::reciprocal(Tensor self) -> Tensor", k_reciprocal),
    PTS_OP("aten::reciprocal_(Tensor(a!) self) -> Tensor(a!)", k_reciprocal),
    PTS_OP("aten::square(Tensor self) -> Tensor", k_square),
    PTS_OP("aten::isnan(Tensor self) -> Tensor", k_isnan),
    PTS_OP("aten::isinf(Tensor self) -> Tensor", k_isinf),
    PTS_OP("aten::isfinite(Tensor self) -> Tensor", k_isfinite),
    PTS_OP("aten::nan_to_num(Tensor self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor", k_nan_to_num),
    PTS_OP("aten::nan_to_num_(Tensor(a!) self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor(a!)", k_nan_to_num),
    PTS_OP("aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", k_clamp),
    PTS_OP("aten::clamp.Tensor(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor", k_clamp),
    PTS_OP("aten::clamp_(Tensor(a!) self, Scalar? min=None, Scalar? max=None) -> Tensor(a!)", k_clamp),
    PTS_OP("aten::clamp_.Tensor(Tensor(a!) self, Tensor? min=None, Tensor? max=None) -> Tensor(a!)", k_clamp),
    PTS_OP("aten::clamp_min(Tensor self, Scalar min) -> Tensor", k_clamp_min),
    PTS_OP("aten::clamp_min.Tensor(Tensor self, Tensor min) -> Tensor", k_clamp_min),
    PTS_OP("aten::clamp_max(Tensor self, Scalar max) -> Tensor", k_clamp_max),
    PTS_OP("aten::clamp_max.Tensor(Tensor self, Tensor max) -> Tensor", k_clamp_max),
    PTS_OP("aten::clamp_min_(Tensor(a!) self, Scalar min) -> Tensor(a!)", k_clamp_min),
    PTS_OP("aten::clamp_min_.Tensor(Tensor(a!) self, Tensor min) -> Tensor(a!)", k_clamp_min),
    PTS_OP("aten::clamp_max_(Tensor(a!) self, Scalar max) -> Tensor(a!)", k_clamp_max),
    PTS_OP("aten::clamp_max_.Tensor(Tensor(a!) self, Tensor max) -> Tensor(a!)", k_clamp_max),
    PTS_OP("aten::where.self(Tensor condition, Tensor self, Tensor other) -> Tensor", k_where),
    PTS_OP("aten::where.ScalarOther(Tensor condition, Tensor self, Scalar other) -> Tensor", k_where),
    PTS_OP("aten::where.ScalarSelf(Tensor condition, Scalar self, Tensor other) -> Tensor", k_where),
    PTS_OP("aten::where.Scalar(Tensor condition, Scalar self, Scalar other) -> Tensor", k_where),
    PTS_OP("aten::lerp.Scalar(Tensor self, Tensor end, Scalar weight) -> Tensor", k_lerp),
    PTS_OP("aten::lerp.Tensor(Tensor self, Tensor end, Tensor weight) -> Tensor", k_lerp),
    PTS_OP("aten::lerp_.Scalar(Tensor(a!) self, Tensor end, Scalar weight) -> Tensor(a!)", k_lerp),
    PTS_OP("aten::lerp_.Tensor(Tensor(a!) self, Tensor end, Tensor weight) -> Tensor(a!)", k_lerp),
    PTS_OP("aten::addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", k_addcmul),
    PTS_OP("aten::addcmul_(Tensor(a!) self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor(a!)", k_addcmul),
    PTS_OP("aten::addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", k_addcdiv),
    PTS_OP("aten::addcdiv_(Tensor(a!) self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor(a!)", k_addcdiv),
    PTS_OP("aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)", k_copy_),
    PTS_OP("aten::copy_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)", k_copy_tensor_),
    PTS_OP("aten::fill_.Scalar(Tensor(a!) self, Scalar value) -> Tensor(a!)", k_fill_),
    PTS_OP("aten::fill_.Tensor(Tensor(a!) self, Tensor value) -> Tensor(a!)", k_fill_),
    PTS_OP("aten::zero_(Tensor(a!) self) -> Tensor(a!)", k_zero_),
    {NULL, NULL},
};
