/* matfn.c - matrix functions built on the LAPACK glue (lapack.h):
 * linalg_matrix_norm (1, -1, inf, -inf, 2, -2, fro, nuc), linalg_norm (vector
 * or matrix, as torch dispatches it), linalg_cond, linalg_matrix_exp /
 * matrix_exp (Pade 13 scaling and squaring, Higham 2005, with LAPACK's LU
 * solve), linalg_matrix_power / matrix_power (torch's binary powering; an
 * inverse first for negative powers), linalg_matrix_sqrth (from eigh) and linalg_polar
 * (from the thin svd). */
#include "ops/compose.h"
#include "ops/linalg/lapack.h"

static void release(pts_tensor *t)
{
    if (t)
        pts_obj_release(&t->hdr);
}

/* ---- vector norms (linalg_norm's vector case) ------------------------------------------------------- */

static double vnorm(const double *x, int64_t n, double p)
{
    double s = 0;
    if (p == 0) {
        for (int64_t i = 0; i < n; i++)
            s += x[i] != 0;
        return s;
    }
    if (isinf(p)) {
        double m = p > 0 ? 0 : INFINITY;
        for (int64_t i = 0; i < n; i++) {
            double a = fabs(x[i]);
            if (isnan(a))
                return a;
            m = p > 0 ? (a > m ? a : m) : (a < m ? a : m);
        }
        return m;
    }
    for (int64_t i = 0; i < n; i++)
        s += p == 1 ? fabs(x[i]) : p == 2 ? x[i] * x[i] : pow(fabs(x[i]), p);
    return p == 1 ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
}

static bool is_fc(int dt) { return pts_is_float(dt) || pts_la_is_cx(dt); }

/* the result dtype of a norm: `want` (>= 0) or the input's, with torch's checks (complex: the
 * computation dtype; the result is its real dtype) */
static pts_status norm_dtype(const char *api, const pts_tensor *t, int want, int *rd)
{
    if (!is_fc(t->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: Expected a floating point or complex tensor as input. Got %s", api,
                           pts_dtype_torch_name(t->dtype));
    if (want >= 0 && !is_fc(want))
        return pts_err_set(PTS_ERR_TYPE, "%s: dtype should be floating point or complex, but got %s", api,
                           pts_dtype_torch_name(want));
    if (want >= 0 && pts_la_is_cx(t->dtype) != pts_la_is_cx(want))
        return pts_err_set(PTS_ERR_TYPE, "%s: dtype should be %s for %s inputs, but got %s", api,
                           pts_la_is_cx(want) ? "real" : "complex", pts_la_is_cx(want) ? "real" : "complex",
                           pts_dtype_torch_name(want));
    if (want >= 0 && want != t->dtype && pts_promote_types(t->dtype, want) != want)
        return pts_err_set(PTS_ERR_TYPE, "%s: the dtype of the input (%s) should be convertible without narrowing to the "
                                         "specified dtype (%s)", api, pts_dtype_torch_name(t->dtype),
                           pts_dtype_torch_name(want));
    *rd = want >= 0 ? want : t->dtype;
    return PTS_OK;
}

static pts_status vector_norm(const char *api, pts_tensor *t, double p, pts_value dim, bool keepdim, int want,
                              pts_value *ret)
{
    int rd = 0;
    PTS_TRY(norm_dtype("linalg.vector_norm", t, want, &rd));
    if (pts_la_is_cx(rd) || pts_la_is_cx(t->dtype)) {
        /* complex: the norm of |x| (in the computation dtype rd), a real result */
        pts_tensor *c = rd == t->dtype ? (pts_obj_retain(&t->hdr), t) : pts_tensor_to_dtype(t, rd);
        if (!c)
            return pts_err_last();
        pts_value av[1] = {pts_tv(c)};
        pts_tensor *ab = pts_call_t("aten::abs", 1, av);
        release(c);
        if (!ab)
            return pts_err_last();
        pts_status st = vector_norm(api, ab, p, dim, keepdim, -1, ret);
        release(ab);
        return st;
    }
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(api, dim, t->ndim, true, mask));
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, keepdim, PTS_FLOAT64, &r));
    pts_tensor *out = pts_tensor_empty(PTS_FLOAT64, r.out_nd, r.out_sizes);
    if (!out) {
        release(r.flat);
        return pts_err_last();
    }
    for (int64_t i = 0; i < r.rows; i++)
        pts_f64(out)[i] = vnorm(pts_f64(r.flat) + i * r.inner, r.inner, p);
    release(r.flat);
    return pts_ret_as(out, rd, ret);
}

/* ---- matrix norms -------------------------------------------------------------------------------------- */

enum { ORD_1, ORD_M1, ORD_INF, ORD_MINF, ORD_2, ORD_M2, ORD_FRO, ORD_NUC, ORD_BAD };

static int ord_of_scalar(pts_value v)
{
    double p = pts_arg_double(v);
    return p == 1 ? ORD_1 : p == -1 ? ORD_M1 : p == INFINITY ? ORD_INF : p == -INFINITY ? ORD_MINF : p == 2 ? ORD_2
         : p == -2 ? ORD_M2 : ORD_BAD;
}

static int ord_of_str(const char *s) { return strcmp(s, "fro") == 0 ? ORD_FRO : strcmp(s, "nuc") == 0 ? ORD_NUC : ORD_BAD; }

