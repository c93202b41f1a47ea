/* budget.c - interrupts and time limits of runs (see budget.h). */
#include "core/budget.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

_Thread_local unsigned pts_budget_tick;

static atomic_ullong interrupt_gen;      /* bumped by pts_budget_interrupt */
static _Atomic double global_limit;      /* seconds, <= 0: none */

static _Thread_local int tl_depth;       /* nesting of runs on this thread */
static _Thread_local double tl_limit = -1; /* < 0: the global one */
static _Thread_local unsigned long long tl_gen;
static _Thread_local int64_t tl_deadline; /* ns, 0 = none */
static _Thread_local double tl_limit_used;
static _Thread_local pts_budget_poll_fn tl_poll;
static _Thread_local void *tl_poll_ud;
static _Thread_local int64_t tl_next_poll;

#define POLL_EVERY_NS 5000000 /* 5 ms */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void pts_budget_set_time_limit(double seconds) { atomic_store(&global_limit, seconds > 0 ? seconds : 0); }
double pts_budget_time_limit(void) { return atomic_load(&global_limit); }

double pts_budget_set_thread_time_limit(double seconds)
{
    double old = tl_limit;
    tl_limit = seconds;
    return old;
}

void pts_budget_interrupt(void) { atomic_fetch_add(&interrupt_gen, 1); }

void pts_budget_set_poll(pts_budget_poll_fn fn, void *ud)
{
    tl_poll = fn;
    tl_poll_ud = ud;
}

void pts_budget_begin(void)
{
    if (tl_depth++)
        return;
    tl_gen = atomic_load(&interrupt_gen);
    double lim = tl_limit >= 0 ? tl_limit : atomic_load(&global_limit);
    int64_t now = now_ns();
    tl_limit_used = lim;
    tl_deadline = lim > 0 ? now + (int64_t)(lim * 1e9 + 0.5) : 0;
    if (tl_deadline == 0 && lim > 0)
        tl_deadline = 1;
    tl_next_poll = now + POLL_EVERY_NS;
    pts_budget_tick = 0;
}

void pts_budget_end(void)
{
    if (tl_depth > 0)
        tl_depth--;
}

pts_status pts_budget_check_slow(void)
{
    if (!tl_depth)
        return PTS_OK;
    if (atomic_load_explicit(&interrupt_gen, memory_order_relaxed) != tl_gen)
        return pts_err_set(PTS_ERR_INTERRUPTED, "interrupted");
    if (!tl_deadline && !tl_poll)
        return PTS_OK;
    int64_t now = now_ns();
    if (tl_deadline && now >= tl_deadline)
        return pts_err_set(PTS_ERR_LIMIT, "time limit of %g s exceeded", tl_limit_used);
    if (tl_poll && now >= tl_next_poll) {
        tl_next_poll = now + POLL_EVERY_NS;
        if (tl_poll(tl_poll_ud))
            return pts_err_set(PTS_ERR_INTERRUPTED, "interrupted");
    }
    return PTS_OK;
}
