/* reduce.c - reductions (sum, mean, prod, amax/amin, max/min with indices,
 * argmax/argmin, var/std (+_mean), norm, logsumexp, all/any) and scans
 * (cumsum, cumprod).
 *
 * Every reduction is laid out the same way: the kept dims are permuted to the
 * front and the reduced ones to the back, and the input is made contiguous
 * in the compute type (double for floating inputs, int64 for integer/bool
 * ones), giving `rows` independent runs of `inner` elements.  Rows are spread
 * over the thread pool; each row is reduced by reduce_row; the results are
 * stored into the output dtype.  Accumulating float32 in double keeps results
 * within torch's tolerances of its cascade sums.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops/compose.h"
#include "tensor/cplx.h"
#include "tensor/parallel.h"


typedef enum red_kind { R_SUM, R_PROD, R_MAX, R_MIN, R_ALL, R_ANY, R_MEAN, R_VAR, R_NORM, R_LSE } red_kind;

typedef struct red {
    const char *name;
    red_kind kind;
    bool want_index;   /* max/min/argmax/argmin: also the index of the extreme */
    bool ints;         /* data is int64 (else double) */
    double p;          /* norm order / var correction */
    int round_dtype;   /* prod into float16/bfloat16: round after every step, as torch's half accumulator */
    int64_t rows, inner;
    const char *data;  /* rows x inner, contiguous */
    double *outv;      /* rows: values (double data) */
    int64_t *outvi;    /* rows: values (int64 data) */
    int64_t *outi;     /* rows: indices of the extreme (max/min) */
    double *outm;      /* rows: means (var) */
} red;

/* ---- per-row kernels ------------------------------------------------------------------ */

static double absmax(const double *x, int64_t n, bool want_max)
{
    double m = want_max ? 0 : INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double a = fabs(x[i]);
        if (isnan(a))
            return a;
        m = want_max ? (a > m ? a : m) : (a < m ? a : m);
    }
    return m;
}

static double norm_row(double p, const double *x, int64_t n)
{
    double acc = 0;
    if (isinf(p))
        return absmax(x, n, p > 0);
    if (p == 0) {
        for (int64_t i = 0; i < n; i++)
            acc += x[i] != 0;
        return acc;
    }
    if (p == 1) {
        for (int64_t i = 0; i < n; i++)
            acc += fabs(x[i]);
        return acc;
    }
    if (p == 2) {
        for (int64_t i = 0; i < n; i++)
            acc += x[i] * x[i];
        return sqrt(acc);
    }
    for (int64_t i = 0; i < n; i++)
        acc += pow(fabs(x[i]), p);
    return pow(acc, 1.0 / p);
}

/* log(sum(exp(x))) shifted by the max (0 when the max is infinite), as torch. */
static double lse_row(const double *x, int64_t n)
{
    double m = -INFINITY, acc = 0;
    for (int64_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            return x[i];
        if (x[i] > m)
            m = x[i];
    }
    if (isinf(m))
        m = 0;
    for (int64_t i = 0; i < n; i++)
        acc += exp(x[i] - m);
    return log(acc) + m;
}

static void row_double(const red *r, const double *x, int64_t n, int64_t row)
{
    double acc = 0, m;
    int64_t idx = 0;
    switch (r->kind) {
    case R_SUM:
    case R_MEAN:
        for (int64_t i = 0; i < n; i++)
            acc += x[i];
        r->outv[row] = r->kind == R_MEAN ? acc / (double)n : acc;
        return;
    case R_PROD:
        acc = 1;
        if (r->round_dtype == PTS_FLOAT16)
            for (int64_t i = 0; i < n; i++)
                acc = pts_half_to_float(pts_float_to_half((float)acc * (float)x[i]));
        else if (r->round_dtype == PTS_BFLOAT16)
            for (int64_t i = 0; i < n; i++)
                acc = pts_bf16_to_float(pts_float_to_bf16((float)acc * (float)x[i]));
        else
            for (int64_t i = 0; i < n; i++)
                acc *= x[i];
        r->outv[row] = acc;
        return;
    case R_MAX:
    case R_MIN:
        m = x[0];
        for (int64_t i = 1; i < n && !isnan(m); i++)
            if (isnan(x[i]) || (r->kind == R_MAX ? x[i] > m : x[i] < m)) {
                m = x[i];
                idx = i;
            }
        r->outv[row] = m;
        r->outi[row] = idx;
        return;
    case R_ALL:
    case R_ANY: {
        bool all = true, any = false;
        for (int64_t i = 0; i < n; i++) {
            all = all && x[i] != 0;
            any = any || x[i] != 0;
        }
        r->outv[row] = r->kind == R_ALL ? all : any;
        return;
    }
    case R_VAR: {
        /* var alone: two passes (torch's CPU path for one reduced dim);
         * var_mean: Welford, whose running mean turns inf mixed with finite
         * values into NaN exactly as torch's WelfordOps does */
        double mean = 0, ss = 0;
        if (r->outm) {
            for (int64_t i = 0; i < n; i++) {
                double delta = x[i] - mean;
                mean += delta / (double)(i + 1);
                ss += delta * (x[i] - mean);
            }
        } else {
            for (int64_t i = 0; i < n; i++)
                mean += x[i];
            mean /= (double)n;
            for (int64_t i = 0; i < n; i++)
                ss += (x[i] - mean) * (x[i] - mean);
        }
        double den = (double)n - r->p;
        r->outv[row] = ss / (den > 0 ? den : 0);
        if (r->outm)
            r->outm[row] = n ? mean : NAN;
        return;
    }
    case R_NORM: r->outv[row] = norm_row(r->p, x, n); return;
    case R_LSE: r->outv[row] = lse_row(x, n); return;
    }
}

