// test_archive.c - tests of the zip reader (csrc/container/archive.c).
//
// Build and run from the repository root:
//   gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc csrc/core/*.c csrc/container/*.c tests/c/test_archive.c -lz -o /tmp/test_archive && /tmp/test_archive
//
/* A small zip writer below builds archives the way torch.jit.save does
 * (flags 0x0808, zero sizes in local headers, data descriptors, "FB" padding
 * to 64 bytes, zip64 end records) plus variants (zip64 extra fields, no
 * padding, comments).  The reader is then checked on good archives, on
 * crafted bad ones, and on every truncation, byte flip and absurd number we
 * can write into the headers: each must open cleanly or fail with
 * PTS_ERR_LOAD, reads of an opened one must succeed or fail with
 * PTS_ERR_LOAD, and nothing may leak.  Every .pt file in tests/data is
 * also read.
 * The last line printed is "N passed, N failed"; the exit status is nonzero
 * on failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "container/archive.h"
#include "container/crc32.h"
#include "core/alloc.h"
#include "core/error.h"

#if !defined(__STDC_NO_THREADS__)
#include <threads.h>
#endif

#define CHECK_DETAIL() printf("\n  last error: %s", pts_err_message())
#include "check.h"

/* ---- a growable byte buffer ---------------------------------------------- */

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

static void put(buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) {
            printf("test out of memory\n");
            exit(2);
        }
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put16(buf *b, uint32_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}

static void put32(buf *b, uint32_t v)
{
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}

