/* budget.h - stopping a running method: interrupts (Ctrl-C, pyts_interrupt)
 * and time limits.
 *
 * The VM loop (interp/vm.c) calls pts_budget_check() at backward jumps, calls
 * and op calls; it costs an increment, and every 256th call looks at the
 * clock.  A run stops with
 *  - PTS_ERR_INTERRUPTED when pts_budget_interrupt() was called after the run
 *    began (async-signal-safe: a C program may call it from a SIGINT handler),
 *    or when this thread's poll callback asks to stop (the Python layer checks
 *    Python's signal handlers there: Ctrl-C raises KeyboardInterrupt);
 *  - PTS_ERR_LIMIT "time limit ... exceeded" past its deadline: the thread's
 *    own limit if set (pts_budget_set_thread_time_limit), else the process-wide
 *    one (pts_budget_set_time_limit); 0 = no limit.
 * A single kernel is not interrupted: latency is bounded by the longest op.
 * Runs nest (a method running another through the engine): the outermost
 * pts_budget_begin fixes the deadline and the interrupt generation.
 */
#ifndef PTS_CORE_BUDGET_H
#define PTS_CORE_BUDGET_H

#include <stdbool.h>

#include "core/error.h"

/* Process-wide time limit per outermost run, in seconds (<= 0: none). */
void pts_budget_set_time_limit(double seconds);
double pts_budget_time_limit(void);
/* This thread's own limit (> 0), 0 = none for this thread, < 0 = use the
 * process-wide one (the default).  Returns the previous setting. */
double pts_budget_set_thread_time_limit(double seconds);

/* Stop every run in progress (async-signal-safe). */
void pts_budget_interrupt(void);

/* This thread's poll: called every few milliseconds of a run; nonzero stops
 * the run with PTS_ERR_INTERRUPTED.  NULL: none. */
typedef int (*pts_budget_poll_fn)(void *ud);
void pts_budget_set_poll(pts_budget_poll_fn fn, void *ud);

/* A run begins / ends on this thread (nestable). */
void pts_budget_begin(void);
void pts_budget_end(void);

PTS_NODISCARD pts_status pts_budget_check_slow(void);
extern _Thread_local unsigned pts_budget_tick;
/* PTS_OK, or the status that stops the run (message recorded). */
static inline PTS_NODISCARD pts_status pts_budget_check(void)
{
    if (++pts_budget_tick & 255u)
        return PTS_OK;
    return pts_budget_check_slow();
}

#endif
