/* arena.c - block-list bump allocator and name interning (see arena.h).
 *
 * Blocks are chained newest first; they start small (a short file needs
 * little) and grow with the arena up to BLOCK_SIZE.  A request larger than a
 * quarter of the block size gets a block of its own.  The intern table is an open-addressed
 * hash set of pointers into the arena; it is the only part allocated outside
 * the blocks (it is resized by rehashing).
 */
#include "frontend/arena.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"

#define BLOCK_SIZE ((size_t)64 * 1024) /* the largest shared block */
#define FIRST_BLOCK ((size_t)4 * 1024)    /* blocks grow with use up to BLOCK_SIZE */
#define ALIGN ((size_t)16)

typedef struct block {
    struct block *next;
    size_t size, used;
    /* data follows, aligned to ALIGN */
} block;

#define HDR (((sizeof(block) + ALIGN - 1) / ALIGN) * ALIGN)

typedef struct istr {
    uint64_t hash;
    size_t len;
    const char *s;
} istr;

struct pts_arena {
    block *head;
    size_t used;
    istr *tab;   /* intern table, NULL until first use */
    size_t tcap; /* power of two */
    size_t tcount;
};

pts_arena *pts_arena_new(void)
{
    pts_arena *a = pts_calloc(1, sizeof *a);
    if (!a)
        pts_err_nomem("a parser arena", sizeof *a);
    return a;
}

void pts_arena_free(pts_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        pts_free(b);
        b = next;
    }
    pts_free(a->tab);
    pts_free(a);
}

void pts_arena_free_void(void *a) { pts_arena_free((pts_arena *)a); }

static block *new_block(pts_arena *a, size_t need)
{
    size_t shared = a->used < FIRST_BLOCK ? FIRST_BLOCK : a->used < BLOCK_SIZE ? a->used : BLOCK_SIZE;
    size_t size = need > shared / 4 ? need : shared;
    if (size > SIZE_MAX - HDR)
        return NULL;
    block *b = pts_malloc(HDR + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    if (size == shared || !a->head) {
        b->next = a->head; /* becomes the block we bump in */
        a->head = b;
    } else {
        /* a big private block: keep bumping in the current head */
        b->next = a->head->next;
        a->head->next = b;
    }
    return b;
}

void *pts_arena_alloc(pts_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ALIGN) {
        pts_err_nomem("parser arena memory", n);
        return NULL;
    }
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        b = new_block(a, n);
        if (!b) {
            pts_err_nomem("parser arena memory", n);
            return NULL;
        }
    }
    char *p = (char *)b + HDR + b->used;
    b->used += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

void *pts_arena_array(pts_arena *a, size_t count, size_t size)
{
    size_t n;
    if (pts_mul_overflow_size(count, size, &n)) {
        pts_err_nomem("parser arena memory", SIZE_MAX);
        return NULL;
    }
    return pts_arena_alloc(a, n);
}

void *pts_arena_grow(pts_arena *a, void *old, size_t old_count, size_t new_count, size_t size)
{
    void *p = pts_arena_array(a, new_count, size);
    if (p && old && old_count)
        memcpy(p, old, (old_count < new_count ? old_count : new_count) * size);
    return p;
}

char *pts_arena_strndup(pts_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        pts_err_nomem("parser arena memory", n);
        return NULL;
    }
    char *p = pts_arena_alloc(a, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

/* ---- interning ------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n) { return pts_hash_bytes(s, n); }

static int rehash(pts_arena *a)
{
    size_t ncap = a->tcap ? a->tcap * 2 : 256;
    istr *nt = pts_calloc(ncap, sizeof *nt);
    if (!nt)
        return 0;
    for (size_t i = 0; i < a->tcap; i++) {
        if (!a->tab[i].s)
            continue;
        size_t j = (size_t)a->tab[i].hash & (ncap - 1);
        while (nt[j].s)
            j = (j + 1) & (ncap - 1);
        nt[j] = a->tab[i];
    }
    pts_free(a->tab);
    a->tab = nt;
    a->tcap = ncap;
    return 1;
}

const char *pts_arena_intern(pts_arena *a, const char *s, size_t n)
{
    return pts_arena_intern_ex(a, s, n, NULL);
}

const char *pts_arena_intern_ex(pts_arena *a, const char *s, size_t n, int *added)
{
    if (added)
        *added = 0;
    if ((a->tcount + 1) * 2 > a->tcap && !rehash(a)) {
        pts_err_nomem("the name table", (a->tcap ? a->tcap * 2 : 256) * sizeof(istr));
        return NULL;
    }
    uint64_t h = hash_bytes(s, n);
    size_t j = (size_t)h & (a->tcap - 1);
    while (a->tab[j].s) {
        if (a->tab[j].hash == h && a->tab[j].len == n && memcmp(a->tab[j].s, s, n) == 0)
            return a->tab[j].s;
        j = (j + 1) & (a->tcap - 1);
    }
    char *copy = pts_arena_strndup(a, s, n);
    if (!copy)
        return NULL;
    a->tab[j].hash = h;
    a->tab[j].len = n;
    a->tab[j].s = copy;
    a->tcount++;
    if (added)
        *added = 1;
    return copy;
}

size_t pts_arena_used(const pts_arena *a) { return a->used; }
