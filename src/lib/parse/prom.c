/* The Prometheus text exposition format, docs/formats.md §6.3, line by line:
 *
 *   # HELP go_goroutines Number of goroutines that currently exist.
 *   # TYPE go_goroutines gauge
 *   go_goroutines 42
 *   go_gc_duration_seconds{quantile="0.5"} 2.1e-05 1795657135000
 *
 * name, optional {labels} (quoted values with \" escapes), value (a float,
 * NaN or ±Inf), optional millisecond timestamp. */
#include "gomemdx/metrics.h"
#include "parse/memstats.h"
#include "util/cursor.h"
#include "util/num.h"

#include <string.h>

typedef struct sample {
    gmx_str name;
    bool has_labels;
    bool finite;
    double value;
    bool has_time;
    int64_t time_ms;
} sample;

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

static size_t scan_name(gmx_str s)
{
    size_t i = 0;
    while (i < s.n && name_char(s.p[i], i == 0))
        i++;
    return i;
}

/* s[*i] is '{': moves past the matching '}'; false when unterminated. */
static bool skip_labels(gmx_str s, size_t *i, bool *nonempty)
{
    bool quoted = false;
    for (size_t k = *i + 1; k < s.n; k++) {
        char c = s.p[k];
        if (quoted && c == '\\')
            k++;
        else if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '}') {
            *nonempty = k > *i + 1;
            *i = k + 1;
            return true;
        }
    }
    return false;
}

/* The next run of non-blank bytes after blanks. */
static gmx_str next_token(gmx_str s, size_t *i)
{
    while (*i < s.n && (s.p[*i] == ' ' || s.p[*i] == '\t'))
        (*i)++;
    size_t start = *i;
    while (*i < s.n && s.p[*i] != ' ' && s.p[*i] != '\t')
        (*i)++;
    return gmx_str_sub(s, start, *i);
}

static bool parse_value(gmx_str v, sample *out)
{
    out->finite = false;
    if (gmx_str_eq_cstr(v, "NaN") || gmx_str_eq_cstr(v, "+Inf") ||
        gmx_str_eq_cstr(v, "-Inf") || gmx_str_eq_cstr(v, "Inf"))
        return true;
    out->finite = gmx_parse_f64(v, &out->value);
    return out->finite;
}

static const char *parse_sample(gmx_str line, sample *out)
{
    memset(out, 0, sizeof(*out));
    size_t i = scan_name(line);
    if (!i)
        return "malformed sample (expected a metric name)";
    out->name = gmx_str_sub(line, 0, i);
    if (i < line.n && line.p[i] == '{' && !skip_labels(line, &i, &out->has_labels))
        return "unterminated label set";
    if (i < line.n && line.p[i] != ' ' && line.p[i] != '\t')
        return "malformed sample (expected a space after the name)";
    if (!parse_value(next_token(line, &i), out))
        return "malformed sample value";
    gmx_str ts = next_token(line, &i);
    if (ts.n && !(out->has_time = gmx_parse_i64(ts, &out->time_ms)))
        return "malformed timestamp (expected milliseconds)";
    if (next_token(line, &i).n)
        return "unexpected text after the timestamp";
    return NULL;
}

static void apply(const sample *s, gmx_msample *out)
{
    if (s->has_time && s->time_ms > INT64_MIN / 1000000 && s->time_ms < INT64_MAX / 1000000 &&
        s->time_ms * 1000000 > out->time_ns)
        out->time_ns = s->time_ms * 1000000;
    if (s->has_labels || !s->finite || s->value < 0 || s->value >= 1.8e19)
        return;
    if (gmx_str_eq_cstr(s->name, "go_goroutines")) {
        out->has_goroutines = true;
        out->goroutines = (uint64_t)(s->value + 0.5);
        return;
    }
    double unit;
    uint64_t *slot = gmx_memstats_prom_field(&out->mem, s->name, &unit);
    if (slot && s->value * unit < 1.8e19) {
        *slot = (uint64_t)(s->value * unit + 0.5);
        out->mem.present = true;
    }
}

bool gmx_metrics_prom_sniff(const void *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < 4096 ? len : 4096);
    gmx_str line;
    while (gmx_cursor_next(&c, &line)) {
        line = gmx_str_trim(line);
        if (!line.n)
            continue;
        sample s;
        return gmx_str_starts(line, "# HELP ") || gmx_str_starts(line, "# TYPE ") ||
               (gmx_str_starts(line, "go_") && parse_sample(line, &s) == NULL);
    }
    return false;
}

gmx_code gmx_metrics_prom_parse(const char *name, const void *data, size_t len,
                                gmx_msample *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    uint64_t samples = 0;
    while (gmx_cursor_next(&c, &line)) {
        line = gmx_str_trim(line);
        if (!line.n || line.p[0] == '#')
            continue;
        sample s;
        const char *msg = parse_sample(line, &s);
        if (msg) {
            return gmx_error_set_at_line(err, GMX_EFORMAT, name, c.line, "%s", msg);
        }
        apply(&s, out);
        samples++;
    }
    if (!samples) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 1,
                                     "no samples (not a Prometheus metrics page)");
    }
    return GMX_OK;
}
