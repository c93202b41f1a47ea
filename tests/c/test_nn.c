// test_nn.c - tests of the nn kernels (csrc/ops/linalg/matmul.c and csrc/ops/nn:
// conv, pool, norm, activation, resample) on small hand-derived cases.
//
// Build and run from the repository root:
//   gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc $(pkg-config --cflags openblas)
//       csrc/core/*.c csrc/value/*.c csrc/tensor/*.c $(find csrc/ops -name '*.c') tests/c/test_nn.c
//       $(pkg-config --libs openblas) -lm -lpthread -o /tmp/test_nn && /tmp/test_nn
// (one command line).
//
/* Kernels are called straight from their family tables (pts_ops_<family>),
 * found by schema name, with every argument given explicitly; each schema
 * string of the six tables is also parsed.  Expected values are worked out
 * by hand (delta kernels, sums of arange blocks, known statistics...).
 * Every case runs with 1 and with 2 threads, and nothing may leak.
 * The last line printed is "N passed, N failed"; the exit status is nonzero
 * on failure.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ops/registry.h"
#include "tensor/convert.h"
#include "tensor/parallel.h"
#include "tensor/tensor.h"
#include "value/type.h"

/* a failure names the case being run */
#define CHECK_DETAIL() printf(" [%s]", where)
#include "check.h"

extern const pts_op_def pts_ops_matmul[], pts_ops_conv[], pts_ops_pool[], pts_ops_norm[], pts_ops_activation[],
    pts_ops_resample[];
static const pts_op_def *const tables[] = {pts_ops_matmul, pts_ops_conv, pts_ops_pool,
                                           pts_ops_norm, pts_ops_activation, pts_ops_resample};
#define NTABLES 6

static char where[256];

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", where);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    check_nfail++;
}

/* ---- values ----------------------------------------------------------------------- */

/* A contiguous tensor of dtype holding vals (as doubles). */
static pts_value tens(int dtype, int ndim, const int64_t *sizes, const double *vals)
{
    pts_tensor *t = pts_tensor_empty(dtype, ndim, sizes);
    if (!t) {
        printf("cannot allocate a tensor\n");
        exit(2);
    }
    int64_t n = pts_tensor_numel(t);
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < n; i++)
        pts_store_f64((char *)pts_tensor_data(t) + i * isz, dtype, vals ? vals[i] : (double)i);
    return pts_obj_value(&t->hdr);
}

#define SZ(...) ((const int64_t[]){__VA_ARGS__})
#define VALS(...) ((const double[]){__VA_ARGS__})
#define F32 PTS_FLOAT32
#define F64 PTS_FLOAT64
#define NAN_ (0.0 / 0.0)

static pts_value ilist(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), n);
    for (int i = 0; i < n; i++)
        SETUP(pts_list_append(l, pts_int(va_arg(ap, int))));
    va_end(ap);
    return pts_obj_value(&l->hdr);
}

static pts_value flist(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_FLOAT), n);
    for (int i = 0; i < n; i++)
        SETUP(pts_list_append(l, pts_float(va_arg(ap, double))));
    va_end(ap);
    return pts_obj_value(&l->hdr);
}

static pts_value str(const char *s)
{
    pts_value v;
    if (pts_value_str(s, strlen(s), &v) != PTS_OK)
        exit(2);
    return v;
}

/* A strided view of t's storage (new value; t is borrowed). */
static pts_value view(pts_value t, int ndim, const int64_t *sizes, const int64_t *strides, int64_t offset)
{
    pts_tensor *b = PTS_TENSOR(t);
    pts_tensor *v = pts_tensor_view_of(b->storage, b->dtype, ndim, sizes, strides, offset);
    if (!v)
        exit(2);
    return pts_obj_value(&v->hdr);
}

/* ---- calling kernels --------------------------------------------------------------- */

/* The op def whose schema is exactly "aten::<name>(" (name may carry ".overload"). */
static const pts_op_def *find_def(const char *name)
{
    char pre[160];
    snprintf(pre, sizeof pre, "aten::%s(", name);
    for (int t = 0; t < NTABLES; t++)
        for (const pts_op_def *d = tables[t]; d->schema; d++)
            if (strncmp(d->schema, pre, strlen(pre)) == 0)
                return d;
    return NULL;
}

/* Call op `name` with nargs values (consumed); rets get the results.
 * Returns the kernel's status (-1 if the op or arity is wrong). */
static int call(const char *name, pts_value *rets, int nargs, ...)
{
    pts_value args[32];
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        args[i] = va_arg(ap, pts_value);
    va_end(ap);
    const pts_op_def *d = find_def(name);
    pts_schema s;
    int st = -1;
    if (!d) {
        fail("no op %s", name);
    } else if (pts_schema_parse(d->schema, &s) != PTS_OK) {
        fail("schema of %s does not parse: %s", name, pts_err_message());
    } else {
        if (s.nargs != nargs) {
            fail("%s takes %d args, the test gave %d", name, s.nargs, nargs);
        } else {
            for (int i = 0; i < s.nrets; i++)
                rets[i] = pts_none();
            st = d->fn(NULL, args, rets);
            if (st != PTS_OK)
                for (int i = 0; i < s.nrets; i++)
                    pts_value_clear(&rets[i]);
        }
        pts_schema_free(&s);
    }
    for (int i = 0; i < nargs; i++)
        pts_value_release(args[i]);
    return st;
}

/* Compare a result tensor with expected shape and values (NaN == NaN). */
static void expect(pts_value r, int dtype, int ndim, const int64_t *sizes, const double *vals, double tol)
{
    if (r.tag != PTS_T_TENSOR) {
        fail("result is not a tensor");
        return;
    }
    pts_tensor *t = PTS_TENSOR(r);
    if (t->dtype != dtype) {
        fail("dtype %d, expected %d", t->dtype, dtype);
        return;
    }
    if (t->ndim != ndim) {
        fail("ndim %d, expected %d", t->ndim, ndim);
        return;
    }
    for (int d = 0; d < ndim; d++)
        if (t->sizes[d] != sizes[d]) {
            fail("size[%d] = %lld, expected %lld", d, (long long)t->sizes[d], (long long)sizes[d]);
            return;
        }
    int64_t n = pts_tensor_numel(t), idx[PTS_MAX_DIMS] = {0};
    int isz = pts_dtype_get(dtype)->itemsize;
    for (int64_t i = 0; i < n; i++) {
        int64_t off = 0;
        for (int d = 0; d < ndim; d++)
            off += idx[d] * t->strides[d];
        double v = pts_load_f64((const char *)pts_tensor_data(t) + off * isz, dtype), e = vals[i];
        bool ok = (isnan(e) && isnan(v)) || fabs(v - e) <= tol * (1 + fabs(e));
        if (!ok) {
            fail("element %lld = %.9g, expected %.9g", (long long)i, v, e);
            return;
        }
        for (int d = ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->sizes[d])
                break;
            idx[d] = 0;
        }
    }
    check_npass++;
}

