/* products.c - small linear-algebra and distance ops that need no BLAS:
 * trace, outer / ger, kron, cross / linalg_cross, tensordot, diff, dist,
 * cdist / _cdist_forward, pairwise_distance, cosine_similarity,
 * count_nonzero.  einsum is in einsum.c.
 *
 * Values are read and written with the dtype-generic load/store of
 * convert.h: double for floating results, int64 for integer ones (exact).
 * Complex results (complex64/complex128) are computed on complex128 copies
 * (re, im pairs of doubles); for complex64 every product, sum and difference
 * that torch does in complex<float> is rounded to float after it (cx_mul and
 * friends: a float operation done in double and rounded once is the float
 * operation), so elementwise results are torch's bit for bit; reductions
 * (trace, tensordot, the norms) accumulate in double.
 */
#include <math.h>

#include "ops/kernel.h"

static bool is_cplx(int dt) { return dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128; }

/* ---- helpers ------------------------------------------------------------------------------- */

static pts_tensor *bcast_to(const pts_tensor *t, int nd, const int64_t *shape, int dtype)
{
    int64_t strides[PTS_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        int td = t->ndim - nd + i;
        strides[i] = td >= 0 && t->sizes[td] == shape[i] ? t->strides[td] : 0;
    }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, nd, shape, strides, t->offset);
    if (!v)
        return NULL;
    pts_tensor *r = pts_tensor_to_dtype(v, dtype);
    pts_obj_release(&v->hdr);
    return r;
}

static pts_status result_of2(const char *opname, pts_value a, pts_value b, int *rd)
{
    pts_value v[2] = {a, b};
    PTS_TRY(pts_result_type(2, v, rd, opname));
    return pts_check_real(opname, *rd);
}

/* result_of2 that also accepts complex64/complex128 results. */
static pts_status result_of2c(const char *opname, pts_value a, pts_value b, int *rd)
{
    pts_value v[2] = {a, b};
    PTS_TRY(pts_result_type(2, v, rd, opname));
    return is_cplx(*rd) ? PTS_OK : pts_check_real(opname, *rd);
}

/* The compute dtype for result rd: complex128 for complex results, else pts_compute64. */
static int compute_of(int rd) { return is_cplx(rd) ? PTS_COMPLEX128 : pts_compute64(rd); }

/* ---- complex helpers -------------------------------------------------------------------------- */

/* v rounded to float when f32 (complex64 arithmetic), else v.  The float
 * goes through a volatile: GCC 12 at -O2 was seen dropping the rounding of
 * a difference inlined into diff's loop (the result kept double bits). */
static double cx_rnd(bool f32, double v)
{
    if (!f32)
        return v;
    volatile float r = (float)v;
    return (double)r;
}

/* c10::complex's textbook product (ac - bd) + (ad + bc)i, each op rounded. */
static void cx_mul(bool f32, const double *x, const double *y, double *out)
{
    double re = cx_rnd(f32, cx_rnd(f32, x[0] * y[0]) - cx_rnd(f32, x[1] * y[1]));
    double im = cx_rnd(f32, cx_rnd(f32, x[0] * y[1]) + cx_rnd(f32, x[1] * y[0]));
    out[0] = re;
    out[1] = im;
}

/* x - y as torch subtracts complex tensors: x + (-1) * y, the scalar product
 * written out ((-1) yr - 0 yi, (-1) yi + 0 yr), so a NaN or an infinite part
 * of y spoils both parts of the result, as in torch; finite values give the
 * plain differences. */
static void cx_sub(bool f32, const double *x, const double *y, double *out)
{
    double mr = -y[0] - 0.0 * y[1], mi = -y[1] + 0.0 * y[0];
    double sr = x[0] + mr, si = x[1] + mi;
    double re = cx_rnd(f32, sr), im = cx_rnd(f32, si);
    out[0] = re;
    out[1] = im;
}

/* The real dtype of a complex one's components (float32 / float64). */
static int cx_real_dtype(int dt) { return dt == PTS_COMPLEX64 ? PTS_FLOAT32 : PTS_FLOAT64; }

/* ---- trace / outer / kron -------------------------------------------------------------------- */

/* trace of a complex matrix: the diagonal summed in complex<double> (ATen's accscalar_t), rounded once. */
static pts_status trace_complex(pts_tensor *t, pts_value *rets)
{
    pts_tensor *c = pts_tensor_as_contiguous(t, PTS_COMPLEX128);
    if (!c)
        return pts_err_last();
    int64_t n = t->sizes[0] < t->sizes[1] ? t->sizes[0] : t->sizes[1];
    double re = 0, im = 0;
    for (int64_t i = 0; i < n; i++) {
        re += pts_f64(c)[2 * (i * t->sizes[1] + i)];
        im += pts_f64(c)[2 * (i * t->sizes[1] + i) + 1];
    }
    pts_obj_release(&c->hdr);
    return pts_ret(pts_tensor_from_scalar(pts_complex(re, im), t->dtype), rets);
}

