/* Shared by the two events grammars (events_csv.c, events_json.c): turning
 * a row's three texts into a gmx_event and reporting what is wrong. */
#ifndef GMX_PARSE_EVENTS_H
#define GMX_PARSE_EVENTS_H

#include "gomemdx/events.h"

/* Fills ev from the row's texts; on a bad time or kind sets err (naming
 * name and line) and returns GMX_EFORMAT. */
gmx_code gmx_event_from_row(const char *name, uint64_t line, gmx_str time, gmx_str kind,
                            gmx_str description, gmx_event *ev, gmx_error *err);

/* Calls fn; a nonzero result becomes an error at line. */
gmx_code gmx_event_emit(const char *name, gmx_event_fn fn, void *ctx, const gmx_event *ev,
                        gmx_error *err);

gmx_code gmx_events_scan_csv(const char *name, const void *data, size_t len, gmx_event_fn fn,
                             void *ctx, gmx_error *err);
gmx_code gmx_events_scan_json(const char *name, const void *data, size_t len, gmx_event_fn fn,
                              void *ctx, gmx_error *err);

#endif
