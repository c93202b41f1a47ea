/* schema.c - parser for torch operator schema strings (FunctionSchema syntax).
 *
 * Turns "aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"
 * into a pts_schema: name, overload, formal arguments (type, default,
 * keyword-only flag, alias annotation) and returns.  The registry parses every
 * PTS_OP string with it at start-up; the C test parses every schema of the
 * installed torch with it.
 *
 * Grammar (as torch prints it):
 *   schema  := qualname ['.' overload] '(' [formal (',' formal)*] ')' '->' returns
 *   formal  := '*' | '...' | type [name] ['=' default]
 *   returns := '(' [formal (',' formal)*] ')' | '...' | type [name]
 *   type    := base [alias] ( '[' [N] ']' [alias] | '?' )*
 *   base    := '(' type (',' type)* ')' | ident '(' type [',' type] ')' | ident
 *   alias   := '(' chars-without-parens ')'      e.g. (a), (a!), (a -> *), (b|a)
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/grow.h"
#include "core/sb.h"
#include "ops/registry.h"

typedef struct sparser {
    const char *s;     /* cursor */
    const char *start; /* the whole schema text */
} sparser;

typedef struct alias_info {
    char set;  /* first alias letter, 0 = none */
    bool write;
} alias_info;

static pts_status serr(sparser *p, const char *what)
{
    return pts_err_set(PTS_ERR_LOAD, "bad operator schema \"%s\" at character %d: %s", p->start,
                       (int)(p->s - p->start), what);
}

static void skip_ws(sparser *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n')
        p->s++;
}

static bool accept(sparser *p, char c)
{
    skip_ws(p);
    if (*p->s != c)
        return false;
    p->s++;
    return true;
}

static bool ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* ident := [A-Za-z_][A-Za-z0-9_]* ; dotted when `dots` (class names) */
static size_t scan_ident(sparser *p, bool dots)
{
    const char *q = p->s;
    if (!ident_start(*q))
        return 0;
    while (ident_char(*q) || (dots && *q == '.' && ident_start(q[1])))
        q++;
    return (size_t)(q - p->s);
}

/* ---- types ------------------------------------------------------------------ */

static const struct {
    const char *name;
    pts_type_kind kind;
} base_names[] = {
    {"Tensor", PTS_TY_TENSOR},    {"int", PTS_TY_INT},          {"SymInt", PTS_TY_INT},
    {"int64_t", PTS_TY_INT},      {"float", PTS_TY_FLOAT},      {"SymFloat", PTS_TY_FLOAT},
    {"bool", PTS_TY_BOOL},        {"SymBool", PTS_TY_BOOL},     {"str", PTS_TY_STR},
    {"complex", PTS_TY_COMPLEX},  {"Scalar", PTS_TY_NUMBER},    {"number", PTS_TY_NUMBER},
    {"ScalarType", PTS_TY_INT},   {"Layout", PTS_TY_INT},       {"MemoryFormat", PTS_TY_INT},
    {"QScheme", PTS_TY_INT},      {"Device", PTS_TY_DEVICE},    {"Stream", PTS_TY_STREAM},
    {"Dimname", PTS_TY_STR},      {"Any", PTS_TY_ANY},          {"Storage", PTS_TY_ANY},
    {"Generator", PTS_TY_ANY},    {"AnyEnumType", PTS_TY_ANY_ENUM},  {"AnyClassType", PTS_TY_ANY},
    {"NoneType", PTS_TY_NONE},    {"None", PTS_TY_NONE},        {"Capsule", PTS_TY_CAPSULE},
    {"t", PTS_TY_ANY},            {"t1", PTS_TY_ANY},           {"t2", PTS_TY_ANY},
    {"tVal", PTS_TY_ANY},         {"AnyType", PTS_TY_ANY},      {"Layout", PTS_TY_INT},
};

static pts_status parse_type(sparser *p, pts_type **out, int *fixed_len, alias_info *al);

/* alias := '(' ... ')' : records the first set letter and whether '!' appears. */
static pts_status parse_alias(sparser *p, alias_info *al)
{
    p->s++; /* '(' */
    bool first = true;
    while (*p->s && *p->s != ')') {
        char c = *p->s;
        if (c == '(')
            return serr(p, "nested parenthesis in alias annotation");
        if (c == '!')
            al->write = true;
        if (first && isalpha((unsigned char)c)) {
            al->set = c;
            first = false;
        }
        if (c == '-' || c == '*' || c == '|')
            first = false;
        p->s++;
    }
    if (*p->s != ')')
        return serr(p, "unterminated alias annotation");
    p->s++;
    return PTS_OK;
}

