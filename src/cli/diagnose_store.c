/* diagnose --store FILE --target T: a watched target's stored captures,
 * exported to a scratch folder the bundle then reads, and its sampled
 * history (the rise before the failure). */
#include "diagnose_store.h"
#include "gomemdx/watch.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void store_history_release(store_history *h)
{
    if (h->dir[0])
        nftw(h->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    gmx_store_samples_free(h->samples);
    gmx_store_close(h->store);
    memset(h, 0, sizeof(*h));
}

static gmx_code export_captures(store_history *h, int64_t target, gmx_error *err)
{
    gmx_store_capture_info *caps = NULL;
    size_t n = 0;
    gmx_code rc = gmx_store_list_captures(h->store, target, &caps, &n, err);
    for (size_t i = 0; rc == GMX_OK && i < n; i++) {
        char sub[sizeof(h->dir) + 32];
        snprintf(sub, sizeof(sub), "%s/capture-%lld", h->dir, (long long)caps[i].id);
        rc = gmx_watch_export_capture(h->store, caps[i].id, sub, err);
    }
    h->captures = n;
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
    if (rc == GMX_OK) {
        const char *tmp = getenv("TMPDIR");
        snprintf(h->dir, sizeof(h->dir), "%s/gomemdx-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(h->dir)) {
            h->dir[0] = '\0';
            rc = gmx_error_set(err, GMX_EIO, "cannot make a scratch folder for the captures");
        }
    }
    if (rc == GMX_OK)
        rc = export_captures(h, id, err);
    if (rc != GMX_OK)
        store_history_release(h);
    return rc;
}
