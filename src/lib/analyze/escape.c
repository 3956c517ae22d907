/* Heap escapes ranked by what they really allocate.
 *
 * The sites of the set are grouped by source line (several expressions can
 * escape on one line; a profile only tells lines apart). With a profile, the
 * allocation volume of each line is the sum over samples whose leaf frame
 * (the allocating user frame: Go's writers drop the runtime's frames) is at
 * that line; a log's "./main.go" matches a profile's "/go/src/svc/main.go"
 * by path suffix. The findings then rank by bytes; without a profile by
 * cause, the cause with the most sites first. */
#include "analyze/escape_profile.h"
#include "gomemdx/escape.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fmt.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EXPRESSIONS 4  /* shown per line */

typedef struct group {
    size_t first, n;       /* in the sorted order */
} group;

typedef struct ctx {
    const gmx_escape_set *set;
    const gmx_esc_profile *profile;
    gmx_findings *out;
    const gmx_esc_entry **order;
    uint64_t per_cause[GMX_ESC_CAUSE_COUNT];
    bool *counted;         /* per profile line: already in matched_bytes */
    int64_t matched_bytes;
    size_t matched_lines, omitted;
} ctx;

static int entry_cmp(const void *pa, const void *pb)
{
    const gmx_esc_entry *a = *(const gmx_esc_entry *const *)pa;
    const gmx_esc_entry *b = *(const gmx_esc_entry *const *)pb;
    /* One file named two ways ("./main.go", "/go/src/svc/main.go") sorts
     * together: by base name and line first. */
    int c = gmx_str_cmp(gmx_path_base(a->file), gmx_path_base(b->file));
    if (!c && a->line != b->line)
        c = a->line < b->line ? -1 : 1;
    if (!c)
        c = gmx_str_cmp(a->file, b->file);
    if (!c && a->column != b->column)
        c = a->column < b->column ? -1 : 1;
    if (!c)
        c = gmx_str_cmp(a->what, b->what);
    return c ? c : (int)a->kind - (int)b->kind;
}

static const gmx_esc_entry *at(const ctx *c, const group *g, size_t i)
{
    return c->order[g->first + i];
}

/* The line's cause: its first site with a known cause. */
static gmx_esc_cause group_cause(const ctx *c, const group *g, const gmx_esc_entry **lead,
                                 gmx_str *reason)
{
    for (size_t i = 0; i < g->n; i++) {
        gmx_esc_cause cause = gmx_escape_classify(at(c, g, i), reason);
        if (cause != GMX_ESC_CAUSE_OTHER) {
            *lead = at(c, g, i);
            return cause;
        }
    }
    *lead = at(c, g, 0);
    return gmx_escape_classify(*lead, reason);
}

static gmx_str expressions(ctx *c, const group *g)
{
    gmx_buf b;
    gmx_buf_init(&b, 4096);
    for (size_t i = 0; i < g->n && i < MAX_EXPRESSIONS; i++) {
        gmx_buf_puts(&b, i ? ", " : "");
        gmx_buf_append(&b, at(c, g, i)->what.p, at(c, g, i)->what.n);
    }
    if (g->n > MAX_EXPRESSIONS)
        gmx_buf_printf(&b, " (+%zu more)", g->n - MAX_EXPRESSIONS);
    if (b.failed)
        gmx_findings_fail(c->out);
    gmx_str s = gmx_findings_strdup(c->out, gmx_str_make(b.data ? b.data : "", b.len));
    gmx_buf_release(&b);
    return s;
}

static bool qualifies(gmx_str full, gmx_str f)
{
    return full.n > f.n + 1 && memcmp(full.p + full.n - f.n, f.p, f.n) == 0 &&
           full.p[full.n - f.n - 1] == '.';
}

/* The log's function, qualified by the profile's when they agree. */
static gmx_str function_of(ctx *c, const gmx_esc_entry *e, const gmx_esc_pline *pl)
{
    gmx_str f = e->function;
    if (pl && pl->function.n && (!f.n || qualifies(pl->function, f)))
        f = pl->function;
    return gmx_findings_strdup(c->out, f);
}

