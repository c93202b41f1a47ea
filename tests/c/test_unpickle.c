/* test_unpickle.c - unit tests of the unpickler (csrc/pickle/) on hand-assembled pickles.
 *
 * Every opcode and GLOBAL, typed lists, restore_type_tag, objects, enums, tensors sharing
 * storages, forbidden globals, truncation at every byte, every single-byte change, deep
 * nesting, huge counts, and allocation failures; no leaks (pts_alloc_live) anywhere.
 *
 * Build and run from the repository root: see the command below this comment.
 * The last line is "N passed, M failed"; the exit status is nonzero on any failure.
 */
// gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc csrc/core/*.c csrc/value/*.c csrc/tensor/tensor.c csrc/pickle/*.c tests/c/test_unpickle.c -lm -o /tmp/test_unpickle && /tmp/test_unpickle
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "pickle/unpickle.h"
#include "value/class.h"
#include "value/type.h"

#define CHECK_DETAIL() printf("\n    last error: %s", pts_err_message())
#include "check.h"

/* ---- a pickle builder -------------------------------------------------------------- */

typedef struct pb {
    uint8_t *b;
    size_t n, cap;
} pb;

static void pb_bytes(pb *p, const void *d, size_t n)
{
    if (p->n + n > p->cap) {
        p->cap = (p->n + n) * 2 + 64;
        p->b = realloc(p->b, p->cap);
        if (!p->b)
            abort(); /* test harness only */
    }
    memcpy(p->b + p->n, d, n);
    p->n += n;
}
static void pb_op(pb *p, uint8_t op) { pb_bytes(p, &op, 1); }
static void pb_le(pb *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        pb_op(p, (uint8_t)(v >> (8 * i)));
}
static void pb_start(pb *p)
{
    p->n = 0;
    pb_op(p, 0x80);
    pb_op(p, 2);
}
static void pb_free(pb *p) { free(p->b); memset(p, 0, sizeof *p); }

enum {
    MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', NONE = 'N', NEWTRUE = 0x88, NEWFALSE = 0x89,
    BININT = 'J', BININT1 = 'K', BININT2 = 'M', LONG1 = 0x8a, LONG4 = 0x8b, BINFLOAT = 'G', BINUNICODE = 'X',
    SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES = 'B', SHORT_BINBYTES = 'C', EMPTY_TUPLE = ')',
    TUPLE = 't', TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87, EMPTY_LIST = ']', APPEND = 'a', APPENDS = 'e',
    LIST = 'l', EMPTY_DICT = '}', DICT = 'd', SETITEM = 's', SETITEMS = 'u', BINGET = 'h', LONG_BINGET = 'j',
    BINPUT = 'q', LONG_BINPUT = 'r', MEMOIZE = 0x94, GLOBAL = 'c', STACK_GLOBAL = 0x93, NEWOBJ = 0x81,
    BUILD = 'b', REDUCE = 'R', BINPERSID = 'Q', FRAME = 0x95, INT = 'I', LONG = 'L', PROTO = 0x80,
};

static void pb_str(pb *p, const char *s)
{
    pb_op(p, BINUNICODE);
    pb_le(p, strlen(s), 4);
    pb_bytes(p, s, strlen(s));
}
static void pb_int(pb *p, int64_t v)
{
    if (v >= 0 && v < 256) {
        pb_op(p, BININT1);
        pb_le(p, (uint64_t)v, 1);
    } else if (v >= 256 && v < 65536) {
        pb_op(p, BININT2);
        pb_le(p, (uint64_t)v, 2);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        pb_op(p, BININT);
        pb_le(p, (uint64_t)v, 4);
    } else {
        pb_op(p, LONG1);
        pb_op(p, 8);
        pb_le(p, (uint64_t)v, 8);
    }
}
static void pb_float(pb *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    pb_op(p, BINFLOAT);
    for (int i = 7; i >= 0; i--)
        pb_op(p, (uint8_t)(u >> (8 * i)));
}
static void pb_global(pb *p, const char *mod, const char *name)
{
    pb_op(p, GLOBAL);
    pb_bytes(p, mod, strlen(mod));
    pb_op(p, '\n');
    pb_bytes(p, name, strlen(name));
    pb_op(p, '\n');
}
static void pb_put(pb *p, uint32_t i)
{
    if (i < 256) {
        pb_op(p, BINPUT);
        pb_le(p, i, 1);
    } else {
        pb_op(p, LONG_BINPUT);
        pb_le(p, i, 4);
    }
}
static void pb_get(pb *p, uint32_t i)
{
    if (i < 256) {
        pb_op(p, BINGET);
        pb_le(p, i, 1);
    } else {
        pb_op(p, LONG_BINGET);
        pb_le(p, i, 4);
    }
}
static void pb_ints_tuple(pb *p, int n, const int64_t *v)
{
    pb_op(p, MARK);
    for (int i = 0; i < n; i++)
        pb_int(p, v[i]);
    pb_op(p, TUPLE);
}

/* A storage persistent id + BINPERSID (+ BINPUT memo if memo >= 0). */
static void pb_storage(pb *p, const char *storage_type, const char *key, int64_t numel, int memo)
{
    pb_op(p, MARK);
    pb_str(p, "storage");
    pb_global(p, "torch", storage_type);
    pb_str(p, key);
    pb_str(p, "cpu");
    pb_int(p, numel);
    pb_op(p, TUPLE);
    pb_op(p, BINPERSID);
    if (memo >= 0)
        pb_put(p, (uint32_t)memo);
}

/* _rebuild_tensor_v2 around a storage emitted by `storage` (a callback-free variant: the
 * caller emits the storage first via pb_storage with memo m, then this does BINGET m). */
