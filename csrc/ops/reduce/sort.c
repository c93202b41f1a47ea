/* sort.c - ordering ops along one dim: sort / argsort / msort (stable),
 * topk, kthvalue, median / nanmedian (whole tensor and per dim), and the
 * running extremes cummax / cummin.
 *
 * Each op moves its dim last (the rows layout of ops/kernel.h, in the
 * input's own dtype), orders every row by an index permutation (a stable
 * merge sort on double or int64 keys, NaN greater than everything, as torch),
 * gathers the values by index so they stay bit-exact, and moves the dim back.
 */
#include "ops/kernel.h"
#include "ops/pointwise/cplx_ops.h"

/* ---- keys and the stable index sort ------------------------------------------------------ */

typedef struct keys {
    bool ints;
    const double *d;
    const int64_t *i;
    bool desc;
} keys;

/* a before b? (NaN is the largest value) */
static inline bool key_less(const keys *k, int64_t a, int64_t b)
{
    if (k->ints)
        return k->desc ? k->i[a] > k->i[b] : k->i[a] < k->i[b];
    double x = k->d[a], y = k->d[b];
    if (k->desc)
        return (isnan(x) && !isnan(y)) || x > y;
    return (!isnan(x) && isnan(y)) || x < y;
}

static void merge_sort(const keys *k, int64_t *idx, int64_t *tmp, int64_t n)
{
    if (n < 2)
        return;
    if (n <= 16) { /* insertion sort (stable) */
        for (int64_t i = 1; i < n; i++) {
            int64_t v = idx[i], j = i;
            while (j > 0 && key_less(k, v, idx[j - 1])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        return;
    }
    int64_t h = n / 2;
    merge_sort(k, idx, tmp, h);
    merge_sort(k, idx + h, tmp, n - h);
    int64_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        tmp[o++] = key_less(k, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h)
        tmp[o++] = idx[i++];
    while (j < n)
        tmp[o++] = idx[j++];
    memcpy(idx, tmp, (size_t)n * sizeof *idx);
}

/* One row at a time: keys loaded from the row (of dtype), then sorted. */
typedef struct rowsort {
    int dtype, isz;
    bool ints;
    int64_t n;
    double *kd;
    int64_t *ki, *idx, *tmp;
} rowsort;

static pts_status rowsort_init(rowsort *r, int dtype, int64_t n)
{
    memset(r, 0, sizeof *r);
    r->dtype = dtype;
    r->isz = pts_dtype_get(dtype)->itemsize;
    r->ints = !pts_is_float(dtype);
    r->n = n;
    size_t m = (size_t)(n > 0 ? n : 1);
    r->kd = pts_malloc(m * sizeof(double));
    r->ki = pts_malloc(m * sizeof(int64_t));
    r->idx = pts_malloc(m * sizeof(int64_t));
    r->tmp = pts_malloc(m * sizeof(int64_t));
    if (!r->kd || !r->ki || !r->idx || !r->tmp)
        return pts_err_nomem("sort buffers", m * 32);
    return PTS_OK;
}

static void rowsort_free(rowsort *r)
{
    pts_free(r->kd);
    pts_free(r->ki);
    pts_free(r->idx);
    pts_free(r->tmp);
}

/* Load the keys of row `row` (contiguous, n elements of dtype). */
static void rowsort_load(rowsort *r, const char *row)
{
    for (int64_t j = 0; j < r->n; j++) {
        if (r->ints)
            r->ki[j] = pts_load_i64(row + j * r->isz, r->dtype);
        else
            r->kd[j] = pts_load_f64(row + j * r->isz, r->dtype);
        r->idx[j] = j;
    }
}

static void rowsort_sort(rowsort *r, bool desc)
{
    keys k = {r->ints, r->kd, r->ki, desc};
    merge_sort(&k, r->idx, r->tmp, r->n);
}

static bool rowsort_isnan(const rowsort *r, int64_t j) { return !r->ints && isnan(r->kd[j]); }

/* ---- sort / argsort / msort --------------------------------------------------------------- */

static pts_status sort_common(const char *opname, pts_tensor *t, int64_t dim, bool desc, pts_value *vals, pts_value *idxs)
{
    PTS_TRY(pts_check_real(opname, t->dtype));
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, opname, &d));
    bool mask[PTS_MAX_DIMS] = {false};
    if (t->ndim)
        mask[d] = true;
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, false, t->dtype, &r));
    int64_t sizes[PTS_MAX_DIMS];
    pts_dim_last_sizes(t, d, sizes);
    pts_tensor *vo = vals ? pts_tensor_empty(t->dtype, t->ndim, sizes) : NULL;
    pts_tensor *io = pts_tensor_empty(PTS_INT64, t->ndim, sizes);
    rowsort rs;
    pts_status st = (vals && !vo) || !io ? pts_err_last() : rowsort_init(&rs, t->dtype, r.inner);
    if (!st) {
        const char *src = pts_tensor_data(r.flat);
        for (int64_t i = 0; i < r.rows; i++) {
            const char *row = src + i * r.inner * rs.isz;
            rowsort_load(&rs, row);
            rowsort_sort(&rs, desc);
            int64_t *io_row = pts_i64(io) + i * r.inner;
            char *vo_row = vo ? (char *)pts_tensor_data(vo) + i * r.inner * rs.isz : NULL;
            for (int64_t j = 0; j < r.inner; j++) {
                io_row[j] = rs.idx[j];
                if (vo_row)
                    memcpy(vo_row + j * rs.isz, row + rs.idx[j] * rs.isz, (size_t)rs.isz);
            }
        }
    }
    if (io && (!vals || vo))
        rowsort_free(&rs);
    pts_obj_release(&r.flat->hdr);
    if (st) {
        pts_obj_release(vo ? &vo->hdr : NULL);
        pts_obj_release(io ? &io->hdr : NULL);
        return st;
    }
    if (vals) {
        st = pts_unpermute(vo, t->ndim, d, vals);
        if (st) {
            pts_obj_release(&io->hdr);
            return st;
        }
    }
    st = pts_unpermute(io, t->ndim, d, idxs);
    if (st && vals)
        pts_value_clear(vals);
    return st;
}

