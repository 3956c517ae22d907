/* The page itself: the data (the report document and the flame graphs) as
 * JSON inside a <script type="application/json">, the page's own style and
 * script inline, and a Content-Security-Policy that lets only those two run
 * (their SHA-256 computed here, over the very bytes written). */
#include "gomemdx/html.h"

#include <stdio.h>
#include <string.h>

#include "report/flame_sources.h"
#include "report_assets.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/sha256.h"

struct gmx_html {
    char *command;
    char *report;
    size_t report_len;
    gmx_buf goroutine_flame; /* JSON objects, empty when not added */
    gmx_buf heap_flame;
    unsigned refresh_seconds;
};

gmx_html *gmx_html_new(const char *command)
{
    gmx_html *h = gmx_calloc(1, sizeof(*h));
    size_t n = strlen(command);
    if (!h || !(h->command = gmx_malloc(n + 1))) {
        gmx_free(h);
        return NULL;
    }
    memcpy(h->command, command, n + 1);
    gmx_buf_init(&h->goroutine_flame, 0);
    gmx_buf_init(&h->heap_flame, 0);
    return h;
}

void gmx_html_free(gmx_html *h)
{
    if (!h)
        return;
    gmx_free(h->command);
    gmx_free(h->report);
    gmx_buf_release(&h->goroutine_flame);
    gmx_buf_release(&h->heap_flame);
    gmx_free(h);
}

static gmx_code out_of_memory(gmx_error *err)
{
    return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering HTML");
}

gmx_code gmx_html_set_report(gmx_html *h, const char *json, size_t len, gmx_error *err)
{
    char *copy = gmx_malloc(len + 1);
    if (!copy)
        return out_of_memory(err);
    memcpy(copy, json, len);
    copy[len] = '\0';
    gmx_free(h->report);
    h->report = copy;
    h->report_len = len;
    return GMX_OK;
}

static gmx_code keep_flame(gmx_buf *into, gmx_flame *fl, const char *unit, const char *label,
                           gmx_error *err)
{
    if (!fl)
        return out_of_memory(err);
    gmx_buf_clear(into);
    gmx_json j;
    gmx_json_init(&j, into);
    gmx_flame_json(fl, unit, label, &j);
    gmx_flame_free(fl);
    return into->failed ? out_of_memory(err) : GMX_OK;
}

gmx_code gmx_html_add_goroutines(gmx_html *h, const gmx_gbuckets *set, const gmx_findings *f,
                                 gmx_error *err)
{
    return keep_flame(&h->goroutine_flame, gmx_flame_of_goroutines(set, f), "goroutines",
                      "goroutines by stack, coloured by what they wait on", err);
}

gmx_code gmx_html_add_heap(gmx_html *h, const gmx_hsnapshot *first, const gmx_hsnapshot *last,
                           gmx_error *err)
{
    const char *label = first && first != last
                            ? "growth of in-use bytes from the first heap profile to the last "
                              "(stacks that shrank left out)"
                            : "in-use bytes by allocation stack";
    return keep_flame(&h->heap_flame, gmx_flame_of_heap(first != last ? first : NULL, last),
                      "bytes", label, err);
}

gmx_code gmx_html_add_profile(gmx_html *h, const gmx_profile *p, const gmx_profile *base,
                              int sample_index, gmx_error *err)
{
    gmx_flame *fl = NULL;
    gmx_code rc = gmx_flame_of_profile(p, base, sample_index, &fl, err);
    if (rc != GMX_OK)
        return rc;
    const gmx_pvalue_type *type = &gmx_profile_get_info(p)->sample_types[sample_index];
    char unit[64], label[160];
    snprintf(unit, sizeof(unit), "%.*s", (int)(type->unit.n < 40 ? type->unit.n : 40), type->unit.p);
    snprintf(label, sizeof(label), "%.*s by stack%s", (int)(type->type.n < 60 ? type->type.n : 60),
             type->type.p, base ? ", minus the base profile (stacks that shrank left out)" : "");
    return keep_flame(&h->heap_flame, fl, unit, label, err);
}

