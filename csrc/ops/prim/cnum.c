/* cnum.c - TorchScript's `complex` scalar: arithmetic (+ - * / **, ==, !=), cmath's functions,
 * complex(x, y) (aten::Complex), cmath.rect (aten::polar), phase, isnan/isinf/isfinite and the sum
 * of a complex list, registered with torch's complex overloads so that `a * b + cmath.sqrt(a)` on
 * complex numbers binds here and never to the real-number kernels of num.c.
 *
 * Numerics as torch computes them: c10::complex multiplies and divides itself (division follows
 * NumPy's scaled algorithm, below); the functions go through libstdc++'s std::complex, which calls
 * glibc's C99 complex functions (csqrt, cexp, clog, ...): the same calls are made here, so results
 * are bit-identical.  pow(z, real) and pow(real, z) follow libstdc++'s own overloads. */
#include <complex.h>
#include <math.h>

#include "ops/kernel.h"
#include "ops/prim/prim.h"
#include "tensor/cplx.h" /* CMPLX, cmul_cd / cdiv_cd: torch's product and quotient */

typedef double complex cplx;


static cplx C(pts_value v)
{
    if (v.tag == PTS_T_COMPLEX)
        return CMPLX(v.u.c[0], v.u.c[1]);
    return CMPLX(pts_arg_double(v), 0.0);
}

static pts_value V(cplx z) { return pts_complex(creal(z), cimag(z)); }

/* libstdc++'s std::polar(rho, theta) */
static cplx polar(double rho, double theta) { return CMPLX(rho * cos(theta), rho * sin(theta)); }

/* std::pow(complex, complex) -> cpow; std::pow(complex, real) and std::pow(real, complex) are
 * libstdc++'s templates. */
static cplx cpow_cc(cplx x, cplx y) { return cpow(x, y); }

static cplx cpow_cr(cplx x, double y)
{
    if (cimag(x) == 0 && creal(x) > 0)
        return CMPLX(pow(creal(x), y), 0.0);
    cplx t = clog(x);
    return polar(exp(y * creal(t)), y * cimag(t));
}

static cplx cpow_rc(double x, cplx y)
{
    if (x > 0)
        return polar(pow(x, creal(y)), cimag(y) * log(x));
    return cpow(CMPLX(x, 0.0), y);
}

static pts_status k_cadd(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = V(C(a[0]) + C(a[1]));
    return PTS_OK;
}

static pts_status k_csub(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = V(C(a[0]) - C(a[1]));
    return PTS_OK;
}

static pts_status k_cmul(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    /* a real operand multiplies both parts (c10::complex * scalar), not as a complex with 0i */
    if (a[0].tag != PTS_T_COMPLEX) {
        double s = pts_arg_double(a[0]);
        r[0] = pts_complex(s * a[1].u.c[0], s * a[1].u.c[1]);
    } else if (a[1].tag != PTS_T_COMPLEX) {
        double s = pts_arg_double(a[1]);
        r[0] = pts_complex(a[0].u.c[0] * s, a[0].u.c[1] * s);
    } else {
        r[0] = V(cmul_cd(C(a[0]), C(a[1])));
    }
    return PTS_OK;
}

static pts_status k_cdiv(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = V(cdiv_cd(C(a[0]), C(a[1])));
    return PTS_OK;
}

static pts_status k_cpow(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    if (a[0].tag == PTS_T_COMPLEX && a[1].tag == PTS_T_COMPLEX)
        r[0] = V(cpow_cc(C(a[0]), C(a[1])));
    else if (a[0].tag == PTS_T_COMPLEX)
        r[0] = V(cpow_cr(C(a[0]), pts_arg_double(a[1])));
    else
        r[0] = V(cpow_rc(pts_arg_double(a[0]), C(a[1])));
    return PTS_OK;
}

static pts_status k_ceq(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    cplx x = C(a[0]), y = C(a[1]);
    r[0] = pts_bool(creal(x) == creal(y) && cimag(x) == cimag(y));
    return PTS_OK;
}

