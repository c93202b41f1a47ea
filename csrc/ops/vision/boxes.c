/* boxes.c - torchvision's box operators: nms (non-maximum suppression) and
 * box_iou_rotated, registered with torchvision's own schema strings (the
 * ones torch lists once torchvision is imported).  pyts needs no torchvision
 * at run time: these are plain kernels in the torchvision:: namespace.
 *
 * Semantics follow torchvision's CPU kernels (torchvision/csrc/ops/cpu):
 *   nms         order the boxes by score, descending (torch's CPU sort:
 *               ties keep index order, NaN first); walk that order, keep a
 *               box unless an earlier kept box overlaps it with IoU >
 *               iou_threshold.  Areas, intersections and the IoU are computed
 *               in the boxes' dtype (float or double) as torchvision does;
 *               the IoU is compared with the (double) threshold.
 *   box_iou_rotated  (cx, cy, w, h, angle in degrees) boxes; the area of the
 *               intersection polygon (edge crossings and contained corners,
 *               ordered by a Graham scan) over the union; float32 result.
 */
#include <math.h>
#include <stdlib.h>

#include "ops/kernel.h"
#include "ops/nn/gemm.h"

/* ---- nms ---------------------------------------------------------------------------------- */

/* Merge sort of idx[0..n) by key descending (NaN largest); equal keys keep
 * index order (torch's CPU sort of a 1-D tensor is stable). */
static bool desc_before(const double *key, int64_t a, int64_t b)
{
    double x = key[a], y = key[b];
    if (isnan(x))
        return !isnan(y) || a < b;
    if (isnan(y))
        return false;
    return x > y || (x == y && a < b);
}

static void sort_desc(const double *key, int64_t *idx, int64_t *tmp, int64_t n)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = desc_before(key, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int64_t));
    }
}

#define DEFINE_NMS(T)                                                                                   \
    static int64_t nms_##T(const T *d, const int64_t *order, int64_t n, double thr, uint8_t *supp,     \
                           T *areas, int64_t *keep)                                                     \
    {                                                                                                   \
        for (int64_t i = 0; i < n; i++)                                                                 \
            areas[i] = (d[4 * i + 2] - d[4 * i]) * (d[4 * i + 3] - d[4 * i + 1]);                       \
        int64_t nk = 0;                                                                                 \
        for (int64_t oi = 0; oi < n; oi++) {                                                            \
            int64_t i = order[oi];                                                                      \
            if (supp[i])                                                                                \
                continue;                                                                               \
            keep[nk++] = i;                                                                             \
            T ix1 = d[4 * i], iy1 = d[4 * i + 1], ix2 = d[4 * i + 2], iy2 = d[4 * i + 3], ia = areas[i]; \
            for (int64_t oj = oi + 1; oj < n; oj++) {                                                   \
                int64_t j = order[oj];                                                                  \
                if (supp[j])                                                                            \
                    continue;                                                                           \
                T xx1 = ix1 < d[4 * j] ? d[4 * j] : ix1;                                                \
                T yy1 = iy1 < d[4 * j + 1] ? d[4 * j + 1] : iy1;                                        \
                T xx2 = d[4 * j + 2] < ix2 ? d[4 * j + 2] : ix2;                                        \
                T yy2 = d[4 * j + 3] < iy2 ? d[4 * j + 3] : iy2;                                        \
                T w = xx2 - xx1, h = yy2 - yy1;                                                         \
                w = (T)0 < w ? w : (T)0; /* std::max(0, w), std::min/max as written */  \
                h = (T)0 < h ? h : (T)0;                                                                \
                T inter = w * h;                                                                        \
                T ovr = inter / (ia + areas[j] - inter);                                                \
                if (ovr > thr)                                                                          \
                    supp[j] = 1;                                                                        \
            }                                                                                           \
        }                                                                                               \
        return nk;                                                                                      \
    }

DEFINE_NMS(float)
DEFINE_NMS(double)

