/* rng.h - torch's CPU random generator (mt19937 as CPUGeneratorImpl keeps it)
 * and the transforms the random kernels share.
 *
 * One process-default generator, seeded like torch's default CPU generator
 * (67280421310721 at start; pts_rng_manual_seed(s) as torch.manual_seed(s)).
 * Every kernel that draws holds the generator's lock for the whole op and
 * draws element after element on one thread, as torch does, so the stream
 * (and so the numbers) do not depend on the thread count.  The notes on the
 * algorithms: /work/shared/reference/torch-cpu-rng.md (torch 2.14.1, x86-64,
 * the AVX2 kernel copy). */
#ifndef PTS_OPS_RANDOM_RNG_H
#define PTS_OPS_RANDOM_RNG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "tensor/tensor.h"
#include "value/value.h"

typedef struct pts_rng pts_rng;

/* The process-default generator (lives for the process). */
pts_rng *pts_rng_default(void);
/* torch.manual_seed(s): s as uint64 (a negative Python int is 2^64 + s); only
 * its low 32 bits seed the engine; clears the normal caches. */
void pts_rng_manual_seed(pts_rng *g, uint64_t seed);
uint64_t pts_rng_initial_seed(pts_rng *g);

/* Hold the generator for one op's draws. */
void pts_rng_lock(pts_rng *g);
void pts_rng_unlock(pts_rng *g);

/* Draws (the lock held). */
uint32_t pts_rng_u32(pts_rng *g);
uint64_t pts_rng_u64(pts_rng *g); /* (first << 32) | second */
/* U24f: (R32 & 0xFFFFFF) * 2^-24; U53d: (R64 & (2^53-1)) * 2^-53 */
static inline float pts_rng_u24f(pts_rng *g) { return (float)(pts_rng_u32(g) & 0xFFFFFFu) * 0x1p-24f; }
static inline double pts_rng_u53d(pts_rng *g) { return (double)(pts_rng_u64(g) & ((1ull << 53) - 1)) * 0x1p-53; }
/* at::normal_distribution<double>: scalar Box-Muller with the double cache,
 * z * std + mean fused (torch's AVX2 copy). */
double pts_rng_normal_double(pts_rng *g, double mean, double std);

/* A new Generator value (TorchScript's torch.Generator(seed=...)): an opaque
 * value owning its own engine, seeded with `seed`.  New reference in *out. */
PTS_NODISCARD pts_status pts_rng_value_new(uint64_t seed, pts_value *out);
/* A seed from the system's entropy (torch.Generator() with no seed, g.seed()). */
uint64_t pts_rng_nondeterministic_seed(void);

/* The generator a `Generator? generator` argument names: None = the default,
 * a Generator value its own engine (borrowed from v); anything else is an error. */
PTS_NODISCARD pts_status pts_rng_from_arg(pts_value v, const char *opname, pts_rng **out);

/* The offsets (elements, from t's data pointer) of t's n elements in the
 * order torch's TensorIterator walks an output: dims of size > 1 ordered by
 * stride, the largest outermost (memory order for dense tensors).  Returns a
 * pts_malloc'ed array (NULL with the error set). */
int64_t *pts_rng_walk_offsets(const pts_tensor *t, int64_t n);
/* The same in logical (row-major index) order. */
int64_t *pts_rng_logical_offsets(const pts_tensor *t, int64_t n);

/* The training-mode dropout family on x (ops/nn/activation.c handles p = 0,
 * p = 1, eval mode and empty inputs): torch's _dropout_impl (noise like x,
 * bernoulli_(1 - p), scaled) or, with `native`, native_dropout's output.
 * *ret: new tensor (or x itself when inplace, new reference). */
PTS_NODISCARD pts_status pts_rng_dropout(const char *opname, pts_tensor *x, double p, bool feature, bool alpha,
                                         bool inplace, pts_value *ret);
/* rrelu / rrelu_with_noise in training mode: out (new, or x when inplace) and
 * noise (may be NULL) written as torch's _rrelu_with_noise_train. */
PTS_NODISCARD pts_status pts_rng_rrelu_train(const char *opname, pts_tensor *x, pts_tensor *noise, double lower,
                                             double upper, pts_value generator, bool inplace, pts_value *ret);

#endif
