/* The tolerant reader's region stage, debug=1 records (see gtolerant_impl.h):
 * "N @ 0x1 0x2" lines and hand-made ones ("336 @ pkg.f+0x48 ..."), "#" frame
 * lines with their tabs lost or their "#" gone, records pasted from their
 * first frame without the count, and a full dump's file lines missing or
 * redacted, each written back as the strict grammars read them. */
#include "parse/gtolerant_impl.h"
#include "util/num.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void open_profile(tol *t, uint64_t lineno)
{
    if (!t->prof_title) {
        gmx_gt_put_lit(&t->prof, "goroutine profile: total 0", lineno, false);
        t->prof_title = true;
        t->rep->repairs |= GMX_REPAIR_NO_TITLE;
    }
}

/* A field's length for "%.*s" into a line buffer of a few GX_LINE_MAX:
 * what the input gives may be longer (lines over GX_LINE_MAX are read as
 * they are), and the written line must stay within its buffer. */
int gmx_gt_clip(size_t n)
{
    return (int)(n < GX_LINE_MAX ? n : GX_LINE_MAX);
}

/* A frame of a hand-made record, as debug=1 prints one. */
static void put_named_frame(tol *t, gmx_str func, gmx_str file, uint64_t lineno)
{
    char line[2 * GX_LINE_MAX + 16];
    int n = snprintf(line, sizeof(line), "#\t0x0\t%.*s\t%.*s", gmx_gt_clip(func.n), func.p,
                     gmx_gt_clip(file.n), file.p);
    gmx_gt_put(&t->prof, gmx_str_make(line, (size_t)n), lineno, false);
}

/* A profile record begins: its frames follow. */
static void open_record(tol *t)
{
    t->in_record = true;
    t->records++;
    t->prof_records++;
    t->chunk_records++;
}

/* "N @ 0x1 0x2", or hand-made "N @ pkg.f+0x48 pkg.g ...": frames named. */
void gmx_gt_on_record(tol *t, const gx_line *ln)
{
    gmx_gt_end_block(t, ln->lineno);
    open_profile(t, ln->lineno);
    gmx_gt_end_record(t, ln->lineno);
    gmx_str s = ln->text;
    size_t at = gmx_str_find(s, " @");
    gmx_str rest = gmx_str_sub(s, at + 2, s.n);
    bool named = false;
    for (size_t i = 0; i < rest.n; i++)
        if (rest.p[i] != ' ' && rest.p[i] != '\t' && (i == 0 || rest.p[i - 1] == ' ' || rest.p[i - 1] == '\t') &&
            !(rest.p[i] == '0' && i + 1 < rest.n && rest.p[i + 1] == 'x'))
            named = true;
    open_record(t);
    if (!named) {
        gmx_gt_put(&t->prof, s, ln->lineno, false);
        return;
    }
    t->rep->repairs |= GMX_REPAIR_SUMMARY;
    gmx_gt_put(&t->prof, gmx_str_sub(s, 0, at + 2), ln->lineno, false);
    gmx_str func = { NULL, 0 }; /* a frame waiting for a file token */
    size_t i = 0;
    for (;;) {
        while (i < rest.n && (rest.p[i] == ' ' || rest.p[i] == '\t'))
            i++;
        size_t start = i;
        while (i < rest.n && rest.p[i] != ' ' && rest.p[i] != '\t')
            i++;
        gmx_str tok = gmx_str_sub(rest, start, i);
        /* A file token ("/src/x/f.go:82") is the file of the frame before it. */
        bool file = tok.n && (tok.p[0] == '/' || gmx_str_find(tok, ".go:") != SIZE_MAX);
        if (!tok.n || file) {
            if (func.n)
                put_named_frame(t, func, file ? tok : gmx_str_cstr("?"), ln->lineno);
            func.n = 0;
            if (!tok.n)
                break;
            continue;
        }
        if (gmx_str_starts(tok, "0x") || gmx_str_starts(tok, "...") ||
            gmx_str_starts(tok, "\xe2\x80\xa6") || tok.n > GX_LINE_MAX)
            continue;
        if (func.n)
            put_named_frame(t, func, gmx_str_cstr("?"), ln->lineno);
        func = tok;
    }
}

/* "#", blanks, "0x<hex>", blanks, a name: a debug=1 frame line, not a
 * Markdown heading (which also starts with "#"). */
bool gmx_gt_pc_frame_shaped(const gx_line *ln)
{
    if (!ln || ln->kind != GX_HASH_FRAME)
        return false;
    gmx_str s = ln->text;
    size_t i = 1;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    size_t pc = i;
    while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
        i++;
    gmx_str tok = gmx_str_sub(s, pc, i);
    uint64_t v;
    if (pc == 1 || !gmx_str_starts(tok, "0x") || !gmx_parse_hex_u64(tok, &v))
        return false;
    size_t gap = i;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    return i > gap && i < s.n;
}

/* "#\t0x1\tpkg.f+0x9\t/path:12" lines with no "N @ 0x..." line before them: a
 * debug=1 record pasted from its first frame, its count line left out. Two or
 * more such frames in a row make the record; its count is not known, so it is
 * one goroutine, as a stack pasted without its header is. */
