/* The top-level pass of the heap profile reducer (heap_reduce.h): where
 * every string, sample and function is, every location's lines, and the
 * checks the decoder makes (profile_resolve.c), each turned into declining.
 * The samples are read into sites by heap_reduce_sites.c. */
#include "ingest/heap_reduce_impl.h"
#include "gomemdx/profile.h"
#include "util/alloc.h"

#include <string.h>

/* A field naming string x: checked against the table once it is known. */
static inline void names_string(reducer *r, uint64_t x)
{
    if (x > r->max_string)
        r->max_string = x;
}

static bool value_type(reducer *r, gmx_pb *pb, int wt, bool sample)
{
    uint64_t f[2]; /* type, unit */
    if (!gmx_heap_reduce_varints(pb, wt, f, 2))
        return false;
    uint64_t type = f[0];
    names_string(r, type);
    names_string(r, f[1]);
    if (!sample)
        return true;
    if (r->ntypes == REDUCE_MAX_TYPES)
        return false;
    r->types[r->ntypes++] = type;
    return true;
}

static bool mapping(reducer *r, gmx_pb *pb, int wt)
{
    uint64_t f[10]; /* id, ..., filename (5), build_id (6), ... */
    if (!gmx_heap_reduce_varints(pb, wt, f, 10))
        return false;
    uint64_t id = f[0];
    names_string(r, f[4]);
    names_string(r, f[5]);
    if (!id || r->nmappings == REDUCE_MAX_MAPPINGS)
        return false;
    for (size_t i = 0; i < r->nmappings; i++)
        if (r->mappings[i] == id)
            return false;
    r->mappings[r->nmappings++] = id;
    return true;
}

/* A location's mapping id, noted to be checked against the mappings (Go
 * writes them last). */
static bool names_mapping(reducer *r, uint64_t id)
{
    for (size_t i = 0; i < r->nmapping_refs; i++)
        if (r->mapping_refs[i] == id)
            return true;
    if (r->nmapping_refs == REDUCE_MAX_MAPPINGS)
        return false;
    r->mapping_refs[r->nmapping_refs++] = id;
    return true;
}

