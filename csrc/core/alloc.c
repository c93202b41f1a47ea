/* alloc.c - allocator hook with fault injection and a memory cap.
 *
 * The cap (pts_set_memory_limit) counts tensor data (pts_data_alloc) and every
 * other allocation of the core (lists, dicts, strings, objects, frames, code:
 * pts_malloc / pts_calloc / pts_realloc), by the allocator's usable size of
 * each block where the C library reports it (glibc, musl: malloc_usable_size). */
#include "core/alloc.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#define HEAP_SIZE(p) malloc_usable_size(p)
#else
#define HEAP_SIZE(p) ((size_t)0) /* not counted where the C library cannot tell */
#endif

static atomic_llong fail_after;   /* 0 = off */
static atomic_llong alloc_count;
static atomic_llong alloc_live;
static atomic_llong data_in_use;
static atomic_llong mem_limit;
static atomic_llong heap_in_use; /* bytes of pts_malloc'd blocks */

/* Would n more bytes pass the cap? (checked before allocating; concurrent
 * allocations may overshoot it by what they allocate at the same moment) */
static int over_limit(size_t n)
{
    long long lim = atomic_load_explicit(&mem_limit, memory_order_relaxed);
    if (lim <= 0)
        return 0;
    long long used = atomic_load_explicit(&data_in_use, memory_order_relaxed) +
                     atomic_load_explicit(&heap_in_use, memory_order_relaxed);
    return n > (size_t)LLONG_MAX || used + (long long)n > lim;
}

static int should_fail(void)
{
    atomic_fetch_add(&alloc_count, 1);
    long long f = atomic_load(&fail_after);
    if (f > 0) {
        long long left = atomic_fetch_sub(&fail_after, 1);
        if (left == 1)
            return 1;
    }
    return 0;
}

void *pts_malloc(size_t n)
{
    if (should_fail() || over_limit(n))
        return NULL;
    void *p = malloc(n ? n : 1);
    if (p) {
        atomic_fetch_add(&alloc_live, 1);
        atomic_fetch_add_explicit(&heap_in_use, (long long)HEAP_SIZE(p), memory_order_relaxed);
    }
    return p;
}

void *pts_calloc(size_t n, size_t size)
{
    size_t total;
    if (pts_mul_overflow_size(n, size, &total))
        return NULL;
    if (should_fail() || over_limit(total))
        return NULL;
    void *p = calloc(total ? total : 1, 1);
    if (p) {
        atomic_fetch_add(&alloc_live, 1);
        atomic_fetch_add_explicit(&heap_in_use, (long long)HEAP_SIZE(p), memory_order_relaxed);
    }
    return p;
}

void *pts_realloc(void *p, size_t n)
{
    if (!p)
        return pts_malloc(n);
    if (should_fail())
        return NULL;
    size_t old = HEAP_SIZE(p);
    if (n > old && over_limit(n - old))
        return NULL;
    void *q = realloc(p, n ? n : 1);
    if (q)
        atomic_fetch_add_explicit(&heap_in_use, (long long)HEAP_SIZE(q) - (long long)old, memory_order_relaxed);
    return q;
}

void pts_free(void *p)
{
    if (!p)
        return;
    atomic_fetch_sub(&alloc_live, 1);
    atomic_fetch_sub_explicit(&heap_in_use, (long long)HEAP_SIZE(p), memory_order_relaxed);
    free(p);
}

