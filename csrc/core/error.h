/* error.h - status codes and the thread-local error message.
 *
 * Every fallible function in pyts returns a pts_status.  On failure it has
 * recorded a message with pts_err_set() (the message says what, where and
 * why); callers add context going outward with pts_err_context().  The
 * message is owned by the library and lives in thread-local storage until the
 * next error on the same thread.  Nothing in the core aborts or exits.
 */
#ifndef PTS_CORE_ERROR_H
#define PTS_CORE_ERROR_H

#include <stdarg.h>

typedef enum pts_status {
    PTS_OK = 0,
    PTS_ERR_LOAD,        /* malformed / unsupported archive, pickle or code  */
    PTS_ERR_NOMEM,       /* allocation failed or memory limit reached         */
    PTS_ERR_UNSUPPORTED, /* an operator or construct pyts does not implement */
    PTS_ERR_SCRIPT,      /* the model itself raised (raise / assert)         */
    PTS_ERR_TYPE,        /* wrong argument types / count                     */
    PTS_ERR_VALUE,       /* bad values (shapes, ranges, ...)                 */
    PTS_ERR_INDEX,       /* index out of range                               */
    PTS_ERR_KEY,         /* missing dict key / attribute                     */
    PTS_ERR_LIMIT,       /* a resource limit (depth, size, steps) hit        */
    PTS_ERR_IO,          /* cannot open / read / map a file                  */
    PTS_ERR_INTERNAL,    /* a bug in pyts                                    */
    PTS_ERR_INTERRUPTED  /* stopped by an interrupt (Ctrl-C, pts_budget_interrupt) */
} pts_status;

#if defined(__GNUC__)
#define PTS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PTS_PRINTF(a, b)
#endif

/* On every function that returns a pts_status (outside the error setters
 * below, which return the status they were given): a caller that drops the
 * status is a compile error under -Werror.  Where ignoring one is right, the
 * call says why in a comment. */
#ifndef PTS_NODISCARD
#if defined(__GNUC__) || defined(__clang__)
#define PTS_NODISCARD __attribute__((warn_unused_result))
#else
#define PTS_NODISCARD
#endif
#endif

/* The setters record an error and return the status they were given, for
 * `return pts_err_set(...)`; they are not PTS_NODISCARD. */

/* Record an error on this thread and return `st` (so: return pts_err_set(...)). */
pts_status pts_err_set(pts_status st, const char *fmt, ...) PTS_PRINTF(2, 3);
pts_status pts_err_setv(pts_status st, const char *fmt, va_list ap);
/* Prefix the current message with more context: "<context>: <old message>".
 * Returns `st` unchanged. */
pts_status pts_err_context(pts_status st, const char *fmt, ...) PTS_PRINTF(2, 3);
/* Append a line to the current message (for tracebacks). Returns `st`. */
pts_status pts_err_append(pts_status st, const char *fmt, ...) PTS_PRINTF(2, 3);
/* The last message recorded on this thread ("" if none). Borrowed. */
const char *pts_err_message(void);
/* Change the status of the current error, keeping its message. Returns st. */
pts_status pts_err_recode(pts_status st);
/* The last status recorded on this thread. */
PTS_NODISCARD pts_status pts_err_last(void);
void pts_err_clear(void);
/* Name of a status ("load error", ...). Static string. */
const char *pts_status_name(pts_status st);

/* Propagate: PTS_TRY(expr) returns the status of expr if it is not PTS_OK. */
#define PTS_TRY(expr)                     \
    do {                                  \
        pts_status pts_try_st_ = (expr);  \
        if (pts_try_st_ != PTS_OK)        \
            return pts_try_st_;           \
    } while (0)

#endif