PTS_KERNEL(k_trace)
{
    pts_tensor *t = a->self;
    if (is_cplx(t->dtype) && t->ndim == 2)
        return trace_complex(t, rets);
    PTS_TRY(pts_check_real(OPN, t->dtype));
    if (t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"trace\" not implemented for 'Bool'", OPN);
    if (t->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: trace: expected a matrix, but got tensor with dim %d", OPN, t->ndim);
    int rd = pts_is_float(t->dtype) ? t->dtype : PTS_INT64;
    int64_t n = t->sizes[0] < t->sizes[1] ? t->sizes[0] : t->sizes[1];
    int isz = pts_dtype_get(t->dtype)->itemsize;
    const char *base = pts_tensor_data(t);
    double sd = 0;
    uint64_t si = 0;
    for (int64_t i = 0; i < n; i++) {
        const char *p = base + (i * (t->strides[0] + t->strides[1])) * isz;
        if (pts_is_float(rd))
            sd += pts_load_f64(p, t->dtype);
        else
            si += (uint64_t)pts_load_i64(p, t->dtype);
    }
    pts_value v = pts_is_float(rd) ? pts_float(sd) : pts_int((int64_t)si);
    return pts_ret(pts_tensor_from_scalar(v, rd), rets);
}

PTS_KERNEL(k_outer)
{
    pts_tensor *ta = a->self, *tb = a->vec2;
    if (ta->ndim != 1 || tb->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: outer: Expected 1-D argument %s, but got %d-D", OPN,
                           ta->ndim != 1 ? "self" : "vec2", ta->ndim != 1 ? ta->ndim : tb->ndim);
    int rd;
    PTS_TRY(result_of2c(OPN, pts_tensor_val(ta), pts_tensor_val(tb), &rd));
    int cd = compute_of(rd);
    pts_tensor *x = pts_tensor_to_dtype(ta, cd), *y = x ? pts_tensor_to_dtype(tb, cd) : NULL;
    int64_t shape[2] = {ta->sizes[0], tb->sizes[0]};
    pts_tensor *o = y ? pts_tensor_empty(cd, 2, shape) : NULL;
    if (o) {
        for (int64_t i = 0; i < shape[0]; i++)
            for (int64_t j = 0; j < shape[1]; j++) {
                if (cd == PTS_COMPLEX128)
                    cx_mul(rd == PTS_COMPLEX64, pts_f64(x) + 2 * i, pts_f64(y) + 2 * j,
                           pts_f64(o) + 2 * (i * shape[1] + j));
                else if (cd == PTS_FLOAT64)
                    pts_f64(o)[i * shape[1] + j] = pts_f64(x)[i] * pts_f64(y)[j];
                else
                    pts_i64(o)[i * shape[1] + j] = (int64_t)((uint64_t)pts_i64(x)[i] * (uint64_t)pts_i64(y)[j]);
            }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, rd, rets); /* bool: the int64 product is already 0/1 (a logical and) */
}

PTS_KERNEL(k_kron)
{
    pts_tensor *ta = a->self, *tb = a->other;
    int rd;
    PTS_TRY(result_of2c(OPN, pts_tensor_val(ta), pts_tensor_val(tb), &rd));
    int cd = compute_of(rd);
    int nd = ta->ndim > tb->ndim ? ta->ndim : tb->ndim;
    int64_t as[PTS_MAX_DIMS], bs[PTS_MAX_DIMS], os[PTS_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        int ia = i - (nd - ta->ndim), ib = i - (nd - tb->ndim);
        as[i] = ia >= 0 ? ta->sizes[ia] : 1;
        bs[i] = ib >= 0 ? tb->sizes[ib] : 1;
        os[i] = as[i] * bs[i];
    }
    pts_tensor *x = pts_tensor_to_dtype(ta, cd), *y = x ? pts_tensor_to_dtype(tb, cd) : NULL;
    pts_tensor *o = y ? pts_tensor_empty(cd, nd, os) : NULL;
    if (o) {
        int64_t n = pts_tensor_numel(o);
        for (int64_t e = 0; e < n; e++) {
            int64_t rem = e, ia = 0, ib = 0, ma = 1, mb = 1;
            for (int i = nd - 1; i >= 0; i--) {
                int64_t c = rem % os[i];
                rem /= os[i];
                ia += (c / bs[i]) * ma;
                ib += (c % bs[i]) * mb;
                ma *= as[i];
                mb *= bs[i];
            }
            if (cd == PTS_COMPLEX128)
                cx_mul(rd == PTS_COMPLEX64, pts_f64(x) + 2 * ia, pts_f64(y) + 2 * ib, pts_f64(o) + 2 * e);
            else if (cd == PTS_FLOAT64)
                pts_f64(o)[e] = pts_f64(x)[ia] * pts_f64(y)[ib];
            else
                pts_i64(o)[e] = (int64_t)((uint64_t)pts_i64(x)[ia] * (uint64_t)pts_i64(y)[ib]);
        }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, rd, rets);
}

/* ---- cross ---------------------------------------------------------------------------------------- */

static pts_status cross_common(const char *opname, pts_tensor *a, pts_tensor *b, pts_value dimv, bool linalg,
                               pts_value *ret)
{
    if (linalg && a->dtype != b->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type %s but found %s", opname, pts_dtype_torch_name(a->dtype),
                           pts_dtype_torch_name(b->dtype));
    if (a->ndim != b->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: linalg.cross: inputs must have the same number of dimensions.", opname);
    pts_value av = pts_obj_value(&a->hdr), bv = pts_obj_value(&b->hdr);
    int rd;
    PTS_TRY(result_of2c(opname, av, bv, &rd));
    if (rd == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"cross\" not implemented for 'Bool'", opname);
    pts_tensor *ts[2] = {a, b};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, opname));
    int d = 0;
    if (dimv.tag == PTS_T_NONE) {
        d = -1;
        for (int i = 0; i < nd && d < 0; i++)
            if (shape[i] == 3)
                d = i;
        if (d < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: no dimension of size 3 in input", opname);
    } else {
        PTS_TRY(pts_wrap_dim(pts_arg_int(dimv), nd, opname, &d));
        if (a->sizes[d] != 3 || b->sizes[d] != 3)
            return pts_err_set(PTS_ERR_VALUE, "%s: linalg.cross: inputs dimension %lld must have length 3. Got %lld and %lld",
                               opname, (long long)pts_arg_int(dimv), (long long)a->sizes[d], (long long)b->sizes[d]);
    }
    int cd = compute_of(rd);
    pts_tensor *x = bcast_to(a, nd, shape, cd), *y = x ? bcast_to(b, nd, shape, cd) : NULL;
    pts_tensor *o = y ? pts_tensor_empty(cd, nd, shape) : NULL;
    if (o) {
        int64_t st = 1, outer = 1;
        for (int i = d + 1; i < nd; i++)
            st *= shape[i];
        for (int i = 0; i < d; i++)
            outer *= shape[i];
        for (int64_t p = 0; p < outer; p++)
            for (int64_t s = 0; s < st; s++) {
                int64_t b0 = p * 3 * st + s;
                for (int k = 0; k < 3; k++) {
                    int64_t i1 = b0 + ((k + 1) % 3) * st, i2 = b0 + ((k + 2) % 3) * st;
                    if (cd == PTS_COMPLEX128) {
                        bool f32 = rd == PTS_COMPLEX64;
                        double u[2], v[2], *r = pts_f64(o) + 2 * (b0 + k * st);
                        cx_mul(f32, pts_f64(x) + 2 * i1, pts_f64(y) + 2 * i2, u);
                        cx_mul(f32, pts_f64(x) + 2 * i2, pts_f64(y) + 2 * i1, v);
                        cx_sub(f32, u, v, r);
                    } else if (cd == PTS_FLOAT64)
                        pts_f64(o)[b0 + k * st] = pts_f64(x)[i1] * pts_f64(y)[i2] - pts_f64(x)[i2] * pts_f64(y)[i1];
                    else
                        pts_i64(o)[b0 + k * st] = (int64_t)((uint64_t)pts_i64(x)[i1] * (uint64_t)pts_i64(y)[i2] -
                                                           (uint64_t)pts_i64(x)[i2] * (uint64_t)pts_i64(y)[i1]);
                }
            }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, rd, ret);
}

PTS_KERNEL(k_cross)
{
    return cross_common(OPN, a->self, a->other, a->has_dim ? pts_int(a->dim) : pts_none(), false, rets);
}

PTS_KERNEL(k_linalg_cross)
{
    return cross_common(OPN, a->self, a->other, pts_int(a->dim), true, rets);
}

/* ---- tensordot ---------------------------------------------------------------------------------- */

PTS_KERNEL(k_tensordot)
{
    pts_tensor *ta = a->self, *tb = a->other;
    int64_t da[PTS_MAX_DIMS], db[PTS_MAX_DIMS];
    int na, nb;
    PTS_TRY(pts_arg_int_list(a->dims_self, da, PTS_MAX_DIMS, &na, 0, "dims_self"));
    PTS_TRY(pts_arg_int_list(a->dims_other, db, PTS_MAX_DIMS, &nb, 0, "dims_other"));
    if (na != nb)
        return pts_err_set(PTS_ERR_VALUE, "%s: both dimension lists should have same length", OPN);
    if (ta->dtype != tb->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: both inputs should have same dtype", OPN);
    if (!is_cplx(ta->dtype))
        PTS_TRY(pts_check_real(OPN, ta->dtype));
    if (ta->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"addmm_impl_cpu_\" not implemented for 'Bool'", OPN);
    bool ca[PTS_MAX_DIMS] = {false}, cb[PTS_MAX_DIMS] = {false};
    int ia[PTS_MAX_DIMS], ib[PTS_MAX_DIMS];
    int64_t k = 1;
    for (int i = 0; i < na; i++) {
        int x = 0, y = 0;
        PTS_TRY(pts_wrap_dim(da[i], ta->ndim, OPN, &x));
        PTS_TRY(pts_wrap_dim(db[i], tb->ndim, OPN, &y));
        if (ta->ndim == 0 || tb->ndim == 0)
            return pts_err_set(PTS_ERR_INDEX, "%s: Dimension specified as %lld but tensor has no dimensions", OPN,
                               (long long)da[i]);
        if (ta->sizes[x] != tb->sizes[y] && ta->sizes[x] != 1 && tb->sizes[y] != 1)
            return pts_err_set(PTS_ERR_VALUE, "%s: contracted dimensions need to match, but first has size %lld in dim %d "
                                              "and second has size %lld in dim %d", OPN, (long long)ta->sizes[x], x,
                               (long long)tb->sizes[y], y);
        if (ca[x] || cb[y])
            return pts_err_set(PTS_ERR_VALUE, "%s: dim %d appears multiple times in the list of dims", OPN, ca[x] ? x : y);
        ca[x] = cb[y] = true;
        ia[i] = x;
        ib[i] = y;
        k *= ta->sizes[x] > tb->sizes[y] ? ta->sizes[x] : tb->sizes[y];
    }
    /* a permuted to (free_a..., contracted in list order), b to (contracted..., free_b...) */
    int64_t psz[PTS_MAX_DIMS], pst[PTS_MAX_DIMS], osz[PTS_MAX_DIMS];
    int n = 0, on = 0;
    int64_t m = 1, nn = 1;
    for (int i = 0; i < ta->ndim; i++)
        if (!ca[i]) {
            psz[n] = ta->sizes[i], pst[n++] = ta->strides[i];
            osz[on++] = ta->sizes[i];
            m *= ta->sizes[i];
        }
    /* a size-1 contracted dim against a longer one is broadcast (torch sums the other side) */
    for (int i = 0; i < na; i++) {
        int64_t len = ta->sizes[ia[i]] > tb->sizes[ib[i]] ? ta->sizes[ia[i]] : tb->sizes[ib[i]];
        psz[n] = len, pst[n++] = ta->sizes[ia[i]] == len ? ta->strides[ia[i]] : 0;
    }
    int cd = compute_of(ta->dtype);
    pts_tensor *va = pts_tensor_view_of(ta->storage, ta->dtype, n, psz, pst, ta->offset);
    pts_tensor *x = va ? pts_tensor_to_dtype(va, cd) : NULL;
    pts_obj_release(va ? &va->hdr : NULL);
    n = 0;
    for (int i = 0; i < na; i++) {
        int64_t len = ta->sizes[ia[i]] > tb->sizes[ib[i]] ? ta->sizes[ia[i]] : tb->sizes[ib[i]];
        psz[n] = len, pst[n++] = tb->sizes[ib[i]] == len ? tb->strides[ib[i]] : 0;
    }
    for (int i = 0; i < tb->ndim; i++)
        if (!cb[i]) {
            psz[n] = tb->sizes[i], pst[n++] = tb->strides[i];
            osz[on++] = tb->sizes[i];
            nn *= tb->sizes[i];
        }
    pts_tensor *vb = x ? pts_tensor_view_of(tb->storage, tb->dtype, n, psz, pst, tb->offset) : NULL;
    pts_tensor *y = vb ? pts_tensor_to_dtype(vb, cd) : NULL;
    pts_obj_release(vb ? &vb->hdr : NULL);
    pts_tensor *o = y ? pts_tensor_zeros(cd, on, osz) : NULL;
    if (o) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t p = 0; p < k; p++) {
                if (cd == PTS_COMPLEX128) { /* accumulated in complex<double>, rounded once at the end */
                    const double *av = pts_f64(x) + 2 * (i * k + p);
                    for (int64_t j = 0; j < nn; j++) {
                        const double *bv = pts_f64(y) + 2 * (p * nn + j);
                        double *ov = pts_f64(o) + 2 * (i * nn + j);
                        ov[0] += av[0] * bv[0] - av[1] * bv[1];
                        ov[1] += av[0] * bv[1] + av[1] * bv[0];
                    }
                } else if (cd == PTS_FLOAT64) {
                    double av = pts_f64(x)[i * k + p];
                    for (int64_t j = 0; j < nn; j++)
                        pts_f64(o)[i * nn + j] += av * pts_f64(y)[p * nn + j];
                } else {
                    uint64_t av = (uint64_t)pts_i64(x)[i * k + p];
                    for (int64_t j = 0; j < nn; j++)
                        pts_i64(o)[i * nn + j] = (int64_t)((uint64_t)pts_i64(o)[i * nn + j] + av * (uint64_t)pts_i64(y)[p * nn + j]);
                }
            }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, ta->dtype, rets);
}

