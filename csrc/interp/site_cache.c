/* site_cache.c - the inline cache of call sites (see site_cache.h). */
#include "interp/site_cache.h"

#include <pthread.h>

#include "core/alloc.h"

/* Guards every site's entry list (the slow path only). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

pts_site_entry *pts_site_cache_find(pts_site_cache *c, pts_site_match_fn match, const void *key)
{
    pts_site_entry *e = atomic_load_explicit(&c->last, memory_order_acquire);
    if (e && match(e, key))
        return e;
    pthread_mutex_lock(&lock);
    for (e = c->all; e; e = e->next_all)
        if (match(e, key))
            break;
    pthread_mutex_unlock(&lock);
    if (e)
        atomic_store_explicit(&c->last, e, memory_order_release);
    return e;
}

void pts_site_cache_add(pts_site_cache *c, pts_site_entry *e)
{
    pthread_mutex_lock(&lock);
    e->next_all = c->all;
    c->all = e;
    pthread_mutex_unlock(&lock);
    atomic_store_explicit(&c->last, e, memory_order_release);
}

void pts_site_cache_free(pts_site_cache *c)
{
    for (pts_site_entry *e = c->all, *nx; e; e = nx) {
        nx = e->next_all;
        pts_free(e);
    }
    c->all = NULL;
    atomic_store_explicit(&c->last, NULL, memory_order_relaxed);
}
