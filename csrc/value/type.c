/* type.c - TorchScript types: base singletons, composites, the type-string
 * parser (restore_type_tag strings, attribute annotations), printing, and
 * the one place that answers "does this value fit this type": exact match
 * (schema matching pass 1), match with conversions (pass 2), isinstance. */
#include "value/type.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "value/class.h"

static void immortal_destroy(pts_obj *o) { (void)o; }

static pts_type base_types[PTS_TY__COUNT];
static atomic_int base_ready;

static void init_base(void)
{
    for (int k = 0; k < PTS_TY__COUNT; k++) {
        pts_obj_init(&base_types[k].hdr, PTS_T_TYPE, immortal_destroy);
        atomic_store(&base_types[k].hdr.refcnt, 1L << 40);
        base_types[k].kind = (pts_type_kind)k;
    }
}

pts_type *pts_type_base(pts_type_kind kind)
{
    /* benign race: init is idempotent and writes the same values */
    if (!atomic_load(&base_ready)) {
        init_base();
        atomic_store(&base_ready, 1);
    }
    return &base_types[kind];
}

static void type_destroy(pts_obj *o)
{
    pts_type *t = (pts_type *)o;
    for (int i = 0; i < t->nargs; i++)
        pts_type_release(t->args[i]);
    pts_free(t->args);
    pts_free(t->name);
    pts_free(t);
}

pts_type *pts_type_new(pts_type_kind kind, int nargs, pts_type **args)
{
    pts_type *t = pts_calloc(1, sizeof *t);
    if (!t)
        goto oom;
    pts_obj_init(&t->hdr, PTS_T_TYPE, type_destroy);
    t->kind = kind;
    if (nargs > 0) {
        t->args = pts_calloc((size_t)nargs, sizeof *t->args);
        if (!t->args) {
            pts_free(t);
            goto oom;
        }
        for (int i = 0; i < nargs; i++)
            t->args[i] = pts_type_retain(args[i]);
        t->nargs = nargs;
    }
    return t;
oom:
    pts_err_nomem("a type", sizeof *t);
    return NULL;
}

pts_type *pts_type_new_class(const char *qualname, struct pts_class *cls)
{
    pts_type *t = pts_type_new(PTS_TY_CLASS, 0, NULL);
    if (!t)
        return NULL;
    t->name = pts_strdup(qualname);
    if (!t->name) {
        pts_type_release(t);
        pts_err_nomem("a type name", strlen(qualname));
        return NULL;
    }
    t->cls = cls;
    return t;
}

/* ---- parser --------------------------------------------------------------- */

typedef struct tparser {
    const char *s, *end, *start;
    const char *where;
    int depth;
} tparser;

static void skip_ws(tparser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t'))
        p->s++;
}