static pts_type *make_type(pts_type_kind kind, int n, pts_type **args)
{
    if (n == 0)
        return pts_type_base(kind);
    return pts_type_new(kind, n, args);
}

static void release_all(pts_type **ts, int n)
{
    for (int i = 0; i < n; i++)
        pts_type_release(ts[i]);
}

/* '(' type (',' type)* ')' -> Tuple[...] (also `()` = empty tuple) */
static pts_status parse_tuple_type(sparser *p, pts_type **out)
{
    pts_type *elems[16];
    int n = 0;
    p->s++;
    if (!accept(p, ')')) {
        do {
            if (n >= 16) {
                release_all(elems, n);
                return serr(p, "tuple type with too many elements");
            }
            int fl = 0;
            alias_info al = {0, false};
            pts_status st = parse_type(p, &elems[n], &fl, &al);
            if (st) {
                release_all(elems, n);
                return st;
            }
            n++;
        } while (accept(p, ','));
        if (!accept(p, ')')) {
            release_all(elems, n);
            return serr(p, "expected ')' after tuple type");
        }
    }
    *out = pts_type_new(PTS_TY_TUPLE, n, elems);
    release_all(elems, n);
    return *out ? PTS_OK : PTS_ERR_NOMEM;
}

/* Dict(K, V) / Future(T) / RRef(T) / Await(T) */
static pts_status parse_generic(sparser *p, pts_type_kind kind, int want, pts_type **out)
{
    pts_type *args[2] = {NULL, NULL};
    int n = 0;
    p->s++; /* '(' */
    do {
        if (n >= want) {
            release_all(args, n);
            return serr(p, "too many type arguments");
        }
        int fl = 0;
        alias_info al = {0, false};
        pts_status st = parse_type(p, &args[n], &fl, &al);
        if (st) {
            release_all(args, n);
            return st;
        }
        n++;
    } while (accept(p, ','));
    if (n != want || !accept(p, ')')) {
        release_all(args, n);
        return serr(p, "bad type arguments");
    }
    *out = pts_type_new(kind, n, args);
    release_all(args, n);
    return *out ? PTS_OK : PTS_ERR_NOMEM;
}

static pts_status parse_base(sparser *p, pts_type **out)
{
    skip_ws(p);
    if (*p->s == '(')
        return parse_tuple_type(p, out);
    size_t n = scan_ident(p, true);
    if (n == 0)
        return serr(p, "expected a type");
    const char *name = p->s;
    p->s += n;
    static const struct {
        const char *name;
        pts_type_kind kind;
        int nargs;
    } generics[] = {{"Dict", PTS_TY_DICT, 2}, {"Future", PTS_TY_FUTURE, 1}, {"RRef", PTS_TY_RREF, 1}, {"Await", PTS_TY_AWAIT, 1}};
    for (size_t i = 0; i < sizeof generics / sizeof generics[0]; i++)
        if (strlen(generics[i].name) == n && memcmp(name, generics[i].name, n) == 0 && *p->s == '(')
            return parse_generic(p, generics[i].kind, generics[i].nargs, out);
    for (size_t i = 0; i < sizeof base_names / sizeof base_names[0]; i++)
        if (strlen(base_names[i].name) == n && memcmp(name, base_names[i].name, n) == 0) {
            *out = pts_type_base(base_names[i].kind);
            return PTS_OK;
        }
    if (memchr(name, '.', n)) { /* __torch__.torch.classes.x.Y */
        char buf[256];
        if (n >= sizeof buf)
            return serr(p, "class name too long");
        memcpy(buf, name, n);
        buf[n] = 0;
        *out = pts_type_new_class(buf, NULL);
        return *out ? PTS_OK : PTS_ERR_NOMEM;
    }
    p->s = name;
    return serr(p, "unknown type name");
}

