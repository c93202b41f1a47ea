/* unpickle.c - the pickle stack machine (see unpickle.h, pk_vm.h).
 *
 * A loop reads one opcode byte, looks it up in the table generated from
 * opcodes.h and runs its handler.  Handlers check their operands (bytes
 * left, stack depth above the last mark, value kinds) and report failures
 * with a bare message; the loop prefixes "<where>: offset N: OPCODE: ".
 * Values on the stack and in the memo are owned references; on any error
 * everything is released by vm_free.
 */
#include "pickle/unpickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/grow.h"
#include "pickle/opcodes.h"
#include "pickle/pk_vm.h"

/* ---- the opcode table ------------------------------------------------------ */

typedef pts_status (*op_fn)(pk_vm *vm);

#define X(name, byte, fn, doc) static pts_status fn(pk_vm *vm);
PTS_PICKLE_OPCODES(X)
#undef X

static const struct {
    const char *name;
    op_fn fn;
} optab[256] = {
#define X(name, byte, fn, doc) [byte] = {#name, fn},
    PTS_PICKLE_OPCODES(X)
#undef X
};

/* ---- errors and bookkeeping shared with globals.c ---------------------------- */

pts_status pts_pk_err(pts_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pts_err_setv(st, fmt, ap);
    va_end(ap);
    return st;
}

static bool is_container(pts_value v)
{
    return v.tag == PTS_T_LIST || v.tag == PTS_T_DICT || v.tag == PTS_T_TUPLE || v.tag == PTS_T_OBJECT;
}

unsigned pts_pk_height(pts_value v) { return is_container(v) ? (v.u.o->flags & PK_HEIGHT_MASK) : 0; }

bool pts_pk_is_internal(pts_value v)
{
    if (v.tag == PTS_T_STORAGE || pts_pk_is_callable(v, NULL))
        return true;
    return v.tag == PTS_T_TUPLE && (v.u.o->flags & PK_F_INTERNAL);
}

void pts_pk_describe(pts_value v, char *buf, size_t cap)
{
    if (pts_pk_is_callable(v, NULL))
        snprintf(buf, cap, "a GLOBAL (callable)");
    else if (v.tag == PTS_T_STORAGE)
        snprintf(buf, cap, "a storage");
    else
        pts_value_describe(v, buf, cap);
}

static void contain(pts_value v)
{
    if (is_container(v))
        v.u.o->flags |= PK_F_CONTAINED;
}

pts_status pts_pk_adopt(pk_vm *vm, pts_value v, const char *into)
{
    (void)vm;
    if (pts_pk_is_internal(v)) {
        char d[120];
        pts_pk_describe(v, d, sizeof d);
        return pts_pk_err(PTS_ERR_LOAD, "%s cannot be stored in %s", d, into);
    }
    contain(v);
    return PTS_OK;
}

pts_status pts_pk_set_height(pk_vm *vm, pts_obj *o, unsigned h)
{
    if (h > (unsigned)vm->max_depth)
        return pts_pk_err(PTS_ERR_LIMIT, "containers nested deeper than %d levels", vm->max_depth);
    o->flags = (uint16_t)((o->flags & ~PK_HEIGHT_MASK) | h);
    return PTS_OK;
}

pts_status pts_pk_check_mutable(pts_obj *o, const char *what)
{
    if (o->flags & PK_F_CONTAINED)
        return pts_pk_err(PTS_ERR_LOAD, "cannot modify the %s: it is already inside another container", what);
    return PTS_OK;
}

pts_status pts_pk_track(pk_vm *vm, pts_obj *o)
{
    PTS_TRY(pts_grow((void **)&vm->made, &vm->made_cap, vm->nmade + 1, sizeof(pts_obj *), 16, "unpickler bookkeeping"));
    pts_obj_retain(o);
    vm->made[vm->nmade++] = o;
    return PTS_OK;
}

/* ---- input ------------------------------------------------------------------ */

static pts_status need_bytes(pk_vm *vm, uint64_t n)
{
    size_t left = vm->len - vm->pos;
    if (n > left)
        return pts_pk_err(PTS_ERR_LOAD, "unexpected end of data (%llu bytes needed, %zu left)",
                          (unsigned long long)n, left);
    return PTS_OK;
}

