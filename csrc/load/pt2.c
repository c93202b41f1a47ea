/* pt2.c - torch.export archives (.pt2) -> a runnable program (see pt2.h and
 * docs/pt2.md).  The layer above container/ (records), ops/ (the registry the
 * graph's nodes call) and tensor/ (weights viewed zero-copy from the mapping).
 *
 * Load: archive_format / archive_version / byteorder checks, models/model.json
 * parsed with jansson (schema major 8 only), weights and constants from their
 * PayloadConfig JSON, the signature (which graph input is a parameter, a
 * buffer, a constant or a user input; which output is a user output or a
 * mutation), the pytree specs, and every node resolved to an operator with its
 * arguments bound by schema name.  Values live in numbered slots; each slot
 * is released after its last use (planned here, plan_frees).  The program's
 * structures are in pt2_program.h; running it is pt2_run.c.
 */
#include "load/pt2.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "load/pt2_program.h"
#include "ops/registry.h"
#include "pickle/unpickle.h"
#include "tensor/convert.h"
#include "tensor/promote.h"
#include "tensor/tensor.h"
#include "value/type.h"

#define MODEL_JSON "models/model.json"
#define LEGACY_JSON "serialized_exported_program.json" /* torch 2.6 / 2.7 */

static void targ_free(targ *a)
{
    if (a->kind == A_LIT)
        pts_value_release(a->lit);
    for (int i = 0; i < a->n; i++)
        targ_free(&a->items[i]);
    pts_free(a->items);
    a->items = NULL;
    a->n = 0;
}

static void graph_free(tgraph *g)
{
    for (int i = 0; i < g->nnodes; i++) {
        tnode *n = &g->nodes[i];
        for (int k = 0; k < n->nargs; k++) {
            targ_free(&n->args[k]);
            pts_free(n->kwnames[k]);
        }
        pts_free(n->args);
        pts_free(n->kwnames);
        pts_free(n->outs);
        pts_free(n->list_slots);
        pts_free(n->free_slots);
        pts_free(n->target);
        pts_free(n->opname);
    }
    pts_free(g->nodes);
    for (int i = 0; i < g->nout; i++)
        targ_free(&g->outs[i]);
    pts_free(g->outs);
    pts_free(g->in_slots);
}

void pts_pt2_free(pts_pt2 *p)
{
    if (!p)
        return;
    graph_free(&p->g);
    for (int i = 0; i < p->ngraphs; i++) {
        graph_free(p->graphs[i]);
        pts_free(p->graphs[i]);
    }
    pts_free(p->graphs);
    for (int i = 0; i < p->ninputs; i++) {
        pts_value_release(p->inputs[i].value);
        pts_free(p->inputs[i].name);
    }
    pts_free(p->inputs);
    for (int i = 0; i < p->noutputs; i++)
        targ_free(&p->outputs[i].arg);
    pts_free(p->outputs);
    json_decref(p->in_spec);
    json_decref(p->out_spec);
    pts_archive_release(p->archive);
    pts_free(p->path);
    pts_free(p);
}

bool pts_pt2_detect(const pts_archive *a)
{
    return pts_archive_has(a, "archive_format") || pts_archive_has(a, LEGACY_JSON);
}

void pts_pt2_schema_version(const pts_pt2 *p, int *major, int *minor)
{
    *major = p->major;
    *minor = p->minor;
}

const char *pts_pt2_dialect(const pts_pt2 *p) { return p->dialect; }

/* ---- load context -------------------------------------------------------------- */

typedef struct storage_ent {
    char *record;
    pts_storage *st;
} storage_ent;

typedef struct lctx {
    pts_pt2 *p;
    json_t *names;  /* value name -> slot (json integer) */
    json_t *tvals;  /* graph.tensor_values (borrowed) */
    json_t *ranges; /* range_constraints (borrowed) */
    json_t *state;  /* FQN -> tensor index in `tensors` (json integer) */
    pts_value *tensors;
    int ntensors;
    storage_ent *stores;
    int nstores;
    pts_missing_op *missing;
    int nmissing;
    tgraph *g;  /* the graph being read (names: its scope) */
    const char *gname; /* its name, for messages (a subgraph's; borrowed from the JSON) */
    int depth;  /* subgraph nesting */
    int node;   /* node of g being read, for messages (-1: none) */
} lctx;

static pts_status bad(lctx *c, const char *fmt, ...) PTS_PRINTF(2, 3);
static pts_status bad(lctx *c, const char *fmt, ...)
{
    char msg[600], sub[120] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->depth)
        snprintf(sub, sizeof sub, "subgraph '%.80s' ", c->gname);
    if (c->node >= 0)
        return pts_err_set(PTS_ERR_LOAD, "%s: %s: %snode %d ('%s'): %s", c->p->path, c->p->json_name, sub, c->node,
                           c->g->nodes[c->node].target ? c->g->nodes[c->node].target : "?", msg);
    if (c->depth)
        return pts_err_set(PTS_ERR_LOAD, "%s: %s: subgraph '%.80s': %s", c->p->path, c->p->json_name, c->gname, msg);
    return pts_err_set(PTS_ERR_LOAD, "%s: %s", c->p->path, msg);
}

/* Read a small text record (trailing newline/space stripped) into buf. */
static pts_status read_text(pts_pt2 *p, const char *name, char *buf, size_t cap)
{
    pts_blob b;
    pts_status st = pts_archive_read(p->archive, name, &b);
    if (st == PTS_ERR_KEY)
        return pts_err_set(PTS_ERR_LOAD, "%s: the archive has no '%s' record", p->path, name);
    if (st)
        return st;
    size_t n = b.len < cap - 1 ? b.len : cap - 1;
    memcpy(buf, b.data, n);
    buf[n] = 0;
    pts_blob_free(&b);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = 0;
    return PTS_OK;
}

/* torch 2.6 wrote infinities and NaN as Python's json does by default, as
 * the bare tokens Infinity, -Infinity and NaN, which are not JSON; 2.7 on
 * writes the strings "Infinity", ... that float_of() reads.  Quote the bare
 * tokens (outside strings) and parse again: a new buffer of *n bytes, or
 * NULL (out of memory, or nothing to quote). */
static char *quote_nonfinite(const uint8_t *s, size_t len, size_t *n)
{
    static const char *const tok[] = {"-Infinity", "Infinity", "NaN"};
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++) {
        char *o = NULL;
        if (pass == 1) {
            if (!count || !(o = pts_malloc(len + 2 * count)))
                return NULL;
        }
        size_t k = 0;
        bool in_str = false;
        for (size_t i = 0; i < len; i++) {
            size_t tl = 0;
            if (in_str) {
                if (s[i] == '\\' && i + 1 < len) {
                    if (o) {
                        o[k] = (char)s[i];
                        o[k + 1] = (char)s[i + 1];
                    }
                    k += 2;
                    i++;
                    continue;
                }
                in_str = s[i] != '"';
            } else if (s[i] == '"') {
                in_str = true;
            } else {
                for (int t = 0; t < 3 && !tl; t++) {
                    size_t l = strlen(tok[t]);
                    if (len - i >= l && !memcmp(s + i, tok[t], l))
                        tl = l;
                }
            }
            if (!tl) {
                if (o)
                    o[k] = (char)s[i];
                k++;
                continue;
            }
            if (o) {
                o[k] = '"';
                memcpy(o + k + 1, s + i, tl);
                o[k + 1 + tl] = '"';
            } else {
                count++;
            }
            k += tl + 2;
            i += tl - 1;
        }
        if (o) {
            *n = k;
            return o;
        }
    }
    return NULL;
}

/* Parse JSON record `name` into *out (new reference). */
static pts_status read_json(pts_pt2 *p, const char *name, json_t **out)
{
    *out = NULL;
    pts_blob b;
    pts_status st = pts_archive_read(p->archive, name, &b);
    if (st == PTS_ERR_KEY)
        return pts_err_set(PTS_ERR_LOAD, "%s: the archive has no '%s' record", p->path, name);
    if (st)
        return st;
    json_error_t err;
    *out = json_loadb((const char *)b.data, b.len, 0, &err);
    if (!*out) {
        size_t n = 0;
        char *q = quote_nonfinite(b.data, b.len, &n);
        if (q) {
            json_error_t err2;
            *out = json_loadb(q, n, 0, &err2);
            pts_free(q);
        }
    }
    pts_blob_free(&b);
    if (!*out)
        return pts_err_set(PTS_ERR_LOAD, "%s: %s is not valid JSON: %s at line %d, column %d (byte %d)", p->path,
                           name, err.text, err.line, err.column, err.position);
    return PTS_OK;
}

/* Member `key` of object `o` with type `type` (JSON_OBJECT, ...; -1: any). */
static pts_status member(lctx *c, const json_t *o, const char *key, int type, const char *what, json_t **out)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    *out = NULL;
    if (!v || (type >= 0 && (int)json_typeof(v) != type) ||
        (type == JSON_TRUE && !json_is_boolean(v)))
        return bad(c, "%s: field '%s' is missing or of the wrong JSON type", what, key);
    *out = v;
    return PTS_OK;
}

/* A union object {"tag": payload}: the tag and payload.  Unknown keys are
 * not allowed in a union (exactly one key). */
static pts_status union_of(lctx *c, const json_t *o, const char *what, const char **tag, json_t **val)
{
    *tag = "";
    *val = NULL;
    if (!json_is_object(o) || json_object_size(o) != 1)
        return bad(c, "%s is not a one-key union object", what);
    void *it = json_object_iter((json_t *)o);
    *tag = json_object_iter_key(it);
    *val = json_object_iter_value(it);
    return PTS_OK;
}

static pts_status int_of(lctx *c, const json_t *v, const char *what, int64_t *out)
{
    if (!json_is_integer(v))
        return bad(c, "%s is not an integer", what);
    *out = (int64_t)json_integer_value(v);
    return PTS_OK;
}

/* A SymInt that must be a plain int ({"as_int": n}). */
static pts_status symint_const(lctx *c, const json_t *v, const char *what, int64_t *out)
{
    const char *tag;
    json_t *val;
    PTS_TRY(union_of(c, v, what, &tag, &val));
    if (strcmp(tag, "as_int") != 0)
        return bad(c, "%s is symbolic (%s), a constant is needed here", what, tag);
    return int_of(c, val, what, out);
}

