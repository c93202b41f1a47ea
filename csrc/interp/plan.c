/* plan.c - the planning pass at load, over the compiled methods of a unit.
 *
 * What it does today: in a module method that calls a Conv2d submodule and
 * passes the result straight to a BatchNorm2d submodule (maybe then to a
 * residual add, and that result straight to an activation: a ReLU / ReLU6 /
 * Hardswish / SiLU / Sigmoid / GELU submodule or the op aten::relu /
 * hardswish / silu / sigmoid / gelu), the BatchNorm is folded into the
 * convolution's weight and bias and the add and the activation become the
 * convolution's epilogue (ops/nn/conv_plan.h):
 *
 *     conv = self.conv1            conv = self.conv1
 *     y = conv.forward(x)    ->    y = conv.forward(x)   [PTS_F_PLAN: W', b', relu]
 *     bn = self.bn1                bn = self.bn1
 *     z = bn.forward(y)            z = y                 [PTS_F_PSKIP]
 *     u = relu.forward(z)          u = z                 [PTS_F_PSKIP]
 *
 * W' = W * g, b' = (b - mean) * g + beta with g = gamma / sqrt(var + eps),
 * computed in double and rounded once to float32 (torch's eval batch_norm
 * rounds invstd and the scale to float32 on the way: the two differ by a few
 * float32 ulps per layer, inside the models' tolerances).
 *
 * When it is allowed (proved from the code, for every method of the unit):
 *  - the call sequence is straight-line code (no jump lands inside it), the
 *    convolution's result is read by nothing but the BatchNorm call, and the
 *    BatchNorm's result by nothing but the activation (when fused);
 *  - no method assigns (SETATTR) any attribute named like the ones the
 *    plan reads: the parent's conv / bn / activation attributes, and
 *    weight, bias, running_mean, running_var, training of the modules;
 *  - no method changes one of those tensors in place: an in-place op
 *    (name ending in `_`, or an out= argument) whose first argument comes from
 *    GETATTR of such a name, directly, through a local, or through a
 *    parameter of a function or self-method it was passed to; passing it to
 *    a call the pass cannot follow counts as a change;
 *  - per object: the Conv2d (torch.nn's, by class name) is float32, not
 *    transposed (a 4-D weight), reachable from exactly one slot of the
 *    object graph; the BatchNorm2d has float32 1-D weight, bias and running
 *    statistics of the conv's output channels and training == False; eps is
 *    the constant its forward passes to batch_norm.
 * The folded tensors are computed at the first call that takes the plan
 * (plan_ready: lazily, once, under fold_lock), not at load.
 * The fold is also guarded at run time: the conv kernel takes the plan only
 * when the weight and bias it is called with are the very tensors the plan
 * was made from, and the BatchNorm / activation calls are skipped only when
 * it did (interp/vm.c), so a plan that does not apply falls back to the code
 * as written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "interp/compile.h"
#include "interp/interp.h"
#include "ops/nn/conv_plan.h"
#include "tensor/tensor.h"

/* The tensors a fold reads (new references, taken when the pass proves the
 * fold; NULL: the conv has no bias). */
enum { SRC_W, SRC_B, SRC_GAMMA, SRC_BETA, SRC_MEAN, SRC_VAR, NSRC };

/* Folding is lazy: the pass proves a plan and keeps what it reads; the folded
 * weight and bias are computed by the first call that takes the plan
 * (plan_ready), under fold_lock, and published with a release store of
 * state.  Other threads calling at that moment wait on the lock, so every call
 * that takes a plan computes with the same folded tensors. */
enum { FOLD_PENDING = 0, FOLD_DONE };

typedef struct pts_plan_inst {
    const pts_object *conv; /* borrowed: the receiver the plan is for (kept alive by the module tree) */
    pts_tensor *src[NSRC];
    double eps;
    atomic_int state;   /* FOLD_*: cp.weight and cp.bias are set once it reads FOLD_DONE */
    pts_conv_plan cp;
} pts_plan_inst;

static pthread_mutex_t fold_lock = PTHREAD_MUTEX_INITIALIZER;

static pts_status fold(pts_plan_inst *in);

/* The plan of in, folded now if it was not yet (*out; NULL: no plan).  A fold
 * that fails (out of memory) is an error of this call, and the plan stays
 * pending so that a later call folds it: running the code as written instead
 * would give this call other bits than every later one. */
static pts_status plan_ready(pts_plan_inst *in, const pts_conv_plan **out)
{
    pts_status st = PTS_OK;
    int state = atomic_load_explicit(&in->state, memory_order_acquire);
    if (state == FOLD_PENDING) {
        pthread_mutex_lock(&fold_lock);
        state = atomic_load_explicit(&in->state, memory_order_relaxed);
        if (state == FOLD_PENDING && !(st = fold(in))) {
            state = FOLD_DONE;
            atomic_store_explicit(&in->state, state, memory_order_release);
        }
        pthread_mutex_unlock(&fold_lock);
    }
    *out = state == FOLD_DONE ? &in->cp : NULL;
    return st;
}

typedef struct pts_plan_site {
    int head;    /* instruction index of the conv call */
    int res_reg; /* register holding the residual at the conv call, or -1 */
    int ninst;
    pts_plan_inst *inst;
} pts_plan_site;

pts_status pts_plan_lookup(const pts_code *k, int pc, pts_value recv, int *res_reg, const void **plan)
{
    *res_reg = -1;
    *plan = NULL;
    if (recv.tag != PTS_T_OBJECT)
        return PTS_OK;
    for (int s = 0; s < k->nplan; s++)
        if (k->plan[s].head == pc)
            for (int i = 0; i < k->plan[s].ninst; i++)
                if (k->plan[s].inst[i].conv == PTS_OBJECT(recv)) {
                    const pts_conv_plan *cp;
                    pts_status st = plan_ready(&k->plan[s].inst[i], &cp);
                    if (st)
                        return st;
                    if (cp)
                        *res_reg = k->plan[s].res_reg;
                    *plan = cp;
                    return PTS_OK;
                }
    return PTS_OK;
}

