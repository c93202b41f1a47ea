/* vm.c - the bytecode interpreter.
 *
 * Pipeline position: compile.c produces pts_code; run.c calls pts_vm_call;
 * operator calls go through bind.c (overload binding, upgrade.c), attribute
 * and method sites through the inline cache of site_cache.c, and the value
 * operations of the loop (subscripts, `in`, truthiness...) are in values.c.
 *
 * Frames live on a heap-allocated stack (no C recursion per TorchScript
 * call); their registers are windows of one growable register array.  The
 * call depth is limited (PTS_VM_MAX_DEPTH, counted per thread across nested
 * entries) so deep recursion is a clear error.  Temporaries are consumed by
 * the instruction that reads them (PTS_F_TB), locals are released when
 * overwritten and when their frame ends.  On an error every frame adds a
 * "File ..., line N, in f" line to the TorchScript traceback, and pending
 * `with` blocks get their __exit__ called.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/budget.h"
#include "interp/compile.h"
#include "interp/interp.h"
#include "ops/nn/conv_plan.h"
#include "ops/prim/prim.h"
#include "tensor/tensor.h"

#define PTS_VM_MAX_DEPTH 1000

static _Thread_local int tl_depth;

const char *pts_opcode_name(int op)
{
    static const char *const names[] = {
#define PTS_OPCODE_NAME(name, doc) #name,
        PTS_OPCODES(PTS_OPCODE_NAME)
#undef PTS_OPCODE_NAME
    };
    return op >= 0 && op < PTS_OPC__COUNT ? names[op] : "?";
}

/* ---- futures ---------------------------------------------------------------------------- */

static void future_destroy(pts_obj *o)
{
    pts_future *f = (pts_future *)o;
    pts_value_release(f->value);
    pts_free(f);
}

pts_status pts_future_new(pts_value v, pts_value *out)
{
    pts_future *f = pts_malloc(sizeof *f);
    if (!f) {
        pts_value_release(v);
        return pts_err_nomem("a future", sizeof *f);
    }
    pts_obj_init(&f->hdr, PTS_T_FUTURE, future_destroy);
    f->value = v;
    *out = pts_obj_value(&f->hdr);
    return PTS_OK;
}

/* ---- state -------------------------------------------------------------------------------- */

typedef struct frame {
    pts_code *code;
    int base;    /* first register in vm.regs */
    int pc;
    int ret_reg; /* absolute register of the caller's destination; -1 for the entry frame */
    int with_base;
    const void *plan; /* the conv plan published by this frame's last PTS_F_PLAN call (plan.c) */
} frame;

typedef struct vm {
    pts_value *regs;
    int cap_regs;
    frame *frames;
    int nframes, cap_frames;
    pts_value *withs;
    int nwiths, cap_withs;
} vm;

static pts_status vm_grow_regs(vm *v, int need)
{
    if (need <= v->cap_regs)
        return PTS_OK;
    int nc = v->cap_regs ? v->cap_regs : 64;
    while (nc < need)
        nc *= 2;
    pts_value *nr = pts_realloc(v->regs, (size_t)nc * sizeof *nr);
    if (!nr)
        return pts_err_nomem("interpreter registers", (size_t)nc * sizeof *nr);
    for (int i = v->cap_regs; i < nc; i++)
        nr[i] = pts_none();
    v->regs = nr;
    v->cap_regs = nc;
    return PTS_OK;
}

/* New frame for `code` whose registers start at `base`; args are moved in by the caller. */
static pts_status vm_push(vm *v, pts_code *code, int base, int ret_reg)
{
    if (tl_depth >= PTS_VM_MAX_DEPTH)
        return pts_err_set(PTS_ERR_LIMIT, "maximum recursion depth exceeded (%d TorchScript calls)", PTS_VM_MAX_DEPTH);
    PTS_TRY(vm_grow_regs(v, base + code->nregs + 1));
    if (v->nframes == v->cap_frames) {
        int nc = v->cap_frames ? v->cap_frames * 2 : 16;
        frame *nf = pts_realloc(v->frames, (size_t)nc * sizeof *nf);
        if (!nf)
            return pts_err_nomem("interpreter frames", (size_t)nc * sizeof *nf);
        v->frames = nf;
        v->cap_frames = nc;
    }
    frame *f = &v->frames[v->nframes++];
    f->code = code;
    f->base = base;
    f->pc = 0;
    f->ret_reg = ret_reg;
    f->with_base = v->nwiths;
    f->plan = NULL;
    tl_depth++;
    return PTS_OK;
}

static void release_range(pts_value *r, int n)
{
    for (int i = 0; i < n; i++)
        pts_value_clear(&r[i]);
}

/* ---- small helpers ---------------------------------------------------------------------------- */

