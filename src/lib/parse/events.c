/* Events files: which grammar, and what a row means. */
#include "parse/events.h"
#include "util/str.h"
#include "util/timeparse.h"

#include <strings.h>

static const char *const kind_names[] = { "release", "config", "ops", "dependency", "platform" };
#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *gmx_event_kind_name(gmx_event_kind kind)
{
    return (unsigned)kind < NKINDS ? kind_names[kind] : "?";
}

const char *gmx_event_kind_name_zh(gmx_event_kind kind)
{
    static const char *const zh[NKINDS] = { "发布", "配置变更", "运营侧变更", "依赖方变更", "基础平台变更" };
    return (unsigned)kind < NKINDS ? zh[kind] : "?";
}

bool gmx_event_kind_parse(gmx_str s, gmx_event_kind *kind)
{
    for (size_t i = 0; i < NKINDS; i++) {
        if (s.n == strlen(kind_names[i]) && strncasecmp(s.p, kind_names[i], s.n) == 0) {
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
