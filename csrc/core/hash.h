/* hash.h - the one string/byte hash of the engine: 64-bit FNV-1a.
 * Used by the value hash (dict keys), the frontend's name interning, the
 * compiler's local table and the archive's record index. */
#ifndef PTS_CORE_HASH_H
#define PTS_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define PTS_FNV_OFFSET 14695981039346656037ULL
#define PTS_FNV_PRIME 1099511628211ULL

/* FNV-1a of n bytes. */
static inline uint64_t pts_hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = PTS_FNV_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * PTS_FNV_PRIME;
    return h;
}

/* FNV-1a of a NUL-terminated string (same value as pts_hash_bytes of its bytes). */
static inline uint64_t pts_hash_str(const char *s)
{
    uint64_t h = PTS_FNV_OFFSET;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * PTS_FNV_PRIME;
    return h;
}

#endif
