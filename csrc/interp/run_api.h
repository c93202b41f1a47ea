/* run_api.h - interpreter entry points the loader and the Python layer call
 * besides pts_run_method (run.h).
 */
#ifndef PTS_INTERP_RUN_API_H
#define PTS_INTERP_RUN_API_H

#include "interp/loader.h"
#include "value/class.h"

/* Run the __setstate__(state) calls the loader deferred (l->pending pairs),
 * in order; empties the pending list.  Call at the end of loading. */
pts_status pts_interp_run_pending(pts_loaded *l);

/* Compile every method and function of the unit (importing what they
 * reference) and list every operator call pyts cannot bind, each as
 * "aten::foo (called with 2 arguments) at code/__torch__/x.py:12".
 * *missing: array of n strings (free with pts_interp_free_missing); n == 0
 * when everything is there.  Returns an error only for compile errors other
 * than missing operators (and only when no operator is missing). */
pts_status pts_interp_check_ops(pts_cu *cu, char ***missing, int *nmissing);
void pts_interp_free_missing(char **missing, int n);

/* Call the free function `qualname` ("__torch__.f") of the unit with
 * positional args (borrowed); defaults filled.  *out: new reference. */
pts_status pts_interp_call_function(pts_cu *cu, const char *qualname, int nargs, const pts_value *args, pts_value *out);

#endif