static inline pts_value take(pts_value *R, int r, int flags)
{
    if (flags & PTS_F_TB) {
        pts_value v = R[r];
        R[r] = pts_none();
        return v;
    }
    return pts_value_retain(R[r]);
}

static inline void put(pts_value *R, int r, pts_value v)
{
    pts_value old = R[r];
    R[r] = v;
    pts_value_release(old);
}

static inline void consume(pts_value *R, int b, int n, int flags)
{
    if (flags & PTS_F_TB)
        release_range(R + b, n);
}

static const char *tag_name(pts_value v) { return pts_tag_name((pts_tag)v.tag); }

/* ---- attributes -------------------------------------------------------------------------------- */

static bool attr_entry_is(const pts_site_entry *e, const void *cls)
{
    return ((const attr_entry *)e)->cls == cls;
}

/* slot (>= 0) or -1 - constant index; PTS_ERR_KEY if the class has neither */
static pts_status attr_lookup(attr_site *s, const pts_class *cls, int *slot)
{
    attr_entry *e = (attr_entry *)pts_site_cache_find(&s->cache, attr_entry_is, cls);
    if (!e) {
        int k = pts_class_attr_index(cls, s->name);
        if (k < 0) {
            int ci = pts_class_const_index(cls, s->name);
            if (ci < 0)
                return pts_err_set(PTS_ERR_KEY, "'%s' object has no attribute '%s'", cls->qualname, s->name);
            k = -1 - ci;
        }
        e = pts_calloc(1, sizeof *e);
        if (!e)
            return pts_err_nomem("an attribute cache entry", sizeof *e);
        e->cls = cls;
        e->slot = k;
        pts_site_cache_add(&s->cache, &e->hdr);
    }
    *slot = e->slot;
    return PTS_OK;
}

static pts_status get_attr(pts_code *k, attr_site *s, pts_value obj, pts_value *out)
{
    switch ((pts_tag)obj.tag) {
    case PTS_T_OBJECT: {
        pts_object *o = PTS_OBJECT(obj);
        int slot = 0;
        PTS_TRY(attr_lookup(s, o->cls, &slot));
        if (slot >= 0) {
            if (slot >= o->nslots)
                return pts_err_set(PTS_ERR_INTERNAL, "attribute slot out of range");
            pts_object_get_slot(o, slot, out); /* under the object's lock: another thread may assign it */
            if (out->tag == PTS_T_UNINIT)
                return pts_err_set(PTS_ERR_VALUE, "attribute '%s' of %s is not initialized", s->name, o->cls->qualname);
        } else {
            *out = pts_value_retain(o->cls->consts[-1 - slot].value);
        }
        return PTS_OK;
    }
    case PTS_T_ENUM: {
        pts_enum *e = (pts_enum *)obj.u.o;
        if (strcmp(s->name, "value") == 0) {
            *out = pts_value_retain(e->value);
            return PTS_OK;
        }
        if (strcmp(s->name, "name") == 0) {
            pts_obj_retain(&e->name->hdr);
            *out = pts_obj_value(&e->name->hdr);
            return PTS_OK;
        }
        break;
    }
    case PTS_T_TUPLE: {
        pts_tuple *t = PTS_TUPLE(obj);
        if (t->type && t->type->kind == PTS_TY_CLASS) {
            if (!t->type->cls)
                PTS_TRY(pts_type_resolve(t->type, k->cu));
            int slot = 0;
            if (t->type->cls && attr_lookup(s, t->type->cls, &slot) == PTS_OK && slot >= 0 && slot < t->len) {
                *out = pts_value_retain(t->items[slot]);
                return PTS_OK;
            }
        }
        break;
    }
    case PTS_T_TENSOR: {
        const char *opn = strcmp(s->name, "shape") == 0 ? "aten::size" : strcmp(s->name, "dtype") == 0 ? "prim::dtype"
                        : strcmp(s->name, "device") == 0 ? "prim::device" : strcmp(s->name, "is_cuda") == 0 ? "prim::is_cuda"
                        : strcmp(s->name, "requires_grad") == 0 ? "prim::requires_grad" : NULL;
        const pts_op *op = opn ? pts_ops_find(opn) : NULL;
        if (op) {
            *out = pts_none();
            return op->fn(op, &obj, out);
        }
        break;
    }
    default: break;
    }
    return pts_err_set(PTS_ERR_KEY, "%s value has no attribute '%s'", tag_name(obj), s->name);
}

