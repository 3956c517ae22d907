/* The diagnose report for people, in the runbook's order: what was read,
 * the change first, goroutines, code heap leak, other causes of OOM with
 * the forecast, and what to do. Text for a terminal or Markdown for a
 * ticket; headings in English or Chinese. */
#include "gomemdx/diagnose.h"
#include "gomemdx/ptoptext.h"
#include "gomemdx/report.h"
#include "report/core_heap.h"
#include "report/markdown.h"
#include "report/text_finding.h"
#include "util/fmt.h"
#include "util/str.h"

#include <math.h>
#include <string.h>
#include <time.h>

typedef struct out {
    gmx_text t;
    bool md;
    bool zh;
    bool all;
    unsigned frames;
} out;

enum section { S_GOROUTINES, S_HEAP, S_OTHER };

/* The kind of change as the runbook names it. */
static const char *event_kind_zh(gmx_event_kind kind)
{
    static const char *const zh[GMX_EVENT_KINDS] = { "发布", "配置变更", "运营侧变更",
                                                     "依赖方变更", "基础平台变更" };
    return (unsigned)kind < GMX_EVENT_KINDS ? zh[kind] : "?";
}

static enum section section_of(gmx_category c)
{
    switch (c) {
    case GMX_CAT_HEAP_GROWTH:
    case GMX_CAT_MAP_GROWTH:
    case GMX_CAT_SLICE_RETENTION:
    case GMX_CAT_TIMER_LEAK:
    case GMX_CAT_GOROUTINE_STACKS: return S_HEAP;
    case GMX_CAT_ALLOC_SPIKE: return S_OTHER;
    default: return S_GOROUTINES;
    }
}

static void heading(out *o, const char *en, const char *zh)
{
    gmx_buf_puts(o->t.b, o->md ? "\n## " : "\n");
    gmx_text_paint(&o->t, C_BOLD);
    gmx_buf_puts(o->t.b, o->zh ? zh : en);
    gmx_text_paint(&o->t, C_RESET);
    gmx_buf_puts(o->t.b, o->md ? "\n\n" : "\n");
}

