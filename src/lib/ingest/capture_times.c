#include "ingest/capture_times.h"
#include "gomemdx/bundle.h"
#include "gomemdx/input.h"
#include "util/alloc.h"
#include "util/num.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static gmx_code add(capture_times *t, const char *dir, gmx_str rel, int64_t ns, gmx_error *err)
{
    if (!t->items && !(t->items = gmx_calloc(CAPTURE_TIMES_MAX, sizeof(*t->items))))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading capture times in %s", dir);
    size_t len = strlen(dir) + rel.n + 2;
    char *full = gmx_malloc(len);
    if (!full)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading capture times in %s", dir);
    snprintf(full, len, "%s/%.*s", dir, (int)rel.n, rel.p);
    t->items[t->n++] = (capture_time){ full, ns };
    return GMX_OK;
}

gmx_code gmx_capture_times_read(capture_times *t, const char *dir, gmx_error *err)
{
    char path[4200]; /* dir is at most 4095 bytes */
    snprintf(path, sizeof(path), "%s/%s", dir, GMX_CAPTURE_TIMES_FILE);
    gmx_input *in;
    if (gmx_input_open(path, &in, NULL) != GMX_OK)
        return GMX_OK; /* no index: nothing to add */
    gmx_str rest = gmx_str_make(gmx_input_data(in), gmx_input_size(in));
    gmx_code rc = GMX_OK;
    while (rest.n && rc == GMX_OK && t->n < CAPTURE_TIMES_MAX) {
        const char *nl = memchr(rest.p, '\n', rest.n);
        gmx_str line = gmx_str_make(rest.p, nl ? (size_t)(nl - rest.p) : rest.n);
        rest = nl ? gmx_str_sub(rest, line.n + 1, rest.n) : gmx_str_make(rest.p + rest.n, 0);
        const char *tab = memchr(line.p, '\t', line.n);
        uint64_t ns;
        if (!tab || tab + 1 == line.p + line.n ||
            !gmx_parse_u64(gmx_str_make(line.p, (size_t)(tab - line.p)), &ns) || ns > INT64_MAX)
            continue;
        rc = add(t, dir, gmx_str_make(tab + 1, (size_t)(line.p + line.n - tab - 1)), (int64_t)ns,
                 err);
    }
    gmx_input_free(in);
    return rc;
}

bool gmx_capture_times_find(const capture_times *t, const char *path, int64_t *time_ns)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->items[i].path, path) == 0) {
            *time_ns = t->items[i].time_ns;
            return true;
        }
    }
    return false;
}

void gmx_capture_times_release(capture_times *t)
{
    for (size_t i = 0; i < t->n; i++)
        gmx_free(t->items[i].path);
    gmx_free(t->items);
    memset(t, 0, sizeof(*t));
}
