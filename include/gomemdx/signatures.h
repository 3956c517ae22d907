/* The signature catalogue: goroutine stacks whose meaning is published —
 * known leak mechanisms and long-lived goroutines that are there by design —
 * as data (data/signatures.tsv, compiled into the library; format described
 * at its top). A user's file in the same format adds entries that are tried
 * before the built-in ones. */
#ifndef GOMEMDX_SIGNATURES_H
#define GOMEMDX_SIGNATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/findings.h"

typedef struct gmx_signature {
    bool leak;               /* a leak mechanism; false: benign long-lived */
    gmx_category category;   /* leak: the cause; GMX_CAT_NONE when benign */
    uint64_t min;            /* leak: goroutines from which a pile-up is a warning */
    uint64_t min_reported;   /* leak: the same for goroutines a leak checker reported
                              * as outliving their test ("N/R" in the catalogue); 0: min */
    const char *name;        /* what it is */
    const char *name_zh;     /* the same in Chinese */
    const char *source;      /* where it is published */
    const char *advice;      /* leak: what to do; NULL for the category's */
    const char *file;        /* the catalogue it came from ("built-in" or a path) */
    uint64_t line;           /* its line there */
} gmx_signature;

/* Limits on a catalogue file: entries, and bytes of one line. */
#define GMX_SIGNATURES_MAX 4096
#define GMX_SIGNATURES_MAX_LINE 4096

typedef struct gmx_signatures gmx_signatures;

/* An empty catalogue; NULL when out of memory. */
gmx_signatures *gmx_signatures_new(void);
void gmx_signatures_free(gmx_signatures *s);

/* Appends the entries of a catalogue file held in (data, len); name is used
 * in error messages and as gmx_signature.file. A malformed line (wrong field
 * count, bad regex, unknown verdict or category, no source) is GMX_EFORMAT
 * naming the line; nothing is appended then. */
gmx_code gmx_signatures_parse(gmx_signatures *s, const char *name, const void *data, size_t len,
                              gmx_error *err);
/* Appends the built-in catalogue (data/signatures.tsv). */
gmx_code gmx_signatures_add_builtin(gmx_signatures *s, gmx_error *err);

size_t gmx_signatures_count(const gmx_signatures *s);
const gmx_signature *gmx_signatures_at(const gmx_signatures *s, size_t i);

#endif
