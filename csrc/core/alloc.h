/* alloc.h - the one allocator hook of pyts.
 *
 * All heap memory of the core goes through these functions so that tests can
 * inject failures (fail the Nth allocation) and so that tensor memory can be
 * capped (pts_set_memory_limit).  They never abort: they return NULL, and the
 * caller turns that into PTS_ERR_NOMEM (pts_err_nomem()).
 */
#ifndef PTS_CORE_ALLOC_H
#define PTS_CORE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

void *pts_malloc(size_t n);
/* Overflow-checked n*size, zeroed. */
void *pts_calloc(size_t n, size_t size);
void *pts_realloc(void *p, size_t n);
void pts_free(void *p);
char *pts_strdup(const char *s);
char *pts_strndup(const char *s, size_t n);

/* Small fixed-size objects freed and made again at every op (tensor and storage
 * structs): as pts_malloc / pts_free (counted against the limit, the fault
 * injection, alloc_live; heap_in_use counts n rounded up to 64), but a freed
 * block is kept in a per-thread cache for the next pts_small_alloc of the same
 * 64-byte class.  pts_small_free must get the n given to pts_small_alloc. */
void *pts_small_alloc(size_t n);
void pts_small_free(void *p, size_t n);

/* Tensor data: 64-byte aligned.  Counted against the memory limit, as is
 * every pts_malloc / pts_calloc / pts_realloc block. */
void *pts_data_alloc(size_t nbytes);
void pts_data_free(void *p, size_t nbytes);

/* Returns PTS_ERR_NOMEM with a message naming what could not be allocated
 * (an error setter like pts_err_set: not PTS_NODISCARD). */
pts_status pts_err_nomem(const char *what, size_t nbytes);

/* Overflow-safe arithmetic: return 0 on success, nonzero on overflow. */
int pts_mul_overflow_size(size_t a, size_t b, size_t *out);
static inline int pts_mul_overflow_i64(int64_t a, int64_t b, int64_t *out) { return __builtin_mul_overflow(a, b, out); }
static inline int pts_add_overflow_i64(int64_t a, int64_t b, int64_t *out) { return __builtin_add_overflow(a, b, out); }

/* Memory limit in bytes (0 = none): tensor data plus every other allocation
 * of the core (lists, dicts, strings, objects, code...). */
void pts_set_memory_limit(int64_t bytes);
int64_t pts_get_memory_limit(void);
int64_t pts_data_bytes_in_use(void);
int64_t pts_heap_bytes_in_use(void); /* pts_malloc'd bytes (allocator's usable sizes) */

/* Fault injection for tests: the Nth allocation from now fails (1 = the next
 * one); 0 disables.  pts_alloc_count() counts allocations since start. */
void pts_alloc_fail_after(int64_t n);
int64_t pts_alloc_count(void);
/* Live allocations (malloc-style + data) - for leak checks in tests. */
int64_t pts_alloc_live(void);

#endif
