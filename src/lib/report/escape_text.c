/* The escape report for people: the logs and profile read, the summary,
 * then each escape costliest first with what it allocates, its cause, the
 * compiler's reason and explanation, and the fix. */
#include "gomemdx/report.h"
#include "report/text_finding.h"
#include "util/fmt.h"

#include <string.h>

static const gmx_evidence *evidence(const gmx_finding *fd, const char *key)
{
    for (uint32_t i = 0; i < fd->nevidence; i++)
        if (strcmp(fd->evidence[i].key, key) == 0)
            return &fd->evidence[i];
    return NULL;
}

static void text_line(gmx_text *t, const char *en, const char *zh, const gmx_finding *fd,
                      const char *key)
{
    const gmx_evidence *e = evidence(fd, key);
    if (!e || !e->is_text || !e->text.n)
        return;
    gmx_text_label(t, en, zh);
    gmx_text_str(t, e->text);
    gmx_buf_putc(t->b, '\n');
}

static void volume(gmx_text *t, const gmx_finding *fd)
{
    const gmx_evidence *objects = evidence(fd, "alloc_objects");
    const gmx_evidence *share = evidence(fd, "alloc_share_percent");
    if (!fd->has_bytes || !objects || !share)
        return;
    gmx_text_label(t, "allocated", "分配");
    gmx_fmt_bytes(t->b, fd->bytes);
    gmx_buf_puts(t->b, t->zh ? "，" : " in ");
    gmx_fmt_count(t->b, (uint64_t)objects->number);
    gmx_buf_printf(t->b, t->zh ? " 个对象（占 profile 的 %.1f%%）\n"
                               : " objects (%.1f%% of the profile)\n", share->number);
}

static void cause(gmx_text *t, const gmx_finding *fd)
{
    const gmx_evidence *c = evidence(fd, "cause"), *r = evidence(fd, "compiler_reason");
    if (!c)
        return;
    gmx_text_label(t, "cause", "原因");
    gmx_text_str(t, c->text);
    if (r && r->text.n) {
        gmx_buf_puts(t->b, " (");
        gmx_text_str(t, r->text);
        gmx_buf_putc(t->b, ')');
    }
    gmx_buf_putc(t->b, '\n');
}

static void inputs(gmx_text *t, const gmx_findings *f)
{
    for (size_t i = 0; i < gmx_findings_input_count(f); i++) {
        const gmx_input_note *in = gmx_findings_input_at(f, i);
        gmx_text_str(t, in->name);
        gmx_buf_printf(t->b, ": %s", in->kind);
        if (in->detail.n) {
            gmx_buf_puts(t->b, ", ");
            gmx_text_str(t, in->detail);
        }
        if (in->partial)
            gmx_buf_puts(t->b, " (partial: the log was cut)");
        gmx_buf_putc(t->b, '\n');
    }
}

gmx_code gmx_render_escape_text(const gmx_findings *f, const gmx_render_options *opts,
                                char **out, size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_text t = { &b, opts && opts->color, opts && opts->zh, opts && opts->markdown,
                   opts ? opts->width : 0 };
    inputs(&t, f);
    gmx_text_str(&t, gmx_findings_summary(f));
    gmx_buf_puts(&b, "\n\n");
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        gmx_text_finding_head(&t, fd);
        volume(&t, fd);
        cause(&t, fd);
        text_line(&t, "expression", "表达式", fd, "expression");
        text_line(&t, "why", "说明", fd, "explanation");
        gmx_text_advice(&t, fd);
        gmx_buf_putc(&b, '\n');
    }
    if (!gmx_findings_count(f))
        gmx_buf_puts(&b, "No heap escapes to report.\n");
    size_t hidden = gmx_findings_omitted(f);
    if (hidden)
        gmx_buf_printf(&b, "%zu line%s with heap escapes allocated nothing in the profile (not "
                           "shown).\n", hidden, hidden == 1 ? "" : "s");
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering the report");
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}