/* ---- enums (torch/_export/serde/schema.py) ------------------------------------------ */

static int map_dtype(int64_t code)
{
    switch (code) {
    case 1: return PTS_UINT8;
    case 2: return PTS_INT8;
    case 3: return PTS_INT16;
    case 4: return PTS_INT32;
    case 5: return PTS_INT64;
    case 6: return PTS_FLOAT16;
    case 7: return PTS_FLOAT32;
    case 8: return PTS_FLOAT64;
    case 9: return PTS_COMPLEX32;
    case 10: return PTS_COMPLEX64;
    case 11: return PTS_COMPLEX128;
    case 12: return PTS_BOOL;
    case 13: return PTS_BFLOAT16;
    case 28: return PTS_UINT16;
    case 29: return PTS_FLOAT8_E4M3FN;
    case 30: return PTS_FLOAT8_E5M2;
    case 31: return PTS_FLOAT8_E4M3FNUZ;
    case 32: return PTS_FLOAT8_E5M2FNUZ;
    case 34: return PTS_UINT32;
    case 35: return PTS_UINT64;
    default: return -1;
    }
}

static double float_of(const json_t *v, bool *ok)
{
    *ok = true;
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!strcmp(s, "Infinity"))
            return INFINITY;
        if (!strcmp(s, "-Infinity"))
            return -INFINITY;
        if (!strcmp(s, "NaN"))
            return NAN;
    }
    *ok = false;
    return 0;
}

/* ---- weights and constants ---------------------------------------------------------- */

static void archive_release_cb(void *a) { pts_archive_release((pts_archive *)a); }

static pts_status get_storage(lctx *c, const char *record, pts_storage **out)
{
    *out = NULL;
    for (int i = 0; i < c->nstores; i++)
        if (!strcmp(c->stores[i].record, record)) {
            *out = c->stores[i].st;
            return PTS_OK;
        }
    pts_blob b;
    pts_status st = pts_archive_read(c->p->archive, record, &b);
    if (st == PTS_ERR_KEY)
        return bad(c, "weight record '%s' named by the payload config is missing from the archive", record);
    if (st)
        return st;
    pts_storage *s;
    if (b.owned) {
        s = pts_storage_new(b.len);
        if (s && b.len)
            memcpy(s->data, b.data, b.len);
        pts_blob_free(&b);
    } else if (((uintptr_t)b.data % 64) != 0) {
        s = pts_storage_new(b.len);
        if (s && b.len)
            memcpy(s->data, b.data, b.len);
    } else {
        pts_archive_retain(c->p->archive);
        s = pts_storage_borrow((void *)b.data, b.len, c->p->archive, archive_release_cb, false);
    }
    if (!s)
        return PTS_ERR_NOMEM;
    storage_ent *ns = pts_realloc(c->stores, (size_t)(c->nstores + 1) * sizeof *ns);
    char *rec = pts_strdup(record);
    if (!ns || !rec) {
        if (ns)
            c->stores = ns;
        pts_free(rec);
        pts_obj_release(&s->hdr);
        return pts_err_nomem("weight storages", 0);
    }
    c->stores = ns;
    c->stores[c->nstores].record = rec;
    c->stores[c->nstores].st = s;
    c->nstores++;
    *out = s;
    return PTS_OK;
}

static pts_status add_state(lctx *c, const char *fqn, pts_value t)
{
    pts_value *nt = pts_realloc(c->tensors, (size_t)(c->ntensors + 1) * sizeof *nt);
    if (!nt) {
        pts_value_release(t);
        return pts_err_nomem("state tensors", 0);
    }
    c->tensors = nt;
    c->tensors[c->ntensors++] = t; /* released with the others from now on */
    /* nocheck: a name from a pickle need not be valid UTF-8 (the signature's names, which are,
     * then do not find it) */
    if (json_object_set_new_nocheck(c->state, fqn, json_integer(c->ntensors - 1)) != 0)
        return pts_err_nomem("state tensors", 0);
    return PTS_OK;
}

/* ---- pickled weights and constants (torch 2.6 - 2.8) ---------------------------------- */

/* torch 2.6/2.7 (serialized_state_dict.pt, serialized_constants.pt) and 2.8
 * (data/weights/model.pt, data/constants/model.pt) store a torch.save archive
 * inside the .pt2: a zip whose data.pkl is a dict {FQN: tensor} over storages
 * data/<key>.  It is opened as an archive of its own (a copy of the record's
 * bytes) and read with the unpickler of .pt files. */
typedef struct pk_payload {
    pts_archive *inner; /* borrowed */
    char where[360];
} pk_payload;

static void free_cb(void *ptr) { pts_free(ptr); }

/* load_storage of the unpickler: record data/<key> of the inner archive. */
static pts_status pk_load_storage(void *vctx, int dtype, const char *key, int64_t numel, pts_storage **out)
{
    pk_payload *pp = vctx;
    const pts_dtype_info *di = pts_dtype_get(dtype);
    char name[300];
    *out = NULL;
    if (!di)
        return pts_err_set(PTS_ERR_LOAD, "%s: storage '%s' has unknown dtype code %d", pp->where, key, dtype);
    int64_t nbytes;
    if (numel < 0 || pts_mul_overflow_i64(numel, di->itemsize, &nbytes))
        return pts_err_set(PTS_ERR_LOAD, "%s: storage '%s' has an invalid size", pp->where, key);
    if (strlen(key) > 200 || strchr(key, '/') || strstr(key, ".."))
        return pts_err_set(PTS_ERR_LOAD, "%s: invalid storage key '%.60s'", pp->where, key);
    if (numel == 0) {
        *out = pts_storage_new(0);
        return *out ? PTS_OK : PTS_ERR_NOMEM;
    }
    snprintf(name, sizeof name, "data/%s", key);
    pts_blob b;
    pts_status st = pts_archive_read(pp->inner, name, &b);
    if (st == PTS_ERR_KEY)
        return pts_err_set(PTS_ERR_LOAD, "%s: tensor data record '%s' is missing", pp->where, name);
    if (st)
        return st;
    if ((uint64_t)nbytes > b.len) {
        pts_blob_free(&b);
        return pts_err_set(PTS_ERR_LOAD, "%s: record '%s' holds %zu bytes but its storage needs %lld", pp->where,
                           name, b.len, (long long)nbytes);
    }
    if (b.owned) { /* deflated: the buffer is ours */
        *out = pts_storage_borrow(b.owned, b.len, b.owned, free_cb, false);
        if (!*out)
            pts_blob_free(&b);
    } else if (((uintptr_t)b.data % 64) != 0) {
        pts_storage *cp = pts_storage_new((size_t)nbytes);
        if (cp)
            memcpy(cp->data, b.data, (size_t)nbytes);
        *out = cp;
    } else {
        pts_archive_retain(pp->inner);
        *out = pts_storage_borrow((void *)b.data, (size_t)nbytes, pp->inner, archive_release_cb, false);
        if (!*out)
            pts_archive_release(pp->inner);
    }
    return *out ? PTS_OK : PTS_ERR_NOMEM;
}

/* The state of the pickled dict `d` (every value a tensor). */
static pts_status add_pickled_state(lctx *c, const char *record, pts_value d)
{
    if (d.tag != PTS_T_DICT)
        return bad(c, "%s holds a %s, not a dict of tensors", record, pts_tag_name((pts_tag)d.tag));
    pts_dict *dict = PTS_DICT(d);
    for (int64_t i = 0; i < dict->nentries; i++) {
        pts_dict_entry *e = &dict->entries[i];
        if (!e->live)
            continue;
        if (e->key.tag != PTS_T_STR)
            return bad(c, "%s: a key of the dict is a %s, not a name", record, pts_tag_name((pts_tag)e->key.tag));
        if (e->val.tag != PTS_T_TENSOR)
            return bad(c, "%s: '%.200s' is a %s (a script object or custom class), which pyts does not run", record,
                       PTS_STR(e->key)->data, pts_tag_name((pts_tag)e->val.tag));
        PTS_TRY(add_state(c, PTS_STR(e->key)->data, pts_value_retain(e->val)));
    }
    return PTS_OK;
}

/* A pickled payload record (absent or empty: no tensors of this kind). */
static pts_status read_pickled_payload(lctx *c, const char *record)
{
    pts_blob b;
    pts_status st = pts_archive_read(c->p->archive, record, &b);
    if (st == PTS_ERR_KEY)
        return PTS_OK;
    if (st)
        return st;
    pk_payload pp;
    pp.inner = NULL;
    snprintf(pp.where, sizeof pp.where, "%.200s: %.100s", c->p->path, record);
    if (b.len == 0) {
        pts_blob_free(&b);
        return PTS_OK;
    }
    st = pts_archive_open_buffer(b.data, b.len, &pp.inner);
    pts_blob_free(&b);
    if (st)
        return pts_err_context(st == PTS_ERR_NOMEM ? st : PTS_ERR_LOAD, "%s (the torch.save archive of the weights)",
                               pp.where);
    pts_blob pk = {NULL, 0, NULL};
    pts_value v = pts_none();
    st = pts_archive_read(pp.inner, "data.pkl", &pk);
    if (st == PTS_ERR_KEY)
        st = pts_err_set(PTS_ERR_LOAD, "%s: the torch.save archive has no data.pkl", pp.where);
    if (!st) {
        pts_unpickle_env env;
        memset(&env, 0, sizeof env);
        env.ctx = &pp;
        env.where = pp.where;
        env.file_version = 3; /* torch.save writes restore-free dicts of tensors */
        env.load_storage = pk_load_storage;
        st = pts_unpickle(pk.data, pk.len, &env, &v);
    }
    if (!st)
        st = add_pickled_state(c, record, v);
    pts_value_release(v);
    pts_blob_free(&pk);
    pts_archive_release(pp.inner);
    return st;
}

