/* test_budget.c - the public C API's limits of a run (include/pyts.h):
 *
 *  1. pyts_set_time_limit: forward of controlflow.pt with 2^40 loop steps stops
 *     with PYTS_ERR_LIMIT "time limit ... exceeded" near the limit; the module
 *     runs again at once; pyts_set_thread_time_limit overrides it per thread;
 *  2. pyts_interrupt from another thread (and from a SIGINT handler, as a C
 *     program's Ctrl-C) stops the run with PYTS_ERR_INTERRUPTED within 100 ms;
 *  3. pyts_set_memory_limit counts the interpreter's own allocations: appending
 *     to a list (tests/data/mutator.pt) fails with PYTS_ERR_NOMEM under a cap
 *     just above what the engine holds, and works once it is lifted;
 *  4. the per-thread cache of small tensor data blocks (core/alloc.c) keeps the
 *     accounting: a freed block is not in use, a block handed out again passes
 *     the memory limit and the fault injection like a new one, and a thread
 *     that ends with blocks in its cache leaves nothing counted live;
 *  5. the same for the cache of small structs (pts_small_alloc: tensor and
 *     storage structs), heap_in_use counting each at its size rounded to 64.
 *
 * Run from the repository root (ctest does).
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "pyts.h"

#define CHECK_DETAIL() printf(" (%s)", pyts_errmsg())
#include "check.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static pyts_module *cf;
static pyts_value *x;

/* forward(x, n): n loop steps */
static int run_cf(int64_t n, double *took)
{
    pyts_value *nv = pyts_value_new_int(n), *args[2] = {x, nv}, *r = NULL;
    double t0 = now();
    int st = pyts_module_run(cf, "forward", 2, args, &r);
    if (took)
        *took = now() - t0;
    pyts_value_free(r);
    pyts_value_free(nv);
    return st;
}

static void time_limits(void)
{
    double took = 0;
    pyts_set_time_limit(0.2);
    int st = run_cf((int64_t)1 << 40, &took);
    CHECK(st == PYTS_ERR_LIMIT && strstr(pyts_errmsg(), "time limit of 0.2 s exceeded"), "status %d", st);
    CHECK(took >= 0.2 && took < 2.2, "stopped after %.3f s", took);
    double took_global = took;
    CHECK(run_cf(10, NULL) == PYTS_OK, "runs again under the limit");
    /* this thread's own limit wins; < 0 gives the process-wide one back */
    double prev = pyts_set_thread_time_limit(0.05);
    CHECK(prev < 0, "no thread limit before");
    st = run_cf((int64_t)1 << 40, &took);
    CHECK(st == PYTS_ERR_LIMIT && strstr(pyts_errmsg(), "time limit of 0.05 s"), "thread limit: %d", st);
    pyts_set_thread_time_limit(-1);
    pyts_set_time_limit(0);
    CHECK(run_cf(1000, NULL) == PYTS_OK, "no limit");
    printf("test_budget: time limit 0.2 s stopped the run after %.3f s, 0.05 s after %.3f s\n", took_global, took);
}

static double sent_at;

static void *interrupter(void *arg)
{
    double delay = *(double *)arg;
    sleep_s(delay);
    sent_at = now();
    pyts_interrupt();
    return NULL;
}

static void on_sigint(int sig)
{
    (void)sig;
    pyts_interrupt(); /* async-signal-safe */
}

static void *sigint_sender(void *arg)
{
    pthread_t main_thread = *(pthread_t *)arg;
    sleep_s(0.1);
    sent_at = now();
    pthread_kill(main_thread, SIGINT);
    return NULL;
}

