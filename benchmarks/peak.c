/* The machine's float32 FMA peak, for 1 and N threads (benchmarks/bench.py builds and runs it).

     cc -O2 -march=native -pthread benchmarks/peak.c -o peak && ./peak [threads [seconds]]

   Each thread runs independent FMA chains, acc[i] = acc[i] * a + b, on as many vector
   accumulators as cover the FMA latency times the FMA ports (AVX-512: 24 zmm, room for
   4-cycle latency x 2 ports x 3; AVX2 + FMA: 12 ymm of the 16 registers; else plain C
   floats, which the compiler may or may not vectorize: that line says "scalar").  a < 1 and
   b > 0 keep every value near 1 (no overflow, no denormals).  The count of iterations is
   doubled until one run takes a tenth of the time asked; the best of several runs is kept.
   Output, one line each (parsed by bench.py's parse_peak):
     isa avx512
     threads 1 gflops 115.20
     threads 2 gflops 229.80
   A flop is one multiply or one add: an FMA on 16 floats is 32 flops. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__) || defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define ISA "avx512"
#define NACC 24
#define LANES 16
typedef __m512 vec;
#define VSET(x) _mm512_set1_ps(x)
#define VFMA(acc, a, b) _mm512_fmadd_ps(acc, a, b)
static float vsum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#define ISA "avx2"
#define NACC 12
#define LANES 8
typedef __m256 vec;
#define VSET(x) _mm256_set1_ps(x)
#define VFMA(acc, a, b) _mm256_fmadd_ps(acc, a, b)
static float vsum(vec v) {
    float f[8];
    _mm256_storeu_ps(f, v);
    return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#else
#define ISA "scalar"
#define NACC 8
#define LANES 1
typedef float vec;
#define VSET(x) (x)
#define VFMA(acc, a, b) ((acc) * (a) + (b))
static float vsum(vec v) { return v; }
#endif

struct job {
    long iters;
    float seed;
    float out;
    double t0, t1; /* this thread's own start and end: the main thread may be descheduled */
    pthread_barrier_t *start;
};

static double now(void);

static void *run(void *p) {
    struct job *j = p;
    vec acc[NACC];
    vec a = VSET(0.9999999f), b = VSET(1e-7f * j->seed);
#pragma GCC unroll 32
    for (int i = 0; i < NACC; i++) acc[i] = VSET(1.0f + (float)i * 1e-3f);
    pthread_barrier_wait(j->start);
    j->t0 = now();
    for (long n = 0; n < j->iters; n++) {
        /* no -ffast-math: the compiler may neither reassociate nor shorten these chains */
#pragma GCC unroll 32
        for (int i = 0; i < NACC; i++) acc[i] = VFMA(acc[i], a, b);
    }
    j->t1 = now();
    float s = 0.0f;
    for (int i = 0; i < NACC; i++) s += vsum(acc[i]);
    j->out = s;
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* seconds for `threads` threads each running `iters` iterations, started together: from the
   first thread's start to the last one's end */
static double timed(int threads, long iters, float *sink) {
    pthread_t tid[256];
    struct job jobs[256];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){iters, (float)(t + 1), 0.0f, 0.0, 0.0, &bar};
        if (pthread_create(&tid[t], NULL, run, &jobs[t]) != 0) {
            fprintf(stderr, "peak: pthread_create failed\n");
            exit(1);
        }
    }
    pthread_barrier_wait(&bar);
    for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    pthread_barrier_destroy(&bar);
    double t0 = jobs[0].t0, t1 = jobs[0].t1;
    for (int t = 0; t < threads; t++) {
        *sink += jobs[t].out;
        if (jobs[t].t0 < t0) t0 = jobs[t].t0;
        if (jobs[t].t1 > t1) t1 = jobs[t].t1;
    }
    return t1 - t0;
}

int main(int argc, char **argv) {
    int maxthreads = argc > 1 ? atoi(argv[1]) : 2;
    double seconds = argc > 2 ? atof(argv[2]) : 0.2;
    if (maxthreads < 1 || maxthreads > 256 || !(seconds > 0.0)) {
        fprintf(stderr, "usage: peak [threads 1..256 [seconds > 0]]\n");
        return 2;
    }
    float sink = 0.0f;
    printf("isa %s\n", ISA);
    for (int threads = 1; threads <= maxthreads; threads = threads < maxthreads && threads * 2 > maxthreads ? maxthreads : threads * 2) {
        long iters = 1000;
        while (timed(threads, iters, &sink) < seconds / 10.0 && iters < (1L << 40)) iters *= 2;
        double best = 1e30;
        for (int r = 0; r < 5; r++) {
            double dt = timed(threads, iters, &sink);
            if (dt < best) best = dt;
        }
        double flops = 2.0 * LANES * NACC * (double)iters * threads;
        printf("threads %d gflops %.2f\n", threads, flops / best / 1e9);
        fflush(stdout);
    }
    /* the sums must reach the output, or the loops are dead code */
    if (sink == 12345.0f) printf("%g\n", (double)sink);
    return 0;
}
