/* unpickle_files.c - run the unpickler on real pickles (data.pkl / constants.pkl).
 *
 * Companion of tests/c/pickle_cases/gen.py, which saves modules with torch.jit.save and
 * extracts their pickles into /tmp/pickle_cases/<case>/.  For each file given:
 *  - unpickle it with permissive fake callbacks: storages are zero-filled buffers of the
 *    size asked for; classes are made up on the fly (enum classes are those listed in
 *    enums.txt beside the file).  A first pass learns each class's attribute names from the
 *    state dicts (every class gets a recording __setstate__), a second pass builds the
 *    objects through the real state-dict path with those attributes;
 *  - print a canonical dump of the result and, if <file>.expect exists (written by gen.py
 *    from CPython's pickle machine), compare with it;
 *  - if <file>.xfail exists, the unpickle must fail with that text in the message;
 *  - check that nothing leaked (pts_alloc_live);
 *  - with --fuzz: also truncate the pickle at many lengths and change random bytes
 *    (every outcome must be a result or a clean error, never a crash, leak or INTERNAL).
 *
 * Usage: unpickle_files [--fuzz] [--dump] FILE.pkl...   (exit status 1 on any failure)
 */
// python3 tests/c/pickle_cases/gen.py && gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc csrc/core/*.c csrc/value/*.c csrc/tensor/tensor.c csrc/pickle/*.c tests/c/unpickle_files.c -lm -o /tmp/unpickle_files && /tmp/unpickle_files --fuzz /tmp/pickle_cases/*/*.pkl
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "pickle/unpickle.h"
#include "value/class.h"
#include "value/type.h"

#define MAX_CLASSES 512
#define MAX_ATTRS 256

typedef struct learned {
    char qual[512];
    bool setstate; /* state was not a dict: keep a real __setstate__ with one slot */
    int nattrs;
    char *attrs[MAX_ATTRS];
} learned;

typedef struct drv {
    int pass; /* 1: learn attributes, 2: build */
    pts_cu *cu;
    char enums[64][512];
    int nenums;
    learned classes[MAX_CLASSES];
    int nclasses;
    struct {
        pts_storage *s; /* borrowed: only compared */
        char key[64];
    } stores[4096];
    int nstores;
    long long storage_bytes;
} drv;

static drv D;

static learned *find_learned(const char *qual, bool add)
{
    for (int i = 0; i < D.nclasses; i++)
        if (strcmp(D.classes[i].qual, qual) == 0)
            return &D.classes[i];
    if (!add || D.nclasses == MAX_CLASSES)
        return NULL;
    learned *l = &D.classes[D.nclasses++];
    memset(l, 0, sizeof *l);
    snprintf(l->qual, sizeof l->qual, "%s", qual);
    return l;
}

static void forget_learned(void)
{
    for (int i = 0; i < D.nclasses; i++)
        for (int j = 0; j < D.classes[i].nattrs; j++)
            pts_free(D.classes[i].attrs[j]);
    D.nclasses = 0;
}

/* ---- callbacks ------------------------------------------------------------------------ */

static pts_status cb_load_storage(void *ctx, int dtype, const char *key, int64_t numel, pts_storage **out)
{
    (void)ctx;
    size_t nb = (size_t)numel * (size_t)pts_dtype_get(dtype)->itemsize;
    pts_storage *s = pts_storage_new(nb);
    if (!s)
        return PTS_ERR_NOMEM;
    /* the bytes are never read: left as allocated (large ones cost nothing until touched) */
    if (D.nstores < 4096) {
        D.stores[D.nstores].s = s;
        snprintf(D.stores[D.nstores++].key, 64, "%s", key);
    }
    D.storage_bytes += (long long)nb;
    *out = s;
    return PTS_OK;
}

static bool is_enum(const char *qual)
{
    for (int i = 0; i < D.nenums; i++)
        if (strcmp(D.enums[i], qual) == 0)
            return true;
    return false;
}

