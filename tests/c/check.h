/* check.h: the checks shared by the C tests (tests/c/test_*.c).
 *
 *   CHECK(cond)              counts a pass, or a failure printed as "FAIL file:line: cond"
 *   CHECK(cond, fmt, ...)    the same, the printf-style message after the condition:
 *                            "FAIL file:line: cond: message"
 *   check_npass, check_nfail the counters (atomic: checks may run in several threads); tests
 *                            with their own failure report count with check_npass++ and
 *                            check_nfail++
 *   check_summary()          prints the last line of every C test, "N passed, M failed", and
 *                            returns the exit status: 0 only when nothing failed
 *
 * Before including, a test may define
 *   CHECK_DETAIL()           printed after a failure's message (e.g. the engine's last error)
 *   CHECK_MAX_REPORTS        how many failures are printed (default 100; all are counted)
 * Failures are printed to stdout, one line each, under a lock so that threads do not
 * interleave them. */
#ifndef PTS_TESTS_CHECK_H
#define PTS_TESTS_CHECK_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* SETUP(expr): test setup that cannot fail short of memory (an engine call
 * returning a pts_status): stop the test program, exit 2, if it does. */
#define SETUP(expr)                                                                \
    do {                                                                           \
        if ((expr) != PTS_OK) {                                                    \
            fprintf(stderr, "%s:%d: setup failed: %s\n", __FILE__, __LINE__,      \
                    pts_err_message());                                            \
            exit(2);                                                               \
        }                                                                          \
    } while (0)

#ifndef CHECK_DETAIL
#define CHECK_DETAIL() ((void)0)
#endif
#ifndef CHECK_MAX_REPORTS
#define CHECK_MAX_REPORTS 100
#endif

static atomic_int check_npass, check_nfail;

/* Counts a failure; returns 1 (with stdout locked) when it is to be printed, after
 * "FAIL file:line: cond" and, when fmt is not empty, ": " and the message. */
static inline int check_fail_begin(const char *file, int line, const char *cond, const char *fmt, ...)
{
    if (atomic_fetch_add(&check_nfail, 1) >= CHECK_MAX_REPORTS)
        return 0;
    flockfile(stdout);
    printf("FAIL %s:%d: %s", file, line, cond);
    if (fmt[0]) {
        va_list ap;
        va_start(ap, fmt);
        printf(": ");
        vprintf(fmt, ap);
        va_end(ap);
    }
    return 1;
}

static inline void check_fail_end(void)
{
    printf("\n");
    fflush(stdout);
    funlockfile(stdout);
}

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            atomic_fetch_add(&check_npass, 1);                                 \
        } else if (check_fail_begin(__FILE__, __LINE__, #cond, "" __VA_ARGS__)) { \
            CHECK_DETAIL();                                                    \
            check_fail_end();                                                  \
        }                                                                      \
    } while (0)

/* The last line of a C test and its exit status. */
static inline int check_summary(void)
{
    int nfail = atomic_load(&check_nfail);
    printf("%d passed, %d failed\n", atomic_load(&check_npass), nfail);
    fflush(stdout);
    return nfail != 0;
}

#endif
