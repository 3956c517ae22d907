/* The parts of pprof's text reports that `top` and `peek` share: the
 * output unit, value formatting and the legend above the table. */
#ifndef GMX_REPORT_PTOP_LEGEND_H
#define GMX_REPORT_PTOP_LEGEND_H

#include "gomemdx/ptop.h"
#include "gomemdx/report.h"
#include "report/markdown.h"
#include "util/buf.h"
#include "util/json.h"

typedef struct ptext_ctx {
    const gmx_ptop *t;
    char unit[64];        /* pprof's selectOutputUnit over the rows */
    bool zh;              /* the legend in Chinese */
    bool md;              /* Markdown: the legend as a list */
} ptext_ctx;

/* The context for t as opts (may be NULL) want it, its unit chosen. */
ptext_ctx gmx_ptext_ctx(const gmx_ptop *t, const struct gmx_render_options *opts);
void gmx_ptext_choose_unit(ptext_ctx *c);
/* "## TITLE\n\n" in Markdown, with s (may be empty) as a code span in it:
 * en and zh each hold one %s where it goes. */
void gmx_ptext_md_heading(gmx_buf *b, const ptext_ctx *c, const char *en, const char *zh,
                          gmx_str s);
/* v in the chosen unit ("1.50MB"), in buf. */
const char *gmx_ptext_value(const ptext_ctx *c, int64_t v, char *buf, size_t n);
/* File, Build ID, comments, Type, Doc, Time, Duration. */
void gmx_ptext_profile_legend(gmx_buf *b, const ptext_ctx *c);
/* "Active filters:" with focus and ignore. */
void gmx_ptext_filter_legend(gmx_buf *b, const ptext_ctx *c);
/* "Showing nodes accounting for ...", dropped nodes, "Showing top N". */
void gmx_ptext_summary_legend(gmx_buf *b, const ptext_ctx *c);
/* Opens a JSON report on b: `{"schema": ..., "profile": ..., "sample_type":
 * ..., "unit": ..., "total": ...`, the fields every pprof report starts with;
 * the caller adds its own and closes the object. */
void gmx_ptext_json_begin(gmx_json *j, gmx_buf *b, const char *schema, const gmx_profile *p,
                      gmx_pvalue_type type, int64_t total);
/* Hands b's text to the caller, or fails if b ran out of memory. */
gmx_code gmx_ptext_finish(gmx_buf *b, char **out, size_t *len, gmx_error *err);

#endif
