/* str.c - string operators of printed TorchScript (str methods,
 * indexing and slicing, +, comparisons live in num.c).
 *
 * Strings are UTF-8 bytes; like torch's own string ops, these work on
 * bytes (indexing, len, case mapping of ASCII letters).
 */
#include <ctype.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/prim/prim.h"

#define S(v) PTS_STR(v)

static pts_status ret_str(const char *s, size_t n, pts_value *out) { return pts_value_str(s, n, out); }

static pts_status str_list_push(pts_list *l, const char *s, size_t n)
{
    pts_value v;
    PTS_TRY(pts_value_str(s, n, &v));
    return pts_list_append(l, v);
}

static pts_status new_str_list(pts_list **out)
{
    *out = pts_list_new(pts_type_base(PTS_TY_STR), 4);
    return *out ? PTS_OK : PTS_ERR_NOMEM;
}

static pts_status finish_list(pts_list *l, pts_status st, pts_value *out)
{
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    *out = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* ---- basics -------------------------------------------------------------------------------- */

static pts_status k_len(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    r[0] = pts_int(S(a[0])->len);
    return PTS_OK;
}

static pts_status k_getitem(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t i = 0;
    PTS_TRY(pts_prim_norm_index(a[1].u.i, S(a[0])->len, "string", &i));
    return ret_str(S(a[0])->data + i, 1, &r[0]);
}

static pts_status k_slice(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]);
    int64_t first, count, step = a[3].u.i;
    PTS_TRY(pts_prim_slice_indices(a[1], a[2], step, s->len, &first, &count));
    if (step == 1)
        return ret_str(s->data + first, (size_t)count, &r[0]);
    pts_sb sb;
    pts_sb_init(&sb);
    for (int64_t k = 0; k < count; k++)
        pts_sb_putc(&sb, s->data[first + k * step]);
    return pts_prim_ret_sb(&sb, &r[0]);
}

static pts_status k_add(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *x = S(a[0]), *y = S(a[1]);
    pts_sb sb;
    pts_sb_init(&sb);
    pts_sb_putn(&sb, x->data, (size_t)x->len);
    pts_sb_putn(&sb, y->data, (size_t)y->len);
    return pts_prim_ret_sb(&sb, &r[0]);
}

static pts_status k_list_str(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l;
    PTS_TRY(new_str_list(&l));
    pts_status st = PTS_OK;
    for (int64_t i = 0; i < S(a[0])->len && !st; i++)
        st = str_list_push(l, S(a[0])->data + i, 1);
    return finish_list(l, st, &r[0]);
}

static pts_status k_ord(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]);
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t cp;
    if (s->len == 1)
        cp = p[0];
    else if (s->len == 2 && (p[0] & 0xE0) == 0xC0)
        cp = ((p[0] & 31) << 6) | (p[1] & 63);
    else if (s->len == 3 && (p[0] & 0xF0) == 0xE0)
        cp = ((p[0] & 15) << 12) | ((p[1] & 63) << 6) | (p[2] & 63);
    else if (s->len == 4 && (p[0] & 0xF8) == 0xF0)
        cp = ((int64_t)(p[0] & 7) << 18) | ((p[1] & 63) << 12) | ((p[2] & 63) << 6) | (p[3] & 63);
    else
        return pts_err_set(PTS_ERR_TYPE, "ord() expected a character, but string of length %lld found", (long long)s->len);
    r[0] = pts_int(cp);
    return PTS_OK;
}

/* ---- case and predicates ------------------------------------------------------------------- */

typedef int (*char_map)(int c);

static pts_status map_chars(pts_value v, char_map f, pts_value *out)
{
    pts_str *s = S(v);
    pts_value res;
    PTS_TRY(ret_str(s->data, (size_t)s->len, &res));
    pts_str *d = S(res);
    for (int64_t i = 0; i < d->len; i++)
        d->data[i] = (char)f((unsigned char)d->data[i]);
    *out = res;
    return PTS_OK;
}

static int swap_case(int c) { return isupper(c) ? tolower(c) : islower(c) ? toupper(c) : c; }

