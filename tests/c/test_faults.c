/* test_faults.c - the out-of-memory loop through the public C API.
 *
 * For every committed model of tests/fuzz/models (loaded from its path, so
 * through mmap, and from a buffer) and N = 1, 2, ...: the Nth allocation
 * fails (pts_alloc_fail_after), then pyts_load + forward on ones.  Every
 * failure must be a status with a message (PYTS_ERR_NOMEM in practice); and
 * after each N the engine's live allocations and the process's open file
 * descriptors must be back to their baseline, and no mapping of the archive
 * may remain (a failure path that forgets munmap or close shows here, not in
 * the allocation counter).  Under the ASan build LeakSanitizer checks the rest.
 * The loop ends at the first N the whole load + forward does not reach.
 *
 * Run from the repository root (ctest does).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "pyts.h"

#define CHECK_MAX_REPORTS 30
#include "check.h"

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* Mappings of the file `name` (e.g. "smallnet_traced.pt") in /proc/self/maps. */
static int count_maps(const char *name)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int n = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n += strstr(line, name) != NULL;
    fclose(f);
    return n;
}

/* Shapes of forward's tensor arguments (models/NAME.args: "T d0 d1 ..." or "i v"). */
typedef struct arg {
    int is_int;
    int ndim;
    int64_t v[8];
} arg;

static int read_args(const char *path, arg *args, int cap)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int n = 0;
    if (!f)
        return -1;
    while (n < cap && fgets(line, sizeof line, f)) {
        char *p = line + 1;
        if (line[0] != 'T' && line[0] != 'i')
            continue;
        args[n].is_int = line[0] == 'i';
        args[n].ndim = 0;
        for (char *end; args[n].ndim < 8; p = end) {
            long long x = strtoll(p, &end, 10);
            if (end == p)
                break;
            args[n].v[args[n].ndim++] = x;
        }
        n++;
    }
    fclose(f);
    return n;
}

/* load + forward once; returns the status (0 = ok). */
static int attempt(const char *path, const void *buf, size_t len, const arg *args, int nargs)
{
    pyts_module *m = NULL;
    int st = buf ? pyts_load_buffer(buf, len, &m) : pyts_load(path, &m);
    if (st != PYTS_OK) {
        CHECK(m == NULL, "failed load returned a module");
        return st;
    }
    pyts_value *in[8] = {NULL}, *out = NULL;
    for (int i = 0; i < nargs && st == PYTS_OK; i++)
        st = args[i].is_int ? ((in[i] = pyts_value_new_int(args[i].v[0])) ? PYTS_OK : PYTS_ERR_NOMEM)
                            : pyts_tensor_ones(args[i].ndim, args[i].v, &in[i]);
    if (st == PYTS_OK)
        st = pyts_module_run(m, "forward", nargs, in, &out);
    for (int i = 0; i < nargs; i++)
        pyts_value_free(in[i]);
    pyts_value_free(out);
    pyts_module_free(m);
    return st;
}

static void loop(const char *name, int from_buffer)
{
    char path[512], apath[512];
    snprintf(path, sizeof path, "tests/fuzz/models/%s.pt", name);
    snprintf(apath, sizeof apath, "tests/fuzz/models/%s.args", name);
    arg args[8];
    int nargs = read_args(apath, args, 8);
    CHECK(nargs >= 0, "no %s", apath);
    void *buf = NULL;
    size_t len = 0;
    if (from_buffer) {
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL, "open %s", path);
        if (!f)
            return;
        fseek(f, 0, SEEK_END);
        len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc(len);
        CHECK(fread(buf, 1, len, f) == len, "read %s", path);
        fclose(f);
    }
    CHECK(attempt(path, buf, len, args, nargs) == PYTS_OK, "%s: warm-up: %s", name, pyts_errmsg());
    int64_t live = pts_alloc_live();
    char file[300];
    snprintf(file, sizeof file, "/%s.pt", name);
    int fds = count_entries("/proc/self/fd");
    int n = 1, nomem = 0, other = 0, ok = 0;
    for (;; n++) {
        int64_t before = pts_alloc_count();
        pts_alloc_fail_after(n);
        int st = attempt(path, buf, len, args, nargs);
        pts_alloc_fail_after(0);
        int64_t used = pts_alloc_count() - before;
        if (st == PYTS_OK)
            ok++;
        else if (st == PYTS_ERR_NOMEM)
            nomem++;
        else
            other++;
        CHECK(st == PYTS_OK || pyts_errmsg()[0], "%s N=%d: status %d without a message", name, n, st);
        CHECK(pts_alloc_live() == live, "%s N=%d: %lld allocations leaked", name, n,
              (long long)(pts_alloc_live() - live));
        CHECK(count_entries("/proc/self/fd") == fds, "%s N=%d: a file descriptor leaked", name, n);
        CHECK(count_maps(file) == 0, "%s N=%d: the archive is still mapped", name, n);
        live = pts_alloc_live();
        if (used < n)
            break;
    }
    printf("%-18s %-6s N reached %4d: %d out of memory, %d other errors, %d absorbed\n", name,
           from_buffer ? "buffer" : "path", n, nomem, other, ok);
    free(buf);
}

int main(void)
{
    DIR *d = opendir("tests/fuzz/models");
    if (!d) {
        fprintf(stderr, "run from the repository root: no tests/fuzz/models\n");
        return 1;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".pt") == 0) {
            names[n] = malloc(len - 2);
            memcpy(names[n], e->d_name, len - 3);
            names[n][len - 3] = 0;
            n++;
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        loop(names[i], 0);
        loop(names[i], 1);
        free(names[i]);
    }
    return check_summary();
}
