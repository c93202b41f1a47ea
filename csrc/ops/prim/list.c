/* list.c - list operators of printed TorchScript, with Python semantics:
 * negative indices, slices with steps, in-place methods (append, insert,
 * pop, remove, sort, reverse, extend, clear, del) and the copying ones
 * (+, *, copy, sorted).  Dicts are in dict.c.
 *
 * Lists keep their element type (pts_list.elem) so that later overload
 * matching of the list (eq.int_list vs eq.str_list...) stays exact.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/kernel.h"
#include "ops/prim/prim.h"

#define L(v) PTS_LIST(v)

pts_status pts_prim_list_reserve(pts_list *l, int64_t n)
{
    if (n <= l->cap)
        return PTS_OK;
    int64_t cap = l->cap ? l->cap : 4;
    while (cap < n)
        cap *= 2;
    size_t bytes;
    if (pts_mul_overflow_size((size_t)cap, sizeof(pts_value), &bytes))
        return pts_err_set(PTS_ERR_LIMIT, "list too long (%lld elements)", (long long)n);
    pts_value *ni = pts_realloc(l->items, bytes);
    if (!ni)
        return pts_err_nomem("a list", bytes);
    l->items = ni;
    l->cap = cap;
    return PTS_OK;
}

/* New list with the element type of `like`, holding retained copies of items. */
static pts_status list_from(pts_type *elem, const pts_value *items, int64_t n, pts_list **out)
{
    pts_list *l = pts_list_new(elem, n);
    if (!l)
        return PTS_ERR_NOMEM;
    if (n && pts_prim_list_reserve(l, n)) {
        pts_obj_release(&l->hdr);
        return PTS_ERR_NOMEM;
    }
    for (int64_t i = 0; i < n; i++)
        l->items[i] = pts_value_retain(items[i]);
    l->len = n;
    *out = l;
    return PTS_OK;
}

static pts_value list_value(pts_list *l) { return pts_obj_value(&l->hdr); }

/* ---- reading ---------------------------------------------------------------------------------- */

PTS_KERNEL(k_len)
{
    rets[0] = pts_int(a->a.tag == PTS_T_LIST ? L(a->a)->len : a->a.tag == PTS_T_TUPLE ? PTS_TUPLE(a->a)->len : PTS_DICT(a->a)->len);
    return PTS_OK;
}

PTS_KERNEL(k_getitem)
{
    int64_t i = 0;
    PTS_TRY(pts_prim_norm_index(a->idx, L(a->list)->len, "list", &i));
    rets[0] = pts_value_retain(L(a->list)->items[i]);
    return PTS_OK;
}

static pts_status k_slice(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *src = L(a[0]);
    int64_t first, count, step = a[3].u.i;
    PTS_TRY(pts_prim_slice_indices(a[1], a[2], step, src->len, &first, &count));
    pts_list *l = pts_list_new(src->elem, count);
    if (!l)
        return PTS_ERR_NOMEM;
    if (pts_prim_list_reserve(l, count)) {
        pts_obj_release(&l->hdr);
        return PTS_ERR_NOMEM;
    }
    for (int64_t k = 0; k < count; k++)
        l->items[k] = pts_value_retain(src->items[first + k * step]);
    l->len = count;
    r[0] = list_value(l);
    return PTS_OK;
}

static pts_status k_copy(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l;
    PTS_TRY(list_from(L(a[0])->elem, L(a[0])->items, L(a[0])->len, &l));
    r[0] = list_value(l);
    return PTS_OK;
}

PTS_KERNEL(k_contains)
{
    pts_list *l = L(a->l);
    bool found = false;
    for (int64_t i = 0; i < l->len && !found; i++)
        found = pts_prim_equal(l->items[i], a->item);
    rets[0] = pts_bool(found);
    return PTS_OK;
}

PTS_KERNEL(k_list_index)
{
    pts_list *l = L(a->self);
    for (int64_t i = 0; i < l->len; i++)
        if (pts_prim_equal(l->items[i], a->el)) {
            rets[0] = pts_int(i);
            return PTS_OK;
        }
    return pts_err_set(PTS_ERR_VALUE, "'%s' is not in list", a->el.tag == PTS_T_STR ? PTS_STR(a->el)->data : "element");
}

PTS_KERNEL(k_count)
{
    pts_list *l = L(a->self);
    int64_t n = 0;
    for (int64_t i = 0; i < l->len; i++)
        n += pts_prim_equal(l->items[i], a->el);
    rets[0] = pts_int(n);
    return PTS_OK;
}

