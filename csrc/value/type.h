/* type.h - TorchScript static types (attribute types, annotations,
 * restore_type_tag strings, isinstance) and the type-string parser.
 *
 * Types are refcounted pts_obj (tag PTS_T_TYPE).  The base types are
 * immortal singletons.  A class type names its class by qualified name and
 * binds the pts_class lazily (cls may be NULL until pts_type_resolve).
 */
#ifndef PTS_VALUE_TYPE_H
#define PTS_VALUE_TYPE_H

#include "value/value.h"

typedef enum pts_type_kind {
    PTS_TY_ANY = 0,
    PTS_TY_NONE,
    PTS_TY_BOOL,
    PTS_TY_INT,
    PTS_TY_FLOAT,
    PTS_TY_COMPLEX,
    PTS_TY_NUMBER, /* Scalar */
    PTS_TY_STR,
    PTS_TY_TENSOR,
    PTS_TY_DEVICE,
    PTS_TY_STREAM,
    PTS_TY_CAPSULE,
    PTS_TY_LAYOUT_INT, /* ScalarType/Layout/MemoryFormat/QScheme: ints */
    PTS_TY_ANY_LIST,   /* bare `list` */
    PTS_TY_ANY_TUPLE,  /* bare `tuple` */
    PTS_TY_LIST,       /* args[0] */
    PTS_TY_TUPLE,      /* args[0..n) */
    PTS_TY_DICT,       /* args[0] key, args[1] value */
    PTS_TY_OPTIONAL,   /* args[0] */
    PTS_TY_UNION,      /* args[0..n) */
    PTS_TY_FUTURE,     /* args[0] */
    PTS_TY_AWAIT,      /* args[0] */
    PTS_TY_RREF,       /* args[0] */
    PTS_TY_CLASS,      /* name, cls: module, class, interface, NamedTuple, enum */
    PTS_TY_FUNCTION,   /* a function value */
    PTS_TY_ANY_ENUM,   /* AnyEnumType of operator schemas: any enum member */
    PTS_TY__COUNT
} pts_type_kind;

typedef struct pts_type {
    pts_obj hdr;
    pts_type_kind kind;
    int nargs;
    struct pts_type **args; /* owned refs */
    char *name;             /* PTS_TY_CLASS: qualified name (owned) */
    struct pts_class *cls;  /* PTS_TY_CLASS: borrowed, bound lazily */
} pts_type;

/* Immortal singleton for a base kind (ANY..ANY_TUPLE, FUNCTION). Borrowed. */
pts_type *pts_type_base(pts_type_kind kind);
/* New composite type; args are borrowed (retained). New reference. */
pts_type *pts_type_new(pts_type_kind kind, int nargs, pts_type **args);
/* New class type by qualified name. New reference. */
pts_type *pts_type_new_class(const char *qualname, struct pts_class *cls);
static inline pts_type *pts_type_retain(pts_type *t) { if (t) pts_obj_retain(&t->hdr); return t; }
static inline void pts_type_release(pts_type *t) { if (t) pts_obj_release(&t->hdr); }

/* Parse a type string as printed by torch ("Dict[str, List[int]]",
 * "Optional[__torch__.foo.Bar]", "Tuple[()]", "NoneType"...).
 * Class names are not resolved here.  *out: new reference.  `where` is used
 * in error messages. */
PTS_NODISCARD pts_status pts_type_parse(const char *s, size_t n, const char *where, pts_type **out);
/* Print a type as torch prints it ("List[int]"). */
void pts_type_str(const pts_type *t, char *buf, size_t cap);
bool pts_type_equal(const pts_type *a, const pts_type *b);

/* ---- does this value fit this type ------------------------------------------- */

/* Does value `v` match formal type `t` without conversions? (schema matching
 * pass 1; fixed_len > 0 for int[N] / float[N] formals, which accept one number) */
bool pts_value_matches_type(pts_value v, const pts_type *t, int fixed_len);

/* Can v be converted to formal type t (schema matching pass 2)?  0 = no,
 * else the conversion to apply (PTS_CONV_NONE when it matches as is). */
enum { PTS_CONV_NONE = 1, PTS_CONV_TO_INT, PTS_CONV_TO_FLOAT, PTS_CONV_TO_LIST, PTS_CONV_TO_DEVICE };
int pts_value_conversion(pts_value v, const pts_type *t, int fixed_len);

/* TorchScript isinstance(v, t): like pass 1, plus interfaces (a class with
 * every method of the interface), NamedTuples by name, and list element
 * types checked item by item when the list carries none. */
bool pts_value_isinstance(pts_value v, const pts_type *t);

#endif
