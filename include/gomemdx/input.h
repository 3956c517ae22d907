/* Loading: the bytes of one artifact, memory-mapped when it is a regular file
 * and read (up to a limit) when it is a pipe or standard input. */
#ifndef GOMEMDX_INPUT_H
#define GOMEMDX_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/http.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_input gmx_input;

/* Largest input read from a pipe or standard input. */
#define GMX_INPUT_MAX_STREAM ((size_t)8 << 30)

/* Opens path ("-" is standard input). *out is owned by the caller. */
gmx_code gmx_input_open(const char *path, gmx_input **out, gmx_error *err);
/* GETs url (http:// or https://) within timeout_ms (0 = the limits') and
 * holds its body, at most limits->max_body bytes; limits may be NULL (the
 * defaults of gomemdx/http.h). The input is named by the URL. A service
 * that is down, slow, answers other than 2xx or sends a truncated body is
 * GMX_EIO, a body over the cap GMX_ELIMIT, each with one line naming the
 * URL and the reason. */
gmx_code gmx_input_fetch(const char *url, const gmx_fetch_limits *limits, long timeout_ms,
                         gmx_input **out, gmx_error *err);
/* When *in is text saved as UTF-16 (a byte-order mark, or ASCII with a NUL
 * beside each character: what PowerShell's `>` writes), replaces it with an
 * input of the same text in UTF-8 (same name; offsets then count in the
 * decoded text, lines are the same); otherwise leaves it alone.
 * gmx_input_open does this for every file it opens. */
gmx_code gmx_input_utf8(gmx_input **in, gmx_error *err);
/* When *in is text with terminal colours in it ("\e[31m", a CI job's raw
 * log), replaces it with an input of the text without them (same name,
 * same lines); otherwise, binary inputs included, leaves it alone.
 * gmx_input_open does this for every file it opens, after UTF-16. */
gmx_code gmx_input_strip_ansi(gmx_input **in, gmx_error *err);
/* Wraps caller-owned memory (not copied; must outlive the input). */
gmx_code gmx_input_from_memory(const char *name, const void *data, size_t len,
                               gmx_input **out, gmx_error *err);
/* Takes ownership of data (allocated with the library's allocator, as
 * gmx_gunzip returns it); freed with the input, also on failure. */
gmx_code gmx_input_from_heap(const char *name, void *data, size_t len, gmx_input **out,
                             gmx_error *err);
const char *gmx_input_name(const gmx_input *in);
const void *gmx_input_data(const gmx_input *in);
size_t gmx_input_size(const gmx_input *in);
void gmx_input_free(gmx_input *in);
/* When addr lies in a file mapped by gmx_input_open (a SIGBUS there means
 * the file shrank after it was opened), writes "NAME: offset N: the file
 * shrank while it was being read" into out and returns true. Safe to call
 * from a signal handler. */
bool gmx_input_describe_fault(const void *addr, char *out, size_t n);
/* Says the bytes [offset, offset+len) have been read for good: a mapped
 * file's pages leave this process's resident set (they stay in the page
 * cache), and so do the whole pages of an owned heap buffer (gmx_input_from_heap,
 * a decompressed input), which then read as zeros. Does nothing for
 * caller-owned memory (gmx_input_from_memory). */
void gmx_input_release_range(const gmx_input *in, size_t offset, size_t len);
/* True when in is a mapped file: released pages then read back the same
 * when touched again (a heap buffer's read as zeros). */
bool gmx_input_mapped(const gmx_input *in);
/* Copies the bytes [offset, offset+len) into dst. A mapped file of at least
 * GMX_INPUT_COPY_MIN bytes is read with pread instead of through its
 * mapping, whose pages then need not be faulted in: reading a large file in
 * steps into one reused buffer costs much less than touching its mapping.
 * False when the range is out of bounds or the read fails (the file
 * shrank): dst is then unspecified. */
#define GMX_INPUT_COPY_MIN ((size_t)16 << 20)
bool gmx_input_copy(const gmx_input *in, size_t offset, void *dst, size_t len);

