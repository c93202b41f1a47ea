/* fuzz_pt2.c - libFuzzer target for torch.export archives (.pt2,
 * csrc/load/pt2.c): the zip, models/model.json (jansson), the weights and
 * constants payload configs, the signature, the pytree specs, the node
 * targets and their arguments.
 *
 * Input: the bytes of a .pt2 file, loaded as pyts.load does (pts_load_buffer).
 * On success every state tensor's extent is touched, and when the program's
 * inputs are plain positional tensors it is run once on zeros of the sizes the
 * export saw (unless it holds a while_loop, which may run without end as in
 * torch: without loops, and with tensor memory capped, a run is bounded); any
 * failure must be a clean status.  In the fuzzing build the zip
 * reader ignores CRC-32 mismatches, so byte mutations inside model.json reach
 * the JSON reader.
 * Seeds: corpus/fuzz_pt2 (archives saved by torch.export.save of torch 2.14,
 * written by make_pt2_seeds.py, and of torch 2.6-2.13 from
 * tests/data/pt2_versions).
 */
#include "fuzz_common.h"

#include "load/loader.h"
#include "ops/registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pts_ops_init() != PTS_OK) {
        fprintf(stderr, "fuzz_pt2: op registry: %s\n", pts_err_message());
        exit(1);
    }
    pts_set_memory_limit(FUZZ_MEMORY_LIMIT);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t live = pts_alloc_live();
    pts_loaded *l = NULL;
    pts_status st = pts_load_buffer(data, size, "fuzz.pt2", &l);
    fuzz_check_status(st);
    if (st != PTS_OK) {
        FUZZ_CHECK(l == NULL, "failed load returned a module");
        fuzz_check_no_leak(live, "fuzz_pt2");
        return 0;
    }
    if (l->pt2) {
        pts_value state;
        st = pts_pt2_state(l->pt2, &state);
        fuzz_check_status(st);
        if (st == PTS_OK) {
            fuzz_walk(state, 0);
            pts_value_release(state);
        }
        int nargs = 0;
        pts_value *args = NULL;
        st = PTS_ERR_UNSUPPORTED;
        if (!pts_pt2_has_loop(l->pt2)) {
            st = pts_pt2_zero_inputs(l->pt2, &nargs, &args);
            fuzz_check_status(st);
        }
        if (st == PTS_OK) {
            pts_value out = pts_none();
            st = pts_pt2_run(l->pt2, nargs, args, 0, NULL, NULL, &out);
            fuzz_check_status(st);
            if (st == PTS_OK)
                fuzz_walk(out, 0);
            pts_value_release(out);
            for (int i = 0; i < nargs; i++)
                pts_value_release(args[i]);
            pts_free(args);
        }
    }
    pts_loaded_free(l);
    fuzz_check_no_leak(live, "fuzz_pt2");
    return 0;
}