static pts_status set_attr(attr_site *s, pts_value obj, pts_value val /* stolen */)
{
    if (obj.tag != PTS_T_OBJECT) {
        pts_value_release(val);
        return pts_err_set(PTS_ERR_TYPE, "cannot set attribute '%s' of a %s", s->name, tag_name(obj));
    }
    pts_object *o = PTS_OBJECT(obj);
    int slot = 0;
    pts_status st = attr_lookup(s, o->cls, &slot);
    if (!st && (slot < 0 || slot >= o->nslots))
        st = pts_err_set(PTS_ERR_TYPE, "cannot assign to constant '%s' of %s", s->name, o->cls->qualname);
    if (st) {
        pts_value_release(val);
        return st;
    }
    pts_object_swap_slot(o, slot, val);
    return PTS_OK;
}

/* ---- methods ----------------------------------------------------------------------------------- */

static pts_status find_method(pts_class *cls, const char *name, pts_code **out)
{
    pts_method *m = pts_class_find_method(cls, name);
    if (!m)
        return pts_err_set(PTS_ERR_KEY, "'%s' object has no method '%s'", cls->qualname, name);
    char q[600];
    snprintf(q, sizeof q, "%s.%s", cls->qualname, name);
    return pts_interp_compile(cls->cu, cls, m, q, out);
}

static bool method_entry_is(const pts_site_entry *e, const void *cls)
{
    return ((const method_entry *)e)->cls == cls;
}

static pts_status method_lookup(method_site *s, pts_class *cls, pts_code **out)
{
    method_entry *e = (method_entry *)pts_site_cache_find(&s->cache, method_entry_is, cls);
    if (!e) {
        pts_code *code = NULL;
        PTS_TRY(find_method(cls, s->name, &code));
        e = pts_calloc(1, sizeof *e);
        if (!e)
            return pts_err_nomem("a method cache entry", sizeof *e);
        e->cls = cls;
        e->code = code;
        pts_site_cache_add(&s->cache, &e->hdr);
    }
    *out = e->code;
    return PTS_OK;
}

/* ---- containers --------------------------------------------------------------------------------- */

static pts_type *infer_elem(const pts_value *items, int n)
{
    if (n == 0)
        return NULL;
    pts_type *t = pts_prim_type_of_tag((pts_tag)items[0].tag);
    for (int i = 1; i < n && t; i++)
        if (items[i].tag != items[0].tag)
            t = NULL;
    return t;
}

static pts_status build_container(pts_code *k, const pts_insn *in, pts_value *R, pts_value *out)
{
    pts_type *ty = in->c >= 0 ? (pts_type *)k->consts[in->c].u.o : NULL;
    int n = in->n;
    pts_value *items = R + in->b;
    if (in->op == PTS_OPC_TUPLE) {
        pts_tuple *t = pts_tuple_new(n);
        if (!t)
            return PTS_ERR_NOMEM;
        for (int i = 0; i < n; i++)
            t->items[i] = take(R, in->b + i, in->flags);
        if (ty && ty->kind == PTS_TY_CLASS)
            t->type = pts_type_retain(ty);
        *out = pts_obj_value(&t->hdr);
        return PTS_OK;
    }
    if (in->op == PTS_OPC_LIST) {
        pts_type *elem = ty && ty->kind == PTS_TY_LIST ? ty->args[0] : infer_elem(items, n);
        pts_list *l = pts_list_new(elem, n);
        if (!l)
            return PTS_ERR_NOMEM;
        for (int i = 0; i < n; i++)
            l->items[l->len++] = take(R, in->b + i, in->flags);
        *out = pts_obj_value(&l->hdr);
        return PTS_OK;
    }
    pts_type *kt = NULL, *vt = NULL;
    if (ty && ty->kind == PTS_TY_DICT) {
        kt = ty->args[0];
        vt = ty->args[1];
    } else if (n > 0) {
        pts_value ks[64], vs[64];
        int m = n < 64 ? n : 64;
        for (int i = 0; i < m; i++) {
            ks[i] = items[2 * i];
            vs[i] = items[2 * i + 1];
        }
        kt = n <= 64 ? infer_elem(ks, m) : NULL;
        vt = n <= 64 ? infer_elem(vs, m) : NULL;
    }
    pts_dict *d = pts_dict_new(kt, vt);
    if (!d)
        return PTS_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        pts_value kv = take(R, in->b + 2 * i, in->flags);
        pts_value vv = take(R, in->b + 2 * i + 1, in->flags);
        pts_status st = pts_dict_set(d, kv, vv);
        if (st) {
            pts_obj_release(&d->hdr);
            return st;
        }
    }
    *out = pts_obj_value(&d->hdr);
    return PTS_OK;
}

static pts_status iter_step_locked(pts_value *state, bool enumerate_, pts_value *var, bool *done);

/* One step of a for loop; a shared list or dict is read under its lock (another
 * thread may append to it between steps: the loop sees the new length). */
static pts_status iter_step(pts_value *state, bool enumerate_, pts_value *var, bool *done)
{
    bool lk = pts_value_lock_if_shared(state[0]);
    pts_status st = iter_step_locked(state, enumerate_, var, done);
    pts_value_unlock_if(state[0], lk);
    return st;
}