static void put64(buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

static void poke(uint8_t *p, uint64_t v, int width)
{
    for (int i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- the zip writer ------------------------------------------------------ */

typedef struct zent {
    const char *name;
    const void *data;
    size_t len;
    int method; /* 0 stored, 8 deflated, anything else: stored bytes, method field set */
} zent;

typedef struct zopts {
    bool zip64_eocd;  /* zip64 end record + locator (torch always writes them) */
    bool zip64_extra; /* sizes/offsets only in zip64 extra fields of central headers */
    bool no_pad;      /* no "FB" padding extra field */
    const char *comment;
} zopts;

#define MAX_ENT 16

typedef struct zinfo {
    size_t local[MAX_ENT];   /* local header offsets */
    size_t central[MAX_ENT]; /* central header offsets */
    size_t data[MAX_ENT];    /* data offsets */
    size_t cd_off, eocd64, locator, eocd, len;
} zinfo;

static const zopts TORCH = {true, false, false, NULL};

static size_t deflate_raw(const void *src, size_t n, uint8_t **out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(2);
    size_t cap = deflateBound(&zs, (uLong)n) + 16;
    *out = malloc(cap);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)n;
    zs.next_out = *out;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        exit(2);
    size_t got = zs.total_out;
    deflateEnd(&zs);
    return got;
}

/* Write entries into a new malloc'd buffer; *info gets the offsets. */
static uint8_t *build_zip(const zent *ents, int n, const zopts *o, zinfo *info)
{
    buf b = {0};
    uint32_t crc[MAX_ENT];
    size_t csize[MAX_ENT];
    memset(info, 0, sizeof *info);
    for (int i = 0; i < n; i++) {
        const zent *e = &ents[i];
        uint8_t *packed = NULL;
        const void *payload = e->data;
        size_t nlen = strlen(e->name), plen = e->len;
        if (e->method == 8)
            plen = deflate_raw(e->data, e->len, &packed), payload = packed;
        crc[i] = (uint32_t)crc32(0, e->data, (uInt)e->len);
        csize[i] = plen;
        info->local[i] = b.len;
        size_t pad = (64 - (b.len + 30 + nlen + 4) % 64) % 64;
        put32(&b, 0x04034b50);
        put16(&b, e->method == 8 ? 20 : 0);
        put16(&b, 0x0808);
        put16(&b, (uint32_t)e->method);
        put32(&b, 0); /* time, date */
        put32(&b, 0);
        put32(&b, 0);
        put32(&b, 0);
        put16(&b, (uint32_t)nlen);
        put16(&b, o->no_pad ? 0 : (uint32_t)(4 + pad));
        put(&b, e->name, nlen);
        if (!o->no_pad) {
            put(&b, "FB", 2);
            put16(&b, (uint32_t)pad);
            for (size_t k = 0; k < pad; k++)
                put(&b, "Z", 1);
        }
        info->data[i] = b.len;
        put(&b, payload, plen);
        put32(&b, 0x08074b50); /* data descriptor */
        put32(&b, crc[i]);
        put32(&b, (uint32_t)plen);
        put32(&b, (uint32_t)e->len);
        free(packed);
    }
    info->cd_off = b.len;
    for (int i = 0; i < n; i++) {
        const zent *e = &ents[i];
        size_t nlen = strlen(e->name);
        info->central[i] = b.len;
        put32(&b, 0x02014b50);
        put16(&b, 0x031E);
        put16(&b, o->zip64_extra ? 45 : e->method == 8 ? 20 : 0);
        put16(&b, 0x0808);
        put16(&b, (uint32_t)e->method);
        put32(&b, 0);
        put32(&b, crc[i]);
        put32(&b, o->zip64_extra ? 0xFFFFFFFFu : (uint32_t)csize[i]);
        put32(&b, o->zip64_extra ? 0xFFFFFFFFu : (uint32_t)e->len);
        put16(&b, (uint32_t)nlen);
        put16(&b, o->zip64_extra ? 28 : 0);
        put16(&b, 0); /* comment, disk, internal attributes */
        put16(&b, 0);
        put16(&b, 0);
        put32(&b, 0);
        put32(&b, o->zip64_extra ? 0xFFFFFFFFu : (uint32_t)info->local[i]);
        put(&b, e->name, nlen);
        if (o->zip64_extra) {
            put16(&b, 0x0001);
            put16(&b, 24);
            put64(&b, e->len);
            put64(&b, csize[i]);
            put64(&b, info->local[i]);
        }
    }
    size_t cd_size = b.len - info->cd_off;
    if (o->zip64_eocd || o->zip64_extra) {
        info->eocd64 = b.len;
        put32(&b, 0x06064b50);
        put64(&b, 44);
        put16(&b, 0x031E);
        put16(&b, 45);
        put32(&b, 0);
        put32(&b, 0);
        put64(&b, (uint64_t)n);
        put64(&b, (uint64_t)n);
        put64(&b, cd_size);
        put64(&b, info->cd_off);
        info->locator = b.len;
        put32(&b, 0x07064b50);
        put32(&b, 0);
        put64(&b, info->eocd64);
        put32(&b, 1);
    }
    size_t clen = o->comment ? strlen(o->comment) : 0;
    info->eocd = b.len;
    put32(&b, 0x06054b50);
    put32(&b, 0);
    put16(&b, o->zip64_extra ? 0xFFFF : (uint32_t)n);
    put16(&b, o->zip64_extra ? 0xFFFF : (uint32_t)n);
    put32(&b, o->zip64_extra ? 0xFFFFFFFFu : (uint32_t)cd_size);
    put32(&b, o->zip64_extra ? 0xFFFFFFFFu : (uint32_t)info->cd_off);
    put16(&b, (uint32_t)clen);
    put(&b, o->comment ? o->comment : "", clen);
    info->len = b.len;
    return b.p;
}

/* ---- sample content ------------------------------------------------------ */

static const char PICKLE[] = "\x80\x02" "c__torch__\nM\nq\x00)\x81}q\x01X\x08\x00\x00\x00trainingq\x02\x88sb.";
static char CODE[2048];
static uint8_t TENSOR[16] = {0xfa, 0x2d, 0xdb, 0x3e, 0xc0, 0xe5, 0x31, 0xbc,
                             1, 2, 3, 4, 5, 6, 7, 8};

static void init_code(void)
{
    size_t o = 0;
    o += (size_t)snprintf(CODE + o, sizeof CODE - o, "class M(Module):\n  __parameters__ = []\n");
    for (int i = 0; o + 80 < sizeof CODE; i++)
        o += (size_t)snprintf(CODE + o, sizeof CODE - o, "  def f%d(self, x: Tensor) -> Tensor:\n"
                                                         "    return torch.add(x, %d)\n", i, i);
}

/* A torch-like archive: stored pickle, deflated code, tensor data, an empty
 * record, a deflated empty record, a version. */
#define N_SAMPLE 6
static void sample(zent *e, const char *prefix, char names[N_SAMPLE][64])
{
    static const char *rel[N_SAMPLE] = {"data.pkl", "code/__torch__.py", "data/0",
                                        "data/3", "code/empty.py", ".data/version"};
    for (int i = 0; i < N_SAMPLE; i++)
        snprintf(names[i], 64, "%s/%s", prefix, rel[i]);
    e[0] = (zent){names[0], PICKLE, sizeof PICKLE - 1, 0};
    e[1] = (zent){names[1], CODE, strlen(CODE), 8};
    e[2] = (zent){names[2], TENSOR, sizeof TENSOR, 0};
    e[3] = (zent){names[3], "", 0, 0};
    e[4] = (zent){names[4], "", 0, 8};
    e[5] = (zent){names[5], "3\n", 2, 0};
}

/* ---- helpers ------------------------------------------------------------- */

static bool msg_has(const char *s) { return strstr(pts_err_message(), s) != NULL; }

/* Open a buffer expecting failure with `st` and a message containing `want`. */
static bool open_fails(const uint8_t *p, size_t n, pts_status st, const char *want)
{
    pts_archive *a = (pts_archive *)1;
    int64_t live = pts_alloc_live();
    pts_status got = pts_archive_open_buffer(p, n, &a);
    bool ok = got == st && a == NULL && msg_has(want) && pts_alloc_live() == live;
    if (!ok)
        printf("  expected failure containing '%s', got status %d: %s\n", want, got, pts_err_message());
    if (got == PTS_OK)
        pts_archive_release(a);
    return ok;
}

/* Open, then read `name` expecting failure containing `want`. */
static bool read_fails(const uint8_t *p, size_t n, const char *name, const char *want)
{
    pts_archive *a;
    pts_blob b = {(const uint8_t *)1, 1, (void *)1};
    if (pts_archive_open_buffer(p, n, &a) != PTS_OK) {
        printf("  open failed: %s\n", pts_err_message());
        return false;
    }
    pts_status st = pts_archive_read(a, name, &b);
    bool ok = st == PTS_ERR_LOAD && b.data == NULL && b.owned == NULL && msg_has(want);
    if (!ok)
        printf("  expected read failure containing '%s', got %d: %s\n", want, st, pts_err_message());
    pts_blob_free(&b);
    pts_archive_release(a);
    return ok;
}

/* Open anything and read every record.  Allowed: open fails with
 * PTS_ERR_LOAD and a message naming the archive, or opens and every read
 * succeeds or fails with PTS_ERR_LOAD.  No leaks.  Returns true if so. */
static bool exercise(const uint8_t *p, size_t n, int *opened)
{
    int64_t live = pts_alloc_live();
    pts_archive *a = NULL;
    bool ok = true;
    pts_status st = pts_archive_open_buffer(p, n, &a);
    if (st != PTS_OK) {
        ok = st == PTS_ERR_LOAD && a == NULL && strncmp(pts_err_message(), "<buffer>: ", 10) == 0;
    } else {
        ++*opened;
        for (int64_t i = 0; i < pts_archive_count(a); i++) {
            const char *name = pts_archive_name(a, i);
            pts_blob b;
            if (!name || !pts_archive_has(a, name)) {
                ok = false;
                continue;
            }
            for (int rep = 0; rep < 2; rep++) {
                st = pts_archive_read(a, name, &b);
                if (st != PTS_OK && st != PTS_ERR_LOAD)
                    ok = false;
                if (st == PTS_OK && !b.data)
                    ok = false;
                pts_blob_free(&b);
            }
        }
        pts_archive_release(a);
    }
    if (pts_alloc_live() != live)
        ok = false;
    if (!ok)
        printf("  misbehaved on %zu bytes: status %d: %s\n", n, st, pts_err_message());
    return ok;
}

static bool blob_is(const pts_blob *b, const void *want, size_t n)
{
    return b->len == n && (n == 0 || memcmp(b->data, want, n) == 0);
}

/* ---- good archives ------------------------------------------------------- */

/* Check that the sample archive reads back exactly. */
static void check_sample(const uint8_t *z, size_t n, const char *prefix, bool aligned)
{
    zent e[N_SAMPLE];
    char names[N_SAMPLE][64];
    pts_archive *a;
    int64_t live = pts_alloc_live();
    sample(e, prefix, names);
    CHECK(pts_archive_open_buffer(z, n, &a) == PTS_OK);
    if (!a)
        return;
    CHECK(strcmp(pts_archive_prefix(a), prefix) == 0);
    CHECK(strcmp(pts_archive_path(a), "<buffer>") == 0);
    CHECK(pts_archive_count(a) == N_SAMPLE);
    CHECK(pts_archive_name(a, -1) == NULL && pts_archive_name(a, N_SAMPLE) == NULL);
    for (int i = 0; i < N_SAMPLE; i++) {
        const char *rel = names[i] + strlen(prefix) + 1;
        pts_blob b;
        uint64_t off = 0, size = 0;
        int method = -1;
        CHECK(strcmp(pts_archive_name(a, i), rel) == 0);
        CHECK(pts_archive_has(a, rel));
        CHECK(!pts_archive_has(a, names[i]));
        CHECK(pts_archive_entry_offset(a, rel, &off, &size, &method) == PTS_OK);
        CHECK(method == e[i].method);
        CHECK(!aligned || off % 64 == 0);
        CHECK(method != 0 || size == e[i].len);
        for (int rep = 0; rep < 2; rep++) {
            CHECK(pts_archive_read(a, rel, &b) == PTS_OK);
            CHECK(blob_is(&b, e[i].data, e[i].len));
            CHECK(b.data != NULL);
            CHECK(e[i].method == 0 ? b.owned == NULL : b.owned != NULL && b.owned == (void *)b.data);
            pts_blob_free(&b);
            CHECK(b.data == NULL && b.len == 0 && b.owned == NULL);
        }
    }
    pts_blob b;
    CHECK(pts_archive_read(a, "nope", &b) == PTS_ERR_KEY && msg_has("no record named 'nope'"));
    CHECK(b.data == NULL);
    CHECK(!pts_archive_has(a, "") && !pts_archive_has(a, "data") && !pts_archive_has(a, NULL));
    CHECK(pts_archive_entry_offset(a, "nope", NULL, NULL, NULL) == PTS_ERR_KEY);
    CHECK(pts_archive_entry_offset(a, "data.pkl", NULL, NULL, NULL) == PTS_OK);
    pts_archive_retain(a);
    pts_archive_release(a);
    CHECK(pts_archive_count(a) == N_SAMPLE); /* still alive */
    pts_archive_release(a);
    pts_archive_release(NULL);
    pts_blob_free(NULL);
    CHECK(pts_alloc_live() == live);
}

static void test_good(void)
{
    static const zopts variants[] = {
        {true, false, false, NULL},  /* torch */
        {false, false, false, NULL}, /* classic end record only */
        {false, false, true, NULL},  /* no padding */
        {true, false, false, "a comment with PK\x05\x06 inside"},
        {true, true, false, NULL},   /* zip64 extra fields, 0xFFFF.. in classic fields */
        {true, true, true, "c"},
    };
    zent e[N_SAMPLE];
    char names[N_SAMPLE][64];
    zinfo info;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        sample(e, v % 2 ? "my.model.v2" : "archive", names);
        uint8_t *z = build_zip(e, N_SAMPLE, &variants[v], &info);
        check_sample(z, info.len, v % 2 ? "my.model.v2" : "archive", !variants[v].no_pad);
        free(z);
    }
}

/* Directory entries are skipped; UTF-8 names are fine. */
static void test_dirs_and_utf8(void)
{
    zent e[4] = {{"m/", "", 0, 0}, {"m/code/", "", 0, 0}, {"m/data.pkl", "x", 1, 0},
                 {"m/extra/caf\xc3\xa9.json", "{}", 2, 8}};
    zinfo info;
    pts_archive *a;
    uint8_t *z = build_zip(e, 4, &TORCH, &info);
    CHECK(pts_archive_open_buffer(z, info.len, &a) == PTS_OK);
    if (a) {
        pts_blob b;
        CHECK(strcmp(pts_archive_prefix(a), "m") == 0);
        CHECK(pts_archive_count(a) == 2);
        CHECK(strcmp(pts_archive_name(a, 0), "data.pkl") == 0);
        CHECK(pts_archive_read(a, "extra/caf\xc3\xa9.json", &b) == PTS_OK && blob_is(&b, "{}", 2));
        pts_blob_free(&b);
        pts_archive_release(a);
    }
    free(z);
}

static void test_file(void)
{
    zent e[N_SAMPLE];
    char names[N_SAMPLE][64], path[64];
    zinfo info;
    pts_archive *a;
    snprintf(path, sizeof path, "/tmp/pts_test_archive_%d.pt", (int)getpid());
    sample(e, "pts_test", names);
    uint8_t *z = build_zip(e, N_SAMPLE, &TORCH, &info);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(z, 1, info.len, f) == info.len);
    if (f)
        fclose(f);
    CHECK(pts_archive_open_file(path, &a) == PTS_OK);
    if (a) {
        pts_blob b;
        CHECK(strcmp(pts_archive_path(a), path) == 0);
        CHECK(pts_archive_read(a, "data/0", &b) == PTS_OK && blob_is(&b, TENSOR, sizeof TENSOR));
        CHECK(b.owned == NULL && ((uintptr_t)b.data % 64) == 0); /* page-aligned map */
        pts_blob_free(&b);
        CHECK(pts_archive_read(a, "code/__torch__.py", &b) == PTS_OK && blob_is(&b, CODE, strlen(CODE)));
        pts_blob_free(&b);
        pts_archive_release(a);
    }
    a = (pts_archive *)1;
    CHECK(pts_archive_open_file("/nonexistent/x.pt", &a) == PTS_ERR_IO && a == NULL &&
          msg_has("/nonexistent/x.pt") && msg_has("cannot open"));
    CHECK(pts_archive_open_file("/tmp", &a) == PTS_ERR_IO && msg_has("not a regular file"));
    f = fopen(path, "wb");
    if (f)
        fclose(f);
    CHECK(pts_archive_open_file(path, &a) == PTS_ERR_LOAD && msg_has(path) &&
          msg_has("not a zip archive: no end-of-central-directory record"));
    remove(path);
    free(z);
}

