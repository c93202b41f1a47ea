/* bessel.c - the special_* functions torch.special adds beyond special.c:
 * the normal distribution (ndtr, ndtri, log_ndtr), erfcx, entr, the Bessel
 * functions (bessel_j0/j1/y0/y1 from the C library; modified_bessel_i0/i1/
 * k0/k1, i0e, i1, i1e, scaled_modified_bessel_k0/k1, spherical_bessel_j0,
 * airy_ai), the orthogonal polynomials (chebyshev T/U/V/W and their shifted
 * forms, hermite H/He, laguerre L, legendre P) and the regularized
 * incomplete gamma functions igamma / igammac (special_gammainc/gammaincc).
 *
 * Accuracy, not torch's float algorithms, is the aim: the functions are
 * computed in double by methods chosen to keep full double accuracy over the
 * whole range (power series with positive terms for I_nu; the trapezoid rule
 * on the integral K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt, which
 * converges geometrically for these analytic integrands; asymptotic series
 * where those lose accuracy), and the result is rounded once.  The
 * polynomials are the exception: torch evaluates the three-term recurrences
 * in the tensor's own dtype with a few special cases, and a recurrence
 * amplifies rounding, so they are evaluated the same way here (in float for
 * float32), cases included, with the fused multiply-add torch's compiled
 * recurrence step has (a*b - c*d as fma(a, b, -(c*d)): bit-identical results).
 */
#include <float.h>

#include "ops/compose.h"
#include "ops/pointwise/unary.h"
#include "ops/special/zeta.h"

#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309504880
#define SQRTPI 1.77245385090551602730

/* ---- normal distribution, erfcx, entr ------------------------------------------------------- */

static double ndtr_d(double x) { return 0.5 * erfc(-x / SQRT2); }

/* erfcx(x) = exp(x^2) erfc(x): direct while erfc(x) keeps its relative accuracy, then the
 * asymptotic series 1/(x sqrt(pi)) sum (-1)^k (2k-1)!! / (2x^2)^k */
static double erfcx_d(double x, bool f32)
{
    if (isnan(x))
        return x;
    if (x < 25) {
        if (x < -26.7)
            return INFINITY;
        /* below 0 the result is about 2 exp(x^2): torch's float32 kernel squares in float, and
         * that rounding (relative 2^-24 x^2) is most of its result's error, so the same here */
        double xx = f32 && x < 0 ? (double)((float)x * (float)x) : x * x;
        return exp(xx) * erfc(x);
    }
    if (isinf(x))
        return 0;
    double s = 1, term = 1, z = 1 / (2 * x * x);
    for (int k = 1; k < 12; k++) {
        term *= -(2 * k - 1) * z;
        s += term;
    }
    return s / (x * SQRTPI);
}

static double log_ndtr_d(double x)
{
    if (x > 0) /* log(1 - ndtr(-x)) */
        return log1p(-0.5 * erfc(x / SQRT2));
    if (x > -5)
        return log(ndtr_d(x));
    /* log(0.5 erfc(-x/sqrt2)) = log(0.5 erfcx(t)) - t^2, t = -x/sqrt2 */
    double t = -x / SQRT2;
    return log(0.5 * erfcx_d(t, false)) - t * t;
}

/* ndtri: Abramowitz-Stegun 26.2.23 as the start, then Halley steps on ndtr in the lower tail */
static double ndtri_d(double p)
{
    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    bool upper = p > 0.5;
    double q = upper ? 1 - p : p;
    double t = sqrt(-2 * log(q));
    double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
    for (int i = 0; i < 6; i++) {
        double e = ndtr_d(x) - q;
        double u = e * sqrt(2 * PI) * exp(x * x / 2);
        double dx = u / (1 + x * u / 2);
        x -= dx;
        if (fabs(dx) <= 1e-17 * fabs(x))
            break;
    }
    return upper ? -x : x;
}

static double entr_d(double x)
{
    if (isnan(x))
        return x;
    if (x > 0)
        return -x * log(x);
    if (x == 0)
        return 0;
    return -INFINITY;
}

/* ---- modified Bessel functions -------------------------------------------------------------- */