static pts_status k_upper(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return map_chars(a[0], toupper, &r[0]); }
static pts_status k_lower(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return map_chars(a[0], tolower, &r[0]); }
static pts_status k_swapcase(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return map_chars(a[0], swap_case, &r[0]); }

static pts_status k_title(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    PTS_TRY(ret_str(S(a[0])->data, (size_t)S(a[0])->len, &r[0]));
    pts_str *d = S(r[0]);
    bool prev_cased = false;
    for (int64_t i = 0; i < d->len; i++) {
        int c = (unsigned char)d->data[i];
        if (isalpha(c)) {
            d->data[i] = (char)(prev_cased ? tolower(c) : toupper(c));
            prev_cased = true;
        } else {
            prev_cased = false;
        }
    }
    return PTS_OK;
}

static pts_status k_capitalize(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    PTS_TRY(ret_str(S(a[0])->data, (size_t)S(a[0])->len, &r[0]));
    pts_str *d = S(r[0]);
    for (int64_t i = 0; i < d->len; i++)
        d->data[i] = (char)(i == 0 ? toupper((unsigned char)d->data[i]) : tolower((unsigned char)d->data[i]));
    return PTS_OK;
}

typedef enum { P_DIGIT, P_ALPHA, P_ALNUM, P_SPACE, P_LOWER, P_UPPER, P_TITLE, P_IDENT, P_PRINT } pred_kind;

static bool check_pred(pts_str *s, pred_kind k)
{
    int64_t n = s->len;
    const unsigned char *p = (const unsigned char *)s->data;
    switch (k) {
    case P_LOWER:
    case P_UPPER: {
        bool cased = false;
        for (int64_t i = 0; i < n; i++) {
            if (k == P_LOWER ? isupper(p[i]) : islower(p[i]))
                return false;
            cased |= isalpha(p[i]) != 0;
        }
        return cased;
    }
    case P_TITLE: {
        bool prev = false, any = false;
        for (int64_t i = 0; i < n; i++) {
            if (isupper(p[i])) {
                if (prev)
                    return false;
                prev = any = true;
            } else if (islower(p[i])) {
                if (!prev)
                    return false;
            } else {
                prev = false;
            }
        }
        return any;
    }
    case P_IDENT:
        if (n == 0 || isdigit(p[0]))
            return false;
        for (int64_t i = 0; i < n; i++)
            if (!isalnum(p[i]) && p[i] != '_' && p[i] < 0x80)
                return false;
        return true;
    case P_PRINT:
        for (int64_t i = 0; i < n; i++)
            if (!isprint(p[i]))
                return false;
        return true;
    default: break;
    }
    if (n == 0)
        return false;
    for (int64_t i = 0; i < n; i++) {
        int c = p[i];
        bool ok = k == P_DIGIT ? isdigit(c) : k == P_ALPHA ? isalpha(c) : k == P_ALNUM ? isalnum(c) : isspace(c);
        if (!ok)
            return false;
    }
    return true;
}

#define PRED(name, kind)                                                          \
    static pts_status k_##name(const pts_op *op, pts_value *a, pts_value *r)     \
    {                                                                             \
        (void)op;                                                                 \
        r[0] = pts_bool(check_pred(S(a[0]), kind));                               \
        return PTS_OK;                                                            \
    }
PRED(isdigit, P_DIGIT)
PRED(isalpha, P_ALPHA)
PRED(isalnum, P_ALNUM)
PRED(isspace, P_SPACE)
PRED(islower, P_LOWER)
PRED(isupper, P_UPPER)
PRED(istitle, P_TITLE)
PRED(isidentifier, P_IDENT)
PRED(isprintable, P_PRINT)

/* ---- strip, pad ------------------------------------------------------------------------------ */

static bool in_set(pts_str *set, char c) { return memchr(set->data, c, (size_t)set->len) != NULL; }

static pts_status strip(pts_value *a, bool left, bool right, pts_value *out)
{
    pts_str *s = S(a[0]), *set = S(a[1]);
    int64_t b = 0, e = s->len;
    while (left && b < e && in_set(set, s->data[b]))
        b++;
    while (right && e > b && in_set(set, s->data[e - 1]))
        e--;
    return ret_str(s->data + b, (size_t)(e - b), out);
}