/* ---- diff ------------------------------------------------------------------------------------------- */

PTS_KERNEL(k_diff)
{
    pts_tensor *t = a->self;
    int64_t n = a->n;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: diff expects input to be at least one-dimensional", OPN);
    if (n < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: order must be non-negative but got %lld", OPN, (long long)n);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    if (n == 0) /* torch returns the input as it is (prepend / append unused) */
        return pts_ret(pts_tensor_contiguous_copy(t), rets);
    pts_tensor *parts[3] = {a->prepend, t,
                            a->append};
    pts_value vals[3];
    int nv = 0;
    for (int i = 0; i < 3; i++)
        if (parts[i])
            vals[nv++] = pts_obj_value(&parts[i]->hdr);
    int rd;
    PTS_TRY(pts_result_type(nv, vals, &rd, OPN));
    if (!is_cplx(rd))
        PTS_TRY(pts_check_real(OPN, rd));
    int64_t len = 0;
    for (int i = 0; i < 3; i++) {
        pts_tensor *p = parts[i];
        if (!p)
            continue;
        if (p->ndim != t->ndim)
            return pts_err_set(PTS_ERR_VALUE, "%s: diff expects prepend or append to be the same dimension as input", OPN);
        for (int j = 0; j < t->ndim; j++)
            if (j != d && p->sizes[j] != t->sizes[j])
                return pts_err_set(PTS_ERR_VALUE, "%s: Sizes of tensors must match except in dimension %d. Expected size "
                                                  "%lld but got size %lld", OPN, d, (long long)t->sizes[j],
                                   (long long)p->sizes[j]);
        len += p->sizes[d];
    }
    bool mask[PTS_MAX_DIMS] = {false};
    mask[d] = true;
    int cd = compute_of(rd);
    size_t es = cd == PTS_COMPLEX128 ? 16 : 8; /* bytes per element of the compute dtype */
    pts_rows rows[3];
    memset(rows, 0, sizeof rows);
    pts_status st = PTS_OK;
    for (int i = 0; i < 3 && !st; i++)
        if (parts[i])
            st = pts_rows_make(parts[i], mask, false, cd, &rows[i]);
    int64_t outlen = len - n > 0 ? len - n : 0;
    int64_t sizes[PTS_MAX_DIMS];
    pts_dim_last_sizes(t, d, sizes);
    sizes[t->ndim - 1] = outlen;
    pts_tensor *o = st ? NULL : pts_tensor_empty(cd, t->ndim, sizes);
    void *buf = o ? pts_malloc((size_t)(len > 0 ? len : 1) * es) : NULL;
    if (!st && !o)
        st = pts_err_last();
    else if (!st && !buf)
        st = pts_err_nomem("diff", (size_t)len * es);
    int64_t nrows = rows[1].rows;
    for (int64_t r = 0; !st && r < nrows; r++) {
        int64_t at = 0;
        for (int i = 0; i < 3; i++) {
            if (!parts[i])
                continue;
            memcpy((char *)buf + at * (int64_t)es, (char *)pts_tensor_data(rows[i].flat) + r * rows[i].inner * (int64_t)es,
                   (size_t)rows[i].inner * es);
            at += rows[i].inner;
        }
        for (int64_t pass = 0; pass < n && pass < len; pass++)
            for (int64_t j = 0; j + 1 < len - pass; j++) {
                if (cd == PTS_COMPLEX128) {
                    double *z = (double *)buf;
                    cx_sub(rd == PTS_COMPLEX64, z + 2 * j + 2, z + 2 * j, z + 2 * j); 
                } else if (cd == PTS_FLOAT64)
                    ((double *)buf)[j] = ((double *)buf)[j + 1] - ((double *)buf)[j];
                else if (rd == PTS_BOOL)
                    ((int64_t *)buf)[j] = ((int64_t *)buf)[j + 1] != ((int64_t *)buf)[j];
                else
                    ((int64_t *)buf)[j] = (int64_t)((uint64_t)((int64_t *)buf)[j + 1] - (uint64_t)((int64_t *)buf)[j]);
            }
        memcpy((char *)pts_tensor_data(o) + r * outlen * (int64_t)es, buf, (size_t)outlen * es);
    }
    pts_free(buf);
    for (int i = 0; i < 3; i++)
        pts_obj_release(rows[i].flat ? &rows[i].flat->hdr : NULL);
    if (st) {
        pts_obj_release(o ? &o->hdr : NULL);
        return st;
    }
    pts_value v = pts_none();
    PTS_TRY(pts_unpermute(o, t->ndim, d, &v));
    pts_tensor *r = pts_tensor_to_dtype(PTS_TENSOR(v), rd);
    pts_value_release(v);
    return pts_ret(r, rets);
}

/* ---- distances ------------------------------------------------------------------------------------ */

static double pnorm_acc(double acc, double d, double p)
{
    d = fabs(d);
    if (p == 0)
        return acc + (d != 0);
    if (isinf(p))
        return isnan(d) || isnan(acc) ? NAN : d > acc ? d : acc;
    if (p == 1)
        return acc + d;
    if (p == 2)
        return acc + d * d;
    return acc + pow(d, p);
}

static double pnorm_fin(double acc, double p)
{
    if (p == 0 || p == 1 || isinf(p))
        return acc;
    if (p == 2)
        return sqrt(acc);
    return pow(acc, 1 / p);
}

/* |z| of the complex128 element z: its modulus, of the complex64 value
 * rounded to float first when f32 (ATen's abs of complex<float> is float). */
static double cx_abs(bool f32, const double *z) { return cx_rnd(f32, hypot(z[0], z[1])); }

/* dist for complex inputs: norm(self - other, p) of the moduli of the
 * differences (each difference rounded as complex<float> for complex64),
 * accumulated in double; the result is real (float32 / float64). */
static pts_status dist_complex(pts_tensor *self, pts_tensor *other, int rd, double p, pts_value *rets)
{
    pts_tensor *ts[2] = {self, other};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, "aten::dist"));
    bool f32 = rd == PTS_COMPLEX64, ninf = isinf(p) && p < 0;
    pts_tensor *x = bcast_to(self, nd, shape, PTS_COMPLEX128), *y = x ? bcast_to(other, nd, shape, PTS_COMPLEX128) : NULL;
    double acc = ninf ? INFINITY : 0;
    if (y) {
        int64_t n = pts_tensor_numel(x);
        for (int64_t i = 0; i < n; i++) {
            double z[2];
            cx_sub(f32, pts_f64(x) + 2 * i, pts_f64(y) + 2 * i, z);
            double d = cx_abs(f32, z);
            if (ninf)
                acc = isnan(d) || isnan(acc) ? NAN : d < acc ? d : acc;
            else
                acc = pnorm_acc(acc, d, p);
        }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    if (!y)
        return pts_err_last();
    pts_obj_release(&y->hdr);
    return pts_ret(pts_tensor_from_scalar(pts_float(pnorm_fin(acc, p)), cx_real_dtype(rd)), rets);
}

