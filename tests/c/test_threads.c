/* test_threads.c - the public C API used from several pthreads at once.
 *
 *  1. one module, 8 threads x 200 forward calls: every result bit-identical to
 *     the single-threaded one (smallnet: conv/bn/linear; controlflow: loops);
 *  2. 8 threads each loading (file and buffer), running and freeing modules;
 *  3. 8 threads walking the same module's attributes and tensors;
 *  4. errors stay in their thread: pyts_errmsg() is per thread;
 *  5. one module, 8 threads x 1,000 calls of methods that mutate its state
 *     (attributes, lists, dicts, a submodule's list) and of methods that read
 *     it, while the C API walks the same attributes (tests/data/mutator.pt);
 *  6. the engine's live-allocation counter is back at its baseline at the end.
 *
 * Models: the committed archives of tests/fuzz/models.  Run from the
 * repository root (ctest does).  Under ThreadSanitizer: tests/c/tsan.sh.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "pyts.h"

#define CHECK_DETAIL() printf(" (%s)", pyts_errmsg())
#define CHECK_MAX_REPORTS 20
#include "check.h"

#define THREADS 8
#define CALLS 200
#define NINPUTS 4


static const char *SMALLNET = "tests/fuzz/models/smallnet_traced.pt";
static const char *CONTROLFLOW = "tests/fuzz/models/controlflow.pt";

static pyts_value *ramp(int ndim, const int64_t *sizes, float start)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= sizes[d];
    float *buf = malloc((size_t)n * sizeof(float));
    for (int64_t i = 0; i < n; i++)
        buf[i] = start + 0.01f * (float)(i % 97) - 0.3f * (float)(i % 5);
    pyts_value *t = NULL;
    if (pyts_tensor_new(PYTS_FLOAT32, ndim, sizes, buf, &t) != PYTS_OK)
        t = NULL;
    free(buf);
    return t;
}

/* Copy of a float32 result tensor's values (contiguous results only). */
static float *values(const pyts_value *t, int64_t *n)
{
    *n = pyts_tensor_numel(t);
    float *v = malloc((size_t)(*n ? *n : 1) * sizeof(float));
    memcpy(v, pyts_tensor_data(t), (size_t)*n * sizeof(float));
    return v;
}

/* ---- 1. one module, many threads ------------------------------------------------------- */

typedef struct shared {
    pyts_module *m;
    int nargs;                 /* 1: (x), 2: (x, n) */
    pyts_value *x[NINPUTS];
    pyts_value *n[NINPUTS];
    float *want[NINPUTS];
    int64_t nwant[NINPUTS];
} shared;

typedef struct job {
    shared *s;
    int k;
} job;

static int run_one(shared *s, int j, float **out, int64_t *n)
{
    pyts_value *args[2] = {s->x[j], s->n[j]}, *r = NULL;
    int st = pyts_module_run(s->m, "forward", s->nargs, args, &r);
    if (st != PYTS_OK)
        return st;
    *out = values(r, n);
    pyts_value_free(r);
    return PYTS_OK;
}

static void *forward_worker(void *arg)
{
    job *jb = arg;
    for (int i = 0; i < CALLS; i++) {
        int j = (jb->k * 3 + i) % NINPUTS;
        float *got = NULL;
        int64_t n = 0;
        int st = run_one(jb->s, j, &got, &n);
        CHECK(st == PYTS_OK, "thread %d call %d", jb->k, i);
        if (st == PYTS_OK) {
            CHECK(n == jb->s->nwant[j] && memcmp(got, jb->s->want[j], (size_t)n * sizeof(float)) == 0,
                  "thread %d call %d: result differs from the single-threaded one", jb->k, i);
            free(got);
        }
    }
    return NULL;
}

static void one_module_many_threads(const char *path, int ndim, const int64_t *sizes, int nargs)
{
    shared s;
    memset(&s, 0, sizeof s);
    s.nargs = nargs;
    CHECK(pyts_load(path, &s.m) == PYTS_OK, "load %s", path);
    if (!s.m)
        return;
    for (int j = 0; j < NINPUTS; j++) {
        s.x[j] = ramp(ndim, sizes, (float)j - 1.5f);
        s.n[j] = pyts_value_new_int(j + 2);
        CHECK(run_one(&s, j, &s.want[j], &s.nwant[j]) == PYTS_OK, "single-threaded run %d", j);
    }
    pthread_t th[THREADS];
    job jobs[THREADS];
    for (int k = 0; k < THREADS; k++) {
        jobs[k].s = &s;
        jobs[k].k = k;
        pthread_create(&th[k], NULL, forward_worker, &jobs[k]);
    }
    for (int k = 0; k < THREADS; k++)
        pthread_join(th[k], NULL);
    /* a fresh module called from every thread at once: its BatchNorm folds
     * (interp/plan.c: lazy, at the first call that takes a plan) happen under
     * that race, and every result must still be the single-threaded one */
    shared fresh = s;
    CHECK(pyts_load(path, &fresh.m) == PYTS_OK, "load %s again", path);
    if (fresh.m) {
        for (int k = 0; k < THREADS; k++) {
            jobs[k].s = &fresh;
            pthread_create(&th[k], NULL, forward_worker, &jobs[k]);
        }
        for (int k = 0; k < THREADS; k++)
            pthread_join(th[k], NULL);
        pyts_module_free(fresh.m);
    }
    for (int j = 0; j < NINPUTS; j++) {
        pyts_value_free(s.x[j]);
        pyts_value_free(s.n[j]);
        free(s.want[j]);
    }
    pyts_module_free(s.m);
}

