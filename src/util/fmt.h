/* Locale-independent number formatting for reports. */
#ifndef GMX_UTIL_FMT_H
#define GMX_UTIL_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

/* 1234567 -> "1,234,567". */
void gmx_fmt_count(gmx_buf *b, uint64_t v);
/* The same as text, for a printf argument: gmx_fmt_count_text(n).s lives
 * until the end of the full expression that holds the call. */
typedef struct gmx_count_text {
    char s[32];
} gmx_count_text;
gmx_count_text gmx_fmt_count_text(uint64_t v);
/* Signed, with an explicit sign: "+1,204", "-12", "0". */
void gmx_fmt_delta(gmx_buf *b, int64_t v);
/* Bytes in binary units with one decimal: "512 B", "1.5 KiB", "12.0 MiB". */
void gmx_fmt_bytes(gmx_buf *b, uint64_t v);
/* The same as text, for a printf argument (as gmx_fmt_count_text). */
typedef struct gmx_bytes_text {
    char s[32];
} gmx_bytes_text;
gmx_bytes_text gmx_fmt_bytes_text(uint64_t v);
/* A duration, its unit chosen by its magnitude alone, so one report never
 * says "90 minutes" here and "1.5 hours" there: "45 s" under a minute,
 * "26 min" under 2 hours, "2.5 h" under 2 days, then "3.0 days" ("3.0 天"). */
void gmx_fmt_duration(gmx_buf *b, double seconds, bool zh);

#endif
