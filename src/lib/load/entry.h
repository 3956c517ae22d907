/* What the load module's libarchive readers share (archive.c, unpack.c). */
#ifndef GMX_LOAD_ENTRY_H
#define GMX_LOAD_ENTRY_H

#include "gomemdx/error.h"

#include <archive.h>
#include <stdbool.h>
#include <stddef.h>

/* The data of the entry a is at (a zip or tar member, or a compressed
 * file's one stream), read to its end into one buffer grown as needed, at
 * most max bytes. GMX_OK with *out (one byte to spare after *len; free with
 * gmx_free); GMX_ELIMIT past max; GMX_EFORMAT when the data is corrupt
 * (archive_error_string(a) says why) or refuse, asked after each read with
 * the bytes so far, says stop (*refused is then true); GMX_ENOMEM. refuse
 * may be NULL. */
gmx_code gmx_archive_entry_bytes(struct archive *a, size_t max, bool (*refuse)(const void *, size_t),
                                 void **out, size_t *len, bool *refused);

#endif
