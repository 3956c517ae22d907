#include "report/text_finding.h"
#include "report/markdown.h"
#include "util/fmt.h"
#include "util/wrap.h"

#include <string.h>

void gmx_text_paint(gmx_text *t, const char *code)
{
    if (t->color)
        gmx_buf_puts(t->b, code);
}

void gmx_text_str(gmx_text *t, gmx_str s)
{
    gmx_buf_put_visible(t->b, s.p, s.n);
}

enum { LABEL_COLUMNS = 15, ADVICE_WIDTH = 92, MIN_WIDTH = LABEL_COLUMNS + 20 };

/* The terminal's width when asked, never so narrow the labels eat it. */
static size_t prose_width(const gmx_text *t)
{
    if (!t->width)
        return ADVICE_WIDTH;
    return t->width < MIN_WIDTH ? MIN_WIDTH : t->width;
}

/* "   site:       " or "   位置：      ": a field's label, in the report's
 * language, padded to the column its value starts in. */
void gmx_text_label(gmx_text *t, const char *en, const char *zh)
{
    const char *name = t->zh ? zh : en;
    if (t->md) {
        gmx_buf_printf(t->b, "- **%s%s** ", name, t->zh ? "：" : ":");
        return;
    }
    gmx_buf_puts(t->b, "   ");
    gmx_buf_puts(t->b, name);
    gmx_buf_puts(t->b, t->zh ? "：" : ":");
    size_t col = 3 + gmx_wrap_width(name, strlen(name)) + (t->zh ? 2 : 1);
    do
        gmx_buf_putc(t->b, ' ');
    while (++col < LABEL_COLUMNS);
}

/* The label of a list that follows on the next lines (a stack). */
static void put_list_label(gmx_text *t, const char *en, const char *zh)
{
    gmx_buf_printf(t->b, t->md ? "- **%s%s**\n" : "   %s%s\n", t->zh ? zh : en, t->zh ? "：" : ":");
}

static void put_site(gmx_text *t, const gmx_site *s)
{
    if (t->md) {
        gmx_buf_putc(t->b, '`');
        gmx_text_str(t, s->function);
        gmx_buf_puts(t->b, "` `");
        gmx_text_str(t, s->file);
        gmx_buf_printf(t->b, ":%u`\n", s->line);
        return;
    }
    gmx_text_str(t, s->function);
    if (!s->file.n && !s->line) { /* a function name alone (a pprof -top row) */
        gmx_buf_putc(t->b, '\n');
        return;
    }
    gmx_buf_puts(t->b, "  ");
    gmx_text_paint(t, C_DIM);
    gmx_text_str(t, s->file);
    gmx_buf_printf(t->b, ":%u", s->line);
    gmx_text_paint(t, C_RESET);
    gmx_buf_putc(t->b, '\n');
}

/* One frame of a stack, indented under its label. */
static void put_frame(gmx_text *t, const gmx_frame *f)
{
    gmx_buf_puts(t->b, t->md ? "  - " : "     ");
    put_site(t, &(gmx_site){ f->func, f->file, f->line });
}

static const char *severity_color(gmx_severity s)
{
    return s == GMX_SEV_CRITICAL ? C_RED : s == GMX_SEV_WARNING ? C_YELLOW : C_CYAN;
}

static void put_upper(gmx_text *t, const char *s)
{
    for (; *s; s++)
        gmx_buf_putc(t->b, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s));
}

