/* import.h - turn a parsed code/ file into the classes and functions of a
 * compilation unit.
 *
 * Pipeline position: the loader registers each code/<qualifier>.py text with
 * pts_cu_add_file (eagerly, or lazily from cu->import_qualifier), then calls
 * pts_frontend_import_file; the compiler later compiles the method ASTs this
 * leaves in pts_method.def.
 *
 * For every top-level `class Name(Base):` a pts_class named
 * "<prefix>.Name" is added:
 *   Base            Module | (none) | NamedTuple | Enum | Interface | ModuleInterface
 *                   (anything else: PTS_ERR_UNSUPPORTED "class inheritance is not supported")
 *   __parameters__ = [...], __buffers__ = [...]      mark attributes
 *   __forward_pre_hooks__ = [...], __forward_hooks__ = [...]   hooks
 *   name : Type                     attribute (slot order = line order)
 *   __annotations__["0"] = Type     attribute with a non-identifier name
 *   __annotations__ = []            ignored
 *   name : Final[T] = literal       constant
 *   NAME = literal                  enum member (Enum classes): a constant
 *                                   whose value is a pts_enum of the class
 *   name : Type [= default]         NamedTuple field (with default)
 *   def m(...)                      method (AST node in pts_method.def)
 * and pts_class.file/line/source (the class's text) are filled.  Every
 * top-level `def f` becomes the pts_function "<prefix>.f".  Class types in
 * annotations stay unresolved (pts_type with cls == NULL).
 *
 * Classes of "__torch__.torch.classes.*" files (TorchBind declarations in old
 * archives) are skipped: those types come from the runtime.
 */
#ifndef PTS_FRONTEND_IMPORT_H
#define PTS_FRONTEND_IMPORT_H

#include "core/error.h"
#include "frontend/ast.h"
#include "value/class.h"

/* Import the file `path` already registered in cu (pts_cu_find_file).
 * qualifier_prefix: "__torch__.torchvision.models.resnet" for
 * code/__torch__/torchvision/models/resnet.py; NULL derives it from the path
 * (see pts_frontend_qualifier_of_path).  The AST goes into cu's arena (created
 * on first use: cu->arena / cu->arena_free) and pts_file.ast.  Importing a
 * file twice is a no-op. */
PTS_NODISCARD pts_status pts_frontend_import_file(pts_cu *cu, const char *path, const char *qualifier_prefix);

/* Register (path, text, len) with pts_cu_add_file (takes ownership of text,
 * which must come from pts_malloc) and import it. */
PTS_NODISCARD pts_status pts_frontend_import_text(pts_cu *cu, const char *path, char *text, size_t len,
                                    const char *qualifier_prefix);

/* "code/__torch__/a/b.py" -> "__torch__.a.b" (a leading "<archive>/code/" or
 * "code/" is dropped, ".py" removed, '/' -> '.').  Writes at most cap bytes
 * (NUL-terminated); returns 0 if it did not fit. */
int pts_frontend_qualifier_of_path(const char *path, char *buf, size_t cap);

#endif
