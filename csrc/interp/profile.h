/* Per-op profiler: while on, every operator call the VM makes through
 * pts_interp_call_op (bind.c) is recorded as one event: op name and
 * overload, the code/ file and line of the call site, start time and
 * duration (CLOCK_MONOTONIC ns), the calling thread, and the shapes of the
 * tensor arguments and of the first tensor result.  pyts.profile (Python,
 * pyts/profile.py) aggregates them by op and by line and writes Chrome-trace
 * JSON.  Off, the cost is one relaxed atomic load per op call.
 *
 * Pipeline position: interp/ (layer 4); reached from engine/ only. */
#ifndef PTS_INTERP_PROFILE_H
#define PTS_INTERP_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "value/value.h"

typedef struct pts_prof_event {
    const char *op;       /* "aten::add" (borrowed from the registry: lives for the process) */
    const char *overload; /* "Tensor" or "" (same) */
    char file[96];        /* "code/__torch__/x.py" (copied, truncated) */
    int line;
    int64_t start_ns;     /* CLOCK_MONOTONIC */
    int64_t dur_ns;
    uint64_t thread;      /* an id of the calling thread */
    char shapes[160];     /* "1x3x224x224,64x3x7x7->1x64x112x112" (truncated), "" for no tensors */
} pts_prof_event;

/* Start recording (clears earlier events).  PTS_ERR_STATE if already on. */
PTS_NODISCARD pts_status pts_prof_start(void);
/* Stop recording; the events stay readable until the next start or clear. */
void pts_prof_stop(void);
bool pts_prof_enabled(void);
/* Number of recorded events and event i (borrowed, valid until start/clear). */
int64_t pts_prof_count(void);
const pts_prof_event *pts_prof_event_at(int64_t i);
void pts_prof_clear(void);

/* The VM's hooks (bind.c): begin returns the start time, end records. */
int64_t pts_prof_now_ns(void);
void pts_prof_record(const char *op, const char *overload, const char *file, int line, int64_t start_ns,
                     const pts_value *args, int nargs, const pts_value *rets, int nrets);

#endif
