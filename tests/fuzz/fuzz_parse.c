/* fuzz_parse.c - libFuzzer target for the lexer, parser, class import and
 * compiler (csrc/frontend/, csrc/interp/compile.c).
 *
 * Input: the text of a code/ file.  It is parsed (lexer + parser into an
 * arena), imported into a fresh compilation unit (classes, attributes,
 * constants, methods), its operator calls are listed, and every method and
 * function is compiled to bytecode (pts_interp_check_ops).  Nothing is run.
 * Seeds: corpus/fuzz_parse (code/ files of real archives and the frontend
 * test cases).  Dictionary: torchscript.dict.
 */
#include "fuzz_common.h"

#include "frontend/arena.h"
#include "frontend/calls.h"
#include "frontend/import.h"
#include "frontend/parser.h"
#include "interp/run_api.h"
#include "ops/registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pts_ops_init() != PTS_OK) {
        fprintf(stderr, "fuzz_parse: op registry: %s\n", pts_err_message());
        exit(1);
    }
    pts_set_memory_limit(FUZZ_MEMORY_LIMIT);
    return 0;
}

static pts_status count_call(void *ud, const char *op, const char *file, int line)
{
    FUZZ_CHECK(op && op[0] && file && line >= 0, "bad call record");
    ++*(int *)ud;
    return PTS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    int64_t live = pts_alloc_live();
    const char *path = "code/__torch__/fz.py";

    /* 1. parse alone */
    pts_arena *arena = pts_arena_new();
    FUZZ_CHECK(arena != NULL, "arena");
    pts_ast_module *m = NULL;
    pts_status st = pts_frontend_parse(arena, path, (const char *)data, size, &m);
    fuzz_check_status(st);
    int ncalls = 0;
    if (st == PTS_OK)
        fuzz_check_status(pts_frontend_collect_calls_module(m, count_call, &ncalls));
    pts_arena_free(arena);

    /* 2. import into a unit, then compile every method and function */
    char *text = pts_malloc(size + 1);
    FUZZ_CHECK(text != NULL, "malloc");
    memcpy(text, data, size);
    text[size] = 0;
    pts_cu *cu = pts_cu_new();
    FUZZ_CHECK(cu != NULL, "cu");
    st = pts_frontend_import_text(cu, path, text, size, "__torch__.fz");
    fuzz_check_status(st);
    if (st == PTS_OK) {
        fuzz_check_status(pts_frontend_collect_calls(cu, count_call, &ncalls));
        pts_missing_op *missing = NULL;
        int nmissing = 0;
        st = pts_interp_check_ops(cu, &missing, &nmissing);
        fuzz_check_status(st);
        for (int i = 0; i < nmissing; i++)
            FUZZ_CHECK(missing[i].op && missing[i].op[0] && missing[i].file && missing[i].line > 0, "empty missing-op entry");
        pts_interp_free_missing(missing, nmissing);
    }
    pts_cu_release(cu);
    fuzz_check_no_leak(live, "fuzz_parse");
    return 0;
}
