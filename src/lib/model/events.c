/* The events of a file, kept sorted by time: descriptions copied into an
 * arena, the list bounded by GMX_EVENTS_MAX. */
#include "gomemdx/events.h"
#include "util/alloc.h"
#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

struct gmx_events {
    gmx_event *items;
    size_t count, cap;
    gmx_arena arena;
};

static int add(void *ctx, const gmx_event *ev)
{
    gmx_events *e = ctx;
    if (e->count == GMX_EVENTS_MAX)
        return GMX_ELIMIT;
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        gmx_event *grown = gmx_reallocarray(e->items, cap, sizeof(*grown));
        if (!grown)
            return GMX_ENOMEM;
        e->items = grown;
        e->cap = cap;
    }
    char *copy = gmx_arena_strndup(&e->arena, ev->description.p ? ev->description.p : "",
                                   ev->description.n);
    if (!copy)
        return GMX_ENOMEM;
    e->items[e->count] = *ev;
    e->items[e->count].description = (gmx_str){ copy, ev->description.n };
    e->count++;
    return 0;
}

/* By time; equal times keep file order (lines are unique per event). */
static int by_time(const void *a, const void *b)
{
    const gmx_event *x = a, *y = b;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

gmx_code gmx_events_parse(const char *name, const void *data, size_t len, gmx_events **out,
                          gmx_error *err)
{
    *out = NULL;
    gmx_events *e = gmx_calloc(1, sizeof(*e));
    if (!e)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    gmx_arena_init(&e->arena, GMX_EVENTS_MAX * (size_t)256);
    gmx_code rc = gmx_events_scan(name, data, len, add, e, err);
    if (rc) {
        gmx_events_free(e);
        return rc;
    }
    if (e->count)
        qsort(e->items, e->count, sizeof(e->items[0]), by_time);
    *out = e;
    return GMX_OK;
}

size_t gmx_events_count(const gmx_events *e)
{
    return e ? e->count : 0;
}

const gmx_event *gmx_events_at(const gmx_events *e, size_t i)
{
    return e && i < e->count ? &e->items[i] : NULL;
}

void gmx_events_free(gmx_events *e)
{
    if (!e)
        return;
    gmx_free(e->items);
    gmx_arena_release(&e->arena);
    gmx_free(e);
}
