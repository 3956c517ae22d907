/* Two kinds of goroutine snapshot of one moment, read as one. The
 * algorithm: key every bucket of the richer snapshot by its frames outside
 * the runtime (function and line; a profile keeps runtime.gopark and
 * runtime.goexit where a dump does not), sort the keys, and for each bucket
 * of the base snapshot that records no wait reason (or no creator) look its
 * key up; on a match, re-add the base bucket's goroutines to a new set with
 * what the other bucket knows: its wait reasons in their proportions, its
 * minutes blocked (one goroutine at the longest wait, one at the shortest,
 * the rest at the median), its creator, flags and goroutine ids. Counts stay the base's:
 * its series is the one growth is measured in. */
#include "analyze/gmerge.h"
#include "analyze/frames.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* The outermost frame of a traceback taken at a signal or crash can be the
 * compiler's wrapper of the go statement (`go s.work()` runs in
 * "pkg.(*S).start.func1" before Go 1.21), which a dump hides: a function of
 * the creator, at the go statement's line, below runtime.goexit only. */
static bool go_wrapper(const gmx_gbucket *b, uint32_t i)
{
    const gmx_frame *f = &b->frames[i], *c = &b->creator;
    uint32_t outer = i + 1;
    while (outer < b->nframes && gmx_frame_is_runtime(&b->frames[outer]))
        outer++; /* runtime.goexit */
    return b->has_creator && outer == b->nframes && i > 0 && f->line == c->line &&
           gmx_str_eq(f->file, c->file) && f->func.n > c->func.n + 1 &&
           memcmp(f->func.p, c->func.p, c->func.n) == 0 &&
           f->func.p[c->func.n] == '.';
}

/* Frames one kind of snapshot shows and another may not: the runtime's and
 * the compiler's wrappers (gmx_frame_is_runtime), and a go statement's. */
static bool skipped(const gmx_gbucket *b, uint32_t i)
{
    return gmx_frame_is_runtime(&b->frames[i]) || go_wrapper(b, i);
}

static uint64_t key_of(const gmx_gbucket *b)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 0; i < b->nframes; i++) {
        if (skipped(b, i))
            continue;
        h = gmx_hash_mix(h, gmx_hash_bytes(b->frames[i].func.p, b->frames[i].func.n, 7));
        h = gmx_hash_mix(h, b->frames[i].line);
    }
    return h;
}

static bool same_stack(const gmx_gbucket *a, const gmx_gbucket *b)
{
    if (!a->nframes && !b->nframes)
        return gmx_str_eq(gmx_gbucket_state_key(a), gmx_gbucket_state_key(b));
    uint32_t i = 0, j = 0;
    for (;;) {
        while (i < a->nframes && skipped(a, i))
            i++;
        while (j < b->nframes && skipped(b, j))
            j++;
        if (i == a->nframes || j == b->nframes)
            return i == a->nframes && j == b->nframes;
        if (!gmx_str_eq(a->frames[i].func, b->frames[j].func) ||
            a->frames[i].line != b->frames[j].line)
            return false;
        i++;
        j++;
    }
}

typedef struct keyed {
    uint64_t key;
    const gmx_gbucket *b;
} keyed;

