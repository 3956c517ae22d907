/* Goroutines that come and go with network connections: a socket's reader
 * waits on its peer (IO wait), and what a server starts beside it per
 * connection (a websocket's write pump, a client's session loop) waits for
 * input as long as the connection lives. Their number is the peers': it
 * rises and falls with the load, which is no surge of spawning. */
#ifndef GMX_ANALYZE_GCONNS_H
#define GMX_ANALYZE_GCONNS_H

#include "analyze/frames.h"
#include "gomemdx/gbuckets.h"

#include <stdint.h>

/* b's goroutines wait on network I/O (the netpoller: one socket each). */
bool gmx_gconns_reading(const gmx_gbucket *b);

/* b's goroutines wait to send on a socket: the netpoller's write wait
 * (internal/poll's waitWrite, under an FD's Write). The kernel's buffers
 * for the connection are full: its peer stopped taking what it was sent.
 * A connection waiting for its peer's next message reads. */
bool gmx_gconns_writing(const gmx_gbucket *b);

/* The count in snapshot k (before the last) of the stack of r, a bucket of
 * the last snapshot; ctx is the caller's. */
typedef uint64_t (*gmx_gconns_count_fn)(const void *ctx, size_t k, const gmx_gbucket *r);

/* Of the buckets of last (the last of n snapshots) waiting on network I/O,
 * other than b, one whose counts over the snapshots are series (b's) at
 * every one, within a tenth or two goroutines: b's goroutines rose and
 * fell as those connections did. Only for b waiting for input in its own
 * code (a receive or a select whose first frame outside the runtime is not
 * the standard library's, or a wait its format did not record: not a call
 * in flight), and for a series that moved (a rise of ten or more): a flat
 * match says nothing. NULL when none. A reader started by b's creator
 * comes first. root tells the standard library's frames. */
const gmx_gbucket *gmx_gconns_followed(const gmx_gbuckets *last, const gmx_gbucket *b,
                                       const gmx_goroot *root, const uint64_t *series, size_t n,
                                       gmx_gconns_count_fn count, const void *ctx);

#endif
