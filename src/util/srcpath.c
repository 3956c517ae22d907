/* pprof's rules for the source paths a profile names (its -source_path and
 * -trim_path, and Go's filepath.Clean): pure string work, shared by load
 * (finding the files) and analyze (grouping lines by file). */
#include "gomemdx/source.h"
#include "util/srcpath.h"
#include "util/str.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* The next ':'-separated element of *list, or false at its end. */
bool gmx_path_list_next(gmx_str *list, gmx_str *elem)
{
    if (list->n == 0)
        return false;
    const char *c = memchr(list->p, ':', list->n);
    size_t colon = c ? (size_t)(c - list->p) : SIZE_MAX;
    if (colon == SIZE_MAX) {
        *elem = *list;
        *list = (gmx_str){ list->p + list->n, 0 };
    } else {
        *elem = gmx_str_sub(*list, 0, colon);
        *list = gmx_str_sub(*list, colon + 1, list->n);
    }
    return true;
}

static gmx_str base_of(gmx_str dir)
{
    while (dir.n > 1 && dir.p[dir.n - 1] == '/')
        dir.n--;
    size_t slash = gmx_str_rfind_char(dir, '/');
    return slash == SIZE_MAX || dir.n == 1 ? dir : gmx_str_sub(dir, slash + 1, dir.n);
}

gmx_str gmx_source_trim(gmx_str path, const gmx_source_path *sp)
{
    const char *search = sp && sp->search && *sp->search ? sp->search : ".";
    gmx_str trim = gmx_str_cstr(sp && sp->trim ? sp->trim : "");
    gmx_str list, elem;
    if (trim.n == 0) {
        char want[PATH_MAX + 3];
        for (list = gmx_str_cstr(search); gmx_path_list_next(&list, &elem);) {
            gmx_str base = base_of(elem);
            if (base.n + 3 > sizeof(want))
                continue;
            want[0] = '/';
            memcpy(want + 1, base.p, base.n);
            want[base.n + 1] = '/';
            want[base.n + 2] = '\0';
            size_t at = gmx_str_find(path, want);
            if (at != SIZE_MAX)
                return gmx_str_sub(path, at + base.n + 2, path.n);
        }
    }
    static const char *const always[] = { "/proc/self/cwd/./", "/proc/self/cwd/" };
    for (list = trim;; ) {
        bool more = gmx_path_list_next(&list, &elem);
        if (!more)
            break;
        if (elem.n == 0)
            continue;
        bool slash = elem.p[elem.n - 1] == '/';
        if (path.n >= elem.n + !slash && memcmp(path.p, elem.p, elem.n) == 0 &&
            (slash || path.p[elem.n] == '/'))
            return gmx_str_sub(path, elem.n + !slash, path.n);
    }
    for (size_t i = 0; i < 2; i++)
        if (gmx_str_starts(path, always[i]))
            return gmx_str_sub(path, strlen(always[i]), path.n);
    return path;
}

gmx_str gmx_source_clean(gmx_str path, char *out)
{
    if (path.n == 0) {
        out[0] = '.';
        return (gmx_str){ out, 1 };
    }
    bool rooted = path.p[0] == '/';
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = dotdot = 1;
    }
    while (r < path.n) {
        if (path.p[r] == '/') {
            r++;
        } else if (path.p[r] == '.' && (r + 1 == path.n || path.p[r + 1] == '/')) {
            r++;
        } else if (path.p[r] == '.' && path.p[r + 1] == '.' &&
                   (r + 2 == path.n || path.p[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            for (; r < path.n && path.p[r] != '/'; r++)
                out[w++] = path.p[r];
        }
    }
    if (w == 0)
        out[w++] = '.';
    return (gmx_str){ out, w };
}
