#include "cli.h"
#include "binary_arg.h"

#include <string.h>

int cli_load_binary(const char *path, cli_binary *out)
{
    memset(out, 0, sizeof(*out));
    if (!path)
        return EXIT_OK;
    gmx_error err = { 0 };
    gmx_code rc = gmx_input_open(path, &out->input, &err);
    if (rc == GMX_OK)
        rc = gmx_binary_open(path, gmx_input_data(out->input), gmx_input_size(out->input),
                             &out->binary, &err);
    if (rc != GMX_OK) {
        cli_binary_release(out);
        return cli_report_error(&err);
    }
    return EXIT_OK;
}

void cli_binary_release(cli_binary *b)
{
    gmx_binary_free(b->binary);
    gmx_input_free(b->input);
    memset(b, 0, sizeof(*b));
}
