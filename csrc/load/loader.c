/* loader.c - archive -> module (see loader.h): the layer above container/,
 * pickle/, frontend/ and interp/ that ties them into a loaded module.
 *
 * Order of work, as libtorch does it: version record, constants.pkl (tensors
 * from constants/), data.pkl (tensors from data/, objects from code/
 * classes), extra/ files.  Code files are parsed when a class or function of
 * their qualifier is first needed.
 */
#include "load/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "frontend/import.h"
#include "interp/run_api.h"
#include "pickle/unpickle.h"
#include "tensor/tensor.h"

typedef struct load_ctx {
    pts_loaded *l;
    const char *dir; /* "data" or "constants" */
    char where[512];
} load_ctx;

static void archive_release_cb(void *a) { pts_archive_release((pts_archive *)a); }
static void free_cb(void *p) { pts_free(p); }

/* ---- storages --------------------------------------------------------------- */

static pts_status load_storage(void *vctx, int dtype, const char *key, int64_t numel, pts_storage **out)
{
    load_ctx *ctx = vctx;
    const pts_dtype_info *di = pts_dtype_get(dtype);
    char name[300];
    *out = NULL;
    if (!di)
        return pts_err_set(PTS_ERR_LOAD, "%s: storage '%s' has unknown dtype code %d", ctx->where, key, dtype);
    int64_t nbytes;
    if (numel < 0 || pts_mul_overflow_i64(numel, di->itemsize, &nbytes))
        return pts_err_set(PTS_ERR_LOAD, "%s: storage '%s' has an invalid size of %lld elements", ctx->where,
                           key, (long long)numel);
    if (strlen(key) > 200 || strchr(key, '/') || strstr(key, ".."))
        return pts_err_set(PTS_ERR_LOAD, "%s: invalid storage key '%.60s'", ctx->where, key);
    snprintf(name, sizeof name, "%s/%s", ctx->dir, key);
    if (numel == 0) {
        *out = pts_storage_new(0);
        return *out ? PTS_OK : PTS_ERR_NOMEM;
    }
    pts_blob b;
    pts_status st = pts_archive_read(ctx->l->archive, name, &b);
    if (st == PTS_ERR_KEY)
        return pts_err_set(PTS_ERR_LOAD, "%s: tensor data record '%s' is missing from the archive", ctx->where, name);
    if (st)
        return st;
    if ((uint64_t)nbytes > b.len) {
        pts_blob_free(&b);
        return pts_err_set(PTS_ERR_LOAD,
                           "%s: record '%s' holds %zu bytes but its storage needs %lld (%lld x %s)",
                           ctx->where, name, b.len, (long long)nbytes, (long long)numel, di->name);
    }
    if (b.owned) { /* deflated record: the buffer is ours */
        *out = pts_storage_borrow(b.owned, b.len, b.owned, free_cb, false);
        return *out ? PTS_OK : PTS_ERR_NOMEM;
    }
    if (((uintptr_t)b.data % 64) != 0) { /* misaligned: copy into aligned memory */
        pts_storage *s = pts_storage_new((size_t)nbytes);
        if (!s)
            return PTS_ERR_NOMEM;
        memcpy(s->data, b.data, (size_t)nbytes);
        *out = s;
        return PTS_OK;
    }
    pts_archive_retain(ctx->l->archive);
    *out = pts_storage_borrow((void *)b.data, (size_t)nbytes, ctx->l->archive, archive_release_cb, false);
    return *out ? PTS_OK : PTS_ERR_NOMEM;
}

/* ---- classes ------------------------------------------------------------------- */

static pts_status get_class(void *vctx, const char *qualname, pts_class **out)
{
    load_ctx *ctx = vctx;
    return pts_cu_get_class(ctx->l->cu, qualname, out);
}

static pts_status set_state(void *vctx, pts_object *obj, pts_value state)
{
    /* __setstate__ runs once the interpreter is ready: keep (object, state). */
    load_ctx *ctx = vctx;
    pts_loaded *l = ctx->l;
    pts_value *np = pts_realloc(l->pending, (size_t)(l->npending + 1) * 2 * sizeof(pts_value));
    if (!np)
        return pts_err_nomem("pending __setstate__ calls", 0);
    l->pending = np;
    pts_obj_retain(&obj->hdr);
    np[2 * l->npending] = pts_obj_value(&obj->hdr);
    np[2 * l->npending + 1] = pts_value_retain(state);
    l->npending++;
    return PTS_OK;
}