/* One PayloadConfig: {"config": {fqn: {path_name, use_pickle, tensor_meta, ...}}}. */
static pts_status read_payload(lctx *c, const char *dir, const char *config)
{
    char name[300];
    snprintf(name, sizeof name, "%s/%s", dir, config);
    if (!pts_archive_has(c->p->archive, name)) {
        snprintf(name, sizeof name, "%s/model.pt", dir); /* torch 2.8: a pickled state dict */
        return read_pickled_payload(c, name);
    }
    json_t *root;
    PTS_TRY(read_json(c->p, name, &root));
    json_t *cfg = json_object_get(root, "config");
    pts_status st = PTS_OK;
    if (!json_is_object(cfg)) {
        st = bad(c, "%s has no \"config\" object", name);
        goto done;
    }
    const char *fqn;
    json_t *meta;
    json_object_foreach(cfg, fqn, meta) {
        json_t *path, *tm, *sizes, *strides, *off, *dt;
        char what[360];
        snprintf(what, sizeof what, "%.100s: '%.200s'", name, fqn);
        if ((st = member(c, meta, "path_name", JSON_STRING, what, &path)))
            goto done;
        json_t *pk = json_object_get(meta, "use_pickle");
        if (json_is_true(pk)) {
            st = bad(c, "%s is a pickled tensor subclass, which pyts does not run", what);
            goto done;
        }
        tm = json_object_get(meta, "tensor_meta");
        if (json_is_null(tm) || !tm) {
            st = bad(c, "%s is a script object (no tensor_meta), which pyts does not run", what);
            goto done;
        }
        if ((st = member(c, tm, "dtype", JSON_INTEGER, what, &dt)) || (st = member(c, tm, "sizes", JSON_ARRAY, what, &sizes)) ||
            (st = member(c, tm, "strides", JSON_ARRAY, what, &strides)) ||
            (st = member(c, tm, "storage_offset", JSON_OBJECT, what, &off)))
            goto done;
        const char *pn = json_string_value(path);
        if (!*pn || strchr(pn, '/') || strstr(pn, "..") || strlen(pn) > 200) {
            st = bad(c, "%s: invalid path_name '%.60s'", what, pn);
            goto done;
        }
        int dtype = map_dtype(json_integer_value(dt));
        if (dtype < 0) {
            st = bad(c, "%s: unknown dtype code %lld", what, (long long)json_integer_value(dt));
            goto done;
        }
        size_t ndim = json_array_size(sizes);
        if (ndim > PTS_MAX_DIMS || json_array_size(strides) != ndim) {
            st = bad(c, "%s: %zu sizes and %zu strides (at most %d dims, as many strides as sizes)", what, ndim,
                     json_array_size(strides), PTS_MAX_DIMS);
            goto done;
        }
        int64_t sz[PTS_MAX_DIMS], sd[PTS_MAX_DIMS], offset;
        for (size_t i = 0; i < ndim; i++)
            if ((st = symint_const(c, json_array_get(sizes, i), what, &sz[i])) ||
                (st = symint_const(c, json_array_get(strides, i), what, &sd[i])))
                goto done;
        if ((st = symint_const(c, off, what, &offset)))
            goto done;
        char rec[300];
        snprintf(rec, sizeof rec, "%.60s/%.200s", dir, pn);
        pts_storage *s;
        if ((st = get_storage(c, rec, &s)))
            goto done;
        int isz = pts_dtype_get(dtype)->itemsize;
        pts_tensor *t;
        if (s->nbytes == 0) { /* empty or fake tensor: torch makes zeros */
            t = pts_tensor_zeros(dtype, (int)ndim, sz);
        } else if (s->nbytes % (size_t)isz) {
            st = bad(c, "%s: record '%s' holds %zu bytes, not a whole number of %s elements", what, rec, s->nbytes,
                     pts_dtype_name(dtype));
            goto done;
        } else {
            t = pts_tensor_view_of(s, dtype, (int)ndim, sz, sd, offset);
        }
        if (!t) {
            st = pts_err_context(pts_err_last() == PTS_ERR_NOMEM ? PTS_ERR_NOMEM : PTS_ERR_LOAD, "%s: %s (record %s)",
                                 c->p->path, what, rec);
            goto done;
        }
        t->is_param = json_is_true(json_object_get(meta, "is_param"));
        if ((st = add_state(c, fqn, pts_obj_value(&t->hdr))))
            goto done;
    }
done:
    json_decref(root);
    return st;
}

/* ---- slots ------------------------------------------------------------------------- */

static pts_status new_slot(lctx *c, const char *name, int *slot)
{
    if (json_object_get(c->names, name))
        return bad(c, "value '%.100s' is defined twice", name);
    *slot = c->g->nslots;
    if (json_object_set_new(c->names, name, json_integer(c->g->nslots)) != 0)
        return pts_err_nomem("value names", 0);
    c->g->nslots++;
    return PTS_OK;
}

static pts_status find_slot(lctx *c, const json_t *namev, int *slot)
{
    if (!json_is_string(namev))
        return bad(c, "a value reference has no name");
    json_t *s = json_object_get(c->names, json_string_value(namev));
    if (!s)
        return bad(c, "value '%.100s' is used before it is defined", json_string_value(namev));
    *slot = (int)json_integer_value(s);
    return PTS_OK;
}

/* ---- arguments ------------------------------------------------------------------------ */

static pts_status lit(targ *a, pts_value v)
{
    a->kind = A_LIT;
    a->lit = v;
    return PTS_OK;
}

static pts_status read_arg(lctx *c, const json_t *o, targ *a);
static pts_status read_subgraph(lctx *c, const json_t *jg, int *index);

/* A list argument: each JSON item through `item` -> a template. */
static pts_status read_list(lctx *c, const json_t *arr, int how, targ *a)
{
    if (!json_is_array(arr))
        return bad(c, "a list argument is not a JSON array");
    size_t n = json_array_size(arr);
    a->kind = A_LIST;
    a->items = pts_calloc(n ? n : 1, sizeof *a->items);
    if (!a->items)
        return pts_err_nomem("list argument", n);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        targ *it = &a->items[i];
        a->n = (int)i + 1;
        it->kind = A_LIT;
        it->lit = pts_none();
        bool ok = true;
        switch (how) {
        case 'i':
            if (!json_is_integer(e))
                return bad(c, "an int list holds a non-integer");
            it->lit = pts_int(json_integer_value(e));
            break;
        case 'f': {
            double d = float_of(e, &ok);
            if (!ok)
                return bad(c, "a float list holds a non-number");
            it->lit = pts_float(d);
            break;
        }
        case 'b':
            if (!json_is_boolean(e))
                return bad(c, "a bool list holds a non-boolean");
            it->lit = pts_bool(json_is_true(e));
            break;
        case 's':
            if (!json_is_string(e))
                return bad(c, "a string list holds a non-string");
            PTS_TRY(pts_value_str(json_string_value(e), json_string_length(e), &it->lit));
            break;
        case 't': /* {"name": ...} */
            it->kind = A_SLOT;
            PTS_TRY(find_slot(c, json_object_get(e, "name"), &it->slot));
            break;
        case 'a': /* a full Argument / SymInt union */
            PTS_TRY(read_arg(c, e, it));
            break;
        case 'I':
            PTS_TRY(read_list(c, e, 'i', it));
            break;
        case 'F':
            PTS_TRY(read_list(c, e, 'f', it));
            break;
        }
    }
    return PTS_OK;
}

/* Argument / SymInt / SymFloat / SymBool / OptionalTensor union -> template. */
static pts_status read_arg(lctx *c, const json_t *o, targ *a)
{
    const char *tag;
    json_t *v;
    a->kind = A_LIT;
    a->lit = pts_none();
    PTS_TRY(union_of(c, o, "an argument", &tag, &v));
    bool ok = true;
    if (!strcmp(tag, "as_none"))
        return lit(a, pts_none());
    if (!strcmp(tag, "as_tensor") || !strcmp(tag, "as_name")) {
        a->kind = A_SLOT;
        return find_slot(c, json_is_object(v) ? json_object_get(v, "name") : v, &a->slot);
    }
    if (!strcmp(tag, "as_sym_int") || !strcmp(tag, "as_sym_float") || !strcmp(tag, "as_sym_bool") ||
        !strcmp(tag, "as_optional_tensor"))
        return read_arg(c, v, a);
    if (!strcmp(tag, "as_int")) {
        if (!json_is_integer(v))
            return bad(c, "as_int holds a non-integer");
        return lit(a, pts_int(json_integer_value(v)));
    }
    if (!strcmp(tag, "as_float")) {
        double d = float_of(v, &ok);
        if (!ok)
            return bad(c, "as_float holds a non-number");
        return lit(a, pts_float(d));
    }
    if (!strcmp(tag, "as_bool")) {
        if (!json_is_boolean(v))
            return bad(c, "as_bool holds a non-boolean");
        return lit(a, pts_bool(json_is_true(v)));
    }
    if (!strcmp(tag, "as_string")) {
        if (!json_is_string(v))
            return bad(c, "as_string holds a non-string");
        a->kind = A_LIT;
        return pts_value_str(json_string_value(v), json_string_length(v), &a->lit);
    }
    if (!strcmp(tag, "as_scalar_type")) {
        int d = json_is_integer(v) ? map_dtype(json_integer_value(v)) : -1;
        if (d < 0)
            return bad(c, "unknown scalar type code");
        return lit(a, pts_int(d));
    }
    if (!strcmp(tag, "as_layout")) {
        if (!json_is_integer(v) || json_integer_value(v) != 7)
            return bad(c, "only the strided layout (7) is supported");
        return lit(a, pts_int(0));
    }
    if (!strcmp(tag, "as_memory_format")) {
        static const int mf[] = {-1, 0, 2, 3, 1}; /* schema.py -> c10 */
        int64_t k = json_is_integer(v) ? json_integer_value(v) : -1;
        if (k < 1 || k > 4)
            return bad(c, "unknown memory format code");
        return lit(a, pts_int(mf[k]));
    }
    if (!strcmp(tag, "as_device")) /* pyts runs on the CPU */
        return lit(a, pts_device_value(0, -1));
    if (!strcmp(tag, "as_complex")) {
        double re = float_of(json_object_get(v, "real"), &ok), im = 0;
        if (ok)
            im = float_of(json_object_get(v, "imag"), &ok);
        if (!ok)
            return bad(c, "as_complex needs numbers real and imag");
        return lit(a, pts_complex(re, im));
    }
    if (!strcmp(tag, "as_ints"))
        return read_list(c, v, 'i', a);
    if (!strcmp(tag, "as_floats"))
        return read_list(c, v, 'f', a);
    if (!strcmp(tag, "as_bools"))
        return read_list(c, v, 'b', a);
    if (!strcmp(tag, "as_strings"))
        return read_list(c, v, 's', a);
    if (!strcmp(tag, "as_tensors"))
        return read_list(c, v, 't', a);
    if (!strcmp(tag, "as_optional_tensors") || !strcmp(tag, "as_sym_ints") || !strcmp(tag, "as_sym_floats") ||
        !strcmp(tag, "as_sym_bools"))
        return read_list(c, v, 'a', a);
    if (!strcmp(tag, "as_int_lists"))
        return read_list(c, v, 'I', a);
    if (!strcmp(tag, "as_float_lists"))
        return read_list(c, v, 'F', a);
    if (!strcmp(tag, "as_graph")) {
        a->kind = A_GRAPH;
        return read_subgraph(c, v, &a->slot);
    }
    if (!strcmp(tag, "as_operator")) { /* out_dtype's operator: its target, resolved by check_hop */
        if (!json_is_string(v))
            return bad(c, "as_operator holds a non-string");
        return pts_value_str(json_string_value(v), json_string_length(v), &a->lit);
    }
    if (!strcmp(tag, "as_string_to_argument")) { /* hints_wrapper's kwargs and hints: the values, in key order */
        if (!json_is_object(v))
            return bad(c, "as_string_to_argument is not an object");
        size_t n = json_object_size(v), i = 0;
        const char *key;
        json_t *val;
        a->kind = A_LIST;
        a->items = pts_calloc(n ? n : 1, sizeof *a->items);
        if (!a->items)
            return pts_err_nomem("string-to-argument map", n);
        json_object_foreach(v, key, val) {
            a->n = (int)++i;
            a->items[i - 1].kind = A_LIT;
            a->items[i - 1].lit = pts_none();
            PTS_TRY(read_arg(c, val, &a->items[i - 1]));
            if (a->items[i - 1].kind == A_GRAPH)
                return bad(c, "as_string_to_argument: '%.60s' is a graph", key);
        }
        return PTS_OK;
    }
    return bad(c, "argument kind '%.40s' is not supported by pyts", tag);
}

