#include "ingest/frames_proto.h"
#include "util/alloc.h"

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

/* The end of the type parameter list opening at name[i] ('['), or 0 when
 * that bracket is something else: Go's lists follow an identifier, close,
 * hold printable text only, and are followed by the end, "." or ")"
 * ("main.Gen[...]", "main.Gen[...].func1", "main.(*T[...]).M"). */
static size_t type_params_end(gmx_str name, size_t i)
{
    unsigned char before = i ? (unsigned char)name.p[i - 1] : 0;
    if (!(before == '_' || before >= 0x80 || (before >= '0' && before <= '9') ||
          ((before | 0x20) >= 'a' && (before | 0x20) <= 'z')))
        return 0;
    int depth = 0;
    for (size_t k = i; k < name.n; k++) {
        unsigned char c = (unsigned char)name.p[k];
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c == '[')
            depth++;
        else if (c == ']' && --depth == 0)
            return k + 1 == name.n || name.p[k + 1] == '.' || name.p[k + 1] == ')' ? k : 0;
    }
    return 0;
}

/* Proto names (1.21+) carry generic shapes, "main.Gen[go.shape.int]"; the
 * text formats print "main.Gen[...]". Text and proto stacks of the same
 * code should read alike, so type parameter lists become "[...]"; other
 * brackets (in a name made of anything, say an escape sequence) stay. Most
 * names have none and are used as they are. */
gmx_str gmx_proto_name_normalised(gmx_arena *a, gmx_str name)
{
    if (!name.n || !memchr(name.p, '[', name.n))
        return name.p ? name : (gmx_str){ "", 0 };
    /* Worst case "[]" (2 bytes) becomes "[...]" (5): at most 2.5 times. */
    char *out = gmx_arena_alloc(a, name.n / 2 * 5 + 5);
    if (!out)
        return (gmx_str){ NULL, 0 };
    size_t n = 0;
    for (size_t i = 0; i < name.n; i++) {
        size_t end = name.p[i] == '[' ? type_params_end(name, i) : 0;
        if (end) {
            memcpy(out + n, "[...]", 5);
            n += 5;
            i = end;
        } else {
            out[n++] = name.p[i];
        }
    }
    return (gmx_str){ out, n };
}

static gmx_str name_of(gmx_proto_frames *f, uint32_t function)
{
    if (function == GMX_PNONE)
        return (gmx_str){ "", 0 };
    gmx_str *cached = &f->names[function];
    if (!cached->p)
        *cached = gmx_proto_name_normalised(f->rewritten,
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
