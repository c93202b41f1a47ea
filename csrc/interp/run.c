/* run.c - the interpreter's entry points: run a method of a loaded object
 * (argument checking against the signature, keyword arguments, defaults,
 * Module.__call__ with forward hooks), run the __setstate__ calls the
 * loader deferred, and list every operator a unit calls that pyts lacks.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "interp/interp.h"
#include "interp/run.h"
#include "interp/run_api.h"

/* Python-ish name of a value's type for messages. */
static const char *value_type_name(pts_value v)
{
    switch ((pts_tag)v.tag) {
    case PTS_T_NONE: return "NoneType";
    case PTS_T_BOOL: return "bool";
    case PTS_T_INT: return "int";
    case PTS_T_FLOAT: return "float";
    case PTS_T_COMPLEX: return "complex";
    case PTS_T_STR: return "str";
    case PTS_T_TENSOR: return "Tensor";
    case PTS_T_LIST: return "list";
    case PTS_T_TUPLE: return "tuple";
    case PTS_T_DICT: return "dict";
    case PTS_T_DEVICE: return "Device";
    case PTS_T_OBJECT: return PTS_OBJECT(v)->cls->qualname;
    default: return pts_tag_name((pts_tag)v.tag);
    }
}

/* v converted to type t as torch converts a Python argument (toIValue): an int or bool where a float
 * is expected becomes a float, a bool where a number is expected an int, at any depth of lists,
 * tuples and dict values ([1, 2.5] for List[float]).  *fits = false when v does not fit t; on
 * success *out is a new reference. */
static pts_status convert_arg(pts_value v, const pts_type *t, pts_value *out, bool *fits)
{
    *fits = true;
    if (pts_value_isinstance(v, t)) {
        *out = pts_value_retain(v);
        return PTS_OK;
    }
    switch (t->kind) {
    case PTS_TY_OPTIONAL:
        if (v.tag == PTS_T_NONE) {
            *out = pts_none();
            return PTS_OK;
        }
        return convert_arg(v, t->args[0], out, fits);
    case PTS_TY_FLOAT:
        if (v.tag != PTS_T_INT && v.tag != PTS_T_BOOL)
            break;
        *out = pts_float(v.tag == PTS_T_INT ? (double)v.u.i : (double)v.u.b);
        return PTS_OK;
    case PTS_TY_NUMBER:
        if (v.tag != PTS_T_BOOL)
            break;
        *out = pts_int(v.u.b);
        return PTS_OK;
    case PTS_TY_LIST: {
        if (v.tag != PTS_T_LIST)
            break;
        pts_list *src = PTS_LIST(v), *l = pts_list_new(t->args[0], src->len);
        if (!l)
            return pts_err_nomem("a list argument", 0);
        pts_value lv = pts_obj_value(&l->hdr), e;
        pts_status st = PTS_OK;
        for (int64_t k = 0; k < src->len && !st && *fits; k++) {
            st = convert_arg(src->items[k], t->args[0], &e, fits);
            if (!st && *fits)
                st = pts_list_append(l, e);
        }
        if (st || !*fits) {
            pts_value_release(lv);
            return st;
        }
        *out = lv;
        return PTS_OK;
    }
    case PTS_TY_TUPLE: {
        if (v.tag != PTS_T_TUPLE || PTS_TUPLE(v)->len != t->nargs)
            break;
        pts_tuple *tu = pts_tuple_new(t->nargs);
        if (!tu)
            return pts_err_nomem("a tuple argument", 0);
        pts_value tv = pts_obj_value(&tu->hdr);
        pts_status st = PTS_OK;
        for (int k = 0; k < t->nargs && !st && *fits; k++)
            st = convert_arg(PTS_TUPLE(v)->items[k], t->args[k], &tu->items[k], fits);
        if (st || !*fits) {
            pts_value_release(tv);
            return st;
        }
        *out = tv;
        return PTS_OK;
    }
    case PTS_TY_DICT: {
        if (v.tag != PTS_T_DICT)
            break;
        pts_dict *src = PTS_DICT(v), *d = pts_dict_new(t->args[0], t->args[1]);
        if (!d)
            return pts_err_nomem("a dict argument", 0);
        pts_value dv = pts_obj_value(&d->hdr);
        pts_status st = PTS_OK;
        for (int64_t k = 0; k < src->nentries && !st && *fits; k++) {
            if (!src->entries[k].live)
                continue;
            pts_value key, val;
            st = convert_arg(src->entries[k].key, t->args[0], &key, fits);
            if (st || !*fits)
                break;
            st = convert_arg(src->entries[k].val, t->args[1], &val, fits);
            if (st || !*fits) {
                pts_value_release(key);
                break;
            }
            st = pts_dict_set(d, key, val);
        }
        if (st || !*fits) {
            pts_value_release(dv);
            return st;
        }
        *out = dv;
        return PTS_OK;
    }
    default: break;
    }
    *fits = false;
    return PTS_OK;
}

