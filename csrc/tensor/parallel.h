/* parallel.h - the one thread pool pyts owns.
 *
 * Kernels split work with pts_parallel_for; the pool has
 * pts_get_num_threads()-1 workers plus the calling thread.  Nested calls
 * (from inside a worker) run serially.  BLAS is kept single-threaded
 * (openblas_set_num_threads(1)) and is called from inside the pool, so two
 * pools never spin against each other.
 */
#ifndef PTS_TENSOR_PARALLEL_H
#define PTS_TENSOR_PARALLEL_H

#include <stdint.h>

typedef void (*pts_range_fn)(void *ctx, int64_t begin, int64_t end);

/* Run fn over [0, n) in chunks of at least `grain` items; returns when done. */
void pts_parallel_for(int64_t n, int64_t grain, pts_range_fn fn, void *ctx);
void pts_set_num_threads(int n); /* n >= 1 */
int pts_get_num_threads(void);

#endif