/* "1", "inf", "-2.5" as torch prints an ord */
static void ord_str(pts_value v, char *buf, size_t cap)
{
    if (v.tag == PTS_T_STR) {
        snprintf(buf, cap, "%s", PTS_STR(v)->data);
        return;
    }
    if (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL) {
        snprintf(buf, cap, "%lld", (long long)pts_arg_int(v));
        return;
    }
    double p = pts_arg_double(v);
    if (isinf(p))
        snprintf(buf, cap, "%sinf", p < 0 ? "-" : "");
    else
        snprintf(buf, cap, "%g", p);
}

/* singular values of the column-major m x n matrix a (destroyed) into s (min(m,n)), descending */
static pts_status svals(int dt, int64_t m, int64_t n, void *a, double *s)
{
    int64_t k = m < n ? m : n;
    if (k == 0)
        return PTS_OK;
    void *sv = pts_malloc((size_t)k * 8);
    if (!sv)
        return pts_err_nomem("singular values", (size_t)k * 8);
    int inf = 0;
    double dummy[1];
    pts_status st = pts_la_gesdd(dt, 'N', (int)m, (int)n, a, pts_la_ld(m), sv, dummy, 1, dummy, 1, &inf);
    for (int64_t i = 0; i < k; i++)
        s[i] = inf ? NAN : pts_la_get(sv, pts_la_real_dt(dt), i);
    pts_free(sv);
    return st;
}

/* the norm of one column-major m x n matrix (a: destroyed by the SVD orders) */
static pts_status mnorm_one(int dt, int ord, int64_t m, int64_t n, void *a, double *s_work, double *out)
{
    if (ord == ORD_2 || ord == ORD_M2 || ord == ORD_NUC) {
        int64_t k = m < n ? m : n;
        PTS_TRY(svals(dt, m, n, a, s_work));
        double r = 0;
        if (k == 0)
            r = 0;
        else if (ord == ORD_2)
            r = s_work[0];
        else if (ord == ORD_M2)
            r = s_work[k - 1];
        else
            for (int64_t i = 0; i < k; i++)
                r += s_work[i];
        *out = r;
        return PTS_OK;
    }
    if (ord == ORD_FRO) {
        double s = 0;
        for (int64_t i = 0; i < m * n; i++) {
            double complex v = pts_la_getz(a, dt, i); /* real dtypes: v * v + 0 */
            s += creal(v) * creal(v) + cimag(v) * cimag(v);
        }
        *out = sqrt(s);
        return PTS_OK;
    }
    /* 1 / -1: column sums (over rows), then max/min over columns; inf / -inf: row sums */
    bool cols = ord == ORD_1 || ord == ORD_M1, want_max = ord == ORD_1 || ord == ORD_INF;
    int64_t outer = cols ? n : m, inner = cols ? m : n;
    double best = want_max ? 0 : INFINITY;
    bool nan = false;
    for (int64_t o = 0; o < outer; o++) {
        double s = 0;
        for (int64_t i = 0; i < inner; i++)
            s += cabs(pts_la_getz(a, dt, cols ? i + o * m : o + i * m)); /* |x| exactly for reals */
        nan |= isnan(s);
        best = want_max ? (s > best ? s : best) : (s < best ? s : best);
    }
    *out = nan ? NAN : outer == 0 ? 0 : best;
    return PTS_OK;
}

/* matrix norm over dims (d0, d1) of t (already the compute dtype); keepdim; result float64 of
 * t's remaining shape, new ref in *res */
static pts_status matrix_norm_impl(const char *api, pts_tensor *t, int ord, int d0, int d1, bool keepdim,
                                   pts_tensor **res)
{
    int nd = t->ndim, dt = t->dtype, nb = 0;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS], osz[PTS_MAX_DIMS];
    int on = 0;
    for (int i = 0; i < nd; i++) {
        if (i == d0 || i == d1) {
            if (keepdim)
                osz[on++] = 1;
            continue;
        }
        osz[on++] = t->sizes[i];
        sizes[nb] = t->sizes[i];
        strides[nb++] = t->strides[i];
    }
    sizes[nb] = t->sizes[d0];
    strides[nb] = t->strides[d0];
    sizes[nb + 1] = t->sizes[d1];
    strides[nb + 1] = t->strides[d1];
    pts_tensor *v = pts_la_view(t, nb + 2, sizes, strides);
    pts_tensor *f = v ? pts_la_copy(v, dt, -1, NULL) : NULL;
    release(v);
    if (!f)
        return pts_err_last();
    int64_t m = sizes[nb], n = sizes[nb + 1], k = m < n ? m : n, tot = pts_la_nbatch(f);
    pts_tensor *out = pts_tensor_empty(PTS_FLOAT64, on, osz);
    double *sw = pts_malloc(sizeof(double) * (size_t)(k > 0 ? k : 1));
    pts_status st = out && sw ? PTS_OK : out ? pts_err_nomem(api, 8) : pts_err_last();
    for (int64_t b = 0; !st && b < tot; b++)
        st = mnorm_one(dt, ord, m, n, pts_la_mat(f, b, m * n), sw, pts_f64(out) + b);
    pts_free(sw);
    release(f);
    if (st) {
        release(out);
        return st;
    }
    *res = out;
    return PTS_OK;
}