char *pts_strndup(const char *s, size_t n)
{
    char *r = pts_malloc(n + 1);
    if (!r)
        return NULL;
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

char *pts_strdup(const char *s) { return pts_strndup(s, strlen(s)); }

/* ---- small tensor data: a per-thread cache of freed blocks ---------------------
 *
 * A forward pass over small tensors (a scripted loop over a 1x64 tensor, an
 * RNN cell, a detector's post-processing) frees and allocates the same few
 * sizes at every op, and glibc's aligned_alloc of 64-byte alignment costs
 * ~500 instructions a call.  Freed blocks of at most CACHE_MAX_BYTES (rounded
 * to 64) are kept in a cache of the freeing thread, at most CACHE_DEPTH of a
 * size and CACHE_BUDGET bytes in all, and handed out again by the next
 * allocation of that size on that thread.  The accounting does not change: a
 * cached block is not in use (data_in_use, alloc_live), every allocation
 * still passes the limit and the fault injection, and a thread's cache is
 * emptied when the thread ends.  Off under AddressSanitizer, so that a use
 * after free of tensor data is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define PTS_NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTS_NO_BLOCK_CACHE 1
#endif
#endif

#ifndef PTS_NO_BLOCK_CACHE
#define CACHE_MAX_BYTES 4096
#define CACHE_CLASSES (CACHE_MAX_BYTES / 64)
#define CACHE_DEPTH 4
#define CACHE_BUDGET (64 * 1024)

/* pts_small_alloc's blocks (tensor and storage structs, malloc'd): classes of 64 bytes up to
 * SMALL_MAX_BYTES, SMALL_DEPTH of each (at most 16 KB a thread) */
#define SMALL_MAX_BYTES 512
#define SMALL_CLASSES (SMALL_MAX_BYTES / 64)
#define SMALL_DEPTH 32

typedef struct block_cache {
    void *blk[CACHE_CLASSES][CACHE_DEPTH];
    unsigned char n[CACHE_CLASSES];
    size_t held; /* bytes */
    int registered; /* thread-exit destructor armed */
    void *sblk[SMALL_CLASSES][SMALL_DEPTH];
    unsigned char sn[SMALL_CLASSES];
} block_cache;

static _Thread_local block_cache tcache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;

static void cache_drain(void *arg)
{
    block_cache *c = arg;
    for (int k = 0; k < CACHE_CLASSES; k++) {
        while (c->n[k] > 0)
            free(c->blk[k][--c->n[k]]);
    }
    c->held = 0;
    for (int k = 0; k < SMALL_CLASSES; k++) {
        while (c->sn[k] > 0)
            free(c->sblk[k][--c->sn[k]]);
    }
}

static void cache_key_make(void) { cache_key_ok = pthread_key_create(&cache_key, cache_drain) == 0; }

/* Arm the thread-exit destructor of c (the thread's cache must be freed when the thread ends);
 * 0 if that cannot be done (then nothing is cached). */
static int cache_register(block_cache *c)
{
    if (!c->registered) {
        pthread_once(&cache_once, cache_key_make);
        if (!cache_key_ok || pthread_setspecific(cache_key, c) != 0)
            return 0;
        c->registered = 1;
    }
    return 1;
}

static int small_put(void *p, size_t rounded)
{
    if (rounded > SMALL_MAX_BYTES)
        return 0;
    block_cache *c = &tcache;
    size_t k = rounded / 64 - 1;
    if (c->sn[k] >= SMALL_DEPTH || !cache_register(c))
        return 0;
    c->sblk[k][c->sn[k]++] = p;
    return 1;
}

static void *small_get(size_t rounded)
{
    if (rounded > SMALL_MAX_BYTES)
        return NULL;
    block_cache *c = &tcache;
    size_t k = rounded / 64 - 1;
    return c->sn[k] ? c->sblk[k][--c->sn[k]] : NULL;
}

/* Keep p (a block of `rounded` bytes) for reuse? */
static int cache_put(void *p, size_t rounded)
{
    if (rounded > CACHE_MAX_BYTES)
        return 0;
    block_cache *c = &tcache;
    size_t k = rounded / 64 - 1;
    if (c->n[k] >= CACHE_DEPTH || c->held + rounded > CACHE_BUDGET)
        return 0;
    if (!cache_register(c))
        return 0;
    c->blk[k][c->n[k]++] = p;
    c->held += rounded;
    return 1;
}

static void *cache_get(size_t rounded)
{
    if (rounded > CACHE_MAX_BYTES)
        return NULL;
    block_cache *c = &tcache;
    size_t k = rounded / 64 - 1;
    if (c->n[k] == 0)
        return NULL;
    c->held -= rounded;
    return c->blk[k][--c->n[k]];
}
#else
static int cache_put(void *p, size_t rounded)
{
    (void)p;
    (void)rounded;
    return 0;
}
static void *cache_get(size_t rounded)
{
    (void)rounded;
    return NULL;
}
static int small_put(void *p, size_t rounded)
{
    (void)p;
    (void)rounded;
    return 0;
}
static void *small_get(size_t rounded)
{
    (void)rounded;
    return NULL;
}
#endif

static size_t data_rounded(size_t nbytes)
{
    size_t rounded = (nbytes + 63) & ~(size_t)63;
    if (rounded < nbytes) /* overflow */
        return 0;
    return rounded ? rounded : 64;
}

void *pts_small_alloc(size_t n)
{
    size_t rounded = data_rounded(n);
    if (!rounded || should_fail() || over_limit(rounded))
        return NULL;
    void *p = small_get(rounded);
    if (!p)
        p = malloc(rounded);
    if (p) {
        atomic_fetch_add(&alloc_live, 1);
        atomic_fetch_add_explicit(&heap_in_use, (long long)rounded, memory_order_relaxed);
    }
    return p;
}

void pts_small_free(void *p, size_t n)
{
    if (!p)
        return;
    size_t rounded = data_rounded(n);
    atomic_fetch_sub(&alloc_live, 1);
    atomic_fetch_sub_explicit(&heap_in_use, (long long)rounded, memory_order_relaxed);
    if (!small_put(p, rounded))
        free(p);
}

void *pts_data_alloc(size_t nbytes)
{
    long long lim = atomic_load(&mem_limit);
    if (lim > 0) {
        long long now = atomic_fetch_add(&data_in_use, (long long)nbytes) + atomic_load(&heap_in_use);
        if (now + (long long)nbytes > lim) {
            atomic_fetch_sub(&data_in_use, (long long)nbytes);
            return NULL;
        }
    } else {
        atomic_fetch_add(&data_in_use, (long long)nbytes);
    }
    if (should_fail()) {
        atomic_fetch_sub(&data_in_use, (long long)nbytes);
        return NULL;
    }
    size_t rounded = data_rounded(nbytes);
    if (!rounded) {
        atomic_fetch_sub(&data_in_use, (long long)nbytes);
        return NULL;
    }
    void *p = cache_get(rounded);
    if (!p)
        p = aligned_alloc(64, rounded);
    if (!p) {
        atomic_fetch_sub(&data_in_use, (long long)nbytes);
        return NULL;
    }
    atomic_fetch_add(&alloc_live, 1);
    return p;
}

void pts_data_free(void *p, size_t nbytes)
{
    if (!p)
        return;
    atomic_fetch_sub(&data_in_use, (long long)nbytes);
    atomic_fetch_sub(&alloc_live, 1);
    if (!cache_put(p, data_rounded(nbytes)))
        free(p);
}

pts_status pts_err_nomem(const char *what, size_t nbytes)
{
    long long lim = atomic_load(&mem_limit);
    if (lim > 0)
        return pts_err_set(PTS_ERR_NOMEM,
                           "out of memory allocating %zu bytes for %s (memory limit %lld bytes, %lld in use)",
                           nbytes, what, lim, (long long)(atomic_load(&data_in_use) + atomic_load(&heap_in_use)));
    return pts_err_set(PTS_ERR_NOMEM, "out of memory allocating %zu bytes for %s", nbytes, what);
}

int pts_mul_overflow_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 1;
    *out = a * b;
    return 0;
}

void pts_set_memory_limit(int64_t bytes) { atomic_store(&mem_limit, bytes < 0 ? 0 : bytes); }
int64_t pts_get_memory_limit(void) { return atomic_load(&mem_limit); }
int64_t pts_data_bytes_in_use(void) { return atomic_load(&data_in_use); }
int64_t pts_heap_bytes_in_use(void) { return atomic_load(&heap_in_use); }
void pts_alloc_fail_after(int64_t n) { atomic_store(&fail_after, n < 0 ? 0 : n); }
int64_t pts_alloc_count(void) { return atomic_load(&alloc_count); }
int64_t pts_alloc_live(void) { return atomic_load(&alloc_live); }
