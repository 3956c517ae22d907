/* go tool pprof's -top and -list text of a heap profile (ptoptext.h). */
#include "gomemdx/ptoptext.h"
#include "parse/ptraces.h"
#include "util/alloc.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>

enum { MAX_TOKENS = 8 };

/* Quote markers, indentation and tab glyphs are of no matter here. */
static gmx_str clean(gmx_str s)
{
    for (;;) {
        while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '>'))
            s = gmx_str_sub(s, 1, s.n);
        if (s.n >= 2 && (unsigned char)s.p[0] == 0xc2 && ((unsigned char)s.p[1] == 0xbb || (unsigned char)s.p[1] == 0xa0))
            s = gmx_str_sub(s, 2, s.n);
        else
            break;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static bool row_figures(gmx_str s, size_t *i, double *flat, double *flat_pct, double *cum,
                        double *cum_pct, bool *unit);

/* Whether a -top row's figures follow at i (not -peek's "calls" columns). */
static bool runs_into_a_row(gmx_str s, size_t i)
{
    double flat, flat_pct, cum, cum_pct;
    bool unit;
    return row_figures(s, &i, &flat, &flat_pct, &cum, &cum_pct, &unit);
}

/* Splits on runs of blanks; the last token takes the rest of the line. */
static size_t tokens(gmx_str s, gmx_str *tok, size_t max)
{
    size_t n = 0, i = 0;
    while (n + 1 < max && gmx_str_next_token(s, &i, &tok[n]))
        n++;
    if (n + 1 == max) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        if (i < s.n)
            tok[n++] = gmx_str_sub(s, i, s.n);
    }
    return n;
}

static bool column_header(gmx_str s)
{
    gmx_str t[MAX_TOKENS];
    size_t n = tokens(s, t, MAX_TOKENS);
    return n == 5 && gmx_str_eq_cstr(t[0], "flat") && gmx_str_eq_cstr(t[1], "flat%") &&
           gmx_str_eq_cstr(t[2], "sum%") && gmx_str_eq_cstr(t[3], "cum") &&
           gmx_str_eq_cstr(t[4], "cum%");
}

/* The header with pprof's running total (sum%) cut out by hand, "flat
 * flat% cum cum%": its rows have four figures before the name. */
static bool short_header(gmx_str s)
{
    gmx_str t[MAX_TOKENS];
    size_t n = tokens(s, t, MAX_TOKENS);
    return n == 4 && gmx_str_eq_cstr(t[0], "flat") && gmx_str_eq_cstr(t[1], "flat%") &&
           gmx_str_eq_cstr(t[2], "cum") && gmx_str_eq_cstr(t[3], "cum%");
}


/* -peek's header: -top's five columns, then "calls calls% + context". */
static bool peek_header(gmx_str s)
{
    gmx_str t[MAX_TOKENS];
    size_t n = tokens(s, t, MAX_TOKENS);
    static const char *const cols[] = { "flat", "flat%", "sum%", "cum", "cum%", "calls", "calls%" };
    if (n != MAX_TOKENS || !gmx_str_starts(t[7], "+"))
        return false;
    for (size_t i = 0; i < 7; i++)
        if (!gmx_str_eq_cstr(t[i], cols[i]))
            return false;
    return true;
}

/* The rule -peek draws between its blocks: dashes around one '+'. */
static bool peek_rule(gmx_str s)
{
    size_t plus = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '+')
            plus++;
        else if (s.p[i] != '-')
            return false;
    }
    return plus == 1 && s.n >= 8;
}

/* "256.10MB", "119MB", "1.50kB", "512B", "12345", "." (zero). pprof's
 * memory units are powers of 1024. */
static bool value(gmx_str s, double *out)
{
    if (gmx_str_eq_cstr(s, ".")) {
        *out = 0;
        return true;
    }
    static const struct { const char *unit; double scale; } units[] = {
        { "TB", 1099511627776.0 }, { "GB", 1073741824.0 }, { "MB", 1048576.0 },
        { "kB", 1024.0 }, { "KB", 1024.0 }, { "B", 1.0 }, { "k", 1e3 }, { "M", 1e6 },
        { "G", 1e9 }
    };
    double scale = 1;
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        if (gmx_str_ends(s, units[u].unit)) {
            s.n -= strlen(units[u].unit);
            scale = units[u].scale;
            break;
        }
    }
    if (!s.n || !((s.p[0] >= '0' && s.p[0] <= '9') || s.p[0] == '-'))
        return false;
    double v;
    if (!gmx_parse_f64(s, &v))
        return false;
    *out = v * scale;
    return true;
}

