/* pt2.h - the loader and runner of torch.export archives (.pt2, written by
 * torch.export.save in torch 2.6 to 2.14): models/model.json (the graph in
 * torch's versioned JSON schema, parsed with jansson), raw weights under
 * data/weights/ and constants under data/constants/ described by their
 * *_config.json, used zero-copy from the archive's mapping (torch >= 2.9);
 * the older layouts (torch 2.6/2.7's flat zip with
 * serialized_exported_program.json, 2.6-2.8's torch.save'd weights) too.
 *
 * Loading resolves every node's target ("torch.ops.aten.conv2d.default") to a
 * registered operator once, binds its arguments by schema name, and turns the
 * graph into a flat list of op calls over numbered value slots; running binds
 * the pytree-flattened user inputs, runs the calls in file order, writes
 * mutated buffers back and rebuilds the nested output (docs/pt2.md).
 */
#ifndef PTS_LOAD_PT2_H
#define PTS_LOAD_PT2_H

#include <stdbool.h>

#include "container/archive.h"
#include "interp/run_api.h"
#include "value/value.h"

typedef struct pts_pt2 pts_pt2;

/* Is `a` a torch.export archive (an `archive_format` record, or torch
 * 2.6/2.7's serialized_exported_program.json)? */
bool pts_pt2_detect(const pts_archive *a);

/* Read the program of archive `a` (borrowed; retained while weights borrow
 * its bytes).  `path` is for messages.  *out: owned, freed with pts_pt2_free.
 * PTS_ERR_LOAD naming the record and what is wrong for a bad archive, an
 * unknown schema major version, a missing weight; PTS_ERR_NOMEM.  Nodes whose
 * operator pyts lacks do not fail the load: they are listed in *missing / *nmissing
 * (owned by the caller, pts_interp_free_missing) and fail when run. */
PTS_NODISCARD pts_status pts_pt2_load(pts_archive *a, const char *path, pts_pt2 **out, pts_missing_op **missing,
                                      int *nmissing);
void pts_pt2_free(pts_pt2 *p); /* NULL-safe */

/* Does the program hold a while_loop (which may run without end, as in
 * torch)?  For callers that must bound a run, such as the fuzzer. */
bool pts_pt2_has_loop(const pts_pt2 *p);

/* Run the program: positional args and keyword args (borrowed) are flattened
 * with the program's input spec; *out (new reference) is the output rebuilt
 * with its output spec (a tensor, a tuple, list or dict of them...).  Buffers
 * mutated by the graph keep their new values across calls, as in torch. */
PTS_NODISCARD pts_status pts_pt2_run(pts_pt2 *p, int nargs, const pts_value *args, int nkw,
                                     const char *const *kwnames, const pts_value *kwargs, pts_value *out);

/* The program's state: parameters, buffers and tensor constants by their
 * fully qualified names, in signature order.  *out: new reference to a dict
 * str -> Tensor. */
PTS_NODISCARD pts_status pts_pt2_state(const pts_pt2 *p, pts_value *out);

/* Example positional arguments for a program whose inputs are all plain
 * positional tensors: zeros of the dtype and sizes the export saw (a free
 * dimension at its smallest allowed size, at least 1).  *args: nargs new
 * references in a new array (free each, then pts_free the array).
 * PTS_ERR_UNSUPPORTED when the inputs are nested, keywords, or not tensors. */
PTS_NODISCARD pts_status pts_pt2_zero_inputs(const pts_pt2 *p, int *nargs, pts_value **args);

/* Schema version of models/model.json (major, minor) and the IR it was saved
 * in ("TRAINING", "ATEN", ... borrowed, "" if absent). */
void pts_pt2_schema_version(const pts_pt2 *p, int *major, int *minor);
const char *pts_pt2_dialect(const pts_pt2 *p);

#endif
