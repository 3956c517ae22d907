/* Renderers: findings to text for people and JSON for programs. They only
 * read findings; output is deterministic (no clock, no locale). */
#ifndef GOMEMDX_REPORT_H
#define GOMEMDX_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/error.h"
#include "gomemdx/findings.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gmx_gate {
    GMX_GATE_NONE = 0,   /* not a gate: no "pass" field */
    GMX_GATE_PASS,       /* "pass": true */
    GMX_GATE_FAIL        /* "pass": false */
} gmx_gate;

typedef struct gmx_render_options {
    bool color;          /* ANSI colours (text only) */
    bool show_healthy;   /* include healthy and info findings (--all) */
    unsigned max_frames; /* frames of each stack shown in text; 0 = 12 */
    bool markdown;       /* diagnosis text as Markdown, to paste into a ticket */
    bool zh;             /* headings and advice in Chinese */
    gmx_gate gate;       /* JSON: a CI gate's verdict as "pass" (check); none by default */
    unsigned width;      /* text: columns prose (evidence, advice) wraps at, e.g. the
                          * terminal's; 0 = 92, what files and pipes get */
    unsigned refresh_seconds; /* HTML: a live page reloads itself this often; 0 = never */
    unsigned max_findings; /* JSON: at most this many findings, the rest counted in
                            * "findings_left_out"; 0 = all */
} gmx_render_options;

/* Each renders f into a new NUL-terminated string *out (free with
 * gmx_render_free) of length *len. */
gmx_code gmx_render_text(const gmx_findings *f, const gmx_render_options *opts, char **out,
                         size_t *len, gmx_error *err);
gmx_code gmx_render_json(const gmx_findings *f, const gmx_render_options *opts, char **out,
                         size_t *len, gmx_error *err);
void gmx_render_free(char *s);

/* The escape report (gomemdx escape): the logs read, the summary, then each
 * escape with its allocation volume, cause, compiler reason and advice. */
gmx_code gmx_render_escape_text(const gmx_findings *f, const gmx_render_options *opts,
                                char **out, size_t *len, gmx_error *err);

/* The diagnose report in the runbook's order (text or Markdown), or as JSON:
 * the findings contract plus "timeline", "change", "forecast", "actions". */
struct gmx_diagnosis;
gmx_code gmx_render_diagnosis_text(const struct gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **out, size_t *len, gmx_error *err);
gmx_code gmx_render_diagnosis_json(const struct gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **out, size_t *len, gmx_error *err);

/* The core report (gomemdx core): f's goroutine findings, then the heap
 * read from the same core (gomemdx/core.h): in text its first heap_rows
 * types (0 = 15) beside the runtime's own counters, in JSON every row as
 * the document's "heap" field. heap NULL: heap_unread says why it was not
 * read. */
struct gmx_core_heap;
gmx_code gmx_render_core_text(const gmx_findings *f, const struct gmx_core_heap *heap,
                              const char *heap_unread, unsigned heap_rows,
                              const gmx_render_options *opts, char **out, size_t *len,
                              gmx_error *err);
gmx_code gmx_render_core_json(const gmx_findings *f, const struct gmx_core_heap *heap,
                              const char *heap_unread, const gmx_render_options *opts,
                              char **out, size_t *len, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
