/* One file of a -gcflags=-json=0,DIR optimisation log: JSON lines, a header
 * then one LSP-style diagnostic per line (docs/formats.md §5.3):
 *
 *   {"version":0,"package":"main",...,"file":"/src/app/main.go"}
 *   {"range":{"start":{"line":29,"character":2},...},"code":"escape",
 *    "message":"q escapes to heap","relatedInformation":[{"location":...,
 *    "message":"escflow:    flow: ~r0 ← &q:"}, ...]}
 *
 * Codes "escape"/"escapes" are heap sites, "leak" leaking parameters; the
 * rest (inlining, bounds checks, ...) are skipped. The log has no "moved to
 * heap": a variable whose address flows out ("flow: X ← &NAME") is one.
 * libjansson decodes one line at a time; views are valid during the call. */
#include "parse/escape_json.h"
#include "parse/escape_line.h"
#include "util/cursor.h"

#include <jansson.h>
#include <string.h>

typedef struct json_parser {
    const char *name;
    gmx_esc_fn fn;
    void *ctx;
    gmx_esc_info *info;
    json_t *header;
    gmx_esc_step steps[GMX_ESC_MAX_STEPS];
} json_parser;

static gmx_str string_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? gmx_str_make(json_string_value(v), json_string_length(v))
                             : gmx_str_make("", 0);
}

static uint32_t start_of(json_t *d, const char *key)
{
    json_t *v = json_object_get(json_object_get(json_object_get(d, "range"), "start"), key);
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
    return n < 0 || n > UINT32_MAX ? 0 : (uint32_t)n;
}

/* The "escflow:" entries of relatedInformation (inlineLoc ones skipped). */
static void steps_of(json_parser *p, json_t *d, gmx_esc_site *site)
{
    json_t *rel = json_object_get(d, "relatedInformation");
    size_t i;
    json_t *r;
    json_array_foreach(rel, i, r) {
        gmx_str msg = string_of(r, "message");
        if (!gmx_str_starts(msg, "escflow:"))
            continue;
        if (site->nsteps == GMX_ESC_MAX_STEPS) {
            site->steps_truncated = true;
            break;
        }
        if (gmx_esc_step_parse(gmx_str_sub(msg, 8, msg.n), &p->steps[site->nsteps]))
            site->nsteps++;
    }
    site->steps = p->steps;
}

/* "X ← &what" (or " = &what" before 1.25) among the flows. */
static bool address_flows(const gmx_esc_site *site)
{
    for (uint32_t i = 0; i < site->nsteps; i++) {
        gmx_str t = site->steps[i].text;
        size_t amp = gmx_str_rfind_char(t, '&');
        if (site->steps[i].is_flow && amp != SIZE_MAX && amp >= 2 && t.p[amp - 1] == ' ' &&
            gmx_str_eq(gmx_str_sub(t, amp + 1, t.n), site->what))
            return true;
    }
    return false;
}

static bool site_of(json_parser *p, json_t *d, gmx_esc_site *site)
{
    gmx_str code = string_of(d, "code"), msg = string_of(d, "message");
    if (gmx_str_eq_cstr(code, "leak")) {
        gmx_str function;
        if (gmx_esc_header(msg, &site->what, &function) == ESC_HEADER_NONE &&
            !(gmx_str_starts(msg, "parameter ") && gmx_str_find(msg, " leaks to ") != SIZE_MAX))
            return false;
        size_t at = gmx_str_find(msg, " leaks to ");
        site->kind = GMX_ESC_LEAK_PARAM;
        site->what = gmx_str_sub(msg, 10, at);
        site->detail = gmx_str_sub(msg, at + 1, msg.n);
    } else if (gmx_str_eq_cstr(code, "escape") || gmx_str_eq_cstr(code, "escapes")) {
        if (!gmx_esc_site_message(msg, &site->kind, &site->what, &site->detail) ||
            site->kind != GMX_ESC_ESCAPES)
            return false;
    } else {
        return false;
    }
    steps_of(p, d, site);
    if (site->kind == GMX_ESC_ESCAPES && address_flows(site))
        site->kind = GMX_ESC_MOVED;
    if (site->nsteps)
        p->info->level = 2;
    return true;
}

static int diagnostic(json_parser *p, json_t *d, uint64_t lineno)
{
    gmx_esc_site site;
    memset(&site, 0, sizeof(site));
    p->info->diagnostics++;
    if (!site_of(p, d, &site))
        return 0;
    site.file = string_of(p->header, "file");
    site.package = string_of(p->header, "package");
    site.line = start_of(d, "line");
    site.column = start_of(d, "character");
    site.input_line = lineno;
    p->info->sites[site.kind]++;
    return p->fn ? p->fn(p->ctx, &site) : 0;
}

static gmx_code parse_lines(json_parser *p, gmx_cursor *c, gmx_error *err)
{
    gmx_str line;
    while (gmx_cursor_next(c, &line)) {
        if (!gmx_str_trim(line).n)
            continue;
        json_error_t je;
        json_t *d = json_loadb(line.p, line.n, 0, &je);
        if (!d) {
            if (gmx_cursor_eof(c)) {
                p->info->partial = true;
                return GMX_OK;
            }
            return gmx_error_set_at_line(err, GMX_EFORMAT, p->name, c->line,
                                         "not a JSON line of a -json=0 compiler log: %s", je.text);
        }
        int rc = json_is_object(d) ? diagnostic(p, d, c->line) : 0;
        json_decref(d);
        if (rc) {
            return gmx_error_set_at_line(err, (gmx_code)rc, p->name, c->line,
                                         "stopped at this line");
        }
    }
    return GMX_OK;
}

bool gmx_escape_json_sniff(const void *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < 4096 ? len : 4096);
    gmx_str line;
    return gmx_cursor_next(&c, &line) && gmx_str_starts(line, "{") &&
           gmx_str_find(line, "\"version\"") != SIZE_MAX &&
           gmx_str_find(line, "\"file\"") != SIZE_MAX;
}

gmx_code gmx_escape_parse_json(const char *name, const void *data, size_t len, gmx_esc_fn fn,
                               void *ctx, gmx_esc_info *info, gmx_error *err)
{
    json_parser p = { .name = name, .fn = fn, .ctx = ctx, .info = info };
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    json_error_t je;
    gmx_cursor_next(&c, &line);
    p.header = json_loadb(line.p, line.n, 0, &je);
    if (!json_is_object(p.header)) {
        json_decref(p.header);
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 1,
                                     "not a -json=0 compiler log: the header line is no JSON "
                                        "object");
    }
    gmx_code rc = parse_lines(&p, &c, err);
    info->lines = c.line;
    json_decref(p.header);
    return rc;
}
