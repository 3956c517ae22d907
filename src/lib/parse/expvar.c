/* /debug/vars (expvar), docs/formats.md §6.2: a JSON object whose "memstats"
 * member is a runtime.MemStats with Go field names. Read with libjansson
 * from a size-bounded input (jansson also bounds nesting depth). */
#include "gomemdx/metrics.h"
#include "parse/memstats.h"
#include "util/str.h"

#include <jansson.h>
#include <string.h>

bool gmx_metrics_expvar_sniff(const void *data, size_t len)
{
    gmx_str s = gmx_str_trim(gmx_str_make(data, len));
    return s.n && s.p[0] == '{' && len <= GMX_METRICS_MAX_JSON &&
           memmem(s.p, s.n, "\"memstats\"", 10) != NULL;
}

/* A JSON number as a non-negative integer, or false. */
static bool unsigned_value(const json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1.8e19) {
        *out = (uint64_t)json_real_value(v);
        return true;
    }
    return false;
}

static void read_memstats(json_t *ms, gmx_memstats *m)
{
    const char *key;
    json_t *value;
    json_object_foreach(ms, key, value) {
        uint64_t *slot = gmx_memstats_field(m, gmx_str_cstr(key));
        if (slot && unsigned_value(value, slot))
            m->present = true;
    }
}

static void read_goroutines(const json_t *root, gmx_msample *out)
{
    static const char *const names[] = { "goroutines", "NumGoroutine", "num_goroutine" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (unsigned_value(json_object_get(root, names[i]), &out->goroutines)) {
            out->has_goroutines = true;
            return;
        }
    }
}

gmx_code gmx_metrics_expvar_parse(const char *name, const void *data, size_t len,
                                  gmx_msample *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > GMX_METRICS_MAX_JSON) {
        return gmx_error_set_at_line(err, GMX_ELIMIT, name, 0, "expvar JSON larger than %zu MiB",
                                     GMX_METRICS_MAX_JSON >> 20);
    }
    json_error_t je;
    json_t *root = json_loadb(data, len, 0, &je);
    if (!root) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, je.line > 0 ? (uint64_t)je.line : 1,
                                     "invalid JSON: %s", je.text);
    }
    gmx_code rc = GMX_OK;
    json_t *ms = json_object_get(root, "memstats");
    if (!json_is_object(ms)) {
        rc = gmx_error_set_at_line(err, GMX_EFORMAT, name, 1,
                                   "no \"memstats\" object (not a /debug/vars page)");
    } else {
        read_memstats(ms, &out->mem);
        read_goroutines(root, out);
    }
    json_decref(root);
    return rc;
}
