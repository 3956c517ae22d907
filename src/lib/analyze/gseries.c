/* Goroutine snapshots of mixed kinds as one series. A debug=2 dump and a
 * protobuf profile of the same moment bucket differently (runtime frames),
 * so growth is measured within one family of snapshots; what the other
 * kinds know is merged into it (gmerge.c). `goroutines` and `diagnose`
 * both read a folder's mix this way, so the same leak reads the same. */
#include "gomemdx/analyze.h"
#include "analyze/gmerge.h"
#include "analyze/judge.h"
#include "util/alloc.h"

#include <string.h>

/* goroutineleak profiles count only proven leaks: a family of their own,
 * the series only when there is nothing else. */
enum { FAMILIES = 3, LEAK_FAMILY = 3 };

/* Taken within this of the series' last snapshot, or either untimed,
 * another kind of snapshot describes the same moment. */
#define MERGE_WINDOW_NS ((uint64_t)300 * 1000000000)

/* How far apart two times are, 0 when either is unknown; saturating, as
 * an input's times may be anything. */
static uint64_t apart_ns(int64_t a, int64_t b)
{
    if (!a || !b)
        return 0;
    return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

static int family(const gmx_gsnapshot *s)
{
    switch (s->info.kind) {
    case GMX_DUMP_PROFILE_TEXT: return 1;
    case GMX_DUMP_PROFILE_PROTO: return 2;
    case GMX_DUMP_LEAK_PROFILE_TEXT:
    case GMX_DUMP_LEAK_PROFILE_PROTO: return LEAK_FAMILY;
    default: return 0;
    }
}

/* The family whose snapshots weigh most: growth needs order, so a timed
 * snapshot weighs 1000 and an untimed one 1; ties go to full dumps. */
static int best_family(const gmx_gtimed *in, size_t n)
{
    size_t weight[FAMILIES + 1] = { 0 };
    for (size_t i = 0; i < n; i++)
        weight[family(in[i].snap)] += in[i].time_ns ? 1000 : 1;
    int best = 0;
    for (int fam = 1; fam < FAMILIES; fam++)
        if (weight[fam] > weight[best])
            best = fam;
    return weight[best] ? best : LEAK_FAMILY;
}

/* The snapshot of another family that knows most about the series' last
 * one (at index last): a full dump first; among equals, the closest in
 * time. -1 when none is near enough. */
static long teacher(const gmx_gtimed *in, size_t n, int best, size_t last)
{
    long other = -1;
    uint64_t best_gap = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        int fam = family(in[i].snap);
        if (fam == best || fam == LEAK_FAMILY)
            continue;
        uint64_t gap = apart_ns(in[last].time_ns, in[i].time_ns);
        if (gap > MERGE_WINDOW_NS)
            continue;
        bool dump = fam == 0, had_dump = other >= 0 && family(in[other].snap) == 0;
        if (other < 0 || (dump && !had_dump) || (dump == had_dump && gap <= best_gap)) {
            other = (long)i;
            best_gap = gap;
        }
    }
    return other;
}

/* Two counts of one moment taken seconds apart by different endpoints:
 * within a quarter of each other, give or take a few. */
static bool like_counts(uint64_t a, uint64_t b)
{
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return hi - lo <= 8 + hi / 4;
}

/* A dump the process wrote as it ended (a panic, a fatal error, SIGQUIT):
 * its last words, not one of a periodic capture's moments. */
static bool last_words(const gmx_gsnapshot *s)
{
    gmx_dump_kind k = s->info.kind;
    return k == GMX_DUMP_PANIC || k == GMX_DUMP_FATAL || k == GMX_DUMP_SIGNAL;
}

/* A full dump (family 0) that lends its ids, the last words left out when
 * skip_last. */
static bool lender(const gmx_gsnapshot *s, bool skip_last)
{
    return family(s) == 0 && !(skip_last && last_words(s));
}

/* Whether the full dumps are as many as want, all of them or, leaving out
 * the process's last words (*skip_last), the others. */