static pts_status k_strip(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return strip(a, true, true, &r[0]); }
static pts_status k_lstrip(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return strip(a, true, false, &r[0]); }
static pts_status k_rstrip(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return strip(a, false, true, &r[0]); }

static pts_status pad(pts_value *a, int64_t lpad, int64_t rpad, char fill, pts_value *out)
{
    pts_str *s = S(a[0]);
    pts_sb sb;
    pts_sb_init(&sb);
    for (int64_t i = 0; i < lpad; i++)
        pts_sb_putc(&sb, fill);
    pts_sb_putn(&sb, s->data, (size_t)s->len);
    for (int64_t i = 0; i < rpad; i++)
        pts_sb_putc(&sb, fill);
    return pts_prim_ret_sb(&sb, out);
}

static pts_status fill_char(pts_value v, char *c)
{
    if (S(v)->len != 1)
        return pts_err_set(PTS_ERR_TYPE, "The fill character must be exactly one character long");
    *c = S(v)->data[0];
    return PTS_OK;
}

static int64_t pad_total(pts_value *a)
{
    int64_t w = a[1].u.i, n = S(a[0])->len;
    if (w > n + (1 << 26))
        w = n + (1 << 26);
    return w > n ? w - n : 0;
}

static pts_status k_center(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    char c = 0;
    PTS_TRY(fill_char(a[2], &c));
    int64_t full = pad_total(a);
    return pad(a, full / 2, (full + 1) / 2, c, &r[0]);
}

static pts_status k_ljust(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    char c = 0;
    PTS_TRY(fill_char(a[2], &c));
    return pad(a, 0, pad_total(a), c, &r[0]);
}

static pts_status k_rjust(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    char c = 0;
    PTS_TRY(fill_char(a[2], &c));
    return pad(a, pad_total(a), 0, c, &r[0]);
}

static pts_status k_zfill(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]);
    int64_t full = pad_total(a);
    pts_sb sb;
    pts_sb_init(&sb);
    /* TorchScript's zfill pads in front of a sign too ("-4".zfill(4) == "00-4"), unlike Python */
    for (int64_t i = 0; i < full; i++)
        pts_sb_putc(&sb, '0');
    pts_sb_putn(&sb, s->data, (size_t)s->len);
    return pts_prim_ret_sb(&sb, &r[0]);
}

static pts_status k_expandtabs(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]);
    int64_t ts = a[1].u.i;
    pts_sb sb;
    pts_sb_init(&sb);
    int64_t col = 0;
    for (int64_t i = 0; i < s->len; i++) {
        char c = s->data[i];
        if (c == '\t') {
            if (ts > 0) {
                int64_t n = ts - col % ts;
                for (int64_t k = 0; k < n; k++)
                    pts_sb_putc(&sb, ' ');
                col += n;
            }
        } else {
            pts_sb_putc(&sb, c);
            col = (c == '\n' || c == '\r') ? 0 : col + 1;
        }
    }
    return pts_prim_ret_sb(&sb, &r[0]);
}

/* ---- search ---------------------------------------------------------------------------------- */

/* Clamp Python-style start/end (end -1 means "to the end" in torch's schema defaults
 * only when it was defaulted; torch treats end=-1 literally as len-1? It treats negative
 * end as len+end, except that the default -1 means len). */
static void bounds(pts_str *s, int64_t start, int64_t end, int64_t *b, int64_t *e)
{
    int64_t n = s->len;
    if (start < 0)
        start = start + n < 0 ? 0 : start + n;
    if (end == -1)
        end = n;
    else if (end < 0)
        end = end + n < 0 ? 0 : end + n;
    if (end > n)
        end = n;
    *b = start;
    *e = end;
}

static int64_t find_in(pts_str *s, pts_str *sub, int64_t b, int64_t e, bool reverse)
{
    if (b > e || e - b < sub->len)
        return -1;
    if (!reverse) {
        for (int64_t i = b; i + sub->len <= e; i++)
            if (memcmp(s->data + i, sub->data, (size_t)sub->len) == 0)
                return i;
    } else {
        for (int64_t i = e - sub->len; i >= b; i--)
            if (memcmp(s->data + i, sub->data, (size_t)sub->len) == 0)
                return i;
    }
    return -1;
}

