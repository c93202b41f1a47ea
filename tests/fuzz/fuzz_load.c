/* fuzz_load.c - libFuzzer target for loading a whole archive
 * (container -> pickle -> frontend -> compiler, csrc/load/loader.c).
 *
 * Input: the bytes of a .pt file.  It is loaded as pyts.load does
 * (pts_load_buffer), the module tree is walked (every tensor's extent is
 * touched), every code/ file is imported and every method compiled.
 * Methods are not run (fuzz_run does that, on fixed models): a mutated
 * `while True:` would only be a hang.  In the fuzzing build the zip reader
 * ignores CRC-32 mismatches, so mutations inside records reach the
 * unpickler and the parser.
 * Seeds: corpus/fuzz_load (archives saved by torch 2.x and 1.13).
 */
#include "fuzz_common.h"

#include "load/loader.h"
#include "interp/run_api.h"
#include "ops/registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pts_ops_init() != PTS_OK) {
        fprintf(stderr, "fuzz_load: op registry: %s\n", pts_err_message());
        exit(1);
    }
    pts_set_memory_limit(FUZZ_MEMORY_LIMIT);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t live = pts_alloc_live();
    pts_loaded *l = NULL;
    pts_status st = pts_load_buffer(data, size, "fuzz.pt", &l);
    fuzz_check_status(st);
    if (st == PTS_OK) {
        FUZZ_CHECK(l != NULL && (l->root.tag == PTS_T_OBJECT || l->pt2), "loaded without a root object");
        fuzz_walk(l->root, 0);
        fuzz_walk(l->cu->constants, 0);
        for (int i = 0; i < l->nextra; i++)
            FUZZ_CHECK(l->extra[i].name != NULL && (l->extra[i].len == 0 || l->extra[i].data), "extra file");
        st = pts_loader_import_all(l);
        fuzz_check_status(st);
        if (st == PTS_OK) {
            pts_missing_op *missing = NULL;
            int nmissing = 0;
            fuzz_check_status(pts_interp_check_ops(l->cu, &missing, &nmissing));
            pts_interp_free_missing(missing, nmissing);
        }
        pts_loaded_free(l);
    } else {
        FUZZ_CHECK(l == NULL, "failed load returned a module");
    }
    fuzz_check_no_leak(live, "fuzz_load");
    return 0;
}
