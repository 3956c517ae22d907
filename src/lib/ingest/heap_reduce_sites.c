/* The samples pass of the heap profile reducer (heap_reduce.h), in three
 * steps: each sample read once, its values kept and the locations of its
 * leading GMX_HEAP_SITE_FRAMES frames noted; then those locations' lines
 * made frames, in the order the profile lists locations (Go lists them,
 * their functions and their strings in the order it met them, so this
 * walks the tables front to back instead of jumping about them sample by
 * sample); then each sample's values added to the site its frames make.
 * Last, the result, with the strings of the functions its frames name
 * copied (the input is a worker's buffer, reused for the next file). */
#include "ingest/frames_proto.h"
#include "ingest/heap_reduce_impl.h"
#include "gomemdx/profile.h"
#include "util/alloc.h"
#include "util/goname.h"
#include "util/hash.h"
#include "util/num.h"

#include <string.h>

/* gmx_hsnapshot_new's default maximum of sites: past it the decoder's
 * path puts values in an overflow; this reader declines instead. */
enum { MAX_SITES = 200000 };
/* Hash slots to start with; the table grows to twice its sites. */
enum { MIN_SLOTS = 1 << 16 };

typedef struct pass {
    const reducer *r;
    heap_reduce_scratch *s;
    gmx_arena *names;         /* names rewritten from generic shapes */
    size_t nstrs, nfuncs, nframes, nsites, nframe_of;
    size_t chars;             /* the bytes of the result's strings */
    size_t nlead;             /* s->lead's ids so far */
} pass;

/* A location a sample's leading frames come from, its frames not made yet. */
#define FRAMES_WANTED UINT32_MAX

static bool site_table_fit(heap_reduce_scratch *s, size_t nsites)
{
    size_t slots = s->site_nslots ? s->site_nslots : MIN_SLOTS;
    while (slots < 2 * nsites)
        slots *= 2;
    if (slots == s->site_nslots)
        return true;
    uint32_t *grown = gmx_calloc(slots, sizeof(*grown));
    if (!grown)
        return false;
    for (size_t i = 0; i < nsites; i++) {
        size_t k = (size_t)s->site_hash[i] & (slots - 1);
        while (grown[k])
            k = (k + 1) & (slots - 1);
        grown[k] = (uint32_t)i + 1;
    }
    gmx_free(s->site_slots);
    s->site_slots = grown;
    s->site_nslots = slots;
    return true;
}

static uint32_t add_string(pass *p, gmx_str v)
{
    heap_reduce_scratch *s = p->s;
    if (p->nstrs >= UINT32_MAX - 1 ||
        !gmx_heap_reduce_grow(&s->strs, &s->strs_cap, p->nstrs, sizeof(*s->strs)))
        return UINT32_MAX;
    s->strs[p->nstrs] = v;
    p->chars += v.n;
    return (uint32_t)p->nstrs++;
}

/* String i of the table among the result's, added when new. */
static uint32_t string_of(pass *p, uint32_t i)
{
    heap_reduce_scratch *s = p->s;
    if (!s->str_used[i]) {
        uint32_t k = add_string(p, gmx_heap_reduce_string(p->r, i));
        if (k == UINT32_MAX)
            return k;
        s->str_used[i] = k + 1;
    }
    return s->str_used[i] - 1;
}

/* Function fn among the result's, added when new: its name as the text
 * formats write it (generic shapes as "[...]"), its file. */
static uint32_t function_of(pass *p, uint32_t fn)
{
    heap_reduce_scratch *s = p->s;
    if (s->fn_used[fn])
        return s->fn_used[fn] - 1;
    gmx_str name = gmx_heap_reduce_string(p->r, s->fns[fn].name);
    gmx_str shown = gmx_goname_for_print(p->names, name);
    uint32_t n = !shown.p            ? UINT32_MAX
                 : shown.p == name.p ? string_of(p, s->fns[fn].name)
                                     : add_string(p, shown);
    uint32_t file = string_of(p, s->fns[fn].file);
    if (n == UINT32_MAX || file == UINT32_MAX ||
        !gmx_heap_reduce_grow(&s->funcs, &s->funcs_cap, p->nfuncs, sizeof(*s->funcs)) ||
        !gmx_heap_reduce_grow(&s->file_hash, &s->file_hash_cap, p->nfuncs, sizeof(*s->file_hash)))
        return UINT32_MAX;
    s->funcs[p->nfuncs] = (gmx_hreduced_func){ n, file };
    s->file_hash[p->nfuncs] = gmx_hreduced_file_hash(s->strs[file], s->strs[n]);
    s->fn_used[fn] = (uint32_t)++p->nfuncs;
    return s->fn_used[fn] - 1;
}

