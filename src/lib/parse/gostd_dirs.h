/* The standard library's packages by the last element of their import
 * path, as panicparse prints a frame's package (its directory name only:
 * "http" for net/http, "poll" for internal/poll). */
#ifndef GMX_PARSE_GOSTD_DIRS_H
#define GMX_PARSE_GOSTD_DIRS_H

#include "util/str.h"

#include <stdbool.h>

/* The import path of the standard-library package whose path ends in dir
 * ("http": "net/http"), or dir itself: when the name is the package's whole
 * path ("time", "sync"), when no standard package ends so (the
 * application's), or when several public ones do ("pprof": runtime/pprof
 * or net/http/pprof, "rand", "template"), which the name cannot tell. */
gmx_str gmx_gostd_dir_path(gmx_str dir);

/* Whether path is the import path of a standard-library package whose last
 * element names it alone ("sync", "net/http", "internal/poll"; not
 * "math/rand" nor "crypto/rand", which share "rand"). */
bool gmx_gostd_package(gmx_str path);

#endif