/* "Total: 1205.81MB", the whole profile as -list and older -top print it. */
static bool total_line(gmx_str s, double *total)
{
    return gmx_str_starts(s, "Total: ") && value(gmx_str_trim(gmx_str_sub(s, 7, s.n)), total);
}

static bool percent(gmx_str s, double *v)
{
    return s.n >= 2 && s.p[s.n - 1] == '%' && gmx_parse_f64(gmx_str_sub(s, 0, s.n - 1), v);
}

/* A figure printed with no unit: a count. */
static bool unitless(gmx_str s)
{
    return s.n && ((s.p[s.n - 1] >= '0' && s.p[s.n - 1] <= '9') || gmx_str_eq_cstr(s, "."));
}

/* Keeps a -top row as printed (the first GMX_PTOP_MAX_ROWS). */
static void keep_row(gmx_ptop_info *info, gmx_str fn, double flat, double cum, double flat_pct,
                     double cum_pct)
{
    if (info->ntop >= GMX_PTOP_MAX_ROWS)
        return;
    gmx_ptoptext_row *r = &info->top[info->ntop++];
    size_t n = fn.n < sizeof(r->func) - 1 ? fn.n : sizeof(r->func) - 1;
    memcpy(r->func, fn.p, n);
    r->func[n] = '\0';
    r->flat = flat;
    r->cum = cum;
    r->flat_pct = flat_pct;
    r->cum_pct = cum_pct;
}

static bool routine_header(gmx_str s, gmx_str *func, gmx_str *file)
{
    static const char head[] = "ROUTINE ";
    if (!gmx_str_starts(s, head))
        return false;
    gmx_str rest = gmx_str_sub(s, sizeof(head) - 1, s.n);
    while (rest.n && (rest.p[0] == '=' || rest.p[0] == ' '))
        rest = gmx_str_sub(rest, 1, rest.n);
    size_t in = gmx_str_find(rest, " in ");
    *func = in == SIZE_MAX ? rest : gmx_str_sub(rest, 0, in);
    *file = in == SIZE_MAX ? (gmx_str){ NULL, 0 } : gmx_str_sub(rest, in + 4, rest.n);
    /* Wrapped before the file: "ROUTINE ==== main.f in", the file on the
     * next line. */
    if (in == SIZE_MAX && gmx_str_ends(rest, " in"))
        *func = gmx_str_trim(gmx_str_sub(rest, 0, rest.n - 3));
    return func->n > 0;
}

/* The file of a ROUTINE header wrapped after " in", alone on its line. */
static bool routine_file(gmx_str s)
{
    return (gmx_str_ends(s, ".go") || gmx_str_ends(s, ".s")) && gmx_str_find(s, " ") == SIZE_MAX &&
           gmx_str_find(s, "\t") == SIZE_MAX;
}

/* A -top row quoted on its own, without the table's header ("406.62MB
 * 54.94% 54.94% 406.62MB 54.94% pkg.f"): the same five columns, with a
 * unit on both values so that no run of plain numbers passes for one. */
static bool quoted_row(const gmx_str *t, size_t n)
{
    double v, p;
    return n == 6 && value(t[0], &v) && !unitless(t[0]) && percent(t[1], &p) &&
           percent(t[2], &p) && value(t[3], &v) && !unitless(t[3]) && percent(t[4], &p);
}

/* A -top row's figures with nothing after them: five columns (four with
 * the running total cut out), the row's name wrapped onto the next line. */
static bool figures_only(const gmx_str *t, size_t n, bool no_sum, double *flat, double *flat_pct,
                         double *cum, double *cum_pct)
{
    double sum_pct;
    if (no_sum)
        return n == 4 && value(t[0], flat) && percent(t[1], flat_pct) && value(t[2], cum) &&
               percent(t[3], cum_pct);
    return n == 5 && value(t[0], flat) && percent(t[1], flat_pct) && percent(t[2], &sum_pct) &&
           value(t[3], cum) && percent(t[4], cum_pct);
}

/* The line after figures_only that holds the row's name: a qualified Go
 * name (every function's has a dot), not a figure, a prompt ("(pprof)"),
 * "(inline)" or a fence. */
static bool wrapped_name(gmx_str s)
{
    gmx_str t[2];
    double v;
    if (!tokens(s, t, 2) || value(t[0], &v) || percent(t[0], &v) || gmx_str_starts(t[0], "(") ||
        gmx_str_find(t[0], ".") == SIZE_MAX || gmx_str_find(s, "`") != SIZE_MAX)
        return false;
    return !column_header(s) && !short_header(s) && !peek_header(s);
}

/* The line -traces prints between records. */
static bool traces_separator(gmx_str s)
{
    return gmx_str_starts(s, "-----------+------");
}

static size_t run_together_header(gmx_str s);

