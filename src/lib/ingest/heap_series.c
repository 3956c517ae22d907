#include "ingest/heap_series.h"
#include "gomemdx/ptoptext.h"
#include "util/alloc.h"

#include <string.h>

void gmx_heap_series_init(heap_series *s)
{
    memset(s, 0, sizeof(*s));
}

void gmx_heap_series_release(heap_series *s)
{
    for (int f = 0; f < HEAP_SERIES_FAMILIES; f++)
        gmx_free(s->kept[f]);
    gmx_hsite_table_free(s->table);
    memset(s, 0, sizeof(*s));
}

static int family(const gmx_artifact *a)
{
    return a->heap_text ? 2 : a->allocs ? 1 : 0;
}

/* When a snapshot was taken, as far as is known while reading: a time of
 * its own or its capture's, else its last GC; 0 when neither. File times
 * are left out: settle_times may find them meaningless. */
static int64_t taken(const gmx_artifact *a)
{
    if (a->time_source == GMX_TIME_PROFILE || a->time_source == GMX_TIME_LOG ||
        a->time_source == GMX_TIME_CAPTURE)
        return a->time_ns;
    return a->heap_info.time_ns;
}

/* Positions in time when every kept snapshot has a time, else in the
 * order the files were found (their index). */
static int64_t position(const gmx_artifact *items, size_t i, bool timed)
{
    return timed ? taken(&items[i]) : (int64_t)i;
}

static void drop_one(size_t *kept, size_t *n, gmx_artifact *items)
{
    bool timed = true;
    for (size_t k = 0; k < *n; k++)
        timed = timed && taken(&items[kept[k]]);
    /* Kept in position order (stable: the order found breaks ties). */
    for (size_t k = 1; k < *n; k++)
        for (size_t j = k; j > 0 && position(items, kept[j], timed) <
                                        position(items, kept[j - 1], timed); j--) {
            size_t t = kept[j];
            kept[j] = kept[j - 1];
            kept[j - 1] = t;
        }
    size_t victim = 1;
    int64_t best = INT64_MAX;
    for (size_t k = 1; k + 1 < *n; k++) {
        int64_t gap = position(items, kept[k + 1], timed) - position(items, kept[k - 1], timed);
        if (gap < best) {
            best = gap;
            victim = k;
        }
    }
    gmx_artifact *a = &items[kept[victim]];
    gmx_hsnapshot_free(a->heap);
    a->heap = NULL;
    memmove(&kept[victim], &kept[victim + 1], (*n - victim - 1) * sizeof(*kept));
    (*n)--;
}

/* pprof's -top text shows the largest rows of a profile: the profile's
 * total is the one its header says (or its rows' shares imply), not the
 * sum of the rows shown. A -base table's total is a change, no total. */
static void take_table_total(gmx_artifact *a)
{
    const gmx_ptop_info *t = a->ptop;
    if (!t || t->goroutines || t->counts || t->diff || !(t->total >= 0.5 && t->total < 9.2e18))
        return;
    int64_t total = (int64_t)(t->total + 0.5);
    int64_t *into = t->churn ? (t->objects ? &a->heap_total.alloc_objects : &a->heap_total.alloc_bytes)
                             : (t->objects ? &a->heap_total.inuse_objects : &a->heap_total.inuse_bytes);
    if (total > *into)
        *into = total;
}

/* Ready to take items[i]'s shared snapshot: the table, its family's list. */
static gmx_code prepare(heap_series *s, const gmx_artifact *a)
{
    if (!s->table && !(s->table = gmx_hsite_table_new(0)))
        return GMX_ENOMEM;
    int f = family(a);
    if (!s->kept[f] && !(s->kept[f] = gmx_calloc(HEAP_SERIES_KEPT + 1, sizeof(size_t))))
        return GMX_ENOMEM;
    return GMX_OK;
}

/* items[i] holds its shared snapshot now: kept, and maybe another let go. */
static void keep(heap_series *s, gmx_artifact *items, size_t i)
{
    int f = family(&items[i]);
    s->kept[f][s->nkept[f]++] = i;
    if (s->nkept[f] > HEAP_SERIES_KEPT)
        drop_one(s->kept[f], &s->nkept[f], items);
}

gmx_code gmx_heap_series_add(heap_series *s, gmx_artifact *items, size_t i)
{
    gmx_artifact *a = &items[i];
    a->heap_info = *gmx_hsnapshot_get_info(a->heap);
    a->heap_total = gmx_hsnapshot_total(a->heap);
    take_table_total(a);
    gmx_code rc = prepare(s, a);
    gmx_hsnapshot *shared;
    if (rc == GMX_OK)
        rc = gmx_hsnapshot_share(s->table, a->heap, &shared);
    if (rc != GMX_OK)
        return rc;
    gmx_hsnapshot_free(a->heap);
    a->heap = shared;
    keep(s, items, i);
    return GMX_OK;
}

gmx_code gmx_heap_series_add_reduced(heap_series *s, gmx_artifact *items, size_t i,
                                     const gmx_hreduced *r)
{
    gmx_artifact *a = &items[i];
    gmx_code rc = prepare(s, a);
    if (rc == GMX_OK)
        rc = gmx_hsnapshot_share_reduced(s->table, r, &a->heap);
    if (rc != GMX_OK)
        return rc;
    a->heap_info = *gmx_hsnapshot_get_info(a->heap);
    a->heap_total = gmx_hsnapshot_total(a->heap);
    keep(s, items, i);
    return GMX_OK;
}
