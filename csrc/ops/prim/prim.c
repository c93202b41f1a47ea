/* prim.c - the miscellaneous non-tensor operators of printed TorchScript:
 * str()/format(), identity tests, exceptions and warnings, grad mode,
 * tensor -> scalar conversions (int(t), float(t), item, size, dim, numel),
 * device/dtype queries, NumToTensor, futures (wait); plus the helpers of
 * prim.h (printing and comparing values the way TorchScript does).
 *
 * Numbers live in num.c, strings in str.c, lists in list.c, dicts in
 * dict.c.  All are registered with torch's exact schema strings.
 *
 * Vararg operators (aten::format) receive their extra arguments as one
 * tuple after the schema's fixed arguments: args[op->schema.nargs].
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/prim/prim.h"
#include "value/class.h"

/* ---- printing ---------------------------------------------------------------------- */

void pts_prim_format_float(pts_sb *sb, double d)
{
    if (isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        pts_sb_printf(sb, "%lld.", (long long)d);
        return;
    }
    if (isnan(d)) {
        pts_sb_puts(sb, signbit(d) ? "-nan" : "nan");
        return;
    }
    if (isinf(d)) {
        pts_sb_puts(sb, d < 0 ? "-inf" : "inf");
        return;
    }
    pts_sb_printf(sb, "%.17g", d);
}

static double half_to_double(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 0)
        v = ldexp((double)m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexp((double)(m | 1024), e - 25);
    return s ? -v : v;
}

static double bf16_to_double(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Element `i` (linear, over the view) of a tensor as int / float / bool value. */
static pts_status tensor_elem(const pts_tensor *t, int64_t lin, pts_value *out)
{
    int64_t off = 0;
    for (int d = t->ndim - 1; d >= 0; d--) {
        int64_t sz = t->sizes[d];
        int64_t k = sz ? lin % sz : 0;
        lin = sz ? lin / sz : 0;
        off += k * t->strides[d];
    }
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    if (!di || !di->itemsize)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "tensor of dtype code %d cannot be read as a number", t->dtype);
    const char *p = (const char *)pts_tensor_data(t) + off * di->itemsize;
    switch (t->dtype) {
    case PTS_UINT8: *out = pts_int(*(const uint8_t *)p); break;
    case PTS_INT8: *out = pts_int(*(const int8_t *)p); break;
    case PTS_INT16: { int16_t v; memcpy(&v, p, 2); *out = pts_int(v); break; }
    case PTS_INT32: { int32_t v; memcpy(&v, p, 4); *out = pts_int(v); break; }
    case PTS_INT64: { int64_t v; memcpy(&v, p, 8); *out = pts_int(v); break; }
    case PTS_UINT16: { uint16_t v; memcpy(&v, p, 2); *out = pts_int(v); break; }
    case PTS_UINT32: { uint32_t v; memcpy(&v, p, 4); *out = pts_int(v); break; }
    case PTS_UINT64: { uint64_t v; memcpy(&v, p, 8); *out = pts_int((int64_t)v); break; }
    case PTS_FLOAT16: { uint16_t v; memcpy(&v, p, 2); *out = pts_float(half_to_double(v)); break; }
    case PTS_BFLOAT16: { uint16_t v; memcpy(&v, p, 2); *out = pts_float(bf16_to_double(v)); break; }
    case PTS_FLOAT32: { float v; memcpy(&v, p, 4); *out = pts_float(v); break; }
    case PTS_FLOAT64: { double v; memcpy(&v, p, 8); *out = pts_float(v); break; }
    case PTS_BOOL: *out = pts_bool(*(const uint8_t *)p != 0); break;
    case PTS_COMPLEX64: { float v[2]; memcpy(v, p, 8); *out = pts_complex(v[0], v[1]); break; }
    case PTS_COMPLEX128: { double v[2]; memcpy(v, p, 16); *out = pts_complex(v[0], v[1]); break; }
    default:
        return pts_err_set(PTS_ERR_UNSUPPORTED, "tensor of dtype %s cannot be read as a number", di->name);
    }
    return PTS_OK;
}

/* ---- tensors, printed as torch's C++ printer (ATen/core/Formatting.cpp) prints them ------------
 * The values, read as doubles, decide one format per matrix: all integers -> default-float ("%g")
 * of width digits+1 (scientific %.4e past 9 digits); otherwise fixed %.4f, with a common power-of-ten
 * scale printed first ("1e+06 *") when the largest magnitude has more than 5 or fewer than 0 integer
 * digits, or scientific when magnitudes span more than 4 decades.  1-D tensors print one value per
 * line, 2-D as rows (split into column blocks past 80 characters), higher ranks as "(i,j,.,.) = "
 * matrices with the FIRST index running fastest; then "[ CPUFloatType{2,3} ]". */
typedef struct {
    double scale;
    int64_t width;
    char mode; /* 'g' default float (precision 6), 'e' scientific (4), 'f' fixed (4) */
} print_fmt;

static double elem_double(const pts_tensor *t, int64_t lin)
{
    pts_value v;
    if (tensor_elem(t, lin, &v))
        return NAN;
    return v.tag == PTS_T_FLOAT ? v.u.f : v.tag == PTS_T_INT ? (double)v.u.i : v.tag == PTS_T_BOOL ? (double)v.u.b : v.u.c[0];
}

static print_fmt print_format(const double *p, int64_t n)
{
    print_fmt f = {1.0, 11, 'g'};
    if (n == 0) {
        f.width = 0;
        return f;
    }
    bool int_mode = true;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(p[i]) && p[i] != ceil(p[i])) {
            int_mode = false;
            break;
        }
    int64_t off = 0;
    while (off < n && !isfinite(p[off]))
        off++;
    double exp_min = 1, exp_max = 1;
    if (off != n) {
        exp_min = fabs(p[off]);
        exp_max = fabs(p[off]);
        for (int64_t i = off; i < n; i++) {
            double z = fabs(p[i]);
            if (isfinite(z)) {
                if (z < exp_min)
                    exp_min = z;
                if (p[i] > exp_max) /* torch compares the signed value here */
                    exp_max = z;
            }
        }
        exp_min = exp_min != 0 ? floor(log10(exp_min)) + 1 : 1;
        exp_max = exp_max != 0 ? floor(log10(exp_max)) + 1 : 1;
    }
    if (int_mode) {
        if (exp_max > 9) {
            f.width = 11;
            f.mode = 'e';
        } else {
            f.width = (int64_t)exp_max + 1;
            f.mode = 'g';
        }
    } else if (exp_max - exp_min > 4) {
        f.width = 11;
        if (fabs(exp_max) > 99 || fabs(exp_min) > 99)
            f.width++;
        f.mode = 'e';
    } else if (exp_max > 5 || exp_max < 0) {
        f.width = 7;
        f.scale = pow(10, exp_max - 1);
        f.mode = 'f';
    } else {
        f.width = exp_max == 0 ? 7 : (int64_t)exp_max + 6;
        f.mode = 'f';
    }
    return f;
}

