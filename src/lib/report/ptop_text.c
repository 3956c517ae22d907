/* `top` as `go tool pprof -top` prints it: the profile legend (File, Build
 * ID, comments, Type, Doc, Time, Duration), the active filters, the
 * "Showing nodes ..." lines, then one row per node. Values use the unit
 * pprof's selectOutputUnit picks from the smallest shown value and the
 * total. Asked for Markdown, the legend is a list and the rows a table;
 * asked for Chinese, the legend is in Chinese (the columns keep pprof's
 * names, flat and cum, as people search for them). */
#include "report/ptop_legend.h"
#include "gomemdx/report.h"
#include "util/json.h"
#include "util/num.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

ptext_ctx gmx_ptext_ctx(const gmx_ptop *t, const gmx_render_options *opts)
{
    ptext_ctx c = { .t = t, .zh = opts && opts->zh, .md = opts && opts->markdown };
    gmx_ptext_choose_unit(&c);
    return c;
}

void gmx_ptext_md_heading(gmx_buf *b, const ptext_ctx *c, const char *en, const char *zh,
                          gmx_str s)
{
    const char *fmt = c->zh ? zh : en;
    const char *at = strstr(fmt, "%s");
    gmx_buf_puts(b, "## ");
    gmx_buf_append(b, fmt, at ? (size_t)(at - fmt) : strlen(fmt));
    if (at) {
        gmx_md_code(b, s);
        gmx_buf_puts(b, at + 2);
    }
    gmx_buf_puts(b, "\n\n");
}

/* A legend line begins: a list item in Markdown. */
static void legend_item(gmx_buf *b, const ptext_ctx *c)
{
    if (c->md)
        gmx_buf_puts(b, "- ");
}

const char *gmx_ptext_value(const ptext_ctx *c, int64_t v, char *buf, size_t n)
{
    gmx_pprof_scaled(buf, n, v, c->t->sample_type.unit, c->unit);
    return buf;
}

void gmx_ptext_choose_unit(ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    int64_t min = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t m = gmx_i64_abs_wrap(t->rows[i].flat);
        if (m == 0)
            m = gmx_i64_abs_wrap(t->rows[i].cum);
        if (m > 0 && (min == 0 || m < min))
            min = m;
    }
    if (t->nrows == 0) { /* pprof keeps "minimum", which formats like "auto" */
        snprintf(c->unit, sizeof(c->unit), "minimum");
        return;
    }
    gmx_pprof_output_unit(c->unit, sizeof(c->unit), min, t->total, t->sample_type.unit);
}

/* Go's time.Unix(0, ns).Format("2006-01-02 15:04:05 MST") in local time. */
static void time_line(gmx_buf *b, const ptext_ctx *c, int64_t ns)
{
    int64_t sec = ns / 1000000000;
    if (ns % 1000000000 < 0)
        sec--;
    time_t tt = (time_t)sec;
    struct tm tm;
    char s[64];
    if (localtime_r(&tt, &tm) && strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S %Z", &tm)) {
        legend_item(b, c);
        gmx_buf_printf(b, "%s%s\n", c->zh ? "时间：" : "Time: ", s);
    }
}

static void duration_line(gmx_buf *b, const ptext_ctx *c, int64_t ns)
{
    char d[64], tot[64], pct[32], ratio[40] = "", unit[16];
    gmx_pprof_scaled(d, sizeof(d), ns, GMX_STR_LIT("nanoseconds"), "auto");
    double total_ns = gmx_pprof_scale(c->t->total, c->t->sample_type.unit, "nanoseconds", unit,
                                      sizeof(unit));
    if (strcmp(unit, "ns") == 0 && (int64_t)total_ns != 0) {
        gmx_pprof_percent(pct, sizeof(pct), (int64_t)total_ns, ns);
        snprintf(ratio, sizeof(ratio), "(%s)", pct);
    }
    legend_item(b, c);
    gmx_buf_printf(b, c->zh ? "时长：%s，样本总计 = %s %s\n" : "Duration: %s, Total samples = %s %s\n",
                   d, gmx_ptext_value(c, c->t->total, tot, sizeof(tot)), ratio);
}

static gmx_str base_name(gmx_str path)
{
    while (path.n > 1 && path.p[path.n - 1] == '/')
        path.n--;
    size_t slash = gmx_str_rfind_char(path, '/');
    return slash == SIZE_MAX || path.n == 1 ? path : gmx_str_sub(path, slash + 1, path.n);
}

/* "Key: value" and a newline, the value from the input made visible (a
 * code span in Markdown); the key in the legend's language. */
