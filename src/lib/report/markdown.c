/* Markdown pieces every renderer shares: a name as a code span, a text as a
 * fenced block, neither of which the text inside can break. */
#include "report/markdown.h"

void gmx_md_code(gmx_buf *b, gmx_str s)
{
    /* A backtick would end the span and a pipe a table cell: both become
     * look-alikes; the rest is made visible as everywhere. */
    gmx_buf_putc(b, '`');
    size_t from = 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i < s.n && s.p[i] != '`' && s.p[i] != '|')
            continue;
        gmx_buf_put_visible(b, s.p + from, i - from);
        if (i < s.n)
            gmx_buf_puts(b, s.p[i] == '`' ? "'" : "\xe2\x88\xa3"); /* ∣ */
        from = i + 1;
    }
    gmx_buf_putc(b, '`');
}

void gmx_md_block(gmx_buf *b, const gmx_buf *block)
{
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < block->len; i++) {
        run = block->data[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t fence = longest < 3 ? 3 : longest + 1;
    gmx_buf_putc(b, '\n');
    for (size_t i = 0; i < fence; i++)
        gmx_buf_putc(b, '`');
    gmx_buf_puts(b, "text\n");
    gmx_buf_append(b, block->data ? block->data : "", block->len);
    for (size_t i = 0; i < fence; i++)
        gmx_buf_putc(b, '`');
    gmx_buf_putc(b, '\n');
    b->failed |= block->failed;
}