bool gmx_ptoptext_sniff(const void *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < 65536 ? len : 65536);
    gmx_str line, f, file;
    while (gmx_cursor_next(&c, &line)) {
        gmx_str s = clean(line);
        gmx_str t[MAX_TOKENS];
        if (column_header(s) || short_header(s) || peek_header(s) || routine_header(s, &f, &file) ||
            quoted_row(t, tokens(s, t, 6)) || traces_separator(s) ||
            run_together_header(s) != SIZE_MAX)
            return true;
    }
    return false;
}

typedef struct reader {
    const gmx_heap_sink *sink;
    gmx_ptop_info *info;
    int run_kind;
    gmx_line_range run;
    size_t quoted;  /* the first rows of info->top, quoted without a header */
    /* The -traces record being read: its value (on its first frame's
     * line) and frames, leaf first; the per-function totals so far. */
    ptraces *traces;
    bool in_record, valued, unit;  /* unit: a record's value had one */
    double record_value;
    gmx_frame frames[GMX_MAX_FRAMES];
    gmx_str funcs[GMX_MAX_FRAMES];
    uint32_t nframes;
    /* The -peek block being read: the callers printed above its function,
     * and whether that function's line was seen. */
    gmx_str callers[8];
    double caller_values[8];
    size_t ncallers;
    bool peek_center;
} reader;

static void close_run(reader *r)
{
    gmx_read_report *rep = &r->info->read;
    if (r->run_kind == 1) {
        if (rep->nread < GMX_READ_RANGES)
            rep->read[rep->nread++] = r->run;
        else
            rep->more_read++;
    } else if (r->run_kind == 2) {
        if (rep->nskipped < GMX_READ_RANGES)
            rep->skipped[rep->nskipped++] = r->run;
        else
            rep->more_skipped++;
    }
    r->run_kind = 0;
}

static void mark(reader *r, uint64_t line, int kind)
{
    if (kind == 1)
        r->info->read.read_lines++;
    else
        r->info->read.skipped_lines++;
    if (r->run_kind == kind) {
        r->run.last = line;
        return;
    }
    close_run(r);
    r->run_kind = kind;
    r->run.first = r->run.last = line;
}

static gmx_code add_stack(reader *r, const gmx_frame *f, uint32_t n, double v)
{
    r->info->rows++;
    /* A negative or absurd figure (a -base diff, a damaged row) adds
     * nothing; a huge one is held at INT64_MAX, never converted out of
     * range (NaN fails the first test). */
    if (!(v >= 0.5))
        return GMX_OK;
    int64_t x = gmx_i64_of_double_sat(v + 0.5);
    bool obj = r->info->objects, churn = r->info->churn;
    return r->sink->record(r->sink->ctx, f, n, !churn && obj ? x : 0, !churn && !obj ? x : 0,
                           churn && obj ? x : 0, churn && !obj ? x : 0, 0);
}

static gmx_code add(reader *r, gmx_frame *f, double v)
{
    return add_stack(r, f, 1, v);
}

/* A row's name column: the function, then what pprof adds after it: the
 * file with -granularity=filefunctions ("f /src/pkg/file.go"), the file and
 * line with -lines ("f /src/pkg/file.go:42"), and " (inline)". The file is
 * the site's, not part of the function's name. */
static gmx_frame row_site(gmx_str name)
{
    gmx_frame fr = { name, { NULL, 0 }, 0 };
    if (gmx_str_ends(name, " (inline)"))
        name = gmx_str_trim(gmx_str_sub(name, 0, name.n - strlen(" (inline)")));
    fr.func = name;
    size_t sp = gmx_str_rfind_char(name, ' ');
    if (sp == SIZE_MAX)
        return fr;
    gmx_str file = gmx_str_sub(name, sp + 1, name.n);
    uint64_t line = 0;
    size_t colon = gmx_str_rfind_char(file, ':');
    if (colon != SIZE_MAX && gmx_parse_u64(gmx_str_sub(file, colon + 1, file.n), &line))
        file = gmx_str_sub(file, 0, colon);
    else
        line = 0;
    if (!gmx_str_ends(file, ".go") && !gmx_str_ends(file, ".s"))
        return fr;
    fr.func = gmx_str_trim(gmx_str_sub(name, 0, sp));
    fr.file = file;
    fr.line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    return fr;
}

/* Rows quoted without a header are observations of one site each, often
 * the same site over time ("at startup: …", "just before crashing: …"):
 * a site's later row replaces its earlier one, and only the latest goes
 * into the snapshot, when a table starts or the text ends. */
