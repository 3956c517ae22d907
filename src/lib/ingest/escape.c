/* Ingest for escape-analysis logs: a path into a set of heap sites. */
#include "gomemdx/escape.h"
#include "gomemdx/input.h"

static int add_site(void *ctx, const gmx_esc_site *site)
{
    return (int)gmx_escape_set_add(ctx, site);
}

gmx_code gmx_escape_set_load(gmx_escape_set *s, const char *path, gmx_esc_info *info,
                             gmx_error *err)
{
    gmx_input *in;
    gmx_code rc = gmx_input_open(path, &in, err);
    if (rc != GMX_OK)
        return rc;
    rc = gmx_input_decompress(&in, 0, err);
    if (rc == GMX_OK)
        rc = gmx_escape_parse(gmx_input_name(in), gmx_input_data(in), gmx_input_size(in),
                              add_site, s, info, err);
    if (rc == GMX_ENOMEM)
        gmx_error_set(err, rc, "out of memory reading %s", path);
    gmx_input_free(in);
    return rc;
}
