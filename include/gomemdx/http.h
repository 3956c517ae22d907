/* HTTP GETs (formats.md §6): many transfers at once through one libcurl
 * multi handle, each with its own timeout, body cap and redirect limit, so
 * a target that is down, slow or hostile never holds up the others. Each
 * finished transfer is handed back with a status that says plainly what
 * went wrong. The watch loop scrapes with it; gmx_input_fetch (input.h)
 * reads one artifact from a URL with it. */
#ifndef GOMEMDX_HTTP_H
#define GOMEMDX_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/error.h"

#ifdef __cplusplus
extern "C" {
#endif

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
    /* Request headers sent with every GET ("Authorization: Bearer ..."):
     * copied by gmx_scraper_new; never part of a message or a body kept. */
    const char *const *headers;
    size_t nheaders;
    bool insecure;           /* https: skip the certificate and host checks */
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

/* URLs as `go tool pprof` reads them. */
#define GMX_URL_MAX 2048

typedef struct gmx_url_target {
    char url[GMX_URL_MAX];   /* the endpoint to GET */
    char base[GMX_URL_MAX];  /* the service: scheme://host[:port][/prefix], no '/' at the end */
    char name[256];          /* host and port for file names: [A-Za-z0-9.-] and '_' */
    bool service;            /* the URL named the service, not an endpoint */
    long seconds;            /* its seconds=N parameter (pprof's -seconds); 0 when none */
} gmx_url_target;

/* True when s starts with http:// or https:// (any case). */
bool gmx_url_is_http(const char *s);
/* Reads url: a service (http://host:port, the pasted .../debug/pprof/ page,
 * or a prefix before /debug/pprof) stands for default_path (such as
 * "/debug/pprof/heap") under it, keeping seconds=N; anything else is the
 * endpoint, as given (without a #fragment). GMX_EUSAGE, naming the URL,
 * when it is not http(s), has no host, is longer than GMX_URL_MAX - 64 or
 * has a seconds= that is not a number up to 3600. */
gmx_code gmx_url_resolve(const char *url, const char *default_path, gmx_url_target *out,
                         gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