static void interrupts(void)
{
    double delay = 0.1, worst = 0;
    for (int i = 0; i < 3; i++) {
        pthread_t th;
        pthread_create(&th, NULL, interrupter, &delay);
        int st = run_cf((int64_t)1 << 40, NULL);
        double end = now();
        pthread_join(th, NULL); /* sent_at is read after the join: no race on it */
        double lat = end - sent_at;
        CHECK(st == PYTS_ERR_INTERRUPTED && strstr(pyts_errmsg(), "interrupted"), "status %d", st);
        worst = lat > worst ? lat : worst;
        CHECK(run_cf(10, NULL) == PYTS_OK, "runs again after the interrupt");
    }
    CHECK(worst < 0.1, "interrupt latency %.1f ms", worst * 1e3);
    /* Ctrl-C of a C program: its SIGINT handler calls pyts_interrupt */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old);
    pthread_t self = pthread_self(), th;
    pthread_create(&th, NULL, sigint_sender, &self);
    int st = run_cf((int64_t)1 << 40, NULL);
    double end = now();
    pthread_join(th, NULL);
    double lat = end - sent_at;
    sigaction(SIGINT, &old, NULL);
    CHECK(st == PYTS_ERR_INTERRUPTED, "SIGINT: status %d", st);
    CHECK(lat < 0.1, "SIGINT latency %.1f ms", lat * 1e3);
    CHECK(run_cf(10, NULL) == PYTS_OK, "runs again after Ctrl-C");
    printf("test_budget: interrupt latency %.2f ms (worst of 3), SIGINT %.2f ms\n", worst * 1e3, lat * 1e3);
}

static void memory_limit(void)
{
    pyts_module *m = NULL;
    CHECK(pyts_load("tests/data/mutator.pt", &m) == PYTS_OK, "load mutator");
    if (!m)
        return;
    int64_t sizes[1] = {3};
    pyts_value *ones = NULL, *k = pyts_value_new_int(1), *r = NULL;
    CHECK(pyts_tensor_ones(1, sizes, &ones) == PYTS_OK, "ones");
    pyts_value *args[2] = {ones, k};
    CHECK(pyts_module_run(m, "forward", 2, args, &r) == PYTS_OK, "forward");
    pyts_value_free(r);
    r = NULL;
    /* a cap at what the engine holds now: the next list append has no room */
    pyts_set_memory_limit(pts_heap_bytes_in_use() + pts_data_bytes_in_use());
    int st = pyts_module_run(m, "forward", 2, args, &r);
    CHECK(st == PYTS_ERR_NOMEM && strstr(pyts_errmsg(), "memory limit"), "status %d", st);
    pyts_set_memory_limit(0);
    CHECK(pyts_module_run(m, "forward", 2, args, &r) == PYTS_OK, "forward after the limit is lifted");
    pyts_value_free(r);
    pyts_value_free(k);
    pyts_value_free(ones);
    pyts_module_free(m);
}

#if defined(__SANITIZE_ADDRESS__)
#define NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_BLOCK_CACHE 1
#endif
#endif

static void *churn(void *arg)
{
    (void)arg;
    void *p[8];
    for (int i = 0; i < 8; i++)
        p[i] = pts_data_alloc((size_t)(64 * (i % 3 + 1)));
    for (int i = 0; i < 8; i++)
        pts_data_free(p[i], (size_t)(64 * (i % 3 + 1)));
    return NULL; /* the thread ends with blocks in its cache */
}

