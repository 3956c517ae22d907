/* The source files a rendering shows, read through load's one way of
 * finding them (gmx_source_open) and each read once. */
#include "gomemdx/source.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* The source files of one rendering, each found and read once however
 * many functions it holds (pprof's sourceReader caches them too), and the
 * error of each one that could not be. */
typedef struct source_entry {
    gmx_str file;
    gmx_source_file *src;     /* NULL when it could not be opened */
    gmx_code code;            /* why not */
    char error[240];
} source_entry;

struct gmx_source_cache {
    gmx_source_path path;
    source_entry *entries;
    size_t n, cap;
    gmx_hindex index;
};

void gmx_source_cache_free(gmx_source_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        gmx_source_free(c->entries[i].src);
    gmx_free(c->entries);
    gmx_hindex_release(&c->index);
    gmx_free(c);
}

/* The entry of file, opened on first use; NULL when out of memory. */
static const source_entry *source_for(gmx_source_cache *c, gmx_str file)
{
    uint64_t h = gmx_hash_bytes(file.p, file.n, 0);
    for (size_t slot = gmx_hindex_first(&c->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&c->index, h, slot))
        if (gmx_str_eq(c->entries[c->index.values[slot]].file, file))
            return &c->entries[c->index.values[slot]];
    if (gmx_array_reserve((void **)&c->entries, &c->cap, c->n, sizeof(*c->entries)) < 0 ||
        gmx_hindex_insert(&c->index, h, (uint32_t)c->n) < 0)
        return NULL;
    source_entry *e = &c->entries[c->n++];
    memset(e, 0, sizeof(*e));
    e->file = file;
    gmx_error err = { 0 };
    if ((e->code = gmx_source_open(file, &c->path, &e->src, &err)) != GMX_OK)
        snprintf(e->error, sizeof(e->error), "%s", err.message);
    return e;
}

gmx_source_cache *gmx_source_cache_new(const gmx_source_path *sp)
{
    gmx_source_cache *c = gmx_calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (sp)
        c->path = *sp;
    gmx_hindex_init(&c->index);
    return c;
}

static int cached_line(void *ctx, gmx_str file, int64_t lineno, gmx_str *text, const char **why)
{
    const source_entry *e = source_for(ctx, file);
    if (!e || e->code == GMX_ENOMEM)
        return -2;
    if (!e->src) {
        *why = e->error;
        return -1;
    }
    return gmx_source_line(e->src, lineno, text) ? 1 : 0;
}

gmx_source_lines gmx_source_cache_lines(gmx_source_cache *c)
{
    return (gmx_source_lines){ c, cached_line };
}
