/* num.c - int / float / bool arithmetic of printed TorchScript with
 * Python semantics: + - * (int64 wrap-around like torch), true division,
 * floor division and modulo of negatives, pow, bit operations, comparisons
 * (numbers, strings, lists, devices, enums), min/max, conversions
 * (int(), float(), bool()), math.* and the range helpers.
 *
 * One kernel serves all overloads of an operator (.int, .float, .int_float,
 * .float_int, Scalar): the result type follows the argument tags, which is
 * exactly what each overload's return type says.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/prim/prim.h"

static bool both_int(const pts_value *a) { return a[0].tag != PTS_T_FLOAT && a[1].tag != PTS_T_FLOAT; }
static double D(pts_value v) { return pts_arg_double(v); }
static int64_t I(pts_value v) { return pts_arg_int(v); }

static pts_status zero_mod(void) { return pts_err_set(PTS_ERR_VALUE, "ZeroDivisionError: integer division or modulo by zero"); }

/* ---- + - * / ------------------------------------------------------------------------------ */

#define WRAP(op, x, y) ((int64_t)((uint64_t)(x)op(uint64_t)(y)))

static pts_status k_add(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = both_int(a) ? pts_int(WRAP(+, I(a[0]), I(a[1]))) : pts_float(D(a[0]) + D(a[1]));
    return PTS_OK;
}

static pts_status k_sub(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = both_int(a) ? pts_int(WRAP(-, I(a[0]), I(a[1]))) : pts_float(D(a[0]) - D(a[1]));
    return PTS_OK;
}

static pts_status k_mul(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = both_int(a) ? pts_int(WRAP(*, I(a[0]), I(a[1]))) : pts_float(D(a[0]) * D(a[1]));
    return PTS_OK;
}

/* TorchScript's true division of numbers is IEEE division: 1 / 0 -> inf, 0 / 0 -> nan (Python raises;
 * torch does not).  Likewise float floor division and modulo by zero below. */
PTS_KERNEL(k_num_div)
{
    rets[0] = pts_float(D(a->a) / D(a->b));
    return PTS_OK;
}

static int64_t ifloordiv(int64_t x, int64_t y)
{
    if (y == -1)
        return WRAP(-, 0, x);
    int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0)))
        q--;
    return q;
}

static int64_t imod(int64_t x, int64_t y)
{
    if (y == -1)
        return 0;
    int64_t m = x % y;
    if (m != 0 && ((m < 0) != (y < 0)))
        m += y;
    return m;
}

static pts_status k_floordiv(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (both_int(a)) {
        if (I(a[1]) == 0)
            return zero_mod();
        r[0] = pts_int(ifloordiv(I(a[0]), I(a[1])));
    } else {
        r[0] = pts_float(floor(D(a[0]) / D(a[1]))); /* torch: std::floor(a / b), not Python's algorithm */
    }
    return PTS_OK;
}

static pts_status k_round_to_zero_floordiv(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (I(a[1]) == 0)
        return zero_mod();
    r[0] = pts_int(I(a[1]) == -1 ? WRAP(-, 0, I(a[0])) : I(a[0]) / I(a[1]));
    return PTS_OK;
}

static pts_status k_remainder(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (both_int(a)) {
        if (I(a[1]) == 0)
            return zero_mod();
        int64_t x = I(a[0]), y = I(a[1]);
        /* torch: (b + (a % b)) % b, wrapping like its int64 arithmetic */
        int64_t m = y == -1 ? 0 : x % y;
        r[0] = pts_int(y == -1 ? 0 : WRAP(+, y, m) % y);
    } else {
        double x = D(a[0]), y = D(a[1]);
        r[0] = pts_float(fmod(y + fmod(x, y), y)); /* torch's formula (y == 0: NaN) */
    }
    return PTS_OK;
}

static pts_status k_divmod(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (both_int(a)) {
        int64_t x = I(a[0]), y = I(a[1]);
        if (y == 0)
            return zero_mod();
        r[0] = pts_int(ifloordiv(x, y));
        r[1] = pts_int(imod(x, y));
        return PTS_OK;
    }
    /* torch: rem = fmod(a, b), moved by b when a and b differ in sign; quotient (a - rem) / b */
    double x = D(a[0]), y = D(a[1]);
    if (y == 0)
        return pts_err_set(PTS_ERR_VALUE, "ZeroDivisionError: float divmod()");
    double rem = fmod(x, y);
    if (rem != 0 && (x < 0) != (y < 0))
        rem += y;
    r[0] = pts_float((x - rem) / y);
    r[1] = pts_float(rem);
    return PTS_OK;
}

