/* Rules in the manner of holmes (github.com/mosn/holmes): a metric must
 * reach a minimum, then fires on an absolute threshold, on a jump over the
 * mean of the previous window, or — what a leak looks like — on a steady
 * climb: grown trend% over the window with (almost) every step up. The
 * rules file is one statement a line, read with the shared cursor. */
#include "gomemdx/watch.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"
#include "util/timeparse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void gmx_watch_rules_default(gmx_watch_rules *r)
{
    memset(r, 0, sizeof(*r));
    r->goroutines = (gmx_watch_rule){ 200, 10000, 100, 50, 10, 0, 0 };
    r->heap = (gmx_watch_rule){ 64.0 * 1048576, 0, 100, 50, 10, 100, 8.0 * 1048576 };
    r->cooldown_ns = INT64_C(600) * 1000000000;
    r->budget_per_hour = 4;
}

static bool check_trend(const gmx_watch_rule *r, const double *v, size_t n, char *why,
                        size_t whysz)
{
    if (r->trend_pct <= 0 || n < r->window)
        return false;
    const double *w = v + n - r->window;
    unsigned ups = 0, steps = r->window - 1;
    for (unsigned i = 1; i < r->window; i++)
        ups += w[i] > w[i - 1];
    double grown = w[0] > 0 ? (w[steps] - w[0]) / w[0] * 100 : 0;
    /* Rising at no fewer than four steps in five: noise allows a pause. */
    if (ups * 5 < steps * 4 || grown < r->trend_pct)
        return false;
    snprintf(why, whysz, "steady growth: %.0f -> %.0f (+%.0f%%) rising at %u of %u steps",
             w[0], w[steps], grown, ups, steps);
    return true;
}

/* A small service leaks too: its heap doubling is news long before any
 * absolute threshold. Lows of the two halves, so GC's sawtooth is not. */
static bool check_growth(const gmx_watch_rule *r, const double *v, size_t n, char *why,
                         size_t whysz)
{
    if (r->growth_pct <= 0 || n < r->window)
        return false;
    const double *w = v + n - r->window;
    unsigned half = r->window / 2;
    double early = w[0], late = w[half];
    for (unsigned i = 1; i < half; i++)
        early = w[i] < early ? w[i] : early;
    for (unsigned i = half + 1; i < r->window; i++)
        late = w[i] < late ? w[i] : late;
    if (early <= 0 || late < r->growth_min || late < early * (1 + r->growth_pct / 100))
        return false;
    snprintf(why, whysz, "growth: the low rose %.0f -> %.0f (+%.0f%%) over %u samples", early,
             late, (late / early - 1) * 100, r->window);
    return true;
}

bool gmx_watch_rule_fires(const gmx_watch_rule *r, const double *values, size_t n, char *why,
                          size_t whysz)
{
    if (n == 0 || r->window < 2)
        return false;
    double cur = values[n - 1];
    if (cur < r->min)
        return check_growth(r, values, n, why, whysz);
    if (r->abs > 0 && cur >= r->abs) {
        snprintf(why, whysz, "absolute: %.0f >= %.0f", cur, r->abs);
        return true;
    }
    /* The mean of the previous window, once half of it is there. */
    size_t prev = n - 1 < r->window ? n - 1 : r->window;
    if (r->diff_pct > 0 && prev >= (r->window + 1) / 2) {
        double sum = 0;
        for (size_t i = n - 1 - prev; i < n - 1; i++)
            sum += values[i];
        double mean = sum / (double)prev;
        if (mean > 0 && cur >= mean * (1 + r->diff_pct / 100)) {
            snprintf(why, whysz, "diff: %.0f is %.0f%% over the mean %.0f of %zu samples", cur,
                     (cur / mean - 1) * 100, mean, prev);
            return true;
        }
    }
    return check_trend(r, values, n, why, whysz) || check_growth(r, values, n, why, whysz);
}

bool gmx_watch_parse_duration(const char *s, int64_t *ns)
{
    gmx_str text = { s, strlen(s) };
    double seconds, days;
    /* days, which Go's durations do not have */
    if (text.n > 1 && s[text.n - 1] == 'd') {
        if (!gmx_parse_f64(gmx_str_sub(text, 0, text.n - 1), &days))
            return false;
        seconds = days * 86400;
    } else if (gmx_scan_go_duration(text, &seconds) != text.n) {
        return false;
    }
    if (!(seconds >= 0) || seconds * 1e9 >= 9e18)
        return false;
    *ns = (int64_t)llround(seconds * 1e9);
    return true;
}

