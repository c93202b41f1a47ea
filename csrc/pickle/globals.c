/* globals.c - the GLOBAL allow-list of the unpickler and the calls it allows.
 *
 * A GLOBAL never runs code.  Its (module, name) is looked up in the fixed
 * table below, in the `torch <X>Storage` / qscheme names (which push plain
 * ints, as libtorch does), or under `__torch__` (a class of the archive's
 * own code, found through env->get_class; TorchBind C++ classes under
 * `__torch__.torch.classes` are unsupported).  Anything else is a "forbidden
 * global".  What it yields is an opaque "callable" value that only REDUCE,
 * NEWOBJ and BUILD understand; this file implements those three calls and
 * BINPERSID (tensor storages).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "pickle/pk_vm.h"

/* ---- callables ----------------------------------------------------------------- */

/* The free_ptr of every callable: marks an opaque as ours (never frees anything). */
static void callable_marker(void *p) { (void)p; }

bool pts_pk_is_callable(pts_value v, pk_gkind *kind)
{
    if (v.tag != PTS_T_OPAQUE || ((pts_opaque *)v.u.o)->free_ptr != callable_marker)
        return false;
    if (kind)
        *kind = (pk_gkind)((pts_opaque *)v.u.o)->kind;
    return true;
}

static pts_status make_callable(pk_gkind kind, pts_class *cls, pts_value *out)
{
    pts_opaque *op = pts_opaque_new((int)kind, cls, callable_marker);
    if (!op)
        return PTS_ERR_NOMEM;
    *out = pts_obj_value(&op->hdr);
    return PTS_OK;
}

static pts_class *callable_class(pts_value v) { return (pts_class *)((pts_opaque *)v.u.o)->ptr; }

/* ---- the allow-list ---------------------------------------------------------------- */

static const struct {
    const char *module, *name;
    pk_gkind kind;
    const char *unsupported; /* non-NULL: known, but pyts cannot build it */
} allowed[] = {
    {"torch._utils", "_rebuild_tensor_v2", PK_G_REBUILD_TENSOR, NULL},
    {"torch._utils", "_rebuild_parameter", PK_G_REBUILD_PARAMETER, NULL},
    {"torch._utils", "_rebuild_qtensor", 0, "quantized tensors are not supported yet"},
    {"torch._utils", "_rebuild_sparse_tensor", 0, "sparse tensors are not supported yet"},
    {"collections", "OrderedDict", PK_G_ORDERED_DICT, NULL},
    {"torch", "device", PK_G_DEVICE, NULL},
    {"builtins", "complex", PK_G_COMPLEX, NULL},
    {"torch.jit._pickle", "build_intlist", PK_G_INTLIST, NULL},
    {"torch.jit._pickle", "build_doublelist", PK_G_DOUBLELIST, NULL},
    {"torch.jit._pickle", "build_boollist", PK_G_BOOLLIST, NULL},
    {"torch.jit._pickle", "build_tensorlist", PK_G_TENSORLIST, NULL},
    {"torch.jit._pickle", "build_complexlist", PK_G_COMPLEXLIST, NULL},
    {"torch.jit._pickle", "restore_type_tag", PK_G_TYPE_TAG, NULL},
};

/* `torch <qscheme>` pushes the c10 QScheme integer. */
static const char *const qschemes[] = {
    "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
    "per_channel_affine_float_qparams",
};

static bool name_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static pts_status torch_class(pk_vm *vm, const char *module, const char *name, pts_value *out)
{
    char qual[2100];
    pts_class *cls = NULL;
    snprintf(qual, sizeof qual, "%s.%s", module, name);
    if (!vm->env->get_class)
        return pts_pk_err(PTS_ERR_LOAD, "class '%s' used, but no class resolver was given", qual);
    PTS_TRY(vm->env->get_class(vm->env->ctx, qual, &cls));
    if (!cls)
        return pts_pk_err(PTS_ERR_INTERNAL, "class resolver returned no class for '%s'", qual);
    return make_callable(PK_G_CLASS, cls, out);
}

