#include "report/text_finding.h"
#include "util/fmt.h"

#include <string.h>

void gmx_text_paint(gmx_text *t, const char *code)
{
    if (t->color)
        gmx_buf_puts(t->b, code);
}

void gmx_text_str(gmx_text *t, gmx_str s)
{
    gmx_buf_append(t->b, s.p, s.n);
}

static void put_site(gmx_text *t, const gmx_site *s)
{
    gmx_text_str(t, s->function);
    gmx_buf_puts(t->b, "  ");
    gmx_text_paint(t, C_DIM);
    gmx_text_str(t, s->file);
    gmx_buf_printf(t->b, ":%u", s->line);
    gmx_text_paint(t, C_RESET);
    gmx_buf_putc(t->b, '\n');
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
    gmx_buf_puts(t->b, "   state:      ");
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
        gmx_buf_printf(t->b, "; waiting %u–%u min (median %u)", b->wait_min, b->wait_max,
                       b->wait_median);
    if (b->leaked) {
        if (recorded)
            gmx_buf_puts(t->b, "; ");
        gmx_fmt_count(t->b, b->leaked);
        gmx_buf_puts(t->b, " proven leaked by the GC");
    }
    gmx_buf_putc(t->b, '\n');
    if (b->nlabels) {
        gmx_buf_puts(t->b, "   labels:     ");
        gmx_text_str(t, b->labels[0].labels);
        if (b->nlabels > 1)
            gmx_buf_printf(t->b, " (+%u more)", b->nlabels - 1);
        gmx_buf_putc(t->b, '\n');
    }
}

static void put_series(gmx_text *t, const gmx_finding *fd)
{
    gmx_buf_puts(t->b, "   over time:  ");
    for (uint32_t i = 0; i < fd->nseries; i++) {
        if (i)
            gmx_buf_puts(t->b, " → ");
        gmx_fmt_count(t->b, fd->series[i]);
    }
    gmx_buf_putc(t->b, '\n');
}

static void put_stack(gmx_text *t, const gmx_gbucket *b, unsigned max)
{
    gmx_buf_puts(t->b, "   stack:\n");
    for (uint32_t i = 0; i < b->nframes && i < max; i++) {
        gmx_buf_puts(t->b, "     ");
        gmx_text_str(t, b->frames[i].func);
        gmx_buf_puts(t->b, "  ");
        gmx_text_paint(t, C_DIM);
        gmx_text_str(t, b->frames[i].file);
        gmx_buf_printf(t->b, ":%u", b->frames[i].line);
        gmx_text_paint(t, C_RESET);
        gmx_buf_putc(t->b, '\n');
    }
    if (b->nframes > max)
        gmx_buf_printf(t->b, "     ... %u more frames\n", b->nframes - max);
}

/* Wraps advice at about 92 columns under a "   fix:" label. */
static void put_advice(gmx_text *t, const char *advice)
{
    enum { INDENT = 15, WIDTH = 92 };
    gmx_buf_puts(t->b, "   fix:        ");
    size_t col = INDENT;
    for (const char *p = advice; *p;) {
        while (*p == ' ')
            p++;
        const char *sp = strchr(p, ' ');
        size_t w = sp ? (size_t)(sp - p) : strlen(p);
        if (!w)
            break;
        if (col > INDENT && col + 1 + w > WIDTH) {
            gmx_buf_printf(t->b, "\n%*s", INDENT, "");
            col = INDENT;
        } else if (col > INDENT) {
            gmx_buf_putc(t->b, ' ');
            col++;
        }
        gmx_buf_append(t->b, p, w);
        col += w;
        p += w;
    }
    gmx_buf_putc(t->b, '\n');
}

void gmx_text_finding_head(gmx_text *t, const gmx_finding *fd)
{
    gmx_text_paint(t, C_BOLD);
    gmx_buf_printf(t->b, "#%u ", fd->rank);
    gmx_text_paint(t, severity_color(fd->severity));
    put_upper(t, fd->healthy ? "healthy" : gmx_severity_name(fd->severity));
    gmx_text_paint(t, C_RESET);
    gmx_text_paint(t, C_BOLD);
    if (fd->category != GMX_CAT_NONE)
        gmx_buf_printf(t->b, " %s", gmx_category_id(fd->category));
    gmx_buf_puts(t->b, ": ");
    gmx_text_str(t, fd->title);
    gmx_text_paint(t, C_RESET);
    gmx_buf_putc(t->b, '\n');
    if (fd->has_site) {
        gmx_buf_puts(t->b, fd->site_is_mechanism ? "   mechanism:  " : "   site:       ");
        put_site(t, &fd->site);
    }
    if (fd->has_created_by) {
        gmx_buf_puts(t->b, "   created by: ");
        put_site(t, &fd->created_by);
    }
}

void gmx_text_advice(gmx_text *t, const gmx_finding *fd)
{
    const char *advice = fd->advice && t->zh ? gmx_category_advice_zh(fd->category) : fd->advice;
    if (advice)
        put_advice(t, advice);
}

void gmx_text_finding(gmx_text *t, const gmx_finding *fd, unsigned max_frames)
{
    gmx_text_finding_head(t, fd);
    if (fd->bucket)
        put_state(t, fd->bucket);
    if (fd->nseries > 1)
        put_series(t, fd);
    if (fd->bucket && fd->bucket->nframes)
        put_stack(t, fd->bucket, max_frames);
    gmx_text_advice(t, fd);
    gmx_buf_putc(t->b, '\n');
}