static pts_status cb_get_class(void *ctx, const char *qual, pts_class **out)
{
    (void)ctx;
    *out = pts_cu_find_class(D.cu, qual);
    if (*out)
        return PTS_OK;
    pts_class *c;
    PTS_TRY(pts_cu_add_class(D.cu, qual, is_enum(qual) ? PTS_CLS_ENUM : PTS_CLS_MODULE, &c));
    learned *l = find_learned(qual, false);
    if (D.pass == 1 || (l && l->setstate)) {
        PTS_TRY(pts_class_add_method(c, "__setstate__", NULL, 0, NULL));
        if (D.pass == 2)
            PTS_TRY(pts_class_add_attr(c, "__state__", pts_type_base(PTS_TY_ANY)));
    } else if (l) {
        for (int i = 0; i < l->nattrs; i++)
            PTS_TRY(pts_class_add_attr(c, l->attrs[i], pts_type_base(PTS_TY_ANY)));
    }
    *out = c;
    return PTS_OK;
}

/* Pass 1: learn the attribute names from a state dict.  Pass 2: a class whose state is not
 * a dict keeps it in its one slot. */
static pts_status cb_set_state(void *ctx, pts_object *obj, pts_value state)
{
    (void)ctx;
    if (D.pass == 2) {
        pts_value_release(obj->slots[0]);
        obj->slots[0] = pts_value_retain(state);
        return PTS_OK;
    }
    learned *l = find_learned(obj->cls->qualname, true);
    if (!l)
        return pts_err_set(PTS_ERR_LIMIT, "too many classes");
    if (state.tag != PTS_T_DICT) {
        l->setstate = true;
        return PTS_OK;
    }
    pts_dict *d = PTS_DICT(state);
    if (l->nattrs)
        return PTS_OK; /* learned from an earlier object of this class */
    for (int64_t i = 0; i < d->nentries && l->nattrs < MAX_ATTRS; i++)
        if (d->entries[i].live && d->entries[i].key.tag == PTS_T_STR)
            l->attrs[l->nattrs++] = pts_strdup(PTS_STR(d->entries[i].key)->data);
    return PTS_OK;
}

static void enum_destroy(pts_obj *o)
{
    pts_enum *e = (pts_enum *)o;
    pts_value_release(e->value);
    pts_obj_release(&e->name->hdr);
    pts_free(e);
}

static pts_status cb_make_enum(void *ctx, pts_class *cls, pts_value value, pts_value *out)
{
    (void)ctx;
    pts_enum *e = pts_malloc(sizeof *e);
    if (!e)
        return pts_err_nomem("an enum", sizeof *e);
    e->name = pts_str_from_cstr("?");
    if (!e->name) {
        pts_free(e);
        return PTS_ERR_NOMEM;
    }
    pts_obj_init(&e->hdr, PTS_T_ENUM, enum_destroy);
    e->cls = cls;
    e->value = pts_value_retain(value);
    *out = pts_obj_value(&e->hdr);
    return PTS_OK;
}

/* ---- the canonical dump (same format as gen.py's reference_dump) ------------------------ */

typedef struct seen {
    const void **p;
    size_t n, cap;
} seen;

/* Index of p if seen before (and print "@i"), else remember it and return -1. */
static long seen_check(seen *s, const void *p)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i] == p)
            return (long)i;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->p = realloc(s->p, s->cap * sizeof *s->p);
        if (!s->p)
            abort();
    }
    s->p[s->n++] = p;
    return -1;
}

static void pad(pts_sb *o, int indent)
{
    pts_sb_putc(o, '\n');
    for (int i = 0; i < indent + 1; i++)
        pts_sb_puts(o, "  ");
}

static const char *storage_key(const pts_storage *s)
{
    for (int i = 0; i < D.nstores; i++)
        if (D.stores[i].s == s)
            return D.stores[i].key;
    return "?";
}

static void dump(pts_sb *o, pts_value v, int indent, seen *s);

static void dump_str(pts_sb *o, const pts_str *s)
{
    pts_sb_putc(o, '"');
    for (int64_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (c >= 32 && c < 127 && c != '"' && c != '\\')
            pts_sb_putc(o, (char)c);
        else
            pts_sb_printf(o, "\\x%02x", c);
    }
    pts_sb_putc(o, '"');
}