static void row_int(const red *r, const int64_t *x, int64_t n, int64_t row)
{
    uint64_t acc;
    int64_t m, idx = 0;
    bool all = true, any = false;
    switch (r->kind) {
    case R_SUM:
    case R_PROD:
        acc = r->kind == R_PROD;
        for (int64_t i = 0; i < n; i++)
            acc = r->kind == R_PROD ? acc * (uint64_t)x[i] : acc + (uint64_t)x[i];
        r->outvi[row] = (int64_t)acc;
        return;
    case R_MAX:
    case R_MIN:
        m = x[0];
        for (int64_t i = 1; i < n; i++)
            if (r->kind == R_MAX ? x[i] > m : x[i] < m) {
                m = x[i];
                idx = i;
            }
        r->outvi[row] = m;
        r->outi[row] = idx;
        return;
    case R_ALL:
    case R_ANY:
        for (int64_t i = 0; i < n; i++) {
            all = all && x[i] != 0;
            any = any || x[i] != 0;
        }
        r->outvi[row] = r->kind == R_ALL ? all : any;
        return;
    default: r->outvi[row] = 0; return;
    }
}

static void rows_range(void *ctx, int64_t b, int64_t e)
{
    red *r = ctx;
    for (int64_t i = b; i < e; i++) {
        if (r->ints)
            row_int(r, (const int64_t *)r->data + i * r->inner, r->inner, i);
        else
            row_double(r, (const double *)r->data + i * r->inner, r->inner, i);
    }
}

/* ---- layout ----------------------------------------------------------------------------------- */

typedef struct red_shape {
    int out_nd;
    int64_t out_sizes[PTS_MAX_DIMS];
    pts_tensor *flat; /* contiguous rows x inner in the compute type (owned) */
} red_shape;

static pts_status red_layout(const char *opname, pts_tensor *t, const bool *mask, bool keepdim, bool ints, red_shape *rs,
                             int64_t *rows, int64_t *inner)
{
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int n = 0;
    *rows = 1;
    *inner = 1;
    rs->out_nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (mask[i]) {
            if (keepdim)
                rs->out_sizes[rs->out_nd++] = 1;
            continue;
        }
        rs->out_sizes[rs->out_nd++] = t->sizes[i];
        sizes[n] = t->sizes[i];
        strides[n++] = t->strides[i];
        *rows *= t->sizes[i];
    }
    for (int i = 0; i < t->ndim; i++)
        if (mask[i]) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
            *inner *= t->sizes[i];
        }
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, n, sizes, strides, t->offset);
    if (!v)
        return pts_err_last();
    rs->flat = pts_tensor_as_contiguous(v, ints ? PTS_INT64 : PTS_FLOAT64);
    pts_obj_release(&v->hdr);
    (void)opname;
    return rs->flat ? PTS_OK : pts_err_last();
}

/* Run reduction r over t (mask of reduced dims); outputs: values in vdtype
 * (always) and, if want_index, int64 indices. */