static void put_line(gmx_buf *b, const ptext_ctx *c, const char *key, const char *key_zh,
                     gmx_str value)
{
    legend_item(b, c);
    gmx_buf_puts(b, c->zh ? key_zh : key);
    if (c->md)
        gmx_md_code(b, value);
    else
        gmx_buf_put_visible(b, value.p, value.n);
    gmx_buf_putc(b, '\n');
}

void gmx_ptext_profile_legend(gmx_buf *b, const ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    const gmx_profile *p = t->profile;
    const gmx_profile_info *in = gmx_profile_get_info(p);
    if (gmx_profile_mapping_count(p) > 0) {
        const gmx_pmapping *m = gmx_profile_mapping(p, 0);
        gmx_str file = base_name(m->filename);
        if (m->filename.n)
            put_line(b, c, "File: ", "文件：", file);
        if (m->build_id.n)
            put_line(b, c, "Build ID: ", "构建 ID：", m->build_id);
    }
    for (size_t i = 0; i < in->ncomments; i++)
        if (!gmx_str_starts(in->comments[i], "#"))
            put_line(b, c, "", "", in->comments[i]);
    put_line(b, c, "Type: ", "类型：", t->sample_type.type);
    if (in->doc_url.n)
        put_line(b, c, "Doc: ", "文档：", in->doc_url);
    if (t->time_nanos != 0)
        time_line(b, c, t->time_nanos);
    if (t->duration_nanos != 0)
        duration_line(b, c, t->duration_nanos);
}

void gmx_ptext_filter_legend(gmx_buf *b, const ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    if (!t->focus && !t->ignore)
        return;
    legend_item(b, c);
    gmx_buf_puts(b, c->zh ? "生效的过滤条件：\n" : "Active filters:\n");
    const char *keys[2] = { "focus", "ignore" }, *vals[2] = { t->focus, t->ignore };
    for (int i = 0; i < 2; i++) {
        if (!vals[i])
            continue;
        char f[512];
        snprintf(f, sizeof(f), "%s=%s", keys[i], vals[i]);
        if (c->md) {
            gmx_buf_puts(b, "  - ");
            gmx_md_code(b, gmx_str_cstr(f));
            gmx_buf_putc(b, '\n');
        } else if (strlen(f) > 80) /* pprof cuts at 80 bytes and adds an ellipsis */
            gmx_buf_printf(b, "   %.80s\xe2\x80\xa6\n", f);
        else
            gmx_buf_printf(b, "   %s\n", f);
    }
}

void gmx_ptext_summary_legend(gmx_buf *b, const ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    char shown[64], total[64], pct[32], cut[64];
    gmx_pprof_percent(pct, sizeof(pct), t->shown, t->total);
    gmx_ptext_value(c, t->shown, shown, sizeof(shown));
    gmx_ptext_value(c, t->total, total, sizeof(total));
    const char *share = gmx_str_trim(gmx_str_cstr(pct)).p;
    legend_item(b, c);
    if (c->zh)
        gmx_buf_printf(b, "显示的节点合计 %s，占总量 %s 的 %s\n", shown, total, share);
    else
        gmx_buf_printf(b, "Showing nodes accounting for %s, %s of %s total\n", shown, share, total);
    if (t->total == 0)
        return;
    if (t->dropped_nodes > 0) {
        gmx_ptext_value(c, t->node_cutoff, cut, sizeof(cut));
        legend_item(b, c);
        if (c->zh)
            gmx_buf_printf(b, "省略了 %zu 个节点（cum <= %s）\n", t->dropped_nodes, cut);
        else
            gmx_buf_printf(b, "Dropped %zu node%s (cum <= %s)\n", t->dropped_nodes,
                           t->dropped_nodes > 1 ? "s" : "", cut);
    }
    if (t->node_count > 0 && t->node_count < t->orig_count) {
        legend_item(b, c);
        if (c->zh)
            gmx_buf_printf(b, "显示 %zu 个节点中的前 %u 个\n", t->orig_count, t->node_count);
        else
            gmx_buf_printf(b, "Showing top %u nodes out of %zu\n", t->node_count, t->orig_count);
    }
}