static void dump_tensor(pts_sb *o, const pts_tensor *t)
{
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    pts_sb_printf(o, "tensor(%s, [", di->name);
    for (int i = 0; i < t->ndim; i++)
        pts_sb_printf(o, i ? ", %lld" : "%lld", (long long)t->sizes[i]);
    pts_sb_puts(o, "], [");
    for (int i = 0; i < t->ndim; i++)
        pts_sb_printf(o, i ? ", %lld" : "%lld", (long long)t->strides[i]);
    pts_sb_printf(o, "], off=%lld, key=%s, numel=%lld)", (long long)t->offset, storage_key(t->storage),
                  (long long)(t->storage->nbytes / (size_t)di->itemsize));
}

static void dump_type(pts_sb *o, const char *kind, pts_type *a, pts_type *b)
{
    char buf[512];
    if (!a) {
        pts_sb_printf(o, "%s[?]", kind);
        return;
    }
    pts_type_str(a, buf, sizeof buf);
    pts_sb_printf(o, "%s[%s", kind, buf);
    if (b) {
        pts_type_str(b, buf, sizeof buf);
        pts_sb_printf(o, ", %s", buf);
    }
    pts_sb_putc(o, ']');
}

static void dump_object(pts_sb *o, pts_object *ob, int indent, seen *s)
{
    if (pts_class_find_method(ob->cls, "__setstate__")) {
        pts_sb_printf(o, "%s state ", ob->cls->qualname);
        dump(o, ob->slots[0], indent, s);
        return;
    }
    pts_sb_printf(o, "%s {", ob->cls->qualname);
    for (int64_t i = 0; i < ob->nslots; i++) {
        pad(o, indent);
        pts_sb_printf(o, "%s = ", ob->cls->attrs[i].name);
        dump(o, ob->slots[i], indent + 1, s);
    }
    pts_sb_putc(o, '}');
}

static void dump(pts_sb *o, pts_value v, int indent, seen *s)
{
    static const char *const devs[] = {"cpu", "cuda", "mkldnn", "opengl", "opencl", "ideep", "hip",
                                       "fpga", "maia", "xla", "vulkan", "metal", "xpu", "mps",
                                       "meta", "hpu", "ve", "lazy", "ipu", "mtia", "privateuseone"};
    bool tracked = v.tag == PTS_T_TENSOR || v.tag == PTS_T_LIST || v.tag == PTS_T_DICT || v.tag == PTS_T_OBJECT;
    long idx = tracked ? seen_check(s, v.u.o) : -1;
    if (idx >= 0) {
        pts_sb_printf(o, "@%ld", idx);
        return;
    }
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: pts_sb_puts(o, "None"); break;
    case PTS_T_BOOL: pts_sb_puts(o, v.u.b ? "True" : "False"); break;
    case PTS_T_INT: pts_sb_printf(o, "%lld", (long long)v.u.i); break;
    case PTS_T_FLOAT: pts_sb_printf(o, "%.17g", v.u.f); break;
    case PTS_T_COMPLEX: pts_sb_printf(o, "complex(%.17g, %.17g)", v.u.c[0], v.u.c[1]); break;
    case PTS_T_STR: dump_str(o, PTS_STR(v)); break;
    case PTS_T_DEVICE:
        pts_sb_printf(o, "device(%s", v.u.dev.type >= 0 && v.u.dev.type <= 20 ? devs[v.u.dev.type] : "?");
        if (v.u.dev.index >= 0)
            pts_sb_printf(o, ":%d", v.u.dev.index);
        pts_sb_putc(o, ')');
        break;
    case PTS_T_ENUM:
        pts_sb_printf(o, "enum %s(", ((pts_enum *)v.u.o)->cls->qualname);
        dump(o, ((pts_enum *)v.u.o)->value, indent, s);
        pts_sb_putc(o, ')');
        break;
    case PTS_T_TENSOR: dump_tensor(o, PTS_TENSOR(v)); break;
    case PTS_T_TUPLE:
        pts_sb_putc(o, '(');
        for (int64_t i = 0; i < PTS_TUPLE(v)->len; i++) {
            pad(o, indent);
            dump(o, PTS_TUPLE(v)->items[i], indent + 1, s);
            pts_sb_putc(o, ',');
        }
        pts_sb_putc(o, ')');
        break;
    case PTS_T_LIST:
        dump_type(o, "List", PTS_LIST(v)->elem, NULL);
        pts_sb_puts(o, " [");
        for (int64_t i = 0; i < PTS_LIST(v)->len; i++) {
            pad(o, indent);
            dump(o, PTS_LIST(v)->items[i], indent + 1, s);
        }
        pts_sb_putc(o, ']');
        break;
    case PTS_T_DICT: {
        pts_dict *d = PTS_DICT(v);
        dump_type(o, "Dict", d->key_type, d->val_type);
        pts_sb_puts(o, " {");
        for (int64_t i = 0; i < d->nentries; i++) {
            if (!d->entries[i].live)
                continue;
            pad(o, indent);
            dump(o, d->entries[i].key, indent + 1, s);
            pts_sb_puts(o, ": ");
            dump(o, d->entries[i].val, indent + 1, s);
        }
        pts_sb_putc(o, '}');
        break;
    }
    case PTS_T_OBJECT: dump_object(o, PTS_OBJECT(v), indent, s); break;
    default: pts_sb_printf(o, "<%s>", pts_tag_name((pts_tag)v.tag)); break;
    }
}

