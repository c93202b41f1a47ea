/* extra.c - the nn tail of the OpInfo database: max_pool1d_with_indices,
 * max_pool2d_with_indices_backward, im2col (F.unfold), _batch_norm_with_update,
 * embedding_renorm_ (F.embedding's max_norm).
 */
#include "ops/compose.h"
#include "tensor/cplx.h"

/* Call op `name` with npos positional arguments, keeping its first nkeep results in r[]
 * (new references; the rest are released). */
PTS_NODISCARD static pts_status call_n(const char *name, int npos, pts_value *pos, int nkeep, pts_value *r)
{
    const pts_op *o = pts_ops_find(name);
    if (!o)
        return pts_err_set(PTS_ERR_INTERNAL, "%s is not registered", name);
    pts_value all[8];
    for (int i = 0; i < 8; i++)
        all[i] = pts_none();
    if (o->schema.nrets > 8 || o->schema.nrets < nkeep)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: cannot compose an op with %d results", name, o->schema.nrets);
    PTS_TRY(pts_ops_call(o, npos, pos, 0, NULL, NULL, all));
    for (int i = 0; i < o->schema.nrets; i++) {
        if (i < nkeep)
            r[i] = all[i];
        else
            pts_value_release(all[i]);
    }
    return PTS_OK;
}

/* ---- max_pool1d_with_indices ---------------------------------------------------------------- */

/* max_pool1d_with_indices: max_pool2d_with_indices over a height-1 view */
PTS_KERNEL(k_max_pool1d_with_indices)
{
    pts_tensor *x = a->self;
    int64_t k[1] = {0}, s[1] = {0}, p[1] = {0}, d[1] = {0};
    int nk = 0, ns = 0, np = 0, nd = 0;
    PTS_TRY(pts_arg_int_list(a->kernel_size, k, 1, &nk, 0, "kernel_size"));
    PTS_TRY(pts_arg_int_list(a->stride, s, 1, &ns, 0, "stride"));
    PTS_TRY(pts_arg_int_list(a->padding, p, 1, &np, 0, "padding"));
    PTS_TRY(pts_arg_int_list(a->dilation, d, 1, &nd, 0, "dilation"));
    if (nk != 1 || (ns != 0 && ns != 1) || np != 1 || nd != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() kernel_size, stride, padding and dilation must be a "
                                          "single int", OPN);
    if (x->ndim != 2 && x->ndim != 3)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() Expected 2D or 3D input tensor, but got %dD", OPN,
                           x->ndim);
    if (k[0] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() kernel_size must be greater than zero, but got %lld",
                           OPN, (long long)k[0]);
    if (ns && s[0] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() stride must be greater than zero, but got %lld", OPN,
                           (long long)s[0]);
    if (p[0] < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() padding must be non-negative, but got %lld", OPN,
                           (long long)p[0]);
    if (p[0] * 2 > k[0])
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() padding should be at most half of kernel size, but got "
                                          "padding=%lld and kernel_size=%lld", OPN, (long long)p[0],
                           (long long)k[0]);
    if (d[0] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: max_pool1d() dilation must be greater than zero, but got %lld", OPN,
                           (long long)d[0]);
    pts_value u = pts_none(), r[2] = {pts_none(), pts_none()};
    int64_t k2[2] = {1, k[0]}, s2[2] = {1, ns ? s[0] : k[0]}, p2[2] = {0, p[0]}, d2[2] = {1, d[0]};
    pts_value lk = pts_int_list_value(2, k2), ls = pts_int_list_value(2, s2), lp = pts_int_list_value(2, p2),
              ld = pts_int_list_value(2, d2);
    pts_status st = lk.tag == PTS_T_NONE || ls.tag == PTS_T_NONE || lp.tag == PTS_T_NONE || ld.tag == PTS_T_NONE
                        ? pts_err_last() : PTS_OK;
    if (!st) {
        pts_value args[2] = {pts_tv(x), pts_int(-2)};
        st = pts_call("aten::unsqueeze", 2, args, &u);
    }
    if (!st) {
        pts_value args[6] = {u, lk, ls, lp, ld, pts_bool(a->ceil_mode)};
        st = call_n("aten::max_pool2d_with_indices", 6, args, 2, r);
    }
    for (int i = 0; i < 2 && !st; i++) {
        pts_value args[2] = {r[i], pts_int(-2)};
        st = pts_call("aten::squeeze.dim", 2, args, &rets[i]);
    }
    pts_value_release(u);
    pts_value_release(r[0]);
    pts_value_release(r[1]);
    pts_value_release(lk);
    pts_value_release(ls);
    pts_value_release(lp);
    pts_value_release(ld);
    return st;
}