PTS_KERNEL(k_sort) { return sort_common(OPN, a->self, a->dim, a->descending, &rets[0], &rets[1]); }

/* sort.stable(self, *, stable?, dim, descending): every sort here is stable */
PTS_KERNEL(k_sort_stable) { return sort_common(OPN, a->self, a->dim, a->descending, &rets[0], &rets[1]); }

PTS_KERNEL(k_argsort) { return sort_common(OPN, a->self, a->dim, a->descending, NULL, &rets[0]); }

PTS_KERNEL(k_argsort_stable) { return sort_common(OPN, a->self, a->dim, a->descending, NULL, &rets[0]); }

PTS_KERNEL(k_msort)
{
    pts_value idx = pts_none();
    PTS_TRY(sort_common(OPN, a->self, 0, false, &rets[0], &idx));
    pts_value_release(idx);
    return PTS_OK;
}

/* ---- selections: topk, kthvalue, median, nanmedian -------------------------------------------- */

typedef enum sel_kind { SEL_TOPK, SEL_KTH, SEL_MEDIAN, SEL_NANMEDIAN } sel_kind;

/* Per row: pick `kout` elements (topk) or one (the others) after sorting. */
static pts_status select_common(const char *opname, pts_tensor *t, int64_t dim, sel_kind kind, int64_t k, bool largest,
                                bool keepdim, pts_value *vals, pts_value *idxs)
{
    PTS_TRY(pts_check_real(opname, t->dtype));
    if ((kind == SEL_MEDIAN || kind == SEL_NANMEDIAN) && t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"median_cpu\" not implemented for 'Bool'", opname);
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, opname, &d));
    int64_t n = t->ndim ? t->sizes[d] : 1;
    if (kind == SEL_TOPK && (k < 0 || k > n))
        return pts_err_set(PTS_ERR_INDEX, "%s: selected index k out of range", opname);
    if (kind == SEL_KTH && (k < 1 || k > n))
        return pts_err_set(PTS_ERR_INDEX, "%s: kthvalue(): selected number k out of range for dimension %d", opname, d);
    if ((kind == SEL_MEDIAN || kind == SEL_NANMEDIAN) && n == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: median(): Expected reduction dim %d to have non-zero size.", opname, d);
    bool mask[PTS_MAX_DIMS] = {false};
    if (t->ndim)
        mask[d] = true;
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, false, t->dtype, &r));
    int64_t kout = kind == SEL_TOPK ? k : 1;
    int64_t sizes[PTS_MAX_DIMS];
    pts_dim_last_sizes(t, d, sizes);
    if (t->ndim)
        sizes[t->ndim - 1] = kout;
    pts_tensor *vo = pts_tensor_empty(t->dtype, t->ndim, sizes);
    pts_tensor *io = pts_tensor_empty(PTS_INT64, t->ndim, sizes);
    rowsort rs;
    bool have_rs = false;
    pts_status st = !vo || !io ? pts_err_last() : PTS_OK;
    if (!st) {
        st = rowsort_init(&rs, t->dtype, r.inner);
        have_rs = true;
    }
    for (int64_t i = 0; !st && i < r.rows; i++) {
        const char *row = (const char *)pts_tensor_data(r.flat) + i * r.inner * rs.isz;
        rowsort_load(&rs, row);
        rowsort_sort(&rs, kind == SEL_TOPK && largest);
        int64_t pick[1];
        const int64_t *picks = rs.idx;
        if (kind == SEL_KTH) {
            pick[0] = rs.idx[k - 1];
            picks = pick;
        } else if (kind == SEL_MEDIAN || kind == SEL_NANMEDIAN) {
            int64_t valid = r.inner;
            while (valid > 0 && rowsort_isnan(&rs, rs.idx[valid - 1]))
                valid--;
            if (kind == SEL_MEDIAN && valid < r.inner) { /* NaN propagates: the first NaN */
                int64_t first = -1;
                for (int64_t j = 0; j < r.inner; j++)
                    if (rowsort_isnan(&rs, j)) {
                        first = j;
                        break;
                    }
                pick[0] = first;
            } else if (valid == 0) {
                pick[0] = rs.idx[0];
            } else {
                pick[0] = rs.idx[(valid - 1) / 2];
            }
            picks = pick;
        }
        char *vrow = (char *)pts_tensor_data(vo) + i * kout * rs.isz;
        int64_t *irow = pts_i64(io) + i * kout;
        for (int64_t j = 0; j < kout; j++) {
            irow[j] = picks[j];
            memcpy(vrow + j * rs.isz, row + picks[j] * rs.isz, (size_t)rs.isz);
        }
    }
    if (have_rs)
        rowsort_free(&rs);
    pts_obj_release(&r.flat->hdr);
    if (st) {
        pts_obj_release(vo ? &vo->hdr : NULL);
        pts_obj_release(io ? &io->hdr : NULL);
        return st;
    }
    if (kind != SEL_TOPK && !keepdim) { /* drop the (last, size-1) dim */
        vo->ndim = io->ndim = t->ndim ? t->ndim - 1 : 0;
        *vals = pts_ret_tensor(vo);
        *idxs = pts_ret_tensor(io);
        return PTS_OK;
    }
    st = pts_unpermute(vo, t->ndim, d, vals);
    if (st) {
        pts_obj_release(&io->hdr);
        return st;
    }
    st = pts_unpermute(io, t->ndim, d, idxs);
    if (st)
        pts_value_clear(vals);
    return st;
}

