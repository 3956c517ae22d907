/* Events as CSV (RFC 4180 within a line): a header naming the columns
 * time, kind and description in any order (others are ignored), then one
 * row per event. Fields may be quoted ("a, b" and "" for a quote); CRLF
 * line ends are accepted. A quoted field cannot span lines. */
#include "parse/events.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/str.h"

#include <strings.h>

#define MAX_FIELDS 64

typedef struct row {
    gmx_buf text;                 /* the unquoted fields, back to back */
    size_t start[MAX_FIELDS], len[MAX_FIELDS];
    size_t n;
} row;

typedef struct columns {
    size_t time, kind, description;
} columns;

/* One field at line[*i] (quoted or not) appended to r; moves past its
 * separating comma. Returns an error message or NULL. */
static const char *field(row *r, gmx_str line, size_t *i)
{
    if (r->n == MAX_FIELDS)
        return "too many fields";
    r->start[r->n] = r->text.len;
    bool quoted = *i < line.n && line.p[*i] == '"';
    size_t k = *i + quoted;
    for (; k < line.n; k++) {
        char c = line.p[k];
        if (quoted && c == '"') {
            if (k + 1 < line.n && line.p[k + 1] == '"')
                k++;
            else
                break;
        } else if (!quoted && c == ',') {
            break;
        }
        gmx_buf_putc(&r->text, c);
    }
    if (quoted && k >= line.n)
        return "unterminated quoted field (quoted fields cannot span lines)";
    k += quoted; /* the closing quote */
    if (quoted && k < line.n && line.p[k] != ',')
        return "text after a closing quote";
    if (r->text.failed)
        return "line too long";
    r->len[r->n] = r->text.len - r->start[r->n];
    r->n++;
    *i = k + 1;
    return NULL;
}

static const char *split(row *r, gmx_str line)
{
    gmx_buf_clear(&r->text);
    r->n = 0;
    size_t i = 0;
    while (i <= line.n) {
        const char *msg = field(r, line, &i);
        if (msg)
            return msg;
    }
    return NULL;
}

static gmx_str at(const row *r, size_t i)
{
    return gmx_str_make(r->text.data ? r->text.data + r->start[i] : "", r->len[i]);
}

static bool column_is(gmx_str s, const char *name)
{
    s = gmx_str_trim(s);
    return s.n == strlen(name) && strncasecmp(s.p, name, s.n) == 0;
}

static const char *find_columns(const row *r, columns *c)
{
    c->time = c->kind = c->description = SIZE_MAX;
    for (size_t i = 0; i < r->n; i++) {
        gmx_str s = at(r, i);
        if (column_is(s, "time"))
            c->time = i;
        else if (column_is(s, "kind"))
            c->kind = i;
        else if (column_is(s, "description"))
            c->description = i;
    }
    if (c->time == SIZE_MAX || c->kind == SIZE_MAX || c->description == SIZE_MAX)
        return "header must name the columns time, kind and description";
    return NULL;
}

static gmx_code fail(gmx_error *err, const char *name, uint64_t line, const char *msg)
{
    return gmx_error_set_at_line(err, GMX_EFORMAT, name, line, "%s", msg);
}

static gmx_code rows(const char *name, gmx_cursor *cur, row *r, gmx_event_fn fn, void *ctx,
                     gmx_error *err)
{
    gmx_str line;
    columns c = { 0 }; /* set by the header row before any data row reads it */
    bool header = true;
    while (gmx_cursor_next(cur, &line)) {
        if (cur->line == 1 && gmx_str_starts(line, "\xEF\xBB\xBF"))
            line = gmx_str_sub(line, 3, line.n); /* UTF-8 byte order mark */
        if (gmx_str_trim(line).n == 0)
            continue;
        const char *msg = split(r, line);
        if (!msg && header)
            msg = find_columns(r, &c);
        else if (!msg && (r->n <= c.time || r->n <= c.kind || r->n <= c.description))
            msg = "row has fewer fields than the header";
        if (msg)
            return fail(err, name, cur->line, msg);
        if (header) {
            header = false;
            continue;
        }
        gmx_event ev;
        gmx_code rc = gmx_event_from_row(name, cur->line, at(r, c.time), at(r, c.kind),
                                         at(r, c.description), &ev, err);
        if (rc || (rc = gmx_event_emit(name, fn, ctx, &ev, err)) != GMX_OK)
            return rc;
    }
    return header ? fail(err, name, 1, "empty events file (expected a time,kind,description "
                                       "header)")
                  : GMX_OK;
}

gmx_code gmx_events_scan_csv(const char *name, const void *data, size_t len, gmx_event_fn fn,
                             void *ctx, gmx_error *err)
{
    gmx_cursor cur;
    gmx_cursor_init(&cur, data, len);
    row r;
    gmx_buf_init(&r.text, GMX_EVENTS_MAX_RECORD);
    gmx_code rc = rows(name, &cur, &r, fn, ctx, err);
    gmx_buf_release(&r.text);
    return rc;
}
