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

/* int64 arithmetic that wraps as Go's does (pprof sums sample values in
 * int64): signed overflow is undefined in C, so it goes through uint64. */
static inline int64_t gmx_i64_add_wrap(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t gmx_i64_mul_wrap(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* a + b, held at INT64_MAX or INT64_MIN instead of overflowing: for sums
 * of bytes and counts read from text, where a wrap would turn a hostile
 * figure negative. */
static inline int64_t gmx_i64_add_sat(int64_t a, int64_t b)
{
    int64_t r;
    if (!__builtin_add_overflow(a, b, &r))
        return r;
    return b > 0 ? INT64_MAX : INT64_MIN;
}

/* v truncated to an int64, held at INT64_MAX or INT64_MIN past them and
 * 0 for NaN: for estimates scaled from hostile figures, which a plain cast
 * would take out of range (undefined). */
static inline int64_t gmx_i64_of_double_sat(double v)
{
    if (!(v == v))
        return 0;
    if (v >= 9.2e18)
        return INT64_MAX;
    if (v <= -9.2e18)
        return INT64_MIN;
    return (int64_t)v;
}

/* Go's abs of an int64: the most negative value stays as it is. */
static inline int64_t gmx_i64_abs_wrap(int64_t v)
{
    return v < 0 ? (int64_t)(0u - (uint64_t)v) : v;
}

#endif
