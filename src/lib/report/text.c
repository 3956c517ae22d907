/* The human report: inputs, the summary, then each finding most suspicious
 * first with its site, creator, state, history, stack and advice. */
#include "gomemdx/report.h"
#include "util/buf.h"
#include "util/fmt.h"

#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

typedef struct text {
    gmx_buf *b;
    bool color;
} text;

static void paint(text *t, const char *code)
{
    if (t->color)
        gmx_buf_puts(t->b, code);
}

static void put_str(text *t, gmx_str s)
{
    gmx_buf_append(t->b, s.p, s.n);
}

static void put_site(text *t, const gmx_site *s)
{
    put_str(t, s->function);
    gmx_buf_puts(t->b, "  ");
    paint(t, C_DIM);
    put_str(t, s->file);
    gmx_buf_printf(t->b, ":%u", s->line);
    paint(t, C_RESET);
    gmx_buf_putc(t->b, '\n');
}

static const char *severity_color(gmx_severity s)
{
    return s == GMX_SEV_CRITICAL ? C_RED : s == GMX_SEV_WARNING ? C_YELLOW : C_CYAN;
}

static void put_upper(text *t, const char *s)
{
    for (; *s; s++)
        gmx_buf_putc(t->b, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s));
}

static void put_state(text *t, const gmx_gbucket *b)
{
    bool recorded = b->nstates && b->states[0].status.n;
    if (!recorded && !b->leaked)
        return; /* the format did not record it */
    gmx_buf_puts(t->b, "   state:      ");
    for (uint32_t i = 0; recorded && i < b->nstates && i < 4; i++) {
        if (i)
            gmx_buf_puts(t->b, ", ");
        put_str(t, b->states[i].status);
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
        put_str(t, b->labels[0].labels);
        if (b->nlabels > 1)
            gmx_buf_printf(t->b, " (+%u more)", b->nlabels - 1);
        gmx_buf_putc(t->b, '\n');
    }
}

static void put_series(text *t, const gmx_finding *fd)
{
    gmx_buf_puts(t->b, "   over time:  ");
    for (uint32_t i = 0; i < fd->nseries; i++) {
        if (i)
            gmx_buf_puts(t->b, " → ");
        gmx_fmt_count(t->b, fd->series[i]);
    }
    gmx_buf_putc(t->b, '\n');
}

static void put_stack(text *t, const gmx_gbucket *b, unsigned max)
{
    gmx_buf_puts(t->b, "   stack:\n");
    for (uint32_t i = 0; i < b->nframes && i < max; i++) {
        gmx_buf_puts(t->b, "     ");
        put_str(t, b->frames[i].func);
        gmx_buf_puts(t->b, "  ");
        paint(t, C_DIM);
        put_str(t, b->frames[i].file);
        gmx_buf_printf(t->b, ":%u", b->frames[i].line);
        paint(t, C_RESET);
        gmx_buf_putc(t->b, '\n');
    }
    if (b->nframes > max)
        gmx_buf_printf(t->b, "     ... %u more frames\n", b->nframes - max);
}

/* Wraps advice at about 92 columns under a "   fix:" label. */
static void put_advice(text *t, const char *advice)
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

static void put_finding(text *t, const gmx_finding *fd, unsigned max_frames)
{
    paint(t, C_BOLD);
    gmx_buf_printf(t->b, "#%u ", fd->rank);
    paint(t, severity_color(fd->severity));
    put_upper(t, fd->healthy ? "healthy" : gmx_severity_name(fd->severity));
    paint(t, C_RESET);
    paint(t, C_BOLD);
    if (fd->category != GMX_CAT_NONE)
        gmx_buf_printf(t->b, " %s", gmx_category_id(fd->category));
    gmx_buf_puts(t->b, ": ");
    put_str(t, fd->title);
    paint(t, C_RESET);
    gmx_buf_putc(t->b, '\n');
    if (fd->has_site) {
        gmx_buf_puts(t->b, fd->site_is_mechanism ? "   mechanism:  " : "   site:       ");
        put_site(t, &fd->site);
    }
    if (fd->has_created_by) {
        gmx_buf_puts(t->b, "   created by: ");
        put_site(t, &fd->created_by);
    }
    if (fd->bucket)
        put_state(t, fd->bucket);
    if (fd->nseries > 1)
        put_series(t, fd);
    if (fd->bucket && fd->bucket->nframes)
        put_stack(t, fd->bucket, max_frames);
    if (fd->advice)
        put_advice(t, fd->advice);
    gmx_buf_putc(t->b, '\n');
}

gmx_code gmx_render_text(const gmx_findings *f, const gmx_render_options *opts, char **out,
                         size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    text t = { &b, opts && opts->color };
    bool all = opts && opts->show_healthy;
    unsigned max_frames = opts && opts->max_frames ? opts->max_frames : 12;

    for (size_t i = 0; i < gmx_findings_input_count(f); i++) {
        const gmx_input_note *in = gmx_findings_input_at(f, i);
        put_str(&t, in->name);
        gmx_buf_printf(&b, ": %s, ", in->kind);
        gmx_fmt_count(&b, in->goroutines);
        gmx_buf_puts(&b, in->goroutines == 1 ? " goroutine" : " goroutines");
        if (in->partial)
            gmx_buf_puts(&b, " (partial: the input ends inside a goroutine)");
        if (in->detail.n) {
            gmx_buf_puts(&b, "; ");
            put_str(&t, in->detail);
        }
        gmx_buf_putc(&b, '\n');
    }
    gmx_str summary = gmx_findings_summary(f);
    if (summary.n) {
        put_str(&t, summary);
        gmx_buf_putc(&b, '\n');
    }
    gmx_buf_putc(&b, '\n');

    size_t shown = 0, hidden = 0;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (!all && fd->healthy) {
            hidden++;
            continue;
        }
        put_finding(&t, fd, max_frames);
        shown++;
    }
    if (!shown)
        gmx_buf_puts(&b, "No suspicious goroutines.\n");
    hidden += gmx_findings_omitted(f);
    if (hidden)
        gmx_buf_printf(&b, "%zu healthy or unremarkable bucket%s not shown (--all shows them).\n",
                       hidden, hidden == 1 ? "" : "s");
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering the report");
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}
