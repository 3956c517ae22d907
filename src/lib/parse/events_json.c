/* Events as JSON: an array of objects with "time" (a string, or a number
 * of Unix seconds or milliseconds), "kind" and "description". libjansson
 * decodes one element at a time (JSON_DISABLE_EOF_CHECK tells how many
 * bytes it took), so each event knows the line it starts on and no more
 * than one object (at most GMX_EVENTS_MAX_RECORD bytes) is held at once. */
#include "parse/events.h"
#include "util/str.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef struct scanner {
    const char *name;
    const char *p;
    size_t len, pos;
    uint64_t line;       /* line of p[pos] */
} scanner;

/* Skips blanks, counting lines. */
static void blanks(scanner *s)
{
    for (; s->pos < s->len; s->pos++) {
        char c = s->p[s->pos];
        if (c == '\n')
            s->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            break;
    }
}

static void advance(scanner *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s->line += s->p[s->pos + i] == '\n';
    s->pos += n;
}

static gmx_code fail(gmx_error *err, const scanner *s, const char *msg)
{
    return gmx_error_set_at_line(err, GMX_EFORMAT, s->name, s->line, "%s", msg);
}

/* A member as text: strings as they are; numbers (times) formatted into
 * num when given. Missing or other types: empty. */
static gmx_str member(json_t *obj, const char *key, char *num, size_t numsz)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return gmx_str_make(json_string_value(v), json_string_length(v));
    if (num && json_is_integer(v))
        snprintf(num, numsz, "%lld", (long long)json_integer_value(v));
    else if (num && json_is_real(v))
        snprintf(num, numsz, "%.6f", json_real_value(v));
    else
        return gmx_str_make("", 0);
    return gmx_str_make(num, strlen(num));
}

static gmx_code element(scanner *s, gmx_event_fn fn, void *ctx, gmx_error *err)
{
    if (s->pos >= s->len || s->p[s->pos] != '{')
        return fail(err, s, "expected an object with time, kind and description");
    json_error_t je;
    size_t n = s->len - s->pos;
    json_t *obj = json_loadb(s->p + s->pos, n, JSON_DISABLE_EOF_CHECK, &je);
    if (!obj) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, s->name, s->line + (je.line > 1 ? (uint64_t)je.line - 1 : 0),
                                     "invalid JSON: %s", je.text);
    }
    gmx_code rc = GMX_OK;
    if ((size_t)je.position > GMX_EVENTS_MAX_RECORD) {
        rc = fail(err, s, "event object too large");
    } else {
        char num[32];
        gmx_event ev;
        rc = gmx_event_from_row(s->name, s->line, member(obj, "time", num, sizeof(num)),
                                member(obj, "kind", NULL, 0),
                                member(obj, "description", NULL, 0), &ev, err);
        if (rc == GMX_OK)
            rc = gmx_event_emit(s->name, fn, ctx, &ev, err);
    }
    json_decref(obj);
    if (rc == GMX_OK)
        advance(s, (size_t)je.position);
    return rc;
}

gmx_code gmx_events_scan_json(const char *name, const void *data, size_t len, gmx_event_fn fn,
                              void *ctx, gmx_error *err)
{
    scanner s = { name, data, len, 0, 1 };
    blanks(&s);
    if (s.pos >= len || s.p[s.pos] != '[')
        return fail(err, &s, "expected a JSON array of events");
    advance(&s, 1);
    for (bool first = true;; first = false) {
        blanks(&s);
        if (s.pos < len && s.p[s.pos] == ']' && first)
            break;
        gmx_code rc = element(&s, fn, ctx, err);
        if (rc)
            return rc;
        blanks(&s);
        if (s.pos < len && s.p[s.pos] == ']')
            break;
        if (s.pos >= len || s.p[s.pos] != ',')
            return fail(err, &s, "expected ',' or ']' after an event");
        advance(&s, 1);
    }
    advance(&s, 1);
    blanks(&s);
    return s.pos < len ? fail(err, &s, "unexpected text after the array") : GMX_OK;
}
