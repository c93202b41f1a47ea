/* run_stub.c - placeholder until the interpreter lands: every method call
 * reports that running is not implemented. */
#include "interp/run.h"

pts_status pts_run_method(pts_value self, const char *name, int nargs, const pts_value *args, int nkw,
                          const char *const *kwnames, const pts_value *kwargs, pts_value *out)
{
    (void)self;
    (void)nargs;
    (void)args;
    (void)nkw;
    (void)kwnames;
    (void)kwargs;
    *out = pts_none();
    return pts_err_set(PTS_ERR_UNSUPPORTED, "cannot run method '%s': the interpreter is not built yet", name);
}
