/* The per-op profiler (profile.h): a global, mutex-guarded event list that
 * pts_interp_call_op appends to while recording is on. */
#include "interp/profile.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "tensor/tensor.h"

static atomic_bool g_on;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pts_prof_event *g_ev; /* owned */
static int64_t g_n, g_cap;

int64_t pts_prof_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

bool pts_prof_enabled(void) { return atomic_load_explicit(&g_on, memory_order_relaxed); }

pts_status pts_prof_start(void)
{
    pthread_mutex_lock(&g_mu);
    if (atomic_load(&g_on)) {
        pthread_mutex_unlock(&g_mu);
        return pts_err_set(PTS_ERR_VALUE, "the profiler is already recording");
    }
    g_n = 0;
    atomic_store(&g_on, true);
    pthread_mutex_unlock(&g_mu);
    return PTS_OK;
}

void pts_prof_stop(void) { atomic_store(&g_on, false); }

int64_t pts_prof_count(void)
{
    pthread_mutex_lock(&g_mu);
    int64_t n = g_n;
    pthread_mutex_unlock(&g_mu);
    return n;
}

const pts_prof_event *pts_prof_event_at(int64_t i)
{
    pthread_mutex_lock(&g_mu);
    const pts_prof_event *e = i >= 0 && i < g_n ? &g_ev[i] : NULL;
    pthread_mutex_unlock(&g_mu);
    return e;
}

void pts_prof_clear(void)
{
    pthread_mutex_lock(&g_mu);
    pts_free(g_ev);
    g_ev = NULL;
    g_n = g_cap = 0;
    pthread_mutex_unlock(&g_mu);
}

/* Append "AxBxC" (a tensor's sizes; "[]" for a 0-d tensor) to buf at *pos. */
static void put_shape(char *buf, size_t cap, size_t *pos, const pts_tensor *t)
{
    if (*pos >= cap)
        return;
    if (t->ndim == 0) {
        int w = snprintf(buf + *pos, cap - *pos, "[]");
        *pos += w > 0 ? (size_t)w : 0;
        return;
    }
    for (int d = 0; d < t->ndim && *pos < cap; d++) {
        int w = snprintf(buf + *pos, cap - *pos, d ? "x%lld" : "%lld", (long long)t->sizes[d]);
        *pos += w > 0 ? (size_t)w : 0;
    }
}

void pts_prof_record(const char *op, const char *overload, const char *file, int line, int64_t start_ns,
                     const pts_value *args, int nargs, const pts_value *rets, int nrets)
{
    int64_t end = pts_prof_now_ns();
    pts_prof_event e;
    memset(&e, 0, sizeof e);
    e.op = op;
    e.overload = overload ? overload : "";
    snprintf(e.file, sizeof e.file, "%s", file ? file : "");
    e.line = line;
    e.start_ns = start_ns;
    e.dur_ns = end - start_ns;
    e.thread = (uint64_t)pthread_self();
    size_t pos = 0, cap = sizeof e.shapes;
    bool first = true;
    for (int i = 0; i < nargs; i++) {
        if (args[i].tag != PTS_T_TENSOR)
            continue;
        if (!first && pos < cap)
            e.shapes[pos++] = ',';
        first = false;
        put_shape(e.shapes, cap, &pos, PTS_TENSOR(args[i]));
    }
    for (int i = 0; i < nrets; i++) {
        if (rets[i].tag != PTS_T_TENSOR)
            continue;
        if (pos + 2 < cap) {
            e.shapes[pos++] = '-';
            e.shapes[pos++] = '>';
        }
        put_shape(e.shapes, cap, &pos, PTS_TENSOR(rets[i]));
        break;
    }
    e.shapes[cap - 1] = '\0';
    pthread_mutex_lock(&g_mu);
    if (atomic_load_explicit(&g_on, memory_order_relaxed)) {
        if (g_n == g_cap) {
            int64_t ncap = g_cap ? g_cap * 2 : 1024;
            pts_prof_event *p = pts_realloc(g_ev, (size_t)ncap * sizeof *p);
            if (p) {
                g_ev = p;
                g_cap = ncap;
            }
        }
        if (g_n < g_cap) /* else dropped: out of memory while profiling */
            g_ev[g_n++] = e;
    }
    pthread_mutex_unlock(&g_mu);
}