PTS_KERNEL(k_dist)
{
    int rd;
    PTS_TRY(result_of2c(OPN, pts_tensor_val(a->self), pts_tensor_val(a->other), &rd));
    if (is_cplx(rd))
        return dist_complex(a->self, a->other, rd, pts_arg_double(a->p), rets);
    if (!pts_is_float(rd))
        return pts_err_set(PTS_ERR_TYPE, "%s: norm(): input dtype should be either floating point or complex. Got %s "
                                         "instead.", OPN, pts_dtype_torch_name(rd));
    pts_tensor *ts[2] = {a->self, a->other};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    double p = pts_arg_double(a->p);
    pts_tensor *x = bcast_to(ts[0], nd, shape, PTS_FLOAT64), *y = x ? bcast_to(ts[1], nd, shape, PTS_FLOAT64) : NULL;
    double acc = isinf(p) && p < 0 ? INFINITY : 0;
    if (y) {
        int64_t n = pts_tensor_numel(x);
        for (int64_t i = 0; i < n; i++) {
            double d = fabs(pts_f64(x)[i] - pts_f64(y)[i]);
            if (isinf(p) && p < 0)
                acc = isnan(d) || isnan(acc) ? NAN : d < acc ? d : acc;
            else
                acc = pnorm_acc(acc, d, p);
        }
        if (n == 0 && isinf(p) && p < 0)
            acc = INFINITY;
    }
    pts_obj_release(x ? &x->hdr : NULL);
    if (!y)
        return pts_err_last();
    pts_obj_release(&y->hdr);
    return pts_ret(pts_tensor_from_scalar(pts_float(pnorm_fin(acc, p)), rd), rets);
}