static void inst_clear(pts_plan_inst *in)
{
    if (atomic_load_explicit(&in->state, memory_order_acquire) == FOLD_DONE) {
        pts_obj_release(&in->cp.weight->hdr);
        pts_obj_release(&in->cp.bias->hdr);
        pts_convk_packed_free(in->cp.packed);
    }
    for (int i = 0; i < NSRC; i++)
        if (in->src[i])
            pts_obj_release(&in->src[i]->hdr);
}

void pts_plan_free(pts_code *k)
{
    for (int s = 0; s < k->nplan; s++) {
        for (int i = 0; i < k->plan[s].ninst; i++)
            inst_clear(&k->plan[s].inst[i]);
        pts_free(k->plan[s].inst);
    }
    pts_free(k->plan);
    k->plan = NULL;
    k->nplan = 0;
}

/* ---- registers an instruction reads and writes -------------------------------------- */

/* Does instruction in read register r?  Unknown shapes answer yes. */
static bool reads(const pts_insn *in, int r)
{
    int b = in->b, n = in->n;
    switch ((pts_opcode)in->op) {
    case PTS_OPC_NOP:
    case PTS_OPC_LOADK:
    case PTS_OPC_LOADNONE:
    case PTS_OPC_LOADINT:
    case PTS_OPC_LOADBOOL:
    case PTS_OPC_LOADCONSTTAB:
    case PTS_OPC_LOADUNINIT:
    case PTS_OPC_CLEAR:
    case PTS_OPC_JUMP:
    case PTS_OPC_NEWOBJ:
    case PTS_OPC_POPWITH: return false;
    case PTS_OPC_MOVE:
    case PTS_OPC_JUMPIFNOT:
    case PTS_OPC_JUMPIF:
    case PTS_OPC_RETURN:
    case PTS_OPC_GETATTR:
    case PTS_OPC_UNPACK:
    case PTS_OPC_NOT:
    case PTS_OPC_ISINSTANCE:
    case PTS_OPC_CONVERT:
    case PTS_OPC_PUSHWITH:
    case PTS_OPC_RAISE:
    case PTS_OPC_MAKEFUTURE:
    case PTS_OPC_WAIT: return r == b;
    case PTS_OPC_ASSERTFAIL: return b >= 0 && r == b;
    case PTS_OPC_SETATTR: return r == in->a || r == b;
    case PTS_OPC_CALLOP:
    case PTS_OPC_CALLFN:
    case PTS_OPC_CALLMETHOD:
    case PTS_OPC_TUPLE:
    case PTS_OPC_LIST:
    case PTS_OPC_PRINT: return r >= b && r < b + n;
    case PTS_OPC_DICT: return r >= b && r < b + 2 * n;
    case PTS_OPC_SUBSCR:
    case PTS_OPC_CONTAINS:
    case PTS_OPC_IS:
    case PTS_OPC_ISNOT: return r == b || r == b + 1;
    case PTS_OPC_SLICE: return r >= b && r < b + 4;
    default: return true; /* FORRANGE, FORITER and anything new */
    }
}

/* The register an instruction writes (its destination), or -1. */
static int writes(const pts_insn *in)
{
    switch ((pts_opcode)in->op) {
    case PTS_OPC_LOADK:
    case PTS_OPC_LOADNONE:
    case PTS_OPC_LOADINT:
    case PTS_OPC_LOADBOOL:
    case PTS_OPC_LOADCONSTTAB:
    case PTS_OPC_LOADUNINIT:
    case PTS_OPC_MOVE:
    case PTS_OPC_CALLOP:
    case PTS_OPC_CALLFN:
    case PTS_OPC_CALLMETHOD:
    case PTS_OPC_NEWOBJ:
    case PTS_OPC_GETATTR:
    case PTS_OPC_TUPLE:
    case PTS_OPC_LIST:
    case PTS_OPC_DICT:
    case PTS_OPC_SUBSCR:
    case PTS_OPC_SLICE:
    case PTS_OPC_CONTAINS:
    case PTS_OPC_NOT:
    case PTS_OPC_IS:
    case PTS_OPC_ISNOT:
    case PTS_OPC_ISINSTANCE:
    case PTS_OPC_CONVERT:
    case PTS_OPC_MAKEFUTURE:
    case PTS_OPC_WAIT: return in->a;
    default: return -1;
    }
}

static bool is_jump_target(const pts_code *k, int pc)
{
    for (int i = 0; i < k->ninsns; i++) {
        const pts_insn *in = &k->insns[i];
        if ((in->op == PTS_OPC_JUMP || in->op == PTS_OPC_JUMPIF || in->op == PTS_OPC_JUMPIFNOT ||
             in->op == PTS_OPC_FORRANGE || in->op == PTS_OPC_FORITER) &&
            in->c == pc)
            return true;
    }
    return false;
}

/* Instructions that may sit between two planned calls: no calls, no jumps. */
static bool harmless(const pts_insn *in)
{
    switch ((pts_opcode)in->op) {
    case PTS_OPC_NOP:
    case PTS_OPC_LOADK:
    case PTS_OPC_LOADNONE:
    case PTS_OPC_LOADINT:
    case PTS_OPC_LOADBOOL:
    case PTS_OPC_GETATTR:
    case PTS_OPC_MOVE:
    case PTS_OPC_CLEAR: return true;
    default: return false;
    }
}

static bool writes_reg(const pts_insn *in, int r)
{
    if (in->op == PTS_OPC_UNPACK)
        return r >= in->a && r < in->a + in->n;
    if (in->op == PTS_OPC_FORRANGE || in->op == PTS_OPC_FORITER)
        return true; /* loop variable and state: treat as writing anything */
    return writes(in) == r;
}

/* The instruction whose write of register r reaches instruction `at`: a
 * local (or parameter) must be written exactly once in the whole code, a
 * temporary by the nearest instruction before with no jump landing in
 * between.  -2: r is a parameter never written; -1: unknown. */