static void put_number(pts_sb *sb, print_fmt f, double v)
{
    int w = (int)f.width;
    if (f.mode == 'e')
        pts_sb_printf(sb, "%*.4e", w, v);
    else if (f.mode == 'f')
        pts_sb_printf(sb, "%*.4f", w, v);
    else
        pts_sb_printf(sb, "%*g", w, v);
}

/* the shortest decimal that reads back as v, as fmt's "{}" writes a double: positional for
 * decimal exponents -4..15 (no trailing ".0"), otherwise d.ddde+XX */
static void put_shortest(pts_sb *sb, double v)
{
    if (isnan(v)) {
        pts_sb_puts(sb, "nan");
        return;
    }
    if (isinf(v)) {
        pts_sb_puts(sb, v < 0 ? "-inf" : "inf");
        return;
    }
    char buf[64];
    for (int p = 0; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* buf: [-]d[.ddd]e(+|-)XX */
    char *e = strchr(buf, 'e');
    int exp10 = atoi(e + 1);
    *e = 0;
    bool neg = buf[0] == '-';
    char digits[24];
    int nd = 0;
    for (const char *c = buf + neg; *c; c++)
        if (*c != '.')
            digits[nd++] = *c;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (neg)
        pts_sb_putc(sb, '-');
    if (exp10 < -4 || exp10 >= 16) {
        pts_sb_putc(sb, digits[0]);
        if (nd > 1) {
            pts_sb_putc(sb, '.');
            pts_sb_putn(sb, digits + 1, (size_t)nd - 1);
        }
        pts_sb_printf(sb, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        pts_sb_puts(sb, "0.");
        for (int i = -1; i > exp10; i--)
            pts_sb_putc(sb, '0');
        pts_sb_putn(sb, digits, (size_t)nd);
    } else {
        for (int i = 0; i <= exp10 || i < nd; i++) {
            if (i == exp10 + 1)
                pts_sb_putc(sb, '.');
            pts_sb_putc(sb, i < nd ? digits[i] : '0');
        }
    }
}

static void put_scale(pts_sb *sb, double scale)
{
    put_shortest(sb, scale);
    pts_sb_puts(sb, " *\n");
}

static void put_indent(pts_sb *sb, int64_t indent)
{
    for (int64_t i = 0; i < indent; i++)
        pts_sb_putc(sb, ' ');
}

/* one rows x cols matrix of doubles (row-major) */
static void print_matrix(pts_sb *sb, const double *p, int64_t rows, int64_t cols, int64_t linesize, int64_t indent)
{
    print_fmt f = print_format(p, rows * cols); /* (torch 2.14 writes no indent before the first row) */
    int64_t per_line = (linesize - indent) / (f.width + 1);
    if (per_line < 1)
        per_line = 1;
    int64_t first = 0, last;
    while (first < cols) {
        last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
        if (per_line < cols) {
            if (first != 0)
                pts_sb_putc(sb, '\n');
            pts_sb_printf(sb, "Columns %lld to %lld", (long long)first + 1, (long long)last + 1);
            put_indent(sb, indent);
        }
        if (f.scale != 1) {
            put_scale(sb, f.scale);
            put_indent(sb, indent);
        }
        for (int64_t r = 0; r < rows; r++) {
            for (int64_t c = first; c <= last; c++) {
                put_number(sb, f, p[r * cols + c] / f.scale);
                if (c == last) {
                    pts_sb_putc(sb, '\n');
                    if (r != rows - 1) {
                        put_indent(sb, indent);
                        if (f.scale != 1)
                            pts_sb_putc(sb, ' ');
                    }
                } else {
                    pts_sb_putc(sb, ' ');
                }
            }
        }
        first = last + 1;
    }
}

static void format_tensor(pts_sb *sb, const pts_tensor *t)
{
    int64_t n = pts_tensor_numel(t);
    double *p = NULL;
    if (n > 0) {
        size_t bytes;
        if (pts_mul_overflow_size((size_t)n, sizeof(double), &bytes) || !(p = pts_malloc(bytes))) {
            char d[200];
            pts_tensor_describe(t, d, sizeof d);
            pts_sb_printf(sb, "[ Tensor %s ]", d);
            return;
        }
        for (int64_t i = 0; i < n; i++)
            p[i] = elem_double(t, i);
    }
    if (t->ndim == 0) {
        put_shortest(sb, p ? p[0] : 0.0);
        pts_sb_putc(sb, '\n');
    } else if (t->ndim == 1) {
        if (n > 0) {
            print_fmt f = print_format(p, n);
            if (f.scale != 1)
                put_scale(sb, f.scale);
            for (int64_t i = 0; i < n; i++) {
                put_number(sb, f, p[i] / f.scale);
                pts_sb_putc(sb, '\n');
            }
        }
    } else if (t->ndim == 2) {
        if (n > 0)
            print_matrix(sb, p, t->sizes[0], t->sizes[1], 80, 0);
    } else if (n > 0) {
        int nd = t->ndim;
        int64_t rows = t->sizes[nd - 2], cols = t->sizes[nd - 1], mat = rows * cols;
        int64_t counter[PTS_MAX_DIMS] = {0};
        bool start = true;
        counter[0] = -1;
        for (;;) {
            bool finished = false;
            for (int i = 0; i < nd - 2; i++) { /* the first index runs fastest, as in torch */
                counter[i]++;
                if (counter[i] >= t->sizes[i]) {
                    if (i == nd - 3) {
                        finished = true;
                        break;
                    }
                    counter[i] = 0;
                } else {
                    break;
                }
            }
            if (finished)
                break;
            if (!start)
                pts_sb_putc(sb, '\n');
            start = false;
            pts_sb_putc(sb, '(');
            int64_t base = 0;
            for (int i = 0; i < nd - 2; i++) {
                pts_sb_printf(sb, "%lld,", (long long)counter[i] + 1);
                base = base * t->sizes[i] + counter[i];
            }
            pts_sb_puts(sb, ".,.) = \n");
            print_matrix(sb, p + base * mat, rows, cols, 80, 1);
        }
    }
    pts_free(p);
    /* torch's names up to Bool; the later codes (bfloat16, ...) keep their short name here */
    const char *tn = t->dtype >= 0 && t->dtype <= PTS_BOOL ? pts_dtype_torch_name(t->dtype) : pts_dtype_name(t->dtype);
    pts_sb_printf(sb, "[ CPU%sType{", tn);
    for (int d = 0; d < t->ndim; d++)
        pts_sb_printf(sb, "%s%lld", d ? "," : "", (long long)t->sizes[d]);
    pts_sb_puts(sb, "} ]");
}

static const char *const device_names[] = {"cpu", "cuda", "mkldnn", "opengl", "opencl", "ideep", "hip", "fpga",
                                           "maia", "xla", "vulkan", "metal", "xpu", "mps", "meta", "hpu", "ve",
                                           "lazy", "ipu", "mtia", "privateuseone"};

static void format_device(pts_sb *sb, pts_device d)
{
    const char *n = d.type >= 0 && d.type < (int)(sizeof device_names / sizeof device_names[0]) ? device_names[d.type] : "?";
    if (d.index >= 0)
        pts_sb_printf(sb, "%s:%d", n, d.index);
    else
        pts_sb_puts(sb, n);
}

void pts_prim_format_value(pts_sb *sb, pts_value v)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: pts_sb_puts(sb, "None"); break;
    case PTS_T_BOOL: pts_sb_puts(sb, v.u.b ? "True" : "False"); break;
    case PTS_T_INT: pts_sb_printf(sb, "%lld", (long long)v.u.i); break;
    case PTS_T_FLOAT: pts_prim_format_float(sb, v.u.f); break;
    case PTS_T_COMPLEX:
        pts_prim_format_float(sb, v.u.c[0]);
        pts_sb_puts(sb, v.u.c[1] < 0 || (v.u.c[1] == 0 && signbit(v.u.c[1])) ? "-" : "+");
        pts_prim_format_float(sb, fabs(v.u.c[1]));
        pts_sb_putc(sb, 'j');
        break;
    case PTS_T_DEVICE: format_device(sb, v.u.dev); break;
    case PTS_T_STR: pts_sb_putn(sb, PTS_STR(v)->data, (size_t)PTS_STR(v)->len); break;
    case PTS_T_TENSOR: format_tensor(sb, PTS_TENSOR(v)); break;
    case PTS_T_LIST: {
        pts_list *l = PTS_LIST(v);
        pts_sb_putc(sb, '[');
        for (int64_t i = 0; i < l->len; i++) {
            if (i)
                pts_sb_puts(sb, ", ");
            pts_prim_format_value(sb, l->items[i]);
        }
        pts_sb_putc(sb, ']');
        break;
    }
    case PTS_T_TUPLE: {
        pts_tuple *t = PTS_TUPLE(v);
        pts_sb_putc(sb, '(');
        for (int64_t i = 0; i < t->len; i++) {
            if (i)
                pts_sb_puts(sb, ", ");
            pts_prim_format_value(sb, t->items[i]);
        }
        pts_sb_puts(sb, t->len == 1 ? ",)" : ")");
        break;
    }
    case PTS_T_DICT: {
        pts_dict *d = PTS_DICT(v);
        pts_sb_putc(sb, '{');
        bool first = true;
        for (int64_t i = 0; i < d->nentries; i++) {
            if (!d->entries[i].live)
                continue;
            if (!first)
                pts_sb_puts(sb, ", ");
            first = false;
            pts_prim_format_value(sb, d->entries[i].key);
            pts_sb_puts(sb, ": ");
            pts_prim_format_value(sb, d->entries[i].val);
        }
        pts_sb_putc(sb, '}');
        break;
    }
    case PTS_T_ENUM: {
        pts_enum *e = (pts_enum *)v.u.o;
        const char *q = e->cls ? e->cls->qualname : "?";
        pts_sb_printf(sb, "Enum<%s.%s>", q, e->name ? e->name->data : "?");
        break;
    }
    case PTS_T_OBJECT: {
        pts_object *o = PTS_OBJECT(v);
        pts_sb_printf(sb, "<%s object at %p>", o->cls ? o->cls->qualname : "?", (void *)o);
        break;
    }
    case PTS_T_UNINIT: pts_sb_puts(sb, "<uninitialized>"); break;
    default: pts_sb_printf(sb, "<%s>", pts_tag_name((pts_tag)v.tag)); break;
    }
}