/* checks and dims of linalg.matrix_norm; then the norm in dtype rd */
static pts_status matrix_norm(const char *api, pts_tensor *t, int ord, pts_value ordv, pts_value dimv, bool keepdim,
                              int want, pts_value *ret)
{
    if (t->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor A must have at least 2 dimensions.", api);
    int rd = 0;
    PTS_TRY(norm_dtype(api, t, want, &rd));
    int64_t dims[PTS_MAX_DIMS];
    int n = 0;
    PTS_TRY(pts_arg_int_list(dimv, dims, PTS_MAX_DIMS, &n, 0, "dim"));
    if (n != 2) {
        char buf[128];
        size_t w = 0;
        buf[0] = 0;
        for (int i = 0; i < n && w < sizeof buf; i++)
            w += (size_t)snprintf(buf + w, sizeof buf - w, i ? " %lld" : "%lld", (long long)dims[i]);
        return pts_err_set(PTS_ERR_VALUE, "%s: dim must be a 2-tuple. Got %s", api, buf);
    }
    int d0 = 0, d1 = 0;
    PTS_TRY(pts_wrap_dim(dims[0], t->ndim, api, &d0));
    PTS_TRY(pts_wrap_dim(dims[1], t->ndim, api, &d1));
    if (d0 == d1)
        return pts_err_set(PTS_ERR_VALUE, "%s: dims must be different. Got (%lld, %lld)", api, (long long)dims[0],
                           (long long)dims[1]);
    if (ord == ORD_BAD) {
        char os[64];
        ord_str(ordv, os, sizeof os);
        return pts_err_set(PTS_ERR_VALUE, "%s: Order %s not supported.", api, os);
    }
    /* torch's minimum orders reduce with amin, which refuses an empty dim: -1 (column sums over
     * d0, then amin over d1), -inf (row sums over d1, then amin over d0), -2 (amin of the singular
     * values) */
    int64_t m0 = t->sizes[d0], n1 = t->sizes[d1];
    if ((ord == ORD_M1 && n1 == 0) || (ord == ORD_MINF && m0 == 0))
        return pts_err_set(PTS_ERR_INDEX, "amin(): Expected reduction dim %d to have non-zero size.",
                           ord == ORD_M1 ? (d1 > d0 ? d1 - 1 : d1) : (d0 > d1 ? d0 - 1 : d0));
    if (ord == ORD_M2 && (m0 == 0 || n1 == 0))
        return pts_err_set(PTS_ERR_INDEX, "amin(): Expected reduction dim -1 to have non-zero size.");
    pts_tensor *src = rd == t->dtype ? (pts_obj_retain(&t->hdr), t) : pts_tensor_to_dtype(t, rd);
    if (!src)
        return pts_err_last();
    if (rd != PTS_FLOAT32 && rd != PTS_FLOAT64 && !pts_la_is_cx(rd) && (ord == ORD_2 || ord == ORD_M2 || ord == ORD_NUC)) {
        pts_status st = pts_la_check_dtype("linalg.svd", src);
        release(src);
        return st;
    }
    int cd = rd == PTS_FLOAT64 || rd == PTS_FLOAT32 || pts_la_is_cx(rd) ? rd : PTS_FLOAT64;
    pts_tensor *c = cd == src->dtype ? (pts_obj_retain(&src->hdr), src) : pts_tensor_to_dtype(src, cd);
    release(src);
    if (!c)
        return pts_err_last();
    pts_tensor *res = NULL;
    pts_status st = matrix_norm_impl(api, c, ord, d0, d1, keepdim, &res);
    release(c);
    if (st)
        return st;
    return pts_ret_as(res, pts_la_real_dt(rd), ret);
}

PTS_KERNEL(k_linalg_matrix_norm)
{
    return matrix_norm("linalg.matrix_norm", a->self, ord_of_scalar(a->ord), a->ord, a->dim, a->keepdim, a->dtype, rets);
}

PTS_KERNEL(k_linalg_matrix_norm_str_ord)
{
    pts_value ov = pts_none();
    pts_str *s = pts_str_new(a->ord, strlen(a->ord));
    if (s)
        ov = pts_obj_value(&s->hdr);
    pts_status st = matrix_norm("linalg.matrix_norm", a->self, ord_of_str(a->ord), ov, a->dim, a->keepdim, a->dtype, rets);
    pts_value_release(ov);
    return st;
}

/* linalg_norm: a vector norm (dim of 1 or none with ord None, or a 1-D input) or a matrix norm */
static pts_status norm_impl(pts_tensor *t, pts_value ordv, bool is_str, const char *ords, pts_value dimv, bool keepdim,
                            int want, pts_value *ret)
{
    const char *api = "linalg.norm";
    int64_t dims[PTS_MAX_DIMS];
    int n = 0;
    bool has_dim = dimv.tag != PTS_T_NONE;
    if (has_dim)
        PTS_TRY(pts_arg_int_list(dimv, dims, PTS_MAX_DIMS, &n, 0, "dim"));
    bool has_ord = is_str || ordv.tag != PTS_T_NONE;
    if (has_dim && n != 1 && n != 2 && !is_str)
        return pts_err_set(PTS_ERR_VALUE, "%s: If dim is specified, it must be of length 1 or 2. Got %d", api, n);
    if (!has_dim && has_ord && t->ndim != 1 && t->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: If dim is not specified but ord is, the input must be 1D or 2D. Got %dD.",
                           api, t->ndim);
    if (!is_str && (!has_ord || (has_dim ? n == 1 : t->ndim == 1)))
        return vector_norm(api, t, has_ord ? pts_arg_double(ordv) : 2, dimv, keepdim, want, ret);
    pts_value dv = dimv;
    pts_list *l = NULL;
    if (!has_dim) { /* the last two dims */
        l = pts_list_new(pts_type_base(PTS_TY_INT), 2);
        if (!l)
            return pts_err_last();
        PTS_TRY(pts_list_append(l, pts_int(-2)));
        PTS_TRY(pts_list_append(l, pts_int(-1)));
        dv = pts_obj_value(&l->hdr);
    }
    pts_status st;
    if (is_str) {
        pts_value ov = pts_none();
        pts_str *s = pts_str_new(ords, strlen(ords));
        if (s)
            ov = pts_obj_value(&s->hdr);
        st = matrix_norm("linalg.matrix_norm", t, ord_of_str(ords), ov, dv, keepdim, want, ret);
        pts_value_release(ov);
    } else {
        st = matrix_norm("linalg.matrix_norm", t, ord_of_scalar(ordv), ordv, dv, keepdim, want, ret);
    }
    if (l)
        pts_obj_release(&l->hdr);
    return st;
}

PTS_KERNEL(k_linalg_norm) { return norm_impl(a->self, a->ord, false, NULL, a->dim, a->keepdim, a->dtype, rets); }
PTS_KERNEL(k_linalg_norm_ord_str)
{
    return norm_impl(a->self, pts_none(), true, a->ord, a->dim, a->keepdim, a->dtype, rets);
}

/* the JIT-compatibility spellings: nuclear_norm = matrix_norm 'nuc', frobenius_norm = the 2-norm over dims */
static pts_status nuc_impl(pts_tensor *t, pts_value dimv, bool keepdim, pts_value *ret)
{
    pts_value ov = pts_none();
    pts_str *s = pts_str_new("nuc", 3);
    if (s)
        ov = pts_obj_value(&s->hdr);
    pts_list *l = NULL;
    pts_status st = PTS_OK;
    if (dimv.tag == PTS_T_NONE) {
        l = pts_list_new(pts_type_base(PTS_TY_INT), 2);
        st = l ? pts_list_append(l, pts_int(-2)) : pts_err_last();
        if (!st)
            st = pts_list_append(l, pts_int(-1));
        if (!st)
            dimv = pts_obj_value(&l->hdr);
    }
    if (!st)
        st = matrix_norm("linalg.matrix_norm", t, ORD_NUC, ov, dimv, keepdim, -1, ret);
    if (l)
        pts_obj_release(&l->hdr);
    pts_value_release(ov);
    return st;
}

PTS_KERNEL(k_nuclear_norm) { return nuc_impl(a->self, pts_none(), a->keepdim, rets); }
PTS_KERNEL(k_nuclear_norm_dim) { return nuc_impl(a->self, a->dim, a->keepdim, rets); }

PTS_KERNEL(k_frobenius_norm_dim)
{
    if (!is_fc(a->self->dtype))
        return pts_err_set(PTS_ERR_TYPE, "norm(): input dtype should be either floating point or complex. Got %s instead.",
                           pts_dtype_torch_name(a->self->dtype));
    return vector_norm("aten::frobenius_norm", a->self, 2, a->dim, a->keepdim, -1, rets);
}

/* ---- cond ---------------------------------------------------------------------------------------------- */

static pts_status cond_impl(pts_tensor *A, int ord, pts_value ordv, pts_value *ret)
{
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "linalg.cond: The input tensor must have at least 2 dimensions.");
    if (ord == ORD_BAD) {
        char os[64];
        ord_str(ordv, os, sizeof os);
        return pts_err_set(PTS_ERR_VALUE, "linalg.cond got an invalid norm type: %s", os);
    }
    PTS_TRY(pts_la_check_dtype_cx("linalg.cond", A));
    int nd = A->ndim, dt = A->dtype;
    int64_t m = A->sizes[nd - 2], n = A->sizes[nd - 1], k = m < n ? m : n;
    bool svd_kind = ord == ORD_2 || ord == ORD_M2;
    if (!svd_kind && m != n) {
        char os[64];
        ord_str(ordv, os, sizeof os);
        return pts_err_set(PTS_ERR_VALUE, "linalg.cond(ord=%s): A must be batches of square matrices, but they are %lld by "
                                          "%lld matrices", os, (long long)m, (long long)n);
    }
    pts_tensor *f = pts_la_copy(A, dt, -1, NULL);
    pts_tensor *out = f ? pts_tensor_zeros(PTS_FLOAT64, nd - 2, A->sizes) : NULL;
    int64_t nb = pts_la_nbatch(A);
    size_t wn = (size_t)(m * n > 0 ? m * n : 1);
    double *sw = pts_malloc(sizeof(double) * (size_t)(k > 0 ? k : 1));
    void *inv = pts_malloc(wn * 16), *lu = pts_malloc(wn * 16); /* up to complex128 */
    int *piv = pts_malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    pts_status st = out && sw && inv && lu && piv ? PTS_OK : out ? pts_err_nomem("linalg.cond", wn * 8) : pts_err_last();
    size_t isz = (size_t)pts_dtype_get(dt)->itemsize;
    for (int64_t b = 0; !st && b < nb && k > 0; b++) {
        void *a = pts_la_mat(f, b, m * n);
        double r = 0;
        if (svd_kind) {
            st = svals(dt, m, n, a, sw);
            r = ord == ORD_2 ? sw[0] / sw[k - 1] : sw[k - 1] / sw[0];
        } else {
            /* norm(A) * norm(A^-1); inf when A is singular */
            memcpy(lu, a, (size_t)(n * n) * isz);
            int inf = 0;
            pts_la_getrf(dt, (int)n, (int)n, lu, (int)n, piv, &inf);
            if (inf > 0) {
                r = INFINITY;
            } else {
                memset(inv, 0, (size_t)(n * n) * isz);
                for (int64_t i = 0; i < n; i++)
                    pts_la_setz(inv, dt, i + i * n, 1);
                pts_la_getrs(dt, 'N', (int)n, (int)n, lu, (int)n, piv, inv, (int)n, &inf);
                double na = 0, ni = 0;
                st = mnorm_one(dt, ord, n, n, a, sw, &na);
                if (!st)
                    st = mnorm_one(dt, ord, n, n, inv, sw, &ni);
                r = na * ni;
            }
        }
        pts_f64(out)[b] = r;
    }
    pts_free(sw);
    pts_free(inv);
    pts_free(lu);
    pts_free(piv);
    release(f);
    if (st) {
        release(out);
        return st;
    }
    return pts_ret_as(out, pts_la_real_dt(dt), ret); /* real, also for complex A */
}