static pts_status k_find(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t b, e;
    bounds(S(a[0]), a[2].u.i, a[3].u.i, &b, &e);
    r[0] = pts_int(find_in(S(a[0]), S(a[1]), b, e, false));
    return PTS_OK;
}

static pts_status k_rfind(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    int64_t b, e;
    bounds(S(a[0]), a[2].u.i, a[3].u.i, &b, &e);
    r[0] = pts_int(find_in(S(a[0]), S(a[1]), b, e, true));
    return PTS_OK;
}

static pts_status k_index(const pts_op *op, pts_value *a, pts_value *r)
{
    PTS_TRY(k_find(op, a, r));
    if (r[0].u.i < 0)
        return pts_err_set(PTS_ERR_VALUE, "substring not found");
    return PTS_OK;
}

static pts_status k_rindex(const pts_op *op, pts_value *a, pts_value *r)
{
    PTS_TRY(k_rfind(op, a, r));
    if (r[0].u.i < 0)
        return pts_err_set(PTS_ERR_VALUE, "substring not found");
    return PTS_OK;
}

static pts_status k_count(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]), *sub = S(a[1]);
    int64_t b, e, n = 0;
    bounds(s, a[2].u.i, a[3].u.i, &b, &e);
    if (sub->len == 0) {
        r[0] = pts_int(e >= b ? e - b + 1 : 0);
        return PTS_OK;
    }
    for (int64_t i = b; i + sub->len <= e;) {
        if (memcmp(s->data + i, sub->data, (size_t)sub->len) == 0) {
            n++;
            i += sub->len;
        } else {
            i++;
        }
    }
    r[0] = pts_int(n);
    return PTS_OK;
}

static pts_status k_startswith(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]), *sub = S(a[1]);
    int64_t b, e;
    bounds(s, a[2].u.i, a[3].u.i, &b, &e);
    r[0] = pts_bool(e - b >= sub->len && memcmp(s->data + b, sub->data, (size_t)sub->len) == 0);
    return PTS_OK;
}

static pts_status k_endswith(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]), *sub = S(a[1]);
    int64_t b, e;
    bounds(s, a[2].u.i, a[3].u.i, &b, &e);
    r[0] = pts_bool(e - b >= sub->len && memcmp(s->data + e - sub->len, sub->data, (size_t)sub->len) == 0);
    return PTS_OK;
}

static pts_status k_replace(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]), *old = S(a[1]), *nw = S(a[2]);
    int64_t max = a[3].u.i, done = 0;
    pts_sb sb;
    pts_sb_init(&sb);
    int64_t i = 0;
    while (i < s->len) {
        if ((max < 0 || done < max) && old->len > 0 && i + old->len <= s->len &&
            memcmp(s->data + i, old->data, (size_t)old->len) == 0) {
            pts_sb_putn(&sb, nw->data, (size_t)nw->len);
            i += old->len;
            done++;
        } else {
            pts_sb_putc(&sb, s->data[i++]);
        }
    }
    return pts_prim_ret_sb(&sb, &r[0]);
}

/* ---- split / join ---------------------------------------------------------------------------- */

static pts_status split_ws(pts_str *s, int64_t max, pts_list *l)
{
    int64_t i = 0, n = s->len, done = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)s->data[i]))
            i++;
        if (i >= n)
            break;
        if (max >= 0 && done >= max) {
            int64_t e = n;
            while (e > i && isspace((unsigned char)s->data[e - 1]))
                e--;
            return str_list_push(l, s->data + i, (size_t)(e - i));
        }
        int64_t j = i;
        while (j < n && !isspace((unsigned char)s->data[j]))
            j++;
        PTS_TRY(str_list_push(l, s->data + i, (size_t)(j - i)));
        done++;
        i = j;
    }
    return PTS_OK;
}

static pts_status split_sep(pts_str *s, pts_str *sep, int64_t max, pts_list *l)
{
    if (sep->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "empty separator");
    int64_t i = 0, start = 0, done = 0;
    while (i + sep->len <= s->len && (max < 0 || done < max)) {
        if (memcmp(s->data + i, sep->data, (size_t)sep->len) == 0) {
            PTS_TRY(str_list_push(l, s->data + start, (size_t)(i - start)));
            i += sep->len;
            start = i;
            done++;
        } else {
            i++;
        }
    }
    return str_list_push(l, s->data + start, (size_t)(s->len - start));
}