/* ---- bad archives -------------------------------------------------------- */

static uint8_t *one(const char *name, int method, const zopts *o, zinfo *info)
{
    zent e[2] = {{"archive/data.pkl", PICKLE, sizeof PICKLE - 1, 0}, {name, CODE, strlen(CODE), method}};
    return build_zip(e, 2, o, info);
}

static void test_formats(void)
{
    uint8_t ptmf[64] = {0x14, 0, 0, 0, 'P', 'T', 'M', 'F'};
    uint8_t legacy[64] = "PYTORCH1";
    const char *text = "def forward(self, x):\n    return x\n";
    zinfo info;
    CHECK(open_fails(ptmf, sizeof ptmf, PTS_ERR_LOAD, "flatbuffer mobile module"));
    CHECK(open_fails(legacy, sizeof legacy, PTS_ERR_LOAD, "PYTORCH1"));
    CHECK(open_fails((const uint8_t *)text, strlen(text), PTS_ERR_LOAD,
                     "<buffer>: not a zip archive: no end-of-central-directory record"));
    CHECK(open_fails((const uint8_t *)"", 0, PTS_ERR_LOAD, "no end-of-central-directory record"));
    CHECK(open_fails(NULL, 0, PTS_ERR_LOAD, "no end-of-central-directory record"));
    uint8_t *z = one("archive/model.json", 0, &TORCH, &info);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "legacy TorchScript format (model.json"));
    free(z);
    /* An empty zip (just an end record). */
    uint8_t empty[22] = {0x50, 0x4b, 0x05, 0x06};
    CHECK(open_fails(empty, sizeof empty, PTS_ERR_LOAD, "no entries"));
    zent dir[1] = {{"m/", "", 0, 0}};
    z = build_zip(dir, 1, &TORCH, &info);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "no records"));
    free(z);
}

