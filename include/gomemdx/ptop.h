/* The `top` analysis of a pprof profile, with the semantics of
 * `go tool pprof -top` (pprof's internal/graph and internal/report):
 * functions as nodes, inlined frames as nodes of their own, flat and cum
 * per node (a node counts once per sample however often it recurs), nodes
 * whose |cum| is below nodefraction of the total dropped, the same sort
 * order and tie-breaks, and the "(inline)" marks from the call edges that
 * survive edgefraction. Renderers format it (gmx_render_ptop_text). */
#ifndef GOMEMDX_PTOP_H
#define GOMEMDX_PTOP_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_ptop_options {
    const char *sample_index;   /* type name or number; NULL = the profile's default */
    bool cum_sort;              /* sort by cum instead of flat */
    unsigned node_count;        /* show at most this many nodes; 0 = all */
    double node_fraction;       /* < 0 = pprof's default 0.005 */
    double edge_fraction;       /* < 0 = pprof's default 0.001 */
    const char *focus;          /* POSIX extended regex on function names, files, mappings */
    const char *ignore;
    const gmx_profile *base;    /* subtracted, like pprof -base; NULL for none */
    bool with_edges;            /* also return the call edges between rows (peek) */
    const char *edges_of;       /* with_edges: only the edges into or out of rows whose
                                 * name matches this POSIX extended regex (the rows peek
                                 * shows; their inline marks stay exact, others' may
                                 * not); NULL = every edge */
} gmx_ptop_options;

/* Fills defaults: fractions -1 (pprof's), everything else off. */
void gmx_ptop_options_init(gmx_ptop_options *o);

typedef enum gmx_inline_mark {
    GMX_INLINE_NONE = 0,
    GMX_INLINE_FULL,            /* "(inline)": every caller edge is an inlined call */
    GMX_INLINE_PARTIAL          /* "(partial-inline)" */
} gmx_inline_mark;

typedef struct gmx_ptop_row {
    gmx_str name;               /* pprof's printable name */
    int64_t flat, cum;
    gmx_inline_mark mark;
} gmx_ptop_row;

/* A call edge between two rows, as pprof's graph keeps it: the value of
 * the samples where src calls dst (each sample counted once). */
typedef struct gmx_ptop_edge {
    uint32_t src, dst;          /* row indexes */
    int64_t weight;
    bool is_inline;             /* every such call was an inlined one */
} gmx_ptop_edge;

typedef struct gmx_ptop {
    const gmx_profile *profile; /* borrowed */
    int sample_index;
    gmx_pvalue_type sample_type;
    int64_t total;              /* sum of |value| over (merged) samples, before focus */
    int64_t shown;              /* sum of flat over the rows */
    const gmx_ptop_row *rows;
    size_t nrows;
    const gmx_ptop_edge *edges; /* with_edges only; sorted by src row, then dst row */
    size_t nedges;
    size_t dropped_nodes;       /* below the node cutoff */
    int64_t node_cutoff;        /* |total * node_fraction|, as the legend says (pprof
                                 * cuts at the sum of flat values * node_fraction) */
    size_t orig_count;          /* nodes before node_count applied */
    unsigned node_count;
    const char *focus, *ignore; /* as given, for the "Active filters" legend */
    bool has_base;
    int64_t time_nanos, duration_nanos; /* of the (merged) profile */
} gmx_ptop;

/* Computes the top table of p. *out is owned by the caller
 * (gmx_ptop_free). Errors: unknown sample index, bad regex, a base profile
 * with other sample types (GMX_EUSAGE). */
gmx_code gmx_ptop_compute(const gmx_profile *p, const gmx_ptop_options *opts, gmx_ptop **out,
                          gmx_error *err);
void gmx_ptop_free(gmx_ptop *t);

/* pprof's number formatting (internal/measurement), for renderers:
 * the unit best suited to show values of `unit` between min and max
 * ("MB", "ms", or the sample unit itself, e.g. "count"); a value in that unit ("1.50MB", "0");
 * a percentage right-aligned in 6 columns ("48.44%", "  100%", "0.12%"). */
void gmx_pprof_output_unit(char *out, size_t outsz, int64_t min_value, int64_t max_value,
                           gmx_str unit);
double gmx_pprof_scale(int64_t value, gmx_str from_unit, const char *to_unit, char *unit,
                       size_t unitsz);
void gmx_pprof_scaled(char *out, size_t outsz, int64_t value, gmx_str from_unit,
                      const char *to_unit);
void gmx_pprof_percent(char *out, size_t outsz, int64_t value, int64_t total);

/* The options of pprof's -peek: every node and every edge, none trimmed
 * (pprof turns its node and edge fractions off for peek). */
void gmx_ptop_options_peek(gmx_ptop_options *o);

struct gmx_render_options;

/* Renders t as `go tool pprof -top` prints it (text) or as a JSON
 * document; *out is NUL-terminated, free with gmx_render_free. Of opts
 * (gomemdx/report.h; NULL: pprof's text exactly), markdown gives a heading,
 * the legend as a list and the rows as a table, zh the legend in Chinese. */
gmx_code gmx_render_ptop_text(const gmx_ptop *t, const struct gmx_render_options *opts,
                              char **out, size_t *len, gmx_error *err);
gmx_code gmx_render_ptop_json(const gmx_ptop *t, char **out, size_t *len, gmx_error *err);

/* Renders t (computed with gmx_ptop_options_peek) as `go tool pprof -peek
 * REGEX` prints it: each row whose name matches regex (POSIX extended),
 * with its callers above and its callees below. GMX_EUSAGE when regex is
 * invalid or matches no row, as pprof fails. opts as for top; in Markdown
 * the call tree is a fenced block under a heading and the legend. */
gmx_code gmx_render_ppeek_text(const gmx_ptop *t, const char *regex,
                               const struct gmx_render_options *opts, char **out, size_t *len,
                               gmx_error *err);
gmx_code gmx_render_ppeek_json(const gmx_ptop *t, const char *regex, char **out, size_t *len,
                               gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
