/* pprof's internal/measurement: unit sniffing, scaling and the value and
 * percentage formats of its text reports, reproduced to the character. */
#include "gomemdx/ptop.h"
#include "util/str.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct unit_def {
    const char *name;
    const char *aliases[4];
    double factor;
} unit_def;

typedef struct unit_type {
    unit_def units[9];
    size_t n;
    unit_def dflt;
} unit_type;

static const unit_type unit_types[] = {
    { { { "B", { "b", "byte" }, 1 },
        { "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
        { "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
        { "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
        { "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
        { "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 } },
      6, { "B", { "b", "byte" }, 1 } },
    { { { "ns", { "ns", "nanosecond" }, 1 },
        { "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
        { "ms", { "ms", "millisecond" }, 1e6 },
        { "s", { "s", "sec", "second" }, 1e9 },
        { "hrs", { "hour", "hr" }, 3.6e12 } },
      5, { "s", { NULL }, 1e9 } },
    { { { "n*GCU", { "nanogcu" }, 1e-9 },
        { "u*GCU", { "microgcu" }, 1e-6 },
        { "m*GCU", { "milligcu" }, 1e-3 },
        { "GCU", { "gcu" }, 1 },
        { "k*GCU", { "kilogcu" }, 1e3 },
        { "M*GCU", { "megagcu" }, 1e6 },
        { "G*GCU", { "gigagcu" }, 1e9 },
        { "T*GCU", { "teragcu" }, 1e12 },
        { "P*GCU", { "petagcu" }, 1e15 } },
      9, { "GCU", { NULL }, 1.0 } },
};

/* ut.sniffUnit: lower case, a plural "s" dropped from names over 2 bytes. */
static const unit_def *sniff(const unit_type *ut, const char *name)
{
    char low[64];
    size_t n = strlen(name);
    if (n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    if (n > 2 && low[n - 1] == 's')
        n--;
    low[n] = '\0';
    for (size_t i = 0; i < ut->n; i++)
        for (size_t k = 0; k < 4 && ut->units[i].aliases[k]; k++)
            if (strcmp(ut->units[i].aliases[k], low) == 0)
                return &ut->units[i];
    return NULL;
}

static bool is_auto(const char *to)
{
    return strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0;
}

/* measurement.Scale; *unit_out is static or to_unit. Go's `-value > 0`
 * is false for the most negative value (negation wraps), which then scales
 * as it is; in C that negation is undefined, so it is tested for. */
static double scale(int64_t value, const char *from, const char *to, const char **unit_out)
{
    if (value < 0 && value != INT64_MIN)
        return -scale(-value, from, to, unit_out);
    for (size_t t = 0; t < sizeof(unit_types) / sizeof(unit_types[0]); t++) {
        const unit_type *ut = &unit_types[t];
        const unit_def *fu = sniff(ut, from);
        if (!fu)
            continue;
        double v = (double)value * fu->factor;
        if (is_auto(to)) {
            double f = 0;
            const char *name = NULL;
            for (size_t i = 0; i < ut->n; i++)
                if (ut->units[i].factor >= f && v / ut->units[i].factor >= 1.0) {
                    f = ut->units[i].factor;
                    name = ut->units[i].name;
                }
            if (f != 0) {
                *unit_out = name;
                return v / f;
            }
            *unit_out = ut->dflt.name;
            return v / ut->dflt.factor;
        }
        const unit_def *tu = sniff(ut, to);
        *unit_out = tu ? tu->name : ut->dflt.name;
        return v / (tu ? tu->factor : ut->dflt.factor);
    }
    static const char *const plain[] = { "count", "sample", "unit", "minimum", "auto" };
    *unit_out = to;
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (strcmp(to, plain[i]) == 0)
            *unit_out = "";
    return (double)value;
}

static void cstr(char *out, size_t outsz, gmx_str s)
{
    snprintf(out, outsz, "%.*s", (int)s.n, s.p ? s.p : "");
}

double gmx_pprof_scale(int64_t value, gmx_str from_unit, const char *to_unit, char *unit,
                       size_t unitsz)
{
    char from[64];
    cstr(from, sizeof(from), from_unit);
    const char *u;
    double v = scale(value, from, to_unit, &u);
    snprintf(unit, unitsz, "%s", u);
    return v;
}

void gmx_pprof_scaled(char *out, size_t outsz, int64_t value, gmx_str from_unit,
                      const char *to_unit)
{
    char u[64];
    double v = gmx_pprof_scale(value, from_unit, to_unit, u, sizeof(u));
    char num[64];
    snprintf(num, sizeof(num), "%.2f", v);
    size_t n = strlen(num);
    if (n >= 3 && strcmp(num + n - 3, ".00") == 0)
        num[n - 3] = '\0';
    if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0)
        snprintf(out, outsz, "0");
    else
        snprintf(out, outsz, "%s%s", num, u);
}

void gmx_pprof_output_unit(char *out, size_t outsz, int64_t min_value, int64_t max_value,
                           gmx_str unit)
{
    char sample_unit[64];
    cstr(sample_unit, sizeof(sample_unit), unit);
    if (min_value == 0)
        min_value = max_value;
    const char *min_unit, *max_unit, *u;
    scale(min_value, sample_unit, "minimum", &min_unit);
    scale(max_value, sample_unit, "minimum", &max_unit);
    u = min_unit;
    /* Go's int64 arithmetic wraps; C's signed overflow is undefined. */
    int64_t min100 = (int64_t)((uint64_t)min_value * 100u);
    if (strcmp(min_unit, max_unit) != 0 && min100 < max_value)
        scale(min100, sample_unit, "minimum", &u);
    snprintf(out, outsz, "%s", *u ? u : sample_unit);
}

void gmx_pprof_percent(char *out, size_t outsz, int64_t value, int64_t total)
{
    double ratio = 0;
    if (total != 0)
        ratio = fabs((double)value / (double)total) * 100;
    if (ratio >= 99.95 && ratio <= 100.05)
        snprintf(out, outsz, "  100%%");
    else if (ratio >= 1.0)
        snprintf(out, outsz, "%5.2f%%", ratio);
    else
        snprintf(out, outsz, "%5.2g%%", ratio);
}