static void test_bad_names(void)
{
    static const struct {
        const char *name, *want;
    } cases[] = {
        {"other/code/x.py", "entry 'other/code/x.py' at offset"},
        {"other/code/x.py", "outside the archive prefix 'archive/'"},
        {"archivex/y", "outside the archive prefix"},
        {"archive", "outside the archive prefix"},
        {"archive/../../etc/passwd", "contains '..'"},
        {"archive/a..b", "'..'"},
        {"/archive/x", "absolute path"},
        {"archive//x", "empty path component"},
        {"archive/a\nb", "entry 'archive/a\\x0ab'"},
        {"archive/\xff\xfe", "not valid UTF-8"},
        {"archive/\xc0\xaf", "not valid UTF-8"},
        {"archive/data.pkl", "duplicate entry name"},
    };
    zinfo info;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *z = one(cases[i].name, 8, &TORCH, &info);
        CHECK(open_fails(z, info.len, PTS_ERR_LOAD, cases[i].want));
        free(z);
    }
    zent first[1] = {{"noslash", "x", 1, 0}};
    uint8_t *z = build_zip(first, 1, &TORCH, &info);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "not inside a top-level folder"));
    free(z);
}

/* Corrupt one field of the second entry (deflated code) of a good archive. */
static uint8_t *patched(const zopts *o, zinfo *info, size_t field, uint64_t v, int width)
{
    uint8_t *z = one("archive/code/__torch__.py", 8, o, info);
    poke(z + info->central[1] + field, v, width);
    return z;
}