/* Run a call that must succeed, compare rets[k] and release all rets. */
#define OK(st) CHECK((st) == PTS_OK, "status %d: %s", (int)(st), pts_err_message())

static void release(pts_value *rets, int n)
{
    for (int i = 0; i < n; i++)
        pts_value_clear(&rets[i]);
}

/* ---- schemas ------------------------------------------------------------------------- */

static void test_schemas(void)
{
    snprintf(where, sizeof where, "schemas");
    int n = 0, dups = 0;
    for (int t = 0; t < NTABLES; t++)
        for (const pts_op_def *d = tables[t]; d->schema; d++, n++) {
            pts_schema s;
            pts_status st = pts_schema_parse(d->schema, &s);
            CHECK(st == PTS_OK && d->fn, "%s: %s", d->schema, pts_err_message());
            if (st == PTS_OK)
                pts_schema_free(&s);
            for (int u = 0; u < NTABLES; u++) /* no duplicate names */
                for (const pts_op_def *e = tables[u]; e->schema; e++) {
                    size_t a = strcspn(d->schema, "("), b = strcspn(e->schema, "(");
                    if (e != d && a == b && strncmp(d->schema, e->schema, a) == 0) {
                        fail("duplicate %.*s", (int)a, d->schema);
                        dups++;
                    }
                }
        }
    CHECK(dups == 0, "%d duplicates", dups);
    CHECK(n > 100, "only %d ops registered", n);
}

/* ---- linalg ---------------------------------------------------------------------------- */

static void test_linalg(void)
{
    pts_value r[3];
    int dts[3] = {F32, F64, PTS_INT64};
    for (int k = 0; k < 3; k++) {
        int dt = dts[k];
        snprintf(where, sizeof where, "mm dtype %d", dt);
        OK(call("mm", r, 2, tens(dt, 2, SZ(2, 2), VALS(1, 2, 3, 4)), tens(dt, 2, SZ(2, 2), VALS(5, 6, 7, 8))));
        expect(r[0], dt, 2, SZ(2, 2), VALS(19, 22, 43, 50), 1e-6);
        release(r, 1);
    }
    snprintf(where, sizeof where, "matmul dot");
    OK(call("matmul", r, 2, tens(F32, 1, SZ(3), VALS(1, 2, 3)), tens(F32, 1, SZ(3), VALS(4, 5, 6))));
    expect(r[0], F32, 0, SZ(0), VALS(32), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "matmul broadcast batch");
    double ones[64];
    for (int i = 0; i < 64; i++)
        ones[i] = 1;
    OK(call("matmul", r, 2, tens(F32, 4, SZ(2, 1, 3, 4), ones), tens(F32, 3, SZ(5, 4, 2), ones)));
    double fours[60];
    for (int i = 0; i < 60; i++)
        fours[i] = 4;
    expect(r[0], F32, 4, SZ(2, 5, 3, 2), fours, 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "matmul matrix-vector, vector-matrix");
    OK(call("matmul", r, 2, tens(F64, 2, SZ(2, 3), NULL), tens(F64, 1, SZ(3), VALS(1, 1, 1))));
    expect(r[0], F64, 1, SZ(2), VALS(3, 12), 1e-12);
    release(r, 1);
    OK(call("matmul", r, 2, tens(F64, 1, SZ(2), VALS(1, 1)), tens(F64, 2, SZ(2, 3), NULL)));
    expect(r[0], F64, 1, SZ(3), VALS(3, 5, 7), 1e-12);
    release(r, 1);

    snprintf(where, sizeof where, "matmul transposed operand (view)");
    pts_value base = tens(F32, 2, SZ(3, 2), VALS(1, 3, 2, 4, 0, 0)); /* [[1,3],[2,4],[0,0]] */
    pts_value at = view(base, 2, SZ(2, 2), SZ(1, 2), 0);              /* [[1,2],[3,4]] */
    pts_value_release(base);
    OK(call("matmul", r, 2, at, tens(F32, 2, SZ(2, 1), VALS(1, 1))));
    expect(r[0], F32, 2, SZ(2, 1), VALS(3, 7), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "addmm beta/alpha");
    OK(call("addmm", r, 5, tens(F32, 1, SZ(2), VALS(1, 1)), tens(F32, 2, SZ(2, 2), VALS(1, 0, 0, 1)),
            tens(F32, 2, SZ(2, 2), VALS(1, 2, 3, 4)), pts_int(2), pts_float(3.0)));
    expect(r[0], F32, 2, SZ(2, 2), VALS(5, 8, 11, 14), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "addmm beta=0 ignores NaN");
    OK(call("addmm", r, 5, tens(F32, 2, SZ(1, 1), VALS(NAN_)), tens(F32, 2, SZ(1, 1), VALS(2)),
            tens(F32, 2, SZ(1, 1), VALS(3)), pts_int(0), pts_int(1)));
    expect(r[0], F32, 2, SZ(1, 1), VALS(6), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "linear 3-D input with bias");
    OK(call("linear", r, 3, tens(F32, 3, SZ(2, 3, 4), ones), tens(F32, 2, SZ(2, 4), NULL),
            tens(F32, 1, SZ(2), VALS(10, 20))));
    double lin[12];
    for (int i = 0; i < 12; i++)
        lin[i] = i % 2 ? 42 : 16;
    expect(r[0], F32, 3, SZ(2, 3, 2), lin, 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "dot strided, mv, bmm, baddbmm, addmv");
    base = tens(F64, 1, SZ(6), VALS(1, 9, 2, 9, 3, 9));
    OK(call("dot", r, 2, view(base, 1, SZ(3), SZ(2), 0), tens(F64, 1, SZ(3), VALS(1, 1, 1))));
    pts_value_release(base);
    expect(r[0], F64, 0, SZ(0), VALS(6), 1e-12);
    release(r, 1);
    OK(call("mv", r, 2, tens(F32, 2, SZ(2, 2), VALS(1, 2, 3, 4)), tens(F32, 1, SZ(2), VALS(1, -1))));
    expect(r[0], F32, 1, SZ(2), VALS(-1, -1), 1e-6);
    release(r, 1);
    OK(call("bmm", r, 2, tens(F32, 3, SZ(2, 1, 2), VALS(1, 2, 3, 4)), tens(F32, 3, SZ(2, 2, 1), VALS(1, 1, 2, 2))));
    expect(r[0], F32, 3, SZ(2, 1, 1), VALS(3, 14), 1e-6);
    release(r, 1);
    OK(call("baddbmm", r, 5, tens(F32, 1, SZ(1), VALS(1)), tens(F32, 3, SZ(2, 1, 2), VALS(1, 2, 3, 4)),
            tens(F32, 3, SZ(2, 2, 1), VALS(1, 1, 2, 2)), pts_float(0.5), pts_int(2)));
    expect(r[0], F32, 3, SZ(2, 1, 1), VALS(6.5, 28.5), 1e-6);
    release(r, 1);
    OK(call("addmv", r, 5, tens(F32, 1, SZ(2), VALS(1, 2)), tens(F32, 2, SZ(2, 2), VALS(1, 2, 3, 4)),
            tens(F32, 1, SZ(2), VALS(1, 1)), pts_int(1), pts_int(1)));
    expect(r[0], F32, 1, SZ(2), VALS(4, 9), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "empty products");
    OK(call("mm", r, 2, tens(F32, 2, SZ(0, 3), NULL), tens(F32, 2, SZ(3, 2), NULL)));
    expect(r[0], F32, 2, SZ(0, 2), NULL, 0);
    release(r, 1);
    OK(call("mm", r, 2, tens(F32, 2, SZ(2, 0), NULL), tens(F32, 2, SZ(0, 2), NULL)));
    expect(r[0], F32, 2, SZ(2, 2), VALS(0, 0, 0, 0), 0);
    release(r, 1);

    snprintf(where, sizeof where, "errors");
    CHECK(call("mm", r, 2, tens(F32, 2, SZ(2, 3), NULL), tens(F32, 2, SZ(2, 3), NULL)) == PTS_ERR_VALUE, "shape mismatch");
    CHECK(call("mm", r, 2, tens(F32, 2, SZ(2, 2), NULL), tens(F64, 2, SZ(2, 2), NULL)) == PTS_ERR_TYPE, "dtype mismatch");
    CHECK(call("matmul", r, 2, tens(F32, 0, SZ(0), NULL), tens(F32, 1, SZ(1), NULL)) == PTS_ERR_VALUE, "0-d matmul");
}

