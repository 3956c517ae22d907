/* The heap profile text (debug=1), docs/formats.md §4. Three parts, in order:
 * the header line, records ("N: N [N: N] @ 0x.." then "#" frame lines,
 * a blank line after each), and the "# runtime.MemStats" trailer of
 * "# Name = value" lines. Values are scaled as go tool pprof scales this
 * legacy format (vendor/github.com/google/pprof/profile/legacy_profile.go:
 * parseHeapHeader, parseHeapSample, scaleHeapSample). */
#include "gomemdx/heaptext.h"
#include "parse/frameline.h"
#include "parse/heaptext_paste.h"
#include "parse/memstats.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/num.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* "0x" and 16 hex digits, and the NUL snprintf writes */
enum { ADDR_CHARS = 19 };

typedef struct heap_parser {
    const char *name;
    const gmx_heap_sink *sink;
    const gmx_symbolizer *sym; /* names records without "#" lines; NULL: none */
    gmx_symbolized *names;
    int64_t rate;             /* sampling period in bytes; <= 1: no scaling */
    bool open;                /* a record is being read */
    int64_t values[4];        /* inuse objects, bytes, alloc objects, bytes */
    uint32_t nframes, npcs;
    gmx_frame frames[GMX_MAX_FRAMES];
    uint64_t pcs[GMX_MAX_FRAMES];      /* the record's "@" pcs (return addresses) */
    char addrs[GMX_MAX_FRAMES][ADDR_CHARS];
} heap_parser;

static gmx_code fail(gmx_error *err, const char *name, uint64_t line, const char *msg)
{
    return gmx_error_set_at_line(err, GMX_EFORMAT, name, line, "%s", msg);
}

static void skip_spaces(gmx_str s, size_t *i)
{
    while (*i < s.n && s.p[*i] == ' ')
        (*i)++;
}

/* An optionally negative decimal at s[*i], then spaces. */
static bool number(gmx_str s, size_t *i, int64_t *out)
{
    bool neg = *i < s.n && s.p[*i] == '-';
    uint64_t v;
    size_t n = gmx_scan_u64(gmx_str_sub(s, *i + neg, s.n), &v);
    if (!n || v > INT64_MAX)
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    *i += neg + n;
    skip_spaces(s, i);
    return true;
}

static bool expect(gmx_str s, size_t *i, char c)
{
    if (*i >= s.n || s.p[*i] != c)
        return false;
    (*i)++;
    skip_spaces(s, i);
    return true;
}

/* "A: B [C: D] @" at s[*i] (spaces as pprof's regexp allows) into v. */
static bool counts(gmx_str s, size_t *i, int64_t v[4])
{
    return number(s, i, &v[0]) && expect(s, i, ':') && number(s, i, &v[1]) &&
           expect(s, i, '[') && number(s, i, &v[2]) && expect(s, i, ':') &&
           number(s, i, &v[3]) && expect(s, i, ']') && expect(s, i, '@');
}

/* "heap profile: A: B [C: D] @ heap/N": the sampling period in bytes. */
static bool header(gmx_str line, int64_t *rate)
{
    int64_t v[4];
    size_t i = 14;
    if (!gmx_str_starts(line, "heap profile: ") || !counts(line, &i, v))
        return false;
    gmx_str kind = gmx_str_sub(line, i, line.n);
    int64_t divisor = 1;
    if (gmx_str_starts(kind, "heap_v2/")) {
        kind = gmx_str_sub(kind, 8, kind.n);
    } else if (gmx_str_starts(kind, "heap/")) {
        kind = gmx_str_sub(kind, 5, kind.n);
        divisor = 2; /* Go writes 2 x MemProfileRate (a legacy C++ convention) */
    } else {
        *rate = 0;
        return gmx_str_eq_cstr(kind, "heap");
    }
    uint64_t n;
    if (!gmx_parse_u64(kind, &n) || n > INT64_MAX)
        return false;
    *rate = (int64_t)n / divisor;
    return true;
}

/* pprof's scaleHeapSample: the unsampled estimate of count objects of
 * size bytes in all, sampled once every rate bytes on average. */