/* ---- files ---------------------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = 0;
        *len = (size_t)n;
    }
    return b;
}

/* Read a file beside `path` (same directory) or NULL. */
static char *read_beside(const char *path, const char *name)
{
    char p[4096];
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path + 1) : 0;
    snprintf(p, sizeof p, "%.*s%s", dl, path, name);
    size_t n;
    return read_file(p, &n);
}

static void load_enums(const char *path)
{
    char *t = read_beside(path, "enums.txt");
    D.nenums = 0;
    for (char *line = t ? strtok(t, "\n") : NULL; line && D.nenums < 64; line = strtok(NULL, "\n"))
        snprintf(D.enums[D.nenums++], sizeof D.enums[0], "%s", line);
    free(t);
}

static pts_unpickle_env make_env(const char *where)
{
    pts_unpickle_env env;
    memset(&env, 0, sizeof env);
    env.where = where;
    env.file_version = 3;
    env.load_storage = cb_load_storage;
    env.get_class = cb_get_class;
    env.set_state = cb_set_state;
    env.make_enum = cb_make_enum;
    return env;
}

/* One unpickle in pass `pass` with a fresh unit. */
static pts_status run_pass(int pass, const uint8_t *data, size_t len, const pts_unpickle_env *env, pts_value *out)
{
    D.pass = pass;
    D.nstores = 0;
    D.storage_bytes = 0;
    D.cu = pts_cu_new();
    if (!D.cu)
        return PTS_ERR_NOMEM;
    pts_status st = pts_unpickle(data, len, env, out);
    return st;
}

static void end_pass(void)
{
    pts_cu_release(D.cu);
    D.cu = NULL;
}

/* Truncations and random byte changes: never a crash, a leak or an INTERNAL error. */
static int fuzz(const uint8_t *data, size_t len, const pts_unpickle_env *env)
{
    int bad = 0, ok = 0, errs = 0;
    uint8_t *q = malloc(len);
    uint64_t rng = 88172645463325252ULL;
    size_t stride = len / 1000 + 1;
    int changes = len > 4096 ? 3000 : 20000;
    memcpy(q, data, len);
    for (size_t n = 0; n < len; n += stride) {
        pts_value v;
        pts_status st = run_pass(2, data, n, env, &v);
        pts_value_release(v);
        end_pass();
        if (st == PTS_OK || st == PTS_ERR_INTERNAL || !pts_err_message()[0])
            bad++;
    }
    for (int i = 0; i < changes; i++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        size_t pos = (size_t)(rng % len);
        q[pos] = (uint8_t)(rng >> 32);
        pts_value v;
        pts_status st = run_pass(2, q, len, env, &v);
        pts_value_release(v);
        end_pass();
        q[pos] = data[pos];
        if (st == PTS_OK)
            ok++;
        else if (st == PTS_ERR_INTERNAL || !pts_err_message()[0])
            bad++;
        else
            errs++;
    }
    free(q);
    printf("    fuzz: %zu truncations, %d byte changes (%d parse, %d clean errors, %d bad)\n", len / stride, changes,
           ok, errs, bad);
    return bad;
}

