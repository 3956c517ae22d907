#include "util/compression.h"

#include <string.h>

const char *gmx_compression_of(const void *data, size_t len)
{
    static const struct {
        const char *magic;
        size_t n;
        const char *name;
    } formats[] = {
        { "\x1f\x8b", 2, "gzip" },
        { "BZh", 3, "bzip2" },
        { "\xfd" "7zXZ\x00", 6, "xz" },
        { "\x28\xb5\x2f\xfd", 4, "zstd" },
        { "\x04\x22\x4d\x18", 4, "lz4" },
    };
    for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
        if (len >= formats[i].n && memcmp(data, formats[i].magic, formats[i].n) == 0)
            return formats[i].name;
    return NULL;
}