static int writer_of(const pts_code *k, int r, int at)
{
    int w = -1, nw = 0;
    if (r < k->nlocals) {
        for (int i = 0; i < k->ninsns; i++)
            if (writes_reg(&k->insns[i], r))
                w = i, nw++;
        if (nw == 0)
            return r < k->nparams ? -2 : -1;
        return nw == 1 && w < at && r >= k->nparams ? w : -1;
    }
    for (int i = at - 1; i >= 0; i--) {
        if (is_jump_target(k, i + 1))
            return -1;
        if (writes_reg(&k->insns[i], r))
            return k->insns[i].op == PTS_OPC_FORRANGE || k->insns[i].op == PTS_OPC_FORITER ? -1 : i;
    }
    return -1;
}

/* Does register r hold `self` (the method's first parameter) at `at`? */
static bool is_self(const pts_code *k, int r, int at, int depth)
{
    int w = writer_of(k, r, at);
    if (w == -2)
        return r == 0;
    if (w < 0 || depth > 16 || k->insns[w].op != PTS_OPC_MOVE)
        return false;
    return is_self(k, k->insns[w].b, w, depth + 1);
}

/* The attribute of self that register r holds at `at` (through moves), or NULL. */
static const char *self_attr(const pts_code *k, int r, int at, int depth)
{
    int w = writer_of(k, r, at);
    if (w < 0 || depth > 16)
        return NULL;
    const pts_insn *in = &k->insns[w];
    if (in->op == PTS_OPC_MOVE)
        return self_attr(k, in->b, w, depth + 1);
    if (in->op == PTS_OPC_GETATTR && k->cls && is_self(k, in->b, w, 0))
        return k->attrs[in->c].name;
    return NULL;
}

/* The call whose result register r holds at `at`, when that value goes
 * nowhere else (a temporary consumed at `at` and read by nothing in
 * between; a local written once and read only at `at`), through moves;
 * -1 if not. */
static int sole_result_of(const pts_code *k, int r, int at, int depth)
{
    int w = writer_of(k, r, at);
    if (w < 0 || depth > 16)
        return -1;
    if (r >= k->nlocals) {
        if (!(k->insns[at].flags & PTS_F_TB))
            return -1;
        for (int i = w + 1; i < at; i++)
            if (reads(&k->insns[i], r))
                return -1;
    } else {
        for (int i = 0; i < k->ninsns; i++)
            if (i != at && reads(&k->insns[i], r))
                return -1;
    }
    const pts_insn *in = &k->insns[w];
    if (in->op == PTS_OPC_MOVE)
        return sole_result_of(k, in->b, w, depth + 1);
    return in->op == PTS_OPC_CALLMETHOD || in->op == PTS_OPC_CALLOP ? w : -1;
}

/* The register whose value, already there at instruction head, reaches
 * register r at instruction at (through moves made after head), or -1. */
static int held_since(const pts_code *k, int r, int at, int head)
{
    for (int depth = 0; depth < 16; depth++) {
        int w = writer_of(k, r, at);
        if (w == -2 || (w >= 0 && w < head))
            return r;
        if (w < 0 || k->insns[w].op != PTS_OPC_MOVE)
            return -1;
        r = k->insns[w].b;
        at = w;
    }
    return -1;
}

/* Only moves, attribute reads, constants and clears strictly between
 * instructions i and j, and no jump landing in (i, j]. */
static bool straight(const pts_code *k, int i, int j)
{
    for (int x = i + 1; x <= j; x++) {
        if (is_jump_target(k, x))
            return false;
        if (x < j && !harmless(&k->insns[x]))
            return false;
    }
    return true;
}

/* ---- what the unit assigns or changes in place ---------------------------------------- */

/* the tensors the plan reads (their taint is followed), then the flags (only assignment matters) */
static const char *const watched[] = {"weight", "bias", "running_mean", "running_var", "training"};
#define NWATCHED ((int)(sizeof watched / sizeof *watched))
#define NWATCHED_TENSORS 4

typedef struct names {
    const char **v;
    int n, cap;
} names;

static bool names_has(const names *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return true;
    return false;
}