static pts_status perr(tparser *p, const char *what)
{
    return pts_err_set(PTS_ERR_LOAD, "%s: bad type string \"%.*s\" at character %d: %s", p->where,
                       (int)(p->end - p->start > 200 ? 200 : p->end - p->start), p->start,
                       (int)(p->s - p->start), what);
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.'; }

static const struct {
    const char *name;
    pts_type_kind kind;
} base_names[] = {
    {"Tensor", PTS_TY_TENSOR}, {"int", PTS_TY_INT},         {"float", PTS_TY_FLOAT},
    {"bool", PTS_TY_BOOL},     {"complex", PTS_TY_COMPLEX}, {"str", PTS_TY_STR},
    {"Device", PTS_TY_DEVICE}, {"Stream", PTS_TY_STREAM},   {"number", PTS_TY_NUMBER},
    {"Scalar", PTS_TY_NUMBER}, {"None", PTS_TY_NONE},       {"NoneType", PTS_TY_NONE},
    {"Any", PTS_TY_ANY},       {"Capsule", PTS_TY_CAPSULE}, {"list", PTS_TY_ANY_LIST},
    {"tuple", PTS_TY_ANY_TUPLE}, {"ScalarType", PTS_TY_INT}, {"Layout", PTS_TY_INT},
    {"MemoryFormat", PTS_TY_INT}, {"QScheme", PTS_TY_INT},  {"Storage", PTS_TY_ANY},
    {"Generator", PTS_TY_ANY}, {"Dimname", PTS_TY_STR},     {"SymInt", PTS_TY_INT},
    {"SymFloat", PTS_TY_FLOAT}, {"SymBool", PTS_TY_BOOL},   {"t", PTS_TY_ANY},
};

static pts_status parse_type(tparser *p, pts_type **out);

/* generic-args := '[' type (',' type)* ']' ; `Tuple[()]` is the empty tuple */
static pts_status parse_args(tparser *p, pts_type **args, int *nargs, int max)
{
    *nargs = 0;
    skip_ws(p);
    if (p->s >= p->end || *p->s != '[')
        return perr(p, "expected '['");
    p->s++;
    skip_ws(p);
    if (p->end - p->s >= 2 && p->s[0] == '(' && p->s[1] == ')') {
        p->s += 2;
        skip_ws(p);
        if (p->s >= p->end || *p->s != ']')
            return perr(p, "expected ']'");
        p->s++;
        return PTS_OK;
    }
    for (;;) {
        if (*nargs >= max)
            return perr(p, "too many type arguments");
        pts_status st = parse_type(p, &args[*nargs]);
        if (st)
            return st;
        (*nargs)++;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            skip_ws(p);
            if (p->s < p->end && *p->s == ']') { /* trailing comma */
                p->s++;
                return PTS_OK;
            }
            continue;
        }
        if (p->s < p->end && *p->s == ']') {
            p->s++;
            return PTS_OK;
        }
        return perr(p, "expected ',' or ']'");
    }
}

/* type := name [generic-args] ['?' | '[]' ...] */
static pts_status parse_type(tparser *p, pts_type **out)
{
    enum { MAXARGS = 64 };
    pts_type *args[MAXARGS] = {0};
    int nargs = 0;
    pts_status st = PTS_OK;
    *out = NULL;
    if (++p->depth > 64) {
        st = perr(p, "nested too deeply");
        goto done;
    }
    skip_ws(p);
    const char *b = p->s;
    while (p->s < p->end && ident_char(*p->s))
        p->s++;
    size_t n = (size_t)(p->s - b);
    if (n == 0) {
        st = perr(p, "expected a type name");
        goto done;
    }
    pts_type_kind gk = PTS_TY__COUNT;
    int min = 1, max = 1;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(b, lit, n) == 0)
    if (IS("List") || IS("list")) gk = PTS_TY_LIST;
    else if (IS("Dict") || IS("dict")) { gk = PTS_TY_DICT; min = max = 2; }
    else if (IS("Tuple") || IS("tuple")) { gk = PTS_TY_TUPLE; min = 0; max = MAXARGS; }
    else if (IS("Optional")) gk = PTS_TY_OPTIONAL;
    else if (IS("Union")) { gk = PTS_TY_UNION; max = MAXARGS; }
    else if (IS("Future")) gk = PTS_TY_FUTURE;
    else if (IS("Await")) gk = PTS_TY_AWAIT;
    else if (IS("RRef")) gk = PTS_TY_RREF;
    else if (IS("Final")) gk = PTS_TY_ANY; /* Final[T] == T */
#undef IS
    skip_ws(p);
    bool has_bracket = p->s < p->end && *p->s == '[' && !(p->end - p->s >= 2 && p->s[1] == ']');
    if (gk != PTS_TY__COUNT && has_bracket) {
        st = parse_args(p, args, &nargs, max);
        if (st)
            goto done;
        if (nargs < min) {
            st = perr(p, "too few type arguments");
            goto done;
        }
        if (gk == PTS_TY_ANY && nargs == 1) { /* Final */
            *out = args[0];
            args[0] = NULL;
        } else {
            *out = pts_type_new(gk, nargs, args);
            if (!*out)
                st = PTS_ERR_NOMEM;
        }
    } else if (gk == PTS_TY_LIST && !has_bracket) {
        *out = pts_type_base(PTS_TY_ANY_LIST);
    } else if (gk == PTS_TY_TUPLE && !has_bracket) {
        *out = pts_type_base(PTS_TY_ANY_TUPLE);
    } else {
        for (size_t i = 0; i < sizeof base_names / sizeof base_names[0]; i++) {
            if (strlen(base_names[i].name) == n && memcmp(base_names[i].name, b, n) == 0) {
                *out = pts_type_base(base_names[i].kind);
                break;
            }
        }
        if (!*out) {
            if (n >= 9 && memcmp(b, "__torch__", 9) == 0) {
                char *name = pts_strndup(b, n);
                if (!name) {
                    st = pts_err_nomem("a type name", n);
                    goto done;
                }
                *out = pts_type_new_class(name, NULL);
                pts_free(name);
                if (!*out)
                    st = PTS_ERR_NOMEM;
            } else {
                st = perr(p, "unknown type name");
                goto done;
            }
        }
    }
    /* schema suffixes: `Tensor?`, `int[]`, `int[2]`, `Tensor(a!)` are handled by the schema parser */
