/* The frames of a profile.proto sample, as the text formats print them:
 * each location's lines (inlined ones too) innermost first, leaf location
 * first, function names with generic shapes written "[...]". */
#ifndef GMX_INGEST_FRAMES_PROTO_H
#define GMX_INGEST_FRAMES_PROTO_H

#include "gomemdx/goroutine.h"
#include "gomemdx/profile.h"
#include "util/arena.h"

typedef struct gmx_proto_frames {
    const gmx_profile *profile;
    gmx_arena arena;           /* rewritten names, made once per function */
    gmx_arena *rewritten;      /* where they are made: &arena, or the caller's */
    gmx_str *names;            /* by function index; .p NULL until made */
    uint32_t max_frames;
    gmx_frame frames[GMX_MAX_FRAMES];
    uint32_t n;
} gmx_proto_frames;

/* max_frames: frames kept per sample, leaf first (0 = GMX_MAX_FRAMES). */
gmx_code gmx_proto_frames_init(gmx_proto_frames *f, const gmx_profile *p, uint32_t max_frames);
void gmx_proto_frames_release(gmx_proto_frames *f);
/* Rewritten names are made in keep (which outlives f) instead of f's own
 * arena: frames kept past the reader, borrowing their strings, stay valid
 * while keep and the profile do. */
void gmx_proto_frames_keep_names(gmx_proto_frames *f, gmx_arena *keep);
/* The frames of s (f->n of them), valid until the next call; NULL when out
 * of memory. Sets GMX_G_TRUNCATED in *flags when frames were left out. */
const gmx_frame *gmx_proto_frames_of(gmx_proto_frames *f, const gmx_psample *s, uint32_t *flags);

#endif
