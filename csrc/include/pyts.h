/* pyts.h - the public C API of pyts, a TorchScript runtime written in C.
 *
 * Load a .pt archive written by torch.jit.save, walk its module tree, read
 * its tensors and run its methods - without libtorch.  A .pt2 archive written
 * by torch.export.save loads through the same pyts_load and runs as "forward"
 * (docs/pt2.md); its root value is None.
 *
 *     pyts_module *m;
 *     if (pyts_load("traced_resnet_model.pt", &m) != PYTS_OK) {
 *         fprintf(stderr, "%s\n", pyts_errmsg());
 *         return 1;
 *     }
 *     ...
 *     pyts_module_free(m);
 *
 * Conventions (SQLite-style):
 *  - every handle is opaque and has a constructor/destructor pair;
 *  - functions return a status (PYTS_OK = 0) and record a message that
 *    pyts_errmsg() returns for the calling thread until its next error;
 *  - strings returned by the library are owned by the library: they stay
 *    valid while the handle they came from lives;
 *  - a pyts_value* returned through an out-parameter is owned by the caller
 *    and freed with pyts_value_free; "borrowed" results are not freed.
 * Nothing in the library aborts or exits on bad input.
 */
#ifndef PYTS_H
#define PYTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define PYTS_API
#else
#define PYTS_API __attribute__((visibility("default")))
#endif

#define PYTS_VERSION_STRING "0.1.0"

/* Status codes (same numbers as the engine's pts_status). */
enum {
    PYTS_OK = 0,
    PYTS_ERR_LOAD = 1,        /* malformed or unsupported archive */
    PYTS_ERR_NOMEM = 2,       /* out of memory or over the memory limit */
    PYTS_ERR_UNSUPPORTED = 3, /* an operator or construct pyts lacks */
    PYTS_ERR_SCRIPT = 4,      /* the model raised */
    PYTS_ERR_TYPE = 5,        /* wrong argument types or count */
    PYTS_ERR_VALUE = 6,
    PYTS_ERR_INDEX = 7,
    PYTS_ERR_KEY = 8,
    PYTS_ERR_LIMIT = 9,
    PYTS_ERR_IO = 10,
    PYTS_ERR_INTERNAL = 11,
    PYTS_ERR_INTERRUPTED = 12 /* stopped by pyts_interrupt() */
};

/* Value kinds. */
typedef enum pyts_kind {
    PYTS_NONE = 0,
    PYTS_BOOL,
    PYTS_INT,
    PYTS_FLOAT,
    PYTS_COMPLEX,
    PYTS_DEVICE,
    PYTS_UNINIT,
    PYTS_STR,
    PYTS_TENSOR,
    PYTS_STORAGE,
    PYTS_LIST,
    PYTS_TUPLE,
    PYTS_DICT,
    PYTS_OBJECT,
    PYTS_ENUM,
    PYTS_OTHER
} pyts_kind;

/* dtype codes are torch's ScalarType numbers. */
enum {
    PYTS_UINT8 = 0, PYTS_INT8 = 1, PYTS_INT16 = 2, PYTS_INT32 = 3, PYTS_INT64 = 4,
    PYTS_FLOAT16 = 5, PYTS_FLOAT32 = 6, PYTS_FLOAT64 = 7, PYTS_BOOL_DTYPE = 11, PYTS_BFLOAT16 = 15
};

typedef struct pyts_module pyts_module; /* a loaded archive */
typedef struct pyts_value pyts_value;   /* one TorchScript value (owned handle) */

PYTS_API const char *pyts_version(void);
/* The calling thread's last error message ("" if none). Borrowed. */
PYTS_API const char *pyts_errmsg(void);

/* ---- loading ------------------------------------------------------------------ */
/* pyts_load and pyts_load_buffer run the planning pass (BatchNorm folded
 * into the convolution before it, ReLU / ReLU6 fused into its epilogue;
 * docs/performance.md); pyts_load_flags(path, PYTS_LOAD_NO_OPTIMIZE, &m)
 * runs the code op by op as written. */
PYTS_API int pyts_load(const char *path, pyts_module **out);
PYTS_API int pyts_load_buffer(const void *data, size_t len, pyts_module **out);
enum { PYTS_LOAD_NO_OPTIMIZE = 1 };
PYTS_API int pyts_load_flags(const char *path, int flags, pyts_module **out);
/* What the planning pass did: BatchNorms folded, activations fused; returns
 * 1 if it ran, 0 if the module was loaded with PYTS_LOAD_NO_OPTIMIZE. */
PYTS_API int pyts_module_plan_stats(const pyts_module *m, int *bn_folded, int *act_fused);
PYTS_API void pyts_module_free(pyts_module *m);
PYTS_API int64_t pyts_module_file_version(const pyts_module *m);
/* The root module object; new handle (free with pyts_value_free). */
PYTS_API int pyts_module_root(pyts_module *m, pyts_value **out);
/* Extra files: count, and name/bytes of file i (borrowed). */
PYTS_API int pyts_module_extra_count(const pyts_module *m);
PYTS_API int pyts_module_extra_file(const pyts_module *m, int i, const char **name, const void **data, size_t *len);
/* Operators the archive's code calls that torch has and pyts lacks.  Loading
 * does not fail on them (torch loads such files): a call that reaches one
 * fails with PYTS_ERR_UNSUPPORTED naming the op and its code/ line.  Count,
 * and entry i: op ("aten::foo"), file ("code/__torch__/x.py"), line - one per
 * distinct op and calling line; strings borrowed (live as long as m);
 * PYTS_ERR_INDEX when i is out of range.  (An op torch does not know either
 * still fails the load, as in torch.) */
