#include "analyze/gconns.h"
#include "analyze/gclassify.h"
#include "util/str.h"

bool gmx_gconns_reading(const gmx_gbucket *b)
{
    return gmx_str_eq_cstr(gmx_gstatus(b), "IO wait");
}

/* Waiting for input, the way a connection's other goroutines wait for
 * what to send or for their next event; or parked where the format did
 * not record why (debug=1 text leaves a select's runtime frames out). A
 * send or a lock waits behind something else: not a connection's pace. */
static bool waiting_for_input(const gmx_gbucket *b)
{
    gmx_str s = gmx_gstatus(b);
    return s.n == 0 || gmx_str_eq_cstr(s, "select") || gmx_str_eq_cstr(s, "chan receive") ||
           gmx_str_eq_cstr(s, "sync.Cond.Wait");
}

static bool near(uint64_t a, uint64_t b)
{
    uint64_t d = a > b ? a - b : b - a, hi = a > b ? a : b;
    return d <= 2 || d * 10 <= hi;
}

static bool moved(const uint64_t *series, size_t n)
{
    uint64_t lo = series[0], hi = series[0];
    for (size_t k = 1; k < n; k++) {
        lo = series[k] < lo ? series[k] : lo;
        hi = series[k] > hi ? series[k] : hi;
    }
    return hi - lo >= 10;
}

static bool same_creator(const gmx_gbucket *a, const gmx_gbucket *b)
{
    return a->has_creator && b->has_creator && gmx_str_eq(a->creator.func, b->creator.func);
}

const gmx_gbucket *gmx_gconns_followed(const gmx_gbuckets *last, const gmx_gbucket *b,
                                       const uint64_t *series, size_t n, gmx_gconns_count_fn count,
                                       const void *ctx)
{
    if (n < 2 || !waiting_for_input(b) || !moved(series, n))
        return NULL;
    const gmx_gbucket *found = NULL;
    for (size_t i = 0; i < gmx_gbuckets_count(last); i++) {
        const gmx_gbucket *r = gmx_gbuckets_at(last, i);
        if (r == b || !near(r->count, series[n - 1]) || !gmx_gconns_reading(r))
            continue;
        size_t k = 0;
        while (k + 1 < n && near(count(ctx, k, r), series[k]))
            k++;
        if (k + 1 < n)
            continue;
        /* The reader the same function started (a write pump's read pump)
         * names the connections best; the other end's will do. */
        if (same_creator(r, b))
            return r;
        if (!found)
            found = r;
    }
    return found;
}
