/* Date-time parsing: fixed-width fields read left to right, then the civil
 * date turned into days with Howard Hinnant's days_from_civil. */
#include "util/timeparse.h"
#include "util/num.h"

#define NS_PER_SEC INT64_C(1000000000)
#define MIN_YEAR 1678
#define MAX_YEAR 2261

/* n decimal digits at s[*i], exactly. */
static bool fixed(gmx_str s, size_t *i, size_t n, unsigned *out)
{
    if (*i + n > s.n)
        return false;
    unsigned v = 0;
    for (size_t k = 0; k < n; k++) {
        char c = s.p[*i + k];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (unsigned)(c - '0');
    }
    *i += n;
    *out = v;
    return true;
}

static bool byte_is(gmx_str s, size_t i, char c)
{
    return i < s.n && s.p[i] == c;
}

static bool is_digit_at(gmx_str s, size_t i)
{
    return i < s.n && s.p[i] >= '0' && s.p[i] <= '9';
}

int64_t gmx_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* "HH:MM:SS" at s[*i] into seconds of the day. */
static bool clock_time(gmx_str s, size_t *i, int64_t *secs)
{
    unsigned h, m, sec;
    if (!fixed(s, i, 2, &h) || !byte_is(s, *i, ':') || (++*i, !fixed(s, i, 2, &m)) ||
        !byte_is(s, *i, ':') || (++*i, !fixed(s, i, 2, &sec)))
        return false;
    if (h > 23 || m > 59 || sec > 59)
        return false;
    *secs = (int64_t)h * 3600 + m * 60 + sec;
    return true;
}

/* ".123456789..." (or ",123") at s[*i]: nanoseconds, digits past the 9th
 * dropped. A '.' or ',' not followed by a digit is not a fraction. */
static void fraction(gmx_str s, size_t *i, int64_t *ns)
{
    *ns = 0;
    if ((!byte_is(s, *i, '.') && !byte_is(s, *i, ',')) || !is_digit_at(s, *i + 1))
        return;
    (*i)++;
    int64_t scale = NS_PER_SEC;
    for (; is_digit_at(s, *i); (*i)++) {
        if (scale > 1) {
            scale /= 10;
            *ns += (s.p[*i] - '0') * scale;
        }
    }
}

/* Optional zone at s[*i]: Z, ±hh:mm or ±hhmm, as seconds east of UTC. */
static bool zone(gmx_str s, size_t *i, int64_t *east)
{
    *east = 0;
    if (byte_is(s, *i, 'Z') || byte_is(s, *i, 'z')) {
        (*i)++;
        return true;
    }
    if (!byte_is(s, *i, '+') && !byte_is(s, *i, '-'))
        return true;
    int sign = s.p[*i] == '-' ? -1 : 1;
    size_t j = *i + 1;
    unsigned h, m;
    if (!fixed(s, &j, 2, &h))
        return false;
    if (byte_is(s, j, ':'))
        j++;
    if (!fixed(s, &j, 2, &m) || h > 23 || m > 59)
        return false;
    *east = sign * ((int64_t)h * 3600 + m * 60);
    *i = j;
    return true;
}

/* "YYYY-MM-DD" or "YYYY/MM/DD" at s[*i] into days since the epoch. */
static bool date(gmx_str s, size_t *i, char *sep, int64_t *days)
{
    unsigned y, m, d;
    if (!fixed(s, i, 4, &y) || *i >= s.n || (s.p[*i] != '-' && s.p[*i] != '/'))
        return false;
    *sep = s.p[(*i)++];
    if (!fixed(s, i, 2, &m) || !byte_is(s, *i, *sep) || (++*i, !fixed(s, i, 2, &d)))
        return false;
    if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *days = gmx_days_from_civil(y, m, d);
    return true;
}