done:
    for (int i = 0; i < nargs; i++)
        pts_type_release(args[i]);
    p->depth--;
    if (st && *out) {
        pts_type_release(*out);
        *out = NULL;
    }
    return st;
}

pts_status pts_type_parse(const char *s, size_t n, const char *where, pts_type **out)
{
    tparser p = {s, s + n, s, where ? where : "type", 0};
    pts_status st = parse_type(&p, out);
    if (st)
        return st;
    skip_ws(&p);
    if (p.s != p.end) {
        pts_type_release(*out);
        *out = NULL;
        return perr(&p, "unexpected text after the type");
    }
    return PTS_OK;
}

/* ---- printing / equality ---------------------------------------------------- */

static void put(char **b, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*cap == 0)
        return;
    if (n >= *cap)
        n = *cap - 1;
    memcpy(*b, s, n);
    *b += n;
    *cap -= n;
    **b = 0;
}

static void type_str(const pts_type *t, char **b, size_t *cap)
{
    static const char *const names[PTS_TY__COUNT] = {
        "Any", "NoneType", "bool", "int", "float", "complex", "number", "str", "Tensor", "Device",
        "Stream", "Capsule", "int", "list", "tuple", "List", "Tuple", "Dict", "Optional", "Union",
        "Future", "Await", "RRef", "", "Function", "AnyEnumType",
    };
    if (!t) {
        put(b, cap, "?");
        return;
    }
    if (t->kind == PTS_TY_CLASS) {
        put(b, cap, t->name ? t->name : "?");
        return;
    }
    put(b, cap, names[t->kind]);
    if (t->kind >= PTS_TY_LIST && t->kind <= PTS_TY_RREF) {
        put(b, cap, "[");
        if (t->kind == PTS_TY_TUPLE && t->nargs == 0)
            put(b, cap, "()");
        for (int i = 0; i < t->nargs; i++) {
            if (i)
                put(b, cap, ", ");
            type_str(t->args[i], b, cap);
        }
        put(b, cap, "]");
    }
}

void pts_type_str(const pts_type *t, char *buf, size_t cap)
{
    if (!cap)
        return;
    buf[0] = 0;
    type_str(t, &buf, &cap);
}

bool pts_type_equal(const pts_type *a, const pts_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->nargs != b->nargs)
        return false;
    if (a->kind == PTS_TY_CLASS)
        return a->name && b->name && strcmp(a->name, b->name) == 0;
    for (int i = 0; i < a->nargs; i++)
        if (!pts_type_equal(a->args[i], b->args[i]))
            return false;
    return true;
}

/* ---- type matching (pass 1: no conversions) ------------------------------------ */

/* Is a container's element type `have` acceptable for formal element `want`? (invariant) */
static bool elem_type_ok(const pts_type *have, const pts_type *want)
{
    if (!have || have->kind == PTS_TY_ANY || want->kind == PTS_TY_ANY)
        return true;
    return pts_type_equal(have, want);
}

static bool items_match(const pts_value *items, int64_t n, const pts_type *t)
{
    for (int64_t i = 0; i < n; i++)
        if (!pts_value_matches_type(items[i], t, 0))
            return false;
    return true;
}