/* ---- nodes ------------------------------------------------------------------------- */

static const struct {
    const char *target;
    int bi;
} builtins[] = {
    {"_operator.add", BI_ADD},           {"_operator.sub", BI_SUB},
    {"_operator.mul", BI_MUL},           {"_operator.floordiv", BI_FLOORDIV},
    {"_operator.mod", BI_MOD},           {"_operator.truediv", BI_TRUEDIV},
    {"_operator.neg", BI_NEG},           {"_operator.lt", BI_LT},
    {"_operator.le", BI_LE},             {"_operator.gt", BI_GT},
    {"_operator.ge", BI_GE},             {"_operator.eq", BI_EQ},
    {"_operator.ne", BI_NE},             {"_operator.and_", BI_AND},
    {"_operator.or_", BI_OR},            {"torch.sym_not", BI_NOT},
    {"torch.ops.aten._assert_tensor_metadata.default", BI_NOOP},
    {"torch.ops.aten._assert_scalar.default", BI_NOOP}, {"torch.ops.aten.sym_constrain_range_for_size.default", BI_NOOP},
};

static const struct {
    const char *target;
    int hop;
} hops[] = {
    {"torch.ops.higher_order.cond", HOP_COND},
    {"torch.ops.higher_order.while_loop", HOP_WHILE},
    {"torch.ops.higher_order.wrap_with_set_grad_enabled", HOP_WRAP},
    {"torch.ops.higher_order.map_impl", HOP_MAP},
    {"torch.ops.higher_order.scan", HOP_SCAN},
    {"torch.ops.higher_order.associative_scan", HOP_ASCAN},
    {"torch.ops.higher_order.wrap_with_autocast", HOP_AUTOCAST},
    {"torch.ops.higher_order.hints_wrapper", HOP_HINTS},
    {"torch.ops.higher_order.out_dtype", HOP_OUT_DTYPE},
};

/* The operators with an AutocastCPU kernel in torch 2.14 (by name, every
 * overload), by policy: lower_precision_fp, promote; the rest are fp32. */
static const char *const ac_lower[] = {
    "_addmm_activation", "_convolution", "_native_multi_head_attention", "addbmm", "addmm", "baddbmm", "bmm",
    "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "linalg_vecdot", "linear", "matmul", "mkldnn_rnn_layer", "mm", "prelu", "scaled_dot_product_attention",
};
static const char *const ac_promote[] = {"cat", "index_copy", "stack"};
static const char *const ac_fp32[] = {
    "_grid_sampler_2d_cpu_fallback", "_lu_with_info", "adaptive_avg_pool3d", "adaptive_max_pool3d", "avg_pool3d",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cdist", "cholesky_inverse", "cholesky_solve",
    "cosine_embedding_loss", "cross_entropy_loss", "ctc_loss", "fake_quantize_per_tensor_affine", "fft_fft",
    "fft_fft2", "fft_fftn", "fft_hfft", "fft_ifft", "fft_ifft2", "fft_ifftn", "fft_ihfft", "fft_irfft", "fft_irfft2",
    "fft_irfftn", "fft_rfft", "fft_rfft2", "fft_rfftn", "fractional_max_pool2d", "fractional_max_pool3d", "geqrf",
    "grid_sampler", "grid_sampler_2d", "grid_sampler_3d", "hinge_embedding_loss", "huber_loss", "inverse", "kl_div",
    "l1_loss", "linalg_cholesky", "linalg_cholesky_ex", "linalg_cond", "linalg_eig", "linalg_eigh", "linalg_eigvals",
    "linalg_eigvalsh", "linalg_householder_product", "linalg_inv", "linalg_inv_ex", "linalg_lstsq",
    "linalg_matrix_rank", "linalg_matrix_sqrth", "linalg_qr", "linalg_solve", "linalg_svd", "linalg_svdvals",
    "linalg_tensorinv", "linalg_tensorsolve", "lu_solve", "margin_ranking_loss", "max_pool3d", "max_unpool2d",
    "max_unpool3d", "mse_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_margin_loss_forward",
    "nanquantile", "nll_loss", "nll_loss2d", "orgqr", "ormqr", "pinverse", "poisson_nll_loss", "polar", "prod",
    "quantile", "reflection_pad1d", "reflection_pad2d", "replication_pad1d", "replication_pad2d",
    "replication_pad3d", "smooth_l1_loss", "soft_margin_loss", "stft", "svd", "trace", "triangular_solve",
    "triplet_margin_loss", "view_as_complex",
};

static bool in_names(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, names[i]))
            return true;
    return false;
}

/* "aten::linear" -> AC_LOWER, ... */
static int autocast_policy(const char *opname)
{
    if (strncmp(opname, "aten::", 6) != 0)
        return AC_NONE;
    const char *b = opname + 6;
    if (in_names(b, ac_lower, sizeof ac_lower / sizeof *ac_lower))
        return AC_LOWER;
    if (in_names(b, ac_promote, sizeof ac_promote / sizeof *ac_promote))
        return AC_PROMOTE;
    if (in_names(b, ac_fp32, sizeof ac_fp32 / sizeof *ac_fp32))
        return AC_FP32;
    return AC_NONE;
}

static int formal_index(const pts_op *op, const char *name)
{
    for (int i = 0; i < op->schema.nargs; i++)
        if (!strcmp(op->schema.args[i].name, name))
            return i;
    return -1;
}

static bool is_number_lit(const targ *a)
{
    return a->kind == A_LIT && (a->lit.tag == PTS_T_INT || a->lit.tag == PTS_T_FLOAT || a->lit.tag == PTS_T_BOOL ||
                                a->lit.tag == PTS_T_COMPLEX);
}

static bool is_tensor_formal(const pts_type *t) { return t->kind == PTS_TY_TENSOR; }

/* Does overload `op` take the node's arguments by these names (and a number
 * literal never in a Tensor slot: torch's export writes mul.Tensor(x, 2), the
 * registry binds it to mul.Scalar)? */
static bool overload_fits(const pts_op *op, const tnode *n)
{
    bool given[64] = {false};
    if (op->schema.nargs > 64 || op->schema.is_vararg)
        return false;
    for (int k = 0; k < n->nargs; k++) {
        int i = formal_index(op, n->kwnames[k]);
        if (i < 0)
            return false;
        given[i] = true;
        if (is_number_lit(&n->args[k]) && is_tensor_formal(op->schema.args[i].type))
            return false;
    }
    for (int i = 0; i < op->schema.nargs; i++)
        if (!given[i] && !op->schema.args[i].has_default)
            return false;
    return true;
}

static pts_status add_missing(lctx *c, const char *op, int line)
{
    for (int i = 0; i < c->nmissing; i++)
        if (!strcmp(c->missing[i].op, op))
            return PTS_OK;
    pts_missing_op *nm = pts_realloc(c->missing, (size_t)(c->nmissing + 1) * sizeof *nm);
    if (!nm)
        return pts_err_nomem("missing operators", 0);
    c->missing = nm;
    pts_missing_op *m = &nm[c->nmissing];
    memset(m, 0, sizeof *m);
    m->op = pts_strdup(op);
    m->file = pts_strdup(c->p->json_name);
    m->line = line;
    m->torch_knows = pts_ops_torch_knows(op);
    if (!m->op || !m->file) {
        pts_free(m->op);
        pts_free(m->file);
        return pts_err_nomem("missing operators", 0);
    }
    c->nmissing++;
    return PTS_OK;
}

/* "torch.ops.aten.add_.Tensor" -> op "aten::add_", overload "Tensor"; any
 * other target form is left to the builtins. */