/* type := base [alias] ( '[' [N] ']' [alias] | '?' )* */
static pts_status parse_type(sparser *p, pts_type **out, int *fixed_len, alias_info *al)
{
    pts_type *t = NULL;
    PTS_TRY(parse_base(p, &t));
    *fixed_len = 0;
    for (;;) {
        pts_status st = PTS_OK;
        if (*p->s == '(') {
            st = parse_alias(p, al);
        } else if (*p->s == '?') {
            p->s++;
            pts_type *o = make_type(PTS_TY_OPTIONAL, 1, &t);
            pts_type_release(t);
            t = o;
            if (!t)
                return PTS_ERR_NOMEM;
        } else if (*p->s == '[') {
            p->s++;
            int len = 0;
            while (isdigit((unsigned char)*p->s))
                len = len * 10 + (*p->s++ - '0');
            if (*p->s != ']') {
                pts_type_release(t);
                return serr(p, "expected ']'");
            }
            p->s++;
            pts_type *l = make_type(PTS_TY_LIST, 1, &t);
            pts_type_release(t);
            t = l;
            if (!t)
                return PTS_ERR_NOMEM;
            *fixed_len = len;
        } else {
            break;
        }
        if (st) {
            pts_type_release(t);
            return st;
        }
    }
    *out = t;
    return PTS_OK;
}

/* ---- default values -------------------------------------------------------- */

/* Strip Optional[...] to the value type. */
static const pts_type *value_type(const pts_type *t)
{
    while (t->kind == PTS_TY_OPTIONAL)
        t = t->args[0];
    return t;
}

static pts_status parse_string_lit(sparser *p, pts_value *out)
{
    char q = *p->s++;
    pts_sb sb;
    pts_sb_init(&sb);
    while (*p->s && *p->s != q) {
        char c = *p->s++;
        if (c == '\\' && *p->s) {
            char e = *p->s++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'f': c = '\f'; break;
            case 'v': c = '\v'; break;
            case 'a': c = '\a'; break;
            case 'b': c = '\b'; break;
            case '0': c = '\0'; break;
            default: c = e; break;
            }
        }
        pts_sb_putc(&sb, c);
    }
    if (*p->s != q) {
        pts_sb_free(&sb);
        return serr(p, "unterminated string default");
    }
    p->s++;
    pts_status st = sb.failed ? pts_err_nomem("a schema string", sb.len) : pts_value_str(sb.buf ? sb.buf : "", sb.len, out);
    pts_sb_free(&sb);
    return st;
}

static const struct {
    const char *name;
    int64_t value;
} enum_names[] = {
    {"contiguous_format", 0}, {"preserve_format", 1}, {"channels_last", 2}, {"channels_last_3d", 3},
    {"strided", 0},           {"sparse_coo", 1},      {"Mean", 1},          {"Sum", 2},
    {"uint8", 0},             {"int8", 1},            {"int16", 2},         {"int", 3},
    {"long", 4},              {"half", 5},            {"float", 6},         {"double", 7},
    {"per_tensor_affine", 0},
};

/* A single scalar literal: number, True/False, None, inf/nan, enum name, string. */
static pts_status parse_atom(sparser *p, const pts_type *t, pts_value *out)
{
    skip_ws(p);
    if (*p->s == '"' || *p->s == '\'') {
        PTS_TRY(parse_string_lit(p, out));
        if (t->kind == PTS_TY_DEVICE && out->tag == PTS_T_STR) {
            bool cpu = strcmp(PTS_STR(*out)->data, "cpu") == 0;
            pts_value_release(*out);
            *out = pts_device_value(cpu ? 0 : 1, -1);
        }
        return PTS_OK;
    }
    size_t n = scan_ident(p, false);
    if (n > 0) {
        const char *w = p->s;
        p->s += n;
#define IS(lit) (n == strlen(lit) && memcmp(w, lit, n) == 0)
        if (IS("None")) { *out = pts_none(); return PTS_OK; }
        if (IS("True")) { *out = pts_bool(true); return PTS_OK; }
        if (IS("False")) { *out = pts_bool(false); return PTS_OK; }
        if (IS("inf")) { *out = pts_float(INFINITY); return PTS_OK; }
        if (IS("nan")) { *out = pts_float(NAN); return PTS_OK; }
        for (size_t i = 0; i < sizeof enum_names / sizeof enum_names[0]; i++)
            if (IS(enum_names[i].name)) {
                *out = pts_int(enum_names[i].value);
                return PTS_OK;
            }
#undef IS
        p->s = w;
        return serr(p, "unknown default value");
    }
    const char *q = p->s;
    bool neg = false;
    if (*q == '-' || *q == '+') {
        neg = *q == '-';
        q++;
    }
    if (strncmp(q, "inf", 3) == 0 && !ident_char(q[3])) {
        p->s = q + 3;
        *out = pts_float(neg ? -INFINITY : INFINITY);
        return PTS_OK;
    }
    const char *e = q;
    bool isf = false;
    while (isdigit((unsigned char)*e) || *e == '.' || *e == 'e' || *e == 'E' ||
           ((*e == '-' || *e == '+') && (e[-1] == 'e' || e[-1] == 'E'))) {
        if (*e == '.' || *e == 'e' || *e == 'E')
            isf = true;
        e++;
    }
    if (e == q)
        return serr(p, "expected a default value");
    char buf[64];
    size_t len = (size_t)(e - p->s);
    if (len >= sizeof buf)
        return serr(p, "number too long");
    memcpy(buf, p->s, len);
    buf[len] = 0;
    p->s = e;
    if (isf || t->kind == PTS_TY_FLOAT)
        *out = pts_float(strtod(buf, NULL));
    else
        *out = pts_int(strtoll(buf, NULL, 10));
    return PTS_OK;
}

