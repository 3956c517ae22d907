/* Goroutine and goroutineleak profiles in profile.proto form (the
 * /debug/pprof/goroutine default) as goroutine records: one per sample, its
 * count the sample's value, its frames those of ingest/frames_proto. The wait reason is not recorded; the frames
 * the goroutine parked in (runtime.chansend1, runtime.selectgo, ...) are,
 * and the classifier reads it from them. A profile written by `gomemdx
 * convert` does record it, as labels: they are read back into the record,
 * so that the converted dump gives the same findings. */
#include "ingest/goroutine_proto.h"
#include "ingest/frames_proto.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>

typedef struct reader {
    const gmx_profile *profile;
    gmx_proto_frames frames;
    gmx_buf labels;            /* a sample's labels as text */
    bool converted;            /* written by `gomemdx convert`: its labels carry the
                                * dump's states and waits */
} reader;

/* A label's key or value as a Go 1.27 traceback prints it: bare when made
 * of [A-Za-z0-9./_] only, else quoted (so that gmx_goroutine_labels_split
 * reads it back whatever it holds). */
static void put_label_text(gmx_buf *b, gmx_str s)
{
    bool bare = s.n > 0;
    for (size_t i = 0; i < s.n && bare; i++) {
        char c = s.p[i];
        bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '/' || c == '_';
    }
    if (bare) {
        gmx_buf_append(b, s.p, s.n);
        return;
    }
    gmx_buf_putc(b, '"');
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\')
            gmx_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            gmx_buf_printf(b, "\\x%02x", c);
        else
            gmx_buf_putc(b, (char)c);
    }
    gmx_buf_putc(b, '"');
}

/* "FUNC FILE:LINE" as convert writes a creator: false when not of that
 * shape. The views point into value. */
static bool parse_creator(gmx_str value, gmx_frame *f)
{
    size_t space = gmx_str_rfind_char(value, ' ');
    if (space == SIZE_MAX || space == 0)
        return false;
    gmx_str where = gmx_str_sub(value, space + 1, value.n);
    size_t colon = gmx_str_rfind_char(where, ':');
    uint64_t line;
    if (colon == SIZE_MAX || !gmx_parse_u64(gmx_str_sub(where, colon + 1, where.n), &line) ||
        line > UINT32_MAX)
        return false;
    f->func = gmx_str_sub(value, 0, space);
    f->file = gmx_str_sub(where, 0, colon);
    f->line = (uint32_t)line;
    return true;
}

/* What `gomemdx convert` adds to a goroutine's own labels, read back into
 * the record: its state, leak, wait, creator and the ids its stack's goroutines
 * span. The verdict labels (category,
 * healthy) are dropped: the classifier gives them again from the same
 * state and frames. True when the label was one of those. */
static bool converted_label(gmx_goroutine *g, const gmx_plabel *l)
{
    if (gmx_str_eq_cstr(l->key, "state") && !l->is_num) {
        g->status = l->str;
        return true;
    }
    if (gmx_str_eq_cstr(l->key, "leaked")) {
        g->flags |= GMX_G_LEAKED;
        return true;
    }
    if (gmx_str_eq_cstr(l->key, "created_by") && !l->is_num) {
        g->has_creator = parse_creator(l->str, &g->creator);
        return true;
    }
    if (gmx_str_eq_cstr(l->key, "wait_minutes") && l->is_num) {
        g->wait_minutes = l->num > 0 && l->num < UINT32_MAX ? (uint32_t)l->num : 0;
        return true;
    }
    if ((gmx_str_eq_cstr(l->key, "first_id") || gmx_str_eq_cstr(l->key, "last_id")) && l->is_num) {
        uint64_t id = l->num > 0 ? (uint64_t)l->num : 0;
        *(l->key.p[0] == 'f' ? &g->id : &g->last_id) = id;
        return true;
    }
    return gmx_str_eq_cstr(l->key, "category") || gmx_str_eq_cstr(l->key, "healthy");
}

/* "{key: value, n: 42}" in the profile's order, quoted as Go 1.27 does. */
static gmx_str format_labels(reader *r, const gmx_psample *s, gmx_goroutine *g)
{
    gmx_buf_clear(&r->labels);
    size_t shown = 0;
    for (uint32_t i = 0; i < s->nlabels; i++) {
        const gmx_plabel *l = &s->labels[i];
        if (r->converted && converted_label(g, l))
            continue;
        gmx_buf_puts(&r->labels, shown++ ? ", " : "{");
        put_label_text(&r->labels, l->key);
        gmx_buf_puts(&r->labels, ": ");
        if (l->is_num)
            gmx_buf_printf(&r->labels, "%lld", (long long)l->num);
        else
            put_label_text(&r->labels, l->str);
    }
    if (!shown)
        return (gmx_str){ NULL, 0 };
    gmx_buf_putc(&r->labels, '}');
    return (gmx_str){ r->labels.data, r->labels.len };
}