PTS_KERNEL(k_list_add)
{
    pts_list *x = L(a->a), *y = L(a->b);
    pts_list *l;
    PTS_TRY(list_from(x->elem ? x->elem : y->elem, x->items, x->len, &l));
    pts_status st = pts_prim_list_reserve(l, x->len + y->len);
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    for (int64_t i = 0; i < y->len; i++)
        l->items[l->len++] = pts_value_retain(y->items[i]);
    rets[0] = list_value(l);
    return PTS_OK;
}

static pts_status repeat(pts_list *x, int64_t n, pts_value *r)
{
    if (n < 0)
        n = 0;
    int64_t total;
    if (pts_mul_overflow_i64(x->len, n, &total) || total > ((int64_t)1 << 40))
        return pts_err_set(PTS_ERR_LIMIT, "list repetition too large");
    pts_list *l = pts_list_new(x->elem, 0);
    if (!l)
        return PTS_ERR_NOMEM;
    if (pts_prim_list_reserve(l, total)) {
        pts_obj_release(&l->hdr);
        return PTS_ERR_NOMEM;
    }
    for (int64_t k = 0; k < n; k++)
        for (int64_t i = 0; i < x->len; i++)
            l->items[l->len++] = pts_value_retain(x->items[i]);
    *r = list_value(l);
    return PTS_OK;
}

PTS_KERNEL(k_mul_left)
{
    return repeat(L(a->l), a->n, &rets[0]);
}

PTS_KERNEL(k_mul_right)
{
    return repeat(L(a->l), a->n, &rets[0]);
}

/* ---- mutating ----------------------------------------------------------------------------------- */

PTS_KERNEL(k_set_item)
{
    pts_list *l = L(a->l);
    int64_t i = 0;
    PTS_TRY(pts_prim_norm_index(a->idx, l->len, "list", &i));
    pts_value old = l->items[i];
    l->items[i] = pts_value_retain(a->el);
    pts_value_release(old);
    rets[0] = pts_value_retain(a->l);
    return PTS_OK;
}

PTS_KERNEL(k_append)
{
    PTS_TRY(pts_list_append(L(a->self), pts_value_retain(a->el)));
    rets[0] = pts_value_retain(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_insert)
{
    pts_list *l = L(a->self);
    int64_t i = a->idx;
    if (i < 0)
        i = i + l->len < 0 ? 0 : i + l->len;
    if (i > l->len)
        i = l->len;
    PTS_TRY(pts_prim_list_reserve(l, l->len + 1));
    memmove(l->items + i + 1, l->items + i, (size_t)(l->len - i) * sizeof(pts_value));
    l->items[i] = pts_value_retain(a->el);
    l->len++;
    return PTS_OK;
}

static void list_delete(pts_list *l, int64_t i, pts_value *out)
{
    pts_value v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(pts_value));
    l->len--;
    if (out)
        *out = v;
    else
        pts_value_release(v);
}

PTS_KERNEL(k_pop)
{
    pts_list *l = L(a->self);
    if (l->len == 0)
        return pts_err_set(PTS_ERR_INDEX, "pop from empty list");
    int64_t i = 0;
    PTS_TRY(pts_prim_norm_index(a->idx, l->len, "pop", &i));
    list_delete(l, i, &rets[0]);
    return PTS_OK;
}

PTS_KERNEL(k_delete)
{
    pts_list *l = L(a->self);
    int64_t i = 0;
    PTS_TRY(pts_prim_norm_index(a->idx, l->len, "list assignment", &i));
    list_delete(l, i, NULL);
    return PTS_OK;
}

PTS_KERNEL(k_remove)
{
    pts_list *l = L(a->self);
    for (int64_t i = 0; i < l->len; i++)
        if (pts_prim_equal(l->items[i], a->el)) {
            list_delete(l, i, NULL);
            return PTS_OK;
        }
    return pts_err_set(PTS_ERR_VALUE, "list.remove(x): x not in list");
}

PTS_KERNEL(k_clear)
{
    pts_list *l = L(a->self);
    int64_t n = l->len;
    l->len = 0;
    for (int64_t i = 0; i < n; i++)
        pts_value_release(l->items[i]);
    return PTS_OK;
}

static pts_status extend(pts_list *l, pts_list *o)
{
    int64_t n = o->len; /* o may be l itself */
    PTS_TRY(pts_prim_list_reserve(l, l->len + n));
    for (int64_t i = 0; i < n; i++)
        l->items[l->len++] = pts_value_retain(o->items[i]);
    return PTS_OK;
}

