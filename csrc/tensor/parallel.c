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
 * last job and then uses no CPU.  One job runs on the pool at a time: a caller that finds the
 * pool busy with another thread's job runs its own job on its own thread at once instead of
 * waiting (concurrent callers each keep a core busy; every kernel's result is the same however
 * its range is split); a call from inside a running job (nested) runs inline.
 * The pool starts lazily on first use; pts_set_num_threads resizes it.
 *
 * Workers are pinned, one per CPU, to the CPUs of the process's affinity mask
 * other than the one the starting caller runs on (when the mask has at least
 * as many CPUs as the pool has threads; PYTS_PIN_THREADS=0 turns it off).  On
 * the 2-vCPU VM, after the process had slept for 50 ms or more, the kernel
 * placed the woken worker on the caller's CPU and left it there: the two
 * threads then took turns on one CPU while the other idled, and resnet18's
 * forward took 23.4 ms at the median instead of 11.4 ms (schedstat: each
 * thread waited ~8 ms on the run queue per forward; 250 ms between calls).
 * Pinned, the kernel then moved the caller onto the worker's CPU instead
 * (after a 250 ms sleep, 3 forwards in 10) and left it there, with the same
 * 24 ms; so a job whose caller runs on a worker's CPU first moves the caller
 * off it (its affinity mask narrowed to the other CPUs, which migrates it at
 * once, and then restored, which leaves it where it is: two system calls, only
 * when the two collide).  The caller is never left pinned.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "tensor/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
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
/* How long the caller of a job polls for the workers' chunks when the
 * workers are pinned: a caller that sleeps is woken by the last worker, and
 * the kernel then tends to place it on that worker's CPU (see above). */
#define CALLER_SPIN_PINNED_NS 20000000

