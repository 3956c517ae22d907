/* An archive entry's bytes, bounded (entry.h). */
#include "load/entry.h"
#include "util/alloc.h"

enum { BLOCK = 64 << 10 };

gmx_code gmx_archive_entry_bytes(struct archive *a, size_t max, bool (*refuse)(const void *, size_t),
                                 void **out, size_t *len, bool *refused)
{
    size_t cap = 0, used = 0;
    char *data = NULL;
    *refused = false;
    for (;;) {
        if (used == cap) {
            if (cap >= max) {
                gmx_free(data);
                return GMX_ELIMIT;
            }
            size_t grown = cap ? (cap > max / 2 ? max : cap * 2) : (BLOCK < max ? BLOCK : max);
            char *p = gmx_realloc(data, grown + 1);
            if (!p) {
                gmx_free(data);
                return GMX_ENOMEM;
            }
            data = p;
            cap = grown;
        }
        la_ssize_t n = archive_read_data(a, data + used, cap - used);
        if (n < 0) {
            gmx_free(data);
            return GMX_EFORMAT;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (refuse && refuse(data, used)) {
            gmx_free(data);
            *refused = true;
            return GMX_EFORMAT;
        }
    }
    *out = data;
    *len = used;
    return GMX_OK;
}