static void put_state(gmx_text *t, const gmx_gbucket *b)
{
    bool recorded = b->nstates && b->states[0].status.n;
    if (!recorded && !b->leaked)
        return; /* the format did not record it */
    gmx_text_label(t, "state", "状态");
    for (uint32_t i = 0; recorded && i < b->nstates && i < 4; i++) {
        if (i)
            gmx_buf_puts(t->b, ", ");
        gmx_text_str(t, b->states[i].status);
        if (b->nstates > 1) {
            gmx_buf_puts(t->b, " ×");
            gmx_fmt_count(t->b, b->states[i].count);
        }
    }
    if (b->wait_max)
        gmx_buf_printf(t->b, t->zh ? "；已等待 %u–%u min（中位数 %u）" : "; waiting %u–%u min (median %u)",
                       b->wait_min, b->wait_max, b->wait_median);
    if (b->leaked) {
        if (recorded)
            gmx_buf_puts(t->b, t->zh ? "；" : "; ");
        if (t->zh)
            gmx_buf_puts(t->b, "其中 ");
        gmx_fmt_count(t->b, b->leaked);
        gmx_buf_puts(t->b, t->zh ? " 个已被 GC 证实泄露" : " proven leaked by the GC");
    }
    gmx_buf_putc(t->b, '\n');
    if (b->nlabels) {
        gmx_text_label(t, "labels", "标签");
        gmx_text_str(t, b->labels[0].labels);
        if (b->nlabels > 1)
            gmx_buf_printf(t->b, t->zh ? "（另有 %u 组）" : " (+%u more)", b->nlabels - 1);
        gmx_buf_putc(t->b, '\n');
    }
}

static void put_series(gmx_text *t, const gmx_finding *fd)
{
    gmx_text_label(t, "over time", "随时间");
    for (uint32_t i = 0; i < fd->nseries; i++) {
        if (i)
            gmx_buf_puts(t->b, " → ");
        gmx_fmt_count(t->b, fd->series[i]);
    }
    gmx_buf_putc(t->b, '\n');
}

/* "... 3 more frames" under a stack cut at max. */
static void put_more_frames(gmx_text *t, uint32_t n, unsigned max)
{
    if (n <= max)
        return;
    gmx_buf_puts(t->b, t->md ? "  - " : "     ");
    gmx_buf_printf(t->b, t->zh ? "……另有 %u 帧\n" : "... %u more frames\n", n - max);
}

static void put_stack(gmx_text *t, const gmx_gbucket *b, unsigned max)
{
    put_list_label(t, "stack", "调用栈");
    for (uint32_t i = 0; i < b->nframes && i < max; i++)
        put_frame(t, &b->frames[i]);
    put_more_frames(t, b->nframes, max);
}

/* A heap finding's allocating stack: the user's frames, then the standard
 * library's under a rule, so the eye lands on the code to change. */
static void put_alloc_stack(gmx_text *t, const gmx_finding *fd, unsigned max)
{
    put_list_label(t, "allocated at", "分配调用栈");
    for (uint32_t shown = 0; shown < fd->nstack && shown < max; shown++) {
        if (shown == fd->nstack_user && shown) {
            gmx_buf_puts(t->b, t->md ? "  - *" : "     ");
            gmx_buf_puts(t->b, t->zh ? "（以下为标准库与运行时）" : "(standard library and runtime below)");
            gmx_buf_puts(t->b, t->md ? "*\n" : "\n");
        }
        put_frame(t, &fd->stack[shown]);
    }
    put_more_frames(t, fd->nstack, max);
}

/* Advice under a "fix:" label, wrapped by display width at about 92 columns. */
static void put_advice(gmx_text *t, const char *advice)
{
    gmx_text_label(t, "fix", "修复");
    if (t->md)
        gmx_buf_puts(t->b, advice);
    else
        gmx_wrap(t->b, advice, LABEL_COLUMNS, LABEL_COLUMNS, prose_width(t));
    gmx_buf_putc(t->b, '\n');
}