static pts_status resolve_target(lctx *c, tnode *n)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (!strcmp(n->target, builtins[i].target)) {
            if (builtins[i].bi != BI_NOOP || !pts_ops_find("aten::_assert_tensor_metadata")) {
                n->builtin = builtins[i].bi;
                return PTS_OK;
            }
        }
    for (size_t i = 0; i < sizeof hops / sizeof hops[0]; i++)
        if (!strcmp(n->target, hops[i].target)) {
            n->hop = hops[i].hop;
            return PTS_OK;
        }
    if (!strncmp(n->target, "torch.ops.higher_order.", 23)) /* autocast, invoke_subgraph, scan, map, ... */
        return add_missing(c, n->target + 10, c->node + 1);
    if (strncmp(n->target, "torch.ops.", 10) != 0)
        return bad(c, "target '%.100s' is not an operator pyts can run", n->target);
    const char *ns = n->target + 10;
    const char *d1 = strchr(ns, '.');
    const char *d2 = d1 ? strrchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || d2 == d1 + 1 || !d2[1] || d1 - ns > 60 || d2 - d1 > 200)
        return bad(c, "target '%.100s' is not of the form torch.ops.<ns>.<op>.<overload>", n->target);
    char name[300], full[400];
    snprintf(name, sizeof name, "%.*s::%.*s", (int)(d1 - ns), ns, (int)(d2 - d1 - 1), d1 + 1);
    const char *ovl = d2 + 1;
    if (!strcmp(ovl, "default"))
        snprintf(full, sizeof full, "%s", name);
    else
        snprintf(full, sizeof full, "%s.%s", name, ovl);
    n->opname = pts_strdup(name);
    if (!n->opname)
        return pts_err_nomem("node", 0);
    n->ac_policy = autocast_policy(name);
    const pts_op *op = pts_ops_find(full);
    if (!op)
        return add_missing(c, full, c->node + 1);
    if (overload_fits(op, n)) {
        n->op = op;
        return PTS_OK;
    }
    /* a number where the overload takes a Tensor: the overload of the same
     * symbol that takes these arguments by name as Scalars (mul.Scalar) */
    int k = 0;
    const pts_op *const *ovs = pts_ops_overloads(name, &k);
    for (int i = 0; i < k; i++)
        if (overload_fits(ovs[i], n)) {
            n->op = ovs[i];
            return PTS_OK;
        }
    return bad(c, "its arguments do not fit %s (%s)", full, op->schema.text);
}

static bool is_graph(const tnode *n, int k) { return k < n->nargs && n->args[k].kind == A_GRAPH; }
static bool is_list(const tnode *n, int k) { return k < n->nargs && n->args[k].kind == A_LIST; }

/* The shape of a higher-order node, checked once so that running it needs no
 * checks: its subgraphs take as many inputs as it passes and give as many
 * outputs as the node records (torch/_higher_order_ops/cond.py, while_loop.py,
 * wrap.py, map.py, scan.py, associative_scan.py, hints_wrap.py, out_dtype.py;
 * the serialized inputs are positional, named ""). */
static pts_status check_hop(lctx *c, tnode *n)
{
    tgraph **G = c->p->graphs;
    if (n->out_list)
        return bad(c, "a higher-order node with a list output");
    switch (n->hop) {
    case HOP_COND: { /* cond(pred, true_graph, false_graph, operands) */
        if (n->nargs != 4 || !is_graph(n, 1) || !is_graph(n, 2) || !is_list(n, 3) || n->args[0].kind == A_LIST)
            return bad(c, "cond takes (pred, true graph, false graph, [operands])");
        const tgraph *t = G[n->args[1].slot], *f = G[n->args[2].slot];
        if (t->nin != n->args[3].n || f->nin != n->args[3].n)
            return bad(c, "cond passes %d operands but its branches take %d and %d", n->args[3].n, t->nin, f->nin);
        if (t->nout != n->nouts || f->nout != n->nouts)
            return bad(c, "cond records %d outputs but its branches give %d and %d", n->nouts, t->nout, f->nout);
        return PTS_OK;
    }
    case HOP_WHILE: { /* while_loop(cond_graph, body_graph, carried, additional) */
        if (n->nargs != 4 || !is_graph(n, 0) || !is_graph(n, 1) || !is_list(n, 2) || !is_list(n, 3))
            return bad(c, "while_loop takes (cond graph, body graph, [carried inputs], [additional inputs])");
        const tgraph *cg = G[n->args[0].slot], *bg = G[n->args[1].slot];
        int nc = n->args[2].n, na = n->args[3].n;
        if (cg->nin != nc + na || bg->nin != nc + na)
            return bad(c, "while_loop passes %d inputs but its graphs take %d and %d", nc + na, cg->nin, bg->nin);
        if (cg->nout != 1 || bg->nout != nc || n->nouts != nc)
            return bad(c, "while_loop: the condition gives %d outputs (1 needed), the body %d and the node %d (%d "
                          "carried values)", cg->nout, bg->nout, n->nouts, nc);
        c->p->has_loop = true;
        return PTS_OK;
    }
    case HOP_MAP: { /* map_impl(body_graph, [xs], [pos_args]): body(x_0[i], ..., *pos_args) stacked over i */
        if (n->nargs != 3 || !is_graph(n, 0) || !is_list(n, 1) || !is_list(n, 2) || n->args[1].n < 1)
            return bad(c, "map_impl takes (body graph, [mapped tensors, at least one], [other operands])");
        const tgraph *b = G[n->args[0].slot];
        if (b->nin != n->args[1].n + n->args[2].n || b->nout != n->nouts || n->nouts < 1)
            return bad(c, "map_impl passes %d inputs and records %d outputs; its body takes %d and gives %d",
                       n->args[1].n + n->args[2].n, n->nouts, b->nin, b->nout);
        return PTS_OK;
    }
    case HOP_SCAN: { /* scan(combine_graph, [init], [xs], [additional]): carries + outputs stacked over dim 0 */
        if (n->nargs != 4 || !is_graph(n, 0) || !is_list(n, 1) || !is_list(n, 2) || !is_list(n, 3) ||
            n->args[2].n < 1)
            return bad(c, "scan takes (combine graph, [init], [xs, at least one], [additional inputs])");
        const tgraph *b = G[n->args[0].slot];
        int ni = n->args[1].n;
        if (b->nin != ni + n->args[2].n + n->args[3].n || b->nout != n->nouts || b->nout < ni)
            return bad(c, "scan passes %d inputs (%d carried) and records %d outputs; its combine graph takes %d "
                          "and gives %d", ni + n->args[2].n + n->args[3].n, ni, n->nouts, b->nin, b->nout);
        return PTS_OK;
    }
    case HOP_ASCAN: { /* associative_scan(combine_graph, [xs], [additional]): inclusive scan over dim 0 */
        if (n->nargs != 3 || !is_graph(n, 0) || !is_list(n, 1) || !is_list(n, 2) || n->args[1].n < 1)
            return bad(c, "associative_scan takes (combine graph, [xs, at least one], [additional inputs])");
        const tgraph *b = G[n->args[0].slot];
        int nx = n->args[1].n;
        if (b->nin != 2 * nx + n->args[2].n || b->nout != nx || n->nouts != nx)
            return bad(c, "associative_scan scans %d tensors and records %d outputs; its combine graph takes %d "
                          "inputs (%d needed) and gives %d", nx, n->nouts, b->nin, 2 * nx + n->args[2].n, b->nout);
        return PTS_OK;
    }
    case HOP_AUTOCAST: { /* wrap_with_autocast(device_type, dtype, enabled, cache_enabled, graph, *operands) */
        if (n->nargs < 5 || n->args[0].kind != A_LIT || n->args[0].lit.tag != PTS_T_STR ||
            n->args[1].kind != A_LIT || (n->args[1].lit.tag != PTS_T_INT && n->args[1].lit.tag != PTS_T_NONE) ||
            n->args[2].kind != A_LIT || n->args[2].lit.tag != PTS_T_BOOL || !is_graph(n, 4))
            return bad(c, "wrap_with_autocast takes (device_type, dtype, enabled, cache_enabled, graph, *operands)");
        if (n->args[1].lit.tag == PTS_T_INT) {
            int64_t d = n->args[1].lit.u.i;
            if (d != PTS_BFLOAT16 && d != PTS_FLOAT16 && d != PTS_FLOAT32)
                return bad(c, "wrap_with_autocast to %s (torch's CPU autocast takes bfloat16 or float16)",
                           d >= 0 && d < PTS_DTYPE_COUNT && pts_dtype_get((int)d) ? pts_dtype_name((int)d) : "?");
        }
        const tgraph *g = G[n->args[4].slot];
        for (int k = 5; k < n->nargs; k++)
            if (n->args[k].kind == A_GRAPH)
                return bad(c, "wrap_with_autocast: operand %d is a graph", k - 5);
        if (g->nin != n->nargs - 5 || g->nout != n->nouts)
            return bad(c, "wrap_with_autocast passes %d operands and records %d outputs; its graph takes %d and "
                          "gives %d", n->nargs - 5, n->nouts, g->nin, g->nout);
        return PTS_OK;
    }
    case HOP_OUT_DTYPE: { /* out_dtype(operator, dtype, *operands): the operator computed in that dtype */
        if (n->nargs < 3 || n->args[0].kind != A_LIT || n->args[0].lit.tag != PTS_T_STR || n->args[1].kind != A_LIT ||
            n->args[1].lit.tag != PTS_T_INT || n->nouts != 1)
            return bad(c, "out_dtype takes (operator, dtype, *operands) and gives one tensor");
        if (n->args[1].lit.u.i < 0 || n->args[1].lit.u.i >= PTS_DTYPE_COUNT || !pts_dtype_get((int)n->args[1].lit.u.i))
            return bad(c, "out_dtype to an unknown dtype code %lld", (long long)n->args[1].lit.u.i);
        for (int k = 2; k < n->nargs; k++)
            if (n->args[k].kind == A_GRAPH || n->args[k].kind == A_LIST)
                return bad(c, "out_dtype: operand %d is not a tensor or a number", k - 2);
        const char *t = PTS_STR(n->args[0].lit)->data;
        const char *d1 = !strncmp(t, "torch.ops.aten.", 15) ? strrchr(t, '.') : NULL;
        char full[300];
        if (!d1 || d1 - (t + 15) < 1 || d1 - (t + 15) > 200)
            return bad(c, "out_dtype of '%.100s', which is not an aten operator", t);
        if (!strcmp(d1 + 1, "default"))
            snprintf(full, sizeof full, "aten::%.*s", (int)(d1 - (t + 15)), t + 15);
        else
            snprintf(full, sizeof full, "aten::%.*s.%.60s", (int)(d1 - (t + 15)), t + 15, d1 + 1);
        n->op = pts_ops_find(full);
        if (!n->op) {
            n->hop = HOP_NONE; /* listed as missing and fails when run, as an unknown operator */
            return add_missing(c, full, c->node + 1);
        }
        if (n->op->schema.nrets != 1 || n->op->schema.nargs < n->nargs - 2)
            return bad(c, "out_dtype of %s, which does not take %d operands and give one result", full, n->nargs - 2);
        return PTS_OK;
    }
    case HOP_HINTS: { /* hints_wrapper(body, [args], {kwargs}, hints={...}): the hints are for compilers */
        if (n->nargs != 4 || !is_graph(n, 0) || !is_list(n, 1) || !is_list(n, 2) || n->args[2].n != 0)
            return bad(c, "hints_wrapper takes (body graph, [operands], {} (no keyword operands), hints)");
        const tgraph *g = G[n->args[0].slot];
        if (g->nin != n->args[1].n || g->nout != n->nouts)
            return bad(c, "hints_wrapper passes %d operands and records %d outputs; its graph takes %d and gives %d",
                       n->args[1].n, n->nouts, g->nin, g->nout);
        return PTS_OK;
    }
    default: { /* wrap_with_set_grad_enabled(enabled, graph, *operands) */
        if (n->nargs < 2 || n->args[0].kind != A_LIT || n->args[0].lit.tag != PTS_T_BOOL || !is_graph(n, 1))
            return bad(c, "wrap_with_set_grad_enabled takes (enabled, graph, *operands)");
        const tgraph *g = G[n->args[1].slot];
        for (int k = 2; k < n->nargs; k++)
            if (n->args[k].kind == A_GRAPH)
                return bad(c, "wrap_with_set_grad_enabled: operand %d is a graph", k - 2);
        if (g->nin != n->nargs - 2 || g->nout != n->nouts)
            return bad(c, "wrap_with_set_grad_enabled passes %d operands and records %d outputs; its graph takes "
                          "%d and gives %d", n->nargs - 2, n->nouts, g->nin, g->nout);
        return PTS_OK;
    }
    }
}

