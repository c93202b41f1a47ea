/* iter.c - the broadcasting strided iterator (see iter.h).
 *
 * Setup: right-align every operand's shape to the output's, give broadcast
 * dims stride 0, convert strides to bytes, reverse to innermost-first, drop
 * size-1 dims and merge dims that are contiguous for all operands.  Running:
 * the outer dims are walked with a counter; the innermost dim is the body's
 * run.  pts_iter_run splits the flat index range over the thread pool.
 */
#include "tensor/iter.h"

#include <string.h>

#include "tensor/parallel.h"

/* Elements per chunk below which work stays on one thread.  The loops vectorize
 * (tensor/vmath.h): 64 K float elements of an add take ~4 us on one core, about what
 * waking a pool thread costs on an idle machine (far more on a loaded one). */
#define ITER_GRAIN 65536

pts_status pts_broadcast_shapes(int nda, const int64_t *a, int ndb, const int64_t *b, int *nd, int64_t *out,
                                const char *opname)
{
    int n = nda > ndb ? nda : ndb;
    int64_t tmp[PTS_MAX_DIMS];
    if (n > PTS_MAX_DIMS)
        return pts_err_set(PTS_ERR_LIMIT, "%s: too many dimensions (%d)", opname, n);
    for (int i = 0; i < n; i++) {
        int ia = nda - n + i, ib = ndb - n + i;
        int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            return pts_err_set(PTS_ERR_VALUE,
                               "%s: the size of tensor a (%lld) must match the size of tensor b (%lld) at "
                               "non-singleton dimension %d",
                               opname, (long long)sa, (long long)sb, i);
        tmp[i] = sa == 1 ? sb : sa;
    }
    memcpy(out, tmp, (size_t)n * sizeof *out);
    *nd = n;
    return PTS_OK;
}

pts_status pts_broadcast_tensors_shape(int n, pts_tensor *const *ts, int *nd, int64_t *out, const char *opname)
{
    *nd = 0;
    for (int i = 0; i < n; i++)
        if (ts[i])
            PTS_TRY(pts_broadcast_shapes(*nd, out, ts[i]->ndim, ts[i]->sizes, nd, out, opname));
    return PTS_OK;
}

/* Fill it->shape / strides (innermost first, bytes) before coalescing. */
static pts_status iter_align(pts_iter *it, int nops, pts_tensor *const *ops, const char *opname)
{
    const pts_tensor *out = ops[0];
    int nd = out->ndim;
    for (int k = 0; k < nops; k++) {
        const pts_tensor *t = ops[k];
        int64_t isz = pts_dtype_get(t->dtype)->itemsize;
        if (t->ndim > nd)
            goto mismatch;
        it->data[k] = pts_tensor_data(t);
        for (int d = 0; d < nd; d++) {
            int td = t->ndim - nd + d; /* operand dim aligned with output dim d */
            int inner = nd - 1 - d;
            int64_t size = td >= 0 ? t->sizes[td] : 1;
            if (size != out->sizes[d] && size != 1)
                goto mismatch;
            it->strides[inner][k] = (td >= 0 && size != 1) ? t->strides[td] * isz : 0;
        }
        if (k == nops - 1) /* the unused operand columns of every dim: 0 */
            for (int d = 0; d < nd; d++)
                for (int j = nops; j < PTS_ITER_MAX_OPS; j++)
                    it->strides[d][j] = 0;
        continue;
    mismatch: {
        char a[128], b[128];
        pts_tensor_describe(t, a, sizeof a);
        pts_tensor_describe(out, b, sizeof b);
        return pts_err_set(PTS_ERR_VALUE, "%s: operand %d of shape %s cannot be broadcast to the output shape %s",
                           opname, k, a, b);
    }
    }
    for (int d = 0; d < nd; d++)
        it->shape[nd - 1 - d] = out->sizes[d];
    it->ndim = nd;
    return PTS_OK;
}

/* Drop size-1 dims, then merge dim i+1 into i where every operand is
 * contiguous across the pair. */
