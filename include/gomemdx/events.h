/* Events around an incident (diagnose --events FILE): releases, config and
 * operations changes with their times, from a small CSV or JSON file:
 *
 *   time,kind,description                     (columns in any order)
 *   2026-11-26T01:30:00Z,release,"promo v2.3, eligibility from uploads"
 *
 *   [{"time": "2026-11-26 01:30:00", "kind": "ops", "description": "..."}]
 *
 * Times: RFC 3339 (Z or ±hh:mm, optional fraction), "YYYY-MM-DD HH:MM:SS"
 * (UTC), or Unix seconds / milliseconds (a number or a string). */
#ifndef GOMEMDX_EVENTS_H
#define GOMEMDX_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"

typedef enum {
    GMX_EVENT_RELEASE,
    GMX_EVENT_CONFIG,
    GMX_EVENT_OPS,
    GMX_EVENT_DEPENDENCY,
    GMX_EVENT_PLATFORM
} gmx_event_kind;

typedef struct gmx_event {
    int64_t time_ns;         /* Unix ns, UTC */
    gmx_event_kind kind;
    gmx_str description;
    uint64_t line;           /* where the row (CSV) or object (JSON) starts */
} gmx_event;

/* Limits: rows kept, and bytes of one CSV line or JSON object. */
#define GMX_EVENTS_MAX 100000
#define GMX_EVENTS_MAX_RECORD ((size_t)64 << 10)

#define GMX_EVENT_KINDS 5

/* "release", "config", "ops", "dependency", "platform": the vocabulary every
 * stage shares (the grammar reads it, analyses and renderers write it), so
 * it lives here rather than in any one module. */
static inline const char *gmx_event_kind_name(gmx_event_kind kind)
{
    static const char *const names[GMX_EVENT_KINDS] = { "release", "config", "ops",
                                                        "dependency", "platform" };
    return (unsigned)kind < GMX_EVENT_KINDS ? names[kind] : "?";
}
/* The kind named by s (ASCII case ignored); false when unknown. */
bool gmx_event_kind_parse(gmx_str s, gmx_event_kind *kind);

/* Return nonzero to stop the scan; that value is returned (a gmx_code). */
typedef int (*gmx_event_fn)(void *ctx, const gmx_event *ev);

/* Reads an events file (JSON when its first non-blank byte is '[', CSV
 * otherwise) and calls fn per event in file order; ev->description is
 * valid only during the call. An unknown kind, an unparseable time or a
 * malformed row is GMX_EFORMAT naming the line. */
gmx_code gmx_events_scan(const char *name, const void *data, size_t len, gmx_event_fn fn,
                         void *ctx, gmx_error *err);

/* The events of a file, sorted by time (ties keep file order). Owns copies
 * of the descriptions. */
typedef struct gmx_events gmx_events;

gmx_code gmx_events_parse(const char *name, const void *data, size_t len, gmx_events **out,
                          gmx_error *err);
size_t gmx_events_count(const gmx_events *e);
const gmx_event *gmx_events_at(const gmx_events *e, size_t i);
void gmx_events_free(gmx_events *e);

#endif
