/* pt2_program.h - the program a .pt2 archive is read into, shared by its
 * reader (pt2.c: records, JSON, weights, the graph resolved to operators)
 * and its runner (pt2_run.c: pytree flattening, the node loop, the
 * higher-order operators).  Internal to csrc/load/; the public interface is
 * pt2.h.
 */
#ifndef PTS_LOAD_PT2_PROGRAM_H
#define PTS_LOAD_PT2_PROGRAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "load/pt2.h"
#include "ops/registry.h"
#include "tensor/tensor.h"

/* ---- the program ------------------------------------------------------------- */

enum { A_LIT, A_SLOT, A_LIST, A_GRAPH };

typedef struct targ { /* an argument template: a literal, a slot, a list of templates, or a subgraph */
    int kind;
    int slot;       /* A_SLOT: the value slot; A_GRAPH: index into pts_pt2.graphs */
    pts_value lit; /* owned */
    int n;
    struct targ *items;
} targ;

enum { BI_NONE, BI_NOOP, BI_ADD, BI_SUB, BI_MUL, BI_FLOORDIV, BI_MOD, BI_TRUEDIV, BI_NEG,
       BI_LT, BI_LE, BI_GT, BI_GE, BI_EQ, BI_NE, BI_AND, BI_OR, BI_NOT };

/* Higher-order operators: nodes that run subgraphs (torch.ops.higher_order.*). */
enum { HOP_NONE, HOP_COND, HOP_WHILE, HOP_WRAP, HOP_MAP, HOP_SCAN, HOP_ASCAN, HOP_AUTOCAST, HOP_HINTS, HOP_OUT_DTYPE };

/* What torch's CPU autocast does to an operator's floating-point tensor
 * arguments (aten/src/ATen/autocast_mode.cpp, the AutocastCPU kernels of
 * torch 2.14): cast to the autocast dtype, to float32, or to the widest
 * of them; other operators run on the dtypes they get. */
enum { AC_NONE, AC_LOWER, AC_FP32, AC_PROMOTE };

typedef struct tnode {
    const pts_op *op; /* NULL: builtin, higher-order, or missing */
    int builtin;
    int hop;          /* HOP_*: args hold subgraphs (A_GRAPH), checked at load */
    int ac_policy;    /* AC_*: what an enclosing wrap_with_autocast does to its arguments */
    char *target;     /* "torch.ops.aten.conv2d.default" (owned) */
    char *opname;     /* "aten::conv2d" (owned) */
    int nargs;
    char **kwnames;   /* owned */
    targ *args;
    int nouts;
    int *outs;        /* slot per return, -1: discarded */
    bool out_list;    /* one as_tensors output: return 0 is a list, items to list_slots */
    int nlist;
    int *list_slots;
    int nfree;
    int *free_slots;  /* slots whose last use is this node */
} tnode;

/* A graph: the top one, or a subgraph of a higher-order node (its own
 * scope of value names and slots; inputs bound positionally). */
typedef struct tgraph {
    int nslots;
    int nnodes;
    tnode *nodes;
    int nin;
    int *in_slots;  /* subgraphs: slot of each input */
    int nout;
    targ *outs;     /* subgraphs: the outputs */
} tgraph;

enum { IN_USER, IN_STATE, IN_CONST };

typedef struct tinput {
    int kind;
    int slot;        /* -1: a constant-specialised input not used by the graph */
    pts_value value; /* IN_STATE: the tensor (owned); IN_CONST: the literal */
    char *name;      /* FQN of a state tensor, or the graph input name (owned) */
    int user_index;  /* IN_USER / IN_CONST: position among the flattened user inputs */
    /* IN_USER tensors: what the export saw (dims: >= 0 fixed, -1 free in [lo, hi], -2 derived) */
    bool check;
    int dtype, ndim;
    int64_t dim[PTS_MAX_DIMS], lo[PTS_MAX_DIMS], hi[PTS_MAX_DIMS];
    char sym[PTS_MAX_DIMS][24];
} tinput;

enum { OUT_USER, OUT_COPY_STATE, OUT_COPY_USER, OUT_IGNORE };

typedef struct toutput {
    int kind;
    targ arg;
    int target; /* index into inputs */
} toutput;

struct pts_pt2 {
    pts_archive *archive; /* owned ref (weights borrow its bytes) */
    char *path;
    const char *json_name; /* the graph's record: MODEL_JSON or LEGACY_JSON (static) */
    int major, minor;
    char dialect[32];
    tgraph g;          /* the program's graph (inputs and outputs from the signature below) */
    int ngraphs;
    tgraph **graphs;   /* the subgraphs of higher-order nodes, at any depth (owned) */
    bool has_loop;     /* a while_loop node somewhere */
    int ninputs, nuser;
    tinput *inputs;
    int noutputs;
    toutput *outputs;
    json_t *in_spec, *out_spec; /* the [1, node] trees (owned) */
};

#endif
