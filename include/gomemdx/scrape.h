/* Scraping live Go services (docs/formats.md §6): the transfers are
 * gomemdx/http.h's; the bodies of /debug/pprof/goroutine?debug=1,
 * /debug/pprof/heap?debug=1 and a /debug/vars or /metrics page become one
 * gmx_msample. */
#ifndef GOMEMDX_SCRAPE_H
#define GOMEMDX_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/http.h"
#include "gomemdx/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The goroutine count of a /debug/pprof/goroutine?debug=1 body. */
gmx_code gmx_scrape_goroutines(const char *body, size_t len, uint64_t *count, gmx_error *err);
/* The MemStats trailer of a /debug/pprof/heap?debug=1 body. */
gmx_code gmx_scrape_memstats(const char *body, size_t len, gmx_memstats *out, gmx_error *err);
/* A /debug/vars (expvar JSON) or /metrics (Prometheus text) body, told
 * apart by content. */
gmx_code gmx_scrape_metrics(const char *body, size_t len, gmx_msample *out, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