PTS_KERNEL(k_linalg_cond)
{
    bool none = a->p.tag == PTS_T_NONE;
    return cond_impl(a->self, none ? ORD_2 : ord_of_scalar(a->p), a->p, rets);
}

PTS_KERNEL(k_linalg_cond_p_str)
{
    pts_value ov = pts_none();
    pts_str *s = pts_str_new(a->p, strlen(a->p));
    if (s)
        ov = pts_obj_value(&s->hdr);
    pts_status st = cond_impl(a->self, ord_of_str(a->p), ov, rets);
    pts_value_release(ov);
    return st;
}

/* ---- matrix_exp ------------------------------------------------------------------------------------------- */

/* C = A B (n x n, column-major, dtype dt: float64 or complex128) */
static void mm(int dt, int64_t n, const void *A, const void *B, void *C)
{
    pts_la_gemm(dt, false, false, (int)n, (int)n, (int)n, A, (int)n, B, (int)n, C, (int)n);
}

/* exp of one n x n matrix (column-major, in place), Pade 13 with scaling and squaring;
 * the one body for double (expm_one) and double complex (expm_one_z): T the element
 * type, DT its dtype, ABS its modulus, NANV the value of a non-finite input's result */
#define PTS_EXPM_ONE(NAME, T, DT, ABS, NANV)                                                                    \
    static pts_status NAME(int64_t n, T *A, T *w)                                                              \
    {                                                                                                         \
        static const double b[14] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0,          \
                                     1187353796428800.0,  129060195264000.0,   10559470521600.0,             \
                                     670442572800.0,      33522128640.0,       1323241920.0,                 \
                                     40840800.0,          960960.0,            16380.0,                      \
                                     182.0,               1.0};                                              \
        int64_t nn = n * n;                                                                                   \
        double norm1 = 0;                                                                                     \
        for (int64_t j = 0; j < n; j++) {                                                                     \
            double s = 0;                                                                                     \
            for (int64_t i = 0; i < n; i++)                                                                   \
                s += ABS(A[i + j * n]);                                                                       \
            norm1 = s > norm1 || isnan(s) ? s : norm1;                                                        \
        }                                                                                                     \
        if (!isfinite(norm1)) {                                                                               \
            for (int64_t i = 0; i < nn; i++)                                                                  \
                A[i] = NANV;                                                                                  \
            return PTS_OK;                                                                                    \
        }                                                                                                     \
        int s = 0;                                                                                            \
        if (norm1 > 5.371920351148152)                                                                        \
            s = (int)ceil(log2(norm1 / 5.371920351148152));                                                   \
        double scale = ldexp(1.0, -s);                                                                        \
        for (int64_t i = 0; i < nn; i++)                                                                      \
            A[i] *= scale;                                                                                    \
        T *A2 = w, *A4 = w + nn, *A6 = w + 2 * nn, *U = w + 3 * nn, *V = w + 4 * nn, *Tm = w + 5 * nn;        \
        int *piv = (int *)(w + 6 * nn);                                                                       \
        mm(DT, n, A, A, A2);                                                                                  \
        mm(DT, n, A2, A2, A4);                                                                                \
        mm(DT, n, A4, A2, A6);                                                                                \
        for (int64_t i = 0; i < nn; i++)                                                                      \
            Tm[i] = b[13] * A6[i] + b[11] * A4[i] + b[9] * A2[i];                                             \
        mm(DT, n, A6, Tm, U);                                                                                 \
        for (int64_t i = 0; i < nn; i++)                                                                      \
            U[i] += b[7] * A6[i] + b[5] * A4[i] + b[3] * A2[i];                                               \
        for (int64_t i = 0; i < n; i++)                                                                       \
            U[i + i * n] += b[1];                                                                             \
        mm(DT, n, A, U, Tm); /* Tm = U */                                                                     \
        for (int64_t i = 0; i < nn; i++)                                                                      \
            U[i] = b[12] * A6[i] + b[10] * A4[i] + b[8] * A2[i];                                              \
        mm(DT, n, A6, U, V);                                                                                  \
        for (int64_t i = 0; i < nn; i++)                                                                      \
            V[i] += b[6] * A6[i] + b[4] * A4[i] + b[2] * A2[i];                                               \
        for (int64_t i = 0; i < n; i++)                                                                       \
            V[i + i * n] += b[0];                                                                             \
        /* (V - U) X = (V + U) */                                                                             \
        for (int64_t i = 0; i < nn; i++) {                                                                    \
            T u = Tm[i], v = V[i];                                                                            \
            A2[i] = v - u;                                                                                    \
            A[i] = v + u;                                                                                     \
        }                                                                                                     \
        int inf = 0;                                                                                          \
        pts_la_getrf(DT, (int)n, (int)n, A2, (int)n, piv, &inf);                                              \
        pts_la_getrs(DT, 'N', (int)n, (int)n, A2, (int)n, piv, A, (int)n, &inf);                              \
        for (int i = 0; i < s; i++) {                                                                         \
            mm(DT, n, A, A, Tm);                                                                              \
            memcpy(A, Tm, sizeof(T) * (size_t)nn);                                                            \
        }                                                                                                     \
        return PTS_OK;                                                                                        \
    }