/* Read an n-byte little-endian unsigned integer (n <= 8). */
static pts_status read_le(pk_vm *vm, size_t n, uint64_t *out)
{
    PTS_TRY(need_bytes(vm, n));
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)vm->data[vm->pos + i] << (8 * i);
    vm->pos += n;
    *out = v;
    return PTS_OK;
}

/* A '\n'-terminated line of at most `max` bytes (newline consumed, not returned). */
static pts_status read_line(pk_vm *vm, size_t max, const char **s, size_t *n)
{
    size_t left = vm->len - vm->pos;
    const uint8_t *b = vm->data + vm->pos;
    const uint8_t *nl = memchr(b, '\n', left < max + 1 ? left : max + 1);
    if (!nl) {
        if (left <= max)
            return pts_pk_err(PTS_ERR_LOAD, "unexpected end of data in a text line");
        return pts_pk_err(PTS_ERR_LOAD, "text line longer than %zu bytes", max);
    }
    *s = (const char *)b;
    *n = (size_t)(nl - b);
    vm->pos += *n + 1;
    return PTS_OK;
}

/* ---- stack and marks ----------------------------------------------------------- */

/* Steals v (released on failure). */
static pts_status push(pk_vm *vm, pts_value v)
{
    pts_status st = pts_grow((void **)&vm->stack, &vm->stack_cap, vm->sp + 1, sizeof(pts_value), 16, "the pickle stack");
    if (st) {
        pts_value_release(v);
        return st;
    }
    vm->stack[vm->sp++] = v;
    return PTS_OK;
}

static size_t stack_floor(const pk_vm *vm) { return vm->nmarks ? vm->marks[vm->nmarks - 1] : 0; }

/* At least n values above the last mark? */
static pts_status need_values(pk_vm *vm, size_t n)
{
    size_t avail = vm->sp - stack_floor(vm);
    if (avail >= n)
        return PTS_OK;
    return pts_pk_err(PTS_ERR_LOAD, "stack underflow: needs %zu value%s, %zu %s", n, n == 1 ? "" : "s", avail,
                      vm->nmarks ? "above the last MARK" : "on the stack");
}

static pts_value *top(pk_vm *vm, size_t i) { return &vm->stack[vm->sp - 1 - i]; }

static pts_value pop(pk_vm *vm) { return vm->stack[--vm->sp]; }

/* Pop the last mark; values from *start to sp are the marked ones. */
static pts_status pop_mark(pk_vm *vm, size_t *start)
{
    if (!vm->nmarks)
        return pts_pk_err(PTS_ERR_LOAD, "no MARK to match");
    *start = vm->marks[--vm->nmarks];
    return PTS_OK;
}

/* Pop the last mark and the container just below it (which must be above the previous mark). */
static pts_status pop_mark_target(pk_vm *vm, pts_tag want, size_t *start, pts_value **target)
{
    PTS_TRY(pop_mark(vm, start));
    if (*start == 0 || *start - 1 < stack_floor(vm))
        return pts_pk_err(PTS_ERR_LOAD, "no %s below the MARK", pts_tag_name(want));
    *target = &vm->stack[*start - 1];
    if ((*target)->tag != want) {
        char d[120];
        pts_pk_describe(**target, d, sizeof d);
        return pts_pk_err(PTS_ERR_LOAD, "target is %s, expected a %s", d, pts_tag_name(want));
    }
    return pts_pk_check_mutable((*target)->u.o, pts_tag_name(want));
}

/* Release values [from, sp) and drop them. */
static void drop_to(pk_vm *vm, size_t from)
{
    while (vm->sp > from)
        pts_value_release(vm->stack[--vm->sp]);
}

/* ---- containers ---------------------------------------------------------------- */

/* Track a new empty container (steals o), give it height 1 and push it. */
static pts_status push_container(pk_vm *vm, pts_obj *o)
{
    pts_value v = pts_obj_value(o);
    pts_status st = pts_pk_track(vm, o);
    if (!st)
        st = pts_pk_set_height(vm, o, 1);
    if (st) {
        pts_value_release(v);
        return st;
    }
    return push(vm, v);
}

static pts_status push_new_list(pk_vm *vm)
{
    pts_list *l = pts_list_new(NULL, 0);
    if (!l)
        return PTS_ERR_NOMEM;
    return push_container(vm, &l->hdr);
}

