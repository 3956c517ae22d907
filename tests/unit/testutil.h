/* Helpers shared by the unit tests (cmocka). */
#ifndef GMX_TESTUTIL_H
#define GMX_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gomemdx/gbuckets.h"
#include "gomemdx/goroutine.h"

/* Reads ROOT/relpath (ROOT = $GMX_SOURCE_DIR or the source dir baked in);
 * returns NULL if the file does not exist. Free with free(). */
char *tu_read_fixture(const char *relpath, size_t *len);
/* Parses text (NUL-terminated) as a full dump into a finished bucket set;
 * fails the test on a parse error. */
gmx_gbuckets *tu_buckets(const char *text, gmx_dump_info *info);
/* The bucket whose innermost user frame (first frame with func == name)
 * exists, or NULL. */
const gmx_gbucket *tu_bucket_with_func(const gmx_gbuckets *set, const char *func);

#endif