PTS_EXPM_ONE(expm_one, double, PTS_FLOAT64, fabs, NAN)
PTS_EXPM_ONE(expm_one_z, double complex, PTS_COMPLEX128, cabs, CMPLX(NAN, NAN))

static pts_status matrix_exp_impl(pts_tensor *A, pts_value *ret)
{
    PTS_TRY(pts_la_check_matrix_cx("linalg.matrix_exp", A, "A", true));
    bool cx = pts_la_is_cx(A->dtype); /* complex: computed in complex128, as real input in float64 */
    pts_tensor *f = pts_la_copy(A, cx ? PTS_COMPLEX128 : PTS_FLOAT64, -1, NULL);
    if (!f)
        return pts_err_last();
    int64_t n = A->sizes[A->ndim - 1], nb = pts_la_nbatch(A);
    size_t wn = (size_t)(7 * n * n + n + 1);
    size_t esz = cx ? sizeof(double complex) : sizeof(double);
    double *w = pts_malloc(esz * wn);
    if (!w) {
        release(f);
        return pts_err_nomem("linalg.matrix_exp", esz * wn);
    }
    pts_status st = PTS_OK;
    for (int64_t b = 0; !st && b < nb && n > 0; b++)
        st = cx ? expm_one_z(n, (double complex *)pts_la_mat(f, b, n * n), (double complex *)w)
                : expm_one(n, (double *)pts_la_mat(f, b, n * n), w);
    pts_free(w);
    if (st) {
        release(f);
        return st;
    }
    /* the float64 result in the input's dtype, keeping the column-major layout */
    pts_tensor *out = pts_la_copy(f, A->dtype, -1, NULL);
    release(f);
    return pts_ret(out, ret);
}

