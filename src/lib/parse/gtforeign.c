/* The tolerant reader's region stage, other tools' goroutine listings (see
 * gtolerant_impl.h): Delve's `goroutines` list and panicparse's buckets,
 * each written as a block of a full dump the strict grammar reads. */
#include "parse/gdlv.h"
#include "parse/gostd_dirs.h"
#include "parse/gpanicparse.h"
#include "parse/gtolerant_impl.h"

#include <stdio.h>
#include <string.h>

/* An entry of Delve's goroutine list, wrapped lines joined: written as a
 * one-frame block of a full dump (the location as its frame, or as its
 * creator for "Go:"). */
void gmx_gt_on_dlv(tol *t, const gx_line *ln)
{
    gmx_gt_end_block(t, ln->lineno);
    gmx_gt_end_record(t, ln->lineno);
    size_t n = ln->text.n < sizeof(t->join) ? ln->text.n : sizeof(t->join) - 1;
    memmove(t->join, ln->text.p, n);
    /* A terminal wraps an entry at its width: the next lines, until the
     * entry is whole, are its continuation, cut mid-word. */
    for (int k = 0; k < 4 && !gmx_gdlv_complete(gmx_str_make(t->join, n)); k++) {
        const gx_line *nx = gmx_gt_peek(t);
        if (!nx || nx->kind == GX_BLANK || nx->kind == GX_DLV || nx->kind == GX_FENCE ||
            n + nx->text.n > sizeof(t->join) - 1)
            break;
        gx_line next;
        gmx_gt_fetch(t, &next);
        memcpy(t->join + n, next.text.p, next.text.n);
        n += next.text.n;
        gmx_gt_mark(t, next.lineno, 1);
        t->rep->repairs |= GMX_REPAIR_WRAPPED;
    }
    gmx_gdlv e;
    if (!gmx_gdlv_parse(gmx_str_make(t->join, n), &e)) {
        gmx_gt_note_skipped(t, ln);
        return;
    }
    char line[2 * GX_LINE_MAX + 32];
    int w = snprintf(line, sizeof(line), "goroutine %llu [%.*s]:", (unsigned long long)e.id,
                     e.state.n ? gmx_gt_clip(e.state.n) : 7, e.state.n ? e.state.p : "unknown");
    gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, t->leak_context);
    w = snprintf(line, sizeof(line), e.creator ? "created by %.*s" : "%.*s(...)", gmx_gt_clip(e.func.n),
                 e.func.p);
    gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, false);
    w = snprintf(line, sizeof(line), "\t%.*s", gmx_gt_clip(e.file.n), e.file.p);
    gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, false);
    t->any_reported |= t->leak_context;
    t->in_block = true;
    t->records++;
    t->rep->repairs |= GMX_REPAIR_FRAMES;
    gmx_gt_mark(t, ln->lineno, 1);
    gmx_gt_end_block(t, ln->lineno);
}


/* panicparse's "pkgdir.func": the package's directory name and the rest
 * from its first dot ("http" and ".(*Server).Serve"). */
static void pp_split(gmx_str f, gmx_str *dir, gmx_str *rest)
{
    const char *dot = memchr(f.p, '.', f.n);
    size_t at = dot ? (size_t)(dot - f.p) : f.n;
    *dir = gmx_str_sub(f, 0, at);
    *rest = gmx_str_sub(f, at, f.n);
}

/* panicparse's bucket header and the call lines under it, written as a
 * block of a full dump: the runtime's header (state, the least minutes the
 * bucket slept), each call as its function with its file line, the
 * creator last, a standard package's directory name back to its import
 * path ("http" to net/http); the bucket's size is the block's count. Not a header when no call line follows (prose can start "1: "). */
void gmx_gt_on_pp(tol *t, gx_line *ln)
{
    gmx_gpp_header h;
    gmx_gpp_call c;
    const gx_line *nx = gmx_gt_peek(t);
    if (!gmx_gpp_parse_header(ln->text, &h) || !nx || !gmx_gpp_parse_call(nx->text, &c)) {
        gmx_gt_on_other(t, ln);
        return;
    }
    gmx_gt_end_block(t, ln->lineno);
    gmx_gt_end_record(t, ln->lineno);
    t->pending_mult = h.count > 1 ? h.count : 0;
    gmx_gt_take_mult(t, ln->lineno);
    char line[2 * GX_LINE_MAX + 64];
    int w = snprintf(line, sizeof(line), "goroutine %llu [%.*s", (unsigned long long)(SYNTHETIC_ID + ln->lineno),
                     gmx_gt_clip(h.state.n), h.state.p);
    if (h.minutes)
        w += snprintf(line + w, sizeof(line) - (size_t)w, ", %llu minutes", (unsigned long long)h.minutes);
    if (h.locked)
        w += snprintf(line + w, sizeof(line) - (size_t)w, ", locked to thread");
    w += snprintf(line + w, sizeof(line) - (size_t)w, "]:");
    gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, t->leak_context);
    /* The creator, kept before the lines after the header are read (they
     * may reuse the cleaner's scratch the header's text points into). */
    char creator[4 * GX_LINE_MAX + 64];
    int cw = 0;
    if (h.creator.n) {
        gmx_str dir, name;
        pp_split(h.creator, &dir, &name);
        dir = gmx_gostd_dir_path(dir);
        cw = snprintf(creator, sizeof(creator), "created by %.*s%.*s%.*s\n\t%.*s", gmx_gt_clip(dir.n), dir.p,
                      gmx_gt_clip(name.n), name.p, gmx_gt_clip(h.creator_in.n), h.creator_in.p,
                      gmx_gt_clip(h.creator_at.n), h.creator_at.p);
    }
    uint64_t header_line = ln->lineno;
    gmx_gt_mark(t, ln->lineno, 1);
    gx_line call;
    while ((nx = gmx_gt_peek(t)) != NULL) {
        bool elided = gmx_gpp_elided(nx->text);
        if (!elided && !gmx_gpp_parse_call(nx->text, &c))
            break;
        gmx_gt_fetch(t, &call);
        if (elided) {
            gmx_gt_put_lit(&t->dump, "...additional frames elided...", call.lineno, false);
        } else {
            gmx_str pkg = gmx_gostd_dir_path(c.pkg);
            w = snprintf(line, sizeof(line), "%.*s.%.*s(...)", gmx_gt_clip(pkg.n), pkg.p, gmx_gt_clip(c.func.n),
                         c.func.p);
            gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), call.lineno, false);
            w = snprintf(line, sizeof(line), "\t%.*s", gmx_gt_clip(c.at.n), c.at.p);
            gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)w), call.lineno, false);
        }
        gmx_gt_mark(t, call.lineno, 1);
    }
    if (cw > 0) {
        char *nl = memchr(creator, '\n', (size_t)cw);
        gmx_gt_put(&t->dump, gmx_str_make(creator, (size_t)(nl - creator)), header_line, false);
        gmx_gt_put(&t->dump, gmx_str_make(nl + 1, (size_t)(cw - (nl + 1 - creator))), header_line, false);
    }
    t->any_reported |= t->leak_context;
    t->in_block = true;
    t->records++;
    t->rep->repairs |= GMX_REPAIR_FRAMES;
    gmx_gt_end_block(t, header_line);
}