/* ---- 2. threads loading their own modules ---------------------------------------------- */

static unsigned char *file_bytes;
static size_t file_len;

static void *load_worker(void *arg)
{
    int k = (int)(intptr_t)arg;
    int64_t sizes[4] = {1, 3, 8, 8};
    for (int i = 0; i < 20; i++) {
        pyts_module *m = NULL;
        int st = (i + k) % 2 ? pyts_load(SMALLNET, &m) : pyts_load_buffer(file_bytes, file_len, &m);
        CHECK(st == PYTS_OK, "thread %d load %d", k, i);
        if (!m)
            continue;
        pyts_value *x = ramp(4, sizes, (float)k), *r = NULL;
        CHECK(pyts_module_run(m, "forward", 1, &x, &r) == PYTS_OK, "thread %d run %d", k, i);
        CHECK(r && pyts_tensor_numel(r) == 2, "thread %d: result", k);
        pyts_value_free(x);
        pyts_module_free(m); /* the result outlives its module */
        pyts_value_free(r);
    }
    return NULL;
}

/* ---- 3. concurrent walks ---------------------------------------------------------------- */

static pyts_module *walked;

static void *walk_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < CALLS; i++) {
        pyts_value *root = NULL;
        CHECK(pyts_module_root(walked, &root) == PYTS_OK, "root");
        int n = pyts_object_attr_count(root);
        for (int a = 0; a < n; a++) {
            int flags = 0;
            const char *name = pyts_object_attr_name(root, a, &flags);
            pyts_value *v = NULL;
            if (pyts_object_attr(root, name, &v) == PYTS_OK && pyts_value_kind(v) == PYTS_TENSOR) {
                volatile float acc = 0;
                const unsigned char *d = pyts_tensor_data(v);
                int64_t nb = pyts_tensor_numel(v) * pyts_tensor_itemsize(v);
                for (int64_t b = 0; b < nb; b++)
                    acc += d[b];
                (void)acc;
            }
            pyts_value_free(v);
        }
        pyts_value_free(root);
    }
    return NULL;
}

/* ---- 5. mutating methods ----------------------------------------------------------------- */

static void run_many(void *(*fn)(void *));

#define MUT_CALLS 1000
static pyts_module *mutator;
static pyts_value *mut_x;

static void *mutate_worker(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (int i = 0; i < MUT_CALLS; i++) {
        pyts_value *r = NULL;
        if (i % 3 == 2) {
            CHECK(pyts_module_run(mutator, "total", 0, NULL, &r) == PYTS_OK, "thread %d total %d", k, i);
            CHECK(r && pyts_value_kind(r) == PYTS_INT, "total is an int");
            pyts_value_free(r);
            r = NULL;
            CHECK(pyts_module_run(mutator, "keys", 0, NULL, &r) == PYTS_OK, "thread %d keys %d", k, i);
            int64_t n = r ? pyts_value_len(r) : 0;
            CHECK(n >= 0 && n <= 50, "thread %d: %lld keys", k, (long long)n);
        } else {
            pyts_value *kv = pyts_value_new_int(k * MUT_CALLS + i);
            pyts_value *args[2] = {mut_x, kv};
            CHECK(pyts_module_run(mutator, "forward", 2, args, &r) == PYTS_OK, "thread %d forward %d", k, i);
            int64_t n = r ? pyts_value_int(r) : 0;
            CHECK(n >= 1 && n <= THREADS * MUT_CALLS, "thread %d: len(hist) %lld", k, (long long)n);
            pyts_value_free(kv);
        }
        pyts_value_free(r);
        if (i % 50 == 0) { /* the C API reads the same state meanwhile */
            pyts_value *root = NULL, *hist = NULL, *item = NULL;
            CHECK(pyts_module_root(mutator, &root) == PYTS_OK, "root");
            CHECK(pyts_object_attr(root, "hist", &hist) == PYTS_OK, "hist");
            int64_t n = pyts_value_len(hist);
            if (n > 0 && pyts_value_item(hist, n - 1, &item) == PYTS_OK) {
                int64_t v = pyts_value_int(item);
                CHECK(v >= 0 && v < THREADS * MUT_CALLS, "hist holds %lld", (long long)v);
            }
            pyts_value_free(item);
            pyts_value_free(hist);
            pyts_value_free(root);
        }
    }
    return NULL;
}

