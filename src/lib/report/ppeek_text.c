/* `peek` as `go tool pprof -peek REGEX` prints it (pprof's printTree): the
 * legend of `top`, then for each matching row in top's order its callers,
 * itself, and its callees, edges by |weight| then by name; percentages of
 * an edge are of the row's cum. */
#include "gomemdx/report.h"
#include "report/ptop_legend.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/regex.h"
#include "util/num.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char separator[] =
    "----------------------------------------------------------+-------------\n";

/* Edge indexes grouped by one end (the row) and, within a row, in
 * pprof's edgeList order. */
typedef struct edge_groups {
    uint32_t *order;      /* nedges edge indexes */
    uint32_t *first;      /* nrows + 1 offsets into order */
} edge_groups;

typedef struct group_ctx {
    const gmx_ptop *t;
    bool by_dst;
} group_ctx;

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int group_order(const void *a, const void *b, void *ctx)
{
    const group_ctx *c = ctx;
    const gmx_ptop_edge *l = &c->t->edges[*(const uint32_t *)a];
    const gmx_ptop_edge *r = &c->t->edges[*(const uint32_t *)b];
    uint32_t lg = c->by_dst ? l->dst : l->src, rg = c->by_dst ? r->dst : r->src;
    if (lg != rg)
        return lg < rg ? -1 : 1;
    if (abs64(l->weight) != abs64(r->weight))
        return abs64(l->weight) > abs64(r->weight) ? -1 : 1;
    int d = gmx_str_cmp(c->t->rows[l->src].name, c->t->rows[r->src].name);
    return d ? d : gmx_str_cmp(c->t->rows[l->dst].name, c->t->rows[r->dst].name);
}

static int groups_build(edge_groups *g, const gmx_ptop *t, bool by_dst)
{
    g->order = gmx_mallocarray(t->nedges + 1, sizeof(*g->order));
    g->first = gmx_calloc(t->nrows + 2, sizeof(*g->first));
    if (!g->order || !g->first)
        return -1;
    for (size_t i = 0; i < t->nedges; i++) {
        g->order[i] = (uint32_t)i;
        g->first[(by_dst ? t->edges[i].dst : t->edges[i].src) + 1]++;
    }
    for (size_t r = 0; r < t->nrows; r++)
        g->first[r + 1] += g->first[r];
    group_ctx c = { t, by_dst };
    qsort_r(g->order, t->nedges, sizeof(*g->order), group_order, &c);
    return 0;
}

static void groups_release(edge_groups *g)
{
    gmx_free(g->order);
    gmx_free(g->first);
}

typedef struct peek {
    const gmx_ptop *t;
    regex_t re;
    gmx_buf scratch;      /* a row's name, NUL-terminated for the regex */
    edge_groups in, out;  /* callers by dst row, callees by src row */
} peek;

static void peek_release(peek *p)
{
    groups_release(&p->in);
    groups_release(&p->out);
    gmx_buf_release(&p->scratch);
    regfree(&p->re);
}

static gmx_code peek_init(peek *p, const gmx_ptop *t, const char *regex, gmx_error *err)
{
    memset(p, 0, sizeof(*p));
    p->t = t;
    char msg[128];
    if (gmx_regex_compile(&p->re, regex, msg, sizeof(msg)) != 0)
        return gmx_error_set(err, GMX_EUSAGE, "parsing argument regexp %s: %s", regex, msg);
    gmx_buf_init(&p->scratch, 0);
    if (groups_build(&p->in, t, true) < 0 || groups_build(&p->out, t, false) < 0) {
        peek_release(p);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    return GMX_OK;
}

static bool row_matches(peek *p, size_t row)
{
    return gmx_regex_match(&p->re, p->t->rows[row].name, &p->scratch);
}

static gmx_code no_match(const gmx_ptop *t, const char *regex, gmx_error *err)
{
    return gmx_error_set(err, GMX_EUSAGE, "%s: no function matches regexp %s",
                         gmx_profile_name(t->profile), regex);
}

static void edge_lines(gmx_buf *b, const ptext_ctx *c, const edge_groups *g, size_t row,
                       bool callers)
{
    const gmx_ptop *t = c->t;
    for (uint32_t k = g->first[row]; k < g->first[row + 1]; k++) {
        const gmx_ptop_edge *e = &t->edges[g->order[k]];
        gmx_str other = t->rows[callers ? e->src : e->dst].name;
        char v[64], pct[32];
        gmx_pprof_percent(pct, sizeof(pct), e->weight, t->rows[row].cum);
        gmx_buf_printf(b, "%50s %s |   ", gmx_ptext_value(c, e->weight, v, sizeof(v)), pct);
        gmx_buf_put_visible(b, other.p, other.n);
        gmx_buf_puts(b, e->is_inline ? " (inline)\n" : "\n");
    }
}

/* The tree: each matching row with its callers above and callees below. */
static size_t tree(gmx_buf *b, peek *p, const ptext_ctx *c)
{
    const gmx_ptop *t = c->t;
    gmx_buf_puts(b, separator);
    gmx_buf_puts(b, "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n");
    int64_t flat_sum = 0;
    size_t matched = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!row_matches(p, i))
            continue;
        matched++;
        const gmx_ptop_row *r = &t->rows[i];
        char flat[64], cum[64], fp[32], sp[32], cp[32];
        flat_sum = gmx_i64_add_wrap(flat_sum, r->flat);
        gmx_pprof_percent(fp, sizeof(fp), r->flat, t->total);
        gmx_pprof_percent(sp, sizeof(sp), flat_sum, t->total);
        gmx_pprof_percent(cp, sizeof(cp), r->cum, t->total);
        gmx_buf_puts(b, separator);
        edge_lines(b, c, &p->in, i, true);
        gmx_buf_printf(b, "%10s %s %s %10s %s                | ",
                       gmx_ptext_value(c, r->flat, flat, sizeof(flat)), fp, sp,
                       gmx_ptext_value(c, r->cum, cum, sizeof(cum)), cp);
        gmx_buf_put_visible(b, r->name.p, r->name.n);
        gmx_buf_putc(b, '\n');
        edge_lines(b, c, &p->out, i, false);
    }
    if (t->nrows > 0)
        gmx_buf_puts(b, separator);
    return matched;
}

