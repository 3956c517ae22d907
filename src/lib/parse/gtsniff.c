/* Where goroutine text is (see gtolerant_impl.h): whether a file holds any
 * a tolerant read would find, and where a stack ends or the next header
 * starts, so that large inputs can be cut into pieces read on every core. */
#include "parse/gdump_header.h"
#include "parse/gpanicparse.h"
#include "parse/greflow.h"
#include "parse/gtolerant_impl.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/cursor.h"

#include <string.h>

static bool sniff(const void *data, size_t len);

bool gmx_goroutine_text_sniff(const void *data, size_t len)
{
    if (sniff(data, len))
        return true;
    /* a report a reflow flattened into paragraphs (greflow.c) */
    size_t n = len < 65536 ? len : 65536;
    gmx_buf text;
    gmx_buf_init(&text, n * 2 + 4096);
    bool found = gmx_greflow_rebuild(data, n, &text) && !text.failed && sniff(text.data, text.len);
    gmx_buf_release(&text);
    return found;
}

static bool sniff(const void *data, size_t len)
{
    tol *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return false;
    size_t n = len < 65536 ? len : 65536;
    gmx_gx_cleaner_init(&t->cl, data, n);
    gmx_cursor_init(&t->cur, data, n);
    gmx_read_report scratch;
    memset(&scratch, 0, sizeof(scratch));
    t->rep = &scratch; /* join_next marks the lines it joins */
    gx_line ln;
    bool found = false;
    unsigned strong = 0;
    while (!found && gmx_gt_fetch(t, &ln)) {
        if (ln.kind == GX_HEADER || ln.kind == GX_RECORD || ln.kind == GX_DLV ||
            (ln.kind == GX_PRELUDE && gmx_str_eq_cstr(ln.text, DEADLOCK))) {
            found = true;
        } else if (ln.kind == GX_FUNC) {
            const gx_line *nx = gmx_gt_peek(t);
            found = nx && nx->kind == GX_FILE;
        } else if (ln.kind == GX_BARE) {
            const gx_line *nx = gmx_gt_peek(t);
            found = nx && nx->kind == GX_BARE &&
                    (gmx_gx_bare_certain(ln.text) || gmx_gx_bare_certain(nx->text));
        } else if (ln.kind == GX_HASH_FRAME) {
            found = gmx_gt_pc_frame_shaped(&ln) && gmx_gt_pc_frame_shaped(gmx_gt_peek(t));
        } else if (ln.kind == GX_PP) {
            const gx_line *nx = gmx_gt_peek(t);
            gmx_gpp_call c;
            found = nx && gmx_gpp_parse_call(nx->text, &c);
        } else if (ln.kind == GX_COUNT && ln.strong) {
            /* a grep's count is a command run on a dump, never prose */
            found = ++strong >= 2 || ln.grepped;
        } else if (ln.kind == GX_LEAK_MARK) {
            size_t at = gmx_str_find(ln.text, "leaked: ");
            gx_line f;
            if (at != SIZE_MAX) {
                gmx_gx_classify(&t->cl, gmx_str_sub(ln.text, at + 8, ln.text.n), &f);
                found = f.kind == GX_FUNC;
            }
        } else if (ln.kind == GX_OTHER && memchr(ln.text.p, '(', ln.text.n)) {
            /* a wrapped function line, then its file line */
            static const gx_kind func[] = { GX_FUNC };
            if (gmx_gt_join_next(t, &ln, func, 1)) {
                const gx_line *nx = gmx_gt_peek(t);
                found = nx && nx->kind == GX_FILE;
            }
        }
    }
    gmx_arena_release(&t->escaped);
    gmx_free(t);
    return found;
}

size_t gmx_goroutine_text_stack_end(const void *data, size_t len, size_t from)
{
    const char *d = data;
    gx_cleaner cl;
    gmx_gx_cleaner_init(&cl, d, len);
    /* lines from the last back: [start, stop) the line, end past its '\n' */
    for (size_t end = len; end > from;) {
        size_t stop = d[end - 1] == '\n' ? end - 1 : end, start = stop;
        while (start > from && d[start - 1] != '\n')
            start--;
        size_t text = stop > start && d[stop - 1] == '\r' ? stop - 1 : stop;
        if (text > start && text - start <= GX_LINE_MAX) {
            gx_line ln;
            gmx_gx_read_line(&cl, gmx_str_make(d + start, text - start), 0, &ln);
            if (ln.kind == GX_FUNC || ln.kind == GX_FILE || ln.kind == GX_CREATED ||
                ln.kind == GX_HEADER)
                return end;
        }
        end = start;
    }
    return from;
}

size_t gmx_goroutine_text_next_header(const void *data, size_t len, size_t pos)
{
    const char *d = data;
    /* from a line start: a header line begun before pos is not a start */
    if (pos && pos < len && d[pos - 1] != '\n') {
        const char *nl = memchr(d + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - d) + 1 : len;
    }
    while (pos < len) {
        const char *hit = memmem(d + pos, len - pos, "oroutine ", 9);
        if (!hit)
            return len;
        size_t at = (size_t)(hit - d);
        size_t start = at;
        while (start > pos && d[start - 1] != '\n')
            start--;
        const char *nl = memchr(hit, '\n', len - at);
        size_t end = nl ? (size_t)(nl - d) : len;
        /* without CRLF's "\r" and blanks a terminal's copy left */
        gmx_str line = gmx_str_trim_right(gmx_str_make(d + start, end - start));
        if (line.n <= GX_LINE_MAX && gmx_gdump_find_header(line) != SIZE_MAX)
            return start;
        pos = end + 1;
    }
    return len;
}