static void put_time(gmx_buf *b, int64_t ns)
{
    time_t s = (time_t)(ns / 1000000000);
    struct tm tm;
    char buf[32];
    gmtime_r(&s, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    gmx_buf_puts(b, buf);
}

/* Times an artifact does not carry itself say where they come from. */
static const char *time_source_note(gmx_time_source s, bool zh)
{
    if (s == GMX_TIME_FILE)
        return zh ? "（时间取自文件）" : " (time of the file)";
    if (s == GMX_TIME_LAST_GC)
        return zh ? "（时间取自最后一次 GC）" : " (time of its last GC)";
    return "";
}

static const char *ordered_by(gmx_time_source s, bool zh)
{
    switch (s) {
    case GMX_TIME_PROFILE: return "pprof time_nanos";
    case GMX_TIME_LOG: return zh ? "文本中的时间戳" : "timestamps in their text";
    case GMX_TIME_CAPTURE: return zh ? "采集时间" : "their capture times";
    case GMX_TIME_FILE: return zh ? "文件时间" : "file times";
    case GMX_TIME_LAST_GC: return zh ? "最后一次 GC 的时间" : "their last GC";
    case GMX_TIME_NONE: break;
    }
    return "";
}

/* One line: what put the inventory in its order. */
static void order_line(out *o, const gmx_bundle *b)
{
    gmx_bundle_order ord;
    gmx_bundle_order_of(b, &ord);
    size_t untimed = ord.by[GMX_TIME_NONE], timed = 0;
    gmx_buf_puts(o->t.b, o->zh ? "  顺序：" : "  order: ");
    for (int s = GMX_TIME_PROFILE; s < GMX_TIME_NONE; s++) {
        if (!ord.by[s])
            continue;
        gmx_buf_printf(o->t.b, timed ? (o->zh ? "，%zu 个按 %s" : ", %zu by %s")
                                     : (o->zh ? "按时间（%zu 个按 %s" : "by time (%zu by %s"),
                       ord.by[s], ordered_by((gmx_time_source)s, o->zh));
        timed += ord.by[s];
    }
    if (timed)
        gmx_buf_puts(o->t.b, o->zh ? "）" : ")");
    if (untimed)
        gmx_buf_printf(o->t.b, timed ? (o->zh ? "，其后 %zu 个无时间的按文件名自然顺序（dump-9 在 dump-10 之前）"
                                              : ", then %zu without a time by name in natural "
                                                "order (dump-9 before dump-10)")
                                     : (o->zh ? "%zu 个文件都没有时间：按文件名自然顺序（dump-9 在 dump-10 之前）"
                                              : "%zu without a time: by name in natural order "
                                                "(dump-9 before dump-10)"),
                       untimed);
    gmx_buf_putc(o->t.b, '\n');
}

static void inputs(out *o, const gmx_bundle *b)
{
    size_t used = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++)
        used += gmx_bundle_at(b, i)->kind != GMX_ART_SKIPPED;
    gmx_buf_printf(o->t.b, o->zh ? "读取了 %zu 个文件（使用 %zu 个）：\n" : "Read %zu files (%zu used):\n",
                   gmx_bundle_count(b), used);
    if (o->md)
        gmx_buf_puts(o->t.b, "\n```\n");
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        gmx_buf_puts(o->t.b, "  ");
        if (a->time_source == GMX_TIME_NONE)
            gmx_buf_puts(o->t.b, o->zh ? "   （无时间）      " : "   (no time)       ");
        else
            put_time(o->t.b, a->time_ns);
        /* File names and reasons (which quote the input) are text from
         * outside: shown through gmx_text_str, like every input string. */
        const char *why = o->zh && a->skip_reason_zh ? a->skip_reason_zh : a->skip_reason;
        gmx_buf_puts(o->t.b, a->kind == GMX_ART_SKIPPED ? (o->zh ? "  已跳过    " : "  skipped   ")
                                                        : "  ");
        gmx_text_str(&o->t, gmx_str_cstr(a->path));
        if (a->kind == GMX_ART_SKIPPED) {
            gmx_buf_puts(o->t.b, o->zh ? "：" : ": ");
            gmx_text_str(&o->t, gmx_str_cstr(why ? why : ""));
            gmx_buf_putc(o->t.b, '\n');
        } else {
            gmx_buf_printf(o->t.b, "  %s%s\n", o->zh && a->format_zh ? a->format_zh : a->format,
                           time_source_note(a->time_source, o->zh));
        }
        if (a->kind != GMX_ART_SKIPPED && a->reading[0])
            gmx_buf_printf(o->t.b, "                       %s\n",
                           o->zh && a->reading_zh[0] ? a->reading_zh : a->reading);
    }
    order_line(o, b);
    for (size_t i = 0; i < gmx_bundle_note_count(b); i++)
        gmx_buf_printf(o->t.b, o->zh ? "  注意：%s\n" : "  note: %s\n",
                       o->zh ? gmx_bundle_note_zh(b, i) : gmx_bundle_note(b, i));
    if (o->md)
        gmx_buf_puts(o->t.b, "```\n");
}

static void series_value(out *o, const gmx_series *s, size_t i, bool bytes)
{
    if (bytes)
        gmx_fmt_bytes(o->t.b, (uint64_t)(s->points[i].value > 0 ? s->points[i].value : 0));
    else
        gmx_fmt_count(o->t.b, (uint64_t)s->points[i].value);
}

/* A series on one line: every point when few, else twelve evenly spaced
 * (the first and the last among them) and the count. */
static void series_line(out *o, const gmx_series *s, bool bytes)
{
    enum { SHOWN = 12 };
    if (!s->n)
        return;
    gmx_buf_printf(o->t.b, o->zh ? "%s：" : "%s: ", o->zh ? s->name_zh : s->name);
    size_t shown = s->n <= SHOWN ? s->n : SHOWN;
    for (size_t k = 0; k < shown; k++) {
        if (k)
            gmx_buf_puts(o->t.b, s->n <= SHOWN ? " → " : " … ");
        series_value(o, s, s->n <= SHOWN ? k : k * (s->n - 1) / (SHOWN - 1), bytes);
    }
    if (s->n > SHOWN)
        gmx_buf_printf(o->t.b, o->zh ? "（共 %zu 个点）" : " (%zu points)", s->n);
    gmx_buf_puts(o->t.b, "\n");
}

static size_t findings_in(out *o, const gmx_findings *f, enum section s)
{
    size_t shown = 0;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (section_of(fd->category) != s || (!o->all && (fd->healthy || fd->severity == GMX_SEV_INFO)))
            continue;
        if (!shown++)
            gmx_buf_putc(o->t.b, '\n');
        gmx_text_finding(&o->t, fd, o->frames);
    }
    return shown;
}

