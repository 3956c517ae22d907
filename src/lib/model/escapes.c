/* The heap sites of one build: every "escapes to heap" and "moved to heap"
 * site of the logs added, once each, with its explanation boiled down to the
 * tags that classify it and one readable line. Strings are interned into
 * the set's arena; an index on (file, line, column, kind, what) merges the
 * -m and the -m=2 log of one build. */
#include "gomemdx/escape.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/intern.h"

#include <string.h>

#define CHAIN_MAX 480  /* bytes of the one-line explanation */

struct gmx_escape_set {
    gmx_arena arena;
    gmx_interner names;
    gmx_hindex index;
    gmx_esc_entry *items;
    size_t count, cap;
    uint64_t seen[GMX_ESC_KIND_COUNT];
    uint64_t dropped;
    gmx_buf chain;
};

gmx_escape_set *gmx_escape_set_new(void)
{
    gmx_escape_set *s = gmx_calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    gmx_arena_init(&s->arena, 0);
    gmx_interner_init(&s->names, &s->arena);
    gmx_hindex_init(&s->index);
    gmx_buf_init(&s->chain, CHAIN_MAX * 2);
    return s;
}

void gmx_escape_set_free(gmx_escape_set *s)
{
    if (!s)
        return;
    gmx_buf_release(&s->chain);
    gmx_hindex_release(&s->index);
    gmx_interner_release(&s->names);
    gmx_arena_release(&s->arena);
    gmx_free(s->items);
    gmx_free(s);
}

size_t gmx_escape_set_count(const gmx_escape_set *s) { return s->count; }
const gmx_esc_entry *gmx_escape_set_at(const gmx_escape_set *s, size_t i) { return &s->items[i]; }

uint64_t gmx_escape_set_dropped(const gmx_escape_set *s) { return s->dropped; }

uint64_t gmx_escape_set_seen(const gmx_escape_set *s, gmx_esc_kind k)
{
    return (unsigned)k < GMX_ESC_KIND_COUNT ? s->seen[k] : 0;
}

/* Keyed on the file's base name, matched by gmx_path_same: a -m log says
 * "./main.go", a -json one or another build directory the full path, and
 * one site must count once. */
static uint64_t key_hash(gmx_str file, uint32_t line, uint32_t col, gmx_str what)
{
    gmx_str base = gmx_path_base(file);
    uint64_t h = gmx_hash_bytes(base.p, base.n, 0);
    h = gmx_hash_mix(h, ((uint64_t)line << 32) | col);
    return gmx_hash_mix(h, gmx_hash_bytes(what.p, what.n, 1));
}

static gmx_esc_entry *find(gmx_escape_set *s, const gmx_esc_site *site, uint64_t h)
{
    for (size_t slot = gmx_hindex_first(&s->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&s->index, h, slot)) {
        gmx_esc_entry *e = &s->items[s->index.values[slot]];
        if (e->line == site->line && e->column == site->column && e->kind == site->kind &&
            gmx_path_same(e->file, site->file) && gmx_str_eq(e->what, site->what))
            return e;
    }
    return NULL;
}

/* "WHERE (WHY) → WHERE (WHY) ..." over the steps, at most CHAIN_MAX bytes. */
static gmx_str chain_of(gmx_escape_set *s, const gmx_esc_site *site)
{
    gmx_buf *b = &s->chain;
    gmx_buf_clear(b);
    for (uint32_t i = 0; i < site->nsteps && b->len < CHAIN_MAX; i++) {
        const gmx_esc_step *st = &site->steps[i];
        if (st->is_flow || !st->why.n)
            continue;
        if (b->len)
            gmx_buf_puts(b, " → ");
        gmx_buf_append(b, st->text.p, st->text.n < 160 ? st->text.n : 160);
        gmx_buf_puts(b, " (");
        gmx_buf_append(b, st->why.p, st->why.n);
        gmx_buf_putc(b, ')');
    }
    if (b->failed || !b->len)
        return gmx_str_make("", 0);
    return gmx_intern(&s->names, gmx_str_make(b->data, b->len < CHAIN_MAX ? b->len : CHAIN_MAX));
}

/* The explanation's tags, interned, in the set's arena. */
static gmx_code explain(gmx_escape_set *s, gmx_esc_entry *e, const gmx_esc_site *site)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < site->nsteps; i++)
        n += !site->steps[i].is_flow && site->steps[i].why.n;
    gmx_str *why = n ? gmx_arena_alloc(&s->arena, n * sizeof(*why)) : NULL;
    if (n && !why)
        return GMX_ENOMEM;
    n = 0;
    for (uint32_t i = 0; i < site->nsteps; i++)
        if (!site->steps[i].is_flow && site->steps[i].why.n)
            if (!(why[n++] = gmx_intern(&s->names, site->steps[i].why)).p)
                return GMX_ENOMEM;
    e->why = why;
    e->nwhy = n;
    e->chain = chain_of(s, site);
    if (s->chain.failed || (s->chain.len && !e->chain.p))
        return GMX_ENOMEM;
    if (site->function.n && !(e->function = gmx_intern(&s->names, site->function)).p)
        return GMX_ENOMEM;
    return GMX_OK;
}

static gmx_esc_entry *append(gmx_escape_set *s, const gmx_esc_site *site, uint64_t h)
{
    if (gmx_array_reserve((void **)&s->items, &s->cap, s->count, sizeof(*s->items)) ||
        s->count >= UINT32_MAX || gmx_hindex_insert(&s->index, h, (uint32_t)s->count))
        return NULL;
    gmx_esc_entry *e = &s->items[s->count];
    memset(e, 0, sizeof(*e));
    e->kind = site->kind;
    e->line = site->line;
    e->column = site->column;
    e->file = gmx_intern(&s->names, site->file);
    e->what = gmx_intern(&s->names, site->what);
    e->package = gmx_intern(&s->names, site->package);
    e->function = gmx_str_make("", 0);
    if (!e->file.p || !e->what.p || !e->package.p)
        return NULL;
    s->count++;
    return e;
}

gmx_code gmx_escape_set_add(gmx_escape_set *s, const gmx_esc_site *site)
{
    if ((unsigned)site->kind >= GMX_ESC_KIND_COUNT)
        return GMX_EINTERNAL;
    s->seen[site->kind]++;
    if (site->kind != GMX_ESC_ESCAPES && site->kind != GMX_ESC_MOVED)
        return GMX_OK;
    uint64_t h = key_hash(site->file, site->line, site->column, site->what);
    gmx_esc_entry *e = find(s, site, h);
    if (e && (e->nwhy || !site->nsteps))
        return GMX_OK; /* nothing new */
    if (!e && s->count >= GMX_ESC_MAX_SITES) {
        s->dropped++;
        return GMX_OK;
    }
    if (!e && !(e = append(s, site, h)))
        return GMX_ENOMEM;
    return explain(s, e, site);
}