/* `torch <X>Storage` and `torch <qscheme>`: plain ints. */
static pts_status torch_int(const char *name, size_t nl, pts_value *out)
{
    if (nl > 7 && strcmp(name + nl - 7, "Storage") == 0) {
        int dt = pts_dtype_from_storage_name(name);
        if (dt < 0)
            return pts_pk_err(PTS_ERR_LOAD, "unknown storage type 'torch.%s'", name);
        *out = pts_int(dt);
        return PTS_OK;
    }
    for (size_t i = 0; i < sizeof qschemes / sizeof qschemes[0]; i++) {
        if (strcmp(name, qschemes[i]) == 0) {
            *out = pts_int((int64_t)i);
            return PTS_OK;
        }
    }
    return PTS_ERR_KEY; /* not one of these: caller goes on */
}

pts_status pts_pk_resolve_global(pk_vm *vm, const char *m, size_t ml, const char *n, size_t nl, pts_value *out)
{
    char module[1025], name[1025];
    if (!name_ok(m, ml) || !name_ok(n, nl) || ml > 1024 || nl > 1024)
        return pts_pk_err(PTS_ERR_LOAD, "bad GLOBAL name \"%.*s\" \"%.*s\" (expected Python identifiers)",
                          (int)(ml > 80 ? 80 : ml), m, (int)(nl > 80 ? 80 : nl), n);
    memcpy(module, m, ml);
    module[ml] = 0;
    memcpy(name, n, nl);
    name[nl] = 0;
    if (strcmp(module, "__torch__.torch.classes") == 0 || strncmp(module, "__torch__.torch.classes.", 24) == 0)
        return pts_pk_err(PTS_ERR_UNSUPPORTED,
                          "TorchBind class '%s.%s' is not supported (a C++ custom class, such as quantized "
                          "packed weights)", module, name);
    if (strcmp(module, "__torch__") == 0 || strncmp(module, "__torch__.", 10) == 0)
        return torch_class(vm, module, name, out);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (strcmp(module, allowed[i].module) || strcmp(name, allowed[i].name))
            continue;
        if (allowed[i].unsupported)
            return pts_pk_err(PTS_ERR_UNSUPPORTED, "%s (GLOBAL '%s.%s')", allowed[i].unsupported, module, name);
        return make_callable(allowed[i].kind, NULL, out);
    }
    if (strcmp(module, "torch") == 0) {
        pts_status st = torch_int(name, nl, out);
        if (st != PTS_ERR_KEY)
            return st;
    }
    return pts_pk_err(PTS_ERR_LOAD, "forbidden global '%s.%s' (not on the allow-list; never called)", module, name);
}

/* ---- argument checks --------------------------------------------------------------------- */

static pts_status bad_arg(const char *fn, const char *what, pts_value got)
{
    char d[120];
    pts_pk_describe(got, d, sizeof d);
    return pts_pk_err(PTS_ERR_LOAD, "%s: %s, got %s", fn, what, d);
}

static pts_status args_tuple(pts_value arg, int64_t min, int64_t max, const char *fn, pts_tuple **out)
{
    if (arg.tag != PTS_T_TUPLE || PTS_TUPLE(arg)->len < min || PTS_TUPLE(arg)->len > max) {
        char what[80];
        if (min == max)
            snprintf(what, sizeof what, "expected a tuple of %lld arguments", (long long)min);
        else
            snprintf(what, sizeof what, "expected a tuple of %lld to %lld arguments", (long long)min, (long long)max);
        return bad_arg(fn, what, arg);
    }
    *out = PTS_TUPLE(arg);
    return PTS_OK;
}

/* A tuple of ints (tensor sizes or strides). */
static pts_status int_tuple(pts_value v, const char *what, int64_t *out, int *n)
{
    if (v.tag != PTS_T_TUPLE)
        return bad_arg("_rebuild_tensor_v2", what, v);
    pts_tuple *t = PTS_TUPLE(v);
    if (t->len > PTS_MAX_DIMS)
        return pts_pk_err(PTS_ERR_LIMIT, "_rebuild_tensor_v2: tensor with %lld dimensions (pyts supports at most %d)",
                          (long long)t->len, PTS_MAX_DIMS);
    for (int64_t i = 0; i < t->len; i++) {
        if (t->items[i].tag != PTS_T_INT)
            return bad_arg("_rebuild_tensor_v2", what, t->items[i]);
        out[i] = t->items[i].u.i;
    }
    *n = (int)t->len;
    return PTS_OK;
}