static pts_status k_cne(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    cplx x = C(a[0]), y = C(a[1]);
    r[0] = pts_bool(!(creal(x) == creal(y) && cimag(x) == cimag(y)));
    return PTS_OK;
}

/* std::log10(complex) in libstdc++: log(z) / log(10.0) */
static cplx clog10_(cplx z)
{
    cplx l = clog(z);
    double d = log(10.0);
    return CMPLX(creal(l) / d, cimag(l) / d);
}

#define UNARY(name, f)                                                    \
    static pts_status name(const pts_op *op, pts_value *a, pts_value *r) \
    {                                                                     \
        (void)op;                                                         \
        r[0] = V(f(C(a[0])));                                             \
        return PTS_OK;                                                    \
    }
UNARY(k_csqrt, csqrt)
UNARY(k_cexp, cexp)
UNARY(k_clog, clog)
UNARY(k_clog10, clog10_)
UNARY(k_csin, csin)
UNARY(k_ccos, ccos)
UNARY(k_ctan, ctan)
UNARY(k_casin, casin)
UNARY(k_cacos, cacos)
UNARY(k_catan, catan)
UNARY(k_csinh, csinh)
UNARY(k_ccosh, ccosh)
UNARY(k_ctanh, ctanh)
UNARY(k_casinh, casinh)
UNARY(k_cacosh, cacosh)
UNARY(k_catanh, catanh)

/* math.log(x, base) with a complex on either side: log(x) / log(base) */
static pts_status k_clog_base(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    /* std::log(a) / std::log(b): a real side takes the real log, and complex / real divides
     * each part (c10::complex's operator/ by a scalar) */
    if (a[1].tag != PTS_T_COMPLEX) {
        cplx l = clog(C(a[0]));
        double d = log(pts_arg_double(a[1]));
        r[0] = pts_complex(creal(l) / d, cimag(l) / d);
    } else {
        cplx num = a[0].tag == PTS_T_COMPLEX ? clog(C(a[0])) : CMPLX(log(pts_arg_double(a[0])), 0.0);
        r[0] = V(cdiv_cd(num, clog(C(a[1]))));
    }
    return PTS_OK;
}

static pts_status k_cangle(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_float(carg(C(a[0])));
    return PTS_OK;
}

static pts_status k_cisnan(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isnan(a[0].u.c[0]) || isnan(a[0].u.c[1]));
    return PTS_OK;
}

static pts_status k_cisinf(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isinf(a[0].u.c[0]) || isinf(a[0].u.c[1]));
    return PTS_OK;
}

static pts_status k_cisfinite(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_bool(isfinite(a[0].u.c[0]) && isfinite(a[0].u.c[1]));
    return PTS_OK;
}

/* complex(x[, y]): a Scalar (or a complex) alone, or two real parts */
static pts_status k_Complex(const pts_op *op, pts_value *a, pts_value *r)
{
    if (op->schema.nargs == 1) {
        r[0] = V(C(a[0]));
        return PTS_OK;
    }
    r[0] = pts_complex(pts_arg_double(a[0]), pts_arg_double(a[1]));
    return PTS_OK;
}

static pts_status k_polar(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = V(polar(pts_arg_double(a[0]), pts_arg_double(a[1])));
    return PTS_OK;
}

static pts_status k_csum(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l = PTS_LIST(a[0]);
    cplx s = 0;
    for (int64_t i = 0; i < l->len; i++)
        s += C(l->items[i]);
    r[0] = V(s);
    return PTS_OK;
}

#define CBIN(name, k)                                                             \
    PTS_OP("aten::" name ".complex(complex a, complex b) -> complex", k),         \
    PTS_OP("aten::" name ".int_complex(int a, complex b) -> complex", k),         \
    PTS_OP("aten::" name ".complex_int(complex a, int b) -> complex", k),         \
    PTS_OP("aten::" name ".float_complex(float a, complex b) -> complex", k),     \
    PTS_OP("aten::" name ".complex_float(complex a, float b) -> complex", k)

#define CUN(name, k) PTS_OP("aten::" name ".complex(complex a) -> complex", k)

