/* `list` as `go tool pprof -list` prints it (pprof's printSource): values
 * in the best unit for each value on its own (pprof does not pick one
 * output unit for listings), "." for zero, and the source text beside each
 * line from the function's start to 5 lines past its last sampled line.
 * In Markdown each routine is a heading over its listing in a fenced
 * block; in Chinese the headers are. */
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

static void file_lines(gmx_buf *b, const gmx_plist *l, const gmx_source_lines *src,
                       const gmx_plist_file *f)
{
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

/* The routine's header: pprof's ROUTINE line, or a Markdown heading. */
static void routine_header(gmx_buf *b, const ptext_ctx *c, const gmx_plist *l,
                           const gmx_plist_function *fn, const gmx_plist_file *f)
{
    char flat[64], cum[64], pct[32];
    gmx_pprof_percent(pct, sizeof(pct), f->cum, l->total);
    value(l, f->flat, flat, sizeof(flat));
    value(l, f->cum, cum, sizeof(cum));
    if (c->md) {
        gmx_buf_puts(b, "\n### ");
        gmx_md_code(b, fn->name);
        gmx_buf_puts(b, c->zh ? "，位于 " : " in ");
        gmx_md_code(b, f->file);
        gmx_buf_printf(b, c->zh ? "\n\nflat %s，cum %s，占总量的 %s\n"
                                : "\n\nflat %s, cum %s, %s of the total\n",
                       flat, cum, gmx_str_trim(gmx_str_cstr(pct)).p);
        return;
    }
    gmx_buf_puts(b, "ROUTINE ======================== ");
    gmx_buf_put_visible(b, fn->name.p, fn->name.n);
    gmx_buf_puts(b, " in ");
    gmx_buf_put_visible(b, f->file.p, f->file.n);
    gmx_buf_putc(b, '\n');
    gmx_buf_printf(b, c->zh ? "%10s %10s (flat, cum) 占总量的 %s\n"
                            : "%10s %10s (flat, cum) %s of Total\n", flat, cum, pct);
}

static void file_listing(gmx_buf *out, const ptext_ctx *c, const gmx_plist *l,
                         const gmx_source_lines *src, const gmx_plist_function *fn,
                         const gmx_plist_file *f)
{
    routine_header(out, c, l, fn, f);
    /* In Markdown the lines go to a block fenced once they are known. */
    gmx_buf block;
    gmx_buf_init(&block, 0);
    gmx_buf *b = c->md ? &block : out;
    file_lines(b, l, src, f);
    if (c->md)
        gmx_md_block(out, &block);
    gmx_buf_release(&block);
}
gmx_code gmx_render_plist_text(const gmx_plist *l, const gmx_source_lines *src,
                               const gmx_render_options *opts, char **out, size_t *len,
                               gmx_error *err)
{
    ptext_ctx c = { .zh = opts && opts->zh, .md = opts && opts->markdown };
    gmx_buf b;
    gmx_buf_init(&b, 0);
    char total[64];
    value(l, l->total, total, sizeof(total));
    if (c.md)
        gmx_ptext_md_heading(&b, &c, "Source lines by %s", "按 %s 列出的源码行", l->sample_type.type);
    gmx_buf_printf(&b, c.zh ? "总计：%s\n" : "Total: %s\n", total);
    for (size_t i = 0; i < l->nfunctions; i++) {
        const gmx_plist_function *fn = &l->functions[i];
        if (fn->nfiles == 0) {
            gmx_buf_puts(&b, c.md ? "\n" : "");
            gmx_buf_puts(&b, c.zh ? "没有源码信息：" : "No source information for ");
            if (c.md)
                gmx_md_code(&b, fn->name);
            else
                gmx_buf_put_visible(&b, fn->name.p, fn->name.n);
            gmx_buf_putc(&b, '\n');
        }
        for (size_t k = 0; k < fn->nfiles; k++)
            file_listing(&b, &c, l, src, fn, &fn->files[k]);
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
