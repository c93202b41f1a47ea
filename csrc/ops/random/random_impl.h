/* random_impl.h - what the random family files share (random.c,
 * distributions.c): outputs walked in torch's order, the draws of uniform_,
 * normal_ and random_ on an existing tensor. */
#ifndef PTS_OPS_RANDOM_IMPL_H
#define PTS_OPS_RANDOM_IMPL_H

#include "ops/random/rng.h"

/* An output being filled: n elements of t, element i at base + off(i) * isz,
 * off(i) = i when contig, else offs[i] (torch's walk order). */
typedef struct pts_rng_out {
    pts_tensor *t; /* borrowed */
    int64_t n;
    int isz;
    bool contig;
    char *base;
    int64_t *offs; /* owned (NULL when contig) */
} pts_rng_out;

/* Checks t is writable (no internal overlap; copy-on-write made) and sets o. */
PTS_NODISCARD pts_status pts_rng_out_begin(pts_tensor *t, const char *opname, pts_rng_out *o);
void pts_rng_out_end(pts_rng_out *o);
static inline void *pts_rng_out_ptr(const pts_rng_out *o, int64_t i)
{
    return o->base + (o->offs ? o->offs[i] : i) * o->isz;
}
/* static_cast<scalar_t>(double) into p */
void pts_rng_store_double(void *p, int dtype, double v);
/* empty_like(self) strides (preserve format) */
void pts_rng_like_strides(const pts_tensor *t, int64_t *strides);
/* A new tensor like self: dtype, memory_format (None / 1 preserve, 0 contiguous). */
PTS_NODISCARD pts_status pts_rng_new_like(const char *opname, const pts_tensor *self, int dtype, pts_value memory_format,
                                          pts_tensor **out);

/* In-place draws on self (any strides): torch's uniform_, normal_, random_(from, to?) */
PTS_NODISCARD pts_status pts_rng_uniform_(const char *opname, pts_tensor *self, double from, double to, pts_value generator);
PTS_NODISCARD pts_status pts_rng_normal_(const char *opname, pts_tensor *self, double mean, double std, pts_value generator);
PTS_NODISCARD pts_status pts_rng_random_from_to(const char *opname, pts_tensor *self, int64_t from, bool has_to, int64_t to,
                                                pts_value generator);

#endif