static void quote_row(reader *r, gmx_str fn, double flat, double cum, double flat_pct,
                      double cum_pct)
{
    gmx_ptop_info *info = r->info;
    for (size_t i = 0; i < r->quoted; i++) {
        gmx_ptoptext_row *row = &info->top[i];
        size_t n = strlen(row->func);
        if (n == fn.n && memcmp(row->func, fn.p, n) == 0) {
            row->flat = flat;
            row->cum = cum;
            row->flat_pct = flat_pct;
            row->cum_pct = cum_pct;
            return;
        }
    }
    size_t before = info->ntop;
    keep_row(info, fn, flat, cum, flat_pct, cum_pct);
    r->quoted += info->ntop - before;
}

static gmx_code flush_quoted(reader *r)
{
    gmx_code rc = GMX_OK;
    for (size_t i = 0; i < r->quoted && rc == GMX_OK; i++) {
        gmx_ptoptext_row *row = &r->info->top[i];
        gmx_frame fr = { gmx_str_cstr(row->func), { NULL, 0 }, 0 };
        rc = add(r, &fr, row->flat);
    }
    r->quoted = 0;
    return rc;
}

static void note_type(gmx_ptop_info *info, gmx_str type)
{
    size_t n = type.n < sizeof(info->sample_type) - 1 ? type.n : sizeof(info->sample_type) - 1;
    memcpy(info->sample_type, type.p, n);
    info->sample_type[n] = '\0';
    info->churn = gmx_str_starts(type, "alloc_");
    info->objects = gmx_str_ends(type, "_objects");
}

/* Prose that names the allocs profile ("This is from a pprof allocs profile
 * (`/debug/pprof/allocs`)") and not the heap profile: the table is of that
 * profile, whose default sample is alloc_space, allocations since the start
 * (runtime/pprof's writeAlloc; pkg.go.dev/runtime/pprof#Profile: "allocs: A
 * sampling of all past memory allocations"). */
static bool names_allocs_profile(const char *data, size_t len)
{
    static const char *const allocs[] = { "/debug/pprof/allocs", "allocs profile" };
    static const char *const heap[] = { "/debug/pprof/heap", "heap profile" };
    bool named = false;
    for (size_t i = 0; i < 2; i++) {
        named = named || memmem(data, len, allocs[i], strlen(allocs[i]));
        if (memmem(data, len, heap[i], strlen(heap[i])))
            return false;
    }
    return named;
}

/* The sample type, before any row: "Type: X" if the text has it, else the
 * first sample type its prose names ("go tool pprof -alloc_space ..."), else
 * alloc_space when the prose names only the allocs profile. */
static void guess_type(gmx_ptop_info *info, const char *data, size_t len)
{
    static const char *const types[] = { "alloc_space", "alloc_objects", "inuse_space",
                                         "inuse_objects" };
    const char *typed = memmem(data, len, "Type: ", 6);
    const char *best = NULL;
    size_t best_t = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *at = typed ? memmem(typed, len - (size_t)(typed - data), types[i], strlen(types[i]))
                               : memmem(data, len, types[i], strlen(types[i]));
        if (at && (typed ? at == typed + 6 : (!best || at < best))) {
            best = at;
            best_t = i;
        }
    }
    if (best)
        note_type(info, gmx_str_cstr(types[best_t]));
    else if (!typed && names_allocs_profile(data, len))
        note_type(info, gmx_str_cstr("alloc_space"));
}

/* Whether the line of data holding offset off runs pprof. */
static bool on_pprof_line(const char *data, size_t len, size_t off)
{
    size_t start = off, end = off;
    while (start > 0 && data[start - 1] != '\n')
        start--;
    while (end < len && data[end] != '\n')
        end++;
    return memmem(data + start, end - start, "pprof", 5) != NULL;
}

/* True when the text's pprof command compares with a base profile
 * ("go tool pprof -base=old.pb.gz new.pb.gz", "--base old", "-diff_base"):
 * its table is a difference even where every row grew. The flag counts on
 * a line that runs pprof only: prose may name it ("I tried -base too"). */
static bool names_base_profile(const char *data, size_t len)
{
    static const char *const flags[] = { "-base", "-diff_base" };
    for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
        size_t n = strlen(flags[i]);
        for (const char *at = memmem(data, len, flags[i], n); at;) {
            size_t off = (size_t)(at - data);
            char before = off ? data[off - 1] : ' ', after = off + n < len ? data[off + n] : '\0';
            if ((before == ' ' || before == '-') && (after == ' ' || after == '=') &&
                on_pprof_line(data, len, off))
                return true;
            at = memmem(at + 1, len - off - 1, flags[i], n);
        }
    }
    return false;
}

/* "Showing nodes accounting for 931.42MB, 99.89% of 932.42MB total": the
 * total, in the table's unit. */
