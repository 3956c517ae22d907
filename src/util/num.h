/* Number parsing over gmx_str: exact, bounds-checked, no locale. */
#ifndef GMX_UTIL_NUM_H
#define GMX_UTIL_NUM_H

#include <stdbool.h>
#include <stdint.h>

#include "util/str.h"

/* Whole of s must be decimal digits; false on empty, junk or overflow. */
bool gmx_parse_u64(gmx_str s, uint64_t *out);
/* s must be "0x" followed by hex digits (lower or upper case). */
bool gmx_parse_hex_u64(gmx_str s, uint64_t *out);
/* Parses leading decimal digits of s; returns how many bytes were consumed
 * (0 if none or on overflow). */
size_t gmx_scan_u64(gmx_str s, uint64_t *out);
/* Whole of s must be an optional '-' or '+' then decimal digits that fit
 * an int64_t. */
bool gmx_parse_i64(gmx_str s, int64_t *out);
/* Whole of s must be a decimal floating-point number: [+-]digits[.digits]
 * [(e|E)[+-]digits] ("1.5e+06", "0.25", "42"); no hex, inf or nan, at most
 * 63 bytes. Correctly rounded (strtod; the library never sets a locale). */
bool gmx_parse_f64(gmx_str s, double *out);

#endif
