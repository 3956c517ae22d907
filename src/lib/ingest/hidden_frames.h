/* The runtime's frames a debug=1 goroutine record leaves out of its "#"
 * lines, named from the executable given with it (--binary): its "@" pcs
 * looked up in .gopclntab up to the first frame the text shows. They say
 * why the goroutines wait (runtime.chanrecv: a channel receive), which the
 * text itself does not. */
#ifndef GMX_INGEST_HIDDEN_FRAMES_H
#define GMX_INGEST_HIDDEN_FRAMES_H

#include "gomemdx/core.h"
#include "gomemdx/gbuckets.h"
#include "gomemdx/symbolize.h"

/* Where records go: buckets, through the binary when there is one. */
typedef struct hidden_frames {
    const gmx_binary *binary;   /* NULL: records go in as they are */
    gmx_gbuckets *buckets;
    uint64_t named;             /* records given their runtime frames */
    uint64_t unnamed;           /* records with pcs the binary did not name */
    uint64_t framed;            /* records with "#" lines */
    gmx_symbolized pcs_only;    /* the pcs of records with no "#" lines at all */
    uint64_t pcs_only_named;    /* ... those records named */
} hidden_frames;

/* A gmx_goroutine_fn (ctx: a hidden_frames): adds g to the buckets, with
 * the frames its pcs hide when the binary names them and they lead to the
 * record's first shown frame (else as it is: another build's pcs). A record
 * with pcs and no "#" lines at all (a profile written without symbols) gets
 * them all named, when the binary names each and most are its calls. */
int gmx_hidden_frames_add(void *ctx, const gmx_goroutine *g);
/* What h named, into the dump's info: named_records, unnamed_records and
 * symbolized. Records of pcs only in a profile that shows "#" lines for
 * others hold runtime frames only (debug=1 leaves those out): they count
 * with the records whose runtime frames were named, not as a profile
 * written without names. */
void gmx_hidden_frames_counts(const hidden_frames *h, gmx_dump_info *info);

#endif