static void change(out *o, const gmx_diagnosis *d)
{
    heading(o, "1. The change first", "1. 先止损：故障前是否有变更");
    const gmx_change *c = &d->change;
    if (c->found || c->from_start) {
        gmx_buf_puts(o->t.b, c->found ? (o->zh ? "增长开始于 " : "Growth began at ")
                                      : (o->zh ? "第一个快照时已在增长：" : "Already growing at the first snapshot, "));
        put_time(o->t.b, c->at_ns);
        gmx_buf_printf(o->t.b, o->zh ? " UTC（%s）。\n" : " UTC (%s).\n", o->zh ? c->series_zh : c->series);
    } else {
        gmx_buf_puts(o->t.b, o->zh ? "数据中没有明显的增长起点。\n"
                                   : "No point where growth began (it takes timed snapshots, "
                                     "four to find a change point).\n");
    }
    if (c->event) {
        gmx_buf_puts(o->t.b, o->zh ? "在此之前最近的变更：" : "The change closest before it: ");
        put_time(o->t.b, c->event->time_ns);
        gmx_buf_printf(o->t.b, o->zh ? " UTC，%s：“" : " UTC, %s: ",
                       o->zh ? event_kind_zh(c->event->kind) : gmx_event_kind_name(c->event->kind));
        gmx_text_str(&o->t, c->event->description);
        if (o->zh)
            gmx_buf_puts(o->t.b, "”");
        gmx_buf_puts(o->t.b, o->zh ? "\n先回滚这个变更，再找根因。\n"
                                   : "\nRoll it back first; find the root cause after.\n");
        return;
    }
    if (c->fell) {
        gmx_buf_puts(o->t.b, o->zh ? "内存在这段时间内下降了：没有需要回滚的变更。\n"
                                   : "Memory fell over these snapshots: there is no climb to roll "
                                     "back.\n");
        return;
    }
    gmx_buf_puts(o->t.b, o->zh ? "如果在这之前有发布、配置变更或运营侧变更，先回滚，再找根因。\n"
                               : "If a release, config or operations change came just before, "
                                 "roll it back first; find the root cause after (--events FILE "
                                 "names them).\n");
}

/* Out-of-memory evidence found in the bundle's logs. */
static void oom_evidence(out *o, const gmx_bundle *b)
{
    bool any = false;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        for (size_t k = 0; k < a->noom; k++) {
            if (!any)
                gmx_buf_puts(o->t.b, o->zh ? "\n日志中的 OOM 证据：\n" : "\nOut-of-memory evidence in the logs:\n");
            any = true;
            /* The log's own words, quoted in Chinese. */
            gmx_buf_printf(o->t.b, o->zh ? "  %s:%llu：“%s”" : "  %s:%llu: %s", a->path,
                           (unsigned long long)a->oom[k].line, a->oom[k].text);
            if (a->oom[k].time_ns) {
                gmx_buf_puts(o->t.b, o->zh ? "（" : " (");
                put_time(o->t.b, a->oom[k].time_ns);
                gmx_buf_puts(o->t.b, o->zh ? " UTC）" : " UTC)");
            }
            gmx_buf_putc(o->t.b, '\n');
            if (a->oom[k].request_bytes) {
                gmx_buf_puts(o->t.b, o->zh ? "    申请 " : "    asked for ");
                gmx_fmt_bytes(o->t.b, a->oom[k].request_bytes);
                gmx_buf_puts(o->t.b, o->zh ? "，已用 " : " with ");
                gmx_fmt_bytes(o->t.b, a->oom[k].inuse_bytes);
                gmx_buf_puts(o->t.b, o->zh ? "\n" : " in use\n");
            }
        }
    }
}

/* What each pasted -base table shows: a change between two profiles, how
 * many of its rows grew and how many shrank (its findings are the sites
 * that grew). */
static size_t base_tables(out *o, const gmx_bundle *b)
{
    size_t n = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (!a->ptop || !a->ptop->diff || a->ptop->goroutines)
            continue;
        unsigned grew = 0, shrank = 0;
        for (uint32_t r = 0; r < a->ptop->ntop; r++) {
            grew += a->ptop->top[r].flat > 0;
            shrank += a->ptop->top[r].flat < 0;
        }
        if (o->md)
            gmx_md_code(o->t.b, gmx_str_cstr(a->path));
        else
            gmx_text_str(&o->t, gmx_str_cstr(a->path));
        gmx_buf_printf(o->t.b,
                       o->zh ? "：pprof -base 表（这份 profile 减去基准），表中 %u 行增长，%u 行减少。\n"
                             : ": a pprof -base table (this profile minus its base): %u of its rows "
                               "grew, %u shrank.\n",
                       grew, shrank);
        n++;
    }
    return n;
}

