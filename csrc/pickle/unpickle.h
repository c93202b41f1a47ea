/* unpickle.h - the pickle reader for data.pkl / constants.pkl.
 *
 * Second stage of the pipeline: container/ hands the bytes of a pickle
 * record here; this module runs a small stack machine over them (protocol 2,
 * the opcodes torch's pickler writes plus a few compatibility ones) and
 * builds pyts values: scalars, strings, lists, dicts, tuples, tensors over
 * storages, module/class objects, enums, devices.
 *
 * The input is untrusted.  Nothing in a pickle is ever executed: GLOBAL
 * names are looked up in a fixed allow-list (torch's tensor/list/device
 * helpers) or, for `__torch__.*`, resolved by the caller into a class of the
 * archive's own code.  Every length, count, memo index and nesting depth is
 * checked; every failure is a status with a message
 * "<where>: offset <N>: <OPCODE>: <what>", never an abort.
 *
 * Callbacks connect the reader to the rest of the loader (storage records,
 * class lookup, __setstate__, enum members).  A callback reports failure by
 * returning a status with the message recorded (pts_err_set); the
 * unpickler prefixes it with the place in the pickle.
 */
#ifndef PTS_PICKLE_UNPICKLE_H
#define PTS_PICKLE_UNPICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "tensor/tensor.h"
#include "value/class.h"
#include "value/value.h"

typedef struct pts_unpickle_env {
    void *ctx;             /* passed to every callback */
    const char *where;     /* prefix of every error message, e.g. "resnet.pt: data.pkl" (may be NULL) */
    int64_t file_version;  /* archive version; <= 2: no restore_type_tag in the pickle, so list and
                            * dict types are restored afterwards from the root object's attribute
                            * types (as libtorch does) */
    int max_depth;         /* nesting limit for containers/objects: 0 = default 1000; at most 4000 */

    /* BINPERSID ('storage', dtype, key, location, numel): the bytes of record <dir>/<key>.
     * dtype is a pts_dtype code with a known itemsize; key is NUL-free and non-empty; numel >= 0 and
     * numel * itemsize does not overflow.  On success *out is a NEW reference to a storage of at
     * least numel * itemsize bytes.  The pickle itself memoizes storages (BINPUT/BINGET), so this is
     * called once per distinct storage of a well-formed pickle. */
    pts_status (*load_storage)(void *ctx, int dtype, const char *key, int64_t numel, pts_storage **out);

    /* GLOBAL '__torch__.<path> <Name>': resolve the class "__torch__.<path>.<Name>".  *out is
     * borrowed (the unit owns classes) and must stay valid for the whole unpickle. */
    pts_status (*get_class)(void *ctx, const char *qualname, pts_class **out);

    /* BUILD on an object whose class has a method "__setstate__": `obj` is fresh (all slots
     * uninitialized, borrowed), `state` is whatever the pickle holds (borrowed).  Must fill obj. */
    pts_status (*set_state)(void *ctx, pts_object *obj, pts_value state);

    /* Enum member: GLOBAL <enum class>, value, REDUCE.  `cls` has kind PTS_CLS_ENUM, `value` is
     * an int, float or str (borrowed).  *out: NEW reference to the member (any value that is not
     * a list, dict, tuple, object, storage or opaque; pts_enum is the natural choice). */
    pts_status (*make_enum)(void *ctx, pts_class *cls, pts_value value, pts_value *out);
} pts_unpickle_env;

/* Unpickle `len` bytes at `data`.  On success *out is a NEW reference to the value STOP
 * returned (for data.pkl the root module object, for constants.pkl a tuple).  On failure *out
 * is None and everything built so far has been released.  `data` and `env` are borrowed.
 *
 * Value notes:
 *  - Tensors are pts_tensor views over the storages load_storage returned; two tensors over
 *    the same pickled storage share one pts_storage, and a tensor fetched twice from the memo
 *    is the same pts_tensor.  The unpickler records the dtype a storage was loaded with in
 *    storage->hdr.flags as dtype + 1 (PTS_UNPICKLE_STORAGE_DTYPE); a storage returned twice
 *    by load_storage with two different dtypes is an error.
 *  - Lists from build_intlist/... and restore_type_tag carry their element type, dicts their
 *    key and value types; other lists/dicts have NULL types (Any).
 *  - Objects built from a state dict have every attribute slot set (a missing or unknown
 *    attribute is an error).  `collections.OrderedDict()` (tensor backward hooks) is None.
 *  - While unpickling, hdr.flags of the lists, dicts, tuples and objects the unpickler creates
 *    hold its bookkeeping (nesting height, "inside another container", ...); they are 0 again
 *    when pts_unpickle returns.  A container is immutable once it is inside another one, so
 *    the result never has cycles and its nesting depth is at most max_depth.
 *
 * Status: PTS_ERR_LOAD for malformed pickles and forbidden globals, PTS_ERR_UNSUPPORTED for
 * quantized/sparse tensors and conj/neg tensor bits, PTS_ERR_LIMIT for nesting deeper than
 * max_depth, PTS_ERR_NOMEM, or whatever a callback returned. */
PTS_NODISCARD pts_status pts_unpickle(const uint8_t *data, size_t len, const pts_unpickle_env *env, pts_value *out);

#define PTS_UNPICKLE_STORAGE_DTYPE(s) ((int)(s)->hdr.flags - 1)

/* Parse a device string as torch.device does: "cpu", "cuda", "cuda:1", "meta", "mps", ...
 * (c10 DeviceType names; index -1 when absent).  PTS_ERR_VALUE with a message on anything
 * else.  (Also needed by the interpreter for torch.device("...").) */
PTS_NODISCARD pts_status pts_device_parse(const char *s, size_t n, pts_device *out);

#endif