/* cdist(x1 (..., P, M), x2 (..., R, M), p) -> (..., P, R) */
PTS_KERNEL(k_cdist)
{
    pts_tensor *ta = a->x1, *tb = a->x2;
    double p = a->p;
    if (!pts_is_float(ta->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: cdist only supports floating-point dtypes, X1 got: %s", OPN,
                           pts_dtype_torch_name(ta->dtype));
    if (!pts_is_float(tb->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: cdist only supports floating-point dtypes, X2 got: %s", OPN,
                           pts_dtype_torch_name(tb->dtype));
    if ((ta->dtype == PTS_FLOAT16 || ta->dtype == PTS_BFLOAT16) && pts_tensor_numel(ta) > 0 && pts_tensor_numel(tb) > 0)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"cdist\" not implemented for '%s'", OPN, pts_dtype_torch_name(ta->dtype));
    if (ta->dtype != tb->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: X1 and X2 must have the same dtype, X1: %s X2: %s", OPN,
                           pts_dtype_torch_name(ta->dtype), pts_dtype_torch_name(tb->dtype));
    if (ta->ndim < 2 || tb->ndim < 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: cdist only supports at least 2D tensors, X%d got: %dD", OPN,
                           ta->ndim < 2 ? 1 : 2, ta->ndim < 2 ? ta->ndim : tb->ndim);
    if (ta->sizes[ta->ndim - 1] != tb->sizes[tb->ndim - 1])
        return pts_err_set(PTS_ERR_VALUE, "%s: X1 and X2 must have the same number of columns. X1: %lld X2: %lld", OPN,
                           (long long)ta->sizes[ta->ndim - 1], (long long)tb->sizes[tb->ndim - 1]);
    if (p < 0 || isnan(p))
        return pts_err_set(PTS_ERR_VALUE, "%s: cdist only supports non-negative p values", OPN);
    int nb = 0;
    int64_t bshape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_shapes(ta->ndim - 2, ta->sizes, tb->ndim - 2, tb->sizes, &nb, bshape, OPN));
    int64_t P = ta->sizes[ta->ndim - 2], R = tb->sizes[tb->ndim - 2], M = ta->sizes[ta->ndim - 1];
    int64_t sa[PTS_MAX_DIMS], sb[PTS_MAX_DIMS], so[PTS_MAX_DIMS];
    memcpy(sa, bshape, sizeof(int64_t) * (size_t)nb);
    memcpy(sb, bshape, sizeof(int64_t) * (size_t)nb);
    memcpy(so, bshape, sizeof(int64_t) * (size_t)nb);
    sa[nb] = P, sa[nb + 1] = M;
    sb[nb] = R, sb[nb + 1] = M;
    so[nb] = P, so[nb + 1] = R;
    pts_tensor *x = bcast_to(ta, nb + 2, sa, PTS_FLOAT64), *y = x ? bcast_to(tb, nb + 2, sb, PTS_FLOAT64) : NULL;
    pts_tensor *o = y ? pts_tensor_empty(PTS_FLOAT64, nb + 2, so) : NULL;
    if (o) {
        int64_t batch = 1;
        for (int i = 0; i < nb; i++)
            batch *= bshape[i];
        for (int64_t q = 0; q < batch; q++)
            for (int64_t i = 0; i < P; i++)
                for (int64_t j = 0; j < R; j++) {
                    const double *u = pts_f64(x) + (q * P + i) * M, *v = pts_f64(y) + (q * R + j) * M;
                    double acc = 0;
                    for (int64_t c = 0; c < M; c++)
                        acc = pnorm_acc(acc, u[c] - v[c], p);
                    pts_f64(o)[(q * P + i) * R + j] = pnorm_fin(acc, p);
                }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, ta->dtype, rets);
}

