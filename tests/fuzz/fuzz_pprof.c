/* Fuzz target: profile.proto bytes (raw or gzipped) through what
 * `gomemdx top` runs: gunzip (capped small), decode and validate, read
 * every sample, top with and without the profile as its own base, and both
 * renderers. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void top(const gmx_profile *p, const gmx_ptop_options *o)
{
    gmx_error err;
    gmx_ptop *t;
    if (gmx_ptop_compute(p, o, &t, &err) != GMX_OK)
        return;
    char *out;
    size_t len;
    if (gmx_render_ptop_text(t, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_ptop_json(t, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    gmx_ptop_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_error err;
    gmx_input *in;
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK)
        return 0;
    if (gmx_input_gunzip(&in, (size_t)16 << 20, &err) != GMX_OK) {
        gmx_input_free(in);
        return 0;
    }
    gmx_profile *p;
    if (gmx_profile_decode(in, &p, &err) != GMX_OK)
        return 0;
    gmx_ptop_options o;
    gmx_ptop_options_init(&o);
    top(p, &o);
    o.cum_sort = true;
    o.node_count = 3;
    o.focus = "main";
    o.ignore = "runtime";
    o.base = p;
    top(p, &o);
    gmx_profile_free(p);
    return 0;
}
