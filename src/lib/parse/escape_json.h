/* The -json=0,DIR form of escape-analysis logs (docs/formats.md §5.3). */
#ifndef GMX_PARSE_ESCAPE_JSON_H
#define GMX_PARSE_ESCAPE_JSON_H

#include "gomemdx/escape.h"

/* Parses one file of a -json=0 log; info is set up by the caller. */
gmx_code gmx_escape_parse_json(const char *name, const void *data, size_t len, gmx_esc_fn fn,
                               void *ctx, gmx_esc_info *info, gmx_error *err);

#endif