static void pb_tensor(pb *p, int storage_memo, int64_t offset, int nd, const int64_t *sizes, const int64_t *strides,
                      const char *meta_key, bool meta_val)
{
    pb_global(p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(p, MARK);
    pb_get(p, (uint32_t)storage_memo);
    pb_int(p, offset);
    pb_ints_tuple(p, nd, sizes);
    pb_ints_tuple(p, nd, strides);
    pb_op(p, NEWFALSE);
    pb_global(p, "collections", "OrderedDict");
    pb_op(p, EMPTY_TUPLE);
    pb_op(p, REDUCE);
    if (meta_key) {
        pb_op(p, EMPTY_DICT);
        if (meta_key[0]) {
            pb_str(p, meta_key);
            pb_op(p, meta_val ? NEWTRUE : NEWFALSE);
            pb_op(p, SETITEM);
        }
    }
    pb_op(p, TUPLE);
    pb_op(p, REDUCE);
}

/* ---- fake loader callbacks ------------------------------------------------------------------ */

typedef struct fake {
    pts_cu *cu;
    int nloads;
    bool cache;       /* return the same storage for the same key */
    bool short_store; /* return a storage one byte too small */
    bool fail_store;
    pts_storage *cached[8];
    char cached_key[8][16];
    int ncached;
    int nset_state;
} fake;

static fake F;

static pts_status f_load_storage(void *ctx, int dtype, const char *key, int64_t numel, pts_storage **out)
{
    fake *f = ctx;
    f->nloads++;
    if (f->fail_store)
        return pts_err_set(PTS_ERR_IO, "cannot read record data/%s", key);
    if (f->cache) {
        for (int i = 0; i < f->ncached; i++) {
            if (strcmp(f->cached_key[i], key) == 0) {
                pts_obj_retain(&f->cached[i]->hdr);
                *out = f->cached[i];
                return PTS_OK;
            }
        }
    }
    size_t nb = (size_t)numel * (size_t)pts_dtype_get(dtype)->itemsize;
    if (f->short_store && nb > 0)
        nb--;
    pts_storage *s = pts_storage_new(nb);
    if (!s)
        return PTS_ERR_NOMEM;
    for (size_t i = 0; i < nb; i++)
        ((uint8_t *)s->data)[i] = (uint8_t)i;
    if (f->cache && f->ncached < 8) {
        pts_obj_retain(&s->hdr);
        f->cached[f->ncached] = s;
        snprintf(f->cached_key[f->ncached++], 16, "%s", key);
    }
    *out = s;
    return PTS_OK;
}

static pts_status f_get_class(void *ctx, const char *qualname, pts_class **out)
{
    fake *f = ctx;
    *out = pts_cu_find_class(f->cu, qualname);
    if (!*out)
        return pts_err_set(PTS_ERR_LOAD, "class '%s' is not defined", qualname);
    return PTS_OK;
}

/* __setstate__ of the fake class S: state is a tuple (x, y). */
static pts_status f_set_state(void *ctx, pts_object *obj, pts_value state)
{
    fake *f = ctx;
    f->nset_state++;
    if (state.tag != PTS_T_TUPLE || PTS_TUPLE(state)->len != obj->nslots)
        return pts_err_set(PTS_ERR_LOAD, "S.__setstate__: bad state");
    for (int64_t i = 0; i < obj->nslots; i++) {
        pts_value_release(obj->slots[i]);
        obj->slots[i] = pts_value_retain(PTS_TUPLE(state)->items[i]);
    }
    return PTS_OK;
}

static void enum_destroy(pts_obj *o)
{
    pts_enum *e = (pts_enum *)o;
    pts_obj_release(&e->name->hdr);
    pts_value_release(e->value);
    pts_free(e);
}

static pts_status f_make_enum(void *ctx, pts_class *cls, pts_value value, pts_value *out)
{
    (void)ctx;
    for (int i = 0; i < cls->nconsts; i++) {
        if (pts_value_key_equal(cls->consts[i].value, value)) {
            pts_enum *e = pts_malloc(sizeof *e);
            if (!e)
                return pts_err_nomem("an enum", sizeof *e);
            e->name = pts_str_from_cstr(cls->consts[i].name);
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
    }
    return pts_err_set(PTS_ERR_LOAD, "%s has no member with that value", cls->qualname);
}

static pts_unpickle_env ENV;

static void reset_env(void)
{
    memset(&ENV, 0, sizeof ENV);
    ENV.ctx = &F;
    ENV.where = "test.pt: data.pkl";
    ENV.file_version = 3;
    ENV.load_storage = f_load_storage;
    ENV.get_class = f_get_class;
    ENV.set_state = f_set_state;
    ENV.make_enum = f_make_enum;
    for (int i = 0; i < F.ncached; i++)
        pts_obj_release(&F.cached[i]->hdr);
    F.ncached = 0;
    F.cache = F.short_store = F.fail_store = false;
    F.nloads = 0;
}

static pts_type *ty(const char *s)
{
    pts_type *t = NULL;
    if (pts_type_parse(s, strlen(s), "test", &t)) {
        printf("bad test type %s: %s\n", s, pts_err_message());
        exit(2);
    }
    return t;
}

static void add_attrs(pts_class *c, const char *const *spec)
{
    for (int i = 0; spec[i]; i += 2)
        if (pts_class_add_attr(c, spec[i], ty(spec[i + 1])))
            exit(2);
}

static void make_classes(void)
{
    pts_class *c;
    F.cu = pts_cu_new();
    static const char *const m_attrs[] = {"a", "int", "t", "Tensor", "l", "List[int]", "training", "bool", NULL};
    SETUP(pts_cu_add_class(F.cu, "__torch__.M", PTS_CLS_MODULE, &c));
    add_attrs(c, m_attrs);
    static const char *const s_attrs[] = {"x", "int", "y", "Tensor", NULL};
    SETUP(pts_cu_add_class(F.cu, "__torch__.foo.S", PTS_CLS_CLASS, &c));
    add_attrs(c, s_attrs);
    SETUP(pts_class_add_method(c, "__setstate__", NULL, 0, NULL));
    SETUP(pts_class_add_method(c, "__getstate__", NULL, 0, NULL));
    SETUP(pts_cu_add_class(F.cu, "__torch__.Color", PTS_CLS_ENUM, &c));
    SETUP(pts_class_add_const(c, "RED", NULL, pts_int(1)));
    SETUP(pts_class_add_const(c, "GREEN", NULL, pts_int(2)));
    static const char *const sub_attrs[] = {"w", "Tensor", "sub", "Optional[__torch__.Sub]", NULL};
    SETUP(pts_cu_add_class(F.cu, "__torch__.Sub", PTS_CLS_MODULE, &c));
    add_attrs(c, sub_attrs);
    static const char *const old_attrs[] = {"l", "List[int]", "d", "Dict[str, List[float]]", "o",
                                            "Optional[List[str]]", "tup", "Tuple[List[int], int]", "e", "List[int]",
                                            NULL};
    SETUP(pts_cu_add_class(F.cu, "__torch__.Old", PTS_CLS_MODULE, &c));
    add_attrs(c, old_attrs);
    SETUP(pts_cu_add_class(F.cu, "__torch__.I", PTS_CLS_INTERFACE, &c));
}

/* ---- running ------------------------------------------------------------------------------- */

static pts_status unp(const pb *p, pts_value *out) { return pts_unpickle(p->b, p->n, &ENV, out); }

/* Finish p with STOP and unpickle; *out: new ref (None on failure). */
static pts_status run_stop(pb *p, pts_value *out)
{
    pb_op(p, STOP);
    return unp(p, out);
}

/* Expect failure with status st and a message containing `sub`. */
static void expect_err(pb *p, pts_status st, const char *sub, int line)
{
    pts_value v;
    pts_status got = unp(p, &v);
    bool ok = got == st && strstr(pts_err_message(), sub) != NULL && v.tag == PTS_T_NONE;
    if (ok) {
        check_npass++;
    } else {
        check_nfail++;
        printf("FAIL line %d: expected %s with \"%s\", got %s: %s\n", line, pts_status_name(st), sub,
               pts_status_name(got), pts_err_message());
    }
    pts_value_release(v);
}
#define EXPECT_ERR(p, st, sub) expect_err((p), (st), (sub), __LINE__)

/* ---- scalars -------------------------------------------------------------------------------- */

static void one_scalar(void (*emit)(pb *), pts_tag tag, int64_t i, double f, int line)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    emit(&p);
    pts_status st = run_stop(&p, &v);
    bool ok = st == PTS_OK && v.tag == tag;
    if (ok && tag == PTS_T_INT)
        ok = v.u.i == i;
    if (ok && tag == PTS_T_BOOL)
        ok = v.u.b == (i != 0);
    if (ok && tag == PTS_T_FLOAT)
        ok = (isnan(f) && isnan(v.u.f)) || (v.u.f == f && signbit(v.u.f) == signbit(f));
    if (ok) {
        check_npass++;
    } else {
        check_nfail++;
        printf("FAIL line %d: scalar: status %d tag %d i %lld f %g: %s\n", line, st, v.tag, (long long)v.u.i,
               v.u.f, pts_err_message());
    }
    pts_value_release(v);
    pb_free(&p);
}

static void e_none(pb *p) { pb_op(p, NONE); }
static void e_true(pb *p) { pb_op(p, NEWTRUE); }
static void e_false(pb *p) { pb_op(p, NEWFALSE); }
static void e_k(pb *p) { pb_bytes(p, "K\xfe", 2); }
static void e_m(pb *p) { pb_bytes(p, "M\x01\x02", 3); }
static void e_j(pb *p) { pb_bytes(p, "J\xfe\xff\xff\xff", 5); }
static void e_long1_8(pb *p) { pb_int(p, INT64_MIN); }
static void e_long1_0(pb *p) { pb_bytes(p, "\x8a\x00", 2); }
static void e_long1_1(pb *p) { pb_bytes(p, "\x8a\x01\xff", 3); }
static void e_long1_3(pb *p) { pb_bytes(p, "\x8a\x03\x00\x00\x80", 5); }
static void e_long1_pos(pb *p) { pb_bytes(p, "\x8a\x02\xff\x00", 4); }
static void e_long4(pb *p) { pb_bytes(p, "\x8b\x02\x00\x00\x00\x00\x01", 7); }
static void e_int_text(pb *p) { pb_bytes(p, "I-42\n", 5); }
static void e_int_true(pb *p) { pb_bytes(p, "I01\n", 4); }
static void e_int_false(pb *p) { pb_bytes(p, "I00\n", 4); }
static void e_int_min(pb *p) { pb_bytes(p, "I-9223372036854775808\n", 22); }
static void e_long_text(pb *p) { pb_bytes(p, "L12345678901L\n", 14); }
static void e_float(pb *p) { pb_float(p, 1.5); }
static void e_negzero(pb *p) { pb_float(p, -0.0); }
static void e_inf(pb *p) { pb_float(p, -INFINITY); }
static void e_nan(pb *p) { pb_float(p, NAN); }

static void test_scalars(void)
{
    one_scalar(e_none, PTS_T_NONE, 0, 0, __LINE__);
    one_scalar(e_true, PTS_T_BOOL, 1, 0, __LINE__);
    one_scalar(e_false, PTS_T_BOOL, 0, 0, __LINE__);
    one_scalar(e_k, PTS_T_INT, 254, 0, __LINE__);
    one_scalar(e_m, PTS_T_INT, 0x0201, 0, __LINE__);
    one_scalar(e_j, PTS_T_INT, -2, 0, __LINE__);
    one_scalar(e_long1_8, PTS_T_INT, INT64_MIN, 0, __LINE__);
    one_scalar(e_long1_0, PTS_T_INT, 0, 0, __LINE__);
    one_scalar(e_long1_1, PTS_T_INT, -1, 0, __LINE__);
    one_scalar(e_long1_3, PTS_T_INT, -8388608, 0, __LINE__);
    one_scalar(e_long1_pos, PTS_T_INT, 255, 0, __LINE__);
    one_scalar(e_long4, PTS_T_INT, 256, 0, __LINE__);
    one_scalar(e_int_text, PTS_T_INT, -42, 0, __LINE__);
    one_scalar(e_int_true, PTS_T_BOOL, 1, 0, __LINE__);
    one_scalar(e_int_false, PTS_T_BOOL, 0, 0, __LINE__);
    one_scalar(e_int_min, PTS_T_INT, INT64_MIN, 0, __LINE__);
    one_scalar(e_long_text, PTS_T_INT, 12345678901LL, 0, __LINE__);
    one_scalar(e_float, PTS_T_FLOAT, 0, 1.5, __LINE__);
    one_scalar(e_negzero, PTS_T_FLOAT, 0, -0.0, __LINE__);
    one_scalar(e_inf, PTS_T_FLOAT, 0, -INFINITY, __LINE__);
    one_scalar(e_nan, PTS_T_FLOAT, 0, NAN, __LINE__);

    pb p = {0};
    pb_start(&p);
    pb_bytes(&p, "\x8a\x09" "123456789.", 12);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "integer too large");
    pb_start(&p);
    pb_bytes(&p, "\x8b\xff\xff\xff\xff.", 6);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "integer too large");
    pb_start(&p);
    pb_bytes(&p, "I9223372036854775808\n.", 22);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "integer too large");
    pb_start(&p);
    pb_bytes(&p, "I12x\n.", 6);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad decimal");
    pb_start(&p);
    pb_bytes(&p, "I\n.", 3);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad decimal");
    pb_free(&p);
}

