/* A streaming JSON writer into a gmx_buf: commas, indentation and string
 * escaping are its job, so renderers only say what goes where. Output is
 * pretty-printed with two-space indents and is deterministic. Errors (out of
 * memory, nesting deeper than GMX_JSON_MAX_DEPTH) are sticky in buf->failed. */
#ifndef GMX_UTIL_JSON_H
#define GMX_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/str.h"

#define GMX_JSON_MAX_DEPTH 32

typedef struct gmx_json {
    gmx_buf *out;
    int depth;
    bool need_comma[GMX_JSON_MAX_DEPTH];
    bool after_key;
} gmx_json;

void gmx_json_init(gmx_json *j, gmx_buf *out);
void gmx_json_object_begin(gmx_json *j);
void gmx_json_object_end(gmx_json *j);
void gmx_json_array_begin(gmx_json *j);
void gmx_json_array_end(gmx_json *j);
void gmx_json_key(gmx_json *j, const char *key);
void gmx_json_key_str(gmx_json *j, gmx_str key); /* a key that is not NUL-terminated */
void gmx_json_string(gmx_json *j, gmx_str s);
void gmx_json_cstring(gmx_json *j, const char *s); /* NULL writes null */
void gmx_json_int(gmx_json *j, int64_t v);
void gmx_json_uint(gmx_json *j, uint64_t v);
/* Finite doubles: integral values (below 2^53) as integers, others in the
 * shortest form that reads back to the same double; NaN/Inf write null. */
void gmx_json_double(gmx_json *j, double v);
void gmx_json_bool(gmx_json *j, bool v);
void gmx_json_null(gmx_json *j);

/* Appends s to out as a quoted, escaped JSON string (invalid UTF-8 bytes
 * become U+FFFD). Used by the writer and by anyone quoting one string. */
void gmx_json_quote(gmx_buf *out, gmx_str s);

#endif
