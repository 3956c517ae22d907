/* Source files for `list`: pprof's trimPath and openSourceFile, and a line
 * index over the mapped file. */
#include "gomemdx/input.h"
#include "gomemdx/source.h"
#include "util/alloc.h"
#include "util/srcpath.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct gmx_source_file {
    gmx_input *input;
    const char *data;
    size_t *starts;       /* nlines + 1 line start offsets */
    size_t nlines;
};

static gmx_code index_lines(gmx_source_file *f, gmx_error *err)
{
    size_t len = gmx_input_size(f->input), n = 0;
    f->data = gmx_input_data(f->input);
    for (size_t i = 0; i < len; i++)
        n += f->data[i] == '\n';
    f->starts = gmx_mallocarray(n + 2, sizeof(*f->starts));
    if (!f->starts)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s",
                             gmx_input_name(f->input));
    size_t k = 0;
    f->starts[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (f->data[i] == '\n')
            f->starts[k++] = i + 1;
    /* A last line without a newline is a line; an empty one is not. */
    if (f->starts[k - 1] != len)
        f->starts[k++] = len + 1;
    f->nlines = k - 1;
    return GMX_OK;
}

static gmx_code open_file(const char *name, gmx_source_file **out, gmx_error *err)
{
    gmx_source_file *f = gmx_calloc(1, sizeof(*f));
    if (!f)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_code rc = gmx_input_open(name, &f->input, err);
    if (rc == GMX_OK && gmx_input_size(f->input) > GMX_SOURCE_MAX_BYTES)
        rc = gmx_error_set(err, GMX_ELIMIT, "%s: larger than %zu MiB, not a source file", name,
                           GMX_SOURCE_MAX_BYTES >> 20);
    if (rc == GMX_OK)
        rc = index_lines(f, err);
    if (rc != GMX_OK) {
        gmx_source_free(f);
        return rc;
    }
    *out = f;
    return GMX_OK;
}

/* Go's syscall.Errno strings are the C library's, lower-cased. */
static const char *go_strerror(int e)
{
    static _Thread_local char msg[128];
    snprintf(msg, sizeof(msg), "%s", strerror(e));
    msg[0] = (char)tolower((unsigned char)msg[0]);
    return msg;
}

/* A regular file that can be opened for reading: a source file is never a
 * FIFO (opening one would wait for a writer) nor a device (/dev/zero
 * never ends). errno says why not, as Go's os.Open would. */
static bool is_file(const char *name)
{
    struct stat st;
    if (stat(name, &st) != 0)
        return false;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return false;
    }
    return access(name, R_OK) == 0;
}

gmx_code gmx_source_open(gmx_str path, const gmx_source_path *sp, gmx_source_file **out,
                         gmx_error *err)
{
    *out = NULL;
    const char *search = sp && sp->search && *sp->search ? sp->search : ".";
    gmx_str rel = gmx_source_trim(path, sp);
    char name[PATH_MAX * 2 + 2];
    if (rel.n >= PATH_MAX)
        return gmx_error_set(err, GMX_EIO, "could not find file %.*s on path %s", (int)rel.n,
                             rel.p, search);
    if (rel.n > 0 && rel.p[0] == '/') {
        snprintf(name, sizeof(name), "%.*s", (int)rel.n, rel.p);
        if (!is_file(name)) /* Go's os.Open error, as pprof prints it */
            return gmx_error_set(err, GMX_EIO, "open %s: %s", name, go_strerror(errno));
        return open_file(name, out, err);
    }
    gmx_str list = gmx_str_cstr(search), dir;
    while (gmx_path_list_next(&list, &dir)) {
        /* The directory and each of its parents, as filepath.Dir climbs. */
        char cur[PATH_MAX + 1], joined[PATH_MAX * 2 + 2];
        gmx_str d = gmx_source_clean(dir.n < PATH_MAX - 2 ? dir : GMX_STR_LIT("."), cur);
        for (;;) {
            char clean[PATH_MAX * 2 + 4];
            snprintf(joined, sizeof(joined), "%.*s/%.*s", (int)d.n, d.p, (int)rel.n, rel.p);
            gmx_str j = gmx_source_clean(gmx_str_cstr(joined), clean);
            snprintf(name, sizeof(name), "%.*s", (int)j.n, j.p);
            if (is_file(name))
                return open_file(name, out, err);
            /* filepath.Dir: the directory of d, "." or "/" at the top. */
            size_t slash = gmx_str_rfind_char(d, '/');
            gmx_str parent = slash == SIZE_MAX ? GMX_STR_LIT(".")
                             : slash == 0      ? GMX_STR_LIT("/")
                                               : gmx_str_sub(d, 0, slash);
            if (gmx_str_eq(parent, d))
                break;
            memmove(cur, parent.p, parent.n);
            d = (gmx_str){ cur, parent.n };
        }
    }
    return gmx_error_set(err, GMX_EIO, "could not find file %.*s on path %s", (int)rel.n, rel.p,
                         search);
}

void gmx_source_free(gmx_source_file *f)
{
    if (!f)
        return;
    gmx_input_free(f->input);
    gmx_free(f->starts);
    gmx_free(f);
}

bool gmx_source_line(const gmx_source_file *f, int64_t lineno, gmx_str *line)
{
    if (lineno < 1 || (uint64_t)lineno > f->nlines)
        return false;
    size_t a = f->starts[lineno - 1], b = f->starts[lineno] - 1;
    if (b > a && f->data[b - 1] == '\r')
        b--;
    *line = (gmx_str){ f->data + a, b - a };
    return true;
}