static pts_status run_reduce(red *r, pts_tensor *t, const bool *mask, bool keepdim, int vdtype, pts_value *vals,
                             pts_value *idxs)
{
    red_shape rs;
    r->ints = pts_dtype_category(t->dtype) <= PTS_CAT_INT && r->kind <= R_ANY;
    PTS_TRY(red_layout(r->name, t, mask, keepdim, r->ints, &rs, &r->rows, &r->inner));
    if (r->inner == 0 && (r->kind == R_MAX || r->kind == R_MIN) && r->rows > 0) {
        pts_obj_release(&rs.flat->hdr);
        return pts_err_set(PTS_ERR_INDEX, "%s: Expected reduction dim to be specified for input.numel() == 0. Specify the "
                                          "reduction dim with the 'dim' argument.", r->name);
    }
    r->data = pts_tensor_data(rs.flat);
    size_t rows = (size_t)(r->rows > 0 ? r->rows : 1);
    r->outv = pts_calloc(rows, sizeof *r->outv);
    r->outvi = pts_calloc(rows, sizeof *r->outvi);
    r->outi = pts_calloc(rows, sizeof *r->outi);
    bool want_mean = r->kind == R_VAR && idxs;
    r->outm = want_mean ? pts_calloc(rows, sizeof *r->outm) : NULL;
    pts_tensor *vt = pts_tensor_empty(vdtype, rs.out_nd, rs.out_sizes);
    pts_tensor *it = r->want_index ? pts_tensor_empty(PTS_INT64, rs.out_nd, rs.out_sizes)
                     : want_mean   ? pts_tensor_empty(vdtype, rs.out_nd, rs.out_sizes)
                                   : NULL;
    pts_status st = PTS_OK;
    if (!r->outv || !r->outvi || !r->outi || (want_mean && !r->outm) || !vt || ((r->want_index || want_mean) && !it)) {
        st = pts_err_nomem("reduction results", rows * 8);
    } else {
        int64_t grain = r->inner > 0 ? 32768 / r->inner + 1 : 32768;
        pts_parallel_for(r->rows, grain, rows_range, r);
        int isz = pts_dtype_get(vdtype)->itemsize;
        for (int64_t i = 0; i < r->rows; i++) {
            char *p = (char *)pts_tensor_data(vt) + i * isz;
            if (r->ints)
                pts_store_i64(p, vdtype, r->outvi[i]);
            else
                pts_store_f64(p, vdtype, r->outv[i]);
            if (r->want_index)
                ((int64_t *)pts_tensor_data(it))[i] = r->outi[i];
            else if (want_mean)
                pts_store_f64((char *)pts_tensor_data(it) + i * isz, vdtype, r->outm[i]);
        }
    }
    pts_free(r->outv);
    pts_free(r->outvi);
    pts_free(r->outi);
    pts_free(r->outm);
    pts_obj_release(&rs.flat->hdr);
    if (st) {
        if (vt)
            pts_obj_release(&vt->hdr);
        if (it)
            pts_obj_release(&it->hdr);
        return st;
    }
    *vals = pts_ret_tensor(vt);
    if (it)
        *idxs = pts_ret_tensor(it);
    return PTS_OK;
}

static red new_red(const char *name, red_kind kind)
{
    red r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.kind = kind;
    return r;
}

/* ---- sum / mean / prod ------------------------------------------------------------------------- */

/* dtype of sum/prod: dtype= if given (dt >= 0), else int64 for integer/bool inputs. */
static int sum_dtype(pts_tensor *t, int dt)
{
    if (dt >= 0)
        return dt;
    return pts_dtype_category(t->dtype) <= PTS_CAT_INT ? PTS_INT64 : t->dtype;
}

/* sum / mean / prod of a complex tensor (src already in the result dtype `out`): each row
 * accumulated in double complex over a complex128 copy, stored once into `out` */
static pts_status reduce_complex(const char *opname, pts_tensor *src, const bool *mask, bool keepdim, red_kind kind,
                                 int out, pts_value *rets)
{
    pts_rows rw;
    PTS_TRY(pts_rows_make(src, mask, keepdim, PTS_COMPLEX128, &rw));
    pts_tensor *vt = pts_tensor_empty(PTS_COMPLEX128, rw.out_nd, rw.out_sizes);
    if (!vt) {
        pts_obj_release(&rw.flat->hdr);
        return pts_err_last();
    }
    const double complex *x = pts_tensor_data(rw.flat);
    double complex *o = pts_tensor_data(vt);
    for (int64_t i = 0; i < rw.rows; i++) {
        const double complex *row = x + i * rw.inner;
        double complex acc = kind == R_PROD ? 1 : 0;
        for (int64_t j = 0; j < rw.inner; j++)
            acc = kind == R_PROD ? acc * row[j] : acc + row[j];
        if (kind == R_MEAN)
            acc = acc / (double)rw.inner;
        o[i] = acc;
    }
    pts_obj_release(&rw.flat->hdr);
    (void)opname;
    return pts_ret_as(vt, out, rets);
}

/* dtv: the dtype= argument, -1 for None */
static pts_status reduce_simple(const pts_op *op, pts_tensor *t, pts_value *rets, red_kind kind, pts_value dimv,
                                bool keepdim, int dtv)
{
    int out = sum_dtype(t, dtv);
    if (kind == R_MEAN) {
        int in = dtv >= 0 ? out : t->dtype;
        if (pts_dtype_category(in) < PTS_CAT_FLOAT)
            return pts_err_set(PTS_ERR_TYPE, "%s: mean(): could not infer output dtype. Input dtype must be either a floating "
                                             "point or complex dtype. Got: %s", OPN, pts_dtype_get(in)->name);
        out = in;
    }
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dimv, t->ndim, true, mask));
    pts_tensor *src = t;
    if (dtv >= 0 && out != t->dtype) { /* dtype=: cast the input first */
        src = pts_tensor_to_dtype(t, out);
        if (!src)
            return pts_err_last();
    }
    if (out == PTS_COMPLEX64 || out == PTS_COMPLEX128 || src->dtype == PTS_COMPLEX64 || src->dtype == PTS_COMPLEX128) {
        pts_status cst = reduce_complex(OPN, src, mask, keepdim, kind, out, rets);
        if (src != t)
            pts_obj_release(&src->hdr);
        return cst;
    }
    red r = new_red(OPN, kind);
    if (kind == R_PROD && (out == PTS_FLOAT16 || out == PTS_BFLOAT16))
        r.round_dtype = out;
    pts_status st = run_reduce(&r, src, mask, keepdim, out, rets, NULL);
    if (src != t)
        pts_obj_release(&src->hdr);
    return st;
}

