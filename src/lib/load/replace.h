/* What the load module's transforms share (gunzip, UTF-16, colours). */
#ifndef GMX_LOAD_REPLACE_H
#define GMX_LOAD_REPLACE_H

#include "gomemdx/input.h"

/* Replaces *in with an input of the same name over data (allocated with
 * the library's allocator; the new input owns it, and frees it on
 * failure, when *in is left alone). */
gmx_code gmx_input_replace_heap(gmx_input **in, void *data, size_t len, gmx_error *err);

#endif
