/* Compiler escape-analysis logs, text form (docs/formats.md §5.1): go build's
 * stderr with -gcflags=-m or -m=2.
 *
 *   # example.com/esc
 *   ./esc.go:13:2: t escapes to heap in NewT:          <- -m=2 explanation
 *   ./esc.go:13:2:   flow: ~r0 ← &t:
 *   ./esc.go:13:2:     from &t (address-of) at ./esc.go:14:9
 *   ./esc.go:13:2: moved to heap: t                    <- the site
 *
 * The compiler analyses a batch of functions, prints every explanation of
 * the batch, then every site. Explanations wait in a fixed table until the
 * site at their position comes; the first explanation after a site starts a
 * new batch and forgets the old one. Explanations are views into the input:
 * their steps are split again when the site is handed out. */
#include "gomemdx/escape.h"
#include "parse/escape_json.h"
#include "parse/escape_line.h"
#include "util/alloc.h"
#include "util/cursor.h"

#include <string.h>

typedef struct pending {
    esc_header_kind kind;
    gmx_str pos, what, function;
    const char *block, *block_end;  /* its step lines */
    bool used;
} pending;

typedef struct text_parser {
    const char *name;
    gmx_esc_fn fn;
    void *ctx;
    gmx_esc_info *info;
    gmx_str package;
    pending *pend;                  /* GMX_ESC_MAX_PENDING */
    size_t npend;
    bool site_since_header;         /* a site came after the last explanation */
    bool after_header;              /* the last diagnostic began an explanation */
    gmx_esc_step steps[GMX_ESC_MAX_STEPS];
} text_parser;

static void new_explanation(text_parser *p, esc_header_kind kind, gmx_str pos, gmx_str what,
                            gmx_str function, gmx_str line)
{
    p->info->level = 2;
    if (p->site_since_header) {
        for (size_t i = 0; i < p->npend; i++)
            p->info->unexplained += !p->pend[i].used;
        p->npend = 0;
        p->site_since_header = false;
    }
    if (p->npend == GMX_ESC_MAX_PENDING) {
        p->info->unexplained++;
        return;
    }
    pending *e = &p->pend[p->npend++];
    *e = (pending){ kind, pos, what, function, line.p + line.n, line.p + line.n, false };
}

/* A step line extends the explanation it follows (same position). */
static void extend_explanation(text_parser *p, gmx_str pos, gmx_str line)
{
    pending *e = p->npend ? &p->pend[p->npend - 1] : NULL;
    if (!e || e->used || !gmx_str_eq(e->pos, pos)) {
        p->info->skipped++;
        return;
    }
    e->block_end = line.p + line.n;
}

static pending *find_explanation(text_parser *p, gmx_str pos, gmx_esc_kind kind, gmx_str what)
{
    pending *best = NULL;
    for (size_t i = 0; i < p->npend; i++) {
        pending *e = &p->pend[i];
        if (e->used || !gmx_esc_header_matches(e->kind, kind) || !gmx_str_eq(e->pos, pos))
            continue;
        if (gmx_str_eq(e->what, what))
            return e;
        if (!best)
            best = e;
    }
    return best;
}

static void split_steps(text_parser *p, const pending *e, gmx_esc_site *site)
{
    gmx_cursor c;
    gmx_cursor_init(&c, e->block, (size_t)(e->block_end - e->block));
    gmx_str line, pos, file, msg;
    uint32_t ln, col;
    while (gmx_cursor_next(&c, &line)) {
        line = gmx_str_trim_right(line); /* blanks a copy left at the end */
        if (!gmx_esc_split_pos(line, &pos, &file, &ln, &col, &msg))
            continue;
        if (site->nsteps == GMX_ESC_MAX_STEPS) {
            site->steps_truncated = true;
            break;
        }
        if (gmx_esc_step_parse(msg, &p->steps[site->nsteps]))
            site->nsteps++;
    }
    site->steps = p->steps;
}

static int on_site(text_parser *p, gmx_esc_site *site, gmx_str pos)
{
    p->site_since_header = true;
    p->info->sites[site->kind]++;
    pending *e = find_explanation(p, pos, site->kind, site->what);
    if (e) {
        e->used = true;
        site->function = e->function;
        split_steps(p, e, site);
    }
    return p->fn ? p->fn(p->ctx, site) : 0;
}

/* One line; nonzero stops the parse. */
static int text_line(text_parser *p, gmx_str line, uint64_t lineno)
{
    gmx_str pos, file, msg, what, function;
    uint32_t ln, col;
    if (!gmx_esc_split_pos(line, &pos, &file, &ln, &col, &msg)) {
        gmx_str pkg = gmx_str_sub(line, 2, line.n);
        if (gmx_str_starts(line, "# ") && pkg.n && !memchr(pkg.p, ' ', pkg.n))
            p->package = pkg;
        p->info->skipped++;
        return 0;
    }
    p->info->diagnostics++;
    if (gmx_esc_is_step(msg)) {
        extend_explanation(p, pos, line);
        p->after_header = false;
        return 0;
    }
    esc_header_kind h = gmx_esc_header(msg, &what, &function);
    if (h != ESC_HEADER_NONE) {
        new_explanation(p, h, pos, what, function, line);
        p->after_header = true;
        return 0;
    }
    p->after_header = false;
    gmx_esc_site site;
    memset(&site, 0, sizeof(site));
    if (!gmx_esc_site_message(msg, &site.kind, &site.what, &site.detail))
        return 0; /* inlining notes and the like */
    site.file = file;
    site.line = ln;
    site.column = col;
    site.package = p->package;
    site.input_line = lineno;
    return on_site(p, &site, pos);
}

static gmx_code parse_text(text_parser *p, const void *data, size_t len, gmx_error *err)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    while (gmx_cursor_next(&c, &line)) {
        int rc = text_line(p, gmx_str_trim_right(line), c.line);
        if (rc) {
            return gmx_error_set_at_line(err, (gmx_code)rc, p->name, c.line,
                                         "stopped at this line");
        }
    }
    p->info->lines = c.line;
    for (size_t i = 0; i < p->npend; i++)
        p->info->unexplained += !p->pend[i].used;
    /* Cut inside a line, or right after an explanation's first line (the
     * end of a log may well hold explanations whose site is never printed:
     * those of generated wrappers). */
    if (p->after_header || (len && ((const char *)data)[len - 1] != '\n'))
        p->info->partial = true;
    if (!p->info->diagnostics && !p->package.p) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, p->name, 1,
                                     "not a compiler log: no \"FILE:LINE:COL: message\" "
                                        "or \"# package\" line (go build -gcflags=-m output)");
    }
    return GMX_OK;
}

gmx_code gmx_escape_parse(const char *name, const void *data, size_t len, gmx_esc_fn fn,
                          void *ctx, gmx_esc_info *info, gmx_error *err)
{
    gmx_esc_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    info->level = 1;
    if (gmx_escape_json_sniff(data, len)) {
        info->format = GMX_ESCLOG_JSON;
        return gmx_escape_parse_json(name, data, len, fn, ctx, info, err);
    }
    text_parser *p = gmx_calloc(1, sizeof(*p));
    pending *pend = gmx_mallocarray(GMX_ESC_MAX_PENDING, sizeof(*pend));
    if (!p || !pend) {
        gmx_free(p);
        gmx_free(pend);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory parsing %s", name);
    }
    *p = (text_parser){ .name = name, .fn = fn, .ctx = ctx, .info = info, .pend = pend };
    gmx_code rc = parse_text(p, data, len, err);
    gmx_free(pend);
    gmx_free(p);
    return rc;
}
