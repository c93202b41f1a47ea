/* fuzz_run.c - libFuzzer target: load a small model, then run its forward
 * on fuzzer-chosen inputs (csrc/interp/, csrc/ops/, csrc/tensor/).
 *
 * The models are the committed archives of tests/fuzz/models (saved by
 * torch), loaded once at start-up; NAME.args gives forward's arguments, one
 * line each starting with its kind: T = Tensor, i = int (the rest of the
 * line, the shape or value the other tests use, is ignored here).  The input
 * bytes describe the call:
 *
 *   byte 0      model (index into the models sorted by name)
 *   byte 1      dtype (index into DTYPES below)
 *   byte 2      fill: 0 ones, 1 the raw bytes, 2 arange, 3 NaN, 4 +-inf,
 *               5 zeros, 6 huge values, 7 -arange
 *   byte 3      number of dims (0..5)
 *   next ndim   sizes (0..8 each)
 *   next 2      int arguments (0..31: loops in the models stay short)
 *   next 1      layout: 0 contiguous, 1 transposed, 2 every other element,
 *               3 expanded (stride 0 in dim 0), 4 with a storage offset
 *   the rest    raw bytes for fill 1 (the k-th tensor starts k bytes later)
 *
 * Every call must return a value or a status with a message, and a second
 * call on the same inputs must return bit-identical tensors (catches reads
 * of uninitialized memory and state leaking between calls).
 */
#include <dirent.h>
#include <math.h>

#include "fuzz_common.h"

#include "load/loader.h"
#include "interp/run.h"
#include "interp/run_api.h"
#include "ops/registry.h"
#include "tensor/convert.h"
#include "tensor/parallel.h"

#define MAX_MODELS 32

static const int DTYPES[] = {PTS_FLOAT32, PTS_FLOAT64, PTS_INT64, PTS_INT32, PTS_UINT8, PTS_BOOL,
                             PTS_FLOAT16, PTS_BFLOAT16, PTS_INT8, PTS_INT16};
#define NDTYPES ((int)(sizeof DTYPES / sizeof DTYPES[0]))

static struct {
    pts_loaded *l;
    char args[16];
    char name[128];
} models[MAX_MODELS];
static int nmodels;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pts_ops_init() != PTS_OK) {
        fprintf(stderr, "fuzz_run: op registry: %s\n", pts_err_message());
        exit(1);
    }
    pts_set_num_threads(1);
    const char *dir = fuzz_models_dir();
    DIR *d = opendir(dir);
    char *names[MAX_MODELS];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < MAX_MODELS) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".pt") == 0)
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        char path[4096];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (pts_load_file(path, &models[nmodels].l) != PTS_OK) {
            fprintf(stderr, "fuzz_run: cannot load %s: %s\n", path, pts_err_message());
            exit(1);
        }
        snprintf(path, sizeof path, "%s/%.*s.args", dir, (int)strlen(names[i]) - 3, names[i]);
        uint8_t *a = fuzz_read_file(path, &len);
        if (!a) {
            fprintf(stderr, "fuzz_run: no %s\n", path);
            exit(1);
        }
        size_t k = 0; /* one line per argument: its kind is the first letter (T or i) */
        for (size_t j = 0; j < len && k < sizeof models[0].args - 1; j++)
            if ((j == 0 || a[j - 1] == '\n') && (a[j] == 'T' || a[j] == 'i'))
                models[nmodels].args[k++] = (char)a[j];
        free(a);
        snprintf(models[nmodels].name, sizeof models[0].name, "%s", names[i]);
        free(names[i]);
        nmodels++;
    }
    if (nmodels == 0) {
        fprintf(stderr, "fuzz_run: no models in %s (set PYTS_FUZZ_MODELS)\n", dir);
        exit(1);
    }
    /* compile everything now: code caches built on a first call are not leaks */
    for (int i = 0; i < nmodels; i++) {
        pts_missing_op *missing = NULL;
        int nmissing = 0;
        if (pts_loader_import_all(models[i].l) != PTS_OK ||
            pts_interp_check_ops(models[i].l->cu, &missing, &nmissing) != PTS_OK || nmissing) {
            fprintf(stderr, "fuzz_run: %s does not compile: %s\n", models[i].name,
                    nmissing ? missing[0].op : pts_err_message());
            exit(1);
        }
    }
    pts_set_memory_limit(FUZZ_MEMORY_LIMIT);
    return 0;
}

