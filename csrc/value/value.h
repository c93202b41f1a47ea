/* value.h - the tagged value and the refcounted heap objects under it.
 *
 * One pts_value holds anything TorchScript can hold: None, bool, int (int64),
 * float (double), complex, str, Tensor, List, Tuple, Dict, Object (module or
 * class instance), Device, enum member, future, function, type, and the
 * "uninitialized" placeholder.  Scalars live inline; everything else is a
 * pts_obj with an atomic refcount and a destroy function.
 *
 * Ownership rules, everywhere in pyts:
 *  - a function documented "returns a new reference" hands the caller one
 *    reference, to be released with pts_value_release / pts_obj_release;
 *  - "borrows" means the callee neither keeps nor releases the reference;
 *  - "steals" means the callee takes over the caller's reference (also on
 *    failure, unless documented otherwise).
 */
#ifndef PTS_VALUE_VALUE_H
#define PTS_VALUE_VALUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum pts_tag {
    PTS_T_NONE = 0,
    PTS_T_BOOL,
    PTS_T_INT,
    PTS_T_FLOAT,
    PTS_T_COMPLEX,
    PTS_T_DEVICE,   /* inline: u.dev */
    PTS_T_UNINIT,   /* uninitialized(T) placeholder */
    /* heap objects from here on (u.o) */
    PTS_T_STR,
    PTS_T_TENSOR,
    PTS_T_STORAGE,  /* only inside the unpickler */
    PTS_T_LIST,
    PTS_T_TUPLE,
    PTS_T_DICT,
    PTS_T_OBJECT,   /* module / class instance */
    PTS_T_ENUM,     /* enum member */
    PTS_T_FUTURE,
    PTS_T_FUNC,     /* function / method reference (interp) */
    PTS_T_TYPE,     /* a type used as a value (isinstance, annotate, Cls) */
    PTS_T_OPAQUE    /* anything else owned by a module (pickle globals...) */
} pts_tag;

#define PTS_TAG_IS_HEAP(t) ((t) >= PTS_T_STR)

/* Device: type 0 = cpu, 1 = cuda, 2 = mkldnn, ... (c10 DeviceType); index -1 = none. */
typedef struct pts_device {
    int16_t type;
    int16_t index;
} pts_device;

typedef struct pts_obj pts_obj;
typedef void (*pts_destroy_fn)(pts_obj *o);

struct pts_obj {
    atomic_long refcnt;
    pts_destroy_fn destroy; /* frees the object itself too */
    uint16_t tag;           /* the pts_tag of values pointing here */
    uint16_t flags;
    atomic_uint sync;       /* PTS_SYNC_LOCK | PTS_SYNC_SHARED (see "sharing" below) */
};

typedef struct pts_value {
    uint32_t tag;
    union {
        bool b;
        int64_t i;
        double f;
        double c[2]; /* complex: re, im */
        pts_device dev;
        pts_obj *o;
    } u;
} pts_value;

/* Construct inline values. */
static inline pts_value pts_none(void) { pts_value v; v.tag = PTS_T_NONE; v.u.i = 0; return v; }
static inline pts_value pts_bool(bool b) { pts_value v; v.tag = PTS_T_BOOL; v.u.i = 0; v.u.b = b; return v; }
static inline pts_value pts_int(int64_t i) { pts_value v; v.tag = PTS_T_INT; v.u.i = i; return v; }
static inline pts_value pts_float(double f) { pts_value v; v.tag = PTS_T_FLOAT; v.u.f = f; return v; }
static inline pts_value pts_complex(double re, double im) { pts_value v; v.tag = PTS_T_COMPLEX; v.u.c[0] = re; v.u.c[1] = im; return v; }
static inline pts_value pts_device_value(int type, int index) { pts_value v; v.tag = PTS_T_DEVICE; v.u.i = 0; v.u.dev.type = (int16_t)type; v.u.dev.index = (int16_t)index; return v; }
static inline pts_value pts_uninit(void) { pts_value v; v.tag = PTS_T_UNINIT; v.u.i = 0; return v; }
/* Wrap a heap object; steals the reference. */
static inline pts_value pts_obj_value(pts_obj *o) { pts_value v; v.tag = o->tag; v.u.o = o; return v; }

