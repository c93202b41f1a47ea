/* engine.h - the engine's front door: load an archive, look at what it holds,
 * run its methods, call one operator by name, list the operators, and the
 * thread and memory settings.  The public C API (api/, include/pyts.h) and
 * the Python extension (python/) stand on this header alone, plus value/ and
 * tensor/ for the values they convert (tools/check_includes.py keeps it so).
 *
 * Ownership as everywhere in the engine: "borrowed" results live as long as
 * the handle they came from; values written through *out are new references.
 */
#ifndef PTS_ENGINE_ENGINE_H
#define PTS_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "value/class.h"
#include "value/value.h"

/* A loaded archive (defined by load/loader.h; opaque here). */
typedef struct pts_loaded pts_loaded;

/* ---- loading -------------------------------------------------------------------- */

/* Load from a file path / a buffer (copied; name is for messages, NULL =
 * "<buffer>").  *out: owned by the caller, freed with pts_engine_free. */
PTS_NODISCARD pts_status pts_engine_load_file(const char *path, pts_loaded **out);
PTS_NODISCARD pts_status pts_engine_load_buffer(const void *data, size_t len, const char *name, pts_loaded **out);
void pts_engine_free(pts_loaded *l); /* NULL-safe */
/* The planning pass (interp/plan.c: BatchNorm folded into convolutions,
 * activations fused), once per loaded archive, before anything runs; a
 * second call does nothing.  Not calling it runs the code op by op as
 * written (load(..., optimize=False)). */
PTS_NODISCARD pts_status pts_engine_plan(pts_loaded *l);
/* What the plan did (all zero when it did not run); *planned: whether it ran. */
void pts_engine_plan_stats(const pts_loaded *l, bool *planned, int *bn_folded, int *act_fused, int *residual_fused,
                           int *bn_kept);

/* What the archive holds (all borrowed). */
pts_value pts_engine_root(const pts_loaded *l);   /* the root module object */
pts_cu *pts_engine_unit(const pts_loaded *l);      /* classes, constants, file version */
const char *pts_engine_path(const pts_loaded *l);  /* path or name it was loaded from */
const char *pts_engine_prefix(const pts_loaded *l); /* the archive's top folder */
int64_t pts_engine_record_count(const pts_loaded *l);
const char *pts_engine_record_name(const pts_loaded *l, int64_t i);
int pts_engine_extra_count(const pts_loaded *l);
/* Extra file i (name without "extra/", bytes); PTS_ERR_INDEX when out of range. */
PTS_NODISCARD pts_status pts_engine_extra_file(const pts_loaded *l, int i, const char **name, const void **data, size_t *len);

/* The call sites naming an operator torch has and pyts lacks, found when the
 * archive was loaded (the load succeeds; such a site raises
 * PTS_ERR_UNSUPPORTED when it runs).  One entry per distinct op and code/
 * line, in compile order; op ("aten::foo") and file ("code/__torch__/x.py")
 * borrowed; PTS_ERR_INDEX when i is out of range. */
int pts_engine_unsupported_count(const pts_loaded *l);
PTS_NODISCARD pts_status pts_engine_unsupported_op(const pts_loaded *l, int i, const char **op, const char **file,
                                                   int *line);

/* Every operator the archive's code calls, once each at its first use
 * (imports every code file first): fn(ud, "aten::conv2d", "code/x.py", line),
 * strings borrowed for the call.  A non-OK return from fn stops the walk and
 * is returned. */
typedef pts_status (*pts_engine_call_fn)(void *ud, const char *op, const char *file, int line);
PTS_NODISCARD pts_status pts_engine_called_ops(pts_loaded *l, pts_engine_call_fn fn, void *ud);

/* ---- running -------------------------------------------------------------------- */

/* Run method `name` of object `self` (borrowed) with positional and keyword
 * args (borrowed); "__call__" runs forward with the module's hooks.  *out:
 * new reference.  See interp/run.h for the errors. */
PTS_NODISCARD pts_status pts_engine_run_method(pts_value self, const char *name, int nargs, const pts_value *args, int nkw,
                                 const char *const *kwnames, const pts_value *kwargs, pts_value *out);

/* The debug trace of the calling thread (interp/run_api.h, pts_interp_set_trace):
 * fn(ud, op, attr, file, line, value) after every operator result and
 * attribute store; value borrowed; a non-zero return stops the run.  NULL
 * turns it off. */
typedef pts_status (*pts_engine_trace_fn)(void *ud, const char *op, const char *attr, const char *file, int line,
                                          pts_value v);
void pts_engine_set_trace(pts_engine_trace_fn fn, void *ud);

/* ---- torch.export programs (.pt2) ----------------------------------------------- */

/* Whether the archive is a torch.export program (a .pt2 file, told apart by
 * content); then pts_engine_root is None and the program runs through
 * pts_engine_run_program. */
bool pts_engine_is_program(const pts_loaded *l);
/* Run the program with positional and keyword args (borrowed), flattened by
 * its input spec; *out: new reference, the output rebuilt by its output spec.
 * PTS_ERR_TYPE when l holds no program. */
PTS_NODISCARD pts_status pts_engine_run_program(pts_loaded *l, int nargs, const pts_value *args, int nkw,
                                                const char *const *kwnames, const pts_value *kwargs, pts_value *out);
