/* watch --listen: the HTML report of a watched target, rendered from the
 * store for each request (its captures diagnosed with its sampled history),
 * or a page that waits for the first capture. */
#ifndef GMX_CLI_WATCH_PAGE_H
#define GMX_CLI_WATCH_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/signatures.h"

typedef struct watch_page {
    const char *store_path;
    const char *target;                 /* the URL as watched */
    uint64_t limit_bytes;
    const gmx_signatures *signatures;
    unsigned refresh_seconds;
} watch_page;

/* A gmx_serve_page_fn; ctx is a watch_page. */
gmx_code watch_page_render(void *ctx, char **page, size_t *len, gmx_error *err);

#endif