/* The first frame of location loc among the result's: each of its lines
 * made a frame the first time a sample names it. UINT32_MAX when out of
 * memory. */
static uint32_t location_frames(pass *p, struct reduce_loc *loc)
{
    heap_reduce_scratch *s = p->s;
    if (loc->frame)
        return loc->frame - 1;
    if (p->nframes + loc->n >= UINT32_MAX ||
        !gmx_heap_reduce_grow(&s->frames, &s->frames_cap, p->nframes + loc->n, sizeof(*s->frames)))
        return UINT32_MAX;
    for (uint32_t k = 0; k < loc->n; k++) {
        const struct reduce_line *ln = &s->lines[loc->first + k];
        uint32_t f = function_of(p, ln->fn);
        if (f == UINT32_MAX)
            return UINT32_MAX;
        gmx_hreduced_frame *fr = &s->frames[p->nframes + k];
        fr->func = f;
        fr->line = ln->line;
        fr->hash = gmx_hreduced_frame_hash(s->file_hash[f], ln->line);
    }
    loc->frame = (uint32_t)p->nframes + 1;
    p->nframes += loc->n;
    return loc->frame - 1;
}

/* The site of the frames keys[0 .. n), added when new; -1 when it cannot
 * be (out of memory, more than MAX_SITES). */
static long site_index(pass *p, const uint32_t *keys, uint32_t n)
{
    heap_reduce_scratch *s = p->s;
    uint64_t h = gmx_hash_bytes(keys, n * sizeof(*keys), n);
    size_t mask = s->site_nslots - 1, k = (size_t)h & mask;
    for (uint32_t v; (v = s->site_slots[k]); k = (k + 1) & mask) {
        const gmx_hreduced_site *site = &s->sites[v - 1];
        if (s->site_hash[v - 1] == h && site->nframes == n &&
            (!n || memcmp(s->frame_of + site->first, keys, n * sizeof(*keys)) == 0))
            return (long)v - 1;
    }
    size_t i = p->nsites;
    if (i >= MAX_SITES || !gmx_heap_reduce_grow(&s->sites, &s->sites_cap, i, sizeof(*s->sites)) ||
        !gmx_heap_reduce_grow(&s->site_hash, &s->site_hash_cap, i, sizeof(*s->site_hash)) ||
        !gmx_heap_reduce_grow(&s->frame_of, &s->frame_of_cap, p->nframe_of + n,
                              sizeof(*s->frame_of)))
        return -1;
    memset(&s->sites[i], 0, sizeof(s->sites[i]));
    s->sites[i].first = (uint32_t)p->nframe_of;
    s->sites[i].nframes = n;
    if (n)
        memcpy(s->frame_of + p->nframe_of, keys, n * sizeof(*keys));
    p->nframe_of += n;
    s->site_hash[i] = h;
    s->site_slots[k] = (uint32_t)i + 1;
    p->nsites++;
    return site_table_fit(s, p->nsites) ? (long)i : -1;
}

/* A packed run of varints (wire type 2), or one varint (0), as a reader. */
static bool varint_run(gmx_pb *m, int wt, gmx_pb *run)
{
    if (wt == GMX_PB_LEN)
        return gmx_pb_sub(m, run) == GMX_PB_OK;
    uint64_t v;
    run->p = m->p;
    run->origin = m->origin;
    if (wt != GMX_PB_VARINT || gmx_pb_varint(m, &v) != GMX_PB_OK)
        return false;
    run->end = m->p;
    return true;
}

/* One sample's location ids, each checked, as location indexes. */
static bool sample_locations(pass *p, gmx_pb *m, int wt, size_t *n)
{
    heap_reduce_scratch *s = p->s;
    gmx_pb run;
    uint64_t id;
    if (!varint_run(m, wt, &run))
        return false;
    /* Each id takes a byte at least: room for all of them at once. */
    size_t most = *n + (size_t)(run.end - run.p);
    if (most > GMX_PPROF_MAX_REPEATED)
        most = GMX_PPROF_MAX_REPEATED;
    if (!gmx_heap_reduce_grow(&s->ids, &s->ids_cap, most, sizeof(*s->ids)))
        return false;
    while (!gmx_pb_eof(&run)) {
        if (gmx_pb_varint(&run, &id) != GMX_PB_OK || id - 1 >= p->r->nlocs ||
            *n >= GMX_PPROF_MAX_REPEATED)
            return false;
        s->ids[(*n)++] = (uint32_t)(id - 1);
    }
    return true;
}

