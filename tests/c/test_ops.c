/* test_ops.c - C tests of the op layer: schema parser (every torch schema from
 * a file), registry (duplicates, bad schemas, overload order, call binding),
 * broadcasting iterator, type promotion, dtype conversion, thread pool, and
 * a handful of kernels on small tensors with hand-derived expected values
 * (strided / expanded inputs, in-place through a view).
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -g -O1 -fsanitize=address,undefined -Wall -Wextra -Werror -Icsrc tests/c/test_ops.c \
 *       $(find csrc/core csrc/value csrc/tensor csrc/ops -name '*.c') \
 *       -o /tmp/test_ops -lm -lpthread $(pkg-config --cflags --libs openblas)
 *   python3 -c "import torch; print('\n'.join(str(s) for s in torch._C._jit_get_all_schemas()))" > /tmp/schemas.txt
 *   /tmp/test_ops /tmp/schemas.txt
 * The last line printed is "N passed, M failed"; the exit status is 0 only if M == 0.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ops/args.h"
#include "ops/registry.h"
#include "ops/random/rng.h"
#include "tensor/convert.h"
#include "tensor/iter.h"
#include "tensor/parallel.h"
#include "tensor/promote.h"
#include "tensor/tensor.h"
#include "value/type.h"

#include "check.h"

/* not in registry.h: the registry's table validator for tests */
pts_status pts_ops_validate_table(const pts_op_def *defs);


/* ---- helpers ---------------------------------------------------------------------------------- */

/* New tensor of dtype with the given shape and values (given as doubles). */
static pts_value mk(int dtype, int ndim, const int64_t *sizes, const double *vals)
{
    pts_tensor *t = pts_tensor_empty(dtype, ndim, sizes);
    if (!t) {
        printf("mk: %s\n", pts_err_message());
        exit(2);
    }
    int64_t n = pts_tensor_numel(t);
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < n; i++)
        pts_store_f64((char *)pts_tensor_data(t) + i * isz, dtype, vals ? vals[i] : (double)i);
    return pts_ret_tensor(t);
}

static pts_value mk1(int dtype, int64_t n, const double *vals) { return mk(dtype, 1, &n, vals); }

static pts_value mk2(int dtype, int64_t r, int64_t c, const double *vals)
{
    int64_t s[2] = {r, c};
    return mk(dtype, 2, s, vals);
}

/* Element i (row-major logical order) of a tensor as double. */
static double at(pts_value v, int64_t i)
{
    pts_tensor *t = PTS_TENSOR(v);
    int64_t off = 0, rem = i;
    for (int d = t->ndim - 1; d >= 0; d--) {
        off += (rem % t->sizes[d]) * t->strides[d];
        rem /= t->sizes[d];
    }
    return pts_load_f64((char *)pts_tensor_data(t) + off * pts_dtype_get(t->dtype)->itemsize, t->dtype);
}

static bool same_vals(pts_value v, int64_t n, const double *want, double tol)
{
    if (v.tag != PTS_T_TENSOR || pts_tensor_numel(PTS_TENSOR(v)) != n)
        return false;
    for (int64_t i = 0; i < n; i++) {
        double a = at(v, i), b = want[i];
        if (isnan(b) ? !isnan(a) : fabs(a - b) > tol)
            return false;
    }
    return true;
}

static bool shape_is(pts_value v, int ndim, ...)
{
    if (v.tag != PTS_T_TENSOR || PTS_TENSOR(v)->ndim != ndim)
        return false;
    va_list ap;
    va_start(ap, ndim);
    bool ok = true;
    for (int i = 0; i < ndim; i++)
        ok = ok && PTS_TENSOR(v)->sizes[i] == va_arg(ap, int64_t);
    va_end(ap);
    return ok;
}

/* Values released at exit (so tests can build arguments inline). */
static pts_value pool[256];
static int npool;

static pts_value pooled(pts_value v)
{
    if (npool < 256)
        pool[npool++] = v;
    return v;
}

/* A List[int]; borrowed (owned by the pool). */
static pts_value int_list(int n, ...)
{
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        SETUP(pts_list_append(l, pts_int(va_arg(ap, int64_t))));
    va_end(ap);
    return pooled(pts_obj_value(&l->hdr));
}

static pts_value str(const char *s)
{
    pts_value v;
    SETUP(pts_value_str(s, strlen(s), &v));
    return v;
}

/* Call "ns::name.overload" with positional args (borrowed); ret: first return (new ref).
 * Returns the status; prints the error when `quiet` is false. */
static pts_status callk(const char *name, pts_value *ret, int npos, pts_value *pos, int nkw, const char *const *kwn,
                        pts_value *kwv)
{
    const pts_op *op = pts_ops_find(name);
    if (!op) {
        printf("no op %s\n", name);
        return PTS_ERR_UNSUPPORTED;
    }
    pts_value rets[4];
    pts_status st = pts_ops_call(op, npos, pos, nkw, kwn, kwv, rets);
    if (st)
        return st;
    *ret = rets[0];
    for (int i = 1; i < op->schema.nrets; i++)
        pts_value_release(rets[i]);
    return PTS_OK;
}

static pts_value call(const char *name, int npos, pts_value *pos)
{
    pts_value r = pts_none();
    if (callk(name, &r, npos, pos, 0, NULL, NULL) != PTS_OK)
        printf("call %s failed: %s\n", name, pts_err_message());
    return r;
}

#define REL(v) pts_value_release(v)

/* ---- schema parser ---------------------------------------------------------------------------- */

