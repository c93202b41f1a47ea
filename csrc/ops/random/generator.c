/* generator.c - the mt19937 engine of torch's CPUGeneratorImpl, its seeding,
 * the double normal cache and the process-default generator (rng.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/alloc.h"
#include "ops/random/rng.h"

#define MT_N 624
#define MT_M 397
#define MT_MATRIX_A 0x9908B0DFu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7FFFFFFFu

/* torch's default_rng_seed_val */
#define PTS_RNG_DEFAULT_SEED 67280421310721ull

struct pts_rng {
    pthread_mutex_t lock;
    uint64_t seed;
    int left, next;
    uint32_t state[MT_N];
    double next_double_normal;
    bool has_double_normal;
    float next_float_normal; /* torch keeps it; no CPU kernel reads it */
    bool has_float_normal;
};

static pts_rng g_default = {.lock = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t g_default_once = PTHREAD_ONCE_INIT;

static void seed_engine(pts_rng *g, uint64_t seed)
{
    g->seed = seed;
    g->state[0] = (uint32_t)(seed & 0xFFFFFFFFu);
    for (int j = 1; j < MT_N; j++)
        g->state[j] = 1812433253u * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + (uint32_t)j;
    g->left = 1;
    g->next = 0;
    g->has_double_normal = false;
    g->has_float_normal = false;
    g->next_double_normal = 0;
    g->next_float_normal = 0;
}

static void init_default(void) { seed_engine(&g_default, PTS_RNG_DEFAULT_SEED); }

pts_rng *pts_rng_default(void)
{
    pthread_once(&g_default_once, init_default);
    return &g_default;
}

void pts_rng_manual_seed(pts_rng *g, uint64_t seed)
{
    pts_rng_lock(g);
    seed_engine(g, seed);
    pts_rng_unlock(g);
}

uint64_t pts_rng_initial_seed(pts_rng *g)
{
    pts_rng_lock(g);
    uint64_t s = g->seed;
    pts_rng_unlock(g);
    return s;
}

void pts_rng_lock(pts_rng *g) { pthread_mutex_lock(&g->lock); }
void pts_rng_unlock(pts_rng *g) { pthread_mutex_unlock(&g->lock); }

static inline uint32_t twist(uint32_t u, uint32_t v)
{
    return (((u & MT_UPPER) | (v & MT_LOWER)) >> 1) ^ ((v & 1u) ? MT_MATRIX_A : 0u);
}

static void next_state(pts_rng *g)
{
    uint32_t *s = g->state;
    g->left = MT_N;
    g->next = 0;
    int k = 0;
    for (; k < MT_N - MT_M; k++)
        s[k] = s[k + MT_M] ^ twist(s[k], s[k + 1]);
    for (; k < MT_N - 1; k++)
        s[k] = s[k + MT_M - MT_N] ^ twist(s[k], s[k + 1]);
    s[MT_N - 1] = s[MT_M - 1] ^ twist(s[MT_N - 1], s[0]);
}

uint32_t pts_rng_u32(pts_rng *g)
{
    if (--g->left == 0)
        next_state(g);
    uint32_t y = g->state[g->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9D2C5680u;
    y ^= (y << 15) & 0xEFC60000u;
    y ^= y >> 18;
    return y;
}

uint64_t pts_rng_u64(pts_rng *g)
{
    uint64_t hi = pts_rng_u32(g);
    uint64_t lo = pts_rng_u32(g);
    return (hi << 32) | lo;
}

double pts_rng_normal_double(pts_rng *g, double mean, double std)
{
    double z;
    if (g->has_double_normal) {
        z = g->next_double_normal;
        g->has_double_normal = false;
    } else {
        double u1 = pts_rng_u53d(g);
        double u2 = pts_rng_u53d(g);
        double r = sqrt(-2.0 * log1p(-u2));
        double theta = 2.0 * 3.14159265358979323846 * u1;
        g->next_double_normal = r * sin(theta);
        g->has_double_normal = true;
        z = r * cos(theta);
    }
    return fma(z, std, mean);
}

static void rng_free(void *p)
{
    pts_rng *g = p;
    pthread_mutex_destroy(&g->lock);
    pts_free(g);
}

pts_status pts_rng_value_new(uint64_t seed, pts_value *out)
{
    pts_rng *g = pts_calloc(1, sizeof *g);
    if (!g)
        return pts_err_last();
    pthread_mutex_init(&g->lock, NULL);
    seed_engine(g, seed);
    pts_opaque *op = pts_opaque_new(0, g, rng_free); /* frees g on failure */
    if (!op)
        return pts_err_last();
    *out = pts_obj_value(&op->hdr);
    return PTS_OK;
}

uint64_t pts_rng_nondeterministic_seed(void)
{
    static atomic_ullong counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) ^
                 (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull);
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        uint64_t r = 0;
        if (fread(&r, sizeof r, 1, f) == 1)
            x ^= r;
        fclose(f);
    }
    /* splitmix64 finalizer */
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

pts_status pts_rng_from_arg(pts_value v, const char *opname, pts_rng **out)
{
    if (v.tag == PTS_T_NONE) {
        *out = pts_rng_default();
        return PTS_OK;
    }
    if (v.tag == PTS_T_OPAQUE && ((pts_opaque *)v.u.o)->free_ptr == rng_free) {
        *out = ((pts_opaque *)v.u.o)->ptr;
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_TYPE, "%s: expected a Generator or None for argument 'generator', got %s", opname,
                       pts_tag_name((pts_tag)v.tag));
}

static int64_t *offsets(const pts_tensor *t, int64_t n, bool memory_order);

int64_t *pts_rng_walk_offsets(const pts_tensor *t, int64_t n) { return offsets(t, n, true); }
int64_t *pts_rng_logical_offsets(const pts_tensor *t, int64_t n) { return offsets(t, n, false); }

static int64_t *offsets(const pts_tensor *t, int64_t n, bool memory_order)
{
    int64_t *offs = pts_malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!offs)
        return NULL;
    /* dims of size > 1, outermost first: insertion sort by stride, descending;
     * for equal strides the original order is kept */
    int dims[PTS_MAX_DIMS], nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (t->sizes[i] <= 1)
            continue;
        int k = nd++;
        while (memory_order && k > 0 && t->strides[dims[k - 1]] < t->strides[i]) {
            dims[k] = dims[k - 1];
            k--;
        }
        dims[k] = i;
    }
    int64_t idx[PTS_MAX_DIMS] = {0};
    int64_t off = 0;
    for (int64_t e = 0; e < n; e++) {
        offs[e] = off;
        for (int k = nd - 1; k >= 0; k--) {
            int d = dims[k];
            off += t->strides[d];
            if (++idx[k] < t->sizes[d])
                break;
            off -= t->strides[d] * t->sizes[d];
            idx[k] = 0;
        }
    }
    return offs;
}
