/* The human report: inputs, the summary, then each finding most suspicious
 * first with its site, creator, state, history, stack and advice. */
#include "gomemdx/report.h"
#include "report/text_finding.h"
#include "util/fmt.h"

#include <string.h>

void gmx_text_findings(gmx_buf *out, const gmx_findings *f, const gmx_render_options *opts)
{
    gmx_text t = { out, opts && opts->color, opts && opts->zh, opts && opts->markdown,
                   opts ? opts->width : 0 };
    bool all = opts && opts->show_healthy;
    unsigned max_frames = opts && opts->max_frames ? opts->max_frames : 12;

    for (size_t i = 0; i < gmx_findings_input_count(f); i++) {
        const gmx_input_note *in = gmx_findings_input_at(f, i);
        if (t.md)
            gmx_buf_puts(out, "- ");
        gmx_text_str(&t, in->name);
        gmx_buf_printf(out, t.zh ? "：%s，" : ": %s, ", in->kind);
        gmx_fmt_count(out, in->goroutines);
        gmx_buf_puts(out, t.zh ? " 个 goroutine" : in->goroutines == 1 ? " goroutine" : " goroutines");
        if (in->threads) {
            gmx_buf_puts(out, " (and the system stacks of ");
            gmx_fmt_count(out, in->threads);
            gmx_buf_puts(out, in->threads == 1 ? " thread, not counted)" : " threads, not counted)");
        }
        if (in->partial)
            gmx_buf_puts(out, " (partial: the input ends inside a goroutine)");
        if (in->detail.n) {
            gmx_buf_puts(out, "; ");
            gmx_text_str(&t, in->detail);
        }
        gmx_buf_putc(out, '\n');
        if (in->reading.n) {
            gmx_buf_puts(out, "  ");
            gmx_text_str(&t, in->reading);
            gmx_buf_putc(out, '\n');
        }
    }
    if (t.md && gmx_findings_input_count(f))
        gmx_buf_putc(out, '\n'); /* ends the list of inputs */
    gmx_str head = t.zh && gmx_findings_head_zh(f).n ? gmx_findings_head_zh(f) : gmx_findings_head(f);
    if (head.n) {
        gmx_text_paint(&t, C_BOLD);
        gmx_text_str(&t, head);
        gmx_text_paint(&t, C_RESET);
        gmx_buf_putc(out, '\n');
    }
    gmx_str summary = t.zh && gmx_findings_summary_zh(f).n ? gmx_findings_summary_zh(f)
                                                           : gmx_findings_summary(f);
    if (summary.n) {
        gmx_text_str(&t, summary);
        gmx_buf_putc(out, '\n');
    }
    gmx_buf_putc(out, '\n');

    /* Every warning; a screenful of info-level buckets unless --all. */
    enum { MAX_INFO_SHOWN = 10 };
    size_t shown = 0, hidden = 0, info = 0;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        bool quiet = fd->severity == GMX_SEV_INFO && !fd->healthy && info++ >= MAX_INFO_SHOWN;
        if (!all && (fd->healthy || quiet)) {
            hidden++;
            continue;
        }
        gmx_text_finding(&t, fd, max_frames);
        shown++;
    }
    if (!shown)
        gmx_buf_puts(out, t.zh ? "没有可疑的 goroutine。\n" : "No suspicious goroutines.\n");
    hidden += gmx_findings_omitted(f);
    if (hidden)
        gmx_buf_printf(out, t.zh ? "另有 %zu 组健康或不显著的 goroutine 未显示（--all 显示）。\n"
                                : "%zu healthy or unremarkable bucket%s not shown (--all shows them).\n",
                       hidden, t.zh || hidden == 1 ? "" : "s");
}

gmx_code gmx_render_text(const gmx_findings *f, const gmx_render_options *opts, char **out,
                         size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_text_findings(&b, f, opts);
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering the report");
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}
