/* objects.c - pyts._C.Object (a TorchScript object: module or class
 * instance) and pyts._C.Handle (a loaded archive). */
#include "python/pyconv.h"

#include <structmember.h>

#include "core/alloc.h"
#include "engine/engine.h"
#include "value/class.h"
#include "value/type.h"

PyTypeObject *pyts_ObjectType;

typedef struct {
    PyObject_HEAD
    pts_value v; /* owned ref to a PTS_T_OBJECT value */
} ObjectPy;

static const char *kind_name(pts_class_kind k)
{
    switch (k) {
    case PTS_CLS_MODULE: return "module";
    case PTS_CLS_CLASS: return "class";
    case PTS_CLS_NAMEDTUPLE: return "namedtuple";
    case PTS_CLS_ENUM: return "enum";
    case PTS_CLS_INTERFACE: return "interface";
    case PTS_CLS_MODULE_INTERFACE: return "module_interface";
    }
    return "?";
}

PyObject *pyts_object_wrap(pts_value v)
{
    ObjectPy *o = PyObject_New(ObjectPy, pyts_ObjectType);
    if (!o)
        return NULL;
    o->v = pts_value_retain(v);
    return (PyObject *)o;
}

int pyts_object_check(PyObject *o) { return PyObject_TypeCheck(o, pyts_ObjectType); }
pts_value pyts_object_value(PyObject *o) { return ((ObjectPy *)o)->v; }

static void Object_dealloc(PyObject *self)
{
    ObjectPy *o = (ObjectPy *)self;
    PyTypeObject *tp = Py_TYPE(self);
    pts_value_release(o->v);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static pts_object *obj_of(PyObject *self) { return PTS_OBJECT(((ObjectPy *)self)->v); }

static PyObject *Object_qualified_name(PyObject *self, void *c)
{
    (void)c;
    return pyts_text(obj_of(self)->cls->qualname);
}

static PyObject *Object_kind(PyObject *self, void *c)
{
    (void)c;
    return PyUnicode_FromString(kind_name(obj_of(self)->cls->kind));
}

static PyObject *Object_attr_info(PyObject *self, PyObject *unused)
{
    (void)unused;
    pts_class *cls = obj_of(self)->cls;
    PyObject *r = PyList_New(cls->nattrs);
    if (!r)
        return NULL;
    for (int i = 0; i < cls->nattrs; i++) {
        char ty[512];
        pts_type_str(cls->attrs[i].type, ty, sizeof ty);
        PyObject *name = pyts_name(cls->attrs[i].name), *tys = pyts_text(ty);
        PyObject *t = name && tys ? Py_BuildValue("(OOOO)", name, tys, cls->attrs[i].is_param ? Py_True : Py_False,
                                                  cls->attrs[i].is_buffer ? Py_True : Py_False)
                                  : NULL;
        Py_XDECREF(name);
        Py_XDECREF(tys);
        if (!t) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, t);
    }
    return r;
}

static PyObject *Object_const_names(PyObject *self, PyObject *unused)
{
    (void)unused;
    pts_class *cls = obj_of(self)->cls;
    PyObject *r = PyList_New(cls->nconsts);
    for (int i = 0; r && i < cls->nconsts; i++) {
        PyObject *s = pyts_name(cls->consts[i].name);
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, s);
    }
    return r;
}

static PyObject *Object_method_names(PyObject *self, PyObject *unused)
{
    (void)unused;
    pts_class *cls = obj_of(self)->cls;
    PyObject *r = PyList_New(cls->nmethods);
    for (int i = 0; r && i < cls->nmethods; i++) {
        PyObject *s = pyts_name(cls->methods[i].name);
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, s);
    }
    return r;
}