/* exp(-scale * |x|) I_nu(|x|) for nu = 0, 1 (unsigned) */
static double bessel_i_abs(double x, int nu, bool scaled)
{
    x = fabs(x);
    if (isnan(x))
        return x;
    if (isinf(x) && !scaled) /* torch's Chebyshev forms give NaN at infinity */
        return NAN;
    if (x > 700 || isinf(x)) {
        /* e^-x I_nu(x) ~ 1/sqrt(2 pi x) sum_k (-1)^k a_k(nu) / x^k */
        double mu = 4.0 * nu * nu, s = 1, term = 1;
        for (int k = 1; k < 20; k++) {
            term *= -(mu - (2.0 * k - 1) * (2.0 * k - 1)) / (k * 8.0 * x);
            s += term;
            if (fabs(term) < 1e-17 * fabs(s))
                break;
        }
        s /= sqrt(2 * PI * x);
        return scaled ? s : s * exp(20.0) * exp(x - 20.0); /* finite while e^x s is */
    }
    double q = x * x / 4, term = nu ? x / 2 : 1, sum = term;
    for (int k = 1; k < 3000; k++) {
        term *= q / ((double)k * (double)(k + nu));
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return scaled ? sum * exp(-x) : sum;
}

/* torch's kernels form exp(|x|) in the tensor's dtype (float for f32), which overflows before I_n(x) does */
static double i0_d(double x, bool f32)
{
    if ((f32 ? isinf(expf((float)fabs(x))) : isinf(exp(fabs(x)))) && !isinf(x))
        return INFINITY;
    return bessel_i_abs(x, 0, false);
}
static double i0e_d(double x) { return bessel_i_abs(x, 0, true); }
static double i1_d(double x, bool f32)
{
    if ((f32 ? isinf(expf((float)fabs(x))) : isinf(exp(fabs(x)))) && !isinf(x))
        return copysign(INFINITY, x);
    return copysign(1.0, x) * bessel_i_abs(x, 1, false);
}
static double i1e_d(double x) { return copysign(1.0, x) * bessel_i_abs(x, 1, true); }

/* exp(scale * x) K_nu(x) for x > 0 by the trapezoid rule on
 * int_0^inf exp(-x (cosh t - scale)) cosh(nu t) dt (scale 0 or 1) */
static double bessel_k_int(double x, double nu, bool scaled)
{
    double h = 0.2;
    if (x > 6.25)
        h = 0.5 / sqrt(x);
    /* the scaled integrand exp(-x (cosh t - 1)) cosh(nu t) starts at 1 and decays */
    double sum = 0.5;
    for (int k = 1; k < 100000; k++) {
        double t = k * h;
        double f = exp(-x * (cosh(t) - 1)) * cosh(nu * t);
        sum += f;
        if (f < 1e-19 * sum)
            break;
    }
    return scaled ? sum * h : sum * h * exp(-x);
}

static double bessel_k(double x, int nu, bool scaled)
{
    if (isnan(x))
        return x;
    if (x < 0)
        return NAN;
    if (x == 0)
        return INFINITY;
    if (isinf(x))
        return 0;
    return bessel_k_int(x, nu, scaled);
}

static double k0_d(double x) { return bessel_k(x, 0, false); }
static double k1_d(double x) { return bessel_k(x, 1, false); }
static double k0e_d(double x) { return bessel_k(x, 0, true); }
static double k1e_d(double x) { return bessel_k(x, 1, true); }

/* ---- Bessel functions of the first and second kind, Airy Ai ---------------------------------- */

/* Bessel J_n / Y_n (n = 0, 1).  For x > 5 torch's kernels use the Hankel form
 * A(x) cos(th) - B(x) sin(th) (J) and A sin(th) + B cos(th) (Y) with the phase
 * th = x - (2n + 1) pi / 4 computed in the tensor's dtype; in float32 that phase is
 * off by up to half an ulp of x, which dominates torch's float32 result.  f32: the
 * same phase error is applied to the exact values, by the rotation
 * (J, Y) -> (J cos d - Y sin d, Y cos d + J sin d), d = the phase's rounding error. */
static void bessel_jy(double x, int n, bool f32, double *J, double *Y)
{
    *J = n ? j1(x) : j0(x);
    *Y = n ? y1(x) : y0(x);
    if (!f32 || x <= 5)
        return;
    double c = n ? 2.356194490192344928846982537459627163 : 0.785398163397448309615660845819875721;
    double d = (double)((float)x - (float)c) - (x - c);
    double cd = cos(d), sd = sin(d), j = *J, y = *Y;
    *J = j * cd - y * sd;
    *Y = y * cd + j * sd;
}

static double j0_d(double x, bool f32)
{
    if (isinf(x))
        return NAN;
    double J, Y;
    bessel_jy(fabs(x), 0, f32, &J, &Y);
    return J;
}

static double j1_d(double x, bool f32)
{
    if (isinf(x))
        return NAN;
    double J, Y;
    bessel_jy(fabs(x), 1, f32, &J, &Y);
    return x < 0 ? -J : J;
}

static double y_d(double x, int n, bool f32)
{
    if (isnan(x))
        return x;
    if (x < 0)
        return NAN;
    if (x == 0)
        return -INFINITY;
    if (isinf(x))
        return NAN;
    double J, Y;
    bessel_jy(x, n, f32, &J, &Y);
    return Y;
}

static double spherical_j0_d(double x)
{
    if (isinf(x))
        return 0;
    if (fabs(x) < 0.5) {
        double z = x * x;
        return 1 + z * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800 + z * (1.0 / 6227020800.0))))));
    }
    return sin(x) / x;
}