/* ---- max_pool2d_with_indices_backward -------------------------------------------------------- */

/* grad_input: zeros of self's shape, each grad_output element added at its plane's index */
PTS_KERNEL(k_max_pool2d_with_indices_backward)
{
    pts_tensor *g = a->grad_output, *x = a->self, *ix = a->indices;
    if (x->ndim != 3 && x->ndim != 4)
        return pts_err_set(PTS_ERR_VALUE, "%s: non-empty 3D or 4D (batch mode) tensor expected for input", OPN);
    if (g->ndim != x->ndim || ix->ndim != x->ndim)
        return pts_err_set(PTS_ERR_VALUE, "%s: grad_output and indices must have the input's number of dimensions",
                           OPN);
    for (int i = 0; i < x->ndim; i++)
        if (g->sizes[i] != ix->sizes[i] || (i < x->ndim - 2 && g->sizes[i] != x->sizes[i]))
            return pts_err_set(PTS_ERR_VALUE, "%s: grad_output and indices sizes do not match the pooled input",
                               OPN);
    if (ix->dtype != PTS_INT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected indices of dtype Long, got %s", OPN,
                           pts_dtype_torch_name(ix->dtype));
    if (!pts_is_float(x->dtype))
        return pts_not_implemented(OPN, x->dtype);
    if (g->dtype != x->dtype)
        return pts_err_set(PTS_ERR_TYPE, "%s: expected grad_output of dtype %s, got %s", OPN,
                           pts_dtype_torch_name(x->dtype), pts_dtype_torch_name(g->dtype));
    int64_t HW = x->sizes[x->ndim - 2] * x->sizes[x->ndim - 1];
    int64_t OHW = g->sizes[g->ndim - 2] * g->sizes[g->ndim - 1];
    int64_t planes = 1;
    for (int i = 0; i < x->ndim - 2; i++)
        planes *= x->sizes[i];
    pts_tensor *gf = pts_tensor_to_dtype(g, PTS_FLOAT64), *iv = gf ? pts_tensor_to_dtype(ix, PTS_INT64) : NULL;
    pts_tensor *out = iv ? pts_tensor_zeros(PTS_FLOAT64, x->ndim, x->sizes) : NULL;
    pts_status st = out ? PTS_OK : pts_err_last();
    for (int64_t pl = 0; !st && pl < planes; pl++)
        for (int64_t o = 0; o < OHW; o++) {
            int64_t j = pts_i64(iv)[pl * OHW + o];
            if (j < 0 || j >= HW) {
                st = pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for a plane of %lld elements", OPN,
                                 (long long)j, (long long)HW);
                break;
            }
            pts_f64(out)[pl * HW + j] += pts_f64(gf)[pl * OHW + o];
        }
    pts_tdrop(gf);
    pts_tdrop(iv);
    if (st) {
        pts_tdrop(out);
        return st;
    }
    return pts_ret_as(out, x->dtype, rets);
}

/* ---- im2col ----------------------------------------------------------------------------------- */

/* im2col(self, kernel_size, dilation, padding, stride): the sliding blocks of a (N,) C, H, W input
 * as columns, (N,) C*kh*kw, L; zero padding.  A copy of elements (floating and complex dtypes and bool, as
 * torch). */