static PyObject *Object_getattr(PyObject *self, PyObject *name)
{
    PyObject *b = pyts_name_bytes(name);
    if (!b)
        return NULL;
    const char *n = PyBytes_AS_STRING(b);
    pts_object *ob = obj_of(self);
    PyObject *r = NULL;
    int i = pts_class_attr_index(ob->cls, n);
    if (i >= 0) {
        pts_value v;
        pts_object_get_slot(ob, i, &v); /* a running method may assign it */
        r = pyts_to_python(v);
        pts_value_release(v);
    } else if ((i = pts_class_const_index(ob->cls, n)) >= 0) {
        r = pyts_to_python(ob->cls->consts[i].value);
    } else {
        PyObject *q = pyts_text(ob->cls->qualname);
        if (q)
            PyErr_Format(PyExc_AttributeError, "'%U' object has no attribute %R", q, name);
        Py_XDECREF(q);
    }
    Py_DECREF(b);
    return r;
}

static PyObject *Object_has_attr(PyObject *self, PyObject *name)
{
    PyObject *b = pyts_name_bytes(name);
    if (!b)
        return NULL;
    const char *n = PyBytes_AS_STRING(b);
    pts_object *ob = obj_of(self);
    int has = pts_class_attr_index(ob->cls, n) >= 0 || pts_class_const_index(ob->cls, n) >= 0;
    Py_DECREF(b);
    return PyBool_FromLong(has);
}

static PyObject *Object_code(PyObject *self, PyObject *unused)
{
    (void)unused;
    pts_class *cls = obj_of(self)->cls;
    return pyts_text(cls->source ? cls->source : "");
}

static PyObject *Object_source_file(PyObject *self, void *c)
{
    (void)c;
    pts_class *cls = obj_of(self)->cls;
    if (!cls->file)
        Py_RETURN_NONE;
    return pyts_text(cls->file);
}

static PyObject *Object_identity(PyObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromVoidPtr(obj_of(self));
}

static PyObject *Object_slot_identity(PyObject *self, PyObject *name)
{
    PyObject *b = pyts_name_bytes(name);
    if (!b)
        return NULL;
    pts_object *ob = obj_of(self);
    int i = pts_class_attr_index(ob->cls, PyBytes_AS_STRING(b));
    Py_DECREF(b);
    if (i < 0)
        Py_RETURN_NONE;
    pts_value v;
    pts_object_get_slot(ob, i, &v);
    PyObject *r = PTS_TAG_IS_HEAP(v.tag) ? PyLong_FromVoidPtr(v.u.o) : (Py_INCREF(Py_None), Py_None);
    pts_value_release(v);
    return r;
}

