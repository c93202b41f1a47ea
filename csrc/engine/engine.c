/* engine.c - the engine facade (engine.h) over load/, interp/, ops/ and the
 * thread pool.  Thin on purpose: each function is one step of the pipeline
 * named for the bindings on top. */
#include "engine/engine.h"

#include <string.h>

#include "container/archive.h"
#include "core/budget.h"
#include "core/alloc.h"
#include "frontend/calls.h"
#include "interp/profile.h"
#include "interp/run.h"
#include "interp/run_api.h"
#include "load/loader.h"
#include "ops/nn/conv_kernels.h"
#include "ops/prim/prim.h"
#include "ops/random/rng.h"
#include "ops/registry.h"
#include "tensor/parallel.h"

/* ---- loading -------------------------------------------------------------------- */

pts_status pts_engine_load_file(const char *path, pts_loaded **out) { return pts_load_file(path, out); }

pts_status pts_engine_load_buffer(const void *data, size_t len, const char *name, pts_loaded **out)
{
    return pts_load_buffer(data, len, name, out);
}

void pts_engine_free(pts_loaded *l) { pts_loaded_free(l); }

pts_status pts_engine_plan(pts_loaded *l)
{
    if (l->planned)
        return PTS_OK;
    PTS_TRY(pts_interp_plan(l->cu, l->root, &l->plan));
    l->planned = true;
    return PTS_OK;
}

void pts_engine_plan_stats(const pts_loaded *l, bool *planned, int *bn_folded, int *act_fused, int *residual_fused,
                           int *bn_kept)
{
    *residual_fused = l->plan.residual_fused;
    *planned = l->planned;
    *bn_folded = l->plan.bn_folded;
    *act_fused = l->plan.act_fused;
    *bn_kept = l->plan.bn_kept;
}

pts_value pts_engine_root(const pts_loaded *l) { return l->root; }
pts_cu *pts_engine_unit(const pts_loaded *l) { return l->cu; }
const char *pts_engine_path(const pts_loaded *l) { return l->path; }
const char *pts_engine_prefix(const pts_loaded *l) { return pts_archive_prefix(l->archive); }
int64_t pts_engine_record_count(const pts_loaded *l) { return pts_archive_count(l->archive); }
const char *pts_engine_record_name(const pts_loaded *l, int64_t i) { return pts_archive_name(l->archive, i); }
int pts_engine_extra_count(const pts_loaded *l) { return l->nextra; }

pts_status pts_engine_extra_file(const pts_loaded *l, int i, const char **name, const void **data, size_t *len)
{
    if (i < 0 || i >= l->nextra)
        return pts_err_set(PTS_ERR_INDEX, "extra file index %d out of range (%d files)", i, l->nextra);
    *name = l->extra[i].name;
    *data = l->extra[i].data;
    *len = l->extra[i].len;
    return PTS_OK;
}

int pts_engine_unsupported_count(const pts_loaded *l) { return l->nunsupported; }

pts_status pts_engine_unsupported_op(const pts_loaded *l, int i, const char **op, const char **file, int *line)
{
    if (i < 0 || i >= l->nunsupported)
        return pts_err_set(PTS_ERR_INDEX, "unsupported-operator index %d out of range (%d entries)", i,
                           l->nunsupported);
    *op = l->unsupported[i].op;
    *file = l->unsupported[i].file;
    *line = l->unsupported[i].line;
    return PTS_OK;
}

pts_status pts_engine_called_ops(pts_loaded *l, pts_engine_call_fn fn, void *ud)
{
    PTS_TRY(pts_loader_import_all(l));
    return pts_frontend_collect_calls(l->cu, fn, ud);
}

/* ---- running -------------------------------------------------------------------- */

void pts_engine_set_trace(pts_engine_trace_fn fn, void *ud) { pts_interp_set_trace(fn, ud); }

pts_status pts_engine_run_method(pts_value self, const char *name, int nargs, const pts_value *args, int nkw,
                                 const char *const *kwnames, const pts_value *kwargs, pts_value *out)
{
    /* the module (and what the caller passes) may be reached by other threads'
     * calls: mark it shared (docs/architecture.md, Threads; value.h) */
    pts_value_share(self);
    for (int i = 0; i < nargs; i++)
        pts_value_share(args[i]);
    for (int i = 0; i < nkw; i++)
        pts_value_share(kwargs[i]);
    return pts_run_method(self, name, nargs, args, nkw, kwnames, kwargs, out);
}

/* ---- torch.export programs (.pt2) ----------------------------------------------- */

bool pts_engine_is_program(const pts_loaded *l) { return l->pt2 != NULL; }

pts_status pts_engine_run_program(pts_loaded *l, int nargs, const pts_value *args, int nkw, const char *const *kwnames,
                                  const pts_value *kwargs, pts_value *out)
{
    *out = pts_none();
    if (!l->pt2)
        return pts_err_set(PTS_ERR_TYPE, "%s is a TorchScript archive, not a torch.export program", l->path);
    return pts_pt2_run(l->pt2, nargs, args, nkw, kwnames, kwargs, out);
}