/* A send or receive on a nil channel parks at the very top of
 * runtime.chansend / runtime.chanrecv (the "c == nil" branch); a blocked
 * one much further down. Profiles record the line, and since Go 1.22 the
 * function's start line; older ones start these functions at 160 and 457. */
static gmx_str nil_channel_status(const gmx_profile *p, const gmx_psample *s)
{
    static const struct {
        const char *func, *status;
        int64_t old_start;
    } ops[] = { { "runtime.chansend", "chan send (nil chan)", 160 },
                { "runtime.chanrecv", "chan receive (nil chan)", 457 } };
    for (uint32_t i = 0; i < s->nlocations && i < 4; i++) {
        const gmx_plocation *loc = gmx_profile_location(p, s->locations[i]);
        for (uint32_t k = 0; k < loc->nlines; k++) {
            if (loc->lines[k].function == GMX_PNONE)
                continue;
            const gmx_pfunction *fn = gmx_profile_function(p, loc->lines[k].function);
            for (size_t op = 0; op < 2; op++) {
                if (!gmx_str_eq_cstr(fn->name, ops[op].func))
                    continue;
                int64_t start = fn->start_line > 0 ? fn->start_line : ops[op].old_start;
                int64_t offset = loc->lines[k].line - start;
                if (offset >= 0 && offset <= 15)
                    return gmx_str_cstr(ops[op].status);
            }
        }
    }
    return (gmx_str){ NULL, 0 };
}

static gmx_code read_samples(reader *r, bool leaked, gmx_goroutine_fn fn, void *ctx,
                             gmx_dump_info *info, gmx_error *err)
{
    gmx_psample_reader sr;
    gmx_psample_reader_init(&sr, r->profile);
    gmx_code rc = GMX_OK;
    for (size_t i = 0; rc == GMX_OK && i < gmx_profile_sample_count(r->profile); i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&sr, i, &s, err)) != GMX_OK)
            break;
        if (s.values[0] <= 0)
            continue;
        gmx_goroutine g;
        memset(&g, 0, sizeof(g));
        g.count = (uint64_t)s.values[0];
        g.flags = leaked ? GMX_G_LEAKED : 0;
        g.status = nil_channel_status(r->profile, &s);
        g.frames = gmx_proto_frames_of(&r->frames, &s, &g.flags);
        g.nframes = r->frames.n;
        g.labels = format_labels(r, &s, &g);
        if (!g.frames || r->labels.failed) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
            break;
        }
        info->goroutines += g.count;
        int stop = fn ? fn(ctx, &g) : 0;
        if (stop) {
            rc = gmx_error_set_at_offset(err, (gmx_code)stop, gmx_profile_name(r->profile),
                                         s.offset, "stopped at sample %zu: %s", i,
                                         gmx_code_name((gmx_code)stop));
        }
    }
    gmx_psample_reader_release(&sr);
    return rc;
}

gmx_code gmx_goroutine_profile_proto_read(const gmx_profile *p, gmx_goroutine_fn fn, void *ctx,
                                          gmx_dump_info *info, gmx_error *err)
{
    memset(info, 0, sizeof(*info));
    const gmx_profile_info *pi = gmx_profile_get_info(p);
    gmx_str type = pi->nsample_types ? pi->sample_types[0].type : (gmx_str){ "", 0 };
    bool leaked = gmx_str_eq_cstr(type, "goroutineleak");
    if (!leaked && !gmx_str_eq_cstr(type, "goroutine")) {
        return gmx_error_set_at_offset(err, GMX_EFORMAT, gmx_profile_name(p), 0,
                                       "not a goroutine profile: its samples count %.*s "
                      "(read it with `gomemdx top`)",
                                       (int)(type.n ? type.n : 7), type.n ? type.p : "nothing");
    }
    info->kind = leaked ? GMX_DUMP_LEAK_PROFILE_PROTO : GMX_DUMP_PROFILE_PROTO;
    info->time_ns = pi->time_nanos;
    reader *r = gmx_calloc(1, sizeof(*r));
    if (!r)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", gmx_profile_name(p));
    r->profile = p;
    for (size_t i = 0; i < pi->ncomments; i++)
        r->converted |= gmx_str_starts(pi->comments[i], "gomemdx convert: ");
    gmx_buf_init(&r->labels, 1 << 20);
    gmx_code rc = gmx_proto_frames_init(&r->frames, p, 0);
    if (rc != GMX_OK)
        gmx_error_set(err, rc, "out of memory reading %s", gmx_profile_name(p));
    else
        rc = read_samples(r, leaked, fn, ctx, info, err);
    gmx_proto_frames_release(&r->frames);
    gmx_buf_release(&r->labels);
    gmx_free(r);
    return rc;
}