/* torchvision::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor */
PTS_KERNEL(k_tv_nms)
{
    pts_tensor *dets = a->dets, *scores = a->scores;
    if (dets->ndim != 2)
        return pts_err_set(PTS_ERR_VALUE, "%s: boxes should be a 2d tensor, got %dD", OPN, dets->ndim);
    if (dets->sizes[1] != 4)
        return pts_err_set(PTS_ERR_VALUE, "%s: boxes should have 4 elements in dimension 1, got %lld", OPN,
                           (long long)dets->sizes[1]);
    if (scores->ndim != 1)
        return pts_err_set(PTS_ERR_VALUE, "%s: scores should be a 1d tensor, got %dD", OPN, scores->ndim);
    if (dets->sizes[0] != scores->sizes[0])
        return pts_err_set(PTS_ERR_VALUE,
                           "%s: boxes and scores should have same number of elements in dimension 0, got %lld and %lld",
                           OPN, (long long)dets->sizes[0], (long long)scores->sizes[0]);
    int dt = dets->dtype;
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64)
        return pts_not_implemented("nms_kernel", dt);
    if (scores->dtype != dt)
        return pts_err_set(PTS_ERR_VALUE, "%s: dets should have the same type as scores", OPN);
    int64_t n = dets->sizes[0];
    if (n == 0) {
        int64_t z = 0;
        return pts_ret(pts_tensor_empty(PTS_INT64, 1, &z), &rets[0]);
    }
    pts_tensor *d = pts_nn_contig(dets, dt), *s = d ? pts_nn_contig(scores, PTS_FLOAT64) : NULL;
    int64_t *idx = pts_malloc((size_t)n * 3 * sizeof(int64_t));
    uint8_t *supp = pts_calloc((size_t)n, 1);
    double *areas = pts_malloc((size_t)n * sizeof(double));
    pts_status st = PTS_OK;
    if (!d || !s) {
        st = pts_err_last();
        goto done;
    }
    if (!idx || !supp || !areas) {
        st = pts_err_nomem("nms", (size_t)n * 33);
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        idx[i] = i;
    sort_desc(pts_f64(s), idx, idx + n, n);
    int64_t nk = dt == PTS_FLOAT64
                     ? nms_double(pts_tensor_data(d), idx, n, a->iou_threshold, supp, areas, idx + 2 * n)
                     : nms_float(pts_tensor_data(d), idx, n, a->iou_threshold, supp, (float *)areas, idx + 2 * n);
    pts_tensor *r = pts_tensor_empty(PTS_INT64, 1, &nk);
    if (!r) {
        st = pts_err_last();
        goto done;
    }
    memcpy(pts_tensor_data(r), idx + 2 * n, (size_t)nk * sizeof(int64_t));
    rets[0] = pts_ret_tensor(r);
done:
    pts_free(idx);
    pts_free(supp);
    pts_free(areas);
    if (d)
        pts_obj_release(&d->hdr);
    if (s)
        pts_obj_release(&s->hdr);
    return st;
}

/* ---- box_iou_rotated ------------------------------------------------------------------------ */

