/* What the goroutine fuzz targets share: a parsed snapshot through the rest
 * of `gomemdx goroutines` (analysis over time, both renderers). */
#ifndef GMX_FUZZ_GOROUTINES_H
#define GMX_FUZZ_GOROUTINES_H

#include "gomemdx/analyze.h"
#include "gomemdx/report.h"

static inline void fuzz_analyse_and_render(const gmx_gsnapshot *snap, size_t times)
{
    gmx_error err;
    gmx_findings *f = gmx_findings_new();
    gmx_goroutine_options opts = { .include_healthy = true };
    /* The same snapshot twice exercises the over-time path too. */
    gmx_gsnapshot two[2] = { *snap, *snap };
    if (f && gmx_analyze_goroutines(two, times < 2 ? times : 2, &opts, f, &err) == GMX_OK) {
        gmx_render_options ro = { .show_healthy = true };
        char *out;
        size_t len;
        if (gmx_render_text(f, &ro, &out, &len, &err) == GMX_OK)
            gmx_render_free(out);
        if (gmx_render_json(f, &ro, &out, &len, &err) == GMX_OK)
            gmx_render_free(out);
    }
    gmx_findings_free(f);
}

#endif