/* ---- conv ------------------------------------------------------------------------------- */

static void test_conv(void)
{
    pts_value r[1];
    int dts[2] = {F32, F64};
    for (int k = 0; k < 2; k++) {
        int dt = dts[k];
        snprintf(where, sizeof where, "conv2d delta kernel dtype %d", dt);
        double w[36] = {0}; /* delta kernels: oc0 = ic0, oc1 = 2 * ic1 */
        w[4] = 1;
        w[18 + 9 + 4] = 2;
        double x[2 * 2 * 3 * 4];
        for (int i = 0; i < 48; i++)
            x[i] = i;
        double y[48];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 12; i++) {
                y[n * 24 + i] = x[n * 24 + i] + 0.5;
                y[n * 24 + 12 + i] = 2 * x[n * 24 + 12 + i] - 1;
            }
        OK(call("conv2d", r, 7, tens(dt, 4, SZ(2, 2, 3, 4), x), tens(dt, 4, SZ(2, 2, 3, 3), w),
                tens(dt, 1, SZ(2), VALS(0.5, -1)), ilist(2, 1, 1), ilist(2, 1, 1), ilist(2, 1, 1), pts_int(1)));
        expect(r[0], dt, 4, SZ(2, 2, 3, 4), y, 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "conv2d 2x2 ones stride 2 on arange");
        double one4[4] = {1, 1, 1, 1};
        OK(call("conv2d", r, 7, tens(dt, 4, SZ(1, 1, 4, 4), NULL), tens(dt, 4, SZ(1, 1, 2, 2), one4), pts_none(),
                ilist(2, 2, 2), ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)));
        expect(r[0], dt, 4, SZ(1, 1, 2, 2), VALS(10, 18, 42, 50), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "depthwise 3x3 ones, padding 1");
        double w9[18];
        for (int i = 0; i < 18; i++)
            w9[i] = i < 9 ? 1 : 2;
        double xo[32];
        for (int i = 0; i < 32; i++)
            xo[i] = 1;
        double cnt[16] = {4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4}, yd[32];
        for (int i = 0; i < 16; i++) {
            yd[i] = cnt[i];
            yd[16 + i] = 2 * cnt[i] + 1;
        }
        OK(call("conv2d", r, 7, tens(dt, 4, SZ(1, 2, 4, 4), xo), tens(dt, 4, SZ(2, 1, 3, 3), w9),
                tens(dt, 1, SZ(2), VALS(0, 1)), ilist(2, 1, 1), ilist(2, 1, 1), ilist(2, 1, 1), pts_int(2)));
        expect(r[0], dt, 4, SZ(1, 2, 4, 4), yd, 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "depthwise stride 2");
        OK(call("conv2d", r, 7, tens(dt, 4, SZ(1, 2, 4, 4), xo), tens(dt, 4, SZ(2, 1, 3, 3), w9), pts_none(),
                ilist(2, 2, 2), ilist(2, 1, 1), ilist(2, 1, 1), pts_int(2)));
        expect(r[0], dt, 4, SZ(1, 2, 2, 2), VALS(4, 6, 6, 9, 8, 12, 12, 18), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "1x1 conv mixes channels");
        OK(call("conv2d", r, 7, tens(dt, 4, SZ(1, 2, 1, 3), VALS(1, 2, 3, 10, 20, 30)),
                tens(dt, 4, SZ(1, 2, 1, 1), VALS(1, 2)), pts_none(), ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 1, 1),
                pts_int(1)));
        expect(r[0], dt, 4, SZ(1, 1, 1, 3), VALS(21, 42, 63), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "conv_transpose2d stride 2 (+ output_padding)");
        OK(call("conv_transpose2d.input", r, 8, tens(dt, 4, SZ(1, 1, 2, 2), VALS(1, 2, 3, 4)),
                tens(dt, 4, SZ(1, 1, 1, 1), VALS(1)), pts_none(), ilist(2, 2, 2), ilist(2, 0, 0), ilist(2, 0, 0),
                pts_int(1), ilist(2, 1, 1)));
        expect(r[0], dt, 4, SZ(1, 1, 3, 3), VALS(1, 0, 2, 0, 0, 0, 3, 0, 4), 1e-6);
        release(r, 1);
        OK(call("conv_transpose2d.input", r, 8, tens(dt, 4, SZ(1, 1, 2, 2), VALS(1, 2, 3, 4)),
                tens(dt, 4, SZ(1, 1, 1, 1), VALS(1)), tens(dt, 1, SZ(1), VALS(5)), ilist(2, 2, 2), ilist(2, 0, 0),
                ilist(2, 1, 1), pts_int(1), ilist(2, 1, 1)));
        expect(r[0], dt, 4, SZ(1, 1, 4, 4), VALS(6, 5, 7, 5, 5, 5, 5, 5, 8, 5, 9, 5, 5, 5, 5, 5), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "conv_transpose1d overlapping kernel");
        OK(call("conv_transpose1d", r, 8, tens(dt, 3, SZ(1, 1, 2), VALS(1, 2)), tens(dt, 3, SZ(1, 1, 3), VALS(1, 1, 1)),
                pts_none(), ilist(1, 1), ilist(1, 0), ilist(1, 0), pts_int(1), ilist(1, 1)));
        expect(r[0], dt, 3, SZ(1, 1, 4), VALS(1, 3, 3, 2), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "conv1d padding='same' with an even kernel");
        OK(call("conv1d.padding", r, 7, tens(dt, 3, SZ(1, 1, 4), VALS(1, 2, 3, 4)), tens(dt, 3, SZ(1, 1, 2), VALS(1, 1)),
                pts_none(), ilist(1, 1), str("same"), ilist(1, 1), pts_int(1)));
        expect(r[0], dt, 3, SZ(1, 1, 4), VALS(3, 5, 7, 4), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "conv3d delta, unbatched input");
        double w27[27] = {0};
        w27[13] = 1;
        OK(call("conv3d", r, 7, tens(dt, 4, SZ(1, 2, 2, 2), NULL), tens(dt, 5, SZ(1, 1, 3, 3, 3), w27), pts_none(),
                ilist(3, 1, 1, 1), ilist(3, 1, 1, 1), ilist(3, 1, 1, 1), pts_int(1)));
        expect(r[0], dt, 4, SZ(1, 2, 2, 2), VALS(0, 1, 2, 3, 4, 5, 6, 7), 1e-6);
        release(r, 1);

        snprintf(where, sizeof where, "_convolution (traced form) with dilation");
        OK(call("_convolution", r, 13, tens(dt, 3, SZ(1, 1, 5), NULL), tens(dt, 3, SZ(1, 1, 2), VALS(1, 1)), pts_none(),
                ilist(1, 1), ilist(1, 0), ilist(1, 2), pts_bool(false), ilist(1, 0), pts_int(1), pts_bool(false),
                pts_bool(false), pts_bool(true), pts_bool(true)));
        expect(r[0], dt, 3, SZ(1, 1, 3), VALS(2, 4, 6), 1e-6);
        release(r, 1);
    }
    snprintf(where, sizeof where, "conv empty batch");
    OK(call("conv2d", r, 7, tens(F32, 4, SZ(0, 2, 4, 4), NULL), tens(F32, 4, SZ(3, 2, 3, 3), NULL), pts_none(),
            ilist(2, 1, 1), ilist(2, 1, 1), ilist(2, 1, 1), pts_int(1)));
    expect(r[0], F32, 4, SZ(0, 3, 4, 4), NULL, 0);
    release(r, 1);
    snprintf(where, sizeof where, "conv errors");
    CHECK(call("conv2d", r, 7, tens(F32, 4, SZ(1, 3, 4, 4), NULL), tens(F32, 4, SZ(2, 2, 3, 3), NULL), pts_none(),
               ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)) == PTS_ERR_VALUE, "channel mismatch");
    CHECK(call("conv2d", r, 7, tens(F32, 4, SZ(1, 1, 2, 2), NULL), tens(F32, 4, SZ(1, 1, 3, 3), NULL), pts_none(),
               ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)) == PTS_ERR_VALUE, "kernel too big");
    CHECK(call("conv2d.padding", r, 7, tens(F32, 4, SZ(1, 1, 4, 4), NULL), tens(F32, 4, SZ(1, 1, 3, 3), NULL),
               pts_none(), ilist(2, 2, 2), str("same"), ilist(2, 1, 1), pts_int(1)) == PTS_ERR_VALUE, "same + stride");
    /* integers: ATen convolves every integer type (transposed: int64 only), wrapping like the type */
    snprintf(where, sizeof where, "int64 conv: sums of 3x3 windows of arange(16)");
    OK(call("conv2d", r, 7, tens(PTS_INT64, 4, SZ(1, 1, 4, 4), NULL),
            tens(PTS_INT64, 4, SZ(1, 1, 3, 3), VALS(1, 1, 1, 1, 1, 1, 1, 1, 1)), pts_none(), ilist(2, 1, 1),
            ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)));
    expect(r[0], PTS_INT64, 4, SZ(1, 1, 2, 2), VALS(45, 54, 81, 90), 0);
    release(r, 1);
    snprintf(where, sizeof where, "int8 conv wraps: 100 x window sums mod 256");
    OK(call("conv2d", r, 7, tens(PTS_INT8, 4, SZ(1, 1, 4, 4), NULL),
            tens(PTS_INT8, 4, SZ(1, 1, 3, 3), VALS(100, 100, 100, 100, 100, 100, 100, 100, 100)), pts_none(),
            ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)));
    expect(r[0], PTS_INT8, 4, SZ(1, 1, 2, 2), VALS(-108, 24, -92, 40), 0);
    release(r, 1);
    snprintf(where, sizeof where, "int64 transposed conv: overlapping 2x2 ones");
    OK(call("conv_transpose2d.input", r, 8, tens(PTS_INT64, 4, SZ(1, 1, 2, 2), VALS(1, 1, 1, 1)),
            tens(PTS_INT64, 4, SZ(1, 1, 2, 2), VALS(1, 1, 1, 1)), pts_none(), ilist(2, 1, 1), ilist(2, 0, 0),
            ilist(2, 0, 0), pts_int(1), ilist(2, 1, 1)));
    expect(r[0], PTS_INT64, 4, SZ(1, 1, 3, 3), VALS(1, 2, 1, 2, 4, 2, 1, 2, 1), 0);
    release(r, 1);
    snprintf(where, sizeof where, "conv errors");
    CHECK(call("conv_transpose2d.input", r, 8, tens(PTS_INT32, 4, SZ(1, 1, 2, 2), NULL),
               tens(PTS_INT32, 4, SZ(1, 1, 2, 2), NULL), pts_none(), ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 0, 0),
               pts_int(1), ilist(2, 1, 1)) == PTS_ERR_UNSUPPORTED, "int32 transposed conv (ATen: int64 only)");
    CHECK(call("conv2d", r, 7, tens(PTS_BOOL, 4, SZ(1, 1, 4, 4), NULL), tens(PTS_BOOL, 4, SZ(1, 1, 3, 3), NULL),
               pts_none(), ilist(2, 1, 1), ilist(2, 0, 0), ilist(2, 1, 1), pts_int(1)) == PTS_ERR_UNSUPPORTED, "bool conv");
}