static void test_schema_basic(void)
{
    pts_schema s;
    pts_status st = pts_schema_parse("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", &s);
    CHECK(st == PTS_OK, "parse add: %s", pts_err_message());
    if (st)
        return;
    CHECK(strcmp(s.name, "aten::add") == 0 && strcmp(s.overload, "Tensor") == 0, "name");
    CHECK(s.nargs == 3 && s.nrets == 1, "counts");
    CHECK(s.args[2].kwarg_only && s.args[2].has_default && s.args[2].default_value.tag == PTS_T_INT, "alpha");
    CHECK(s.args[0].type->kind == PTS_TY_TENSOR && s.args[2].type->kind == PTS_TY_NUMBER, "types");
    pts_schema_free(&s);

    st = pts_schema_parse("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, "
                          "int[2] dilation=1, bool ceil_mode=False) -> Tensor", &s);
    CHECK(st == PTS_OK, "parse max_pool2d");
    if (!st) {
        CHECK(s.args[1].fixed_len == 2 && s.args[1].type->kind == PTS_TY_LIST, "int[2]");
        CHECK(s.args[3].default_value.tag == PTS_T_LIST && PTS_LIST(s.args[3].default_value)->len == 2, "padding=0 -> [0,0]");
        pts_schema_free(&s);
    }
    st = pts_schema_parse("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", &s);
    CHECK(st == PTS_OK && s.nrets == 2 && strcmp(s.rets[1].name, "indices") == 0, "named returns");
    if (!st)
        pts_schema_free(&s);
    st = pts_schema_parse("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", &s);
    CHECK(st == PTS_OK && s.args[0].is_write && s.args[0].alias_set == 'a', "alias a!");
    if (!st)
        pts_schema_free(&s);
    st = pts_schema_parse("aten::setdefault.str(Dict(str, t)(a!) self, str(b -> *) key, t(c -> *) default_value) -> t(*)", &s);
    CHECK(st == PTS_OK && s.args[0].type->kind == PTS_TY_DICT, "Dict(str, t)(a!)");
    if (!st)
        pts_schema_free(&s);
    st = pts_schema_parse("aten::strip(str self, str chars=\" \\n\\t\\f\\v\") -> str", &s);
    CHECK(st == PTS_OK && PTS_STR(s.args[1].default_value)->len == 5, "string escapes");
    if (!st)
        pts_schema_free(&s);
    st = pts_schema_parse("prim::Print(...) -> ()", &s);
    CHECK(st == PTS_OK && s.is_vararg && s.nrets == 0, "varargs");
    if (!st)
        pts_schema_free(&s);
    const char *bad[] = {"aten::x(Tensor) -> Tensor", "aten::x(Tensor self -> Tensor", "x(Tensor self) -> Tensor",
                         "aten::x(Foo self) -> Tensor", "aten::x(Tensor self) Tensor", "aten::x(int a=[1,) -> int"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st = pts_schema_parse(bad[i], &s);
        CHECK(st == PTS_ERR_LOAD, "bad schema accepted: %s", bad[i]);
        if (!st)
            pts_schema_free(&s);
    }
}

static void test_schema_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("(no schema file %s; skipping the all-schemas test)\n", path);
        return;
    }
    char line[16384];
    int ok = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        pts_schema s;
        if (pts_schema_parse(line, &s) == PTS_OK) {
            ok++;
            pts_schema_free(&s);
        } else {
            if (bad++ < 5)
                printf("  %s\n", pts_err_message());
        }
    }
    fclose(f);
    printf("schema file: %d parsed, %d failed\n", ok, bad);
    CHECK(bad == 0 && ok > 1000, "every torch schema parses (%d ok, %d bad)", ok, bad);
}

/* ---- registry --------------------------------------------------------------------------------- */

static pts_status k_dummy(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op;
    rets[0] = pts_value_retain(args[0]);
    return PTS_OK;
}

static void test_registry(void)
{
    CHECK(pts_ops_init() == PTS_OK, "init: %s", pts_err_message());
    static const pts_op_def dup[] = {
        PTS_OP("aten::foo(Tensor self) -> Tensor", k_dummy),
        PTS_OP("aten::foo(Tensor x) -> Tensor", k_dummy),
        {NULL, NULL},
    };
    CHECK(pts_ops_validate_table(dup) != PTS_OK && strstr(pts_err_message(), "duplicate"), "duplicate detected: %s",
          pts_err_message());
    static const pts_op_def badt[] = {PTS_OP("aten::foo(Tensor self -> Tensor", k_dummy), {NULL, NULL}};
    CHECK(pts_ops_validate_table(badt) == PTS_ERR_LOAD, "bad schema detected");
    static const pts_op_def good[] = {
        PTS_OP("aten::foo(Tensor self) -> Tensor", k_dummy),
        PTS_OP("aten::foo.x(Tensor self) -> Tensor", k_dummy),
        {NULL, NULL},
    };
    CHECK(pts_ops_validate_table(good) == PTS_OK, "good table: %s", pts_err_message());

    int n = 0;
    const pts_op *const *ov = pts_ops_overloads("aten::add", &n);
    CHECK(ov && n >= 2 && strcmp(ov[0]->schema.overload, "Tensor") == 0 && strcmp(ov[1]->schema.overload, "Scalar") == 0,
          "aten::add overloads in torch order");
    for (int i = 0; ov && i < n; i++)
        CHECK(ov[i]->rank == i, "rank %d", i);
    CHECK(pts_ops_find("aten::add.Tensor") != NULL && pts_ops_find("aten::neg") != NULL, "find");
    CHECK(pts_ops_find("aten::nonexistent") == NULL, "find missing");
    for (int i = 0; i < pts_ops_count(); i++) { /* all keys unique and findable */
        const pts_op *op = pts_ops_at(i);
        char key[256];
        snprintf(key, sizeof key, op->schema.overload[0] ? "%s.%s" : "%s", op->schema.name, op->schema.overload);
        CHECK(pts_ops_find(key) == op, "find %s", key);
    }

    /* matching */
    pts_type *tl = pts_type_new(PTS_TY_LIST, 1, (pts_type *[]){pts_type_base(PTS_TY_INT)});
    pts_type *opt = pts_type_new(PTS_TY_OPTIONAL, 1, (pts_type *[]){pts_type_base(PTS_TY_TENSOR)});
    CHECK(pts_value_matches_type(pts_int(1), pts_type_base(PTS_TY_NUMBER), 0), "int is Scalar");
    CHECK(!pts_value_matches_type(pts_bool(true), pts_type_base(PTS_TY_NUMBER), 0), "bool is not Scalar");
    CHECK(!pts_value_matches_type(pts_int(1), pts_type_base(PTS_TY_FLOAT), 0), "int is not float");
    CHECK(pts_value_matches_type(pts_none(), opt, 0), "None matches Optional");
    CHECK(pts_value_matches_type(pts_int(2), tl, 2) && !pts_value_matches_type(pts_int(2), tl, 0), "int[2] accepts int");
    pts_value il = int_list(2, (int64_t)1, (int64_t)2);
    CHECK(pts_value_matches_type(il, tl, 0), "List[int]");
    pts_list *el = pts_list_new(NULL, 0);
    CHECK(pts_value_matches_type(pts_obj_value(&el->hdr), tl, 0), "empty untyped list");
    pts_obj_release(&el->hdr);
    pts_type_release(tl);
    pts_type_release(opt);

    /* call binding: kwargs, defaults, errors */
    double av[3] = {1, 2, 3}, bv[3] = {10, 20, 30};
    pts_value a = mk1(PTS_FLOAT32, 3, av), b = mk1(PTS_FLOAT32, 3, bv), r = pts_none();
    const char *kw[] = {"alpha"};
    pts_value kv[] = {pts_int(2)};
    pts_value args[] = {a, b};
    CHECK(callk("aten::add.Tensor", &r, 2, args, 1, kw, kv) == PTS_OK && same_vals(r, 3, (double[]){21, 42, 63}, 0),
          "add with alpha kwarg");
    REL(r);
    const char *kw2[] = {"other", "self"};
    pts_value kv2[] = {b, a};
    CHECK(callk("aten::sub.Tensor", &r, 0, NULL, 2, kw2, kv2) == PTS_OK && same_vals(r, 3, (double[]){-9, -18, -27}, 0),
          "all by keyword");
    REL(r);
    pts_value sargs[] = {a, str("x")};
    CHECK(callk("aten::add.Tensor", &r, 2, sargs, 0, NULL, NULL) == PTS_ERR_TYPE &&
              strstr(pts_err_message(), "aten::add.Tensor: argument 'other' expected Tensor but got"),
          "type error message: %s", pts_err_message());
    REL(sargs[1]);
    const char *kw3[] = {"beta"};
    CHECK(callk("aten::add.Tensor", &r, 2, args, 1, kw3, kv) == PTS_ERR_TYPE && strstr(pts_err_message(), "beta"),
          "unknown kwarg");
    CHECK(callk("aten::add.Tensor", &r, 1, args, 0, NULL, NULL) == PTS_ERR_TYPE && strstr(pts_err_message(), "other"),
          "missing arg");
    REL(a);
    REL(b);
}