static double airy_ai_d(double x, bool f32)
{
    if (isnan(x))
        return x;
    if (isinf(x)) /* as torch */
        return NAN;
    if (x >= 1) {
        if (x > 105)
            return 0;
        double z = 2.0 / 3.0 * x * sqrt(x);
        return sqrt(x / 3) / PI * bessel_k_int(z, 1.0 / 3.0, true) * exp(-z);
    }
    if (x > -7) {
        /* Ai(x) = c1 f(x) - c2 g(x), the Maclaurin series (little cancellation below x = 1) */
        const double c1 = 0.355028053887817239260, c2 = 0.258819403792806798405;
        double z3 = x * x * x, f = 1, g = x, tf = 1, tg = x;
        for (int k = 1; k < 200; k++) {
            tf *= z3 / ((3.0 * k - 1) * (3.0 * k));
            tg *= z3 / ((3.0 * k) * (3.0 * k + 1));
            f += tf;
            g += tg;
            if (fabs(tf) < 1e-18 && fabs(tg) < 1e-18)
                break;
        }
        return c1 * f - c2 * g;
    }
    /* Ai(-y) ~ y^-1/4 / sqrt(pi) [sin(z + pi/4) P - cos(z + pi/4) Q], z = 2/3 y^3/2 */
    double y = -x, z = 2.0 / 3.0 * y * sqrt(y);
    double u = 1, P = 1, Q = 0, zk = 1;
    for (int k = 1; k < 40; k++) {
        u *= (6.0 * k - 5) * (6.0 * k - 3) * (6.0 * k - 1) / ((2.0 * k - 1) * 216.0 * k);
        zk /= z;
        double term = u * zk;
        if (fabs(term) < 1e-17)
            break;
        /* odd k feed Q with sign (-1)^((k-1)/2), even k feed P with sign (-1)^(k/2) */
        if (k % 2)
            Q += ((k / 2) % 2 ? -1 : 1) * term;
        else
            P += ((k / 2) % 2 ? -1 : 1) * term;
    }
    double th = z + PI / 4;
    if (f32) { /* torch's float32 kernel: the phase -2 x sqrt(-x) / 3 + pi / 4 in float */
        float xf = (float)x;
        float tf = (float)(-2.0f * xf) * sqrtf(-xf);
        tf = tf / 3.0f;
        th = (double)(tf + (float)(0.25 * PI));
    }
    return (sin(th) * P - cos(th) * Q) / (SQRTPI * pow(y, 0.25));
}

/* ---- incomplete gamma ------------------------------------------------------------------------ */

/* P(a, x) by its series (x < a + 1) */
static double igam_series(double a, double x)
{
    double sum = 1, term = 1;
    for (int n = 1; n < 100000; n++) {
        term *= x / (a + n);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum * exp(a * log(x) - x - lgamma(a + 1));
}

/* Q(a, x) by Lentz's continued fraction (x >= a + 1) */
static double igamc_cf(double a, double x)
{
    double b = x + 1 - a, c = 1 / DBL_MIN, d = 1 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < DBL_MIN)
            d = DBL_MIN;
        c = b + an / c;
        if (fabs(c) < DBL_MIN)
            c = DBL_MIN;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return exp(a * log(x) - x - lgamma(a)) * h;
}

/* upper: Q (igammac) instead of P (igamma); torch's boundary values */
static double igamma_d(double a, double x, bool upper)
{
    /* torch's boundary cases, in its order (a NaN operand falls through them) */
    if (x < 0 || a < 0)
        return NAN;
    double p;
    if (a == 0) {
        if (x > 0)
            return upper ? 0 : 1;
        return NAN;
    }
    if (x == 0)
        return upper ? 1 : 0;
    if (isinf(a)) {
        if (isinf(x))
            return NAN;
        return upper ? 1 : 0;
    }
    if (isinf(x))
        return upper ? 0 : 1;
    if (isnan(a) || isnan(x))
        return NAN;
    if (x < a + 1) {
        p = igam_series(a, x);
        return upper ? 1 - p : p;
    }
    double q = igamc_cf(a, x);
    return upper ? q : 1 - q;
}

/* ---- orthogonal polynomials: torch's recurrences and special cases, in double and in float ---- */

