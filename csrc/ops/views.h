/* views.h - view-making helpers shared by the shape families (shape/shape.c
 * and shape/views.c). */
#ifndef PTS_OPS_VIEWS_H
#define PTS_OPS_VIEWS_H

#include "tensor/tensor.h"
#include "value/value.h"

/* A view of t expanded to the n sizes in `want` with torch's expand rules
 * (-1 keeps a size, size-1 dims broadcast with stride 0).  *ret: new ref;
 * errors name `opname`. */
pts_status pts_ops_expand_view(const char *opname, const pts_tensor *t, int n, const int64_t *want, pts_value *ret);

#endif
