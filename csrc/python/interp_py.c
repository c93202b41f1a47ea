/* interp_py.c - running methods from Python: Object.run_method and the
 * list of ops a loaded archive calls.  (Filled in as the interpreter lands.) */
#include "python/pyconv.h"

PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u);

PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    (void)args;
    (void)kwargs;
    PyErr_SetString(pyts_UnsupportedError, "running methods is not implemented yet");
    return NULL;
}

PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    return PyList_New(0);
}
