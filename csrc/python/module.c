/* module.c - the pyts._C extension module: init, exceptions, load(),
 * call_op() and the thread / memory settings.  The only layer (with the
 * other files of csrc/python/) that includes Python.h or NumPy headers. */
#include "python/pyconv.h"

#define PY_ARRAY_UNIQUE_SYMBOL pyts_ARRAY_API
#include <numpy/arrayobject.h>

#include "engine/engine.h"

#define PYTS_VERSION "0.1.0"

PyObject *pyts_Error, *pyts_LoadError, *pyts_ScriptError, *pyts_UnsupportedError, *pyts_ArgumentError,
    *pyts_ExecutionError, *pyts_MemoryError;
extern PyTypeObject *pyts_HandleType;
extern PyType_Spec pyts_Object_spec, pyts_Handle_spec;
PyObject *pyts_handle_new(pts_loaded *l);

/* load(source, name=None): source is a path (str / os.PathLike) or a bytes-like object. */
static PyObject *py_load(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kw[] = {"source", "name", NULL};
    PyObject *src;
    const char *name = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|z", kw, &src, &name))
        return NULL;
    pts_loaded *l = NULL;
    pts_status st;
    if (PyObject_CheckBuffer(src)) {
        Py_buffer view;
        if (PyObject_GetBuffer(src, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        Py_BEGIN_ALLOW_THREADS
        st = pts_engine_load_buffer(view.buf, (size_t)view.len, name, &l);
        Py_END_ALLOW_THREADS
        PyBuffer_Release(&view);
    } else {
        PyObject *path = NULL;
        if (!PyUnicode_FSConverter(src, &path))
            return NULL;
        const char *p = PyBytes_AS_STRING(path);
        Py_BEGIN_ALLOW_THREADS
        st = pts_engine_load_file(p, &l);
        Py_END_ALLOW_THREADS
        Py_DECREF(path);
    }
    /* a limit hit while reading the file (nesting in a pickle or in the source,
     * too many locals) is a bad file: LoadError, not ExecutionError */
    if (st)
        return pyts_raise(st == PTS_ERR_LIMIT ? PTS_ERR_LOAD : st);
    return pyts_handle_new(l);
}

/* call_op(name, *args, **kwargs): run one registered op (tests, op parity). */
static PyObject *py_call_op(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    if (PyTuple_GET_SIZE(args) < 1 || !PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
        PyErr_SetString(PyExc_TypeError, "call_op(name, *args, **kwargs): name must be a str");
        return NULL;
    }
    const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0));
    if (!name)
        return NULL;
    int nrets = 0;
    pts_status st = pts_engine_op_returns(name, &nrets);
    if (st)
        return pyts_raise(st);
    PyObject *result = NULL;
    pyts_args a;
    pts_value rets[8];
    if (nrets > 8) {
        PyErr_Format(pyts_UnsupportedError, "%s returns %d values (at most 8 supported)", name, nrets);
        return NULL;
    }
    if (pyts_args_from_python(args, 1, kwargs, &a) < 0)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    st = pts_engine_call_op(name, (int)a.npos, a.pos, (int)a.nkw, a.kwn, a.kwv, rets);
    Py_END_ALLOW_THREADS
    if (st) {
        pyts_raise(st);
        goto done;
    }
    if (nrets == 1) {
        result = pyts_to_python(rets[0]);
    } else {
        result = PyTuple_New(nrets);
        for (int i = 0; result && i < nrets; i++) {
            PyObject *x = pyts_to_python(rets[i]);
            if (!x) {
                Py_CLEAR(result);
                break;
            }
            PyTuple_SET_ITEM(result, i, x);
        }
    }
    for (int i = 0; i < nrets; i++)
        pts_value_release(rets[i]);
done:
    pyts_args_free(&a);
    return result;
}

static PyObject *py_supported_ops(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    int n = 0;
    pts_status st = pts_engine_op_count(&n);
    if (st)
        return pyts_raise(st);
    PyObject *r = PyList_New(n);
    for (int i = 0; r && i < n; i++) {
        PyObject *s = PyUnicode_FromString(pts_engine_op_schema(i));
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, s);
    }
    return r;
}

/* overloads(name) -> schema strings of a symbol's overloads in binding order */
static PyObject *py_overloads(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *name = PyUnicode_AsUTF8(arg);
    if (!name)
        return NULL;
    int n = 0;
    pts_status st = pts_engine_overload_count(name, &n);
    if (st)
        return pyts_raise(st);
    PyObject *r = PyList_New(n);
    for (int i = 0; r && i < n; i++) {
        PyObject *s = PyUnicode_FromString(pts_engine_overload_schema(name, i));
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, s);
    }
    return r;
}

static PyObject *py_set_num_threads(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "set_num_threads: n must be >= 1");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    pts_engine_set_num_threads((int)n);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *py_get_num_threads(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    return PyLong_FromLong(pts_engine_get_num_threads());
}