/* The program's parameters, buffers and tensor constants: *out a new
 * reference to a dict FQN -> Tensor (the tensors the program uses). */
PTS_NODISCARD pts_status pts_engine_program_state(const pts_loaded *l, pts_value *out);
/* Its JSON schema version and dialect ("TRAINING", "ATEN"; borrowed). */
void pts_engine_program_version(const pts_loaded *l, int *major, int *minor, const char **dialect);

/* ---- operators ------------------------------------------------------------------ */

/* Number of values operator `name` ("aten::add.Tensor", or "aten::relu" for
 * the default overload) returns; PTS_ERR_UNSUPPORTED when it is not
 * registered. */
PTS_NODISCARD pts_status pts_engine_op_returns(const char *name, int *nrets);
/* Call operator `name` with positional args and keyword args (borrowed),
 * filling defaults.  rets: the op's return count of new references. */
PTS_NODISCARD pts_status pts_engine_call_op(const char *name, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                              pts_value *kwvals, pts_value *rets);
/* Every registered op: count (*n) and schema string i (borrowed, lives for the process). */
PTS_NODISCARD pts_status pts_engine_op_count(int *n);
const char *pts_engine_op_schema(int i);
/* The overloads of a symbol ("aten::add") in the order call sites try them:
 * count (*n, 0 for an unknown symbol) and schema i (borrowed). */
PTS_NODISCARD pts_status pts_engine_overload_count(const char *name, int *n);
const char *pts_engine_overload_schema(const char *name, int i);

/* ---- profiler (interp/profile.h) -------------------------------------------------- */

/* Record every operator call the VM makes (all threads) until stop; start
 * clears earlier events.  PTS_ERR_VALUE when already recording. */
PTS_NODISCARD pts_status pts_engine_profile_start(void);
void pts_engine_profile_stop(void);
int64_t pts_engine_profile_count(void);
/* Event i: op ("aten::add"), overload ("Tensor" or ""), code file and line of
 * the call site, start (CLOCK_MONOTONIC ns), duration ns, calling thread id,
 * tensor shapes ("1x64,64->1x64").  Strings borrowed until the next start or
 * clear.  false when i is out of range. */
bool pts_engine_profile_event(int64_t i, const char **op, const char **overload, const char **file, int *line,
                              int64_t *start_ns, int64_t *dur_ns, uint64_t *thread, const char **shapes);
void pts_engine_profile_clear(void);

/* ---- settings ------------------------------------------------------------------- */

void pts_engine_set_num_threads(int n); /* n >= 1 */
/* Which path float32 convolutions take (benchmarks, tests): "auto" (the
 * default, or the environment's PYTS_CONV_KERNEL), "blas" (im2col + OpenBLAS)
 * or "own" (our micro-kernels); returns the previous name, NULL for an
 * unknown name (nothing changes). */
const char *pts_engine_set_conv_kernel(const char *name);
int pts_engine_get_num_threads(void);
/* The calling thread's grad mode, what torch.is_grad_enabled() returns to scripts
 * (models such as nn.TransformerEncoder take their fast path only with it off). */
void pts_engine_set_grad_enabled(bool on);
bool pts_engine_grad_enabled(void);
/* Cap on memory in bytes (0: no cap): tensor data and every other allocation
 * of the engine (lists, dicts, strings, objects, ...); over it, the allocation
 * fails with PTS_ERR_NOMEM. */
void pts_engine_set_memory_limit(int64_t bytes);
/* The default random generator, as torch's default CPU generator:
 * manual_seed(s) = torch.manual_seed(s) (s as uint64: a negative seed is
 * 2^64 + s); initial_seed() the seed it was last given (67280421310721 at start). */
void pts_engine_manual_seed(uint64_t seed);
uint64_t pts_engine_initial_seed(void);
/* Time limit of each outermost run in seconds (<= 0: none): process-wide, and
 * this thread's own (< 0: use the process-wide one; returns the previous).
 * Past it a run stops with PTS_ERR_LIMIT "time limit of ... exceeded". */
void pts_engine_set_time_limit(double seconds);
double pts_engine_time_limit(void);
double pts_engine_set_thread_time_limit(double seconds);
/* Stop every run in progress with PTS_ERR_INTERRUPTED (async-signal-safe). */
void pts_engine_interrupt(void);
/* This thread's poll, called every few ms of a run; nonzero stops the run
 * with PTS_ERR_INTERRUPTED (python/: Python's signal handlers). */
void pts_engine_set_poll(int (*fn)(void *ud), void *ud);

typedef struct pts_engine_memory {
    int64_t data_bytes;       /* tensor bytes in use */
    int64_t heap_bytes;       /* other bytes in use (lists, dicts, strings, code, ...) */
    int64_t limit;            /* the cap, 0 = none */
    int64_t live_allocations; /* allocations not yet freed */
    int64_t allocations;      /* allocations since start */
} pts_engine_memory;
void pts_engine_memory_stats(pts_engine_memory *out);
/* Test hook: the Nth allocation from now fails (0: off). */
void pts_engine_fail_allocation_after(int64_t n);

#endif