static uint32_t line_number(int64_t line)
{
    return line < 0 ? 0 : line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

static bool line(reducer *r, gmx_pb *loc, int wt)
{
    uint64_t f[3]; /* function_id, line, column */
    if (!gmx_heap_reduce_varints(loc, wt, f, 3))
        return false;
    uint64_t fn = f[0], ln = f[1], column = f[2];
    /* Function ids are checked against the functions once all are read:
     * as those are numbered 1..n, only the smallest and the largest. */
    if ((int64_t)column < INT32_MIN || (int64_t)column > INT32_MAX || fn == 0 ||
        fn > UINT32_MAX || r->nlines >= UINT32_MAX)
        return false;
    if (fn > r->max_fn)
        r->max_fn = fn;
    heap_reduce_scratch *s = r->s;
    if (!gmx_heap_reduce_grow(&s->lines, &s->lines_cap, r->nlines, sizeof(*s->lines)))
        return false;
    s->lines[r->nlines++] = (struct reduce_line){ (uint32_t)(fn - 1), line_number((int64_t)ln) };
    return true;
}

/* The next byte of m is b (a one-byte key), consumed. */
static inline bool next_key(gmx_pb *m, uint8_t b)
{
    if (m->p < m->end && *m->p == b) {
        m->p++;
        return true;
    }
    return false;
}

/* A location's fields as Go writes them: id, mapping_id and address once
 * each, in that order or with the mapping last, and lines of a function id
 * and a line number, none repeated or zero; true with its lines appended.
 * Anything else (another order, a column, a field repeated, an unusual
 * value, bad bytes) is false, and the whole location is read again by
 * location_fields, which reads any shape as the decoder does: this saves
 * the general loop's work on the shape of nearly every location. */
static bool location_as_go_writes(reducer *r, gmx_pb m, uint64_t *id, uint64_t *mapping_id,
                                  uint64_t *address)
{
    enum { ID = 0x08, MAPPING = 0x10, ADDRESS = 0x18, LINE = 0x22, FUNCTION_ID = 0x08, NUMBER = 0x10 };
    heap_reduce_scratch *s = r->s;
    bool mapped = false;
    if (!next_key(&m, ID) || gmx_pb_varint(&m, id) != GMX_PB_OK)
        return false;
    if (next_key(&m, MAPPING)) {
        if (gmx_pb_varint(&m, mapping_id) != GMX_PB_OK)
            return false;
        mapped = true;
    }
    if (next_key(&m, ADDRESS) && gmx_pb_varint(&m, address) != GMX_PB_OK)
        return false;
    while (next_key(&m, LINE)) {
        gmx_pb ln;
        uint64_t fn = 0, number = 0;
        if (gmx_pb_sub(&m, &ln) != GMX_PB_OK || !next_key(&ln, FUNCTION_ID) ||
            gmx_pb_varint(&ln, &fn) != GMX_PB_OK ||
            (next_key(&ln, NUMBER) && gmx_pb_varint(&ln, &number) != GMX_PB_OK) || !gmx_pb_eof(&ln) ||
            fn == 0 || fn > UINT32_MAX || r->nlines >= UINT32_MAX ||
            !gmx_heap_reduce_grow(&s->lines, &s->lines_cap, r->nlines, sizeof(*s->lines)))
            return false;
        if (fn > r->max_fn)
            r->max_fn = fn;
        s->lines[r->nlines++] = (struct reduce_line){ (uint32_t)(fn - 1), line_number((int64_t)number) };
    }
    if (!mapped && next_key(&m, MAPPING) && gmx_pb_varint(&m, mapping_id) != GMX_PB_OK)
        return false;
    return gmx_pb_eof(&m) && *id && (!mapped || *mapping_id);
}

/* A location's fields in any order and shape, as the decoder reads them. */
static bool location_fields(reducer *r, gmx_pb m, uint64_t *id, uint64_t *mapping_id,
                            uint64_t *address)
{
    uint64_t v;
    while (!gmx_pb_eof(&m)) {
        uint32_t num;
        int fwt;
        if (gmx_pb_key(&m, &num, &fwt) != GMX_PB_OK)
            return false;
        bool ok = num == 1 ? uint_field(&m, fwt, id)
                  : num == 2 ? uint_field(&m, fwt, mapping_id)
                  : num == 3 ? uint_field(&m, fwt, address)
                  : num == 5 ? uint_field(&m, fwt, &v)
                  : num == 4 ? line(r, &m, fwt) : skip(&m, fwt);
        if (!ok)
            return false;
    }
    return true;
}

/* Locations must come numbered 1, 2, ... as Go numbers them, so that an
 * id is its index plus one. One with an address and no lines (a profile
 * written unsymbolised) is declined: the decoder's model names it from an
 * executable, or says it has no name. */
static bool location(reducer *r, gmx_pb *pb, int wt)
{
    gmx_pb m;
    uint64_t id = 0, mapping_id = 0, address = 0;
    size_t first = r->nlines;
    if (!sub(pb, wt, &m))
        return false;
    if (!location_as_go_writes(r, m, &id, &mapping_id, &address)) {
        r->nlines = first;
        id = mapping_id = address = 0;
        if (!location_fields(r, m, &id, &mapping_id, &address))
            return false;
    }
    size_t n = r->nlines - first;
    heap_reduce_scratch *s = r->s;
    if (id != r->nlocs + 1 || n > GMX_PPROF_MAX_LINES || r->nlocs >= UINT32_MAX ||
        (n == 0 && address) ||
        (mapping_id && !names_mapping(r, mapping_id)) ||
        !gmx_heap_reduce_grow(&s->locs, &s->locs_cap, r->nlocs, sizeof(*s->locs)))
        return false;
    s->locs[r->nlocs++] = (struct reduce_loc){ (uint32_t)first, (uint32_t)n, 0 };
    return true;
}

/* Functions too must come numbered 1, 2, ... */
static bool function(reducer *r, gmx_pb *pb, int wt)
{
    uint64_t f[5]; /* id, name, system_name, filename, start_line */
    if (!gmx_heap_reduce_varints(pb, wt, f, 5))
        return false;
    uint64_t id = f[0], name = f[1], system_name = f[2], file = f[3];
    names_string(r, name);
    names_string(r, system_name);
    names_string(r, file);
    heap_reduce_scratch *s = r->s;
    if (id != r->nfns + 1 || r->nfns >= UINT32_MAX ||
        !gmx_heap_reduce_grow(&s->fns, &s->fns_cap, r->nfns, sizeof(*s->fns)))
        return false;
    /* An index past 32 bits is past the table too: refused below. */
    s->fns[r->nfns++] = (struct reduce_fn){ (uint32_t)name, (uint32_t)file };
    return true;
}

/* Where a string or a sample message is, to be read once all is known. */
static bool span(struct reduce_span **arr, size_t *cap, size_t *n, const reducer *r,
                 const uint8_t *p, size_t len)
{
    if (!gmx_heap_reduce_grow(arr, cap, *n, sizeof(**arr)))
        return false;
    (*arr)[(*n)++] = (struct reduce_span){ (uint32_t)(p - r->data), (uint32_t)len };
    return true;
}

static bool comments(reducer *r, gmx_pb *pb, int wt)
{
    gmx_pb_repeated it;
    uint64_t v;
    if (gmx_pb_repeated_begin(pb, wt, &it) != GMX_PB_OK)
        return false;
    while (gmx_pb_repeated_next(&it, &v))
        names_string(r, v);
    return it.status == GMX_PB_OK;
}

static bool scalar(reducer *r, gmx_pb *pb, int wt, uint32_t num)
{
    uint64_t v;
    if (!uint_field(pb, wt, &v))
        return false;
    switch (num) {
    case GMX_PPROF_DROP_FRAMES: r->drop_frames = v; break;
    case GMX_PPROF_TIME_NANOS: r->time_nanos = (int64_t)v; break;
    case GMX_PPROF_PERIOD: r->period = (int64_t)v; break;
    case GMX_PPROF_DEFAULT_SAMPLE_TYPE: r->default_type = v; break;
    default: break;
    }
    if (num == GMX_PPROF_DROP_FRAMES || num == GMX_PPROF_KEEP_FRAMES ||
        num == GMX_PPROF_DEFAULT_SAMPLE_TYPE || num == GMX_PPROF_DOC_URL)
        names_string(r, v);
    return true;
}

static bool top_field(reducer *r, gmx_pb *pb, uint32_t num, int wt)
{
    heap_reduce_scratch *s = r->s;
    const uint8_t *p;
    size_t n;
    switch (num) {
    case GMX_PPROF_SAMPLE_TYPE: return value_type(r, pb, wt, true);
    case GMX_PPROF_PERIOD_TYPE: return value_type(r, pb, wt, false);
    case GMX_PPROF_MAPPING: return mapping(r, pb, wt);
    case GMX_PPROF_LOCATION: return location(r, pb, wt);
    case GMX_PPROF_FUNCTION: return function(r, pb, wt);
    case GMX_PPROF_COMMENT: return comments(r, pb, wt);
    case GMX_PPROF_SAMPLE:
    case GMX_PPROF_STRING:
        if (wt != GMX_PB_LEN || gmx_pb_bytes(pb, &p, &n) != GMX_PB_OK)
            return false;
        return num == GMX_PPROF_STRING ? span(&s->strings, &s->strings_cap, &r->nstrings, r, p, n)
                                       : span(&s->samples, &s->samples_cap, &r->nsamples, r, p, n);
    default:
        return num <= GMX_PPROF_DOC_URL ? scalar(r, pb, wt, num) : skip(pb, wt);
    }
}

gmx_str gmx_heap_reduce_string(const reducer *r, uint64_t i)
{
    const struct reduce_span *sp = &r->s->strings[i];
    return (gmx_str){ (const char *)r->data + sp->at, sp->len };
}

/* What the decoder checks once everything is read (profile_resolve.c). */
static bool resolves(const reducer *r)
{
    if (!r->nstrings || r->s->strings[0].len || r->max_string >= r->nstrings ||
        r->max_fn > r->nfns || (r->nsamples && !r->ntypes))
        return false;
    for (size_t i = 0; i < r->nmapping_refs; i++) {
        bool found = false;
        for (size_t k = 0; k < r->nmappings && !found; k++)
            found = r->mappings[k] == r->mapping_refs[i];
        if (!found)
            return false;
    }
    /* drop_frames prunes stacks (profile_prune.c): left to the decoder. */
    return gmx_heap_reduce_string(r, r->drop_frames).n == 0;
}

static int column(const reducer *r, const char *type)
{
    for (size_t i = 0; i < r->ntypes; i++)
        if (gmx_str_eq_cstr(gmx_heap_reduce_string(r, r->types[i]), type))
            return (int)i;
    return -1;
}

bool gmx_heap_reduce(const void *data, size_t len, heap_reduce_scratch *s, heap_reduced *out)
{
    memset(out, 0, sizeof(*out));
    if (!len || len > UINT32_MAX)
        return false;
    reducer r = { .data = data, .len = len, .s = s };
    gmx_pb pb;
    gmx_pb_init(&pb, data, len);
    while (!gmx_pb_eof(&pb)) {
        uint32_t num;
        int wt;
        if (gmx_pb_key(&pb, &num, &wt) != GMX_PB_OK || !top_field(&r, &pb, num, wt))
            return false;
    }
    if (!resolves(&r))
        return false;
    r.col[REDUCE_INUSE_OBJECTS] = column(&r, "inuse_objects");
    r.col[REDUCE_INUSE_BYTES] = column(&r, "inuse_space");
    r.col[REDUCE_ALLOC_OBJECTS] = column(&r, "alloc_objects");
    r.col[REDUCE_ALLOC_BYTES] = column(&r, "alloc_space");
    if (r.col[REDUCE_INUSE_BYTES] < 0 && r.col[REDUCE_ALLOC_BYTES] < 0)
        return false; /* not a heap profile */
    if (!gmx_heap_reduce_sites(&r, out)) {
        gmx_heap_reduced_release(out);
        return false;
    }
    out->allocs = gmx_str_eq_cstr(gmx_heap_reduce_string(&r, r.default_type), "alloc_space");
    out->view.info.time_ns = r.time_nanos;
    out->view.info.sample_rate = r.period;
    return true;
}

void gmx_heap_reduced_release(heap_reduced *r)
{
    gmx_arena_release(&r->strings);
    gmx_free(r->owned);
    memset(r, 0, sizeof(*r));
}

void gmx_heap_reduce_scratch_release(heap_reduce_scratch *s)
{
    void *arrays[] = { s->strings, s->samples, s->locs, s->lines, s->fns, s->fn_used, s->str_used,
                       s->strs, s->ids, s->site_slots, s->site_hash, s->frames, s->frame_of,
                       s->sites, s->funcs, s->file_hash, s->read, s->lead };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        gmx_free(arrays[i]);
    memset(s, 0, sizeof(*s));
}
