/* tensor.h - dtypes, refcounted storage and the strided tensor.
 *
 * A tensor is a strided view over a refcounted storage: dtype, ndim, sizes
 * and strides (in elements), storage offset (in elements).  Views share the
 * storage, so in-place ops on a view change the base, as in torch.  Storage
 * records who owns the bytes: pyts's allocator, a borrowed region of a
 * mapped archive (kept alive by a reference on the archive), or an external
 * owner (a NumPy array) released through a callback.
 */
#ifndef PTS_TENSOR_TENSOR_H
#define PTS_TENSOR_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "value/value.h"

/* dtype codes are torch's ScalarType integers (printed code uses them). */
typedef enum pts_dtype {
    PTS_UINT8 = 0,
    PTS_INT8 = 1,
    PTS_INT16 = 2,
    PTS_INT32 = 3,
    PTS_INT64 = 4,
    PTS_FLOAT16 = 5,
    PTS_FLOAT32 = 6,
    PTS_FLOAT64 = 7,
    PTS_COMPLEX32 = 8,
    PTS_COMPLEX64 = 9,
    PTS_COMPLEX128 = 10,
    PTS_BOOL = 11,
    PTS_QINT8 = 12,
    PTS_QUINT8 = 13,
    PTS_QINT32 = 14,
    PTS_BFLOAT16 = 15,
    PTS_QUINT4X2 = 16,
    PTS_QUINT2X4 = 17,
    PTS_BITS1X8 = 18,
    PTS_BITS2X4 = 19,
    PTS_BITS4X2 = 20,
    PTS_BITS8 = 21,
    PTS_BITS16 = 22,
    PTS_FLOAT8_E5M2 = 23,
    PTS_FLOAT8_E4M3FN = 24,
    PTS_FLOAT8_E5M2FNUZ = 25,
    PTS_FLOAT8_E4M3FNUZ = 26,
    PTS_UINT16 = 27,
    PTS_UINT32 = 28,
    PTS_UINT64 = 29,
    PTS_DTYPE_COUNT = 46
} pts_dtype;

typedef struct pts_dtype_info {
    const char *name;         /* "float32" (NumPy/torch short name) */
    const char *torch_name;   /* "Float": torch's ScalarType name, as its messages print it */
    const char *storage_name; /* "FloatStorage" (pickle GLOBAL), NULL if none */
    int itemsize;             /* bytes, 0 = unknown code */
    bool is_float, is_complex, is_int, is_signed;
} pts_dtype_info;

/* Info for a dtype code; NULL for codes outside the table.  (Inline: every
 * tensor constructor and iterator asks it, several times an op.) */
extern const pts_dtype_info pts_dtype_table[PTS_DTYPE_COUNT];
static inline const pts_dtype_info *pts_dtype_get(int dtype)
{
    if (dtype < 0 || dtype >= PTS_DTYPE_COUNT || pts_dtype_table[dtype].itemsize == 0)
        return NULL;
    return &pts_dtype_table[dtype];
}
/* The short name ("float32") / torch's ScalarType name ("Float", as in
 * "not implemented for 'Float'" and "CPUFloatType"); "?" for codes outside
 * the table. */
const char *pts_dtype_name(int dtype);
const char *pts_dtype_torch_name(int dtype);
/* dtype code for a pickle storage name ("FloatStorage"), or -1. */
int pts_dtype_from_storage_name(const char *name);

#define PTS_MAX_DIMS 16

typedef enum pts_storage_owner {
    PTS_STORAGE_OWNED = 0, /* pts_data_alloc'd */
    PTS_STORAGE_BORROWED,  /* bytes owned by `keep` (archive mapping, numpy...) */
} pts_storage_owner;

typedef struct pts_storage {
    pts_obj hdr;
    void *data;
    size_t nbytes;
    pts_storage_owner owner;
    void *keep;                  /* BORROWED: owner handle */
    void (*keep_release)(void *); /* BORROWED: called once on destroy */
    bool readonly;               /* writes need a copy first (mapped archive) */
} pts_storage;

/* New storage of nbytes from pts_data_alloc (uninitialized). NULL on OOM (error set). */
pts_storage *pts_storage_new(size_t nbytes);
/* Storage over borrowed bytes; keep_release(keep) is called when it dies. */
pts_storage *pts_storage_borrow(void *data, size_t nbytes, void *keep, void (*keep_release)(void *), bool readonly);

typedef struct pts_tensor {
    pts_obj hdr;
    pts_storage *storage; /* owned ref */
    int64_t offset;       /* elements */
    int dtype;            /* pts_dtype */
    int ndim;
    int64_t sizes[PTS_MAX_DIMS];
    int64_t strides[PTS_MAX_DIMS]; /* elements */
    bool requires_grad;
    bool is_param;        /* informational */
    /* owned ref or NULL: a nested (jagged) tensor, as torch's
     * _nested_tensor_from_mask makes one, is held padded: dim 0 is the
     * batch, dim 1 the padded length, and nested_lengths (int64 [B]) the
     * valid length of each batch entry.  Only the kernels of
     * ops/nn/attention.c read it; other ops see the padded tensor. */
    struct pts_tensor *nested_lengths;
} pts_tensor;

#define PTS_TENSOR(v) ((pts_tensor *)(v).u.o)

/* Tensor viewing `storage` (retained). Validates that the view fits the
 * storage (overflow-safe).  New reference or NULL with error set. */
pts_tensor *pts_tensor_view_of(pts_storage *storage, int dtype, int ndim, const int64_t *sizes,
                               const int64_t *strides, int64_t offset);
/* New contiguous tensor (uninitialized data). */
pts_tensor *pts_tensor_empty(int dtype, int ndim, const int64_t *sizes);
pts_tensor *pts_tensor_zeros(int dtype, int ndim, const int64_t *sizes);
int64_t pts_tensor_numel(const pts_tensor *t);
bool pts_tensor_is_contiguous(const pts_tensor *t);
/* Pointer to element 0 of the view. */
static inline void *pts_tensor_data(const pts_tensor *t)
{
    return (char *)t->storage->data + t->offset * pts_dtype_get(t->dtype)->itemsize;
}
/* Contiguous strides for sizes. */
void pts_contiguous_strides(int ndim, const int64_t *sizes, int64_t *strides);
/* New contiguous copy of t (same dtype). */
pts_tensor *pts_tensor_contiguous_copy(const pts_tensor *t);
/* "float32[2, 3]" */
void pts_tensor_describe(const pts_tensor *t, char *buf, size_t cap);
/* Short human description of any value for error messages: "int 3",
 * "Tensor float32[2, 3]" (lives here, above value/, because it prints tensors). */
void pts_value_describe(pts_value v, char *buf, size_t cap);

#endif