static void iter_coalesce(pts_iter *it)
{
    int n = 0;
    for (int d = 0; d < it->ndim; d++) {
        if (it->shape[d] == 1)
            continue;
        it->shape[n] = it->shape[d];
        memcpy(it->strides[n], it->strides[d], sizeof it->strides[d]);
        n++;
    }
    int m = 0;
    for (int d = 1; d < n; d++) {
        bool ok = true;
        for (int k = 0; k < it->nops && ok; k++)
            ok = it->strides[d][k] == it->strides[m][k] * it->shape[m];
        if (ok) {
            it->shape[m] *= it->shape[d];
        } else {
            m++;
            it->shape[m] = it->shape[d];
            memcpy(it->strides[m], it->strides[d], sizeof it->strides[d]);
        }
    }
    it->ndim = n == 0 ? 0 : m + 1;
}

pts_status pts_iter_init(pts_iter *it, int nops, pts_tensor *const *ops, const char *opname)
{
    /* not a memset of the whole (1.2 KB): iter_align fills every row of strides
     * it uses (ndim of them), data and shape as far as they are read */
    it->nops = 0;
    it->ndim = 0;
    it->numel = 0;
    memset(it->data, 0, sizeof it->data);
    if (nops < 1 || nops > PTS_ITER_MAX_OPS)
        return pts_err_set(PTS_ERR_INTERNAL, "%s: iterator with %d operands", opname, nops);
    it->nops = nops;
    PTS_TRY(iter_align(it, nops, ops, opname));
    it->numel = pts_tensor_numel(ops[0]);
    iter_coalesce(it);
    return PTS_OK;
}

/* Run elements [begin, end) of the flat (row-major over outer dims) space. */
static void iter_range(const pts_iter *it, pts_iter_loop_fn fn, void *ctx, int64_t begin, int64_t end)
{
    int nops = it->nops;
    if (it->ndim == 0) { /* a single element */
        char *data[PTS_ITER_MAX_OPS];
        int64_t zs[PTS_ITER_MAX_OPS] = {0};
        memcpy(data, it->data, sizeof data);
        if (begin < end)
            fn(ctx, data, zs, 1);
        return;
    }
    if (it->ndim == 1) { /* one run (everything contiguous after coalescing): no unravelling */
        char *data[PTS_ITER_MAX_OPS];
        for (int k = 0; k < nops; k++)
            data[k] = it->data[k] + begin * it->strides[0][k];
        if (begin < end)
            fn(ctx, data, it->strides[0], end - begin);
        return;
    }
    int64_t inner = it->shape[0];
    int64_t idx[PTS_MAX_DIMS];
    int64_t rem = begin;
    for (int d = 0; d < it->ndim; d++) { /* unravel begin, innermost first */
        idx[d] = rem % it->shape[d];
        rem /= it->shape[d];
    }
    int64_t pos = begin;
    while (pos < end) {
        char *data[PTS_ITER_MAX_OPS];
        for (int k = 0; k < nops; k++) {
            int64_t off = 0;
            for (int d = 0; d < it->ndim; d++)
                off += idx[d] * it->strides[d][k];
            data[k] = it->data[k] + off;
        }
        int64_t n = inner - idx[0];
        if (n > end - pos)
            n = end - pos;
        fn(ctx, data, it->strides[0], n);
        pos += n;
        idx[0] += n;
        for (int d = 0; d < it->ndim - 1 && idx[d] >= it->shape[d]; d++) {
            idx[d] = 0;
            idx[d + 1]++;
        }
    }
}

typedef struct run_ctx {
    const pts_iter *it;
    pts_iter_loop_fn fn;
    void *ctx;
} run_ctx;

static void run_chunk(void *vctx, int64_t begin, int64_t end)
{
    const run_ctx *r = vctx;
    iter_range(r->it, r->fn, r->ctx, begin, end);
}

void pts_iter_run_serial(const pts_iter *it, pts_iter_loop_fn fn, void *ctx)
{
    if (it->numel > 0)
        iter_range(it, fn, ctx, 0, it->numel);
}

void pts_iter_run(const pts_iter *it, pts_iter_loop_fn fn, void *ctx)
{
    if (it->numel <= 0)
        return;
    if (it->numel < 2 * ITER_GRAIN) {
        iter_range(it, fn, ctx, 0, it->numel);
        return;
    }
    run_ctx r = {it, fn, ctx};
    pts_parallel_for(it->numel, ITER_GRAIN, run_chunk, &r);
}
