/* diagnose --store FILE --target T: a watched target's stored captures,
 * read in memory as the bundle's buffers (named store:capture-ID/FILE and
 * timed by their capture), and its sampled history (the rise before the
 * failure). */
#include "diagnose_store.h"

#include <string.h>

void store_history_release(store_history *h)
{
    gmx_capture_buffers_release(&h->captures);
    gmx_store_samples_free(h->samples);
    gmx_store_close(h->store);
    memset(h, 0, sizeof(*h));
}

static gmx_code read_captures(store_history *h, int64_t target, gmx_error *err)
{
    gmx_store_capture_info *caps = NULL;
    size_t n = 0;
    gmx_code rc = gmx_store_list_captures(h->store, target, &caps, &n, err);
    for (size_t i = 0; rc == GMX_OK && i < n; i++)
        rc = gmx_watch_capture_buffers(h->store, caps[i].id, caps[i].time_ns, "store:",
                                       &h->captures, err);
    h->ncaptures = n;
    gmx_store_captures_free(caps, n);
    return rc;
}

gmx_code store_history_load(const char *path, const char *target, store_history *h,
                            gmx_error *err)
{
    memset(h, 0, sizeof(*h));
    gmx_code rc = gmx_store_open(path, GMX_STORE_READ, &h->store, err);
    int64_t id = 0;
    if (rc == GMX_OK)
        rc = gmx_store_find_target(h->store, target, &id, err);
    if (rc == GMX_OK)
        rc = gmx_store_samples(h->store, id, 0, &h->samples, &h->nsamples, err);
    if (rc == GMX_OK)
        rc = read_captures(h, id, err);
    if (rc != GMX_OK)
        store_history_release(h);
    return rc;
}