PTS_KERNEL(k_topk)
{
    return select_common(OPN, a->self, a->dim, SEL_TOPK, a->k, a->largest, false, &rets[0], &rets[1]);
}

PTS_KERNEL(k_kthvalue)
{
    return select_common(OPN, a->self, a->dim, SEL_KTH, a->k, false, a->keepdim, &rets[0], &rets[1]);
}

PTS_KERNEL(k_median_dim)
{
    return select_common(OPN, a->self, a->dim, SEL_MEDIAN, 0, false, a->keepdim, &rets[0], &rets[1]);
}

PTS_KERNEL(k_nanmedian_dim)
{
    return select_common(OPN, a->self, a->dim, SEL_NANMEDIAN, 0, false, a->keepdim, &rets[0], &rets[1]);
}

/* median() / nanmedian() of the whole tensor: a 0-dim result (NaN when empty). */
static pts_status median_all(const pts_op *op, pts_tensor *t, pts_value *rets, sel_kind kind)
{
    PTS_TRY(pts_check_real(OPN, t->dtype));
    if (t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"median_cpu\" not implemented for 'Bool'", OPN);
    int64_t n = pts_tensor_numel(t);
    if (n == 0) {
        pts_tensor *o = pts_tensor_from_scalar(pts_float(NAN), t->dtype);
        return pts_ret(o, rets);
    }
    int64_t one = n;
    int64_t stride = 1;
    pts_tensor *flat = pts_tensor_contiguous_copy(t);
    if (!flat)
        return pts_err_last();
    pts_tensor *v = pts_tensor_view_of(flat->storage, flat->dtype, 1, &one, &stride, 0);
    pts_obj_release(&flat->hdr);
    if (!v)
        return pts_err_last();
    pts_value vals = pts_none(), idxs = pts_none();
    pts_status st = select_common(OPN, v, 0, kind, 0, false, false, &vals, &idxs);
    pts_obj_release(&v->hdr);
    if (st)
        return st;
    pts_value_release(idxs);
    rets[0] = vals;
    return PTS_OK;
}