static int by_key(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* The first of ks (sorted) with key k, or n. */
static size_t first_with_key(const keyed *ks, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ks[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const gmx_gbucket *lookup(const keyed *ks, size_t n, const gmx_gbucket *b)
{
    uint64_t k = key_of(b);
    for (size_t lo = first_with_key(ks, n, k); lo < n && ks[lo].key == k; lo++)
        if (same_stack(ks[lo].b, b))
            return ks[lo].b;
    return NULL;
}

static bool knows_why(const gmx_gbucket *b)
{
    return b->nstates && b->states[0].status.n;
}

/* Whether m tells b anything it lacks. */
static bool teaches(const gmx_gbucket *b, const gmx_gbucket *m, bool creator_only)
{
    return (!b->has_creator && m->has_creator) ||
           (!creator_only && ((!knows_why(b) && knows_why(m)) || (!b->wait_max && m->wait_max)));
}

static bool has_ids(const gmx_gbucket *b)
{
    return b->first_id && b->first_id != UINT64_MAX && b->last_id >= b->first_id;
}

/* Re-adds b's goroutines, told what m knows (m may be NULL). */
static int add_told(gmx_gbuckets *set, const gmx_gbucket *b, const gmx_gbucket *m,
                    bool creator_only)
{
    gmx_goroutine g;
    memset(&g, 0, sizeof(g));
    g.frames = b->frames;
    g.nframes = b->nframes;
    g.has_creator = b->has_creator;
    g.creator = b->creator;
    g.flags = b->flags;
    g.id = b->first_id;
    g.last_id = b->last_id;
    if (b->nlabels)
        g.labels = b->labels[0].labels;
    if (m && creator_only && !g.has_creator && m->has_creator) {
        g.has_creator = true;
        g.creator = m->creator;
    }
    if (!m || creator_only || !teaches(b, m, false)) {
        /* As it was: one record per state, the waits at the median. */
        uint64_t left = b->count;
        for (uint32_t s = 0; s < b->nstates && left; s++) {
            g.count = s + 1 == b->nstates ? left : b->states[s].count;
            g.status = b->states[s].status;
            g.wait_minutes = b->wait_median;
            left -= g.count;
            if (gmx_gbuckets_add(set, &g))
                return 1;
        }
        if (left) {
            g.count = left;
            g.status = (gmx_str){ NULL, 0 };
            return gmx_gbuckets_add(set, &g);
        }
        return 0;
    }
    if (!g.has_creator && m->has_creator) {
        g.has_creator = true;
        g.creator = m->creator;
    }
    /* The goroutine ids a full dump records and a profile does not: the
     * span of the same goroutines, seen at the same moment. */
    if (!has_ids(b) && has_ids(m)) {
        g.id = m->first_id;
        g.last_id = m->last_id;
    }
    /* What held for every goroutine of m's stack holds for b's; a flag only
     * some of them carried (leaked, scanned, locked) is not spread to all. */
    g.flags |= m->flags & (GMX_G_REPORTED | GMX_G_DURABLE);
    if (m->leaked >= m->count)
        g.flags |= GMX_G_LEAKED;
    bool why = !knows_why(b) && knows_why(m);
    uint64_t left = b->count;
    uint32_t nstates = why ? m->nstates : (b->nstates ? b->nstates : 1);
    for (uint32_t s = 0; s < nstates && left; s++) {
        uint64_t n;
        if (s + 1 == nstates)
            n = left;
        else if (why)
            n = (uint64_t)((double)b->count * (double)m->states[s].count / (double)m->count + 0.5);
        else
            n = b->states[s].count;
        n = n > left ? left : n;
        if (!n)
            continue;
        left -= n;
        g.status = why ? m->states[s].status : b->nstates ? b->states[s].status : (gmx_str){ NULL, 0 };
        /* The minutes blocked: the longest and the shortest once, the
         * median for the rest, so that the bucket's spread survives. */
        uint32_t waits[3] = { m->wait_max, m->wait_min, m->wait_median };
        uint64_t parts[3] = { n >= 1 && s == 0 ? 1 : 0, n >= 3 && s == 0 ? 1 : 0, 0 };
        parts[2] = n - parts[0] - parts[1];
        for (int w = 0; w < 3; w++) {
            if (!parts[w])
                continue;
            g.count = parts[w];
            g.wait_minutes = b->wait_max ? b->wait_median : waits[w];
            if (gmx_gbuckets_add(set, &g))
                return 1;
        }
    }
    return 0;
}

gmx_code gmx_gbuckets_enrich(const gmx_gbuckets *base, const gmx_gbuckets *other,
                             bool creator_only, gmx_gbuckets **out, size_t *learned)
{
    size_t taught = 0, n = gmx_gbuckets_count(other);
    *out = NULL;
    if (learned)
        *learned = 0;
    if (!base || !n)
        return GMX_OK;
    keyed *ks = gmx_calloc(n, sizeof(*ks));
    if (!ks)
        return GMX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ks[i] = (keyed){ key_of(gmx_gbuckets_at(other, i)), gmx_gbuckets_at(other, i) };
    qsort(ks, n, sizeof(*ks), by_key);
    for (size_t i = 0; i < gmx_gbuckets_count(base); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(base, i), *m = lookup(ks, n, b);
        taught += m && teaches(b, m, creator_only);
    }
    gmx_code rc = GMX_OK;
    gmx_gbuckets *set = NULL;
    if (taught && !(set = gmx_gbuckets_new(NULL)))
        rc = GMX_ENOMEM;
    for (size_t i = 0; set && rc == GMX_OK && i < gmx_gbuckets_count(base); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(base, i);
        if (add_told(set, b, lookup(ks, n, b), creator_only))
            rc = GMX_ENOMEM;
    }
    gmx_free(ks);
    if (set && rc == GMX_OK)
        rc = gmx_gbuckets_finish(set);
    if (rc != GMX_OK) {
        gmx_gbuckets_free(set);
        return rc;
    }
    *out = set;
    if (set && learned)
        *learned = taught;
    return GMX_OK;
}

struct gmx_gindex {
    const gmx_gbuckets *set;
    keyed *ks;
    size_t n;
};

gmx_gindex *gmx_gindex_new(const gmx_gbuckets *set)
{
    gmx_gindex *ix = gmx_calloc(1, sizeof(*ix));
    size_t n = gmx_gbuckets_count(set);
    if (!ix || (n && !(ix->ks = gmx_calloc(n, sizeof(*ix->ks))))) {
        gmx_free(ix);
        return NULL;
    }
    ix->set = set;
    ix->n = n;
    for (size_t i = 0; i < n; i++)
        ix->ks[i] = (keyed){ key_of(gmx_gbuckets_at(set, i)), gmx_gbuckets_at(set, i) };
    if (n) /* an empty set has no array: qsort takes none */
        qsort(ix->ks, n, sizeof(*ix->ks), by_key);
    return ix;
}

void gmx_gindex_free(gmx_gindex *ix)
{
    if (ix)
        gmx_free(ix->ks);
    gmx_free(ix);
}

static bool same_creator(const gmx_gbucket *a, const gmx_gbucket *b)
{
    return !a->has_creator || !b->has_creator ||
           (gmx_str_eq(a->creator.func, b->creator.func) && a->creator.line == b->creator.line);
}

const gmx_gbucket *gmx_gindex_find(const gmx_gindex *ix, const gmx_gbucket *b)
{
    const gmx_gbucket *exact = gmx_gbuckets_find(ix->set, b);
    if (exact)
        return exact;
    uint64_t k = key_of(b);
    for (size_t lo = first_with_key(ix->ks, ix->n, k); lo < ix->n && ix->ks[lo].key == k; lo++)
        if (same_stack(ix->ks[lo].b, b) && same_creator(ix->ks[lo].b, b))
            return ix->ks[lo].b;
    return NULL;
}