PTS_KERNEL(k_sum) { return reduce_simple(op, a->self, rets, R_SUM, pts_none(), false, a->dtype); }
PTS_KERNEL(k_sum_dim) { return reduce_simple(op, a->self, rets, R_SUM, a->dim, a->keepdim, a->dtype); }
PTS_KERNEL(k_mean) { return reduce_simple(op, a->self, rets, R_MEAN, pts_none(), false, a->dtype); }
PTS_KERNEL(k_mean_dim) { return reduce_simple(op, a->self, rets, R_MEAN, a->dim, a->keepdim, a->dtype); }
PTS_KERNEL(k_prod) { return reduce_simple(op, a->self, rets, R_PROD, pts_none(), false, a->dtype); }
PTS_KERNEL(k_prod_dim) { return reduce_simple(op, a->self, rets, R_PROD, pts_int(a->dim), a->keepdim, a->dtype); }

/* ---- max / min / argmax / argmin / amax / amin ---------------------------------------------------- */

static pts_status extreme(const pts_op *op, pts_tensor *t, red_kind kind, pts_value dimv, bool keepdim, pts_value *vals,
                          pts_value *idxs)
{
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dimv, t->ndim, true, mask));
    red r = new_red(OPN, kind);
    r.want_index = idxs != NULL;
    if (t->dtype == PTS_BOOL || pts_dtype_category(t->dtype) > PTS_CAT_FLOAT)
        if (pts_dtype_category(t->dtype) == PTS_CAT_COMPLEX)
            return pts_err_set(PTS_ERR_TYPE, "%s: not implemented for complex tensors", OPN);
    return run_reduce(&r, t, mask, keepdim, t->dtype, vals, idxs);
}

PTS_KERNEL(k_max_all)
{
    pts_tensor *t = a->self;
    if (pts_tensor_numel(t) == 0)
        return pts_err_set(PTS_ERR_INDEX, "%s: max(): Expected reduction dim to be specified for input.numel() == 0. "
                                          "Specify the reduction dim with the 'dim' argument.", OPN);
    return extreme(op, t, strcmp(OPN, "aten::max") == 0 ? R_MAX : R_MIN, pts_none(), false, rets, NULL);
}

PTS_KERNEL(k_max_dim)
{
    return extreme(op, a->self, strcmp(OPN, "aten::max") == 0 ? R_MAX : R_MIN, pts_int(a->dim), a->keepdim, &rets[0],
                   &rets[1]);
}

PTS_KERNEL(k_amax)
{
    return extreme(op, a->self, strcmp(OPN, "aten::amax") == 0 ? R_MAX : R_MIN, a->dim, a->keepdim, rets, NULL);
}

PTS_KERNEL(k_argmax)
{
    pts_tensor *t = a->self;
    red_kind kind = strcmp(OPN, "aten::argmax") == 0 ? R_MAX : R_MIN;
    if (t->dtype == PTS_BOOL)
        return pts_err_set(PTS_ERR_TYPE, "%s: %s(): does not support bool input", OPN, OPN + 6);
    pts_value vals, idx;
    pts_status st;
    if (!a->has_dim) { /* over the flattened tensor */
        if (pts_tensor_numel(t) == 0)
            return pts_err_set(PTS_ERR_INDEX, "%s: Expected reduction dim to be specified for input.numel() == 0.", OPN);
        st = extreme(op, t, kind, pts_none(), a->keepdim, &vals, &idx);
    } else {
        st = extreme(op, t, kind, pts_int(a->dim), a->keepdim, &vals, &idx);
    }
    if (st)
        return st;
    pts_value_release(vals);
    rets[0] = idx;
    return PTS_OK;
}

/* max.other / min.other: elementwise, delegated to maximum / minimum */
PTS_KERNEL(k_max_other)
{
    const pts_op *m = pts_ops_find(strcmp(OPN, "aten::max") == 0 ? "aten::maximum" : "aten::minimum");
    if (!m)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: maximum/minimum not registered", OPN);
    pts_value operands[2] = {pts_tensor_val(a->self), pts_tensor_val(a->other)}; /* maximum(self, other) */
    return m->fn(m, operands, rets);
}

/* ---- var / std / norm / logsumexp ----------------------------------------------------------------- */

