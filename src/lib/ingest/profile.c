/* Reading a pprof profile: load, gunzip when compressed, decode. */
#include "gomemdx/input.h"
#include "gomemdx/profile.h"

gmx_code gmx_profile_open(const char *path, size_t max_decompressed, gmx_profile **out,
                          gmx_error *err)
{
    *out = NULL;
    gmx_input *in;
    gmx_code rc = gmx_input_open(path, &in, err);
    if (rc != GMX_OK)
        return rc;
    if ((rc = gmx_input_gunzip(&in, max_decompressed, err)) != GMX_OK) {
        gmx_input_free(in);
        return rc;
    }
    return gmx_profile_decode(in, out, err);
}
