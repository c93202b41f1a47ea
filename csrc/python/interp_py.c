/* interp_py.c - running methods from Python (Object.run_method) and
 * inspecting the code of a loaded archive (Handle.called_ops). */
#include "python/pyconv.h"

#include "engine/engine.h"

PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_object_run_method_traced(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u);
PyObject *pyts_handle_unsupported_ops(PyObject *self, PyObject *u);
PyObject *pyts_handle_run_program(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *pyts_handle_program_state(PyObject *self, PyObject *u);
PyObject *pyts_handle_program_info(PyObject *self, PyObject *u);
PyObject *pyts_handle_plan(PyObject *self, PyObject *u);
PyObject *pyts_handle_plan_stats(PyObject *self, PyObject *u);
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

/* The debug trace: calls the Python callback with (op, attr, file, line,
 * value).  Runs with the GIL held (run_method_traced does not release it). */
static pts_status trace_cb(void *ud, const char *op, const char *attr, const char *file, int line, pts_value v)
{
    PyObject *val = pyts_to_python(v);
    if (!val)
        return pts_err_set(PTS_ERR_TYPE, "the trace callback could not convert a value");
    PyObject *r = PyObject_CallFunction((PyObject *)ud, "NNNiN", pyts_text(op), attr ? pyts_text(attr) : Py_NewRef(Py_None),
                                        pyts_text(file ? file : ""), line, val);
    if (!r)
        return pts_err_set(PTS_ERR_TYPE, "the trace callback raised");
    Py_DECREF(r);
    return PTS_OK;
}

/* run_method_traced(name, callback, *args, **kwargs): run_method with the
 * debug trace on (callback(op, attr, file, line, value) after every operator
 * result and attribute store, value converted as run_method's result; the
 * GIL stays held).  An exception raised by the callback stops the run and
 * propagates. */
PyObject *pyts_object_run_method_traced(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) < 2 || !PyUnicode_Check(PyTuple_GET_ITEM(args, 0)) ||
        !PyCallable_Check(PyTuple_GET_ITEM(args, 1))) {
        PyErr_SetString(PyExc_TypeError, "run_method_traced(name, callback, *args, **kwargs)");
        return NULL;
    }
    const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0));
    if (!name)
        return NULL;
    PyObject *cb = PyTuple_GET_ITEM(args, 1);
    PyObject *result = NULL;
    pyts_args a;
    if (pyts_args_from_python(args, 2, kwargs, &a) < 0)
        goto done;
    pts_value self_v = pyts_object_value(self), out = pts_none();
    pts_engine_set_trace(trace_cb, cb);
    pts_status st = pts_engine_run_method(self_v, name, (int)a.npos, a.pos, (int)a.nkw, a.kwn, a.kwv, &out);
    pts_engine_set_trace(NULL, NULL);
    if (st) {
        if (!PyErr_Occurred())
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

/* run_program(*args, **kwargs) -> the output of a torch.export program (.pt2),
 * rebuilt with its output spec.  The GIL is released while it runs. */
PyObject *pyts_handle_run_program(PyObject *self, PyObject *args, PyObject *kwargs)
{
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    PyObject *result = NULL;
    pyts_args a;
    if (pyts_args_from_python(args, 0, kwargs, &a) < 0)
        goto done;
    pts_value out = pts_none();
    pts_status st;
    Py_BEGIN_ALLOW_THREADS
    st = pts_engine_run_program(l, (int)a.npos, a.pos, (int)a.nkw, a.kwn, a.kwv, &out);
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

/* program_state() -> {FQN: ndarray} of a program's parameters, buffers and constants. */
PyObject *pyts_handle_program_state(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    pts_value v;
    pts_status st = pts_engine_program_state(l, &v);
    if (st)
        return pyts_raise(st);
    PyObject *r = pyts_to_python(v);
    pts_value_release(v);
    return r;
}

/* program_info() -> None for a TorchScript archive, else (major, minor, dialect). */
PyObject *pyts_handle_program_info(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = pyts_handle_loaded(self);
    if (!l)
        return NULL;
    if (!pts_engine_is_program(l))
        Py_RETURN_NONE;
    int major, minor;
    const char *dialect;
    pts_engine_program_version(l, &major, &minor, &dialect);
    return Py_BuildValue("(iiN)", major, minor, pyts_text(dialect));
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