/* ---- equality and ordering ------------------------------------------------------------- */

static bool is_num(pts_value v) { return v.tag == PTS_T_INT || v.tag == PTS_T_FLOAT || v.tag == PTS_T_BOOL; }
static double num_d(pts_value v) { return v.tag == PTS_T_FLOAT ? v.u.f : v.tag == PTS_T_INT ? (double)v.u.i : (double)v.u.b; }

bool pts_prim_equal(pts_value a, pts_value b)
{
    if (is_num(a) && is_num(b)) {
        if (a.tag == PTS_T_FLOAT || b.tag == PTS_T_FLOAT)
            return num_d(a) == num_d(b);
        int64_t x = a.tag == PTS_T_INT ? a.u.i : a.u.b, y = b.tag == PTS_T_INT ? b.u.i : b.u.b;
        return x == y;
    }
    if (a.tag != b.tag)
        return false;
    switch ((pts_tag)a.tag) {
    case PTS_T_LIST:
    case PTS_T_TUPLE: {
        int64_t n = a.tag == PTS_T_LIST ? PTS_LIST(a)->len : PTS_TUPLE(a)->len;
        int64_t m = b.tag == PTS_T_LIST ? PTS_LIST(b)->len : PTS_TUPLE(b)->len;
        const pts_value *x = a.tag == PTS_T_LIST ? PTS_LIST(a)->items : PTS_TUPLE(a)->items;
        const pts_value *y = b.tag == PTS_T_LIST ? PTS_LIST(b)->items : PTS_TUPLE(b)->items;
        if (n != m)
            return false;
        for (int64_t i = 0; i < n; i++)
            if (!pts_prim_equal(x[i], y[i]))
                return false;
        return true;
    }
    case PTS_T_DICT: {
        pts_dict *x = PTS_DICT(a), *y = PTS_DICT(b);
        if (x->len != y->len)
            return false;
        for (int64_t i = 0; i < x->nentries; i++) {
            if (!x->entries[i].live)
                continue;
            pts_value *o = pts_dict_get(y, x->entries[i].key);
            if (!o || !pts_prim_equal(x->entries[i].val, *o))
                return false;
        }
        return true;
    }
    case PTS_T_ENUM: {
        pts_enum *x = (pts_enum *)a.u.o, *y = (pts_enum *)b.u.o;
        return x == y || (x->cls == y->cls && pts_prim_equal(x->value, y->value));
    }
    case PTS_T_FLOAT: return a.u.f == b.u.f;
    default: return pts_value_key_equal(a, b);
    }
}

