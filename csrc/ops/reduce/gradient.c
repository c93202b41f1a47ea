/* gradient.c - numerical derivatives and multi-dimensional histograms:
 * gradient (all seven overloads: spacing None / a Scalar / Scalar[] / Tensor[]
 * of coordinates, dim None / int / int[], edge_order 1 or 2) and histogramdd
 (its three overloads: int[] bins, int bins, Tensor[] bins;
 * TorchScript records these, not torch's _histogramdd_* primitives).
 *
 * gradient follows ATen's formulas (ReduceOps.cpp, gradient_helper_float and
 * gradient_helper): with a uniform spacing h the interior is
 * ((a[i+1] - a[i-1]) / h) / 2, the edges (a[1] - a[0]) / h (edge_order 1) or
 * (-1.5 a[0] + 2 a[1] - 0.5 a[2]) / h (edge_order 2); with coordinates the
 * second-order non-uniform stencils.  For a uniform spacing each step is
 * rounded in the result's precision as torch's tensor ops round it (float for
 * float32 / float16 / complex64 / integer inputs, double for float64), so
 * results agree to the bit in the common cases; with coordinates everything is
 * computed in double and rounded once.  Integer inputs give float32 (torch's
 * true division); complex inputs are differentiated part by part (the stencils
 * are real). */
#include <complex.h>

#include "ops/compose.h"
#include "ops/kernel.h"
#include "tensor/cplx.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* ---- gradient ------------------------------------------------------------------------------------ */

typedef struct grad_spec {
    int ndims;           /* dims to differentiate */
    int dims[PTS_MAX_DIMS];
    bool has_h;          /* uniform spacing per dim (else coordinates) */
    double h[PTS_MAX_DIMS];
    pts_tensor *coord[PTS_MAX_DIMS]; /* borrowed */
} grad_spec;

/* One rounding to the result's precision (rreal: its real dtype): every tensor op of torch's
 * formula rounds once; a double op followed by this rounding equals the float / half op (53 >=
 * 2p + 2 for p = 24, 11, 8). */
static double rnd(double v, int rreal)
{
    switch (rreal) {
    case PTS_FLOAT32:
        return (double)(float)v;
    case PTS_FLOAT16:
        return (double)pts_half_to_float(pts_float_to_half((float)v));
    case PTS_BFLOAT16:
        return (double)pts_bf16_to_float(pts_float_to_bf16((float)v));
    default:
        return v;
    }
}

typedef struct gz {
    double r, i;
} gz;

/* torch's complex ops with a real scalar s: s * z is the product (s + 0i) z and z / s the
 * quotient by (s + 0i), so an infinite part gives NaN in the other one (0 * inf), as in torch */
static inline gz g_sub(gz x, gz y, int rr) { return (gz){rnd(x.r - y.r, rr), rnd(x.i - y.i, rr)}; }
static inline gz g_add(gz x, gz y, int rr) { return (gz){rnd(x.r + y.r, rr), rnd(x.i + y.i, rr)}; }
static inline gz g_div(gz x, double s, bool cp, int rr)
{
    if (!cp)
        return (gz){rnd(x.r / s, rr), 0};
    return (gz){rnd(rnd(x.r / s, rr) + x.i * 0.0, rr), rnd(rnd(x.i / s, rr) - x.r * 0.0, rr)};
}
static inline gz g_mul(double s, gz x, bool cp, int rr)
{
    if (!cp)
        return (gz){rnd(s * x.r, rr), 0};
    return (gz){rnd(s * x.r - 0.0 * x.i, rr), rnd(s * x.i + 0.0 * x.r, rr)};
}

/* element j of the current line, read (AT) and written (PUT): both stencils below index their
 * line through the locals base / r (its first element in x / out), inner, w and cp */
#define AT(j) ((gz){base[(j) * inner * w], cp ? base[(j) * inner * w + 1] : 0})
#define PUT(j, v)                              \
    do {                                       \
        gz v_ = (v);                           \
        r[(j) * inner * w] = v_.r;             \
        if (cp)                                \
            r[(j) * inner * w + 1] = v_.i;     \
    } while (0)

/* x: the input as doubles [outer, n, inner] elements (complex: pairs, inner counts elements);
 * out likewise */