/* What each core's heap holds: live objects by type, beside the runtime's
 * own counters, where profiles give only what was allocated. */
static void core_heaps(out *o, const gmx_bundle *b)
{
    enum { CORE_HEAP_ROWS = 10 };
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (!a->core_heap && !a->core_heap_unread)
            continue;
        gmx_buf_puts(o->t.b, o->md ? "\n### " : "\n");
        gmx_buf_puts(o->t.b, o->zh ? "core 中的堆：" : "Heap in the core ");
        if (o->md)
            gmx_md_code(o->t.b, gmx_str_cstr(a->path));
        else
            gmx_text_str(&o->t, gmx_str_cstr(a->path));
        gmx_buf_puts(o->t.b, o->md ? "\n\n" : o->zh ? "\n" : ":\n");
        if (a->core_heap)
            gmx_core_heap_text(o->t.b, a->core_heap, CORE_HEAP_ROWS, o->md, o->zh);
        else
            gmx_buf_printf(o->t.b, o->zh ? "%s未读取：%s\n" : "%snot read: %s\n", o->md ? "" : "  ",
                           a->core_heap_unread);
    }
}

static void forecast(out *o, const gmx_forecast *f)
{
    if (!f->available) {
        if (o->zh)
            gmx_buf_printf(o->t.b, "\n内存耗尽预测：无法给出（%s）。\n", f->why_not_zh ? f->why_not_zh : "没有数据");
        else
            gmx_buf_printf(o->t.b, "\nForecast: not available (%s).\n", f->why_not ? f->why_not : "no data");
        return;
    }
    gmx_buf *b = o->t.b;
    gmx_buf_printf(b, o->zh ? "\n内存耗尽预测（%s，" : "\nForecast (%s, ", o->zh ? f->series_zh : f->series);
    gmx_buf_printf(b, o->zh ? "%zu 个点，" : "%zu points ", f->window_points);
    put_time(b, f->window_from_ns);
    gmx_buf_puts(b, o->zh ? " 至 " : " to ");
    put_time(b, f->window_to_ns);
    gmx_buf_puts(b, o->zh ? "）：当前 " : "): now ");
    gmx_fmt_bytes(b, (uint64_t)f->current_bytes);
    if (f->stopped || !(f->bytes_per_second > 0) || !isfinite(f->seconds_to_limit)) {
        gmx_buf_puts(b, o->zh ? (f->stopped ? "，增长已停止：在这段时间内持平" : "，没有增长")
                              : (f->stopped ? ", growth has stopped: flat over that window" : ", not growing"));
    } else {
        gmx_buf_puts(b, o->zh ? "，增长 " : ", growing ");
        gmx_fmt_bytes(b, (uint64_t)(f->bytes_per_second * 3600));
        gmx_buf_puts(b, o->zh ? "/小时" : "/h");
    }
    gmx_buf_puts(b, o->zh ? "，上限 " : ", limit ");
    gmx_fmt_bytes(b, f->limit_bytes);
    if (f->seconds_to_limit < 0) {
        gmx_buf_puts(b, o->zh ? "：已经超过上限。\n" : ": already past the limit.\n");
        return;
    }
    if (!isfinite(f->seconds_to_limit)) {
        gmx_buf_puts(b, o->zh ? "：不会达到。\n" : ": not reached.\n");
        return;
    }
    if (f->loose) {
        /* A loose fit: the range of its quartile rates, not a point. */
        gmx_buf_puts(b, o->zh ? "：拟合较松散，预计在 " : ": a loose fit, reached in ");
        gmx_fmt_duration(b, f->seconds_low, o->zh);
        gmx_buf_puts(b, o->zh ? " 到 " : " to ");
        if (isfinite(f->seconds_high))
            gmx_fmt_duration(b, f->seconds_high, o->zh);
        else
            gmx_buf_puts(b, o->zh ? "无上限" : "never");
        gmx_buf_puts(b, o->zh ? " 后（中位 " : " (median ");
        gmx_fmt_duration(b, f->seconds_to_limit, o->zh);
    } else {
        gmx_buf_puts(b, o->zh ? "：预计在 " : ": reached in ");
        gmx_fmt_duration(b, f->seconds_to_limit, o->zh);
        gmx_buf_puts(b, o->zh ? " 后（" : " (");
    }
    gmx_buf_puts(b, f->loose ? (o->zh ? "，约 " : ", at about ") : (o->zh ? "" : "at "));
    put_time(b, f->now_ns + (int64_t)(f->seconds_to_limit * 1e9));
    gmx_buf_puts(b, o->zh ? " UTC，从最后一次观测 " : " UTC, counted from the last observation at ");
    put_time(b, f->now_ns);
    gmx_buf_puts(b, o->zh ? " 起算）。\n" : ").\n");
}

