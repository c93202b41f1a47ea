/* families.h - the list of operator families, one X-macro line each, by domain.
 * Each family file csrc/ops/<domain>/<name>.c defines
 *     const pts_op_def pts_ops_<name>[] = { PTS_OP(...), ..., {NULL, NULL} };
 * and the registry walks this list at start-up.  Adding an op touches one
 * family file (and its parity test); adding a family adds one line here.
 * The order is the registration order (the original one, kept: overloads
 * torch does not know keep it).  Paths below are under csrc/ops/. */
PTS_FAMILY(prim)        /* prim/prim.c: str/format, exceptions, tensor -> scalar, device/dtype */
PTS_FAMILY(num)         /* prim/num.c: int/float/bool arithmetic, comparisons, math.* */
PTS_FAMILY(str)         /* prim/str.c: str methods */
PTS_FAMILY(list)        /* prim/list.c: list ops */
PTS_FAMILY(dict)        /* prim/dict.c: dict ops */
PTS_FAMILY(pointwise)   /* pointwise/elementwise.c: unary/binary math, compare, logical, where, clamp */
PTS_FAMILY(reduce)      /* reduce/reduce.c: sum/mean/prod, max/min, var/std/norm, all/any, cumsum/cumprod */
PTS_FAMILY(shape)       /* shape/shape.c: views, cat/stack/split, flip/roll */
PTS_FAMILY(index)       /* index/index.c: advanced indexing, index_select, gather/scatter, masks */
PTS_FAMILY(create)      /* factory/create.c: zeros/ones/full/arange/..., to/type_as */
PTS_FAMILY(matmul)      /* linalg/matmul.c: mm/bmm/matmul/addmm/linear (OpenBLAS) */
PTS_FAMILY(conv)        /* nn/conv.c */
PTS_FAMILY(pool)        /* nn/pool.c */
PTS_FAMILY(norm)        /* nn/norm.c */
PTS_FAMILY(activation)  /* nn/activation.c */
PTS_FAMILY(resample)    /* nn/resample.c: upsample/interpolate, pad */
PTS_FAMILY(random)      /* random/random.c: uniform/normal/random_ draws, rand/randn/randint/randperm (torch's generator) */
PTS_FAMILY(distributions) /* random/distributions.c: bernoulli, exponential_, cauchy_, ..., multinomial, native_dropout, rrelu_with_noise */
PTS_FAMILY(fractional_pool) /* random/fractional_pool.c: fractional_max_pool2d/3d (windows from torch.rand samples) */
PTS_FAMILY(views)       /* shape/views.c: broadcast_to/tensors, mT/mH/..., meshgrid, as_strided, atleast, tile */
PTS_FAMILY(diag)        /* shape/diag.c: diagonal, diag, diag_embed, tril/triu */
PTS_FAMILY(math)        /* pointwise/math.c: more unary/binary math, isclose/allclose */
PTS_FAMILY(special)     /* special/special.c: i0, lgamma, digamma, polygamma, erfinv, mvlgamma (+ special_*) */
PTS_FAMILY(nan)         /* reduce/nan.c: nansum, nanmean */
PTS_FAMILY(vector_norm) /* linalg/norm.c: linalg_vector_norm */
PTS_FAMILY(sort)        /* reduce/sort.c: sort/argsort/msort, topk, kthvalue, median/nanmedian, cummax/cummin */
PTS_FAMILY(loss)        /* nn/loss.c: l1/mse/smooth_l1/huber/kl_div/bce(+logits), nll_loss(2d/nd), cross_entropy_loss, ctc_loss */
PTS_FAMILY(products)    /* linalg/products.c: trace, outer, kron, cross, tensordot, diff, dist/cdist, pairwise_distance, cosine_similarity, count_nonzero */
PTS_FAMILY(einsum)      /* linalg/einsum.c: einsum */
PTS_FAMILY(scatter)     /* index/scatter.c: scatter_reduce.two, index_reduce, index_add/copy/fill */
PTS_FAMILY(search)      /* index/search.c: searchsorted, bucketize */
PTS_FAMILY(unpool)      /* nn/unpool.c: max_unpool2d/3d */
PTS_FAMILY(attention)   /* nn/attention.c: scaled_dot_product_attention (+ math, flash_for_cpu), masked/safe softmax, native multi-head attention, encoder-layer fast path, nested tensors from masks */
PTS_FAMILY(rnn)         /* nn/rnn.c: lstm/gru/rnn_tanh/rnn_relu (.input, .data), the four *_cell ops, unsafe_chunk */
PTS_FAMILY(rnn_pack)    /* nn/rnn_pack.c: _pack_padded_sequence, _pad_packed_sequence, cpu */
PTS_FAMILY(dict_empty)  /* prim/dict_empty.c: aten::dict() (an empty Dict(str, Tensor)) */
PTS_FAMILY(nonzero_tuple) /* index/nonzero_tuple.c: where(condition), nonzero_numpy */
PTS_FAMILY(shape_tensor) /* shape/shape_tensor.c: _shape_as_tensor */
PTS_FAMILY(upsample_aa) /* nn/upsample_aa.c: _upsample_{bilinear,bicubic,lanczos}2d_aa (antialiased interpolate) */
PTS_FAMILY(unique)      /* reduce/unique.c: unique_dim, unique_dim_consecutive, unique_consecutive */
PTS_FAMILY(tv_boxes)    /* vision/boxes.c: torchvision::nms, torchvision::box_iou_rotated */
PTS_FAMILY(tv_roi)      /* vision/roi.c: torchvision::roi_align, roi_pool, ps_roi_align, ps_roi_pool */
PTS_FAMILY(tv_deform_conv) /* vision/deform_conv.c: torchvision::deform_conv2d */
PTS_FAMILY(stack)       /* shape/stack.c: hstack/vstack/dstack/column_stack, tensor_split/hsplit/vsplit/dsplit, rot90, diagflat, block_diag, cartesian_prod, combinations, repeat_interleave, _chunk_cat, unfold, the *_copy view copies */
PTS_FAMILY(embed)       /* index/embed.c: select/slice/diagonal/as_strided_scatter, masked_scatter, put, argwhere, nonzero_static, isin, embedding_bag */
PTS_FAMILY(classify)    /* pointwise/classify.c: isposinf/isneginf/isreal, frexp, ldexp, nextafter, equal, fill, resolve_neg, empty_strided/new_empty_strided/empty_permuted */
PTS_FAMILY(bessel)      /* special/bessel.c: ndtr/ndtri/log_ndtr, erfcx, entr, Bessel (j, y, i, k, scaled, spherical), airy_ai, orthogonal polynomials, igamma/igammac */
PTS_FAMILY(loss_margin) /* nn/loss_margin.c: margin_ranking, hinge_embedding, soft_margin, poisson_nll, cosine_embedding, triplet_margin, multi_margin, multilabel_margin losses */
PTS_FAMILY(layers)      /* nn/layers.c: rms_norm, bilinear, pdist, renorm, inner, vdot */
PTS_FAMILY(stats)       /* reduce/stats.c: cov, corrcoef, quantile/nanquantile, histc, trapezoid/trapz/cumulative_trapezoid, sum_to_size, linalg_vecdot/diagonal/vander/multi_dot, _softmax_backward_data, native_dropout_backward, _unsafe_masked_index(_put_accumulate) */
PTS_FAMILY(extra)       /* nn/extra.c: max_pool1d_with_indices, max_pool2d_with_indices_backward, im2col, _batch_norm_with_update, embedding_renorm_ */
PTS_FAMILY(cnum)        /* prim/cnum.c: the complex scalar: arithmetic, cmath, complex(), polar */
PTS_FAMILY(types)       /* prim/types.c: promote_types, can_cast, result_type of scalars, autocast dtype, id, rangelist */
PTS_FAMILY(weight_norm) /* nn/weight_norm.c: _weight_norm, _weight_norm_interface, norm_except_dim */
PTS_FAMILY(la_lu)       /* linalg/lu.c: inverse, det/slogdet/logdet, linalg_solve(_ex), solve_triangular, lu_factor/lu/lu_unpack/lu_solve (LAPACK, linalg/lapack.c) */
PTS_FAMILY(la_cholesky) /* linalg/cholesky.c: linalg_cholesky(_ex), cholesky_solve, cholesky_inverse, linalg_ldl_factor(_ex), linalg_ldl_solve (LAPACK) */
PTS_FAMILY(la_qr)       /* linalg/qr.c: linalg_qr, geqrf, linalg_householder_product/orgqr, ormqr (LAPACK) */
PTS_FAMILY(la_spectral) /* linalg/spectral.c: linalg_svd/svd/svdvals, linalg_eigh/eigvalsh, pinv/pinverse, matrix_rank, lstsq (LAPACK) */
PTS_FAMILY(la_eig)      /* linalg/eig.c: linalg_eig, linalg_eigvals (LAPACK geev, complex results) */
PTS_FAMILY(gradient)    /* reduce/gradient.c: gradient (all overloads), histogramdd and its _histogramdd_* primitives */
PTS_FAMILY(stft)        /* fft/stft.c: stft, stft.center, istft (on fft.c's transform) */
PTS_FAMILY(grid_sample) /* nn/grid_sample.c: grid_sampler_2d/3d, grid_sampler (F.grid_sample) */
PTS_FAMILY(la_matfn)    /* linalg/matfn.c: linalg_matrix_norm, linalg_norm, linalg_cond, matrix_exp, matrix_power, linalg_matrix_sqrth, linalg_polar */
PTS_FAMILY(complex)     /* pointwise/complex.c: real/imag/view_as_real/view_as_complex (views), conj/conj_physical/resolve_conj, polar, complex, angle */
PTS_FAMILY(fft)         /* fft/fft.c: torch.fft (fft/ifft/rfft/irfft/hfft/ihfft and their 2-D and n-D forms, fftfreq, fftshift) and _fft_c2c/_fft_r2c/_fft_c2r */