PTS_KERNEL(k_im2col)
{
    pts_tensor *x = a->self;
    int64_t k[2], d[2], p[2], s[2];
    int n = 0;
    PTS_TRY(pts_arg_int_list(a->kernel_size, k, 2, &n, 2, "kernel_size"));
    PTS_TRY(pts_arg_int_list(a->dilation, d, 2, &n, 2, "dilation"));
    PTS_TRY(pts_arg_int_list(a->padding, p, 2, &n, 2, "padding"));
    PTS_TRY(pts_arg_int_list(a->stride, s, 2, &n, 2, "stride"));
    if (k[0] <= 0 || k[1] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: kernel size should be greater than zero, but got kernel_height: %lld "
                                          "kernel_width: %lld", OPN, (long long)k[0], (long long)k[1]);
    if (d[0] <= 0 || d[1] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: dilation should be greater than zero, but got dilation_height: %lld "
                                          "dilation_width: %lld", OPN, (long long)d[0], (long long)d[1]);
    if (p[0] < 0 || p[1] < 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: padding should be non-negative, but got pad_height: %lld pad_width: "
                                          "%lld", OPN, (long long)p[0], (long long)p[1]);
    if (s[0] <= 0 || s[1] <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: stride should be greater than zero, but got stride_height: %lld "
                                          "stride_width: %lld", OPN, (long long)s[0], (long long)s[1]);
    bool batched = x->ndim == 4;
    bool ok = (x->ndim == 3 && x->sizes[0] != 0 && x->sizes[1] != 0 && x->sizes[2] != 0) ||
              (x->ndim == 4 && x->sizes[1] != 0 && x->sizes[2] != 0 && x->sizes[3] != 0);
    if (!ok)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                                          "other non-zero dimensions for input", OPN);
    if (!pts_is_float(x->dtype) && x->dtype != PTS_BOOL && !pts_dtype_is_complex(x->dtype))
        return pts_err_set(PTS_ERR_TYPE, "%s: \"im2col_out_cpu\" not implemented for '%s'", OPN,
                           pts_dtype_torch_name(x->dtype));
    int64_t N = batched ? x->sizes[0] : 1, C = x->sizes[x->ndim - 3], H = x->sizes[x->ndim - 2],
            W = x->sizes[x->ndim - 1];
    int64_t OH = (H + 2 * p[0] - (d[0] * (k[0] - 1) + 1)) / s[0] + 1;
    int64_t OW = (W + 2 * p[1] - (d[1] * (k[1] - 1) + 1)) / s[1] + 1;
    if (H + 2 * p[0] - (d[0] * (k[0] - 1) + 1) < 0 || W + 2 * p[1] - (d[1] * (k[1] - 1) + 1) < 0 || OH < 1 || OW < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: Given input with spatial size (%lld, %lld), kernel_size=(%lld, %lld), "
                                          "dilation=(%lld, %lld), padding=(%lld, %lld), calculated shape of the array "
                                          "of sliding blocks is non-positive", OPN, (long long)H, (long long)W,
                           (long long)k[0], (long long)k[1], (long long)d[0], (long long)d[1], (long long)p[0],
                           (long long)p[1]);
    int64_t rows = C * k[0] * k[1], L = OH * OW;
    int64_t shape[3] = {N, rows, L};
    pts_tensor *xc = pts_tensor_to_dtype(x, x->dtype); /* contiguous */
    pts_tensor *out = xc ? pts_tensor_zeros(x->dtype, batched ? 3 : 2, batched ? shape : shape + 1) : NULL;
    if (!out) {
        pts_tdrop(xc);
        return pts_err_last();
    }
    size_t isz = (size_t)pts_dtype_get(x->dtype)->itemsize;
    const char *src = pts_tensor_data(xc);
    char *dst = pts_tensor_data(out);
    for (int64_t b = 0; b < N; b++)
        for (int64_t r = 0; r < rows; r++) {
            int64_t c = r / (k[0] * k[1]), ki = (r / k[1]) % k[0], kj = r % k[1];
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++) {
                    int64_t ih = oh * s[0] - p[0] + ki * d[0], iw = ow * s[1] - p[1] + kj * d[1];
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                        continue;
                    memcpy(dst + (size_t)(((b * rows + r) * L) + oh * OW + ow) * isz,
                           src + (size_t)(((b * C + c) * H + ih) * W + iw) * isz, isz);
                }
        }
    pts_tdrop(xc);
    return pts_ret(out, rets);
}

/* ---- _batch_norm_with_update ------------------------------------------------------------------ */

/* training-mode batch norm updating the running stats: native_batch_norm(training=True)'s three
 * results and an empty uint8 reserve */
PTS_KERNEL(k_batch_norm_with_update)
{
    pts_value args[8] = {pts_tv(a->input), pts_tv(a->weight), pts_tv(a->bias), pts_tv(a->running_mean),
                         pts_tv(a->running_var), pts_bool(true), pts_float(a->momentum), pts_float(a->eps)};
    PTS_TRY(call_n("aten::native_batch_norm", 8, args, 3, rets));
    int64_t zero = 0;
    pts_tensor *r = pts_tensor_empty(PTS_UINT8, 1, &zero);
    if (!r)
        return pts_err_last(); /* the registry releases rets[0..2] */
    rets[3] = pts_ret_tensor(r);
    return PTS_OK;
}

/* ---- embedding_renorm_ ------------------------------------------------------------------------ */

/* embedding_renorm_(self, indices, max_norm, norm_type): every row of self named by indices whose
 * norm_type-norm exceeds max_norm is scaled by max_norm / (norm + 1e-7), in place */