static pts_status iter_step_locked(pts_value *state, bool enumerate_, pts_value *var, bool *done)
{
    pts_value it = state[0];
    int64_t i = state[1].u.i, n;
    switch ((pts_tag)it.tag) {
    case PTS_T_LIST: n = PTS_LIST(it)->len; break;
    case PTS_T_TUPLE: n = PTS_TUPLE(it)->len; break;
    case PTS_T_STR: n = PTS_STR(it)->len; break;
    case PTS_T_DICT: n = PTS_DICT(it)->nentries; break;
    case PTS_T_TENSOR: n = PTS_TENSOR(it)->ndim ? PTS_TENSOR(it)->sizes[0] : 0; break;
    default: return pts_err_set(PTS_ERR_TYPE, "cannot iterate over a %s", tag_name(it));
    }
    if (it.tag == PTS_T_DICT) {
        pts_dict *d = PTS_DICT(it);
        while (i < n && !d->entries[i].live)
            i++;
    }
    if (i >= n) {
        *done = true;
        return PTS_OK;
    }
    *done = false;
    pts_value item;
    int64_t ordinal = i;
    switch ((pts_tag)it.tag) {
    case PTS_T_LIST: item = pts_value_retain(PTS_LIST(it)->items[i]); break;
    case PTS_T_TUPLE: item = pts_value_retain(PTS_TUPLE(it)->items[i]); break;
    case PTS_T_STR: PTS_TRY(pts_value_str(PTS_STR(it)->data + i, 1, &item)); break;
    case PTS_T_DICT: item = pts_value_retain(PTS_DICT(it)->entries[i].key); break;
    default: PTS_TRY(pts_vm_subscr(it, pts_int(i), &item)); break;
    }
    state[1] = pts_int(i + 1);
    if (enumerate_) {
        pts_tuple *t = pts_tuple_new(2);
        if (!t) {
            pts_value_release(item);
            return PTS_ERR_NOMEM;
        }
        t->items[0] = pts_int(ordinal);
        t->items[1] = item;
        item = pts_obj_value(&t->hdr);
    }
    *var = item;
    return PTS_OK;
}

/* ---- the loop -------------------------------------------------------------------------------------- */

static pts_status call_exit(pts_value obj)
{
    pts_value args[3] = {pts_none(), pts_none(), pts_none()}, res;
    pts_status st = pts_interp_call_method(obj, "__exit__", 3, args, &res);
    if (!st)
        pts_value_release(res);
    return st;
}

/* Unwind every frame from the top down to (and including) the entry frame
 * `entry`: run pending __exit__s, release registers, add traceback lines. */
static void unwind(vm *v, int entry, pts_status st)
{
    char saved[2048];
    snprintf(saved, sizeof saved, "%s", pts_err_message());
    /* traceback: most recent call last */
    pts_sb tb;
    pts_sb_init(&tb);
    for (int i = entry; i < v->nframes; i++) {
        frame *f = &v->frames[i];
        int pc = f->pc > 0 ? f->pc - 1 : 0;
        int line = f->code->ninsns ? f->code->lines[pc < f->code->ninsns ? pc : f->code->ninsns - 1] : f->code->line;
        pts_sb_printf(&tb, "\n  File \"%s\", line %d, in %s", f->code->file, line, f->code->name);
    }
    while (v->nframes > entry) {
        frame *f = &v->frames[v->nframes - 1];
        while (v->nwiths > f->with_base) {
            pts_value obj = v->withs[--v->nwiths];
            (void)call_exit(obj);
            pts_value_release(obj);
        }
        release_range(v->regs + f->base, f->code->nregs);
        v->nframes--;
        tl_depth--;
    }
    bool has_tb = strstr(saved, "Traceback of TorchScript") != NULL;
    pts_err_set(st, "%s%s%s", saved, has_tb ? "" : "\nTraceback of TorchScript (most recent call last):", pts_sb_str(&tb));
    pts_sb_free(&tb);
}

static pts_status new_object(fn_site *fs, pts_value *out)
{
    pts_object *o = pts_object_new(fs->newcls);
    if (!o)
        return PTS_ERR_NOMEM;
    *out = pts_obj_value(&o->hdr);
    return PTS_OK;
}