void gmx_html_set_refresh(gmx_html *h, unsigned seconds)
{
    h->refresh_seconds = seconds;
}

/* Data inside <script> must not end it nor open a comment; JSON allows
 * \u escapes inside strings, and these characters occur nowhere else. */
static void put_script_safe(gmx_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<')
            gmx_buf_puts(b, "\\u003c");
        else if (c == '>')
            gmx_buf_puts(b, "\\u003e");
        else if (c == '&')
            gmx_buf_puts(b, "\\u0026");
        else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            gmx_buf_puts(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else
            gmx_buf_putc(b, (char)c);
    }
}

static void put_data(gmx_buf *page, const gmx_html *h)
{
    gmx_buf d;
    gmx_buf_init(&d, 0);
    gmx_json j;
    gmx_json_init(&j, &d);
    gmx_json_object_begin(&j);
    gmx_json_key(&j, "schema");
    gmx_json_cstring(&j, "gomemdx/html/1");
    gmx_json_key(&j, "command");
    gmx_json_cstring(&j, h->command);
    gmx_json_object_end(&j);
    /* The parts already written as JSON go in before the closing brace. */
    while (d.len && d.data[d.len - 1] != '}')
        d.len--;
    if (d.len)
        d.len--;
    while (d.len && (d.data[d.len - 1] == '\n' || d.data[d.len - 1] == ' '))
        d.len--;
    if (h->report) {
        gmx_buf_puts(&d, ",\n  \"report\": ");
        gmx_buf_append(&d, h->report, h->report_len);
    }
    if (h->goroutine_flame.len) {
        gmx_buf_puts(&d, ",\n  \"goroutine_flame\": ");
        gmx_buf_append(&d, h->goroutine_flame.data, h->goroutine_flame.len);
    }
    if (h->heap_flame.len) {
        gmx_buf_puts(&d, ",\n  \"heap_flame\": ");
        gmx_buf_append(&d, h->heap_flame.data, h->heap_flame.len);
    }
    gmx_buf_puts(&d, "\n}\n");
    if (d.failed)
        page->failed = 1;
    else
        put_script_safe(page, d.data, d.len);
    gmx_buf_release(&d);
}

gmx_code gmx_html_render(const gmx_html *h, char **out, size_t *len, gmx_error *err)
{
    char script_hash[GMX_SHA256_BASE64_SIZE], style_hash[GMX_SHA256_BASE64_SIZE];
    gmx_sha256_base64(report_js, sizeof(report_js), script_hash);
    gmx_sha256_base64(report_css, sizeof(report_css), style_hash);
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_buf_printf(&b,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "script-src 'sha256-%s'; style-src 'sha256-%s'; img-src data:; "
                   "base-uri 'none'; form-action 'none'\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"gomemdx\">\n",
                   script_hash, style_hash);
    if (h->refresh_seconds)
        gmx_buf_printf(&b, "<meta http-equiv=\"refresh\" content=\"%u\">\n", h->refresh_seconds);
    gmx_buf_printf(&b, "<title>gomemdx %s report</title>\n<style>", h->command);
    gmx_buf_append(&b, report_css, sizeof(report_css));
    gmx_buf_puts(&b, "</style>\n</head>\n<body>\n"
                     "<noscript><p>This report draws itself with its own inline script "
                     "(it loads nothing): open it in a browser with JavaScript on.</p></noscript>\n"
                     "<main id=\"app\"></main>\n"
                     "<script type=\"application/json\" id=\"data\">");
    put_data(&b, h);
    gmx_buf_puts(&b, "</script>\n<script>");
    gmx_buf_append(&b, report_js, sizeof(report_js));
    gmx_buf_puts(&b, "</script>\n</body>\n</html>\n");
    if (b.failed) {
        gmx_buf_release(&b);
        return out_of_memory(err);
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}