static pts_status float_input(const pts_op *op, pts_tensor *t)
{
    if (pts_dtype_category(t->dtype) != PTS_CAT_FLOAT)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected a floating point tensor as input, got %s", OPN,
                           pts_dtype_get(t->dtype)->name);
    return PTS_OK;
}

static pts_status var_common(const pts_op *op, pts_tensor *t, pts_value *rets, pts_value dimv, double correction,
                             bool keepdim, int which);

/* var/std (+_mean) of a complex tensor as torch computes it: var(real) + var(imag) (a real result),
 * std its square root, the mean complex(mean(real), mean(imag)) */
static pts_status var_complex(const pts_op *op, pts_tensor *t, pts_value *rets, pts_value dimv, double correction,
                              bool keepdim, int which)
{
    pts_value parts[2] = {pts_none(), pts_none()}, vr[2] = {pts_none(), pts_none()}, mn[2] = {pts_none(), pts_none()};
    pts_value tv = pts_tv(t), sum = pts_none();
    pts_status st = pts_call("aten::real", 1, &tv, &parts[0]);
    if (!st)
        st = pts_call("aten::imag", 1, &tv, &parts[1]);
    for (int k = 0; k < 2 && !st; k++) {
        pts_value r2[2] = {pts_none(), pts_none()};
        st = var_common(op, PTS_TENSOR(parts[k]), r2, dimv, correction, keepdim, which >= 2 ? 2 : 0);
        vr[k] = r2[0], mn[k] = r2[1];
    }
    if (!st) {
        pts_value args[2] = {vr[0], vr[1]};
        st = pts_call("aten::add.Tensor", 2, args, &sum);
    }
    if (!st && (which & 1)) {
        pts_value s2 = pts_none();
        st = pts_call("aten::sqrt", 1, &sum, &s2);
        pts_value_release(sum);
        sum = s2;
    }
    if (!st && which >= 2) {
        pts_value args[2] = {mn[0], mn[1]};
        st = pts_call("aten::complex", 2, args, &rets[1]);
    }
    if (!st)
        rets[0] = sum;
    else
        pts_value_release(sum);
    for (int k = 0; k < 2; k++) {
        pts_value_release(parts[k]);
        pts_value_release(vr[k]);
        pts_value_release(mn[k]);
    }
    return st;
}

/* which: 0 var, 1 std, 2 var_mean, 3 std_mean */
static pts_status var_common(const pts_op *op, pts_tensor *t, pts_value *rets, pts_value dimv, double correction,
                             bool keepdim, int which)
{
    if (t->dtype == PTS_COMPLEX64 || t->dtype == PTS_COMPLEX128)
        return var_complex(op, t, rets, dimv, correction, keepdim, which);
    PTS_TRY(float_input(op, t));
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dimv, t->ndim, true, mask));
    red r = new_red(OPN, R_VAR);
    r.p = correction;
    pts_value mean = pts_none();
    PTS_TRY(run_reduce(&r, t, mask, keepdim, PTS_FLOAT64, &rets[0], which >= 2 ? &mean : NULL));
    pts_status st = PTS_OK;
    pts_tensor *v = PTS_TENSOR(rets[0]);
    int64_t n = pts_tensor_numel(v);
    if (which & 1)
        for (int64_t i = 0; i < n; i++)
            ((double *)pts_tensor_data(v))[i] = sqrt(((double *)pts_tensor_data(v))[i]);
    if (t->dtype != PTS_FLOAT64) {
        pts_tensor *c = pts_tensor_to_dtype(v, t->dtype);
        pts_tensor *m = which >= 2 ? pts_tensor_to_dtype(PTS_TENSOR(mean), t->dtype) : NULL;
        pts_value_release(rets[0]);
        pts_value_release(mean);
        rets[0] = c ? pts_ret_tensor(c) : pts_none();
        mean = m ? pts_ret_tensor(m) : pts_none();
        if (!c || (which >= 2 && !m))
            st = pts_err_last();
    }
    if (!st && which >= 2)
        rets[1] = mean;
    else
        pts_value_release(mean);
    return st;
}

/* Scalar? correction: 1 for None */
static double correction_of(pts_value correction)
{
    return correction.tag == PTS_T_NONE ? 1.0 : pts_arg_double(correction);
}

static int var_which(const pts_op *op)
{
    const char *n = OPN + 6; /* after "aten::" */
    return strncmp(n, "std", 3) == 0 ? (strstr(n, "_mean") ? 3 : 1) : (strstr(n, "_mean") ? 2 : 0);
}

PTS_KERNEL(k_var) { return var_common(op, a->self, rets, pts_none(), a->unbiased ? 1.0 : 0.0, false, var_which(op)); }

PTS_KERNEL(k_var_dim)
{
    return var_common(op, a->self, rets, a->dim, a->unbiased ? 1.0 : 0.0, a->keepdim, var_which(op));
}

