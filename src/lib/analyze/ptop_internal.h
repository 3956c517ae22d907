/* Pieces of the pprof analyses shared between their files. */
#ifndef GMX_ANALYZE_PTOP_INTERNAL_H
#define GMX_ANALYZE_PTOP_INTERNAL_H

#include <regex.h>

#include "analyze/pgraph.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"

/* Compiles re (POSIX extended) into *out and sets *has; nothing when re
 * is NULL or empty. GMX_EUSAGE names `what` ("focus") on a bad regex. */
gmx_code gmx_ptop_compile_regex(const char *re, regex_t *out, bool *has, const char *what,
                            gmx_error *err);

/* GMX_EUSAGE unless b has p's sample and period types (pprof's -base). */
gmx_code gmx_ptop_check_base(const gmx_profile *p, const gmx_profile *b, gmx_error *err);

/* What selects the samples a pprof analysis counts, as top, peek and list
 * share it: the sample index, a base of the same kind, focus and ignore. */
typedef struct ptop_selection {
    int index;
    regex_t focus, ignore;
    bool has_focus, has_ignore;
} ptop_selection;

/* Resolves sample_index in p (NULL = the default), checks base (may be
 * NULL) and compiles focus and ignore (NULL or "" = none). GMX_EUSAGE on
 * any of them; release *s whatever it returns. */
gmx_code gmx_ptop_selection_init(ptop_selection *s, const gmx_profile *p, const char *sample_index,
                             const gmx_profile *base, const char *focus, const char *ignore,
                             gmx_error *err);
/* Sets m's focus/ignore filter (nothing when s has neither). GMX_OK or
 * GMX_ENOMEM. */
gmx_code gmx_ptop_selection_filter(const ptop_selection *s, pg_locmap *m, gmx_error *err);
void gmx_ptop_selection_release(ptop_selection *s);

/* Marks m's locations focused (1), ignored (-1) or neither (0), by pprof's
 * Location.matchesName: any line's function name or file, or the mapping's
 * file, matches. focus NULL focuses every location not ignored. 0 or -1. */
int gmx_ptop_build_filter(pg_locmap *m, const regex_t *focus, const regex_t *ignore);

/* pprof's total of p minus base: samples with the same stack (locations
 * compared by mapping, address, functions and lines) and labels merge
 * first, then |value| sums over the merged ones. */
gmx_code gmx_ptop_merged_total(const gmx_profile *p, const gmx_profile *base, int index,
                           int64_t *total, gmx_error *err);

/* Time and duration of p, or of p merged with base (pprof's combineHeaders). */
void gmx_ptop_merged_header(const gmx_profile *p, const gmx_profile *base, int64_t *time_nanos,
                        int64_t *duration_nanos);

/* Marks the nodes whose name matches regex (POSIX extended) as the only
 * edge ends wanted. GMX_EUSAGE on a bad regex. */
gmx_code gmx_ptop_mark_edge_ends(pg_graph *g, const char *regex, gmx_error *err);

/* Copies the edges of g between kept nodes (kept[i] is the node of row i)
 * into t->edges, by row. */
gmx_code gmx_ptop_collect_edges(const pg_graph *g, const uint32_t *kept, size_t nkept, gmx_ptop *t,
                            gmx_error *err);

#endif