static pts_status names_add(names *s, const char *name)
{
    if (names_has(s, name))
        return PTS_OK;
    if (s->n == s->cap) {
        int nc = s->cap ? 2 * s->cap : 16;
        const char **nv = pts_realloc(s->v, (size_t)nc * sizeof *nv);
        if (!nv)
            return pts_err_nomem("the plan's name set", 0);
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = name;
    return PTS_OK;
}

static bool op_in_place(const op_site *s)
{
    size_t n = strlen(s->opname);
    if (n >= 2 && s->opname[n - 1] == '_' && s->opname[n - 2] != '_')
        return true;
    for (int i = 0; i < s->nkw; i++)
        if (strcmp(s->kwnames[i], "out") == 0)
            return true;
    return false;
}

/* Ops whose result may share its first argument's memory. */
static bool op_aliases(const op_site *s)
{
    static const char *const alias[] = {
        "view", "view_as", "reshape", "reshape_as", "select", "slice", "t", "transpose", "permute", "squeeze",
        "unsqueeze", "expand", "expand_as", "detach", "flatten", "unflatten", "narrow", "as_strided", "unbind",
        "split", "split_with_sizes", "chunk", "tensor_split", "__getitem__", "contiguous", "to", "type_as", "alias",
        "numpy_T", "mT", "mH", "T", "H", "real", "imag", "movedim", "moveaxis", "diagonal", "unfold", "view_as_real",
        "view_as_complex", "swapaxes", "swapdims", "indices", "values", "data", "clone_alias", "list", "__is__",
    };
    const char *n = strstr(s->opname, "::");
    n = n ? n + 2 : s->opname;
    if (strncmp(s->opname, "aten::", 6) != 0 && strncmp(s->opname, "prim::", 6) != 0)
        return true; /* another namespace: unknown */
    for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
        if (strcmp(n, alias[i]) == 0)
            return true;
    return false;
}

/* Taint: which registers of each code may hold (a view of) a tensor read
 * from a watched attribute: a bit per name of watched[0..NWATCHED_TENSORS).
 * A local or a parameter keeps every bit it ever gets (conservative over
 * branches and loops); a temporary takes the bits of what last wrote it. */
typedef struct taint {
    pts_code *k;
    uint8_t *reg; /* per register */
} taint;

static taint *taint_of(taint *t, int nt, const pts_code *k)
{
    for (int i = 0; i < nt; i++)
        if (t[i].k == k)
            return &t[i];
    return NULL;
}

static pts_status mark(const pts_code *k, int i, names *assigned, uint8_t bits)
{
    (void)k, (void)i; /* where: kept for a future "why was this kept" report */
    for (int w = 0; w < NWATCHED_TENSORS; w++) {
        if (!(bits & (1u << w)))
            continue;
        PTS_TRY(names_add(assigned, watched[w]));
    }
    return PTS_OK;
}

/* Register r of t now holds bits (temporaries: replace; locals: add). */
static void set_taint(taint *t, int r, uint8_t bits, bool *changed)
{
    if (r < 0)
        return;
    if (r >= t->k->nlocals) {
        t->reg[r] = bits;
        return;
    }
    if ((t->reg[r] | bits) != t->reg[r]) {
        t->reg[r] |= bits;
        *changed = true;
    }
}

/* One pass over code k: propagate within it, into callees (*changed), and
 * record in-place changes and untraceable escapes in *assigned. */
static pts_status taint_code(taint *all, int nt, taint *t, names *assigned, bool *changed)
{
    const pts_code *k = t->k;
    for (int i = 0; i < k->ninsns; i++) {
        const pts_insn *in = &k->insns[i];
        switch ((pts_opcode)in->op) {
        case PTS_OPC_GETATTR: {
            const char *nm = k->attrs[in->c].name;
            uint8_t bits = 0;
            for (int w = 0; w < NWATCHED_TENSORS; w++)
                if (strcmp(nm, watched[w]) == 0)
                    bits |= (uint8_t)(1u << w);
            set_taint(t, in->a, bits, changed);
            continue;
        }
        case PTS_OPC_MOVE: set_taint(t, in->a, t->reg[in->b], changed); continue;
        case PTS_OPC_CALLOP: {
            const op_site *s = &k->ops[in->c];
            if (in->n > 0 && t->reg[in->b] && op_in_place(s))
                PTS_TRY(mark(k, i, assigned, t->reg[in->b]));
            uint8_t bits = 0; /* an op may return its argument or a view of it (x.view, x[0], add_, ...) */
            if (op_in_place(s) || op_aliases(s))
                for (int r = in->b; r < in->b + in->n; r++)
                    bits |= t->reg[r];
            set_taint(t, in->a, bits, changed);
            continue;
        }
        case PTS_OPC_CALLFN:
        case PTS_OPC_CALLMETHOD: {
            pts_code *callee = NULL;
            if (in->op == PTS_OPC_CALLFN) {
                callee = k->fns[in->c].m ? k->fns[in->c].m->compiled : NULL;
            } else if (k->cls && k->nparams > 0 && is_self(k, in->b, i, 0)) { /* (self).m(...) */
                pts_method *m = pts_class_find_method(k->cls, k->methods[in->c].name);
                callee = m ? m->compiled : NULL;
            }
            taint *ct = callee ? taint_of(all, nt, callee) : NULL;
            for (int a = 0; a < in->n; a++) {
                uint8_t bits = t->reg[in->b + a];
                if (!bits)
                    continue;
                if (!ct || a >= callee->nparams)
                    PTS_TRY(mark(k, i, assigned, bits)); /* a call the pass cannot follow */
                else
                    set_taint(ct, a, bits, changed);
            }
            set_taint(t, in->a, 0, changed); /* results: a returned tensor was marked at its RETURN */
            continue;
        }
        case PTS_OPC_SETATTR:
            PTS_TRY(names_add(assigned, k->attrs[in->c].name));
            PTS_TRY(mark(k, i, assigned, t->reg[in->b])); /* stored elsewhere: it may be changed from there */
            continue;
        case PTS_OPC_TUPLE:
        case PTS_OPC_LIST:
        case PTS_OPC_DICT:
        case PTS_OPC_MAKEFUTURE:
        case PTS_OPC_RETURN: { /* leaves in a container or to the caller: whoever holds it may change it */
            int n = in->op == PTS_OPC_DICT ? 2 * in->n : (in->op == PTS_OPC_RETURN || in->op == PTS_OPC_MAKEFUTURE) ? 1 : in->n;
            for (int r = in->b; r < in->b + n; r++)
                PTS_TRY(mark(k, i, assigned, t->reg[r]));
            if (in->op != PTS_OPC_RETURN)
                set_taint(t, in->a, 0, changed);
            continue;
        }
        default: {
            int w = writes(in);
            if (w >= 0)
                set_taint(t, w, 0, changed);
            if (in->op == PTS_OPC_UNPACK)
                for (int r = in->a; r < in->a + in->n; r++)
                    set_taint(t, r, t->reg[in->b], changed);
            continue;
        }
        }
    }
    return PTS_OK;
}

/* Names assigned or changed in place anywhere in the unit. */
static pts_status unit_assigned(pts_interp_unit *iu, names *assigned)
{
    int nt = iu->ncodes;
    taint *t = pts_calloc((size_t)(nt ? nt : 1), sizeof *t);
    if (!t)
        return pts_err_nomem("the plan's taint table", 0);
    pts_status st = PTS_OK;
    for (int i = 0; i < nt && !st; i++) {
        t[i].k = iu->codes[i];
        t[i].reg = pts_calloc((size_t)(iu->codes[i]->nregs + 1), sizeof *t[i].reg);
        if (!t[i].reg)
            st = pts_err_nomem("the plan's taint table", 0);
    }
    bool changed = true;
    for (int round = 0; changed && !st && round < 64; round++) {
        changed = false;
        for (int i = 0; i < nt && !st; i++)
            st = taint_code(t, nt, &t[i], assigned, &changed);
    }
    if (!st && changed) /* did not settle: assume everything watched changes */
        for (int w = 0; w < NWATCHED && !st; w++)
            st = names_add(assigned, watched[w]);
    for (int i = 0; i < nt; i++)
        pts_free(t[i].reg);
    pts_free(t);
    return st;
}

/* ---- the object graph -------------------------------------------------------------------- */

typedef struct graph {
    const pts_object **obj;
    int *count; /* slots referring to it */
    int n, cap;
} graph;

static int graph_find(const graph *g, const pts_object *o)
{
    for (int i = 0; i < g->n; i++)
        if (g->obj[i] == o)
            return i;
    return -1;
}

static pts_status graph_walk(graph *g, pts_value v, int depth)
{
    if (depth > 200)
        return PTS_OK;
    if (v.tag == PTS_T_LIST || v.tag == PTS_T_TUPLE) {
        int64_t n = v.tag == PTS_T_LIST ? PTS_LIST(v)->len : PTS_TUPLE(v)->len;
        pts_value *items = v.tag == PTS_T_LIST ? PTS_LIST(v)->items : PTS_TUPLE(v)->items;
        for (int64_t i = 0; i < n; i++)
            PTS_TRY(graph_walk(g, items[i], depth + 1));
        return PTS_OK;
    }
    if (v.tag != PTS_T_OBJECT)
        return PTS_OK;
    const pts_object *o = PTS_OBJECT(v);
    int at = graph_find(g, o);
    if (at >= 0) {
        g->count[at]++;
        return PTS_OK;
    }
    if (g->n == g->cap) {
        int nc = g->cap ? 2 * g->cap : 64;
        const pts_object **no = pts_realloc(g->obj, (size_t)nc * sizeof *no);
        if (!no)
            return pts_err_nomem("the plan's object list", 0);
        g->obj = no;
        int *ncount = pts_realloc(g->count, (size_t)nc * sizeof *ncount);
        if (!ncount)
            return pts_err_nomem("the plan's object list", 0);
        g->count = ncount;
        g->cap = nc;
    }
    g->obj[g->n] = o;
    g->count[g->n++] = 1;
    for (int64_t s = 0; s < o->nslots; s++)
        PTS_TRY(graph_walk(g, o->slots[s], depth + 1));
    return PTS_OK;
}

/* ---- classes, by torch.nn's names ------------------------------------------------------------ */

/* "__torch__.torch.nn.modules.conv.___torch_mangle_25.Conv2d" is torch.nn's Conv2d. */
static bool is_nn_class(const pts_class *c, const char *module, const char *name)
{
    const char *q = c->qualname;
    size_t ml = strlen(module);
    if (strncmp(q, module, ml) != 0 || q[ml] != '.')
        return false;
    q += ml + 1;
    if (strncmp(q, "___torch_mangle_", 16) == 0) {
        q += 16;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q++ != '.')
            return false;
    }
    return strcmp(q, name) == 0;
}