static pts_status make_enum(void *vctx, pts_class *cls, pts_value value, pts_value *out)
{
    load_ctx *ctx = vctx;
    if (cls->kind != PTS_CLS_ENUM)
        return pts_err_set(PTS_ERR_LOAD, "%s: '%s' is used as an enum but is not an Enum class", ctx->where,
                           cls->qualname);
    for (int i = 0; i < cls->nconsts; i++) {
        pts_value mv = cls->consts[i].value;
        pts_value raw = mv.tag == PTS_T_ENUM ? ((pts_enum *)mv.u.o)->value : mv;
        if (pts_value_key_equal(raw, value) && raw.tag == value.tag) {
            *out = pts_value_retain(mv);
            return PTS_OK;
        }
    }
    char d[128];
    pts_value_describe(value, d, sizeof d);
    return pts_err_set(PTS_ERR_LOAD, "%s: enum '%s' has no member with value %s", ctx->where, cls->qualname, d);
}

/* ---- code import ------------------------------------------------------------------ */

static pts_status read_code_file(pts_cu *cu, const char *path)
{
    pts_blob b;
    PTS_TRY(pts_archive_read(cu->archive, path, &b));
    char *text = pts_malloc(b.len + 1);
    if (!text) {
        pts_blob_free(&b);
        return pts_err_nomem("source text", b.len);
    }
    memcpy(text, b.data, b.len);
    text[b.len] = 0;
    size_t len = b.len;
    pts_blob_free(&b);
    if (strlen(text) != len) {
        pts_free(text);
        return pts_err_set(PTS_ERR_LOAD, "%s contains a NUL byte", path);
    }
    return pts_cu_add_file(cu, path, text, len, NULL);
}

pts_status pts_loader_import_all(pts_loaded *l)
{
    int64_t n = pts_archive_count(l->archive);
    for (int64_t i = 0; i < n; i++) {
        const char *name = pts_archive_name(l->archive, i);
        size_t len = strlen(name);
        if (strncmp(name, "code/", 5) != 0 || len < 8 || strcmp(name + len - 3, ".py") != 0)
            continue;
        if (!pts_cu_find_file(l->cu, name)) {
            PTS_TRY(read_code_file(l->cu, name));
            PTS_TRY(pts_frontend_import_file(l->cu, name, NULL));
        }
    }
    return PTS_OK;
}

pts_status pts_loader_import_qualifier(pts_cu *cu, const char *qualname)
{
    pts_archive *a = cu->archive;
    if (!a)
        return pts_err_set(PTS_ERR_LOAD, "'%s' is not defined (no archive to import from)", qualname);
    const char *dot = strrchr(qualname, '.');
    if (!dot || strncmp(qualname, "__torch__", 9) != 0)
        return pts_err_set(PTS_ERR_LOAD, "'%s' is not a __torch__ name", qualname);
    size_t plen = (size_t)(dot - qualname);
    if (plen > 1000)
        return pts_err_set(PTS_ERR_LOAD, "qualified name '%.100s...' is too long", qualname);
    char prefix[1024], path[1100];
    memcpy(prefix, qualname, plen);
    prefix[plen] = 0;
    snprintf(path, sizeof path, "code/%s.py", prefix);
    for (char *p = path + 5; *p && p < path + 5 + plen; p++)
        if (*p == '.')
            *p = '/';
    if (pts_cu_find_file(cu, path))
        return pts_err_set(PTS_ERR_LOAD, "'%s' is not defined in %s", qualname, path);
    if (!pts_archive_has(a, path))
        return pts_err_set(PTS_ERR_LOAD, "'%s' is not defined: the archive has no %s", qualname, path);
    PTS_TRY(read_code_file(cu, path));
    return pts_frontend_import_file(cu, path, prefix);
}

/* ---- whole archive ---------------------------------------------------------------- */

static pts_status read_version(pts_loaded *l)
{
    const char *names[] = {".data/version", "version"};
    for (int i = 0; i < 2; i++) {
        if (!pts_archive_has(l->archive, names[i]))
            continue;
        pts_blob b;
        PTS_TRY(pts_archive_read(l->archive, names[i], &b));
        char buf[32];
        size_t n = b.len < sizeof buf - 1 ? b.len : sizeof buf - 1;
        memcpy(buf, b.data, n);
        buf[n] = 0;
        pts_blob_free(&b);
        char *end;
        long long v = strtoll(buf, &end, 10);
        while (*end == '\n' || *end == '\r' || *end == ' ')
            end++;
        if (end == buf || *end || v < 1 || v > 10)
            return pts_err_set(PTS_ERR_LOAD,
                               "%s: record '%s' holds an unsupported file version \"%.20s\" (supported: 1 to 10)",
                               l->path, names[i], buf);
        l->cu->version = v;
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_LOAD, "%s: no 'version' record: not a TorchScript archive", l->path);
}