static pts_status read_node(lctx *c, const json_t *jn, tnode *n)
{
    json_t *target, *inputs, *outputs;
    char what[40];
    snprintf(what, sizeof what, "node %d", c->node);
    PTS_TRY(member(c, jn, "target", JSON_STRING, what, &target));
    n->target = pts_strdup(json_string_value(target));
    if (!n->target)
        return pts_err_nomem("node", 0);
    PTS_TRY(member(c, jn, "inputs", JSON_ARRAY, what, &inputs));
    PTS_TRY(member(c, jn, "outputs", JSON_ARRAY, what, &outputs));
    size_t na = json_array_size(inputs);
    if (na > 64)
        return bad(c, "%zu arguments (at most 64)", na);
    n->args = pts_calloc(na ? na : 1, sizeof *n->args);
    n->kwnames = pts_calloc(na ? na : 1, sizeof *n->kwnames);
    if (!n->args || !n->kwnames)
        return pts_err_nomem("node arguments", na);
    for (size_t i = 0; i < na; i++) {
        json_t *ni = json_array_get(inputs, i), *nm, *arg;
        PTS_TRY(member(c, ni, "name", JSON_STRING, what, &nm));
        PTS_TRY(member(c, ni, "arg", JSON_OBJECT, what, &arg));
        n->nargs = (int)i + 1;
        n->args[i].kind = A_LIT;
        n->args[i].lit = pts_none();
        n->kwnames[i] = pts_strdup(json_string_value(nm));
        if (!n->kwnames[i])
            return pts_err_nomem("node arguments", 0);
        PTS_TRY(read_arg(c, arg, &n->args[i]));
    }
    PTS_TRY(resolve_target(c, n));
    /* outputs define new slots */
    size_t no = json_array_size(outputs);
    if (no > 64)
        return bad(c, "%zu outputs (at most 64)", no);
    n->outs = pts_calloc(no ? no : 1, sizeof *n->outs);
    if (!n->outs)
        return pts_err_nomem("node outputs", no);
    n->nouts = (int)no;
    for (size_t i = 0; i < no; i++) {
        const char *tag;
        json_t *v;
        n->outs[i] = -1;
        PTS_TRY(union_of(c, json_array_get(outputs, i), "an output", &tag, &v));
        if (!strcmp(tag, "as_none"))
            continue;
        if (!strcmp(tag, "as_tensors") && no == 1) {
            size_t nl = json_array_size(v);
            n->out_list = true;
            n->list_slots = pts_calloc(nl ? nl : 1, sizeof *n->list_slots);
            if (!n->list_slots)
                return pts_err_nomem("node outputs", nl);
            for (size_t k = 0; k < nl; k++) {
                json_t *nm = json_object_get(json_array_get(v, k), "name");
                if (!json_is_string(nm))
                    return bad(c, "an output tensor has no name");
                n->nlist = (int)k + 1;
                PTS_TRY(new_slot(c, json_string_value(nm), &n->list_slots[k]));
            }
            continue;
        }
        json_t *nm = NULL;
        if (!strcmp(tag, "as_tensor"))
            nm = json_object_get(v, "name");
        else if (!strcmp(tag, "as_sym_int") || !strcmp(tag, "as_sym_float") || !strcmp(tag, "as_sym_bool"))
            nm = json_object_get(v, "as_name");
        if (!json_is_string(nm))
            return bad(c, "output kind '%.40s' is not supported", tag);
        PTS_TRY(new_slot(c, json_string_value(nm), &n->outs[i]));
    }
    for (int k = 0; k < n->nargs; k++)
        if (n->args[k].kind == A_GRAPH && !n->hop && strncmp(n->target, "torch.ops.higher_order.", 23) != 0)
            return bad(c, "a subgraph passed to an operator that is not higher-order");
    if (n->hop)
        return check_hop(c, n);
    if (n->op) {
        int nr = n->op->schema.nrets;
        if (n->out_list ? nr != 1 : (n->nouts != nr && !(n->nouts == 0 && nr <= 1)))
            return bad(c, "%d outputs recorded but %s returns %d", n->nouts, n->op->schema.text, nr);
    } else if (n->builtin >= BI_ADD && (n->nouts != 1 || n->outs[0] < 0)) {
        return bad(c, "a symbolic arithmetic node needs one output");
    }
    return PTS_OK;
}

static pts_status plan_frees(tgraph *g, const targ *const *outs, int nouts);

#define MAX_SUBGRAPH_DEPTH 32
#define MAX_SUBGRAPHS 10000

/* The inputs, nodes and outputs of a subgraph (c->g, c->names set to its scope). */
static pts_status read_graph_parts(lctx *c, const json_t *jg, tgraph *g)
{
    json_t *inputs, *outputs, *nodes;
    PTS_TRY(member(c, jg, "inputs", JSON_ARRAY, "subgraph", &inputs));
    PTS_TRY(member(c, jg, "outputs", JSON_ARRAY, "subgraph", &outputs));
    PTS_TRY(member(c, jg, "nodes", JSON_ARRAY, "subgraph", &nodes));
    size_t ni = json_array_size(inputs), nn = json_array_size(nodes), no = json_array_size(outputs);
    if (ni > 4096 || no > 4096)
        return bad(c, "a subgraph with %zu inputs and %zu outputs (at most 4096 each)", ni, no);
    g->in_slots = pts_calloc(ni ? ni : 1, sizeof *g->in_slots);
    g->nodes = pts_calloc(nn ? nn : 1, sizeof *g->nodes);
    g->outs = pts_calloc(no ? no : 1, sizeof *g->outs);
    if (!g->in_slots || !g->nodes || !g->outs)
        return pts_err_nomem("subgraph", nn);
    for (size_t i = 0; i < ni; i++) {
        const char *tag;
        json_t *v, *nm;
        PTS_TRY(union_of(c, json_array_get(inputs, i), "a subgraph input", &tag, &v));
        if (!strcmp(tag, "as_tensor"))
            nm = json_object_get(v, "name");
        else if (!strcmp(tag, "as_sym_int") || !strcmp(tag, "as_sym_float") || !strcmp(tag, "as_sym_bool"))
            nm = json_object_get(v, "as_name");
        else
            return bad(c, "subgraph input kind '%.40s' is not supported", tag);
        if (!json_is_string(nm))
            return bad(c, "a subgraph input has no name");
        PTS_TRY(new_slot(c, json_string_value(nm), &g->in_slots[i]));
        g->nin = (int)i + 1;
    }
    for (size_t i = 0; i < nn; i++) {
        g->nnodes = (int)i + 1;
        c->node = (int)i;
        PTS_TRY(read_node(c, json_array_get(nodes, i), &g->nodes[i]));
    }
    c->node = -1;
    for (size_t i = 0; i < no; i++) {
        g->nout = (int)i + 1;
        g->outs[i].kind = A_LIT;
        g->outs[i].lit = pts_none();
        PTS_TRY(read_arg(c, json_array_get(outputs, i), &g->outs[i]));
        if (g->outs[i].kind == A_GRAPH)
            return bad(c, "a subgraph returns a graph");
    }
    const targ **outs = pts_calloc(no ? no : 1, sizeof *outs);
    if (!outs)
        return pts_err_nomem("liveness", 0);
    for (size_t i = 0; i < no; i++)
        outs[i] = &g->outs[i];
    pts_status st = plan_frees(g, outs, (int)no);
    pts_free(outs);
    return st;
}

/* The Graph of an as_graph argument {"name", "graph"} -> a new entry of
 * p->graphs (*index; the program owns it from the start, so a half-read graph
 * is freed with it).  Its value names are a scope of their own. */