/* grad mode of the calling thread (scripts read it with torch.is_grad_enabled()) */
static PyObject *py_set_grad_enabled(PyObject *self, PyObject *arg)
{
    (void)self;
    int on = PyObject_IsTrue(arg);
    if (on < 0)
        return NULL;
    pts_engine_set_grad_enabled(on != 0);
    Py_RETURN_NONE;
}

static PyObject *py_is_grad_enabled(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    return PyBool_FromLong(pts_engine_grad_enabled());
}

static PyObject *py_set_memory_limit(PyObject *self, PyObject *arg)
{
    (void)self;
    long long n = arg == Py_None ? 0 : PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    pts_engine_set_memory_limit(n);
    Py_RETURN_NONE;
}

/* manual_seed(s): s any Python int; taken mod 2^64 as torch does */
static PyObject *py_manual_seed(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyLong_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "manual_seed: the seed must be an int");
        return NULL;
    }
    unsigned long long s = PyLong_AsUnsignedLongLongMask(arg);
    if (s == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    pts_engine_manual_seed((uint64_t)s);
    Py_RETURN_NONE;
}

static PyObject *py_initial_seed(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    return PyLong_FromUnsignedLongLong(pts_engine_initial_seed());
}

static PyObject *py_set_time_limit(PyObject *self, PyObject *arg)
{
    (void)self;
    double s = arg == Py_None ? 0 : PyFloat_AsDouble(arg);
    if (s == -1 && PyErr_Occurred())
        return NULL;
    pts_engine_set_time_limit(s);
    Py_RETURN_NONE;
}

