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

#endif
