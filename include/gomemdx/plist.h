/* The `list` analysis of a pprof profile, with the semantics of
 * `go tool pprof -list REGEX` (pprof's report.printSource at
 * -granularity=lines): for each function whose name matches, the value of
 * each of its source lines, flat and cum (a line counts once per sample),
 * grouped by source file, with the range of lines pprof shows around them.
 * Renderers add the source text (gmx_render_plist_text). */
#ifndef GOMEMDX_PLIST_H
#define GOMEMDX_PLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/profile.h"
#include "gomemdx/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_plist_options {
    const char *regex;          /* POSIX extended, on function names; required */
    const char *sample_index;   /* type name or number; NULL = the profile's default */
    const char *focus, *ignore; /* as for top */
    const gmx_profile *base;    /* subtracted, like pprof -base; NULL for none */
    gmx_source_path source;     /* shapes the file names as pprof trims them */
} gmx_plist_options;

typedef struct gmx_plist_line {
    int64_t line;
    int64_t flat, cum;
} gmx_plist_line;

typedef struct gmx_plist_file {
    gmx_str file;               /* as pprof shows it: trimmed and cleaned */
    int64_t flat, cum;          /* sums over its lines */
    int64_t first, last;        /* lines to show: from the function's start (or 5
                                 * lines before the first sampled line) to 5 after
                                 * the last; first >= 1 */
    const gmx_plist_line *lines;/* sampled lines, ascending */
    size_t nlines;
} gmx_plist_file;

typedef struct gmx_plist_function {
    gmx_str name;
    const gmx_plist_file *files;/* by file name; none = no source information */
    size_t nfiles;
} gmx_plist_function;

typedef struct gmx_plist {
    const gmx_profile *profile; /* borrowed */
    gmx_pvalue_type sample_type;
    int64_t total;              /* as top's */
    const gmx_plist_function *functions; /* by name */
    size_t nfunctions;
    gmx_source_path source;     /* from the options, for the renderer */
} gmx_plist;

/* Computes the listing. GMX_EUSAGE for an unknown sample index, a bad
 * regex, a base of another kind, or no function matching regex. */
gmx_code gmx_plist_compute(const gmx_profile *p, const gmx_plist_options *opts, gmx_plist **out,
                           gmx_error *err);
void gmx_plist_free(gmx_plist *l);

/* Renders l as `go tool pprof -list` prints it: "Total:", then per function
 * and file a ROUTINE header and the lines first..last with their source
 * text, read through src (NULL: none; gmx_source_cache_lines reads files
 * the way pprof finds them). When a file cannot be found, pprof's
 * " Error: could not find file ..." line, then (unlike pprof) the sampled
 * lines with their values and no text. Of opts (gomemdx/report.h; NULL:
 * pprof's text exactly), markdown gives a heading per routine over a fenced
 * listing, zh the headers in Chinese. */
struct gmx_render_options;
gmx_code gmx_render_plist_text(const gmx_plist *l, const gmx_source_lines *src,
                               const struct gmx_render_options *opts, char **out, size_t *len,
                               gmx_error *err);
gmx_code gmx_render_plist_json(const gmx_plist *l, char **out, size_t *len, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
