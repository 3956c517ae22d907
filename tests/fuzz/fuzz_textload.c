/* Fuzz target: what opening a text does to it (load/utf16.c, load/ansi.c).
 * Any bytes: UTF-16 either left alone or decoded into well-formed UTF-8 of
 * at most 1.5 times their size; terminal colours either left alone or all
 * removed, the text no longer (asserted: a bug aborts). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomemdx/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
static bool utf8_valid(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!k || i + k > n)
            return false;
        uint32_t v = k == 1 ? c : c & (0x7f >> k);
        for (size_t j = 1; j < k; j++) {
            if ((p[i + j] & 0xc0) != 0x80)
                return false;
            v = v << 6 | (p[i + j] & 0x3f);
        }
        static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (v < least[k] || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
            return false;
        i += k;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_input *in;
    gmx_error err;
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK)
        return 0;
    if (gmx_input_utf8(&in, &err) == GMX_OK && gmx_input_data(in) != (const void *)data) {
        const uint8_t *out = gmx_input_data(in);
        size_t n = gmx_input_size(in);
        if (n > size / 2 * 3 || !utf8_valid(out, n))
            abort();
    }
    const void *before = gmx_input_data(in);
    size_t before_len = gmx_input_size(in);
    if (gmx_input_strip_ansi(&in, &err) == GMX_OK && gmx_input_data(in) != before &&
        (gmx_input_size(in) > before_len || memchr(gmx_input_data(in), 0x1b, gmx_input_size(in))))
        abort();
    gmx_input_free(in);
    return 0;
}