/* Accept v for a parameter of type t: exact, or converted as torch's argument conversion does
 * (convert_arg).  *out: new reference. */
static pts_status check_arg(const pts_code *code, int i, pts_value v, pts_value *out)
{
    const pts_type *t = code->param_types[i];
    if (!t || pts_value_isinstance(v, t)) {
        *out = pts_value_retain(v);
        return PTS_OK;
    }
    bool fits;
    pts_status st = convert_arg(v, t, out, &fits);
    if (st)
        return pts_err_context(st, "argument '%s' of %s()", code->param_names[i], code->name);
    if (fits)
        return PTS_OK;
    char want[160];
    pts_type_str(t, want, sizeof want);
    return pts_err_set(PTS_ERR_TYPE, "%s() argument '%s' must be %s, not %s", code->name, code->param_names[i], want,
                       value_type_name(v));
}

/* Bind (self, args, kwargs) to code's parameters and run it. */
static pts_status call_code(pts_code *code, pts_value self, int nargs, const pts_value *args, int nkw,
                            const char *const *kwnames, const pts_value *kwargs, pts_value *out)
{
    int np = code->nparams;
    if (nargs + 1 > np)
        return pts_err_set(PTS_ERR_TYPE, "%s() expected at most %d argument(s) but received %d argument(s)", code->name,
                           np - 1, nargs);
    pts_value buf[16], *all = buf;
    if (np > 16) {
        all = pts_calloc((size_t)np, sizeof *all);
        if (!all)
            return pts_err_nomem("arguments", 0);
    }
    int filled = 0;
    pts_status st = PTS_OK;
    all[filled++] = pts_value_retain(self);
    for (int i = 0; i < nargs && !st; i++) {
        st = check_arg(code, i + 1, args[i], &all[filled]);
        if (!st)
            filled++;
    }
    for (int i = nargs + 1; i < np && !st; i++) {
        int kw = -1;
        for (int k = 0; k < nkw; k++)
            if (strcmp(kwnames[k], code->param_names[i]) == 0)
                kw = k;
        if (kw >= 0)
            st = check_arg(code, i, kwargs[kw], &all[filled]);
        else if (code->defaults[i].tag != PTS_T_UNINIT)
            all[filled] = pts_value_retain(code->defaults[i]);
        else
            st = pts_err_set(PTS_ERR_TYPE, "%s() is missing value for argument '%s'", code->name, code->param_names[i]);
        if (!st)
            filled++;
    }
    for (int k = 0; k < nkw && !st; k++) {
        int found = -1;
        for (int i = 1; i < np; i++)
            if (strcmp(kwnames[k], code->param_names[i]) == 0)
                found = i;
        if (found < 0)
            st = pts_err_set(PTS_ERR_TYPE, "%s() got an unexpected keyword argument '%s'", code->name, kwnames[k]);
        else if (found <= nargs)
            st = pts_err_set(PTS_ERR_TYPE, "%s() got multiple values for argument '%s'", code->name, kwnames[k]);
    }
    if (!st)
        st = pts_vm_call(code, np, all, out);
    for (int i = 0; i < filled; i++)
        pts_value_release(all[i]);
    if (all != buf)
        pts_free(all);
    return st;
}