/* Largest decompressed size gmx_gunzip produces by default (a gzip bomb
 * stops here with GMX_ELIMIT). */
#define GMX_GUNZIP_DEFAULT_MAX ((size_t)2 << 30)

/* True when data starts with the gzip magic bytes 1f 8b. */
int gmx_is_gzip(const void *data, size_t len);
/* Decompresses all gzip members of (data, len) into *out (free with
 * gmx_input_free after wrapping, or gmx_gunzip_free), at most max bytes
 * (0 = GMX_GUNZIP_DEFAULT_MAX). Corrupt or truncated data is GMX_EFORMAT and
 * too much output GMX_ELIMIT, both with the byte offset of the gzip member
 * at fault; name is used in error messages only. */
gmx_code gmx_gunzip(const char *name, const void *data, size_t len, size_t max, void **out,
                    size_t *out_len, gmx_error *err);
void gmx_gunzip_free(void *data);
/* When *in holds gzip data, replaces it with an input of the decompressed
 * bytes (same name) and frees the original; otherwise leaves it alone. */
gmx_code gmx_input_gunzip(gmx_input **in, size_t max, gmx_error *err);
/* Like gmx_input_gunzip, into the caller's reusable buffer (*buf of *cap
 * bytes, NULL and 0 at first; grown as needed; freed by the caller with
 * gmx_gunzip_free). The new input views the buffer: it is valid until the
 * buffer is used again or freed. One buffer reused over many files spares
 * the page faults of a fresh buffer per file, which cost more than the
 * inflating itself on some virtual machines. */
gmx_code gmx_input_gunzip_reusing(gmx_input **in, size_t max, void **buf, size_t *cap,
                                  gmx_error *err);

/* Decompresses a file compressed otherwise (bzip2, xz, zstd, lz4) into *out (free with gmx_gunzip_free), at most
 * max bytes (0 = GMX_GUNZIP_DEFAULT_MAX): GMX_ELIMIT past it, GMX_EFORMAT
 * when corrupt or cut short; name is used in error messages only. */
gmx_code gmx_unpack(const char *name, const void *data, size_t len, size_t max, void **out,
                    size_t *out_len, gmx_error *err);
/* When *in holds such data, replaces it with an input of the decompressed
 * bytes (same name); otherwise leaves it alone. */
gmx_code gmx_input_unpack(gmx_input **in, size_t max, gmx_error *err);
/* What every reader of a file calls first: gzip, bzip2, xz, zstd or lz4
 * data replaced by its decompressed bytes (gmx_input_gunzip for gzip,
 * gmx_input_unpack for the others); anything else left alone. */
gmx_code gmx_input_decompress(gmx_input **in, size_t max, gmx_error *err);
/* The same, gzip into the caller's reusable buffer as
 * gmx_input_gunzip_reusing does. */
gmx_code gmx_input_decompress_reusing(gmx_input **in, size_t max, void **buf, size_t *cap,
                                      gmx_error *err);

/* Archives given as inputs (zip, tar, compressed tar): each regular
 * member, in the archive's order, handed to fn with its bytes (fn takes
 * them over: free with gmx_gunzip_free) and its modification time (Unix
 * ns, 0 when not recorded). Members adding up to more than max_bytes are
 * GMX_ELIMIT (a zip bomb stops there), a damaged archive GMX_EFORMAT, each
 * naming the archive and the member;
 * a non-zero code from fn stops the reading and is returned. *is_archive
 * is false, and nothing read, when the bytes are no archive (a gzip of one
 * file is none: gmx_input_gunzip reads it). */
typedef gmx_code (*gmx_archive_member_fn)(void *ctx, const char *name, void *data, size_t len,
                                          int64_t mtime_ns, gmx_error *err);
gmx_code gmx_archive_read(const char *path, size_t max_bytes, gmx_archive_member_fn fn,
                          void *ctx, bool *is_archive, gmx_error *err);
/* The same from memory; name is used in messages only. */
gmx_code gmx_archive_read_memory(const char *name, const void *data, size_t len,
                                 size_t max_bytes, gmx_archive_member_fn fn, void *ctx,
                                 bool *is_archive, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