static void test_bad_entries(void)
{
    zinfo info;
    const char *code = "code/__torch__.py";
    uint8_t *z;

    z = one("archive/code/bz.py", 12, &TORCH, &info);
    CHECK(read_fails(z, info.len, "code/bz.py", "unsupported compression method 12 (bzip2)"));
    CHECK(read_fails(z, info.len, "code/bz.py", "entry 'archive/code/bz.py' at offset"));
    CHECK(exercise(z, info.len, &(int){0}));
    free(z);

    z = patched(&TORCH, &info, 16, 0x12345678, 4); /* crc */
    CHECK(read_fails(z, info.len, code, "CRC-32 mismatch (stored 0x12345678, computed 0x"));
    free(z);

    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    z[info.data[0] + 3] ^= 0x20; /* stored data byte */
    {
        char want[128];
        snprintf(want, sizeof want, "<buffer>: entry 'archive/data.pkl' at offset %zu: CRC-32 mismatch",
                 info.data[0]);
        CHECK(read_fails(z, info.len, "data.pkl", want));
        CHECK(read_fails(z, info.len, "data.pkl", "CRC-32")); /* failure is not cached */
    }
    free(z);

    z = patched(&TORCH, &info, 24, strlen(CODE) - 1, 4); /* usize one short */
    CHECK(read_fails(z, info.len, code, "inflates to more than"));
    free(z);
    z = patched(&TORCH, &info, 24, strlen(CODE) + 1, 4); /* usize one long */
    CHECK(read_fails(z, info.len, code, "inflates to only"));
    free(z);
    z = patched(&TORCH, &info, 24, 0, 4);
    CHECK(read_fails(z, info.len, code, "inflates to more than the 0 bytes"));
    free(z);
    z = patched(&TORCH, &info, 24, 0xFFFFFFF0u, 4);
    CHECK(read_fails(z, info.len, code, "implausible size"));
    free(z);
    z = patched(&TORCH, &info, 20, 10, 4); /* csize short: truncated stream */
    CHECK(read_fails(z, info.len, code, "truncated"));
    free(z);
    z = patched(&TORCH, &info, 8, 0x0809, 2); /* encrypted */
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "encrypted"));
    free(z);

    /* Stored entry whose sizes disagree. */
    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    poke(z + info.central[0] + 24, 3, 4);
    CHECK(read_fails(z, info.len, "data.pkl", "stored entry has compressed size"));
    free(z);

    /* Corrupt deflate data. */
    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    z[info.data[1]] = 0xFF; /* block type 3: invalid */
    CHECK(read_fails(z, info.len, code, "invalid deflate data"));
    free(z);

    /* Zip64 extra field too short / missing. */
    static const zopts z64 = {true, true, false, NULL};
    z = patched(&z64, &info, 46 + strlen("archive/code/__torch__.py") + 2, 8, 2);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "zip64 extra field has 8 bytes, needs 24"));
    free(z);
    z = patched(&z64, &info, 46 + strlen("archive/code/__torch__.py"), 0x9999, 2);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "no zip64 extra field"));
    free(z);
    z = patched(&z64, &info, 46 + strlen("archive/code/__torch__.py") + 2, 200, 2);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "overruns"));
    free(z);

    /* Local header disagreeing with the central one. */
    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    z[info.local[1] + 30] = 'X';
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "local header names a different entry"));
    free(z);
    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    z[info.local[1]] = 'X';
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "bad local header signature"));
    free(z);
}