/* kind: 0 T, 1 U, 2 V, 3 W (chebyshev), shifted: on 2x - 1 with the shifted forms' cases */
#define CHEB_FN(NAME, T, ACOS, COS, SIN, FABS, FMA)                                                                   \
    static T NAME(T x, int64_t n, int kind, bool shifted)                                                        \
    {                                                                                                            \
        if (n < 0)                                                                                               \
            return (T)0;                                                                                         \
        T y = shifted ? x + x - (T)1 : x;                                                                        \
        bool at1 = shifted ? x == (T)1 : (FABS(x) == (T)1 && x > 0);                                             \
        bool atm1 = shifted ? x == (T)0 : (FABS(x) == (T)1 && x < 0);                                            \
        T n1 = (T)(n + 1), n21 = (T)(n + n + 1);                                                                 \
        T sgn = n % 2 == 0 ? (T)1 : (T)-1;                                                                       \
        if (at1)                                                                                                 \
            return kind == 0 ? (T)1 : kind == 1 ? n1 : kind == 2 ? (T)1 : n21;                                   \
        if (atm1)                                                                                                \
            return kind == 0 ? sgn : kind == 1 ? sgn * n1 : kind == 2 ? sgn * n21 : sgn;                         \
        int64_t lim = shifted ? (kind == 3 ? 4 : 6) : (kind == 0 ? 6 : 8);                                       \
        if (n > lim && FABS(y) < (T)1) {                                                                         \
            T th = ACOS(y);                                                                                      \
            if (kind == 0)                                                                                       \
                return COS((T)n * th);                                                                           \
            if (kind == 1) {                                                                                     \
                if (SIN(th) != (T)0)                                                                             \
                    return SIN((T)(n + 1) * th) / SIN(th);                                                       \
                return n1 * COS(n1 * th) / y;                                                                    \
            }                                                                                                    \
            if (kind == 2) {                                                                                     \
                if (SIN(th / (T)2) != (T)1)                                                                      \
                    return COS(((T)n + (T)0.5) * th) / COS(th / (T)2);                                           \
                return sgn * n21;                                                                                \
            }                                                                                                    \
            if (COS(th / (T)2) != (T)1)                                                                          \
                return SIN(((T)n + (T)0.5) * th) / SIN(th / (T)2);                                               \
            if (shifted)                                                                                         \
                return sgn;                                                                                      \
            return x > (T)0 ? n21 : sgn;                                                                         \
        }                                                                                                        \
        T q = kind == 0 ? y : kind == 1 ? y + y : kind == 2 ? y + y - (T)1 : y + y + (T)1;                       \
        if (n == 0)                                                                                              \
            return (T)1;                                                                                         \
        if (n == 1)                                                                                              \
            return q;                                                                                            \
        T p = (T)1, r = q;                                                                                       \
        for (int64_t k = 2; k <= n && !isnan(q); k++) {                                                          \
            r = FMA(y + y, q, -p);                                                                                 \
            p = q;                                                                                               \
            q = r;                                                                                               \
        }                                                                                                        \
        return r;                                                                                                \
    }

CHEB_FN(cheb_d, double, acos, cos, sin, fabs, fma)
CHEB_FN(cheb_f, float, acosf, cosf, sinf, fabsf, fmaf)

/* kind: 4 hermite H, 5 hermite He, 6 laguerre L, 7 legendre P */
#define POLY_FN(NAME, T, LIMIT, FABS, FMA)                                                                            \
    static T NAME(T x, int64_t n, int kind)                                                                      \
    {                                                                                                            \
        if (n < 0)                                                                                               \
            return (T)0;                                                                                         \
        if (kind == 4 || kind == 5) {                                                                            \
            if (n == 0)                                                                                          \
                return (T)1;                                                                                     \
            if (n == 1)                                                                                          \
                return kind == 4 ? x + x : x;                                                                    \
            if (n > LIMIT)                                                                                       \
                return (T)NAN;                                                                                   \
            T p = (T)1, q = kind == 4 ? x + x : x, r = (T)0;                                                     \
            if (kind == 4)                                                                                       \
                for (int64_t k = 2; k < n + n; k += 2) {                                                         \
                    r = FMA(x + x, q, -((T)k * p));                                                                  \
                    p = q;                                                                                       \
                    q = r;                                                                                       \
                }                                                                                                \
            else                                                                                                 \
                for (int64_t k = 1; k < n; k++) {                                                                \
                    r = FMA(x, q, -((T)k * p));                                                                        \
                    p = q;                                                                                       \
                    q = r;                                                                                       \
                }                                                                                                \
            return r;                                                                                            \
        }                                                                                                        \
        if (kind == 6) {                                                                                         \
            if (FABS(x) == (T)0 || n == 0)                                                                       \
                return (T)1;                                                                                     \
            if (n == 1)                                                                                          \
                return (T)1 - x;                                                                                 \
            T p = (T)1, q = (T)1 - x, r = q;                                                                     \
            for (int64_t k = 1; k < n && !isnan(q); k++) {                                                       \
                r = FMA((T)(k + k) + ((T)1 - x), q, -((T)k * p));                                                    \
                r = r / (T)(k + 1);                                                                              \
                p = q;                                                                                           \
                q = r;                                                                                           \
            }                                                                                                    \
            return r;                                                                                            \
        }                                                                                                        \
        if (FABS(x) == (T)1)                                                                                     \
            return (x > (T)0 || n % 2 == 0) ? (T)1 : (T)-1;                                                      \
        if (n == 0)                                                                                              \
            return (T)1;                                                                                         \
        if (n == 1)                                                                                              \
            return x;                                                                                            \
        T p = (T)1, q = x, r = q;                                                                                \
        for (int64_t k = 1; k < n && !isnan(q); k++) {                                                           \
            r = FMA((T)(k + k + 1) * x, q, -((T)k * p));                                                               \
            r = r / (T)(k + 1);                                                                                  \
            p = q;                                                                                               \
            q = r;                                                                                               \
        }                                                                                                        \
        return r;                                                                                                \
    }

