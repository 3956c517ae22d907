/* Fuzz target: URLs read as go tool pprof reads them (gmx_url_resolve):
 * any bytes, never out of bounds, and what comes out holds together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomemdx/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 3 * GMX_URL_MAX)
        return 0;
    char *url = malloc(size + 1);
    if (!url)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0';
    static gmx_url_target u;
    gmx_error err;
    const char *paths[] = { "/debug/pprof/heap", "/debug/pprof/goroutine?debug=2", "" };
    for (size_t i = 0; i < 3; i++) {
        if (gmx_url_resolve(url, paths[i], &u, &err) != GMX_OK)
            continue;
        /* Resolved: an http(s) URL under its service, with a host name. */
        if (!gmx_url_is_http(u.url) || !u.name[0] || strlen(u.url) >= GMX_URL_MAX ||
            strncmp(u.url, u.base, strlen(u.base)) != 0 || u.seconds < 0 || u.seconds > 3600)
            abort();
    }
    free(url);
    return 0;
}