static pts_status unpickle_record(pts_loaded *l, const char *record, const char *dir, pts_value *out)
{
    load_ctx ctx;
    ctx.l = l;
    ctx.dir = dir;
    snprintf(ctx.where, sizeof ctx.where, "%s: %s", l->path, record);
    pts_blob b;
    pts_status st = pts_archive_read(l->archive, record, &b);
    if (st == PTS_ERR_KEY)
        return pts_err_set(PTS_ERR_LOAD, "%s: the archive has no '%s' record", l->path, record);
    if (st)
        return st;
    pts_unpickle_env env;
    memset(&env, 0, sizeof env);
    env.ctx = &ctx;
    env.where = ctx.where;
    env.file_version = l->cu->version;
    env.load_storage = load_storage;
    env.get_class = get_class;
    env.set_state = set_state;
    env.make_enum = make_enum;
    st = pts_unpickle(b.data, b.len, &env, out);
    pts_blob_free(&b);
    return st;
}

static pts_status read_extra_files(pts_loaded *l)
{
    int64_t n = pts_archive_count(l->archive);
    for (int64_t i = 0; i < n; i++) {
        const char *name = pts_archive_name(l->archive, i);
        if (strncmp(name, "extra/", 6) != 0)
            continue;
        pts_blob b;
        PTS_TRY(pts_archive_read(l->archive, name, &b));
        pts_extra_file *ne = pts_realloc(l->extra, (size_t)(l->nextra + 1) * sizeof *ne);
        if (!ne) {
            pts_blob_free(&b);
            return pts_err_nomem("extra files", 0);
        }
        l->extra = ne;
        pts_extra_file *e = &ne[l->nextra];
        e->name = pts_strdup(name + 6);
        e->data = pts_malloc(b.len ? b.len : 1);
        e->len = b.len;
        if (!e->name || !e->data) {
            pts_free(e->name);
            pts_free(e->data);
            pts_blob_free(&b);
            return pts_err_nomem("an extra file", b.len);
        }
        memcpy(e->data, b.data, b.len);
        pts_blob_free(&b);
        l->nextra++;
    }
    return PTS_OK;
}

/* Compile every method now and collect the call sites naming operators pyts
 * lacks.  Like torch, a load fails only for operators torch does not know
 * either (torch.jit.load refuses such a file: "Unknown builtin op"), naming
 * every one with the source line calling it; an operator torch has and pyts
 * lacks is kept on the module (pts_loaded.unsupported) and fails only the
 * call that reaches it, when it runs. */
static pts_status check_ops(pts_loaded *l)
{
    pts_missing_op *missing = NULL;
    int n = 0;
    pts_status st = pts_interp_check_ops(l->cu, &missing, &n);
    if (st && n == 0)
        return st;
    int nunknown = 0;
    for (int i = 0; i < n; i++)
        nunknown += !missing[i].torch_knows;
    if (nunknown > 0) {
        pts_sb sb;
        pts_sb_init(&sb);
        pts_sb_printf(&sb, "%s: the model calls %d operator%s that neither torch nor pyts knows (torch refuses to load "
                      "this file too):", l->path, nunknown, nunknown == 1 ? "" : "s");
        for (int i = 0; i < n; i++)
            if (!missing[i].torch_knows)
                pts_sb_printf(&sb, "\n  %s (called with %d argument%s) at %s:%d", missing[i].op, missing[i].nargs,
                              missing[i].nargs == 1 ? "" : "s", missing[i].file, missing[i].line);
        pts_interp_free_missing(missing, n);
        st = pts_err_set(PTS_ERR_UNSUPPORTED, "%s", pts_sb_str(&sb));
        pts_sb_free(&sb);
        return st;
    }
    l->unsupported = missing;
    l->nunsupported = n;
    return PTS_OK;
}

/* A zip with neither code/ nor constants.pkl is what torch.save writes (a
 * state_dict, a checkpoint dict, a pickled nn.Module): say so, and how to get a
 * TorchScript archive from it, instead of failing somewhere in data.pkl. */
static pts_status check_torchscript(pts_loaded *l)
{
    if (pts_archive_has(l->archive, "constants.pkl"))
        return PTS_OK;
    for (int64_t i = 0, n = pts_archive_count(l->archive); i < n; i++)
        if (strncmp(pts_archive_name(l->archive, i), "code/", 5) == 0)
            return PTS_OK;
    if (!pts_archive_has(l->archive, "data.pkl"))
        return PTS_OK; /* neither: the usual missing-entry errors say what is wrong */
    return pts_err_set(PTS_ERR_LOAD, "%s: this is a torch.save file (pickled Python objects and tensors, no TorchScript "
                                     "code/), not a TorchScript archive. pyts runs files written by torch.jit.save: in "
                                     "Python, build the model, load the checkpoint into it "
                                     "(model.load_state_dict(torch.load(path))), then save it with "
                                     "torch.jit.script(model).save(\"model.pt\") or "
                                     "torch.jit.trace(model, example_inputs).save(\"model.pt\")", l->path);
}