POLY_FN(poly_d, double, 512, fabs, fma)
POLY_FN(poly_f, float, 128, fabsf, fmaf)

/* n as torch reads it: the float n converted to int64 (x86: NaN, inf and out-of-range values give
 * INT64_MIN, so a zero result); hermite H reads inf/nan as -1 (also zero) */
static int64_t poly_n(double n)
{
    if (isnan(n) || n >= 9.2233720368547758e18 || n < -9.2233720368547758e18)
        return INT64_MIN;
    return (int64_t)n;
}

/* ---- the drivers ----------------------------------------------------------------------------- */

/* unary functions: computed in double, rounded once (pointwise/unary.h) */
#define UNARY(name, fn)                                                                                          \
    static double name(double a, double p)                                                                       \
    {                                                                                                            \
        (void)p;                                                                                                 \
        return fn(a);                                                                                            \
    }
UNARY(u_ndtr, ndtr_d)
UNARY(u_ndtri, ndtri_d)
UNARY(u_log_ndtr, log_ndtr_d)
UNARY(u_entr, entr_d)
static double u_erfcx(double a, double f32) { return erfcx_d(a, f32 != 0); }
static double u_i0(double a, double f32) { return i0_d(a, f32 != 0); }
static double u_i1(double a, double f32) { return i1_d(a, f32 != 0); }
static double u_j0(double a, double f32) { return j0_d(a, f32 != 0); }
static double u_j1(double a, double f32) { return j1_d(a, f32 != 0); }
static double u_y0(double a, double f32) { return y_d(a, 0, f32 != 0); }
static double u_y1(double a, double f32) { return y_d(a, 1, f32 != 0); }
static double u_airy(double a, double f32) { return airy_ai_d(a, f32 != 0); }
UNARY(u_i0e, i0e_d)
UNARY(u_i1e, i1e_d)
UNARY(u_k0, k0_d)
UNARY(u_k1, k1_d)
UNARY(u_k0e, k0e_d)
UNARY(u_k1e, k1e_d)
UNARY(u_sj0, spherical_j0_d)

/* torch implements these for float32 / float64 (and integer inputs) only */
static pts_status no_half(const pts_op *op, pts_tensor *t, const char *kname)
{
    if (t->dtype == PTS_FLOAT16 || t->dtype == PTS_BFLOAT16)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"%s_cpu\" not implemented for '%s'", OPN, kname,
                           pts_dtype_torch_name(t->dtype));
    return PTS_OK;
}