static void rows(gmx_buf *b, const ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    static const char *const marks[] = { "", " (inline)", " (partial-inline)" };
    if (c->md)
        gmx_buf_printf(b, "\n| flat | flat%% | sum%% | cum | cum%% | %s |\n"
                          "|---:|---:|---:|---:|---:|---|\n", c->zh ? "函数" : "function");
    else
        gmx_buf_printf(b, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
    int64_t sum = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const gmx_ptop_row *r = &t->rows[i];
        char flat[64], cum[64], fp[32], sp[32], cp[32];
        sum = gmx_i64_add_wrap(sum, r->flat);
        gmx_pprof_percent(fp, sizeof(fp), r->flat, t->total);
        gmx_pprof_percent(sp, sizeof(sp), sum, t->total);
        gmx_pprof_percent(cp, sizeof(cp), r->cum, t->total);
        if (c->md) {
            gmx_buf_printf(b, "| %s | %s | %s | %s | %s | ",
                           gmx_ptext_value(c, r->flat, flat, sizeof(flat)),
                           gmx_str_trim(gmx_str_cstr(fp)).p, gmx_str_trim(gmx_str_cstr(sp)).p,
                           gmx_ptext_value(c, r->cum, cum, sizeof(cum)),
                           gmx_str_trim(gmx_str_cstr(cp)).p);
            gmx_md_code(b, r->name);
            gmx_buf_printf(b, "%s |\n", marks[r->mark]);
            continue;
        }
        gmx_buf_printf(b, "%10s %s %s %10s %s  ", gmx_ptext_value(c, r->flat, flat, sizeof(flat)),
                       fp, sp, gmx_ptext_value(c, r->cum, cum, sizeof(cum)), cp);
        gmx_buf_put_visible(b, r->name.p, r->name.n);
        gmx_buf_printf(b, "%s\n", marks[r->mark]);
    }
}

void gmx_ptext_json_begin(gmx_json *j, gmx_buf *b, const char *schema, const gmx_profile *p,
                      gmx_pvalue_type type, int64_t total)
{
    gmx_json_init(j, b);
    gmx_json_object_begin(j);
    gmx_json_key(j, "schema");
    gmx_json_cstring(j, schema);
    gmx_json_key(j, "profile");
    gmx_json_cstring(j, gmx_profile_name(p));
    gmx_json_key(j, "sample_type");
    gmx_json_string(j, type.type);
    gmx_json_key(j, "unit");
    gmx_json_string(j, type.unit);
    gmx_json_key(j, "total");
    gmx_json_int(j, total);
}

gmx_code gmx_ptext_finish(gmx_buf *b, char **out, size_t *len, gmx_error *err)
{
    if (b->failed || !b->data) {
        gmx_buf_release(b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering");
    }
    *out = gmx_buf_detach(b, len);
    return GMX_OK;
}

gmx_code gmx_render_ptop_text(const gmx_ptop *t, const gmx_render_options *opts, char **out,
                              size_t *len, gmx_error *err)
{
    ptext_ctx c = gmx_ptext_ctx(t, opts);
    gmx_buf b;
    gmx_buf_init(&b, 0);
    if (c.md)
        gmx_ptext_md_heading(&b, &c, "Top functions by %s", "按 %s 排序的函数", t->sample_type.type);
    gmx_ptext_profile_legend(&b, &c);
    gmx_ptext_filter_legend(&b, &c);
    gmx_ptext_summary_legend(&b, &c);
    rows(&b, &c);
    return gmx_ptext_finish(&b, out, len, err);
}

gmx_code gmx_render_ptop_json(const gmx_ptop *t, char **out, size_t *len, gmx_error *err)
{
    ptext_ctx c = { .t = t };
    gmx_ptext_choose_unit(&c);
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_ptext_json_begin(&j, &b, "gomemdx/top/1", t->profile, t->sample_type, t->total);
    gmx_json_key(&j, "shown");
    gmx_json_int(&j, t->shown);
    gmx_json_key(&j, "dropped_nodes");
    gmx_json_uint(&j, t->dropped_nodes);
    gmx_json_key(&j, "rows");
    gmx_json_array_begin(&j);
    for (size_t i = 0; i < t->nrows; i++) {
        static const char *const marks[] = { NULL, "inline", "partial-inline" };
        gmx_json_object_begin(&j);
        gmx_json_key(&j, "name");
        gmx_json_string(&j, t->rows[i].name);
        gmx_json_key(&j, "flat");
        gmx_json_int(&j, t->rows[i].flat);
        gmx_json_key(&j, "cum");
        gmx_json_int(&j, t->rows[i].cum);
        gmx_json_key(&j, "inline");
        gmx_json_cstring(&j, marks[t->rows[i].mark]);
        gmx_json_object_end(&j);
    }
    gmx_json_array_end(&j);
    gmx_json_object_end(&j);
    gmx_buf_putc(&b, '\n');
    return gmx_ptext_finish(&b, out, len, err);
}
