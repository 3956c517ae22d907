/* Fuzz target: archives as inputs (load/archive.c over libarchive): every
 * member's bytes handed over and freed, never more than the cap; and one
 * file compressed with bzip2, xz, zstd or lz4 (load/unpack.c), never
 * unpacked past its cap. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gomemdx/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_MEMBER = 1 << 20 };

static gmx_code member(void *ctx, const char *name, void *bytes, size_t len, int64_t mtime_ns,
                       gmx_error *err)
{
    (void)name;
    (void)mtime_ns;
    (void)err;
    if (len > MAX_MEMBER)
        abort();
    ++*(size_t *)ctx;
    gmx_gunzip_free(bytes);
    return GMX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t members = 0;
    bool archive;
    gmx_error err;
    (void)gmx_archive_read_memory("fuzz", data, size, MAX_MEMBER, member, &members, &archive, &err);
    void *plain = NULL;
    size_t plain_len = 0;
    if (gmx_unpack("fuzz", data, size, MAX_MEMBER, &plain, &plain_len, &err) == GMX_OK) {
        if (plain_len > MAX_MEMBER)
            abort();
        gmx_gunzip_free(plain);
    }
    return 0;
}