static bool list_matches(pts_value v, const pts_type *t, int fixed_len)
{
    const pts_type *et = t->args[0];
    if (v.tag == PTS_T_LIST) {
        pts_list *l = PTS_LIST(v);
        if (l->elem && l->elem->kind != PTS_TY_ANY)
            return elem_type_ok(l->elem, et);
        return items_match(l->items, l->len, et); /* element type unknown: look at the items */
    }
    if (v.tag == PTS_T_TUPLE) /* homogeneous tuples convert to lists */
        return items_match(PTS_TUPLE(v)->items, PTS_TUPLE(v)->len, et);
    if (fixed_len > 0) { /* int[N] / float[N] accept one number */
        if (et->kind == PTS_TY_INT)
            return v.tag == PTS_T_INT;
        if (et->kind == PTS_TY_FLOAT)
            return v.tag == PTS_T_FLOAT;
        if (et->kind == PTS_TY_BOOL)
            return v.tag == PTS_T_BOOL;
    }
    return false;
}

static bool class_matches(pts_value v, const pts_type *t)
{
    if (v.tag == PTS_T_OBJECT) {
        pts_object *o = PTS_OBJECT(v);
        return o->cls && o->cls->qualname && t->name && strcmp(o->cls->qualname, t->name) == 0;
    }
    if (v.tag == PTS_T_ENUM) {
        pts_enum *e = (pts_enum *)v.u.o;
        return e->cls && e->cls->qualname && t->name && strcmp(e->cls->qualname, t->name) == 0;
    }
    return false;
}

static bool tuple_matches(pts_value v, const pts_type *t)
{
    if (v.tag != PTS_T_TUPLE || PTS_TUPLE(v)->len != t->nargs)
        return false;
    for (int i = 0; i < t->nargs; i++)
        if (!pts_value_matches_type(PTS_TUPLE(v)->items[i], t->args[i], 0))
            return false;
    return true;
}

static bool dict_matches(pts_value v, const pts_type *t)
{
    if (v.tag != PTS_T_DICT)
        return false;
    pts_dict *d = PTS_DICT(v);
    return elem_type_ok(d->key_type, t->args[0]) && elem_type_ok(d->val_type, t->args[1]);
}

bool pts_value_matches_type(pts_value v, const pts_type *t, int fixed_len)
{
    switch (t->kind) {
    case PTS_TY_ANY: return true;
    case PTS_TY_NONE: return v.tag == PTS_T_NONE;
    case PTS_TY_BOOL: return v.tag == PTS_T_BOOL;
    case PTS_TY_INT:
    case PTS_TY_LAYOUT_INT: return v.tag == PTS_T_INT;
    case PTS_TY_FLOAT: return v.tag == PTS_T_FLOAT;
    case PTS_TY_COMPLEX: return v.tag == PTS_T_COMPLEX;
    case PTS_TY_NUMBER: return v.tag == PTS_T_INT || v.tag == PTS_T_FLOAT || v.tag == PTS_T_COMPLEX;
    case PTS_TY_STR: return v.tag == PTS_T_STR;
    case PTS_TY_TENSOR: return v.tag == PTS_T_TENSOR;
    case PTS_TY_DEVICE: return v.tag == PTS_T_DEVICE;
    case PTS_TY_ANY_LIST: return v.tag == PTS_T_LIST;
    case PTS_TY_ANY_TUPLE: return v.tag == PTS_T_TUPLE;
    case PTS_TY_OPTIONAL: return v.tag == PTS_T_NONE || pts_value_matches_type(v, t->args[0], fixed_len);
    case PTS_TY_LIST: return list_matches(v, t, fixed_len);
    case PTS_TY_TUPLE: return tuple_matches(v, t);
    case PTS_TY_DICT: return dict_matches(v, t);
    case PTS_TY_UNION:
        for (int i = 0; i < t->nargs; i++)
            if (pts_value_matches_type(v, t->args[i], fixed_len))
                return true;
        return false;
    case PTS_TY_FUTURE:
    case PTS_TY_AWAIT: return v.tag == PTS_T_FUTURE;
    case PTS_TY_CLASS: return class_matches(v, t);
    case PTS_TY_FUNCTION: return v.tag == PTS_T_FUNC;
    case PTS_TY_ANY_ENUM: return v.tag == PTS_T_ENUM;
    default: return false;
    }
}

