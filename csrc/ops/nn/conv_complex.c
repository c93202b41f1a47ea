/* conv_complex.c - complex64/complex128 convolutions (forward and
 * transposed, every entry point of conv.c) as torch computes them on the
 * CPU: three real convolutions of the parts (Gauss's trick, ATen's
 * complex_convolution / complex_convolution_mode), run by conv.c's own real
 * path, then a - b + i * (c - a - b).  The sums xr + xi, Wr + Wi, br + bi
 * and the combination are rounded to the real dtype op by op, as ATen's
 * float tensors are, so the only differences from torch are those of the
 * three real convolutions.
 */
#include "ops/nn/conv_complex.h"

#include "ops/kernel.h"

static bool is_cplx(int dt) { return dt == PTS_COMPLEX64 || dt == PTS_COMPLEX128; }

bool pts_conv_is_complex(const pts_tensor *x, const pts_tensor *w, const pts_tensor *b)
{
    return is_cplx(x->dtype) && w->dtype == x->dtype && (!b || b->dtype == x->dtype);
}

/* Real part, imaginary part and their sum (rounded to the real dtype) of the
 * complex tensor t, as three new contiguous real tensors of t's shape. */
static pts_status split_parts(pts_tensor *t, pts_tensor **re, pts_tensor **im, pts_tensor **sum)
{
    bool f32 = t->dtype == PTS_COMPLEX64;
    int rt = f32 ? PTS_FLOAT32 : PTS_FLOAT64;
    *re = *im = *sum = NULL;
    pts_tensor *c = pts_tensor_as_contiguous(t, -1);
    if (!c)
        return pts_err_last();
    if (!(*re = pts_tensor_empty(rt, t->ndim, t->sizes)) || !(*im = pts_tensor_empty(rt, t->ndim, t->sizes)) ||
        !(*sum = pts_tensor_empty(rt, t->ndim, t->sizes))) {
        pts_obj_release(&c->hdr);
        return pts_err_last();
    }
    int64_t n = pts_tensor_numel(t);
    if (f32) {
        const float *z = pts_tensor_data(c);
        float *r = pts_tensor_data(*re), *i = pts_tensor_data(*im), *s = pts_tensor_data(*sum);
        for (int64_t e = 0; e < n; e++) {
            r[e] = z[2 * e];
            i[e] = z[2 * e + 1];
            s[e] = r[e] + i[e];
        }
    } else {
        const double *z = pts_tensor_data(c);
        double *r = pts_tensor_data(*re), *i = pts_tensor_data(*im), *s = pts_tensor_data(*sum);
        for (int64_t e = 0; e < n; e++) {
            r[e] = z[2 * e];
            i[e] = z[2 * e + 1];
            s[e] = r[e] + i[e];
        }
    }
    pts_obj_release(&c->hdr);
    return PTS_OK;
}

/* out = (a - b) + i * ((c - a) - b), ATen's expression: i * t is the
 * complex product (0 + 1i)(t + 0i) = (0 * t - 1 * 0) + (0 * 0 + 1 * t)i, and
 * adding the real a - b gives ((a - b) + (0 * t - 0), 0 + t). */
#define CONV_COMBINE(T)                                                                                                \
    {                                                                                                                  \
        const T *A = pts_tensor_data(ta), *B = pts_tensor_data(tb), *C = pts_tensor_data(tc);                          \
        T *o = pts_tensor_data(out);                                                                                   \
        for (int64_t e = 0; e < n; e++) {                                                                              \
            T d = A[e] - B[e], t = C[e] - A[e];                                                                        \
            t = t - B[e];                                                                                              \
            T ur = (T)0 * t - (T)0;                                                                                    \
            o[2 * e] = d + ur;                                                                                         \
            o[2 * e + 1] = (T)0 + t;                                                                                   \
        }                                                                                                              \
    }

pts_status pts_conv_complex(pts_tensor *x, pts_tensor *w, pts_tensor *b, const void *params, pts_conv_real_fn run,
                            pts_value *rets)
{
    pts_tensor *p[9] = {NULL}; /* xr, xi, xs, wr, wi, ws, br, bi, bs */
    pts_value r[3] = {pts_none(), pts_none(), pts_none()};
    pts_tensor *out = NULL;
    pts_status st = split_parts(x, &p[0], &p[1], &p[2]);
    if (st == PTS_OK)
        st = split_parts(w, &p[3], &p[4], &p[5]);
    if (st == PTS_OK && b)
        st = split_parts(b, &p[6], &p[7], &p[8]);
    if (st == PTS_OK)
        st = run(p[0], p[3], p[6], params, &r[0]);
    if (st == PTS_OK)
        st = run(p[1], p[4], NULL, params, &r[1]);
    if (st == PTS_OK)
        st = run(p[2], p[5], p[8], params, &r[2]);
    if (st == PTS_OK) {
        pts_tensor *ta = PTS_TENSOR(r[0]), *tb = PTS_TENSOR(r[1]), *tc = PTS_TENSOR(r[2]);
        int64_t n = pts_tensor_numel(ta);
        out = pts_tensor_empty(x->dtype, ta->ndim, ta->sizes);
        if (!out) {
            st = pts_err_last();
        } else {
            if (x->dtype == PTS_COMPLEX64)
                CONV_COMBINE(float)
            else
                CONV_COMBINE(double)
            rets[0] = pts_ret_tensor(out);
        }
    }
    for (int i = 0; i < 9; i++)
        if (p[i])
            pts_obj_release(&p[i]->hdr);
    for (int i = 0; i < 3; i++)
        pts_value_release(r[i]);
    return st;
}

pts_status pts_conv_complex_refused(int dtype, int nsp, bool transposed)
{
    const char *k = transposed ? (nsp == 3 ? "slow_conv_transpose3d_out_cpu" : "slow_conv_transpose2d_out_cpu")
                               : (nsp == 3 ? "compute_columns3d" : "slow_conv2d_cpu");
    return pts_err_set(PTS_ERR_TYPE, "\"%s\" not implemented for '%s'", k, pts_dtype_torch_name(dtype));
}
