/* interp_py.c - running methods from Python (Object.run_method) and
 * inspecting the code of a loaded archive (Handle.called_ops). */
#include "python/pyconv.h"

#include "engine/engine.h"

PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u);
PyObject *pyts_handle_unsupported_ops(PyObject *self, PyObject *u);
PyObject *pyts_handle_plan(PyObject *self, PyObject *u);
PyObject *pyts_handle_plan_stats(PyObject *self, PyObject *u);
pts_loaded *pyts_handle_loaded(PyObject *o);

/* run_method(name, *args, **kwargs) -> converted result.  The GIL is
 * released while the method runs. */
PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) < 1 || !PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
        PyErr_SetString(PyExc_TypeError, "run_method(name, *args, **kwargs): name must be a str");
        return NULL;
    }
    const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0));
    if (!name)
        return NULL;
    PyObject *result = NULL;
    pyts_args a;
    if (pyts_args_from_python(args, 1, kwargs, &a) < 0)
        goto done;
    pts_value self_v = pyts_object_value(self), out = pts_none();
    pts_status st;
    Py_BEGIN_ALLOW_THREADS
    st = pts_engine_run_method(self_v, name, (int)a.npos, a.pos, (int)a.nkw, a.kwn, a.kwv, &out);
    Py_END_ALLOW_THREADS
    if (st) {
        pyts_raise(st);
        goto done;
    }
    result = pyts_to_python(out);
    pts_value_release(out);
done:
    pyts_args_free(&a);
    return result;
}

static pts_status add_call(void *ud, const char *op, const char *file, int line)
{
    PyObject *t = Py_BuildValue("(NNi)", pyts_text(op), pyts_text(file), line);
    if (!t || PyList_Append((PyObject *)ud, t) < 0) {
        Py_XDECREF(t);
        return pts_err_set(PTS_ERR_NOMEM, "out of memory listing calls");
    }
    Py_DECREF(t);
    return PTS_OK;
}

/* called_ops() -> [(op, file, line)] for every operator the archive's code
 * calls, at its first use (imports every code file first). */
PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    PyObject *r = PyList_New(0);
    if (!r)
        return NULL;
    pts_status st = pts_engine_called_ops(l, add_call, r);
    if (st) {
        Py_DECREF(r);
        if (!PyErr_Occurred())
            pyts_raise(st);
        return NULL;
    }
    return r;
}

/* unsupported_ops() -> [(op, file, line)] for every call site naming an
 * operator pyts lacks, found at load (the load succeeded; such a call fails
 * when it runs). */
PyObject *pyts_handle_unsupported_ops(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    int n = pts_engine_unsupported_count(l);
    PyObject *r = PyList_New(n);
    if (!r)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *op, *file;
        int line;
        pts_status st = pts_engine_unsupported_op(l, i, &op, &file, &line);
        PyObject *t = st ? NULL : Py_BuildValue("(NNi)", pyts_text(op), pyts_text(file), line);
        if (!t) {
            Py_DECREF(r);
            if (!PyErr_Occurred())
                pyts_raise(st);
            return NULL;
        }
        PyList_SET_ITEM(r, i, t);
    }
    return r;
}

/* plan() -> None: the load-time planning pass (once; pyts.load(optimize=True)). */
PyObject *pyts_handle_plan(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    pts_status st;
    Py_BEGIN_ALLOW_THREADS
    st = pts_engine_plan(l);
    Py_END_ALLOW_THREADS
    if (st)
        return pyts_raise(st);
    Py_RETURN_NONE;
}

/* plan_stats() -> {"planned", "batchnorm_folded", "activation_fused", "residual_fused", "batchnorm_kept"} */
PyObject *pyts_handle_plan_stats(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    bool planned;
    int folded, fused, residual, kept;
    pts_engine_plan_stats(l, &planned, &folded, &fused, &residual, &kept);
    return Py_BuildValue("{s:O,s:i,s:i,s:i,s:i}", "planned", planned ? Py_True : Py_False, "batchnorm_folded", folded,
                         "activation_fused", fused, "residual_fused", residual, "batchnorm_kept", kept);
}