static void add_volume(ctx *c, gmx_finding *fd, const gmx_esc_pline *pl)
{
    fd->has_bytes = true;
    fd->bytes = (uint64_t)pl->bytes;
    fd->score = (double)pl->bytes;
    gmx_finding_add_number(fd, "alloc_bytes", (double)pl->bytes);
    gmx_finding_add_number(fd, "alloc_objects", (double)pl->objects);
    double share = c->profile->total_bytes ? 100.0 * (double)pl->bytes /
                                                 (double)c->profile->total_bytes
                                           : 0;
    gmx_finding_add_number(fd, "alloc_share_percent", share);
    fd->severity = share >= 10 ? GMX_SEV_WARNING : GMX_SEV_INFO;
    /* Several log lines can find one profile line (the same base name in
     * two packages): it counts once, so the matched part stays within the
     * profile's whole. */
    size_t k = (size_t)(pl - c->profile->lines);
    if (!c->counted[k]) {
        c->counted[k] = true;
        c->matched_bytes += pl->bytes;
        c->matched_lines++;
    }
}

static gmx_code add_finding(ctx *c, const group *g)
{
    const gmx_esc_entry *lead;
    gmx_str reason;
    gmx_esc_cause cause = group_cause(c, g, &lead, &reason);
    const gmx_esc_pline *pl = NULL;
    if (c->profile && !(pl = gmx_esc_profile_find(c->profile, lead))) {
        c->omitted++;
        return GMX_OK;
    }
    gmx_finding *fd = gmx_findings_add(c->out);
    if (!fd)
        return GMX_ENOMEM;
    fd->category = GMX_CAT_ESCAPE;
    fd->severity = GMX_SEV_INFO;
    bool moved = lead->kind == GMX_ESC_MOVED;
    for (int zh = 0; zh <= 1; zh++)
        *(zh ? &fd->title_zh : &fd->title) = gmx_findings_printf(
            c->out, zh ? "%s%.*s%s（%s）" : "%s%.*s%s (%s)",
            moved ? (zh ? "移到堆上：" : "moved to heap: ") : "", (int)lead->what.n, lead->what.p,
            moved ? "" : (zh ? " 逃逸到堆上" : " escapes to heap"),
            zh ? gmx_esc_cause_title_zh(cause) : gmx_esc_cause_title(cause));
    fd->has_site = true;
    fd->site = (gmx_site){ function_of(c, lead, pl), gmx_findings_strdup(c->out, lead->file),
                           lead->line };
    fd->advice = gmx_esc_cause_advice(cause);
    fd->advice_zh = gmx_esc_cause_advice_zh(cause);
    if (pl)
        add_volume(c, fd, pl);
    else /* the cause with most sites first */
        fd->score = (double)c->per_cause[cause] * GMX_ESC_CAUSE_COUNT +
                    (cause == GMX_ESC_CAUSE_OTHER ? 0 : GMX_ESC_CAUSE_COUNT - cause);
    gmx_finding_add_text(fd, "cause", gmx_str_cstr(gmx_esc_cause_id(cause)));
    gmx_finding_add_text(fd, "compiler_reason", gmx_findings_strdup(c->out, reason));
    gmx_finding_add_text(fd, "expression", expressions(c, g));
    gmx_finding_add_number(fd, "column", lead->column);
    if (g->n > 1)
        gmx_finding_add_number(fd, "sites_on_line", (double)g->n);
    if (lead->chain.n)
        gmx_finding_add_text(fd, "explanation", gmx_findings_strdup(c->out, lead->chain));
    return gmx_findings_failed(c->out) ? GMX_ENOMEM : GMX_OK;
}

static void count_causes(ctx *c)
{
    for (size_t i = 0; i < gmx_escape_set_count(c->set); i++)
        c->per_cause[gmx_escape_classify(gmx_escape_set_at(c->set, i), NULL)]++;
}

/* The summary in English or (zh) Chinese, which names the causes in words
 * rather than by their ids. */