static bool showing_total(gmx_str s, double *total)
{
    static const char head[] = "Showing nodes accounting for ", tail[] = " total";
    if (!gmx_str_starts(s, head) || !gmx_str_ends(s, tail))
        return false;
    gmx_str rest = gmx_str_sub(s, 0, s.n - (sizeof(tail) - 1));
    size_t of = SIZE_MAX;
    for (size_t at = gmx_str_find(rest, " of "); at != SIZE_MAX;) {
        of = at;
        size_t next = gmx_str_find(gmx_str_sub(rest, at + 1, rest.n), " of ");
        at = next == SIZE_MAX ? SIZE_MAX : at + 1 + next;
    }
    return of != SIZE_MAX && value(gmx_str_sub(rest, of + 4, rest.n), total);
}

/* Without the header's total: each -top row's value over its share. */
static double rows_total(const gmx_ptop_info *info)
{
    double total = 0;
    for (uint32_t i = 0; i < info->ntop; i++) {
        const gmx_ptoptext_row *r = &info->top[i];
        double v = r->cum_pct > 0 ? r->cum * 100.0 / r->cum_pct
                   : r->flat_pct > 0 ? r->flat * 100.0 / r->flat_pct
                                     : 0;
        if (v > total)
            total = v;
    }
    return total;
}

/* The -traces record read so far, added as one site of its whole stack
 * and to the per-function totals; a record with no value line is none. */
static gmx_code end_record(reader *r)
{
    gmx_code rc = GMX_OK;
    if (r->in_record && r->valued && r->nframes) {
        rc = add_stack(r, r->frames, r->nframes, r->record_value);
        if (rc == GMX_OK && !gmx_ptraces_add(r->traces, r->funcs, r->nframes, r->record_value))
            rc = GMX_ENOMEM;
    }
    r->in_record = r->valued = false;
    r->nframes = 0;
    return rc;
}

/* A line of a -traces record: a label ("bytes:  4kB"), the value and the
 * leaf's name, or a caller's name. False when it is none of these. */
static bool record_line(reader *r, gmx_str s)
{
    gmx_str t[MAX_TOKENS];
    size_t n = tokens(s, t, 2);
    if (n == 2 && t[0].n > 1 && t[0].p[t[0].n - 1] == ':')
        return true;
    gmx_str name = s;
    if (!r->valued) {
        if (n != 2 || !value(t[0], &r->record_value))
            return false;
        r->valued = true;
        r->unit |= !unitless(t[0]);
        name = t[1];
    }
    if (r->nframes < GMX_MAX_FRAMES) {
        r->frames[r->nframes] = row_site(name);
        r->funcs[r->nframes] = r->frames[r->nframes].func;
        r->nframes++;
    }
    return true;
}

/* The -top rows of the records read, when no -top table was pasted. */
static void traces_rows(reader *r)
{
    gmx_ptop_info *info = r->info;
    double total = 0;
    if (!info->ntop)
        info->ntop = (uint32_t)gmx_ptraces_rows(r->traces, info->top, GMX_PTOP_MAX_ROWS, &total);
    if (info->total == 0)
        info->total = total;
}

/* Ends what was being read before a new block (a -traces record, rows
 * quoted without a header). */
static gmx_code close_block(reader *r)
{
    gmx_code rc = end_record(r);
    return rc == GMX_OK ? flush_quoted(r) : rc;
}

static void copy_name(char *dst, gmx_str src)
{
    size_t n = src.n < GMX_PTOP_FUNC_MAX - 1 ? src.n : GMX_PTOP_FUNC_MAX - 1;
    memcpy(dst, src.p, n);
    dst[n] = '\0';
}

static bool has_row(const gmx_ptop_info *info, gmx_str fn)
{
    for (uint32_t i = 0; i < info->ntop; i++)
        if (gmx_str_eq_cstr(fn, info->top[i].func))
            return true;
    return false;
}

/* A line of a -peek block: a caller ("1034.31MB 100% |   pkg.f") above the
 * block's function, the function's own row (-top's five columns, then
 * "| name"), or a callee below it. The function becomes a -top row when no
 * table gave it one, its callers edges. False when the line is none. */