/* ---- promotion / conversion / iterator / pool -------------------------------------------------- */

static void test_promote(void)
{
    CHECK(pts_promote_types(PTS_INT32, PTS_FLOAT16) == PTS_FLOAT16, "i32+f16");
    CHECK(pts_promote_types(PTS_UINT8, PTS_INT8) == PTS_INT16, "u8+i8");
    CHECK(pts_promote_types(PTS_BFLOAT16, PTS_FLOAT16) == PTS_FLOAT32, "bf16+f16");
    CHECK(pts_promote_types(PTS_BOOL, PTS_UINT8) == PTS_UINT8, "bool+u8");
    int64_t s3 = 3;
    pts_tensor *ti = pts_tensor_zeros(PTS_INT32, 1, &s3), *tf16 = pts_tensor_zeros(PTS_FLOAT16, 1, &s3);
    pts_tensor *tb = pts_tensor_zeros(PTS_BOOL, 1, &s3), *z64 = pts_tensor_zeros(PTS_INT64, 0, NULL);
    pts_tensor *zf64 = pts_tensor_zeros(PTS_FLOAT64, 0, NULL), *tf = pts_tensor_zeros(PTS_FLOAT32, 1, &s3);
    struct {
        pts_value a, b;
        int want;
        const char *what;
    } cases[] = {
        {pts_obj_value(&ti->hdr), pts_float(2.5), PTS_FLOAT32, "int32 tensor + float -> float32"},
        {pts_obj_value(&ti->hdr), pts_int(2), PTS_INT32, "int32 tensor + int -> int32"},
        {pts_obj_value(&ti->hdr), pts_obj_value(&z64->hdr), PTS_INT32, "int32 + int64 0-dim -> int32"},
        {pts_obj_value(&tf16->hdr), pts_float(2.5), PTS_FLOAT16, "f16 + float -> f16"},
        {pts_obj_value(&tb->hdr), pts_int(1), PTS_INT64, "bool + int -> int64"},
        {pts_obj_value(&tb->hdr), pts_bool(true), PTS_BOOL, "bool + bool -> bool"},
        {pts_obj_value(&tf->hdr), pts_obj_value(&zf64->hdr), PTS_FLOAT32, "f32 + f64 0-dim -> f32"},
        {pts_obj_value(&ti->hdr), pts_obj_value(&zf64->hdr), PTS_FLOAT64, "i32 + f64 0-dim -> f64"},
        {pts_obj_value(&z64->hdr), pts_float(1.5), PTS_FLOAT32, "0-dim i64 + float -> f32"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pts_value v[2] = {cases[i].a, cases[i].b};
        int r = -1;
        CHECK(pts_result_type(2, v, &r, "test") == PTS_OK && r == cases[i].want, "%s (got %d)", cases[i].what, r);
    }
    pts_tensor *all[] = {ti, tf16, tb, z64, zf64, tf};
    for (int i = 0; i < 6; i++)
        pts_obj_release(&all[i]->hdr);
}

static void test_convert(void)
{
    CHECK(pts_float_to_half(1.0f) == 0x3c00 && pts_half_to_float(0x3c00) == 1.0f, "half 1.0");
    CHECK(pts_float_to_half(65504.0f) == 0x7bff && pts_float_to_half(65520.0f) == 0x7c00, "half max / overflow");
    CHECK(pts_float_to_half(5.9604644775390625e-8f) == 0x0001, "half smallest subnormal");
    CHECK(pts_half_to_float(0x0001) == 5.9604644775390625e-8f, "half subnormal to float");
    CHECK(pts_float_to_half(1.0f + 1.0f / 2048) == 0x3c00, "half ties to even (down)");
    CHECK(pts_float_to_half(1.0f + 3.0f / 2048) == 0x3c02, "half ties to even (up)");
    CHECK(isnan(pts_half_to_float(pts_float_to_half(NAN))), "half NaN");
    CHECK(pts_float_to_bf16(1.0f) == 0x3f80 && pts_bf16_to_float(0x3f80) == 1.0f, "bf16 1.0");
    CHECK(pts_float_to_bf16(1.00390625f) == 0x3f80, "bf16 tie to even");
    /* all 65536 halves round-trip */
    int bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = pts_half_to_float((uint16_t)h);
        if (!isnan(f) && pts_float_to_half(f) != h)
            bad++;
    }
    CHECK(bad == 0, "half round trip (%d bad)", bad);
    uint8_t u;
    pts_store_f64(&u, PTS_UINT8, -1.0);
    CHECK(u == 255, "float -1 -> uint8 wraps to 255 (%d)", u);
    uint8_t bl;
    pts_store_f64(&bl, PTS_BOOL, 0.5);
    CHECK(bl == 1, "0.5 -> bool true");
    /* copy with conversion through a transposed view */
    double v[6] = {1.5, 2.5, -3.5, 4, 5, 6};
    pts_value a = mk2(PTS_FLOAT32, 2, 3, v);
    pts_tensor *ta = PTS_TENSOR(a);
    int64_t ts[2] = {3, 2}, tst[2] = {1, 3};
    pts_tensor *tt = pts_tensor_view_of(ta->storage, PTS_FLOAT32, 2, ts, tst, 0);
    pts_tensor *ci = pts_tensor_to_dtype(tt, PTS_INT32);
    pts_value cv = pts_ret_tensor(ci);
    CHECK(same_vals(cv, 6, (double[]){1, 4, 2, 5, -3, 6}, 0), "transposed float -> int32 copy truncates");
    REL(cv);
    pts_obj_release(&tt->hdr);
    REL(a);
}