static pts_status method_code(pts_value self, const char *name, pts_code **out)
{
    if (self.tag != PTS_T_OBJECT)
        return pts_err_set(PTS_ERR_TYPE, "cannot run method '%s' on a %s", name, value_type_name(self));
    pts_class *cls = PTS_OBJECT(self)->cls;
    pts_method *m = pts_class_find_method(cls, name);
    if (!m)
        return pts_err_set(PTS_ERR_KEY, "'%s' has no method '%s'", cls->qualname, name);
    char q[700];
    snprintf(q, sizeof q, "%s.%s", cls->qualname, name);
    return pts_interp_compile(cls->cu, cls, m, q, out);
}

/* Module.__call__: pre-hooks, forward, hooks. */
static pts_status call_with_hooks(pts_value self, int nargs, const pts_value *args, int nkw, const char *const *kwnames,
                                  const pts_value *kwargs, pts_value *out)
{
    pts_class *cls = PTS_OBJECT(self)->cls;
    pts_tuple *in = pts_tuple_new(nargs);
    if (!in)
        return PTS_ERR_NOMEM;
    for (int i = 0; i < nargs; i++)
        in->items[i] = pts_value_retain(args[i]);
    pts_value input = pts_obj_value(&in->hdr);
    pts_status st = PTS_OK;
    for (int h = 0; h < cls->npre_hooks && !st; h++) {
        pts_value r;
        st = pts_interp_call_method(self, cls->pre_hooks[h], 1, &input, &r);
        if (st)
            break;
        if (r.tag == PTS_T_NONE)
            continue;
        pts_value_release(input);
        if (r.tag == PTS_T_TUPLE) {
            input = r;
        } else {
            pts_tuple *t = pts_tuple_new(1);
            if (!t) {
                pts_value_release(r);
                input = pts_none();
                st = PTS_ERR_NOMEM;
                break;
            }
            t->items[0] = r;
            input = pts_obj_value(&t->hdr);
        }
    }
    pts_value output = pts_none();
    if (!st) {
        pts_code *code = NULL;
        st = method_code(self, "forward", &code);
        if (!st)
            st = call_code(code, self, (int)PTS_TUPLE(input)->len, PTS_TUPLE(input)->items, nkw, kwnames, kwargs, &output);
    }
    for (int h = 0; h < cls->nhooks && !st; h++) {
        pts_value hargs[2] = {input, output}, r;
        st = pts_interp_call_method(self, cls->hooks[h], 2, hargs, &r);
        if (st)
            break;
        if (r.tag != PTS_T_NONE) {
            pts_value_release(output);
            output = r;
        }
    }
    pts_value_release(input);
    if (st) {
        pts_value_release(output);
        return st;
    }
    *out = output;
    return PTS_OK;
}

pts_status pts_run_method(pts_value self, const char *name, int nargs, const pts_value *args, int nkw,
                          const char *const *kwnames, const pts_value *kwargs, pts_value *out)
{
    *out = pts_none();
    PTS_TRY(pts_ops_init());
    if (self.tag != PTS_T_OBJECT)
        return pts_err_set(PTS_ERR_TYPE, "cannot run method '%s' on a %s", name, value_type_name(self));
    if (strcmp(name, "__call__") == 0)
        return call_with_hooks(self, nargs, args, nkw, kwnames, kwargs, out);
    pts_code *code = NULL;
    PTS_TRY(method_code(self, name, &code));
    return call_code(code, self, nargs, args, nkw, kwnames, kwargs, out);
}

pts_status pts_interp_run_setstate(int npairs, const pts_value *pairs)
{
    PTS_TRY(pts_ops_init());
    pts_status st = PTS_OK;
    for (int i = 0; i < npairs && !st; i++) {
        pts_value r;
        st = pts_interp_call_method(pairs[2 * i], "__setstate__", 1, &pairs[2 * i + 1], &r);
        if (!st)
            pts_value_release(r);
        else
            pts_err_context(st, "running __setstate__ of %s", PTS_OBJECT(pairs[2 * i])->cls->qualname);
    }
    return st;
}

