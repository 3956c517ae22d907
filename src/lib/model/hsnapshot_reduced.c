/* A shared snapshot made straight from a streaming reader's sites
 * (gmx_hreduced). Merging a profile into its series then costs one intern
 * per function and one hash per frame, and a lookup per site whose frames
 * compare by pointer, instead of hashing and comparing the strings of
 * every frame of every site. */
#include "model/hsnapshot_impl.h"
#include "util/alloc.h"

#include <string.h>

uint64_t gmx_hreduced_file_hash(gmx_str file, gmx_str func)
{
    return gmx_stacks_place_hash(file, func);
}

uint64_t gmx_hreduced_frame_hash(uint64_t file_hash, uint32_t line)
{
    return gmx_stacks_frame_hash_from(file_hash, line);
}

/* r's frames with t's strings. */
static gmx_code intern_frames(gmx_hsite_table *t, const gmx_hreduced *r, gmx_frame *frames)
{
    gmx_str *strs = gmx_mallocarray(r->nstrings + 1, sizeof(*strs));
    gmx_code rc = strs && gmx_stacks_intern_strs(&t->stacks, r->strings, r->nstrings, strs)
                      ? GMX_OK
                      : GMX_ENOMEM;
    for (size_t i = 0; rc == GMX_OK && i < r->nframes; i++) {
        const gmx_hreduced_frame *rf = &r->frames[i];
        const gmx_hreduced_func *fn = rf->func < r->nfuncs ? &r->funcs[rf->func] : NULL;
        if (!fn || fn->name >= r->nstrings || fn->file >= r->nstrings) {
            rc = GMX_EUSAGE;
            break;
        }
        gmx_frame *f = &frames[i];
        memset(f, 0, sizeof(*f));
        f->func = strs[fn->name];
        f->file = strs[fn->file];
        f->line = rf->line;
    }
    gmx_free(strs);
    return rc;
}

/* The table id of each of r's sites into ids (UINT32_MAX past the
 * table's maximum), adding the sites it does not have yet. */
static gmx_code site_ids(gmx_hsite_table *t, const gmx_hreduced *r, const gmx_frame *interned,
                         uint32_t *ids)
{
    gmx_frame frames[GMX_MAX_FRAMES];
    uint64_t hashes[GMX_MAX_FRAMES];
    for (size_t k = 0; k < r->nsites; k++) {
        const gmx_hreduced_site *s = &r->sites[k];
        if (s->nframes > GMX_MAX_FRAMES)
            return GMX_EUSAGE;
        for (uint32_t j = 0; j < s->nframes; j++) {
            uint32_t i = r->frame_of[s->first + j];
            if (i >= r->nframes)
                return GMX_EUSAGE;
            frames[j] = interned[i];
            hashes[j] = r->frames[i].hash;
        }
        uint64_t h = gmx_stacks_hash_from(hashes, s->nframes);
        size_t id = gmx_stacks_find_hashed(&t->stacks, h, frames, s->nframes, NULL);
        if (id == SIZE_MAX && t->stacks.count < t->max_sites &&
            (id = gmx_stacks_add_hashed(&t->stacks, h, frames, s->nframes, NULL)) == SIZE_MAX)
            return GMX_ENOMEM;
        ids[k] = id == SIZE_MAX ? UINT32_MAX : (uint32_t)id;
    }
    return GMX_OK;
}

/* Fills c's sites from r's, whose ids are c->order[0 .. nsites): sites
 * that read alike add up under the first one's place in the order. */
static void fill(gmx_hsnapshot *c, const gmx_hreduced *r)
{
    const gmx_stacks *stacks = &c->table->stacks;
    for (size_t k = 0; k < r->nsites; k++) {
        const gmx_hreduced_site *s = &r->sites[k];
        uint32_t id = c->order[k];
        gmx_hsite *d = id == UINT32_MAX ? &c->overflow : &c->sites[id];
        gmx_hsite_add_values(d, s->inuse_objects, s->inuse_bytes, s->alloc_objects,
                             s->alloc_bytes);
        if (id == UINT32_MAX || d->frames) {
            if (id != UINT32_MAX && s->max_object_bytes > d->max_object_bytes)
                d->max_object_bytes = s->max_object_bytes;
            continue;
        }
        d->frames = stacks->items[id].frames;
        d->nframes = s->nframes;
        d->max_object_bytes = s->max_object_bytes;
        d->id = id;
        c->order[c->norder++] = id;
    }
}

gmx_code gmx_hsnapshot_share_reduced(gmx_hsite_table *t, const gmx_hreduced *r,
                                     gmx_hsnapshot **out)
{
    *out = NULL;
    gmx_hsnapshot *c = gmx_calloc(1, sizeof(*c));
    gmx_frame *interned = gmx_mallocarray(r->nframes + 1, sizeof(*interned));
    gmx_code rc = GMX_ENOMEM;
    if (c && interned && (c->order = gmx_mallocarray(r->nsites + 1, sizeof(*c->order))))
        rc = intern_frames(t, r, interned);
    if (rc == GMX_OK)
        rc = site_ids(t, r, interned, c->order);
    gmx_free(interned);
    if (rc == GMX_OK) {
        c->table = t;
        c->max_sites = t->max_sites;
        c->info = r->info;
        c->cap = t->stacks.count;
        if (!(c->sites = gmx_calloc(c->cap ? c->cap : 1, sizeof(*c->sites))))
            rc = GMX_ENOMEM;
    }
    if (rc != GMX_OK) {
        gmx_hsnapshot_free(c);
        return rc;
    }
    fill(c, r);
    *out = c;
    return GMX_OK;
}
