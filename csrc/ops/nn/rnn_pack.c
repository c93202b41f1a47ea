/* rnn_pack.c - packed sequences: aten::_pack_padded_sequence and
 * aten::_pad_packed_sequence (what torch.nn.utils.rnn.pack_padded_sequence
 * and pad_packed_sequence record), and aten::cpu, which a scripted
 * pad_packed_sequence calls on its indices.
 *
 * The packed layout (ATen's, aten/src/ATen/native/PackedSequence.cpp):
 * sequences sorted by decreasing length; batch_sizes[t] = how many of them
 * are longer than t; data = the rows input[t, 0:batch_sizes[t]] for t = 0,
 * 1, ... one after the other.  The recurrent ops (nn/rnn.c, the .data
 * overloads) step through that layout; pad_packed_sequence undoes it.
 * Both ops only move elements, so they take any dtype.
 */
#include <string.h>

#include "ops/kernel.h"

/* ATen's checkLongTensor. */
static pts_status check_long_1d(const char *opn, const pts_tensor *t)
{
    if (t->ndim == 1 && t->dtype == PTS_INT64)
        return PTS_OK;
    return pts_err_set(PTS_ERR_VALUE, "%s: 'lengths' argument should be a 1D CPU int64 tensor, but got %dD cpu %s tensor",
                       opn, t->ndim, pts_dtype_torch_name(t->dtype));
}

static int64_t elem_i64(const pts_tensor *t, int64_t i)
{
    return *((const int64_t *)pts_tensor_data(t) + i * t->strides[0]);
}

