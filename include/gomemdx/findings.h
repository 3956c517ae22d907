/* Findings: what every analysis produces and every renderer reads. The JSON
 * contract of docs (schema "gomemdx/1") is this structure written out. */
#ifndef GOMEMDX_FINDINGS_H
#define GOMEMDX_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/gbuckets.h"
#include "gomemdx/str.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gmx_severity {
    GMX_SEV_INFO = 0,
    GMX_SEV_WARNING,
    GMX_SEV_CRITICAL
} gmx_severity;

/* The stable category ids of design.md. GMX_CAT_NONE is for healthy or
 * unremarkable buckets shown with --all. */
typedef enum gmx_category {
    GMX_CAT_NONE = 0,
    GMX_CAT_CHAN_SEND_BLOCKED,
    GMX_CAT_CHAN_RECV_BLOCKED,
    GMX_CAT_NIL_CHAN,
    GMX_CAT_SELECT_BLOCKED,
    GMX_CAT_MUTEX_HELD,
    GMX_CAT_WAITGROUP_MISMATCH,
    GMX_CAT_COND_WAIT,
    GMX_CAT_IO_NO_TIMEOUT,
    GMX_CAT_GOROUTINE_SURGE,
    GMX_CAT_DEADLOCK,
    GMX_CAT_HEAP_GROWTH,
    GMX_CAT_MAP_GROWTH,
    GMX_CAT_SLICE_RETENTION,
    GMX_CAT_TIMER_LEAK,
    GMX_CAT_GOROUTINE_STACKS,
    GMX_CAT_ALLOC_SPIKE,
    GMX_CAT_ESCAPE,
    GMX_CAT_COUNT
} gmx_category;

/* "chan-send-blocked", ...; "none" for GMX_CAT_NONE. Static storage. */
const char *gmx_category_id(gmx_category c);
/* The runbook's advice for a category, in English. Static storage. */
const char *gmx_category_advice(gmx_category c);
/* The same advice in Chinese (the runbook's language). Static storage. */
const char *gmx_category_advice_zh(gmx_category c);
const char *gmx_severity_name(gmx_severity s);

typedef struct gmx_site {
    gmx_str function;
    gmx_str file;
    uint32_t line;
} gmx_site;

typedef struct gmx_evidence {
    const char *key;          /* static: "count", "wait_median_minutes", ... */
    bool is_text;
    double number;
    gmx_str text;
    const gmx_str *list;      /* non-NULL: a list of texts (is_text false), nlist of them:
                               * "retained_by", from a root to the object */
    const gmx_str *list_zh;   /* the same list in Chinese (--lang zh); NULL: none given */
    uint32_t nlist;
} gmx_evidence;

#define GMX_MAX_EVIDENCE 16

typedef struct gmx_finding {
    uint32_t rank;            /* 1 = most suspicious */
    gmx_category category;
    gmx_severity severity;
    double score;
    gmx_str title;
    gmx_str title_zh;         /* the same title in Chinese (--lang zh); empty: none given */
    bool has_site;
    gmx_site site;            /* the user-code frame to fix */
    bool site_is_mechanism;   /* only standard-library frames: site names the mechanism */
    bool has_created_by;
    gmx_site created_by;
    bool has_goroutines;
    uint64_t goroutines;
    bool has_bytes;
    uint64_t bytes;
    gmx_evidence evidence[GMX_MAX_EVIDENCE];
    uint32_t nevidence;
    const char *advice;       /* static catalogue text; NULL for healthy buckets */
    const char *advice_zh;    /* the same in Chinese when it is not the category's
                               * (gmx_category_advice_zh); else NULL */
    const char *healthy;      /* non-NULL: the healthy pattern recognised */
    gmx_str why;              /* the evidence weighed, as one readable line; may be empty */
    gmx_str why_zh;           /* the same in Chinese */
    const char *source;       /* a published source for the verdict (signature catalogue) */
    const gmx_gbucket *bucket;/* the goroutine bucket behind it, when there is one */
    const gmx_gbucket *const *pile; /* when several stacks are one pile (the same wait, code
                               * and creator by other paths through the standard
                               * library): their buckets, the largest first; bucket
                               * then merges them */
    uint32_t npile;
    /* A heap finding's allocating call stack: user-code frames first, then
     * the standard library's and runtime's, each part innermost first. */
    const gmx_frame *stack;
    uint32_t nstack;
    uint32_t nstack_user;     /* the first nstack_user frames are user code */
    /* Over time (several snapshots): the bucket's count in each, oldest first. */
    const uint64_t *series;
    uint32_t nseries;
} gmx_finding;