PTS_KERNEL(k_embedding_renorm_)
{
    pts_tensor *w = a->self, *ix = a->indices;
    if (w->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: embedding_renorm_(): expected self to be 2-D, but got %d-D", OPN,
                           w->ndim);
    if (ix->dtype != PTS_INT64 && ix->dtype != PTS_INT32)
        return pts_err_set(PTS_ERR_TYPE, "%s: embedding_renorm_(): Expected tensor for argument #2 'indices' to "
                                         "have one of the following scalar types: Long, Int; but got %s instead",
                           OPN, pts_dtype_torch_name(ix->dtype));
    if (!pts_is_float(w->dtype))
        return pts_not_implemented(OPN, w->dtype);
    int64_t R = w->sizes[0], D = w->sizes[1];
    pts_tensor *iv = pts_tensor_to_dtype(ix, PTS_INT64), *wf = iv ? pts_tensor_to_dtype(w, PTS_FLOAT64) : NULL;
    bool *seen = wf ? pts_calloc((size_t)(R ? R : 1), sizeof(bool)) : NULL;
    pts_status st = !wf ? pts_err_last() : !seen ? pts_err_set(PTS_ERR_NOMEM, "%s: out of memory", OPN) : PTS_OK;
    int64_t n = iv ? pts_tensor_numel(iv) : 0;
    for (int64_t i = 0; !st && i < n; i++) {
        int64_t r = pts_i64(iv)[i];
        if (r < 0 || r >= R) {
            st = pts_err_set(PTS_ERR_INDEX, "%s: index %lld is out of bounds for dimension 0 with size %lld", OPN,
                             (long long)r, (long long)R);
            break;
        }
        if (seen[r])
            continue;
        seen[r] = true;
        double *row = pts_f64(wf) + r * D, nrm = 0, p = a->norm_type;
        for (int64_t j = 0; j < D; j++) {
            double v = fabs(row[j]);
            if (p == 1)
                nrm += v;
            else if (p == 2)
                nrm += v * v;
            else if (isinf(p))
                nrm = p > 0 ? (v > nrm ? v : nrm) : (j == 0 || v < nrm ? v : nrm);
            else if (p == 0)
                nrm += v != 0;
            else
                nrm += pow(v, p);
        }
        if (p == 2)
            nrm = sqrt(nrm);
        else if (p != 1 && p != 0 && !isinf(p))
            nrm = pow(nrm, 1 / p);
        if (w->dtype == PTS_FLOAT32)
            nrm = (double)(float)nrm;
        if (nrm > a->max_norm) {
            double scale = a->max_norm / (nrm + 1e-7);
            if (w->dtype != PTS_FLOAT64)
                scale = (double)(float)scale; /* torch multiplies in the weight's dtype */
            for (int64_t j = 0; j < D; j++)
                row[j] = w->dtype == PTS_FLOAT32 ? (double)((float)row[j] * (float)scale) : row[j] * scale;
        }
    }
    pts_free(seen);
    pts_tdrop(iv);
    if (!st) {
        pts_tensor *back = pts_tensor_to_dtype(wf, w->dtype);
        st = back ? pts_tensor_copy_into(w, back, OPN) : pts_err_last();
        pts_tdrop(back);
    }
    pts_tdrop(wf);
    if (st)
        return st;
    rets[0] = pts_ret_tensor_ref(w);
    return PTS_OK;
}

/* ---- the table -------------------------------------------------------------------------------- */

const pts_op_def pts_ops_extra[] = {
    PTS_OP("aten::max_pool1d_with_indices(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=[0], int[1] dilation=[1], bool ceil_mode=False) -> (Tensor, Tensor)", k_max_pool1d_with_indices),
    PTS_OP("aten::max_pool2d_with_indices_backward(Tensor grad_output, Tensor self, int[2] kernel_size, int[2] stride, int[2] padding, int[2] dilation, bool ceil_mode, Tensor indices) -> Tensor", k_max_pool2d_with_indices_backward),
    PTS_OP("aten::im2col(Tensor self, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride) -> Tensor", k_im2col),
    PTS_OP("aten::_batch_norm_with_update(Tensor input, Tensor? weight, Tensor? bias, Tensor(a!) running_mean, Tensor(b!) running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor, Tensor)", k_batch_norm_with_update),
    PTS_OP("aten::embedding_renorm_(Tensor(a!) self, Tensor indices, float max_norm, float norm_type) -> Tensor(a!)", k_embedding_renorm_),
    {NULL, NULL},
};