static gmx_code peek_line(reader *r, gmx_str s, bool *taken)
{
    size_t bar = gmx_str_find(s, "|");
    *taken = false;
    if (bar == SIZE_MAX)
        return GMX_OK;
    gmx_str left = gmx_str_trim(gmx_str_sub(s, 0, bar));
    gmx_str right = gmx_str_trim(gmx_str_sub(s, bar + 1, s.n));
    gmx_str t[MAX_TOKENS];
    size_t n = tokens(left, t, MAX_TOKENS);
    double flat, cum, flat_pct, sum_pct, cum_pct, v, pct;
    if (!right.n)
        return GMX_OK;
    if (n == 5 && value(t[0], &flat) && percent(t[1], &flat_pct) && percent(t[2], &sum_pct) &&
        value(t[3], &cum) && percent(t[4], &cum_pct)) {
        gmx_frame fr = row_site(right);
        gmx_ptop_info *info = r->info;
        for (size_t i = 0; i < r->ncallers && info->nedges < GMX_PTOP_MAX_EDGES; i++) {
            gmx_ptop_edge *e = &info->edges[info->nedges++];
            copy_name(e->caller, r->callers[i]);
            copy_name(e->callee, fr.func);
            e->value = r->caller_values[i];
        }
        r->ncallers = 0;
        r->peek_center = true;
        *taken = true;
        if (has_row(info, fr.func))
            return GMX_OK;
        keep_row(info, fr.func, flat, cum, flat_pct, cum_pct);
        return add(r, &fr, flat);
    }
    if (n == 2 && value(t[0], &v) && percent(t[1], &pct)) {
        if (!r->peek_center && r->ncallers < sizeof(r->callers) / sizeof(r->callers[0])) {
            r->callers[r->ncallers] = row_site(right).func;
            r->caller_values[r->ncallers++] = v;
        }
        *taken = true;
    }
    return GMX_OK;
}

/* A -top row read: kept as printed and added as a site of one frame.
 * unit: a value of the row was printed with one. */
static gmx_code take_row(reader *r, gmx_str name, double flat, double cum, double flat_pct,
                         double cum_pct, bool unit, bool *any_unit, bool *gopark)
{
    gmx_frame fr = row_site(name);
    r->info->diff |= flat < 0 || cum < 0;
    *any_unit |= unit;
    *gopark |= gmx_str_eq_cstr(fr.func, "runtime.gopark");
    keep_row(r->info, fr.func, flat, cum, flat_pct, cum_pct);
    return add(r, &fr, flat);
}

/* A -top row whose name a narrow window or an editor wrapped onto the next
 * line (and " (inline)" onto the one after): the name line is taken with
 * the figures. False when the next line is no name. */
static bool wrapped_row(reader *r, gmx_cursor *c, double flat, double cum, double flat_pct,
                        double cum_pct, bool unit, bool *any_unit, bool *gopark, gmx_code *rc)
{
    gmx_str next;
    if (!gmx_cursor_peek(c, &next) || !wrapped_name(clean(next)))
        return false;
    mark(r, c->line, 1);
    gmx_cursor_next(c, &next);
    mark(r, c->line, 1);
    gmx_str after;
    if (gmx_cursor_peek(c, &after) && gmx_str_eq_cstr(clean(after), "(inline)")) {
        gmx_cursor_next(c, &after);
        mark(r, c->line, 1);
    }
    *rc = take_row(r, clean(next), flat, cum, flat_pct, cum_pct, unit, any_unit, gopark);
    return true;
}

/* Where the text after -top's column header starts in a line that holds it
 * with more (a web page that lost the table's line ends ran it together:
 * "Showing nodes ... total flat flat% sum% cum cum% 2.59MB 11.12% ..."),
 * or SIZE_MAX. */
static size_t run_together_header(gmx_str s)
{
    static const char *const cols[] = { "flat", "flat%", "sum%", "cum", "cum%" };
    for (size_t at = gmx_str_find(s, "flat"); at != SIZE_MAX;) {
        size_t i = at, k = 0;
        gmx_str tok;
        bool starts = !at || s.p[at - 1] == ' ' || s.p[at - 1] == '\t';
        while (starts && k < 5 && gmx_str_next_token(s, &i, &tok) && gmx_str_eq_cstr(tok, cols[k]))
            k++;
        if (k == 5)
            return runs_into_a_row(s, i) ? i : SIZE_MAX;
        size_t next = gmx_str_find(gmx_str_sub(s, at + 1, s.n), "flat");
        at = next == SIZE_MAX ? SIZE_MAX : at + 1 + next;
    }
    return SIZE_MAX;
}

/* The five figures of a -top row at *i of s, advanced past them. */
static bool row_figures(gmx_str s, size_t *i, double *flat, double *flat_pct, double *cum,
                        double *cum_pct, bool *unit)
{
    size_t at = *i;
    gmx_str t[5];
    double sum_pct;
    for (size_t k = 0; k < 5; k++)
        if (!gmx_str_next_token(s, &at, &t[k]))
            return false;
    if (!value(t[0], flat) || !percent(t[1], flat_pct) || !percent(t[2], &sum_pct) ||
        !value(t[3], cum) || !percent(t[4], cum_pct))
        return false;
    *unit = !unitless(t[0]) || !unitless(t[3]);
    *i = at;
    return true;
}

