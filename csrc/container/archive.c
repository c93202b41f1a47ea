/* archive.c - zip reader for TorchScript archives (see archive.h).
 *
 * First stage of the pipeline: it maps the .pt file, finds the end of
 * central directory record (and the zip64 one that torch always writes),
 * indexes the central directory by name, and hands out records: stored ones
 * zero-copy, deflated ones inflated by zlib.  Sizes and CRCs come from the
 * central directory only (torch's local headers carry zeros and flag 0x0808);
 * a record's data starts after its local header's name and "FB" padding.
 *
 * The bytes are untrusted.  Every number read from them is checked against
 * the file size before it is used, in 64-bit arithmetic that cannot wrap.
 * Errors name the archive, the entry and the byte offset.
 *
 * Layout of this file: byte helpers and errors, loading the bytes, the end
 * of central directory, the central directory, local headers, the name
 * index, then the public functions (open, lookup, read).
 */
#define _POSIX_C_SOURCE 200809L

#include "container/archive.h"
#include "container/crc32.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "core/alloc.h"
#include "core/hash.h"

/* Zip record sizes and signatures (APPNOTE.TXT 4.3). */
#define LOCAL_SIZE 30u      /* local file header, without name and extra */
#define CENTRAL_SIZE 46u    /* central directory header, without variable parts */
#define EOCD_SIZE 22u       /* end of central directory, without comment */
#define EOCD64_SIZE 56u     /* zip64 end of central directory */
#define LOCATOR_SIZE 20u    /* zip64 end of central directory locator */
#define MAX_COMMENT 65535u
#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOCATOR 0x07064b50u
#define ZIP64_EXTRA_ID 0x0001u
#define U32_MAGIC 0xFFFFFFFFu /* "the real value is in the zip64 extra field" */

#define METHOD_STORED 0
#define METHOD_DEFLATED 8
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_STRONG_ENCRYPTION 0x0040u

/* Plausibility bounds for an inflated record. */
#define MAX_INFLATED ((uint64_t)4 << 30)
#define MAX_RATIO 64u
#define RATIO_SLACK ((uint64_t)1 << 20)

#define NO_OFFSET UINT64_MAX
#define EMPTY_SLOT UINT32_MAX
#define MAX_ENTRIES ((uint64_t)INT32_MAX)

typedef struct entry {
    uint64_t header_off; /* local file header */
    uint64_t data_off;   /* first byte of the (compressed) data */
    uint64_t csize;      /* bytes stored at data_off */
    uint64_t usize;      /* bytes of the record */
    size_t name_off;     /* full name ("prefix/...") in the name pool */
    uint32_t crc;
    uint16_t method;
    uint16_t flags;
    atomic_bool verified; /* stored record's CRC already checked */
} entry;

struct pts_archive {
    atomic_long refs;
    const uint8_t *data; /* the file's bytes */
    size_t len;
    bool mapped;         /* data is an mmap (else a pts_malloc'd copy) */
    char *path;
    char *prefix;        /* "" for a flat archive */
    size_t prefix_len;
    bool flat;           /* no top-level folder (torch.export.save of torch 2.6/2.7) */
    char *names;         /* pool of NUL-terminated full names */
    entry *entries;      /* records in central directory order */
    int64_t count;
    uint32_t *slots;     /* open-addressing hash of entry indices */
    size_t nslots;       /* power of two, > 2 * count */
};

/* ---- bytes and errors ---------------------------------------------------- */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

/* Is [off, off + n) inside [0, limit)?  Never wraps. */
static bool in_range(uint64_t off, uint64_t n, uint64_t limit)
{
    return off <= limit && n <= limit - off;
}

/* Copy an untrusted name into buf for a message: printable ASCII as is,
 * everything else as \xNN, cut at about 200 characters. */
static void quote_name(char *buf, size_t cap, const char *name, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)name[i];
        if (o > 200) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
    }
    buf[o] = 0;
}

/* Record a PTS_ERR_LOAD (or `st`) message "<path>: entry '<name>' at offset
 * <off>: <what>"; name may be NULL and off NO_OFFSET to leave them out. */
