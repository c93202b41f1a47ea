/* fractional_pool.c - fractional_max_pool2d / fractional_max_pool3d: max
 * pooling over windows placed by torch's pseudo-random interval sequence,
 * from the `random_samples` tensor (N, C, 2 or 3) that F.fractional_max_pool*
 * draws with torch.rand (random.c: the same numbers as torch's) - the op
 * itself is deterministic.  Returns (output, indices), indices flat within a
 * plane, as torch's CPU kernel. */
#include <math.h>

#include "ops/kernel.h"

/* torch's generate_intervals, with the arithmetic in the input's precision */
static void intervals(double sample, bool dbl, int64_t in, int64_t out, int64_t pool, int64_t *seq)
{
    if (out > 1) {
        if (dbl) {
            double alpha = (double)(in - pool) / (double)(out - 1);
            for (int64_t i = 0; i < out - 1; i++)
                seq[i] = (int)(((double)i + sample) * alpha) - (int)(sample * alpha);
        } else {
            float s = (float)sample, alpha = (float)(in - pool) / (float)(out - 1);
            for (int64_t i = 0; i < out - 1; i++)
                seq[i] = (int)(((float)i + s) * alpha) - (int)(s * alpha);
        }
    }
    if (out > 0)
        seq[out - 1] = in - pool;
}

