/* arena.h - a bump allocator for the frontend.
 *
 * Every AST node, every decoded string literal and every interned name of
 * one parse (or of one compilation unit) lives in a pts_arena, and all of it
 * goes away with one pts_arena_free().  Blocks come from pts_malloc, so
 * allocation failures are reported, never fatal.
 *
 * Interned names: pts_arena_intern() returns the same pointer for equal
 * byte strings, so later passes may compare names by pointer.
 */
#ifndef PTS_FRONTEND_ARENA_H
#define PTS_FRONTEND_ARENA_H

#include <stddef.h>

#include "core/error.h"

typedef struct pts_arena pts_arena;

/* New empty arena, or NULL with PTS_ERR_NOMEM recorded. */
pts_arena *pts_arena_new(void);
/* Free the arena and everything allocated in it. NULL-safe. */
void pts_arena_free(pts_arena *a);
/* Same, with the signature of pts_cu.arena_free. */
void pts_arena_free_void(void *a);

/* n zeroed bytes aligned to 16, or NULL with PTS_ERR_NOMEM recorded. */
void *pts_arena_alloc(pts_arena *a, size_t n);
/* Array of `count` elements of `size` bytes (overflow-checked, zeroed). */
void *pts_arena_array(pts_arena *a, size_t count, size_t size);
/* Copy `old` (old_count elements) into a new array of new_count elements. */
void *pts_arena_grow(pts_arena *a, void *old, size_t old_count, size_t new_count, size_t size);
/* NUL-terminated copy of n bytes (which may contain NULs). */
char *pts_arena_strndup(pts_arena *a, const char *s, size_t n);
/* The unique arena copy of the n bytes at s (NUL-terminated). */
const char *pts_arena_intern(pts_arena *a, const char *s, size_t n);
/* Same; *added (if not NULL) tells whether the name was new. */
const char *pts_arena_intern_ex(pts_arena *a, const char *s, size_t n, int *added);

/* Bytes handed out so far (for statistics and tests). */
size_t pts_arena_used(const pts_arena *a);

#endif
