#include "gomemdx/output.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gmx_code fail(gmx_error *err, const char *path, int e)
{
    return gmx_error_set(err, GMX_EIO, "%s: cannot write: %s", path, strerror(e));
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

gmx_code gmx_output_write_file(const char *path, const void *data, size_t len, gmx_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a terminal or a pipe is written through, never
         * replaced nor removed; a folder, a disk or a socket is refused. */
        if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
            return gmx_error_set(err, GMX_EIO, "%s: not a file to write a profile to", path);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(err, path, errno);
        int e = write_all(fd, data, len) != 0 ? errno : 0;
        if (close(fd) != 0 && !e)
            e = errno;
        return e ? fail(err, path, e) : GMX_OK;
    }
    /* Through a symbolic link, the file it names is replaced, not the link. */
    char target[PATH_MAX];
    const char *dest = path;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, target))
        dest = target;
    char tmp[PATH_MAX + 8];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dest) >= sizeof(tmp))
        return gmx_error_set(err, GMX_EIO, "%s: path too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fail(err, path, errno);
    /* mkstemp's 0600 is for the temporary name; the file itself reads as
     * any file the user writes. */
    int e = 0;
    if (fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, dest) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return fail(err, path, e);
    }
    return GMX_OK;
}

char *gmx_output_visible(char *out, size_t n, const char *s, size_t len)
{
    if (!n)
        return out;
    gmx_buf b;
    gmx_buf_init(&b, 4 * len + 1);
    gmx_buf_put_visible(&b, s ? s : "", s ? len : 0);
    size_t k = b.failed || !b.data ? 0 : b.len < n ? b.len : n - 1;
    if (k)
        memcpy(out, b.data, k);
    out[k] = '\0';
    gmx_buf_release(&b);
    return out;
}