PTS_KERNEL(k_num_fmod)
{
    rets[0] = pts_float(fmod(D(a->a), D(a->b)));
    return PTS_OK;
}

PTS_KERNEL(k_mathremainder)
{
    rets[0] = pts_float(remainder(D(a->a), D(a->b)));
    return PTS_OK;
}

/* pow.int returns float; pow.int_to_int returns int. */
PTS_KERNEL(k_num_pow)
{
    double x = D(a->a), y = D(a->b);
    if (x == 0 && y < 0)
        return pts_err_set(PTS_ERR_VALUE, "ZeroDivisionError: 0.0 cannot be raised to a negative power");
    rets[0] = pts_float(pow(x, y));
    return PTS_OK;
}

static pts_status k_pow_int_to_int(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t b = I(a[0]), e = I(a[1]);
    if (e < 0)
        return pts_err_set(PTS_ERR_VALUE, "Integers to negative integer powers are not allowed.");
    uint64_t res = 1, base = (uint64_t)b;
    while (e) {
        if (e & 1)
            res *= base;
        base *= base;
        e >>= 1;
    }
    r[0] = pts_int((int64_t)res);
    return PTS_OK;
}

PTS_KERNEL(k_num_neg)
{
    if (a->a.tag == PTS_T_COMPLEX)
        rets[0] = pts_complex(-a->a.u.c[0], -a->a.u.c[1]);
    else
        rets[0] = a->a.tag == PTS_T_FLOAT ? pts_float(-a->a.u.f) : pts_int(WRAP(-, 0, I(a->a)));
    return PTS_OK;
}

PTS_KERNEL(k_num_abs)
{
    if (a->a.tag == PTS_T_COMPLEX)
        rets[0] = pts_float(hypot(a->a.u.c[0], a->a.u.c[1]));
    else
        rets[0] = a->a.tag == PTS_T_FLOAT ? pts_float(fabs(a->a.u.f)) : pts_int(I(a->a) < 0 ? WRAP(-, 0, I(a->a)) : I(a->a));
    return PTS_OK;
}

/* ---- bit operations ----------------------------------------------------------------------- */

PTS_KERNEL(k_and)
{
    rets[0] = a->a.tag == PTS_T_BOOL ? pts_bool(a->a.u.b && a->b.u.b) : pts_int(I(a->a) & I(a->b));
    return PTS_OK;
}

PTS_KERNEL(k_or)
{
    rets[0] = a->a.tag == PTS_T_BOOL ? pts_bool(a->a.u.b || a->b.u.b) : pts_int(I(a->a) | I(a->b));
    return PTS_OK;
}

PTS_KERNEL(k_xor)
{
    rets[0] = a->a.tag == PTS_T_BOOL ? pts_bool(a->a.u.b != a->b.u.b) : pts_int(I(a->a) ^ I(a->b));
    return PTS_OK;
}

static pts_status k_lshift(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t s = I(a[1]);
    if (s < 0)
        return pts_err_set(PTS_ERR_VALUE, "negative shift count");
    r[0] = pts_int(s > 63 ? 0 : (int64_t)((uint64_t)I(a[0]) << s));
    return PTS_OK;
}

static pts_status k_rshift(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t s = I(a[1]);
    if (s < 0)
        return pts_err_set(PTS_ERR_VALUE, "negative shift count");
    int64_t x = I(a[0]);
    r[0] = pts_int(s > 63 ? (x < 0 ? -1 : 0) : (x < 0 ? ~(~x >> s) : x >> s));
    return PTS_OK;
}

/* ---- comparisons -------------------------------------------------------------------------- */