static PyObject *py_get_time_limit(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    double s = pts_engine_time_limit();
    if (s <= 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(s);
}

/* this thread's own limit: seconds (> 0), 0 = none, -1 = the process-wide one; returns the previous */
static PyObject *py_set_thread_time_limit(PyObject *self, PyObject *arg)
{
    (void)self;
    double s = PyFloat_AsDouble(arg);
    if (s == -1 && PyErr_Occurred())
        return NULL;
    return PyFloat_FromDouble(pts_engine_set_thread_time_limit(s));
}

static PyObject *py_interrupt(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    pts_engine_interrupt();
    Py_RETURN_NONE;
}

static PyObject *py_memory_stats(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    pts_engine_memory m;
    pts_engine_memory_stats(&m);
    return Py_BuildValue("{s:L,s:L,s:L,s:L,s:L}", "data_bytes", (long long)m.data_bytes, "heap_bytes",
                         (long long)m.heap_bytes, "limit", (long long)m.limit,
                         "live_allocations", (long long)m.live_allocations, "allocations", (long long)m.allocations);
}

static PyObject *py_fail_after(PyObject *self, PyObject *arg)
{
    (void)self;
    long long n = PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    pts_engine_fail_allocation_after(n);
    Py_RETURN_NONE;
}

/* the per-op profiler (engine.h; pyts/profile.py reads the events) */
static PyObject *py_profile_start(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    pts_status st = pts_engine_profile_start();
    if (st) {
        pyts_raise(st);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *py_profile_stop(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    pts_engine_profile_stop();
    Py_RETURN_NONE;
}

/* The recorded events as a list of tuples (op, overload, file, line, start_ns, dur_ns, thread, shapes);
 * clears them. */
static PyObject *py_profile_events(PyObject *self, PyObject *u)
{
    (void)self;
    (void)u;
    int64_t n = pts_engine_profile_count();
    PyObject *r = PyList_New((Py_ssize_t)n);
    if (!r)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        const char *op = "", *ov = "", *file = "", *shapes = "";
        int line = 0;
        int64_t t0 = 0, dur = 0;
        uint64_t th = 0;
        if (!pts_engine_profile_event(i, &op, &ov, &file, &line, &t0, &dur, &th, &shapes)) {
            Py_DECREF(r);
            PyErr_SetString(PyExc_RuntimeError, "profile events changed while being read");
            return NULL;
        }
        PyObject *t = Py_BuildValue("(sssiLLKs)", op, ov, file, line, (long long)t0, (long long)dur,
                                    (unsigned long long)th, shapes);
        if (!t) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, (Py_ssize_t)i, t);
    }
    pts_engine_profile_clear();
    return r;
}

static PyObject *py_set_conv_kernel(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *name = PyUnicode_AsUTF8(arg);
    if (!name)
        return NULL;
    const char *old = pts_engine_set_conv_kernel(name);
    if (!old) {
        PyErr_Format(PyExc_ValueError, "_set_conv_kernel: expected 'auto', 'blas', 'own', 'wino', 'dw-grid' or 'dw-rows', got '%s'", name);
        return NULL;
    }
    return PyUnicode_FromString(old);
}

static PyMethodDef module_methods[] = {
    {"_profile_start", py_profile_start, METH_NOARGS, "start recording every op call (clears earlier events)"},
    {"_profile_stop", py_profile_stop, METH_NOARGS, "stop recording op calls"},
    {"_profile_events", py_profile_events, METH_NOARGS,
     "recorded op calls as (op, overload, file, line, start_ns, dur_ns, thread, shapes) tuples; clears them"},
    {"load", (PyCFunction)(void (*)(void))py_load, METH_VARARGS | METH_KEYWORDS, "load(source, name=None) -> Handle"},
    {"call_op", (PyCFunction)(void (*)(void))py_call_op, METH_VARARGS | METH_KEYWORDS,
     "call_op(name, *args, **kwargs): run one registered op"},
    {"supported_ops", py_supported_ops, METH_NOARGS, "schema strings of every registered op"},
    {"overloads", py_overloads, METH_O, "schemas of a symbol's overloads, in the order call sites try them"},
    {"set_num_threads", py_set_num_threads, METH_O, "set the size of pyts's thread pool"},
    {"_set_conv_kernel", py_set_conv_kernel, METH_O,
     "float32 convolution path: 'auto', 'blas' or 'own'; depthwise float32: 'dw-grid' or 'dw-rows' (benchmarks, tests); returns the previous one of that kind"},
    {"get_num_threads", py_get_num_threads, METH_NOARGS, "size of pyts's thread pool"},
    {"set_grad_enabled", py_set_grad_enabled, METH_O, "set this thread's grad mode (torch.is_grad_enabled() in scripts)"},
    {"is_grad_enabled", py_is_grad_enabled, METH_NOARGS, "this thread's grad mode"},
    {"manual_seed", py_manual_seed, METH_O, "seed the default random generator (as torch.manual_seed)"},
    {"initial_seed", py_initial_seed, METH_NOARGS, "the seed of the default random generator"},
    {"set_memory_limit", py_set_memory_limit, METH_O, "cap on memory in bytes (None or 0: no cap)"},
    {"set_time_limit", py_set_time_limit, METH_O, "time limit of each run in seconds (None or 0: none)"},
    {"get_time_limit", py_get_time_limit, METH_NOARGS, "the process-wide time limit (None: none)"},
    {"_set_thread_time_limit", py_set_thread_time_limit, METH_O,
     "this thread's time limit (0: none, -1: the process-wide one); returns the previous"},
    {"interrupt", py_interrupt, METH_NOARGS, "stop every run in progress (KeyboardInterrupt in its thread)"},
    {"memory_stats", py_memory_stats, METH_NOARGS, "allocator counters"},
    {"_fail_allocation_after", py_fail_after, METH_O, "test hook: the Nth allocation from now fails (0: off)"},
    {NULL, NULL, 0, NULL},
};

static int add_exception(PyObject *m, PyObject **slot, const char *name, PyObject *bases, const char *doc)
{
    *slot = PyErr_NewExceptionWithDoc(name, doc, bases, NULL);
    if (!*slot)
        return -1;
    const char *dot = strrchr(name, '.');
    Py_INCREF(*slot);
    return PyModule_AddObject(m, dot + 1, *slot);
}

static int exec_module(PyObject *m)
{
    if (_import_array() < 0)
        return -1;
    if (add_exception(m, &pyts_Error, "pyts.Error", NULL, "Base class of every pyts error.") < 0)
        return -1;
    if (add_exception(m, &pyts_LoadError, "pyts.LoadError", pyts_Error,
                      "The archive cannot be read: its message names the entry and byte offset.") < 0 ||
        add_exception(m, &pyts_ScriptError, "pyts.ScriptError", pyts_Error,
                      "The model raised (raise / assert); carries its message and TorchScript traceback.") < 0 ||
        add_exception(m, &pyts_UnsupportedError, "pyts.UnsupportedOperatorError", pyts_Error,
                      "The model calls an operator or construct pyts does not implement.") < 0 ||
        add_exception(m, &pyts_ExecutionError, "pyts.ExecutionError", pyts_Error,
                      "A method failed while running (bad shapes, indices, values).") < 0)
        return -1;
    PyObject *b = PyTuple_Pack(2, pyts_Error, PyExc_TypeError);
    if (!b || add_exception(m, &pyts_ArgumentError, "pyts.ArgumentError", b,
                            "Wrong argument count or types for a method or op.") < 0)
        return -1;
    Py_DECREF(b);
    b = PyTuple_Pack(2, pyts_Error, PyExc_MemoryError);
    if (!b || add_exception(m, &pyts_MemoryError, "pyts.OutOfMemoryError", b,
                            "An allocation failed or the memory limit was reached.") < 0)
        return -1;
    Py_DECREF(b);
    pyts_ObjectType = (PyTypeObject *)PyType_FromSpec(&pyts_Object_spec);
    pyts_HandleType = (PyTypeObject *)PyType_FromSpec(&pyts_Handle_spec);
    if (!pyts_ObjectType || !pyts_HandleType)
        return -1;
    Py_INCREF(pyts_ObjectType);
    Py_INCREF(pyts_HandleType);
    if (PyModule_AddObject(m, "Object", (PyObject *)pyts_ObjectType) < 0 ||
        PyModule_AddObject(m, "Handle", (PyObject *)pyts_HandleType) < 0)
        return -1;
    if (PyModule_AddStringConstant(m, "__version__", PYTS_VERSION) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pyts._C", "The pyts C engine.", 0, module_methods, module_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__C(void) { return PyModuleDef_Init(&moduledef); }