typedef struct gmx_input_note {
    gmx_str name;
    const char *kind;         /* "goroutine dump", ... */
    uint64_t goroutines;
    bool partial;
    gmx_str detail;           /* e.g. the panic message */
    uint64_t threads;         /* thread system stacks shown apart (crash tracebacks) */
    gmx_str reading;          /* what a tolerant read read, skipped and repaired
                               * (gmx_read_report_describe); empty when strict */
} gmx_input_note;

typedef struct gmx_findings gmx_findings;

gmx_findings *gmx_findings_new(void);
void gmx_findings_free(gmx_findings *f);

size_t gmx_findings_count(const gmx_findings *f);
const gmx_finding *gmx_findings_at(const gmx_findings *f, size_t i);
size_t gmx_findings_input_count(const gmx_findings *f);
const gmx_input_note *gmx_findings_input_at(const gmx_findings *f, size_t i);
/* Buckets or sites the analysis looked at and left out (healthy or
 * unremarkable ones, unless asked to include them). */
size_t gmx_findings_omitted(const gmx_findings *f);
void gmx_findings_set_omitted(gmx_findings *f, size_t n);
/* A one-paragraph summary ("goroutines rose from ... to ..."), may be empty. */
gmx_str gmx_findings_summary(const gmx_findings *f);
/* The same summary in Chinese; empty when the analysis gave none. */
gmx_str gmx_findings_summary_zh(const gmx_findings *f);

/* What stopped the process, said before anything else: the panic or fatal
 * error of the input and the goroutine that raised it; empty when none. */
gmx_str gmx_findings_head(const gmx_findings *f);
gmx_str gmx_findings_head_zh(const gmx_findings *f);

/* Building (analyses only). Strings passed in are copied into the set. */
void gmx_findings_set_head(gmx_findings *f, gmx_str en, gmx_str zh);
gmx_finding *gmx_findings_add(gmx_findings *f);
gmx_str gmx_findings_strdup(gmx_findings *f, gmx_str s);
gmx_str gmx_findings_printf(gmx_findings *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
uint64_t *gmx_findings_alloc_series(gmx_findings *f, uint32_t n);
/* Room for n frames, zeroed, that live as long as the set. */
gmx_frame *gmx_findings_alloc_frames(gmx_findings *f, uint32_t n);
/* Room for n objects of size bytes, zeroed, that live as long as the set
 * (what a finding points at that no snapshot holds); NULL, and the set
 * failed, when out of memory. */
void *gmx_findings_calloc(gmx_findings *f, size_t n, size_t size);
gmx_code gmx_findings_add_input(gmx_findings *f, const gmx_input_note *note);
void gmx_findings_set_summary(gmx_findings *f, gmx_str summary);
void gmx_findings_set_summary_zh(gmx_findings *f, gmx_str summary);
void gmx_finding_add_number(gmx_finding *fd, const char *key, double v);
void gmx_finding_add_text(gmx_finding *fd, const char *key, gmx_str v);
/* A list of n texts, copied into f, and the same in Chinese (items_zh may
 * be NULL). */
void gmx_finding_add_list(gmx_findings *f, gmx_finding *fd, const char *key, const gmx_str *items,
                          const gmx_str *items_zh, uint32_t n);
/* Keeps the findings for which keep(ctx, finding) is true, in order, and
 * renumbers ranks; the others count as omitted. */
void gmx_findings_retain(gmx_findings *f, bool (*keep)(void *ctx, const gmx_finding *fd),
                         void *ctx);
/* Orders by severity, then score, then site, and numbers ranks from 1. */
void gmx_findings_rank(gmx_findings *f);
/* Sticky: an allocation while building failed. */
bool gmx_findings_failed(const gmx_findings *f);
/* A builder's own allocation for the set failed (a text it was composing):
 * the set is failed, as if the set's own allocation had. */
void gmx_findings_fail(gmx_findings *f);

#ifdef __cplusplus
}
#endif

#endif