static void test_iter(void)
{
    int64_t s23[2] = {2, 3}, s13[2] = {1, 3}, s21[2] = {2, 1};
    int nd;
    int64_t out[PTS_MAX_DIMS];
    CHECK(pts_broadcast_shapes(2, s13, 2, s21, &nd, out, "t") == PTS_OK && nd == 2 && out[0] == 2 && out[1] == 3, "bcast");
    int64_t s4[1] = {4};
    CHECK(pts_broadcast_shapes(2, s23, 1, s4, &nd, out, "aten::add") == PTS_ERR_VALUE &&
              strstr(pts_err_message(), "must match the size"),
          "bcast error: %s", pts_err_message());
    /* coalescing: contiguous 2x3 collapses to one dim */
    pts_tensor *a = pts_tensor_zeros(PTS_FLOAT32, 2, s23), *b = pts_tensor_zeros(PTS_FLOAT32, 2, s23);
    pts_tensor *ops[2] = {a, b};
    pts_iter it;
    CHECK(pts_iter_init(&it, 2, ops, "t") == PTS_OK && it.ndim == 1 && it.shape[0] == 6, "coalesce to 1-D");
    pts_tensor *c = pts_tensor_zeros(PTS_FLOAT32, 2, s13);
    ops[1] = c;
    CHECK(pts_iter_init(&it, 2, ops, "t") == PTS_OK && it.ndim == 2 && it.strides[1][1] == 0, "broadcast stride 0");
    pts_obj_release(&a->hdr);
    pts_obj_release(&b->hdr);
    pts_obj_release(&c->hdr);
}

static void sum_range(void *ctx, int64_t b, int64_t e)
{
    int64_t *arr = ctx;
    for (int64_t i = b; i < e; i++)
        arr[i] = i * 2;
}

static void test_parallel(void)
{
    int64_t *arr = pts_calloc(100000, sizeof *arr);
    int old = pts_get_num_threads();
    pts_set_num_threads(4);
    CHECK(pts_get_num_threads() == 4, "set threads");
    pts_parallel_for(100000, 1000, sum_range, arr);
    int bad = 0;
    for (int64_t i = 0; i < 100000; i++)
        bad += arr[i] != i * 2;
    CHECK(bad == 0, "parallel_for covers the range");
    pts_set_num_threads(1);
    memset(arr, 0, 100000 * sizeof *arr);
    pts_parallel_for(100000, 10, sum_range, arr);
    CHECK(arr[99999] == 199998, "single thread");
    pts_set_num_threads(old);
    pts_free(arr);
}

/* A second caller finds the pool busy and runs its job on its own thread, at once, in the
 * pool's chunks: thread A's job holds the pool until B's job has finished (or 5 s passed); if
 * B waited for the pool instead, A would give up and the check fails. */
typedef struct {
    atomic_int b_done;
    atomic_int a_saw_b;
    atomic_int b_calls;
    atomic_int b_chunks;
} busy_ctx;

static busy_ctx BUSY;

static void hold_until_b(void *ctx, int64_t b, int64_t e)
{
    (void)ctx;
    if (b > 0 || e < 1)
        return; /* only the chunk that holds index 0 waits */
    for (int i = 0; i < 5000 && !atomic_load(&BUSY.b_done); i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&BUSY.a_saw_b, atomic_load(&BUSY.b_done));
}

static void count_b(void *ctx, int64_t b, int64_t e)
{
    (void)ctx;
    atomic_fetch_add(&BUSY.b_calls, (int)(e - b));
    atomic_fetch_add(&BUSY.b_chunks, 1);
}

static void *thread_a(void *arg)
{
    (void)arg;
    pts_parallel_for(2, 1, hold_until_b, NULL);
    return NULL;
}

static void test_parallel_busy_pool(void)
{
    int old = pts_get_num_threads();
    pts_set_num_threads(2);
    atomic_store(&BUSY.b_done, 0);
    atomic_store(&BUSY.a_saw_b, 0);
    atomic_store(&BUSY.b_calls, 0);
    atomic_store(&BUSY.b_chunks, 0);
    pthread_t a;
    CHECK(pthread_create(&a, NULL, thread_a, NULL) == 0, "start thread A");
    struct timespec ts = {0, 50000000}; /* let A take the pool */
    nanosleep(&ts, NULL);
    pts_parallel_for(1000, 10, count_b, NULL);
    atomic_store(&BUSY.b_done, 1);
    pthread_join(a, NULL);
    CHECK(atomic_load(&BUSY.b_calls) == 1000, "B's job covered its range (%d)", atomic_load(&BUSY.b_calls));
    CHECK(atomic_load(&BUSY.a_saw_b) == 1, "B's job ran while A's job held the pool");
    /* in the chunks the pool would have cut (2 threads: 2), so a chunk's BLAS call has the same shape */
    CHECK(atomic_load(&BUSY.b_chunks) == 2, "B's job ran in %d chunks", atomic_load(&BUSY.b_chunks));
    pts_set_num_threads(old);
}

/* ---- kernels ---------------------------------------------------------------------------------- */

/* torch's rules that the parity suite found: common-dtype casts of scalars,
 * refusals for bool, aliasing outputs, checked scalar conversion. */