/* Replace stack[from, sp) by one tuple of those values. */
static pts_status make_tuple(pk_vm *vm, size_t from)
{
    size_t n = vm->sp - from;
    unsigned h = 0;
    bool internal = false;
    pts_tuple *t = pts_tuple_new((int64_t)n);
    if (!t)
        return PTS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        pts_value v = vm->stack[from + i];
        contain(v);
        internal = internal || pts_pk_is_internal(v);
        unsigned hv = pts_pk_height(v);
        h = hv > h ? hv : h;
        t->items[i] = v;
    }
    vm->sp = from;
    pts_value tv = pts_obj_value(&t->hdr);
    pts_status st = pts_pk_track(vm, &t->hdr);
    if (!st)
        st = pts_pk_set_height(vm, &t->hdr, h + 1);
    if (st) {
        pts_value_release(tv);
        return st;
    }
    if (internal)
        t->hdr.flags |= PK_F_INTERNAL;
    return push(vm, tv);
}

/* Append stack[from, sp) to list *lv (the values are moved; sp = from on success). */
static pts_status list_extend(pk_vm *vm, pts_value lv, size_t from)
{
    pts_list *l = PTS_LIST(lv);
    unsigned h = pts_pk_height(lv);
    for (size_t i = from; i < vm->sp; i++) {
        pts_value v = vm->stack[i];
        if (v.tag == lv.tag && v.u.o == lv.u.o)
            return pts_pk_err(PTS_ERR_LOAD, "a list cannot contain itself");
        PTS_TRY(pts_pk_adopt(vm, v, "a list"));
        h = pts_pk_height(v) + 1 > h ? pts_pk_height(v) + 1 : h;
    }
    PTS_TRY(pts_pk_set_height(vm, &l->hdr, h));
    for (size_t i = from; i < vm->sp; i++) {
        pts_value v = vm->stack[i];
        vm->stack[i] = pts_none();
        PTS_TRY(pts_list_append(l, v));
    }
    vm->sp = from;
    return PTS_OK;
}

static bool hashable(pts_value k)
{
    switch ((pts_tag)k.tag) {
    case PTS_T_NONE: case PTS_T_BOOL: case PTS_T_INT: case PTS_T_FLOAT: case PTS_T_COMPLEX:
    case PTS_T_DEVICE: case PTS_T_STR: case PTS_T_TENSOR:
        return true;
    default:
        return false;
    }
}

/* Set pairs stack[from, sp) into dict dv (moved; sp = from on success). */
static pts_status dict_update(pk_vm *vm, pts_value dv, size_t from)
{
    pts_dict *d = PTS_DICT(dv);
    unsigned h = pts_pk_height(dv);
    if ((vm->sp - from) % 2)
        return pts_pk_err(PTS_ERR_LOAD, "odd number of values (%zu) for key/value pairs", vm->sp - from);
    for (size_t i = from; i < vm->sp; i++) {
        pts_value v = vm->stack[i];
        char desc[120];
        if ((i - from) % 2 == 0 && !hashable(v)) {
            pts_pk_describe(v, desc, sizeof desc);
            return pts_pk_err(PTS_ERR_LOAD, "%s cannot be a dict key", desc);
        }
        if (v.tag == dv.tag && v.u.o == dv.u.o)
            return pts_pk_err(PTS_ERR_LOAD, "a dict cannot contain itself");
        PTS_TRY(pts_pk_adopt(vm, v, "a dict"));
        h = pts_pk_height(v) + 1 > h ? pts_pk_height(v) + 1 : h;
    }
    PTS_TRY(pts_pk_set_height(vm, &d->hdr, h));
    for (size_t i = from; i < vm->sp; i += 2) {
        pts_value k = vm->stack[i], v = vm->stack[i + 1];
        vm->stack[i] = vm->stack[i + 1] = pts_none();
        PTS_TRY(pts_dict_set(d, k, v));
    }
    vm->sp = from;
    return PTS_OK;
}

/* ---- memo ---------------------------------------------------------------------- */

