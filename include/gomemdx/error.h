/* Error reporting shared by every gomemdx library call.
 *
 * Fallible functions return a gmx_code (0 on success) and, when given a
 * non-NULL gmx_error, fill it with a one-line message and the position in the
 * input where the problem is. The library never prints and never exits. */
#ifndef GOMEMDX_ERROR_H
#define GOMEMDX_ERROR_H

#include <stddef.h>
#include <stdint.h>

typedef enum gmx_code {
    GMX_OK = 0,
    GMX_EUSAGE,       /* the caller asked for something impossible */
    GMX_EIO,          /* a file could not be opened or read */
    GMX_EFORMAT,      /* the input is not what it claims to be, or is corrupt */
    GMX_ELIMIT,       /* the input exceeds one of our fixed limits */
    GMX_ENOMEM,       /* an allocation failed */
    GMX_EINTERNAL     /* a bug: an invariant did not hold */
} gmx_code;

typedef struct gmx_error {
    gmx_code code;
    char message[240];
    /* Where: the input's name (a copy; empty when unknown), then the most
     * precise position known. line is 1-based, 0 when unknown; offset is a
     * byte offset into the (decompressed, if noted in the message) input. */
    char source[512];
    uint64_t line;
    uint64_t offset;
    int has_offset;
} gmx_error;

/* Fills err (if non-NULL) and returns code, so callers can write
 * `return gmx_error_set(err, GMX_EFORMAT, "bad header %s", x);`. */
gmx_code gmx_error_set(gmx_error *err, gmx_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Fill err (if non-NULL) with a message and where it happened, and return
 * code: the same code whatever err is, so that `return gmx_error_set_at_line(
 * err, GMX_EFORMAT, name, line, "...")` fails for a caller that passed NULL. */
gmx_code gmx_error_set_at_line(gmx_error *err, gmx_code code, const char *source, uint64_t line,
                               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
gmx_code gmx_error_set_at_offset(gmx_error *err, gmx_code code, const char *source,
                                 uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Adds where to an error a callee already set (its message is kept) and
 * returns code, whatever err is. */
gmx_code gmx_error_at_line(gmx_error *err, gmx_code code, const char *source, uint64_t line);
gmx_code gmx_error_at_offset(gmx_error *err, gmx_code code, const char *source, uint64_t offset);

/* Formats "SOURCE:LINE: message" (or "SOURCE: offset N: message", or just
 * the message) into out. Never fails; truncates to outsz. */
void gmx_error_format(const gmx_error *err, char *out, size_t outsz);

/* A short stable name of the code ("format error", "out of memory", ...). */
const char *gmx_code_name(gmx_code code);

#endif