static pts_status compile_all(pts_cu *cu, pts_status *first_err, char *first_msg, size_t cap)
{
    for (int ci = 0; ci < cu->nclasses; ci++) { /* compiling may import more classes */
        pts_class *cls = cu->classes[ci];
        if (cls->kind == PTS_CLS_INTERFACE || cls->kind == PTS_CLS_MODULE_INTERFACE)
            continue;
        for (int mi = 0; mi < cls->nmethods; mi++) {
            char q[700];
            pts_code *code = NULL;
            snprintf(q, sizeof q, "%s.%s", cls->qualname, cls->methods[mi].name);
            pts_status st = pts_interp_compile(cu, cls, &cls->methods[mi], q, &code);
            if (st && !*first_err) {
                *first_err = st;
                snprintf(first_msg, cap, "%s", pts_err_message());
            }
        }
    }
    for (int fi = 0; fi < cu->nfunctions; fi++) {
        pts_function *f = cu->functions[fi];
        pts_code *code = NULL;
        pts_status st = pts_interp_compile(cu, NULL, &f->m, f->qualname, &code);
        if (st && !*first_err) {
            *first_err = st;
            snprintf(first_msg, cap, "%s", pts_err_message());
        }
    }
    return PTS_OK;
}

pts_status pts_interp_check_ops(pts_cu *cu, pts_missing_op **missing, int *nmissing)
{
    *missing = NULL;
    *nmissing = 0;
    PTS_TRY(pts_ops_init());
    pts_interp_unit *iu = pts_interp_unit_of(cu);
    if (!iu)
        return PTS_ERR_NOMEM;
    pts_status first = PTS_OK;
    char msg[2048] = "";
    compile_all(cu, &first, msg, sizeof msg);
    pthread_mutex_lock(&iu->lock);
    int n = iu->nmissing;
    pts_missing_op *out = NULL;
    pts_status st = PTS_OK;
    if (n) {
        out = pts_calloc((size_t)n, sizeof *out);
        if (!out)
            st = pts_err_nomem("the missing-operator list", 0);
        for (int i = 0; i < n && !st; i++) {
            out[i] = iu->missing[i];
            out[i].op = pts_strdup(iu->missing[i].op);
            out[i].file = pts_strdup(iu->missing[i].file);
            if (!out[i].op || !out[i].file)
                st = pts_err_nomem("the missing-operator list", 0);
        }
    }
    pthread_mutex_unlock(&iu->lock);
    if (st) {
        pts_interp_free_missing(out, n);
        return st;
    }
    *missing = out;
    *nmissing = n;
    if (!n && first)
        return pts_err_set(first, "%s", msg);
    return PTS_OK;
}

void pts_interp_free_missing(pts_missing_op *missing, int n)
{
    if (!missing)
        return;
    for (int i = 0; i < n; i++) {
        pts_free(missing[i].op);
        pts_free(missing[i].file);
    }
    pts_free(missing);
}

pts_status pts_interp_call_function(pts_cu *cu, const char *qualname, int nargs, const pts_value *args, pts_value *out)
{
    *out = pts_none();
    PTS_TRY(pts_ops_init());
    pts_function *f = pts_cu_find_function(cu, qualname);
    if (!f)
        return pts_err_set(PTS_ERR_KEY, "function '%s' is not defined", qualname);
    pts_code *code = NULL;
    PTS_TRY(pts_interp_compile(cu, NULL, &f->m, qualname, &code));
    if (nargs > code->nparams)
        return pts_err_set(PTS_ERR_TYPE, "%s() takes %d arguments but %d were given", qualname, code->nparams, nargs);
    pts_value buf[32];
    if (code->nparams > 32)
        return pts_err_set(PTS_ERR_LIMIT, "too many parameters");
    for (int i = 0; i < code->nparams; i++) {
        if (i < nargs)
            buf[i] = args[i];
        else if (code->defaults[i].tag != PTS_T_UNINIT)
            buf[i] = code->defaults[i];
        else
            return pts_err_set(PTS_ERR_TYPE, "%s() missing argument '%s'", qualname, code->param_names[i]);
    }
    return pts_vm_call(code, code->nparams, buf, out);
}