/* ---- tensors ---------------------------------------------------------------------------- */

/* The optional 7th argument: tensor metadata {"conj": bool, "neg": bool, ...}. */
static pts_status check_tensor_metadata(pts_value v)
{
    static const char *const bits[] = {"conj", "neg"};
    if (v.tag != PTS_T_DICT)
        return bad_arg("_rebuild_tensor_v2", "metadata must be a dict", v);
    for (size_t i = 0; i < 2; i++) {
        pts_value *b = pts_dict_get_str(PTS_DICT(v), bits[i]);
        if (b && (b->tag != PTS_T_BOOL || b->u.b))
            return pts_pk_err(PTS_ERR_UNSUPPORTED,
                              "_rebuild_tensor_v2: tensors with the %s bit set are not supported "
                              "(materialize it before saving, e.g. with resolve_%s())",
                              bits[i], bits[i]);
    }
    return PTS_OK;
}

/* _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]) */
static pts_status rebuild_tensor(pts_value arg, pts_value *out)
{
    static const char fn[] = "_rebuild_tensor_v2";
    pts_tuple *t = NULL;
    int64_t sizes[PTS_MAX_DIMS], strides[PTS_MAX_DIMS];
    int nd = 0, ns = 0;
    PTS_TRY(args_tuple(arg, 6, 7, fn, &t));
    pts_value *a = t->items;
    if (a[0].tag != PTS_T_STORAGE)
        return bad_arg(fn, "argument 1 must be a storage (from BINPERSID)", a[0]);
    if (a[1].tag != PTS_T_INT)
        return bad_arg(fn, "argument 2 (storage offset) must be an int", a[1]);
    PTS_TRY(int_tuple(a[2], "argument 3 (size) must be a tuple of ints", sizes, &nd));
    PTS_TRY(int_tuple(a[3], "argument 4 (stride) must be a tuple of ints", strides, &ns));
    if (nd != ns)
        return pts_pk_err(PTS_ERR_LOAD, "%s: %d sizes but %d strides", fn, nd, ns);
    if (a[4].tag != PTS_T_BOOL)
        return bad_arg(fn, "argument 5 (requires_grad) must be a bool", a[4]);
    if (t->len == 7)
        PTS_TRY(check_tensor_metadata(a[6]));
    pts_storage *s = (pts_storage *)a[0].u.o;
    pts_tensor *ten = pts_tensor_view_of(s, PTS_UNPICKLE_STORAGE_DTYPE(s), nd, sizes, strides, a[1].u.i);
    if (!ten) {
        pts_status st = pts_err_last();
        return pts_err_context(st == PTS_ERR_NOMEM ? st : PTS_ERR_LOAD, "%s", fn);
    }
    ten->requires_grad = a[4].u.b;
    *out = pts_obj_value(&ten->hdr);
    return PTS_OK;
}

/* _rebuild_parameter(tensor, requires_grad, hooks): an nn.Parameter as torch.save
 * writes it (a state_dict saved with torch.save, as in the .pt2 archives of
 * torch 2.6-2.8).  The tensor itself, marked as a parameter. */
static pts_status rebuild_parameter(pts_value arg, pts_value *out)
{
    static const char fn[] = "_rebuild_parameter";
    pts_tuple *t = NULL;
    PTS_TRY(args_tuple(arg, 3, 3, fn, &t));
    if (t->items[0].tag != PTS_T_TENSOR)
        return bad_arg(fn, "argument 1 must be a tensor", t->items[0]);
    if (t->items[1].tag != PTS_T_BOOL)
        return bad_arg(fn, "argument 2 (requires_grad) must be a bool", t->items[1]);
    pts_tensor *ten = PTS_TENSOR(t->items[0]);
    ten->requires_grad = t->items[1].u.b;
    ten->is_param = true;
    *out = pts_value_retain(t->items[0]);
    return PTS_OK;
}

