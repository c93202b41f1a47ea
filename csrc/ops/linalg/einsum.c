/* einsum.c - aten::einsum: the equation parsed as torch does (labels A-Z
 * then a-z, one ellipsis per operand, implicit output: the ellipsis dims,
 * then the labels that appear once, in that order).  Operands are read
 * through per-label strides (size-1 dims broadcast with stride 0, a label
 * repeated in one operand takes the diagonal); each output element sums
 * the products over the contracted labels in double (int64 for integer
 * results, complex<double> for complex ones) and the result is converted
 * once to the result dtype.
 */
#include "ops/kernel.h"

/* ---- einsum ----------------------------------------------------------------------------------------- */

#define EIN_LETTERS 52 /* A-Z then a-z, as torch numbers them; ellipsis dims come after */
#define EIN_MAX (EIN_LETTERS + PTS_MAX_DIMS)

static int ein_label(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? 26 + (c - 'a') : -1; }

/* Parse one term: labels (ellipsis = -2) into lab, count into *n. */
static pts_status ein_term(const char *opname, const char *s, const char *end, int *lab, int *n, bool *ell)
{
    *n = 0;
    *ell = false;
    while (s < end) {
        if (*s == ' ') {
            s++;
            continue;
        }
        if (*s == '.') {
            if (end - s < 3 || s[1] != '.' || s[2] != '.' || *ell)
                return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): found '.' for operand that is not part of any ellipsis",
                                   opname);
            *ell = true;
            lab[(*n)++] = -2;
            s += 3;
            continue;
        }
        int l = ein_label(*s);
        if (l < 0)
            return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): invalid subscript given at index %d in the equation string, "
                                              "subscripts must be in [a-zA-Z]", opname, *n);
        if (*n >= PTS_MAX_DIMS)
            return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): too many subscripts", opname);
        lab[(*n)++] = l;
        s++;
    }
    return PTS_OK;
}