/* Absurd counts, sizes and offsets in the end records and headers. */
static void test_absurd(void)
{
    zinfo info;
    uint8_t *z;
    const uint64_t big = (uint64_t)1 << 62;

    z = one("archive/code/__torch__.py", 8, &(zopts){false, false, false, NULL}, &info);
    poke(z + info.eocd + 10, 0xFFFF, 2);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "entry count 65535 does not fit"));
    poke(z + info.eocd + 10, 2, 2);
    poke(z + info.eocd + 12, 0xFFFFFFF0u, 4);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "central directory (offset"));
    poke(z + info.eocd + 12, info.eocd - info.cd_off, 4);
    poke(z + info.eocd + 16, 0xFFFFFFF0u, 4);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "lies outside the file"));
    free(z);

    z = one("archive/code/__torch__.py", 8, &TORCH, &info);
    poke(z + info.eocd64 + 32, big, 8);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "does not fit"));
    poke(z + info.eocd64 + 32, 2, 8);
    poke(z + info.eocd64 + 40, UINT64_MAX, 8);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "outside the file"));
    poke(z + info.eocd64 + 40, info.eocd64 - info.cd_off, 8);
    poke(z + info.eocd64 + 48, UINT64_MAX - 5, 8);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "outside the file"));
    poke(z + info.eocd64 + 48, info.cd_off, 8);
    poke(z + info.locator + 8, UINT64_MAX, 8);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "locator points to offset"));
    poke(z + info.locator + 8, info.eocd64, 8);
    poke(z + info.eocd64 + 4, UINT64_MAX, 8);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "record size"));
    poke(z + info.eocd64 + 4, 44, 8);
    poke(z + info.central[1] + 42, 0xFFFFFFF0u, 4);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "local header offset is outside"));
    poke(z + info.central[1] + 42, info.local[1], 4);
    poke(z + info.central[1] + 20, 0x7FFFFFFF, 4);
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "runs past the start of the central directory"));
    poke(z + info.central[1] + 20, info.data[1] + 1, 4);
    poke(z + info.local[1] + 28, 0xFFFF, 2); /* local extra length */
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "runs past"));
    free(z);

    static const zopts z64 = {true, true, false, NULL};
    size_t x = 46 + strlen("archive/code/__torch__.py") + 4;
    z = patched(&z64, &info, x, (uint64_t)5 << 32, 8); /* usize 20 GiB */
    CHECK(read_fails(z, info.len, "code/__torch__.py", "implausible size"));
    free(z);
    z = patched(&z64, &info, x + 8, UINT64_MAX, 8); /* csize */
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "runs past"));
    free(z);
    z = patched(&z64, &info, x + 16, big, 8); /* header offset */
    CHECK(open_fails(z, info.len, PTS_ERR_LOAD, "local header offset is outside"));
    free(z);
}

/* ---- robustness sweeps --------------------------------------------------- */

static uint8_t *fuzz_base(int which, zinfo *info)
{
    static const zopts opts[] = {{true, false, false, NULL}, {true, true, false, NULL},
                                 {false, false, true, "xy"}};
    zent e[N_SAMPLE];
    static char names[N_SAMPLE][64];
    sample(e, "archive", names);
    e[1].len = 300; /* keep the files small: the sweeps are quadratic */
    return build_zip(e, N_SAMPLE, &opts[which], info);
}