PTS_KERNEL(k_extend)
{
    return extend(L(a->self), L(a->other));
}

PTS_KERNEL(k_add_)
{
    PTS_TRY(extend(L(a->self), L(a->b)));
    rets[0] = pts_value_retain(a->self);
    return PTS_OK;
}

PTS_KERNEL(k_mul_)
{
    pts_list *l = L(a->l);
    pts_value tmp;
    PTS_TRY(repeat(l, a->n, &tmp));
    pts_list *t = L(tmp);
    /* swap contents */
    pts_value *items = l->items;
    int64_t len = l->len, cap = l->cap;
    l->items = t->items;
    l->len = t->len;
    l->cap = t->cap;
    t->items = items;
    t->len = len;
    t->cap = cap;
    pts_value_release(tmp);
    rets[0] = pts_value_retain(a->l);
    return PTS_OK;
}

PTS_KERNEL(k_reverse)
{
    pts_list *l = L(a->self);
    for (int64_t i = 0; i < l->len / 2; i++) {
        pts_value t = l->items[i];
        l->items[i] = l->items[l->len - 1 - i];
        l->items[l->len - 1 - i] = t;
    }
    return PTS_OK;
}

/* less(a, b, &out): out = a < b, or an error */
typedef pts_status (*less_fn)(pts_value a, pts_value b, bool *out);

/* Stable merge sort with a fallible comparison. */
static pts_status merge_sort(pts_value *v, pts_value *tmp, int64_t n, bool rev, less_fn less)
{
    if (n < 2)
        return PTS_OK;
    int64_t h = n / 2;
    PTS_TRY(merge_sort(v, tmp, h, rev, less));
    PTS_TRY(merge_sort(v + h, tmp, n - h, rev, less));
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        bool take_right = false;
        /* take right first only if strictly before left */
        PTS_TRY(rev ? less(v[i], v[j], &take_right) : less(v[j], v[i], &take_right));
        tmp[k++] = take_right ? v[j++] : v[i++];
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, (size_t)n * sizeof *v);
    return PTS_OK;
}

static pts_status sort_list(pts_list *l, bool rev, less_fn less)
{
    if (l->len < 2)
        return PTS_OK;
    pts_value *tmp = pts_malloc((size_t)l->len * sizeof *tmp);
    pts_value *work = pts_malloc((size_t)l->len * sizeof *work);
    if (!tmp || !work) {
        pts_free(tmp);
        pts_free(work);
        return pts_err_nomem("sort", (size_t)l->len * sizeof *tmp);
    }
    memcpy(work, l->items, (size_t)l->len * sizeof *work);
    pts_status st = merge_sort(work, tmp, l->len, rev, less);
    if (!st)
        memcpy(l->items, work, (size_t)l->len * sizeof *work); /* a permutation: refs unchanged */
    pts_free(tmp);
    pts_free(work);
    return st;
}

PTS_KERNEL(k_list_sort)
{
    return sort_list(L(a->self), a->reverse, pts_prim_less);
}

static pts_status k_sorted(const pts_op *op, pts_value *a, pts_value *r)
{
    (void)op;
    pts_list *l;
    PTS_TRY(list_from(L(a[0])->elem, L(a[0])->items, L(a[0])->len, &l));
    pts_status st = sort_list(l, false, pts_prim_less);
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    r[0] = list_value(l);
    return PTS_OK;
}

/* ---- lists of tensors: elements compare as Python does, bool(a == b) / bool(a < b), so a tensor of
 * more than one element is an error ("ambiguous"), as in torch ------------------------------------- */

static pts_status tensor_truth(const char *opname, pts_value x, pts_value y, bool *out)
{
    const pts_op *op = pts_ops_find(opname);
    if (!op)
        return pts_err_set(PTS_ERR_UNSUPPORTED, "%s is missing", opname);
    pts_value args[2] = {x, y}, r = pts_none();
    PTS_TRY(op->fn(op, args, &r));
    int64_t n = pts_tensor_numel(PTS_TENSOR(r));
    pts_status st = PTS_OK;
    if (n != 1) {
        st = pts_err_set(PTS_ERR_VALUE, "Boolean value of Tensor with %s is ambiguous",
                         n == 0 ? "no values" : "more than one value");
    } else {
        const pts_op *b = pts_ops_find("aten::Bool.Tensor");
        pts_value bv = pts_none();
        st = b ? b->fn(b, &r, &bv) : pts_err_set(PTS_ERR_UNSUPPORTED, "aten::Bool.Tensor is missing");
        if (!st)
            *out = bv.u.b;
    }
    pts_value_release(r);
    return st;
}