static void grad_uniform(const double *x, double *out, int64_t outer, int64_t n, int64_t inner, double h, int edge,
                         bool cp, int rr)
{
    int w = cp ? 2 : 1;
    if (rr != PTS_FLOAT64)
        h = (double)(float)h; /* the scalar in torch's op math (float for float32 / half) */
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < inner; k++) {
            const double *base = x + (o * n * inner + k) * w;
            double *r = out + (o * n * inner + k) * w;
            for (int64_t i = 1; i + 1 < n; i++)
                PUT(i, g_div(g_div(g_sub(AT(i + 1), AT(i - 1), rr), h, cp, rr), 2.0, cp, rr));
            if (edge == 1) {
                PUT(0, g_div(g_sub(AT(1), AT(0), rr), h, cp, rr));
                PUT(n - 1, g_div(g_sub(AT(n - 1), AT(n - 2), rr), h, cp, rr));
            } else {
                gz t = g_add(g_mul(-1.5, AT(0), cp, rr), g_mul(2.0, AT(1), cp, rr), rr);
                PUT(0, g_div(g_sub(t, g_mul(0.5, AT(2), cp, rr), rr), h, cp, rr));
                gz u = g_sub(g_mul(0.5, AT(n - 3), cp, rr), g_mul(2.0, AT(n - 2), cp, rr), rr);
                PUT(n - 1, g_div(g_add(u, g_mul(1.5, AT(n - 1), cp, rr), rr), h, cp, rr));
            }
        }
}

/* non-uniform: c[0..n) the coordinates (as double).  torch computes the stencil coefficients as
 * tensor ops on the coordinates (rounded in rc: their float dtype, or exact integers and one
 * rounding to float32 at the division), then combines them with the input in the result's
 * precision rr; its edges are computed with 0-dim coordinate tensors, in re (the input's own
 * float precision), and cast to the result's dtype by the final cat. */
static void grad_coords(const double *x, double *out, int64_t outer, int64_t n, int64_t inner, const double *c, int edge,
                        bool cp, int rr, int rc, int re)
{
    int w = cp ? 2 : 1;
    bool ic = rc < 0; /* integer coordinates: exact until the division */
    int rq = ic ? PTS_FLOAT32 : rc;
#define R(v) (ic ? (v) : rnd((v), rc))
#define Q(num, den) rnd((num) / (den), rq)
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < inner; k++) {
            const double *base = x + (o * n * inner + k) * w;
            double *r = out + (o * n * inner + k) * w;
            for (int64_t i = 1; i + 1 < n; i++) {
                double d1 = R(c[i] - c[i - 1]), d2 = R(c[i + 1] - c[i]);
                double ca = Q(-d2, R(d1 * R(d1 + d2))), cb = Q(R(d2 - d1), R(d1 * d2)), cc = Q(d1, R(d2 * R(d1 + d2)));
                gz t = g_add(g_mul(ca, AT(i - 1), cp, rr), g_mul(cb, AT(i), cp, rr), rr);
                PUT(i, g_add(t, g_mul(cc, AT(i + 1), cp, rr), rr));
            }
            double f0 = R(c[1] - c[0]), f1 = n >= 3 ? R(c[2] - c[1]) : 0;
            double l0 = R(c[n - 1] - c[n - 2]), l1 = n >= 3 ? R(c[n - 2] - c[n - 3]) : 0;
            if (edge == 1) {
                /* the 0-dim coordinate steps enter the op as scalars of its math type */
                PUT(0, g_div(g_sub(AT(1), AT(0), re), rnd(f0, re), cp, re));
                PUT(n - 1, g_div(g_sub(AT(n - 1), AT(n - 2), re), rnd(l0, re), cp, re));
            } else {
                /* 2.0 * (0-dim tensor): a Python float with an integer tensor gives float32 */
                int rk = ic ? PTS_FLOAT32 : rc;
                double ca = -rnd(rnd(2.0 * f0, rk) + f1, rk) / rnd(f0 * rnd(f0 + f1, rk), rk);
                double cb = rnd(f0 + f1, rk) / rnd(f0 * f1, rk), cc = -f0 / rnd(f1 * rnd(f0 + f1, rk), rk);
                ca = rnd(rnd(ca, rk), re), cb = rnd(rnd(cb, rk), re), cc = rnd(rnd(cc, rk), re);
                gz t = g_add(g_mul(ca, AT(0), cp, re), g_mul(cb, AT(1), cp, re), re);
                PUT(0, g_add(t, g_mul(cc, AT(2), cp, re), re));
                ca = rnd(l0 / rnd(l1 * rnd(l0 + l1, rk), rk), rk);
                cb = rnd(-rnd(l0 + l1, rk) / rnd(l0 * l1, rk), rk);
                cc = rnd(rnd(rnd(2 * l0, rk) + l1, rk) / rnd(l0 * rnd(l0 + l1, rk), rk), rk);
                ca = rnd(ca, re), cb = rnd(cb, re), cc = rnd(cc, re);
                t = g_add(g_mul(ca, AT(n - 3), cp, re), g_mul(cb, AT(n - 2), cp, re), re);
                PUT(n - 1, g_add(t, g_mul(cc, AT(n - 1), cp, re), re));
            }
        }