const pts_op_def pts_ops_cnum[] = {
    CBIN("add", k_cadd),
    CBIN("sub", k_csub),
    CBIN("mul", k_cmul),
    PTS_OP("aten::div.complex(complex a, complex b) -> complex", k_cdiv),
    PTS_OP("aten::pow.complex(complex a, complex b) -> complex", k_cpow),
    PTS_OP("aten::pow.float_complex(float a, complex b) -> complex", k_cpow),
    PTS_OP("aten::pow.complex_float(complex a, float b) -> complex", k_cpow),
    PTS_OP("aten::eq.complex(complex a, complex b) -> bool", k_ceq),
    PTS_OP("aten::eq.float_complex(float a, complex b) -> bool", k_ceq),
    PTS_OP("aten::eq.complex_float(complex a, float b) -> bool", k_ceq),
    PTS_OP("aten::ne.complex(complex a, complex b) -> bool", k_cne),
    PTS_OP("aten::ne.float_complex(float a, complex b) -> bool", k_cne),
    PTS_OP("aten::ne.complex_float(complex a, float b) -> bool", k_cne),
    CUN("sqrt", k_csqrt),
    CUN("exp", k_cexp),
    CUN("log", k_clog),
    CUN("log10", k_clog10),
    CUN("sin", k_csin),
    CUN("cos", k_ccos),
    CUN("tan", k_ctan),
    CUN("asin", k_casin),
    CUN("acos", k_cacos),
    CUN("atan", k_catan),
    CUN("sinh", k_csinh),
    CUN("cosh", k_ccosh),
    CUN("tanh", k_ctanh),
    CUN("asinh", k_casinh),
    CUN("acosh", k_cacosh),
    CUN("atanh", k_catanh),
    PTS_OP("aten::log.complex_complex(complex a, complex b) -> complex", k_clog_base),
    PTS_OP("aten::log.int_complex(int a, complex b) -> complex", k_clog_base),
    PTS_OP("aten::log.complex_int(complex a, int b) -> complex", k_clog_base),
    PTS_OP("aten::log.float_complex(float a, complex b) -> complex", k_clog_base),
    PTS_OP("aten::log.complex_float(complex a, float b) -> complex", k_clog_base),
    PTS_OP("aten::angle.complex(complex a) -> float", k_cangle),
    PTS_OP("aten::isnan.complex(complex a) -> bool", k_cisnan),
    PTS_OP("aten::isinf.complex(complex a) -> bool", k_cisinf),
    PTS_OP("aten::isfinite.complex(complex a) -> bool", k_cisfinite),
    PTS_OP("aten::Complex.Scalar(Scalar a) -> complex", k_Complex),
    PTS_OP("aten::Complex.int_bool(int x, bool y) -> complex", k_Complex),
    PTS_OP("aten::Complex.bool_int(bool x, int y) -> complex", k_Complex),
    PTS_OP("aten::Complex.float_bool(float x, bool y) -> complex", k_Complex),
    PTS_OP("aten::Complex.bool_float(bool x, float y) -> complex", k_Complex),
    PTS_OP("aten::Complex.float_int(float x, int y) -> complex", k_Complex),
    PTS_OP("aten::Complex.int_float(int x, float y) -> complex", k_Complex),
    PTS_OP("aten::Complex.int_int(int x, int y) -> complex", k_Complex),
    PTS_OP("aten::Complex.bool_bool(bool x, bool y) -> complex", k_Complex),
    PTS_OP("aten::Complex.float_float(float x, float y) -> complex", k_Complex),
    PTS_OP("aten::polar.int(int a, int b) -> complex", k_polar),
    PTS_OP("aten::polar.float(float a, float b) -> complex", k_polar),
    PTS_OP("aten::polar.int_float(int a, float b) -> complex", k_polar),
    PTS_OP("aten::polar.float_int(float a, int b) -> complex", k_polar),
    PTS_OP("aten::polar.Scalar_Scalar(Scalar a, Scalar b) -> Scalar", k_polar),
    PTS_OP("aten::sum.complex(complex[] self) -> complex", k_csum),
    {NULL, NULL},
};
