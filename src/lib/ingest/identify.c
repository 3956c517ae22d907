/* One file named by the bundle's own recognition, so that there is one way
 * to tell a dump from a profile from a core file. */
#include "gomemdx/bundle.h"

#include <stdio.h>
#include <string.h>

gmx_code gmx_bundle_identify(const char *path, gmx_identity *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    gmx_bundle_options opts = { .keep_skipped = true };
    gmx_bundle *b;
    gmx_code rc = gmx_bundle_load(&path, 1, &opts, &b, err);
    if (rc != GMX_OK)
        return rc;
    const gmx_artifact *a = gmx_bundle_at(b, 0);
    /* an archive's artifacts are its members, "PATH:MEMBER" */
    if (a && strcmp(a->path, path) != 0)
        out->archive_members = gmx_bundle_count(b);
    if (a) {
        out->kind = a->kind;
        out->elf = a->elf;
        out->heap_text = a->heap_text;
        if (a->kind != GMX_ART_SKIPPED && a->format)
            snprintf(out->format, sizeof(out->format), "%s", a->format);
    }
    gmx_bundle_free(b);
    return GMX_OK;
}