PYTS_API int pyts_module_unsupported_count(const pyts_module *m);
PYTS_API int pyts_module_unsupported_op(const pyts_module *m, int i, const char **op, const char **file, int *line);

/* ---- running ------------------------------------------------------------------- */
/* Run method `name` of the root module with nargs inputs (borrowed).  *out is
 * a new handle.  For a torch.export archive (.pt2, loaded by pyts_load too)
 * the program is "forward", taking its positional inputs as at export. */
PYTS_API int pyts_module_run(pyts_module *m, const char *name, int nargs, pyts_value *const *args, pyts_value **out);
PYTS_API int pyts_set_num_threads(int n);
/* The default random generator (torch's CPU generator, bit for bit):
 * pyts_manual_seed(s) as torch.manual_seed(s) (a negative int64 seed is taken
 * as 2^64 + s, as torch does); pyts_initial_seed() the seed last set. */
PYTS_API void pyts_manual_seed(uint64_t seed);
PYTS_API uint64_t pyts_initial_seed(void);
/* Limits of runs.  Memory: bytes of tensor data plus every other allocation
 * (lists, dicts, strings, objects, code); 0 = none; over it a run fails with
 * PYTS_ERR_NOMEM.  Time: seconds per pyts_module_run (<= 0: none), for every
 * thread; pyts_set_thread_time_limit sets the calling thread's own (< 0: use
 * the process-wide one again; returns the previous setting).  Past it a run
 * fails with PYTS_ERR_LIMIT "time limit of ... exceeded".  The module stays
 * usable after either. */
PYTS_API void pyts_set_memory_limit(int64_t bytes);
PYTS_API void pyts_set_time_limit(double seconds);
PYTS_API double pyts_set_thread_time_limit(double seconds);
/* Stop every run in progress with PYTS_ERR_INTERRUPTED (within a few ms, or
 * after the op running at the time).  Async-signal-safe: call it from a
 * SIGINT handler. */
PYTS_API void pyts_interrupt(void);

/* ---- values -------------------------------------------------------------------- */
PYTS_API void pyts_value_free(pyts_value *v); /* NULL-safe */
PYTS_API pyts_kind pyts_value_kind(const pyts_value *v);
PYTS_API int64_t pyts_value_int(const pyts_value *v);      /* int / bool */
PYTS_API double pyts_value_float(const pyts_value *v);     /* float / int */
PYTS_API const char *pyts_value_str(const pyts_value *v);  /* str: borrowed UTF-8, else NULL */
/* List / tuple: length and item i (new handle). Dict: length, key/value i. */
PYTS_API int64_t pyts_value_len(const pyts_value *v);
PYTS_API int pyts_value_item(const pyts_value *v, int64_t i, pyts_value **out);
PYTS_API int pyts_value_dict_item(const pyts_value *v, int64_t i, pyts_value **key, pyts_value **val);
PYTS_API pyts_value *pyts_value_new_int(int64_t x);
PYTS_API pyts_value *pyts_value_new_float(double x);

/* Objects (modules, class instances). */
PYTS_API const char *pyts_object_class(const pyts_value *obj); /* qualified name, borrowed */
PYTS_API int pyts_object_attr_count(const pyts_value *obj);
/* Name of attribute i in slot order (borrowed) and flags: 1 = parameter, 2 = buffer, 4 = submodule. */
PYTS_API const char *pyts_object_attr_name(const pyts_value *obj, int i, int *flags);
PYTS_API int pyts_object_attr(const pyts_value *obj, const char *name, pyts_value **out);

/* Methods of an object's class: count and name i (borrowed). */
PYTS_API int pyts_object_method_count(const pyts_value *obj);
PYTS_API const char *pyts_object_method_name(const pyts_value *obj, int i);

/* Every operator the archive's code calls, once each at its first use:
 * fn(ud, "aten::conv2d", "code/__torch__/x.py", line) - strings borrowed for
 * the call only.  A nonzero return from fn stops the walk. */
typedef int (*pyts_op_fn)(void *ud, const char *op, const char *file, int line);
PYTS_API int pyts_module_called_ops(pyts_module *m, pyts_op_fn fn, void *ud);

/* Tensors. Sizes/strides are in elements; data points at element 0 and is
 * valid while the tensor handle lives. */
PYTS_API int pyts_tensor_dtype(const pyts_value *t);
PYTS_API const char *pyts_dtype_name(int dtype);
PYTS_API int pyts_tensor_itemsize(const pyts_value *t);
PYTS_API int pyts_tensor_ndim(const pyts_value *t);
PYTS_API const int64_t *pyts_tensor_sizes(const pyts_value *t);
PYTS_API const int64_t *pyts_tensor_strides(const pyts_value *t);
PYTS_API int64_t pyts_tensor_numel(const pyts_value *t);
PYTS_API void *pyts_tensor_data(const pyts_value *t);
/* New contiguous tensor; data (numel * itemsize bytes) is copied if not NULL, else zeroed. */
PYTS_API int pyts_tensor_new(int dtype, int ndim, const int64_t *sizes, const void *data, pyts_value **out);
/* A float32 tensor of ones (torch::ones). */
PYTS_API int pyts_tensor_ones(int ndim, const int64_t *sizes, pyts_value **out);

#ifdef __cplusplus
}
#endif
#endif
