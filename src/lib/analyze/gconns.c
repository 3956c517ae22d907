#include "analyze/gconns.h"
#include "analyze/gclassify.h"
#include "util/str.h"

bool gmx_gconns_reading(const gmx_gbucket *b)
{
    return gmx_str_eq_cstr(gmx_gstatus(b), "IO wait");
}

bool gmx_gconns_writing(const gmx_gbucket *b)
{
    if (!gmx_gconns_reading(b))
        return false;
    for (uint32_t i = 0; i < b->nframes; i++)
        if (gmx_str_eq_cstr(b->frames[i].func, "internal/poll.(*pollDesc).waitWrite"))
            return true;
    return false;
}

/* The wait is the application's own: the first frame outside the runtime
 * is not the standard library's. A call in flight waits inside the library
 * (an HTTP request's select in net/http's roundTrip), one per connection
 * too when each call dials its own: a fan-out of calls, not a connection's
 * companion. */
static bool waits_in_app(const gmx_gbucket *b, const gmx_goroot *root)
{
    for (uint32_t i = 0; i < b->nframes; i++) {
        if (gmx_str_eq_cstr(gmx_func_package(b->frames[i].func), "runtime"))
            continue;
        return !gmx_frame_is_std(root, &b->frames[i]);
    }
    return false;
}

/* Waiting for input in its own code, the way a connection's other
 * goroutines wait for what to send or for their next event; or parked
 * where the format did not record why (debug=1 text leaves a select's
 * runtime frames out). A send or a lock waits behind something else: not
 * a connection's pace. */
static bool waiting_for_input(const gmx_gbucket *b, const gmx_goroot *root)
{
    gmx_str s = gmx_gstatus(b);
    bool input = s.n == 0 || gmx_str_eq_cstr(s, "select") || gmx_str_eq_cstr(s, "chan receive");
    return input && waits_in_app(b, root);
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
                                       const gmx_goroot *root, const uint64_t *series, size_t n,
                                       gmx_gconns_count_fn count, const void *ctx)
{
    if (n < 2 || !waiting_for_input(b, root) || !moved(series, n))
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