static pts_status memo_put(pk_vm *vm, uint64_t idx)
{
    PTS_TRY(need_values(vm, 1));
    if (idx >= vm->memo_len) {
        uint64_t limit = 4 * (uint64_t)vm->nops + 1024;
        if (idx > limit)
            return pts_pk_err(PTS_ERR_LOAD, "memo index %llu is implausibly large (%lld opcodes read so far)",
                              (unsigned long long)idx, (long long)vm->nops);
        PTS_TRY(pts_grow((void **)&vm->memo, &vm->memo_cap, (size_t)idx + 1, sizeof(pts_value), 16, "the pickle memo"));
        for (size_t i = vm->memo_len; i <= idx; i++)
            vm->memo[i] = pts_uninit();
        vm->memo_len = (size_t)idx + 1;
    }
    pts_value old = vm->memo[idx];
    vm->memo[idx] = pts_value_retain(*top(vm, 0));
    pts_value_release(old);
    return PTS_OK;
}

static pts_status memo_get(pk_vm *vm, uint64_t idx)
{
    if (idx >= vm->memo_len || vm->memo[idx].tag == PTS_T_UNINIT)
        return pts_pk_err(PTS_ERR_LOAD, "memo entry %llu is not set", (unsigned long long)idx);
    return push(vm, pts_value_retain(vm->memo[idx]));
}

/* ---- opcode handlers: framing ----------------------------------------------------- */

static pts_status op_proto(pk_vm *vm)
{
    uint64_t v = 0;
    if (vm->op_pos != 0)
        return pts_pk_err(PTS_ERR_LOAD, "PROTO is only allowed at the start");
    PTS_TRY(read_le(vm, 1, &v));
    if (v != 2)
        return pts_pk_err(PTS_ERR_LOAD, "only pickle protocol 2 is supported, found protocol %llu",
                          (unsigned long long)v);
    return PTS_OK;
}

static pts_status op_stop(pk_vm *vm)
{
    if (vm->nmarks || vm->sp != 1)
        return pts_pk_err(PTS_ERR_LOAD, "expected exactly one value on the stack, found %zu (%zu open MARKs)",
                          vm->sp, vm->nmarks);
    if (pts_pk_is_internal(vm->stack[0])) {
        char d[120];
        pts_pk_describe(vm->stack[0], d, sizeof d);
        return pts_pk_err(PTS_ERR_LOAD, "the result is %s", d);
    }
    vm->result = pop(vm);
    vm->stopped = true;
    return PTS_OK;
}

static pts_status op_frame(pk_vm *vm)
{
    uint64_t n = 0;
    PTS_TRY(read_le(vm, 8, &n));
    return need_bytes(vm, n); /* a frame is only a read-ahead hint */
}

static pts_status op_mark(pk_vm *vm)
{
    PTS_TRY(pts_grow((void **)&vm->marks, &vm->marks_cap, vm->nmarks + 1, sizeof(size_t), 16, "pickle marks"));
    vm->marks[vm->nmarks++] = vm->sp;
    return PTS_OK;
}

static pts_status op_pop(pk_vm *vm)
{
    if (vm->nmarks && vm->sp == stack_floor(vm)) { /* nothing above the mark: drop the mark */
        vm->nmarks--;
        return PTS_OK;
    }
    PTS_TRY(need_values(vm, 1));
    pts_value_release(pop(vm));
    return PTS_OK;
}

static pts_status op_pop_mark(pk_vm *vm)
{
    size_t start = 0;
    PTS_TRY(pop_mark(vm, &start));
    drop_to(vm, start);
    return PTS_OK;
}

static pts_status op_dup(pk_vm *vm)
{
    PTS_TRY(need_values(vm, 1));
    return push(vm, pts_value_retain(*top(vm, 0)));
}

/* ---- scalars -------------------------------------------------------------------------- */

static pts_status op_none(pk_vm *vm) { return push(vm, pts_none()); }
static pts_status op_newtrue(pk_vm *vm) { return push(vm, pts_bool(true)); }
static pts_status op_newfalse(pk_vm *vm) { return push(vm, pts_bool(false)); }

static pts_status parse_decimal(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (i == n)
        return pts_pk_err(PTS_ERR_LOAD, "bad decimal integer \"%.*s\"", (int)n, s);
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return pts_pk_err(PTS_ERR_LOAD, "bad decimal integer \"%.*s\"", (int)n, s);
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return pts_pk_err(PTS_ERR_LOAD, "integer too large (more than 64 bits)");
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return PTS_OK;
}

