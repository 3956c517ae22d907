/* Loading: the bytes of one artifact, memory-mapped when it is a regular file
 * and read (up to a limit) when it is a pipe or standard input. */
#ifndef GOMEMDX_INPUT_H
#define GOMEMDX_INPUT_H

#include <stddef.h>

#include "gomemdx/error.h"

typedef struct gmx_input gmx_input;

/* Largest input read from a pipe or standard input. */
#define GMX_INPUT_MAX_STREAM ((size_t)8 << 30)

/* Opens path ("-" is standard input). *out is owned by the caller. */
gmx_code gmx_input_open(const char *path, gmx_input **out, gmx_error *err);
/* Wraps caller-owned memory (not copied; must outlive the input). */
gmx_code gmx_input_from_memory(const char *name, const void *data, size_t len,
                               gmx_input **out, gmx_error *err);
const char *gmx_input_name(const gmx_input *in);
const void *gmx_input_data(const gmx_input *in);
size_t gmx_input_size(const gmx_input *in);
void gmx_input_free(gmx_input *in);

#endif
