/* An LD_PRELOAD shim for the shrinking-input test: right after gomemdx maps
 * the file named by GMX_SHRINK_PATH, the file is cut to GMX_SHRINK_TO bytes
 * (default 4096), as a log rotation or a rewrite would cut it. Reading the
 * mapping past that then raises SIGBUS, which gomemdx must report as a
 * damaged input. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    static mmap_fn real;
    if (!real)
        real = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
    void *p = real(addr, len, prot, flags, fd, off);
    const char *want = getenv("GMX_SHRINK_PATH");
    if (p == MAP_FAILED || fd < 0 || !want)
        return p;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return p;
    path[n] = '\0';
    if (strcmp(path, want) == 0) {
        const char *to = getenv("GMX_SHRINK_TO");
        if (truncate(path, to ? atol(to) : 4096) != 0)
            perror("shrink_after_mmap: truncate");
    }
    return p;
}