/* Convert a parsed atom to the formal's type where torch would (int default of a float formal). */
static pts_value coerce_atom(pts_value v, const pts_type *t)
{
    if (t->kind == PTS_TY_FLOAT && v.tag == PTS_T_INT)
        return pts_float((double)v.u.i);
    if (t->kind == PTS_TY_BOOL && v.tag == PTS_T_INT)
        return pts_bool(v.u.i != 0);
    return v;
}

/* '[' atom (',' atom)* ']' or a single atom broadcast to fixed_len (int[2] x=1). */
static pts_status parse_list_default(sparser *p, const pts_type *lt, int fixed_len, pts_value *out)
{
    const pts_type *et = value_type(lt->args[0]);
    pts_list *l = pts_list_new(lt->args[0], 4);
    if (!l)
        return PTS_ERR_NOMEM;
    pts_value lv = pts_obj_value(&l->hdr);
    pts_status st = PTS_OK;
    if (accept(p, '[')) {
        if (!accept(p, ']')) {
            do {
                pts_value v;
                st = parse_atom(p, et, &v);
                if (!st)
                    st = pts_list_append(l, coerce_atom(v, et));
            } while (!st && accept(p, ','));
            if (!st && !accept(p, ']'))
                st = serr(p, "expected ']' in list default");
        }
    } else {
        pts_value v;
        st = parse_atom(p, et, &v);
        if (!st && v.tag == PTS_T_NONE) {
            pts_value_release(lv);
            *out = v;
            return PTS_OK;
        }
        for (int i = 0; !st && i < (fixed_len > 0 ? fixed_len : 1); i++)
            st = pts_list_append(l, pts_value_retain(coerce_atom(v, et)));
        if (!st)
            pts_value_release(v);
    }
    if (st) {
        pts_value_release(lv);
        return st;
    }
    *out = lv;
    return PTS_OK;
}

static pts_status parse_default(sparser *p, const pts_type *t, int fixed_len, pts_value *out)
{
    const pts_type *vt = value_type(t);
    skip_ws(p);
    if (vt->kind == PTS_TY_LIST && (*p->s == '[' || fixed_len > 0))
        return parse_list_default(p, vt, fixed_len, out);
    pts_value v;
    PTS_TRY(parse_atom(p, vt, &v));
    *out = coerce_atom(v, vt);
    return PTS_OK;
}

/* ---- formals ------------------------------------------------------------------ */

static void arg_free(pts_schema_arg *a)
{
    pts_free(a->name);
    pts_type_release(a->type);
    pts_value_release(a->default_value);
    memset(a, 0, sizeof *a);
}

/* formal := type [name] ['=' default] */
static pts_status parse_formal(sparser *p, pts_schema_arg *a, bool is_ret)
{
    alias_info al = {0, false};
    memset(a, 0, sizeof *a);
    a->default_value = pts_none();
    PTS_TRY(parse_type(p, &a->type, &a->fixed_len, &al));
    a->alias_set = al.set;
    a->is_write = al.write;
    skip_ws(p);
    size_t n = scan_ident(p, false);
    if (n > 0) {
        a->name = pts_strndup(p->s, n);
        if (!a->name)
            return pts_err_nomem("a schema name", n);
        p->s += n;
    } else if (!is_ret) {
        return serr(p, "expected an argument name");
    }
    if (!is_ret && accept(p, '=')) {
        a->has_default = true;
        PTS_TRY(parse_default(p, a->type, a->fixed_len, &a->default_value));
    }
    return PTS_OK;
}