typedef struct reader {
    const uint8_t *p;
    size_t n, pos;
} reader;

static int next(reader *r) { return r->pos < r->n ? r->p[r->pos++] : 0; }

static double fill_value(int fill, int64_t i, const uint8_t *raw, size_t nraw, int dtype)
{
    switch (fill) {
    case 0: return 1.0;
    case 2: return (double)i;
    case 3: return NAN;
    case 4: return (i & 1) ? -INFINITY : INFINITY;
    case 5: return 0.0;
    case 6: return pts_dtype_get(dtype)->is_float ? ((i & 1) ? -3e38 : 3e38) : ((i & 1) ? -9e18 : 9e18);
    case 7: return -(double)i;
    default: {
        int8_t b = nraw ? (int8_t)raw[(size_t)i % nraw] : 0;
        return pts_dtype_get(dtype)->is_float ? b / 8.0 : (double)b;
    }
    }
}

/* Build one tensor argument; NULL on OOM. */
static pts_tensor *make_tensor(int dtype, int fill, int ndim, const int64_t *sizes, int layout, const uint8_t *raw,
                               size_t nraw)
{
    int64_t base_sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int64_t offset = 0;
    for (int d = 0; d < ndim; d++)
        base_sizes[d] = sizes[d];
    if (layout == 1 && ndim >= 2) { /* transposed: a contiguous [.., b, a] viewed as [.., a, b] */
        base_sizes[ndim - 1] = sizes[ndim - 2];
        base_sizes[ndim - 2] = sizes[ndim - 1];
    } else if (layout == 2 && ndim >= 1) {
        base_sizes[ndim - 1] = sizes[ndim - 1] * 2;
    } else if (layout == 3 && ndim >= 1) {
        base_sizes[0] = 1;
    }
    int64_t numel = 1;
    for (int d = 0; d < ndim; d++)
        numel *= base_sizes[d];
    int64_t one = numel + (layout == 4 ? 3 : 0);
    pts_tensor *base = pts_tensor_empty(dtype, 1, &one);
    if (!base)
        return NULL;
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < one; i++)
        pts_store_f64((char *)pts_tensor_data(base) + i * isz, dtype, fill_value(fill, i, raw, nraw, dtype));
    pts_contiguous_strides(ndim, base_sizes, strides);
    if (layout == 1 && ndim >= 2) {
        int64_t t = strides[ndim - 1];
        strides[ndim - 1] = strides[ndim - 2];
        strides[ndim - 2] = t;
    } else if (layout == 2 && ndim >= 1) {
        strides[ndim - 1] = 2; /* the base's last dim is twice as long */
    } else if (layout == 3 && ndim >= 1) {
        strides[0] = 0;
    } else if (layout == 4) {
        offset = 3;
    }
    pts_tensor *t = pts_tensor_view_of(base->storage, dtype, ndim, sizes, strides, offset);
    pts_obj_release(&base->hdr);
    return t;
}

/* Bit-identical results (tensors by value, containers item by item). */
static int same(pts_value a, pts_value b)
{
    if (a.tag != b.tag)
        return 0;
    switch (a.tag) {
    case PTS_T_TENSOR: {
        const pts_tensor *x = PTS_TENSOR(a), *y = PTS_TENSOR(b);
        if (x->dtype != y->dtype || x->ndim != y->ndim)
            return 0;
        for (int d = 0; d < x->ndim; d++)
            if (x->sizes[d] != y->sizes[d])
                return 0;
        pts_tensor *cx = pts_tensor_contiguous_copy(x), *cy = pts_tensor_contiguous_copy(y);
        int r = 1;
        if (cx && cy)
            r = memcmp(pts_tensor_data(cx), pts_tensor_data(cy),
                       (size_t)pts_tensor_numel(cx) * (size_t)pts_dtype_get(cx->dtype)->itemsize) == 0;
        if (cx)
            pts_obj_release(&cx->hdr);
        if (cy)
            pts_obj_release(&cy->hdr);
        return r;
    }
    case PTS_T_LIST:
        if (PTS_LIST(a)->len != PTS_LIST(b)->len)
            return 0;
        for (int64_t i = 0; i < PTS_LIST(a)->len; i++)
            if (!same(PTS_LIST(a)->items[i], PTS_LIST(b)->items[i]))
                return 0;
        return 1;
    case PTS_T_TUPLE:
        if (PTS_TUPLE(a)->len != PTS_TUPLE(b)->len)
            return 0;
        for (int64_t i = 0; i < PTS_TUPLE(a)->len; i++)
            if (!same(PTS_TUPLE(a)->items[i], PTS_TUPLE(b)->items[i]))
                return 0;
        return 1;
    case PTS_T_INT: return a.u.i == b.u.i;
    case PTS_T_BOOL: return a.u.b == b.u.b;
    case PTS_T_FLOAT: return memcmp(&a.u.f, &b.u.f, sizeof(double)) == 0;
    default: return 1;
    }
}