static pts_status read_subgraph(lctx *c, const json_t *ag, int *index)
{
    pts_pt2 *p = c->p;
    const json_t *jg = json_object_get(ag, "graph");
    const char *gname = json_string_value(json_object_get(ag, "name"));
    *index = -1;
    if (!json_is_object(jg))
        return bad(c, "as_graph has no graph object");
    if (c->depth >= MAX_SUBGRAPH_DEPTH)
        return bad(c, "subgraphs nested more than %d deep", MAX_SUBGRAPH_DEPTH);
    if (p->ngraphs >= MAX_SUBGRAPHS)
        return bad(c, "more than %d subgraphs", MAX_SUBGRAPHS);
    tgraph **ng = pts_realloc(p->graphs, (size_t)(p->ngraphs + 1) * sizeof *ng);
    if (!ng)
        return pts_err_nomem("subgraphs", 0);
    p->graphs = ng;
    tgraph *g = pts_calloc(1, sizeof *g);
    json_t *names = json_object();
    if (!g || !names) {
        pts_free(g);
        json_decref(names);
        return pts_err_nomem("subgraph", 0);
    }
    ng[p->ngraphs] = g;
    *index = p->ngraphs++;
    json_t *outer_names = c->names;
    tgraph *outer = c->g;
    int outer_node = c->node;
    const char *outer_gname = c->gname;
    c->names = names;
    c->g = g;
    c->node = -1;
    c->gname = gname ? gname : "?";
    c->depth++;
    pts_status st = read_graph_parts(c, jg, g);
    c->depth--;
    c->names = outer_names;
    c->g = outer;
    c->node = outer_node;
    c->gname = outer_gname;
    json_decref(names);
    return st;
}

/* ---- signature ------------------------------------------------------------------------ */

static pts_status state_of(lctx *c, const char *fqn, pts_value *out)
{
    json_t *i = json_object_get(c->state, fqn);
    if (!i)
        return bad(c, "'%.200s' is in the signature but not in the weights or constants payload", fqn);
    *out = pts_value_retain(c->tensors[json_integer_value(i)]);
    return PTS_OK;
}

static pts_status name_of_arg(lctx *c, const json_t *spec, const char *what, const char **name)
{
    json_t *arg, *nm;
    PTS_TRY(member(c, spec, "arg", JSON_OBJECT, what, &arg));
    nm = json_object_get(arg, "name");
    if (!json_is_string(nm))
        return bad(c, "%s: arg has no name", what);
    *name = json_string_value(nm);
    return PTS_OK;
}

/* What the exported program saw for a user input tensor (tensor_values[name]). */
static void read_input_meta(lctx *c, const char *name, tinput *in)
{
    json_t *tm = json_object_get(c->tvals, name);
    json_t *sizes = json_object_get(tm, "sizes");
    json_t *dt = json_object_get(tm, "dtype");
    if (!json_is_array(sizes) || json_array_size(sizes) > PTS_MAX_DIMS || !json_is_integer(dt))
        return;
    in->check = true;
    in->dtype = map_dtype(json_integer_value(dt));
    in->ndim = (int)json_array_size(sizes);
    for (int d = 0; d < in->ndim; d++) {
        json_t *s = json_array_get(sizes, (size_t)d);
        json_t *ci = json_object_get(s, "as_int");
        in->dim[d] = -2;
        if (json_is_integer(ci)) {
            in->dim[d] = json_integer_value(ci);
            continue;
        }
        const char *e = json_string_value(json_object_get(json_object_get(s, "as_expr"), "expr_str"));
        if (!e || strncmp(e, "Symbol('", 8) != 0)
            continue; /* derived: the graph computes it */
        const char *q = strchr(e + 8, '\'');
        if (!q || q - (e + 8) >= 24)
            continue;
        snprintf(in->sym[d], sizeof in->sym[d], "%.*s", (int)(q - (e + 8)), e + 8);
        json_t *r = json_object_get(c->ranges, in->sym[d]);
        json_t *lo = json_object_get(r, "min_val"), *hi = json_object_get(r, "max_val");
        in->dim[d] = -1;
        in->lo[d] = json_is_integer(lo) ? json_integer_value(lo) : 0;
        in->hi[d] = json_is_integer(hi) ? json_integer_value(hi) : INT64_MAX;
    }
}

static pts_status read_inputs(lctx *c, const json_t *g, const json_t *sig)
{
    json_t *ginputs, *specs;
    PTS_TRY(member(c, g, "inputs", JSON_ARRAY, "graph", &ginputs));
    PTS_TRY(member(c, sig, "input_specs", JSON_ARRAY, "signature", &specs));
    size_t n = json_array_size(specs);
    if (json_array_size(ginputs) != n)
        return bad(c, "the graph has %zu inputs but the signature describes %zu", json_array_size(ginputs), n);
    pts_pt2 *p = c->p;
    p->inputs = pts_calloc(n ? n : 1, sizeof *p->inputs);
    if (!p->inputs)
        return pts_err_nomem("inputs", n);
    for (size_t i = 0; i < n; i++) {
        tinput *in = &p->inputs[i];
        in->value = pts_none();
        in->slot = -1;
        p->ninputs = (int)i + 1;
        const char *tag, *name = NULL;
        json_t *v, *fq;
        char what[48];
        snprintf(what, sizeof what, "input spec %zu", i);
        PTS_TRY(union_of(c, json_array_get(specs, i), what, &tag, &v));
        if (!strcmp(tag, "user_input")) {
            json_t *arg;
            const char *atag;
            json_t *av;
            PTS_TRY(member(c, v, "arg", JSON_OBJECT, what, &arg));
            PTS_TRY(union_of(c, arg, what, &atag, &av));
            in->user_index = p->nuser++;
            if (!strcmp(atag, "as_tensor") || !strcmp(atag, "as_sym_int") || !strcmp(atag, "as_sym_float") ||
                !strcmp(atag, "as_sym_bool")) {
                json_t *nm = json_object_get(av, !strcmp(atag, "as_tensor") ? "name" : "as_name");
                if (!json_is_string(nm))
                    return bad(c, "%s: a user input without a name", what);
                name = json_string_value(nm);
                in->kind = IN_USER;
                if (!strcmp(atag, "as_tensor"))
                    read_input_meta(c, name, in);
            } else { /* a literal: a constant-specialised input */
                targ t;
                PTS_TRY(read_arg(c, arg, &t));
                if (t.kind != A_LIT) {
                    targ_free(&t);
                    return bad(c, "%s: unsupported user input kind '%.40s'", what, atag);
                }
                in->kind = IN_CONST;
                in->value = t.lit;
                continue;
            }
        } else if (!strcmp(tag, "constant_input")) {
            json_t *nm, *val;
            PTS_TRY(member(c, v, "name", JSON_STRING, what, &nm));
            PTS_TRY(member(c, v, "value", JSON_OBJECT, what, &val));
            targ t;
            PTS_TRY(read_arg(c, val, &t));
            if (t.kind != A_LIT) {
                targ_free(&t);
                return bad(c, "%s: constant input is not a literal", what);
            }
            in->kind = IN_CONST;
            in->value = t.lit;
            in->user_index = p->nuser++;
            name = json_string_value(nm);
        } else if (!strcmp(tag, "parameter") || !strcmp(tag, "buffer") || !strcmp(tag, "tensor_constant")) {
            const char *fk = !strcmp(tag, "parameter") ? "parameter_name"
                             : !strcmp(tag, "buffer")  ? "buffer_name"
                                                       : "tensor_constant_name";
            PTS_TRY(name_of_arg(c, v, what, &name));
            PTS_TRY(member(c, v, fk, JSON_STRING, what, &fq));
            in->kind = IN_STATE;
            PTS_TRY(state_of(c, json_string_value(fq), &in->value));
            in->name = pts_strdup(json_string_value(fq));
            if (!in->name)
                return pts_err_nomem("inputs", 0);
        } else {
            return bad(c, "%s: input kind '%.40s' (custom objects, effect tokens) is not supported", what, tag);
        }
        PTS_TRY(new_slot(c, name, &in->slot));
        if (!in->name && !(in->name = pts_strdup(name)))
            return pts_err_nomem("inputs", 0);
    }
    return PTS_OK;
}

static pts_status read_outputs(lctx *c, const json_t *sig)
{
    json_t *specs;
    PTS_TRY(member(c, sig, "output_specs", JSON_ARRAY, "signature", &specs));
    size_t n = json_array_size(specs);
    pts_pt2 *p = c->p;
    p->outputs = pts_calloc(n ? n : 1, sizeof *p->outputs);
    if (!p->outputs)
        return pts_err_nomem("outputs", n);
    for (size_t i = 0; i < n; i++) {
        toutput *o = &p->outputs[i];
        o->arg.kind = A_LIT;
        o->arg.lit = pts_none();
        p->noutputs = (int)i + 1;
        const char *tag;
        json_t *v, *arg, *tn;
        char what[48];
        snprintf(what, sizeof what, "output spec %zu", i);
        PTS_TRY(union_of(c, json_array_get(specs, i), what, &tag, &v));
        PTS_TRY(member(c, v, "arg", JSON_OBJECT, what, &arg));
        if (!strcmp(tag, "user_output")) {
            o->kind = OUT_USER;
            PTS_TRY(read_arg(c, arg, &o->arg));
            continue;
        }
        if (!strcmp(tag, "token")) {
            o->kind = OUT_IGNORE;
            continue;
        }
        const char *fk = !strcmp(tag, "buffer_mutation")       ? "buffer_name"
                         : !strcmp(tag, "parameter_mutation")  ? "parameter_name"
                         : !strcmp(tag, "user_input_mutation") ? "user_input_name"
                                                               : NULL;
        if (!fk)
            return bad(c, "%s: output kind '%.40s' (training graphs) is not supported", what, tag);
        o->arg.kind = A_SLOT;
        PTS_TRY(find_slot(c, json_object_get(arg, "name"), &o->arg.slot));
        PTS_TRY(member(c, v, fk, JSON_STRING, what, &tn));
        o->kind = strcmp(tag, "user_input_mutation") ? OUT_COPY_STATE : OUT_COPY_USER;
        o->target = -1;
        for (int k = 0; k < p->ninputs; k++)
            if (p->inputs[k].name && !strcmp(p->inputs[k].name, json_string_value(tn)) &&
                (p->inputs[k].kind == IN_STATE) == (o->kind == OUT_COPY_STATE))
                o->target = k;
        if (o->target < 0)
            return bad(c, "%s: mutated '%.100s' is not an input of the program", what, json_string_value(tn));
    }
    return PTS_OK;
}

