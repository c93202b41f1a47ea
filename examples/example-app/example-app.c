/* example-app.c - the PyTorch tutorial's C++ example-app ("Loading a
 * TorchScript Model in C++"), rewritten in C against pyts's public header.
 *
 *   example-app <path-to-exported-script-module> [D0,D1,...]
 *
 * Loads the module, prints "ok", runs forward on ones(1, 3, 224, 224) (or the
 * given shape) and prints the first five values of the output's second
 * dimension, as the tutorial does with output.slice(1, 0, 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyts.h>

int main(int argc, const char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: example-app <path-to-exported-script-module> [D0,D1,...]\n");
        return -1;
    }
    pyts_module *module;
    if (pyts_load(argv[1], &module) != PYTS_OK) {
        fprintf(stderr, "error loading the model\n%s\n", pyts_errmsg());
        return -1;
    }
    printf("ok\n");

    int64_t sizes[8] = {1, 3, 224, 224};
    int ndim = 4;
    if (argc > 2) {
        ndim = 0;
        for (const char *p = argv[2]; *p && ndim < 8;) {
            sizes[ndim++] = strtoll(p, (char **)&p, 10);
            if (*p == ',')
                p++;
        }
    }
    pyts_value *input, *output;
    if (pyts_tensor_ones(ndim, sizes, &input) != PYTS_OK ||
        pyts_module_run(module, "forward", 1, &input, &output) != PYTS_OK) {
        fprintf(stderr, "error running the model\n%s\n", pyts_errmsg());
        pyts_module_free(module);
        return -1;
    }
    const float *data = pyts_tensor_data(output);
    const int64_t *osizes = pyts_tensor_sizes(output), *ostrides = pyts_tensor_strides(output);
    int onum = pyts_tensor_ndim(output);
    int64_t n = onum >= 2 ? osizes[1] : osizes[0], step = onum >= 2 ? ostrides[1] : ostrides[0];
    if (n > 5)
        n = 5;
    for (int64_t i = 0; i < n; i++)
        printf("%s%.4f", i ? " " : "", data[i * step]);
    printf("\n[ CPUFloatType{1,%lld} ]\n", (long long)n);
    pyts_value_free(output);
    pyts_value_free(input);
    pyts_module_free(module);
    return 0;
}