/* BINPERSID ('storage', dtype, key, location, numel) */
pts_status pts_pk_persid(pk_vm *vm, pts_value pid, pts_value *out)
{
    static const char fn[] = "persistent id";
    pts_tuple *t = NULL;
    PTS_TRY(args_tuple(pid, 5, 5, fn, &t));
    pts_value *a = t->items;
    if (a[0].tag != PTS_T_STR || strcmp(PTS_STR(a[0])->data, "storage") != 0)
        return bad_arg(fn, "element 1 must be 'storage'", a[0]);
    const pts_dtype_info *di = a[1].tag == PTS_T_INT ? pts_dtype_get((int)a[1].u.i) : NULL;
    if (!di || a[1].u.i != (int)a[1].u.i)
        return bad_arg(fn, "element 2 must be a known storage type (torch <X>Storage)", a[1]);
    if (a[2].tag != PTS_T_STR || PTS_STR(a[2])->len == 0 ||
        strlen(PTS_STR(a[2])->data) != (size_t)PTS_STR(a[2])->len)
        return bad_arg(fn, "element 3 must be a record key", a[2]);
    if (a[3].tag != PTS_T_STR)
        return bad_arg(fn, "element 4 must be a device string", a[3]);
    int64_t numel = a[4].tag == PTS_T_INT ? a[4].u.i : -1, nbytes;
    if (numel < 0 || pts_mul_overflow_i64(numel, di->itemsize, &nbytes) || (uint64_t)nbytes > SIZE_MAX)
        return bad_arg(fn, "element 5 must be a valid element count", a[4]);
    if (!vm->env->load_storage)
        return pts_pk_err(PTS_ERR_LOAD, "the pickle has tensors, but no storage loader was given");
    pts_storage *s = NULL;
    int dtype = (int)a[1].u.i;
    const char *key = PTS_STR(a[2])->data;
    PTS_TRY(vm->env->load_storage(vm->env->ctx, dtype, key, numel, &s));
    if (!s || s->hdr.tag != PTS_T_STORAGE) {
        pts_obj_release(s ? &s->hdr : NULL);
        return pts_pk_err(PTS_ERR_INTERNAL, "storage loader returned no storage for '%s'", key);
    }
    pts_status st = PTS_OK;
    if (s->nbytes < (size_t)nbytes)
        st = pts_pk_err(PTS_ERR_LOAD, "storage '%s' has %zu bytes, but %lld %s elements need %lld", key, s->nbytes,
                        (long long)numel, di->name, (long long)nbytes);
    else if (s->hdr.flags && s->hdr.flags != dtype + 1)
        st = pts_pk_err(PTS_ERR_LOAD, "storage '%s' is used with two dtypes (%d and %d)", key,
                        PTS_UNPICKLE_STORAGE_DTYPE(s), dtype);
    if (st) {
        pts_obj_release(&s->hdr);
        return st;
    }
    s->hdr.flags = (uint16_t)(dtype + 1);
    *out = pts_obj_value(&s->hdr);
    return PTS_OK;
}

/* ---- small builtins --------------------------------------------------------------------- */

static const struct {
    const char *name;
    int type;
} device_types[] = {
    {"cpu", 0},   {"cuda", 1},   {"mkldnn", 2}, {"opengl", 3}, {"opencl", 4},  {"ideep", 5},
    {"hip", 6},   {"fpga", 7},   {"maia", 8},   {"xla", 9},    {"vulkan", 10}, {"metal", 11},
    {"xpu", 12},  {"mps", 13},   {"meta", 14},  {"hpu", 15},   {"ve", 16},     {"lazy", 17},
    {"ipu", 18},  {"mtia", 19},  {"privateuseone", 20},
};

pts_status pts_device_parse(const char *s, size_t n, pts_device *out)
{
    const char *colon = memchr(s, ':', n);
    size_t tl = colon ? (size_t)(colon - s) : n;
    int index = -1;
    if (colon) {
        size_t dl = n - tl - 1;
        const char *d = colon + 1;
        if (dl == 0 || dl > 5 || (dl > 1 && d[0] == '0'))
            goto bad;
        index = 0;
        for (size_t i = 0; i < dl; i++) {
            if (d[i] < '0' || d[i] > '9')
                goto bad;
            index = index * 10 + (d[i] - '0');
        }
        if (index > INT16_MAX)
            goto bad;
    }
    for (size_t i = 0; i < sizeof device_types / sizeof device_types[0]; i++) {
        if (strlen(device_types[i].name) == tl && memcmp(device_types[i].name, s, tl) == 0) {
            out->type = (int16_t)device_types[i].type;
            out->index = (int16_t)index;
            return PTS_OK;
        }
    }
bad:
    return pts_err_set(PTS_ERR_VALUE, "invalid device string \"%.*s\"", (int)(n > 60 ? 60 : n), s);
}

