/* registry.h - operators registered by their real aten schema strings.
 *
 * Every kernel is registered next to its code with one line:
 *     PTS_OP("aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", k_hardtanh)
 * inside a family table (see the csrc/ops/<family>.c files).  At start-up the registry parses every
 * schema (a bad or duplicate one fails at once), so argument names, kinds,
 * defaults, keyword-only markers, in-place (a!) annotations and overloads come
 * from the schema and never from hand-written argument parsing.
 *
 * Overloads of one symbol are kept in torch's registration order; a call
 * site binds to the first overload whose formals accept its actuals without
 * conversions (see the reference notes, section 4).
 */
#ifndef PTS_OPS_REGISTRY_H
#define PTS_OPS_REGISTRY_H

#include "value/type.h"
#include "value/value.h"

typedef struct pts_schema_arg {
    char *name;
    pts_type *type;     /* owned; int[2] -> List[int] with fixed_len 2 */
    int fixed_len;      /* N of int[N]/float[N] broadcasting lists, else 0 */
    bool kwarg_only;    /* after `*` */
    bool has_default;
    pts_value default_value; /* owned */
    bool is_write;      /* alias annotation with `!`: Tensor(a!) */
    char alias_set;     /* 'a', 'b'... or 0 */
} pts_schema_arg;

typedef struct pts_schema {
    char *text;      /* the full schema string as registered */
    char *name;      /* "aten::add" */
    char *overload;  /* "Tensor", "" for the default overload */
    int nargs;
    pts_schema_arg *args;
    int nrets;
    pts_schema_arg *rets; /* names may be NULL */
    bool is_vararg;  /* "..." in the argument list */
    bool ret_vararg;
} pts_schema;

struct pts_op;

/* A kernel receives exactly schema.nargs arguments (defaults already filled,
 * borrowed) and writes schema.nrets new references into rets. */
typedef pts_status (*pts_kernel_fn)(const struct pts_op *op, pts_value *args, pts_value *rets);

typedef struct pts_op {
    pts_schema schema;
    pts_kernel_fn fn;
    int rank;         /* position in torch's registration order for this symbol */
    int id;           /* index in the registry */
} pts_op;

typedef struct pts_op_def {
    const char *schema;
    pts_kernel_fn fn;
} pts_op_def;

#define PTS_OP(schema, fn) {schema, fn}

/* Parse a schema string. On error, PTS_ERR_LOAD naming the string. */
pts_status pts_schema_parse(const char *text, pts_schema *out);
void pts_schema_free(pts_schema *s);

/* Build the registry once (thread-safe, idempotent). */
pts_status pts_ops_init(void);
/* All overloads of a symbol ("aten::add") in registration order; count in *n.
 * NULL if unknown.  Borrowed (the registry lives for the process). */
const pts_op *const *pts_ops_overloads(const char *name, int *n);
/* Whether torch registers symbol `name` ("aten::foo", any overload): the
 * schema list of the torch schema_order.inc was generated from.  Needs no
 * pts_ops_init. */
bool pts_ops_torch_knows(const char *name);
/* Whether torch.jit.load refuses a file calling `name`: its namespace is one
 * torch registers operators in ("aten", "prim", "quantized", ...) and the
 * symbol is not among them.  An op of another namespace (an extension's
 * custom op, torchvision::nms) loads in torch once the extension is
 * imported, so it is not refused. */
bool pts_ops_torch_refuses(const char *name);
/* Exact lookup by "aten::add.Tensor" (or "aten::relu" for the default). */
const pts_op *pts_ops_find(const char *name_dot_overload);
int pts_ops_count(void);
const pts_op *pts_ops_at(int i);

/* pts_value_matches_type (schema matching pass 1) is in value/type.h. */

/* Call an op by exact name with positional args (kwargs by name), filling
 * defaults - for tests and the Python `_C.call_op`. rets: new refs, n = nrets. */
pts_status pts_ops_call(const pts_op *op, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                        pts_value *kwvals, pts_value *rets);

#endif
