/* Archives as inputs: what users attach to an issue or a ticket. GitHub
 * takes .zip and .gz attachments, not a folder; an incident's files come
 * as incident.zip or incident.tar.gz. Each regular member is handed over as
 * a file of its own would be, read with libarchive (zip, tar, and tar
 * compressed with gzip, bzip2, xz or zstd). A gzip of one file is no
 * archive: gmx_input_gunzip reads that. */
#include "gomemdx/input.h"
#include "load/entry.h"
#include "util/alloc.h"
#include "util/compression.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { BLOCK = 64 << 10 };

static struct archive *reader_new(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_filter_all(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    return a;
}

/* One member's bytes, at most max (what is left of the archive's
 * allowance); GMX_ELIMIT past it. */
static gmx_code member_bytes(struct archive *a, const char *archive_name, const char *name,
                             size_t max, size_t max_total, void **out, size_t *out_len,
                             gmx_error *err)
{
    bool refused;
    gmx_code rc = gmx_archive_entry_bytes(a, max, NULL, out, out_len, &refused);
    if (rc == GMX_ELIMIT)
        return gmx_error_set_at_line(err, GMX_ELIMIT, archive_name, 0,
                                     "%s: the archive holds more than %zu bytes (a zip bomb?)", name,
                                     max_total);
    if (rc == GMX_ENOMEM)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s in %s", name, archive_name);
    if (rc != GMX_OK)
        return gmx_error_set_at_line(err, GMX_EFORMAT, archive_name, 0, "%s: %s", name,
                                     archive_error_string(a) ? archive_error_string(a)
                                                             : "corrupt member");
    return GMX_OK;
}

/* A member's modification time in Unix ns; 0 when not recorded or out of
 * the range a time can have (a damaged header's). */
static int64_t member_time(struct archive_entry *e)
{
    if (!archive_entry_mtime_is_set(e))
        return 0;
    int64_t sec = (int64_t)archive_entry_mtime(e), nsec = archive_entry_mtime_nsec(e);
    if (sec < 0 || sec >= INT64_MAX / 1000000000 - 1 || nsec < 0 || nsec >= 1000000000)
        return 0;
    return sec * 1000000000 + nsec;
}

/* The members of an opened archive, each handed to fn; *is_archive false
 * (and nothing read) when a's bytes are no archive of the formats read. */
static gmx_code each_member(struct archive *a, const char *archive_name, size_t max_bytes,
                            gmx_archive_member_fn fn, void *ctx, bool *is_archive, gmx_error *err)
{
    struct archive_entry *e;
    int r = archive_read_next_header(a, &e);
    *is_archive = r == ARCHIVE_OK || r == ARCHIVE_WARN;
    if (!*is_archive)
        return GMX_OK;
    gmx_code rc = GMX_OK;
    size_t used = 0;
    for (; rc == GMX_OK && (r == ARCHIVE_OK || r == ARCHIVE_WARN); r = archive_read_next_header(a, &e)) {
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        const char *name = archive_entry_pathname(e);
        name = name ? name : "(unnamed member)";
        void *data = NULL;
        size_t len = 0;
        rc = member_bytes(a, archive_name, name, max_bytes - used, max_bytes, &data, &len, err);
        if (rc != GMX_OK)
            break;
        used += len;
        rc = fn(ctx, name, data, len, member_time(e), err); /* takes data over */
    }
    if (rc == GMX_OK && r != ARCHIVE_EOF)
        rc = gmx_error_set_at_line(err, GMX_EFORMAT, archive_name, 0, "%s",
                                   archive_error_string(a) ? archive_error_string(a)
                                                           : "corrupt archive");
    return rc;
}

/* The members of a's archive when it opened, then a freed. */
static gmx_code members_then_free(struct archive *a, bool opened, const char *name,
                                  size_t max_bytes, gmx_archive_member_fn fn, void *ctx,
                                  bool *is_archive, gmx_error *err)
{
    gmx_code rc = opened ? each_member(a, name, max_bytes, fn, ctx, is_archive, err) : GMX_OK;
    archive_read_free(a);
    return rc;
}

/* The first bytes of a zip, of a tar (its magic at 257), or of a
 * compressed stream (gzip, bzip2, xz, zstd, lz4) that may hold a tar: anything
 * else (a dump, a profile, a core) is not handed to libarchive at all. */
static bool may_be_archive(const unsigned char *p, size_t n)
{
    static const char *const zips[] = { "PK\x03\x04", "PK\x05\x06" };
    for (size_t i = 0; i < sizeof(zips) / sizeof(zips[0]); i++)
        if (n >= 4 && memcmp(p, zips[i], 4) == 0)
            return true;
    return gmx_compression_of(p, n) || (n >= 262 && memcmp(p + 257, "ustar", 5) == 0);
}

gmx_code gmx_archive_read(const char *path, size_t max_bytes, gmx_archive_member_fn fn,
                          void *ctx, bool *is_archive, gmx_error *err)
{
    *is_archive = false;
    unsigned char head[512];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof(head), f) : 0;
    if (f)
        fclose(f);
    if (!may_be_archive(head, n))
        return GMX_OK;
    struct archive *a = reader_new();
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory opening %s", path);
    return members_then_free(a, archive_read_open_filename(a, path, BLOCK) == ARCHIVE_OK, path,
                             max_bytes, fn, ctx, is_archive, err);
}

gmx_code gmx_archive_read_memory(const char *name, const void *data, size_t len, size_t max_bytes,
                                 gmx_archive_member_fn fn, void *ctx, bool *is_archive,
                                 gmx_error *err)
{
    *is_archive = false;
    if (!may_be_archive(data, len < 512 ? len : 512))
        return GMX_OK;
    struct archive *a = reader_new();
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory opening %s", name);
    return members_then_free(a, archive_read_open_memory(a, data, len) == ARCHIVE_OK, name,
                             max_bytes, fn, ctx, is_archive, err);
}