/* pairwise_distance for complex inputs: norm(x1 - x2 + eps, p, -1) with the
 * difference and the added eps (to the real part) rounded as complex<float>
 * for complex64; the result is real. */
static pts_status pairwise_complex(pts_tensor *x1, pts_tensor *x2, int common, double p, double eps, bool keep,
                                   pts_value *rets)
{
    pts_tensor *ts[2] = {x1, x2};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, "aten::pairwise_distance"));
    bool f32 = common == PTS_COMPLEX64, ninf = isinf(p) && p < 0;
    pts_tensor *x = bcast_to(x1, nd, shape, PTS_COMPLEX128), *y = x ? bcast_to(x2, nd, shape, PTS_COMPLEX128) : NULL;
    int64_t inner = nd ? shape[nd - 1] : 1, rows = 1;
    for (int i = 0; i + 1 < nd; i++)
        rows *= shape[i];
    int64_t osz[PTS_MAX_DIMS];
    memcpy(osz, shape, sizeof osz);
    int ond = nd == 0 ? 0 : keep ? nd : nd - 1;
    if (nd && keep)
        osz[nd - 1] = 1;
    pts_tensor *o = y ? pts_tensor_empty(PTS_FLOAT64, ond, osz) : NULL;
    if (o) {
        for (int64_t r = 0; r < rows; r++) {
            double acc = ninf ? INFINITY : 0;
            for (int64_t c = 0; c < inner; c++) {
                const double *u = pts_f64(x) + 2 * (r * inner + c), *v = pts_f64(y) + 2 * (r * inner + c);
                double z[2];
                cx_sub(f32, u, v, z);
                z[0] = cx_rnd(f32, z[0] + cx_rnd(f32, eps));
                double d = cx_abs(f32, z);
                if (ninf)
                    acc = isnan(d) || isnan(acc) ? NAN : d < acc ? d : acc;
                else
                    acc = pnorm_acc(acc, d, p);
            }
            pts_f64(o)[r] = pnorm_fin(acc, p);
        }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, cx_real_dtype(common), rets);
}

