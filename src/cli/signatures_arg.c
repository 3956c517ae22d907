#include "cli.h"
#include "signatures_arg.h"
#include "gomemdx/input.h"

int cli_load_signatures(const char *path, gmx_signatures **out)
{
    gmx_error err = { 0 };
    gmx_signatures *s = gmx_signatures_new();
    gmx_code rc = s ? GMX_OK : gmx_error_set(&err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK && path) {
        gmx_input *in = NULL;
        rc = gmx_input_open(path, &in, &err);
        if (rc == GMX_OK)
            rc = gmx_signatures_parse(s, path, gmx_input_data(in), gmx_input_size(in), &err);
        gmx_input_free(in);
    }
    if (rc == GMX_OK)
        rc = gmx_signatures_add_builtin(s, &err);
    if (rc != GMX_OK) {
        gmx_signatures_free(s);
        return cli_report_error(&err);
    }
    *out = s;
    return EXIT_OK;
}