static pts_status failv(pts_status st, const pts_archive *a, const char *name, size_t name_len,
                        uint64_t off, const char *fmt, va_list ap)
{
    char what[1024], qname[256], where[320];
    vsnprintf(what, sizeof what, fmt, ap);
    where[0] = 0;
    if (name) {
        quote_name(qname, sizeof qname, name, name_len);
        snprintf(where, sizeof where, " entry '%s'", qname);
    }
    if (off != NO_OFFSET)
        snprintf(where + strlen(where), sizeof where - strlen(where), " at offset %llu",
                 (unsigned long long)off);
    return pts_err_set(st, "%s:%s%s %s", a->path, where, where[0] ? ":" : "", what);
}

static pts_status fail(const pts_archive *a, uint64_t off, const char *fmt, ...) PTS_PRINTF(3, 4);
static pts_status fail(const pts_archive *a, uint64_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pts_status st = failv(PTS_ERR_LOAD, a, NULL, 0, off, fmt, ap);
    va_end(ap);
    return st;
}

static pts_status fail_name(const pts_archive *a, const char *name, size_t n, uint64_t off,
                            const char *fmt, ...) PTS_PRINTF(5, 6);
static pts_status fail_name(const pts_archive *a, const char *name, size_t n, uint64_t off,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pts_status st = failv(PTS_ERR_LOAD, a, name, n, off, fmt, ap);
    va_end(ap);
    return st;
}

static const char *full_name(const pts_archive *a, const entry *e) { return a->names + e->name_off; }

static pts_status fail_entry(const pts_archive *a, const entry *e, uint64_t off, const char *fmt, ...)
    PTS_PRINTF(4, 5);
static pts_status fail_entry(const pts_archive *a, const entry *e, uint64_t off, const char *fmt, ...)
{
    va_list ap;
    const char *name = full_name(a, e);
    va_start(ap, fmt);
    pts_status st = failv(PTS_ERR_LOAD, a, name, strlen(name), off, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- loading the bytes --------------------------------------------------- */

/* "path: cannot open: No such file or directory" -- the system's own text.
 * glibc with _GNU_SOURCE has the GNU strerror_r (returns the text, maybe not
 * in msg); POSIX's returns 0 and fills msg. */
static pts_status io_error(const char *path, const char *what, int err)
{
    char msg[256];
    msg[0] = 0;
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    const char *text = strerror_r(err, msg, sizeof msg);
    if (text && text != msg)
        snprintf(msg, sizeof msg, "%s", text);
#else
    if (strerror_r(err, msg, sizeof msg) != 0)
        msg[0] = 0;
#endif
    if (!msg[0])
        snprintf(msg, sizeof msg, "errno %d", err);
    return pts_err_set(PTS_ERR_IO, "%s: %s: %s (errno %d)", path, what, msg, err);
}

/* read() the whole file (n bytes) into a new buffer. */
static pts_status read_all(int fd, const char *path, size_t n, pts_archive *a)
{
    uint8_t *buf = pts_malloc(n ? n : 1);
    size_t got = 0;
    if (!buf)
        return pts_err_nomem("archive file contents", n);
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got > (1u << 30) ? (1u << 30) : n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            pts_status st = r < 0 ? io_error(path, "cannot read", errno)
                                  : pts_err_set(PTS_ERR_IO, "%s: file shrank while reading it", path);
            pts_free(buf);
            return st;
        }
        got += (size_t)r;
    }
    a->data = buf;
    a->len = n;
    a->mapped = false;
    return PTS_OK;
}

/* Map (or failing that, read) the file at path into a->data. */
static pts_status load_file(const char *path, pts_archive *a)
{
    pts_status st = PTS_OK;
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_error(path, "cannot open", errno);
    if (fstat(fd, &sb) != 0) {
        st = io_error(path, "cannot stat", errno);
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = pts_err_set(PTS_ERR_IO, "%s: not a regular file", path);
        goto done;
    }
    if (sb.st_size < 0 || (uint64_t)sb.st_size > SIZE_MAX) {
        st = pts_err_set(PTS_ERR_IO, "%s: file too large for this platform", path);
        goto done;
    }
    size_t n = (size_t)sb.st_size;
    /* Writable private mapping: an in-place op on a weight that borrows these
     * bytes gets copy-on-write pages; the file itself is never modified. */
    void *p = n ? mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    if (p != MAP_FAILED) {
        a->data = p;
        a->len = n;
        a->mapped = true;
    } else {
        st = read_all(fd, path, n, a);
    }
done:
    close(fd);
    return st;
}

/* ---- end of central directory -------------------------------------------- */

typedef struct cdir {
    uint64_t count;  /* entries */
    uint64_t offset; /* of the first central header */
    uint64_t size;   /* bytes of all central headers */
    uint64_t limit;  /* where the central directory must end */
} cdir;