PTS_KERNEL(k_linalg_matrix_exp) { return matrix_exp_impl(a->self, rets); }
PTS_KERNEL(k_matrix_exp) { return matrix_exp_impl(a->self, rets); }

/* ---- matrix_power ----------------------------------------------------------------------------------------- */

/* C = A B for one n x n matrix of dtype dt (floats: BLAS; integers: int64 with wraparound, then
 * stored in dt as torch's integer matmul leaves it) */
static void mm_dt(int dt, int64_t n, const void *A, const void *B, void *C)
{
    if (dt == PTS_FLOAT32 || dt == PTS_FLOAT64 || pts_la_is_cx(dt)) {
        pts_la_gemm(dt, false, false, (int)n, (int)n, (int)n, A, (int)n, B, (int)n, C, (int)n);
        return;
    }
    size_t isz = (size_t)pts_dtype_get(dt)->itemsize;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < n; i++) {
            uint64_t acc = 0;
            for (int64_t l = 0; l < n; l++)
                acc += (uint64_t)pts_load_i64((const char *)A + (size_t)(i + l * n) * isz, dt) *
                       (uint64_t)pts_load_i64((const char *)B + (size_t)(l + j * n) * isz, dt);
            pts_store_i64((char *)C + (size_t)(i + j * n) * isz, dt, (int64_t)acc);
        }
}

