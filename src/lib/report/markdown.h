/* Markdown pieces every renderer shares. */
#ifndef GMX_REPORT_MARKDOWN_H
#define GMX_REPORT_MARKDOWN_H

#include "util/buf.h"
#include "util/str.h"

/* s as a Markdown code span, visible and unable to close it early or to end
 * a table cell. */
void gmx_md_code(gmx_buf *b, gmx_str s);
/* block's text as a fenced code block, after a blank line, the fence
 * longer than any run of backticks in it. A failed block fails b. */
void gmx_md_block(gmx_buf *b, const gmx_buf *block);

#endif
