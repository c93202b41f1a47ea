/* run.h - the entry point of the interpreter: run a method of an object.
 * Implemented by the interpreter (interp/); the Python binding, the public
 * C API and pyts-run call only this. */
#ifndef PTS_INTERP_RUN_H
#define PTS_INTERP_RUN_H

#include "value/value.h"

/* Run method `name` of object `self` (borrowed) with positional args
 * (borrowed) and keyword args (names + borrowed values).  name "__call__"
 * runs forward with the module's forward pre-hooks and hooks, as torch's
 * Module.__call__.  *out: new reference.  Errors: PTS_ERR_TYPE for bad
 * arguments (names the parameter), PTS_ERR_SCRIPT when the model raises
 * (message + TorchScript traceback), PTS_ERR_UNSUPPORTED for missing ops. */
PTS_NODISCARD pts_status pts_run_method(pts_value self, const char *name, int nargs, const pts_value *args, int nkw,
                          const char *const *kwnames, const pts_value *kwargs, pts_value *out);

#endif