static int check_file(const char *path, bool do_fuzz, bool do_dump)
{
    size_t len = 0;
    uint8_t *data = (uint8_t *)read_file(path, &len);
    if (!data) {
        printf("FAIL %s: cannot read\n", path);
        return 1;
    }
    load_enums(path);
    char name[4200];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(name, sizeof name, "%s.xfail", base);
    char *xfail = read_beside(path, name);
    snprintf(name, sizeof name, "%s.expect", base);
    char *expect = read_beside(path, name);
    pts_unpickle_env env = make_env(path);
    int64_t live0 = pts_alloc_live();
    int fails = 0;
    pts_value v;
    forget_learned();
    pts_status st = run_pass(1, data, len, &env, &v);
    pts_value_release(v);
    end_pass();
    if (!st) {
        st = run_pass(2, data, len, &env, &v);
    } else {
        v = pts_none();
        D.cu = NULL;
    }
    if (xfail) {
        bool ok = st != PTS_OK && strstr(pts_err_message(), xfail);
        printf("%s %s: expected failure \"%s\": %s\n", ok ? "ok  " : "FAIL", path, xfail,
               st ? pts_err_message() : "it succeeded");
        fails += !ok;
    } else if (st) {
        printf("FAIL %s: %s\n", path, pts_err_message());
        fails++;
    } else {
        pts_sb sb;
        seen s = {0};
        pts_sb_init(&sb);
        dump(&sb, v, 0, &s);
        pts_sb_putc(&sb, '\n');
        free(s.p);
        bool same = expect && strcmp(expect, pts_sb_str(&sb)) == 0;
        printf("%s %s: %s, %d storages, %lld bytes of tensor data%s\n", !expect || same ? "ok  " : "FAIL", path,
               v.tag == PTS_T_OBJECT ? PTS_OBJECT(v)->cls->qualname : pts_tag_name((pts_tag)v.tag), D.nstores,
               D.storage_bytes, !expect ? " (no .expect to compare)" : same ? ", dump matches torch's pickle" : "");
        if (expect && !same) {
            const char *a = expect, *b = pts_sb_str(&sb);
            size_t i = 0;
            while (a[i] && a[i] == b[i])
                i++;
            size_t from = i > 200 ? i - 200 : 0;
            printf("    first difference at byte %zu:\n    want: ...%.300s\n    got:  ...%.300s\n", i, a + from,
                   b + from);
            fails++;
        }
        if (do_dump)
            fputs(pts_sb_str(&sb), stdout);
        pts_sb_free(&sb);
    }
    pts_value_release(v);
    if (D.cu)
        end_pass();
    if (do_fuzz)
        fails += fuzz(data, len, &env) != 0;
    forget_learned();
    if (pts_alloc_live() != live0) {
        printf("FAIL %s: %lld allocations leaked\n", path, (long long)(pts_alloc_live() - live0));
        fails++;
    }
    free(expect);
    free(xfail);
    free(data);
    return fails;
}

int main(int argc, char **argv)
{
    bool do_fuzz = false, do_dump = false;
    int fails = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fuzz") == 0)
            do_fuzz = true;
        else if (strcmp(argv[i], "--dump") == 0)
            do_dump = true;
        else
            fails += check_file(argv[i], do_fuzz, do_dump), files++;
    }
    printf("%d files, %d failed\n", files, fails);
    return fails ? 1 : 0;
}