#define DEFINE_ROTATED(T)                                                                               \
    typedef struct pt_##T {                                                                             \
        T x, y;                                                                                         \
    } pt_##T;                                                                                           \
    static inline T cross_##T(pt_##T p, pt_##T q) { return p.x * q.y - q.x * p.y; }                     \
    static inline T dot_##T(pt_##T p, pt_##T q) { return p.x * q.x + p.y * q.y; }                       \
    static inline pt_##T sub_##T(pt_##T p, pt_##T q) { return (pt_##T){p.x - q.x, p.y - q.y}; }         \
                                                                                                        \
    /* corners of a box (cx, cy, w, h, degrees), y pointing down */                                     \
    static void corners_##T(T cx, T cy, T w, T h, T ang, pt_##T *p)                                     \
    {                                                                                                   \
        double th = ang * 0.01745329251;                                                                \
        T c2 = (T)cos(th) * 0.5f, s2 = (T)sin(th) * 0.5f;                                               \
        p[0].x = cx + s2 * h + c2 * w;                                                                  \
        p[0].y = cy + c2 * h - s2 * w;                                                                  \
        p[1].x = cx - s2 * h + c2 * w;                                                                  \
        p[1].y = cy - c2 * h - s2 * w;                                                                  \
        p[2].x = 2 * cx - p[0].x;                                                                       \
        p[2].y = 2 * cy - p[0].y;                                                                       \
        p[3].x = 2 * cx - p[1].x;                                                                       \
        p[3].y = 2 * cy - p[1].y;                                                                       \
    }                                                                                                   \
                                                                                                        \
    /* corners of rectangle p inside rectangle r (with a 1e-5 slack) appended to out */                 \
    static int inside_##T(const pt_##T *p, const pt_##T *r, const pt_##T *rv, pt_##T *out, int n)        \
    {                                                                                                   \
        const double EPS = 1e-5;                                                                        \
        T ab = dot_##T(rv[0], rv[0]), ad = dot_##T(rv[3], rv[3]);                                       \
        for (int i = 0; i < 4; i++) {                                                                   \
            pt_##T ap = sub_##T(p[i], r[0]);                                                            \
            T pab = dot_##T(ap, rv[0]), pad = -dot_##T(ap, rv[3]);                                      \
            if (pab > -EPS && pad > -EPS && pab < ab + EPS && pad < ad + EPS)                           \
                out[n++] = p[i];                                                                        \
        }                                                                                               \
        return n;                                                                                       \
    }                                                                                                   \
                                                                                                        \
    static T inter_area_##T(const pt_##T *p1, const pt_##T *p2)                                         \
    {                                                                                                   \
        pt_##T v1[4], v2[4], pts[24], q[24];                                                            \
        const double EPS = 1e-5;                                                                        \
        for (int i = 0; i < 4; i++) {                                                                   \
            v1[i] = sub_##T(p1[(i + 1) % 4], p1[i]);                                                    \
            v2[i] = sub_##T(p2[(i + 1) % 4], p2[i]);                                                    \
        }                                                                                               \
        int n = 0;                                                                                      \
        for (int i = 0; i < 4; i++)                                                                     \
            for (int j = 0; j < 4; j++) {                                                               \
                T det = cross_##T(v2[j], v1[i]);                                                        \
                if (fabs(det) <= 1e-14)                                                                 \
                    continue;                                                                           \
                pt_##T d = sub_##T(p2[j], p1[i]);                                                       \
                T t1 = cross_##T(v2[j], d) / det, t2 = cross_##T(v1[i], d) / det;                       \
                if (t1 > -EPS && t1 < 1.0f + EPS && t2 > -EPS && t2 < 1.0f + EPS)                       \
                    pts[n++] = (pt_##T){p1[i].x + v1[i].x * t1, p1[i].y + v1[i].y * t1};                \
            }                                                                                           \
        n = inside_##T(p1, p2, v2, pts, n);                                                             \
        n = inside_##T(p2, p1, v1, pts, n);                                                             \
        if (n <= 2)                                                                                     \
            return 0;                                                                                   \
        /* Graham scan from the lowest (then leftmost) point, relative coordinates */                   \
        int t = 0;                                                                                      \
        for (int i = 1; i < n; i++)                                                                     \
            if (pts[i].y < pts[t].y || (pts[i].y == pts[t].y && pts[i].x < pts[t].x))                   \
                t = i;                                                                                  \
        for (int i = 0; i < n; i++)                                                                     \
            q[i] = sub_##T(pts[i], pts[t]);                                                             \
        pt_##T tmp = q[0];                                                                              \
        q[0] = q[t];                                                                                    \
        q[t] = tmp;                                                                                     \
        T dist[24];                                                                                     \
        for (int i = 0; i < n; i++)                                                                     \
            dist[i] = dot_##T(q[i], q[i]);                                                              \
        for (int i = 1; i < n - 1; i++)                                                                 \
            for (int j = i + 1; j < n; j++) {                                                           \
                T cp = cross_##T(q[i], q[j]);                                                           \
                if (cp < -1e-6 || (fabs(cp) < 1e-6 && dist[i] > dist[j])) {                             \
                    tmp = q[i];                                                                         \
                    q[i] = q[j];                                                                        \
                    q[j] = tmp;                                                                         \
                    T dt = dist[i];                                                                     \
                    dist[i] = dist[j];                                                                  \
                    dist[j] = dt;                                                                       \
                }                                                                                       \
            }                                                                                           \
        for (int i = 0; i < n; i++)                                                                     \
            dist[i] = dot_##T(q[i], q[i]);                                                              \
        int k;                                                                                          \
        for (k = 1; k < n; k++)                                                                         \
            if (dist[k] > 1e-8)                                                                         \
                break;                                                                                  \
        if (k == n)                                                                                     \
            return 0; /* a single point */                                                              \
        q[1] = q[k];                                                                                    \
        int m = 2;                                                                                      \
        for (int i = k + 1; i < n; i++) {                                                               \
            while (m > 1) {                                                                             \
                pt_##T a1 = sub_##T(q[i], q[m - 2]), a2 = sub_##T(q[m - 1], q[m - 2]);                  \
                if (a1.x * a2.y >= a2.x * a1.y)                                                         \
                    m--;                                                                                \
                else                                                                                    \
                    break;                                                                              \
            }                                                                                           \
            q[m++] = q[i];                                                                              \
        }                                                                                               \
        if (m <= 2)                                                                                     \
            return 0;                                                                                   \
        T area = 0;                                                                                     \
        for (int i = 1; i < m - 1; i++)                                                                 \
            area += fabs(cross_##T(sub_##T(q[i], q[0]), sub_##T(q[i + 1], q[0])));                      \
        return area / 2.0;                                                                              \
    }                                                                                                   \
                                                                                                        \
    static float iou_rotated_##T(const T *b1, const T *b2)                                              \
    {                                                                                                   \
        T sx = (b1[0] + b2[0]) / 2.0, sy = (b1[1] + b2[1]) / 2.0;                                       \
        T a1 = b1[2] * b1[3], a2 = b2[2] * b2[3];                                                       \
        if (a1 < 1e-14 || a2 < 1e-14)                                                                   \
            return 0.f;                                                                                 \
        pt_##T p1[4], p2[4];                                                                            \
        corners_##T(b1[0] - sx, b1[1] - sy, b1[2], b1[3], b1[4], p1);                                   \
        corners_##T(b2[0] - sx, b2[1] - sy, b2[2], b2[3], b2[4], p2);                                   \
        T inter = inter_area_##T(p1, p2);                                                               \
        return (float)(inter / (a1 + a2 - inter));                                                      \
    }

DEFINE_ROTATED(float)
DEFINE_ROTATED(double)

/* torchvision::box_iou_rotated(Tensor boxes1, Tensor boxes2) -> Tensor */
PTS_KERNEL(k_tv_box_iou_rotated)
{
    pts_tensor *b1 = a->boxes1, *b2 = a->boxes2;
    if (b1->ndim != 2 || b1->sizes[1] != 5)
        return pts_err_set(PTS_ERR_VALUE, "%s: boxes1 should have shape (N, 5)", OPN);
    if (b2->ndim != 2 || b2->sizes[1] != 5)
        return pts_err_set(PTS_ERR_VALUE, "%s: boxes2 should have shape (M, 5)", OPN);
    if (b1->dtype != b2->dtype)
        return pts_err_set(PTS_ERR_VALUE, "%s: boxes1 and boxes2 must have the same dtype", OPN);
    int dt = b1->dtype;
    int64_t n = b1->sizes[0], m = b2->sizes[0], sz[2] = {n, m};
    if (n == 0 || m == 0)
        return pts_ret(pts_tensor_empty(PTS_FLOAT32, 2, sz), &rets[0]);
    if (dt != PTS_FLOAT32 && dt != PTS_FLOAT64)
        return pts_not_implemented("box_iou_rotated_cpu", dt);
    pts_tensor *c1 = pts_nn_contig(b1, dt), *c2 = c1 ? pts_nn_contig(b2, dt) : NULL, *r = NULL;
    pts_status st = PTS_OK;
    if (!c1 || !c2 || !(r = pts_tensor_empty(PTS_FLOAT32, 2, sz))) {
        st = pts_err_last();
    } else {
        float *o = pts_tensor_data(r);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < m; j++)
                o[i * m + j] = dt == PTS_FLOAT64
                                   ? iou_rotated_double((const double *)pts_tensor_data(c1) + 5 * i,
                                                        (const double *)pts_tensor_data(c2) + 5 * j)
                                   : iou_rotated_float((const float *)pts_tensor_data(c1) + 5 * i,
                                                       (const float *)pts_tensor_data(c2) + 5 * j);
        rets[0] = pts_ret_tensor(r);
    }
    if (c1)
        pts_obj_release(&c1->hdr);
    if (c2)
        pts_obj_release(&c2->hdr);
    return st;
}

const pts_op_def pts_ops_tv_boxes[] = {
    PTS_OP("torchvision::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor", k_tv_nms),
    PTS_OP("torchvision::box_iou_rotated(Tensor boxes1, Tensor boxes2) -> Tensor", k_tv_box_iou_rotated),
    {NULL, NULL},
};
