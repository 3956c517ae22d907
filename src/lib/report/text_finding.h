/* The text form of one finding, shared by every human report: rank and
 * severity, title, site, creator, state, history, stack and advice. */
#ifndef GMX_REPORT_TEXT_FINDING_H
#define GMX_REPORT_TEXT_FINDING_H

#include <stdbool.h>

#include "gomemdx/findings.h"
#include "gomemdx/report.h"
#include "util/buf.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

typedef struct gmx_text {
    gmx_buf *b;
    bool color;
    bool zh;           /* every sentence in Chinese (--lang zh) */
    bool md;           /* findings as Markdown: a heading, a list of bold labels,
                        * code spans for functions and files */
    unsigned width;    /* prose wraps at this column; 0 = 92 */
} gmx_text;

/* Appends the ANSI code when colour is on. */
void gmx_text_paint(gmx_text *t, const char *code);
void gmx_text_str(gmx_text *t, gmx_str s);
/* A field's label in the report's language ("   site:       ", or
 * "- **site:** " in Markdown), its value to follow on the line. */
void gmx_text_label(gmx_text *t, const char *en, const char *zh);
void gmx_text_finding(gmx_text *t, const gmx_finding *fd, unsigned max_frames);
/* Its parts, for reports that print more in between: the title line with
 * site and creator; the advice under "fix:". */
void gmx_text_finding_head(gmx_text *t, const gmx_finding *fd);
void gmx_text_advice(gmx_text *t, const gmx_finding *fd);
/* The whole findings report (gmx_render_text) onto out: inputs, head,
 * summary, the findings opts shows and what was left out. */
void gmx_text_findings(gmx_buf *out, const gmx_findings *f, const gmx_render_options *opts);

#endif