static pts_status matrix_power_impl(pts_tensor *A, int64_t p, pts_value *ret)
{
    const char *api = "linalg.matrix_power";
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: The input tensor A must have at least 2 dimensions.", api);
    int nd = A->ndim, dt = A->dtype;
    int64_t n = A->sizes[nd - 1], nb = pts_la_nbatch(A);
    if (A->sizes[nd - 2] != n)
        return pts_err_set(PTS_ERR_VALUE, "%s: A must be batches of square matrices, but they are %lld by %lld matrices",
                           api, (long long)A->sizes[nd - 2], (long long)n);
    const pts_dtype_info *di = pts_dtype_get(dt);
    if (p != 0 && p != 1 && (dt == PTS_BOOL || dt == PTS_FLOAT16 || dt == PTS_BFLOAT16 || !di->itemsize))
        return pts_err_set(PTS_ERR_TYPE, "\"addmm_impl_cpu_\" not implemented for '%s'", pts_dtype_torch_name(dt));
    pts_tensor *base = NULL;
    if (p < 0) {
        /* A^-1 first, with linalg.inv's checks and errors */
        PTS_TRY(pts_la_check_matrix_cx("linalg.inv", A, "A", true));
        base = pts_la_copy(A, dt, -1, NULL);
        pts_tensor *inv = base ? pts_la_zeros(dt, nd, A->sizes) : NULL;
        int *piv = pts_malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
        if (!inv || !piv) {
            release(base);
            release(inv);
            pts_free(piv);
            return inv ? pts_err_nomem(api, 8) : pts_err_last();
        }
        for (int64_t b = 0; b < nb && n > 0; b++) {
            void *lu = pts_la_mat(base, b, n * n), *x = pts_la_mat(inv, b, n * n);
            int inf = 0;
            pts_la_getrf(dt, (int)n, (int)n, lu, (int)n, piv, &inf);
            if (inf > 0) {
                release(base);
                release(inv);
                pts_free(piv);
                if (nd > 2)
                    return pts_err_set(PTS_ERR_VALUE, "linalg.inv: (Batch element %lld): The diagonal element %d is zero, "
                                                      "the inversion could not be completed because the input matrix is "
                                                      "singular.", (long long)b, inf);
                return pts_err_set(PTS_ERR_VALUE, "linalg.inv: The diagonal element %d is zero, the inversion could not "
                                                  "be completed because the input matrix is singular.", inf);
            }
            for (int64_t i = 0; i < n; i++)
                pts_la_setz(x, dt, i + i * n, 1);
            pts_la_getrs(dt, 'N', (int)n, (int)n, lu, (int)n, piv, x, (int)n, &inf);
        }
        pts_free(piv);
        release(base);
        base = inv;
        p = -p;
    } else {
        base = pts_la_copy(A, dt, -1, NULL);
        if (!base)
            return pts_err_last();
    }
    if (p == 1)
        return pts_ret(base, ret);
    pts_tensor *res = pts_la_zeros(dt, nd, A->sizes);
    size_t per = (size_t)(n * n) * (size_t)di->itemsize;
    void *z = pts_malloc(per ? per : 1), *tmp = pts_malloc(per ? per : 1);
    if (!res || !z || !tmp) {
        release(base);
        release(res);
        pts_free(z);
        pts_free(tmp);
        return res ? pts_err_nomem(api, per) : pts_err_last();
    }
    for (int64_t b = 0; b < nb && n > 0; b++) {
        void *r = pts_la_mat(res, b, n * n);
        const void *a0 = pts_la_mat(base, b, n * n);
        if (p == 0) {
            for (int64_t i = 0; i < n; i++) {
                if (pts_la_is_cx(dt))
                    pts_la_setz(r, dt, i + i * n, 1);
                else
                    pts_store_f64((char *)r + (size_t)(i + i * n) * (size_t)di->itemsize, dt, 1);
            }
            continue;
        }
        /* torch's order: z runs through A, A^2, A^4, ...; result multiplies z in from the right */
        bool have_res = false, have_z = false;
        for (int64_t q = p; q > 0; q /= 2) {
            if (have_z) {
                mm_dt(dt, n, z, z, tmp);
                memcpy(z, tmp, per);
            } else {
                memcpy(z, a0, per);
                have_z = true;
            }
            if (q % 2) {
                if (have_res) {
                    mm_dt(dt, n, r, z, tmp);
                    memcpy(r, tmp, per);
                } else {
                    memcpy(r, z, per);
                    have_res = true;
                }
            }
        }
    }
    pts_free(z);
    pts_free(tmp);
    release(base);
    return pts_ret(res, ret);
}

PTS_KERNEL(k_linalg_matrix_power) { return matrix_power_impl(a->self, a->n, rets); }
PTS_KERNEL(k_matrix_power) { return matrix_power_impl(a->self, a->n, rets); }

/* ---- matrix_sqrth, polar: products of eigh's / svd's factors ------------------------------------ */

/* Call `name` with npos positional args; its first nret results into r (new references). */
static pts_status call_n(const char *name, int npos, pts_value *pos, int nret, pts_value *r)
{
    const pts_op *o = pts_ops_find(name);
    if (!o || o->schema.nrets != nret)
        return pts_err_set(PTS_ERR_INTERNAL, "%s is not registered with %d results", name, nret);
    for (int i = 0; i < nret; i++)
        r[i] = pts_none();
    return pts_ops_call(o, npos, pos, 0, NULL, NULL, r);
}

/* (F * w.unsqueeze(-2)) @ G, all borrowed; new reference or NULL (error set) */
static pts_tensor *scaled_product(pts_tensor *F, pts_tensor *w, pts_tensor *G)
{
    pts_value u[2] = {pts_tv(w), pts_int(-2)};
    pts_tensor *wu = pts_call_t("aten::unsqueeze", 2, u);
    if (!wu)
        return NULL;
    pts_value m[2] = {pts_tv(F), pts_tv(wu)};
    pts_tensor *Fw = pts_call_t("aten::mul.Tensor", 2, m);
    pts_tdrop(wu);
    if (!Fw)
        return NULL;
    pts_value mm[2] = {pts_tv(Fw), pts_tv(G)};
    pts_tensor *r = pts_call_t("aten::matmul", 2, mm);
    pts_tdrop(Fw);
    return r;
}

/* t^T for real t, t^H for complex t (aten::mH conjugates): new reference or NULL */
static pts_tensor *mT(pts_tensor *t)
{
    if (pts_la_is_cx(t->dtype)) {
        pts_value h[1] = {pts_tv(t)};
        return pts_call_t("aten::mH", 1, h);
    }
    pts_value v[3] = {pts_tv(t), pts_int(-2), pts_int(-1)};
    return pts_call_t("aten::transpose.int", 3, v);
}

/* The principal square root of a symmetric positive-definite matrix, as torch's CPU path:
 * L, Q = eigh(A) (lower triangle), X = (Q * sqrt(max(L, 0))) @ Q^T (Q^H for complex A). */