PTS_KERNEL(k_einsum)
{
    const char *eq = a->equation;
    pts_list *l = PTS_LIST(a->tensors);
    int nops = (int)l->len;
    if (nops == 0)
        return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): must provide at least one operand", OPN);
    if (nops > 8)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s: einsum with more than 8 operands is not supported", OPN);
    pts_tensor *ts[8] = {NULL};
    for (int i = 0; i < nops; i++) {
        ts[i] = PTS_TENSOR(l->items[i]);
        if (ts[i]->dtype != PTS_COMPLEX64 && ts[i]->dtype != PTS_COMPLEX128)
            PTS_TRY(pts_check_real(OPN, ts[i]->dtype));
        if (ts[i]->dtype != ts[0]->dtype)
            return pts_err_set(PTS_ERR_TYPE, "%s: expected scalar type %s but found %s", OPN, pts_dtype_torch_name(ts[0]->dtype),
                               pts_dtype_torch_name(ts[i]->dtype));
    }
    const char *arrow = strstr(eq, "->");
    const char *lhs_end = arrow ? arrow : eq + strlen(eq);
    /* input terms */
    int lab[8][PTS_MAX_DIMS + 1], nlab[8];
    bool ell[8];
    const char *p = eq;
    for (int i = 0; i < nops; i++) {
        const char *comma = memchr(p, ',', (size_t)(lhs_end - p));
        const char *te = comma ? comma : lhs_end;
        if (!comma && i + 1 < nops)
            return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): more operands were provided than specified in the equation",
                               OPN);
        PTS_TRY(ein_term(OPN, p, te, lab[i], &nlab[i], &ell[i]));
        p = comma ? comma + 1 : lhs_end;
        if (i + 1 == nops && comma)
            return pts_err_set(PTS_ERR_VALUE, "%s: einsum(): fewer operands were provided than specified in the equation",
                               OPN);
    }
    /* sizes and per-operand strides of every label (ellipsis dims right-aligned) */
    int64_t size[EIN_MAX];
    int count[EIN_MAX] = {0};
    for (int i = 0; i < EIN_MAX; i++)
        size[i] = -1;
    int E = 0;
    pts_tensor *cs[8] = {NULL};
    bool cplx = ts[0]->dtype == PTS_COMPLEX64 || ts[0]->dtype == PTS_COMPLEX128;
    int rd = ts[0]->dtype, cd = cplx ? PTS_COMPLEX128 : pts_compute64(rd);
    int64_t lst[8][EIN_MAX];
    memset(lst, 0, sizeof lst);
    pts_status st = PTS_OK;
    for (int i = 0; i < nops && !st; i++) {
        int named = nlab[i] - (ell[i] ? 1 : 0);
        if (named > ts[i]->ndim || (!ell[i] && named != ts[i]->ndim)) {
            st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): the number of subscripts in the equation (%d) does not match "
                                            "the number of dimensions (%d) for operand %d%s", OPN, named, ts[i]->ndim, i,
                             ell[i] ? "" : " and no ellipsis was given");
            break;
        }
        int ne = ts[i]->ndim - named;
        E = ne > E ? ne : E;
    }
    for (int i = 0; i < nops && !st; i++) {
        cs[i] = pts_tensor_to_dtype(ts[i], cd);
        if (!cs[i]) {
            st = pts_err_last();
            break;
        }
        int named = nlab[i] - (ell[i] ? 1 : 0), ne = ts[i]->ndim - named, dim = 0;
        int64_t seen[EIN_LETTERS];
        for (int k = 0; k < EIN_LETTERS; k++)
            seen[k] = -1;
        for (int k = 0; k < nlab[i] && !st; k++) {
            if (lab[i][k] >= 0) { /* a label repeated in one operand (a diagonal) needs equal sizes */
                int64_t sz = cs[i]->sizes[dim];
                if (seen[lab[i][k]] >= 0 && seen[lab[i][k]] != sz) {
                    st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): subscript %c is repeated for operand %d but the sizes "
                                                    "don't match, %lld != %lld", OPN,
                                     lab[i][k] < 26 ? 'A' + lab[i][k] : 'a' + lab[i][k] - 26, i,
                                     (long long)seen[lab[i][k]], (long long)sz);
                    break;
                }
                seen[lab[i][k]] = sz;
            }
            int n_here = lab[i][k] == -2 ? ne : 1;
            for (int e = 0; e < n_here; e++, dim++) {
                int L = lab[i][k] == -2 ? EIN_LETTERS + (E - ne) + e : lab[i][k];
                int64_t sz = cs[i]->sizes[dim];
                if (lab[i][k] != -2 && e == 0)
                    count[L]++;
                if (size[L] < 0 || size[L] == 1) {
                    size[L] = size[L] == 1 && sz == 1 ? 1 : (sz == 1 && size[L] > 1 ? size[L] : sz);
                } else if (sz != size[L] && sz != 1) {
                    st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): subscript %c has size %lld for operand %d which does "
                                                    "not broadcast with previously seen size %lld", OPN,
                                     L < 26 ? 'A' + L : L < 52 ? 'a' + L - 26 : '.', (long long)sz, i, (long long)size[L]);
                    break;
                }
                if (sz != 1)
                    lst[i][L] += cs[i]->strides[dim];
            }
        }
    }
    /* output labels */
    int out[EIN_MAX], nout = 0;
    bool in_out[EIN_MAX] = {false};
    if (!st && arrow) {
        int ol[PTS_MAX_DIMS + 1], on; /* ellipsis dims missing from an explicit output are summed */
        bool oell;
        st = ein_term(OPN, arrow + 2, eq + strlen(eq), ol, &on, &oell);
        for (int k = 0; !st && k < on; k++) {
            if (ol[k] == -2) {
                for (int e = 0; e < E; e++)
                    out[nout++] = EIN_LETTERS + e;
                continue;
            }
            if (size[ol[k]] < 0)
                st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): output subscript %c does not appear in the equation for any "
                                                "input operand", OPN, arrow[2 + k]);
            else if (in_out[ol[k]])
                st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): output subscript %c appears more than once in the output",
                                 OPN, arrow[2 + k]);
            else
                out[nout++] = ol[k];
            if (!st)
                in_out[ol[k]] = true;
        }
    } else if (!st) {
        for (int e = 0; e < E; e++)
            out[nout++] = EIN_LETTERS + e;
        for (int L = 0; L < EIN_LETTERS; L++)
            if (count[L] == 1)
                out[nout++] = L;
    }
    for (int k = 0; k < nout; k++)
        in_out[out[k]] = true;
    int red[EIN_MAX], nred = 0;
    for (int L = 0; L < EIN_MAX; L++)
        if (size[L] >= 0 && !in_out[L])
            red[nred++] = L;
    pts_tensor *o = NULL;
    if (!st && nout > PTS_MAX_DIMS)
        st = pts_err_set(PTS_ERR_VALUE, "%s: einsum(): too many output dims", OPN);
    if (!st) {
        int64_t osz[PTS_MAX_DIMS];
        for (int k = 0; k < nout; k++)
            osz[k] = size[out[k]];
        o = pts_tensor_zeros(cd, nout, osz);
        if (!o)
            st = pts_err_last();
    }
    if (!st) {
        int64_t onum = pts_tensor_numel(o), rnum = 1;
        for (int k = 0; k < nred; k++)
            rnum *= size[red[k]];
        int64_t oidx[EIN_MAX] = {0}, ridx[EIN_MAX] = {0};
        for (int64_t q = 0; q < onum; q++) {
            int64_t base[8];
            for (int i = 0; i < nops; i++) {
                base[i] = 0;
                for (int k = 0; k < nout; k++)
                    base[i] += oidx[k] * lst[i][out[k]];
            }
            double accd = 0, acc_im = 0;
            uint64_t acci = 0;
            for (int k = 0; k < nred; k++)
                ridx[k] = 0;
            for (int64_t r = 0; r < rnum; r++) {
                if (cplx) {
                    double pr = 1, pi = 0;
                    for (int i = 0; i < nops; i++) {
                        int64_t off = base[i];
                        for (int k = 0; k < nred; k++)
                            off += ridx[k] * lst[i][red[k]];
                        const double *z = pts_f64(cs[i]) + 2 * off;
                        double nr = pr * z[0] - pi * z[1];
                        pi = pr * z[1] + pi * z[0];
                        pr = nr;
                    }
                    accd += pr;
                    acc_im += pi;
                } else if (cd == PTS_FLOAT64) {
                    double prod = 1;
                    for (int i = 0; i < nops; i++) {
                        int64_t off = base[i];
                        for (int k = 0; k < nred; k++)
                            off += ridx[k] * lst[i][red[k]];
                        prod *= pts_f64(cs[i])[off];
                    }
                    accd += prod;
                } else {
                    uint64_t prod = 1;
                    for (int i = 0; i < nops; i++) {
                        int64_t off = base[i];
                        for (int k = 0; k < nred; k++)
                            off += ridx[k] * lst[i][red[k]];
                        prod *= (uint64_t)pts_i64(cs[i])[off];
                    }
                    acci += prod;
                }
                for (int k = nred - 1; k >= 0; k--) { /* odometer */
                    if (++ridx[k] < size[red[k]])
                        break;
                    ridx[k] = 0;
                }
            }
            if (cplx) {
                pts_f64(o)[2 * q] = accd;
                pts_f64(o)[2 * q + 1] = acc_im;
            } else if (cd == PTS_FLOAT64)
                pts_f64(o)[q] = accd;
            else
                pts_i64(o)[q] = (int64_t)acci;
            for (int k = nout - 1; k >= 0; k--) {
                if (++oidx[k] < size[out[k]])
                    break;
                oidx[k] = 0;
            }
        }
    }
    for (int i = 0; i < nops; i++)
        pts_obj_release(cs[i] ? &cs[i]->hdr : NULL);
    if (st) {
        pts_obj_release(o ? &o->hdr : NULL);
        return st;
    }
    if (rd == PTS_BOOL) { /* bool einsum: a product of bools summed as a logical or */
        for (int64_t q = 0, n = pts_tensor_numel(o); q < n; q++)
            pts_i64(o)[q] = pts_i64(o)[q] != 0;
    }
    return pts_ret_as(o, rd, rets);
}

/* ---- the table ---------------------------------------------------------------------- */

const pts_op_def pts_ops_einsum[] = {
    PTS_OP("aten::einsum(str equation, Tensor[] tensors, *, int[]? path=None) -> Tensor", k_einsum),
    {NULL, NULL},
};
