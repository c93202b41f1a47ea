/* special.c - the special functions: i0, lgamma (special_gammaln), digamma
 * (special_psi), polygamma, erfinv, mvlgamma (special_multigammaln) and
 * their in-place and special_* forms.  The scalar functions follow torch's
 * own algorithms where the result depends on them (digamma, polygamma via
 * the Hurwitz zeta, erfinv); they run through the unary driver of
 * pointwise/math.c (pointwise/unary.h): computed in double, converted once.
 */
#include <float.h>

#include "ops/kernel.h"
#include "ops/pointwise/unary.h"
#include "ops/special/zeta.h"

#define PI 3.14159265358979323846

/* ---- the scalar functions ------------------------------------------------------------------ */

/* digamma as torch's calc_digamma (reflection below 0, recurrence, asymptotic series) */
static double digamma_d(double x)
{
    if (x == 0)
        return copysign(INFINITY, -x);
    if (x < 0) {
        if (x == trunc(x))
            return NAN;
        double q, r = modf(x, &q);
        return digamma_d(1 - x) - PI / tan(PI * r);
    }
    double result = 0;
    while (x < 10) {
        result -= 1 / x;
        x += 1;
    }
    if (x == 10)
        return result + 2.25175258906672110764;
    static const double A[] = {8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                               -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                               8.33333333333333333333E-2};
    double y = 0;
    if (x < 1.0e17) {
        double z = 1 / (x * x), p = 0;
        for (int i = 0; i < 7; i++)
            p = p * z + A[i];
        y = z * p;
    }
    return result + log(x) - 0.5 / x - y;
}

/* the same in float arithmetic (the reflection term in double), as torch's calc_digamma(float) runs it for
 * float32 / float16 results: near the poles float and double recursions differ beyond float tolerance */
static float digamma_f(float x)
{
    if (x == 0)
        return copysignf(INFINITY, -x);
    if (x < 0) {
        if (x == truncf(x))
            return NAN;
        double q, r = modf(x, &q);
        float pi_over_tan = (float)(PI / tan(PI * r)); /* torch keeps this term in double */
        return digamma_f(1 - x) - pi_over_tan;
    }
    float result = 0;
    while (x < 10) {
        result -= 1 / x;
        x += 1;
    }
    if (x == 10)
        return result + 2.25175258906672110764f;
    static const float A[] = {8.33333333333333333333E-2f, -2.10927960927960927961E-2f, 7.57575757575757575758E-3f,
                              -4.16666666666666666667E-3f, 3.96825396825396825397E-3f, -8.33333333333333333333E-3f,
                              8.33333333333333333333E-2f};
    float y = 0;
    if (x < 1.0e17f) {
        float z = 1 / (x * x), p = 0;
        for (int i = 0; i < 7; i++)
            p = p * z + A[i];
        y = z * p;
    }
    return result + logf(x) - 0.5f / x - y;
}

/* Hurwitz zeta(x, q), Cephes' algorithm (as torch's zeta) */
static double zeta_d(double x, double q)
{
    static const double A[] = {12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
                               7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
                               -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18};
    if (x == 1)
        return INFINITY;
    if (x < 1)
        return NAN;
    if (q <= 0) {
        if (q == floor(q))
            return INFINITY;
        if (x != floor(x))
            return NAN;
    }
    double s = pow(q, -x), a = q, b = 0;
    int i = 0;
    while (i < 9 || a <= 9) {
        i += 1;
        a += 1;
        b = pow(a, -x);
        s += b;
        if (fabs(b / s) < DBL_EPSILON)
            return s;
    }
    double w = a;
    s += b * w / (x - 1);
    s -= 0.5 * b;
    a = 1;
    double k = 0;
    for (int j = 0; j < 12; j++) {
        a *= x + k;
        b /= w;
        double t = a * b / A[j];
        s += t;
        if (fabs(t / s) < DBL_EPSILON)
            return s;
        k += 1;
        a *= x + k;
        b /= w;
        k += 1;
    }
    return s;
}

double pts_special_zeta(double x, double q) { return zeta_d(x, q); }