PTS_KERNEL(k_median) { return median_all(op, a->self, rets, SEL_MEDIAN); }
PTS_KERNEL(k_nanmedian) { return median_all(op, a->self, rets, SEL_NANMEDIAN); }

/* ---- cummax / cummin ------------------------------------------------------------------------------ */

static pts_status cum_extreme(const pts_op *op, pts_tensor *t, int64_t dim, pts_value *rets, bool is_max)
{
    PTS_TRY(pts_check_real(OPN, t->dtype));
    int d = 0;
    PTS_TRY(pts_wrap_dim(dim, t->ndim, OPN, &d));
    bool mask[PTS_MAX_DIMS] = {false};
    if (t->ndim)
        mask[d] = true;
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, false, t->dtype, &r));
    int64_t sizes[PTS_MAX_DIMS];
    pts_dim_last_sizes(t, d, sizes);
    pts_tensor *vo = pts_tensor_empty(t->dtype, t->ndim, sizes);
    pts_tensor *io = pts_tensor_empty(PTS_INT64, t->ndim, sizes);
    if (!vo || !io) {
        pts_obj_release(vo ? &vo->hdr : NULL);
        pts_obj_release(io ? &io->hdr : NULL);
        pts_obj_release(&r.flat->hdr);
        return pts_err_last();
    }
    int isz = pts_dtype_get(t->dtype)->itemsize;
    bool ints = !pts_is_float(t->dtype);
    for (int64_t i = 0; i < r.rows; i++) {
        const char *row = (const char *)pts_tensor_data(r.flat) + i * r.inner * isz;
        char *vrow = (char *)pts_tensor_data(vo) + i * r.inner * isz;
        int64_t *irow = pts_i64(io) + i * r.inner;
        int64_t best = 0;
        for (int64_t j = 0; j < r.inner; j++) {
            bool take = j == 0;
            if (!take && ints) {
                int64_t x = pts_load_i64(row + j * isz, t->dtype), c = pts_load_i64(row + best * isz, t->dtype);
                take = is_max ? x >= c : x <= c;
            } else if (!take) {
                double x = pts_load_f64(row + j * isz, t->dtype), c = pts_load_f64(row + best * isz, t->dtype);
                take = isnan(x) || (!isnan(c) && (is_max ? x >= c : x <= c));
            }
            if (take)
                best = j;
            irow[j] = best;
            memcpy(vrow + j * isz, row + best * isz, (size_t)isz);
        }
    }
    pts_obj_release(&r.flat->hdr);
    pts_status st = pts_unpermute(vo, t->ndim, d, &rets[0]);
    if (st) {
        pts_obj_release(&io->hdr);
        return st;
    }
    st = pts_unpermute(io, t->ndim, d, &rets[1]);
    if (st)
        pts_value_clear(&rets[0]);
    return st;
}

PTS_KERNEL(k_cummax) { return cum_extreme(op, a->self, a->dim, rets, true); }
PTS_KERNEL(k_cummin) { return cum_extreme(op, a->self, a->dim, rets, false); }

/* ---- aminmax, logcumsumexp, _unique2 ----------------------------------------------------------------- */