gmx_code gmx_render_ppeek_text(const gmx_ptop *t, const char *regex,
                               const gmx_render_options *opts, char **out, size_t *len,
                               gmx_error *err)
{
    peek p;
    gmx_code rc = peek_init(&p, t, regex, err);
    if (rc != GMX_OK)
        return rc;
    ptext_ctx c = gmx_ptext_ctx(t, opts);
    gmx_buf b, block;
    gmx_buf_init(&b, 0);
    gmx_buf_init(&block, 0);
    if (c.md)
        gmx_ptext_md_heading(&b, &c, "Callers and callees of %s", "%s 的调用者与被调用者",
                             gmx_str_cstr(regex));
    gmx_ptext_profile_legend(&b, &c);
    gmx_ptext_filter_legend(&b, &c);
    gmx_ptext_summary_legend(&b, &c);
    size_t matched = tree(c.md ? &block : &b, &p, &c);
    if (c.md) /* the tree keeps its columns in a block */
        gmx_md_block(&b, &block);
    gmx_buf_release(&block);
    peek_release(&p);
    if (matched == 0) {
        gmx_buf_release(&b);
        return no_match(t, regex, err);
    }
    return gmx_ptext_finish(&b, out, len, err);
}

static void json_edges(gmx_json *j, const gmx_ptop *t, const edge_groups *g, size_t row,
                       bool callers)
{
    gmx_json_array_begin(j);
    for (uint32_t k = g->first[row]; k < g->first[row + 1]; k++) {
        const gmx_ptop_edge *e = &t->edges[g->order[k]];
        gmx_json_object_begin(j);
        gmx_json_key(j, "name");
        gmx_json_string(j, t->rows[callers ? e->src : e->dst].name);
        gmx_json_key(j, "value");
        gmx_json_int(j, e->weight);
        gmx_json_key(j, "inline");
        gmx_json_bool(j, e->is_inline);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
}

gmx_code gmx_render_ppeek_json(const gmx_ptop *t, const char *regex, char **out, size_t *len,
                               gmx_error *err)
{
    peek p;
    gmx_code rc = peek_init(&p, t, regex, err);
    if (rc != GMX_OK)
        return rc;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_ptext_json_begin(&j, &b, "gomemdx/peek/1", t->profile, t->sample_type, t->total);
    gmx_json_key(&j, "functions");
    gmx_json_array_begin(&j);
    size_t matched = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!row_matches(&p, i))
            continue;
        matched++;
        gmx_json_object_begin(&j);
        gmx_json_key(&j, "name");
        gmx_json_string(&j, t->rows[i].name);
        gmx_json_key(&j, "flat");
        gmx_json_int(&j, t->rows[i].flat);
        gmx_json_key(&j, "cum");
        gmx_json_int(&j, t->rows[i].cum);
        gmx_json_key(&j, "callers");
        json_edges(&j, t, &p.in, i, true);
        gmx_json_key(&j, "callees");
        json_edges(&j, t, &p.out, i, false);
        gmx_json_object_end(&j);
    }
    gmx_json_array_end(&j);
    gmx_json_object_end(&j);
    gmx_buf_putc(&b, '\n');
    peek_release(&p);
    if (matched == 0) {
        gmx_buf_release(&b);
        return no_match(t, regex, err);
    }
    return gmx_ptext_finish(&b, out, len, err);
}
