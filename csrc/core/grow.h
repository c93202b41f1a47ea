/* grow.h - the one growable-array step: make room for `need` items.
 *
 *     PTS_TRY(pts_grow((void **)&v->items, &v->cap, v->n + 1, sizeof *v->items, 16, "items"));
 *
 * The capacity doubles from `first` until it holds `need`; the new items are
 * zeroed; sizes are overflow-checked.  On failure the array is unchanged and
 * the error is PTS_ERR_NOMEM naming `what`. */
#ifndef PTS_CORE_GROW_H
#define PTS_CORE_GROW_H

#include <stddef.h>

#include "core/error.h"

PTS_NODISCARD pts_status pts_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t first, const char *what);
/* Same for an int capacity (counts bounded far below INT_MAX by their owners). */
PTS_NODISCARD pts_status pts_grow_int(void **arr, int *cap, int need, size_t elem, size_t first, const char *what);

#endif