static pts_value slot(const pts_object *o, const char *name)
{
    int i = pts_class_attr_index(o->cls, name);
    return i >= 0 && i < o->nslots ? o->slots[i] : pts_uninit();
}

static const pts_tensor *f32_vec(pts_value v, int64_t len)
{
    if (v.tag != PTS_T_TENSOR)
        return NULL;
    const pts_tensor *t = PTS_TENSOR(v);
    return t->dtype == PTS_FLOAT32 && t->ndim == 1 && t->sizes[0] == len && !t->nested_lengths ? t : NULL;
}

static float f32_at(const pts_tensor *t, int64_t i) { return ((const float *)pts_tensor_data(t))[i * t->strides[0]]; }

/* eps: the float constant the BatchNorm's forward passes as batch_norm's 8th
 * argument (aten::batch_norm in traced code, functional.batch_norm in
 * scripted code); false when the code says anything else. */
static bool bn_eps(pts_class *cls, double *eps)
{
    pts_method *m = pts_class_find_method(cls, "forward");
    pts_code *k = m ? m->compiled : NULL;
    if (!k)
        return false;
    int found = 0;
    for (int i = 0; i < k->ninsns; i++) {
        const pts_insn *in = &k->insns[i];
        bool call = (in->op == PTS_OPC_CALLOP && in->n == 9 && strcmp(k->ops[in->c].opname, "aten::batch_norm") == 0) ||
                    (in->op == PTS_OPC_CALLFN && in->n == 8 && k->fns[in->c].qualname &&
                     strcmp(k->fns[in->c].qualname, "__torch__.torch.nn.functional.batch_norm") == 0);
        if (!call)
            continue;
        int r = in->b + 7, w = -1;
        for (int j = i - 1; j >= 0 && w < 0; j--)
            if (writes(&k->insns[j]) == r)
                w = j;
        if (w < 0 || k->insns[w].op != PTS_OPC_LOADK || k->consts[k->insns[w].c].tag != PTS_T_FLOAT)
            return false;
        double e = k->consts[k->insns[w].c].u.f;
        if (found && e != *eps)
            return false;
        *eps = e;
        found++;
    }
    return found > 0;
}

/* What a fold of bn into conv reads: new references in in->src, the
 * identity keys and the epilogue in in->cp (the folded tensors come later:
 * fold, at the first call). */
static void prepare(const pts_object *conv, const pts_object *bn, double eps, int act, bool residual, pts_plan_inst *in)
{
    static const char *const bn_names[] = {"weight", "bias", "running_mean", "running_var"};
    pts_value bv = slot(conv, "bias");
    in->src[SRC_W] = PTS_TENSOR(slot(conv, "weight"));
    in->src[SRC_B] = bv.tag == PTS_T_TENSOR ? PTS_TENSOR(bv) : NULL;
    for (int i = 0; i < 4; i++)
        in->src[SRC_GAMMA + i] = PTS_TENSOR(slot(bn, bn_names[i]));
    for (int i = 0; i < NSRC; i++)
        if (in->src[i])
            pts_obj_retain(&in->src[i]->hdr);
    in->conv = conv;
    in->eps = eps;
    atomic_init(&in->state, FOLD_PENDING);
    in->cp.orig_weight = in->src[SRC_W];
    in->cp.orig_bias = in->src[SRC_B];
    in->cp.act = act;
    in->cp.residual = residual;
}

/* Fold: W' = W * g, b' = (b - mean) * g + beta, g = gamma / sqrt(var + eps),
 * in double, rounded once (new references in in->cp).  Called once, under
 * fold_lock. */
