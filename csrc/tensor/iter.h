/* iter.h - the broadcasting strided iterator that elementwise kernels run on.
 *
 * Operand 0 is the output (already allocated with the broadcast shape, any
 * strides); operands 1.. are inputs of any strides (0-strides from expand
 * included) whose shapes broadcast to the output's.  pts_iter_init aligns the
 * shapes (right-aligned, size-1 dims get stride 0), orders dims innermost
 * first and coalesces dims that are contiguous for every operand, so an
 * all-contiguous operation becomes a single 1-D loop.
 *
 * The loop body sees one innermost run at a time:
 *     static void body(void *ctx, char **data, const int64_t *strides, int64_t n)
 *     {   for (int64_t i = 0; i < n; i++)
 *             *(float *)(data[0] + i * strides[0]) = ... *(float *)(data[1] + i * strides[1]) ...;
 *     }
 * data[k] points at the first element of operand k, strides[k] is its byte
 * stride along the run.  A body may test strides[k] == sizeof(T) for a fast
 * contiguous path.  pts_iter_run splits the iteration space over the thread
 * pool; bodies must therefore be thread-safe (write only their own output
 * elements; report errors through an atomic flag in ctx).
 *
 * Typical use:
 *     pts_iter it;
 *     pts_tensor *ops[3] = {out, a, b};
 *     PTS_TRY(pts_iter_init(&it, 3, ops, "aten::add"));
 *     pts_iter_run(&it, body, &ctx);
 */
#ifndef PTS_TENSOR_ITER_H
#define PTS_TENSOR_ITER_H

#include <stdint.h>

#include "core/error.h"
#include "tensor/tensor.h"

#define PTS_ITER_MAX_OPS 8

typedef struct pts_iter {
    int nops;   /* operands: 0 = output, then inputs */
    int ndim;   /* after coalescing; dimension 0 is the innermost */
    int64_t shape[PTS_MAX_DIMS];
    int64_t strides[PTS_MAX_DIMS][PTS_ITER_MAX_OPS]; /* bytes: strides[dim][operand] */
    char *data[PTS_ITER_MAX_OPS];                     /* first element of each operand */
    int64_t numel;
} pts_iter;

typedef void (*pts_iter_loop_fn)(void *ctx, char **data, const int64_t *strides, int64_t n);

/* Broadcast two shapes (numpy rules).  Error names `opname`:
 * "aten::add: the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1". */
PTS_NODISCARD pts_status pts_broadcast_shapes(int nda, const int64_t *a, int ndb, const int64_t *b, int *nd, int64_t *out,
                                const char *opname);
/* Broadcast shape of n tensors (NULL entries are skipped). */
PTS_NODISCARD pts_status pts_broadcast_tensors_shape(int n, pts_tensor *const *ts, int *nd, int64_t *out, const char *opname);

/* Set up iteration over nops operands (borrowed; ops[0] = output).  Inputs
 * must broadcast to the output's shape exactly. */
PTS_NODISCARD pts_status pts_iter_init(pts_iter *it, int nops, pts_tensor *const *ops, const char *opname);
/* Run fn over every element, in parallel when the work is large enough. */
void pts_iter_run(const pts_iter *it, pts_iter_loop_fn fn, void *ctx);
/* Same, always on the calling thread. */
void pts_iter_run_serial(const pts_iter *it, pts_iter_loop_fn fn, void *ctx);

#endif