/* ---- pool --------------------------------------------------------------------------------- */

static void test_pool(void)
{
    pts_value r[2];
    snprintf(where, sizeof where, "max_pool2d_with_indices of arange");
    OK(call("max_pool2d_with_indices", r, 6, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(0),
            ilist(2, 0, 0), ilist(2, 1, 1), pts_bool(false)));
    expect(r[0], F32, 4, SZ(1, 1, 2, 2), VALS(5, 7, 13, 15), 0);
    expect(r[1], PTS_INT64, 4, SZ(1, 1, 2, 2), VALS(5, 7, 13, 15), 0);
    release(r, 2);

    snprintf(where, sizeof where, "max_pool2d ceil_mode");
    OK(call("max_pool2d", r, 6, tens(F64, 3, SZ(1, 5, 5), NULL), ilist(2, 2, 2), ilist(2, 2, 2), ilist(2, 0, 0),
            ilist(2, 1, 1), pts_bool(true)));
    expect(r[0], F64, 3, SZ(1, 3, 3), VALS(6, 8, 9, 16, 18, 19, 21, 23, 24), 0);
    release(r, 1);

    snprintf(where, sizeof where, "max_pool2d ceil_mode: last window must start inside");
    /* in 4, k 2, s 2, pad 1, ceil: (4+2-2+1)/2+1 = 3 -> window 2 starts at 3 < 4+1: kept */
    OK(call("max_pool2d", r, 6, tens(F32, 4, SZ(1, 1, 1, 4), NULL), ilist(2, 1, 2), ilist(2, 1, 2), ilist(2, 0, 1),
            ilist(2, 1, 1), pts_bool(true)));
    expect(r[0], F32, 4, SZ(1, 1, 1, 3), VALS(0, 2, 3), 0);
    release(r, 1);
    /* in 5, k 2, s 2, pad 1, ceil: div_rtn(5+2-2+1, 2)+1 = 4, but (4-1)*2 = 6 >= 5+1 -> 3 */
    OK(call("max_pool2d", r, 6, tens(F32, 4, SZ(1, 1, 1, 5), NULL), ilist(2, 1, 2), ilist(2, 1, 2), ilist(2, 0, 1),
            ilist(2, 1, 1), pts_bool(true)));
    expect(r[0], F32, 4, SZ(1, 1, 1, 3), VALS(0, 2, 4), 0);
    release(r, 1);

    snprintf(where, sizeof where, "max pool NaN propagation");
    OK(call("max_pool2d_with_indices", r, 6, tens(F32, 4, SZ(1, 1, 2, 2), VALS(1, NAN_, 3, 2)), ilist(2, 2, 2),
            ilist(0), ilist(2, 0, 0), ilist(2, 1, 1), pts_bool(false)));
    expect(r[0], F32, 4, SZ(1, 1, 1, 1), VALS(NAN_), 0);
    expect(r[1], PTS_INT64, 4, SZ(1, 1, 1, 1), VALS(1), 0);
    release(r, 2);
    OK(call("adaptive_max_pool1d", r, 2, tens(F32, 2, SZ(1, 4), VALS(NAN_, 5, NAN_, 1)), ilist(1, 1)));
    expect(r[0], F32, 2, SZ(1, 1), VALS(NAN_), 0);
    expect(r[1], PTS_INT64, 2, SZ(1, 1), VALS(2), 0); /* the last NaN wins */
    release(r, 2);

    snprintf(where, sizeof where, "avg_pool2d");
    OK(call("avg_pool2d", r, 7, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(0), ilist(2, 0, 0),
            pts_bool(false), pts_bool(true), pts_none()));
    expect(r[0], F32, 4, SZ(1, 1, 2, 2), VALS(2.5, 4.5, 10.5, 12.5), 1e-6);
    release(r, 1);
    /* padding 1: window (0,1) covers elements 1 and 2 */
    OK(call("avg_pool2d", r, 7, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(2, 2, 2), ilist(2, 1, 1),
            pts_bool(false), pts_bool(false), pts_none()));
    expect(r[0], F32, 4, SZ(1, 1, 3, 3), VALS(0, 1.5, 3, 6, 7.5, 9, 12, 13.5, 15), 1e-6);
    release(r, 1);
    OK(call("avg_pool2d", r, 7, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(2, 2, 2), ilist(2, 1, 1),
            pts_bool(false), pts_bool(true), pts_none()));
    expect(r[0], F32, 4, SZ(1, 1, 3, 3), VALS(0, 0.75, 0.75, 3, 7.5, 4.5, 3, 6.75, 3.75), 1e-6);
    release(r, 1);
    OK(call("avg_pool2d", r, 7, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(2, 2, 2), ilist(2, 1, 1),
            pts_bool(false), pts_bool(true), pts_int(1)));
    expect(r[0], F32, 4, SZ(1, 1, 3, 3), VALS(0, 3, 3, 12, 30, 18, 12, 27, 15), 1e-6);
    release(r, 1);
    OK(call("avg_pool1d", r, 6, tens(F64, 3, SZ(1, 1, 5), NULL), ilist(1, 3), ilist(1, 2), ilist(1, 0), pts_bool(true),
            pts_bool(true)));
    expect(r[0], F64, 3, SZ(1, 1, 2), VALS(1, 3), 1e-12); /* windows [0,3) and [2,5) */
    release(r, 1);

    snprintf(where, sizeof where, "adaptive avg pools");
    OK(call("adaptive_avg_pool2d", r, 2, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 1, 1)));
    expect(r[0], F32, 4, SZ(1, 1, 1, 1), VALS(7.5), 1e-6);
    release(r, 1);
    OK(call("adaptive_avg_pool2d", r, 2, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2)));
    expect(r[0], F32, 4, SZ(1, 1, 2, 2), VALS(2.5, 4.5, 10.5, 12.5), 1e-6);
    release(r, 1);
    OK(call("adaptive_avg_pool1d", r, 2, tens(F64, 2, SZ(1, 3), VALS(1, 2, 4)), ilist(1, 2)));
    expect(r[0], F64, 2, SZ(1, 2), VALS(1.5, 3), 1e-12);
    release(r, 1);

    snprintf(where, sizeof where, "max_pool3d / max_pool1d / integers");
    OK(call("max_pool3d", r, 6, tens(F32, 4, SZ(1, 2, 2, 2), NULL), ilist(3, 2, 2, 2), ilist(0), ilist(3, 0, 0, 0),
            ilist(3, 1, 1, 1), pts_bool(false)));
    expect(r[0], F32, 4, SZ(1, 1, 1, 1), VALS(7), 0);
    release(r, 1);
    OK(call("max_pool2d", r, 6, tens(PTS_INT64, 3, SZ(1, 1, 5), VALS(3, -1, 7, 2, 2)), ilist(2, 1, 2), ilist(2, 1, 1),
            ilist(2, 0, 0), ilist(2, 1, 2), pts_bool(false)));
    expect(r[0], PTS_INT64, 3, SZ(1, 1, 3), VALS(7, 2, 7), 0);
    release(r, 1);
    /* ATen's max_pool1d kernel is floating-point only */
    CHECK(call("max_pool1d", r, 6, tens(PTS_INT64, 2, SZ(1, 5), VALS(3, -1, 7, 2, 2)), ilist(1, 2), ilist(1, 1),
               ilist(1, 0), ilist(1, 2), pts_bool(false)) == PTS_ERR_UNSUPPORTED, "integer max_pool1d");

    snprintf(where, sizeof where, "pool errors");
    CHECK(call("max_pool2d", r, 6, tens(F32, 4, SZ(1, 1, 4, 4), NULL), ilist(2, 2, 2), ilist(0), ilist(2, 2, 2),
               ilist(2, 1, 1), pts_bool(false)) == PTS_ERR_VALUE, "pad > half kernel");
    CHECK(call("max_pool2d", r, 6, tens(F32, 4, SZ(1, 1, 1, 1), NULL), ilist(2, 2, 2), ilist(0), ilist(2, 0, 0),
               ilist(2, 1, 1), pts_bool(false)) == PTS_ERR_VALUE, "output too small");
}

