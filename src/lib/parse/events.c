/* Events files: which grammar, and what a row means. */
#include "parse/events.h"
#include "util/str.h"
#include "util/timeparse.h"

#include <strings.h>

bool gmx_event_kind_parse(gmx_str s, gmx_event_kind *kind)
{
    for (unsigned i = 0; i < GMX_EVENT_KINDS; i++) {
        const char *name = gmx_event_kind_name((gmx_event_kind)i);
        if (s.n == strlen(name) && strncasecmp(s.p, name, s.n) == 0) {
            *kind = (gmx_event_kind)i;
            return true;
        }
    }
    return false;
}

gmx_code gmx_event_from_row(const char *name, uint64_t line, gmx_str time, gmx_str kind,
                            gmx_str description, gmx_event *ev, gmx_error *err)
{
    time = gmx_str_trim(time);
    kind = gmx_str_trim(kind);
    ev->line = line;
    ev->description = gmx_str_trim(description);
    if (!gmx_event_kind_parse(kind, &ev->kind)) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, line,
                                     "unknown event kind \"%.*s\" (expected release, config, ops, dependency "
                      "or platform)",
                                     (int)(kind.n > 40 ? 40 : kind.n), kind.p);
    }
    if (!gmx_parse_time(time, &ev->time_ns)) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, line,
                                     "unparseable time \"%.*s\" (expected RFC 3339, YYYY-MM-DD HH:MM:SS or "
                      "Unix seconds/milliseconds)",
                                     (int)(time.n > 40 ? 40 : time.n), time.p);
    }
    return GMX_OK;
}

gmx_code gmx_event_emit(const char *name, gmx_event_fn fn, void *ctx, const gmx_event *ev,
                        gmx_error *err)
{
    int rc = fn ? fn(ctx, ev) : 0;
    if (!rc)
        return GMX_OK;
    return gmx_error_set_at_line(err, (gmx_code)rc, name, ev->line, "cannot keep this event: %s",
                                 gmx_code_name((gmx_code)rc));
}

gmx_code gmx_events_scan(const char *name, const void *data, size_t len, gmx_event_fn fn,
                         void *ctx, gmx_error *err)
{
    gmx_str s = gmx_str_trim(gmx_str_make(data, len));
    if (s.n && s.p[0] == '[')
        return gmx_events_scan_json(name, data, len, fn, ctx, err);
    return gmx_events_scan_csv(name, data, len, fn, ctx, err);
}