/* A -top table run together on one line, from its header's end (at): each
 * row's five figures, its name, and what else the row printed (a file, an
 * "(inline)") up to the next row's figures. The names are the line's own
 * text. The total, when "Showing nodes accounting for ... total" ran
 * together before it, is taken too. */
static gmx_code run_together_rows(reader *r, gmx_str s, size_t at, bool *any_unit, bool *gopark)
{
    size_t show = gmx_str_find(s, "Showing nodes accounting for ");
    if (show != SIZE_MAX && show < at) {
        size_t end = gmx_str_find(gmx_str_sub(s, show, at), " total");
        double shown;
        if (end != SIZE_MAX && showing_total(gmx_str_sub(s, show, show + end + 6), &shown) &&
            shown > r->info->total)
            r->info->total = shown;
    }
    gmx_code rc = GMX_OK;
    size_t i = at;
    double flat, flat_pct, cum, cum_pct;
    bool unit;
    while (rc == GMX_OK && row_figures(s, &i, &flat, &flat_pct, &cum, &cum_pct, &unit)) {
        gmx_str name;
        bool named;
        /* a Markdown table's cell bars between the figures and the name */
        while ((named = gmx_str_next_token(s, &i, &name)) && gmx_str_eq_cstr(name, "|"))
            ;
        if (!named)
            break;
        rc = take_row(r, name, flat, cum, flat_pct, cum_pct, unit, any_unit, gopark);
        /* the row's other fields, up to the next row */
        for (size_t j = i;;) {
            double f, fp, c, cp;
            bool u;
            size_t probe = j;
            gmx_str extra;
            if (row_figures(s, &probe, &f, &fp, &c, &cp, &u) || !gmx_str_next_token(s, &j, &extra))
                break;
            i = j;
        }
    }
    r->info->read.repairs |= GMX_REPAIR_REFLOW;
    return rc;
}

