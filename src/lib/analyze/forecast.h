/* When memory runs out: the forecast part of the diagnose walk. */
#ifndef GMX_ANALYZE_FORECAST_H
#define GMX_ANALYZE_FORECAST_H

#include "gomemdx/diagnose.h"

/* Fills d->forecast from d's series (watched history first, then MemStats
 * timed by capture, then the heap profiles) and d->change. last_seen_ns is
 * the latest moment anything in the bundle was observed (0: unknown): the
 * forecast never names a moment before it. limit 0: rate and window only. */
void gmx_forecast_compute(gmx_diagnosis *d, uint64_t limit, int64_t last_seen_ns);

#endif