static int str_cmp(pts_value a, pts_value b)
{
    pts_str *x = PTS_STR(a), *y = PTS_STR(b);
    int64_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, (size_t)n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* -1/0/1, or 2 for unordered (NaN) */
static int num_cmp(pts_value a, pts_value b)
{
    if (a.tag == PTS_T_STR)
        return str_cmp(a, b);
    if (both_int((pts_value[]){a, b})) {
        int64_t x = I(a), y = I(b);
        return (x > y) - (x < y);
    }
    double x = D(a), y = D(b);
    if (x != x || y != y)
        return 2;
    return (x > y) - (x < y);
}

static pts_status k_eq(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(pts_prim_equal(a[0], a[1]));
    return PTS_OK;
}

static pts_status k_ne(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(!pts_prim_equal(a[0], a[1]));
    return PTS_OK;
}

static pts_status k_lt(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(num_cmp(a[0], a[1]) == -1);
    return PTS_OK;
}

static pts_status k_le(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int c = num_cmp(a[0], a[1]);
    r[0] = pts_bool(c == -1 || c == 0);
    return PTS_OK;
}

static pts_status k_gt(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(num_cmp(a[0], a[1]) == 1);
    return PTS_OK;
}

static pts_status k_ge(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int c = num_cmp(a[0], a[1]);
    r[0] = pts_bool(c == 1 || c == 0);
    return PTS_OK;
}

/* ---- min / max ---------------------------------------------------------------------------- */

static pts_status k_min2(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (both_int(a))
        r[0] = pts_int(I(a[0]) < I(a[1]) ? I(a[0]) : I(a[1]));
    else {
        double x = D(a[0]), y = D(a[1]);
        r[0] = pts_float(x < y ? x : y); /* torch: a < b ? a : b (NaN: the order decides) */
    }
    return PTS_OK;
}

static pts_status k_max2(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (both_int(a))
        r[0] = pts_int(I(a[0]) > I(a[1]) ? I(a[0]) : I(a[1]));
    else {
        double x = D(a[0]), y = D(a[1]);
        r[0] = pts_float(x > y ? x : y); /* torch: a > b ? a : b */
    }
    return PTS_OK;
}

static pts_status list_extreme(pts_value lv, bool want_max, pts_value *r)
{
    pts_list *l = PTS_LIST(lv);
    if (l->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s() arg is an empty sequence", want_max ? "max" : "min");
    pts_value best = l->items[0];
    for (int64_t i = 1; i < l->len; i++) {
        bool lt = false;
        PTS_TRY(pts_prim_less(want_max ? best : l->items[i], want_max ? l->items[i] : best, &lt));
        if (lt)
            best = l->items[i];
    }
    *r = pts_value_retain(best);
    return PTS_OK;
}

static pts_status k_min_self(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    return list_extreme(a[0], false, &r[0]);
}

static pts_status k_max_self(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    return list_extreme(a[0], true, &r[0]);
}

/* min(l, r) / max(l, r) on lists: lexicographic. */
static pts_status list_pick(pts_value *a, bool want_max, pts_value *r)
{
    bool lt = false;
    PTS_TRY(pts_prim_less(a[0], a[1], &lt));
    pts_value pick = want_max ? (lt ? a[1] : a[0]) : (lt ? a[0] : (pts_prim_equal(a[0], a[1]) ? a[0] : a[1]));
    *r = pts_value_retain(pick);
    return PTS_OK;
}

static pts_status k_min_list(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    return list_pick(a, false, &r[0]);
}

static pts_status k_max_list(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    return list_pick(a, true, &r[0]);
}

/* ---- conversions -------------------------------------------------------------------------- */

static pts_status int_of(pts_value v, pts_value *rets)
{
    if (v.tag == PTS_T_FLOAT) {
        /* torch casts in C++: NaN, inf and values out of range give INT64_MIN on x86 (no error) */
        double f = v.u.f;
        rets[0] = pts_int(f >= -9223372036854775808.0 && f < 9223372036854775808.0 ? (int64_t)f : INT64_MIN);
    } else if (v.tag == PTS_T_STR) {
        const char *s = PTS_STR(v)->data;
        char *e;
        errno = 0;
        long long x = strtoll(s, &e, 10);
        while (isspace((unsigned char)*e))
            e++;
        if (e == s || *e || errno)
            return pts_err_set(PTS_ERR_VALUE, "invalid literal for int() with base 10: '%s'", s);
        rets[0] = pts_int(x);
    } else {
        rets[0] = pts_int(I(v));
    }
    return PTS_OK;
}

PTS_KERNEL(k_Int) { return int_of(a->a, rets); }

/* int(Scalar) (a number of unknown kind, e.g. t.item()): torch converts a floating Scalar with a
 * range check against C's int (32 bits: 3e9, NaN and inf raise), where int(float) casts to int64
 * unchecked; an integral Scalar converts as int64 */
PTS_KERNEL(k_Int_scalar)
{
    pts_value v = a->a;
    if (v.tag == PTS_T_FLOAT && !(v.u.f >= -2147483648.0 && v.u.f <= 2147483647.0))
        return pts_err_set(PTS_ERR_VALUE, "value cannot be converted to type int without overflow");
    return int_of(v, rets);
}

PTS_KERNEL(k_Float)
{
    pts_value v = a->a;
    if (v.tag == PTS_T_STR) {
        const char *s = PTS_STR(v)->data;
        char *e;
        double x = strtod(s, &e);
        while (isspace((unsigned char)*e))
            e++;
        if (e == s || *e)
            return pts_err_set(PTS_ERR_VALUE, "could not convert string to float: '%s'", s);
        rets[0] = pts_float(x);
    } else {
        rets[0] = pts_float(D(v));
    }
    return PTS_OK;
}

PTS_KERNEL(k_Bool)
{
    rets[0] = pts_bool(a->a.tag == PTS_T_FLOAT ? a->a.u.f != 0 : I(a->a) != 0);
    return PTS_OK;
}

/* ---- math ----------------------------------------------------------------------------------- */

#define UNARY_FLOAT(name, expr)                                               \
    static pts_status k_##name(const pts_op *op, pts_value *a, pts_value *r) \
    {                                                                         \
        (void)op;                                                             \
        double x = D(a[0]);                                                   \
        r[0] = pts_float(expr);                                               \
        return PTS_OK;                                                        \
    }

UNARY_FLOAT(sqrt, sqrt(x))
UNARY_FLOAT(exp, exp(x))
UNARY_FLOAT(expm1, expm1(x))
UNARY_FLOAT(log, log(x))
UNARY_FLOAT(log10, log10(x))
UNARY_FLOAT(log1p, log1p(x))
UNARY_FLOAT(sin, sin(x))
UNARY_FLOAT(cos, cos(x))
UNARY_FLOAT(tan, tan(x))
UNARY_FLOAT(asin, asin(x))
UNARY_FLOAT(acos, acos(x))
UNARY_FLOAT(atan, atan(x))
UNARY_FLOAT(sinh, sinh(x))
UNARY_FLOAT(cosh, cosh(x))
UNARY_FLOAT(tanh, tanh(x))
UNARY_FLOAT(asinh, asinh(x))
UNARY_FLOAT(acosh, acosh(x))
UNARY_FLOAT(atanh, atanh(x))
UNARY_FLOAT(erf, erf(x))
UNARY_FLOAT(erfc, erfc(x))
UNARY_FLOAT(gamma, tgamma(x))
UNARY_FLOAT(lgamma, lgamma(x))
UNARY_FLOAT(fabs, fabs(x))
UNARY_FLOAT(degrees, x * 57.295779513082320876798154814105)
UNARY_FLOAT(radians, x * 0.017453292519943295769236907684886)
UNARY_FLOAT(round, nearbyint(x))
UNARY_FLOAT(angle, x < 0 ? 3.14159265358979323846 : (x != x ? x : 0.0))

PTS_KERNEL(k_num_floor)
{
    if (a->a.tag != PTS_T_FLOAT) {
        rets[0] = pts_int(I(a->a));
        return PTS_OK;
    }
    double x = floor(a->a.u.f);
    if (!isfinite(x))
        return pts_err_set(PTS_ERR_VALUE, "cannot convert float %g to integer", x);
    rets[0] = pts_int((int64_t)x);
    return PTS_OK;
}

PTS_KERNEL(k_num_ceil)
{
    if (a->a.tag != PTS_T_FLOAT) {
        rets[0] = pts_int(I(a->a));
        return PTS_OK;
    }
    double x = ceil(a->a.u.f);
    if (!isfinite(x))
        return pts_err_set(PTS_ERR_VALUE, "cannot convert float %g to integer", x);
    rets[0] = pts_int((int64_t)x);
    return PTS_OK;
}

PTS_KERNEL(k_log_base)
{
    rets[0] = pts_float(log(D(a->a)) / log(D(a->b)));
    return PTS_OK;
}

PTS_KERNEL(k_num_atan2)
{
    rets[0] = pts_float(atan2(D(a->a), D(a->b)));
    return PTS_OK;
}

PTS_KERNEL(k_num_copysign)
{
    rets[0] = pts_float(copysign(D(a->a), D(a->b)));
    return PTS_OK;
}

static pts_status k_isnan(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isnan(D(a[0])));
    return PTS_OK;
}

static pts_status k_isinf(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isinf(D(a[0])));
    return PTS_OK;
}