PTS_KERNEL(k_pack_padded_sequence)
{
    pts_tensor *in0 = a->input, *lt = a->lengths;
    if (in0->ndim < 2)
        return pts_err_set(PTS_ERR_INDEX, "%s: Dimension out of range (expected a padded input of at least 2 dims "
                                          "[seq_len, batch, *], got %d-D)", OPN, in0->ndim);
    int tdim = a->batch_first ? 1 : 0, bdim = a->batch_first ? 0 : 1;
    int64_t T = in0->sizes[tdim], B = in0->sizes[bdim];
    PTS_TRY(check_long_1d(OPN, lt));
    if (pts_tensor_numel(in0) == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Cannot pack empty tensors.", OPN);
    if (lt->sizes[0] != B)
        return pts_err_set(PTS_ERR_VALUE, "%s: Expected `len(lengths)` to be equal to batch_size, but got %lld (batch_size=%lld)",
                           OPN, (long long)lt->sizes[0], (long long)B);
    if (elem_i64(lt, B - 1) <= 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: Length of all samples has to be greater than 0, but found an element in "
                                          "'lengths' that is <= 0", OPN);
    for (int64_t i = 0; i + 1 < B; i++)
        if (elem_i64(lt, i + 1) > elem_i64(lt, i))
            return pts_err_set(PTS_ERR_VALUE, "%s: `lengths` array must be sorted in decreasing order when `enforce_sorted` "
                                              "is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                                              "pack_sequence to sidestep this requirement if you do not need ONNX "
                                              "exportability.", OPN);
    int64_t steps = elem_i64(lt, 0); /* batch_sizes has one entry per step of the longest sequence */
    pts_tensor *bst = pts_tensor_empty(PTS_INT64, 1, &steps);
    if (!bst)
        return pts_err_last();
    int64_t *bs = pts_tensor_data(bst), b = B, rows = 0;
    for (int64_t t = 0; t < steps; t++) {
        while (b > 0 && elem_i64(lt, b - 1) <= t)
            b--;
        bs[t] = b;
        if (t < T) /* ATen slices the padded input: steps beyond it have no rows */
            rows += b;
    }
    /* the input time-major and contiguous: [T, B, inner] */
    int64_t sz[PTS_MAX_DIMS], sd[PTS_MAX_DIMS], inner = 1;
    for (int i = 0; i < in0->ndim; i++) {
        int src = i == 0 ? tdim : i == 1 ? bdim : i;
        sz[i] = in0->sizes[src];
        sd[i] = in0->strides[src];
        if (i >= 2)
            inner *= sz[i];
    }
    pts_tensor *v = pts_tensor_view_of(in0->storage, in0->dtype, in0->ndim, sz, sd, in0->offset);
    pts_tensor *x = v ? pts_tensor_as_contiguous(v, -1) : NULL;
    if (v)
        pts_obj_release(&v->hdr);
    sz[1] = rows; /* data: [rows, *input.shape[2:]] */
    pts_tensor *data = x ? pts_tensor_empty(in0->dtype, in0->ndim - 1, sz + 1) : NULL;
    if (!data) {
        if (x)
            pts_obj_release(&x->hdr);
        pts_obj_release(&bst->hdr);
        return pts_err_last();
    }
    size_t row = (size_t)inner * pts_dtype_get(in0->dtype)->itemsize;
    char *dst = pts_tensor_data(data);
    const char *src = pts_tensor_data(x);
    for (int64_t t = 0; t < steps && t < T; t++) {
        if (row && bs[t] > 0)
            memcpy(dst, src + (size_t)t * (size_t)B * row, row * (size_t)bs[t]);
        dst += row * (size_t)bs[t];
    }
    pts_obj_release(&x->hdr);
    rets[0] = pts_ret_tensor(data);
    rets[1] = pts_ret_tensor(bst);
    return PTS_OK;
}

PTS_KERNEL(k_pad_packed_sequence)
{
    pts_tensor *d0 = a->data, *bst = a->batch_sizes;
    PTS_TRY(check_long_1d(OPN, bst));
    int64_t steps = bst->sizes[0];
    if (steps == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: batch_sizes is empty", OPN);
    if (d0->ndim < 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: packed data must have at least 1 dim", OPN);
    int64_t B = elem_i64(bst, 0), T = steps, rows = 0;
    for (int64_t t = 0; t < steps; t++) {
        int64_t v = elem_i64(bst, t);
        if (v < 0 || v > (t ? elem_i64(bst, t - 1) : B))
            return pts_err_set(PTS_ERR_VALUE, "%s: batch_sizes must not increase and be >= 0, got %lld at step %lld", OPN,
                               (long long)v, (long long)t);
        rows += v;
    }
    if (a->total_length > 0) {
        if (a->total_length < steps)
            return pts_err_set(PTS_ERR_VALUE, "%s: Expected total_length to be at least the length of the longest sequence "
                                              "in input, but got total_length=%lld and max sequence length being %lld",
                               OPN, (long long)a->total_length, (long long)steps);
        T = a->total_length;
    }
    if (d0->sizes[0] < rows)
        return pts_err_set(PTS_ERR_VALUE, "%s: packed data has %lld rows, batch_sizes sum to %lld", OPN,
                           (long long)d0->sizes[0], (long long)rows);
    int64_t sz[PTS_MAX_DIMS + 1], inner = 1;
    if (d0->ndim + 1 > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_VALUE, "%s: packed data has too many dims", OPN);
    sz[0] = T;
    sz[1] = B;
    for (int i = 1; i < d0->ndim; i++) {
        sz[i + 1] = d0->sizes[i];
        inner *= d0->sizes[i];
    }
    int nd = d0->ndim + 1;
    pts_tensor *out = pts_tensor_empty(d0->dtype, nd, sz);
    if (!out)
        return pts_err_last();
    pts_status st = pts_tensor_fill(out, a->padding_value);
    pts_tensor *x = st ? NULL : pts_tensor_as_contiguous(d0, -1);
    if (!st && !x)
        st = pts_err_last();
    pts_tensor *lens = st ? NULL : pts_tensor_empty(PTS_INT64, 1, &B);
    if (!st && !lens)
        st = pts_err_last();
    if (st) {
        if (x)
            pts_obj_release(&x->hdr);
        pts_obj_release(&out->hdr);
        return st;
    }
    size_t row = (size_t)inner * pts_dtype_get(d0->dtype)->itemsize;
    const char *src = pts_tensor_data(x);
    char *dst = pts_tensor_data(out);
    int64_t *len = pts_tensor_data(lens);
    for (int64_t b = 0; b < B; b++)
        len[b] = 0;
    for (int64_t t = 0; t < steps; t++) {
        int64_t bt = elem_i64(bst, t);
        if (row && bt > 0)
            memcpy(dst + (size_t)t * (size_t)B * row, src, row * (size_t)bt);
        src += row * (size_t)bt;
        for (int64_t b = 0; b < bt; b++)
            len[b] = t + 1;
    }
    pts_obj_release(&x->hdr);
    if (a->batch_first) { /* torch returns the time-major result transposed: a view */
        int64_t tsz[PTS_MAX_DIMS], tsd[PTS_MAX_DIMS];
        memcpy(tsz, out->sizes, sizeof tsz);
        memcpy(tsd, out->strides, sizeof tsd);
        tsz[0] = out->sizes[1];
        tsz[1] = out->sizes[0];
        tsd[0] = out->strides[1];
        tsd[1] = out->strides[0];
        pts_tensor *v = pts_tensor_view_of(out->storage, out->dtype, nd, tsz, tsd, 0);
        pts_obj_release(&out->hdr);
        if (!v) {
            pts_obj_release(&lens->hdr);
            return pts_err_last();
        }
        out = v;
    }
    rets[0] = pts_ret_tensor(out);
    rets[1] = pts_ret_tensor(lens);
    return PTS_OK;
}

/* pyts runs on the CPU: the tensor itself. */
PTS_KERNEL(k_cpu) { return (rets[0] = pts_ret_tensor_ref(a->self)), PTS_OK; }

const pts_op_def pts_ops_rnn_pack[] = {
    PTS_OP("aten::_pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first) -> (Tensor, Tensor)", k_pack_padded_sequence),
    PTS_OP("aten::_pad_packed_sequence(Tensor data, Tensor batch_sizes, bool batch_first, Scalar padding_value, int total_length) -> (Tensor, Tensor)", k_pad_packed_sequence),
    PTS_OP("aten::cpu(Tensor(a) self) -> Tensor(b|a)", k_cpu),
    {NULL, NULL},
};