static void test_strings(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    pb_str(&p, "héllo");
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_STR && strcmp(PTS_STR(v)->data, "héllo") == 0, "BINUNICODE");
    pts_value_release(v);
    pb_start(&p);
    pb_bytes(&p, "\x8c\x03" "abc", 5);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_STR && PTS_STR(v)->len == 3, "SHORT_BINUNICODE");
    pts_value_release(v);
    pb_start(&p);
    pb_op(&p, BINUNICODE8);
    pb_le(&p, 4, 8);
    pb_bytes(&p, "a\0bc", 4);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_STR && PTS_STR(v)->len == 4 && PTS_STR(v)->data[2] == 'b',
          "BINUNICODE8 with NUL");
    pts_value_release(v);
    pb_start(&p);
    pb_bytes(&p, "B\x01\x00\x00\x00x.", 7);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 2: BINBYTES: bytes objects are not TorchScript values");
    pb_start(&p);
    pb_bytes(&p, "C\x01x.", 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "SHORT_BINBYTES: bytes");
    /* huge lengths against a short input */
    pb_start(&p);
    pb_bytes(&p, "X\xff\xff\xff\xff" "abc.", 9);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "unexpected end of data");
    pb_start(&p);
    pb_op(&p, BINUNICODE8);
    pb_le(&p, UINT64_MAX, 8);
    pb_bytes(&p, "abc.", 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "unexpected end of data");
    pb_free(&p);
}

/* ---- containers ----------------------------------------------------------------------------------- */

static void test_tuples(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    pb_op(&p, MARK);
    pb_op(&p, EMPTY_TUPLE);
    pb_int(&p, 1);
    pb_op(&p, TUPLE1);
    pb_int(&p, 1);
    pb_int(&p, 2);
    pb_op(&p, TUPLE2);
    pb_int(&p, 1);
    pb_int(&p, 2);
    pb_int(&p, 3);
    pb_op(&p, TUPLE3);
    pb_op(&p, MARK);
    pb_op(&p, TUPLE);
    pb_op(&p, MARK);
    for (int i = 0; i < 5; i++)
        pb_int(&p, i * 1000);
    pb_op(&p, TUPLE);
    pb_op(&p, TUPLE);
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 6, "tuple of tuples");
    if (st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 6) {
        pts_tuple *t = PTS_TUPLE(v);
        int64_t want[6] = {0, 1, 2, 3, 0, 5};
        for (int i = 0; i < 6; i++)
            CHECK(t->items[i].tag == PTS_T_TUPLE && PTS_TUPLE(t->items[i])->len == want[i], "tuple %d length", i);
        CHECK(PTS_TUPLE(t->items[3])->items[2].u.i == 3, "TUPLE3 order");
        CHECK(PTS_TUPLE(t->items[5])->items[4].u.i == 4000, "TUPLE order");
        CHECK(v.u.o->flags == 0 && t->items[3].u.o->flags == 0, "flags cleared");
    }
    pts_value_release(v);
    pb_free(&p);
}

static void test_lists_dicts(void)
{
    pb p = {0};
    pts_value v;
    /* [1, [2, 3], [4]] via APPEND, APPENDS, LIST */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_op(&p, APPEND);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_int(&p, 2);
    pb_int(&p, 3);
    pb_op(&p, APPENDS);
    pb_op(&p, APPEND);
    pb_op(&p, MARK);
    pb_int(&p, 4);
    pb_op(&p, LIST);
    pb_op(&p, APPEND);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_op(&p, APPENDS); /* empty APPENDS */
    pb_op(&p, POP);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_LIST && PTS_LIST(v)->len == 3, "lists");
    if (v.tag == PTS_T_LIST && PTS_LIST(v)->len == 3) {
        pts_list *l = PTS_LIST(v);
        CHECK(l->items[0].u.i == 1 && l->items[1].tag == PTS_T_LIST && PTS_LIST(l->items[1])->len == 2 &&
                  PTS_LIST(l->items[1])->items[1].u.i == 3 && PTS_LIST(l->items[2])->items[0].u.i == 4,
              "list contents");
        CHECK(l->elem == NULL, "untyped list");
    }
    pts_value_release(v);

    /* {"b": 1, "a": 2, 3: {"x": None}} via SETITEM, SETITEMS, DICT; duplicate key overwrites */
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_str(&p, "b");
    pb_int(&p, 9);
    pb_op(&p, SETITEM);
    pb_op(&p, MARK);
    pb_str(&p, "a");
    pb_int(&p, 2);
    pb_str(&p, "b");
    pb_int(&p, 1);
    pb_int(&p, 3);
    pb_op(&p, MARK);
    pb_str(&p, "x");
    pb_op(&p, NONE);
    pb_op(&p, DICT);
    pb_op(&p, SETITEMS);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_DICT && PTS_DICT(v)->len == 3, "dicts");
    if (v.tag == PTS_T_DICT && PTS_DICT(v)->len == 3) {
        pts_dict *d = PTS_DICT(v);
        CHECK(pts_dict_get_str(d, "b")->u.i == 1 && pts_dict_get_str(d, "a")->u.i == 2, "dict values");
        CHECK(d->entries[0].key.tag == PTS_T_STR && PTS_STR(d->entries[0].key)->data[0] == 'b' &&
                  d->entries[2].key.tag == PTS_T_INT,
              "dict insertion order");
        pts_value *in = pts_dict_get(d, pts_int(3));
        CHECK(in && in->tag == PTS_T_DICT && pts_dict_get_str(PTS_DICT(*in), "x")->tag == PTS_T_NONE, "nested dict");
    }
    pts_value_release(v);

    /* float keys far outside the int64 range, NaN, and 2.0 == 2 */
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_float(&p, 4.2e175);
    pb_int(&p, 1);
    pb_float(&p, NAN);
    pb_int(&p, 2);
    pb_float(&p, -INFINITY);
    pb_int(&p, 3);
    pb_float(&p, 2.0);
    pb_int(&p, 4);
    pb_int(&p, 2);
    pb_int(&p, 5);
    pb_op(&p, SETITEMS);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_DICT && PTS_DICT(v)->len == 4 &&
              pts_dict_get(PTS_DICT(v), pts_float(2.0))->u.i == 5,
          "float dict keys");
    pts_value_release(v);

    /* errors */
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_int(&p, 1);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 5: APPEND: target is Dict of 0, expected a List");
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_op(&p, APPENDS);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "APPENDS: target is Dict");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_int(&p, 1);
    pb_op(&p, SETITEMS);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "SETITEMS: target is List");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_int(&p, 1);
    pb_op(&p, SETITEM);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "SETITEM: target is List");
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_op(&p, SETITEMS);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "odd number of values");
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_op(&p, SETITEM);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "cannot be a dict key");
    pb_start(&p);
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_op(&p, APPENDS);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "no List below the MARK");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_op(&p, MARK);
    pb_op(&p, APPENDS); /* the list is below an older mark */
    EXPECT_ERR(&p, PTS_ERR_LOAD, "no List below the MARK");
    pb_start(&p);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "APPEND: stack underflow");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "stack underflow: needs 2 values, 0 above the last MARK");
    pb_start(&p);
    pb_op(&p, TUPLE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "TUPLE: no MARK to match");
    pb_start(&p);
    pb_op(&p, TUPLE2);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "TUPLE2: stack underflow");
    pb_start(&p);
    pb_op(&p, DICT);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "DICT: no MARK");
    pb_free(&p);
}

static void test_stack_ops(void)
{
    pb p = {0};
    pts_value v;
    /* POP, POP of an empty mark, POP_MARK, DUP, FRAME */
    pb_start(&p);
    pb_op(&p, FRAME);
    pb_le(&p, 3, 8);
    pb_int(&p, 7);
    pb_int(&p, 8);
    pb_op(&p, POP);
    pb_op(&p, MARK);
    pb_op(&p, POP); /* drops the mark */
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_int(&p, 2);
    pb_op(&p, POP_MARK);
    pb_op(&p, DUP);
    pb_op(&p, TUPLE2);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 2 &&
              PTS_TUPLE(v)->items[0].u.i == 7 && PTS_TUPLE(v)->items[1].u.i == 7,
          "POP / POP_MARK / DUP / FRAME");
    pts_value_release(v);
    pb_start(&p);
    pb_op(&p, POP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "POP: stack underflow");
    pb_start(&p);
    pb_op(&p, POP_MARK);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "POP_MARK: no MARK");
    pb_start(&p);
    pb_op(&p, DUP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "DUP: stack underflow");
    pb_start(&p);
    pb_op(&p, FRAME);
    pb_le(&p, 1000, 8);
    pb_op(&p, NONE);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "FRAME: unexpected end of data");
    pb_start(&p);
    pb_int(&p, 1);
    pb_int(&p, 2);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "STOP: expected exactly one value on the stack, found 2");
    pb_start(&p);
    pb_op(&p, MARK);
    pb_int(&p, 2);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "1 open MARKs");
    pb_start(&p);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "found 0");
    pb_free(&p);
}

