/* Scraping live Go services over HTTP (docs/formats.md §6): many transfers at
 * once through one libcurl multi handle, each with its own timeout, body
 * cap and redirect limit, so a target that is down, slow or hostile never
 * holds up the others. Each finished transfer is handed back with a status
 * that says plainly what went wrong. Then the bodies of
 * /debug/pprof/goroutine?debug=1, /debug/pprof/heap?debug=1 and a
 * /debug/vars or /metrics page become one gmx_msample. */
#ifndef GOMEMDX_SCRAPE_H
#define GOMEMDX_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/metrics.h"

typedef enum gmx_fetch_status {
    GMX_FETCH_OK = 0,        /* 2xx, complete body */
    GMX_FETCH_DOWN,          /* connection refused, unreachable, reset, name unknown */
    GMX_FETCH_SLOW,          /* no complete answer within the timeout */
    GMX_FETCH_HTTP_ERROR,    /* answered with a status other than 2xx (5xx, 404, ...) */
    GMX_FETCH_TRUNCATED,     /* the body ended before its announced length */
    GMX_FETCH_TOO_LARGE,     /* the body passed the size cap: cut off, not kept */
    GMX_FETCH_REDIRECT_LOOP, /* more redirects than allowed */
    GMX_FETCH_FAILED         /* anything else libcurl reports */
} gmx_fetch_status;

/* "ok", "down", "slow", "http error", "truncated", "too large",
 * "redirect loop", "failed". Static storage. */
const char *gmx_fetch_status_name(gmx_fetch_status st);

typedef struct gmx_fetch_limits {
    long timeout_ms;         /* whole transfer; 0 = 5,000 */
    long connect_timeout_ms; /* 0 = the timeout, at most 2,000 */
    size_t max_body;         /* 0 = GMX_FETCH_DEFAULT_MAX_BODY */
    long max_redirects;      /* 0 = 3; negative = none followed */
} gmx_fetch_limits;

#define GMX_FETCH_DEFAULT_MAX_BODY ((size_t)64 << 20)

/* One finished transfer, borrowed for the length of the callback. */
typedef struct gmx_fetch {
    const char *url;
    void *tag;               /* what the caller queued it with */
    int kind;                /* likewise */
    gmx_fetch_status status;
    long http_code;          /* 0 when no answer */
    const char *body;        /* NUL-terminated; kept only when status is OK */
    size_t len;
    double seconds;          /* wall time of the transfer */
    const char *message;     /* one line: what failed, naming the URL; "" when OK */
} gmx_fetch;

typedef void (*gmx_fetch_fn)(void *ctx, const gmx_fetch *f);

typedef struct gmx_scraper gmx_scraper;

/* limits may be NULL (defaults). GMX_EINTERNAL when libcurl cannot start. */
gmx_code gmx_scraper_new(const gmx_fetch_limits *limits, gmx_scraper **out, gmx_error *err);
/* Aborts transfers still running; their callbacks are not called. */
void gmx_scraper_free(gmx_scraper *s);

/* Queues a GET of url (http:// or https:// only, also after redirects).
 * timeout_ms 0 = the scraper's. The transfer starts at the next run. */
gmx_code gmx_scraper_get(gmx_scraper *s, const char *url, long timeout_ms, void *tag, int kind,
                         gmx_error *err);
/* Transfers queued or running. */
size_t gmx_scraper_pending(const gmx_scraper *s);
/* Drives every transfer for up to wait_ms (returning sooner when one
 * finishes and nothing else is ready), calling fn for each one that
 * finished. */
gmx_code gmx_scraper_run(gmx_scraper *s, int wait_ms, gmx_fetch_fn fn, void *ctx, gmx_error *err);

/* The goroutine count of a /debug/pprof/goroutine?debug=1 body. */
gmx_code gmx_scrape_goroutines(const char *body, size_t len, uint64_t *count, gmx_error *err);
/* The MemStats trailer of a /debug/pprof/heap?debug=1 body. */
gmx_code gmx_scrape_memstats(const char *body, size_t len, gmx_memstats *out, gmx_error *err);
/* A /debug/vars (expvar JSON) or /metrics (Prometheus text) body, told
 * apart by content. */
gmx_code gmx_scrape_metrics(const char *body, size_t len, gmx_msample *out, gmx_error *err);

#endif