/* Is byte i part of a header (not record data)? */
static bool in_header(const zinfo *info, size_t i, const zent *e, int n)
{
    (void)e;
    if (i >= info->cd_off)
        return true;
    for (int k = 0; k < n; k++)
        if (i >= info->local[k] && i < info->data[k])
            return true;
    return false;
}

static void test_truncate(void)
{
    for (int w = 0; w < 3; w++) {
        zinfo info;
        uint8_t *z = fuzz_base(w, &info);
        bool ok = true;
        int opened = 0;
        for (size_t n = 0; n < info.len; n++) {
            uint8_t *cut = malloc(n ? n : 1); /* exact size so ASan sees overreads */
            memcpy(cut, z, n);
            ok &= exercise(cut, n, &opened);
            free(cut);
        }
        CHECK(ok);
        CHECK(exercise(z, info.len, &opened) && opened >= 1);
        free(z);
    }
}

static void test_flip(void)
{
    static const uint8_t xors[] = {0x01, 0x80, 0xFF, 0x10};
    for (int w = 0; w < 3; w++) {
        zinfo info;
        uint8_t *z = fuzz_base(w, &info);
        bool ok = true;
        int opened = 0, tried = 0;
        for (size_t i = 0; i < info.len; i++) {
            bool hdr = in_header(&info, i, NULL, N_SAMPLE);
            for (size_t k = 0; k < sizeof xors; k++) {
                if (!hdr && k > 0)
                    continue; /* data bytes: one flip each is enough */
                z[i] ^= xors[k];
                ok &= exercise(z, info.len, &opened);
                z[i] ^= xors[k];
                tried++;
            }
        }
        CHECK(ok);
        CHECK(opened > 0 && opened < tried);
        free(z);
    }
}

/* Write 2/4/8-byte absurd values at every header offset. */
static void test_absurd_sweep(void)
{
    zinfo info;
    uint8_t *z = fuzz_base(0, &info);
    uint8_t *w = malloc(info.len);
    const uint64_t vals[] = {0, 0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0x7FFFFFFF,
                             info.len, info.len - 1, info.len + 1, 0xFFFFFFFEu};
    static const int widths[] = {2, 4, 8};
    bool ok = true;
    int opened = 0;
    for (size_t i = 0; i < info.len; i++) {
        if (!in_header(&info, i, NULL, N_SAMPLE))
            continue;
        for (size_t k = 0; k < 3; k++) {
            if (i + (size_t)widths[k] > info.len)
                continue;
            for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
                memcpy(w, z, info.len);
                poke(w + i, vals[v], widths[k]);
                ok &= exercise(w, info.len, &opened);
            }
        }
    }
    CHECK(ok);
    free(w);
    free(z);
}

/* Fail each allocation in turn: every failure is a clean PTS_ERR_NOMEM. */
static void test_alloc_failures(void)
{
    zinfo info;
    uint8_t *z = fuzz_base(0, &info);
    bool ok = true, finished = false;
    for (int64_t k = 1; k < 1000 && !finished; k++) {
        int64_t live = pts_alloc_live();
        pts_archive *a = NULL;
        pts_alloc_fail_after(k);
        pts_status st = pts_archive_open_buffer(z, info.len, &a);
        if (st == PTS_OK) {
            finished = true;
            for (int64_t i = 0; i < pts_archive_count(a); i++) {
                pts_blob b;
                pts_status rs = pts_archive_read(a, pts_archive_name(a, i), &b);
                if (rs == PTS_ERR_NOMEM)
                    finished = false;
                else if (rs != PTS_OK)
                    ok = false;
                pts_blob_free(&b);
            }
            pts_archive_release(a);
        } else if (st != PTS_ERR_NOMEM || a != NULL) {
            ok = false;
        }
        pts_alloc_fail_after(0);
        if (pts_alloc_live() != live)
            ok = false;
        if (!ok) {
            printf("  allocation failure %lld: status %d: %s\n", (long long)k, st, pts_err_message());
            break;
        }
    }
    CHECK(ok && finished);
    free(z);
}

/* ---- threads ------------------------------------------------------------- */

#if !defined(__STDC_NO_THREADS__)
static int reader(void *arg)
{
    pts_archive *a = arg;
    int bad = 0;
    for (int rep = 0; rep < 50; rep++)
        for (int64_t i = 0; i < pts_archive_count(a); i++) {
            pts_blob b;
            pts_archive_retain(a);
            bad += pts_archive_read(a, pts_archive_name(a, i), &b) != PTS_OK;
            pts_blob_free(&b);
            pts_archive_release(a);
        }
    return bad;
}