/* An action in Chinese; English comes with the action itself. */
static void action_zh(out *o, const gmx_action *a)
{
    gmx_buf *b = o->t.b;
    const gmx_finding *fd = a->finding;
    switch (a->what) {
    case GMX_DO_RESTART_SOON:
        gmx_buf_puts(b, "按当前增速，大约 ");
        gmx_fmt_duration(b, a->minutes * 60, true);
        gmx_buf_puts(b, " 后内存达到上限：立即重启或扩容争取时间。");
        return;
    case GMX_DO_ROLL_BACK_EVENT:
        gmx_buf_printf(b, "回滚%s“", event_kind_zh(a->event->kind));
        gmx_text_str(&o->t, a->event->description);
        gmx_buf_puts(b, "”：它是内存开始上涨前最近的一次变更。之后再找根因。");
        return;
    case GMX_DO_ROLL_BACK_ANY:
        gmx_buf_puts(b, "回滚内存开始上涨前的发布、配置变更或运营侧变更，之后再找根因。");
        return;
    case GMX_DO_FIX:
        gmx_text_str(&o->t, fd->site.function);
        if (fd->site.file.n || fd->site.line) {
            gmx_buf_puts(b, "（");
            gmx_text_str(&o->t, fd->site.file);
            gmx_buf_printf(b, ":%u）", fd->site.line);
        }
        gmx_buf_printf(b, "，%s：%s", gmx_category_id(fd->category),
                       gmx_category_advice_zh(fd->category));
        return;
    case GMX_DO_VERIFY_GOROUTINES:
        gmx_buf_puts(b, "修复后在压测前后各取一次 goroutine dump，用 `gomemdx check --base "
                        "before.txt after.txt` 把关。");
        return;
    case GMX_DO_VERIFY_HEAP:
        gmx_buf_puts(b, "修复后每隔几分钟取一次 heap profile，用 `gomemdx diagnose` 检查：不应再有"
                        "持续增长的分配点。");
        return;
    }
}

static void actions(out *o, const gmx_diagnosis *d)
{
    heading(o, "What to do", "处理建议");
    static const char *const en[] = { "Now", "Fix in code", "After the fix" };
    static const char *const zh[] = { "立即", "修改代码", "修复之后验证" };
    int n = 1;
    for (int kind = GMX_ACTION_MITIGATE; kind <= GMX_ACTION_VERIFY; kind++) {
        bool any = false;
        for (size_t i = 0; i < d->nactions; i++) {
            if ((int)d->actions[i].kind != kind)
                continue;
            if (!any)
                gmx_buf_printf(o->t.b, o->md ? "\n**%s%s**\n\n" : "%s%s\n", o->zh ? zh[kind] : en[kind],
                               o->zh ? "：" : ":");
            any = true;
            gmx_buf_printf(o->t.b, "%s%d. ", o->md ? "" : "  ", n++);
            if (o->zh)
                action_zh(o, &d->actions[i]);
            else
                gmx_text_str(&o->t, d->actions[i].text);
            gmx_buf_putc(o->t.b, '\n');
        }
    }
}