static void test_memo(void)
{
    pb p = {0};
    pts_value v;
    /* strings memoized and shared; LONG_BINPUT/LONG_BINGET; MEMOIZE */
    pb_start(&p);
    pb_op(&p, MARK);
    pb_str(&p, "key");
    pb_put(&p, 0);
    pb_get(&p, 0);
    pb_op(&p, EMPTY_LIST);
    pb_put(&p, 300);
    pb_get(&p, 300);
    pb_op(&p, MEMOIZE); /* memo[301] */
    pb_op(&p, POP);
    pb_get(&p, 301);
    pb_op(&p, TUPLE);
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 4, "memo");
    if (st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 4) {
        pts_value *it = PTS_TUPLE(v)->items;
        CHECK(it[0].tag == PTS_T_STR && it[0].u.o == it[1].u.o, "memoized string is the same object");
        CHECK(it[2].tag == PTS_T_LIST && it[2].u.o == it[3].u.o, "memoized list is the same object");
    }
    pts_value_release(v);
    pb_start(&p);
    pb_get(&p, 3);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "BINGET: memo entry 3 is not set");
    pb_start(&p);
    pb_int(&p, 1);
    pb_put(&p, 5);
    pb_get(&p, 4); /* a hole */
    EXPECT_ERR(&p, PTS_ERR_LOAD, "memo entry 4 is not set");
    pb_start(&p);
    pb_op(&p, LONG_BINGET);
    pb_le(&p, 0xffffffffu, 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "LONG_BINGET: memo entry 4294967295 is not set");
    pb_start(&p);
    pb_int(&p, 1);
    pb_op(&p, LONG_BINPUT);
    pb_le(&p, 0xfffffff0u, 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "LONG_BINPUT: memo index 4294967280 is implausibly large");
    pb_start(&p);
    pb_put(&p, 0);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "BINPUT: stack underflow");
    pb_start(&p);
    pb_int(&p, 1);
    pb_put(&p, 0);
    pb_int(&p, 2);
    pb_put(&p, 0); /* overwrite */
    pb_op(&p, POP);
    pb_op(&p, POP);
    pb_get(&p, 0);
    CHECK(run_stop(&p, &v) == PTS_OK && v.tag == PTS_T_INT && v.u.i == 2, "memo overwrite");
    pb_free(&p);
}

/* ---- globals -------------------------------------------------------------------------------- */

static void test_forbidden(void)
{
    static const char *const bad[][2] = {
        {"os", "system"}, {"builtins", "eval"}, {"posix", "system"}, {"__builtin__", "getattr"},
        {"torch.distributed.rpc", "rref"}, {"torch._tensor", "_rebuild_from_type_v2"}, {"torch", "Tensor"},
        {"torch", "load"}, {"subprocess", "Popen"}, {"torch.jit._pickle", "build_tensor_from_id"},
        {"__main__", "TensorID"}, {"__torchx__", "M"}, {"collections", "defaultdict"}, {"torch._utils", "x"},
    };
    pb p = {0};
    char want[200];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pb_start(&p);
        pb_global(&p, bad[i][0], bad[i][1]);
        pb_op(&p, STOP);
        snprintf(want, sizeof want, "test.pt: data.pkl: offset 2: GLOBAL: forbidden global '%s.%s'", bad[i][0],
                 bad[i][1]);
        EXPECT_ERR(&p, PTS_ERR_LOAD, want);
    }
    /* STACK_GLOBAL is held to the same list */
    pb_start(&p);
    pb_str(&p, "os");
    pb_str(&p, "system");
    pb_op(&p, STACK_GLOBAL);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "STACK_GLOBAL: forbidden global 'os.system'");
    pb_start(&p);
    pb_str(&p, "os");
    pb_int(&p, 1);
    pb_op(&p, STACK_GLOBAL);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "module and name must be strings");
    /* names that are not identifiers */
    pb_start(&p);
    pb_global(&p, "os system", "x");
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad GLOBAL name");
    pb_start(&p);
    pb_str(&p, "o\x01s");
    pb_str(&p, "system");
    pb_op(&p, STACK_GLOBAL);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad GLOBAL name");
    pb_start(&p);
    pb_bytes(&p, "c\n\n.", 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad GLOBAL name");
    pb_start(&p);
    pb_bytes(&p, "cos", 3);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "unexpected end of data in a text line");
    pb_start(&p);
    pb_op(&p, GLOBAL);
    for (int i = 0; i < 2000; i++)
        pb_op(&p, 'a');
    pb_bytes(&p, "\nb\n.", 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "text line longer than 1024 bytes");
    /* unknown __torch__ class: the resolver's error, with the place */
    pb_start(&p);
    pb_global(&p, "__torch__.nope", "X");
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 2: GLOBAL: class '__torch__.nope.X' is not defined");
    /* TorchBind classes, quantized / sparse */
    pb_start(&p);
    pb_global(&p, "__torch__.torch.classes.quantized", "LinearPackedParamsBase");
    EXPECT_ERR(&p, PTS_ERR_UNSUPPORTED,
               "GLOBAL: TorchBind class '__torch__.torch.classes.quantized.LinearPackedParamsBase' is not supported");
    pb_start(&p);
    pb_global(&p, "torch._utils", "_rebuild_qtensor");
    EXPECT_ERR(&p, PTS_ERR_UNSUPPORTED, "quantized tensors are not supported yet");
    pb_start(&p);
    pb_global(&p, "torch._utils", "_rebuild_sparse_tensor");
    EXPECT_ERR(&p, PTS_ERR_UNSUPPORTED, "sparse tensors are not supported yet");
    /* storages and qschemes are ints */
    pb_start(&p);
    pb_global(&p, "torch", "NopeStorage");
    EXPECT_ERR(&p, PTS_ERR_LOAD, "unknown storage type 'torch.NopeStorage'");
    pb_free(&p);
}

static void test_simple_globals(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    pb_op(&p, MARK);
    pb_global(&p, "torch", "FloatStorage");
    pb_global(&p, "torch", "BFloat16Storage");
    pb_global(&p, "torch", "UInt64Storage");
    pb_global(&p, "torch", "per_channel_affine");
    pb_global(&p, "torch", "per_channel_affine_float_qparams");
    pb_str(&p, "torch");
    pb_str(&p, "LongStorage");
    pb_op(&p, STACK_GLOBAL);
    pb_op(&p, TUPLE);
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 6, "storage/qscheme ints");
    if (!st && PTS_TUPLE(v)->len == 6) {
        int64_t want[6] = {6, 15, 29, 1, 4, 4};
        for (int i = 0; i < 6; i++)
            CHECK(PTS_TUPLE(v)->items[i].tag == PTS_T_INT && PTS_TUPLE(v)->items[i].u.i == want[i], "int %d", i);
    }
    pts_value_release(v);

    /* devices */
    static const struct {
        const char *s;
        int type, index;
    } devs[] = {{"cpu", 0, -1}, {"cuda", 1, -1}, {"cuda:1", 1, 1}, {"cuda:0", 1, 0}, {"meta", 14, -1},
                {"mps", 13, -1}, {"xpu:12", 12, 12}, {"cpu:0", 0, 0}};
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        pb_start(&p);
        pb_global(&p, "torch", "device");
        pb_str(&p, devs[i].s);
        pb_op(&p, TUPLE1);
        pb_op(&p, REDUCE);
        st = run_stop(&p, &v);
        CHECK(st == PTS_OK && v.tag == PTS_T_DEVICE && v.u.dev.type == devs[i].type &&
                  v.u.dev.index == devs[i].index,
              "device %s", devs[i].s);
    }
    static const char *const bad_devs[] = {"tpu", "cuda:", "cuda:x", "cuda:01", "cuda:-1", "", "cuda:99999", ":1",
                                           "CPU"};
    for (size_t i = 0; i < sizeof bad_devs / sizeof bad_devs[0]; i++) {
        pb_start(&p);
        pb_global(&p, "torch", "device");
        pb_str(&p, bad_devs[i]);
        pb_op(&p, TUPLE1);
        pb_op(&p, REDUCE);
        pb_op(&p, STOP);
        EXPECT_ERR(&p, PTS_ERR_LOAD, "REDUCE: torch.device: invalid device string");
    }
    pb_start(&p);
    pb_global(&p, "torch", "device");
    pb_int(&p, 0);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "torch.device: expected a device string");

    /* complex */
    pb_start(&p);
    pb_global(&p, "builtins", "complex");
    pb_float(&p, 1.0);
    pb_int(&p, -2);
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_COMPLEX && v.u.c[0] == 1.0 && v.u.c[1] == -2.0, "complex");
    pb_start(&p);
    pb_global(&p, "builtins", "complex");
    pb_str(&p, "1");
    pb_float(&p, 1.0);
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "complex: expected two numbers");
    pb_start(&p);
    pb_global(&p, "builtins", "complex");
    pb_float(&p, 1.0);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "complex: expected a tuple of 2 arguments, got Tuple of 1");

    /* OrderedDict() -> None */
    pb_start(&p);
    pb_global(&p, "collections", "OrderedDict");
    pb_put(&p, 0);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, REDUCE);
    st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_NONE, "OrderedDict");

    /* calling what is not callable */
    pb_start(&p);
    pb_int(&p, 1);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "REDUCE: REDUCE: expected a GLOBAL to call, got int 1");
    pb_start(&p);
    pb_global(&p, "torch", "FloatStorage");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "expected a GLOBAL to call, got int 6");
    pb_start(&p);
    pb_str(&p, "os.system");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "expected a GLOBAL to call, got str");
    pb_start(&p);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "REDUCE: stack underflow");
    /* a callable may not escape */
    pb_start(&p);
    pb_global(&p, "builtins", "complex");
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "STOP: the result is a GLOBAL (callable)");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_global(&p, "builtins", "complex");
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "a GLOBAL (callable) cannot be stored in a list");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_global(&p, "builtins", "complex");
    pb_op(&p, TUPLE1);
    pb_op(&p, TUPLE1);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "Tuple of 1 cannot be stored in a list");
    pb_free(&p);
}

