/* Piles of goroutines cut over several stacks (gpile.h). The algorithm:
 * anchor each bucket at its wait point (the first frame outside the
 * runtime) and at its own code (the first frame outside the standard
 * library, from the wait point out); key it by the wait point, the frames
 * from its own code down (the runtime's left out) and its creator; sort the
 * keys; buckets of one key make a pile when there are two or more. */
#include "analyze/gpile.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    uint64_t key;
    const gmx_gbucket *b;
    uint32_t wait, own; /* frame indexes: the wait point, the first frame of own code */
    size_t at;          /* the bucket's place in its set: ties keep the set's order */
} keyed;

typedef struct role {
    const gmx_gbucket *b;
    uint32_t pile;
    bool lead;
} role;

struct gmx_gpiles {
    gmx_gpile **piles;
    size_t npiles;
    role *roles; /* by bucket address */
    size_t nroles;
};

/* The wait point and the first frame of own code at or beyond it; false
 * when the stack has neither (all runtime, or all standard library: a
 * library's own goroutines are told apart by their stacks alone). */
static bool anchors(const gmx_gbucket *b, const gmx_goroot *root, uint32_t *wait, uint32_t *own)
{
    uint32_t i = 0;
    while (i < b->nframes && gmx_frame_is_runtime(&b->frames[i]))
        i++;
    *wait = i;
    while (i < b->nframes && (gmx_frame_is_runtime(&b->frames[i]) || gmx_frame_is_std(root, &b->frames[i])))
        i++;
    *own = i;
    return *wait < b->nframes && *own < b->nframes;
}

static uint64_t frame_hash(uint64_t h, const gmx_frame *f)
{
    h = gmx_hash_mix(h, gmx_hash_bytes(f->func.p, f->func.n, 11));
    return gmx_hash_mix(h, f->line);
}

static uint64_t key_of(const keyed *k)
{
    const gmx_gbucket *b = k->b;
    uint64_t h = frame_hash(0x51ed27a1f0c3b96dull, &b->frames[k->wait]);
    for (uint32_t i = k->own; i < b->nframes; i++)
        if (!gmx_frame_is_runtime(&b->frames[i]))
            h = frame_hash(h, &b->frames[i]);
    return b->has_creator ? frame_hash(h, &b->creator) : h;
}

static bool same_frame(const gmx_frame *a, const gmx_frame *b)
{
    return a->line == b->line && gmx_str_eq(a->func, b->func);
}

/* The comparison key_of hashes. */
static bool same_pile(const keyed *x, const keyed *y)
{
    const gmx_gbucket *a = x->b, *b = y->b;
    if (!same_frame(&a->frames[x->wait], &b->frames[y->wait]) || a->has_creator != b->has_creator ||
        (a->has_creator && !same_frame(&a->creator, &b->creator)))
        return false;
    uint32_t i = x->own, j = y->own;
    for (;;) {
        while (i < a->nframes && gmx_frame_is_runtime(&a->frames[i]))
            i++;
        while (j < b->nframes && gmx_frame_is_runtime(&b->frames[j]))
            j++;
        if (i == a->nframes || j == b->nframes)
            return i == a->nframes && j == b->nframes;
        if (!same_frame(&a->frames[i++], &b->frames[j++]))
            return false;
    }
}

static int by_key(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    /* the larger first: a group's first bucket leads it */
    if (a->b->count != b->b->count)
        return a->b->count > b->b->count ? -1 : 1;
    return a->at < b->at ? -1 : a->at > b->at;
}

static int by_address(const void *pa, const void *pb)
{
    uintptr_t a = (uintptr_t)((const role *)pa)->b, b = (uintptr_t)((const role *)pb)->b;
    return a < b ? -1 : a > b;
}

static bool known_id(uint64_t id)
{
    return id && id != UINT64_MAX;
}

/* The members' wait reasons added up by name, most frequent first. */
static bool merge_states(gmx_gpile *p, gmx_findings *out)
{
    uint32_t cap = 0;
    for (uint32_t m = 0; m < p->nmembers; m++)
        cap += p->members[m]->nstates;
    gmx_gstate *states = gmx_findings_calloc(out, cap, sizeof(*states));
    if (!states)
        return false;
    uint32_t n = 0;
    for (uint32_t m = 0; m < p->nmembers; m++)
        for (uint32_t s = 0; s < p->members[m]->nstates; s++) {
            const gmx_gstate *st = &p->members[m]->states[s];
            uint32_t k = 0;
            while (k < n && !gmx_str_eq(states[k].status, st->status))
                k++;
            if (k == n)
                states[n++] = (gmx_gstate){ st->status, 0 };
            states[k].count += st->count;
        }
    for (uint32_t i = 1; i < n; i++) /* few states: insertion sort */
        for (uint32_t j = i; j > 0 && (states[j].count > states[j - 1].count ||
                                       (states[j].count == states[j - 1].count &&
                                        gmx_str_cmp(states[j].status, states[j - 1].status) < 0));
             j--) {
            gmx_gstate t = states[j];
            states[j] = states[j - 1];
            states[j - 1] = t;
        }
    p->merged.states = states;
    p->merged.nstates = n;
    return true;
}