PTS_KERNEL(k_var_correction)
{
    return var_common(op, a->self, rets, a->dim, correction_of(a->correction), a->keepdim, var_which(op));
}

/* dtv: the dtype= argument, -1 for none */
static pts_status norm_common(const pts_op *op, pts_tensor *t, pts_value p, pts_value dimv, bool keepdim, int dtv,
                              pts_value *rets)
{
    if ((t->dtype == PTS_COMPLEX64 || t->dtype == PTS_COMPLEX128) && (dtv < 0 || dtv == t->dtype)) {
        /* the norm of the moduli (a real result, as torch's) */
        pts_value tv = pts_tv(t), m = pts_none();
        PTS_TRY(pts_call("aten::abs", 1, &tv, &m));
        pts_status st = norm_common(op, PTS_TENSOR(m), p, dimv, keepdim, -1, rets);
        pts_value_release(m);
        return st;
    }
    PTS_TRY(float_input(op, t));
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dimv, t->ndim, true, mask));
    red r = new_red(OPN, R_NORM);
    r.p = p.tag == PTS_T_NONE ? 2.0 : pts_arg_double(p);
    int out = dtv >= 0 ? dtv : t->dtype;
    return run_reduce(&r, t, mask, keepdim, out, rets, NULL);
}

PTS_KERNEL(k_norm) { return norm_common(op, a->self, a->p, pts_none(), false, -1, rets); }
PTS_KERNEL(k_norm_dim) { return norm_common(op, a->self, a->p, a->dim, a->keepdim, -1, rets); }
PTS_KERNEL(k_norm_dim_dtype) { return norm_common(op, a->self, a->p, a->dim, a->keepdim, a->dtype, rets); }
PTS_KERNEL(k_norm_dtype) { return norm_common(op, a->self, a->p, pts_none(), false, a->dtype, rets); }

/* logsumexp of a complex tensor, as torch's: m = amax(real(x)) over the row (0 where it is
 * infinite), log(sum(exp(x - m))) + m; x - m, exp and log in the input's complex dtype, the sum
 * accumulated in double complex */
static pts_status logsumexp_complex(pts_tensor *t, const bool *mask, bool keepdim, pts_value *rets)
{
    pts_rows rw;
    PTS_TRY(pts_rows_make(t, mask, keepdim, t->dtype, &rw));
    pts_tensor *o = pts_tensor_empty(t->dtype, rw.out_nd, rw.out_sizes);
    if (!o) {
        pts_obj_release(&rw.flat->hdr);
        return pts_err_last();
    }
    for (int64_t i = 0; i < rw.rows; i++) {
        if (t->dtype == PTS_COMPLEX64) {
            const float complex *row = (const float complex *)pts_tensor_data(rw.flat) + i * rw.inner;
            float m = -INFINITY;
            for (int64_t j = 0; j < rw.inner; j++)
                m = (isnan(crealf(row[j])) || isnan(m)) ? NAN : (crealf(row[j]) > m ? crealf(row[j]) : m);
            if (isinf(m))
                m = 0;
            double complex acc = 0;
            for (int64_t j = 0; j < rw.inner; j++)
                acc += cexpf(CMPLXF(crealf(row[j]) - m, cimagf(row[j])));
            float complex l = clogf(CMPLXF((float)creal(acc), (float)cimag(acc)));
            ((float complex *)pts_tensor_data(o))[i] = CMPLXF(crealf(l) + m, cimagf(l));
        } else {
            const double complex *row = (const double complex *)pts_tensor_data(rw.flat) + i * rw.inner;
            double m = -INFINITY;
            for (int64_t j = 0; j < rw.inner; j++)
                m = (isnan(creal(row[j])) || isnan(m)) ? NAN : (creal(row[j]) > m ? creal(row[j]) : m);
            if (isinf(m))
                m = 0;
            double complex acc = 0;
            for (int64_t j = 0; j < rw.inner; j++)
                acc += cexp(CMPLX(creal(row[j]) - m, cimag(row[j])));
            double complex l = clog(acc);
            ((double complex *)pts_tensor_data(o))[i] = CMPLX(creal(l) + m, cimag(l));
        }
    }
    pts_obj_release(&rw.flat->hdr);
    return pts_ret(o, rets);
}

