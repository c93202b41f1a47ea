/* class.c - compilation units and classes (see class.h). */
#include "value/class.h"

#include <string.h>

#include "core/alloc.h"
#include "core/grow.h"

static void class_free(pts_class *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nattrs; i++) {
        pts_free(c->attrs[i].name);
        pts_type_release(c->attrs[i].type);
        pts_value_release(c->attrs[i].default_value);
    }
    pts_free(c->attrs);
    for (int i = 0; i < c->nconsts; i++) {
        pts_free(c->consts[i].name);
        pts_type_release(c->consts[i].type);
        pts_value_release(c->consts[i].value);
    }
    pts_free(c->consts);
    for (int i = 0; i < c->nmethods; i++)
        pts_free(c->methods[i].name);
    pts_free(c->methods);
    for (int i = 0; i < c->npre_hooks; i++)
        pts_free(c->pre_hooks[i]);
    for (int i = 0; i < c->nhooks; i++)
        pts_free(c->hooks[i]);
    pts_free(c->pre_hooks);
    pts_free(c->hooks);
    pts_free(c->source);
    pts_free(c->qualname);
    pts_free(c->file);
    pts_type_release(c->type);
    pts_free(c);
}

static void cu_destroy(pts_obj *o)
{
    pts_cu *cu = (pts_cu *)o;
    /* constants may hold objects of this unit: they hold refs on cu, which
     * would keep it alive; the loader clears the table when the handle goes
     * away (pts_cu_drop_constants) so we get here. */
    pts_value_release(cu->constants);
    if (cu->compiled_extra_free)
        cu->compiled_extra_free(cu->compiled_extra);
    for (int i = 0; i < cu->nclasses; i++)
        class_free(cu->classes[i]);
    pts_free(cu->classes);
    for (int i = 0; i < cu->nfunctions; i++) {
        pts_free(cu->functions[i]->qualname);
        pts_free(cu->functions[i]->file);
        pts_free(cu->functions[i]->m.name);
        pts_free(cu->functions[i]);
    }
    pts_free(cu->functions);
    for (int i = 0; i < cu->nfiles; i++) {
        pts_free(cu->files[i].path);
        pts_free(cu->files[i].text);
    }
    pts_free(cu->files);
    if (cu->arena_free)
        cu->arena_free(cu->arena);
    if (cu->archive_close)
        cu->archive_close(cu->archive);
    pts_free(cu);
}

pts_cu *pts_cu_new(void)
{
    pts_cu *cu = pts_calloc(1, sizeof *cu);
    if (!cu) {
        pts_err_nomem("a compilation unit", sizeof *cu);
        return NULL;
    }
    pts_obj_init(&cu->hdr, PTS_T_OPAQUE, cu_destroy);
    cu->constants = pts_none();
    cu->version = 0;
    return cu;
}

pts_class *pts_cu_find_class(pts_cu *cu, const char *qualname)
{
    for (int i = 0; i < cu->nclasses; i++)
        if (strcmp(cu->classes[i]->qualname, qualname) == 0)
            return cu->classes[i];
    return NULL;
}

pts_function *pts_cu_find_function(pts_cu *cu, const char *qualname)
{
    for (int i = 0; i < cu->nfunctions; i++)
        if (strcmp(cu->functions[i]->qualname, qualname) == 0)
            return cu->functions[i];
    return NULL;
}

pts_status pts_cu_get_class(pts_cu *cu, const char *qualname, pts_class **out)
{
    *out = pts_cu_find_class(cu, qualname);
    if (*out)
        return PTS_OK;
    if (cu->import_qualifier) {
        PTS_TRY(cu->import_qualifier(cu, qualname));
        *out = pts_cu_find_class(cu, qualname);
        if (*out)
            return PTS_OK;
    }
    return pts_err_set(PTS_ERR_LOAD, "class '%s' is not defined in the archive's code", qualname);
}

pts_status pts_cu_add_class(pts_cu *cu, const char *qualname, pts_class_kind kind, pts_class **out)
{
    if (pts_cu_find_class(cu, qualname))
        return pts_err_set(PTS_ERR_LOAD, "class '%s' is defined twice", qualname);
    PTS_TRY(pts_grow_int((void **)&cu->classes, &cu->cap_classes, cu->nclasses + 1, sizeof(pts_class *), 8, "classes"));
    pts_class *c = pts_calloc(1, sizeof *c);
    if (!c)
        return pts_err_nomem("a class", sizeof *c);
    c->cu = cu;
    c->kind = kind;
    c->qualname = pts_strdup(qualname);
    c->type = pts_type_new_class(qualname, c);
    if (!c->qualname || !c->type) {
        class_free(c);
        return pts_err_nomem("a class", strlen(qualname));
    }
    cu->classes[cu->nclasses++] = c;
    *out = c;
    return PTS_OK;
}

pts_status pts_cu_add_function(pts_cu *cu, const char *qualname, pts_function **out)
{
    if (pts_cu_find_function(cu, qualname))
        return pts_err_set(PTS_ERR_LOAD, "function '%s' is defined twice", qualname);
    PTS_TRY(pts_grow_int((void **)&cu->functions, &cu->cap_functions, cu->nfunctions + 1, sizeof(pts_function *), 8,
                 "functions"));
    pts_function *f = pts_calloc(1, sizeof *f);
    if (!f)
        return pts_err_nomem("a function", sizeof *f);
    f->qualname = pts_strdup(qualname);
    const char *dot = strrchr(qualname, '.');
    f->m.name = pts_strdup(dot ? dot + 1 : qualname);
    if (!f->qualname || !f->m.name) {
        pts_free(f->qualname);
        pts_free(f->m.name);
        pts_free(f);
        return pts_err_nomem("a function", strlen(qualname));
    }
    cu->functions[cu->nfunctions++] = f;
    *out = f;
    return PTS_OK;
}