PTS_KERNEL(k_ndtr) { return pts_unary_run(op, a->self, rets, u_ndtr, 0, U_FLOAT); }
PTS_KERNEL(k_ndtri)
{
    PTS_TRY(no_half(op, a->self, "ndtri"));
    return pts_unary_run(op, a->self, rets, u_ndtri, 0, U_FLOAT);
}
PTS_KERNEL(k_log_ndtr)
{
    PTS_TRY(no_half(op, a->self, "log_ndtr"));
    return pts_unary_run(op, a->self, rets, u_log_ndtr, 0, U_FLOAT);
}
PTS_KERNEL(k_erfcx)
{
    PTS_TRY(no_half(op, a->self, "erfcx"));
    return pts_unary_run(op, a->self, rets, u_erfcx, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_entr) { return pts_unary_run(op, a->self, rets, u_entr, 0, U_FLOAT); }
PTS_KERNEL(k_mod_i0)
{
    PTS_TRY(no_half(op, a->self, "modified_bessel_i0"));
    return pts_unary_run(op, a->self, rets, u_i0, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_i0e) { return pts_unary_run(op, a->self, rets, u_i0e, 0, U_FLOAT); }
PTS_KERNEL(k_mod_i1)
{
    PTS_TRY(no_half(op, a->self, "modified_bessel_i1"));
    return pts_unary_run(op, a->self, rets, u_i1, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_i1) { return pts_unary_run(op, a->self, rets, u_i1, a->self->dtype != PTS_FLOAT64, U_FLOAT); }
PTS_KERNEL(k_i1e) { return pts_unary_run(op, a->self, rets, u_i1e, 0, U_FLOAT); }
PTS_KERNEL(k_k0)
{
    PTS_TRY(no_half(op, a->self, "modified_bessel_k0"));
    return pts_unary_run(op, a->self, rets, u_k0, 0, U_FLOAT);
}
PTS_KERNEL(k_k1)
{
    PTS_TRY(no_half(op, a->self, "modified_bessel_k1"));
    return pts_unary_run(op, a->self, rets, u_k1, 0, U_FLOAT);
}
PTS_KERNEL(k_k0e)
{
    PTS_TRY(no_half(op, a->x, "scaled_modified_bessel_k0"));
    return pts_unary_run(op, a->x, rets, u_k0e, 0, U_FLOAT);
}
PTS_KERNEL(k_k1e)
{
    PTS_TRY(no_half(op, a->x, "scaled_modified_bessel_k1"));
    return pts_unary_run(op, a->x, rets, u_k1e, 0, U_FLOAT);
}
PTS_KERNEL(k_j0)
{
    PTS_TRY(no_half(op, a->self, "bessel_j0"));
    return pts_unary_run(op, a->self, rets, u_j0, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_j1)
{
    PTS_TRY(no_half(op, a->self, "bessel_j1"));
    return pts_unary_run(op, a->self, rets, u_j1, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_y0)
{
    PTS_TRY(no_half(op, a->self, "bessel_y0"));
    return pts_unary_run(op, a->self, rets, u_y0, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_y1)
{
    PTS_TRY(no_half(op, a->self, "bessel_y1"));
    return pts_unary_run(op, a->self, rets, u_y1, a->self->dtype != PTS_FLOAT64, U_FLOAT);
}
PTS_KERNEL(k_sj0)
{
    PTS_TRY(no_half(op, a->x, "spherical_bessel_j0"));
    return pts_unary_run(op, a->x, rets, u_sj0, 0, U_FLOAT);
}
PTS_KERNEL(k_airy)
{
    PTS_TRY(no_half(op, a->x, "airy_ai"));
    return pts_unary_run(op, a->x, rets, u_airy, a->x->dtype != PTS_FLOAT64, U_FLOAT);
}

/* binary functions: f(x, y, f32) over the broadcast operands; the result is the float dtype of
 * the promoted operands (int -> float32); f32: the result is float32 (or narrower) */
typedef double (*bfn)(double x, double y, int kind, bool f32);
static double b_igamma(double a, double x, int upper, bool f32);
static double b_zeta(double x, double q, int kind, bool f32);

static pts_status binary_run(const pts_op *op, pts_value xv, pts_value yv, bfn f, int kind, pts_value *rets)
{
    pts_value in[2] = {xv, yv};
    int common;
    PTS_TRY(pts_result_type(2, in, &common, OPN));
    PTS_TRY(pts_check_real(OPN, common));
    int rd = pts_float_op_dtype(common);
    if (f != b_igamma && f != b_zeta && (rd == PTS_FLOAT16 || rd == PTS_BFLOAT16))
        return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for '%s'", OPN, pts_dtype_torch_name(rd));
    pts_tensor *x = NULL, *y = NULL;
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_pair(OPN, xv, yv, common, PTS_FLOAT64, &x, &y, &nd, shape));
    bool f32 = rd != PTS_FLOAT64;
    for (int64_t i = 0, n = pts_tensor_numel(x); i < n; i++)
        pts_f64(x)[i] = f(pts_f64(x)[i], pts_f64(y)[i], kind, f32);
    pts_tdrop(y);
    return pts_ret_as(x, rd, rets);
}

static double b_cheb(double x, double n, int kind, bool f32)
{
    bool shifted = kind >= 4;
    int64_t k = poly_n(n);
    return f32 ? (double)cheb_f((float)x, k, kind & 3, shifted) : cheb_d(x, k, kind & 3, shifted);
}

static double b_poly(double x, double n, int kind, bool f32)
{
    int64_t k = poly_n(n);
    return f32 ? (double)poly_f((float)x, k, kind) : poly_d(x, k, kind);
}

static double b_igamma(double a, double x, int upper, bool f32)
{
    (void)f32;
    return igamma_d(a, x, upper != 0);
}

PTS_KERNEL(k_cheb_t) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 0, rets); }
PTS_KERNEL(k_cheb_t_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 0, rets); }
PTS_KERNEL(k_cheb_t_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 0, rets); }
PTS_KERNEL(k_cheb_u) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 1, rets); }
PTS_KERNEL(k_cheb_u_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 1, rets); }
PTS_KERNEL(k_cheb_u_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 1, rets); }
PTS_KERNEL(k_cheb_v) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 2, rets); }
PTS_KERNEL(k_cheb_v_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 2, rets); }
PTS_KERNEL(k_cheb_v_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 2, rets); }
PTS_KERNEL(k_cheb_w) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 3, rets); }
PTS_KERNEL(k_cheb_w_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 3, rets); }
PTS_KERNEL(k_cheb_w_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 3, rets); }
PTS_KERNEL(k_scheb_t) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 4, rets); }
PTS_KERNEL(k_scheb_t_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 4, rets); }
PTS_KERNEL(k_scheb_t_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 4, rets); }
PTS_KERNEL(k_scheb_u) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 5, rets); }
PTS_KERNEL(k_scheb_u_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 5, rets); }
PTS_KERNEL(k_scheb_u_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 5, rets); }
PTS_KERNEL(k_scheb_v) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 6, rets); }
PTS_KERNEL(k_scheb_v_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 6, rets); }
PTS_KERNEL(k_scheb_v_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 6, rets); }
PTS_KERNEL(k_scheb_w) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_cheb, 7, rets); }
PTS_KERNEL(k_scheb_w_xs) { return binary_run(op, a->x, pts_tv(a->n), b_cheb, 7, rets); }
PTS_KERNEL(k_scheb_w_ns) { return binary_run(op, pts_tv(a->x), a->n, b_cheb, 7, rets); }
PTS_KERNEL(k_herm_h) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_poly, 4, rets); }
PTS_KERNEL(k_herm_h_xs) { return binary_run(op, a->x, pts_tv(a->n), b_poly, 4, rets); }
PTS_KERNEL(k_herm_h_ns) { return binary_run(op, pts_tv(a->x), a->n, b_poly, 4, rets); }
PTS_KERNEL(k_herm_he) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_poly, 5, rets); }
PTS_KERNEL(k_herm_he_xs) { return binary_run(op, a->x, pts_tv(a->n), b_poly, 5, rets); }
PTS_KERNEL(k_herm_he_ns) { return binary_run(op, pts_tv(a->x), a->n, b_poly, 5, rets); }
PTS_KERNEL(k_lag_l) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_poly, 6, rets); }
PTS_KERNEL(k_lag_l_xs) { return binary_run(op, a->x, pts_tv(a->n), b_poly, 6, rets); }
PTS_KERNEL(k_lag_l_ns) { return binary_run(op, pts_tv(a->x), a->n, b_poly, 6, rets); }
PTS_KERNEL(k_leg_p) { return binary_run(op, pts_tv(a->x), pts_tv(a->n), b_poly, 7, rets); }
PTS_KERNEL(k_leg_p_xs) { return binary_run(op, a->x, pts_tv(a->n), b_poly, 7, rets); }
PTS_KERNEL(k_leg_p_ns) { return binary_run(op, pts_tv(a->x), a->n, b_poly, 7, rets); }