static double trigamma_d(double x)
{
    double sign = 1, result = 0;
    if (x < 0.5) {
        sign = -1;
        double s = sin(PI * x);
        result -= (PI * PI) / (s * s);
        x = 1 - x;
    }
    for (int i = 0; i < 6; i++) {
        result += 1 / (x * x);
        x += 1;
    }
    const double ixx = 1 / (x * x);
    result += (1 + 1 / (2 * x) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / x;
    return sign * result;
}

/* the same in float arithmetic, as torch's trigamma(float) runs it for float32 results: near the
 * poles the float sin(pi x) carries most of torch's error (beyond float32 tolerance of the exact value) */
static float trigamma_f(float x)
{
    const float pi = 3.14159265358979323846f;
    float sign = 1, result = 0;
    if (x < 0.5f) {
        sign = -1;
        float s = sinf(pi * x);
        result -= (pi * pi) / (s * s);
        x = 1 - x;
    }
    for (int i = 0; i < 6; i++) {
        result += 1 / (x * x);
        x += 1;
    }
    const float ixx = 1 / (x * x);
    result += (1 + 1 / (2 * x) + ixx * (1.f / 6 - ixx * (1.f / 30 - ixx * (1.f / 42)))) / x;
    return sign * result;
}

static double f_trigamma_f(double a, double p) { (void)p; return trigamma_f((float)a); }

static double polygamma_d(double x, double n)
{
    if (n == 0)
        return digamma_d(x);
    if (n == 1)
        return trigamma_d(x);
    double fact = exp(lgamma(n + 1));
    return ((((int64_t)n) & 1) ? 1 : -1) * fact * zeta_d(n + 1, x);
}

/* modified Bessel function I0: the power series (positive terms, no cancellation) */
static double i0_d(double x)
{
    x = fabs(x);
    if (isnan(x) || isinf(x)) /* torch's Chebyshev form gives inf / inf */
        return NAN;
    if (x > 713)
        return INFINITY;
    double q = x * x / 4, term = 1, sum = 1;
    for (int k = 1; k < 2000; k++) {
        term *= q / ((double)k * (double)k);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum;
}

/* erfinv: Giles' single-precision approximation refined by Newton steps */
static double erfinv_d(double y)
{
    if (isnan(y) || y < -1 || y > 1)
        return NAN;
    if (y == 1)
        return INFINITY;
    if (y == -1)
        return -INFINITY;
    double w = -log((1 - y) * (1 + y)), p;
    if (w < 5) {
        w -= 2.5;
        p = 2.81022636e-08;
        p = 3.43273939e-07 + p * w;
        p = -3.5233877e-06 + p * w;
        p = -4.39150654e-06 + p * w;
        p = 0.00021858087 + p * w;
        p = -0.00125372503 + p * w;
        p = -0.00417768164 + p * w;
        p = 0.246640727 + p * w;
        p = 1.50140941 + p * w;
    } else {
        w = sqrt(w) - 3;
        p = -0.000200214257;
        p = 0.000100950558 + p * w;
        p = 0.00134934322 + p * w;
        p = -0.00367342844 + p * w;
        p = 0.00573950773 + p * w;
        p = -0.0076224613 + p * w;
        p = 0.00943887047 + p * w;
        p = 1.00167406 + p * w;
        p = 2.83297682 + p * w;
    }
    double x = p * y;
    for (int i = 0; i < 3; i++) {
        double err = erf(x) - y;
        double d = 2 / sqrt(PI) * exp(-x * x);
        if (d == 0)
            break;
        x -= err / d;
    }
    return x;
}

static double f_i0(double a, double p) { (void)p; return i0_d(a); }
static double f_lgamma(double a, double p) { (void)p; return lgamma(a); }
static double f_digamma(double a, double p) { (void)p; return digamma_d(a); }
static double f_digamma_f(double a, double p) { (void)p; return digamma_f((float)a); }
static double f_polygamma(double a, double n) { return polygamma_d(a, n); }
static double f_erfinv(double a, double p) { (void)p; return erfinv_d(a); }
static double f_mvlgamma(double a, double p)
{
    double r = p * (p - 1) / 4 * log(PI);
    for (int64_t j = 0; j < (int64_t)p; j++)
        r += lgamma(a - (double)j / 2);
    return r;
}

/* ---- the kernels --------------------------------------------------------------------------- */

PTS_KERNEL(k_i0) { return pts_unary_run(op, a->self, rets, f_i0, 0, U_FLOAT); }
PTS_KERNEL(k_lgamma) { return pts_unary_run(op, a->self, rets, f_lgamma, 0, U_FLOAT); }

PTS_KERNEL(k_digamma)
{
    pts_tensor *t = a->self;
    bool dbl = t->dtype == PTS_FLOAT64;
    return pts_unary_run(op, t, rets, dbl ? f_digamma : f_digamma_f, 0, U_FLOAT);
}

PTS_KERNEL(k_erfinv) { return pts_unary_run(op, a->self, rets, f_erfinv, 0, U_FLOAT); }

/* polygamma(int n, Tensor self) and polygamma_(Tensor(a!) self, int n) */
static pts_status polygamma_run(const pts_op *op, int64_t n, pts_tensor *t, pts_value *rets)
{
    if (n < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: polygamma(n, x) does not support negative n.", OPN);
    if (n == 0 && t->dtype != PTS_FLOAT64)
        return pts_unary_run(op, t, rets, f_digamma_f, 0, U_FLOAT);
    if (n == 1 && t->dtype != PTS_FLOAT64)
        return pts_unary_run(op, t, rets, f_trigamma_f, 0, U_FLOAT);
    return pts_unary_run(op, t, rets, f_polygamma, (double)n, U_FLOAT);
}

PTS_KERNEL(k_polygamma) { return polygamma_run(op, a->n, a->self, rets); }
PTS_KERNEL(k_polygamma_) { return polygamma_run(op, a->n, a->self, rets); }

/* mvlgamma(self, p): the multivariate log-gamma (torch 2.x no longer checks the domain) */
PTS_KERNEL(k_mvlgamma)
{
    pts_tensor *t = a->self;
    int64_t p = a->p;
    if (p < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: p has to be greater than or equal to 1", OPN);
    return pts_unary_run(op, t, rets, f_mvlgamma, (double)p, U_FLOAT);
}

/* ---- the table ----------------------------------------------------------------------------- */

const pts_op_def pts_ops_special[] = {
    PTS_OP("aten::i0(Tensor self) -> Tensor", k_i0),
    PTS_OP("aten::i0_(Tensor(a!) self) -> Tensor(a!)", k_i0),
    PTS_OP("aten::special_i0(Tensor self) -> Tensor", k_i0),
    PTS_OP("aten::lgamma(Tensor self) -> Tensor", k_lgamma),
    PTS_OP("aten::lgamma_(Tensor(a!) self) -> Tensor(a!)", k_lgamma),
    PTS_OP("aten::special_gammaln(Tensor self) -> Tensor", k_lgamma),
    PTS_OP("aten::digamma(Tensor self) -> Tensor", k_digamma),
    PTS_OP("aten::digamma_(Tensor(a!) self) -> Tensor(a!)", k_digamma),
    PTS_OP("aten::special_digamma(Tensor self) -> Tensor", k_digamma),
    PTS_OP("aten::special_psi(Tensor self) -> Tensor", k_digamma),
    PTS_OP("aten::polygamma(int n, Tensor self) -> Tensor", k_polygamma),
    PTS_OP("aten::polygamma_(Tensor(a!) self, int n) -> Tensor(a!)", k_polygamma_),
    PTS_OP("aten::special_polygamma(int n, Tensor self) -> Tensor", k_polygamma),
    PTS_OP("aten::erfinv(Tensor self) -> Tensor", k_erfinv),
    PTS_OP("aten::erfinv_(Tensor(a!) self) -> Tensor(a!)", k_erfinv),
    PTS_OP("aten::special_erfinv(Tensor self) -> Tensor", k_erfinv),
    PTS_OP("aten::mvlgamma(Tensor self, int p) -> Tensor", k_mvlgamma),
    PTS_OP("aten::mvlgamma_(Tensor(a!) self, int p) -> Tensor(a!)", k_mvlgamma),
    PTS_OP("aten::special_multigammaln(Tensor self, int p) -> Tensor", k_mvlgamma),
    {NULL, NULL},
};
