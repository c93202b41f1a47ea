/* pyts-run - the C command-line runner, doing what the PyTorch tutorial's
 * C++ example-app does: load a TorchScript archive, print "ok", run forward
 * on an input of ones and print the first five values of the output.
 *
 *   pyts-run model.pt                       load, print ok
 *   pyts-run model.pt --ones 1,3,224,224    ... and run forward(ones)
 *   pyts-run --info model.pt                module tree, parameters, methods, operators
 *                                           (and the unsupported ones: op at code/ line)
 *
 * Exit codes: 0 ok, 1 the model failed to load or run, 2 bad usage.
 * Uses the public header only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyts.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: pyts-run [--info] [--threads N] model.pt [--ones D0,D1,...] [--method NAME]\n");
}

static int parse_dims(const char *s, int64_t *dims, int *nd)
{
    *nd = 0;
    while (*s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s || v < 0 || *nd >= 16)
            return -1;
        dims[(*nd)++] = v;
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return *nd > 0 ? 0 : -1;
}

typedef struct stats {
    long long ptensors, pvalues, pbytes, btensors, bbytes;
} stats;

static void walk(const pyts_value *obj, const char *name, int depth, int max_depth, stats *st)
{
    int n = pyts_object_attr_count(obj), nparams = 0;
    for (int i = 0; i < n; i++) {
        int flags = 0;
        const char *an = pyts_object_attr_name(obj, i, &flags);
        if (!(flags & 3))
            continue;
        pyts_value *t;
        if (pyts_object_attr(obj, an, &t) != PYTS_OK)
            continue;
        if (pyts_value_kind(t) == PYTS_TENSOR) {
            long long bytes = (long long)pyts_tensor_numel(t) * pyts_tensor_itemsize(t);
            if (flags & 1) {
                st->ptensors++;
                st->pvalues += pyts_tensor_numel(t);
                st->pbytes += bytes;
                nparams++;
            } else {
                st->btensors++;
                st->bbytes += bytes;
            }
        }
        pyts_value_free(t);
    }
    if (depth <= max_depth) {
        const char *cls = pyts_object_class(obj);
        const char *short_name = strrchr(cls, '.');
        printf("%*s%s%s%s", 2 * depth, "", name, *name ? ": " : "", short_name ? short_name + 1 : cls);
        if (nparams)
            printf("  (%d param tensors)", nparams);
        printf("\n");
    }
    for (int i = 0; i < n; i++) {
        int flags = 0;
        const char *an = pyts_object_attr_name(obj, i, &flags);
        if (!(flags & 4))
            continue;
        pyts_value *child;
        if (pyts_object_attr(obj, an, &child) == PYTS_OK) {
            walk(child, an, depth + 1, max_depth, st);
            pyts_value_free(child);
        }
    }
}

static int print_op(void *ud, const char *op, const char *file, int line)
{
    int *n = ud;
    printf("  %-40s %s:%d\n", op, file, line);
    (*n)++;
    return 0;
}

static int info(pyts_module *m, const char *path)
{
    pyts_value *root;
    if (pyts_module_root(m, &root) != PYTS_OK) {
        fprintf(stderr, "pyts-run: %s\n", pyts_errmsg());
        return 1;
    }
    printf("file: %s\nfile version: %lld\nroot: %s\nmodule tree:\n", path, (long long)pyts_module_file_version(m),
           pyts_object_class(root));
    stats st = {0, 0, 0, 0, 0};
    walk(root, "", 1, 3, &st);
    printf("parameters: %lld tensors, %lld values, %lld bytes\n", st.ptensors, st.pvalues, st.pbytes);
    printf("buffers: %lld tensors, %lld bytes\n", st.btensors, st.bbytes);
    printf("methods:");
    for (int i = 0; i < pyts_object_method_count(root); i++)
        printf(" %s", pyts_object_method_name(root, i));
    printf("\noperators called (first use):\n");
    int nops = 0;
    if (pyts_module_called_ops(m, print_op, &nops) != PYTS_OK) {
        fprintf(stderr, "pyts-run: %s\n", pyts_errmsg());
        pyts_value_free(root);
        return 1;
    }
    printf("%d operators\n", nops);
    /* ops pyts lacks: the module loaded; a call reaching one of these fails */
    int nun = pyts_module_unsupported_count(m);
    printf("unsupported operators: %d\n", nun);
    for (int i = 0; i < nun; i++) {
        const char *op, *file;
        int line;
        if (pyts_module_unsupported_op(m, i, &op, &file, &line) == PYTS_OK)
            printf("  %s at %s:%d\n", op, file, line);
    }
    for (int i = 0; i < pyts_module_extra_count(m); i++) {
        const char *name;
        const void *data;
        size_t len;
        if (pyts_module_extra_file(m, i, &name, &data, &len) == PYTS_OK)
            printf("extra file: %s (%zu bytes)\n", name, len);
    }
    pyts_value_free(root);
    return 0;
}

