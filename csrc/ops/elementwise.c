/* elementwise.c */
#include "ops/registry.h"

const pts_op_def pts_ops_elementwise[] = {{NULL, NULL}};