pts_status pts_prim_less(pts_value a, pts_value b, bool *lt)
{
    if (is_num(a) && is_num(b)) {
        if (a.tag == PTS_T_FLOAT || b.tag == PTS_T_FLOAT)
            *lt = num_d(a) < num_d(b);
        else
            *lt = (a.tag == PTS_T_INT ? a.u.i : a.u.b) < (b.tag == PTS_T_INT ? b.u.i : b.u.b);
        return PTS_OK;
    }
    if (a.tag == PTS_T_STR && b.tag == PTS_T_STR) {
        pts_str *x = PTS_STR(a), *y = PTS_STR(b);
        int64_t n = x->len < y->len ? x->len : y->len;
        int c = memcmp(x->data, y->data, (size_t)n);
        *lt = c < 0 || (c == 0 && x->len < y->len);
        return PTS_OK;
    }
    if ((a.tag == PTS_T_TUPLE || a.tag == PTS_T_LIST) && a.tag == b.tag) {
        int64_t n = a.tag == PTS_T_LIST ? PTS_LIST(a)->len : PTS_TUPLE(a)->len;
        int64_t m = b.tag == PTS_T_LIST ? PTS_LIST(b)->len : PTS_TUPLE(b)->len;
        const pts_value *x = a.tag == PTS_T_LIST ? PTS_LIST(a)->items : PTS_TUPLE(a)->items;
        const pts_value *y = b.tag == PTS_T_LIST ? PTS_LIST(b)->items : PTS_TUPLE(b)->items;
        for (int64_t i = 0; i < n && i < m; i++) {
            if (pts_prim_equal(x[i], y[i]))
                continue;
            return pts_prim_less(x[i], y[i], lt);
        }
        *lt = n < m;
        return PTS_OK;
    }
    return pts_err_set(PTS_ERR_TYPE, "'<' is not supported between %s and %s", pts_tag_name((pts_tag)a.tag),
                       pts_tag_name((pts_tag)b.tag));
}

pts_status pts_prim_norm_index(int64_t idx, int64_t len, const char *what, int64_t *out)
{
    int64_t i = idx < 0 ? idx + len : idx;
    if (i < 0 || i >= len)
        return pts_err_set(PTS_ERR_INDEX, "%s index out of range", what);
    *out = i;
    return PTS_OK;
}

pts_status pts_prim_slice_indices(pts_value start, pts_value end, int64_t step, int64_t len, int64_t *first,
                                  int64_t *count)
{
    if (step == 0)
        return pts_err_set(PTS_ERR_VALUE, "slice step cannot be zero");
    int64_t lo, hi;
    if (step > 0) {
        lo = start.tag == PTS_T_NONE ? 0 : start.u.i;
        hi = end.tag == PTS_T_NONE ? len : end.u.i;
        if (lo < 0) lo += len;
        if (lo < 0) lo = 0;
        if (lo > len) lo = len;
        if (hi < 0) hi += len;
        if (hi < 0) hi = 0;
        if (hi > len) hi = len;
        *first = lo;
        *count = hi > lo ? (hi - lo + step - 1) / step : 0;
    } else {
        lo = start.tag == PTS_T_NONE ? len - 1 : start.u.i;
        hi = end.tag == PTS_T_NONE ? -1 : end.u.i;
        if (start.tag != PTS_T_NONE) {
            if (lo < 0) lo += len;
            if (lo < 0) lo = -1;
            if (lo >= len) lo = len - 1;
        }
        if (end.tag != PTS_T_NONE) {
            if (hi < 0) hi += len;
            if (hi < 0) hi = -1;
            if (hi >= len) hi = len - 1;
        }
        *first = lo;
        *count = lo > hi ? (lo - hi + (-step) - 1) / (-step) : 0;
    }
    return PTS_OK;
}

pts_list *pts_prim_list_new(pts_type *elem, int64_t cap) { return pts_list_new(elem, cap); }

pts_type *pts_prim_type_of_tag(pts_tag tag)
{
    switch (tag) {
    case PTS_T_BOOL: return pts_type_base(PTS_TY_BOOL);
    case PTS_T_INT: return pts_type_base(PTS_TY_INT);
    case PTS_T_FLOAT: return pts_type_base(PTS_TY_FLOAT);
    case PTS_T_COMPLEX: return pts_type_base(PTS_TY_COMPLEX);
    case PTS_T_STR: return pts_type_base(PTS_TY_STR);
    case PTS_T_TENSOR: return pts_type_base(PTS_TY_TENSOR);
    case PTS_T_DEVICE: return pts_type_base(PTS_TY_DEVICE);
    default: return NULL;
    }
}

/* ---- grad mode and warnings ------------------------------------------------------------- */

static _Thread_local int grad_disabled;

bool pts_prim_grad_enabled(void) { return !grad_disabled; }
void pts_prim_set_grad_enabled(bool on) { grad_disabled = !on; }

static pts_status k_is_grad_enabled(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op, (void)args;
    rets[0] = pts_bool(!grad_disabled);
    return PTS_OK;
}

PTS_KERNEL(k_set_grad_enabled)
{
    grad_disabled = !a->val;
    return PTS_OK;
}

static pts_status k_warn(const pts_op *op, pts_value *args, pts_value *rets)
{
    /* like Python's default filter: each distinct message once per process */
    static uint64_t seen[64];
    static int nseen;
    (void)op, (void)rets;
    uint64_t h = pts_str_hash(PTS_STR(args[0]));
    for (int i = 0; i < nseen; i++)
        if (seen[i] == h)
            return PTS_OK;
    if (nseen < 64)
        seen[nseen++] = h;
    fprintf(stderr, "UserWarning: %s\n", PTS_STR(args[0])->data);
    return PTS_OK;
}

static pts_status k_false(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op, (void)args;
    rets[0] = pts_bool(false);
    return PTS_OK;
}

static pts_status k_true(const pts_op *op, pts_value *args, pts_value *rets)
{
    (void)op, (void)args;
    rets[0] = pts_bool(true);
    return PTS_OK;
}

/* ---- str, format, exceptions, identity ---------------------------------------------------- */

pts_status pts_prim_ret_sb(pts_sb *sb, pts_value *ret)
{
    if (sb->failed) {
        pts_sb_free(sb);
        return pts_err_nomem("a string", sb->len);
    }
    pts_status st = pts_value_str(pts_sb_str(sb), sb->len, ret);
    pts_sb_free(sb);
    return st;
}