static double b_zeta(double x, double q, int kind, bool f32)
{
    (void)kind;
    (void)f32;
    return pts_special_zeta(x, q);
}

PTS_KERNEL(k_zeta) { return binary_run(op, pts_tv(a->self), pts_tv(a->other), b_zeta, 0, rets); }
PTS_KERNEL(k_zeta_os) { return binary_run(op, pts_tv(a->self), a->other, b_zeta, 0, rets); }
PTS_KERNEL(k_zeta_ss) { return binary_run(op, a->self, pts_tv(a->other), b_zeta, 0, rets); }

PTS_KERNEL(k_igamma) { return binary_run(op, pts_tv(a->self), pts_tv(a->other), b_igamma, 0, rets); }
PTS_KERNEL(k_igammac) { return binary_run(op, pts_tv(a->self), pts_tv(a->other), b_igamma, 1, rets); }

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_bessel[] = {
    PTS_OP("aten::special_ndtr(Tensor self) -> Tensor", k_ndtr),
    PTS_OP("aten::special_ndtri(Tensor self) -> Tensor", k_ndtri),
    PTS_OP("aten::special_log_ndtr(Tensor self) -> Tensor", k_log_ndtr),
    PTS_OP("aten::special_erfcx(Tensor self) -> Tensor", k_erfcx),
    PTS_OP("aten::special_entr(Tensor self) -> Tensor", k_entr),
    PTS_OP("aten::special_i0e(Tensor self) -> Tensor", k_i0e),
    PTS_OP("aten::special_i1(Tensor self) -> Tensor", k_i1),
    PTS_OP("aten::special_i1e(Tensor self) -> Tensor", k_i1e),
    PTS_OP("aten::special_modified_bessel_i0(Tensor self) -> Tensor", k_mod_i0),
    PTS_OP("aten::special_modified_bessel_i1(Tensor self) -> Tensor", k_mod_i1),
    PTS_OP("aten::special_modified_bessel_k0(Tensor self) -> Tensor", k_k0),
    PTS_OP("aten::special_modified_bessel_k1(Tensor self) -> Tensor", k_k1),
    PTS_OP("aten::special_scaled_modified_bessel_k0(Tensor x) -> Tensor", k_k0e),
    PTS_OP("aten::special_scaled_modified_bessel_k1(Tensor x) -> Tensor", k_k1e),
    PTS_OP("aten::special_bessel_j0(Tensor self) -> Tensor", k_j0),
    PTS_OP("aten::special_bessel_j1(Tensor self) -> Tensor", k_j1),
    PTS_OP("aten::special_bessel_y0(Tensor self) -> Tensor", k_y0),
    PTS_OP("aten::special_bessel_y1(Tensor self) -> Tensor", k_y1),
    PTS_OP("aten::special_spherical_bessel_j0(Tensor x) -> Tensor", k_sj0),
    PTS_OP("aten::special_airy_ai(Tensor x) -> Tensor", k_airy),
    PTS_OP("aten::special_chebyshev_polynomial_t(Tensor x, Tensor n) -> Tensor", k_cheb_t),
    PTS_OP("aten::special_chebyshev_polynomial_t.x_scalar(Scalar x, Tensor n) -> Tensor", k_cheb_t_xs),
    PTS_OP("aten::special_chebyshev_polynomial_t.n_scalar(Tensor x, Scalar n) -> Tensor", k_cheb_t_ns),
    PTS_OP("aten::special_chebyshev_polynomial_u(Tensor x, Tensor n) -> Tensor", k_cheb_u),
    PTS_OP("aten::special_chebyshev_polynomial_u.x_scalar(Scalar x, Tensor n) -> Tensor", k_cheb_u_xs),
    PTS_OP("aten::special_chebyshev_polynomial_u.n_scalar(Tensor x, Scalar n) -> Tensor", k_cheb_u_ns),
    PTS_OP("aten::special_chebyshev_polynomial_v(Tensor x, Tensor n) -> Tensor", k_cheb_v),
    PTS_OP("aten::special_chebyshev_polynomial_v.x_scalar(Scalar x, Tensor n) -> Tensor", k_cheb_v_xs),
    PTS_OP("aten::special_chebyshev_polynomial_v.n_scalar(Tensor x, Scalar n) -> Tensor", k_cheb_v_ns),
    PTS_OP("aten::special_chebyshev_polynomial_w(Tensor x, Tensor n) -> Tensor", k_cheb_w),
    PTS_OP("aten::special_chebyshev_polynomial_w.x_scalar(Scalar x, Tensor n) -> Tensor", k_cheb_w_xs),
    PTS_OP("aten::special_chebyshev_polynomial_w.n_scalar(Tensor x, Scalar n) -> Tensor", k_cheb_w_ns),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_t(Tensor x, Tensor n) -> Tensor", k_scheb_t),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_t.x_scalar(Scalar x, Tensor n) -> Tensor", k_scheb_t_xs),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_t.n_scalar(Tensor x, Scalar n) -> Tensor", k_scheb_t_ns),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_u(Tensor x, Tensor n) -> Tensor", k_scheb_u),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_u.x_scalar(Scalar x, Tensor n) -> Tensor", k_scheb_u_xs),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_u.n_scalar(Tensor x, Scalar n) -> Tensor", k_scheb_u_ns),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_v(Tensor x, Tensor n) -> Tensor", k_scheb_v),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_v.x_scalar(Scalar x, Tensor n) -> Tensor", k_scheb_v_xs),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_v.n_scalar(Tensor x, Scalar n) -> Tensor", k_scheb_v_ns),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_w(Tensor x, Tensor n) -> Tensor", k_scheb_w),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_w.x_scalar(Scalar x, Tensor n) -> Tensor", k_scheb_w_xs),
    PTS_OP("aten::special_shifted_chebyshev_polynomial_w.n_scalar(Tensor x, Scalar n) -> Tensor", k_scheb_w_ns),
    PTS_OP("aten::special_hermite_polynomial_h(Tensor x, Tensor n) -> Tensor", k_herm_h),
    PTS_OP("aten::special_hermite_polynomial_h.x_scalar(Scalar x, Tensor n) -> Tensor", k_herm_h_xs),
    PTS_OP("aten::special_hermite_polynomial_h.n_scalar(Tensor x, Scalar n) -> Tensor", k_herm_h_ns),
    PTS_OP("aten::special_hermite_polynomial_he(Tensor x, Tensor n) -> Tensor", k_herm_he),
    PTS_OP("aten::special_hermite_polynomial_he.x_scalar(Scalar x, Tensor n) -> Tensor", k_herm_he_xs),
    PTS_OP("aten::special_hermite_polynomial_he.n_scalar(Tensor x, Scalar n) -> Tensor", k_herm_he_ns),
    PTS_OP("aten::special_laguerre_polynomial_l(Tensor x, Tensor n) -> Tensor", k_lag_l),
    PTS_OP("aten::special_laguerre_polynomial_l.x_scalar(Scalar x, Tensor n) -> Tensor", k_lag_l_xs),
    PTS_OP("aten::special_laguerre_polynomial_l.n_scalar(Tensor x, Scalar n) -> Tensor", k_lag_l_ns),
    PTS_OP("aten::special_legendre_polynomial_p(Tensor x, Tensor n) -> Tensor", k_leg_p),
    PTS_OP("aten::special_legendre_polynomial_p.x_scalar(Scalar x, Tensor n) -> Tensor", k_leg_p_xs),
    PTS_OP("aten::special_legendre_polynomial_p.n_scalar(Tensor x, Scalar n) -> Tensor", k_leg_p_ns),
    PTS_OP("aten::special_zeta(Tensor self, Tensor other) -> Tensor", k_zeta),
    PTS_OP("aten::special_zeta.other_scalar(Tensor self, Scalar other) -> Tensor", k_zeta_os),
    PTS_OP("aten::special_zeta.self_scalar(Scalar self, Tensor other) -> Tensor", k_zeta_ss),
    PTS_OP("aten::igamma(Tensor self, Tensor other) -> Tensor", k_igamma),
    PTS_OP("aten::igammac(Tensor self, Tensor other) -> Tensor", k_igammac),
    PTS_OP("aten::special_gammainc(Tensor self, Tensor other) -> Tensor", k_igamma),
    PTS_OP("aten::special_gammaincc(Tensor self, Tensor other) -> Tensor", k_igammac),
    {NULL, NULL},
};