typedef struct pool {
    pthread_mutex_t lock;      /* guards everything below */
    pthread_cond_t work_cv;    /* workers wait here for a job */
    pthread_cond_t done_cv;    /* the caller waits here for the job's end */
    pthread_mutex_t job_lock;  /* one job at a time */
    pthread_t threads[MAX_THREADS];
    int nworkers;              /* started worker threads */
    atomic_int threads_pub;    /* nworkers + 1 once started (read without job_lock by a busy-pool caller) */
    int want_threads;          /* configured total (workers + caller) */
    bool stopping;
    /* the current job */
    uint64_t generation;
    atomic_uint_fast64_t gen_pub; /* copy of generation (written under lock, polled without it) */
    atomic_int pending_pub;       /* copy of pending (written under lock, polled without it) */
    bool pinned;               /* the workers are pinned to worker_cpus */
#ifdef __linux__
    cpu_set_t worker_cpus;
#endif
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

/* Poll until *v <= 0 (or limit_ns passed): SPIN_NS with pause, then with
 * sched_yield between polls (the CPU goes to any other runnable thread, yet
 * this one is never put to sleep, so no wake-up can move it). */
static void spin_while_positive(atomic_int *v, int64_t limit_ns)
{
    int64_t t0 = now_ns();
    for (int i = 1;; i++) {
        if (atomic_load_explicit(v, memory_order_acquire) <= 0)
            return;
        if ((i & 63) == 0) {
            int64_t dt = now_ns() - t0;
            if (dt > limit_ns)
                return;
            if (dt > SPIN_NS) {
                sched_yield();
                continue;
            }
        }
        CPU_RELAX();
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
    atomic_store_explicit(&P.threads_pub, 0, memory_order_relaxed);
    P.stopping = false;
    P.pinned = false;
}

static bool pin_enabled(void)
{
    const char *e = getenv("PYTS_PIN_THREADS");
    return !(e && strcmp(e, "0") == 0);
}

/* Start workers up to want_threads - 1 (job_lock held).  If a thread cannot
 * be created the pool simply runs with fewer.  Worker i is pinned to the
 * (i+1)-th allowed CPU after the caller's current one, when there are enough. */
static void start_workers(void)
{
    if (P.want_threads == 0)
        P.want_threads = default_threads();
    if (P.nworkers >= P.want_threads - 1)
        return;
#ifdef __linux__
    int cpus[MAX_THREADS];
    int ncpus = 0, here = 0;
    cpu_set_t allowed;
    if (pin_enabled() && sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
        int cur = sched_getcpu();
        for (int c = 0; c < CPU_SETSIZE && ncpus < MAX_THREADS; c++)
            if (CPU_ISSET(c, &allowed)) {
                if (c == cur)
                    here = ncpus;
                cpus[ncpus++] = c;
            }
        if (ncpus < P.want_threads)
            ncpus = 0; /* fewer CPUs than threads: let the scheduler place them */
    }
    if (P.nworkers == 0)
        CPU_ZERO(&P.worker_cpus);
#endif
    while (P.nworkers < P.want_threads - 1) {
        pthread_attr_t attr, *pa = NULL;
#ifdef __linux__
        if (ncpus > 0 && pthread_attr_init(&attr) == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpus[(here + 1 + P.nworkers) % ncpus], &one);
            pa = &attr;
            if (pthread_attr_setaffinity_np(&attr, sizeof one, &one) != 0) {
                pthread_attr_destroy(&attr);
                pa = NULL;
            }
        }
#else
        (void)attr;
#endif
        int rc = pthread_create(&P.threads[P.nworkers], pa, worker_main, NULL);
        if (pa)
            pthread_attr_destroy(pa);
        if (rc != 0)
            break;
#ifdef __linux__
        pthread_setname_np(P.threads[P.nworkers], "pyts-worker"); /* as top -H and /proc/.../comm show it */
        if (pa) {
            CPU_SET(cpus[(here + 1 + P.nworkers) % ncpus], &P.worker_cpus);
            P.pinned = true;
        }
#endif
        P.nworkers++;
    }
    atomic_store_explicit(&P.threads_pub, P.nworkers + 1, memory_order_relaxed);
}

/* If the calling thread runs on a pinned worker's CPU, move it to one of its
 * other allowed CPUs and give it its own mask back (job_lock held). */
static void move_caller_off_workers(void)
{
#ifdef __linux__
    if (!P.pinned)
        return;
    int cur = sched_getcpu();
    if (cur < 0 || !CPU_ISSET(cur, &P.worker_cpus))
        return;
    cpu_set_t mine, other;
    if (sched_getaffinity(0, sizeof mine, &mine) != 0)
        return;
    CPU_ZERO(&other);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &mine) && !CPU_ISSET(c, &P.worker_cpus))
            CPU_SET(c, &other);
    if (CPU_COUNT(&other) == 0)
        return;
    if (sched_setaffinity(0, sizeof other, &other) == 0)
        (void)sched_setaffinity(0, sizeof mine, &mine);
#endif
}

static void run_serial(int64_t n, pts_range_fn fn, void *ctx)
{
    bool was = in_parallel;
    in_parallel = true;
    fn(ctx, 0, n);
    in_parallel = was;
}

static void run_chunks_here(int64_t n, int64_t grain, pts_range_fn fn, void *ctx)
{
    int nthreads = atomic_load_explicit(&P.threads_pub, memory_order_relaxed);
    int64_t nchunks = (n + grain - 1) / grain;
    if (nchunks > nthreads)
        nchunks = nthreads;
    if (nchunks <= 1) {
        run_serial(n, fn, ctx);
        return;
    }
    int64_t chunk = (n + nchunks - 1) / nchunks;
    nchunks = (n + chunk - 1) / chunk;
    in_parallel = true;
    for (int64_t c = 0; c < nchunks; c++)
        run_chunk(fn, ctx, n, chunk, (int)c);
    in_parallel = false;
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
    if (pthread_mutex_trylock(&P.job_lock) != 0) {
        /* the pool is busy with another caller's job: run this one on this thread now rather
         * than wait for the pool, cut into the same chunks the pool would have run (a chunk
         * may be one BLAS call, whose summation order can depend on its shape: so the bits
         * are the same whichever way the job ran) */
        run_chunks_here(n, grain, fn, ctx);
        return;
    }
    start_workers();
    move_caller_off_workers();
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
        spin_while_positive(&P.pending_pub, P.pinned ? CALLER_SPIN_PINNED_NS : SPIN_NS);
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