void pts_obj_init(pts_obj *o, pts_tag tag, pts_destroy_fn destroy);
static inline void pts_obj_retain(pts_obj *o) { atomic_fetch_add_explicit(&o->refcnt, 1, memory_order_relaxed); }
void pts_obj_release(pts_obj *o); /* NULL-safe */

static inline pts_value pts_value_retain(pts_value v)
{
    if (PTS_TAG_IS_HEAP(v.tag))
        pts_obj_retain(v.u.o);
    return v;
}
static inline void pts_value_release(pts_value v)
{
    if (PTS_TAG_IS_HEAP(v.tag))
        pts_obj_release(v.u.o);
}
/* Release *v and set it to None. */
static inline void pts_value_clear(pts_value *v)
{
    pts_value old = *v;
    *v = pts_none();
    pts_value_release(old);
}

const char *pts_tag_name(pts_tag t);

/* ---- sharing between threads ----------------------------------------------
 * Lists, dicts and object slots are the mutable state several threads can
 * reach at once (docs/architecture.md, Threads).  Rules:
 *  - an object's slots are read (and retained) and swapped only under the
 *    object's lock (pts_object_get_slot / pts_object_swap_slot);
 *  - a list, dict or tuple reachable from an object slot or from another
 *    shared container carries PTS_SYNC_SHARED (set by pts_value_share before
 *    it becomes reachable: at the end of a load, on SETATTR, and on every
 *    op call that gets a shared container); a shared list or dict is read or
 *    mutated only under its lock (pts_interp_call_op holds the locks of its
 *    shared container arguments while the kernel runs; the VM's own list and
 *    dict paths and the Python / C API lock them likewise);
 *  - an unshared container is reachable from one thread only: no locking.
 * A lock is a spin-then-yield bit in the header, held for pointer moves and
 * one kernel at most, never while waiting for another lock (except several
 * op arguments, taken in address order). */
#define PTS_SYNC_LOCK 1u
#define PTS_SYNC_SHARED 2u
void pts_obj_lock(pts_obj *o);
bool pts_obj_trylock(pts_obj *o);
static inline void pts_obj_unlock(pts_obj *o) { atomic_fetch_and_explicit(&o->sync, ~PTS_SYNC_LOCK, memory_order_release); }
static inline bool pts_obj_is_shared(pts_obj *o)
{
    return (atomic_load_explicit(&o->sync, memory_order_acquire) & PTS_SYNC_SHARED) != 0;
}
/* Is v a list or dict that carries PTS_SYNC_SHARED (the containers that lock)? */
static inline bool pts_value_is_shared_container(pts_value v)
{
    return (v.tag == PTS_T_LIST || v.tag == PTS_T_DICT) && pts_obj_is_shared(v.u.o);
}
/* Lock v if it is a shared list or dict; returns whether it locked (pass the
 * answer to pts_value_unlock_if). */
static inline bool pts_value_lock_if_shared(pts_value v)
{
    if (!pts_value_is_shared_container(v))
        return false;
    pts_obj_lock(v.u.o);
    return true;
}
static inline void pts_value_unlock_if(pts_value v, bool locked)
{
    if (locked)
        pts_obj_unlock(v.u.o);
}
/* Mark v and every list, dict, tuple and object reachable from it shared
 * (stops at what is already shared).  Borrows v. */
void pts_value_share(pts_value v);

/* ---- str ---------------------------------------------------------------- */
typedef struct pts_str {
    pts_obj hdr;
    int64_t len;
    uint64_t hash; /* 0 = not computed yet */
    char data[];   /* NUL-terminated UTF-8 */
} pts_str;

/* Return a new reference, or NULL with PTS_ERR_NOMEM recorded. */
pts_str *pts_str_new(const char *s, size_t n);
pts_str *pts_str_from_cstr(const char *s);
PTS_NODISCARD pts_status pts_value_str(const char *s, size_t n, pts_value *out); /* out: new ref */
uint64_t pts_str_hash(pts_str *s);
#define PTS_STR(v) ((pts_str *)(v).u.o)

/* ---- tuple -------------------------------------------------------------- */
typedef struct pts_tuple {
    pts_obj hdr;
    int64_t len;
    struct pts_type *type; /* NULL, or a NamedTuple class type (owned ref) */
    pts_value items[];     /* owned */
} pts_tuple;