static pts_status fold(pts_plan_inst *in)
{
    const pts_tensor *w = in->src[SRC_W], *b = in->src[SRC_B], *g = in->src[SRC_GAMMA], *beta = in->src[SRC_BETA];
    const pts_tensor *mean = in->src[SRC_MEAN], *var = in->src[SRC_VAR];
    int64_t cout = w->sizes[0], per = pts_tensor_numel(w) / (cout ? cout : 1);
    pts_tensor *wc = pts_tensor_contiguous_copy(w);
    if (!wc)
        return pts_err_last();
    pts_tensor *nb = pts_tensor_empty(PTS_FLOAT32, 1, &cout);
    if (!nb) {
        pts_obj_release(&wc->hdr);
        return pts_err_last();
    }
    float *W = pts_tensor_data(wc), *B = pts_tensor_data(nb);
    for (int64_t c = 0; c < cout; c++) {
        double s = (double)f32_at(g, c) / sqrt((double)f32_at(var, c) + in->eps);
        for (int64_t i = 0; i < per; i++)
            W[c * per + i] = (float)((double)W[c * per + i] * s);
        B[c] = (float)(((b ? (double)f32_at(b, c) : 0.0) - (double)f32_at(mean, c)) * s + (double)f32_at(beta, c));
    }
    in->cp.weight = wc;
    in->cp.bias = nb;
    return PTS_OK;
}

/* Can conv (used from one place) and bn be folded?  eps on success. */
static bool foldable(const graph *gr, const pts_object *conv, const pts_object *bn, double *eps)
{
    if (!is_nn_class(conv->cls, "__torch__.torch.nn.modules.conv", "Conv2d") ||
        !is_nn_class(bn->cls, "__torch__.torch.nn.modules.batchnorm", "BatchNorm2d"))
        return false;
    int at = graph_find(gr, conv);
    if (at < 0 || gr->count[at] != 1)
        return false;
    pts_value wv = slot(conv, "weight"), bv = slot(conv, "bias"), tr = slot(bn, "training");
    if (wv.tag != PTS_T_TENSOR || tr.tag != PTS_T_BOOL || tr.u.b)
        return false;
    const pts_tensor *w = PTS_TENSOR(wv);
    if (w->dtype != PTS_FLOAT32 || w->ndim != 4 || w->nested_lengths || w->sizes[0] < 1)
        return false;
    int64_t cout = w->sizes[0];
    if (!(bv.tag == PTS_T_NONE || bv.tag == PTS_T_UNINIT || f32_vec(bv, cout)))
        return false;
    if (!f32_vec(slot(bn, "weight"), cout) || !f32_vec(slot(bn, "bias"), cout) ||
        !f32_vec(slot(bn, "running_mean"), cout) || !f32_vec(slot(bn, "running_var"), cout))
        return false;
    return bn_eps(bn->cls, eps);
}

/* ---- the pass --------------------------------------------------------------------------------- */

typedef struct found {
    int head, bn_call, act_call; /* act_call -1: none */
    int add_call, res_reg;       /* the residual add (-1: none) and the register holding its other operand */
    const char *conv_attr, *bn_attr, *act_attr; /* act_attr NULL for an activation op (aten::relu, ...) */
    const char *act_method;                     /* the activation module's method called: forward, or forward1... (traced) */
    int act;
} found;

/* "forward", or a traced module's "forward1", "forward2", ... */
static bool forward_name(const char *n)
{
    if (strncmp(n, "forward", 7) != 0)
        return false;
    for (n += 7; *n; n++)
        if (*n < '0' || *n > '9')
            return false;
    return true;
}

/* The activation an op call computes (PTS_EPI_*), from its name and, for
 * gelu, its approximate keyword (a constant); PTS_EPI_NONE for anything else.
 * Out-of-place and in-place forms alike: a fused call passes its input on. */
static int act_op(const pts_code *k, int at)
{
    static const struct {
        const char *name;
        int act;
    } ops[] = {{"relu", PTS_EPI_RELU},       {"hardswish", PTS_EPI_HARDSWISH}, {"silu", PTS_EPI_SILU},
               {"sigmoid", PTS_EPI_SIGMOID}, {"gelu", PTS_EPI_GELU}};
    const pts_insn *in = &k->insns[at];
    if (in->op != PTS_OPC_CALLOP || in->n < 1)
        return PTS_EPI_NONE;
    const op_site *s = &k->ops[in->c];
    if (strncmp(s->opname, "aten::", 6) != 0)
        return PTS_EPI_NONE;
    const char *n = s->opname + 6;
    size_t len = strlen(n);
    if (len > 0 && n[len - 1] == '_')
        len--;
    int act = PTS_EPI_NONE;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strlen(ops[i].name) == len && strncmp(n, ops[i].name, len) == 0)
            act = ops[i].act;
    if (act == PTS_EPI_NONE)
        return act;
    if (in->n == 1 && s->nkw == 0)
        return act;
    if (act != PTS_EPI_GELU || in->n != 2 || s->nkw != 1 || strcmp(s->kwnames[0], "approximate") != 0)
        return PTS_EPI_NONE;
    int w = writer_of(k, in->b + 1, at);
    if (w < 0 || k->insns[w].op != PTS_OPC_LOADK || k->consts[k->insns[w].c].tag != PTS_T_STR)
        return PTS_EPI_NONE;
    const char *approx = PTS_STR(k->consts[k->insns[w].c])->data;
    return strcmp(approx, "none") == 0 ? PTS_EPI_GELU : strcmp(approx, "tanh") == 0 ? PTS_EPI_GELU_TANH : PTS_EPI_NONE;
}

/* Is the register r at `at` the method's parameter p (through moves)? */
static bool is_param(const pts_code *k, int r, int at, int p, int depth)
{
    int w = writer_of(k, r, at);
    if (w == -2)
        return r == p;
    if (w < 0 || depth > 16 || k->insns[w].op != PTS_OPC_MOVE)
        return false;
    return is_param(k, k->insns[w].b, w, p, depth + 1);
}

/* The activation a method (self, x) computes when all it does is return an
 * activation op of x (traced modules' forward / forward1, scripted GELU's
 * forward); PTS_EPI_NONE otherwise. */