/* in_spec / out_spec: strings holding JSON [1, node]. */
static pts_status read_spec(lctx *c, const json_t *sig, const char *key, json_t **out)
{
    json_t *s;
    PTS_TRY(member(c, sig, key, JSON_STRING, "module_call_graph root signature", &s));
    json_error_t err;
    json_t *t = json_loads(json_string_value(s), 0, &err);
    if (!t)
        return bad(c, "%s is not valid JSON: %s", key, err.text);
    if (!json_is_array(t) || json_array_size(t) != 2 || !json_is_integer(json_array_get(t, 0)) ||
        json_integer_value(json_array_get(t, 0)) != 1 || !json_is_object(json_array_get(t, 1))) {
        json_decref(t);
        return bad(c, "%s is not a treespec of protocol 1 ([1, {...}])", key);
    }
    *out = json_incref(json_array_get(t, 1));
    json_decref(t);
    return PTS_OK;
}

/* ---- liveness ------------------------------------------------------------------------ */

static void mark_uses(const targ *a, int node, int *last)
{
    if (a->kind == A_SLOT && last[a->slot] < node)
        last[a->slot] = node;
    for (int i = 0; i < a->n; i++)
        mark_uses(&a->items[i], node, last);
}

/* Which slots each node of g frees; `outs` (n of them) are live to the end. */
static pts_status plan_frees(tgraph *g, const targ *const *outs, int nouts)
{
    int *last = pts_calloc((size_t)(g->nslots ? g->nslots : 1), sizeof *last);
    if (!last)
        return pts_err_nomem("liveness", 0);
    for (int s = 0; s < g->nslots; s++)
        last[s] = -1;
    for (int i = 0; i < g->nnodes; i++) {
        tnode *n = &g->nodes[i];
        for (int k = 0; k < n->nargs; k++)
            mark_uses(&n->args[k], i, last);
        for (int k = 0; k < n->nouts; k++)
            if (n->outs[k] >= 0 && last[n->outs[k]] < i)
                last[n->outs[k]] = i;
        for (int k = 0; k < n->nlist; k++)
            if (last[n->list_slots[k]] < i)
                last[n->list_slots[k]] = i;
    }
    for (int i = 0; i < nouts; i++)
        mark_uses(outs[i], INT_MAX, last);
    pts_status st = PTS_OK;
    for (int i = 0; i < g->nnodes && !st; i++) {
        tnode *n = &g->nodes[i];
        for (int s = 0; s < g->nslots; s++)
            if (last[s] == i)
                n->nfree++;
        n->free_slots = pts_calloc((size_t)(n->nfree ? n->nfree : 1), sizeof *n->free_slots);
        if (!n->free_slots) {
            st = pts_err_nomem("liveness", 0);
            break;
        }
        int k = 0;
        for (int s = 0; s < g->nslots; s++)
            if (last[s] == i)
                n->free_slots[k++] = s;
    }
    pts_free(last);
    return st;
}

/* ---- the whole archive ------------------------------------------------------------------ */

static pts_status load_program(lctx *c)
{
    pts_pt2 *p = c->p;
    char buf[64];
    /* torch 2.6 / 2.7: a plain zip of serialized_exported_program.json and
     * torch.save'd state dict and constants; 2.8 on: the PT2 archive format */
    bool legacy = !pts_archive_has(p->archive, "archive_format");
    if (legacy) {
        p->json_name = LEGACY_JSON;
        goto read_graph;
    }
    PTS_TRY(read_text(p, "archive_format", buf, sizeof buf));
    if (strcmp(buf, "pt2") != 0)
        return bad(c, "archive_format is \"%.20s\", not \"pt2\"", buf);
    PTS_TRY(read_text(p, "archive_version", buf, sizeof buf));
    if (strcmp(buf, "0") != 0)
        return bad(c, "unsupported PT2 archive_version \"%.20s\" (pyts reads version 0)", buf);
    if (pts_archive_has(p->archive, "byteorder")) {
        PTS_TRY(read_text(p, "byteorder", buf, sizeof buf));
        if (strcmp(buf, "little") != 0)
            return bad(c, "byteorder is \"%.20s\"; pyts reads little-endian archives", buf);
    }
    if (!pts_archive_has(p->archive, MODEL_JSON)) {
        if (pts_archive_has(p->archive, "data/aotinductor"))
            return bad(c, "this is an AOTInductor package, not a torch.export program");
        return bad(c, "the archive has no " MODEL_JSON " (pyts runs archives written by torch.export.save)");
    }
read_graph:;
    json_t *root;
    PTS_TRY(read_json(p, p->json_name, &root));
    pts_status st = PTS_OK;
    json_t *sv, *maj, *min, *gm, *g, *sig, *nodes, *mcg, *ver, *tv;
    if ((st = member(c, root, "schema_version", JSON_OBJECT, p->json_name, &sv)) ||
        (st = member(c, sv, "major", JSON_INTEGER, "schema_version", &maj)) ||
        (st = member(c, sv, "minor", JSON_INTEGER, "schema_version", &min)))
        goto done;
    p->major = (int)json_integer_value(maj);
    p->minor = (int)json_integer_value(min);
    tv = json_object_get(root, "torch_version");
    if (json_integer_value(maj) != 8) {
        st = bad(c, "%s has schema version %lld.%lld; pyts reads major version 8 (torch 2.6 to 2.14); this file was "
                 "written by torch %.40s", p->json_name, (long long)json_integer_value(maj),
                 (long long)json_integer_value(min), json_is_string(tv) ? json_string_value(tv) : "of unknown version");
        goto done;
    }
    ver = json_object_get(root, "verifiers");
    if (json_is_string(json_array_get(ver, 0)))
        snprintf(p->dialect, sizeof p->dialect, "%s", json_string_value(json_array_get(ver, 0)));
    c->ranges = json_object_get(root, "range_constraints");
    if ((st = member(c, root, "graph_module", JSON_OBJECT, p->json_name, &gm)) ||
        (st = member(c, gm, "graph", JSON_OBJECT, "graph_module", &g)) ||
        (st = member(c, gm, "signature", JSON_OBJECT, "graph_module", &sig)) ||
        (st = member(c, g, "nodes", JSON_ARRAY, "graph", &nodes)) ||
        (st = member(c, gm, "module_call_graph", JSON_ARRAY, "graph_module", &mcg)))
        goto done;
    c->tvals = json_object_get(g, "tensor_values");
    if (legacy)
        st = read_pickled_payload(c, "serialized_state_dict.pt");
    else
        st = read_payload(c, "data/weights", "model_weights_config.json");
    if (!st)
        st = legacy ? read_pickled_payload(c, "serialized_constants.pt")
                    : read_payload(c, "data/constants", "model_constants_config.json");
    if (st || (st = read_inputs(c, g, sig)))
        goto done;
    size_t nn = json_array_size(nodes);
    p->g.nodes = pts_calloc(nn ? nn : 1, sizeof *p->g.nodes);
    if (!p->g.nodes) {
        st = pts_err_nomem("nodes", nn);
        goto done;
    }
    for (size_t i = 0; i < nn; i++) {
        p->g.nnodes = (int)i + 1;
        c->node = (int)i;
        if ((st = read_node(c, json_array_get(nodes, i), &p->g.nodes[i])))
            goto done;
    }
    c->node = -1;
    if ((st = read_outputs(c, sig)))
        goto done;
    json_t *rootsig = NULL;
    for (size_t i = 0; i < json_array_size(mcg); i++) {
        json_t *e = json_array_get(mcg, i);
        if (json_is_string(json_object_get(e, "fqn")) && !*json_string_value(json_object_get(e, "fqn")))
            rootsig = json_object_get(e, "signature");
    }
    if (!json_is_object(rootsig)) {
        st = bad(c, "module_call_graph has no root entry with a signature");
        goto done;
    }
    if ((st = read_spec(c, rootsig, "in_spec", &p->in_spec)) || (st = read_spec(c, rootsig, "out_spec", &p->out_spec)))
        goto done;
    const targ **outs = pts_calloc((size_t)(p->noutputs ? p->noutputs : 1), sizeof *outs);
    if (!outs) {
        st = pts_err_nomem("liveness", 0);
        goto done;
    }
    for (int i = 0; i < p->noutputs; i++)
        outs[i] = &p->outputs[i].arg;
    st = plan_frees(&p->g, outs, p->noutputs);
    pts_free(outs);
done:
    json_decref(root);
    return st;
}

pts_status pts_pt2_load(pts_archive *a, const char *path, pts_pt2 **out, pts_missing_op **missing, int *nmissing)
{
    *out = NULL;
    *missing = NULL;
    *nmissing = 0;
    PTS_TRY(pts_ops_init());
    pts_pt2 *p = pts_calloc(1, sizeof *p);
    if (!p)
        return pts_err_nomem("a program", sizeof *p);
    pts_archive_retain(a);
    p->archive = a;
    p->path = pts_strdup(path);
    p->json_name = MODEL_JSON;
    lctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.g = &p->g;
    c.node = -1;
    c.names = json_object();
    c.state = json_object();
    pts_status st = (!p->path || !c.names || !c.state) ? pts_err_nomem("a program", 0) : load_program(&c);
    json_decref(c.names);
    json_decref(c.state);
    for (int i = 0; i < c.ntensors; i++)
        pts_value_release(c.tensors[i]);
    pts_free(c.tensors);
    for (int i = 0; i < c.nstores; i++) {
        pts_free(c.stores[i].record);
        pts_obj_release(&c.stores[i].st->hdr);
    }
    pts_free(c.stores);
    if (st) {
        pts_interp_free_missing(c.missing, c.nmissing);
        pts_pt2_free(p);
        return st;
    }
    *out = p;
    *missing = c.missing;
    *nmissing = c.nmissing;
    return PTS_OK;
}