static pts_status op_int(pk_vm *vm)
{
    const char *s = NULL;
    size_t n = 0;
    int64_t v = 0;
    PTS_TRY(read_line(vm, 64, &s, &n));
    if (n == 2 && s[0] == '0' && (s[1] == '0' || s[1] == '1'))
        return push(vm, pts_bool(s[1] == '1'));
    PTS_TRY(parse_decimal(s, n, &v));
    return push(vm, pts_int(v));
}

static pts_status op_long(pk_vm *vm)
{
    const char *s = NULL;
    size_t n = 0;
    int64_t v = 0;
    PTS_TRY(read_line(vm, 64, &s, &n));
    if (n > 0 && s[n - 1] == 'L')
        n--;
    PTS_TRY(parse_decimal(s, n, &v));
    return push(vm, pts_int(v));
}

static pts_status push_le_int(pk_vm *vm, size_t nbytes, bool sign)
{
    uint64_t u = 0;
    PTS_TRY(read_le(vm, nbytes, &u));
    if (sign && nbytes > 0 && nbytes < 8 && (u >> (8 * nbytes - 1)) & 1)
        u |= ~0ULL << (8 * nbytes);
    int64_t v = 0;
    memcpy(&v, &u, sizeof v);
    return push(vm, pts_int(v));
}

static pts_status op_binint(pk_vm *vm) { return push_le_int(vm, 4, true); }
static pts_status op_binint1(pk_vm *vm) { return push_le_int(vm, 1, false); }
static pts_status op_binint2(pk_vm *vm) { return push_le_int(vm, 2, false); }

static pts_status long_n(pk_vm *vm, size_t len_bytes)
{
    uint64_t n = 0;
    PTS_TRY(read_le(vm, len_bytes, &n));
    if (n > 8)
        return pts_pk_err(PTS_ERR_LOAD, "integer too large (%llu bytes; at most 8 are supported)",
                          (unsigned long long)n);
    return push_le_int(vm, (size_t)n, true);
}

static pts_status op_long1(pk_vm *vm) { return long_n(vm, 1); }
static pts_status op_long4(pk_vm *vm) { return long_n(vm, 4); }

static pts_status op_binfloat(pk_vm *vm)
{
    PTS_TRY(need_bytes(vm, 8));
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | vm->data[vm->pos + (size_t)i];
    vm->pos += 8;
    double d;
    memcpy(&d, &u, sizeof d);
    return push(vm, pts_float(d));
}

/* ---- strings ---------------------------------------------------------------------------- */

static pts_status push_str(pk_vm *vm, size_t len_bytes)
{
    uint64_t n = 0;
    PTS_TRY(read_le(vm, len_bytes, &n));
    PTS_TRY(need_bytes(vm, n));
    pts_value v = pts_none();
    PTS_TRY(pts_value_str((const char *)vm->data + vm->pos, (size_t)n, &v));
    vm->pos += (size_t)n;
    return push(vm, v);
}

static pts_status op_binunicode(pk_vm *vm) { return push_str(vm, 4); }
static pts_status op_sbinunicode(pk_vm *vm) { return push_str(vm, 1); }
static pts_status op_binunicode8(pk_vm *vm) { return push_str(vm, 8); }

static pts_status op_bytes(pk_vm *vm)
{
    (void)vm;
    return pts_pk_err(PTS_ERR_LOAD, "bytes objects are not TorchScript values");
}

/* ---- tuples, lists, dicts ------------------------------------------------------------------ */

static pts_status op_empty_tuple(pk_vm *vm) { return make_tuple(vm, vm->sp); }

static pts_status op_tuple(pk_vm *vm)
{
    size_t start = 0;
    PTS_TRY(pop_mark(vm, &start));
    return make_tuple(vm, start);
}

static pts_status tuple_n(pk_vm *vm, size_t n)
{
    PTS_TRY(need_values(vm, n));
    return make_tuple(vm, vm->sp - n);
}

static pts_status op_tuple1(pk_vm *vm) { return tuple_n(vm, 1); }
static pts_status op_tuple2(pk_vm *vm) { return tuple_n(vm, 2); }
static pts_status op_tuple3(pk_vm *vm) { return tuple_n(vm, 3); }

static pts_status op_empty_list(pk_vm *vm) { return push_new_list(vm); }

