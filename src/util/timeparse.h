/* Timestamps as people and programs write them, to nanoseconds since the
 * Unix epoch (UTC). Exact integer arithmetic: no libc time functions, no
 * time zone database, no locale. Years 1678–2261 (what int64 ns can hold). */
#ifndef GMX_UTIL_TIMEPARSE_H
#define GMX_UTIL_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

/* Parses a date-time at the start of s and returns how many bytes it took
 * (0 when none parses). Accepted:
 *   RFC 3339      2026-11-26T01:38:55Z, 2026-11-26T09:38:55.5+08:00
 *   date time     2026-11-26 01:38:55[.fraction][zone]  (no zone = UTC)
 *   Go's log      2026/11/26 01:38:55[.microseconds]      (UTC assumed)
 * The separator between date and time is 'T', 't' or one space; the zone is
 * 'Z', 'z' or ±hh:mm (±hhmm too). Fractions keep 9 digits, the rest is read
 * and dropped. The byte after the time must not be a digit. */
size_t gmx_scan_time(gmx_str s, int64_t *ns);

/* The whole of s (spaces around it allowed) must be a time: one of the
 * forms above, or Unix time as a number: below 1e11 seconds (a fraction
 * allowed), below 1e14 milliseconds, below 1e17 microseconds, else
 * nanoseconds. */
bool gmx_parse_time(gmx_str s, int64_t *ns);

/* A syslog (RFC 3164) stamp "Nov 26 01:38:55" (day may be space-padded)
 * at the start of s: the time since January 1st 00:00 of a year it does
 * not name, counting February as 28 days. Returns the bytes taken or 0. */
size_t gmx_scan_syslog_time(gmx_str s, int64_t *ns_of_year);

/* A Go time.Duration as its String method writes it at the start of s
 * ("1h2m3.5s", "30m0s", "250ms", "1.5µs", "0s"): its length in seconds
 * and the bytes it took, 0 when s starts with none. Units h, m, s, ms,
 * us or µs, ns, each after a number (a fraction allowed). */
size_t gmx_scan_go_duration(gmx_str s, double *seconds);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t gmx_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