static void check_type(pts_type *t, const char *want, const char *what)
{
    char buf[200];
    pts_type_str(t, buf, sizeof buf);
    CHECK(t && strcmp(buf, want) == 0, "%s: type %s, want %s", what, buf, want);
}

static void test_typed_lists(void)
{
    static const struct {
        const char *fn;
        void (*emit)(pb *);
        const char *type;
    } cases[] = {
        {"build_intlist", e_k, "int"},         {"build_doublelist", e_float, "float"},
        {"build_boollist", e_true, "bool"},    {"build_tensorlist", NULL, "Tensor"},
        {"build_complexlist", NULL, "complex"},
    };
    pb p = {0};
    pts_value v;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_start(&p);
        pb_global(&p, "torch.jit._pickle", cases[i].fn);
        pb_op(&p, MARK);
        pb_op(&p, EMPTY_LIST);
        pb_op(&p, MARK);
        if (cases[i].emit) {
            cases[i].emit(&p);
            cases[i].emit(&p);
        }
        pb_op(&p, APPENDS);
        pb_op(&p, TUPLE);
        pb_op(&p, REDUCE);
        pts_status st = run_stop(&p, &v);
        CHECK(st == PTS_OK && v.tag == PTS_T_LIST && PTS_LIST(v)->len == (cases[i].emit ? 2 : 0), "%s", cases[i].fn);
        if (!st && v.tag == PTS_T_LIST)
            check_type(PTS_LIST(v)->elem, cases[i].type, cases[i].fn);
        pts_value_release(v);
    }
    /* complex list with an element, tensor list with a tensor */
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "build_complexlist");
    pb_op(&p, EMPTY_LIST);
    pb_global(&p, "builtins", "complex");
    pb_float(&p, 1);
    pb_float(&p, 2);
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    pb_op(&p, APPEND);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    CHECK(run_stop(&p, &v) == PTS_OK && PTS_LIST(v)->len == 1 && PTS_LIST(v)->items[0].tag == PTS_T_COMPLEX,
          "complex list");
    pts_value_release(v);
    /* wrong element types */
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "build_intlist");
    pb_op(&p, EMPTY_LIST);
    pb_float(&p, 1.0);
    pb_op(&p, APPEND);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "build_intlist: wrong element type, got float 1");
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "build_tensorlist");
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_op(&p, APPEND);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "build_tensorlist: wrong element type");
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "build_boollist");
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, TUPLE1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "build_boollist: expected a list, got Dict");
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "build_boollist");
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "build_boollist: expected a tuple of 1 arguments, got List");
    pb_free(&p);
}

static void test_type_tags(void)
{
    pb p = {0};
    pts_value v;
    /* {"x": {1: ["q"]}} tagged Dict[str, Dict[int, List[str]]], as torch writes it */
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "restore_type_tag");
    pb_put(&p, 0);
    pb_op(&p, POP);
    pb_get(&p, 0);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_str(&p, "x");
    pb_get(&p, 0);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_int(&p, 1);
    pb_get(&p, 0);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_str(&p, "q");
    pb_op(&p, APPENDS);
    pb_str(&p, "List[str]");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    pb_op(&p, SETITEMS);
    pb_str(&p, "Dict[int, List[str]]");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    pb_op(&p, SETITEMS);
    pb_str(&p, "Dict[str, Dict[int, List[str]]]");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_DICT, "restore_type_tag nested");
    if (!st && v.tag == PTS_T_DICT) {
        pts_dict *d = PTS_DICT(v);
        check_type(d->key_type, "str", "outer key");
        check_type(d->val_type, "Dict[int, List[str]]", "outer value");
        pts_value *in = pts_dict_get_str(d, "x");
        CHECK(in && in->tag == PTS_T_DICT, "inner dict");
        if (in && in->tag == PTS_T_DICT) {
            check_type(PTS_DICT(*in)->key_type, "int", "inner key");
            pts_value *l = pts_dict_get(PTS_DICT(*in), pts_int(1));
            CHECK(l && l->tag == PTS_T_LIST, "inner list");
            if (l && l->tag == PTS_T_LIST)
                check_type(PTS_LIST(*l)->elem, "str", "inner list elem");
        }
    }
    pts_value_release(v);
    /* class types in tags stay unresolved names */
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "restore_type_tag");
    pb_op(&p, EMPTY_LIST);
    pb_str(&p, "List[Optional[__torch__.foo.S]]");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_LIST, "class type tag");
    if (!st)
        check_type(PTS_LIST(v)->elem, "Optional[__torch__.foo.S]", "class elem");
    pts_value_release(v);
    /* mismatches */
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "restore_type_tag");
    pb_op(&p, EMPTY_DICT);
    pb_str(&p, "List[int]");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "restore_type_tag: type \"List[int]\" does not fit Dict of 0");
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "restore_type_tag");
    pb_op(&p, EMPTY_LIST);
    pb_str(&p, "List[int");
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "bad type string");
    pb_start(&p);
    pb_global(&p, "torch.jit._pickle", "restore_type_tag");
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 3);
    pb_op(&p, TUPLE2);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "argument 2 must be a type string");
    pb_free(&p);
}

/* ---- objects and enums ---------------------------------------------------------------------------- */

/* GLOBAL __torch__ M; ); NEWOBJ; {a: 5, t: <tensor>, l: [1], training: True}; BUILD */
static void emit_m(pb *p, const char *extra_attr, bool skip_training)
{
    pb_global(p, "__torch__", "M");
    pb_op(p, EMPTY_TUPLE);
    pb_op(p, NEWOBJ);
    pb_op(p, EMPTY_DICT);
    pb_op(p, MARK);
    pb_str(p, "a");
    pb_int(p, 5);
    pb_str(p, "t");
    pb_storage(p, "FloatStorage", "0", 6, 50);
    pb_op(p, POP);
    int64_t sz[2] = {2, 3}, strd[2] = {3, 1};
    pb_tensor(p, 50, 0, 2, sz, strd, NULL, false);
    pb_str(p, "l");
    pb_global(p, "torch.jit._pickle", "build_intlist");
    pb_op(p, EMPTY_LIST);
    pb_int(p, 1);
    pb_op(p, APPEND);
    pb_op(p, TUPLE1);
    pb_op(p, REDUCE);
    if (!skip_training) {
        pb_str(p, "training");
        pb_op(p, NEWTRUE);
    }
    if (extra_attr) {
        pb_str(p, extra_attr);
        pb_op(p, NONE);
    }
    pb_op(p, SETITEMS);
    pb_op(p, BUILD);
}

static void test_objects(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    emit_m(&p, NULL, false);
    pb_put(&p, 60);
    pb_get(&p, 60);
    pb_op(&p, TUPLE2);
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE, "object");
    if (!st) {
        pts_value o = PTS_TUPLE(v)->items[0];
        CHECK(o.tag == PTS_T_OBJECT && o.u.o == PTS_TUPLE(v)->items[1].u.o, "memoized object is the same");
        pts_object *ob = PTS_OBJECT(o);
        CHECK(ob->nslots == 4 && ob->slots[0].u.i == 5 && ob->slots[1].tag == PTS_T_TENSOR &&
                  ob->slots[2].tag == PTS_T_LIST && ob->slots[3].tag == PTS_T_BOOL && ob->slots[3].u.b,
              "object slots");
        CHECK(ob->hdr.flags == 0, "object flags cleared");
        CHECK(strcmp(ob->cls->qualname, "__torch__.M") == 0, "object class");
    }
    pts_value_release(v);
    pb_start(&p);
    emit_m(&p, "bogus", false);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "BUILD: class '__torch__.M' has no attribute 'bogus'");
    pb_start(&p);
    emit_m(&p, NULL, true);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "attribute 'training' of class '__torch__.M' is missing from the pickled state");
    /* BUILD twice */
    pb_start(&p);
    emit_m(&p, NULL, false);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "is built twice");
    /* BUILD on a non-object, NEWOBJ misuse */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "BUILD: BUILD: expected an object (from NEWOBJ), got List of 0");
    pb_start(&p);
    pb_global(&p, "__torch__", "M");
    pb_int(&p, 1);
    pb_op(&p, TUPLE1);
    pb_op(&p, NEWOBJ);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "NEWOBJ: NEWOBJ: expected an empty argument tuple");
    pb_start(&p);
    pb_global(&p, "builtins", "complex");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "NEWOBJ: expected a __torch__ class");
    pb_start(&p);
    pb_global(&p, "__torch__", "Color");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "class '__torch__.Color' cannot be instantiated");
    pb_start(&p);
    pb_global(&p, "__torch__", "I");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "cannot be instantiated");
    pb_start(&p);
    pb_global(&p, "__torch__", "M");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "class '__torch__.M' is not an enum");
    pb_start(&p);
    pb_global(&p, "__torch__", "M");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "state must be a dict of attributes");
    pb_start(&p);
    pb_global(&p, "__torch__", "M");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_op(&p, EMPTY_DICT);
    pb_int(&p, 1);
    pb_int(&p, 1);
    pb_op(&p, SETITEM);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "state keys must be attribute names");
    /* an object cannot contain itself: NEWOBJ; BINPUT; {sub: BINGET}; BUILD */
    pb_start(&p);
    pb_global(&p, "__torch__", "Sub");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_put(&p, 0);
    pb_op(&p, EMPTY_DICT);
    pb_str(&p, "sub");
    pb_get(&p, 0);
    pb_op(&p, SETITEM);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "cannot modify the object: it is already inside another container");
    pb_start(&p);
    pb_global(&p, "__torch__", "Sub");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_op(&p, DUP);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "state must be a dict");
    pb_free(&p);
}

