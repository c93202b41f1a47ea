/* interp.h - the compiled form of a TorchScript function and the pieces the
 * compiler (compile.c, builtins.c), the VM (vm.c, with bind.c, upgrade.c,
 * values.c) and the entry points (run.c) share.  Not a public header.
 *
 * A pts_code is one compiled method or function: its signature (names,
 * types, defaults), a register count, the instruction array with a line per
 * instruction, a constant pool and the call-site tables.  Sites carry the
 * names resolved at compile time and an inline cache filled on first
 * execution (class -> slot / method, argument tags -> overload); caches are
 * immutable entries published with one atomic pointer store, so running one
 * module from several threads is safe.
 */
#ifndef PTS_INTERP_INTERP_H
#define PTS_INTERP_INTERP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sb.h"
#include "interp/run_api.h"
#include "interp/site_cache.h"
#include "ops/registry.h"
#include "value/class.h"
#include "value/type.h"
#include "value/value.h"

typedef enum pts_opcode {
#define PTS_OPCODE_ENUM(name, doc) PTS_OPC_##name,
#include "interp/opcodes.h"
    PTS_OPCODES(PTS_OPCODE_ENUM)
#undef PTS_OPCODE_ENUM
    PTS_OPC__COUNT
} pts_opcode;

const char *pts_opcode_name(int op);

typedef struct pts_insn {
    uint8_t op;
    uint8_t flags;
    uint16_t n;
    int32_t a, b, c;
} pts_insn;

struct pts_code;

/* ---- call sites --------------------------------------------------------------------- */

/* One resolved overload for one argument signature. */
typedef struct op_entry {
    pts_site_entry hdr;
    const pts_op *op;
    int nkey;
    uint32_t *key;     /* per actual: tag | elem-type identity (see bind.c) */
    const void **key_types;
    int16_t *argmap;   /* per formal: index of the actual, -1 = default, -2 = converted copy */
    uint8_t *conv;     /* per formal: 0 none, 1 bool->int, 2 int->float, ... */
} op_entry;

/* The calling thread's debug trace (run_api.h), NULL when off. */
extern _Thread_local pts_trace_fn pts_tl_trace;
extern _Thread_local void *pts_tl_trace_ud;

typedef struct op_site {
    char *opname;            /* "aten::add" */
    const pts_op *const *ovl; /* overloads in torch's order (registry-owned) */
    int novl;
    int npos, nkw;           /* positional actuals, then keyword actuals */
    char **kwnames;
    pts_site_cache cache;    /* argument signature -> op_entry */
    int line;
    int upgrade;             /* PTS_UPG_*: upgrader to apply (file older than the op's bump) */
    int fallback;            /* 1 + index of an op site tried when no overload matches (x += 1), or 0 */
} op_site;

enum { PTS_UPG_NONE = 0, PTS_UPG_DIV, PTS_UPG_FULL, PTS_UPG_STEPS };

typedef struct attr_entry {
    pts_site_entry hdr;
    const pts_class *cls;
    int slot;       /* >= 0 attribute slot; -1 - k: class constant k */
} attr_entry;

typedef struct attr_site {
    char *name;
    pts_site_cache cache; /* class -> attr_entry */
} attr_site;

typedef struct method_entry {
    pts_site_entry hdr;
    const pts_class *cls;
    struct pts_code *code;
} method_entry;

typedef struct method_site {
    char *name;
    int nargs;        /* incl. the receiver */
    pts_site_cache cache; /* class -> method_entry */
    int fallback;      /* 1 + op site of "aten::<name>" for receivers that are not objects (x.relu()), or 0 */
} method_site;

typedef struct fn_site {
    pts_method *m;     /* the function / method to call (compiled lazily) */
    char *qualname;    /* its qualified name */
    pts_class *cls;    /* its class, or NULL for free functions */
    pts_class *newcls; /* NEWOBJ / NamedTuple construction */
    bool namedtuple;
} fn_site;

/* ---- compiled code ------------------------------------------------------------------- */

typedef struct pts_code {
    char *name;      /* "forward" */
    char *qualname;  /* "__torch__.M.forward" */
    char *file;      /* "code/__torch__.py" */
    int line;
    pts_cu *cu;      /* borrowed (the unit owns the code) */
    pts_class *cls;  /* owning class or NULL */

    int nparams;
    char **param_names;
    pts_type **param_types; /* owned, NULL = unannotated */
    pts_value *defaults;    /* PTS_T_UNINIT = none */
    pts_type *ret_type;

    int nlocals, nregs;
    int ninsns;
    pts_insn *insns;
    int *lines;

    int nconsts;
    pts_value *consts;
    int nops, nattrs, nmethods, nfns;
    op_site *ops;
    attr_site *attrs;
    method_site *methods;
    fn_site *fns;

    int nplan;                  /* load-time plan (plan.c): sites, NULL when none */
    struct pts_plan_site *plan;
} pts_code;