static bool sample_values(const reducer *r, gmx_pb *m, int wt, int64_t *values, size_t *n)
{
    gmx_pb run;
    uint64_t v;
    if (!varint_run(m, wt, &run))
        return false;
    while (!gmx_pb_eof(&run)) {
        /* More values than sample types: the decoder refuses the sample. */
        if (gmx_pb_varint(&run, &v) != GMX_PB_OK || *n >= r->ntypes)
            return false;
        values[(*n)++] = (int64_t)v;
    }
    return true;
}

/* One label, checked; the first numeric "bytes" label is the object size
 * (*size, *sized). */
static bool sample_label(const reducer *r, gmx_pb *m, int wt, int64_t *size, bool *sized)
{
    uint64_t f[4]; /* key, str, num, num_unit */
    if (!gmx_heap_reduce_varints(m, wt, f, 4))
        return false;
    uint64_t key = f[0], str = f[1], num = f[2], unit = f[3];
    if (key >= r->nstrings || str >= r->nstrings || unit >= r->nstrings)
        return false;
    /* pprof: a label with a string is a string label, else numeric if it
     * has a number or a unit. */
    if (!*sized && str == 0 && (num || unit) &&
        gmx_str_eq_cstr(gmx_heap_reduce_string(r, key), "bytes")) {
        *size = (int64_t)num;
        *sized = true;
    }
    return true;
}

static int64_t value_at(const reducer *r, const int64_t *values, int which)
{
    return r->col[which] >= 0 ? values[r->col[which]] : 0;
}

/* Notes which locations the sample's leading frames come from (the
 * first ids whose lines make GMX_HEAP_SITE_FRAMES frames), marking each
 * location whose frames are wanted. */
static bool note_lead(pass *p, size_t nids, struct reduce_sample *rs)
{
    heap_reduce_scratch *s = p->s;
    uint32_t frames = 0;
    rs->lead = (uint32_t)p->nlead;
    rs->nlead = 0;
    for (size_t i = 0; i < nids && frames < GMX_HEAP_SITE_FRAMES; i++) {
        struct reduce_loc *loc = &s->locs[s->ids[i]];
        if (p->nlead >= UINT32_MAX ||
            !gmx_heap_reduce_grow(&s->lead, &s->lead_cap, p->nlead, sizeof(*s->lead)))
            return false;
        s->lead[p->nlead++] = s->ids[i];
        rs->nlead++;
        if (loc->n && !loc->frame)
            loc->frame = FRAMES_WANTED;
        frames += loc->n;
    }
    return true;
}

/* Adds the sample's values to the site of its leading frames. */
static bool add_to_site(pass *p, const struct reduce_sample *rs)
{
    heap_reduce_scratch *s = p->s;
    uint32_t keys[GMX_HEAP_SITE_FRAMES], n = 0;
    for (uint32_t i = 0; i < rs->nlead && n < GMX_HEAP_SITE_FRAMES; i++) {
        const struct reduce_loc *loc = &s->locs[s->lead[rs->lead + i]];
        for (uint32_t k = 0; k < loc->n && n < GMX_HEAP_SITE_FRAMES; k++)
            keys[n++] = loc->frame - 1 + k;
    }
    long i = site_index(p, keys, n);
    if (i < 0)
        return false;
    gmx_hreduced_site *site = &s->sites[i];
    site->inuse_objects = gmx_i64_add_sat(site->inuse_objects, rs->inuse_objects);
    site->inuse_bytes = gmx_i64_add_sat(site->inuse_bytes, rs->inuse_bytes);
    site->alloc_objects = gmx_i64_add_sat(site->alloc_objects, rs->alloc_objects);
    site->alloc_bytes = gmx_i64_add_sat(site->alloc_bytes, rs->alloc_bytes);
    if (rs->inuse_objects > 0 && rs->size > site->max_object_bytes)
        site->max_object_bytes = rs->size;
    return true;
}

/* Reads sample k: its values into s->read[k], its leading locations noted. */
static bool read_sample(pass *p, size_t k)
{
    const reducer *r = p->r;
    const struct reduce_span *sp = &p->s->samples[k];
    gmx_pb m;
    gmx_pb_init(&m, r->data + sp->at, sp->len);
    size_t nids = 0, nvalues = 0, nlabels = 0;
    int64_t values[REDUCE_MAX_TYPES], size = 0;
    bool sized = false;
    while (!gmx_pb_eof(&m)) {
        uint32_t num;
        int wt;
        if (gmx_pb_key(&m, &num, &wt) != GMX_PB_OK)
            return false;
        bool ok = num == 1 ? sample_locations(p, &m, wt, &nids)
                  : num == 2 ? sample_values(r, &m, wt, values, &nvalues)
                  : num == 3 ? ++nlabels < GMX_PPROF_MAX_REPEATED &&
                                   sample_label(r, &m, wt, &size, &sized)
                             : gmx_pb_skip(&m, wt) == GMX_PB_OK;
        if (!ok)
            return false;
    }
    if (nvalues != r->ntypes)
        return false;
    struct reduce_sample *rs = &p->s->read[k];
    *rs = (struct reduce_sample){
        .inuse_objects = value_at(r, values, REDUCE_INUSE_OBJECTS),
        .inuse_bytes = value_at(r, values, REDUCE_INUSE_BYTES),
        .alloc_objects = value_at(r, values, REDUCE_ALLOC_OBJECTS),
        .alloc_bytes = value_at(r, values, REDUCE_ALLOC_BYTES),
        .size = size,
    };
    return note_lead(p, nids, rs);
}