static PyObject *Object_richcompare(PyObject *a, PyObject *b, int op)
{
    if (!pyts_object_check(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int same = obj_of(a) == obj_of(b);
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static Py_hash_t Object_hash(PyObject *self) { return (Py_hash_t)((uintptr_t)obj_of(self) >> 4); }

static PyObject *Object_repr(PyObject *self)
{
    PyObject *q = pyts_text(obj_of(self)->cls->qualname);
    if (!q)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("<pyts._C.Object %U>", q);
    Py_DECREF(q);
    return r;
}

/* Module._run_method is added by the interpreter binding (interp_py.c). */
extern PyObject *pyts_object_run_method(PyObject *self, PyObject *args, PyObject *kwargs);
extern PyObject *pyts_object_run_method_traced(PyObject *self, PyObject *args, PyObject *kwargs);

static PyMethodDef Object_methods[] = {
    {"attr_info", Object_attr_info, METH_NOARGS, "[(name, type, is_param, is_buffer)] in slot order"},
    {"const_names", Object_const_names, METH_NOARGS, "names of the class's Final constants"},
    {"method_names", Object_method_names, METH_NOARGS, "names of the class's methods"},
    {"getattr", Object_getattr, METH_O, "value of an attribute or constant"},
    {"has_attr", Object_has_attr, METH_O, "is there an attribute or constant of that name"},
    {"code", Object_code, METH_NOARGS, "the TorchScript source of the class"},
    {"slot_identity", Object_slot_identity, METH_O, "id of the heap value in an attribute (None for scalars)"},
    {"identity", Object_identity, METH_NOARGS, "an id equal for the same underlying object"},
    {"run_method", (PyCFunction)(void (*)(void))pyts_object_run_method, METH_VARARGS | METH_KEYWORDS,
     "run_method(name, *args, **kwargs)"},
    {"run_method_traced", (PyCFunction)(void (*)(void))pyts_object_run_method_traced, METH_VARARGS | METH_KEYWORDS,
     "run_method_traced(name, callback, *args, **kwargs): run_method with callback(op, attr, file, line, value) "
     "after every operator result and attribute store (debug trace; values may share memory with the run)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Object_getset[] = {
    {"qualified_name", Object_qualified_name, NULL, "the class's qualified name", NULL},
    {"kind", Object_kind, NULL, "module, class, namedtuple, enum, interface", NULL},
    {"source_file", Object_source_file, NULL, "the code/ file defining the class", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Object_slots[] = {
    {Py_tp_dealloc, Object_dealloc},
    {Py_tp_methods, Object_methods},
    {Py_tp_getset, Object_getset},
    {Py_tp_repr, Object_repr},
    {Py_tp_richcompare, Object_richcompare},
    {Py_tp_hash, Object_hash},
    {Py_tp_doc, "A TorchScript object (module or class instance) inside pyts."},
    {0, NULL},
};

PyType_Spec pyts_Object_spec = {"pyts._C.Object", sizeof(ObjectPy), 0, Py_TPFLAGS_DEFAULT, Object_slots};

/* ---- Handle ------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    pts_loaded *l;
} HandlePy;

PyTypeObject *pyts_HandleType;

static void Handle_dealloc(PyObject *self)
{
    HandlePy *h = (HandlePy *)self;
    PyTypeObject *tp = Py_TYPE(self);
    pts_engine_free(h->l);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyObject *pyts_handle_new(pts_loaded *l)
{
    HandlePy *h = PyObject_New(HandlePy, pyts_HandleType);
    if (!h) {
        pts_engine_free(l);
        return NULL;
    }
    h->l = l;
    return (PyObject *)h;
}

pts_loaded *pyts_handle_loaded(PyObject *o)
{
    if (!PyObject_TypeCheck(o, pyts_HandleType))
        return NULL;
    return ((HandlePy *)o)->l;
}

static PyObject *Handle_root(PyObject *self, PyObject *u)
{
    (void)u;
    return pyts_object_wrap(pts_engine_root(((HandlePy *)self)->l));
}

static PyObject *Handle_version(PyObject *self, void *c)
{
    (void)c;
    return PyLong_FromLongLong(pts_engine_unit(((HandlePy *)self)->l)->version);
}

static PyObject *Handle_prefix(PyObject *self, void *c)
{
    (void)c;
    return pyts_text(pts_engine_prefix(((HandlePy *)self)->l));
}

static PyObject *Handle_path(PyObject *self, void *c)
{
    (void)c;
    return pyts_text(pts_engine_path(((HandlePy *)self)->l));
}

static PyObject *Handle_extra_files(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = ((HandlePy *)self)->l;
    PyObject *d = PyDict_New();
    int n = pts_engine_extra_count(l);
    for (int i = 0; d && i < n; i++) {
        const char *name;
        const void *data;
        size_t len;
        if (pts_engine_extra_file(l, i, &name, &data, &len)) { /* i < n: cannot fail */
            Py_DECREF(d);
            return pyts_raise(pts_err_last());
        }
        PyObject *b = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)len);
        PyObject *k = pyts_name(name);
        if (!b || !k || PyDict_SetItem(d, k, b) < 0) {
            Py_XDECREF(k);
            Py_XDECREF(b);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(k);
        Py_DECREF(b);
    }
    return d;
}

static PyObject *Handle_records(PyObject *self, PyObject *u)
{
    (void)u;
    pts_loaded *l = ((HandlePy *)self)->l;
    int64_t n = pts_engine_record_count(l);
    PyObject *r = PyList_New((Py_ssize_t)n);
    for (int64_t i = 0; r && i < n; i++) {
        const char *name = pts_engine_record_name(l, i);
        PyObject *s = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, (Py_ssize_t)i, s);
    }
    return r;
}

static PyObject *Handle_constants(PyObject *self, PyObject *u)
{
    (void)u;
    return pyts_to_python(pts_engine_unit(((HandlePy *)self)->l)->constants);
}

static PyObject *Handle_classes(PyObject *self, PyObject *u)
{
    (void)u;
    pts_cu *cu = pts_engine_unit(((HandlePy *)self)->l);
    PyObject *r = PyList_New(cu->nclasses);
    for (int i = 0; r && i < cu->nclasses; i++) {
        PyObject *s = pyts_text(cu->classes[i]->qualname);
        if (!s) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, i, s);
    }
    return r;
}