static pts_status k_split(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l;
    PTS_TRY(new_str_list(&l));
    pts_status st = a[1].tag == PTS_T_NONE ? split_ws(S(a[0]), a[2].u.i, l) : split_sep(S(a[0]), S(a[1]), a[2].u.i, l);
    return finish_list(l, st, &r[0]);
}

static pts_status k_rsplit(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]), *sep = S(a[1]);
    int64_t max = a[2].u.i;
    if (sep->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "empty separator");
    /* collect pieces from the right, then reverse */
    pts_list *l;
    PTS_TRY(new_str_list(&l));
    pts_status st = PTS_OK;
    int64_t end = s->len, i = s->len - sep->len, done = 0;
    while (!st && i >= 0 && (max < 0 || done < max)) {
        if (memcmp(s->data + i, sep->data, (size_t)sep->len) == 0) {
            st = str_list_push(l, s->data + i + sep->len, (size_t)(end - i - sep->len));
            end = i;
            i -= sep->len;
            done++;
        } else {
            i--;
        }
    }
    if (!st)
        st = str_list_push(l, s->data, (size_t)end);
    if (!st)
        for (int64_t k = 0; k < l->len / 2; k++) {
            pts_value t = l->items[k];
            l->items[k] = l->items[l->len - 1 - k];
            l->items[l->len - 1 - k] = t;
        }
    return finish_list(l, st, &r[0]);
}

static pts_status k_splitlines(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *s = S(a[0]);
    bool keep = a[1].u.b;
    pts_list *l;
    PTS_TRY(new_str_list(&l));
    pts_status st = PTS_OK;
    int64_t i = 0, start = 0;
    while (!st && i < s->len) {
        char c = s->data[i];
        if (c == '\n' || c == '\r') {
            int64_t eol = i + 1; /* torch: "\r\n" is two line breaks */
            st = str_list_push(l, s->data + start, (size_t)((keep ? eol : i) - start));
            i = start = eol;
        } else {
            i++;
        }
    }
    if (!st && start < s->len)
        st = str_list_push(l, s->data + start, (size_t)(s->len - start));
    return finish_list(l, st, &r[0]);
}

static pts_status k_join(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_str *sep = S(a[0]);
    pts_list *l = PTS_LIST(a[1]);
    pts_sb sb;
    pts_sb_init(&sb);
    for (int64_t i = 0; i < l->len; i++) {
        if (i)
            pts_sb_putn(&sb, sep->data, (size_t)sep->len);
        pts_sb_putn(&sb, S(l->items[i])->data, (size_t)S(l->items[i])->len);
    }
    return pts_prim_ret_sb(&sb, &r[0]);
}

static pts_status partition(pts_value *a, bool reverse, pts_value *r)
{
    pts_str *s = S(a[0]), *sep = S(a[1]);
    if (sep->len == 0)
        return pts_err_set(PTS_ERR_VALUE, "empty separator");
    int64_t i = find_in(s, sep, 0, s->len, reverse);
    pts_status st;
    if (i < 0) {
        if (!reverse) {
            st = ret_str(s->data, (size_t)s->len, &r[0]);
            if (!st) st = ret_str("", 0, &r[1]);
            if (!st) st = ret_str("", 0, &r[2]);
        } else {
            st = ret_str("", 0, &r[0]);
            if (!st) st = ret_str("", 0, &r[1]);
            if (!st) st = ret_str(s->data, (size_t)s->len, &r[2]);
        }
    } else {
        st = ret_str(s->data, (size_t)i, &r[0]);
        if (!st) st = ret_str(sep->data, (size_t)sep->len, &r[1]);
        if (!st) st = ret_str(s->data + i + sep->len, (size_t)(s->len - i - sep->len), &r[2]);
    }
    return st;
}

static pts_status k_partition(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return partition(a, false, r); }
static pts_status k_rpartition(const pts_op *op, pts_value *a, pts_value *r) { (void)op; return partition(a, true, r); }