PTS_KERNEL(k_str)
{
    if (a->elem.tag == PTS_T_STR) {
        rets[0] = pts_value_retain(a->elem);
        return PTS_OK;
    }
    pts_sb sb;
    pts_sb_init(&sb);
    pts_prim_format_value(&sb, a->elem);
    return pts_prim_ret_sb(&sb, &rets[0]);
}

static pts_status k_format(const pts_op *op, pts_value *args, pts_value *rets)
{
    pts_str *fmt = PTS_STR(args[0]);
    pts_value extra = args[op->schema.nargs];
    int64_t nextra = extra.tag == PTS_T_TUPLE ? PTS_TUPLE(extra)->len : 0;
    pts_sb sb;
    pts_sb_init(&sb);
    int64_t used = 0;
    const char *s = fmt->data, *end = fmt->data + fmt->len;
    while (s < end) {
        const char *q = strstr(s, "{}");
        if (!q || q >= end) {
            pts_sb_putn(&sb, s, (size_t)(end - s));
            break;
        }
        pts_sb_putn(&sb, s, (size_t)(q - s));
        if (used >= nextra) {
            pts_sb_free(&sb);
            return pts_err_set(PTS_ERR_VALUE, "Too few arguments for format string: %s", fmt->data);
        }
        pts_prim_format_value(&sb, PTS_TUPLE(extra)->items[used++]);
        s = q + 2;
    }
    return pts_prim_ret_sb(&sb, &rets[0]);
}

/* "%s and %d" % args (aten::percentFormat), as TorchScript formats: the one argument after the
 * format string is either a tuple of values or a single value; the specifiers are %d %i (an int as
 * is, a float truncated to a C int), %e %E %f %F (the number converted to a C float first, six
 * digits), %c (an int as a byte, or a one-character string), %s (a string as is, anything else as
 * str() prints it) and %%; nothing else (no widths, no %x). */
static pts_status percent_arg(pts_sb *sb, char key, pts_value v)
{
    bool num = v.tag == PTS_T_INT || v.tag == PTS_T_FLOAT || v.tag == PTS_T_BOOL || v.tag == PTS_T_COMPLEX;
    switch (key) {
    case 'd':
    case 'i':
        if (!num)
            return pts_err_set(PTS_ERR_VALUE, "%%%c requires a number for formatting, but got %s", key,
                               pts_tag_name((pts_tag)v.tag));
        if (v.tag == PTS_T_FLOAT) {
            double d = v.u.f; /* static_cast<int>: x86 gives INT_MIN for NaN and out-of-range values */
            int32_t i = (isnan(d) || d >= 2147483648.0 || d <= -2147483649.0) ? INT32_MIN : (int32_t)d;
            pts_sb_printf(sb, "%d", (int)i);
        } else {
            pts_sb_printf(sb, "%lld", (long long)pts_arg_int(v));
        }
        return PTS_OK;
    case 'e':
    case 'E':
    case 'f':
    case 'F': {
        if (!num)
            return pts_err_set(PTS_ERR_VALUE, "%%%c requires a number for formatting, but got %s", key,
                               pts_tag_name((pts_tag)v.tag));
        float f = (float)pts_arg_double(v);
        const char *fmt = key == 'e' ? "%.6e" : key == 'E' ? "%.6E" : "%.6f";
        if (isnan(f) || isinf(f)) /* C++ streams print nan/inf (NAN/INF with uppercase) */
            pts_sb_puts(sb, isnan(f) ? (key == 'E' ? (signbit(f) ? "-NAN" : "NAN") : (signbit(f) ? "-nan" : "nan"))
                                     : (key == 'E' ? (f < 0 ? "-INF" : "INF") : (f < 0 ? "-inf" : "inf")));
        else
            pts_sb_printf(sb, fmt, (double)f);
        return PTS_OK;
    }
    case 'c':
        if (v.tag == PTS_T_INT) {
            pts_sb_putc(sb, (char)v.u.i);
            return PTS_OK;
        }
        if (v.tag == PTS_T_STR && PTS_STR(v)->len == 1) {
            pts_sb_putc(sb, PTS_STR(v)->data[0]);
            return PTS_OK;
        }
        return pts_err_set(PTS_ERR_VALUE, "%%c requires an int or char for formatting, but got %s",
                           pts_tag_name((pts_tag)v.tag));
    case 's':
        pts_prim_format_value(sb, v);
        return PTS_OK;
    default:
        return pts_err_set(PTS_ERR_VALUE, "The specifier %%%c is not supported in TorchScript format strings", key);
    }
}

static pts_status k_percent_format(const pts_op *op, pts_value *args, pts_value *rets)
{
    pts_str *fmt = PTS_STR(args[0]);
    pts_value extra = args[op->schema.nargs];
    pts_value arg = extra.tag == PTS_T_TUPLE && PTS_TUPLE(extra)->len > 0 ? PTS_TUPLE(extra)->items[0] : pts_none();
    bool tuple = arg.tag == PTS_T_TUPLE;
    int64_t nargs = tuple ? PTS_TUPLE(arg)->len : 1, used = 0;
    pts_sb sb;
    pts_sb_init(&sb);
    pts_status st = PTS_OK;
    const char *s = fmt->data, *end = fmt->data + fmt->len;
    while (!st) {
        const char *q = memchr(s, '%', (size_t)(end - s));
        if (!q) {
            pts_sb_putn(&sb, s, (size_t)(end - s));
            break;
        }
        if (q + 1 >= end) {
            st = pts_err_set(PTS_ERR_VALUE, "Incomplete format specifier");
            break;
        }
        pts_sb_putn(&sb, s, (size_t)(q - s));
        s = q + 2;
        if (q[1] == '%') {
            pts_sb_putc(&sb, '%');
            continue;
        }
        if (used >= nargs) {
            st = pts_err_set(PTS_ERR_VALUE, "Too few arguments for format string");
            break;
        }
        st = percent_arg(&sb, q[1], tuple ? PTS_TUPLE(arg)->items[used] : arg);
        used++;
    }
    if (!st && used != nargs)
        st = pts_err_set(PTS_ERR_VALUE, "Too many arguments for format string");
    if (st) {
        pts_sb_free(&sb);
        return st;
    }
    return pts_prim_ret_sb(&sb, &rets[0]);
}

/* hash(x) (aten::hash.generic) as torch computes it with libstdc++'s std::hash: ints and bools are
 * their own hash, None 0, strings and the bytes of a double (0.0 and -0.0 hash to 0) go through
 * _Hash_bytes (MurmurHash2-64 with seed 0xc70f6907), a tuple combines its items' hashes as
 * c10::hash_combine does.  A tensor hashes by identity (its address), as in torch. */