static bool as_many_lenders(const gmx_gtimed *in, size_t n, size_t want, bool *skip_last)
{
    size_t all = 0, periodic = 0;
    for (size_t i = 0; i < n; i++) {
        all += lender(in[i].snap, false);
        periodic += lender(in[i].snap, true);
    }
    *skip_last = all != want;
    return all == want || periodic == want;
}

/* The series' clock of work done borrowed from full dumps (family 0): as
 * many as the series' snapshots (a SIGQUIT or crash dump left out when
 * that makes as many), pairing up in order, each of the same moment
 * (within the merge window when both are timed; of like counts), their
 * highest ids rising. NULL when the series has ids of its own or the dumps
 * do not pair up. */
static uint64_t *borrow_work_ids(const gmx_gtimed *in, size_t n, const gmx_gseries *s)
{
    bool skip_last = false;
    if (s->n < 3 || gmx_judge_highest_id(&s->snaps[s->n - 1]) ||
        !as_many_lenders(in, n, s->n, &skip_last))
        return NULL;
    uint64_t *ids = gmx_calloc(s->n, sizeof(*ids));
    if (!ids)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!lender(in[i].snap, skip_last))
            continue;
        const gmx_gtimed *mine = &in[s->from[k]];
        ids[k] = gmx_judge_highest_id(in[i].snap);
        if (apart_ns(in[i].time_ns, mine->time_ns) > MERGE_WINDOW_NS || !ids[k] ||
            (k && ids[k] <= ids[k - 1]) ||
            !like_counts(gmx_gbuckets_total(in[i].snap->buckets),
                         gmx_gbuckets_total(mine->snap->buckets))) {
            gmx_free(ids);
            return NULL;
        }
        k++;
    }
    return ids;
}

static gmx_code fail(gmx_gseries *s, gmx_error *err)
{
    gmx_gseries_release(s);
    return gmx_error_set(err, GMX_ENOMEM, "out of memory merging goroutine snapshots");
}

gmx_code gmx_gseries_build(const gmx_gtimed *in, size_t n, gmx_gseries *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    int best = best_family(in, n);
    size_t count = 0, last = 0;
    for (size_t i = 0; i < n; i++)
        if (family(in[i].snap) == best) {
            count++;
            last = i;
        }
    if (!count)
        return GMX_OK;
    out->snaps = gmx_calloc(count, sizeof(*out->snaps));
    out->from = gmx_calloc(count, sizeof(*out->from));
    if (!out->snaps || !out->from)
        return fail(out, err);
    for (size_t i = 0; i < n; i++)
        if (family(in[i].snap) == best) {
            out->snaps[out->n] = *in[i].snap; /* a shallow view: the caller keeps ownership */
            out->from[out->n++] = i;
        }
    out->work_ids = borrow_work_ids(in, n, out);
    long other = teacher(in, n, best, last);
    if (other < 0)
        return GMX_OK;
    if (!(out->merged = gmx_calloc(count, sizeof(*out->merged))))
        return fail(out, err);
    /* The last snapshot learns everything; the earlier ones the creators
     * only, so that a stack keeps one key along the series. */
    for (size_t i = 0; i < count; i++) {
        if (gmx_gbuckets_enrich(out->snaps[i].buckets, in[other].snap->buckets, i + 1 < count,
                                &out->merged[i], i + 1 == count ? &out->learned : NULL) != GMX_OK)
            return fail(out, err);
        if (out->merged[i])
            out->snaps[i].buckets = out->merged[i];
    }
    return GMX_OK;
}

void gmx_gseries_release(gmx_gseries *s)
{
    for (size_t i = 0; s->merged && i < s->n; i++)
        gmx_gbuckets_free(s->merged[i]);
    gmx_free(s->merged);
    gmx_free(s->snaps);
    gmx_free(s->from);
    gmx_free(s->work_ids);
    memset(s, 0, sizeof(*s));
}