PTS_KERNEL(k_linalg_matrix_sqrth)
{
    pts_tensor *A = a->self;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: linalg.matrix_sqrth: The input tensor A must have at least 2 dimensions.",
                           OPN);
    if (A->sizes[A->ndim - 1] != A->sizes[A->ndim - 2])
        return pts_err_set(PTS_ERR_VALUE, "%s: linalg.matrix_sqrth: A must be batches of square matrices, but they are "
                                          "%lld by %lld matrices", OPN, (long long)A->sizes[A->ndim - 2],
                           (long long)A->sizes[A->ndim - 1]);
    if (!is_fc(A->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.matrix_sqrth: Expected a floating point or complex tensor as input. "
                                         "Got %s", OPN, pts_dtype_torch_name(A->dtype));
    pts_value in[1] = {pts_tv(A)}, lq[2];
    PTS_TRY(call_n("aten::linalg_eigh", 1, in, 2, lq));
    pts_value c[2] = {lq[0], pts_float(0.0)};
    pts_tensor *Lc = pts_call_t("aten::clamp_min", 2, c);
    pts_tensor *s = NULL, *Qt = NULL, *X = NULL;
    if (Lc) {
        pts_value q[1] = {pts_tv(Lc)};
        s = pts_call_t("aten::sqrt", 1, q);
    }
    if (s)
        Qt = mT(PTS_TENSOR(lq[1]));
    if (Qt)
        X = scaled_product(PTS_TENSOR(lq[1]), s, Qt);
    pts_status st = X ? PTS_OK : pts_err_last();
    pts_tdrop(Lc);
    pts_tdrop(s);
    pts_tdrop(Qt);
    pts_value_release(lq[0]);
    pts_value_release(lq[1]);
    if (st)
        return st;
    return pts_ret(X, rets);
}

/* The polar decomposition A = U H (m >= n), as torch's CPU path: W, S, Vh = svd(A, thin),
 * U = W @ Vh, H = (Vh^T * S) @ Vh (Vh^H for complex A; the sign or phase choices of the singular
 * vectors cancel). */
PTS_KERNEL(k_linalg_polar)
{
    pts_tensor *A = a->A;
    if (A->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: linalg.polar: The input tensor A must have at least 2 dimensions.", OPN);
    if (A->sizes[A->ndim - 2] < A->sizes[A->ndim - 1])
        return pts_err_set(PTS_ERR_VALUE, "%s: linalg.polar: input must have at least as many rows as columns, but got "
                                          "%lld by %lld matrices", OPN, (long long)A->sizes[A->ndim - 2],
                           (long long)A->sizes[A->ndim - 1]);
    if (!is_fc(A->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: linalg.polar: Expected a floating point or complex tensor as input. Got %s",
                           OPN, pts_dtype_torch_name(A->dtype));
    pts_value in[2] = {pts_tv(A), pts_bool(false)}, usv[3];
    PTS_TRY(call_n("aten::linalg_svd", 2, in, 3, usv));
    pts_tensor *W = PTS_TENSOR(usv[0]), *S = PTS_TENSOR(usv[1]), *Vh = PTS_TENSOR(usv[2]);
    pts_value mm[2] = {pts_tv(W), pts_tv(Vh)};
    pts_tensor *U = pts_call_t("aten::matmul", 2, mm);
    pts_tensor *V = U ? mT(Vh) : NULL;
    pts_tensor *H = V ? scaled_product(V, S, Vh) : NULL;
    pts_status st = H ? PTS_OK : pts_err_last();
    pts_tdrop(V);
    for (int i = 0; i < 3; i++)
        pts_value_release(usv[i]);
    if (st) {
        pts_tdrop(U);
        return st;
    }
    rets[0] = pts_ret_tensor(U);
    rets[1] = pts_ret_tensor(H);
    return PTS_OK;
}

const pts_op_def pts_ops_la_matfn[] = {
    PTS_OP("aten::linalg_matrix_sqrth(Tensor self) -> Tensor", k_linalg_matrix_sqrth),
    PTS_OP("aten::linalg_polar(Tensor A) -> (Tensor U, Tensor H)", k_linalg_polar),
    PTS_OP("aten::linalg_matrix_norm(Tensor self, Scalar ord, int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_linalg_matrix_norm),
    PTS_OP("aten::linalg_matrix_norm.str_ord(Tensor self, str ord=\"fro\", int[] dim=[-2, -1], bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_linalg_matrix_norm_str_ord),
    PTS_OP("aten::linalg_norm(Tensor self, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_linalg_norm),
    PTS_OP("aten::linalg_norm.ord_str(Tensor self, str ord, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_linalg_norm_ord_str),
    PTS_OP("aten::nuclear_norm(Tensor self, bool keepdim=False) -> Tensor", k_nuclear_norm),
    PTS_OP("aten::nuclear_norm.dim(Tensor self, int[2] dim, bool keepdim=False) -> Tensor", k_nuclear_norm_dim),
    PTS_OP("aten::frobenius_norm.dim(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", k_frobenius_norm_dim),
    PTS_OP("aten::linalg_cond(Tensor self, Scalar? p=None) -> Tensor", k_linalg_cond),
    PTS_OP("aten::linalg_cond.p_str(Tensor self, str p) -> Tensor", k_linalg_cond_p_str),
    PTS_OP("aten::linalg_matrix_exp(Tensor self) -> Tensor", k_linalg_matrix_exp),
    PTS_OP("aten::matrix_exp(Tensor self) -> Tensor", k_matrix_exp),
    PTS_OP("aten::linalg_matrix_power(Tensor self, int n) -> Tensor", k_linalg_matrix_power),
    PTS_OP("aten::matrix_power(Tensor self, int n) -> Tensor", k_matrix_power),
    {NULL, NULL},
};
