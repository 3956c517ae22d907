/* `list` as `go tool pprof -list` prints it (pprof's printSource): values
 * in the best unit for each value on its own (pprof does not pick one
 * output unit for listings), "." for zero, and the source text beside each
 * line from the function's start to 5 lines past its last sampled line. */
#include "gomemdx/plist.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"
#include "report/ptop_legend.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static const char *value(const gmx_plist *l, int64_t v, char *buf, size_t n)
{
    gmx_pprof_scaled(buf, n, v, l->sample_type.unit, "minimum");
    return buf;
}

static const char *value_or_dot(const gmx_plist *l, int64_t v, char *buf, size_t n)
{
    return v == 0 ? "." : value(l, v, buf, n);
}

static void line_row(gmx_buf *b, const gmx_plist *l, int64_t lineno, int64_t flat, int64_t cum,
                     gmx_str text)
{
    char f[64], c[64];
    gmx_buf_printf(b, "%10s %10s %6lld:", value_or_dot(l, flat, f, sizeof(f)),
                   value_or_dot(l, cum, c, sizeof(c)), (long long)lineno);
    gmx_buf_put_visible(b, text.p, text.n);
    gmx_buf_putc(b, '\n');
}

static void file_listing(gmx_buf *b, const gmx_plist *l, const gmx_source_lines *src,
                         const gmx_plist_function *fn, const gmx_plist_file *f)
{
    char flat[64], cum[64], pct[32];
    gmx_pprof_percent(pct, sizeof(pct), f->cum, l->total);
    gmx_buf_puts(b, "ROUTINE ======================== ");
    gmx_buf_put_visible(b, fn->name.p, fn->name.n);
    gmx_buf_puts(b, " in ");
    gmx_buf_put_visible(b, f->file.p, f->file.n);
    gmx_buf_putc(b, '\n');
    gmx_buf_printf(b, "%10s %10s (flat, cum) %s of Total\n", value(l, f->flat, flat, sizeof(flat)),
                   value(l, f->cum, cum, sizeof(cum)), pct);
    gmx_str text;
    const char *why = "no source reader";
    int got = src ? src->line(src->ctx, f->file, f->first, &text, &why) : -1;
    if (got == -2) {
        b->failed = true; /* out of memory: the rendering fails */
        return;
    }
    if (got < 0) {
        gmx_buf_printf(b, " Error: %s\n", why);
        /* Without the text, the values per line are still worth showing. */
        for (size_t i = 0; i < f->nlines; i++)
            line_row(b, l, f->lines[i].line, f->lines[i].flat, f->lines[i].cum,
                     (gmx_str){ "", 0 });
        return;
    }
    size_t next = 0;
    for (int64_t n = f->first; n <= f->last && got > 0; n++) {
        if (n > f->first && (got = src->line(src->ctx, f->file, n, &text, &why)) <= 0) {
            b->failed |= got == -2;
            break;
        }
        while (next < f->nlines && f->lines[next].line < n)
            next++;
        bool sampled = next < f->nlines && f->lines[next].line == n;
        line_row(b, l, n, sampled ? f->lines[next].flat : 0, sampled ? f->lines[next].cum : 0,
                 text);
    }
}

gmx_code gmx_render_plist_text(const gmx_plist *l, const gmx_source_lines *src, char **out,
                               size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    char total[64];
    gmx_buf_printf(&b, "Total: %s\n", value(l, l->total, total, sizeof(total)));
    for (size_t i = 0; i < l->nfunctions; i++) {
        const gmx_plist_function *fn = &l->functions[i];
        if (fn->nfiles == 0) {
            gmx_buf_puts(&b, "No source information for ");
            gmx_buf_put_visible(&b, fn->name.p, fn->name.n);
            gmx_buf_putc(&b, '\n');
        }
        for (size_t k = 0; k < fn->nfiles; k++)
            file_listing(&b, l, src, fn, &fn->files[k]);
    }
    return gmx_ptext_finish(&b, out, len, err);
}

gmx_code gmx_render_plist_json(const gmx_plist *l, char **out, size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_ptext_json_begin(&j, &b, "gomemdx/list/1", l->profile, l->sample_type, l->total);
    gmx_json_key(&j, "functions");
    gmx_json_array_begin(&j);
    for (size_t i = 0; i < l->nfunctions; i++) {
        const gmx_plist_function *fn = &l->functions[i];
        gmx_json_object_begin(&j);
        gmx_json_key(&j, "name");
        gmx_json_string(&j, fn->name);
        gmx_json_key(&j, "files");
        gmx_json_array_begin(&j);
        for (size_t k = 0; k < fn->nfiles; k++) {
            const gmx_plist_file *f = &fn->files[k];
            gmx_json_object_begin(&j);
            gmx_json_key(&j, "file");
            gmx_json_string(&j, f->file);
            gmx_json_key(&j, "flat");
            gmx_json_int(&j, f->flat);
            gmx_json_key(&j, "cum");
            gmx_json_int(&j, f->cum);
            gmx_json_key(&j, "lines");
            gmx_json_array_begin(&j);
            for (size_t n = 0; n < f->nlines; n++) {
                gmx_json_object_begin(&j);
                gmx_json_key(&j, "line");
                gmx_json_int(&j, f->lines[n].line);
                gmx_json_key(&j, "flat");
                gmx_json_int(&j, f->lines[n].flat);
                gmx_json_key(&j, "cum");
                gmx_json_int(&j, f->lines[n].cum);
                gmx_json_object_end(&j);
            }
            gmx_json_array_end(&j);
            gmx_json_object_end(&j);
        }
        gmx_json_array_end(&j);
        gmx_json_object_end(&j);
    }
    gmx_json_array_end(&j);
    gmx_json_object_end(&j);
    gmx_buf_putc(&b, '\n');
    return gmx_ptext_finish(&b, out, len, err);
}