static uint64_t shift_mix(uint64_t v) { return v ^ (v >> 47); }

static uint64_t hash_bytes(const void *p, size_t len)
{
    const uint64_t mul = ((uint64_t)0xc6a4a793u << 32) + 0x5bd1e995u;
    const unsigned char *b = p;
    size_t aligned = len & ~(size_t)7;
    uint64_t h = 0xc70f6907u ^ ((uint64_t)len * mul);
    for (size_t i = 0; i < aligned; i += 8) {
        uint64_t d;
        memcpy(&d, b + i, 8); /* x86-64 is little-endian, as the loads of libstdc++ */
        h ^= shift_mix(d * mul) * mul;
        h *= mul;
    }
    if (len & 7) {
        uint64_t d = 0;
        for (size_t i = len; i > aligned; i--)
            d = (d << 8) + b[i - 1];
        h ^= d;
        h *= mul;
    }
    return shift_mix(shift_mix(h) * mul);
}

static pts_status hash_value(pts_value v, uint64_t *out)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: *out = 0; return PTS_OK;
    case PTS_T_BOOL: *out = v.u.b; return PTS_OK;
    case PTS_T_INT: *out = (uint64_t)v.u.i; return PTS_OK;
    case PTS_T_FLOAT: *out = v.u.f == 0 ? 0 : hash_bytes(&v.u.f, sizeof v.u.f); return PTS_OK;
    case PTS_T_STR: *out = hash_bytes(PTS_STR(v)->data, (size_t)PTS_STR(v)->len); return PTS_OK;
    case PTS_T_TENSOR: *out = (uint64_t)(uintptr_t)v.u.o; return PTS_OK;
    case PTS_T_TUPLE: {
        uint64_t seed = 0;
        for (int64_t i = 0; i < PTS_TUPLE(v)->len; i++) {
            uint64_t h;
            PTS_TRY(hash_value(PTS_TUPLE(v)->items[i], &h));
            seed ^= h + 0x9e3779b9u + (seed << 6) + (seed >> 2);
        }
        *out = seed;
        return PTS_OK;
    }
    default: return pts_err_set(PTS_ERR_VALUE, "Can't hash IValues with tag '%s'", pts_tag_name((pts_tag)v.tag));
    }
}

PTS_KERNEL(k_hash)
{
    uint64_t h;
    PTS_TRY(hash_value(a->value, &h));
    rets[0] = pts_int((int64_t)h);
    return PTS_OK;
}

PTS_KERNEL(k_raise)
{
    const char *msg = a->msg;
    if (a->cls)
        return pts_err_set(PTS_ERR_SCRIPT, "%s: %s", a->cls, msg);
    return pts_err_set(PTS_ERR_SCRIPT, "%s", msg);
}

static bool same_identity(pts_value a, pts_value b)
{
    if (a.tag != b.tag)
        return false;
    if (PTS_TAG_IS_HEAP(a.tag))
        return a.u.o == b.u.o;
    return pts_value_key_equal(a, b);
}

PTS_KERNEL(k_is)
{
    rets[0] = pts_bool(same_identity(a->self, a->obj));
    return PTS_OK;
}

PTS_KERNEL(k_isnot)
{
    rets[0] = pts_bool(!same_identity(a->self, a->obj));
    return PTS_OK;
}

PTS_KERNEL(k_not)
{
    rets[0] = pts_bool(!a->self);
    return PTS_OK;
}

PTS_KERNEL(k_unwrap_optional)
{
    if (a->optional.tag == PTS_T_NONE)
        return pts_err_set(PTS_ERR_VALUE, "Unwrapping null optional");
    rets[0] = pts_value_retain(a->optional);
    return PTS_OK;
}

PTS_KERNEL(k_identity)
{
    rets[0] = pts_value_retain(a->optional);
    return PTS_OK;
}

/* ---- tensors -> numbers --------------------------------------------------------------------- */

static pts_status tensor_scalar(pts_tensor *t, pts_value *out)
{
    int64_t n = pts_tensor_numel(t);
    if (n != 1)
        return pts_err_set(PTS_ERR_VALUE, "a Tensor with %lld elements cannot be converted to Scalar", (long long)n);
    return tensor_elem(t, 0, out);
}

PTS_KERNEL(k_item)
{
    return tensor_scalar(a->self, &rets[0]);
}

/* int(t), float(t), bool(t) of a one-element tensor */
static pts_status int_of_tensor(pts_tensor *t, pts_value *rets)
{
    pts_value v;
    PTS_TRY(tensor_scalar(t, &v));
    if (v.tag == PTS_T_FLOAT) {
        if (!isfinite(v.u.f))
            return pts_err_set(PTS_ERR_VALUE, "cannot convert float %g to integer", v.u.f);
        v = pts_int((int64_t)v.u.f);
    } else if (v.tag == PTS_T_BOOL) {
        v = pts_int(v.u.b);
    } else if (v.tag == PTS_T_COMPLEX) {
        v = pts_int((int64_t)v.u.c[0]);
    }
    rets[0] = v;
    return PTS_OK;
}

static pts_status float_of_tensor(pts_tensor *t, pts_value *rets)
{
    pts_value v;
    PTS_TRY(tensor_scalar(t, &v));
    rets[0] = pts_float(pts_arg_double(v));
    return PTS_OK;
}

PTS_KERNEL(k_Int_Tensor) { return int_of_tensor(a->a, rets); }
PTS_KERNEL(k_Float_Tensor) { return float_of_tensor(a->a, rets); }

PTS_KERNEL(k_Bool_Tensor)
{
    pts_value v;
    PTS_TRY(tensor_scalar(a->a, &v));
    rets[0] = pts_bool(v.tag == PTS_T_BOOL ? v.u.b : v.tag == PTS_T_INT ? v.u.i != 0 : v.tag == PTS_T_COMPLEX ? (v.u.c[0] != 0 || v.u.c[1] != 0) : v.u.f != 0);
    return PTS_OK;
}

PTS_KERNEL(k_IntImplicit)
{
    const pts_tensor *t = a->a;
    if (t->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "Cannot input a tensor of dimension other than 0 as a scalar argument");
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    if (di && di->is_float)
        return pts_err_set(PTS_ERR_VALUE, "Cannot input a tensor of type %s as an integral argument", di->name);
    return int_of_tensor(a->a, rets);
}

PTS_KERNEL(k_FloatImplicit)
{
    if (a->a->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "Cannot input a tensor of dimension other than 0 as a scalar argument");
    return float_of_tensor(a->a, rets);
}