PTS_KERNEL(k_logsumexp)
{
    pts_tensor *t = a->self;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, a->dim, t->ndim, true, mask));
    if (t->dtype == PTS_COMPLEX64 || t->dtype == PTS_COMPLEX128) {
        /* torch's complex path squeezes its kept row maxima by the dims given: with dim=[] (every dim)
         * and keepdim=False they keep their size-1 dims and the final add refuses the shapes */
        int64_t dims[PTS_MAX_DIMS];
        int nd = 0;
        PTS_TRY(pts_arg_int_list(a->dim, dims, PTS_MAX_DIMS, &nd, 0, "dim"));
        if (nd == 0 && !a->keepdim && t->ndim > 0 && pts_tensor_numel(t) > 0) {
            char shape[64];
            int k = snprintf(shape, sizeof shape, "[1");
            for (int i = 1; i < t->ndim && k > 0 && k < (int)sizeof shape - 4; i++)
                k += snprintf(shape + k, sizeof shape - (size_t)k, ", 1");
            return pts_err_set(PTS_ERR_VALUE, "%s: output with shape [] doesn't match the broadcast shape %s]", OPN, shape);
        }
        return logsumexp_complex(t, mask, a->keepdim, rets);
    }
    red r = new_red(OPN, R_LSE);
    return run_reduce(&r, t, mask, a->keepdim, pts_float_op_dtype(t->dtype), rets, NULL);
}

/* ---- all / any --------------------------------------------------------------------------------------- */

/* all / any over dimv (None: every dim) */
static pts_status all_any(const pts_op *op, pts_tensor *t, pts_value dimv, bool keep, pts_value *rets)
{
    bool is_all = strcmp(OPN, "aten::all") == 0;
    bool mask[PTS_MAX_DIMS];
    PTS_TRY(pts_dims_mask(OPN, dimv, t->ndim, true, mask));
    red r = new_red(OPN, is_all ? R_ALL : R_ANY);
    return run_reduce(&r, t, mask, keep, t->dtype == PTS_UINT8 ? PTS_UINT8 : PTS_BOOL, rets, NULL);
}

PTS_KERNEL(k_all) { return all_any(op, a->self, pts_none(), false, rets); }
PTS_KERNEL(k_all_dim) { return all_any(op, a->self, pts_int(a->dim), a->keepdim, rets); }
PTS_KERNEL(k_all_dims) { return all_any(op, a->self, a->dim, a->keepdim, rets); }

/* ---- cumsum / cumprod ------------------------------------------------------------------------------------ */

PTS_KERNEL(k_cumsum)
{
    pts_tensor *t = a->self;
    bool prod = strcmp(OPN, "aten::cumprod") == 0;
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, OPN, &d));
    int out = sum_dtype(t, a->dtype);
    bool ints = pts_dtype_category(out) <= PTS_CAT_INT;
    /* complex: accumulated in complex128 (torch's acc_type of complex<float> is complex<double>) */
    bool cplx = out == PTS_COMPLEX64 || out == PTS_COMPLEX128;
    /* move d last: rows x n contiguous in the compute type */
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d) {
            sizes[k] = t->sizes[i];
            strides[k++] = t->strides[i];
        }
    int64_t n = t->ndim ? t->sizes[d] : 1;
    sizes[k] = n;
    strides[k++] = t->ndim ? t->strides[d] : 1;
    pts_tensor *v = pts_tensor_view_of(t->storage, t->dtype, k, sizes, strides, t->offset);
    if (v && cplx && !pts_dtype_is_complex(v->dtype)) { /* dtype=complex of a real input: widen first */
        pts_tensor *c = pts_tensor_to_dtype(v, out);
        pts_obj_release(&v->hdr);
        v = c;
    } else if (v && !cplx && pts_dtype_is_complex(v->dtype)) {
        pts_obj_release(&v->hdr);
        return pts_err_set(PTS_ERR_TYPE, "%s: a complex input needs a complex dtype (got %s)", OPN,
                           pts_dtype_torch_name(out));
    }
    pts_tensor *flat = v ? pts_tensor_as_contiguous(v, ints ? PTS_INT64 : cplx ? PTS_COMPLEX128 : PTS_FLOAT64) : NULL;
    if (v)
        pts_obj_release(&v->hdr);
    if (flat && flat->storage == t->storage) { /* already contiguous in the compute type: the scan
                                                   below runs in place, so never on the input */
        pts_tensor *own = pts_tensor_contiguous_copy(flat);
        pts_obj_release(&flat->hdr);
        flat = own;
    }
    if (!flat)
        return pts_err_last();
    int64_t total = pts_tensor_numel(flat), rows = n ? total / n : 0;
    for (int64_t r = 0; r < rows; r++) {
        if (cplx) {
            double ar = prod ? 1 : 0, ai = 0;
            double *x = (double *)pts_tensor_data(flat) + 2 * r * n;
            for (int64_t i = 0; i < n; i++) {
                double xr = x[2 * i], xi = x[2 * i + 1];
                if (prod) { /* c10::complex's textbook product */
                    double nr = ar * xr - ai * xi;
                    ai = ar * xi + ai * xr;
                    ar = nr;
                } else {
                    ar += xr, ai += xi;
                }
                x[2 * i] = ar, x[2 * i + 1] = ai;
            }
        } else if (ints) {
            uint64_t acc = prod ? 1 : 0;
            int64_t *x = (int64_t *)pts_tensor_data(flat) + r * n;
            for (int64_t i = 0; i < n; i++)
                x[i] = (int64_t)(acc = prod ? acc * (uint64_t)x[i] : acc + (uint64_t)x[i]);
        } else {
            double acc = prod ? 1 : 0;
            double *x = (double *)pts_tensor_data(flat) + r * n;
            for (int64_t i = 0; i < n; i++)
                x[i] = acc = prod ? acc * x[i] : acc + x[i];
        }
    }
    /* write back through the permuted view of a new output */
    pts_tensor *res = pts_tensor_empty(out, t->ndim, t->sizes);
    pts_status st = res ? PTS_OK : pts_err_last();
    if (!st) {
        int64_t os[PTS_MAX_DIMS], ost[PTS_MAX_DIMS];
        k = 0;
        for (int i = 0; i < t->ndim; i++)
            if (i != d) {
                os[k] = res->sizes[i];
                ost[k++] = res->strides[i];
            }
        os[k] = n;
        ost[k++] = t->ndim ? res->strides[d] : 1;
        pts_tensor *rv = pts_tensor_view_of(res->storage, out, k, os, ost, 0);
        st = rv ? pts_tensor_copy_into(rv, flat, OPN) : pts_err_last();
        if (rv)
            pts_obj_release(&rv->hdr);
    }
    pts_obj_release(&flat->hdr);
    if (st) {
        if (res)
            pts_obj_release(&res->hdr);
        return st;
    }
    rets[0] = pts_ret_tensor(res);
    return PTS_OK;
}

