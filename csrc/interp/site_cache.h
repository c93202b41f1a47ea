/* site_cache.h - the one inline cache every kind of call site uses.
 *
 * A site (operator call, attribute access, method call) keeps every entry it
 * has resolved in a list, and the last hit in an atomic pointer: the fast
 * path is one acquire load and one compare, without a lock.  Entries are
 * immutable once added and live as long as the site (pts_site_cache_free),
 * so a thread that read an entry may keep using it while another thread
 * publishes a different one.  The owner's entry struct starts with a
 * pts_site_entry and is allocated as one block with pts_malloc/pts_calloc.
 */
#ifndef PTS_INTERP_SITE_CACHE_H
#define PTS_INTERP_SITE_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>

typedef struct pts_site_entry {
    struct pts_site_entry *next_all; /* every entry of the site (freed with it) */
} pts_site_entry;

typedef struct pts_site_cache {
    _Atomic(pts_site_entry *) last; /* the last hit, published with a release store */
    pts_site_entry *all;
} pts_site_cache;

/* Does entry e answer `key`? (the key's meaning is the site kind's) */
typedef bool (*pts_site_match_fn)(const pts_site_entry *e, const void *key);

/* The entry answering `key`: the last hit, else any entry added before
 * (which then becomes the last hit); NULL when the site has none yet. */
pts_site_entry *pts_site_cache_find(pts_site_cache *c, pts_site_match_fn match, const void *key);

/* Add e (the cache owns it from now on) and publish it as the last hit. */
void pts_site_cache_add(pts_site_cache *c, pts_site_entry *e);

/* Free every entry (site teardown; no other thread may use the site). */
void pts_site_cache_free(pts_site_cache *c);

#endif