static void block_cache(void)
{
    int64_t live = pts_alloc_live(), data = pts_data_bytes_in_use();
    void *a = pts_data_alloc(100);
    CHECK(a && ((uintptr_t)a & 63) == 0, "a 64-byte aligned block");
    CHECK(pts_data_bytes_in_use() == data + 100 && pts_alloc_live() == live + 1, "counted in use");
    pts_data_free(a, 100);
    CHECK(pts_data_bytes_in_use() == data && pts_alloc_live() == live, "a freed block is not in use");
    void *b = pts_data_alloc(120); /* same 128-byte class */
#ifndef NO_BLOCK_CACHE
    CHECK(b == a, "the block freed last is handed out again (%p, %p)", a, b);
#endif
    CHECK(b && pts_data_bytes_in_use() == data + 120 && pts_alloc_live() == live + 1, "counted again");
    pts_data_free(b, 120);
    /* a cached block still passes the memory limit and the fault injection */
    pyts_set_memory_limit(pts_heap_bytes_in_use() + pts_data_bytes_in_use() + 50);
    CHECK(pts_data_alloc(100) == NULL, "over the limit with a block of that size cached");
    pyts_set_memory_limit(0);
    pts_alloc_fail_after(1);
    CHECK(pts_data_alloc(100) == NULL, "fault injection with a block of that size cached");
    pts_alloc_fail_after(0);
    CHECK(pts_data_bytes_in_use() == data && pts_alloc_live() == live, "failed allocations count nothing");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, churn, NULL) == 0, "thread");
    pthread_join(t, NULL);
    CHECK(pts_data_bytes_in_use() == data && pts_alloc_live() == live, "nothing live after the thread ended");
}

static void *small_churn(void *arg)
{
    (void)arg;
    void *p[40];
    for (int i = 0; i < 40; i++)
        p[i] = pts_small_alloc((size_t)(48 + 64 * (i % 5)));
    for (int i = 0; i < 40; i++)
        pts_small_free(p[i], (size_t)(48 + 64 * (i % 5)));
    return NULL; /* the thread ends with structs in its cache */
}

static void small_cache(void)
{
    int64_t live = pts_alloc_live(), heap = pts_heap_bytes_in_use();
    void *a = pts_small_alloc(330);
    CHECK(a != NULL, "a small block");
    CHECK(pts_heap_bytes_in_use() == heap + 384 && pts_alloc_live() == live + 1, "counted at 384 bytes");
    memset(a, 0x5a, 330);
    pts_small_free(a, 330);
    CHECK(pts_heap_bytes_in_use() == heap && pts_alloc_live() == live, "a freed struct is not in use");
    void *b = pts_small_alloc(380); /* same class */
#ifndef NO_BLOCK_CACHE
    CHECK(b == a, "the struct freed last is handed out again (%p, %p)", a, b);
#endif
    CHECK(b && pts_heap_bytes_in_use() == heap + 384 && pts_alloc_live() == live + 1, "counted again");
    pts_small_free(b, 380);
    void *big = pts_small_alloc(5000); /* above the cached classes: malloc and free */
    CHECK(big && pts_heap_bytes_in_use() == heap + 5056, "a large block counted");
    pts_small_free(big, 5000);
    pyts_set_memory_limit(pts_heap_bytes_in_use() + pts_data_bytes_in_use() + 100);
    CHECK(pts_small_alloc(330) == NULL, "over the limit with a struct of that size cached");
    pyts_set_memory_limit(0);
    pts_alloc_fail_after(1);
    CHECK(pts_small_alloc(330) == NULL, "fault injection with a struct of that size cached");
    pts_alloc_fail_after(0);
    CHECK(pts_heap_bytes_in_use() == heap && pts_alloc_live() == live, "failed allocations count nothing");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, small_churn, NULL) == 0, "thread");
    pthread_join(t, NULL);
    CHECK(pts_heap_bytes_in_use() == heap && pts_alloc_live() == live, "nothing live after the thread ended");
}

int main(void)
{
    if (pyts_load("tests/fuzz/models/controlflow.pt", &cf) != PYTS_OK) {
        fprintf(stderr, "cannot load controlflow.pt (run from the repository root): %s\n", pyts_errmsg());
        return 1;
    }
    int64_t sizes[1] = {4};
    CHECK(pyts_tensor_ones(1, sizes, &x) == PYTS_OK, "ones");
    time_limits();
    interrupts();
    memory_limit();
    block_cache();
    small_cache();
    pyts_value_free(x);
    pyts_module_free(cf);
    return check_summary();
}