static int act_of_code(const pts_code *k)
{
    if (!k || k->nparams != 2)
        return PTS_EPI_NONE;
    int call = -1, ret = -1;
    for (int i = 0; i < k->ninsns; i++) {
        switch ((pts_opcode)k->insns[i].op) {
        case PTS_OPC_NOP:
        case PTS_OPC_LOADK:
        case PTS_OPC_LOADNONE:
        case PTS_OPC_MOVE:
        case PTS_OPC_CLEAR: continue;
        case PTS_OPC_CALLOP:
            if (call >= 0)
                return PTS_EPI_NONE;
            call = i;
            continue;
        case PTS_OPC_RETURN: ret = i; break; /* no jumps: what follows (the implicit return None) is dead */
        default: return PTS_EPI_NONE;
        }
        if (ret >= 0)
            break;
    }
    if (call < 0 || ret < call || !is_param(k, k->insns[call].b, call, 1, 0) ||
        sole_result_of(k, k->insns[ret].b, ret, 0) != call)
        return PTS_EPI_NONE;
    return act_op(k, call);
}

/* A conv -> bn [-> act] sequence whose BatchNorm call is instruction j of k. */
static bool match(const pts_code *k, int j, found *f)
{
    const pts_insn *bn = &k->insns[j];
    if (bn->op != PTS_OPC_CALLMETHOD || bn->n != 2 || strcmp(k->methods[bn->c].name, "forward") != 0)
        return false;
    int i = sole_result_of(k, bn->b + 1, j, 0);
    if (i < 0 || !straight(k, i, j))
        return false;
    const pts_insn *cv = &k->insns[i];
    if (cv->op != PTS_OPC_CALLMETHOD || cv->n != 2 || strcmp(k->methods[cv->c].name, "forward") != 0 || (cv->flags & (PTS_F_PLAN | PTS_F_PSKIP)))
        return false;
    if (!(f->conv_attr = self_attr(k, cv->b, i, 0)) || !(f->bn_attr = self_attr(k, bn->b, j, 0)))
        return false;
    f->head = i;
    f->bn_call = j;
    f->act_call = -1;
    f->act_attr = NULL;
    f->act_method = NULL;
    f->act = PTS_EPI_NONE;
    f->add_call = f->res_reg = -1;
    int cur = j; /* the call whose result flows on */
    int r = j + 1;
    while (r < k->ninsns && harmless(&k->insns[r]))
        r++;
    /* a residual add: aten::add(_)(result, identity) with identity there before the conv call */
    if (r < k->ninsns) {
        const pts_insn *ad = &k->insns[r];
        if (ad->op == PTS_OPC_CALLOP && ad->n == 2 && k->ops[ad->c].nkw == 0 &&
            (strcmp(k->ops[ad->c].opname, "aten::add_") == 0 || strcmp(k->ops[ad->c].opname, "aten::add") == 0) &&
            straight(k, j, r) && sole_result_of(k, ad->b, r, 0) == j) {
            int q = held_since(k, ad->b + 1, r, i);
            if (q >= 0) {
                f->add_call = r;
                f->res_reg = q;
                cur = r;
                for (r++; r < k->ninsns && harmless(&k->insns[r]); r++)
                    ;
            }
        }
    }
    /* the activation: the next call, taking cur's result and nothing else */
    if (r < k->ninsns) {
        const pts_insn *ac = &k->insns[r];
        int in_reg = -1;
        if ((f->act = act_op(k, r)) != PTS_EPI_NONE) {
            in_reg = ac->b;
        } else if (ac->op == PTS_OPC_CALLMETHOD && ac->n == 2 && forward_name(k->methods[ac->c].name) &&
                   (f->act_attr = self_attr(k, ac->b, r, 0))) {
            f->act_method = k->methods[ac->c].name;
            in_reg = ac->b + 1; /* the module's class and code decide (per object) */
        }
        if (in_reg >= 0 && straight(k, cur, r) && sole_result_of(k, in_reg, r, 0) == cur) {
            f->act_call = r;
        } else {
            f->act_attr = NULL;
            f->act = PTS_EPI_NONE;
        }
    }
    return true;
}

/* The activation o.<method>(x) computes: torch.nn's ReLU / ReLU6 / Hardswish /
 * SiLU / Sigmoid by class for forward; any other method (traced forward1...)
 * and GELU (whose approximate is in the code) only when the method's code is
 * that activation op on x (act_of_code). */
static int act_of(const pts_object *o, const char *method)
{
    static const struct {
        const char *cls;
        int act;
    } mods[] = {{"ReLU", PTS_EPI_RELU},   {"ReLU6", PTS_EPI_RELU6},     {"Hardswish", PTS_EPI_HARDSWISH},
                {"SiLU", PTS_EPI_SILU},   {"Sigmoid", PTS_EPI_SIGMOID}, {"GELU", PTS_EPI_GELU}};
    int act = PTS_EPI_NONE;
    for (size_t i = 0; i < sizeof mods / sizeof *mods; i++)
        if (is_nn_class(o->cls, "__torch__.torch.nn.modules.activation", mods[i].cls))
            act = mods[i].act;
    if (act == PTS_EPI_NONE)
        return act;
    if (strcmp(method, "forward") == 0 && act != PTS_EPI_GELU)
        return act;
    pts_method *m = pts_class_find_method(o->cls, method);
    int code = act_of_code(m ? m->compiled : NULL); /* compiled before the pass (compile_activations) */
    if (act == PTS_EPI_GELU)
        return code == PTS_EPI_GELU || code == PTS_EPI_GELU_TANH ? code : PTS_EPI_NONE;
    return code == act ? act : PTS_EPI_NONE;
}

static const pts_object *obj_slot(const pts_object *o, const char *name)
{
    pts_value v = slot(o, name);
    return v.tag == PTS_T_OBJECT ? PTS_OBJECT(v) : NULL;
}

static pts_status add_site(pts_code *k, const found *f, pts_plan_inst *inst, int ninst)
{
    pts_plan_site *ns = pts_realloc(k->plan, (size_t)(k->nplan + 1) * sizeof *ns);
    if (!ns)
        return pts_err_nomem("the plan", 0);
    k->plan = ns;
    ns[k->nplan].head = f->head;
    ns[k->nplan].res_reg = f->res_reg;
    ns[k->nplan].ninst = ninst;
    ns[k->nplan].inst = inst;
    k->nplan++;
    k->insns[f->head].flags |= PTS_F_PLAN;
    k->insns[f->bn_call].flags |= PTS_F_PSKIP;
    if (f->add_call >= 0)
        k->insns[f->add_call].flags |= PTS_F_PSKIP;
    if (f->act_call >= 0)
        k->insns[f->act_call].flags |= PTS_F_PSKIP;
    return PTS_OK;
}