static void test_threads(void)
{
    zinfo info;
    uint8_t *z = fuzz_base(0, &info);
    pts_archive *a;
    thrd_t t[4];
    int bad = 0;
    CHECK(pts_archive_open_buffer(z, info.len, &a) == PTS_OK);
    for (int i = 0; i < 4; i++)
        CHECK(thrd_create(&t[i], reader, a) == thrd_success);
    for (int i = 0; i < 4; i++) {
        int r = 1;
        thrd_join(t[i], &r);
        bad += r;
    }
    CHECK(bad == 0);
    pts_archive_release(a);
    free(z);
}
#endif

/* ---- real files ---------------------------------------------------------- */

static void test_data_dir(void)
{
    DIR *d = opendir("tests/data");
    struct dirent *de;
    int files = 0;
    if (!d) {
        printf("  (tests/data not found: run from the repository root)\n");
        return;
    }
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        char path[1024];
        pts_archive *a;
        if (n < 3 || strcmp(de->d_name + n - 3, ".pt") != 0)
            continue;
        snprintf(path, sizeof path, "tests/data/%s", de->d_name);
        files++;
        pts_status st = pts_archive_open_file(path, &a);
        CHECK(st == PTS_OK);
        if (st != PTS_OK) {
            printf("  %s: %s\n", path, pts_err_message());
            continue;
        }
        bool ok = pts_archive_has(a, "data.pkl");
        for (int64_t i = 0; i < pts_archive_count(a); i++) {
            pts_blob b;
            if (pts_archive_read(a, pts_archive_name(a, i), &b) != PTS_OK) {
                printf("  %s: %s\n", path, pts_err_message());
                ok = false;
            }
            pts_blob_free(&b);
        }
        CHECK(ok);
        pts_archive_release(a);
    }
    closedir(d);
    printf("  read %d file(s) from tests/data\n", files);
}

/* pts_crc32 (carry-less multiply where the CPU has it) equals zlib's crc32 on random bytes:
 * every length 0..1100 (the short path, the fold loops' boundaries at 256, 64 and 16 bytes,
 * the tail), random lengths up to 1 MB at unaligned offsets, chained calls (a CRC continued
 * from a previous one), lengths of 2-9 MB (split over the thread pool and joined with
 * crc32_combine), and all-zero / all-one buffers.  CMake runs it twice: with the 512-bit
 * VPCLMULQDQ fold where the CPU has it, and with PYTS_CRC_ISA=clmul (the 128-bit one). */
static void test_crc32(void)
{
    size_t cap = (size_t)9 << 20;
    unsigned char *b = malloc(cap + 64);
    CHECK(b != NULL);
    if (!b)
        return;
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < cap + 64; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        b[i] = (unsigned char)(s >> 24);
    }
    int bad = 0;
    for (size_t n = 0; n <= 1100; n++) {
        size_t off = n % 61;
        uint32_t init = n % 3 ? (uint32_t)(s ^ n) : 0;
        if (pts_crc32(init, b + off, n) != (uint32_t)crc32(init, b + off, (uInt)n) ||
            pts_crc32_portable(init, b + off, n) != (uint32_t)crc32(init, b + off, (uInt)n))
            bad++;
    }
    for (int t = 0; t < 40; t++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        size_t n = (size_t)(s % ((size_t)1 << 20)), off = (size_t)((s >> 32) % 64);
        uint32_t whole = (uint32_t)crc32(0, b + off, (uInt)n);
        size_t cut = n / 3;
        if (pts_crc32(0, b + off, n) != whole || pts_crc32(pts_crc32(0, b + off, cut), b + off + cut, n - cut) != whole)
            bad++;
    }
    for (int t = 0; t < 8; t++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        size_t n = ((size_t)2 << 20) + (size_t)(s % ((size_t)7 << 20)), off = (size_t)((s >> 32) % 64);
        uint32_t init = t % 2 ? (uint32_t)s : 0;
        if (pts_crc32(init, b + off, n) != (uint32_t)crc32(init, b + off, (uInt)n))
            bad++;
    }
    memset(b, 0, cap);
    if (pts_crc32(0, b, cap) != (uint32_t)crc32(0, b, (uInt)cap))
        bad++;
    memset(b, 0xff, cap);
    if (pts_crc32(0, b, cap) != (uint32_t)crc32(0, b, (uInt)cap))
        bad++;
    CHECK(bad == 0, "%d CRC-32 mismatches against zlib (carry-less path in use: %d)", bad, pts_crc32_accelerated());
    free(b);
}

int main(void)
{
    test_crc32();
    init_code();
    int64_t live = pts_alloc_live();
    test_good();
    test_dirs_and_utf8();
    test_file();
    test_formats();
    test_bad_names();
    test_bad_entries();
    test_absurd();
    test_truncate();
    test_flip();
    test_absurd_sweep();
    test_alloc_failures();
#if !defined(__STDC_NO_THREADS__)
    test_threads();
#endif
    test_data_dir();
    CHECK(pts_alloc_live() == live);
    return check_summary();
}