static void test_setstate_enum(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    pb_global(&p, "__torch__.foo", "S");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_int(&p, 7);
    pb_storage(&p, "LongStorage", "k", 1, 0);
    pb_op(&p, POP);
    int64_t none[1] = {0};
    pb_tensor(&p, 0, 0, 0, none, none, NULL, false);
    pb_op(&p, TUPLE2);
    pb_op(&p, BUILD);
    F.nset_state = 0;
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_OBJECT && F.nset_state == 1, "__setstate__ object");
    if (!st) {
        pts_object *ob = PTS_OBJECT(v);
        CHECK(ob->slots[0].u.i == 7 && ob->slots[1].tag == PTS_T_TENSOR && PTS_TENSOR(ob->slots[1])->ndim == 0 &&
                  PTS_TENSOR(ob->slots[1])->dtype == PTS_INT64,
              "__setstate__ slots");
    }
    pts_value_release(v);
    ENV.set_state = NULL;
    EXPECT_ERR(&p, PTS_ERR_LOAD, "has __setstate__, but no set_state callback");
    reset_env();
    /* state holding a storage is refused before the callback */
    pb_start(&p);
    pb_global(&p, "__torch__.foo", "S");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_storage(&p, "LongStorage", "k", 1, -1);
    pb_op(&p, BUILD);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "a storage cannot be stored in an object's state");

    /* enum: GLOBAL __torch__ Color; K 2; REDUCE */
    pb_start(&p);
    pb_global(&p, "__torch__", "Color");
    pb_put(&p, 0);
    pb_int(&p, 2);
    pb_op(&p, REDUCE);
    pb_get(&p, 0);
    pb_int(&p, 1);
    pb_op(&p, REDUCE);
    pb_op(&p, TUPLE2);
    st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE, "enum");
    if (!st) {
        pts_value e = PTS_TUPLE(v)->items[0];
        CHECK(e.tag == PTS_T_ENUM && strcmp(((pts_enum *)e.u.o)->name->data, "GREEN") == 0, "enum member GREEN");
        e = PTS_TUPLE(v)->items[1];
        CHECK(e.tag == PTS_T_ENUM && strcmp(((pts_enum *)e.u.o)->name->data, "RED") == 0, "enum member RED");
    }
    pts_value_release(v);
    pb_start(&p);
    pb_global(&p, "__torch__", "Color");
    pb_int(&p, 3);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "REDUCE: __torch__.Color has no member with that value");
    pb_start(&p);
    pb_global(&p, "__torch__", "Color");
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "an enum value must be an int, float or str, got List");
    ENV.make_enum = NULL;
    pb_start(&p);
    pb_global(&p, "__torch__", "Color");
    pb_int(&p, 1);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "no enum constructor");
    ENV.get_class = NULL;
    EXPECT_ERR(&p, PTS_ERR_LOAD, "no class resolver");
    reset_env();
    pb_free(&p);
}

/* ---- tensors --------------------------------------------------------------------------------- */

static void test_tensors(void)
{
    pb p = {0};
    pts_value v;
    int64_t sz[2] = {2, 3}, st2[2] = {3, 1}, szt[2] = {3, 2}, stt[2] = {1, 3}, s1[1] = {4}, one[1] = {1};
    /* base, transposed view over the same storage, tied tensor via BINGET, 7-arg with metadata,
     * a second storage of another dtype */
    pb_start(&p);
    pb_op(&p, MARK);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_tensor(&p, 0, 0, 2, sz, st2, NULL, false);
    pb_put(&p, 1);
    pb_tensor(&p, 0, 0, 2, szt, stt, NULL, false);
    pb_get(&p, 1);
    pb_tensor(&p, 0, 2, 1, s1, one, "", false);
    pb_tensor(&p, 0, 1, 1, s1, one, "conj", false);
    pb_tensor(&p, 0, 0, 1, s1, one, "some_future_key", true);
    pb_storage(&p, "DoubleStorage", "1", 2, 2);
    pb_op(&p, POP);
    int64_t s2[1] = {2};
    pb_tensor(&p, 2, 0, 1, s2, one, NULL, false);
    pb_op(&p, TUPLE);
    F.nloads = 0;
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 7, "tensors");
    if (!st && PTS_TUPLE(v)->len == 7) {
        pts_value *it = PTS_TUPLE(v)->items;
        for (int i = 0; i < 7; i++)
            CHECK(it[i].tag == PTS_T_TENSOR, "tensor %d", i);
        pts_tensor *a = PTS_TENSOR(it[0]), *b = PTS_TENSOR(it[1]), *c = PTS_TENSOR(it[3]), *d = PTS_TENSOR(it[6]);
        CHECK(a->storage == b->storage && a->storage == c->storage, "shared storage");
        CHECK(it[0].u.o == it[2].u.o, "tied tensor is the same object");
        CHECK(a->dtype == PTS_FLOAT32 && a->ndim == 2 && a->sizes[1] == 3 && a->strides[0] == 3, "base view");
        CHECK(b->sizes[0] == 3 && b->strides[1] == 3, "transposed view");
        CHECK(c->offset == 2 && ((float *)pts_tensor_data(c) == (float *)a->storage->data + 2), "offset view");
        CHECK(d->dtype == PTS_FLOAT64 && d->storage != a->storage && d->storage->nbytes == 16, "second storage");
        CHECK(F.nloads == 2, "load_storage called once per storage (%d)", F.nloads);
        CHECK(PTS_UNPICKLE_STORAGE_DTYPE(a->storage) == PTS_FLOAT32, "storage dtype recorded");
        CHECK(!a->requires_grad, "requires_grad");
    }
    pts_value_release(v);

    /* errors */
    static const struct {
        const char *meta;
        bool val;
        pts_status st;
        const char *msg;
    } metas[] = {
        {"conj", true, PTS_ERR_UNSUPPORTED, "tensors with the conj bit set are not supported"},
        {"neg", true, PTS_ERR_UNSUPPORTED, "tensors with the neg bit set are not supported"},
    };
    for (size_t i = 0; i < 2; i++) {
        pb_start(&p);
        pb_storage(&p, "FloatStorage", "0", 6, 0);
        pb_op(&p, POP);
        pb_tensor(&p, 0, 0, 1, s1, one, metas[i].meta, metas[i].val);
        pb_op(&p, STOP);
        EXPECT_ERR(&p, metas[i].st, metas[i].msg);
    }
    struct {
        int64_t off;
        int nd;
        int64_t sz[2], st[2];
        const char *msg;
    } views[] = {
        {0, 2, {2, 4}, {4, 1}, "needs 32 bytes but its storage has 24"},
        {3, 1, {4, 0}, {1, 0}, "needs 28 bytes"},
        {-1, 1, {1, 0}, {1, 0}, "negative storage offset"},
        {0, 1, {-1, 0}, {1, 0}, "negative size"},
        {0, 1, {1, 0}, {-1, 0}, "negative stride"},
        {0, 2, {INT64_MAX, 2}, {1, 1}, "overflows"},
        {0, 1, {2, 0}, {INT64_MAX, 0}, "overflows"},
    };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        pb_start(&p);
        pb_storage(&p, "FloatStorage", "0", 6, 0);
        pb_op(&p, POP);
        pb_tensor(&p, 0, views[i].off, views[i].nd, views[i].sz, views[i].st, NULL, false);
        pb_op(&p, STOP);
        EXPECT_ERR(&p, PTS_ERR_LOAD, views[i].msg);
    }
    /* an empty tensor over an empty storage is fine, even with a large offset of zero elements */
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 0, 0);
    pb_op(&p, POP);
    int64_t z[1] = {0};
    pb_tensor(&p, 0, 0, 1, z, one, NULL, false);
    st = run_stop(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TENSOR && PTS_TENSOR(v)->sizes[0] == 0, "empty tensor");
    pts_value_release(v);
    /* sizes vs strides, dims limit, argument kinds */
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_global(&p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(&p, MARK);
    pb_get(&p, 0);
    pb_int(&p, 0);
    pb_ints_tuple(&p, 2, sz);
    pb_ints_tuple(&p, 1, one);
    pb_op(&p, NEWFALSE);
    pb_op(&p, NONE);
    pb_op(&p, TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "_rebuild_tensor_v2: 2 sizes but 1 strides");
    int64_t many[17];
    for (int i = 0; i < 17; i++)
        many[i] = 1;
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_tensor(&p, 0, 0, 17, many, many, NULL, false);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "tensor with 17 dimensions");
    pb_start(&p);
    pb_global(&p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(&p, MARK);
    pb_int(&p, 0);
    pb_int(&p, 0);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWFALSE);
    pb_op(&p, NONE);
    pb_op(&p, TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "argument 1 must be a storage (from BINPERSID), got int 0");
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_global(&p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(&p, MARK);
    pb_get(&p, 0);
    pb_int(&p, 0);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWFALSE);
    pb_op(&p, TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "expected a tuple of 6 to 7 arguments, got Tuple of 5");
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_global(&p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(&p, MARK);
    pb_get(&p, 0);
    pb_int(&p, 0);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, EMPTY_TUPLE);
    pb_int(&p, 1);
    pb_op(&p, NONE);
    pb_op(&p, TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "requires_grad) must be a bool");
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    pb_global(&p, "torch._utils", "_rebuild_tensor_v2");
    pb_op(&p, MARK);
    pb_get(&p, 0);
    pb_int(&p, 0);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWTRUE);
    pb_op(&p, NONE);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, TUPLE);
    pb_op(&p, REDUCE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "metadata must be a dict");

    /* persistent ids */
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, -1);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "STOP: the result is a storage");
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_storage(&p, "FloatStorage", "0", 6, -1);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "APPEND: a storage cannot be stored in a list");
    static const struct {
        const char *tag, *key;
        int64_t dtype, numel;
        const char *msg;
    } pids[] = {
        {"storagex", "0", 6, 1, "element 1 must be 'storage'"},
        {"storage", "0", 99, 1, "element 2 must be a known storage type"},
        {"storage", "0", -1, 1, "element 2 must be a known storage type"},
        {"storage", "0", 0x100000006LL, 1, "element 2 must be a known storage type"},
        {"storage", "", 6, 1, "element 3 must be a record key"},
        {"storage", "0", 6, -1, "element 5 must be a valid element count"},
        {"storage", "0", 4, INT64_MAX / 4, "element 5 must be a valid element count"},
    };
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
        pb_start(&p);
        pb_op(&p, MARK);
        pb_str(&p, pids[i].tag);
        pb_int(&p, pids[i].dtype);
        pb_str(&p, pids[i].key);
        pb_str(&p, "cpu");
        pb_int(&p, pids[i].numel);
        pb_op(&p, TUPLE);
        pb_op(&p, BINPERSID);
        pb_op(&p, STOP);
        EXPECT_ERR(&p, PTS_ERR_LOAD, pids[i].msg);
    }
    pb_start(&p);
    pb_op(&p, MARK);
    pb_str(&p, "storage");
    pb_int(&p, 6);
    pb_op(&p, BINUNICODE);
    pb_le(&p, 3, 4);
    pb_bytes(&p, "a\0b", 3);
    pb_str(&p, "cpu");
    pb_int(&p, 1);
    pb_op(&p, TUPLE);
    pb_op(&p, BINPERSID);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "element 3 must be a record key");
    pb_start(&p);
    pb_int(&p, 1);
    pb_op(&p, BINPERSID);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "BINPERSID: persistent id: expected a tuple of 5 arguments, got int 1");
    /* loader failures and misbehaviour */
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "7", 6, 0);
    pb_op(&p, POP);
    pb_tensor(&p, 0, 0, 1, s1, one, NULL, false);
    pb_op(&p, STOP);
    F.fail_store = true;
    EXPECT_ERR(&p, PTS_ERR_IO, "test.pt: data.pkl: offset 52: BINPERSID: cannot read record data/7");
    F.fail_store = false;
    F.short_store = true;
    EXPECT_ERR(&p, PTS_ERR_LOAD, "storage '7' has 23 bytes, but 6 float32 elements need 24");
    F.short_store = false;
    ENV.load_storage = NULL;
    EXPECT_ERR(&p, PTS_ERR_LOAD, "no storage loader");
    reset_env();
    /* the same storage returned for two dtypes */
    F.cache = true;
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 2, -1);
    pb_storage(&p, "IntStorage", "0", 2, -1);
    pb_op(&p, TUPLE2);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "storage '0' is used with two dtypes (6 and 3)");
    reset_env();
    pb_free(&p);
}

