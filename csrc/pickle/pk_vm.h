/* pk_vm.h - internals shared by the files of the unpickler (not public).
 *
 * unpickle.c   the machine: input cursor, stack, marks, memo, opcode handlers
 * globals.c    the GLOBAL allow-list and what REDUCE / NEWOBJ / BUILD /
 *              BINPERSID do with the callables it yields (tensors, typed
 *              lists, devices, objects, enums)
 * retag.c      list/dict type restoration for archives of version <= 2
 *
 * Bookkeeping bits: every list, dict, tuple and object the machine creates is
 * registered in vm->made (one reference held until the end) and carries, in
 * hdr.flags, its nesting height and the bits below.  pts_unpickle clears the
 * flags before it returns.
 */
#ifndef PTS_PICKLE_PK_VM_H
#define PTS_PICKLE_PK_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pickle/unpickle.h"

#define PK_HEIGHT_MASK 0x0fffu /* 1 + deepest child; 0 for leaves */
#define PK_F_CONTAINED 0x1000u /* inside another container: immutable from now on */
#define PK_F_INTERNAL 0x2000u  /* (tuples) holds a storage or callable, maybe deep inside */
#define PK_F_BUILT 0x4000u     /* (objects) BUILD already applied */
#define PK_MAX_DEPTH 4000

/* What a GLOBAL may yield as a callable (the opaque's kind). */
typedef enum pk_gkind {
    PK_G_CLASS = 0x504b00, /* __torch__ class or enum; ptr = pts_class */
    PK_G_REBUILD_TENSOR,
    PK_G_REBUILD_PARAMETER,
    PK_G_ORDERED_DICT,
    PK_G_DEVICE,
    PK_G_COMPLEX,
    PK_G_INTLIST,
    PK_G_DOUBLELIST,
    PK_G_BOOLLIST,
    PK_G_TENSORLIST,
    PK_G_COMPLEXLIST,
    PK_G_TYPE_TAG,
} pk_gkind;

typedef struct pk_vm {
    const uint8_t *data;
    size_t len, pos; /* pos: next unread byte */
    size_t op_pos;   /* offset of the opcode being run */
    const pts_unpickle_env *env;
    int max_depth;
    int64_t nops; /* opcodes run so far */
    pts_value *stack;
    size_t sp, stack_cap;
    size_t *marks;
    size_t nmarks, marks_cap;
    pts_value *memo; /* unset entries are PTS_T_UNINIT */
    size_t memo_len, memo_cap;
    pts_obj **made; /* containers created (one reference each) */
    size_t nmade, made_cap;
    bool stopped;
    pts_value result;
} pk_vm;

/* Record an error message (the caller's loop adds "<where>: offset N: OP: "). */
PTS_NODISCARD pts_status pts_pk_err(pts_status st, const char *fmt, ...) PTS_PRINTF(2, 3);

/* Register a container the machine just created (retains it). */
PTS_NODISCARD pts_status pts_pk_track(pk_vm *vm, pts_obj *o);
/* Nesting height of a value (0 for leaves and foreign objects). */
unsigned pts_pk_height(pts_value v);
/* Is v a storage, a GLOBAL callable or a tuple holding one? (not allowed in results) */
bool pts_pk_is_internal(pts_value v);
/* A value goes into a list/dict/object/enum: reject internal values, mark it contained. */
PTS_NODISCARD pts_status pts_pk_adopt(pk_vm *vm, pts_value v, const char *into);
/* Set a container's height (error PTS_ERR_LIMIT above vm->max_depth). */
PTS_NODISCARD pts_status pts_pk_set_height(pk_vm *vm, pts_obj *o, unsigned h);
/* May container o still be modified? (error naming `op` if not) */
PTS_NODISCARD pts_status pts_pk_check_mutable(pts_obj *o, const char *what);
/* Describe a value for messages. */
void pts_pk_describe(pts_value v, char *buf, size_t cap);

/* globals.c */
PTS_NODISCARD pts_status pts_pk_resolve_global(pk_vm *vm, const char *module, size_t mlen, const char *name, size_t nlen,
                                 pts_value *out);
PTS_NODISCARD pts_status pts_pk_reduce(pk_vm *vm, pts_value callable, pts_value arg, pts_value *out);
PTS_NODISCARD pts_status pts_pk_newobj(pk_vm *vm, pts_value callable, pts_value args, pts_value *out);
PTS_NODISCARD pts_status pts_pk_build(pk_vm *vm, pts_value obj, pts_value state);
PTS_NODISCARD pts_status pts_pk_persid(pk_vm *vm, pts_value pid, pts_value *out);
/* Is v a GLOBAL callable made by globals.c?  Sets *kind. */
bool pts_pk_is_callable(pts_value v, pk_gkind *kind);

/* retag.c */
PTS_NODISCARD pts_status pts_pk_retag(pk_vm *vm, pts_value root);

#endif
