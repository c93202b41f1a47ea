/* grow.c - growable arrays (see grow.h). */
#include "core/grow.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"

pts_status pts_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t first, const char *what)
{
    if (need <= *cap)
        return PTS_OK;
    size_t nc = *cap ? *cap : first ? first : 1, bytes;
    while (nc < need)
        nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    if (pts_mul_overflow_size(nc, elem, &bytes))
        return pts_err_nomem(what, SIZE_MAX);
    void *na = pts_realloc(*arr, bytes);
    if (!na)
        return pts_err_nomem(what, bytes);
    memset((char *)na + *cap * elem, 0, (nc - *cap) * elem);
    *arr = na;
    *cap = nc;
    return PTS_OK;
}

pts_status pts_grow_int(void **arr, int *cap, int need, size_t elem, size_t first, const char *what)
{
    if (need <= *cap)
        return PTS_OK;
    if (need < 0 || (size_t)need > (size_t)INT_MAX)
        return pts_err_nomem(what, SIZE_MAX);
    size_t c = (size_t)*cap;
    PTS_TRY(pts_grow(arr, &c, (size_t)need, elem, first, what));
    if (c > (size_t)INT_MAX) /* doubling past INT_MAX: keep what an int can count */
        c = (size_t)need;
    *cap = (int)c;
    return PTS_OK;
}
