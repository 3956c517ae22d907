/* One file compressed with bzip2, xz, zstd or lz4 (dump.txt.xz, heap.zst:
 * what support bundles, log shippers and `xz -9` before an upload write),
 * decompressed by libarchive's raw format: the stream's one "member" is
 * the file. gzip has its own, faster reader (gunzip.c); a compressed tar
 * is an archive (archive.c). */
#include "gomemdx/input.h"
#include "load/entry.h"
#include "load/replace.h"
#include "util/alloc.h"
#include "util/compression.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

/* The compression of data when unpack reads it (not gzip), else NULL. */
static const char *unpacked_kind(const void *data, size_t len)
{
    const char *kind = gmx_compression_of(data, len);
    return kind && strcmp(kind, "gzip") != 0 ? kind : NULL;
}

/* A compressed core or executable is never unpacked in memory: a core can
 * be gigabytes, and both are read mapped, in place. */
static bool elf(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0;
}

/* Everything the stream decompresses to, at most max bytes. */
static gmx_code read_all(struct archive *a, const char *name, const char *kind, size_t max,
                         void **out, size_t *out_len, gmx_error *err)
{
    bool refused;
    gmx_code rc = gmx_archive_entry_bytes(a, max, elf, out, out_len, &refused);
    if (rc == GMX_ELIMIT)
        return gmx_error_set_at_line(err, GMX_ELIMIT, name, 0,
                                     "%s data decompresses to more than %zu bytes", kind, max);
    if (rc == GMX_ENOMEM)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s", name);
    if (refused)
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 0,
                                     "a core dump or an executable compressed with %s: decompress "
                                     "it first (they are read in place, mapped, not unpacked in "
                                     "memory)", kind);
    if (rc != GMX_OK) {
        const char *why = archive_error_string(a);
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 0, "%s data corrupt or cut short: %s",
                                     kind, why ? why : "unreadable");
    }
    return GMX_OK;
}

gmx_code gmx_unpack(const char *name, const void *data, size_t len, size_t max, void **out,
                    size_t *out_len, gmx_error *err)
{
    const char *kind = unpacked_kind(data, len);
    if (!kind)
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, 0, "no bzip2, xz, zstd or lz4 data");
    struct archive *a = archive_read_new();
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s", name);
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    gmx_code rc;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK) {
        const char *why = archive_error_string(a);
        rc = gmx_error_set_at_line(err, GMX_EFORMAT, name, 0, "%s data unreadable from its start: %s",
                                   kind, why ? why : "no stream");
    } else {
        rc = read_all(a, name, kind, max ? max : GMX_GUNZIP_DEFAULT_MAX, out, out_len, err);
    }
    archive_read_free(a);
    return rc;
}

gmx_code gmx_input_unpack(gmx_input **in, size_t max, gmx_error *err)
{
    const void *data = gmx_input_data(*in);
    size_t len = gmx_input_size(*in);
    if (!unpacked_kind(data, len))
        return GMX_OK;
    void *plain;
    size_t plain_len;
    gmx_code rc = gmx_unpack(gmx_input_name(*in), data, len, max, &plain, &plain_len, err);
    if (rc != GMX_OK)
        return rc;
    return gmx_input_replace_heap(in, plain, plain_len, err);
}

gmx_code gmx_input_decompress(gmx_input **in, size_t max, gmx_error *err)
{
    if (gmx_is_gzip(gmx_input_data(*in), gmx_input_size(*in)))
        return gmx_input_gunzip(in, max, err);
    return gmx_input_unpack(in, max, err);
}

gmx_code gmx_input_decompress_reusing(gmx_input **in, size_t max, void **buf, size_t *cap,
                                      gmx_error *err)
{
    if (gmx_is_gzip(gmx_input_data(*in), gmx_input_size(*in)))
        return gmx_input_gunzip_reusing(in, max, buf, cap, err);
    return gmx_input_unpack(in, max, err);
}
