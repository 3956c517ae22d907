/* "#" frame lines of the debug=1 profile texts: fields split on runs of tabs. */
#include "parse/frameline.h"
#include "util/num.h"
#include "util/str.h"

#include <stdint.h>

/* The next tab-separated field of *s (runs of tabs are one separator). */
static gmx_str next_field(gmx_str *s)
{
    size_t i = 0;
    while (i < s->n && s->p[i] == '\t')
        i++;
    size_t start = i;
    while (i < s->n && s->p[i] != '\t')
        i++;
    gmx_str f = gmx_str_sub(*s, start, i);
    *s = gmx_str_sub(*s, i, s->n);
    return f;
}

/* "main.f+0x99" -> "main.f". */
static gmx_str strip_offset(gmx_str func)
{
    size_t plus = gmx_str_rfind_char(func, '+');
    if (plus != SIZE_MAX && gmx_str_starts(gmx_str_sub(func, plus, func.n), "+0x"))
        return gmx_str_sub(func, 0, plus);
    return func;
}

bool gmx_parse_frame_line(gmx_str line, gmx_frame *f)
{
    gmx_str rest = gmx_str_sub(line, 1, line.n); /* after '#' */
    next_field(&rest);                           /* the pc */
    gmx_str func = next_field(&rest);
    gmx_str where = next_field(&rest);
    if (!func.n)
        return false;
    f->func = strip_offset(func);
    size_t colon = gmx_str_rfind_char(where, ':');
    uint64_t n = 0;
    if (colon != SIZE_MAX && gmx_parse_u64(gmx_str_sub(where, colon + 1, where.n), &n)) {
        f->file = gmx_str_sub(where, 0, colon);
        f->line = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    } else {
        f->file = where;
        f->line = 0;
    }
    return true;
}