PTS_KERNEL(k_ScalarImplicit)
{
    if (a->a->ndim != 0)
        return pts_err_set(PTS_ERR_VALUE, "Cannot input a tensor of dimension other than 0 as a scalar argument");
    return tensor_scalar(a->a, &rets[0]);
}

static pts_status int_list(const int64_t *v, int n, pts_value *out)
{
    pts_list *l = pts_list_new(pts_type_base(PTS_TY_INT), n);
    if (!l)
        return PTS_ERR_NOMEM;
    for (int i = 0; i < n; i++)
        l->items[i] = pts_int(v[i]);
    l->len = n;
    *out = pts_obj_value(&l->hdr);
    return PTS_OK;
}

PTS_KERNEL(k_size)
{
    const pts_tensor *t = a->self;
    return int_list(t->sizes, t->ndim, &rets[0]);
}

PTS_KERNEL(k_size_int)
{
    const pts_tensor *t = a->self;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_INDEX, "dimension specified as %lld but tensor has no dimensions", (long long)a->dim);
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, NULL, &d));
    rets[0] = pts_int(t->sizes[d]);
    return PTS_OK;
}

PTS_KERNEL(k_stride)
{
    const pts_tensor *t = a->self;
    return int_list(t->strides, t->ndim, &rets[0]);
}

PTS_KERNEL(k_stride_int)
{
    const pts_tensor *t = a->self;
    int d = 0;
    PTS_TRY(pts_wrap_dim(a->dim, t->ndim, NULL, &d));
    rets[0] = pts_int(t->ndim ? t->strides[d] : 1);
    return PTS_OK;
}

PTS_KERNEL(k_dim)
{
    rets[0] = pts_int(a->self->ndim);
    return PTS_OK;
}

PTS_KERNEL(k_numel)
{
    rets[0] = pts_int(pts_tensor_numel(a->self));
    return PTS_OK;
}

PTS_KERNEL(k_len_tensor)
{
    const pts_tensor *t = a->t;
    if (t->ndim == 0)
        return pts_err_set(PTS_ERR_VALUE, "len() of a 0-d tensor");
    rets[0] = pts_int(t->sizes[0]);
    return PTS_OK;
}

PTS_KERNEL(k_is_floating_point)
{
    const pts_dtype_info *di = pts_dtype_get(a->self->dtype);
    rets[0] = pts_bool(di && di->is_float);
    return PTS_OK;
}

PTS_KERNEL(k_is_complex)
{
    const pts_dtype_info *di = pts_dtype_get(a->self->dtype);
    rets[0] = pts_bool(di && di->is_complex);
    return PTS_OK;
}

PTS_KERNEL(k_is_contiguous)
{
    rets[0] = pts_bool(pts_tensor_is_contiguous(a->self));
    return PTS_OK;
}

static pts_value element_size(const pts_tensor *t)
{
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    return pts_int(di ? di->itemsize : 0);
}