gmx_code gmx_ptoptext_scan(const char *name, const void *data, size_t len,
                           const gmx_heap_sink *sink, gmx_ptop_info *info, gmx_error *err)
{
    gmx_ptop_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    info->read.tolerant = true;
    guess_type(info, data, len);
    info->diff = names_base_profile(data, len);
    /* heap: a record's frames make it too large for a worker's stack */
    reader *r = gmx_calloc(1, sizeof(*r));
    ptraces *traces = gmx_ptraces_new();
    if (!r || !traces) {
        gmx_free(r);
        gmx_ptraces_free(traces);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    }
    r->sink = sink;
    r->info = info;
    r->traces = traces;
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    enum { NONE, TOP, LIST, TRACES, PEEK } mode = NONE;
    gmx_frame routine = { { NULL, 0 }, { NULL, 0 }, 0 };
    uint64_t header_line = 0;
    bool any_unit = false, gopark = false, no_sum = false;
    gmx_code rc = GMX_OK;
    while (rc == GMX_OK && gmx_cursor_next(&c, &line)) {
        gmx_str s = clean(line);
        gmx_str t[MAX_TOKENS], f, file;
        if (!s.n)
            continue;
        if (gmx_str_starts(s, "Type: ")) {
            note_type(info, gmx_str_trim(gmx_str_sub(s, 6, s.n)));
            mark(r, c.line, 1);
            continue;
        }
        double shown;
        if (showing_total(s, &shown) || (mode != LIST && total_line(s, &shown))) {
            info->diff |= gmx_str_starts(s, "Showing nodes accounting for -");
            if (shown > info->total)
                info->total = shown;
            mark(r, c.line, 1);
            continue;
        }
        if (traces_separator(s)) {
            rc = close_block(r);
            mode = TRACES;
            r->in_record = true;
            header_line = header_line ? header_line : c.line;
            mark(r, c.line, 1);
            continue;
        }
        if (mode == TRACES && r->in_record && record_line(r, s)) {
            any_unit |= r->unit;
            mark(r, c.line, 1);
            continue;
        }
        size_t after_header = mode == NONE || mode == TOP ? run_together_header(s) : SIZE_MAX;
        if (after_header != SIZE_MAX) {
            rc = close_block(r);
            if (rc == GMX_OK)
                rc = run_together_rows(r, s, after_header, &any_unit, &gopark);
            mode = TOP;
            no_sum = false;
            header_line = c.line;
            mark(r, c.line, 1);
            continue;
        }
        if (column_header(s) || short_header(s)) {
            rc = close_block(r);
            mode = TOP;
            no_sum = short_header(s);
            header_line = c.line;
            mark(r, c.line, 1);
            continue;
        }
        if (peek_header(s)) {
            rc = close_block(r);
            mode = PEEK;
            r->ncallers = 0;
            r->peek_center = false;
            header_line = header_line ? header_line : c.line;
            mark(r, c.line, 1);
            continue;
        }
        if (mode == PEEK && peek_rule(s)) {
            r->ncallers = 0;
            r->peek_center = false;
            mark(r, c.line, 1);
            continue;
        }
        if (mode == PEEK) {
            bool taken;
            rc = peek_line(r, s, &taken);
            if (taken) {
                mark(r, c.line, 1);
                continue;
            }
        }
        if (routine_header(s, &f, &file)) {
            rc = flush_quoted(r);
            mode = LIST;
            header_line = c.line;
            mark(r, c.line, 1);
            gmx_str next;
            if (!file.n && gmx_cursor_peek(&c, &next) && routine_file(clean(next))) {
                gmx_cursor_next(&c, &next);
                file = clean(next);
                mark(r, c.line, 1);
            }
            routine = (gmx_frame){ f, file, 0 };
            continue;
        }
        size_t n = tokens(s, t, mode == LIST ? 4 : mode == TOP && no_sum ? 5 : 6);
        double flat, cum, flat_pct, sum_pct, cum_pct;
        if (mode == TOP && no_sum && n == 5 && value(t[0], &flat) && percent(t[1], &flat_pct) &&
            value(t[2], &cum) && percent(t[3], &cum_pct)) {
            rc = take_row(r, t[4], flat, cum, flat_pct, cum_pct, !unitless(t[0]) || !unitless(t[2]),
                          &any_unit, &gopark);
            mark(r, c.line, 1);
            continue;
        }
        if (mode == TOP && figures_only(t, n, no_sum, &flat, &flat_pct, &cum, &cum_pct) &&
            wrapped_row(r, &c, flat, cum, flat_pct, cum_pct,
                        !unitless(t[0]) || !unitless(t[no_sum ? 2 : 3]), &any_unit, &gopark, &rc))
            continue;
        if (mode == NONE && quoted_row(t, n)) {
            value(t[0], &flat);
            percent(t[1], &flat_pct);
            value(t[3], &cum);
            percent(t[4], &cum_pct);
            any_unit = true;
            quote_row(r, row_site(t[5]).func, flat, cum, flat_pct, cum_pct);
            mark(r, c.line, 1);
            continue;
        }
        if (mode == TOP && n == 6 && value(t[0], &flat) && percent(t[1], &flat_pct) &&
            percent(t[2], &sum_pct) && value(t[3], &cum) && percent(t[4], &cum_pct)) {
            rc = take_row(r, t[5], flat, cum, flat_pct, cum_pct, !unitless(t[0]) || !unitless(t[3]),
                          &any_unit, &gopark);
            mark(r, c.line, 1);
            continue;
        }
        uint64_t ln;
        if (mode == LIST && n >= 3 && value(t[0], &flat) && value(t[1], &cum) &&
            t[2].n >= 2 && t[2].p[t[2].n - 1] == ':' &&
            gmx_parse_u64(gmx_str_sub(t[2], 0, t[2].n - 1), &ln)) {
            gmx_frame fr = routine;
            fr.line = ln > UINT32_MAX ? UINT32_MAX : (uint32_t)ln;
            /* A -list of a function the -top table above gave a row
             * (the usual session: top, then list on a row) splits that
             * row's flat by line: counted again, the heap would hold it
             * twice. */
            if (!has_row(info, routine.func))
                rc = add(r, &fr, flat);
            mark(r, c.line, 1);
            continue;
        }
        if (mode == LIST && gmx_str_starts(s, "Total:")) {
            mark(r, c.line, 1);
            continue;
        }
        mark(r, c.line, 2);
    }
    if (rc == GMX_OK)
        rc = end_record(r);
    if (rc == GMX_OK)
        rc = flush_quoted(r);
    close_run(r);
    traces_rows(r);
    for (uint32_t i = 0; i < info->ntop; i++)
        gopark |= strcmp(info->top[i].func, "runtime.gopark") == 0;
    info->counts = info->ntop && !any_unit;
    if (info->total == 0)
        info->total = rows_total(info);
    info->goroutines = gmx_str_starts(gmx_str_cstr(info->sample_type), "goroutine") ||
                       (info->counts && gopark && !info->sample_type[0]);
    gmx_ptraces_free(traces);
    gmx_free(r);
    if (rc != GMX_OK)
        return gmx_error_at_line(err, rc, name, c.line);
    if (!info->rows) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, header_line ? header_line : 1,
                                     "no row of go tool pprof -top, -list or -traces text found");
    }
    return GMX_OK;
}