static pts_status fractional_run(const pts_op *op, int nsp, pts_tensor *x, pts_value kernel_size, pts_value output_size,
                                 pts_tensor *samples, pts_value *rets)
{
    int64_t ks[3], os[3];
    int nk = 0, no = 0;
    PTS_TRY(pts_arg_int_list(kernel_size, ks, 3, &nk, nsp, "kernel_size"));
    PTS_TRY(pts_arg_int_list(output_size, os, 3, &no, nsp, "output_size"));
    if (nk != nsp || no != nsp)
        return pts_err_set(PTS_ERR_VALUE, "%s: kernel_size and output_size must have %d elements", OPN, nsp);
    if (x->ndim != nsp + 1 && x->ndim != nsp + 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: non-empty %dD or %dD (batch mode) tensor expected for input", OPN, nsp + 1,
                           nsp + 2);
    if (x->dtype != PTS_FLOAT32 && x->dtype != PTS_FLOAT64)
        return pts_err_set(PTS_ERR_TYPE, "%s: \"fractional_max_pool%dd_out_frame\" not implemented for '%s'", OPN, nsp,
                           pts_dtype_torch_name(x->dtype));
    bool batched = x->ndim == nsp + 2;
    int64_t N = batched ? x->sizes[0] : 1, C = x->sizes[batched ? 1 : 0];
    const int64_t *isz = x->sizes + x->ndim - nsp;
    for (int d = 1; d < x->ndim; d++) /* dim 0 (the batch, or the channels unbatched) may be empty, as torch */
        if (x->sizes[d] == 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected input to have non-zero size for non-batch dimensions", OPN);
    for (int d = 0; d < nsp; d++) {
        if (ks[d] <= 0 || os[d] <= 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: kernel_size and output_size must be greater than zero", OPN);
        /* torch: output + pool - 1 <= input in 2d, < input in 3d */
        static const char *names2[] = {"height", "width"}, *names3[] = {"time", "height", "width"};
        if (nsp == 2 ? os[d] + ks[d] - 1 > isz[d] : os[d] + ks[d] - 1 >= isz[d])
            return pts_err_set(PTS_ERR_VALUE, "%s: pool %s %lld too large relative to input %s %lld", OPN,
                               nsp == 2 ? names2[d] : names3[d], (long long)ks[d], nsp == 2 ? names2[d] : names3[d],
                               (long long)isz[d]);
    }
    if (samples->ndim != 3 || samples->sizes[0] < N || samples->sizes[1] != C || samples->sizes[2] != nsp ||
        !pts_is_float(samples->dtype))
        return pts_err_set(PTS_ERR_VALUE, "%s: random_samples must be a floating tensor of shape (N, C, %d)", OPN, nsp);
    bool dbl = x->dtype == PTS_FLOAT64;
    pts_tensor *xc = pts_tensor_to_dtype(x, PTS_FLOAT64);
    pts_tensor *sc = xc ? pts_tensor_to_dtype(samples, PTS_FLOAT64) : NULL;
    int64_t osz[5], nd = 0;
    if (batched)
        osz[nd++] = N;
    osz[nd++] = C;
    for (int d = 0; d < nsp; d++)
        osz[nd++] = os[d];
    pts_tensor *out = sc ? pts_tensor_empty(x->dtype, (int)nd, osz) : NULL;
    pts_tensor *idx = out ? pts_tensor_empty(PTS_INT64, (int)nd, osz) : NULL;
    int64_t *seq = idx ? pts_malloc((size_t)(os[0] + os[1] + (nsp == 3 ? os[2] : 0)) * sizeof(int64_t)) : NULL;
    if (!seq) {
        pts_status st = pts_err_last();
        if (xc)
            pts_obj_release(&xc->hdr);
        if (sc)
            pts_obj_release(&sc->hdr);
        if (out)
            pts_obj_release(&out->hdr);
        if (idx)
            pts_obj_release(&idx->hdr);
        return st;
    }
    const double *xd = pts_f64(xc), *sd = pts_f64(sc);
    int64_t *id = pts_i64(idx);
    char *od = (char *)pts_tensor_data(out);
    int64_t in_plane = 1, out_plane = 1;
    for (int d = 0; d < nsp; d++) {
        in_plane *= isz[d];
        out_plane *= os[d];
    }
    /* dims padded to 3: (T,) H, W */
    int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1};
    for (int d = 0; d < nsp; d++) {
        I[3 - nsp + d] = isz[d];
        O[3 - nsp + d] = os[d];
        K[3 - nsp + d] = ks[d];
    }
    int64_t *sq[3];
    int64_t zero = 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t c = 0; c < C; c++) {
            const double *smp = sd + (n * C + c) * nsp;
            /* 2d: sample[0] -> W, sample[1] -> H; 3d: sample[0] -> T, [1] -> H, [2] -> W */
            int64_t *p = seq;
            if (nsp == 2) {
                sq[0] = &zero;
                sq[2] = p;
                intervals(smp[0], dbl, I[2], O[2], K[2], p);
                p += O[2];
                sq[1] = p;
                intervals(smp[1], dbl, I[1], O[1], K[1], p);
            } else {
                for (int d = 0; d < 3; d++) {
                    sq[d] = p;
                    intervals(smp[d], dbl, I[d], O[d], K[d], p);
                    p += O[d];
                }
            }
            const double *plane = xd + (n * C + c) * in_plane;
            int64_t obase = (n * C + c) * out_plane;
            for (int64_t t = 0; t < O[0]; t++)
                for (int64_t h = 0; h < O[1]; h++)
                    for (int64_t w = 0; w < O[2]; w++) {
                        int64_t t0 = sq[0][nsp == 2 ? 0 : t], h0 = sq[1][h], w0 = sq[2][w];
                        double best = -INFINITY;
                        int64_t bi = (t0 * I[1] + h0) * I[2] + w0;
                        for (int64_t t2 = t0; t2 < t0 + K[0]; t2++)
                            for (int64_t h2 = h0; h2 < h0 + K[1]; h2++)
                                for (int64_t w2 = w0; w2 < w0 + K[2]; w2++) {
                                    int64_t pi = (t2 * I[1] + h2) * I[2] + w2;
                                    double v = plane[pi];
                                    if (v > best || isnan(v)) {
                                        best = v;
                                        bi = pi;
                                    }
                                }
                        int64_t oi = obase + (t * O[1] + h) * O[2] + w;
                        pts_store_f64(od + oi * (dbl ? 8 : 4), x->dtype, best);
                        id[oi] = bi;
                    }
        }
    pts_free(seq);
    pts_obj_release(&xc->hdr);
    pts_obj_release(&sc->hdr);
    rets[0] = pts_ret_tensor(out);
    rets[1] = pts_ret_tensor(idx);
    return PTS_OK;
}

PTS_KERNEL(k_fractional_max_pool2d)
{
    return fractional_run(op, 2, a->self, a->kernel_size, a->output_size, a->random_samples, rets);
}
PTS_KERNEL(k_fractional_max_pool3d)
{
    return fractional_run(op, 3, a->self, a->kernel_size, a->output_size, a->random_samples, rets);
}

const pts_op_def pts_ops_fractional_pool[] = {
    PTS_OP("aten::fractional_max_pool2d(Tensor self, int[2] kernel_size, int[2] output_size, Tensor random_samples) -> (Tensor, Tensor)", k_fractional_max_pool2d),
    PTS_OP("aten::fractional_max_pool3d(Tensor self, int[3] kernel_size, int[3] output_size, Tensor random_samples) -> (Tensor, Tensor)", k_fractional_max_pool3d),
    {NULL, NULL},
};