static pts_status op_append(pk_vm *vm)
{
    PTS_TRY(need_values(vm, 2));
    pts_value lv = *top(vm, 1);
    if (lv.tag != PTS_T_LIST) {
        char d[120];
        pts_pk_describe(lv, d, sizeof d);
        return pts_pk_err(PTS_ERR_LOAD, "target is %s, expected a List", d);
    }
    PTS_TRY(pts_pk_check_mutable(lv.u.o, "List"));
    return list_extend(vm, lv, vm->sp - 1);
}

static pts_status op_appends(pk_vm *vm)
{
    size_t start = 0;
    pts_value *lv = NULL;
    PTS_TRY(pop_mark_target(vm, PTS_T_LIST, &start, &lv));
    return list_extend(vm, *lv, start);
}

static pts_status op_list(pk_vm *vm)
{
    size_t start = 0;
    PTS_TRY(pop_mark(vm, &start));
    PTS_TRY(push_new_list(vm));
    /* the new list sits on top; move it below the marked values */
    pts_value lv = pop(vm);
    pts_status st = list_extend(vm, lv, start);
    if (st) {
        pts_value_release(lv);
        return st;
    }
    return push(vm, lv);
}

static pts_status op_empty_dict(pk_vm *vm)
{
    pts_dict *d = pts_dict_new(NULL, NULL);
    if (!d)
        return PTS_ERR_NOMEM;
    return push_container(vm, &d->hdr);
}

static pts_status op_dict(pk_vm *vm)
{
    size_t start = 0;
    PTS_TRY(pop_mark(vm, &start));
    PTS_TRY(op_empty_dict(vm));
    pts_value dv = pop(vm);
    pts_status st = dict_update(vm, dv, start);
    if (st) {
        pts_value_release(dv);
        return st;
    }
    return push(vm, dv);
}

static pts_status op_setitem(pk_vm *vm)
{
    PTS_TRY(need_values(vm, 3));
    pts_value dv = *top(vm, 2);
    if (dv.tag != PTS_T_DICT) {
        char d[120];
        pts_pk_describe(dv, d, sizeof d);
        return pts_pk_err(PTS_ERR_LOAD, "target is %s, expected a Dict", d);
    }
    PTS_TRY(pts_pk_check_mutable(dv.u.o, "Dict"));
    return dict_update(vm, dv, vm->sp - 2);
}

static pts_status op_setitems(pk_vm *vm)
{
    size_t start = 0;
    pts_value *dv = NULL;
    PTS_TRY(pop_mark_target(vm, PTS_T_DICT, &start, &dv));
    return dict_update(vm, *dv, start);
}

/* ---- memo ops ---------------------------------------------------------------------------- */

static pts_status op_binget(pk_vm *vm)
{
    uint64_t i = 0;
    PTS_TRY(read_le(vm, 1, &i));
    return memo_get(vm, i);
}

static pts_status op_long_binget(pk_vm *vm)
{
    uint64_t i = 0;
    PTS_TRY(read_le(vm, 4, &i));
    return memo_get(vm, i);
}

static pts_status op_binput(pk_vm *vm)
{
    uint64_t i = 0;
    PTS_TRY(read_le(vm, 1, &i));
    return memo_put(vm, i);
}

static pts_status op_long_binput(pk_vm *vm)
{
    uint64_t i = 0;
    PTS_TRY(read_le(vm, 4, &i));
    return memo_put(vm, i);
}

static pts_status op_memoize(pk_vm *vm) { return memo_put(vm, vm->memo_len); }

/* ---- globals and calls (the work is in globals.c) -------------------------------------------- */

static pts_status op_global(pk_vm *vm)
{
    const char *m = NULL, *n = NULL;
    size_t ml = 0, nl = 0;
    pts_value v = pts_none();
    PTS_TRY(read_line(vm, 1024, &m, &ml));
    PTS_TRY(read_line(vm, 1024, &n, &nl));
    PTS_TRY(pts_pk_resolve_global(vm, m, ml, n, nl, &v));
    return push(vm, v);
}

static pts_status op_stack_global(pk_vm *vm)
{
    PTS_TRY(need_values(vm, 2));
    pts_value mv = *top(vm, 1), nv = *top(vm, 0), v = pts_none();
    if (mv.tag != PTS_T_STR || nv.tag != PTS_T_STR)
        return pts_pk_err(PTS_ERR_LOAD, "module and name must be strings");
    PTS_TRY(pts_pk_resolve_global(vm, PTS_STR(mv)->data, (size_t)PTS_STR(mv)->len, PTS_STR(nv)->data,
                                  (size_t)PTS_STR(nv)->len, &v));
    drop_to(vm, vm->sp - 2);
    return push(vm, v);
}

