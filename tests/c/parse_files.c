// Build (from the repository root), one line:
// gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -Icsrc csrc/core/*.c csrc/value/*.c csrc/tensor/*.c csrc/frontend/*.c tests/c/parse_files.c -lm -lpthread -o /tmp/parse_files
/* parse_files.c - parse and import every code file named on the command line.
 *
 * Use:  /tmp/parse_files [-v] code/__torch__/a.py ...   (exit 1 if any fails)
 *
 * Each file is parsed (pts_frontend_parse) and imported into its own unit
 * (pts_frontend_import_text, qualifier derived from the part of the path
 * after "code/"); -v prints the classes, functions and operators found.
 * tests/c/frontend_cases/gen.py drives this over real torch output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sb.h"
#include "frontend/arena.h"
#include "frontend/calls.h"
#include "frontend/import.h"
#include "frontend/parser.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = pts_malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap) {
            char *nb = pts_realloc(buf, cap * 2);
            if (!nb) {
                pts_free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

static pts_status print_op(void *ud, const char *op, const char *file, int line)
{
    (void)ud;
    printf("    op %s  (%s:%d)\n", op, file, line);
    return PTS_OK;
}

static int check_file(const char *path, int verbose)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        printf("FAIL %s: cannot read\n", path);
        return 0;
    }
    pts_arena *a = pts_arena_new();
    pts_ast_module *m;
    pts_status st = a ? pts_frontend_parse(a, path, text, len, &m) : PTS_ERR_NOMEM;
    pts_arena_free(a);
    if (st) {
        printf("FAIL %s: %s\n", path, pts_err_message());
        pts_free(text);
        return 0;
    }
    pts_cu *cu = pts_cu_new();
    if (!cu) {
        pts_free(text);
        return 0;
    }
    st = pts_frontend_import_text(cu, path, text, len, NULL);
    if (st) {
        printf("FAIL %s: import: %s\n", path, pts_err_message());
        pts_cu_release(cu);
        return 0;
    }
    printf("ok   %s (%d classes, %d functions)\n", path, cu->nclasses, cu->nfunctions);
    if (verbose) {
        for (int i = 0; i < cu->nclasses; i++) {
            pts_class *c = cu->classes[i];
            printf("  class %s kind=%d attrs=%d consts=%d methods=%d\n", c->qualname, (int)c->kind, c->nattrs,
                   c->nconsts, c->nmethods);
        }
        for (int i = 0; i < cu->nfunctions; i++)
            printf("  def %s\n", cu->functions[i]->qualname);
        if (pts_frontend_collect_calls(cu, print_op, NULL))
            printf("  collect_calls: %s\n", pts_err_message());
    }
    pts_cu_release(cu);
    return 1;
}

int main(int argc, char **argv)
{
    int verbose = 0, nfail = 0, nok = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
            continue;
        }
        if (check_file(argv[i], verbose))
            nok++;
        else
            nfail++;
    }
    printf("%d parsed, %d failed\n", nok, nfail);
    if (pts_alloc_live() != 0)
        printf("LEAK: %lld allocations still live\n", (long long)pts_alloc_live());
    return nfail || pts_alloc_live() != 0;
}