/* The next word of *s (split on spaces and tabs) into *w; false at the end. */
static bool next_word(gmx_str *s, gmx_str *w)
{
    size_t i = 0;
    while (i < s->n && (s->p[i] == ' ' || s->p[i] == '\t' || s->p[i] == '\r'))
        i++;
    size_t start = i;
    while (i < s->n && s->p[i] != ' ' && s->p[i] != '\t' && s->p[i] != '\r')
        i++;
    *w = gmx_str_sub(*s, start, i);
    *s = gmx_str_sub(*s, i, s->n);
    return w->n > 0;
}

/* "64MiB", "2G", "50%", "200" into a number; units are binary or decimal
 * byte multipliers, '%' is taken as is. */
static bool parse_value(gmx_str s, double *out)
{
    static const struct {
        const char *unit;
        double mult;
    } units[] = { { "", 1 },     { "%", 1 },          { "B", 1 },         { "K", 1e3 },
                  { "KB", 1e3 }, { "KiB", 1024.0 },   { "M", 1e6 },       { "MB", 1e6 },
                  { "MiB", 1048576.0 }, { "G", 1e9 }, { "GB", 1e9 },      { "GiB", 1073741824.0 } };
    size_t digits = 0;
    while (digits < s.n && (s.p[digits] == '.' || (s.p[digits] >= '0' && s.p[digits] <= '9')))
        digits++;
    double v;
    if (!gmx_parse_f64((gmx_str){ s.p, digits }, &v))
        return false;
    gmx_str unit = { s.p + digits, s.n - digits };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (gmx_str_eq_cstr(unit, units[i].unit)) {
            *out = v * units[i].mult;
            return true;
        }
    }
    return false;
}

static const char *set_field(gmx_watch_rule *r, gmx_str key, double v)
{
    if (gmx_str_eq_cstr(key, "min"))
        r->min = v;
    else if (gmx_str_eq_cstr(key, "abs"))
        r->abs = v;
    else if (gmx_str_eq_cstr(key, "diff"))
        r->diff_pct = v;
    else if (gmx_str_eq_cstr(key, "trend"))
        r->trend_pct = v;
    else if (gmx_str_eq_cstr(key, "growth"))
        r->growth_pct = v;
    else if (gmx_str_eq_cstr(key, "growth_min"))
        r->growth_min = v;
    else if (gmx_str_eq_cstr(key, "window")) {
        if (v < 2 || v > GMX_WATCH_MAX_WINDOW)
            return "window is 2 to 120 samples";
        r->window = (unsigned)v;
    } else
        return "unknown setting (min, abs, diff, trend, window, growth, growth_min)";
    return NULL;
}

/* The words after "goroutines" or "heap": key=value settings. */
static const char *parse_rule(gmx_watch_rule *r, gmx_str rest)
{
    gmx_str word;
    while (next_word(&rest, &word)) {
        const char *eq = memchr(word.p, '=', word.n);
        double v;
        if (!eq)
            return "expected key=value";
        gmx_str key = { word.p, (size_t)(eq - word.p) };
        gmx_str val = { eq + 1, word.n - key.n - 1 };
        if (!parse_value(val, &v) || v < 0)
            return "bad number";
        const char *bad = set_field(r, key, v);
        if (bad)
            return bad;
    }
    return NULL;
}

static const char *parse_statement(gmx_watch_rules *r, gmx_str line)
{
    gmx_str word, arg;
    if (!next_word(&line, &word))
        return NULL;
    if (gmx_str_eq_cstr(word, "goroutines"))
        return parse_rule(&r->goroutines, line);
    if (gmx_str_eq_cstr(word, "heap"))
        return parse_rule(&r->heap, line);
    bool one = next_word(&line, &arg) && arg.n < 32 && gmx_str_trim(line).n == 0;
    char text[32] = "";
    if (one)
        memcpy(text, arg.p, arg.n);
    uint64_t n;
    if (gmx_str_eq_cstr(word, "cooldown")) {
        if (!one || !gmx_watch_parse_duration(text, &r->cooldown_ns))
            return "cooldown needs a duration (10m)";
    } else if (gmx_str_eq_cstr(word, "budget")) {
        if (!one || !gmx_parse_u64(arg, &n) || n > 100000)
            return "budget needs a count of captures per hour";
        r->budget_per_hour = (unsigned)n;
    } else {
        return "unknown statement (goroutines, heap, cooldown, budget)";
    }
    return NULL;
}

gmx_code gmx_watch_rules_parse(const char *name, const void *data, size_t len, gmx_watch_rules *r,
                               gmx_error *err)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    while (gmx_cursor_next(&c, &line)) {
        const char *hash = memchr(line.p, '#', line.n);
        if (hash)
            line.n = (size_t)(hash - line.p);
        const char *bad = parse_statement(r, line);
        if (bad) {
            return gmx_error_set_at_line(err, GMX_EFORMAT, name, c.line, "%s", bad);
        }
    }
    return GMX_OK;
}