/* ---- version <= 2: types from the class attributes ---------------------------------------------- */

static void test_retag(void)
{
    pb p = {0};
    pts_value v;
    pb_start(&p);
    pb_global(&p, "__torch__", "Old");
    pb_op(&p, EMPTY_TUPLE);
    pb_op(&p, NEWOBJ);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, MARK);
    pb_str(&p, "l");
    pb_op(&p, EMPTY_LIST);
    pb_put(&p, 0);
    pb_str(&p, "d");
    pb_op(&p, EMPTY_DICT);
    pb_str(&p, "k");
    pb_op(&p, EMPTY_LIST);
    pb_float(&p, 1.0);
    pb_op(&p, APPEND);
    pb_op(&p, SETITEM);
    pb_str(&p, "o");
    pb_op(&p, EMPTY_LIST);
    pb_str(&p, "s");
    pb_op(&p, APPEND);
    pb_str(&p, "tup");
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_op(&p, TUPLE2);
    pb_str(&p, "e");
    pb_get(&p, 0); /* shared with l */
    pb_op(&p, SETITEMS);
    pb_op(&p, BUILD);
    pb_op(&p, STOP);
    ENV.file_version = 2;
    pts_status st = unp(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_OBJECT, "version 2 object");
    if (!st) {
        pts_object *ob = PTS_OBJECT(v);
        check_type(PTS_LIST(ob->slots[0])->elem, "int", "retag l");
        check_type(PTS_DICT(ob->slots[1])->key_type, "str", "retag d key");
        check_type(PTS_DICT(ob->slots[1])->val_type, "List[float]", "retag d value");
        check_type(PTS_LIST(PTS_DICT(ob->slots[1])->entries[0].val)->elem, "float", "retag d inner");
        check_type(PTS_LIST(ob->slots[2])->elem, "str", "retag Optional[List[str]]");
        check_type(PTS_LIST(PTS_TUPLE(ob->slots[3])->items[0])->elem, "int", "retag tuple item");
    }
    pts_value_release(v);
    ENV.file_version = 3;
    st = unp(&p, &v);
    CHECK(st == PTS_OK && PTS_LIST(PTS_OBJECT(v)->slots[0])->elem == NULL, "version 3: no retag");
    pts_value_release(v);
    pb_free(&p);
}

/* ---- safety ---------------------------------------------------------------------------------- */

static void test_framing(void)
{
    pb p = {0};
    p.n = 0;
    EXPECT_ERR(&p, PTS_ERR_LOAD, "test.pt: data.pkl: offset 0: unexpected end of data (no STOP opcode)");
    pb_bytes(&p, "N.", 2);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 0: not a pickle (expected PROTO 2, found byte 0x4e)");
    p.n = 0;
    pb_bytes(&p, "\x80\x03N.", 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 0: PROTO: only pickle protocol 2 is supported, found protocol 3");
    p.n = 0;
    pb_bytes(&p, "\x80\x02\x80\x02N.", 6);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 2: PROTO: PROTO is only allowed at the start");
    pb_start(&p);
    pb_op(&p, 0xff);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "test.pt: data.pkl: offset 2: unknown opcode 0xff");
    pb_start(&p);
    pb_op(&p, NONE);
    pb_bytes(&p, "P0\n", 3); /* PERSID (text) */
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 3: unknown opcode 0x50");
    pb_start(&p);
    pb_op(&p, NONE);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "offset 3: unexpected end of data (no STOP opcode)");
    /* trailing bytes after STOP are ignored */
    pb_start(&p);
    pb_bytes(&p, "N.garbage", 9);
    pts_value v;
    CHECK(unp(&p, &v) == PTS_OK && v.tag == PTS_T_NONE, "bytes after STOP");
    /* NULL data with 0 length */
    CHECK(pts_unpickle(NULL, 0, &ENV, &v) == PTS_ERR_LOAD, "NULL data");
    ENV.where = NULL;
    pb_start(&p);
    pb_op(&p, 0xfe);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "pickle: offset 2: unknown opcode 0xfe");
    reset_env();
    pb_free(&p);
}

static void test_cycles(void)
{
    pb p = {0};
    /* l.append(l) */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, DUP);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "a list cannot contain itself");
    /* a = []; b = [a]; a.append(b) */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_put(&p, 0);
    pb_op(&p, EMPTY_LIST);
    pb_get(&p, 0);
    pb_op(&p, APPEND);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "cannot modify the List: it is already inside another container");
    /* d[k] = d */
    pb_start(&p);
    pb_op(&p, EMPTY_DICT);
    pb_op(&p, DUP);
    pb_str(&p, "k");
    pb_op(&p, DUP);
    pb_op(&p, POP);
    pb_op(&p, POP);
    pb_op(&p, EMPTY_DICT);
    pb_put(&p, 1);
    pb_str(&p, "k");
    pb_get(&p, 1);
    pb_op(&p, SETITEM);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "a dict cannot contain itself");
    /* a list inside a tuple is frozen */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_put(&p, 0);
    pb_op(&p, TUPLE1);
    pb_get(&p, 0);
    pb_int(&p, 1);
    pb_op(&p, APPEND);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "already inside another container");
    /* sharing (a DAG) is fine: [a, a] with a = [1] */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_int(&p, 1);
    pb_op(&p, APPEND);
    pb_put(&p, 0);
    pb_op(&p, POP);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    pb_get(&p, 0);
    pb_get(&p, 0);
    pb_op(&p, APPENDS);
    pts_value v;
    pts_status st = run_stop(&p, &v);
    CHECK(st == PTS_OK && PTS_LIST(v)->len == 2 && PTS_LIST(v)->items[0].u.o == PTS_LIST(v)->items[1].u.o,
          "shared list (DAG)");
    pts_value_release(v);
    pb_free(&p);
}