/* Live allocations that outlive the first call (caches) are allowed, but
 * only a bounded number of times per model: unbounded growth is a leak. */
static int64_t growth[MAX_MODELS];

static void print_growth(void)
{
    for (int i = 0; i < nmodels; i++)
        if (growth[i])
            fprintf(stderr, "fuzz_run: %s: %lld allocations kept by first calls\n", models[i].name,
                    (long long)growth[i]);
}

static void report_growth(int mi, int64_t live0)
{
    static int registered;
    if (!registered && getenv("PYTS_FUZZ_VERBOSE")) {
        registered = 1;
        atexit(print_growth);
    }
    growth[mi] += pts_alloc_live() - live0;
    FUZZ_CHECK(growth[mi] < 100000, "%s: %lld allocations kept alive by first calls (a leak, not a cache)",
               models[mi].name, (long long)growth[mi]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    int mi = next(&r) % nmodels;
    int dtype = DTYPES[next(&r) % NDTYPES];
    int fill = next(&r) % 8;
    int ndim = next(&r) % 6;
    int64_t sizes[PTS_MAX_DIMS];
    for (int d = 0; d < ndim; d++)
        sizes[d] = next(&r) % 9;
    int ints[2] = {next(&r) % 32, next(&r) % 32};
    int layout = next(&r) % 5;
    const uint8_t *raw = data + r.pos;
    size_t nraw = size - r.pos;

    int64_t live0 = pts_alloc_live();
    const char *sig = models[mi].args;
    int nargs = (int)strlen(sig), ni = 0;
    pts_value args[16];
    for (int k = 0; k < nargs; k++) {
        if (sig[k] == 'i') {
            args[k] = pts_int(ints[ni++ % 2]);
        } else {
            pts_tensor *t = make_tensor(dtype, fill, ndim, sizes, layout, raw + (k < (int)nraw ? k : 0),
                                        nraw > (size_t)k ? nraw - (size_t)k : 0);
            FUZZ_CHECK(t != NULL, "building the input: %s", pts_err_message());
            args[k] = pts_obj_value(&t->hdr);
        }
    }
    /* a first call may fill caches (compiled code, per-thread frame stacks):
     * leaks are measured over the two calls after it */
    pts_value out1 = pts_none(), out2 = pts_none();
    pts_status st0 = pts_run_method(models[mi].l->root, "forward", nargs, args, 0, NULL, NULL, &out1);
    fuzz_check_status(st0);
    pts_value_release(out1);
    out1 = pts_none();
    int64_t live = pts_alloc_live();
    pts_status st1 = pts_run_method(models[mi].l->root, "forward", nargs, args, 0, NULL, NULL, &out1);
    fuzz_check_status(st1);
    pts_status st2 = pts_run_method(models[mi].l->root, "forward", nargs, args, 0, NULL, NULL, &out2);
    fuzz_check_status(st2);
    FUZZ_CHECK(st1 == st2, "%s: first call gave status %d, second %d (%s)", models[mi].name, (int)st1, (int)st2,
               pts_err_message());
    if (st1 == PTS_OK) {
        fuzz_walk(out1, 0);
        FUZZ_CHECK(same(out1, out2), "%s: two calls on the same inputs differ", models[mi].name);
    }
    pts_value_release(out1);
    pts_value_release(out2);
    fuzz_check_no_leak(live, "fuzz_run (second and third call)");
    for (int k = 0; k < nargs; k++)
        pts_value_release(args[k]);
    if (pts_alloc_live() != live0)
        report_growth(mi, live0);
    return 0;
}
