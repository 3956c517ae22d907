/* How `gomemdx watch` shows what happens: a live view redrawn in place
 * when stdout is a terminal (per target: sparklines of goroutines and heap,
 * the top suspect, the last capture), plain timestamped lines otherwise. */
#ifndef GMX_CLI_WATCH_VIEW_H
#define GMX_CLI_WATCH_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/watch.h"

typedef struct watch_view watch_view;

/* once: one sample of each target (--once): a failure is final, not
 * retried, and says so. */
watch_view *watch_view_new(const char *const *urls, size_t n, bool live, bool once,
                           const char *store);
void watch_view_free(watch_view *v);
/* How many targets answered with a sample. */
size_t watch_view_targets_up(const watch_view *v);
/* The gmx_watch_fn: ctx is the view. */
void watch_view_event(void *ctx, const gmx_watch_event *ev);

#endif