/* n nested containers, each built by `open` ... `close` */
static void test_depth(void)
{
    pb p = {0};
    pts_value v;
    /* 100000 EMPTY_LISTs then 99999 APPENDs */
    pb_start(&p);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, EMPTY_LIST);
    for (int i = 0; i < 99999; i++)
        pb_op(&p, APPEND);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "containers nested deeper than 1000 levels");
    /* MARK ... TUPLE nesting */
    pb_start(&p);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, MARK);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, TUPLE);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "nested deeper than 1000");
    /* MARK ... LIST nesting, dicts via SETITEM */
    pb_start(&p);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, MARK);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, LIST);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "nested deeper than 1000");
    pb_start(&p);
    for (int i = 0; i < 5000; i++) {
        pb_op(&p, EMPTY_DICT);
        pb_int(&p, 0);
    }
    pb_op(&p, EMPTY_DICT);
    for (int i = 0; i < 5000; i++)
        pb_op(&p, SETITEM);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "nested deeper than 1000");
    /* the limit is exact: depth 50 ok, 51 not, with max_depth = 50 */
    ENV.max_depth = 50;
    for (int depth = 50; depth <= 51; depth++) {
        pb_start(&p);
        for (int i = 0; i < depth; i++)
            pb_op(&p, EMPTY_LIST);
        for (int i = 0; i < depth - 1; i++)
            pb_op(&p, APPEND);
        pts_status st = run_stop(&p, &v);
        CHECK(depth == 50 ? st == PTS_OK : st == PTS_ERR_LIMIT, "depth %d with limit 50: %d", depth, st);
        pts_value_release(v);
    }
    /* objects count as levels too: Sub{sub: Sub{sub: ...}} */
    pb_start(&p);
    for (int i = 0; i < 60; i++) {
        pb_global(&p, "__torch__", "Sub");
        pb_op(&p, EMPTY_TUPLE);
        pb_op(&p, NEWOBJ);
        pb_op(&p, EMPTY_DICT);
        pb_op(&p, MARK);
        pb_str(&p, "w");
        pb_op(&p, NONE);
        pb_str(&p, "sub");
    }
    pb_op(&p, NONE);
    for (int i = 0; i < 60; i++) {
        pb_op(&p, SETITEMS);
        pb_op(&p, BUILD);
    }
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LIMIT, "nested deeper than 50");
    ENV.max_depth = 0;
    pb_free(&p);
}

/* A pickle using most opcodes, for truncation, byte flips and allocation failures. */
static void build_rich(pb *p)
{
    pb_start(p);
    pb_op(p, MARK);
    emit_m(p, NULL, false);
    pb_put(p, 200);
    pb_global(p, "torch.jit._pickle", "restore_type_tag");
    pb_put(p, 300);
    pb_op(p, EMPTY_DICT);
    pb_op(p, MARK);
    pb_str(p, "x");
    pb_float(p, 2.5);
    pb_str(p, "y");
    pb_int(p, -70000);
    pb_op(p, SETITEMS);
    pb_str(p, "Dict[str, float]");
    pb_op(p, TUPLE2);
    pb_op(p, REDUCE);
    pb_global(p, "torch", "device");
    pb_str(p, "cuda:1");
    pb_op(p, TUPLE1);
    pb_op(p, REDUCE);
    pb_global(p, "builtins", "complex");
    pb_float(p, 1);
    pb_float(p, 2);
    pb_op(p, TUPLE2);
    pb_op(p, REDUCE);
    pb_global(p, "__torch__", "Color");
    pb_int(p, 2);
    pb_op(p, REDUCE);
    pb_global(p, "__torch__.foo", "S");
    pb_op(p, EMPTY_TUPLE);
    pb_op(p, NEWOBJ);
    pb_int(p, 7);
    pb_get(p, 200); /* the M object, as S.y - only the fake's tuple check matters */
    pb_op(p, TUPLE2);
    pb_op(p, BUILD);
    pb_int(p, 1LL << 40);
    pb_bytes(p, "\x8c\x02hi", 4);
    pb_op(p, NONE);
    pb_op(p, NEWFALSE);
    pb_op(p, MARK);
    pb_int(p, 1);
    pb_op(p, LIST);
    pb_op(p, EMPTY_LIST);
    pb_get(p, 200);
    pb_op(p, APPEND);
    pb_get(p, 300);
    pb_op(p, POP);
    pb_op(p, TUPLE);
    pb_op(p, STOP);
}

static void test_mutations(void)
{
    pb p = {0}, q = {0};
    pts_value v;
    build_rich(&p);
    int64_t live0 = pts_alloc_live();
    pts_status st = unp(&p, &v);
    CHECK(st == PTS_OK && v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->len == 12, "rich pickle (%zu bytes)", p.n);
    pts_value_release(v);
    CHECK(pts_alloc_live() == live0, "rich pickle: no leak");
    /* every truncation fails cleanly */
    int bad = 0;
    for (size_t n = 0; n < p.n; n++) {
        pts_status s = pts_unpickle(p.b, n, &ENV, &v);
        if (s != PTS_ERR_LOAD || v.tag != PTS_T_NONE) {
            if (bad++ < 5)
                printf("truncation at %zu: %d %s\n", n, s, pts_err_message());
        }
    }
    CHECK(bad == 0 && pts_alloc_live() == live0, "truncation at every byte (%d bad)", bad);
    /* every single-byte change: never a crash, no leak, result or clean error */
    int ok = 0, errs = 0;
    bad = 0;
    pb_bytes(&q, p.b, p.n);
    for (size_t i = 0; i < p.n; i++) {
        for (int b = 0; b < 256; b++) {
            if (b == p.b[i])
                continue;
            q.b[i] = (uint8_t)b;
            pts_status s = unp(&q, &v);
            if (s == PTS_OK)
                ok++;
            else if (v.tag == PTS_T_NONE && pts_err_message()[0] && s != PTS_ERR_INTERNAL)
                errs++;
            else if (bad++ < 5)
                printf("flip %zu=0x%02x: %d %s\n", i, b, s, pts_err_message());
            pts_value_release(v);
        }
        q.b[i] = p.b[i];
    }
    CHECK(bad == 0 && pts_alloc_live() == live0, "every byte flip: %d ok, %d errors, %d bad", ok, errs, bad);
    printf("info: %zu-byte pickle, %zu byte changes: %d parse, %d clean errors\n", p.n, p.n * 255, ok, errs);
    /* allocation failure at every allocation */
    bad = 0;
    int n;
    for (n = 1; n < 100000; n++) {
        pts_alloc_fail_after(n);
        pts_status s = unp(&p, &v);
        pts_alloc_fail_after(0);
        pts_value_release(v);
        if (s == PTS_OK)
            break;
        if (s != PTS_ERR_NOMEM && bad++ < 5)
            printf("alloc failure %d: %d %s\n", n, s, pts_err_message());
    }
    CHECK(bad == 0 && n > 10 && pts_alloc_live() == live0, "allocation failure at each of %d allocations", n - 1);
    printf("info: allocation failure injected at each of %d allocations\n", n - 1);
    pb_free(&p);
    pb_free(&q);
}

static void test_huge(void)
{
    pb p = {0};
    /* LONG4 length, BINUNICODE8 length, a FRAME, LONG_BINPUT index: all checked before use */
    pb_start(&p);
    pb_op(&p, LONG4);
    pb_le(&p, 0x7fffffff, 4);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "integer too large");
    pb_start(&p);
    pb_op(&p, FRAME);
    pb_le(&p, UINT64_MAX, 8);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "unexpected end of data");
    /* a tensor claiming 2^40 elements over a tiny storage */
    pb_start(&p);
    pb_storage(&p, "FloatStorage", "0", 6, 0);
    pb_op(&p, POP);
    int64_t sz[2] = {1LL << 20, 1LL << 20}, st[2] = {1LL << 20, 1};
    pb_tensor(&p, 0, 0, 2, sz, st, NULL, false);
    pb_op(&p, STOP);
    EXPECT_ERR(&p, PTS_ERR_LOAD, "needs 4398046511104 bytes");
    /* many memo entries in order are fine */
    pb_start(&p);
    pb_op(&p, NONE);
    for (uint32_t i = 0; i < 5000; i++)
        pb_put(&p, i);
    pts_value v;
    CHECK(run_stop(&p, &v) == PTS_OK, "5000 memo entries");
    /* a long flat list and tuple */
    pb_start(&p);
    pb_op(&p, EMPTY_LIST);
    pb_op(&p, MARK);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, NONE);
    pb_op(&p, APPENDS);
    pb_op(&p, MARK);
    for (int i = 0; i < 100000; i++)
        pb_op(&p, NEWTRUE);
    pb_op(&p, TUPLE);
    pb_op(&p, TUPLE2);
    CHECK(run_stop(&p, &v) == PTS_OK && PTS_LIST(PTS_TUPLE(v)->items[0])->len == 100000 &&
              PTS_TUPLE(PTS_TUPLE(v)->items[1])->len == 100000,
          "100000-element list and tuple");
    pts_value_release(v);
    pb_free(&p);
}

int main(void)
{
    make_classes();
    reset_env();
    int64_t live0 = pts_alloc_live();
    test_scalars();
    test_strings();
    test_tuples();
    test_lists_dicts();
    test_stack_ops();
    test_memo();
    test_forbidden();
    test_simple_globals();
    test_typed_lists();
    test_type_tags();
    test_objects();
    test_setstate_enum();
    test_tensors();
    test_retag();
    test_framing();
    test_cycles();
    test_depth();
    test_huge();
    test_mutations();
    reset_env();
    CHECK(pts_alloc_live() == live0, "no leaks overall (%lld live, %lld at start)", (long long)pts_alloc_live(),
          (long long)live0);
    pts_cu_release(F.cu);
    return check_summary();
}