static void scale(int64_t rate, int64_t *count, int64_t *size)
{
    if (*count == 0 || *size == 0) {
        *count = *size = 0;
        return;
    }
    if (rate <= 1)
        return;
    double avg = (double)*size / (double)*count;
    double s = 1 / (1 - exp(-avg / (double)rate));
    /* objects far smaller than the rate, from a hostile rate or count:
     * an estimate past what an int64 holds is held at its largest */
    *count = gmx_i64_of_double_sat((double)*count * s);
    *size = gmx_i64_of_double_sat((double)*size * s);
}

/* The "@" pcs of a record without "#" lines as its frames: each named by
 * the symbolizer (the innermost position of pc - 1 only, as
 * runtime.CallersFrames reads runtime.Callers' pcs, one per logical frame)
 * when it names them all, else each written as its address, as pprof shows
 * an address it cannot name. */
static void frames_of_pcs(heap_parser *p)
{
    p->names->unnamed += p->npcs;
    bool all = p->sym != NULL;
    for (uint32_t i = 0; all && i < p->npcs; i++)
        all = p->pcs[i] && p->sym->frames(p->sym->ctx, p->pcs[i] - 1, &p->frames[i], 1) == 1;
    if (all) {
        p->names->named += p->npcs;
        p->nframes = p->npcs;
        return;
    }
    for (uint32_t i = 0; i < p->npcs; i++) {
        int n = snprintf(p->addrs[i], ADDR_CHARS, "%#" PRIx64, p->pcs[i]);
        p->frames[i] = (gmx_frame){ { p->addrs[i], n > 0 ? (size_t)n : 0 }, { "", 0 }, 0 };
    }
    p->nframes = p->npcs;
}

/* Adds the open record to the snapshot. */
static gmx_code flush(heap_parser *p, gmx_error *err)
{
    if (!p->open)
        return GMX_OK;
    p->open = false;
    if (!p->nframes && p->npcs)
        frames_of_pcs(p);
    int64_t *v = p->values;
    /* The object size in use, from the raw counts (pprof's "bytes" label). */
    int64_t object_bytes = v[0] > 0 ? v[1] / v[0] : 0;
    scale(p->rate, &v[0], &v[1]);
    scale(p->rate, &v[2], &v[3]);
    gmx_code rc = p->sink->record(p->sink->ctx, p->frames, p->nframes, v[0], v[1], v[2], v[3],
                                  object_bytes > 0 ? object_bytes : 0);
    if (rc)
        return gmx_error_set(err, rc, "cannot keep a record of %s: %s", p->name,
                             gmx_code_name(rc));
    return GMX_OK;
}

/* The "0x.." pcs after "@" (as many as frames are kept), up to the first
 * word that is not one: pprof's heapSampleRE takes what it can there too,
 * and a pasted record may end cut. */
static void pcs(heap_parser *p, gmx_str line, size_t i)
{
    p->npcs = 0;
    while (i < line.n && p->npcs < GMX_MAX_FRAMES) {
        size_t end = i;
        while (end < line.n && line.p[end] != ' ')
            end++;
        if (!gmx_parse_hex_u64(gmx_str_sub(line, i, end), &p->pcs[p->npcs]))
            return;
        p->npcs++;
        i = end;
        skip_spaces(line, &i);
    }
}

static gmx_code record_start(heap_parser *p, gmx_str line, gmx_error *err, uint64_t lineno)
{
    size_t i = 0;
    line = gmx_str_trim(line);
    if (!counts(line, &i, p->values))
        return fail(err, p->name, lineno, "malformed record (expected \"N: N [N: N] @ 0x...\")");
    pcs(p, line, i);
    if ((p->values[0] == 0 && p->values[1] != 0) || (p->values[2] == 0 && p->values[3] != 0))
        return fail(err, p->name, lineno, "a record with bytes but no objects");
    p->open = true;
    p->nframes = 0;
    return GMX_OK;
}

static void frame_line(heap_parser *p, gmx_str line)
{
    gmx_frame f;
    if (p->open && p->nframes < GMX_MAX_FRAMES && gmx_parse_frame_line(line, &f))
        p->frames[p->nframes++] = f;
}

/* "# Name = value" (and "# Stack = inuse / sys"). Unknown names are kept
 * by nobody; malformed values are an error. */