static void summarise(ctx *c, bool zh)
{
    static const char *const cause_zh[GMX_ESC_CAUSE_COUNT] = {
        "其他", "返回局部变量指针", "发送指针到 channel", "存储指针", "扩容", "转换为 interface"
    };
    gmx_buf b;
    gmx_buf_init(&b, 4096);
    size_t n = gmx_escape_set_count(c->set);
    if (zh)
        gmx_buf_puts(&b, "堆逃逸 ");
    gmx_fmt_count(&b, n);
    gmx_buf_puts(&b, zh ? " 处" : n == 1 ? " heap site" : " heap sites");
    const char *sep = zh ? "：" : ": ";
    for (int k = 1; k <= GMX_ESC_CAUSE_COUNT; k++) {
        gmx_esc_cause cause = (gmx_esc_cause)(k % GMX_ESC_CAUSE_COUNT);
        if (!c->per_cause[cause])
            continue;
        gmx_buf_printf(&b, "%s%s ", sep, zh ? cause_zh[cause] : gmx_esc_cause_id(cause));
        gmx_fmt_count(&b, c->per_cause[cause]);
        sep = zh ? "，" : ", ";
    }
    gmx_buf_puts(&b, zh ? "。" : ".");
    if (c->profile) {
        gmx_buf_puts(&b, zh ? "profile 中这些行的分配：" : " The profile's allocations at those lines: ");
        gmx_fmt_bytes(&b, (uint64_t)c->matched_bytes);
        gmx_buf_puts(&b, zh ? "，共 " : " of ");
        gmx_fmt_bytes(&b, (uint64_t)c->profile->total_bytes);
        gmx_buf_printf(&b, zh ? "（%zu 行%.0s）。" : " (%zu line%s).", c->matched_lines,
                       c->matched_lines == 1 ? "" : "s");
    }
    gmx_buf_puts(&b, zh ? "编译器报告为不逃逸的值仍可能分配在堆上（太大，或 Go 1.25 起的变长 make）："
                          "以 profile 为准。"
                        : " A value reported as not escaping can still be heap-allocated (too large, "
                          "or a variable-size make since Go 1.25): the profile is the ground truth.");
    if (b.failed)
        gmx_findings_fail(c->out);
    else
        (zh ? gmx_findings_set_summary_zh : gmx_findings_set_summary)(
            c->out, gmx_findings_strdup(c->out, gmx_str_make(b.data, b.len)));
    gmx_buf_release(&b);
}

static gmx_code each_line(ctx *c)
{
    size_t n = gmx_escape_set_count(c->set);
    for (size_t i = 0; i < n;) {
        group g = { i, 1 };
        const gmx_esc_entry *e = c->order[i];
        while (i + g.n < n) {
            const gmx_esc_entry *f = c->order[i + g.n];
            if (f->line != e->line || !gmx_path_same(f->file, e->file))
                break;
            g.n++;
        }
        gmx_code rc = add_finding(c, &g);
        if (rc != GMX_OK)
            return rc;
        i += g.n;
    }
    return GMX_OK;
}

gmx_code gmx_analyze_escapes(const gmx_escape_set *s, const gmx_hsnapshot *profile,
                             gmx_findings *out, gmx_error *err)
{
    ctx c = { .set = s, .out = out };
    size_t n = gmx_escape_set_count(s);
    gmx_esc_profile *pi = NULL;
    c.order = gmx_mallocarray(n ? n : 1, sizeof(*c.order));
    if (!c.order || (profile && !(pi = gmx_esc_profile_new(profile))) ||
        (pi && !(c.counted = gmx_calloc(pi->n ? pi->n : 1, sizeof(*c.counted))))) {
        gmx_esc_profile_free(pi);
        gmx_free(c.order);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory ranking escapes");
    }
    c.profile = pi;
    for (size_t i = 0; i < n; i++)
        c.order[i] = gmx_escape_set_at(s, i);
    if (n > 1)
        qsort(c.order, n, sizeof(*c.order), entry_cmp);
    count_causes(&c);
    gmx_code rc = each_line(&c);
    if (rc == GMX_OK) {
        summarise(&c, false);
        summarise(&c, true);
        gmx_findings_set_omitted(out, gmx_findings_omitted(out) + c.omitted);
        gmx_findings_rank(out);
    }
    gmx_esc_profile_free(pi);
    gmx_free(c.counted);
    gmx_free(c.order);
    if (rc == GMX_OK && gmx_findings_failed(out))
        rc = GMX_ENOMEM;
    return rc == GMX_OK ? GMX_OK : gmx_error_set(err, rc, "out of memory ranking escapes");
}