bool gmx_gt_countless_record(tol *t, const gx_line *ln)
{
    if (t->in_block || !gmx_gt_pc_frame_shaped(ln) || !gmx_gt_pc_frame_shaped(gmx_gt_peek(t)))
        return false;
    open_profile(t, ln->lineno);
    gmx_gt_end_record(t, ln->lineno);
    gmx_gt_put_lit(&t->prof, "1 @", ln->lineno, false);
    open_record(t);
    t->rep->repairs |= GMX_REPAIR_NO_HEADER;
    return true;
}

/* "pkg.f+0x9  /path/f.go:12" in a record: a frame line with its "#" and its pc
 * cut, as a commit message needs them (git drops lines that start with "#");
 * the offset and the file may be glued where the column overflowed
 * ("pkg.f+0x24github.com/x/f.go:12"). Read as a frame of the open record. */
bool gmx_gt_on_bare_frame(tol *t, const gx_line *ln)
{
    if (!t->in_record || t->in_block)
        return false;
    gmx_str s = ln->text;
    size_t plus = gmx_str_find(s, "+0x");
    if (plus == SIZE_MAX || !plus)
        return false;
    gmx_str func = gmx_str_sub(s, 0, plus);
    if (memchr(func.p, ' ', func.n) || memchr(func.p, '\t', func.n) || !memchr(func.p, '.', func.n))
        return false;
    size_t i = plus + 3;
    while (i < s.n && isxdigit((unsigned char)s.p[i]))
        i++;
    if (i == plus + 3)
        return false;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    gmx_str file = gmx_str_sub(s, i, s.n);
    if (!gmx_gx_file_line(file))
        return false;
    put_named_frame(t, gmx_str_sub(s, 0, plus), file, ln->lineno);
    t->rep->repairs |= GMX_REPAIR_FRAMES;
    return true;
}

/* "#  0x1 pkg.f+0x9  /path:12" or without its "#": fields re-split on spaces. */
void gmx_gt_on_pc_frame(tol *t, gx_line *ln)
{
    static const gx_kind wrapped[] = { GX_HASH_FRAME, GX_PC_FRAME };
    const gx_line *nx = gmx_gt_peek(t);
    if (nx && (nx->kind == GX_OTHER || nx->kind == GX_FILE))
        gmx_gt_join_next(t, ln, wrapped, 2);
    gmx_str s = ln->text;
    if (ln->kind == GX_HASH_FRAME)
        s = gmx_str_sub(s, 1, s.n);
    else
        t->rep->repairs |= GMX_REPAIR_FRAMES;
    if (!memchr(s.p, '\t', s.n))
        t->rep->repairs |= GMX_REPAIR_FRAMES;
    gmx_str f[3];
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        size_t start = i;
        if (k < 2)
            while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
                i++;
        else
            i = s.n;
        f[k] = gmx_str_sub(s, start, i);
    }
    if (!f[1].n) {
        gmx_gt_put(&t->prof, GMX_STR_LIT("#\t0x0"), ln->lineno, false); /* unsymbolised */
        return;
    }
    char line[GX_LINE_MAX * 2 + 16];
    int n = snprintf(line, sizeof(line), "#\t%.*s\t%.*s\t%.*s", (int)f[0].n, f[0].p, (int)f[1].n,
                     f[1].p, (int)f[2].n, f[2].p);
    if (n > 0 && (size_t)n < sizeof(line))
        gmx_gt_put(&t->prof, gmx_str_make(line, (size_t)n), ln->lineno, false);
}

void gmx_gt_fill_missing_file(tol *t, uint64_t lineno)
{
    if (t->expect_file) {
        gmx_gt_put_lit(&t->dump, "\t?", lineno, false);
        t->rep->repairs |= GMX_REPAIR_MISSING;
        t->expect_file = false;
    }
}

void gmx_gt_on_file(tol *t, gx_line *ln)
{
    static const gx_kind file[] = { GX_FILE };
    const gx_line *nx = gmx_gt_peek(t);
    /* "/x/main.go:12" then "3 +0x1d": a line number cut by the wrap (not
     * another writer's short line, "dur=3ms", after a whole file line). */
    if (nx && (nx->kind == GX_OTHER || nx->kind == GX_CONT || nx->kind == GX_COUNT) &&
        nx->text.n < 48 && gmx_gx_file_tail(nx->text))
        gmx_gt_join_next(t, ln, file, 1);
    if (!ln->indented)
        t->rep->repairs |= GMX_REPAIR_INDENT;
    char line[2 * GX_LINE_MAX + 4];
    size_t n = ln->text.n < sizeof(line) - 1 ? ln->text.n : sizeof(line) - 2;
    line[0] = '\t';
    memcpy(line + 1, ln->text.p, n);
    gmx_gt_put(&t->dump, gmx_str_make(line, n + 1), ln->lineno, false);
    t->expect_file = false;
    t->last_file = true;
    gmx_gt_mark(t, ln->lineno, 1);
}