static pts_status make_device(pts_value arg, pts_value *out)
{
    pts_tuple *t = NULL;
    pts_device d = {0, -1};
    PTS_TRY(args_tuple(arg, 1, 1, "torch.device", &t));
    if (t->items[0].tag != PTS_T_STR)
        return bad_arg("torch.device", "expected a device string", t->items[0]);
    pts_str *s = PTS_STR(t->items[0]);
    if (pts_device_parse(s->data, (size_t)s->len, &d))
        return pts_err_context(PTS_ERR_LOAD, "torch.device");
    *out = pts_device_value(d.type, d.index);
    return PTS_OK;
}

static bool number(pts_value v, double *d)
{
    if (v.tag == PTS_T_FLOAT)
        *d = v.u.f;
    else if (v.tag == PTS_T_INT)
        *d = (double)v.u.i;
    else
        return false;
    return true;
}

static pts_status make_complex(pts_value arg, pts_value *out)
{
    pts_tuple *t = NULL;
    double re, im;
    PTS_TRY(args_tuple(arg, 2, 2, "complex", &t));
    if (!number(t->items[0], &re) || !number(t->items[1], &im))
        return pts_pk_err(PTS_ERR_LOAD, "complex: expected two numbers");
    *out = pts_complex(re, im);
    return PTS_OK;
}

/* ---- typed lists and type tags ----------------------------------------------------------- */

static void set_list_type(pts_list *l, pts_type *t)
{
    pts_type *old = l->elem;
    l->elem = pts_type_retain(t);
    pts_type_release(old);
}

/* build_intlist / build_doublelist / ... ((list,)) -> the list, typed */
static pts_status typed_list(pk_gkind kind, pts_value arg, pts_value *out)
{
    static const struct {
        pk_gkind kind;
        const char *fn;
        pts_tag tag;
        pts_type_kind type;
    } lists[] = {
        {PK_G_INTLIST, "build_intlist", PTS_T_INT, PTS_TY_INT},
        {PK_G_DOUBLELIST, "build_doublelist", PTS_T_FLOAT, PTS_TY_FLOAT},
        {PK_G_BOOLLIST, "build_boollist", PTS_T_BOOL, PTS_TY_BOOL},
        {PK_G_TENSORLIST, "build_tensorlist", PTS_T_TENSOR, PTS_TY_TENSOR},
        {PK_G_COMPLEXLIST, "build_complexlist", PTS_T_COMPLEX, PTS_TY_COMPLEX},
    };
    size_t k = 0;
    while (lists[k].kind != kind)
        k++;
    pts_tuple *t = NULL;
    PTS_TRY(args_tuple(arg, 1, 1, lists[k].fn, &t));
    if (t->items[0].tag != PTS_T_LIST)
        return bad_arg(lists[k].fn, "expected a list", t->items[0]);
    pts_list *l = PTS_LIST(t->items[0]);
    for (int64_t i = 0; i < l->len; i++)
        if (l->items[i].tag != lists[k].tag)
            return bad_arg(lists[k].fn, "wrong element type", l->items[i]);
    set_list_type(l, pts_type_base(lists[k].type));
    *out = pts_value_retain(t->items[0]);
    return PTS_OK;
}