/* Run the deferred __setstate__ calls in order, then empty the list (also
 * after an error). */
static pts_status run_pending(pts_loaded *l)
{
    pts_status st = pts_interp_run_setstate(l->npending, l->pending);
    for (int k = 0; k < 2 * l->npending; k++)
        pts_value_release(l->pending[k]);
    pts_free(l->pending);
    l->pending = NULL;
    l->npending = 0;
    return st;
}

/* A torch.export archive (an archive_format record, or torch 2.6/2.7's
 * serialized_exported_program.json): its program, extra files,
 * and the operators pyts lacks (they fail only the node that calls them). */
static pts_status load_pt2(pts_loaded *l)
{
    PTS_TRY(pts_pt2_load(l->archive, l->path, &l->pt2, &l->unsupported, &l->nunsupported));
    return read_extra_files(l);
}

static pts_status load_archive(pts_loaded *l)
{
    if (pts_pt2_detect(l->archive))
        return load_pt2(l);
    PTS_TRY(check_torchscript(l));
    PTS_TRY(read_version(l));
    pts_cu *cu = l->cu;
    pts_archive_retain(l->archive);
    cu->archive = l->archive;
    cu->archive_close = archive_release_cb;
    cu->import_qualifier = pts_loader_import_qualifier;
    if (pts_archive_has(l->archive, "constants.pkl"))
        PTS_TRY(unpickle_record(l, "constants.pkl", "constants", &cu->constants));
    PTS_TRY(unpickle_record(l, "data.pkl", "data", &l->root));
    if (l->root.tag != PTS_T_OBJECT)
        return pts_err_set(PTS_ERR_LOAD, "%s: data.pkl holds a %s, not a module object", l->path,
                           pts_tag_name((pts_tag)l->root.tag));
    PTS_TRY(read_extra_files(l));
    PTS_TRY(pts_loader_import_all(l));
    PTS_TRY(check_ops(l));
    return run_pending(l);
}

static pts_status finish_load(pts_archive *a, const char *path, pts_loaded **out)
{
    *out = NULL;
    pts_loaded *l = pts_calloc(1, sizeof *l);
    if (!l) {
        pts_archive_release(a);
        return pts_err_nomem("a module", sizeof *l);
    }
    l->archive = a;
    l->root = pts_none();
    l->path = pts_strdup(path);
    l->cu = pts_cu_new();
    if (!l->path || !l->cu) {
        pts_loaded_free(l);
        return pts_err_nomem("a module", 0);
    }
    pts_status st = load_archive(l);
    if (st) {
        /* whatever went wrong inside a file is a load error (out of memory stays itself) */
        if (st != PTS_ERR_NOMEM && st != PTS_ERR_IO && st != PTS_ERR_LOAD && st != PTS_ERR_UNSUPPORTED &&
            st != PTS_ERR_SCRIPT && st != PTS_ERR_LIMIT)
            pts_err_recode(PTS_ERR_LOAD);
        st = pts_err_last();
        pts_loaded_free(l);
        return st;
    }
    *out = l;
    return PTS_OK;
}

pts_status pts_load_file(const char *path, pts_loaded **out)
{
    pts_archive *a;
    *out = NULL;
    PTS_TRY(pts_archive_open_file(path, &a));
    return finish_load(a, path, out);
}

pts_status pts_load_buffer(const void *data, size_t len, const char *name, pts_loaded **out)
{
    pts_archive *a;
    *out = NULL;
    PTS_TRY(pts_archive_open_buffer(data, len, &a));
    return finish_load(a, name ? name : "<buffer>", out);
}

void pts_loaded_free(pts_loaded *l)
{
    if (!l)
        return;
    for (int i = 0; i < 2 * l->npending; i++)
        pts_value_release(l->pending[i]);
    pts_free(l->pending);
    for (int i = 0; i < l->nextra; i++) {
        pts_free(l->extra[i].name);
        pts_free(l->extra[i].data);
    }
    pts_free(l->extra);
    pts_interp_free_missing(l->unsupported, l->nunsupported);
    pts_pt2_free(l->pt2);
    pts_value_release(l->root);
    if (l->cu) {
        /* the constants table may hold objects of this unit (a cycle): drop it */
        pts_value c = l->cu->constants;
        l->cu->constants = pts_none();
        pts_value_release(c);
        pts_cu_release(l->cu);
    }
    pts_archive_release(l->archive);
    pts_free(l->path);
    pts_free(l);
}