#undef R
#undef Q
#undef AT
#undef PUT
}

/* complex coordinates: the same stencils in complex arithmetic; the coefficients are rounded
 * after each op to the coordinates' precision (f32: complex64), as torch computes them on the
 * coordinate tensors; the combination with the input is rounded once at the end */
static inline double complex rz(double complex z, bool f32)
{
    return f32 ? CMPLX((double)(float)creal(z), (double)(float)cimag(z)) : z;
}

static void grad_coords_c(const double complex *x, double complex *out, int64_t outer, int64_t n, int64_t inner,
                          const double complex *c, int edge, bool f32)
{
#define Z(v) rz((v), f32)
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < inner; k++) {
            const double complex *a = x + o * n * inner + k;
            double complex *r = out + o * n * inner + k;
            for (int64_t i = 1; i + 1 < n; i++) {
                double complex d1 = Z(c[i] - c[i - 1]), d2 = Z(c[i + 1] - c[i]), s = Z(d1 + d2);
                double complex ca = Z(-d2 / Z(d1 * s)), cb = Z(Z(d2 - d1) / Z(d1 * d2)), cc = Z(d1 / Z(d2 * s));
                r[i * inner] = ca * a[(i - 1) * inner] + cb * a[i * inner] + cc * a[(i + 1) * inner];
            }
            double complex f0 = Z(c[1] - c[0]), f1 = n >= 3 ? Z(c[2] - c[1]) : 0;
            double complex l0 = Z(c[n - 1] - c[n - 2]), l1 = n >= 3 ? Z(c[n - 2] - c[n - 3]) : 0;
            if (edge == 1) {
                r[0] = (a[inner] - a[0]) / f0;
                r[(n - 1) * inner] = (a[(n - 1) * inner] - a[(n - 2) * inner]) / l0;
            } else {
                double complex s = Z(f0 + f1);
                double complex ca = Z(-Z(Z(2.0 * f0) + f1) / Z(f0 * s)), cb = Z(s / Z(f0 * f1));
                double complex cc = Z(-f0 / Z(f1 * s));
                r[0] = ca * a[0] + cb * a[inner] + cc * a[2 * inner];
                s = Z(l0 + l1);
                ca = Z(l0 / Z(l1 * s));
                cb = Z(-s / Z(l0 * l1));
                cc = Z(Z(Z(2.0 * l0) + l1) / Z(l0 * s));
                r[(n - 1) * inner] = ca * a[(n - 3) * inner] + cb * a[(n - 2) * inner] + cc * a[(n - 1) * inner];
            }
        }
#undef Z
}