size_t gmx_scan_time(gmx_str s, int64_t *ns)
{
    size_t i = 0;
    char sep;
    int64_t days, secs, frac, east = 0;
    if (!date(s, &i, &sep, &days) || i >= s.n)
        return 0;
    char t = s.p[i];
    if (!(t == ' ' || (sep == '-' && (t == 'T' || t == 't'))))
        return 0;
    i++;
    if (!clock_time(s, &i, &secs))
        return 0;
    fraction(s, &i, &frac);
    if (sep == '-' && !zone(s, &i, &east))
        return 0;
    if (is_digit_at(s, i))
        return 0;
    *ns = ((days * 86400 + secs) - east) * NS_PER_SEC + frac;
    return i;
}

/* Unix time in seconds, milliseconds, microseconds or nanoseconds, by
 * magnitude; false past what int64 nanoseconds hold (year 2262). */
static bool unix_number(gmx_str s, int64_t *ns)
{
    size_t dot = gmx_str_rfind_char(s, '.');
    gmx_str whole = dot == SIZE_MAX ? s : gmx_str_sub(s, 0, dot);
    uint64_t v;
    if (!gmx_parse_u64(whole, &v))
        return false;
    uint64_t unit = v < UINT64_C(100000000000)       ? (uint64_t)NS_PER_SEC
                    : v < UINT64_C(100000000000000)  ? 1000000
                    : v < UINT64_C(100000000000000000) ? 1000
                                                      : 1;
    if (v > (uint64_t)INT64_MAX / unit || (dot != SIZE_MAX && unit != (uint64_t)NS_PER_SEC))
        return false;
    size_t i = whole.n;
    int64_t frac = 0;
    if (unit == (uint64_t)NS_PER_SEC)
        fraction(s, &i, &frac);
    if (i != s.n || (int64_t)(v * unit) > INT64_MAX - frac)
        return false;
    *ns = (int64_t)(v * unit) + frac;
    return true;
}

bool gmx_parse_time(gmx_str s, int64_t *ns)
{
    s = gmx_str_trim(s);
    if (s.n == 0)
        return false;
    size_t n = gmx_scan_time(s, ns);
    if (n)
        return n == s.n;
    return unix_number(s, ns);
}

size_t gmx_scan_syslog_time(gmx_str s, int64_t *ns_of_year)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const unsigned first_day[] = { 0,   31,  59,  90,  120, 151,
                                          181, 212, 243, 273, 304, 334 };
    if (s.n < 15 || s.p[3] != ' ')
        return 0;
    unsigned m = 0;
    while (m < 12 && memcmp(months + 3 * m, s.p, 3) != 0)
        m++;
    size_t i = 4;
    unsigned d, tens = 0;
    if (m == 12)
        return 0;
    if (s.p[i] == ' ')
        i++;
    else if (!fixed(s, &i, 1, &tens))
        return 0;
    int64_t secs;
    if (!fixed(s, &i, 1, &d) || !byte_is(s, i, ' '))
        return 0;
    d += tens * 10;
    i++;
    if (d < 1 || d > days_in_month(2000, m + 1) || !clock_time(s, &i, &secs) ||
        is_digit_at(s, i))
        return 0;
    *ns_of_year = ((int64_t)(first_day[m] + d - 1) * 86400 + secs) * NS_PER_SEC;
    return i;
}

size_t gmx_scan_go_duration(gmx_str s, double *seconds)
{
    /* longest first: "ms" before "m" */
    static const struct {
        const char *unit;
        double seconds;
    } units[] = { { "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "ms", 1e-3 },
                  { "h", 3600 }, { "m", 60 }, { "s", 1 } };
    double total = 0;
    size_t i = 0, taken = 0;
    for (;;) {
        size_t start = i;
        while (i < s.n && ((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '.'))
            i++;
        double v;
        if (i == start || !gmx_parse_f64(gmx_str_sub(s, start, i), &v))
            break;
        size_t k = 0;
        for (; k < sizeof(units) / sizeof(units[0]); k++)
            if (gmx_str_starts(gmx_str_sub(s, i, s.n), units[k].unit))
                break;
        if (k == sizeof(units) / sizeof(units[0]))
            break;
        total += v * units[k].seconds;
        i += strlen(units[k].unit);
        taken = i;
    }
    if (taken)
        *seconds = total;
    return taken;
}
