/* run_api.h - interpreter entry points the loader (load/) and the engine
 * facade call besides pts_run_method (run.h).  The interpreter knows nothing
 * of the loader: it works on units (pts_cu) and values.
 */
#ifndef PTS_INTERP_RUN_API_H
#define PTS_INTERP_RUN_API_H

#include <stdbool.h>

#include "value/class.h"

/* Run the __setstate__(state) calls the loader deferred: pairs[2*i] is the
 * object, pairs[2*i+1] its state (both borrowed), in order; stops at the
 * first error (with "running __setstate__ of <class>" as context). */
PTS_NODISCARD pts_status pts_interp_run_setstate(int npairs, const pts_value *pairs);

/* One call site naming an operator pyts does not register. */
typedef struct pts_missing_op {
    char *op;         /* "aten::foo" (owned) */
    char *file;       /* "code/__torch__/x.py" (owned) */
    int line;
    int nargs;        /* actuals at the site */
    bool torch_knows; /* torch registers the symbol, or it is an extension's op (another
                       * namespace: torch loads it once the extension is imported);
                       * false: torch.jit.load refuses the file too (pts_ops_torch_refuses) */
} pts_missing_op;

/* Compile every method and function of the unit (importing what they
 * reference) and list every operator call pyts cannot bind (one entry per
 * distinct op/file/line, in compile order).  *missing: array of n entries
 * (free with pts_interp_free_missing); n == 0 when everything is there.
 * Compiling does not fail on a missing op: such a site raises
 * PTS_ERR_UNSUPPORTED when it runs.  Returns an error only for compile
 * errors other than missing operators (and only when no operator is
 * missing). */
PTS_NODISCARD pts_status pts_interp_check_ops(pts_cu *cu, pts_missing_op **missing, int *nmissing);
void pts_interp_free_missing(pts_missing_op *missing, int n);

/* Call the free function `qualname` ("__torch__.f") of the unit with
 * positional args (borrowed); defaults filled.  *out: new reference. */
PTS_NODISCARD pts_status pts_interp_call_function(pts_cu *cu, const char *qualname, int nargs, const pts_value *args, pts_value *out);

/* ---- the debug trace (pyts.testing's localization) ----------------------------------------
 * While a trace function is set on the calling thread, the VM reports every
 * operator result and every attribute store as it happens: op is the
 * operator's name ("aten::add", no overload) or "prim::SetAttr"; attr the
 * attribute's name for SetAttr (NULL otherwise); file/line the code/ site;
 * v the result or the stored value (borrowed: copy what you keep).  A
 * non-zero return stops the run with that status.  Thread-local: other
 * threads run untraced. */
typedef pts_status (*pts_trace_fn)(void *ud, const char *op, const char *attr, const char *file, int line, pts_value v);
void pts_interp_set_trace(pts_trace_fn fn, void *ud);

/* What the load-time planner (plan.c) did to a unit. */
typedef struct pts_plan_stats {
    int bn_folded;      /* BatchNorm modules folded into the convolution before them */
    int act_fused;      /* of those, followed by a ReLU / ReLU6 applied in the convolution's epilogue */
    int residual_fused; /* of those, followed by a residual add applied in the epilogue */
    int bn_kept;        /* conv -> BatchNorm calls found but kept (an attribute feeding them is assigned) */
} pts_plan_stats;

/* Plan the unit's compiled methods for the objects reachable from root
 * (borrowed): fold eval BatchNorm into the preceding Conv2d and fuse a
 * following ReLU / ReLU6, wherever the module attributes involved are never
 * assigned (nor changed in place) by any method of the unit.  Call once,
 * after pts_interp_check_ops and before the first run.  Stats may be NULL. */
PTS_NODISCARD pts_status pts_interp_plan(pts_cu *cu, pts_value root, pts_plan_stats *stats);

#endif