static pts_status k_isfinite(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isfinite(D(a[0])));
    return PTS_OK;
}

static pts_status k_gcd(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t x = I(a[0]), y = I(a[1]);
    while (y) {
        int64_t t = x % y;
        x = y;
        y = t;
    }
    r[0] = pts_int(x < 0 ? -x : x);
    return PTS_OK;
}

static pts_status k_factorial(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t n = I(a[0]);
    if (n < 0)
        return pts_err_set(PTS_ERR_VALUE, "factorial() not defined for negative values");
    uint64_t f = 1;
    for (int64_t i = 2; i <= n; i++)
        f *= (uint64_t)i;
    r[0] = pts_int((int64_t)f);
    return PTS_OK;
}

static pts_status k_ldexp(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t e = I(a[1]);
    r[0] = pts_float(ldexp(D(a[0]), e > 100000 ? 100000 : e < -100000 ? -100000 : (int)e));
    return PTS_OK;
}

static pts_status k_frexp(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int e;
    double m = frexp(D(a[0]), &e);
    r[0] = pts_float(m);
    r[1] = pts_int(e);
    return PTS_OK;
}

static pts_status k_modf(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    double ip;
    double fp = modf(D(a[0]), &ip);
    r[0] = pts_float(fp);
    r[1] = pts_float(ip);
    return PTS_OK;
}