static bool memstats_line(gmx_memstats *m, gmx_str line)
{
    size_t eq = gmx_str_find(line, " = ");
    if (!gmx_str_starts(line, "# ") || eq == SIZE_MAX)
        return false;
    gmx_str key = gmx_str_sub(line, 2, eq), val = gmx_str_sub(line, eq + 3, line.n);
    uint64_t a, b;
    size_t slash = gmx_str_find(val, " / ");
    if (gmx_str_eq_cstr(key, "Stack") && slash != SIZE_MAX) {
        if (!gmx_parse_u64(gmx_str_sub(val, 0, slash), &a) ||
            !gmx_parse_u64(gmx_str_sub(val, slash + 3, val.n), &b))
            return false;
        m->stack_inuse = a;
        m->stack_sys = b;
        return true;
    }
    uint64_t *slot = gmx_memstats_field(m, key);
    if (!slot)
        return true;
    return gmx_parse_u64(val, slot);
}

static gmx_code trailer(heap_parser *p, gmx_cursor *c, gmx_error *err)
{
    gmx_memstats *m = &p->sink->info->memstats;
    m->present = true;
    gmx_str line;
    while (gmx_cursor_next(c, &line)) {
        line = gmx_str_trim_right(line); /* blanks a copy left at the end */
        if (line.n && !memstats_line(m, line))
            return fail(err, p->name, c->line, "malformed MemStats line (expected \"# Name = N\")");
    }
    return GMX_OK;
}

static gmx_code records(heap_parser *p, gmx_cursor *c, gmx_error *err)
{
    gmx_str line;
    while (gmx_cursor_next(c, &line)) {
        gmx_code rc = GMX_OK;
        line = gmx_str_trim_right(line); /* blanks a copy left at the end */
        if (gmx_str_eq_cstr(line, "# runtime.MemStats")) {
            rc = flush(p, err);
            return rc ? rc : trailer(p, c, err);
        }
        if (line.n && line.p[0] == '#')
            frame_line(p, line);
        else if (!line.n)
            rc = flush(p, err);
        else if ((rc = flush(p, err)) == GMX_OK)
            rc = record_start(p, line, err, c->line);
        if (rc)
            return rc;
    }
    return flush(p, err);
}

bool gmx_heaptext_sniff(const void *data, size_t len)
{
    return (len >= 14 && memcmp(data, "heap profile: ", 14) == 0) ||
           gmx_heaptext_pasted_sniff(data, len);
}

gmx_code gmx_heaptext_scan(const char *name, const void *data, size_t len,
                           const gmx_heap_sink *sink, gmx_error *err)
{
    return gmx_heaptext_scan_named(name, data, len, sink, NULL, NULL, err);
}

gmx_code gmx_heaptext_scan_named(const char *name, const void *data, size_t len,
                                 const gmx_heap_sink *sink, const gmx_symbolizer *sym,
                                 gmx_symbolized *names, gmx_error *err)
{
    if (len < 14 || memcmp(data, "heap profile: ", 14) != 0 || gmx_heaptext_glyphs(data, len) ||
        gmx_heaptext_hashless(data, len)) {
        /* pasted: read the runtime's text rebuilt from it */
        gmx_buf text;
        size_t skipped;
        gmx_buf_init(&text, len + 1);
        gmx_code rc = gmx_heaptext_unpaste(data, len, &text, &skipped)
                          ? gmx_heaptext_scan_named(name, text.data, text.len, sink, sym, names, err)
                          : fail(err, name, 1, "not a heap profile (expected \"heap profile: N: N [N: "
                                               "N] @ heap/N\")");
        gmx_buf_release(&text);
        return rc;
    }
    gmx_symbolized ignored;
    if (!names)
        names = &ignored;
    *names = (gmx_symbolized){ .with_binary = sym != NULL };
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    int64_t rate = 0;
    if (!gmx_cursor_next(&c, &line) || !header(gmx_str_trim_right(line), &rate))
        return fail(err, name, 1,
                    "not a heap profile (expected \"heap profile: N: N [N: N] @ heap/N\")");
    heap_parser *p = gmx_calloc(1, sizeof(*p));
    if (!p)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory parsing %s", name);
    p->name = name;
    p->sink = sink;
    p->sym = sym;
    p->names = names;
    p->rate = rate;
    sink->info->sample_rate = rate;
    gmx_code rc = records(p, &c, err);
    gmx_free(p);
    return rc;
}