/* The lead's stack, creator and labels with every member's goroutines. */
static bool merge(gmx_gpile *p, gmx_findings *out)
{
    gmx_gbucket *g = &p->merged;
    *g = *p->members[0];
    for (uint32_t m = 1; m < p->nmembers; m++) {
        const gmx_gbucket *b = p->members[m];
        g->count += b->count;
        g->leaked += b->leaked;
        g->locked += b->locked;
        g->flags |= b->flags;
        g->stack_bytes += b->stack_bytes;
        g->heap_bytes += b->heap_bytes;
        g->wait_min = b->wait_min < g->wait_min ? b->wait_min : g->wait_min;
        g->wait_max = b->wait_max > g->wait_max ? b->wait_max : g->wait_max;
        if (known_id(b->first_id) && (!known_id(g->first_id) || b->first_id < g->first_id))
            g->first_id = b->first_id;
        if (known_id(b->last_id) && (!known_id(g->last_id) || b->last_id > g->last_id))
            g->last_id = b->last_id;
    }
    return merge_states(p, out);
}

static bool add_pile(gmx_gpiles *ix, const keyed *group, size_t n, gmx_findings *out)
{
    gmx_gpile *p = gmx_findings_calloc(out, 1, sizeof(*p));
    const gmx_gbucket **members = gmx_findings_calloc(out, n, sizeof(*members));
    if (!p || !members)
        return false;
    for (size_t i = 0; i < n; i++) {
        members[i] = group[i].b;
        ix->roles[ix->nroles++] = (role){ group[i].b, (uint32_t)ix->npiles, i == 0 };
    }
    p->members = members;
    p->nmembers = (uint32_t)n;
    if (!merge(p, out))
        return false;
    ix->piles[ix->npiles++] = p;
    return true;
}

/* Groups the run ks[0..n) of one key into piles: each bucket joins the first
 * pile it matches (a hash collision keeps others apart). */
static bool piles_of_run(gmx_gpiles *ix, keyed *ks, size_t n, gmx_findings *out)
{
    keyed *group = gmx_malloc(n * sizeof(*group));
    bool *taken = gmx_calloc(n, sizeof(*taken));
    bool ok = group && taken;
    for (size_t i = 0; ok && i < n; i++) {
        if (taken[i])
            continue;
        size_t g = 0;
        group[g++] = ks[i];
        for (size_t j = i + 1; j < n; j++)
            if (!taken[j] && same_pile(&ks[i], &ks[j])) {
                taken[j] = true;
                group[g++] = ks[j];
            }
        if (g > 1)
            ok = add_pile(ix, group, g, out);
    }
    gmx_free(group);
    gmx_free(taken);
    return ok;
}

gmx_gpiles *gmx_gpiles_of(const gmx_gbuckets *set, const gmx_goroot *root, gmx_findings *out)
{
    size_t n = gmx_gbuckets_count(set);
    gmx_gpiles *ix = gmx_calloc(1, sizeof(*ix));
    keyed *ks = gmx_malloc((n ? n : 1) * sizeof(*ks));
    if (!ix || !ks || !(ix->piles = gmx_malloc((n ? n : 1) * sizeof(*ix->piles))) ||
        !(ix->roles = gmx_malloc((n ? n : 1) * sizeof(*ix->roles)))) {
        gmx_free(ks);
        gmx_gpiles_free(ix);
        return NULL;
    }
    size_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        keyed k = { 0, gmx_gbuckets_at(set, i), 0, 0, i };
        if (!anchors(k.b, root, &k.wait, &k.own))
            continue;
        k.key = key_of(&k);
        ks[nk++] = k;
    }
    qsort(ks, nk, sizeof(*ks), by_key);
    bool ok = true;
    for (size_t i = 0; ok && i < nk;) {
        size_t j = i + 1;
        while (j < nk && ks[j].key == ks[i].key)
            j++;
        if (j - i > 1)
            ok = piles_of_run(ix, &ks[i], j - i, out);
        i = j;
    }
    gmx_free(ks);
    if (!ok) {
        gmx_gpiles_free(ix);
        return NULL;
    }
    qsort(ix->roles, ix->nroles, sizeof(*ix->roles), by_address);
    return ix;
}

void gmx_gpiles_free(gmx_gpiles *piles)
{
    if (!piles)
        return;
    gmx_free(piles->piles);
    gmx_free(piles->roles);
    gmx_free(piles);
}

const gmx_gpile *gmx_gpile_of(const gmx_gpiles *piles, const gmx_gbucket *b, bool *member_only)
{
    *member_only = false;
    if (!piles || !piles->nroles)
        return NULL;
    role key = { b, 0, false };
    const role *r = bsearch(&key, piles->roles, piles->nroles, sizeof(*piles->roles), by_address);
    if (!r)
        return NULL;
    *member_only = !r->lead;
    return r->lead ? piles->piles[r->pile] : NULL;
}