/* ---- range helpers -------------------------------------------------------------------------- */

static pts_status k_range_length(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t lo = I(a[0]), hi = I(a[1]), step = I(a[2]);
    if (step == 0)
        return pts_err_set(PTS_ERR_VALUE, "range() arg 3 must not be zero");
    int64_t n;
    if (step > 0 && lo < hi)
        n = (int64_t)(((uint64_t)hi - (uint64_t)lo - 1) / (uint64_t)step) + 1;
    else if (step < 0 && lo > hi)
        n = (int64_t)(((uint64_t)lo - (uint64_t)hi - 1) / (uint64_t)(-step)) + 1;
    else
        n = 0;
    r[0] = pts_int(n);
    return PTS_OK;
}

static pts_status k_derive_index(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_int(WRAP(+, I(a[1]), WRAP(*, I(a[0]), I(a[2]))));
    return PTS_OK;
}

/* ---- int -> str helpers ------------------------------------------------------------------- */

static pts_status radix_str(int64_t v, int base, const char *prefix, pts_value *out)
{
    char buf[80];
    char *p = buf + sizeof buf;
    *--p = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = "0123456789abcdef"[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    p -= strlen(prefix);
    memcpy(p, prefix, strlen(prefix));
    if (v < 0)
        *--p = '-';
    return pts_value_str(p, strlen(p), out);
}

static pts_status k_bin(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return radix_str(I(a[0]), 2, "0b", &r[0]); }
static pts_status k_oct(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return radix_str(I(a[0]), 8, "0o", &r[0]); }
static pts_status k_hex(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return radix_str(I(a[0]), 16, "0x", &r[0]); }

static pts_status k_chr(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t c = I(a[0]);
    char buf[5];
    int n;
    if (c < 0 || c > 0x10FFFF)
        return pts_err_set(PTS_ERR_VALUE, "chr() arg not in range(0x110000)");
    if (c < 0x80) {
        buf[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        buf[0] = (char)(0xC0 | (c >> 6));
        buf[1] = (char)(0x80 | (c & 63));
        n = 2;
    } else if (c < 0x10000) {
        buf[0] = (char)(0xE0 | (c >> 12));
        buf[1] = (char)(0x80 | ((c >> 6) & 63));
        buf[2] = (char)(0x80 | (c & 63));
        n = 3;
    } else {
        buf[0] = (char)(0xF0 | (c >> 18));
        buf[1] = (char)(0x80 | ((c >> 12) & 63));
        buf[2] = (char)(0x80 | ((c >> 6) & 63));
        buf[3] = (char)(0x80 | (c & 63));
        n = 4;
    }
    return pts_value_str(buf, (size_t)n, &r[0]);
}

/* ---- list reductions ------------------------------------------------------------------------ */

PTS_KERNEL(k_sum_list)
{
    pts_list *l = PTS_LIST(a->self);
    bool isf = false;
    int64_t si = 0;
    double sf = 0;
    for (int64_t i = 0; i < l->len; i++) {
        if (l->items[i].tag == PTS_T_FLOAT) {
            isf = true;
            sf += l->items[i].u.f;
        } else {
            si = WRAP(+, si, I(l->items[i]));
        }
    }
    bool want_float = l->elem ? l->elem->kind == PTS_TY_FLOAT : isf;
    rets[0] = want_float ? pts_float(sf + (double)si) : pts_int(si);
    return PTS_OK;
}

PTS_KERNEL(k_all_list)
{
    pts_list *l = PTS_LIST(a->self);
    bool ok = true;
    for (int64_t i = 0; i < l->len && ok; i++)
        ok = l->items[i].tag == PTS_T_FLOAT ? l->items[i].u.f != 0 : I(l->items[i]) != 0;
    rets[0] = pts_bool(ok);
    return PTS_OK;
}

PTS_KERNEL(k_any_list)
{
    pts_list *l = PTS_LIST(a->self);
    bool any = false;
    for (int64_t i = 0; i < l->len && !any; i++) {
        pts_value v = l->items[i];
        any = v.tag == PTS_T_STR ? PTS_STR(v)->len > 0 : v.tag == PTS_T_FLOAT ? v.u.f != 0 : I(v) != 0;
    }
    rets[0] = pts_bool(any);
    return PTS_OK;
}

#define ARITH(name, k)                                                       \
    PTS_OP("aten::" name ".int(int a, int b) -> int", k),                    \
    PTS_OP("aten::" name ".float(float a, float b) -> float", k),            \
    PTS_OP("aten::" name ".int_float(int a, float b) -> float", k),          \
    PTS_OP("aten::" name ".float_int(float a, int b) -> float", k),          \
    PTS_OP("aten::" name "(Scalar a, Scalar b) -> Scalar", k)

#define CMP(name, k)                                                         \
    PTS_OP("aten::" name ".int(int a, int b) -> bool", k),                   \
    PTS_OP("aten::" name ".float(float a, float b) -> bool", k),             \
    PTS_OP("aten::" name ".int_float(int a, float b) -> bool", k),           \
    PTS_OP("aten::" name ".float_int(float a, int b) -> bool", k),           \
    PTS_OP("aten::" name "(Scalar a, Scalar b) -> bool", k),                 \
    PTS_OP("aten::" name ".str(str a, str b) -> bool", k)

#define EQ(name, k)                                                          \
    CMP(name, k),                                                            \
    PTS_OP("aten::" name ".int_list(int[] a, int[] b) -> bool", k),          \
    PTS_OP("aten::" name ".device(Device a, Device b) -> bool", k),          \
    PTS_OP("aten::" name ".bool(bool a, bool b) -> bool", k),                \
    PTS_OP("aten::" name ".enum(AnyEnumType a, AnyEnumType b) -> bool", k),  \
    PTS_OP("aten::" name ".float_list(float[] a, float[] b) -> bool", k),    \
    PTS_OP("aten::" name ".bool_list(bool[] a, bool[] b) -> bool", k),       \
    PTS_OP("aten::" name ".str_list(str[] a, str[] b) -> bool", k)

#define MATH1(name, k)                                                       \
    PTS_OP("aten::" name ".int(int a) -> float", k),                         \
    PTS_OP("aten::" name ".float(float a) -> float", k),                     \
    PTS_OP("aten::" name ".Scalar(Scalar a) -> Scalar", k)

#define MINMAX(name, k2, kl, ks)                                                  \
    PTS_OP("prim::" name ".int(int a, int b) -> int", k2),                        \
    PTS_OP("prim::" name ".float(float a, float b) -> float", k2),                \
    PTS_OP("prim::" name ".int_float(int a, float b) -> float", k2),              \
    PTS_OP("prim::" name ".float_int(float a, int b) -> float", k2),              \
    PTS_OP("prim::" name "(Scalar a, Scalar b) -> Scalar", k2),                   \
    PTS_OP("prim::" name ".int_list(int[] l, int[] r) -> int[]", kl),             \
    PTS_OP("prim::" name ".self_int(int[] self) -> int", ks),                     \
    PTS_OP("prim::" name ".float_list(float[] l, float[] r) -> float[]", kl),     \
    PTS_OP("prim::" name ".self_float(float[] self) -> float", ks),               \
    PTS_OP("prim::" name ".bool_list(bool[] l, bool[] r) -> bool[]", kl),         \
    PTS_OP("prim::" name ".self_bool(bool[] self) -> bool", ks)

const pts_op_def pts_ops_num[] = {
    ARITH("add", k_add),
    ARITH("sub", k_sub),
    ARITH("mul", k_mul),
    PTS_OP("aten::div.int(int a, int b) -> float", k_num_div),
    PTS_OP("aten::div.float(float a, float b) -> float", k_num_div),
    PTS_OP("aten::div(Scalar a, Scalar b) -> float", k_num_div),
    ARITH("floordiv", k_floordiv),
    ARITH("remainder", k_remainder),
    PTS_OP("aten::__round_to_zero_floordiv.int(int a, int b) -> int", k_round_to_zero_floordiv),
    PTS_OP("aten::divmod.int(int x, int y) -> (int, int)", k_divmod),
    PTS_OP("aten::divmod.float(float x, float y) -> (float, float)", k_divmod),
    PTS_OP("aten::divmod.int_float(int x, float y) -> (float, float)", k_divmod),
    PTS_OP("aten::divmod.float_int(float x, int y) -> (float, float)", k_divmod),
    PTS_OP("aten::fmod.int(int a, int b) -> float", k_num_fmod),
    PTS_OP("aten::fmod.float(float a, float b) -> float", k_num_fmod),
    PTS_OP("aten::fmod.int_float(int a, float b) -> float", k_num_fmod),
    PTS_OP("aten::fmod.float_int(float a, int b) -> float", k_num_fmod),
    PTS_OP("aten::fmod(Scalar a, Scalar b) -> float", k_num_fmod),
    PTS_OP("aten::mathremainder.int(int a, int b) -> float", k_mathremainder),
    PTS_OP("aten::mathremainder.float(float a, float b) -> float", k_mathremainder),
    PTS_OP("aten::mathremainder.int_float(int a, float b) -> float", k_mathremainder),
    PTS_OP("aten::mathremainder.float_int(float a, int b) -> float", k_mathremainder),
    PTS_OP("aten::mathremainder(Scalar a, Scalar b) -> float", k_mathremainder),
    PTS_OP("aten::pow.int(int a, int b) -> float", k_num_pow),
    PTS_OP("aten::pow.float(float a, float b) -> float", k_num_pow),
    PTS_OP("aten::pow.int_float(int a, float b) -> float", k_num_pow),
    PTS_OP("aten::pow.float_int(float a, int b) -> float", k_num_pow),
    PTS_OP("aten::pow.Scalar_Scalar(Scalar a, Scalar b) -> float", k_num_pow),
    PTS_OP("aten::pow.int_to_int(int a, int b) -> int", k_pow_int_to_int),
    PTS_OP("aten::neg.int(int a) -> int", k_num_neg),
    PTS_OP("aten::neg.float(float a) -> float", k_num_neg),
    PTS_OP("aten::neg.complex(complex a) -> complex", k_num_neg),
    PTS_OP("aten::neg.Scalar(Scalar a) -> Scalar", k_num_neg),
    PTS_OP("prim::abs.int(int a) -> int", k_num_abs),
    PTS_OP("prim::abs.float(float a) -> float", k_num_abs),
    PTS_OP("prim::abs.complex(complex a) -> float", k_num_abs),
    PTS_OP("prim::abs.Scalar(Scalar a) -> Scalar", k_num_abs),
    PTS_OP("aten::__and__.bool(bool a, bool b) -> bool", k_and),
    PTS_OP("aten::__and__.int(int a, int b) -> int", k_and),
    PTS_OP("aten::__or__.bool(bool a, bool b) -> bool", k_or),
    PTS_OP("aten::__or__.int(int a, int b) -> int", k_or),
    PTS_OP("aten::__xor__.bool(bool a, bool b) -> bool", k_xor),
    PTS_OP("aten::__xor__.int(int a, int b) -> int", k_xor),
    PTS_OP("aten::__lshift__.int(int a, int b) -> int", k_lshift),
    PTS_OP("aten::__rshift__.int(int a, int b) -> int", k_rshift),
    EQ("eq", k_eq),
    EQ("ne", k_ne),
    CMP("lt", k_lt),
    CMP("le", k_le),
    CMP("gt", k_gt),
    CMP("ge", k_ge),
    MINMAX("min", k_min2, k_min_list, k_min_self),
    MINMAX("max", k_max2, k_max_list, k_max_self),
    PTS_OP("aten::Int.bool(bool a) -> int", k_Int),
    PTS_OP("aten::Int.float(float a) -> int", k_Int),
    PTS_OP("aten::Int.Scalar(Scalar a) -> int", k_Int_scalar),
    PTS_OP("aten::Int.str(str a) -> int", k_Int),
    PTS_OP("aten::Float.Scalar(Scalar a) -> float", k_Float),
    PTS_OP("aten::Float.int(int a) -> float", k_Float),
    PTS_OP("aten::Float.bool(bool a) -> float", k_Float),
    PTS_OP("aten::Float.str(str a) -> float", k_Float),
    PTS_OP("aten::Bool.int(int a) -> bool", k_Bool),
    PTS_OP("aten::Bool.float(float a) -> bool", k_Bool),
    MATH1("sqrt", k_sqrt),
    MATH1("exp", k_exp),
    MATH1("expm1", k_expm1),
    MATH1("log", k_log),
    MATH1("log10", k_log10),
    MATH1("log1p", k_log1p),
    MATH1("sin", k_sin),
    MATH1("cos", k_cos),
    MATH1("tan", k_tan),
    MATH1("asin", k_asin),
    MATH1("acos", k_acos),
    MATH1("atan", k_atan),
    MATH1("sinh", k_sinh),
    MATH1("cosh", k_cosh),
    MATH1("tanh", k_tanh),
    MATH1("asinh", k_asinh),
    MATH1("acosh", k_acosh),
    MATH1("atanh", k_atanh),
    MATH1("erf", k_erf),
    MATH1("erfc", k_erfc),
    MATH1("gamma", k_gamma),
    MATH1("lgamma", k_lgamma),
    MATH1("fabs", k_fabs),
    MATH1("degrees", k_degrees),
    MATH1("radians", k_radians),
    MATH1("round", k_round),
    MATH1("angle", k_angle),
    PTS_OP("aten::floor.int(int a) -> int", k_num_floor),
    PTS_OP("aten::floor.float(float a) -> int", k_num_floor),
    PTS_OP("aten::floor.Scalar(Scalar a) -> Scalar", k_num_floor),
    PTS_OP("aten::ceil.int(int a) -> int", k_num_ceil),
    PTS_OP("aten::ceil.float(float a) -> int", k_num_ceil),
    PTS_OP("aten::ceil.Scalar(Scalar a) -> Scalar", k_num_ceil),
    PTS_OP("aten::log.int_int(int a, int b) -> float", k_log_base),
    PTS_OP("aten::log.float_float(float a, float b) -> float", k_log_base),
    PTS_OP("aten::log.int_float(int a, float b) -> float", k_log_base),
    PTS_OP("aten::log.float_int(float a, int b) -> float", k_log_base),
    PTS_OP("aten::log.Scalar_Scalar(Scalar a, Scalar b) -> float", k_log_base),
    PTS_OP("aten::atan2.int(int a, int b) -> float", k_num_atan2),
    PTS_OP("aten::atan2.float(float a, float b) -> float", k_num_atan2),
    PTS_OP("aten::atan2.int_float(int a, float b) -> float", k_num_atan2),
    PTS_OP("aten::atan2.float_int(float a, int b) -> float", k_num_atan2),
    PTS_OP("aten::atan2.Scalar_Scalar(Scalar a, Scalar b) -> float", k_num_atan2),
    PTS_OP("aten::copysign.int(int a, int b) -> float", k_num_copysign),
    PTS_OP("aten::copysign.float(float a, float b) -> float", k_num_copysign),
    PTS_OP("aten::copysign.int_float(int a, float b) -> float", k_num_copysign),
    PTS_OP("aten::copysign.float_int(float a, int b) -> float", k_num_copysign),
    PTS_OP("aten::copysign(Scalar a, Scalar b) -> float", k_num_copysign),
    PTS_OP("aten::isnan.float(float a) -> bool", k_isnan),
    PTS_OP("aten::isinf.float(float a) -> bool", k_isinf),
    PTS_OP("aten::isfinite.float(float a) -> bool", k_isfinite),
    PTS_OP("aten::gcd.int(int a, int b) -> int", k_gcd),
    PTS_OP("aten::factorial.int(int a) -> int", k_factorial),
    PTS_OP("aten::ldexp(float x, int i) -> float", k_ldexp),
    PTS_OP("aten::frexp(float a) -> (float, int)", k_frexp),
    PTS_OP("aten::modf(float a) -> (float, float)", k_modf),
    PTS_OP("aten::__range_length(int lo, int hi, int step) -> int", k_range_length),
    PTS_OP("aten::__derive_index(int index, int start, int step) -> int", k_derive_index),
    PTS_OP("aten::bin(int i) -> str", k_bin),
    PTS_OP("aten::oct(int i) -> str", k_oct),
    PTS_OP("aten::hex(int i) -> str", k_hex),
    PTS_OP("aten::chr(int i) -> str", k_chr),
    PTS_OP("aten::sum.int(int[] self) -> int", k_sum_list),
    PTS_OP("aten::sum.float(float[] self) -> float", k_sum_list),
    PTS_OP("aten::sum.bool(bool[] self) -> int", k_sum_list),
    PTS_OP("aten::all.int(int[] self) -> bool", k_all_list),
    PTS_OP("aten::all.float(float[] self) -> bool", k_all_list),
    PTS_OP("aten::all.bool(bool[] self) -> bool", k_all_list),
    PTS_OP("aten::any.str(str[] self) -> bool", k_any_list),
    PTS_OP("aten::any.int(int[] self) -> bool", k_any_list),
    PTS_OP("aten::any.float(float[] self) -> bool", k_any_list),
    PTS_OP("aten::any.bool(bool[] self) -> bool", k_any_list),
    {NULL, NULL},
};