/* Set up the callee frame: args R[b..b+n) moved (consumed), defaults filled. */
static pts_status enter_call(vm *v, frame *f, const pts_insn *in, pts_code *callee, int argbase, int nargs)
{
    if (nargs > callee->nparams)
        return pts_err_set(PTS_ERR_TYPE, "%s() takes %d arguments but %d were given", callee->qualname, callee->nparams,
                           nargs);
    for (int i = nargs; i < callee->nparams; i++)
        if (callee->defaults[i].tag == PTS_T_UNINIT)
            return pts_err_set(PTS_ERR_TYPE, "%s() missing argument '%s'", callee->qualname, callee->param_names[i]);
    int nb = f->base + f->code->nregs;
    int ret_reg = f->base + in->a;
    int src = f->base + argbase;
    PTS_TRY(vm_push(v, callee, nb, ret_reg));
    pts_value *NR = v->regs + nb;
    pts_value *CR = v->regs + src;
    for (int i = 0; i < nargs; i++) {
        NR[i] = (in->flags & PTS_F_TB) ? CR[i] : pts_value_retain(CR[i]);
        if (in->flags & PTS_F_TB)
            CR[i] = pts_none();
    }
    for (int i = nargs; i < callee->nparams; i++)
        NR[i] = pts_value_retain(callee->defaults[i]);
    return PTS_OK;
}