static pts_status push_arg(pts_schema_arg **arr, int *n, int *cap)
{
    return pts_grow_int((void **)arr, cap, *n + 1, sizeof **arr, 8, "schema arguments");
}

/* '(' [formal (',' formal)*] ')' ; handles '*' and '...' */
static pts_status parse_formals(sparser *p, pts_schema_arg **arr, int *n, bool *vararg, bool is_ret)
{
    int cap = 0;
    bool kwonly = false;
    if (!accept(p, '('))
        return serr(p, "expected '('");
    if (accept(p, ')'))
        return PTS_OK;
    do {
        skip_ws(p);
        if (strncmp(p->s, "...", 3) == 0) {
            p->s += 3;
            *vararg = true;
            continue;
        }
        if (*p->s == '*' && !is_ret) {
            p->s++;
            kwonly = true;
            continue;
        }
        PTS_TRY(push_arg(arr, n, &cap));
        pts_status st = parse_formal(p, &(*arr)[*n], is_ret);
        (*arr)[*n].kwarg_only = kwonly;
        (*n)++; /* counted even on error so the caller frees it */
        if (st)
            return st;
    } while (accept(p, ','));
    if (!accept(p, ')'))
        return serr(p, "expected ',' or ')'");
    return PTS_OK;
}

static pts_status parse_returns(sparser *p, pts_schema *s)
{
    skip_ws(p);
    if (*p->s == '(')
        return parse_formals(p, &s->rets, &s->nrets, &s->ret_vararg, true);
    if (strncmp(p->s, "...", 3) == 0) {
        p->s += 3;
        s->ret_vararg = true;
        return PTS_OK;
    }
    int cap = 0;
    PTS_TRY(push_arg(&s->rets, &s->nrets, &cap));
    s->nrets = 1;
    return parse_formal(p, &s->rets[0], true);
}

/* qualname ['.' overload] */
static pts_status parse_name(sparser *p, pts_schema *s)
{
    skip_ws(p);
    const char *b = p->s;
    size_t n = scan_ident(p, false);
    if (n == 0 || strncmp(p->s + n, "::", 2) != 0)
        return serr(p, "expected namespace::name");
    p->s += n + 2;
    n = scan_ident(p, false);
    if (n == 0)
        return serr(p, "expected an operator name");
    p->s += n;
    s->name = pts_strndup(b, (size_t)(p->s - b));
    const char *ov = p->s;
    size_t on = 0;
    if (*p->s == '.') {
        p->s++;
        ov = p->s;
        on = scan_ident(p, false);
        if (on == 0)
            return serr(p, "expected an overload name after '.'");
        p->s += on;
    }
    s->overload = pts_strndup(ov, on);
    if (!s->name || !s->overload)
        return pts_err_nomem("a schema name", on);
    return PTS_OK;
}

pts_status pts_schema_parse(const char *text, pts_schema *out)
{
    memset(out, 0, sizeof *out);
    sparser p = {text, text};
    pts_status st = parse_name(&p, out);
    if (!st)
        st = parse_formals(&p, &out->args, &out->nargs, &out->is_vararg, false);
    if (!st) {
        skip_ws(&p);
        if (strncmp(p.s, "->", 2) != 0)
            st = serr(&p, "expected '->'");
        else {
            p.s += 2;
            st = parse_returns(&p, out);
        }
    }
    if (!st) {
        skip_ws(&p);
        if (*p.s)
            st = serr(&p, "trailing characters");
    }
    if (!st) {
        out->text = pts_strdup(text);
        if (!out->text)
            st = pts_err_nomem("a schema", strlen(text));
    }
    if (st)
        pts_schema_free(out);
    return st;
}

void pts_schema_free(pts_schema *s)
{
    for (int i = 0; i < s->nargs; i++)
        arg_free(&s->args[i]);
    for (int i = 0; i < s->nrets; i++)
        arg_free(&s->rets[i]);
    pts_free(s->args);
    pts_free(s->rets);
    pts_free(s->text);
    pts_free(s->name);
    pts_free(s->overload);
    memset(s, 0, sizeof *s);
}