/* New tuple with `len` None items. */
pts_tuple *pts_tuple_new(int64_t len);
#define PTS_TUPLE(v) ((pts_tuple *)(v).u.o)

/* ---- list --------------------------------------------------------------- */
typedef struct pts_list {
    pts_obj hdr;
    struct pts_type *elem; /* element type (owned ref), NULL = unknown/Any */
    int64_t len, cap;
    pts_value *items; /* owned */
} pts_list;

pts_list *pts_list_new(struct pts_type *elem /* borrowed, retained */, int64_t cap);
/* Steals v (released on failure too). */
PTS_NODISCARD pts_status pts_list_append(pts_list *l, pts_value v);
#define PTS_LIST(v) ((pts_list *)(v).u.o)

/* ---- dict (insertion ordered) -------------------------------------------- */
typedef struct pts_dict_entry {
    pts_value key, val;
    uint64_t hash;
    bool live;
} pts_dict_entry;

typedef struct pts_dict {
    pts_obj hdr;
    struct pts_type *key_type, *val_type; /* owned refs, may be NULL */
    int64_t len;          /* live entries */
    int64_t nentries, cap; /* entries used (incl. deleted) / allocated */
    pts_dict_entry *entries;
    int64_t *index; /* open addressing: entry index + 1, 0 = empty, -1 = tombstone */
    int64_t index_cap;
} pts_dict;

pts_dict *pts_dict_new(struct pts_type *key_type, struct pts_type *val_type);
/* Keys: str, int, bool, float, complex, Tensor (by identity), None, device.
 * set steals key and val. */
PTS_NODISCARD pts_status pts_dict_set(pts_dict *d, pts_value key, pts_value val);
/* Borrowed pointer to the stored value or NULL. */
pts_value *pts_dict_get(pts_dict *d, pts_value key);
pts_value *pts_dict_get_str(pts_dict *d, const char *key);
/* Remove; *out receives the value (new ref) if out != NULL. Returns 1 if found. */
int pts_dict_remove(pts_dict *d, pts_value key, pts_value *out);
#define PTS_DICT(v) ((pts_dict *)(v).u.o)
/* Iterate live entries: for (i = 0; i < d->nentries; i++) if (d->entries[i].live) ... */

/* ---- object (module / class instance) ------------------------------------ */
typedef struct pts_object {
    pts_obj hdr;
    struct pts_class *cls; /* the class keeps its compilation unit alive */
    int64_t nslots;
    pts_value slots[]; /* owned; PTS_T_UNINIT until set */
} pts_object;

/* New object of `cls` (all slots uninit); retains the class's unit. */
pts_object *pts_object_new(struct pts_class *cls);
/* Slot i under the object's lock: *out receives a new reference (the
 * PTS_T_UNINIT placeholder when unset).  i must be in range. */
void pts_object_get_slot(pts_object *o, int64_t i, pts_value *out);
/* Store v (stolen) in slot i under the object's lock and release the old value
 * after unlocking; v is shared first when the object is.  i must be in range. */
void pts_object_swap_slot(pts_object *o, int64_t i, pts_value v);
#define PTS_OBJECT(v) ((pts_object *)(v).u.o)

/* ---- enum member --------------------------------------------------------- */
typedef struct pts_enum {
    pts_obj hdr;
    struct pts_class *cls;
    pts_str *name;
    pts_value value;
} pts_enum;

/* ---- opaque (owned blob with a destroy callback) -------------------------- */
typedef struct pts_opaque {
    pts_obj hdr;
    int kind;   /* user-defined discriminator */
    void *ptr;
    void (*free_ptr)(void *ptr);
} pts_opaque;
pts_opaque *pts_opaque_new(int kind, void *ptr, void (*free_ptr)(void *));

/* ---- helpers -------------------------------------------------------------- */
/* Structural equality for hashable values (dict keys, ==): str, ints, floats,
 * bools, None, device; tensors and other objects by identity. */
bool pts_value_key_equal(pts_value a, pts_value b);
uint64_t pts_value_hash(pts_value v);

/* pts_value_describe (a value for error messages) is declared in
 * tensor/tensor.h: describing a Tensor needs its dtype and sizes. */

#endif