/* restore_type_tag((list or dict, "List[...]" / "Dict[..., ...]")) -> the container, typed */
static pts_status restore_type_tag(pts_value arg, pts_value *out)
{
    static const char fn[] = "restore_type_tag";
    pts_tuple *t = NULL;
    pts_type *ty = NULL;
    PTS_TRY(args_tuple(arg, 2, 2, fn, &t));
    pts_value c = t->items[0], s = t->items[1];
    if (s.tag != PTS_T_STR)
        return bad_arg(fn, "argument 2 must be a type string", s);
    PTS_TRY(pts_type_parse(PTS_STR(s)->data, (size_t)PTS_STR(s)->len, fn, &ty));
    pts_status st = PTS_OK;
    if (c.tag == PTS_T_LIST && ty->kind == PTS_TY_LIST && ty->nargs == 1) {
        set_list_type(PTS_LIST(c), ty->args[0]);
    } else if (c.tag == PTS_T_DICT && ty->kind == PTS_TY_DICT && ty->nargs == 2) {
        pts_dict *d = PTS_DICT(c);
        pts_type *ok = d->key_type, *ov = d->val_type;
        d->key_type = pts_type_retain(ty->args[0]);
        d->val_type = pts_type_retain(ty->args[1]);
        pts_type_release(ok);
        pts_type_release(ov);
    } else {
        char d[120];
        pts_pk_describe(c, d, sizeof d);
        st = pts_pk_err(PTS_ERR_LOAD, "%s: type \"%s\" does not fit %s", fn, PTS_STR(s)->data, d);
    }
    pts_type_release(ty);
    if (!st)
        *out = pts_value_retain(c);
    return st;
}

/* ---- classes: objects and enums -------------------------------------------------------------- */

static pts_status make_enum(pk_vm *vm, pts_class *cls, pts_value v, pts_value *out)
{
    if (v.tag != PTS_T_INT && v.tag != PTS_T_FLOAT && v.tag != PTS_T_STR)
        return bad_arg(cls->qualname, "an enum value must be an int, float or str", v);
    if (!vm->env->make_enum)
        return pts_pk_err(PTS_ERR_LOAD, "enum '%s' used, but no enum constructor was given", cls->qualname);
    pts_value r = pts_none();
    PTS_TRY(vm->env->make_enum(vm->env->ctx, cls, v, &r));
    switch ((pts_tag)r.tag) {
    case PTS_T_LIST: case PTS_T_DICT: case PTS_T_TUPLE: case PTS_T_OBJECT:
    case PTS_T_STORAGE: case PTS_T_OPAQUE: case PTS_T_UNINIT:
        pts_value_release(r);
        return pts_pk_err(PTS_ERR_INTERNAL, "enum constructor for '%s' returned a %s", cls->qualname,
                          pts_tag_name((pts_tag)r.tag));
    default:
        break;
    }
    *out = r;
    return PTS_OK;
}

pts_status pts_pk_reduce(pk_vm *vm, pts_value f, pts_value arg, pts_value *out)
{
    pk_gkind kind;
    if (!pts_pk_is_callable(f, &kind))
        return bad_arg("REDUCE", "expected a GLOBAL to call", f);
    switch (kind) {
    case PK_G_CLASS: {
        pts_class *cls = callable_class(f);
        if (cls->kind != PTS_CLS_ENUM)
            return pts_pk_err(PTS_ERR_LOAD, "class '%s' is not an enum (objects are made by NEWOBJ and BUILD)",
                              cls->qualname);
        return make_enum(vm, cls, arg, out);
    }
    case PK_G_REBUILD_TENSOR: return rebuild_tensor(arg, out);
    case PK_G_REBUILD_PARAMETER: return rebuild_parameter(arg, out);
    case PK_G_ORDERED_DICT:
        if (arg.tag != PTS_T_TUPLE)
            return bad_arg("OrderedDict", "expected an argument tuple", arg);
        *out = pts_none(); /* tensor backward hooks: never used */
        return PTS_OK;
    case PK_G_DEVICE: return make_device(arg, out);
    case PK_G_COMPLEX: return make_complex(arg, out);
    case PK_G_TYPE_TAG: return restore_type_tag(arg, out);
    case PK_G_INTLIST: case PK_G_DOUBLELIST: case PK_G_BOOLLIST: case PK_G_TENSORLIST: case PK_G_COMPLEXLIST:
        return typed_list(kind, arg, out);
    }
    return pts_pk_err(PTS_ERR_INTERNAL, "unknown callable kind %d", (int)kind);
}

