/* WaitGroup waiters and the goroutines they wait for (gwaitees.h). */
#include "analyze/gwaitees.h"
#include "analyze/frames.h"
#include "analyze/gspawner.h"
#include "util/str.h"

#include <stdint.h>

/* The lowest score among the blocked goroutines the type recv started. */
static bool waitees_score(const gmx_findings *out, const gmx_finding *waiter, gmx_str recv,
                          double *lowest)
{
    bool any = false;
    for (size_t i = 0; i < gmx_findings_count(out); i++) {
        const gmx_finding *f = gmx_findings_at(out, i);
        gmx_str spawner, type;
        if (f == waiter || !f->bucket || f->healthy || f->severity < GMX_SEV_WARNING ||
            f->category == GMX_CAT_WAITGROUP_MISMATCH || !gmx_gspawner(f->bucket, &spawner) ||
            !gmx_pointer_receiver(spawner, &type) || !gmx_str_eq(type, recv))
            continue;
        if (!any || f->score < *lowest)
            *lowest = f->score;
        any = true;
    }
    return any;
}

void gmx_rank_waiters_below_waitees(gmx_findings *out, gmx_finding **waiters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gmx_finding *w = waiters[i];
        gmx_str recv;
        double lowest = 0;
        if (!w->has_site || !gmx_pointer_receiver(w->site.function, &recv) ||
            !waitees_score(out, w, recv, &lowest))
            continue;
        if (w->score >= lowest)
            w->score = lowest * 0.99;
    }
}
