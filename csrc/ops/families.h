/* families.h - the list of operator families, one X-macro line each.
 * Each family file csrc/ops/<dir>/<name>.c defines
 *     const pts_op_def pts_ops_<name>[] = { PTS_OP(...), ..., {NULL, NULL} };
 * and the registry walks this list at start-up. */
PTS_FAMILY(prim)        /* csrc/ops/prim.c: str/format, exceptions, tensor -> scalar, device/dtype */
PTS_FAMILY(prim_num)    /* csrc/ops/prim_num.c: int/float/bool arithmetic, comparisons, math.* */
PTS_FAMILY(prim_str)    /* csrc/ops/prim_str.c: str methods */
PTS_FAMILY(prim_list)   /* csrc/ops/prim_list.c: list and dict ops */
PTS_FAMILY(elementwise) /* csrc/ops/elementwise.c: unary/binary math, compare, logical, where, clamp */
PTS_FAMILY(reduce)      /* csrc/ops/reduce.c */
PTS_FAMILY(shape)       /* csrc/ops/shape.c: views, cat/stack/split, flip/roll */
PTS_FAMILY(index)       /* csrc/ops/index.c */
PTS_FAMILY(create)      /* csrc/ops/create.c: zeros/ones/full/arange/..., to/type_as */
PTS_FAMILY(linalg)      /* csrc/ops/nn/linalg.c: mm/bmm/matmul/addmm/linear (OpenBLAS) */
PTS_FAMILY(conv)        /* csrc/ops/nn/conv.c */
PTS_FAMILY(pool)        /* csrc/ops/nn/pool.c */
PTS_FAMILY(norm)        /* csrc/ops/nn/norm.c */
PTS_FAMILY(activation)  /* csrc/ops/nn/activation.c */
PTS_FAMILY(resample)    /* csrc/ops/nn/resample.c: upsample/interpolate, pad */
PTS_FAMILY(random)      /* csrc/ops/random.c: random ops, registered to load, refused when run */
PTS_FAMILY(extra_shape) /* csrc/ops/extra_shape.c: broadcast_to/tensors, mT/mH/..., meshgrid, as_strided, diag*, tril/triu */
PTS_FAMILY(extra_math)  /* csrc/ops/extra_math.c: more unary/binary math, nansum/nanmean, linalg_vector_norm */
PTS_FAMILY(sort)        /* csrc/ops/sort.c: sort/argsort/msort, topk, kthvalue, median/nanmedian, cummax/cummin */
PTS_FAMILY(loss)        /* csrc/ops/loss.c: l1/mse/smooth_l1/huber/kl_div/bce(+logits), nll_loss(2d/nd), cross_entropy_loss */
PTS_FAMILY(linalg_extra) /* csrc/ops/linalg_extra.c: trace, outer, kron, cross, tensordot, diff, dist/cdist, pairwise_distance, cosine_similarity, count_nonzero */
PTS_FAMILY(extra_index) /* csrc/ops/extra_index.c: scatter_reduce.two, index_reduce, max_unpool2d/3d */