/* Makes the frames of every location a sample's leading frames come from,
 * in the profile's order of locations. */
static bool make_wanted_frames(pass *p)
{
    heap_reduce_scratch *s = p->s;
    for (size_t i = 0; i < p->r->nlocs; i++) {
        struct reduce_loc *loc = &s->locs[i];
        if (loc->frame != FRAMES_WANTED)
            continue;
        loc->frame = 0;
        if (location_frames(p, loc) == UINT32_MAX)
            return false;
    }
    return true;
}

/* The result in one block of its own: sites, strings, functions, frames,
 * frame_of, then the strings' bytes (the input goes on to be reused). */
static bool result(const pass *p, heap_reduced *out)
{
    const heap_reduce_scratch *s = p->s;
    size_t sites = p->nsites * sizeof(*s->sites), strs = p->nstrs * sizeof(*s->strs),
           funcs = p->nfuncs * sizeof(*s->funcs), frames = p->nframes * sizeof(*s->frames),
           frame_of = p->nframe_of * sizeof(*s->frame_of);
    char *block = gmx_malloc(sites + strs + funcs + frames + frame_of + p->chars + 1);
    if (!block)
        return false;
    out->owned = block;
    gmx_str *copies = (gmx_str *)(block + sites);
    char *chars = block + sites + strs + funcs + frames + frame_of;
    for (size_t i = 0; i < p->nstrs; i++) {
        if (s->strs[i].n)
            memcpy(chars, s->strs[i].p, s->strs[i].n);
        copies[i] = (gmx_str){ chars, s->strs[i].n };
        chars += s->strs[i].n;
    }
    if (sites)
        memcpy(block, s->sites, sites);
    if (funcs)
        memcpy(block + sites + strs, s->funcs, funcs);
    if (frames)
        memcpy(block + sites + strs + funcs, s->frames, frames);
    if (frame_of)
        memcpy(block + sites + strs + funcs + frames, s->frame_of, frame_of);
    out->view = (gmx_hreduced){
        .strings = copies,
        .nstrings = p->nstrs,
        .funcs = (const gmx_hreduced_func *)(block + sites + strs),
        .nfuncs = p->nfuncs,
        .frames = (const gmx_hreduced_frame *)(block + sites + strs + funcs),
        .nframes = p->nframes,
        .frame_of = (const uint32_t *)(block + sites + strs + funcs + frames),
        .sites = (const gmx_hreduced_site *)block,
        .nsites = p->nsites,
    };
    return true;
}

bool gmx_heap_reduce_sites(reducer *r, heap_reduced *out)
{
    heap_reduce_scratch *s = r->s;
    gmx_arena_init(&out->strings, 0);
    pass p = { .r = r, .s = s, .names = &out->strings };
    /* The tables are reused: emptied for this profile. */
    if (!gmx_heap_reduce_grow(&s->fn_used, &s->fn_used_cap, r->nfns, sizeof(*s->fn_used)) ||
        !gmx_heap_reduce_grow(&s->str_used, &s->str_used_cap, r->nstrings, sizeof(*s->str_used)) ||
        !site_table_fit(s, 0))
        return false;
    memset(s->fn_used, 0, (r->nfns + 1) * sizeof(*s->fn_used));
    memset(s->str_used, 0, (r->nstrings + 1) * sizeof(*s->str_used));
    memset(s->site_slots, 0, s->site_nslots * sizeof(*s->site_slots));
    if (!gmx_heap_reduce_grow(&s->read, &s->read_cap, r->nsamples, sizeof(*s->read)))
        return false;
    for (size_t i = 0; i < r->nsamples; i++)
        if (!read_sample(&p, i))
            return false;
    if (!make_wanted_frames(&p))
        return false;
    for (size_t i = 0; i < r->nsamples; i++)
        if (!add_to_site(&p, &s->read[i]))
            return false;
    return result(&p, out);
}
