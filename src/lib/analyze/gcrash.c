/* A panic or a fatal error in the input: said first in every report, with
 * its message and where it was raised (gmx_analyze_crash). */
#include "gomemdx/analyze.h"
#include "analyze/gclassify.h"
#include "util/str.h"

/* The goroutine that raised a panic or a fatal error: the one whose stack
 * runs through panic or the runtime's throw; when the runtime elided those
 * frames (newer Go), the one printed as running with frames. */
static const gmx_gbucket *raiser(const gmx_gbuckets *set)
{
    static const char *const raising[] = { "panic", "runtime.gopanic", "runtime.throw",
                                           "runtime.fatalthrow", "runtime.fatalpanic",
                                           "runtime.fatal" };
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        for (uint32_t k = 0; k < b->nframes; k++)
            for (size_t r = 0; r < sizeof(raising) / sizeof(raising[0]); r++)
                if (gmx_str_eq_cstr(b->frames[k].func, raising[r]))
                    return b;
    }
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        if (b->nframes && b->nstates && gmx_str_eq_cstr(b->states[0].status, "running"))
            return b;
    }
    return NULL;
}

bool gmx_analyze_crash(const gmx_gsnapshot *snap, gmx_findings *out)
{
    const gmx_dump_info *in = &snap->info;
    if ((in->kind != GMX_DUMP_PANIC && in->kind != GMX_DUMP_FATAL) || !snap->buckets)
        return false;
    const char *what = in->kind == GMX_DUMP_PANIC ? "panic" : "fatal error";
    const char *what_zh = in->kind == GMX_DUMP_PANIC ? "panic" : "致命错误";
    const gmx_gbucket *b = raiser(snap->buckets);
    gmx_goroot root = { { 0 }, 0 };
    for (size_t i = 0; i < gmx_gbuckets_count(snap->buckets) && !root.len; i++) {
        const gmx_gbucket *any = gmx_gbuckets_at(snap->buckets, i);
        for (uint32_t k = 0; k < any->nframes && !gmx_goroot_learn(&root, &any->frames[k]); k++)
            ;
    }
    gmx_frame site;
    bool mechanism = false;
    bool has_site = b && gmx_gsite(b, &root, &site, &mechanism);
    int mn = (int)in->message.n;
    const char *mp = in->message.p ? in->message.p : "";
    const char *name = snap->name ? snap->name : "the input";
    if (has_site)
        gmx_findings_set_head(
            out,
            gmx_findings_printf(out, "The process crashed (%s): %s: %.*s, raised in %.*s (%.*s:%u).",
                                name, what, mn, mp, (int)site.func.n, site.func.p,
                                (int)site.file.n, site.file.p, site.line),
            /* The runtime's words and the code's names stay as they are, quoted. */
            gmx_findings_printf(out, "进程已崩溃（“%s”）：%s：“%.*s”，发生在 `%.*s`（%.*s:%u）。", name,
                                what_zh, mn, mp, (int)site.func.n, site.func.p, (int)site.file.n,
                                site.file.p, site.line));
    else
        gmx_findings_set_head(
            out, gmx_findings_printf(out, "The process crashed (%s): %s: %.*s.", name, what, mn, mp),
            gmx_findings_printf(out, "进程已崩溃（“%s”）：%s：“%.*s”。", name, what_zh, mn, mp));
    return true;
}
