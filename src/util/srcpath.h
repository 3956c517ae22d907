/* Lists of paths as pprof's -source_path and -trim_path write them. */
#ifndef GMX_UTIL_SRCPATH_H
#define GMX_UTIL_SRCPATH_H

#include <stdbool.h>

#include "gomemdx/str.h"

/* The next ':'-separated element of *list, or false at its end. */
bool gmx_path_list_next(gmx_str *list, gmx_str *elem);

#endif
