/* Writing a whole file so that a reader never sees it half written and a
 * failure never costs what was there before: a temporary file beside it,
 * then rename. */
#ifndef GOMEMDX_OUTPUT_H
#define GOMEMDX_OUTPUT_H

#include <stddef.h>

#include "gomemdx/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes data to path atomically: a temporary file beside it, renamed over
 * it once whole, so on any failure the old file stays as it was and no
 * temporary file is left. A character device or FIFO that exists (/dev/null,
 * a pipe) is written through, never replaced nor removed; a folder, a block
 * device or a socket is refused. GMX_EIO with "PATH: reason" in err. */
gmx_code gmx_output_write_file(const char *path, const void *data, size_t len, gmx_error *err);

/* Copies text from the input (a URL, a message from a scraped service)
 * into out, NUL-terminated and cut to fit, with every byte that could act
 * on a terminal shown as \xNN, as the library's renderers show it. Returns
 * out. */
char *gmx_output_visible(char *out, size_t n, const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