/* Reject the non-zip formats torch can write, with a message saying which. */
static pts_status check_magic(const pts_archive *a)
{
    if (a->len >= 8 && memcmp(a->data, "PYTORCH1", 8) == 0)
        return fail(a, 0, "legacy PyTorch preview format (magic 'PYTORCH1') is not supported");
    /* torch.save with _use_new_zipfile_serialization=False: a pickle (protocol 2)
     * whose first object is the magic number 0x1950a86a20f9469cfc6c (LONG1) */
    static const unsigned char legacy[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    if (a->len >= sizeof legacy && memcmp(a->data, legacy, sizeof legacy) == 0)
        return fail(a, 0, "this is a legacy torch.save file (a pickle, written with _use_new_zipfile_serialization=False), "
                          "not a TorchScript archive. pyts runs files written by torch.jit.save: in Python, build the "
                          "model, load the checkpoint into it (model.load_state_dict(torch.load(path))), then save it "
                          "with torch.jit.script(model).save(\"model.pt\") or "
                          "torch.jit.trace(model, example_inputs).save(\"model.pt\")");
    if (a->len >= 8 && memcmp(a->data + 4, "PTMF", 4) == 0)
        return fail(a, 4, "this is a flatbuffer mobile module (magic 'PTMF', saved with "
                          "_use_flatbuffer=True), not a zip TorchScript archive; not supported");
    return PTS_OK;
}

/* Offset of the end of central directory record: the last "PK\5\6" whose
 * comment fits in the file, searching the last 22 + 65535 bytes. */
static pts_status find_eocd(const pts_archive *a, uint64_t *pos)
{
    if (a->len < EOCD_SIZE)
        return fail(a, NO_OFFSET, "not a zip archive: no end-of-central-directory record "
                                  "(file is only %zu bytes)", a->len);
    size_t last = a->len - EOCD_SIZE;
    size_t first = last > MAX_COMMENT ? last - MAX_COMMENT : 0;
    for (size_t p = last + 1; p-- > first;) {
        if (rd32(a->data + p) == SIG_EOCD && rd16(a->data + p + 20) <= a->len - EOCD_SIZE - p) {
            *pos = p;
            return PTS_OK;
        }
    }
    return fail(a, NO_OFFSET, "not a zip archive: no end-of-central-directory record");
}

/* Read the zip64 end of central directory that the locator before `eocd`
 * points to. */
static pts_status read_eocd64(const pts_archive *a, uint64_t locator, cdir *cd)
{
    uint64_t off = rd64(a->data + locator + 8);
    if (off > locator || locator - off < EOCD64_SIZE)
        return fail(a, locator, "zip64 end-of-central-directory locator points to offset %llu, "
                                "outside the file", (unsigned long long)off);
    const uint8_t *p = a->data + off;
    if (rd32(p) != SIG_EOCD64)
        return fail(a, off, "bad zip64 end-of-central-directory signature 0x%08x", rd32(p));
    uint64_t recsize = rd64(p + 4);
    if (recsize < EOCD64_SIZE - 12 || recsize > locator - off - 12)
        return fail(a, off, "zip64 end-of-central-directory record size %llu is invalid",
                    (unsigned long long)recsize);
    cd->count = rd64(p + 32);
    cd->size = rd64(p + 40);
    cd->offset = rd64(p + 48);
    cd->limit = off;
    return PTS_OK;
}

/* Find where the central directory is and how many entries it has. */
static pts_status read_eocd(const pts_archive *a, cdir *cd)
{
    uint64_t pos = 0;
    PTS_TRY(find_eocd(a, &pos));
    const uint8_t *p = a->data + pos;
    cd->count = rd16(p + 10);
    cd->size = rd32(p + 12);
    cd->offset = rd32(p + 16);
    cd->limit = pos;
    if (pos >= LOCATOR_SIZE && rd32(a->data + pos - LOCATOR_SIZE) == SIG_LOCATOR)
        PTS_TRY(read_eocd64(a, pos - LOCATOR_SIZE, cd));
    if (!in_range(cd->offset, cd->size, cd->limit))
        return fail(a, cd->limit, "central directory (offset %llu, %llu bytes) lies outside the "
                                  "file before this record",
                    (unsigned long long)cd->offset, (unsigned long long)cd->size);
    if (cd->count == 0)
        return fail(a, cd->limit, "zip archive has no entries");
    if (cd->count > cd->size / CENTRAL_SIZE || cd->count > MAX_ENTRIES)
        return fail(a, cd->limit, "entry count %llu does not fit in a central directory of %llu bytes",
                    (unsigned long long)cd->count, (unsigned long long)cd->size);
    return PTS_OK;
}

/* ---- central directory --------------------------------------------------- */

/* Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
static bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07u;
        } else {
            return false;
        }
        if (n - i - 1 < k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += k + 1;
    }
    return true;
}

/* Check a full entry name (not NUL-terminated, from the file). */
static pts_status check_name(const pts_archive *a, const char *name, size_t n, uint64_t off)
{
    if (n == 0)
        return fail_name(a, name, n, off, "empty entry name");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return fail_name(a, name, n, off, "entry name contains a control character");
    if (!utf8_valid((const uint8_t *)name, n))
        return fail_name(a, name, n, off, "entry name is not valid UTF-8");
    if (name[0] == '/')
        return fail_name(a, name, n, off, "entry name is an absolute path");
    for (size_t i = 0; i + 1 < n; i++)
        if (name[i] == '.' && name[i + 1] == '.')
            return fail_name(a, name, n, off, "entry name contains '..'");
    return PTS_OK;
}

/* Take sizes and offset from a zip64 extended information extra field (id
 * 0x0001) for each 32-bit field that was 0xFFFFFFFF. */
static pts_status read_zip64_extra(const pts_archive *a, const char *name, size_t name_len,
                                   uint64_t off, const uint8_t *ex, size_t n, entry *e)
{
    bool need_u = e->usize == U32_MAGIC, need_c = e->csize == U32_MAGIC;
    bool need_o = e->header_off == U32_MAGIC;
    if (!need_u && !need_c && !need_o)
        return PTS_OK;
    size_t p = 0;
    while (n - p >= 4) {
        uint16_t id = rd16(ex + p), sz = rd16(ex + p + 2);
        if (sz > n - p - 4)
            return fail_name(a, name, name_len, off, "extra field 0x%04x overruns the extra data", id);
        if (id == ZIP64_EXTRA_ID) {
            size_t need = 8u * ((size_t)need_u + need_c + need_o), q = p + 4;
            if (sz < need)
                return fail_name(a, name, name_len, off,
                                 "zip64 extra field has %u bytes, needs %zu", sz, need);
            if (need_u)
                e->usize = rd64(ex + q), q += 8;
            if (need_c)
                e->csize = rd64(ex + q), q += 8;
            if (need_o)
                e->header_off = rd64(ex + q);
            return PTS_OK;
        }
        p += 4u + sz;
    }
    return fail_name(a, name, name_len, off, "32-bit size or offset is 0xFFFFFFFF but there is no "
                                             "zip64 extra field");
}

/* The first record of the flat zip that torch.export.save wrote in torch 2.6
 * and 2.7 (no top-level folder; every other archive torch writes has one). */
#define FLAT_FIRST "serialized_exported_program.json"

/* Set the archive prefix from the first entry's name. */
static pts_status set_prefix(pts_archive *a, const char *name, size_t n, uint64_t off)
{
    const char *slash = memchr(name, '/', n);
    if (!slash && n == strlen(FLAT_FIRST) && memcmp(name, FLAT_FIRST, n) == 0) {
        a->flat = true;
        a->prefix_len = 0;
        a->prefix = pts_strndup("", 0);
        return a->prefix ? PTS_OK : pts_err_nomem("archive prefix", 1);
    }
    if (!slash || slash == name)
        return fail_name(a, name, n, off, "first entry is not inside a top-level folder "
                                          "(TorchScript archives name every record 'prefix/...')");
    a->prefix_len = (size_t)(slash - name);
    a->prefix = pts_strndup(name, a->prefix_len);
    if (!a->prefix)
        return pts_err_nomem("archive prefix", a->prefix_len + 1);
    return PTS_OK;
}

/* Is this (checked) full name under the prefix, and is it a record?  Sets
 * *is_record to false for directory entries ("prefix/", "prefix/code/"). */
static pts_status check_prefix(const pts_archive *a, const char *name, size_t n, uint64_t off,
                               bool *is_record)
{
    size_t pl = a->prefix_len;
    if (a->flat) {
        if (n == 0 || name[0] == '/')
            return fail_name(a, name, n, off, "entry name has an empty path component");
        *is_record = name[n - 1] != '/';
        return PTS_OK;
    }
    if (n <= pl || memcmp(name, a->prefix, pl) != 0 || name[pl] != '/')
        return fail_name(a, name, n, off, "entry is outside the archive prefix '%s/'", a->prefix);
    const char *rel = name + pl + 1;
    size_t rn = n - pl - 1;
    if (rn > 0 && rel[0] == '/')
        return fail_name(a, name, n, off, "entry name has an empty path component");
    if (rn == 10 && memcmp(rel, "model.json", 10) == 0)
        return fail_name(a, name, n, off, "legacy TorchScript format (model.json, PyTorch 1.0-1.3) "
                                          "is not supported; re-save the model with a newer PyTorch");
    *is_record = rn > 0 && rel[rn - 1] != '/';
    return PTS_OK;
}

/* Parse the central header at *pos into the next entry (if it is a record). */
static pts_status read_central(pts_archive *a, const cdir *cd, size_t i, uint64_t *pos,
                               size_t *pool_used)
{
    uint64_t off = *pos, end = cd->offset + cd->size;
    if (!in_range(off, CENTRAL_SIZE, end))
        return fail(a, off, "central directory ends inside entry %zu of %llu", i + 1,
                    (unsigned long long)cd->count);
    const uint8_t *h = a->data + off;
    if (rd32(h) != SIG_CENTRAL)
        return fail(a, off, "bad central directory header signature 0x%08x", rd32(h));
    uint16_t nlen = rd16(h + 28), xlen = rd16(h + 30), clen = rd16(h + 32);
    if (!in_range(off + CENTRAL_SIZE, (uint64_t)nlen + xlen + clen, end))
        return fail(a, off, "central directory header overruns the central directory");
    const char *name = (const char *)h + CENTRAL_SIZE;
    entry *e = &a->entries[a->count];
    e->flags = rd16(h + 8);
    e->method = rd16(h + 10);
    e->crc = rd32(h + 16);
    e->csize = rd32(h + 20);
    e->usize = rd32(h + 24);
    e->header_off = rd32(h + 42);
    atomic_init(&e->verified, false);
    *pos = off + CENTRAL_SIZE + nlen + xlen + clen;
    PTS_TRY(check_name(a, name, nlen, off));
    PTS_TRY(read_zip64_extra(a, name, nlen, off, h + CENTRAL_SIZE + nlen, xlen, e));
    if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
        return fail_name(a, name, nlen, off, "encrypted entries are not supported");
    if (!a->prefix)
        PTS_TRY(set_prefix(a, name, nlen, off));
    bool is_record = false;
    PTS_TRY(check_prefix(a, name, nlen, off, &is_record));
    if (!is_record)
        return PTS_OK;
    memcpy(a->names + *pool_used, name, nlen);
    a->names[*pool_used + nlen] = 0;
    e->name_off = *pool_used;
    *pool_used += (size_t)nlen + 1;
    a->count++;
    return PTS_OK;
}

/* Find the data of entry e behind its local header; the data must end
 * before the central directory. */
static pts_status read_local(const pts_archive *a, const cdir *cd, entry *e)
{
    uint64_t off = e->header_off;
    if (!in_range(off, LOCAL_SIZE, cd->offset))
        return fail_entry(a, e, off, "local header offset is outside the file data (central "
                                     "directory starts at %llu)", (unsigned long long)cd->offset);
    const uint8_t *h = a->data + off;
    if (rd32(h) != SIG_LOCAL)
        return fail_entry(a, e, off, "bad local header signature 0x%08x", rd32(h));
    uint16_t nlen = rd16(h + 26), xlen = rd16(h + 28);
    const char *name = full_name(a, e);
    if (nlen != strlen(name) || !in_range(off + LOCAL_SIZE, nlen, cd->offset) ||
        memcmp(h + LOCAL_SIZE, name, nlen) != 0)
        return fail_entry(a, e, off, "local header names a different entry");
    e->data_off = off + LOCAL_SIZE + nlen + xlen;
    if (!in_range(e->data_off, e->csize, cd->offset))
        return fail_entry(a, e, off, "data (offset %llu, %llu bytes) runs past the start of the "
                                     "central directory at %llu",
                          (unsigned long long)e->data_off, (unsigned long long)e->csize,
                          (unsigned long long)cd->offset);
    return PTS_OK;
}

/* Parse the whole central directory and every local header. */
static pts_status read_directory(pts_archive *a, const cdir *cd)
{
    size_t count = (size_t)cd->count, pool = 0, pool_cap = (size_t)cd->size + count;
    uint64_t pos = cd->offset;
    if (pool_cap < count)
        return pts_err_nomem("zip entry names", SIZE_MAX);
    a->entries = pts_calloc(count, sizeof *a->entries);
    if (!a->entries)
        return pts_err_nomem("zip entries", count * sizeof *a->entries);
    a->names = pts_malloc(pool_cap);
    if (!a->names)
        return pts_err_nomem("zip entry names", pool_cap);
    for (size_t i = 0; i < count; i++)
        PTS_TRY(read_central(a, cd, i, &pos, &pool));
    if (a->count == 0)
        return fail(a, cd->offset, "zip archive has no records, only folders");
    for (int64_t i = 0; i < a->count; i++)
        PTS_TRY(read_local(a, cd, &a->entries[i]));
    return PTS_OK;
}

/* ---- the name index ------------------------------------------------------ */

static const char *rel_name(const pts_archive *a, const entry *e)
{
    return a->names + e->name_off + (a->flat ? 0 : a->prefix_len + 1);
}

static uint64_t hash_name(const char *s) { return pts_hash_str(s); }

/* Slot of `name`: the one holding it, or the empty one where it would go. */
static size_t find_slot(const pts_archive *a, const char *name)
{
    size_t mask = a->nslots - 1, i = (size_t)hash_name(name) & mask;
    while (a->slots[i] != EMPTY_SLOT && strcmp(rel_name(a, &a->entries[a->slots[i]]), name) != 0)
        i = (i + 1) & mask;
    return i;
}

static pts_status build_index(pts_archive *a)
{
    size_t n = 16;
    while (n <= 2 * (size_t)a->count)
        n *= 2;
    a->slots = pts_malloc(n * sizeof *a->slots);
    if (!a->slots)
        return pts_err_nomem("zip name index", n * sizeof *a->slots);
    a->nslots = n;
    memset(a->slots, 0xFF, n * sizeof *a->slots);
    for (int64_t i = 0; i < a->count; i++) {
        entry *e = &a->entries[i];
        size_t s = find_slot(a, rel_name(a, e));
        if (a->slots[s] != EMPTY_SLOT)
            return fail_entry(a, e, e->header_off, "duplicate entry name");
        a->slots[s] = (uint32_t)i;
    }
    return PTS_OK;
}

static entry *lookup(const pts_archive *a, const char *name)
{
    if (!a || !name || !a->slots)
        return NULL;
    size_t s = find_slot(a, name);
    return a->slots[s] == EMPTY_SLOT ? NULL : &a->entries[a->slots[s]];
}

/* ---- open and release ---------------------------------------------------- */

static void destroy(pts_archive *a)
{
    if (a->mapped)
        munmap((void *)a->data, a->len);
    else
        pts_free((void *)a->data);
    pts_free(a->path);
    pts_free(a->prefix);
    pts_free(a->names);
    pts_free(a->entries);
    pts_free(a->slots);
    pts_free(a);
}

static pts_status new_archive(const char *path, pts_archive **out)
{
    pts_archive *a = pts_calloc(1, sizeof *a);
    if (!a)
        return pts_err_nomem("archive", sizeof *a);
    atomic_init(&a->refs, 1);
    a->path = pts_strdup(path);
    if (!a->path) {
        pts_free(a);
        return pts_err_nomem("archive path", strlen(path) + 1);
    }
    *out = a;
    return PTS_OK;
}

/* Index the bytes now in a->data. */
static pts_status parse(pts_archive *a)
{
    cdir cd;
    PTS_TRY(check_magic(a));
    PTS_TRY(read_eocd(a, &cd));
    PTS_TRY(read_directory(a, &cd));
    return build_index(a);
}

pts_status pts_archive_open_file(const char *path, pts_archive **out)
{
    pts_archive *a = NULL;
    pts_status st;
    *out = NULL;
    if (!path)
        return pts_err_set(PTS_ERR_IO, "archive path is NULL");
    if ((st = new_archive(path, &a)) != PTS_OK)
        return st;
    if ((st = load_file(path, a)) != PTS_OK || (st = parse(a)) != PTS_OK)
        goto fail;
    *out = a;
    return PTS_OK;
fail:
    destroy(a);
    return st;
}

pts_status pts_archive_open_buffer(const void *data, size_t len, pts_archive **out)
{
    pts_archive *a = NULL;
    pts_status st;
    uint8_t *copy;
    *out = NULL;
    if (!data && len)
        return pts_err_set(PTS_ERR_VALUE, "<buffer>: NULL data with length %zu", len);
    if ((st = new_archive("<buffer>", &a)) != PTS_OK)
        return st;
    if (!(copy = pts_malloc(len ? len : 1))) {
        st = pts_err_nomem("archive bytes", len);
        goto fail;
    }
    if (len)
        memcpy(copy, data, len);
    a->data = copy;
    a->len = len;
    if ((st = parse(a)) != PTS_OK)
        goto fail;
    *out = a;
    return PTS_OK;
fail:
    destroy(a);
    return st;
}

void pts_archive_retain(pts_archive *a)
{
    if (a)
        atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
}

void pts_archive_release(pts_archive *a)
{
    if (a && atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        destroy(a);
}

/* ---- lookup -------------------------------------------------------------- */

const char *pts_archive_prefix(const pts_archive *a) { return a->prefix; }
const char *pts_archive_path(const pts_archive *a) { return a->path; }
int64_t pts_archive_count(const pts_archive *a) { return a->count; }

const char *pts_archive_name(const pts_archive *a, int64_t i)
{
    return i >= 0 && i < a->count ? rel_name(a, &a->entries[i]) : NULL;
}

bool pts_archive_has(const pts_archive *a, const char *name) { return lookup(a, name) != NULL; }

static pts_status no_record(const pts_archive *a, const char *name)
{
    char q[256];
    quote_name(q, sizeof q, name ? name : "(null)", name ? strlen(name) : 6);
    return pts_err_set(PTS_ERR_KEY, "%s: no record named '%s' in archive '%s/'", a->path, q,
                       a->prefix);
}

pts_status pts_archive_entry_offset(const pts_archive *a, const char *name, uint64_t *data_offset,
                                    uint64_t *size, int *method)
{
    const entry *e = lookup(a, name);
    if (!e)
        return no_record(a, name);
    if (data_offset)
        *data_offset = e->data_off;
    if (size)
        *size = e->csize;
    if (method)
        *method = e->method;
    return PTS_OK;
}

/* ---- reading records ----------------------------------------------------- */

/* carry-less-multiply CRC where the CPU has it, zlib's otherwise (container/crc32.h) */
static uint32_t crc_of(const uint8_t *p, uint64_t n) { return pts_crc32(0, p, (size_t)n); }

/* Fuzzing builds (tests/fuzz, FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) still
 * compute the CRC but accept a mismatch, so that mutated record bytes reach
 * the unpickler, the parser and the compiler instead of stopping here. */
static pts_status check_crc(const pts_archive *a, const entry *e, const uint8_t *p)
{
    uint32_t crc = crc_of(p, e->usize);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    (void)a;
    (void)crc;
#else
    if (crc != e->crc)
        return fail_entry(a, e, e->data_off, "CRC-32 mismatch (stored 0x%08x, computed 0x%08x)",
                          e->crc, crc);
#endif
    return PTS_OK;
}

static pts_status read_stored(pts_archive *a, entry *e, pts_blob *out)
{
    if (e->csize != e->usize)
        return fail_entry(a, e, e->data_off, "stored entry has compressed size %llu but size %llu",
                          (unsigned long long)e->csize, (unsigned long long)e->usize);
    const uint8_t *p = a->data + e->data_off;
    if (!atomic_load_explicit(&e->verified, memory_order_acquire)) {
        PTS_TRY(check_crc(a, e, p));
        atomic_store_explicit(&e->verified, true, memory_order_release);
    }
    out->data = p;
    out->len = (size_t)e->usize;
    return PTS_OK;
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    size_t n;
    (void)opaque;
    return pts_mul_overflow_size(items, size, &n) ? Z_NULL : pts_malloc(n);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    pts_free(p);
}

static pts_status too_long(const pts_archive *a, const entry *e)
{
    return fail_entry(a, e, e->data_off, "deflate data inflates to more than the %llu bytes the "
                                         "central directory says",
                      (unsigned long long)e->usize);
}

/* Inflate e's raw deflate data into dst, exactly e->usize bytes.  Output
 * beyond usize goes to a one-byte spill buffer, so a stream that is longer
 * than the central directory says is caught without writing past dst. */
static pts_status inflate_into(const pts_archive *a, const entry *e, uint8_t *dst)
{
    const uint8_t *src = a->data + e->data_off;
    uint64_t in_left = e->csize, out_left = e->usize;
    uint8_t spill[1];
    bool spilling = false;
    pts_status st = PTS_OK;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = z_alloc;
    zs.zfree = z_free;
    int rc = inflateInit2(&zs, -15);
    if (rc != Z_OK)
        return rc == Z_MEM_ERROR ? pts_err_nomem("zlib inflate state", sizeof zs)
                                 : fail_entry(a, e, e->data_off, "zlib inflateInit2 failed (%d)", rc);
    for (;;) {
        if (zs.avail_in == 0 && in_left > 0) {
            zs.next_in = (Bytef *)src;
            zs.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            src += zs.avail_in;
            in_left -= zs.avail_in;
        }
        if (zs.avail_out == 0) {
            if (spilling) {
                st = too_long(a, e);
                goto done;
            }
            if (out_left > 0) {
                zs.next_out = dst;
                zs.avail_out = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
                dst += zs.avail_out;
                out_left -= zs.avail_out;
            } else {
                spilling = true;
                zs.next_out = spill;
                zs.avail_out = 1;
            }
        }
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_OK)
            continue;
        uint64_t at = e->data_off + (e->csize - in_left - zs.avail_in);
        if (rc == Z_MEM_ERROR)
            st = pts_err_nomem("zlib inflate window", 32768);
        else if (rc == Z_BUF_ERROR)
            st = fail_entry(a, e, at, "deflate data is truncated (%llu compressed bytes)",
                            (unsigned long long)e->csize);
        else
            st = fail_entry(a, e, at, "invalid deflate data (%s)", zs.msg ? zs.msg : "zlib error");
        goto done;
    }
    if (spilling && zs.avail_out == 0)
        st = too_long(a, e);
    else if (!spilling && (out_left > 0 || zs.avail_out > 0))
        st = fail_entry(a, e, e->data_off, "deflate data inflates to only %llu bytes, the central "
                                           "directory says %llu",
                        (unsigned long long)(e->usize - out_left - zs.avail_out),
                        (unsigned long long)e->usize);
done:
    inflateEnd(&zs);
    return st;
}

static pts_status read_deflated(pts_archive *a, entry *e, pts_blob *out)
{
    uint64_t bound = e->csize > (UINT64_MAX - RATIO_SLACK) / MAX_RATIO ? UINT64_MAX
                                                                       : e->csize * MAX_RATIO + RATIO_SLACK;
    if (e->usize > MAX_INFLATED || e->usize > bound || e->usize > SIZE_MAX - 1)
        return fail_entry(a, e, e->data_off, "implausible size: %llu bytes from %llu compressed "
                                             "(limits: 4 GiB, %ux + 1 MiB)",
                          (unsigned long long)e->usize, (unsigned long long)e->csize, MAX_RATIO);
    size_t n = (size_t)e->usize;
    uint8_t *buf = pts_malloc(n ? n : 1);
    pts_status st;
    if (!buf)
        return pts_err_nomem("inflated zip entry", n);
    if ((st = inflate_into(a, e, buf)) != PTS_OK || (st = check_crc(a, e, buf)) != PTS_OK)
        goto fail;
    out->data = buf;
    out->len = n;
    out->owned = buf;
    return PTS_OK;
fail:
    pts_free(buf);
    return st;
}

static const char *method_name(unsigned m)
{
    switch (m) {
    case 1: return "shrink";
    case 6: return "implode";
    case 9: return "deflate64";
    case 12: return "bzip2";
    case 14: return "LZMA";
    case 93: return "zstd";
    case 95: return "xz";
    case 99: return "AES encryption";
    default: return "unknown";
    }
}

pts_status pts_archive_read(pts_archive *a, const char *name, pts_blob *out)
{
    out->data = NULL;
    out->len = 0;
    out->owned = NULL;
    entry *e = lookup(a, name);
    if (!e)
        return no_record(a, name);
    if (e->method == METHOD_STORED)
        return read_stored(a, e, out);
    if (e->method == METHOD_DEFLATED)
        return read_deflated(a, e, out);
    return fail_entry(a, e, e->header_off, "unsupported compression method %u (%s); only 0 (stored) "
                                           "and 8 (deflate) are supported",
                      e->method, method_name(e->method));
}

void pts_blob_free(pts_blob *b)
{
    if (!b)
        return;
    pts_free(b->owned);
    b->data = NULL;
    b->len = 0;
    b->owned = NULL;
}
