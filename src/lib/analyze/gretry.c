/* A retry loop's goroutines caught in an attempt (gretry.h). */
#include "analyze/gretry.h"
#include "util/fmt.h"
#include "util/str.h"

static const char SLEEP[] = "time.Sleep";

/* Whether the surge's goroutines sleep at its site: the frame at the site
 * (innermost first) calls time.Sleep. */
static bool asleep_at_site(const gmx_finding *q)
{
    const gmx_gbucket *b = q->bucket;
    for (uint32_t i = 1; b && i < b->nframes; i++)
        if (b->frames[i].line == q->site.line && gmx_str_eq(b->frames[i].func, q->site.function))
            return gmx_str_eq_cstr(b->frames[i - 1].func, SLEEP);
    return false;
}

/* Whether b is one of the loop's goroutines in an attempt: started by the
 * sleeping pile's go statement, its stack passing through the site's
 * function at another line. */
static bool in_attempt(const gmx_finding *q, const gmx_gbucket *b)
{
    const gmx_gbucket *s = q->bucket;
    if (b == s || !b->has_creator || !s->has_creator || b->creator.line != s->creator.line ||
        !gmx_str_eq(b->creator.func, s->creator.func))
        return false;
    for (uint32_t i = 0; i < b->nframes; i++)
        if (gmx_str_eq(b->frames[i].func, q->site.function))
            return b->frames[i].line != q->site.line;
    return false;
}

/* The finding (of out) of bucket b, or NULL. */
static const gmx_finding *finding_of(const gmx_findings *out, const gmx_gbucket *b)
{
    for (size_t i = 0; i < gmx_findings_count(out); i++)
        if (gmx_findings_at(out, i)->bucket == b)
            return gmx_findings_at(out, i);
    return NULL;
}

size_t gmx_retry_fold(gmx_findings *out, const gmx_gbuckets *last, gmx_finding *const *surges,
                      size_t nsurges, const gmx_finding **folded, size_t nfolded, size_t max)
{
    for (size_t k = 0; k < nsurges; k++) {
        gmx_finding *q = surges[k];
        if (!q->has_site || !asleep_at_site(q))
            continue;
        uint64_t trying = 0;
        for (size_t i = 0; last && i < gmx_gbuckets_count(last); i++) {
            const gmx_gbucket *b = gmx_gbuckets_at(last, i);
            if (!in_attempt(q, b))
                continue;
            trying += b->count;
            const gmx_finding *own = finding_of(out, b);
            if (own && own != q && nfolded < max)
                folded[nfolded++] = own;
        }
        if (!trying)
            continue;
        q->goroutines += trying;
        gmx_finding_add_number(q, "in_attempt", (double)trying);
        gmx_count_text all = gmx_fmt_count_text(q->goroutines), tn = gmx_fmt_count_text(trying);
        int fn = (int)q->site.function.n;
        const char *fp = q->site.function.p;
        q->title = gmx_findings_printf(out, "%s goroutines created faster than they finish in %.*s, "
                                            "retrying for good: %s of them in an attempt, the rest "
                                            "asleep in time.Sleep",
                                       all.s, fn, fp, tn.s);
        q->title_zh = gmx_findings_printf(out, "%s 个 goroutine 创建速度快于结束速度，在 %.*s 中无休止地"
                                               "重试：其中 %s 个正在尝试，其余在 time.Sleep 中休眠",
                                          all.s, fn, fp, tn.s);
    }
    return nfolded;
}
