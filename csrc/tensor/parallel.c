/* parallel.c - the one thread pool pyts owns (see parallel.h).
 *
 * pts_get_num_threads() - 1 pthread workers sleep on a condition variable
 * between jobs (no spinning when idle).  pts_parallel_for splits [0, n) into
 * at most nthreads contiguous chunks of at least `grain` items; the caller
 * runs chunk 0 itself and waits for the workers on a second condition
 * variable.  One job runs at a time (a mutex serializes callers from
 * different threads); a call from inside a running job (nested) runs inline.
 * The pool starts lazily on first use; pts_set_num_threads resizes it.
 */
#include "tensor/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#define MAX_THREADS 256

typedef struct pool {
    pthread_mutex_t lock;      /* guards everything below */
    pthread_cond_t work_cv;    /* workers wait here for a job */
    pthread_cond_t done_cv;    /* the caller waits here for the job's end */
    pthread_mutex_t job_lock;  /* one job at a time */
    pthread_t threads[MAX_THREADS];
    int nworkers;              /* started worker threads */
    int want_threads;          /* configured total (workers + caller) */
    bool stopping;
    /* the current job */
    uint64_t generation;
    pts_range_fn fn;
    void *ctx;
    int64_t n, chunk;
    int nchunks;
    int next_chunk;            /* next chunk index to hand out */
    int pending;               /* chunks not finished */
} pool;

static pool P = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work_cv = PTHREAD_COND_INITIALIZER,
    .done_cv = PTHREAD_COND_INITIALIZER,
    .job_lock = PTHREAD_MUTEX_INITIALIZER,
};

static _Thread_local bool in_parallel;

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    return (int)n;
}

static void run_chunk(pts_range_fn fn, void *ctx, int64_t n, int64_t chunk, int c)
{
    int64_t b = (int64_t)c * chunk;
    int64_t e = b + chunk < n ? b + chunk : n;
    if (b < e)
        fn(ctx, b, e);
}

/* Take chunks of the current job until none are left.  Called with P.lock
 * held; returns with it held. */
static void drain_chunks(void)
{
    while (P.next_chunk < P.nchunks) {
        int c = P.next_chunk++;
        pts_range_fn fn = P.fn;
        void *ctx = P.ctx;
        int64_t n = P.n, chunk = P.chunk;
        pthread_mutex_unlock(&P.lock);
        run_chunk(fn, ctx, n, chunk, c);
        pthread_mutex_lock(&P.lock);
        if (--P.pending == 0)
            pthread_cond_broadcast(&P.done_cv);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    in_parallel = true;
    pthread_mutex_lock(&P.lock);
    uint64_t seen = P.generation;
    for (;;) {
        while (!P.stopping && (P.generation == seen || P.next_chunk >= P.nchunks))
            pthread_cond_wait(&P.work_cv, &P.lock);
        if (P.stopping)
            break;
        seen = P.generation;
        drain_chunks();
    }
    pthread_mutex_unlock(&P.lock);
    return NULL;
}

/* Stop all workers (job_lock held, no job running). */
static void stop_workers(void)
{
    pthread_mutex_lock(&P.lock);
    P.stopping = true;
    pthread_cond_broadcast(&P.work_cv);
    pthread_mutex_unlock(&P.lock);
    for (int i = 0; i < P.nworkers; i++)
        pthread_join(P.threads[i], NULL);
    P.nworkers = 0;
    P.stopping = false;
}

/* Start workers up to want_threads - 1 (job_lock held).  If a thread cannot
 * be created the pool simply runs with fewer. */
static void start_workers(void)
{
    if (P.want_threads == 0)
        P.want_threads = default_threads();
    while (P.nworkers < P.want_threads - 1) {
        if (pthread_create(&P.threads[P.nworkers], NULL, worker_main, NULL) != 0)
            break;
        P.nworkers++;
    }
}

static void run_serial(int64_t n, pts_range_fn fn, void *ctx)
{
    bool was = in_parallel;
    in_parallel = true;
    fn(ctx, 0, n);
    in_parallel = was;
}

void pts_parallel_for(int64_t n, int64_t grain, pts_range_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    if (in_parallel || n <= grain) {
        if (in_parallel)
            fn(ctx, 0, n);
        else
            run_serial(n, fn, ctx);
        return;
    }
    pthread_mutex_lock(&P.job_lock);
    start_workers();
    int nthreads = P.nworkers + 1;
    int64_t nchunks = (n + grain - 1) / grain;
    if (nchunks > nthreads)
        nchunks = nthreads;
    if (nchunks <= 1) {
        pthread_mutex_unlock(&P.job_lock);
        run_serial(n, fn, ctx);
        return;
    }
    in_parallel = true;
    pthread_mutex_lock(&P.lock);
    P.fn = fn;
    P.ctx = ctx;
    P.n = n;
    P.chunk = (n + nchunks - 1) / nchunks;
    P.nchunks = (int)((n + P.chunk - 1) / P.chunk);
    P.next_chunk = 0;
    P.pending = P.nchunks;
    P.generation++;
    pthread_cond_broadcast(&P.work_cv);
    drain_chunks();
    while (P.pending > 0)
        pthread_cond_wait(&P.done_cv, &P.lock);
    P.fn = NULL;
    pthread_mutex_unlock(&P.lock);
    in_parallel = false;
    pthread_mutex_unlock(&P.job_lock);
}

void pts_set_num_threads(int n)
{
    if (n < 1)
        n = 1;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    pthread_mutex_lock(&P.job_lock);
    if (n != P.want_threads) {
        stop_workers();
        P.want_threads = n;
    }
    pthread_mutex_unlock(&P.job_lock);
}

int pts_get_num_threads(void)
{
    pthread_mutex_lock(&P.job_lock);
    if (P.want_threads == 0)
        P.want_threads = default_threads();
    int n = P.want_threads;
    pthread_mutex_unlock(&P.job_lock);
    return n;
}