PTS_KERNEL(k_element_size)
{
    rets[0] = element_size(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_itemsize)
{
    rets[0] = element_size(a->a);
    return PTS_OK;
}

PTS_KERNEL(k_storage_offset)
{
    rets[0] = pts_int(a->self->offset);
    return PTS_OK;
}

PTS_KERNEL(k_get_device)
{
    rets[0] = pts_int(-1);
    return PTS_OK;
}

PTS_KERNEL(k_prim_device)
{
    rets[0] = pts_device_value(0, -1);
    return PTS_OK;
}

PTS_KERNEL(k_prim_dtype)
{
    rets[0] = pts_int(a->a->dtype);
    return PTS_OK;
}

PTS_KERNEL(k_prim_layout)
{
    rets[0] = pts_int(0); /* torch.strided */
    return PTS_OK;
}

PTS_KERNEL(k_requires_grad)
{
    rets[0] = pts_bool(a->a->requires_grad);
    return PTS_OK;
}

PTS_KERNEL(k_nbytes)
{
    const pts_tensor *t = a->a;
    const pts_dtype_info *di = pts_dtype_get(t->dtype);
    rets[0] = pts_int(pts_tensor_numel(t) * (di ? di->itemsize : 0));
    return PTS_OK;
}

PTS_KERNEL(k_num_to_tensor)
{
    pts_value v = a->a; /* a Scalar or a bool */
    int dtype = v.tag == PTS_T_BOOL ? PTS_BOOL : v.tag == PTS_T_INT ? PTS_INT64 : v.tag == PTS_T_COMPLEX ? PTS_COMPLEX128 : PTS_FLOAT64;
    pts_tensor *t = pts_tensor_empty(dtype, 0, NULL);
    if (!t)
        return PTS_ERR_NOMEM;
    void *p = pts_tensor_data(t);
    if (dtype == PTS_BOOL)
        *(uint8_t *)p = v.u.b;
    else if (dtype == PTS_INT64)
        memcpy(p, &v.u.i, 8);
    else if (dtype == PTS_COMPLEX128)
        memcpy(p, v.u.c, 16);
    else
        memcpy(p, &v.u.f, 8);
    rets[0] = pts_ret_tensor(t);
    return PTS_OK;
}

/* ---- devices ------------------------------------------------------------------------------- */

static pts_status parse_device(const char *s, pts_device *out)
{
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    int type = -1;
    for (int i = 0; i < (int)(sizeof device_names / sizeof device_names[0]); i++)
        if (strlen(device_names[i]) == n && strncmp(device_names[i], s, n) == 0)
            type = i;
    if (type < 0)
        return pts_err_set(PTS_ERR_VALUE, "Expected one of cpu, cuda, ... device type at start of device string: %s", s);
    int index = -1;
    if (colon) {
        char *e;
        long k = strtol(colon + 1, &e, 10);
        if (e == colon + 1 || *e || k < 0 || k > 32767)
            return pts_err_set(PTS_ERR_VALUE, "Invalid device string: '%s'", s);
        index = (int)k;
    }
    out->type = (int16_t)type;
    out->index = (int16_t)index;
    return PTS_OK;
}

PTS_KERNEL(k_device)
{
    pts_device d;
    PTS_TRY(parse_device(a->a, &d));
    rets[0] = pts_device_value(d.type, d.index);
    return PTS_OK;
}

PTS_KERNEL(k_device_with_index)
{
    pts_device d;
    PTS_TRY(parse_device(a->type, &d));
    rets[0] = pts_device_value(d.type, (int)a->index);
    return PTS_OK;
}

PTS_KERNEL(k_device_type)
{
    pts_device d = a->self.u.dev;
    const char *n = d.type >= 0 && d.type < (int)(sizeof device_names / sizeof device_names[0]) ? device_names[d.type] : "?";
    return pts_value_str(n, strlen(n), &rets[0]);
}

PTS_KERNEL(k_device_index)
{
    rets[0] = a->self.u.dev.index < 0 ? pts_none() : pts_int(a->self.u.dev.index);
    return PTS_OK;
}

/* ---- enums ---------------------------------------------------------------------------------- */

PTS_KERNEL(k_enum_value)
{
    if (a->enum_.tag != PTS_T_ENUM)
        return pts_err_set(PTS_ERR_TYPE, "expected an enum value");
    rets[0] = pts_value_retain(((pts_enum *)a->enum_.u.o)->value);
    return PTS_OK;
}

PTS_KERNEL(k_enum_name)
{
    if (a->enum_.tag != PTS_T_ENUM)
        return pts_err_set(PTS_ERR_TYPE, "expected an enum value");
    pts_enum *e = (pts_enum *)a->enum_.u.o;
    pts_obj_retain(&e->name->hdr);
    rets[0] = pts_obj_value(&e->name->hdr);
    return PTS_OK;
}

const pts_op_def pts_ops_prim[] = {
    PTS_OP("aten::str(t elem) -> str", k_str),
    PTS_OP("aten::format(str self, ...) -> str", k_format),
    PTS_OP("aten::percentFormat(str self, ...) -> str", k_percent_format),
    PTS_OP("aten::hash.generic(t value) -> int", k_hash),
    PTS_OP("prim::RaiseException(str msg, str? cls=None) -> ()", k_raise),
    PTS_OP("aten::warn(str message, int stacklevel=2) -> ()", k_warn),
    PTS_OP("aten::is_grad_enabled() -> bool", k_is_grad_enabled),
    PTS_OP("aten::set_grad_enabled(bool val) -> ()", k_set_grad_enabled),
    PTS_OP("aten::is_scripting() -> bool", k_true),
    PTS_OP("aten::_get_tracing_state() -> bool", k_false),
    PTS_OP("aten::is_autocast_enabled() -> bool", k_false),
    PTS_OP("aten::is_autocast_cpu_enabled() -> bool", k_false),
    PTS_OP("aten::__is__(t1 self, t2 obj) -> bool", k_is),
    PTS_OP("aten::__isnot__(t1 self, t2 obj) -> bool", k_isnot),
    PTS_OP("aten::__not__(bool self) -> bool", k_not),
    PTS_OP("aten::_unwrap_optional(t(a)? optional) -> t(a)", k_unwrap_optional),
    PTS_OP("prim::unchecked_unwrap_optional(t(a)? optional) -> t(a)", k_identity),
    PTS_OP("aten::item(Tensor self) -> Scalar", k_item),
    PTS_OP("aten::Int.Tensor(Tensor a) -> int", k_Int_Tensor),
    PTS_OP("aten::Float.Tensor(Tensor a) -> float", k_Float_Tensor),
    PTS_OP("aten::Bool.Tensor(Tensor a) -> bool", k_Bool_Tensor),
    PTS_OP("aten::ScalarImplicit(Tensor a) -> Scalar", k_ScalarImplicit),
    PTS_OP("aten::FloatImplicit(Tensor a) -> float", k_FloatImplicit),
    PTS_OP("aten::IntImplicit(Tensor a) -> int", k_IntImplicit),
    PTS_OP("aten::size(Tensor self) -> int[]", k_size),
    PTS_OP("aten::size.int(Tensor self, int dim) -> int", k_size_int),
    PTS_OP("aten::sym_size(Tensor self) -> SymInt[]", k_size),
    PTS_OP("aten::sym_size.int(Tensor self, int dim) -> SymInt", k_size_int),
    PTS_OP("aten::stride(Tensor self) -> int[]", k_stride),
    PTS_OP("aten::stride.int(Tensor self, int dim) -> int", k_stride_int),
    PTS_OP("aten::dim(Tensor self) -> int", k_dim),
    PTS_OP("aten::numel(Tensor self) -> int", k_numel),
    PTS_OP("aten::sym_numel(Tensor self) -> SymInt", k_numel),
    PTS_OP("aten::len.Tensor(Tensor t) -> int", k_len_tensor),
    PTS_OP("aten::is_floating_point(Tensor self) -> bool", k_is_floating_point),
    PTS_OP("aten::is_complex(Tensor self) -> bool", k_is_complex),
    PTS_OP("aten::is_contiguous(Tensor self) -> bool", k_is_contiguous),
    PTS_OP("aten::element_size(Tensor self) -> int", k_element_size),
    PTS_OP("aten::storage_offset(Tensor self) -> int", k_storage_offset),
    PTS_OP("aten::get_device(Tensor self) -> int", k_get_device),
    PTS_OP("prim::device(Tensor a) -> Device", k_prim_device),
    PTS_OP("prim::dtype(Tensor a) -> int", k_prim_dtype),
    PTS_OP("prim::layout(Tensor a) -> Layout", k_prim_layout),
    PTS_OP("prim::requires_grad(Tensor a) -> bool", k_requires_grad),
    PTS_OP("prim::is_cuda(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_cpu(Tensor a) -> bool", k_true),
    PTS_OP("prim::is_xpu(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_mps(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_meta(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_sparse(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_quantized(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_mkldnn(Tensor a) -> bool", k_false),
    PTS_OP("prim::is_nested(Tensor a) -> bool", k_false),
    PTS_OP("prim::nbytes(Tensor a) -> int", k_nbytes),
    PTS_OP("prim::itemsize(Tensor a) -> int", k_itemsize),
    PTS_OP("prim::NumToTensor.Scalar(Scalar a) -> Tensor", k_num_to_tensor),
    PTS_OP("prim::NumToTensor.bool(bool a) -> Tensor", k_num_to_tensor),
    PTS_OP("aten::device(str a) -> Device", k_device),
    PTS_OP("aten::device.with_index(str type, int index) -> Device", k_device_with_index),
    PTS_OP("prim::type(Device self) -> str", k_device_type),
    PTS_OP("prim::index(Device self) -> int?", k_device_index),
    PTS_OP("prim::EnumValue.int(AnyEnumType enum) -> int", k_enum_value),
    PTS_OP("prim::EnumValue.float(AnyEnumType enum) -> float", k_enum_value),
    PTS_OP("prim::EnumValue.str(AnyEnumType enum) -> str", k_enum_value),
    PTS_OP("prim::EnumName(AnyEnumType enum) -> str", k_enum_name),
    {NULL, NULL},
};