static void print_values(const pyts_value *out)
{
    if (pyts_value_kind(out) != PYTS_TENSOR) {
        printf("(output is not a tensor)\n");
        return;
    }
    int nd = pyts_tensor_ndim(out);
    const int64_t *sz = pyts_tensor_sizes(out);
    const int64_t *str = pyts_tensor_strides(out);
    int dt = pyts_tensor_dtype(out);
    /* output.slice(1, 0, 5) of the first row, like the tutorial */
    int64_t n = nd >= 2 ? sz[1] : nd == 1 ? sz[0] : 1;
    int64_t step = nd >= 2 ? str[1] : nd == 1 ? str[0] : 1;
    if (n > 5)
        n = 5;
    const char *data = pyts_tensor_data(out);
    for (int64_t i = 0; i < n; i++) {
        double x = 0;
        if (dt == PYTS_FLOAT32)
            x = ((const float *)data)[i * step];
        else if (dt == PYTS_FLOAT64)
            x = ((const double *)data)[i * step];
        else if (dt == PYTS_INT64)
            x = (double)((const int64_t *)data)[i * step];
        printf("%s%.4f", i ? " " : "", x);
    }
    /* torch's C++ printout names the type like CPUFloatType */
    const char *tname = dt == PYTS_FLOAT32 ? "Float" : dt == PYTS_FLOAT64 ? "Double" : dt == PYTS_INT64 ? "Long"
                                                                                                           : pyts_dtype_name(dt);
    printf("\n[ CPU%sType{", tname);
    if (nd >= 2)
        printf("%lld,%lld", (long long)sz[0], (long long)n);
    else
        printf("%lld", (long long)n);
    printf("} ]\n");
}

int main(int argc, char **argv)
{
    const char *path = NULL, *ones = NULL, *method = "forward";
    int want_info = 0, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--info"))
            want_info = 1;
        else if (!strcmp(argv[i], "--ones") && i + 1 < argc)
            ones = argv[++i];
        else if (!strcmp(argv[i], "--method") && i + 1 < argc)
            method = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || path) {
            usage(stderr);
            return 2;
        } else
            path = argv[i];
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    int64_t dims[16];
    int nd = 0;
    if (ones && parse_dims(ones, dims, &nd) < 0) {
        fprintf(stderr, "pyts-run: bad --ones shape '%s' (expected e.g. 1,3,224,224)\n", ones);
        return 2;
    }
    if (threads > 0 && pyts_set_num_threads(threads) != PYTS_OK) {
        fprintf(stderr, "pyts-run: %s\n", pyts_errmsg());
        return 2;
    }
    pyts_module *m;
    if (pyts_load(path, &m) != PYTS_OK) {
        fprintf(stderr, "error loading the model\n%s\n", pyts_errmsg());
        return 1;
    }
    printf("ok\n");
    int rc = 0;
    if (want_info)
        rc = info(m, path);
    if (!rc && ones) {
        pyts_value *input = NULL, *out = NULL;
        if (pyts_tensor_ones(nd, dims, &input) != PYTS_OK ||
            pyts_module_run(m, method, 1, &input, &out) != PYTS_OK) {
            fprintf(stderr, "pyts-run: %s\n", pyts_errmsg());
            rc = 1;
        } else {
            print_values(out);
        }
        pyts_value_free(input);
        pyts_value_free(out);
    }
    pyts_module_free(m);
    return rc;
}