/* ---- norm ------------------------------------------------------------------------------------ */

static void test_norm(void)
{
    pts_value r[3];
    snprintf(where, sizeof where, "batch_norm eval");
    OK(call("batch_norm", r, 9, tens(F32, 2, SZ(2, 2), VALS(1, 2, 3, 4)), tens(F32, 1, SZ(2), VALS(1, 2)),
            tens(F32, 1, SZ(2), VALS(0, 1)), tens(F32, 1, SZ(2), VALS(1, 2)), tens(F32, 1, SZ(2), VALS(4, 1)),
            pts_bool(false), pts_float(0.1), pts_float(0.0), pts_bool(true)));
    expect(r[0], F32, 2, SZ(2, 2), VALS(0, 1, 1, 5), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "native_batch_norm training updates running stats");
    pts_value rm = tens(F64, 1, SZ(1), VALS(0)), rv = tens(F64, 1, SZ(1), VALS(1));
    OK(call("native_batch_norm", r, 8, tens(F64, 3, SZ(2, 1, 1), VALS(1, 3)), pts_none(), pts_none(),
            pts_value_retain(rm), pts_value_retain(rv), pts_bool(true), pts_float(0.1), pts_float(0.0)));
    expect(r[0], F64, 3, SZ(2, 1, 1), VALS(-1, 1), 1e-12);
    expect(r[1], F64, 1, SZ(1), VALS(2), 1e-12);
    expect(r[2], F64, 1, SZ(1), VALS(1), 1e-12);
    expect(rm, F64, 1, SZ(1), VALS(0.2), 1e-12);
    expect(rv, F64, 1, SZ(1), VALS(1.1), 1e-12); /* 0.1 * unbiased var 2 + 0.9 * 1 */
    release(r, 3);
    pts_value_release(rm);
    pts_value_release(rv);

    snprintf(where, sizeof where, "_native_batch_norm_legit_no_training returns empty stats");
    OK(call("_native_batch_norm_legit_no_training", r, 7, tens(F32, 2, SZ(1, 1), VALS(3)), pts_none(), pts_none(),
            tens(F32, 1, SZ(1), VALS(1)), tens(F32, 1, SZ(1), VALS(4)), pts_float(0.1), pts_float(0.0)));
    expect(r[0], F32, 2, SZ(1, 1), VALS(1), 1e-6);
    expect(r[1], F32, 1, SZ(0), NULL, 0);
    release(r, 3);

    snprintf(where, sizeof where, "layer_norm / native_layer_norm");
    double s = 1 / sqrt(1.25);
    OK(call("native_layer_norm", r, 5, tens(F64, 2, SZ(2, 4), VALS(1, 2, 3, 4, 2, 2, 2, 2)), ilist(1, 4), pts_none(),
            pts_none(), pts_float(0.0)));
    expect(r[0], F64, 2, SZ(2, 4), VALS(-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s, NAN_, NAN_, NAN_, NAN_), 1e-12);
    expect(r[1], F64, 2, SZ(2, 1), VALS(2.5, 2), 1e-12);
    release(r, 3);
    OK(call("layer_norm", r, 6, tens(F32, 2, SZ(1, 4), VALS(1, 2, 3, 4)), ilist(1, 4), tens(F32, 1, SZ(4), VALS(2, 2, 2, 2)),
            tens(F32, 1, SZ(4), VALS(1, 1, 1, 1)), pts_float(0.0), pts_bool(true)));
    expect(r[0], F32, 2, SZ(1, 4), VALS(1 - 3 * s, 1 - s, 1 + s, 1 + 3 * s), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "group_norm");
    OK(call("group_norm", r, 6, tens(F32, 3, SZ(1, 4, 1), VALS(1, 3, 5, 9)), pts_int(2), pts_none(), pts_none(),
            pts_float(0.0), pts_bool(true)));
    expect(r[0], F32, 3, SZ(1, 4, 1), VALS(-1, 1, -1, 1), 1e-6);
    release(r, 1);
    OK(call("native_group_norm", r, 8, tens(F64, 3, SZ(1, 4, 1), VALS(1, 3, 5, 9)), pts_none(), pts_none(), pts_int(1),
            pts_int(4), pts_int(1), pts_int(2), pts_float(0.0)));
    expect(r[1], F64, 2, SZ(1, 2), VALS(2, 7), 1e-12);
    expect(r[2], F64, 2, SZ(1, 2), VALS(1, 0.5), 1e-12);
    release(r, 3);

    snprintf(where, sizeof where, "instance_norm");
    OK(call("instance_norm", r, 9, tens(F32, 3, SZ(1, 2, 2), VALS(1, 3, 10, 20)), pts_none(), pts_none(), pts_none(),
            pts_none(), pts_bool(true), pts_float(0.1), pts_float(0.0), pts_bool(true)));
    expect(r[0], F32, 3, SZ(1, 2, 2), VALS(-1, 1, -1, 1), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "norm errors");
    CHECK(call("batch_norm", r, 9, tens(F32, 2, SZ(2, 2), NULL), pts_none(), pts_none(), pts_none(), pts_none(),
               pts_bool(false), pts_float(0.1), pts_float(1e-5), pts_bool(true)) == PTS_ERR_VALUE, "eval without stats");
    CHECK(call("group_norm", r, 6, tens(F32, 3, SZ(1, 3, 1), NULL), pts_int(2), pts_none(), pts_none(), pts_float(0.0),
               pts_bool(true)) == PTS_ERR_VALUE, "groups do not divide channels");
}

