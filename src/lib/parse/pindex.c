/* The /debug/pprof/ index page, saved or copied from a browser: the one
 * page every Go service with net/http/pprof serves, and often what a user
 * looks at first. Its table counts the profiles' records; the goroutine
 * row is the number of goroutines at that moment:
 *
 *   <tr><td>15234</td><td><a href='goroutine?debug=1'>goroutine</a></td></tr>   (Go 1.16+)
 *   <tr><td align=right>15234<td><a href="goroutine?debug=1">goroutine</a>      (older)
 *   15234	goroutine                                                             (copied text)
 *
 * Pages taken over time are a goroutine count climbing: the first step of
 * the runbook, though not its culprit (a goroutine dump names that). */
#include "gomemdx/metrics.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"

#include <string.h>

enum { SNIFF = 64 << 10 };

static bool index_page(gmx_str s)
{
    return gmx_str_find(s, "/debug/pprof/") != SIZE_MAX ||
           gmx_str_find(s, "Types of profiles available:") != SIZE_MAX;
}

/* The count that ends the text before at (after the last tag's '>', or
 * after blanks): the goroutine row's Count cell. */
static bool count_before(gmx_str s, size_t at, uint64_t *n)
{
    size_t end = at;
    for (;;) { /* back over tags and blanks to the count's last digit */
        while (end && (s.p[end - 1] == ' ' || s.p[end - 1] == '\t'))
            end--;
        if (!end || s.p[end - 1] != '>')
            break;
        size_t lt = gmx_str_rfind_char(gmx_str_sub(s, 0, end), '<');
        if (lt == SIZE_MAX)
            return false;
        end = lt;
    }
    size_t start = end;
    while (start && s.p[start - 1] >= '0' && s.p[start - 1] <= '9')
        start--;
    return start < end && gmx_parse_u64(gmx_str_sub(s, start, end), n);
}

/* The goroutine row of one line: an anchor to goroutine?debug=1 (HTML), or
 * "N goroutine" alone (text). */
static bool goroutine_row(gmx_str line, uint64_t *n)
{
    size_t at = gmx_str_find(line, "goroutine?debug=1");
    if (at != SIZE_MAX) {
        size_t a = gmx_str_find(line, "<a ");
        return a != SIZE_MAX && a < at && count_before(line, a, n);
    }
    gmx_str t = gmx_str_trim(line);
    size_t digits = 0;
    while (digits < t.n && t.p[digits] >= '0' && t.p[digits] <= '9')
        digits++;
    gmx_str rest = gmx_str_trim(gmx_str_sub(t, digits, t.n));
    return digits && rest.p != t.p + digits && gmx_str_eq_cstr(rest, "goroutine") &&
           gmx_parse_u64(gmx_str_sub(t, 0, digits), n);
}

bool gmx_metrics_pprof_index_sniff(const void *data, size_t len)
{
    gmx_str head = gmx_str_make(data, len < SNIFF ? len : SNIFF);
    if (!index_page(head))
        return false;
    gmx_cursor c;
    gmx_cursor_init(&c, head.p, head.n);
    gmx_str line;
    uint64_t n;
    while (gmx_cursor_next(&c, &line))
        if (goroutine_row(line, &n))
            return true;
    return false;
}

gmx_code gmx_metrics_pprof_index_parse(const char *name, const void *data, size_t len,
                                       gmx_msample *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    while (gmx_cursor_next(&c, &line)) {
        if (goroutine_row(line, &out->goroutines)) {
            out->has_goroutines = true;
            return GMX_OK;
        }
    }
    return gmx_error_set_at_line(err, GMX_EFORMAT, name, c.line ? c.line : 1,
                                 "no goroutine row in a /debug/pprof/ page (expected "
                                 "\"N goroutine\")");
}
