/* fuzz_zip.c - libFuzzer target for the zip reader (csrc/container/).
 *
 * Input: the bytes of a .pt file.  Opens it as an archive, lists every
 * record, reads each one (stored: zero-copy with bounds; deflated: inflated
 * with size/ratio checks), looks records up by name, and releases it.
 * Seeds: corpus/fuzz_zip (real archives saved by torch).
 */
#include "fuzz_common.h"

#include "container/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t live = pts_alloc_live();
    pts_archive *a = NULL;
    pts_status st = pts_archive_open_buffer(data, size, &a);
    fuzz_check_status(st);
    if (st == PTS_OK) {
        const char *prefix = pts_archive_prefix(a);
        FUZZ_CHECK(prefix != NULL, "no prefix");
        int64_t n = pts_archive_count(a);
        FUZZ_CHECK(n >= 0, "negative count");
        FUZZ_CHECK(pts_archive_name(a, n) == NULL && pts_archive_name(a, -1) == NULL, "name out of range");
        for (int64_t i = 0; i < n && i < 4096; i++) {
            const char *name = pts_archive_name(a, i);
            FUZZ_CHECK(name != NULL, "record %lld has no name", (long long)i);
            FUZZ_CHECK(pts_archive_has(a, name), "record '%s' listed but not found", name);
            uint64_t off = 0, sz = 0;
            int method = -1;
            fuzz_check_status(pts_archive_entry_offset(a, name, &off, &sz, &method));
            pts_blob b;
            st = pts_archive_read(a, name, &b);
            fuzz_check_status(st);
            if (st == PTS_OK) {
                FUZZ_CHECK(b.data != NULL, "read '%s' gave NULL data", name);
                if (b.len) { /* ASan checks the whole extent */
                    volatile uint8_t x = b.data[0];
                    x ^= b.data[b.len - 1];
                    (void)x;
                }
                pts_blob_free(&b);
            } else {
                FUZZ_CHECK(b.data == NULL && b.len == 0, "failed read left data");
            }
        }
        FUZZ_CHECK(!pts_archive_has(a, "no/such/record"), "phantom record");
        pts_archive_release(a);
    } else {
        FUZZ_CHECK(a == NULL, "failed open returned an archive");
    }
    fuzz_check_no_leak(live, "fuzz_zip");
    return 0;
}