void gmx_text_finding_head(gmx_text *t, const gmx_finding *fd)
{
    gmx_text_paint(t, C_BOLD);
    if (t->md)
        gmx_buf_puts(t->b, "#### ");
    gmx_buf_printf(t->b, "#%u ", fd->rank);
    gmx_text_paint(t, severity_color(fd->severity));
    static const char *const severity_zh[] = { "提示", "警告", "严重" };
    if (t->zh)
        gmx_buf_puts(t->b, fd->healthy ? "健康" : severity_zh[fd->severity]);
    else
        put_upper(t, fd->healthy ? "healthy" : gmx_severity_name(fd->severity));
    gmx_text_paint(t, C_RESET);
    gmx_text_paint(t, C_BOLD);
    if (fd->category != GMX_CAT_NONE)
        gmx_buf_printf(t->b, t->md ? " `%s`" : " %s", gmx_category_id(fd->category));
    gmx_buf_puts(t->b, t->zh ? "：" : ": ");
    gmx_text_str(t, t->zh && fd->title_zh.n ? fd->title_zh : fd->title);
    gmx_text_paint(t, C_RESET);
    gmx_buf_puts(t->b, t->md ? "\n\n" : "\n");
    if (fd->has_site) {
        if (fd->site_is_mechanism)
            gmx_text_label(t, "mechanism", "机制");
        else
            gmx_text_label(t, "site", "位置");
        put_site(t, &fd->site);
    }
    if (fd->has_created_by) {
        gmx_text_label(t, "created by", "创建者");
        put_site(t, &fd->created_by);
    }
}

void gmx_text_advice(gmx_text *t, const gmx_finding *fd)
{
    const char *advice = fd->advice;
    if (advice && t->zh)
        advice = fd->advice_zh ? fd->advice_zh : gmx_category_advice_zh(fd->category);
    if (advice)
        put_advice(t, advice);
}

/* The evidence weighed, one line wrapped like advice, and the published
 * source of a catalogue verdict. */
static void put_why(gmx_text *t, const gmx_finding *fd)
{
    gmx_str why = t->zh && fd->why_zh.n ? fd->why_zh : fd->why;
    if (why.n) {
        gmx_text_label(t, "evidence", "依据");
        if (t->md)
            gmx_text_str(t, why);
        else
            gmx_wrap(t->b, why.p, LABEL_COLUMNS, LABEL_COLUMNS, prose_width(t));
        gmx_buf_putc(t->b, '\n');
    }
    if (fd->source) {
        gmx_text_label(t, "source", "出处");
        gmx_buf_puts(t->b, fd->source);
        gmx_buf_putc(t->b, '\n');
    }
}

/* A core's retained-by chain (evidence "retained_by"): the root, then each
 * object it reaches, one a line. */
static void put_retained_by(gmx_text *t, const gmx_finding *fd)
{
    for (uint32_t i = 0; i < fd->nevidence; i++) {
        const gmx_evidence *e = &fd->evidence[i];
        if (!e->list || strcmp(e->key, "retained_by") != 0)
            continue;
        put_list_label(t, "retained by", "持有链");
        const gmx_str *list = t->zh && e->list_zh ? e->list_zh : e->list;
        for (uint32_t k = 0; k < e->nlist; k++) {
            gmx_buf_puts(t->b, t->md ? "  - " : "     ");
            if (k)
                gmx_buf_puts(t->b, "→ ");
            if (t->md)
                gmx_md_code(t->b, list[k]);
            else
                gmx_text_str(t, list[k]);
            gmx_buf_putc(t->b, '\n');
        }
    }
}

void gmx_text_finding(gmx_text *t, const gmx_finding *fd, unsigned max_frames)
{
    gmx_text_finding_head(t, fd);
    if (fd->bucket)
        put_state(t, fd->bucket);
    put_why(t, fd);
    put_retained_by(t, fd);
    if (fd->nseries > 1)
        put_series(t, fd);
    if (fd->bucket && fd->bucket->nframes)
        put_stack(t, fd->bucket, max_frames);
    else if (fd->nstack && max_frames)
        put_alloc_stack(t, fd, max_frames);
    gmx_text_advice(t, fd);
    gmx_buf_putc(t->b, '\n');
}