static pts_status find_tensor(pts_list *l, pts_value el, int64_t *at)
{
    *at = -1;
    for (int64_t i = 0; i < l->len; i++) {
        bool eq;
        PTS_TRY(tensor_truth("aten::eq.Tensor", el, l->items[i], &eq));
        if (eq) {
            *at = i;
            return PTS_OK;
        }
    }
    return PTS_OK;
}

PTS_KERNEL(k_count_tensor)
{
    pts_list *l = L(a->self);
    int64_t n = 0;
    for (int64_t i = 0; i < l->len; i++) {
        bool eq;
        PTS_TRY(tensor_truth("aten::eq.Tensor", pts_obj_value(&a->el->hdr), l->items[i], &eq));
        n += eq;
    }
    rets[0] = pts_int(n);
    return PTS_OK;
}

PTS_KERNEL(k_index_tensor)
{
    int64_t at;
    PTS_TRY(find_tensor(L(a->self), pts_obj_value(&a->el->hdr), &at));
    if (at < 0)
        return pts_err_set(PTS_ERR_VALUE, "'element' is not in list");
    rets[0] = pts_int(at);
    return PTS_OK;
}

PTS_KERNEL(k_remove_tensor)
{
    int64_t at;
    PTS_TRY(find_tensor(L(a->self), pts_obj_value(&a->el->hdr), &at));
    if (at < 0)
        return pts_err_set(PTS_ERR_VALUE, "list.remove(x): x not in list");
    list_delete(L(a->self), at, NULL);
    return PTS_OK;
}

static pts_status tensor_lists_equal(pts_list *x, pts_list *y, bool *out)
{
    *out = false;
    if (x->len != y->len)
        return PTS_OK;
    for (int64_t i = 0; i < x->len; i++) {
        bool eq;
        PTS_TRY(tensor_truth("aten::eq.Tensor", x->items[i], y->items[i], &eq));
        if (!eq)
            return PTS_OK;
    }
    *out = true;
    return PTS_OK;
}

PTS_KERNEL(k_eq_tensor_list)
{
    bool eq;
    PTS_TRY(tensor_lists_equal(L(a->a), L(a->b), &eq));
    rets[0] = pts_bool(eq);
    return PTS_OK;
}

PTS_KERNEL(k_ne_tensor_list)
{
    bool eq;
    PTS_TRY(tensor_lists_equal(L(a->a), L(a->b), &eq));
    rets[0] = pts_bool(!eq);
    return PTS_OK;
}

/* bool(a < b) of two tensors (the same tensor is not less than itself); sorted by the shared
 * stable merge sort (torch uses std::sort; equal elements are equal values, so the order among
 * them cannot be observed in the values) */
static pts_status tensor_less(pts_value a, pts_value b, bool *out)
{
    *out = false;
    return a.u.o == b.u.o ? PTS_OK : tensor_truth("aten::lt.Tensor", a, b, out);
}

PTS_KERNEL(k_sort_tensor)
{
    return sort_list(L(a->self), a->reverse, tensor_less);
}

PTS_KERNEL(k_sorted_tensor)
{
    pts_list *src = L(a->input), *l;
    PTS_TRY(list_from(src->elem, src->items, src->len, &l));
    pts_status st = sort_list(l, false, tensor_less);
    if (st) {
        pts_obj_release(&l->hdr);
        return st;
    }
    rets[0] = list_value(l);
    return PTS_OK;
}

