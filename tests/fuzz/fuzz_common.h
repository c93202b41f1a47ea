/* fuzz_common.h - helpers shared by the libFuzzer targets of tests/fuzz/.
 *
 * Every target feeds untrusted bytes to one stage of the pipeline and checks
 * the contract of DESIGN.md: a status (never a crash, an abort, a leak or a
 * hang), a non-empty message on failure, and every pts_malloc returned by the
 * time the input is done (pts_alloc_live() back to its value before the
 * input).  ASan/UBSan catch memory errors, this header catches leaks of the
 * engine's own allocator (LeakSanitizer would too, but only at exit).
 */
#ifndef PTS_FUZZ_COMMON_H
#define PTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "tensor/tensor.h"
#include "value/class.h"
#include "value/value.h"

/* Cap on tensor memory while fuzzing: a file asking for more fails with
 * PTS_ERR_NOMEM instead of making libFuzzer's RSS limit fire. */
#define FUZZ_MEMORY_LIMIT ((int64_t)256 << 20)

#define FUZZ_CHECK(cond, ...)                                                   \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* A failed status must come with a message. */
static inline void fuzz_check_status(pts_status st)
{
    if (st != PTS_OK) {
        const char *m = pts_err_message();
        FUZZ_CHECK(m && m[0], "status %d without a message", (int)st);
        FUZZ_CHECK(st > 0 && st <= PTS_ERR_INTERNAL, "status %d out of range: %s", (int)st, m);
    }
}

static inline void fuzz_check_no_leak(int64_t live_before, const char *what)
{
    int64_t now = pts_alloc_live();
    FUZZ_CHECK(now == live_before, "%s leaked %lld allocations (%lld live before, %lld after)", what,
               (long long)(now - live_before), (long long)live_before, (long long)now);
}

/* Touch the first and last byte of a tensor's extent so that ASan checks that
 * every tensor the loader built fits its storage. */
static inline uint32_t fuzz_touch_tensor(const pts_tensor *t)
{
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    FUZZ_CHECK(di != NULL, "tensor with unknown dtype %d", t->dtype);
    FUZZ_CHECK(t->ndim >= 0 && t->ndim <= PTS_MAX_DIMS, "tensor with %d dims", t->ndim);
    int64_t lo = t->offset, hi = t->offset;
    for (int d = 0; d < t->ndim; d++) {
        FUZZ_CHECK(t->sizes[d] >= 0, "negative size");
        if (t->sizes[d] == 0)
            return 0;
        int64_t span = (t->sizes[d] - 1) * t->strides[d];
        if (span < 0)
            lo += span;
        else
            hi += span;
    }
    FUZZ_CHECK(lo >= 0 && (uint64_t)(hi + 1) * (uint64_t)di->itemsize <= t->storage->nbytes,
               "tensor view [%lld, %lld] outside its storage of %zu bytes", (long long)lo, (long long)hi,
               t->storage->nbytes);
    const volatile uint8_t *p = (const uint8_t *)t->storage->data;
    return (uint32_t)p[(size_t)lo * di->itemsize] + p[(size_t)hi * di->itemsize + di->itemsize - 1];
}

/* Walk a value tree (bounded depth: the unpickler guarantees no cycles, but
 * objects may share children), touching every tensor. */
static inline uint32_t fuzz_walk(pts_value v, int depth)
{
    uint32_t acc = 0;
    if (depth > 2000)
        return 0;
    switch (v.tag) {
    case PTS_T_TENSOR:
        return fuzz_touch_tensor((const pts_tensor *)v.u.o);
    case PTS_T_STR: {
        char buf[64];
        pts_value_describe(v, buf, sizeof buf);
        return (uint32_t)buf[0];
    }
    case PTS_T_LIST:
        for (int64_t i = 0; i < PTS_LIST(v)->len; i++)
            acc += fuzz_walk(PTS_LIST(v)->items[i], depth + 1);
        return acc;
    case PTS_T_TUPLE:
        for (int64_t i = 0; i < PTS_TUPLE(v)->len; i++)
            acc += fuzz_walk(PTS_TUPLE(v)->items[i], depth + 1);
        return acc;
    case PTS_T_DICT:
        for (int64_t i = 0; i < PTS_DICT(v)->nentries; i++)
            if (PTS_DICT(v)->entries[i].live)
                acc += fuzz_walk(PTS_DICT(v)->entries[i].key, depth + 1) +
                       fuzz_walk(PTS_DICT(v)->entries[i].val, depth + 1);
        return acc;
    case PTS_T_OBJECT:
        for (int64_t i = 0; i < PTS_OBJECT(v)->nslots; i++)
            acc += fuzz_walk(PTS_OBJECT(v)->slots[i], depth + 1);
        return acc;
    default:
        return 0;
    }
}

/* Read a whole file into pts_malloc'd memory (NULL if it cannot be read). */
static inline uint8_t *fuzz_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Directory of the committed fuzz models: $PYTS_FUZZ_MODELS, or the one
 * compiled in by the Makefile. */
static inline const char *fuzz_models_dir(void)
{
    const char *d = getenv("PYTS_FUZZ_MODELS");
#ifdef PYTS_FUZZ_MODELS_DIR
    if (!d)
        d = PYTS_FUZZ_MODELS_DIR;
#endif
    return d ? d : "tests/fuzz/models";
}

#endif
