/* archive.h - the zip reader for TorchScript archives (.pt files).
 *
 * First stage of the pipeline: file.pt -> container/ -> pickle/, frontend/.
 * An archive is the file's bytes (mmapped read-only, or a private copy) plus
 * an index of its central directory.  Records are named WITHOUT the archive
 * prefix: "data.pkl", "code/__torch__.py", "data/0".
 *
 * (torch.export.save of torch 2.6/2.7 wrote a zip without the folder, first
 * record serialized_exported_program.json: it is read with an empty prefix.)
 *
 * Stored records are handed out zero-copy as pointers into the archive's
 * bytes; deflated records are inflated into a new buffer.  Every read checks
 * the record's CRC-32.  The file is untrusted: every size, offset and count
 * is validated, and every failure is a PTS_ERR_LOAD whose message names the
 * archive path, the entry and the byte offset.
 *
 * Refcounting: an archive starts with one reference (the caller's).  Anyone
 * who keeps a pointer into its bytes (a tensor storage borrowing a stored
 * record, a lazily compiled unit) holds a reference and releases it when
 * done.  Retain/release are atomic and may be called from any thread; reads
 * may run concurrently on one archive.
 */
#ifndef PTS_CONTAINER_ARCHIVE_H
#define PTS_CONTAINER_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct pts_archive pts_archive;

/* Bytes of one record.  If `owned` is NULL, `data` borrows the archive's
 * bytes and is valid while the caller holds a reference on the archive.  If
 * `owned` is not NULL, `data` == `owned` is a new buffer that the caller owns
 * and frees with pts_blob_free (it does not depend on the archive).  `data`
 * is never NULL after a successful read, even when `len` is 0. */
typedef struct pts_blob {
    const uint8_t *data;
    size_t len;
    void *owned;
} pts_blob;

/* Open the file at `path` (mmap read-only, MAP_PRIVATE; read into memory if
 * mapping fails).  On success *out is a new archive with one reference owned
 * by the caller.  On failure *out is NULL; PTS_ERR_IO if the file cannot be
 * opened or read, PTS_ERR_LOAD if it is not a readable TorchScript zip,
 * PTS_ERR_NOMEM.  `path` is copied. */
PTS_NODISCARD pts_status pts_archive_open_file(const char *path, pts_archive **out);

/* Same, from `len` bytes at `data` (NULL only if len is 0); the bytes are
 * copied, the caller keeps ownership of `data`.  The archive's path is
 * "<buffer>". */
PTS_NODISCARD pts_status pts_archive_open_buffer(const void *data, size_t len, pts_archive **out);

/* Add / drop a reference.  Release frees the archive (and unmaps its bytes)
 * when the last reference goes; both are NULL-safe. */
void pts_archive_retain(pts_archive *a);
void pts_archive_release(pts_archive *a);

/* The archive prefix, the top folder of every entry, without the slash
 * ("resnet", "archive"); "" for the one flat layout accepted, the zip of
 * torch.export.save in torch 2.6/2.7 (first record
 * serialized_exported_program.json, records named from the root).  Borrowed;
 * lives as long as the archive. */
const char *pts_archive_prefix(const pts_archive *a);

/* The path the archive was opened from, or "<buffer>".  Borrowed. */
const char *pts_archive_path(const pts_archive *a);

/* Number of records, and the name of record i (0 <= i < count) in central
 * directory order, without "prefix/".  Directory entries (names ending in
 * '/') are not records and are not listed.  Names are NUL-terminated UTF-8,
 * borrowed for the archive's lifetime; NULL if i is out of range. */
int64_t pts_archive_count(const pts_archive *a);
const char *pts_archive_name(const pts_archive *a, int64_t i);

/* Is there a record with this name (without the prefix)?  O(1). */
bool pts_archive_has(const pts_archive *a, const char *name);

/* Read record `name` (without the prefix) into *out (see pts_blob for who
 * owns the bytes).  PTS_ERR_KEY if there is no such record; PTS_ERR_LOAD for
 * an unsupported method, corrupt deflate data, a size or CRC-32 mismatch;
 * PTS_ERR_NOMEM.  On failure *out is {NULL, 0, NULL}.  Safe to call from
 * several threads at once. */
PTS_NODISCARD pts_status pts_archive_read(pts_archive *a, const char *name, pts_blob *out);

/* Free the buffer of an owned blob (no-op for borrowed ones) and reset it to
 * {NULL, 0, NULL}.  NULL-safe. */
void pts_blob_free(pts_blob *b);

/* Where record `name` lives in the file: the byte offset of its data, the
 * number of bytes stored there (the compressed size; equal to the record's
 * size when stored) and the zip method (0 stored, 8 deflated, anything else
 * is unsupported).  Any output pointer may be NULL.  PTS_ERR_KEY if there is
 * no such record. */
PTS_NODISCARD pts_status pts_archive_entry_offset(const pts_archive *a, const char *name, uint64_t *data_offset,
                                    uint64_t *size, int *method);

#endif
