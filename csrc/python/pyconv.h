/* pyconv.h - pts_value <-> Python objects (the only layer that knows both).
 * Tensors become NumPy arrays without copies where the dtype allows;
 * objects become pyts._C.Object wrappers. */
#ifndef PTS_PYTHON_PYCONV_H
#define PTS_PYTHON_PYCONV_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "core/error.h"
#include "tensor/tensor.h"
#include "value/value.h"

/* Set a Python exception for status st with the thread's pts message; returns NULL. */
PyObject *pyts_raise(pts_status st);

/* Strings from a loaded file (names, source text, paths) are not always
 * UTF-8.  pyts_text: for display, undecodable bytes become \xNN escapes.
 * pyts_name: for names that come back as lookup keys, undecodable bytes
 * become surrogates (surrogateescape) and pyts_name_bytes undoes that:
 * returns a new bytes object (NUL-terminated) or NULL with an exception. */
PyObject *pyts_text(const char *s);
PyObject *pyts_name(const char *s);
PyObject *pyts_name_bytes(PyObject *name);
/* pts_value (borrowed) -> new Python reference, or NULL with exception. */
PyObject *pyts_to_python(pts_value v);
/* Tensor (borrowed) -> NumPy array sharing memory (read-only when `readonly`). */
PyObject *pyts_tensor_to_numpy(pts_tensor *t, int readonly);
/* Python -> pts_value (new ref in *out). Returns 0 or -1 with exception. */
int pyts_from_python(PyObject *o, pts_value *out);

/* Positional args (a tuple, from index `skip` on) and keyword args of a
 * Python call, converted to pts_values.  Always release with pyts_args_free,
 * also after a failed conversion. */
typedef struct pyts_args {
    Py_ssize_t npos, nkw; /* how many were converted */
    pts_value *pos, *kwv; /* owned values */
    const char **kwn;     /* borrowed UTF-8 of the kwargs dict's keys */
} pyts_args;
int pyts_args_from_python(PyObject *args, Py_ssize_t skip, PyObject *kwargs, pyts_args *out);
void pyts_args_free(pyts_args *a);

/* Module-level objects (set at init). */
extern PyObject *pyts_Error, *pyts_LoadError, *pyts_ScriptError, *pyts_UnsupportedError, *pyts_ArgumentError,
    *pyts_ExecutionError, *pyts_MemoryError;
extern PyTypeObject *pyts_ObjectType;

/* Wrap an object value (borrowed) as pyts._C.Object. */
PyObject *pyts_object_wrap(pts_value v);
int pyts_object_check(PyObject *o);
pts_value pyts_object_value(PyObject *o); /* borrowed */

#endif
