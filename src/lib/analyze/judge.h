/* The judgement of a goroutine bucket: one evidence-weighted model behind
 * every command that says how serious a pile of goroutines is (goroutines,
 * diagnose, check, and watch's captures through diagnose). */
#ifndef GMX_ANALYZE_JUDGE_H
#define GMX_ANALYZE_JUDGE_H

#include "gomemdx/analyze.h"
#include "gomemdx/findings.h"
#include "gomemdx/signatures.h"

/* What is known about one bucket of the last snapshot. */
typedef struct gmx_judge_facts {
    const gmx_gbucket *b;
    gmx_category category;   /* the cause found, GMX_CAT_NONE when none */
    bool suspect;            /* not healthy: a cause, an unknown wait or a checker's report */
    bool app_site;           /* the site to fix is application code, not a mechanism */
    uint64_t total;          /* goroutines in the snapshot */
    uint32_t longest_wait;   /* the longest wait in the snapshot, minutes: about its uptime */
    uint32_t nsnap;          /* snapshots, oldest first; the bucket's counts in them: */
    uint64_t first, peak, last;
    bool monotonic;          /* never fell from one snapshot to the next */
    uint32_t present;        /* snapshots holding some: growth needs two */
    const gmx_signature *signature; /* the catalogue entry that matched, or NULL */
    bool excerpt;            /* the snapshot is a few stacks picked out of a capture
                              * (bare stacks, debug=1 records without their title,
                              * whole goroutines without the dump's writer): chosen
                              * by whoever pasted them as what leaks */
    uint64_t spawner_calls;  /* goroutines still in the function that started the
                              * bucket's, waiting for them (gspawner.h); 0 if none */
    uint64_t throttled_calls; /* calls of the spawner waiting in a WaitGroup for
                              * the bucket's goroutines while others of its go
                              * statement make progress (gmx_gspawner_throttled) */
    double pace_first;       /* the bucket's growth per 1,000 goroutines the process
                              * started, over the first and the last interval */
    double pace_last;        /* (gmx_judge_pace); both 0 when not known */
    uint64_t accepting;      /* goroutines of the application function that started
                              * the bucket's waiting in a listener's Accept: an
                              * accept loop, whose goroutines serve its connections
                              * (gmx_gspawner_accepting); 0 if none */
    bool renewed;            /* every goroutine of the bucket was started after an
                              * earlier snapshot that already had some of it */
    uint64_t entry_first;    /* goroutines started on the bucket's entry function, in */
    uint64_t entry_last;     /* any state, in the first and last snapshot
                              * (gmx_gspawner_same_entry); both 0 when not counted */
    uint32_t test_timeout;   /* the test binary's -timeout in minutes when its alarm
                              * wrote the dump, else 0 (gmx_test_timeout_minutes) */
    bool test_own;           /* a test's own goroutine, waiting outside package
                              * testing (gmx_gtest_own_wait) */
    uint64_t highest_id;     /* the snapshot's highest goroutine id: the goroutines
                              * the process had started by then; 0 when not known */
} gmx_judge_facts;

/* The highest goroutine id of the first two and the last two of three
 * snapshots or more (full dumps): goroutine ids are handed out in creation
 * order and never reused, so the highest one is a clock of the work a
 * process does, which a dump without a time still has. Read once per
 * analysis, from work_ids when given (borrowed from dumps of the same
 * moments), else from the snapshots; all 0 when fewer snapshots or no ids. */
typedef struct gmx_judge_clock {
    uint64_t first, second, before_last, last;
} gmx_judge_clock;

gmx_judge_clock gmx_judge_clock_read(const gmx_gsnapshot *snaps, const uint64_t *work_ids,
                                     uint32_t n);

/* The highest goroutine id a snapshot records; 0 when it records none
 * (profiles). */
uint64_t gmx_judge_highest_id(const gmx_gsnapshot *s);

/* The bucket's growth per 1,000 goroutines started (its count's rise over
 * the clock's), over the first and the last interval of its series of n.
 * Sets both to 0 when the ids do not tell. */
void gmx_judge_pace(const gmx_judge_clock *clock, const uint64_t *series, uint32_t n,
                    double *first, double *last);

/* Minutes a goroutine blocked in application code on a channel, a select
 * or a lock may wait before that alone is a warning. */
#define GMX_JUDGE_LONG_WAIT 60

/* Goroutines of one stack past which their number alone is critical: what
 * explains a smaller pool or queue (started together, steady, following
 * its callers or its connections) excuses no more. */
#define GMX_JUDGE_CRIT_COUNT 1000

/* Goroutines of one blocked stack from which their number alone, without
 * history, is worth a warning. */
#define GMX_JUDGE_WARN_COUNT 50

/* Active goroutines (running, sleeping) from one stack past which spawning
 * outpaces completion; also what one call may fan out to before it is a
 * surge of its own. */
#define GMX_JUDGE_SURGE_ACTIVE 50

/* Growth that makes a pile-up of what a count alone calls a pool: never
 * falling, by GROWTH_WARN goroutines or more, to twice the first count or
 * more (a pool warms up once; a pile-up keeps growing). */
bool gmx_judge_piling_up(uint64_t first, uint64_t last, bool monotonic);

/* Decides fd's severity from the facts and states the evidence in fd: the
 * numbers in fd->evidence and one readable line in fd->why (and why_zh). */
void gmx_judge_bucket(const gmx_judge_facts *f, gmx_findings *out, gmx_finding *fd);

/* A bucket waiting on a channel, a select, a lock, a WaitGroup or a Cond. */
bool gmx_judge_blocking(gmx_category c);

#endif