/* aminmax(self, *, dim?, keepdim) -> (min, max); NaN propagates */
PTS_KERNEL(k_aminmax)
{
    pts_tensor *t = a->self;
    PTS_TRY(pts_check_real(OPN, t->dtype));
    bool keep = a->keepdim;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, a->has_dim ? pts_int(a->dim) : pts_none(), t->ndim, true, mask));
    if (a->has_dim && t->ndim) {
        int d = 0;
        PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
        if (t->sizes[d] == 0)
            return pts_err_set(PTS_ERR_INDEX, "%s: aminmax: Expected reduction dim %d to have non-zero size.", OPN, d);
    } else if (pts_tensor_numel(t) == 0) {
        return pts_err_set(PTS_ERR_INDEX, "%s: aminmax(): cannot compute aminmax over an empty dimension as the operation "
                                          "has no identity.", OPN);
    }
    bool ints = !pts_is_float(t->dtype);
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, keep, ints ? PTS_INT64 : PTS_FLOAT64, &r));
    pts_tensor *lo = pts_tensor_empty(r.flat->dtype, r.out_nd, r.out_sizes);
    pts_tensor *hi = lo ? pts_tensor_empty(r.flat->dtype, r.out_nd, r.out_sizes) : NULL;
    if (hi)
        for (int64_t i = 0; i < r.rows; i++) {
            if (ints) {
                const int64_t *x = pts_i64(r.flat) + i * r.inner;
                int64_t a = x[0], b = x[0];
                for (int64_t j = 1; j < r.inner; j++) {
                    a = x[j] < a ? x[j] : a;
                    b = x[j] > b ? x[j] : b;
                }
                pts_i64(lo)[i] = a, pts_i64(hi)[i] = b;
            } else {
                const double *x = pts_f64(r.flat) + i * r.inner;
                double a = x[0], b = x[0];
                for (int64_t j = 1; j < r.inner && !isnan(a); j++) {
                    if (isnan(x[j]))
                        a = b = x[j];
                    else {
                        a = x[j] < a ? x[j] : a;
                        b = x[j] > b ? x[j] : b;
                    }
                }
                pts_f64(lo)[i] = a, pts_f64(hi)[i] = b;
            }
        }
    pts_obj_release(&r.flat->hdr);
    if (!hi) {
        pts_obj_release(lo ? &lo->hdr : NULL);
        return pts_err_last();
    }
    pts_status st = pts_ret_as(lo, t->dtype, &rets[0]);
    if (st) {
        pts_obj_release(&hi->hdr);
        return st;
    }
    st = pts_ret_as(hi, t->dtype, &rets[1]);
    if (st)
        pts_value_clear(&rets[0]);
    return st;
}

PTS_KERNEL(k_logcumsumexp)
{
    pts_tensor *t = a->self;
    bool cplx = t->dtype == PTS_COMPLEX64 || t->dtype == PTS_COMPLEX128;
    if (!pts_is_float(t->dtype) && !cplx)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"logcumsumexp_out_cpu\" not implemented for '%s'", OPN, pts_dtype_torch_name(t->dtype));
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    bool mask[PTS_MAX_DIMS] = {false};
    if (t->ndim)
        mask[d] = true;
    pts_rows r;
    PTS_TRY(pts_rows_make(t, mask, false, cplx ? PTS_COMPLEX128 : PTS_FLOAT64, &r));
    for (int64_t i = 0; cplx && i < r.rows; i++) { /* ATen accumulates complex in complex<double>, from -inf */
        double *x = pts_f64(r.flat) + 2 * i * r.inner, acc[2] = {-INFINITY, 0.0};
        for (int64_t j = 0; j < r.inner; j++) {
            pts_complex_logaddexp(x + 2 * j, acc, acc);
            x[2 * j] = acc[0], x[2 * j + 1] = acc[1];
        }
    }
    for (int64_t i = 0; !cplx && i < r.rows; i++) {
        double *x = pts_f64(r.flat) + i * r.inner, acc = -INFINITY;
        for (int64_t j = 0; j < r.inner; j++) {
            double v = x[j];
            if (isnan(v) || isnan(acc))
                acc = NAN;
            else if (isinf(v) && v < 0)
                ;
            else if (isinf(acc) && acc < 0)
                acc = v;
            else if (isinf(v) || isinf(acc))
                acc = v > acc ? v : acc;
            else {
                double m = v > acc ? v : acc;
                acc = m + log1p(exp(-fabs(v - acc)));
            }
            x[j] = acc;
        }
    }
    pts_tensor *o = r.flat;
    pts_value v = pts_none();
    PTS_TRY(pts_unpermute(o, t->ndim, d, &v));
    pts_tensor *res = pts_tensor_to_dtype(PTS_TENSOR(v), t->dtype);
    pts_value_release(v);
    return pts_ret(res, rets);
}

