/* The aggregated goroutine profile text (debug=1), docs/formats.md §1.8:
 *
 *   goroutine profile: total 458
 *   448 @ 0x439976 0x40576c 0x6b0ada 0x469761
 *   # labels: {"tenant":"a"}
 *   #	0x6b0ad9	main.(*quoteService).lookup+0x99	/go/src/quotes/main.go:60
 *
 * Columns are aligned with tabs, so fields are split on runs of tabs. A
 * "#" line with only a pc is an unsymbolised frame and is skipped. */
#include "gomemdx/goroutine.h"
#include "parse/frameline.h"
#include "util/alloc.h"
#include "util/cursor.h"
#include "util/num.h"

#include <stdint.h>

typedef struct record_parser {
    gmx_goroutine g;
    gmx_frame frames[GMX_MAX_FRAMES];
    uint64_t pcs[GMX_MAX_FRAMES];
    bool open;
} record_parser;

/* "448 @ 0x439976 0x40576c ...": the pcs after the "@" (as many as fit;
 * anything that is not a hex number ends them). */
static void read_pcs(record_parser *r, gmx_str line)
{
    size_t at = gmx_str_find(line, " @");
    gmx_str rest = at == SIZE_MAX ? (gmx_str){ NULL, 0 } : gmx_str_sub(line, at + 2, line.n);
    r->g.npcs = 0;
    for (size_t i = 0; i < rest.n && r->g.npcs < GMX_MAX_FRAMES;) {
        while (i < rest.n && rest.p[i] == ' ')
            i++;
        size_t start = i;
        while (i < rest.n && rest.p[i] != ' ')
            i++;
        uint64_t pc;
        if (i == start || !gmx_parse_hex_u64(gmx_str_sub(rest, start, i), &pc))
            break;
        r->pcs[r->g.npcs++] = pc;
    }
    r->g.pcs = r->pcs;
}

static void add_frame_line(record_parser *r, gmx_str line)
{
    gmx_frame f;
    if (!gmx_parse_frame_line(line, &f))
        return; /* unsymbolised pc */
    if (r->g.nframes >= GMX_MAX_FRAMES) {
        r->g.flags |= GMX_G_TRUNCATED;
        return;
    }
    r->frames[r->g.nframes++] = f;
}

/* "448 @ 0x1 0x2": the count, or false if the line is not a record start. */
static bool record_start(gmx_str line, uint64_t *count)
{
    size_t digits = gmx_scan_u64(line, count);
    return digits && gmx_str_starts(gmx_str_sub(line, digits, line.n), " @");
}

static int flush(record_parser *r, gmx_goroutine_fn fn, void *ctx)
{
    if (!r->open)
        return 0;
    r->open = false;
    r->g.frames = r->frames;
    return fn ? fn(ctx, &r->g) : 0;
}

/* The header: "<name> profile: total N". */
static bool parse_title(gmx_str line, gmx_str *name, uint64_t *total)
{
    size_t at = gmx_str_find(line, " profile: total ");
    if (at == SIZE_MAX || at == 0)
        return false;
    *name = gmx_str_sub(line, 0, at);
    return gmx_parse_u64(gmx_str_sub(line, at + 16, line.n), total);
}

bool gmx_goroutine_profile_text_sniff(const void *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < 4096 ? len : 4096);
    gmx_str line, name;
    uint64_t total;
    return gmx_cursor_next(&c, &line) && parse_title(line, &name, &total) &&
           memchr(name.p, ' ', name.n) == NULL;
}

static gmx_code fail(gmx_error *err, const char *name, uint64_t line, gmx_code code,
                     const char *msg)
{
    return gmx_error_set_at_line(err, code, name, line, "%s", msg);
}

static gmx_code parse_records(record_parser *r, gmx_cursor *c, const char *name, bool leaked,
                              gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                              gmx_error *err)
{
    gmx_str line;
    uint64_t count;
    while (gmx_cursor_next(c, &line)) {
        int rc = 0;
        if (record_start(line, &count)) {
            rc = flush(r, fn, ctx);
            memset(&r->g, 0, sizeof(r->g));
            r->g.count = count;
            r->g.flags = leaked ? GMX_G_LEAKED : 0;
            r->g.line = c->line;
            read_pcs(r, line);
            r->open = true;
            info->goroutines += count;
        } else if (r->open && gmx_str_starts(line, "# labels: ")) {
            r->g.labels = gmx_str_sub(line, 10, line.n);
        } else if (r->open && line.n && line.p[0] == '#') {
            if (!memchr(line.p, '\t', line.n))
                info->suspect_lines++; /* columns lost their tabs */
            add_frame_line(r, line);
        } else if (line.n == 0) {
            rc = flush(r, fn, ctx);
        } else {
            return fail(err, name, c->line, GMX_EFORMAT,
                        "unexpected line in a goroutine profile (expected \"N @ 0x...\" or "
                        "\"#\" frame lines)");
        }
        if (rc)
            return fail(err, name, c->line, (gmx_code)rc, "stopped while reading a record");
    }
    int rc = flush(r, fn, ctx);
    if (rc)
        return fail(err, name, c->line, (gmx_code)rc, "stopped while reading a record");
    return GMX_OK;
}

gmx_code gmx_goroutine_profile_text_parse(const char *name, const void *data, size_t len,
                                          gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                          gmx_error *err)
{
    gmx_dump_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line, title;
    uint64_t total;
    if (!gmx_cursor_next(&c, &line) || !parse_title(line, &title, &total))
        return fail(err, name, 1, GMX_EFORMAT,
                    "not a goroutine profile (expected \"goroutine profile: total N\")");
    bool leaked = gmx_str_eq_cstr(title, "goroutineleak");
    info->kind = leaked ? GMX_DUMP_LEAK_PROFILE_TEXT : GMX_DUMP_PROFILE_TEXT;
    record_parser *r = gmx_calloc(1, sizeof(*r));
    if (!r)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory parsing %s", name);
    gmx_code rc = parse_records(r, &c, name, leaked, fn, ctx, info, err);
    gmx_free(r);
    info->lines = c.line;
    /* The total is written before the records: fewer means the file was cut. */
    info->declared = total;
    if (rc == GMX_OK && info->goroutines < total)
        info->partial = true;
    return rc;
}