/* torch's pre_check_gradient plus the dims: spacing_len -1 when not a list */
static pts_status grad_setup(const pts_tensor *t, int64_t spacing_len, pts_value dimv, int64_t edge, grad_spec *g)
{
    const char *opn = "torch.gradient";
    if (t->dtype == PTS_UINT8)
        return pts_err_set(PTS_ERR_TYPE, "%s does not support uint8 input.", opn);
    if (t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "Subtraction, the `-` operator, with two bool tensors is not supported. Use "
                                         "the `^` or `logical_xor()` operator instead.");
    bool has_dim = dimv.tag != PTS_T_NONE;
    int nd = t->ndim;
    if (!has_dim) {
        g->ndims = nd;
        for (int i = 0; i < nd; i++)
            g->dims[i] = i;
    } else if (dimv.tag == PTS_T_INT) {
        g->ndims = 1;
        PTS_TRY(pts_wrap_dim(dimv.u.i, nd, opn, &g->dims[0]));
    } else {
        int64_t raw[PTS_MAX_DIMS];
        int n = 0;
        PTS_TRY(pts_arg_int_list(dimv, raw, PTS_MAX_DIMS, &n, 0, "dim"));
        g->ndims = n;
        bool seen[PTS_MAX_DIMS] = {false};
        for (int i = 0; i < n; i++) {
            PTS_TRY(pts_wrap_dim(raw[i], nd, opn, &g->dims[i]));
            if (seen[g->dims[i]])
                return pts_err_set(PTS_ERR_VALUE, "dim %d appears multiple times in the list of dims", g->dims[i]);
            seen[g->dims[i]] = true;
        }
    }
    if (spacing_len >= 0 && !has_dim && spacing_len != nd)
        return pts_err_set(PTS_ERR_VALUE,
                           "%s expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() "
                           "= %d', since dim argument was not given, but got a list of length %lld",
                           opn, nd, (long long)spacing_len);
    if (spacing_len >= 0 && has_dim && spacing_len != g->ndims)
        return pts_err_set(PTS_ERR_VALUE,
                           "%s expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have "
                           "the same length, but got a spacing argument of length %lld and a dim argument of length "
                           "%d.",
                           opn, (long long)spacing_len, g->ndims);
    if (edge != 1 && edge != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s only supports edge_order=1 and edge_order=2.", opn);
    for (int i = 0; i < g->ndims; i++)
        if (t->sizes[g->dims[i]] < edge + 1)
            return pts_err_set(PTS_ERR_VALUE, "%s expected each dimension size to be at least edge_order+1", opn);
    return PTS_OK;
}

static pts_status grad_run(const pts_op *op, const pts_tensor *t, grad_spec *g, int64_t edge, pts_value *rets)
{
    int dt = t->dtype;
    bool cin = pts_dtype_is_complex(dt), ccoord = false;
    if (!g->has_h)
        for (int i = 0; i < g->ndims; i++)
            ccoord |= pts_dtype_is_complex(g->coord[i]->dtype);
    bool cplx = cin || ccoord; /* computed on complex numbers */
    int rd = pts_is_float(dt) || cin ? dt : PTS_FLOAT32;
    if (!g->has_h)
        for (int i = 0; i < g->ndims; i++) {
            int cd = g->coord[i]->dtype;
            rd = pts_promote_types(rd, pts_is_float(cd) || pts_dtype_is_complex(cd) ? cd : rd);
        }
    int rreal = pts_dtype_real(rd);
    /* the input as a contiguous double buffer (complex: interleaved parts) */
    pts_tensor *x = pts_tensor_to_dtype(t, cplx ? PTS_COMPLEX128 : PTS_FLOAT64);
    if (!x)
        return pts_err_last();
    int64_t numel = pts_tensor_numel(t) * (cplx ? 2 : 1);
    pts_list *l = pts_tensor_list_new(g->ndims);
    pts_status st = l ? PTS_OK : pts_err_last();
    for (int i = 0; !st && i < g->ndims; i++) {
        int d = g->dims[i];
        int64_t n = t->sizes[d], outer = 1, inner = cplx ? 2 : 1;
        for (int k = 0; k < d; k++)
            outer *= t->sizes[k];
        for (int k = d + 1; k < t->ndim; k++)
            inner *= t->sizes[k];
        pts_tensor *r = pts_tensor_empty(cplx ? PTS_COMPLEX128 : PTS_FLOAT64, t->ndim, t->sizes);
        if (!r) {
            st = pts_err_last();
            break;
        }
        if (numel > 0) {
            if (g->has_h) {
                grad_uniform(pts_tensor_data(x), pts_tensor_data(r), outer, n, inner / (cplx ? 2 : 1), g->h[i], (int)edge,
                             cplx, rreal);
            } else {
                pts_tensor *c = g->coord[i];
                if (c->ndim != 1) {
                    release(r);
                    st = pts_err_set(PTS_ERR_VALUE,
                                     "torch.gradient expected each element of spacing to have one dimension, but got an "
                                     "element with %d dimensions!",
                                     c->ndim);
                    break;
                }
                if (c->sizes[0] != n) {
                    release(r);
                    st = pts_err_set(PTS_ERR_VALUE,
                                     "%s: the coordinates of dim %d have %lld elements, the dimension has size %lld",
                                     OPN, d, (long long)c->sizes[0], (long long)n);
                    break;
                }
                pts_tensor *cc = pts_tensor_to_dtype(c, ccoord ? PTS_COMPLEX128 : PTS_FLOAT64);
                if (!cc) {
                    release(r);
                    st = pts_err_last();
                    break;
                }
                int creal = pts_is_float(c->dtype) ? c->dtype : -1;
                /* the edges' precision: the input's float dtype, else the 0-dim coordinates' */
                int ereal = pts_is_float(pts_dtype_real(dt)) ? pts_dtype_real(dt) : creal < 0 ? PTS_FLOAT32 : creal;
                if (ccoord)
                    grad_coords_c(pts_tensor_data(x), pts_tensor_data(r), outer, n, inner / 2, pts_tensor_data(cc),
                                  (int)edge, c->dtype != PTS_COMPLEX128);
                else
                    grad_coords(pts_tensor_data(x), pts_tensor_data(r), outer, n, inner / (cplx ? 2 : 1),
                                pts_tensor_data(cc), (int)edge, cplx, rreal, creal, ereal);
                release(cc);
            }
        }
        pts_tensor *o = pts_tensor_to_dtype(r, rd);
        release(r);
        st = o ? pts_list_append(l, pts_obj_value(&o->hdr)) : pts_err_last();
    }
    release(x);
    if (st) {
        if (l)
            pts_obj_release(&l->hdr);
        return st;
    }
    rets[0] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* a Scalar spacing: ints and floats (a complex spacing is refused) */
static pts_status scalar_h(pts_value v, double *h)
{
    if (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL || v.tag == PTS_T_FLOAT) {
        *h = pts_arg_double(v);
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_TYPE, "torch.gradient: a complex spacing is not supported");
}

static pts_status grad_scalar(const pts_op *op, const pts_tensor *t, pts_value spacing, pts_value dimv, int64_t edge,
                              pts_value *rets)
{
    grad_spec g;
    memset(&g, 0, sizeof g);
    PTS_TRY(grad_setup(t, -1, dimv, edge, &g));
    g.has_h = true;
    double h = 1.0;
    if (spacing.tag != PTS_T_NONE)
        PTS_TRY(scalar_h(spacing, &h));
    for (int i = 0; i < g.ndims; i++)
        g.h[i] = h;
    return grad_run(op, t, &g, edge, rets);
}

static pts_status grad_list(const pts_op *op, const pts_tensor *t, pts_value spacing, pts_value dimv, int64_t edge,
                            bool tensors, pts_value *rets)
{
    grad_spec g;
    memset(&g, 0, sizeof g);
    int64_t n = pts_list_len(spacing);
    PTS_TRY(grad_setup(t, n, dimv, edge, &g));
    g.has_h = !tensors;
    for (int i = 0; i < g.ndims; i++) {
        if (tensors) {
            g.coord[i] = pts_list_tensor(spacing, i);
        } else {
            pts_value v = spacing.tag == PTS_T_LIST ? PTS_LIST(spacing)->items[i] : PTS_TUPLE(spacing)->items[i];
            PTS_TRY(scalar_h(v, &g.h[i]));
        }
    }
    return grad_run(op, t, &g, edge, rets);
}

/* int? dim as the value grad_setup reads (None or an int) */
static pts_value opt_dim(bool has, int64_t d) { return has ? pts_int(d) : pts_none(); }

PTS_KERNEL(k_gradient_scalarint)
{
    return grad_scalar(op, a->self, a->spacing, opt_dim(a->has_dim, a->dim), a->edge_order, rets);
}
PTS_KERNEL(k_gradient_scalararray) { return grad_scalar(op, a->self, a->spacing, a->dim, a->edge_order, rets); }
PTS_KERNEL(k_gradient_array) { return grad_scalar(op, a->self, pts_none(), a->dim, a->edge_order, rets); }
PTS_KERNEL(k_gradient_scalarrayint)
{
    return grad_list(op, a->self, a->spacing, opt_dim(a->has_dim, a->dim), a->edge_order, false, rets);
}
PTS_KERNEL(k_gradient_scalarrayarray) { return grad_list(op, a->self, a->spacing, a->dim, a->edge_order, false, rets); }
PTS_KERNEL(k_gradient_tensorarrayint)
{
    return grad_list(op, a->self, a->spacing, opt_dim(a->has_dim, a->dim), a->edge_order, true, rets);
}
PTS_KERNEL(k_gradient_tensorarray) { return grad_list(op, a->self, a->spacing, a->dim, a->edge_order, true, rets); }


/* ---- histogramdd ------------------------------------------------------------------------------------ *
 * As ATen (HistogramKernel.cpp): the input is viewed as [N, D]; with bin counts the edges are
 * linspace(min, max, count + 1) in the input's dtype (the range, or each dim's min/max, an
 * empty range widened by 0.5 either side) and each element's bin comes from a division refined
 * by a local upper_bound; with bin tensors, by upper_bound over the given edges (libstdc++'s
 * binary search, so unsorted edges give torch's bins too).  An element outside
 * [edges[0], edges[last]] or NaN is skipped; the last bin includes its right edge.
 * Counts accumulate in the input's dtype; density divides by the total and each bin length. */

/* std::upper_bound (libstdc++): first index in [lo, hi) whose edge is > v */
static int64_t upper_bound_d(const double *e, int64_t lo, int64_t hi, double v)
{
    int64_t len = hi - lo, first = lo;
    while (len > 0) {
        int64_t half = len >> 1, mid = first + half;
        if (v < e[mid]) {
            len = half;
        } else {
            first = mid + 1;
            len = len - half - 1;
        }
    }
    return first;
}

static pts_status hdd_run(const pts_op *op, pts_tensor *self, int D, const int64_t *counts, pts_tensor **given,
                          pts_value range, pts_tensor *weight, bool density, pts_value *rets)
{
    const char *api = "torch.histogramdd";
    int dt = self->dtype;
    if (self->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: input tensor should have at least 2 dimensions", api);
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE, "\"histogramdd\" not implemented for '%s'", pts_dtype_torch_name(dt));
    int64_t Dn = self->sizes[self->ndim - 1];
    if (D != Dn)
        return pts_err_set(PTS_ERR_VALUE, "histogramdd: The size of bins must be equal to the innermost dimension of "
                                          "the input.");
    if (D > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: at most %d dimensions", api, PTS_MAX_DIMS);
    int64_t N = Dn ? pts_tensor_numel(self) / Dn : 0;
    if (!Dn) {
        N = 1;
        for (int i = 0; i < self->ndim - 1; i++)
            N *= self->sizes[i];
    }
    if (weight) {
        bool same = weight->ndim == self->ndim - 1;
        for (int i = 0; same && i < weight->ndim; i++)
            same = weight->sizes[i] == self->sizes[i];
        if (!same) {
            char a[128], b[128];
            pts_shape_str(self->ndim, self->sizes, a, sizeof a);
            pts_shape_str(weight->ndim, weight->sizes, b, sizeof b);
            return pts_err_set(PTS_ERR_VALUE, "%s: if weight tensor is provided it should have the same shape as the "
                               "input tensor excluding its innermost dimension, but got input with shape %s and weight "
                               "with shape %s", api, a, b);
        }
        if (weight->dtype != dt)
            return pts_err_set(PTS_ERR_TYPE, "%s: if weight tensor is provided, input tensor and weight tensor should "
                               "have the same dtype", api);
    }
    int nr = 0;
    double rv[2 * PTS_MAX_DIMS];
    bool has_range = range.tag != PTS_T_NONE;
    if (has_range) {
        pts_list *l = PTS_LIST(range);
        nr = (int)(l->len < 2 * PTS_MAX_DIMS ? l->len : 2 * PTS_MAX_DIMS + 1);
        if (l->len != 2 * D)
            return pts_err_set(PTS_ERR_VALUE, "%s: for a %d-dimensional histogram range should have %d elements, but "
                               "got %lld", api, D, 2 * D, (long long)l->len);
        for (int i = 0; i < nr; i++)
            rv[i] = pts_arg_double(l->items[i]);
    }
    pts_tensor *x = pts_tensor_to_dtype(self, PTS_FLOAT64);
    if (!x)
        return pts_err_last();
    const double *xv = pts_tensor_data(x);
    pts_tensor *wt = weight ? pts_tensor_to_dtype(weight, PTS_FLOAT64) : NULL;
    double *edges[PTS_MAX_DIMS] = {NULL};
    int64_t ne[PTS_MAX_DIMS];
    pts_status st = (weight && !wt) ? pts_err_last() : PTS_OK;
    bool f32 = dt == PTS_FLOAT32;
    for (int d = 0; !st && d < D; d++) {
        if (given) {
            pts_tensor *b = given[d];
            if (b->dtype != dt) {
                st = pts_err_set(PTS_ERR_TYPE, "%s: input tensor and bins tensors should have the same dtype", api);
                break;
            }
            if (b->ndim != 1) {
                st = pts_err_set(PTS_ERR_VALUE, "%s: bins tensor should have one dimension, but got %d dimensions in "
                                 "the bins tensor for dimension %d", api, b->ndim, d);
                break;
            }
            if (b->sizes[0] < 1) {
                st = pts_err_set(PTS_ERR_VALUE, "%s: bins tensor should have at least 1 element, but got 0 elements "
                                 "in the bins tensor for dimension %d", api, d);
                break;
            }
            pts_tensor *bd = pts_tensor_to_dtype(b, PTS_FLOAT64);
            edges[d] = bd ? pts_malloc(sizeof(double) * (size_t)b->sizes[0]) : NULL;
            if (!edges[d]) {
                release(bd);
                st = bd ? pts_err_nomem("histogramdd", sizeof(double) * (size_t)b->sizes[0]) : pts_err_last();
                break;
            }
            memcpy(edges[d], pts_tensor_data(bd), sizeof(double) * (size_t)b->sizes[0]);
            release(bd);
            ne[d] = b->sizes[0];
            continue;
        }
        if (counts[d] <= 0) {
            st = pts_err_set(PTS_ERR_VALUE, "torch.histogram(): bins must be > 0, but got %lld for dimension %d",
                             (long long)counts[d], d);
            break;
        }
        double lo = 0, hi = 1;
        if (has_range) {
            lo = rv[2 * d], hi = rv[2 * d + 1];
        } else if (N > 0) {
            lo = INFINITY, hi = -INFINITY;
            bool nan = false;
            for (int64_t i = 0; i < N; i++) {
                double v = xv[i * D + d];
                nan |= isnan(v);
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            if (nan)
                lo = hi = NAN;
        }
        if (!isfinite(lo) || !isfinite(hi)) {
            st = pts_err_set(PTS_ERR_VALUE, "%s: dimension %d's range [%g, %g] is not finite", api, d, lo, hi);
            break;
        }
        if (lo > hi) {
            st = pts_err_set(PTS_ERR_VALUE, "%s: min should not exceed max, but got min %g max %g for dimension %d",
                             api, lo, hi, d);
            break;
        }
        if (lo == hi)
            lo -= 0.5, hi += 0.5;
        int64_t n = counts[d] + 1;
        edges[d] = pts_malloc(sizeof(double) * (size_t)n);
        if (!edges[d]) {
            st = pts_err_nomem("histogramdd", sizeof(double) * (size_t)n);
            break;
        }
        /* torch's linspace in the input's dtype */
        int64_t half = n / 2;
        if (f32) {
            float a0 = (float)lo, a1 = (float)hi, step = (a1 - a0) / (float)(n - 1);
            for (int64_t i = 0; i < n; i++)
                edges[d][i] = i < half ? (double)(a0 + step * (float)i) : (double)(a1 - step * (float)(n - i - 1));
        } else {
            double step = (hi - lo) / (double)(n - 1);
            for (int64_t i = 0; i < n; i++)
                edges[d][i] = i < half ? lo + step * (double)i : hi - step * (double)(n - i - 1);
        }
        ne[d] = n;
    }
    int64_t hs[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    pts_tensor *hist = NULL;
    if (!st) {
        for (int d = 0; d < D; d++)
            hs[d] = ne[d] - 1;
        hist = pts_tensor_zeros(PTS_FLOAT64, D, hs);
        st = hist ? PTS_OK : pts_err_last();
    }
    if (!st) {
        int64_t acc = 1;
        for (int d = D - 1; d >= 0; d--)
            strides[d] = acc, acc *= hs[d];
        double *h = pts_tensor_data(hist);
        for (int64_t i = 0; i < N; i++) {
            int64_t idx = 0;
            bool skip = false;
            for (int d = 0; d < D && !skip; d++) {
                double v = xv[i * D + d], l = edges[d][0], r = edges[d][ne[d] - 1];
                if (!(v >= l && v <= r)) {
                    skip = true;
                    break;
                }
                int64_t pos;
                if (given) {
                    pos = upper_bound_d(edges[d], 0, ne[d], v) - 1;
                } else {
                    if (f32)
                        pos = (int64_t)(((float)v - (float)l) * (float)(ne[d] - 1) / ((float)r - (float)l));
                    else
                        pos = (int64_t)((v - l) * (double)(ne[d] - 1) / (r - l));
                    int64_t pmin = pos - 1 > 0 ? pos - 1 : 0, pmax = pos + 2 < ne[d] ? pos + 2 : ne[d];
                    pos = upper_bound_d(edges[d], pmin, pmax, v) - 1;
                }
                if (pos == ne[d] - 1)
                    pos -= 1;
                idx += strides[d] * pos;
            }
            if (!skip) {
                double w = wt ? ((const double *)pts_tensor_data(wt))[i] : 1.0;
                h[idx] = f32 ? (double)((float)h[idx] + (float)w) : h[idx] + w;
            }
        }
        if (density) {
            int64_t tot = pts_tensor_numel(hist);
            double sum = 0;
            for (int64_t k = 0; k < tot; k++)
                sum += h[k];
            for (int64_t k = 0; k < tot; k++) {
                double v = f32 ? (double)((float)h[k] / (float)sum) : h[k] / sum;
                int64_t rem = k;
                for (int d = 0; d < D; d++) {
                    int64_t j = rem / strides[d];
                    rem %= strides[d];
                    double len = edges[d][j + 1] - edges[d][j];
                    v = f32 ? (double)((float)v / (float)len) : v / len;
                }
                h[k] = v;
            }
        }
    }
    pts_list *l = !st ? pts_tensor_list_new(D) : NULL;
    if (!st && !l)
        st = pts_err_last();
    for (int d = 0; !st && d < D; d++) {
        pts_tensor *e = pts_tensor_empty(PTS_FLOAT64, 1, &ne[d]);
        if (!e) {
            st = pts_err_last();
            break;
        }
        memcpy(pts_tensor_data(e), edges[d], sizeof(double) * (size_t)ne[d]);
        pts_tensor *ed = pts_tensor_to_dtype(e, dt);
        release(e);
        st = ed ? pts_list_append(l, pts_obj_value(&ed->hdr)) : pts_err_last();
    }
    pts_tensor *ho = !st ? pts_tensor_to_dtype(hist, dt) : NULL;
    if (!st && !ho)
        st = pts_err_last();
    for (int d = 0; d < D; d++)
        pts_free(edges[d]);
    release(hist);
    release(wt);
    release(x);
    if (st) {
        if (l)
            pts_obj_release(&l->hdr);
        return st;
    }
    (void)op;
    rets[0] = pts_ret_tensor(ho);
    rets[1] = pts_obj_value(&l->hdr);
    return PTS_OK;
}

PTS_KERNEL(k_histogramdd)
{
    int64_t counts[PTS_MAX_DIMS + 1];
    int n = 0;
    if (pts_list_len(a->bins) > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "torch.histogramdd: at most %d dimensions", PTS_MAX_DIMS);
    PTS_TRY(pts_arg_int_list(a->bins, counts, PTS_MAX_DIMS, &n, 0, "bins"));
    return hdd_run(op, a->self, n, counts, NULL, a->range, a->weight, a->density, rets);
}

PTS_KERNEL(k_histogramdd_int_bins)
{
    int64_t counts[PTS_MAX_DIMS];
    int64_t D = a->self->ndim ? a->self->sizes[a->self->ndim - 1] : 0;
    for (int i = 0; i < PTS_MAX_DIMS; i++)
        counts[i] = a->bins;
    return hdd_run(op, a->self, a->self->ndim < 2 ? 0 : (int)(D > PTS_MAX_DIMS ? PTS_MAX_DIMS + 1 : D), counts, NULL,
                   a->range, a->weight, a->density, rets);
}

PTS_KERNEL(k_histogramdd_TensorList_bins)
{
    pts_tensor *bins[PTS_MAX_DIMS];
    int64_t n = pts_list_len(a->bins);
    if (n > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "torch.histogramdd: at most %d dimensions", PTS_MAX_DIMS);
    for (int64_t i = 0; i < n; i++)
        bins[i] = pts_list_tensor(a->bins, i);
    return hdd_run(op, a->self, (int)n, NULL, bins, a->range, a->weight, a->density, rets);
}

const pts_op_def pts_ops_gradient[] = {
    PTS_OP("aten::gradient.scalarint(Tensor self, *, Scalar? spacing=None, int? dim=None, int edge_order=1) -> Tensor[]", k_gradient_scalarint),
    PTS_OP("aten::gradient.scalararray(Tensor self, *, Scalar spacing, int[] dim, int edge_order=1) -> Tensor[]", k_gradient_scalararray),
    PTS_OP("aten::gradient.array(Tensor self, *, int[] dim, int edge_order=1) -> Tensor[]", k_gradient_array),
    PTS_OP("aten::gradient.scalarrayint(Tensor self, *, Scalar[] spacing, int? dim=None, int edge_order=1) -> Tensor[]", k_gradient_scalarrayint),
    PTS_OP("aten::gradient.scalarrayarray(Tensor self, *, Scalar[] spacing, int[] dim, int edge_order=1) -> Tensor[]", k_gradient_scalarrayarray),
    PTS_OP("aten::gradient.tensorarrayint(Tensor self, *, Tensor[] spacing, int? dim=None, int edge_order=1) -> Tensor[]", k_gradient_tensorarrayint),
    PTS_OP("aten::gradient.tensorarray(Tensor self, *, Tensor[] spacing, int[] dim, int edge_order=1) -> Tensor[]", k_gradient_tensorarray),
    PTS_OP("aten::histogramdd(Tensor self, int[] bins, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor[] bin_edges)", k_histogramdd),
    PTS_OP("aten::histogramdd.int_bins(Tensor self, int bins, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor[] bin_edges)", k_histogramdd_int_bins),
    PTS_OP("aten::histogramdd.TensorList_bins(Tensor self, Tensor[] bins, float[]? range=None, Tensor? weight=None, bool density=False) -> (Tensor hist, Tensor[] bin_edges)", k_histogramdd_TensorList_bins),
    {NULL, NULL},
};