pts_status pts_pk_newobj(pk_vm *vm, pts_value f, pts_value args, pts_value *out)
{
    pk_gkind kind;
    if (!pts_pk_is_callable(f, &kind) || kind != PK_G_CLASS)
        return bad_arg("NEWOBJ", "expected a __torch__ class", f);
    pts_class *cls = callable_class(f);
    if (cls->kind != PTS_CLS_MODULE && cls->kind != PTS_CLS_CLASS)
        return pts_pk_err(PTS_ERR_LOAD, "class '%s' cannot be instantiated (not a module or class)", cls->qualname);
    if (args.tag != PTS_T_TUPLE || PTS_TUPLE(args)->len != 0)
        return bad_arg("NEWOBJ", "expected an empty argument tuple", args);
    pts_object *ob = pts_object_new(cls);
    if (!ob)
        return PTS_ERR_NOMEM;
    pts_value v = pts_obj_value(&ob->hdr);
    pts_status st = pts_pk_track(vm, &ob->hdr);
    if (!st)
        st = pts_pk_set_height(vm, &ob->hdr, 1);
    if (st) {
        pts_value_release(v);
        return st;
    }
    *out = v;
    return PTS_OK;
}

/* BUILD with a state dict {attribute name: value}: every attribute exactly once. */
static pts_status build_from_dict(pk_vm *vm, pts_object *ob, pts_dict *d)
{
    pts_class *cls = ob->cls;
    unsigned h = 0;
    for (int64_t i = 0; i < d->nentries; i++) {
        pts_dict_entry *e = &d->entries[i];
        if (!e->live)
            continue;
        pts_str *k = e->key.tag == PTS_T_STR ? PTS_STR(e->key) : NULL;
        if (!k || strlen(k->data) != (size_t)k->len)
            return bad_arg(cls->qualname, "state keys must be attribute names", e->key);
        int slot = pts_class_attr_index(cls, k->data);
        if (slot < 0)
            return pts_pk_err(PTS_ERR_LOAD, "class '%s' has no attribute '%.100s'", cls->qualname, k->data);
        if (e->val.tag == PTS_T_OBJECT && e->val.u.o == &ob->hdr)
            return pts_pk_err(PTS_ERR_LOAD, "object of class '%s' cannot contain itself", cls->qualname);
        PTS_TRY(pts_pk_adopt(vm, e->val, "an object"));
        h = pts_pk_height(e->val) > h ? pts_pk_height(e->val) : h;
        pts_value old = ob->slots[slot];
        ob->slots[slot] = pts_value_retain(e->val);
        pts_value_release(old);
    }
    for (int i = 0; i < cls->nattrs; i++)
        if (ob->slots[i].tag == PTS_T_UNINIT)
            return pts_pk_err(PTS_ERR_LOAD, "attribute '%s' of class '%s' is missing from the pickled state",
                              cls->attrs[i].name, cls->qualname);
    return pts_pk_set_height(vm, &ob->hdr, h + 1);
}

/* BUILD through the class's __setstate__ (env->set_state). */
static pts_status build_set_state(pk_vm *vm, pts_object *ob, pts_value state)
{
    if (!vm->env->set_state)
        return pts_pk_err(PTS_ERR_LOAD, "class '%s' has __setstate__, but no set_state callback was given",
                          ob->cls->qualname);
    if (state.tag == PTS_T_OBJECT && state.u.o == &ob->hdr)
        return pts_pk_err(PTS_ERR_LOAD, "object of class '%s' cannot be its own state", ob->cls->qualname);
    PTS_TRY(pts_pk_adopt(vm, state, "an object's state"));
    PTS_TRY(pts_pk_set_height(vm, &ob->hdr, pts_pk_height(state) + 1));
    return vm->env->set_state(vm->env->ctx, ob, state);
}

pts_status pts_pk_build(pk_vm *vm, pts_value obj, pts_value state)
{
    if (obj.tag != PTS_T_OBJECT)
        return bad_arg("BUILD", "expected an object (from NEWOBJ)", obj);
    pts_object *ob = PTS_OBJECT(obj);
    if (ob->hdr.flags & PK_F_BUILT)
        return pts_pk_err(PTS_ERR_LOAD, "object of class '%s' is built twice", ob->cls->qualname);
    PTS_TRY(pts_pk_check_mutable(&ob->hdr, "object"));
    ob->hdr.flags |= PK_F_BUILT;
    if (pts_class_find_method(ob->cls, "__setstate__"))
        return build_set_state(vm, ob, state);
    if (state.tag != PTS_T_DICT)
        return bad_arg(ob->cls->qualname, "state must be a dict of attributes", state);
    return build_from_dict(vm, ob, PTS_DICT(state));
}