pts_status pts_engine_program_state(const pts_loaded *l, pts_value *out)
{
    *out = pts_none();
    if (!l->pt2)
        return pts_err_set(PTS_ERR_TYPE, "%s is a TorchScript archive, not a torch.export program", l->path);
    return pts_pt2_state(l->pt2, out);
}

void pts_engine_program_version(const pts_loaded *l, int *major, int *minor, const char **dialect)
{
    *major = *minor = 0;
    *dialect = "";
    if (l->pt2) {
        pts_pt2_schema_version(l->pt2, major, minor);
        *dialect = pts_pt2_dialect(l->pt2);
    }
}

/* ---- operators ------------------------------------------------------------------ */

static pts_status find_op(const char *name, const pts_op **out)
{
    PTS_TRY(pts_ops_init());
    *out = pts_ops_find(name);
    if (!*out)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "operator %s is not registered in pyts", name);
    return PTS_OK;
}

pts_status pts_engine_op_returns(const char *name, int *nrets)
{
    const pts_op *op;
    PTS_TRY(find_op(name, &op));
    *nrets = op->schema.nrets;
    return PTS_OK;
}

pts_status pts_engine_call_op(const char *name, int npos, pts_value *pos, int nkw, const char *const *kwnames,
                              pts_value *kwvals, pts_value *rets)
{
    const pts_op *op;
    PTS_TRY(find_op(name, &op));
    return pts_ops_call(op, npos, pos, nkw, kwnames, kwvals, rets);
}

pts_status pts_engine_op_count(int *n)
{
    *n = 0;
    PTS_TRY(pts_ops_init());
    *n = pts_ops_count();
    return PTS_OK;
}

const char *pts_engine_op_schema(int i) { return pts_ops_at(i)->schema.text; }

pts_status pts_engine_overload_count(const char *name, int *n)
{
    *n = 0;
    PTS_TRY(pts_ops_init());
    int k = 0;
    if (pts_ops_overloads(name, &k))
        *n = k;
    return PTS_OK;
}

const char *pts_engine_overload_schema(const char *name, int i)
{
    int n = 0;
    const pts_op *const *ops = pts_ops_overloads(name, &n);
    return ops && i >= 0 && i < n ? ops[i]->schema.text : NULL;
}

/* ---- settings ------------------------------------------------------------------- */

pts_status pts_engine_profile_start(void) { return pts_prof_start(); }
void pts_engine_profile_stop(void) { pts_prof_stop(); }
int64_t pts_engine_profile_count(void) { return pts_prof_count(); }
void pts_engine_profile_clear(void) { pts_prof_clear(); }

bool pts_engine_profile_event(int64_t i, const char **op, const char **overload, const char **file, int *line,
                              int64_t *start_ns, int64_t *dur_ns, uint64_t *thread, const char **shapes)
{
    const pts_prof_event *e = pts_prof_event_at(i);
    if (!e)
        return false;
    *op = e->op;
    *overload = e->overload;
    *file = e->file;
    *line = e->line;
    *start_ns = e->start_ns;
    *dur_ns = e->dur_ns;
    *thread = e->thread;
    *shapes = e->shapes;
    return true;
}

void pts_engine_set_num_threads(int n) { pts_set_num_threads(n); }

const char *pts_engine_set_conv_kernel(const char *name)
{
    static const char *const names[] = {"auto", "blas", "own", "wino"}; /* PTS_CONVK_* order */
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return names[pts_convk_set_mode(i)];
    /* the float32 depthwise path: whole-plane grid or row by row */
    if (strcmp(name, "dw-grid") == 0 || strcmp(name, "dw-rows") == 0)
        return pts_conv_set_dw_kernel(strcmp(name, "dw-grid") == 0) ? "dw-grid" : "dw-rows";
    return NULL;
}
int pts_engine_get_num_threads(void) { return pts_get_num_threads(); }
void pts_engine_set_grad_enabled(bool on) { pts_prim_set_grad_enabled(on); }
bool pts_engine_grad_enabled(void) { return pts_prim_grad_enabled(); }
void pts_engine_set_memory_limit(int64_t bytes) { pts_set_memory_limit(bytes); }
void pts_engine_manual_seed(uint64_t seed) { pts_rng_manual_seed(pts_rng_default(), seed); }
uint64_t pts_engine_initial_seed(void) { return pts_rng_initial_seed(pts_rng_default()); }
void pts_engine_set_time_limit(double seconds) { pts_budget_set_time_limit(seconds); }
double pts_engine_time_limit(void) { return pts_budget_time_limit(); }
double pts_engine_set_thread_time_limit(double seconds) { return pts_budget_set_thread_time_limit(seconds); }
void pts_engine_interrupt(void) { pts_budget_interrupt(); }
void pts_engine_set_poll(int (*fn)(void *ud), void *ud) { pts_budget_set_poll(fn, ud); }

void pts_engine_memory_stats(pts_engine_memory *out)
{
    out->data_bytes = pts_data_bytes_in_use();
    out->heap_bytes = pts_heap_bytes_in_use();
    out->limit = pts_get_memory_limit();
    out->live_allocations = pts_alloc_live();
    out->allocations = pts_alloc_count();
}

void pts_engine_fail_allocation_after(int64_t n) { pts_alloc_fail_after(n); }
