/* nonzero_tuple.c - aten::where(Tensor condition) and aten::nonzero_numpy:
 * the indices of the nonzero elements as one int64 tensor per dim (what
 * torch.where(cond) and nonzero(as_tuple=True) call); a 0-dim condition
 * counts as 1-dim.  Elements in C order; NaN counts as nonzero, and a complex
 * element whose real or imaginary part is nonzero. */
#include "ops/kernel.h"
#include "tensor/cplx.h"

static pts_status nonzero_tuple(const char *opn, pts_tensor *t, pts_value *ret)
{
    bool cplx = pts_dtype_is_complex(t->dtype);
    if (!cplx)
        PTS_TRY(pts_check_real(opn, t->dtype));
    /* a complex element is nonzero when either part is: its float64 view has two numbers per element */
    pts_tensor *f = pts_tensor_to_dtype(t, cplx ? PTS_COMPLEX128 : PTS_FLOAT64);
    if (!f)
        return pts_err_last();
    int per = cplx ? 2 : 1;
    int nd = t->ndim > 0 ? t->ndim : 1;
    int64_t sizes[PTS_MAX_DIMS], numel = pts_tensor_numel(t), cnt = 0;
    for (int i = 0; i < nd; i++)
        sizes[i] = t->ndim > 0 ? t->sizes[i] : 1;
    const double *x = pts_f64(f);
    for (int64_t i = 0; i < numel; i++)
        cnt += x[per * i] != 0 || x[per * i + per - 1] != 0;
    pts_list *l = pts_tensor_list_new(nd);
    pts_status st = l ? PTS_OK : pts_err_last();
    for (int d = 0; d < nd && st == PTS_OK; d++) {
        pts_tensor *r = pts_tensor_empty(PTS_INT64, 1, &cnt);
        if (!r) {
            st = pts_err_last();
            break;
        }
        int64_t inner = 1, k = 0;
        for (int j = d + 1; j < nd; j++)
            inner *= sizes[j];
        for (int64_t i = 0; i < numel; i++)
            if (x[per * i] != 0 || x[per * i + per - 1] != 0)
                pts_i64(r)[k++] = (i / inner) % sizes[d];
        st = pts_list_append(l, pts_ret_tensor(r));
    }
    pts_obj_release(&f->hdr);
    if (st) {
        if (l)
            pts_obj_release(&l->hdr);
        return st;
    }
    *ret = pts_obj_value(&l->hdr);
    return PTS_OK;
}

/* aten::where(Tensor condition) -> Tensor[] */
PTS_KERNEL(k_where_cond) { return nonzero_tuple(OPN, a->condition, &rets[0]); }

/* aten::nonzero_numpy(Tensor self) -> Tensor[] */
PTS_KERNEL(k_nonzero_numpy) { return nonzero_tuple(OPN, a->self, &rets[0]); }

const pts_op_def pts_ops_nonzero_tuple[] = {
    PTS_OP("aten::where(Tensor condition) -> Tensor[]", k_where_cond),
    PTS_OP("aten::nonzero_numpy(Tensor self) -> Tensor[]", k_nonzero_numpy),
    {NULL, NULL},
};
