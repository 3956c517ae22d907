/* runtime.MemStats as programs print them (metrics.h): "Alloc = 11.7 MiB",
 * "sys: 1599 MB alloc: 1525 MB", the fields of runtime.ReadMemStats written
 * by hand, one per line or several to a line, a printout after each round
 * of work. Names are MemStats' own, in any case; a number and a unit
 * (B, KB, KiB, MB, MiB, GB, GiB: powers of 1024, as such code divides)
 * follow a ':' or '='. Other words on the line are skipped. */
#include "gomemdx/metrics.h"
#include "parse/memstats.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"

#include <string.h>

enum { MAX_FIELDS = 24, SNIFF_BYTES = 65536 };

static bool letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The scale of a unit after a number; 1 for none, 0 for a word that is no
 * unit of memory (the number is then no MemStats value). */
static double unit_scale(gmx_str u)
{
    static const struct { const char *unit; double scale; } units[] = {
        { "B", 1 },        { "bytes", 1 },     { "KB", 1024.0 },       { "kB", 1024.0 },
        { "KiB", 1024.0 }, { "K", 1024.0 },    { "MB", 1048576.0 },    { "MiB", 1048576.0 },
        { "M", 1048576.0 }, { "GB", 1073741824.0 }, { "GiB", 1073741824.0 }, { "G", 1073741824.0 },
    };
    if (!u.n)
        return 1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (gmx_str_eq_cstr(u, units[i].unit))
            return units[i].scale;
    return 0;
}

typedef struct printout {
    gmx_memstats m;
    uint64_t *seen[MAX_FIELDS];
    size_t nseen;
} printout;

typedef struct scan {
    printout cur, last;
    size_t printouts;
    uint64_t first_line, last_line, cur_line;
} scan;

/* A printout of at least two fields is one; fewer is a word in prose. */
static void close_printout(scan *sc)
{
    if (sc->cur.nseen >= 2) {
        sc->last = sc->cur;
        sc->printouts++;
        if (!sc->first_line)
            sc->first_line = sc->cur_line;
    }
    memset(&sc->cur, 0, sizeof(sc->cur));
}

/* "Name: 12.5 MB" at s.p[i]: the field's slot and the value in bytes
 * (or units, for counts); the index past it in *end. */
static uint64_t *pair_at(printout *p, gmx_str s, size_t i, double *v, size_t *end)
{
    size_t k = i;
    while (k < s.n && letter(s.p[k]))
        k++;
    gmx_str name = gmx_str_sub(s, i, k);
    uint64_t *slot = gmx_memstats_field_nocase(&p->m, name);
    if (!slot)
        return NULL;
    while (k < s.n && s.p[k] == ' ')
        k++;
    if (k >= s.n || (s.p[k] != ':' && s.p[k] != '='))
        return NULL;
    k++;
    while (k < s.n && s.p[k] == ' ')
        k++;
    size_t num = k;
    while (k < s.n && (digit(s.p[k]) || s.p[k] == '.'))
        k++;
    double x;
    if (k == num || !gmx_parse_f64(gmx_str_sub(s, num, k), &x))
        return NULL;
    size_t u = k;
    while (u < s.n && s.p[u] == ' ')
        u++;
    size_t ue = u;
    while (ue < s.n && letter(s.p[ue]))
        ue++;
    double scale = unit_scale(gmx_str_sub(s, u, ue));
    if (scale == 0) { /* a word, not a unit: the number stands alone */
        scale = 1;
        ue = k;
    }
    *v = x * scale;
    *end = ue;
    return slot;
}

/* One line: each field it prints; a field printed again starts the next
 * printout; a line printing none ends the open one. */
static void scan_line(scan *sc, gmx_str s, uint64_t line)
{
    bool any = false;
    for (size_t i = 0; i < s.n;) {
        if (!letter(s.p[i]) || (i > 0 && (letter(s.p[i - 1]) || digit(s.p[i - 1])))) {
            i++;
            continue;
        }
        double v;
        size_t end;
        uint64_t *slot = pair_at(&sc->cur, s, i, &v, &end);
        if (!slot) {
            while (i < s.n && letter(s.p[i]))
                i++;
            continue;
        }
        for (size_t k = 0; k < sc->cur.nseen; k++) {
            if (sc->cur.seen[k] == slot) {
                close_printout(sc);
                slot = pair_at(&sc->cur, s, i, &v, &end); /* the same field, in the new one */
                break;
            }
        }
        if (!sc->cur.nseen)
            sc->cur_line = line;
        *slot = v >= 1.8e19 ? UINT64_MAX : (uint64_t)(v + 0.5);
        sc->cur.m.present = true;
        if (sc->cur.nseen < MAX_FIELDS)
            sc->cur.seen[sc->cur.nseen++] = slot;
        sc->last_line = line;
        any = true;
        i = end;
    }
    if (!any)
        close_printout(sc);
}

static void scan_all(scan *sc, const void *data, size_t len)
{
    memset(sc, 0, sizeof(*sc));
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    while (gmx_cursor_next(&c, &line))
        scan_line(sc, line, c.line);
    close_printout(sc);
}

bool gmx_metrics_printed_sniff(const void *data, size_t len)
{
    scan sc;
    scan_all(&sc, data, len < SNIFF_BYTES ? len : SNIFF_BYTES);
    return sc.printouts > 0;
}

gmx_code gmx_metrics_printed_parse(const char *name, const void *data, size_t len,
                                   gmx_msample *out, gmx_memprint_info *info, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    scan sc;
    scan_all(&sc, data, len);
    if (info)
        *info = (gmx_memprint_info){ sc.printouts, sc.first_line, sc.last_line };
    if (!sc.printouts)
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 1,
                                     "no runtime.MemStats fields printed (\"Alloc = 12 MiB\")");
    out->mem = sc.last.m;
    return GMX_OK;
}