static void mutating_methods(void)
{
    const char *path = "tests/data/mutator.pt";
    CHECK(pyts_load(path, &mutator) == PYTS_OK, "load %s", path);
    if (!mutator)
        return;
    int64_t sizes[1] = {3};
    CHECK(pyts_tensor_ones(1, sizes, &mut_x) == PYTS_OK, "ones");
    run_many(mutate_worker);
    /* still consistent: one more call sees the list it leaves */
    pyts_value *kv = pyts_value_new_int(1), *args[2] = {mut_x, kv}, *r = NULL, *root = NULL, *hist = NULL, *cnt = NULL;
    CHECK(pyts_module_run(mutator, "forward", 2, args, &r) == PYTS_OK, "forward after the threads");
    CHECK(pyts_module_root(mutator, &root) == PYTS_OK && pyts_object_attr(root, "hist", &hist) == PYTS_OK &&
              pyts_object_attr(root, "count", &cnt) == PYTS_OK, "attributes");
    CHECK(r && hist && pyts_value_int(r) == pyts_value_len(hist), "len(hist) %lld vs %lld", (long long)(r ? pyts_value_int(r) : -1),
          (long long)(hist ? pyts_value_len(hist) : -1));
    int64_t calls = THREADS * (MUT_CALLS - MUT_CALLS / 3) + 1;
    CHECK(cnt && pyts_value_int(cnt) >= 1 && pyts_value_int(cnt) <= calls, "count %lld of %lld calls",
          (long long)(cnt ? pyts_value_int(cnt) : -1), (long long)calls);
    printf("test_threads: mutator %d threads x %d calls, count %lld of %lld (lost updates allowed)\n", THREADS,
           MUT_CALLS, (long long)(cnt ? pyts_value_int(cnt) : -1), (long long)calls);
    pyts_value_free(cnt);
    pyts_value_free(hist);
    pyts_value_free(root);
    pyts_value_free(r);
    pyts_value_free(kv);
    pyts_value_free(mut_x);
    pyts_module_free(mutator);
}

/* ---- 4. per-thread errors ---------------------------------------------------------------- */

static void *error_worker(void *arg)
{
    int k = (int)(intptr_t)arg;
    char path[64], want[64];
    snprintf(path, sizeof path, "/nonexistent/pyts-thread-%d.pt", k);
    snprintf(want, sizeof want, "pyts-thread-%d.pt", k);
    for (int i = 0; i < CALLS; i++) {
        pyts_module *m = NULL;
        CHECK(pyts_load(path, &m) != PYTS_OK && m == NULL, "loading a missing file");
        CHECK(strstr(pyts_errmsg(), want) != NULL, "thread %d sees another thread's error: %s", k, pyts_errmsg());
        if (i % 10 == 0) {
            pyts_value *x = NULL;
            int64_t sizes[1] = {-1};
            CHECK(pyts_tensor_new(PYTS_FLOAT32, 1, sizes, NULL, &x) != PYTS_OK, "negative size accepted");
            CHECK(strstr(pyts_errmsg(), want) == NULL, "stale message");
        }
    }
    return NULL;
}

static void run_many(void *(*fn)(void *))
{
    pthread_t th[THREADS];
    for (int k = 0; k < THREADS; k++)
        pthread_create(&th[k], NULL, fn, (void *)(intptr_t)k);
    for (int k = 0; k < THREADS; k++)
        pthread_join(th[k], NULL);
}

int main(void)
{
    int64_t sn_sizes[4] = {2, 3, 8, 8}, cf_sizes[1] = {6};
    /* warm up the op registry and the pool, then take the leak baseline */
    pyts_module *w = NULL;
    if (pyts_load(CONTROLFLOW, &w) != PYTS_OK) {
        fprintf(stderr, "cannot load %s (run from the repository root): %s\n", CONTROLFLOW, pyts_errmsg());
        return 1;
    }
    pyts_module_free(w);
    int64_t live = pts_alloc_live();

    for (int pool = 1; pool <= 2; pool++) {
        pyts_set_num_threads(pool);
        one_module_many_threads(SMALLNET, 4, sn_sizes, 1);
        one_module_many_threads(CONTROLFLOW, 1, cf_sizes, 2);
    }

    FILE *f = fopen(SMALLNET, "rb");
    CHECK(f != NULL, "open %s", SMALLNET);
    if (f) {
        fseek(f, 0, SEEK_END);
        file_len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        file_bytes = malloc(file_len);
        CHECK(fread(file_bytes, 1, file_len, f) == file_len, "read");
        fclose(f);
        run_many(load_worker);
        free(file_bytes);
    }

    CHECK(pyts_load("tests/fuzz/models/attrs.pt", &walked) == PYTS_OK, "load attrs");
    if (walked) {
        run_many(walk_worker);
        pyts_module_free(walked);
    }
    run_many(error_worker);
    mutating_methods();

    CHECK(pts_alloc_live() == live, "%lld allocations leaked", (long long)(pts_alloc_live() - live));
    printf("test_threads: %d threads x %d calls\n", THREADS, CALLS);
    return check_summary();
}