extern PyObject *pyts_handle_called_ops(PyObject *self, PyObject *u);
extern PyObject *pyts_handle_unsupported_ops(PyObject *self, PyObject *u);
extern PyObject *pyts_handle_run_program(PyObject *self, PyObject *args, PyObject *kwargs);
extern PyObject *pyts_handle_program_state(PyObject *self, PyObject *u);
extern PyObject *pyts_handle_program_info(PyObject *self, PyObject *u);
extern PyObject *pyts_handle_plan(PyObject *self, PyObject *u);
extern PyObject *pyts_handle_plan_stats(PyObject *self, PyObject *u);

static PyMethodDef Handle_methods[] = {
    {"run_program", (PyCFunction)(void (*)(void))pyts_handle_run_program, METH_VARARGS | METH_KEYWORDS,
     "run_program(*args, **kwargs): run a torch.export program (.pt2)"},
    {"program_state", pyts_handle_program_state, METH_NOARGS, "{FQN: ndarray} of a .pt2 program's tensors"},
    {"program_info", pyts_handle_program_info, METH_NOARGS, "None, or (schema major, minor, dialect) of a .pt2"},
    {"root", Handle_root, METH_NOARGS, "the root module object"},
    {"extra_files", Handle_extra_files, METH_NOARGS, "{name: bytes} of extra/ records"},
    {"records", Handle_records, METH_NOARGS, "names of all records in the archive"},
    {"constants", Handle_constants, METH_NOARGS, "the constants table (CONSTANTS.cN)"},
    {"classes", Handle_classes, METH_NOARGS, "qualified names of the classes loaded so far"},
    {"called_ops", pyts_handle_called_ops, METH_NOARGS, "[(op, file, line)] for every op the code calls"},
    {"unsupported_ops", pyts_handle_unsupported_ops, METH_NOARGS,
     "[(op, file, line)] for every call site naming an op pyts lacks (it fails when run)"},
    {"plan", pyts_handle_plan, METH_NOARGS, "run the load-time planning pass (once)"},
    {"plan_stats", pyts_handle_plan_stats, METH_NOARGS, "what the planning pass folded and fused"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Handle_getset[] = {
    {"version", Handle_version, NULL, "file format version", NULL},
    {"prefix", Handle_prefix, NULL, "archive prefix", NULL},
    {"path", Handle_path, NULL, "path or name the archive was loaded from", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Handle_slots[] = {
    {Py_tp_dealloc, Handle_dealloc},
    {Py_tp_methods, Handle_methods},
    {Py_tp_getset, Handle_getset},
    {Py_tp_doc, "A loaded TorchScript archive."},
    {0, NULL},
};

PyType_Spec pyts_Handle_spec = {"pyts._C.Handle", sizeof(HandlePy), 0, Py_TPFLAGS_DEFAULT, Handle_slots};
