/* gmx_str: a borrowed, length-delimited view of bytes, never assumed to be
 * NUL-terminated. Parsers hand these out pointing into the input they read;
 * models hand them out pointing into their own arenas. */
#ifndef GOMEMDX_STR_H
#define GOMEMDX_STR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_str {
    const char *p;
    size_t n;
} gmx_str;

#ifdef __cplusplus
}
#endif

#endif