typedef pts_status (*call_fn)(pk_vm *vm, pts_value f, pts_value arg, pts_value *out);

/* stack: ... f arg  ->  ... fn(f, arg) */
static pts_status call2(pk_vm *vm, call_fn fn)
{
    pts_value r = pts_none();
    PTS_TRY(need_values(vm, 2));
    PTS_TRY(fn(vm, *top(vm, 1), *top(vm, 0), &r));
    drop_to(vm, vm->sp - 2);
    return push(vm, r);
}

static pts_status op_newobj(pk_vm *vm) { return call2(vm, pts_pk_newobj); }
static pts_status op_reduce(pk_vm *vm) { return call2(vm, pts_pk_reduce); }

static pts_status op_build(pk_vm *vm)
{
    PTS_TRY(need_values(vm, 2));
    PTS_TRY(pts_pk_build(vm, *top(vm, 1), *top(vm, 0)));
    drop_to(vm, vm->sp - 1);
    return PTS_OK;
}

static pts_status op_binpersid(pk_vm *vm)
{
    pts_value r = pts_none();
    PTS_TRY(need_values(vm, 1));
    PTS_TRY(pts_pk_persid(vm, *top(vm, 0), &r));
    drop_to(vm, vm->sp - 1);
    return push(vm, r);
}

/* ---- the loop ------------------------------------------------------------------------------- */

static const char *where_of(const pk_vm *vm) { return vm->env->where ? vm->env->where : "pickle"; }

static pts_status run(pk_vm *vm)
{
    while (!vm->stopped) {
        vm->op_pos = vm->pos;
        if (vm->pos >= vm->len)
            return pts_err_set(PTS_ERR_LOAD, "%s: offset %zu: unexpected end of data (no STOP opcode)",
                               where_of(vm), vm->pos);
        uint8_t op = vm->data[vm->pos++];
        vm->nops++;
        if (vm->op_pos == 0 && op != 0x80)
            return pts_err_set(PTS_ERR_LOAD, "%s: offset 0: not a pickle (expected PROTO 2, found byte 0x%02x)",
                               where_of(vm), op);
        if (!optab[op].fn)
            return pts_err_set(PTS_ERR_LOAD, "%s: offset %zu: unknown opcode 0x%02x", where_of(vm), vm->op_pos, op);
        pts_status st = optab[op].fn(vm);
        if (st)
            return pts_err_context(st, "%s: offset %zu: %s", where_of(vm), vm->op_pos, optab[op].name);
    }
    return PTS_OK;
}

static void vm_free(pk_vm *vm)
{
    drop_to(vm, 0);
    for (size_t i = 0; i < vm->memo_len; i++)
        pts_value_release(vm->memo[i]);
    pts_value_release(vm->result);
    for (size_t i = 0; i < vm->nmade; i++) { /* flags back to 0 first: they go away below */
        vm->made[i]->flags = 0;
    }
    for (size_t i = vm->nmade; i > 0; i--)
        pts_obj_release(vm->made[i - 1]);
    pts_free(vm->stack);
    pts_free(vm->marks);
    pts_free(vm->memo);
    pts_free(vm->made);
}

pts_status pts_unpickle(const uint8_t *data, size_t len, const pts_unpickle_env *env, pts_value *out)
{
    pk_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.data = data;
    vm.len = data ? len : 0;
    vm.env = env;
    vm.max_depth = env->max_depth > 0 ? env->max_depth : 1000;
    if (vm.max_depth > PK_MAX_DEPTH)
        vm.max_depth = PK_MAX_DEPTH;
    vm.result = pts_none();
    *out = pts_none();
    pts_status st = run(&vm);
    if (!st && env->file_version <= 2) {
        st = pts_pk_retag(&vm, vm.result);
        if (st)
            pts_err_context(st, "%s: restoring list/dict types", where_of(&vm));
    }
    if (!st) {
        *out = vm.result;
        vm.result = pts_none();
    }
    vm_free(&vm);
    return st;
}