static pts_status run(vm *v, int entry, pts_value *out)
{
    pts_status st = PTS_OK;
    frame *f;
    pts_code *k;
    pts_value *R;
    const pts_insn *ins;
#define RELOAD()                       \
    do {                               \
        f = &v->frames[v->nframes - 1]; \
        k = f->code;                   \
        R = v->regs + f->base;         \
        ins = k->insns;                \
    } while (0)
    RELOAD();
    for (;;) {
        const pts_insn *in = &ins[f->pc++];
        switch ((pts_opcode)in->op) {
        case PTS_OPC_NOP: break;
        case PTS_OPC_LOADK: put(R, in->a, pts_value_retain(k->consts[in->c])); break;
        case PTS_OPC_LOADNONE: put(R, in->a, pts_none()); break;
        case PTS_OPC_LOADINT: put(R, in->a, pts_int(in->c)); break;
        case PTS_OPC_LOADBOOL: put(R, in->a, pts_bool(in->c != 0)); break;
        case PTS_OPC_LOADUNINIT: put(R, in->a, pts_uninit()); break;
        case PTS_OPC_LOADCONSTTAB: {
            pts_value t = k->cu->constants;
            if (t.tag != PTS_T_TUPLE || in->c >= PTS_TUPLE(t)->len) {
                st = pts_err_set(PTS_ERR_LOAD, "CONSTANTS.c%d does not exist in constants.pkl", in->c);
                goto error;
            }
            put(R, in->a, pts_value_retain(PTS_TUPLE(t)->items[in->c]));
            break;
        }
        case PTS_OPC_MOVE:
            if (in->a != in->b)
                put(R, in->a, take(R, in->b, in->flags));
            break;
        case PTS_OPC_CLEAR: pts_value_clear(&R[in->a]); break;
        case PTS_OPC_JUMP:
            if (in->c <= f->pc - 1 && (st = pts_budget_check())) /* a loop's back edge: interrupts, time limit */
                goto error;
            f->pc = in->c;
            break;
        case PTS_OPC_JUMPIFNOT:
        case PTS_OPC_JUMPIF: {
            bool t = false;
            pts_value cv = R[in->b];
            if (cv.tag == PTS_T_BOOL)
                t = cv.u.b;
            else if ((st = pts_vm_truthy(cv, &t)))
                goto error;
            consume(R, in->b, 1, in->flags);
            if (t == (in->op == PTS_OPC_JUMPIF))
                f->pc = in->c;
            break;
        }
        case PTS_OPC_RETURN: {
            pts_value rv = take(R, in->b, in->flags);
            while (v->nwiths > f->with_base) /* only after errors; normal paths pop */
                pts_value_release(v->withs[--v->nwiths]);
            release_range(R, k->nregs);
            int ret_reg = f->ret_reg;
            v->nframes--;
            tl_depth--;
            if (v->nframes == entry) {
                *out = rv;
                return PTS_OK;
            }
            pts_value_release(v->regs[ret_reg]);
            v->regs[ret_reg] = rv;
            RELOAD();
            break;
        }
        case PTS_OPC_CALLOP: {
            pts_value res;
            if ((st = pts_budget_check())) {
                consume(R, in->b, in->n, in->flags);
                goto error;
            }
            if ((in->flags & PTS_F_PSKIP) && f->plan && pts_conv_plan_done == f->plan) { /* fused add / relu */
                put(R, in->a, take(R, in->b, in->flags));
                consume(R, in->b + 1, in->n - 1, in->flags);
                break;
            }
            st = pts_interp_call_op(k, &k->ops[in->c], R + in->b, &res);
            consume(R, in->b, in->n, in->flags);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_CALLFN: {
            fn_site *fs = &k->fns[in->c];
            if ((st = pts_budget_check())) /* recursion without loops */
                goto error;
            pts_code *callee = fs->m->compiled;
            if (!callee && (st = pts_interp_compile(k->cu, fs->cls, fs->m, fs->qualname, &callee)))
                goto error;
            if ((st = enter_call(v, f, in, callee, in->b, in->n)))
                goto error;
            RELOAD();
            break;
        }
        case PTS_OPC_CALLMETHOD: {
            method_site *ms = &k->methods[in->c];
            pts_value recv = R[in->b];
            if ((st = pts_budget_check()))
                goto error;
            if (in->flags & (PTS_F_PLAN | PTS_F_PSKIP)) {
                if (in->flags & PTS_F_PLAN) { /* publish the plan; the conv kernel takes it (conv_plan.h) */
                    int rr = -1;
                    if ((st = pts_plan_lookup(k, f->pc - 1, recv, &rr, &f->plan))) {
                        pts_conv_plan_pending = NULL;
                        goto error;
                    }
                    pts_conv_plan_pending = f->plan;
                    pts_conv_plan_done = NULL;
                    pts_conv_plan_residual = rr >= 0 && R[rr].tag == PTS_T_TENSOR ? PTS_TENSOR(R[rr]) : NULL;
                } else if (f->plan && pts_conv_plan_done == f->plan) { /* folded / fused: pass the input on */
                    put(R, in->a, take(R, in->b + 1, in->flags));
                    consume(R, in->b, 1, in->flags);
                    break;
                } else {
                    pts_conv_plan_pending = NULL; /* not taken: never let a later call take it */
                }
            }
            if (recv.tag == PTS_T_OBJECT) {
                pts_code *callee = NULL;
                if (in->n != ms->nargs) {
                    st = pts_err_set(PTS_ERR_UNSUPPORTED, "keyword arguments in calls of method '%s'", ms->name);
                    goto error;
                }
                if ((st = method_lookup(ms, PTS_OBJECT(recv)->cls, &callee)))
                    goto error;
                if ((st = enter_call(v, f, in, callee, in->b, in->n)))
                    goto error;
                RELOAD();
                break;
            }
            if (!ms->fallback) {
                st = pts_err_set(PTS_ERR_TYPE, "%s value has no method '%s'", tag_name(recv), ms->name);
                goto error;
            }
            pts_value res;
            st = pts_interp_call_op(k, &k->ops[ms->fallback - 1], R + in->b, &res);
            consume(R, in->b, in->n, in->flags);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_NEWOBJ: {
            pts_value o;
            if ((st = new_object(&k->fns[in->c], &o)))
                goto error;
            put(R, in->a, o);
            break;
        }
        case PTS_OPC_GETATTR: {
            pts_value res;
            st = get_attr(k, &k->attrs[in->c], R[in->b], &res);
            consume(R, in->b, 1, in->flags);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_SETATTR: {
            pts_value val = take(R, in->b, in->flags);
            st = pts_tl_trace ? pts_tl_trace(pts_tl_trace_ud, "prim::SetAttr", k->attrs[in->c].name, k->file,
                                             k->lines[in - k->insns], val) : PTS_OK;
            if (st)
                pts_value_release(val);
            else
                st = set_attr(&k->attrs[in->c], R[in->a], val);
            if (in->flags & PTS_F_TA)
                pts_value_clear(&R[in->a]);
            if (st)
                goto error;
            break;
        }
        case PTS_OPC_TUPLE:
        case PTS_OPC_LIST:
        case PTS_OPC_DICT: {
            pts_value res;
            st = build_container(k, in, R, &res);
            if (st) {
                consume(R, in->b, in->op == PTS_OPC_DICT ? 2 * in->n : in->n, in->flags);
                goto error;
            }
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_UNPACK: {
            pts_value src = take(R, in->b, in->flags);
            st = pts_vm_unpack(src, in->n, R + in->a);
            pts_value_release(src);
            if (st)
                goto error;
            break;
        }
        case PTS_OPC_SUBSCR: {
            pts_value res;
            st = pts_vm_subscr(R[in->b], R[in->b + 1], &res);
            if (!st && pts_tl_trace) {
                /* the node torch's graph has for this subscript (tensors: select/slice ops, not traced) */
                pts_tag tg = R[in->b].tag;
                const char *tn = tg == PTS_T_TUPLE ? "prim::TupleIndex"
                                 : (tg == PTS_T_LIST || tg == PTS_T_DICT || tg == PTS_T_STR) ? "aten::__getitem__"
                                                                                           : NULL;
                if (tn && (st = pts_tl_trace(pts_tl_trace_ud, tn, NULL, k->file, k->lines[in - k->insns], res)))
                    pts_value_release(res);
            }
            consume(R, in->b, 2, in->flags);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_SLICE: {
            pts_value res;
            st = pts_vm_slice(R + in->b, &res);
            consume(R, in->b, 4, in->flags);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_CONTAINS: {
            bool r = false;
            st = pts_vm_contains(R[in->b], R[in->b + 1], &r);
            consume(R, in->b, 2, in->flags);
            if (st)
                goto error;
            put(R, in->a, pts_bool(r));
            break;
        }
        case PTS_OPC_NOT: {
            bool t = false;
            pts_value cv = R[in->b];
            if ((st = pts_vm_truthy(cv, &t)))
                goto error;
            consume(R, in->b, 1, in->flags);
            put(R, in->a, pts_bool(!t));
            break;
        }
        case PTS_OPC_IS:
        case PTS_OPC_ISNOT: {
            pts_value x = R[in->b], y = R[in->b + 1];
            bool same = x.tag == y.tag && (PTS_TAG_IS_HEAP(x.tag) ? x.u.o == y.u.o : pts_value_key_equal(x, y));
            consume(R, in->b, 2, in->flags);
            put(R, in->a, pts_bool(in->op == PTS_OPC_IS ? same : !same));
            break;
        }
        case PTS_OPC_ISINSTANCE: {
            const pts_type *t = (const pts_type *)k->consts[in->c].u.o;
            bool lk = pts_value_lock_if_shared(R[in->b]); /* isinstance(l, List[int]) reads the items */
            bool r = pts_value_isinstance(R[in->b], t);
            pts_value_unlock_if(R[in->b], lk);
            consume(R, in->b, 1, in->flags);
            put(R, in->a, pts_bool(r));
            break;
        }
        case PTS_OPC_CONVERT: {
            pts_value res;
            pts_value src = take(R, in->b, in->flags);
            bool lk = pts_value_lock_if_shared(src);
            st = pts_vm_convert(src, (const pts_type *)k->consts[in->c].u.o, &res);
            pts_value_unlock_if(src, lk);
            if (st)
                goto error;
            put(R, in->a, res);
            break;
        }
        case PTS_OPC_FORRANGE: {
            pts_value *s = R + in->b;
            if (s[0].tag != PTS_T_INT || s[1].tag != PTS_T_INT || s[2].tag != PTS_T_INT) {
                st = pts_err_set(PTS_ERR_TYPE, "range() arguments must be int");
                goto error;
            }
            int64_t cur = s[0].u.i, stop = s[1].u.i, step = s[2].u.i;
            if (step == 0) {
                st = pts_err_set(PTS_ERR_VALUE, "range() arg 3 must not be zero");
                goto error;
            }
            if (step > 0 ? cur < stop : cur > stop) {
                put(R, in->a, pts_int(cur));
                s[0].u.i = (int64_t)((uint64_t)cur + (uint64_t)step);
            } else {
                f->pc = in->c;
            }
            break;
        }
        case PTS_OPC_FORITER: {
            pts_value var;
            bool done = false;
            if ((st = iter_step(R + in->b, in->n != 0, &var, &done)))
                goto error;
            if (done)
                f->pc = in->c;
            else
                put(R, in->a, var);
            break;
        }
        case PTS_OPC_PUSHWITH: {
            if (v->nwiths == v->cap_withs) {
                int nc = v->cap_withs ? v->cap_withs * 2 : 8;
                pts_value *nw = pts_realloc(v->withs, (size_t)nc * sizeof *nw);
                if (!nw) {
                    st = pts_err_nomem("with blocks", 0);
                    goto error;
                }
                v->withs = nw;
                v->cap_withs = nc;
            }
            v->withs[v->nwiths++] = pts_value_retain(R[in->b]);
            break;
        }
        case PTS_OPC_POPWITH:
            if (v->nwiths > f->with_base)
                pts_value_release(v->withs[--v->nwiths]);
            break;
        case PTS_OPC_RAISE: {
            pts_value m = R[in->b];
            const char *cls = PTS_STR(k->consts[in->c])->data;
            if (m.tag == PTS_T_STR)
                st = pts_err_set(PTS_ERR_SCRIPT, "%s: %s", cls, PTS_STR(m)->data);
            else
                st = pts_err_set(PTS_ERR_SCRIPT, "%s", cls);
            consume(R, in->b, 1, in->flags);
            goto error;
        }
        case PTS_OPC_ASSERTFAIL: {
            if (in->b >= 0 && R[in->b].tag == PTS_T_STR)
                st = pts_err_set(PTS_ERR_SCRIPT, "AssertionError: %s", PTS_STR(R[in->b])->data);
            else
                st = pts_err_set(PTS_ERR_SCRIPT, "AssertionError");
            if (in->b >= 0)
                consume(R, in->b, 1, in->flags);
            goto error;
        }
        case PTS_OPC_PRINT:
            pts_vm_print(R + in->b, in->n);
            consume(R, in->b, in->n, in->flags);
            break;
        case PTS_OPC_MAKEFUTURE: {
            pts_value fut;
            if ((st = pts_future_new(take(R, in->b, in->flags), &fut)))
                goto error;
            put(R, in->a, fut);
            break;
        }
        case PTS_OPC_WAIT: {
            pts_value fv = take(R, in->b, in->flags);
            if (fv.tag != PTS_T_FUTURE) {
                pts_value_release(fv);
                st = pts_err_set(PTS_ERR_TYPE, "wait() expects a Future");
                goto error;
            }
            pts_value r = pts_value_retain(((pts_future *)fv.u.o)->value);
            pts_value_release(fv);
            put(R, in->a, r);
            break;
        }
        default:
            st = pts_err_set(PTS_ERR_INTERNAL, "bad opcode %d", in->op);
            goto error;
        }
        continue;
    error:
        unwind(v, entry, st);
        return st;
    }
#undef RELOAD
}

pts_status pts_vm_call(pts_code *code, int nargs, const pts_value *args, pts_value *out)
{
    vm v;
    memset(&v, 0, sizeof v);
    *out = pts_none();
    if (nargs != code->nparams)
        return pts_err_set(PTS_ERR_TYPE, "%s() takes %d arguments but %d were given", code->qualname, code->nparams, nargs);
    pts_status st = vm_push(&v, code, 0, -1);
    if (!st) {
        for (int i = 0; i < nargs; i++)
            v.regs[i] = pts_value_retain(args[i]);
        pts_budget_begin();
        st = run(&v, 0, out);
        pts_budget_end();
    }
    if (st || tl_depth == 0) /* a plan published by a call that failed, or left by the outermost run */
        pts_conv_plan_pending = NULL;
    for (int i = 0; i < v.cap_regs; i++)
        pts_value_release(v.regs[i]);
    for (int i = 0; i < v.nwiths; i++)
        pts_value_release(v.withs[i]);
    pts_free(v.regs);
    pts_free(v.frames);
    pts_free(v.withs);
    return st;
}

pts_status pts_interp_call_method(pts_value obj, const char *name, int nargs, const pts_value *args, pts_value *out)
{
    *out = pts_none();
    if (obj.tag != PTS_T_OBJECT)
        return pts_err_set(PTS_ERR_TYPE, "cannot call method '%s' of a %s", name, tag_name(obj));
    pts_class *cls = PTS_OBJECT(obj)->cls;
    pts_code *code = NULL;
    PTS_TRY(find_method(cls, name, &code));
    if (nargs + 1 > code->nparams)
        return pts_err_set(PTS_ERR_TYPE, "%s() takes %d arguments but %d were given", code->qualname, code->nparams - 1,
                           nargs);
    pts_value buf[32], *all = buf;
    if (code->nparams > 32) {
        all = pts_calloc((size_t)code->nparams, sizeof *all);
        if (!all)
            return pts_err_nomem("arguments", 0);
    }
    all[0] = obj;
    for (int i = 0; i < nargs; i++)
        all[i + 1] = args[i];
    pts_status st = PTS_OK;
    for (int i = nargs + 1; i < code->nparams; i++) {
        if (code->defaults[i].tag == PTS_T_UNINIT) {
            st = pts_err_set(PTS_ERR_TYPE, "%s() missing argument '%s'", code->qualname, code->param_names[i]);
            break;
        }
        all[i] = code->defaults[i];
    }
    if (!st)
        st = pts_vm_call(code, code->nparams, all, out);
    if (all != buf)
        pts_free(all);
    return st;
}

/* ---- disassembly ---------------------------------------------------------------------------------- */

void pts_code_dump(const pts_code *k, pts_sb *sb)
{
    pts_sb_printf(sb, "%s: %d params, %d locals, %d registers\n", k->qualname, k->nparams, k->nlocals, k->nregs);
    for (int i = 0; i < k->ninsns; i++) {
        const pts_insn *in = &k->insns[i];
        pts_sb_printf(sb, "%4d  %-12s a=%d b=%d c=%d n=%d%s", i, pts_opcode_name(in->op), in->a, in->b, in->c, in->n,
                      in->flags & PTS_F_TB ? " tmp" : "");
        if (in->op == PTS_OPC_CALLOP)
            pts_sb_printf(sb, "  ; %s", k->ops[in->c].opname);
        else if (in->op == PTS_OPC_GETATTR || in->op == PTS_OPC_SETATTR)
            pts_sb_printf(sb, "  ; .%s", k->attrs[in->c].name);
        else if (in->op == PTS_OPC_CALLMETHOD)
            pts_sb_printf(sb, "  ; .%s()", k->methods[in->c].name);
        pts_sb_printf(sb, "  (line %d)\n", k->lines[i]);
    }
}
