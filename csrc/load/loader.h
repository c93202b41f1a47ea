/* loader.h - turn a .pt archive into a live module: container -> pickle ->
 * frontend; or a torch.export .pt2 archive into a program (load/pt2.h),
 * told apart by content (an `archive_format` record).  Reads the version, constants.pkl, data.pkl (objects built from
 * their classes, compiled lazily from code/), extra files.
 */
#ifndef PTS_LOAD_LOADER_H
#define PTS_LOAD_LOADER_H

#include <stdint.h>

#include "container/archive.h"
#include "interp/run_api.h"
#include "load/pt2.h"
#include "value/class.h"
#include "value/value.h"

typedef struct pts_extra_file {
    char *name;      /* without "extra/" */
    uint8_t *data;   /* owned copy */
    size_t len;
} pts_extra_file;

typedef struct pts_loaded {
    pts_cu *cu;          /* owned ref */
    pts_value root;      /* the root module object (owned ref) */
    pts_archive *archive; /* owned ref */
    char *path;          /* for messages */
    int nextra;
    pts_extra_file *extra;
    int npending;        /* objects whose __setstate__ has not run yet */
    pts_value *pending;  /* pairs (object, state), owned */
    int nunsupported;    /* call sites naming operators pyts lacks (they raise when run) */
    pts_missing_op *unsupported; /* owned */
    pts_pt2 *pt2;        /* a torch.export archive (.pt2): its program (owned); root is None */
    bool planned;        /* pts_engine_plan ran (load(..., optimize=True)) */
    pts_plan_stats plan; /* what it did */
} pts_loaded;

/* Load from a file path / a buffer (copied).  *out: owned by the caller,
 * freed with pts_loaded_free. */
PTS_NODISCARD pts_status pts_load_file(const char *path, pts_loaded **out);
PTS_NODISCARD pts_status pts_load_buffer(const void *data, size_t len, const char *name, pts_loaded **out);
void pts_loaded_free(pts_loaded *l);

/* Import every code/...py record not imported yet (for inspection: the list
 * of called ops, pre-compiling every method). */
PTS_NODISCARD pts_status pts_loader_import_all(pts_loaded *l);

/* Import the code file that defines `qualname` (used lazily by the unit). */
PTS_NODISCARD pts_status pts_loader_import_qualifier(pts_cu *cu, const char *qualname);

#endif
