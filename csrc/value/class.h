/* class.h - the module object model: compilation units, classes, methods.
 *
 * A pts_cu ("compilation unit") is everything one archive defines: the
 * classes and free functions of its code/ folder, its constants table and
 * file version.  Classes are owned by their unit; every object keeps its
 * unit alive (objects -> class -> unit), so values can outlive the handle
 * that loaded them.
 *
 * The frontend fills classes from the parsed source (attributes, constants,
 * hooks, method ASTs); the compiler attaches compiled code to methods.
 */
#ifndef PTS_VALUE_CLASS_H
#define PTS_VALUE_CLASS_H

#include "value/type.h"
#include "value/value.h"

typedef enum pts_class_kind {
    PTS_CLS_MODULE = 0,      /* class X(Module) */
    PTS_CLS_CLASS,           /* class X: (TorchScript class) */
    PTS_CLS_NAMEDTUPLE,      /* class X(NamedTuple) */
    PTS_CLS_ENUM,            /* class X(Enum) */
    PTS_CLS_INTERFACE,       /* class X(Interface) */
    PTS_CLS_MODULE_INTERFACE /* class X(ModuleInterface) */
} pts_class_kind;

typedef struct pts_attr {
    char *name;
    pts_type *type; /* owned */
    bool is_param, is_buffer;
    bool has_default;   /* NamedTuple field default */
    pts_value default_value;
} pts_attr;

typedef struct pts_const {
    char *name;
    pts_type *type; /* owned, may be NULL */
    pts_value value;
} pts_const;

typedef struct pts_method {
    char *name;
    void *def;      /* frontend AST of the def (owned by the unit's arena) */
    void *compiled; /* interp's compiled function, or NULL */
    int line;       /* line of the def in its file */
} pts_method;

typedef struct pts_class {
    struct pts_cu *cu; /* borrowed: the unit owns the class */
    char *qualname;    /* "__torch__.torchvision.models.resnet.ResNet" */
    char *file;        /* "code/__torch__/torchvision/models/resnet.py" */
    int line;          /* line of the class header */
    pts_class_kind kind;
    int nattrs, cap_attrs;
    pts_attr *attrs; /* slot order */
    int nconsts, cap_consts;
    pts_const *consts; /* Final constants; enum members (value = member) */
    int nmethods, cap_methods;
    pts_method *methods;
    int npre_hooks, nhooks;
    char **pre_hooks, **hooks;
    char *source; /* the class's source text (owned) */
    pts_type *type; /* the class as a type (owned ref) */
} pts_class;

typedef struct pts_function {
    char *qualname; /* "__torch__.helper" */
    char *file;
    pts_method m;   /* name = last atom */
} pts_function;

typedef struct pts_file {
    char *path;  /* archive-relative, "code/__torch__/x.py" */
    char *text;  /* owned, NUL-terminated */
    size_t len;
    void *ast;   /* frontend's parse of the file (owned via arena) */
} pts_file;

typedef struct pts_cu {
    pts_obj hdr;    /* refcounted: the loaded handle and every object hold it */
    int64_t version; /* file format / operator-set version */
    int nclasses, cap_classes;
    pts_class **classes;
    int nfunctions, cap_functions;
    pts_function **functions;
    int nfiles, cap_files;
    pts_file *files;
    pts_value constants; /* tuple from constants.pkl (None until loaded) */
    void *arena;         /* frontend's arena (AST, interned names) */
    void (*arena_free)(void *arena);
    void *archive;       /* the container (for lazy code loading); may be NULL */
    void (*archive_close)(void *archive);
    /* Hook to load code for a qualifier on demand: set by the loader. */
    pts_status (*import_qualifier)(struct pts_cu *cu, const char *qualname);
    void *compiled_extra; /* interp's per-unit state */
    void (*compiled_extra_free)(void *);
} pts_cu;

/* New empty unit (refcount 1). NULL on OOM (error recorded). */
pts_cu *pts_cu_new(void);
static inline void pts_cu_retain(pts_cu *cu) { pts_obj_retain(&cu->hdr); }
static inline void pts_cu_release(pts_cu *cu) { if (cu) pts_obj_release(&cu->hdr); }

/* Find a class by qualified name; NULL if absent (no error recorded). */
pts_class *pts_cu_find_class(pts_cu *cu, const char *qualname);
/* Find, importing its file through cu->import_qualifier if needed.  Error
 * (PTS_ERR_LOAD) if it does not exist. */
PTS_NODISCARD pts_status pts_cu_get_class(pts_cu *cu, const char *qualname, pts_class **out);
pts_function *pts_cu_find_function(pts_cu *cu, const char *qualname);
/* Add a new class (unit owns it). Error if the name already exists. */
PTS_NODISCARD pts_status pts_cu_add_class(pts_cu *cu, const char *qualname, pts_class_kind kind, pts_class **out);
PTS_NODISCARD pts_status pts_cu_add_function(pts_cu *cu, const char *qualname, pts_function **out);
/* Adds a file record; takes ownership of text (allocated with pts_malloc). */
PTS_NODISCARD pts_status pts_cu_add_file(pts_cu *cu, const char *path, char *text, size_t len, pts_file **out);
pts_file *pts_cu_find_file(pts_cu *cu, const char *path);

/* Class building (used by the frontend). type: stolen. */
PTS_NODISCARD pts_status pts_class_add_attr(pts_class *c, const char *name, pts_type *type);
/* value: stolen; type: stolen, may be NULL */
PTS_NODISCARD pts_status pts_class_add_const(pts_class *c, const char *name, pts_type *type, pts_value value);
PTS_NODISCARD pts_status pts_class_add_method(pts_class *c, const char *name, void *def, int line, pts_method **out);
PTS_NODISCARD pts_status pts_class_add_hook(pts_class *c, bool pre, const char *name);
PTS_NODISCARD pts_status pts_class_mark_param(pts_class *c, const char *name, bool param, bool buffer);

/* Lookups: index or -1. */
int pts_class_attr_index(const pts_class *c, const char *name);
int pts_class_const_index(const pts_class *c, const char *name);
pts_method *pts_class_find_method(const pts_class *c, const char *name);

/* Resolve a class type's pts_class through its unit (imports if needed). */
PTS_NODISCARD pts_status pts_type_resolve(pts_type *t, pts_cu *cu);

#endif