const pts_op_def pts_ops_reduce[] = {
    PTS_OP("aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_sum_dim),
    PTS_OP("aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor", k_sum),
    PTS_OP("aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor", k_mean),
    PTS_OP("aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_mean_dim),
    PTS_OP("aten::prod(Tensor self, *, ScalarType? dtype=None) -> Tensor", k_prod),
    PTS_OP("aten::prod.dim_int(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", k_prod_dim),
    PTS_OP("aten::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", k_amax),
    PTS_OP("aten::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", k_amax),
    PTS_OP("aten::max.other(Tensor self, Tensor other) -> Tensor", k_max_other),
    PTS_OP("aten::max(Tensor self) -> Tensor", k_max_all),
    PTS_OP("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", k_max_dim),
    PTS_OP("aten::min.other(Tensor self, Tensor other) -> Tensor", k_max_other),
    PTS_OP("aten::min(Tensor self) -> Tensor", k_max_all),
    PTS_OP("aten::min.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", k_max_dim),
    PTS_OP("aten::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", k_argmax),
    PTS_OP("aten::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", k_argmax),
    PTS_OP("aten::var(Tensor self, bool unbiased=True) -> Tensor", k_var),
    PTS_OP("aten::var.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", k_var_dim),
    PTS_OP("aten::var.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> Tensor", k_var_correction),
    PTS_OP("aten::std(Tensor self, bool unbiased=True) -> Tensor", k_var),
    PTS_OP("aten::std.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", k_var_dim),
    PTS_OP("aten::std.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> Tensor", k_var_correction),
    PTS_OP("aten::var_mean(Tensor self, bool unbiased=True) -> (Tensor, Tensor)", k_var),
    PTS_OP("aten::var_mean.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> (Tensor, Tensor)", k_var_dim),
    PTS_OP("aten::var_mean.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> (Tensor, Tensor)", k_var_correction),
    PTS_OP("aten::std_mean(Tensor self, bool unbiased=True) -> (Tensor, Tensor)", k_var),
    PTS_OP("aten::std_mean.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> (Tensor, Tensor)", k_var_dim),
    PTS_OP("aten::std_mean.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> (Tensor, Tensor)", k_var_correction),
    PTS_OP("aten::norm.Scalar(Tensor self, Scalar p=2) -> Tensor", k_norm),
    PTS_OP("aten::norm.ScalarOpt_dim(Tensor self, Scalar? p, int[1] dim, bool keepdim=False) -> Tensor", k_norm_dim),
    PTS_OP("aten::norm.ScalarOpt_dim_dtype(Tensor self, Scalar? p, int[1] dim, bool keepdim, *, ScalarType dtype) -> Tensor", k_norm_dim_dtype),
    PTS_OP("aten::norm.ScalarOpt_dtype(Tensor self, Scalar? p, *, ScalarType dtype) -> Tensor", k_norm_dtype),
    PTS_OP("aten::logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", k_logsumexp),
    PTS_OP("aten::all(Tensor self) -> Tensor", k_all),
    PTS_OP("aten::all.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", k_all_dim),
    PTS_OP("aten::all.dims(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor", k_all_dims),
    PTS_OP("aten::any(Tensor self) -> Tensor", k_all),
    PTS_OP("aten::any.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", k_all_dim),
    PTS_OP("aten::any.dims(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor", k_all_dims),
    PTS_OP("aten::cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", k_cumsum),
    PTS_OP("aten::cumprod(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", k_cumsum),
    {NULL, NULL},
};
