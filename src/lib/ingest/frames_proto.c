#include "ingest/frames_proto.h"

#include <stdint.h>
#include <string.h>

void gmx_proto_frames_init(gmx_proto_frames *f, const gmx_profile *p)
{
    f->profile = p;
    f->n = 0;
    gmx_buf_init(&f->names, (size_t)1 << 24);
}

void gmx_proto_frames_release(gmx_proto_frames *f)
{
    gmx_buf_release(&f->names);
}

/* Proto names (1.21+) carry generic shapes, "main.Gen[go.shape.int]"; the
 * text formats print "main.Gen[...]". Text and proto stacks of the same
 * code should read alike, so brackets become "[...]". */
static void append_normalised(gmx_buf *b, gmx_str name)
{
    int depth = 0;
    for (size_t i = 0; i < name.n; i++) {
        char c = name.p[i];
        if (c == '[') {
            if (depth++ == 0)
                gmx_buf_append(b, "[...]", 5);
        } else if (c == ']' && depth > 0) {
            depth--;
        } else if (depth == 0) {
            gmx_buf_putc(b, c);
        }
    }
}

static uint32_t line_number(int64_t line)
{
    return line < 0 ? 0 : line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

const gmx_frame *gmx_proto_frames_of(gmx_proto_frames *f, const gmx_psample *s, uint32_t *flags)
{
    f->n = 0;
    gmx_buf_clear(&f->names);
    for (uint32_t i = 0; i < s->nlocations; i++) {
        const gmx_plocation *loc = gmx_profile_location(f->profile, s->locations[i]);
        for (uint32_t k = 0; k < loc->nlines; k++) {
            if (f->n == GMX_MAX_FRAMES) {
                *flags |= GMX_G_TRUNCATED;
                goto done;
            }
            const gmx_pfunction *fn = loc->lines[k].function == GMX_PNONE
                                          ? NULL
                                          : gmx_profile_function(f->profile, loc->lines[k].function);
            gmx_proto_frame_ref *ref = &f->refs[f->n++];
            ref->func_at = f->names.len;
            if (fn)
                append_normalised(&f->names, fn->name);
            ref->func_len = f->names.len - ref->func_at;
            ref->file = fn ? fn->filename : (gmx_str){ NULL, 0 };
            ref->line = line_number(loc->lines[k].line);
        }
    }
done:
    if (f->names.failed)
        return NULL;
    /* Views into names only now: appending may have moved it. */
    for (uint32_t k = 0; k < f->n; k++)
        f->frames[k] = (gmx_frame){ { f->names.data ? f->names.data + f->refs[k].func_at : "",
                                      f->refs[k].func_len },
                                    f->refs[k].file, f->refs[k].line };
    return f->frames;
}
