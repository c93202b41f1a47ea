/* fuzz_unpickle.c - libFuzzer target for the unpickler (csrc/pickle/).
 *
 * Input: one byte choosing a committed model archive (tests/fuzz/models,
 * sorted by name), then the bytes of a pickle (data.pkl / constants.pkl).
 * The chosen archive only supplies the classes that __torch__ GLOBALs
 * resolve to (imported lazily from its code/ files, as the loader does) and
 * the bytes of data/<key> storages; storages it lacks are zero-filled (up to
 * 1 MB) so that tensor views over them are still built and checked.
 * Seeds: corpus/fuzz_unpickle (the archives' own pickles).
 */
#include <dirent.h>

#include "fuzz_common.h"

#include "container/archive.h"
#include "load/loader.h"
#include "pickle/unpickle.h"

#define MAX_ARCHIVES 32

static pts_archive *archives[MAX_ARCHIVES];
static int64_t versions[MAX_ARCHIVES];
static int narchives;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = fuzz_models_dir();
    DIR *d = opendir(dir);
    char *names[MAX_ARCHIVES];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < MAX_ARCHIVES) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".pt") == 0)
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        pts_archive *a;
        if (pts_archive_open_file(path, &a) != PTS_OK) {
            fprintf(stderr, "fuzz_unpickle: cannot open %s: %s\n", path, pts_err_message());
            continue;
        }
        pts_blob b;
        int64_t v = 3;
        if (pts_archive_read(a, pts_archive_has(a, "version") ? "version" : ".data/version", &b) == PTS_OK) {
            v = b.len ? b.data[0] - '0' : 3;
            pts_blob_free(&b);
        }
        versions[narchives] = v;
        archives[narchives++] = a;
    }
    if (narchives == 0) {
        fprintf(stderr, "fuzz_unpickle: no archives in %s (set PYTS_FUZZ_MODELS)\n", dir);
        exit(1);
    }
    pts_set_memory_limit(FUZZ_MEMORY_LIMIT);
    return 0;
}

typedef struct ctx {
    pts_cu *cu;
    pts_archive *a;
    pts_value pending[64]; /* (object, state) pairs kept as the loader does */
    int npending;
} ctx;

static pts_status load_storage(void *vc, int dtype, const char *key, int64_t numel, pts_storage **out)
{
    ctx *c = vc;
    const pts_dtype_info *di = pts_dtype_get(dtype);
    FUZZ_CHECK(di != NULL && numel >= 0 && key[0], "unpickler broke the load_storage contract");
    size_t nbytes = (size_t)numel * (size_t)di->itemsize;
    char name[300];
    snprintf(name, sizeof name, "data/%.200s", key);
    pts_blob b;
    if (pts_archive_read(c->a, name, &b) == PTS_OK) {
        if (b.len >= nbytes) {
            pts_storage *s = pts_storage_new(b.len);
            if (!s) {
                pts_blob_free(&b);
                return PTS_ERR_NOMEM;
            }
            if (b.len)
                memcpy(s->data, b.data, b.len);
            pts_blob_free(&b);
            *out = s;
            return PTS_OK;
        }
        pts_blob_free(&b);
    }
    if (nbytes > ((size_t)1 << 20))
        return pts_err_set(PTS_ERR_LOAD, "storage '%s' of %zu bytes is not in the archive", key, nbytes);
    pts_storage *s = pts_storage_new(nbytes);
    if (!s)
        return PTS_ERR_NOMEM;
    if (nbytes)
        memset(s->data, 0, nbytes);
    *out = s;
    return PTS_OK;
}

static pts_status get_class(void *vc, const char *qualname, pts_class **out)
{
    ctx *c = vc;
    return pts_cu_get_class(c->cu, qualname, out);
}

static pts_status set_state(void *vc, pts_object *obj, pts_value state)
{
    ctx *c = vc;
    if (c->npending >= 64)
        return pts_err_set(PTS_ERR_LIMIT, "too many __setstate__ objects for the fuzz harness");
    pts_obj_retain(&obj->hdr);
    c->pending[c->npending++] = pts_obj_value(&obj->hdr);
    c->pending[c->npending++] = pts_value_retain(state);
    return PTS_OK;
}

static pts_status make_enum(void *vc, pts_class *cls, pts_value value, pts_value *out)
{
    (void)vc;
    if (cls->kind != PTS_CLS_ENUM)
        return pts_err_set(PTS_ERR_LOAD, "'%s' is not an Enum class", cls->qualname);
    for (int i = 0; i < cls->nconsts; i++) {
        pts_value mv = cls->consts[i].value;
        pts_value raw = mv.tag == PTS_T_ENUM ? ((pts_enum *)mv.u.o)->value : mv;
        if (pts_value_key_equal(raw, value) && raw.tag == value.tag) {
            *out = pts_value_retain(mv);
            return PTS_OK;
        }
    }
    return pts_err_set(PTS_ERR_LOAD, "enum '%s' has no such member", cls->qualname);
}

static void archive_close(void *a) { pts_archive_release((pts_archive *)a); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int64_t live = pts_alloc_live();
    int which = data[0] % narchives;
    ctx c;
    memset(&c, 0, sizeof c);
    c.a = archives[which];
    c.cu = pts_cu_new();
    FUZZ_CHECK(c.cu != NULL, "pts_cu_new failed");
    c.cu->version = versions[which];
    pts_archive_retain(c.a);
    c.cu->archive = c.a;
    c.cu->archive_close = archive_close;
    c.cu->import_qualifier = pts_loader_import_qualifier;

    pts_unpickle_env env;
    memset(&env, 0, sizeof env);
    env.ctx = &c;
    env.where = "fuzz: data.pkl";
    env.file_version = versions[which];
    env.load_storage = load_storage;
    env.get_class = get_class;
    env.set_state = set_state;
    env.make_enum = make_enum;
    pts_value v = pts_int(12345);
    pts_status st = pts_unpickle(data + 1, size - 1, &env, &v);
    fuzz_check_status(st);
    if (st == PTS_OK)
        fuzz_walk(v, 0);
    else
        FUZZ_CHECK(v.tag == PTS_T_NONE, "failed unpickle left a value");
    pts_value_release(v);
    for (int i = 0; i < c.npending; i++)
        pts_value_release(c.pending[i]);
    pts_cu_release(c.cu);
    fuzz_check_no_leak(live, "fuzz_unpickle");
    return 0;
}
