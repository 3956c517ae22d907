/* The store side of `gomemdx diagnose --store FILE --target T`. */
#ifndef GMX_CLI_DIAGNOSE_STORE_H
#define GMX_CLI_DIAGNOSE_STORE_H

#include "gomemdx/metrics.h"
#include "gomemdx/store.h"
#include "gomemdx/watch.h"

typedef struct store_history {
    gmx_store *store;
    gmx_msample *samples;     /* the target's sampled history, oldest first */
    size_t nsamples;
    gmx_capture_buffers captures; /* the files of its captures, for the bundle */
    size_t ncaptures;
} store_history;

/* Opens the store, finds the target (id or URL), reads its history and
 * its captures' files into memory. */
gmx_code store_history_load(const char *path, const char *target, store_history *h,
                            gmx_error *err);
/* Frees everything. */
void store_history_release(store_history *h);

#endif