/* pairwise_distance(x1, x2, p, eps, keepdim) = norm(x1 - x2 + eps, p, -1) */
PTS_KERNEL(k_pairwise_distance)
{
    int common, rd;
    PTS_TRY(result_of2c(OPN, pts_tensor_val(a->x1), pts_tensor_val(a->x2), &common));
    if (is_cplx(common))
        return pairwise_complex(a->x1, a->x2, common, a->p, a->eps, a->keepdim, rets);
    if (common == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: Subtraction, the `-` operator, with two bool tensors is not supported. Use "
                                         "the `^` or `logical_xor()` operator instead.", OPN);
    rd = pts_float_op_dtype(common); /* x1 - x2 + eps: the float eps makes integer inputs float */
    bool wrap = !pts_is_float(common); /* x1 - x2 wraps in the integer dtype first */
    pts_tensor *ts[2] = {a->x1, a->x2};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    double p = a->p, eps = a->eps;
    bool keep = a->keepdim;
    pts_tensor *x = bcast_to(ts[0], nd, shape, PTS_FLOAT64), *y = x ? bcast_to(ts[1], nd, shape, PTS_FLOAT64) : NULL;
    int64_t inner = nd ? shape[nd - 1] : 1, rows = nd ? 1 : 1;
    for (int i = 0; i + 1 < nd; i++)
        rows *= shape[i];
    int64_t osz[PTS_MAX_DIMS];
    memcpy(osz, shape, sizeof osz);
    int ond = nd == 0 ? 0 : keep ? nd : nd - 1;
    if (nd && keep)
        osz[nd - 1] = 1;
    pts_tensor *o = y ? pts_tensor_empty(PTS_FLOAT64, ond, osz) : NULL;
    if (o) {
        for (int64_t r = 0; r < rows; r++) {
            double acc = isinf(p) && p < 0 ? INFINITY : 0;
            for (int64_t c = 0; c < inner; c++) {
                double diff = pts_f64(x)[r * inner + c] - pts_f64(y)[r * inner + c];
                if (wrap) {
                    int64_t buf = 0;
                    pts_store_i64(&buf, common, (int64_t)diff);
                    diff = (double)pts_load_i64(&buf, common);
                }
                double d = fabs(diff + eps);
                if (isinf(p) && p < 0)
                    acc = isnan(d) || isnan(acc) ? NAN : d < acc ? d : acc;
                else
                    acc = pnorm_acc(acc, d, p);
            }
            pts_f64(o)[r] = pnorm_fin(acc, p);
        }
    }
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    return pts_ret_as(o, rd, rets);
}

