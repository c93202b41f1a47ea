/* parallel.c - the one thread pool pyts owns (see parallel.h).
 *
 * pts_get_num_threads() - 1 pthread workers wait for jobs; pts_parallel_for
 * splits [0, n) into at most nthreads contiguous chunks of at least `grain`
 * items; the caller runs chunk 0 itself and waits for the workers.
 * Waiting is spin-then-sleep: a worker that finished a job polls for the
 * next one for SPIN_NS (a model's ops follow each other within
 * microseconds) and then sleeps on a condition variable; the caller polls
 * for the workers' chunks the same way before sleeping.  A condition
 * variable wake-up costs about ten microseconds (more in a VM, where an
 * idle vCPU halts), which a transformer pays on every split op (measured on the
 * 2-vCPU test VM: a 2-chunk job of ~4 us took 12.8 us at the median
 * sleeping, 4.0 us polling); an idle pool polls at most SPIN_NS after its
 * last job and then uses no CPU.  One job runs at a time (a mutex serializes callers from
 * different threads); a call from inside a running job (nested) runs inline.
 * The pool starts lazily on first use; pts_set_num_threads resizes it.
 */
#include "tensor/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_THREADS 256
/* How long a waiting thread polls before it sleeps (nanoseconds). */
#define SPIN_NS 100000

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
    atomic_uint_fast64_t gen_pub; /* copy of generation (written under lock, polled without it) */
    atomic_int pending_pub;       /* copy of pending (written under lock, polled without it) */
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

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Poll until *v != unlike (or SPIN_NS passed); the caller then takes the lock and
 * re-checks, so a miss here only means sleeping. */
static void spin_while_u64(atomic_uint_fast64_t *v, uint64_t unlike)
{
    int64_t t0 = now_ns();
    for (int i = 1;; i++) {
        if (atomic_load_explicit(v, memory_order_acquire) != unlike)
            return;
        CPU_RELAX();
        if ((i & 63) == 0 && now_ns() - t0 > SPIN_NS)
            return;
    }
}

/* Poll until *v <= 0 (or SPIN_NS passed). */
static void spin_while_positive(atomic_int *v)
{
    int64_t t0 = now_ns();
    for (int i = 1;; i++) {
        if (atomic_load_explicit(v, memory_order_acquire) <= 0)
            return;
        CPU_RELAX();
        if ((i & 63) == 0 && now_ns() - t0 > SPIN_NS)
            return;
    }
}

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
        atomic_store_explicit(&P.pending_pub, P.pending, memory_order_release);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    in_parallel = true;
    pthread_mutex_lock(&P.lock);
    uint64_t seen = P.generation;
    for (;;) {
        if (!P.stopping && P.generation == seen) { /* poll a while before sleeping */
            pthread_mutex_unlock(&P.lock);
            spin_while_u64(&P.gen_pub, seen);
            pthread_mutex_lock(&P.lock);
        }
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
    atomic_fetch_add_explicit(&P.gen_pub, 1, memory_order_release); /* ends the workers' polling */
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
    atomic_store_explicit(&P.pending_pub, P.pending, memory_order_relaxed);
    P.generation++;
    atomic_store_explicit(&P.gen_pub, P.generation, memory_order_release);
    pthread_cond_broadcast(&P.work_cv);
    drain_chunks();
    if (P.pending > 0) { /* poll a while before sleeping */
        pthread_mutex_unlock(&P.lock);
        spin_while_positive(&P.pending_pub);
        pthread_mutex_lock(&P.lock);
    }
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
