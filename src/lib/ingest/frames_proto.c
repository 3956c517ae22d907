#include "ingest/frames_proto.h"
#include "util/alloc.h"
#include "util/goname.h"

#include <stdint.h>
#include <string.h>

gmx_code gmx_proto_frames_init(gmx_proto_frames *f, const gmx_profile *p, uint32_t max_frames)
{
    memset(f, 0, sizeof(*f));
    f->profile = p;
    f->max_frames = max_frames && max_frames < GMX_MAX_FRAMES ? max_frames : GMX_MAX_FRAMES;
    gmx_arena_init(&f->arena, 0);
    f->rewritten = &f->arena;
    f->names = gmx_calloc(gmx_profile_function_count(p) + 1, sizeof(*f->names));
    return f->names ? GMX_OK : GMX_ENOMEM;
}

void gmx_proto_frames_keep_names(gmx_proto_frames *f, gmx_arena *keep)
{
    f->rewritten = keep ? keep : &f->arena;
}

void gmx_proto_frames_release(gmx_proto_frames *f)
{
    gmx_free(f->names);
    gmx_arena_release(&f->arena);
}

static gmx_str name_of(gmx_proto_frames *f, uint32_t function)
{
    if (function == GMX_PNONE)
        return (gmx_str){ "", 0 };
    gmx_str *cached = &f->names[function];
    if (!cached->p)
        *cached = gmx_goname_for_print(f->rewritten,
                                            gmx_profile_function(f->profile, function)->name);
    return *cached;
}

static uint32_t line_number(int64_t line)
{
    return line < 0 ? 0 : line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

const gmx_frame *gmx_proto_frames_of(gmx_proto_frames *f, const gmx_psample *s, uint32_t *flags)
{
    f->n = 0;
    for (uint32_t i = 0; i < s->nlocations; i++) {
        const gmx_plocation *loc = gmx_profile_location(f->profile, s->locations[i]);
        for (uint32_t k = 0; k < loc->nlines; k++) {
            if (f->n == f->max_frames) {
                *flags |= GMX_G_TRUNCATED;
                return f->frames;
            }
            uint32_t fn = loc->lines[k].function;
            gmx_frame *fr = &f->frames[f->n++];
            fr->func = name_of(f, fn);
            if (!fr->func.p)
                return NULL;
            fr->file = fn == GMX_PNONE ? (gmx_str){ NULL, 0 }
                                       : gmx_profile_function(f->profile, fn)->filename;
            fr->line = line_number(loc->lines[k].line);
        }
    }
    return f->frames;
}
