/* upgrade.c - upgraders: calls written by a file older than an operator's
 * version bump, rewritten to mean what they meant then (reference 3.9):
 * div on two integral values rounds toward zero (div.*_mode "trunc"), full
 * with an integral fill value and no dtype makes floats.  The compiler marks
 * the site (op_site.upgrade); bind.c calls this once the overload is chosen.
 */
#include <stdio.h>
#include <string.h>

#include "interp/interp.h"
#include "tensor/tensor.h"

static bool is_integral(pts_value v)
{
    if (v.tag == PTS_T_INT || v.tag == PTS_T_BOOL)
        return true;
    if (v.tag == PTS_T_TENSOR) {
        const pts_dtype_info *di = pts_dtype_get(PTS_TENSOR(v)->dtype);
        return di && !di->is_float && !di->is_complex;
    }
    return false;
}

pts_status pts_interp_upgrade_call(const op_site *s, const pts_op **op, pts_value *argv, int *nargv)
{
    if (s->upgrade == PTS_UPG_DIV) {
        const char *ov = (*op)->schema.overload;
        bool plain = strcmp(ov, "Tensor") == 0 || strcmp(ov, "Scalar") == 0;
        if (plain && is_integral(argv[0]) && is_integral(argv[1])) {
            char name[96];
            snprintf(name, sizeof name, "%s.%s_mode", (*op)->schema.name, ov);
            const pts_op *m = pts_ops_find(name);
            if (!m)
                return pts_err_set(PTS_ERR_UNSUPPORTED, "%s (needed by the upgrader of old div) is missing", name);
            pts_value trunc;
            PTS_TRY(pts_value_str("trunc", 5, &trunc));
            argv[2] = trunc; /* self, other, rounding_mode */
            *nargv = 3;
            *op = m;
            return PTS_OK;
        }
    } else if (s->upgrade == PTS_UPG_FULL) {
        /* full(size, fill_value, *, dtype=None...): old full always made floats */
        const pts_schema *sc = &(*op)->schema;
        for (int i = 0; i < sc->nargs; i++)
            if (strcmp(sc->args[i].name, "dtype") == 0 && argv[i].tag == PTS_T_NONE && i > 1 &&
                (argv[1].tag == PTS_T_INT || argv[1].tag == PTS_T_BOOL)) {
                argv[1] = pts_float(argv[1].tag == PTS_T_INT ? (double)argv[1].u.i : (double)argv[1].u.b);
            }
    }
    return PTS_OK;
}