static void test_elementwise_torch_rules(void)
{
    pts_value r;
    pts_value u8 = mk1(PTS_UINT8, 3, (double[]){0, 200, 255});
    /* -3 is cast to uint8 (253) before comparing, as torch's common dtype */
    r = call("aten::lt.Scalar", 2, (pts_value[]){u8, pts_int(-3)});
    CHECK(same_vals(r, 3, (double[]){1, 1, 0}, 0), "uint8 < -3 compares with 253");
    REL(r);
    r = call("aten::remainder.Scalar", 2, (pts_value[]){u8, pts_int(-3)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_UINT8 && same_vals(r, 3, (double[]){0, 200, 2}, 0), "uint8 %% -3 is %% 253");
    REL(r);
    /* float16 + float64 0-dim: the 0-dim is rounded to float16 first; mul keeps it at float precision */
    pts_value h = mk1(PTS_FLOAT16, 1, (double[]){1.0});
    pts_value d0 = mk(PTS_FLOAT64, 0, NULL, (double[]){1.0 + 1.0 / 4096});
    r = call("aten::add.Tensor", 2, (pts_value[]){h, d0});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT16 && same_vals(r, 1, (double[]){2.0}, 0), "f16 + f64 0-dim rounds the 0-dim");
    REL(r);
    pts_value h3 = mk1(PTS_FLOAT16, 1, (double[]){1000}), d3 = mk(PTS_FLOAT64, 0, NULL, (double[]){1.0003});
    r = call("aten::mul.Tensor", 2, (pts_value[]){h3, d3});
    CHECK(same_vals(r, 1, (double[]){1000.5}, 0), "f16 * f64 0-dim keeps the 0-dim's precision (1000.3 -> 1000.5)");
    REL(r);
    REL(d3);
    REL(h3);
    REL(d0);
    REL(h);
    /* bool: torch has no abs/floor/remainder kernels */
    pts_value bl = mk1(PTS_BOOL, 2, (double[]){1, 0});
    pts_status st = callk("aten::abs", &r, 1, (pts_value[]){bl}, 0, NULL, NULL);
    CHECK(st == PTS_ERR_TYPE && strstr(pts_err_message(), "aten::abs: not implemented for 'Bool'"), "abs(bool) refused: %s",
          pts_err_message());
    CHECK(callk("aten::remainder.Tensor", &r, 2, (pts_value[]){bl, bl}, 0, NULL, NULL) == PTS_ERR_TYPE, "remainder bool");
    r = call("aten::pow.Tensor_Scalar", 2, (pts_value[]){bl, pts_bool(false)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_BOOL && same_vals(r, 2, (double[]){1, 1}, 0), "bool ** False is ones");
    REL(r);
    REL(bl);
    /* in place into an expanded (self-aliasing) tensor is refused; clamp with min > max gives max */
    pts_value row = mk1(PTS_FLOAT32, 1, (double[]){5});
    int64_t es = 3, est = 0;
    pts_value ex = pts_ret_tensor(pts_tensor_view_of(PTS_TENSOR(row)->storage, PTS_FLOAT32, 1, &es, &est, 0));
    CHECK(callk("aten::add_.Scalar", &r, 2, (pts_value[]){ex, pts_int(1)}, 0, NULL, NULL) == PTS_ERR_VALUE &&
              strstr(pts_err_message(), "more than one element"),
          "add_ on expanded refused: %s", pts_err_message());
    REL(ex);
    REL(row);
    r = call("aten::clamp", 3, (pts_value[]){u8, pts_int(100), pts_int(50)});
    CHECK(same_vals(r, 3, (double[]){50, 50, 50}, 0), "clamp min > max");
    REL(r);
    /* checked scalar conversion: 300 does not fit int8 */
    pts_value i8 = mk1(PTS_INT8, 2, (double[]){1, 2});
    CHECK(callk("aten::fill_.Scalar", &r, 2, (pts_value[]){i8, pts_int(300)}, 0, NULL, NULL) == PTS_ERR_VALUE &&
              strstr(pts_err_message(), "overflow"),
          "fill_ int8 300 refused: %s", pts_err_message());
    REL(i8);
    REL(u8);
    /* float -> int32 / int8 go through int32 (NaN -> INT32_MIN -> 0 for int8), uint8 through int64 */
    pts_value f = mk1(PTS_FLOAT64, 3, (double[]){NAN, 4294967340.0, -2147483604.0});
    pts_tensor *c32 = pts_tensor_to_dtype(PTS_TENSOR(f), PTS_INT32), *c8 = pts_tensor_to_dtype(PTS_TENSOR(f), PTS_INT8),
               *cu8 = pts_tensor_to_dtype(PTS_TENSOR(f), PTS_UINT8);
    pts_value v32 = pts_ret_tensor(c32), v8 = pts_ret_tensor(c8), vu8 = pts_ret_tensor(cu8);
    CHECK(same_vals(v32, 3, (double[]){-2147483648.0, -2147483648.0, -2147483604.0}, 0), "float -> int32 casts");
    CHECK(same_vals(v8, 3, (double[]){0, 0, 44}, 0), "float -> int8 casts");
    CHECK(same_vals(vu8, 3, (double[]){0, 44, 44}, 0), "float -> uint8 casts");
    REL(v32);
    REL(v8);
    REL(vu8);
    REL(f);
}

static void test_elementwise(void)
{
    double av[6] = {1, 2, 3, 4, 5, 6}, bv[3] = {10, 20, 30};
    pts_value a = mk2(PTS_FLOAT32, 2, 3, av), b = mk1(PTS_FLOAT32, 3, bv);
    pts_value r = call("aten::add.Tensor", 2, (pts_value[]){a, b});
    CHECK(shape_is(r, 2, (int64_t)2, (int64_t)3) && same_vals(r, 6, (double[]){11, 22, 33, 14, 25, 36}, 0), "broadcast add");
    REL(r);
    r = call("aten::mul.Scalar", 2, (pts_value[]){a, pts_float(0.5)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT32 && same_vals(r, 6, (double[]){0.5, 1, 1.5, 2, 2.5, 3}, 0), "mul scalar");
    REL(r);
    /* int tensor / int tensor -> float */
    double iv[4] = {7, -7, 6, 1};
    double jv[4] = {2, 2, 4, 3};
    pts_value i1 = mk1(PTS_INT64, 4, iv), i2 = mk1(PTS_INT64, 4, jv);
    r = call("aten::div.Tensor", 2, (pts_value[]){i1, i2});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT32 && same_vals(r, 4, (double[]){3.5, -3.5, 1.5, 1.0 / 3}, 1e-6), "true div");
    REL(r);
    pts_value fl = str("floor");
    r = pts_none();
    const char *kw[] = {"rounding_mode"};
    CHECK(callk("aten::div.Tensor_mode", &r, 2, (pts_value[]){i1, i2}, 1, kw, &fl) == PTS_OK &&
              PTS_TENSOR(r)->dtype == PTS_INT64 && same_vals(r, 4, (double[]){3, -4, 1, 0}, 0),
          "floor div ints");
    REL(r);
    REL(fl);
    r = call("aten::remainder.Tensor", 2, (pts_value[]){i1, i2});
    CHECK(same_vals(r, 4, (double[]){1, 1, 2, 1}, 0), "remainder python sign");
    REL(r);
    r = call("aten::fmod.Tensor", 2, (pts_value[]){i1, i2});
    CHECK(same_vals(r, 4, (double[]){1, -1, 2, 1}, 0), "fmod C sign");
    REL(r);
    pts_value zero = mk1(PTS_INT64, 4, (double[]){1, 0, 1, 1});
    CHECK(callk("aten::remainder.Tensor", &r, 2, (pts_value[]){i1, zero}, 0, NULL, NULL) != PTS_OK &&
              strstr(pts_err_message(), "ZeroDivisionError"),
          "int remainder by zero errors");
    REL(zero);
    /* comparisons */
    r = call("aten::gt.Scalar", 2, (pts_value[]){i1, pts_float(1.5)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_BOOL && same_vals(r, 4, (double[]){1, 0, 1, 0}, 0), "gt scalar");
    REL(r);
    /* unary on int -> float */
    r = call("aten::sqrt", 1, (pts_value[]){i2});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT32 && same_vals(r, 4, (double[]){sqrt(2), sqrt(2), 2, sqrt(3)}, 1e-6), "sqrt int");
    REL(r);
    /* float16 add rounds once */
    pts_value h = mk1(PTS_FLOAT16, 2, (double[]){1, 2048});
    r = call("aten::add.Scalar", 2, (pts_value[]){h, pts_float(1.0)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT16 && same_vals(r, 2, (double[]){2, 2048}, 0), "f16 add rounds (2049 -> 2048)");
    REL(r);
    REL(h);
    /* strided input: transposed view */
    pts_tensor *ta = PTS_TENSOR(a);
    int64_t ts[2] = {3, 2}, tst[2] = {1, 3};
    pts_value at_ = pts_ret_tensor(pts_tensor_view_of(ta->storage, PTS_FLOAT32, 2, ts, tst, 0));
    r = call("aten::neg", 1, (pts_value[]){at_});
    CHECK(shape_is(r, 2, (int64_t)3, (int64_t)2) && same_vals(r, 6, (double[]){-1, -4, -2, -5, -3, -6}, 0), "neg transposed");
    REL(r);
    /* in-place on a view changes the base: a.t().mul_(2) */
    r = call("aten::mul_.Scalar", 2, (pts_value[]){at_, pts_int(2)});
    CHECK(r.tag == PTS_T_TENSOR && r.u.o == at_.u.o, "in-place returns self");
    CHECK(same_vals(a, 6, (double[]){2, 4, 6, 8, 10, 12}, 0), "in-place through view changes base");
    REL(r);
    REL(at_);
    /* in-place type check */
    CHECK(callk("aten::add_.Scalar", &r, 2, (pts_value[]){i1, pts_float(0.5)}, 0, NULL, NULL) == PTS_ERR_TYPE &&
              strstr(pts_err_message(), "can't be cast"),
          "add_ float into int errors: %s", pts_err_message());
    /* clamp / where */
    r = call("aten::clamp", 3, (pts_value[]){a, pts_int(3), pts_int(9)});
    CHECK(same_vals(r, 6, (double[]){3, 4, 6, 8, 9, 9}, 0), "clamp");
    REL(r);
    pts_value cond = mk1(PTS_BOOL, 3, (double[]){1, 0, 1});
    r = call("aten::where.ScalarOther", 3, (pts_value[]){cond, b, pts_float(-1)});
    CHECK(same_vals(r, 3, (double[]){10, -1, 30}, 0), "where scalar other");
    REL(r);
    REL(cond);
    /* nan handling */
    pts_value nn = mk1(PTS_FLOAT32, 3, (double[]){NAN, INFINITY, -1});
    r = call("aten::nan_to_num", 1, (pts_value[]){nn});
    CHECK(same_vals(r, 3, (double[]){0, 3.4028234663852886e+38, -1}, 1e30), "nan_to_num");
    REL(r);
    pts_value ones = mk1(PTS_FLOAT32, 3, (double[]){1, 1, 1});
    r = call("aten::maximum", 2, (pts_value[]){nn, ones});
    CHECK(same_vals(r, 3, (double[]){NAN, INFINITY, 1}, 0), "maximum propagates nan");
    REL(r);
    REL(ones);
    REL(nn);
    REL(a);
    REL(b);
    REL(i1);
    REL(i2);
    test_elementwise_torch_rules();
}


static void test_shape(void)
{
    pts_value a = mk2(PTS_FLOAT32, 2, 3, NULL); /* 0..5 */
    pts_value r = call("aten::t", 1, (pts_value[]){a});
    CHECK(shape_is(r, 2, (int64_t)3, (int64_t)2) && r.u.o != a.u.o && PTS_TENSOR(r)->storage == PTS_TENSOR(a)->storage,
          "t is a view");
    pts_value v = pts_none();
    CHECK(callk("aten::view", &v, 2, (pts_value[]){r, int_list(1, (int64_t)6)}, 0, NULL, NULL) == PTS_ERR_VALUE,
          "view of transposed fails");
    pts_value shp = int_list(1, (int64_t)-1);
    pts_value rr = call("aten::reshape", 2, (pts_value[]){r, shp});
    CHECK(same_vals(rr, 6, (double[]){0, 3, 1, 4, 2, 5}, 0), "reshape of transposed copies");
    REL(rr);
    REL(r);
    pts_value sl = call("aten::slice.Tensor", 5, (pts_value[]){a, pts_int(1), pts_int(-2), pts_none(), pts_int(1)});
    CHECK(shape_is(sl, 2, (int64_t)2, (int64_t)2) && same_vals(sl, 4, (double[]){1, 2, 4, 5}, 0), "slice negative start");
    pts_value z = call("aten::zero_", 1, (pts_value[]){sl});
    CHECK(same_vals(a, 6, (double[]){0, 0, 0, 3, 0, 0}, 0), "zero_ on a slice changes the base");
    REL(z);
    REL(sl);
    pts_value lst;
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_TENSOR), 2);
    SETUP(pts_list_append(l, pts_value_retain(a)));
    SETUP(pts_list_append(l, pts_value_retain(a)));
    lst = pts_obj_value(&l->hdr);
    r = call("aten::cat", 2, (pts_value[]){lst, pts_int(1)});
    CHECK(shape_is(r, 2, (int64_t)2, (int64_t)6) && same_vals(r, 12, (double[]){0, 0, 0, 0, 0, 0, 3, 0, 0, 3, 0, 0}, 0), "cat dim 1");
    REL(r);
    r = call("aten::stack", 2, (pts_value[]){lst, pts_int(0)});
    CHECK(shape_is(r, 3, (int64_t)2, (int64_t)2, (int64_t)3), "stack");
    REL(r);
    REL(lst);
    pts_value b = mk2(PTS_INT64, 2, 3, NULL);
    r = call("aten::flip", 2, (pts_value[]){b, int_list(1, (int64_t)1)});
    CHECK(same_vals(r, 6, (double[]){2, 1, 0, 5, 4, 3}, 0), "flip");
    REL(r);
    r = call("aten::roll", 3, (pts_value[]){b, int_list(1, (int64_t)1), int_list(1, (int64_t)1)});
    CHECK(same_vals(r, 6, (double[]){2, 0, 1, 5, 3, 4}, 0), "roll");
    REL(r);
    pts_value reps = int_list(2, (int64_t)2, (int64_t)1);
    r = call("aten::repeat", 2, (pts_value[]){b, reps});
    CHECK(shape_is(r, 2, (int64_t)4, (int64_t)3) && same_vals(r, 12, (double[]){0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, 0), "repeat");
    REL(r);
    r = call("aten::chunk", 3, (pts_value[]){b, pts_int(2), pts_int(1)});
    CHECK(r.tag == PTS_T_LIST && PTS_LIST(r)->len == 2 && shape_is(PTS_LIST(r)->items[1], 2, (int64_t)2, (int64_t)1),
          "chunk 3 into 2");
    REL(r);
    pts_value exp_shape = int_list(3, (int64_t)4, (int64_t)2, (int64_t)-1);
    r = call("aten::expand", 2, (pts_value[]){b, exp_shape});
    CHECK(shape_is(r, 3, (int64_t)4, (int64_t)2, (int64_t)3) && PTS_TENSOR(r)->strides[0] == 0, "expand");
    pts_value s2 = call("aten::sum.dim_IntList", 2, (pts_value[]){r, int_list(1, (int64_t)0)});
    CHECK(PTS_TENSOR(s2)->dtype == PTS_INT64 && same_vals(s2, 6, (double[]){0, 4, 8, 12, 16, 20}, 0), "sum over expanded dim");
    REL(s2);
    REL(r);
    r = call("aten::size", 1, (pts_value[]){b});
    CHECK(r.tag == PTS_T_LIST && PTS_LIST(r)->len == 2 && PTS_LIST(r)->items[1].u.i == 3, "size()");
    REL(r);
    REL(b);
    REL(a);
}

static void test_create_reduce_index(void)
{
    pts_value r = call("aten::arange.start_step", 3, (pts_value[]){pts_int(1), pts_float(2.0), pts_float(0.25)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_FLOAT32 && same_vals(r, 4, (double[]){1, 1.25, 1.5, 1.75}, 0), "arange float");
    REL(r);
    r = call("aten::arange", 1, (pts_value[]){pts_int(5)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_INT64 && pts_tensor_numel(PTS_TENSOR(r)) == 5, "arange int");
    REL(r);
    pts_value shp = int_list(2, (int64_t)2, (int64_t)2);
    r = call("aten::full", 2, (pts_value[]){shp, pts_int(7)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_INT64 && same_vals(r, 4, (double[]){7, 7, 7, 7}, 0), "full int -> int64");
    REL(r);
    pts_value dev = pts_device_value(1, 0);
    const char *kw[] = {"device"};
    CHECK(callk("aten::zeros", &r, 1, &shp, 1, kw, &dev) == PTS_ERR_UNSUPPORTED && strstr(pts_err_message(), "CPU only"),
          "cuda device rejected");
    pts_list *rows = pts_list_new(NULL, 2);
    pts_list *r0 = pts_list_new(NULL, 2), *r1 = pts_list_new(NULL, 2);
    SETUP(pts_list_append(r0, pts_int(1)));
    SETUP(pts_list_append(r0, pts_float(2.5)));
    SETUP(pts_list_append(r1, pts_int(3)));
    SETUP(pts_list_append(r1, pts_int(4)));
    SETUP(pts_list_append(rows, pts_obj_value(&r0->hdr)));
    SETUP(pts_list_append(rows, pts_obj_value(&r1->hdr)));
    pts_value data = pts_obj_value(&rows->hdr);
    pts_value x = call("aten::tensor", 1, (pts_value[]){data});
    CHECK(PTS_TENSOR(x)->dtype == PTS_FLOAT32 && shape_is(x, 2, (int64_t)2, (int64_t)2) &&
              same_vals(x, 4, (double[]){1, 2.5, 3, 4}, 0),
          "tensor from nested list");
    REL(data);
    r = call("aten::to.dtype", 2, (pts_value[]){x, pts_int(PTS_INT32)});
    CHECK(PTS_TENSOR(r)->dtype == PTS_INT32 && same_vals(r, 4, (double[]){1, 2, 3, 4}, 0), "to int32");
    REL(r);
    r = call("aten::to.dtype", 2, (pts_value[]){x, pts_int(PTS_FLOAT32)});
    CHECK(r.u.o == x.u.o, "to same dtype returns self");
    REL(r);
    /* reductions */
    r = call("aten::mean.dim", 3, (pts_value[]){x, int_list(1, (int64_t)1), pts_bool(true)});
    CHECK(shape_is(r, 2, (int64_t)2, (int64_t)1) && same_vals(r, 2, (double[]){1.75, 3.5}, 1e-6), "mean keepdim");
    REL(r);
    pts_value vals = pts_none();
    const pts_op *mx = pts_ops_find("aten::max.dim");
    pts_value rets[2];
    CHECK(pts_ops_call(mx, 2, (pts_value[]){x, pts_int(0)}, 0, NULL, NULL, rets) == PTS_OK &&
              same_vals(rets[0], 2, (double[]){3, 4}, 0) && same_vals(rets[1], 2, (double[]){1, 1}, 0),
          "max.dim values+indices");
    REL(rets[0]);
    REL(rets[1]);
    (void)vals;
    r = call("aten::var", 1, (pts_value[]){x});
    CHECK(same_vals(r, 1, (double[]){1.5625}, 1e-6), "var unbiased (got %g)", at(r, 0));
    REL(r);
    r = call("aten::norm.Scalar", 1, (pts_value[]){x});
    CHECK(same_vals(r, 1, (double[]){sqrt(1 + 6.25 + 9 + 16)}, 1e-5), "norm 2");
    REL(r);
    r = call("aten::cumsum", 2, (pts_value[]){x, pts_int(0)});
    CHECK(same_vals(r, 4, (double[]){1, 2.5, 4, 6.5}, 0), "cumsum dim 0");
    REL(r);
    r = call("aten::argmax", 1, (pts_value[]){x});
    CHECK(PTS_TENSOR(r)->ndim == 0 && at(r, 0) == 3, "argmax flat");
    REL(r);
    /* indexing */
    pts_value idx = mk1(PTS_INT64, 3, (double[]){1, 0, -1});
    pts_list *il = pts_list_new(NULL, 2);
    SETUP(pts_list_append(il, pts_none()));
    SETUP(pts_list_append(il, pts_value_retain(idx)));
    pts_value ilv = pts_obj_value(&il->hdr);
    r = call("aten::index.Tensor", 2, (pts_value[]){x, ilv});
    CHECK(shape_is(r, 2, (int64_t)2, (int64_t)3) && same_vals(r, 6, (double[]){2.5, 1, 2.5, 4, 3, 4}, 0), "x[:, idx]");
    REL(r);
    REL(ilv);
    pts_value mask = mk2(PTS_BOOL, 2, 2, (double[]){1, 0, 0, 1});
    pts_list *ml = pts_list_new(NULL, 1);
    SETUP(pts_list_append(ml, pts_value_retain(mask)));
    pts_value mlv = pts_obj_value(&ml->hdr);
    r = call("aten::index.Tensor", 2, (pts_value[]){x, mlv});
    CHECK(shape_is(r, 1, (int64_t)2) && same_vals(r, 2, (double[]){1, 4}, 0), "x[mask]");
    REL(r);
    pts_value nine = mk1(PTS_FLOAT32, 1, (double[]){9});
    r = call("aten::index_put_", 3, (pts_value[]){x, mlv, nine});
    CHECK(same_vals(x, 4, (double[]){9, 2.5, 3, 9}, 0), "x[mask] = 9");
    REL(r);
    REL(nine);
    REL(mlv);
    r = call("aten::masked_fill.Scalar", 3, (pts_value[]){x, mask, pts_int(0)});
    CHECK(same_vals(r, 4, (double[]){0, 2.5, 3, 0}, 0), "masked_fill");
    REL(r);
    REL(mask);
    pts_value gi = mk2(PTS_INT64, 2, 1, (double[]){1, 0});
    r = call("aten::gather", 3, (pts_value[]){x, pts_int(1), gi});
    CHECK(same_vals(r, 2, (double[]){2.5, 3}, 0), "gather");
    REL(r);
    pts_value z = mk2(PTS_FLOAT32, 2, 2, (double[]){0, 0, 0, 0});
    r = call("aten::scatter_add", 4, (pts_value[]){z, pts_int(1), gi, x});
    CHECK(same_vals(r, 4, (double[]){0, 9, 3, 0}, 0), "scatter_add");
    REL(r);
    REL(z);
    REL(gi);
    pts_value w = mk2(PTS_FLOAT32, 3, 2, NULL);
    pts_value ei = mk1(PTS_INT64, 2, (double[]){2, 0});
    r = call("aten::embedding", 2, (pts_value[]){w, ei});
    CHECK(shape_is(r, 2, (int64_t)2, (int64_t)2) && same_vals(r, 4, (double[]){4, 5, 0, 1}, 0), "embedding");
    REL(r);
    pts_value bad = mk1(PTS_INT64, 1, (double[]){3});
    CHECK(callk("aten::embedding", &r, 2, (pts_value[]){w, bad}, 0, NULL, NULL) == PTS_ERR_INDEX &&
              strstr(pts_err_message(), "out of bounds"),
          "index out of range: %s", pts_err_message());
    REL(bad);
    REL(ei);
    REL(w);
    REL(idx);
    REL(x);
}

/* ---- the random generator -------------------------------------------------------------------- */

/* torch's engine is std::mt19937: with seed 5489 its 1st output is 3499211612
 * and its 10000th 4123659995 (both required by the C++ standard). */
static void test_random(void)
{
    pts_rng *g = pts_rng_default();
    pts_rng_manual_seed(g, 5489);
    pts_rng_lock(g);
    uint32_t first = pts_rng_u32(g), last = 0;
    for (int i = 1; i < 10000; i++)
        last = pts_rng_u32(g);
    pts_rng_unlock(g);
    CHECK(first == 3499211612u && last == 4123659995u, "mt19937 stream: %u %u", first, last);
    CHECK(pts_rng_initial_seed(g) == 5489, "initial seed");
    /* rand: the low 24 bits of each output over 2^24 */
    pts_rng_manual_seed(g, 5489);
    pts_value r = call("aten::rand", 1, (pts_value[]){int_list(1, (int64_t)3)});
    CHECK(r.tag == PTS_T_TENSOR && ((float *)pts_tensor_data(PTS_ARG_TENSOR(r)))[0] == (float)(3499211612u & 0xFFFFFFu) * 0x1p-24f,
          "rand from the stream");
    REL(r);
    /* a Generator argument of another kind is refused */
    pts_rng *out = NULL;
    CHECK(pts_rng_from_arg(pts_int(3), "t", &out) != PTS_OK, "int generator refused");
    CHECK(pts_rng_from_arg(pts_none(), "t", &out) == PTS_OK && out == g, "None: the default generator");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_schema_basic();
    if (argc > 1)
        test_schema_file(argv[1]);
    test_registry();
    test_promote();
    test_convert();
    test_iter();
    test_parallel();
    test_parallel_busy_pool();
    test_elementwise();
    test_shape();
    test_create_reduce_index();
    test_random();
    for (int i = 0; i < npool; i++)
        REL(pool[i]);
    return check_summary();
}