/* _unique2(self, sorted, return_inverse, return_counts): sorted unique values (NaNs each distinct) */
PTS_KERNEL(k_unique2)
{
    pts_tensor *t = a->self;
    PTS_TRY(pts_check_real(OPN, t->dtype));
    bool want_inv = a->return_inverse, want_cnt = a->return_counts;
    int64_t n = pts_tensor_numel(t), zero = 0;
    pts_tensor *flat = pts_tensor_contiguous_copy(t);
    if (!flat)
        return pts_err_last();
    rowsort rs;
    pts_status st = rowsort_init(&rs, t->dtype, n); /* rowsort_free is safe after a failed init */
    pts_tensor *vals = NULL, *inv = NULL, *cnt = NULL;
    int64_t nu = 0;
    if (!st) {
        rowsort_load(&rs, pts_tensor_data(flat));
        rowsort_sort(&rs, false);
        inv = pts_tensor_empty(PTS_INT64, want_inv ? t->ndim : 1, want_inv ? t->sizes : &zero);
        int64_t *group = pts_malloc((size_t)(n ? n : 1) * sizeof *group); /* sorted position -> unique id */
        if (!inv || !group) {
            pts_free(group);
            st = inv ? pts_err_nomem("unique", (size_t)n * 8) : pts_err_last();
        } else {
            for (int64_t j = 0; j < n; j++) {
                bool same = j > 0 && (rs.ints ? rs.ki[rs.idx[j]] == rs.ki[rs.idx[j - 1]]
                                              : rs.kd[rs.idx[j]] == rs.kd[rs.idx[j - 1]]);
                if (!same)
                    nu++;
                group[j] = nu - 1;
                if (want_inv)
                    pts_i64(inv)[rs.idx[j]] = nu - 1;
            }
            vals = pts_tensor_empty(t->dtype, 1, &nu);
            int64_t nc = want_cnt ? nu : 0;
            cnt = vals ? pts_tensor_zeros(PTS_INT64, 1, &nc) : NULL;
            if (!cnt) {
                st = pts_err_last();
            } else {
                for (int64_t j = 0; j < n; j++) {
                    if (j == 0 || group[j] != group[j - 1])
                        memcpy((char *)pts_tensor_data(vals) + group[j] * rs.isz,
                               (const char *)pts_tensor_data(flat) + rs.idx[j] * rs.isz, (size_t)rs.isz);
                    if (want_cnt)
                        pts_i64(cnt)[group[j]]++;
                }
            }
            pts_free(group);
        }
    }
    rowsort_free(&rs);
    pts_obj_release(&flat->hdr);
    if (st) {
        pts_obj_release(vals ? &vals->hdr : NULL);
        pts_obj_release(inv ? &inv->hdr : NULL);
        pts_obj_release(cnt ? &cnt->hdr : NULL);
        return st;
    }
    rets[0] = pts_ret_tensor(vals);
    rets[1] = pts_ret_tensor(inv);
    rets[2] = pts_ret_tensor(cnt);
    return PTS_OK;
}

/* ---- the table ------------------------------------------------------------------------------------- */

const pts_op_def pts_ops_sort[] = {
    PTS_OP("aten::sort(Tensor self, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", k_sort),
    PTS_OP("aten::sort.stable(Tensor self, *, bool? stable, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)", k_sort_stable),
    PTS_OP("aten::argsort(Tensor self, int dim=-1, bool descending=False) -> Tensor", k_argsort),
    PTS_OP("aten::argsort.stable(Tensor self, *, bool stable, int dim=-1, bool descending=False) -> Tensor", k_argsort_stable),
    PTS_OP("aten::msort(Tensor self) -> Tensor", k_msort),
    PTS_OP("aten::topk(Tensor self, SymInt k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)", k_topk),
    PTS_OP("aten::kthvalue(Tensor self, SymInt k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)", k_kthvalue),
    PTS_OP("aten::median(Tensor self) -> Tensor", k_median),
    PTS_OP("aten::median.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", k_median_dim),
    PTS_OP("aten::nanmedian(Tensor self) -> Tensor", k_nanmedian),
    PTS_OP("aten::nanmedian.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", k_nanmedian_dim),
    PTS_OP("aten::aminmax(Tensor self, *, int? dim=None, bool keepdim=False) -> (Tensor min, Tensor max)", k_aminmax),
    PTS_OP("aten::logcumsumexp(Tensor self, int dim) -> Tensor", k_logcumsumexp),
    PTS_OP("aten::_unique2(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False) -> (Tensor, Tensor, Tensor)", k_unique2),
    PTS_OP("aten::cummax(Tensor self, int dim) -> (Tensor values, Tensor indices)", k_cummax),
    PTS_OP("aten::cummin(Tensor self, int dim) -> (Tensor values, Tensor indices)", k_cummin),
    {NULL, NULL},
};
