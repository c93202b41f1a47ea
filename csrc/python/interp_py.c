/* interp_py.c - running methods from Python (Object.run_method) and
 * inspecting the code of a loaded archive (Handle.called_ops). */
#include "python/pyconv.h"

#include "engine/engine.h"

PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u);
PyObject *pyts_handle_unsupported_ops(PyObject *self, PyObject *u);
pts_loaded *pyts_handle_loaded(PyObject *o);

/* The poll of a run on the main thread (core/budget.h): every few ms, take the
 * GIL and run Python's signal handlers.  Ctrl-C's handler raises
 * KeyboardInterrupt: the exception stays set in this thread's state, the run
 * stops with PTS_ERR_INTERRUPTED, and pyts_raise leaves the exception as is.
 * Python's own SIGINT handler stays in place. */
static int poll_signals(void *ud)
{
    (void)ud;
    PyGILState_STATE g = PyGILState_Ensure();
    int stop = PyErr_CheckSignals() < 0;
    PyGILState_Release(g);
    return stop;
}

static unsigned long main_thread_ident;

static int on_main_thread(void)
{
    if (!main_thread_ident) {
        PyObject *th = PyImport_ImportModule("threading");
        PyObject *mt = th ? PyObject_CallMethod(th, "main_thread", NULL) : NULL;
        PyObject *id = mt ? PyObject_GetAttrString(mt, "ident") : NULL;
        if (id)
            main_thread_ident = PyLong_AsUnsignedLong(id);
        Py_XDECREF(id);
        Py_XDECREF(mt);
        Py_XDECREF(th);
        PyErr_Clear();
    }
    return main_thread_ident && PyThread_get_thread_ident() == main_thread_ident;
}

/* run_method(name, *args, **kwargs) -> converted result.  The GIL is
 * released while the method runs; on the main thread the run polls Python's
 * signal handlers (Ctrl-C raises KeyboardInterrupt within a few ms). */
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
    int poll = on_main_thread();
    if (poll && PyErr_CheckSignals() < 0) /* a signal already pending */
        goto done;
    Py_BEGIN_ALLOW_THREADS
    if (poll)
        pts_engine_set_poll(poll_signals, NULL);
    st = pts_engine_run_method(self_v, name, (int)a.npos, a.pos, (int)a.nkw, a.kwn, a.kwv, &out);
    if (poll)
        pts_engine_set_poll(NULL, NULL);
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
