/* What a file's first bytes say it is compressed with. */
#ifndef GMX_UTIL_COMPRESSION_H
#define GMX_UTIL_COMPRESSION_H

#include <stddef.h>

/* "gzip", "bzip2", "xz", "zstd" or "lz4" when data starts with that
 * format's magic bytes; NULL otherwise. */
const char *gmx_compression_of(const void *data, size_t len);

#endif
