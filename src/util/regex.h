/* POSIX extended regexes over gmx_str views: the one way function names,
 * files and --focus/--ignore patterns are matched. Unanchored, like Go's
 * MatchString. */
#ifndef GMX_UTIL_REGEX_H
#define GMX_UTIL_REGEX_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/str.h"
#include "util/buf.h"

/* Compiles pattern (REG_EXTENDED | REG_NOSUB). 0, or nonzero with the
 * reason in msg (when msg is not NULL). */
int gmx_regex_compile(regex_t *re, const char *pattern, char *msg, size_t msgsz);
/* Whether re matches s. A name of under 4 KiB is NUL-terminated on the
 * stack; a longer one in scratch (reused between calls), and the match is
 * false when scratch cannot grow: callers see that in scratch->failed. */
bool gmx_regex_match(const regex_t *re, gmx_str s, gmx_buf *scratch);

#endif