/* Plan one sequence of code k for every object of its class. */
static pts_status plan_found(pts_code *k, found *f, const graph *gr, const names *assigned, pts_plan_stats *stats)
{
    bool refused = names_has(assigned, f->conv_attr) || names_has(assigned, f->bn_attr) ||
                   (f->act_attr && names_has(assigned, f->act_attr));
    for (int w = 0; w < NWATCHED; w++)
        refused = refused || names_has(assigned, watched[w]);
    if (refused) { /* count the conv -> BatchNorm pairs it concerns */
        for (int o = 0; o < gr->n; o++) {
            const pts_object *p = gr->obj[o];
            const pts_object *conv = p->cls == k->cls ? obj_slot(p, f->conv_attr) : NULL;
            const pts_object *bn = p->cls == k->cls ? obj_slot(p, f->bn_attr) : NULL;
            stats->bn_kept += conv && bn && is_nn_class(conv->cls, "__torch__.torch.nn.modules.conv", "Conv2d") &&
                              is_nn_class(bn->cls, "__torch__.torch.nn.modules.batchnorm", "BatchNorm2d");
        }
        return PTS_OK;
    }
    /* the activation decision must hold for every object (one instruction flag) */
    int act = f->act, nobj = 0;
    bool act_ok = f->act_call >= 0;
    for (int o = 0; o < gr->n; o++) {
        if (gr->obj[o]->cls != k->cls)
            continue;
        nobj++;
        if (f->act_attr) {
            const pts_object *ao = obj_slot(gr->obj[o], f->act_attr);
            int a = ao ? act_of(ao, f->act_method) : PTS_EPI_NONE;
            if (a == PTS_EPI_NONE || (act != PTS_EPI_NONE && a != act))
                act_ok = false;
            else
                act = a;
        }
    }
    if (!act_ok) {
        f->act_call = -1;
        act = PTS_EPI_NONE;
    }
    pts_plan_inst *inst = pts_calloc((size_t)(nobj ? nobj : 1), sizeof *inst);
    if (!inst)
        return pts_err_nomem("the plan", 0);
    int n = 0;
    pts_status st = PTS_OK;
    for (int o = 0; o < gr->n && !st; o++) {
        const pts_object *p = gr->obj[o];
        if (p->cls != k->cls)
            continue;
        const pts_object *conv = obj_slot(p, f->conv_attr), *bn = obj_slot(p, f->bn_attr);
        double eps = 0;
        if (!conv || !bn || !foldable(gr, conv, bn, &eps)) {
            stats->bn_kept += conv && bn && is_nn_class(bn->cls, "__torch__.torch.nn.modules.batchnorm", "BatchNorm2d");
            continue;
        }
        prepare(conv, bn, eps, act, f->add_call >= 0, &inst[n]);
        stats->residual_fused += f->add_call >= 0;
        n++;
        stats->bn_folded++;
        stats->act_fused += act != PTS_EPI_NONE;
    }
    if (!st && n > 0)
        st = add_site(k, f, inst, n);
    if (st || n == 0) {
        for (int i = 0; i < n; i++)
            inst_clear(&inst[i]);
        pts_free(inst);
    }
    return st;
}

/* Compile every function a call site names (they compile lazily, at their
 * first call): the taint pass follows tensors into them. */
static void compile_callees(pts_cu *cu, pts_interp_unit *iu)
{
    for (int c = 0; c < iu->ncodes; c++) { /* iu->codes grows as we go: load time, one thread */
        pts_code *k = iu->codes[c];
        for (int s = 0; s < k->nfns; s++) {
            fn_site *fs = &k->fns[s];
            pts_code *out;
            if (fs->m && !fs->m->compiled && !fs->newcls && !fs->namedtuple &&
                pts_interp_compile(cu, fs->cls, fs->m, fs->qualname, &out))
                pts_err_clear(); /* it fails when called; uncompiled, it counts as changing what it is passed */
        }
    }
}

/* Compile every method of the activation modules in the graph (the pass reads
 * their code; compiling takes the unit's lock, so before the pass takes it). */
static void compile_activations(const graph *gr)
{
    for (int o = 0; o < gr->n; o++) {
        pts_class *c = gr->obj[o]->cls;
        if (strncmp(c->qualname, "__torch__.torch.nn.modules.activation.", 38) != 0)
            continue;
        for (int i = 0; i < c->nmethods; i++) {
            pts_method *m = &c->methods[i];
            char q[600];
            pts_code *out;
            snprintf(q, sizeof q, "%s.%s", c->qualname, m->name);
            if (!m->compiled && pts_interp_compile(c->cu, c, m, q, &out))
                pts_err_clear(); /* it fails when called; uncompiled, it is not fused */
        }
    }
}

pts_status pts_interp_plan(pts_cu *cu, pts_value root, pts_plan_stats *stats)
{
    pts_plan_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    pts_interp_unit *iu = pts_interp_unit_of(cu);
    if (!iu)
        return PTS_ERR_NOMEM;
    names assigned = {0};
    graph gr = {0};
    compile_callees(cu, iu);
    pts_status st = graph_walk(&gr, root, 0);
    if (!st)
        compile_activations(&gr);
    pthread_mutex_lock(&iu->lock);
    if (!st)
        st = unit_assigned(iu, &assigned);
    for (int c = 0; c < iu->ncodes && !st; c++) {
        pts_code *k = iu->codes[c];
        if (!k->cls || k->nplan)
            continue;
        for (int i = 0; i < k->ninsns && !st; i++) {
            found f;
            if (!(k->insns[i].flags & (PTS_F_PLAN | PTS_F_PSKIP)) && match(k, i, &f))
                st = plan_found(k, &f, &gr, &assigned, stats);
        }
    }
    pthread_mutex_unlock(&iu->lock);
    pts_free(assigned.v);
    pts_free(gr.obj);
    pts_free(gr.count);
    return st;
}