/* ---- conversions (schema matching pass 2) ------------------------------------ */

int pts_value_conversion(pts_value v, const pts_type *t, int fixed_len)
{
    if (pts_value_matches_type(v, t, fixed_len))
        return PTS_CONV_NONE;
    switch (t->kind) {
    case PTS_TY_OPTIONAL: return pts_value_conversion(v, t->args[0], fixed_len);
    case PTS_TY_INT:
    case PTS_TY_LAYOUT_INT: return v.tag == PTS_T_BOOL ? PTS_CONV_TO_INT : 0;
    case PTS_TY_FLOAT: return v.tag == PTS_T_BOOL || v.tag == PTS_T_INT ? PTS_CONV_TO_FLOAT : 0;
    case PTS_TY_NUMBER: return v.tag == PTS_T_BOOL ? PTS_CONV_TO_INT : 0;
    case PTS_TY_DEVICE: return v.tag == PTS_T_STR ? PTS_CONV_TO_DEVICE : 0;
    case PTS_TY_LIST:
        if (v.tag == PTS_T_TUPLE || v.tag == PTS_T_LIST) {
            int64_t n = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->len : PTS_LIST(v)->len;
            pts_value *it = v.tag == PTS_T_TUPLE ? PTS_TUPLE(v)->items : PTS_LIST(v)->items;
            for (int64_t i = 0; i < n; i++)
                if (!pts_value_conversion(it[i], t->args[0], 0))
                    return 0;
            return PTS_CONV_TO_LIST;
        }
        return 0;
    default: return 0;
    }
}

/* ---- isinstance (TorchScript semantics: interfaces, element types) ------------------------------------------------------------------------------- */

bool pts_value_isinstance(pts_value v, const pts_type *t)
{
    switch (t->kind) {
    case PTS_TY_UNION:
        for (int i = 0; i < t->nargs; i++)
            if (pts_value_isinstance(v, t->args[i]))
                return true;
        return false;
    case PTS_TY_OPTIONAL: return v.tag == PTS_T_NONE || pts_value_isinstance(v, t->args[0]);
    case PTS_TY_NUMBER: return v.tag == PTS_T_INT || v.tag == PTS_T_FLOAT || v.tag == PTS_T_COMPLEX;
    case PTS_TY_LIST:
        if (v.tag != PTS_T_LIST)
            return false;
        if (PTS_LIST(v)->elem && PTS_LIST(v)->elem->kind != PTS_TY_ANY)
            return pts_type_equal(PTS_LIST(v)->elem, t->args[0]) || t->args[0]->kind == PTS_TY_ANY;
        for (int64_t i = 0; i < PTS_LIST(v)->len; i++)
            if (!pts_value_isinstance(PTS_LIST(v)->items[i], t->args[0]))
                return false;
        return true;
    case PTS_TY_TUPLE:
        if (v.tag != PTS_T_TUPLE || PTS_TUPLE(v)->len != t->nargs)
            return false;
        for (int i = 0; i < t->nargs; i++)
            if (!pts_value_isinstance(PTS_TUPLE(v)->items[i], t->args[i]))
                return false;
        return true;
    case PTS_TY_CLASS:
        if (v.tag == PTS_T_OBJECT) {
            pts_class *c = PTS_OBJECT(v)->cls;
            if (strcmp(c->qualname, t->name) == 0)
                return true;
            /* interfaces: the class has every method of the interface */
            pts_class *ic = t->cls ? t->cls : pts_cu_find_class(c->cu, t->name);
            if (ic && (ic->kind == PTS_CLS_INTERFACE || ic->kind == PTS_CLS_MODULE_INTERFACE)) {
                for (int i = 0; i < ic->nmethods; i++)
                    if (!pts_class_find_method(c, ic->methods[i].name))
                        return false;
                return true;
            }
            return false;
        }
        if (v.tag == PTS_T_TUPLE && PTS_TUPLE(v)->type)
            return PTS_TUPLE(v)->type->name && strcmp(PTS_TUPLE(v)->type->name, t->name) == 0;
        return pts_value_matches_type(v, t, 0);
    default: return pts_value_matches_type(v, t, 0);
    }
}