/* ---- activation ---------------------------------------------------------------------------------- */

static void test_activation(void)
{
    pts_value r[1];
    snprintf(where, sizeof where, "relu keeps NaN");
    OK(call("relu", r, 1, tens(F32, 1, SZ(4), VALS(-1, 0, 2, NAN_))));
    expect(r[0], F32, 1, SZ(4), VALS(0, 0, 2, NAN_), 0);
    release(r, 1);

    snprintf(where, sizeof where, "relu_ writes through a strided view");
    pts_value base = tens(F32, 1, SZ(4), VALS(-1, -2, 3, -4));
    OK(call("relu_", r, 1, view(base, 1, SZ(2), SZ(2), 0)));
    CHECK(r[0].tag == PTS_T_TENSOR && PTS_TENSOR(r[0])->storage == PTS_TENSOR(base)->storage, "returns self");
    release(r, 1);
    expect(base, F32, 1, SZ(4), VALS(0, -2, 3, -4), 0);
    pts_value_release(base);

    snprintf(where, sizeof where, "in place on a float16 view");
    base = tens(PTS_FLOAT16, 1, SZ(4), VALS(-1, -2, 3, -4));
    OK(call("hardtanh_", r, 3, view(base, 1, SZ(2), SZ(1), 2), pts_int(-1), pts_float(2.5)));
    release(r, 1);
    expect(base, PTS_FLOAT16, 1, SZ(4), VALS(-1, -2, 2.5, -1), 0);
    pts_value_release(base);

    snprintf(where, sizeof where, "pointwise values");
    OK(call("relu6", r, 1, tens(F64, 1, SZ(3), VALS(-1, 3, 7))));
    expect(r[0], F64, 1, SZ(3), VALS(0, 3, 6), 0);
    release(r, 1);
    OK(call("leaky_relu", r, 2, tens(F64, 1, SZ(2), VALS(-2, 2)), pts_float(0.1)));
    expect(r[0], F64, 1, SZ(2), VALS(-0.2, 2), 1e-15);
    release(r, 1);
    OK(call("elu", r, 4, tens(F64, 1, SZ(2), VALS(-1, 2)), pts_int(1), pts_int(1), pts_int(1)));
    expect(r[0], F64, 1, SZ(2), VALS(exp(-1) - 1, 2), 1e-15);
    release(r, 1);
    OK(call("gelu", r, 2, tens(F64, 1, SZ(2), VALS(0, 1)), str("none")));
    expect(r[0], F64, 1, SZ(2), VALS(0, 0.8413447460685429), 1e-15);
    release(r, 1);
    OK(call("gelu", r, 2, tens(F64, 1, SZ(1), VALS(1)), str("tanh")));
    expect(r[0], F64, 1, SZ(1), VALS(0.8411919906082768), 1e-15);
    release(r, 1);
    OK(call("silu", r, 1, tens(F32, 1, SZ(1), VALS(1))));
    expect(r[0], F32, 1, SZ(1), VALS(0.7310585786300049), 1e-6);
    release(r, 1);
    OK(call("hardswish", r, 1, tens(F64, 1, SZ(3), VALS(-4, 1, 4))));
    expect(r[0], F64, 1, SZ(3), VALS(0, 4.0 / 6, 4), 1e-15);
    release(r, 1);
    OK(call("hardsigmoid", r, 1, tens(F64, 1, SZ(3), VALS(-4, 1, 4))));
    expect(r[0], F64, 1, SZ(3), VALS(0, 4.0 / 6, 1), 1e-15);
    release(r, 1);
    OK(call("softplus", r, 3, tens(F64, 1, SZ(2), VALS(0, 30)), pts_int(1), pts_int(20)));
    expect(r[0], F64, 1, SZ(2), VALS(log(2.0), 30), 1e-15);
    release(r, 1);
    OK(call("threshold", r, 3, tens(F64, 1, SZ(3), VALS(0, 1, 2)), pts_int(1), pts_int(-5)));
    expect(r[0], F64, 1, SZ(3), VALS(-5, -5, 2), 0);
    release(r, 1);
    OK(call("relu", r, 1, tens(PTS_INT32, 1, SZ(2), VALS(-3, 3))));
    expect(r[0], PTS_INT32, 1, SZ(2), VALS(0, 3), 0);
    release(r, 1);

    snprintf(where, sizeof where, "softmax / log_softmax");
    OK(call("softmax.int", r, 3, tens(F64, 1, SZ(3), VALS(1, 2, 3)), pts_int(0), pts_none()));
    expect(r[0], F64, 1, SZ(3), VALS(0.09003057317038046, 0.24472847105479767, 0.6652409557748219), 1e-15);
    release(r, 1);
    OK(call("softmax.int", r, 3, tens(F32, 2, SZ(2, 2), VALS(0, 0, 1, 1)), pts_int(0), pts_int(F64)));
    double a = 1 / (1 + exp(1.0));
    expect(r[0], F64, 2, SZ(2, 2), VALS(a, a, 1 - a, 1 - a), 1e-7);
    release(r, 1);
    OK(call("log_softmax.int", r, 3, tens(F64, 1, SZ(2), VALS(0, 0)), pts_int(-1), pts_none()));
    expect(r[0], F64, 1, SZ(2), VALS(-log(2.0), -log(2.0)), 1e-15);
    release(r, 1);
    OK(call("_softmax", r, 3, tens(F32, 0, SZ(0), VALS(5)), pts_int(0), pts_bool(false)));
    expect(r[0], F32, 0, SZ(0), VALS(1), 0);
    release(r, 1);

    snprintf(where, sizeof where, "glu, prelu");
    OK(call("glu", r, 2, tens(F64, 1, SZ(4), VALS(1, 2, 0, 0)), pts_int(0)));
    expect(r[0], F64, 1, SZ(2), VALS(0.5, 1), 1e-15);
    release(r, 1);
    OK(call("prelu", r, 2, tens(F32, 3, SZ(1, 2, 2), VALS(-1, 1, -1, 1)), tens(F32, 1, SZ(2), VALS(0.5, 2))));
    expect(r[0], F32, 3, SZ(1, 2, 2), VALS(-0.5, 1, -2, 1), 1e-6);
    release(r, 1);

    snprintf(where, sizeof where, "dropout");
    base = tens(F32, 1, SZ(2), VALS(1, 2));
    OK(call("dropout", r, 3, pts_value_retain(base), pts_float(0.5), pts_bool(false)));
    CHECK(r[0].tag == PTS_T_TENSOR && r[0].u.o == base.u.o, "eval dropout returns its input");
    release(r, 1);
    OK(call("feature_alpha_dropout", r, 3, pts_value_retain(base), pts_float(1.0), pts_bool(true)));
    expect(r[0], F32, 1, SZ(2), VALS(0, 0), 0);
    release(r, 1);
    /* training dropout draws from torch's generator (tests/parity/ops/test_random.py checks the
     * bits against torch): in place, each element zeroed or scaled by 1 / (1 - p) */
    OK(call("dropout_", r, 3, pts_value_retain(base), pts_float(0.5), pts_bool(true)));
    CHECK(r[0].tag == PTS_T_TENSOR && r[0].u.o == base.u.o, "dropout_ returns its input");
    {
        const float *d = pts_tensor_data(PTS_TENSOR(base));
        CHECK((d[0] == 0 || d[0] == 2) && (d[1] == 0 || d[1] == 4), "dropout_ keeps x / (1 - p) or 0");
    }
    release(r, 1);
    pts_value_release(base);
    CHECK(call("gelu", r, 2, tens(F32, 1, SZ(1), NULL), str("cubic")) == PTS_ERR_VALUE, "bad gelu mode");
}