/* cosine_similarity(x1, x2, dim, eps): sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))) over dim */
PTS_KERNEL(k_cosine_similarity)
{
    int rd;
    PTS_TRY(result_of2(OPN, pts_tensor_val(a->x1), pts_tensor_val(a->x2), &rd));
    if (!pts_is_float(rd))
        return pts_err_set(PTS_ERR_TYPE, "%s: expected common dtype to be floating point, yet common dtype is %s", OPN,
                           pts_dtype_torch_name(rd));
    pts_tensor *ts[2] = {a->x1, a->x2};
    int nd = 0;
    int64_t shape[PTS_MAX_DIMS];
    PTS_TRY(pts_broadcast_tensors_shape(2, ts, &nd, shape, OPN));
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, nd, OPN, &d));
    double eps = a->eps;
    pts_tensor *x = bcast_to(ts[0], nd, shape, ts[0]->dtype), *y = x ? bcast_to(ts[1], nd, shape, ts[1]->dtype) : NULL;
    bool mask[PTS_MAX_DIMS] = {false};
    if (nd)
        mask[d] = true;
    pts_rows ra, rb;
    memset(&ra, 0, sizeof ra);
    memset(&rb, 0, sizeof rb);
    pts_status st = y ? pts_rows_make(x, mask, false, PTS_FLOAT64, &ra) : pts_err_last();
    if (!st)
        st = pts_rows_make(y, mask, false, PTS_FLOAT64, &rb);
    pts_obj_release(x ? &x->hdr : NULL);
    pts_obj_release(y ? &y->hdr : NULL);
    pts_tensor *o = st ? NULL : pts_tensor_empty(PTS_FLOAT64, ra.out_nd, ra.out_sizes);
    if (!st && !o)
        st = pts_err_last();
    for (int64_t r = 0; !st && r < ra.rows; r++) {
        const double *u = pts_f64(ra.flat) + r * ra.inner, *v = pts_f64(rb.flat) + r * rb.inner;
        double nu = 0, nv = 0, s = 0;
        for (int64_t c = 0; c < ra.inner; c++) {
            nu += u[c] * u[c];
            nv += v[c] * v[c];
        }
        nu = sqrt(nu);
        nv = sqrt(nv);
        nu = nu < eps ? eps : nu;
        nv = nv < eps ? eps : nv;
        for (int64_t c = 0; c < ra.inner; c++)
            s += (u[c] / nu) * (v[c] / nv);
        pts_f64(o)[r] = s;
    }
    pts_obj_release(ra.flat ? &ra.flat->hdr : NULL);
    pts_obj_release(rb.flat ? &rb.flat->hdr : NULL);
    if (st)
        return st;
    return pts_ret_as(o, rd, rets);
}

/* count_nonzero(self, dim?) / count_nonzero.dim_IntList(self, dim[]) */
static pts_status count_nonzero(const pts_op *op, pts_tensor *t, pts_value dim, pts_value *rets)
{
    bool cplx = is_cplx(t->dtype); /* a complex element is nonzero when either part is */
    if (!cplx)
        PTS_TRY(pts_check_real(OPN, t->dtype));
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dim, t->ndim, true, mask));
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, false, cplx ? PTS_COMPLEX128 : PTS_FLOAT64, &r));
    pts_tensor *o = pts_tensor_empty(PTS_INT64, r.out_nd, r.out_sizes);
    if (o)
        for (int64_t i = 0; i < r.rows; i++) {
            int64_t c = 0;
            for (int64_t j = 0; j < r.inner; j++) {
                const double *v = pts_f64(r.flat) + (cplx ? 2 : 1) * (i * r.inner + j);
                c += v[0] != 0 || (cplx && v[1] != 0);
            }
            pts_i64(o)[i] = c;
        }
    pts_obj_release(&r.flat->hdr);
    return pts_ret(o, rets);
}

PTS_KERNEL(k_count_nonzero) { return count_nonzero(op, a->self, a->has_dim ? pts_int(a->dim) : pts_none(), rets); }
PTS_KERNEL(k_count_nonzero_dims) { return count_nonzero(op, a->self, a->dim, rets); }

/* ---- the table ------------------------------------------------------------------------------------ */

const pts_op_def pts_ops_products[] = {
    PTS_OP("aten::trace(Tensor self) -> Tensor", k_trace),
    PTS_OP("aten::outer(Tensor self, Tensor vec2) -> Tensor", k_outer),
    PTS_OP("aten::ger(Tensor self, Tensor vec2) -> Tensor", k_outer),
    PTS_OP("aten::kron(Tensor self, Tensor other) -> Tensor", k_kron),
    PTS_OP("aten::cross(Tensor self, Tensor other, int? dim=None) -> Tensor", k_cross),
    PTS_OP("aten::linalg_cross(Tensor self, Tensor other, *, int dim=-1) -> Tensor", k_linalg_cross),
    PTS_OP("aten::tensordot(Tensor self, Tensor other, int[] dims_self, int[] dims_other) -> Tensor", k_tensordot),
    PTS_OP("aten::diff(Tensor self, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None) -> Tensor", k_diff),
    PTS_OP("aten::dist(Tensor self, Tensor other, Scalar p=2) -> Tensor", k_dist),
    PTS_OP("aten::cdist(Tensor x1, Tensor x2, float p=2., int? compute_mode=None) -> Tensor", k_cdist),
    PTS_OP("aten::_cdist_forward(Tensor x1, Tensor x2, float p, int? compute_mode) -> Tensor", k_cdist),
    PTS_OP("aten::pairwise_distance(Tensor x1, Tensor x2, float p=2., float eps=9.9999999999999995e-07, bool keepdim=False) -> Tensor", k_pairwise_distance),
    PTS_OP("aten::cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor", k_cosine_similarity),
    PTS_OP("aten::count_nonzero(Tensor self, int? dim=None) -> Tensor", k_count_nonzero),
    PTS_OP("aten::count_nonzero.dim_IntList(Tensor self, int[] dim) -> Tensor", k_count_nonzero_dims),
    {NULL, NULL},
};