const pts_op_def pts_ops_list[] = {
    PTS_OP("aten::len.t(t[] a) -> int", k_len),
    PTS_OP("aten::len.any(Any[] a) -> int", k_len),
    PTS_OP("aten::__getitem__.t(t[](a) list, int idx) -> t(*)", k_getitem),
    PTS_OP("aten::select.t(t[](a) list, int idx) -> t(*)", k_getitem),
    PTS_OP("aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[]", k_slice),
    PTS_OP("aten::list.t(t[] l) -> t[]", k_copy),
    PTS_OP("aten::copy.t(t[](a) self) -> t[]", k_copy),
    PTS_OP("aten::__contains__.int_list(int[] l, int item) -> bool", k_contains),
    PTS_OP("aten::__contains__.str_list(str[] l, str item) -> bool", k_contains),
    PTS_OP("aten::__contains__.float_list(float[] l, float item) -> bool", k_contains),
    PTS_OP("aten::index.list_int(int[] self, int el) -> int", k_list_index),
    PTS_OP("aten::index.list_float(float[] self, float el) -> int", k_list_index),
    PTS_OP("aten::index.list_bool(bool[] self, bool el) -> int", k_list_index),
    PTS_OP("aten::index.list_str(str[] self, str el) -> int", k_list_index),
    PTS_OP("aten::count.int(int[] self, int el) -> int", k_count),
    PTS_OP("aten::count.float(float[] self, float el) -> int", k_count),
    PTS_OP("aten::count.bool(bool[] self, bool el) -> int", k_count),
    PTS_OP("aten::count.str(str[] self, str el) -> int", k_count),
    PTS_OP("aten::add.t(t[] a, t[] b) -> t[]", k_list_add),
    PTS_OP("aten::add_.t(t[](a!) self, t[] b) -> t[]", k_add_),
    PTS_OP("aten::mul.left_t(t[] l, int n) -> t[]", k_mul_left),
    PTS_OP("aten::mul.right_(int n, t[] l) -> t[]", k_mul_right),
    PTS_OP("aten::mul_.t(t[](a!) l, int n) -> t[](a!)", k_mul_),
    PTS_OP("aten::_set_item.t(t[](a!) l, int idx, t(b -> *) el) -> t[](a!)", k_set_item),
    PTS_OP("aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)", k_append),
    PTS_OP("aten::insert.t(t[](a!) self, int idx, t(b -> *) el) -> ()", k_insert),
    PTS_OP("aten::pop.t(t[](a!) self, int idx=-1) -> t(*)", k_pop),
    PTS_OP("aten::Delete.t(t[](a!) self, int idx) -> ()", k_delete),
    PTS_OP("aten::remove.int(int[](a!) self, int el) -> ()", k_remove),
    PTS_OP("aten::remove.float(float[](a!) self, float el) -> ()", k_remove),
    PTS_OP("aten::remove.bool(bool[](a!) self, bool el) -> ()", k_remove),
    PTS_OP("aten::remove.str(str[](a!) self, str el) -> ()", k_remove),
    PTS_OP("aten::clear.t(t[](a!) self) -> ()", k_clear),
    PTS_OP("aten::extend.t(t[](a!) self, t[] other) -> ()", k_extend),
    PTS_OP("aten::reverse.t(t[](a!) self) -> ()", k_reverse),
    PTS_OP("aten::sort.int(int[](a!) self, bool reverse=False) -> ()", k_list_sort),
    PTS_OP("aten::sort.float(float[](a!) self, bool reverse=False) -> ()", k_list_sort),
    PTS_OP("aten::sort.bool(bool[](a!) self, bool reverse=False) -> ()", k_list_sort),
    PTS_OP("aten::sort.str(str[](a!) self, bool reverse=False) -> ()", k_list_sort),
    PTS_OP("aten::sort.any(t[](a!) self, bool reverse=False) -> ()", k_list_sort),
    PTS_OP("aten::sorted.int(int[](a) input) -> int[]", k_sorted),
    PTS_OP("aten::sorted.float(float[](a) input) -> float[]", k_sorted),
    PTS_OP("aten::sorted.bool(bool[](a) input) -> bool[]", k_sorted),
    PTS_OP("aten::sorted.str(str[](a) input) -> str[]", k_sorted),
    PTS_OP("aten::sorted.any(t[](a) self) -> t[]", k_sorted),
    PTS_OP("aten::sorted.Tensor(Tensor[](a) input) -> Tensor[]", k_sorted_tensor),
    PTS_OP("aten::sort.Tensor(Tensor[](a!) self, bool reverse=False) -> ()", k_sort_tensor),
    PTS_OP("aten::count.Tensor(Tensor[] self, Tensor el) -> int", k_count_tensor),
    PTS_OP("aten::remove.Tensor(Tensor[](a!) self, Tensor el) -> ()", k_remove_tensor),
    PTS_OP("aten::index.list_Tensor(Tensor[] self, Tensor el) -> int", k_index_tensor),
    PTS_OP("aten::eq.Tensor_list(Tensor[] a, Tensor[] b) -> bool", k_eq_tensor_list),
    PTS_OP("aten::ne.Tensor_list(Tensor[] a, Tensor[] b) -> bool", k_ne_tensor_list),
    {NULL, NULL},
};