const pts_op_def pts_ops_str[] = {
    PTS_OP("aten::len.str(str s) -> int", k_len),
    PTS_OP("aten::__getitem__.str(str s, int index) -> str", k_getitem),
    PTS_OP("prim::StringIndex(str string, int index) -> str", k_getitem),
    PTS_OP("aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str", k_slice),
    PTS_OP("aten::add.str(str a, str b) -> str", k_add),
    PTS_OP("aten::list(str t) -> str[]", k_list_str),
    PTS_OP("aten::ord(str string) -> int", k_ord),
    PTS_OP("aten::upper(str self) -> str", k_upper),
    PTS_OP("aten::lower(str self) -> str", k_lower),
    PTS_OP("aten::swapcase(str self) -> str", k_swapcase),
    PTS_OP("aten::title(str self) -> str", k_title),
    PTS_OP("aten::capitalize(str self) -> str", k_capitalize),
    PTS_OP("aten::isdigit(str self) -> bool", k_isdigit),
    PTS_OP("aten::isdecimal(str self) -> bool", k_isdigit),
    PTS_OP("aten::isnumeric(str self) -> bool", k_isdigit),
    PTS_OP("aten::isalpha(str self) -> bool", k_isalpha),
    PTS_OP("aten::isalnum(str self) -> bool", k_isalnum),
    PTS_OP("aten::isspace(str self) -> bool", k_isspace),
    PTS_OP("aten::islower(str self) -> bool", k_islower),
    PTS_OP("aten::isupper(str self) -> bool", k_isupper),
    PTS_OP("aten::istitle(str self) -> bool", k_istitle),
    PTS_OP("aten::isidentifier(str self) -> bool", k_isidentifier),
    PTS_OP("aten::isprintable(str self) -> bool", k_isprintable),
    PTS_OP("aten::strip(str self, str chars=\" \\n\\t\\f\\v\") -> str", k_strip),
    PTS_OP("aten::lstrip(str self, str chars=\" \\n\\t\\f\\v\") -> str", k_lstrip),
    PTS_OP("aten::rstrip(str self, str chars=\" \\n\\t\\f\\v\") -> str", k_rstrip),
    PTS_OP("aten::center(str self, int width, str fillchar=\" \") -> str", k_center),
    PTS_OP("aten::ljust(str self, int width, str fillchar=\" \") -> str", k_ljust),
    PTS_OP("aten::rjust(str self, int width, str fillchar=\" \") -> str", k_rjust),
    PTS_OP("aten::zfill(str self, int width) -> str", k_zfill),
    PTS_OP("aten::expandtabs(str self, int tabsize=8) -> str", k_expandtabs),
    PTS_OP("aten::find(str self, str substr, int start=0, int end=-1) -> int", k_find),
    PTS_OP("aten::rfind(str self, str substr, int start=0, int end=-1) -> int", k_rfind),
    PTS_OP("aten::index.str(str self, str substr, int start=0, int end=-1) -> int", k_index),
    PTS_OP("aten::rindex(str self, str substr, int start=0, int end=-1) -> int", k_rindex),
    PTS_OP("aten::count(str self, str substr, int start=0, int end=-1) -> int", k_count),
    PTS_OP("aten::startswith(str self, str substr, int start=0, int end=-1) -> bool", k_startswith),
    PTS_OP("aten::endswith(str self, str substr, int start=0, int end=-1) -> bool", k_endswith),
    PTS_OP("aten::replace(str self, str old, str new, int max=-1) -> str", k_replace),
    PTS_OP("aten::split.str(str self, str? separator=None, int max=-1) -> str[]", k_split),
    PTS_OP("aten::rsplit(str self, str separator=\" \", int max=-1) -> str[]", k_rsplit),
    PTS_OP("aten::splitlines(str self, bool keepends=False) -> str[]", k_splitlines),
    PTS_OP("aten::join(str self, str[] values) -> str", k_join),
    PTS_OP("aten::partition(str self, str separator) -> (str, str, str)", k_partition),
    PTS_OP("aten::rpartition(str self, str separator) -> (str, str, str)", k_rpartition),
    {NULL, NULL},
};