/* Per-unit interpreter state (cu->compiled_extra). */
typedef struct pts_interp_unit {
    pthread_mutex_t lock;
    int ncodes, cap;
    pts_code **codes;
    /* missing operators found while compiling (for pts_interp_check_ops) */
    int nmissing, cap_missing;
    pts_missing_op *missing;
} pts_interp_unit;

/* The unit's interpreter state, created on first use. NULL on OOM (error set). */
pts_interp_unit *pts_interp_unit_of(pts_cu *cu);

/* Compile (once) the method m of class cls (NULL for a free function).
 * Thread-safe.  *out borrowed (owned by the unit). */
PTS_NODISCARD pts_status pts_interp_compile(pts_cu *cu, pts_class *cls, pts_method *m, const char *qualname, pts_code **out);

/* Run a compiled function on args (borrowed; nargs must equal code->nparams,
 * defaults already filled).  *out: new reference.  Errors carry the
 * TorchScript traceback. */
PTS_NODISCARD pts_status pts_vm_call(pts_code *code, int nargs, const pts_value *args, pts_value *out);

/* Run op site s of code k on the actuals at acts (borrowed; s->npos
 * positional then s->nkw keyword values).  Binds the overload on the site's
 * first execution for these argument types (bind.c).  *res: new reference. */
PTS_NODISCARD pts_status pts_interp_call_op(pts_code *k, op_site *s, pts_value *acts, pts_value *res);

/* Apply the upgrader the compiler marked on site s (s->upgrade) to the
 * bound call: may switch *op to another overload and append an argument
 * (argv[2], a new reference then) (upgrade.c). */
PTS_NODISCARD pts_status pts_interp_upgrade_call(const op_site *s, const pts_op **op, pts_value *argv, int *nargv);

/* Call method `name` of object `obj` with positional args (borrowed), filling
 * defaults - used by run.c (hooks), __setstate__ and `with` cleanup. */
PTS_NODISCARD pts_status pts_interp_call_method(pts_value obj, const char *name, int nargs, const pts_value *args, pts_value *out);


/* ---- values.c: what the loop does to values ---------------------------------------- */

PTS_NODISCARD pts_status pts_vm_truthy(pts_value v, bool *out);                        /* if / while / not */
PTS_NODISCARD pts_status pts_vm_subscr(pts_value obj, pts_value idx, pts_value *out);  /* obj[idx], new ref */
PTS_NODISCARD pts_status pts_vm_slice(pts_value *a, pts_value *out);                   /* a = obj, start, end, step */
PTS_NODISCARD pts_status pts_vm_contains(pts_value c, pts_value x, bool *out);         /* x in c */
/* Unpack a tuple / list of exactly n items into dst[0..n) (old values released). */
PTS_NODISCARD pts_status pts_vm_unpack(pts_value src, int n, pts_value *dst);
/* v (stolen) as annotated type t: tolist, int/float(tensor), element types of empty containers. */
PTS_NODISCARD pts_status pts_vm_convert(pts_value v, const pts_type *t, pts_value *out);
void pts_vm_print(pts_value *vals, int n); /* prim::Print: cannot fail (a line cut short by OOM prints what fit) */

/* ---- plan.c: the load-time plan the loop consults ---------------------------------- */

/* Instruction flags the planner sets (compile.h has PTS_F_TB 1, PTS_F_TA 2). */
#define PTS_F_PLAN 4  /* CALLMETHOD of a planned convolution: publish its plan first */
#define PTS_F_PSKIP 8 /* BatchNorm / activation call: a move of its last argument when the plan was taken */

/* *plan: the convolution plan (ops/nn/conv_plan.h) made for receiver recv at
 * the planned call at instruction pc of k, or NULL; *res_reg: the register
 * holding the residual the plan adds, or -1.  Fails (out of memory) when the
 * plan's first use cannot fold its weights; a later call tries again. */
pts_status pts_plan_lookup(const pts_code *k, int pc, pts_value recv, int *res_reg, const void **plan);
void pts_plan_free(pts_code *k);

/* Free a code object (unit teardown). */
void pts_code_free(pts_code *code);

/* Human-readable listing of a compiled function (tests, debugging). */
void pts_code_dump(const pts_code *code, struct pts_sb *sb);

/* Futures (fork / awaitable): a completed value holder. */
typedef struct pts_future {
    pts_obj hdr;
    pts_value value;
} pts_future;
PTS_NODISCARD pts_status pts_future_new(pts_value v /* stolen */, pts_value *out);

#endif