pts_status pts_cu_add_file(pts_cu *cu, const char *path, char *text, size_t len, pts_file **out)
{
    pts_status st = pts_grow_int((void **)&cu->files, &cu->cap_files, cu->nfiles + 1, sizeof(pts_file), 8, "files");
    if (st) {
        pts_free(text);
        return st;
    }
    pts_file *f = &cu->files[cu->nfiles];
    f->path = pts_strdup(path);
    if (!f->path) {
        pts_free(text);
        return pts_err_nomem("a file name", strlen(path));
    }
    f->text = text;
    f->len = len;
    f->ast = NULL;
    cu->nfiles++;
    if (out)
        *out = f;
    return PTS_OK;
}

pts_file *pts_cu_find_file(pts_cu *cu, const char *path)
{
    for (int i = 0; i < cu->nfiles; i++)
        if (strcmp(cu->files[i].path, path) == 0)
            return &cu->files[i];
    return NULL;
}

pts_status pts_class_add_attr(pts_class *c, const char *name, pts_type *type)
{
    if (pts_class_attr_index(c, name) >= 0) {
        pts_type_release(type);
        return pts_err_set(PTS_ERR_LOAD, "class '%s': attribute '%s' declared twice", c->qualname, name);
    }
    pts_status st = pts_grow_int((void **)&c->attrs, &c->cap_attrs, c->nattrs + 1, sizeof(pts_attr), 8, "attributes");
    if (st) {
        pts_type_release(type);
        return st;
    }
    pts_attr *a = &c->attrs[c->nattrs];
    memset(a, 0, sizeof *a);
    a->name = pts_strdup(name);
    if (!a->name) {
        pts_type_release(type);
        return pts_err_nomem("an attribute name", strlen(name));
    }
    a->type = type;
    a->default_value = pts_none();
    c->nattrs++;
    return PTS_OK;
}

pts_status pts_class_add_const(pts_class *c, const char *name, pts_type *type, pts_value value)
{
    pts_status st = pts_grow_int((void **)&c->consts, &c->cap_consts, c->nconsts + 1, sizeof(pts_const), 8, "constants");
    if (st)
        goto fail;
    pts_const *k = &c->consts[c->nconsts];
    k->name = pts_strdup(name);
    if (!k->name) {
        st = pts_err_nomem("a constant name", strlen(name));
        goto fail;
    }
    k->type = type;
    k->value = value;
    c->nconsts++;
    return PTS_OK;
fail:
    pts_type_release(type);
    pts_value_release(value);
    return st;
}

pts_status pts_class_add_method(pts_class *c, const char *name, void *def, int line, pts_method **out)
{
    PTS_TRY(pts_grow_int((void **)&c->methods, &c->cap_methods, c->nmethods + 1, sizeof(pts_method), 8, "methods"));
    pts_method *m = &c->methods[c->nmethods];
    memset(m, 0, sizeof *m);
    m->name = pts_strdup(name);
    if (!m->name)
        return pts_err_nomem("a method name", strlen(name));
    m->def = def;
    m->line = line;
    c->nmethods++;
    if (out)
        *out = m;
    return PTS_OK;
}

pts_status pts_class_add_hook(pts_class *c, bool pre, const char *name)
{
    char ***arr = pre ? &c->pre_hooks : &c->hooks;
    int *n = pre ? &c->npre_hooks : &c->nhooks;
    char **na = pts_realloc(*arr, (size_t)(*n + 1) * sizeof(char *));
    if (!na)
        return pts_err_nomem("hooks", (size_t)(*n + 1) * sizeof(char *));
    *arr = na;
    na[*n] = pts_strdup(name);
    if (!na[*n])
        return pts_err_nomem("a hook name", strlen(name));
    (*n)++;
    return PTS_OK;
}

pts_status pts_class_mark_param(pts_class *c, const char *name, bool param, bool buffer)
{
    int i = pts_class_attr_index(c, name);
    if (i < 0)
        return pts_err_set(PTS_ERR_LOAD, "class '%s': '%s' is listed in __%s__ but not declared",
                           c->qualname, name, param ? "parameters" : "buffers");
    if (param)
        c->attrs[i].is_param = true;
    if (buffer)
        c->attrs[i].is_buffer = true;
    return PTS_OK;
}

int pts_class_attr_index(const pts_class *c, const char *name)
{
    for (int i = 0; i < c->nattrs; i++)
        if (strcmp(c->attrs[i].name, name) == 0)
            return i;
    return -1;
}

int pts_class_const_index(const pts_class *c, const char *name)
{
    for (int i = 0; i < c->nconsts; i++)
        if (strcmp(c->consts[i].name, name) == 0)
            return i;
    return -1;
}

pts_method *pts_class_find_method(const pts_class *c, const char *name)
{
    for (int i = 0; i < c->nmethods; i++)
        if (strcmp(c->methods[i].name, name) == 0)
            return &c->methods[i];
    return NULL;
}

pts_status pts_type_resolve(pts_type *t, pts_cu *cu)
{
    if (t->kind != PTS_TY_CLASS || t->cls)
        return PTS_OK;
    pts_class *c;
    PTS_TRY(pts_cu_get_class(cu, t->name, &c));
    t->cls = c;
    return PTS_OK;
}