/* ---- resample --------------------------------------------------------------------------------------- */

static void test_resample(void)
{
    pts_value r[1];
    snprintf(where, sizeof where, "upsample_nearest2d x2 (and .vec)");
    OK(call("upsample_nearest2d", r, 4, tens(F32, 4, SZ(1, 1, 2, 2), NULL), ilist(2, 4, 4), pts_none(), pts_none()));
    double n4[16] = {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3};
    expect(r[0], F32, 4, SZ(1, 1, 4, 4), n4, 0);
    release(r, 1);
    OK(call("upsample_nearest2d.vec", r, 3, tens(PTS_UINT8, 4, SZ(1, 1, 2, 2), NULL), pts_none(), flist(2, 2.0, 2.0)));
    expect(r[0], PTS_UINT8, 4, SZ(1, 1, 4, 4), n4, 0);
    release(r, 1);
    snprintf(where, sizeof where, "nearest 3 -> 2 and exact");
    OK(call("upsample_nearest1d", r, 3, tens(F32, 3, SZ(1, 1, 3), VALS(10, 20, 30)), ilist(1, 2), pts_none()));
    expect(r[0], F32, 3, SZ(1, 1, 2), VALS(10, 20), 0); /* floor(1 * 1.5) = 1 */
    release(r, 1);
    OK(call("_upsample_nearest_exact1d", r, 3, tens(F32, 3, SZ(1, 1, 3), VALS(10, 20, 30)), ilist(1, 2), pts_none()));
    expect(r[0], F32, 3, SZ(1, 1, 2), VALS(10, 30), 0); /* floor(0.5 * 1.5), floor(1.5 * 1.5) */
    release(r, 1);

    snprintf(where, sizeof where, "linear interpolation");
    OK(call("upsample_linear1d", r, 4, tens(F64, 3, SZ(1, 1, 2), VALS(0, 2)), ilist(1, 3), pts_bool(true), pts_none()));
    expect(r[0], F64, 3, SZ(1, 1, 3), VALS(0, 1, 2), 1e-15);
    release(r, 1);
    OK(call("upsample_linear1d", r, 4, tens(F64, 3, SZ(1, 1, 2), VALS(0, 2)), ilist(1, 4), pts_bool(false), pts_none()));
    expect(r[0], F64, 3, SZ(1, 1, 4), VALS(0, 0.5, 1.5, 2), 1e-15);
    release(r, 1);
    OK(call("upsample_bilinear2d.vec", r, 4, tens(F32, 4, SZ(1, 1, 2, 2), VALS(0, 2, 4, 6)), ilist(2, 3, 3),
            pts_bool(true), pts_none()));
    expect(r[0], F32, 4, SZ(1, 1, 3, 3), VALS(0, 1, 2, 2, 3, 4, 4, 5, 6), 1e-6);
    release(r, 1);
    OK(call("upsample_bicubic2d", r, 5, tens(F64, 4, SZ(1, 1, 2, 2), VALS(1, 1, 1, 1)), ilist(2, 3, 5),
            pts_bool(false), pts_none(), pts_none()));
    double ones15[15];
    for (int i = 0; i < 15; i++)
        ones15[i] = 1; /* cubic weights sum to 1 */
    expect(r[0], F64, 4, SZ(1, 1, 3, 5), ones15, 1e-12);
    release(r, 1);

    snprintf(where, sizeof where, "paddings");
    OK(call("constant_pad_nd", r, 3, tens(F32, 1, SZ(2), VALS(1, 2)), ilist(2, 1, 2), pts_int(9)));
    expect(r[0], F32, 1, SZ(5), VALS(9, 1, 2, 9, 9), 0);
    release(r, 1);
    OK(call("constant_pad_nd", r, 3, tens(PTS_INT64, 2, SZ(2, 3), NULL), ilist(4, -1, 0, 0, 1), pts_int(-1)));
    expect(r[0], PTS_INT64, 2, SZ(3, 2), VALS(1, 2, 4, 5, -1, -1), 0);
    release(r, 1);
    OK(call("reflection_pad1d", r, 2, tens(F32, 2, SZ(1, 3), VALS(1, 2, 3)), ilist(2, 2, 1)));
    expect(r[0], F32, 2, SZ(1, 6), VALS(3, 2, 1, 2, 3, 2), 0);
    release(r, 1);
    OK(call("replication_pad1d", r, 2, tens(F32, 2, SZ(1, 3), VALS(1, 2, 3)), ilist(2, 2, 1)));
    expect(r[0], F32, 2, SZ(1, 6), VALS(1, 1, 1, 2, 3, 3), 0);
    release(r, 1);
    OK(call("pad", r, 4, tens(F32, 2, SZ(1, 3), VALS(1, 2, 3)), ilist(2, 1, 1), str("circular"), pts_none()));
    expect(r[0], F32, 2, SZ(1, 5), VALS(3, 1, 2, 3, 1), 0);
    release(r, 1);
    OK(call("reflection_pad2d", r, 2, tens(F32, 3, SZ(1, 2, 2), VALS(1, 2, 3, 4)), ilist(4, 1, 0, 0, 1)));
    expect(r[0], F32, 3, SZ(1, 3, 3), VALS(2, 1, 2, 4, 3, 4, 2, 1, 2), 0);
    release(r, 1);
    CHECK(call("reflection_pad1d", r, 2, tens(F32, 2, SZ(1, 3), NULL), ilist(2, 3, 0)) == PTS_ERR_VALUE,
          "reflect pad too large");

    snprintf(where, sizeof where, "shuffles");
    OK(call("pixel_shuffle", r, 2, tens(F32, 4, SZ(1, 4, 1, 1), NULL), pts_int(2)));
    expect(r[0], F32, 4, SZ(1, 1, 2, 2), VALS(0, 1, 2, 3), 0);
    release(r, 1);
    OK(call("pixel_unshuffle", r, 2, tens(F32, 4, SZ(1, 1, 2, 2), NULL), pts_int(2)));
    expect(r[0], F32, 4, SZ(1, 4, 1, 1), VALS(0, 1, 2, 3), 0);
    release(r, 1);
    OK(call("channel_shuffle", r, 2, tens(F32, 3, SZ(1, 4, 1), NULL), pts_int(2)));
    expect(r[0], F32, 3, SZ(1, 4, 1), VALS(0, 2, 1, 3), 0);
    release(r, 1);
}

int main(void)
{
    int64_t live0 = pts_alloc_live();
    test_schemas();
    for (int nt = 1; nt <= 2; nt++) {
        pts_set_num_threads(nt);
        test_linalg();
        test_conv();
        test_pool();
        test_norm();
        test_activation();
        test_resample();
    }
    snprintf(where, sizeof where, "leaks");
    CHECK(pts_alloc_live() == live0, "%lld allocations still live", (long long)(pts_alloc_live() - live0));
    return check_summary();
}