gmx_code gmx_render_diagnosis_text(const gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **result, size_t *len, gmx_error *err)
{
    static const gmx_render_options defaults;
    if (!opts)
        opts = &defaults;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    out o = { { &b, opts->color && !opts->markdown, opts->zh, opts->markdown, opts->width },
              opts->markdown, opts->zh,
              opts->show_healthy, opts->max_frames ? opts->max_frames : 8 };
    if (o.md)
        gmx_buf_puts(&b, o.zh ? "# gomemdx 内存诊断\n\n" : "# gomemdx diagnosis\n\n");
    inputs(&o, d->bundle);
    gmx_str head = o.zh ? gmx_findings_head_zh(d->findings) : gmx_findings_head(d->findings);
    if (head.n) {
        gmx_buf_puts(&b, o.md ? "\n**" : "\n");
        gmx_text_str(&o.t, head);
        gmx_buf_puts(&b, o.md ? "**\n" : "\n");
    }
    change(&o, d);

    heading(&o, "2. Goroutines", "2. goroutine 是否泄露");
    series_line(&o, &d->watched_goroutines, false);
    series_line(&o, &d->goroutines, false);
    gmx_str sum = o.zh ? gmx_findings_summary_zh(d->findings) : gmx_findings_summary(d->findings);
    if (d->goroutines.n && sum.n) {
        gmx_text_str(&o.t, sum);
        gmx_buf_putc(&b, '\n');
    }
    /* A goroutine profile's pasted -top table has findings but no series. */
    if (findings_in(&o, d->findings, S_GOROUTINES))
        ;
    else if (!d->goroutines.n && !d->watched_goroutines.n)
        gmx_buf_puts(&b, o.zh ? "没有 goroutine 数据。\n" : "No goroutine evidence in the bundle.\n");
    else
        gmx_buf_puts(&b, o.zh ? "没有可疑的 goroutine。\n" : "No suspicious goroutines.\n");

    heading(&o, "3. Code heap leak", "3. 代码是否内存泄露");
    series_line(&o, &d->watched_heap, true);
    series_line(&o, &d->heap, true);
    series_line(&o, &d->memstats, true);
    size_t changes = base_tables(&o, d->bundle);
    /* Heap tables that printed alloc_* or object counts have no bytes in
     * use to chart: say what they can and cannot show. */
    if (d->last_heap && !d->heap.n)
        gmx_buf_puts(&b, o.zh ? "所给的堆表统计的是自启动以来的分配或对象数，而非在用字节："
                                "它们说明内存在哪里分配，而不是被谁持有。\n"
                              : "The heap tables given count allocations since start or objects, "
                                "not bytes in use: they show where memory is allocated, not what "
                                "holds it.\n");
    if (d->heap.n < 2) {
        if (!changes)
            gmx_buf_puts(&b, o.zh ? "需要至少两个堆快照才能比较。\n"
                                  : "Comparing the heap takes two or more heap profiles.\n");
        findings_in(&o, d->findings, S_HEAP); /* one snapshot's suspects, said as such */
    } else if (!findings_in(&o, d->findings, S_HEAP))
        gmx_buf_puts(&b, o.zh ? "没有持续增长的分配点。\n" : "No allocation site keeps growing.\n");
    core_heaps(&o, d->bundle);

    heading(&o, "4. Other causes of OOM", "4. 其他导致 OOM 的原因");
    if (!findings_in(&o, d->findings, S_OTHER))
        gmx_buf_puts(&b, o.zh ? "没有发现分配突增。\n" : "No allocation burst found.\n");
    oom_evidence(&o, d->bundle);
    forecast(&o, &d->forecast);
    if (d->escapes) {
        heading(&o, "5. Reduce heap pressure: escapes", "5. 减轻堆压力：逃逸分析");
        gmx_str esum = o.zh ? gmx_findings_summary_zh(d->escapes) : gmx_findings_summary(d->escapes);
        if (esum.n) {
            gmx_text_str(&o.t, esum);
            gmx_buf_putc(&b, '\n');
        }
        bool saved_all = o.all;
        o.all = true; /* the costliest escapes matter even when each is "info" */
        size_t shown = 0;
        for (size_t i = 0; i < gmx_findings_count(d->escapes) && shown < 5; i++, shown++) {
            if (!shown)
                gmx_buf_putc(&b, '\n');
            if (o.md)
                gmx_buf_puts(&b, "```\n");
            gmx_text_finding(&o.t, gmx_findings_at(d->escapes, i), 0);
            if (o.md)
                gmx_buf_puts(&b, "```\n");
        }
        o.all = saved_all;
        if (gmx_findings_count(d->escapes) > shown)
            gmx_buf_printf(&b, o.zh ? "另有 %zu 处逃逸（gomemdx escape 可列出全部）。\n"
                                    : "%zu more escape sites (gomemdx escape lists them all).\n",
                           gmx_findings_count(d->escapes) - shown);
    }
    actions(&o, d);
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering the report");
    }
    *result = gmx_buf_detach(&b, len);
    return GMX_OK;
}
